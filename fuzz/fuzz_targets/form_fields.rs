//! The registration form and every step form, from arbitrary field names and values: never a
//! panic, and every refusal names a field with a stable code and a Chinese message.
#![no_main]
use fazhi_domain::reconsideration::{Action, Application, Fields, Step};
use libfuzzer_sys::fuzz_target;

/// Field names the forms read, so the fuzzer reaches past "required" errors.
const NAMES: &[&str] = &[
    "received_date",
    "channel",
    "respondent_unit_id",
    "act_name",
    "act_doc_no",
    "act_date",
    "request",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_credit_code",
    "applicant_phone",
    "agent_name",
    "third_party_name",
    "date",
    "procedure",
    "reason",
    "legal_basis",
    "items",
    "decision_type",
    "ground",
    "days",
    "approver",
    "kind",
    "addressee",
    "summary",
    "performed",
    "notes",
    "court",
    "requires_performance",
    "version",
];

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    // "k=v" lines; a one-byte key picks a known field name.
    let mut f = Fields::new();
    for line in s.lines() {
        let (k, v) = line.split_once('=').unwrap_or((line, ""));
        let key = match k.as_bytes() {
            [b] => NAMES[*b as usize % NAMES.len()].to_string(),
            _ => k.to_string(),
        };
        f.insert(key, v.to_string());
    }
    let today = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
    if let Err(e) = Application::parse(&f, today) {
        assert!(!e.code.is_empty() && !e.message.is_empty());
    }
    for action in Action::ALL {
        if let Err(e) = Step::parse(*action, &f) {
            assert!(!e.code.is_empty() && !e.message.is_empty());
        }
    }
});
