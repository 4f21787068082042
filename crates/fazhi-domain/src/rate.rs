//! Exact arithmetic for published figures: rates as numerator/denominator, percentages with a
//! chosen rounding, and year-over-year change (同比). Shared by every module, the report
//! generator and the analyzer (`indicators.md`: "a rate is stored as its numerator and
//! denominator counts, never as a bare percentage").

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// ROUND_HALF_UP, the default.
    #[default]
    HalfUp,
    /// Truncation, which some published reports use.
    Truncate,
}

/// How percentages are printed: a report setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PercentFormat {
    pub decimals: u32,
    pub rounding: Rounding,
}

impl Default for PercentFormat {
    fn default() -> Self {
        Self {
            decimals: 2,
            rounding: Rounding::HalfUp,
        }
    }
}

/// `num / den` as a percentage string without the % sign, e.g. "91.49". `None` when `den == 0`
/// (a rate over nothing is "not applicable", never 0% or 100%) or an input is negative.
pub fn percent(num: i64, den: i64, fmt: PercentFormat) -> Option<String> {
    percent_wide(i128::from(num), i128::from(den), fmt)
}

/// [`percent`] of 128-bit parts (products of two counts, as a change of rates has).
fn percent_wide(num: i128, den: i128, fmt: PercentFormat) -> Option<String> {
    if den <= 0 || num < 0 {
        return None;
    }
    let scale = 10i128.pow(fmt.decimals);
    let (n, d) = (num.checked_mul(100 * scale)?, den);
    let scaled = match fmt.rounding {
        Rounding::HalfUp => n.checked_mul(2)?.checked_add(d)? / (2 * d),
        Rounding::Truncate => n / d,
    };
    let int = scaled / scale;
    if fmt.decimals == 0 {
        return Some(int.to_string());
    }
    Some(format!(
        "{int}.{:0width$}",
        scaled % scale,
        width = fmt.decimals as usize
    ))
}

/// Year-over-year change of a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "direction", content = "percent")]
pub enum Change {
    /// 增长 x%
    Increase(String),
    /// 下降 x%
    Decrease(String),
    /// 持平
    Same,
    /// 新增: last year was zero.
    New,
}

impl Change {
    pub fn of(this: i64, last: i64, fmt: PercentFormat) -> Option<Self> {
        if last == 0 {
            return Some(if this == 0 { Self::Same } else { Self::New });
        }
        Some(match this.cmp(&last) {
            std::cmp::Ordering::Greater => Self::Increase(percent(this - last, last, fmt)?),
            std::cmp::Ordering::Less => Self::Decrease(percent(last - this, last, fmt)?),
            std::cmp::Ordering::Equal => Self::Same,
        })
    }

    /// The words reports use: 增长14.63%.
    pub fn text(&self) -> String {
        match self {
            Self::Increase(p) => format!("增长{p}%"),
            Self::Decrease(p) => format!("下降{p}%"),
            Self::Same => "持平".into(),
            Self::New => "新增".into(),
        }
    }
}

/// Change of a rate, in percentage points (百分点), from two rates given as parts.
pub fn point_change(this: (i64, i64), last: (i64, i64), fmt: PercentFormat) -> Option<String> {
    if this.1 <= 0 || last.1 <= 0 {
        return None;
    }
    // this.0/this.1 - last.0/last.1 = (this.0*last.1 - last.0*this.1) / (this.1*last.1)
    // In 128 bits: filed counts go up to 10^12, so the products overflow 64.
    let (a, b, c, d) = (
        i128::from(this.0),
        i128::from(this.1),
        i128::from(last.0),
        i128::from(last.1),
    );
    let num = a * d - c * b;
    let den = b * d;
    let mag = percent_wide(num.abs(), den, fmt)?;
    Some(match num.signum() {
        1 => format!("上升{mag}个百分点"),
        -1 => format!("下降{mag}个百分点"),
        _ => "持平".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: PercentFormat = PercentFormat {
        decimals: 2,
        rounding: Rounding::HalfUp,
    };
    const T: PercentFormat = PercentFormat {
        decimals: 2,
        rounding: Rounding::Truncate,
    };

    #[test]
    fn seed_figures() {
        assert_eq!(percent(86, 94, D).as_deref(), Some("91.49"));
        assert_eq!(percent(20, 94, D).as_deref(), Some("21.28"));
        assert_eq!(percent(10, 134, D).as_deref(), Some("7.46"));
        assert_eq!(
            percent(9, 24, PercentFormat { decimals: 1, ..D }).as_deref(),
            Some("37.5")
        );
        assert_eq!(percent(5903, 5907, D).as_deref(), Some("99.93"));
        assert_eq!(Change::of(94, 82, D).unwrap().text(), "增长14.63%");
        // 2923 vs 3858: half-up 24.24, truncated 24.23 (seed 000 truncates).
        assert_eq!(Change::of(2923, 3858, D).unwrap().text(), "下降24.24%");
        assert_eq!(Change::of(2923, 3858, T).unwrap().text(), "下降24.23%");
        assert_eq!(
            percent(4, 19, PercentFormat { decimals: 0, ..D }).as_deref(),
            Some("21")
        );
    }

    #[test]
    fn edges() {
        assert_eq!(percent(1, 0, D), None);
        assert_eq!(percent(0, 5, D).as_deref(), Some("0.00"));
        assert_eq!(percent(5, 5, D).as_deref(), Some("100.00"));
        assert_eq!(percent(1, 200, D).as_deref(), Some("0.50"));
        assert_eq!(Change::of(3, 0, D), Some(Change::New));
        assert_eq!(Change::of(0, 0, D), Some(Change::Same));
        assert_eq!(
            point_change((1, 2), (1, 4), D).as_deref(),
            Some("上升25.00个百分点")
        );
        // Filed parts up to 10^12: the cross products need more than 64 bits.
        let big = 1_000_000_000_000;
        assert_eq!(
            point_change((big - 1, big), (big / 2, big), D).as_deref(),
            Some("上升50.00个百分点")
        );
        assert_eq!(percent(big, big, D).as_deref(), Some("100.00"));
    }
}
