//! The one description of a form's fields (a procedural step's, a registration's): it drives the
//! checking of the input, the HTML form, the step's one-line summary and the Excel columns, so a
//! module describes each field once and cannot forget a check in one of those places.
//!
//! A module writes its steps as `&'static [FieldSpec]` constants and a summary template; the
//! kernel checks the input with [`check`] into [`Values`] (typed, every field already valid and
//! named in its error), the module builds its typed step from them, and [`summarize`] writes the
//! timeline line from the same values.

use crate::calendar::format_date_cn;
use crate::error::Code;
use crate::error::{optional_text, DomainError, DomainResult};
use crate::fields::{get, parse_date, Fields};
use chrono::NaiveDate;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::collections::HashMap;

/// What a field holds, with its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A date: ISO `2024-09-27`, or `2024/9/27`, `2024年9月27日`.
    Date,
    /// One line of text, at most `max` characters.
    Text { max: usize },
    /// Several lines of text, at most `max` characters.
    Textarea { max: usize },
    /// A whole number within `min..=max`; `unit` names it in the error (日, 个工作日), unless
    /// empty (the label says it).
    Number {
        min: i64,
        max: i64,
        unit: &'static str,
    },
    /// Yes or no: `1`, true, on, yes, 是 or the `yes` label / `0`, false, off, no, 否 or the `no`
    /// label; the form offers the two labels (是 / 否 unless [`FieldSpec::labels`] names them).
    YesNo { yes: &'static str, no: &'static str },
    /// One of the options `(code, label)`; the code or the label is accepted (an Excel cell holds
    /// the label). A `coded_enum!` gives its `OPTIONS`.
    Choice(&'static [(&'static str, &'static str)]),
    /// A record chosen from a list the page supplies (a unit): its id.
    Record,
}

/// A module's own check and normal form of a text (a court's 案号): the text, the field's name.
pub type Format = fn(&str, &'static str) -> DomainResult<String>;

/// One field of a form.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// The input's name (the API's field name, named in errors).
    pub name: &'static str,
    /// The Chinese label, in the form, the Excel header and error messages.
    pub label: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    /// A line under the input: the article or the consequence.
    pub hint: Option<&'static str>,
    /// The value taken when the input is blank (a code for a choice, "1"/"0" for yes/no).
    pub default: Option<&'static str>,
    /// A text's own check and normal form, after the length check.
    pub format: Option<Format>,
    /// A choice's option that means "nothing" (暂无): read as blank.
    pub nothing: Option<&'static str>,
}

impl FieldSpec {
    const fn new(name: &'static str, label: &'static str, kind: FieldKind) -> Self {
        Self {
            name,
            label,
            kind,
            required: true,
            hint: None,
            default: None,
            format: None,
            nothing: None,
        }
    }
    pub const fn date(name: &'static str, label: &'static str) -> Self {
        Self::new(name, label, FieldKind::Date)
    }
    pub const fn text(name: &'static str, label: &'static str, max: usize) -> Self {
        Self::new(name, label, FieldKind::Text { max })
    }
    pub const fn textarea(name: &'static str, label: &'static str, max: usize) -> Self {
        Self::new(name, label, FieldKind::Textarea { max })
    }
    pub const fn number(
        name: &'static str,
        label: &'static str,
        min: i64,
        max: i64,
        unit: &'static str,
    ) -> Self {
        Self::new(name, label, FieldKind::Number { min, max, unit })
    }
    pub const fn yes_no(name: &'static str, label: &'static str) -> Self {
        Self::new(
            name,
            label,
            FieldKind::YesNo {
                yes: "是",
                no: "否",
            },
        )
    }
    /// A yes/no's two answers as the form offers them (本机关上诉 / 原告上诉).
    pub const fn labels(mut self, yes: &'static str, no: &'static str) -> Self {
        self.kind = FieldKind::YesNo { yes, no };
        self
    }
    /// A text checked and normalised by the module's own rule.
    pub const fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }
    /// The choice's option `code` means nothing was chosen; the field is optional.
    pub const fn nothing(mut self, code: &'static str) -> Self {
        self.nothing = Some(code);
        self.required = false;
        self
    }
    pub const fn choice(
        name: &'static str,
        label: &'static str,
        options: &'static [(&'static str, &'static str)],
    ) -> Self {
        Self::new(name, label, FieldKind::Choice(options))
    }
    pub const fn record(name: &'static str, label: &'static str) -> Self {
        Self::new(name, label, FieldKind::Record)
    }
    /// The field may be left blank.
    pub const fn optional(mut self) -> Self {
        self.required = false;
        self
    }
    pub const fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }
    /// Blank means `value` (and the field is then never missing).
    pub const fn or(mut self, value: &'static str) -> Self {
        self.default = Some(value);
        self.required = false;
        self
    }

    /// Checks one input against this description.
    fn check(&self, raw: &str) -> DomainResult<Value> {
        let s = match raw.trim() {
            "" => self.default.unwrap_or(""),
            s => s,
        };
        if s.is_empty() {
            return if self.required {
                Err(DomainError::required(self.name, self.label))
            } else {
                Ok(Value::Blank)
            };
        }
        Ok(match self.kind {
            FieldKind::Date => Value::Date(parse_date(s, self.name, self.label)?),
            FieldKind::Text { max } | FieldKind::Textarea { max } => {
                let t = optional_text(s, self.name, self.label, max)?.unwrap_or_default();
                Value::Text(match self.format {
                    Some(format) => format(&t, self.name)?,
                    None => t,
                })
            }
            FieldKind::Number { min, max, unit } => Value::Number(
                s.parse::<i64>()
                    .ok()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(|| {
                        DomainError::field(
                            Code::InvalidNumber,
                            self.name,
                            match unit {
                                "" => format!("{}应为{min}至{max}的整数", self.label),
                                unit => format!("{}应为{min}至{max}的整数（{unit}）", self.label),
                            },
                        )
                    })?,
            ),
            FieldKind::YesNo { yes, no } => Value::Bool(match s {
                "1" | "true" | "on" | "yes" | "是" => true,
                "0" | "false" | "off" | "no" | "否" => false,
                s if s == yes => true,
                s if s == no => false,
                other => {
                    return Err(DomainError::field(
                        Code::InvalidOption,
                        self.name,
                        format!("{}“{other}”无效，应为“{yes}”或“{no}”", self.label),
                    ))
                }
            }),
            FieldKind::Choice(options) => {
                let chosen = options
                    .iter()
                    .find(|(code, label)| *code == s || *label == s)
                    .ok_or_else(|| DomainError::invalid_option(self.name, self.label, s))?;
                if self.nothing == Some(chosen.0) {
                    Value::Blank
                } else {
                    Value::Choice(chosen)
                }
            }
            FieldKind::Record => Value::Record(
                s.parse::<i64>()
                    .map_err(|_| DomainError::required(self.name, self.label))?,
            ),
        })
    }
}

/// Serialized as the form template reads a field: name, label, kind (date, text, textarea,
/// number, select), required, options as `[code, label]` pairs, hint.
impl Serialize for FieldSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let yes_no;
        let (kind, options): (&str, &[(&str, &str)]) = match self.kind {
            FieldKind::Date => ("date", &[]),
            FieldKind::Text { .. } => ("text", &[]),
            FieldKind::Textarea { .. } => ("textarea", &[]),
            FieldKind::Number { .. } => ("number", &[]),
            FieldKind::YesNo { yes, no } => {
                yes_no = [("1", yes), ("0", no)];
                ("select", &yes_no)
            }
            FieldKind::Choice(o) => ("select", o),
            FieldKind::Record => ("select", &[]),
        };
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("name", self.name)?;
        m.serialize_entry("label", self.label)?;
        m.serialize_entry("kind", kind)?;
        m.serialize_entry("required", &self.required)?;
        m.serialize_entry("options", options)?;
        m.serialize_entry("hint", &self.hint)?;
        m.serialize_entry("default", &self.default)?;
        m.end()
    }
}

/// A checked input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Blank,
    Date(NaiveDate),
    Text(String),
    Number(i64),
    Bool(bool),
    Choice(&'static (&'static str, &'static str)),
    Record(i64),
}

impl Value {
    /// As a summary prints it: a date in Chinese, a choice by its label, 是 / 否.
    fn display(&self) -> Option<String> {
        match self {
            Value::Blank => None,
            Value::Date(d) => Some(format_date_cn(*d)),
            Value::Text(t) => Some(t.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(if *b { "是" } else { "否" }.into()),
            Value::Choice((_, label)) => Some((*label).into()),
            Value::Record(id) => Some(id.to_string()),
        }
    }
}

/// A form's input, every field checked against its description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Values(HashMap<&'static str, Value>);

/// Checks every field of `specs` in `f`, in order; the first bad one is the error (naming it).
pub fn check(specs: &[FieldSpec], f: &Fields) -> DomainResult<Values> {
    let mut v = HashMap::with_capacity(specs.len());
    for spec in specs {
        v.insert(spec.name, spec.check(get(f, spec.name))?);
    }
    Ok(Values(v))
}

impl Values {
    fn value(&self, name: &str) -> &Value {
        self.0.get(name).unwrap_or(&Value::Blank)
    }
    /// A date field (None when optional and blank).
    pub fn date(&self, name: &str) -> Option<NaiveDate> {
        match self.value(name) {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }
    /// A required date field.
    pub fn req_date(&self, name: &'static str) -> DomainResult<NaiveDate> {
        self.date(name).ok_or_else(|| missing(name))
    }
    /// A text field (None when blank).
    pub fn text(&self, name: &str) -> Option<String> {
        match self.value(name) {
            Value::Text(t) => Some(t.clone()),
            _ => None,
        }
    }
    /// A required text field.
    pub fn req_text(&self, name: &'static str) -> DomainResult<String> {
        self.text(name).ok_or_else(|| missing(name))
    }
    pub fn number(&self, name: &str) -> Option<i64> {
        match self.value(name) {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
    /// A yes/no field; blank without a default is no.
    pub fn yes(&self, name: &str) -> bool {
        matches!(self.value(name), Value::Bool(true))
    }
    /// Whether the field was given (or has a default).
    pub fn given(&self, name: &str) -> bool {
        !matches!(self.value(name), Value::Blank)
    }
    /// A choice's code (None when blank).
    pub fn choice(&self, name: &str) -> Option<&'static str> {
        match self.value(name) {
            Value::Choice((code, _)) => Some(code),
            _ => None,
        }
    }
    /// A choice parsed into the module's enum (`parse` is the enum's own, which accepts the code).
    pub fn req_choice<T>(
        &self,
        name: &'static str,
        parse: impl Fn(&str) -> DomainResult<T>,
    ) -> DomainResult<T> {
        parse(self.choice(name).ok_or_else(|| missing(name))?)
    }
    pub fn record(&self, name: &'static str) -> DomainResult<i64> {
        match self.value(name) {
            Value::Record(id) => Ok(*id),
            _ => Err(missing(name)),
        }
    }
}

/// A field the module reads that its description does not make required: a defect of the
/// module's description, reported as the field's absence rather than a crash.
fn missing(name: &'static str) -> DomainError {
    DomainError::field(Code::Required, name, format!("缺少字段“{name}”"))
}

/// A step's summary from its template: `{name}` is the field's value as printed (a date in
/// Chinese, a choice's label; a yes/no prints nothing); a part in `[…]` is left out when a field
/// in it is blank or a yes/no in it is no; `{?name}` keeps a part only when the field is given,
/// `{!name}` only when it is blank or a no, printing nothing. Brackets do not nest. Written by hand: a sentence with optional parts is all a timeline
/// line needs, and the domain carries no template engine.
pub fn summarize(template: &str, values: &Values) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('[') {
        out.push_str(&fill(&rest[..open], values).unwrap_or_default());
        let Some(close) = rest[open..].find(']') else {
            rest = &rest[open..];
            break;
        };
        if let Some(part) = fill(&rest[open + 1..open + close], values) {
            out.push_str(&part);
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(&fill(rest, values).unwrap_or_default());
    out
}

/// Replaces `{name}` in `s`; None when a named field is blank or a yes/no is no.
fn fill(s: &str, values: &Values) -> Option<String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}')? + open;
        let name = &rest[open + 1..close];
        // `{?name}` / `{!name}`: the part holds only when the field is given (and not a no) / is
        // blank or a no; either prints nothing.
        if let Some(gate) = name
            .strip_prefix('?')
            .map(|n| (n, true))
            .or_else(|| name.strip_prefix('!').map(|n| (n, false)))
        {
            let (name, want) = gate;
            let given = !matches!(values.value(name), Value::Blank | Value::Bool(false));
            if given != want {
                return None;
            }
            rest = &rest[close + 1..];
            continue;
        }
        let v = values.value(name);
        if matches!(v, Value::Bool(false)) {
            return None;
        }
        if !matches!(v, Value::Bool(true)) {
            out.push_str(&v.display()?);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: &[(&str, &str)] = &[("ordinary", "普通程序"), ("simplified", "简易程序")];
    const SPEC: &[FieldSpec] = &[
        FieldSpec::date("date", "受理日期"),
        FieldSpec::choice("procedure", "审理程序", KINDS).or("ordinary"),
        FieldSpec::text("handler", "承办人", 4).optional(),
        FieldSpec::number("days", "延长天数", 1, 30, "个工作日").optional(),
        FieldSpec::yes_no("urgent", "是否紧急").optional(),
    ];

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn checks_each_field_naming_it() {
        let e = check(SPEC, &fields(&[])).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("required", Some("date"))
        );
        assert_eq!(e.message, "受理日期不能为空");
        let e = check(SPEC, &fields(&[("date", "2024-02-30")])).unwrap_err();
        assert_eq!(e.code, "invalid_date");
        let e = check(
            SPEC,
            &fields(&[("date", "2024-02-01"), ("procedure", "快速")]),
        )
        .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("invalid_option", Some("procedure"))
        );
        let e = check(
            SPEC,
            &fields(&[("date", "2024-02-01"), ("handler", "张三李四王")]),
        )
        .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("too_long", Some("handler"))
        );
        let e = check(SPEC, &fields(&[("date", "2024-02-01"), ("days", "31")])).unwrap_err();
        assert_eq!(e.message, "延长天数应为1至30的整数（个工作日）");
        let e = check(SPEC, &fields(&[("date", "2024-02-01"), ("urgent", "也许")])).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("invalid_option", Some("urgent"))
        );
    }

    #[test]
    fn values_are_typed_with_defaults_and_labels() {
        let v = check(
            SPEC,
            &fields(&[
                ("date", "2024年2月1日"),
                ("procedure", "简易程序"),
                ("urgent", "是"),
            ]),
        )
        .unwrap();
        assert_eq!(v.req_date("date").unwrap(), "2024-02-01".parse().unwrap());
        assert_eq!(v.choice("procedure"), Some("simplified"));
        assert!(v.yes("urgent") && v.text("handler").is_none());
        let v = check(SPEC, &fields(&[("date", "2024-02-01")])).unwrap();
        assert_eq!(v.choice("procedure"), Some("ordinary"), "the default");
    }

    #[test]
    fn summaries_leave_out_blank_parts() {
        let t = "决定受理，适用{procedure}[，承办人：{handler}][（紧急{urgent}）]";
        let v = check(
            SPEC,
            &fields(&[("date", "2024-02-01"), ("handler", "张三")]),
        )
        .unwrap();
        assert_eq!(summarize(t, &v), "决定受理，适用普通程序，承办人：张三");
        let v = check(SPEC, &fields(&[("date", "2024-02-01"), ("urgent", "1")])).unwrap();
        assert_eq!(summarize(t, &v), "决定受理，适用普通程序（紧急）");
        assert_eq!(summarize("于{date}受理", &v), "于2024年2月1日受理");
        let t = "[紧急{urgent}][不紧急{!urgent}]";
        assert_eq!(summarize(t, &v), "紧急");
        let v = check(SPEC, &fields(&[("date", "2024-02-01"), ("urgent", "否")])).unwrap();
        assert_eq!(summarize(t, &v), "不紧急");
    }

    fn upper(s: &str, field: &'static str) -> DomainResult<String> {
        match s.chars().all(|c| c.is_ascii_alphanumeric()) {
            true => Ok(s.to_ascii_uppercase()),
            false => Err(DomainError::field(
                Code::InvalidCode,
                field,
                "只能包含字母和数字",
            )),
        }
    }
    const MORE: &[FieldSpec] = &[
        FieldSpec::yes_no("by_us", "上诉人").labels("本机关上诉", "原告上诉"),
        FieldSpec::text("code", "编号", 10).format(upper).optional(),
        FieldSpec::choice("then", "后果", &[("none", "暂无"), ("fine", "罚款")]).nothing("none"),
    ];

    #[test]
    fn labelled_yes_no_own_formats_and_nothing_options() {
        let v = check(
            MORE,
            &fields(&[("by_us", "原告上诉"), ("code", "ab1"), ("then", "暂无")]),
        )
        .unwrap();
        assert!(!v.yes("by_us") && v.given("by_us"));
        assert_eq!(
            v.text("code").as_deref(),
            Some("AB1"),
            "the module's normal form"
        );
        assert!(!v.given("then"), "暂无 reads as nothing chosen");
        let t = "[我方{by_us}][对方{!by_us}]上诉[，编号{code}][（{?then}有后果）]";
        assert_eq!(summarize(t, &v), "对方上诉，编号AB1");
        let v = check(MORE, &fields(&[("by_us", "1"), ("then", "fine")])).unwrap();
        assert_eq!(summarize(t, &v), "我方上诉（有后果）");
        let e = check(MORE, &fields(&[("by_us", "也许")])).unwrap_err();
        assert_eq!(e.message, "上诉人“也许”无效，应为“本机关上诉”或“原告上诉”");
        let e = check(MORE, &fields(&[("by_us", "1"), ("code", "a-1")])).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("invalid_code", Some("code"))
        );
        assert_eq!(
            serde_json::to_value(MORE[0]).unwrap()["options"][1][1],
            "原告上诉"
        );
    }

    #[test]
    fn a_field_serializes_as_the_form_reads_it() {
        let j = serde_json::to_value(SPEC[1]).unwrap();
        assert_eq!(j["kind"], "select");
        assert_eq!(j["options"][1][1], "简易程序");
        assert_eq!(j["required"], false);
        assert_eq!(
            serde_json::to_value(SPEC[4]).unwrap()["options"][0][1],
            "是"
        );
    }
}
