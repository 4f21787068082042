//! Recall on held-out reports (`tests/heldout/*.txt`, annotated in `tests/heldout/*.toml`): texts
//! the vocabulary was NOT tuned on, found through the project's page search after the vocabulary
//! was written. Same matching rule as `accuracy.rs`.

mod common;

use fazhi_text::figures::figures;

/// First measurement, before any change made with these texts in view: 73/78 = 93.6% overall;
/// of the 13 figures with a vocabulary key, 8 (61.5%). The misses: a past-year count introduced
/// by 较2022年 / 较去年 (year not read), a change whose key should come from the previous clause
/// (同比增长99.5% after 收到行政复议申请), 抽查主体2497户次 keyed as a case-file review, and
/// 政府常务会学法 (without 专题/会前) not keyed.
///
/// After fixing those (general rules: 较/比 + a past period is that period's level, a restated
/// figure takes the key of the nearest figure of its kind in the sentence, 抽查 by unit, 常务会学法):
/// 78/78, keyed 13/13. That second number is tuned on these texts and no longer held-out.
///
/// Then a fourth text (方城县 2024) was annotated and measured fresh, after those fixes: 29/31 =
/// 93.5%, keyed 6/7 (all four: 107/109). Misses: 2023总共需办理…66件 (a year printed without 年)
/// and 审结行政复议申请135件 keyed as applications. Fixing the latter (审结/办结 of 复议 is tried
/// before the applications rule): 108/109 = 99.1%, keyed 20/20. The honest estimates for unseen
/// reports are the first measurements: 93.6% (keyed 61.5%) and 93.5% (keyed 6/7).
const HELDOUT_FLOOR: f64 = 0.99;

#[test]
fn recall_on_held_out_reports() {
    let r = common::recall("heldout", "heldout", |t, y| figures(t, Some(y)));
    let (found, total) = (r.found, r.total);
    assert!(total >= 60, "only {total} held-out figures annotated");
    let recall = found as f64 / total as f64;
    assert!(
        recall >= HELDOUT_FLOOR,
        "held-out recall {recall:.3} fell below the floor {HELDOUT_FLOOR}"
    );
}
