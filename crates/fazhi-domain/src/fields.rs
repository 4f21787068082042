//! Form input shared by every module: a flat map of text fields, whether it came from an HTML
//! form, a JSON object or an Excel row, so each module parses one shape.

use crate::error::Code;
use crate::error::{DomainError, DomainResult};
use chrono::NaiveDate;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A flat map of text inputs (an HTML form, a JSON object of strings, an Excel row).
pub type Fields = HashMap<String, String>;

/// The text of a field, or "" when absent.
pub fn get<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.get(k).map(String::as_str).unwrap_or("")
}

/// `s`, or `d` when `s` is blank.
pub fn or_default<'a>(s: &'a str, d: &'a str) -> &'a str {
    if s.trim().is_empty() {
        d
    } else {
        s
    }
}

/// A yes/no field: 1, true, on, yes, 是 are yes; anything else no.
pub fn parse_bool(s: &str) -> bool {
    matches!(s.trim(), "1" | "true" | "on" | "yes" | "是")
}

/// Parses a date field: required, ISO `2024-09-27` (or `2024/9/27`, `2024年9月27日`).
pub fn parse_date(s: &str, field: &str, label: &str) -> DomainResult<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return Err(DomainError::required(field, label));
    }
    let norm = s.replace(['年', '月', '/', '.'], "-").replace('日', "");
    NaiveDate::parse_from_str(&norm, "%Y-%m-%d").map_err(|_| {
        DomainError::field(
            Code::InvalidDate,
            field,
            format!("{label}“{s}”不是有效日期，应为2024-09-27的形式"),
        )
    })
}

/// A record id chosen in a form (a unit, a case): required, an integer.
pub fn parse_id(f: &Fields, field: &str, label: &str) -> DomainResult<i64> {
    get(f, field)
        .trim()
        .parse::<i64>()
        .map_err(|_| DomainError::required(field, label))
}

/// A yes/no choice: blank gives `default`; 1/是/true/on/yes and 0/否/false/off/no are read;
/// anything else is refused naming the field.
pub fn parse_yes_no(s: &str, field: &str, label: &str, default: bool) -> DomainResult<bool> {
    match s.trim() {
        "" => Ok(default),
        "1" | "true" | "on" | "yes" | "是" => Ok(true),
        "0" | "false" | "off" | "no" | "否" => Ok(false),
        other => Err(DomainError::field(
            Code::InvalidOption,
            field,
            format!("{label}“{other}”无效，应为“是”或“否”"),
        )),
    }
}

/// Decodes a JSON request body: an object whose values are strings, numbers, booleans (as "1" /
/// "0") or null (as ""). Anything else is refused with a stable code naming the field.
pub fn from_json(bytes: &[u8]) -> DomainResult<Fields> {
    let v: Map<String, Value> = serde_json::from_slice(bytes)
        .map_err(|_| DomainError::new(Code::MalformedJson, "请求内容不是有效的JSON对象"))?;
    let mut f = Fields::new();
    for (k, v) in v {
        let s = match v {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => if b { "1" } else { "0" }.to_string(),
            Value::Null => String::new(),
            _ => {
                return Err(DomainError::field(
                    Code::InvalidType,
                    k.clone(),
                    format!("字段“{k}”应为文字、数字或布尔值"),
                ))
            }
        };
        f.insert(k, s);
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_objects_become_text_fields() {
        let f = from_json(br#"{"a": "x", "n": 12, "b": true, "z": null}"#).unwrap();
        assert_eq!(f["a"], "x");
        assert_eq!(f["n"], "12");
        assert_eq!(f["b"], "1");
        assert_eq!(f["z"], "");
        assert_eq!(from_json(b"[1]").unwrap_err().code, "malformed_json");
        let e = from_json(br#"{"parties": [1]}"#).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("invalid_type", Some("parties"))
        );
    }
}
