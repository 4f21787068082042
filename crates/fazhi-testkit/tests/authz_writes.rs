//! The authorisation matrix, from the writer's side (issue 13): every state-changing route
//! refuses a cookie without the session's CSRF token — also when the request is otherwise exactly
//! what the route's own user would send — and every page that shows a form is shown only to who
//! may submit it.

use fazhi_app::{auth, org, Actor};
use fazhi_domain::org::Permission;
use fazhi_testkit::web::{User, Web};
use fazhi_testkit::{d, spawn, with_org, Backend, TestDb};
use fazhi_web::{Access, Route, ROUTES};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The records the routes are called on.
struct Fixture {
    t: TestDb,
    web: Web,
    users: HashMap<&'static str, (User, Actor)>,
    rc: i64,
    lt: i64,
    suggestion: i64,
    form: i64,
    round: i64,
    report: i64,
    document: i64,
}

const USERS: [&str; 11] = [
    "fuyi", "yingsu", "dongshan", "xihe", "scj", "fzb", "leader", "sysadmin", "secadmin",
    "auditor", "scjfg",
];

async fn fixture() -> Fixture {
    let t = with_org(Backend::Sqlite, d("2024-12-31")).await;
    let app = t.app.clone();
    fazhi_app::demo_report::seed(&app, 2023).await.unwrap();
    let web = Web::new(spawn(app.clone()).await);
    let mut users = HashMap::new();
    for u in USERS {
        let actor = auth::actor_by_username(&app, u).await.unwrap();
        users.insert(u, (web.login(u).await, actor));
    }
    let unit = |name: &'static str| {
        let app = app.clone();
        async move { org::find_unit_by_name(&app, name).await.unwrap().unwrap() }
    };
    let (dongshan, bureau) = (unit("东山镇人民政府").await, unit("区司法局").await);
    let api = |user: &'static str, path: &'static str, body: Value| {
        let token = users[user].0.token.clone();
        let web = &web;
        async move {
            let a = Web::answer(
                web.http
                    .post(format!("{}{path}", web.base))
                    .bearer_auth(token)
                    .json(&body),
            )
            .await;
            assert_eq!(a.status, 201, "{path}: {}", a.text());
            a.json()["id"].as_i64().unwrap()
        }
    };
    // A 复议 case against 东山镇 (whose clerk reads it), a lawsuit and a 司法建议 of the bureau.
    let rc = api(
        "fuyi",
        "/api/v1/rc/cases",
        json!({
            "received_date": "2024-12-20", "channel": "online", "respondent_unit_id": dongshan,
            "act_name": "行政处罚决定", "act_date": "2024-12-01", "request": "撤销处罚决定",
            "applicant_name": "欧阳秘密", "applicant_id_number": "11010519491231002X"
        }),
    )
    .await;
    let lt = api(
        "yingsu",
        "/api/v1/lt/cases",
        json!({
            "court": "示例区人民法院", "case_no": "（2024）示0101行初99号", "registered_date": "2024-12-20",
            "copy_received_date": "2024-12-27", "defendant_unit_id": bureau, "act_name": "行政处罚决定",
            "claim": "撤销处罚决定", "plaintiff_name": "司马隐私", "plaintiff_id_number": "11010519491231002X"
        }),
    )
    .await;
    let suggestion = api(
        "yingsu",
        "/api/v1/lt/suggestions",
        json!({
            "kind": "judicial", "issuer": "示例区人民法院", "doc_no": "（2024）示0101司建1号",
            "received_date": "2024-12-08", "unit_id": bureau, "content": "规范行政处罚程序"
        }),
    )
    .await;
    let one = |sql: &'static str| {
        let pool = t.app.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let form = sqlx::query_scalar::<_, i64>(
        "SELECT id FROM st_forms WHERE unit_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(dongshan)
    .fetch_one(&t.app.db.pool)
    .await
    .unwrap();
    let round = one("SELECT MAX(id) FROM st_rounds").await;
    let report = one("SELECT MAX(id) FROM rp_reports").await;
    let fzb = users["fzb"].1.clone();
    let document = fazhi_app::analysis::upload(
        &app,
        &fzb,
        "分析.txt",
        "示例区2024年法治政府建设年度报告\n全区共收到行政复议申请94件。".as_bytes(),
    )
    .await
    .unwrap()
    .id;
    Fixture {
        t,
        web,
        users,
        rc,
        lt,
        suggestion,
        form,
        round,
        report,
        document,
    }
}

impl Fixture {
    /// A route's pattern with the fixture's record and one valid step of it.
    fn path(&self, pattern: &str) -> String {
        let (id, action) = if pattern.contains("/lt/cases") {
            (self.lt, "file_defence")
        } else if pattern.contains("/lt/suggestions") {
            (self.suggestion, "reply")
        } else if pattern.contains("/filing/forms") {
            (self.form, "save")
        } else if pattern.contains("/filing/rounds") {
            (self.round, "close")
        } else if pattern.contains("/analysis") {
            (self.document, "delete")
        } else if pattern.contains("/reports") {
            (self.report, "submit")
        } else if pattern.contains("/admin/users") {
            (self.users["xihe"].1.user_id.unwrap_or_default(), "disable")
        } else {
            (self.rc, "accept")
        };
        pattern
            .replace("{id}", &id.to_string())
            .replace("{action}", action)
            .replace("{op}", action)
            .replace("{format}", "docx")
    }

    /// A user the route's rule lets through, so that only the CSRF check can refuse him.
    fn writer(&self, path: &str, rule: Access) -> &'static str {
        match rule {
            Access::Needs(p) => USERS
                .into_iter()
                .find(|u| self.users[u].1.can(p))
                .expect("a user with the permission"),
            Access::AccountAdmin => "sysadmin",
            Access::AnyOf(ps) => USERS
                .into_iter()
                .find(|u| ps.iter().any(|p| self.users[u].1.can(*p)))
                .expect("a user with the permission"),
            Access::WriteScoped if path.contains("/rc/") => "fuyi",
            Access::WriteScoped if path.contains("/lt/") => "yingsu",
            Access::WriteScoped => "dongshan",
            _ => "fuyi",
        }
    }

    async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.t.app.db.pool)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn a_cookie_without_the_csrf_token_changes_nothing_on_any_route() {
    let f = fixture().await;
    let tables = [
        "audit_log",
        "sessions",
        "rc_cases",
        "case_events",
        "lt_cases",
        "lt_suggestions",
        "st_values",
        "rp_reports",
        "rp_chain",
        "an_documents",
    ];
    let mut before = vec![];
    for t in tables {
        before.push(f.count(t).await);
    }
    let mut checked = 0;
    for Route {
        method,
        path: pattern,
        access: rule,
    } in ROUTES.iter()
    {
        if *method == "GET" || *rule == Access::Public {
            continue;
        }
        let path = f.path(pattern);
        let user = f.writer(&path, *rule);
        let cookie = Web::cookie(&f.users[user].0);
        let url = format!("{}{path}", f.web.base);
        let req = match *method {
            "POST" => f.web.http.post(&url),
            "DELETE" => f.web.http.delete(&url),
            m => panic!("method {m}"),
        }
        .header("cookie", cookie);
        let api = path.starts_with("/api/");
        let req = if api {
            // What a page of another origin can send without asking: a simple request.
            req.header("content-type", "text/plain").body(
                r#"{"action":"accept","date":"2024-12-30","notes":"x","version":1,"year":"2024","comment":"x"}"#,
            )
        } else if path.ends_with("/import")
            || path.ends_with("/upload")
            || path == "/analysis/documents"
        {
            req.multipart(reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("a.xlsx"),
            ))
        } else {
            req.form(&[
                ("date", "2024-12-30"),
                ("notes", "x"),
                ("version", "1"),
                ("year", "2024"),
            ])
        };
        let a = Web::answer(req).await;
        let who = format!("{user} {method} {path} (cookie, no token)");
        assert_eq!(a.status, 403, "{who}: {}", a.text());
        if api {
            assert_eq!(a.json()["code"], "csrf_rejected", "{who}");
        } else {
            assert!(
                a.text().contains("请求未通过安全校验"),
                "{who}: {}",
                a.text()
            );
        }
        checked += 1;
    }
    assert!(checked > 40, "{checked}");
    let mut after = vec![];
    for t in tables {
        after.push(f.count(t).await);
    }
    assert_eq!(after, before, "{tables:?}: nothing written");

    // The same request with the token goes through: the refusals above were the token's.
    let fuyi = &f.users["fuyi"].0;
    let a = Web::answer(
        f.web
            .http
            .post(format!("{}/api/v1/rc/cases/{}/steps", f.web.base, f.rc))
            .header("cookie", Web::cookie(fuyi))
            .header("x-csrf-token", &fuyi.csrf)
            .json(&json!({"action": "accept", "date": "2024-12-30", "version": 1})),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text());
    // A bearer token needs none: it is never sent by a browser on its own.
    let a = Web::answer(
        f.web
            .http
            .post(format!("{}/api/v1/rc/cases/{}/steps", f.web.base, f.rc))
            .bearer_auth(&fuyi.token)
            .json(&json!({"action": "accept", "date": "2024-12-30", "version": 2})),
    )
    .await;
    assert_ne!(a.status, 403, "{}", a.text());
}

#[tokio::test]
async fn a_user_who_must_change_the_password_can_read_himself_and_sign_out_of_the_api() {
    let f = fixture().await;
    let app = &f.t.app;
    let root = org::all_units(app).await.unwrap()[0].id;
    let bureau = org::find_unit_by_name(app, "区司法局")
        .await
        .unwrap()
        .unwrap();
    auth::create_user(
        app,
        &Actor::system("测试", root),
        auth::NewUser {
            username: "newclerk".into(),
            display_name: "新复议员".into(),
            unit_id: bureau,
            roles: vec![fazhi_domain::org::Role::ReconsiderationClerk],
            password: fazhi_app::demo::DEMO_PASSWORD.into(),
            must_change_password: true,
        },
    )
    .await
    .unwrap();
    let u = f.web.login("newclerk").await;
    let get = |path: &'static str| {
        Web::answer(
            f.web
                .http
                .get(format!("{}{path}", f.web.base))
                .bearer_auth(&u.token),
        )
    };
    let a = get("/api/v1/me").await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(
        get("/api/v1/rc/cases").await.json()["code"],
        "password_change_required"
    );
    let a = Web::answer(
        f.web
            .http
            .delete(format!("{}/api/v1/session", f.web.base))
            .bearer_auth(&u.token),
    )
    .await;
    assert!([200, 204].contains(&a.status), "{} {}", a.status, a.text());
    assert_eq!(get("/api/v1/me").await.status, 401);
}

/// The route of a report's steps.
const REPORT_STEPS: &str = "/reports/{id}/steps/{action}";

/// The `action` of every `<form method="post">` of a page.
fn post_forms(html: &str) -> Vec<String> {
    html.split("<form")
        .skip(1)
        .filter_map(|f| {
            let tag = &f[..f.find('>')?];
            if !tag.contains(r#"method="post""#) {
                return None;
            }
            let rest = &tag[tag.find(r#"action=""#)? + 8..];
            Some(rest[..rest.find('"')?].to_string())
        })
        .collect()
}

/// Whether `path` is an instance of the route `pattern` (`{x}` matches one segment).
fn matches(pattern: &str, path: &str) -> bool {
    let (p, q): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == q.len()
        && p.iter()
            .zip(&q)
            .all(|(a, b)| a == b || (a.starts_with('{') && !b.is_empty()))
}

#[tokio::test]
async fn a_form_is_shown_only_to_who_may_submit_it() {
    let f = fixture().await;
    // Users who read records they may not change: the leader and the office read everything,
    // 东山镇's clerk reads the 复议 case against his town, the bureau's clerks read their own.
    // And the administrators: each sees the account pages of his own steps only.
    let readers = [
        "leader", "fzb", "dongshan", "xihe", "scj", "scjfg", "sysadmin", "secadmin", "auditor",
    ];
    let mut pages = 0;
    for reader in readers {
        let (user, actor) = &f.users[reader];
        let may_post = |action: &str| -> Option<bool> {
            let rule = ROUTES
                .iter()
                .find(|r| r.method == "POST" && matches(&r.path, action))?
                .access;
            Some(match rule {
                // A report's steps are the office's (submit) and the leader's (定稿): the page
                // lists those of the user's role (web_report.rs).
                _ if matches(REPORT_STEPS, action) => {
                    actor.can(Permission::ManageReport) || actor.can(Permission::ApproveReport)
                }
                Access::Public | Access::Own => true,
                Access::Needs(p) => actor.can(p),
                Access::AnyOf(ps) => ps.iter().any(|p| actor.can(*p)),
                Access::AccountAdmin => {
                    actor.can(Permission::ManageAccounts) || actor.can(Permission::AssignRoles)
                }
                // A statistics form is written by its unit's clerk and reviewed by the office:
                // its own tests (web_report.rs) cover who sees which of its buttons.
                Access::WriteScoped if action.starts_with("/filing/forms/") => true,
                // None of these readers may change a case or a suggestion.
                Access::WriteScoped => false,
                Access::ReadScoped => true,
            })
        };
        for Route {
            method,
            path: pattern,
            access: rule,
        } in ROUTES.iter()
        {
            if *method != "GET"
                || pattern.starts_with("/api/")
                || matches!(rule, Access::Public)
                || pattern.contains('.')
            {
                continue;
            }
            let path = f.path(pattern);
            let a = f.web.get(user, &path).await;
            let who = format!("{reader} GET {path}");
            // A form page (its POST twin at the same address, under the same rule) for who may
            // not submit it. (A twin under another rule makes the page a view with a form for
            // some: the baseline preview is read by leaders and applied by the office.)
            let form_page = ROUTES
                .iter()
                .any(|r| r.method == "POST" && &r.path == pattern && r.access == *rule);
            if form_page && may_post(&path) == Some(false) {
                assert!([403, 404].contains(&a.status), "{who}: {}", a.status);
            }
            if a.status != 200 || !a.content_type.starts_with("text/html") {
                continue;
            }
            pages += 1;
            for action in post_forms(&a.text()) {
                let action = action.split('?').next().unwrap_or_default().to_string();
                assert_eq!(
                    may_post(&action),
                    Some(true),
                    "{who} shows a form posting to {action}, which {reader} may not submit"
                );
            }
        }
    }
    assert!(pages > 30, "{pages}");
}
