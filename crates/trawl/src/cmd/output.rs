//! Where and how result tables go: stdout or `--output FILE`, in `--format`, with an optional bar chart.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use trawl_query::{OutputFormat, TableOptions, write_batches};

/// Output flags shared by `trawl sql` and `trawl search`.
#[derive(clap::Args, Clone)]
pub struct OutputArgs {
    /// table (width-aware), csv, json, jsonl, markdown or parquet (needs --output).
    #[arg(long, default_value = "table")]
    pub format: OutputFormat,
    /// Write to this file instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also print a horizontal bar chart of a label/count result (the last column is the count).
    #[arg(long, value_parser = ["bar"], value_name = "KIND")]
    pub chart: Option<String>,
}

impl OutputArgs {
    /// Writes one result.
    pub fn write(&self, schema: &SchemaRef, batches: &[RecordBatch]) -> super::Result<()> {
        if self.format == OutputFormat::Parquet && self.output.is_none() {
            return Err("--format parquet writes a binary file: add --output FILE".into());
        }
        let table = TableOptions {
            width: super::lake_session::terminal_width(),
            ..TableOptions::default()
        };
        match &self.output {
            Some(path) => {
                let file = File::create(path)
                    .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
                write_batches(BufWriter::new(file), schema, batches, self.format, &table)?;
            }
            None => {
                if let Err(e) =
                    write_batches(std::io::stdout(), schema, batches, self.format, &table)
                    && !e.to_string().contains("Broken pipe")
                {
                    return Err(e.into());
                }
            }
        }
        if self.chart.is_some() {
            let width = super::lake_session::terminal_width().unwrap_or(100) as usize;
            let chart = trawl_report::render::terminal_bar_chart(batches, width)?;
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(chart.as_bytes());
        }
        Ok(())
    }
}
