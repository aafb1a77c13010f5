//! Scalar functions that evaluate the language's leaf semantics on Arrow batches: field
//! predicates, free text, path values, and conversions between typed columns and JSON
//! literals. Every predicate returns a non-null boolean, so SQL's three-valued logic never
//! reaches `not` (§2.1).

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BinaryBuilder, BooleanArray, Float64Array, Int64Array, StringArray,
    StringBuilder,
};
use arrow::datatypes::{DataType, TimeUnit, TimestampMillisecondType};
use datafusion::common::Result as DfResult;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use memchr::memmem::Finder;

use crate::columns::{Col, Shape};
use crate::json::{self, J};
use crate::matcher::Test;
use crate::path::{PathText, Seg, resolve, stage_value};

/// Implements equality and hashing through a `key` string that names the function's behaviour.
macro_rules! keyed {
    ($t:ty) => {
        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                self.key == other.key
            }
        }
        impl Eq for $t {}
        impl Hash for $t {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.key.hash(state)
            }
        }
    };
}

/// Every argument as an array of `number_rows` rows (a scalar argument is repeated; DataFusion's
/// `values_to_arrays` would give one row when all arguments are scalars).
fn arrays(args: &ScalarFunctionArgs) -> DfResult<Vec<ArrayRef>> {
    args.args
        .iter()
        .map(|a| a.to_array(args.number_rows))
        .collect()
}

/// `field op value` over one argument read with `shape`, after walking `path`.
#[derive(Debug)]
pub struct PredUdf {
    key: String,
    shape: Shape,
    path: Vec<Seg>,
    test: Test,
    sig: Signature,
}
keyed!(PredUdf);

impl PredUdf {
    /// The predicate as an expression on `arg`. `what` describes it in plans (`eventName: x`).
    pub fn expr(arg: Expr, shape: Shape, path: Vec<Seg>, test: Test, what: &str) -> Expr {
        let key = format!("match[{what}]");
        let udf = PredUdf {
            key,
            shape,
            path,
            test,
            sig: Signature::any(1, Volatility::Immutable),
        };
        ScalarUDF::new_from_impl(udf).call(vec![arg])
    }
}

impl ScalarUDFImpl for PredUdf {
    fn name(&self) -> &str {
        &self.key
    }
    fn signature(&self) -> &Signature {
        &self.sig
    }
    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Boolean)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let arrays = arrays(&args)?;
        let col = Col::new(&arrays[0], self.shape);
        let mut scratch = Vec::new();
        let out: BooleanArray = (0..args.number_rows)
            .map(|i| Some(row_matches(&col, i, &self.path, &self.test, &mut scratch)))
            .collect();
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}

/// Whether some value that `path` reaches from row `i` satisfies `test`.
fn row_matches(col: &Col<'_>, i: usize, path: &[Seg], test: &Test, scratch: &mut Vec<u8>) -> bool {
    match col {
        Col::Str(s, false) => path.is_empty() && s.get(i).is_some_and(|t| test.text(t, scratch)),
        Col::Str(s, true) => {
            let Some(raw) = s.get(i) else { return false };
            if !test.may_match_raw(raw, scratch) {
                return false;
            }
            let tree = json::parse_or_string(raw);
            any_resolved(&tree, path, test, scratch)
        }
        Col::Null => false,
        _ => {
            let tree = col.value(i);
            any_resolved(&tree, path, test, scratch)
        }
    }
}

fn any_resolved(tree: &J<'_>, path: &[Seg], test: &Test, scratch: &mut Vec<u8>) -> bool {
    let mut found = Vec::new();
    resolve(tree, path, &mut found);
    found.into_iter().any(|v| test.json(v, scratch))
}

/// Free text: some leaf of some argument satisfies the term.
#[derive(Debug)]
pub struct FreeTextUdf {
    key: String,
    shapes: Vec<Shape>,
    test: Test,
    sig: Signature,
}
keyed!(FreeTextUdf);

impl FreeTextUdf {
    /// The term `what` over the record's leaf columns `args` (each read with its shape).
    pub fn expr(args: Vec<(Expr, Shape)>, test: Test, what: &str) -> Expr {
        let (exprs, shapes): (Vec<Expr>, Vec<Shape>) = args.into_iter().unzip();
        let key = format!("text[{what}]");
        let udf = FreeTextUdf {
            key,
            shapes,
            test,
            sig: Signature::variadic_any(Volatility::Immutable),
        };
        ScalarUDF::new_from_impl(udf).call(exprs)
    }
}

impl ScalarUDFImpl for FreeTextUdf {
    fn name(&self) -> &str {
        &self.key
    }
    fn signature(&self) -> &Signature {
        &self.sig
    }
    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Boolean)
    }
    /// Column by column: a row already matched is not tested again, and in a string column only
    /// the rows that [`candidate_rows`] finds are tested at all.
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let arrays = arrays(&args)?;
        let mut matched = vec![false; args.number_rows];
        let mut scratch = Vec::new();
        let required = self.test.required_bytes();
        for (array, shape) in arrays.iter().zip(&self.shapes) {
            let col = Col::new(array, *shape);
            let rows: Box<dyn Iterator<Item = usize>> =
                match (&col, required, array.as_string_opt::<i32>()) {
                    (Col::Str(_, json), Some((finder, fold_case)), Some(strings)) => {
                        Box::new(candidate_rows(strings, finder, fold_case, *json).into_iter())
                    }
                    _ => Box::new(0..args.number_rows),
                };
            for i in rows {
                if !matched[i] {
                    matched[i] = row_matches(&col, i, &[], &self.test, &mut scratch);
                }
            }
        }
        Ok(ColumnarValue::Array(Arc::new(BooleanArray::from(matched))))
    }
}

/// The rows of `strings` that may hold `finder`'s bytes (compared lower-cased when `fold_case`),
/// found by searching the column's whole value buffer at once instead of each row in turn: rows
/// with an occurrence inside them and, for JSON text (`json`), rows with a backslash, since an
/// escape may spell the value otherwise. In ascending order.
fn candidate_rows(
    strings: &StringArray,
    finder: &Finder<'_>,
    fold_case: bool,
    json: bool,
) -> Vec<usize> {
    let offsets = strings.value_offsets();
    let base = offsets[0] as usize;
    let end = |row: usize| offsets[row + 1] as usize - base;
    let text = &strings.value_data()[base..offsets[offsets.len() - 1] as usize];
    let folded;
    let hay = if fold_case {
        folded = text.to_ascii_lowercase();
        &folded[..]
    } else {
        text
    };
    // The row whose bytes include position `at`: the last to start at or before it.
    let row_of = |at: usize| offsets.partition_point(|&o| o as usize - base <= at) - 1;
    let mut rows = Vec::new();
    let needle = finder.needle().len();
    let mut pos = 0;
    while let Some(i) = finder.find(&hay[pos..]) {
        let at = pos + i;
        let row = row_of(at);
        if at + needle <= end(row) {
            rows.push(row);
            pos = end(row);
        } else {
            pos = at + 1;
        }
    }
    if json {
        let mut pos = 0;
        while let Some(i) = memchr::memchr(b'\\', &hay[pos..]) {
            let row = row_of(pos + i);
            rows.push(row);
            pos = end(row);
        }
        rows.sort_unstable();
        rows.dedup();
    }
    rows
}

/// The stage value of a path (§3.3) as a JSON literal: null, the value, or an array of values.
#[derive(Debug)]
pub struct ValueUdf {
    key: String,
    shape: Shape,
    path: Vec<Seg>,
    sig: Signature,
}
keyed!(ValueUdf);

impl ValueUdf {
    /// The value that `path` reaches from `arg`.
    pub fn expr(arg: Expr, shape: Shape, path: Vec<Seg>) -> Expr {
        let key = format!("value[{}]", PathText(&path));
        let udf = ValueUdf {
            key,
            shape,
            path,
            sig: Signature::any(1, Volatility::Immutable),
        };
        ScalarUDF::new_from_impl(udf).call(vec![arg])
    }
}

impl ScalarUDFImpl for ValueUdf {
    fn name(&self) -> &str {
        &self.key
    }
    fn signature(&self) -> &Signature {
        &self.sig
    }
    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let arrays = arrays(&args)?;
        let col = Col::new(&arrays[0], self.shape);
        let mut out = StringBuilder::new();
        for i in 0..args.number_rows {
            let tree = col.value(i);
            let mut found = Vec::new();
            resolve(&tree, &self.path, &mut found);
            match stage_value(found) {
                J::Null => out.append_null(),
                v => out.append_value(v.to_json()),
            }
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

/// Conversions between typed columns, JSON literals and display text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Convert {
    /// Any typed value (string, integer, float, boolean) → its JSON literal.
    ToLit,
    /// JSON literal → display text (strings unquoted, containers as JSON).
    Display,
    /// JSON literal → Float64 when it is a number, else null.
    Num,
    /// JSON array literal → its element `n` as a JSON literal.
    Index(usize),
    /// JSON literal → a binary key whose byte order is value order.
    OrderKey,
    /// Event timestamp → `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    EventTime,
    /// Event timestamp → Int64 nanoseconds since the epoch.
    TimeNs,
    /// Several JSON literals → one JSON array literal; null when every part is null.
    Tuple,
}

/// A [`Convert`] as a scalar function.
#[derive(Debug)]
pub struct ConvertUdf {
    key: String,
    mode: Convert,
    sig: Signature,
}
keyed!(ConvertUdf);

/// Applies a conversion to `args`.
pub fn convert(mode: Convert, args: Vec<Expr>) -> Expr {
    let sig = match mode {
        Convert::Tuple => Signature::variadic_any(Volatility::Immutable),
        _ => Signature::any(1, Volatility::Immutable),
    };
    let key = match mode {
        Convert::Index(n) => format!("element_{n}"),
        other => format!("{other:?}").to_ascii_lowercase(),
    };
    ScalarUDF::new_from_impl(ConvertUdf { key, mode, sig }).call(args)
}

impl ScalarUDFImpl for ConvertUdf {
    fn name(&self) -> &str {
        &self.key
    }
    fn signature(&self) -> &Signature {
        &self.sig
    }
    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(match self.mode {
            Convert::Num => DataType::Float64,
            Convert::OrderKey => DataType::Binary,
            Convert::TimeNs => DataType::Int64,
            _ => DataType::Utf8,
        })
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let arrays = arrays(&args)?;
        let n = args.number_rows;
        let out: ArrayRef = match self.mode {
            Convert::ToLit => {
                let col = Col::new(&arrays[0], Shape::Text);
                let bools =
                    (arrays[0].data_type() == &DataType::Boolean).then(|| arrays[0].as_boolean());
                strings(n, |i| match bools {
                    Some(b) => b.is_valid(i).then(|| b.value(i).to_string()),
                    None => match col.value(i) {
                        J::Null => None,
                        v => Some(v.to_json()),
                    },
                })
            }
            Convert::Display => {
                let col = Col::new(&arrays[0], Shape::Json);
                strings(n, |i| col.value(i).display())
            }
            Convert::Index(k) => {
                let col = Col::new(&arrays[0], Shape::Json);
                strings(n, |i| match col.value(i) {
                    J::Arr(items) => items.get(k).filter(|v| **v != J::Null).map(J::to_json),
                    _ => None,
                })
            }
            Convert::Tuple => {
                let cols: Vec<Col<'_>> = arrays.iter().map(|a| Col::new(a, Shape::Json)).collect();
                strings(n, |i| {
                    let parts: Vec<J<'_>> = cols.iter().map(|c| c.value(i)).collect();
                    parts
                        .iter()
                        .any(|p| *p != J::Null)
                        .then(|| J::Arr(parts).to_json())
                })
            }
            Convert::Num => {
                let col = Col::new(&arrays[0], Shape::Json);
                Arc::new(
                    (0..n)
                        .map(|i| col.value(i).as_f64())
                        .collect::<Float64Array>(),
                )
            }
            Convert::OrderKey => {
                let col = Col::new(&arrays[0], Shape::Json);
                let mut b = BinaryBuilder::new();
                for i in 0..n {
                    match order_key(&col.value(i)) {
                        Some(k) => b.append_value(k),
                        None => b.append_null(),
                    }
                }
                Arc::new(b.finish())
            }
            Convert::EventTime | Convert::TimeNs => {
                let millis: Vec<Option<i64>> = match arrays[0].data_type() {
                    DataType::Timestamp(TimeUnit::Millisecond, _) => {
                        let a = arrays[0].as_primitive::<TimestampMillisecondType>();
                        (0..n).map(|i| a.is_valid(i).then(|| a.value(i))).collect()
                    }
                    _ => vec![None; n],
                };
                if self.mode == Convert::TimeNs {
                    Arc::new(
                        millis
                            .iter()
                            .map(|m| m.and_then(|m| m.checked_mul(1_000_000)))
                            .collect::<Int64Array>(),
                    )
                } else {
                    strings(n, |i| {
                        let t = chrono::DateTime::from_timestamp_millis(millis[i]?)?;
                        Some(t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
                    })
                }
            }
        };
        Ok(ColumnarValue::Array(out))
    }
}

fn strings(n: usize, mut f: impl FnMut(usize) -> Option<String>) -> ArrayRef {
    let mut b = StringBuilder::new();
    for i in 0..n {
        match f(i) {
            Some(s) => b.append_value(s),
            None => b.append_null(),
        }
    }
    Arc::new(b.finish())
}

/// A byte key ordered like value order: numbers (numerically) < strings (code points) <
/// arrays < objects. `None` for null.
fn order_key(v: &J<'_>) -> Option<Vec<u8>> {
    let mut key = Vec::new();
    match v {
        J::Null => return None,
        J::Num(n) => {
            let x: f64 = n.parse().unwrap_or(f64::NAN);
            let bits = x.to_bits();
            let ordered = if bits >> 63 == 1 {
                !bits
            } else {
                bits | (1 << 63)
            };
            key.push(1);
            key.extend_from_slice(&ordered.to_be_bytes());
        }
        J::Str(s) => {
            key.push(2);
            key.extend_from_slice(s.as_bytes());
        }
        J::Bool(b) => {
            key.push(2);
            key.extend_from_slice(if *b { b"true" } else { b"false" });
        }
        J::Arr(_) => {
            key.push(3);
            key.extend_from_slice(v.to_json().as_bytes());
        }
        J::Obj(_) => {
            key.push(4);
            key.extend_from_slice(v.to_json().as_bytes());
        }
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidate_rows_are_those_holding_the_bytes_whole() {
        let finder = Finder::new(b"svc");
        let rows = StringArray::from(vec![
            Some("user/legacy_backup_svc"),
            Some("ends with sv"),
            Some("c starts here"),
            None,
            Some(""),
            Some("svc svc svc"),
            Some("SVC"),
        ]);
        // An occurrence across a row boundary ("sv" + "c") belongs to neither row.
        assert_eq!(candidate_rows(&rows, &finder, false, false), [0, 5]);
        assert_eq!(candidate_rows(&rows, &finder, true, false), [0, 5, 6]);
        // A slice sees only its own rows, numbered from its start.
        let sliced = rows.slice(1, 5);
        assert_eq!(candidate_rows(&sliced, &finder, false, false), [4]);
        assert!(candidate_rows(&rows.slice(2, 0), &finder, false, false).is_empty());
    }

    #[test]
    fn json_rows_with_escapes_stay_candidates() {
        let finder = Finder::new(b"svc");
        let rows = StringArray::from(vec![r#"{"a":"\u0073vc"}"#, r#"{"a":"x"}"#, r#"{"svc":1}"#]);
        assert_eq!(candidate_rows(&rows, &finder, false, true), [0, 2]);
        assert_eq!(candidate_rows(&rows, &finder, false, false), [2]);
    }

    #[test]
    fn order_keys_follow_value_order() {
        let vals = ["-2.5", "-1", "0", "3", "10", r#""10""#, r#""B""#, r#""a""#];
        let keys: Vec<Vec<u8>> = vals
            .iter()
            .map(|v| order_key(&json::parse(v).unwrap()).unwrap())
            .collect();
        for w in keys.windows(2) {
            assert!(w[0] < w[1]);
        }
        assert!(order_key(&J::Null).is_none());
    }
}
