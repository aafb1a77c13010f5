//! Criterion benchmarks of the search language: the lexer and parser on the notebook's queries,
//! and the token matcher through free-text and field filters on a generated 20 k-event lake.
//!
//! ```text
//! cargo bench -p trawl-search --bench search
//! ```

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use datafusion::prelude::SessionContext;
use trawl_query::{QueryOptions, lake_session};
use trawl_search::{SearchOptions, TimeRange, parse, plan};

const RECORDS: u64 = 20_000;

const NOTEBOOK_QUERIES: [&str; 2] = [
    include_str!("../../../sql/unusual-api-activity/q1_failed_calls.search"),
    include_str!("../../../sql/unusual-api-activity/q2_user_activity.search"),
];

fn count(runtime: &tokio::runtime::Runtime, ctx: &SessionContext, text: &str) -> usize {
    runtime.block_on(async {
        let query = parse(text).expect("query parses");
        let planned = plan(
            ctx,
            &query,
            &TimeRange::default(),
            &SearchOptions::default(),
        )
        .await
        .expect("query plans");
        let batches = planned.df.collect().await.expect("query runs");
        batches.iter().map(|b| b.num_rows()).sum()
    })
}

fn search(c: &mut Criterion) {
    let mut group = c.benchmark_group("search");
    group.bench_function("parse_notebook_queries", |b| {
        b.iter(|| {
            for text in NOTEBOOK_QUERIES {
                black_box(parse(text).expect("parses"));
            }
        })
    });

    let lake = trawl_testkit::generated_records(RECORDS);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let opts = QueryOptions {
        target_partitions: Some(1),
        ..QueryOptions::default()
    };
    let session = runtime
        .block_on(lake_session(lake.files.clone(), &opts))
        .expect("session");
    group.sample_size(20);
    group.throughput(Throughput::Elements(RECORDS));
    for (name, text) in [
        ("free_text_token", r#""legacy_backup_svc" | count"#),
        ("free_text_wildcard", r#""legacy_*_svc" | count"#),
        (
            "field_token",
            "userIdentity.userName: legacy_backup_svc | count",
        ),
        (
            "json_field_token",
            "requestParameters.bucketName: backups | count",
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| count(&runtime, session.context(), text))
        });
    }
    group.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
