//! 数据填报 and 年度报告 through the pages and the API, against the real server on port 0: the
//! office opens a round, a clerk fills his form (a bad value comes back beside its field, nothing
//! written; the Excel template round trip), the office approves; the annual report's internal
//! view links every figure, an edit of the text around a token keeps the link, the downloads, the
//! lifecycle to 已发布, a published version refused an edit and corrected as version 2; and who
//! may not see any of it is refused.

use fazhi_testkit::web::{User, Web};
use fazhi_testkit::{d, spawn, with_org, Backend};
use serde_json::{json, Value};

async fn api(web: &Web, u: &User, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}/api/v1{path}", web.base);
    let mut r = match method {
        "GET" => web.http.get(url),
        _ => web.http.post(url),
    }
    .bearer_auth(&u.token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let a = Web::answer(r).await;
    let v = serde_json::from_slice(&a.bytes).unwrap_or(Value::Null);
    (a.status, v)
}

async fn scalar(app: &fazhi_app::App, sql: &str, id: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// The `version` hidden field of the first form on a page.
fn version_in(html: &str) -> String {
    html.split("name=\"version\" value=\"")
        .nth(1)
        .expect("a version field")
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn filing_and_annual_report_through_pages_and_api() {
    let t = with_org(Backend::Sqlite, d("2025-01-20")).await;
    let app = t.app.clone();
    // The demo's statistics rounds of 2023 and 2024, approved, and its 2024 report (a draft with
    // every part written around the data tokens).
    fazhi_app::demo_report::seed(&app, 2024).await.unwrap();
    let base = spawn(app.clone()).await;
    let web = Web::new(base);
    let dongshan_unit = fazhi_app::org::find_unit_by_name(&app, "东山镇人民政府")
        .await
        .unwrap()
        .unwrap();
    let fzb = web.login("fzb").await;
    let clerk = web.login("dongshan").await;
    let other = web.login("xihe").await;
    let fuyi = web.login("fuyi").await;
    let sysadmin = web.login("sysadmin").await;
    let leader = web.login("leader").await;

    // ---------- the office opens a round ----------
    let page = web.get(&fzb, "/filing").await;
    assert_eq!(page.status, 200);
    let html = page.text();
    for s in [
        "新建填报轮次",
        "2024年度法治政府建设数据填报",
        "单位填报",
        "系统计算",
        "矛盾纠纷化解",
        "东山镇人民政府",
        "name=\"keys.mediation.success_rate\"",
        "数据填报</a>",
        "年度报告</a>",
    ] {
        assert!(html.contains(s), "/filing shows {s}");
    }
    assert!(!html.contains("<script"), "no script");
    let rounds_before = scalar(&app, "SELECT COUNT(*) FROM st_rounds WHERE id > $1", 0).await;
    let unit_field = format!("unit_ids.{dongshan_unit}");
    let r = web
        .post(
            &fzb,
            "/filing/rounds",
            &[
                ("year", "2025"),
                ("title", "2025年度法治政府建设数据填报"),
                ("due_date", "2025-02-28"),
                (unit_field.as_str(), "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "a round without keys");
    let html = r.text();
    assert!(
        html.contains("请填写填报指标") || html.contains("填报指标"),
        "{html}"
    );
    assert!(html.contains("value=\"2025年度法治政府建设数据填报\""));
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM st_rounds WHERE id > $1", 0).await,
        rounds_before
    );
    let r = web
        .post(
            &fzb,
            "/filing/rounds",
            &[
                ("year", "2025"),
                ("title", "2025年度法治政府建设数据填报"),
                ("due_date", "2025-02-28"),
                ("keys.mediation.success_rate", "1"),
                (unit_field.as_str(), "1"),
                ("note", "没有的填0"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let round_url = r.location.split('?').next().unwrap().to_string();
    assert!(round_url.starts_with("/filing/rounds/"), "{round_url}");
    let round_id: i64 = round_url.rsplit('/').next().unwrap().parse().unwrap();
    let html = web.get(&fzb, &r.location).await.text();
    assert!(
        html.contains("已新建填报轮次")
            && html.contains("东山镇人民政府")
            && html.contains("待填报")
    );
    assert!(html.contains("结束本轮填报"));
    let form_id = scalar(
        &app,
        "SELECT id FROM st_forms WHERE round_id = $1",
        round_id,
    )
    .await;

    // ---------- the clerk fills his form ----------
    let html = web.get(&clerk, "/filing").await.text();
    assert!(
        html.contains(&format!("/filing/forms/{form_id}")),
        "the clerk's to-do list"
    );
    let form_url = format!("/filing/forms/{form_id}");
    let page = web.get(&clerk, &form_url).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    for s in [
        "name=\"v.mediation.succeeded\"",
        "name=\"v.mediation.disputes_mediated\"",
        "调解成功率的分子",
        "调解成功率的分母",
        "下载Excel模板",
        "保存草稿",
        "提交",
    ] {
        assert!(html.contains(s), "form shows {s}");
    }
    assert!(
        !html.contains("审核通过</button>"),
        "a clerk does not approve"
    );
    let v1 = version_in(&html);
    // A bad value: more succeeded than mediated. The message beside the field, values kept,
    // nothing written.
    let r = web
        .post(
            &clerk,
            &format!("{form_url}/save"),
            &[
                ("version", v1.as_str()),
                ("v.mediation.disputes_mediated", "10"),
                ("v.mediation.succeeded", "12"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    let html = r.text();
    assert!(
        html.contains("id=\"f-v.mediation.succeeded-err\""),
        "error beside the field"
    );
    assert!(html.contains("不能大于"), "the Chinese message");
    assert!(html.contains("value=\"12\""), "the value typed is kept");
    let values = "SELECT COUNT(*) FROM st_values WHERE form_id = $1";
    let version = "SELECT version FROM st_forms WHERE id = $1";
    assert_eq!(scalar(&app, values, form_id).await, 0);
    assert_eq!(scalar(&app, version, form_id).await.to_string(), v1);
    // The same through the API: the code, the field, the message.
    let (status, e) = api(&web,
            &clerk,
            "POST",
            &format!("/filing/forms/{form_id}/save"),
            Some(json!({"v.mediation.disputes_mediated": 10, "v.mediation.succeeded": 12, "version": v1})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(e["code"], "parts_disagree");
    assert_eq!(e["field"], "v.mediation.succeeded");
    assert!(e["message"].as_str().unwrap().contains("不能大于"));
    assert_eq!(scalar(&app, values, form_id).await, 0);
    // Another township's clerk, the 复议 clerk and the system administrator see nothing of it.
    assert_eq!(web.get(&other, &form_url).await.status, 404);
    let (status, _) = api(
        &web,
        &other,
        "GET",
        &format!("/filing/forms/{form_id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let r = web
        .post(
            &other,
            &format!("{form_url}/save"),
            &[
                ("version", v1.as_str()),
                ("v.mediation.disputes_mediated", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(web.get(&fuyi, "/filing").await.status, 403);
    assert_eq!(web.get(&fuyi, &form_url).await.status, 403);
    assert_eq!(web.get(&fuyi, "/reports").await.status, 403);
    assert!(
        !web.get(&fuyi, "/")
            .await
            .text()
            .contains("href=\"/filing\""),
        "no menu entry"
    );
    let (status, _) = api(
        &web,
        &sysadmin,
        "GET",
        &format!("/filing/forms/{form_id}"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = api(&web, &fuyi, "GET", "/filing/forms", None).await;
    assert_eq!(status, 403);
    assert_eq!(scalar(&app, version, form_id).await.to_string(), v1);

    // The Excel template round trip: downloaded, uploaded back as a draft; a wrong file refused.
    let x = web.get(&clerk, &format!("{form_url}/template.xlsx")).await;
    assert_eq!(x.status, 200);
    assert!(
        x.content_type.contains("spreadsheetml"),
        "{}",
        x.content_type
    );
    assert!(x.bytes.starts_with(b"PK"));
    let upload = |name: &'static str, bytes: Vec<u8>| {
        web.http
            .post(format!("{}{form_url}/upload", web.base))
            .header("cookie", Web::cookie(&clerk))
            .multipart(
                reqwest::multipart::Form::new()
                    .text("csrf_token", clerk.csrf.clone())
                    .part(
                        "file",
                        reqwest::multipart::Part::bytes(bytes).file_name(name),
                    ),
            )
    };
    let r = Web::answer(upload("数据.csv", b"a,b".to_vec())).await;
    assert_eq!(r.status, 422);
    assert!(r.text().contains("请上传 .xlsx 格式的Excel文件"));
    let r = Web::answer(upload("填报.xlsx", x.bytes.clone())).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let html = web.get(&clerk, &r.location).await.text();
    assert!(html.contains("已从Excel读入并保存为草稿"));
    assert!(html.contains("草稿"));

    // Good values, submitted on the page.
    let v2 = version_in(&html);
    let r = web
        .post(
            &clerk,
            &format!("{form_url}/submit"),
            &[
                ("version", v2.as_str()),
                ("v.mediation.disputes_mediated", "10"),
                ("v.mediation.succeeded", "9"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let html = web.get(&clerk, &r.location).await.text();
    assert!(html.contains("已完成“提交”") && html.contains("已提交"));
    assert_eq!(scalar(&app, values, form_id).await, 2);
    // A stale version: 409 with the current form.
    let (status, body) = api(
        &web,
        &clerk,
        "POST",
        &format!("/filing/forms/{form_id}/save"),
        Some(json!({"v.mediation.disputes_mediated": 10, "version": v1})),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["current"]["form"]["status"], "submitted");

    // ---------- the office approves ----------
    let html = web.get(&fzb, &form_url).await.text();
    assert!(html.contains("审核通过</button>") && html.contains("name=\"comment\""));
    let v3 = version_in(&html);
    let r = web
        .post(
            &fzb,
            &format!("{form_url}/approve"),
            &[("version", v3.as_str())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let (status, f) = api(&web, &fzb, "GET", &format!("/filing/forms/{form_id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(f["form"]["status"], "approved");
    let (status, rd) = api(
        &web,
        &fzb,
        "GET",
        &format!("/filing/rounds/{round_id}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(rd["round"]["approved"], 1);

    // ---------- the annual report ----------
    // A 行政复议 case of the report's year, so its figures come from the records.
    let (status, _) = api(
        &web,
        &fuyi,
        "POST",
        "/rc/cases",
        Some(json!({
            "received_date": "2024-09-27", "channel": "online", "respondent_unit_id": dongshan_unit,
            "act_name": "行政处罚决定", "act_date": "2024-09-01", "request": "撤销处罚决定",
            "applicant_name": "李四", "applicant_id_number": "11010519491231002X"
        })),
    )
    .await;
    assert_eq!(status, 201);
    let report_id = scalar(&app, "SELECT MAX(id) FROM rp_reports WHERE id > $1", 0).await;
    let report_url = format!("/reports/{report_id}");
    let html = web.get(&fzb, "/reports").await.text();
    assert!(html.contains("示例区2024年法治政府建设年度报告") && html.contains("新建年度报告"));
    let page = web.get(&fzb, &report_url).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(!html.contains("<script"), "no script");
    for s in [
        "<a class=\"figure\" href=\"/rc/cases?",
        "<a class=\"figure\" href=\"/filing/forms/",
        "定稿前检查",
        "提交审核",
        "编辑报告",
        "/export.docx",
        "/export.html",
        "/export.md",
    ] {
        assert!(html.contains(s), "report view shows {s}");
    }
    // 报送与公开 (督察工作规定): the legs with their last days; a refused record is shown again
    // with its error beside the field; a recorded leg shows its date; the API records as well.
    assert!(
        html.contains("报送与公开")
            && html.contains("2025-03-31")
            && html.contains("id=\"chain-form\"")
    );
    let r = web
        .post(
            &fzb,
            &format!("{report_url}/chain"),
            &[("step", "departments"), ("date", "2025-01-21")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text().contains("id=\"f-date-err\""));
    let r = web
        .post(
            &fzb,
            &format!("{report_url}/chain"),
            &[("step", "departments"), ("date", "2025-01-20")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let html = web.get(&fzb, &r.location).await.text();
    assert!(html.contains("已登记报送情况"));
    let (status, v) = api(
        &web,
        &fzb,
        "POST",
        &format!("/reports/{report_id}/chain"),
        Some(json!({"step": "higher", "date": "2025-01-19", "note": "区委区政府〔2025〕3号"})),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let higher = v["chain"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["step"] == "higher")
        .unwrap()
        .clone();
    assert_eq!(
        (higher["done"].as_str(), higher["state"].as_str()),
        (Some("2025-01-19"), Some("done"))
    );
    // The leader reads it too (and may not edit it).
    let html = web.get(&leader, &report_url).await.text();
    assert!(!html.contains("id=\"chain-form\""));
    assert!(html.contains("<a class=\"figure\""));
    assert_eq!(
        web.get(&leader, &format!("{report_url}/edit")).await.status,
        403
    );

    // The edit form: the parts, the settings, the tokens explained.
    let page = web.get(&fzb, &format!("{report_url}/edit")).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    for s in [
        "name=\"part.measures.text\"",
        "name=\"part.measures.0.title\"",
        "name=\"part.other.text\"",
        "name=\"decimals\"",
        "name=\"rounding\"",
        "name=\"charts\"",
        "【数据:名称】",
        "【指标:指标键】",
        "【同比:指标键】",
        "<code>reconsideration</code>",
        "新增小节",
    ] {
        assert!(html.contains(s), "edit form shows {s}");
    }
    // Text around a token, changed and saved through the form's fields.
    let detail = fazhi_app::report::detail(
        &app,
        &fazhi_app::auth::actor_by_username(&app, "fzb")
            .await
            .unwrap(),
        report_id,
    )
    .await
    .unwrap();
    let mut fields = fazhi_app::demo_report::content_fields(&detail.content);
    fields.insert(
        "part.measures.text".into(),
        "区政府常务会议全年开展会前学法【指标:training.law_study_sessions】，学法活动常态化。"
            .into(),
    );
    fields.insert("decimals".into(), "2".into());
    fields.insert("rounding".into(), "half_up".into());
    fields.insert("charts".into(), "1".into());
    let version_sql = "SELECT version FROM rp_reports WHERE id = $1";
    let rv = scalar(&app, version_sql, report_id).await.to_string();
    let post_edit = |fields: &std::collections::HashMap<String, String>, version: String| {
        let mut f: Vec<(String, String)> = fields.clone().into_iter().collect();
        f.push(("version".into(), version));
        f
    };
    // A token naming no indicator is refused beside its field, nothing saved.
    let mut bad = fields.clone();
    bad.insert(
        "part.measures.text".into(),
        "全年开展会前学法【指标:training.no_such_key】。".into(),
    );
    let f = post_edit(&bad, rv.clone());
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = web.post(&fzb, &format!("{report_url}/edit"), &refs).await;
    assert_eq!(r.status, 422);
    let html = r.text();
    assert!(html.contains("不在指标目录中") && html.contains("id=\"f-part.measures.text-err\""));
    assert_eq!(scalar(&app, version_sql, report_id).await.to_string(), rv);
    let f = post_edit(&fields, rv.clone());
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = web.post(&fzb, &format!("{report_url}/edit"), &refs).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let html = web.get(&fzb, &r.location).await.text();
    assert!(html.contains("已保存"));
    let at = html
        .find("全年开展会前学法<a class=\"figure\" href=\"/")
        .expect("the figure after the edited text is still a link");
    let rest = &html[at..];
    let link_end = rest.find("</a>").unwrap();
    assert!(
        rest[link_end..].starts_with("</a>次，学法活动常态化。"),
        "{}",
        &rest[..link_end + 40]
    );

    // Downloads.
    let x = web.get(&fzb, &format!("{report_url}/export.docx")).await;
    assert_eq!(x.status, 200);
    assert_eq!(
        x.content_type,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert!(x.bytes.starts_with(b"PK\x03\x04"), "a zip");
    let x = web.get(&fzb, &format!("{report_url}/export.html")).await;
    assert_eq!(x.status, 200);
    assert!(x.content_type.starts_with("text/html"));
    assert!(x.text().contains("示例区2024年法治政府建设年度报告"));
    assert!(x.text().contains("学法活动常态化"));
    let x = web.get(&fzb, &format!("{report_url}/export.md")).await;
    assert_eq!(x.status, 200);
    assert!(x.text().contains("示例区2024年法治政府建设年度报告"));
    let a = Web::answer(
        web.http
            .get(format!(
                "{}/api/v1/reports/{report_id}/export/docx",
                web.base
            ))
            .bearer_auth(&fzb.token),
    )
    .await;
    assert_eq!(a.status, 200);
    assert!(a.bytes.starts_with(b"PK"));
    let (status, _) = api(
        &web,
        &fzb,
        "GET",
        &format!("/reports/{report_id}/export/pdf"),
        None,
    )
    .await;
    assert_eq!(status, 422);
    let (status, det) = api(&web, &fzb, "GET", &format!("/reports/{report_id}"), None).await;
    assert_eq!(status, 200);
    assert!(det["issues"].is_array());
    assert_eq!(det["report"]["status"], "draft");
    assert!(det["fields"]["part.measures.text"]
        .as_str()
        .unwrap()
        .contains("学法活动常态化"));

    // ---------- 提交审核 → 定稿 (the leader) → 发布 ----------
    let step = |who: &'static str, action: &'static str| {
        let web = &web;
        let app = app.clone();
        let user = match who {
            "leader" => &leader,
            _ => &fzb,
        };
        async move {
            let v = scalar(&app, version_sql, report_id).await.to_string();
            web.post(
                user,
                &format!("/reports/{report_id}/steps/{action}"),
                &[("version", v.as_str()), ("published_date", "2025-01-20")],
            )
            .await
        }
    };
    let r = step("fzb", "submit").await;
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(web
        .get(&fzb, &r.location)
        .await
        .text()
        .contains("已完成“提交审核”"));
    let r = step("leader", "finalise").await;
    assert_eq!(r.status, 303, "{}", r.text());
    // A publication date in the future is refused beside its field.
    let v = scalar(&app, version_sql, report_id).await.to_string();
    let r = web
        .post(
            &fzb,
            &format!("{report_url}/steps/publish"),
            &[("version", v.as_str()), ("published_date", "2025-03-01")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text().contains("发布日期不能晚于今天"));
    let r = step("fzb", "publish").await;
    assert_eq!(r.status, 303, "{}", r.text());
    let html = web.get(&fzb, &report_url).await.text();
    assert!(html.contains("已发布") && html.contains("生成更正版本"));
    assert!(!html.contains("编辑报告"));

    // A published version cannot be saved, on the page or through the API.
    let rv = scalar(&app, version_sql, report_id).await.to_string();
    let f = post_edit(&fields, rv.clone());
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = web.post(&fzb, &format!("{report_url}/edit"), &refs).await;
    assert_eq!(r.status, 422);
    assert!(r.text().contains("不能修改"));
    let mut body = json!(fields);
    body["version"] = json!(rv);
    let (status, e) = api(
        &web,
        &fzb,
        "POST",
        &format!("/reports/{report_id}"),
        Some(body),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(e["code"], "not_editable");
    assert_eq!(scalar(&app, version_sql, report_id).await.to_string(), rv);

    // A correction: the change note is required; then version 2, a draft.
    let r = web
        .post(
            &fzb,
            &format!("{report_url}/correct"),
            &[("change_note", "")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text().contains("id=\"f-change_note-err\""));
    let r = web
        .post(
            &fzb,
            &format!("{report_url}/correct"),
            &[("change_note", "更正第一部分中的数据表述")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let new_id: i64 = r
        .location
        .trim_start_matches("/reports/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(new_id, report_id);
    assert_eq!(
        scalar(
            &app,
            "SELECT version_no FROM rp_reports WHERE id = $1",
            new_id
        )
        .await,
        2
    );
    let html = web.get(&fzb, &r.location).await.text();
    assert!(
        html.contains("已生成更正版本")
            && html.contains("第2版")
            && html.contains("更正第一部分中的数据表述")
    );
    let (status, list) = api(&web, &fzb, "GET", "/reports", None).await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 2);
    // Only the latest published version may be corrected.
    let (status, e) = api(
        &web,
        &fzb,
        "POST",
        &format!("/reports/{report_id}/correct"),
        Some(json!({"change_note": "再次更正"})),
    )
    .await;
    assert_eq!(status, 422, "{e}");

    // The report and the forms on the 超期预警 page, and every page of the module renders.
    assert!(web
        .get(&fzb, "/warnings")
        .await
        .text()
        .contains("数据填报与年度报告"));
    for p in [
        "/filing",
        &round_url,
        "/reports",
        &format!("/reports/{new_id}/edit"),
    ] {
        assert_eq!(web.get(&fzb, p).await.status, 200, "{p}");
    }
    // Closing the round ends the changes.
    let r = web.post(&fzb, &format!("{round_url}/close"), &[]).await;
    assert_eq!(r.status, 303);
    assert!(web
        .get(&fzb, &r.location)
        .await
        .text()
        .contains("本轮填报已结束"));
}
