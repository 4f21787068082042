//! 超期预警: the cases of every module near or past a deadline, in one list, most urgent first.

use crate::{litigation as lt, reconsideration as rc, Actor, App, AppResult};
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

pub async fn all(app: &App, actor: &Actor) -> AppResult<Vec<Warning>> {
    let mut out: Vec<Warning> = rc::warnings(app, actor)
        .await?
        .into_iter()
        .map(|c| Warning {
            module: rc::MODULE,
            module_label: "行政复议",
            url: format!("/rc/cases/{}", c.id),
            case_no: c.case_no,
            parties: c.applicant_names,
            unit: c.respondent,
            status_label: c.status_label,
            due: c.due,
        })
        .collect();
    out.extend(
        lt::warnings(app, actor)
            .await?
            .into_iter()
            .map(|c| Warning {
                module: lt::MODULE,
                module_label: "行政应诉",
                url: format!("/lt/cases/{}", c.id),
                case_no: c.case_no,
                parties: c.plaintiff_names,
                unit: c.defendant,
                status_label: c.status_label,
                due: c.due,
            }),
    );
    out.extend(
        lt::suggestion_warnings(app, actor)
            .await?
            .into_iter()
            .map(|s| Warning {
                module: lt::SUGGESTION_MODULE,
                module_label: s.kind_label,
                url: format!("/lt/suggestions/{}", s.id),
                case_no: s
                    .doc_no
                    .unwrap_or_else(|| format!("{}（未编号）", s.issuer)),
                parties: s.issuer,
                unit: s.addressee,
                status_label: s.status_label,
                due: s.due,
            }),
    );
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
