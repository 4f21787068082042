//! The 报告分析 pages: published reports uploaded (several at once), listed with boxes to compare,
//! each shown with its facts, outline, the full text with every figure highlighted, its figures
//! and its checks; several compared side by side with a bar chart per main indicator; both as a
//! workbook.

use crate::api::xlsx_response;
use crate::pages::{base, form_errors, merge, page_render, render, Page, PageResult};
use crate::routes::{Access as A, Routes};
use crate::AppState;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, RawQuery, State};
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use fazhi_app::analysis as an;
use fazhi_app::fazhi_text;
use fazhi_app::AppError;
use fazhi_domain::fields::Fields;
use fazhi_domain::org::Permission as P;
use fazhi_domain::org::Permission;
use fazhi_domain::Code;
use fazhi_domain::DomainError;
use fazhi_report::model::{Chart, Series};
use fazhi_text::checks::Verdict;
use fazhi_text::compare::Comparison;
use fazhi_text::Analysis;
use serde::Deserialize;
use serde_json::{json, Value};

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/analysis", A::Needs(P::ApproveReport), list)
        .post("/analysis/documents", A::Needs(P::ManageReport), upload)
        .get(
            "/analysis/documents/{id}",
            A::Needs(P::ApproveReport),
            detail,
        )
        .post(
            "/analysis/documents/{id}/delete",
            A::Needs(P::ManageReport),
            delete,
        )
        .get(
            "/analysis/documents/{id}/export.xlsx",
            A::Needs(P::ApproveReport),
            export,
        )
        .get(
            "/analysis/documents/{id}/baseline",
            A::Needs(P::ApproveReport),
            baseline,
        )
        .post(
            "/analysis/documents/{id}/baseline",
            A::Needs(P::ManageReport),
            apply_baseline,
        )
        .get("/analysis/compare", A::Needs(P::ApproveReport), compare)
        .get(
            "/analysis/compare.xlsx",
            A::Needs(P::ApproveReport),
            compare_export,
        )
}

#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
    n: Option<usize>,
}

/// Reads an upload form: its text fields and every file part named `file` (a browser sends an
/// empty, nameless part when no file was chosen; it is skipped).
pub(crate) async fn read_files(
    mut mp: Multipart,
) -> Result<(Fields, Vec<(String, Vec<u8>)>), AppError> {
    let mut fields = Fields::new();
    let mut files = Vec::new();
    while let Some(part) = mp.next_field().await.map_err(multipart_error)? {
        let name = part.name().unwrap_or_default().to_string();
        if name == "file" {
            let fname = part.file_name().unwrap_or_default().to_string();
            let bytes = part.bytes().await.map_err(multipart_error)?;
            if fname.is_empty() && bytes.is_empty() {
                continue;
            }
            files.push((fname, bytes.to_vec()));
        } else {
            fields.insert(name, part.text().await.map_err(multipart_error)?);
        }
    }
    Ok((fields, files))
}

/// A multipart body that cannot be read: too large (the body limit), or malformed (a part's
/// headers, a NUL in a file name, a cut body) — each said as it is.
fn multipart_error(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        DomainError::field(
            Code::InvalidUpload,
            "file",
            "上传的内容格式不正确（文件名或表单数据无法读取），请重新选择文件上传",
        )
        .into()
    }
}

fn too_large() -> AppError {
    DomainError::field(
        Code::FileTooLarge,
        "file",
        format!(
            "上传内容不能超过{}MB",
            fazhi_app::xlsx::MAX_UPLOAD / (1024 * 1024)
        ),
    )
    .into()
}

/// The ids of a comparison from the query string: `ids=1,2` or `ids=1&ids=2` (the list's boxes).
pub(crate) fn ids_of(raw: Option<&str>) -> Result<Vec<i64>, AppError> {
    let values: Vec<String> = raw
        .unwrap_or_default()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| *k == "ids")
        .map(|(_, v)| {
            urlencoding::decode(&v.replace('+', " "))
                .map(|s| s.into_owned())
                .unwrap_or_default()
        })
        .collect();
    an::parse_ids(values.iter().map(String::as_str))
}

// ---------- list and upload ----------

async fn list(State(state): State<AppState>, p: Page, Query(q): Query<Done>) -> PageResult {
    let flash = match q.done.as_deref() {
        Some("uploaded") => Some(json!({"kind": "success",
            "text": format!("已上传{}份报告", q.n.unwrap_or(1))})),
        Some("deleted") => Some(json!({"kind": "success", "text": "已删除该报告"})),
        _ => None,
    };
    list_render(&state, &p, flash, None).await
}

async fn list_render(
    state: &AppState,
    p: &Page,
    flash: Option<Value>,
    error: Option<&AppError>,
) -> PageResult {
    let items = an::list(&state.app, &p.0.actor)
        .await
        .map_err(|e| p.err(state, e))?;
    let ctx = json!({
        "items": items,
        "can_upload": p.0.actor.can(Permission::ManageReport),
        "errors": error.map(form_errors),
        "flash": flash,
        "max_mb": fazhi_app::xlsx::MAX_UPLOAD / (1024 * 1024),
    });
    page_render(state, p, "an_list.html", "analysis", ctx, error).await
}

/// Uploads one or more files. Who may not upload is refused before the body is read; a file
/// that cannot be read refuses the whole upload, shown on the list with its message.
async fn upload(
    State(state): State<AppState>,
    p: Page,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    p.0.actor
        .require(Permission::ManageReport)
        .map_err(|e| p.err(&state, e))?;
    let mp = mp.map_err(|_| p.err(&state, DomainError::required("file", "报告文件").into()))?;
    let result = match read_files(mp).await {
        Ok((fields, files)) => {
            p.check_csrf(&state, &fields)?;
            an::upload_many(&state.app, &p.0.actor, &files).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(v) if v.len() == 1 => {
            let done = if v[0].duplicate {
                "duplicate"
            } else {
                "uploaded"
            };
            Ok(
                Redirect::to(&format!("/analysis/documents/{}?done={done}", v[0].id))
                    .into_response(),
            )
        }
        Ok(v) => {
            Ok(Redirect::to(&format!("/analysis?done=uploaded&n={}", v.len())).into_response())
        }
        Err(e @ (AppError::Domain(_) | AppError::Conflict(_))) => {
            list_render(&state, &p, None, Some(&e)).await
        }
        Err(e) => Err(p.err(&state, e)),
    }
}

async fn delete(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    p.check_csrf(&state, &f)?;
    an::delete(&state.app, &p.0.actor, id)
        .await
        .map_err(|e| p.err(&state, e))?;
    Ok(Redirect::to("/analysis?done=deleted").into_response())
}

// ---------- one report ----------

/// HTML-escaped text, for element content and attribute values (minijinja's escaper, as the
/// templates use).
fn esc(s: &str) -> String {
    minijinja::HtmlEscape(s).to_string()
}

/// A number as it may be printed: ASCII digits, or full-width digits and point.
fn printed_forms(value: &str) -> [String; 2] {
    let wide = value
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c),
            '.' => '．',
            '-' => '－',
            c => c,
        })
        .collect();
    [value.to_owned(), wide]
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_point(c: char) -> bool {
    matches!(c, '.' | '．')
}

/// Where inside `quote` (characters) the figure's number is printed: the occurrence standing
/// alone (no digit on either side), preferring one followed by the unit. None when the number is
/// not printed in digits (Chinese numerals, 万 multipliers): the caller highlights the quote.
fn locate_number(quote: &[char], value: &str, unit: &str) -> Option<(usize, usize)> {
    let unit: Vec<char> = unit.chars().collect();
    let mut found: Option<(usize, usize)> = None;
    for form in printed_forms(value) {
        let pat: Vec<char> = form.chars().collect();
        if pat.is_empty() || pat.len() > quote.len() {
            continue;
        }
        for i in 0..=quote.len() - pat.len() {
            if quote[i..i + pat.len()] != pat[..] {
                continue;
            }
            let before = i.checked_sub(1).map(|j| quote[j]);
            let after = quote.get(i + pat.len()).copied();
            // A digit or a point right before, or a digit (or a point and a digit) right after:
            // part of a longer number.
            let after2 = quote.get(i + pat.len() + 1).copied();
            let joined = before.is_some_and(|c| is_digit(c) || is_point(c))
                || after.is_some_and(is_digit)
                || (after.is_some_and(is_point) && after2.is_some_and(is_digit));
            if joined {
                continue;
            }
            let end = i + pat.len();
            let unit_follows = !unit.is_empty() && quote[end..].starts_with(&unit);
            if unit_follows {
                return Some((i, end));
            }
            found.get_or_insert((i, end));
        }
    }
    found
}

fn figure_title(f: &fazhi_text::analysis::FigureOut) -> String {
    let mut parts = vec![
        match &f.key {
            Some(k) => format!("{}（{k}）", f.label),
            None => format!("{}（未归入指标）", f.label),
        },
        format!("数值：{}{}", f.value, f.unit),
        format!("限定：{}", f.qualifier.label()),
    ];
    if let Some(y) = f.year {
        parts.push(format!("年度：{y}年"));
    }
    if let Some(s) = &f.scope {
        parts.push(format!("范围：{s}"));
    }
    if f.change {
        parts.push("同比变化".into());
    }
    parts.join("；")
}

/// The document text as HTML with every figure in a `<mark>`: the number itself when it can be
/// found inside the figure's quote, else the quote. Ranges are in characters; overlapping or
/// identical ranges (several figures read from one quote) become one mark whose title lists
/// them all. Returns the HTML and, per figure, the id of its mark.
pub(crate) fn highlighted_text(text: &str, a: &Analysis) -> (String, Vec<Option<String>>) {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut spans: Vec<(usize, usize, usize)> = Vec::new();
    for (i, f) in a.figures.iter().enumerate() {
        let (s, e) = (f.start.min(n), f.end.min(n));
        if s >= e {
            continue;
        }
        let (s, e) = match locate_number(&chars[s..e], &f.value.to_string(), &f.unit) {
            Some((ns, ne)) => (s + ns, s + ne),
            None => (s, e),
        };
        spans.push((s, e, i));
    }
    spans.sort();
    // Merged groups: (start, end, figures).
    let mut groups: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    for (s, e, i) in spans {
        match groups.last_mut() {
            Some(g) if s < g.1 => {
                g.1 = g.1.max(e);
                g.2.push(i);
            }
            _ => groups.push((s, e, vec![i])),
        }
    }
    let mut anchors = vec![None; a.figures.len()];
    let mut out = String::with_capacity(text.len() * 2);
    let mut at = 0;
    for (s, e, figs) in &groups {
        let id = format!("fig-{}", figs[0] + 1);
        for i in figs {
            anchors[*i] = Some(id.clone());
        }
        let fs: Vec<_> = figs.iter().map(|i| &a.figures[*i]).collect();
        let class = if fs.iter().any(|f| f.key.is_some() && !f.change) {
            "fig fig-key"
        } else if fs.iter().any(|f| f.change) {
            "fig fig-change"
        } else {
            "fig fig-plain"
        };
        let title = fs
            .iter()
            .map(|f| figure_title(f))
            .collect::<Vec<_>>()
            .join("\n");
        out.push_str(&esc(&chars[at..*s].iter().collect::<String>()));
        out.push_str(&format!(
            "<mark id=\"{id}\" class=\"{class}\" title=\"{}\">{}</mark>",
            esc(&title),
            esc(&chars[*s..*e].iter().collect::<String>())
        ));
        at = *e;
    }
    out.push_str(&esc(&chars[at..].iter().collect::<String>()));
    (out, anchors)
}

fn verdict_code(v: Verdict) -> &'static str {
    match v {
        Verdict::Consistent => "consistent",
        Verdict::Rounding => "rounding",
        Verdict::Unexplained => "unexplained",
        Verdict::PartsNotPrinted => "parts_not_printed",
    }
}

fn or_dash(v: Option<impl ToString>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "—".into())
}

async fn detail(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> PageResult {
    let d = an::detail(&state.app, &p.0.actor, id)
        .await
        .map_err(|e| p.err(&state, e))?;
    let a = &d.analysis;
    let (body, anchors) = highlighted_text(&d.text, a);
    let figures: Vec<Value> = a
        .figures
        .iter()
        .zip(&anchors)
        .enumerate()
        .map(|(i, (f, anchor))| {
            json!({"no": i + 1, "key": f.key, "label": f.label, "value": f.value.to_string(),
                "unit": f.unit, "qualifier": f.qualifier.label(), "year": f.year, "scope": f.scope,
                "change": f.change, "quote": f.quote, "anchor": anchor})
        })
        .collect();
    let checks: Vec<Value> = a
        .checks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let candidates: Vec<String> = match c.verdict {
                Verdict::Unexplained => d
                    .candidates
                    .get(i)
                    .map(|v| v.iter().map(|(n, dn)| format!("{n} ÷ {dn}")).collect())
                    .unwrap_or_default(),
                _ => vec![],
            };
            json!({"kind": c.kind.label(), "printed": c.printed.to_string(),
                "numerator": c.numerator.map(|v| v.to_string()),
                "denominator": c.denominator.map(|v| v.to_string()),
                "computed": c.computed.map(|v| v.to_string()),
                "verdict": verdict_code(c.verdict), "verdict_label": c.verdict.label(),
                "quote": c.quote,
                "candidates": candidates})
        })
        .collect();
    let place = match (&a.jurisdiction, a.level) {
        (Some(j), Some(l)) => format!("{j}（{}）", l.as_str()),
        (Some(j), None) => j.clone(),
        (None, Some(l)) => l.as_str().to_owned(),
        (None, None) => "—".into(),
    };
    let facts = json!([
        ["标题", or_dash(a.title.as_ref())],
        ["地区（层级）", place],
        ["年度", or_dash(a.year.map(|y| format!("{y}年")))],
        ["文号", or_dash(a.doc_no.as_ref())],
        ["索引号", or_dash(a.index_no.as_ref())],
        ["成文日期", or_dash(a.written.as_ref())],
        ["发布日期", or_dash(a.published.as_ref())],
        ["发布机构", or_dash(a.issuer.as_ref())],
        ["文字", a.script.label()],
    ]);
    let sections: Vec<Value> = a
        .sections
        .iter()
        .map(|s| json!({"number": s.number, "title": s.title, "part": s.part.map(|p| p.label())}))
        .collect();
    let missing: Vec<&str> = a.missing_parts.iter().map(|p| p.label()).collect();
    let unexplained = a
        .checks
        .iter()
        .filter(|c| c.verdict == Verdict::Unexplained)
        .count();
    let flash = match q.done.as_deref() {
        Some("uploaded") => Some(json!({"kind": "success", "text": "已上传并分析该报告"})),
        Some("duplicate") => Some(
            json!({"kind": "info", "text": "本单位已上传过内容完全相同的文件，显示的是已有的报告"}),
        ),
        _ => None,
    };
    // 用作基数 is offered for a report about our own jurisdiction only.
    let (_, _, ours) = fazhi_app::org::root(&state.app)
        .await
        .map_err(|e| p.err(&state, e))?;
    let own_report = fazhi_app::baseline::same_place(&ours, a.jurisdiction.as_deref());
    let ctx = json!({
        "own_report": own_report && a.year.is_some(), "report_year": a.year,
        "doc": d.document, "facts": facts, "sections": sections, "missing": missing,
        "body": body, "figures": figures, "checks": checks, "unexplained": unexplained,
        "keyed": a.figures.iter().filter(|f| f.key.is_some()).count(),
        "flash": flash,
    });
    Ok(render(
        &state,
        "an_detail.html",
        merge(base(&state, &p.0, "analysis").await, ctx),
    ))
}

// ---------- use as baseline ----------

/// What using the report as its year's baseline would file, and what it leaves out and why;
/// the 依法治区办 confirms it here.
async fn baseline(State(state): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    baseline_render(&state, &p, id, None).await
}

async fn baseline_render(
    state: &AppState,
    p: &Page,
    id: i64,
    error: Option<&AppError>,
) -> PageResult {
    let v = an::baseline_preview(&state.app, &p.0.actor, id)
        .await
        .map_err(|e| p.err(state, e))?;
    let ctx = json!({
        "doc": v.document, "plan": v.plan, "applied_round": v.applied_round,
        "ours": v.ours, "same_place": v.same_place,
        "can_apply": p.0.actor.can(Permission::ManageReport),
        "errors": error.map(form_errors),
    });
    page_render(state, p, "an_baseline.html", "analysis", ctx, error).await
}

async fn apply_baseline(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    p.check_csrf(&state, &f)?;
    match an::apply_baseline(&state.app, &p.0.actor, id).await {
        Ok(round) => {
            Ok(Redirect::to(&format!("/filing/rounds/{round}?done=baseline")).into_response())
        }
        Err(e @ AppError::Domain(_)) => baseline_render(&state, &p, id, Some(&e)).await,
        Err(e) => Err(p.err(&state, e)),
    }
}

async fn export(State(state): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    let bytes = an::workbook_of(&state.app, &p.0.actor, &[id])
        .await
        .map_err(|e| p.err(&state, e))?;
    Ok(xlsx_response(bytes, &format!("报告分析_{id}.xlsx")))
}

// ---------- comparison ----------

/// Rows with a value for at least two places (or the only place) and one unit across them:
/// the indicators worth a chart. At most this many.
const MAX_CHARTS: usize = 12;

/// The bar charts of the main indicators, one per indicator across the places (SVG from
/// `fazhi-report`'s chart, the same drawing as the annual report's).
pub(crate) fn charts(c: &Comparison) -> Vec<Value> {
    let need = c.places.len().clamp(1, 2);
    c.rows
        .iter()
        .filter(|r| {
            let cells: Vec<_> = r.cells.iter().flatten().collect();
            cells.len() >= need && cells.iter().all(|x| x.unit == cells[0].unit)
        })
        .take(MAX_CHARTS)
        .map(|r| {
            let unit = r
                .cells
                .iter()
                .flatten()
                .next()
                .map(|x| x.unit.clone())
                .unwrap_or_default();
            let chart = Chart {
                title: r.label.clone(),
                unit: unit.clone(),
                categories: c.places.iter().map(|p| p.heading()).collect(),
                series: vec![Series {
                    name: r.label.clone(),
                    values: r
                        .cells
                        .iter()
                        .map(|x| x.as_ref().map_or(f64::NAN, |x| x.value.as_f64()))
                        .collect(),
                }],
            };
            json!({"key": r.key, "label": r.label, "unit": unit,
                   "svg": fazhi_report::chart::svg(&chart)})
        })
        .collect()
}

async fn compare(State(state): State<AppState>, p: Page, RawQuery(raw): RawQuery) -> PageResult {
    let r = async {
        an::may_read(&p.0.actor)?;
        let ids = ids_of(raw.as_deref())?;
        an::comparison(&state.app, &p.0.actor, &ids)
            .await
            .map(|x| (ids, x))
    }
    .await;
    let (ids, (docs, c)) = r.map_err(|e| p.err(&state, e))?;
    let rows: Vec<Value> = c
        .rows
        .iter()
        .map(|r| {
            let cells: Vec<Value> = r
                .cells
                .iter()
                .map(|x| match x {
                    Some(x) => {
                        let qualifier = match x.qualifier {
                            fazhi_text::number::Qualifier::Exact => "",
                            q => q.label(),
                        };
                        json!({"value": x.value.to_string(), "unit": x.unit,
                        "qualifier": qualifier,
                        "quote": x.quote, "other_values": x.other_values})
                    }
                    None => Value::Null,
                })
                .collect();
            json!({"key": r.key, "label": r.label, "unit": r.unit, "cells": cells})
        })
        .collect();
    let places: Vec<Value> = c
        .places
        .iter()
        .zip(&docs)
        .map(|(pl, d)| json!({"heading": pl.heading(), "id": d.id, "file_name": d.file_name}))
        .collect();
    let ids_text = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let ctx = json!({"places": places, "rows": rows, "charts": charts(&c), "ids": ids_text});
    page_render(&state, &p, "an_compare.html", "analysis", ctx, None).await
}

async fn compare_export(
    State(state): State<AppState>,
    p: Page,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let r = async {
        an::may_read(&p.0.actor)?;
        let ids = ids_of(raw.as_deref())?;
        an::workbook_of(&state.app, &p.0.actor, &ids).await
    }
    .await;
    let bytes = r.map_err(|e| p.err(&state, e))?;
    Ok(xlsx_response(bytes, "报告对比.xlsx"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_found_alone_and_before_their_unit() {
        let q: Vec<char> = "2024年收到申请24件".chars().collect();
        assert_eq!(locate_number(&q, "24", "件"), Some((9, 11)));
        let q: Vec<char> = "纠错率１３．７３％".chars().collect();
        assert_eq!(locate_number(&q, "13.73", "%"), Some((3, 8)));
        let q: Vec<char> = "受理九十四件".chars().collect();
        assert_eq!(locate_number(&q, "94", "件"), None);
    }

    #[test]
    fn figures_are_marked_escaped_and_merged() {
        let text = "<甲区>2024年法治政府建设年度报告\n全区共收到行政复议申请94件，已审结86件，审结率91.49%。";
        let a = fazhi_text::analyze(text);
        let (html, anchors) = highlighted_text(text, &a);
        assert!(html.starts_with("&lt;甲区&gt;"), "{html}");
        assert!(html.contains(">94</mark>件"), "{html}");
        assert!(html.contains(">91.49</mark>%"), "{html}");
        assert!(html.contains("class=\"fig fig-key\""));
        assert!(anchors.iter().all(Option::is_some));
        // The text is all there, in order, once the marks are removed.
        let plain = html
            .split('<')
            .map(|s| s.split_once('>').map_or(s, |x| x.1))
            .collect::<String>();
        assert!(plain.contains("全区共收到行政复议申请94件，已审结86件"));
    }
}
