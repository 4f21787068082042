//! Shared by the accuracy tests: loading a hand-annotated fixture with its text, and deciding
//! whether an extracted figure is the annotated one.

#![allow(dead_code)] // each test binary uses a different part

use std::fs;
use std::path::{Path, PathBuf};

use fazhi_text::figures::Figure;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Fixture {
    pub seed: String,
    pub year: i32,
    #[serde(rename = "figure")]
    pub figures: Vec<Expected>,
}

#[derive(Debug, Deserialize)]
pub struct Expected {
    pub key: String,
    pub label: String,
    pub value: f64,
    pub year: i32,
    pub change: bool,
    pub quote: String,
    #[serde(default)]
    pub alt_keys: Vec<String>,
    /// The scope the figure is stated for, as printed (全区, 区政府 …); annotated on a sample.
    #[serde(default)]
    pub scope: Option<String>,
}

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `.toml` files of `tests/<dir>`, sorted.
pub fn fixtures_in(dir: &str) -> Vec<PathBuf> {
    let dir = manifest_dir().join("tests").join(dir);
    let mut out: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    out.sort();
    out
}

/// The fixture and its text (`seed` is looked up in `text_dir`, relative to `tests/`).
pub fn load(path: &Path, text_dir: &str) -> (Fixture, String) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fx: Fixture = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let seed_path = manifest_dir().join("tests").join(text_dir).join(&fx.seed);
    let seed =
        fs::read_to_string(&seed_path).unwrap_or_else(|e| panic!("{}: {e}", seed_path.display()));
    (fx, seed)
}

/// The fixture value as a decimal string without trailing zeros (94, 91.49, 37.5), to compare
/// with `Decimal`'s Display, which is normalised the same way.
pub fn decimal_string(v: f64) -> String {
    let s = format!("{v}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// Character range of `quote` in `seed` (fixtures.rs checks quotes are unique substrings).
pub fn char_range(seed: &str, quote: &str) -> (usize, usize) {
    let byte = seed
        .find(quote)
        .unwrap_or_else(|| panic!("quote not in seed: {quote}"));
    let start = seed[..byte].chars().count();
    (start, start + quote.chars().count())
}

/// Same value, key (or an alt key; any key when the fixture has none), year, change flag, and a
/// quote overlapping the fixture quote.
pub fn matches(e: &Expected, (qs, qe): (usize, usize), f: &Figure) -> bool {
    let key_ok = if e.key.is_empty() {
        true
    } else {
        let got = f.key.as_deref().unwrap_or("");
        got == e.key || e.alt_keys.iter().any(|k| k == got)
    };
    same_place_and_value(e, (qs, qe), f) && key_ok && f.year == Some(e.year) && f.change == e.change
}

/// Same value and an overlapping quote, whatever the key.
pub fn same_place_and_value(e: &Expected, (qs, qe): (usize, usize), f: &Figure) -> bool {
    f.value.to_string() == decimal_string(e.value) && f.start < qe && qs < f.end
}

pub fn describe(f: &Figure) -> String {
    format!(
        "{}={}{} {:?} y{:?}{} scope {:?} in 「{}」",
        f.label,
        f.value,
        f.unit,
        f.key,
        f.year,
        if f.change { " change" } else { "" },
        f.scope,
        f.quote
    )
}

/// Counts of annotated figures found.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recall {
    pub found: usize,
    pub total: usize,
    /// The same, for the annotated figures that carry a key.
    pub keyed_found: usize,
    pub keyed_total: usize,
}

/// Recall of `figures_of(text, year)` on the fixtures of `tests/<fixture_dir>`, printing every
/// miss.
pub fn recall(
    fixture_dir: &str,
    text_dir: &str,
    figures_of: impl Fn(&str, i32) -> Vec<Figure>,
) -> Recall {
    let mut r = Recall::default();
    let mut found_all = 0usize;
    let mut total_all = 0usize;
    for path in fixtures_in(fixture_dir) {
        let (fx, seed) = load(&path, text_dir);
        let got = figures_of(&seed, fx.year);
        let mut found = 0usize;
        let mut misses = Vec::new();
        for e in &fx.figures {
            let range = char_range(&seed, &e.quote);
            let hit = got.iter().any(|f| matches(e, range, f));
            if !e.key.is_empty() {
                r.keyed_total += 1;
                r.keyed_found += usize::from(hit);
            }
            if hit {
                found += 1;
            } else {
                let near: Vec<String> = got
                    .iter()
                    .filter(|f| f.start < range.1 && range.0 < f.end)
                    .map(describe)
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
    println!(
        "overall: {found_all}/{total_all} = {:.1}%",
        100.0 * found_all as f64 / total_all as f64
    );
    println!(
        "figures with a key: {}/{} = {:.1}%",
        r.keyed_found,
        r.keyed_total,
        100.0 * r.keyed_found as f64 / r.keyed_total.max(1) as f64
    );
    r.found = found_all;
    r.total = total_all;
    r
}
