//! The data sentences (数据句): minijinja templates, one file per topic, that write the figures
//! in the register of the published reports, e.g.
//! 全区共收到行政复议申请94件（比2023年同期增长14.63%），已审结86件，审结率91.49%。
//!
//! Templates call functions rather than interpolate numbers, so each figure stays linked to its
//! indicator: `fig(KEY)` this year's value, `last(KEY)` last year's, `change(KEY)` the 同比
//! (增长x% / 下降x% / 新增 / 持平; for a rate, 上升/下降x个百分点), `has(KEY)` / `has_last(KEY)` whether
//! there is a value, `value(KEY)` the bare number for a condition. Variables: `year`,
//! `last_year`, `scope` (全区, 全县 …). An unknown key, variable or function is an error naming the
//! file and line. The shipped templates live in `data/report/sentences/`; an administrator's
//! directory of `.j2` files overrides them by name and may add new ones.

use crate::model::Inline;
use fazhi_domain::catalogue::{Catalogue, Kind};
use fazhi_domain::filing::format_value;
use fazhi_domain::rate::{percent, point_change, Change, PercentFormat};
use fazhi_domain::Code;
use fazhi_domain::DomainError;
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The templates shipped with Fazhi (name without `.j2`, source).
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "reconsideration",
        include_str!("../../../data/report/sentences/reconsideration.j2"),
    ),
    (
        "litigation",
        include_str!("../../../data/report/sentences/litigation.j2"),
    ),
    (
        "supervision",
        include_str!("../../../data/report/sentences/supervision.j2"),
    ),
    (
        "enforcement",
        include_str!("../../../data/report/sentences/enforcement.j2"),
    ),
    (
        "mediation",
        include_str!("../../../data/report/sentences/mediation.j2"),
    ),
    (
        "legality_review",
        include_str!("../../../data/report/sentences/legality_review.j2"),
    ),
    (
        "normative_docs",
        include_str!("../../../data/report/sentences/normative_docs.j2"),
    ),
    (
        "suggestions",
        include_str!("../../../data/report/sentences/suggestions.j2"),
    ),
    (
        "disclosure",
        include_str!("../../../data/report/sentences/disclosure.j2"),
    ),
];

/// One year's number of a key: a count, an amount (1/10,000 of its unit) or a rate's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Num {
    Count(i64),
    Amount(i64),
    Rate(i64, i64),
}

/// A key's values for the report year and the year before, and where this year's came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyValue {
    pub this: Option<Num>,
    pub last: Option<Num>,
    /// The drill-down: the records, or the filed form.
    pub href: Option<String>,
    pub last_href: Option<String>,
    /// Said on hover in the internal view: 系统计算（行政复议案件记录）, 单位填报（…审核通过）.
    pub source: Option<String>,
}

/// Everything the templates may print, by key.
#[derive(Debug, Clone)]
pub struct Values {
    pub year: i32,
    /// 全区, 全县, 全市 …
    pub scope: String,
    pub percent: PercentFormat,
    pub keys: BTreeMap<String, KeyValue>,
}

impl Values {
    /// The text of a number as a report prints it (no unit for counts; % for rates).
    pub fn text(&self, key: &str, n: Num) -> Option<String> {
        match n {
            Num::Count(v) => Some(v.to_string()),
            Num::Amount(v) => Some(format_value(Kind::Amount, v)),
            Num::Rate(a, b) => percent(a, b, self.percent).map(|p| format!("{p}%")),
        }
        .filter(|_| !key.is_empty())
    }

    fn get(&self, key: &str) -> Option<&KeyValue> {
        self.keys.get(key)
    }

    fn has(&self, key: &str, last: bool) -> bool {
        let v = self
            .get(key)
            .and_then(|v| if last { v.last } else { v.this });
        match v {
            Some(Num::Rate(_, d)) => d > 0,
            Some(_) => true,
            None => false,
        }
    }

    /// The 同比 of a key, when both years have a value.
    pub fn change(&self, key: &str) -> Option<String> {
        let v = self.get(key)?;
        match (v.this?, v.last?) {
            (Num::Count(a), Num::Count(b)) | (Num::Amount(a), Num::Amount(b)) => {
                Change::of(a, b, self.percent).map(|c| c.text())
            }
            (Num::Rate(a, b), Num::Rate(c, d)) => point_change((a, b), (c, d), self.percent),
            _ => None,
        }
    }
}

// Markers a template function leaves in its output: PUA characters no report text contains,
// turned back into [`Inline::Figure`]s after rendering.
const OPEN: char = '\u{E000}';
const SEP: char = '\u{E001}';
const CLOSE: char = '\u{E002}';

/// What a figure marker stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    This,
    Last,
    Change,
}

impl Which {
    fn code(self) -> char {
        match self {
            Which::This => 't',
            Which::Last => 'l',
            Which::Change => 'c',
        }
    }
    fn from_code(c: char) -> Self {
        match c {
            'l' => Which::Last,
            'c' => Which::Change,
            _ => Which::This,
        }
    }
}

/// Text printed where a figure has no value: visible, and listed by the check before 定稿.
pub const NO_DATA: &str = "【无数据】";

fn marker(key: &str, which: Which, text: &str) -> String {
    format!("{OPEN}{key}{SEP}{}{SEP}{text}{CLOSE}", which.code())
}

/// The compiled sentence templates.
#[derive(Debug, Clone)]
pub struct Sentences {
    env: Environment<'static>,
}

fn template_error(name: &str, e: &Error) -> DomainError {
    let line = e.line().map(|l| format!("第{l}行")).unwrap_or_default();
    let detail = e
        .detail()
        .map(str::to_string)
        .unwrap_or_else(|| e.kind().to_string());
    DomainError::field(
        Code::InvalidTemplate,
        format!("{name}.j2"),
        format!("数据句模板 {name}.j2 {line}有误：{detail}"),
    )
}

impl Sentences {
    /// The shipped templates with `overrides` (name, source) replacing or adding to them. Each
    /// is compiled now, so a syntax error names its file and line before any report is made.
    pub fn new(overrides: Vec<(String, String)>) -> Result<Self, DomainError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        let mut sources: BTreeMap<String, String> = SHIPPED
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        for (name, src) in overrides {
            sources.insert(name, src);
        }
        for (name, src) in &sources {
            env.add_template_owned(name.clone(), src.clone())
                .map_err(|e| template_error(name, &e))?;
        }
        let s = Self { env };
        // A trial run with a value for every key in both years, so that every `has()` branch is
        // taken: an unknown variable, function or key is found now, not in a user's report.
        let trial = Arc::new(Values {
            year: 2024,
            scope: "全区".into(),
            percent: PercentFormat::default(),
            keys: Catalogue::embedded()
                .entries
                .iter()
                .map(|e| {
                    let n = match e.kind {
                        Kind::Count => Num::Count(2),
                        Kind::Amount => Num::Amount(20_000),
                        Kind::Rate => Num::Rate(1, 2),
                    };
                    let kv = KeyValue {
                        this: Some(n),
                        last: Some(n),
                        ..Default::default()
                    };
                    (e.key.clone(), kv)
                })
                .collect(),
        });
        for name in sources.keys() {
            s.render(name, &trial)?;
        }
        Ok(s)
    }

    pub fn names(&self) -> Vec<String> {
        self.env.templates().map(|(n, _)| n.to_string()).collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.env.get_template(name).is_ok()
    }

    /// Renders template `name` into inlines, one `Vec` per paragraph (a line of output).
    pub fn render(
        &self,
        name: &str,
        values: &Arc<Values>,
    ) -> Result<Vec<Vec<Inline>>, DomainError> {
        let mut env = self.env.clone();
        install(&mut env, values);
        let t = env.get_template(name).map_err(|_| {
            DomainError::field(
                Code::UnknownTemplate,
                name.to_string(),
                format!("没有名为“{name}”的数据句模板"),
            )
        })?;
        let out = t
            .render(minijinja::context! {
                year => values.year,
                last_year => values.year - 1,
                scope => values.scope.clone(),
            })
            .map_err(|e| template_error(name, &e))?;
        Ok(out
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| inlines(l, values))
            .collect())
    }

    /// 【指标:KEY】 in narrative: the figure with its unit (94件, 91.49%).
    pub fn figure(&self, key: &str, values: &Values) -> Result<Vec<Inline>, DomainError> {
        let e = entry(key)
            .map_err(|m| DomainError::field(Code::UnknownIndicator, key.to_string(), m))?;
        let text = fig_text(values, key, Which::This);
        let unit = if e.kind == Kind::Rate || text == NO_DATA {
            ""
        } else {
            e.unit.as_str()
        };
        let mut out = inlines(&marker(key, Which::This, &text), values);
        if !unit.is_empty() {
            out.push(Inline::Text {
                text: unit.to_string(),
            });
        }
        Ok(out)
    }

    /// 【同比:KEY】 in narrative.
    pub fn change(&self, key: &str, values: &Values) -> Result<Vec<Inline>, DomainError> {
        entry(key).map_err(|m| DomainError::field(Code::UnknownIndicator, key.to_string(), m))?;
        Ok(inlines(
            &marker(key, Which::Change, &fig_text(values, key, Which::Change)),
            values,
        ))
    }
}

fn entry(key: &str) -> Result<&'static fazhi_domain::catalogue::Entry, String> {
    Catalogue::embedded()
        .get(key)
        .ok_or_else(|| format!("指标“{key}”不在指标目录中"))
}

fn fig_text(values: &Values, key: &str, which: Which) -> String {
    let v = values.get(key);
    let text = match which {
        Which::This => v.and_then(|v| v.this).and_then(|n| values.text(key, n)),
        Which::Last => v.and_then(|v| v.last).and_then(|n| values.text(key, n)),
        Which::Change => values.change(key),
    };
    text.unwrap_or_else(|| NO_DATA.to_string())
}

fn install(env: &mut Environment<'static>, values: &Arc<Values>) {
    let known = |key: &str| {
        entry(key)
            .map(|_| ())
            .map_err(|m| Error::new(ErrorKind::InvalidOperation, m))
    };
    for (name, which) in [
        ("fig", Which::This),
        ("last", Which::Last),
        ("change", Which::Change),
    ] {
        let v = values.clone();
        env.add_function(name, move |key: &str| -> Result<String, Error> {
            known(key)?;
            Ok(marker(key, which, &fig_text(&v, key, which)))
        });
    }
    for (name, last) in [("has", false), ("has_last", true)] {
        let v = values.clone();
        env.add_function(name, move |key: &str| -> Result<bool, Error> {
            known(key)?;
            Ok(v.has(key, last))
        });
    }
    let v = values.clone();
    env.add_function("value", move |key: &str| -> Result<i64, Error> {
        known(key)?;
        Ok(match v.get(key).and_then(|x| x.this) {
            Some(Num::Count(n)) | Some(Num::Amount(n)) => n,
            Some(Num::Rate(a, _)) => a,
            None => 0,
        })
    });
}

/// Splits rendered text at the markers into text and figures.
fn inlines(line: &str, values: &Values) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find(OPEN) {
        if start > 0 {
            out.push(Inline::Text {
                text: rest[..start].to_string(),
            });
        }
        let after = &rest[start + OPEN.len_utf8()..];
        let Some(end) = after.find(CLOSE) else {
            break;
        };
        let mut parts = after[..end].splitn(3, SEP);
        let key = parts.next().unwrap_or_default().to_string();
        let which = Which::from_code(parts.next().and_then(|w| w.chars().next()).unwrap_or('t'));
        let text = parts.next().unwrap_or_default().to_string();
        let kv = values.get(&key);
        let (href, source) = if text == NO_DATA {
            (None, None)
        } else {
            match which {
                Which::Last => (
                    kv.and_then(|v| v.last_href.clone()),
                    Some(format!("{}年数据", values.year - 1)),
                ),
                _ => (
                    kv.and_then(|v| v.href.clone()),
                    kv.and_then(|v| v.source.clone()),
                ),
            }
        };
        out.push(Inline::Figure {
            text,
            key,
            href,
            source,
        });
        rest = &after[end + CLOSE.len_utf8()..];
    }
    if !rest.is_empty() {
        out.push(Inline::Text {
            text: rest.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use fazhi_domain::rate::Rounding;

    fn values(pairs: &[(&str, Option<Num>, Option<Num>)]) -> Arc<Values> {
        Arc::new(Values {
            year: 2024,
            scope: "全区".into(),
            percent: PercentFormat::default(),
            keys: pairs
                .iter()
                .map(|(k, t, l)| {
                    (
                        k.to_string(),
                        KeyValue {
                            this: *t,
                            last: *l,
                            href: Some(format!("/x/{k}")),
                            ..Default::default()
                        },
                    )
                })
                .collect(),
        })
    }

    fn text(p: &[Vec<Inline>]) -> String {
        p.iter()
            .map(|l| l.iter().map(Inline::text).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_reconsideration_sentence_reads_like_the_seed() {
        let s = Sentences::new(vec![]).unwrap();
        let v = values(&[
            (
                "reconsideration.applications",
                Some(Num::Count(94)),
                Some(Num::Count(82)),
            ),
            ("reconsideration.concluded", Some(Num::Count(86)), None),
            (
                "reconsideration.conclusion_rate",
                Some(Num::Rate(86, 94)),
                None,
            ),
            (
                "reconsideration.litigated_after",
                Some(Num::Count(20)),
                None,
            ),
            (
                "reconsideration.litigation_rate",
                Some(Num::Rate(20, 94)),
                None,
            ),
        ]);
        let out = s.render("reconsideration", &v).unwrap();
        let t = text(&out);
        assert!(
            t.contains(
                "全区共收到行政复议申请94件（比2023年同期增长14.63%），已审结86件，审结率91.49%"
            ),
            "{t}"
        );
        assert!(t.contains("起诉率为21.28%"), "{t}");
        // every number is a figure linked to its key
        let figs: Vec<&Inline> = out[0]
            .iter()
            .filter(|i| matches!(i, Inline::Figure { .. }))
            .collect();
        assert!(figs
            .iter()
            .any(|f| matches!(f, Inline::Figure { key, href: Some(h), .. }
            if key == "reconsideration.applications" && h == "/x/reconsideration.applications")));
    }

    #[test]
    fn truncation_is_a_setting() {
        let s = Sentences::new(vec![]).unwrap();
        let mut v = (*values(&[(
            "enforcement.inspections",
            Some(Num::Count(2923)),
            Some(Num::Count(3858)),
        )]))
        .clone();
        assert!(
            text(&s.render("enforcement", &Arc::new(v.clone())).unwrap()).contains("下降24.24%")
        );
        v.percent.rounding = Rounding::Truncate;
        assert!(text(&s.render("enforcement", &Arc::new(v)).unwrap()).contains("下降24.23%"));
    }

    #[test]
    fn template_errors_name_the_file_and_line() {
        let e = Sentences::new(vec![("mine".into(), "第一行\n{% if %}".into())]).unwrap_err();
        assert_eq!(e.code, "invalid_template");
        assert!(
            e.message.contains("mine.j2") && e.message.contains("第2行"),
            "{}",
            e.message
        );
        // Unknown names are found when the templates are loaded, by a trial run in which every
        // `has()` branch is taken.
        let e = Sentences::new(vec![(
            "mine".into(),
            "一\n{% if has(\"mediation.succeeded\") %}二{{ no_such_variable }}{% endif %}".into(),
        )])
        .unwrap_err();
        assert!(
            e.message.contains("mine.j2") && e.message.contains("第2行"),
            "{}",
            e.message
        );
        let e = Sentences::new(vec![("mine".into(), "{{ fig(\"no.such\") }}".into())]).unwrap_err();
        assert!(e.message.contains("no.such"), "{}", e.message);
        let e =
            Sentences::new(vec![("mine".into(), "{{ no_such_function() }}".into())]).unwrap_err();
        assert_eq!(e.code, "invalid_template");
    }

    #[test]
    fn a_missing_value_is_shown_not_invented() {
        let s = Sentences::new(vec![(
            "mine".into(),
            "调解成功率{{ fig(\"mediation.success_rate\") }}".into(),
        )])
        .unwrap();
        let out = s.render("mine", &values(&[])).unwrap();
        assert!(out[0]
            .iter()
            .any(|i| matches!(i, Inline::Figure { text, href: None, .. } if text == NO_DATA)));
        // a zero denominator is "not applicable", never 0% or 100%
        let v = values(&[("mediation.success_rate", Some(Num::Rate(0, 0)), None)]);
        assert!(text(&s.render("mine", &v).unwrap()).contains(NO_DATA));
    }
}
