//! Accuracy of figure extraction against the hand-annotated seeds (`tests/fixtures/*.toml`).
//!
//! A fixture figure is found when some extracted figure has the same value (as decimals), the same
//! key (or one of the fixture's alt_keys; a fixture figure without a key is found by value and
//! position alone), the same year and change flag, and a quote overlapping the fixture quote's
//! position in the seed. Also: every extracted quote is the original text at its offsets.

mod common;

use common::{fixtures_in, load};
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
