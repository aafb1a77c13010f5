//! Which statements trawl runs, and what it says about the Athena ones it does not.
//!
//! SELECT, WITH, EXPLAIN, SHOW, DESCRIBE and SET run. Athena's table-management statements are
//! answered with what trawl does instead: partitions are discovered (no `MSCK REPAIR TABLE`,
//! no `ALTER TABLE … ADD PARTITION`), the catalog is fixed (no `CREATE EXTERNAL TABLE`), and the
//! lake is read-only (no CTAS, `INSERT`, `DROP`, …; export results with
//! `trawl sql --format parquet --output FILE`). With `read_only = false`, DataFusion's own
//! CREATE / INSERT / COPY run against the session (never against the lake's files).

use datafusion::common::{DataFusionError, Result};

const READ_ONLY: &str = "the trawl lake is read-only; to keep a query's result, export it with `trawl sql --format parquet --output FILE` (or csv/json)";
const DISCOVERED: &str = "trawl discovers partitions from the lake's manifest, so there is nothing to add or repair: query the tables directly (cloudtrail, cloudtrail_logs, cloudtrail_logs_pp)";
const FIXED_CATALOG: &str = "trawl's catalog is fixed: the lake is already registered as cloudtrail, cloudtrail_logs and cloudtrail_logs_pp in the schemas security_analysis and default (also under awsdatacatalog), so skip the table-creation step";

/// Checks a statement by its leading words (lower-case) before it is parsed, so Athena-only
/// syntax gets a useful answer rather than a parse error.
pub(crate) fn check(words: &[String], read_only: bool) -> Result<()> {
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let refuse = |what: &str, why: &str| {
        Err(DataFusionError::Plan(format!(
            "{what} is not supported: {why}"
        )))
    };
    match (w(0), w(1), w(2)) {
        ("msck", _, _) => refuse("MSCK REPAIR TABLE", DISCOVERED),
        ("alter", "table", _) => refuse("ALTER TABLE", DISCOVERED),
        ("create", "external", _) if read_only => refuse("CREATE EXTERNAL TABLE", FIXED_CATALOG),
        ("create", "database" | "schema", _) if read_only => {
            refuse("CREATE DATABASE", FIXED_CATALOG)
        }
        ("create", "table", _) | ("create", "or", _) if read_only => {
            let what = if words.iter().any(|x| x == "select") {
                "CREATE TABLE AS SELECT"
            } else {
                "CREATE TABLE"
            };
            refuse(what, READ_ONLY)
        }
        ("create", "view", _) | ("create", "temporary", _) if read_only => {
            refuse("CREATE VIEW", READ_ONLY)
        }
        (
            "insert" | "delete" | "update" | "merge" | "drop" | "truncate" | "unload" | "vacuum"
            | "optimize" | "copy",
            _,
            _,
        ) if read_only => refuse(&w(0).to_ascii_uppercase(), READ_ONLY),
        ("unload" | "vacuum" | "optimize", _, _) => refuse(&w(0).to_ascii_uppercase(), READ_ONLY),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_ascii_lowercase).collect()
    }

    #[test]
    fn athena_table_management_gets_an_answer() {
        let msg = |s: &str| check(&words(s), true).unwrap_err().to_string();
        assert!(msg("MSCK REPAIR TABLE cloudtrail").contains("discovers partitions"));
        assert!(
            msg("ALTER TABLE cloudtrail ADD PARTITION (region='x')")
                .contains("discovers partitions")
        );
        assert!(msg("CREATE EXTERNAL TABLE x (a string)").contains("catalog is fixed"));
        assert!(
            msg("CREATE TABLE x WITH (format='ORC') AS SELECT 1")
                .contains("CREATE TABLE AS SELECT")
        );
        assert!(msg("INSERT INTO x SELECT 1").contains("--format parquet --output"));
        assert!(msg("DROP TABLE cloudtrail").contains("read-only"));
        assert!(msg("COPY (SELECT 1) TO 'x.parquet'").contains("read-only"));
    }

    #[test]
    fn queries_and_browsing_pass() {
        for s in [
            "SELECT 1",
            "WITH a AS (SELECT 1) SELECT * FROM a",
            "EXPLAIN SELECT 1",
            "SHOW TABLES",
            "DESCRIBE cloudtrail",
            "SET x = 1",
        ] {
            assert!(check(&words(s), true).is_ok(), "{s}");
        }
        assert!(check(&words("CREATE VIEW v AS SELECT 1"), false).is_ok());
        assert!(check(&words("MSCK REPAIR TABLE t"), false).is_err());
    }
}
