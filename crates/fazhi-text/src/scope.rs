//! Scope: the territory or organisation a figure is stated for, as printed — 全区, 全州各级,
//! 区政府, 区本级, 各乡镇(街道), 全区各级行政机关, 区司法局, 我区.
//!
//! Conservative by design: only short phrases of a few recognisable shapes are scopes, and a scope
//! is always a span of the text (never composed). A phrase inside a 《》 title is not a scope, nor
//! one used for a comparison (在全市率先, 全省第一). The whole province or country (全省, 全国) is
//! not taken as a scope: in a county's or district's report it is the yardstick, not the subject.

/// Administrative levels a scope phrase is built on.
const LEVELS: &[char] = &['区', '县', '市', '州', '镇', '乡'];

/// What may follow 全区 / 全州 … to narrow it, longest first (besides a body, see
/// [`body_tail`]).
const WHOLE_TAILS: &[&str] = &["各级各部门", "各级各类", "各级", "各乡镇", "乡镇"];

/// Bodies of one level: 区政府, 区人民政府, 区本级, 区委.
const BODIES: &[&str] = &["人民政府", "政府", "本级", "委"];

/// The words a body of several members ends with: 各行政执法部门, 全区各单位, 各级人民调解组织.
const BODY_ENDS: &[&str] = &["部门", "单位", "机关", "组织"];

/// Agencies named with their level: 区司法局, 州信访局, 区公证处. Longest first.
const AGENCIES: &[&str] = &[
    "市场监督管理局",
    "综合行政执法局",
    "人民检察院",
    "人民法院",
    "市场监管局",
    "应急管理局",
    "纪委监委",
    "公安分局",
    "司法局",
    "信访局",
    "公证处",
    "公安局",
    "检察院",
    "审计局",
    "法院",
];

/// 各 + units below the reporting level, longest first (besides a body, see [`body_tail`]).
const EACH: &[&str] = &[
    "乡镇（街道）",
    "乡镇(街道)",
    "镇（街道）",
    "镇(街道)",
    "镇（街）",
    "镇(街)",
    "乡镇",
    "镇街",
    "县市",
    "县区",
];

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// The length of a body named from `i`: up to six Han characters (optionally after 各) ending at
/// the first of [`BODY_ENDS`] — 行政执法部门, 各单位, 级人民调解组织.
fn body_tail(chars: &[char], i: usize) -> Option<usize> {
    let mut k = i;
    if chars.get(k) == Some(&'各') {
        k += 1;
    }
    for end in k..=k + 6 {
        if let Some(n) = longest_at(chars, end, BODY_ENDS) {
            return Some(end + n - i);
        }
        if !chars.get(end).copied().is_some_and(is_han) {
            return None;
        }
    }
    None
}

/// Words after a place that make it a yardstick (在全市率先, 全州第一), not a scope.
const COMPARISONS: &[&str] = &["率先", "首", "第一", "排名", "前列", "唯一", "最"];

fn starts_with_at(chars: &[char], i: usize, word: &str) -> bool {
    (i..)
        .zip(word.chars())
        .all(|(k, w)| chars.get(k) == Some(&w))
}

fn longest_at(chars: &[char], i: usize, words: &[&str]) -> Option<usize> {
    words
        .iter()
        .filter(|w| starts_with_at(chars, i, w))
        .map(|w| w.chars().count())
        .max()
}

/// The length of the scope phrase starting at `i`, if one does.
fn scope_at(chars: &[char], i: usize) -> Option<usize> {
    let c = *chars.get(i)?;
    let next = chars.get(i + 1).copied();
    let len = match c {
        // 全区, 全州各级, 全区各级行政机关 (not 全区域, 全市场).
        '全' => {
            let l = next.filter(|l| LEVELS.contains(l))?;
            if matches!(
                (l, chars.get(i + 2).copied()),
                ('区', Some('域')) | ('市', Some('场'))
            ) {
                return None;
            }
            let tail = [
                longest_at(chars, i + 2, WHOLE_TAILS),
                body_tail(chars, i + 2),
            ];
            2 + tail.into_iter().flatten().max().unwrap_or(0)
        }
        // 我区, 我县 (not 我市场).
        '我' => {
            let l = next.filter(|l| LEVELS.contains(l))?;
            if l == '市' && chars.get(i + 2) == Some(&'场') {
                return None;
            }
            2
        }
        // 各乡镇(街道), 各部门, 各级行政机关.
        '各' => longest_at(chars, i + 1, EACH)
            .map(|n| n + 1)
            .or_else(|| body_tail(chars, i))?,
        // 区政府, 区本级, 区司法局: the level word must start a word (not 社区政府…); the place
        // name before it (云城区政府) is left out, the level word is what is printed for it.
        l if LEVELS.contains(&l) && !matches!(l, '镇' | '乡') => {
            let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
            if prev.is_some_and(|p| matches!(p, '社' | '园' | '城' | '小' | '景' | '街' | '辖'))
            {
                return None;
            }
            1 + longest_at(chars, i + 1, BODIES).or_else(|| longest_at(chars, i + 1, AGENCIES))?
        }
        _ => return None,
    };
    // A yardstick, not a scope: 全省第一; 在全市率先 / 在全市创新推出 (but 在全区范围内 is one).
    let after: String = chars[(i + len).min(chars.len())..].iter().take(3).collect();
    let before = i.checked_sub(1).map(|p| chars[p]);
    if COMPARISONS.iter().any(|w| after.starts_with(w))
        || (before == Some('在')
            && c == '全'
            && !(after.starts_with("范围") || after.starts_with('内')))
    {
        return None;
    }
    // A recipient, not the one the figure is about: 法律顾问团为各镇(街)…出具意见, 向区政府报告.
    if matches!(before, Some('为' | '向' | '给')) || (i >= 2 && chars[i - 2..i] == ['接', '待'])
    {
        return None;
    }
    Some(len)
}

/// Every scope phrase of the normalised text, as character ranges, in text order; phrases inside
/// 《》 titles are skipped, and phrases joined by 、 are one (区委、区政府).
pub fn scope_spans(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '《' => depth += 1,
            '》' => depth = depth.saturating_sub(1),
            '。' | '\n' | '\r' => depth = 0,
            _ => {}
        }
        if depth == 0 {
            if let Some(len) = scope_at(chars, i) {
                match out.last_mut() {
                    Some(last) if last.1 + 1 == i && chars[last.1] == '、' => last.1 = i + len,
                    _ => out.push((i, i + len)),
                }
                i += len;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Sentence ends for scope: a scope does not carry over 。；or a line break.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '；' | ';' | '\n' | '\r' | '！' | '？')
}

/// The sentence ends and line breaks of a text, to find the sentence and the line of a position
/// by binary search (scanning back per number would make a long line quadratic).
pub struct Breaks {
    len: usize,
    sentence_ends: Vec<usize>,
    line_breaks: Vec<usize>,
}

impl Breaks {
    pub fn new(chars: &[char]) -> Self {
        let mut sentence_ends = Vec::new();
        let mut line_breaks = Vec::new();
        for (i, &c) in chars.iter().enumerate() {
            if is_sentence_end(c) {
                sentence_ends.push(i);
            }
            if matches!(c, '\n' | '\r') {
                line_breaks.push(i);
            }
        }
        Self {
            len: chars.len(),
            sentence_ends,
            line_breaks,
        }
    }

    /// The position after the last break in `breaks` before `at` (0 when none).
    fn after_last(breaks: &[usize], at: usize) -> usize {
        let k = breaks.partition_point(|&p| p < at);
        if k == 0 {
            0
        } else {
            breaks[k - 1] + 1
        }
    }
}

/// The scope span for a number starting at `at`: the nearest scope phrase ending before it in its
/// sentence; else the first scope phrase in the first sentence of its paragraph (line), when that
/// phrase is before the number. `breaks` is [`Breaks::new`] of `chars`.
pub fn scope_for(breaks: &Breaks, spans: &[(usize, usize)], at: usize) -> Option<(usize, usize)> {
    let at = at.min(breaks.len);
    let sentence = Breaks::after_last(&breaks.sentence_ends, at);
    // `spans` is in text order: only the spans starting before `at` (found by binary search, so
    // that a long document costs no scan of every span per number) can end before it.
    let before_at = spans.partition_point(|&(s, _)| s < at);
    let own = spans[..before_at]
        .iter()
        .rev()
        .take_while(|&&(s, _)| s >= sentence)
        .find(|&&(_, e)| e <= at)
        .copied();
    if own.is_some() {
        return own;
    }
    let line = Breaks::after_last(&breaks.line_breaks, sentence);
    let first_end = {
        let k = breaks.sentence_ends.partition_point(|&p| p < line);
        breaks.sentence_ends.get(k).copied().unwrap_or(breaks.len)
    };
    // Only when the number is after that first sentence (else the rule above already looked).
    if first_end >= at {
        return None;
    }
    let from_line = spans.partition_point(|&(s, _)| s < line);
    spans[from_line..]
        .iter()
        .take_while(|&&(s, _)| s < first_end)
        .find(|&&(_, e)| e <= first_end)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope_of(text: &str, number: &str) -> Option<String> {
        let chars: Vec<char> = text.chars().collect();
        let spans = scope_spans(&chars);
        let at = text
            .find(number)
            .map(|b| text[..b].chars().count())
            .unwrap();
        scope_for(&Breaks::new(&chars), &spans, at).map(|(s, e)| chars[s..e].iter().collect())
    }

    #[test]
    fn nearest_in_the_sentence() {
        let t = "全区各级行政机关共办理案件52件，区政府办结44件。";
        assert_eq!(scope_of(t, "52").as_deref(), Some("全区各级行政机关"));
        assert_eq!(scope_of(t, "44").as_deref(), Some("区政府"));
        assert_eq!(
            scope_of("各乡镇(街道)调解纠纷12件。", "12").as_deref(),
            Some("各乡镇(街道)")
        );
        assert_eq!(
            scope_of("区司法局办理法律援助案件9件。", "9").as_deref(),
            Some("区司法局")
        );
        assert_eq!(
            scope_of("全年区委、区政府开展会前学法37次。", "37").as_deref(),
            Some("区委、区政府")
        );
        assert_eq!(
            scope_of("全年各行政执法部门自查案卷415件。", "415").as_deref(),
            Some("各行政执法部门")
        );
        assert_eq!(
            scope_of("全区各单位的179名执法人员。", "179").as_deref(),
            Some("全区各单位")
        );
        assert_eq!(scope_of("各类文件12件。", "12"), None);
    }

    #[test]
    fn paragraph_lead_and_none() {
        let t = "2024年，全州各级扎实推进。办理案件30件。\n办理案件31件。";
        assert_eq!(scope_of(t, "30").as_deref(), Some("全州各级"));
        assert_eq!(scope_of(t, "31"), None);
    }

    #[test]
    fn titles_yardsticks_and_lookalikes_are_not_scopes() {
        assert_eq!(scope_of("印发《全区行政执法办法》，办理12件。", "12"), None);
        assert_eq!(scope_of("在全市率先建成，办理12件。", "12"), None);
        assert_eq!(scope_of("在全市创新推出，办件12件。", "12"), None);
        assert_eq!(
            scope_of("在全区范围内开展检查12次。", "12").as_deref(),
            Some("全区")
        );
        assert_eq!(
            scope_of("区政府法律顾问团为各镇(街)出具意见12份。", "12").as_deref(),
            Some("区政府")
        );
        assert_eq!(scope_of("接待各单位来访12次。", "12"), None);
        assert_eq!(scope_of("全省第一，办理12件。", "12"), None);
        assert_eq!(scope_of("全区域覆盖，社区政府办理12件。", "12"), None);
        assert_eq!(scope_of("全市场主体12户。", "12"), None);
    }
}
