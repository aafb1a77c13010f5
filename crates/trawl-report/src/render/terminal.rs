//! Bar charts for the terminal (`--chart bar`): one line per row, `█` bars scaled to the width.

use arrow::array::RecordBatch;

use super::truncate;
use crate::error::{Error, Result};
use crate::table::{cell_texts, format_number, numbers};

/// Eighths of a block, for bar ends finer than one character.
const PARTIAL: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/// Draws `batches` as a bar chart `width` characters wide. The value is the last numeric column;
/// the other columns, joined with ` – `, label each bar. Rows with a null value are skipped.
pub fn terminal_bar_chart(batches: &[RecordBatch], width: usize) -> Result<String> {
    let err = |message: String| Error::Step {
        step: "chart".into(),
        message,
    };
    let Some(schema) = batches.first().map(RecordBatch::schema) else {
        return Ok("(no rows)\n".into());
    };
    let value_col = schema
        .fields()
        .iter()
        .rposition(|f| f.data_type().is_numeric())
        .ok_or_else(|| {
            err(
                "a bar chart needs a numeric column for the bar length (e.g. count(*) or @q.count)"
                    .into(),
            )
        })?;
    let mut rows: Vec<(String, f64)> = Vec::new();
    for batch in batches {
        let values = numbers(batch.column(value_col)).map_err(err)?;
        let labels = (0..batch.num_columns())
            .filter(|i| *i != value_col)
            .map(|i| cell_texts(batch.column(i)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| Error::Arrow {
                step: "chart".into(),
                source,
            })?;
        for (r, v) in values.iter().enumerate() {
            if let Some(v) = v {
                let label: Vec<String> = labels
                    .iter()
                    .map(|l| l[r].clone().unwrap_or_else(|| "(null)".into()))
                    .collect();
                let label = if label.is_empty() {
                    format!("row {}", rows.len() + 1)
                } else {
                    label.join(" – ")
                };
                rows.push((label, *v));
            }
        }
    }
    if rows.is_empty() {
        return Ok("(no rows)\n".into());
    }
    let counts: Vec<String> = rows.iter().map(|(_, v)| format_number(*v)).collect();
    let count_width = counts.iter().map(|c| c.chars().count()).max().unwrap_or(1);
    let longest = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(1);
    let label_width = longest.min((width / 2).max(8));
    let bar_room = width.saturating_sub(label_width + count_width + 4).max(1);
    let max = rows.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let mut out = String::new();
    for ((label, value), count) in rows.iter().zip(&counts) {
        let label = truncate(label, label_width.saturating_sub(1).max(1));
        let pad = label_width.saturating_sub(label.chars().count());
        let eighths = if max > 0.0 && *value > 0.0 {
            ((value / max) * bar_room as f64 * 8.0).round().max(1.0) as usize
        } else {
            0
        };
        let bar = format!("{}{}", "█".repeat(eighths / 8), PARTIAL[eighths % 8]);
        out.push_str(&format!("{label}{} │{bar} {count}\n", " ".repeat(pad)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Int64Array, StringArray};

    use super::*;

    fn batch() -> RecordBatch {
        RecordBatch::try_from_iter([
            (
                "eventSource",
                Arc::new(StringArray::from(vec![Some("s3"), Some("iam"), None])) as ArrayRef,
            ),
            (
                "eventName",
                Arc::new(StringArray::from(vec!["GetObject", "CreateUser", "X"])) as ArrayRef,
            ),
            (
                "@q.count",
                Arc::new(Int64Array::from(vec![Some(40), Some(10), None])) as ArrayRef,
            ),
        ])
        .unwrap()
    }

    #[test]
    fn bars_scale_to_the_width() {
        let text = terminal_bar_chart(&[batch()], 60).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].starts_with("s3 – GetObject") && lines[0].ends_with(" 40"));
        let full = lines[0].matches('█').count();
        let quarter = lines[1].matches('█').count();
        assert!(lines.iter().all(|l| l.chars().count() <= 60), "{text}");
        assert!(full >= 4 * quarter && full <= 4 * quarter + 4, "{text}");
    }

    #[test]
    fn needs_a_numeric_column() {
        let b =
            RecordBatch::try_from_iter([("a", Arc::new(StringArray::from(vec!["x"])) as ArrayRef)])
                .unwrap();
        assert!(
            terminal_bar_chart(&[b], 40)
                .unwrap_err()
                .to_string()
                .contains("needs a numeric column")
        );
        assert_eq!(terminal_bar_chart(&[], 40).unwrap(), "(no rows)\n");
    }
}
