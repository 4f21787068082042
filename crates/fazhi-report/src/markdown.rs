//! Markdown (CommonMark with GFM tables): the title as `#`, headings as `##` / `###` / `####`,
//! the portal metadata as a short list under the title, charts as tables (categories × series)
//! with their caption, the issuer and the date at the end.

use std::fmt::Write;

use crate::chart::format_value;
use crate::model::{Block, Chart, Document};

/// The document as Markdown. Text is escaped so that it prints as written.
pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail; `let _ =` rather than unwrap for that reason.
    let _ = writeln!(out, "# {}\n", inline(&doc.title));

    let iso = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let meta = [
        ("索引号", doc.meta.index_no.clone()),
        (
            "发布机构",
            Some(doc.meta.publisher.clone()).filter(|p| !p.is_empty()),
        ),
        ("文号", doc.meta.doc_no.clone()),
        ("成文日期", doc.meta.written.or(Some(doc.date)).map(iso)),
        ("发布日期", doc.meta.published.map(iso)),
    ];
    let mut any = false;
    for (label, value) in meta {
        if let Some(v) = value {
            let _ = writeln!(out, "- {label}：{}", inline(&v));
            any = true;
        }
    }
    if any {
        out.push('\n');
    }

    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let hashes = "#".repeat(usize::from((*level).clamp(1, 3)) + 1);
                let _ = writeln!(out, "{hashes} {}\n", inline(text));
            }
            Block::Paragraph { inlines } => {
                let text: String = inlines.iter().map(|i| i.text()).collect();
                let _ = writeln!(out, "{}\n", paragraph(&text));
            }
            Block::Chart { chart } => table(&mut out, chart),
        }
    }

    // Two trailing spaces: a hard line break between the issuer and the date.
    let date = doc.date.format("%Y年%-m月%-d日");
    let _ = writeln!(out, "{}  \n{date}", paragraph(&doc.issuer));
    out
}

fn table(out: &mut String, chart: &Chart) {
    let mut header = format!("| {} |", "指标");
    let mut rule = String::from("| --- |");
    for s in &chart.series {
        let _ = write!(header, " {} |", inline(&s.name));
        rule.push_str(" ---: |");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for (i, category) in chart.categories.iter().enumerate() {
        let _ = write!(out, "| {} |", inline(category));
        for s in &chart.series {
            let v = s
                .values
                .get(i)
                .map(|v| format_value(*v))
                .unwrap_or_default();
            let _ = write!(out, " {v} |");
        }
        out.push('\n');
    }
    let caption = if chart.unit.is_empty() {
        inline(&chart.title)
    } else {
        format!("{}（单位：{}）", inline(&chart.title), inline(&chart.unit))
    };
    let _ = writeln!(out, "\n{caption}\n");
}

/// Escapes the characters that could start Markdown markup anywhere in a line (emphasis,
/// code, links, HTML, entities, table cells, headings' closing marks). CommonMark allows a
/// backslash before any ASCII punctuation, so this is always safe. Hand-written: the Rust
/// Markdown crates parse and render Markdown but do not escape text into it; the rule is one
/// line of the CommonMark spec (2.4).
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A paragraph: inline escaping plus what only matters at the start of a line: a list
/// marker (`-`, `+`, `1.`, `1)`), a block quote or heading (already escaped inline), a setext
/// underline (`=`), or indentation that would make a code block.
fn paragraph(text: &str) -> String {
    let escaped = inline(text.trim_start());
    let digits = escaped.chars().take_while(char::is_ascii_digit).count();
    let mut chars = escaped.chars();
    match chars.next() {
        Some(c @ ('-' | '+' | '=')) => format!("\\{c}{}", chars.as_str()),
        Some(_) if digits > 0 => {
            let (number, rest) = escaped.split_at(digits);
            match rest.chars().next() {
                Some(c @ ('.' | ')')) => format!("{number}\\{c}{}", &rest[1..]),
                _ => escaped,
            }
        }
        _ => escaped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_that_would_be_markup_are_escaped() {
        assert_eq!(paragraph("1. 第一项"), "1\\. 第一项");
        assert_eq!(paragraph("2024) 年"), "2024\\) 年");
        assert_eq!(paragraph("- 列表"), "\\- 列表");
        assert_eq!(paragraph("    代码"), "代码");
        assert_eq!(paragraph("2024年审结率91.49%"), "2024年审结率91.49%");
        assert_eq!(inline("a_b*c"), "a\\_b\\*c");
    }
}
