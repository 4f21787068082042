//! A real browser (headless Chromium through ChromeDriver) logs in, registers a case through the
//! form, moves it through intake, and finds it in the list. `scripts/test.sh` installs Chromium.

use fantoccini::{ClientBuilder, Locator};
use fazhi_testkit::{d, spawn, with_org, Backend};
use std::process::{Child, Command, Stdio};

struct Driver(Child);
impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn connect(port: u16) -> fantoccini::Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"binary": "/usr/bin/chromium", "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1366,900",
            format!("--user-data-dir={}", std::env::temp_dir().join(format!("fazhi-chrome-{port}")).display())
        ]}),
    );
    // ChromeDriver takes a moment to listen: retry the session request for up to 20 s.
    let mut last = None;
    for _ in 0..80 {
        match ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return c,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("could not start a ChromeDriver session: {last:?}");
}

/// ChromeDriver on a free port and a session in it.
async fn browser() -> (Driver, fantoccini::Client) {
    assert!(
        std::path::Path::new("/usr/bin/chromedriver").exists(),
        "chromedriver missing: run the tests with ./scripts/test.sh, which installs chromium and chromium-driver"
    );
    let port = free_port();
    let driver = Driver(
        Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    (driver, connect(port).await)
}

/// Logs in through the login page the browser was sent to.
async fn log_in(c: &fantoccini::Client, user: &str) -> Result<(), fantoccini::error::CmdError> {
    c.wait()
        .for_element(Locator::Id("f-username"))
        .await?
        .send_keys(user)
        .await?;
    c.find(Locator::Id("f-password"))
        .await?
        .send_keys(fazhi_app::demo::DEMO_PASSWORD)
        .await?;
    c.find(Locator::Css("form[action='/login'] button[type=submit]"))
        .await?
        .click()
        .await
}

#[tokio::test]
async fn clerk_registers_and_accepts_a_case_in_a_browser() {
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let base = spawn(t.app.clone()).await;
    let (_driver, c) = browser().await;

    let result = async {
        c.goto(&format!("{base}/rc/cases")).await?;
        // Sent to the login page; log in.
        log_in(&c, "fuyi").await?;
        c.wait().for_element(Locator::Id("case-list")).await?;

        // Register through the form.
        c.goto(&format!("{base}/rc/cases/new")).await?;
        c.wait()
            .for_element(Locator::Id("f-act_name"))
            .await?
            .send_keys("行政处罚决定（浏览器测试）")
            .await?;
        c.execute(
            "document.getElementById('f-act_date').value = '2024-12-01'",
            vec![],
        )
        .await?;
        c.find(Locator::Id("f-respondent_unit_id"))
            .await?
            .select_by_label("区市场监督管理局")
            .await?;
        c.find(Locator::Id("f-request"))
            .await?
            .send_keys("撤销该处罚决定")
            .await?;
        c.find(Locator::Id("f-applicant_name"))
            .await?
            .send_keys("钱七")
            .await?;
        c.find(Locator::Id("f-applicant_id_number"))
            .await?
            .send_keys("11010519491231002X")
            .await?;
        c.find(Locator::Css("form button[type=submit].btn-primary"))
            .await?
            .click()
            .await?;
        let status = c.wait().for_element(Locator::Id("case-status")).await?;
        assert_eq!(status.text().await?, "待受理审查");
        let title = c.find(Locator::Css("h1.page-title")).await?.text().await?;
        assert_eq!(title, "示例复〔2024〕1号");
        // The deadline and its explanation are on the page.
        let deadlines = c.find(Locator::Id("deadlines")).await?.text().await?;
        assert!(deadlines.contains("受理审查期限"), "{deadlines}");

        // Intake: accept under the ordinary procedure.
        c.find(Locator::LinkText("受理")).await?.click().await?;
        c.wait()
            .for_element(Locator::Id("f-procedure"))
            .await?
            .select_by_value("ordinary")
            .await?;
        c.find(Locator::Id("f-handler"))
            .await?
            .send_keys("李明")
            .await?;
        c.find(Locator::Css("form button[type=submit].btn-primary"))
            .await?
            .click()
            .await?;
        let status = c.wait().for_element(Locator::Id("case-status")).await?;
        assert_eq!(status.text().await?, "审理中");
        let deadlines = c.find(Locator::Id("deadlines")).await?.text().await?;
        assert!(deadlines.contains("复议决定期限"), "{deadlines}");

        // Found in the list by its applicant.
        c.goto(&format!("{base}/rc/cases")).await?;
        c.wait()
            .for_element(Locator::Id("f-text"))
            .await?
            .send_keys("钱七")
            .await?;
        c.find(Locator::Css("form.filter-bar button[type=submit]"))
            .await?
            .click()
            .await?;
        // The list before the search also has `case-list`: poll until the searched page shows
        // (reading an element of the page being replaced fails, so errors are retried too).
        let mut list = String::new();
        for _ in 0..100 {
            if let Ok(e) = c.find(Locator::Id("case-list")).await {
                list = e.text().await.unwrap_or_default();
                if c.current_url().await?.as_str().contains("text=") && list.contains("钱七") {
                    break;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(
            list.contains("示例复〔2024〕1号") && list.contains("审理中"),
            "{list}"
        );
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    result.unwrap();
}

/// The litigation clerk registers a lawsuit through the form, sees its defence deadline, and
/// files the defence.
#[tokio::test]
async fn litigation_clerk_registers_a_lawsuit_in_a_browser() {
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let base = spawn(t.app.clone()).await;
    let (_driver, c) = browser().await;
    let result = async {
        c.goto(&format!("{base}/lt/cases/new")).await?;
        log_in(&c, "yingsu").await?;
        c.wait()
            .for_element(Locator::Id("f-court"))
            .await?
            .send_keys("示例区人民法院")
            .await?;
        let type_in = |id: &'static str, text: &'static str| {
            let c = c.clone();
            async move { c.find(Locator::Id(id)).await?.send_keys(text).await }
        };
        type_in("f-case_no", "(2024)示0101行初88号").await?;
        for (id, v) in [
            ("f-registered_date", "2024-12-02"),
            ("f-copy_received_date", "2024-12-05"),
        ] {
            c.execute(
                &format!("document.getElementById('{id}').value = '{v}'"),
                vec![],
            )
            .await?;
        }
        c.find(Locator::Id("f-defendant_unit_id"))
            .await?
            .select_by_label("东山镇人民政府")
            .await?;
        type_in("f-act_name", "责令限期拆除决定").await?;
        type_in("f-claim", "撤销责令限期拆除决定").await?;
        type_in("f-plaintiff_name", "赵六").await?;
        type_in("f-plaintiff_id_number", "11010519491231002X").await?;
        c.find(Locator::Css("form button[type=submit].btn-primary"))
            .await?
            .click()
            .await?;
        let status = c.wait().for_element(Locator::Id("case-status")).await?;
        assert_eq!(status.text().await?, "一审 · 一审审理中");
        let title = c.find(Locator::Css("h1.page-title")).await?.text().await?;
        assert_eq!(title, "（2024）示0101行初88号");
        let deadlines = c.find(Locator::Id("deadlines")).await?.text().await?;
        // 12-05 + 15 days = 12-20 (a Friday).
        assert!(
            deadlines.contains("提交答辩状及证据期限") && deadlines.contains("2024-12-20"),
            "{deadlines}"
        );
        c.find(Locator::LinkText("提交答辩状及证据"))
            .await?
            .click()
            .await?;
        let date = c.wait().for_element(Locator::Id("f-date")).await?;
        date.clear().await?;
        c.execute(
            "document.getElementById('f-date').value = '2024-12-16'",
            vec![],
        )
        .await?;
        c.find(Locator::Css("form button[type=submit].btn-primary"))
            .await?
            .click()
            .await?;
        c.wait().for_element(Locator::Css(".flash-success")).await?;
        let deadlines = c.find(Locator::Id("deadlines")).await?.text().await?;
        assert!(deadlines.contains("已完成"), "{deadlines}");
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    c.close().await.ok();
    result.unwrap();
}
