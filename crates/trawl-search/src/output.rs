//! Event rows back to JSON: the CloudTrail record as CloudTrail spells it, plus the columns
//! that `eval`/`rename` added.

use std::borrow::Cow;

use arrow::array::RecordBatch;
use trawl_schema::{Kind, RECORD_FIELDS, system};

use crate::columns::{Col, Shape, nested_value};
use crate::json::J;

/// One JSON object (compact text) per row of an event result: record keys in schema order
/// (JSON-text columns inlined, `'true'`/`'false'` columns as booleans, `_extra` keys merged),
/// then the `added` columns (see [`crate::SearchPlan::added_columns`]).
pub fn events_to_json(batch: &RecordBatch, added: &[String]) -> Vec<String> {
    let schema = batch.schema();
    let column = |name: &str| schema.index_of(name).ok().map(|i| batch.column(i));
    let extra = column(system::EXTRA);
    let added_cols: Vec<_> = added
        .iter()
        .filter_map(|n| column(n).map(|c| (n, c)))
        .collect();
    (0..batch.num_rows())
        .map(|row| {
            let mut fields: Vec<(Cow<'_, str>, J<'_>)> = Vec::new();
            for spec in RECORD_FIELDS {
                let Some(array) = column(spec.name) else {
                    continue;
                };
                let v = match (spec.kind, nested_value(array.as_ref(), row, spec.kind)) {
                    (Kind::Bool, J::Str(s)) if s == "true" || s == "false" => J::Bool(s == "true"),
                    (_, v) => v,
                };
                if v != J::Null {
                    fields.push((Cow::Borrowed(spec.key), v));
                }
            }
            if let Some(J::Obj(more)) = extra.map(|e| Col::new(e, Shape::Json).value(row)) {
                for (k, v) in more {
                    if !fields.iter().any(|(f, _)| *f == k) {
                        fields.push((k, v));
                    }
                }
            }
            for (name, array) in &added_cols {
                let v = Col::new(array, Shape::Text).value(row);
                fields.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
                fields.push((Cow::Borrowed(name.as_str()), v));
            }
            J::Obj(fields).to_json()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};

    use super::*;
    use crate::json;

    #[test]
    fn records_come_back_with_cloudtrail_keys() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("eventname", DataType::Utf8, true),
            Field::new("readonly", DataType::Utf8, true),
            Field::new("requestparameters", DataType::Utf8, true),
            Field::new("_extra", DataType::Utf8, true),
            Field::new("who", DataType::Utf8, true),
        ]));
        let col = |v: &str| Arc::new(StringArray::from(vec![Some(v)])) as ArrayRef;
        let batch = RecordBatch::try_new(
            schema,
            vec![
                col("GetObject"),
                col("true"),
                col(r#"{"b":1.50,"a":2}"#),
                col(r#"{"custom":[1]}"#),
                col("x"),
            ],
        )
        .unwrap();
        assert_eq!(
            events_to_json(&batch, &["who".to_string()]),
            vec![
                r#"{"eventName":"GetObject","requestParameters":{"b":1.50,"a":2},"readOnly":true,"custom":[1],"who":"x"}"#
            ]
        );
        assert!(json::parse(&events_to_json(&batch, &[])[0]).is_some());
    }
}
