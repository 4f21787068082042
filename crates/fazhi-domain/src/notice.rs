//! Reading the State Council General Office's yearly notice (国务院办公厅关于YYYY年部分节假日安排的
//! 通知) as published, into a year file of the calendar (`data/calendar/YYYY.toml`, read by
//! [`crate::calendar::HolidayCalendar::from_files`]).
//!
//! Pure: text in, [`Notice`] or a [`DomainError`] out. Every refusal names the line (1-based, as
//! pasted) and the reason, with a stable code:
//!
//! - `notice_no_title`: no line reads 国务院办公厅关于YYYY年部分节假日安排的通知;
//! - `notice_unreadable_line`: a holiday line (一、元旦：…) or one of its sentences is not in a form
//!   the notices use;
//! - `notice_bad_date`: a date that does not exist (2月30日);
//! - `notice_weekday_mismatch`: a weekday in brackets (（周日）, （星期日）) is not the date's;
//! - `notice_out_of_year`: a date neither in the notice's year nor in the December before it (a
//!   元旦 block or its make-up day may start there), or a block ending outside the year;
//! - `notice_duplicate_day`: a day named twice (off twice, a make-up day twice, or both);
//! - `notice_day_count_mismatch`: 共N天 differs from the range;
//! - `notice_makeup_not_weekend`: a make-up working day (上班) on a Monday–Friday;
//! - `notice_no_holidays`: the text names no holiday block.
//!
//! The wording differs between years: 2024 names weekdays only for make-up days and writes
//! 与周末连休; 2025 and 2026 name a weekday for every date, some with the lunar date
//! (（农历腊月二十八、周日）). Lunar dates are not checked; weekdays always are.

use crate::calendar::{format_date_cn, weekday_cn};
use crate::error::Code;
use crate::error::{DomainError, DomainResult};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One holiday block as in a year file: the days off and the weekend days worked for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearFileHoliday {
    pub name: String,
    pub off_from: NaiveDate,
    pub off_to: NaiveDate,
    #[serde(default)]
    pub workdays: Vec<NaiveDate>,
}

/// A year file of the calendar (`data/calendar/YYYY.toml`), as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearFileData {
    pub year: i32,
    pub notice: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub holidays: Vec<YearFileHoliday>,
}

impl YearFileData {
    /// Reads a year file's TOML text.
    pub fn from_toml(text: &str) -> DomainResult<Self> {
        toml::from_str(text).map_err(|e| {
            DomainError::new(
                Code::InvalidCalendarFile,
                format!("节假日数据文件格式错误：{}", e.message()),
            )
        })
    }

    /// The file's text, in the format of `data/calendar/YYYY.toml` (header comment, `year`,
    /// `notice`, `sources`, then one `[[holidays]]` table per block).
    pub fn to_toml(&self, issued: Option<NaiveDate>) -> String {
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        let dates = |v: &[NaiveDate]| {
            v.iter()
                .map(|d| format!("\"{d}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = format!(
            "# Official holiday arrangements (法定节假日 and 调休上班) for {}.\n\
             # Read by `fazhi calendar import` from the notice below{}. Dates are keyed by date,\n\
             # so a block may reach into the previous year (legal-rules.md §12.3 rule 2).\n",
            self.year,
            issued.map(|d| format!(" (dated {d})")).unwrap_or_default()
        );
        out.push_str(&format!("year = {}\n", self.year));
        out.push_str(&format!("notice = {}\n", q(&self.notice)));
        out.push_str(&format!(
            "sources = [{}]\n",
            self.sources
                .iter()
                .map(|s| q(s))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        for h in &self.holidays {
            out.push_str(&format!(
                "\n[[holidays]]\nname = {}\noff_from = \"{}\"\noff_to = \"{}\"\nworkdays = [{}]\n",
                q(&h.name),
                h.off_from,
                h.off_to,
                dates(&h.workdays)
            ));
        }
        out
    }
}

/// One holiday block read from a notice, with the line it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeHoliday {
    pub line: usize,
    pub name: String,
    pub off_from: NaiveDate,
    pub off_to: NaiveDate,
    pub workdays: Vec<NaiveDate>,
}

impl NoticeHoliday {
    pub fn days(&self) -> i64 {
        (self.off_to - self.off_from).num_days() + 1
    }
}

/// What a notice says: its year, title, date of issue (the line under 国务院办公厅) and blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub year: i32,
    pub title: String,
    pub issued: Option<NaiveDate>,
    pub holidays: Vec<NoticeHoliday>,
}

impl Notice {
    /// The year file, with the given source addresses (the notice text carries none).
    pub fn year_file(&self, sources: &[String]) -> YearFileData {
        YearFileData {
            year: self.year,
            notice: self.title.clone(),
            sources: sources.to_vec(),
            holidays: self
                .holidays
                .iter()
                .map(|h| YearFileHoliday {
                    name: h.name.clone(),
                    off_from: h.off_from,
                    off_to: h.off_to,
                    workdays: h.workdays.clone(),
                })
                .collect(),
        }
    }

    /// The year file's TOML text.
    pub fn to_toml(&self, sources: &[String]) -> String {
        self.year_file(sources).to_toml(self.issued)
    }

    /// What was read, in Chinese, one line per block and make-up day (for confirmation).
    pub fn summary_lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{}{}",
            self.title,
            self.issued
                .map(|d| format!("（{}）", format_date_cn(d)))
                .unwrap_or_default()
        )];
        for h in &self.holidays {
            let off = if h.off_from == h.off_to {
                format!(
                    "{}（{}）",
                    format_date_cn(h.off_from),
                    weekday_cn(h.off_from)
                )
            } else {
                format!(
                    "{}（{}）至{}（{}）",
                    format_date_cn(h.off_from),
                    weekday_cn(h.off_from),
                    format_date_cn(h.off_to),
                    weekday_cn(h.off_to)
                )
            };
            out.push(format!("{}：{off}放假，共{}天", h.name, h.days()));
            if h.workdays.is_empty() {
                out.push("    无调休上班日".to_string());
            }
            for w in &h.workdays {
                out.push(format!(
                    "    调休上班：{}（{}）",
                    format_date_cn(*w),
                    weekday_cn(*w)
                ));
            }
        }
        out
    }
}

const TITLE_HEAD: &str = "国务院办公厅关于";
const TITLE_TAIL: &str = "年部分节假日安排的通知";
const HOLIDAY_NAMES: [&str; 7] = [
    "元旦",
    "春节",
    "清明节",
    "劳动节",
    "端午节",
    "中秋节",
    "国庆节",
];

fn err(code: Code, line: usize, reason: impl std::fmt::Display) -> DomainError {
    DomainError::new(code, format!("节假日安排通知第{line}行：{reason}"))
}

/// Pasted text's variants: full-width digits, ASCII brackets, colon and comma; spaces dropped.
fn normalise(line: &str) -> String {
    line.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '(' => '（',
            ')' => '）',
            ':' => '：',
            ',' => '，',
            _ => c,
        })
        .collect()
}

/// Leading ASCII digits and the rest.
fn digits(s: &str) -> Option<(u32, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 || end > 4 {
        return None;
    }
    Some((s[..end].parse().ok()?, &s[end..]))
}

/// A date as written: `[YYYY年][M月]D日[（…）]`.
#[derive(Debug)]
struct DateExpr {
    year: Option<i32>,
    month: Option<u32>,
    day: u32,
    bracket: Option<String>,
}

fn date_expr(s: &str) -> Option<(DateExpr, &str)> {
    let (mut year, mut month) = (None, None);
    let (mut n, mut rest) = digits(s)?;
    if let Some(r) = rest.strip_prefix('年') {
        year = Some(n as i32);
        (n, rest) = digits(r)?;
    }
    if let Some(r) = rest.strip_prefix('月') {
        month = Some(n);
        (n, rest) = digits(r)?;
    }
    let rest = rest.strip_prefix('日')?;
    let (bracket, rest) = match rest.strip_prefix('（') {
        Some(r) => {
            let end = r.find('）')?;
            (Some(r[..end].to_string()), &r[end + '）'.len_utf8()..])
        }
        None => (None, rest),
    };
    Some((
        DateExpr {
            year,
            month,
            day: n,
            bracket,
        },
        rest,
    ))
}

fn weekday_named(s: &str) -> Option<Weekday> {
    let d = s.strip_prefix("星期").or_else(|| s.strip_prefix("周"))?;
    Some(match d {
        "一" => Weekday::Mon,
        "二" => Weekday::Tue,
        "三" => Weekday::Wed,
        "四" => Weekday::Thu,
        "五" => Weekday::Fri,
        "六" => Weekday::Sat,
        "日" | "天" => Weekday::Sun,
        _ => return None,
    })
}

struct LineReader {
    line: usize,
    year: i32,
}

impl LineReader {
    fn unreadable(&self, what: &str) -> DomainError {
        err(
            Code::NoticeUnreadableLine,
            self.line,
            format!("无法识别“{what}”"),
        )
    }

    /// Resolves a written date: a missing month is `prev`'s (至17日), and so is a missing year
    /// then; otherwise a missing year is `default_year`.
    fn resolve(
        &self,
        e: &DateExpr,
        prev: Option<NaiveDate>,
        default_year: i32,
    ) -> DomainResult<NaiveDate> {
        let year = match (e.year, e.month, prev) {
            (Some(y), _, _) => y,
            (None, None, Some(p)) => p.year(),
            _ => default_year,
        };
        let Some(month) = e.month.or(prev.map(|p| p.month())) else {
            return Err(err(
                Code::NoticeUnreadableLine,
                self.line,
                format!("{}日缺少月份", e.day),
            ));
        };
        let d = NaiveDate::from_ymd_opt(year, month, e.day).ok_or_else(|| {
            err(
                Code::NoticeBadDate,
                self.line,
                format!("{year}年{month}月{}日不是有效日期", e.day),
            )
        })?;
        if let Some(b) = &e.bracket {
            for part in b.split('、') {
                if part.starts_with("农历") {
                    continue;
                }
                let Some(w) = weekday_named(part) else {
                    return Err(self.unreadable(&format!("（{b}）")));
                };
                if w != d.weekday() {
                    return Err(err(
                        Code::NoticeWeekdayMismatch,
                        self.line,
                        format!("{}是{}，通知写作“{part}”", format_date_cn(d), weekday_cn(d)),
                    ));
                }
            }
        }
        let prev_december = d.year() == self.year - 1 && d.month() == 12;
        if d.year() != self.year && !prev_december {
            return Err(err(
                Code::NoticeOutOfYear,
                self.line,
                format!("{}不在{}年的安排之内", format_date_cn(d), self.year),
            ));
        }
        Ok(d)
    }

    /// `DATE[至DATE]放假[调休][N天][，与周末连休|，不调休|，共N天]…`
    fn off_sentence(&self, s: &str) -> DomainResult<(NaiveDate, NaiveDate)> {
        let (range, tail) = s.split_once("放假").ok_or_else(|| self.unreadable(s))?;
        let (a, rest) = date_expr(range).ok_or_else(|| self.unreadable(s))?;
        let b = match rest {
            "" => None,
            _ => {
                let r = rest.strip_prefix('至').ok_or_else(|| self.unreadable(s))?;
                let (b, rest) = date_expr(r).ok_or_else(|| self.unreadable(s))?;
                if !rest.is_empty() {
                    return Err(self.unreadable(s));
                }
                Some(b)
            }
        };
        // 12月30日至1月1日 with no year written: the start lies in the year before.
        let from_year = match (&b, a.month) {
            (Some(b), Some(ma)) if a.year.is_none() && b.year.is_none() => match b.month {
                Some(mb) if mb < ma => self.year - 1,
                _ => self.year,
            },
            _ => self.year,
        };
        let from = self.resolve(&a, None, from_year)?;
        let to = match &b {
            None => from,
            Some(b) => self.resolve(b, Some(from), self.year)?,
        };
        if to < from {
            return Err(err(
                Code::NoticeBadDate,
                self.line,
                format!(
                    "结束日期{}早于开始日期{}",
                    format_date_cn(to),
                    format_date_cn(from)
                ),
            ));
        }
        let mut count = None;
        let mut t = tail.strip_prefix("调休").unwrap_or(tail);
        if let Some((n, r)) = digits(t) {
            t = r.strip_prefix('天').ok_or_else(|| self.unreadable(s))?;
            count = Some(n);
        }
        for part in t.split('，').filter(|p| !p.is_empty()) {
            match part {
                "与周末连休" | "不调休" => {}
                _ => {
                    let n = part
                        .strip_prefix('共')
                        .and_then(digits)
                        .filter(|(_, r)| *r == "天")
                        .ok_or_else(|| self.unreadable(s))?;
                    count = Some(n.0);
                }
            }
        }
        let days = (to - from).num_days() + 1;
        if let Some(n) = count {
            if i64::from(n) != days {
                return Err(err(
                    Code::NoticeDayCountMismatch,
                    self.line,
                    format!(
                        "{}至{}共{days}天，通知写作共{n}天",
                        format_date_cn(from),
                        format_date_cn(to)
                    ),
                ));
            }
        }
        Ok((from, to))
    }

    /// `DATE（周X）、DATE（周X）上班`
    fn work_sentence(&self, s: &str) -> DomainResult<Vec<NaiveDate>> {
        let list = s.strip_suffix("上班").ok_or_else(|| self.unreadable(s))?;
        let mut out = Vec::new();
        let mut rest = list;
        loop {
            let (e, r) = date_expr(rest).ok_or_else(|| self.unreadable(s))?;
            let d = self.resolve(&e, out.last().copied(), self.year)?;
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                return Err(err(
                    Code::NoticeMakeupNotWeekend,
                    self.line,
                    format!(
                        "调休上班日{}是{}，不是周末",
                        format_date_cn(d),
                        weekday_cn(d)
                    ),
                ));
            }
            out.push(d);
            if r.is_empty() {
                return Ok(out);
            }
            rest = r
                .strip_prefix('、')
                .or_else(|| r.strip_prefix('，'))
                .ok_or_else(|| self.unreadable(s))?;
        }
    }
}

/// `一、元旦：…` (numbered) or `元旦：…`: the block's name and its text.
fn holiday_heading(line: &str) -> Option<(bool, &str, &str)> {
    let numbered = line
        .find('、')
        .filter(|&i| {
            i > 0
                && line[..i]
                    .chars()
                    .all(|c| "一二三四五六七八九十".contains(c))
        })
        .map(|i| &line[i + '、'.len_utf8()..]);
    let rest = numbered.unwrap_or(line);
    let (name, body) = rest.split_once('：')?;
    let known = !name.is_empty() && name.split('、').all(|n| HOLIDAY_NAMES.contains(&n));
    if numbered.is_some() || known {
        Some((known, name, body))
    } else {
        None
    }
}

/// Reads a notice's text. See the module documentation for what is checked.
pub fn parse_notice(text: &str) -> DomainResult<Notice> {
    let lines: Vec<String> = text.lines().map(normalise).collect();
    let mut title = None;
    for (i, l) in lines.iter().enumerate() {
        if let Some(y) = l
            .strip_prefix(TITLE_HEAD)
            .and_then(|r| r.strip_suffix(TITLE_TAIL))
        {
            match y.parse::<i32>() {
                Ok(n) if y.len() == 4 && (2000..=2200).contains(&n) => {
                    title = Some((i, n, l.clone()));
                    break;
                }
                _ => {
                    return Err(err(
                        Code::NoticeUnreadableLine,
                        i + 1,
                        format!("标题中的年份“{y}”无法识别"),
                    ))
                }
            }
        }
    }
    let Some((title_idx, year, title)) = title else {
        return Err(DomainError::new(
            Code::NoticeNoTitle,
            "未找到通知标题“国务院办公厅关于YYYY年部分节假日安排的通知”，请粘贴通知全文",
        ));
    };
    let mut holidays: Vec<NoticeHoliday> = Vec::new();
    let mut seen: HashMap<NaiveDate, usize> = HashMap::new();
    let mut issued = None;
    let mut signed = false;
    for (i, l) in lines.iter().enumerate().skip(title_idx + 1) {
        let r = LineReader { line: i + 1, year };
        if l.is_empty() {
            continue;
        }
        if l == "国务院办公厅" {
            signed = true;
            continue;
        }
        if signed && issued.is_none() {
            if let Some((e, "")) = date_expr(l) {
                if e.year.is_some() && e.month.is_some() && e.bracket.is_none() {
                    let (y, m) = (e.year.unwrap_or(0), e.month.unwrap_or(0));
                    issued = Some(NaiveDate::from_ymd_opt(y, m, e.day).ok_or_else(|| {
                        err(
                            Code::NoticeBadDate,
                            r.line,
                            format!("{y}年{m}月{}日不是有效日期", e.day),
                        )
                    })?);
                    continue;
                }
            }
        }
        let Some((known, name, body)) = holiday_heading(l) else {
            continue; // prose: addressees, the preamble, closing remarks
        };
        if !known {
            return Err(r.unreadable(&format!("{name}：")));
        }
        let mut off = None;
        let mut workdays = Vec::new();
        for s in body.split('。').filter(|s| !s.is_empty()) {
            if s.starts_with("鼓励") {
                continue; // advice (e.g. to rest on 除夕), not an arrangement
            }
            if s.contains("放假") && off.is_none() {
                off = Some(r.off_sentence(s)?);
            } else if s.ends_with("上班") {
                workdays.extend(r.work_sentence(s)?);
            } else {
                return Err(r.unreadable(s));
            }
        }
        let Some((off_from, off_to)) = off else {
            return Err(err(
                Code::NoticeUnreadableLine,
                r.line,
                format!("“{name}”没有放假日期"),
            ));
        };
        if off_to.year() != year {
            return Err(err(
                Code::NoticeOutOfYear,
                r.line,
                format!(
                    "“{name}”的假期结束于{}，不在{year}年",
                    format_date_cn(off_to)
                ),
            ));
        }
        let mut days: Vec<NaiveDate> = off_from.iter_days().take_while(|d| *d <= off_to).collect();
        days.extend(workdays.iter().copied());
        for d in days {
            if let Some(first) = seen.insert(d, r.line) {
                let where_ = if first == r.line {
                    "本行".to_string()
                } else {
                    format!("第{first}行")
                };
                return Err(err(
                    Code::NoticeDuplicateDay,
                    r.line,
                    format!("{}已在{where_}安排过", format_date_cn(d)),
                ));
            }
        }
        holidays.push(NoticeHoliday {
            line: r.line,
            name: name.to_string(),
            off_from,
            off_to,
            workdays,
        });
    }
    if holidays.is_empty() {
        return Err(DomainError::new(
            Code::NoticeNoHolidays,
            format!(
                "通知中没有可识别的节假日安排（如“一、元旦：1月1日放假”），{year}年的安排未读取"
            ),
        ));
    }
    Ok(Notice {
        year,
        title,
        issued,
        holidays,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{CalendarRules, HolidayCalendar};

    fn notice(year: i32) -> String {
        let p = format!(
            "{}/../../data/calendar/notices/{year}.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    fn shipped(year: i32) -> YearFileData {
        let p = format!(
            "{}/../../data/calendar/{year}.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        YearFileData::from_toml(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    #[test]
    fn real_notices_equal_the_shipped_files() {
        for year in [2024, 2025, 2026] {
            let n = parse_notice(&notice(year)).unwrap();
            let want = shipped(year);
            // Through the rendered text and back, so the TOML is what is compared.
            let got = YearFileData::from_toml(&n.to_toml(&want.sources)).unwrap();
            assert_eq!(got.year, want.year);
            assert_eq!(got.holidays, want.holidays, "{year}");
            assert_eq!(got.sources, want.sources);
            assert!(want.notice.starts_with(&got.notice), "{}", got.notice);
            assert_eq!(
                n.title,
                format!("国务院办公厅关于{year}年部分节假日安排的通知")
            );
            // And the rendered file loads as a calendar.
            HolidayCalendar::from_files(
                [(format!("{year}.toml"), n.to_toml(&[]))],
                CalendarRules::default(),
            )
            .unwrap();
        }
        let n = parse_notice(&notice(2026)).unwrap();
        assert_eq!(n.issued, NaiveDate::from_ymd_opt(2025, 11, 4));
        assert_eq!(n.holidays[1].line, 9);
        let s = n.summary_lines().join("\n");
        assert!(
            s.contains("春节：2026年2月15日（周日）至2026年2月23日（周一）放假，共9天"),
            "{s}"
        );
        assert!(s.contains("调休上班：2026年2月28日（周六）"), "{s}");
    }

    #[test]
    fn a_block_from_the_previous_december() {
        let text = "国务院办公厅关于2019年部分节假日安排的通知\n\n\
            一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。\n\
            二、春节：2月4日至10日放假调休，共7天。2月2日（星期六）、2月3日（星期日）上班。\n";
        let n = parse_notice(text).unwrap();
        let f = n.year_file(&[]);
        let want = YearFileData::from_toml(include_str!("../../../data/calendar/2019.toml"))
            .unwrap()
            .holidays;
        assert_eq!(f.holidays[..], want[..2]);
        // The same without years written: 12月30日至1月1日 starts in the year before.
        let text = "国务院办公厅关于2019年部分节假日安排的通知\n\
            一、元旦：12月30日（周日）至1月1日（周二）放假调休，共3天。";
        let n = parse_notice(text).unwrap();
        assert_eq!(
            n.holidays[0].off_from,
            NaiveDate::from_ymd_opt(2018, 12, 30).unwrap()
        );
    }

    fn refused(text: &str) -> DomainError {
        parse_notice(text).unwrap_err()
    }

    fn with_line(line: &str) -> String {
        format!("国务院办公厅关于2026年部分节假日安排的通知\n\n一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。\n{line}\n")
    }

    #[test]
    fn bad_input_is_refused_with_code_and_line() {
        let cases = [
            (
                "二、春节：2月15日（周日）至23日（周一）放假调休，共9天。2月14日（周日）上班。",
                "notice_weekday_mismatch",
                "周六",
            ),
            (
                "二、春节：2月15日至23日放假调休，共9天。2月30日（周六）上班。",
                "notice_bad_date",
                "2月30日",
            ),
            (
                "二、春节：2027年2月15日至23日放假调休。",
                "notice_out_of_year",
                "2027年2月15日",
            ),
            (
                "二、国庆节：10月1日至7日放假调休，共7天。1月3日（周六）上班。",
                "notice_duplicate_day",
                "第3行",
            ),
            (
                "二、春节：2月15日前后放假若干天。",
                "notice_unreadable_line",
                "无法识别",
            ),
            (
                "二、春节：2月15日至23日放假调休，共8天。",
                "notice_day_count_mismatch",
                "共9天",
            ),
            (
                "二、春节：2月15日至23日放假调休。2月27日（周五）上班。",
                "notice_makeup_not_weekend",
                "周五",
            ),
            (
                "八、植树节：3月12日放假。",
                "notice_unreadable_line",
                "植树节",
            ),
        ];
        for (line, code, words) in cases {
            let e = refused(&with_line(line));
            assert_eq!(e.code, code, "{line}: {e:?}");
            assert!(e.message.contains("第4行"), "{line}: {}", e.message);
            assert!(e.message.contains(words), "{line}: {}", e.message);
        }
        // A holiday block ending in the next year.
        let e = refused(
            "国务院办公厅关于2026年部分节假日安排的通知\n一、元旦：12月31日至2027年1月1日放假。",
        );
        assert_eq!(e.code, "notice_out_of_year", "{e:?}");
        // A weekday on the range's first date, in 2025's form with the lunar date.
        let e = refused("国务院办公厅关于2025年部分节假日安排的通知\n\n\n二、春节：1月28日（农历除夕、周三）至2月4日（农历正月初七、周二）放假调休，共8天。");
        assert_eq!(e.code, "notice_weekday_mismatch");
        assert!(e.message.contains("第4行") && e.message.contains("2025年1月28日是周二"));
        // An off day repeated within the make-up list of the same line.
        let e = refused(&with_line(
            "二、春节：2月15日至23日放假调休。2月14日（周六）、2月14日（周六）上班。",
        ));
        assert_eq!(e.code, "notice_duplicate_day");
        assert_eq!(refused("随便一段文字").code, "notice_no_title");
        assert_eq!(
            refused("国务院办公厅关于2026年部分节假日安排的通知\n正文").code,
            "notice_no_holidays"
        );
    }

    #[test]
    fn pasted_variants_are_read() {
        let text = "  国务院办公厅关于2026年部分节假日安排的通知 \r\n\
            一、元旦: 1月1日(周四)至3日(周六)放假调休, 共3天。1月4日(星期天)上班。\r\n";
        let n = parse_notice(text).unwrap();
        assert_eq!(n.holidays[0].workdays.len(), 1);
    }
}
