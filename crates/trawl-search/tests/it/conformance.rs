//! §8.2 filter cases on dataset D: lexical (L), free text (F), field operators (X), groups (G),
//! booleans (B), numbers (N), system fields (S) and paths (P). Events come back oldest first.

use trawl_search::{ErrorCode, WarningCode};

use crate::{evs, ids, run, try_run};

const ALL: &[&str] = &["e8", "e1", "e2", "e3", "e4", "e5", "e6", "e7"];

#[tokio::test]
async fn l1_case_rules() {
    assert_eq!(ids("eventName: createuser").await, evs(&["e1", "e2"]));
    assert_eq!(ids(r#"eventName: "createuser""#).await, evs(&[]));
    assert_eq!(ids("eventName: 'CREATEUSER'").await, evs(&["e1", "e2"]));
}

#[tokio::test]
async fn l2_quoted_phrases_and_juxtaposition() {
    assert_eq!(ids("userAgent: 'mac os x'").await, evs(&["e3", "e4"]));
    assert_eq!(ids("userAgent: Cyberduck Python").await, evs(&[]));
}

#[tokio::test]
async fn l3_l4_ip_addresses() {
    assert_eq!(
        ids("sourceIPAddress: 203.0.113.7").await,
        evs(&["e1", "e2"])
    );
    assert_eq!(
        ids("sourceIPAddress: 203.0.113.*").await,
        evs(&["e8", "e1", "e2"])
    );
    assert_eq!(ids("sourceIPAddress: 113").await, evs(&["e8", "e1", "e2"]));
}

#[tokio::test]
async fn l5_l6_comments_and_keyword_case() {
    assert_eq!(
        ids("eventName: GetObject # reads").await,
        evs(&["e3", "e4"])
    );
    assert_eq!(
        ids("eventName: GetObject AND NOT errorCode: *").await,
        evs(&["e3"])
    );
}

#[tokio::test]
async fn l7_keywords_must_be_quoted() {
    assert_eq!(
        try_run("eventName: not").await.err().unwrap().code,
        ErrorCode::Syn
    );
    assert_eq!(ids("eventName: 'not'").await, evs(&[]));
}

#[tokio::test]
async fn l8_escaped_asterisk_is_literal() {
    assert_eq!(ids("requestParameters.key: report*").await, evs(&["e3"]));
    assert_eq!(ids(r"requestParameters.key: 'report\*'").await, evs(&[]));
}

#[tokio::test]
async fn l9_backticks_and_dashes_in_paths() {
    assert_eq!(
        ids("`requestParameters.x-amz-acl` = 'public-read'").await,
        evs(&["e7"])
    );
    assert_eq!(
        ids("requestParameters.x-amz-acl = public-read").await,
        evs(&["e7"])
    );
}

#[tokio::test]
async fn l10_star_and_empty_query_select_all() {
    assert_eq!(ids("*").await, evs(ALL));
    assert_eq!(ids("").await, evs(ALL));
}

#[tokio::test]
async fn l11_lexical_errors() {
    assert_eq!(
        try_run("eventName: 'abc").await.err().unwrap().code,
        ErrorCode::Lex
    );
    assert_eq!(
        try_run("eventName ~ x").await.err().unwrap().code,
        ErrorCode::Lex
    );
}

#[tokio::test]
async fn f1_free_text_reaches_json_text() {
    assert_eq!(
        ids("alice").await,
        evs(&["e1", "e2", "e3", "e4", "e6", "e7"])
    );
    assert_eq!(
        ids(r#""alice""#).await,
        evs(&["e1", "e2", "e3", "e4", "e7"])
    );
}

#[tokio::test]
async fn f2_keys_and_system_fields_are_not_searched() {
    assert_eq!(ids("bucketName").await, evs(&[]));
    assert_eq!(ids("cloudtrail").await, evs(&[]));
}

#[tokio::test]
async fn f3_f4_f5_terms() {
    assert_eq!(ids("logs-prod").await, evs(&["e3", "e4", "e7"]));
    assert_eq!(ids("22").await, evs(&["e5"]));
    assert_eq!(ids("alice bob").await, evs(&["e1", "e2"]));
}

#[tokio::test]
async fn f6_leading_separator_and_negation() {
    assert_eq!(ids("userAgent: '.ec2.amazonaws.com'").await, evs(&["e5"]));
    assert_eq!(
        ids("not userAgent: 'amazonaws.com'").await,
        evs(&["e8", "e1", "e2", "e3", "e4", "e7"])
    );
}

#[tokio::test]
async fn f7_whole_tokens_and_wildcards() {
    assert_eq!(ids("eventName: Assume").await, evs(&[]));
    assert_eq!(ids("eventName: Assume*").await, evs(&["e6"]));
    assert_eq!(ids("eventName: *Object").await, evs(&["e3", "e4"]));
}

#[tokio::test]
async fn f8_f9_nested_paths() {
    assert_eq!(
        ids("userIdentity.arn: 'Deployer'").await,
        evs(&["e3", "e4"])
    );
    assert_eq!(
        ids(r#"requestParameters.ipPermissions.items.ipRanges.items.cidrIp: "::/0""#).await,
        evs(&[])
    );
}

#[tokio::test]
async fn x1_x2_equality() {
    assert_eq!(ids("eventName = CreateUser").await, evs(&["e1", "e2"]));
    assert_eq!(ids("eventName = Create").await, evs(&[]));
    assert_eq!(ids("eventName = Create*").await, evs(&["e1", "e2"]));
    assert_eq!(ids(r#"eventName = "createuser""#).await, evs(&[]));
    assert_eq!(ids("eventName = createuser").await, evs(&["e1", "e2"]));
}

#[tokio::test]
async fn x3_x4_exists_and_json_equality() {
    assert_eq!(ids("errorCode: *").await, evs(&["e2", "e4"]));
    assert_eq!(
        ids("not errorCode: *").await,
        evs(&["e8", "e1", "e3", "e5", "e6", "e7"])
    );
    assert_eq!(
        ids("responseElements.ConsoleLogin = Failure").await,
        evs(&["e8"])
    );
}

#[tokio::test]
async fn x5_not_equal_in_the_filter_is_rejected_with_a_hint() {
    let err = try_run("eventName != CreateUser").await.err().unwrap();
    assert_eq!(err.code, ErrorCode::Syn);
    assert!(err.hint.unwrap().contains("not eventName = CreateUser"));
}

#[tokio::test]
async fn g1_g4_value_groups() {
    assert_eq!(
        ids("eventName: (CreateUser AssumeRole)").await,
        evs(&["e1", "e2", "e6"])
    );
    assert_eq!(
        ids(r#"eventName = (createuser "GetObject")"#).await,
        evs(&["e1", "e2", "e3", "e4"])
    );
    assert_eq!(
        ids("requestParameters.roleArn: (Deployer and role)").await,
        evs(&["e6"])
    );
    assert_eq!(
        ids("requestParameters.roleArn: (Deployer and user)").await,
        evs(&[])
    );
    assert_eq!(
        ids("userIdentity.type: (not IAMUser)").await,
        evs(&["e3", "e4", "e5", "e6"])
    );
}

#[tokio::test]
async fn b1_b4_boolean_structure() {
    let b1 =
        run("eventSource: s3.amazonaws.com eventName: GetObject or eventName: AssumeRole").await;
    assert_eq!(b1.ids(), evs(&["e3", "e4", "e6"]));
    assert!(b1.warnings.iter().any(|w| w.code == WarningCode::Prec));
    let b2 = run("eventSource: s3.amazonaws.com (eventName: GetObject or eventName: PutBucketAcl)")
        .await;
    assert_eq!(b2.ids(), evs(&["e3", "e4", "e7"]));
    assert!(b2.warnings.is_empty());
    assert_eq!(
        ids("not eventName: GetObject and eventSource: s3.amazonaws.com").await,
        evs(&["e7"])
    );
    assert_eq!(
        ids("not (eventSource: s3.amazonaws.com or eventSource: iam.amazonaws.com)").await,
        evs(&["e8", "e5", "e6"])
    );
}

#[tokio::test]
async fn n1_n4_numbers() {
    assert_eq!(
        ids("additionalEventData.bytesTransferredOut > 1000").await,
        evs(&["e3"])
    );
    assert_eq!(
        ids("additionalEventData.bytesTransferredOut >= 500").await,
        evs(&["e3", "e4"])
    );
    assert_eq!(
        ids("additionalEventData.bytesTransferredOut < 500").await,
        evs(&[])
    );
    assert_eq!(
        ids("requestParameters.ipPermissions.items.fromPort <= 22").await,
        evs(&["e5"])
    );
    assert_eq!(ids("eventName > 5").await, evs(&[]));
    assert_eq!(
        try_run("eventName > abc").await.err().unwrap().code,
        ErrorCode::Syn
    );
    assert_eq!(
        ids("additionalEventData.bytesTransferredOut: 1500").await,
        evs(&["e3"])
    );
    assert_eq!(
        ids("additionalEventData.bytesTransferredOut = 1500.0").await,
        evs(&["e3"])
    );
}

#[tokio::test]
async fn s1_source_type_folds_at_plan_time() {
    for q in [
        "%ingest.source_type: 'aws:cloudtrail'",
        r#"@scnr.source_type = "aws:cloudtrail""#,
        "%ingest.source_type: cloudtrail",
    ] {
        let res = run(q).await;
        assert_eq!(res.ids(), evs(ALL), "{q}");
        assert!(
            !res.plan.contains("Filter"),
            "{q} folds to true:\n{}",
            res.plan
        );
    }
    let none = run("@scnr.source_type: okta").await;
    assert_eq!(none.ids(), evs(&[]));
    assert!(
        none.plan.contains("EmptyRelation") && !none.plan.contains("TableScan"),
        "{}",
        none.plan
    );
}

#[tokio::test]
async fn s2_time_ns() {
    assert_eq!(
        ids("@scnr.time_ns >= 1714564800000000000").await,
        evs(&["e5", "e6", "e7"])
    );
}

#[tokio::test]
async fn s3_datetime_is_a_string() {
    let res = run("* | min(@scnr.datetime)").await;
    assert_eq!(res.columns, ["@q.min"]);
    assert_eq!(res.rows, [["2024-04-30T23:59:59.000Z"]]);
}

#[tokio::test]
async fn s4_index() {
    assert_eq!(ids("@index = cloudtrail").await, evs(ALL));
    let other = run("@index = other").await;
    assert_eq!(other.ids(), evs(&[]));
    assert!(!other.plan.contains("TableScan"), "{}", other.plan);
    let aliased = run(
        r#"@index={0a1b2c3d-0000-4000-8000-00000000abcd | "cloudtrail"} eventName: AssumeRole"#,
    )
    .await;
    assert_eq!(aliased.ids(), evs(&["e6"]));
    assert!(
        aliased
            .warnings
            .iter()
            .any(|w| w.code == WarningCode::Index)
    );
}

#[tokio::test]
async fn p1_p2_case_insensitive_and_dotted_keys() {
    assert_eq!(ids("USERIDENTITY.ARN: carol").await, evs(&["e8"]));
    assert_eq!(
        ids("requestParameters.AccessControlPolicy.AccessControlList.Grant.Grantee.URI: AllUsers")
            .await,
        evs(&["e7"])
    );
}

#[tokio::test]
async fn p3_typed_lists() {
    assert_eq!(ids("resources.ARN: 'sg-1'").await, evs(&["e5"]));
    assert_eq!(ids("resources[0].ARN: 'sg-1'").await, evs(&["e5"]));
    assert_eq!(ids("resources[1].ARN: *").await, evs(&[]));
    assert_eq!(ids("resources[*].ARN: *").await, evs(&["e5"]));
}

#[tokio::test]
async fn p4_indexes_inside_json_text() {
    let q = r#"requestParameters.ipPermissions.items[0].ipRanges.items[1].cidrIp = "0.0.0.0/0""#;
    assert_eq!(ids(q).await, evs(&["e5"]));
    let q = r#"requestParameters.ipPermissions.items[0].ipRanges.items[0].cidrIp = "0.0.0.0/0""#;
    assert_eq!(ids(q).await, evs(&[]));
}

#[tokio::test]
async fn p5_p6_json_values_and_objects() {
    assert_eq!(
        ids("requestParameters.userName = bob-admin").await,
        evs(&["e1", "e2"])
    );
    assert_eq!(
        ids("requestParameters.ipPermissions: *").await,
        evs(&["e5"])
    );
    assert_eq!(ids("responseElements: *").await, evs(&["e8"]));
    assert_eq!(ids("requestParameters: Deployer").await, evs(&["e6"]));
}

#[tokio::test]
async fn unknown_struct_field_warns_and_is_empty() {
    let res = run("userIdentity.nope: x").await;
    assert_eq!(res.ids(), evs(&[]));
    assert!(res.warnings.iter().any(|w| w.code == WarningCode::Path));
}

#[tokio::test]
async fn top_level_extra_keys_resolve_and_are_searched() {
    // `responseElements: null` is parked in `_extra` for e1..e7; a null is never a value.
    assert_eq!(ids("errorMessage: failed").await, evs(&["e8"]));
    assert_eq!(ids("nosuchkey: *").await, evs(&[]));
}
