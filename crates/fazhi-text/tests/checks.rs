//! Checks of printed rates and changes (issue 6, §5) on the seeds, with the verdicts
//! `indicators.md` states for them, and the classifier on small synthetic figure lists.

use std::fs;
use std::path::PathBuf;

use fazhi_text::checks::{checks, Check, CheckKind, Verdict};
use fazhi_text::figures::{figures, Direction, Figure};
use fazhi_text::number::{Decimal, Qualifier};

fn seed(prefix: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/seeds");
    let mut names: Vec<_> = fs::read_dir(&dir)
        .expect("seeds directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix) && n.ends_with(".txt"))
        .collect();
    names.sort();
    fs::read_to_string(dir.join(&names[0])).expect("seed text")
}

fn dec(s: &str) -> Decimal {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    Decimal::new(format!("{int}{frac}").parse().unwrap(), frac.len() as u32).unwrap()
}

fn find<'a>(all: &'a [Check], kind: CheckKind, printed: &str, quote_has: &str) -> &'a Check {
    all.iter()
        .find(|c| c.kind == kind && c.printed == dec(printed) && c.quote.contains(quote_has))
        .unwrap_or_else(|| panic!("no {kind:?} check of {printed} in {all:#?}"))
}

#[test]
fn seed_000() {
    let text = seed("000_");
    let all = checks(&figures(&text, Some(2024)));

    let c = find(&all, CheckKind::Rate, "91.49", "审结率");
    assert_eq!(c.verdict, Verdict::Consistent, "{c:#?}");
    assert_eq!(
        (c.numerator, c.denominator),
        (Some(dec("86")), Some(dec("94")))
    );
    assert_eq!(c.computed, Some(dec("91.49")));

    let c = find(&all, CheckKind::Change, "24.23", "缩减");
    assert_eq!(c.verdict, Verdict::Rounding, "{c:#?}");
    assert_eq!(
        (c.numerator, c.denominator),
        (Some(dec("935")), Some(dec("3858")))
    );
    assert_eq!(c.computed, Some(dec("24.24")));

    let c = find(&all, CheckKind::Rate, "13.73", "纠错率");
    assert_eq!(c.verdict, Verdict::Unexplained, "{c:#?}");
    assert_eq!(c.numerator, Some(dec("14")));
    assert!(c.candidates.contains(&(dec("14"), dec("86"))), "{c:#?}");
    assert!(c.candidates.contains(&(dec("14"), dec("94"))), "{c:#?}");

    // Every offset is the quote's.
    let chars: Vec<char> = text.chars().collect();
    for c in &all {
        let quoted: String = chars[c.start..c.end].iter().collect();
        assert_eq!(quoted, c.quote);
    }
}

#[test]
fn seed_000_satisfaction_is_not_unexplained() {
    // 办理区人大建议115件、区政协提案106件(其中会后提案2件)…满意率分别为100%和99.1%: the 2 is
    // a subset, not the satisfied count. No printed numerator: 105/106 = 99.06% explains it.
    let all = checks(&figures(&seed("000_"), Some(2024)));
    let c = find(&all, CheckKind::Rate, "99.1", "满意率");
    assert_eq!(c.verdict, Verdict::Consistent, "{c:#?}");
    assert_eq!(c.numerator, None, "{c:#?}");
    assert_eq!(c.denominator, Some(dec("106")));
    assert!(c.candidates.contains(&(dec("105"), dec("106"))), "{c:#?}");
    // Nothing on the seeds is unexplained but 000's 纠错率13.73%.
    for (prefix, year) in [
        ("000_", 2024),
        ("001_", 2024),
        ("002_", 2024),
        ("003_", 2023),
        ("004_", 2024),
    ] {
        for c in checks(&figures(&seed(prefix), Some(year))) {
            if c.verdict == Verdict::Unexplained {
                assert!(
                    prefix == "000_" && c.printed == dec("13.73"),
                    "{prefix}: {c:#?}"
                );
            }
        }
    }
}

#[test]
fn seed_002_unprinted_denominator() {
    // 受理行政复议案件26件，纠错9件、纠错率37.5%: 9/24 (concluded on the merits, not printed).
    let all = checks(&figures(&seed("002_"), Some(2024)));
    let c = find(&all, CheckKind::Rate, "37.5", "纠错率");
    assert_eq!(c.verdict, Verdict::PartsNotPrinted, "{c:#?}");
    assert_eq!((c.numerator, c.denominator), (Some(dec("9")), None));
    assert_eq!(c.computed, None);
    assert!(c.candidates.contains(&(dec("9"), dec("26"))), "{c:#?}");
}

#[test]
fn seed_002() {
    let all = checks(&figures(&seed("002_"), Some(2024)));
    let c = find(&all, CheckKind::Rate, "99.93", "成功率");
    assert_eq!(c.verdict, Verdict::Consistent, "{c:#?}");
    assert_eq!(
        (c.numerator, c.denominator),
        (Some(dec("5903")), Some(dec("5907")))
    );
}

#[test]
fn seed_003() {
    let all = checks(&figures(&seed("003_"), Some(2023)));
    let c = find(&all, CheckKind::Rate, "98.22", "化解率");
    assert_eq!(c.verdict, Verdict::Consistent, "{c:#?}");
    assert_eq!(
        (c.numerator, c.denominator),
        (Some(dec("41159")), Some(dec("41903")))
    );

    let c = find(&all, CheckKind::Rate, "21", "纠错率");
    assert!(
        matches!(c.verdict, Verdict::Consistent | Verdict::Rounding),
        "{c:#?}"
    );
    assert_eq!(c.denominator, Some(dec("19")));
    assert!(c.candidates.contains(&(dec("4"), dec("19"))), "{c:#?}");
}

#[test]
fn seeds_never_panic_and_quote_exactly() {
    for (prefix, year) in [
        ("000_", 2024),
        ("001_", 2024),
        ("002_", 2024),
        ("003_", 2023),
        ("004_", 2024),
    ] {
        let text = seed(prefix);
        let chars: Vec<char> = text.chars().collect();
        for c in checks(&figures(&text, Some(year))) {
            let quoted: String = chars[c.start..c.end].iter().collect();
            assert_eq!(quoted, c.quote);
            assert!(!c.candidates.is_empty());
        }
    }
}

// --- the classifier on synthetic figures ---

fn fig(key: &str, value: &str, unit: &str, start: usize) -> Figure {
    let quote = format!("{value}{unit}");
    Figure {
        key: Some(key.to_owned()),
        label: String::new(),
        value: dec(value),
        unit: unit.to_owned(),
        qualifier: Qualifier::Exact,
        year: Some(2024),
        scope: None,
        change: false,
        direction: None,
        end: start + quote.chars().count(),
        quote,
        start,
    }
}

fn rate_of(printed: &str, num: &str, den: &str) -> Vec<Check> {
    checks(&[
        fig("reconsideration.concluded", den, "件", 0),
        fig("reconsideration.corrected", num, "件", 10),
        fig("reconsideration.correction_rate", printed, "%", 20),
    ])
}

#[test]
fn half_up_is_consistent() {
    // 2/3 = 66.666…
    let c = &rate_of("66.67", "2", "3")[0];
    assert_eq!(c.verdict, Verdict::Consistent);
    assert_eq!(c.computed, Some(dec("66.67")));
}

#[test]
fn truncation_is_rounding() {
    let c = &rate_of("66.66", "2", "3")[0];
    assert_eq!(c.verdict, Verdict::Rounding);
    assert_eq!(c.computed, Some(dec("66.67")));
}

#[test]
fn trailing_zero_decimals_are_read_from_the_quote() {
    // 1/2 = 50%, printed 50.00%: consistent at two decimals.
    let c = &rate_of("50.00", "1", "2")[0];
    assert_eq!(c.verdict, Verdict::Consistent);
    // 1/3 = 33.33…, printed 33.30%: two decimals, so not a rounding of 33.3.
    let c = &rate_of("33.30", "1", "3")[0];
    assert_eq!(c.verdict, Verdict::Unexplained);
}

#[test]
fn unexplained_lists_candidates_and_another_count_can_explain() {
    let c = &rate_of("10", "1", "3")[0];
    assert_eq!(c.verdict, Verdict::Unexplained);
    assert_eq!(c.candidates, vec![(dec("1"), dec("3"))]);

    // A count nearby that gives the printed rate exactly explains it.
    let all = checks(&[
        fig("reconsideration.applications", "10", "件", 0),
        fig("reconsideration.concluded", "3", "件", 10),
        fig("reconsideration.corrected", "1", "件", 20),
        fig("reconsideration.correction_rate", "10", "%", 30),
    ]);
    let c = &all[0];
    assert_eq!(c.verdict, Verdict::Consistent);
    assert_eq!(
        (c.numerator, c.denominator),
        (Some(dec("1")), Some(dec("10")))
    );
    assert_eq!(
        c.candidates,
        vec![(dec("1"), dec("3")), (dec("1"), dec("10"))]
    );
}

#[test]
fn zero_denominator_and_far_parts_give_no_check() {
    assert!(rate_of("50", "1", "0").is_empty());
    let far = checks(&[
        fig("reconsideration.concluded", "2", "件", 0),
        fig("reconsideration.corrected", "1", "件", 10),
        fig("reconsideration.correction_rate", "50", "%", 5000),
    ]);
    assert!(far.is_empty());
}

#[test]
fn changes() {
    let mut last = fig("enforcement.inspections", "3858", "家次", 10);
    last.year = Some(2023);
    let mut change = fig("enforcement.inspections", "24.23", "%", 20);
    change.change = true;
    change.direction = Some(Direction::Decrease);
    let list = [
        fig("enforcement.inspections", "2923", "家次", 0),
        last,
        change,
    ];
    let c = &checks(&list)[0];
    assert_eq!(c.kind, CheckKind::Change);
    assert_eq!(c.verdict, Verdict::Rounding);

    let mut list = list;
    list[2].value = dec("24.24");
    list[2].quote = "24.24%".into();
    assert_eq!(checks(&list)[0].verdict, Verdict::Consistent);
    // The wrong direction is unexplained.
    list[2].direction = Some(Direction::Increase);
    assert_eq!(checks(&list)[0].verdict, Verdict::Unexplained);
    // Last year zero: no check.
    list[1].value = dec("0");
    assert!(checks(&list).is_empty());
}

#[test]
fn a_guessed_numerator_that_does_not_fit_is_no_evidence() {
    // An unkeyed count just before the rate is tried as the numerator; when it does not give the
    // rate and no whole count over the denominator does either, there is no check.
    let mut stray = fig("reconsideration.concluded", "7", "件", 10);
    stray.key = None;
    let all = checks(&[
        fig("reconsideration.concluded", "3", "件", 0),
        stray.clone(),
        fig("reconsideration.correction_rate", "50.5", "%", 20),
    ]);
    assert!(all.is_empty(), "{all:#?}");
    // … and when a whole count over the denominator does, that is reported, numerator None.
    let all = checks(&[
        fig("reconsideration.concluded", "3", "件", 0),
        stray,
        fig("reconsideration.correction_rate", "66.67", "%", 20),
    ]);
    assert_eq!(all[0].verdict, Verdict::Consistent, "{all:#?}");
    assert_eq!(all[0].numerator, None);
    assert_eq!(all[0].candidates, vec![(dec("2"), dec("3"))]);
}

#[test]
fn an_unprinted_catalogue_denominator_is_parts_not_printed() {
    // Numerator by key, denominator only a module count that does not fit.
    let all = checks(&[
        fig("reconsideration.applications", "26", "件", 0),
        fig("reconsideration.corrected", "9", "件", 10),
        fig("reconsideration.correction_rate", "37.5", "%", 20),
    ]);
    assert_eq!(all[0].verdict, Verdict::PartsNotPrinted, "{all:#?}");
    assert_eq!(all[0].denominator, None);
    // Below what the printed caseload allows (9/26 = 34.6% at least): unexplained.
    let all = checks(&[
        fig("reconsideration.applications", "26", "件", 0),
        fig("reconsideration.corrected", "9", "件", 10),
        fig("reconsideration.correction_rate", "30", "%", 20),
    ]);
    assert_eq!(all[0].verdict, Verdict::Unexplained, "{all:#?}");
    // With the catalogue's denominator printed (审结率 = 审结 / 收到), a mismatch is unexplained.
    let all = checks(&[
        fig("reconsideration.applications", "26", "件", 0),
        fig("reconsideration.concluded", "9", "件", 10),
        fig("reconsideration.conclusion_rate", "37.5", "%", 20),
    ]);
    assert_eq!(all[0].verdict, Verdict::Unexplained, "{all:#?}");
}
