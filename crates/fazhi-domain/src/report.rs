//! The annual report (法治政府建设年度报告): its parts as the 督察工作规定 requires them
//! (`legal-rules.md` §9), its lifecycle 草稿 → 审核 → 定稿 → 已发布, and the narrative users
//! write, in which data tokens (【数据:reconsideration】, 【指标:KEY】, 【同比:KEY】) stand where the
//! generator puts the figures, so text can be edited around them without losing the link.

use crate::error::Code;
use crate::error::{optional_text, required_text, DomainError, DomainResult};
use crate::fields::{get, Fields};
use crate::procedure::illegal_transition;
use crate::rate::{PercentFormat, Rounding};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

coded_enum!(
    /// Where a report version is in its lifecycle.
    ReportStatus, "status", "报告状态" {
        Draft = "draft", "草稿";
        Review = "review", "审核";
        Final = "final", "定稿";
        Published = "published", "已发布";
    }
);

coded_enum!(
    ReportAction, "action", "操作" {
        SubmitForReview = "submit", "提交审核";
        ReturnToDraft = "return", "退回修改";
        Finalise = "finalise", "定稿";
        Publish = "publish", "发布";
    }
);

/// The status a report moves to. A published version never changes; a correction is a new
/// version (see [`ReportContent`] and the app's `correct`).
pub fn transition(from: ReportStatus, action: ReportAction) -> DomainResult<ReportStatus> {
    use ReportAction as A;
    use ReportStatus as S;
    match (from, action) {
        (S::Draft, A::SubmitForReview) => Ok(S::Review),
        (S::Review | S::Final, A::ReturnToDraft) => Ok(S::Draft),
        (S::Review, A::Finalise) => Ok(S::Final),
        (S::Final, A::Publish) => Ok(S::Published),
        _ => Err(illegal_transition(from, action)),
    }
}

impl ReportStatus {
    /// Whether the text may still be edited.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::Review)
    }
}

/// The five parts of the report, in order, as the 督察工作规定's chapter on the annual report lists
/// its contents (legal-rules §9: the contents are CONFIRMED, their article number is not; 第二十四条,
/// which an earlier comment cited here, is the publication rule).
pub const PARTS: [(&str, &str); 5] = [
    ("measures", "主要举措和成效"),
    ("shortcomings", "存在的不足和原因"),
    (
        "responsibility",
        "党政主要负责人履行推进法治建设第一责任人职责情况",
    ),
    ("next_year", "下一年度主要安排"),
    ("other", "其他需要报告的情况"),
];

/// A sub-section of a part (the seeds divide 主要举措和成效 by domain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
    /// Paragraphs separated by line breaks; may hold data tokens.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// One of [`PARTS`].
    pub key: String,
    /// Text before the sections (or the whole part when it has none).
    pub text: String,
    pub sections: Vec<Section>,
}

impl Part {
    pub fn title(&self) -> &'static str {
        PARTS
            .iter()
            .find(|(k, _)| *k == self.key)
            .map(|(_, t)| *t)
            .unwrap_or("")
    }
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.sections.iter().all(|s| s.text.trim().is_empty())
    }
}

/// What users write: the introduction, the five parts, and the document's particulars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportContent {
    pub title: String,
    pub intro: String,
    pub parts: Vec<Part>,
    /// 落款: the issuing body.
    pub issuer: String,
    /// 成文日期
    pub written: Option<NaiveDate>,
    /// 索引号
    pub index_no: Option<String>,
    /// 文号
    pub doc_no: Option<String>,
}

/// How figures are printed (`indicators.md`: decimals and rounding are report settings) and
/// whether the charts are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportSettings {
    pub percent: PercentFormat,
    pub charts: bool,
}

impl Default for ReportSettings {
    fn default() -> Self {
        Self {
            percent: PercentFormat::default(),
            charts: true,
        }
    }
}

impl ReportSettings {
    pub fn parse(f: &Fields) -> DomainResult<Self> {
        let decimals = match get(f, "decimals").trim() {
            "" => 2,
            s => s.parse::<u32>().ok().filter(|d| *d <= 4).ok_or_else(|| {
                DomainError::field(Code::InvalidDecimals, "decimals", "百分比小数位数应为0至4")
            })?,
        };
        let rounding = match get(f, "rounding").trim() {
            "" | "half_up" | "四舍五入" => Rounding::HalfUp,
            "truncate" | "截尾" => Rounding::Truncate,
            other => return Err(DomainError::invalid_option("rounding", "舍入方式", other)),
        };
        Ok(Self {
            percent: PercentFormat { decimals, rounding },
            charts: !matches!(get(f, "charts").trim(), "0" | "false" | "否"),
        })
    }
}

/// The longest narrative a field takes (a whole part of a long report).
const MAX_TEXT: usize = 60_000;

impl ReportContent {
    /// The skeleton of a new report: the five parts, part one divided by domain with the data
    /// tokens in place, for users to write around.
    pub fn skeleton(jurisdiction: &str, issuer: &str, year: i32) -> Self {
        let part = |key: &str, text: &str, sections: Vec<Section>| Part {
            key: key.into(),
            text: text.into(),
            sections,
        };
        let sec = |title: &str, text: &str| Section {
            title: title.into(),
            text: text.into(),
        };
        Self {
            title: format!("{jurisdiction}{year}年法治政府建设年度报告"),
            intro: String::new(),
            parts: vec![
                part(
                    "measures",
                    "",
                    vec![
                        sec(
                            "推进行政复议和行政应诉工作",
                            "【数据:reconsideration】\n【数据:litigation】",
                        ),
                        sec("严格规范公正文明执法", "【数据:enforcement】"),
                        sec("依法预防化解矛盾纠纷", "【数据:mediation】"),
                        sec("加强规范性文件和合法性审查", "【数据:legality_review】"),
                    ],
                ),
                part("shortcomings", "", vec![]),
                part("responsibility", "", vec![]),
                part("next_year", "", vec![]),
                part("other", "", vec![]),
            ],
            issuer: issuer.into(),
            written: None,
            index_no: None,
            doc_no: None,
        }
    }

    /// Reads an edited report from its form: `title`, `intro`, `issuer`, `written`, `index_no`,
    /// `doc_no`, and per part `part.KEY.text`, `part.KEY.N.title`, `part.KEY.N.text` (sections
    /// numbered from 0; a section with an empty title and text is dropped).
    pub fn parse(f: &Fields, year: i32) -> DomainResult<Self> {
        let mut parts = Vec::new();
        for (key, label) in PARTS {
            let text = optional_text(
                get(f, &format!("part.{key}.text")),
                &format!("part.{key}.text"),
                label,
                MAX_TEXT,
            )?
            .unwrap_or_default();
            let mut sections = Vec::new();
            if f.contains_key(&format!("part.{key}.50.title"))
                || f.contains_key(&format!("part.{key}.50.text"))
            {
                return Err(DomainError::field(
                    Code::TooManySections,
                    format!("part.{key}.50.title"),
                    format!("{label}最多可分50个小标题"),
                ));
            }
            for n in 0..50 {
                let (tf, xf) = (
                    format!("part.{key}.{n}.title"),
                    format!("part.{key}.{n}.text"),
                );
                if !f.contains_key(&tf) && !f.contains_key(&xf) {
                    continue;
                }
                let title = optional_text(get(f, &tf), &tf, &format!("{label}的小标题"), 200)?
                    .unwrap_or_default();
                let text = optional_text(get(f, &xf), &xf, &format!("{label}的正文"), MAX_TEXT)?
                    .unwrap_or_default();
                if title.is_empty() && text.is_empty() {
                    continue;
                }
                if title.is_empty() {
                    return Err(DomainError::required(&tf, &format!("{label}的小标题")));
                }
                sections.push(Section { title, text });
            }
            parts.push(Part {
                key: key.into(),
                text,
                sections,
            });
        }
        let written = match get(f, "written").trim() {
            "" => None,
            s => Some(crate::fields::parse_date(s, "written", "成文日期")?),
        };
        if let Some(w) = written {
            // The report is written in the year after the one it reports on (by 1 April), or late.
            if w.year() < year || w.year() > year + 2 {
                return Err(DomainError::field(
                    Code::InvalidDate,
                    "written",
                    format!("成文日期应在{year}年至{}年之间", year + 2),
                ));
            }
        }
        let c = Self {
            title: required_text(get(f, "title"), "title", "报告标题", 100)?,
            intro: optional_text(get(f, "intro"), "intro", "导语", MAX_TEXT)?.unwrap_or_default(),
            parts,
            issuer: required_text(get(f, "issuer"), "issuer", "落款单位", 100)?,
            written,
            index_no: optional_text(get(f, "index_no"), "index_no", "索引号", 100)?,
            doc_no: optional_text(get(f, "doc_no"), "doc_no", "文号", 100)?,
        };
        c.check_characters()?;
        c.check_tokens()?;
        Ok(c)
    }

    /// Refuses control characters (other than tab and line breaks) anywhere in the report: a
    /// vertical tab pasted from Word would make the DOCX unreadable.
    fn check_characters(&self) -> DomainResult<()> {
        let mut fields: Vec<(String, &str)> = self.texts();
        fields.push(("title".into(), &self.title));
        fields.push(("issuer".into(), &self.issuer));
        for (k, v) in [("index_no", &self.index_no), ("doc_no", &self.doc_no)] {
            if let Some(v) = v {
                fields.push((k.into(), v));
            }
        }
        for p in &self.parts {
            for (n, s) in p.sections.iter().enumerate() {
                fields.push((format!("part.{}.{n}.title", p.key), &s.title));
            }
        }
        for (field, text) in fields {
            if text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            {
                return Err(DomainError::field(
                    Code::InvalidText,
                    field,
                    "内容含有无法打印的控制字符（可能是从其他文档粘贴带入的），请删除后重新保存",
                ));
            }
        }
        Ok(())
    }

    /// Every text of the report with the field it came from.
    pub fn texts(&self) -> Vec<(String, &str)> {
        let mut out = vec![("intro".to_string(), self.intro.as_str())];
        for p in &self.parts {
            out.push((format!("part.{}.text", p.key), p.text.as_str()));
            for (n, s) in p.sections.iter().enumerate() {
                out.push((format!("part.{}.{n}.text", p.key), s.text.as_str()));
            }
        }
        out
    }

    /// Refuses a malformed token (an unclosed 【 or an unknown kind), naming the field.
    pub fn check_tokens(&self) -> DomainResult<()> {
        for (field, text) in self.texts() {
            for seg in segments(text) {
                if let Segment::Bad(t) = seg {
                    return Err(DomainError::field(
                        Code::InvalidToken,
                        field,
                        format!("数据标记“{t}”无法识别，应为【数据:名称】、【指标:指标键】或【同比:指标键】"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The parts that are required and empty (all five are required; a part with nothing to
    /// report says so, e.g. 无。).
    pub fn empty_parts(&self) -> Vec<&'static str> {
        PARTS
            .iter()
            .filter(|(k, _)| {
                self.parts
                    .iter()
                    .find(|p| p.key == *k)
                    .is_none_or(Part::is_empty)
            })
            .map(|(_, t)| *t)
            .collect()
    }
}

/// A piece of narrative: text, or a token the generator replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    /// 【数据:NAME】: the sentences of template NAME.
    Data(&'a str),
    /// 【指标:KEY】: one figure.
    Figure(&'a str),
    /// 【同比:KEY】: the change against last year.
    Change(&'a str),
    /// A 【 that starts no valid token.
    Bad(&'a str),
}

/// Splits narrative into text and tokens. A token is `【kind:name】` with an ASCII name.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('【') {
        if start > 0 {
            out.push(Segment::Text(&rest[..start]));
        }
        let after = &rest[start..];
        let Some(end) = after.find('】') else {
            out.push(Segment::Bad(after));
            return out;
        };
        let token = &after[..end + '】'.len_utf8()];
        let inner = &token['【'.len_utf8()..end];
        let seg = inner
            .split_once([':', '：'])
            .filter(|(_, name)| {
                !name.is_empty()
                    && name.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.'
                    })
            })
            .and_then(|(kind, name)| match kind {
                "数据" => Some(Segment::Data(name)),
                "指标" => Some(Segment::Figure(name)),
                "同比" => Some(Segment::Change(name)),
                _ => None,
            });
        // A 【 used as an ordinary bracket (【注】) is text; only a token-shaped one is refused.
        match seg {
            Some(s) => out.push(s),
            None if inner.starts_with("数据")
                || inner.starts_with("指标")
                || inner.starts_with("同比") =>
            {
                out.push(Segment::Bad(token))
            }
            None => out.push(Segment::Text(token)),
        }
        rest = &after[token.len()..];
    }
    if !rest.is_empty() {
        out.push(Segment::Text(rest));
    }
    out
}

/// A heading number in Chinese, 1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 35 → 三十五 (up to 99).
pub fn numeral(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0 => "零".into(),
        1..=9 => D[n as usize].into(),
        10..=19 => format!("十{}", D[(n % 10) as usize]),
        20..=99 => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

/// The note a correction of a published version must carry.
pub fn change_note(f: &Fields) -> DomainResult<String> {
    required_text(get(f, "change_note"), "change_note", "更正说明", 2000)
}

coded_enum!(
    /// The legs of the report's reporting chain (《法治政府建设与责任落实督察工作规定》, legal-rules
    /// §9), each tracked as its own dated step on the report's page and on 超期预警.
    ChainStep, "step", "报送环节" {
        Departments = "departments", "各部门向本级党委和政府、上一级政府有关部门报告";
        PartyCongress = "party_congress", "本级政府向同级党委、人大常委会报告";
        Higher = "higher", "本级党委和政府向上一级党委和政府报告";
        Publication = "publication", "向社会公开发布";
    }
);

impl ChainStep {
    /// Who receives the report on this leg, as the 督察工作规定 names them.
    pub fn recipients(self) -> &'static str {
        match self {
            Self::Departments => {
                "本级党委和政府、上一级政府有关部门（抄送本级党委法治建设议事协调机构）"
            }
            Self::PartyCongress => "同级党委、人大常委会",
            Self::Higher => "上一级党委和政府（抄送上一级党委法治建设议事协调机构）",
            Self::Publication => "社会公众（报刊、网站等新闻媒体）",
        }
    }

    /// Whether the leg is recorded by hand; publication is the report's own 发布 step.
    pub fn recorded(self) -> bool {
        self != Self::Publication
    }
}

/// A day of the year after the reported one, written `MM-DD` in the settings ("03-01").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

impl TryFrom<String> for MonthDay {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let bad = || format!("日期“{s}”应写作“月-日”，如“03-01”");
        let (m, d) = s.trim().split_once('-').ok_or_else(bad)?;
        let (month, day) = (
            m.parse::<u32>().map_err(|_| bad())?,
            d.parse::<u32>().map_err(|_| bad())?,
        );
        // 2024 is a leap year: any real month-day is valid in it. 1 January is refused: "before 1
        // January" would fall within the reported year, before anything could be reported.
        NaiveDate::from_ymd_opt(2024, month, day).ok_or_else(bad)?;
        if (month, day) == (1, 1) {
            return Err(format!(
                "日期“{s}”不可用：报送期限应在报告年度结束之后（最早“01-02”）"
            ));
        }
        Ok(Self { month, day })
    }
}

impl From<MonthDay> for String {
    fn from(m: MonthDay) -> String {
        format!("{:02}-{:02}", m.month, m.day)
    }
}

impl MonthDay {
    const fn new(month: u32, day: u32) -> Self {
        Self { month, day }
    }
    /// This day in `year` (29 February falls back to 28 in a common year).
    pub fn in_year(self, year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
            .or_else(|| NaiveDate::from_ymd_opt(year, self.month, self.day - 1))
            .expect("checked when read")
    }
}

/// When each leg is due: "before" the configured day of the next year (每年3月1日之前, 4月1日之
/// 前), read as "by the end of the day before". The departments' 1 March and the publication's 1
/// April are CONFIRMED (legal-rules §9); the government's legs to the 党委、人大常委会 and to the
/// level above stand in the same paragraph as the 1 March rule but their date is UNCONFIRMED, so
/// they are settings with 1 March as default (docs/configuration.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChainRules {
    pub departments_before: MonthDay,
    pub party_congress_before: MonthDay,
    pub higher_before: MonthDay,
    pub publication_before: MonthDay,
}

impl Default for ChainRules {
    fn default() -> Self {
        Self {
            departments_before: MonthDay::new(3, 1),
            party_congress_before: MonthDay::new(3, 1),
            higher_before: MonthDay::new(3, 1),
            publication_before: MonthDay::new(4, 1),
        }
    }
}

impl ChainRules {
    /// The last day of `step` for the report on `year`.
    pub fn due(&self, step: ChainStep, year: i32) -> NaiveDate {
        let before = match step {
            ChainStep::Departments => self.departments_before,
            ChainStep::PartyCongress => self.party_congress_before,
            ChainStep::Higher => self.higher_before,
            ChainStep::Publication => self.publication_before,
        };
        before
            .in_year(year + 1)
            .pred_opt()
            .expect("a date after 1 January of a real year")
    }

    /// Every leg with its last day, in order.
    pub fn due_dates(&self, year: i32) -> Vec<(ChainStep, NaiveDate)> {
        ChainStep::ALL
            .iter()
            .map(|s| (*s, self.due(*s, year)))
            .collect()
    }
}

/// What the office records for a leg: the date the report went out and a note (文号, recipients
/// as addressed, how many departments reported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainRecord {
    pub step: ChainStep,
    pub date: NaiveDate,
    pub note: Option<String>,
}

impl ChainRecord {
    /// Parses the form: `step`, `date` (not after today), `note`.
    pub fn parse(f: &Fields, today: NaiveDate) -> DomainResult<Self> {
        let step = ChainStep::parse(get(f, "step"))?;
        if !step.recorded() {
            return Err(DomainError::field(
                Code::ChainStepByPublication,
                "step",
                "向社会公开发布以报告的“发布”操作登记，无需在此登记",
            ));
        }
        let date = crate::fields::parse_date(get(f, "date"), "date", "报送日期")?;
        if date > today {
            return Err(DomainError::field(
                Code::DateInFuture,
                "date",
                "报送日期不能晚于今天",
            ));
        }
        Ok(Self {
            step,
            date,
            note: optional_text(
                get(f, "note"),
                "note",
                "报送情况说明（文号、报送对象等）",
                500,
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_found_and_bad_ones_named() {
        let s = segments("全区【数据:reconsideration】另有【指标:mediation.success_rate】。【注】");
        assert_eq!(
            s,
            [
                Segment::Text("全区"),
                Segment::Data("reconsideration"),
                Segment::Text("另有"),
                Segment::Figure("mediation.success_rate"),
                Segment::Text("。"),
                Segment::Text("【注】"),
            ]
        );
        assert_eq!(segments("【数据：x】"), [Segment::Data("x")]);
        assert!(matches!(segments("【数据:复议】")[0], Segment::Bad(_)));
        assert!(matches!(segments("文字【指标:a.b")[1], Segment::Bad(_)));
    }

    #[test]
    fn the_lifecycle_never_reopens_a_published_version() {
        use ReportAction as A;
        use ReportStatus as S;
        let mut s = S::Draft;
        for a in [A::SubmitForReview, A::Finalise, A::Publish] {
            s = transition(s, a).unwrap();
        }
        assert_eq!(s, S::Published);
        for a in ReportAction::ALL {
            assert!(transition(S::Published, *a).is_err());
        }
        assert!(!S::Published.editable());
        assert!(transition(S::Draft, A::Finalise).is_err());
    }

    #[test]
    fn a_new_report_names_the_empty_parts() {
        let c = ReportContent::skeleton("云城区", "云浮市云城区人民政府", 2024);
        assert_eq!(c.title, "云城区2024年法治政府建设年度报告");
        // part one holds tokens only; the other four are empty
        assert_eq!(c.empty_parts().len(), 4);
        assert!(c.check_tokens().is_ok());
    }

    /// 督察工作规定 (legal-rules §9): departments and the government's legs before 1 March,
    /// publication before 1 April (第二十四条) of the year after the reported one.
    #[test]
    fn reporting_chain_due_dates_supervision_rules_art_24() {
        let rules = ChainRules::default();
        let got: Vec<(&str, String)> = rules
            .due_dates(2024)
            .into_iter()
            .map(|(s, d)| (s.code(), d.to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("departments", "2025-02-28".to_string()),
                ("party_congress", "2025-02-28".to_string()),
                ("higher", "2025-02-28".to_string()),
                ("publication", "2025-03-31".to_string()),
            ]
        );
        // A leap year's February ends on the 29th.
        assert_eq!(
            rules.due(ChainStep::Departments, 2027).to_string(),
            "2028-02-29"
        );
        // The UNCONFIRMED legs are settings: "before 15 March" → 14 March.
        let custom: ChainRules =
            serde_json::from_str(r#"{"party_congress_before": "03-15"}"#).unwrap();
        assert_eq!(
            custom.due(ChainStep::PartyCongress, 2024).to_string(),
            "2025-03-14"
        );
        assert_eq!(
            custom.due(ChainStep::Higher, 2024).to_string(),
            "2025-02-28"
        );
        for bad in ["3月1日", "02-30", "13-01", "03"] {
            let e = serde_json::from_str::<ChainRules>(&format!(r#"{{"higher_before": "{bad}"}}"#))
                .unwrap_err()
                .to_string();
            assert!(e.contains("应写作“月-日”"), "{bad}: {e}");
        }
        let e = serde_json::from_str::<ChainRules>(r#"{"higher_before": "01-01"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("最早“01-02”"), "{e}");
    }

    #[test]
    fn a_chain_record_names_its_bad_field() {
        let today = NaiveDate::from_ymd_opt(2025, 2, 10).unwrap();
        let f = |pairs: &[(&str, &str)]| -> Fields {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let ok = ChainRecord::parse(
            &f(&[("step", "higher"), ("date", "2025-02-10"), ("note", "文号")]),
            today,
        )
        .unwrap();
        assert_eq!(
            (ok.step, ok.note.as_deref()),
            (ChainStep::Higher, Some("文号"))
        );
        for (pairs, code, field) in [
            (
                vec![("step", "publication"), ("date", "2025-02-10")],
                "chain_step_by_publication",
                "step",
            ),
            (
                vec![("step", "higher"), ("date", "2025-02-11")],
                "date_in_future",
                "date",
            ),
            (vec![("step", "higher")], "required", "date"),
        ] {
            let e = ChainRecord::parse(&f(&pairs), today).unwrap_err();
            assert_eq!(
                (e.code.as_str(), e.field.as_deref()),
                (code, Some(field)),
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn heading_numerals() {
        let got: Vec<String> = [1, 5, 10, 11, 19, 20, 21, 50]
            .into_iter()
            .map(numeral)
            .collect();
        assert_eq!(
            got,
            ["一", "五", "十", "十一", "十九", "二十", "二十一", "五十"]
        );
    }

    #[test]
    fn control_characters_are_refused_with_their_field() {
        let c = ReportContent::skeleton("云城区", "云浮市云城区人民政府", 2024);
        let mut f: Fields = Fields::new();
        f.insert("title".into(), c.title.clone());
        f.insert("issuer".into(), c.issuer.clone());
        f.insert("part.other.text".into(), "无。\r\n\t其他".into());
        assert!(ReportContent::parse(&f, 2024).is_ok());
        f.insert("part.shortcomings.text".into(), "一是\u{0B}二是".into());
        let e = ReportContent::parse(&f, 2024).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("invalid_text", Some("part.shortcomings.text"))
        );
        f.remove("part.shortcomings.text");
        f.insert("part.measures.0.title".into(), "执法\u{01}".into());
        f.insert("part.measures.0.text".into(), "正文".into());
        assert_eq!(
            ReportContent::parse(&f, 2024).unwrap_err().field.as_deref(),
            Some("part.measures.0.title")
        );
    }

    #[test]
    fn settings_take_decimals_and_rounding() {
        let f: Fields = [("decimals", "2"), ("rounding", "truncate")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let s = ReportSettings::parse(&f).unwrap();
        assert_eq!(s.percent.rounding, Rounding::Truncate);
        let f: Fields = [("decimals".to_string(), "9".to_string())].into();
        assert_eq!(
            ReportSettings::parse(&f).unwrap_err().field.as_deref(),
            Some("decimals")
        );
    }
}
