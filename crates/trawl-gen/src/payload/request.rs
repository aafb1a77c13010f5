//! `requestParameters` per API shape.

use super::*;

/// Writes the `requestParameters` value.
pub(crate) fn request(j: &mut Json, ctx: &Ctx, api: &Api, s: &Subject) {
    match api.shape {
        Shape::Fixed(None) | Shape::ConsoleLogin | Shape::KmsRotate => j.null(),
        Shape::Fixed(Some(text)) => j.raw(text),
        Shape::S3ListBuckets => {
            j.obj();
            j.key("Host");
            j.begin_str();
            j.frag("s3.");
            j.frag(ctx.region);
            j.frag(".amazonaws.com");
            j.end_str();
            j.end_obj();
        }
        Shape::S3Bucket(sub) => {
            let b = bucket(ctx, s);
            j.obj();
            if api.name == "PutBucketPolicy" {
                j.key("bucketPolicy");
                j.obj();
                j.kv("Version", "2012-10-17");
                j.key("Statement");
                j.arr();
                j.obj();
                j.kv("Sid", "DenyInsecureTransport");
                j.kv("Effect", "Deny");
                j.kv("Principal", "*");
                j.kv("Action", "s3:*");
                j.key("Resource");
                j.begin_str();
                j.frag("arn:aws:s3:::");
                j.frag(b);
                j.frag("/*");
                j.end_str();
                j.key("Condition");
                j.raw(r#"{"Bool":{"aws:SecureTransport":"false"}}"#);
                j.end_obj();
                j.end_arr();
                j.end_obj();
            }
            j.kv("bucketName", b);
            j.key("Host");
            s3_host(j, ctx, b);
            j.kv(sub, "");
            j.end_obj();
        }
        Shape::S3Object => {
            let b = bucket(ctx, s);
            j.obj();
            j.kv("bucketName", b);
            j.key("Host");
            s3_host(j, ctx, b);
            j.key("key");
            j.begin_str();
            object_key(j, ctx, s);
            j.end_str();
            if api.name == "PutObject" && s.b.is_multiple_of(3) {
                j.kv("x-amz-server-side-encryption", "aws:kms");
            }
            j.end_obj();
        }
        Shape::Ec2Describe => {
            j.obj();
            if s.b.is_multiple_of(3) {
                instances_set(j, instance(ctx, s));
            } else {
                j.key("instancesSet");
                j.raw("{}");
            }
            j.key("filterSet");
            if s.b % 3 == 1 {
                j.raw(r#"{"items":[{"name":"instance-state-name","valueSet":{"items":[{"value":"running"},{"value":"pending"}]}}]}"#);
            } else {
                j.raw("{}");
            }
            j.end_obj();
        }
        Shape::Ec2Run => {
            j.obj();
            j.key("instancesSet");
            j.obj();
            j.key("items");
            j.arr();
            j.obj();
            j.kv("imageId", &ctx.acct.ami);
            j.kn("minCount", 1);
            j.kn("maxCount", 1);
            j.end_obj();
            j.end_arr();
            j.end_obj();
            j.kv(
                "instanceType",
                s.pick(&["t3.medium", "m6i.large", "c6g.xlarge", "t4g.small"]),
            );
            j.key("blockDeviceMapping");
            j.raw("{}");
            j.key("monitoring");
            j.raw(r#"{"enabled":false}"#);
            j.kb("disableApiTermination", false);
            j.kb("disableApiStop", false);
            j.key("clientToken");
            j.begin_str();
            j.frag("terraform-");
            push_hex(&mut j.buf, s.b, 26);
            j.end_str();
            j.kv("subnetId", s.pick2(&ctx.acct.subnets));
            j.key("tagSpecificationSet");
            j.raw(r#"{"items":[{"resourceType":"instance","tags":[{"key":"Name","value":"app-worker"},{"key":"ManagedBy","value":"terraform"}]}]}"#);
            j.end_obj();
        }
        Shape::Ec2State(..) => {
            j.obj();
            instances_set(j, instance(ctx, s));
            if api.name != "StartInstances" {
                j.kb("force", false);
            }
            j.end_obj();
        }
        Shape::Ec2Tags => {
            j.obj();
            j.key("resourcesSet");
            j.obj();
            j.key("items");
            j.arr();
            j.obj();
            j.kv("resourceId", instance(ctx, s));
            j.end_obj();
            j.end_arr();
            j.end_obj();
            j.key("tagSet");
            j.raw(r#"{"items":[{"key":"Owner","value":"platform-team"},{"key":"CostCenter","value":"cc-4410"}]}"#);
            j.end_obj();
        }
        Shape::Ec2Ingress => {
            j.obj();
            j.kv("groupId", s.pick(&ctx.acct.security_groups));
            j.key("ipPermissions");
            j.raw(r#"{"items":[{"ipProtocol":"tcp","fromPort":443,"toPort":443,"groups":{},"ipRanges":{"items":[{"cidrIp":"10.0.0.0/16"}]},"ipv6Ranges":{},"prefixListIds":{}}]}"#);
            j.end_obj();
        }
        Shape::IamUser => {
            j.obj();
            j.kv("userName", user_name(ctx, s));
            j.end_obj();
        }
        Shape::IamRole => {
            j.obj();
            j.kv("roleName", &role(ctx, s).0);
            j.end_obj();
        }
        Shape::IamPolicy(version) => {
            j.obj();
            j.kv("policyArn", s.pick(MANAGED_POLICIES));
            if version {
                j.key("versionId");
                j.begin_str();
                j.frag("v");
                j.frag_u64(1 + s.b % 4);
                j.end_str();
            }
            j.end_obj();
        }
        Shape::IamCreateUser => {
            j.obj();
            j.key("userName");
            new_user_name(j, ctx, s);
            j.end_obj();
        }
        Shape::IamLoginProfile => {
            j.obj();
            j.kv("userName", user_name(ctx, s));
            j.kb("passwordResetRequired", ctx.target.is_none());
            j.end_obj();
        }
        Shape::IamAttachUserPolicy => {
            j.obj();
            j.kv("userName", user_name(ctx, s));
            j.kv(
                "policyArn",
                ctx.target
                    .map_or(s.pick(MANAGED_POLICIES), |t| t.policy_arn),
            );
            j.end_obj();
        }
        Shape::IamAttachRolePolicy => {
            j.obj();
            j.kv("roleName", &role(ctx, s).0);
            j.kv("policyArn", s.pick(MANAGED_POLICIES));
            j.end_obj();
        }
        Shape::IamPutUserPolicy => {
            j.obj();
            j.kv("userName", user_name(ctx, s));
            j.kv(
                "policyName",
                ctx.target.map_or("s3-app-assets-rw", |t| t.policy_name),
            );
            j.kv(
                "policyDocument",
                if ctx.target.is_some() {
                    INLINE_POLICY
                } else {
                    SCOPED_POLICY
                },
            );
            j.end_obj();
        }
        Shape::IamPutRolePolicy => {
            j.obj();
            j.kv("roleName", &role(ctx, s).0);
            j.kv("policyName", "s3-app-assets-rw");
            j.kv("policyDocument", SCOPED_POLICY);
            j.end_obj();
        }
        Shape::IamCreateAccessKey => {
            j.obj();
            j.kv("userName", user_name(ctx, s));
            j.end_obj();
        }
        Shape::IamCreateRole => {
            j.obj();
            j.key("roleName");
            j.begin_str();
            j.frag("svc-");
            j.frag(s.pick(FUNCTIONS));
            j.frag("-role-");
            j.frag_u64(s.n(90) + 10);
            j.end_str();
            j.kv("assumeRolePolicyDocument", TRUST_POLICY);
            j.end_obj();
        }
        Shape::StsAssumeRole => {
            let a = assumption(ctx, s);
            j.obj();
            j.key("roleArn");
            role_arn(j, ctx, a.name, a.path);
            j.key("roleSessionName");
            j.begin_str();
            session_name(j, ctx, &a);
            j.end_str();
            if s.b.is_multiple_of(2) {
                j.kn("durationSeconds", 3600);
            }
            j.end_obj();
        }
        Shape::StsSessionToken => {
            j.obj();
            j.kn("durationSeconds", 43_200);
            j.end_obj();
        }
        Shape::KmsCrypto => {
            j.obj();
            if api.name == "Decrypt" {
                j.kv("encryptionAlgorithm", "SYMMETRIC_DEFAULT");
            } else {
                j.key("keyId");
                key_arn(j, ctx, s);
            }
            if api.name == "GenerateDataKey" {
                j.kv("keySpec", "AES_256");
            }
            j.key("encryptionContext");
            j.obj();
            if s.b.is_multiple_of(2) {
                j.key("aws:s3:arn");
                j.begin_str();
                j.frag("arn:aws:s3:::");
                j.frag(bucket(ctx, s));
                j.end_str();
            } else {
                j.key("aws:lambda:FunctionArn");
                function_arn(j, ctx, s);
            }
            j.end_obj();
            j.end_obj();
        }
        Shape::KmsKey => {
            j.obj();
            j.key("keyId");
            if s.b.is_multiple_of(2) {
                key_arn(j, ctx, s);
            } else {
                j.str(s.pick(&["alias/aws/s3", "alias/app-data", "alias/aws/secretsmanager"]));
            }
            j.end_obj();
        }
        Shape::LambdaInvoke => {
            j.obj();
            j.key("functionName");
            function_arn(j, ctx, s);
            j.kv(
                "invocationType",
                if s.b.is_multiple_of(3) {
                    "Event"
                } else {
                    "RequestResponse"
                },
            );
            j.end_obj();
        }
        Shape::LambdaFunction => {
            j.obj();
            j.kv("functionName", s.pick(FUNCTIONS));
            if api.name.starts_with("Update") {
                j.kv("s3Bucket", &ctx.acct.buckets[0]);
                j.key("s3Key");
                j.begin_str();
                j.frag("builds/");
                j.frag(s.pick(FUNCTIONS));
                j.frag("/");
                j.frag_u64(s.n(100_000));
                j.frag(".zip");
                j.end_str();
                j.kb("publish", true);
            }
            j.end_obj();
        }
        Shape::LogGroup => {
            j.obj();
            j.key("logGroupName");
            j.begin_str();
            j.frag("/aws/lambda/");
            j.frag(s.pick(FUNCTIONS));
            j.end_str();
            match api.name {
                "CreateLogStream" => {
                    j.key("logStreamName");
                    j.begin_str();
                    j.frag("2024/05/01/[$LATEST]");
                    push_hex(&mut j.buf, s.b, 32);
                    j.end_str();
                }
                "FilterLogEvents" => {
                    j.kn("startTime", (ctx.time as u64 - 3600) * 1000);
                    j.kn("endTime", ctx.time as u64 * 1000);
                    j.kv("filterPattern", "\"ERROR\"");
                    j.kb("interleaved", true);
                }
                _ => {}
            }
            j.end_obj();
        }
        Shape::DdbItem => {
            j.obj();
            j.kv("tableName", s.pick(TABLES));
            match api.name {
                "Query" => {
                    j.kv("keyConditionExpression", "pk = :pk");
                    j.key("expressionAttributeValues");
                    j.raw(r#"{":pk":"HIDDEN_DUE_TO_SECURITY_REASONS"}"#);
                    j.kn("limit", 100);
                }
                "UpdateItem" => {
                    j.key("key");
                    j.raw(r#"{"pk":"HIDDEN_DUE_TO_SECURITY_REASONS","sk":"HIDDEN_DUE_TO_SECURITY_REASONS"}"#);
                    j.kv("updateExpression", "SET #s = :s, updatedAt = :now");
                    j.kv("conditionExpression", "attribute_exists(pk)");
                }
                _ => {
                    j.key("key");
                    j.raw(r#"{"pk":"HIDDEN_DUE_TO_SECURITY_REASONS","sk":"HIDDEN_DUE_TO_SECURITY_REASONS"}"#);
                    if api.name == "GetItem" {
                        j.kb("consistentRead", s.b.is_multiple_of(4));
                    }
                }
            }
            j.end_obj();
        }
        Shape::DdbTable => {
            j.obj();
            j.kv("tableName", s.pick(TABLES));
            j.end_obj();
        }
        Shape::Secret => {
            j.obj();
            j.key("secretId");
            if s.b.is_multiple_of(2) {
                j.begin_str();
                j.frag("arn:aws:secretsmanager:");
                j.frag(ctx.region);
                j.frag(":");
                j.frag(&ctx.acct.id);
                j.frag(":secret:");
                j.frag(s.pick(SECRETS));
                j.frag("-");
                push_id_chars(&mut j.buf, mix64(s.a), 6);
                j.end_str();
            } else {
                j.str(s.pick(SECRETS));
            }
            j.end_obj();
        }
        Shape::GuardDuty => {
            j.obj();
            j.kv("detectorId", &ctx.acct.detector);
            match api.name {
                "ListFindings" => {
                    j.key("findingCriteria");
                    j.raw(r#"{"criterion":{"service.archived":{"eq":["false"]},"severity":{"gte":4}}}"#);
                    j.kn("maxResults", 50);
                }
                "GetFindings" => {
                    j.key("findingIds");
                    j.arr();
                    for k in 0..1 + s.b % 3 {
                        j.begin_str();
                        push_hex(&mut j.buf, mix64(s.a ^ k), 32);
                        j.end_str();
                    }
                    j.end_arr();
                }
                _ => {}
            }
            j.end_obj();
        }
        Shape::Trail => {
            j.obj();
            if api.name == "GetTrailStatus" {
                j.key("name");
                j.begin_str();
                j.frag("arn:aws:cloudtrail:us-east-1:");
                j.frag(&ctx.acct.id);
                j.frag(":trail/org-trail");
                j.end_str();
            } else {
                j.kv("trailName", "org-trail");
            }
            j.end_obj();
        }
        Shape::SsoRoleCredentials => {
            j.obj();
            j.kv(
                "roleName",
                s.pick(&["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"]),
            );
            j.kv("accountId", &ctx.acct.id);
            j.end_obj();
        }
        Shape::SsmParameter => {
            j.obj();
            j.kv("name", s.pick(PARAMETERS));
            j.kb("withDecryption", true);
            j.end_obj();
        }
        Shape::SsmInstance => {
            j.obj();
            j.kv("instanceId", instance(ctx, s));
            j.kv("agentVersion", "3.3.380.0");
            j.kv("agentStatus", "Active");
            j.kv("platformType", "Linux");
            j.kv("platformName", "Amazon Linux");
            j.kv("platformVersion", "2023");
            j.kv("agentName", "amazon-ssm-agent");
            j.key("availabilityZone");
            j.begin_str();
            j.frag(ctx.region);
            j.frag(s.pick2(&["a", "b", "c"]));
            j.end_str();
            j.end_obj();
        }
        Shape::MetricData => {
            j.obj();
            j.key("metricDataQueries");
            j.arr();
            j.obj();
            j.kv("id", "m1");
            j.key("metricStat");
            j.obj();
            j.key("metric");
            j.obj();
            j.kv("namespace", "AWS/Lambda");
            j.kv(
                "metricName",
                s.pick2(&["Errors", "Invocations", "Duration", "Throttles"]),
            );
            j.key("dimensions");
            j.arr();
            j.obj();
            j.kv("name", "FunctionName");
            j.kv("value", s.pick(FUNCTIONS));
            j.end_obj();
            j.end_arr();
            j.end_obj();
            j.kn("period", 300);
            j.kv("stat", "Sum");
            j.end_obj();
            j.kb("returnData", true);
            j.end_obj();
            j.end_arr();
            j.key("startTime");
            iam_date(j, ctx.time - 10_800);
            j.key("endTime");
            iam_date(j, ctx.time);
            j.end_obj();
        }
    }
}
