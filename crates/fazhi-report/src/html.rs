//! HTML: a standalone HTML5 page (the published file) or the article alone, for the
//! application's own layout. Built with minijinja templates (`templates/report.html`,
//! `templates/article.html`), autoescaped; charts inline as SVG; no script, no event handlers.

use minijinja::Environment;
use serde::Serialize;

use crate::model::{Block, Document, Inline};
use crate::{chart, ReportError};

/// Who reads the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtmlMode {
    /// The page published on the government portal: the portal's metadata block (索引号, 发布机构,
    /// 文号, 成文日期, 发布日期) above the title; figures are plain text.
    Public,
    /// The page inside Fazhi: every figure links to the records or the filed form behind it
    /// (`<a class="figure" href=… title=source>`), or is marked `<span class="figure nosource">`
    /// when it has no such link.
    Internal,
}

/// The stylesheet of the standalone page (screen and A4 print), for an application that embeds
/// [`body_fragment`] and wants the same look.
pub const STYLESHEET: &str = include_str!("../templates/report.css");

/// The complete page: `<!DOCTYPE html>`, `lang="zh-CN"`, UTF-8, the stylesheet in a `<style>`
/// element.
pub fn render(doc: &Document, mode: HtmlMode) -> Result<String, ReportError> {
    render_template("report.html", doc, mode)
}

/// The article alone (`<article class="report">…</article>`), for embedding in a page layout.
pub fn body_fragment(doc: &Document, mode: HtmlMode) -> Result<String, ReportError> {
    render_template("article.html", doc, mode)
}

fn render_template(name: &str, doc: &Document, mode: HtmlMode) -> Result<String, ReportError> {
    let mut env = Environment::new();
    env.add_template("report.html", include_str!("../templates/report.html"))?;
    env.add_template("article.html", include_str!("../templates/article.html"))?;
    env.add_template("report.css", STYLESHEET)?;
    let view = View::new(doc, mode);
    Ok(env.get_template(name)?.render(&view)?)
}

#[derive(Serialize)]
struct View<'a> {
    title: &'a str,
    meta: Option<MetaView>,
    blocks: Vec<BlockView<'a>>,
    issuer: &'a str,
    /// 成文日期 as printed at the end: 2025年1月9日.
    date: String,
}

/// The portal's metadata, dates as 2025-01-09; an absent value is an empty cell.
#[derive(Serialize)]
struct MetaView {
    index_no: String,
    publisher: String,
    doc_no: String,
    written: String,
    published: String,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum BlockView<'a> {
    /// `level` is the HTML heading level: the title is h1, so 一、 is h2, （一） h3, 1. h4.
    Heading {
        level: u8,
        text: &'a str,
    },
    Paragraph {
        inlines: Vec<InlineView<'a>>,
    },
    /// `svg` is plotters' output (its text escaped there) and is inserted unescaped.
    Chart {
        svg: String,
        caption: &'a str,
    },
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum InlineView<'a> {
    Text {
        text: &'a str,
    },
    Link {
        text: &'a str,
        href: &'a str,
        source: Option<&'a str>,
    },
    Nosource {
        text: &'a str,
    },
}

impl<'a> View<'a> {
    fn new(doc: &'a Document, mode: HtmlMode) -> Self {
        let iso = |d: Option<chrono::NaiveDate>| {
            d.map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        };
        let meta = (mode == HtmlMode::Public).then(|| MetaView {
            index_no: doc.meta.index_no.clone().unwrap_or_default(),
            publisher: doc.meta.publisher.clone(),
            doc_no: doc.meta.doc_no.clone().unwrap_or_default(),
            written: iso(doc.meta.written.or(Some(doc.date))),
            published: iso(doc.meta.published),
        });
        let blocks = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Heading { level, text } => BlockView::Heading {
                    level: (*level).clamp(1, 3) + 1,
                    text,
                },
                Block::Paragraph { inlines } => BlockView::Paragraph {
                    inlines: inlines.iter().map(|i| inline_view(i, mode)).collect(),
                },
                Block::Chart { chart: c } => BlockView::Chart {
                    svg: chart::svg(c),
                    caption: &c.title,
                },
            })
            .collect();
        View {
            title: &doc.title,
            meta,
            blocks,
            issuer: &doc.issuer,
            date: doc.date.format("%Y年%-m月%-d日").to_string(),
        }
    }
}

fn inline_view(inline: &Inline, mode: HtmlMode) -> InlineView<'_> {
    match (inline, mode) {
        (Inline::Text { text }, _) | (Inline::Figure { text, .. }, HtmlMode::Public) => {
            InlineView::Text { text }
        }
        (
            Inline::Figure {
                text, href, source, ..
            },
            HtmlMode::Internal,
        ) => match href.as_deref().filter(|h| is_web_address(h)) {
            Some(href) => InlineView::Link {
                text,
                href,
                source: source.as_deref(),
            },
            None => InlineView::Nosource { text },
        },
    }
}

/// Links go to the application's own pages (a path or query) or to http(s) addresses; anything
/// else (`javascript:`, `data:` …) is dropped, as escaping does not make such a link harmless.
fn is_web_address(href: &str) -> bool {
    let lower = href.trim_start().to_ascii_lowercase();
    (lower.starts_with('/') && !lower.starts_with("//"))
        || lower.starts_with('?')
        || lower.starts_with('#')
        || lower.starts_with("https://")
        || lower.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_and_web_addresses_are_links() {
        for ok in [
            "/reconsideration/5",
            "?year=2024",
            "#top",
            "https://x.gov.cn/a",
        ] {
            assert!(is_web_address(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:x",
            "data:text/html,x",
            "//evil.example",
        ] {
            assert!(!is_web_address(bad), "{bad}");
        }
    }
}
