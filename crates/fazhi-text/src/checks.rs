//! Checks: recompute the rates and year-over-year changes a report prints from the counts it
//! prints next to them, and say whether the printed number follows (issue 6, §5).
//!
//! - A printed rate (unit `%`, not a change) whose key is a catalogue rate
//!   (`data/indicators.toml`) is checked against its parts among the figures printed shortly
//!   before it (at most [`WINDOW_FIGURES`] figures and [`WINDOW_CHARS`] characters back, same
//!   year): the figure with the catalogue's numerator key, else the count immediately before the
//!   rate; the figure with the denominator key, else the count immediately before the numerator.
//! - A printed change (同比增长/下降 x%) is checked when the same key is printed nearby for the
//!   report year and for the year before: `|this − last| / last`.
//!
//! Verdicts, with the printed number of decimals (read from the quote, so `37.50%` has two):
//! [`Verdict::Consistent`] when half-up rounding gives the printed digits; [`Verdict::Rounding`]
//! when the exact value is within one unit of the last printed digit (truncation, rounding up,
//! fewer digits kept than the default); otherwise the other counts nearby are tried as
//! denominators (`14/86`, `14/94` …) and the first that gives the printed digits is reported; when
//! none does, [`Verdict::Unexplained`] with every pair considered — but only when both parts the
//! catalogue names were found by their keys, or when the catalogue's denominator is not printed and
//! the printed rate is below what any printed caseload allows (see `below_every_bound`). Otherwise
//! a rate whose catalogue denominator is not printed is [`Verdict::PartsNotPrinted`] (denominator
//! `None`, the pairs tried in `candidates`); a rate
//! whose numerator was only guessed (the unkeyed count just before it) and which that guess does
//! not explain is checked as a rate without a printed numerator (below).
//!
//! When a rate's numerator is not printed (办结19件，纠错率21%) but a denominator is, the check
//! says whether some whole count over that denominator gives the printed rate (4/19 = 21.05% →
//! 21%); `numerator` stays `None` and the implied count is listed in `candidates`. Such a check is
//! reported only when it is explained: an unprinted numerator is no evidence of an error.
//!
//! Exact integer arithmetic throughout; a zero or negative denominator gives no check; never
//! panics.

use fazhi_domain::catalogue::{Catalogue, Kind as CatKind};

use crate::figures::{Direction, Figure};
use crate::number::Decimal;

/// How far back a rate's parts may be printed: figures.
pub const WINDOW_FIGURES: usize = 12;
/// How far back a rate's parts may be printed: characters of the original text.
pub const WINDOW_CHARS: usize = 300;

/// What was recomputed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// numerator / denominator.
    Rate,
    /// (this year − last year) / last year.
    Change,
}

/// How the printed number relates to the recomputed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Half-up rounding at the printed decimals gives the printed digits.
    Consistent,
    /// Within one unit of the last printed digit: truncation or another rounding.
    Rounding,
    /// Both parts the catalogue names are printed nearby and no pair considered gives the printed
    /// number: a discrepancy in the text.
    Unexplained,
    /// The catalogue's numerator is printed but its denominator is not, and no count printed nearby
    /// gives the printed rate (纠错9件、纠错率37.5% where the cases concluded on the merits, 24, are
    /// not printed): the rate cannot be checked from the text, which is no evidence of an error.
    PartsNotPrinted,
}

/// One check of a printed rate or change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    pub kind: CheckKind,
    /// The number as printed (without %).
    pub printed: Decimal,
    /// The pair the verdict is about (for a change: `|this − last|`); `None` when not printed.
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    /// numerator / denominator in percent, with the printed decimals, half-up.
    pub computed: Option<Decimal>,
    pub verdict: Verdict,
    /// Every (numerator, denominator) pair considered, the first being the catalogue's.
    pub candidates: Vec<(Decimal, Decimal)>,
    /// The printed figure's quote and offsets into the original text.
    pub quote: String,
    pub start: usize,
    pub end: usize,
}

/// Every check the figures allow, in text order.
pub fn checks(figures: &[Figure]) -> Vec<Check> {
    let catalogue = Catalogue::embedded();
    let mut out = Vec::new();
    for (i, f) in figures.iter().enumerate() {
        if !is_percent(f) {
            continue;
        }
        let check = if f.change {
            change_check(figures, i)
        } else {
            rate_check(figures, i, catalogue)
        };
        out.extend(check);
    }
    out
}

fn is_percent(f: &Figure) -> bool {
    matches!(f.unit.as_str(), "%" | "％")
}

/// A count that may be a part: not a percentage, not a change, positive.
fn is_count(f: &Figure) -> bool {
    !is_percent(f) && !f.change && f.value.parts().0 > 0
}

fn same_year(a: &Figure, b: &Figure) -> bool {
    match (a.year, b.year) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// The indices of the counts printed before figure `i` within the window, nearest first.
fn counts_before(figures: &[Figure], i: usize) -> Vec<usize> {
    let at = &figures[i];
    (0..i)
        .rev()
        .take(WINDOW_FIGURES)
        .filter(|&j| at.start.saturating_sub(figures[j].start) <= WINDOW_CHARS)
        .filter(|&j| is_count(&figures[j]) && same_year(&figures[j], at))
        .collect()
}

/// The printed number of decimals: from the quote when the number is found there with its `%`
/// (`37.50%` → 2), else the value's own.
fn printed_decimals(f: &Figure) -> u32 {
    let from_value = f.value.parts().1;
    let chars: Vec<char> = f.quote.chars().collect();
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let mut k = 0;
    while k < chars.len() {
        if !digit(chars[k]) {
            k += 1;
            continue;
        }
        let s = k;
        while k < chars.len() && (digit(chars[k]) || matches!(chars[k], '.' | '．')) {
            k += 1;
        }
        if k < chars.len() && matches!(chars[k], '%' | '％') {
            let run: String = chars[s..k]
                .iter()
                .map(|&c| match c {
                    '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                    '．' => '.',
                    c => c,
                })
                .collect();
            if parse_plain(&run) == Some(f.value) {
                return run.split_once('.').map_or(0, |(_, d)| d.len() as u32);
            }
        }
    }
    from_value
}

/// `123.45` → Decimal; `None` for anything else.
fn parse_plain(s: &str) -> Option<Decimal> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 18 {
        return None;
    }
    let units: i128 = format!("{int}{frac}").parse().ok()?;
    Decimal::new(units, frac.len() as u32)
}

/// `n / d × 100 × 10^k` as an exact fraction of integers `(num, den)`; `None` when `d ≤ 0`,
/// `n < 0` or on overflow.
fn scaled_fraction(n: Decimal, d: Decimal, k: u32) -> Option<(i128, i128)> {
    let (nu, ns) = n.parts();
    let (du, ds) = d.parts();
    if du <= 0 || nu < 0 {
        return None;
    }
    // n/d = nu·10^ds / (du·10^ns)
    let num = nu
        .checked_mul(10i128.checked_pow(ds)?)?
        .checked_mul(100)?
        .checked_mul(10i128.checked_pow(k)?)?;
    let den = du.checked_mul(10i128.checked_pow(ns)?)?;
    Some((num, den))
}

/// `n / d` in percent with `k` decimals, half-up.
fn percent_half_up(n: Decimal, d: Decimal, k: u32) -> Option<Decimal> {
    let (num, den) = scaled_fraction(n, d, k)?;
    let q = num.checked_mul(2)?.checked_add(den)? / den.checked_mul(2)?;
    Decimal::new(q, k)
}

/// The printed value as an integer count of units of its `k`th decimal.
fn printed_units(p: Decimal, k: u32) -> Option<i128> {
    let (u, s) = p.parts();
    if s > k {
        return None;
    }
    u.checked_mul(10i128.checked_pow(k - s)?)
}

/// The verdict for `n / d` against `printed` with `k` decimals; `None` when it cannot be computed.
fn classify(printed: Decimal, k: u32, n: Decimal, d: Decimal) -> Option<Verdict> {
    let computed = percent_half_up(n, d, k)?;
    if computed == printed {
        return Some(Verdict::Consistent);
    }
    let (num, den) = scaled_fraction(n, d, k)?;
    let p = printed_units(printed, k)?;
    // |num/den − p| < 1  ⇔  |num − p·den| < den
    let diff = num.checked_sub(p.checked_mul(den)?)?;
    Some(if diff.checked_abs()? < den {
        Verdict::Rounding
    } else {
        Verdict::Unexplained
    })
}

fn rate_check(figures: &[Figure], i: usize, catalogue: &Catalogue) -> Option<Check> {
    let f = &figures[i];
    let entry = catalogue.get(f.key.as_deref()?)?;
    if entry.kind != CatKind::Rate {
        return None;
    }
    let k = printed_decimals(f);
    let near = counts_before(figures, i);
    let has_key = |j: &usize, key: &Option<String>| {
        key.is_some() && figures[*j].key.as_deref() == key.as_deref()
    };
    let module = entry.key.split('.').next().unwrap_or_default();
    let of_module = |j: &usize| {
        figures[*j]
            .key
            .as_deref()
            .is_some_and(|key| key.split('.').next() == Some(module))
    };
    // The numerator: the catalogue's key, else the count immediately before the rate when it has
    // no key (a keyed count is what its key says: 办结19件 is no 纠错 count).
    let num_by_key = near.iter().copied().find(|j| has_key(j, &entry.numerator));
    let num = num_by_key.or_else(|| near.first().copied().filter(|&j| figures[j].key.is_none()));
    // The denominator: the catalogue's key, else the counts of the rate's module nearby, the one
    // immediately before the numerator first; never below the numerator unless the catalogue
    // says the rate can exceed 100%.
    let fits = |j: &usize| {
        Some(*j) != num
            && (entry.can_exceed
                || num.is_none_or(|n| figures[n].value.as_f64() <= figures[*j].value.as_f64()))
    };
    let den_by_key = near
        .iter()
        .copied()
        .find(|j| has_key(j, &entry.denominator) && fits(j));
    let from = num.unwrap_or(i);
    let mut others: Vec<usize> = near
        .iter()
        .copied()
        .filter(|j| Some(*j) != den_by_key && of_module(j) && fits(j))
        .collect();
    // The one immediately before the numerator first.
    others.sort_by_key(|&j| (j > from, std::cmp::Reverse(j)));
    let dens: Vec<usize> = den_by_key.into_iter().chain(others).collect();
    // 100% with its population not printed (出庭应诉78件，出庭应诉率100%): nothing to compare.
    let full = f.value == Decimal::from_int(100) && den_by_key.is_none();

    let Some(num) = num else {
        return implied_numerator(f, k, figures, &dens);
    };
    let n = figures[num].value;
    let mut candidates: Vec<(Decimal, Decimal)> = Vec::new();
    let mut first: Option<(Decimal, Verdict)> = None;
    for &j in &dens {
        let d = figures[j].value;
        if candidates.contains(&(n, d)) {
            continue;
        }
        let Some(verdict) = classify(f.value, k, n, d) else {
            continue;
        };
        candidates.push((n, d));
        first.get_or_insert((d, verdict));
        // The catalogue pair decides unless it is unexplained; then an exact fit of another
        // count nearby explains the number.
        if candidates.len() == 1 && verdict != Verdict::Unexplained
            || verdict == Verdict::Consistent
        {
            return Some(check(
                f,
                CheckKind::Rate,
                k,
                Some(n),
                d,
                verdict,
                candidates,
            ));
        }
    }
    let (d, verdict) = first?;
    if full && verdict == Verdict::Unexplained {
        return None;
    }
    if verdict == Verdict::Unexplained && num_by_key.is_none() {
        // The numerator was only the count printed before the rate (其中会后提案2件, 满意率99.1%):
        // no evidence it is a part. Check as a rate whose numerator is not printed.
        return implied_numerator(f, k, figures, &dens);
    }
    if verdict == Verdict::Unexplained
        && den_by_key.is_none()
        && !below_every_bound(f, k, n, &candidates)
    {
        let mut c = check(
            f,
            CheckKind::Rate,
            k,
            Some(n),
            d,
            Verdict::PartsNotPrinted,
            candidates,
        );
        c.denominator = None;
        c.computed = None;
        return Some(c);
    }
    Some(check(
        f,
        CheckKind::Rate,
        k,
        Some(n),
        d,
        verdict,
        candidates,
    ))
}

/// Whether the printed rate is below `n / d` (by more than one unit of its last digit) for every
/// candidate denominator `d`. The candidates stand in for an unprinted catalogue denominator; they
/// are the module's caseload printed around the rate (收到, 受理, 审结), of which the rate's own
/// population (作出实体决定) is a part. So `n / smallest candidate` is the least the rate can be,
/// and a printed rate below it is a discrepancy whatever the unprinted denominator (纠错14件, 纠错率
/// 13.73% beside 审结86件: at least 16.28%).
fn below_every_bound(f: &Figure, k: u32, n: Decimal, candidates: &[(Decimal, Decimal)]) -> bool {
    let Some(p) = printed_units(f.value, k) else {
        return false;
    };
    candidates.iter().all(|&(_, d)| {
        scaled_fraction(n, d, k).is_some_and(|(num, den)| {
            p.checked_add(1)
                .and_then(|q| q.checked_mul(den))
                .is_some_and(|v| v <= num)
        })
    }) && !candidates.is_empty()
}

/// A rate whose numerator is not printed: the first denominator over which a whole count gives
/// the printed digits (half-up), or no check.
fn implied_numerator(f: &Figure, k: u32, figures: &[Figure], dens: &[usize]) -> Option<Check> {
    let mut candidates = Vec::new();
    for &j in dens {
        let d = figures[j].value;
        let (du, ds) = d.parts();
        if ds != 0 || du <= 0 {
            continue;
        }
        // n ≈ printed × d / 100, rounded: try it and its neighbours.
        let p = f.value.as_f64();
        let guess = (p * du as f64 / 100.0).round();
        if !guess.is_finite() || guess.abs() > 1e15 {
            continue;
        }
        let guess = guess as i128;
        for n in [guess, guess - 1, guess + 1] {
            if n < 0 {
                continue;
            }
            let nd = Decimal::from_int(n);
            if classify(f.value, k, nd, d) == Some(Verdict::Consistent) {
                candidates.push((nd, d));
                let mut c = check(
                    f,
                    CheckKind::Rate,
                    k,
                    None,
                    d,
                    Verdict::Consistent,
                    candidates,
                );
                c.computed = percent_half_up(nd, d, k);
                return Some(c);
            }
        }
    }
    None
}

fn change_check(figures: &[Figure], i: usize) -> Option<Check> {
    let f = &figures[i];
    let key = f.key.as_deref()?;
    let year = f.year?;
    let k = printed_decimals(f);
    // Same key, the window either side, nearest first.
    // Only the window is looked at: a change per figure must not cost the whole document.
    let window = i.saturating_sub(WINDOW_FIGURES)..figures.len().min(i + WINDOW_FIGURES + 1);
    let mut near: Vec<usize> = window
        .filter(|&j| j != i)
        .filter(|&j| f.start.abs_diff(figures[j].start) <= WINDOW_CHARS)
        .filter(|&j| is_count(&figures[j]) && figures[j].key.as_deref() == Some(key))
        .collect();
    near.sort_by_key(|&j| (i.abs_diff(j), j > i));
    let this = near.iter().find(|&&j| figures[j].year == Some(year))?;
    let last = near.iter().find(|&&j| figures[j].year == Some(year - 1))?;
    let (this, last) = (figures[*this].value, figures[*last].value);
    let ((tu, ts), (lu, ls)) = (this.parts(), last.parts());
    // |this − last| at the common scale.
    let s = ts.max(ls);
    let t = tu.checked_mul(10i128.checked_pow(s - ts)?)?;
    let l = lu.checked_mul(10i128.checked_pow(s - ls)?)?;
    let diff = Decimal::new(t.checked_sub(l)?.checked_abs()?, s)?;
    let stated = match t.cmp(&l) {
        std::cmp::Ordering::Greater => Some(Direction::Increase),
        std::cmp::Ordering::Less => Some(Direction::Decrease),
        std::cmp::Ordering::Equal => None,
    };
    let mut verdict = classify(f.value, k, diff, last)?;
    if f.direction.is_some() && stated.is_some() && f.direction != stated {
        verdict = Verdict::Unexplained;
    }
    Some(check(
        f,
        CheckKind::Change,
        k,
        Some(diff),
        last,
        verdict,
        vec![(diff, last)],
    ))
}

fn check(
    f: &Figure,
    kind: CheckKind,
    k: u32,
    numerator: Option<Decimal>,
    denominator: Decimal,
    verdict: Verdict,
    candidates: Vec<(Decimal, Decimal)>,
) -> Check {
    Check {
        kind,
        printed: f.value,
        computed: numerator.and_then(|n| percent_half_up(n, denominator, k)),
        numerator,
        denominator: Some(denominator),
        verdict,
        candidates,
        quote: f.quote.clone(),
        start: f.start,
        end: f.end,
    }
}
