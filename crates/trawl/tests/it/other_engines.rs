//! DuckDB and pyarrow read the lake as plain Parquet and count the same rows.

use std::process::Command;

use crate::{generate, python_with, trawl};

#[test]
fn duckdb_and_pyarrow_count_the_same_rows() {
    let Some(python) = python_with(&["duckdb", "pyarrow.dataset"]) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (src, lake) = (tmp.path().join("src"), tmp.path().join("lake"));
    generate(&src, 8_000, 5);
    let mut sources = vec![src.to_str().unwrap().to_string()];
    if let Some(real) = trawl_testkit::real_data() {
        for group in [
            "aws-cpl",
            "invictus",
            "otel",
            "stratus",
            "trailscraper",
            "umccr",
        ] {
            sources.push(real.join(group).to_str().unwrap().to_string());
        }
    }
    let mut args = vec!["ingest", "--quiet", "--lake", lake.to_str().unwrap()];
    args.extend(sources.iter().map(String::as_str));
    trawl(&args);
    let rows: u64 = trawl_ingest::Lake::open(&lake)
        .unwrap()
        .manifest()
        .files
        .iter()
        .map(|f| f.rows)
        .sum();
    assert!(rows >= 8_000);
    let table = lake.join("cloudtrail");
    let script = format!(
        "import duckdb, pyarrow.dataset as ds\n\
         n1 = duckdb.sql(\"SELECT count(*) FROM read_parquet('{t}/**/*.parquet')\").fetchall()[0][0]\n\
         n2 = ds.dataset('{t}', format='parquet').count_rows()\n\
         n3 = duckdb.sql(\"SELECT count(*) FROM read_parquet('{t}/**/*.parquet') WHERE useridentity.arn IS NOT NULL AND date_partition LIKE '2024/05/%'\").fetchall()[0][0]\n\
         print(n1, n2, n3)",
        t = table.display()
    );
    let out = Command::new(&python)
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts: Vec<u64> = String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(counts[..2], [rows, rows]);
    assert!(
        counts[2] > 7_000,
        "nested and partition columns read: {counts:?}"
    );
}
