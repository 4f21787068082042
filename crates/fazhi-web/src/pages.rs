//! Server-rendered pages in Simplified Chinese. Each handler extracts the input, calls one use
//! case and renders a template; a failed form is shown again with the values kept and the error
//! beside its field.

use crate::api::{log_internal, status_of, xlsx_response, IndicatorQuery};
use crate::auth::{clear_cookie, request_id, session_cookie, Session};
use crate::routes::{Access as A, Routes};
use crate::{AppState, RequestId};
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Datelike;
use fazhi_app::reconsideration as rc;
use fazhi_app::{audit, auth, demo, org, AppError};
use fazhi_domain::deadline::{Clock, DeadlineState, PeriodUnit};
use fazhi_domain::org::Permission as P;
use fazhi_domain::org::Permission;
use fazhi_domain::reconsideration::{Channel, Fields, PartyKind};
use fazhi_domain::Code;
use fazhi_domain::DomainError;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/", A::Own, home)
        .get("/login", A::Public, login_page)
        .post("/login", A::Public, login_submit)
        .post("/logout", A::Own, logout)
        .get("/password", A::Own, password_page)
        .post("/password", A::Own, password_submit)
        .get("/rc/cases/new", A::Needs(P::WriteReconsideration), new_form)
        .post(
            "/rc/cases/new",
            A::Needs(P::WriteReconsideration),
            new_submit,
        )
        .get("/warnings", A::ReadScoped, warnings)
        .get("/indicators", A::ReadScoped, indicators)
        .get("/audit", A::Needs(P::ReadAudit), audit_page)
        .get("/audit/export.xlsx", A::Needs(P::ReadAudit), audit_export)
        .get("/admin/users", A::Needs(P::ListAccounts), users)
        .post("/admin/users", A::Needs(P::ManageAccounts), user_create)
        .post("/admin/users/{id}/{op}", A::AccountAdmin, user_change)
        .get(
            "/admin/security",
            A::Needs(P::ManageSecurity),
            security_page,
        )
        .post(
            "/admin/security",
            A::Needs(P::ManageSecurity),
            security_submit,
        )
        .post(
            "/admin/security/login-waits",
            A::Needs(P::ManageSecurity),
            login_wait_lift,
        )
        .get("/calendar", A::Own, calendar)
        .post(
            "/calendar/import",
            A::Needs(P::ManageAccounts),
            calendar_import,
        )
        .get(
            "/calendar/recompute",
            A::AnyOf(&[P::ManageReport, P::ManageAccounts]),
            recompute_runs,
        )
}

/// A signed-in page request; without a session the browser is sent to the login page.
pub struct Page(pub Session, pub RequestId);

impl FromRequestParts<AppState> for Page {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let rid = request_id(parts);
        match crate::auth::resolve(parts, state).await {
            Ok(s) => Ok(Page(s, rid)),
            Err(AppError::PasswordChangeRequired) => Err(Redirect::to("/password").into_response()),
            Err(AppError::Unauthenticated) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                Err(
                    Redirect::to(&format!("/login?next={}", urlencoding::encode(next)))
                        .into_response(),
                )
            }
            Err(err) => Err(PageError {
                err: Box::new(err),
                rid,
                state: state.clone(),
            }
            .into_response()),
        }
    }
}

/// An error shown as a page (403, 404, 500 with the request id).
pub struct PageError {
    pub err: Box<AppError>,
    pub rid: RequestId,
    pub state: AppState,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        log_internal(&self.err, &self.rid);
        let status = status_of(&self.err);
        let title = match status {
            StatusCode::NOT_FOUND => "页面或记录不存在",
            StatusCode::FORBIDDEN => "没有访问权限",
            StatusCode::INTERNAL_SERVER_ERROR => "系统内部错误",
            _ => "操作未能完成",
        };
        let ctx = json!({"status": status.as_u16(), "title": title, "message": self.err.user_message(),
            "request_id": if status == StatusCode::INTERNAL_SERVER_ERROR { Some(self.rid.0.clone()) } else { None }});
        let mut res = render(&self.state, "error.html", ctx);
        *res.status_mut() = status;
        res
    }
}

pub(crate) type PageResult = Result<Response, PageError>;

pub(crate) fn render(state: &AppState, name: &str, ctx: Value) -> Response {
    match state.tpl.get_template(name).and_then(|t| t.render(&ctx)) {
        Ok(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(e) => {
            tracing::error!(template = name, error = %e, "template error");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面渲染失败").into_response()
        }
    }
}

/// A page of a statutory module in the navigation, shown to those with `perm`.
struct NavItem {
    /// The `nav` key a page passes to [`base`] to mark it current.
    key: &'static str,
    url: &'static str,
    label: &'static str,
    perm: Permission,
}

/// The statutory modules' groups in the navigation, in one place (who may open each page is the
/// access table's, `crate::ROUTES`; the menu shows a page to those who may).
const NAV: &[(&str, &[NavItem])] = &[
    (
        "行政复议",
        &[
            NavItem {
                key: "rc_cases",
                url: "/rc/cases",
                label: "案件列表",
                perm: Permission::ReadCases,
            },
            NavItem {
                key: "rc_new",
                url: "/rc/cases/new",
                label: "登记申请",
                perm: Permission::WriteReconsideration,
            },
            NavItem {
                key: "rc_import",
                url: "/rc/import",
                label: "Excel导入",
                perm: Permission::WriteReconsideration,
            },
        ],
    ),
    (
        "行政应诉",
        &[
            NavItem {
                key: "lt_cases",
                url: "/lt/cases",
                label: "案件列表",
                perm: Permission::ReadCases,
            },
            NavItem {
                key: "lt_new",
                url: "/lt/cases/new",
                label: "登记应诉案件",
                perm: Permission::WriteLitigation,
            },
            NavItem {
                key: "lt_import",
                url: "/lt/import",
                label: "Excel导入",
                perm: Permission::WriteLitigation,
            },
            NavItem {
                key: "lt_suggestions",
                url: "/lt/suggestions",
                label: "司法建议、检察建议",
                perm: Permission::ReadCases,
            },
        ],
    ),
];

/// The module groups the actor sees: each with the pages he may open, empty groups left out.
fn module_nav(a: &fazhi_app::Actor) -> Value {
    NAV.iter()
        .filter_map(|(title, items)| {
            let items: Vec<Value> = items
                .iter()
                .filter(|i| a.can(i.perm))
                .map(|i| json!({"key": i.key, "url": i.url, "label": i.label}))
                .collect();
            (!items.is_empty()).then(|| json!({"title": title, "items": items}))
        })
        .collect()
}

/// What every signed-in page needs: the user, the menu permissions, the jurisdiction, the CSRF token.
pub(crate) async fn base(state: &AppState, s: &Session, nav: &str) -> Value {
    let a = &s.actor;
    let j = org::jurisdiction(&state.app).await.ok().flatten();
    json!({
        "modules": module_nav(a),
        "user": {"display_name": a.display_name, "unit_name": a.unit_name, "role_labels": a.role_labels()},
        "can": {
            "read_cases": a.can(Permission::ReadCases),
            "write_rc": a.can(Permission::WriteReconsideration),
            "write_lt": a.can(Permission::WriteLitigation),
            "read_indicators": a.can(Permission::ReadIndicators),
            "read_audit": a.can(Permission::ReadAudit),
            "list_accounts": a.can(Permission::ListAccounts),
            "manage_accounts": a.can(Permission::ManageAccounts),
            "assign_roles": a.can(Permission::AssignRoles),
            "reset_admin_password": a.can(Permission::ResetAdminPassword),
            "manage_security": a.can(Permission::ManageSecurity),
            "file_statistics": a.can(Permission::FileStatistics),
            "manage_report": a.can(Permission::ManageReport),
            "approve_report": a.can(Permission::ApproveReport),
        },
        "jurisdiction": j,
        "csrf_token": s.csrf,
        "nav": nav,
        "today": state.app.today().to_string(),
    })
}

pub(crate) fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

impl Page {
    pub(crate) fn err(&self, state: &AppState, err: AppError) -> PageError {
        PageError {
            err: Box::new(err),
            rid: self.1.clone(),
            state: state.clone(),
        }
    }
    /// A step's form is shown only to who may submit it (issue 13: a reader of the case got the
    /// decision form, whose submission was then refused).
    pub(crate) fn require_writer(
        &self,
        state: &AppState,
        may_write: bool,
    ) -> Result<(), PageError> {
        if may_write {
            Ok(())
        } else {
            Err(self.err(state, AppError::Forbidden))
        }
    }
    pub(crate) fn check_csrf(&self, state: &AppState, f: &Fields) -> Result<(), PageError> {
        let sent = f
            .get("csrf_token")
            .map(String::as_bytes)
            .unwrap_or_default();
        if !crate::auth::constant_time_eq(sent, self.0.csrf.as_bytes()) {
            return Err(self.err(state, AppError::CsrfRejected));
        }
        Ok(())
    }
}

// ---------- login ----------

#[derive(Deserialize, Default)]
struct NextQuery {
    next: Option<String>,
}

/// Only same-site relative paths are followed after login.
fn safe_next(n: Option<&str>) -> String {
    match n {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_string(),
        _ => "/".into(),
    }
}

async fn login_ctx(state: &AppState) -> Value {
    let j = org::jurisdiction(&state.app).await.ok().flatten();
    // The demo accounts are listed only while they still have the demo password... which we
    // cannot check without hashing; we list them when the demo jurisdiction is installed.
    let demo = j.as_ref().is_some_and(|j| j.code == "449901");
    let hint: Vec<Value> = if demo {
        demo::accounts()
            .iter()
            .map(|a| json!({"username": a.username, "role": a.role, "password": a.password}))
            .collect()
    } else {
        vec![]
    };
    json!({"jurisdiction": j, "demo_hint": hint})
}

/// The login page with a fresh login CSRF token, in the form and in its cookie.
fn login_render(state: &AppState, ctx: Value, status: StatusCode) -> Response {
    let token = uuid::Uuid::new_v4().simple().to_string();
    let mut res = render(
        state,
        "login.html",
        merge(ctx, json!({"csrf_token": token})),
    );
    *res.status_mut() = status;
    let cookie = crate::auth::login_cookie(&token, state.app.config.secure_cookies);
    if let Ok(v) = cookie.parse() {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

async fn login_page(State(state): State<AppState>, Query(q): Query<NextQuery>) -> Response {
    let ctx = merge(
        login_ctx(&state).await,
        json!({"next": safe_next(q.next.as_deref())}),
    );
    login_render(&state, ctx, StatusCode::OK)
}

async fn login_submit(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    let rid = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    let addr = crate::auth::client_addr(&state, req.extensions(), req.headers()).to_string();
    let expected = crate::auth::cookie_value(req.headers(), crate::auth::LOGIN_COOKIE);
    let f = match Form::<Fields>::from_request(req, &state).await {
        Ok(Form(f)) => f,
        Err(_) => Fields::new(),
    };
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    // The form's token must be the one its page set in the cookie: a form posted from another
    // site has neither.
    let csrf_ok = expected
        .is_some_and(|e| crate::auth::constant_time_eq(get("csrf_token").as_bytes(), e.as_bytes()));
    // The form's token before anything counts: a form another site posts neither uses up the
    // address's login rate nor counts a failure against the account.
    let result = if !csrf_ok {
        Err(AppError::CsrfRejected)
    } else {
        match crate::auth::check_login_rate(&state, &addr).await {
            Ok(()) => auth::login(&state.app, &get("username"), &get("password"), &addr, rid).await,
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(s) => {
            let to = if s.must_change_password {
                "/password".to_string()
            } else {
                safe_next(f.get("next").map(String::as_str))
            };
            let mut res = Redirect::to(&to).into_response();
            if let Ok(v) = session_cookie(&s.token, state.app.config.secure_cookies).parse() {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => {
            let ctx = merge(
                login_ctx(&state).await,
                json!({"error": e.user_message(), "username": get("username"), "next": get("next")}),
            );
            let status = match e {
                AppError::Domain(d) if d.code == "too_many_attempts" => {
                    StatusCode::TOO_MANY_REQUESTS
                }
                AppError::CsrfRejected => StatusCode::FORBIDDEN,
                _ => StatusCode::UNAUTHORIZED,
            };
            login_render(&state, ctx, status)
        }
    }
}

async fn password_page(State(state): State<AppState>, p: Page) -> PageResult {
    let required = p.0.must_change_password;
    Ok(render(
        &state,
        "password.html",
        merge(base(&state, &p.0, "").await, json!({"required": required})),
    ))
}

async fn password_submit(
    State(state): State<AppState>,
    p: Page,
    Form(f): Form<Fields>,
) -> PageResult {
    p.check_csrf(&state, &f)?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let result = if get("new_password") != get("confirm_password") {
        Err(DomainError::field(
            Code::PasswordMismatch,
            "confirm_password",
            "两次输入的新密码不一致",
        )
        .into())
    } else {
        auth::change_password(
            &state.app,
            &p.0.actor,
            &p.0.token,
            &get("old_password"),
            &get("new_password"),
        )
        .await
    };
    let ctx = match result {
        Ok(()) => json!({"done": true}),
        Err(e @ AppError::Domain(_)) => {
            json!({"required": p.0.must_change_password, "error": e.user_message(), "error_field": e.field()})
        }
        Err(e) => return Err(p.err(&state, e)),
    };
    let mut res = render(
        &state,
        "password.html",
        merge(base(&state, &p.0, "").await, ctx.clone()),
    );
    if ctx.get("error").is_some() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn logout(State(state): State<AppState>, p: Page, Form(f): Form<Fields>) -> PageResult {
    p.check_csrf(&state, &f)?;
    auth::logout(&state.app, &p.0.token, &p.0.actor)
        .await
        .map_err(|e| p.err(&state, e))?;
    let mut res = Redirect::to("/login").into_response();
    if let Ok(v) = clear_cookie().parse() {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

// ---------- home ----------

async fn home(State(state): State<AppState>, p: Page) -> PageResult {
    let a = &p.0.actor;
    let mut ctx = base(&state, &p.0, "home").await;
    if a.can(Permission::ReadCases) {
        let year = state.app.today().year();
        let r = async {
            let mut modules = Vec::new();
            for m in fazhi_app::registry::MODULES {
                let Some(home) = &m.home else { continue };
                let mut cards = Vec::new();
                let card = |label: String, class: &str, param: &str, q: rc::ListQuery| {
                    (label, class.to_string(), param.to_string(), q)
                };
                let mut wanted = vec![
                    card("超期案件".into(), "bad", "deadline=overdue", rc::ListQuery { deadline: "overdue".into(), ..Default::default() }),
                    card("临期案件".into(), "warn", "deadline=warning", rc::ListQuery { deadline: "warning".into(), ..Default::default() }),
                ];
                for st in home.statuses {
                    wanted.push(card((m.status_label)(st).into(), "", &format!("status={st}"), rc::ListQuery { status: (*st).into(), ..Default::default() }));
                }
                wanted.push(card(format!("{year}年{}", home.year_label), "ok", &format!("year={year}"), rc::ListQuery { year: year.to_string(), ..Default::default() }));
                for (label, class, param, q) in wanted {
                    let n = m.count(&state.app, a, &q).await?;
                    cards.push(json!({"label": label, "class": class, "href": format!("{}?{param}", m.list_url), "value": n}));
                }
                modules.push(json!({"name": m.name, "label": m.label, "cards": cards}));
            }
            Ok::<_, AppError>(json!({
                "modules": modules,
                "year": year,
                "urgent": fazhi_app::warnings::all(&state.app, a).await?.into_iter().take(10).collect::<Vec<_>>(),
            }))
        }
        .await
        .map_err(|e| p.err(&state, e))?;
        ctx = merge(ctx, json!({"stats": r}));
    }
    Ok(render(&state, "home.html", ctx))
}

// ---------- case list, export ----------

/// The query string without its page number, for pagination and export links.
pub(crate) fn base_query(raw: Option<String>) -> String {
    raw.unwrap_or_default()
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("page="))
        .collect::<Vec<_>>()
        .join("&")
}

/// The list filters' options: statuses of the module, deadline states, units in scope, years.
pub(crate) fn filter_options(
    state: &AppState,
    p: &Page,
    units: &[org::Unit],
    statuses: &[(&str, &str)],
) -> Value {
    let states: Vec<(&str, &str)> = [
        DeadlineState::Normal,
        DeadlineState::Warning,
        DeadlineState::Overdue,
        DeadlineState::Paused,
        DeadlineState::Waiting,
        DeadlineState::Done,
    ]
    .iter()
    .map(|s| (s.code(), s.label()))
    .collect();
    let unit_opts: Vec<(String, String)> = org::units_in_scope(units, &p.0.actor.scope)
        .into_iter()
        .map(|(depth, u)| {
            (
                u.id.to_string(),
                format!("{}{}", "　".repeat(depth), u.name),
            )
        })
        .collect();
    let this = state.app.today().year();
    let years: Vec<(String, String)> = (2019..=this)
        .rev()
        .map(|y| (y.to_string(), format!("{y}年")))
        .collect();
    json!({"statuses": statuses, "states": states, "units": unit_opts, "years": years})
}

// ---------- forms ----------

/// One input of a form.
pub(crate) fn field(name: &str, label: &str, kind: &str, required: bool) -> Value {
    json!({"name": name, "label": label, "kind": kind, "required": required, "options": []})
}

pub(crate) fn select(
    name: &str,
    label: &str,
    options: Vec<(String, String)>,
    required: bool,
) -> Value {
    json!({"name": name, "label": label, "kind": "select", "required": required, "options": options})
}

pub(crate) fn opts<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), label(*v).to_string()))
        .collect()
}

pub(crate) fn hint(mut v: Value, text: &str) -> Value {
    v["hint"] = json!(text);
    v
}

/// The registration form; the respondents offered are the units the clerk may name.
fn application_groups(units: &[org::Unit], scope: &fazhi_app::Scope) -> Value {
    let respondents: Vec<(String, String)> = org::tree_order(units)
        .into_iter()
        .filter(|(d, u)| *d > 0 && scope.contains(u.id))
        .map(|(_, u)| (u.id.to_string(), u.name.clone()))
        .collect();
    let kinds = opts(PartyKind::ALL, PartyKind::code, PartyKind::label);
    json!([
        {"title": "申请信息", "fields": [
            hint(field("received_date", "收到申请日期", "date", true), "复议机构收到申请之日，受理审查期限自次日起算"),
            select("channel", "申请方式", opts(Channel::ALL, Channel::code, Channel::label), true),
            select("respondent_unit_id", "被申请人", respondents, true),
            field("act_name", "被申请复议的行政行为", "text", true),
            field("act_doc_no", "行政行为文书号", "text", false),
            field("act_date", "行政行为作出日期", "date", true),
            field("request", "行政复议请求", "textarea", true),
        ]},
        {"title": "申请人", "fields": [
            select("applicant_kind", "申请人类别", kinds.clone(), true),
            field("applicant_name", "姓名或名称", "text", true),
            hint(field("applicant_id_number", "身份证号码", "text", false), "自然人必填，18位，系统校验末位校验码"),
            hint(field("applicant_credit_code", "统一社会信用代码", "text", false), "法人或其他组织必填"),
            field("applicant_phone", "联系电话", "text", false),
        ]},
        {"title": "代理人（可选）", "fields": [
            field("agent_name", "代理人姓名", "text", false),
            field("agent_id_number", "代理人身份证号码", "text", false),
            field("agent_phone", "代理人联系电话", "text", false),
        ]},
        {"title": "第三人（可选）", "fields": [
            select("third_party_kind", "第三人类别", kinds, false),
            field("third_party_name", "第三人姓名或名称", "text", false),
            field("third_party_id_number", "第三人身份证号码", "text", false),
            field("third_party_credit_code", "第三人统一社会信用代码", "text", false),
        ]},
    ])
}

pub(crate) fn form_errors(e: &AppError) -> Value {
    match e {
        AppError::Domain(d) => {
            let key = d.field.clone().unwrap_or_else(|| "_form".into());
            json!({ key: d.message })
        }
        other => json!({"_form": other.user_message()}),
    }
}

/// Renders `form.html` (a registration or step form) with the page's context, the errors of a
/// refused submission beside their fields, and the refusal's status (422, 409).
pub(crate) async fn form_render(
    state: &AppState,
    p: &Page,
    nav: &str,
    mut ctx: Value,
    error: Option<&AppError>,
) -> PageResult {
    ctx["errors"] = json!(error.map(form_errors));
    page_render(state, p, "form.html", nav, ctx, error).await
}

/// Renders a page template in the layout; a refused input answers with its error's status.
pub(crate) async fn page_render(
    state: &AppState,
    p: &Page,
    template: &str,
    nav: &str,
    ctx: Value,
    error: Option<&AppError>,
) -> PageResult {
    let mut res = render(state, template, merge(base(state, &p.0, nav).await, ctx));
    if let Some(e) = error {
        *res.status_mut() = status_of(e);
    }
    Ok(res)
}

async fn new_form(State(state): State<AppState>, p: Page) -> PageResult {
    p.0.actor
        .require(Permission::WriteReconsideration)
        .map_err(|e| p.err(&state, e))?;
    let units = org::all_units(&state.app)
        .await
        .map_err(|e| p.err(&state, e))?;
    let scope = org::naming_scope(
        &state.app,
        &p.0.actor,
        &units,
        Permission::WriteReconsideration,
    );
    let values = json!({"received_date": state.app.today().to_string(), "applicant_kind": "person", "channel": "window"});
    let ctx = json!({"title": "登记行政复议申请", "groups": application_groups(&units, &scope), "values": values, "action_url": "/rc/cases/new", "submit": "登记", "module": Module::of(&rc::ENTRY)});
    form_render(&state, &p, "rc_new", ctx, None).await
}

async fn new_submit(State(state): State<AppState>, p: Page, Form(f): Form<Fields>) -> PageResult {
    p.check_csrf(&state, &f)?;
    match rc::register(&state.app, &p.0.actor, &f).await {
        Ok((id, _)) => Ok(Redirect::to(&format!("/rc/cases/{id}?created=1")).into_response()),
        Err(e @ (AppError::Domain(_) | AppError::Conflict(_))) => {
            let units = org::all_units(&state.app)
                .await
                .map_err(|e| p.err(&state, e))?;
            let scope = org::naming_scope(
                &state.app,
                &p.0.actor,
                &units,
                Permission::WriteReconsideration,
            );
            let ctx = json!({"title": "登记行政复议申请", "groups": application_groups(&units, &scope), "values": f,
                             "action_url": "/rc/cases/new", "submit": "登记", "module": Module::of(&rc::ENTRY)});
            form_render(&state, &p, "rc_new", ctx, Some(&e)).await
        }
        Err(e) => Err(p.err(&state, e)),
    }
}

// ---------- import ----------

/// A module as pages name it: its label and its case list.
#[derive(serde::Serialize, Clone, Copy)]
pub(crate) struct Module {
    pub label: &'static str,
    pub url: &'static str,
}

impl Module {
    /// The module of a registry entry.
    pub(crate) fn of(e: &fazhi_app::kernel::Entry) -> Self {
        Self {
            label: e.label,
            url: e.list_url,
        }
    }
}

/// What an import page shows, per module.
pub(crate) struct ImportPage {
    pub module: Module,
    pub nav: &'static str,
    pub heading: &'static str,
    pub action_url: &'static str,
    pub template_url: String,
    pub hint: &'static str,
    pub columns: Vec<&'static str>,
}

/// Renders an import page, with the outcome of an upload when there was one.
pub(crate) async fn import_render(
    state: &AppState,
    p: &Page,
    page: &ImportPage,
    result: Option<Result<Vec<String>, AppError>>,
) -> PageResult {
    let (status, extra) = match result {
        None => (StatusCode::OK, json!({})),
        Some(Ok(nos)) => (StatusCode::OK, json!({"imported": nos})),
        Some(Err(AppError::Rows(rows))) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"rows": rows, "error": format!("文件中有{}处错误，未导入任何数据，请修改后重新上传", rows.len())}),
        ),
        Some(Err(e @ AppError::Domain(_))) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": e.user_message()}),
        ),
        Some(Err(e)) => return Err(p.err(state, e)),
    };
    let ctx = json!({"module": page.module, "heading": page.heading, "action_url": page.action_url,
                     "template_url": page.template_url, "hint": page.hint, "columns": page.columns});
    let mut res = render(
        state,
        "import.html",
        merge(base(state, &p.0, page.nav).await, merge(ctx, extra)),
    );
    *res.status_mut() = status;
    Ok(res)
}

/// Reads an upload form: checks the CSRF token, and returns the .xlsx file's bytes or the error
/// to show (no file, another format, too large).
pub(crate) async fn read_upload(
    state: &AppState,
    p: &Page,
    mp: Multipart,
) -> Result<Result<Vec<u8>, AppError>, PageError> {
    let (fields, files) = match crate::pages_analysis::read_files(mp).await {
        Ok(read) => read,
        // The token cannot be checked without the form; nothing is done with it either.
        Err(e) => return Ok(Err(e)),
    };
    p.check_csrf(state, &fields)?;
    Ok(match files.into_iter().next() {
        Some((name, _)) if !name.to_lowercase().ends_with(".xlsx") => {
            Err(
                DomainError::field(Code::InvalidXlsx, "file", "请上传 .xlsx 格式的Excel文件")
                    .into(),
            )
        }
        Some((_, bytes)) if !bytes.is_empty() => Ok(bytes),
        _ => Err(DomainError::required("file", "导入文件").into()),
    })
}

// ---------- warnings, indicators ----------

async fn warnings(State(state): State<AppState>, p: Page) -> PageResult {
    let items = fazhi_app::warnings::all(&state.app, &p.0.actor)
        .await
        .map_err(|e| p.err(&state, e))?;
    // The statistics forms still to be filed and the annual report's due dates.
    let others = fazhi_app::warnings::reporting(&state.app, &p.0.actor)
        .await
        .map_err(|e| p.err(&state, e))?;
    let a = &p.0.actor;
    let reporting = a.can(Permission::FileStatistics) || a.can(Permission::ApproveReport);
    Ok(render(
        &state,
        "warnings.html",
        merge(
            base(&state, &p.0, "warnings").await,
            json!({"items": items, "others": others, "reporting": reporting}),
        ),
    ))
}

async fn indicators(
    State(state): State<AppState>,
    p: Page,
    Query(q): Query<IndicatorQuery>,
) -> PageResult {
    let (year, unit, children) = q
        .parse(state.app.today().year())
        .map_err(|e| p.err(&state, e))?;
    let a = &p.0.actor;
    let mut groups = Vec::new();
    for e in fazhi_app::registry::MODULES {
        let values = e
            .values(&state.app, a, year, unit, children)
            .await
            .map_err(|err| p.err(&state, err))?;
        groups.push(
            json!({"id": e.name, "title": e.label, "list_url": e.list_url, "values": values}),
        );
    }
    let units = org::all_units(&state.app)
        .await
        .map_err(|e| p.err(&state, e))?;
    let ctx = merge(
        base(&state, &p.0, "indicators").await,
        json!({"groups": groups, "year": year, "unit": unit, "children": children, "opts": filter_options(&state, &p, &units, &[])}),
    );
    Ok(render(&state, "indicators.html", ctx))
}

// ---------- audit, users, calendar ----------

async fn audit_export(
    State(state): State<AppState>,
    p: Page,
    Query(q): Query<audit::AuditQuery>,
) -> PageResult {
    let bytes = audit::export(&state.app, &p.0.actor, &q)
        .await
        .map_err(|e| p.err(&state, e))?;
    Ok(xlsx_response(
        bytes,
        &format!("审计日志_{}.xlsx", state.app.today()),
    ))
}

async fn audit_page(
    State(state): State<AppState>,
    p: Page,
    Query(q): Query<audit::AuditQuery>,
) -> PageResult {
    let (items, total) = audit::search(&state.app, &p.0.actor, &q)
        .await
        .map_err(|e| p.err(&state, e))?;
    let pages = ((total + audit::AUDIT_PAGE - 1) / audit::AUDIT_PAGE).max(1);
    let base_query = format!(
        "actor={}&entity={}&action={}&from={}&to={}",
        urlencoding::encode(&q.actor),
        urlencoding::encode(&q.entity),
        urlencoding::encode(&q.action),
        urlencoding::encode(&q.from),
        urlencoding::encode(&q.to)
    );
    let ctx = merge(
        base(&state, &p.0, "audit").await,
        json!({"items": items, "total": total, "page": q.page.unwrap_or(1), "pages": pages, "q": {"actor": q.actor, "entity": q.entity, "action": q.action, "from": q.from, "to": q.to}, "base_query": base_query}),
    );
    Ok(render(&state, "audit.html", ctx))
}

async fn users(State(state): State<AppState>, p: Page) -> PageResult {
    users_page(&state, &p, json!({}), StatusCode::OK).await
}

/// The account page, with a message (`flash`) or a failed form's error and values, answered
/// with `status`.
async fn users_page(state: &AppState, p: &Page, extra: Value, status: StatusCode) -> PageResult {
    let list = auth::list_users(&state.app, &p.0.actor)
        .await
        .map_err(|e| p.err(state, e))?;
    let units = org::all_units(&state.app)
        .await
        .map_err(|e| p.err(state, e))?;
    let tree: Vec<Value> = org::tree_order(&units)
        .into_iter()
        .map(|(d, u)| json!({"depth": d, "indent": "　".repeat(d), "unit": u}))
        .collect();
    let roles: Vec<Value> = fazhi_domain::org::ALL_ROLES
        .iter()
        .map(|r| json!({"code": r.code(), "label": r.label()}))
        .collect();
    let mut res = render(
        state,
        "users.html",
        merge(
            merge(
                base(state, &p.0, "users").await,
                json!({"users": list, "units": tree, "roles": roles}),
            ),
            extra,
        ),
    );
    *res.status_mut() = status;
    Ok(res)
}

/// 系统管理员 creates an account (without roles; the 安全管理员 gives them).
async fn user_create(State(state): State<AppState>, p: Page, Form(f): Form<Fields>) -> PageResult {
    p.check_csrf(&state, &f)?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let unit_id = get("unit_id").parse::<i64>().unwrap_or_default();
    let result = auth::create_user(
        &state.app,
        &p.0.actor,
        auth::NewUser {
            username: get("username"),
            display_name: get("display_name"),
            unit_id,
            roles: vec![],
            password: get("password"),
            must_change_password: true,
        },
    )
    .await;
    let (extra, status) = match result {
        Ok(_) => (
            json!({"flash": {"kind": "success", "text": format!("已创建账号 {}，请安全管理员为其分配角色；首次登录须修改密码", get("username"))}}),
            StatusCode::OK,
        ),
        Err(e @ AppError::Domain(_)) => (
            json!({"error": e.user_message(), "error_field": e.field(), "form": f}),
            status_of(&e),
        ),
        Err(e) => return Err(p.err(&state, e)),
    };
    users_page(&state, &p, extra, status).await
}

/// One management step on an account: `roles` (安全管理员), or `enable`, `disable`, `password`
/// (系统管理员; the 安全管理员 for an administrator's account).
async fn user_change(
    State(state): State<AppState>,
    p: Page,
    Path((id, op)): Path<(i64, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> PageResult {
    let fields: Fields = f.iter().cloned().collect();
    p.check_csrf(&state, &fields)?;
    let app = &state.app;
    let a = &p.0.actor;
    // The version the form was drawn from: a change made meanwhile is a conflict (409).
    let v = fields.get("version").and_then(|v| v.parse::<i64>().ok());
    let result = match op.as_str() {
        "roles" => {
            let roles: Result<Vec<_>, _> = f
                .iter()
                .filter(|(k, _)| k == "role")
                .map(|(_, v)| fazhi_domain::org::Role::from_code(v))
                .collect();
            match roles {
                Ok(r) => auth::set_roles(app, a, id, &r, v).await,
                Err(e) => Err(e.into()),
            }
        }
        "enable" => auth::change_account(app, a, id, auth::AccountChange::Active(true), v).await,
        "disable" => auth::change_account(app, a, id, auth::AccountChange::Active(false), v).await,
        "password" => {
            let pw = fields.get("password").cloned().unwrap_or_default();
            auth::change_account(app, a, id, auth::AccountChange::ResetPassword(pw), v).await
        }
        _ => Err(AppError::NotFound("页面")),
    };
    // A refusal (422) or a stale form (409) shows the page again with the accounts as they are.
    let (extra, status) = match result {
        Ok(()) => (
            json!({"flash": {"kind": "success", "text": "已保存"}}),
            StatusCode::OK,
        ),
        Err(e @ (AppError::Domain(_) | AppError::Conflict(_))) => (
            json!({"flash": {"kind": "error", "text": e.user_message()}}),
            status_of(&e),
        ),
        Err(e) => return Err(p.err(&state, e)),
    };
    users_page(&state, &p, extra, status).await
}

/// 安全策略: the 安全管理员's settings page.
async fn security_page(State(state): State<AppState>, p: Page) -> PageResult {
    security_render(&state, &p, json!({}), StatusCode::OK).await
}

async fn security_render(
    state: &AppState,
    p: &Page,
    extra: Value,
    status: StatusCode,
) -> PageResult {
    let settings = fazhi_app::security::view(&state.app, &p.0.actor)
        .await
        .map_err(|e| p.err(state, e))?;
    let waits = fazhi_app::security::login_waits(&state.app, &p.0.actor)
        .await
        .map_err(|e| p.err(state, e))?;
    let conflicts = fazhi_app::security::conflicting_roles(&state.app);
    let mut res = render(
        state,
        "security.html",
        merge(
            merge(
                base(state, &p.0, "security").await,
                json!({"settings": settings, "waits": waits, "conflicts": conflicts}),
            ),
            extra,
        ),
    );
    *res.status_mut() = status;
    Ok(res)
}

async fn security_submit(
    State(state): State<AppState>,
    p: Page,
    Form(f): Form<Fields>,
) -> PageResult {
    p.check_csrf(&state, &f)?;
    let (extra, status) = match fazhi_app::security::update(&state.app, &p.0.actor, &f).await {
        Ok(()) => (
            json!({"flash": {"kind": "success", "text": "安全策略已保存，立即生效"}}),
            StatusCode::OK,
        ),
        Err(e @ AppError::Domain(_)) => (
            json!({"error": e.user_message(), "error_field": e.field(), "form": f}),
            status_of(&e),
        ),
        Err(e) => return Err(p.err(&state, e)),
    };
    security_render(&state, &p, extra, status).await
}

/// The 安全管理员 lifts the failed-login count and waiting time of one account name at one
/// client address.
async fn login_wait_lift(
    State(state): State<AppState>,
    p: Page,
    Form(f): Form<Fields>,
) -> PageResult {
    p.check_csrf(&state, &f)?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let (extra, status) = match fazhi_app::security::lift_login_wait(
        &state.app,
        &p.0.actor,
        &get("username"),
        &get("addr"),
    )
    .await
    {
        Ok(()) => (
            json!({"flash": {"kind": "success", "text": format!("已解除 {} 在 {} 的登录限制", get("username"), get("addr"))}}),
            StatusCode::OK,
        ),
        Err(e @ AppError::Domain(_)) => (
            json!({"flash": {"kind": "error", "text": e.user_message()}}),
            status_of(&e),
        ),
        Err(e) => return Err(p.err(&state, e)),
    };
    security_render(&state, &p, extra, status).await
}

async fn calendar(
    State(state): State<AppState>,
    p: Page,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    calendar_render(&state, &p, q, json!({}), StatusCode::OK).await
}

async fn calendar_render(
    state: &AppState,
    p: &Page,
    q: HashMap<String, String>,
    extra: Value,
    status: StatusCode,
) -> PageResult {
    let state = state.clone();
    let sources: Vec<_> = state.app.cal().sources().cloned().collect();
    let mut ctx = merge(
        base(&state, &p.0, "calendar").await,
        json!({"sources": sources, "provisional_years": state.app.cal().provisional_years(), "q": q}),
    );
    if let Some(from) = q.get("from").filter(|s| !s.is_empty()) {
        let unit = if q.get("unit").map(String::as_str) == Some("calendar_days") {
            PeriodUnit::CalendarDays
        } else {
            PeriodUnit::WorkingDays
        };
        let r = fazhi_domain::reconsideration::parse_date(from, "from", "起算日期").and_then(|d| {
            let n: u32 = q
                .get("count")
                .and_then(|c| c.trim().parse().ok())
                .filter(|n| (1..=3650).contains(n))
                .ok_or_else(|| {
                    fazhi_domain::DomainError::field(
                        Code::InvalidNumber,
                        "count",
                        "期限天数应为1至3650的整数",
                    )
                })?;
            Clock::new(d, "起算日", n, unit, "期限计算器").compute(&state.app.cal())
        });
        ctx = merge(
            ctx,
            match r {
                Ok(c) => json!({"result": c}),
                Err(e) => json!({"calc_error": e.message}),
            },
        );
    }
    let dir = state.app.config.calendar_dir.as_ref();
    ctx = merge(
        ctx,
        json!({"calendar_dir": dir.map(|d| d.display().to_string())}),
    );
    let mut res = render(&state, "calendar.html", merge(ctx, extra));
    *res.status_mut() = status;
    Ok(res)
}

/// 暂定期限重新计算: the runs, each with the deadlines it changed in cases the reader may see
/// (the office; the 系统管理员 who adds the year files sees the counts only).
async fn recompute_runs(State(state): State<AppState>, p: Page) -> PageResult {
    let runs = fazhi_app::recompute::runs(&state.app, &p.0.actor)
        .await
        .map_err(|e| p.err(&state, e))?;
    let runs: Vec<Value> = runs
        .into_iter()
        .map(|r| {
            let items: Vec<Value> = r
                .items
                .iter()
                .map(|i| {
                    let mut v = json!(i);
                    v["href"] = json!(i.href());
                    v["moved"] = json!(i.moved());
                    v
                })
                .collect();
            let mut v = json!(r);
            v["items"] = json!(items);
            v
        })
        .collect();
    let ctx = merge(
        base(&state, &p.0, "calendar").await,
        json!({"runs": runs, "reads_cases": p.0.actor.can(Permission::ReadCases)}),
    );
    Ok(render(&state, "recompute.html", ctx))
}

/// The 系统管理员 pastes or uploads 国务院办公厅关于YYYY年部分节假日安排的通知: the first POST shows
/// what was read, the second (`confirm=1`) writes the year file into `calendar_dir`, audited.
async fn calendar_import(State(state): State<AppState>, p: Page, mp: Multipart) -> PageResult {
    p.0.actor
        .require(Permission::ManageAccounts)
        .map_err(|e| p.err(&state, e))?;
    let fail = |e: AppError, text: String| {
        let status = status_of(&e);
        (
            json!({"import_error": e.user_message(), "import_text": text}),
            status,
        )
    };
    let (fields, files) = match crate::pages_analysis::read_files(mp).await {
        Ok(read) => read,
        Err(e) => {
            let (extra, status) = fail(e, String::new());
            return calendar_render(&state, &p, HashMap::new(), extra, status).await;
        }
    };
    p.check_csrf(&state, &fields)?;
    let text = match files.into_iter().next() {
        Some((_, bytes)) => String::from_utf8(bytes).map_err(|_| {
            AppError::from(DomainError::field(
                Code::InvalidText,
                "file",
                "上传的通知文件不是 UTF-8 编码的文本，请另存为 UTF-8 或直接粘贴通知全文",
            ))
        }),
        None => Ok(fields.get("text").cloned().unwrap_or_default()),
    };
    let sources: Vec<String> = fields
        .get("source")
        .map(|s| s.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    let confirm = fields.get("confirm").map(String::as_str) == Some("1");
    let force = fields.get("force").map(String::as_str) == Some("1");
    let dir = state.app.config.calendar_dir.clone();
    let (extra, status) = match text {
        Err(e) => fail(e, String::new()),
        Ok(text) if text.trim().is_empty() => fail(
            DomainError::required("text", "通知全文").into(),
            String::new(),
        ),
        Ok(text) if confirm => {
            match fazhi_app::calendar_import::write(&state.app, &p.0.actor, &text, &sources, force)
                .await
            {
                Ok(done) => {
                    // In force at once; what the new year decides is recomputed now. The 系统管理员
                    // sees counts only (三员分立); the office reads the cases on the recompute page.
                    let actor = &p.0.actor;
                    let applied = match fazhi_app::calendar_import::reload(&state.app, actor) {
                        Err(e) => json!({"error": e.user_message()}),
                        Ok(()) => match fazhi_app::recompute::run(&state.app, actor).await {
                            Ok(out) => json!({"recomputed": out.items.len(),
                                              "moved": out.moved().count()}),
                            Err(e) => json!({"recompute_error": e.user_message()}),
                        },
                    };
                    (
                        json!({"import_done": {
                            "year": done.notice.year,
                            "path": done.path.map(|p| p.display().to_string()),
                            "applied": applied,
                        }}),
                        StatusCode::OK,
                    )
                }
                Err(e @ AppError::Domain(_)) => fail(e, text),
                Err(e) => return Err(p.err(&state, e)),
            }
        }
        Ok(text) => match fazhi_app::calendar_import::preview(dir.as_deref(), &text, &sources) {
            Ok(pv) => (
                json!({"preview": {
                    "summary": pv.summary,
                    "year": pv.notice.year,
                    "path": pv.path.map(|p| p.display().to_string()),
                    "exists": pv.exists,
                    "toml": pv.toml,
                }, "import_text": text, "import_source": sources.join(" ")}),
                StatusCode::OK,
            ),
            Err(e) => fail(e, text),
        },
    };
    calendar_render(&state, &p, HashMap::new(), extra, status).await
}
