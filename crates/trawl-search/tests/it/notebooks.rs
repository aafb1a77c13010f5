//! §8.3: the two notebook queries, read from the playbook's files in sql/, with exact columns,
//! row order and null groups.

use crate::{bound_table, rows};

/// A query file of the unusual-API-activity playbook, as shipped.
fn notebook_query(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../sql/unusual-api-activity")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[tokio::test]
async fn q1_errors_by_principal() {
    let q = notebook_query("q1_failed_calls.search");
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
        bound_table(&q, &[], &cols).await,
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
    let q = notebook_query("q2_user_activity.search");
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
        bound_table(&q, &[("user_identity_name", "alice")], &cols).await,
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
