//! Identity numbers: 居民身份证号码 (GB 11643, ISO 7064 MOD 11-2 check digit) and
//! 统一社会信用代码 (GB 32100, MOD 31 check character). Their only constructors validate,
//! so a value of these types is always well-formed.

use crate::error::Code;
use crate::error::{DomainError, DomainResult};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A validated 18-character resident identity number.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdCardNumber(String);

impl IdCardNumber {
    pub fn parse(input: &str) -> DomainResult<Self> {
        Self::parse_field(input, "id_number")
    }

    /// Parses, naming `field` in the error.
    pub fn parse_field(input: &str, field: &str) -> DomainResult<Self> {
        let s: String = input.trim().to_uppercase();
        let bad = |why: &str| {
            DomainError::field(Code::InvalidIdNumber, field, format!("身份证号码{why}"))
        };
        if s.chars().count() != 18 {
            return Err(bad("应为18位"));
        }
        let bytes = s.as_bytes();
        if !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(bad("只能由数字和末位X组成"));
        }
        let date = &s[6..14];
        if NaiveDate::parse_from_str(date, "%Y%m%d").is_err() {
            return Err(bad("中的出生日期无效"));
        }
        if id_check_char(&bytes[..17]) != bytes[17] {
            return Err(bad("校验码错误"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Masked form for lists, exports and logs: the first 4 and last 4 characters kept.
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 4, 4)
    }
}

/// ISO 7064 MOD 11-2 check character for the first 17 digits.
fn id_check_char(digits: &[u8]) -> u8 {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

impl TryFrom<String> for IdCardNumber {
    type Error = DomainError;
    fn try_from(s: String) -> DomainResult<Self> {
        Self::parse(&s)
    }
}
impl From<IdCardNumber> for String {
    fn from(v: IdCardNumber) -> String {
        v.0
    }
}
impl fmt::Debug for IdCardNumber {
    // Never print personal data in full, even in debug output that may reach a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdCardNumber({})", self.masked())
    }
}

/// A validated 18-character unified social credit code.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

/// GB 32100 alphabet: digits and capital letters without I, O, Z, S, V.
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

impl CreditCode {
    pub fn parse(input: &str) -> DomainResult<Self> {
        Self::parse_field(input, "credit_code")
    }

    pub fn parse_field(input: &str, field: &str) -> DomainResult<Self> {
        let s = input.trim().to_uppercase();
        let bad = |why: &str| {
            DomainError::field(
                Code::InvalidCreditCode,
                field,
                format!("统一社会信用代码{why}"),
            )
        };
        if s.chars().count() != 18 {
            return Err(bad("应为18位"));
        }
        let values: Option<Vec<u32>> = s
            .bytes()
            .map(|c| {
                CREDIT_ALPHABET
                    .iter()
                    .position(|&a| a == c)
                    .map(|p| p as u32)
            })
            .collect();
        let Some(values) = values else {
            return Err(bad("含有无效字符"));
        };
        const WEIGHTS: [u32; 17] = [
            1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
        ];
        let sum: u32 = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
        let check = (31 - sum % 31) % 31;
        if values[17] != check {
            return Err(bad("校验码错误"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CreditCode {
    type Error = DomainError;
    fn try_from(s: String) -> DomainResult<Self> {
        Self::parse(&s)
    }
}
impl From<CreditCode> for String {
    fn from(v: CreditCode) -> String {
        v.0
    }
}

/// Keeps `head` leading and `tail` trailing characters and stars the rest.
pub fn mask_middle(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// Masks a phone number: 138****5678.
pub fn mask_phone(s: &str) -> String {
    mask_middle(s, 3, 4)
}

/// Validates a mobile or landline number loosely (digits, dashes, 7–20 characters).
pub fn parse_phone(input: &str, field: &str) -> DomainResult<Option<String>> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let ok = (7..=20).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '+');
    if !ok {
        return Err(DomainError::field(
            Code::InvalidPhone,
            field,
            "联系电话格式无效，应为7至20位数字",
        ));
    }
    Ok(Some(s.to_string()))
}

/// Computes the check character for a 17-digit body: used by test-data generators.
pub fn id_number_with_check(body17: &str) -> String {
    format!("{body17}{}", id_check_char(body17.as_bytes()) as char)
}

/// Computes the credit code check character for a 17-character body: used by test-data generators.
pub fn credit_code_with_check(body17: &str) -> String {
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let sum: u32 = body17
        .bytes()
        .zip(WEIGHTS)
        .map(|(c, w)| {
            CREDIT_ALPHABET
                .iter()
                .position(|&a| a == c)
                .expect("valid body") as u32
                * w
        })
        .sum();
    format!(
        "{body17}{}",
        CREDIT_ALPHABET[((31 - sum % 31) % 31) as usize] as char
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_number_check_digit() {
        // GB 11643 worked example.
        assert!(IdCardNumber::parse("11010519491231002X").is_ok());
        assert!(IdCardNumber::parse("11010519491231002x").is_ok());
        let e = IdCardNumber::parse("110105194912310021").unwrap_err();
        assert_eq!(e.code, "invalid_id_number");
        assert!(e.message.contains("校验码"));
        assert!(
            IdCardNumber::parse("11010519491331002X").is_err(),
            "month 13"
        );
        assert!(IdCardNumber::parse("1101051949123100").is_err());
        assert_eq!(
            IdCardNumber::parse("11010519491231002X").unwrap().masked(),
            "1101**********002X"
        );
    }

    #[test]
    fn generated_ids_validate() {
        let id = id_number_with_check("44530219900101123");
        assert!(IdCardNumber::parse(&id).is_ok());
        let cc = credit_code_with_check("91440300MA5DXXXX0");
        assert!(CreditCode::parse(&cc).is_ok());
    }

    #[test]
    fn credit_code_check() {
        // A published code (Huawei Technologies Co., Ltd.).
        assert!(CreditCode::parse("914403001922038216").is_ok());
        assert_eq!(
            CreditCode::parse("914403001922038217").unwrap_err().code,
            "invalid_credit_code"
        );
        assert!(CreditCode::parse("91440300192203821I").is_err());
    }

    #[test]
    fn masks() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
    }
}
