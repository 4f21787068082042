//! Shared by the accuracy tests: loading a hand-annotated fixture with its text, deciding
//! whether an extracted figure is the annotated one, and the ways a value may be printed (for the
//! never-invents checks).

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

// ---------- the ways a value may be printed ----------

/// `n` in Chinese numerals (一百二十, 三万五千, 一千零五).
pub fn chinese(n: u64) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 {
        return D[0].to_owned();
    }
    let section = |mut n: u64| {
        let mut s = String::new();
        let mut zero = false;
        for (place, word) in [(1000, "千"), (100, "百"), (10, "十"), (1, "")] {
            let d = n / place;
            n %= place;
            if d == 0 {
                zero = !s.is_empty();
                continue;
            }
            if zero {
                s.push_str(D[0]);
                zero = false;
            }
            s.push_str(D[d as usize]);
            s.push_str(word);
        }
        s
    };
    let (hi, lo) = (n / 10_000, n % 10_000);
    match (hi, lo) {
        (0, _) => section(lo),
        (_, 0) => format!("{}万", section(hi)),
        (_, lo) if lo < 1000 => format!("{}万零{}", section(hi), section(lo)),
        _ => format!("{}万{}", section(hi), section(lo)),
    }
}

/// The ways a text may print `value`: digits (trailing zeros, thousands groups with `,` or a
/// space), with 万/亿, Chinese numerals.
pub fn written_forms(value: &str) -> Vec<String> {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    let point = if frac.is_empty() { "." } else { "" };
    let mut out = vec![
        value.to_owned(),
        format!("{value}{point}0"),
        format!("{value}{point}00"),
        format!("{value}{point}000"),
    ];
    if int.len() > 3 {
        for sep in [',', ' '] {
            let mut grouped = String::new();
            for (i, c) in int.chars().enumerate() {
                if i > 0 && (int.len() - i) % 3 == 0 {
                    grouped.push(sep);
                }
                grouped.push(c);
            }
            if !frac.is_empty() {
                grouped = format!("{grouped}.{frac}");
            }
            out.push(grouped);
        }
    }
    // 15.76万, 0.1万, 0.00087万: the value shifted by four or eight places.
    for (zeros, word) in [(4, '万'), (8, '亿')] {
        let padded = format!("{}{int}", "0".repeat(zeros));
        let (hi, lo) = padded.split_at(padded.len() - zeros);
        let lo = format!("{lo}{frac}");
        let lo = lo.as_str();
        let hi = hi.trim_start_matches('0');
        let hi = if hi.is_empty() { "0" } else { hi };
        let lo = lo.trim_end_matches('0');
        let digits = if lo.is_empty() {
            hi.to_owned()
        } else {
            format!("{hi}.{lo}")
        };
        let point = if digits.contains('.') { "" } else { "." };
        for zeros in ["", "0", "00", "000"] {
            let p = if zeros.is_empty() { "" } else { point };
            out.push(format!("{digits}{p}{zeros}{word}"));
        }
    }
    if frac.is_empty() {
        if let Ok(n) = int.parse::<u64>() {
            if n < 100_000_000 {
                let c = chinese(n);
                out.push(c.replace('二', "两"));
                if let Some(rest) = c.strip_prefix("一十") {
                    out.push(format!("十{rest}"));
                }
                out.push(c);
            }
            // Above 亿: 一亿一十, 一亿零一十.
            if n >= 100_000_000 {
                let (hi, lo) = (n / 100_000_000, n % 100_000_000);
                if hi < 100_000_000 && lo > 0 {
                    out.push(format!("{}亿{}", chinese(hi), chinese(lo)));
                    out.push(format!("{}亿零{}", chinese(hi), chinese(lo)));
                }
            }
            // The spoken short form: 一万一 = 11000, 三千五 = 3500, 一亿一 = 110000000.
            for (place, word) in [
                (100_000_000u64, "亿"),
                (10_000, "万"),
                (1000, "千"),
                (100, "百"),
            ] {
                let (hi, lo) = (n / place, n % place);
                if hi > 0 && hi < 10_000 && lo > 0 && lo % (place / 10) == 0 {
                    out.push(format!(
                        "{}{word}{}",
                        chinese(hi),
                        chinese(lo / (place / 10))
                    ));
                }
            }
        }
        if int.len() > 8 && int.ends_with("00000000") {
            if let Some(n) = int[..int.len() - 8]
                .parse::<u64>()
                .ok()
                .filter(|n| *n < 100_000_000)
            {
                out.push(format!("{}亿", chinese(n)));
            }
        }
    }
    out
}

/// `form` occurs in `text` not as a part of a longer number (94 in 194 or 94.5).
pub fn has_whole(text: &str, form: &str) -> bool {
    let digit = |c: char| c.is_ascii_digit() || c == '.';
    let chinese_digit = |c: char| "零一二两三四五六七八九十百千万亿".contains(c);
    text.match_indices(form).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let first = form.chars().next().unwrap_or(' ');
        if first.is_ascii_digit() {
            let rest = &text[at + form.len()..];
            // Followed by a digit, or by a point and a digit: part of a longer number.
            let longer = rest.starts_with(|c: char| c.is_ascii_digit())
                || (rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_ascii_digit()));
            !before.is_some_and(digit) && !longer
        } else {
            !before.is_some_and(chinese_digit)
                && !text[at + form.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| chinese_digit(c) && c != '万' && c != '亿')
        }
    })
}
