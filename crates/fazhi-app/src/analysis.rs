//! The report analyzer (报告分析) in the platform: published reports analysed by `fazhi-text`,
//! written out as a workbook (`fazhi analyze --format xlsx`, `--compare`, the page's download).

use fazhi_text::compare::{compare, Comparison};
use fazhi_text::Analysis;

use crate::xlsx::{write_sheets, Sheet, XCell};
use crate::AppResult;

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
            row.extend(r.cells.iter().map(|cell| match cell {
                Some(cell) if cell.other_values > 0 => text(format!(
                    "{}（另有{}个不同数值）",
                    cell.quote, cell.other_values
                )),
                Some(cell) => text(&cell.quote),
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
                    text(match a.script {
                        fazhi_text::normalize::Script::Simplified => "简体",
                        fazhi_text::normalize::Script::Traditional => "繁体",
                        fazhi_text::normalize::Script::Mixed => "简繁混合",
                    }),
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
