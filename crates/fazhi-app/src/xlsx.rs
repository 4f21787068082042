//! Excel in and out, shared by every module: a sheet of text cells with a header row.

use crate::{AppError, AppResult};
use calamine::{Data, Reader, Xlsx};
use fazhi_domain::Code;
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

/// An import template: the first sheet (the one imports read) has the header row only; a second
/// sheet, 填写示例, shows `example` under the same header with a note that it is not imported
/// (issue 13: an example row in the first sheet was imported as a real case).
pub fn write_template(sheet: &str, headers: &[&str], example: Vec<String>) -> AppResult<Vec<u8>> {
    let headers: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    let note = format!(
        "说明：本工作表只是填写示例，导入时不读取。请在第一个工作表“{sheet}”中从第2行起逐行填写，日期写作2024-09-27。"
    );
    write_sheets(&[
        Sheet {
            name: sheet,
            headers: headers.clone(),
            rows: vec![],
        },
        Sheet {
            name: "填写示例",
            headers,
            rows: vec![
                example.into_iter().map(XCell::from).collect(),
                vec![],
                vec![XCell::Text(note)],
            ],
        },
    ])
}

/// A text that a spreadsheet could take for a formula (`=`, `+`, `-`, `@`, a tab or a carriage
/// return first) gets a leading apostrophe (OWASP, "CSV injection"): the cell is text already,
/// but a user who edits it, or copies the sheet elsewhere, would otherwise run what a case's
/// applicant typed.
pub fn neutralise(t: &str) -> std::borrow::Cow<'_, str> {
    if t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{t}").into()
    } else {
        t.into()
    }
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
                        let t = neutralise(t);
                        ws.write_string(r, c as u16, t.as_ref()).map_err(err)?;
                        width(&t)
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

/// How much of a sheet an upload may use. A workbook is refused before anything larger than
/// this is built: the rows below the header and the columns a template can have.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Data rows below the header row.
    pub rows: u32,
    /// Columns, counted from column A.
    pub cols: u32,
}

impl Bounds {
    /// The case imports and the statistics forms: far more than a year of any unit's cases.
    pub const DEFAULT: Bounds = Bounds {
        rows: 20_000,
        cols: 64,
    };
}

/// Entries of an .xlsx zip (a workbook has about a dozen).
const MAX_ZIP_ENTRIES: usize = 500;
/// The inflated size of a worksheet (read as a stream), of any other zip entry (the shared
/// strings and the styles are held whole by calamine), and of all together. Counted while
/// inflating, not taken from the sizes the zip declares, which an attacker writes.
const MAX_SHEET_BYTES: u64 = 64 * 1024 * 1024;
const MAX_PART_BYTES: u64 = 16 * 1024 * 1024;
const MAX_INFLATED_BYTES: u64 = 256 * 1024 * 1024;
/// The memory the cells read may take: their text, and [`CELL_COST`] for each cell besides (a
/// shared string may be referenced by any number of cells).
const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;
const CELL_COST: usize = 64;
/// Excel's own limit on one cell's text.
const MAX_CELL_CHARS: usize = 32_767;

fn refuse(code: Code, message: impl Into<String>) -> AppError {
    AppError::Domain(DomainError::field(code, "file", message))
}

fn not_xlsx() -> AppError {
    refuse(Code::InvalidXlsx, "上传的文件不是有效的Excel（.xlsx）文件")
}

fn too_large(what: String) -> AppError {
    refuse(
        Code::XlsxTooLarge,
        format!("上传的Excel文件{what}，请只保留模板中的表格后重新上传"),
    )
}

/// Checks the zip container before calamine opens it: the number of entries and what each
/// entry really inflates to (a 1 MB zip bomb would otherwise become 1 GB in memory).
///
/// The file must be a zip from its first byte: calamine first reads any upload as an OLE2
/// (CFB) file, the container of encrypted workbooks and of .xls, whose header sizes it allocates
/// unchecked (a 773-byte CFB header before a small zip aborted the process), so anything else is
/// refused here, before calamine sees it.
fn check_zip(bytes: &[u8]) -> AppResult<()> {
    use std::io::Read;
    const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(&CFB_MAGIC) {
        return Err(refuse(
            Code::XlsxEncryptedOrXls,
            "加密的Excel文件或旧版.xls文件不能读入，请在Excel中取消密码并另存为.xlsx格式后重新上传",
        ));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(not_xlsx());
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    if zip.offset() != 0 {
        return Err(not_xlsx());
    }
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(too_large(format!("包含的部件过多（{}个）", zip.len())));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| not_xlsx())?;
        let limit = if entry.name().starts_with("xl/worksheets/") {
            MAX_SHEET_BYTES
        } else {
            MAX_PART_BYTES
        };
        if entry.size() > limit {
            return Err(too_large("解压后过大".into()));
        }
        let n = std::io::copy(&mut (&mut entry).take(limit + 1), &mut std::io::sink())
            .map_err(|_| not_xlsx())?;
        total += n;
        if n > limit || total > MAX_INFLATED_BYTES {
            return Err(too_large("解压后过大".into()));
        }
    }
    Ok(())
}

/// Column letters of a zero-based column index (0 → A, 16383 → XFD).
fn column_name(mut col: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Reads the first sheet within [`Bounds::DEFAULT`]: the header row and the data rows as text.
pub fn read_table(bytes: &[u8]) -> AppResult<(Vec<String>, Vec<Vec<String>>)> {
    read_table_within(bytes, Bounds::DEFAULT)
}

/// Reads the first sheet: the header row (the first row with content) and the rows below it as
/// text, each as wide as the header. Dates typed as Excel dates come back as `2024-09-27`.
///
/// Bounded before anything is built (issue 13: one cell at `XFD1048576` made calamine allocate
/// the whole grid, 512 GB, and the allocation failure aborted the server): the zip is checked
/// entry by entry ([`check_zip`]), then the sheet is read cell by cell with calamine's streaming
/// reader, keeping only cells with content; a cell past `bounds`, a cell with content in a column
/// without a header, or too much text is refused with a message naming it.
pub fn read_table_within(
    bytes: &[u8],
    bounds: Bounds,
) -> AppResult<(Vec<String>, Vec<Vec<String>>)> {
    if bytes.len() > MAX_UPLOAD {
        return Err(DomainError::field(Code::FileTooLarge, "file", "上传文件不能超过10MB").into());
    }
    check_zip(bytes)?;
    // calamine panics on some malformed workbooks (a shared-string index out of range, found by
    // the fuzz target `xlsx_import`); an upload must get a clear refusal, so parsing runs under
    // catch_unwind.
    let cells =
        std::panic::catch_unwind(|| read_cells(bytes, bounds)).map_err(|_| not_xlsx())??;
    let Some(header_row) = cells.iter().map(|c| c.0).min() else {
        return Err(DomainError::field(Code::EmptyFile, "file", "导入文件是空的").into());
    };
    let width = cells
        .iter()
        .filter(|c| c.0 == header_row)
        .map(|c| c.1 + 1)
        .max()
        .unwrap_or(0);
    let height = cells.iter().map(|c| c.0).max().unwrap_or(header_row) - header_row;
    if let Some((r, c, _)) = cells.iter().find(|c| c.1 >= width) {
        return Err(refuse(
            Code::XlsxCellOutsideTable,
            format!(
                "上传的Excel文件第{}行{}列（{}{}）有内容，但该列没有表头；请删除表格以外的内容后重新上传",
                r + 1,
                column_name(*c),
                column_name(*c),
                r + 1
            ),
        ));
    }
    let mut headers = vec![String::new(); width as usize];
    let mut rows = vec![vec![String::new(); width as usize]; height as usize];
    for (r, c, text) in cells {
        if r == header_row {
            headers[c as usize] = text;
        } else {
            rows[(r - header_row - 1) as usize][c as usize] = text;
        }
    }
    Ok((headers, rows))
}

/// The cells with content of the first sheet, as (row, column, text), zero-based, each checked
/// against `bounds` as it is read.
fn read_cells(bytes: &[u8], bounds: Bounds) -> AppResult<Vec<(u32, u32, String)>> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let first = wb.sheet_names().into_iter().next().ok_or_else(not_xlsx)?;
    let mut reader = wb.worksheet_cells_reader(&first).map_err(|_| not_xlsx())?;
    let mut cells = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut first_row: Option<u32> = None;
    let mut text_bytes = 0usize;
    while let Some(cell) = reader.next_cell().map_err(|_| not_xlsx())? {
        let (r, c) = cell.get_position();
        // Excel writes each cell once; a file repeating one (millions of times) is not a
        // workbook to read.
        if !seen.insert((r, c)) {
            return Err(refuse(
                Code::InvalidXlsx,
                format!(
                    "上传的Excel文件中{}{}单元格出现了不止一次，文件可能已损坏，请在Excel中另存后重新上传",
                    column_name(c),
                    r as u64 + 1
                ),
            ));
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        // The header is the first row with content; rows usually come in order, and a row
        // before the first seen only moves the window up.
        let top = first_row.map_or(r, |t| t.min(r));
        first_row = Some(top);
        if c >= bounds.cols || r.saturating_sub(top) > bounds.rows {
            return Err(too_large(format!(
                "超出了允许的范围（最多{}行数据、{}列；{}{}处有内容）",
                bounds.rows,
                bounds.cols,
                column_name(c),
                r as u64 + 1
            )));
        }
        if text.chars().count() > MAX_CELL_CHARS {
            return Err(too_large(format!(
                "中{}{}单元格的内容超过{}个字符",
                column_name(c),
                r as u64 + 1,
                MAX_CELL_CHARS
            )));
        }
        text_bytes += text.len() + CELL_COST;
        if text_bytes > MAX_TEXT_BYTES {
            return Err(too_large("中的文字过多".into()));
        }
        cells.push((r, c, text));
    }
    // Rows out of order could have stretched the window past the bound after all.
    if let (Some(top), Some(bottom)) = (
        cells.iter().map(|c| c.0).min(),
        cells.iter().map(|c| c.0).max(),
    ) {
        if bottom - top > bounds.rows {
            return Err(too_large(format!(
                "超出了允许的范围（最多{}行数据）",
                bounds.rows
            )));
        }
    }
    Ok(cells)
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
    fn formulas_in_user_text_are_neutralised() {
        // (A carriage return is stored as `_x000D_`, which calamine leaves as it is: checked on
        // `neutralise` alone below.)
        let rows = [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "张三",
            "1-2",
        ];
        let bytes =
            write_table("表", &["内容"], rows.iter().map(|v| vec![(*v).to_string()])).unwrap();
        let (_, back) = read_table(&bytes).unwrap();
        let back: Vec<&str> = back.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            back,
            [
                "'=HYPERLINK(\"http://x\")",
                "'+1",
                "'-2+3",
                "'@SUM(A1)",
                "'\tx",
                "张三",
                "1-2"
            ]
        );
        assert_eq!(neutralise("\r=1"), "'\r=1");
    }

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

    /// The hostile workbooks kept in the fuzz regressions (issue 13), and the code each gets.
    const HOSTILE: [(&str, &[u8], &str); 7] = [
        (
            "one cell at XFD1048576",
            include_bytes!("../../../fuzz/regressions/xlsx_import/far-cell-XFD1048576.xlsx"),
            "xlsx_too_large",
        ),
        (
            "a sheet inflating to 200 MB",
            include_bytes!("../../../fuzz/regressions/xlsx_import/zip-bomb-200MB.xlsx"),
            "xlsx_too_large",
        ),
        (
            "the same, declaring 1000 bytes",
            include_bytes!("../../../fuzz/regressions/xlsx_import/zip-bomb-lying-size.xlsx"),
            "xlsx_too_large",
        ),
        (
            "600 zip entries",
            include_bytes!("../../../fuzz/regressions/xlsx_import/many-entries.xlsx"),
            "xlsx_too_large",
        ),
        (
            "a CFB header whose sector numbers calamine resized to 2 TB, before a small zip",
            include_bytes!("../../../fuzz/regressions/xlsx_import/cfb-header-resize.xlsx"),
            "xlsx_encrypted_or_xls",
        ),
        (
            "a CFB header whose FAT length calamine allocated (16 GB), before a small zip",
            include_bytes!("../../../fuzz/regressions/xlsx_import/cfb-header-fat-length.xlsx"),
            "xlsx_encrypted_or_xls",
        ),
        (
            "60 MB of shared strings and one cell repeated 2 million times (286 KB)",
            include_bytes!("../../../fuzz/regressions/xlsx_import/repeated-cell-and-strings.xlsx"),
            "xlsx_too_large",
        ),
    ];

    #[test]
    fn hostile_workbooks_are_refused_before_they_are_built() {
        for (what, bytes, code) in HOSTILE {
            let e = read_table(bytes).unwrap_err();
            assert_eq!(e.code(), code, "{what}");
            assert_eq!(e.field(), Some("file"), "{what}");
        }
        let e = read_table(HOSTILE[0].1).unwrap_err();
        assert!(
            e.user_message().contains("XFD1048576"),
            "{}",
            e.user_message()
        );
    }

    #[test]
    fn a_cell_beyond_the_bounds_or_without_a_header_is_named() {
        let rows = (0..5).map(|i| vec![i.to_string(), String::new()]);
        let bytes = write_table("表", &["甲", "乙"], rows).unwrap();
        // Five data rows where four are allowed: refused, naming the limit.
        let e = read_table_within(&bytes, Bounds { rows: 4, cols: 8 }).unwrap_err();
        assert_eq!(e.code(), "xlsx_too_large");
        assert!(
            e.user_message().contains("最多4行数据"),
            "{}",
            e.user_message()
        );
        assert!(read_table_within(&bytes, Bounds { rows: 5, cols: 8 }).is_ok());
        // A value in a column to the right of the header.
        let bytes = write_sheets(&[Sheet {
            name: "表",
            headers: vec!["甲".into()],
            rows: vec![vec![XCell::Text("1".into()), XCell::Text("备注".into())]],
        }])
        .unwrap();
        let e = read_table(&bytes).unwrap_err();
        assert_eq!(e.code(), "xlsx_cell_outside_table");
        assert!(
            e.user_message().contains("第2行B列"),
            "{}",
            e.user_message()
        );
    }

    #[test]
    fn rows_are_as_wide_as_the_header_and_keep_their_place() {
        let bytes = write_sheets(&[Sheet {
            name: "表",
            headers: vec!["甲".into(), "乙".into(), "丙".into()],
            rows: vec![
                vec![XCell::Text("1".into())],
                vec![],
                vec![XCell::Text(String::new()), XCell::Number(2.0)],
            ],
        }])
        .unwrap();
        let (h, rows) = read_table(&bytes).unwrap();
        assert_eq!(h, ["甲", "乙", "丙"]);
        assert_eq!(
            rows,
            [vec!["1", "", ""], vec!["", "", ""], vec!["", "2", ""]]
        );
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16383), "XFD");
    }
}
