//! Bad input (issue 6): empty and binary files, mixed encodings, oversized files, unbalanced
//! brackets, numbers with separators or stray spaces. Each gives a clear error or a correct
//! result: never a panic, never a figure whose value is not printed in its quote.

mod common;

use common::{chinese, written_forms};
use fazhi_text::input::{read_document, Format, InputError, MAX_REPORT_BYTES};
use fazhi_text::{analyze, Analysis};
use proptest::prelude::*;

const SEEDS: [&str; 5] = [
    include_str!("seeds/000_99d96b77785f0d3b.txt"),
    include_str!("seeds/001_c0351d6103819b41.txt"),
    include_str!("seeds/002_9592a4b759554a40.txt"),
    include_str!("seeds/003_499b972e7ec7675e.txt"),
    include_str!("seeds/004_97256ae8d542b572.txt"),
];

/// The figures' values and units, in text order.
fn values(text: &str) -> Vec<(String, String)> {
    analyze(text)
        .figures
        .iter()
        .map(|f| (f.value.to_string(), f.unit.clone()))
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// Every figure's and check's quote is the original text at its character offsets.
fn assert_quotes_are_original(text: &str, a: &Analysis) {
    let chars: Vec<char> = text.chars().collect();
    for (quote, start, end) in a
        .figures
        .iter()
        .map(|f| (&f.quote, f.start, f.end))
        .chain(a.checks.iter().map(|c| (&c.quote, c.start, c.end)))
    {
        assert!(start <= end && end <= chars.len(), "{start}..{end}");
        let at: String = chars[start..end].iter().collect();
        assert_eq!(&at, quote);
    }
}

#[test]
fn empty_and_whitespace_files_are_refused() {
    for name in ["a.txt", "a.html", "a.docx"] {
        let e = read_document(name, b"").unwrap_err();
        assert_eq!(e, InputError::Empty, "{name}");
        assert_eq!(e.code(), "report_file_empty");
    }
    // A byte-order mark and nothing else.
    assert_eq!(
        read_document("a.txt", "\u{FEFF}\n".as_bytes()),
        Err(InputError::Empty)
    );
    assert_eq!(
        read_document("a.html", b"<html><body> </body></html>"),
        Err(InputError::Empty)
    );
    // An empty text analyses to nothing rather than panicking.
    let a = analyze("");
    assert!(a.figures.is_empty() && a.checks.is_empty() && a.title.is_none());
}

#[test]
fn binary_files_are_refused() {
    // A PNG header, a PDF with a NUL, random-looking control bytes.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
    assert_eq!(read_document("a.txt", png), Err(InputError::Binary));
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\0>>";
    assert_eq!(read_document("a.txt", pdf), Err(InputError::Binary));
    let controls: Vec<u8> = (0..200u8).map(|i| i % 31 + 1).collect();
    let e = read_document("报告.txt", &controls).unwrap_err();
    assert_eq!(e.code(), "report_file_binary");
    assert!(e.message("报告.txt").contains("报告.txt"));
    // A zip that is no .docx, and garbage named .docx.
    assert!(matches!(
        read_document("a.docx", b"PK\x03\x04\x14\0\0\0\x08\0"),
        Err(InputError::Docx(_))
    ));
    assert!(matches!(
        read_document("a.docx", &[0xde, 0xad, 0xbe, 0xef]),
        Err(InputError::Docx(_))
    ));
}

#[test]
fn mixed_utf8_and_gb18030_lines_read_every_figure() {
    let lines = [
        "全区共收到行政复议申请94件，审结86件。\n",
        "审结率91.49%。\n",
        "办理行政应诉案件120件，行政机关负责人出庭应诉率100%。\n",
    ];
    let mut bytes = Vec::new();
    let mut text = String::new();
    for (i, line) in lines.iter().enumerate() {
        text.push_str(line);
        if i == 1 {
            bytes.extend(encoding_rs::GB18030.encode(line).0.iter());
        } else {
            bytes.extend(line.as_bytes());
        }
    }
    let d = read_document("a.txt", &bytes).unwrap();
    assert_eq!(d.encoding, "UTF-8+GB18030");
    assert_eq!(d.text, text);
    let a = analyze(&d.text);
    assert_quotes_are_original(&d.text, &a);
    let v = values(&d.text);
    for want in ["94", "86", "91.49", "120", "100"] {
        assert!(v.iter().any(|(x, _)| x == want), "{want} in {v:?}");
    }
    // A whole seed in GB18030 reads back to the same text and the same figures.
    let gb = encoding_rs::GB18030.encode(SEEDS[1]).0;
    let d = read_document("seed.txt", &gb).unwrap();
    assert_eq!((d.text.as_str(), d.encoding), (SEEDS[1], "GB18030"));
    assert_eq!(analyze(&d.text), analyze(SEEDS[1]));
    // A GB18030 line that is not valid in it either: a clear error, not a replaced character.
    let mut broken = "收到申请94件\n".as_bytes().to_vec();
    broken.extend(b"\x81\x20\n");
    assert_eq!(read_document("a.txt", &broken), Err(InputError::Encoding));
}

#[test]
fn traditional_and_simplified_mix() {
    let text =
        "全區共受理行政復議案件５２件，辦結44件。全区共收到行政应诉案件30件，审结率达到90%。";
    let a = analyze(text);
    assert_quotes_are_original(text, &a);
    assert_eq!(
        values(text),
        pairs(&[("52", "件"), ("44", "件"), ("30", "件"), ("90", "%")])
    );
    let f = &a.figures[0];
    assert_eq!(f.key.as_deref(), Some("reconsideration.applications"));
    assert_eq!(f.quote, "全區共受理行政復議案件５２件");
}

#[test]
fn unbalanced_brackets_hide_no_later_figures() {
    // An opening bracket never closed in its sentence is page debris, not a title.
    for open in ["《", "【", "（", "〔", "["] {
        let text =
            format!("印发{open}关于推进依法行政的意见，全年收到行政复议申请94件，审结86件。");
        assert_eq!(
            values(&text),
            pairs(&[("94", "件"), ("86", "件")]),
            "{open}"
        );
        let a = analyze(&text);
        assert_quotes_are_original(&text, &a);
    }
    // Closing brackets with no opening one, and brackets at the very end.
    let text = "》】）〕]收到申请12件。《【（";
    assert_eq!(values(text), pairs(&[("12", "件")]));
    // A closed title still hides the numbers in it, and only them.
    let text = "印发《2024年十件实事》，收到申请12件。";
    assert_eq!(values(text), pairs(&[("12", "件")]));
    // The 【字号: debris of a saved page.
    let text = "【字号:大 中 小\n收到行政复议申请94件。";
    assert_eq!(values(text), pairs(&[("94", "件")]));
    // Many openers: no panic, still linear.
    let text = "《".repeat(10_000) + "收到申请3件。";
    assert_eq!(values(&text), pairs(&[("3", "件")]));
}

/// How separators inside numbers are read. A thousands separator is an ASCII comma or a single
/// space followed by exactly three digits (`1,234`, `1 234`): that is a thousands group and the
/// number is read whole. A full-width comma (`1，234`) is a clause break in Chinese text as often
/// as a separator, and a stray space that makes no group of three (`12 34`) could be a typo for
/// 1234 or two numbers: neither is guessed, so the digits after such a separator are no figure.
#[test]
fn thousands_separators_and_stray_spaces() {
    assert_eq!(values("收到申请1,234件。"), pairs(&[("1234", "件")]));
    assert_eq!(values("收到申请1 234件。"), pairs(&[("1234", "件")]));
    assert_eq!(values("罚没款12,345,678元。"), pairs(&[("12345678", "元")]));
    assert_eq!(values("收到申请１，２３４件。"), pairs(&[]));
    assert_eq!(values("收到申请1，234件。"), pairs(&[]));
    assert_eq!(values("收到申请12 34件。"), pairs(&[]));
    assert_eq!(values("收到申请1,23件。"), pairs(&[]));
    assert_eq!(values("收到申请1,2345件。"), pairs(&[]));
    // A comma between two figures is no separator.
    assert_eq!(
        values("收到申请12件，34件已审结。"),
        pairs(&[("12", "件"), ("34", "件")])
    );
    assert_eq!(
        values("分别为12, 34件。"),
        pairs(&[("34", "件")]),
        "a comma and a space: a list"
    );
    // Cells of a web-page table are never joined into one number.
    let page =
        "<html><body><table><tr><td>收到</td><td>94</td><td>86件</td></tr></table></body></html>";
    let d = read_document("a.html", page.as_bytes()).unwrap();
    assert_eq!(d.format, Format::Html);
    assert_eq!(values(&d.text), pairs(&[("86", "件")]));
}

#[test]
fn oversized_text_is_refused_with_a_clear_error() {
    // The seeds repeated to 50 MB: refused by the size limit (the analysis itself is linear and
    // measured on large documents by `cargo bench -p fazhi-text --bench throughput -- --mb 50`).
    let mut big = String::with_capacity(50 * 1024 * 1024 + 20_000);
    while big.len() < 50 * 1024 * 1024 {
        for s in SEEDS {
            big.push_str(s);
        }
    }
    let e = read_document("big.txt", big.as_bytes()).unwrap_err();
    assert_eq!(e, InputError::TooLarge);
    assert_eq!(e.code(), "report_file_too_large");
    let m = e.message("big.txt");
    assert!(m.contains("big.txt") && m.contains("16 MB"), "{m}");
    // Text just at the limit is read.
    let boundary = |mut at: usize| {
        while !big.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let at_limit = &big[..boundary(MAX_REPORT_BYTES)];
    let d = read_document("limit.txt", at_limit.as_bytes()).unwrap();
    assert_eq!(d.text.len(), at_limit.len());
    let over = &big[..boundary(MAX_REPORT_BYTES + 4)];
    assert_eq!(
        read_document("over.txt", over.as_bytes()),
        Err(InputError::TooLarge)
    );
}

#[test]
fn a_large_report_is_analysed_whole() {
    // The five seeds concatenated 8 times (~0.5 MB, fast enough for the debug test profile): the
    // analysis is the seeds' figures 8 times over, quotes at their offsets.
    let one: String = SEEDS.iter().map(|s| format!("{s}\n")).collect();
    let many = one.repeat(8);
    let a = analyze(&many);
    let b = analyze(&one);
    assert_eq!(a.figures.len(), 8 * b.figures.len());
    assert_quotes_are_original(&many, &a);
    let per_copy = one.chars().count();
    for (k, f) in a.figures.iter().enumerate() {
        let g = &b.figures[k % b.figures.len()];
        let copy = k / b.figures.len();
        assert_eq!((&f.value, &f.unit), (&g.value, &g.unit));
        assert_eq!(f.start, g.start + copy * per_copy);
    }
}

// -------------------------------------------------------------------------------------------
// Never invents: random mixtures of seed fragments, digits, numerals, brackets and punctuation.

#[test]
fn values_found_by_the_property_are_not_invented() {
    // Found by the property below: 0.00087万件 is 8.7件, printed; 1000,000% is no grouping (it
    // was once read as 1000000%); 一亿一 is the spoken 1.1亿.
    for text in [
        "受理0.00087万件。",
        "1000,000%",
        "受理1000,000件",
        "一亿一%",
    ] {
        let a = analyze(text);
        assert_quotes_are_original(text, &a);
        for f in &a.figures {
            let quote = fazhi_text::normalize::normalize(&f.quote).text;
            let value = f.value.to_string();
            assert!(
                written_forms(&value)
                    .iter()
                    .any(|w| quote.contains(w.as_str())),
                "{value} not in {quote}"
            );
        }
    }
}

/// A fragment of the generated text.
fn fragment() -> impl Strategy<Value = String> {
    let seed_slice = (0usize..5, 0usize..20_000, 1usize..80).prop_map(|(k, at, len)| {
        SEEDS[k]
            .chars()
            .skip(at % SEEDS[k].chars().count())
            .take(len)
            .collect::<String>()
    });
    let digits = proptest::string::string_regex("[0-9]{1,7}(\\.[0-9]{1,3})?").unwrap();
    let wide = proptest::string::string_regex("[０-９]{1,4}").unwrap();
    let numeral = (0u64..200_000).prop_map(chinese);
    let punct = prop::sample::select(vec![
        "《",
        "》",
        "【",
        "】",
        "（",
        "）",
        "〔",
        "〕",
        "[",
        "]",
        "“",
        "”",
        "，",
        "。",
        "、",
        "；",
        "：",
        ",",
        " ",
        "  ",
        ".",
        "\n",
        "%",
        "％",
        "件",
        "人次",
        "万元",
        "余件",
        "多家",
        "个百分点",
        "同比增长",
        "下降",
        "共",
        "第",
        "年",
        "万",
        "亿",
        "\u{200B}",
        "率",
        "收到行政复议申请",
        "审结率",
        "办结",
        "约",
        "近",
    ])
    .prop_map(str::to_owned);
    prop_oneof![
        3 => seed_slice,
        3 => digits,
        1 => wide,
        1 => numeral,
        4 => punct,
    ]
}

proptest! {
    // A fixed seed: the same 256 cases every run, so that CI is repeatable; random exploration
    // beyond them is the fuzz target's (`report_input`). Run with PROPTEST_RNG_SEED unset and
    // more PROPTEST_CASES by hand to look further.
    #![proptest_config(ProptestConfig {
        cases: 256,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20261127),
        ..ProptestConfig::default()
    })]

    /// Whatever the text, every figure's value is printed (in some written form) inside its own
    /// quote, and every quote is the original text at its offsets.
    #[test]
    fn never_invents_a_figure(parts in prop::collection::vec(fragment(), 1..40)) {
        let text: String = parts.concat();
        let a = analyze(&text);
        assert_quotes_are_original(&text, &a);
        for f in &a.figures {
            let quote = fazhi_text::normalize::normalize(&f.quote).text;
            let value = f.value.to_string();
            prop_assert!(
                written_forms(&value).iter().any(|w| quote.contains(w.as_str())),
                "{value}{} not in 「{}」 of {text:?}", f.unit, f.quote
            );
        }
    }

    /// Arbitrary bytes under each file name: a document or a clear error, never a panic; text
    /// that reads is analysed with quotes at their offsets.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400),
                                   name in prop::sample::select(vec!["a.txt", "a.html", "a.docx"])) {
        if let Ok(d) = read_document(name, &bytes) {
            prop_assert!(d.text.len() <= MAX_REPORT_BYTES);
            let a = analyze(&d.text);
            assert_quotes_are_original(&d.text, &a);
        }
    }
}
