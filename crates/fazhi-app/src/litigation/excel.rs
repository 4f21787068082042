//! 行政应诉 in and out of Excel: the list export, the import template and the import.

use super::*;

const EXPORT_HEADERS: [&str; 17] = [
    "案号",
    "受理法院",
    "立案日期",
    "收到起诉状副本日期",
    "原告",
    "被告",
    "复议机关共同被告",
    "被诉行政行为",
    "当前审级",
    "案件状态",
    "一审结果",
    "最近裁判结果",
    "是否败诉（生效裁判）",
    "首次生效日期",
    "最近期限",
    "期限状态",
    "剩余天数",
];

fn yes_no(b: Option<bool>) -> String {
    match b {
        Some(true) => "是".into(),
        Some(false) => "否".into(),
        None => String::new(),
    }
}

/// Exports the filtered list as .xlsx; no personal identity numbers.
pub async fn export(app: &App, actor: &Actor, q: &ListQuery) -> AppResult<Vec<u8>> {
    actor.require(Permission::ReadCases)?;
    let (where_sql, binds) = TABLE.filter(app, actor, q, &indicator_defs(app)).await?;
    let rows = TABLE.rows(app, &where_sql, &binds, "").await?;
    let data = rows
        .iter()
        .map(|r| {
            let c = case_row(app, r);
            let mut row = vec![
                c.case_no,
                c.court,
                c.registered_date,
                c.copy_received_date,
                c.plaintiff_names,
                c.defendant,
                yes_no(Some(c.co_defendant)),
                c.act_name,
                c.level_label.into(),
                c.status_label.into(),
                c.first_outcome_label.into(),
                c.outcome_label.into(),
                yes_no((c.status == "final").then_some(c.outcome_lost)),
                c.final_date.unwrap_or_default(),
            ];
            row.extend(c.due.cells());
            row
        })
        .collect();
    cases::export_sheet(
        app,
        actor,
        "lt_case",
        "行政应诉案件",
        &EXPORT_HEADERS,
        q,
        data,
    )
    .await
}

/// The import template's columns: (header, form field).
pub const IMPORT_COLUMNS: [(&str, &str); 14] = [
    ("受理法院", "court"),
    ("案号", "case_no"),
    ("立案日期", "registered_date"),
    ("收到起诉状副本日期", "copy_received_date"),
    ("被告", "defendant"),
    ("被诉行政行为", "act_name"),
    ("行政行为文书号", "act_doc_no"),
    ("诉讼请求", "claim"),
    ("原告类别", "plaintiff_kind"),
    ("原告姓名或名称", "plaintiff_name"),
    ("原告身份证号码", "plaintiff_id_number"),
    ("原告统一社会信用代码", "plaintiff_credit_code"),
    ("原告联系电话", "plaintiff_phone"),
    ("关联行政复议案号", "rc_case_no"),
];

/// The .xlsx import of lawsuits.
pub static IMPORT: kernel::register::ImportSpec = kernel::register::ImportSpec {
    sheet: "行政应诉案件导入",
    columns: &IMPORT_COLUMNS,
    optional: &[
        "act_doc_no",
        "plaintiff_credit_code",
        "plaintiff_phone",
        "rc_case_no",
        "plaintiff_kind",
    ],
    unit: ("defendant", "defendant_unit_id", "被告"),
    example: &[
        "示例区人民法院",
        "（2024）示0101行初12号",
        "2024-09-20",
        "2024-09-27",
        "区市场监督管理局",
        "行政处罚决定",
        "示市监罚〔2024〕8号",
        "请求撤销被告作出的行政处罚决定",
        "自然人",
        "张三",
        "11010519491231002X",
        "",
        "13800000000",
        "",
    ],
};

/// What would refuse an imported row at registration, checked first so the error names its row:
/// a 案号 repeated in the file or already registered, or a reconsideration case that is not there.
pub(super) async fn import_conflict(
    app: &App,
    actor: &Actor,
    l: &Lawsuit,
    earlier: &[Lawsuit],
) -> AppResult<Option<DomainError>> {
    if earlier.iter().any(|s| s.case_no == l.case_no) {
        return Ok(Some(DomainError::field(
            Code::DuplicateCaseNo,
            "case_no",
            format!("案号{}在文件中重复", l.case_no),
        )));
    }
    let mut conn = app.db.pool.acquire().await?;
    match check_case_no_free(&mut conn, &l.case_no).await {
        Ok(()) => {}
        Err(AppError::Domain(e)) => return Ok(Some(e)),
        Err(e) => return Err(e),
    }
    if let Some(no) = &l.rc_case_no {
        let sql = format!(
            "SELECT COUNT(*) FROM rc_cases c WHERE c.case_no = $1 AND {}",
            actor.scope.sql(crate::reconsideration::TABLE.scope)
        );
        let n: i64 = sqlx::query_scalar(&sql)
            .bind(no)
            .fetch_one(&mut *conn)
            .await?;
        if n == 0 {
            return Ok(Some(DomainError::field(
                Code::NotFound,
                "rc_case_no",
                format!("关联行政复议案号“{no}”不存在或无权查看"),
            )));
        }
    }
    Ok(None)
}

pub fn import_template() -> AppResult<Vec<u8>> {
    IMPORT.template()
}

/// Imports lawsuits from the template, all or nothing (including 案号 repeated in the file).
pub async fn import(app: &App, actor: &Actor, bytes: &[u8]) -> AppResult<Vec<String>> {
    kernel::register::import_xlsx::<Lawsuits>(app, actor, bytes, &IMPORT).await
}
