//! Chinese labels of the analyzer's enums, for tables, pages and workbooks.

use crate::checks::{CheckKind, Verdict};
use crate::normalize::Script;
use crate::number::Qualifier;

impl Qualifier {
    pub fn label(self) -> &'static str {
        match self {
            Qualifier::Exact => "确数",
            Qualifier::Approx => "约数",
            Qualifier::AtLeast => "不少于",
            Qualifier::AtMost => "不超过",
        }
    }
}

impl CheckKind {
    pub fn label(self) -> &'static str {
        match self {
            CheckKind::Rate => "比率",
            CheckKind::Change => "同比变化",
        }
    }
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Consistent => "一致",
            Verdict::Rounding => "舍入或截断差异",
            Verdict::Unexplained => "无法复算",
            Verdict::PartsNotPrinted => "分子或分母未印出",
        }
    }
}

impl Script {
    pub fn label(self) -> &'static str {
        match self {
            Script::Simplified => "简体",
            Script::Traditional => "繁体",
            Script::Mixed => "简繁混合",
        }
    }
}
