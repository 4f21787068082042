//! 身份证号, 统一社会信用代码 and phone numbers from arbitrary text: never a panic; what parses
//! prints back to itself and parses again; masking keeps the length and hides the middle.
#![no_main]
use fazhi_domain::ids::{parse_phone, CreditCode, IdCardNumber};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(id) = IdCardNumber::parse(s) {
        let text = String::from(id.clone());
        assert_eq!(IdCardNumber::parse(&text).unwrap(), id);
        let masked = id.masked();
        assert_eq!(masked.chars().count(), text.chars().count());
        assert!(masked.contains('*'));
    }
    if let Ok(code) = CreditCode::parse(s) {
        let text: String = code.clone().into();
        assert_eq!(CreditCode::parse(&text).unwrap(), code);
    }
    let _ = parse_phone(s, "phone");
});
