//! `fazhi deadline`: a period reaching into a year without the State Council's notice is counted
//! on the statutory holidays and printed 暂定 (全国年节及纪念日放假办法 第二条、第六条).

use fazhi_domain::calendar::HolidayCalendar;
use std::process::{Command, Output};

fn fazhi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(args)
        .env_remove("FAZHI_CONFIG")
        .output()
        .expect("run fazhi")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The first year after the shipped files (2027 until its notice is added).
fn first_provisional_year() -> i32 {
    HolidayCalendar::embedded()
        .covered_years()
        .last()
        .copied()
        .unwrap()
        + 1
}

#[test]
fn a_period_into_a_year_without_its_notice_is_provisional() {
    let y = first_provisional_year();
    let from = format!("{}-12-04", y - 1);
    let note = format!("{y}年国务院放假安排尚未发布，按法定节假日暂算");
    let out = stdout(&fazhi(&["deadline", "--from", &from, "--days", "60"]));
    let first = out.lines().next().unwrap();
    assert!(first.ends_with("（暂定）"), "{out}");
    assert!(out.contains(&note), "{out}");
    if y == 2027 {
        assert_eq!(first, "2027-02-02（暂定）");
    }
    let out = stdout(&fazhi(&[
        "deadline",
        "--from",
        &from,
        "--days",
        "60",
        "--explain",
    ]));
    assert!(out.contains("（暂定）。"), "{out}");
    assert!(out.contains(&note), "{out}");
}

#[test]
fn a_year_beyond_the_provisional_window_is_refused() {
    let out = fazhi(&["deadline", "--from", "2045-12-20", "--working-days", "10"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("calendar_year_missing"), "{err}");
    assert!(err.contains("2045年的法定节假日安排尚未录入"), "{err}");
}

#[test]
fn a_period_on_official_years_is_not_provisional() {
    let out = stdout(&fazhi(&[
        "deadline",
        "--from",
        "2024-09-27",
        "--working-days",
        "5",
    ]));
    assert_eq!(out.trim(), "2024-10-10");
}
