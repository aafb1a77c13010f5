//! Per-API payloads: `requestParameters`, `responseElements`, `additionalEventData` and `resources`.
//!
//! A [`Subject`] is drawn once per record so that the bucket, key, table or role named in the request is the one
//! named again in the response and in `resources`.

mod request;
mod response;

pub(crate) use request::request;
pub(crate) use response::response;

use crate::catalog::{Api, Shape, Svc};
use crate::json::Json;
use crate::rng::{Rng, mix64};
use crate::time::push_iam_date;
use crate::world::{
    Account, FUNCTIONS, Kind, MANAGED_POLICIES, PARAMETERS, Principal, SECRETS, TABLES, push_hex,
    push_id_chars, push_uuid,
};

/// What an incident's IAM writes act on (instead of a random background target).
#[derive(Clone, Debug)]
pub(crate) struct Target {
    /// The IAM user created and empowered.
    pub(crate) user: String,
    /// The managed policy attached.
    pub(crate) policy_arn: &'static str,
    /// The inline policy's name.
    pub(crate) policy_name: &'static str,
}

/// Everything a payload writer may refer to.
pub(crate) struct Ctx<'a> {
    /// The recipient account.
    pub(crate) acct: &'a Account,
    /// `awsRegion`.
    pub(crate) region: &'static str,
    /// Event time, epoch seconds.
    pub(crate) time: i64,
    /// The caller.
    pub(crate) principal: &'a Principal,
    /// Set for the planted incident's writes.
    pub(crate) target: Option<&'a Target>,
}

/// Random choices shared by the parts of one record.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Subject {
    a: u64,
    b: u64,
}

impl Subject {
    /// Draws a subject.
    pub(crate) fn draw(rng: &mut Rng) -> Self {
        Subject {
            a: rng.next_u64(),
            b: rng.next_u64(),
        }
    }

    /// A string chosen by the subject's first draw.
    fn pick<'a, S: AsRef<str>>(&self, items: &'a [S]) -> &'a str {
        items[(self.a % items.len() as u64) as usize].as_ref()
    }

    /// A string chosen by the subject's second draw.
    fn pick2<'a, S: AsRef<str>>(&self, items: &'a [S]) -> &'a str {
        items[(self.b % items.len() as u64) as usize].as_ref()
    }

    fn n(&self, modulus: u64) -> u64 {
        (self.a >> 24) % modulus
    }
}

const INLINE_POLICY: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}";
const SCOPED_POLICY: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\"s3:GetObject\", \"s3:PutObject\"],\n      \"Resource\": \"arn:aws:s3:::app-assets-*/*\"\n    }\n  ]\n}";
const TRUST_POLICY: &str = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
const TRUST_POLICY_ENCODED: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn push_b64(j: &mut Json, rng: &mut Rng, n: usize) {
    let mut x = 0u64;
    for i in 0..n {
        if i % 10 == 0 {
            x = rng.next_u64();
        }
        j.buf.push(BASE64[(x & 63) as usize]);
        x >>= 6;
    }
}

fn bucket<'a>(ctx: &'a Ctx, s: &Subject) -> &'a str {
    match ctx.principal.home_bucket {
        Some(b) => &ctx.acct.buckets[b],
        None => s.pick(&ctx.acct.buckets),
    }
}

fn s3_host(j: &mut Json, ctx: &Ctx, bucket: &str) {
    j.begin_str();
    j.frag(bucket);
    j.frag(".s3.");
    j.frag(ctx.region);
    j.frag(".amazonaws.com");
    j.end_str();
}

fn object_key(j: &mut Json, ctx: &Ctx, s: &Subject) {
    let n = s.n(100_000);
    let day = crate::time::Civil::from_epoch(ctx.time);
    let date = |j: &mut Json| {
        j.frag_u64(day.year as u64);
        j.frag(if day.month < 10 { "/0" } else { "/" });
        j.frag_u64(u64::from(day.month));
        j.frag(if day.day < 10 { "/0" } else { "/" });
        j.frag_u64(u64::from(day.day));
    };
    if ctx.principal.home_bucket.is_some() {
        j.frag("db/nightly/");
        date(j);
        j.frag("/pgdump-");
        j.frag_u64(n % 40);
        j.frag(".sql.gz");
        return;
    }
    match s.b % 4 {
        0 => {
            j.frag("exports/");
            date(j);
            j.frag("/orders-");
            j.frag_u64(n);
            j.frag(".csv.gz");
        }
        1 => {
            j.frag("images/original/");
            j.frag_u64(n);
            j.frag(".jpg");
        }
        2 => {
            j.frag("raw/events/");
            date(j);
            j.frag("/part-");
            j.frag_u64(n % 512);
            j.frag(".parquet");
        }
        _ => {
            j.frag("state/");
            j.frag(FUNCTIONS[(n % FUNCTIONS.len() as u64) as usize]);
            j.frag("/terraform.tfstate");
        }
    }
}

fn account_arn(j: &mut Json, service: &str, ctx: &Ctx, region: bool, rest: &[&str]) {
    j.begin_str();
    j.frag("arn:aws:");
    j.frag(service);
    j.frag(":");
    if region {
        j.frag(ctx.region);
    }
    j.frag(":");
    j.frag(&ctx.acct.id);
    j.frag(":");
    for part in rest {
        j.frag(part);
    }
    j.end_str();
}

fn role<'a>(ctx: &'a Ctx, s: &Subject) -> &'a (String, &'static str, String) {
    let roles = &ctx.acct.roles;
    &roles[(s.b % roles.len() as u64) as usize]
}

fn role_arn(j: &mut Json, ctx: &Ctx, name: &str, path: &str) {
    account_arn(j, "iam", ctx, false, &["role", path, name]);
}

/// The role an `AssumeRole` call asks for, and the session name it gets.
struct Assumption<'a> {
    name: &'a str,
    path: &'a str,
    id: &'a str,
    /// The workload's session name when an AWS service assumes the role; `None` for SDK sessions.
    session: Option<&'a str>,
}

/// AWS services assume the roles of their own workloads (a Lambda function's role, with the function's name as
/// session); everyone else assumes any role with an SDK-generated session name.
fn assumption<'a>(ctx: &'a Ctx, s: &Subject) -> Assumption<'a> {
    let p = ctx.principal;
    if p.kind == Kind::AwsService {
        let workloads = || {
            ctx.acct
                .principals
                .iter()
                .filter(|w| w.assumed_by.is_some() && w.assumed_by == p.invoked_by)
        };
        let count = workloads().count() as u64;
        if let Some(w) = workloads().nth((s.b % count.max(1)) as usize) {
            return Assumption {
                name: &w.name,
                path: w.path,
                id: &w.unique_id,
                session: Some(&w.sessions[((s.a >> 8) % w.sessions.len() as u64) as usize]),
            };
        }
    }
    let r = role(ctx, s);
    Assumption {
        name: &r.0,
        path: r.1,
        id: &r.2,
        session: None,
    }
}

/// Writes the role session name of an `AssumeRole` call (inside an open string).
fn session_name(j: &mut Json, ctx: &Ctx, a: &Assumption) {
    match a.session {
        Some(name) => j.frag(name),
        None => {
            j.frag("botocore-session-");
            j.frag_u64(ctx.time as u64);
        }
    }
}

fn user_name<'a>(ctx: &'a Ctx, s: &Subject) -> &'a str {
    match ctx.target {
        Some(t) => &t.user,
        None => s.pick2(&ctx.acct.users),
    }
}

fn new_user_name(j: &mut Json, ctx: &Ctx, s: &Subject) {
    match ctx.target {
        Some(t) => j.str(&t.user),
        None => {
            j.begin_str();
            j.frag("contractor-");
            j.frag_u64(s.n(900) + 100);
            j.end_str();
        }
    }
}

fn key_arn(j: &mut Json, ctx: &Ctx, s: &Subject) {
    account_arn(j, "kms", ctx, true, &["key/", s.pick(&ctx.acct.keys)]);
}

fn function_arn(j: &mut Json, ctx: &Ctx, s: &Subject) {
    account_arn(j, "lambda", ctx, true, &["function:", s.pick(FUNCTIONS)]);
}

fn table_arn(j: &mut Json, ctx: &Ctx, s: &Subject) {
    account_arn(j, "dynamodb", ctx, true, &["table/", s.pick(TABLES)]);
}

fn instance<'a>(ctx: &'a Ctx, s: &Subject) -> &'a str {
    s.pick(&ctx.acct.instances)
}

fn instances_set(j: &mut Json, id: &str) {
    j.key("instancesSet");
    j.obj();
    j.key("items");
    j.arr();
    j.obj();
    j.kv("instanceId", id);
    j.end_obj();
    j.end_arr();
    j.end_obj();
}

fn request_id(j: &mut Json, rng: &mut Rng) {
    j.key("requestId");
    j.begin_str();
    push_uuid(&mut j.buf, rng.next_u64(), rng.next_u64());
    j.end_str();
}

fn iam_date(j: &mut Json, t: i64) {
    j.begin_str();
    push_iam_date(&mut j.buf, t);
    j.end_str();
}

fn credentials(j: &mut Json, ctx: &Ctx, rng: &mut Rng, seconds: i64) {
    j.key("credentials");
    j.obj();
    j.key("accessKeyId");
    j.begin_str();
    j.frag("ASIA");
    push_id_chars(&mut j.buf, rng.next_u64(), 16);
    j.end_str();
    j.key("sessionToken");
    j.begin_str();
    j.frag("IQoJb3JpZ2luX2VjE");
    let len = 280 + rng.index(120);
    push_b64(j, rng, len);
    j.end_str();
    j.key("expiration");
    iam_date(j, ctx.time + seconds);
    j.end_obj();
}

/// Whether the call carries `additionalEventData`.
pub(crate) fn has_additional(api: &Api) -> bool {
    matches!(
        api.shape,
        Shape::S3Object
            | Shape::S3Bucket(_)
            | Shape::S3ListBuckets
            | Shape::ConsoleLogin
            | Shape::LambdaInvoke
    )
}

/// Writes the `additionalEventData` value (only when [`has_additional`]).
pub(crate) fn additional(j: &mut Json, ctx: &Ctx, api: &Api, s: &Subject, rng: &mut Rng) {
    match api.shape {
        Shape::ConsoleLogin => {
            j.obj();
            j.kv(
                "LoginTo",
                "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_a1b2c3d4e5f6a7b8",
            );
            j.kv("MobileVersion", "No");
            j.kv(
                "MFAUsed",
                if ctx.principal.kind == Kind::Root {
                    "Yes"
                } else {
                    "No"
                },
            );
            j.end_obj();
        }
        Shape::LambdaInvoke => {
            j.obj();
            j.key("functionVersion");
            j.begin_str();
            j.frag("arn:aws:lambda:");
            j.frag(ctx.region);
            j.frag(":");
            j.frag(&ctx.acct.id);
            j.frag(":function:");
            j.frag(s.pick(FUNCTIONS));
            j.frag(":$LATEST");
            j.end_str();
            j.end_obj();
        }
        _ => {
            let size = 200 + s.n(2_000_000);
            let (bytes_in, bytes_out) = match api.name {
                "PutObject" => (size, 0),
                "GetObject" => (0, size),
                _ => (0, 100 + s.b % 900),
            };
            j.obj();
            j.kv("SignatureVersion", "SigV4");
            j.kv("CipherSuite", "TLS_AES_128_GCM_SHA256");
            j.kn("bytesTransferredIn", bytes_in);
            j.kv("AuthenticationMethod", "AuthHeader");
            j.key("x-amz-id-2");
            j.begin_str();
            push_b64(j, rng, 76);
            j.end_str();
            j.kn("bytesTransferredOut", bytes_out);
            j.end_obj();
        }
    }
}

/// Whether the call lists `resources`.
pub(crate) fn has_resources(api: &Api) -> bool {
    matches!(
        api.shape,
        Shape::S3Object
            | Shape::S3Bucket(_)
            | Shape::StsAssumeRole
            | Shape::KmsCrypto
            | Shape::KmsKey
            | Shape::KmsRotate
            | Shape::LambdaInvoke
            | Shape::DdbItem
            | Shape::DdbTable
    ) || api.svc == Svc::GUARDDUTY && api.name != "ListDetectors"
}

fn resource(j: &mut Json, ctx: &Ctx, ty: &str, with_account: bool) {
    j.obj();
    if with_account {
        j.kv("accountId", &ctx.acct.id);
    }
    j.kv("type", ty);
    j.key("ARN");
}

/// Writes the `resources` array (only when [`has_resources`]).
pub(crate) fn resources(j: &mut Json, ctx: &Ctx, api: &Api, s: &Subject) {
    j.arr();
    match api.shape {
        Shape::S3Object => {
            let b = bucket(ctx, s);
            resource(j, ctx, "AWS::S3::Object", false);
            j.begin_str();
            j.frag("arn:aws:s3:::");
            j.frag(b);
            j.frag("/");
            object_key(j, ctx, s);
            j.end_str();
            j.end_obj();
            resource(j, ctx, "AWS::S3::Bucket", true);
            j.begin_str();
            j.frag("arn:aws:s3:::");
            j.frag(b);
            j.end_str();
            j.end_obj();
        }
        Shape::S3Bucket(_) => {
            resource(j, ctx, "AWS::S3::Bucket", true);
            j.begin_str();
            j.frag("arn:aws:s3:::");
            j.frag(bucket(ctx, s));
            j.end_str();
            j.end_obj();
        }
        Shape::StsAssumeRole => {
            let a = assumption(ctx, s);
            resource(j, ctx, "AWS::IAM::Role", true);
            role_arn(j, ctx, a.name, a.path);
            j.end_obj();
        }
        Shape::KmsCrypto | Shape::KmsKey | Shape::KmsRotate => {
            resource(j, ctx, "AWS::KMS::Key", true);
            key_arn(j, ctx, s);
            j.end_obj();
        }
        Shape::LambdaInvoke => {
            resource(j, ctx, "AWS::Lambda::Function", true);
            function_arn(j, ctx, s);
            j.end_obj();
        }
        Shape::DdbItem | Shape::DdbTable => {
            resource(j, ctx, "AWS::DynamoDB::Table", true);
            table_arn(j, ctx, s);
            j.end_obj();
        }
        _ => {
            resource(j, ctx, "AWS::GuardDuty::Detector", true);
            account_arn(
                j,
                "guardduty",
                ctx,
                true,
                &["detector/", &ctx.acct.detector],
            );
            j.end_obj();
        }
    }
    j.end_arr();
}
