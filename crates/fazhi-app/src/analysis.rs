//! The report analyzer (报告分析) in the platform: published reports analysed by `fazhi-text`,
//! written out as a workbook (`fazhi analyze --format xlsx`, `--compare`, the page's download),
//! and kept in the platform (`an_documents`): uploaded, listed, shown with their analysis,
//! compared, deleted.
//!
//! Who does what: the 依法治区办 (`ManageReport`) uploads and deletes; the office and the leaders
//! (`ApproveReport`) read, compare and download. The published reports are public documents,
//! but the list of what the office studies is internal, so the other roles see nothing. Only the
//! decoded text is stored; the analysis is recomputed from it whenever it is shown.

use fazhi_domain::org::Permission;
use fazhi_domain::Code;
use fazhi_domain::DomainError;
use fazhi_store::Row;
use fazhi_text::compare::{compare, Comparison};
use fazhi_text::Analysis;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::xlsx::{write_sheets, Sheet, XCell, MAX_UPLOAD};
use crate::{audit, Actor, App, AppError, AppResult};

/// The audit log's name for an uploaded report.
pub const ENTITY: &str = "an_document";
/// Most documents one comparison takes.
pub const MAX_COMPARE: usize = 20;

fn text(s: impl Into<String>) -> XCell {
    XCell::Text(s.into())
}

fn opt<T: ToString>(v: Option<T>) -> XCell {
    text(v.map(|v| v.to_string()).unwrap_or_default())
}

fn number(d: fazhi_text::number::Decimal) -> XCell {
    XCell::Number(d.as_f64())
}

/// The comparison sheet: one row per indicator, one column per place (numbers, so that Excel can
/// chart them), and a column per place with the quote the number was read from.
pub fn comparison_sheet(c: &Comparison) -> Sheet<'static> {
    let mut headers = vec!["指标键".to_owned(), "指标".to_owned(), "单位".to_owned()];
    headers.extend(c.places.iter().map(|p| p.heading()));
    headers.extend(c.places.iter().map(|p| format!("{}原文", p.heading())));
    let rows = c
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![text(&r.key), text(&r.label), text(&r.unit)];
            row.extend(r.cells.iter().map(|cell| match cell {
                Some(cell) => number(cell.value),
                None => text(""),
            }));
            // The quote, with what a reader must know about the number: not exact (约, 逾 …),
            // or one of several values printed for the key.
            row.extend(r.cells.iter().map(|cell| match cell {
                Some(cell) => {
                    let mut notes = Vec::new();
                    if cell.qualifier != fazhi_text::number::Qualifier::Exact {
                        notes.push(format!("{}，非确数", cell.qualifier.label()));
                    }
                    if cell.other_values > 0 {
                        notes.push(format!("另有{}个不同数值", cell.other_values));
                    }
                    if notes.is_empty() {
                        text(&cell.quote)
                    } else {
                        text(format!("{}（{}）", cell.quote, notes.join("；")))
                    }
                }
                None => text(""),
            }));
            row
        })
        .collect();
    Sheet {
        name: "对比",
        headers,
        rows,
    }
}

/// The whole workbook for analysed reports (`name` is each report's file name): 概况 (one row per
/// report), 数字 (every figure), 核验 (every check), 对比 (places × indicators).
pub fn workbook(reports: &[(String, Analysis)]) -> AppResult<Vec<u8>> {
    let h = |names: &[&str]| names.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let overview = Sheet {
        name: "概况",
        headers: h(&[
            "文件",
            "标题",
            "地区",
            "层级",
            "年度",
            "发布机构",
            "文号",
            "索引号",
            "成文日期",
            "发布日期",
            "文字",
            "缺少的部分",
            "数字个数",
            "无法复算的核验",
        ]),
        rows: reports
            .iter()
            .map(|(name, a)| {
                vec![
                    text(name),
                    opt(a.title.as_ref()),
                    opt(a.jurisdiction.as_ref()),
                    opt(a.level.map(|l| l.as_str())),
                    opt(a.year),
                    opt(a.issuer.as_ref()),
                    opt(a.doc_no.as_ref()),
                    opt(a.index_no.as_ref()),
                    opt(a.written.as_ref()),
                    opt(a.published.as_ref()),
                    text(a.script.label()),
                    text(
                        a.missing_parts
                            .iter()
                            .map(|p| p.label())
                            .collect::<Vec<_>>()
                            .join("；"),
                    ),
                    XCell::Number(a.figures.len() as f64),
                    XCell::Number(
                        a.checks
                            .iter()
                            .filter(|c| c.verdict == fazhi_text::checks::Verdict::Unexplained)
                            .count() as f64,
                    ),
                ]
            })
            .collect(),
    };
    let figures = Sheet {
        name: "数字",
        headers: h(&[
            "文件",
            "指标键",
            "名称",
            "数值",
            "单位",
            "限定",
            "年度",
            "范围",
            "同比变化",
            "原文",
            "起始位置",
            "结束位置",
        ]),
        rows: reports
            .iter()
            .flat_map(|(name, a)| {
                a.figures.iter().map(move |f| {
                    vec![
                        text(name),
                        opt(f.key.as_ref()),
                        text(&f.label),
                        number(f.value),
                        text(&f.unit),
                        text(f.qualifier.label()),
                        opt(f.year),
                        opt(f.scope.as_ref()),
                        text(if f.change { "是" } else { "" }),
                        text(&f.quote),
                        XCell::Number(f.start as f64),
                        XCell::Number(f.end as f64),
                    ]
                })
            })
            .collect(),
    };
    let checks = Sheet {
        name: "核验",
        headers: h(&[
            "文件",
            "类型",
            "印发值",
            "分子",
            "分母",
            "复算值",
            "结论",
            "原文",
        ]),
        rows: reports
            .iter()
            .flat_map(|(name, a)| {
                a.checks.iter().map(move |c| {
                    vec![
                        text(name),
                        text(c.kind.label()),
                        number(c.printed),
                        c.numerator.map_or_else(|| text(""), number),
                        c.denominator.map_or_else(|| text(""), number),
                        c.computed.map_or_else(|| text(""), number),
                        text(c.verdict.label()),
                        text(&c.quote),
                    ]
                })
            })
            .collect(),
    };
    let named: Vec<(&str, &Analysis)> = reports.iter().map(|(n, a)| (n.as_str(), a)).collect();
    let comparison = comparison_sheet(&compare(&named));
    write_sheets(&[overview, figures, checks, comparison])
}

/// An uploaded report as listed.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRow {
    pub id: i64,
    pub file_name: String,
    /// text | html | docx
    pub format: String,
    pub encoding: String,
    pub sha256: String,
    pub title: Option<String>,
    pub jurisdiction: Option<String>,
    pub year: Option<i32>,
    pub uploaded_by: Option<i64>,
    pub uploaded_by_name: Option<String>,
    pub unit_id: i64,
    pub unit_name: String,
    pub created_at: String,
    /// Whether the actor may delete it.
    pub deletable: bool,
}

/// One uploaded report with its text and its analysis (recomputed now).
#[derive(Debug, Clone, Serialize)]
pub struct DocumentDetail {
    pub document: DocumentRow,
    /// The decoded text; figure and check offsets are character offsets into it.
    pub text: String,
    pub analysis: Analysis,
    /// For each check (same order as `analysis.checks`), the (numerator, denominator) pairs the
    /// analyzer tried, as decimal strings: shown beside a check it could not explain.
    pub candidates: Vec<Vec<(String, String)>>,
}

/// What an upload did: the document, and whether the same bytes were already there.
#[derive(Debug, Clone, Serialize)]
pub struct Uploaded {
    pub id: i64,
    pub file_name: String,
    pub duplicate: bool,
}

/// The office and the leaders read, compare and download.
pub fn may_read(actor: &Actor) -> AppResult<()> {
    if actor.can(Permission::ManageReport) || actor.can(Permission::ApproveReport) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

const COLUMNS: &str =
    "d.id, d.file_name, d.format, d.encoding, d.sha256, d.title, d.jurisdiction, d.year, \
     d.uploaded_by, u.display_name, d.unit_id, n.name, d.created_at";
const FROM: &str =
    "FROM an_documents d LEFT JOIN users u ON u.id = d.uploaded_by JOIN units n ON n.id = d.unit_id";

fn doc_row(actor: &Actor, r: &fazhi_store::AnyRow) -> DocumentRow {
    let uploaded_by: Option<i64> = r.get(8);
    DocumentRow {
        id: r.get(0),
        file_name: r.get(1),
        format: r.get(2),
        encoding: r.get(3),
        sha256: r.get(4),
        title: r.get(5),
        jurisdiction: r.get(6),
        year: r.get::<Option<i64>, _>(7).map(|y| y as i32),
        uploaded_by,
        uploaded_by_name: r.get(9),
        unit_id: r.get(10),
        unit_name: r.get(11),
        created_at: r.get(12),
        deletable: may_delete(actor, uploaded_by),
    }
}

/// The uploader (while he may still read the reports) or the office.
fn may_delete(actor: &Actor, uploaded_by: Option<i64>) -> bool {
    actor.can(Permission::ManageReport)
        || (uploaded_by.is_some() && uploaded_by == actor.user_id && may_read(actor).is_ok())
}

/// A report file read and analysed, before anything is written.
struct Read {
    file_name: String,
    doc: fazhi_text::Document,
    sha256: String,
    analysis: Analysis,
}

fn read_one(file_name: &str, bytes: &[u8]) -> AppResult<Read> {
    let name = file_name.trim();
    if name.is_empty() {
        return Err(DomainError::required("file", "报告文件").into());
    }
    if bytes.len() > MAX_UPLOAD {
        return Err(DomainError::field(
            Code::FileTooLarge,
            "file",
            format!("文件 {name} 超过{}MB，不能上传", MAX_UPLOAD / (1024 * 1024)),
        )
        .into());
    }
    let doc = fazhi_text::read_document(name, bytes)
        .map_err(|e| DomainError::field(e.code(), "file", e.message(name)))?;
    let analysis = fazhi_text::analyze(&doc.text);
    Ok(Read {
        file_name: name.chars().take(200).collect(),
        sha256: hex::encode(Sha256::digest(bytes)),
        analysis,
        doc,
    })
}

/// Runs CPU-bound analysis on tokio's blocking pool: a long report would otherwise hold an async
/// worker, and with it every request queued on that worker, for as long as it is read.
async fn off_the_workers<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("analyzer: {e}")))
}

async fn analyze_off_the_workers(text: String) -> AppResult<Analysis> {
    off_the_workers(move || fazhi_text::analyze(&text)).await
}

fn format_code(f: fazhi_text::input::Format) -> &'static str {
    match f {
        fazhi_text::input::Format::Text => "text",
        fazhi_text::input::Format::Html => "html",
        fazhi_text::input::Format::Docx => "docx",
    }
}

/// Uploads one report file (.txt, .html, .docx). See [`upload_many`].
pub async fn upload(
    app: &App,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<Uploaded> {
    let mut v = upload_many(app, actor, &[(file_name.to_owned(), bytes.to_vec())]).await?;
    v.pop()
        .ok_or_else(|| AppError::Internal("upload returned nothing".into()))
}

/// Uploads report files (name, bytes) in the actor's unit. Every file is read first; one that
/// cannot be read (empty, binary, unknown encoding, damaged .docx, too large) refuses the whole
/// upload with its code and a message naming it (field `file`), and nothing is written. A file
/// whose bytes the unit already uploaded answers with the existing document (`duplicate`).
/// Each new document is written with its audit entry, all in one transaction.
pub async fn upload_many(
    app: &App,
    actor: &Actor,
    files: &[(String, Vec<u8>)],
) -> AppResult<Vec<Uploaded>> {
    actor.require(Permission::ManageReport)?;
    if files.is_empty() {
        return Err(DomainError::required("file", "报告文件").into());
    }
    let owned = files.to_vec();
    let read = crate::uploads::parse(move || {
        owned
            .iter()
            .map(|(name, bytes)| read_one(name, bytes))
            .collect::<AppResult<Vec<_>>>()
    })
    .await??;
    let now = app.now_text();
    let mut out = Vec::with_capacity(read.len());
    let mut tx = app.db.begin().await?;
    for r in read {
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM an_documents WHERE unit_id = $1 AND sha256 = $2")
                .bind(actor.unit_id)
                .bind(&r.sha256)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(id) = existing {
            out.push(Uploaded {
                id,
                file_name: r.file_name,
                duplicate: true,
            });
            continue;
        }
        let a = &r.analysis;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO an_documents (file_name, format, encoding, sha256, text, title, jurisdiction, year, uploaded_by, unit_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(&r.file_name)
        .bind(format_code(r.doc.format))
        .bind(r.doc.encoding)
        .bind(&r.sha256)
        .bind(&r.doc.text)
        .bind(&a.title)
        .bind(&a.jurisdiction)
        .bind(a.year.map(i64::from))
        .bind(actor.user_id)
        .bind(actor.unit_id)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            app,
            actor,
            "create",
            ENTITY,
            &id.to_string(),
            None,
            Some(
                json!({"file_name": r.file_name, "format": format_code(r.doc.format),
                "encoding": r.doc.encoding, "sha256": r.sha256, "title": a.title,
                "jurisdiction": a.jurisdiction, "year": a.year,
                "chars": r.doc.text.chars().count()}),
            ),
        )
        .await?;
        out.push(Uploaded {
            id,
            file_name: r.file_name,
            duplicate: false,
        });
    }
    tx.commit().await?;
    Ok(out)
}

/// Every uploaded report, newest first.
pub async fn list(app: &App, actor: &Actor) -> AppResult<Vec<DocumentRow>> {
    may_read(actor)?;
    let rows = sqlx::query(&format!("SELECT {COLUMNS} {FROM} ORDER BY d.id DESC"))
        .fetch_all(&app.db.pool)
        .await?;
    Ok(rows.iter().map(|r| doc_row(actor, r)).collect())
}

async fn load(app: &App, actor: &Actor, id: i64) -> AppResult<(DocumentRow, String)> {
    may_read(actor)?;
    let r = sqlx::query(&format!("SELECT {COLUMNS}, d.text {FROM} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(&app.db.pool)
        .await?
        .ok_or(AppError::NotFound("报告"))?;
    let text: String = r.get(13);
    let row = doc_row(actor, &r);
    Ok((row, text))
}

/// One report with its text and its analysis.
pub async fn detail(app: &App, actor: &Actor, id: i64) -> AppResult<DocumentDetail> {
    let (document, text) = load(app, actor, id).await?;
    let (text, analysis) = off_the_workers(move || {
        let analysis = fazhi_text::analyze(&text);
        (text, analysis)
    })
    .await?;
    let candidates = analysis
        .checks
        .iter()
        .map(|c| {
            c.candidates
                .iter()
                .map(|(n, d)| (n.to_string(), d.to_string()))
                .collect()
        })
        .collect();
    Ok(DocumentDetail {
        document,
        text,
        analysis,
        candidates,
    })
}

/// What using an uploaded report as its year's baseline would file, and the round of an earlier
/// application of the same document, if any.
pub struct BaselinePreview {
    pub document: DocumentRow,
    pub plan: crate::baseline::Plan,
    pub applied_round: Option<i64>,
    /// Our jurisdiction, and whether the report is about it (only then can it be applied).
    pub ours: String,
    pub same_place: bool,
}

/// The baseline plan of an uploaded report (anyone who may read it).
pub async fn baseline_preview(app: &App, actor: &Actor, id: i64) -> AppResult<BaselinePreview> {
    let (document, text) = load(app, actor, id).await?;
    let plan = off_the_workers(move || crate::baseline::plan(&fazhi_text::analyze(&text))).await?;
    let applied_round = match plan.year {
        Some(y) => crate::baseline::existing(app, y, &document.sha256).await?,
        None => None,
    };
    let (_, _, ours) = crate::org::root(app).await?;
    let same_place = crate::baseline::same_place(&ours, plan.jurisdiction.as_deref());
    Ok(BaselinePreview {
        document,
        plan,
        applied_round,
        ours,
        same_place,
    })
}

/// Files an uploaded report's figures as its year's values (the 依法治区办); the round's id.
/// Applying the same document again files nothing and returns the same round.
pub async fn apply_baseline(app: &App, actor: &Actor, id: i64) -> AppResult<i64> {
    actor.require(Permission::ManageReport)?;
    let (document, text) = load(app, actor, id).await?;
    let analysis = analyze_off_the_workers(text).await?;
    let source = crate::baseline::Source {
        title: analysis
            .title
            .clone()
            .unwrap_or_else(|| document.file_name.clone()),
        file_name: document.file_name.clone(),
        sha256: document.sha256.clone(),
        document_id: Some(document.id),
    };
    let year = analysis.year.ok_or_else(|| {
        DomainError::field(Code::NoYear, "file", "未识别出报告的年度，不能作为基线填报")
    })?;
    crate::baseline::apply(app, actor, &source, &analysis, year).await
}

/// Deletes an uploaded report (the uploader or the office), with its audit entry.
pub async fn delete(app: &App, actor: &Actor, id: i64) -> AppResult<()> {
    let (row, _) = load(app, actor, id).await?;
    if !row.deletable {
        return Err(AppError::Forbidden);
    }
    let mut tx = app.db.begin().await?;
    let r = sqlx::query("DELETE FROM an_documents WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if r.rows_affected() != 1 {
        return Err(AppError::NotFound("报告"));
    }
    audit::record(
        &mut tx,
        app,
        actor,
        "delete",
        ENTITY,
        &id.to_string(),
        Some(
            json!({"file_name": row.file_name, "sha256": row.sha256, "title": row.title,
            "jurisdiction": row.jurisdiction, "year": row.year}),
        ),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Parses the ids of a comparison: numbers separated by commas (or given several times), at
/// least one, at most [`MAX_COMPARE`], duplicates dropped in order.
pub fn parse_ids<'a>(values: impl IntoIterator<Item = &'a str>) -> AppResult<Vec<i64>> {
    let mut ids = Vec::new();
    for v in values {
        for part in v
            .split([',', '，', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let id = part
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(|| {
                    DomainError::field(
                        Code::InvalidIds,
                        "ids",
                        "请选择要对比的报告（报告编号以逗号分隔）",
                    )
                })?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    if ids.is_empty() {
        return Err(
            DomainError::field(Code::InvalidIds, "ids", "请至少选择一份报告进行对比").into(),
        );
    }
    if ids.len() > MAX_COMPARE {
        return Err(DomainError::field(
            Code::InvalidIds,
            "ids",
            format!("一次最多对比{MAX_COMPARE}份报告"),
        )
        .into());
    }
    Ok(ids)
}

/// The selected reports (file name, analysis), in the order given.
async fn analysed(
    app: &App,
    actor: &Actor,
    ids: &[i64],
) -> AppResult<Vec<(DocumentRow, Analysis)>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let (row, text) = load(app, actor, *id).await?;
        out.push((row, analyze_off_the_workers(text).await?));
    }
    Ok(out)
}

/// The selected reports compared: places × indicators.
pub async fn comparison(
    app: &App,
    actor: &Actor,
    ids: &[i64],
) -> AppResult<(Vec<DocumentRow>, Comparison)> {
    let reports = analysed(app, actor, ids).await?;
    let named: Vec<(&str, &Analysis)> = reports
        .iter()
        .map(|(d, a)| (d.file_name.as_str(), a))
        .collect();
    let c = compare(&named);
    Ok((reports.iter().map(|(d, _)| d.clone()).collect(), c))
}

/// The workbook (概况, 数字, 核验, 对比) of the selected reports.
pub async fn workbook_of(app: &App, actor: &Actor, ids: &[i64]) -> AppResult<Vec<u8>> {
    let reports = analysed(app, actor, ids).await?;
    let named: Vec<(String, Analysis)> =
        reports.into_iter().map(|(d, a)| (d.file_name, a)).collect();
    workbook(&named)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader, Xlsx};

    #[test]
    fn workbook_has_the_four_sheets_with_numbers() {
        let a = fazhi_text::analyze(
            "甲区2024年法治政府建设年度报告\n全区共收到行政复议申请94件，已审结86件，审结率91.49%。",
        );
        let bytes = workbook(&[("甲区.txt".into(), a)]).unwrap();
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), ["概况", "数字", "核验", "对比"]);
        let cmp = wb.worksheet_range("对比").unwrap();
        let row = cmp
            .rows()
            .find(|r| r[0] == "reconsideration.applications")
            .expect("applications row");
        assert_eq!(row[3], calamine::Data::Float(94.0));
        assert_eq!(cmp.rows().next().unwrap()[3].to_string(), "甲区（2024年）");
    }
}
