//! The annual report (法治政府建设年度报告) as a document: the model the generator builds from
//! indicators and the users' narrative, the sentence templates that write the data sentences, and
//! the renderers (DOCX in the 党政机关公文格式, HTML, Markdown) with their charts. No database and
//! no network: the application layer gathers the values and hands them over.

pub mod chart;
pub mod docx;
pub mod error;
pub mod html;
pub mod markdown;
pub mod model;
pub mod sentences;

pub use error::ReportError;
