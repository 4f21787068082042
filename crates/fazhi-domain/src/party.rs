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
