//! The authorisation matrix (issue 3 §3): every route of the pages and the API, called by a user
//! of each role from units that do not own the record, answers 403/404 or an empty result, and
//! no body carries the record's data — with guessed ids in URLs, list filters, exports and the
//! indicator drill-down. Routes are read from the routers' source: one that is not declared in
//! `fazhi_web::ROUTES` fails the test.

use fazhi_app::{auth, org, Actor};
use fazhi_domain::org::Role;
use fazhi_testkit::{d, spawn, with_org, Backend};
use fazhi_web::{Access, Route, ROUTES};
use serde_json::{json, Value};

/// The routers are built only through the builder that writes the access table: no source file
/// of the web crate calls axum's `.route(` itself, every declared route answers (a route missing
/// from the router would answer with the fallback's 404 or a 405), no route is declared twice,
/// and every API route is in the OpenAPI document.
#[tokio::test]
async fn every_route_declares_its_rule() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fazhi-web/src");
    let mut files = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let path = f.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        files += 1;
        // axum's own ways of adding routes, anywhere in the file (comments aside).
        let code: String = source
            .lines()
            .map(|l| l.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        let bypass = [
            ".route(",
            ".route_service(",
            ".merge(",
            ".nest(",
            ".nest_service(",
        ]
        .iter()
        .filter(|m| code.contains(*m))
        .count();
        let builder = path.ends_with("routes.rs");
        assert!(
            bypass == 0 || builder,
            "{} adds a route without its access rule",
            path.display()
        );
    }
    assert!(files > 8);
    assert!(ROUTES.len() > 100, "{}", ROUTES.len());
    let mut seen = std::collections::HashSet::new();
    for r in ROUTES.iter() {
        assert!(
            seen.insert((r.method, r.path.clone())),
            "{} {} twice",
            r.method,
            r.path
        );
    }
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let base = spawn(t.app.clone()).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for r in ROUTES.iter() {
        let path = r
            .path
            .replace("{id}", "1")
            .replace("{action}", "x")
            .replace("{op}", "x")
            .replace("{format}", "x");
        let method = reqwest::Method::from_bytes(r.method.as_bytes()).unwrap();
        let res = http
            .request(method, format!("{base}{path}"))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        // Without a session: the login page or 401, or the public route's own answer.
        let fallback = status == 405 || body.contains("接口不存在") || body.contains("页面不存在");
        assert!(!fallback, "{} {path}: {status} {body:.200}", r.method);
    }
    // And every API route is in the OpenAPI document.
    let doc: Value = serde_json::from_str(fazhi_web::OPENAPI).unwrap();
    for r in ROUTES.iter() {
        if let Some(p) = r.path.strip_prefix("/api/v1") {
            if p != "/openapi.json" {
                assert!(
                    doc["paths"][p][r.method.to_lowercase()].is_object(),
                    "{} {} is not in openapi.json",
                    r.method,
                    r.path
                );
            }
        }
    }
}

struct Outsider {
    username: &'static str,
    token: String,
    csrf: String,
    actor: Actor,
}

#[tokio::test]
async fn outsiders_get_nothing_on_any_route() {
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let app = t.app.clone();
    // The demo's statistics rounds (2022, 2023, filed by 市场监管局, 东山镇, 西河镇) and its 2023
    // annual report.
    fazhi_app::demo_report::seed(&app, 2023).await.unwrap();
    let unit = |name: &'static str| {
        let app = app.clone();
        async move { org::find_unit_by_name(&app, name).await.unwrap().unwrap() }
    };
    let (dongshan, xihe, bureau) = (
        unit("东山镇人民政府").await,
        unit("西河镇人民政府").await,
        unit("区司法局").await,
    );
    // The strongest outsider: a clerk who may write cases, but in another unit.
    let root = org::all_units(&app).await.unwrap()[0].id;
    auth::create_user(
        &app,
        &Actor::system("测试", root),
        auth::NewUser {
            username: "xihe_fy".into(),
            display_name: "西河复议员".into(),
            unit_id: xihe,
            roles: vec![Role::ReconsiderationClerk],
            password: fazhi_app::demo::DEMO_PASSWORD.into(),
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    let base = spawn(app.clone()).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = |user: &'static str| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let body: Value = http
                .post(format!("{base}/api/v1/session"))
                .json(&json!({"username": user, "password": fazhi_app::demo::DEMO_PASSWORD}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            (
                body["token"].as_str().unwrap().to_string(),
                body["csrf_token"].as_str().unwrap().to_string(),
            )
        }
    };
    // The record: a case registered by the bureau's clerk against 东山镇.
    let (owner, _) = login("fuyi").await;
    let case: Value = http
        .post(format!("{base}/api/v1/rc/cases"))
        .bearer_auth(&owner)
        .json(&json!({
            "received_date": "2024-09-27", "channel": "online", "respondent_unit_id": dongshan,
            "act_name": "行政处罚决定", "act_date": "2024-09-01", "request": "撤销处罚决定",
            "applicant_name": "欧阳秘密", "applicant_id_number": "11010519491231002X",
            "applicant_phone": "13900001111"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = case["id"].as_i64().expect("case id");
    let case_no = case["case_no"].as_str().unwrap().to_string();
    // A lawsuit against 东山镇 registered by the bureau's litigation clerk, and a 司法建议 to it.
    let (lt_owner, _) = login("yingsu").await;
    let lawsuit: Value = http
        .post(format!("{base}/api/v1/lt/cases"))
        .bearer_auth(&lt_owner)
        .json(&json!({
            "court": "示例区人民法院", "case_no": "（2024）示0101行初99号", "registered_date": "2024-09-20",
            "copy_received_date": "2024-09-27", "defendant_unit_id": dongshan, "act_name": "行政处罚决定",
            "claim": "撤销处罚决定", "plaintiff_name": "司马隐私", "plaintiff_id_number": "11010519491231002X",
            "plaintiff_phone": "13900002222"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let lt_id = lawsuit["id"].as_i64().expect("lawsuit id");
    let suggestion: Value = http
        .post(format!("{base}/api/v1/lt/suggestions"))
        .bearer_auth(&lt_owner)
        .json(&json!({
            "kind": "judicial", "issuer": "示例区人民法院", "doc_no": "（2024）示0101司建秘1号",
            "received_date": "2024-10-08", "unit_id": dongshan, "content": "规范行政处罚程序的建议书机密内容"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sg_id = suggestion["id"].as_i64().expect("suggestion id");
    let secrets = [
        case_no.clone(),
        "欧阳秘密".to_string(),
        "11010519491231002X".to_string(),
        "13900001111".to_string(),
        "（2024）示0101行初99号".to_string(),
        "司马隐私".to_string(),
        "13900002222".to_string(),
        "（2024）示0101司建秘1号".to_string(),
        "建议书机密内容".to_string(),
        // The demo annual report's narrative (read by the office and the leaders only).
        "综合查一次".to_string(),
        // The analysed report's text.
        "分析秘文".to_string(),
    ];
    // The versions of the three records: no outsider's call may change any of them.
    let version = || async {
        let mut v = 0;
        for (table, rid) in [
            ("rc_cases", id),
            ("lt_cases", lt_id),
            ("lt_suggestions", sg_id),
        ] {
            v +=
                sqlx::query_scalar::<_, i64>(&format!("SELECT version FROM {table} WHERE id = $1"))
                    .bind(rid)
                    .fetch_one(&t.app.db.pool)
                    .await
                    .unwrap();
        }
        v
    };
    let v0 = version().await;
    assert_eq!(v0, 3, "each record at its first version");
    // The demo's statistics forms and annual report: 东山镇's form (the clerks of the other
    // units may not see it), a round, and the report (none of the outsiders may read it).
    let form_id: i64 =
        sqlx::query_scalar("SELECT id FROM st_forms WHERE unit_id = $1 ORDER BY id DESC LIMIT 1")
            .bind(dongshan)
            .fetch_one(&t.app.db.pool)
            .await
            .unwrap();
    let round_id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM st_rounds")
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap();
    let report_id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM rp_reports")
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap();
    // A report uploaded to the analyzer by the office (read by the office and the leaders only).
    let fzb = auth::actor_by_username(&app, "fzb").await.unwrap();
    let doc_id = fazhi_app::analysis::upload(
        &app,
        &fzb,
        "分析.txt",
        "甲区2024年法治政府建设年度报告\n分析秘文：全区共收到行政复议申请94件。".as_bytes(),
    )
    .await
    .unwrap()
    .id;
    // Every version of every form, round and report, and their counts: nothing may change.
    let reporting = || async {
        let mut out = vec![];
        for table in [
            "st_forms",
            "st_rounds",
            "st_values",
            "rp_reports",
            "an_documents",
        ] {
            let sum = if table == "st_values" {
                "SUM(value)"
            } else if table == "an_documents" {
                "SUM(id)"
            } else {
                "SUM(version)"
            };
            let n: (i64, i64) =
                sqlx::query_as(&format!("SELECT COUNT(*), COALESCE({sum}, 0) FROM {table}"))
                    .fetch_one(&t.app.db.pool)
                    .await
                    .unwrap();
            out.push(n);
        }
        out
    };
    let r0 = reporting().await;

    let mut outsiders = vec![];
    for username in ["scj", "xihe", "xihe_fy", "sysadmin", "secadmin", "auditor"] {
        let (token, csrf) = login(username).await;
        let actor = auth::actor_by_username(&app, username).await.unwrap();
        outsiders.push(Outsider {
            username,
            token,
            csrf,
            actor,
        });
    }
    // Queries that try to reach the record: by text, by unit, by the indicator drill-down.
    let filters = [
        String::new(),
        format!("?text={}", urlencode(&case_no)),
        format!("?unit={bureau}"),
        format!("?unit={dongshan}&year=2024"),
        "?indicator=reconsideration.applications&year=2024".to_string(),
        "?year=2024&status=received".to_string(),
    ];
    let mut checked = 0;
    for o in &outsiders {
        for Route {
            method,
            path: pattern,
            access: rule,
        } in ROUTES.iter()
        {
            // Each module's record and one of its valid steps.
            let (rid, action) = if pattern.contains("/lt/cases") {
                (lt_id, "file_defence")
            } else if pattern.contains("/lt/suggestions") {
                (sg_id, "reply")
            } else if pattern.contains("/filing/forms") {
                (form_id, "save")
            } else if pattern.contains("/filing/rounds") {
                (round_id, "close")
            } else if pattern.contains("/analysis") {
                (doc_id, "delete")
            } else if pattern.contains("/reports") {
                (report_id, "submit")
            } else {
                (id, "accept")
            };
            let path = pattern
                .replace("{id}", &rid.to_string())
                .replace("{action}", action)
                .replace("{op}", "disable")
                .replace("{format}", "docx");
            let api = path.starts_with("/api/");
            let queries: Vec<String> = match (*method, rule) {
                // Each list is drilled down by its own module's indicator and searched for its
                // own record.
                ("GET", Access::ReadScoped) if path.contains("/lt/cases") => filters[..4]
                    .iter()
                    .cloned()
                    .chain([
                        "?indicator=litigation.cases&year=2024".to_string(),
                        format!("?text={}", urlencode("（2024）示0101行初99号")),
                    ])
                    .collect(),
                ("GET", Access::ReadScoped) if path.contains("/lt/suggestions") => filters[..4]
                    .iter()
                    .cloned()
                    .chain([
                        "?indicator=supervision.suggestions&year=2024".to_string(),
                        format!("?text={}", urlencode("司建秘")),
                    ])
                    .collect(),
                ("GET", Access::ReadScoped) => filters.to_vec(),
                _ if path.contains("/analysis/compare") => {
                    vec![
                        format!("?ids={doc_id}"),
                        format!("?ids={doc_id},{report_id}"),
                    ]
                }
                _ => vec![String::new()],
            };
            for q in queries {
                let url = format!("{base}{path}{q}");
                let mut req = match *method {
                    "GET" => http.get(&url),
                    "POST" => http.post(&url),
                    "DELETE" => http.delete(&url),
                    m => panic!("method {m}"),
                };
                req = if api {
                    req.bearer_auth(&o.token)
                } else {
                    req.header(
                        "cookie",
                        format!("{}={}", fazhi_web::SESSION_COOKIE, o.token),
                    )
                };
                if *method == "POST" && path.ends_with("/upload") {
                    // A filled statistics template: 东山镇's form as its own clerk would send it.
                    let dongshan_clerk = auth::actor_by_username(&app, "dongshan").await.unwrap();
                    let template = fazhi_app::filing::template(&app, &dongshan_clerk, form_id)
                        .await
                        .unwrap();
                    req = req.multipart(
                        reqwest::multipart::Form::new()
                            .text("csrf_token", o.csrf.clone())
                            .part(
                                "file",
                                reqwest::multipart::Part::bytes(template).file_name("填报.xlsx"),
                            ),
                    );
                } else if *method == "POST" && path.ends_with("/import") {
                    let template = if path.contains("/lt/") {
                        fazhi_app::litigation::import_template().unwrap()
                    } else {
                        fazhi_app::reconsideration::import_template().unwrap()
                    };
                    req = if api {
                        req.body(template)
                    } else {
                        req.multipart(
                            reqwest::multipart::Form::new()
                                .text("csrf_token", o.csrf.clone())
                                .part(
                                    "file",
                                    reqwest::multipart::Part::bytes(template)
                                        .file_name("导入.xlsx"),
                                ),
                        )
                    };
                } else if *method == "POST" {
                    req = if api {
                        req.json(&json!({"action": action, "date": "2024-09-30", "notes": "x", "version": 1,
                            "year": "2024", "comment": "x", "change_note": "x", "v.mediation.succeeded": "1"}))
                    } else {
                        req.form(&[
                            ("csrf_token", o.csrf.as_str()),
                            ("date", "2024-09-30"),
                            ("notes", "x"),
                            ("version", "1"),
                            ("year", "2024"),
                            ("comment", "x"),
                            ("change_note", "x"),
                            ("v.mediation.succeeded", "1"),
                        ])
                    };
                }
                let allowed_by_permission = match rule {
                    Access::Needs(p) => o.actor.can(*p),
                    Access::AnyOf(ps) => ps.iter().any(|p| o.actor.can(*p)),
                    Access::AccountAdmin => {
                        o.actor.can(fazhi_domain::org::Permission::ManageAccounts)
                            || o.actor.can(fazhi_domain::org::Permission::AssignRoles)
                    }
                    _ => false,
                };
                if matches!(rule, Access::Public | Access::Own) || allowed_by_permission {
                    continue; // not a case record, or his own business
                }
                let res = req.send().await.unwrap();
                let status = res.status().as_u16();
                let bytes = res.bytes().await.unwrap();
                let text = if bytes.starts_with(b"PK") {
                    let (_, rows) = fazhi_app::xlsx::read_table(&bytes).unwrap();
                    rows.concat().join(" ")
                } else {
                    // The search box shows back what the user typed; that is not the record.
                    secrets
                        .iter()
                        .fold(String::from_utf8_lossy(&bytes).into_owned(), |t, s| {
                            t.replace(&format!("value=\"{s}\""), "")
                        })
                };
                let who = format!("{} {method} {path}{q}", o.username);
                match rule {
                    Access::ReadScoped => {
                        assert!([200, 403, 404].contains(&status), "{who}: status {status}")
                    }
                    _ => assert!([403, 404].contains(&status), "{who}: status {status}"),
                }
                if !o.actor.can(fazhi_domain::org::Permission::ReadCases) {
                    assert_eq!(status, 403, "{who}: a role without case access");
                }
                for s in &secrets {
                    assert!(!text.contains(s.as_str()), "{who}: body shows {s}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 250, "{checked}");
    // Nothing was written by any of it.
    assert_eq!(version().await, v0);
    assert_eq!(
        reporting().await,
        r0,
        "statistics forms, rounds, reports and analysed reports unchanged"
    );
    for table in ["rc_cases", "lt_cases", "lt_suggestions"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&t.app.db.pool)
            .await
            .unwrap();
        assert_eq!(n, 1, "{table}");
    }
    // The owner does see it through the same routes (the filters are not simply broken).
    let body = http
        .get(format!(
            "{base}/api/v1/rc/cases?indicator=reconsideration.applications&year=2024"
        ))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains(&case_no));
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A write names only units in the writer's scope (issue 13 §3): on every registration route —
/// each POST that `ROUTES` opens to a module's write permission — a clerk of a department or a
/// township who names 东山镇 (a unit outside his own) as respondent, defendant or addressee, in a
/// form, a JSON body or an import row, is refused with `unit_out_of_scope` naming the field, and
/// nothing is written; the same request naming his own unit goes in. (The legal office's clerks,
/// `scope.legal_offices`, name any unit: the matrix test above registers its records that way.)
#[tokio::test]
async fn registering_names_only_units_in_the_writers_scope() {
    use fazhi_domain::org::Permission as P;
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let app = t.app.clone();
    let unit = |name: &'static str| {
        let app = app.clone();
        async move { org::find_unit_by_name(&app, name).await.unwrap().unwrap() }
    };
    let (dongshan, xihe, market) = (
        unit("东山镇人民政府").await,
        unit("西河镇人民政府").await,
        unit("区市场监督管理局").await,
    );
    let root = org::all_units(&app).await.unwrap()[0].id;
    auth::create_user(
        &app,
        &Actor::system("测试", root),
        auth::NewUser {
            username: "xihe_fy".into(),
            display_name: "西河复议员".into(),
            unit_id: xihe,
            roles: vec![Role::ReconsiderationClerk],
            password: fazhi_app::demo::DEMO_PASSWORD.into(),
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    let base = spawn(app.clone()).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut sessions = std::collections::HashMap::new();
    for user in ["xihe_fy", "scjfg"] {
        let body: Value = http
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"username": user, "password": fazhi_app::demo::DEMO_PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        sessions.insert(
            user,
            (
                body["token"].as_str().unwrap().to_string(),
                body["csrf_token"].as_str().unwrap().to_string(),
            ),
        );
    }
    let written = || async {
        let mut n = vec![];
        for table in ["rc_cases", "lt_cases", "lt_suggestions", "audit_log"] {
            n.push(
                sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
                    .fetch_one(&t.app.db.pool)
                    .await
                    .unwrap(),
            );
        }
        n
    };
    let mut lawsuits = 0;
    let mut covered = vec![];
    for Route {
        method,
        path,
        access: rule,
    } in ROUTES.iter()
    {
        let permission = match rule {
            Access::Needs(p @ (P::WriteReconsideration | P::WriteLitigation))
                if *method == "POST" =>
            {
                *p
            }
            _ => continue,
        };
        // (the writer, his own unit's name, the unit field and its label, the record's fields)
        let rc = permission == P::WriteReconsideration;
        let (user, own, own_name) = if rc {
            ("xihe_fy", xihe, "西河镇人民政府")
        } else {
            ("scjfg", market, "区市场监督管理局")
        };
        let record = |named: i64, named_name: &str| -> (&'static str, Vec<(String, String)>) {
            let f = |pairs: &[(&str, String)]| {
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect::<Vec<_>>()
            };
            if path.ends_with("/import") {
                return ("file", f(&[("unit", named_name.to_string())]));
            }
            if rc {
                (
                    "respondent_unit_id",
                    f(&[
                        ("received_date", "2024-09-27".into()),
                        ("channel", "online".into()),
                        ("respondent_unit_id", named.to_string()),
                        ("act_name", "行政处罚决定".into()),
                        ("act_date", "2024-09-01".into()),
                        ("request", "撤销处罚决定".into()),
                        ("applicant_name", "欧阳秘密".into()),
                        ("applicant_id_number", "11010519491231002X".into()),
                    ]),
                )
            } else if path.contains("/suggestions") {
                (
                    "unit_id",
                    f(&[
                        ("kind", "judicial".into()),
                        ("issuer", "示例区人民法院".into()),
                        ("received_date", "2024-10-08".into()),
                        ("unit_id", named.to_string()),
                        ("content", "规范行政处罚程序".into()),
                    ]),
                )
            } else {
                (
                    "defendant_unit_id",
                    f(&[
                        ("court", "示例区人民法院".into()),
                        ("registered_date", "2024-09-20".into()),
                        ("copy_received_date", "2024-09-27".into()),
                        ("defendant_unit_id", named.to_string()),
                        ("act_name", "行政处罚决定".into()),
                        ("claim", "撤销处罚决定".into()),
                        ("plaintiff_name", "司马隐私".into()),
                        ("plaintiff_id_number", "11010519491231002X".into()),
                    ]),
                )
            }
        };
        let (token, csrf) = sessions[user].clone();
        let api = path.starts_with("/api/");
        for (named, named_name, refused) in
            [(dongshan, "东山镇人民政府", true), (own, own_name, false)]
        {
            let (field, mut fields) = record(named, named_name);
            if !rc && !path.contains("/suggestions") {
                lawsuits += 1;
                fields.push(("case_no".into(), format!("（2024）示0101行初{lawsuits}号")));
            }
            let mut req = http.post(format!("{base}{path}"));
            req = if api {
                req.bearer_auth(&token)
            } else {
                req.header("cookie", format!("{}={token}", fazhi_web::SESSION_COOKIE))
            };
            if path.ends_with("/import") {
                let row: Vec<String> = if rc {
                    fazhi_app::reconsideration::IMPORT_COLUMNS
                        .iter()
                        .map(|(_, f)| match *f {
                            "received_date" => "2024-09-27",
                            "channel" => "网上",
                            "respondent" => named_name,
                            "act_name" => "行政处罚决定",
                            "act_date" => "2024-09-01",
                            "request" => "撤销处罚决定",
                            "applicant_kind" => "自然人",
                            "applicant_name" => "欧阳秘密",
                            "applicant_id_number" => "11010519491231002X",
                            _ => "",
                        })
                        .map(String::from)
                        .collect()
                } else {
                    lawsuits += 1;
                    let no = format!("（2024）示0101行初{lawsuits}号");
                    fazhi_app::litigation::IMPORT_COLUMNS
                        .iter()
                        .map(|(_, f)| match *f {
                            "court" => "示例区人民法院".to_string(),
                            "case_no" => no.clone(),
                            "registered_date" => "2024-09-20".into(),
                            "copy_received_date" => "2024-09-27".into(),
                            "defendant" => named_name.into(),
                            "act_name" => "行政处罚决定".into(),
                            "claim" => "撤销处罚决定".into(),
                            "plaintiff_kind" => "自然人".into(),
                            "plaintiff_name" => "司马隐私".into(),
                            "plaintiff_id_number" => "11010519491231002X".into(),
                            _ => String::new(),
                        })
                        .collect()
                };
                let headers: Vec<&str> = if rc {
                    fazhi_app::reconsideration::IMPORT_COLUMNS
                        .iter()
                        .map(|c| c.0)
                        .collect()
                } else {
                    fazhi_app::litigation::IMPORT_COLUMNS
                        .iter()
                        .map(|c| c.0)
                        .collect()
                };
                let file =
                    fazhi_app::xlsx::write_table("导入", &headers, std::iter::once(row)).unwrap();
                req = if api {
                    req.body(file)
                } else {
                    req.multipart(
                        reqwest::multipart::Form::new()
                            .text("csrf_token", csrf.clone())
                            .part(
                                "file",
                                reqwest::multipart::Part::bytes(file).file_name("导入.xlsx"),
                            ),
                    )
                };
            } else if api {
                let body: serde_json::Map<String, Value> =
                    fields.into_iter().map(|(k, v)| (k, json!(v))).collect();
                req = req.json(&body);
            } else {
                fields.push(("csrf_token".into(), csrf.clone()));
                req = req.form(&fields);
            }
            let before = written().await;
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let text = res.text().await.unwrap();
            let who = format!("{user} POST {path} naming {named_name}");
            if refused {
                assert_eq!(status, 422, "{who}: {text}");
                assert_eq!(written().await, before, "{who}: nothing written");
                if api {
                    let body: Value = serde_json::from_str(&text).unwrap();
                    let (code, at) = if path.ends_with("/import") {
                        (&body["rows"][0]["code"], &body["rows"][0]["column"])
                    } else {
                        (&body["code"], &body["field"])
                    };
                    assert_eq!(code, "unit_out_of_scope", "{who}: {text}");
                    if !path.ends_with("/import") {
                        assert_eq!(at, field, "{who}: {text}");
                    }
                }
                assert!(
                    text.contains("不在您可以登记的单位范围内") && text.contains("东山镇人民政府"),
                    "{who}: the message names the unit: {text}"
                );
            } else {
                assert!([200, 201, 303].contains(&status), "{who}: {status} {text}");
                assert!(written().await > before, "{who}: written");
            }
        }
        covered.push(path.clone());
    }
    // Every registration route of both modules, on the pages and the API.
    for p in [
        "/rc/cases/new",
        "/rc/import",
        "/lt/cases/new",
        "/lt/import",
        "/lt/suggestions/new",
        "/api/v1/rc/cases",
        "/api/v1/rc/import",
        "/api/v1/lt/cases",
        "/api/v1/lt/import",
        "/api/v1/lt/suggestions",
    ] {
        assert!(
            covered.iter().any(|c| c == p),
            "{p} not covered: {covered:?}"
        );
    }
    assert_eq!(covered.len(), 10, "{covered:?}");
    // 东山镇 sees none of it: not a case, not a suggestion, not in its counts.
    let dongshan_clerk = auth::actor_by_username(&app, "dongshan").await.unwrap();
    let q = fazhi_app::cases::ListQuery::default();
    assert_eq!(
        fazhi_app::reconsideration::list(&app, &dongshan_clerk, &q)
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(
        fazhi_app::litigation::list(&app, &dongshan_clerk, &q)
            .await
            .unwrap()
            .total,
        0
    );
}
