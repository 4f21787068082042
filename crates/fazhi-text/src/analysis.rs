//! One report analysed: its facts, outline, figures and checks as one serialisable object (the
//! JSON of `fazhi analyze`), and a small HTML-to-text reader for saved web pages.

use serde::Serialize;

use crate::checks::{self, Check};
use crate::facts::{self, Level, Part, PartFound};
use crate::figures;
use crate::normalize::Script;
use crate::number::{Decimal, Qualifier};

/// Everything the analyzer finds in one report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Analysis {
    pub title: Option<String>,
    pub jurisdiction: Option<String>,
    pub level: Option<Level>,
    pub year: Option<i32>,
    pub published: Option<String>,
    pub doc_no: Option<String>,
    /// The issuing body, 索引号 and 成文日期 (`YYYY-MM-DD`).
    pub issuer: Option<String>,
    pub index_no: Option<String>,
    pub written: Option<String>,
    pub script: Script,
    pub sections: Vec<SectionOut>,
    /// The required parts no heading is (a lower-level heading counts when it clearly is one).
    pub missing_parts: Vec<Part>,
    /// Where each required part was found: the heading and its top-level section.
    pub parts_found: Vec<PartFound>,
    pub figures: Vec<FigureOut>,
    pub checks: Vec<Check>,
}

/// A section of the outline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionOut {
    pub number: String,
    pub title: String,
    pub part: Option<Part>,
}

/// A figure; `value` is a decimal string (exact); `scope` is the territory or body it is stated
/// for as printed (全区, 区政府, 各乡镇(街道) …, normalised script), null when the text names none
/// (see [`crate::scope`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FigureOut {
    pub key: Option<String>,
    pub label: String,
    pub value: Decimal,
    pub unit: String,
    pub qualifier: Qualifier,
    pub year: Option<i32>,
    pub scope: Option<String>,
    pub change: bool,
    pub quote: String,
    pub start: usize,
    pub end: usize,
}

/// Analyses one report's text: facts, outline, figures (for the report's year) and checks.
pub fn analyze(text: &str) -> Analysis {
    // Normalised once for every stage (the conversion is a good share of the whole analysis).
    let norm = crate::normalize::normalize(text);
    let (f, outline) = facts::facts_and_outline(text, &norm);
    let missing_parts = facts::missing_parts(&outline);
    let parts_found = facts::parts_found(&outline);
    let figs = figures::figures_normalized(text, &norm, f.year);
    let checks = checks::checks(&figs);
    Analysis {
        title: f.title,
        jurisdiction: f.jurisdiction,
        level: f.level,
        year: f.year,
        published: f.published,
        doc_no: f.doc_no,
        issuer: f.issuer,
        index_no: f.index_no,
        written: f.written,
        script: f.script,
        sections: outline
            .into_iter()
            .map(|s| SectionOut {
                number: s.number,
                title: s.title,
                part: s.part,
            })
            .collect(),
        missing_parts,
        parts_found,
        figures: figs
            .into_iter()
            .map(|g| FigureOut {
                key: g.key,
                label: g.label,
                value: g.value,
                unit: g.unit,
                qualifier: g.qualifier,
                year: g.year,
                scope: g.scope,
                change: g.change,
                quote: g.quote,
                start: g.start,
                end: g.end,
            })
            .collect(),
        checks,
    }
}

/// The text of an HTML page: tags removed, `<script>`/`<style>` contents dropped, block ends as
/// line breaks, and the common entities (named and numeric) decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        if rest.starts_with('<') {
            let lrest = &lower[i..];
            if lrest.starts_with("<!--") {
                i += lrest.find("-->").map_or(rest.len(), |e| e + 3);
                continue;
            }
            let skip_to = ["script", "style"].iter().find_map(|t| {
                let after = lrest.strip_prefix('<')?.strip_prefix(t)?.chars().next();
                matches!(after, Some('>' | ' ' | '\t' | '\n' | '\r' | '/'))
                    .then(|| format!("</{t}"))
            });
            if let Some(close) = skip_to {
                let end = lrest.find(&close).map_or(rest.len(), |e| {
                    e + lrest[e..].find('>').map_or(lrest.len() - e, |g| g + 1)
                });
                i += end;
                continue;
            }
            match rest.find('>') {
                Some(g) => {
                    let name: String = lrest[1..g]
                        .trim_start_matches('/')
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .collect();
                    if matches!(
                        name.as_str(),
                        "br" | "p"
                            | "div"
                            | "li"
                            | "tr"
                            | "h1"
                            | "h2"
                            | "h3"
                            | "h4"
                            | "h5"
                            | "h6"
                            | "title"
                            | "table"
                    ) && !out.ends_with('\n')
                    {
                        out.push('\n');
                    } else if matches!(name.as_str(), "td" | "th")
                        && !out.ends_with(['\n', '\t', ' '])
                    {
                        // Table cells side by side: `<td>94</td><td>86件</td>` is two numbers,
                        // never 9486件.
                        out.push('\t');
                    }
                    i += g + 1;
                }
                None => {
                    out.push_str(rest);
                    break;
                }
            }
        } else if rest.starts_with('&') {
            match decode_entity(rest) {
                Some((c, len)) => {
                    out.push(c);
                    i += len;
                }
                None => {
                    out.push('&');
                    i += 1;
                }
            }
        } else {
            let n = rest.find(['<', '&']).unwrap_or(rest.len());
            out.push_str(&rest[..n]);
            i += n;
        }
    }
    out
}

/// The character of an entity at the start of `s` and the entity's length in bytes.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    let semi = s.bytes().take(12).position(|b| b == b';')?;
    let name = &s[1..semi];
    let c = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(code)?
    } else {
        match name {
            "nbsp" => ' ',
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "ldquo" => '“',
            "rdquo" => '”',
            "lsquo" => '‘',
            "rsquo" => '’',
            "middot" => '·',
            "mdash" => '—',
            "hellip" => '…',
            "times" => '×',
            _ => return None,
        }
    };
    Some((c, semi + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_strips_tags_scripts_and_entities() {
        let html = "<html><head><style>p{}</style><script type=\"x\">var a='<p>';</script>\
                    <title>报告</title></head><body><p>受理&nbsp;94&#20214;&amp;&#x4ef6;</p><!-- c --></body>";
        let t = html_text(html);
        assert!(!t.contains("var a"));
        assert!(!t.contains("p{}"));
        assert!(t.contains("报告"));
        assert!(t.contains("受理 94件&件"));
    }

    #[test]
    fn html_text_keeps_unbalanced_input() {
        assert_eq!(html_text("a < b & c"), "a < b & c");
        assert_eq!(html_text("&#xFFFFFFFF;x"), "&#xFFFFFFFF;x");
    }
}
