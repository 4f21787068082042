//! The document model every output is rendered from.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A whole report, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// e.g. 云城区2024年法治政府建设年度报告
    pub title: String,
    pub meta: Meta,
    pub blocks: Vec<Block>,
    /// The issuing body printed at the end (落款), e.g. 云浮市云城区人民政府.
    pub issuer: String,
    /// The date printed under the issuer (成文日期), e.g. 2025-01-09 → 2025年1月9日.
    pub date: NaiveDate,
}

/// The metadata block a government portal shows above a published document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// 索引号
    pub index_no: Option<String>,
    /// 发布机构
    pub publisher: String,
    /// 文号
    pub doc_no: Option<String>,
    /// 成文日期
    pub written: Option<NaiveDate>,
    /// 发布日期
    pub published: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Block {
    /// A heading; `text` carries its number as printed: level 1 "一、…", level 2 "（一）…",
    /// level 3 "1.…".
    Heading {
        level: u8,
        text: String,
    },
    Paragraph {
        inlines: Vec<Inline>,
    },
    Chart {
        chart: Chart,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Inline {
    Text {
        text: String,
    },
    /// A figure taken from an indicator: printed as `text`; in the internal HTML view it links
    /// to `href` (the records or the filed form behind it) and shows `source` on hover.
    Figure {
        text: String,
        key: String,
        href: Option<String>,
        source: Option<String>,
    },
}

impl Inline {
    pub fn text(&self) -> &str {
        match self {
            Inline::Text { text } | Inline::Figure { text, .. } => text,
        }
    }
}

/// A year-over-year bar chart: one group of bars per category (an indicator), one bar per series
/// (a year).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Caption printed under the chart, e.g. 图1 主要指标同比.
    pub title: String,
    /// Unit of the values, e.g. 件.
    pub unit: String,
    /// Category labels, e.g. ["行政复议申请", "行政应诉案件"].
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// e.g. 2023年
    pub name: String,
    /// One value per category.
    pub values: Vec<f64>,
}

impl Document {
    /// The plain text of the body, paragraphs separated by newlines (for checks and tests).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.title);
        out.push('\n');
        for b in &self.blocks {
            match b {
                Block::Heading { text, .. } => out.push_str(text),
                Block::Paragraph { inlines } => inlines.iter().for_each(|i| out.push_str(i.text())),
                Block::Chart { chart } => out.push_str(&chart.title),
            }
            out.push('\n');
        }
        out
    }
}
