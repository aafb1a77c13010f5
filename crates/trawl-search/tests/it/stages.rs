//! §8.2 stage cases (T1–T24), L12, and time ranges (R1–R3).

use chrono::Utc;
use trawl_search::{ErrorCode, ResultKind, SearchOptions, parse_time_range};

use crate::{evs, ids, rows, run, table, try_run, try_run_with};

#[tokio::test]
async fn l12_operators_need_spaces_in_eval() {
    let q = "eventName: AssumeRole | eval x = 10-1, y = 10 - 1 | table x, y";
    assert_eq!(table(q, &["x", "y"]).await, rows(&[&["null", "9"]]));
}

#[tokio::test]
async fn t1_stats_with_aliases_by_a_key() {
    let q =
        "eventSource: s3.amazonaws.com | stats count() as n, min(eventTime) as first by eventName";
    assert_eq!(
        table(q, &["eventName", "@q.count", "n", "first"]).await,
        rows(&[
            &["GetObject", "2", "2", "2024-05-01T11:00:00Z"],
            &["PutBucketAcl", "1", "1", "2024-05-02T00:00:00Z"]
        ])
    );
}

#[tokio::test]
async fn t2_null_group_is_kept() {
    assert_eq!(
        table("* | stats by errorCode", &["errorCode", "@q.count"]).await,
        rows(&[
            &["null", "6"],
            &["AccessDenied", "1"],
            &["EntityAlreadyExists", "1"]
        ])
    );
}

#[tokio::test]
async fn t3_countdistinct_in_stats() {
    let q = "* | stats countdistinct(awsRegion) as regions, countdistinct(userIdentity.arn) as principals";
    assert_eq!(
        table(q, &["@q.count", "regions", "principals"]).await,
        rows(&[&["8", "3", "4"]])
    );
}

#[tokio::test]
async fn t4_numeric_aggregations_on_a_renamed_json_path() {
    let q = "eventName: GetObject | rename additionalEventData.bytesTransferredOut as b | stats sum(b) as total, \
             avg(b) as mean, var(b) as v, percentile(50, b) as p50, max(b), percentile(90, b)";
    assert_eq!(
        table(
            q,
            &[
                "@q.count",
                "total",
                "mean",
                "v",
                "p50",
                "max(b)",
                "percentile(90, b)"
            ]
        )
        .await,
        rows(&[&[
            "2", "2000", "1000.0", "500000.0", "1000.0", "1500", "1400.0"
        ]])
    );
}

#[tokio::test]
async fn t5_t6_bare_columns() {
    let q = "eventSource: iam.amazonaws.com | stats count() as n, sourceIPAddress as ip by userIdentity.arn";
    assert_eq!(
        table(q, &["userIdentity.arn", "@q.count", "n", "ip"]).await,
        rows(&[&[
            "arn:aws:iam::111122223333:user/alice",
            "2",
            "2",
            "203.0.113.7"
        ]])
    );
    let q =
        "eventSource: iam.amazonaws.com | stats count() as n, userIdentity.arn by userIdentity.arn";
    assert_eq!(
        table(q, &["userIdentity.arn", "@q.count", "n"]).await.len(),
        1
    );
}

#[tokio::test]
async fn t7_t8_groupbycount() {
    assert_eq!(
        table("* | groupbycount eventSource", &["eventSource", "@q.count"]).await,
        rows(&[
            &["s3.amazonaws.com", "3"],
            &["iam.amazonaws.com", "2"],
            &["ec2.amazonaws.com", "1"],
            &["signin.amazonaws.com", "1"],
            &["sts.amazonaws.com", "1"],
        ])
    );
    assert_eq!(
        table(
            "* | groupbycount(eventSource, errorCode) | head 2",
            &["eventSource", "errorCode", "@q.count"]
        )
        .await,
        rows(&[
            &["s3.amazonaws.com", "null", "2"],
            &["ec2.amazonaws.com", "null", "1"]
        ])
    );
}

#[tokio::test]
async fn t9_count() {
    assert_eq!(
        table("eventName: AssumeRole | count", &["@q.count"]).await,
        rows(&[&["1"]])
    );
    assert_eq!(
        table("eventName: Nope | count", &["@q.count"]).await,
        rows(&[&["0"]])
    );
    assert!(
        table(
            "eventName: Nope | count | where @q.count > 0",
            &["@q.count"]
        )
        .await
        .is_empty()
    );
}

#[tokio::test]
async fn t10_countdistinct_stage() {
    assert_eq!(
        table("* | countdistinct sourceIPAddress", &["@q.uniq"]).await,
        rows(&[&["6"]])
    );
    assert_eq!(
        table("* | countdistinct(eventSource, errorCode)", &["@q.uniq"]).await,
        rows(&[&["7"]])
    );
}

#[tokio::test]
async fn t11_t12_single_extremes() {
    assert_eq!(
        table("* | max(eventTime)", &["@q.max"]).await,
        rows(&[&["2024-05-02T00:00:00Z"]])
    );
    assert_eq!(
        table("* | max(sourceIPAddress)", &["@q.max"]).await,
        rows(&[&["lambda.amazonaws.com"]])
    );
    assert_eq!(
        table("* | min(awsRegion, eventTime)", &["@q.min[0]", "@q.min[1]"]).await,
        rows(&[&["eu-west-1", "2024-05-01T12:00:00Z"]])
    );
}

#[tokio::test]
async fn t13_single_numeric_aggregations() {
    let path = "additionalEventData.bytesTransferredOut";
    assert_eq!(
        table(&format!("* | avg({path})"), &["@q.avg"]).await,
        rows(&[&["1000.0"]])
    );
    assert_eq!(
        table(&format!("* | sum({path})"), &["@q.sum"]).await,
        rows(&[&["2000"]])
    );
    assert_eq!(
        table(&format!("* | var({path})"), &["@q.var"]).await,
        rows(&[&["500000.0"]])
    );
    assert_eq!(
        table(&format!("* | percentile(50, {path})"), &["@q.percentile"]).await,
        rows(&[&["1000.0"]])
    );
}

#[tokio::test]
async fn t14_t15_where_on_tables() {
    let base = "* | groupbycount userIdentity.arn";
    assert_eq!(
        table(
            &format!("{base} | where @q.count >= 2"),
            &["userIdentity.arn", "@q.count"]
        )
        .await,
        rows(&[
            &["arn:aws:iam::111122223333:user/alice", "3"],
            &["arn:aws:sts::111122223333:assumed-role/Deployer/alice", "2"]
        ])
    );
    let ne = table(
        &format!("{base} | where @q.count != 3"),
        &["userIdentity.arn", "@q.count"],
    )
    .await;
    assert_eq!(ne.len(), 4);
    assert!(ne.iter().any(|r| r[0] == "null"));
    assert_eq!(
        table(
            &format!("{base} | where userIdentity.arn: Deployer"),
            &["userIdentity.arn", "@q.count"]
        )
        .await
        .len(),
        1
    );
    assert_eq!(
        try_run(&format!("{base} | where Deployer"))
            .await
            .err()
            .unwrap()
            .code,
        ErrorCode::Syn
    );
}

#[tokio::test]
async fn t16_t17_eval() {
    let q = "eventName: GetObject | eval kb = additionalEventData.bytesTransferredOut / 1000, big = kb > 1 | table eventID, kb, big";
    assert_eq!(
        table(q, &["eventID", "kb", "big"]).await,
        rows(&[&["e3", "1.5", "true"], &["e4", "0.5", "false"]])
    );
    let q = r#"eventName: AssumeRole | eval who = coalesce(userIdentity.arn, userIdentity.invokedBy), r = math.round(2.5), bad = "a" + 1 | table who, r, bad"#;
    assert_eq!(
        table(q, &["who", "r", "bad"]).await,
        rows(&[&["lambda.amazonaws.com", "3.0", "null"]])
    );
}

#[tokio::test]
async fn t18_rename_moves_the_value() {
    assert_eq!(
        table(
            "* | rename awsRegion as region | groupbycount region",
            &["region", "@q.count"]
        )
        .await,
        rows(&[
            &["us-east-1", "4"],
            &["us-west-2", "3"],
            &["eu-west-1", "1"]
        ])
    );
    assert_eq!(
        table(
            "* | rename awsRegion as region | groupbycount awsRegion",
            &["awsRegion", "@q.count"]
        )
        .await,
        rows(&[&["null", "8"]])
    );
}

#[tokio::test]
async fn t19_table_on_events() {
    assert_eq!(
        table(
            "eventName: CreateUser | table eventTime, userIdentity.userName, errorCode",
            &["eventTime", "userIdentity.userName", "errorCode"]
        )
        .await,
        rows(&[
            &["2024-05-01T10:00:00Z", "alice", "null"],
            &["2024-05-01T10:05:00Z", "alice", "EntityAlreadyExists"]
        ])
    );
}

#[tokio::test]
async fn t20_head_and_tail_on_events() {
    assert_eq!(ids("* | head 2").await, evs(&["e8", "e1"]));
    assert_eq!(ids("* | tail 2").await, evs(&["e6", "e7"]));
    assert_eq!(ids("* | head").await.len(), 8);
    assert_eq!(
        try_run("* | head 0").await.err().unwrap().code,
        ErrorCode::Syn
    );
}

#[tokio::test]
async fn t21_tail_on_a_table() {
    assert_eq!(
        table(
            "* | groupbycount awsRegion | tail 1",
            &["awsRegion", "@q.count"]
        )
        .await,
        rows(&[&["eu-west-1", "1"]])
    );
}

#[tokio::test]
async fn t22_t23_sort() {
    assert_eq!(
        table(
            "* | groupbycount errorCode | sort errorCode desc",
            &["errorCode", "@q.count"]
        )
        .await,
        rows(&[
            &["EntityAlreadyExists", "1"],
            &["AccessDenied", "1"],
            &["null", "6"]
        ])
    );
    assert_eq!(ids("* | sort eventTime desc | head 1").await, evs(&["e7"]));
}

#[tokio::test]
async fn t24_name_errors() {
    assert_eq!(
        try_run("* | stats count() as n, count() as n")
            .await
            .err()
            .unwrap()
            .code,
        ErrorCode::Dup
    );
    assert_eq!(
        try_run("* | stats by x | table y")
            .await
            .err()
            .unwrap()
            .code,
        ErrorCode::Col
    );
    assert_eq!(
        try_run("* | where @q.count > 0").await.err().unwrap().code,
        ErrorCode::Col
    );
}

#[tokio::test]
async fn eval_columns_ride_along_with_events() {
    let res = run("eventName: AssumeRole | eval who = userIdentity.invokedBy").await;
    assert_eq!(res.kind, ResultKind::Events);
    assert_eq!(res.columns.last().unwrap(), "who");
    assert_eq!(res.rows[0].last().unwrap(), "lambda.amazonaws.com");
    assert_eq!(
        ids("* | eval n = 1 | where n = 1 eventName: AssumeRole").await,
        evs(&["e6"])
    );
}

async fn count_in(start: &str, end: Option<&str>) -> (String, String) {
    let range = parse_time_range(Some(start), end, None, Utc::now()).unwrap();
    let res = try_run_with("* | count", range, SearchOptions::default())
        .await
        .unwrap();
    (res.rows[0][0].clone(), res.plan)
}

#[tokio::test]
async fn r1_r3_time_ranges() {
    let (n, plan) = count_in("2024-05-01T00:00:00Z", Some("2024-05-02T00:00:00Z")).await;
    assert_eq!(n, "6");
    assert!(
        plan.contains("date_partition >= Utf8(\"2024/05/01\")"),
        "{plan}"
    );
    assert!(
        plan.contains("date_partition <= Utf8(\"2024/05/01\")"),
        "{plan}"
    );
    assert_eq!(count_in("2024-05-01T12:30:00+02:00", None).await.0, "5");
    assert_eq!(
        count_in("2024-05-01T10:00:00Z", Some("2024-05-01T10:00:00Z"))
            .await
            .0,
        "0"
    );
}
