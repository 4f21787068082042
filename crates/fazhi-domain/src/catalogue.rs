//! The indicator catalogue (指标目录, `data/indicators.toml`): every key a report figure can have,
//! its label and unit, whether a module computes it from records or units file it, and for a rate
//! the two counts it divides. Modules, statistics rounds, the report and the analyzer share it.

use crate::error::Code;
use crate::error::{DomainError, DomainResult};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A number of things (件, 人次, 项 …).
    Count,
    /// An amount of money (万元, 亿元).
    Amount,
    /// numerator ÷ denominator, never stored as a percentage.
    Rate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A module computes it from its records.
    Computed,
    /// Units report it in a statistics round (数据填报).
    Filed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub key: String,
    pub label: String,
    pub unit: String,
    pub kind: Kind,
    pub source: Source,
    #[serde(default)]
    pub numerator: Option<String>,
    #[serde(default)]
    pub denominator: Option<String>,
    /// For a rate: the numerator may exceed the denominator (it counts records of earlier
    /// periods too, e.g. cases concluded this year that were received last year).
    #[serde(default)]
    pub can_exceed: bool,
    /// For developers: the specification's wording.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    #[serde(rename = "indicator")]
    pub entries: Vec<Entry>,
    /// Checks between keys of a filed form.
    #[serde(rename = "check", default)]
    pub checks: Vec<Check>,
}

/// `key` ≤ the sum of `at_most`, for filed values (a statistics round's form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub key: String,
    pub at_most: Vec<String>,
}

const EMBEDDED: &str = include_str!("../../../data/indicators.toml");

impl Catalogue {
    /// The catalogue shipped with Fazhi (checked by a test, so it always parses).
    pub fn embedded() -> &'static Catalogue {
        static CAT: OnceLock<Catalogue> = OnceLock::new();
        CAT.get_or_init(|| Self::parse(EMBEDDED).expect("data/indicators.toml is valid"))
    }

    /// Parses and checks a catalogue: keys `module.metric` in lower-case ASCII, each once; a rate
    /// names two counts of the catalogue; other kinds name none.
    pub fn parse(text: &str) -> DomainResult<Self> {
        let cat: Catalogue = toml::from_str(text).map_err(|e| {
            DomainError::new(
                Code::InvalidCatalogue,
                format!("指标目录格式错误：{}", e.message()),
            )
        })?;
        let bad = |key: &str, why: &str| {
            DomainError::new(Code::InvalidCatalogue, format!("指标目录中“{key}”{why}"))
        };
        let mut seen = HashSet::new();
        for e in &cat.entries {
            let valid_key = e.key.split_once('.').is_some_and(|(m, k)| {
                [m, k].iter().all(|p| {
                    !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                })
            });
            if !valid_key {
                return Err(bad(&e.key, "的指标键应为“模块.指标”形式的小写英文"));
            }
            if !seen.insert(e.key.as_str()) {
                return Err(bad(&e.key, "重复"));
            }
            if e.label.trim().is_empty() || e.unit.trim().is_empty() {
                return Err(bad(&e.key, "缺少名称或单位"));
            }
        }
        for e in &cat.entries {
            match (e.kind, &e.numerator, &e.denominator) {
                (Kind::Rate, Some(n), Some(d)) => {
                    for part in [n, d] {
                        match cat.get(part) {
                            Some(p) if p.kind == Kind::Count => {}
                            _ => return Err(bad(&e.key, "的分子、分母应为目录中的计数指标")),
                        }
                    }
                }
                (Kind::Rate, _, _) => return Err(bad(&e.key, "是比率，须写明分子和分母")),
                (_, None, None) => {}
                _ => return Err(bad(&e.key, "不是比率，不应有分子、分母")),
            }
        }
        for c in &cat.checks {
            let counts = std::iter::once(&c.key).chain(&c.at_most).all(|k| {
                cat.get(k)
                    .is_some_and(|e| matches!(e.kind, Kind::Count | Kind::Amount))
            });
            if !counts || c.at_most.is_empty() {
                return Err(bad(&c.key, "的核对规则应比较目录中的计数指标"));
            }
        }
        Ok(cat)
    }

    /// The keys a form asks for when `key` is chosen: a rate's two parts, any other key itself.
    pub fn entry_keys(&self, key: &str) -> Vec<String> {
        match self.get(key) {
            Some(Entry {
                kind: Kind::Rate,
                numerator: Some(n),
                denominator: Some(d),
                ..
            }) => vec![n.clone(), d.clone()],
            _ => vec![key.to_string()],
        }
    }

    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_holds_the_spec_keys() {
        let c = Catalogue::embedded();
        // A few keys of indicators.md, with their labels and units as the spec prints them.
        let e = c.get("reconsideration.conclusion_rate").unwrap();
        assert_eq!((e.kind, e.unit.as_str()), (Kind::Rate, "%"));
        assert_eq!(e.numerator.as_deref(), Some("reconsideration.concluded"));
        assert_eq!(c.get("enforcement.inspections").unwrap().unit, "家次");
        assert_eq!(c.get("legality_review.amount").unwrap().kind, Kind::Amount);
        assert_eq!(c.get("audit.projects").unwrap().source, Source::Filed);
        assert!(c.entries.len() >= 90);
        assert!(c
            .checks
            .iter()
            .any(|k| k.key == "reconsideration.concluded"));
        assert_eq!(
            c.entry_keys("mediation.success_rate"),
            ["mediation.succeeded", "mediation.disputes_mediated"]
        );
    }

    #[test]
    fn bad_catalogues_are_refused() {
        let one = |key: &str, extra: &str| {
            format!(
                "[[indicator]]\nkey = \"{key}\"\nlabel = \"x\"\nunit = \"件\"\nkind = \"count\"\nsource = \"filed\"\n{extra}"
            )
        };
        assert!(Catalogue::parse(&one("a.b", "")).is_ok());
        for bad in [
            one("ab", ""),
            one("A.b", ""),
            format!("{}\n{}", one("a.b", ""), one("a.b", "")),
            one("a.b", "numerator = \"a.b\"\n"),
            one("a.b", "colour = \"red\"\n"),
        ] {
            assert_eq!(
                Catalogue::parse(&bad).unwrap_err().code,
                "invalid_catalogue",
                "{bad}"
            );
        }
        let rate = "[[indicator]]\nkey = \"a.rate\"\nlabel = \"率\"\nunit = \"%\"\nkind = \"rate\"\nsource = \"filed\"\nnumerator = \"a.x\"\ndenominator = \"a.y\"\n";
        assert!(Catalogue::parse(rate).is_err(), "parts must exist");
        let check = format!(
            "{}\n[[check]]\nkey = \"a.b\"\nat_most = [\"a.c\"]\n",
            one("a.b", "")
        );
        assert!(Catalogue::parse(&check).is_err(), "checked keys must exist");
    }
}
