//! Session behaviour beyond single queries: pruning, parameters, errors, names, output.

use std::sync::Arc;

use datafusion::arrow::array::AsArray;
use datafusion::arrow::datatypes::Int64Type;
use datafusion::common::ScalarValue;
use datafusion::physical_plan::metrics::MetricValue;
use datafusion::physical_plan::{ExecutionPlan, collect};
use trawl_query::{
    LakeSession, OutputFormat, QueryOptions, QueryParams, TableOptions, describe_error,
    lake_session, render,
};

use super::lake::{files, session};

/// Scan metrics summed over a plan: (files pruned by statistics, files matched, row groups
/// pruned by statistics, bytes scanned, rows returned).
#[derive(Debug, Default, PartialEq)]
struct Scan {
    files_pruned: usize,
    files_matched: usize,
    row_groups_pruned: usize,
    bytes_scanned: usize,
    rows: usize,
}

async fn scan(s: &LakeSession, sql: &str) -> Scan {
    let df = s.sql(sql).await.expect("plan").remove(0);
    let ctx = df.task_ctx();
    let plan = df.create_physical_plan().await.expect("physical plan");
    let batches = collect(plan.clone(), Arc::new(ctx)).await.expect("run");
    let mut out = Scan {
        rows: batches.iter().map(|b| b.num_rows()).sum(),
        ..Default::default()
    };
    fn walk(p: &Arc<dyn ExecutionPlan>, out: &mut Scan) {
        if let Some(m) = p.metrics() {
            for metric in m.iter() {
                match metric.value() {
                    MetricValue::PruningMetrics {
                        name,
                        pruning_metrics,
                    } if name == "files_ranges_pruned_statistics" => {
                        out.files_pruned += pruning_metrics.pruned();
                        out.files_matched += pruning_metrics.matched();
                    }
                    MetricValue::PruningMetrics {
                        name,
                        pruning_metrics,
                    } if name == "row_groups_pruned_statistics" => {
                        out.row_groups_pruned += pruning_metrics.pruned();
                    }
                    MetricValue::Count { name, count } if name == "bytes_scanned" => {
                        out.bytes_scanned += count.value()
                    }
                    _ => {}
                }
            }
        }
        for c in p.children() {
            walk(c, out);
        }
    }
    walk(&plan, &mut out);
    out
}

#[tokio::test]
async fn partition_and_eventtime_filters_prune_files() {
    let s = session().await;
    let all = scan(&s, "SELECT eventname FROM cloudtrail").await;
    assert_eq!(all.rows, 31);
    assert_eq!(all.files_pruned, 0, "{all:?}");

    for sql in [
        "SELECT eventname FROM cloudtrail WHERE date_partition = '2021/07/02'",
        "SELECT eventname FROM cloudtrail_logs WHERE region = 'eu-west-1' AND year = '2021'",
        "SELECT eventname FROM security_analysis.cloudtrail_logs_pp WHERE \"timestamp\" BETWEEN '2021/07/02' AND '2021/07/02'",
        "SELECT eventname FROM cloudtrail WHERE eventtime >= '2021-07-02T00:00:00Z' AND eventtime < '2021-07-03T00:00:00Z'",
    ] {
        let m = scan(&s, sql).await;
        assert_eq!(m.rows, 8, "{sql}");
        // The files of the other two days are skipped from their statistics. (The unknown-date
        // file, whose date columns are all NULL, has no min/max and is read.)
        assert!(m.files_pruned + m.row_groups_pruned >= 2, "{sql}: {m:?}");
        assert!(
            m.bytes_scanned < all.bytes_scanned,
            "{sql}: {m:?} vs {all:?}"
        );
    }
    let acct = scan(
        &s,
        "SELECT count(*) FROM cloudtrail WHERE account_partition IN ('444455556666')",
    )
    .await;
    assert_eq!(acct.files_pruned + acct.row_groups_pruned, 2, "{acct:?}");
}

#[tokio::test]
async fn an_empty_lake_is_queryable() {
    let s = lake_session(vec![], &QueryOptions::default())
        .await
        .unwrap();
    let batches = s
        .collect(
            "SELECT count(*) FROM cloudtrail; SELECT * FROM cloudtrail_logs",
            &QueryParams::new(),
        )
        .await
        .unwrap();
    assert_eq!(
        batches[0][0].column(0).as_primitive::<Int64Type>().value(0),
        0
    );
    assert_eq!(batches[1].iter().map(|b| b.num_rows()).sum::<usize>(), 0);
}

#[tokio::test]
async fn parameters_are_bound_not_spliced() {
    let s = session().await;
    let count = |frames: Vec<Vec<datafusion::arrow::record_batch::RecordBatch>>| {
        frames[0][0].column(0).as_primitive::<Int64Type>().value(0)
    };
    let sql = "SELECT count(*) FROM cloudtrail WHERE useridentity.username = ?";
    assert_eq!(
        count(
            s.collect(sql, &QueryParams::new().push("alice"))
                .await
                .unwrap()
        ),
        6
    );
    assert_eq!(
        count(
            s.collect(sql, &QueryParams::new().push("x' OR '1'='1"))
                .await
                .unwrap()
        ),
        0
    );
    let named = "SELECT count(*) FROM cloudtrail WHERE eventsource = :src AND readonly = $ro";
    let p = QueryParams::new()
        .set("src", "s3.amazonaws.com")
        .set("$RO", "true");
    assert_eq!(count(s.collect(named, &p).await.unwrap()), 4);
    let positional = "SELECT count(*) FROM cloudtrail WHERE eventtime >= $1 AND eventtime < $2";
    let p = QueryParams::new()
        .push("2021-07-02")
        .push(ScalarValue::from("2021-07-03"));
    assert_eq!(count(s.collect(positional, &p).await.unwrap()), 8);
    let err = s
        .collect(sql, &QueryParams::new().set("other", 1i64))
        .await
        .unwrap_err();
    assert!(
        describe_error(&err).contains("$1"),
        "{}",
        describe_error(&err)
    );
}

#[tokio::test]
async fn output_names_are_lower_case() {
    let s = session().await;
    let df = s.sql(r#"SELECT eventName, "EventSource" AS "Src", count_if(readonly = 'true') FROM cloudtrail GROUP BY 1, 2"#).await.unwrap().remove(0);
    let names: Vec<String> = df
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(names, ["eventname", "src", "count_if(readonly = 'true')"]);
}

#[tokio::test]
async fn read_only_is_enforced_and_can_be_lifted() {
    let s = session().await;
    for sql in [
        "CREATE VIEW v AS SELECT 1",
        "CREATE TABLE t AS SELECT 1",
        "COPY (SELECT 1) TO '/nonexistent/x.csv'",
    ] {
        let e = s.sql(sql).await.unwrap_err();
        assert!(describe_error(&e).contains("read-only"), "{sql}: {e}");
    }
    let rw = lake_session(
        files(),
        &QueryOptions {
            read_only: false,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let out = rw
        .collect(
            "CREATE VIEW mine AS SELECT eventname FROM cloudtrail; SELECT count(*) FROM mine",
            &QueryParams::new(),
        )
        .await
        .unwrap();
    assert_eq!(out[1][0].column(0).as_primitive::<Int64Type>().value(0), 31);
    assert!(rw.sql("MSCK REPAIR TABLE cloudtrail").await.is_err());
}

#[tokio::test]
async fn hostile_input_gives_errors_not_panics() {
    let s = session().await;
    let inputs = [
        "",
        ";;;",
        "SELECT",
        "SELECT * FROM",
        "SELECT ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))",
        "SELECT json_extract_scalar(NULL, NULL), element_at(NULL, 1), split_part(NULL, ':', 1)",
        "SELECT element_at(eventname, 1) FROM cloudtrail",
        "SELECT contains(1, 2)",
        "SELECT date_add('day', 1, 'text')",
        "SELECT approx_percentile(eventname) FROM cloudtrail",
        "SELECT IPADDRESS 'not an ip'",
        "SELECT CAST(x AS JSON) FROM (SELECT 1 AS x)",
        "SELECT \"unterminated FROM cloudtrail",
        "SELECT $1",
        "SELECT 1 FROM cloudtrail CROSS JOIN UNNEST(eventname) AS t(x)",
        "SELECT transform(ARRAY[1], x -> x + 1)",
        "SELECT regexp_like(eventname, '(') FROM cloudtrail",
        "SELECT date_format(now(), '%') ",
        "SELECT from_unixtime(1e300)",
    ];
    for sql in inputs {
        let r = match s.sql(sql).await {
            Ok(frames) => {
                let mut r = Ok(());
                for f in frames {
                    if let Err(e) = f.collect().await {
                        r = Err(e);
                    }
                }
                r
            }
            Err(e) => Err(e),
        };
        if let Err(e) = r {
            assert!(!describe_error(&e).is_empty(), "{sql}");
        }
    }
}

#[tokio::test]
async fn table_output_over_the_lake() {
    let s = session().await;
    let df = s
        .sql("SELECT eventname, useridentity, requestparameters, CAST(sourceipaddress AS IPADDRESS) AS ip FROM cloudtrail WHERE eventname = 'RunInstances' ORDER BY eventtime LIMIT 1")
        .await
        .unwrap()
        .remove(0);
    let schema = Arc::new(df.schema().as_arrow().clone());
    let batches = df.collect().await.unwrap();
    let text = render(
        &schema,
        &batches,
        OutputFormat::Table,
        &TableOptions {
            width: Some(120),
            max_cell_chars: 40,
        },
    )
    .unwrap();
    assert!(text.contains("RunInstances"), "{text}");
    assert!(text.contains("{\"type\":\"AssumedRole\""), "{text}");
    assert!(text.contains('…'), "{text}");
    assert!(text.contains("2001:db8::5"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 120), "{text}");
    let jsonl = render(
        &schema,
        &batches,
        OutputFormat::Jsonl,
        &TableOptions::default(),
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(jsonl.trim()).unwrap();
    assert_eq!(
        v["useridentity"]["sessioncontext"]["sessionissuer"]["username"],
        "ops-role"
    );
    assert_eq!(v["ip"], "2001:db8::5");
}
