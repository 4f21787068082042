//! What every statutory module in the registry ([`fazhi_app::registry::MODULES`]) gets alike, as
//! pages and as API, with their access rules: the list (filtered, paginated, exported), the
//! record, a form per step, the Excel import and the indicators. A module writes only its
//! registration form (its page file) and its templates; its entry names the rest.
//!
//! Paths, for a module whose list is `/rc/cases` and whose import is `/rc/import`:
//! pages `/rc/cases`, `/rc/cases/export.xlsx`, `/rc/cases/{id}`, `/rc/cases/{id}/steps/{action}`,
//! `/rc/import`, `/rc/import/template.xlsx`; API `/api/v1/rc/cases` (GET list, POST register),
//! `/api/v1/rc/cases.xlsx`, `/api/v1/rc/cases/{id}`, `/api/v1/rc/cases/{id}/steps`,
//! `/api/v1/rc/import`, `/api/v1/rc/import-template.xlsx`, and the module's indicators path.

use crate::api::{
    imported, json_ok, step_with, xlsx_ok, xlsx_response, Api, ApiError, ApiResult, IndicatorQuery,
    JsonFields,
};
use crate::pages::{
    base, base_query, filter_options, form_render, import_render, merge, read_upload, render,
    ImportPage, Module, Page, PageResult,
};
use crate::routes::{Access as A, Routes};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::{Form, Json};
use fazhi_app::cases::ListQuery;
use fazhi_app::kernel::{Entry, Excel, StepView};
use fazhi_app::registry::MODULES;
use fazhi_app::{org, AppError};
use fazhi_domain::fields::Fields;
use serde_json::{json, Value};

/// The routes of every module in the registry.
pub(crate) fn routes(mut r: Routes) -> Routes {
    for &e in MODULES {
        r = module(r, e);
    }
    // One indicators route per path; the modules sharing it answer together.
    let mut paths: Vec<&'static str> = MODULES.iter().map(|e| e.indicators_api).collect();
    paths.sort_unstable();
    paths.dedup();
    for path in paths {
        r = r.get(
            &format!("/api/v1{path}"),
            A::ReadScoped,
            move |s: State<AppState>, a: Api, q: Query<IndicatorQuery>| {
                api_indicators(path, s, a, q)
            },
        );
    }
    r
}

fn module(r: Routes, e: &'static Entry) -> Routes {
    let list = e.list_url;
    let write = A::Needs(e.use_cases.write);
    let record = format!("{list}/{{id}}");
    let step = format!("{record}/steps/{{action}}");
    let r = r
        .get(list, A::ReadScoped, move |s, p, q, raw| {
            list_page(e, s, p, q, raw)
        })
        .get(&record, A::ReadScoped, move |s, p, id, q| {
            detail_page(e, s, p, id, q)
        })
        .get(&step, A::WriteScoped, move |s, p, path| {
            step_form(e, s, p, path)
        })
        .post(&step, A::WriteScoped, move |s, p, path, f| {
            step_submit(e, s, p, path, f)
        })
        .get(&format!("/api/v1{list}"), A::ReadScoped, move |s, a, q| {
            api_list(e, s, a, q)
        })
        .post(&format!("/api/v1{list}"), write, move |s, a, f| {
            api_register(e, s, a, f)
        })
        .get(
            &format!("/api/v1{record}"),
            A::ReadScoped,
            move |s, a, id| api_detail(e, s, a, id),
        )
        .post(
            &format!("/api/v1{record}/steps"),
            A::WriteScoped,
            move |s, a, id, f| api_step(e, s, a, id, f),
        );
    let Some(x) = &e.excel else { return r };
    let import = x.import_url;
    r.get(
        &format!("{list}/export.xlsx"),
        A::ReadScoped,
        move |s, p, q| export_page(x, s, p, q),
    )
    .get(import, write, move |s, p| import_page(e, x, s, p))
    .post(import, write, move |s, p, mp| import_submit(e, x, s, p, mp))
    .get(&format!("{import}/template.xlsx"), A::Own, move |s, p| {
        template_page(x, s, p)
    })
    .get(
        &format!("/api/v1{list}.xlsx"),
        A::ReadScoped,
        move |s, a, q| api_export(x, s, a, q),
    )
    .post(&format!("/api/v1{import}"), write, move |s, a, b| {
        api_import(x, s, a, b)
    })
    .get(
        &format!("/api/v1{import}-template.xlsx"),
        A::Own,
        move |a| api_template(x, a),
    )
}

/// A record page's query after a redirect: it was just registered, or a step was just taken.
#[derive(serde::Deserialize, Default)]
struct DetailQuery {
    created: Option<String>,
    done: Option<String>,
}

impl DetailQuery {
    /// The message it shows: `registered`, or the step's label.
    fn flash(
        &self,
        registered: String,
        step: impl Fn(&str) -> Option<&'static str>,
    ) -> Option<Value> {
        if self.created.is_some() {
            return Some(json!({"kind": "success", "text": registered}));
        }
        let label = step(self.done.as_deref()?)?;
        Some(json!({"kind": "success", "text": format!("已完成“{label}”")}))
    }
}

// ---------- pages ----------

async fn list_page(
    e: &'static Entry,
    State(state): State<AppState>,
    p: Page,
    Query(q): Query<ListQuery>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let page = (e.use_cases.list)(&state.app, &p.0.actor, &q)
        .await
        .map_err(|err| p.err(&state, err))?;
    let units = org::all_units(&state.app)
        .await
        .map_err(|err| p.err(&state, err))?;
    let indicator_label = (e.indicators)(&state.app)
        .into_iter()
        .find(|d| d.key == q.indicator)
        .map(|d| d.label);
    let opts = filter_options(&state, &p, &units, &(e.use_cases.statuses)());
    let ctx = merge(
        base(&state, &p.0, e.pages.nav).await,
        json!({"page": page, "q": q, "opts": opts, "base_query": base_query(raw), "indicator_label": indicator_label}),
    );
    Ok(render(&state, e.pages.list, ctx))
}

async fn detail_page(
    e: &'static Entry,
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> PageResult {
    let (d, head) = (e.use_cases.detail)(&state.app, &p.0.actor, id)
        .await
        .map_err(|err| p.err(&state, err))?;
    let flash = q.flash(head.registered, |code| {
        (e.use_cases.step_view)(code).ok().map(|s| s.label)
    });
    let ctx = merge(
        base(&state, &p.0, e.pages.nav).await,
        json!({"d": d, "flash": flash}),
    );
    Ok(render(&state, e.pages.detail, ctx))
}

/// A step's form, with the values and the error of a refused submission.
async fn step_page(
    e: &'static Entry,
    state: &AppState,
    p: &Page,
    id: i64,
    step: &StepView,
    values: Value,
    error: Option<&AppError>,
) -> PageResult {
    let (_, head) = (e.use_cases.detail)(&state.app, &p.0.actor, id)
        .await
        .map_err(|err| p.err(state, err))?;
    p.require_writer(state, head.may_write)?;
    let list = e.list_url;
    let ctx = json!({"title": format!("{}：{}", step.label, head.case_no),
                     "groups": [{"title": step.label, "fields": step.fields}], "values": values,
                     "action_url": format!("{list}/{id}/steps/{}", step.code), "submit": "保存",
                     "case": head, "version": head.version, "back": format!("{list}/{id}"), "module": Module::of(e)});
    form_render(state, p, e.pages.nav, ctx, error).await
}

async fn step_form(
    e: &'static Entry,
    State(state): State<AppState>,
    p: Page,
    Path((id, action)): Path<(i64, String)>,
) -> PageResult {
    let step = (e.use_cases.step_view)(&action).map_err(|err| p.err(&state, err))?;
    let values = json!({"date": state.app.today().to_string()});
    step_page(e, &state, &p, id, &step, values, None).await
}

async fn step_submit(
    e: &'static Entry,
    State(state): State<AppState>,
    p: Page,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    p.check_csrf(&state, &f)?;
    let step = (e.use_cases.step_view)(&action).map_err(|err| p.err(&state, err))?;
    let version = f.get("version").and_then(|v| v.parse::<i64>().ok());
    match (e.use_cases.step)(&state.app, &p.0.actor, id, step.code, &f, version).await {
        Ok(()) => {
            let to = format!("{}/{id}?done={}", e.list_url, step.code);
            Ok(Redirect::to(&to).into_response())
        }
        Err(err @ (AppError::Domain(_) | AppError::Conflict(_))) => {
            step_page(e, &state, &p, id, &step, json!(f), Some(&err)).await
        }
        Err(err) => Err(p.err(&state, err)),
    }
}

async fn export_page(
    x: &'static Excel,
    State(state): State<AppState>,
    p: Page,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let bytes = (x.export)(&state.app, &p.0.actor, &q)
        .await
        .map_err(|err| p.err(&state, err))?;
    let name = format!("{}_{}.xlsx", x.export_file, state.app.today());
    Ok(xlsx_response(bytes, &name))
}

fn import_of(e: &'static Entry, x: &'static Excel) -> ImportPage {
    ImportPage {
        module: Module::of(e),
        nav: x.import_nav,
        heading: x.import_heading,
        action_url: x.import_url,
        template_url: format!("{}/template.xlsx", x.import_url),
        hint: x.import_hint,
        columns: x.columns.iter().map(|c| c.0).collect(),
    }
}

async fn import_page(
    e: &'static Entry,
    x: &'static Excel,
    State(state): State<AppState>,
    p: Page,
) -> PageResult {
    p.0.actor
        .require(e.use_cases.write)
        .map_err(|err| p.err(&state, err))?;
    import_render(&state, &p, &import_of(e, x), None).await
}

async fn import_submit(
    e: &'static Entry,
    x: &'static Excel,
    State(state): State<AppState>,
    p: Page,
    mp: Multipart,
) -> PageResult {
    let result = match read_upload(&state, &p, mp).await? {
        Ok(bytes) => (x.import)(&state.app, &p.0.actor, &bytes).await,
        Err(err) => Err(err),
    };
    import_render(&state, &p, &import_of(e, x), Some(result)).await
}

async fn template_page(x: &'static Excel, State(state): State<AppState>, p: Page) -> PageResult {
    let bytes = (x.template)().map_err(|err| p.err(&state, err))?;
    Ok(xlsx_response(bytes, &format!("{}.xlsx", x.template_file)))
}

// ---------- API ----------

async fn api_list(
    e: &'static Entry,
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    json_ok((e.use_cases.list)(&s.app, &sess.actor, &q).await, rid)
}

async fn api_register(
    e: &'static Entry,
    State(s): State<AppState>,
    Api(sess, rid): Api,
    JsonFields(f): JsonFields,
) -> ApiResult {
    let done = (e.use_cases.register)(&s.app, &sess.actor, &f)
        .await
        .map_err(|err| ApiError(err, rid))?;
    Ok((StatusCode::CREATED, Json(done)).into_response())
}

async fn api_detail(
    e: &'static Entry,
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Path(id): Path<i64>,
) -> ApiResult {
    let d = (e.use_cases.detail)(&s.app, &sess.actor, id).await;
    json_ok(d.map(|(d, _)| d), rid)
}

async fn api_step(
    e: &'static Entry,
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Path(id): Path<i64>,
    JsonFields(f): JsonFields,
) -> ApiResult {
    let (app, actor) = (&s.app, &sess.actor);
    step_with(
        f,
        rid,
        |a, f, v| async move { (e.use_cases.step)(app, actor, id, &a, &f, v).await },
        || async move { Ok((e.use_cases.detail)(app, actor, id).await?.0) },
    )
    .await
}

async fn api_export(
    x: &'static Excel,
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    let name = format!("{}.xlsx", x.export_file);
    xlsx_ok((x.export)(&s.app, &sess.actor, &q).await, rid, &name)
}

async fn api_template(x: &'static Excel, Api(_, rid): Api) -> ApiResult {
    xlsx_ok((x.template)(), rid, &format!("{}.xlsx", x.template_file))
}

async fn api_import(
    x: &'static Excel,
    State(s): State<AppState>,
    Api(sess, rid): Api,
    body: Bytes,
) -> ApiResult {
    imported((x.import)(&s.app, &sess.actor, &body).await, rid)
}

/// The indicators of the modules answering at `path`, for a year, a unit and its children.
async fn api_indicators(
    path: &'static str,
    State(s): State<AppState>,
    Api(sess, rid): Api,
    Query(q): Query<IndicatorQuery>,
) -> ApiResult {
    let r = async {
        let (year, unit, children) = q.parse(chrono::Datelike::year(&s.app.today()))?;
        let mut values = Vec::new();
        for e in MODULES.iter().filter(|e| e.indicators_api == path) {
            values.extend(e.values(&s.app, &sess.actor, year, unit, children).await?);
        }
        Ok::<_, AppError>(values)
    }
    .await;
    json_ok(r, rid)
}
