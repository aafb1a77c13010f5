//! Writing result batches: `table`, `csv`, `json` (one array), `jsonl`, `markdown`, `parquet`.
//!
//! Every text format prints nested values (structs, lists, maps) as compact JSON-like text in
//! field order, and `IPADDRESS` values (16-byte binary) as address text. The table format fits
//! the terminal width when one is given and cuts long cells (JSON text, error messages) with a
//! visible `…`.

use std::fmt::Write as _;
use std::io::Write;
use std::str::FromStr;

use comfy_table::{ContentArrangement, Table, presets};
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::common::{DataFusionError, Result};
use datafusion::parquet::arrow::ArrowWriter;

use crate::functions::format_ip;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// A boxed text table.
    Table,
    /// CSV with a header row.
    Csv,
    /// One JSON array of row objects.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// A Markdown table.
    Markdown,
    /// A Parquet file.
    Parquet,
}

impl FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "table" => OutputFormat::Table,
            "csv" => OutputFormat::Csv,
            "json" => OutputFormat::Json,
            "jsonl" | "ndjson" => OutputFormat::Jsonl,
            "markdown" | "md" => OutputFormat::Markdown,
            "parquet" => OutputFormat::Parquet,
            other => {
                return Err(format!(
                    "unknown output format '{other}'; use table, csv, json, jsonl, markdown or parquet"
                ));
            }
        })
    }
}

/// Options of the `table` format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableOptions {
    /// Total width to fit, in characters (`None`: no limit).
    pub width: Option<u16>,
    /// Longest cell, in characters, before it is cut with `…`.
    pub max_cell_chars: usize,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            width: None,
            max_cell_chars: 60,
        }
    }
}

/// Writes `batches` (all with `schema`) to `out` in `format`.
pub fn write_batches<W: Write + Send>(
    out: W,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    format: OutputFormat,
    table: &TableOptions,
) -> Result<()> {
    match format {
        OutputFormat::Parquet => {
            let mut w = ArrowWriter::try_new(out, schema.clone(), None)?;
            for b in batches {
                w.write(b)?;
            }
            w.close()?;
            Ok(())
        }
        other => {
            let mut out = out;
            let text = render(schema, batches, other, table)?;
            out.write_all(text.as_bytes())
                .map_err(DataFusionError::IoError)
        }
    }
}

/// Renders `batches` as text in a text format.
pub fn render(
    schema: &SchemaRef,
    batches: &[RecordBatch],
    format: OutputFormat,
    table: &TableOptions,
) -> Result<String> {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let rows = || {
        batches
            .iter()
            .flat_map(|b| (0..b.num_rows()).map(move |r| (b, r)))
    };
    let mut s = String::new();
    match format {
        OutputFormat::Table => {
            let mut t = Table::new();
            t.load_preset(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic);
            if let Some(w) = table.width {
                t.set_width(w);
            }
            t.set_header(names.clone());
            let mut n = 0usize;
            for (b, r) in rows() {
                n += 1;
                let cells: Result<Vec<String>> = b
                    .columns()
                    .iter()
                    .map(|c| {
                        Ok(truncate(
                            &cell(c, r)?.unwrap_or_else(|| "NULL".into()),
                            table.max_cell_chars,
                        ))
                    })
                    .collect();
                t.add_row(cells?);
            }
            writeln!(s, "{t}").ok();
            writeln!(s, "({n} row{})", if n == 1 { "" } else { "s" }).ok();
        }
        OutputFormat::Csv => {
            writeln!(
                s,
                "{}",
                names
                    .iter()
                    .map(|n| csv_field(n))
                    .collect::<Vec<_>>()
                    .join(",")
            )
            .ok();
            for (b, r) in rows() {
                let cells: Result<Vec<String>> = b
                    .columns()
                    .iter()
                    .map(|c| Ok(csv_field(&cell(c, r)?.unwrap_or_default())))
                    .collect();
                writeln!(s, "{}", cells?.join(",")).ok();
            }
        }
        OutputFormat::Markdown => {
            let esc = |v: &str| v.replace('|', "\\|").replace(['\n', '\r'], " ");
            writeln!(
                s,
                "| {} |",
                names.iter().map(|n| esc(n)).collect::<Vec<_>>().join(" | ")
            )
            .ok();
            writeln!(s, "|{}", "---|".repeat(names.len())).ok();
            for (b, r) in rows() {
                let cells: Result<Vec<String>> = b
                    .columns()
                    .iter()
                    .map(|c| Ok(esc(&cell(c, r)?.unwrap_or_else(|| "NULL".into()))))
                    .collect();
                writeln!(s, "| {} |", cells?.join(" | ")).ok();
            }
        }
        OutputFormat::Json | OutputFormat::Jsonl => {
            let json = format == OutputFormat::Json;
            if json {
                s.push('[');
            }
            for (i, (b, r)) in rows().enumerate() {
                if json {
                    s.push_str(if i == 0 { "\n" } else { ",\n" });
                }
                s.push('{');
                for (j, (name, c)) in names.iter().zip(b.columns()).enumerate() {
                    if j > 0 {
                        s.push(',');
                    }
                    s.push_str(&json_string(name));
                    s.push(':');
                    json_value(&mut s, c, r)?;
                }
                s.push('}');
                if !json {
                    s.push('\n');
                }
            }
            if json {
                s.push_str(if s.len() > 1 { "\n]\n" } else { "]\n" });
            }
        }
        OutputFormat::Parquet => {
            return Err(DataFusionError::Plan(
                "parquet output is binary; use write_batches".into(),
            ));
        }
    }
    Ok(s)
}

fn truncate(s: &str, max: usize) -> String {
    let one_line = s.replace(['\n', '\r'], " ");
    match one_line.char_indices().nth(max.max(1).saturating_sub(1)) {
        Some((i, _)) if one_line.chars().count() > max => format!("{}…", &one_line[..i]),
        _ => one_line,
    }
}

fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn is_nested(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Struct(_)
            | DataType::List(_)
            | DataType::LargeList(_)
            | DataType::FixedSizeList(_, _)
            | DataType::Map(_, _)
    )
}

/// The text of one cell (`None` for NULL): strings as they are, nested values as JSON-like
/// text, IP addresses as text, everything else as Arrow displays it.
pub fn cell(col: &ArrayRef, row: usize) -> Result<Option<String>> {
    if col.is_null(row) {
        return Ok(None);
    }
    let t = col.data_type();
    if is_nested(t) {
        let mut s = String::new();
        json_value(&mut s, col, row)?;
        return Ok(Some(s));
    }
    if let DataType::FixedSizeBinary(16) = t {
        return Ok(Some(format_ip(col.as_fixed_size_binary().value(row))));
    }
    let f = ArrayFormatter::try_new(col.as_ref(), &FormatOptions::default())?;
    Ok(Some(f.value(row).to_string()))
}

/// Appends the JSON text of one value.
fn json_value(s: &mut String, col: &ArrayRef, row: usize) -> Result<()> {
    if col.is_null(row) {
        s.push_str("null");
        return Ok(());
    }
    match col.data_type() {
        DataType::Struct(fields) => {
            let st = col.as_struct();
            s.push('{');
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(&json_string(f.name()));
                s.push(':');
                json_value(s, st.column(i), row)?;
            }
            s.push('}');
        }
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _) => {
            let items = match col.data_type() {
                DataType::List(_) => col.as_list::<i32>().value(row),
                DataType::LargeList(_) => col.as_list::<i64>().value(row),
                _ => col.as_fixed_size_list().value(row),
            };
            s.push('[');
            for i in 0..items.len() {
                if i > 0 {
                    s.push(',');
                }
                json_value(s, &items, i)?;
            }
            s.push(']');
        }
        DataType::Map(_, _) => {
            let m = col.as_map();
            let (start, end) = (
                m.value_offsets()[row] as usize,
                m.value_offsets()[row + 1] as usize,
            );
            s.push('{');
            for j in start..end {
                if j > start {
                    s.push(',');
                }
                let key = cell(m.keys(), j)?.unwrap_or_default();
                s.push_str(&json_string(&key));
                s.push(':');
                json_value(s, m.values(), j)?;
            }
            s.push('}');
        }
        t if t.is_numeric() => {
            let v = cell(col, row)?.unwrap_or_default();
            let finite = v.parse::<f64>().map(f64::is_finite).unwrap_or(false);
            if finite {
                s.push_str(&v)
            } else {
                s.push_str(&json_string(&v))
            }
        }
        DataType::Boolean => s.push_str(if col.as_boolean().value(row) {
            "true"
        } else {
            "false"
        }),
        _ => s.push_str(&json_string(&cell(col, row)?.unwrap_or_default())),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use datafusion::arrow::array::{Int64Array, ListArray, StringArray, StructArray};
    use datafusion::arrow::datatypes::{Field, Int32Type, Schema};

    fn batch() -> (SchemaRef, RecordBatch) {
        let user = StructArray::from(vec![
            (
                Arc::new(Field::new("type", DataType::Utf8, true)),
                Arc::new(StringArray::from(vec![Some("IAMUser"), None])) as ArrayRef,
            ),
            (
                Arc::new(Field::new("username", DataType::Utf8, true)),
                Arc::new(StringArray::from(vec![Some("alice"), Some("b\"ob")])) as ArrayRef,
            ),
        ]);
        let list = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(1), None]),
            None,
        ]);
        let schema = Arc::new(Schema::new(vec![
            Field::new("eventname", DataType::Utf8, true),
            Field::new("n", DataType::Int64, true),
            Field::new("useridentity", user.data_type().clone(), true),
            Field::new("l", list.data_type().clone(), true),
        ]));
        let b = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from(vec![
                    Some("GetObject"),
                    Some("a,b | {\"k\":\"a long json value here\"}"),
                ])),
                Arc::new(Int64Array::from(vec![Some(1), None])),
                Arc::new(user),
                Arc::new(list),
            ],
        )
        .unwrap();
        (schema, b)
    }

    fn text(f: OutputFormat, t: &TableOptions) -> String {
        let (schema, b) = batch();
        render(&schema, &[b], f, t).unwrap()
    }

    #[test]
    fn csv_quotes_and_nests() {
        assert_eq!(
            text(OutputFormat::Csv, &TableOptions::default()),
            "eventname,n,useridentity,l\n\
             GetObject,1,\"{\"\"type\"\":\"\"IAMUser\"\",\"\"username\"\":\"\"alice\"\"}\",\"[1,null]\"\n\
             \"a,b | {\"\"k\"\":\"\"a long json value here\"\"}\",,\"{\"\"type\"\":null,\"\"username\"\":\"\"b\\\"\"ob\"\"}\",\n"
        );
    }

    #[test]
    fn json_and_jsonl_keep_column_and_field_order() {
        let jsonl = text(OutputFormat::Jsonl, &TableOptions::default());
        let first = jsonl.lines().next().unwrap();
        assert_eq!(
            first,
            r#"{"eventname":"GetObject","n":1,"useridentity":{"type":"IAMUser","username":"alice"},"l":[1,null]}"#
        );
        let json = text(OutputFormat::Json, &TableOptions::default());
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 2);
        assert_eq!(v[1]["n"], serde_json::Value::Null);
        assert_eq!(v[1]["useridentity"]["username"], "b\"ob");
    }

    #[test]
    fn markdown_escapes_pipes() {
        let md = text(OutputFormat::Markdown, &TableOptions::default());
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(lines[0], "| eventname | n | useridentity | l |");
        assert_eq!(lines[1], "|---|---|---|---|");
        assert!(lines[3].starts_with(r"| a,b \| {"), "{}", lines[3]);
        assert!(lines[3].contains("| NULL |"));
    }

    #[test]
    fn table_truncates_long_cells_and_counts_rows() {
        let t = text(
            OutputFormat::Table,
            &TableOptions {
                width: Some(200),
                max_cell_chars: 12,
            },
        );
        assert!(t.contains("a,b | {\"k\":…"), "{t}");
        assert!(t.contains("{\"type\":\"IA…"), "{t}");
        assert!(t.trim_end().ends_with("(2 rows)"));
        let narrow = text(
            OutputFormat::Table,
            &TableOptions {
                width: Some(40),
                max_cell_chars: 60,
            },
        );
        assert!(narrow.lines().all(|l| l.chars().count() <= 40), "{narrow}");
    }

    #[test]
    fn parquet_round_trips() {
        let (schema, b) = batch();
        let mut file = tempfile::tempfile().unwrap();
        write_batches(
            &mut file,
            &schema,
            &[b],
            OutputFormat::Parquet,
            &TableOptions::default(),
        )
        .unwrap();
        let reader =
            datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
                file,
            )
            .unwrap()
            .build()
            .unwrap();
        let rows: usize = reader.map(|b| b.unwrap().num_rows()).sum();
        assert_eq!(rows, 2);
    }

    #[test]
    fn formats_parse() {
        assert_eq!(
            "JSONL".parse::<OutputFormat>().unwrap(),
            OutputFormat::Jsonl
        );
        assert!(
            "xml"
                .parse::<OutputFormat>()
                .unwrap_err()
                .contains("unknown output format")
        );
    }
}
