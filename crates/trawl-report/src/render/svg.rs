//! SVG horizontal bar charts: labels on the left, bars proportional to the values, the value at
//! each bar's end, a title on top. All text is escaped; the SVG references nothing external.

use super::escape::xml;
use super::truncate;
use crate::runner::BarChart;
use crate::table::format_number;

/// Total width of a chart, in pixels.
const WIDTH: f64 = 960.0;
/// Estimated width of one label character (13 px sans-serif).
const CHAR_WIDTH: f64 = 7.0;
/// Space reserved right of the longest bar for its value.
const VALUE_ROOM: f64 = 80.0;
const TITLE_ROOM: f64 = 40.0;
const ROW_HEIGHT: f64 = 26.0;
const BAR_HEIGHT: f64 = 18.0;

/// Where a chart's bars go: the label column's width and each bar's length.
#[derive(Debug, PartialEq)]
struct Layout {
    label_width: f64,
    label_chars: usize,
    lengths: Vec<f64>,
    height: f64,
}

fn layout(chart: &BarChart) -> Layout {
    let longest = chart
        .bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0);
    let label_width = (longest as f64 * CHAR_WIDTH + 16.0).clamp(80.0, 440.0);
    let label_chars = ((label_width - 16.0) / CHAR_WIDTH).floor().max(1.0) as usize;
    let max = chart.bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let room = WIDTH - label_width - VALUE_ROOM;
    let lengths = chart
        .bars
        .iter()
        .map(|b| match b.value {
            v if v > 0.0 && max > 0.0 => (v / max * room).max(1.0),
            _ => 0.0,
        })
        .collect();
    let height = TITLE_ROOM + chart.bars.len() as f64 * ROW_HEIGHT + 10.0;
    Layout {
        label_width,
        label_chars,
        lengths,
        height,
    }
}

/// The chart as an `<svg>` element for inline use in HTML (no namespace declaration needed).
pub fn bar_chart(chart: &BarChart) -> String {
    render(chart, "")
}

/// The chart as a standalone `.svg` document.
pub(super) fn svg_document(chart: &BarChart) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n",
        render(chart, " xmlns=\"http://www.w3.org/2000/svg\"")
    )
}

fn render(chart: &BarChart, namespace: &str) -> String {
    let l = layout(chart);
    let title = xml(&chart.title);
    let mut out = format!(
        "<svg{namespace} class=\"chart\" role=\"img\" aria-label=\"{title}\" width=\"{WIDTH}\" height=\"{h}\" viewBox=\"0 0 {WIDTH} {h}\" font-family=\"system-ui, sans-serif\" font-size=\"13\">\n<title>{title}</title>\n<text class=\"chart-title\" x=\"{x}\" y=\"24\" font-size=\"15\" font-weight=\"600\" fill=\"#1f2937\">{title}</text>\n",
        h = l.height,
        x = 8,
    );
    for (i, (bar, length)) in chart.bars.iter().zip(&l.lengths).enumerate() {
        let y = TITLE_ROOM + i as f64 * ROW_HEIGHT;
        let text_y = y + BAR_HEIGHT * 0.72;
        let label = xml(&truncate(&bar.label, l.label_chars));
        out.push_str(&format!(
            "<g class=\"row\"><title>{full}: {value}</title><text class=\"label\" x=\"{lx}\" y=\"{text_y}\" text-anchor=\"end\" fill=\"#374151\">{label}</text><rect class=\"bar\" x=\"{bx}\" y=\"{y}\" width=\"{length:.1}\" height=\"{BAR_HEIGHT}\" rx=\"2\" fill=\"#2563eb\"/><text class=\"value\" x=\"{vx:.1}\" y=\"{text_y}\" fill=\"#111827\">{value}</text></g>\n",
            full = xml(&bar.label),
            value = format_number(bar.value),
            lx = l.label_width - 8.0,
            bx = l.label_width,
            vx = l.label_width + length + 6.0,
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Bar;

    fn chart(bars: &[(&str, f64)]) -> BarChart {
        BarChart {
            title: "Top <failures> & \"friends\"".into(),
            bars: bars
                .iter()
                .map(|(l, v)| Bar {
                    label: l.to_string(),
                    value: *v,
                })
                .collect(),
        }
    }

    #[test]
    fn one_rect_per_bar_with_proportional_lengths() {
        let c = chart(&[("a", 10.0), ("b", 5.0), ("c", 0.0)]);
        let svg = bar_chart(&c);
        assert_eq!(svg.matches("<rect class=\"bar\"").count(), 3);
        let l = layout(&c);
        let room = WIDTH - l.label_width - VALUE_ROOM;
        assert_eq!(l.lengths, [room, room / 2.0, 0.0]);
        assert!(svg.contains(">10</text>") && svg.contains(">5</text>"));
        assert!(svg.starts_with("<svg class=\"chart\""));
        assert!(
            !svg.contains("//"),
            "inline SVG must not reference anything: {svg}"
        );
    }

    #[test]
    fn text_is_escaped_and_long_labels_truncated_with_full_tooltip() {
        let long = format!("<script>alert(1)</script>{}", "x".repeat(200));
        let svg = bar_chart(&chart(&[(&long, 1.0)]));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(svg.contains("Top &lt;failures&gt; &amp; &quot;friends&quot;"));
        assert!(svg.contains("…</text>"));
        assert!(svg.contains(&format!("{}: 1</title>", "x".repeat(200))));
    }

    #[test]
    fn tiny_values_stay_visible_and_the_document_is_namespaced() {
        let l = layout(&chart(&[("a", 1_000_000.0), ("b", 1.0)]));
        assert_eq!(l.lengths[1], 1.0);
        let doc = svg_document(&chart(&[("a", 1.0)]));
        assert!(doc.starts_with("<?xml") && doc.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    }
}
