//! The planted incident: a stolen IAM user access key used for an `AccessDenied` enumeration burst and then
//! for IAM persistence (a new user with console access, admin policies and an access key).

use chrono::{DateTime, Utc};

use crate::GenConfig;
use crate::catalog::{ApiId, api, api_id};
use crate::payload::Target;
use crate::record::{Client, Outcome};
use crate::rng::{Rng, derive};
use crate::time::DAY;
use crate::world::{Account, PLANTED_USER};

/// The smallest `records` for which an incident is planted; below it the incident would dominate the data.
pub const MIN_INCIDENT_RECORDS: u64 = 1000;

/// What [`crate::generate`] plants, so tests and demos know what to look for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incident {
    /// The compromised account's 12-digit id (always the first account).
    pub account: String,
    /// The region whose files hold the incident events (`us-east-1`).
    pub region: String,
    /// The compromised IAM user's name, a single search token.
    pub user_name: String,
    /// The compromised user's ARN.
    pub arn: String,
    /// The user's long-term access key id, which the attacker uses.
    pub access_key_id: String,
    /// The attacker's source IP address (never used by any other event).
    pub source_ip: String,
    /// The attacker's user agent (never used by any other event).
    pub user_agent: String,
    /// The IAM user the attacker creates for persistence.
    pub backdoor_user: String,
    /// Authorization failures in the enumeration burst (all `AccessDenied` or `Client.UnauthorizedOperation`).
    pub denied_events: u64,
    /// Successful read-only calls made by the attacker (`GetCallerIdentity`, `GetUser`, ...).
    pub successful_reads: u64,
    /// Event names of the successful sensitive IAM calls, in the order they happen.
    pub sensitive_calls: Vec<String>,
    /// All incident events (denied + reads + sensitive calls); they count towards `GenConfig::records`.
    pub events: u64,
    /// Time of the first incident event.
    pub start: DateTime<Utc>,
    /// Time of the last incident event.
    pub end: DateTime<Utc>,
}

/// One attacker call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Step {
    /// Event time, epoch seconds.
    pub(crate) time: i64,
    /// The call.
    pub(crate) api: ApiId,
    /// Its outcome.
    pub(crate) outcome: Outcome,
    /// Whether it acts on the backdoor user (else on the compromised user itself).
    pub(crate) on_backdoor: bool,
}

/// The incident as the generator needs it.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The public description.
    pub(crate) public: Incident,
    /// Attacker calls sorted by time.
    pub(crate) steps: Vec<Step>,
    /// Index of the compromised principal in the first account.
    pub(crate) principal: usize,
    /// The attacker's client.
    pub(crate) client: Client,
    /// Target of the attacker's reads about itself.
    pub(crate) self_target: Target,
    /// Target of the persistence writes.
    pub(crate) backdoor: Target,
}

const ATTACKER_IPS: &[&str] = &[
    "185.220.101.47",
    "45.142.214.119",
    "91.219.236.18",
    "193.32.162.56",
];
const ATTACKER_AGENT: &str = "Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#6.6.9-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.11 kali/2024.1";
const BACKDOOR_USER: &str = "sys_maint_7";
/// Share of the burst spent retrying `BURST[0]`, so the attacker also tops per-call failure rankings.
const RETRIED_SHARE: f64 = 0.35;
const BURST: &[&str] = &[
    "ListUsers",
    "ListRoles",
    "ListPolicies",
    "ListGroups",
    "GetAccountAuthorizationDetails",
    "GetAccountSummary",
    "ListAccessKeys",
    "GetAccountPasswordPolicy",
    "ListMFADevices",
    "DescribeInstances",
    "DescribeSecurityGroups",
    "DescribeVpcs",
    "DescribeSubnets",
    "DescribeVolumes",
    "DescribeSnapshots",
    "DescribeImages",
    "DescribeKeyPairs",
    "DescribeRegions",
    "DescribeAddresses",
    "GetBucketAcl",
    "GetBucketPolicy",
    "GetBucketEncryption",
    "GetBucketPublicAccessBlock",
    "ListKeys",
    "ListAliases",
    "DescribeKey",
    "ListFunctions20150331",
    "GetFunction20150331v2",
    "DescribeTrails",
    "GetTrailStatus",
    "GetEventSelectors",
    "LookupEvents",
    "DescribeLogGroups",
    "FilterLogEvents",
    "ListTables",
    "DescribeTable",
    "ListSecrets",
    "GetSecretValue",
    "ListDetectors",
    "GetDetector",
    "ListFindings",
    "DescribeParameters",
    "GetParameter",
    "DescribeAlarms",
];
const READS_BEFORE: &[&str] = &["GetCallerIdentity", "GetUser", "ListAttachedUserPolicies"];
const SENSITIVE: &[&str] = &[
    "CreateUser",
    "CreateLoginProfile",
    "AttachUserPolicy",
    "PutUserPolicy",
    "CreateAccessKey",
];

fn id(name: &str) -> ApiId {
    api_id(name).unwrap_or_else(|| panic!("incident names unknown API {name}"))
}

/// Number of denied calls in the burst: large enough that the user tops every authorization-failure ranking.
fn burst_size(records: u64) -> u64 {
    150.max(records / 600)
}

/// Builds the incident for a configuration, or `None` when it is disabled or `records` is too small.
pub(crate) fn plan(cfg: &GenConfig, accounts: &[Account]) -> Option<Plan> {
    if !cfg.incident || cfg.records < MIN_INCIDENT_RECORDS {
        return None;
    }
    let acct = accounts.first()?;
    let principal = acct
        .principals
        .iter()
        .position(|p| p.name == PLANTED_USER)?;
    let user = &acct.principals[principal];
    let mut rng = Rng::new(derive(cfg.seed, 0x1ac1d, 0));
    let day = i64::from(cfg.days / 2);
    let t0 = crate::start_epoch(cfg) + day * DAY + 2 * 3600 + rng.below(7200) as i64;

    let mut steps = Vec::new();
    let mut push = |time: i64, name: &str, outcome: Outcome, on_backdoor: bool| {
        steps.push(Step {
            time,
            api: id(name),
            outcome,
            on_backdoor,
        });
    };
    for (k, name) in READS_BEFORE.iter().enumerate() {
        push(t0 - 50 + 12 * k as i64, name, Outcome::Ok, false);
    }
    let denied = burst_size(cfg.records);
    for _ in 0..denied {
        let t = t0 + rng.below(1200) as i64;
        // Enumeration scripts retry the call they want most: a third of the burst is the first one.
        let call = if rng.chance(RETRIED_SHARE) {
            BURST[0]
        } else {
            BURST[rng.index(BURST.len())]
        };
        push(t, call, Outcome::Denied, false);
    }
    push(
        t0 + 540 + rng.below(120) as i64,
        "ListBuckets",
        Outcome::Ok,
        false,
    );
    let mut t = t0 + 1200 + rng.range(60, 180) as i64;
    for name in SENSITIVE {
        push(t, name, Outcome::Ok, true);
        t += rng.range(20, 90) as i64;
    }
    steps.sort_by_key(|s| s.time);

    let client = Client {
        ip: ATTACKER_IPS[(cfg.seed % ATTACKER_IPS.len() as u64) as usize].to_string(),
        agent: ATTACKER_AGENT,
    };
    let first = steps.first()?.time;
    let last = steps.last()?.time;
    let public = Incident {
        account: acct.id.clone(),
        region: crate::world::REGIONS[0].to_string(),
        user_name: user.name.clone(),
        arn: format!("arn:aws:iam::{}:user/{}", acct.id, user.name),
        access_key_id: user.access_key.clone(),
        source_ip: client.ip.clone(),
        user_agent: client.agent.to_string(),
        backdoor_user: BACKDOOR_USER.to_string(),
        denied_events: denied,
        successful_reads: READS_BEFORE.len() as u64 + 1,
        sensitive_calls: SENSITIVE.iter().map(|s| s.to_string()).collect(),
        events: steps.len() as u64,
        start: DateTime::from_timestamp(first, 0)?,
        end: DateTime::from_timestamp(last, 0)?,
    };
    debug_assert!(steps.iter().all(|s| api(s.api).read_only || s.on_backdoor));
    Some(Plan {
        public,
        steps,
        principal,
        client,
        self_target: Target {
            user: user.name.clone(),
            policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess",
            policy_name: "maintenance",
        },
        backdoor: Target {
            user: BACKDOOR_USER.to_string(),
            policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess",
            policy_name: "maintenance",
        },
    })
}
