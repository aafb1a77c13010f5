//! Writes one complete CloudTrail record, with the top-level keys in the order CloudTrail uses.

use crate::catalog::{Api, Endpoint, Shape, Svc};
use crate::json::Json;
use crate::payload::{self, Ctx, Subject, Target};
use crate::rng::{Rng, mix64};
use crate::time::push_event_time;
use crate::world::{Account, CONSOLE_AGENTS, Kind, Principal, push_id_chars, push_uuid};

/// How a call ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Success: no `errorCode`.
    Ok,
    /// An authorization failure (`AccessDenied` / `Client.UnauthorizedOperation`).
    Denied,
    /// Another failure: the target does not exist, or the caller was throttled.
    Failed,
}

/// The attacker's client, which replaces the principal's usual IP address and user agent.
#[derive(Clone, Debug)]
pub(crate) struct Client {
    /// `sourceIPAddress`.
    pub(crate) ip: String,
    /// `userAgent`.
    pub(crate) agent: &'static str,
}

/// Everything that decides one record.
pub(crate) struct Event<'a> {
    /// Recipient account.
    pub(crate) acct: &'a Account,
    /// `awsRegion`.
    pub(crate) region: &'static str,
    /// The caller.
    pub(crate) principal: &'a Principal,
    /// The call.
    pub(crate) api: &'static Api,
    /// Event time, epoch seconds.
    pub(crate) time: i64,
    /// Success or failure.
    pub(crate) outcome: Outcome,
    /// The record's index in the whole generated set; keys the unique `eventID`.
    pub(crate) uid: u64,
    /// The attacker's client, for incident events.
    pub(crate) client: Option<&'a Client>,
    /// The incident's IAM write target.
    pub(crate) target: Option<&'a Target>,
}

/// The error code counted as an authorization failure for a service.
pub(crate) fn denied_code(svc: Svc) -> &'static str {
    if svc == Svc::EC2 {
        "Client.UnauthorizedOperation"
    } else {
        "AccessDenied"
    }
}

/// Salt that turns record indices into event ids; fixed so ids depend only on (seed, index).
const EVENT_ID_SALT: u64 = 0x7261_776c_6576_6e74;

struct Caller<'a> {
    session: &'a str,
    console: bool,
    vpce: bool,
    hour: i64,
}

/// Writes the record as one JSON object.
pub(crate) fn write(j: &mut Json, e: &Event, seed: u64, rng: &mut Rng) {
    let p = e.principal;
    let api = e.api;
    let svc = api.service();
    let session = if p.sessions.is_empty() {
        ""
    } else {
        rng.pick(&p.sessions).as_str()
    };
    let console = e.client.is_none()
        && (api.shape == Shape::ConsoleLogin
            || (p.console > 0.0 && !api.data && rng.chance(p.console)));
    let vpce = p.vpce.is_some()
        && e.client.is_none()
        && matches!(svc.endpoint, Endpoint::S3 | Endpoint::Regional(_))
        && matches!(
            api.svc,
            Svc::S3 | Svc::DDB | Svc::KMS | Svc::SECRETS | Svc::SSM
        )
        && rng.chance(0.3);
    let caller = Caller {
        session,
        console,
        vpce,
        hour: e.time.div_euclid(3600),
    };
    let s = Subject::draw(rng);
    let ctx = Ctx {
        acct: e.acct,
        region: e.region,
        time: e.time,
        principal: p,
        target: e.target,
    };

    j.obj();
    j.kv(
        "eventVersion",
        if p.kind == Kind::IdentityCenterUser {
            "1.09"
        } else {
            svc.version
        },
    );
    j.key("userIdentity");
    identity(j, e, &caller);
    j.key("eventTime");
    j.begin_str();
    push_event_time(&mut j.buf, e.time);
    j.end_str();
    j.kv("eventSource", svc.source);
    j.kv("eventName", api.name);
    j.kv("awsRegion", if api.global { "us-east-1" } else { e.region });
    j.key("sourceIPAddress");
    source_ip(j, e, &caller, rng);
    j.key("userAgent");
    user_agent(j, e, &caller, rng);
    let failed = match e.outcome {
        Outcome::Ok => false,
        Outcome::Denied => {
            j.kv("errorCode", denied_code(api.svc));
            j.key("errorMessage");
            denied_message(j, e, &caller);
            true
        }
        Outcome::Failed => {
            let (code, message) = match api.not_found {
                Some(nf) if rng.chance(0.7) => nf,
                _ => svc.throttle,
            };
            j.kv("errorCode", code);
            j.kv("errorMessage", message);
            true
        }
    };
    j.key("requestParameters");
    payload::request(j, &ctx, api, &s);
    j.key("responseElements");
    if failed {
        j.null();
    } else {
        payload::response(j, &ctx, api, &s, rng);
    }
    if payload::has_additional(api) {
        j.key("additionalEventData");
        payload::additional(j, &ctx, api, &s, rng);
    }
    if !matches!(p.kind, Kind::ServiceEvent) && api.shape != Shape::ConsoleLogin {
        j.key("requestID");
        j.begin_str();
        if api.svc == Svc::S3 {
            const ALNUM: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            let mut x = rng.next_u64();
            for _ in 0..16 {
                j.buf.push(ALNUM[(x % 36) as usize]);
                x /= 36;
            }
        } else {
            push_uuid(&mut j.buf, rng.next_u64(), rng.next_u64());
        }
        j.end_str();
    }
    j.key("eventID");
    j.begin_str();
    push_uuid(
        &mut j.buf,
        mix64(e.uid ^ mix64(seed ^ EVENT_ID_SALT)),
        rng.next_u64(),
    );
    j.end_str();
    j.kb("readOnly", api.read_only);
    if payload::has_resources(api) {
        j.key("resources");
        payload::resources(j, &ctx, api, &s);
    }
    j.kv(
        "eventType",
        match (p.kind, api.shape) {
            (_, Shape::ConsoleLogin) => "AwsConsoleSignIn",
            (Kind::ServiceEvent, _) => "AwsServiceEvent",
            _ => "AwsApiCall",
        },
    );
    j.kb("managementEvent", !api.data);
    j.kv("recipientAccountId", &e.acct.id);
    if p.kind == Kind::AwsService && api.shape == Shape::StsAssumeRole {
        j.key("sharedEventID");
        j.begin_str();
        push_uuid(&mut j.buf, rng.next_u64(), rng.next_u64());
        j.end_str();
    }
    if let (true, Some(id)) = (caller.vpce, &p.vpce) {
        j.kv("vpcEndpointId", id);
    }
    j.kv(
        "eventCategory",
        if api.data { "Data" } else { "Management" },
    );
    if p.invoked_by.is_none() && rng.chance(0.92) {
        tls(j, e, rng);
    }
    if caller.console && api.shape != Shape::ConsoleLogin {
        j.kv("sessionCredentialFromConsole", "true");
    }
    j.end_obj();
}

fn session_key(j: &mut Json, p: &Principal, c: &Caller) {
    j.key("accessKeyId");
    j.begin_str();
    j.frag("ASIA");
    push_id_chars(
        &mut j.buf,
        mix64(p.salt ^ mix64(c.hour as u64) ^ c.session.len() as u64),
        16,
    );
    j.end_str();
}

fn attributes(j: &mut Json, p: &Principal, c: &Caller, time: i64, mfa: bool) {
    let mut created = c.hour * 3600 + (mix64(p.salt ^ c.hour as u64) % 3000) as i64;
    if created > time {
        created -= 3600;
    }
    j.key("attributes");
    j.obj();
    j.key("creationDate");
    j.begin_str();
    push_event_time(&mut j.buf, created);
    j.end_str();
    j.kv("mfaAuthenticated", if mfa { "true" } else { "false" });
    j.end_obj();
}

fn user_arn(j: &mut Json, acct: &str, name: &str) {
    j.begin_str();
    j.frag("arn:aws:iam::");
    j.frag(acct);
    j.frag(":user/");
    j.frag(name);
    j.end_str();
}

fn assumed_arn_frags(j: &mut Json, acct: &str, p: &Principal, session: &str) {
    j.frag("arn:aws:sts::");
    j.frag(acct);
    j.frag(":assumed-role/");
    j.frag(&p.name);
    j.frag("/");
    j.frag(session);
}

fn identity(j: &mut Json, e: &Event, c: &Caller) {
    let p = e.principal;
    let acct = e.acct.id.as_str();
    j.obj();
    match p.kind {
        Kind::Root => {
            j.kv("type", "Root");
            j.kv("principalId", acct);
            j.key("arn");
            j.begin_str();
            j.frag("arn:aws:iam::");
            j.frag(acct);
            j.frag(":root");
            j.end_str();
            j.kv("accountId", acct);
            if c.console && e.api.shape != Shape::ConsoleLogin {
                session_key(j, p, c);
                j.key("sessionContext");
                j.obj();
                j.key("sessionIssuer");
                j.raw("{}");
                j.key("webIdFederationData");
                j.raw("{}");
                attributes(j, p, c, e.time, true);
                j.end_obj();
            } else {
                j.kv("accessKeyId", "");
            }
        }
        Kind::IamUser => {
            j.kv("type", "IAMUser");
            j.kv("principalId", &p.unique_id);
            j.key("arn");
            user_arn(j, acct, &p.name);
            j.kv("accountId", acct);
            if c.console {
                if e.api.shape != Shape::ConsoleLogin {
                    session_key(j, p, c);
                }
                j.kv("userName", &p.name);
                if e.api.shape != Shape::ConsoleLogin {
                    j.key("sessionContext");
                    j.obj();
                    j.key("sessionIssuer");
                    j.raw("{}");
                    j.key("webIdFederationData");
                    j.raw("{}");
                    attributes(j, p, c, e.time, true);
                    j.end_obj();
                }
            } else {
                j.kv("accessKeyId", &p.access_key);
                j.kv("userName", &p.name);
            }
        }
        Kind::AssumedRole => {
            j.kv("type", "AssumedRole");
            j.key("principalId");
            j.begin_str();
            j.frag(&p.unique_id);
            j.frag(":");
            j.frag(c.session);
            j.end_str();
            j.key("arn");
            j.begin_str();
            assumed_arn_frags(j, acct, p, c.session);
            j.end_str();
            j.kv("accountId", acct);
            if p.invoked_by.is_none() {
                session_key(j, p, c);
            }
            j.key("sessionContext");
            j.obj();
            j.key("sessionIssuer");
            j.obj();
            j.kv("type", "Role");
            j.kv("principalId", &p.unique_id);
            j.key("arn");
            j.begin_str();
            j.frag("arn:aws:iam::");
            j.frag(acct);
            j.frag(":role");
            j.frag(p.path);
            j.frag(&p.name);
            j.end_str();
            j.kv("accountId", acct);
            j.kv("userName", &p.name);
            j.end_obj();
            j.key("webIdFederationData");
            j.raw("{}");
            attributes(j, p, c, e.time, false);
            if p.ec2 {
                j.kv("ec2RoleDelivery", "2.0");
            }
            j.end_obj();
            if let Some(by) = p.invoked_by {
                j.kv("invokedBy", by);
            }
        }
        Kind::AwsService => {
            j.kv("type", "AWSService");
            j.kv("invokedBy", p.invoked_by.unwrap_or(&p.name));
        }
        Kind::ServiceEvent => {
            j.kv("accountId", acct);
            j.kv("invokedBy", p.invoked_by.unwrap_or(&p.name));
        }
        Kind::FederatedUser => {
            j.kv("type", "FederatedUser");
            j.key("principalId");
            j.begin_str();
            j.frag(acct);
            j.frag(":");
            j.frag(&p.name);
            j.end_str();
            j.key("arn");
            j.begin_str();
            j.frag("arn:aws:sts::");
            j.frag(acct);
            j.frag(":federated-user/");
            j.frag(&p.name);
            j.end_str();
            j.kv("accountId", acct);
            session_key(j, p, c);
            j.key("sessionContext");
            j.obj();
            j.key("sessionIssuer");
            j.obj();
            j.kv("type", "IAMUser");
            j.kv("principalId", &p.unique_id);
            j.key("arn");
            user_arn(j, acct, c.session);
            j.kv("accountId", acct);
            j.kv("userName", c.session);
            j.end_obj();
            j.key("webIdFederationData");
            j.raw("{}");
            attributes(j, p, c, e.time, false);
            j.end_obj();
        }
        Kind::IdentityCenterUser => {
            j.kv("type", "IdentityCenterUser");
            j.kv("accountId", acct);
            j.key("onBehalfOf");
            j.obj();
            j.kv("userId", &p.unique_id);
            j.key("identityStoreArn");
            j.begin_str();
            j.frag("arn:aws:identitystore::");
            j.frag(acct);
            j.frag(":identitystore/");
            j.frag(&e.acct.identity_store);
            j.end_str();
            j.end_obj();
            j.key("credentialId");
            j.begin_str();
            push_id_chars(&mut j.buf, mix64(p.salt ^ c.hour as u64), 24);
            j.end_str();
        }
    }
    j.end_obj();
}

fn source_ip(j: &mut Json, e: &Event, c: &Caller, rng: &mut Rng) {
    let p = e.principal;
    if let Some(client) = e.client {
        j.str(&client.ip);
    } else if let Some(host) = p.invoked_by {
        j.str(host);
    } else if c.vpce {
        j.begin_str();
        j.frag("10.0.");
        j.frag_u64(rng.below(32));
        j.frag(".");
        j.frag_u64(1 + rng.below(254));
        j.end_str();
    } else if c.console && p.ips.len() > 1 {
        // Console sessions come from the first (office) address most of the time.
        j.str(&p.ips[usize::from(rng.chance(0.3))]);
    } else {
        j.str(rng.pick(&p.ips[..]).as_str());
    }
}

fn user_agent(j: &mut Json, e: &Event, c: &Caller, rng: &mut Rng) {
    let p = e.principal;
    if let Some(client) = e.client {
        j.str(client.agent);
    } else if let Some(host) = p.invoked_by {
        j.str(host);
    } else if c.console || p.agents.is_empty() {
        j.str(rng.pick::<&str>(CONSOLE_AGENTS));
    } else {
        j.str(rng.pick::<&str>(p.agents));
    }
}

fn denied_message(j: &mut Json, e: &Event, c: &Caller) {
    let api = e.api;
    let svc = api.service();
    if api.svc == Svc::S3 {
        j.str("Access Denied");
        return;
    }
    let acct = e.acct.id.as_str();
    let p = e.principal;
    j.begin_str();
    if api.svc == Svc::EC2 {
        j.frag("You are not authorized to perform this operation. ");
    }
    j.frag("User: ");
    match p.kind {
        Kind::Root => {
            j.frag("arn:aws:iam::");
            j.frag(acct);
            j.frag(":root");
        }
        Kind::IamUser => {
            j.frag("arn:aws:iam::");
            j.frag(acct);
            j.frag(":user/");
            j.frag(&p.name);
        }
        Kind::AssumedRole => assumed_arn_frags(j, acct, p, c.session),
        Kind::FederatedUser => {
            j.frag("arn:aws:sts::");
            j.frag(acct);
            j.frag(":federated-user/");
            j.frag(&p.name);
        }
        _ => j.frag(&p.unique_id),
    }
    j.frag(" is not authorized to perform: ");
    j.frag(svc.prefix);
    j.frag(":");
    j.frag(api.action());
    j.frag(" because no identity-based policy allows the ");
    j.frag(svc.prefix);
    j.frag(":");
    j.frag(api.action());
    j.frag(" action");
    j.end_str();
}

fn tls(j: &mut Json, e: &Event, rng: &mut Rng) {
    let svc = e.api.service();
    let v13 = rng.chance(0.6);
    j.key("tlsDetails");
    j.obj();
    j.kv("tlsVersion", if v13 { "TLSv1.3" } else { "TLSv1.2" });
    j.kv(
        "cipherSuite",
        if v13 {
            "TLS_AES_128_GCM_SHA256"
        } else {
            "ECDHE-RSA-AES128-GCM-SHA256"
        },
    );
    j.key("clientProvidedHostHeader");
    j.begin_str();
    match svc.endpoint {
        Endpoint::Global(host) => j.frag(host),
        Endpoint::Regional(prefix) => {
            j.frag(prefix);
            j.frag(".");
            j.frag(if e.api.global { "us-east-1" } else { e.region });
            j.frag(".amazonaws.com");
        }
        Endpoint::S3 => {
            j.frag("s3.");
            j.frag(e.region);
            j.frag(".amazonaws.com");
        }
    }
    j.end_str();
    j.end_obj();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{APIS, api_id};
    use crate::world::build_accounts;
    use serde_json::Value;

    fn render(e: &Event, rng: &mut Rng) -> Value {
        let mut j = Json::default();
        write(&mut j, e, 42, rng);
        serde_json::from_slice(&j.buf).unwrap_or_else(|err| {
            panic!("{}: {err}\n{}", e.api.name, String::from_utf8_lossy(&j.buf))
        })
    }

    #[test]
    fn every_api_principal_and_outcome_gives_a_valid_record() {
        let accounts = build_accounts(3, 1);
        let acct = &accounts[0];
        let mut rng = Rng::new(1);
        let mut uid = 0;
        for p in &acct.principals {
            for api in APIS {
                for outcome in [Outcome::Ok, Outcome::Denied, Outcome::Failed] {
                    let e = Event {
                        acct,
                        region: "eu-west-1",
                        principal: p,
                        api,
                        time: 1_714_600_000,
                        outcome,
                        uid,
                        client: None,
                        target: None,
                    };
                    uid += 1;
                    let r = render(&e, &mut rng);
                    assert_eq!(r["eventName"], api.name);
                    assert_eq!(r["eventTime"], "2024-05-01T21:46:40Z");
                    assert_eq!(
                        r["awsRegion"],
                        if api.global { "us-east-1" } else { "eu-west-1" }
                    );
                    assert_eq!(r["recipientAccountId"], acct.id.as_str());
                    assert_eq!(r.get("errorCode").is_some(), outcome != Outcome::Ok);
                    if outcome == Outcome::Denied {
                        assert_eq!(r["errorCode"], denied_code(api.svc));
                    }
                    let identity = r["userIdentity"].as_object().expect("userIdentity object");
                    match p.kind {
                        Kind::ServiceEvent => assert!(!identity.contains_key("type")),
                        Kind::AwsService => {
                            assert_eq!(r["userIdentity"]["type"], "AWSService");
                            assert!(r["userIdentity"]["invokedBy"].is_string());
                        }
                        _ => assert!(
                            identity.contains_key("type") && identity.contains_key("accountId")
                        ),
                    }
                }
            }
        }
    }

    fn event<'a>(acct: &'a Account, p: &'a Principal, name: &str) -> Event<'a> {
        Event {
            acct,
            region: "us-east-1",
            principal: p,
            api: crate::catalog::api(api_id(name).expect("known API")),
            time: 1_714_600_000,
            outcome: Outcome::Ok,
            uid: 7,
            client: None,
            target: None,
        }
    }

    #[test]
    fn payloads_have_the_shapes_cloudtrail_writes() {
        let accounts = build_accounts(5, 1);
        let acct = &accounts[0];
        let mut rng = Rng::new(2);
        let user = acct
            .principals
            .iter()
            .find(|p| p.kind == Kind::IamUser)
            .expect("an IAM user");
        let lambda = acct
            .principals
            .iter()
            .find(|p| p.invoked_by == Some("lambda.amazonaws.com") && p.kind == Kind::AwsService)
            .expect("the Lambda service");

        let r = render(&event(acct, user, "GetObject"), &mut rng);
        let rp = &r["requestParameters"];
        assert!(
            rp["bucketName"].is_string() && rp["key"].is_string() && rp["Host"].is_string(),
            "{rp}"
        );
        assert_eq!(r["eventCategory"], "Data");
        let object_arn = format!(
            "arn:aws:s3:::{}/{}",
            rp["bucketName"].as_str().unwrap_or(""),
            rp["key"].as_str().unwrap_or("")
        );
        assert_eq!(r["resources"][0]["ARN"], object_arn.as_str());
        assert_eq!(r["resources"][1]["type"], "AWS::S3::Bucket");
        assert!(r["additionalEventData"]["bytesTransferredOut"].is_u64());
        assert_eq!(r["requestID"].as_str().map(str::len), Some(16));

        let r = render(&event(acct, user, "RunInstances"), &mut rng);
        assert!(r["requestParameters"]["instancesSet"]["items"][0]["imageId"].is_string());
        let launched = &r["responseElements"]["instancesSet"]["items"][0];
        assert!(
            launched["instanceId"]
                .as_str()
                .is_some_and(|i| i.starts_with("i-0")),
            "{launched}"
        );
        assert_eq!(r["readOnly"], false);

        let r = render(&event(acct, lambda, "AssumeRole"), &mut rng);
        let rp = &r["requestParameters"];
        let session = rp["roleSessionName"].as_str().expect("session name");
        assert!(
            crate::world::FUNCTIONS.contains(&session),
            "Lambda assumes a function role: {rp}"
        );
        assert!(
            rp["roleArn"]
                .as_str()
                .is_some_and(|a| a.ends_with(&format!("{session}-lambda-role")))
        );
        let creds = &r["responseElements"]["credentials"];
        assert!(
            creds["accessKeyId"]
                .as_str()
                .is_some_and(|k| k.starts_with("ASIA") && k.len() == 20)
        );
        assert!(
            creds["sessionToken"]
                .as_str()
                .is_some_and(|t| t.len() > 200)
        );
        assert!(
            r["responseElements"]["assumedRoleUser"]["arn"]
                .as_str()
                .is_some_and(|a| a.ends_with(&format!("/{session}")))
        );
        assert!(r["sharedEventID"].is_string());

        let target = Target {
            user: "new_admin".into(),
            policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess",
            policy_name: "p",
        };
        let mut e = event(acct, user, "CreateAccessKey");
        e.target = Some(&target);
        let r = render(&e, &mut rng);
        assert_eq!(r["requestParameters"]["userName"], "new_admin");
        let key = &r["responseElements"]["accessKey"];
        assert_eq!(key["userName"], "new_admin");
        assert!(
            key["accessKeyId"]
                .as_str()
                .is_some_and(|k| k.starts_with("AKIA") && k.len() == 20)
        );
        assert_eq!(key["status"], "Active");

        let mut e = event(acct, user, "PutUserPolicy");
        e.target = Some(&target);
        let r = render(&e, &mut rng);
        let doc: Value = serde_json::from_str(
            r["requestParameters"]["policyDocument"]
                .as_str()
                .expect("string"),
        )
        .expect("the inline policy document is JSON text");
        assert_eq!(doc["Statement"][0]["Action"], "*");
    }

    #[test]
    fn denied_messages_name_the_caller_and_the_action() {
        let accounts = build_accounts(9, 1);
        let acct = &accounts[0];
        let mut rng = Rng::new(3);
        let user = acct
            .principals
            .iter()
            .find(|p| p.kind == Kind::IamUser)
            .expect("an IAM user");
        let mut e = event(acct, user, "ListFunctions20150331");
        e.outcome = Outcome::Denied;
        let r = render(&e, &mut rng);
        let msg = r["errorMessage"].as_str().expect("message");
        assert!(
            msg.contains(&format!("arn:aws:iam::{}:user/{}", acct.id, user.name)),
            "{msg}"
        );
        assert!(msg.contains("lambda:ListFunctions because"), "{msg}");
        let mut e = event(acct, user, "DescribeVpcs");
        e.outcome = Outcome::Denied;
        let r = render(&e, &mut rng);
        assert_eq!(r["errorCode"], "Client.UnauthorizedOperation");
        assert!(
            r["errorMessage"]
                .as_str()
                .is_some_and(|m| m.starts_with("You are not authorized"))
        );
    }
}
