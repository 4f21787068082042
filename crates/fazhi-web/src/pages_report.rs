//! The 数据填报 pages (the office's rounds, each unit's form, on the page or as an .xlsx template)
//! and the 年度报告 pages (the versions, the internal view whose figures link to their records,
//! the edit form, the lifecycle, corrections and downloads). Built from the same pieces as the
//! case pages: a refused form is shown again with the values kept and the error beside its field.

use crate::api::xlsx_response;
use crate::api_report::{download, may_file, may_read_reports};
use crate::pages::{base, form_errors, merge, page_render, read_upload, render, Page, PageResult};
use crate::routes::{Access as A, Routes};
use crate::AppState;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use chrono::Datelike;
use fazhi_app::{filing, org, report, AppError};
use fazhi_domain::catalogue::{Catalogue, Kind, Source};
use fazhi_domain::fields::{get as field_value, Fields};
use fazhi_domain::filing::FormAction;
use fazhi_domain::org::Permission as P;
use fazhi_domain::org::Permission;
use fazhi_domain::report::ReportAction;
use fazhi_domain::DomainError;
use fazhi_report::html::HtmlMode;
use serde::Deserialize;
use serde_json::{json, Value};

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/filing", A::Needs(P::FileStatistics), filing_home)
        .post("/filing/rounds", A::Needs(P::ManageReport), round_create)
        .get(
            "/filing/rounds/{id}",
            A::Needs(P::ManageReport),
            round_detail,
        )
        .post(
            "/filing/rounds/{id}/close",
            A::Needs(P::ManageReport),
            round_close,
        )
        .get("/filing/forms/{id}", A::ReadScoped, form_page)
        .get(
            "/filing/forms/{id}/template.xlsx",
            A::ReadScoped,
            form_template,
        )
        .post("/filing/forms/{id}/upload", A::WriteScoped, form_upload)
        .post("/filing/forms/{id}/{action}", A::WriteScoped, form_act)
        .get("/reports", A::Needs(P::ApproveReport), reports)
        .post("/reports", A::Needs(P::ManageReport), report_create)
        .get("/reports/{id}", A::Needs(P::ApproveReport), report_detail)
        .get("/reports/{id}/edit", A::Needs(P::ManageReport), report_edit)
        .post("/reports/{id}/edit", A::Needs(P::ManageReport), report_save)
        .post(
            "/reports/{id}/steps/{action}",
            A::Needs(P::ApproveReport),
            report_step,
        )
        .post(
            "/reports/{id}/correct",
            A::Needs(P::ManageReport),
            report_correct,
        )
        .post(
            "/reports/{id}/chain",
            A::Needs(P::ManageReport),
            report_chain,
        )
        .get(
            "/reports/{id}/export.docx",
            A::Needs(P::ApproveReport),
            export_docx,
        )
        .get(
            "/reports/{id}/export.html",
            A::Needs(P::ApproveReport),
            export_html,
        )
        .get(
            "/reports/{id}/export.md",
            A::Needs(P::ApproveReport),
            export_md,
        )
}

/// What a redirect after a change carries: `?done=CODE`.
#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
}

fn success(text: impl Into<String>) -> Option<Value> {
    Some(json!({"kind": "success", "text": text.into()}))
}

/// The version a form was drawn from.
fn version_of(f: &Fields) -> Option<i64> {
    f.get("version").and_then(|v| v.trim().parse::<i64>().ok())
}

fn is_refusal(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Domain(_) | AppError::Conflict(_) | AppError::Rows(_)
    )
}

// ---------- 数据填报: rounds ----------

/// The catalogue's module prefixes as the office reads them.
fn module_label(prefix: &str) -> &'static str {
    match prefix {
        "reconsideration" => "行政复议",
        "litigation" => "行政应诉",
        "supervision" => "司法建议、检察建议",
        "legality_review" => "合法性审查",
        "legal_counsel" => "法律顾问",
        "normative_docs" => "规范性文件",
        "major_decisions" => "重大行政决策",
        "enforcement" => "行政执法",
        "mediation" => "矛盾纠纷化解",
        "suggestions" => "建议提案办理",
        "disclosure" => "政务公开",
        "hotline" => "12345热线",
        "legal_aid" => "法律援助",
        "petitions" => "信访",
        "training" => "学法培训",
        "publicity" => "普法宣传",
        "audit" => "审计监督",
        _ => "其他",
    }
}

/// The catalogue's keys grouped by module (in the catalogue's order), each with its source.
fn key_groups() -> Value {
    let cat = Catalogue::embedded();
    let mut groups: Vec<(&str, Vec<Value>)> = Vec::new();
    for e in &cat.entries {
        let prefix = e.key.split('.').next().unwrap_or("");
        let parts = match (&e.numerator, &e.denominator) {
            (Some(n), Some(d)) if e.kind == Kind::Rate => {
                let l = |k: &str| cat.get(k).map(|x| x.label.clone()).unwrap_or_default();
                format!("分子“{}”，分母“{}”", l(n), l(d))
            }
            _ => String::new(),
        };
        let item = json!({"key": e.key, "label": e.label, "unit": e.unit,
                          "filed": e.source == Source::Filed, "parts": parts});
        match groups.iter_mut().find(|g| g.0 == prefix) {
            Some(g) => g.1.push(item),
            None => groups.push((prefix, vec![item])),
        }
    }
    groups
        .into_iter()
        .map(|(p, keys)| json!({"prefix": p, "label": module_label(p), "keys": keys}))
        .collect()
}

async fn filing_home(State(state): State<AppState>, p: Page) -> PageResult {
    filing_render(&state, &p, None, None).await
}

/// The office's rounds with the form to open one, and the clerk's own forms; a refused new
/// round is shown again with its values.
async fn filing_render(
    state: &AppState,
    p: &Page,
    values: Option<Fields>,
    error: Option<&AppError>,
) -> PageResult {
    let a = &p.0.actor;
    let office = a.can(Permission::ManageReport);
    let mut ctx = json!({"office": office, "errors": error.map(form_errors)});
    if office {
        let rounds = filing::rounds(&state.app, a)
            .await
            .map_err(|e| p.err(state, e))?;
        let units = org::all_units(&state.app)
            .await
            .map_err(|e| p.err(state, e))?;
        let units: Vec<Value> = org::tree_order(&units)
            .into_iter()
            .filter(|(_, u)| a.scope.contains(u.id))
            .map(|(d, u)| json!({"id": u.id, "name": u.name, "indent": "　".repeat(d)}))
            .collect();
        let values = values.map(|f| json!(f)).unwrap_or_else(|| {
            let today = state.app.today();
            let year = today.year() - 1;
            json!({"year": year.to_string(), "title": format!("{year}年度法治政府建设数据填报"),
                   "due_date": (today + chrono::Duration::days(30)).to_string()})
        });
        ctx = merge(
            ctx,
            json!({"rounds": rounds, "units": units, "key_groups": key_groups(), "values": values}),
        );
    }
    if !office || a.can(Permission::FileStatistics) {
        let forms = filing::my_forms(&state.app, a)
            .await
            .map_err(|e| p.err(state, e))?;
        ctx["forms"] = json!(forms);
    }
    page_render(state, p, "st_home.html", "filing", ctx, error).await
}

async fn round_create(State(state): State<AppState>, p: Page, Form(f): Form<Fields>) -> PageResult {
    p.check_csrf(&state, &f)?;
    match filing::create_round(&state.app, &p.0.actor, &f).await {
        Ok(id) => Ok(Redirect::to(&format!("/filing/rounds/{id}?done=created")).into_response()),
        Err(e @ AppError::Domain(_)) => filing_render(&state, &p, Some(f), Some(&e)).await,
        Err(e) => Err(p.err(&state, e)),
    }
}

async fn round_detail(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> PageResult {
    let d = filing::round(&state.app, &p.0.actor, id)
        .await
        .map_err(|e| p.err(&state, e))?;
    let flash = match q.done.as_deref() {
        Some("created") => success("已新建填报轮次，各填报单位可在“数据填报”中看到本单位的报表"),
        Some("close") => success("本轮填报已结束，各单位不能再修改报表"),
        Some("baseline") => success(
            "已将已发布报告中的数字作为该年度的填报数据（已通过）；年度报告的同比将以这些数字为上年数",
        ),
        _ => None,
    };
    let ctx = merge(
        base(&state, &p.0, "filing").await,
        json!({"d": d, "flash": flash}),
    );
    Ok(render(&state, "st_round.html", ctx))
}

async fn round_close(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    p.check_csrf(&state, &f)?;
    filing::close_round(&state.app, &p.0.actor, id)
        .await
        .map_err(|e| p.err(&state, e))?;
    Ok(Redirect::to(&format!("/filing/rounds/{id}?done=close")).into_response())
}

// ---------- 数据填报: a unit's form ----------

/// The form page: the lines with their inputs (the values submitted when a submission was
/// refused), the actions the user may take, the error beside its field.
async fn form_render(
    state: &AppState,
    p: &Page,
    id: i64,
    submitted: Option<&Fields>,
    error: Option<&AppError>,
    flash: Option<Value>,
) -> PageResult {
    may_file(&p.0.actor).map_err(|e| p.err(state, e))?;
    let d = filing::form(&state.app, &p.0.actor, id)
        .await
        .map_err(|e| p.err(state, e))?;
    let has = |code: &str| d.actions.iter().any(|(c, _)| *c == code);
    let lines: Vec<Value> = d
        .lines
        .iter()
        .map(|l| {
            let value = match submitted {
                Some(f) => field_value(f, &l.field).to_string(),
                None => l.value.clone(),
            };
            json!({"key": l.key, "field": l.field, "label": l.label, "unit": l.unit, "note": l.note, "quote": l.quote, "value": value})
        })
        .collect();
    let fill_actions: Vec<_> = d
        .actions
        .iter()
        .filter(|(c, _)| *c == "save" || *c == "submit")
        .collect();
    let flash = match error {
        Some(e @ AppError::Conflict(_)) => Some(json!({"kind": "error", "text": e.user_message()})),
        _ => flash,
    };
    let comment = submitted.map(|f| field_value(f, "comment").to_string());
    let ctx = json!({"d": d, "lines": lines, "editable": !fill_actions.is_empty(), "fill_actions": fill_actions,
                     "can_approve": has("approve"), "can_return": has("return"), "comment": comment,
                     "errors": error.map(form_errors), "flash": flash,
                     "office": p.0.actor.can(Permission::ManageReport)});
    page_render(state, p, "st_form.html", "filing", ctx, error).await
}

async fn form_page(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> PageResult {
    let flash = match q.done.as_deref() {
        Some("upload") => success("已从Excel读入并保存为草稿，请核对后提交"),
        Some(code) => FormAction::parse(code)
            .ok()
            .and_then(|a| success(format!("已完成“{}”", a.label()))),
        None => None,
    };
    form_render(&state, &p, id, None, None, flash).await
}

/// 保存草稿, 提交, 审核通过, 退回 (with `comment`).
async fn form_act(
    State(state): State<AppState>,
    p: Page,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    p.check_csrf(&state, &f)?;
    may_file(&p.0.actor).map_err(|e| p.err(&state, e))?;
    match filing::act(&state.app, &p.0.actor, id, &action, &f, version_of(&f)).await {
        Ok(()) => Ok(Redirect::to(&format!("/filing/forms/{id}?done={action}")).into_response()),
        Err(e) if is_refusal(&e) => form_render(&state, &p, id, Some(&f), Some(&e), None).await,
        Err(e) => Err(p.err(&state, e)),
    }
}

async fn form_template(State(state): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    may_file(&p.0.actor).map_err(|e| p.err(&state, e))?;
    let d = filing::form(&state.app, &p.0.actor, id)
        .await
        .map_err(|e| p.err(&state, e))?;
    let bytes = filing::template(&state.app, &p.0.actor, id)
        .await
        .map_err(|e| p.err(&state, e))?;
    Ok(xlsx_response(
        bytes,
        &format!("{}_{}.xlsx", d.form.round_title, d.form.unit),
    ))
}

/// Reads a filled template back as a draft. Who may not see the form is refused before the
/// upload is read.
async fn form_upload(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    may_file(&p.0.actor).map_err(|e| p.err(&state, e))?;
    filing::form(&state.app, &p.0.actor, id)
        .await
        .map_err(|e| p.err(&state, e))?;
    let mp = mp.map_err(|_| p.err(&state, DomainError::required("file", "上传文件").into()))?;
    let result = match read_upload(&state, &p, mp).await? {
        Ok(bytes) => filing::upload(&state.app, &p.0.actor, id, &bytes).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/filing/forms/{id}?done=upload")).into_response()),
        Err(e) if is_refusal(&e) => form_render(&state, &p, id, None, Some(&e), None).await,
        Err(e) => Err(p.err(&state, e)),
    }
}

// ---------- 年度报告 ----------

async fn reports(State(state): State<AppState>, p: Page) -> PageResult {
    reports_render(&state, &p, None, None).await
}

async fn reports_render(
    state: &AppState,
    p: &Page,
    values: Option<Fields>,
    error: Option<&AppError>,
) -> PageResult {
    let list = report::list(&state.app, &p.0.actor)
        .await
        .map_err(|e| p.err(state, e))?;
    let year = (state.app.today().year() - 1).to_string();
    let values = values
        .map(|f| json!(f))
        .unwrap_or_else(|| json!({"year": year}));
    let ctx = json!({"items": list, "values": values, "errors": error.map(form_errors),
                     "can_manage": p.0.actor.can(Permission::ManageReport)});
    page_render(state, p, "rp_list.html", "reports", ctx, error).await
}

async fn report_create(
    State(state): State<AppState>,
    p: Page,
    Form(f): Form<Fields>,
) -> PageResult {
    p.check_csrf(&state, &f)?;
    match report::create(&state.app, &p.0.actor, &f).await {
        Ok(id) => Ok(Redirect::to(&format!("/reports/{id}?done=created")).into_response()),
        Err(e @ AppError::Domain(_)) => reports_render(&state, &p, Some(f), Some(&e)).await,
        Err(e) => Err(p.err(&state, e)),
    }
}

/// The internal view: the generated body with every figure linked to its records or form, the
/// check, the lifecycle actions, the versions, the downloads and the correction form. A refused
/// action is shown with its message (and beside its field) and its status.
async fn detail_render(
    state: &AppState,
    p: &Page,
    id: i64,
    flash: Option<Value>,
    error: Option<&AppError>,
    values: Value,
) -> PageResult {
    let (d, g) = report::generate(&state.app, &p.0.actor, id)
        .await
        .map_err(|e| p.err(state, e))?;
    let body = fazhi_report::html::body_fragment(&g.document, HtmlMode::Internal)
        .map_err(|e| p.err(state, AppError::Internal(format!("render report: {e}"))))?;
    let flash = match error {
        Some(e) => Some(json!({"kind": "error", "text": e.user_message()})),
        None => flash,
    };
    let ctx = json!({"d": d, "issues": g.issues, "body": body, "flash": flash, "values": values,
                     "errors": error.map(form_errors),
                     "can_manage": p.0.actor.can(Permission::ManageReport),
                     "chain_steps": chain_steps()});
    page_render(state, p, "rp_detail.html", "reports", ctx, error).await
}

/// The legs of the reporting chain the office records on the page, as (code, label).
fn chain_steps() -> Vec<(&'static str, &'static str)> {
    fazhi_domain::report::ChainStep::ALL
        .iter()
        .filter(|s| s.recorded())
        .map(|s| (s.code(), s.label()))
        .collect()
}

async fn report_detail(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> PageResult {
    let flash = match q.done.as_deref() {
        Some("created") => success("已新建年度报告（草稿），请点击“编辑报告”撰写各部分内容"),
        Some("corrected") => success("已生成更正版本（草稿），修改后按程序审核、定稿、发布"),
        Some("saved") => success("已保存"),
        Some("chain") => success("已登记报送情况"),
        Some(code) => ReportAction::parse(code)
            .ok()
            .and_then(|a| success(format!("已完成“{}”", a.label()))),
        None => None,
    };
    detail_render(&state, &p, id, flash, None, json!({})).await
}

/// Answers a form posted on a report's page: on success to `then` (a report's page with
/// `?done=`), on a refusal the page of report `id` again with the values kept and the error beside
/// its field.
async fn answer_report_form(
    state: &AppState,
    p: &Page,
    id: i64,
    f: Fields,
    r: Result<String, AppError>,
) -> PageResult {
    match r {
        Ok(then) => Ok(Redirect::to(&then).into_response()),
        Err(e) if is_refusal(&e) => detail_render(state, p, id, None, Some(&e), json!(f)).await,
        Err(e) => Err(p.err(state, e)),
    }
}

/// 提交审核, 退回修改, 定稿, 发布 (with `published_date`).
async fn report_step(
    State(state): State<AppState>,
    p: Page,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    p.check_csrf(&state, &f)?;
    may_read_reports(&p.0.actor).map_err(|e| p.err(&state, e))?;
    let r = report::step(&state.app, &p.0.actor, id, &action, &f, version_of(&f)).await;
    let r = r.map(|()| format!("/reports/{id}?done={action}"));
    answer_report_form(&state, &p, id, f, r).await
}

/// 更正: the next version of a published report, with the change note.
async fn report_correct(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    p.check_csrf(&state, &f)?;
    let r = report::correct(&state.app, &p.0.actor, id, &f).await;
    let r = r.map(|new| format!("/reports/{new}?done=corrected"));
    answer_report_form(&state, &p, id, f, r).await
}

/// 报送与公开: records one leg of the reporting chain.
async fn report_chain(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    p.check_csrf(&state, &f)?;
    let r = report::record_chain(&state.app, &p.0.actor, id, &f).await;
    let r = r.map(|()| format!("/reports/{id}?done=chain#report-chain"));
    answer_report_form(&state, &p, id, f, r).await
}

/// The edit form's fields of a stored version: the content and the settings.
fn edit_values(d: &report::ReportDetail) -> Fields {
    let mut f = fazhi_app::demo_report::content_fields(&d.content);
    f.insert("decimals".into(), d.settings.percent.decimals.to_string());
    let rounding = serde_json::to_value(d.settings.percent.rounding)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_else(|| "half_up".into());
    f.insert("rounding".into(), rounding);
    f.insert(
        "charts".into(),
        if d.settings.charts { "1" } else { "0" }.into(),
    );
    f
}

/// The five parts as the edit form shows them: the part's text, its sections as the fields
/// hold them, and two empty sections to add.
fn edit_parts(f: &Fields) -> Value {
    fazhi_domain::report::PARTS
        .iter()
        .map(|(key, title)| {
            let mut ns: Vec<usize> = (0..48)
                .filter(|n| {
                    f.contains_key(&format!("part.{key}.{n}.title"))
                        || f.contains_key(&format!("part.{key}.{n}.text"))
                })
                .collect();
            let next = ns.last().map_or(0, |n| n + 1);
            ns.extend([next, next + 1]);
            let sections: Vec<Value> = ns
                .into_iter()
                .map(|n| {
                    let (tf, xf) = (format!("part.{key}.{n}.title"), format!("part.{key}.{n}.text"));
                    json!({"n": n, "number": n + 1, "title_field": tf, "text_field": xf,
                           "title": field_value(f, &tf), "text": field_value(f, &xf), "new": n >= next})
                })
                .collect();
            let tf = format!("part.{key}.text");
            json!({"key": key, "title": title, "text_field": tf, "text": field_value(f, &tf), "sections": sections})
        })
        .collect()
}

async fn edit_render(
    state: &AppState,
    p: &Page,
    id: i64,
    submitted: Option<Fields>,
    error: Option<&AppError>,
) -> PageResult {
    if !p.0.actor.can(Permission::ManageReport) {
        return Err(p.err(state, AppError::Forbidden));
    }
    let d = report::detail(&state.app, &p.0.actor, id)
        .await
        .map_err(|e| p.err(state, e))?;
    let values = submitted.unwrap_or_else(|| edit_values(&d));
    let cat = Catalogue::embedded();
    let keys: Vec<Value> = cat
        .entries
        .iter()
        .map(|e| json!({"key": e.key, "label": e.label, "unit": e.unit, "filed": e.source == Source::Filed}))
        .collect();
    let mut names = state.app.sentences.names();
    names.sort();
    let flash = match error {
        Some(e) => Some(json!({"kind": "error", "text": e.user_message()})),
        None if !d.editable => Some(json!({"kind": "warning",
            "text": format!("报告当前为“{}”，不能修改；已发布的报告请通过“更正”生成新版本", d.report.status_label)})),
        None => None,
    };
    let ctx = json!({"d": d, "values": values, "parts": edit_parts(&values), "errors": error.map(form_errors),
                     "flash": flash, "sentence_names": names, "keys": keys});
    page_render(state, p, "rp_edit.html", "reports", ctx, error).await
}

async fn report_edit(State(state): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    edit_render(&state, &p, id, None, None).await
}

async fn report_save(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    p.check_csrf(&state, &f)?;
    match report::save(&state.app, &p.0.actor, id, &f, version_of(&f)).await {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}?done=saved")).into_response()),
        Err(e) if is_refusal(&e) => edit_render(&state, &p, id, Some(f), Some(&e)).await,
        Err(e) => Err(p.err(&state, e)),
    }
}

async fn export(state: &AppState, p: &Page, id: i64, format: report::Format) -> PageResult {
    may_read_reports(&p.0.actor).map_err(|e| p.err(state, e))?;
    let (bytes, name, _) = report::export(&state.app, &p.0.actor, id, format)
        .await
        .map_err(|e| p.err(state, e))?;
    Ok(download(bytes, &name, format.content_type()))
}

async fn export_docx(State(state): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    export(&state, &p, id, report::Format::Docx).await
}

async fn export_html(State(state): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    export(&state, &p, id, report::Format::Html).await
}

async fn export_md(State(state): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    export(&state, &p, id, report::Format::Markdown).await
}
