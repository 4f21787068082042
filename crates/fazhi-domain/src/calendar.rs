//! The official working-day calendar (法定节假日 and 调休上班), one data file per year.
//!
//! Rules from `legal-rules.md` §12.3: a make-up day is a working day even on a weekend; a holiday
//! is not; otherwise Monday–Friday work. Data is keyed by date, not by notice year. A date in a
//! year with no data file is an error: we never guess a year from weekends alone.

use crate::error::{DomainError, DomainResult};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

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
    off: HashMap<NaiveDate, String>,
    makeup: HashMap<NaiveDate, String>,
    pub rules: CalendarRules,
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
                    "invalid_calendar_file",
                    format!("节假日数据文件 {name} 格式错误：{}", e.message()),
                )
            })?;
            for b in &f.holidays {
                if b.off_to < b.off_from {
                    return Err(DomainError::new(
                        "invalid_calendar_file",
                        format!("节假日数据文件 {name} 中“{}”的结束日期早于开始日期", b.name),
                    ));
                }
            }
            parsed.insert(f.year, f);
        }
        let mut cal = Self {
            years: BTreeMap::new(),
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
        Ok(cal)
    }

    pub fn with_rules(mut self, rules: CalendarRules) -> Self {
        self.rules = rules;
        self
    }

    pub fn sources(&self) -> impl Iterator<Item = &YearSource> {
        self.years.values()
    }

    pub fn covers(&self, d: NaiveDate) -> bool {
        self.years.contains_key(&d.year())
    }

    /// The years with data, for messages.
    pub fn covered_years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    fn missing(&self, d: NaiveDate) -> DomainError {
        let y = d.year();
        DomainError::new(
            "calendar_year_missing",
            format!(
                "{y}年的法定节假日安排尚未录入，无法计算涉及{}的期限。请系统管理员按国务院办公厅{y}年部分节假日安排的通知添加节假日数据文件 {y}.toml",
                format_date_cn(d)
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
    fn year_without_data_is_an_error() {
        let c = HolidayCalendar::embedded();
        let e = c.is_working_day(d("2027-01-05")).unwrap_err();
        assert_eq!(e.code, "calendar_year_missing");
        assert!(e.message.contains("2027年"));
        // 2018-12-30 is listed by the 2019 notice, but 2018 as a year has no data.
        assert!(c.is_working_day(d("2018-12-28")).is_err());
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
