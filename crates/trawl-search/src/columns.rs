//! Reading lake columns row by row as the language's values: string columns of any Arrow string
//! type, numbers, and typed nested columns (structs, lists, maps) turned into JSON trees.

use std::borrow::Cow;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Float64Type, Int64Type};
use trawl_schema::{FieldSpec, Kind};

use crate::json::{self, J};

/// Any Arrow string array.
#[derive(Clone, Copy)]
pub enum Strs<'a> {
    /// `Utf8`
    Small(&'a arrow::array::StringArray),
    /// `LargeUtf8`
    Large(&'a arrow::array::LargeStringArray),
    /// `Utf8View`
    View(&'a arrow::array::StringViewArray),
}

impl<'a> Strs<'a> {
    /// The array as strings, if it holds strings.
    pub fn of(array: &'a dyn Array) -> Option<Strs<'a>> {
        match array.data_type() {
            DataType::Utf8 => Some(Strs::Small(array.as_string::<i32>())),
            DataType::LargeUtf8 => Some(Strs::Large(array.as_string::<i64>())),
            DataType::Utf8View => Some(Strs::View(array.as_string_view())),
            _ => None,
        }
    }

    /// Row `i`, or `None` when null.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Strs::Small(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// How a function argument is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// A string leaf (typed text column, table text column).
    Text,
    /// JSON text (a JSON-text column, or a stage value held as a JSON literal).
    Json,
    /// A typed nested column (struct, list, map) described by its schema kind.
    Nested(NestedKind),
    /// A number (Int64/Float64 table column).
    Number,
}

/// A nested schema kind, comparable and hashable.
#[derive(Debug, Clone, Copy)]
pub struct NestedKind(pub Kind);

impl PartialEq for NestedKind {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for NestedKind {}

impl std::hash::Hash for NestedKind {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        format!("{:?}", self.0).hash(state)
    }
}

/// One argument column viewed through its shape.
pub enum Col<'a> {
    /// Strings read as text leaves or JSON text.
    Str(Strs<'a>, bool),
    /// Integers.
    Int(&'a arrow::array::Int64Array),
    /// Floats.
    Float(&'a arrow::array::Float64Array),
    /// Nested typed values.
    Nested(&'a ArrayRef, Kind),
    /// A column of nulls (or of an unusable type).
    Null,
}

impl<'a> Col<'a> {
    /// Views `array` with `shape`.
    pub fn new(array: &'a ArrayRef, shape: Shape) -> Col<'a> {
        match (shape, array.data_type()) {
            (Shape::Nested(k), _) => Col::Nested(array, k.0),
            (_, DataType::Int64) => Col::Int(array.as_primitive::<Int64Type>()),
            (_, DataType::Float64) => Col::Float(array.as_primitive::<Float64Type>()),
            _ => match Strs::of(array.as_ref()) {
                Some(s) => Col::Str(s, shape == Shape::Json),
                None => Col::Null,
            },
        }
    }

    /// Row `i` as a JSON tree (`Null` when the row is null).
    pub fn value(&self, i: usize) -> J<'a> {
        match self {
            Col::Str(s, json) => match s.get(i) {
                None => J::Null,
                Some(t) if *json => json::parse_or_string(t),
                Some(t) => J::Str(Cow::Borrowed(t)),
            },
            Col::Int(a) => {
                if a.is_valid(i) {
                    J::Num(Cow::Owned(a.value(i).to_string()))
                } else {
                    J::Null
                }
            }
            Col::Float(a) => {
                if a.is_valid(i) {
                    json::float_text(a.value(i)).map_or(J::Null, |t| J::Num(Cow::Owned(t)))
                } else {
                    J::Null
                }
            }
            Col::Nested(a, kind) => nested_value(Arc::as_ref(*a), i, *kind),
            Col::Null => J::Null,
        }
    }
}

/// A typed value at row `i` as a JSON tree, keys spelled as CloudTrail writes them.
pub fn nested_value<'a>(array: &'a dyn Array, i: usize, kind: Kind) -> J<'a> {
    if array.is_null(i) {
        return J::Null;
    }
    match kind {
        Kind::Text | Kind::Bool => Strs::of(array)
            .and_then(|s| s.get(i))
            .map_or(J::Null, |t| J::Str(Cow::Borrowed(t))),
        Kind::Json => Strs::of(array)
            .and_then(|s| s.get(i))
            .map_or(J::Null, json::parse_or_string),
        Kind::Struct(fields) => match array.data_type() {
            DataType::Struct(_) => struct_value(array.as_struct(), i, fields),
            _ => J::Null,
        },
        Kind::List(fields) => match array.data_type() {
            DataType::List(_) => {
                let list = array.as_list::<i32>();
                let items = list.value(i);
                let s = items.as_struct_opt();
                match s {
                    Some(s) => J::Arr(
                        (0..s.len())
                            .map(|j| struct_value_owned(s, j, fields))
                            .collect(),
                    ),
                    None => J::Null,
                }
            }
            _ => J::Null,
        },
        Kind::Map => match array.data_type() {
            DataType::Map(..) => {
                let map = array.as_map();
                let start = map.value_offsets()[i] as usize;
                let end = map.value_offsets()[i + 1] as usize;
                let (Some(keys), Some(values)) = (
                    Strs::of(map.keys().as_ref()),
                    Strs::of(map.values().as_ref()),
                ) else {
                    return J::Null;
                };
                J::Obj(
                    (start..end)
                        .filter_map(|j| {
                            let k = keys.get(j)?;
                            Some((
                                Cow::Borrowed(k),
                                values.get(j).map_or(J::Null, |v| J::Str(Cow::Borrowed(v))),
                            ))
                        })
                        .collect(),
                )
            }
            _ => J::Null,
        },
    }
}

fn struct_value<'a>(
    s: &'a arrow::array::StructArray,
    i: usize,
    fields: &'static [FieldSpec],
) -> J<'a> {
    let mut out = Vec::new();
    for spec in fields {
        if let Some(child) = s.column_by_name(spec.name) {
            let v = nested_value(child.as_ref(), i, spec.kind);
            if v != J::Null {
                out.push((Cow::Borrowed(spec.key), v));
            }
        }
    }
    J::Obj(out)
}

/// Like [`struct_value`] for a struct array that only lives as long as this call.
fn struct_value_owned(
    s: &arrow::array::StructArray,
    i: usize,
    fields: &'static [FieldSpec],
) -> J<'static> {
    if s.is_null(i) {
        return J::Null;
    }
    struct_value(s, i, fields).into_owned()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{StringArray, StructArray};
    use arrow::datatypes::{Field, Fields};

    use super::*;

    #[test]
    fn struct_rows_become_objects_with_cloudtrail_keys() {
        const SPEC: &[FieldSpec] = &[
            FieldSpec {
                name: "arn",
                key: "ARN",
                kind: Kind::Text,
            },
            FieldSpec {
                name: "accountid",
                key: "accountId",
                kind: Kind::Text,
            },
        ];
        let s = StructArray::new(
            Fields::from(vec![
                Field::new("arn", DataType::Utf8, true),
                Field::new("accountid", DataType::Utf8, true),
            ]),
            vec![
                Arc::new(StringArray::from(vec![Some("a1")])),
                Arc::new(StringArray::from(vec![None::<&str>])),
            ],
            None,
        );
        assert_eq!(
            nested_value(&s, 0, Kind::Struct(SPEC)).to_json(),
            r#"{"ARN":"a1"}"#
        );
    }
}
