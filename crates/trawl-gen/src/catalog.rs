//! The services and API calls the generator knows, with the facts each record needs: event source, read-only
//! flag, management or data event, whether the call is global (logged in us-east-1 only), the shape of its
//! `requestParameters` / `responseElements`, and the error it returns when its target does not exist.

/// How a service is reached, which decides `tlsDetails.clientProvidedHostHeader`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Endpoint {
    /// One host for every region (`iam.amazonaws.com`).
    Global(&'static str),
    /// `<prefix>.<region>.amazonaws.com`.
    Regional(&'static str),
    /// Virtual-hosted S3: `<bucket>.s3.<region>.amazonaws.com`.
    S3,
}

/// One AWS service.
#[derive(Debug)]
pub(crate) struct Service {
    /// `eventSource`.
    pub(crate) source: &'static str,
    /// The IAM action prefix used in authorization error messages (`cloudwatch` for `monitoring`).
    pub(crate) prefix: &'static str,
    /// Where its clients connect.
    pub(crate) endpoint: Endpoint,
    /// `eventVersion` of its records.
    pub(crate) version: &'static str,
    /// The code and message of its throttling error.
    pub(crate) throttle: (&'static str, &'static str),
}

const THROTTLE: (&str, &str) = ("ThrottlingException", "Rate exceeded");

macro_rules! services {
    ($($id:ident = $src:literal, $prefix:literal, $endpoint:expr, $version:literal, $throttle:expr;)*) => {
        /// Index of each service in [`SERVICES`].
        #[allow(clippy::upper_case_acronyms)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Svc { $($id),* }
        /// Every service, indexed by [`Svc`].
        pub(crate) static SERVICES: &[Service] = &[
            $(Service { source: $src, prefix: $prefix, endpoint: $endpoint, version: $version, throttle: $throttle }),*
        ];
    };
}

services! {
    S3 = "s3.amazonaws.com", "s3", Endpoint::S3, "1.08", ("SlowDown", "Please reduce your request rate.");
    EC2 = "ec2.amazonaws.com", "ec2", Endpoint::Regional("ec2"), "1.08", ("RequestLimitExceeded", "Request limit exceeded.");
    IAM = "iam.amazonaws.com", "iam", Endpoint::Global("iam.amazonaws.com"), "1.08", ("Throttling", "Rate exceeded");
    STS = "sts.amazonaws.com", "sts", Endpoint::Regional("sts"), "1.08", THROTTLE;
    KMS = "kms.amazonaws.com", "kms", Endpoint::Regional("kms"), "1.08", THROTTLE;
    LAMBDA = "lambda.amazonaws.com", "lambda", Endpoint::Regional("lambda"), "1.08", ("TooManyRequestsException", "Rate exceeded");
    TRAIL = "cloudtrail.amazonaws.com", "cloudtrail", Endpoint::Regional("cloudtrail"), "1.09", THROTTLE;
    LOGS = "logs.amazonaws.com", "logs", Endpoint::Regional("logs"), "1.08", THROTTLE;
    DDB = "dynamodb.amazonaws.com", "dynamodb", Endpoint::Regional("dynamodb"), "1.08", ("ThrottlingException", "Throughput exceeds the current capacity of your table or index.");
    SECRETS = "secretsmanager.amazonaws.com", "secretsmanager", Endpoint::Regional("secretsmanager"), "1.09", THROTTLE;
    GUARDDUTY = "guardduty.amazonaws.com", "guardduty", Endpoint::Regional("guardduty"), "1.09", ("TooManyRequestsException", "Rate exceeded");
    SIGNIN = "signin.amazonaws.com", "signin", Endpoint::Global("signin.aws.amazon.com"), "1.08", THROTTLE;
    SSO = "sso.amazonaws.com", "sso", Endpoint::Regional("portal.sso"), "1.09", ("TooManyRequestsException", "Rate exceeded");
    SSM = "ssm.amazonaws.com", "ssm", Endpoint::Regional("ssm"), "1.08", THROTTLE;
    CW = "monitoring.amazonaws.com", "cloudwatch", Endpoint::Regional("monitoring"), "1.08", ("Throttling", "Rate exceeded");
}

/// The shape of a call's payload; each variant is written by `payload.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A constant `requestParameters` (JSON text, or `null`) and a `null` response.
    Fixed(Option<&'static str>),
    /// `s3:ListBuckets`.
    S3ListBuckets,
    /// A bucket sub-resource read or write (`acl`, `policy`, `location`, ...).
    S3Bucket(&'static str),
    /// An object call (`GetObject`, `PutObject`, `HeadObject`, `DeleteObject`): a data event.
    S3Object,
    /// `ec2:RunInstances`.
    Ec2Run,
    /// Start/Stop/Terminate: instance ids, and the state change in the response.
    Ec2State(u32, &'static str, u32, &'static str),
    /// `ec2:CreateTags`.
    Ec2Tags,
    /// `ec2:AuthorizeSecurityGroupIngress`.
    Ec2Ingress,
    /// `ec2:DescribeInstances`, sometimes with instance ids.
    Ec2Describe,
    /// An IAM call naming a user.
    IamUser,
    /// An IAM call naming a role.
    IamRole,
    /// An IAM call naming a managed policy (`versionId` too when the flag is set).
    IamPolicy(bool),
    /// `iam:CreateUser`.
    IamCreateUser,
    /// `iam:CreateLoginProfile`.
    IamLoginProfile,
    /// `iam:AttachUserPolicy`.
    IamAttachUserPolicy,
    /// `iam:AttachRolePolicy`.
    IamAttachRolePolicy,
    /// `iam:PutUserPolicy` (inline policy document as a JSON string).
    IamPutUserPolicy,
    /// `iam:PutRolePolicy`.
    IamPutRolePolicy,
    /// `iam:CreateAccessKey`.
    IamCreateAccessKey,
    /// `iam:CreateRole`.
    IamCreateRole,
    /// `sts:AssumeRole` with credentials in the response.
    StsAssumeRole,
    /// `sts:GetSessionToken`.
    StsSessionToken,
    /// KMS `Decrypt` / `Encrypt` / `GenerateDataKey`.
    KmsCrypto,
    /// A KMS call naming a key (`DescribeKey`).
    KmsKey,
    /// KMS automatic key rotation, an `AwsServiceEvent`.
    KmsRotate,
    /// `lambda:Invoke`, a data event.
    LambdaInvoke,
    /// A Lambda call naming a function (`GetFunction`, `UpdateFunctionCode`).
    LambdaFunction,
    /// A CloudWatch Logs call naming a log group.
    LogGroup,
    /// A DynamoDB item call: a data event with hidden key values.
    DdbItem,
    /// `dynamodb:DescribeTable`.
    DdbTable,
    /// A Secrets Manager call naming a secret.
    Secret,
    /// A GuardDuty call naming the detector.
    GuardDuty,
    /// A CloudTrail call naming the trail.
    Trail,
    /// `signin:ConsoleLogin`.
    ConsoleLogin,
    /// `sso:GetRoleCredentials`.
    SsoRoleCredentials,
    /// `ssm:GetParameter`.
    SsmParameter,
    /// `ssm:UpdateInstanceInformation`.
    SsmInstance,
    /// `cloudwatch:GetMetricData`.
    MetricData,
}

/// One API call.
#[derive(Debug)]
pub(crate) struct Api {
    /// The service it belongs to.
    pub(crate) svc: Svc,
    /// `eventName`.
    pub(crate) name: &'static str,
    /// `readOnly`.
    pub(crate) read_only: bool,
    /// A data event (`eventCategory` "Data", `managementEvent` false).
    pub(crate) data: bool,
    /// Logged only in us-east-1 (IAM, sign-in, the SSO portal).
    pub(crate) global: bool,
    /// Payload shape.
    pub(crate) shape: Shape,
    /// The error returned when the target does not exist, if the call has one.
    pub(crate) not_found: Option<(&'static str, &'static str)>,
}

impl Api {
    /// The service record for this call.
    pub(crate) fn service(&self) -> &'static Service {
        &SERVICES[self.svc as usize]
    }

    /// The IAM action name (`ListFunctions20150331` is authorized as `lambda:ListFunctions`).
    pub(crate) fn action(&self) -> &'static str {
        let n = self.name;
        n.strip_suffix("20150331v2")
            .or_else(|| n.strip_suffix("20150331"))
            .unwrap_or(n)
    }
}

const R: bool = true;
const W: bool = false;

macro_rules! apis {
    ($($svc:ident $name:literal $ro:ident $data:literal $global:literal $shape:expr, $nf:expr;)*) => {
        /// Every API call the generator can emit.
        pub(crate) static APIS: &[Api] = &[
            $(Api { svc: Svc::$svc, name: $name, read_only: $ro, data: $data, global: $global, shape: $shape, not_found: $nf }),*
        ];
    };
}

use Shape::*;

const NO_KEY: Option<(&str, &str)> = Some(("NoSuchKey", "The specified key does not exist."));
const NO_USER: Option<(&str, &str)> = Some((
    "NoSuchEntity",
    "The user with the name given cannot be found.",
));
const NO_ROLE: Option<(&str, &str)> = Some((
    "NoSuchEntity",
    "The role with the name given cannot be found.",
));
const NO_POLICY: Option<(&str, &str)> =
    Some(("NoSuchEntity", "Policy was not found or is not attachable."));
const NO_INSTANCE: Option<(&str, &str)> = Some((
    "InvalidInstanceID.NotFound",
    "The instance ID does not exist",
));
const NO_TABLE: Option<(&str, &str)> =
    Some(("ResourceNotFoundException", "Requested resource not found"));
const NO_FUNCTION: Option<(&str, &str)> = Some(("ResourceNotFoundException", "Function not found"));
const NO_SECRET: Option<(&str, &str)> = Some((
    "ResourceNotFoundException",
    "Secrets Manager can't find the specified secret.",
));
const NO_GROUP: Option<(&str, &str)> = Some((
    "ResourceNotFoundException",
    "The specified log group does not exist.",
));
const NO_PARAM: Option<(&str, &str)> = Some(("ParameterNotFound", "Parameter not found."));
const NONE: Option<(&str, &str)> = None;

apis! {
    S3 "ListBuckets" R false false S3ListBuckets, NONE;
    S3 "GetBucketAcl" R false false S3Bucket("acl"), NONE;
    S3 "GetBucketPolicy" R false false S3Bucket("policy"), Some(("NoSuchBucketPolicy", "The bucket policy does not exist"));
    S3 "GetBucketLocation" R false false S3Bucket("location"), NONE;
    S3 "GetBucketVersioning" R false false S3Bucket("versioning"), NONE;
    S3 "GetBucketEncryption" R false false S3Bucket("encryption"), Some(("ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found"));
    S3 "GetBucketPublicAccessBlock" R false false S3Bucket("publicAccessBlock"), Some(("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"));
    S3 "PutBucketPolicy" W false false S3Bucket("policy"), NONE;
    S3 "GetObject" R true false S3Object, NO_KEY;
    S3 "HeadObject" R true false S3Object, NO_KEY;
    S3 "PutObject" W true false S3Object, NONE;
    S3 "DeleteObject" W true false S3Object, NONE;
    EC2 "DescribeInstances" R false false Ec2Describe, NONE;
    EC2 "DescribeSecurityGroups" R false false Fixed(Some(r#"{"securityGroupSet":{},"securityGroupIdSet":{},"filterSet":{}}"#)), NONE;
    EC2 "DescribeVpcs" R false false Fixed(Some(r#"{"vpcSet":{},"filterSet":{}}"#)), NONE;
    EC2 "DescribeSubnets" R false false Fixed(Some(r#"{"subnetSet":{},"filterSet":{}}"#)), NONE;
    EC2 "DescribeVolumes" R false false Fixed(Some(r#"{"volumeSet":{},"filterSet":{}}"#)), NONE;
    EC2 "DescribeSnapshots" R false false Fixed(Some(r#"{"snapshotSet":{},"ownersSet":{"items":[{"owner":"self"}]},"sharedUsersSet":{},"filterSet":{}}"#)), NONE;
    EC2 "DescribeImages" R false false Fixed(Some(r#"{"executableBySet":{},"imagesSet":{},"ownersSet":{"items":[{"owner":"self"}]},"filterSet":{}}"#)), NONE;
    EC2 "DescribeKeyPairs" R false false Fixed(Some(r#"{"keySet":{},"filterSet":{}}"#)), NONE;
    EC2 "DescribeRegions" R false false Fixed(Some(r#"{"regionSet":{},"allRegions":false}"#)), NONE;
    EC2 "DescribeAddresses" R false false Fixed(Some(r#"{"publicIpsSet":{},"allocationIdsSet":{},"filterSet":{}}"#)), NONE;
    EC2 "RunInstances" W false false Ec2Run, NONE;
    EC2 "StartInstances" W false false Ec2State(80, "stopped", 0, "pending"), NO_INSTANCE;
    EC2 "StopInstances" W false false Ec2State(16, "running", 64, "stopping"), NO_INSTANCE;
    EC2 "TerminateInstances" W false false Ec2State(16, "running", 32, "shutting-down"), NO_INSTANCE;
    EC2 "CreateTags" W false false Ec2Tags, NONE;
    EC2 "AuthorizeSecurityGroupIngress" W false false Ec2Ingress, Some(("InvalidPermission.Duplicate", "the specified rule already exists"));
    IAM "GetUser" R false true IamUser, NO_USER;
    IAM "ListUsers" R false true Fixed(None), NONE;
    IAM "ListAccessKeys" R false true IamUser, NO_USER;
    IAM "ListAttachedUserPolicies" R false true IamUser, NO_USER;
    IAM "ListUserPolicies" R false true IamUser, NO_USER;
    IAM "ListGroupsForUser" R false true IamUser, NO_USER;
    IAM "ListRoles" R false true Fixed(None), NONE;
    IAM "GetRole" R false true IamRole, NO_ROLE;
    IAM "ListAttachedRolePolicies" R false true IamRole, NO_ROLE;
    IAM "ListRolePolicies" R false true IamRole, NO_ROLE;
    IAM "ListPolicies" R false true Fixed(Some(r#"{"scope":"Local","onlyAttached":false,"policyUsageFilter":"PermissionsPolicy"}"#)), NONE;
    IAM "GetPolicy" R false true IamPolicy(false), NO_POLICY;
    IAM "GetPolicyVersion" R false true IamPolicy(true), NO_POLICY;
    IAM "ListGroups" R false true Fixed(None), NONE;
    IAM "GetAccountSummary" R false true Fixed(None), NONE;
    IAM "GetAccountAuthorizationDetails" R false true Fixed(Some(r#"{"filter":["User","Role","Group","LocalManagedPolicy"]}"#)), NONE;
    IAM "GetAccountPasswordPolicy" R false true Fixed(None), Some(("NoSuchEntity", "The Password Policy with domain name cannot be found."));
    IAM "ListMFADevices" R false true IamUser, NO_USER;
    IAM "CreateUser" W false true IamCreateUser, Some(("EntityAlreadyExists", "User with name already exists."));
    IAM "CreateLoginProfile" W false true IamLoginProfile, Some(("EntityAlreadyExists", "Login Profile for user cannot be created because it already exists."));
    IAM "AttachUserPolicy" W false true IamAttachUserPolicy, NO_POLICY;
    IAM "AttachRolePolicy" W false true IamAttachRolePolicy, NO_POLICY;
    IAM "PutUserPolicy" W false true IamPutUserPolicy, NO_USER;
    IAM "PutRolePolicy" W false true IamPutRolePolicy, NO_ROLE;
    IAM "CreateAccessKey" W false true IamCreateAccessKey, Some(("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2"));
    IAM "CreateRole" W false true IamCreateRole, Some(("EntityAlreadyExists", "Role with name already exists."));
    STS "AssumeRole" R false false StsAssumeRole, NONE;
    STS "GetCallerIdentity" R false false Fixed(None), NONE;
    STS "GetSessionToken" R false false StsSessionToken, NONE;
    KMS "Decrypt" R false false KmsCrypto, Some(("InvalidCiphertextException", "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access."));
    KMS "Encrypt" R false false KmsCrypto, NONE;
    KMS "GenerateDataKey" R false false KmsCrypto, NONE;
    KMS "DescribeKey" R false false KmsKey, Some(("NotFoundException", "Alias is not found."));
    KMS "ListAliases" R false false Fixed(None), NONE;
    KMS "ListKeys" R false false Fixed(None), NONE;
    KMS "RotateKey" W false false KmsRotate, NONE;
    LAMBDA "Invoke" W true false LambdaInvoke, NO_FUNCTION;
    LAMBDA "ListFunctions20150331" R false false Fixed(None), NONE;
    LAMBDA "GetFunction20150331v2" R false false LambdaFunction, NO_FUNCTION;
    LAMBDA "UpdateFunctionCode20150331v2" W false false LambdaFunction, NO_FUNCTION;
    TRAIL "DescribeTrails" R false false Fixed(Some(r#"{"trailNameList":[],"includeShadowTrails":true}"#)), NONE;
    TRAIL "GetTrailStatus" R false false Trail, Some(("TrailNotFoundException", "Unknown trail for this account."));
    TRAIL "GetEventSelectors" R false false Trail, NONE;
    TRAIL "LookupEvents" R false false Fixed(Some(r#"{"maxResults":50,"lookupAttributes":[{"attributeKey":"ReadOnly","attributeValue":"false"}]}"#)), NONE;
    LOGS "DescribeLogGroups" R false false Fixed(Some(r#"{"limit":50}"#)), NONE;
    LOGS "FilterLogEvents" R false false LogGroup, NO_GROUP;
    LOGS "CreateLogStream" W false false LogGroup, Some(("ResourceAlreadyExistsException", "The specified log stream already exists"));
    LOGS "CreateLogGroup" W false false LogGroup, Some(("ResourceAlreadyExistsException", "The specified log group already exists"));
    DDB "ListTables" R false false Fixed(None), NONE;
    DDB "DescribeTable" R false false DdbTable, NO_TABLE;
    DDB "GetItem" R true false DdbItem, NO_TABLE;
    DDB "Query" R true false DdbItem, NO_TABLE;
    DDB "PutItem" W true false DdbItem, Some(("ConditionalCheckFailedException", "The conditional request failed"));
    DDB "UpdateItem" W true false DdbItem, Some(("ConditionalCheckFailedException", "The conditional request failed"));
    SECRETS "GetSecretValue" R false false Secret, NO_SECRET;
    SECRETS "DescribeSecret" R false false Secret, NO_SECRET;
    SECRETS "ListSecrets" R false false Fixed(None), NONE;
    GUARDDUTY "ListDetectors" R false false Fixed(None), NONE;
    GUARDDUTY "GetDetector" R false false GuardDuty, NONE;
    GUARDDUTY "ListFindings" R false false GuardDuty, NONE;
    GUARDDUTY "GetFindings" R false false GuardDuty, NONE;
    SIGNIN "ConsoleLogin" W false true ConsoleLogin, NONE;
    SSO "GetRoleCredentials" R false true SsoRoleCredentials, NONE;
    SSO "ListAccounts" R false true Fixed(None), NONE;
    SSO "ListAccountRoles" R false true Fixed(None), NONE;
    SSM "GetParameter" R false false SsmParameter, NO_PARAM;
    SSM "DescribeParameters" R false false Fixed(Some(r#"{"maxResults":50}"#)), NONE;
    SSM "UpdateInstanceInformation" W false false SsmInstance, NONE;
    CW "GetMetricData" R false false MetricData, NONE;
    CW "DescribeAlarms" R false false Fixed(Some(r#"{"maxRecords":100}"#)), NONE;
}

/// Index of an API in [`APIS`].
pub(crate) type ApiId = u16;

/// Looks an API up by `eventName`; the names in [`APIS`] are unique.
pub(crate) fn api_id(name: &str) -> Option<ApiId> {
    APIS.iter().position(|a| a.name == name).map(|i| i as ApiId)
}

/// The API with this id.
pub(crate) fn api(id: ApiId) -> &'static Api {
    &APIS[usize::from(id)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_actions_drop_lambda_versions() {
        for (i, a) in APIS.iter().enumerate() {
            assert_eq!(
                api_id(a.name),
                Some(i as ApiId),
                "duplicate eventName {}",
                a.name
            );
        }
        let list = api(api_id("ListFunctions20150331").expect("present"));
        assert_eq!(list.action(), "ListFunctions");
        let get = api(api_id("GetFunction20150331v2").expect("present"));
        assert_eq!(get.action(), "GetFunction");
        assert_eq!(
            api(api_id("GetMetricData").expect("present"))
                .service()
                .prefix,
            "cloudwatch"
        );
    }

    #[test]
    fn fixed_payloads_are_valid_json() {
        for a in APIS {
            if let Shape::Fixed(Some(text)) = a.shape {
                serde_json::from_str::<serde_json::Value>(text)
                    .unwrap_or_else(|e| panic!("{}: {e}", a.name));
            }
        }
    }
}
