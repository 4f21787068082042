//! A report file's bytes to its text: plain text in UTF-8 (with or without BOM), UTF-16 (with BOM),
//! GB18030 (which covers GBK and GB2312) or a mix of UTF-8 and GB18030 lines; saved web pages
//! (their declared charset honoured, then reduced to text by [`crate::html_text`]); and .docx
//! (the paragraphs of `word/document.xml`). Bytes in, text out: the caller reads the file.
//!
//! Refused with a stable code and a Chinese message: empty files, binary files, text in no
//! encoding we can read without guessing, damaged .docx files, and text longer than
//! [`MAX_REPORT_BYTES`].

use fazhi_domain::Code;
use std::io::Read;

use serde::Serialize;

/// The form a report came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Text,
    Html,
    Docx,
}

/// A report's text and how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub text: String,
    pub format: Format,
    /// The encoding read (`UTF-8`, `GB18030`, `UTF-8+GB18030` for a file mixing both by line, …).
    pub encoding: &'static str,
}

/// Why a file cannot be read as a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    Empty,
    Binary,
    Encoding,
    Docx(&'static str),
    /// The report's text is longer than [`MAX_REPORT_BYTES`].
    TooLarge,
}

/// The largest report TEXT analysed, in bytes of UTF-8 (after decoding, and after the markup of a
/// web page or a .docx is removed: a .docx with images may be 20 MB while its text is 100 KB).
/// Published 法治政府建设年度报告 are well under 1 MB of text; 16 MB is sixteen times that, so
/// nothing real is refused, while a wrong file (a log, a dump, a corpus) is refused at once with
/// a clear message instead of keeping a request busy. The analysis is linear: 16 MB takes about
/// 0.7 s in a release build (docs/performance.md, "The report analyzer").
pub const MAX_REPORT_BYTES: usize = 16 * 1024 * 1024;

/// The largest file read at all, before decoding: the text limit with room for the markup of a
/// saved web page (UTF-16 and GB18030 never take more bytes than the same UTF-8 text needs for
/// Chinese, but a page's tags and scripts do). A .docx is limited by its inflated text instead.
const MAX_FILE_BYTES: usize = 4 * MAX_REPORT_BYTES;

impl InputError {
    /// Stable code, for the API and scripts.
    pub fn code(&self) -> Code {
        match self {
            Self::Empty => Code::ReportFileEmpty,
            Self::Binary => Code::ReportFileBinary,
            Self::Encoding => Code::ReportFileEncoding,
            Self::Docx(_) => Code::ReportFileDocx,
            Self::TooLarge => Code::ReportFileTooLarge,
        }
    }

    /// The message for a user, naming the file.
    pub fn message(&self, file: &str) -> String {
        match self {
            Self::Empty => format!("文件 {file} 为空，没有可分析的文字"),
            Self::Binary => format!(
                "文件 {file} 不是文本文件（含二进制内容），请提供 .txt、.html 或 .docx 格式的报告"
            ),
            Self::Encoding => format!(
                "文件 {file} 的编码无法识别（支持 UTF-8、UTF-16、GB18030/GBK/GB2312），请另存为 UTF-8 后重试"
            ),
            Self::Docx(why) => format!("文件 {file} 不是有效的 .docx 文档：{why}"),
            Self::TooLarge => format!(
                "文件 {file} 的文字超过 {} MB 的上限，不像是一份年度报告；请只提供报告本身",
                MAX_REPORT_BYTES / (1024 * 1024)
            ),
        }
    }
}

/// Largest `word/document.xml` we inflate: a .docx whose text expands beyond this is refused
/// rather than allowed to exhaust memory (a "zip bomb").
const MAX_DOCX_XML: u64 = 64 * 1024 * 1024;

/// Reads a report file. `file_name` decides the form by its extension (.docx, .html/.htm, else
/// text); a .docx is also recognised by its content (a zip archive), and a page saved as .txt by
/// its `<html` start.
pub fn read_document(file_name: &str, bytes: &[u8]) -> Result<Document, InputError> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(InputError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") || ext == "docx" {
        let text = docx_text(bytes)?;
        if text.trim().is_empty() {
            return Err(InputError::Empty);
        }
        if text.len() > MAX_REPORT_BYTES {
            return Err(InputError::TooLarge);
        }
        return Ok(Document {
            text,
            format: Format::Docx,
            encoding: "UTF-8",
        });
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(InputError::TooLarge);
    }
    let html = matches!(ext.as_str(), "html" | "htm" | "shtml") || looks_like_html(bytes);
    let declared = if html { declared_charset(bytes) } else { None };
    let (text, encoding) = decode(bytes, declared)?;
    if html {
        let text = crate::html_text(&text);
        if text.trim().is_empty() {
            return Err(InputError::Empty);
        }
        if text.len() > MAX_REPORT_BYTES {
            return Err(InputError::TooLarge);
        }
        Ok(Document {
            text,
            format: Format::Html,
            encoding,
        })
    } else if text.len() > MAX_REPORT_BYTES {
        Err(InputError::TooLarge)
    } else if text.trim().is_empty() {
        // A byte-order mark and blanks.
        Err(InputError::Empty)
    } else {
        Ok(Document {
            text,
            format: Format::Text,
            encoding,
        })
    }
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head: Vec<u8> = bytes
        .iter()
        .take(1024)
        .map(u8::to_ascii_lowercase)
        .collect();
    let head = head.trim_ascii_start();
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html")
}

/// The charset a page declares (`<meta charset="gbk">`, `content="text/html; charset=gb2312"`).
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head: Vec<u8> = bytes
        .iter()
        .take(4096)
        .map(u8::to_ascii_lowercase)
        .collect();
    let at = head.windows(8).position(|w| w == b"charset=")? + 8;
    let rest = &head[at..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
        .unwrap_or(rest.len());
    encoding_rs::Encoding::for_label(&rest[..end])
}

/// Decodes text. A BOM decides; else a declared charset, when the bytes are valid in it; else
/// UTF-8; else GB18030; else line by line (UTF-8 where a line is valid UTF-8, GB18030 otherwise),
/// for files pasted together from sources in both. Bytes valid in none of these are refused, not
/// replaced: a replaced character could sit inside a number.
fn decode(
    bytes: &[u8],
    declared: Option<&'static encoding_rs::Encoding>,
) -> Result<(String, &'static str), InputError> {
    use encoding_rs::{GB18030, UTF_16BE, UTF_16LE, UTF_8};
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(InputError::Encoding);
        }
        if text.contains('\0') {
            return Err(InputError::Binary);
        }
        let name = match enc {
            e if e == UTF_16LE => "UTF-16LE",
            e if e == UTF_16BE => "UTF-16BE",
            _ => "UTF-8",
        };
        return Ok((text.into_owned(), name));
    }
    if is_binary(bytes) {
        return Err(InputError::Binary);
    }
    // Valid UTF-8 is UTF-8, whatever a page declares (a GBK page is valid UTF-8 only when it is
    // plain ASCII, and then both read the same).
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_owned(), "UTF-8"));
    }
    if let Some(enc) = declared.filter(|e| *e != UTF_8 && e.output_encoding() == *e) {
        if let (text, false) = enc.decode_without_bom_handling(bytes) {
            return Ok((text.into_owned(), enc.name()));
        }
    }
    // A line that reads as UTF-8 with several multi-byte characters is UTF-8 (GB18030 text
    // almost never forms such runs): then the file mixes both, and is read line by line, since
    // reading it whole as GB18030 could "succeed" with those lines garbled.
    let mixed = bytes.split(|&b| b == b'\n').any(|line| {
        std::str::from_utf8(line).is_ok_and(|s| s.chars().filter(|c| !c.is_ascii()).count() >= 3)
    });
    if !mixed {
        if let (text, false) = GB18030.decode_without_bom_handling(bytes) {
            return Ok((text.into_owned(), "GB18030"));
        }
    }
    let mut out = String::with_capacity(bytes.len());
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        match std::str::from_utf8(line) {
            Ok(s) => out.push_str(s),
            Err(_) => match GB18030.decode_without_bom_handling(line) {
                (t, false) => out.push_str(&t),
                (_, true) => return Err(InputError::Encoding),
            },
        }
    }
    Ok((out, "UTF-8+GB18030"))
}

/// NUL bytes, or many control characters other than tab/CR/LF/FF, mean the file is not text.
fn is_binary(bytes: &[u8]) -> bool {
    if bytes.contains(&0) {
        return true;
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    controls * 100 > sample.len()
}

/// The text of a .docx: one line per paragraph (`w:p`), tabs and breaks kept, table cells
/// separated by tabs. Only `word/document.xml` is read (headers, footers and notes are page
/// furniture, not the report).
fn docx_text(bytes: &[u8]) -> Result<String, InputError> {
    use quick_xml::events::Event;

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| InputError::Docx("无法按 zip 格式打开"))?;
    let mut entry = zip
        .by_name("word/document.xml")
        .map_err(|_| InputError::Docx("缺少正文 word/document.xml"))?;
    // Sized to what the zip declares (at most the limit), so that reading does not double the
    // buffer past it; a zip that declares less only costs the doubling up to the limit.
    let mut xml = Vec::with_capacity(entry.size().min(MAX_DOCX_XML + 1) as usize);
    (&mut entry)
        .take(MAX_DOCX_XML + 1)
        .read_to_end(&mut xml)
        .map_err(|_| InputError::Docx("正文已损坏，无法解压"))?;
    if xml.len() as u64 > MAX_DOCX_XML {
        return Err(InputError::Docx("正文超过 64MB"));
    }
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut out = String::new();
    let mut in_text = false;
    // Inside a run (`w:r`): a `w:tab` elsewhere (in `w:pPr/w:tabs`) defines a tab stop, it is
    // not a tab. Inside `mc:Fallback`: the same content again for older readers (text boxes),
    // skipped so that its figures are not read twice.
    let mut runs = 0usize;
    let mut fallback = 0usize;
    let mut buf = Vec::new();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|_| InputError::Docx("正文 XML 格式错误"))?;
        match ev {
            Event::Start(e) => match e.name().as_ref() {
                b"w:t" => in_text = true,
                b"w:r" => runs += 1,
                b"mc:Fallback" => fallback += 1,
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_text = false,
                b"w:r" => runs = runs.saturating_sub(1),
                b"mc:Fallback" => fallback = fallback.saturating_sub(1),
                b"w:p" if fallback == 0 => out.push('\n'),
                b"w:tc" if fallback == 0 => out.push('\t'),
                _ => {}
            },
            Event::Empty(e) if fallback == 0 => match e.name().as_ref() {
                b"w:tab" if runs > 0 => out.push('\t'),
                b"w:br" | b"w:cr" if runs > 0 => out.push('\n'),
                b"w:p" => out.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text && fallback == 0 => {
                let s = t
                    .unescape()
                    .map_err(|_| InputError::Docx("正文 XML 格式错误"))?;
                out.push_str(&s);
                if out.len() > MAX_REPORT_BYTES {
                    return Err(InputError::TooLarge);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_gb18030_and_utf16() {
        let s = "全区共收到行政复议申请94件。";
        assert_eq!(
            read_document("a.txt", s.as_bytes()).unwrap().encoding,
            "UTF-8"
        );
        let (gb, _, _) = encoding_rs::GB18030.encode(s);
        let d = read_document("a.txt", &gb).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (s, "GB18030"));
        let mut u16 = vec![0xFF, 0xFE];
        u16.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let d = read_document("a.txt", &u16).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (s, "UTF-16LE"));
        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend(s.as_bytes());
        assert_eq!(read_document("a.txt", &bom).unwrap().text, s);
    }

    #[test]
    fn mixed_lines_are_each_decoded() {
        let (gb, _, _) = encoding_rs::GB18030.encode("已审结86件\n");
        let mut bytes = "收到申请94件\n".as_bytes().to_vec();
        bytes.extend(gb.iter());
        bytes.extend("审结率91.49%".as_bytes());
        let d = read_document("a.txt", &bytes).unwrap();
        assert_eq!(d.text, "收到申请94件\n已审结86件\n审结率91.49%");
        assert_eq!(d.encoding, "UTF-8+GB18030");
    }

    #[test]
    fn mixed_lines_are_not_garbled_when_the_whole_would_pass_as_gb18030() {
        // Every UTF-8 line here also decodes as GB18030 without an error, as garbage.
        for utf8_line in ["行政复议申请\n", "全区行政复议\n", "收到申请书\n"] {
            let (gb, _, _) = encoding_rs::GB18030.encode("已审结86件\n");
            let mut bytes = utf8_line.as_bytes().to_vec();
            bytes.extend(gb.iter());
            let d = read_document("a.txt", &bytes).unwrap();
            assert_eq!(d.text, format!("{utf8_line}已审结86件\n"));
        }
    }

    #[test]
    fn valid_utf8_wins_over_a_wrong_declaration() {
        let page =
            "<html><head><meta charset=\"iso-8859-1\"></head><body><p>受理94件</p></body></html>";
        let d = read_document("r.html", page.as_bytes()).unwrap();
        assert!(d.text.contains("受理94件"), "{}", d.text);
    }

    #[test]
    fn empty_binary_and_undecodable_files_are_refused() {
        assert_eq!(read_document("a.txt", b""), Err(InputError::Empty));
        assert_eq!(read_document("a.txt", b" \n\t"), Err(InputError::Empty));
        assert_eq!(
            read_document("a.txt", b"\x7fELF\x02\x01\x01\0\0\0"),
            Err(InputError::Binary)
        );
        // 0xFF is not a lead byte in GB18030 nor valid UTF-8.
        assert_eq!(
            read_document("a.txt", b"abc\xff\xfe\xfd"),
            Err(InputError::Encoding)
        );
        let e = InputError::Binary;
        assert!(e.message("报告.pdf").contains("报告.pdf"));
    }

    #[test]
    fn html_honours_its_declared_charset() {
        let page = "<html><head><meta charset=\"gbk\"><title>报告</title></head>\
                    <body><p>受理94件</p><script>x=1</script></body></html>";
        let (gb, _, _) = encoding_rs::GBK.encode(page);
        let d = read_document("r.htm", &gb).unwrap();
        assert_eq!(d.format, Format::Html);
        assert!(d.text.contains("受理94件"));
        assert!(!d.text.contains("x=1"));
        // A page saved with a .txt name is still a page.
        assert_eq!(
            read_document("r.txt", page.as_bytes()).unwrap().format,
            Format::Html
        );
    }

    #[test]
    fn docx_paragraphs_become_lines() {
        use std::io::Write;
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="w" xmlns:mc="mc"><w:body>
            <w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="840"/></w:tabs></w:pPr><w:r><w:t>一、主要举措</w:t></w:r></w:p>
            <mc:AlternateContent><mc:Choice Requires="wps"><w:p><w:r><w:t>框内12件</w:t></w:r></w:p></mc:Choice><mc:Fallback><w:p><w:r><w:t>框内12件</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent>
            <w:p><w:r><w:t xml:space="preserve">收到申请</w:t></w:r><w:r><w:t>94件&amp;</w:t></w:r><w:r><w:tab/><w:t>审结86件</w:t></w:r></w:p>
            </w:body></w:document>"#;
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            z.start_file::<_, ()>("word/document.xml", Default::default())
                .unwrap();
            z.write_all(xml.as_bytes()).unwrap();
            z.finish().unwrap();
        }
        let d = read_document("r.docx", buf.get_ref()).unwrap();
        assert_eq!(d.format, Format::Docx);
        assert_eq!(d.text, "一、主要举措\n框内12件\n收到申请94件&\t审结86件\n");
        assert!(matches!(
            read_document("r.docx", b"PK\x03\x04garbage"),
            Err(InputError::Docx(_))
        ));
        assert!(matches!(
            read_document("r.docx", b"not a zip"),
            Err(InputError::Docx(_))
        ));
    }
}
