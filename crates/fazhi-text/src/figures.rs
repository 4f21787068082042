//! Figures: every quantitative statement of a report (收到行政复议申请94件, 审结率91.49%,
//! 同比缩减24.23%), with the indicator key when the vocabulary knows the label, the year it refers
//! to, the scope it is stated for (全区, 区政府 …, see [`crate::scope`]), whether it is a
//! year-over-year change, and the clause it was read from.
//!
//! How: the text is normalised ([`crate::normalize`]); at every place where a number starts, the
//! number reader ([`crate::number::parse_quantity`]) is tried; a number without a measure word
//! (dates, 文号, codes, phone numbers) is not a figure. The label is the text before the number back
//! to the previous clause boundary or figure; when that names nothing, the words after the unit
//! (`58个检查事项`). Nothing is invented: the quote is always the original text at the offsets.

use crate::normalize::{normalize, Normalized};
use crate::number::{parse_quantity, parse_year, Decimal, Qualifier};
use crate::vocabulary::{key_for, TopicIndex};

/// Increase or decrease, for a year-over-year change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Increase,
    Decrease,
}

/// One quantitative statement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Figure {
    /// The indicator key (`indicators.md`) when the label matches the vocabulary.
    pub key: Option<String>,
    /// The label as printed (normalised script), trimmed of verbs such as 共 / 累计 / 达 / 为.
    pub label: String,
    pub value: Decimal,
    pub unit: String,
    pub qualifier: Qualifier,
    /// The year the figure refers to: the report year unless the text says otherwise
    /// (2023年同期3858家次 → 2023).
    pub year: Option<i32>,
    /// The territorial or organisational scope the figure is stated for, as printed (全区, 区政府,
    /// 全州各级, 各乡镇(街道) …): the nearest scope phrase before the number in its sentence, else
    /// the scope its paragraph opens with; `None` when the text names none.
    pub scope: Option<String>,
    /// A year-over-year change (同比增长 x%), not a level or a rate.
    pub change: bool,
    pub direction: Option<Direction>,
    /// The clause containing the number, exactly as in the original text at `start..end`.
    pub quote: String,
    /// Character offsets into the ORIGINAL text.
    pub start: usize,
    pub end: usize,
}

/// Characters that end a clause. `、` ends a label (`A、B、C` lists) but not a quote; `（` opens an
/// aside (`94件（比2023年同期增长14.63%）`), so the aside's figure gets its own label.
fn is_clause_end(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '；' | '：' | '！' | '？' | ',' | ';' | ':' | '!' | '?' | '\n' | '\r'
    )
}

fn is_label_end(c: char) -> bool {
    is_clause_end(c) || matches!(c, '、' | '（' | '）' | '“' | '”')
}

/// Sentence ends: a figure inherits the key of the previous figure only within a sentence.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '；' | ';' | '\n' | '\r')
}

fn is_chinese_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '两'
            | '零'
            | '〇'
            | '百'
            | '千'
    )
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

fn is_number_char(c: char) -> bool {
    c.is_ascii_digit() || is_chinese_numeral(c) || c == '.' || c == '万' || c == '亿'
}

/// Qualifier words that may precede a number; parse_quantity reads them when started there.
const PREFIXES: &[&str] = &[
    "将近", "接近", "大约", "超过", "不到", "不足", "近", "约", "逾", "超",
];

/// Words trimmed from the start of a label: they say how the count was made, not what it counts.
const LEAD_TRIM: &[&str] = &[
    "其中", "共计", "累计", "全年", "共", "已", "并", "同时", "和", "及",
];
/// Words trimmed from the end of a label (between the label and its number).
const TAIL_TRIM: &[&str] = &[
    "分别为",
    "分别达",
    "均为",
    "均达",
    "达到",
    "共计",
    "累计",
    "共",
    "达",
    "为",
    "是",
    "了",
    "的",
    "有",
    "已",
];

/// Change verbs and the direction they state.
const CHANGE_VERBS: &[(&str, Direction)] = &[
    ("增长", Direction::Increase),
    ("增加", Direction::Increase),
    ("提升", Direction::Increase),
    ("提高", Direction::Increase),
    ("上升", Direction::Increase),
    ("下降", Direction::Decrease),
    ("缩减", Direction::Decrease),
    ("减少", Direction::Decrease),
    ("降低", Direction::Decrease),
];

fn trim_label(mut s: &str) -> &str {
    loop {
        let before = s;
        s = s.trim();
        for w in LEAD_TRIM {
            if let Some(rest) = s.strip_prefix(w) {
                s = rest;
            }
        }
        for w in TAIL_TRIM {
            if let Some(rest) = s.strip_suffix(w) {
                s = rest;
            }
        }
        if s == before {
            return s;
        }
    }
}

/// The normalised text as characters, with a way to slice it.
struct Text {
    chars: Vec<char>,
}

impl Text {
    fn slice(&self, a: usize, b: usize) -> String {
        let b = b.min(self.chars.len());
        let a = a.min(b);
        self.chars[a..b].iter().collect()
    }
}

/// The byte offsets of a text's characters, kept as one checkpoint every [`CharBytes::STEP`]
/// characters (a full table would take 8 bytes per character of a document of many MB).
struct CharBytes<'a> {
    text: &'a str,
    marks: Vec<usize>,
}

impl<'a> CharBytes<'a> {
    const STEP: usize = 32;

    fn new(text: &'a str) -> Self {
        let marks = text
            .char_indices()
            .step_by(Self::STEP)
            .map(|(b, _)| b)
            .collect();
        CharBytes { text, marks }
    }

    /// The byte offset of character `i`; the text's length at or past its end.
    fn byte(&self, i: usize) -> usize {
        let Some(&b) = self.marks.get(i / Self::STEP) else {
            return self.text.len();
        };
        self.text[b..]
            .char_indices()
            .nth(i % Self::STEP)
            .map_or(self.text.len(), |(k, _)| b + k)
    }
}

/// A number found in the text, before keys are assigned.
struct Hit {
    /// Normalised character offsets of the number (qualifier and unit included).
    num_start: usize,
    num_end: usize,
    value: Decimal,
    unit: String,
    qualifier: Qualifier,
}

/// How far an opening bracket looks for its closing one: no title or 文号 is longer.
const MAX_BRACKETED: usize = 120;

/// Whether the opening bracket at `i` is closed before the sentence ends (and within
/// [`MAX_BRACKETED`] characters), counting nested brackets of the same kind.
fn closes_in_sentence(chars: &[char], i: usize) -> bool {
    let open = chars[i];
    let close = match open {
        '《' => '》',
        '〔' => '〕',
        '[' => ']',
        _ => '】',
    };
    let mut depth = 0usize;
    for &c in chars.iter().skip(i + 1).take(MAX_BRACKETED) {
        if c == open {
            depth += 1;
        } else if c == close {
            if depth == 0 {
                return true;
            }
            depth -= 1;
        } else if matches!(c, '。' | '\n' | '\r') {
            return false;
        }
    }
    false
}

/// Finds the numbers that carry a measure word, skipping those inside 《》 titles and 〔〕 文号
/// and ordinals (第3).
fn scan(text: &Text, s: &str) -> Vec<Hit> {
    // Byte offsets of the characters, to hand parse_quantity a &str starting anywhere.
    let bytes = CharBytes::new(s);
    let chars = &text.chars;
    let mut hits = Vec::new();
    let mut title_depth = 0usize;
    // Inside “…”: a Chinese numeral there is part of a name or slogan (“三项制度”, “一件事”,
    // “六支队伍”), not a count.
    let mut in_quotes = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            // An opening bracket hides numbers only when it is closed in the same sentence:
            // page debris (【字号:, a title cut off by the page) must not hide later figures.
            '《' | '〔' | '[' | '【' if closes_in_sentence(chars, i) => title_depth += 1,
            '》' | '〕' | ']' | '】' => title_depth = title_depth.saturating_sub(1),
            '“' => in_quotes = true,
            '”' => in_quotes = false,
            // Unbalanced brackets (page debris such as 【字号:) must not hide the rest: a title
            // never spans a sentence.
            '。' | '\n' | '\r' => {
                title_depth = 0;
                in_quotes = false;
            }
            _ => {}
        }
        // A name, or 一批 (“a batch of”, not a count of batches).
        let not_a_count =
            (in_quotes && is_chinese_numeral(c)) || (c == '一' && chars.get(i + 1) == Some(&'批'));
        let starts_number = (c.is_ascii_digit() || is_chinese_numeral(c))
            && !(i > 0 && is_number_char(chars[i - 1]))
            // Digits split by a separator that makes no thousands group (`12 34件`, `1，234件`,
            // `1,23件`): whether 34 or 1234 was meant is unclear, so the part after the
            // separator is no figure (the part before has no measure word). `1,234` and
            // `1 234` are read whole by the number reader and never get here.
            && !(c.is_ascii_digit()
                && i >= 2
                && matches!(chars[i - 1], ' ' | ',' | '，')
                && chars[i - 2].is_ascii_digit())
            // 一 inside a word (统一, 进一步, 查一次) is not a count: 综合查一次事项200项.
            && !(c == '一'
                && i > 0
                && is_han(chars[i - 1])
                && !chars.get(i + 1).copied().is_some_and(is_chinese_numeral));
        if !starts_number || not_a_count || title_depth > 0 || (i > 0 && chars[i - 1] == '第') {
            i += 1;
            continue;
        }
        // Start at a qualifier word when one stands right before the number.
        // (The two-character words come first in PREFIXES, so the first word printed right
        // before the number is also the longest.)
        let start = PREFIXES
            .iter()
            .find(|p| {
                let n = p.chars().count();
                i >= n && chars[i - n..i].iter().copied().eq(p.chars())
            })
            .map_or(i, |p| i - p.chars().count());
        let (from, parsed) = match parse_quantity(&s[bytes.byte(start)..]) {
            Some((q, used)) if start + used > i => (start, Some((q, used))),
            _ => (i, parse_quantity(&s[bytes.byte(i)..])),
        };
        match parsed {
            Some((q, used)) if !q.unit.is_empty() => {
                hits.push(Hit {
                    num_start: from,
                    num_end: from + used,
                    value: q.value,
                    unit: q.unit,
                    qualifier: q.qualifier,
                });
                i = from + used;
            }
            _ => {
                // Skip the rest of this digit run (a year, a code, a phone number).
                i += 1;
                while i < chars.len() && is_number_char(chars[i]) {
                    i += 1;
                }
            }
        }
    }
    hits
}

/// 人大建议、政协提案 counted together: no label fragment names it, the pair does.
const HANDLED: &str = "suggestions.handled";

/// 人大建议、政协提案 (not 向人大、政协报告): both bodies and what they submit.
fn names_suggestions(s: &str) -> bool {
    s.contains("人大") && s.contains("政协") && (s.contains("建议") || s.contains("提案"))
}

/// Position of `key`'s first rule in the vocabulary table: lower is more specific.
fn rank(key: &str) -> usize {
    crate::vocabulary::RULES
        .iter()
        .position(|r| r.key == key)
        .unwrap_or(usize::MAX)
}

/// Every quantitative statement in `original`; `report_year` is the year the report is about.
pub fn figures(original: &str, report_year: Option<i32>) -> Vec<Figure> {
    figures_normalized(original, &normalize(original), report_year)
}

/// [`figures`] on a text already normalised: `norm` is `normalize(original)`.
pub fn figures_normalized(
    original: &str,
    norm: &Normalized,
    report_year: Option<i32>,
) -> Vec<Figure> {
    let text = Text {
        chars: norm.text.chars().collect(),
    };
    let orig_bytes = CharBytes::new(original);
    let hits = scan(&text, &norm.text);
    let chars = &text.chars;
    let scopes = crate::scope::scope_spans(chars);
    let breaks = crate::scope::Breaks::new(chars);
    let topics = TopicIndex::new(chars);

    let mut out: Vec<Figure> = Vec::new();
    // The normalised offset of each figure's number, parallel to `out`.
    let mut num_starts: Vec<usize> = Vec::new();
    // End of the previous number and the index in `out` of its first figure.
    let mut prev: Option<(usize, usize)> = None;
    // Start of the sentence of the current hit, advanced with the hits (one pass over the text,
    // not a backward scan per hit: a long sentence with many numbers stays linear).
    let mut cursor = 0usize;
    let mut sentence_start = 0usize;
    for hit in &hits {
        while cursor < hit.num_start {
            if is_sentence_end(chars[cursor]) {
                sentence_start = cursor + 1;
            }
            cursor += 1;
        }
        let floor = prev.map_or(0, |(end, _)| end);
        // Label: back to a label boundary or the previous figure.
        let mut ls = hit.num_start;
        while ls > floor && !is_label_end(chars[ls - 1]) {
            ls -= 1;
        }
        let raw_label = text.slice(ls, hit.num_start);
        let label = trim_label(&raw_label).to_owned();
        // The longer label across 、 (lists of rates sharing one number, 人大建议、政协提案).
        let mut ms = hit.num_start;
        while ms > floor && !is_clause_end(chars[ms - 1]) && !matches!(chars[ms - 1], '（' | '）')
        {
            ms -= 1;
        }
        let mid_label = trim_label(&text.slice(ms, hit.num_start)).to_owned();
        // Words after the unit, for number-first phrasing (58个检查事项).
        let mut ae = hit.num_end;
        while ae < chars.len() && ae < hit.num_end + 24 && !is_label_end(chars[ae]) {
            if chars[ae].is_ascii_digit() {
                break;
            }
            ae += 1;
        }
        let after = text.slice(hit.num_end, ae);
        let mut mae = ae;
        while mae < chars.len() && mae < hit.num_end + 24 && !is_clause_end(chars[mae]) {
            mae += 1;
        }

        // Change: a percentage after 同比增长 / 比…下降.
        let mut change = false;
        let mut direction = None;
        if hit.unit == "%" || hit.unit == "个百分点" {
            let l = label.as_str();
            if let Some((_, d)) = CHANGE_VERBS.iter().find(|(v, _)| l.ends_with(v)) {
                if l.contains('比') || l.contains('较') {
                    change = true;
                    direction = Some(*d);
                }
            }
        }
        // Year: the report year, unless the label names a past period (2023年同期).
        let mut year = report_year;
        // 2023年同期3858家次, 较2022年558件, 较去年60件: a past period's level.
        // But 比上年增加12件 / 较去年多5件 is the difference, not last year's level.
        let difference = {
            let l = label.trim_end_matches('了');
            CHANGE_VERBS.iter().any(|(v, _)| l.ends_with(v))
                || l.ends_with('多')
                || l.ends_with('少')
        };
        let past = !difference
            && (label.contains("同期") || label.starts_with('较') || label.starts_with('比'));
        if !change && past {
            let lc: Vec<char> = label.chars().collect();
            if let Some(y) = (0..lc.len()).find_map(|k| {
                let rest: String = lc[k..].iter().collect();
                parse_year(&rest).map(|(y, _)| y)
            }) {
                year = Some(y);
            } else if label.contains("上年") || label.contains("去年") {
                year = report_year.map(|y| y - 1);
            }
        }

        let context_start = hit.num_start.saturating_sub(300);
        let topic = topics.topic(context_start, hit.num_start.min(chars.len()));
        let mut key = if names_suggestions(&mid_label) && hit.unit != "%" {
            Some(HANDLED)
        } else {
            key_for(&label, &hit.unit, topic, change)
        };
        let mut shown_label = label.clone();
        if key.is_none() && label.is_empty() {
            if names_suggestions(&text.slice(hit.num_end, mae)) {
                key = Some(HANDLED);
            } else {
                key = key_for(&after, &hit.unit, topic, change);
            }
            shown_label = after.trim().to_owned();
        } else if let Some(wider) = (mid_label != label)
            // (The same label names the same key: nothing wider.)
            .then(|| key_for(&mid_label, &hit.unit, topic, change))
            .flatten()
            .filter(|w| key != Some(HANDLED) && rank(w) < key.map_or(usize::MAX, rank))
        {
            // The label across 、 names a more specific rule than its last part:
            // 备案审查县市、州级部门行政规范性文件27件 is a review count, not an issue count.
            key = Some(wider);
        } else if key.is_none() {
            key = key_for(&after, &hit.unit, topic, change)
                .or_else(|| key_for(&mid_label, &hit.unit, topic, change));
        }
        // A figure that only restates the previous one's period, change or a second value
        // (…，2023年同期3858家次 / ，同比下降6.74% / 100%和99.1%) inherits its key.
        let same_sentence = prev.is_some_and(|(end, _)| sentence_start <= end);
        let restates = change || year != report_year || label.is_empty() || label.contains("同期");
        if key.is_none() && restates && same_sentence {
            // The nearest keyed figure of the sentence that this one can restate: a change may
            // restate a count or a rate (同比增长99.5% after 收到…1113件，较2022年558件增加了555件);
            // a level restates a figure of its own kind (较去年60件 is a count, not the 纠错率
            // printed just before it).
            let percent = hit.unit == "%";
            key = out
                .iter()
                .zip(&num_starts)
                .rev()
                .take_while(|(_, &at)| at >= sentence_start)
                .map(|(f, _)| f)
                .filter(|f| !f.change)
                .filter(|f| change || (f.unit == "%") == percent)
                .find_map(|f| f.key.as_deref())
                .and_then(|k| {
                    crate::vocabulary::RULES
                        .iter()
                        .find(|r| r.key == k)
                        .map(|r| r.key)
                });
        }

        // Quote: the clause containing the number.
        let mut qs = hit.num_start;
        while qs > 0 && hit.num_start - qs < 80 && !is_clause_end(chars[qs - 1]) {
            qs -= 1;
        }
        let mut qe = hit.num_end;
        while qe < chars.len() && qe - hit.num_end < 80 && !is_clause_end(chars[qe]) {
            qe += 1;
        }
        let (start, end) = norm.original_range(qs, qe);
        let quote = original[orig_bytes.byte(start)..orig_bytes.byte(end)].to_owned();

        // One number, several rates: 办复率和满意度均为100%, 办结率、函复率、满意及基本满意率100%
        // (not split at 及, which joins the words of one rate).
        let mut labels: Vec<(Option<&'static str>, String)> = Vec::new();
        if hit.unit == "%" && !change {
            let parts: Vec<&str> = mid_label
                .split(['、', '和'])
                .map(trim_label)
                .filter(|p| !p.is_empty())
                .collect();
            if parts.len() >= 2 && parts.iter().all(|p| p.ends_with('率') || p.ends_with('度')) {
                for p in parts {
                    labels.push((key_for(p, &hit.unit, topic, false), p.to_owned()));
                }
            }
        }
        if labels.is_empty() {
            labels.push((key, shown_label));
        }
        let scope =
            crate::scope::scope_for(&breaks, &scopes, hit.num_start).map(|(a, b)| text.slice(a, b));
        let first = out.len();
        for (k, l) in labels {
            num_starts.push(hit.num_start);
            out.push(Figure {
                key: k.map(str::to_owned),
                label: l,
                value: hit.value,
                unit: hit.unit.clone(),
                qualifier: hit.qualifier,
                year,
                scope: scope.clone(),
                change,
                direction,
                quote: quote.clone(),
                start,
                end,
            });
        }
        prev = Some((hit.num_end, first));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(fs: &'a [Figure], value: &str) -> &'a Figure {
        fs.iter()
            .find(|f| f.value.to_string() == value)
            .unwrap_or_else(|| panic!("{value} not found in {fs:#?}"))
    }

    #[test]
    fn reads_counts_rates_and_changes() {
        let t = "收到行政复议申请94件（比2023年同期增长14.63%），已审结86件，审结率91.49%。";
        let fs = figures(t, Some(2024));
        let a = find(&fs, "94");
        assert_eq!(a.key.as_deref(), Some("reconsideration.applications"));
        let c = find(&fs, "14.63");
        assert!(c.change);
        assert_eq!(c.direction, Some(Direction::Increase));
        assert_eq!(c.year, Some(2024));
        assert_eq!(c.key.as_deref(), Some("reconsideration.applications"));
        assert_eq!(
            find(&fs, "86").key.as_deref(),
            Some("reconsideration.concluded")
        );
        assert_eq!(
            find(&fs, "91.49").key.as_deref(),
            Some("reconsideration.conclusion_rate")
        );
        for f in &fs {
            let q: String = t.chars().skip(f.start).take(f.end - f.start).collect();
            assert_eq!(q, f.quote);
        }
    }

    #[test]
    fn past_period_and_dates() {
        let t = "2024年1月，开展行政检查企业2923家次，2023年同期3858家次，检查次数同比缩减24.23%。";
        let fs = figures(t, Some(2024));
        assert_eq!(fs.len(), 3, "{fs:#?}");
        assert_eq!(find(&fs, "3858").year, Some(2023));
        assert_eq!(
            find(&fs, "3858").key.as_deref(),
            Some("enforcement.inspections")
        );
        let c = find(&fs, "24.23");
        assert!(c.change);
        assert_eq!(c.direction, Some(Direction::Decrease));
    }

    #[test]
    fn past_levels_introduced_by_comparison_and_inherited_keys() {
        let t = "区政府共收到行政复议申请1113件，较2022年558件增加了555件，同比增长99.5%。\
                 直接纠错236件，纠错率约为24%，较去年60件增长了近3倍。";
        let fs = figures(t, Some(2023));
        let f = find(&fs, "558");
        assert_eq!(f.year, Some(2022));
        assert_eq!(f.key.as_deref(), Some("reconsideration.applications"));
        let f = find(&fs, "99.5");
        assert!(f.change);
        assert_eq!(f.key.as_deref(), Some("reconsideration.applications"));
        // A count restates the count before it, not the rate printed in between.
        let f = find(&fs, "60");
        assert_eq!(f.year, Some(2022));
        assert_eq!(f.key.as_deref(), Some("reconsideration.corrected"));
        // An absolute difference is no level of the previous year.
        assert_eq!(find(&fs, "555").year, Some(2023));
        // Nor when it follows 比上年 directly: 12 is neither last year's count nor this year's.
        let t = "全区共收到行政复议申请94件，比上年增加12件，较去年多了3件。";
        let fs = figures(t, Some(2024));
        for v in ["12", "3"] {
            let f = find(&fs, v);
            assert_eq!(f.year, Some(2024), "{f:?}");
            assert_ne!(
                f.key.as_deref(),
                Some("reconsideration.applications"),
                "{f:?}"
            );
        }
    }

    #[test]
    fn titles_and_document_numbers_are_not_figures() {
        let t = "印发《2024年十件实事》（云府〔2024〕3号），电话12345678。";
        assert!(figures(t, Some(2024)).is_empty());
    }

    #[test]
    fn names_in_quotes_and_indefinite_articles_are_not_figures() {
        let t = "认真落实行政执法“三项制度”，推进“一件事一次办”，一批突出问题得到整治，“24小时”自助站2个。";
        let fs = figures(t, Some(2024));
        let values: Vec<String> = fs.iter().map(|f| f.value.to_string()).collect();
        assert_eq!(values, ["24", "2"], "{fs:#?}");
    }

    #[test]
    fn quotes_map_back_to_traditional_text() {
        let t = "共受理行政復議案件５２件，辦結44件。";
        let fs = figures(t, Some(2019));
        let f = find(&fs, "52");
        assert_eq!(f.key.as_deref(), Some("reconsideration.applications"));
        assert_eq!(f.quote, "共受理行政復議案件５２件");
    }
}
