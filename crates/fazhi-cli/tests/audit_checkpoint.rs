//! `fazhi audit checkpoint`, the server's checkpoint at start and `fazhi audit verify
//! --checkpoint` (issue 13 §7), run as the real binary on SQLite and PostgreSQL: a tail cut with
//! the head moved back passes the plain check and fails the checkpoint check with exit status 1,
//! naming the checkpoint; a forged line is reported.

use fazhi_app::{audit, Actor};
use fazhi_testkit::{d, with_org, Backend};
use std::process::{Command, Output, Stdio};

fn fazhi(config: &std::path::Path, url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fazhi"));
    c.arg("--config")
        .arg(config)
        .arg("--database-url")
        .arg(url)
        .env("FAZHI_LOG", "warn");
    c
}

fn run(mut c: Command) -> (i32, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = c.output().expect("run fazhi");
    (
        status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        ),
    )
}

async fn story(backend: Backend) {
    let t = with_org(backend, d("2024-12-31")).await;
    let app = &t.app;
    let url = app.config.database_url.clone();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("checkpoint.key");
    std::fs::write(&key, "3e7b1c9d5f2a48e6b0c4d8f1a3e5c7b9\n").unwrap();
    let folder = dir.path().join("checkpoints");
    let file = folder.join(fazhi_app::checkpoint::FILE_NAME);
    let syslog = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let config = dir.path().join("fazhi.toml");
    std::fs::write(
        &config,
        format!(
            "[audit]\ncheckpoint_dir = {:?}\ncheckpoint_key_file = {:?}\ncheckpoint_syslog = \"udp://{}\"\n",
            folder.display().to_string(),
            key.display().to_string(),
            syslog.local_addr().unwrap()
        ),
    )
    .unwrap();

    // The command writes one and sends it to syslog.
    let mut c = fazhi(&config, &url);
    c.args(["audit", "checkpoint"]);
    let (code, out) = run(c);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("已写入审计检查点"), "{out}");
    let mut buf = [0u8; 2048];
    let n = syslog.recv(&mut buf).unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).contains("audit-checkpoint"));
    let system = Actor::system("测试", 1);
    for i in 0..5 {
        audit::record_alone(app, &system, "login", "user", &i.to_string(), None)
            .await
            .unwrap();
    }

    // The server writes one when it starts.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let mut server = fazhi(&config, &url)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .spawn()
        .expect("start fazhi serve");
    let lines = || {
        std::fs::read_to_string(&file)
            .unwrap_or_default()
            .lines()
            .count()
    };
    // Polled, not timed: the checkpoint at start is the server's first work.
    for _ in 0..1200 {
        if lines() >= 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(lines(), 2, "the server's checkpoint at start");
    let last: fazhi_app::checkpoint::Checkpoint = serde_json::from_str(
        std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .last()
            .unwrap(),
    )
    .unwrap();

    let verify = |checkpoint: bool| {
        let mut c = fazhi(&config, &url);
        c.args(["audit", "verify"]);
        if checkpoint {
            c.arg("--checkpoint").arg(&file);
        }
        run(c)
    };
    let (code, out) = verify(true);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("审计检查点相符：2个"), "{out}");

    // The database owner cuts the tail below the last checkpoint and moves the head back.
    let pool = &app.db.pool;
    let unguard = match backend {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_delete",
        Backend::Postgres => "DROP RULE audit_log_no_delete ON audit_log",
    };
    sqlx::query(unguard).execute(pool).await.unwrap();
    let cut = last.seq - 3;
    sqlx::query("DELETE FROM audit_log WHERE seq > $1")
        .bind(cut)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE audit_head SET seq = $1, last_hash = (SELECT hash FROM audit_log WHERE seq = $1) WHERE id = 1",
    )
    .bind(cut)
    .execute(pool)
    .await
    .unwrap();
    let (code, out) = verify(false);
    assert_eq!(code, 0, "the plain check passes: {out}");
    let (code, out) = verify(true);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("审计检查点不符")
            && out.contains(&file.display().to_string())
            && out.contains("第2行")
            && out.contains(&format!("第{}条", last.seq))
            && out.contains("截断"),
        "{out}"
    );

    // A line forged without the key.
    let mut forged = last.clone();
    forged.seq = cut;
    forged.mac = "00".repeat(32);
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(&format!("{}\n", serde_json::to_string(&forged).unwrap()));
    std::fs::write(&file, text).unwrap();
    let (code, out) = verify(true);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("第3行") && out.contains("签名无效"), "{out}");
}

#[tokio::test]
async fn checkpoints_catch_a_cut_tail_sqlite() {
    story(Backend::Sqlite).await;
}

#[tokio::test]
async fn checkpoints_catch_a_cut_tail_postgres() {
    story(Backend::Postgres).await;
}
