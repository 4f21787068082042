//! 超期预警: the records of every module near or past a deadline, in one list, most urgent first.

use crate::{Actor, App, AppResult};
use fazhi_store::Row;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Warning {
    pub module: &'static str,
    pub module_label: &'static str,
    /// The record's page.
    pub url: String,
    pub case_no: String,
    /// Who brought it (申请人, 原告) or who issued it.
    pub parties: String,
    /// The unit it concerns (被申请人, 被告, 被建议单位).
    pub unit: String,
    pub status_label: &'static str,
    #[serde(flatten)]
    pub due: crate::deadlines::RowDue,
}

/// The records of every module ([`crate::registry::MODULES`]) whose nearest deadline is near or
/// past, in the actor's scope, the most urgent first (at most 500 of each module).
pub async fn all(app: &App, actor: &Actor) -> AppResult<Vec<Warning>> {
    use fazhi_domain::deadline::DeadlineState as S;
    actor.require(fazhi_domain::org::Permission::ReadCases)?;
    let state = |s| crate::deadlines::state_sql(app, s, "c.next_due", "c.next_due_unit");
    let mut out = Vec::new();
    for m in crate::registry::MODULES {
        let sql = format!(
            "SELECT c.id, {}, {}, {}, {}, c.status, c.next_due, c.next_due_unit FROM {} \
             WHERE {} AND ({} OR {}) ORDER BY c.next_due, c.id LIMIT 500",
            m.number,
            m.parties,
            m.unit,
            m.row_label
                .map_or("CAST(NULL AS TEXT)", |(column, _)| column),
            m.table.from,
            actor.scope.sql(m.table.scope),
            state(S::Overdue),
            state(S::Warning),
        );
        for r in sqlx::query(&sql).fetch_all(&app.db.pool).await? {
            let id: i64 = r.try_get(0)?;
            let row_code: Option<String> = r.try_get(4)?;
            out.push(Warning {
                module: m.name,
                module_label: match (m.row_label, row_code) {
                    (Some((_, label)), Some(code)) => label(&code),
                    _ => m.label,
                },
                url: format!("{}/{id}", m.list_url),
                case_no: r.try_get(1)?,
                parties: r.try_get(2)?,
                unit: r.try_get::<Option<String>, _>(3)?.unwrap_or_default(),
                status_label: (m.status_label)(&r.try_get::<String, _>(5)?),
                due: crate::deadlines::RowDue::of(app, r.try_get(6)?, r.try_get(7)?),
            });
        }
    }
    out.sort_by(|a, b| a.due.next_due.cmp(&b.due.next_due));
    Ok(out)
}

/// A statistics form still to be filed, or the annual report's own due date, near or past.
#[derive(Debug, Clone, Serialize)]
pub struct ReportingWarning {
    pub url: String,
    pub title: String,
    /// 数据填报, or what the report's date is for (部门向本级政府报送年度报告 …).
    pub what: &'static str,
    pub unit: String,
    pub status_label: &'static str,
    #[serde(flatten)]
    pub due: crate::deadlines::RowDue,
}

/// The forms of statistics rounds still to be filed (the office sees all, a clerk his units')
/// and last year's report while it is unpublished within 30 days of its due dates.
pub async fn reporting(app: &App, actor: &Actor) -> AppResult<Vec<ReportingWarning>> {
    use fazhi_domain::deadline::DeadlineState;
    actor.require(fazhi_domain::org::Permission::ReadCases)?;
    let mut out: Vec<ReportingWarning> = crate::filing::warnings(app, actor)
        .await?
        .into_iter()
        .map(|f| ReportingWarning {
            url: format!("/filing/forms/{}", f.id),
            title: f.round_title,
            what: "数据填报",
            unit: f.unit,
            status_label: f.status_label,
            due: f.due,
        })
        .collect();
    let today = app.today();
    for (url, title, due, what) in crate::report::warnings(app, actor).await? {
        // The report's dates are announced a month ahead, longer than the cases' window.
        let left = (due - today).num_days();
        let state = if left < 0 {
            DeadlineState::Overdue
        } else {
            DeadlineState::Warning
        };
        out.push(ReportingWarning {
            url,
            title,
            what,
            unit: String::new(),
            status_label: "尚未发布",
            due: crate::deadlines::RowDue {
                next_due: Some(due.to_string()),
                deadline_state: state.code(),
                deadline_label: state.label(),
                days_left: Some(left),
                days_unit: "日",
                // Calendar dates fixed by the rules, not counted on the holiday calendar.
                provisional: false,
            },
        });
    }
    out.sort_by(|a, b| a.due.next_due.cmp(&b.due.next_due));
    Ok(out)
}
