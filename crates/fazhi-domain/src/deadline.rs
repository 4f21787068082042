//! The deadline clock: a legal period (calendar days, working days or months) from a start event,
//! with a ledger of pauses (中止, periods not counted) and approved extensions (延长), computed
//! against the official calendar, and able to explain every step (期限计算说明).
//!
//! Counting rules (`legal-rules.md` §0.3): the start day is not counted (T3); working-day periods
//! step over non-working days; a calendar-day period ending on a rest day moves to the next day on
//! which it may end (T3, T7); excluded intervals push the deadline out in the period's own unit (T9).

use crate::calendar::{format_date_cn, weekday_cn, DayKind, HolidayCalendar};
use crate::error::Code;
use crate::error::{DomainError, DomainResult};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodUnit {
    WorkingDays,
    CalendarDays,
    Months,
}

impl PeriodUnit {
    pub fn code(self) -> &'static str {
        match self {
            Self::WorkingDays => "working_days",
            Self::CalendarDays => "calendar_days",
            Self::Months => "months",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "working_days" => Some(Self::WorkingDays),
            "calendar_days" => Some(Self::CalendarDays),
            "months" => Some(Self::Months),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::WorkingDays => "个工作日",
            Self::CalendarDays => "日",
            Self::Months => "个月",
        }
    }
}

/// An interval during which the clock does not run. Days in `(from, to]` are not counted: the
/// day of the pausing event still ran, and the resumption day is the new start day (T3). An open
/// pause (`to == None`) stops the clock until it is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub reason: String,
}

/// Extra units granted by someone with authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub count: u32,
    pub approved_by: String,
    pub reason: String,
}

/// Everything needed to compute one deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// The triggering event's date; not itself counted.
    pub start: NaiveDate,
    /// What the start event is, e.g. 收到行政复议申请之日.
    pub start_event: String,
    pub count: u32,
    pub unit: PeriodUnit,
    /// Law and article, e.g. 《行政复议法》第三十条.
    pub basis: String,
    #[serde(default)]
    pub pauses: Vec<Pause>,
    #[serde(default)]
    pub extensions: Vec<Extension>,
    /// 待登记: the start event has not been recorded yet (a document's service or receipt, which
    /// the office learns later). While waiting, `start` is the day the deadline was set up (the
    /// step that sent the document) and nothing is counted; [`Effect::Start`] records the event's
    /// date as the start and sets the clock running.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub waiting: bool,
}

/// The result: the due date (`None` while an open pause holds the clock) and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Computed {
    pub due: Option<NaiveDate>,
    pub steps: Vec<String>,
    /// 暂定: the computation counted days of a provisional year (no official holiday notice yet),
    /// so the due date may move when the year's official file is added.
    #[serde(default)]
    pub provisional: bool,
    /// The clock waits for its start event (see [`Clock::waiting`]); `due` is `None`.
    #[serde(default)]
    pub waiting: bool,
}

/// The 期限计算说明 sentence for a provisional year.
pub fn provisional_note(year: i32) -> String {
    format!(
        "{year}年国务院放假安排尚未发布，按法定节假日暂算（《全国年节及纪念日放假办法》第二条、第六条，不含调休），期限为暂定，以国务院办公厅通知为准。"
    )
}

/// Longest period we walk day by day (a safeguard against corrupt input, not a legal rule).
const MAX_DAYS: u32 = 3660;

impl Clock {
    pub fn new(
        start: NaiveDate,
        start_event: &str,
        count: u32,
        unit: PeriodUnit,
        basis: &str,
    ) -> Self {
        Self {
            start,
            start_event: start_event.into(),
            count,
            unit,
            basis: basis.into(),
            pauses: vec![],
            extensions: vec![],
            waiting: false,
        }
    }

    /// The same clock, waiting for its start event (its `start` is then the day it was set up).
    pub fn awaiting(mut self) -> Self {
        self.waiting = true;
        self
    }

    fn paused_on(&self, d: NaiveDate) -> Option<&Pause> {
        self.pauses
            .iter()
            .find(|p| d > p.from && p.to.is_none_or(|t| d <= t))
    }

    /// Computes the due date. When the days counted reach into a provisional year the result is
    /// marked `provisional` (暂定), the due date line says so and a note names each such year.
    pub fn compute(&self, cal: &HolidayCalendar) -> DomainResult<Computed> {
        if self.waiting {
            return Ok(self.waiting_steps());
        }
        let mut c = self.compute_on(cal)?;
        // The days consulted run from the day after the start to the due date, or to the start
        // of the open pause that holds the clock.
        let end = c.due.unwrap_or_else(|| {
            self.pauses
                .iter()
                .filter(|p| p.to.is_none())
                .map(|p| p.from)
                .max()
                .unwrap_or(self.start)
        });
        let first = self.start.succ_opt().unwrap_or(self.start).year();
        let years: Vec<i32> = (first..=end.year().max(first))
            .filter(|y| cal.is_provisional_year(*y))
            .collect();
        if !years.is_empty() {
            c.provisional = true;
            if let Some(last) = c.steps.last_mut() {
                if c.due.is_some() && last.starts_with("期限届满日") {
                    *last = format!("{}（暂定）。", last.trim_end_matches('。'));
                }
            }
            c.steps.extend(years.into_iter().map(provisional_note));
        }
        Ok(c)
    }

    /// The first lines of every explanation: the start, the period and its extensions.
    fn period_steps(&self, start: String) -> Vec<String> {
        let mut steps = vec![
            start,
            format!(
                "法定期间：{}{}（{}）。",
                self.count,
                self.unit.label(),
                self.basis
            ),
        ];
        for e in &self.extensions {
            steps.push(format!(
                "延长：{}{}，经{}批准（{}）。",
                e.count,
                self.unit.label(),
                e.approved_by,
                e.reason
            ));
        }
        steps
    }

    /// The explanation of a clock still waiting for its start event: nothing is counted yet.
    fn waiting_steps(&self) -> Computed {
        let mut steps = self.period_steps(format!(
            "起算：{}，尚未登记，期限尚未起算（{}设立）；登记后当日不计入，自次日起算（《民事诉讼法》第八十五条）。",
            self.start_event,
            format_date_cn(self.start)
        ));
        steps.push(format!("待登记{}。", self.start_event));
        Computed {
            due: None,
            steps,
            provisional: false,
            waiting: true,
        }
    }

    fn compute_on(&self, cal: &HolidayCalendar) -> DomainResult<Computed> {
        let extra: u32 = self.extensions.iter().map(|e| e.count).sum();
        let total = self.count + extra;
        if total > MAX_DAYS {
            return Err(DomainError::field(
                Code::PeriodTooLong,
                "count",
                "期限天数过大，无法计算",
            ));
        }
        let mut steps = self.period_steps(format!(
            "起算：{}（{}），当日不计入，自次日起算（《民事诉讼法》第八十五条）。",
            format_date_cn(self.start),
            self.start_event
        ));
        if self.unit == PeriodUnit::Months {
            return self.compute_months(cal, total, steps);
        }
        let mut d = self.start;
        let mut counted = 0u32;
        // Skipped days are reported as runs: (first, last, reason).
        let mut skipped: Option<(NaiveDate, NaiveDate, String)> = None;
        let flush = |steps: &mut Vec<String>, run: &mut Option<(NaiveDate, NaiveDate, String)>| {
            if let Some((a, b, why)) = run.take() {
                if a == b {
                    steps.push(format!(
                        "{}（{}）{}，不计入。",
                        format_date_cn(a),
                        weekday_cn(a),
                        why
                    ));
                } else {
                    steps.push(format!(
                        "{}至{}{}，不计入。",
                        format_date_cn(a),
                        format_date_cn(b),
                        why
                    ));
                }
            }
        };
        let mut walked = 0u32;
        while counted < total {
            d = d
                .succ_opt()
                .ok_or_else(|| DomainError::new(Code::DateOutOfRange, "日期超出范围"))?;
            walked += 1;
            if walked > MAX_DAYS * 2 {
                return Err(DomainError::field(
                    Code::PeriodTooLong,
                    "count",
                    "期限天数过大，无法计算",
                ));
            }
            if let Some(p) = self.paused_on(d) {
                if p.to.is_none() {
                    flush(&mut steps, &mut skipped);
                    steps.push(format!(
                        "{}起{}，期限暂停计算，已计{}{}，恢复后继续计算。",
                        format_date_cn(p.from),
                        p.reason,
                        counted,
                        self.unit.label()
                    ));
                    return Ok(Computed {
                        due: None,
                        steps,
                        provisional: false,
                        waiting: false,
                    });
                }
                let why = format!("{}期间", p.reason);
                extend_run(&mut skipped, d, why, &mut steps, flush);
                continue;
            }
            let counts = match self.unit {
                PeriodUnit::CalendarDays => true,
                _ => cal.is_working_day(d)?,
            };
            if counts {
                counted += 1;
                if self.unit == PeriodUnit::WorkingDays {
                    flush(&mut steps, &mut skipped);
                    let note = match cal.day_kind(d)? {
                        DayKind::MakeupWorkday(n) => format!("，{n}调休上班"),
                        _ => String::new(),
                    };
                    steps.push(format!(
                        "第{counted}个工作日：{}（{}{note}）。",
                        format_date_cn(d),
                        weekday_cn(d)
                    ));
                }
            } else {
                let why = match cal.day_kind(d)? {
                    DayKind::Holiday(n) => format!("{n}放假"),
                    _ => "休息日".to_string(),
                };
                extend_run(&mut skipped, d, why, &mut steps, flush);
            }
        }
        flush(&mut steps, &mut skipped);
        if self.unit == PeriodUnit::CalendarDays {
            steps.push(format!(
                "连续计算{total}日（已扣除不计入期间），期间最后一日为{}。",
                format_date_cn(d)
            ));
            d = self.roll_forward(cal, d, &mut steps)?;
        }
        steps.push(format!(
            "期限届满日：{}（{}）。",
            format_date_cn(d),
            weekday_cn(d)
        ));
        Ok(Computed {
            due: Some(d),
            steps,
            provisional: false,
            waiting: false,
        })
    }

    fn compute_months(
        &self,
        cal: &HolidayCalendar,
        total: u32,
        mut steps: Vec<String>,
    ) -> DomainResult<Computed> {
        // 民法典 Art 202: the corresponding day of the final month, or its last day.
        let mut d = self
            .start
            .checked_add_months(Months::new(total))
            .ok_or_else(|| DomainError::new(Code::DateOutOfRange, "日期超出范围"))?;
        steps.push(format!(
            "按月计算：至第{total}个月的对应日{}（无对应日的为该月末日）。",
            format_date_cn(d)
        ));
        for p in &self.pauses {
            let Some(to) = p.to else {
                steps.push(format!(
                    "{}起{}，期限暂停计算。",
                    format_date_cn(p.from),
                    p.reason
                ));
                return Ok(Computed {
                    due: None,
                    steps,
                    provisional: false,
                    waiting: false,
                });
            };
            let days = (to - p.from).num_days();
            d += chrono::Duration::days(days);
            steps.push(format!(
                "{}期间{}日不计入，顺延至{}。",
                p.reason,
                days,
                format_date_cn(d)
            ));
        }
        d = self.roll_forward(cal, d, &mut steps)?;
        steps.push(format!(
            "期限届满日：{}（{}）。",
            format_date_cn(d),
            weekday_cn(d)
        ));
        debug_assert!(d.year() >= self.start.year());
        Ok(Computed {
            due: Some(d),
            steps,
            provisional: false,
            waiting: false,
        })
    }

    fn roll_forward(
        &self,
        cal: &HolidayCalendar,
        mut d: NaiveDate,
        steps: &mut Vec<String>,
    ) -> DomainResult<NaiveDate> {
        let last = d;
        while !cal.may_end_on(d)? {
            d = d
                .succ_opt()
                .ok_or_else(|| DomainError::new(Code::DateOutOfRange, "日期超出范围"))?;
        }
        if d != last {
            let why = match cal.day_kind(last)? {
                DayKind::Holiday(n) => format!("{n}放假"),
                _ => "休息日".to_string(),
            };
            steps.push(format!(
                "期间最后一日{}为{}，顺延至其后第一个工作日{}（《民事诉讼法》第八十五条）。",
                format_date_cn(last),
                why,
                format_date_cn(d)
            ));
        }
        Ok(d)
    }
}

fn extend_run(
    run: &mut Option<(NaiveDate, NaiveDate, String)>,
    d: NaiveDate,
    why: String,
    steps: &mut Vec<String>,
    flush: impl Fn(&mut Vec<String>, &mut Option<(NaiveDate, NaiveDate, String)>),
) {
    match run {
        Some((_, last, w)) if *w == why && last.succ_opt() == Some(d) => *last = d,
        _ => {
            flush(steps, run);
            *run = Some((d, d, why));
        }
    }
}

/// A change to a deadline that a procedural step causes, for any module's deadline kinds `K`.
/// A module's `apply` returns these; the application layer carries them out on the stored clocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Effect<K> {
    /// Opens a new deadline of this kind, counted from `start` under the module's rule.
    Open { kind: K, start: NaiveDate },
    /// Opens a new deadline of this kind that waits for its start event (the rule's start event,
    /// e.g. 复议决定书送达之日), set up on `since`: shown as 待登记送达日期, never overdue, never done.
    Await { kind: K, since: NaiveDate },
    /// Records the start event of the waiting deadline of this kind: it runs from `start`.
    Start { kind: K, start: NaiveDate },
    /// Completes the open deadline of this kind.
    Complete { kind: K, date: NaiveDate },
    /// Stops the open deadline's clock from `from` (中止).
    Pause {
        kind: K,
        from: NaiveDate,
        reason: String,
    },
    /// Restarts the clock on `date`.
    Resume { kind: K, date: NaiveDate },
    /// Adds approved units (延长).
    Extend {
        kind: K,
        count: u32,
        approved_by: String,
        reason: String,
    },
    /// Re-times the open deadline under another period (e.g. 简易 → 普通程序), keeping its start.
    Retime { kind: K, count: u32, basis: String },
}

/// Where a deadline stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// 正常
    Normal,
    /// 临期: inside the warning window.
    Warning,
    /// 超期
    Overdue,
    /// 已完成
    Done,
    /// 暂停计算 (an open pause holds the clock)
    Paused,
    /// 待登记送达日期: the clock waits for its start event ([`Clock::waiting`]).
    Waiting,
}

impl DeadlineState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Warning => "warning",
            Self::Overdue => "overdue",
            Self::Done => "done",
            Self::Paused => "paused",
            Self::Waiting => "waiting",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Normal => "正常",
            Self::Warning => "临期",
            Self::Overdue => "超期",
            Self::Done => "已完成",
            Self::Paused => "暂停计算",
            Self::Waiting => "待登记送达日期",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [
            Self::Normal,
            Self::Warning,
            Self::Overdue,
            Self::Done,
            Self::Paused,
            Self::Waiting,
        ]
        .into_iter()
        .find(|v| v.code() == s)
    }
}

/// How many days before the due date a deadline turns 临期, per unit. Configurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WarningWindow {
    pub working_days: i64,
    pub calendar_days: i64,
}

impl Default for WarningWindow {
    fn default() -> Self {
        Self {
            working_days: 2,
            calendar_days: 7,
        }
    }
}

/// The state on `today`, and the days left counted as the period counts them (negative when
/// overdue). Days left are `None` when done, paused, or when the calendar cannot count them.
pub fn deadline_state(
    due: Option<NaiveDate>,
    done: bool,
    unit: PeriodUnit,
    today: NaiveDate,
    cal: &HolidayCalendar,
    window: WarningWindow,
) -> (DeadlineState, Option<i64>) {
    if done {
        return (DeadlineState::Done, None);
    }
    let Some(due) = due else {
        return (DeadlineState::Paused, None);
    };
    let left = match unit {
        PeriodUnit::WorkingDays => cal.working_days_between(today, due).ok(),
        _ => Some((due - today).num_days()),
    };
    let state = if today > due {
        DeadlineState::Overdue
    } else {
        let limit = if unit == PeriodUnit::WorkingDays {
            window.working_days
        } else {
            window.calendar_days
        };
        match left {
            Some(n) if n <= limit => DeadlineState::Warning,
            _ => DeadlineState::Normal,
        }
    };
    (state, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn cal() -> HolidayCalendar {
        HolidayCalendar::embedded()
    }

    #[test]
    fn five_working_days_over_national_day() {
        let c = Clock::new(
            d("2024-09-27"),
            "收到申请之日",
            5,
            PeriodUnit::WorkingDays,
            "《行政复议法》第三十条",
        );
        let r = c.compute(&cal()).unwrap();
        assert_eq!(r.due, Some(d("2024-10-10")));
        let text = r.steps.join("\n");
        assert!(
            text.contains("第1个工作日：2024年9月29日（周日，国庆节调休上班）"),
            "{text}"
        );
        assert!(
            text.contains("2024年10月1日至2024年10月7日国庆节放假，不计入"),
            "{text}"
        );
    }

    #[test]
    fn calendar_days_roll_over_weekend_and_holiday() {
        // 2024-01-02 + 60 days = 2024-03-02, a Saturday → Monday 2024-03-04.
        let r = Clock::new(
            d("2024-01-02"),
            "受理之日",
            60,
            PeriodUnit::CalendarDays,
            "第六十二条",
        )
        .compute(&cal())
        .unwrap();
        assert_eq!(r.due, Some(d("2024-03-04")));
        assert!(r.steps.iter().any(|s| s.contains("顺延")));
        // Ends inside 春节 2024 (02-10..02-17): 2024-01-10 + 35 = 02-14 → 02-18 (Sunday make-up day).
        let r = Clock::new(d("2024-01-10"), "x", 35, PeriodUnit::CalendarDays, "x")
            .compute(&cal())
            .unwrap();
        assert_eq!(r.due, Some(d("2024-02-18")));
    }

    #[test]
    fn t7_off_keeps_weekend_end() {
        let c = cal().with_rules(crate::calendar::CalendarRules {
            weekends_extend_periods: false,
            ..Default::default()
        });
        let r = Clock::new(d("2024-01-02"), "x", 60, PeriodUnit::CalendarDays, "x")
            .compute(&c)
            .unwrap();
        assert_eq!(r.due, Some(d("2024-03-02")));
    }

    #[test]
    fn pauses_and_extensions() {
        let mut c = Clock::new(
            d("2024-03-01"),
            "受理之日",
            60,
            PeriodUnit::CalendarDays,
            "第六十二条",
        );
        // Without pause: 2024-04-30 (Tuesday).
        assert_eq!(c.compute(&cal()).unwrap().due, Some(d("2024-04-30")));
        c.pauses.push(Pause {
            from: d("2024-03-10"),
            to: Some(d("2024-03-20")),
            reason: "中止".into(),
        });
        // Ten days not counted → 2024-05-10.
        assert_eq!(c.compute(&cal()).unwrap().due, Some(d("2024-05-10")));
        c.extensions.push(Extension {
            count: 30,
            approved_by: "张三".into(),
            reason: "案情复杂".into(),
        });
        let r = c.compute(&cal()).unwrap();
        assert_eq!(r.due, Some(d("2024-06-11")), "06-09 is Sunday, 06-10 端午");
        assert!(r.steps.iter().any(|s| s.contains("经张三批准")));
        c.pauses.push(Pause {
            from: d("2024-05-01"),
            to: None,
            reason: "中止".into(),
        });
        assert_eq!(c.compute(&cal()).unwrap().due, None);
    }

    #[test]
    fn working_day_pause() {
        let mut c = Clock::new(d("2024-06-03"), "x", 5, PeriodUnit::WorkingDays, "x");
        assert_eq!(
            c.compute(&cal()).unwrap().due,
            Some(d("2024-06-11")),
            "06-10 端午"
        );
        c.pauses.push(Pause {
            from: d("2024-06-04"),
            to: Some(d("2024-06-06")),
            reason: "补正".into(),
        });
        // 06-04 counted, 06-05..06-06 not, then 06-07, 06-11 (06-10 端午), 06-12, 06-13.
        assert_eq!(c.compute(&cal()).unwrap().due, Some(d("2024-06-13")));
    }

    #[test]
    fn months() {
        let r = Clock::new(d("2024-01-31"), "x", 1, PeriodUnit::Months, "x")
            .compute(&cal())
            .unwrap();
        assert_eq!(r.due, Some(d("2024-02-29")));
    }

    /// 全国年节及纪念日放假办法 第二条、第六条: 2027 has no official file yet, so a period reaching
    /// into it is counted on the statutory holidays and marked 暂定.
    #[test]
    fn period_into_a_provisional_year_is_marked() {
        let r = Clock::new(d("2026-12-04"), "x", 60, PeriodUnit::CalendarDays, "x")
            .compute(&cal())
            .unwrap();
        assert_eq!(r.due, Some(d("2027-02-02")));
        assert!(r.provisional);
        let text = r.steps.join("\n");
        assert!(
            text.contains("期限届满日：2027年2月2日（周二）（暂定）。"),
            "{text}"
        );
        assert!(
            text.contains("2027年国务院放假安排尚未发布，按法定节假日暂算"),
            "{text}"
        );
        // Working days over the provisional 春节 (02-05..02-10, 初一 and 初二 made up, 第六条).
        let r = Clock::new(d("2027-02-03"), "x", 3, PeriodUnit::WorkingDays, "x")
            .compute(&cal())
            .unwrap();
        assert_eq!(r.due, Some(d("2027-02-12")), "02-04, then 02-11 and 02-12");
        assert!(r
            .steps
            .join("\n")
            .contains("2027年2月5日至2027年2月10日春节放假，不计入"));
        // Ending in 2026 on official data: not provisional.
        let r = Clock::new(d("2026-11-02"), "x", 10, PeriodUnit::WorkingDays, "x")
            .compute(&cal())
            .unwrap();
        assert!(!r.provisional);
        assert!(!r.steps.join("").contains("暂"));
        // Months into 2027, and a clock held by a pause that began in 2027.
        let r = Clock::new(d("2026-12-04"), "x", 3, PeriodUnit::Months, "x")
            .compute(&cal())
            .unwrap();
        assert_eq!(r.due, Some(d("2027-03-04")));
        assert!(r.provisional);
        let mut c = Clock::new(d("2026-12-20"), "x", 60, PeriodUnit::CalendarDays, "x");
        c.pauses.push(Pause {
            from: d("2027-01-10"),
            to: None,
            reason: "中止".into(),
        });
        let r = c.compute(&cal()).unwrap();
        assert_eq!(r.due, None);
        assert!(r.provisional);
    }

    #[test]
    fn beyond_the_provisional_window_is_error() {
        let e = Clock::new(d("2031-12-25"), "x", 10, PeriodUnit::WorkingDays, "x")
            .compute(&cal())
            .unwrap_err();
        assert_eq!(e.code, "calendar_year_missing");
        assert!(e.message.contains("2032年"), "{}", e.message);
    }

    /// A clock waiting for its start event (a document's service) counts nothing and says what
    /// it waits for; once the date is recorded it runs from it like any other.
    #[test]
    fn a_waiting_clock_counts_nothing_until_its_start_is_recorded() {
        let c = Clock::new(
            d("2024-05-06"),
            "行政复议决定书送达之日",
            60,
            PeriodUnit::CalendarDays,
            "x",
        )
        .awaiting();
        let r = c.compute(&cal()).unwrap();
        assert_eq!((r.due, r.waiting, r.provisional), (None, true, false));
        let text = r.steps.join("\n");
        assert!(text.contains("待登记行政复议决定书送达之日"), "{text}");
        assert!(!text.contains("期限届满日"), "{text}");
        // Stored clocks from before keep their JSON (no `waiting` key) and read back running.
        let json = serde_json::to_string(&Clock::new(
            d("2024-05-06"),
            "x",
            1,
            PeriodUnit::CalendarDays,
            "x",
        ))
        .unwrap();
        assert!(!json.contains("waiting"), "{json}");
        // A clock as stored before waiting clocks existed (its JSON has no such key) reads back
        // running and counts as before.
        let stored = r#"{"start":"2024-05-06","start_event":"复议决定送达之日","count":60,"unit":"calendar_days","basis":"x","pauses":[],"extensions":[]}"#;
        let old: Clock = serde_json::from_str(stored).unwrap();
        assert!(!old.waiting);
        assert_eq!(old.compute(&cal()).unwrap().due, Some(d("2024-07-05")));
        let back: Clock = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert!(back.waiting);
        let mut started = back;
        started.start = d("2024-05-10");
        started.waiting = false;
        let r = started.compute(&cal()).unwrap();
        assert_eq!((r.due, r.waiting), (Some(d("2024-07-09")), false));
        assert_eq!(
            DeadlineState::from_code("waiting"),
            Some(DeadlineState::Waiting)
        );
        assert_eq!(DeadlineState::Waiting.label(), "待登记送达日期");
    }

    #[test]
    fn states() {
        let c = cal();
        let w = WarningWindow::default();
        let u = PeriodUnit::WorkingDays;
        assert_eq!(
            deadline_state(Some(d("2024-10-10")), false, u, d("2024-09-27"), &c, w),
            (DeadlineState::Normal, Some(5))
        );
        assert_eq!(
            deadline_state(Some(d("2024-10-10")), false, u, d("2024-10-08"), &c, w),
            (DeadlineState::Warning, Some(2))
        );
        assert_eq!(
            deadline_state(Some(d("2024-10-10")), false, u, d("2024-10-11"), &c, w).0,
            DeadlineState::Overdue
        );
        assert_eq!(
            deadline_state(Some(d("2024-10-10")), true, u, d("2024-10-11"), &c, w).0,
            DeadlineState::Done
        );
        assert_eq!(
            deadline_state(None, false, u, d("2024-10-11"), &c, w).0,
            DeadlineState::Paused
        );
    }
}
