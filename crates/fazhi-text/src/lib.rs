//! The report analyzer (报告分析): reads published 法治政府建设年度报告 — simplified or traditional
//! script, full-width digits, page debris — and finds their figures, with character offsets into
//! the original text. Text in, findings out: no files, no network, no database.

pub mod analysis;
pub mod checks;
pub mod compare;
pub mod facts;
pub mod figures;
pub mod input;
mod labels;
pub mod normalize;
pub mod number;
pub mod scope;
pub mod vocabulary;

pub use analysis::{analyze, html_text, Analysis};
pub use input::{read_document, Document, InputError};
