//! The year-over-year grouped bar chart: drawn by `plotters` as SVG (for HTML, the browser
//! renders the Chinese labels), and rasterised by `resvg` to PNG (for DOCX).
//!
//! Plain and printable: one group of bars per category, one bar per series; earlier series in
//! greys, the last (the report year) in the one accent colour; the value above each bar.

use std::sync::{Arc, OnceLock};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use resvg::{tiny_skia, usvg};

use crate::model::Chart;
use crate::ReportError;

/// Font family of every label: the CJK face the machine has (fonts-noto-cjk), then the
/// generic family so a browser without it still shows Chinese.
pub const FONT_FAMILY: &str = "Noto Sans CJK SC, sans-serif";
/// The face `png` asks `resvg` for when a label's family is not found.
const RASTER_FONT: &str = "Noto Sans CJK SC";

/// Size of the SVG in CSS pixels (2:1, the shape of the type area's width at half its height).
pub const WIDTH: u32 = 720;
pub const HEIGHT: u32 = 360;
/// `png` renders at this multiple of the SVG size: 1800 px across the 156 mm type area, about
/// 290 dpi, sharp in print.
const PNG_SCALE: f32 = 2.5;

const ACCENT: RGBColor = RGBColor(0x1f, 0x4e, 0x79);
const TEXT: RGBColor = RGBColor(0x33, 0x33, 0x33);
const AXIS: RGBColor = RGBColor(0x66, 0x66, 0x66);
const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);

/// The chart as a standalone SVG document (`<svg …>…</svg>`), labels as `<text>` elements
/// (escaped by plotters). Drawing into memory does not fail in practice; should plotters
/// report an error anyway, the result is a small SVG saying 统计图绘制失败, never a panic.
pub fn svg(chart: &Chart) -> String {
    try_svg(chart).unwrap_or_else(|_| failed_svg())
}

/// The chart as PNG, for DOCX: the SVG of [`svg`] rasterised by `resvg` with the system fonts.
pub fn png(chart: &Chart) -> Result<Vec<u8>, ReportError> {
    let svg = try_svg(chart)?;
    let options = usvg::Options {
        font_family: RASTER_FONT.to_string(),
        fontdb: system_fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| chart_error(&e))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(PNG_SCALE)
        .ok_or_else(|| ReportError::Chart("image size out of range".into()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| ReportError::Chart("cannot allocate the image".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(PNG_SCALE, PNG_SCALE),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| chart_error(&e))
}

/// Pixel size of the image [`png`] returns (width, height).
pub fn png_size() -> (u32, u32) {
    (
        (WIDTH as f32 * PNG_SCALE).round() as u32,
        (HEIGHT as f32 * PNG_SCALE).round() as u32,
    )
}

/// The system fonts, loaded once per process (scanning the font folders takes a while).
fn system_fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            db.set_sans_serif_family(RASTER_FONT);
            Arc::new(db)
        })
        .clone()
}

fn chart_error(e: &dyn std::fmt::Display) -> ReportError {
    ReportError::Chart(e.to_string())
}

/// A value as printed on the chart and in tables: whole numbers without decimals, others
/// with at most two (91.49, 3.5).
pub fn format_value(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if (v - v.round()).abs() < 1e-9 {
        return format!("{}", v.round() as i64);
    }
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The series colours: greys for the earlier series, the accent for the last.
fn series_colour(index: usize, count: usize) -> RGBColor {
    if index + 1 == count {
        return ACCENT;
    }
    // From light (oldest) to darker (nearer the report year).
    let greys = count.saturating_sub(1).max(1);
    let step = 0x50 / greys as u8;
    let level = 0xc8 - step * index as u8;
    RGBColor(level, level, level)
}

fn try_svg(chart: &Chart) -> Result<String, ReportError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, chart).map_err(|e| chart_error(&e))?;
        root.present().map_err(|e| chart_error(&e))?;
    }
    Ok(out)
}

type DrawResult = Result<(), DrawingAreaErrorKind<std::io::Error>>;

fn draw(root: &DrawingArea<SVGBackend<'_>, Shift>, chart: &Chart) -> DrawResult {
    root.fill(&WHITE)?;
    let n = chart.categories.len().max(1);
    let count = chart.series.len();
    let value = |s: usize, c: usize| -> f64 {
        chart.series[s]
            .values
            .get(c)
            .copied()
            .filter(|v| v.is_finite())
            .unwrap_or(0.0)
    };
    let max = (0..count)
        .flat_map(|s| (0..chart.categories.len()).map(move |c| (s, c)))
        .map(|(s, c)| value(s, c))
        .fold(0.0_f64, f64::max);
    // Headroom for the value labels.
    let top = if max > 0.0 { max * 1.15 } else { 1.0 };

    let label_font = (FONT_FAMILY, 18).into_font().color(&TEXT);
    let small_font = (FONT_FAMILY, 16).into_font().color(&AXIS);
    // Categories on a segmented axis, so each label sits under the centre of its group; the
    // bars on a secondary float axis over the same width, so a group holds several bars.
    let last = n as i32 - 1;
    let mut cc = ChartBuilder::on(root)
        .margin_top(40)
        .margin_left(10)
        .margin_right(16)
        .margin_bottom(6)
        .x_label_area_size(36)
        .y_label_area_size(52)
        .build_cartesian_2d((0..last).into_segmented(), 0.0..top)?
        .set_secondary_coord(0.0..n as f64, 0.0..top);
    let category = |x: &SegmentValue<i32>| -> String {
        match x {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| chart.categories.get(i))
                .cloned()
                .unwrap_or_default(),
            SegmentValue::Last => String::new(),
        }
    };
    cc.configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&category)
        .x_label_style(label_font.clone())
        .y_labels(6)
        .y_label_formatter(&|v| format_value(*v))
        .y_label_style(small_font.clone())
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .draw()?;

    // Group width 0.6 of a category; each bar a share of it with a small gap.
    let group = 0.6;
    let slot = group / count.max(1) as f64;
    let bar = slot * 0.86;
    for s in 0..count {
        let colour = series_colour(s, count);
        let x0 =
            move |c: usize| c as f64 + (1.0 - group) / 2.0 + s as f64 * slot + (slot - bar) / 2.0;
        let bars = (0..chart.categories.len()).map(move |c| {
            Rectangle::new([(x0(c), 0.0), (x0(c) + bar, value(s, c))], colour.filled())
        });
        cc.draw_secondary_series(bars)?;
        let value_font = label_font.clone().pos(Pos::new(HPos::Center, VPos::Bottom));
        let labels = (0..chart.categories.len()).map(move |c| {
            let v = chart.series[s].values.get(c).copied().unwrap_or(f64::NAN);
            EmptyElement::at((x0(c) + bar / 2.0, value(s, c)))
                + Text::new(format_value(v), (0, -4), value_font.clone())
        });
        cc.draw_secondary_series(labels)?;
    }
    // The legend in the top margin, right-aligned, so it never covers a bar.
    let mut x = WIDTH as i32 - 16;
    for (i, series) in chart.series.iter().enumerate().rev() {
        let (w, _) = root.estimate_text_size(&series.name, &label_font)?;
        x -= w as i32;
        root.draw_text(&series.name, &label_font, (x, 8))?;
        x -= 20;
        root.draw(&Rectangle::new(
            [(x, 9), (x + 14, 23)],
            series_colour(i, count).filled(),
        ))?;
        x -= 18;
    }
    if !chart.unit.is_empty() {
        let unit = format!("单位：{}", chart.unit);
        root.draw_text(&unit, &small_font, (12, 10))?;
    }
    Ok(())
}

fn failed_svg() -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, 60)).into_drawing_area();
        let font = (FONT_FAMILY, 16).into_font().color(&TEXT);
        // Ignoring errors here: this is already the fallback, and an empty SVG is still valid.
        let _ = root.draw_text("统计图绘制失败", &font, (12, 20));
        let _ = root.present();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Series;

    fn sample() -> Chart {
        Chart {
            title: "图1 主要指标同比".into(),
            unit: "件".into(),
            categories: vec!["行政复议申请".into(), "行政应诉<案件>".into()],
            series: vec![
                Series {
                    name: "2023年".into(),
                    values: vec![80.0, 12.0],
                },
                Series {
                    name: "2024年".into(),
                    values: vec![94.0, 91.49],
                },
            ],
        }
    }

    #[test]
    fn values_are_printed_plainly() {
        assert_eq!(format_value(94.0), "94");
        assert_eq!(format_value(91.49), "91.49");
        assert_eq!(format_value(3.5), "3.5");
        assert_eq!(format_value(f64::NAN), "");
    }

    #[test]
    fn svg_has_escaped_chinese_labels_values_and_legend() {
        let s = svg(&sample());
        assert!(s.starts_with("<svg"), "{s}");
        assert!(s.contains("行政复议申请"));
        assert!(s.contains("行政应诉&lt;案件&gt;"));
        assert!(!s.contains("<案件>"));
        assert!(s.contains(">\n94\n"), "{s}");
        assert!(s.contains(">\n91.49\n"));
        assert!(s.contains("2023年") && s.contains("2024年"));
        assert!(s.contains("单位：件"));
        assert!(s.contains("Noto Sans CJK SC, sans-serif"));
    }

    #[test]
    fn empty_and_ragged_charts_still_draw() {
        let mut c = sample();
        c.series[1].values.truncate(1);
        assert!(svg(&c).contains("行政应诉"));
        let empty = Chart {
            title: String::new(),
            unit: String::new(),
            categories: vec![],
            series: vec![],
        };
        assert!(svg(&empty).starts_with("<svg"));
    }

    #[test]
    fn png_is_a_png_of_the_stated_size() {
        let png = png(&sample()).unwrap();
        assert!(png.starts_with(&[0x89, b'P', b'N', b'G']));
        // IHDR: width and height, big-endian, at bytes 16..24.
        let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((w, h), png_size());
    }
}
