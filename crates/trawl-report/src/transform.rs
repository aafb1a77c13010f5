//! Applying a step's [`Transform`]s to its result (what the notebooks do in pandas).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
};
use arrow::compute::filter_record_batch;
use arrow::datatypes::{DataType, Field, Schema};

use crate::error::{Error, Result};
use crate::playbook::Transform;
use crate::table::{cell_texts, column_names, find_column, numbers};

/// Applies `transforms` in order to `batch`, the result of step `step`.
///
/// A result without columns (an engine may return no batch at all for an empty result) stays
/// as it is: there is nothing to derive from.
pub fn apply(step: &str, batch: RecordBatch, transforms: &[Transform]) -> Result<RecordBatch> {
    transforms.iter().try_fold(batch, |batch, t| {
        if batch.num_columns() == 0 {
            return Ok(batch);
        }
        let ctx = Ctx {
            step,
            batch: &batch,
            op: t,
        };
        match t {
            Transform::Split {
                column,
                from,
                separator,
                index,
            } => {
                let source = ctx.texts(from)?;
                let values: StringArray = source
                    .iter()
                    .map(|v| {
                        v.as_deref()
                            .and_then(|s| s.split(separator.as_str()).nth(*index))
                    })
                    .collect();
                ctx.with_column(column, Arc::new(values))
            }
            Transform::Format {
                column,
                template,
                null,
            } => {
                let mut cache: HashMap<String, Vec<Option<String>>> = HashMap::new();
                for name in template.fields() {
                    cache.insert(name.to_string(), ctx.texts(name)?);
                }
                let values: StringArray = (0..batch.num_rows())
                    .map(|row| {
                        template
                            .render::<()>(null.as_deref(), |name| Ok(cache[name][row].clone()))
                            .unwrap_or_default()
                    })
                    .collect();
                ctx.with_column(column, Arc::new(values))
            }
            Transform::Filter {
                column,
                is_null,
                one_of,
            } => {
                let values = ctx.texts(column)?;
                let mask: BooleanArray = values
                    .iter()
                    .map(|v| {
                        Some(match (is_null, one_of) {
                            (Some(want_null), _) => v.is_none() == *want_null,
                            (None, Some(set)) => v.as_ref().is_some_and(|v| set.contains(v)),
                            (None, None) => true,
                        })
                    })
                    .collect();
                filter_record_batch(&batch, &mask).map_err(|source| Error::Arrow {
                    step: step.into(),
                    source,
                })
            }
            Transform::Group {
                by,
                sum,
                keep_null_keys,
            } => ctx.group(by, sum, *keep_null_keys),
        }
    })
}

struct Ctx<'a> {
    step: &'a str,
    batch: &'a RecordBatch,
    op: &'a Transform,
}

impl Ctx<'_> {
    fn column(&self, name: &str) -> Result<&ArrayRef> {
        find_column(self.batch, name)
            .map(|i| self.batch.column(i))
            .ok_or_else(|| Error::UnknownColumn {
                step: self.step.to_string(),
                context: format!("transform `{}`", self.op),
                column: name.to_string(),
                available: column_names(self.batch),
            })
    }

    fn texts(&self, name: &str) -> Result<Vec<Option<String>>> {
        cell_texts(self.column(name)?).map_err(|source| Error::Arrow {
            step: self.step.into(),
            source,
        })
    }

    /// Appends `name`, or replaces the column of that exact name in place.
    fn with_column(&self, name: &str, values: ArrayRef) -> Result<RecordBatch> {
        let schema = self.batch.schema();
        let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
        let mut columns = self.batch.columns().to_vec();
        let field = Field::new(name, values.data_type().clone(), true);
        match fields.iter().position(|f| f.name() == name) {
            Some(i) => {
                fields[i] = field;
                columns[i] = values;
            }
            None => {
                fields.push(field);
                columns.push(values);
            }
        }
        RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(|source| {
            Error::Arrow {
                step: self.step.into(),
                source,
            }
        })
    }

    fn group(&self, by: &[String], sum: &str, keep_null_keys: bool) -> Result<RecordBatch> {
        let keys: Vec<Vec<Option<String>>> =
            by.iter().map(|k| self.texts(k)).collect::<Result<_>>()?;
        let value_col = self.column(sum)?;
        let integral = value_col.data_type().is_integer();
        let values = numbers(value_col).map_err(|e| Error::Step {
            step: self.step.into(),
            message: format!("transform `{}`: column `{sum}` {e}", self.op),
        })?;
        let mut groups: Vec<(Vec<Option<String>>, f64)> = Vec::new();
        let mut index: HashMap<Vec<Option<String>>, usize> = HashMap::new();
        for (row, value) in values.iter().enumerate() {
            let key: Vec<Option<String>> = keys.iter().map(|k| k[row].clone()).collect();
            if !keep_null_keys && key.iter().any(Option::is_none) {
                continue;
            }
            let slot = *index.entry(key.clone()).or_insert_with(|| {
                groups.push((key, 0.0));
                groups.len() - 1
            });
            groups[slot].1 += value.unwrap_or(0.0);
        }
        groups.sort_by(|(ka, a), (kb, b)| {
            b.partial_cmp(a)
                .unwrap_or(Ordering::Equal)
                .then_with(|| ka.cmp(kb))
        });
        let mut fields = Vec::new();
        let mut columns: Vec<ArrayRef> = Vec::new();
        for (i, name) in by.iter().enumerate() {
            fields.push(Field::new(name, DataType::Utf8, true));
            columns.push(Arc::new(
                groups
                    .iter()
                    .map(|(k, _)| k[i].clone())
                    .collect::<StringArray>(),
            ));
        }
        let sums = groups.iter().map(|(_, v)| *v);
        if integral {
            fields.push(Field::new(sum, DataType::Int64, false));
            columns.push(Arc::new(sums.map(|v| v as i64).collect::<Int64Array>()));
        } else {
            fields.push(Field::new(sum, DataType::Float64, false));
            columns.push(Arc::new(sums.collect::<Float64Array>()));
        }
        RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(|source| {
            Error::Arrow {
                step: self.step.into(),
                source,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Template;

    fn strings(b: &RecordBatch, name: &str) -> Vec<Option<String>> {
        cell_texts(b.column(find_column(b, name).unwrap())).unwrap()
    }

    fn errors() -> RecordBatch {
        RecordBatch::try_from_iter([
            (
                "userIdentity.arn",
                Arc::new(StringArray::from(vec![
                    Some("arn:aws:iam::1:user/alice"),
                    Some("arn:aws:sts::1:assumed-role/Deployer/bob"),
                    Some("arn:aws:iam::1:root"),
                    Some("arn:aws:iam::1:user/alice"),
                ])) as ArrayRef,
            ),
            (
                "errorCode",
                Arc::new(StringArray::from(vec![
                    Some("AccessDenied"),
                    None,
                    Some("AccessDenied"),
                    Some("AccessDenied"),
                ])) as ArrayRef,
            ),
            (
                "@q.count",
                Arc::new(Int64Array::from(vec![2, 7, 9, 3])) as ArrayRef,
            ),
        ])
        .unwrap()
    }

    #[test]
    fn split_takes_the_indexed_part_like_pandas() {
        let t = [Transform::Split {
            column: "name".into(),
            from: "userIdentity.arn".into(),
            separator: "/".into(),
            index: 1,
        }];
        let out = apply("s", errors(), &t).unwrap();
        assert_eq!(
            strings(&out, "name"),
            [
                Some("alice".into()),
                Some("Deployer".into()),
                None,
                Some("alice".into())
            ]
        );
    }

    #[test]
    fn format_filter_and_group() {
        let t = [
            Transform::Split {
                column: "name".into(),
                from: "userIdentity.arn".into(),
                separator: "/".into(),
                index: 1,
            },
            Transform::Filter {
                column: "errorCode".into(),
                is_null: Some(false),
                one_of: None,
            },
            Transform::Group {
                by: vec!["name".into(), "errorCode".into()],
                sum: "@q.count".into(),
                keep_null_keys: false,
            },
            Transform::Format {
                column: "label".into(),
                template: Template::parse("{name} - {errorCode}").unwrap(),
                null: None,
            },
        ];
        let out = apply("s", errors(), &t).unwrap();
        // root has no name (dropped as a null key), bob's row has no error (filtered out).
        assert_eq!(
            strings(&out, "label"),
            [Some("alice - AccessDenied".into())]
        );
        assert_eq!(strings(&out, "@q.count"), [Some("5".into())]);
        assert_eq!(out.schema().field(2).data_type(), &DataType::Int64);
    }

    #[test]
    fn group_sorts_by_sum_then_keys_and_can_keep_null_keys() {
        let t = [
            Transform::Split {
                column: "name".into(),
                from: "userIdentity.arn".into(),
                separator: "/".into(),
                index: 1,
            },
            Transform::Group {
                by: vec!["name".into()],
                sum: "@q.count".into(),
                keep_null_keys: true,
            },
        ];
        let out = apply("s", errors(), &t).unwrap();
        assert_eq!(
            strings(&out, "name"),
            [None, Some("Deployer".into()), Some("alice".into())]
        );
        assert_eq!(
            strings(&out, "@q.count"),
            [Some("9".into()), Some("7".into()), Some("5".into())]
        );
    }

    #[test]
    fn filter_in_and_null_text() {
        let t = [
            Transform::Filter {
                column: "errorCode".into(),
                is_null: Some(true),
                one_of: None,
            },
            Transform::Format {
                column: "x".into(),
                template: Template::parse("{errorCode}!").unwrap(),
                null: Some("(none)".into()),
            },
        ];
        let out = apply("s", errors(), &t).unwrap();
        assert_eq!(strings(&out, "x"), [Some("(none)!".into())]);
        let t = [Transform::Filter {
            column: "userIdentity.arn".into(),
            is_null: None,
            one_of: Some(vec!["arn:aws:iam::1:root".into()]),
        }];
        assert_eq!(apply("s", errors(), &t).unwrap().num_rows(), 1);
    }

    #[test]
    fn unknown_column_names_the_step_and_the_columns() {
        let t = [Transform::Filter {
            column: "nope".into(),
            is_null: Some(true),
            one_of: None,
        }];
        let e = apply("2.5", errors(), &t).unwrap_err().to_string();
        assert!(
            e.starts_with("step 2.5: transform `keep rows where nope is null` names column `nope`"),
            "{e}"
        );
        assert!(e.contains("userIdentity.arn, errorCode, @q.count"), "{e}");
    }

    #[test]
    fn a_result_without_columns_passes_through() {
        let empty = RecordBatch::new_empty(Arc::new(Schema::empty()));
        let t = [Transform::Group {
            by: vec!["a".into()],
            sum: "b".into(),
            keep_null_keys: false,
        }];
        assert_eq!(apply("s", empty, &t).unwrap().num_rows(), 0);
    }
}
