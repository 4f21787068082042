//! `fazhi calendar import NOTICE.txt [--write] [--force]` (issue 14 §1), run as the real binary:
//! the 2026 notice as published is read and printed, written into `calendar_dir` (audited) and
//! equals the shipped `data/calendar/2026.toml`; an existing file is not replaced without
//! `--force`; without `calendar_dir` nothing is written; a bad notice is refused with its line and
//! nothing is written.

use fazhi_domain::notice::YearFileData;
use fazhi_testkit::{d, with_org, Backend};
use std::path::Path;
use std::process::Command;

fn notice(year: i32) -> String {
    std::fs::read_to_string(format!(
        "{}/../../data/calendar/notices/{year}.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn shipped(year: i32) -> YearFileData {
    YearFileData::from_toml(
        &std::fs::read_to_string(format!(
            "{}/../../data/calendar/{year}.toml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap()
}

fn run(config: &Path, url: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .arg("--config")
        .arg(config)
        .arg("--database-url")
        .arg(url)
        .arg("calendar")
        .arg("import")
        .args(args)
        .env("FAZHI_LOG", "warn")
        .output()
        .expect("run fazhi");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn import_the_2026_notice_and_refuse_a_bad_one() {
    let t = with_org(Backend::Sqlite, d("2026-12-04")).await;
    let url = t.app.config.database_url.clone();
    let tmp = tempfile::tempdir().unwrap();
    let cal_dir = tmp.path().join("calendar");
    std::fs::create_dir(&cal_dir).unwrap();
    let with_dir = tmp.path().join("fazhi.toml");
    std::fs::write(
        &with_dir,
        format!("calendar_dir = {:?}\n", cal_dir.display().to_string()),
    )
    .unwrap();
    let without_dir = tmp.path().join("plain.toml");
    std::fs::write(&without_dir, "").unwrap();
    let n2026 = tmp.path().join("2026.txt");
    std::fs::write(&n2026, notice(2026)).unwrap();
    let file = cal_dir.join("2026.toml");

    // Reading only: what it read, nothing written.
    let (code, out) = run(&with_dir, &url, &[n2026.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）"));
    assert!(
        out.contains("春节：2026年2月15日（周日）至2026年2月23日（周一）放假，共9天"),
        "{out}"
    );
    assert!(out.contains("调休上班：2026年1月4日（周日）"), "{out}");
    assert!(out.contains("中秋节：2026年9月25日（周五）至2026年9月27日（周日）放假，共3天"));
    assert!(out.contains("未写入"), "{out}");
    assert!(listing(&cal_dir).is_empty());

    // --write without calendar_dir: refused, in Chinese.
    let (code, out) = run(&without_dir, &url, &[n2026.to_str().unwrap(), "--write"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("未配置节假日数据目录"), "{out}");

    // --write: the file equals the shipped one, and the write is audited.
    let src = "https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm";
    let (code, out) = run(
        &with_dir,
        &url,
        &[n2026.to_str().unwrap(), "--write", "--source", src],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("已写入"), "{out}");
    assert_eq!(listing(&cal_dir), ["2026.toml"], "no temporary file left");
    let written = YearFileData::from_toml(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let want = shipped(2026);
    assert_eq!(written.holidays, want.holidays);
    assert_eq!(written.year, 2026);
    assert_eq!(written.sources, want.sources);
    let audit: Vec<String> = sqlx::query_scalar(
        "SELECT after_json FROM audit_log WHERE action = 'calendar_import' AND entity_id = '2026'",
    )
    .fetch_all(&t.app.db.pool)
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(audit[0].contains("2026-02-23"), "{}", audit[0]);

    // Again: the file exists, refused without --force; with it, replaced.
    std::fs::write(
        &file,
        "# changed by hand\nyear = 2026\nnotice = \"x\"\nsources = []\n",
    )
    .unwrap();
    let (code, out) = run(&with_dir, &url, &[n2026.to_str().unwrap(), "--write"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("已存在"), "{out}");
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("changed by hand"));
    let (code, out) = run(
        &with_dir,
        &url,
        &[n2026.to_str().unwrap(), "--write", "--force"],
    );
    assert_eq!(code, 0, "{out}");
    let written = YearFileData::from_toml(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written.holidays, want.holidays);

    // A bad notice: a wrong weekday on line 15 of the 2025 notice. Refused, nothing written.
    let bad = notice(2025).replace("4月27日（周日）上班", "4月27日（周六）上班");
    assert_ne!(bad, notice(2025));
    let bad_file = tmp.path().join("bad.txt");
    std::fs::write(&bad_file, bad).unwrap();
    let (code, out) = run(&with_dir, &url, &[bad_file.to_str().unwrap(), "--write"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("第15行"), "{out}");
    assert!(out.contains("notice_weekday_mismatch"), "{out}");
    assert!(out.contains("2025年4月27日是周日"), "{out}");
    assert_eq!(listing(&cal_dir), ["2026.toml"]);
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'calendar_import'")
            .fetch_one(&t.app.db.pool)
            .await
            .unwrap();
    assert_eq!(n, 2, "the refused import is not audited");
}
