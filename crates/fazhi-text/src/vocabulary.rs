//! The label → indicator-key table the analyzer uses to name what a printed number measures
//! (`indicators.md`, `data/indicators.toml`).
//!
//! Reports word the same indicator many ways (收到行政复议申请 / 复议申请 / 办理行政复议案件), and
//! the same word means different indicators by topic (办结 of 复议, of 应诉, of 信息公开). So a rule
//! is a list of label fragments, optionally bound to a topic (the nearest topic word printed before
//! the number) and to a kind (rate or count). Rules are tried in table order: specific before
//! generic, rates before counts, so the first rule whose fragment occurs in the label wins.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

/// Whether a rule names a percentage (rate) or a count/amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Rate,
    Count,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub key: &'static str,
    pub kind: Kind,
    /// Fragments of the label (simplified script); any one of them matches.
    pub patterns: &'static [&'static str],
    /// The topic the clause must be about (see [`TOPICS`]), or `None` when the label alone is clear.
    pub topic: Option<&'static str>,
    /// Units the figure must be printed in (empty: any). Keeps e.g. 培训…2次 (sessions) out of
    /// `training.trainees` (people).
    pub units: &'static [&'static str],
    /// Words that, printed in the label, mean the rule does not apply although a pattern matches
    /// (延续部门规范性文件有效期 is no count of documents issued).
    pub unless: &'static [&'static str],
    /// A topic the rule does not apply in (法律意见书 issued by a 公证处 are no legal counsel's).
    pub not_on: Option<&'static str>,
}

const fn rate(key: &'static str, patterns: &'static [&'static str]) -> Rule {
    Rule {
        key,
        kind: Kind::Rate,
        patterns,
        topic: None,
        units: &[],
        unless: &[],
        not_on: None,
    }
}

const fn count(key: &'static str, patterns: &'static [&'static str]) -> Rule {
    Rule {
        key,
        kind: Kind::Count,
        patterns,
        topic: None,
        units: &[],
        unless: &[],
        not_on: None,
    }
}

const fn on(mut rule: Rule, topic: &'static str) -> Rule {
    rule.topic = Some(topic);
    rule
}

const fn unless(mut rule: Rule, words: &'static [&'static str]) -> Rule {
    rule.unless = words;
    rule
}

const fn not_on(mut rule: Rule, topic: &'static str) -> Rule {
    rule.not_on = Some(topic);
    rule
}

const fn in_units(mut rule: Rule, units: &'static [&'static str]) -> Rule {
    rule.units = units;
    rule
}

/// Topic words and the topic they signal. The topic of a figure is that of the topic word printed
/// nearest before it, so "受理行政复议申请550件，办结442件" makes 办结 a 复议 figure.
pub const TOPICS: &[(&str, &str)] = &[
    ("复议", "复议"),
    ("应诉", "诉讼"),
    ("诉讼", "诉讼"),
    ("调解", "调解"),
    ("纠纷", "调解"),
    ("检查", "检查"),
    ("规范性文件", "规范性文件"),
    ("合法性审查", "合法性审查"),
    ("建议", "建议"),
    ("提案", "建议"),
    ("信息公开", "公开"),
    ("依申请公开", "公开"),
    ("12345", "热线"),
    ("热线", "热线"),
    ("法律援助", "法律援助"),
    ("信访", "信访"),
    ("学法", "学法"),
    ("培训", "培训"),
    ("普法", "普法"),
    ("审计", "审计"),
    ("公证", "公证"),
];

/// Words that say a count of normative documents is about their clean-up, not their issue.
const CLEANUP: &[&str] = &["有效期", "延续", "废止", "修订", "清理"];

/// The rules, in the order they are tried.
pub const RULES: &[Rule] = &[
    // --- rates ---
    on(
        rate("reconsideration.conclusion_rate", &["审结率", "办结率"]),
        "复议",
    ),
    rate("reconsideration.correction_rate", &["纠错率"]),
    rate("reconsideration.litigation_rate", &["起诉率"]),
    on(
        rate("reconsideration.performance_rate", &["履行率"]),
        "复议",
    ),
    rate("litigation.loss_rate", &["败诉率"]),
    rate(
        "litigation.head_appearance_rate",
        &["出庭应诉率", "出庭率", "负责人出庭应诉", "出庭应诉"],
    ),
    rate("legality_review.coverage_rate", &["合法性审查率", "审查率"]),
    rate("enforcement.exam_pass_rate", &["考试通过率", "通过率"]),
    rate("mediation.success_rate", &["调解成功率", "化解率"]),
    on(rate("mediation.success_rate", &["成功率"]), "调解"),
    rate("suggestions.reply_rate", &["办复率", "函复率"]),
    on(rate("suggestions.reply_rate", &["答复率"]), "建议"),
    rate("supervision.reply_rate", &["回复率"]),
    on(
        rate("suggestions.satisfaction_rate", &["满意率", "满意度"]),
        "建议",
    ),
    on(
        rate("hotline.satisfaction_rate", &["满意率", "满意度"]),
        "热线",
    ),
    // --- counts: specific phrases first ---
    count(
        "reconsideration.opinion_letters",
        &["行政复议意见书", "复议意见书", "行政复议建议书"],
    ),
    count("reconsideration.litigated_after", &["复议后提起"]),
    count("reconsideration.hearings", &["听证方式审理", "听证审理"]),
    on(count("reconsideration.rejected", &["不予受理"]), "复议"),
    count("reconsideration.corrected", &["纠错"]),
    // Before the applications: 审结行政复议申请135件 counts concluded cases.
    on(
        count("reconsideration.concluded", &["审结", "办结", "结案"]),
        "复议",
    ),
    count(
        "reconsideration.applications",
        &["行政复议申请", "复议申请", "行政复议案件"],
    ),
    on(count("reconsideration.accepted", &["受理"]), "复议"),
    on(
        count("litigation.concluded", &["审结", "办结", "结案"]),
        "诉讼",
    ),
    on(count("disclosure.requests_closed", &["办结"]), "公开"),
    count(
        "litigation.head_appearances",
        &["负责人出庭应诉", "出庭应诉"],
    ),
    count("litigation.lost", &["败诉"]),
    count(
        "litigation.cases",
        &["行政应诉", "应诉案件", "诉讼案件", "被告"],
    ),
    count("supervision.judicial_suggestions", &["司法建议"]),
    count(
        "supervision.procuratorial_suggestions",
        &["检察建议", "检察意见"],
    ),
    count(
        "legality_review.opinions",
        &["合法性审查意见", "法律审查意见"],
    ),
    count("legality_review.comments", &["审查意见"]),
    not_on(count("legal_counsel.opinions", &["法律意见"]), "公证"),
    count(
        "mediation.agreement_amount",
        &["调解协议涉及金额", "协议涉及金额", "协议金额"],
    ),
    count("legality_review.amount", &["涉及金额"]),
    count(
        "normative_docs.reviewed",
        &["审查各类", "审查规范性文件", "备案审查", "送审稿"],
    ),
    count("normative_docs.in_force", &["现行有效"]),
    unless(
        count(
            "normative_docs.issued_by_departments",
            &["部门规范性文件", "部门行政规范性文件"],
        ),
        CLEANUP,
    ),
    unless(
        count(
            "normative_docs.issued_by_government",
            &["政府规范性文件", "政府行政规范性文件"],
        ),
        CLEANUP,
    ),
    count(
        "major_decisions.catalogue_items",
        &["重大行政决策事项目录", "重大行政决策事项"],
    ),
    count("major_decisions.hearing_items", &["听证事项"]),
    count("enforcement.case_file_problems", &["反馈问题"]),
    count("enforcement.case_files_reviewed", &["执法案卷", "评查案卷"]),
    // 抽查 alone: case files when counted as files, inspections when counted as visits.
    in_units(
        count("enforcement.case_files_reviewed", &["抽查"]),
        &["卷", "件", "宗", "份"],
    ),
    in_units(
        count("enforcement.inspections", &["抽查"]),
        &["户次", "家次", "次"],
    ),
    count("enforcement.certified_officers", &["执法证", "持证"]),
    count("enforcement.exam_passed", &["通过考试", "通过了考试"]),
    count(
        "enforcement.officers_dispatched",
        &["出动执法人员", "出动人次"],
    ),
    count(
        "enforcement.joint_inspection_items",
        &["综合查一次事项", "检查事项"],
    ),
    count(
        "enforcement.inspections",
        &["行政检查", "检查次数", "检查企业"],
    ),
    count(
        "enforcement.lenient_list_items",
        &["减免责清单", "减免责事项"],
    ),
    count("enforcement.lenient_decisions", &["免除处罚", "从轻"]),
    count(
        "enforcement.delegated_items",
        &["下放镇", "赋权镇街", "赋权乡镇"],
    ),
    count("enforcement.criminal_transfers", &["移送涉嫌犯罪"]),
    count(
        "mediation.disputes_mediated",
        &[
            "调处矛盾纠纷",
            "调解各类矛盾纠纷",
            "调解矛盾纠纷",
            "调解案件",
            "调解纠纷",
        ],
    ),
    count(
        "mediation.disputes_screened",
        &["排查矛盾纠纷", "矛盾纠纷排查"],
    ),
    count("mediation.succeeded", &["调解成功", "成功调解"]),
    on(count("mediation.succeeded", &["化解"]), "调解"),
    count(
        "mediation.organizations",
        &["调解组织", "调解委员会", "调解中心"],
    ),
    count("suggestions.npc", &["人大代表建议", "人大建议"]),
    count("suggestions.cppcc", &["政协提案", "政协委员提案"]),
    count(
        "disclosure.requests",
        &["信息公开申请", "依申请公开申请", "依申请公开"],
    ),
    count(
        "disclosure.proactive_items",
        &["发布各类信息", "发布政策文件信息", "发布信息", "主动公开"],
    ),
    count("hotline.tickets", &["12345", "热线"]),
    count("legal_aid.cases", &["法律援助案件", "讨薪维权案件"]),
    unless(count("legal_aid.consultations", &["法律咨询"]), &["意见"]),
    count("petitions.cases", &["信访总量"]),
    count(
        "training.law_study_sessions",
        &["会前学法", "专题学法", "会议学法", "常务会学法"],
    ),
    in_units(count("training.trainees", &["培训"]), &["人次", "人", "名"]),
    in_units(
        count(
            "publicity.events",
            &["普法", "送法活动", "法治讲座", "法治体检"],
        ),
        &["场次", "场", "次"],
    ),
    count(
        "audit.projects",
        &["审计项目", "审计(调查)项目", "审计（调查）项目"],
    ),
];

/// The topic of the topic word that ends nearest the end of `before` (the text before a number),
/// if any.
pub fn topic(before: &str) -> Option<&'static str> {
    TOPICS
        .iter()
        .filter_map(|(word, topic)| {
            before
                .rfind(word)
                .map(|i| (i + word.len(), word.len(), *topic))
        })
        // Latest end wins; on a tie the longer word (信息公开 over 公开).
        .max_by_key(|&(end, len, _)| (end, len))
        .map(|(_, _, t)| t)
}

/// Every occurrence of a [`TOPICS`] word in a text of characters, to answer [`topic`] for many
/// windows of the same text without copying and rescanning each window.
pub struct TopicIndex {
    /// (end, word length in bytes, start, topic) of every occurrence (overlapping ones too), in
    /// character offsets, sorted by (end, length).
    found: Vec<(usize, usize, usize, &'static str)>,
}

impl TopicIndex {
    pub fn new(chars: &[char]) -> Self {
        let words: Vec<(Vec<char>, usize, &'static str)> = TOPICS
            .iter()
            .map(|(w, t)| (w.chars().collect(), w.len(), *t))
            .collect();
        // A bit per first character (by its low 16 bits): most characters start no word.
        let mut first = vec![0u64; 1024];
        let bit = |c: char| (c as usize & 0xFFFF) / 64;
        for (w, _, _) in &words {
            first[bit(w[0])] |= 1 << (w[0] as usize % 64);
        }
        let mut found = Vec::new();
        for (i, &c) in chars.iter().enumerate() {
            if first[bit(c)] & (1 << (c as usize % 64)) == 0 {
                continue;
            }
            for (w, bytes, t) in &words {
                if w[0] == c && chars[i..].starts_with(w) {
                    found.push((i + w.len(), *bytes, i, *t));
                }
            }
        }
        found.sort_by_key(|&(end, bytes, _, _)| (end, bytes));
        TopicIndex { found }
    }

    /// The same as [`topic`] of the characters `start..end`: the topic of the word that ends last
    /// within them (on a tie the longer word).
    pub fn topic(&self, start: usize, end: usize) -> Option<&'static str> {
        let k = self.found.partition_point(|&(e, ..)| e <= end);
        self.found[..k]
            .iter()
            .rev()
            .take_while(|&&(e, ..)| e > start)
            .find(|&&(_, _, s, _)| s >= start)
            .map(|&(.., t)| t)
    }
}

/// The key for a figure labelled `label`, printed in `unit`, about `topic`; `change` figures may
/// take a count's key (同比增长60% of 处罚 is a change of the count) or a rate's.
pub fn key_for(label: &str, unit: &str, topic: Option<&str>, change: bool) -> Option<&'static str> {
    let words = &*WORDS;
    // Which of the rules' words the label contains, in one pass over the label.
    let mut seen = [0u64; MAX_WORDS / 64];
    for m in words.automaton.find_overlapping_iter(label) {
        let i = m.pattern().as_usize();
        seen[i / 64] |= 1 << (i % 64);
    }
    // No word of any rule: no rule matches.
    if seen.iter().all(|&w| w == 0) {
        return None;
    }
    let has = |i: &usize| seen[i / 64] & (1 << (i % 64)) != 0;
    let percent = unit == "%";
    RULES
        .iter()
        .zip(&words.rules)
        .filter(|(r, _)| {
            change
                || match r.kind {
                    Kind::Rate => percent,
                    Kind::Count => !percent,
                }
        })
        .filter(|(r, _)| r.units.is_empty() || r.units.contains(&unit))
        .filter(|(r, _)| r.topic.is_none() || r.topic == topic)
        .filter(|(r, _)| r.not_on.is_none() || r.not_on != topic)
        .filter(|(_, (_, unless))| !unless.iter().any(has))
        .find(|(_, (patterns, _))| patterns.iter().any(has))
        .map(|(r, _)| r.key)
}

/// At most this many distinct words in the rules' patterns and exceptions (a bit set per label).
const MAX_WORDS: usize = 1024;

/// Every word of [`RULES`] (patterns and exceptions) in one Aho-Corasick automaton, and for each
/// rule the numbers of its pattern words and of its exception words: a label is read once for all
/// the rules instead of once per word (`key_for` runs several times per number of a report).
struct Words {
    automaton: AhoCorasick,
    rules: Vec<(Vec<usize>, Vec<usize>)>,
}

static WORDS: LazyLock<Words> = LazyLock::new(|| {
    let mut list: Vec<&'static str> = Vec::new();
    let mut id = |w: &'static str| match list.iter().position(|x| *x == w) {
        Some(i) => i,
        None => {
            list.push(w);
            list.len() - 1
        }
    };
    let rules = RULES
        .iter()
        .map(|r| {
            (
                r.patterns.iter().map(|w| id(w)).collect(),
                r.unless.iter().map(|w| id(w)).collect(),
            )
        })
        .collect();
    assert!(list.len() <= MAX_WORDS, "raise MAX_WORDS");
    // Standard semantics with overlapping matches: every word found wherever it occurs, as
    // `str::contains` would find it.
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&list)
        .expect("the vocabulary's words build an automaton");
    Words { automaton, rules }
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_index_answers_as_topic() {
        for text in [
            include_str!("../tests/seeds/000_99d96b77785f0d3b.txt"),
            include_str!("../tests/seeds/003_499b972e7ec7675e.txt"),
            "信息公开12345热线依申请公开复议复议",
        ] {
            let chars: Vec<char> = text.chars().collect();
            let index = TopicIndex::new(&chars);
            for end in (0..=chars.len()).step_by(3) {
                for width in [0, 2, 5, 40, 300] {
                    let start = end.saturating_sub(width);
                    let window: String = chars[start..end].iter().collect();
                    assert_eq!(index.topic(start, end), topic(&window), "{start}..{end}");
                }
            }
        }
    }

    #[test]
    fn generic_labels_take_their_key_from_the_topic() {
        assert_eq!(
            key_for("已审结", "件", topic("收到行政应诉134件，"), false),
            Some("litigation.concluded")
        );
        assert_eq!(
            key_for("办结", "件", topic("受理行政复议申请550件，"), false),
            Some("reconsideration.concluded")
        );
        assert_eq!(key_for("办结", "件", None, false), None);
    }

    #[test]
    fn exceptions_and_excluded_topics() {
        assert_eq!(
            key_for("明确延续部门规范性文件有效期", "份", None, false),
            None
        );
        assert_eq!(
            key_for("制发部门规范性文件", "件", None, false),
            Some("normative_docs.issued_by_departments")
        );
        assert_eq!(key_for("提供法律咨询意见", "次", None, false), None);
        let notary = topic("区公证处共办理公证案件1654件，");
        assert_eq!(key_for("出具法律意见书", "份", notary, false), None);
        assert_eq!(
            key_for("出具法律意见书", "份", None, false),
            Some("legal_counsel.opinions")
        );
    }

    #[test]
    fn rates_and_counts_are_kept_apart() {
        assert_eq!(
            key_for("行政机关负责人出庭应诉", "%", None, false),
            Some("litigation.head_appearance_rate")
        );
        assert_eq!(
            key_for("出庭应诉", "件", None, false),
            Some("litigation.head_appearances")
        );
    }
}
