//! The Presto/Athena function pack: scalar UDFs registered under their Presto names.
//!
//! Each family lives in its own module and declares its functions as [`support::Spec`]s.
//! Functions DataFusion already implements with Athena's semantics (`regexp_like`,
//! `cardinality`, `array_join`, `approx_distinct`, `date_trunc`, `lower`, `strpos`, ...) are
//! left as they are and covered by the sqllogictest suite. Aggregates and the functions Athena
//! defines as syntax sugar (`if`, `count_if`, `arbitrary`, `max_by`, `date`, `hour`, ...) are
//! AST rewrites (see [`crate::rewrite`]).

pub(crate) mod arrays;
pub(crate) mod clock;
pub(crate) mod datetime;
pub(crate) mod ip;
pub(crate) mod json;
pub(crate) mod jsonpath;
pub(crate) mod strings;
pub(crate) mod support;

use datafusion::logical_expr::ScalarUDF;

pub use ip::{format_ip, ip_type, parse_ip};

fn specs() -> impl Iterator<Item = &'static support::Spec> {
    [
        json::SPECS,
        datetime::SPECS,
        strings::SPECS,
        arrays::SPECS,
        ip::SPECS,
    ]
    .into_iter()
    .flatten()
}

/// Every scalar UDF of the pack (fallible functions also in their NULL-on-error variant).
pub fn scalar_udfs() -> Vec<ScalarUDF> {
    specs().flat_map(|s| support::PrestoUdf::udfs(*s)).collect()
}

/// Name of the NULL-on-error variant of `name`, when trawl has one (used by `try(...)`).
pub(crate) fn try_variant(name: &str) -> Option<String> {
    specs()
        .find(|s| s.fallible && s.name == name)
        .map(|s| support::try_name(s.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_lower_case() {
        let udfs = scalar_udfs();
        let mut names: Vec<&str> = udfs.iter().map(|u| u.name()).collect();
        assert!(names.iter().all(|n| *n == n.to_ascii_lowercase()));
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
        assert_eq!(
            try_variant("json_parse").as_deref(),
            Some("__try_json_parse")
        );
        assert_eq!(try_variant("json_format"), None);
        assert_eq!(try_variant("no_such_fn"), None);
    }
}
