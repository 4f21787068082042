//! Document facts and outline on the five seeds, against the fixture headers (ground truth) and
//! what the texts print.

use std::fs;
use std::path::PathBuf;

use fazhi_text::facts::{facts, missing_parts, outline, Facts, Level, Part, Section};
use fazhi_text::normalize::Script;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Header {
    title: String,
    #[serde(default)]
    title_simplified: Option<String>,
    jurisdiction: String,
    level: String,
    year: i32,
    script: String,
    #[serde(default)]
    doc_no: Option<String>,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

const SEEDS: [&str; 5] = [
    "000_99d96b77785f0d3b",
    "001_c0351d6103819b41",
    "002_9592a4b759554a40",
    "003_499b972e7ec7675e",
    "004_97256ae8d542b572",
];

fn seed(stem: &str) -> String {
    let path = dir().join("seeds").join(format!("{stem}.txt"));
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn header(stem: &str) -> Header {
    let path = dir().join("fixtures").join(format!("{stem}.toml"));
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn facts_of(stem: &str) -> Facts {
    facts(&seed(stem))
}

fn simplified(s: &str) -> String {
    fazhi_text::normalize::normalize(s).text
}

#[test]
fn facts_match_the_fixture_headers() {
    for stem in SEEDS {
        let f = facts_of(stem);
        let h = header(stem);
        let want_title = h.title_simplified.clone().unwrap_or(h.title.clone());
        if want_title.is_empty() {
            assert_eq!(f.title, None, "{stem}: the page prints no title");
        } else {
            assert_eq!(
                f.title.as_deref(),
                Some(want_title.as_str()),
                "{stem}: title"
            );
        }
        assert_eq!(
            f.jurisdiction.as_deref(),
            Some(h.jurisdiction.as_str()),
            "{stem}: jurisdiction"
        );
        assert_eq!(
            f.level.map(Level::as_str),
            Some(h.level.as_str()),
            "{stem}: level"
        );
        assert_eq!(f.year, Some(h.year), "{stem}: year");
        let script = serde_json_like(f.script);
        assert_eq!(script, h.script, "{stem}: script");
        if let Some(doc_no) = &h.doc_no {
            assert_eq!(f.doc_no, Some(simplified(doc_no)), "{stem}: 文号");
        }
    }
}

fn serde_json_like(s: Script) -> String {
    match s {
        Script::Simplified => "simplified",
        Script::Traditional => "traditional",
        Script::Mixed => "mixed",
    }
    .to_string()
}

#[test]
fn labelled_metadata_and_issuer() {
    let f = facts_of("000_99d96b77785f0d3b");
    assert_eq!(f.published.as_deref(), Some("2025-01-09"));
    assert_eq!(f.written.as_deref(), Some("2025-01-09"));
    assert_eq!(f.issuer.as_deref(), Some("云浮市云城区人民政府"));
    assert_eq!(f.doc_no, None);

    let f = facts_of("001_c0351d6103819b41");
    assert_eq!(f.title, None);
    assert_eq!(f.issuer, None);
    assert_eq!(f.published, None);

    let f = facts_of("002_9592a4b759554a40");
    assert_eq!(f.index_no.as_deref(), Some("115108037/2025-00427"));
    assert_eq!(f.doc_no.as_deref(), Some("遂安委〔2025〕14号"));
    assert_eq!(f.written.as_deref(), Some("2025-02-24"));
    assert_eq!(f.published.as_deref(), Some("2025-02-24"));
    assert_eq!(
        f.issuer.as_deref(),
        Some("中共遂宁市安居区委 遂宁市安居区人民政府")
    );

    let f = facts_of("003_499b972e7ec7675e");
    assert_eq!(
        f.index_no.as_deref(),
        Some("115323000151673132-/2024-0118001")
    );
    assert_eq!(f.doc_no, None, "003 prints an empty 文号");
    assert_eq!(f.written, None, "003 prints an empty 成文日期");
    assert_eq!(f.published.as_deref(), Some("2024-01-18"));
    assert_eq!(f.issuer.as_deref(), Some("楚雄州人民政府办公室"));

    let f = facts_of("004_97256ae8d542b572");
    assert_eq!(f.issuer.as_deref(), Some("佛山市高明区人民政府"));
    assert_eq!(f.written.as_deref(), Some("2019-12-05"));
    assert_eq!(f.published, None);
}

#[test]
fn the_first_sentence_names_place_and_year_when_there_is_no_title() {
    let f = facts("请输入检索词\n2024年，在青岛市委、市政府的坚强领导下，即墨区坚持依法行政。\n");
    assert_eq!(f.jurisdiction.as_deref(), Some("即墨区"));
    assert_eq!(f.level, Some(Level::District));
    assert_eq!(f.year, Some(2024));
    let f = facts("楚雄彝族自治州2023年度法治政府建设情况报告\n正文。");
    assert_eq!(f.jurisdiction.as_deref(), Some("楚雄彝族自治州"));
    assert_eq!(f.level, Some(Level::Prefecture));
    let json = serde_json_level(Level::Prefecture);
    assert_eq!(json, "州");
}

fn serde_json_level(l: Level) -> String {
    // The serialised form is the Chinese character; checked through TOML (a dev-dependency).
    #[derive(serde::Serialize)]
    struct W {
        level: Level,
    }
    let s = toml::to_string(&W { level: l }).expect("serialise");
    s.trim()
        .trim_start_matches("level = ")
        .trim_matches('"')
        .to_string()
}

fn top(sections: &[Section]) -> Vec<(&str, &str, Option<Part>)> {
    sections
        .iter()
        .filter(|s| s.level == 1)
        .map(|s| (s.number.as_str(), s.title.as_str(), s.part))
        .collect()
}

#[test]
fn outline_of_000() {
    let text = seed("000_99d96b77785f0d3b");
    let sections = outline(&text);
    assert_eq!(
        top(&sections),
        vec![
            ("一、", "2024年法治政府建设主要情况", Some(Part::Measures)),
            ("二、", "存在问题", Some(Part::Shortcomings)),
            ("三、", "下一步工作计划", Some(Part::NextYear)),
        ]
    );
    // Six （一）…（六） under 一、 and three under 三、.
    let second: Vec<&Section> = sections.iter().filter(|s| s.level == 2).collect();
    assert_eq!(second.len(), 9);
    assert_eq!(
        second[0].title,
        "聚焦政治建设,全面依法履职,坚持以党的领导凝聚法治政府建设强大“向心力”"
    );
    // Offsets point into the original text, and sections nest.
    let chars: Vec<char> = text.chars().collect();
    for s in &sections {
        assert!(s.start < s.end && s.end <= chars.len(), "{s:?}");
        let quoted: String = chars[s.start..s.end].iter().collect();
        assert!(quoted.starts_with(&s.number), "{s:?}");
    }
    // 二、存在问题 enumerates its problems inline: 一是…二是…
    let at = |n: &str| {
        sections
            .iter()
            .find(|s| s.level == 1 && s.number == n)
            .map(|s| s.start)
            .expect("top-level section")
    };
    let (two, three) = (at("二、"), at("三、"));
    let problems: Vec<&Section> = sections
        .iter()
        .filter(|s| s.level == 4 && s.start > two && s.start < three)
        .collect();
    assert!(problems.len() >= 2, "{problems:?}");
    assert_eq!(problems[0].number, "一是");
    assert_eq!(problems[0].title, "法治队伍建设有待加强");
    assert_eq!(
        missing_parts(&sections),
        vec![Part::Responsibility, Part::Other]
    );
}

#[test]
fn missing_parts_per_seed() {
    let want: [(&str, Vec<Part>); 5] = [
        // 一、主要情况 二、存在问题 三、下一步工作计划. 第一责任人 is named only in body text: one
        // sentence of （一）聚焦政治建设… (a heading about the Party's leadership) and a plan in
        // 三、（一）; no heading is the part, so it is missing.
        (
            "000_99d96b77785f0d3b",
            vec![Part::Responsibility, Part::Other],
        ),
        // All four numbered parts; nothing under 其他.
        ("001_c0351d6103819b41", vec![Part::Other]),
        // 一、第一责任人 二、主要举措及成效 三、问题和不足 四、2025年工作计划.
        ("002_9592a4b759554a40", vec![Part::Other]),
        // 一、工作开展情况 二、存在的问题和不足 三、2024年工作重点; （一）组织领导持续强化 is about
        // leadership in general, not the first-responsible-person duty.
        (
            "003_499b972e7ec7675e",
            vec![Part::Responsibility, Part::Other],
        ),
        // 一、主要做法及成效 二、存在问题及下阶段工作计划; the part is 1.加强党的领导,落实党政主要
        // 领导法治建设责任 under （七） of 一、.
        ("004_97256ae8d542b572", vec![Part::Other]),
    ];
    for (stem, missing) in want {
        let sections = outline(&seed(stem));
        assert_eq!(
            missing_parts(&sections),
            missing,
            "{stem}: {:?}",
            top(&sections)
        );
    }
}

#[test]
fn outline_of_004_reads_traditional_and_arabic_levels() {
    let sections = outline(&seed("004_97256ae8d542b572"));
    let t = top(&sections);
    assert_eq!(t[0], ("一、", "主要做法及成效", Some(Part::Measures)));
    assert_eq!(t[1].1, "存在问题及下阶段工作计划");
    let last = sections.iter().rfind(|s| s.level == 1).expect("top");
    assert_eq!(last.parts, vec![Part::Shortcomings, Part::NextYear]);
    assert!(sections.iter().any(|s| s.level == 3 && s.number == "1."));
    assert!(sections
        .iter()
        .any(|s| s.level == 3 && s.title == "切实做好政府机构改革工作"));
}

#[test]
fn parts_found_name_their_heading_and_top_level_section() {
    let found = fazhi_text::facts::parts_found(&outline(&seed("004_97256ae8d542b572")));
    let r: Vec<_> = found
        .iter()
        .filter(|f| f.part == Part::Responsibility)
        .collect();
    // Only the report of the duty under 一、; the plan under 二、（一） is not counted.
    assert_eq!(r.len(), 1, "{found:#?}");
    assert_eq!(r[0].section, "一、");
    assert_eq!(r[0].level, 3);
    assert!(r[0].heading.starts_with("1.加强党的领导"), "{r:?}");
    // 002 names it at the top: level 1, its own section.
    let found = fazhi_text::facts::parts_found(&outline(&seed("002_9592a4b759554a40")));
    assert!(found
        .iter()
        .any(|f| f.part == Part::Responsibility && f.level == 1 && f.section == "一、"));
    // A plan to perform the duty is no report of it.
    let text = "一、主要举措和成效\n（一）依法行政。\n二、下一步工作计划\n（一）落实党政主要负责人履行推进法治建设第一责任人职责。\n";
    assert!(missing_parts(&outline(text)).contains(&Part::Responsibility));
    let text = "一、主要举措和成效\n（一）落实党政主要负责人履行推进法治建设第一责任人职责。\n二、下一步工作计划\n";
    assert!(!missing_parts(&outline(text)).contains(&Part::Responsibility));
}
