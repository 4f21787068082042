//! What one module's record shows of another's: the lawsuits a 行政复议 case led to (复议后起诉),
//! registered in 行政应诉 with the case's number. It sits above both modules so that neither
//! imports the other for it; 行政应诉 records the suit on the case it challenges through
//! [`crate::reconsideration::link_lawsuit`].

use crate::cases::{ListQuery, Page};
use crate::kernel::{self, CaseHead};
use crate::{litigation as lt, reconsideration as rc, Actor, App, AppResult};
use fazhi_store::Row;
use serde::Serialize;

/// A 行政复议 case as its page and the API show it: the case and the lawsuits it led to.
#[derive(Debug, Clone, Serialize)]
pub struct ReconsiderationDetail {
    #[serde(flatten)]
    pub detail: rc::CaseDetail,
    /// The lawsuits this case led to, as (id, 案号), in the actor's scope.
    pub lawsuits: Vec<(i64, String)>,
}

pub async fn reconsideration_detail(
    app: &App,
    actor: &Actor,
    id: i64,
) -> AppResult<ReconsiderationDetail> {
    let detail = rc::detail(app, actor, id).await?;
    let lawsuits = sqlx::query(&format!(
        "SELECT c.id, c.case_no FROM lt_cases c WHERE c.rc_case_id = $1 AND {} ORDER BY c.id",
        actor.scope.sql(lt::TABLE.scope)
    ))
    .bind(id)
    .fetch_all(&app.db.pool)
    .await?
    .iter()
    .map(|l| Ok((l.try_get(0)?, l.try_get(1)?)))
    .collect::<AppResult<_>>()?;
    Ok(ReconsiderationDetail { detail, lawsuits })
}

/// 行政复议 as the pages and the API show it; here because its record shows its lawsuits.
impl kernel::Views for rc::Reconsideration {
    type Summary = rc::CaseRow;
    type Detail = ReconsiderationDetail;

    async fn list(app: &App, actor: &Actor, q: &ListQuery) -> AppResult<Page<rc::CaseRow>> {
        rc::list(app, actor, q).await
    }

    async fn detail(app: &App, actor: &Actor, id: i64) -> AppResult<ReconsiderationDetail> {
        reconsideration_detail(app, actor, id).await
    }

    fn head(d: &ReconsiderationDetail) -> CaseHead {
        let c = &d.detail.case;
        CaseHead {
            case_no: c.case_no.clone(),
            status_label: c.status_label,
            version: c.version,
            may_write: d.detail.may_write,
            registered: format!("已登记，案号{}", c.case_no),
        }
    }
}
