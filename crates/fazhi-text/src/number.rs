//! The number normaliser: reads one quantity as printed in a report (`近2万件`, `3000余件`,
//! `一百二十人次`, `99.51%`, `231.64亿元`) into a value, a unit and a qualifier.
//!
//! Works on normalised text (see [`crate::normalize`]): ASCII digits, `%` and `.`; it never
//! panics, whatever the input.
//!
//! Multiplier rule: `万` and `亿` multiply the value (`2.1万` → 21000, `1.9万条` → 19000 条), except
//! when they form a money unit with `元` (`万元`, `亿元`): there the unit is kept as printed and the
//! value is not multiplied (`231.64亿元` → 231.64 亿元), because reports compare money in the unit
//! they print and multiplying would invent precision the report did not state.

use std::fmt;

/// An exact decimal: `units × 10^-scale`. Kept exact (not `f64`) so `231.64` stays `231.64` and
/// a printed rate can be compared digit by digit with a recomputed one. Always normalised: no
/// trailing zeros after the decimal point, so equal values compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    units: i128,
    scale: u32,
}

/// More decimals than any report prints; bounds the arithmetic so it cannot overflow.
const MAX_SCALE: u32 = 18;

impl Decimal {
    /// `units × 10^-scale`, normalised; `None` when the scale is beyond what is supported.
    pub fn new(units: i128, scale: u32) -> Option<Self> {
        if scale > MAX_SCALE {
            return None;
        }
        let mut d = Decimal { units, scale };
        while d.scale > 0 && d.units % 10 == 0 {
            d.units /= 10;
            d.scale -= 1;
        }
        Some(d)
    }

    pub fn from_int(n: i128) -> Self {
        Decimal { units: n, scale: 0 }
    }

    /// The digits without the decimal point and the number of decimals.
    pub fn parts(&self) -> (i128, u32) {
        (self.units, self.scale)
    }

    /// For computation; may lose the last digits of very long values.
    pub fn as_f64(&self) -> f64 {
        self.units as f64 / 10f64.powi(self.scale as i32)
    }

    /// `self × 10^k`, `None` on overflow.
    fn shift(self, k: u32) -> Option<Self> {
        if self.scale >= k {
            Decimal::new(self.units, self.scale - k)
        } else {
            let f = 10i128.checked_pow(k - self.scale)?;
            Some(Decimal::from_int(self.units.checked_mul(f)?))
        }
    }

    /// `self × 10^-k` (exact: only the scale grows).
    fn unshift(self, k: u32) -> Option<Self> {
        Decimal::new(self.units, self.scale.checked_add(k)?)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.units);
        }
        let sign = if self.units < 0 { "-" } else { "" };
        let digits = self.units.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{int}.{frac}")
    }
}

impl serde::Serialize for Decimal {
    /// As a string, so no JSON reader turns 231.64 into 231.63999….
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// How the report bounds the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// As printed.
    Exact,
    /// 近, 约, 大约, 将近, 左右.
    Approx,
    /// 逾, 超过, 超, 余, 多, 以上.
    AtLeast,
    /// 不到, 不足, 以下, 以内.
    AtMost,
}

/// A number as printed, normalised.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Quantity {
    pub value: Decimal,
    /// As printed after the number and any multiplier: `件`, `人次`, `亿元`, `%`; empty when the
    /// word after the number is not a known measure word.
    pub unit: String,
    pub qualifier: Qualifier,
}

/// Qualifiers before the number, longest first so `超过` wins over `超`.
const PREFIXES: &[(&str, Qualifier)] = &[
    ("将近", Qualifier::Approx),
    ("接近", Qualifier::Approx),
    ("大约", Qualifier::Approx),
    ("超过", Qualifier::AtLeast),
    ("不到", Qualifier::AtMost),
    ("不足", Qualifier::AtMost),
    ("近", Qualifier::Approx),
    ("约", Qualifier::Approx),
    ("逾", Qualifier::AtLeast),
    ("超", Qualifier::AtLeast),
];

/// Qualifiers after the unit.
const SUFFIXES: &[(&str, Qualifier)] = &[
    ("以上", Qualifier::AtLeast),
    ("以下", Qualifier::AtMost),
    ("以内", Qualifier::AtMost),
    ("左右", Qualifier::Approx),
];

/// Measure words recognised as units, longest first. Deliberately without 年, 月 and 日: after
/// a number they are usually a date, which is the caller's business.
const UNITS: &[&str] = &[
    "个百分点",
    "个工作日",
    "平方公里",
    "工作日",
    "大类",
    "平方米",
    "个月",
    "人次",
    "家次",
    "场次",
    "件次",
    "户次",
    "册次",
    "小时",
    "分钟",
    "公里",
    "%",
    "‰",
    "件",
    "个",
    "人",
    "家",
    "场",
    "次",
    "条",
    "项",
    "宗",
    "份",
    "部",
    "篇",
    "期",
    "名",
    "所",
    "户",
    "起",
    "套",
    "天",
    "元",
    "米",
    "吨",
    "倍",
    "批",
    "类",
    "处",
    "间",
    "台",
    "辆",
    "本",
    "册",
    "支",
    "队",
    "卷",
    "块",
    "座",
    "单",
];

/// A cursor over characters; all reads are bounds-checked.
struct Cursor<'a> {
    chars: &'a [char],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn peek_at(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }
    fn starts_with(&self, word: &str) -> bool {
        (self.pos..)
            .zip(word.chars())
            .all(|(i, c)| self.chars.get(i) == Some(&c))
    }
    /// Consumes `word` if it is next.
    fn eat(&mut self, word: &str) -> bool {
        if self.starts_with(word) {
            self.pos += word.chars().count();
            true
        } else {
            false
        }
    }
}

/// Reads a quantity at the start of `s`; returns it and the number of characters consumed.
/// `None` when `s` does not start with a number (or a qualifier then a number), or starts with a
/// year (`2019年`, `二〇二四年` — see [`parse_year`]).
pub fn parse_quantity(s: &str) -> Option<(Quantity, usize)> {
    // No printed quantity is longer than 64 characters; on the stack (this runs at every digit).
    let mut buf = ['\0'; 64];
    let mut n = 0;
    for (slot, c) in buf.iter_mut().zip(s.chars()) {
        *slot = c;
        n += 1;
    }
    let chars = &buf[..n];
    let mut cur = Cursor { chars, pos: 0 };
    let mut qualifier = Qualifier::Exact;
    for (word, q) in PREFIXES {
        if cur.eat(word) {
            qualifier = *q;
            break;
        }
    }
    if parse_year_at(&chars[cur.pos..]).is_some() {
        return None;
    }

    let percent_words = cur.eat("百分之");
    let before_number = cur.pos;
    let (mut value, chinese) = match read_arabic(&mut cur) {
        Some(v) => (v, false),
        None => (read_chinese(&mut cur)?, true),
    };
    if cur.pos == before_number {
        return None;
    }
    // 3000余件, 2万余人, 100多家: "more than".
    let mut more = !percent_words && (cur.eat("余") || cur.eat("多"));
    let mut unit = String::new();
    if percent_words {
        unit.push('%');
    }
    // A Chinese numeral has already taken 万/亿 into its value; an Arabic one takes them here.
    // 三千余万 still multiplies.
    let multiplier = if percent_words || (chinese && !more) {
        None
    } else if cur.peek() == Some('万') {
        Some(('万', 4))
    } else if cur.peek() == Some('亿') {
        Some(('亿', 8))
    } else {
        None
    };
    if let Some((m, k)) = multiplier {
        if cur.peek_at(1) == Some('元') {
            unit = format!("{m}元");
            cur.pos += 2;
        } else {
            cur.pos += 1;
            value = value.shift(k)?;
            more = more || cur.eat("余") || cur.eat("多");
        }
    } else if chinese && !more && !percent_words {
        // 一百二十万元: the numeral ended on the money multiplier; undo it (rule above).
        let last = chars.get(cur.pos.wrapping_sub(1)).copied();
        if cur.peek() == Some('元') && matches!(last, Some('万') | Some('亿')) {
            let k = if last == Some('万') { 4 } else { 8 };
            value = value.unshift(k)?;
            unit = format!("{}元", last.unwrap_or('万'));
            cur.pos += 1;
        }
    }
    if unit.is_empty() {
        for u in UNITS {
            if cur.eat(u) {
                unit = (*u).to_string();
                break;
            }
        }
    }
    if more || (!unit.is_empty() && cur.eat("余")) {
        qualifier = merge(qualifier, Qualifier::AtLeast);
    }
    for (word, q) in SUFFIXES {
        if cur.eat(word) {
            qualifier = merge(qualifier, *q);
            break;
        }
    }
    Some((
        Quantity {
            value,
            unit,
            qualifier,
        },
        cur.pos,
    ))
}

/// The qualifier printed first wins (`近3000余件` is still approximate); `Exact` gives way.
fn merge(first: Qualifier, second: Qualifier) -> Qualifier {
    if first == Qualifier::Exact {
        second
    } else {
        first
    }
}

/// Arabic digits with an optional decimal part; `,` or a single space between groups of three
/// digits is a thousands separator (`1,234`, `1 234`), anything else ends the number.
fn read_arabic(cur: &mut Cursor<'_>) -> Option<Decimal> {
    let start = cur.pos;
    let mut units: i128 = 0;
    let mut scale = 0u32;
    let mut any = false;
    // Digits since the start or the last separator: a first group has one to three, every
    // later one exactly three (1000,000 is no grouping; the number ends at the comma).
    let mut run = 0usize;
    let mut grouped = false;
    while let Some(c) = cur.peek() {
        if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            units = units.checked_mul(10)?.checked_add(i128::from(d))?;
            any = true;
            run += 1;
            cur.pos += 1;
        } else if (c == ',' || c == ' ')
            && any
            && (if grouped { run == 3 } else { run <= 3 })
            && is_group(cur, 1)
        {
            grouped = true;
            run = 0;
            cur.pos += 1;
        } else {
            break;
        }
    }
    if !any {
        cur.pos = start;
        return None;
    }
    if cur.peek() == Some('.') && cur.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
        cur.pos += 1;
        while let Some(d) = cur.peek().filter(char::is_ascii_digit) {
            if scale >= MAX_SCALE {
                // Digits beyond what is supported are read but dropped (truncation).
                cur.pos += 1;
                continue;
            }
            units = units
                .checked_mul(10)?
                .checked_add(i128::from(d as u32 - '0' as u32))?;
            scale += 1;
            cur.pos += 1;
        }
    }
    Decimal::new(units, scale)
}

/// Exactly three ASCII digits at offset `k`, not followed by a fourth.
fn is_group(cur: &Cursor<'_>, k: usize) -> bool {
    (k..k + 3).all(|i| cur.peek_at(i).is_some_and(|c| c.is_ascii_digit()))
        && !cur.peek_at(k + 3).is_some_and(|c| c.is_ascii_digit())
}

fn chinese_digit(c: char) -> Option<i128> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn chinese_small_unit(c: char) -> Option<i128> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        _ => return None,
    })
}

/// A Chinese numeral: 十五, 一百二十, 两千零五, 三万五千, 一万二 (= 12000), 三点五. A run of bare
/// digits (一二三) is read only when it is a single digit: longer runs are years or codes.
fn read_chinese(cur: &mut Cursor<'_>) -> Option<Decimal> {
    let start = cur.pos;
    let mut total: i128 = 0; // completed 亿 and 万 sections
    let mut section: i128 = 0; // below 万
    let mut digit: Option<i128> = None;
    let mut last_unit: i128 = 0; // the place of the last unit read, for 一万二 / 三千五
    let mut zero_seen = false;
    let mut any_unit = false;
    // Magnitudes only decrease: a second 万 before any 亿 after the first, or a second 亿, ends
    // the number (一万零一万元 is 一万零一 then 万元, never 2万).
    let mut wan_seen = false;
    let mut yi_seen = false;
    while let Some(c) = cur.peek() {
        if let Some(d) = chinese_digit(c) {
            if digit.is_some() {
                // Two digits in a row: only 零 may precede a digit (两千零五).
                if digit != Some(0) {
                    break;
                }
            }
            if d == 0 {
                zero_seen = true;
            }
            digit = Some(d);
            cur.pos += 1;
        } else if let Some(u) = chinese_small_unit(c) {
            // 十 alone at the start means 10 (十五 = 15).
            let d = digit.unwrap_or(1);
            section = section.checked_add(d.checked_mul(u)?)?;
            digit = None;
            last_unit = u;
            zero_seen = false;
            any_unit = true;
            cur.pos += 1;
        } else if c == '万' || c == '亿' {
            if digit.is_none() && section == 0 && total == 0 {
                break; // 万 with no number before it
            }
            if (c == '万' && wan_seen) || (c == '亿' && yi_seen) {
                break;
            }
            if c == '万' {
                wan_seen = true;
            } else {
                yi_seen = true;
                wan_seen = false;
            }
            let m: i128 = if c == '万' { 10_000 } else { 100_000_000 };
            section = section.checked_add(digit.take().unwrap_or(0))?;
            if c == '亿' {
                total = total.checked_add(section)?.checked_mul(m)?;
            } else {
                total = total.checked_add(section.checked_mul(m)?)?;
            }
            section = 0;
            last_unit = m;
            zero_seen = false;
            any_unit = true;
            cur.pos += 1;
        } else {
            break;
        }
    }
    if cur.pos == start {
        return None;
    }
    // 二〇二四, 一二三: a run of bare digits is a year or a code, not a quantity.
    if !any_unit && cur.peek().and_then(chinese_digit).is_some() {
        cur.pos = start;
        return None;
    }
    if let Some(d) = digit {
        // 一万二 / 三千五: a trailing digit right after a unit counts in the next lower place.
        let place = if !zero_seen && last_unit >= 100 {
            if last_unit == 100_000_000 {
                10_000_000
            } else if last_unit == 10_000 {
                1_000
            } else {
                last_unit / 10
            }
        } else {
            1
        };
        section = section.checked_add(d.checked_mul(place)?)?;
    }
    let int = total.checked_add(section)?;
    // 三点五: decimals, digit by digit.
    if cur.peek() == Some('点') && cur.peek_at(1).and_then(chinese_digit).is_some() {
        cur.pos += 1;
        let mut units = int;
        let mut scale = 0;
        while let Some(d) = cur.peek().and_then(chinese_digit) {
            if scale < MAX_SCALE {
                units = units.checked_mul(10)?.checked_add(d)?;
                scale += 1;
            }
            cur.pos += 1;
        }
        return Decimal::new(units, scale);
    }
    Some(Decimal::from_int(int))
}

/// Reads a year at the start of `s`: `2019年`, `二〇二四年`, `二零二四年` (1900–2100). Returns
/// the year and the characters consumed, 年 included.
pub fn parse_year(s: &str) -> Option<(i32, usize)> {
    let chars: Vec<char> = s.chars().take(5).collect();
    parse_year_at(&chars)
}

fn parse_year_at(chars: &[char]) -> Option<(i32, usize)> {
    if chars.len() < 5 || chars[4] != '年' {
        return None;
    }
    let mut year = 0i32;
    for &c in &chars[..4] {
        let d = if c.is_ascii_digit() {
            c as i32 - '0' as i32
        } else {
            match c {
                '〇' | '零' | 'Ｏ' | 'O' | 'o' => 0,
                _ => i32::try_from(chinese_digit(c)?).ok()?,
            }
        };
        year = year * 10 + d;
    }
    // Mixed scripts within one year (20一9) are not a year.
    let arabic = chars[..4].iter().filter(|c| c.is_ascii_digit()).count();
    if arabic != 0 && arabic != 4 {
        return None;
    }
    (1900..=2100).contains(&year).then_some((year, 5))
}

/// Prints a quantity so that [`parse_quantity`] reads it back to the same quantity: Arabic
/// digits, the unit as stored, the qualifier as a canonical word (约, 逾, 不到).
pub fn format_value(q: &Quantity) -> String {
    let prefix = match q.qualifier {
        Qualifier::Exact => "",
        Qualifier::Approx => "约",
        Qualifier::AtLeast => "逾",
        Qualifier::AtMost => "不到",
    };
    format!("{prefix}{}{}", q.value, q.unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(s: &str) -> (String, String, Qualifier, usize) {
        let (q, n) = parse_quantity(s).unwrap_or_else(|| panic!("no quantity in {s}"));
        (q.value.to_string(), q.unit, q.qualifier, n)
    }

    use Qualifier::*;

    #[test]
    fn examples_from_the_issue() {
        assert_eq!(q("2.1万"), ("21000".into(), "".into(), Exact, 4));
        assert_eq!(q("1.9万条，"), ("19000".into(), "条".into(), Exact, 5));
        assert_eq!(q("231.64亿元"), ("231.64".into(), "亿元".into(), Exact, 8));
        assert_eq!(q("99.51%"), ("99.51".into(), "%".into(), Exact, 6));
        assert_eq!(q("近2万件"), ("20000".into(), "件".into(), Approx, 4));
        assert_eq!(q("逾15场次"), ("15".into(), "场次".into(), AtLeast, 5));
        assert_eq!(q("3000余件"), ("3000".into(), "件".into(), AtLeast, 6));
        assert_eq!(q("100件以上"), ("100".into(), "件".into(), AtLeast, 6));
        assert_eq!(q("一百二十人"), ("120".into(), "人".into(), Exact, 5));
        assert_eq!(q("两千零五件"), ("2005".into(), "件".into(), Exact, 5));
        assert_eq!(q("十五"), ("15".into(), "".into(), Exact, 2));
    }

    #[test]
    fn more_forms() {
        assert_eq!(q("1,234件"), ("1234".into(), "件".into(), Exact, 6));
        assert_eq!(q("1 234件"), ("1234".into(), "件".into(), Exact, 6));
        assert_eq!(q("1 23件").3, 1); // not a group of three: the number ends at the space
                                      // A first group of four is no grouping: never read as 1000000%.
        assert!(parse_quantity("1000,000%").is_none_or(|(q, _)| q.value.to_string() == "1000"));
        assert_eq!(q("2万余人"), ("20000".into(), "人".into(), AtLeast, 4));
        assert_eq!(q("一万二"), ("12000".into(), "".into(), Exact, 3));
        assert_eq!(q("三千五百万元"), ("3500".into(), "万元".into(), Exact, 6));
        assert_eq!(q("三点五倍"), ("3.5".into(), "倍".into(), Exact, 4));
        assert_eq!(q("百分之九十"), ("90".into(), "%".into(), Exact, 5));
        assert_eq!(q("百分之九十以上"), ("90".into(), "%".into(), AtLeast, 7));
        assert_eq!(q("三千余万元"), ("3000".into(), "万元".into(), AtLeast, 5));
        assert_eq!(
            q("三千余万人"),
            ("30000000".into(), "人".into(), AtLeast, 5)
        );
        assert_eq!(q("一亿二千万元"), ("12000".into(), "万元".into(), Exact, 6));
        // Found by the robustness property test: a second 万 is no second multiplier.
        assert_eq!(q("一万零一万元"), ("10001".into(), "".into(), Exact, 4));
        assert_eq!(q("不到10%"), ("10".into(), "%".into(), AtMost, 5));
        assert_eq!(q("50人左右"), ("50".into(), "人".into(), Approx, 5));
        assert_eq!(q("3.0%"), ("3".into(), "%".into(), Exact, 4));
        assert_eq!(q("0.05"), ("0.05".into(), "".into(), Exact, 4));
        assert_eq!(parse_quantity("2019年"), None);
        assert_eq!(parse_quantity("二〇二四年"), None);
        assert_eq!(parse_quantity("件"), None);
        assert_eq!(parse_quantity("近"), None);
        assert_eq!(parse_quantity("一二三"), None);
    }

    #[test]
    fn years() {
        assert_eq!(parse_year("2019年度"), Some((2019, 5)));
        assert_eq!(parse_year("二〇二四年"), Some((2024, 5)));
        assert_eq!(parse_year("二零二三年"), Some((2023, 5)));
        assert_eq!(parse_year("2019"), None);
        assert_eq!(parse_year("3000年"), None);
    }

    /// The Chinese numeral of `n` (0 ≤ n < 10^8), as a report prints it.
    fn chinese(n: u64) -> String {
        const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
        fn below_10000(n: u64, leading: bool) -> String {
            let places = [(1000, "千"), (100, "百"), (10, "十"), (1, "")];
            let mut out = String::new();
            let mut pending_zero = false;
            let mut started = false;
            for (p, name) in places {
                let d = (n / p % 10) as usize;
                if d == 0 {
                    if started {
                        pending_zero = true;
                    }
                    continue;
                }
                if pending_zero {
                    out.push_str(D[0]);
                    pending_zero = false;
                }
                // 十五 rather than 一十五, only at the very start of the numeral.
                if !(p == 10 && d == 1 && !started && leading) {
                    out.push_str(D[d]);
                }
                out.push_str(name);
                started = true;
            }
            out
        }
        if n == 0 {
            return D[0].to_string();
        }
        let high = n / 10_000;
        let low = n % 10_000;
        let mut out = String::new();
        if high > 0 {
            out.push_str(&below_10000(high, true));
            out.push('万');
            if low > 0 && low < 1000 {
                out.push_str(D[0]);
            }
        }
        if low > 0 {
            out.push_str(&below_10000(low, high == 0));
        }
        out
    }

    #[test]
    fn chinese_generator_sanity() {
        assert_eq!(chinese(15), "十五");
        assert_eq!(chinese(120), "一百二十");
        assert_eq!(chinese(2005), "二千零五");
        assert_eq!(chinese(10010), "一万零一十");
        assert_eq!(chinese(30500), "三万零五百");
    }

    fn qualifier() -> impl Strategy<Value = Qualifier> {
        prop_oneof![Just(Exact), Just(Approx), Just(AtLeast), Just(AtMost)]
    }

    proptest! {
        #[test]
        fn arabic_integers_round_trip(n in 0u64..=u64::MAX / 2, unit in prop::sample::select(UNITS)) {
            let text = format!("{n}{unit}");
            let (got, used) = parse_quantity(&text).unwrap();
            prop_assert_eq!(got.value, Decimal::from_int(i128::from(n)));
            prop_assert_eq!(got.unit, unit);
            prop_assert_eq!(used, text.chars().count());
        }

        #[test]
        fn decimals_round_trip(units in 0i64..=i64::MAX, scale in 0u32..8) {
            let d = Decimal::new(i128::from(units), scale).unwrap();
            let (got, _) = parse_quantity(&d.to_string()).unwrap();
            prop_assert_eq!(got.value, d);
        }

        #[test]
        fn thousands_separators(n in 1000u64..10_000_000_000, sep in prop::sample::select(vec![",", " "])) {
            let digits = n.to_string();
            let mut grouped = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    grouped.push_str(sep);
                }
                grouped.push(c);
            }
            let (got, used) = parse_quantity(&format!("{grouped}件")).unwrap();
            prop_assert_eq!(got.value, Decimal::from_int(i128::from(n)));
            prop_assert_eq!(used, grouped.chars().count() + 1);
        }

        #[test]
        fn every_multiplier(units in 1i64..1_000_000, scale in 0u32..3, mult in prop::sample::select(vec![('万', 4u32), ('亿', 8)]), unit in prop::sample::select(vec!["", "人", "条", "人次", "户"])) {
            let d = Decimal::new(i128::from(units), scale).unwrap();
            let text = format!("{d}{}{unit}", mult.0);
            let (got, used) = parse_quantity(&text).unwrap();
            prop_assert_eq!(got.value, d.shift(mult.1).unwrap());
            prop_assert_eq!(got.unit, unit);
            prop_assert_eq!(used, text.chars().count());
            // Money: unit as printed, value not multiplied.
            let money = format!("{d}{}元", mult.0);
            let (got, _) = parse_quantity(&money).unwrap();
            prop_assert_eq!(got.value, d);
            prop_assert_eq!(got.unit, format!("{}元", mult.0));
        }

        #[test]
        fn chinese_numerals(n in 0u64..100_000) {
            let text = chinese(n);
            let (got, used) = parse_quantity(&format!("{text}件")).unwrap();
            prop_assert_eq!(got.value, Decimal::from_int(i128::from(n)), "{}", text);
            prop_assert_eq!(got.unit, "件");
            prop_assert_eq!(used, text.chars().count() + 1);
        }

        #[test]
        fn every_qualifier_word(n in 1u64..1_000_000,
                                pre in prop::sample::select(PREFIXES),
                                suf in prop::sample::select(SUFFIXES)) {
            let (got, _) = parse_quantity(&format!("{}{n}件", pre.0)).unwrap();
            prop_assert_eq!(got.qualifier, pre.1);
            let (got, used) = parse_quantity(&format!("{n}件{}", suf.0)).unwrap();
            prop_assert_eq!(got.qualifier, suf.1);
            prop_assert_eq!(used, n.to_string().len() + 3);
            for word in ["余", "多"] {
                let (got, _) = parse_quantity(&format!("{n}{word}件")).unwrap();
                prop_assert_eq!(got.qualifier, AtLeast);
            }
        }

        #[test]
        fn format_round_trips(units in 0i64..=i64::MAX, scale in 0u32..6,
                              unit in prop::sample::select(UNITS), qual in qualifier()) {
            let quantity = Quantity {
                value: Decimal::new(i128::from(units), scale).unwrap(),
                unit: unit.to_string(),
                qualifier: qual,
            };
            let text = format_value(&quantity);
            let (got, used) = parse_quantity(&text).unwrap();
            prop_assert_eq!(got, quantity);
            prop_assert_eq!(used, text.chars().count());
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            if let Some((_, used)) = parse_quantity(&s) {
                prop_assert!(used <= s.chars().count());
            }
            let _ = parse_year(&s);
        }

        #[test]
        fn never_panics_on_number_soup(s in prop::collection::vec(prop::sample::select(
            vec!['0', '9', '.', ',', ' ', '万', '亿', '元', '十', '百', '千', '零', '两', '五', '点',
                 '余', '多', '近', '超', '过', '以', '上', '%', '件', '年', '〇', '二']), 0..40)) {
            let s: String = s.into_iter().collect();
            let _ = parse_quantity(&s);
            let _ = parse_year(&s);
        }
    }
}
