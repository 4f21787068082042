//! Precision of figure extraction on the seeds, and "never invents".
//!
//! Precision = extracted figures with a key that are an annotated figure (same value, position,
//! year and change flag, and the fixture's key or one of its alt_keys) / extracted figures with a
//! key. Every extracted figure not matched by an annotation is listed and classified, so a drop
//! shows what went wrong.

mod common;

use common::{char_range, describe, fixtures_in, load, same_place_and_value, Expected};
use fazhi_text::figures::{figures, Figure};

const PRECISION_FLOOR: f64 = 0.0;

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

#[test]
fn precision_on_the_seeds() {
    let (mut keyed, mut keyed_ok) = (0usize, 0usize);
    let mut unkeyed_unmatched = 0usize;
    for path in fixtures_in("fixtures") {
        let (fx, seed) = load(&path, "seeds");
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
    let precision = keyed_ok as f64 / keyed as f64;
    println!(
        "precision (keyed): {keyed_ok}/{keyed} = {:.1}%; {unkeyed_unmatched} figures without a key not annotated",
        100.0 * precision
    );
    assert!(
        precision >= PRECISION_FLOOR,
        "precision {precision:.3} fell below the floor {PRECISION_FLOOR}"
    );
}
