//! The simulated organisation: accounts, their resources and the principals acting in them.
//!
//! Everything here is derived from the seed alone, so every worker thread sees the same world.

mod habits;

use habits::*;
pub(crate) use habits::{
    CONSOLE_AGENTS, FUNCTIONS, MANAGED_POLICIES, PARAMETERS, PLANTED_USER, REGIONS, SECRETS, TABLES,
};

use crate::catalog::{ApiId, api, api_id};
use crate::rng::{Rng, Weighted, derive, mix64};

/// The `userIdentity.type` of a principal (and how its identity block is written).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The account root user.
    Root,
    /// A long-term IAM user.
    IamUser,
    /// A role session.
    AssumedRole,
    /// An AWS service calling on the account's behalf (`type` AWSService, `invokedBy`).
    AwsService,
    /// An `AwsServiceEvent` record: `userIdentity` holds only `accountId` and `invokedBy`.
    ServiceEvent,
    /// A `GetFederationToken` session.
    FederatedUser,
    /// An IAM Identity Center user on the access portal.
    IdentityCenterUser,
}

/// The APIs one principal calls in one kind of region, with weights.
#[derive(Debug, Default)]
pub(crate) struct ApiMix {
    ids: Vec<ApiId>,
    weights: Weighted,
}

impl ApiMix {
    fn new(profile: Profile, home: bool) -> Self {
        let (ids, weights): (Vec<ApiId>, Vec<u64>) = profile
            .iter()
            .map(|&(name, w)| {
                let id = api_id(name).unwrap_or_else(|| panic!("profile names unknown API {name}"));
                (id, w)
            })
            .filter(|&(id, _)| home || !api(id).global)
            .unzip();
        ApiMix {
            ids,
            weights: Weighted::new(weights),
        }
    }

    /// True when the principal calls nothing here.
    pub(crate) fn is_empty(&self) -> bool {
        self.weights.total() == 0
    }

    /// Draws one API.
    pub(crate) fn sample(&self, rng: &mut Rng) -> ApiId {
        self.ids[self.weights.sample(rng)]
    }
}

/// One identity acting in an account.
#[derive(Debug)]
pub(crate) struct Principal {
    /// Identity type.
    pub(crate) kind: Kind,
    /// User name, role name, federated name, or service host for AWS services.
    pub(crate) name: String,
    /// `AIDA…` / `AROA…` unique id (the Identity Center user id for Identity Center users).
    pub(crate) unique_id: String,
    /// Long-term `AKIA…` key of an IAM user; empty otherwise.
    pub(crate) access_key: String,
    /// IAM path of a role (`/`, `/aws-reserved/sso.amazonaws.com/`, ...).
    pub(crate) path: &'static str,
    /// Role session names (or the federated session's issuer user for federated users).
    pub(crate) sessions: Vec<String>,
    /// `invokedBy` for AWS services and service-linked role sessions.
    pub(crate) invoked_by: Option<&'static str>,
    /// The AWS service that assumes this role for its workloads (Lambda, ECS tasks, EC2 instances).
    pub(crate) assumed_by: Option<&'static str>,
    /// Sessions delivered to EC2 instances (adds `ec2RoleDelivery`).
    pub(crate) ec2: bool,
    /// Source IP addresses of programmatic calls.
    pub(crate) ips: Vec<String>,
    /// User agents of programmatic calls.
    pub(crate) agents: &'static [&'static str],
    /// Probability that an event comes from a console session.
    pub(crate) console: f64,
    /// A VPC endpoint some calls go through.
    pub(crate) vpce: Option<String>,
    /// Relative activity.
    pub(crate) activity: u64,
    /// APIs called in us-east-1 (index 0) and in other regions (index 1).
    pub(crate) mix: [ApiMix; 2],
    /// The bucket its S3 calls favour, if any.
    pub(crate) home_bucket: Option<usize>,
    /// A per-principal hash that keys its session credentials.
    pub(crate) salt: u64,
}

impl Principal {
    /// Whether background authorization failures may be attributed to this principal.
    pub(crate) fn can_be_denied(&self) -> bool {
        !matches!(self.kind, Kind::AwsService | Kind::ServiceEvent) && self.invoked_by.is_none()
    }
}

/// Who acts in an account, per kind of region (us-east-1 or other).
#[derive(Debug, Default)]
pub(crate) struct Population {
    /// Activity distribution over principals.
    pub(crate) activity: Weighted,
    /// Principals to which background authorization failures are spread uniformly.
    pub(crate) deniable: Vec<usize>,
}

/// One AWS account with its resources and principals.
#[derive(Debug)]
pub(crate) struct Account {
    /// 12-digit account id (may start with 0).
    pub(crate) id: String,
    /// S3 buckets.
    pub(crate) buckets: Vec<String>,
    /// IAM user names (targets of IAM user calls).
    pub(crate) users: Vec<String>,
    /// Roles: (name, path, unique id).
    pub(crate) roles: Vec<(String, &'static str, String)>,
    /// KMS key ids (UUIDs).
    pub(crate) keys: Vec<String>,
    /// EC2 instance ids.
    pub(crate) instances: Vec<String>,
    /// Security group ids.
    pub(crate) security_groups: Vec<String>,
    /// Subnet ids.
    pub(crate) subnets: Vec<String>,
    /// The VPC id.
    pub(crate) vpc: String,
    /// An AMI id.
    pub(crate) ami: String,
    /// GuardDuty detector id.
    pub(crate) detector: String,
    /// Identity Center identity store id.
    pub(crate) identity_store: String,
    /// Principals.
    pub(crate) principals: Vec<Principal>,
    /// Populations for us-east-1 (index 0) and for other regions (index 1).
    pub(crate) population: [Population; 2],
}

/// Characters of IAM unique ids and access key ids.
const ID_CHARS: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Appends `n` id characters derived from `h` (deterministic, 5 bits per character).
pub(crate) fn push_id_chars(out: &mut Vec<u8>, h: u64, n: usize) {
    let mut x = h;
    for i in 0..n {
        if i % 12 == 0 && i > 0 {
            x = mix64(h ^ mix64(i as u64));
        }
        out.push(ID_CHARS[(x & 31) as usize]);
        x >>= 5;
    }
}

/// An id such as `AKIA` + 16 characters.
pub(crate) fn id_string(prefix: &str, h: u64, n: usize) -> String {
    let mut out = prefix.as_bytes().to_vec();
    push_id_chars(&mut out, h, n);
    String::from_utf8(out).unwrap_or_default()
}

/// Lower-case hex of the low `n` nibbles of a hash stream.
pub(crate) fn push_hex(out: &mut Vec<u8>, h: u64, n: usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut x = h;
    for i in 0..n {
        if i % 16 == 0 && i > 0 {
            x = mix64(h ^ mix64(i as u64));
        }
        out.push(HEX[(x & 15) as usize]);
        x >>= 4;
    }
}

fn hex_string(prefix: &str, h: u64, n: usize) -> String {
    let mut out = prefix.as_bytes().to_vec();
    push_hex(&mut out, h, n);
    String::from_utf8(out).unwrap_or_default()
}

/// A version-4 UUID-shaped string (`8-4-4-4-12` lower-case hex). All 64 bits of `a` are kept (so distinct `a`
/// give distinct UUIDs); `b` fills the remaining 58 bits.
pub(crate) fn push_uuid(out: &mut Vec<u8>, a: u64, b: u64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let nib = |x: u64, i: u32| HEX[((x >> (4 * i)) & 15) as usize];
    let mut from_a = (0..16).map(|i| nib(a, i));
    let mut from_b = (0..14).map(|i| nib(b, i));
    let mut hex = [0u8; 32];
    for (pos, slot) in hex.iter_mut().enumerate() {
        *slot = match pos {
            12 => b'4',
            16 => b"89ab"[(b >> 62) as usize],
            0..=11 | 13..=15 | 17 => from_a.next().unwrap_or(b'0'),
            _ => from_b.next().unwrap_or(b'0'),
        };
    }
    for (i, part) in [0..8, 8..12, 12..16, 16..20, 20..32]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            out.push(b'-');
        }
        out.extend_from_slice(&hex[part]);
    }
}

fn uuid_string(a: u64, b: u64) -> String {
    let mut out = Vec::with_capacity(36);
    push_uuid(&mut out, a, b);
    String::from_utf8(out).unwrap_or_default()
}

/// An IPv4 address `a.b.x.y` with `x`, `y` from `h`.
fn ip(a: u8, b: u8, h: u64) -> String {
    format!("{a}.{b}.{}.{}", (h >> 8) % 256, 1 + h % 254)
}

/// Builds all accounts for a seed.
pub(crate) fn build_accounts(seed: u64, count: usize) -> Vec<Account> {
    let mut ids: Vec<String> = Vec::with_capacity(count);
    for i in 0..count {
        let mut k = 0;
        loop {
            let h = derive(seed, 0xacc7, (i as u64) << 8 | k);
            // Every third account has a leading zero, which must survive as text.
            let id = if i % 3 == 2 {
                format!("0{:011}", h % 100_000_000_000)
            } else {
                format!("{:012}", 100_000_000_000 + h % 899_999_999_999)
            };
            if !ids.contains(&id) {
                ids.push(id);
                break;
            }
            k += 1;
        }
    }
    ids.into_iter()
        .enumerate()
        .map(|(i, id)| build_account(seed, i, id))
        .collect()
}

struct Builder {
    h: u64,
    n: u64,
}

impl Builder {
    fn next(&mut self) -> u64 {
        self.n += 1;
        derive(self.h, 0xb111d, self.n)
    }
}

#[allow(clippy::too_many_arguments)]
fn principal(
    kind: Kind,
    name: String,
    unique_id: String,
    path: &'static str,
    sessions: Vec<String>,
    ips: Vec<String>,
    agents: &'static [&'static str],
    console: f64,
    activity: u64,
    profile: Profile,
) -> Principal {
    let session_salt = sessions.first().map_or(0, |s| fnv(s));
    let salt = fnv(&name) ^ mix64(fnv(&unique_id) ^ mix64(session_salt));
    Principal {
        kind,
        access_key: String::new(),
        path,
        sessions,
        invoked_by: None,
        assumed_by: None,
        ec2: false,
        ips,
        agents,
        console,
        vpce: None,
        activity,
        mix: [ApiMix::new(profile, true), ApiMix::new(profile, false)],
        home_bucket: None,
        salt,
        name,
        unique_id,
    }
}

/// FNV-1a of a string, for stable per-name salts.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn build_account(seed: u64, index: usize, id: String) -> Account {
    let mut b = Builder {
        h: derive(seed, 0xacc0, index as u64),
        n: 0,
    };
    let short = &id[id.len() - 4..];
    let buckets: Vec<String> = BUCKET_PREFIXES
        .iter()
        .map(|p| format!("{p}-{id}"))
        .collect();
    let corp = |b: &mut Builder| ip(198, 51, b.next());
    let home = |b: &mut Builder| ip(203, 0, b.next());
    let mut principals = Vec::new();

    principals.push(principal(
        Kind::Root,
        "root".into(),
        id.clone(),
        "/",
        vec![],
        vec![home(&mut b)],
        CONSOLE_AGENTS,
        1.0,
        1,
        ROOT,
    ));

    let mut users = Vec::new();
    for k in 0..6 {
        let name = HUMANS[(index * 5 + k) % HUMANS.len()].to_string();
        let mut p = principal(
            Kind::IamUser,
            name.clone(),
            id_string("AIDA", b.next(), 17),
            "/",
            vec![],
            vec![corp(&mut b), home(&mut b)],
            CLI_AGENTS,
            0.3,
            40,
            HUMAN,
        );
        p.access_key = id_string("AKIA", b.next(), 16);
        users.push(name);
        principals.push(p);
    }
    for k in 0..2 {
        let name = CI_USERS[(index * 2 + k) % CI_USERS.len()].to_string();
        let mut p = principal(
            Kind::IamUser,
            name.clone(),
            id_string("AIDA", b.next(), 17),
            "/",
            vec![],
            vec![
                ip(20, 102, b.next()),
                ip(20, 57, b.next()),
                ip(4, 175, b.next()),
            ],
            CI_AGENTS,
            0.0,
            60,
            CI,
        );
        p.access_key = id_string("AKIA", b.next(), 16);
        users.push(name);
        principals.push(p);
    }
    let service_user = if index == 0 {
        PLANTED_USER.to_string()
    } else {
        SERVICE_USERS[index % SERVICE_USERS.len()].to_string()
    };
    let mut svc = principal(
        Kind::IamUser,
        service_user.clone(),
        id_string("AIDA", b.next(), 17),
        "/",
        vec![],
        vec![ip(192, 0, b.next())],
        BACKUP_AGENTS,
        0.0,
        25,
        BACKUP,
    );
    svc.access_key = id_string("AKIA", b.next(), 16);
    svc.home_bucket = BUCKET_PREFIXES.iter().position(|p| *p == "backups");
    users.push(service_user);
    principals.push(svc);

    let mut roles: Vec<(String, &'static str, String)> = Vec::new();
    let mut role = |name: String, path: &'static str, b: &mut Builder| -> (String, String) {
        let rid = id_string("AROA", b.next(), 17);
        roles.push((name.clone(), path, rid.clone()));
        (name, rid)
    };

    let sso_path = "/aws-reserved/sso.amazonaws.com/";
    let sso_sets: [(&str, Profile, usize); 3] = [
        ("AdministratorAccess", ADMIN, 3),
        ("ReadOnlyAccess", READONLY, 3),
        ("PowerUserAccess", HUMAN, 4),
    ];
    let mut email_index = index * 3;
    for (set, profile, people) in sso_sets {
        let mut suffix = Vec::new();
        push_hex(&mut suffix, b.next(), 16);
        let (name, rid) = role(
            format!("AWSReservedSSO_{set}_{}", String::from_utf8_lossy(&suffix)),
            sso_path,
            &mut b,
        );
        for _ in 0..people {
            let person = HUMANS[email_index % HUMANS.len()];
            email_index += 1;
            principals.push(principal(
                Kind::AssumedRole,
                name.clone(),
                rid.clone(),
                sso_path,
                vec![format!("{person}@example.com")],
                vec![corp(&mut b), home(&mut b)],
                CLI_AGENTS,
                0.6,
                50,
                profile,
            ));
        }
    }

    let nat = [
        ip(3, 217, b.next()),
        ip(52, 23, b.next()),
        ip(54, 210, b.next()),
    ];
    let vpce = hex_string("vpce-", b.next(), 17);
    for f in FUNCTIONS {
        let (name, rid) = role(format!("{f}-lambda-role"), "/service-role/", &mut b);
        let mut p = principal(
            Kind::AssumedRole,
            name,
            rid,
            "/service-role/",
            vec![f.to_string()],
            nat.to_vec(),
            &APP_AGENTS[..2],
            0.0,
            60,
            APP,
        );
        p.vpce = Some(vpce.clone());
        p.assumed_by = Some("lambda.amazonaws.com");
        principals.push(p);
    }
    for task in ["orders-worker", "ledger-consumer"] {
        let (name, rid) = role(format!("{task}-task-role"), "/", &mut b);
        let sessions = (0..3).map(|_| hex_string("", b.next(), 32)).collect();
        let mut p = principal(
            Kind::AssumedRole,
            name,
            rid,
            "/",
            sessions,
            nat.to_vec(),
            &APP_AGENTS[2..],
            0.0,
            60,
            APP,
        );
        p.vpce = Some(vpce.clone());
        p.assumed_by = Some("ecs-tasks.amazonaws.com");
        principals.push(p);
    }
    let instances: Vec<String> = (0..8).map(|_| hex_string("i-0", b.next(), 16)).collect();
    {
        let (name, rid) = role("app-server-instance-role".into(), "/", &mut b);
        let mut p = principal(
            Kind::AssumedRole,
            name,
            rid,
            "/",
            instances[..4].to_vec(),
            nat.to_vec(),
            &APP_AGENTS[..1],
            0.0,
            50,
            APP,
        );
        p.ec2 = true;
        p.assumed_by = Some("ec2.amazonaws.com");
        principals.push(p);
    }
    {
        let (name, rid) = role("SecurityAuditRole".into(), "/", &mut b);
        let sessions = (0..2)
            .map(|k| format!("prowler-scan-{}", 1_714_000_000 + b.next() % 900_000 + k))
            .collect();
        principals.push(principal(
            Kind::AssumedRole,
            name,
            rid,
            "/",
            sessions,
            vec![ip(35, 204, b.next())],
            SCANNER_AGENTS,
            0.0,
            80,
            SCANNER,
        ));
    }
    for (svc_host, role_name, session) in [
        (
            "config.amazonaws.com",
            "AWSServiceRoleForConfig",
            "AWSConfig-Describe",
        ),
        (
            "access-analyzer.amazonaws.com",
            "AWSServiceRoleForAccessAnalyzer",
            "access-analyzer",
        ),
    ] {
        let path: &'static str = match svc_host {
            "config.amazonaws.com" => "/aws-service-role/config.amazonaws.com/",
            _ => "/aws-service-role/access-analyzer.amazonaws.com/",
        };
        let (name, rid) = role(role_name.into(), path, &mut b);
        let mut p = principal(
            Kind::AssumedRole,
            name,
            rid,
            path,
            vec![session.into()],
            vec![svc_host.into()],
            &[],
            0.0,
            40,
            SERVICE_LINKED,
        );
        p.invoked_by = Some(svc_host);
        principals.push(p);
    }
    for (host, profile) in [
        ("lambda.amazonaws.com", AWS_SERVICE),
        ("ecs-tasks.amazonaws.com", AWS_SERVICE),
        ("ec2.amazonaws.com", AWS_SERVICE),
        ("cloudtrail.amazonaws.com", CLOUDTRAIL_SERVICE),
    ] {
        let mut p = principal(
            Kind::AwsService,
            host.into(),
            String::new(),
            "/",
            vec![],
            vec![host.into()],
            &[],
            0.0,
            25,
            profile,
        );
        p.invoked_by = Some(host);
        principals.push(p);
    }
    {
        let mut p = principal(
            Kind::ServiceEvent,
            "kms.amazonaws.com".into(),
            String::new(),
            "/",
            vec![],
            vec!["kms.amazonaws.com".into()],
            &[],
            0.0,
            3,
            SERVICE_EVENT,
        );
        p.invoked_by = Some("kms.amazonaws.com");
        principals.push(p);
    }
    {
        // A federation session issued to the first CI user.
        let issuer = principals
            .iter()
            .find(|p| p.kind == Kind::IamUser && p.agents == CI_AGENTS)
            .map(|p| (p.name.clone(), p.unique_id.clone()));
        if let Some((issuer_name, issuer_id)) = issuer {
            principals.push(principal(
                Kind::FederatedUser,
                format!("data-analyst-{short}"),
                issuer_id,
                "/",
                vec![issuer_name],
                vec![corp(&mut b)],
                CLI_AGENTS,
                0.0,
                15,
                FEDERATED,
            ));
        }
    }
    for _ in 0..2 {
        let person = HUMANS[email_index % HUMANS.len()];
        email_index += 1;
        let mut user_id = Vec::new();
        push_uuid(&mut user_id, b.next(), b.next());
        principals.push(principal(
            Kind::IdentityCenterUser,
            format!("{person}@example.com"),
            String::from_utf8(user_id).unwrap_or_default(),
            "/",
            vec![],
            vec![corp(&mut b), home(&mut b)],
            &CONSOLE_AGENTS[1..],
            0.0,
            15,
            IDENTITY_CENTER,
        ));
    }

    let population = [0, 1].map(|m| Population {
        activity: Weighted::new(
            principals
                .iter()
                .map(|p| if p.mix[m].is_empty() { 0 } else { p.activity }),
        ),
        deniable: (0..principals.len())
            .filter(|&k| principals[k].can_be_denied() && !principals[k].mix[m].is_empty())
            .collect(),
    });

    Account {
        keys: (0..3).map(|_| uuid_string(b.next(), b.next())).collect(),
        security_groups: (0..4).map(|_| hex_string("sg-0", b.next(), 16)).collect(),
        subnets: (0..3)
            .map(|_| hex_string("subnet-0", b.next(), 16))
            .collect(),
        vpc: hex_string("vpc-0", b.next(), 16),
        ami: hex_string("ami-0", b.next(), 16),
        detector: hex_string("", b.next(), 32),
        identity_store: hex_string("d-", b.next(), 10),
        id,
        buckets,
        users,
        roles,
        instances,
        principals,
        population,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_distinct_and_populated() {
        let accounts = build_accounts(42, 3);
        assert_eq!(accounts.len(), 3);
        assert!(accounts[2].id.starts_with('0'));
        for a in &accounts {
            assert_eq!(a.id.len(), 12);
            assert!(a.id.bytes().all(|c| c.is_ascii_digit()));
            assert!(
                (30..=60).contains(&a.principals.len()),
                "{}",
                a.principals.len()
            );
            assert!(a.population[0].activity.total() > 0);
            assert!(a.population[1].activity.total() > 0);
            assert!(a.population[0].deniable.len() >= 25);
        }
        assert_ne!(accounts[0].id, accounts[1].id);
        let planted = accounts[0]
            .principals
            .iter()
            .filter(|p| p.name == PLANTED_USER)
            .count();
        assert_eq!(planted, 1);
        assert!(
            accounts[1..]
                .iter()
                .all(|a| a.principals.iter().all(|p| p.name != PLANTED_USER))
        );
    }

    #[test]
    fn uuids_are_shaped() {
        let mut out = Vec::new();
        push_uuid(&mut out, 1, 2);
        let s = String::from_utf8(out).expect("ascii");
        let parts: Vec<&str> = s.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
    }
}
