//! The report analyzer's input and the whole analysis on arbitrary bytes: `read_document` under a
//! .txt, .html and .docx name gives a document or an error, never a panic (quick-xml and zip see
//! garbage here); a document's text is within the size limit and its analysis quotes the text
//! exactly at the offsets it reports.
#![no_main]
use fazhi_text::input::{read_document, MAX_REPORT_BYTES};
use fazhi_text::{analyze, Analysis};
use libfuzzer_sys::fuzz_target;

fn check(text: &str, a: &Analysis) {
    let chars: Vec<char> = text.chars().collect();
    let spans = a
        .figures
        .iter()
        .map(|f| (&f.quote, f.start, f.end))
        .chain(a.checks.iter().map(|c| (&c.quote, c.start, c.end)));
    for (quote, start, end) in spans {
        assert!(start <= end && end <= chars.len(), "{start}..{end} of {}", chars.len());
        let at: String = chars[start..end].iter().collect();
        assert_eq!(&at, quote);
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the name, so every input is tried as each form.
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = ["report.txt", "report.html", "report.docx", "report"][usize::from(pick % 4)];
    if let Ok(doc) = read_document(name, bytes) {
        assert!(doc.text.len() <= MAX_REPORT_BYTES);
        let a = analyze(&doc.text);
        check(&doc.text, &a);
    }
});
