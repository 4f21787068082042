//! The official working-day calendar (法定节假日 and 调休上班), one data file per year.
//!
//! Rules from `legal-rules.md` §12.3: a make-up day is a working day even on a weekend; a holiday
//! is not; otherwise Monday–Friday work. Data is keyed by date, not by notice year.
//!
//! A year with no data file, after the last official one, is **provisional (暂定)**: its days off
//! are the statutory holidays of 全国年节及纪念日放假办法 (2024 revision, in force from 2025)
//! 第二条, each one falling on a Saturday or Sunday made up on the next working day (第六条), with
//! no 调休上班. Lunar dates and 清明 come from [`LUNAR_TABLE`]. Provisional years reach
//! [`PROVISIONAL_YEARS_AHEAD`] years past the last official year, or past today's year when that
//! is later ([`HolidayCalendar::with_today`]); a date beyond that is still an error
//! (`calendar_year_missing`), and so is a year before the first official file: we never guess a
//! year from weekends alone.

use crate::error::Code;
use crate::error::{DomainError, DomainResult};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Switches for the two practice rules the law leaves open (T7, T8 in `legal-rules.md` §0.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalendarRules {
    /// T7: a calendar-day period ending on a Saturday or Sunday moves to the next working day.
    pub weekends_extend_periods: bool,
    /// T8: a weekend day designated 调休上班 counts as a working day.
    pub makeup_days_are_working_days: bool,
}

impl Default for CalendarRules {
    fn default() -> Self {
        Self {
            weekends_extend_periods: true,
            makeup_days_are_working_days: true,
        }
    }
}

/// What a date is, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind {
    Workday,
    Weekend,
    /// A statutory holiday (or a day off in its block), with the holiday's name.
    Holiday(String),
    /// A weekend day worked in exchange for a holiday, with the holiday's name.
    MakeupWorkday(String),
}

/// One year's source, shown in explanations and on the settings page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct YearSource {
    pub year: i32,
    pub notice: String,
    pub sources: Vec<String>,
}

#[derive(Deserialize)]
struct YearFile {
    year: i32,
    notice: String,
    sources: Vec<String>,
    #[serde(default)]
    holidays: Vec<HolidayBlock>,
}

#[derive(Deserialize)]
struct HolidayBlock {
    name: String,
    off_from: NaiveDate,
    off_to: NaiveDate,
    #[serde(default)]
    workdays: Vec<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct HolidayCalendar {
    years: BTreeMap<i32, YearSource>,
    /// Years without an official file whose days off are derived from the national rule.
    provisional: BTreeSet<i32>,
    off: HashMap<NaiveDate, String>,
    makeup: HashMap<NaiveDate, String>,
    pub rules: CalendarRules,
}

/// The first year under the 2024 revision of 全国年节及纪念日放假办法 (13 statutory days off);
/// provisional years are derived only from it.
pub const RULE_2024_FIRST_YEAR: i32 = 2025;

/// How many years past the last official year (or past today's year, whichever is later) a
/// provisional calendar is derived.
pub const PROVISIONAL_YEARS_AHEAD: i32 = 5;

/// `(month, day)` in a table row.
pub type MonthDay = (u32, u32);

/// The lunar and solar-term dates the statutory holidays need, per Gregorian year:
/// `(year, 正月初一, 清明, 五月初五, 八月十五)`, each as `(month, day)` in Beijing time.
///
/// Generated with the `tyme4rs` crate 1.5.0 (6tail's Chinese calendar library, pure Rust, MIT):
/// `LunarDay::from_ymd(y, 1, 1)`, `(y, 5, 5)`, `(y, 8, 15)` `.get_solar_day()` and
/// `SolarTerm::from_index(y, 7)` (清明) `.get_julian_day().get_solar_day()`; see
/// `docs/configuration.md`. The test `lunar_table_matches_official_files` checks 2019–2026
/// against the State Council's notices in `data/calendar/`. Extend it before 2045.
pub const LUNAR_TABLE: &[(i32, MonthDay, MonthDay, MonthDay, MonthDay)] = &[
    (2019, (2, 5), (4, 5), (6, 7), (9, 13)),
    (2020, (1, 25), (4, 4), (6, 25), (10, 1)),
    (2021, (2, 12), (4, 4), (6, 14), (9, 21)),
    (2022, (2, 1), (4, 5), (6, 3), (9, 10)),
    (2023, (1, 22), (4, 5), (6, 22), (9, 29)),
    (2024, (2, 10), (4, 4), (6, 10), (9, 17)),
    (2025, (1, 29), (4, 4), (5, 31), (10, 6)),
    (2026, (2, 17), (4, 5), (6, 19), (9, 25)),
    (2027, (2, 6), (4, 5), (6, 9), (9, 15)),
    (2028, (1, 26), (4, 4), (5, 28), (10, 3)),
    (2029, (2, 13), (4, 4), (6, 16), (9, 22)),
    (2030, (2, 3), (4, 5), (6, 5), (9, 12)),
    (2031, (1, 23), (4, 5), (6, 24), (10, 1)),
    (2032, (2, 11), (4, 4), (6, 12), (9, 19)),
    (2033, (1, 31), (4, 4), (6, 1), (9, 8)),
    (2034, (2, 19), (4, 5), (6, 20), (9, 27)),
    (2035, (2, 8), (4, 5), (6, 10), (9, 16)),
    (2036, (1, 28), (4, 4), (5, 30), (10, 4)),
    (2037, (2, 15), (4, 4), (6, 18), (9, 24)),
    (2038, (2, 4), (4, 5), (6, 7), (9, 13)),
    (2039, (1, 24), (4, 5), (5, 27), (10, 2)),
    (2040, (2, 12), (4, 4), (6, 14), (9, 20)),
    (2041, (2, 1), (4, 4), (6, 3), (9, 10)),
    (2042, (1, 22), (4, 4), (6, 22), (9, 28)),
    (2043, (2, 10), (4, 5), (6, 11), (9, 17)),
    (2044, (1, 30), (4, 4), (5, 31), (10, 5)),
    (2045, (2, 17), (4, 4), (6, 19), (9, 25)),
    (2046, (2, 6), (4, 4), (6, 8), (9, 15)),
    (2047, (1, 26), (4, 5), (5, 29), (10, 4)),
    (2048, (2, 14), (4, 4), (6, 15), (9, 22)),
    (2049, (2, 2), (4, 4), (6, 4), (9, 11)),
    (2050, (1, 23), (4, 4), (6, 23), (9, 30)),
];

fn ymd(y: i32, (m, d): (u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid table date")
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The statutory holidays of `year` under 全国年节及纪念日放假办法 (2024 revision) 第二条, as
/// `(name, days)`; `None` when the year is before the revision or outside [`LUNAR_TABLE`].
pub fn statutory_holidays(year: i32) -> Option<Vec<(&'static str, Vec<NaiveDate>)>> {
    if year < RULE_2024_FIRST_YEAR {
        return None;
    }
    let &(_, new_year, qingming, duanwu, zhongqiu) =
        LUNAR_TABLE.iter().find(|(y, ..)| *y == year)?;
    let chunjie = ymd(year, new_year);
    let eve = chunjie.pred_opt().expect("date in range");
    let one = |md| vec![ymd(year, md)];
    Some(vec![
        ("元旦", one((1, 1))),
        (
            "春节",
            (0..4).map(|i| eve + chrono::Duration::days(i)).collect(),
        ),
        ("清明节", one(qingming)),
        ("劳动节", vec![ymd(year, (5, 1)), ymd(year, (5, 2))]),
        ("端午节", one(duanwu)),
        ("中秋节", one(zhongqiu)),
        (
            "国庆节",
            vec![ymd(year, (10, 1)), ymd(year, (10, 2)), ymd(year, (10, 3))],
        ),
    ])
}

/// The days off of a provisional year: the statutory holidays (第二条), and for each one falling
/// on a Saturday or Sunday, or on a day another holiday already takes (中秋 within 国庆), a
/// make-up day off (补假) on the next working day (第六条). No 调休上班. Sorted by date.
pub fn provisional_days_off(year: i32) -> Option<Vec<(NaiveDate, &'static str)>> {
    let holidays = statutory_holidays(year)?;
    let mut off: BTreeMap<NaiveDate, &'static str> = BTreeMap::new();
    let mut owed: Vec<(NaiveDate, &'static str)> = Vec::new();
    for (name, days) in &holidays {
        for &d in days {
            if off.contains_key(&d) || is_weekend(d) {
                owed.push((d, name));
            }
            off.entry(d).or_insert(name);
        }
    }
    owed.sort();
    for (d, name) in owed {
        let mut m = d;
        loop {
            m = m.succ_opt().expect("date in range");
            if !is_weekend(m) && !off.contains_key(&m) {
                break;
            }
        }
        off.insert(m, name);
    }
    Some(off.into_iter().collect())
}

/// The year files shipped with Fazhi, compiled in so the binary works on any machine.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "2019.toml",
        include_str!("../../../data/calendar/2019.toml"),
    ),
    (
        "2020.toml",
        include_str!("../../../data/calendar/2020.toml"),
    ),
    (
        "2021.toml",
        include_str!("../../../data/calendar/2021.toml"),
    ),
    (
        "2022.toml",
        include_str!("../../../data/calendar/2022.toml"),
    ),
    (
        "2023.toml",
        include_str!("../../../data/calendar/2023.toml"),
    ),
    (
        "2024.toml",
        include_str!("../../../data/calendar/2024.toml"),
    ),
    (
        "2025.toml",
        include_str!("../../../data/calendar/2025.toml"),
    ),
    (
        "2026.toml",
        include_str!("../../../data/calendar/2026.toml"),
    ),
];

/// The shipped year files as `(file name, TOML text)`, to which a deployment may add its own.
pub fn embedded_files() -> Vec<(String, String)> {
    EMBEDDED
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect()
}

impl HolidayCalendar {
    /// The shipped years 2019–2026.
    pub fn embedded() -> Self {
        Self::from_files(embedded_files(), CalendarRules::default())
            .expect("embedded calendar files are valid")
    }

    /// Builds a calendar from year files `(file name, TOML text)`. A later file for the same year
    /// replaces an earlier one, so a deployment can add or correct a year without a new release.
    pub fn from_files(
        files: impl IntoIterator<Item = (String, String)>,
        rules: CalendarRules,
    ) -> DomainResult<Self> {
        let mut parsed: BTreeMap<i32, YearFile> = BTreeMap::new();
        for (name, text) in files {
            let f: YearFile = toml::from_str(&text).map_err(|e| {
                DomainError::new(
                    Code::InvalidCalendarFile,
                    format!("节假日数据文件 {name} 格式错误：{}", e.message()),
                )
            })?;
            for b in &f.holidays {
                if b.off_to < b.off_from {
                    return Err(DomainError::new(
                        Code::InvalidCalendarFile,
                        format!("节假日数据文件 {name} 中“{}”的结束日期早于开始日期", b.name),
                    ));
                }
            }
            parsed.insert(f.year, f);
        }
        let mut cal = Self {
            years: BTreeMap::new(),
            provisional: BTreeSet::new(),
            off: HashMap::new(),
            makeup: HashMap::new(),
            rules,
        };
        for (year, f) in parsed {
            for b in f.holidays {
                let mut d = b.off_from;
                while d <= b.off_to {
                    cal.off.insert(d, b.name.clone());
                    d = d.succ_opt().expect("date in range");
                }
                for w in b.workdays {
                    cal.makeup.insert(w, b.name.clone());
                }
            }
            cal.years.insert(
                year,
                YearSource {
                    year,
                    notice: f.notice,
                    sources: f.sources,
                },
            );
        }
        if let Some(&last) = cal.years.keys().next_back() {
            cal.derive_provisional_through(last + PROVISIONAL_YEARS_AHEAD);
        }
        Ok(cal)
    }

    /// Extends the provisional years to `today`'s year + [`PROVISIONAL_YEARS_AHEAD`] when that is
    /// later than the last official year + the same: an office must be able to count the next
    /// five years' deadlines however long ago the last notice was added.
    pub fn with_today(mut self, today: NaiveDate) -> Self {
        self.derive_provisional_through(today.year() + PROVISIONAL_YEARS_AHEAD);
        self
    }

    /// Derives every year after the first official one, up to `last`, that has no official file
    /// and that the 2024 rule and [`LUNAR_TABLE`] cover.
    fn derive_provisional_through(&mut self, last: i32) {
        let Some(&first) = self.years.keys().next() else {
            return;
        };
        for year in (first + 1).max(RULE_2024_FIRST_YEAR)..=last {
            if self.years.contains_key(&year) || self.provisional.contains(&year) {
                continue;
            }
            let Some(days) = provisional_days_off(year) else {
                continue;
            };
            for (d, name) in days {
                self.off.insert(d, name.to_string());
            }
            self.provisional.insert(year);
        }
    }

    /// Whether `d`'s year is provisional (no official file; statutory holidays only).
    pub fn is_provisional(&self, d: NaiveDate) -> bool {
        self.provisional.contains(&d.year())
    }

    pub fn is_provisional_year(&self, year: i32) -> bool {
        self.provisional.contains(&year)
    }

    /// The provisional years, for messages and the settings page.
    pub fn provisional_years(&self) -> Vec<i32> {
        self.provisional.iter().copied().collect()
    }

    pub fn with_rules(mut self, rules: CalendarRules) -> Self {
        self.rules = rules;
        self
    }

    pub fn sources(&self) -> impl Iterator<Item = &YearSource> {
        self.years.values()
    }

    /// Whether dates of `d`'s year can be counted (an official or a provisional year).
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.years.contains_key(&d.year()) || self.provisional.contains(&d.year())
    }

    /// The years with an official data file, for messages.
    pub fn covered_years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    fn missing(&self, d: NaiveDate) -> DomainError {
        let y = d.year();
        DomainError::new(
            Code::CalendarYearMissing,
            format!(
                "{y}年的法定节假日安排尚未录入，无法计算涉及{}的期限。请系统管理员按国务院办公厅{y}年部分节假日安排的通知添加节假日数据文件 {y}.toml{}",
                format_date_cn(d),
                match self.provisional.iter().next_back() {
                    Some(p) => format!("（尚未发布放假安排的年份按法定节假日暂算，暂算至{p}年）"),
                    None => String::new(),
                }
            ),
        )
    }

    pub fn day_kind(&self, d: NaiveDate) -> DomainResult<DayKind> {
        if !self.covers(d) {
            return Err(self.missing(d));
        }
        if let Some(name) = self.makeup.get(&d) {
            if self.rules.makeup_days_are_working_days {
                return Ok(DayKind::MakeupWorkday(name.clone()));
            }
        }
        if let Some(name) = self.off.get(&d) {
            return Ok(DayKind::Holiday(name.clone()));
        }
        Ok(if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            DayKind::Weekend
        } else {
            DayKind::Workday
        })
    }

    pub fn is_working_day(&self, d: NaiveDate) -> DomainResult<bool> {
        Ok(matches!(
            self.day_kind(d)?,
            DayKind::Workday | DayKind::MakeupWorkday(_)
        ))
    }

    /// Whether a calendar-day period may end on `d` (T3 with T7): holidays never, weekends only
    /// when the T7 switch is off.
    pub fn may_end_on(&self, d: NaiveDate) -> DomainResult<bool> {
        Ok(match self.day_kind(d)? {
            DayKind::Workday | DayKind::MakeupWorkday(_) => true,
            DayKind::Holiday(_) => false,
            DayKind::Weekend => !self.rules.weekends_extend_periods,
        })
    }

    /// Working days in `(from, to]` (negative when `to < from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> DomainResult<i64> {
        let (a, b, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut n = 0;
        let mut d = a;
        while d < b {
            d = d.succ_opt().expect("date in range");
            if self.is_working_day(d)? {
                n += 1;
            }
        }
        Ok(n * sign)
    }
}

/// 2024年9月27日
pub fn format_date_cn(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

pub fn weekday_cn(d: NaiveDate) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        [d.weekday().num_days_from_monday() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn makeup_and_holidays() {
        let c = HolidayCalendar::embedded();
        assert_eq!(c.covered_years(), (2019..=2026).collect::<Vec<_>>());
        assert!(
            c.is_working_day(d("2024-09-29")).unwrap(),
            "Sunday make-up day"
        );
        assert!(!c.is_working_day(d("2024-10-01")).unwrap());
        assert!(
            !c.is_working_day(d("2024-09-28")).unwrap(),
            "plain Saturday"
        );
        assert!(c.is_working_day(d("2024-09-27")).unwrap());
        assert_eq!(
            c.day_kind(d("2026-02-16")).unwrap(),
            DayKind::Holiday("春节".into())
        );
        assert!(
            c.is_working_day(d("2026-01-04")).unwrap(),
            "2026 元旦 make-up Sunday"
        );
    }

    #[test]
    fn year_before_the_first_file_or_beyond_the_provisional_window_is_an_error() {
        let c = HolidayCalendar::embedded();
        // Last official year 2026 + 5: 2027–2031 are provisional, 2032 is refused.
        assert_eq!(c.provisional_years(), (2027..=2031).collect::<Vec<_>>());
        let e = c.is_working_day(d("2032-01-05")).unwrap_err();
        assert_eq!(e.code, "calendar_year_missing");
        assert!(e.message.contains("2032年"), "{}", e.message);
        assert!(e.message.contains("暂算至2031年"), "{}", e.message);
        // 2018-12-30 is listed by the 2019 notice, but 2018 as a year has no data.
        assert!(c.is_working_day(d("2018-12-28")).is_err());
        assert!(!c.is_provisional(d("2026-12-31")));
        assert!(c.is_provisional(d("2027-01-04")));
    }

    #[test]
    fn provisional_window_follows_today_when_later() {
        // Five years past today's year when no notice has been added for a long time.
        let c = HolidayCalendar::embedded().with_today(d("2029-06-01"));
        assert_eq!(c.provisional_years(), (2027..=2034).collect::<Vec<_>>());
        assert_eq!(
            c.is_working_day(d("2035-01-04")).unwrap_err().code,
            "calendar_year_missing"
        );
        // An earlier today never shrinks the window of the last official year.
        let c = HolidayCalendar::embedded().with_today(d("2024-01-01"));
        assert_eq!(c.provisional_years(), (2027..=2031).collect::<Vec<_>>());
    }

    /// 全国年节及纪念日放假办法 第二条: the table's 春节, 清明, 端午 and 中秋 fall inside the
    /// holidays of that name in every official file (2019–2026), and since the 2024 revision
    /// (2025, 2026) every statutory day, 除夕 included, is a day off in the official file.
    #[test]
    fn lunar_table_matches_official_files() {
        let c = HolidayCalendar::embedded();
        for &(y, chunjie, qingming, duanwu, zhongqiu) in LUNAR_TABLE.iter().filter(|r| r.0 <= 2026)
        {
            for (md, name) in [
                (chunjie, "春节"),
                (qingming, "清明"),
                (duanwu, "端午"),
                (zhongqiu, "中秋"),
            ] {
                let day = ymd(y, md);
                match c.day_kind(day).unwrap() {
                    DayKind::Holiday(n) => assert!(n.contains(name), "{day}: {n} ≠ {name}"),
                    k => panic!("{day} should be {name}, is {k:?}"),
                }
            }
        }
        for y in [2025, 2026] {
            for (name, days) in statutory_holidays(y).unwrap() {
                for day in days {
                    match c.day_kind(day).unwrap() {
                        DayKind::Holiday(n) => {
                            assert!(n.contains(&name[..6]), "{day}: {n} ≠ {name}")
                        }
                        k => panic!("{day} ({name}) should be a holiday, is {k:?}"),
                    }
                }
            }
        }
        assert_eq!(statutory_holidays(2024), None, "before the 2024 revision");
        assert_eq!(
            statutory_holidays(2027)
                .unwrap()
                .iter()
                .map(|(_, d)| d.len())
                .sum::<usize>(),
            13,
            "第二条: 13 statutory days"
        );
    }

    /// 全国年节及纪念日放假办法 第二条 and 第六条 for 2027: 春节 is 除夕 (Friday 02-05) to 初三
    /// (Monday 02-08); 初一 and 初二 fall on the weekend and are made up on Tuesday and
    /// Wednesday. 劳动节 (Saturday and Sunday) is made up on 05-03 and 05-04; 国庆节's weekend
    /// days on 10-04 and 10-05. No weekend is worked (no 调休上班).
    #[test]
    fn provisional_2027_statutory_holidays_with_makeup_days() {
        let c = HolidayCalendar::embedded();
        let off = |s: &str| !c.is_working_day(d(s)).unwrap();
        for day in [
            "2027-01-01",
            "2027-02-05",
            "2027-02-08",
            "2027-02-09",
            "2027-02-10",
            "2027-04-05",
            "2027-05-03",
            "2027-05-04",
            "2027-06-09",
            "2027-09-15",
            "2027-10-04",
            "2027-10-05",
        ] {
            assert!(off(day), "{day} should be off");
        }
        for day in [
            "2027-02-04",
            "2027-02-11",
            "2027-05-05",
            "2027-06-10",
            "2027-09-16",
            "2027-10-06",
        ] {
            assert!(!off(day), "{day} should be a working day");
        }
        assert_eq!(
            c.day_kind(d("2027-02-09")).unwrap(),
            DayKind::Holiday("春节".into())
        );
        // No make-up working days: every weekend of 2027 stays a rest day.
        let mut day = d("2027-01-01");
        while day.year() == 2027 {
            if is_weekend(day) {
                assert!(off(&day.to_string()), "{day} worked");
            }
            day = day.succ_opt().unwrap();
        }
    }

    /// 第六条 with two holidays on one day: in 2028 中秋 (10-03, Tuesday) falls within 国庆节,
    /// and 2028-10-01 is a Sunday: both are made up (10-04, 10-05).
    #[test]
    fn overlapping_holiday_is_made_up() {
        let off = provisional_days_off(2028).unwrap();
        let oct: Vec<String> = off
            .iter()
            .filter(|(d, _)| d.month() == 10)
            .map(|(d, _)| d.to_string())
            .collect();
        assert_eq!(
            oct,
            [
                "2028-10-01",
                "2028-10-02",
                "2028-10-03",
                "2028-10-04",
                "2028-10-05"
            ]
        );
    }

    #[test]
    fn t8_switch() {
        let c = HolidayCalendar::embedded().with_rules(CalendarRules {
            makeup_days_are_working_days: false,
            ..Default::default()
        });
        assert!(!c.is_working_day(d("2024-09-29")).unwrap());
    }

    #[test]
    fn later_file_overrides_year() {
        let extra = "year = 2024\nnotice = \"测试\"\nsources = []\n".to_string();
        let mut files: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        files.push(("2024.toml".into(), extra));
        let c = HolidayCalendar::from_files(files, CalendarRules::default()).unwrap();
        assert!(c.is_working_day(d("2024-10-02")).unwrap());
    }

    #[test]
    fn bad_file_names_itself() {
        let e = HolidayCalendar::from_files(
            [("2030.toml".to_string(), "year = \"x\"".to_string())],
            CalendarRules::default(),
        )
        .unwrap_err();
        assert!(e.message.contains("2030.toml"));
    }
}
