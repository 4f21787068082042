//! The report analyzer's speed (issue 6: at least 20 MB/s of report text on one core), single
//! threaded, in MB (10^6 bytes) of UTF-8 input text per second: each of the five seed reports on
//! its own (median of `--runs`, at least 20) and the five seeds concatenated and repeated to
//! `--mb` MB as one document (median of `--runs`, at most 3), for each stage and for the whole
//! pipeline (`read_document` + `analyze`, which normalises once and hands the result to the
//! stages, as the stages are timed here). Prints a Markdown table for docs/performance.md.
//!
//! cargo bench -p fazhi-text --bench throughput [-- --mb 16 --runs 5]

use std::time::{Duration, Instant};

use fazhi_text::{analyze, checks, facts, figures, normalize, read_document};

const SEEDS: [(&str, &str); 5] = [
    (
        "000",
        include_str!("../tests/seeds/000_99d96b77785f0d3b.txt"),
    ),
    (
        "001",
        include_str!("../tests/seeds/001_c0351d6103819b41.txt"),
    ),
    (
        "002",
        include_str!("../tests/seeds/002_9592a4b759554a40.txt"),
    ),
    (
        "003",
        include_str!("../tests/seeds/003_499b972e7ec7675e.txt"),
    ),
    (
        "004",
        include_str!("../tests/seeds/004_97256ae8d542b572.txt"),
    ),
];

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// The median of `runs` timings of `f`.
fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let v = std::hint::black_box(f());
        times.push(t.elapsed());
        last = Some(v);
    }
    times.sort();
    (times[times.len() / 2], last.expect("at least one run"))
}

/// Times each stage on `text` and prints one Markdown table row per stage.
fn stages(name: &str, text: &str, runs: usize) {
    let bytes = text.len();
    // Above the size limit read_document refuses the text (that is what the limit is for); the
    // analysis is then timed on the text directly, to show it stays linear.
    let readable = bytes <= fazhi_text::input::MAX_REPORT_BYTES;
    let (read, doc) = median(runs, || read_document("report.txt", text.as_bytes()));
    if readable {
        let doc = doc.unwrap_or_else(|e| panic!("{}", e.message(name)));
        assert!(doc.text == text, "{name}: read_document changed the text");
    } else {
        assert!(doc.is_err(), "{name}: above the limit yet read");
    }
    let (norm_t, norm) = median(runs, || normalize::normalize(text));
    let (fx, f) = median(runs, || facts::facts_and_outline(text, &norm));
    let (figs_t, figs) = median(runs, || figures::figures_normalized(text, &norm, f.0.year));
    let (checks_t, checks) = median(runs, || checks::checks(&figs));
    let (all, a) = median(runs, || {
        match read_document("report.txt", text.as_bytes()) {
            Ok(doc) => analyze(&doc.text),
            Err(_) => analyze(text),
        }
    });
    assert_eq!(a.figures.len(), figs.len(), "{name}: figure counts differ");
    let row = |stage: &str, d: Duration| {
        println!(
            "| {name} | {stage} | {:.2} | {:.1} ms | {:.1} |",
            bytes as f64 / 1e6,
            d.as_secs_f64() * 1000.0,
            mbps(bytes, d)
        );
    };
    row(
        if readable {
            "read_document"
        } else {
            "read_document (refused: over MAX_REPORT_BYTES)"
        },
        read,
    );
    row("normalize", norm_t);
    row("facts + outline (normalised text given)", fx);
    row("figures (normalised text given)", figs_t);
    row(
        &format!("checks ({} figures → {} checks)", figs.len(), checks.len()),
        checks_t,
    );
    row(
        if readable {
            "read_document + analyze"
        } else {
            "analyze"
        },
        all,
    );
}

/// The value after `flag` in the arguments (cargo bench also passes `--bench`, ignored).
fn arg(flag: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{flag} takes a number, not {v}"))
        })
        .unwrap_or(default)
}

fn main() {
    let corpus_mb = arg("--mb", 16);
    let runs = arg("--runs", 3);
    println!("| input | stage | MB | median | MB/s |");
    println!("|---|---|---|---|---|");
    // Per report: each seed on its own, the median of many runs.
    for (name, text) in SEEDS {
        stages(&format!("seed {name}"), text, runs.max(20));
    }
    if corpus_mb == 0 {
        return;
    }
    // The five seeds concatenated, repeated to `corpus_mb` MB (one document: must be linear).
    let mut corpus = String::with_capacity(corpus_mb * 1_000_000 + 100_000);
    while corpus.len() < corpus_mb * 1_000_000 {
        for (_, text) in SEEDS {
            corpus.push_str(text);
            corpus.push('\n');
        }
    }
    stages(&format!("seeds × {corpus_mb} MB"), &corpus, runs.min(3));
}
