//! Document facts and structure: the title, the jurisdiction and its level, the year reported on,
//! the labelled page metadata (索引号, 发布机构, 文号, 成文日期, 发布日期), the issuing body; and the
//! outline (一、 / （一） / 1. / 一是) with each top-level section assigned to one of the five
//! required parts of the report (`legal-rules.md` §9).
//!
//! Everything is read on the normalised text (simplified script, ASCII digits) and returned in
//! simplified script; section offsets are character offsets into the ORIGINAL text.

use serde::{Deserialize, Serialize};

use crate::normalize::{normalize, script, Normalized, Script};
use crate::number::parse_year;

/// The administrative level of the reporting jurisdiction, serialised as its Chinese character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Level {
    #[serde(rename = "区")]
    District,
    #[serde(rename = "县")]
    County,
    #[serde(rename = "市")]
    City,
    #[serde(rename = "州")]
    Prefecture,
    #[serde(rename = "省")]
    Province,
}

impl Level {
    /// The Chinese character of the level (区, 县, 市, 州, 省).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::District => "区",
            Level::County => "县",
            Level::City => "市",
            Level::Prefecture => "州",
            Level::Province => "省",
        }
    }
}

/// The facts printed on a report: what it is, whose it is, when it was written and published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub title: Option<String>,
    pub jurisdiction: Option<String>,
    pub level: Option<Level>,
    /// The year reported on.
    pub year: Option<i32>,
    /// The issuing body (the signature at the end, else 发布机构, else 来源).
    pub issuer: Option<String>,
    /// 文号.
    pub doc_no: Option<String>,
    /// 索引号.
    pub index_no: Option<String>,
    /// 成文日期 (else the date under the signature), `YYYY-MM-DD`.
    pub written: Option<String>,
    /// 发布日期 / 发布时间, `YYYY-MM-DD`.
    pub published: Option<String>,
    pub script: Script,
}

/// The five required parts of the annual report (`legal-rules.md` §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// 主要举措和成效
    Measures,
    /// 存在的不足和原因
    Shortcomings,
    /// 党政主要负责人履行推进法治建设第一责任人职责情况
    Responsibility,
    /// 下一年度主要安排
    NextYear,
    /// 其他需要报告的情况
    Other,
}

impl Part {
    /// All five parts, in the order §9 lists them.
    pub const ALL: [Part; 5] = [
        Part::Measures,
        Part::Shortcomings,
        Part::Responsibility,
        Part::NextYear,
        Part::Other,
    ];

    /// The part's name as §9 prints it.
    pub fn label(self) -> &'static str {
        match self {
            Part::Measures => "主要举措和成效",
            Part::Shortcomings => "存在的不足和原因",
            Part::Responsibility => "党政主要负责人履行推进法治建设第一责任人职责情况",
            Part::NextYear => "下一年度主要安排",
            Part::Other => "其他需要报告的情况",
        }
    }
}

/// One heading of the outline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The number as printed (normalised): `一、`, `（一）`, `1.`, `一是`.
    pub number: String,
    /// 1 for 一、, 2 for （一）, 3 for 1., 4 for 一是.
    pub level: u8,
    /// The heading text (simplified), without the number and the closing 。.
    pub title: String,
    /// For top-level sections, the first required part the title names.
    pub part: Option<Part>,
    /// Every required part the title names (存在问题及下阶段工作计划 names two). For lower-level
    /// headings only the parts a lower heading can clearly be are read (see [`classify_lower`]).
    pub parts: Vec<Part>,
    /// Character offsets into the original text: the heading's start to the next heading of the same
    /// or a higher level (or the end of the paragraph for 一是 items).
    pub start: usize,
    pub end: usize,
}

// ---------------------------------------------------------------------------------------------
// Lines

/// A line of the normalised text: its characters and its character offset.
struct Line {
    start: usize,
    chars: Vec<char>,
}

impl Line {
    fn text(&self) -> String {
        self.chars.iter().collect()
    }

    fn trimmed(&self) -> String {
        collapse_spaces(self.text().trim())
    }

    /// Offset (within the line) of the first non-whitespace character.
    fn indent(&self) -> usize {
        self.chars
            .iter()
            .position(|c| !c.is_whitespace())
            .unwrap_or(self.chars.len())
    }
}

fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0usize;
    for raw in text.split('\n') {
        let chars: Vec<char> = raw.chars().collect();
        let n = chars.len();
        out.push(Line { start, chars });
        start += n + 1;
    }
    out
}

/// Whitespace runs (ASCII, full-width, non-breaking) become one ASCII space.
fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

fn is_sentence_punct(c: char) -> bool {
    matches!(
        c,
        '。' | '，' | ',' | '；' | ';' | '：' | ':' | '、' | '！' | '？' | '!' | '?'
    )
}

// ---------------------------------------------------------------------------------------------
// Facts

/// Reads the document facts of a report (see the module documentation).
pub fn facts(original: &str) -> Facts {
    facts_normalized(original, &normalize(original))
}

/// [`facts`] on a text already normalised: `n` is `normalize(original)`.
pub fn facts_normalized(original: &str, n: &Normalized) -> Facts {
    facts_of(original, &lines(&n.text))
}

/// [`facts_normalized`] and [`outline_normalized`] together, splitting the text into lines once.
pub fn facts_and_outline(original: &str, n: &Normalized) -> (Facts, Vec<Section>) {
    let lines = lines(&n.text);
    (facts_of(original, &lines), outline_of(n, &lines))
}

fn facts_of(original: &str, lines: &[Line]) -> Facts {
    let title = find_title(lines);

    let mut jurisdiction = None;
    let mut year = None;
    if let Some(t) = &title {
        jurisdiction = title_place(t);
        year = first_year(t);
    }
    if jurisdiction.is_none() || year.is_none() {
        if let Some(sentence) = opening_sentence(lines) {
            if year.is_none() {
                year = parse_year(&sentence).map(|(y, _)| y);
            }
            if jurisdiction.is_none() {
                jurisdiction = sentence_place(&sentence);
            }
        }
    }
    let level = jurisdiction.as_deref().and_then(place_level);

    let header_end = lines
        .iter()
        .position(|l| top_heading(&l.chars[l.indent()..]).is_some())
        .unwrap_or(lines.len());
    let header = &lines[..header_end];
    let label = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| header.iter().find_map(|l| labelled(&l.chars, name)))
    };
    let index_no = label(&["索引号"]);
    let doc_no = label(&["文号"]).or_else(|| unlabelled_doc_no(header));
    let written = label(&["成文日期"])
        .and_then(|v| date(&v))
        .or_else(|| signature_date(lines));
    let published = label(&["发布日期", "发布时间"]).and_then(|v| date(&v));
    let issuer = signature(lines).or_else(|| label(&["发布机构", "来源"]));

    Facts {
        title,
        jurisdiction,
        level,
        year,
        issuer,
        doc_no,
        index_no,
        written,
        published,
        script: script(original),
    }
}

/// Words a report title ends with.
const TITLE_ENDS: [&str; 1] = ["报告"];

/// The title: a short line with 法治政府建设 ending in 报告, joined with the previous line when the
/// title was printed over two lines.
fn find_title(lines: &[Line]) -> Option<String> {
    for (i, line) in lines.iter().enumerate() {
        let mut t = line.trimmed();
        for label in ["标题:", "标题：", "标 题:", "标 题："] {
            if let Some(rest) = t.strip_prefix(label) {
                t = rest.trim().to_string();
            }
        }
        if t.chars().count() > 80 || t.contains('。') || !TITLE_ENDS.iter().any(|e| t.ends_with(e))
        {
            continue;
        }
        let prev = lines[..i]
            .iter()
            .rev()
            .map(Line::trimmed)
            .find(|p| !p.is_empty());
        let joined = match prev {
            Some(p)
                if p.chars().count() <= 40
                    && !p.ends_with(is_sentence_punct)
                    && (p.ends_with("关于")
                        || p.ends_with("年度")
                        || p.ends_with('年')
                        || t.starts_with("法治")) =>
            {
                format!("{p}{t}")
            }
            _ => t.clone(),
        };
        if joined.contains("法治政府建设") && (joined.contains('年') || joined.contains("关于"))
        {
            return Some(joined);
        }
    }
    None
}

fn first_year(s: &str) -> Option<i32> {
    let chars: Vec<char> = s.chars().collect();
    (0..chars.len()).find_map(|i| {
        let rest: String = chars[i..].iter().take(5).collect();
        parse_year(&rest).map(|(y, _)| y)
    })
}

/// The characters that end a place name.
fn is_place_suffix(c: char) -> bool {
    matches!(c, '区' | '县' | '市' | '州' | '省')
}

/// Place names in `s`: runs of 1–7 Han characters ending in a place suffix, cut at punctuation,
/// spaces, the previous place and a few function words. Returns (name, char index after it).
fn places(s: &str) -> Vec<(String, usize)> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut boundary = 0usize; // first index a name may start at
    let mut i = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if !is_han(c) {
            boundary = i + 1;
            i += 1;
            continue;
        }
        if matches!(c, '在' | '的' | '和' | '及' | '与' | '我' | '全')
            || (c == '共' && i > 0 && chars[i - 1] == '中')
        {
            boundary = i + 1;
            i += 1;
            continue;
        }
        if is_place_suffix(c) {
            // 广州市, 苏州市: a suffix directly followed by 市/区/县 belongs to the name.
            let mut end = i + 1;
            while end < chars.len() && matches!(chars[end], '市' | '区' | '县') {
                end += 1;
            }
            let start = boundary.max(end.saturating_sub(8));
            let name: String = chars[start..end].iter().collect();
            if end - start >= 2 {
                out.push((name, end));
            }
            boundary = end;
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

/// The jurisdiction of a title: the last (most specific) place printed before the year or 关于.
fn title_place(title: &str) -> Option<String> {
    let cut = title
        .find(|c: char| c.is_ascii_digit())
        .into_iter()
        .chain(title.find("关于"))
        .chain(title.find("法治"))
        .min()
        .unwrap_or(title.len());
    places(&title[..cut]).pop().map(|(name, _)| name)
}

/// The jurisdiction from the opening sentence: the first place that is not a superior body
/// (青岛市委, 市政府 are the ones it reports to).
fn sentence_place(sentence: &str) -> Option<String> {
    let chars: Vec<char> = sentence.chars().collect();
    places(sentence)
        .into_iter()
        .find(|(_, end)| {
            let next: String = chars[*end..].iter().take(2).collect();
            !(next.starts_with('委')
                || next.starts_with("政府")
                || next.starts_with("人民")
                || next.starts_with("人大")
                || next.starts_with("政协"))
        })
        .map(|(name, _)| name)
}

fn place_level(name: &str) -> Option<Level> {
    if name.ends_with("自治区") {
        return Some(Level::Province);
    }
    match name.chars().last()? {
        '区' => Some(Level::District),
        '县' => Some(Level::County),
        '市' => Some(Level::City),
        '州' => Some(Level::Prefecture),
        '省' => Some(Level::Province),
        _ => None,
    }
}

/// The first sentence of the first paragraph that opens with a year (2024年，…).
fn opening_sentence(lines: &[Line]) -> Option<String> {
    lines.iter().find_map(|l| {
        let t = l.trimmed();
        parse_year(&t)?;
        let end = t.find('。').unwrap_or(t.len());
        Some(t[..end].to_string())
    })
}

/// The value of `label` in a metadata line: the label may be spaced out (索 引 号), followed by
/// `:`/`：`; the value runs to `|`, a double space or the next label. Empty values are None.
fn labelled(line: &[char], label: &str) -> Option<String> {
    let want: Vec<char> = label.chars().collect();
    let mut i = 0usize;
    while i < line.len() {
        // Match the label with optional whitespace between its characters.
        let mut j = i;
        let mut k = 0usize;
        while k < want.len() && j < line.len() {
            if line[j] == want[k] {
                j += 1;
                k += 1;
            } else if k > 0 && line[j].is_whitespace() {
                j += 1;
            } else {
                break;
            }
        }
        // The label must not be the tail of a longer word (主题词 … 文号 is fine, 公文号 is not
        // a concern in practice, but 正文号 would be).
        let starts_word = i == 0 || !is_han(line[i - 1]);
        if k == want.len() && starts_word {
            while j < line.len() && line[j].is_whitespace() {
                j += 1;
            }
            if j < line.len() && matches!(line[j], ':' | '：') {
                j += 1;
                while j < line.len() && line[j].is_whitespace() {
                    j += 1;
                }
                let mut value = String::new();
                let mut spaces = 0usize;
                for &c in &line[j..] {
                    if c == '|' || c == '｜' {
                        break;
                    }
                    if c.is_whitespace() {
                        spaces += 1;
                        // A date keeps its time (2025-02-24 15:21); anything else ends here.
                        if spaces > 1 || !value.chars().last().is_some_and(|d| d.is_ascii_digit()) {
                            break;
                        }
                        value.push(' ');
                        continue;
                    }
                    if spaces > 0 && !c.is_ascii_digit() {
                        break;
                    }
                    spaces = 0;
                    value.push(c);
                }
                let value = value.trim().to_string();
                return (!value.is_empty()).then_some(value);
            }
        }
        i += 1;
    }
    None
}

/// A 文号 printed without its label near the top: `明府〔2019〕44号`.
fn unlabelled_doc_no(header: &[Line]) -> Option<String> {
    for l in header.iter().take(20) {
        let chars = &l.chars;
        for (i, &c) in chars.iter().enumerate() {
            if c != '〔' && c != '[' && c != '［' {
                continue;
            }
            let year: String = chars[i + 1..].iter().take(4).collect();
            if year.len() != 4 || !year.chars().all(|d| d.is_ascii_digit()) {
                continue;
            }
            let close = i + 5;
            if !chars
                .get(close)
                .is_some_and(|&c| matches!(c, '〕' | ']' | '］'))
            {
                continue;
            }
            let mut end = close + 1;
            while end < chars.len() && chars[end].is_ascii_digit() {
                end += 1;
            }
            if end == close + 1 || chars.get(end) != Some(&'号') {
                continue;
            }
            let mut start = i;
            while start > 0 && is_han(chars[start - 1]) && i - start < 8 {
                start -= 1;
            }
            if start == i {
                continue;
            }
            return Some(chars[start..=end].iter().collect());
        }
    }
    None
}

/// A date as `YYYY-MM-DD`, from `2025-02-24`, `2025-02-24 15:21`, `2024年01月18日`, `2025年1月9日`.
fn date(s: &str) -> Option<String> {
    let s = s.trim();
    let mut nums = Vec::new();
    let mut cur = String::new();
    let mut seps = Vec::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            cur.push(c);
        } else {
            if !cur.is_empty() {
                nums.push(std::mem::take(&mut cur));
                seps.push(c);
            }
            if nums.len() == 3 || !matches!(c, '-' | '/' | '.' | '年' | '月' | '日') {
                break;
            }
        }
    }
    if !cur.is_empty() && nums.len() < 3 {
        nums.push(cur);
    }
    if nums.len() < 3 || nums[0].len() != 4 {
        return None;
    }
    let y: u32 = nums[0].parse().ok()?;
    let m: u32 = nums[1].parse().ok()?;
    let d: u32 = nums[2].parse().ok()?;
    ((1900..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Issuing bodies a signature line ends with.
const ISSUER_ENDS: [&str; 5] = ["人民政府", "委员会", "办公室", "管理委员会", "区委"];

/// The index of the signature line: a short line near the end naming a government body.
fn signature_index(lines: &[Line]) -> Option<usize> {
    // The last 12 lines that are not blank (found from the end: no pass over the whole text).
    let nonempty = (0..lines.len())
        .rev()
        .filter(|&i| lines[i].chars.iter().any(|c| !c.is_whitespace()));
    nonempty.take(12).find(|&i| {
        let t = lines[i].trimmed();
        t.chars().count() <= 40
            && !t.contains(is_sentence_punct)
            && ISSUER_ENDS.iter().any(|e| t.ends_with(e))
    })
}

fn signature(lines: &[Line]) -> Option<String> {
    signature_index(lines).map(|i| lines[i].trimmed())
}

/// The date under the signature.
fn signature_date(lines: &[Line]) -> Option<String> {
    let i = signature_index(lines)?;
    lines[i + 1..]
        .iter()
        .map(Line::trimmed)
        .find(|t| !t.is_empty())
        .and_then(|t| date(&t))
}

// ---------------------------------------------------------------------------------------------
// Outline

const CN_DIGITS: &str = "一二三四五六七八九十";

/// `一、` at the start of `s`: the number's length in characters.
fn top_heading(s: &[char]) -> Option<usize> {
    let k = s.iter().take_while(|c| CN_DIGITS.contains(**c)).count();
    (k > 0 && k <= 3 && s.get(k) == Some(&'、')).then_some(k + 1)
}

/// `（一）` / `(一)` at the start of `s`.
fn second_heading(s: &[char]) -> Option<usize> {
    if !matches!(s.first(), Some('（' | '(')) {
        return None;
    }
    let k = s[1..]
        .iter()
        .take_while(|c| CN_DIGITS.contains(**c))
        .count();
    (k > 0 && k <= 3 && matches!(s.get(k + 1), Some('）' | ')'))).then_some(k + 2)
}

/// `1.` / `1、` at the start of `s` (not a decimal, not a year).
fn third_heading(s: &[char]) -> Option<usize> {
    let k = s.iter().take_while(|c| c.is_ascii_digit()).count();
    if k == 0 || k > 2 || !matches!(s.get(k), Some('.' | '、')) {
        return None;
    }
    if s.get(k + 1).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(k + 1)
}

/// The heading title: the rest of the line up to the first 。 (run-in headings), trimmed.
fn heading_title(rest: &[char], whole_line: bool) -> String {
    let end = if whole_line {
        rest.len()
    } else {
        rest.iter().position(|&c| c == '。').unwrap_or(rest.len())
    };
    let t: String = rest[..end].iter().collect();
    collapse_spaces(t.trim().trim_end_matches(['。', '；', ';']))
}

/// The ordinal words of inline enumerations: 一是, 二是, …
fn enum_ordinal(s: &[char]) -> Option<usize> {
    let k = s.iter().take_while(|c| CN_DIGITS.contains(**c)).count();
    (k > 0 && k <= 2 && s.get(k) == Some(&'是')).then_some(k + 1)
}

/// The outline of a report (see the module documentation).
pub fn outline(original: &str) -> Vec<Section> {
    outline_normalized(&normalize(original))
}

/// [`outline`] on a text already normalised (`normalize(original)`).
pub fn outline_normalized(n: &Normalized) -> Vec<Section> {
    outline_of(n, &lines(&n.text))
}

fn outline_of(n: &Normalized, lines: &[Line]) -> Vec<Section> {
    let total = n.len_chars();
    // (number, level, title, normalised start, optional fixed normalised end)
    let mut raw: Vec<(String, u8, String, usize, Option<usize>)> = Vec::new();
    let mut seen_top = false;
    for line in lines {
        let ind = line.indent();
        let s = &line.chars[ind..];
        let start = line.start + ind;
        let line_end = line.start + line.chars.len();
        let heading = if let Some(k) = top_heading(s) {
            seen_top = true;
            Some((k, 1u8, true))
        } else if !seen_top {
            None
        } else if let Some(k) = second_heading(s) {
            Some((k, 2, false))
        } else {
            third_heading(s).map(|k| (k, 3, false))
        };
        if let Some((k, level, whole)) = heading {
            let number: String = s[..k].iter().collect();
            raw.push((number, level, heading_title(&s[k..], whole), start, None));
        }
        if seen_top {
            inline_items(s, start, line_end, &mut raw);
        }
    }

    let chars: Vec<char> = n.text.chars().collect();
    let mut out = Vec::with_capacity(raw.len());
    for (i, (number, level, title, start, fixed_end)) in raw.iter().enumerate() {
        let end = fixed_end.unwrap_or_else(|| {
            raw[i + 1..]
                .iter()
                .find(|r| r.1 <= *level)
                .map(|r| r.3)
                .unwrap_or(total)
        });
        let end = trim_end(&chars, *start, end);
        let (os, oe) = n.original_range(*start, end);
        let parts = if *level == 1 {
            classify(title)
        } else {
            classify_lower(title)
        };
        out.push(Section {
            number: number.clone(),
            level: *level,
            title: title.clone(),
            part: parts.first().copied().filter(|_| *level == 1),
            parts,
            start: os,
            end: oe,
        });
    }
    out
}

/// Moves `end` back over trailing whitespace; `chars` is the normalised text (collected once: a
/// skip over the text per section would make a long document quadratic).
fn trim_end(chars: &[char], start: usize, end: usize) -> usize {
    let end = end.min(chars.len());
    let start = start.min(end);
    let kept = end
        - start
        - chars[start..end]
            .iter()
            .rev()
            .take_while(|c| c.is_whitespace())
            .count();
    start + kept
}

/// 一是…二是… inside one paragraph, when the sequence is simple: it starts at 一是, counts up by
/// one, and each item starts a clause (after 。；：， or the line start).
fn inline_items(
    s: &[char],
    base: usize,
    line_end: usize,
    raw: &mut Vec<(String, u8, String, usize, Option<usize>)>,
) {
    let mut found: Vec<(usize, usize)> = Vec::new(); // (position, number length)
    let mut expected = 1usize;
    let mut i = 0usize;
    while i < s.len() {
        let at_clause = i == 0 || is_sentence_punct(s[i - 1]) || s[i - 1].is_whitespace();
        if at_clause {
            if let Some(k) = enum_ordinal(&s[i..]) {
                let word: String = s[i..i + k - 1].iter().collect();
                if cn_value(&word) == Some(expected) {
                    found.push((i, k));
                    expected += 1;
                    i += k;
                    continue;
                }
            }
        }
        i += 1;
    }
    if found.len() < 2 {
        return;
    }
    for (j, &(pos, k)) in found.iter().enumerate() {
        let end = found.get(j + 1).map(|f| f.0).unwrap_or(s.len());
        let body = &s[pos + k..end];
        let cut = body
            .iter()
            .position(|&c| matches!(c, '。' | '；' | ';' | '，' | ','))
            .unwrap_or(body.len());
        let title: String = body[..cut].iter().collect();
        let number: String = s[pos..pos + k].iter().collect();
        let fixed_end = (base + end).min(line_end);
        raw.push((
            number,
            4,
            title.trim().to_string(),
            base + pos,
            Some(fixed_end),
        ));
    }
}

/// 一…十九 as a number.
fn cn_value(s: &str) -> Option<usize> {
    let d = |c: char| CN_DIGITS.find(c).map(|b| b / '一'.len_utf8() + 1);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [a] => d(*a),
        ['十', b] => Some(10 + d(*b)?),
        [a, '十'] => Some(d(*a)? * 10),
        _ => None,
    }
}

/// The required parts a top-level heading names, by keywords.
pub fn classify(title: &str) -> Vec<Part> {
    let has = |words: &[&str]| words.iter().any(|w| title.contains(w));
    let mut parts = Vec::new();
    if has(&[
        "主要举措",
        "成效",
        "工作情况",
        "主要情况",
        "开展情况",
        "主要做法",
        "做法",
    ]) {
        parts.push(Part::Measures);
    }
    if has(&["不足", "问题", "短板", "差距"]) {
        parts.push(Part::Shortcomings);
    }
    if names_responsibility(title) {
        parts.push(Part::Responsibility);
    }
    if has(&[
        "下一年",
        "下一步",
        "下阶段",
        "下步",
        "工作安排",
        "主要安排",
        "工作打算",
        "思路",
        "计划",
        "工作重点",
    ]) {
        parts.push(Part::NextYear);
    }
    if has(&["其他", "其它"]) {
        parts.push(Part::Other);
    }
    // A heading naming the responsibility part may also say it strengthened 法治政府建设; that is
    // still the responsibility part, not the measures part.
    if parts.contains(&Part::Responsibility) {
        parts.retain(|p| *p != Part::Measures);
    }
    parts
}

/// 第一责任人, or the principal leaders (主要负责人, 主要领导, 一把手) with their duty (职责, 责任).
fn names_responsibility(title: &str) -> bool {
    let has = |words: &[&str]| words.iter().any(|w| title.contains(w));
    has(&["第一责任人"]) || (has(&["主要负责人", "主要领导", "一把手"]) && has(&["职责", "责任"]))
}

/// The required parts a lower-level heading (（一）, 1., 一是) clearly is. Only the parts whose
/// words do not also name ordinary work items: the first-responsible-person part and 其他需要报告;
/// 问题, 成效, 下一步 are too common in lower headings (持续推进法治建设问题整改) to read a part
/// from them.
pub fn classify_lower(title: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    if names_responsibility(title) {
        parts.push(Part::Responsibility);
    }
    if title.contains("其他需要报告") || title.contains("其它需要报告") {
        parts.push(Part::Other);
    }
    parts
}

/// Where a required part is found: the heading that is it, and the top-level section it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartFound {
    pub part: Part,
    /// The number of the top-level section (`一、`), the heading itself when it is top-level.
    pub section: String,
    /// The heading that is the part, as in the outline: number and title.
    pub heading: String,
    /// The heading's level (1 top-level … 4 一是).
    pub level: u8,
}

/// Every heading that is a required part, in text order: top-level sections by their title, and
/// lower-level headings that clearly are a part (see [`classify_lower`]) unless they stand in a
/// section of shortcomings or plans (落实第一责任人的规定 under 下阶段工作计划 is a plan, not a
/// report of how the duty was performed).
pub fn parts_found(sections: &[Section]) -> Vec<PartFound> {
    let mut out = Vec::new();
    let mut top: Option<&Section> = None;
    for s in sections {
        if s.level == 1 {
            top = Some(s);
        } else if top.is_some_and(|t| {
            t.parts.contains(&Part::NextYear) || t.parts.contains(&Part::Shortcomings)
        }) {
            continue;
        }
        for &part in &s.parts {
            out.push(PartFound {
                part,
                section: top.map_or_else(String::new, |t| t.number.clone()),
                heading: format!("{}{}", s.number, s.title),
                level: s.level,
            });
        }
    }
    out
}

/// The required parts no heading is (see [`parts_found`]), in §9 order.
pub fn missing_parts(sections: &[Section]) -> Vec<Part> {
    let found = parts_found(sections);
    Part::ALL
        .into_iter()
        .filter(|p| !found.iter().any(|f| f.part == *p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date("2025-02-24 15:21").as_deref(), Some("2025-02-24"));
        assert_eq!(date("2024年01月18日").as_deref(), Some("2024-01-18"));
        assert_eq!(date("2025年1月9日").as_deref(), Some("2025-01-09"));
        assert_eq!(date("|"), None);
    }

    #[test]
    fn title_places() {
        assert_eq!(
            title_place("佛山市高明区人民政府关于2019年度法治政府建设工作的报告").as_deref(),
            Some("高明区")
        );
        assert_eq!(
            title_place("楚雄彝族自治州2023年度法治政府建设情况报告").as_deref(),
            Some("楚雄彝族自治州")
        );
        assert_eq!(
            title_place("广州市2023年法治政府建设年度报告").as_deref(),
            Some("广州市")
        );
    }

    #[test]
    fn classify_headings() {
        assert_eq!(
            classify("存在问题及下阶段工作计划"),
            vec![Part::Shortcomings, Part::NextYear]
        );
        assert_eq!(
            classify("2024年推进法治政府建设的主要举措和成效"),
            vec![Part::Measures]
        );
        assert_eq!(classify("其他需要报告的情况"), vec![Part::Other]);
        assert_eq!(
            classify_lower("加强党的领导,落实党政主要领导法治建设责任"),
            vec![Part::Responsibility]
        );
        assert_eq!(classify_lower("持续推进法治建设问题整改"), vec![]);
        assert_eq!(classify_lower("加强组织领导"), vec![]);
    }

    #[test]
    fn no_panic_on_odd_input() {
        for s in [
            "",
            "一、",
            "(一",
            "1.",
            "一是",
            "〔2019〕号",
            "\n\n标题:",
            "文号:",
        ] {
            let _ = facts(s);
            let _ = outline(s);
        }
    }
}
