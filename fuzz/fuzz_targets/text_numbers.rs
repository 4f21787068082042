//! The report analyzer's first stages on arbitrary text: normalisation never panics and its
//! offset map stays inside the original; the number normaliser never panics, never consumes more
//! than it was given, and what it reads prints back to the same quantity.
#![no_main]
use fazhi_text::normalize::{normalize, script};
use fazhi_text::number::{format_value, parse_quantity, parse_year};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let original_len = s.chars().count();
    let n = normalize(s);
    let len = n.text.chars().count();
    for (a, b) in [(0, len), (len / 3, len / 2), (len, len + 5), (len / 2, 0)] {
        let (x, y) = n.original_range(a, b);
        assert!(x <= y && y <= original_len);
    }
    let _ = script(s);
    // Every position of the normalised text, as the figure finder will call it.
    for (i, _) in n.text.char_indices() {
        let rest = &n.text[i..];
        let _ = parse_year(rest);
        if let Some((q, used)) = parse_quantity(rest) {
            assert!(used > 0 && used <= rest.chars().count());
            let printed = format_value(&q);
            let (again, _) = parse_quantity(&printed).expect("a printed quantity parses");
            assert_eq!(again, q);
        }
    }
});
