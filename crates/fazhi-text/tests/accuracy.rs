//! Accuracy of figure extraction against the hand-annotated seeds (`tests/fixtures/*.toml`).
//!
//! A fixture figure is found when some extracted figure has the same value (as decimals), the same
//! key (or one of the fixture's alt_keys; a fixture figure without a key is found by value and
//! position alone), the same year and change flag, and a quote overlapping the fixture quote's
//! position in the seed. Also: every extracted quote is the original text at its offsets.

use std::fs;
use std::path::{Path, PathBuf};

use fazhi_text::figures::{figures, Figure};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Fixture {
    seed: String,
    year: i32,
    #[serde(rename = "figure")]
    figures: Vec<Expected>,
}

#[derive(Debug, Deserialize)]
struct Expected {
    key: String,
    label: String,
    value: f64,
    year: i32,
    change: bool,
    quote: String,
    #[serde(default)]
    alt_keys: Vec<String>,
}

/// The floor is the recall the implementation reached when it was set, rounded down: 253/253 =
/// 1.0 overall (the target in issue 6 is 0.95). The vocabulary was tuned on these same seeds, so
/// this measures coverage of the annotated phrasing, not accuracy on unseen reports.
const RECALL_FLOOR: f64 = 1.0;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> Vec<PathBuf> {
    let dir = manifest_dir().join("tests/fixtures");
    let mut out: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    out.sort();
    out
}

fn load(path: &Path) -> (Fixture, String) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fx: Fixture = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let seed_path = manifest_dir().join("tests/seeds").join(&fx.seed);
    let seed =
        fs::read_to_string(&seed_path).unwrap_or_else(|e| panic!("{}: {e}", seed_path.display()));
    (fx, seed)
}

/// The fixture value as a decimal string without trailing zeros (94, 91.49, 37.5), to compare
/// with `Decimal`'s Display, which is normalised the same way.
fn decimal_string(v: f64) -> String {
    let s = format!("{v}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// Character range of `quote` in `seed` (fixtures.rs checks quotes are unique substrings).
fn char_range(seed: &str, quote: &str) -> (usize, usize) {
    let byte = seed
        .find(quote)
        .unwrap_or_else(|| panic!("quote not in seed: {quote}"));
    let start = seed[..byte].chars().count();
    (start, start + quote.chars().count())
}

fn matches(e: &Expected, (qs, qe): (usize, usize), f: &Figure) -> bool {
    let key_ok = if e.key.is_empty() {
        true
    } else {
        let got = f.key.as_deref().unwrap_or("");
        got == e.key || e.alt_keys.iter().any(|k| k == got)
    };
    f.value.to_string() == decimal_string(e.value)
        && key_ok
        && f.year == Some(e.year)
        && f.change == e.change
        && f.start < qe
        && qs < f.end
}

#[test]
fn quotes_are_the_original_text_at_their_offsets() {
    for path in fixtures() {
        let (fx, seed) = load(&path);
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
    let mut found_all = 0usize;
    let mut total_all = 0usize;
    for path in fixtures() {
        let (fx, seed) = load(&path);
        let got = figures(&seed, Some(fx.year));
        let mut found = 0usize;
        let mut misses = Vec::new();
        for e in &fx.figures {
            let range = char_range(&seed, &e.quote);
            if got.iter().any(|f| matches(e, range, f)) {
                found += 1;
            } else {
                let near: Vec<String> = got
                    .iter()
                    .filter(|f| f.start < range.1 && range.0 < f.end)
                    .map(|f| {
                        format!(
                            "{}={} {:?} y{:?}{}",
                            f.label,
                            f.value,
                            f.key,
                            f.year,
                            if f.change { " change" } else { "" }
                        )
                    })
                    .collect();
                misses.push(format!(
                    "  MISS {} {} ({} y{}{}) in 「{}」; near: {near:?}",
                    e.key,
                    e.value,
                    e.label,
                    e.year,
                    if e.change { " change" } else { "" },
                    e.quote
                ));
            }
        }
        let n = fx.figures.len();
        println!(
            "{}: {found}/{n} = {:.1}% ({} figures extracted)",
            fx.seed,
            100.0 * found as f64 / n as f64,
            got.len()
        );
        for m in &misses {
            println!("{m}");
        }
        found_all += found;
        total_all += n;
    }
    let recall = found_all as f64 / total_all as f64;
    println!("overall: {found_all}/{total_all} = {:.1}%", 100.0 * recall);
    assert!(
        recall >= RECALL_FLOOR,
        "recall {recall:.3} fell below the floor {RECALL_FLOOR}"
    );
}
