//! Parties to a case (申请人, 原告, 代理人, 第三人), shared by every module that registers people and
//! organisations: the same validated identity numbers, the same masking.

use crate::error::{required_text, DomainError, DomainResult};
use crate::fields::{get, or_default, Fields};
use serde::{Deserialize, Serialize};

coded_enum!(
    /// A party's role in a case.
    PartyRole, "role", "当事人类型" {
        Applicant = "applicant", "申请人";
        Plaintiff = "plaintiff", "原告";
        Agent = "agent", "代理人";
        ThirdParty = "third_party", "第三人";
    }
);

impl PartyRole {
    /// The party who brings the case must be identified (身份证号 or 统一社会信用代码).
    pub fn requires_identity(self) -> bool {
        matches!(self, Self::Applicant | Self::Plaintiff)
    }
}

coded_enum!(
    /// Whether a party is a natural person or an organisation.
    PartyKind, "party_kind", "当事人类别" {
        Person = "person", "自然人";
        Organisation = "organisation", "法人或其他组织";
    }
);

/// A party as entered, validated: a person carries a checked 身份证号, an organisation a
/// checked 统一社会信用代码.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub role: PartyRole,
    pub kind: PartyKind,
    pub name: String,
    pub id_number: Option<crate::ids::IdCardNumber>,
    pub credit_code: Option<crate::ids::CreditCode>,
    pub phone: Option<String>,
}

impl Party {
    /// Parses the fields `{prefix}_kind`, `{prefix}_name`, `{prefix}_id_number`,
    /// `{prefix}_credit_code`, `{prefix}_phone`. Returns `None` when the name is empty and the
    /// party is optional.
    pub fn parse(
        role: PartyRole,
        prefix: &str,
        f: &Fields,
        required: bool,
    ) -> DomainResult<Option<Self>> {
        let k = |s: &str| format!("{prefix}_{s}");
        let label = role.label();
        let name = get(f, &k("name"));
        if name.trim().is_empty() {
            return if required {
                Err(DomainError::required(
                    &k("name"),
                    &format!("{label}姓名或名称"),
                ))
            } else {
                Ok(None)
            };
        }
        let name = required_text(name, &k("name"), &format!("{label}姓名或名称"), 100)?;
        let kind = PartyKind::parse(or_default(get(f, &k("kind")), "person")).map_err(|e| {
            DomainError {
                field: Some(k("kind")),
                ..e
            }
        })?;
        let (mut id_number, mut credit_code) = (None, None);
        match kind {
            PartyKind::Person => {
                let raw = get(f, &k("id_number"));
                if raw.trim().is_empty() {
                    if role.requires_identity() {
                        return Err(DomainError::required(
                            &k("id_number"),
                            &format!("{label}身份证号码"),
                        ));
                    }
                } else {
                    id_number = Some(
                        crate::ids::IdCardNumber::parse_field(raw, &k("id_number")).map_err(
                            |e| DomainError {
                                message: format!("{label}{}", e.message),
                                ..e
                            },
                        )?,
                    );
                }
            }
            PartyKind::Organisation => {
                let raw = get(f, &k("credit_code"));
                if raw.trim().is_empty() {
                    if role.requires_identity() {
                        return Err(DomainError::required(
                            &k("credit_code"),
                            &format!("{label}统一社会信用代码"),
                        ));
                    }
                } else {
                    credit_code = Some(
                        crate::ids::CreditCode::parse_field(raw, &k("credit_code")).map_err(
                            |e| DomainError {
                                message: format!("{label}{}", e.message),
                                ..e
                            },
                        )?,
                    );
                }
            }
        }
        let phone =
            crate::ids::parse_phone(get(f, &k("phone")), &k("phone")).map_err(|e| DomainError {
                message: format!("{label}{}", e.message),
                ..e
            })?;
        Ok(Some(Self {
            role,
            kind,
            name,
            id_number,
            credit_code,
            phone,
        }))
    }

    /// The identity number shown in lists and exports: masked.
    pub fn masked_identity(&self) -> String {
        match (&self.id_number, &self.credit_code) {
            (Some(id), _) => id.masked(),
            (_, Some(cc)) => cc.as_str().to_string(),
            _ => String::new(),
        }
    }
}

/// The names of the parties in a role, joined with 、 as case lists show them.
pub fn names(parties: &[Party], role: PartyRole) -> String {
    parties
        .iter()
        .filter(|p| p.role == role)
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

/// A natural person's name as lists of the audit log show it: the first character, the rest
/// starred (张三 → 张*, 欧阳秘密 → 欧***). Idempotent: a masked name stays as it is.
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    let mut chars = name.chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count();
            if rest == 0 {
                "*".into()
            } else {
                std::iter::once(first)
                    .chain(std::iter::repeat_n('*', rest))
                    .collect()
            }
        }
    }
}

/// Masks the 身份证号 and phone numbers inside a free text (a note, a summary, a search term),
/// as they are masked everywhere else: `1101**********002X`, `139****1111`, `010****5678`. A
/// number counts only as a whole run of digits (not part of a longer word, so hashes and codes
/// stay): 18 characters of digits with a final digit or X (with `strict`, only a valid 身份证号:
/// date and check character), 11 digits starting 13–19 (mobile), or 0 + 2–3 digits, an optional
/// dash and 7–8 digits (landline).
pub fn mask_personal_numbers(text: &str, strict: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts_run = c.is_ascii_digit() && (i == 0 || !is_word(chars[i - 1]));
        if !starts_run {
            out.push(c);
            i += 1;
            continue;
        }
        // The run: digits, then an optional X (身份证号) or a dash and more digits (landline).
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        let digits = j - i;
        let mut end = j;
        if digits == 17 && j < chars.len() && matches!(chars[j], 'X' | 'x') {
            end = j + 1;
        } else if (3..=4).contains(&digits)
            && c == '0'
            && j + 1 < chars.len()
            && chars[j] == '-'
            && chars[j + 1].is_ascii_digit()
        {
            let mut k = j + 1;
            while k < chars.len() && chars[k].is_ascii_digit() {
                k += 1;
            }
            if (7..=8).contains(&(k - j - 1)) {
                end = k;
            }
        }
        if end < chars.len() && is_word(chars[end]) {
            // Part of a longer word (a hash, a code): left as it is.
            while end < chars.len() && is_word(chars[end]) {
                end += 1;
            }
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        let run: String = chars[i..end].iter().collect();
        let n = run.chars().count();
        let id_like = n == 18 && (!strict || crate::ids::IdCardNumber::parse(&run).is_ok());
        let mobile = n == 11 && c == '1' && matches!(chars[i + 1], '3'..='9');
        let landline = c == '0'
            && (run.contains('-') || (10..=12).contains(&n))
            && run.chars().filter(char::is_ascii_digit).count() >= 10;
        if id_like {
            out.push_str(&crate::ids::mask_middle(&run, 4, 4));
        } else if mobile || landline {
            out.push_str(&crate::ids::mask_phone(&run));
        } else {
            out.push_str(&run);
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod masking_tests {
    use super::*;

    #[test]
    fn names_keep_their_first_character() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳秘密"), "欧***");
        assert_eq!(mask_name("张*"), "张*");
        assert_eq!(mask_name("李"), "*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn identity_and_phone_numbers_in_text_are_masked_and_nothing_else() {
        let t = "申请人身份证11010519491231002X，电话13900001111，座机010-12345678或075512345678。";
        assert_eq!(
            mask_personal_numbers(t, true),
            "申请人身份证1101**********002X，电话139****1111，座机010*****5678或075*****5678。"
        );
        // An invalid number is left when strict, masked for display.
        assert_eq!(
            mask_personal_numbers("110105194912310021", true),
            "110105194912310021"
        );
        assert_eq!(
            mask_personal_numbers("110105194912310021", false),
            "1101**********0021"
        );
        // Dates, case numbers, counts, hashes and codes stay.
        for s in [
            "2024-09-27",
            "示例复〔2024〕12号",
            "（2024）示0101行初99号",
            "共1500件",
            "ab13900001111cd",
            "9e13900001111",
            "13900001111ab",
            "a11010519491231002X",
        ] {
            assert_eq!(mask_personal_numbers(s, false), s, "{s}");
        }
    }
}
