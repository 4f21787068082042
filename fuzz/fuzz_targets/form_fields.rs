//! The registration forms and every step form of every module, from arbitrary field names and
//! values: never a panic, and every refusal names a field with a stable code and a Chinese message.
#![no_main]
use fazhi_domain::litigation as lt;
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
        assert!(!e.code.is_empty() && !e.message.is_empty());
    }
    for action in Action::ALL {
        if let Err(e) = Step::parse(*action, &f) {
            assert!(!e.code.is_empty() && !e.message.is_empty());
        }
    }
    let results = [
        lt::Lawsuit::parse(&f, today).map(|_| ()),
        lt::Suggestion::parse(&f, today).map(|_| ()),
    ]
    .into_iter()
    .chain(lt::Action::ALL.iter().map(|a| lt::Step::parse(*a, &f).map(|_| ())))
    .chain(
        lt::SuggestionAction::ALL
            .iter()
            .map(|a| lt::SuggestionStep::parse(*a, &f).map(|_| ())),
    );
    for r in results {
        if let Err(e) = r {
            assert!(!e.code.is_empty() && !e.message.is_empty() && e.field.is_some());
        }
    }
});
