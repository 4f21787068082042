//! Text normalisation: traditional → simplified script, full-width digits and letters → ASCII,
//! invisible characters dropped — while remembering, for every character of the result, which
//! character of the original it came from, so that every finding can quote the original text.
//!
//! What is folded and what is kept:
//! - Traditional characters become simplified (OpenCC `t2s` tables, see [`converter`]).
//! - Full-width digits `０-９`, letters `Ａ-Ｚ ａ-ｚ`, `％` and `．` become ASCII: numbers must read
//!   the same whichever width the page used.
//! - Every other Chinese punctuation mark (，。：；（）、“”《》) is kept as printed: it carries the
//!   sentence and outline structure the later stages read, and `，` inside a number is ambiguous
//!   (`1，234` is more often a list than a thousands separator), so folding it here would guess.
//! - Zero-width characters, the byte-order mark and soft hyphens are dropped: web pages scatter them
//!   inside numbers and words.
//!
//! Offsets are CHARACTER offsets (not bytes) on both sides, as the findings report them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use ferrous_opencc::{config::BuiltinConfig, OpenCC};

/// The normalised text and the way back to the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// Simplified script, ASCII digits/letters/`%`/`.`, invisible characters removed.
    pub text: String,
    /// `map[i]` is the original character offset of normalised character `i`; one extra entry at
    /// the end holds the original length, so that end offsets map too.
    map: Vec<usize>,
}

/// Which script a text is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Script {
    Simplified,
    Traditional,
    Mixed,
}

impl Normalized {
    /// Number of characters in the normalised text.
    pub fn len_chars(&self) -> usize {
        self.map.len() - 1
    }

    /// Maps the character range `start..end` of the normalised text to the character range of the
    /// original it came from. Out-of-range or reversed input is clamped rather than panicking:
    /// the callers compute offsets from untrusted text.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let last = self.map.len() - 1;
        let s = start.min(last);
        let e = end.clamp(s, last);
        // An empty range maps to the position of its start.
        if s == e {
            return (self.map[s], self.map[s]);
        }
        // The end is exclusive: take the original position of the last included character, plus
        // one, so dropped invisible characters after the range are not pulled in.
        (self.map[s], self.map[e - 1] + 1)
    }
}

/// The traditional → simplified converter.
///
/// Crate choice: `ferrous-opencc` — pure Rust, Apache-2.0 (the workspace's licence), carries the
/// OpenCC dictionaries and compiles them into the binary at build time, so it needs no files or
/// network at run time; with only the `t2s-conversion` feature it builds just the t2s tables.
/// `zhconv` (also OpenCC/MediaWiki data) is GPL-2.0-or-later, which would bind the whole platform,
/// and `fast2s` is unmaintained since 2022.
fn converter() -> Option<&'static OpenCC> {
    static CONVERTER: OnceLock<Option<OpenCC>> = OnceLock::new();
    CONVERTER
        .get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).ok())
        .as_ref()
}

/// Characters the t2s phrase table turns into something else although the character table maps
/// each of them to itself first (藉口 → 借口, 瞭解 → 了解, 沈默 → 沉默, 函覆 → 函复): every t2s
/// phrase whose conversion changes it contains a character that converts on its own or one of
/// these (checked against OpenCC's TSPhrases.txt and TSCharacters.txt of ferrous-opencc 0.4).
const PHRASE_ONLY: &str = "彷牴瞭祇藉衹覆阪沈";

/// The first two characters of the t2s phrase table's keys, pair after pair (TSPhrases.txt of
/// ferrous-opencc 0.4; every key has two characters or more). A run of text where no such pair
/// stands can only match the character table, so its conversion is the image of each character
/// alone.
const PHRASE_STARTS: &str =
    "一目上鍊不瞭么麼么麽乾乾乾元乾卦乾嘉乾圖乾坤乾宅乾斷乾旦乾曜乾清乾盛乾紅乾綱乾縣\
     乾象乾造乾道乾陵乾隆二噁以免以功侔德傢俱傷亡八濛凌藉出醜函覆千鍾反反反覆名覆哪吒\
     回覆壺裏大目宫商尼乾幺麼康乾張法彷彿彷徨徵弦徵絃徵羽徵聲徵調徵音情有憑藉手鍊扭轉\
     找藉拉鍊拜覆據瞭文錦於世於乎於仲於倫於其於則於勇於呼於單於坦於崇於忠於惟於戲於敖\
     於梨於清於潛於琳於穆於竹於菟於邑於陵旋乾旋轉明瞭明覆書中有序朝乾木吒李乾李澤李鍊\
     李鍾樊於沈沒沈積沈船沈默流徵浪蕩滑藉無序牴牾牴觸狐藉珍珠甚鉅申覆畢昇發覆瞭如瞭望\
     瞭然瞭若瞭解示覆神祇稟覆竺乾答覆篤麼簡單籌畫素藉老態肘手茵藉萬鍾蒜薹蕓薹蕩覆蕭乾\
     藉代藉以藉助藉卉藉口藉喻藉寇藉手藉據藉故藉方藉條藉槁藉機藉此藉甚藉由藉着藉端藉箸\
     藉草藉藉藉詞藉讀藉資衹得衹見袖裏覆上覆住覆信覆冒覆呈覆命覆墓覆宗覆帳覆幬覆成覆按\
     覆文覆杯覆校覆瓿覆盂覆盆覆盤覆育覆蕉覆逆覆醢覆醬覆電覆露覆鹿覆鼎見覆角徵計畫變徵\
     貂覆買臣踅門躪藉郭子酒逢醞藉重覆金吒金鍊鈞覆鉅子鉅萬鉅防鉸鍊銀鍊錢鍾鍊墜鍊子鍊形\
     鍊條鍊錘鍊鎖鍛鍾鍾繇鍾萬鍾重鍾鍛鍾馗鎖鍊鐵鍊鑽石雁杳雖覆電覆露覆項鍊頗覆頸鍊顛乾\
     顛倒顧藉麼些黄鍾龍鍾";

/// The highest code point the t2s character table has a key for is below this (CJK Extension B
/// to F end at U+2EBEF).
const TABLE_END: u32 = 0x3_0000;

/// What the converter does to single characters, computed once: the simplified image of every
/// character it changes, and a bit for every character that may start a change in a line (those
/// and [`PHRASE_ONLY`]). A line without such a character is left unchanged by the converter, so
/// it need not be converted at all (most reports are in simplified script).
struct Table {
    /// `images[c]` for every code point below [`TABLE_END`] (itself when unchanged).
    images: Vec<char>,
    /// One bit per code point below [`TABLE_END`].
    triggers: Vec<u64>,
    /// One bit per code point below [`TABLE_END`] for the characters the converter turns into
    /// other than one character (none expected): a run holding one goes through the converter.
    odd: Vec<u64>,
    /// [`PHRASE_STARTS`] as sorted pairs.
    starts: Vec<(char, char)>,
}

impl Table {
    fn build(cc: &OpenCC) -> Self {
        // Every non-ASCII character below TABLE_END on its own line, converted in one call: no
        // key spans a line break, so each line converts as the character alone would.
        let all: Vec<char> = (0x80..TABLE_END).filter_map(char::from_u32).collect();
        let mut joined = String::with_capacity(all.len() * 5);
        for &c in &all {
            joined.push(c);
            joined.push('\n');
        }
        let converted = cc.convert(&joined);
        let mut images: Vec<char> = (0..TABLE_END)
            .map(|i| char::from_u32(i).unwrap_or('\0'))
            .collect();
        let mut triggers = vec![0u64; (TABLE_END as usize).div_ceil(64)];
        let mut odd = vec![0u64; (TABLE_END as usize).div_ceil(64)];
        let mut set = |c: char| triggers[c as usize / 64] |= 1 << (c as usize % 64);
        let bit = |bits: &mut Vec<u64>, c: char| bits[c as usize / 64] |= 1 << (c as usize % 64);
        for (&c, out) in all.iter().zip(converted.split('\n')) {
            let mut it = out.chars();
            match (it.next(), it.next()) {
                (Some(x), None) if x == c => {}
                (Some(x), None) => {
                    images[c as usize] = x;
                    set(c);
                }
                // A multi-character result (never expected from the character table) keeps the
                // character, but the line is still converted.
                _ => {
                    set(c);
                    bit(&mut odd, c);
                }
            }
        }
        for c in PHRASE_ONLY.chars() {
            set(c);
        }
        let pairs: Vec<char> = PHRASE_STARTS.chars().collect();
        let mut starts: Vec<(char, char)> = pairs.chunks_exact(2).map(|p| (p[0], p[1])).collect();
        starts.sort_unstable();
        Table {
            images,
            triggers,
            odd,
            starts,
        }
    }

    /// Whether the converter may change a text containing `c`.
    fn triggers(&self, c: char) -> bool {
        let i = c as usize;
        i >= TABLE_END as usize || self.triggers[i / 64] & (1 << (i % 64)) != 0
    }

    /// Whether a run containing `c` must go through the converter (not just character images).
    fn is_odd(&self, c: char) -> bool {
        let i = c as usize;
        i >= TABLE_END as usize || self.odd[i / 64] & (1 << (i % 64)) != 0
    }

    /// Whether a phrase of the t2s table may start somewhere in `run` (its first two characters
    /// stand there).
    fn has_phrase_start(&self, run: &str) -> bool {
        let mut prev = ' ';
        run.chars().any(|c| {
            let pair = (prev, c);
            prev = c;
            self.starts.binary_search(&pair).is_ok()
        })
    }

    /// The simplified image of one character (itself when the character table keeps it).
    fn simplify(&self, c: char) -> char {
        self.images.get(c as usize).copied().unwrap_or(c)
    }
}

fn table() -> Option<&'static Table> {
    static TABLE: OnceLock<Option<Table>> = OnceLock::new();
    TABLE.get_or_init(|| converter().map(Table::build)).as_ref()
}

/// Whether no key of the t2s tables contains `c`: ASCII and Latin text, CJK symbols and
/// punctuation (U+3000–U+303F: 。、「」《》 …) and the full-width forms (U+FF00–U+FFEF: ，；：（）
/// …). Checked against TSPhrases.txt and TSCharacters.txt (ferrous-opencc 0.4): every key is made
/// of Han characters. So no phrase match crosses such a character, and the converter treats the
/// runs between them independently.
fn is_outside_keys(c: char) -> bool {
    c < '\u{2E80}'
        || ('\u{3000}'..='\u{303F}').contains(&c)
        || ('\u{FF00}'..='\u{FFEF}').contains(&c)
}

/// Converts one segment to simplified script keeping exactly one output character per input
/// character. Phrase conversion is tried first (it chooses better among one-to-many characters,
/// e.g. 乾淨 → 干净 but 乾隆 stays); when it changed the length, the segment is converted
/// character by character so the offset map stays exact.
///
/// The same result as converting the whole segment, faster: the text is cut into runs at the
/// characters no key contains ([`is_outside_keys`]); a run with no character the converter may
/// change ([`Table::triggers`]) is copied, a run where no phrase can start
/// ([`Table::has_phrase_start`]) takes each character's image, and only the others go through the
/// converter.
fn to_simplified(segment: &str, out: &mut Vec<char>) {
    let (Some(cc), Some(table)) = (converter(), table()) else {
        out.extend(segment.chars());
        return;
    };
    let first = out.len();
    let mut count = 0usize; // characters of the segment
    let mut run_start = 0usize; // byte offset of the current run
    let mut triggers = false;
    let mut odd = false;
    let flush = |run: &str, triggers: bool, odd: bool, out: &mut Vec<char>| {
        if !triggers {
            out.extend(run.chars());
        } else if odd || table.has_phrase_start(run) {
            out.extend(cc.convert(run).chars());
        } else {
            out.extend(run.chars().map(|c| table.simplify(c)));
        }
    };
    for (b, c) in segment.char_indices() {
        count += 1;
        if is_outside_keys(c) {
            flush(&segment[run_start..b], triggers, odd, out);
            out.push(c);
            run_start = b + c.len_utf8();
            triggers = false;
            odd = false;
        } else {
            triggers = triggers || table.triggers(c);
            odd = odd || table.is_odd(c);
        }
    }
    flush(&segment[run_start..], triggers, odd, out);
    if out.len() - first == count {
        return;
    }
    out.truncate(first);
    for c in segment.chars() {
        out.push(table.simplify(c));
    }
}

/// Characters removed entirely: invisible on the page, harmful inside numbers and words.
fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// Full-width ASCII look-alikes that are folded (digits, letters, `％`, `．`); others are kept.
fn fold_width(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '％' | '．' => {
            // The full-width forms block is the ASCII block shifted by 0xFEE0.
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    }
}

/// Normalises `original` (see the module documentation for what changes).
pub fn normalize(original: &str) -> Normalized {
    let mut text = String::with_capacity(original.len());
    let mut map = Vec::with_capacity(original.len() / 2 + 1);
    let mut converted = Vec::new();
    let mut offset = 0usize; // original character offset of the current segment's start

    // Segments are lines: the converter's phrase matching never needs to cross a line, and a
    // length change found in one line only costs that line the character-by-character path.
    for segment in original.split_inclusive('\n') {
        converted.clear();
        to_simplified(segment, &mut converted);
        for (i, (orig, conv)) in segment.chars().zip(converted.iter()).enumerate() {
            if is_dropped(orig) {
                continue;
            }
            text.push(fold_width(*conv));
            map.push(offset + i);
        }
        offset += segment.chars().count();
    }
    map.push(offset);
    Normalized { text, map }
}

/// A multiplicative hash for `char` keys (the standard SipHash costs more than the counting).
#[derive(Default)]
struct CharHasher(u64);

impl Hasher for CharHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(n)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Tells whether `original` is written in simplified or traditional script, or a mix.
///
/// Counts the Han characters the converter changes (traditional forms) against the occurrences of
/// their simplified images elsewhere in the same text (the same characters printed in simplified
/// form). Some simplified images are also ordinary traditional characters (於 → 于, 後 → 后), so a
/// small share of them in a traditional text is tolerated.
pub fn script(original: &str) -> Script {
    let Some(table) = table() else {
        return Script::Simplified;
    };
    // First pass: the traditional characters and their images (a bit test per character: only
    // the characters the converter changes need a look-up).
    let mut traditional = 0usize;
    let mut images: HashMap<char, usize, BuildHasherDefault<CharHasher>> = HashMap::default();
    for c in original
        .chars()
        .filter(|&c| !c.is_ascii() && table.triggers(c))
    {
        let s = table.simplify(c);
        if s != c {
            traditional += 1;
            images.entry(s).or_insert(0);
        }
    }
    if traditional == 0 {
        return Script::Simplified;
    }
    // Second pass: how often those images are printed as themselves.
    for c in original.chars().filter(|c| !c.is_ascii()) {
        if let Some(n) = images.get_mut(&c) {
            if table.simplify(c) == c {
                *n += 1;
            }
        }
    }
    let simplified: usize = images.values().sum();
    let share = traditional as f64 / (traditional + simplified) as f64;
    if share >= 0.9 {
        Script::Traditional
    } else if share <= 0.1 {
        Script::Simplified
    } else {
        Script::Mixed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SEED_004: &str = include_str!("../tests/seeds/004_97256ae8d542b572.txt");

    #[test]
    fn traditional_sentence_from_seed_004() {
        let n = normalize("佛山市高明區人民政府關于2019年度法治政府建設工作的報告");
        assert_eq!(
            n.text,
            "佛山市高明区人民政府关于2019年度法治政府建设工作的报告"
        );
        let n = normalize("目前,我區共受理行政復議案件52件,辦結44件;");
        assert_eq!(n.text, "目前,我区共受理行政复议案件52件,办结44件;");
    }

    /// Converting only the runs that may change gives what converting the whole line gives.
    #[test]
    fn runs_convert_as_the_whole_line() {
        let cc = converter().expect("converter");
        let table = table().expect("table");
        let reference = |line: &str| -> Vec<char> {
            let converted = cc.convert(line);
            if converted.chars().count() == line.chars().count() {
                converted.chars().collect()
            } else {
                line.chars().map(|c| table.simplify(c)).collect()
            }
        };
        let extra = "一目瞭然，以免藉口，乾隆年間，乾淨的房間。藉口、瞭解，沈默：函覆（反覆）顯著12345ＡＢ著名\n";
        for text in [
            SEED_004,
            include_str!("../tests/seeds/000_99d96b77785f0d3b.txt"),
            include_str!("../tests/seeds/001_c0351d6103819b41.txt"),
            extra,
        ] {
            for line in text.split_inclusive('\n') {
                let mut out = Vec::new();
                to_simplified(line, &mut out);
                assert_eq!(out, reference(line), "{line}");
            }
        }
    }

    #[test]
    fn full_width_digits_fold() {
        let n = normalize("共办理案件１２３件，占９９．５１％，ＡＢｃ");
        assert_eq!(n.text, "共办理案件123件，占99.51%，ABc");
    }

    #[test]
    fn invisible_characters_are_dropped_and_mapped() {
        let original = "共\u{200B}1\u{FEFF}2件";
        let n = normalize(original);
        assert_eq!(n.text, "共12件");
        // "12" in the normalised text is characters 1..3; in the original it spans 2..5.
        assert_eq!(n.original_range(1, 3), (2, 5));
        assert_eq!(n.original_range(0, 4), (0, 6));
        assert_eq!(n.original_range(4, 4), (6, 6));
        // Out of range is clamped, not a panic.
        assert_eq!(n.original_range(9, 2), (6, 6));
    }

    #[test]
    fn seed_004_round_trips_and_is_traditional() {
        let n = normalize(SEED_004);
        let orig: Vec<char> = SEED_004.chars().collect();
        assert_eq!(n.len_chars(), orig.len());
        // Every line maps back to the original line it came from.
        let norm: Vec<char> = n.text.chars().collect();
        let mut i = 0;
        while i < norm.len() {
            let j = (i + 37).min(norm.len());
            let (a, b) = n.original_range(i, j);
            let back: String = orig[a..b].iter().collect();
            let expect: String = norm[i..j].iter().collect();
            assert_eq!(normalize(&back).text, expect);
            i = j;
        }
        assert!(n.text.contains("佛山市高明区人民政府关于2019年度"));
        assert_eq!(script(SEED_004), Script::Traditional);
    }

    #[test]
    fn simplified_seeds_are_simplified() {
        for s in [
            include_str!("../tests/seeds/000_99d96b77785f0d3b.txt"),
            include_str!("../tests/seeds/001_c0351d6103819b41.txt"),
            include_str!("../tests/seeds/002_9592a4b759554a40.txt"),
            include_str!("../tests/seeds/003_499b972e7ec7675e.txt"),
        ] {
            assert_eq!(script(s), Script::Simplified);
        }
        let half = "法治政府建設工作的報告。法治政府建设工作的报告。";
        assert_eq!(script(half), Script::Mixed);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// For random substrings of seed 004 (with noise spliced in), the original range of a
        /// normalised substring normalises back to that same substring.
        #[test]
        fn offsets_round_trip(start in 0usize..4000, len in 0usize..200, noise in 0usize..4) {
            let noisy: String = SEED_004
                .chars()
                .take(4200)
                .enumerate()
                .flat_map(|(i, c)| {
                    let extra = match (i + noise) % 29 {
                        0 => Some('\u{200B}'),
                        7 => Some('３'),
                        _ => None,
                    };
                    std::iter::once(c).chain(extra)
                })
                .collect();
            let n = normalize(&noisy);
            let norm: Vec<char> = n.text.chars().collect();
            let orig: Vec<char> = noisy.chars().collect();
            let s = start.min(norm.len());
            let e = (s + len).min(norm.len());
            let (a, b) = n.original_range(s, e);
            prop_assert!(a <= b && b <= orig.len());
            let back: String = orig[a..b].iter().collect();
            let expect: String = norm[s..e].iter().collect();
            prop_assert_eq!(normalize(&back).text, expect);
        }

        #[test]
        fn never_panics(s in any::<String>(), a in 0usize..100, b in 0usize..100) {
            let n = normalize(&s);
            let _ = n.original_range(a, b);
            let _ = script(&s);
        }
    }
}
