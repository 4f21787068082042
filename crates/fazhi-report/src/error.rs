//! The one error type of the renderers.

/// A report could not be rendered. `Display` carries the technical detail for the log;
/// [`ReportError::message`] is the sentence shown to people, [`ReportError::code`] the stable code.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A template failed: a bug in a template or in the data handed to it.
    #[error("报告页面生成失败：{0}")]
    Template(#[from] minijinja::Error),
    /// The chart could not be drawn or rasterised.
    #[error("统计图绘制失败：{0}")]
    Chart(String),
    /// The Word document could not be written.
    #[error("Word 文档生成失败：{0}")]
    Docx(String),
}

impl ReportError {
    /// Stable, machine-readable code. Every variant is a failure of ours, not of the input, so
    /// they share one code; the variant shows in the log line.
    pub fn code(&self) -> &'static str {
        "report_render"
    }

    /// Message for people, in Simplified Chinese, without internal detail.
    pub fn message(&self) -> &'static str {
        match self {
            ReportError::Template(_) => "报告页面生成失败，请联系系统管理员",
            ReportError::Chart(_) => "报告中的统计图绘制失败，请联系系统管理员",
            ReportError::Docx(_) => "报告 Word 文档生成失败，请联系系统管理员",
        }
    }
}
