//! Accuracy of figure extraction against the hand-annotated seeds (`tests/fixtures/*.toml`).
//!
//! A fixture figure is found when some extracted figure has the same value (as decimals), the same
//! key (or one of the fixture's alt_keys; a fixture figure without a key is found by value and
//! position alone), the same year and change flag, and a quote overlapping the fixture quote's
//! position in the seed. Also: every extracted quote is the original text at its offsets.

mod common;

use common::{char_range, describe, fixtures_in, load, matches};
use fazhi_text::figures::figures;

/// The floor is the recall the implementation reached when it was set, rounded down: 253/253 =
/// 1.0 overall (the target in issue 6 is 0.95). The vocabulary was tuned on these same seeds, so
/// this measures coverage of the annotated phrasing, not accuracy on unseen reports (see
/// `heldout.rs` for that).
const RECALL_FLOOR: f64 = 1.0;

#[test]
fn quotes_are_the_original_text_at_their_offsets() {
    for path in fixtures_in("fixtures") {
        let (fx, seed) = load(&path, "seeds");
        let chars: Vec<char> = seed.chars().collect();
        for f in figures(&seed, Some(fx.year)) {
            assert!(f.start <= f.end && f.end <= chars.len(), "{f:?}");
            let at: String = chars[f.start..f.end].iter().collect();
            assert_eq!(at, f.quote, "{}: quote differs from the text", fx.seed);
            assert!(!f.quote.is_empty());
        }
    }
}

#[test]
fn recall_on_the_seeds() {
    let r = common::recall("fixtures", "seeds", |t, y| figures(t, Some(y)));
    let recall = r.found as f64 / r.total as f64;
    assert!(
        recall >= RECALL_FLOOR,
        "recall {recall:.3} fell below the floor {RECALL_FLOOR}"
    );
}

/// Scope accuracy on the annotated sample (`scope = "…"` in the fixtures, `""` meaning the text
/// names none): the found figure's scope must equal the annotation. When first measured: 41/44 =
/// 93.2%; after a recipient (为各镇(街), 向…, 接待…) stopped counting as a scope: 42/44 = 95.5%.
/// Remaining misses: a place name glued to the body (云城区人民政府网站: only 区人民政府 shapes are
/// known, and 城区 is excluded), and a defendant list (以区直机关、镇(街道)为被告). The sample was
/// annotated while the scope rules were written, so this is not a held-out number.
const SCOPE_FLOOR: f64 = 0.95;

#[test]
fn scope_on_the_annotated_sample() {
    let (mut right, mut total) = (0usize, 0usize);
    for path in fixtures_in("fixtures") {
        let (fx, seed) = load(&path, "seeds");
        let got = figures(&seed, Some(fx.year));
        let normalised = fazhi_text::normalize::normalize(&seed).text;
        for f in &got {
            if let Some(s) = &f.scope {
                assert!(
                    normalised.contains(s.as_str()),
                    "scope {s:?} is not in the text"
                );
            }
        }
        for e in &fx.figures {
            let Some(want) = &e.scope else { continue };
            total += 1;
            let range = char_range(&seed, &e.quote);
            let Some(f) = got.iter().find(|f| matches(e, range, f)) else {
                println!("  {}: not found: {}", fx.seed, e.quote);
                continue;
            };
            let have = f.scope.as_deref().unwrap_or("");
            if have == want {
                right += 1;
            } else {
                println!(
                    "  {}: scope {have:?}, annotated {want:?}: {}",
                    fx.seed,
                    describe(f)
                );
            }
        }
    }
    let accuracy = right as f64 / total as f64;
    println!("scope: {right}/{total} = {:.1}%", 100.0 * accuracy);
    assert!(total >= 20, "only {total} scopes annotated");
    assert!(
        accuracy >= SCOPE_FLOOR,
        "scope accuracy {accuracy:.3} fell below the floor {SCOPE_FLOOR}"
    );
}
