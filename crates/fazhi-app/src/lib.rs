//! Use cases shared by the JSON API, the pages and the CLI. Each takes an [`Actor`], checks role
//! and unit scope, runs the domain rule, and writes the record with its audit entry in one
//! transaction.

pub mod analysis;
pub mod audit;
pub mod auth;
pub mod baseline;
pub mod calendar_import;
pub mod cases;
pub mod checkpoint;
pub mod config;
pub mod deadlines;
pub mod demo;
pub mod demo_report;
pub mod error;
pub mod filing;
pub mod indicators;
pub mod kernel;
pub mod links;
pub mod litigation;
pub mod org;
pub mod recompute;
pub mod reconsideration;
pub mod registry;
pub mod report;
pub mod security;
pub mod uploads;
pub mod warnings;
pub mod xlsx;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use fazhi_domain::calendar::HolidayCalendar;
use fazhi_domain::org::{Permission, Role};
use fazhi_store::Db;
use std::sync::{Arc, RwLock};

/// The last page a list may ask for (a bound on OFFSET, whatever the query says).
pub const MAX_PAGE: i64 = 1_000_000;

pub use config::Config;
pub use error::{AppError, AppResult};
/// The analyzer, for the pages that show its findings.
pub use fazhi_text;

/// Where time comes from, so deadline logic is testable on any date.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    /// Today in China Standard Time: deadlines are whole dates in Asia/Shanghai.
    fn today(&self) -> NaiveDate {
        self.now()
            .with_timezone(&FixedOffset::east_opt(8 * 3600).expect("valid offset"))
            .date_naive()
    }
}

pub struct SystemClock;
impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at noon (Beijing time) of a given day, for tests and reproducible demos.
pub struct FixedClock(pub NaiveDate);
impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.and_hms_opt(4, 0, 0).expect("valid time").and_utc()
    }
}

/// A clock that starts at noon (Beijing time) of a day and is moved forward by hand, for tests of
/// session expiry and account lockout.
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);
impl ManualClock {
    pub fn new(day: NaiveDate) -> Self {
        Self(std::sync::Mutex::new(FixedClock(day).now()))
    }
    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }
}
impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The application: storage, calendar, settings and clock. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    /// The holiday calendar, replaced as a whole when a year's notice is imported on the
    /// calendar page ([`App::reload_calendar`]); read it with [`App::cal`].
    calendar: Arc<RwLock<Arc<HolidayCalendar>>>,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub sentences: Arc<fazhi_report::sentences::Sentences>,
    /// Indicator values kept while no record changes ([`indicators::Cache`]).
    pub indicators: Arc<indicators::Cache>,
}

impl App {
    pub fn new(db: Db, config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        // Provisional years reach five years past today as well as past the last official year.
        let cal = config.load_calendar()?.with_today(clock.today());
        let sentences = config.load_sentences()?;
        Ok(Self {
            db,
            calendar: Arc::new(RwLock::new(Arc::new(cal))),
            sentences: Arc::new(sentences),
            config: Arc::new(config),
            clock,
            indicators: Arc::default(),
        })
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// The holiday calendar in force now. A caller that computes several dates for one change
    /// takes it once, so they all count on the same calendar.
    pub fn cal(&self) -> Arc<HolidayCalendar> {
        self.calendar
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Loads the calendar again from the shipped years and `calendar_dir` (after a notice was
    /// imported) and puts it in force for every request from now on; returns it.
    pub fn reload_calendar(&self) -> anyhow::Result<Arc<HolidayCalendar>> {
        let cal = Arc::new(self.config.load_calendar()?.with_today(self.clock.today()));
        *self.calendar.write().unwrap_or_else(|e| e.into_inner()) = cal.clone();
        Ok(cal)
    }

    pub fn now_text(&self) -> String {
        self.clock
            .now()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }
}

/// Which units' records an actor may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole jurisdiction.
    All,
    /// These units (the actor's unit and everything below it).
    Units(Vec<i64>),
}

impl Scope {
    pub fn contains(&self, unit: i64) -> bool {
        match self {
            Self::All => true,
            Self::Units(v) => v.contains(&unit),
        }
    }

    /// A SQL condition restricting rows whose `cols` name a unit inside the scope. Unit ids are
    /// integers from our own tables, so they are written as literals.
    pub fn sql(&self, cols: &[&str]) -> String {
        match self {
            Self::All => "1 = 1".into(),
            Self::Units(v) if v.is_empty() => "1 = 0".into(),
            Self::Units(v) => {
                let list = v.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
                let parts: Vec<String> = cols.iter().map(|c| format!("{c} IN ({list})")).collect();
                format!("({})", parts.join(" OR "))
            }
        }
    }
}

/// Who is acting: the signed-in user (or the system, for the CLI and the demo).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub roles: Vec<Role>,
    /// Units whose records the actor reads.
    pub scope: Scope,
    /// Units whose records the actor writes (his own subtree, never jurisdiction-wide by role).
    pub write_scope: Scope,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn can(&self, p: Permission) -> bool {
        self.roles.iter().any(|r| r.allows(p))
    }

    pub fn require(&self, p: Permission) -> AppResult<()> {
        if self.can(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The system actor used by the CLI (`fazhi import`, `fazhi demo`): every permission,
    /// whole jurisdiction. Its audit entries name the command.
    pub fn system(name: &str, unit_id: i64) -> Self {
        Self {
            user_id: None,
            username: "system".into(),
            display_name: name.into(),
            unit_id,
            unit_name: String::new(),
            roles: vec![
                Role::ReconsiderationClerk,
                Role::LitigationClerk,
                Role::RuleOfLawOffice,
            ],
            scope: Scope::All,
            write_scope: Scope::All,
            request_id: None,
        }
    }

    pub fn role_labels(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join("、")
    }
}
