//! The .xlsx reader behind the import, from arbitrary bytes: a table whose rows are as wide as
//! its header and within the bounds, or a refusal that names the file field — never a panic, a
//! hang or an allocation beyond the bounds (the regressions hold a far cell and zip bombs).
#![no_main]
use fazhi_app::AppError;
use libfuzzer_sys::fuzz_target;

static QUIET: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys aborts on every panic, even one the code under test catches; read_table
    // catches calamine's, so only a panic that escapes it (which libfuzzer-sys still detects)
    // counts here.
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    match fazhi_app::xlsx::read_table(data) {
        Ok((headers, rows)) => {
            // Never more than the bounds allow (issue 13: a far cell built a 512 GB grid).
            let b = fazhi_app::xlsx::Bounds::DEFAULT;
            assert!(headers.len() <= b.cols as usize && rows.len() <= b.rows as usize);
            assert!(rows.iter().all(|r| r.len() == headers.len()));
        }
        Err(AppError::Domain(e)) => assert_eq!(e.field.as_deref(), Some("file")),
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
});
