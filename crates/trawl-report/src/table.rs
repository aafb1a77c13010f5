//! Reading result batches: column lookup, cell text, numbers.

use arrow::array::{Array, ArrayRef, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use arrow::error::ArrowError;
use arrow::util::display::{ArrayFormatter, FormatOptions};

/// Finds a column by name: the exact name, else the single name equal ignoring ASCII case, else
/// the single column whose last path segment matches (`arn` finds `userIdentity.arn`,
/// `useridentity.arn` and DataFusion's `cloudtrail.useridentity[arn]`).
pub fn find_column(batch: &RecordBatch, name: &str) -> Option<usize> {
    let schema = batch.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    if let Some(i) = names.iter().position(|n| *n == name) {
        return Some(i);
    }
    let single = |pred: &dyn Fn(&str) -> bool| {
        let mut hits = names.iter().enumerate().filter(|(_, n)| pred(n));
        match (hits.next(), hits.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    };
    single(&|n| n.eq_ignore_ascii_case(name)).or_else(|| {
        let wanted = last_segment(name);
        single(&|n| last_segment(n).eq_ignore_ascii_case(wanted))
    })
}

/// The last segment of a column name: after the last `.`, or inside a trailing `[…]`.
fn last_segment(name: &str) -> &str {
    if let Some(inner) = name.strip_suffix(']')
        && let Some(open) = inner.rfind('[')
    {
        return inner[open + 1..].trim_matches(|c| c == '\'' || c == '"');
    }
    name.rsplit('.').next().unwrap_or(name)
}

/// Names of a batch's columns.
pub fn column_names(batch: &RecordBatch) -> Vec<String> {
    batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

/// The text of every cell of `array` (`None` for nulls), as Arrow displays it.
pub fn cell_texts(array: &dyn Array) -> Result<Vec<Option<String>>, ArrowError> {
    let options = FormatOptions::default();
    let formatter = ArrayFormatter::try_new(array, &options)?;
    Ok((0..array.len())
        .map(|i| (!array.is_null(i)).then(|| formatter.value(i).to_string()))
        .collect())
}

/// The value of every cell of a numeric `array` as `f64` (`None` for nulls), or an error naming
/// the type when the column is not numeric.
pub fn numbers(array: &ArrayRef) -> Result<Vec<Option<f64>>, String> {
    if !array.data_type().is_numeric() {
        return Err(format!("is {}, not a number", array.data_type()));
    }
    let floats = cast(array, &DataType::Float64).map_err(|e| e.to_string())?;
    let floats = floats
        .as_any()
        .downcast_ref::<arrow::array::Float64Array>()
        .ok_or_else(|| "could not be read as numbers".to_string())?;
    Ok(floats.iter().collect())
}

/// Formats a count or measure: integers without decimals, others with up to two.
pub fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Int64Array, StringArray};

    use super::*;

    fn batch(names: &[&str]) -> RecordBatch {
        let cols: Vec<(&str, ArrayRef)> = names
            .iter()
            .map(|n| (*n, Arc::new(StringArray::from(vec!["x"])) as ArrayRef))
            .collect();
        RecordBatch::try_from_iter(cols).unwrap()
    }

    #[test]
    fn column_lookup_exact_case_and_last_segment() {
        let b = batch(&["cloudtrail.useridentity[arn]", "total"]);
        assert_eq!(find_column(&b, "total"), Some(1));
        assert_eq!(find_column(&b, "TOTAL"), Some(1));
        assert_eq!(find_column(&b, "arn"), Some(0));
        assert_eq!(find_column(&b, "userIdentity.arn"), Some(0));
        let b = batch(&["userIdentity.arn", "userArn"]);
        assert_eq!(find_column(&b, "userIdentity.arn"), Some(0));
        assert_eq!(find_column(&b, "userarn"), Some(1));
        let ambiguous = batch(&["a.arn", "b.arn"]);
        assert_eq!(find_column(&ambiguous, "arn"), None);
    }

    #[test]
    fn numbers_and_texts() {
        let ints: ArrayRef = Arc::new(Int64Array::from(vec![Some(3), None]));
        assert_eq!(numbers(&ints).unwrap(), [Some(3.0), None]);
        let text: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), None]));
        assert!(numbers(&text).unwrap_err().contains("not a number"));
        assert_eq!(cell_texts(&text).unwrap(), [Some("a".to_string()), None]);
        assert_eq!(format_number(12.0), "12");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(1.0 / 3.0), "0.33");
    }
}
