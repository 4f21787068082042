//! "Use as baseline" (已发布报告作为基线, issue 6 item 7): the figures a published annual report
//! printed become the filed values of its year, each with its quote as the source, so that the
//! next year's report states 同比 against what was published.
//!
//! [`plan`] is pure: which of the analysis's figures would be filed, and which are skipped and
//! why. [`apply`] files the plan as a closed statistics round (数据填报) of the year with one
//! approved form of the jurisdiction's root unit; the quotes go to `st_value_sources`, the
//! document to `st_baselines`.
//!
//! Rules of the plan:
//! - only catalogue keys a round can hold: counts and amounts. A rate is never filed as its
//!   percentage; its numerator and denominator are counts of their own and are filed when the
//!   report prints them (the rate itself is listed as skipped, saying so);
//! - one value per key: the headline figure ([`fazhi_text::compare::headline`], the first figure
//!   of the key in the report's own year, not a change); when the report prints several different
//!   values for the key, none is filed (需人工确认);
//! - exact figures only (no 近/约/逾/不到 …), stated for the whole jurisdiction (no scope, or a
//!   scope starting with 全: 全区, 全县, 全市 …), a whole number for a count, an amount in 元,
//!   万元 or 亿元 with at most four decimals in the catalogue's unit.
//!
//! Applying the same document (by SHA-256) for the same year again writes nothing and returns the
//! round applied before ([`existing`] tells beforehand).
//!
//! Precedence (see `filing::filed_values`): for a key the baseline holds, the published value is
//! the year's filed value for the jurisdiction; unit forms of the same year and key stay stored
//! and visible on their rounds but are not added to it.

use crate::{audit, org, Actor, App, AppError, AppResult};
use fazhi_domain::catalogue::{Catalogue, Kind};
use fazhi_domain::filing::{format_value, FormStatus, RoundStatus, AMOUNT_SCALE};
use fazhi_domain::org::Permission;
use fazhi_domain::Code;
use fazhi_domain::DomainError;
use fazhi_store::Row;
use fazhi_text::analysis::FigureOut;
use fazhi_text::number::Qualifier;
use fazhi_text::Analysis;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// What applying an analysis would file for its year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub title: Option<String>,
    pub jurisdiction: Option<String>,
    /// The report's year: the year the values are filed for (`None`: nothing can be filed).
    pub year: Option<i32>,
    /// The values to file, in the order the report prints them.
    pub values: Vec<PlannedValue>,
    /// Figures with a key that are not filed, each with the reason, in text order.
    pub skipped: Vec<Skipped>,
}

/// One value to file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedValue {
    pub key: String,
    /// The catalogue's label and unit.
    pub label: String,
    pub unit: String,
    /// As stored in `st_values`: a count, or an amount in 1/10,000 of the catalogue's unit.
    pub value: i64,
    /// The value as a form shows it (`94`, `231.64`).
    pub text: String,
    /// The figure as printed (`94件`, `2.3亿元`).
    pub printed: String,
    pub quote: String,
    /// Offsets of the figure in the analysed text (as the analyzer gives them).
    pub start: usize,
    pub end: usize,
}

/// A figure that is not filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub key: Option<String>,
    pub label: String,
    pub printed: String,
    pub quote: String,
    pub start: usize,
    pub end: usize,
    /// Stable code: no_year, other_year, approximate, narrower_scope, several_values,
    /// not_fileable, rate_as_parts, rate_without_parts, not_whole_number, unit_mismatch.
    pub code: &'static str,
    /// The reason, for people.
    pub reason: String,
}

fn cat() -> &'static Catalogue {
    Catalogue::embedded()
}

fn skip(f: &FigureOut, code: &'static str, reason: String) -> Skipped {
    Skipped {
        key: f.key.clone(),
        label: f
            .key
            .as_deref()
            .and_then(|k| cat().get(k))
            .map(|e| e.label.clone())
            .unwrap_or_else(|| f.label.clone()),
        printed: format!("{}{}", f.value, f.unit),
        quote: f.quote.clone(),
        start: f.start,
        end: f.end,
        code,
        reason,
    }
}

/// Whether a printed scope is the whole of the reporting jurisdiction, whose level character is
/// `level` (区, 县, 市, 州, 省): none printed, 全区 / 全区各级行政机关 / 我区 / 本区 — not the towns
/// only (全区各乡镇), not another level (全市 in a district's report), not a body (区政府).
pub fn whole_jurisdiction(scope: Option<&str>, level: Option<char>) -> bool {
    let Some(s) = scope else {
        return true;
    };
    let mut chars = s.chars();
    let (Some(first), Some(l)) = (chars.next(), chars.next()) else {
        return false;
    };
    let rest = chars.as_str();
    matches!(first, '全' | '我' | '本')
        && level.is_none_or(|level| l == level)
        && !["乡", "镇", "街道"].iter().any(|w| rest.contains(w))
}

/// Whether a report is about our own jurisdiction: its place as the analyzer read it equals ours,
/// or one ends with the other (遂宁市安居区 / 安居区).
pub fn same_place(ours: &str, theirs: Option<&str>) -> bool {
    theirs.is_some_and(|t| {
        !t.is_empty() && !ours.is_empty() && (t == ours || t.ends_with(ours) || ours.ends_with(t))
    })
}

/// 元 per unit of money, for the units reports print amounts in.
fn yuan(unit: &str) -> Option<i128> {
    match unit {
        "元" => Some(1),
        "万元" => Some(10_000),
        "亿元" => Some(100_000_000),
        _ => None,
    }
}

/// The figure as the value stored for `kind` in the catalogue's `unit`, or why it cannot be.
fn stored(f: &FigureOut, kind: Kind, unit: &str) -> Result<i64, (&'static str, String)> {
    let (units, scale) = f.value.parts();
    let pow = 10i128.checked_pow(scale).unwrap_or(i128::MAX);
    let too_large = || ("not_whole_number", "数值过大，无法填报".to_string());
    match kind {
        Kind::Count => {
            if f.unit == "%" || yuan(&f.unit).is_some() {
                return Err((
                    "unit_mismatch",
                    format!("单位“{}”与指标单位“{unit}”不符", f.unit),
                ));
            }
            if units < 0 || units % pow != 0 {
                return Err((
                    "not_whole_number",
                    format!("“{}”不是非负整数，计数指标只能填报整数", f.value),
                ));
            }
            i64::try_from(units / pow).map_err(|_| too_large())
        }
        Kind::Amount => {
            let (Some(from), Some(to)) = (yuan(&f.unit), yuan(unit)) else {
                return Err((
                    "unit_mismatch",
                    format!("单位“{}”无法换算为指标单位“{unit}”", f.unit),
                ));
            };
            // value × from / to in the catalogue's unit, × AMOUNT_SCALE as stored.
            let num = units
                .checked_mul(from)
                .and_then(|n| n.checked_mul(i128::from(AMOUNT_SCALE)))
                .ok_or_else(too_large)?;
            let den = pow.checked_mul(to).ok_or_else(too_large)?;
            if units < 0 || num % den != 0 {
                return Err((
                    "not_whole_number",
                    format!(
                        "{}{}换算为{unit}后超过四位小数，无法按填报精度保存",
                        f.value, f.unit
                    ),
                ));
            }
            i64::try_from(num / den).map_err(|_| too_large())
        }
        Kind::Rate => Err(("rate_without_parts", String::new())),
    }
}

/// The values an analysis would file for its year, and the figures skipped with their reasons.
pub fn plan(a: &Analysis) -> Plan {
    let mut values = Vec::new();
    let mut skipped = Vec::new();
    let level = a
        .level
        .and_then(|l| l.as_str().chars().next())
        .or_else(|| a.jurisdiction.as_deref().and_then(|j| j.chars().last()));
    let keyed: Vec<&FigureOut> = a
        .figures
        .iter()
        .filter(|f| f.key.is_some() && !f.change)
        .collect();
    let Some(year) = a.year else {
        for f in keyed {
            skipped.push(skip(
                f,
                "no_year",
                "未识别出报告年度，无法确定数值所属年份".into(),
            ));
        }
        return Plan {
            title: a.title.clone(),
            jurisdiction: a.jurisdiction.clone(),
            year: None,
            values,
            skipped,
        };
    };
    // Keys in the order the report first prints them.
    let mut seen = BTreeSet::new();
    let keys: Vec<&str> = keyed
        .iter()
        .filter_map(|f| f.key.as_deref())
        .filter(|k| seen.insert(*k))
        .collect();
    let mut rates = Vec::new();
    for key in keys {
        // Figures of other years, or of no year, are never this year's value.
        for f in keyed.iter().filter(|f| f.key.as_deref() == Some(key)) {
            match f.year {
                Some(y) if y == year => {}
                Some(y) => skipped.push(skip(
                    f,
                    "other_year",
                    format!("该数值属于{y}年，不是报告年度{year}年"),
                )),
                None => skipped.push(skip(f, "no_year", "未能确定该数值所属年份".into())),
            }
        }
        let Some((head, others)) = fazhi_text::compare::headline(a, key) else {
            continue;
        };
        let Some(e) = cat().get(key) else {
            skipped.push(skip(
                head,
                "not_fileable",
                "指标目录中没有该指标，不能作为填报值".into(),
            ));
            continue;
        };
        if e.kind == Kind::Rate {
            rates.push((head, e));
            continue;
        }
        if others > 0 {
            let mut printed: Vec<String> = keyed
                .iter()
                .filter(|f| f.key.as_deref() == Some(key) && f.year == Some(year))
                .map(|f| format!("{}{}", f.value, f.unit))
                .collect();
            printed.dedup();
            skipped.push(skip(
                head,
                "several_values",
                format!(
                    "报告中该指标印有多个不同数值（{}），需人工确认",
                    printed.join("、")
                ),
            ));
            continue;
        }
        if head.qualifier != Qualifier::Exact {
            skipped.push(skip(
                head,
                "approximate",
                "数值带有“近、约、逾、不到”等限定词，不是确数".into(),
            ));
            continue;
        }
        if !whole_jurisdiction(head.scope.as_deref(), level) {
            skipped.push(skip(
                head,
                "narrower_scope",
                format!(
                    "统计范围为“{}”，不是全辖区的数据",
                    head.scope.as_deref().unwrap_or_default()
                ),
            ));
            continue;
        }
        match stored(head, e.kind, &e.unit) {
            Ok(v) => values.push(PlannedValue {
                key: key.to_string(),
                label: e.label.clone(),
                unit: e.unit.clone(),
                value: v,
                text: format_value(e.kind, v),
                printed: format!("{}{}", head.value, head.unit),
                quote: head.quote.clone(),
                start: head.start,
                end: head.end,
            }),
            Err((code, reason)) => skipped.push(skip(head, code, reason)),
        }
    }
    for (head, e) in rates {
        let part = |k: &Option<String>| {
            k.as_deref()
                .and_then(|k| values.iter().find(|v| v.key == k))
                .map(|v| v.label.clone())
        };
        let reason = match (part(&e.numerator), part(&e.denominator)) {
            (Some(n), Some(d)) => (
                "rate_as_parts",
                format!("比率不直接填报，已按分子“{n}”和分母“{d}”填报"),
            ),
            _ => (
                "rate_without_parts",
                "比率只能按分子、分母填报，报告未同时印出可填报的分子和分母".to_string(),
            ),
        };
        skipped.push(skip(head, reason.0, reason.1));
    }
    values.sort_by_key(|v| v.start);
    skipped.sort_by_key(|s| s.start);
    Plan {
        title: a.title.clone(),
        jurisdiction: a.jurisdiction.clone(),
        year: Some(year),
        values,
        skipped,
    }
}

/// The published document a baseline comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The report's title as printed (the file name when none was found).
    pub title: String,
    pub file_name: String,
    /// SHA-256 of the document's bytes, lowercase hex: identifies the document.
    pub sha256: String,
    /// The uploaded document's row (the analyzer's page), when it came from there.
    pub document_id: Option<i64>,
}

impl Source {
    /// The source of a document read from `bytes`; the title is the analysis's, else the file
    /// name.
    pub fn of(a: &Analysis, file_name: &str, bytes: &[u8]) -> Self {
        Source {
            title: a.title.clone().unwrap_or_else(|| file_name.to_string()),
            file_name: file_name.to_string(),
            sha256: hex::encode(Sha256::digest(bytes)),
            document_id: None,
        }
    }
}

/// The round a baseline of this document for this year was applied as, if any.
pub async fn existing(app: &App, year: i32, sha256: &str) -> AppResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT round_id FROM st_baselines WHERE year = $1 AND sha256 = $2")
            .bind(i64::from(year))
            .bind(sha256)
            .fetch_optional(&app.db.pool)
            .await?,
    )
}

/// Files the plan of `analysis` for `year` (which must be the report's year): a closed round
/// titled 已发布报告基线：《title》 with one approved form of the root unit, its values and their
/// quotes, in one transaction with one audit entry. Needs ManageReport (the 依法治区办). Applying
/// the same document (SHA-256) for the same year again writes nothing and returns that round.
pub async fn apply(
    app: &App,
    actor: &Actor,
    source: &Source,
    analysis: &Analysis,
    year: i32,
) -> AppResult<i64> {
    actor.require(Permission::ManageReport)?;
    let p = plan(analysis);
    let Some(report_year) = p.year else {
        return Err(DomainError::field(
            Code::NoYear,
            "file",
            "未识别出报告的年度，不能作为基线填报",
        )
        .into());
    };
    if report_year != year {
        return Err(DomainError::field(
            Code::YearMismatch,
            "year",
            format!("报告年度为{report_year}年，与所选的{year}年不一致"),
        )
        .into());
    }
    if p.values.is_empty() {
        return Err(DomainError::new(
            Code::NothingToFile,
            "报告中没有可作为填报值的数据（确数、全辖区、指标目录中的计数或金额）",
        )
        .into());
    }
    let (root, _, ours) = org::root(app).await?;
    if !same_place(&ours, analysis.jurisdiction.as_deref()) {
        return Err(DomainError::field(
            Code::JurisdictionMismatch,
            "file",
            format!(
                "报告的地区为“{}”，不是本平台的{ours}，不能作为本地的基数",
                analysis.jurisdiction.as_deref().unwrap_or("（未识别）")
            ),
        )
        .into());
    }
    if let Some(id) = existing(app, year, &source.sha256).await? {
        return Ok(id);
    }
    // The round's keys: the values filed, and the rates both of whose parts are filed (so the
    // form notes 审结率的分子 …).
    let filed: BTreeSet<&str> = p.values.iter().map(|v| v.key.as_str()).collect();
    let keys: Vec<String> = cat()
        .entries
        .iter()
        .filter(|e| {
            filed.contains(e.key.as_str())
                || (e.kind == Kind::Rate
                    && [&e.numerator, &e.denominator]
                        .iter()
                        .all(|k| k.as_deref().is_some_and(|k| filed.contains(k))))
        })
        .map(|e| e.key.clone())
        .collect();
    let now = app.now_text();
    let today = app.today().to_string();
    let who = if actor.unit_name.is_empty() {
        actor.display_name.clone()
    } else {
        format!("{}（{}）", actor.display_name, actor.unit_name)
    };
    let title = format!("已发布报告基线：《{}》", source.title);
    let note = format!(
        "依据已发布的《{}》导入（文件：{}，SHA-256：{}）",
        source.title, source.file_name, source.sha256
    );
    let mut tx = app.db.begin().await?;
    let round_id: i64 = sqlx::query_scalar(
        "INSERT INTO st_rounds (year, title, due_date, keys_json, note, status, unit_id, created_by, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id",
    )
    .bind(i64::from(year))
    .bind(&title)
    .bind(&today)
    .bind(serde_json::to_string(&keys).map_err(|e| AppError::Internal(e.to_string()))?)
    .bind(&note)
    .bind(RoundStatus::Closed.code())
    .bind(actor.unit_id)
    .bind(actor.user_id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    let form_id: i64 = sqlx::query_scalar(
        "INSERT INTO st_forms (round_id, unit_id, year, status, submitted_by, submitted_at, approved_by, approved_at, due_date, version, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $8, 1, $6) RETURNING id",
    )
    .bind(round_id)
    .bind(root)
    .bind(i64::from(year))
    .bind(FormStatus::Approved.code())
    .bind(format!("已发布报告《{}》", source.title))
    .bind(&now)
    .bind(format!("{who}，依据已发布报告导入"))
    .bind(&today)
    .fetch_one(&mut *tx)
    .await?;
    for v in &p.values {
        sqlx::query("INSERT INTO st_values (form_id, key, value) VALUES ($1, $2, $3)")
            .bind(form_id)
            .bind(&v.key)
            .bind(v.value)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO st_value_sources (form_id, key, quote, start_offset, end_offset, document_title) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(form_id)
        .bind(&v.key)
        .bind(&v.quote)
        .bind(v.start as i64)
        .bind(v.end as i64)
        .bind(&source.title)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO st_baselines (round_id, year, document_title, file_name, sha256, document_id, applied_by, applied_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(round_id)
    .bind(i64::from(year))
    .bind(&source.title)
    .bind(&source.file_name)
    .bind(&source.sha256)
    .bind(source.document_id)
    .bind(actor.user_id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    let filed: BTreeMap<&str, serde_json::Value> = p
        .values
        .iter()
        .map(|v| (v.key.as_str(), json!({"value": v.value, "quote": v.quote})))
        .collect();
    audit::record(
        &mut tx,
        app,
        actor,
        "apply_baseline",
        "st_round",
        &round_id.to_string(),
        None,
        Some(json!({
            "year": year,
            "title": title,
            "document": source,
            "form_id": form_id,
            "unit_id": root,
            "values": filed,
            "skipped": p.skipped.len(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(round_id)
}

/// The baseline a round came from: (document title, file name), for the form page.
pub async fn of_round(app: &App, round_id: i64) -> AppResult<Option<(String, String)>> {
    let r = sqlx::query("SELECT document_title, file_name FROM st_baselines WHERE round_id = $1")
        .bind(round_id)
        .fetch_optional(&app.db.pool)
        .await?;
    Ok(r.map(|r| (r.get(0), r.get(1))))
}
