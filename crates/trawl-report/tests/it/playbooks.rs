//! Both shipped playbooks on a generated lake with the planted incident.

use trawl_report::Origin;

use crate::support::{column, engine, incident_lake, run_playbook, sql_dir, step};

/// The notebook's sensitive API names.
const SENSITIVE: &[&str] = &[
    "CreateUser",
    "DeleteUser",
    "CreateAccessKey",
    "DeleteAccessKey",
    "PutUserPolicy",
    "DeleteUserPolicy",
    "CreateRole",
    "DeleteRole",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "PutRolePolicy",
    "DeleteRolePolicy",
    "UpdateAssumeRolePolicy",
    "CreatePolicy",
    "DeletePolicy",
    "PutBucketPolicy",
    "DeleteBucketPolicy",
    "AuthorizeSecurityGroupIngress",
    "RevokeSecurityGroupIngress",
    "UpdateAccountPasswordPolicy",
    "DeleteAccountPasswordPolicy",
];

#[test]
fn shipped_playbooks_load() {
    let listed = trawl_report::catalog::list(&sql_dir()).unwrap();
    let names: Vec<&str> = listed.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["iam-credential-compromise", "unusual-api-activity"]);
    for l in &listed {
        let p = l.playbook.as_ref().unwrap_or_else(|e| panic!("{e}"));
        assert!(p.steps.len() >= 6, "{}", p.name);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn iam_playbook_investigates_the_planted_user() {
    let lake = incident_lake();
    let engine = engine(&lake).await;
    let report = run_playbook(&engine, "iam-credential-compromise", &[]).await;
    let arn = &lake.incident.arn;

    assert_eq!(
        column(&report, "2.2", "arn")[0].as_deref(),
        Some(arn.as_str())
    );
    let param = &report.parameters[0];
    assert_eq!((param.name.as_str(), &param.value), ("arn", arn));
    assert!(matches!(&param.origin, Origin::Step { step, row: 0, .. } if step == "2.2"));
    let finding = step(&report, "2.2").finding.clone().unwrap();
    assert!(
        finding.starts_with(&format!("Top identity by authorization failures: {arn} (")),
        "{finding}"
    );

    for id in ["2.3", "2.4", "2.5", "2.6"] {
        assert_eq!(step(&report, id).params["arn"], *arn, "step {id}");
        assert!(
            step(&report, id).result.num_rows() > 0,
            "step {id} found nothing for {arn}"
        );
    }
    // 2.3 is the identity's events (five of them), 2.4, 2.5 and 2.6 count the same events by
    // service, by action and by time: the same total, at least everything that was planted.
    assert_eq!(step(&report, "2.3").result.num_rows(), 5);
    let total = |id: &str| -> u64 {
        column(&report, id, "total")
            .into_iter()
            .map(|v| v.unwrap().parse::<u64>().unwrap())
            .sum()
    };
    assert!(
        total("2.4") >= lake.incident.events,
        "{} < {}",
        total("2.4"),
        lake.incident.events
    );
    assert_eq!(total("2.5"), total("2.4"));
    assert_eq!(total("2.6"), total("2.4"));
    let services: Vec<String> = column(&report, "2.4", "eventsource")
        .into_iter()
        .flatten()
        .collect();
    assert!(
        services.contains(&"iam.amazonaws.com".to_string()),
        "{services:?}"
    );
    let latest = column(&report, "2.6", "eventtime")[0].clone().unwrap();
    assert!(
        latest >= lake.incident.end.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "{latest}"
    );

    let actions: Vec<String> = column(&report, "2.5", "eventname")
        .into_iter()
        .flatten()
        .collect();
    for call in &lake.incident.sensitive_calls {
        assert!(
            actions.contains(call),
            "2.5 misses the planted {call}: {actions:?}"
        );
    }
    assert!(
        step(&report, "2.2")
            .chart
            .as_ref()
            .is_some_and(|c| !c.bars.is_empty())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unusual_api_playbook_finds_the_user_and_the_sensitive_calls() {
    let lake = incident_lake();
    let engine = engine(&lake).await;
    let report = run_playbook(&engine, "unusual-api-activity", &[]).await;
    let user = &lake.incident.user_name;

    assert_eq!(
        column(&report, "top_failed_calls", "userIdentityName")[0].as_deref(),
        Some(user.as_str())
    );
    assert_eq!(report.parameters[0].value, *user);
    assert_eq!(
        step(&report, "user_activity").params["user_identity_name"],
        *user
    );
    assert!(step(&report, "user_activity").result.num_rows() > 0);
    assert!(step(&report, "user_failed_calls").chart.is_some());

    let labels: Vec<String> = column(&report, "user_sensitive_calls", "apiCallLabel")
        .into_iter()
        .flatten()
        .collect();
    let planted: Vec<&String> = lake
        .incident
        .sensitive_calls
        .iter()
        .filter(|c| SENSITIVE.contains(&c.as_str()))
        .collect();
    assert!(
        !planted.is_empty(),
        "the incident plants no call of the notebook's list"
    );
    for call in planted {
        assert!(
            labels.iter().any(|l| l.ends_with(&format!("/{call}"))),
            "{call} not among {labels:?}"
        );
    }
    let finding = step(&report, "user_sensitive_calls")
        .finding
        .clone()
        .unwrap();
    assert!(
        finding.starts_with(&format!("Sensitive API calls succeeded for {user}:")),
        "{finding}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn analyst_values_override_the_chain_and_stay_data() {
    let lake = incident_lake();
    let engine = engine(&lake).await;
    let hostile = "x' OR '1'='1";
    let report = run_playbook(&engine, "iam-credential-compromise", &[("arn", hostile)]).await;
    assert_eq!(report.parameters[0].origin, Origin::Analyst);
    for id in ["2.3", "2.4", "2.5", "2.6"] {
        assert_eq!(
            step(&report, id).result.num_rows(),
            0,
            "step {id} treated the value as SQL"
        );
    }

    let hostile = "x\" | stats count() #";
    let report = run_playbook(
        &engine,
        "unusual-api-activity",
        &[("user_identity_name", hostile)],
    )
    .await;
    assert_eq!(
        step(&report, "user_activity").result.num_rows(),
        0,
        "the value escaped its literal"
    );
    assert_eq!(
        step(&report, "user_sensitive_calls").finding.as_deref(),
        Some(format!("No successful sensitive API calls for {hostile}.").as_str())
    );
}
