//! The lake's rows back as the JSON records they came from.
//!
//! Each row is rebuilt from its typed columns (canonical CloudTrail keys, booleans as JSON
//! booleans, JSON-text columns verbatim); the `_extra` note then restores whatever the columns
//! could not say: a noted key replaces the column of the same name (ignoring case) and is written
//! with its original spelling and value.

use std::io::Write;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, StringArray};
use trawl_schema::{FieldSpec, Kind, RECORD_FIELDS, system};

use crate::json::members;
use crate::write::read_file;
use crate::{Error, Lake};

/// Which rows to export. Every bound is optional; time bounds compare `eventtime` text
/// (`from` inclusive, `to` exclusive), so rows without an event time only pass unbounded filters.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Keep only this `recipientAccountId` (partition account).
    pub account: Option<String>,
    /// Keep only this region (partition region).
    pub region: Option<String>,
    /// Keep rows with `eventtime >= from`.
    pub from: Option<String>,
    /// Keep rows with `eventtime < to`.
    pub to: Option<String>,
}

impl ExportFilter {
    fn keeps_file(&self, file: &crate::DataFile) -> bool {
        let (Some(min), Some(max)) = (&file.min_eventtime, &file.max_eventtime) else {
            return self.from.is_none() && self.to.is_none();
        };
        self.from.as_ref().is_none_or(|from| max >= from)
            && self.to.as_ref().is_none_or(|to| min < to)
    }

    fn keeps_row(&self, batch: &RecordBatch, row: usize) -> bool {
        let text = |name: &str| {
            let a = batch
                .column_by_name(name)
                .expect("lake schema")
                .as_string::<i32>();
            a.is_valid(row).then(|| a.value(row))
        };
        let matches =
            |want: &Option<String>, name| want.as_deref().is_none_or(|w| text(name) == Some(w));
        let time = text("eventtime");
        matches(&self.account, system::ACCOUNT)
            && matches(&self.region, system::REGION)
            && self
                .from
                .as_deref()
                .is_none_or(|from| time.is_some_and(|t| t >= from))
            && self
                .to
                .as_deref()
                .is_none_or(|to| time.is_some_and(|t| t < to))
    }
}

/// Writes every kept row as one JSON line; returns the number of records written.
pub fn export(lake: &Lake, filter: &ExportFilter, out: &mut dyn Write) -> Result<u64, Error> {
    let mut written = 0;
    let files = lake.manifest().files.iter().zip(lake.data_files());
    let mut line = Vec::with_capacity(4096);
    for (_, path) in files.filter(|(f, _)| filter.keeps_file(f)) {
        let batches = read_file(&path).map_err(|e| Error::Lake {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        for batch in &batches {
            let extra = batch
                .column_by_name(system::EXTRA)
                .expect("lake schema")
                .as_string::<i32>();
            for row in (0..batch.num_rows()).filter(|&r| filter.keeps_row(batch, r)) {
                line.clear();
                write_record(batch, extra, row, &mut line);
                line.push(b'\n');
                out.write_all(&line).map_err(|e| Error::Lake {
                    path: "<output>".into(),
                    reason: e.to_string(),
                })?;
                written += 1;
            }
        }
    }
    Ok(written)
}

fn write_record(batch: &RecordBatch, extra: &StringArray, row: usize, out: &mut Vec<u8>) {
    let noted = extra.is_valid(row).then(|| extra.value(row));
    let noted_pairs = noted.and_then(members).unwrap_or_default();
    out.push(b'{');
    let mut first = true;
    for (i, field) in RECORD_FIELDS.iter().enumerate() {
        if noted_pairs
            .iter()
            .any(|m| m.key().eq_ignore_ascii_case(field.key))
        {
            continue;
        }
        write_field(field, batch.column(i), row, out, &mut first);
    }
    for member in &noted_pairs {
        separator(out, &mut first);
        write_string(&member.key(), out);
        out.push(b':');
        write_json_text(member.value.text, out);
    }
    out.push(b'}');
}

/// Writes JSON text on one line: a raw line break can only be whitespace between tokens (inside
/// strings it is always escaped), so turning it into a space keeps the value equal.
fn write_json_text(text: &str, out: &mut Vec<u8>) {
    out.extend(
        text.bytes()
            .map(|b| if b == b'\n' || b == b'\r' { b' ' } else { b }),
    );
}

fn separator(out: &mut Vec<u8>, first: &mut bool) {
    if !*first {
        out.push(b',');
    }
    *first = false;
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
}

/// Writes `"key":value` for a non-null value.
fn write_field(
    field: &FieldSpec,
    array: &ArrayRef,
    row: usize,
    out: &mut Vec<u8>,
    first: &mut bool,
) {
    if array.is_null(row) {
        return;
    }
    separator(out, first);
    write_string(field.key, out);
    out.push(b':');
    write_value(field.kind, array, row, out);
}

fn write_value(kind: Kind, array: &ArrayRef, row: usize, out: &mut Vec<u8>) {
    match kind {
        Kind::Text => write_string(array.as_string::<i32>().value(row), out),
        Kind::Bool | Kind::Json => write_json_text(array.as_string::<i32>().value(row), out),
        Kind::Struct(fields) => write_struct(fields, array, row, out),
        Kind::List(fields) => {
            let list = array.as_list::<i32>();
            let items = list.value(row);
            out.push(b'[');
            for i in 0..items.len() {
                if i > 0 {
                    out.push(b',');
                }
                write_struct(fields, &items, i, out);
            }
            out.push(b']');
        }
        Kind::Map => {
            let map = array.as_map();
            let entries = map.value(row);
            let (keys, values) = (
                entries.column(0).as_string::<i32>(),
                entries.column(1).as_string::<i32>(),
            );
            out.push(b'{');
            for i in 0..entries.len() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(keys.value(i), out);
                out.push(b':');
                write_string(values.value(i), out);
            }
            out.push(b'}');
        }
    }
}

fn write_struct(fields: &[FieldSpec], array: &ArrayRef, row: usize, out: &mut Vec<u8>) {
    let s = array.as_struct();
    out.push(b'{');
    let mut first = true;
    for (i, field) in fields.iter().enumerate() {
        write_field(field, s.column(i), row, out, &mut first);
    }
    out.push(b'}');
}
