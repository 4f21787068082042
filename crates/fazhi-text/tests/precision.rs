//! Precision of figure extraction on the seeds, and "never invents".
//!
//! Precision = extracted figures with a key that are an annotated figure (same value, position,
//! year and change flag, and the fixture's key or one of its alt_keys) / extracted figures with a
//! key. Every extracted figure not matched by an annotation is listed and classified, so a drop
//! shows what went wrong.

mod common;

use common::{
    char_range, describe, fixtures_in, has_whole, load, same_place_and_value, written_forms,
    Expected,
};
use fazhi_text::figures::{figures, Figure};

/// Measured when this test was written: 169/174 = 97.1% (five wrong keys: 延续…有效期 and 拟废止、
/// 修订 counted as documents issued, 向人大、政协报告…28次 as suggestions handled, 法律咨询意见 as
/// legal-aid consultations, a 公证处's 法律意见书 as legal counsel opinions). After fixing those in
/// the vocabulary: 169/169 = 100%. The vocabulary was tuned on these seeds: see the held-out floor.
const PRECISION_FLOOR: f64 = 1.0;
/// First measured on the held-out texts: 8/10 = 80% (抽查主体…户次 keyed as a case-file review,
/// 行政复议 综合化解率 as a mediation success rate). After the held-out-driven fixes (see
/// `heldout.rs`): 13/14 = 92.9%; 综合化解率 of 行政复议 is still taken for mediation. With the
/// fourth text (方城县) first measured: 19/22 = 86.4%; after the 审结 fix: 20/22 = 90.9%
/// (复议受理前协商化解案件17件 is still keyed as accepted).
const HELDOUT_PRECISION_FLOOR: f64 = 0.9;

/// Why an extracted figure matches no annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    /// No annotated figure has this value at this place.
    NotAnnotated,
    /// An annotated figure has this value here, with another key.
    WrongKey,
    /// … with the key but another year or change flag.
    WrongYearOrChange,
}

fn key_ok(e: &Expected, f: &Figure) -> bool {
    let got = f.key.as_deref().unwrap_or("");
    got == e.key || e.alt_keys.iter().any(|k| k == got)
}

fn classify(f: &Figure, fx: &[(&Expected, (usize, usize))]) -> Option<Class> {
    let here: Vec<&(&Expected, (usize, usize))> = fx
        .iter()
        .filter(|(e, r)| same_place_and_value(e, *r, f))
        .collect();
    if here.is_empty() {
        return Some(Class::NotAnnotated);
    }
    if here
        .iter()
        .any(|(e, _)| key_ok(e, f) && f.year == Some(e.year) && f.change == e.change)
    {
        return None;
    }
    if here.iter().any(|(e, _)| key_ok(e, f)) {
        Some(Class::WrongYearOrChange)
    } else {
        Some(Class::WrongKey)
    }
}

/// (keyed extracted figures that are annotated, keyed extracted figures), listing the unmatched.
fn precision(fixture_dir: &str, text_dir: &str) -> (usize, usize) {
    let (mut keyed, mut keyed_ok) = (0usize, 0usize);
    let mut unkeyed_unmatched = 0usize;
    for path in fixtures_in(fixture_dir) {
        let (fx, seed) = load(&path, text_dir);
        let ranges: Vec<(&Expected, (usize, usize))> = fx
            .figures
            .iter()
            .map(|e| (e, char_range(&seed, &e.quote)))
            .collect();
        let got = figures(&seed, Some(fx.year));
        println!("{}: {} extracted", fx.seed, got.len());
        for f in &got {
            let class = classify(f, &ranges);
            if f.key.is_some() {
                keyed += 1;
                keyed_ok += usize::from(class.is_none());
            } else if class.is_some() {
                unkeyed_unmatched += 1;
            }
            if let Some(c) = class {
                let tag = if f.key.is_some() { "KEYED" } else { "no key" };
                println!("  {tag} {c:?}: {}", describe(f));
            }
        }
    }
    println!(
        "precision (keyed): {keyed_ok}/{keyed} = {:.1}%; {unkeyed_unmatched} figures without a key not annotated",
        100.0 * keyed_ok as f64 / keyed as f64
    );
    (keyed_ok, keyed)
}

#[test]
fn precision_on_the_seeds() {
    let (ok, keyed) = precision("fixtures", "seeds");
    let p = ok as f64 / keyed as f64;
    assert!(
        p >= PRECISION_FLOOR,
        "precision {p:.3} fell below the floor {PRECISION_FLOOR}"
    );
}

#[test]
fn precision_on_the_held_out_reports() {
    let (ok, keyed) = precision("heldout", "heldout");
    let p = ok as f64 / keyed as f64;
    assert!(
        p >= HELDOUT_PRECISION_FLOOR,
        "held-out precision {p:.3} fell below the floor {HELDOUT_PRECISION_FLOOR}"
    );
}

/// Never invents: every figure extracted from every seed and held-out text prints its value,
/// in some written form, inside its own quote.
#[test]
fn every_value_is_printed_in_its_quote() {
    let mut problems = Vec::new();
    let mut n = 0usize;
    for (fixture_dir, text_dir) in [("fixtures", "seeds"), ("heldout", "heldout")] {
        for path in fixtures_in(fixture_dir) {
            let (fx, seed) = load(&path, text_dir);
            for f in figures(&seed, Some(fx.year)) {
                n += 1;
                let quote = fazhi_text::normalize::normalize(&f.quote).text;
                let value = f.value.to_string();
                if !written_forms(&value).iter().any(|w| has_whole(&quote, w)) {
                    problems.push(format!("{}: {value} not in 「{}」", fx.seed, f.quote));
                }
            }
        }
    }
    assert!(n > 300, "only {n} figures");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn written_forms_cover_the_printed_shapes() {
    assert!(written_forms("157600").contains(&"15.76万".to_owned()));
    assert!(written_forms("120").contains(&"一百二十".to_owned()));
    assert!(written_forms("2").contains(&"两".to_owned()));
    assert!(written_forms("15").contains(&"十五".to_owned()));
    assert!(written_forms("1005").contains(&"一千零五".to_owned()));
    assert!(written_forms("1234").contains(&"1,234".to_owned()));
    assert!(written_forms("39.4").contains(&"39.40".to_owned()));
    assert!(has_whole("共94件", "94"));
    assert!(!has_whole("共194件", "94"));
    assert!(!has_whole("共94.5件", "94"));
    assert!(!has_whole("三十五", "五"));
}
