//! The renderers on one sample report: DOCX (its XML, and its PDF through LibreOffice), HTML in
//! both modes, Markdown.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use fazhi_report::docx::{self, DocxOptions};
use fazhi_report::html::{self, HtmlMode};
use fazhi_report::markdown;
use fazhi_report::model::{Block, Chart, Document, Inline, Meta, Series};

const TITLE: &str = "云城区2024年法治政府建设年度报告";
const BODY_SENTENCE: &str = "全区共收到行政复议申请94件，已审结86件，审结率91.49%。";

fn text(s: &str) -> Inline {
    Inline::Text { text: s.into() }
}

fn figure(s: &str, key: &str, href: Option<&str>) -> Inline {
    Inline::Figure {
        text: s.into(),
        key: key.into(),
        href: href.map(Into::into),
        source: href.map(|_| "系统计算（行政复议案件记录）".into()),
    }
}

fn heading(level: u8, s: &str) -> Block {
    Block::Heading {
        level,
        text: s.into(),
    }
}

fn paragraph(inlines: Vec<Inline>) -> Block {
    Block::Paragraph { inlines }
}

const FILLER: &str =
    "区政府坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，\
     全面落实法治政府建设实施纲要，各项工作取得新进展。";

fn sample() -> Document {
    let mut blocks = vec![
        heading(1, "一、2024年推进法治政府建设的主要举措和成效"),
        heading(2, "（一）依法化解行政争议"),
        heading(3, "1.行政复议工作"),
        paragraph(vec![
            text("全区共收到行政复议申请"),
            figure(
                "94件",
                "reconsideration.received",
                Some("/reconsideration?year=2024"),
            ),
            text("，已审结"),
            figure("86件", "reconsideration.closed", None),
            text("，审结率"),
            figure(
                "91.49%",
                "reconsideration.closed_rate",
                Some("/indicators/x?a=1&b=2"),
            ),
            text("。"),
        ]),
        paragraph(vec![text(
            "含有特殊字符的句子：<script>alert(1)</script> & *星号* [链接](x) | 竖线。",
        )]),
        Block::Chart {
            chart: Chart {
                title: "图1 主要指标同比".into(),
                unit: "件".into(),
                categories: vec!["行政复议申请".into(), "行政应诉案件".into()],
                series: vec![
                    Series {
                        name: "2023年".into(),
                        values: vec![82.0, 35.0],
                    },
                    Series {
                        name: "2024年".into(),
                        values: vec![94.0, 41.0],
                    },
                ],
            },
        },
        heading(1, "二、2024年推进法治政府建设存在的不足和原因"),
    ];
    // Enough text for a second page, so both footers show.
    for _ in 0..8 {
        blocks.push(paragraph(vec![text(FILLER)]));
    }
    Document {
        title: TITLE.into(),
        meta: Meta {
            index_no: Some("007189633/2025-00012".into()),
            publisher: "云浮市云城区人民政府".into(),
            doc_no: Some("云城府〔2025〕1号".into()),
            written: Some(NaiveDate::from_ymd_opt(2025, 1, 9).unwrap()),
            published: Some(NaiveDate::from_ymd_opt(2025, 1, 15).unwrap()),
        },
        blocks,
        issuer: "云浮市云城区人民政府".into(),
        date: NaiveDate::from_ymd_opt(2025, 1, 9).unwrap(),
    }
}

fn zip_entry(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("DOCX is a zip");
    let mut s = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the DOCX"))
        .read_to_string(&mut s)
        .unwrap();
    s
}

fn zip_names(docx: &[u8]) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    zip.file_names().map(String::from).collect()
}

#[test]
fn docx_has_the_official_page_title_and_fonts() {
    let bytes = docx::render(&sample(), &DocxOptions::standard()).unwrap();
    let xml = zip_entry(&bytes, "word/document.xml");
    assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4");
    for (side, twips) in [
        ("top", 2098),
        ("bottom", 1984),
        ("left", 1587),
        ("right", 1474),
    ] {
        assert!(
            xml.contains(&format!(r#"w:{side}="{twips}""#)),
            "margin {side}"
        );
    }
    assert!(xml.contains(r#"<w:sz w:val="44" />"#), "title in 2号");
    assert!(xml.contains(r#"<w:sz w:val="32" />"#), "body in 3号");
    assert!(
        xml.contains(r#"w:line="578" w:lineRule="exact""#),
        "fixed line pitch"
    );
    assert!(xml.contains(r#"w:firstLine="640""#), "two-character indent");
    for font in ["方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"] {
        assert!(
            xml.contains(&format!(r#"w:eastAsia="{font}""#)),
            "eastAsia {font}"
        );
        assert!(
            xml.contains(&format!(r#"w:ascii="{font}""#)),
            "ascii {font}"
        );
    }
    assert!(xml.contains(TITLE));
    assert!(xml.contains("94件") && xml.contains("91.49%"));
    assert!(xml.contains("&lt;script&gt;"), "text is escaped in XML");
    assert!(xml.contains("2025年1月9日"));
    assert!(xml.contains("<pic:pic"), "the chart is a picture");
    assert!(
        zip_names(&bytes)
            .iter()
            .any(|n| n.starts_with("word/media/")),
        "{:?}",
        zip_names(&bytes)
    );

    // Odd and even footers with the page number field in 宋体 4号.
    let settings = zip_entry(&bytes, "word/settings.xml");
    assert!(settings.contains("w:evenAndOddHeaders"));
    let footers: Vec<String> = zip_names(&bytes)
        .into_iter()
        .filter(|n| n.starts_with("word/footer"))
        .map(|n| zip_entry(&bytes, &n))
        .collect();
    assert_eq!(footers.len(), 2);
    for f in &footers {
        assert!(f.contains("PAGE") && f.contains("— ") && f.contains(" —"));
        assert!(f.contains(r#"w:eastAsia="宋体""#) && f.contains(r#"<w:sz w:val="28" />"#));
    }
    assert!(footers
        .iter()
        .any(|f| f.contains(r#"<w:jc w:val="right" />"#)));
    assert!(footers
        .iter()
        .any(|f| f.contains(r#"<w:jc w:val="left" />"#)));

    let free = docx::render(&sample(), &DocxOptions::free_fonts()).unwrap();
    let xml = zip_entry(&free, "word/document.xml");
    for font in ["Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN"] {
        assert!(xml.contains(&format!(r#"w:eastAsia="{font}""#)), "{font}");
    }
    assert!(!xml.contains("仿宋_GB2312"));
}

#[test]
fn html_public_has_metadata_and_escapes_text() {
    let page = html::render(&sample(), HtmlMode::Public).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains(r#"<html lang="zh-CN">"#));
    assert!(page.contains(r#"<meta charset="utf-8">"#));
    assert!(page.contains(&format!("<title>{TITLE}</title>")));
    // minijinja escapes "/" as well (&#x2f;).
    assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    assert!(!page.contains("<script"), "no script at all");
    assert!(!page.contains(" onload=") && !page.contains(" onclick="));
    for label in ["索引号", "发布机构", "文号", "成文日期", "发布日期"] {
        assert!(page.contains(label), "{label}");
    }
    assert!(page.contains("007189633&#x2f;2025-00012"));
    assert!(page.contains("2025-01-09") && page.contains("2025-01-15"));
    let meta_at = page.find("索引号").unwrap();
    let title_at = page
        .find(&format!("<h1>{TITLE}</h1>"))
        .expect("title as h1");
    assert!(meta_at < title_at, "metadata above the title");
    // Figures are plain text in the public view.
    assert!(page.contains("全区共收到行政复议申请94件，已审结86件，审结率91.49%。"));
    assert!(!page.contains(r#"class="figure"#));
    // Headings, the chart as inline SVG with its caption, the closing.
    assert!(page.contains("<h2>一、2024年推进法治政府建设的主要举措和成效</h2>"));
    assert!(page.contains("<h3>（一）依法化解行政争议</h3>"));
    assert!(page.contains("<h4>1.行政复议工作</h4>"));
    assert!(page.contains("<svg") && page.contains("<figcaption>图1 主要指标同比</figcaption>"));
    assert!(page.contains("2025年1月9日"));
    assert!(page.contains("@page") && page.contains("A4"));
}

#[test]
fn html_internal_links_figures_to_their_source() {
    let doc = sample();
    let page = html::render(&doc, HtmlMode::Internal).unwrap();
    assert!(page.contains(
        r#"<a class="figure" href="&#x2f;reconsideration?year=2024" title="系统计算（行政复议案件记录）">94件</a>"#
    ), "{page}");
    assert!(
        page.contains(r#"href="&#x2f;indicators&#x2f;x?a=1&amp;b=2""#),
        "attribute escaped"
    );
    assert!(page.contains(r#"<span class="figure nosource">86件</span>"#));
    assert!(!page.contains("索引号"), "no portal metadata internally");

    let fragment = html::body_fragment(&doc, HtmlMode::Internal).unwrap();
    assert!(fragment.trim_start().starts_with("<article"), "{fragment}");
    assert!(!fragment.contains("<html") && !fragment.contains("<style"));
    assert!(fragment.contains(r#"<a class="figure""#));
}

#[test]
fn html_drops_links_that_are_not_web_addresses() {
    let mut doc = sample();
    doc.blocks = vec![paragraph(vec![figure(
        "5件",
        "k",
        Some("javascript:alert(1)"),
    )])];
    let page = html::render(&doc, HtmlMode::Internal).unwrap();
    assert!(!page.contains("javascript:"));
    assert!(page.contains(r#"<span class="figure nosource">5件</span>"#));
}

#[test]
fn markdown_has_headings_table_and_escapes() {
    let md = markdown::render(&sample());
    assert!(md.starts_with(&format!("# {TITLE}\n")), "{md}");
    assert!(md.contains("- 索引号：007189633/2025-00012"));
    assert!(md.contains("- 成文日期：2025-01-09"));
    assert!(md.contains("\n## 一、2024年推进法治政府建设的主要举措和成效\n"));
    assert!(md.contains("\n### （一）依法化解行政争议\n"));
    assert!(md.contains("\n#### 1.行政复议工作\n"));
    assert!(md.contains(&format!("\n{BODY_SENTENCE}\n")));
    assert!(md.contains("| 指标 | 2023年 | 2024年 |"), "{md}");
    assert!(md.contains("| 行政复议申请 | 82 | 94 |"));
    assert!(md.contains("图1 主要指标同比（单位：件）"));
    assert!(md.contains(r"\<script\>alert(1)\</script\> \& \*星号\* \[链接\](x) \| 竖线"));
    assert!(md
        .trim_end()
        .ends_with("云浮市云城区人民政府  \n2025年1月9日"));
}

/// The DOCX through LibreOffice into PDF, the way the report is printed on a server: A4, the
/// text, and exactly the free fonts embedded. Two files in one conversion: the free-font DOCX,
/// and the standard-font DOCX with the fontconfig aliases. Needs `soffice`
/// (libreoffice-writer-nogui), poppler-utils, fonts-noto-cjk and fonts-arphic-ukai; fails, not
/// skips, without them.
#[test]
fn docx_to_pdf_libreoffice() {
    let dir = tempfile::tempdir().unwrap();
    let doc = sample();
    let free = dir.path().join("free.docx");
    let standard = dir.path().join("standard.docx");
    std::fs::write(
        &free,
        docx::render(&doc, &DocxOptions::free_fonts()).unwrap(),
    )
    .unwrap();
    std::fs::write(
        &standard,
        docx::render(&doc, &DocxOptions::standard()).unwrap(),
    )
    .unwrap();
    let conf = dir.path().join("fonts.conf");
    std::fs::write(&conf, DocxOptions::standard().fontconfig().unwrap()).unwrap();

    let profile = dir.path().join("profile");
    let out = dir.path().join("out");
    let result = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .arg(&free)
        .arg(&standard)
        .env("FONTCONFIG_FILE", &conf)
        .output()
        .expect("soffice runs (Debian package libreoffice-writer-nogui)");
    assert!(result.status.success(), "soffice: {result:?}");

    for name in ["free", "standard"] {
        let pdf = out.join(format!("{name}.pdf"));
        assert!(pdf.exists(), "{name}.pdf: {result:?}");
        check_pdf(&pdf, name);
    }
}

fn tool(cmd: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(cmd)
        .args(args)
        .arg(pdf)
        .args(if cmd == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{cmd} runs (Debian package poppler-utils): {e}"));
    assert!(out.status.success(), "{cmd}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn check_pdf(pdf: &Path, name: &str) {
    // A4: 595.276 x 841.89 pts.
    let info = tool("pdfinfo", &[], pdf);
    let size = info
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .expect("page size");
    let nums: Vec<f64> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(
        (nums[0] - 595.0).abs() <= 1.0 && (nums[1] - 842.0).abs() <= 1.0,
        "{name}: {size}"
    );
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|p| p.trim().parse().ok())
        .expect("pages");
    assert!(pages >= 2, "{name}: {pages} pages");

    // The text, lines joined (the layout breaks long sentences).
    let text: String = tool("pdftotext", &[], pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains(TITLE), "{name}: {text}");
    assert!(text.contains(BODY_SENTENCE), "{name}: {text}");
    assert!(text.contains("云浮市云城区人民政府2025年1月9日"), "{name}");

    // Page numbers: "— 1 —" at the right of page 1, "— 2 —" at the left of page 2.
    let footer_x = |page: &str| -> (f64, String) {
        let bbox = tool("pdftotext", &["-bbox", "-f", page, "-l", page], pdf);
        let word = bbox
            .lines()
            .filter(|l| l.contains("<word "))
            .filter(|l| attr(l, "yMin") > 760.0)
            .find(|l| l.contains(&format!(">{page}</word>")))
            .unwrap_or_else(|| panic!("{name}: page number {page} in\n{bbox}"))
            .to_string();
        (attr(&word, "xMin"), word)
    };
    let (x1, w1) = footer_x("1");
    assert!(x1 > 450.0, "{name}: page 1 number at the right: {w1}");
    let (x2, w2) = footer_x("2");
    assert!(x2 < 150.0, "{name}: page 2 number at the left: {w2}");

    // Exactly the intended faces: Noto Serif CJK (body, title, page numbers; bold for level-3
    // headings), Noto Sans CJK (level-1 headings), AR PL UKai (level-2 headings). The PostScript
    // names are those of the shared CFF of the Noto collections ("…CJKjp…" for every language).
    let fonts: BTreeSet<String> = tool("pdffonts", &[], pdf)
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(|n| n.split_once('+').map_or(n, |(_, rest)| rest).to_string())
        .collect();
    let families: BTreeSet<&str> = fonts
        .iter()
        .map(|f| {
            if f.starts_with("NotoSerifCJK") && f.contains("-Bold") {
                "Noto Serif CJK Bold"
            } else if f.starts_with("NotoSerifCJK") && f.contains("-Regular") {
                "Noto Serif CJK Regular"
            } else if f.starts_with("NotoSansCJK") && f.contains("-Regular") {
                "Noto Sans CJK Regular"
            } else if f.starts_with("UKai") {
                "AR PL UKai"
            } else {
                f.as_str()
            }
        })
        .collect();
    let expected: BTreeSet<&str> = [
        "Noto Serif CJK Regular",
        "Noto Serif CJK Bold",
        "Noto Sans CJK Regular",
        "AR PL UKai",
    ]
    .into();
    assert_eq!(families, expected, "{name}: fonts embedded: {fonts:?}");
}

fn attr(line: &str, name: &str) -> f64 {
    let start = line.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
    let rest = &line[start..];
    rest[..rest.find('"').unwrap()].parse().unwrap()
}
