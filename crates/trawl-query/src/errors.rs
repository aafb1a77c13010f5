//! Error messages that read like a good engine's: what is wrong, and the nearest real names.
//!
//! [`describe_error`] turns a DataFusion error into one message plus hints. An unknown column
//! gets the nearest column names, nested struct fields included
//! (`useridentity.usrname` → `useridentity.username`); an unknown table lists the lake's
//! tables; DataFusion's internal prefixes are dropped.

use datafusion::arrow::datatypes::{DataType, Fields};
use datafusion::common::{DataFusionError, SchemaError};
use datafusion::sql::sqlparser::parser::ParserError;

use crate::catalog::{Layout, PATH_COLUMN};

/// A readable message for `e`, with hints on following lines.
pub fn describe_error(e: &DataFusionError) -> String {
    let root = e.find_root();
    if let DataFusionError::SchemaError(err, _) = root
        && let SchemaError::FieldNotFound {
            field,
            valid_fields,
        } = err.as_ref()
    {
        let name = match &field.relation {
            Some(q) => format!("{}.{}", q, field.name),
            None => field.name.clone(),
        };
        let mut known: Vec<String> = valid_fields.iter().map(|c| c.name.clone()).collect();
        known.extend(nested_paths(&known));
        // A qualified name may be a struct path (`useridentity.usrname`) or `table.column`.
        let wanted = [name.clone(), field.name.clone()];
        let hints = nearest(&wanted, &known);
        return with_hints(format!("column '{name}' does not exist"), hints);
    }
    if let DataFusionError::SQL(err, _) = root {
        let msg = match err.as_ref() {
            ParserError::ParserError(m) | ParserError::TokenizerError(m) => m.clone(),
            ParserError::RecursionLimitExceeded => "the statement is nested too deeply".to_string(),
        };
        return format!(
            "SQL syntax error: {}",
            msg.trim_start_matches("SQL syntax error: ")
        );
    }
    let text = strip_prefixes(&root.to_string());
    if let Some(field) = text
        .strip_prefix("Field ")
        .and_then(|t| t.strip_suffix(" not found in struct"))
    {
        let known = nested_paths(&top_level_names());
        let hints: Vec<String> = nearest_by_leaf(field, &known);
        return with_hints(format!("struct field '{field}' does not exist"), hints);
    }
    if text.starts_with("table '") && text.ends_with("not found") {
        let tables: Vec<&str> = Layout::ALL.iter().map(|l| l.name()).collect();
        return format!(
            "{text}\nhint: the lake's tables are {} (in the schemas security_analysis and default, also under awsdatacatalog)",
            tables.join(", ")
        );
    }
    if text.contains("Unsupported SQL type") {
        return format!(
            "{text}\nhint: trawl stores JSON as text: use json_parse / json_extract instead of the JSON type"
        );
    }
    text
}

fn with_hints(msg: String, hints: Vec<String>) -> String {
    if hints.is_empty() {
        msg
    } else {
        format!("{msg}\nhint: did you mean {}?", hints.join(", "))
    }
}

/// Removes DataFusion's error-kind prefixes (`Error during planning: ` …).
fn strip_prefixes(s: &str) -> String {
    let mut t = s.trim();
    for p in [
        "Error during planning: ",
        "Execution error: ",
        "Schema error: ",
        "This feature is not implemented: ",
        "SQL error: ",
        "Optimizer rule",
    ] {
        if let Some(rest) = t.strip_prefix(p) {
            t = rest;
        }
    }
    t.to_string()
}

fn top_level_names() -> Vec<String> {
    let mut names: Vec<String> = trawl_schema::lake_schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    names.push(PATH_COLUMN.to_string());
    names
}

/// Dotted paths of every nested struct field under the given top-level columns of the lake.
fn nested_paths(columns: &[String]) -> Vec<String> {
    fn walk(prefix: &str, fields: &Fields, out: &mut Vec<String>) {
        for f in fields {
            let path = format!("{prefix}.{}", f.name());
            out.push(path.clone());
            if let DataType::Struct(children) = f.data_type() {
                walk(&path, children, out);
            }
        }
    }
    let schema = trawl_schema::lake_schema();
    let mut out = Vec::new();
    for c in columns {
        if let Ok(f) = schema.field_with_name(c) {
            match f.data_type() {
                DataType::Struct(children) => walk(c, children, &mut out),
                DataType::List(item) => {
                    if let DataType::Struct(children) = item.data_type() {
                        walk(c, children, &mut out)
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Edit distance between two strings (case-insensitive).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Up to three known names, all at the smallest edit distance from any wanted spelling.
fn nearest(wanted: &[String], known: &[String]) -> Vec<String> {
    let mut scored: Vec<(usize, &String)> = known
        .iter()
        .filter_map(|k| {
            let d = wanted.iter().map(|w| distance(w, k)).min()?;
            let limit = (k.len() / 3).clamp(2, 4);
            (d <= limit).then_some((d, k))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    let best = scored.first().map_or(0, |s| s.0);
    scored
        .into_iter()
        .filter(|s| s.0 == best)
        .take(3)
        .map(|(_, k)| k.clone())
        .collect()
}

/// Known paths whose last part is close to `leaf`.
fn nearest_by_leaf(leaf: &str, known: &[String]) -> Vec<String> {
    let mut scored: Vec<(usize, &String)> = known
        .iter()
        .filter_map(|k| {
            let last = k.rsplit('.').next().unwrap_or(k);
            let d = distance(leaf, last);
            (d <= (last.len() / 3).clamp(1, 3)).then_some((d, k))
        })
        .collect();
    // Closest first; among equals, the shallowest path.
    scored.sort_by_key(|(d, k)| (*d, k.matches('.').count(), (*k).clone()));
    scored.into_iter().take(3).map(|(_, k)| k.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::common::Column;

    fn not_found(qualifier: Option<&str>, name: &str, valid: &[&str]) -> DataFusionError {
        DataFusionError::SchemaError(
            Box::new(SchemaError::FieldNotFound {
                field: Box::new(Column::new(qualifier, name)),
                valid_fields: valid
                    .iter()
                    .map(|v| Column::new(Some("cloudtrail"), *v))
                    .collect(),
            }),
            Box::new(None),
        )
    }

    #[test]
    fn suggests_columns_and_nested_fields() {
        let msg = describe_error(&not_found(
            None,
            "evntname",
            &["eventname", "eventtime", "useridentity"],
        ));
        assert_eq!(
            msg,
            "column 'evntname' does not exist\nhint: did you mean eventname?"
        );
        let msg = describe_error(&not_found(
            Some("useridentity"),
            "usrname",
            &["eventname", "useridentity"],
        ));
        assert!(msg.contains("did you mean useridentity.username"), "{msg}");
        let msg = describe_error(&not_found(None, "zzzzzzzz", &["eventname"]));
        assert_eq!(msg, "column 'zzzzzzzz' does not exist");
    }

    #[test]
    fn struct_fields_tables_and_prefixes() {
        let e = DataFusionError::Plan("Field usrname not found in struct".into());
        let msg = describe_error(&e);
        assert!(msg.contains("useridentity.username"), "{msg}");
        let e = DataFusionError::Plan(
            "table 'datafusion.security_analysis.cloudtrial' not found".into(),
        );
        assert!(describe_error(&e).contains("cloudtrail, cloudtrail_logs, cloudtrail_logs_pp"));
        let e = DataFusionError::Execution("boom".into());
        assert_eq!(describe_error(&e), "boom");
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "ab"), 2);
        assert_eq!(distance("ABC", "abc"), 0);
    }
}
