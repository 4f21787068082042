//! Excel in and out, shared by every module: a sheet of text cells with a header row.

use crate::{AppError, AppResult};
use calamine::{Data, Reader, Xlsx};
use fazhi_domain::DomainError;
use rust_xlsxwriter::{Format, Workbook};
use std::io::Cursor;

/// Largest upload we read (also enforced by the web layer's body limit).
pub const MAX_UPLOAD: usize = 10 * 1024 * 1024;

/// A cell of a written sheet: text, or a number Excel can sum and chart.
#[derive(Debug, Clone, PartialEq)]
pub enum XCell {
    Text(String),
    Number(f64),
}

impl From<String> for XCell {
    fn from(s: String) -> Self {
        XCell::Text(s)
    }
}

/// One sheet to write: its name, header row and rows.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<XCell>>,
}

/// Writes one sheet: a bold header row, then the rows, with columns sized to their content.
pub fn write_table(
    sheet: &str,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> AppResult<Vec<u8>> {
    write_sheets(&[Sheet {
        name: sheet,
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows: rows
            .map(|r| r.into_iter().map(XCell::from).collect())
            .collect(),
    }])
}

/// Writes a workbook of several sheets, each as [`write_table`] writes one.
pub fn write_sheets(sheets: &[Sheet]) -> AppResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let bold = Format::new()
        .set_bold()
        .set_background_color("#E8EFF8")
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let width = |v: &str| {
        v.chars()
            .map(|ch| if ch.is_ascii() { 1 } else { 2 })
            .sum::<usize>()
            + 2
    };
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(sheet.name).map_err(err)?;
        let mut widths: Vec<usize> = sheet.headers.iter().map(|h| width(h)).collect();
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_with_format(0, c as u16, h, &bold).map_err(err)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in row.iter().enumerate() {
                let shown = match v {
                    XCell::Text(t) if t.is_empty() => continue,
                    XCell::Text(t) => {
                        ws.write(r, c as u16, t).map_err(err)?;
                        width(t)
                    }
                    XCell::Number(n) => {
                        ws.write(r, c as u16, *n).map_err(err)?;
                        width(&n.to_string())
                    }
                };
                if let Some(w) = widths.get_mut(c) {
                    *w = (*w).max(shown).min(60);
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w as f64).map_err(err)?;
        }
        ws.set_freeze_panes(1, 0).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}

/// Reads the first sheet: the header row and the data rows as text. Dates typed as Excel dates
/// come back as `2024-09-27`.
pub fn read_table(bytes: &[u8]) -> AppResult<(Vec<String>, Vec<Vec<String>>)> {
    if bytes.len() > MAX_UPLOAD {
        return Err(DomainError::field("file_too_large", "file", "上传文件不能超过10MB").into());
    }
    let not_xlsx = || {
        AppError::Domain(DomainError::field(
            "invalid_xlsx",
            "file",
            "上传的文件不是有效的Excel（.xlsx）文件",
        ))
    };
    // calamine panics on some malformed workbooks (a shared-string index out of range, found by
    // the fuzz target `xlsx_import`); an upload must get a clear refusal, so parsing runs under
    // catch_unwind.
    let range = std::panic::catch_unwind(|| {
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).ok()?;
        wb.worksheet_range_at(0)?.ok()
    })
    .ok()
    .flatten()
    .ok_or_else(not_xlsx)?;
    let mut rows = range
        .rows()
        .map(|r| r.iter().map(cell_text).collect::<Vec<String>>());
    let headers = rows.next().ok_or_else(|| {
        AppError::Domain(DomainError::field("empty_file", "file", "导入文件是空的"))
    })?;
    let headers = headers.into_iter().map(|h| h.trim().to_string()).collect();
    Ok((headers, rows.collect()))
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        // Excel's serial date counts days from 1899-12-30.
        Data::DateTime(dt) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|base| {
                base.checked_add_signed(chrono::Duration::days(dt.as_f64().floor() as i64))
            })
            .map(|d| d.to_string())
            .unwrap_or_default(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
        Data::Error(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_bad_file() {
        let bytes = write_table(
            "表",
            &["甲", "乙"],
            vec![vec!["1".into(), "二".into()]].into_iter(),
        )
        .unwrap();
        let (h, rows) = read_table(&bytes).unwrap();
        assert_eq!(h, vec!["甲", "乙"]);
        assert_eq!(rows, vec![vec!["1".to_string(), "二".to_string()]]);
        let e = read_table(b"not an excel file").unwrap_err();
        assert_eq!(e.code(), "invalid_xlsx");
    }

    #[test]
    fn a_workbook_that_makes_calamine_panic_is_refused_cleanly() {
        // Found by the fuzz target `xlsx_import`: a shared-string index past the table.
        let bytes = include_bytes!(
            "../../../fuzz/regressions/xlsx_import/calamine-shared-string-index.xlsx"
        );
        assert_eq!(read_table(bytes).unwrap_err().code(), "invalid_xlsx");
    }
}
