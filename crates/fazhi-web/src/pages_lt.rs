//! The 行政应诉 registration forms: a lawsuit, and a 司法建议 / 检察建议 a unit receives. Their
//! lists, records, step forms and Excel are every module's (`modules.rs`).

use crate::pages::{field, form_render, hint, opts, select, Module, Page, PageResult};
use crate::routes::{Access as A, Routes};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use fazhi_app::litigation as lt;
use fazhi_app::{org, reconsideration as rc, AppError};
use fazhi_domain::fields::Fields;
use fazhi_domain::litigation::SuggestionKind;
use fazhi_domain::org::Permission as P;
use fazhi_domain::party::PartyKind;
use serde::Deserialize;
use serde_json::{json, Value};

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/lt/cases/new", A::Needs(P::WriteLitigation), new_form)
        .post("/lt/cases/new", A::Needs(P::WriteLitigation), new_submit)
        .get(
            "/lt/suggestions/new",
            A::Needs(P::WriteLitigation),
            suggestion_form,
        )
        .post(
            "/lt/suggestions/new",
            A::Needs(P::WriteLitigation),
            suggestion_submit,
        )
}

/// Units that can be sued or addressed: the government itself and every unit under it.
/// The units a litigation clerk may name (defendant, addressee), in tree order.
fn unit_options(units: &[org::Unit], scope: &fazhi_app::Scope) -> Vec<(String, String)> {
    org::tree_order(units)
        .into_iter()
        .filter(|(_, u)| scope.contains(u.id))
        .map(|(_, u)| (u.id.to_string(), u.name.clone()))
        .collect()
}

fn party_fields(prefix: &str, title: &str, required: bool) -> Value {
    let kinds = opts(PartyKind::ALL, PartyKind::code, PartyKind::label);
    let f = |s: &str, label: &str| field(&format!("{prefix}_{s}"), label, "text", false);
    json!({"title": title, "fields": [
        select(&format!("{prefix}_kind"), "类别", kinds, required),
        field(&format!("{prefix}_name"), "姓名或名称", "text", required),
        hint(f("id_number", "身份证号码"), "自然人必填，18位，系统校验末位校验码"),
        hint(f("credit_code", "统一社会信用代码"), "法人或其他组织必填"),
        f("phone", "联系电话"),
    ]})
}

fn lawsuit_groups(units: &[org::Unit], scope: &fazhi_app::Scope) -> Value {
    json!([
        {"title": "案件信息", "fields": [
            field("court", "受理法院", "text", true),
            hint(field("case_no", "案号", "text", true), "如（2024）粤5302行初12号"),
            field("registered_date", "立案日期", "date", true),
            hint(field("copy_received_date", "收到起诉状副本日期", "date", true), "答辩期限15日自次日起算（《行政诉讼法》第六十七条）"),
            select("defendant_unit_id", "被告（应诉单位）", unit_options(units, scope), true),
            field("act_name", "被诉行政行为", "text", true),
            field("act_doc_no", "行政行为文书号", "text", false),
            field("claim", "诉讼请求", "textarea", true),
            hint(field("rc_case_no", "关联行政复议案号", "text", false), "经行政复议后起诉的填写；复议机关维持原行政行为的，系统登记为共同被告"),
        ]},
        party_fields("plaintiff", "原告", true),
        party_fields("plaintiff2", "第二原告（可选）", false),
        {"title": "代理人、第三人（可选）", "fields": [
            field("agent_name", "原告代理人姓名", "text", false),
            field("third_party_name", "第三人姓名或名称", "text", false),
            field("third_party_id_number", "第三人身份证号码", "text", false),
        ]},
    ])
}

#[derive(Deserialize, Default)]
struct NewQuery {
    /// Prefill from a reconsideration case (复议后起诉).
    rc: Option<i64>,
}

async fn lawsuit_form(
    state: &AppState,
    p: &Page,
    values: Value,
    error: Option<&AppError>,
) -> PageResult {
    let units = org::all_units(&state.app)
        .await
        .map_err(|e| p.err(state, e))?;
    let scope = org::naming_scope(&state.app, &p.0.actor, &units, P::WriteLitigation);
    let ctx = json!({"title": "登记行政应诉案件", "groups": lawsuit_groups(&units, &scope), "values": values,
                     "action_url": "/lt/cases/new", "submit": "登记", "module": Module::of(&lt::ENTRY)});
    form_render(state, p, "lt_new", ctx, error).await
}

async fn new_form(State(state): State<AppState>, p: Page, Query(q): Query<NewQuery>) -> PageResult {
    p.0.actor
        .require(P::WriteLitigation)
        .map_err(|e| p.err(&state, e))?;
    let mut values =
        json!({"plaintiff_kind": "person", "copy_received_date": state.app.today().to_string()});
    if let Some(id) = q.rc {
        // The applicant becomes the plaintiff, the respondent the defendant; identity numbers are
        // not copied (they are shown in full only to the reconsideration clerk).
        let d = rc::detail(&state.app, &p.0.actor, id)
            .await
            .map_err(|e| p.err(&state, e))?;
        values["rc_case_no"] = json!(d.case.case_no);
        values["act_name"] = json!(d.case.act_name);
        values["act_doc_no"] = json!(d.act_doc_no);
        values["defendant_unit_id"] = json!(d.case.respondent_unit_id.to_string());
        values["plaintiff_name"] = json!(d.case.applicant_names.split('、').next());
    }
    lawsuit_form(&state, &p, values, None).await
}

async fn new_submit(State(state): State<AppState>, p: Page, Form(f): Form<Fields>) -> PageResult {
    p.check_csrf(&state, &f)?;
    match lt::register(&state.app, &p.0.actor, &f).await {
        Ok((id, _)) => Ok(Redirect::to(&format!("/lt/cases/{id}?created=1")).into_response()),
        Err(e @ (AppError::Domain(_) | AppError::Conflict(_))) => {
            lawsuit_form(&state, &p, json!(f), Some(&e)).await
        }
        Err(e) => Err(p.err(&state, e)),
    }
}

// ---------- 司法建议 / 检察建议 ----------

async fn suggestion_page(
    state: &AppState,
    p: &Page,
    values: Value,
    error: Option<AppError>,
) -> PageResult {
    let units = org::all_units(&state.app)
        .await
        .map_err(|e| p.err(state, e))?;
    let scope = org::naming_scope(&state.app, &p.0.actor, &units, P::WriteLitigation);
    let groups = json!([{"title": "建议信息", "fields": [
        select("kind", "建议类型", opts(SuggestionKind::ALL, SuggestionKind::code, SuggestionKind::label), true),
        field("issuer", "制发机关", "text", true),
        field("doc_no", "文书编号", "text", false),
        field("received_date", "收到日期", "date", true),
        select("unit_id", "被建议单位", unit_options(&units, &scope), true),
        field("content", "建议内容", "textarea", true),
        hint(field("reply_days", "回复期限（日）", "number", false), "按建议书载明的期限填写；不填写的，司法建议按30日、检察建议按两个月计算"),
        hint(field("case_no", "关联应诉案号", "text", false), "因行政诉讼案件提出的填写"),
    ]}]);
    let ctx = json!({"title": "登记司法建议、检察建议", "groups": groups, "values": values,
               "action_url": "/lt/suggestions/new", "submit": "登记", "module": Module::of(&lt::SUGGESTION_ENTRY)});
    form_render(state, p, "lt_suggestions", ctx, error.as_ref()).await
}

async fn suggestion_form(State(state): State<AppState>, p: Page) -> PageResult {
    p.0.actor
        .require(P::WriteLitigation)
        .map_err(|e| p.err(&state, e))?;
    let values = json!({"received_date": state.app.today().to_string(), "kind": "judicial"});
    suggestion_page(&state, &p, values, None).await
}

async fn suggestion_submit(
    State(state): State<AppState>,
    p: Page,
    Form(f): Form<Fields>,
) -> PageResult {
    p.check_csrf(&state, &f)?;
    match lt::register_suggestion(&state.app, &p.0.actor, &f).await {
        Ok(id) => Ok(Redirect::to(&format!("/lt/suggestions/{id}?created=1")).into_response()),
        Err(e @ AppError::Domain(_)) => suggestion_page(&state, &p, json!(f), Some(e)).await,
        Err(e) => Err(p.err(&state, e)),
    }
}
