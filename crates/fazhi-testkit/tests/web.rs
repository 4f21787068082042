//! The HTTP face, against the real server on port 0: authentication, unit scope, bad input with
//! stable codes and Chinese messages, Excel in and out, the OpenAPI document, the pages.

use fazhi_testkit::{api_client, d, spawn, with_org, Backend};
use serde_json::{json, Value};

async fn unit(app: &fazhi_app::App, name: &str) -> i64 {
    fazhi_app::org::find_unit_by_name(app, name)
        .await
        .unwrap()
        .unwrap()
}

fn application(respondent: i64) -> Value {
    json!({
        "received_date": "2024-09-27", "channel": "online", "respondent_unit_id": respondent,
        "act_name": "行政处罚决定", "act_date": "2024-09-01", "request": "撤销处罚决定",
        "applicant_name": "李四", "applicant_id_number": "11010519491231002X", "applicant_phone": "13900001111"
    })
}

async fn cases(app: &fazhi_app::App) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM rc_cases")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn api_scope_bad_input_and_excel() {
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let base = spawn(t.app.clone()).await;
    let fuyi = api_client(&base, "fuyi").await;
    let dongshan_unit = unit(&t.app, "东山镇人民政府").await;

    // Unauthenticated.
    let r = reqwest::get(format!("{base}/api/v1/rc/cases"))
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "unauthenticated");

    // Register, then read back.
    let r = fuyi
        .post(format!("{base}/api/v1/rc/cases"))
        .json(&application(dongshan_unit))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["case_no"], "示例复〔2024〕1号");

    // Bad input: a stable code, the field, a Chinese message, nothing written.
    let n = cases(&t.app).await;
    let mut bad = application(dongshan_unit);
    bad["applicant_id_number"] = json!("110105194912310021");
    let r = fuyi
        .post(format!("{base}/api/v1/rc/cases"))
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("invalid_id_number"), Some("applicant_id_number"))
    );
    assert!(e["message"].as_str().unwrap().contains("身份证号码"));
    let mut future = application(dongshan_unit);
    future["received_date"] = json!("2025-01-05");
    let e: Value = fuyi
        .post(format!("{base}/api/v1/rc/cases"))
        .json(&future)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(e["code"], "date_in_future");
    let mut long = application(dongshan_unit);
    long["request"] = json!("请".repeat(2001));
    let e: Value = fuyi
        .post(format!("{base}/api/v1/rc/cases"))
        .json(&long)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("too_long"), Some("request"))
    );
    let r = fuyi
        .post(format!("{base}/api/v1/rc/cases"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "malformed_json");
    assert_eq!(cases(&t.app).await, n);

    // An illegal step names the state and the step.
    let r = fuyi
        .post(format!("{base}/api/v1/rc/cases/{id}/steps"))
        .json(&json!({"action": "decide", "date": "2024-10-08", "decision_type": "revoke"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "illegal_transition");
    assert_eq!(
        e["message"],
        "当前状态为“待受理审查”，不能执行“作出复议决定”"
    );
    // A legal one, with the version; a stale version gets 409 and the current record.
    let r = fuyi.post(format!("{base}/api/v1/rc/cases/{id}/steps")).json(&json!({"action": "accept", "date": "2024-10-08", "procedure": "simplified", "version": 1})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let det: Value = r.json().await.unwrap();
    assert_eq!(det["case"]["status"], "under_review");
    let r = fuyi
        .post(format!("{base}/api/v1/rc/cases/{id}/steps"))
        .json(&json!({"action": "send_copy", "date": "2024-10-09", "version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(
        r.json::<Value>().await.unwrap()["current"]["case"]["version"],
        2
    );

    // Scope: another township cannot see the case, by id or in the list; the respondent can.
    let xihe = api_client(&base, "xihe").await;
    let r = xihe
        .get(format!("{base}/api/v1/rc/cases/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let text = r.text().await.unwrap();
    assert!(!text.contains("李四") && !text.contains("示例复"));
    let list: Value = xihe
        .get(format!("{base}/api/v1/rc/cases"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
    let list: Value = xihe
        .get(format!("{base}/api/v1/rc/cases?unit={dongshan_unit}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["total"], 0,
        "a filter naming another unit does not widen the scope"
    );
    let dongshan = api_client(&base, "dongshan").await;
    let det: Value = dongshan
        .get(format!("{base}/api/v1/rc/cases/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(det["parties"][0]["identity"], "1101**********002X");
    assert_eq!(det["actions"], json!([]));
    // The three administrators read no case data.
    for who in ["sysadmin", "auditor", "secadmin"] {
        let c = api_client(&base, who).await;
        assert_eq!(
            c.get(format!("{base}/api/v1/rc/cases/{id}"))
                .send()
                .await
                .unwrap()
                .status(),
            403,
            "{who}"
        );
    }
    let auditor = api_client(&base, "auditor").await;
    let log: Value = auditor
        .get(format!("{base}/api/v1/audit?entity=rc_case"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(log["total"].as_i64().unwrap() >= 2);
    assert_eq!(
        fuyi.get(format!("{base}/api/v1/audit"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    // Deadline calculator.
    let r: Value = fuyi
        .get(format!(
            "{base}/api/v1/deadline?from=2024-09-27&working_days=5"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["due"], "2024-10-10");
    assert_eq!(r["provisional"], false);
    // Into 2027, before its notice: counted on the statutory holidays and marked provisional
    // (全国年节及纪念日放假办法 第二条、第六条: 2027-01-01 off, no 调休).
    let r: Value = fuyi
        .get(format!(
            "{base}/api/v1/deadline?from=2026-12-20&working_days=10"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["due"], "2027-01-04");
    assert_eq!(r["provisional"], true);
    assert!(r["steps"]
        .to_string()
        .contains("2027年国务院放假安排尚未发布，按法定节假日暂算"));
    // Beyond the provisional years (five past the last official year or today): refused.
    let r = fuyi
        .get(format!(
            "{base}/api/v1/deadline?from=2045-12-20&working_days=10"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<Value>().await.unwrap()["code"],
        "calendar_year_missing"
    );

    // Excel: a file with one bad row is refused whole, with the row, column and reason.
    let n = cases(&t.app).await;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let headers = [
        "收到申请日期",
        "申请方式",
        "被申请人",
        "被申请复议的行政行为",
        "行政行为作出日期",
        "行政复议请求",
        "申请人类别",
        "申请人姓名或名称",
        "申请人身份证号码",
    ];
    let good = [
        "2024-11-01",
        "窗口",
        "区市场监督管理局",
        "行政处罚决定",
        "2024-10-01",
        "撤销",
        "自然人",
        "王五",
        "11010519491231002X",
    ];
    let badrow = [
        "2024-11-02",
        "窗口",
        "区市场监督管理局",
        "行政处罚决定",
        "2024-10-01",
        "撤销",
        "自然人",
        "赵六",
        "110105194912310021",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
        ws.write(1, c as u16, good[c]).unwrap();
        ws.write(2, c as u16, badrow[c]).unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let r = fuyi
        .post(format!("{base}/api/v1/rc/import"))
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["rows"][0]["row"], 3);
    assert_eq!(e["rows"][0]["column"], "申请人身份证号码");
    assert_eq!(cases(&t.app).await, n, "nothing of the file is written");
    let r = fuyi
        .post(format!("{base}/api/v1/rc/import"))
        .body("PK not really")
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "invalid_xlsx");
    // The template as downloaded imports nothing (issue 13: its example row became a case)…
    let template = fuyi
        .get(format!("{base}/api/v1/rc/import-template.xlsx"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let r = fuyi
        .post(format!("{base}/api/v1/rc/import"))
        .body(template.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "empty_file");
    assert_eq!(cases(&t.app).await, n);
    // … and its example, copied from the 填写示例 sheet into the first sheet, imports as offered.
    use calamine::Reader;
    let mut xl: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(template.to_vec())).unwrap();
    assert_eq!(xl.sheet_names()[1], "填写示例");
    let example = xl.worksheet_range_at(1).unwrap().unwrap();
    let mut rows = example
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    let headers = rows.next().unwrap();
    let filled = fazhi_app::xlsx::write_table(
        "行政复议申请导入",
        &headers.iter().map(String::as_str).collect::<Vec<_>>(),
        rows.take(1),
    )
    .unwrap();
    let r = fuyi
        .post(format!("{base}/api/v1/rc/import"))
        .body(filled)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(cases(&t.app).await, n + 1);

    // Export of the filtered list.
    let r = fuyi
        .get(format!("{base}/api/v1/rc/cases.xlsx?year=2024"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    let bytes = r.bytes().await.unwrap();
    let mut xl: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = xl.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(range.height(), 3, "header and two cases");
    assert!(range.rows().any(|r| r[0] == "示例复〔2024〕1号"));
}

#[tokio::test]
async fn openapi_documents_live_routes() {
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let base = spawn(t.app.clone()).await;
    let doc: Value = reqwest::get(format!("{base}/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    let fuyi = api_client(&base, "fuyi").await;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let url = format!("{base}/api/v1{}", path.replace("{id}", "999999"));
            let req = match method.as_str() {
                "get" => fuyi.get(&url),
                "post" => fuyi.post(&url).json(&json!({})),
                "delete" => continue,
                m => panic!("unexpected method {m}"),
            };
            let r = req.send().await.unwrap();
            let body: Value = r.json().await.unwrap_or(json!({}));
            assert_ne!(
                body["message"], "接口不存在或无权查看",
                "{method} {path} is documented but not served"
            );
        }
    }
    let r = fuyi
        .get(format!("{base}/api/v1/no-such-route"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // A huge page number is an empty page, not an overflow.
    let r = fuyi
        .get(format!("{base}/api/v1/rc/cases?page={}", i64::MAX))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn pages_login_csrf_and_errors() {
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let base = spawn(t.app.clone()).await;
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c.get(format!("{base}/rc/cases")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login?next="));
    // A login form posted without its page's token (from another site) is refused unread.
    let r = c
        .post(format!("{base}/login"))
        .form(&[
            ("username", "fuyi"),
            ("password", fazhi_app::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r
        .headers()
        .get("set-cookie")
        .is_some_and(|v| !v.to_str().unwrap().starts_with(fazhi_web::SESSION_COOKIE)));
    assert!(r.text().await.unwrap().contains("请求未通过安全校验"));
    let r =
        fazhi_testkit::web::page_login(&c, &base, &[("username", "fuyi"), ("password", "wrong")])
            .await;
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("用户名或密码错误"));
    let r = fazhi_testkit::web::page_login(
        &c,
        &base,
        &[
            ("username", "fuyi"),
            ("password", fazhi_app::demo::DEMO_PASSWORD),
            ("next", "//evil.example"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/", "no open redirect");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let cookie = cookie.split(';').next().unwrap().to_string();
    let page = c
        .get(format!("{base}/rc/cases/new"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    let html = page.text().await.unwrap();
    assert!(html.contains("登记行政复议申请"));
    // A form post without the CSRF token is refused and writes nothing.
    let r = c
        .post(format!("{base}/rc/cases/new"))
        .header("cookie", &cookie)
        .form(&[("received_date", "2024-09-27")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // With the token, a bad value comes back beside its field with the entered values kept.
    let csrf = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = c
        .post(format!("{base}/rc/cases/new"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("received_date", "2024-09-27"),
            ("channel", "window"),
            ("act_name", "处罚决定"),
            ("act_date", "2024-09-30"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("行政行为作出日期不能晚于收到申请日期"));
    assert!(html.contains("value=\"处罚决定\""));
    assert_eq!(cases(&t.app).await, 0);
    // A guessed id outside the scope is a plain 404 page.
    let r = c
        .get(format!("{base}/rc/cases/424242"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("案件不存在或无权查看"));
    for p in [
        "/",
        "/warnings",
        "/indicators?year=2024",
        "/calendar?from=2024-09-27&count=5&unit=working_days",
        "/rc/import",
    ] {
        let r = c
            .get(format!("{base}{p}"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{p}");
    }
    let html = c
        .get(format!(
            "{base}/calendar?from=2024-09-27&count=5&unit=working_days"
        ))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("2024年10月10日"));
    let r = c
        .get(format!("{base}/indicators?year=abc"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}

/// 行政应诉 through the API and the pages: registration, bad input with its code and field, a
/// step refused by the procedure, a stale version, Excel, indicators, and every page rendering.
#[tokio::test]
async fn litigation_api_and_pages() {
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let base = spawn(t.app.clone()).await;
    let api = api_client(&base, "yingsu").await;
    let dongshan = unit(&t.app, "东山镇人民政府").await;
    let lawsuits = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM lt_cases")
            .fetch_one(&t.app.db.pool)
            .await
            .unwrap()
    };
    let mut suit = json!({
        "court": "示例区人民法院", "case_no": "(2024)示0101行初7号", "registered_date": "2024-09-20",
        "copy_received_date": "2024-09-23", "defendant_unit_id": dongshan, "act_name": "责令限期拆除决定",
        "claim": "撤销责令限期拆除决定", "plaintiff_name": "欧阳九", "plaintiff_id_number": "11010519491231002X"
    });
    let r = api
        .post(format!("{base}/api/v1/lt/cases"))
        .json(&suit)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        created["case_no"], "（2024）示0101行初7号",
        "brackets normalised"
    );
    suit["case_no"] = json!("2024行初8号");
    let r = api
        .post(format!("{base}/api/v1/lt/cases"))
        .json(&suit)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("invalid_case_no"), Some("case_no"))
    );
    assert!(e["message"].as_str().unwrap().contains("案号"));
    assert_eq!(lawsuits().await, 1);
    let step = |body: Value| {
        let api = api.clone();
        let url = format!("{base}/api/v1/lt/cases/{id}/steps");
        async move { api.post(url).json(&body).send().await.unwrap() }
    };
    let r = step(json!({"action": "judge", "date": "2024-10-20", "outcome": "revoke"})).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "no_hearing");
    let r = step(json!({"action": "file_defence", "date": "2024-10-01", "version": 9})).await;
    assert_eq!(r.status(), 409);
    assert_eq!(
        r.json::<Value>().await.unwrap()["current"]["case"]["version"],
        1
    );
    let r = step(json!({"action": "file_defence", "date": "2024-10-01", "version": 1})).await;
    assert_eq!(r.status(), 200);
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["deadlines"][0]["kind"], "defence");
    assert_eq!(d["deadlines"][0]["completed"], "2024-10-01");
    // Excel: the list without identity numbers.
    let bytes = api
        .get(format!("{base}/api/v1/lt/cases.xlsx"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let (headers, rows) = fazhi_app::xlsx::read_table(&bytes).unwrap();
    assert_eq!(headers[0], "案号");
    assert_eq!(rows[0][0], "（2024）示0101行初7号");
    assert!(!rows.concat().join(" ").contains("11010519491231002X"));
    let v: Value = api
        .get(format!("{base}/api/v1/lt/indicators?year=2024"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cases = v
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["key"] == "litigation.cases")
        .unwrap();
    assert_eq!(cases["value"]["count"], 1);
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["key"] == "supervision.reply_rate"));

    // The pages, signed in as the litigation clerk.
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = fazhi_testkit::web::page_login(
        &c,
        &base,
        &[
            ("username", "yingsu"),
            ("password", fazhi_app::demo::DEMO_PASSWORD),
        ],
    )
    .await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    let cookie = cookie.split(';').next().unwrap().to_string();
    let get = |p: String| {
        let c = c.clone();
        let cookie = cookie.clone();
        let base = base.clone();
        async move {
            let r = c
                .get(format!("{base}{p}"))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    for p in [
        "/".to_string(),
        "/lt/cases".into(),
        "/lt/cases/new".into(),
        format!("/lt/cases/{id}"),
        format!("/lt/cases/{id}/steps/record_hearing"),
        "/lt/import".into(),
        "/lt/suggestions".into(),
        "/lt/suggestions/new".into(),
        "/indicators?year=2024".into(),
        "/warnings".into(),
    ] {
        assert_eq!(get(p.clone()).await.0, 200, "{p}");
    }
    // Every step's form renders (the buttons offer only those the status allows).
    for a in fazhi_domain::litigation::Action::ALL {
        let p = format!("/lt/cases/{id}/steps/{}", a.code());
        assert_eq!(get(p.clone()).await.0, 200, "{p}");
    }
    let (_, html) = get(format!("/lt/cases/{id}")).await;
    assert!(html.contains("审级与出庭应诉") && html.contains("欧阳九"));
    let (_, html) = get("/indicators?year=2024".into()).await;
    assert!(html.contains("负责人出庭应诉") && html.contains("cases?indicator=litigation.cases"));
    // A hearing with the head but no name is shown again with the message beside the field.
    let (_, form) = get(format!("/lt/cases/{id}/steps/record_hearing")).await;
    let csrf = form
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = c
        .post(format!("{base}/lt/cases/{id}/steps/record_hearing"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("date", "2024-10-20"),
            ("appearance", "head"),
            ("version", "2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("出庭人员姓名"));
    let events: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM case_events WHERE module = 'litigation' AND case_id = $1",
    )
    .bind(id)
    .fetch_one(&t.app.db.pool)
    .await
    .unwrap();
    assert_eq!(events, 2, "registration and defence only");
}

/// Accepting a 行政复议 case on 2026-12-04, before the State Council's notice for 2027: the
/// decision is due 2027-02-02, counted on the statutory holidays (全国年节及纪念日放假办法
/// 第二条、第六条) and shown 暂定 on the case page, the list and the case JSON; a deadline near
/// at hand in a provisional year is 暂定 on 超期预警.
async fn provisional_deadlines(backend: Backend) {
    use fazhi_testkit::web::Web;
    let t = with_org(backend, d("2026-12-04")).await;
    let web = Web::new(spawn(t.app.clone()).await);
    let fuyi = web.login("fuyi").await;
    let clerk = fazhi_app::auth::actor_by_username(&t.app, "fuyi")
        .await
        .unwrap();
    let mut f: fazhi_domain::reconsideration::Fields = application(0)
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map(str::to_string).unwrap_or_default(),
            )
        })
        .collect();
    f.insert("received_date".into(), "2026-12-01".into());
    f.insert(
        "respondent_unit_id".into(),
        unit(&t.app, "东山镇人民政府").await.to_string(),
    );
    let (id, _) = fazhi_app::reconsideration::register(&t.app, &clerk, &f)
        .await
        .unwrap();
    let r = web
        .post(
            &fuyi,
            &format!("/rc/cases/{id}/steps/accept"),
            &[
                ("date", "2026-12-04"),
                ("procedure", "ordinary"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let r = web
        .post(
            &fuyi,
            &format!("/rc/cases/{id}/steps/send_copy"),
            &[("date", "2026-12-04"), ("version", "2")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let page = web.get(&fuyi, &format!("/rc/cases/{id}")).await.text();
    assert!(page.contains("2027-02-02"), "{page}");
    assert!(page.contains("dl-provisional"), "case page marks 暂定");
    assert!(page.contains("2027年国务院放假安排尚未发布，按法定节假日暂算"));
    let list = web.get(&fuyi, "/rc/cases").await.text();
    assert!(list.contains(">暂定</span>"), "list marks 暂定");
    let json = web
        .get(&fuyi, &format!("/api/v1/rc/cases/{id}"))
        .await
        .json();
    assert_eq!(json["case"]["provisional"], true, "{json}");
    let decision = json["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "decision")
        .unwrap()
        .clone();
    assert_eq!(decision["due"], "2027-02-02");
    assert_eq!(decision["provisional"], true);
    assert_eq!(
        json["deadlines"][0]["provisional"], false,
        "2026 is official"
    );

    // The calculator page says which years are provisional and marks its result.
    let page = web
        .get(
            &fuyi,
            "/calendar?from=2026-12-04&count=60&unit=calendar_days",
        )
        .await
        .text();
    assert!(page.contains("2027年2月2日（暂定）"), "{page}");
    assert!(
        page.contains("2027年至2031年国务院放假安排尚未录入"),
        "{page}"
    );

    // 超期预警 on 2027-01-28: received 2027-01-25, the 5-working-day review ends 2027-02-01,
    // two working days ahead (临期), counted on the provisional 2027.
    let t = with_org(backend, d("2027-01-28")).await;
    let web = Web::new(spawn(t.app.clone()).await);
    let fuyi = web.login("fuyi").await;
    let clerk = fazhi_app::auth::actor_by_username(&t.app, "fuyi")
        .await
        .unwrap();
    f.insert("received_date".into(), "2027-01-25".into());
    f.insert(
        "respondent_unit_id".into(),
        unit(&t.app, "东山镇人民政府").await.to_string(),
    );
    fazhi_app::reconsideration::register(&t.app, &clerk, &f)
        .await
        .unwrap();
    let page = web.get(&fuyi, "/warnings").await.text();
    assert!(page.contains("2027-02-01"), "{page}");
    assert!(page.contains(">暂定</span>"), "超期预警 marks 暂定");
    let json = web.get(&fuyi, "/api/v1/warnings").await.json();
    assert!(json.to_string().contains("\"provisional\":true"), "{json}");
}

#[tokio::test]
async fn provisional_deadlines_on_sqlite() {
    provisional_deadlines(Backend::Sqlite).await;
}

#[tokio::test]
async fn provisional_deadlines_on_postgres() {
    provisional_deadlines(Backend::Postgres).await;
}

/// The navigation's module groups come from one table: each role sees the pages it may open
/// and no group it has nothing in.
#[tokio::test]
async fn navigation_shows_each_role_its_module_pages() {
    use fazhi_testkit::web::Web;
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let web = Web::new(spawn(t.app.clone()).await);
    let menu = |html: String| {
        let nav = &html[html.find("<nav class=\"sidenav\"").expect("menu")..];
        nav[..nav.find("</nav>").expect("menu end")].to_string()
    };
    let fuyi = web.login("fuyi").await;
    let m = menu(web.get(&fuyi, "/").await.text());
    for page in [
        "/rc/cases\"",
        "/rc/cases/new\"",
        "/rc/import\"",
        "/lt/suggestions\"",
    ] {
        assert!(m.contains(page), "复议工作人员 sees {page}: {m}");
    }
    assert!(!m.contains("/lt/cases/new\""), "{m}");
    let yingsu = web.login("yingsu").await;
    let m = menu(web.get(&yingsu, "/").await.text());
    assert!(
        m.contains("/lt/cases/new\"") && m.contains("/lt/import\""),
        "{m}"
    );
    assert!(!m.contains("/rc/cases/new\""), "{m}");
    // The current page is marked in its group.
    let m = menu(web.get(&yingsu, "/lt/cases").await.text());
    assert!(
        m.contains("<a href=\"/lt/cases\" class=\"active\" aria-current=\"page\">案件列表</a>"),
        "{m}"
    );
    let sysadmin = web.login("sysadmin").await;
    let m = menu(web.get(&sysadmin, "/").await.text());
    assert!(!m.contains("行政复议") && !m.contains("行政应诉"), "{m}");

    // The home page's cards, per registered module, each linking to its filtered list.
    let id = fazhi_testkit::rc_application(
        &t.app,
        &fazhi_app::auth::actor_by_username(&t.app, "fuyi")
            .await
            .unwrap(),
        "2024-12-30",
    )
    .await;
    assert!(id > 0);
    let home = web.get(&fuyi, "/").await.text();
    for card in [
        "href=\"/rc/cases?status=received\"><div class=\"stat-label\">待受理审查</div><div class=\"stat-value\">1<",
        "href=\"/rc/cases?year=2024\"><div class=\"stat-label\">2024年收到申请</div><div class=\"stat-value\">1<",
        "href=\"/lt/cases?status=first_instance\"><div class=\"stat-label\">一审审理中</div><div class=\"stat-value\">0<",
        "href=\"/lt/cases?deadline=overdue\"",
    ] {
        assert!(home.contains(card), "{card}: {home}");
    }
}
