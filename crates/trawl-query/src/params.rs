//! Query parameters: values are bound into the plan, never spliced into SQL text.
//!
//! Markers: `$1`, `$2`, … and `?` (numbered in order of appearance) are positional; `$name`
//! and `:name` are named. Values are bound with DataFusion's [`ParamValues`] after planning, so
//! a value such as `x' OR '1'='1` is only ever data.

use std::collections::BTreeMap;

use datafusion::common::{ParamValues, ScalarValue};

/// Values for a statement's parameter markers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryParams {
    positional: Vec<ScalarValue>,
    named: BTreeMap<String, ScalarValue>,
}

impl QueryParams {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the value of the next positional marker (`$1`, then `$2`, …).
    pub fn push(mut self, value: impl Into<ScalarValue>) -> Self {
        self.positional.push(value.into());
        self
    }

    /// Sets the value of the named marker `$name` / `:name` (names are case-insensitive).
    pub fn set(mut self, name: &str, value: impl Into<ScalarValue>) -> Self {
        self.named.insert(
            name.trim_start_matches(['$', ':']).to_lowercase(),
            value.into(),
        );
        self
    }

    /// Whether no value was given.
    pub fn is_empty(&self) -> bool {
        self.positional.is_empty() && self.named.is_empty()
    }

    /// The values as DataFusion binds them (positional values under the names `1`, `2`, …).
    pub fn to_param_values(&self) -> ParamValues {
        let mut all: Vec<(String, ScalarValue)> = self
            .positional
            .iter()
            .enumerate()
            .map(|(i, v)| ((i + 1).to_string(), v.clone()))
            .collect();
        all.extend(self.named.iter().map(|(k, v)| (k.clone(), v.clone())));
        ParamValues::from(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positional_and_named_share_one_map() {
        let p = QueryParams::new().push("a").set(":User", 7i64);
        let v = p.to_param_values();
        assert_eq!(
            v.get_placeholders_with_values("$1").unwrap().value,
            ScalarValue::from("a")
        );
        assert_eq!(
            v.get_placeholders_with_values("$user").unwrap().value,
            ScalarValue::from(7i64)
        );
        assert!(v.get_placeholders_with_values("$2").is_err());
        assert!(QueryParams::new().is_empty());
    }
}
