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
