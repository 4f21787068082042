//! 行政应诉 use cases: register a lawsuit, take a step in its current instance, list, detail,
//! indicators, Excel export and import; and the 司法建议 / 检察建议 a unit receives. The procedure
//! lives in `fazhi_domain::litigation`; this file loads, authorises, stores and audits, on the
//! shared pieces of `cases` and `deadlines` (the same as 行政复议).

use crate::cases::{self, label_of, stored_date, EventView, ListQuery, Page, PartyView, Table};
use crate::deadlines;
use crate::indicators::{CountDef, IndicatorDef};
use crate::{kernel, org, Actor, App, AppError, AppResult};
use chrono::{Datelike, NaiveDate};
use fazhi_domain::calendar::format_date_cn;
use fazhi_domain::deadline::Clock;
use fazhi_domain::fields::Fields;
use fazhi_domain::litigation::{
    self as lt, allowed_actions, appearance_compliant, Action, Appearance, CaseFacts, DeadlineKind,
    Lawsuit, Level, LossBasis, NewInstance, OutcomeType, Status, Step, Suggestion,
    SuggestionAction, SuggestionKind, SuggestionStatus,
};
use fazhi_domain::org::Permission;
use fazhi_domain::Code;
use fazhi_domain::DomainError;
use fazhi_store::{Any, AnyConnection, AnyRow, Row, Transaction};
use serde::Serialize;
use serde_json::json;

mod excel;
pub mod suggestions;

use excel::import_conflict;
pub use excel::{export, import, import_template, IMPORT, IMPORT_COLUMNS};
use suggestions::suggestion_row;
pub use suggestions::{
    list_suggestions, register_suggestion, suggestion_detail, suggestion_indicator_defs,
    suggestion_step, SuggestionDetail, SuggestionRow, Suggestions, SUGGESTIONS, SUGGESTION_ENTRY,
};

/// The module's name in shared tables (deadlines, audit log).
pub const MODULE: &str = "litigation";
/// The deadlines of 司法建议 / 检察建议.
pub const SUGGESTION_MODULE: &str = "suggestion";

const CASE_COLUMNS: &str = "c.id, c.case_no, c.court, c.copy_received_date, c.plaintiff_names, d.name, c.act_name, c.status, c.level, \
     c.next_due, c.next_due_unit, c.version, c.outcome, c.outcome_lost, c.final_date, c.final_lost, c.unit_id, c.defendant_unit_id, \
     c.registered_date, c.co_defendant, c.first_outcome, c.first_lost";

/// How lawsuits are listed, searched and counted (the defendant by a LEFT JOIN, as in 行政复议).
pub const TABLE: Table = Table {
    table: "lt_cases c",
    from: "lt_cases c LEFT JOIN units d ON d.id = c.defendant_unit_id",
    columns: CASE_COLUMNS,
    scope: &["c.unit_id", "c.defendant_unit_id"],
    year: "c.received_year",
    order: "c.copy_received_date DESC, c.id DESC",
    text:
        "(c.case_no LIKE $1 OR c.plaintiff_names LIKE $1 OR c.act_name LIKE $1 OR c.court LIKE $1 \
           OR c.defendant_unit_id IN (SELECT u.id FROM units u WHERE u.name LIKE $1) \
           OR c.id IN (SELECT i.case_id FROM lt_instances i WHERE i.case_no LIKE $1))",
    status: |s| Status::parse(s).map(Status::code),
};

/// A lawsuit as lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRow {
    pub id: i64,
    pub case_no: String,
    pub court: String,
    pub copy_received_date: String,
    pub registered_date: String,
    pub plaintiff_names: String,
    pub defendant: String,
    pub co_defendant: bool,
    pub act_name: String,
    pub status: String,
    pub status_label: &'static str,
    pub level_label: &'static str,
    pub outcome_label: &'static str,
    /// Whether the latest outcome is a loss (the effective one once the case is final).
    pub outcome_lost: bool,
    pub first_outcome_label: &'static str,
    pub first_lost: Option<bool>,
    pub final_date: Option<String>,
    /// 败诉 by the final outcome, once final.
    pub final_lost: Option<bool>,
    #[serde(flatten)]
    pub due: deadlines::RowDue,
    pub version: i64,
    pub unit_id: i64,
    pub defendant_unit_id: i64,
}

fn opt_bool(r: &AnyRow, i: usize) -> Option<bool> {
    r.get::<Option<i64>, _>(i).map(|v| v == 1)
}

fn case_row(app: &App, r: &AnyRow) -> CaseRow {
    let status: String = r.get(7);
    CaseRow {
        id: r.get(0),
        case_no: r.get(1),
        court: r.get(2),
        copy_received_date: r.get(3),
        plaintiff_names: r.get(4),
        defendant: r.get::<Option<String>, _>(5).unwrap_or_default(),
        act_name: r.get(6),
        status_label: Status::parse(&status).map(|s| s.label()).unwrap_or(""),
        status,
        level_label: label_of(r.get(8), Level::parse, Level::label),
        outcome_label: label_of(r.get(12), OutcomeType::parse, OutcomeType::label),
        outcome_lost: r.get::<i64, _>(13) == 1,
        final_date: r.get(14),
        final_lost: opt_bool(r, 15),
        unit_id: r.get(16),
        defendant_unit_id: r.get(17),
        registered_date: r.get(18),
        co_defendant: r.get::<i64, _>(19) == 1,
        first_outcome_label: label_of(r.get(20), OutcomeType::parse, OutcomeType::label),
        first_lost: opt_bool(r, 21),
        due: deadlines::RowDue::of(app, r.get(9), r.get(10)),
        version: r.get(11),
    }
}

pub async fn list(app: &App, actor: &Actor, q: &ListQuery) -> AppResult<Page<CaseRow>> {
    actor.require(Permission::ReadCases)?;
    let (where_sql, binds) = TABLE.filter(app, actor, q, &indicator_defs(app)).await?;
    let (rows, total, page, per_page) = TABLE.page(app, &where_sql, &binds, q).await?;
    let items = rows.iter().map(|r| case_row(app, r)).collect();
    Ok(Page::new(items, total, page, per_page))
}

/// One hearing's appearance (出庭情况).
#[derive(Debug, Clone, Serialize)]
pub struct AppearanceView {
    pub hearing_date: String,
    pub appearance_label: &'static str,
    pub person: Option<String>,
    pub post: Option<String>,
    pub lawyer: Option<String>,
    pub head_notified: bool,
    pub excuse_label: &'static str,
    pub excuse_evidence: Option<String>,
    /// False for a lawyer alone, nobody, or staff without excuse where the head was notified.
    pub compliant: bool,
}

/// An instance (审级) with its hearings and outcome.
#[derive(Debug, Clone, Serialize)]
pub struct InstanceView {
    pub id: i64,
    pub level_label: &'static str,
    pub court: String,
    pub case_no: String,
    pub registered_date: String,
    pub head_notified: bool,
    pub hearings: i64,
    pub head_appeared: bool,
    pub compliant: Option<bool>,
    /// A hearing of this instance was attended by a lawyer alone: the instance is non-compliant
    /// (行诉解释 Arts 128(2), 132).
    pub lawyer_only: bool,
    pub outcome_label: &'static str,
    pub outcome_date: Option<String>,
    pub served_date: Option<String>,
    pub lost: Option<bool>,
    pub compensation: bool,
    pub appearances: Vec<AppearanceView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    pub case: CaseRow,
    pub act_doc_no: Option<String>,
    pub claim: String,
    /// The reconsideration case it follows (复议后起诉): (id, 案号).
    pub reconsideration: Option<(i64, String)>,
    pub requires_performance: bool,
    pub performance_days: Option<i64>,
    pub performed: Option<bool>,
    pub consequence_label: &'static str,
    pub instances: Vec<InstanceView>,
    pub parties: Vec<PartyView>,
    pub events: Vec<EventView>,
    pub deadlines: Vec<deadlines::DeadlineView>,
    pub suggestions: Vec<SuggestionRow>,
    pub actions: Vec<(String, &'static str)>,
    /// The actor may take steps on this lawsuit (a step's form is shown only then).
    pub may_write: bool,
}

async fn load_case(conn: &mut AnyConnection, actor: &Actor, id: i64) -> AppResult<AnyRow> {
    let sql = format!(
        "SELECT {CASE_COLUMNS}, c.act_doc_no, c.claim, c.rc_case_id, c.requires_performance, c.performance_days, \
         c.performed, c.consequence, c.last_event_date, c.outcome_date FROM {} WHERE c.id = $1 AND {}",
        TABLE.from,
        actor.scope.sql(TABLE.scope)
    );
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound("案件"))
}

fn may_write(actor: &Actor, unit_id: i64) -> bool {
    actor.can(Permission::WriteLitigation) && actor.write_scope.contains(unit_id)
}

const INSTANCE_COLUMNS: &str = "id, level, court, case_no, registered_date, head_notified, hearings, head_appeared, compliant, \
     outcome, outcome_date, served_date, lost, compensation, evidence_delay_requested, appealable";

async fn instances(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<AnyRow>> {
    let sql = format!("SELECT {INSTANCE_COLUMNS} FROM lt_instances WHERE case_id = $1 ORDER BY id");
    Ok(sqlx::query(&sql).bind(id).fetch_all(conn).await?)
}

pub async fn detail(app: &App, actor: &Actor, id: i64) -> AppResult<CaseDetail> {
    actor.require(Permission::ReadCases)?;
    let mut conn = app.db.pool.acquire().await?;
    let r = load_case(&mut conn, actor, id).await?;
    let case = case_row(app, &r);
    let writer = may_write(actor, case.unit_id);
    let parties = cases::party_views(
        &mut conn,
        app,
        actor,
        MODULE,
        "lt_case",
        id,
        &case.case_no,
        writer,
    )
    .await?;
    let events = cases::load_events(&mut conn, MODULE, id, |a| {
        if a == "register" {
            "登记应诉案件"
        } else {
            Action::parse(a).map(|a| a.label()).unwrap_or("")
        }
    })
    .await?;
    let appearances = sqlx::query(
        "SELECT instance_id, hearing_date, appearance, person, post, lawyer, head_notified, excuse, excuse_evidence, compliant \
         FROM lt_appearances WHERE case_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let instances = instances(&mut conn, id)
        .await?
        .iter()
        .map(|i| {
            let iid: i64 = i.get(0);
            InstanceView {
                id: iid,
                level_label: label_of(i.get(1), Level::parse, Level::label),
                court: i.get(2),
                case_no: i.get(3),
                registered_date: i.get(4),
                head_notified: i.get::<i64, _>(5) == 1,
                hearings: i.get(6),
                head_appeared: i.get::<i64, _>(7) == 1,
                compliant: opt_bool(i, 8),
                lawyer_only: appearances.iter().any(|a| {
                    a.get::<i64, _>(0) == iid
                        && a.get::<String, _>(2) == Appearance::LawyerOnly.code()
                }),
                outcome_label: label_of(i.get(9), OutcomeType::parse, OutcomeType::label),
                outcome_date: i.get(10),
                served_date: i.get(11),
                lost: opt_bool(i, 12),
                compensation: i.get::<i64, _>(13) == 1,
                appearances: appearances
                    .iter()
                    .filter(|a| a.get::<i64, _>(0) == iid)
                    .map(|a| AppearanceView {
                        hearing_date: a.get(1),
                        appearance_label: label_of(a.get(2), Appearance::parse, Appearance::label),
                        person: a.get(3),
                        post: a.get(4),
                        lawyer: a.get(5),
                        head_notified: a.get::<i64, _>(6) == 1,
                        excuse_label: label_of(a.get(7), lt::Excuse::parse, lt::Excuse::label),
                        excuse_evidence: a.get(8),
                        compliant: a.get::<i64, _>(9) == 1,
                    })
                    .collect(),
            }
        })
        .collect();
    let ds = deadlines::load(&mut conn, MODULE, id).await?;
    let deadlines = ds
        .iter()
        .map(|d| {
            let label = DeadlineKind::parse(&d.kind)
                .map(|k| k.label().to_string())
                .unwrap_or_else(|_| d.kind.clone());
            deadlines::view(app, d, &label)
        })
        .collect();
    let rc_id: Option<i64> = r.get(24);
    let reconsideration = match rc_id {
        Some(rid) => sqlx::query_scalar::<_, String>(&format!(
            "SELECT c.case_no FROM rc_cases c WHERE c.id = $1 AND {}",
            actor.scope.sql(crate::reconsideration::TABLE.scope)
        ))
        .bind(rid)
        .fetch_optional(&mut *conn)
        .await?
        .map(|no| (rid, no)),
        None => None,
    };
    let srows = SUGGESTIONS
        .rows(
            app,
            &format!(
                "c.case_id = {id} AND {}",
                actor.scope.sql(SUGGESTIONS.scope)
            ),
            &[],
            "",
        )
        .await?;
    let actions = if writer {
        let status = Status::parse(&case.status)?;
        allowed_actions(status)
            .into_iter()
            .map(|a| (a.code().to_string(), a.label()))
            .collect()
    } else {
        vec![]
    };
    Ok(CaseDetail {
        act_doc_no: r.get(22),
        claim: r.get(23),
        reconsideration,
        requires_performance: r.get::<i64, _>(25) == 1,
        performance_days: r.get(26),
        performed: opt_bool(&r, 27),
        consequence_label: label_of(
            r.get(28),
            lt::NonPerformance::parse,
            lt::NonPerformance::label,
        ),
        case,
        instances,
        parties,
        events,
        deadlines,
        suggestions: srows.iter().map(|r| suggestion_row(app, r)).collect(),
        actions,
        may_write: writer,
    })
}

fn clock_for(kind: DeadlineKind, days: Option<u32>, start: NaiveDate) -> Clock {
    lt::deadline_rule(kind, days).clock(start)
}

/// Registers a lawsuit (登记应诉案件) with its first instance. A 复议后起诉 names the
/// reconsideration case: the lawsuit is linked to it, the organ is co-defendant after the decisions
/// of the setting `reconsideration.co_defendant_decisions` (行诉法 Art 26(2); 行诉解释 Arts 22, 133,
/// 134: 维持, 驳回复议请求, 部分撤销 / 部分变更, 确认违法 on procedural grounds), and the
/// reconsideration case records the suit if it has not yet.
pub async fn register(app: &App, actor: &Actor, f: &Fields) -> AppResult<(i64, String)> {
    kernel::register::register::<Lawsuits>(app, actor, f).await
}

impl kernel::Views for Lawsuits {
    type Summary = CaseRow;
    type Detail = CaseDetail;

    async fn list(app: &App, actor: &Actor, q: &ListQuery) -> AppResult<Page<CaseRow>> {
        list(app, actor, q).await
    }

    async fn detail(app: &App, actor: &Actor, id: i64) -> AppResult<CaseDetail> {
        detail(app, actor, id).await
    }

    fn head(d: &CaseDetail) -> kernel::CaseHead {
        kernel::CaseHead {
            case_no: d.case.case_no.clone(),
            status_label: d.case.status_label,
            version: d.case.version,
            may_write: d.may_write,
            registered: format!("已登记，案号{}", d.case.case_no),
        }
    }
}

impl kernel::Register for Lawsuits {
    type New = Lawsuit;
    const WRITE: Permission = Permission::WriteLitigation;

    fn parse(f: &Fields, today: NaiveDate) -> fazhi_domain::DomainResult<Lawsuit> {
        Lawsuit::parse(f, today)
    }

    async fn check_row(
        app: &App,
        actor: &Actor,
        l: &Lawsuit,
        earlier: &[Lawsuit],
    ) -> AppResult<Option<DomainError>> {
        import_conflict(app, actor, l, earlier).await
    }

    async fn prepare(
        tx: &mut Transaction<'_, Any>,
        app: &App,
        actor: &Actor,
        naming: &org::Naming,
        news: &[Lawsuit],
    ) -> AppResult<Vec<kernel::NewCase>> {
        use fazhi_store::rows::Val;
        let mut out = Vec::with_capacity(news.len());
        for l in news {
            let defendant = naming.name(l.defendant_unit_id, "defendant_unit_id", "被告")?;
            check_case_no_free(tx, &l.case_no).await?;
            let (rc_id, co_defendant) = match &l.rc_case_no {
                Some(no) => {
                    let (rc_id, maintained) = crate::reconsideration::link_lawsuit(
                        tx,
                        app,
                        actor,
                        no,
                        l.registered_date,
                        &format!("{}立案，案号{}", l.court, l.case_no),
                    )
                    .await?;
                    (Some(rc_id), maintained)
                }
                None => (None, false),
            };
            let received = l.copy_received_date;
            let columns: Vec<(&'static str, Val)> = vec![
                ("case_no", l.case_no.as_str().into()),
                ("court", l.court.as_str().into()),
                ("unit_id", actor.unit_id.into()),
                ("defendant_unit_id", l.defendant_unit_id.into()),
                ("co_defendant", co_defendant.into()),
                ("rc_case_id", rc_id.into()),
                ("status", Status::FirstInstance.code().into()),
                ("level", Level::First.code().into()),
                ("plaintiff_names", l.plaintiff_names().into()),
                ("act_name", l.act_name.as_str().into()),
                ("act_doc_no", l.act_doc_no.clone().into()),
                ("claim", l.claim.as_str().into()),
                ("registered_date", l.registered_date.to_string().into()),
                ("copy_received_date", received.to_string().into()),
                ("received_year", i64::from(received.year()).into()),
            ];
            // The first instance (审级), as later instances are added by steps.
            let first: Vec<(&'static str, Val)> = vec![
                ("level", Level::First.code().into()),
                ("appealable", true.into()),
                ("court", l.court.as_str().into()),
                ("case_no", l.case_no.as_str().into()),
                ("registered_date", l.registered_date.to_string().into()),
            ];
            let summary = format!(
                "{}诉{}{}一案，{}立案，{}收到起诉状副本{}",
                l.plaintiff_names(),
                defendant,
                l.act_name,
                l.court,
                format_date_cn(received),
                if co_defendant {
                    "；复议机关为共同被告（《行政诉讼法》第二十六条第二款）"
                } else {
                    ""
                }
            );
            out.push(kernel::NewCase {
                columns,
                number: l.case_no.clone(),
                parties: l.parties.clone(),
                date: received,
                summary,
                // Both run 15 days from receipt of the copy: the defence's is the case's nearest.
                deadlines: [DeadlineKind::Defence, DeadlineKind::EvidenceDelayRequest]
                    .map(|k| (k.code(), clock_for(k, None, received)))
                    .to_vec(),
                children: vec![("lt_instances", first)],
                audit: json!({"case_no": l.case_no, "court": l.court, "registered_date": l.registered_date,
                    "copy_received_date": received, "defendant_unit_id": l.defendant_unit_id,
                    "co_defendant": co_defendant, "rc_case_id": rc_id, "act_name": l.act_name,
                    "claim": l.claim, "parties": cases::parties_audit(&l.parties)}),
            });
        }
        Ok(out)
    }
}

async fn insert_instance(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
    n: &NewInstance,
) -> AppResult<()> {
    sqlx::query("INSERT INTO lt_instances (case_id, level, appealable, court, case_no, registered_date) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(case_id)
        .bind(n.level.code())
        .bind(i64::from(n.appealable))
        .bind(&n.court)
        .bind(&n.case_no)
        .bind(n.registered_date.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A 案号 names one instance of one lawsuit: refused when any lawsuit or instance has it.
async fn check_case_no_free(conn: &mut AnyConnection, case_no: &str) -> AppResult<()> {
    let taken: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM lt_cases WHERE case_no = $1) + (SELECT COUNT(*) FROM lt_instances WHERE case_no = $1)",
    )
    .bind(case_no)
    .fetch_one(conn)
    .await?;
    if taken > 0 {
        return Err(DomainError::field(
            Code::DuplicateCaseNo,
            "case_no",
            format!("案号{case_no}已经登记，请勿重复登记"),
        )
        .into());
    }
    Ok(())
}

/// A lawsuit as a step reads it: the case row and its instances (the current one last).
pub struct LoadedLawsuit {
    r: AnyRow,
    insts: Vec<AnyRow>,
}

impl LoadedLawsuit {
    fn current(&self) -> AppResult<&AnyRow> {
        self.insts
            .last()
            .ok_or_else(|| AppError::Internal("lawsuit without instance".into()))
    }
}

/// 行政应诉 on the procedure kernel: a step works on the lawsuit's current instance.
pub struct Lawsuits;

impl kernel::Module for Lawsuits {
    type P = lt::Litigation;
    type Row = LoadedLawsuit;
    const CASES: &'static str = "lt_cases";
    const ENTITY: &'static str = "lt_case";

    fn rules(app: &App) -> &lt::Rules {
        &app.config.litigation
    }

    async fn load(
        tx: &mut Transaction<'_, Any>,
        _: &App,
        actor: &Actor,
        id: i64,
    ) -> AppResult<kernel::Loaded<LoadedLawsuit>> {
        let r = load_case(tx, actor, id).await?;
        let insts = instances(tx, id).await?;
        Ok(kernel::Loaded {
            head: kernel::Head {
                status: r.try_get("status")?,
                version: r.try_get("version")?,
                last_event_date: stored_date(&r.try_get::<String, _>("last_event_date")?)?,
                may_write: may_write(actor, r.try_get("unit_id")?),
            },
            row: LoadedLawsuit { r, insts },
        })
    }

    fn facts(
        app: &App,
        case: &kernel::Loaded<LoadedLawsuit>,
        ds: &[deadlines::StoredDeadline],
    ) -> AppResult<CaseFacts> {
        let (r, cur) = (&case.row.r, case.row.current()?);
        let outcome_date: Option<String> = r.try_get("outcome_date")?;
        let performance_days: Option<i64> = r.try_get("performance_days")?;
        Ok(CaseFacts {
            status: Status::parse(&case.head.status)?,
            level: Level::parse(&cur.try_get::<String, _>("level")?)?,
            registered_date: stored_date(&cur.try_get::<String, _>("registered_date")?)?,
            last_event_date: case.head.last_event_date,
            hearings: cur.try_get("hearings")?,
            outcome_date: outcome_date.as_deref().map(stored_date).transpose()?,
            outcome: r
                .try_get::<Option<String>, _>("outcome")?
                .and_then(|o| OutcomeType::parse(&o).ok()),
            outcome_lost: r.try_get::<i64, _>("outcome_lost")? == 1,
            appealable: cur.try_get::<i64, _>("appealable")? == 1,
            // The request period is the first instance's, from receipt of the complaint copy; it
            // runs to its end even when the defence was filed earlier (which completes it).
            evidence_request_due: if case.row.insts.len() == 1 {
                ds.iter()
                    .rev()
                    .find(|d| d.kind == DeadlineKind::EvidenceDelayRequest.code())
                    .and_then(|d| d.due.or_else(|| d.clock.compute(&app.cal()).ok()?.due))
            } else {
                None
            },
            evidence_delay_requested: cur.try_get::<i64, _>("evidence_delay_requested")? == 1,
            late_evidence_open: ds
                .iter()
                .any(|d| d.kind == DeadlineKind::LateEvidence.code() && d.is_open()),
            performance_days: performance_days.map(|d| d as u32),
            requires_performance: r.try_get::<i64, _>("requires_performance")? == 1,
            appeal_due: deadlines::open_due(ds, DeadlineKind::AppealWindow.code(), app),
        })
    }

    /// The current instance's record of the step (hearings, appearances, outcome), a new
    /// instance, and the case's outcome and performance columns.
    async fn write(
        tx: &mut Transaction<'_, Any>,
        _: &App,
        id: i64,
        case: &kernel::Loaded<LoadedLawsuit>,
        step: &Step,
        out: &lt::Outcome,
    ) -> AppResult<Option<serde_json::Value>> {
        let cur = case.row.current()?;
        let instance_id: i64 = cur.try_get("id")?;
        let level = Level::parse(&cur.try_get::<String, _>("level")?)?;
        let ch = &out.changes;
        let date = step.date();
        let mut extra = None;
        match step {
            Step::RequestEvidenceDelay { .. } => {
                sqlx::query("UPDATE lt_instances SET evidence_delay_requested = 1 WHERE id = $1")
                    .bind(instance_id)
                    .execute(&mut **tx)
                    .await?;
            }
            Step::ScheduleHearing { head_notified, .. } => {
                sqlx::query("UPDATE lt_instances SET head_notified = CASE WHEN $1 = 1 THEN 1 ELSE head_notified END WHERE id = $2")
                    .bind(i64::from(*head_notified))
                    .bind(instance_id)
                    .execute(&mut **tx)
                    .await?;
            }
            Step::RecordHearing {
                appearance,
                person,
                post,
                lawyer,
                excuse,
                excuse_evidence,
                ..
            } => {
                let notified: i64 = cur.try_get("head_notified")?;
                let ok = appearance_compliant(*appearance, notified == 1, excuse.is_some());
                extra = Some(json!({ "compliant": ok }));
                sqlx::query(
                    "INSERT INTO lt_appearances (case_id, instance_id, hearing_date, appearance, person, post, lawyer, head_notified, excuse, excuse_evidence, compliant) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(id)
                .bind(instance_id)
                .bind(date.to_string())
                .bind(appearance.code())
                .bind(person)
                .bind(post)
                .bind(lawyer)
                .bind(notified)
                .bind(excuse.map(|e| e.code()))
                .bind(excuse_evidence)
                .bind(i64::from(ok))
                .execute(&mut **tx)
                .await?;
                // The instance's compliance from all its hearings (lt::instance_compliant): one
                // compliant appearance suffices (出庭规定 Art 7), unless a hearing was left to a
                // lawyer alone (行诉解释 Arts 128(2), 132).
                let held: Vec<(Appearance, bool)> = sqlx::query(
                    "SELECT appearance, compliant FROM lt_appearances WHERE instance_id = $1 ORDER BY id",
                )
                .bind(instance_id)
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|a| {
                    Ok((
                        Appearance::parse(&a.try_get::<String, _>("appearance")?)?,
                        a.try_get::<i64, _>("compliant")? == 1,
                    ))
                })
                .collect::<AppResult<_>>()?;
                sqlx::query(
                    "UPDATE lt_instances SET hearings = hearings + 1, hearing_year = COALESCE(hearing_year, $1), \
                     head_appeared = CASE WHEN $2 = 1 THEN 1 ELSE head_appeared END, compliant = $3 WHERE id = $4",
                )
                .bind(i64::from(date.year()))
                .bind(i64::from(*appearance == Appearance::Head))
                .bind(lt::instance_compliant(&held).map(i64::from))
                .bind(instance_id)
                .execute(&mut **tx)
                .await?;
            }
            Step::Judge {
                served_date,
                compensation,
                ..
            } => {
                let (outcome, _, _, lost) = ch
                    .outcome
                    .ok_or_else(|| AppError::Internal("a judgment without outcome".into()))?;
                sqlx::query("UPDATE lt_instances SET outcome = $1, outcome_date = $2, served_date = $3, lost = $4, compensation = $5 WHERE id = $6")
                    .bind(outcome.code())
                    .bind(date.to_string())
                    .bind(served_date.to_string())
                    .bind(i64::from(lost))
                    .bind(i64::from(*compensation))
                    .bind(instance_id)
                    .execute(&mut **tx)
                    .await?;
            }
            Step::Remand { .. } => {
                sqlx::query("UPDATE lt_instances SET outcome = $1, outcome_date = $2, served_date = $2, lost = 0 WHERE id = $3")
                    .bind(OutcomeType::Remanded.code())
                    .bind(date.to_string())
                    .bind(instance_id)
                    .execute(&mut **tx)
                    .await?;
            }
            _ => {}
        }
        if let Some(n) = &ch.new_instance {
            check_case_no_free(tx, &n.case_no).await?;
            insert_instance(tx, id, n).await?;
        }
        let first = ch.outcome.filter(|_| level == Level::First);
        let consequence = match step {
            Step::RecordPerformance { consequence, .. } => Some(consequence.code()),
            _ => None,
        };
        let outcome_lost = case.row.r.try_get::<i64, _>("outcome_lost")? == 1;
        let final_lost = ch
            .final_date
            .map(|_| ch.outcome.map(|o| o.3).unwrap_or(outcome_lost));
        // A new duty to perform (first finality, or a retrial that now finds a loss) starts
        // unperformed.
        sqlx::query(
            "UPDATE lt_cases SET level = COALESCE($1, level), outcome = COALESCE($2, outcome), outcome_date = COALESCE($3, outcome_date), \
             outcome_lost = COALESCE($4, outcome_lost), first_outcome = COALESCE(first_outcome, $5), first_year = COALESCE(first_year, $6), \
             first_lost = COALESCE(first_lost, $7), final_date = COALESCE(final_date, $8), final_year = COALESCE(final_year, $9), \
             final_lost = COALESCE(final_lost, $10), requires_performance = COALESCE($11, requires_performance), \
             performance_days = COALESCE($12, performance_days), \
             performed = CASE WHEN $15 = 1 THEN NULL ELSE COALESCE($13, performed) END, \
             consequence = CASE WHEN $15 = 1 THEN NULL ELSE COALESCE($14, consequence) END WHERE id = $16",
        )
        .bind(ch.new_instance.as_ref().map(|n| n.level.code()))
        .bind(ch.outcome.map(|o| o.0.code()))
        .bind(ch.outcome.map(|o| o.1.to_string()))
        .bind(ch.outcome.map(|o| i64::from(o.3)))
        .bind(first.map(|o| o.0.code()))
        .bind(first.map(|o| i64::from(o.1.year())))
        .bind(first.map(|o| i64::from(o.3)))
        .bind(ch.final_date.map(|d| d.to_string()))
        .bind(ch.final_date.map(|d| i64::from(d.year())))
        .bind(final_lost.map(i64::from))
        .bind(ch.requires_performance.map(i64::from))
        .bind(ch.performance_days.map(i64::from))
        .bind(ch.performed.map(i64::from))
        .bind(consequence)
        .bind(i64::from(ch.new_performance_duty))
        .bind(id)
        .execute(&mut **tx)
        .await?;
        Ok(extra)
    }
}

/// Takes one step in a lawsuit's current instance (the kernel's pipeline).
pub async fn take_step(
    app: &App,
    actor: &Actor,
    id: i64,
    action: &str,
    f: &Fields,
    expected_version: Option<i64>,
) -> AppResult<()> {
    kernel::take_step::<Lawsuits>(app, actor, id, action, f, expected_version).await
}

/// The module's indicators (`indicators.md`, `litigation.*` on lawsuits; `supervision.*` are on
/// suggestions, see [`suggestion_indicator_defs`]).
pub fn indicator_defs(app: &App) -> Vec<IndicatorDef> {
    let count = |key, label, unit, def, cond: &str| {
        IndicatorDef::count(key, label, unit, def, CountDef::cases(cond.into()))
    };
    let instances = |cond: &str| CountDef {
        from: "lt_instances i JOIN lt_cases c ON c.id = i.case_id".into(),
        cond: cond.into(),
        drilldown: Some(format!(
            "c.id IN (SELECT i.case_id FROM lt_instances i WHERE {cond})"
        )),
    };
    let final_lost = "c.final_lost = 1 AND c.final_year = {Y}";
    let first_lost = "c.first_lost = 1 AND c.first_year = {Y}";
    let (lost_cond, lost_text) = match app.config.litigation.loss_basis {
        LossBasis::Final => (final_lost, "本期裁判生效且按生效裁判败诉的件数"),
        LossBasis::FirstInstance => (first_lost, "本期一审裁判且一审败诉的件数"),
    };
    let (den_key, den_text) = match app.config.litigation.loss_rate_denominator {
        lt::LossDenominator::Cases => ("litigation.cases", "败诉件数 ÷ 行政应诉案件数"),
        lt::LossDenominator::Concluded => ("litigation.concluded", "败诉件数 ÷ 审结件数"),
    };
    let hearings = "i.hearing_year = {Y}";
    vec![
        count(
            "litigation.cases",
            "行政应诉案件",
            "件",
            "本期收到起诉状副本的行政诉讼案件数（按收到日期）",
            "c.received_year = {Y}",
        ),
        count(
            "litigation.concluded",
            "审结",
            "件",
            "本期裁判发生法律效力的件数（按生效日期）",
            "c.final_year = {Y}",
        ),
        count("litigation.lost", "败诉", "件", lost_text, lost_cond),
        IndicatorDef::rate("litigation.loss_rate", "败诉率", den_text, "litigation.lost", den_key),
        count(
            "litigation.lost_final",
            "败诉（按生效裁判）",
            "件",
            "本期生效且生效裁判认定败诉的件数",
            final_lost,
        ),
        count(
            "litigation.lost_first_instance",
            "败诉（按一审裁判）",
            "件",
            "本期一审裁判且一审败诉的件数",
            first_lost,
        ),
        IndicatorDef::count(
            "litigation.hearings",
            "开庭审理的应诉案件（审级）",
            "件",
            "本期开庭审理的案件审级数（一审、二审、再审分别计算）",
            instances(hearings),
        ),
        IndicatorDef::count(
            "litigation.head_appearances",
            "负责人出庭应诉",
            "件",
            "本期开庭审理且行政机关负责人出庭的案件审级数",
            instances(&format!("{hearings} AND i.head_appeared = 1")),
        ),
        IndicatorDef::rate(
            "litigation.head_appearance_rate",
            "出庭应诉率",
            "负责人出庭的案件（审级）数 ÷ 开庭审理的案件（审级）数",
            "litigation.head_appearances",
            "litigation.hearings",
        ),
        IndicatorDef::count(
            "litigation.non_compliant_appearances",
            "出庭不合规",
            "件",
            "本期开庭审理但负责人和工作人员均未出庭、未说明负责人不能出庭的理由，或有一次开庭仅委托律师出庭的案件审级数",
            instances(&format!("{hearings} AND i.compliant = 0")),
        ),
        IndicatorDef::count("litigation.retrials", "再审", "件", "本期再审立案的案件数", CountDef {
            from: "lt_instances i JOIN lt_cases c ON c.id = i.case_id".into(),
            cond: "i.level = 'retrial' AND i.registered_date >= '{Y}-01-01' AND i.registered_date <= '{Y}-12-31'".into(),
            drilldown: Some("c.id IN (SELECT i.case_id FROM lt_instances i WHERE i.level = 'retrial' AND i.registered_date >= '{Y}-01-01' AND i.registered_date <= '{Y}-12-31')".into()),
        }),
        count(
            "litigation.after_reconsideration",
            "复议后起诉",
            "件",
            "本期收到的经行政复议后起诉的案件数",
            "c.received_year = {Y} AND c.rc_case_id IS NOT NULL",
        ),
        count(
            "litigation.performance_required",
            "需履行的败诉裁判",
            "件",
            "本期生效且需要履行的败诉裁判件数",
            "c.requires_performance = 1 AND c.final_year = {Y}",
        ),
        count(
            "litigation.performed",
            "已履行的败诉裁判",
            "件",
            "其中已登记履行的件数",
            "c.requires_performance = 1 AND c.final_year = {Y} AND c.performed = 1",
        ),
    ]
}

/// 行政应诉 in the registry of modules.
pub static ENTRY: kernel::Entry = kernel::Entry {
    name: MODULE,
    label: "行政应诉",
    list_url: "/lt/cases",
    table: &TABLE,
    cases: "lt_cases",
    number: "c.case_no",
    parties: "c.plaintiff_names",
    unit: "d.name",
    row_label: None,
    status_label: kernel::label::<Status>,
    deadline_label: kernel::label::<DeadlineKind>,
    indicators: indicator_defs,
    report: Some(kernel::ReportSource {
        key: "litigation",
        records: "行政应诉案件记录",
        first_record: "SELECT MIN(copy_received_date) FROM lt_cases",
    }),
    excel: Some(kernel::Excel {
        export: |app, actor, q| Box::pin(export(app, actor, q)),
        template: import_template,
        import: |app, actor, bytes| Box::pin(import(app, actor, bytes)),
        import_url: "/lt/import",
        import_nav: "lt_import",
        import_heading: "从Excel导入行政应诉案件",
        import_hint: "日期格式为2024-09-27；案号如（2024）粤5302行初12号；被告须与系统中的单位名称一致；经复议后起诉的填写关联行政复议案号。",
        columns: &IMPORT_COLUMNS,
        export_file: "行政应诉案件",
        template_file: "行政应诉案件导入模板",
    }),
    home: Some(kernel::Home {
        statuses: &["first_instance", "appeal_window"],
        year_label: "应诉案件",
    }),
    use_cases: kernel::UseCases::of::<Lawsuits>(),
    pages: kernel::Pages {
        nav: "lt_cases",
        list: "lt_list.html",
        detail: "lt_detail.html",
    },
    indicators_api: "/lt/indicators",
};
