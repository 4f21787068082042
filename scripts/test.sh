#!/usr/bin/env bash
# Runs every test suite: unit tests, the storage story on SQLite and PostgreSQL, the HTTP tests
# and the real-browser test. Installs what the tests need on a fresh machine of this kind.
set -euo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL on 127.0.0.1:5432 (trust auth): start the local cluster if it is down.
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  fi
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }

# Headless Chromium and ChromeDriver for the browser test (Debian packages).
if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# LibreOffice, CJK fonts and poppler for the report tests: the generated DOCX is converted to PDF
# and its page size, text and fonts are checked (Debian packages).
REPORT_PACKAGES="libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai poppler-utils"
missing=""
for p in $REPORT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Each PostgreSQL test creates its own database `fazhi_t_<id>`; drop those of earlier runs, so a
# long-lived machine does not accumulate them (a test's database stays until the next run, for
# looking into a failure).
{ psql -h 127.0.0.1 -U postgres -d test -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'fazhi\_t\_%'" || true; } |
  while read -r db; do psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS \"$db\"" || true; done

# Free disk, printed so that a run that fails for lack of space says so up front.
df -h . | tail -n 1 | awk '{print "disk: " $4 " free of " $2}'

cargo test --workspace --all-targets "$@"

# Fuzz every parser of untrusted input for a bounded time (docs/security.md, "Fuzzing").
# cargo-fuzz needs nightly flags; the machine's one toolchain is stable, so RUSTC_BOOTSTRAP=1.
FUZZ_SECONDS="${FAZHI_FUZZ_SECONDS:-20}"
if [ "$FUZZ_SECONDS" != "0" ]; then
  command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
  (
    # Only for the fuzz build: set for the whole script, it would make cargo rebuild the
    # workspace for the API fuzzing below.
    export RUSTC_BOOTSTRAP=1
    cd fuzz
    for target in $(cargo fuzz list); do
      mkdir -p "corpus/$target"
      # Seeds, and inputs that once failed (kept so they are rerun every time).
      seeds=()
      for d in "seeds/$target" "regressions/$target"; do [ -d "$d" ] && seeds+=("$d"); done
      echo "fuzzing $target for ${FUZZ_SECONDS}s"
      log="$(mktemp)"
      if ! cargo fuzz run -s none "$target" "corpus/$target" "${seeds[@]}" -- \
        -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=10 >"$log" 2>&1; then
        tail -n 40 "$log"
        echo "fuzz target $target failed; the input is in fuzz/artifacts/$target" >&2
        exit 1
      fi
      tail -n 1 "$log"
    done
  )
fi

# OpenAPI-driven fuzzing of the live API (schemathesis): no 5xx.
./scripts/api-fuzz.sh
