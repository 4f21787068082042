//! 行政复议 use cases: register an application, take a procedural step, list, detail, indicators,
//! Excel export and import. The procedure itself (statuses, steps, deadlines) lives in
//! `fazhi_domain::reconsideration`; this file loads, authorises, stores and audits.

use crate::cases::{self, label_of, stored_date, EventView, Page, PartyView, Table};
use crate::deadlines;
use crate::indicators::{CountDef, IndicatorDef};
use crate::{kernel, org, Actor, App, AppError, AppResult};
use chrono::{Datelike, NaiveDate};
use fazhi_domain::org::Permission;
use fazhi_domain::reconsideration::{
    self as rc, allowed_actions, format_case_no, Action, Application, CaseFacts, DeadlineKind,
    DecisionType, Fields, Procedure, Status, Step,
};
use fazhi_domain::Code;
use fazhi_domain::DomainError;
use fazhi_store::{Any, AnyConnection, Row, Transaction};
use serde::Serialize;
use serde_json::json;

mod excel;

pub use excel::{export, import, import_template, IMPORT, IMPORT_COLUMNS};

/// The module's name in shared tables (deadlines, audit log).
pub const MODULE: &str = "reconsideration";

const CASE_COLUMNS: &str = "c.id, c.case_no, c.received_date, c.applicant_names, r.name, c.act_name, c.status, c.procedure_kind, \
     c.next_due, c.next_due_unit, c.version, c.channel, c.accepted_date, c.closed_date, c.decision_type, c.unit_id, c.respondent_unit_id";

pub use crate::cases::MAX_PAGE;

/// The cases with their respondent's name. A LEFT JOIN (the respondent always exists) because
/// SQLite keeps the left table outer: an inner join let its planner drive from `units` through
/// every case of a respondent before filtering (docs/performance.md).
const CASE_FROM: &str = "rc_cases c LEFT JOIN units r ON r.id = c.respondent_unit_id";

/// A case as lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRow {
    pub id: i64,
    pub case_no: String,
    pub received_date: String,
    pub applicant_names: String,
    pub respondent: String,
    pub act_name: String,
    pub status: String,
    pub status_label: &'static str,
    pub procedure_label: &'static str,
    pub channel_label: &'static str,
    pub accepted_date: Option<String>,
    pub closed_date: Option<String>,
    pub decision_label: &'static str,
    #[serde(flatten)]
    pub due: deadlines::RowDue,
    pub version: i64,
    pub unit_id: i64,
    pub respondent_unit_id: i64,
}

fn case_row(app: &App, r: &fazhi_store::AnyRow) -> CaseRow {
    let status: String = r.get(6);
    CaseRow {
        id: r.get(0),
        case_no: r.get(1),
        received_date: r.get(2),
        applicant_names: r.get(3),
        respondent: r.get(4),
        act_name: r.get(5),
        status_label: Status::parse(&status).map(|s| s.label()).unwrap_or(""),
        status,
        procedure_label: label_of(r.get(7), Procedure::parse, Procedure::label),
        channel_label: label_of(r.get(11), rc::Channel::parse, rc::Channel::label),
        accepted_date: r.get(12),
        closed_date: r.get(13),
        decision_label: label_of(r.get(14), DecisionType::parse, DecisionType::label),
        due: deadlines::RowDue::of(app, r.get(8), r.get(9)),
        version: r.get(10),
        unit_id: r.get(15),
        respondent_unit_id: r.get(16),
    }
}

pub use crate::cases::ListQuery;

/// How the module's cases are listed, searched and counted.
pub const TABLE: Table = Table {
    table: "rc_cases c",
    from: CASE_FROM,
    columns: CASE_COLUMNS,
    scope: &["c.unit_id", "c.respondent_unit_id"],
    year: "c.received_year",
    order: "c.received_date DESC, c.id DESC",
    // The respondent by a subquery, not the join, so that counts never join (docs/performance.md).
    text: "(c.case_no LIKE $1 OR c.applicant_names LIKE $1 OR c.act_name LIKE $1 \
           OR c.respondent_unit_id IN (SELECT u.id FROM units u WHERE u.name LIKE $1))",
    status: |s| Status::parse(s).map(Status::code),
};

pub async fn list(app: &App, actor: &Actor, q: &ListQuery) -> AppResult<Page<CaseRow>> {
    actor.require(Permission::ReadCases)?;
    let (where_sql, binds) = TABLE.filter(app, actor, q, &indicator_defs(app)).await?;
    let (rows, total, page, per_page) = TABLE.page(app, &where_sql, &binds, q).await?;
    let items = rows.iter().map(|r| case_row(app, r)).collect();
    Ok(Page::new(items, total, page, per_page))
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    pub case: CaseRow,
    pub act_doc_no: Option<String>,
    pub act_date: String,
    pub request: String,
    pub handler: Option<String>,
    pub termination_label: &'static str,
    pub requires_performance: bool,
    pub performed: Option<bool>,
    pub litigation_date: Option<String>,
    pub extended: bool,
    pub hearing_held: bool,
    /// The hearings held, with who attended for the respondent (行政复议法第五十一条第三款).
    pub hearings: Vec<HearingView>,
    /// With a 确认违法 decision: whether on procedural grounds (行诉解释第二十二条).
    pub procedural_ground: Option<bool>,
    pub letters: i64,
    pub parties: Vec<PartyView>,
    pub events: Vec<EventView>,
    pub deadlines: Vec<deadlines::DeadlineView>,
    /// 被申请人逾期未答复: the answer period ran out without the answer (Art 70), with what
    /// follows from it; shown on the case page.
    pub answer_late: Option<&'static str>,
    /// Steps the actor may take now: (code, label).
    pub actions: Vec<(String, &'static str)>,
    /// The actor may take steps on this case (write permission and the case in his write scope),
    /// whatever its status allows now; a step's form is shown only then.
    pub may_write: bool,
}

/// A hearing held, as the case page and the export show it.
#[derive(Debug, Clone, Serialize)]
pub struct HearingView {
    pub hearing_date: String,
    pub head_attended: bool,
    pub head_name: Option<String>,
    pub head_post: Option<String>,
    pub absence_reason: Option<String>,
    pub delegate: Option<String>,
}

impl HearingView {
    /// 负责人王东（副局长）参加 / 负责人未参加（理由），委托李四参加.
    pub fn text(&self) -> String {
        if self.head_attended {
            format!(
                "被申请人负责人{}（{}）参加听证",
                self.head_name.as_deref().unwrap_or_default(),
                self.head_post.as_deref().unwrap_or_default()
            )
        } else {
            format!(
                "被申请人负责人未参加听证（理由：{}），委托{}参加",
                self.absence_reason.as_deref().unwrap_or_default(),
                self.delegate.as_deref().unwrap_or_default()
            )
        }
    }
}

/// The hearings of the cases `ids`, as (case id, hearing), in date order.
async fn hearings(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<(i64, HearingView)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let sql = format!(
            "SELECT case_id, hearing_date, head_attended, head_name, head_post, absence_reason, delegate \
             FROM rc_hearings WHERE case_id IN ({}) ORDER BY hearing_date, id",
            list.join(",")
        );
        out.extend(
            sqlx::query(&sql)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|h| {
                    (
                        h.get(0),
                        HearingView {
                            hearing_date: h.get(1),
                            head_attended: h.get::<i64, _>(2) == 1,
                            head_name: h.get(3),
                            head_post: h.get(4),
                            absence_reason: h.get(5),
                            delegate: h.get(6),
                        },
                    )
                }),
        );
    }
    Ok(out)
}

/// Loads a case the actor may see, or `NotFound` (also when it exists outside his scope).
async fn load_case(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
) -> AppResult<fazhi_store::AnyRow> {
    let sql = format!(
        "SELECT {CASE_COLUMNS}, c.act_doc_no, c.act_date, c.request, c.handler, c.termination_reason, c.requires_performance, \
         c.performed, c.litigation_date, c.extended, c.hearing_held, c.letters, c.last_event_date, c.procedural_ground \
         FROM {CASE_FROM} WHERE c.id = $1 AND {}",
        actor.scope.sql(&["c.unit_id", "c.respondent_unit_id"])
    );
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound("案件"))
}

fn may_write(actor: &Actor, row: &fazhi_store::AnyRow) -> bool {
    actor.can(Permission::WriteReconsideration) && actor.write_scope.contains(row.get::<i64, _>(15))
}

pub async fn detail(app: &App, actor: &Actor, id: i64) -> AppResult<CaseDetail> {
    actor.require(Permission::ReadCases)?;
    let mut conn = app.db.pool.acquire().await?;
    let r = load_case(&mut conn, actor, id).await?;
    let case = case_row(app, &r);
    let full_identity = may_write(actor, &r);
    let parties = cases::party_views(
        &mut conn,
        app,
        actor,
        MODULE,
        "rc_case",
        id,
        &case.case_no,
        full_identity,
    )
    .await?;
    let events = cases::load_events(&mut conn, MODULE, id, |a| {
        if a == "register" {
            "登记申请"
        } else {
            Action::parse(a).map(|a| a.label()).unwrap_or("")
        }
    })
    .await?;
    let ds = deadlines::load(&mut conn, MODULE, id).await?;
    let mut deadlines: Vec<deadlines::DeadlineView> = ds
        .iter()
        .map(|d| deadlines::view(app, d, &deadline_label(&d.kind)))
        .collect();
    // Art 70: an answer period run out without the answer is flagged, with its consequence.
    let mut answer_late = None;
    for v in deadlines
        .iter_mut()
        .filter(|v| v.kind == DeadlineKind::Answer.code())
    {
        if v.due
            .is_some_and(|due| rc::answer_late(due, v.completed, app.today()))
        {
            v.steps.push(rc::ANSWER_LATE_NOTE.into());
            answer_late = Some(rc::ANSWER_LATE_NOTE);
        }
    }
    let status = Status::parse(&case.status)?;
    // The receipt steps are offered only while there is something for them to record.
    let waiting = ds.iter().any(|d| d.is_open() && d.clock.waiting);
    let answer_open = ds
        .iter()
        .any(|d| d.kind == DeadlineKind::Answer.code() && d.is_open());
    let actions = if may_write(actor, &r) {
        allowed_actions(status)
            .into_iter()
            .filter(|a| match a {
                Action::RecordService => waiting,
                Action::RecordAnswer => answer_open,
                _ => true,
            })
            .map(|a| (a.code().to_string(), a.label()))
            .collect()
    } else {
        vec![]
    };
    let perf: Option<i64> = r.get(23);
    let hearings = hearings(&mut conn, &[id])
        .await?
        .into_iter()
        .map(|h| h.1)
        .collect();
    Ok(CaseDetail {
        act_doc_no: r.get(17),
        act_date: r.get(18),
        request: r.get(19),
        handler: r.get(20),
        termination_label: label_of(
            r.get(21),
            rc::TerminationReason::parse,
            rc::TerminationReason::label,
        ),
        requires_performance: r.get::<i64, _>(22) == 1,
        performed: perf.map(|p| p == 1),
        litigation_date: r.get(24),
        extended: r.get::<i64, _>(25) == 1,
        hearing_held: r.get::<i64, _>(26) == 1,
        hearings,
        procedural_ground: r.get::<Option<i64>, _>(29).map(|p| p == 1),
        letters: r.get(27),
        case,
        parties,
        events,
        deadlines,
        answer_late,
        actions,
        may_write: full_identity,
    })
}

fn deadline_label(kind: &str) -> String {
    DeadlineKind::parse(kind)
        .map(|k| k.label().to_string())
        .unwrap_or_else(|_| kind.to_string())
}

/// Reserves `n` case numbers of the organ for `year`; returns the first sequence number. The
/// counter only goes up, so a number is never reused.
async fn reserve_case_nos(
    tx: &mut Transaction<'_, Any>,
    prefix: &str,
    year: i32,
    n: i64,
) -> AppResult<i64> {
    let last: i64 = sqlx::query_scalar(
        "INSERT INTO case_numbers (prefix, year, last_seq) VALUES ($1, $2, $3) \
         ON CONFLICT (prefix, year) DO UPDATE SET last_seq = case_numbers.last_seq + $3 RETURNING last_seq",
    )
    .bind(prefix)
    .bind(i64::from(year))
    .bind(n)
    .fetch_one(&mut **tx)
    .await?;
    Ok(last - n + 1)
}

/// Registers an application (登记申请). Returns the new case's id and number.
pub async fn register(app: &App, actor: &Actor, f: &Fields) -> AppResult<(i64, String)> {
    kernel::register::register::<Reconsideration>(app, actor, f).await
}

impl kernel::Register for Reconsideration {
    type New = Application;
    const WRITE: Permission = Permission::WriteReconsideration;

    fn parse(f: &Fields, today: NaiveDate) -> fazhi_domain::DomainResult<Application> {
        Application::parse(f, today)
    }

    async fn prepare(
        tx: &mut Transaction<'_, Any>,
        app: &App,
        actor: &Actor,
        naming: &org::Naming,
        news: &[Application],
    ) -> AppResult<Vec<kernel::NewCase>> {
        use fazhi_store::rows::Val;
        let prefix: String =
            sqlx::query_scalar("SELECT case_prefix FROM jurisdiction WHERE id = 1")
                .fetch_optional(&mut **tx)
                .await?
                .ok_or_else(|| AppError::Internal("jurisdiction not initialised".into()))?;
        // Numbers in the order of the rows, per year of receipt.
        let mut next: std::collections::BTreeMap<i32, i64> = std::collections::BTreeMap::new();
        for a in news {
            *next.entry(a.received_date.year()).or_default() += 1;
        }
        for (year, n) in next.iter_mut() {
            *n = reserve_case_nos(tx, &prefix, *year, *n).await?;
        }
        let mut out = Vec::with_capacity(news.len());
        for a in news {
            let respondent = naming.name(a.respondent_unit_id, "respondent_unit_id", "被申请人")?;
            let year = a.received_date.year();
            let seq = next.get_mut(&year).expect("counted above");
            let case_no = format_case_no(&prefix, year, *seq);
            *seq += 1;
            let acceptance = rc::deadline_rule(
                DeadlineKind::AcceptanceReview,
                None,
                &app.config.reconsideration,
            )
            .clock(a.received_date);
            let columns: Vec<(&'static str, Val)> = vec![
                ("case_no", case_no.as_str().into()),
                ("case_year", i64::from(year).into()),
                ("unit_id", actor.unit_id.into()),
                ("respondent_unit_id", a.respondent_unit_id.into()),
                ("status", Status::Received.code().into()),
                ("channel", a.channel.code().into()),
                ("received_date", a.received_date.to_string().into()),
                ("received_year", i64::from(year).into()),
                ("act_name", a.act_name.as_str().into()),
                ("act_doc_no", a.act_doc_no.clone().into()),
                ("act_date", a.act_date.to_string().into()),
                ("request", a.request.as_str().into()),
                ("applicant_names", a.applicant_names().into()),
            ];
            out.push(kernel::NewCase {
                columns,
                summary: format!(
                    "{}通过{}提出行政复议申请，被申请人：{}",
                    a.applicant_names(),
                    a.channel.label(),
                    respondent
                ),
                audit: audit_view(a, &case_no),
                number: case_no,
                parties: a.parties.clone(),
                date: a.received_date,
                deadlines: vec![(DeadlineKind::AcceptanceReview.code(), acceptance)],
                children: Vec::new(),
            });
        }
        Ok(out)
    }
}

/// The application as the audit log keeps it: identity numbers and phones masked.
fn audit_view(a: &Application, case_no: &str) -> serde_json::Value {
    json!({"case_no": case_no, "received_date": a.received_date, "channel": a.channel.code(),
           "respondent_unit_id": a.respondent_unit_id, "act_name": a.act_name, "act_date": a.act_date,
           "request": a.request, "parties": cases::parties_audit(&a.parties)})
}

/// Links a lawsuit registered in 行政应诉 (复议后起诉) to the reconsideration case it follows, which
/// the actor must be able to see. Returns the case's id and whether the organ is co-defendant
/// (行政诉讼法 Art 26(2); 行诉解释 Arts 22, 133, 134: the decisions of the setting
/// `reconsideration.co_defendant_decisions`, [`rc::organ_is_co_defendant`]). When the actor may
/// also write the case and it has not recorded the suit, the step 登记复议后起诉 is recorded on it
/// too; otherwise it is left to the reconsideration clerk.
pub async fn link_lawsuit(
    tx: &mut Transaction<'_, Any>,
    app: &App,
    actor: &Actor,
    case_no: &str,
    date: NaiveDate,
    court: &str,
) -> AppResult<(i64, bool)> {
    let sql = format!(
        "SELECT {CASE_COLUMNS}, c.last_event_date, c.litigation_date, c.procedural_ground FROM {CASE_FROM} WHERE c.case_no = $1 AND {}",
        actor.scope.sql(TABLE.scope)
    );
    let Some(r) = sqlx::query(&sql)
        .bind(case_no.trim())
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Err(DomainError::field(
            Code::NotFound,
            "rc_case_no",
            format!("关联行政复议案号“{case_no}”不存在或无权查看"),
        )
        .into());
    };
    let id: i64 = r.get(0);
    let status = Status::parse(&r.get::<String, _>(6))?;
    let co_defendant = match r.get::<Option<String>, _>(14) {
        Some(t) => rc::organ_is_co_defendant(
            DecisionType::parse(&t)?,
            r.get::<Option<i64>, _>(19) == Some(1),
            &app.config.reconsideration,
        ),
        None => false,
    };
    let version: i64 = r.get(10);
    let last = stored_date(&r.get::<String, _>(17))?;
    let recorded = r.get::<Option<String>, _>(18).is_some();
    let action = Action::RecordLitigation;
    if may_write(actor, &r)
        && !recorded
        && allowed_actions(status).contains(&action)
        && date >= last
    {
        let f: Fields = [("date", date.to_string()), ("court", court.to_string())]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        kernel::step_in::<Reconsideration>(tx, app, actor, id, action.code(), &f, Some(version))
            .await?;
    }
    Ok((id, co_defendant))
}

/// 行政复议 on the procedure kernel: its cases, what a step reads of them and writes besides the
/// case head.
pub struct Reconsideration;

impl kernel::Module for Reconsideration {
    type P = rc::Reconsideration;
    type Row = fazhi_store::AnyRow;
    const CASES: &'static str = "rc_cases";
    const ENTITY: &'static str = "rc_case";

    fn rules(app: &App) -> &rc::Rules {
        &app.config.reconsideration
    }

    async fn load(
        tx: &mut Transaction<'_, Any>,
        _: &App,
        actor: &Actor,
        id: i64,
    ) -> AppResult<kernel::Loaded<fazhi_store::AnyRow>> {
        let r = load_case(tx, actor, id).await?;
        Ok(kernel::Loaded {
            head: kernel::Head {
                status: r.try_get("status")?,
                version: r.try_get("version")?,
                last_event_date: stored_date(&r.try_get::<String, _>("last_event_date")?)?,
                may_write: may_write(actor, &r),
            },
            row: r,
        })
    }

    fn facts(
        app: &App,
        case: &kernel::Loaded<fazhi_store::AnyRow>,
        ds: &[deadlines::StoredDeadline],
    ) -> AppResult<CaseFacts> {
        let r = &case.row;
        let of_kind = |k: DeadlineKind| ds.iter().filter(move |d| d.kind == k.code());
        Ok(CaseFacts {
            status: Status::parse(&case.head.status)?,
            procedure: r
                .try_get::<Option<String>, _>("procedure_kind")?
                .and_then(|p| Procedure::parse(&p).ok()),
            received_date: stored_date(&r.try_get::<String, _>("received_date")?)?,
            last_event_date: case.head.last_event_date,
            extended: r.try_get::<i64, _>("extended")? == 1,
            requires_performance: r.try_get::<i64, _>("requires_performance")? == 1,
            acceptance_due: deadlines::open_due(ds, DeadlineKind::AcceptanceReview.code(), app),
            opinion_reply_open: of_kind(DeadlineKind::OpinionReply).any(|d| d.is_open()),
            correction_requested: of_kind(DeadlineKind::Correction).next().is_some(),
            correction_due: deadlines::open_due(ds, DeadlineKind::Correction.code(), app),
            copy_sent: of_kind(DeadlineKind::Answer).next().is_some(),
            answer_open: of_kind(DeadlineKind::Answer).any(|d| d.is_open()),
            awaiting: ds
                .iter()
                .filter(|d| d.is_open() && d.clock.waiting)
                .filter_map(|d| Some((DeadlineKind::parse(&d.kind).ok()?, d.clock.start)))
                .collect(),
        })
    }

    async fn write(
        tx: &mut Transaction<'_, Any>,
        app: &App,
        id: i64,
        _: &kernel::Loaded<fazhi_store::AnyRow>,
        step: &Step,
        out: &rc::Outcome,
    ) -> AppResult<Option<serde_json::Value>> {
        let ch = &out.changes;
        let date = step.date();
        let closed = matches!(step, Step::Refuse { .. } | Step::Abandon { .. })
            .then_some(date)
            .or(ch.concluded_date);
        let corrected = ch
            .decision_type
            .map(|t| t.is_correction(&app.config.reconsideration));
        let handler = match step {
            Step::Accept { handler, .. } => handler.clone(),
            _ => None,
        };
        sqlx::query(
            "UPDATE rc_cases SET procedure_kind = COALESCE($1, procedure_kind), accepted_date = COALESCE($2, accepted_date), \
             closed_date = COALESCE($3, closed_date), closed_year = COALESCE($4, closed_year), decision_type = COALESCE($5, decision_type), \
             corrected = COALESCE($6, corrected), termination_reason = COALESCE($7, termination_reason), \
             requires_performance = COALESCE($8, requires_performance), performed = COALESCE($9, performed), \
             litigation_date = COALESCE($10, litigation_date), extended = COALESCE($11, extended), \
             hearing_held = CASE WHEN $12 = 1 THEN 1 ELSE hearing_held END, letters = letters + $13, handler = COALESCE($14, handler), \
             procedural_ground = COALESCE($15, procedural_ground) WHERE id = $16",
        )
        .bind(ch.procedure.map(|p| p.code()))
        .bind(ch.accepted_date.map(|d| d.to_string()))
        .bind(closed.map(|d| d.to_string()))
        .bind(closed.map(|d| i64::from(d.year())))
        .bind(ch.decision_type.map(|t| t.code()))
        .bind(corrected.map(i64::from))
        .bind(ch.termination_reason.map(|t| t.code()))
        .bind(ch.requires_performance.map(i64::from))
        .bind(ch.performed.map(i64::from))
        .bind(ch.litigation_date.map(|d| d.to_string()))
        .bind(ch.extended.map(i64::from))
        .bind(i64::from(ch.hearing_held))
        .bind(i64::from(ch.letter_issued))
        .bind(handler)
        .bind(ch.procedural_ground.map(i64::from))
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if let Step::RecordHearing { respondent, .. } = step {
            insert_hearing(tx, id, date, respondent).await?;
        }
        Ok(None)
    }
}

/// Takes one procedural step on a case (the kernel's pipeline). `expected_version`, when given,
/// must match the stored version (the form was loaded from it), otherwise a conflict.
pub async fn take_step(
    app: &App,
    actor: &Actor,
    id: i64,
    action: &str,
    f: &Fields,
    expected_version: Option<i64>,
) -> AppResult<()> {
    kernel::take_step::<Reconsideration>(app, actor, id, action, f, expected_version).await
}

/// Records a hearing held and who attended it for the respondent.
async fn insert_hearing(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    date: NaiveDate,
    respondent: &rc::HearingRespondent,
) -> AppResult<()> {
    let (name, post, reason, delegate) = match respondent {
        rc::HearingRespondent::Head { name, post } => (Some(name), Some(post), None, None),
        rc::HearingRespondent::Delegated { reason, delegate } => {
            (None, None, Some(reason), Some(delegate))
        }
    };
    sqlx::query(
        "INSERT INTO rc_hearings (case_id, hearing_date, head_attended, head_name, head_post, absence_reason, delegate) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(date.to_string())
    .bind(i64::from(respondent.head_attended()))
    .bind(name)
    .bind(post)
    .bind(reason)
    .bind(delegate)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The module's indicator definitions (`indicators.md`, `reconsideration.*`), as conditions on
/// `rc_cases c` for a period. The same condition gives the value and the drill-down list.
pub fn indicator_defs(app: &App) -> Vec<IndicatorDef> {
    use crate::config::CorrectionDenominator as D;
    let rules = &app.config.reconsideration;
    let corrections: Vec<String> = DecisionType::ALL
        .iter()
        .filter(|t| t.is_correction(rules))
        .map(|t| format!("'{}'", t.code()))
        .collect();
    let corrections = corrections.join(",");
    let concluded = "c.status IN ('decided','mediated','terminated') AND c.closed_year = {Y}";
    let merits =
        "c.status = 'decided' AND c.decision_type <> 'reject_application' AND c.closed_year = {Y}";
    let perf_required =
        "c.requires_performance = 1 AND c.status IN ('decided','mediated') AND c.closed_year = {Y}";
    let count = |key: &'static str,
                 label: &'static str,
                 unit: &'static str,
                 def: &'static str,
                 cond: String| {
        IndicatorDef::count(key, label, unit, def, CountDef::cases(cond))
    };
    let (den_key, den_text) = match app.config.indicators.correction_denominator {
        D::Merits => (
            "reconsideration.decided_on_merits",
            "纠错件数 ÷ 作出实体决定的件数",
        ),
        D::Concluded => ("reconsideration.concluded", "纠错件数 ÷ 审结件数"),
        D::Applications => ("reconsideration.applications", "纠错件数 ÷ 收到申请件数"),
    };
    let ind = &app.config.indicators;
    let (concl_key, concl_words) = ind.conclusion_denominator.key_and_words();
    let concl_text = format!("审结件数 ÷ {concl_words}");
    let (lit_key, lit_words) = ind.litigation_denominator.key_and_words();
    let lit_text = format!("复议后起诉件数 ÷ {lit_words}");
    vec![
        count("reconsideration.applications", "收到行政复议申请", "件", "本期收到的行政复议申请件数（按收到申请日期）", "c.received_year = {Y}".into()),
        count("reconsideration.accepted", "受理", "件", "本期决定受理或视为受理的件数（按受理日期）", "c.accepted_date >= '{Y}-01-01' AND c.accepted_date <= '{Y}-12-31'".into()),
        count("reconsideration.rejected", "不予受理", "件", "本期决定不予受理的件数", "c.status = 'not_accepted' AND c.closed_year = {Y}".into()),
        count("reconsideration.concluded", "审结", "件", "本期以决定、调解或终止方式审结的件数（按结案日期）", concluded.into()),
        IndicatorDef::rate("reconsideration.conclusion_rate", "审结率", &concl_text, "reconsideration.concluded", concl_key),
        count("reconsideration.decided_on_merits", "作出实体决定", "件", "本期作出复议决定（不含驳回复议申请）的件数", merits.into()),
        count(
            "reconsideration.corrected",
            "纠错",
            "件",
            "本期作出变更、部分变更、撤销、部分撤销、确认违法、责令履行决定（及按配置计入的确认无效决定）的件数",
            format!("c.status = 'decided' AND c.closed_year = {{Y}} AND c.decision_type IN ({corrections})"),
        ),
        IndicatorDef::rate("reconsideration.correction_rate", "纠错率", den_text, "reconsideration.corrected", den_key),
        count(
            "reconsideration.hearings",
            "听证审理",
            "件",
            "本期举行听证的案件数（按听证日期）",
            "c.id IN (SELECT e.case_id FROM case_events e WHERE e.module = 'reconsideration' AND e.action = 'record_hearing' AND e.event_date >= '{Y}-01-01' AND e.event_date <= '{Y}-12-31')".into(),
        ),
        count(
            "reconsideration.hearing_head_attended",
            "被申请人负责人参加听证",
            "件",
            "本期举行听证且被申请人负责人参加听证的案件数（按听证日期，《行政复议法》第五十一条第三款）",
            "c.id IN (SELECT h.case_id FROM rc_hearings h WHERE h.head_attended = 1 AND h.hearing_date >= '{Y}-01-01' AND h.hearing_date <= '{Y}-12-31')".into(),
        ),
        count(
            "reconsideration.hearings_attendance_recorded",
            "登记被申请人负责人参加情况的听证案件",
            "件",
            "本期举行听证且登记了被申请人负责人是否参加的案件数（按听证日期；此前版本登记的听证没有这一记录）",
            "c.id IN (SELECT h.case_id FROM rc_hearings h WHERE h.hearing_date >= '{Y}-01-01' AND h.hearing_date <= '{Y}-12-31')".into(),
        ),
        IndicatorDef::count(
            "reconsideration.opinion_letters",
            "行政复议意见书、建议书",
            "份",
            "本期制发的行政复议意见书、建议书份数",
            CountDef {
                from: "case_events e JOIN rc_cases c ON c.id = e.case_id AND e.module = 'reconsideration'".into(),
                cond: "e.action = 'issue_letter' AND e.event_date >= '{Y}-01-01' AND e.event_date <= '{Y}-12-31'".into(),
                drilldown: Some("c.id IN (SELECT e.case_id FROM case_events e WHERE e.module = 'reconsideration' AND e.action = 'issue_letter' AND e.event_date >= '{Y}-01-01' AND e.event_date <= '{Y}-12-31')".into()),
            },
        ),
        count("reconsideration.litigated_after", "复议后提起行政诉讼", "件", "本期申请人不服复议决定提起行政诉讼的件数（按起诉日期）", "c.litigation_date >= '{Y}-01-01' AND c.litigation_date <= '{Y}-12-31'".into()),
        IndicatorDef::rate("reconsideration.litigation_rate", "起诉率", &lit_text, "reconsideration.litigated_after", lit_key),
        count("reconsideration.performance_required", "需履行的复议决定", "件", "本期结案且需要被申请人履行的决定和调解书件数", perf_required.into()),
        count(
            "reconsideration.performed",
            "已履行的复议决定",
            "件",
            "其中已登记履行的件数",
            format!("{perf_required} AND c.performed = 1"),
        ),
        IndicatorDef::rate("reconsideration.performance_rate", "行政复议决定履行率", "已履行件数 ÷ 需履行件数", "reconsideration.performed", "reconsideration.performance_required"),
    ]
}

/// 行政复议 in the registry of modules.
pub static ENTRY: kernel::Entry = kernel::Entry {
    name: MODULE,
    label: "行政复议",
    list_url: "/rc/cases",
    table: &TABLE,
    cases: "rc_cases",
    number: "c.case_no",
    parties: "c.applicant_names",
    unit: "r.name",
    row_label: None,
    status_label: kernel::label::<Status>,
    deadline_label: kernel::label::<DeadlineKind>,
    indicators: indicator_defs,
    report: Some(kernel::ReportSource {
        key: "reconsideration",
        records: "行政复议案件记录",
        first_record: "SELECT MIN(received_date) FROM rc_cases",
    }),
    excel: Some(kernel::Excel {
        export: |app, actor, q| Box::pin(export(app, actor, q)),
        template: import_template,
        import: |app, actor, bytes| Box::pin(import(app, actor, bytes)),
        import_url: "/rc/import",
        import_nav: "rc_import",
        import_heading: "从Excel导入行政复议申请",
        import_hint: "日期格式为2024-09-27；申请人类别填“自然人”或“法人或其他组织”；被申请人须与系统中的单位名称一致。",
        columns: &IMPORT_COLUMNS,
        export_file: "行政复议案件",
        template_file: "行政复议申请导入模板",
    }),
    home: Some(kernel::Home {
        statuses: &["received", "under_review"],
        year_label: "收到申请",
    }),
    use_cases: kernel::UseCases::of::<Reconsideration>(),
    pages: kernel::Pages {
        nav: "rc_cases",
        list: "rc_list.html",
        detail: "rc_detail.html",
    },
    indicators_api: "/rc/indicators",
};
