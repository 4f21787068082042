//! The registration forms and every step form of every module, from arbitrary field names and
//! values: never a panic, and every refusal names a field with a stable code and a Chinese message.
#![no_main]
use fazhi_domain::litigation as lt;
use fazhi_domain::procedure::Procedure;
use fazhi_domain::reconsideration::{Application, Fields, Reconsideration};
use fazhi_domain::{form, Coded, DomainResult};
use libfuzzer_sys::fuzz_target;

/// Every step of `P` from the fields, as the kernel reads them: checked against the step's
/// description, then made the typed step.
fn steps<P: Procedure>(f: &Fields) -> Vec<DomainResult<()>> {
    <P::Action as Coded>::all()
        .iter()
        .map(|a| {
            form::check(P::step_form(*a).fields, f)
                .and_then(|v| P::step(*a, &v))
                .map(|_| ())
        })
        .collect()
}

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
    "case_no",
    "registered_date",
    "copy_received_date",
    "defendant_unit_id",
    "claim",
    "rc_case_no",
    "plaintiff_kind",
    "plaintiff_name",
    "plaintiff_id_number",
    "plaintiff_credit_code",
    "plaintiff_phone",
    "plaintiff2_name",
    "hearing_date",
    "head_notified",
    "appearance",
    "person",
    "post",
    "lawyer",
    "excuse",
    "excuse_evidence",
    "served_date",
    "outcome",
    "compensation",
    "performance_days",
    "by_defendant",
    "consequence",
    "issuer",
    "doc_no",
    "unit_id",
    "content",
    "reply_days",
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
        assert!(!e.code.as_str().is_empty() && !e.message.is_empty());
    }
    let results = [
        lt::Lawsuit::parse(&f, today).map(|_| ()),
        lt::Suggestion::parse(&f, today).map(|_| ()),
    ]
    .into_iter()
    .chain(steps::<Reconsideration>(&f))
    .chain(steps::<lt::Litigation>(&f))
    .chain(steps::<lt::SuggestionProcedure>(&f));
    for r in results {
        if let Err(e) = r {
            assert!(!e.code.as_str().is_empty() && !e.message.is_empty() && e.field.is_some());
        }
    }
});
