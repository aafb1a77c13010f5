//! Rendering a [`Report`](crate::Report): HTML (one self-contained file), Markdown with SVG files
//! beside it, JSON, SVG bar charts and terminal bar charts.

mod escape;
mod html;
mod json;
mod markdown;
mod svg;
mod terminal;

pub use html::html;
pub use json::json;
pub use markdown::{Markdown, markdown, write_markdown};
pub use svg::bar_chart;
pub use terminal::terminal_bar_chart;

use arrow::array::RecordBatch;

use crate::error::{Error, Result};
use crate::runner::{Ran, StepReport};
use crate::table::{cell_texts, column_names};

/// Limits applied to result tables in HTML and Markdown (JSON always holds every row in full).
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Rows shown per table.
    pub max_rows: usize,
    /// Characters shown per cell; longer cells end with `…`.
    pub max_cell_chars: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            max_rows: 100,
            max_cell_chars: 160,
        }
    }
}

/// A result table prepared for display: names, truncated cells, and the full row count.
struct DisplayTable {
    columns: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
    total_rows: usize,
}

impl DisplayTable {
    fn new(step: &str, batch: &RecordBatch, options: &RenderOptions) -> Result<Self> {
        let shown = batch.num_rows().min(options.max_rows);
        let head = batch.slice(0, shown);
        let columns = head
            .columns()
            .iter()
            .map(|c| cell_texts(c.as_ref()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| Error::Arrow {
                step: step.into(),
                source,
            })?;
        let rows = (0..shown)
            .map(|r| {
                columns
                    .iter()
                    .map(|c| c[r].as_deref().map(|v| truncate(v, options.max_cell_chars)))
                    .collect()
            })
            .collect();
        Ok(Self {
            columns: column_names(batch),
            rows,
            total_rows: batch.num_rows(),
        })
    }
}

/// `text` cut to `max` characters, with `…` when cut.
fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The query language, file name and text of a step, or the step it derives from.
fn describe_source(step: &StepReport) -> (String, Option<&str>) {
    let file_name = |f: &std::path::Path| {
        f.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    match &step.ran {
        Ran::Sql { file, text } => (format!("SQL · {}", file_name(file)), Some(text.as_str())),
        Ran::Search { file, text } => {
            (format!("Search · {}", file_name(file)), Some(text.as_str()))
        }
        Ran::Step(from) => (format!("Derived from step {from}"), None),
    }
}

/// A file-name-safe form of a step id (`2.1` → `2-1`).
fn slug(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Int64Array, StringArray};

    use super::*;
    use crate::runner::{Bar, BarChart, Origin, Params, Report, ResolvedParam};

    /// A one-step report whose values hold markup and SQL-looking text.
    pub(crate) fn sample_report() -> Report {
        let hostile = "x' OR '1'='1".to_string();
        let mallory = "arn:aws:iam::1:user/<b>mallory</b>";
        let result = RecordBatch::try_from_iter([
            (
                "arn",
                Arc::new(StringArray::from(vec![Some(mallory), None])) as ArrayRef,
            ),
            ("total", Arc::new(Int64Array::from(vec![9, 2])) as ArrayRef),
        ])
        .unwrap();
        Report {
            name: "iam-credential-compromise".into(),
            title: "IAM <credential> compromise".into(),
            description: "Who failed & why".into(),
            parameters: vec![ResolvedParam {
                name: "arn".into(),
                value: hostile.clone(),
                origin: Origin::Analyst,
            }],
            steps: vec![StepReport {
                id: "2.2".into(),
                title: "Identities with failures".into(),
                explanation: "Counts <failures>.".into(),
                ran: Ran::Sql {
                    file: "sql/x/2_2.sql".into(),
                    text: "select userIdentity.arn, count(*) as total\nfrom t where a = :arn\n"
                        .into(),
                },
                params: Params::from([("arn".to_string(), hostile)]),
                transforms: vec!["keep rows where errorCode is not null".into()],
                result,
                chart: Some(BarChart {
                    title: "Failures by identity".into(),
                    bars: vec![
                        Bar {
                            label: mallory.into(),
                            value: 9.0,
                        },
                        Bar {
                            label: "(null)".into(),
                            value: 2.0,
                        },
                    ],
                }),
                finding: Some(format!("Top identity: {mallory} (9 failures)")),
            }],
        }
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("héllo", 3), "hél…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(slug("2.1 Top"), "2-1-top");
    }
}
