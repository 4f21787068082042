//! Form input shared by every module: a flat map of text fields, whether it came from an HTML
//! form, a JSON object or an Excel row, so each module parses one shape.

use crate::error::{DomainError, DomainResult};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A flat map of text inputs (an HTML form, a JSON object of strings, an Excel row).
pub type Fields = HashMap<String, String>;

/// Decodes a JSON request body: an object whose values are strings, numbers, booleans (as "1" /
/// "0") or null (as ""). Anything else is refused with a stable code naming the field.
pub fn from_json(bytes: &[u8]) -> DomainResult<Fields> {
    let v: Map<String, Value> = serde_json::from_slice(bytes)
        .map_err(|_| DomainError::new("malformed_json", "请求内容不是有效的JSON对象"))?;
    let mut f = Fields::new();
    for (k, v) in v {
        let s = match v {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => if b { "1" } else { "0" }.to_string(),
            Value::Null => String::new(),
            _ => {
                return Err(DomainError::field(
                    "invalid_type",
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
            (e.code, e.field.as_deref()),
            ("invalid_type", Some("parties"))
        );
    }
}
