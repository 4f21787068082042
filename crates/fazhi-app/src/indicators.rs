//! Indicators (`indicators.md`): a value computed from records for a period and a scope, with the
//! year before, the change (同比), its definition, and the condition that lists the records it
//! counted. Modules declare their indicators as [`IndicatorDef`]s; this file computes them.

use crate::{App, AppResult};
use fazhi_domain::rate::{percent, point_change, Change};
use serde::Serialize;

/// A calendar-year period. `{Y}` in a definition's SQL is replaced by the year.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub year: i32,
}

impl Period {
    pub fn year(year: i32) -> Self {
        Self { year }
    }
    fn fill(&self, sql: &str) -> String {
        sql.replace("{Y}", &self.year.to_string())
    }
}

/// How a count is taken: `SELECT COUNT(*) FROM {from} WHERE {cond} AND scope`, `from` being the
/// module's case table (aliased `c`) unless given. The drill-down condition on that table lists
/// the records behind it; by default it is `cond` itself.
#[derive(Debug, Clone)]
pub struct CountDef {
    pub from: String,
    pub cond: String,
    pub drilldown: Option<String>,
}

impl CountDef {
    /// Counts rows of the module's case table matching `cond`.
    pub fn cases(cond: String) -> Self {
        Self {
            from: String::new(),
            cond,
            drilldown: None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Formula {
    Count(CountDef),
    /// numerator key / denominator key
    Rate(&'static str, &'static str),
}

#[derive(Debug, Clone)]
pub struct IndicatorDef {
    pub key: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub definition: String,
    pub formula: Formula,
}

impl IndicatorDef {
    pub fn count(
        key: &'static str,
        label: &'static str,
        unit: &'static str,
        definition: &str,
        c: CountDef,
    ) -> Self {
        Self {
            key,
            label,
            unit,
            definition: definition.into(),
            formula: Formula::Count(c),
        }
    }
    pub fn rate(
        key: &'static str,
        label: &'static str,
        definition: &str,
        num: &'static str,
        den: &'static str,
    ) -> Self {
        Self {
            key,
            label,
            unit: "%",
            definition: definition.into(),
            formula: Formula::Rate(num, den),
        }
    }

    /// The condition listing the records this indicator counted, for a period.
    pub fn drilldown_condition(&self, p: &Period) -> Option<String> {
        match &self.formula {
            Formula::Count(c) => Some(p.fill(c.drilldown.as_deref().unwrap_or(&c.cond))),
            Formula::Rate(..) => None,
        }
    }
}

/// One year's value: a count, or a rate with its parts (never a bare percentage).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Figure {
    pub count: Option<i64>,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    /// The rate printed with the configured decimals and rounding; `None` when the denominator is
    /// zero ("not applicable").
    pub percent: Option<String>,
}

impl Figure {
    /// The figure as a report prints it: 94件, 91.49%, 不适用.
    pub fn display(&self, unit: &str) -> String {
        match (self.count, &self.percent) {
            (Some(n), _) => format!("{n}{unit}"),
            (None, Some(p)) => format!("{p}%"),
            _ => "不适用".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorValue {
    pub key: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub definition: String,
    pub year: i32,
    pub value: Figure,
    pub previous: Figure,
    /// 同比: 增长14.63% / 下降5.00% / 新增 / 持平; for rates, the change in percentage points.
    pub change: Option<String>,
    /// For counts: the key to drill down to the records (`?indicator=KEY&year=Y`); for rates, the
    /// keys of the parts.
    pub parts: Vec<&'static str>,
    pub display: String,
}

async fn count(app: &App, table: &str, c: &CountDef, scope: &str, p: &Period) -> AppResult<i64> {
    let from = if c.from.is_empty() { table } else { &c.from };
    let sql = format!(
        "SELECT COUNT(*) FROM {from} WHERE ({}) AND {scope}",
        p.fill(&c.cond)
    );
    Ok(sqlx::query_scalar(&sql).fetch_one(&app.db.pool).await?)
}

/// The values computed for a (table, scope, year), kept while no record changes. Every write is
/// audited, and every audit entry advances `audit_head.seq` in the write's own transaction (under
/// its row lock), so an unchanged `seq` means the counts are still the records': the indicators
/// page and the report recount only after a change. The settings that shape the definitions are
/// fixed for the life of the process, and so is this cache.
#[derive(Default)]
pub struct Cache {
    state: std::sync::Mutex<CacheState>,
    hits: std::sync::atomic::AtomicU64,
}

#[derive(Default)]
struct CacheState {
    /// The `audit_head.seq` the values were computed at.
    seq: i64,
    values: std::collections::HashMap<(String, String, i32), Vec<IndicatorValue>>,
}

/// Kept entries at most (a unit's, a year's …); past it the cache starts again.
const CACHE_ENTRIES: usize = 2048;

impl Cache {
    /// How many computations were answered from the cache (for the benchmark and tests).
    pub fn hits(&self) -> u64 {
        self.hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Forgets every kept value (the benchmark's cold measurement).
    pub fn clear(&self) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.values.clear();
    }
}

/// The records' version: the audit chain's length (see [`Cache`]).
async fn records_version(app: &App) -> AppResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_optional(&app.db.pool)
            .await?
            .unwrap_or(0),
    )
}

/// Computes every definition for `year` and `year - 1` within `scope` (a SQL condition on `c`);
/// plain counts count rows of `table` (the module's case table, aliased `c`). Answered from the
/// [`Cache`] when no record changed since the same computation.
pub async fn compute(
    app: &App,
    table: &str,
    defs: &[IndicatorDef],
    scope: &str,
    year: i32,
) -> AppResult<Vec<IndicatorValue>> {
    // Read before counting: a write committed meanwhile leaves these values under the older
    // version, which the next call sees as stale.
    let seq = records_version(app).await?;
    let key = (table.to_string(), scope.to_string(), year);
    {
        let st = app
            .indicators
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if st.seq == seq {
            if let Some(v) = st.values.get(&key) {
                app.indicators
                    .hits
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Ok(v.clone());
            }
        }
    }
    let values = count_all(app, table, defs, scope, year).await?;
    let mut st = app
        .indicators
        .state
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if seq < st.seq {
        return Ok(values); // a newer computation is kept already
    }
    if st.seq != seq || st.values.len() >= CACHE_ENTRIES {
        st.values.clear();
        st.seq = seq;
    }
    st.values.insert(key, values.clone());
    Ok(values)
}

async fn count_all(
    app: &App,
    table: &str,
    defs: &[IndicatorDef],
    scope: &str,
    year: i32,
) -> AppResult<Vec<IndicatorValue>> {
    let fmt = app.config.indicators.percent;
    let mut counts: std::collections::HashMap<(&str, i32), i64> = Default::default();
    for d in defs {
        if let Formula::Count(c) = &d.formula {
            for y in [year, year - 1] {
                counts.insert(
                    (d.key, y),
                    count(app, table, c, scope, &Period::year(y)).await?,
                );
            }
        }
    }
    let figure = |d: &IndicatorDef, y: i32| -> Figure {
        match &d.formula {
            Formula::Count(_) => Figure {
                count: counts.get(&(d.key, y)).copied(),
                numerator: None,
                denominator: None,
                percent: None,
            },
            Formula::Rate(n, dn) => {
                let num = counts.get(&(*n, y)).copied().unwrap_or(0);
                let den = counts.get(&(*dn, y)).copied().unwrap_or(0);
                Figure {
                    count: None,
                    numerator: Some(num),
                    denominator: Some(den),
                    percent: percent(num, den, fmt),
                }
            }
        }
    };
    Ok(defs
        .iter()
        .map(|d| {
            let value = figure(d, year);
            let previous = figure(d, year - 1);
            let change = match &d.formula {
                Formula::Count(_) => {
                    Change::of(value.count.unwrap_or(0), previous.count.unwrap_or(0), fmt)
                        .map(|c| c.text())
                }
                Formula::Rate(..) => point_change(
                    (value.numerator.unwrap_or(0), value.denominator.unwrap_or(0)),
                    (
                        previous.numerator.unwrap_or(0),
                        previous.denominator.unwrap_or(0),
                    ),
                    fmt,
                ),
            };
            let parts = match &d.formula {
                Formula::Count(_) => vec![d.key],
                Formula::Rate(n, dn) => vec![*n, *dn],
            };
            IndicatorValue {
                key: d.key,
                label: d.label,
                unit: d.unit,
                definition: d.definition.clone(),
                year,
                display: value.display(d.unit),
                value,
                previous,
                change,
                parts,
            }
        })
        .collect())
}
