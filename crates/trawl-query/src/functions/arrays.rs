//! `element_at` and `contains` with Athena's type-directed meanings.
//!
//! - `element_at(array, i)`: 1-based; a negative `i` counts from the end; past either end →
//!   NULL; `i = 0` is an error. `element_at(map, key)`: the value, or NULL.
//! - `contains(array, x)`: true if found; NULL if not found and the array holds a NULL; else
//!   false. `contains(cidr, ipaddress)`: CIDR membership (`contains('10.0.0.0/8', ip)`).
//!   `contains(varchar, varchar)` keeps DataFusion's substring test (Athena has no such
//!   overload, so no Athena query changes meaning).
//!
//! cardinality and array_join behave as in Athena already and are DataFusion's own.

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanBuilder, Int64Builder};
use datafusion::arrow::compute::{cast, take};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, ScalarValue, exec_err, plan_err};

use super::ip::{IP_WIDTH, in_cidr, parse_cidr};
use super::support::{Arg, OnError, Spec, arc, ints, strings};

/// The array/map functions of this module.
pub(crate) const SPECS: &[Spec] = &[
    Spec {
        name: "element_at",
        args: &[Arg::Any, Arg::Any],
        optional: 0,
        ret: element_at_type,
        kernel: element_at,
        fallible: true,
    },
    Spec {
        name: "contains",
        args: &[Arg::Any, Arg::Any],
        optional: 0,
        ret: contains_type,
        kernel: contains,
        fallible: true,
    },
];

fn element_at_type(t: &[DataType]) -> Result<DataType> {
    match t.first() {
        Some(DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _)) => {
            Ok(f.data_type().clone())
        }
        Some(DataType::Map(entries, _)) => match entries.data_type() {
            DataType::Struct(fields) if fields.len() == 2 => Ok(fields[1].data_type().clone()),
            other => plan_err!("element_at: unexpected map entries type {other}"),
        },
        Some(DataType::Null) => Ok(DataType::Null),
        Some(other) => {
            plan_err!("element_at expects an array or a map as its first argument, got {other}")
        }
        None => plan_err!("element_at takes 2 arguments"),
    }
}

fn is_str(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
    )
}

fn contains_type(t: &[DataType]) -> Result<DataType> {
    match (t.first(), t.get(1)) {
        (
            Some(DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _)),
            Some(_),
        ) => Ok(DataType::Boolean),
        (Some(a), Some(DataType::FixedSizeBinary(IP_WIDTH))) if is_str(a) => Ok(DataType::Boolean),
        (Some(a), Some(b)) if is_str(a) && is_str(b) => Ok(DataType::Boolean),
        (Some(a), Some(b)) => plan_err!(
            "contains expects (array, value) or (cidr varchar, ipaddress), got ({a}, {b})"
        ),
        _ => plan_err!("contains takes 2 arguments"),
    }
}

/// A list-like array as `List` (i32 offsets).
fn as_list(a: &ArrayRef) -> Result<ArrayRef> {
    match a.data_type() {
        DataType::List(_) => Ok(a.clone()),
        DataType::LargeList(f) | DataType::FixedSizeList(f, _) => {
            Ok(cast(a, &DataType::List(f.clone()))?)
        }
        other => exec_err!("expected an array, got {other}"),
    }
}

fn element_at(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    if let DataType::Map(_, _) = args[0].data_type() {
        return map_value(&args[0], &args[1]);
    }
    if args[0].data_type().is_null() {
        return Ok(args[0].clone());
    }
    let list = as_list(&args[0])?;
    let list = list.as_list::<i32>();
    let idx = ints(&args[1])?;
    let mut take_idx = Int64Builder::with_capacity(list.len());
    for r in 0..list.len() {
        if list.is_null(r) || idx.is_null(r) {
            take_idx.append_null();
            continue;
        }
        let (start, end) = (
            list.value_offsets()[r] as i64,
            list.value_offsets()[r + 1] as i64,
        );
        let len = end - start;
        let i = idx.value(r);
        let pos = match i {
            0 => {
                on_error.row::<()>("element_at", Err("SQL array indices start at 1".into()))?;
                None
            }
            i if i > 0 && i <= len => Some(start + i - 1),
            i if i < 0 && -i <= len => Some(end + i),
            _ => None,
        };
        take_idx.append_option(pos);
    }
    Ok(take(list.values().as_ref(), &take_idx.finish(), None)?)
}

fn map_value(map: &ArrayRef, key: &ArrayRef) -> Result<ArrayRef> {
    let map = map.as_map();
    let keys = map.keys();
    let key = cast(key, keys.data_type())?;
    let mut take_idx = Int64Builder::with_capacity(map.len());
    for r in 0..map.len() {
        if map.is_null(r) || key.is_null(r) {
            take_idx.append_null();
            continue;
        }
        let want = ScalarValue::try_from_array(&key, r)?;
        let (start, end) = (
            map.value_offsets()[r] as usize,
            map.value_offsets()[r + 1] as usize,
        );
        let mut found = None;
        for j in start..end {
            if ScalarValue::try_from_array(keys, j)? == want {
                found = Some(j as i64);
                break;
            }
        }
        take_idx.append_option(found);
    }
    Ok(take(map.values().as_ref(), &take_idx.finish(), None)?)
}

fn contains(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    match (args[0].data_type(), args[1].data_type()) {
        (DataType::FixedSizeBinary(_), _) | (_, DataType::FixedSizeBinary(_)) => {
            contains_cidr(args, on_error)
        }
        (a, _) if is_str(a) => {
            let (s, sub) = (strings(&args[0])?, strings(&args[1])?);
            let out: datafusion::arrow::array::BooleanArray = s
                .iter()
                .zip(sub.iter())
                .map(|(s, x)| Some(s?.contains(x?)))
                .collect();
            Ok(arc(out))
        }
        _ => contains_element(args),
    }
}

fn contains_element(args: &[ArrayRef]) -> Result<ArrayRef> {
    let list = as_list(&args[0])?;
    let list = list.as_list::<i32>();
    let values = list.values();
    let needle = cast(&args[1], values.data_type())?;
    let mut out = BooleanBuilder::with_capacity(list.len());
    for r in 0..list.len() {
        if list.is_null(r) || needle.is_null(r) {
            out.append_null();
            continue;
        }
        let want = ScalarValue::try_from_array(&needle, r)?;
        let (start, end) = (
            list.value_offsets()[r] as usize,
            list.value_offsets()[r + 1] as usize,
        );
        let (mut found, mut saw_null) = (false, false);
        for j in start..end {
            if values.is_null(j) {
                saw_null = true;
            } else if ScalarValue::try_from_array(values, j)? == want {
                found = true;
                break;
            }
        }
        out.append_option(if found {
            Some(true)
        } else if saw_null {
            None
        } else {
            Some(false)
        });
    }
    Ok(arc(out.finish()))
}

fn contains_cidr(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let cidrs = strings(&args[0])?;
    let ips = args[1].as_fixed_size_binary();
    let mut out = BooleanBuilder::with_capacity(cidrs.len());
    for r in 0..cidrs.len() {
        if cidrs.is_null(r) || ips.is_null(r) {
            out.append_null();
            continue;
        }
        let hit = parse_cidr(cidrs.value(r)).map(|(net, p)| in_cidr(&net, p, ips.value(r)));
        out.append_option(on_error.row("contains", hit)?);
    }
    Ok(arc(out.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Int64Array, ListArray, StringArray};
    use datafusion::arrow::datatypes::Int64Type;

    fn list() -> ArrayRef {
        arc(ListArray::from_iter_primitive::<Int64Type, _, _>(vec![
            Some(vec![Some(10), Some(20), Some(30)]),
            Some(vec![Some(1), None]),
            None,
            Some(vec![]),
        ]))
    }

    fn at(i: i64) -> Vec<Option<i64>> {
        let idx = arc(Int64Array::from(vec![i; 4]));
        let out = element_at(&[list(), idx], OnError::Fail).unwrap();
        out.as_primitive::<Int64Type>().iter().collect()
    }

    #[test]
    fn element_at_counts_from_both_ends() {
        assert_eq!(at(1), vec![Some(10), Some(1), None, None]);
        assert_eq!(at(-1), vec![Some(30), None, None, None]);
        assert_eq!(at(-3), vec![Some(10), None, None, None]);
        assert_eq!(at(4), vec![None, None, None, None]);
        let zero = arc(Int64Array::from(vec![0; 4]));
        assert!(element_at(&[list(), zero.clone()], OnError::Fail).is_err());
        assert_eq!(
            element_at(&[list(), zero], OnError::Null)
                .unwrap()
                .null_count(),
            4
        );
    }

    #[test]
    fn contains_has_the_null_rule() {
        let x = arc(Int64Array::from(vec![20, 5, 1, 1]));
        let out = contains(&[list(), x], OnError::Fail).unwrap();
        let v: Vec<Option<bool>> = out.as_boolean().iter().collect();
        assert_eq!(v, vec![Some(true), None, None, Some(false)]);
    }

    #[test]
    fn contains_tests_cidr_membership() {
        let cidr = arc(StringArray::from(vec!["10.0.0.0/8", "10.0.0.0/8"]));
        let ips = super::super::ip::SPECS[0].kernel;
        let ip = ips(
            &[arc(StringArray::from(vec!["10.1.2.3", "192.168.0.1"]))],
            OnError::Fail,
        )
        .unwrap();
        let out = contains(&[cidr, ip], OnError::Fail).unwrap();
        let v: Vec<Option<bool>> = out.as_boolean().iter().collect();
        assert_eq!(v, vec![Some(true), Some(false)]);
    }
}
