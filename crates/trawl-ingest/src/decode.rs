//! Raw JSON records straight into Arrow columns, following `trawl_schema::RECORD_FIELDS`.
//!
//! Every value arrives as a validated slice of the source text ([`json::Value`]) and is stored
//! according to its column's kind, so free-form objects keep their exact original bytes.
//! Whatever the typed columns cannot reproduce exactly — an unknown key at any depth, a key spelt
//! in another case, a value of an unexpected type, an explicit `null` — is noted, per top-level
//! key, in the row's `_extra` JSON object, which is NULL for an ordinary record.

use std::sync::Arc;

use arrow::array::builder::NullBufferBuilder;
use arrow::array::{
    ArrayRef, Int64Builder, ListArray, MapArray, StringArray, StructArray,
    TimestampMillisecondBuilder,
};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Fields};
use arrow::record_batch::RecordBatch;
use trawl_schema::{FieldSpec, Kind, RECORD_FIELDS, lake_schema};

use crate::container::Record;
use crate::json::{self, Key, KeyOrder, Kind as Json, Scanner, SyntaxError, Value};
use crate::partition::{Day, EventTime, PartitionKey};

/// Finds the field a key that [`json::KeyOrder`] did not know maps to: `(index, spelt exactly as
/// CloudTrail does)`. (Keys spelt exactly arrive known, but for a lone record outside a container.)
fn lookup(fields: &[FieldSpec], key: &str) -> Option<(usize, bool)> {
    if let Some(i) = fields.iter().position(|f| f.key == key) {
        return Some((i, true));
    }
    fields
        .iter()
        .position(|f| f.key.eq_ignore_ascii_case(key))
        .map(|i| (i, false))
}

/// A column under construction. Values are appended at their row; the rows a column skipped, for
/// records without that field, become NULL in one go when it next gets a value or is finished.
/// (One NULL appended per absent field per record, nested ones included, was about 2 % of
/// ingest's CPU.)
enum Builder {
    Text(Kind, Strings),
    Struct(StructBuilder),
    List {
        item: StructBuilder,
        offsets: Vec<i32>,
        nulls: NullBufferBuilder,
    },
    Map {
        keys: Strings,
        values: Strings,
        offsets: Vec<i32>,
        nulls: NullBufferBuilder,
    },
}

/// Appends NULLs to a string column until it has `rows` rows.
///
/// Inlined, with the appending kept out of line: this runs before every value of every string
/// column, and as a call it saved and restored six registers each time, mostly to find nothing
/// missing.
#[inline(always)]
fn pad_strings(b: &mut Strings, rows: usize) {
    let missing = rows.saturating_sub(b.len());
    if missing > 0 {
        b.append_nulls(missing);
    }
}

/// Appends NULL bits until `nulls` covers `rows` rows; returns how many it appended. (Appending
/// none must not call arrow, which would allocate a bitmap for a column without NULLs.)
fn pad_nulls(nulls: &mut NullBufferBuilder, rows: usize) -> usize {
    let missing = rows.saturating_sub(nulls.len());
    if missing > 0 {
        nulls.append_n_nulls(missing);
    }
    missing
}

/// Appends NULLs to a list or map column (its offsets and validity) until it has `rows` rows.
fn pad_offsets(offsets: &mut Vec<i32>, nulls: &mut NullBufferBuilder, rows: usize) {
    let missing = pad_nulls(nulls, rows);
    let last = *offsets.last().unwrap_or(&0);
    offsets.resize(offsets.len() + missing, last);
}

/// A string column under construction: arrow's `StringBuilder` made for this loop. Appending a
/// value is inlined where it happens (arrow's `append_value` was a call for every value of every
/// column), and each batch starts with room for what the previous batch held per record, so that
/// appending rarely outgrows it (builders that start empty re-allocate, and copy, their buffers as
/// they grow: about 150 times per source object).
struct Strings {
    /// The values one after the other.
    values: Vec<u8>,
    /// Where each row starts in `values`, and one past the last row's end.
    offsets: Vec<i32>,
    nulls: NullBufferBuilder,
    /// Rows and value bytes per record of the batch, as last finished.
    per_record: (f64, f64),
}

impl Default for Strings {
    fn default() -> Self {
        Strings {
            values: Vec::new(),
            offsets: vec![0],
            nulls: NullBufferBuilder::new(0),
            per_record: (0.0, 0.0),
        }
    }
}

impl Strings {
    /// The number of rows.
    #[inline(always)]
    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Appends one value.
    #[inline(always)]
    fn append_value(&mut self, value: impl AsRef<str>) {
        self.values.extend_from_slice(value.as_ref().as_bytes());
        self.offsets.push(offset(self.values.len()));
        self.nulls.append_non_null();
    }

    /// Appends `n` NULLs.
    #[inline(never)]
    fn append_nulls(&mut self, n: usize) {
        self.offsets
            .resize(self.offsets.len() + n, offset(self.values.len()));
        self.nulls.append_n_nulls(n);
    }

    fn append_null(&mut self) {
        self.append_nulls(1);
    }

    fn append_option(&mut self, value: Option<&str>) {
        match value {
            Some(value) => self.append_value(value),
            None => self.append_null(),
        }
    }

    /// Makes room for a batch of `records` records; only while empty (between batches).
    fn reserve(&mut self, records: usize) {
        let (rows, bytes) = self.per_record;
        if self.len() == 0 && rows > 0.0 {
            let room = |per_record: f64| (per_record * records as f64 * 1.1) as usize + 1;
            self.values = Vec::with_capacity(room(bytes));
            self.offsets = Vec::with_capacity(room(rows) + 1);
            self.offsets.push(0);
        }
    }

    /// The column's rows as an array; remembers their size per record of a batch of `records`.
    fn finish(&mut self, records: usize) -> StringArray {
        let values = std::mem::take(&mut self.values);
        let offsets = std::mem::replace(&mut self.offsets, vec![0]);
        if records > 0 {
            let records = records as f64;
            self.per_record = (
                (offsets.len() - 1) as f64 / records,
                values.len() as f64 / records,
            );
        }
        // SAFETY: the offsets start at 0 and each is the length `values` had after a value was
        // appended, so they never shrink and end at its length; every value appended was a `str`,
        // so `values` is UTF-8 and each offset falls on a character boundary. (Checking it all
        // again would be a pass over every value and offset of the batch.)
        unsafe {
            let offsets = OffsetBuffer::new_unchecked(offsets.into());
            StringArray::new_unchecked(offsets, values.into(), self.nulls.finish())
        }
    }
}

/// A string column's length as an Arrow offset. One source object's text is far below 2 GiB per
/// column (and a column with more could not be a `StringArray`).
#[inline(always)]
fn offset(len: usize) -> i32 {
    i32::try_from(len).expect("a string column of one source object holds under 2 GiB")
}

struct StructBuilder {
    fields: &'static [FieldSpec],
    keys: KeyOrder,
    children: Vec<Builder>,
    nulls: NullBufferBuilder,
}

impl StructBuilder {
    fn new(fields: &'static [FieldSpec]) -> Self {
        StructBuilder {
            fields,
            keys: KeyOrder::new(fields.iter().map(|f| f.key)),
            children: fields.iter().map(|f| Builder::new(f.kind)).collect(),
            nulls: NullBufferBuilder::new(0),
        }
    }

    /// Makes the struct NULL up to row `rows`; its children catch up when they next get a value.
    fn pad(&mut self, rows: usize) {
        pad_nulls(&mut self.nulls, rows);
    }

    /// Appends the object at the scanner as row `row`; returns whether the typed fields reproduce
    /// it exactly. Nested objects and arrays are read in the same pass, not skipped and then
    /// scanned again.
    fn scan_object(&mut self, s: &mut Scanner<'_>, row: usize) -> Result<bool, SyntaxError> {
        self.pad(row);
        let mut seen = 0u64;
        let mut exact = true;
        let (fields, children) = (self.fields, &mut self.children);
        s.object_keyed(&mut self.keys, |s, key| {
            let field = match key {
                Key::Known(i) => Some((i, true)),
                Key::Other(key) => lookup(fields, &key.decoded()),
            };
            match field {
                Some((i, spelt_exactly)) if seen & (1 << i) == 0 => {
                    seen |= 1 << i;
                    exact &= spelt_exactly & children[i].scan(s, row)?;
                }
                _ => {
                    s.value()?;
                    exact = false;
                }
            }
            Ok(())
        })?;
        self.nulls.append_non_null();
        Ok(exact)
    }

    /// Appends the value at the scanner as row `row`: an object, else NULL.
    fn scan(&mut self, s: &mut Scanner<'_>, row: usize) -> Result<bool, SyntaxError> {
        if s.peek() == Some(b'{') {
            return self.scan_object(s, row);
        }
        s.value()?;
        self.pad(row + 1);
        Ok(false)
    }

    /// Makes room in every column for a batch of `records` records.
    fn reserve(&mut self, records: usize) {
        self.children.iter_mut().for_each(|c| c.reserve(records));
    }

    /// The struct's `rows` rows (of a batch of `records` records) as an array of these `fields`
    /// (the lake schema's).
    fn finish(&mut self, rows: usize, records: usize, fields: &Fields) -> StructArray {
        self.pad(rows);
        let children = (self.children.iter_mut().zip(fields))
            .map(|(c, f)| c.finish(rows, records, f.data_type()))
            .collect();
        StructArray::new(fields.clone(), children, self.nulls.finish())
    }
}

impl Builder {
    fn new(kind: Kind) -> Self {
        match kind {
            Kind::Text | Kind::Bool | Kind::Json => Builder::Text(kind, Strings::default()),
            Kind::Struct(fields) => Builder::Struct(StructBuilder::new(fields)),
            Kind::List(fields) => Builder::List {
                item: StructBuilder::new(fields),
                offsets: vec![0],
                nulls: NullBufferBuilder::new(0),
            },
            Kind::Map => Builder::Map {
                keys: Strings::default(),
                values: Strings::default(),
                offsets: vec![0],
                nulls: NullBufferBuilder::new(0),
            },
        }
    }

    /// Makes the column NULL up to row `rows`.
    fn pad(&mut self, rows: usize) {
        match self {
            Builder::Text(_, b) => pad_strings(b, rows),
            Builder::Struct(s) => s.pad(rows),
            Builder::List { offsets, nulls, .. } | Builder::Map { offsets, nulls, .. } => {
                pad_offsets(offsets, nulls, rows)
            }
        }
    }

    /// Appends the value at the scanner as row `row` (see [`Builder::append`]); nested objects and
    /// arrays of a struct or list are read as they are scanned.
    fn scan(&mut self, s: &mut Scanner<'_>, row: usize) -> Result<bool, SyntaxError> {
        match (self, s.peek()) {
            (Builder::Struct(item), _) => item.scan(s, row),
            (
                Builder::List {
                    item,
                    offsets,
                    nulls,
                    ..
                },
                Some(b'['),
            ) => {
                pad_offsets(offsets, nulls, row);
                let first = *offsets.last().unwrap_or(&0);
                let mut exact = true;
                let mut count = 0;
                s.array(|s| {
                    exact &= item.scan(s, (first + count) as usize)?;
                    count += 1;
                    Ok(())
                })?;
                offsets.push(first + count);
                nulls.append_non_null();
                Ok(exact)
            }
            (builder, _) => builder.append(s.value()?, row),
        }
    }

    /// Appends one JSON value as row `row`; returns whether export can reproduce it exactly from
    /// the column. An object or array for a struct or list column is scanned whole here, and so
    /// validated: the container pass may have skipped it unchecked.
    fn append(&mut self, value: Value<'_>, row: usize) -> Result<bool, SyntaxError> {
        match self {
            Builder::Text(kind, b) => {
                pad_strings(b, row);
                Ok(match value.kind {
                    Json::Null => {
                        b.append_null();
                        false
                    }
                    Json::String { .. } => {
                        b.append_value(value.string());
                        *kind == Kind::Text
                    }
                    Json::Bool(v) => {
                        b.append_value(if v { "true" } else { "false" });
                        *kind == Kind::Bool
                    }
                    Json::Number => {
                        b.append_value(value.text);
                        false
                    }
                    Json::Object | Json::Array => {
                        b.append_value(value.text);
                        *kind == Kind::Json
                    }
                })
            }
            Builder::Struct(_) | Builder::List { .. } => {
                let expected = match self {
                    Builder::Struct(_) => Json::Object,
                    _ => Json::Array,
                };
                if value.kind != expected {
                    self.pad(row + 1);
                    return Ok(false);
                }
                let mut s = Scanner::new(value.text);
                let exact = self.scan(&mut s, row)?;
                if !s.at_end() {
                    return Err(s.error("trailing characters"));
                }
                Ok(exact)
            }
            Builder::Map {
                keys,
                values,
                offsets,
                nulls,
            } => {
                if value.kind != Json::Object {
                    pad_offsets(offsets, nulls, row + 1);
                    return Ok(false);
                }
                pad_offsets(offsets, nulls, row);
                let mut exact = true;
                let mut count = 0;
                json::for_each_member(value, |key, v| {
                    keys.append_value(key);
                    match v.kind {
                        Json::String { .. } => values.append_value(v.string()),
                        Json::Null => {
                            values.append_null();
                            exact = false;
                        }
                        _ => {
                            values.append_value(v.text);
                            exact = false;
                        }
                    }
                    count += 1;
                });
                offsets.push(offsets.last().unwrap_or(&0) + count);
                nulls.append_non_null();
                Ok(exact)
            }
        }
    }

    /// Makes room for a batch of `records` records.
    fn reserve(&mut self, records: usize) {
        match self {
            Builder::Text(_, b) => b.reserve(records),
            Builder::Struct(s) | Builder::List { item: s, .. } => s.reserve(records),
            Builder::Map { keys, values, .. } => {
                keys.reserve(records);
                values.reserve(records);
            }
        }
    }

    /// The column's `rows` rows (of a batch of `records` records) as an array of `data_type`, the
    /// column's type in the lake schema (taken from there, not built again for every batch); the
    /// builder starts again empty.
    fn finish(&mut self, rows: usize, records: usize, data_type: &DataType) -> ArrayRef {
        self.pad(rows);
        match (self, data_type) {
            (Builder::Text(_, b), _) => Arc::new(b.finish(records)),
            (Builder::Struct(s), DataType::Struct(fields)) => {
                Arc::new(s.finish(rows, records, fields))
            }
            (
                Builder::List {
                    item,
                    offsets,
                    nulls,
                },
                DataType::List(field),
            ) => {
                let DataType::Struct(item_fields) = field.data_type() else {
                    unreachable!("list items are structs in the lake schema")
                };
                let items = *offsets.last().unwrap_or(&0) as usize;
                Arc::new(ListArray::new(
                    field.clone(),
                    OffsetBuffer::new(std::mem::replace(offsets, vec![0]).into()),
                    Arc::new(item.finish(items, records, item_fields)),
                    nulls.finish(),
                ))
            }
            (
                Builder::Map {
                    keys,
                    values,
                    offsets,
                    nulls,
                },
                DataType::Map(entries_field, sorted),
            ) => {
                let DataType::Struct(entry_fields) = entries_field.data_type() else {
                    unreachable!("map entries are structs")
                };
                let entries = StructArray::new(
                    entry_fields.clone(),
                    vec![
                        Arc::new(keys.finish(records)),
                        Arc::new(values.finish(records)),
                    ],
                    None,
                );
                Arc::new(MapArray::new(
                    entries_field.clone(),
                    OffsetBuffer::new(std::mem::replace(offsets, vec![0]).into()),
                    entries,
                    nulls.finish(),
                    *sorted,
                ))
            }
            (_, other) => unreachable!("a builder made from the lake schema, not {other}"),
        }
    }
}

const EVENT_TIME: usize = 2;
const AWS_REGION: usize = 5;
const RECIPIENT_ACCOUNT: usize = 19;

/// The record's keys, for reading records with [`Scanner::object_keyed`]: the
/// [`json::Member::known`] it gives is the key's index in `RECORD_FIELDS`.
pub fn record_keys() -> KeyOrder {
    KeyOrder::new(RECORD_FIELDS.iter().map(|f| f.key))
}

/// Whether [`BatchBuilder::append`] scans the value of the record field at `field` (an index in
/// [`record_keys`]) whole, and so validates it, when it starts with `opener`: true for the objects
/// of struct columns and the arrays of list columns, which the container pass may then skip
/// unchecked instead of scanning them twice.
pub fn scanned_whole(field: usize, opener: u8) -> bool {
    match RECORD_FIELDS[field].kind {
        Kind::Struct(_) => opener == b'{',
        Kind::List(_) => opener == b'[',
        _ => false,
    }
}

/// Decodes the records of one source object into one batch with the lake schema.
pub struct BatchBuilder {
    columns: Vec<Builder>,
    extra: Strings,
    partitions: [Strings; 6],
    event_ts: TimestampMillisecondBuilder,
    source_path: Strings,
    source_index: Int64Builder,
    /// The partitions seen since the last finish, each with its `YYYY/MM/DD` text.
    distinct: Vec<(PartitionKey, Option<String>)>,
    /// Per row, its partition's index in `distinct`.
    rows: Vec<u32>,
    extra_text: String,
    /// Per member of the record being appended: whether `_extra` keeps it.
    noted: Vec<bool>,
}

impl Default for BatchBuilder {
    fn default() -> Self {
        Self::new()
    }
}

/// Which partition each row of a finished batch belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowPartitions {
    /// The distinct partitions, in order of first appearance.
    pub keys: Vec<PartitionKey>,
    /// Per row, the index of its partition in `keys`.
    pub rows: Vec<u32>,
}

/// How one record was taken in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    /// Stored; `exact` is false when `_extra` had to note something.
    Row {
        exact: bool,
        event_time_usable: bool,
    },
    /// The record is not a JSON object.
    NotAnObject,
}

impl BatchBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        debug_assert_eq!(RECORD_FIELDS[EVENT_TIME].key, "eventTime");
        debug_assert_eq!(RECORD_FIELDS[AWS_REGION].key, "awsRegion");
        debug_assert_eq!(RECORD_FIELDS[RECIPIENT_ACCOUNT].key, "recipientAccountId");
        BatchBuilder {
            columns: RECORD_FIELDS.iter().map(|f| Builder::new(f.kind)).collect(),
            extra: Strings::default(),
            partitions: Default::default(),
            event_ts: TimestampMillisecondBuilder::new().with_timezone("UTC"),
            source_path: Strings::default(),
            source_index: Int64Builder::new(),
            distinct: Vec::new(),
            rows: Vec::new(),
            extra_text: String::new(),
            noted: Vec::new(),
        }
    }

    /// Makes room for an object of `records` records, after what earlier batches held per record,
    /// so that its columns rarely grow while it is appended. Call it between batches.
    pub fn reserve(&mut self, records: usize) {
        self.columns.iter_mut().for_each(|c| c.reserve(records));
        for strings in [&mut self.extra, &mut self.source_path]
            .into_iter()
            .chain(&mut self.partitions)
        {
            strings.reserve(records);
        }
        if self.rows.is_empty() {
            self.event_ts =
                TimestampMillisecondBuilder::with_capacity(records).with_timezone("UTC");
            self.source_index = Int64Builder::with_capacity(records);
            self.rows.reserve(records);
        }
    }

    /// Number of rows appended since the last [`finish`](Self::finish).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no row is pending.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Appends one record. `fallback` gives the account and region of the source key, used when
    /// the record lacks `recipientAccountId` / `awsRegion`.
    ///
    /// The values the container pass left unchecked (see [`scanned_whole`]) are validated here. A
    /// syntax error is placed in the record's text; the record is then half appended, and the
    /// builder must not be used again.
    pub fn append(
        &mut self,
        record: Record<'_, '_>,
        source_path: &str,
        index: usize,
        fallback: (&Option<String>, &Option<String>),
    ) -> Result<Decoded, SyntaxError> {
        if record.value.kind != Json::Object {
            return Ok(Decoded::NotAnObject);
        }
        let members = record.members;
        let mut first_at = [usize::MAX; RECORD_FIELDS.len()];
        let noted = &mut self.noted;
        noted.clear();
        noted.resize(members.len(), false);
        for (p, member) in members.iter().enumerate() {
            let field = match member.known {
                Some(i) => Some((usize::from(i), true)),
                None => lookup(RECORD_FIELDS, &member.key()),
            };
            match field {
                Some((i, _)) if first_at[i] != usize::MAX => {
                    // A repeated key: keep both spellings verbatim.
                    noted[p] = true;
                    noted[first_at[i]] = true;
                    if matches!(member.value.kind, Json::Object | Json::Array) {
                        json::validate(member.value.text)
                            .map_err(|e| e.within(record.value.text, member.value.text))?;
                    }
                }
                Some((i, spelt_exactly)) => {
                    first_at[i] = p;
                    let exact = (self.columns[i].append(member.value, self.rows.len()))
                        .map_err(|e| e.within(record.value.text, member.value.text))?;
                    noted[p] = !(exact && spelt_exactly);
                }
                None => noted[p] = true,
            }
        }
        let string_of = |i: usize| {
            let p = first_at[i];
            (p != usize::MAX)
                .then(|| members[p].value)
                .filter(|v| matches!(v.kind, Json::String { .. }))
                .map(|v| v.string())
        };
        let time = string_of(EVENT_TIME).and_then(|t| EventTime::parse(&t));
        let account = string_of(RECIPIENT_ACCOUNT);
        let region = string_of(AWS_REGION);
        let partition = self.partition_of(
            account.as_deref().or(fallback.0.as_deref()),
            region.as_deref().or(fallback.1.as_deref()),
            time.map(|t| t.date),
        );

        let exact = !self.noted.contains(&true);
        if exact {
            self.extra.append_null();
        } else {
            let text = &mut self.extra_text;
            text.clear();
            text.push('{');
            for (member, _) in members.iter().zip(&self.noted).filter(|(_, noted)| **noted) {
                if text.len() > 1 {
                    text.push(',');
                }
                // The key as written: valid JSON string text, escapes and all.
                text.push('"');
                text.push_str(member.key_text);
                text.push('"');
                text.push(':');
                text.push_str(member.value.text);
            }
            text.push('}');
            self.extra.append_value(&*text);
        }
        let (key, date_text) = &self.distinct[partition];
        let [acct, reg, year, month, day, date] = &mut self.partitions;
        acct.append_option(key.account.as_deref());
        reg.append_option(key.region.as_deref());
        match date_text {
            Some(text) => {
                year.append_value(Day::year(text));
                month.append_value(Day::month(text));
                day.append_value(Day::day(text));
                date.append_value(text);
            }
            None => [year, month, day, date]
                .into_iter()
                .for_each(|b| b.append_null()),
        }
        self.event_ts.append_option(time.map(|t| t.millis));
        self.source_path.append_value(source_path);
        self.source_index.append_value(index as i64);
        self.rows.push(partition as u32);
        Ok(Decoded::Row {
            exact,
            event_time_usable: time.is_some(),
        })
    }

    /// The index in `distinct` of a record's partition, added when new. A source object's records
    /// nearly all share one or two partitions, so this allocates once per partition, not per row.
    fn partition_of(
        &mut self,
        account: Option<&str>,
        region: Option<&str>,
        date: Option<Day>,
    ) -> usize {
        let found = self.distinct.iter().rposition(|(k, _)| {
            k.date == date && k.account.as_deref() == account && k.region.as_deref() == region
        });
        found.unwrap_or_else(|| {
            let key = PartitionKey {
                account: account.map(str::to_string),
                region: region.map(str::to_string),
                date,
            };
            self.distinct.push((key, date.map(|d| d.date_partition())));
            self.distinct.len() - 1
        })
    }

    /// The rows appended so far as one batch with the lake schema, and each row's partition.
    pub fn finish(&mut self) -> (RecordBatch, RowPartitions) {
        let rows = self.rows.len();
        let schema = lake_schema();
        let mut columns: Vec<ArrayRef> = (self.columns.iter_mut().zip(schema.fields()))
            .map(|(c, f)| c.finish(rows, rows, f.data_type()))
            .collect();
        columns.push(Arc::new(self.extra.finish(rows)));
        for p in &mut self.partitions {
            columns.push(Arc::new(p.finish(rows)));
        }
        columns.push(Arc::new(self.event_ts.finish()));
        columns.push(Arc::new(self.source_path.finish(rows)));
        columns.push(Arc::new(self.source_index.finish()));
        let batch = RecordBatch::try_new(schema, columns)
            .expect("builders follow the lake schema by construction");
        let partitions = RowPartitions {
            keys: self.distinct.drain(..).map(|(key, _)| key).collect(),
            rows: std::mem::take(&mut self.rows),
        };
        (batch, partitions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray};

    fn decode(records: &[&str]) -> (RecordBatch, Vec<Decoded>) {
        decode_with(&mut BatchBuilder::new(), records)
    }

    /// Decodes `records` as one batch with `b`, which may have decoded batches before.
    fn decode_with(b: &mut BatchBuilder, records: &[&str]) -> (RecordBatch, Vec<Decoded>) {
        b.reserve(records.len());
        let outcomes = records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let array = format!("[{r}]");
                let Ok(crate::container::Content::Records(records)) =
                    crate::container::split(array.as_bytes())
                else {
                    panic!("{r} is not one JSON value")
                };
                let record = records.iter().next().expect("one record");
                b.append(record, "s3://b/k.json.gz", i, (&None, &None))
                    .expect("valid JSON")
            })
            .collect();
        (b.finish().0, outcomes)
    }

    #[test]
    fn string_columns_hold_values_nulls_and_padding_batch_after_batch() {
        let mut b = Strings::default();
        for batch in 0..3 {
            b.reserve(4);
            b.append_value("é");
            pad_strings(&mut b, 3);
            b.append_option(Some(""));
            b.append_option(None);
            b.append_value(format!("batch {batch}"));
            pad_strings(&mut b, 6);
            let expected = StringArray::from(vec![
                Some("é"),
                None,
                None,
                Some(""),
                None,
                Some(&*format!("batch {batch}")),
            ]);
            assert_eq!(b.finish(4), expected);
            assert_eq!(b.len(), 0);
        }
        assert_eq!(b.finish(0), StringArray::from(Vec::<&str>::new()));
    }

    #[test]
    fn a_builder_sized_by_earlier_batches_decodes_the_same_batch() {
        let full = r#"{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/r/s","sessionContext":{"sessionIssuer":{"arn":"arn:r","userName":"r"},"webIdFederationData":{"federatedProvider":"p","attributes":{"k":"v","k2":"v2"}},"attributes":{"mfaAuthenticated":"true"}}},"eventTime":"2024-05-01T10:00:00Z","eventName":"GetObject","requestParameters":{"bucketName":"a-long-bucket-name","key":"some/deep/key"},"resources":[{"ARN":"arn:a","type":"T"},{"accountId":"1"}],"tlsDetails":{"tlsVersion":"TLSv1.3"}}"#;
        let sparse = r#"{"eventName":"A","eventTime":"2024-05-01T10:00:01Z"}"#;
        let later: Vec<&str> = [full, sparse, full, sparse, full].repeat(3);
        let mut reused = BatchBuilder::new();
        // Earlier batches of other sizes and shapes: the next one gets room after them.
        for earlier in [vec![sparse; 7], vec![full], vec![full, sparse]] {
            decode_with(&mut reused, &earlier);
        }
        assert_eq!(decode_with(&mut reused, &later), decode(&later));
        assert_eq!(decode_with(&mut reused, &[sparse]), decode(&[sparse]));
    }

    /// Whether the container pass and the decoder together take `text` as JSON (the values the
    /// container only bracket-matches are validated by the decoder); `None` when the text is
    /// refused for not being a trail log.
    fn split_and_decode(text: &str) -> Option<bool> {
        use crate::container::{BadInput, Content, split};
        match split(text.as_bytes()) {
            Ok(Content::Records(records)) => {
                let mut b = BatchBuilder::new();
                let mut records = records.iter().enumerate();
                Some(records.all(|(i, r)| b.append(r, "k", i, (&None, &None)).is_ok()))
            }
            Ok(Content::Digest) => Some(true),
            Err(BadInput::InvalidJson { .. } | BadInput::Empty) => Some(false),
            Err(_) => None,
        }
    }

    #[test]
    fn values_left_to_the_decoder_are_validated_like_the_rest() {
        let text = r#"{"Records":[{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","arn":"a\"[{","sessionContext":{"attributes":{"mfaAuthenticated":"false"},"sessionIssuer":{"type":"Role"}},"x":[1,{"y":null}]},"eventTime":"2024-05-01T10:00:00Z","resources":[{"ARN":"arn:x","type":"T"},7],"tlsDetails":{"tlsVersion":"TLSv1.2"},"userIdentity":{"z":[true]}}]}"#;
        let agrees = |text: &str| {
            if let Some(ours) = split_and_decode(text) {
                let serde = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
                assert_eq!(ours, serde, "{text}");
            }
        };
        for end in 0..=text.len() {
            agrees(&text[..end]);
        }
        let bytes = text.as_bytes();
        for i in 0..bytes.len() {
            for replacement in [
                b' ', b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', 0x01,
            ] {
                let mut changed = bytes.to_vec();
                changed[i] = replacement;
                if let Ok(text) = std::str::from_utf8(&changed) {
                    agrees(text);
                }
            }
        }
    }

    fn text(batch: &RecordBatch, column: &str, row: usize) -> Option<String> {
        let a = batch.column_by_name(column).unwrap().as_string::<i32>();
        a.is_valid(row).then(|| a.value(row).to_string())
    }

    #[test]
    fn canonical_record_needs_no_extra() {
        let r = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/a","sessionContext":{"sessionIssuer":{},"attributes":{"mfaAuthenticated":"false"}}},"eventTime":"2024-05-01T10:00:00Z","awsRegion":"us-east-1","requestParameters":{"bucketName":"b","x":[1, 2.50]},"responseElements":null,"readOnly":true,"resources":[{"ARN":"arn:x","accountId":"1","type":"T"}],"recipientAccountId":"111122223333"}"#;
        let (batch, outcomes) = decode(&[r]);
        assert_eq!(
            outcomes,
            [Decoded::Row {
                exact: false,
                event_time_usable: true
            }]
        );
        // Only the explicit null of responseElements needed a note.
        assert_eq!(
            text(&batch, "_extra", 0).unwrap(),
            r#"{"responseElements":null}"#
        );
        assert_eq!(
            text(&batch, "requestparameters", 0).unwrap(),
            r#"{"bucketName":"b","x":[1, 2.50]}"#
        );
        assert_eq!(text(&batch, "readonly", 0).unwrap(), "true");
        assert_eq!(text(&batch, "date_partition", 0).unwrap(), "2024/05/01");
        assert_eq!(text(&batch, "account", 0).unwrap(), "111122223333");
        let ui = batch.column_by_name("useridentity").unwrap().as_struct();
        assert_eq!(
            ui.column_by_name("arn")
                .unwrap()
                .as_string::<i32>()
                .value(0),
            "arn:aws:iam::1:user/a"
        );
    }

    #[test]
    fn drift_unknown_keys_and_spelling_are_noted() {
        let r = r#"{"eventId":"E1","readOnly":"true","userAgent":["a"],"newKey":{"k":1},"userIdentity":{"type":"Root","extra":1},"eventTime":"2024-05-01 10:00:00"}"#;
        let (batch, outcomes) = decode(&[r]);
        assert_eq!(
            outcomes,
            [Decoded::Row {
                exact: false,
                event_time_usable: false
            }]
        );
        assert_eq!(text(&batch, "eventid", 0).unwrap(), "E1");
        assert_eq!(text(&batch, "readonly", 0).unwrap(), "true");
        assert_eq!(text(&batch, "useragent", 0).unwrap(), "[\"a\"]");
        let extra: serde_json::Value =
            serde_json::from_str(&text(&batch, "_extra", 0).unwrap()).unwrap();
        let mut keys: Vec<_> = extra.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(
            keys,
            ["eventId", "newKey", "readOnly", "userAgent", "userIdentity"]
        );
        assert_eq!(text(&batch, "date_partition", 0), None);
        assert_eq!(text(&batch, "eventtime", 0).unwrap(), "2024-05-01 10:00:00");

        // Keys with escapes are kept as written, and decode to the same keys.
        let r = r#"{"a\"b":1,"\u0041\n":2,"eventName":"N","event\u004eame":"M"}"#;
        let (batch, _) = decode(&[r]);
        let extra = text(&batch, "_extra", 0).unwrap();
        assert_eq!(
            extra,
            r#"{"a\"b":1,"\u0041\n":2,"eventName":"N","eventName":"M"}"#
        );
        assert_eq!(text(&batch, "eventname", 0).unwrap(), "N");
    }

    #[test]
    fn nested_structs_and_lists_are_read_in_one_pass() {
        let exact = r#"{"userIdentity":{"type":"AssumedRole","sessionContext":{"sessionIssuer":{"arn":"arn:r","userName":"r"},"attributes":{"mfaAuthenticated":"true"}}},"resources":[{"ARN":"arn:a","type":"T"},{"accountId":"1"}],"tlsDetails":{"tlsVersion":"TLSv1.3"}}"#;
        let odd = [
            // A repeated key deep inside, an unknown one, and an array where an object belongs.
            r#"{"userIdentity":{"sessionContext":{"sessionIssuer":{"arn":"arn:r","arn":"arn:s","x":[{"y":1}]},"attributes":[1]}}}"#,
            // A list element that is not an object, and a list that is an object.
            r#"{"resources":[{"ARN":"arn:a"},"arn:b",{"ARN":"arn:c","extra":{}}],"tlsDetails":[]}"#,
            r#"{"resources":{"ARN":"arn:a"}}"#,
        ];
        let records: Vec<&str> = std::iter::once(exact).chain(odd).collect();
        let (batch, outcomes) = decode(&records);
        let exactness: Vec<bool> = outcomes
            .iter()
            .map(|o| matches!(o, Decoded::Row { exact: true, .. }))
            .collect();
        assert_eq!(exactness, [true, false, false, false]);
        let ui = batch.column_by_name("useridentity").unwrap().as_struct();
        let sc = ui.column_by_name("sessioncontext").unwrap().as_struct();
        let issuer = sc.column_by_name("sessionissuer").unwrap().as_struct();
        let arn = issuer.column_by_name("arn").unwrap().as_string::<i32>();
        assert_eq!((arn.value(0), arn.value(1)), ("arn:r", "arn:r"));
        assert!(sc.column_by_name("attributes").unwrap().is_null(1));
        assert!(ui.column_by_name("type").unwrap().is_null(1));
        let resources = batch.column_by_name("resources").unwrap().as_list::<i32>();
        let lengths: Vec<usize> = (0..4)
            .map(|r| {
                if resources.is_valid(r) {
                    resources.value(r).len()
                } else {
                    0
                }
            })
            .collect();
        assert_eq!(lengths, [2, 0, 3, 0]);
        assert!(resources.is_null(3));
        let items = resources.values().as_struct();
        let item_arn = items.column_by_name("arn").unwrap().as_string::<i32>();
        let arns: Vec<Option<&str>> = (0..items.len())
            .map(|i| item_arn.is_valid(i).then(|| item_arn.value(i)))
            .collect();
        assert_eq!(
            arns,
            [Some("arn:a"), None, Some("arn:a"), None, Some("arn:c")]
        );
        assert!(batch.column_by_name("tlsdetails").unwrap().is_null(2));
        for (row, keys) in [
            (1, "userIdentity"),
            (2, "resources,tlsDetails"),
            (3, "resources"),
        ] {
            let extra: serde_json::Value =
                serde_json::from_str(&text(&batch, "_extra", row).unwrap()).unwrap();
            let noted: Vec<&str> = extra
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(noted.join(","), keys, "row {row}");
        }
    }

    #[test]
    fn non_objects_are_rejected_and_escapes_decoded() {
        let (batch, outcomes) = decode(&["42", r#"{"eventName":"A\u00e9\"b"}"#]);
        assert_eq!(outcomes[0], Decoded::NotAnObject);
        assert_eq!(batch.num_rows(), 1);
        assert_eq!(text(&batch, "eventname", 0).unwrap(), "Aé\"b");
        assert_eq!(text(&batch, "_extra", 0), None);
    }
}
