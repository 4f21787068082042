//! DOCX in the format of Party and government documents, GB/T 9704-2012 (党政机关公文格式).
//!
//! A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (type area 156 × 225 mm); the
//! title in 2号 (22 pt) 小标宋, centred; the body in 3号 (16 pt) 仿宋, first line indented two
//! characters, lines at a fixed 28.9 pt (22 lines in the 225 mm type area); headings 一、 in 黑体,
//! （一） in 楷体, 1. in bold 仿宋, all 3号; page numbers "— 1 —" in 4号 (14 pt) 宋体 with half-width
//! digits, odd pages at the right and even pages at the left, one character in from the edge;
//! a chart as an inline PNG the width of the type area, its caption centred below; the issuer
//! and the date (成文日期, "2025年1月9日") at the end, as for a document without a seal (署名
//! right-indented two characters, the date starting two characters right of the issuer).
//!
//! Not done: the character grid of 28 characters per line (Word's `w:docGrid w:charSpace`); the
//! lines follow from the fixed line spacing instead, and the characters from the font size.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, Footer, InstrPAGE, InstrText, LineSpacing, LineSpacingType, PageMargin,
    Paragraph, Pic, Run, RunFonts, SpecialIndentType,
};
use serde::{Deserialize, Serialize};

use crate::model::{Block, Document};
use crate::{chart, ReportError};

/// A4 in twentieths of a point (twips).
pub const PAGE_WIDTH: u32 = 11906;
pub const PAGE_HEIGHT: u32 = 16838;
/// Margins in twips: 37, 35, 28 and 26 mm (1 mm = 1440 / 25.4 twips).
pub const MARGIN_TOP: i32 = 2098;
pub const MARGIN_BOTTOM: i32 = 1984;
pub const MARGIN_LEFT: i32 = 1587;
pub const MARGIN_RIGHT: i32 = 1474;
/// Distance of the footer from the page edge: the page number's line starts about 7 mm below
/// the type area, as the standard asks.
const FOOTER_DISTANCE: i32 = 1191;

/// Sizes in half-points: 2号, 3号, 4号.
pub const TITLE_SIZE: usize = 44;
pub const BODY_SIZE: usize = 32;
pub const PAGE_NUMBER_SIZE: usize = 28;
/// Fixed line pitch in twips: 28.9 pt, so 22 lines fill the 225 mm type area.
pub const LINE_PITCH: i32 = 578;
/// Two characters of 3号 (16 pt) in twips.
const INDENT_TWO: i32 = 640;
/// One character of 3号 and of 4号 in twips.
const CHAR_BODY: f64 = 320.0;
const CHAR_PAGE_NUMBER: i32 = 280;
/// Type area width in EMU (156 mm), the width of a chart.
const TYPE_AREA_WIDTH_EMU: u32 = 5_615_940;

/// Which names the runs of the document carry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FontNaming {
    /// The names the standard prescribes (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312, 宋体), as
    /// installed on the Windows machines of government offices.
    #[default]
    Standard,
    /// Free fonts that Debian packages (fonts-noto-cjk, fonts-arphic-ukai).
    Free,
}

/// One role's font: the standard's name and the free font that stands in for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FontPair {
    pub standard: String,
    pub free: String,
}

impl FontPair {
    fn new(standard: &str, free: &str) -> Self {
        Self {
            standard: standard.to_string(),
            free: free.to_string(),
        }
    }
}

/// The fonts of each role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocxFonts {
    /// 小标宋 (title).
    pub title: FontPair,
    /// 仿宋 (body, level-3 headings in bold, the issuer and date, captions).
    pub body: FontPair,
    /// 黑体 (level-1 headings, 一、).
    pub heading1: FontPair,
    /// 楷体 (level-2 headings, （一）).
    pub heading2: FontPair,
    /// 宋体 (page numbers).
    pub page_number: FontPair,
}

impl Default for DocxFonts {
    fn default() -> Self {
        Self {
            title: FontPair::new("方正小标宋简体", "Noto Serif CJK SC"),
            body: FontPair::new("仿宋_GB2312", "Noto Serif CJK SC"),
            heading1: FontPair::new("黑体", "Noto Sans CJK SC"),
            heading2: FontPair::new("楷体_GB2312", "AR PL UKai CN"),
            page_number: FontPair::new("宋体", "Noto Serif CJK SC"),
        }
    }
}

/// Options of [`render`].
///
/// **Fonts.** A DOCX names one font per run and script (`w:rFonts`: ascii, hAnsi, eastAsia and cs
/// are all set to the same name here). Word and WPS on the offices' Windows machines have the
/// standard's fonts, so [`DocxOptions::standard`] (the default) names them. LibreOffice, which
/// converts the DOCX to PDF on a Linux server, does not have them, and tested on LibreOffice 7.4
/// it ignores `w:altName` in `fontTable.xml` (docx-rs cannot write it anyway; a hand-made file
/// with it converted exactly as one without): a missing font falls back through fontconfig, which
/// on a stock Debian gives DejaVu Sans for Latin text and some CJK sans face for the rest,
/// whatever the role. Two ways give the intended faces:
///
/// - [`DocxOptions::free_fonts`]: the runs name the free fonts directly (Noto Serif CJK SC for
///   仿宋, 小标宋 and 宋体, Noto Sans CJK SC for 黑体, AR PL UKai CN for 楷体). Right on any machine
///   with fonts-noto-cjk and fonts-arphic-ukai, and what a Windows machine without them will
///   substitute. The title is set bold there, as Noto Serif's regular weight is far lighter than
///   小标宋.
/// - keep the standard names and run LibreOffice with [`DocxOptions::fontconfig`] as its
///   fontconfig file (`FONTCONFIG_FILE`), which aliases each standard name to its free font;
///   LibreOffice follows these aliases (tested). The title then stays regular weight.
///
/// The application chooses with [`DocxOptions::with_naming`], e.g. from its configuration
/// ([`FontNaming`] deserialises from `"standard"` / `"free"`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DocxOptions {
    pub fonts: DocxFonts,
    pub naming: FontNaming,
}

impl DocxOptions {
    /// Runs name the standard's fonts (the default).
    pub fn standard() -> Self {
        Self::default()
    }

    /// Runs name the free fonts.
    pub fn free_fonts() -> Self {
        Self::with_naming(FontNaming::Free)
    }

    pub fn with_naming(naming: FontNaming) -> Self {
        Self {
            fonts: DocxFonts::default(),
            naming,
        }
    }

    fn pick<'a>(&self, pair: &'a FontPair) -> &'a str {
        match self.naming {
            FontNaming::Standard => &pair.standard,
            FontNaming::Free => &pair.free,
        }
    }

    /// A complete fontconfig configuration: the system's (`/etc/fonts/fonts.conf`) plus one
    /// alias per role from the standard name to the free font. Point LibreOffice at it with
    /// `FONTCONFIG_FILE` (or copy the `<alias>` elements into `/etc/fonts/local.conf`) so that a
    /// DOCX naming the standard fonts converts with the free ones.
    pub fn fontconfig(&self) -> Result<String, ReportError> {
        let f = &self.fonts;
        let pairs = [&f.title, &f.body, &f.heading1, &f.heading2, &f.page_number];
        let mut env = minijinja::Environment::new();
        env.add_template(
            "fontconfig.xml",
            include_str!("../templates/fontconfig.xml"),
        )?;
        let out = env
            .get_template("fontconfig.xml")?
            .render(minijinja::context! { pairs => pairs })?;
        Ok(out)
    }
}

/// The document as DOCX bytes.
pub fn render(doc: &Document, opts: &DocxOptions) -> Result<Vec<u8>, ReportError> {
    let fonts = &opts.fonts;
    let body_font = opts.pick(&fonts.body);
    let mut docx = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(851)
                .footer(FOOTER_DISTANCE)
                .gutter(0),
        )
        .default_fonts(run_fonts(body_font))
        .default_size(BODY_SIZE)
        .footer(page_number_footer(opts, AlignmentType::Right))
        .even_footer(page_number_footer(opts, AlignmentType::Left));

    // Title, then one empty line before the body.
    let title_bold = opts.naming == FontNaming::Free;
    docx = docx.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(fixed_lines().after(LINE_PITCH as u32))
            .keep_next(true)
            .add_run(text_run(
                &doc.title,
                opts.pick(&fonts.title),
                TITLE_SIZE,
                title_bold,
            )),
    );

    for block in &doc.blocks {
        docx = match block {
            Block::Heading { level, text } => {
                let (font, bold) = match level {
                    0 | 1 => (opts.pick(&fonts.heading1), false),
                    2 => (opts.pick(&fonts.heading2), false),
                    _ => (body_font, true),
                };
                docx.add_paragraph(
                    body_paragraph()
                        .keep_next(true)
                        .add_run(text_run(text, font, BODY_SIZE, bold)),
                )
            }
            Block::Paragraph { inlines } => {
                let p = inlines.iter().fold(body_paragraph(), |p, inline| {
                    p.add_run(text_run(inline.text(), body_font, BODY_SIZE, false))
                });
                docx.add_paragraph(p)
            }
            Block::Chart { chart: c } => {
                let png = chart::png(c)?;
                let (w, h) = chart::png_size();
                let height_emu = (u64::from(TYPE_AREA_WIDTH_EMU) * u64::from(h) / u64::from(w))
                    .try_into()
                    .map_err(|_| ReportError::Docx("chart height out of range".into()))?;
                let pic = Pic::new_with_dimensions(png, w, h).size(TYPE_AREA_WIDTH_EMU, height_emu);
                docx.add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .keep_next(true)
                        // Single spacing: a fixed pitch would crop the picture to one line.
                        .line_spacing(
                            LineSpacing::new()
                                .line_rule(LineSpacingType::Auto)
                                .line(240),
                        )
                        .add_run(Run::new().add_image(pic)),
                )
                .add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .line_spacing(fixed_lines())
                        .add_run(text_run(&c.title, body_font, BODY_SIZE, false)),
                )
            }
        };
    }

    // The issuer and the date, after one empty line: the issuer right-indented two
    // characters, the date starting two characters to the right of the issuer's first
    // character; if the date is the longer, it is right-indented two characters and the
    // issuer moves left to keep the two-character step (GB/T 9704-2012, 7.3.5.3).
    let date = doc.date.format("%Y年%-m月%-d日").to_string();
    let (wi, wd) = (width_in_chars(&doc.issuer), width_in_chars(&date));
    let date_right = (wi - wd).max(2.0);
    let issuer_right = date_right + wd + 2.0 - wi;
    let closing = |text: &str, right_chars: f64| {
        Paragraph::new()
            .align(AlignmentType::Right)
            .line_spacing(fixed_lines())
            .indent(
                None,
                None,
                Some((right_chars * CHAR_BODY).round() as i32),
                None,
            )
            .add_run(text_run(text, body_font, BODY_SIZE, false))
    };
    docx = docx
        .add_paragraph(Paragraph::new().line_spacing(fixed_lines()))
        .add_paragraph(closing(&doc.issuer, issuer_right).keep_next(true))
        .add_paragraph(closing(&date, date_right));

    let mut out = Cursor::new(Vec::new());
    docx.build()
        .pack(&mut out)
        .map_err(|e| ReportError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

/// Width of a text in characters of its font size: half-width for ASCII (digits, Latin),
/// full-width for everything else, plus the quarter character that Word and LibreOffice put
/// between Chinese and Western characters (autospace, on by default). Enough to place the
/// closing lines; hand-written because the layout engine that knows the real widths is the
/// word processor's.
fn width_in_chars(text: &str) -> f64 {
    let chars: Vec<char> = text.chars().collect();
    let glyphs: f64 = chars
        .iter()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum();
    let switches = chars
        .windows(2)
        .filter(|w| w[0].is_ascii() != w[1].is_ascii())
        .count();
    glyphs + 0.25 * switches as f64
}

fn run_fonts(name: &str) -> RunFonts {
    RunFonts::new()
        .ascii(name)
        .hi_ansi(name)
        .east_asia(name)
        .cs(name)
}

fn text_run(text: &str, font: &str, size: usize, bold: bool) -> Run {
    // XML 1.0 cannot hold control characters other than tab and line breaks, and docx-rs does
    // not escape them: a stray one (pasted from elsewhere) would make the file unreadable.
    let text: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let run = Run::new().fonts(run_fonts(font)).size(size).add_text(text);
    if bold {
        run.bold()
    } else {
        run
    }
}

fn fixed_lines() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(LINE_PITCH)
}

/// A body paragraph: justified, first line indented two characters, fixed line pitch.
fn body_paragraph() -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(INDENT_TWO)),
            None,
            None,
        )
        .line_spacing(fixed_lines())
}

/// "— N —": at the right of odd pages, at the left of even pages, one character from the edge
/// of the type area.
fn page_number_footer(opts: &DocxOptions, align: AlignmentType) -> Footer {
    let font = opts.pick(&opts.fonts.page_number);
    let styled = |run: Run| run.fonts(run_fonts(font)).size(PAGE_NUMBER_SIZE);
    let (left, right) = match align {
        AlignmentType::Left => (Some(CHAR_PAGE_NUMBER), None),
        _ => (None, Some(CHAR_PAGE_NUMBER)),
    };
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(align)
            .indent(left, None, right, None)
            .add_run(styled(Run::new()).add_text("— "))
            .add_run(
                styled(Run::new())
                    .add_field_char(docx_rs::FieldCharType::Begin, false)
                    .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
                    .add_field_char(docx_rs::FieldCharType::Separate, false)
                    .add_text("1")
                    .add_field_char(docx_rs::FieldCharType::End, false),
            )
            .add_run(styled(Run::new()).add_text(" —")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_widths_count_digits_as_half() {
        assert_eq!(width_in_chars("2025年1月9日"), 7.25);
        assert_eq!(width_in_chars("云浮市云城区人民政府"), 10.0);
    }

    #[test]
    fn fontconfig_aliases_every_standard_name() {
        let conf = DocxOptions::standard().fontconfig().unwrap();
        assert!(conf.contains("<include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>"));
        for (standard, free) in [
            ("方正小标宋简体", "Noto Serif CJK SC"),
            ("仿宋_GB2312", "Noto Serif CJK SC"),
            ("黑体", "Noto Sans CJK SC"),
            ("楷体_GB2312", "AR PL UKai CN"),
            ("宋体", "Noto Serif CJK SC"),
        ] {
            assert!(
                conf.contains(&format!(
                    "<family>{standard}</family><prefer><family>{free}</family></prefer>"
                )),
                "{conf}"
            );
        }
    }

    #[test]
    fn naming_reads_from_configuration_words() {
        let n: FontNaming = serde_json::from_str("\"free\"").unwrap();
        assert_eq!(DocxOptions::with_naming(n), DocxOptions::free_fonts());
    }
}
