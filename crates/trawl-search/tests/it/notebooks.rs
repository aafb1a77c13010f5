//! §8.3: the two notebook queries, with exact columns, row order and null groups.

use crate::{rows, table};

#[tokio::test]
async fn q1_errors_by_principal() {
    let q = "%ingest.source_type: 'aws:cloudtrail' errorCode: * | stats min(eventTime) as firstTime, \
             max(eventTime) as lastTime by eventSource, eventName, errorCode, userIdentity.accountId, userIdentity.arn";
    let cols = [
        "eventSource",
        "eventName",
        "errorCode",
        "userIdentity.accountId",
        "userIdentity.arn",
        "@q.count",
        "firstTime",
        "lastTime",
    ];
    assert_eq!(
        table(q, &cols).await,
        rows(&[
            &[
                "iam.amazonaws.com",
                "CreateUser",
                "EntityAlreadyExists",
                "111122223333",
                "arn:aws:iam::111122223333:user/alice",
                "1",
                "2024-05-01T10:05:00Z",
                "2024-05-01T10:05:00Z"
            ],
            &[
                "s3.amazonaws.com",
                "GetObject",
                "AccessDenied",
                "111122223333",
                "arn:aws:sts::111122223333:assumed-role/Deployer/alice",
                "1",
                "2024-05-01T11:30:00Z",
                "2024-05-01T11:30:00Z"
            ],
        ])
    );
}

#[tokio::test]
async fn q2_activity_of_a_user_with_null_groups_first() {
    let q = r#"%ingest.source_type: "aws:cloudtrail" "alice" | rename userIdentity.sessionContext.sessionIssuer.arn as userArn | stats min(eventTime) as firstTime, max(eventTime) as lastTime by userArn, eventSource, eventName, errorCode"#;
    let cols = [
        "userArn",
        "eventSource",
        "eventName",
        "errorCode",
        "@q.count",
        "firstTime",
        "lastTime",
    ];
    let deployer = "arn:aws:iam::111122223333:role/Deployer";
    assert_eq!(
        table(q, &cols).await,
        rows(&[
            &[
                "null",
                "iam.amazonaws.com",
                "CreateUser",
                "null",
                "1",
                "2024-05-01T10:00:00Z",
                "2024-05-01T10:00:00Z"
            ],
            &[
                "null",
                "iam.amazonaws.com",
                "CreateUser",
                "EntityAlreadyExists",
                "1",
                "2024-05-01T10:05:00Z",
                "2024-05-01T10:05:00Z"
            ],
            &[
                "null",
                "s3.amazonaws.com",
                "PutBucketAcl",
                "null",
                "1",
                "2024-05-02T00:00:00Z",
                "2024-05-02T00:00:00Z"
            ],
            &[
                deployer,
                "s3.amazonaws.com",
                "GetObject",
                "null",
                "1",
                "2024-05-01T11:00:00Z",
                "2024-05-01T11:00:00Z"
            ],
            &[
                deployer,
                "s3.amazonaws.com",
                "GetObject",
                "AccessDenied",
                "1",
                "2024-05-01T11:30:00Z",
                "2024-05-01T11:30:00Z"
            ],
        ])
    );
}
