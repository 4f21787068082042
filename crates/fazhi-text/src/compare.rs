//! Places compared: several analysed reports side by side, one row per indicator key that any of
//! them states, one column per report. A cell is the figure the report states for its own year
//! (not a change, not an earlier year's figure), the first one printed when there are several —
//! the headline figure comes first in these reports — with how many other values it printed for
//! the same key, so that a reader sees where a cell needs checking.

use serde::Serialize;

use crate::analysis::{Analysis, FigureOut};
use crate::number::{Decimal, Qualifier};

/// The comparison table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// Column headings: the jurisdiction (or the given name when none was found) and the year.
    pub places: Vec<Place>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub name: String,
    pub year: Option<i32>,
}

impl Place {
    /// `云城区（2024年）`.
    pub fn heading(&self) -> String {
        match self.year {
            Some(y) => format!("{}（{y}年）", self.name),
            None => self.name.clone(),
        }
    }
}

/// One indicator across the places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub key: String,
    /// The catalogue's label (the key itself for a key the catalogue does not know).
    pub label: String,
    pub unit: String,
    /// One per place, in the order of `places`.
    pub cells: Vec<Option<Cell>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub value: Decimal,
    pub unit: String,
    pub qualifier: Qualifier,
    pub quote: String,
    pub start: usize,
    pub end: usize,
    /// Other values the report printed for this key and year (0 when the cell is unambiguous).
    pub other_values: usize,
}

/// The figure a report states for `key` in its own year.
pub fn headline<'a>(a: &'a Analysis, key: &str) -> Option<(&'a FigureOut, usize)> {
    let mut matching = a
        .figures
        .iter()
        .filter(|f| f.key.as_deref() == Some(key) && !f.change && f.year == a.year);
    let first = matching.next()?;
    let mut others: Vec<Decimal> = matching
        .map(|f| f.value)
        .filter(|v| *v != first.value)
        .collect();
    others.sort_by_key(|d| d.parts());
    others.dedup();
    Some((first, others.len()))
}

/// Compares reports; `name` is used for a report whose jurisdiction was not found (its file name).
pub fn compare(reports: &[(&str, &Analysis)]) -> Comparison {
    let catalogue = fazhi_domain::catalogue::Catalogue::embedded();
    let places = reports
        .iter()
        .map(|(name, a)| Place {
            name: a.jurisdiction.clone().unwrap_or_else(|| (*name).to_owned()),
            year: a.year,
        })
        .collect();
    // Keys in catalogue order, then keys the catalogue does not know, alphabetically.
    let mut keys: Vec<&str> = reports
        .iter()
        .flat_map(|(_, a)| a.figures.iter())
        .filter(|f| !f.change)
        .filter_map(|f| f.key.as_deref())
        .collect();
    let order = |k: &str| {
        catalogue
            .entries
            .iter()
            .position(|e| e.key == k)
            .unwrap_or(usize::MAX)
    };
    keys.sort_by(|a, b| order(a).cmp(&order(b)).then(a.cmp(b)));
    keys.dedup();
    let rows = keys
        .into_iter()
        .filter_map(|key| {
            let cells: Vec<Option<Cell>> = reports
                .iter()
                .map(|(_, a)| {
                    headline(a, key).map(|(f, other_values)| Cell {
                        value: f.value,
                        unit: f.unit.clone(),
                        qualifier: f.qualifier,
                        quote: f.quote.clone(),
                        start: f.start,
                        end: f.end,
                        other_values,
                    })
                })
                .collect();
            cells.iter().any(Option::is_some).then(|| {
                let entry = catalogue.get(key);
                Row {
                    key: key.to_owned(),
                    label: entry.map_or_else(|| key.to_owned(), |e| e.label.clone()),
                    unit: entry.map_or_else(
                        || {
                            cells
                                .iter()
                                .flatten()
                                .next()
                                .map(|c| c.unit.clone())
                                .unwrap_or_default()
                        },
                        |e| e.unit.clone(),
                    ),
                    cells,
                }
            })
        })
        .collect();
    Comparison { places, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze;

    #[test]
    fn one_column_per_report_one_row_per_key() {
        let a = analyze(
            "甲区2024年法治政府建设年度报告\n全区共收到行政复议申请94件（比2023年同期增长14.63%），已审结86件，审结率91.49%。",
        );
        let b = analyze("乙县2024年法治政府建设年度报告\n全县共收到行政复议申请52件，已审结44件。");
        let c = compare(&[("a.txt", &a), ("b.txt", &b)]);
        assert_eq!(c.places.len(), 2);
        let row = |k: &str| c.rows.iter().find(|r| r.key == k).expect(k);
        let apps = row("reconsideration.applications");
        let values: Vec<Option<String>> = apps
            .cells
            .iter()
            .map(|c| c.as_ref().map(|c| c.value.to_string()))
            .collect();
        assert_eq!(values, [Some("94".into()), Some("52".into())]);
        // The 14.63% change is not a cell; the rate only the first report prints is.
        let rate = row("reconsideration.conclusion_rate");
        assert!(rate.cells[0].is_some() && rate.cells[1].is_none());
        assert!(c
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().flatten())
            .all(|cell| cell.value.to_string() != "14.63"));
    }
}
