//! Statistics rounds (数据填报): the rule-of-law office asks units for the figures no module
//! computes (or a year before Fazhi), each unit files a form, the office approves or returns it.
//!
//! A form holds counts and amounts only: a rate is filed as its two parts (the catalogue names
//! them), never as a percentage. Values are checked one by one (non-negative integers, amounts
//! with at most four decimals) and against each other (a rate's numerator ≤ its denominator, the
//! catalogue's `[[check]]` rules), and the error names the field.

use crate::calendar::format_date_cn;
use crate::catalogue::{Catalogue, Kind};
use crate::error::Code;
use crate::error::{optional_text, required_text, DomainError, DomainResult};
use crate::fields::{get, parse_date, Fields};
use crate::procedure::illegal_transition;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

coded_enum!(
    /// A round: open while units file, closed when the office ends it (no more changes).
    RoundStatus, "status", "填报轮次状态" {
        Open = "open", "填报中";
        Closed = "closed", "已结束";
    }
);

coded_enum!(
    /// A unit's form in a round.
    FormStatus, "status", "报表状态" {
        Pending = "pending", "待填报";
        Draft = "draft", "草稿";
        Submitted = "submitted", "已提交";
        Returned = "returned", "已退回";
        Approved = "approved", "已通过";
    }
);

coded_enum!(
    /// What can be done to a form.
    FormAction, "action", "操作" {
        Save = "save", "保存草稿";
        Submit = "submit", "提交";
        Approve = "approve", "审核通过";
        Return = "return", "退回";
    }
);

impl FormStatus {
    /// Whether the office counts this form's values (only approved ones are used in a report).
    pub fn counts(self) -> bool {
        self == Self::Approved
    }
}

/// The status a form moves to; refuses what its status does not allow. A unit edits until the
/// office approves; an approved form is returned (with a comment) before it can change again.
pub fn transition(from: FormStatus, action: FormAction) -> DomainResult<FormStatus> {
    use FormAction as A;
    use FormStatus as S;
    match (from, action) {
        (S::Pending | S::Draft | S::Returned, A::Save) => Ok(S::Draft),
        (S::Pending | S::Draft | S::Returned, A::Submit) => Ok(S::Submitted),
        (S::Submitted, A::Approve) => Ok(S::Approved),
        (S::Submitted | S::Approved, A::Return) => Ok(S::Returned),
        _ => Err(illegal_transition(from, action)),
    }
}

/// Amounts (万元, 亿元) are kept as integers of 1/10,000 of their unit, so sums stay exact.
pub const AMOUNT_SCALE: i64 = 10_000;

/// A new round as the office fills it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundDraft {
    pub year: i32,
    pub title: String,
    pub due_date: NaiveDate,
    /// Keys chosen (rates included; their parts are what units fill).
    pub keys: Vec<String>,
    pub unit_ids: Vec<i64>,
    pub note: Option<String>,
}

/// Values of a multi-choice field: `name=a,b` or one field per choice (`name.a=1`).
fn choices(f: &Fields, name: &str) -> Vec<String> {
    let mut out: BTreeSet<String> = get(f, name)
        .split([',', '，', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let prefix = format!("{name}.");
    for (k, v) in f {
        if let Some(choice) = k.strip_prefix(&prefix) {
            if crate::fields::parse_bool(v) {
                out.insert(choice.to_string());
            }
        }
    }
    out.into_iter().collect()
}

impl RoundDraft {
    pub fn parse(f: &Fields, cat: &Catalogue, today: NaiveDate) -> DomainResult<Self> {
        let year_text = get(f, "year").trim();
        let year: i32 = year_text
            .parse()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| {
                if year_text.is_empty() {
                    DomainError::required("year", "填报年度")
                } else {
                    DomainError::field(
                        Code::InvalidYear,
                        "year",
                        "填报年度应为2000至2100之间的年份",
                    )
                }
            })?;
        let title = required_text(get(f, "title"), "title", "轮次名称", 100)?;
        if get(f, "due_date").trim().is_empty() {
            return Err(DomainError::required("due_date", "截止日期"));
        }
        let due_date = parse_date(get(f, "due_date"), "due_date", "截止日期")?;
        if due_date < today {
            return Err(DomainError::field(
                Code::DateInPast,
                "due_date",
                format!("截止日期不能早于今天（{}）", format_date_cn(today)),
            ));
        }
        let keys = choices(f, "keys");
        if keys.is_empty() {
            return Err(DomainError::required("keys", "填报指标"));
        }
        if let Some(k) = keys.iter().find(|k| cat.get(k).is_none()) {
            return Err(DomainError::field(
                Code::UnknownIndicator,
                "keys",
                format!("填报指标“{k}”不在指标目录中"),
            ));
        }
        let mut ids = BTreeSet::new();
        for u in choices(f, "unit_ids") {
            let id = u.parse::<i64>().ok().filter(|i| *i > 0).ok_or_else(|| {
                DomainError::field(Code::InvalidId, "unit_ids", format!("填报单位“{u}”无效"))
            })?;
            ids.insert(id);
        }
        let unit_ids: Vec<i64> = ids.into_iter().collect();
        if unit_ids.is_empty() {
            return Err(DomainError::required("unit_ids", "填报单位"));
        }
        Ok(Self {
            year,
            title,
            due_date,
            keys,
            unit_ids,
            note: optional_text(get(f, "note"), "note", "填报说明", 1000)?,
        })
    }
}

/// The keys a form asks for, in catalogue order: the chosen keys, a rate replaced by its parts,
/// and the keys a chosen key is checked against (so that 审结 ≤ 收到 + 上年结转 can be checked,
/// the form asks for 上年结转 too).
pub fn entry_keys(cat: &Catalogue, chosen: &[String]) -> Vec<String> {
    let mut wanted: BTreeSet<String> = chosen.iter().flat_map(|k| cat.entry_keys(k)).collect();
    let checked: Vec<String> = cat
        .checks
        .iter()
        .filter(|c| wanted.contains(&c.key))
        .flat_map(|c| c.at_most.iter().cloned())
        .collect();
    wanted.extend(checked);
    cat.entries
        .iter()
        .filter(|e| wanted.contains(&e.key))
        .map(|e| e.key.clone())
        .collect()
}

/// The form field of a key (`v.mediation.succeeded`).
pub fn field_name(key: &str) -> String {
    format!("v.{key}")
}

/// Parses one value as typed: digits with optional thousands separators (full-width digits
/// accepted, as typed in WPS); an amount may have up to four decimals. Empty is `None`.
pub fn parse_value(cat: &Catalogue, key: &str, text: &str) -> DomainResult<Option<i64>> {
    let e = cat.get(key).ok_or_else(|| {
        DomainError::field(
            Code::UnknownIndicator,
            field_name(key),
            format!("指标“{key}”不在指标目录中"),
        )
    })?;
    let normal: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{3000}'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            other => other,
        })
        .collect();
    if normal.is_empty() {
        return Ok(None);
    }
    let bad = |why: &str| {
        DomainError::field(
            Code::InvalidValue,
            field_name(key),
            format!("“{}”{}，填写的是“{}”", e.label, why, text.trim()),
        )
    };
    match e.kind {
        Kind::Count => {
            if normal.starts_with('-') {
                return Err(bad("不能为负数"));
            }
            if !normal.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("应为非负整数"));
            }
            normal
                .parse::<i64>()
                .ok()
                .filter(|n| *n <= 1_000_000_000_000)
                .map(Some)
                .ok_or_else(|| bad("数值过大"))
        }
        Kind::Amount => {
            if normal.starts_with('-') {
                return Err(bad("不能为负数"));
            }
            let (int, frac) = normal.split_once('.').unwrap_or((&normal, ""));
            let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
            if int.is_empty() || !digits(int) || !digits(frac) || frac.len() > 4 {
                return Err(bad(&format!("应为金额（{}），最多四位小数", e.unit)));
            }
            let int: i64 = int
                .parse()
                .ok()
                .filter(|n| *n <= 100_000_000_000)
                .ok_or_else(|| bad("数值过大"))?;
            let frac: i64 = format!("{frac:0<4}").parse().unwrap_or(0);
            Ok(Some(int * AMOUNT_SCALE + frac))
        }
        Kind::Rate => Err(DomainError::field(
            Code::RateNotAllowed,
            field_name(key),
            format!(
                "“{}”是比率，请分别填写分子和分母，不要直接填写百分比",
                e.label
            ),
        )),
    }
}

/// A value as printed in a form or a table: 2265, 231.64.
pub fn format_value(kind: Kind, v: i64) -> String {
    match kind {
        Kind::Amount => {
            let (int, frac) = (v / AMOUNT_SCALE, v % AMOUNT_SCALE);
            let frac = format!("{frac:04}");
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                int.to_string()
            } else {
                format!("{int}.{frac}")
            }
        }
        _ => v.to_string(),
    }
}

/// Reads a form's values from its fields (`v.KEY`), for the keys it asks for.
pub fn parse_values(
    cat: &Catalogue,
    keys: &[String],
    f: &Fields,
) -> DomainResult<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    for k in keys {
        if let Some(v) = parse_value(cat, k, get(f, &field_name(k)))? {
            out.insert(k.clone(), v);
        }
    }
    Ok(out)
}

/// Checks values against each other: every rate's numerator ≤ its denominator, and the
/// catalogue's checks. The error names the field that is too large.
pub fn check_values(cat: &Catalogue, values: &BTreeMap<String, i64>) -> DomainResult<()> {
    let label = |k: &str| {
        cat.get(k)
            .map(|e| e.label.as_str())
            .unwrap_or(k)
            .to_string()
    };
    let shown = |k: &str, v: i64| {
        let e = cat.get(k);
        format!(
            "“{}”（{}{}）",
            label(k),
            format_value(e.map(|e| e.kind).unwrap_or(Kind::Count), v),
            e.map(|e| e.unit.as_str()).unwrap_or("")
        )
    };
    for e in cat
        .entries
        .iter()
        .filter(|e| e.kind == Kind::Rate && !e.can_exceed)
    {
        let (Some(n), Some(d)) = (&e.numerator, &e.denominator) else {
            continue;
        };
        if let (Some(&nv), Some(&dv)) = (values.get(n), values.get(d)) {
            if nv > dv {
                return Err(DomainError::field(
                    Code::PartsDisagree,
                    field_name(n),
                    format!(
                        "{}不能大于{}（二者是“{}”的分子和分母）",
                        shown(n, nv),
                        shown(d, dv),
                        e.label
                    ),
                ));
            }
        }
    }
    for c in &cat.checks {
        let Some(&v) = values.get(&c.key) else {
            continue;
        };
        let limit: Option<i64> = c.at_most.iter().map(|k| values.get(k).copied()).sum();
        if let Some(limit) = limit {
            if v > limit {
                let names: Vec<String> = c.at_most.iter().map(|k| shown(k, values[k])).collect();
                return Err(DomainError::field(
                    Code::ValuesDisagree,
                    field_name(&c.key),
                    format!("{}不能大于{}", shown(&c.key, v), names.join("与")),
                ));
            }
        }
    }
    Ok(())
}

/// The comment returning a form: required, so the unit knows what to fix.
pub fn return_comment(f: &Fields) -> DomainResult<String> {
    required_text(get(f, "comment"), "comment", "退回意见", 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn values_are_counts_or_amounts_never_percentages() {
        let cat = Catalogue::embedded();
        let p = |k: &str, t: &str| parse_value(cat, k, t);
        assert_eq!(
            p("mediation.disputes_mediated", "2,265").unwrap(),
            Some(2265)
        );
        assert_eq!(
            p("mediation.disputes_mediated", "２２６５").unwrap(),
            Some(2265)
        );
        assert_eq!(p("mediation.disputes_mediated", " ").unwrap(), None);
        for bad in ["-1", "12.5", "十", "99%"] {
            let e = p("mediation.disputes_mediated", bad).unwrap_err();
            assert_eq!(
                e.field.as_deref(),
                Some("v.mediation.disputes_mediated"),
                "{bad}"
            );
            assert!(e.message.contains("调处矛盾纠纷"), "{}", e.message);
        }
        assert_eq!(
            p("legality_review.amount", "231.64").unwrap(),
            Some(2_316_400)
        );
        assert_eq!(format_value(Kind::Amount, 2_316_400), "231.64");
        assert!(p("legality_review.amount", "1.23456").is_err());
        assert_eq!(
            p("mediation.success_rate", "99.51").unwrap_err().code,
            "rate_not_allowed"
        );
    }

    #[test]
    fn related_values_are_checked_against_each_other() {
        let cat = Catalogue::embedded();
        let vals = |pairs: &[(&str, i64)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect::<BTreeMap<_, _>>()
        };
        assert!(check_values(
            cat,
            &vals(&[
                ("mediation.succeeded", 2254),
                ("mediation.disputes_mediated", 2265)
            ])
        )
        .is_ok());
        let e = check_values(
            cat,
            &vals(&[
                ("mediation.succeeded", 2266),
                ("mediation.disputes_mediated", 2265),
            ]),
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("v.mediation.succeeded"));
        assert!(e.message.contains("调解成功"), "{}", e.message);
        // concluded ≤ received + carried over, checked only when both are filed
        let ok = vals(&[
            ("reconsideration.concluded", 100),
            ("reconsideration.applications", 94),
        ]);
        assert!(check_values(cat, &ok).is_ok());
        let mut with_carried = ok.clone();
        with_carried.insert("reconsideration.carried_over".into(), 5);
        let e = check_values(cat, &with_carried).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("v.reconsideration.concluded"));
        assert!(e.message.contains("上年结转"), "{}", e.message);
    }

    #[test]
    fn a_round_names_known_keys_and_units() {
        let cat = Catalogue::embedded();
        let today = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
        let ok = fields(&[
            ("year", "2024"),
            ("title", "2024年度法治政府建设数据填报"),
            ("due_date", "2025-01-31"),
            ("keys", "mediation.success_rate,enforcement.inspections"),
            ("unit_ids.3", "on"),
            ("unit_ids", "2"),
        ]);
        let r = RoundDraft::parse(&ok, cat, today).unwrap();
        assert_eq!(r.unit_ids, [2, 3]);
        assert_eq!(
            entry_keys(cat, &r.keys),
            [
                "enforcement.inspections",
                "mediation.disputes_mediated",
                "mediation.succeeded"
            ]
        );
        for (k, v, code) in [
            ("keys", "no.such", "unknown_indicator"),
            ("keys", "", "required"),
            ("year", "1999", "invalid_year"),
            ("due_date", "2025-01-01", "date_in_past"),
        ] {
            let mut f = ok.clone();
            f.insert(k.into(), v.into());
            assert_eq!(
                RoundDraft::parse(&f, cat, today).unwrap_err().code,
                code,
                "{k}={v}"
            );
        }
    }

    #[test]
    fn forms_move_through_their_statuses() {
        use FormAction as A;
        use FormStatus as S;
        assert_eq!(transition(S::Pending, A::Save).unwrap(), S::Draft);
        assert_eq!(transition(S::Draft, A::Submit).unwrap(), S::Submitted);
        assert_eq!(transition(S::Submitted, A::Approve).unwrap(), S::Approved);
        assert_eq!(transition(S::Approved, A::Return).unwrap(), S::Returned);
        assert_eq!(transition(S::Returned, A::Submit).unwrap(), S::Submitted);
        assert!(transition(S::Approved, A::Save).is_err());
        assert!(transition(S::Draft, A::Approve).is_err());
        assert!(transition(S::Pending, A::Return).is_err());
    }
}
