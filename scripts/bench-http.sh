#!/usr/bin/env bash
# HTTP load of the pages issue 15 names, with wrk (8 connections, latency percentiles), against a
# database the bench tool filled (docs/performance.md, "The procedure kernel"):
#
#   cargo run --release -p fazhi-cli --bin fazhi-bench -- --database-url sqlite:///tmp/bench.db --cases 1000000
#   ./scripts/bench-http.sh sqlite:///tmp/bench.db
#
# Installs wrk (Debian package) when missing. The server is the release binary, signed in as the
# 依法治区办 demo account; each page runs for DURATION seconds (default 15) after a warm-up.
# FAZHI_BIN names another build of the server (to compare two commits on one database).
set -euo pipefail
cd "$(dirname "$0")/.."
url="${1:?database URL, e.g. sqlite:///tmp/bench.db}"
duration="${DURATION:-15}"

if ! command -v wrk >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq wrk >/dev/null
fi
bin="${FAZHI_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release -q -p fazhi-cli --bin fazhi
  bin=./target/release/fazhi
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
work="$(mktemp -d)"
FAZHI_LOG=warn "$bin" --database-url "$url" serve --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/login" >/dev/null && break; sleep 1; done

token="$(curl -sf -X POST -H 'content-type: application/json' \
  -d '{"username":"fzb","password":"Fazhi@2024"}' "http://127.0.0.1:$port/api/v1/session" |
  python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])')"
# A case that exists, for the detail page.
case_id="$(curl -sf -H "authorization: Bearer $token" "http://127.0.0.1:$port/rc/cases?year=2024" |
  grep -o 'href="/rc/cases/[0-9]*"' | head -n 1 | grep -o '[0-9]*')"

cat >"$work/auth.lua" <<LUA
wrk.headers["authorization"] = "Bearer $token"
LUA

run() {
  local name="$1" path="$2"
  # Warm-up (caches, the page cache of the database), then the measured run.
  wrk -t2 -c8 -d3s -s "$work/auth.lua" "http://127.0.0.1:$port$path" >/dev/null
  local out
  out="$(wrk -t2 -c8 -d"${duration}s" --latency -s "$work/auth.lua" "http://127.0.0.1:$port$path")"
  local p50 p99 rps non2xx
  p50="$(awk '/^ +50%/ {print $2}' <<<"$out")"
  p99="$(awk '/^ +99%/ {print $2}' <<<"$out")"
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  printf '| %s | `%s` | %s | %s | %s |%s\n' "$name" "$path" "$p50" "$p99" "$rps" "${non2xx:+ non-2xx: $non2xx}"
}

echo "| page | path | p50 | p99 | requests/s |"
echo "|---|---|---|---|---|"
run "login page (the floor)" "/login"
run "filtered list" "/rc/cases?year=2024"
run "case detail" "/rc/cases/$case_id"
run "API list" "/api/v1/rc/cases?year=2024"
run "API case" "/api/v1/rc/cases/$case_id"
run "indicators page" "/indicators?year=2024"
run "name search 张伟" "/rc/cases?text=%E5%BC%A0%E4%BC%9F"
