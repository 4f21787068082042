//! `fazhi analyze`: the built binary on a seed report, an empty file and a GB18030 file.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fazhi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(args)
        .env_remove("FAZHI_CONFIG")
        .output()
        .expect("run fazhi")
}

fn seed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fazhi-text/tests/seeds/000_99d96b77785f0d3b.txt")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// A decimal as printed: the value may be a JSON number or a decimal string.
fn num(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn seed_000_as_json() {
    let path = seed();
    let v = json(&fazhi(&[
        "analyze",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(v["title"], "云城区2024年法治政府建设年度报告");
    assert_eq!(v["year"], 2024);
    assert!(v["file"]
        .as_str()
        .unwrap()
        .ends_with("000_99d96b77785f0d3b.txt"));
    let figures = v["figures"].as_array().unwrap();
    assert!(figures
        .iter()
        .any(|f| f["key"] == "reconsideration.applications" && num(&f["value"]) == "94"));
    for f in figures {
        for field in [
            "label",
            "unit",
            "qualifier",
            "year",
            "scope",
            "quote",
            "start",
            "end",
        ] {
            assert!(f.get(field).is_some(), "figure lacks {field}");
        }
    }
    let checks = v["checks"].as_array().unwrap();
    assert!(checks
        .iter()
        .any(|c| num(&c["printed"]) == "13.73" && c["verdict"] == "unexplained"));
    assert!(v["sections"].as_array().is_some_and(|s| !s.is_empty()));
    assert!(v["missing_parts"].is_array());

    // Two files: an array of objects.
    let v = json(&fazhi(&[
        "analyze",
        path.to_str().unwrap(),
        path.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(v.as_array().map(Vec::len), Some(2));
}

#[test]
fn seed_000_as_table() {
    let path = seed();
    let out = fazhi(&["analyze", path.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("云城区2024年法治政府建设年度报告"));
    assert!(text.contains("reconsideration.applications"));
}

#[test]
fn empty_and_binary_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("空.txt");
    std::fs::write(&empty, b"").unwrap();
    let out = fazhi(&["analyze", empty.to_str().unwrap(), "--format", "json"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("为空") && err.contains("空.txt"), "{err}");

    let binary = dir.path().join("b.txt");
    std::fs::write(&binary, b"\x7fELF\x02\x01\x01\x00\x00abc").unwrap();
    let out = fazhi(&["analyze", binary.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("不是文本文件") && err.contains("b.txt"),
        "{err}"
    );

    let docx = dir.path().join("坏.docx");
    std::fs::write(&docx, b"PK\x03\x04\x00\x00abc").unwrap();
    let out = fazhi(&["analyze", docx.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("不是有效的 .docx") && err.contains("坏.docx"),
        "{err}"
    );
}

#[test]
fn compare_prints_places_and_writes_the_workbook() {
    use calamine::{Reader, Xlsx};
    let seeds = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fazhi-text/tests/seeds");
    let a = seeds.join("000_99d96b77785f0d3b.txt");
    let b = seeds.join("002_9592a4b759554a40.txt");
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("对比.xlsx");
    let out = fazhi(&[
        "analyze",
        "--compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.contains("云城区（2024年）"), "{header}");
    let row = text
        .lines()
        .find(|l| l.starts_with("reconsideration.applications"))
        .expect("applications row");
    assert!(row.contains("\t94件"), "{row}");

    let mut wb: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let cmp = wb.worksheet_range("对比").unwrap();
    let head: Vec<String> = cmp
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(head.iter().any(|h| h == "云城区（2024年）"), "{head:?}");
    let figures = wb.worksheet_range("数字").unwrap();
    assert!(figures.rows().count() > 100);

    // With --format json, the comparison is part of the JSON (stdout stays parseable).
    let v = json(&fazhi(&[
        "analyze",
        "--compare",
        "--format",
        "json",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        xlsx.to_str().unwrap(),
    ]));
    assert_eq!(v["reports"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["comparison"]["places"][0]["name"], "云城区");

    // --baseline takes one report and no other output options.
    let out = fazhi(&["analyze", "--baseline", "--compare", a.to_str().unwrap()]);
    assert!(!out.status.success());

    // --format xlsx without -o is refused.
    let out = fazhi(&["analyze", a.to_str().unwrap(), "--format", "xlsx"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o"));
}

#[test]
fn gb18030_file_is_read() {
    let sentence = "2024年，全区共收到行政复议申请94件。";
    let (bytes, _, errors) = encoding_rs::GB18030.encode(sentence);
    assert!(!errors);
    assert!(std::str::from_utf8(&bytes).is_err());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gb.txt");
    std::fs::write(&path, &bytes).unwrap();
    let v = json(&fazhi(&[
        "analyze",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]));
    let figures = v["figures"].as_array().unwrap();
    assert!(
        figures
            .iter()
            .any(|f| num(&f["value"]) == "94"
                && f["quote"].as_str().unwrap().contains("行政复议申请")),
        "{v}"
    );
}

#[test]
fn html_file_is_stripped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.html");
    std::fs::write(
        &path,
        "<html><script>var x = 1;</script><body><p>2024年，全区共收到行政复议申请94件。</p></body></html>",
    )
    .unwrap();
    let v = json(&fazhi(&[
        "analyze",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]));
    let figures = v["figures"].as_array().unwrap();
    assert!(figures.iter().any(|f| num(&f["value"]) == "94"), "{v}");
    assert!(figures
        .iter()
        .all(|f| !f["quote"].as_str().unwrap().contains("var")));
}
