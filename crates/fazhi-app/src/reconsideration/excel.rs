//! 行政复议 in and out of Excel: the list export, the import template and the import.

use super::*;

/// Column headers of the export (and of the import template for the registration columns).
const EXPORT_HEADERS: [&str; 16] = [
    "案号",
    "收到申请日期",
    "申请人",
    "被申请人",
    "被申请复议的行政行为",
    "申请方式",
    "案件状态",
    "审理程序",
    "受理日期",
    "结案日期",
    "决定类型",
    "最近期限",
    "期限状态",
    "剩余天数",
    "听证情况",
    "被申请人负责人参加听证",
];

/// Exports the filtered list (all pages) as .xlsx. Personal identity numbers are not exported.
pub async fn export(app: &App, actor: &Actor, q: &ListQuery) -> AppResult<Vec<u8>> {
    actor.require(Permission::ReadCases)?;
    let (where_sql, binds) = TABLE.filter(app, actor, q, &indicator_defs(app)).await?;
    let rows = TABLE.rows(app, &where_sql, &binds, "").await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
    let mut conn = app.db.pool.acquire().await?;
    let mut held: std::collections::HashMap<i64, Vec<HearingView>> = Default::default();
    for (case, h) in hearings(&mut conn, &ids).await? {
        held.entry(case).or_default().push(h);
    }
    drop(conn);
    let data = rows
        .iter()
        .map(|r| {
            let c = case_row(app, r);
            let mine = held.get(&c.id).map(Vec::as_slice).unwrap_or_default();
            let heard = mine
                .iter()
                .map(|h| format!("{}：{}", h.hearing_date, h.text()))
                .collect::<Vec<_>>()
                .join("；");
            let head = match (mine.is_empty(), mine.iter().any(|h| h.head_attended)) {
                (true, _) => "",
                (false, true) => "是",
                (false, false) => "否",
            };
            let mut row = vec![
                c.case_no,
                c.received_date,
                c.applicant_names,
                c.respondent,
                c.act_name,
                c.channel_label.into(),
                c.status_label.into(),
                c.procedure_label.into(),
                c.accepted_date.unwrap_or_default(),
                c.closed_date.unwrap_or_default(),
                c.decision_label.into(),
            ];
            row.extend(c.due.cells());
            row.push(heard);
            row.push(head.into());
            row
        })
        .collect();
    cases::export_sheet(
        app,
        actor,
        "rc_case",
        "行政复议案件",
        &EXPORT_HEADERS,
        q,
        data,
    )
    .await
}

/// The import template's columns: (header, form field).
pub const IMPORT_COLUMNS: [(&str, &str); 14] = [
    ("收到申请日期", "received_date"),
    ("申请方式", "channel"),
    ("被申请人", "respondent"),
    ("被申请复议的行政行为", "act_name"),
    ("行政行为文书号", "act_doc_no"),
    ("行政行为作出日期", "act_date"),
    ("行政复议请求", "request"),
    ("申请人类别", "applicant_kind"),
    ("申请人姓名或名称", "applicant_name"),
    ("申请人身份证号码", "applicant_id_number"),
    ("申请人统一社会信用代码", "applicant_credit_code"),
    ("申请人联系电话", "applicant_phone"),
    ("代理人姓名", "agent_name"),
    ("第三人姓名或名称", "third_party_name"),
];

/// The .xlsx import of applications.
pub static IMPORT: kernel::register::ImportSpec = kernel::register::ImportSpec {
    sheet: "行政复议申请导入",
    columns: &IMPORT_COLUMNS,
    optional: &[
        "act_doc_no",
        "agent_name",
        "third_party_name",
        "applicant_credit_code",
        "applicant_phone",
    ],
    unit: ("respondent", "respondent_unit_id", "被申请人"),
    example: &[
        "2024-09-27",
        "窗口",
        "区市场监督管理局",
        "行政处罚决定",
        "示市监罚〔2024〕8号",
        "2024-09-01",
        "请求撤销该行政处罚决定",
        "自然人",
        "张三",
        "11010519491231002X",
        "",
        "13800000000",
        "",
        "",
    ],
};

/// The import template: the header row, and an example on a sheet of its own.
pub fn import_template() -> AppResult<Vec<u8>> {
    IMPORT.template()
}

/// Imports applications from an .xlsx made from the template, all or nothing.
pub async fn import(app: &App, actor: &Actor, bytes: &[u8]) -> AppResult<Vec<String>> {
    kernel::register::import_xlsx::<Reconsideration>(app, actor, bytes, &IMPORT).await
}
