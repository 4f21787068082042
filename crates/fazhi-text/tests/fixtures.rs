//! The hand-annotated seed fixtures (`tests/fixtures/*.toml`) are themselves checked here, so that
//! the ground truth the analyzer is measured against stays honest: every quote is an exact, unique
//! substring of its seed, every Arabic-digit figure's value appears in its quote, every key exists
//! in the catalogue (`data/indicators.toml`), and every seed has a fixture with at least 10 figures.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Fixture {
    seed: String,
    title: String,
    jurisdiction: String,
    level: String,
    year: i32,
    script: String,
    #[serde(rename = "figure")]
    figures: Vec<Figure>,
}

#[derive(Debug, Deserialize)]
struct Figure {
    key: String,
    label: String,
    value: f64,
    unit: String,
    qualifier: String,
    year: i32,
    change: bool,
    quote: String,
    /// The number as printed, when the value was normalised from 万/亿 or a Chinese numeral.
    #[serde(default)]
    printed: Option<String>,
    /// increase / decrease, for change figures.
    #[serde(default)]
    direction: Option<String>,
    /// Other keys a careful reader could defensibly assign ("" = no key).
    #[serde(default)]
    alt_keys: Vec<String>,
    /// The scope the figure is stated for, simplified script ("" = none printed).
    #[serde(default)]
    scope: Option<String>,
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn catalogue_keys() -> BTreeSet<String> {
    let path = manifest_dir().join("../../data/indicators.toml");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: toml::Value = text
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let indicators = doc
        .get("indicator")
        .and_then(toml::Value::as_array)
        .expect("indicators.toml has [[indicator]] tables");
    indicators
        .iter()
        .map(|i| {
            i.get("key")
                .and_then(toml::Value::as_str)
                .expect("every indicator has a key")
                .to_owned()
        })
        .collect()
}

fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    out.sort();
    out
}

/// Full-width digits and the full-width point folded to ASCII, so `９４` in a quote matches 94.
fn fold_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            _ => c,
        })
        .collect()
}

/// The value as a report would print it: 94, 91.49, 37.5 (no trailing zeros).
fn printed_number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

fn load(path: &Path) -> Fixture {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_seed_has_a_fixture() {
    let seeds = files_in(&manifest_dir().join("tests/seeds"), "txt");
    let fixtures = files_in(&manifest_dir().join("tests/fixtures"), "toml");
    assert!(!seeds.is_empty(), "no seeds found");
    for seed in &seeds {
        let stem = seed.file_stem().expect("stem");
        let want = manifest_dir()
            .join("tests/fixtures")
            .join(stem)
            .with_extension("toml");
        assert!(
            fixtures.contains(&want),
            "no fixture for seed {}",
            seed.display()
        );
    }
}

#[test]
fn fixtures_are_consistent_with_their_seeds_and_the_catalogue() {
    check_fixtures("fixtures", "seeds", 10);
}

/// The held-out annotations (`tests/heldout`) obey the same rules; their texts are excerpts, so a
/// few figures each is enough.
#[test]
fn held_out_fixtures_are_consistent_with_their_texts_and_the_catalogue() {
    check_fixtures("heldout", "heldout", 5);
}

fn check_fixtures(fixture_dir: &str, text_dir: &str, min_figures: usize) {
    let keys = catalogue_keys();
    let fixtures = files_in(&manifest_dir().join("tests").join(fixture_dir), "toml");
    assert!(!fixtures.is_empty(), "no fixtures found");
    let mut problems = Vec::new();
    for path in &fixtures {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let fx = load(path);
        let stem = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        if fx.seed != format!("{stem}.txt") {
            problems.push(format!(
                "{name}: seed = {:?} does not match the file name",
                fx.seed
            ));
        }
        let seed_path = manifest_dir().join("tests").join(text_dir).join(&fx.seed);
        let seed = fs::read_to_string(&seed_path)
            .unwrap_or_else(|e| panic!("{}: {e}", seed_path.display()));

        if !["区", "县", "市", "州", "省"].contains(&fx.level.as_str()) {
            problems.push(format!("{name}: level {:?}", fx.level));
        }
        if !["simplified", "traditional"].contains(&fx.script.as_str()) {
            problems.push(format!("{name}: script {:?}", fx.script));
        }
        if fx.jurisdiction.is_empty() || !(1990..=2100).contains(&fx.year) {
            problems.push(format!("{name}: jurisdiction/year missing"));
        }
        // The title may be printed over several lines; compare with whitespace removed.
        let squashed: String = seed.chars().filter(|c| !c.is_whitespace()).collect();
        let title: String = fx.title.chars().filter(|c| !c.is_whitespace()).collect();
        if !title.is_empty() && !squashed.contains(&title) {
            problems.push(format!("{name}: title {:?} not in the seed", fx.title));
        }
        if fx.figures.len() < min_figures {
            problems.push(format!("{name}: only {} figures", fx.figures.len()));
        }

        let simplified = fazhi_text::normalize::normalize(&seed).text;
        for (i, f) in fx.figures.iter().enumerate() {
            let at = format!("{name} figure {i} ({:?})", f.quote);
            if let Some(scope) = f.scope.as_deref().filter(|s| !s.is_empty()) {
                if !simplified.contains(scope) {
                    problems.push(format!(
                        "{at}: scope {scope:?} is not in the (simplified) text"
                    ));
                }
            }
            let count = seed.matches(f.quote.as_str()).count();
            if count != 1 {
                problems.push(format!("{at}: quote occurs {count} times in the seed"));
            }
            if f.label.is_empty() || f.unit.is_empty() {
                problems.push(format!("{at}: empty label or unit"));
            }
            if !["exact", "approx", "at_least", "at_most"].contains(&f.qualifier.as_str()) {
                problems.push(format!("{at}: qualifier {:?}", f.qualifier));
            }
            if !(fx.year - 2..=fx.year).contains(&f.year) {
                problems.push(format!("{at}: year {} far from the report year", f.year));
            }
            if f.change != f.direction.is_some() {
                problems.push(format!("{at}: change figures (only) carry a direction"));
            }
            if let Some(d) = &f.direction {
                if d != "increase" && d != "decrease" {
                    problems.push(format!("{at}: direction {d:?}"));
                }
            }
            if f.change && f.unit != "%" {
                problems.push(format!("{at}: a change is a percentage"));
            }
            if !f.value.is_finite() || f.value < 0.0 {
                problems.push(format!("{at}: value {}", f.value));
            }
            for k in std::iter::once(&f.key).chain(f.alt_keys.iter()) {
                if !k.is_empty() && !keys.contains(k) {
                    problems.push(format!("{at}: key {k:?} is not in data/indicators.toml"));
                }
            }
            let quote = fold_digits(&f.quote);
            match &f.printed {
                // Normalised from 万/亿 or a Chinese numeral: the printed form must be in the quote.
                Some(p) => {
                    if !quote.contains(&fold_digits(p)) {
                        problems.push(format!("{at}: printed {p:?} not in the quote"));
                    }
                }
                None => {
                    let digits = printed_number(f.value);
                    if !quote.contains(&digits) {
                        problems.push(format!("{at}: value {digits} not in the quote"));
                    }
                    // The number in the quote is not a fragment of a longer one (94 in 194).
                    else if !quote_has_whole_number(&quote, &digits) {
                        problems.push(format!("{at}: {digits} only occurs inside a longer number"));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "fixture problems:\n{}",
        problems.join("\n")
    );
}

fn quote_has_whole_number(quote: &str, digits: &str) -> bool {
    let is_num = |c: char| c.is_ascii_digit() || c == '.';
    let mut start = 0;
    while let Some(pos) = quote[start..].find(digits) {
        let a = start + pos;
        let b = a + digits.len();
        let before = quote[..a].chars().next_back();
        let after = quote[b..].chars().next();
        let after_ok = match after {
            None => true,
            Some('.') => !quote[b + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit()),
            Some(c) => !is_num(c),
        };
        if !before.is_some_and(is_num) && after_ok {
            return true;
        }
        start = a + 1;
        while !quote.is_char_boundary(start) {
            start += 1;
        }
    }
    false
}

/// (key, value, change) figures a fixture must contain.
type Wanted = &'static [(&'static str, f64, bool)];

#[test]
fn the_spec_figures_are_annotated() {
    // indicators.md, "Figures from the seeds that the defaults must reproduce".
    let expect: &[(&str, Wanted)] = &[
        (
            "000_99d96b77785f0d3b.toml",
            &[
                ("reconsideration.applications", 94.0, false),
                ("reconsideration.conclusion_rate", 91.49, false),
                ("reconsideration.applications", 14.63, true),
                ("reconsideration.litigation_rate", 21.28, false),
                ("litigation.cases", 134.0, false),
                ("litigation.concluded", 122.0, false),
                ("litigation.lost", 10.0, false),
                ("litigation.loss_rate", 7.46, false),
                ("mediation.disputes_mediated", 2265.0, false),
                ("mediation.success_rate", 99.51, false),
                ("enforcement.inspections", 2923.0, false),
                ("enforcement.inspections", 3858.0, false),
                ("enforcement.inspections", 24.23, true),
                ("reconsideration.correction_rate", 13.73, false),
            ],
        ),
        (
            "002_9592a4b759554a40.toml",
            &[
                ("reconsideration.accepted", 26.0, false),
                ("reconsideration.corrected", 9.0, false),
                ("reconsideration.correction_rate", 37.5, false),
                ("mediation.disputes_mediated", 5907.0, false),
                ("mediation.succeeded", 5903.0, false),
                ("mediation.success_rate", 99.93, false),
            ],
        ),
        (
            "003_499b972e7ec7675e.toml",
            &[
                ("reconsideration.applications", 23.0, false),
                ("reconsideration.concluded", 19.0, false),
                ("reconsideration.correction_rate", 21.0, false),
                ("mediation.disputes_screened", 41903.0, false),
                ("mediation.succeeded", 41159.0, false),
                ("mediation.success_rate", 98.22, false),
            ],
        ),
    ];
    for (file, wanted) in expect {
        let fx = load(&manifest_dir().join("tests/fixtures").join(file));
        for (key, value, change) in *wanted {
            assert!(
                fx.figures.iter().any(|f| f.key == *key
                    && (f.value - value).abs() < 1e-9
                    && f.change == *change),
                "{file}: missing {key} = {value} (change: {change})"
            );
        }
    }
}
