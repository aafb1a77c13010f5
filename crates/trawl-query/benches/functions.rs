//! Criterion benchmarks of the Athena function pack on a generated 20 k-event lake: JSONPath
//! extraction (`json_extract_scalar`) against a plain scan of the same column, so the function's
//! own cost is the difference.
//!
//! ```text
//! cargo bench -p trawl-query --bench functions
//! ```

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use trawl_query::{LakeSession, QueryOptions, QueryParams, lake_session};

const RECORDS: u64 = 20_000;

fn run(runtime: &tokio::runtime::Runtime, session: &LakeSession, sql: &str) -> usize {
    runtime.block_on(async {
        let frames = session
            .collect(sql, &QueryParams::new())
            .await
            .expect("query runs");
        frames.iter().flatten().map(|b| b.num_rows()).sum()
    })
}

fn functions(c: &mut Criterion) {
    let lake = trawl_testkit::generated_records(RECORDS);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let opts = QueryOptions {
        target_partitions: Some(1),
        ..QueryOptions::default()
    };
    let session = runtime
        .block_on(lake_session(lake.files.clone(), &opts))
        .expect("session");

    let mut group = c.benchmark_group("functions");
    group.sample_size(20);
    group.throughput(Throughput::Elements(RECORDS));
    for (name, sql) in [
        (
            "scan_requestparameters",
            "SELECT count(requestparameters) FROM cloudtrail",
        ),
        (
            "json_extract_scalar",
            "SELECT count(json_extract_scalar(requestparameters, '$.bucketName')) FROM cloudtrail",
        ),
        (
            "json_extract_scalar_nested_index",
            "SELECT count(json_extract_scalar(requestparameters, '$.instancesSet.items[0].instanceId')) FROM cloudtrail",
        ),
    ] {
        group.bench_function(name, |b| b.iter(|| run(&runtime, &session, sql)));
    }
    group.finish();
}

criterion_group!(benches, functions);
criterion_main!(benches);
