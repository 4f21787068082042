//! `--module` names a module of the registry (issue 15): the commands that read or write a
//! module's records take any registered module by its name, and an unknown name is refused with
//! the list of the known ones.

use fazhi_testkit::{d, with_org, Backend};
use std::process::{Command, Output};

fn fazhi(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env("FAZHI_LOG", "warn")
        .output()
        .expect("run fazhi")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test]
async fn every_registered_module_by_its_name() {
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let url = t.app.config.database_url.clone();
    for (module, key) in [
        ("reconsideration", "reconsideration.applications"),
        ("litigation", "litigation.cases"),
        ("suggestion", "supervision.suggestions"),
    ] {
        let o = fazhi(
            &url,
            &[
                "indicators",
                "--module",
                module,
                "--year",
                "2024",
                "--format",
                "json",
            ],
        );
        assert!(o.status.success(), "{module}: {}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        let keys: Vec<&str> = v
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|i| i["key"].as_str())
            .collect();
        assert!(keys.contains(&key), "{module}: {keys:?}");
        assert!(
            keys.iter()
                .all(|k| k.starts_with(key.split('.').next().unwrap())),
            "only the module's own: {keys:?}"
        );
    }
    let o = fazhi(&url, &["indicators", "--module", "mediation"]);
    assert!(!o.status.success());
    let e = text(&o);
    assert!(e.contains("未知的模块“mediation”"), "{e}");
    assert!(e.contains("suggestion（司法建议、检察建议）"), "{e}");
    // A module without Excel says so instead of writing a file.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.xlsx");
    let o = fazhi(
        &url,
        &[
            "export",
            "--module",
            "suggestion",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("没有Excel导入导出"), "{}", text(&o));
    assert!(!out.exists());
    let o = fazhi(
        &url,
        &[
            "export",
            "--module",
            "litigation",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(out.exists());
}
