//! Signed checkpoints of the audit chain, kept outside the database (issue 13 §7).
//!
//! The hash chain shows an edited or missing entry, but someone who owns the database can cut
//! the newest entries and move `audit_head` back, or rewrite the chain from some entry on: the
//! log then verifies. A checkpoint pins the head as it was: its sequence number, its hash, the
//! number of entries and the time, signed with HMAC-SHA256 under a key the database does not
//! hold. The server appends one to `audit-checkpoints.jsonl` in `audit.checkpoint_dir` at start
//! and every 24 hours (`fazhi audit checkpoint` writes one at once), and sends it to syslog when
//! `audit.checkpoint_syslog` is set. `fazhi audit verify --checkpoint FILE` checks each line's
//! signature and that its (seq, hash) is still in the chain.

use crate::{audit, Actor, App};
use anyhow::{bail, Context, Result};
use fazhi_store::Row;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file the checkpoints are appended to, in `audit.checkpoint_dir`.
pub const FILE_NAME: &str = "audit-checkpoints.jsonl";

/// The shortest key accepted, in bytes.
pub const MIN_KEY_BYTES: usize = 32;

/// One line of the checkpoint file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Format version (1).
    pub v: u32,
    /// The head's sequence number (0 for an empty log).
    pub seq: i64,
    /// The head's hash (the hash of entry `seq`).
    pub hash: String,
    /// Entries in the log when it was taken.
    pub count: i64,
    /// When it was taken (UTC, RFC 3339).
    pub at: String,
    /// HMAC-SHA256 over the fields above, hex.
    pub mac: String,
}

impl Checkpoint {
    /// What the MAC covers: the fields as a JSON array, in a fixed order.
    fn signed_text(&self) -> String {
        serde_json::json!([
            "fazhi-audit-checkpoint",
            self.v,
            self.seq,
            self.hash,
            self.count,
            self.at
        ])
        .to_string()
    }

    fn mac_over(&self, key: &[u8]) -> Hmac<Sha256> {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
        m.update(self.signed_text().as_bytes());
        m
    }

    fn sign(mut self, key: &[u8]) -> Self {
        self.mac = hex::encode(self.mac_over(key).finalize().into_bytes());
        self
    }

    /// Whether the MAC is right (compared in constant time).
    pub fn signature_ok(&self, key: &[u8]) -> bool {
        hex::decode(&self.mac).is_ok_and(|mac| self.mac_over(key).verify_slice(&mac).is_ok())
    }
}

/// The signing key from `audit.checkpoint_key_file` (preferred) or `audit.checkpoint_key`.
pub fn key(app: &App) -> Result<Vec<u8>> {
    let s = &app.config.audit;
    let key = if let Some(path) = &s.checkpoint_key_file {
        let bytes = std::fs::read(path)
            .with_context(|| format!("无法读取审计检查点密钥文件 {}", path.display()))?;
        String::from_utf8_lossy(&bytes).trim().as_bytes().to_vec()
    } else if let Some(k) = &s.checkpoint_key {
        k.trim().as_bytes().to_vec()
    } else {
        bail!("未配置审计检查点密钥（audit.checkpoint_key_file）");
    };
    if key.len() < MIN_KEY_BYTES {
        bail!("审计检查点密钥过短：至少{MIN_KEY_BYTES}字节");
    }
    Ok(key)
}

/// The checkpoint file in the configured folder.
pub fn file(app: &App) -> Result<PathBuf> {
    let dir = app
        .config
        .audit
        .checkpoint_dir
        .as_ref()
        .context("未配置审计检查点目录（audit.checkpoint_dir）")?;
    Ok(dir.join(FILE_NAME))
}

/// Takes a checkpoint of the head as it is now, appends it to the file (synced to disk), records
/// it in the log and sends it to syslog when configured. Returns it and the file.
pub async fn write(app: &App) -> Result<(Checkpoint, PathBuf)> {
    let key = key(app)?;
    let path = file(app)?;
    // One statement, so the head and the count are of the same moment.
    let head = sqlx::query(
        "SELECT h.seq, h.last_hash, (SELECT COUNT(*) FROM audit_log) FROM audit_head h WHERE h.id = 1",
    )
    .fetch_one(&app.db.pool)
    .await?;
    let cp = Checkpoint {
        v: 1,
        seq: head.get(0),
        hash: head.get(1),
        count: head.get(2),
        at: app.now_text(),
        mac: String::new(),
    }
    .sign(&key);
    let line = serde_json::to_string(&cp)?;
    append_line(&path, &line)?;
    audit::record_alone(
        app,
        &Actor::system("审计检查点", 0),
        "checkpoint",
        "audit_log",
        &cp.seq.to_string(),
        Some(
            serde_json::json!({"seq": cp.seq, "hash": cp.hash, "count": cp.count,
                                "file": path.display().to_string()}),
        ),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{}", e.user_message()))?;
    if let Some(target) = &app.config.audit.checkpoint_syslog {
        send_syslog(target, &cp.at, &line)
            .with_context(|| format!("审计检查点已写入文件，但未能发送到 syslog（{target}）"))?;
    }
    Ok((cp, path))
}

/// Appends a line and syncs it; the file is created readable by its owner only.
fn append_line(path: &Path, line: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("无法建立审计检查点目录 {}", dir.display()))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("无法写入审计检查点文件 {}", path.display()))?;
    f.write_all(format!("{line}\n").as_bytes())?;
    f.sync_all()?;
    Ok(())
}

/// Sends the checkpoint as an RFC 5424 message (facility log audit, severity informational) to
/// `udp://HOST:PORT` or `unix:///path` (a datagram socket such as /dev/log).
pub fn send_syslog(target: &str, at: &str, line: &str) -> Result<()> {
    // <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG; PRI = 13 × 8 + 6.
    let msg = format!(
        "<110>1 {at} - fazhi {} audit-checkpoint - {line}",
        std::process::id()
    );
    if let Some(addr) = target.strip_prefix("udp://") {
        use std::net::ToSocketAddrs;
        let to = addr
            .to_socket_addrs()?
            .next()
            .with_context(|| format!("syslog 地址无效：{target}"))?;
        let local = if to.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
        let sock = std::net::UdpSocket::bind(local)?;
        sock.send_to(msg.as_bytes(), to)?;
        return Ok(());
    }
    #[cfg(unix)]
    if let Some(path) = target.strip_prefix("unix://") {
        let sock = std::os::unix::net::UnixDatagram::unbound()?;
        sock.send_to(msg.as_bytes(), path)?;
        return Ok(());
    }
    bail!("syslog 地址应为 udp://主机:端口 或 unix:///路径：{target}")
}

/// Starts the server's daily checkpoint (at once, then every 24 hours) when a folder is
/// configured. A missing or short key stops the start; a failed checkpoint is logged and tried
/// again the next day.
pub fn spawn_daily(app: App) -> Result<Option<tokio::task::JoinHandle<()>>> {
    if app.config.audit.checkpoint_dir.is_none() {
        return Ok(None);
    }
    key(&app)?;
    Ok(Some(tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match write(&app).await {
                Ok((cp, path)) => tracing::info!(
                    seq = cp.seq,
                    file = %path.display(),
                    "audit checkpoint written"
                ),
                Err(e) => tracing::error!("audit checkpoint failed: {e:#}"),
            }
        }
    })))
}

/// A checkpoint line that does not hold.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Line number in the file (from 1).
    pub line: usize,
    pub seq: Option<i64>,
    pub at: Option<String>,
    pub problem: String,
}

/// The outcome of checking a checkpoint file against the log.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Lines whose signature and (seq, hash) hold.
    pub held: usize,
    pub findings: Vec<Finding>,
}

/// Checks every line of a checkpoint file: the signature under the configured key, then that
/// the entry it names is still in the log with the same hash. A tail cut below a checkpoint
/// (its entry is gone) and a chain rewritten from before it (the entry's hash differs) are both
/// found; the chain itself is checked by `audit::verify_chain`.
pub async fn verify(app: &App, path: &Path) -> Result<CheckReport> {
    let key = key(app)?;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取审计检查点文件 {}", path.display()))?;
    let mut report = CheckReport {
        held: 0,
        findings: vec![],
    };
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let finding = |seq, at, problem: &str| Finding {
            line: i + 1,
            seq,
            at,
            problem: problem.to_string(),
        };
        let cp: Checkpoint = match serde_json::from_str(line) {
            Ok(cp) => cp,
            Err(_) => {
                report
                    .findings
                    .push(finding(None, None, "格式无效，不是审计检查点"));
                continue;
            }
        };
        let (seq, at) = (Some(cp.seq), Some(cp.at.clone()));
        if !cp.signature_ok(&key) {
            report.findings.push(finding(
                seq,
                at,
                "签名无效：该检查点被伪造或改动过（或密钥不是写入时的密钥）",
            ));
            continue;
        }
        if cp.seq == 0 {
            report.held += 1;
            continue;
        }
        let stored: Option<Option<String>> =
            sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
                .bind(cp.seq)
                .fetch_optional(&app.db.pool)
                .await?;
        match stored {
            None => report.findings.push(finding(
                seq,
                at,
                &format!(
                    "日志中已没有检查点记录的第{}条：检查点之后日志尾部被截断（链头被改写）",
                    cp.seq
                ),
            )),
            Some(h) if h.as_deref() != Some(cp.hash.as_str()) => report.findings.push(finding(
                seq,
                at,
                &format!(
                    "第{}条日志的哈希值与检查点不符：该条及之前的日志被改写",
                    cp.seq
                ),
            )),
            Some(_) => report.held += 1,
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_field_or_another_key_breaks_the_signature() {
        let key = [7u8; 32];
        let cp = Checkpoint {
            v: 1,
            seq: 42,
            hash: "ab".repeat(32),
            count: 42,
            at: "2024-12-31T04:00:00.000Z".into(),
            mac: String::new(),
        }
        .sign(&key);
        assert!(cp.signature_ok(&key));
        assert!(!cp.signature_ok(&[8u8; 32]));
        let moved = Checkpoint {
            seq: 41,
            ..cp.clone()
        };
        assert!(!moved.signature_ok(&key));
        let garbled = Checkpoint {
            mac: "zz".into(),
            ..cp
        };
        assert!(!garbled.signature_ok(&key));
    }
}
