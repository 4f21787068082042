//! Deadlines of every module, stored alike: the clock (start, period, pauses, extensions) and the
//! computed due date. A module opens, completes, pauses and extends them by kind; this file keeps
//! the storage, the state on a given day and the explanation shown to users.

use crate::{App, AppResult};
use chrono::NaiveDate;
use fazhi_domain::calendar::format_date_cn;
use fazhi_domain::deadline::{
    deadline_state, Clock, DeadlineState, Effect, Extension, Pause, PeriodUnit,
};
use fazhi_domain::Coded;
use fazhi_store::{Any, Row, Transaction};
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct StoredDeadline {
    pub id: i64,
    pub kind: String,
    pub clock: Clock,
    pub due: Option<NaiveDate>,
    pub completed: Option<NaiveDate>,
    /// The stored due date was counted on a provisional year (暂定). When a year's official file
    /// is added, the open deadlines with this flag are the ones to recompute.
    pub provisional: bool,
}

impl StoredDeadline {
    pub fn is_open(&self) -> bool {
        self.completed.is_none()
    }
}

/// A deadline as a page or the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineView {
    pub kind: String,
    pub label: String,
    pub start: NaiveDate,
    pub count: u32,
    pub unit_label: &'static str,
    pub basis: String,
    pub due: Option<NaiveDate>,
    pub completed: Option<NaiveDate>,
    pub state: &'static str,
    pub state_label: &'static str,
    /// Days left, counted as the period counts them; negative when overdue.
    pub days_left: Option<i64>,
    pub days_unit: &'static str,
    /// 暂定: the due date was counted on a year without the State Council's notice.
    pub provisional: bool,
    /// While the clock waits for its start event (state `waiting`): what it waits for, e.g.
    /// 复议决定书送达之日; `start` is then the day the deadline was set up.
    pub waiting_for: Option<String>,
    /// 期限计算说明: every step of the computation.
    pub steps: Vec<String>,
}

fn parse_date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| s.parse().ok())
}

pub async fn load(
    conn: &mut fazhi_store::AnyConnection,
    module: &str,
    case_id: i64,
) -> AppResult<Vec<StoredDeadline>> {
    let rows = sqlx::query("SELECT id, kind, clock_json, due_date, completed_date, provisional FROM deadlines WHERE module = $1 AND case_id = $2 ORDER BY id")
        .bind(module)
        .bind(case_id)
        .fetch_all(conn)
        .await?;
    rows.into_iter()
        .map(|r| {
            let clock: Clock = serde_json::from_str(&r.get::<String, _>(2))?;
            Ok(StoredDeadline {
                id: r.get(0),
                kind: r.get(1),
                clock,
                due: parse_date(r.get(3)),
                completed: parse_date(r.get(4)),
                provisional: r.get::<i64, _>(5) != 0,
            })
        })
        .collect()
}

/// Opens a deadline. Fails (with `calendar_year_missing`) when the calendar cannot count it, that
/// is when it reaches past the provisional years; a deadline counted on a provisional year is
/// stored with `provisional = 1`.
pub async fn open(
    tx: &mut Transaction<'_, Any>,
    app: &App,
    module: &str,
    case_id: i64,
    kind: &str,
    clock: Clock,
) -> AppResult<()> {
    let computed = clock.compute(&app.cal())?;
    let due = computed.due;
    sqlx::query(
        "INSERT INTO deadlines (module, case_id, kind, clock_json, period_unit, due_date, completed_date, created_at, provisional) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)",
    )
    .bind(module)
    .bind(case_id)
    .bind(kind)
    .bind(serde_json::to_string(&clock)?)
    .bind(clock.unit.code())
    .bind(due.map(|d| d.to_string()))
    .bind(app.now_text())
    .bind(i64::from(computed.provisional))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Saves a changed deadline, recomputing its due date (and its 暂定 flag) while it is open.
///
/// When the official file of a provisional year is added, [`crate::recompute::run`] saves each
/// open provisional deadline again here.
pub async fn save(tx: &mut Transaction<'_, Any>, app: &App, d: &StoredDeadline) -> AppResult<()> {
    let (due, provisional) = if d.completed.is_some() {
        (d.due, d.provisional)
    } else {
        let c = d.clock.compute(&app.cal())?;
        (c.due, c.provisional)
    };
    sqlx::query(
        "UPDATE deadlines SET clock_json = $1, due_date = $2, completed_date = $3, provisional = $4 WHERE id = $5",
    )
    .bind(serde_json::to_string(&d.clock)?)
    .bind(due.map(|x| x.to_string()))
    .bind(d.completed.map(|x| x.to_string()))
    .bind(i64::from(provisional))
    .bind(d.id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The earliest open due date and its unit, stored on the case row for list filters. Without
/// one, an open deadline held by a pause gives `(None, "paused")` and one waiting for its start
/// event `(None, "waiting")`, so that the case never looks done while a clock is still to run.
pub fn next_due(
    ds: &[StoredDeadline],
    app: &App,
) -> AppResult<(Option<NaiveDate>, Option<&'static str>)> {
    let mut best: Option<(NaiveDate, PeriodUnit)> = None;
    let (mut paused, mut waiting) = (false, false);
    for d in ds.iter().filter(|d| d.is_open()) {
        let c = d.clock.compute(&app.cal())?;
        match c.due {
            Some(due) if best.is_none_or(|(b, _)| due < b) => best = Some((due, d.clock.unit)),
            Some(_) => {}
            None if c.waiting => waiting = true,
            None => paused = true,
        }
    }
    Ok(match best {
        Some((due, unit)) => (Some(due), Some(unit.code())),
        None if paused => (None, Some(DeadlineState::Paused.code())),
        None if waiting => (None, Some(DeadlineState::Waiting.code())),
        None => (None, None),
    })
}

fn days_unit(unit: PeriodUnit) -> &'static str {
    if unit == PeriodUnit::WorkingDays {
        "个工作日"
    } else {
        "日"
    }
}

pub fn view(app: &App, d: &StoredDeadline, label: &str) -> DeadlineView {
    let computed = d.clock.compute(&app.cal());
    let (due, mut steps, provisional) = match computed {
        Ok(c) => (
            if d.completed.is_some() {
                d.due.or(c.due)
            } else {
                c.due
            },
            c.steps,
            c.provisional,
        ),
        Err(e) => (d.due, vec![e.message], d.provisional),
    };
    if let Some(c) = d.completed {
        steps.push(format!("已于{}完成。", format_date_cn(c)));
    }
    let waiting = d.clock.waiting && d.completed.is_none();
    let (state, left) = if waiting {
        (DeadlineState::Waiting, None)
    } else {
        state_of(app, due, d.completed.is_some(), d.clock.unit)
    };
    DeadlineView {
        kind: d.kind.clone(),
        label: label.to_string(),
        start: d.clock.start,
        count: d.clock.count,
        unit_label: d.clock.unit.label(),
        basis: d.clock.basis.clone(),
        due,
        completed: d.completed,
        state: state.code(),
        state_label: state.label(),
        days_left: left,
        days_unit: days_unit(d.clock.unit),
        provisional,
        waiting_for: waiting.then(|| d.clock.start_event.clone()),
        steps,
    }
}

pub fn state_of(
    app: &App,
    due: Option<NaiveDate>,
    done: bool,
    unit: PeriodUnit,
) -> (DeadlineState, Option<i64>) {
    deadline_state(due, done, unit, app.today(), &app.cal(), app.config.warning)
}

/// A case row's nearest deadline as lists, warnings and exports show it (flattened into each
/// module's row, so the JSON keeps `next_due`, `deadline_state`, … at the row's top level).
#[derive(Debug, Clone, Serialize)]
pub struct RowDue {
    pub next_due: Option<String>,
    pub deadline_state: &'static str,
    pub deadline_label: &'static str,
    pub days_left: Option<i64>,
    pub days_unit: &'static str,
    /// 暂定: the due date falls in a year without the State Council's notice.
    pub provisional: bool,
}

impl RowDue {
    /// From the row's `next_due` and `next_due_unit` columns.
    pub fn of(app: &App, next_due: Option<String>, next_unit: Option<String>) -> Self {
        let (state, left, unit) = row_state(
            app,
            next_due.as_deref().and_then(|d| d.parse().ok()),
            next_unit.as_deref(),
        );
        let provisional = next_due
            .as_deref()
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .is_some_and(|d| app.cal().is_provisional(d));
        Self {
            provisional,
            next_due,
            deadline_state: state.code(),
            deadline_label: state.label(),
            days_left: left,
            days_unit: unit,
        }
    }

    /// The last three cells of an exported row: due date, state, days left.
    pub fn cells(&self) -> [String; 3] {
        [
            match &self.next_due {
                Some(d) if self.provisional => format!("{d}（暂定）"),
                d => d.clone().unwrap_or_default(),
            },
            self.deadline_label.to_string(),
            self.days_left
                .map(|d| format!("{d}{}", self.days_unit))
                .unwrap_or_default(),
        ]
    }
}

/// The state of a case's nearest deadline from the columns stored on the case row.
pub fn row_state(
    app: &App,
    next_due: Option<NaiveDate>,
    next_unit: Option<&str>,
) -> (DeadlineState, Option<i64>, &'static str) {
    match (next_due, next_unit) {
        (Some(due), Some(u)) => {
            let unit = PeriodUnit::from_code(u).unwrap_or(PeriodUnit::CalendarDays);
            let (s, left) = state_of(app, Some(due), false, unit);
            (s, left, days_unit(unit))
        }
        (None, Some("paused")) => (DeadlineState::Paused, None, "日"),
        (None, Some("waiting")) => (DeadlineState::Waiting, None, "日"),
        _ => (DeadlineState::Done, None, "日"),
    }
}

/// A SQL condition on a case row's `next_due`/`next_due_unit` columns selecting one deadline
/// state, exact to the configured warning window (working days counted on the calendar).
pub fn state_sql(app: &App, state: DeadlineState, due: &str, unit: &str) -> String {
    let today = app.today();
    let w = app.config.warning;
    let working_threshold = Clock::new(
        today,
        "",
        w.working_days.max(0) as u32,
        PeriodUnit::WorkingDays,
        "",
    )
    .compute(&app.cal())
    .ok()
    .and_then(|c| c.due)
    .unwrap_or(today + chrono::Duration::days(w.working_days));
    let calendar_threshold = today + chrono::Duration::days(w.calendar_days);
    let within = format!(
        "(({unit} = 'working_days' AND {due} <= '{working_threshold}') OR ({unit} <> 'working_days' AND {due} <= '{calendar_threshold}'))"
    );
    match state {
        DeadlineState::Overdue => format!("{due} < '{today}'"),
        DeadlineState::Warning => format!("({due} >= '{today}' AND {within})"),
        DeadlineState::Normal => format!("({due} >= '{today}' AND NOT {within})"),
        DeadlineState::Paused => format!("{unit} = 'paused'"),
        DeadlineState::Waiting => format!("{unit} = 'waiting'"),
        DeadlineState::Done => format!("{unit} IS NULL"),
    }
}

/// Carries out a step's deadline effects on a case's stored deadlines (`ds`, as loaded), saves
/// them, and returns the case's nearest open due date for its row. `clock_for` gives a new clock
/// of a kind from a start date under the module's rules (an error when the module has none). Shared by every case module.
pub async fn apply_effects<K: Coded>(
    tx: &mut Transaction<'_, Any>,
    app: &App,
    module: &str,
    case_id: i64,
    mut ds: Vec<StoredDeadline>,
    effects: &[Effect<K>],
    clock_for: impl Fn(K, NaiveDate) -> AppResult<Clock>,
) -> AppResult<(Option<NaiveDate>, Option<&'static str>)> {
    fn open_of(ds: &[StoredDeadline], kind: &str) -> Option<usize> {
        ds.iter().rposition(|d| d.kind == kind && d.is_open())
    }
    for fx in effects {
        match fx {
            Effect::Open { kind, start } | Effect::Await { kind, since: start } => {
                let clock = clock_for(*kind, *start)?;
                let clock = match fx {
                    Effect::Await { .. } => clock.awaiting(),
                    _ => clock,
                };
                open(tx, app, module, case_id, kind.code(), clock).await?;
            }
            Effect::Start { kind, start } => {
                if let Some(i) = ds
                    .iter()
                    .rposition(|d| d.kind == kind.code() && d.is_open() && d.clock.waiting)
                {
                    ds[i].clock.start = *start;
                    ds[i].clock.waiting = false;
                }
            }
            Effect::Complete { kind, date } => {
                if let Some(i) = open_of(&ds, kind.code()) {
                    ds[i].due = ds[i].clock.compute(&app.cal())?.due;
                    ds[i].completed = Some(*date);
                }
            }
            Effect::Pause { kind, from, reason } => {
                if let Some(i) = open_of(&ds, kind.code()) {
                    ds[i].clock.pauses.push(Pause {
                        from: *from,
                        to: None,
                        reason: reason.clone(),
                    });
                }
            }
            Effect::Resume { kind, date } => {
                if let Some(i) = open_of(&ds, kind.code()) {
                    if let Some(p) = ds[i].clock.pauses.iter_mut().rev().find(|p| p.to.is_none()) {
                        p.to = Some(*date);
                    }
                }
            }
            Effect::Extend {
                kind,
                count,
                approved_by,
                reason,
            } => {
                if let Some(i) = open_of(&ds, kind.code()) {
                    ds[i].clock.extensions.push(Extension {
                        count: *count,
                        approved_by: approved_by.clone(),
                        reason: reason.clone(),
                    });
                }
            }
            Effect::Retime { kind, count, basis } => {
                if let Some(i) = open_of(&ds, kind.code()) {
                    ds[i].clock.count = *count;
                    ds[i].clock.basis = basis.clone();
                }
            }
        }
    }
    for d in &ds {
        save(tx, app, d).await?;
    }
    let ds = load(tx, module, case_id).await?;
    next_due(&ds, app)
}

/// The open deadline of a kind, if any, with its due date.
pub fn open_due(ds: &[StoredDeadline], kind: &str, app: &App) -> Option<NaiveDate> {
    ds.iter()
        .rev()
        .find(|d| d.kind == kind && d.is_open())
        .and_then(|d| d.clock.compute(&app.cal()).ok().and_then(|c| c.due))
}
