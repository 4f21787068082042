//! Fazhi's pure domain: value types, the working-day calendar and deadline clock, organisation
//! and roles, exact rate arithmetic, and one module per statutory domain. No IO, no async.

/// Declares an enum with a stable ASCII code and a Chinese label for each variant, and a parser
/// that accepts either (codes travel in the API, labels in forms and Excel sheets).
macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident, $field:literal, $label:literal { $($var:ident = $code:literal, $zh:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($var),+ }
        impl $crate::Coded for $name {
            fn code(self) -> &'static str { $name::code(self) }
            fn label(self) -> &'static str { $name::label(self) }
            fn parse_code(s: &str) -> DomainResult<Self> { $name::parse(s) }
            fn all() -> &'static [Self] { $name::ALL }
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// `(code, label)` of every variant, for a form's choice ([`form::FieldKind::Choice`]).
            pub const OPTIONS: &'static [(&'static str, &'static str)] = &[$(($code, $zh)),+];
            pub fn code(self) -> &'static str { match self { $($name::$var => $code),+ } }
            pub fn label(self) -> &'static str { match self { $($name::$var => $zh),+ } }
            /// Accepts the code or the Chinese label (as typed in an Excel sheet).
            pub fn parse(s: &str) -> DomainResult<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.code() == s || v.label() == s)
                    .ok_or_else(|| DomainError::invalid_option($field, $label, s))
            }
        }
    };
}

/// An enum with a stable ASCII code and a Chinese label (every [`coded_enum!`]): what shared code
/// needs to store a module's kinds (deadline kinds, steps) without knowing the module.
pub trait Coded: Copy + Send + Sync + 'static {
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
    /// Reads a stored code (or the Chinese label).
    fn parse_code(s: &str) -> DomainResult<Self>;
    /// Every variant, in order.
    fn all() -> &'static [Self];
}

pub mod calendar;
pub mod catalogue;
pub mod deadline;
pub mod error;
pub mod fields;
pub mod filing;
pub mod form;
pub mod ids;
pub mod litigation;
pub mod notice;
pub mod org;
pub mod party;
pub mod procedure;
pub mod rate;
pub mod reconsideration;
pub mod report;

pub use error::{Code, DomainError, DomainResult, Refusal};
