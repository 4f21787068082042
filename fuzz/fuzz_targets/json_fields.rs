//! The JSON body decoder of the API, then the registration form: never a panic.
#![no_main]
use fazhi_domain::reconsideration::Application;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match fazhi_domain::fields::from_json(data) {
        Ok(f) => {
            let today = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
            let _ = Application::parse(&f, today);
        }
        Err(e) => assert!(e.code == "malformed_json" || e.code == "invalid_type"),
    }
});
