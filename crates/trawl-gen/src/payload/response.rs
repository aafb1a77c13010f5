//! `responseElements` of successful calls, per API shape.

use super::*;

/// Writes the `responseElements` value of a successful call.
pub(crate) fn response(j: &mut Json, ctx: &Ctx, api: &Api, s: &Subject, rng: &mut Rng) {
    match api.shape {
        Shape::S3Object if api.name == "PutObject" => {
            j.obj();
            j.kv(
                "x-amz-server-side-encryption",
                if s.b.is_multiple_of(3) {
                    "aws:kms"
                } else {
                    "AES256"
                },
            );
            j.end_obj();
        }
        Shape::Ec2Run => {
            let az_letter = s.pick2(&["a", "b", "c"]);
            j.obj();
            request_id(j, rng);
            j.key("reservationId");
            j.begin_str();
            j.frag("r-0");
            push_hex(&mut j.buf, rng.next_u64(), 16);
            j.end_str();
            j.kv("ownerId", &ctx.acct.id);
            j.key("groupSet");
            j.raw("{}");
            j.key("instancesSet");
            j.obj();
            j.key("items");
            j.arr();
            j.obj();
            j.key("instanceId");
            j.begin_str();
            j.frag("i-0");
            push_hex(&mut j.buf, rng.next_u64(), 16);
            j.end_str();
            j.kv("imageId", &ctx.acct.ami);
            j.key("instanceState");
            j.raw(r#"{"code":0,"name":"pending"}"#);
            let (o3, o4) = (s.b % 250 + 1, (s.b >> 8) % 250 + 1);
            j.key("privateDnsName");
            j.begin_str();
            j.frag("ip-10-0-");
            j.frag_u64(o3);
            j.frag("-");
            j.frag_u64(o4);
            j.frag(".ec2.internal");
            j.end_str();
            j.kn("amiLaunchIndex", 0);
            j.key("productCodes");
            j.raw("{}");
            j.kv(
                "instanceType",
                s.pick(&["t3.medium", "m6i.large", "c6g.xlarge", "t4g.small"]),
            );
            j.kn("launchTime", ctx.time as u64 * 1000);
            j.key("placement");
            j.obj();
            j.key("availabilityZone");
            j.begin_str();
            j.frag(ctx.region);
            j.frag(az_letter);
            j.end_str();
            j.kv("tenancy", "default");
            j.end_obj();
            j.key("monitoring");
            j.raw(r#"{"state":"disabled"}"#);
            j.kv("subnetId", s.pick2(&ctx.acct.subnets));
            j.kv("vpcId", &ctx.acct.vpc);
            j.key("privateIpAddress");
            j.begin_str();
            j.frag("10.0.");
            j.frag_u64(o3);
            j.frag(".");
            j.frag_u64(o4);
            j.end_str();
            j.key("stateReason");
            j.raw(r#"{"code":"pending","message":"pending"}"#);
            j.kv("architecture", "x86_64");
            j.kv("rootDeviceType", "ebs");
            j.kv("rootDeviceName", "/dev/xvda");
            j.key("blockDeviceMapping");
            j.raw("{}");
            j.kv("virtualizationType", "hvm");
            j.key("groupSet");
            j.obj();
            j.key("items");
            j.arr();
            j.obj();
            j.kv("groupId", s.pick(&ctx.acct.security_groups));
            j.kv("groupName", "app-workers");
            j.end_obj();
            j.end_arr();
            j.end_obj();
            j.kb("sourceDestCheck", true);
            j.kv("hypervisor", "xen");
            j.kb("ebsOptimized", false);
            j.kb("enaSupport", true);
            j.key("cpuOptions");
            j.raw(r#"{"coreCount":1,"threadsPerCore":2}"#);
            j.key("metadataOptions");
            j.raw(r#"{"state":"pending","httpTokens":"required","httpPutResponseHopLimit":2,"httpEndpoint":"enabled","httpProtocolIpv4":"enabled","httpProtocolIpv6":"disabled","instanceMetadataTags":"disabled"}"#);
            j.end_obj();
            j.end_arr();
            j.end_obj();
            j.end_obj();
        }
        Shape::Ec2State(prev_code, prev, cur_code, cur) => {
            j.obj();
            request_id(j, rng);
            j.key("instancesSet");
            j.obj();
            j.key("items");
            j.arr();
            j.obj();
            j.kv("instanceId", instance(ctx, s));
            j.key("currentState");
            j.obj();
            j.kn("code", u64::from(cur_code));
            j.kv("name", cur);
            j.end_obj();
            j.key("previousState");
            j.obj();
            j.kn("code", u64::from(prev_code));
            j.kv("name", prev);
            j.end_obj();
            j.end_obj();
            j.end_arr();
            j.end_obj();
            j.end_obj();
        }
        Shape::Ec2Tags => {
            j.obj();
            request_id(j, rng);
            j.kb("_return", true);
            j.end_obj();
        }
        Shape::Ec2Ingress => {
            let sg = s.pick(&ctx.acct.security_groups);
            j.obj();
            request_id(j, rng);
            j.kb("_return", true);
            j.key("securityGroupRuleSet");
            j.obj();
            j.key("items");
            j.arr();
            j.obj();
            j.kv("groupOwnerId", &ctx.acct.id);
            j.kv("groupId", sg);
            j.key("securityGroupRuleId");
            j.begin_str();
            j.frag("sgr-0");
            push_hex(&mut j.buf, rng.next_u64(), 16);
            j.end_str();
            j.kb("isEgress", false);
            j.kv("ipProtocol", "tcp");
            j.kn("fromPort", 443);
            j.kn("toPort", 443);
            j.kv("cidrIpv4", "10.0.0.0/16");
            j.end_obj();
            j.end_arr();
            j.end_obj();
            j.end_obj();
        }
        Shape::IamCreateUser => {
            j.obj();
            j.key("user");
            j.obj();
            j.kv("path", "/");
            j.key("userName");
            new_user_name(j, ctx, s);
            j.key("userId");
            j.begin_str();
            j.frag("AIDA");
            push_id_chars(&mut j.buf, rng.next_u64(), 17);
            j.end_str();
            j.key("arn");
            j.begin_str();
            j.frag("arn:aws:iam::");
            j.frag(&ctx.acct.id);
            j.frag(":user/");
            match ctx.target {
                Some(t) => j.frag(&t.user),
                None => {
                    j.frag("contractor-");
                    j.frag_u64(s.n(900) + 100);
                }
            }
            j.end_str();
            j.key("createDate");
            iam_date(j, ctx.time);
            j.end_obj();
            j.end_obj();
        }
        Shape::IamLoginProfile => {
            j.obj();
            j.key("loginProfile");
            j.obj();
            j.kv("userName", user_name(ctx, s));
            j.key("createDate");
            iam_date(j, ctx.time);
            j.kb("passwordResetRequired", ctx.target.is_none());
            j.end_obj();
            j.end_obj();
        }
        Shape::IamCreateAccessKey => {
            j.obj();
            j.key("accessKey");
            j.obj();
            j.kv("userName", user_name(ctx, s));
            j.key("accessKeyId");
            j.begin_str();
            j.frag("AKIA");
            push_id_chars(&mut j.buf, rng.next_u64(), 16);
            j.end_str();
            j.kv("status", "Active");
            j.key("createDate");
            iam_date(j, ctx.time);
            j.end_obj();
            j.end_obj();
        }
        Shape::IamCreateRole => {
            j.obj();
            j.key("role");
            j.obj();
            j.kv("assumeRolePolicyDocument", TRUST_POLICY_ENCODED);
            j.key("arn");
            j.begin_str();
            j.frag("arn:aws:iam::");
            j.frag(&ctx.acct.id);
            j.frag(":role/svc-");
            j.frag(s.pick(FUNCTIONS));
            j.frag("-role-");
            j.frag_u64(s.n(90) + 10);
            j.end_str();
            j.key("roleId");
            j.begin_str();
            j.frag("AROA");
            push_id_chars(&mut j.buf, rng.next_u64(), 17);
            j.end_str();
            j.key("createDate");
            iam_date(j, ctx.time);
            j.key("roleName");
            j.begin_str();
            j.frag("svc-");
            j.frag(s.pick(FUNCTIONS));
            j.frag("-role-");
            j.frag_u64(s.n(90) + 10);
            j.end_str();
            j.kv("path", "/");
            j.end_obj();
            j.end_obj();
        }
        Shape::StsAssumeRole => {
            let a = assumption(ctx, s);
            j.obj();
            credentials(j, ctx, rng, 3600);
            j.key("assumedRoleUser");
            j.obj();
            j.key("assumedRoleId");
            j.begin_str();
            j.frag(a.id);
            j.frag(":");
            session_name(j, ctx, &a);
            j.end_str();
            j.key("arn");
            j.begin_str();
            j.frag("arn:aws:sts::");
            j.frag(&ctx.acct.id);
            j.frag(":assumed-role/");
            j.frag(a.name);
            j.frag("/");
            session_name(j, ctx, &a);
            j.end_str();
            j.end_obj();
            j.end_obj();
        }
        Shape::StsSessionToken => {
            j.obj();
            credentials(j, ctx, rng, 43_200);
            j.end_obj();
        }
        Shape::LambdaFunction if api.name.starts_with("Update") => {
            let f = s.pick(FUNCTIONS);
            j.obj();
            j.kv("functionName", f);
            j.key("functionArn");
            function_arn(j, ctx, s);
            j.kv("runtime", "python3.12");
            j.key("role");
            j.begin_str();
            j.frag("arn:aws:iam::");
            j.frag(&ctx.acct.id);
            j.frag(":role/service-role/");
            j.frag(f);
            j.frag("-lambda-role");
            j.end_str();
            j.kv("handler", "app.handler");
            j.kn("codeSize", 40_000 + s.n(4_000_000));
            j.kv("description", "");
            j.kn("timeout", 30);
            j.kn("memorySize", 512);
            j.key("codeSha256");
            j.begin_str();
            push_b64(j, rng, 43);
            j.frag("=");
            j.end_str();
            j.kv("version", "$LATEST");
            j.key("tracingConfig");
            j.raw(r#"{"mode":"PassThrough"}"#);
            j.key("revisionId");
            j.begin_str();
            push_uuid(&mut j.buf, rng.next_u64(), rng.next_u64());
            j.end_str();
            j.kv("state", "Active");
            j.kv("lastUpdateStatus", "InProgress");
            j.kv("packageType", "Zip");
            j.key("architectures");
            j.raw(r#"["arm64"]"#);
            j.key("ephemeralStorage");
            j.raw(r#"{"size":512}"#);
            j.end_obj();
        }
        Shape::ConsoleLogin => j.raw(r#"{"ConsoleLogin":"Success"}"#),
        _ => j.null(),
    }
}
