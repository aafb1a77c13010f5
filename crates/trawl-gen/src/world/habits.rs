//! The organisation's names and habits: regions, resource names, user agents, and which APIs each kind of
//! principal calls how often.

/// Regions in the order they are assigned; the first is always us-east-1, where global services log.
pub(crate) const REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "ap-southeast-2",
    "eu-central-1",
    "ap-northeast-1",
    "us-east-2",
    "ca-central-1",
    "sa-east-1",
    "ap-south-1",
    "eu-north-1",
    "us-west-1",
];

/// The IAM user whose access key is stolen in the planted incident (account 0). One search token.
pub(crate) const PLANTED_USER: &str = "legacy_backup_svc";

/// Lambda functions present in every account.
pub(crate) const FUNCTIONS: &[&str] = &[
    "orders-api",
    "image-resizer",
    "nightly-report",
    "payments-webhook",
];
/// DynamoDB tables present in every account.
pub(crate) const TABLES: &[&str] = &[
    "orders",
    "sessions",
    "inventory",
    "customers",
    "idempotency-keys",
];
/// Secrets Manager secret names.
pub(crate) const SECRETS: &[&str] = &[
    "prod/orders/db-credentials",
    "prod/payments/stripe-api-key",
    "prod/shared/datadog-api-key",
    "staging/orders/db-credentials",
];
/// SSM parameters.
pub(crate) const PARAMETERS: &[&str] = &[
    "/prod/orders/db-host",
    "/prod/orders/feature-flags",
    "/prod/shared/log-level",
];
/// AWS managed policies attached by IAM writes.
pub(crate) const MANAGED_POLICIES: &[&str] = &[
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
];
/// S3 bucket names, suffixed with the account id.
pub(super) const BUCKET_PREFIXES: &[&str] = &[
    "app-assets",
    "data-lake-raw",
    "orders-exports",
    "cloudtrail-logs",
    "backups",
    "terraform-state",
];
/// People: IAM user names and, with `@example.com`, SSO session names.
pub(super) const HUMANS: &[&str] = &[
    "alice.nguyen",
    "bob.schmidt",
    "carla.mendes",
    "deepak.rao",
    "erin.walsh",
    "farid.haddad",
    "grace.kim",
    "hugo.laurent",
    "ines.costa",
    "jonas.berg",
    "kenji.sato",
    "lena.fischer",
    "marco.rossi",
    "nadia.petrova",
    "omar.aziz",
    "priya.shah",
];
/// IAM users of build and deployment pipelines.
pub(super) const CI_USERS: &[&str] = &[
    "ci-deploy",
    "terraform-ci",
    "github-actions-release",
    "jenkins-build",
    "svc-metrics-export",
    "svc-log-shipper",
];
/// Long-lived service IAM users of the accounts other than the first (which has [`PLANTED_USER`]).
pub(super) const SERVICE_USERS: &[&str] =
    &["svc-db-snapshots", "svc-report-export", "svc-archive-sync"];

/// User agents of programmatic humans and CI.
pub(super) const CLI_AGENTS: &[&str] = &[
    "aws-cli/2.15.40 md/awscrt#0.19.19 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#s3.ls",
    "aws-cli/2.15.38 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1018-aws md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#ec2.describe-instances",
    "Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.84",
    "aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/sts#1.28.6",
];
/// User agents of CI pipelines.
pub(super) const CI_AGENTS: &[&str] = &[
    "APN/1.0 HashiCorp/1.0 Terraform/1.8.2 (+https://www.terraform.io) terraform-provider-aws/5.47.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.1 ua/2.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.156.0",
    "aws-cli/2.15.40 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1018-azure md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#lambda.update-function-code",
    "aws-sdk-js/3.569.0 ua/2.0 os/linux#6.5.0-1018-azure lang/js md/nodejs#20.12.2 api/s3#3.569.0",
];
/// User agents of application workloads (Lambda, ECS, EC2).
pub(super) const APP_AGENTS: &[&str] = &[
    "aws-sdk-java/2.25.40 Linux/5.10.215-203.850.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. md/internal exec-env/AWS_Lambda_java17 io/sync http/Apache cfg/retry-mode/legacy",
    "Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/linux#5.10.214-223.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.84",
    "aws-sdk-nodejs/2.1609.0 linux/v20.12.2 exec-env/AWS_ECS_FARGATE promise",
    "aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/dynamodb#1.31.1",
];
/// User agent of the on-premises backup job.
pub(super) const BACKUP_AGENTS: &[&str] =
    &["aws-cli/1.32.84 Python/3.9.18 Linux/4.18.0-513.24.1.el8_9.x86_64 botocore/1.34.84"];
/// User agent of the security scanner.
pub(super) const SCANNER_AGENTS: &[&str] = &[
    "Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/linux#5.15.0-1058-gcp md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard Botocore/1.34.84 prowler/3.16.5",
];
/// User agents of AWS Management Console sessions.
pub(crate) const CONSOLE_AGENTS: &[&str] = &[
    "AWS Internal",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
];

/// The behaviour profile: which APIs a principal calls, with relative weights.
pub(super) type Profile = &'static [(&'static str, u64)];

/// Application workloads: data-plane reads and writes, secrets, keys.
pub(super) const APP: Profile = &[
    ("GetObject", 30),
    ("PutObject", 12),
    ("HeadObject", 6),
    ("DeleteObject", 2),
    ("GetItem", 25),
    ("PutItem", 12),
    ("Query", 15),
    ("UpdateItem", 6),
    ("Decrypt", 12),
    ("GenerateDataKey", 6),
    ("GetSecretValue", 14),
    ("GetParameter", 14),
    ("CreateLogStream", 10),
    ("GetCallerIdentity", 8),
    ("Invoke", 6),
    ("UpdateInstanceInformation", 6),
    ("DescribeParameters", 4),
];
/// Engineers: mostly console and CLI reads across services.
pub(super) const HUMAN: Profile = &[
    ("DescribeInstances", 20),
    ("DescribeSecurityGroups", 10),
    ("DescribeVpcs", 6),
    ("DescribeSubnets", 6),
    ("DescribeVolumes", 4),
    ("DescribeImages", 2),
    ("ListBuckets", 12),
    ("GetBucketAcl", 4),
    ("GetBucketPolicy", 4),
    ("GetBucketLocation", 6),
    ("GetBucketVersioning", 2),
    ("GetObject", 12),
    ("PutObject", 4),
    ("ListUsers", 3),
    ("ListRoles", 6),
    ("GetRole", 6),
    ("GetUser", 4),
    ("ListAttachedRolePolicies", 4),
    ("GetPolicy", 2),
    ("GetPolicyVersion", 2),
    ("ListFunctions20150331", 8),
    ("GetFunction20150331v2", 6),
    ("DescribeLogGroups", 8),
    ("FilterLogEvents", 8),
    ("DescribeTable", 6),
    ("ListTables", 4),
    ("DescribeAlarms", 6),
    ("GetMetricData", 10),
    ("DescribeTrails", 2),
    ("LookupEvents", 4),
    ("ListSecrets", 2),
    ("DescribeSecret", 2),
    ("ListAliases", 2),
    ("DescribeKey", 2),
    ("GetCallerIdentity", 6),
    ("StartInstances", 1),
    ("StopInstances", 1),
    ("CreateTags", 2),
    ("ConsoleLogin", 2),
    ("DescribeParameters", 2),
];
/// Administrators: reads plus occasional IAM, network and compute changes.
pub(super) const ADMIN: Profile = &[
    ("DescribeInstances", 16),
    ("DescribeSecurityGroups", 8),
    ("DescribeVpcs", 4),
    ("ListBuckets", 10),
    ("GetBucketPolicy", 4),
    ("GetBucketAcl", 3),
    ("PutBucketPolicy", 1),
    ("GetObject", 6),
    ("ListUsers", 4),
    ("ListRoles", 6),
    ("GetRole", 6),
    ("GetUser", 3),
    ("ListAccessKeys", 2),
    ("ListAttachedUserPolicies", 2),
    ("CreateRole", 1),
    ("AttachRolePolicy", 1),
    ("PutRolePolicy", 1),
    ("ListFunctions20150331", 6),
    ("GetFunction20150331v2", 4),
    ("UpdateFunctionCode20150331v2", 1),
    ("DescribeLogGroups", 6),
    ("FilterLogEvents", 6),
    ("DescribeTable", 4),
    ("GetMetricData", 8),
    ("DescribeAlarms", 4),
    ("DescribeTrails", 2),
    ("GetTrailStatus", 2),
    ("LookupEvents", 4),
    ("ListDetectors", 2),
    ("ListFindings", 2),
    ("GetFindings", 2),
    ("DescribeKey", 2),
    ("ListSecrets", 2),
    ("GetSecretValue", 1),
    ("TerminateInstances", 1),
    ("RunInstances", 1),
    ("AuthorizeSecurityGroupIngress", 1),
    ("CreateUser", 1),
    ("CreateAccessKey", 1),
];
/// Read-only SSO sessions.
pub(super) const READONLY: Profile = &[
    ("DescribeInstances", 16),
    ("DescribeSecurityGroups", 6),
    ("DescribeVpcs", 4),
    ("DescribeSubnets", 4),
    ("ListBuckets", 10),
    ("GetBucketLocation", 4),
    ("GetObject", 4),
    ("ListRoles", 4),
    ("GetRole", 4),
    ("ListFunctions20150331", 6),
    ("DescribeLogGroups", 6),
    ("FilterLogEvents", 8),
    ("DescribeTable", 4),
    ("GetMetricData", 12),
    ("DescribeAlarms", 6),
    ("LookupEvents", 4),
    ("ListFindings", 2),
    ("GetFindings", 2),
];
/// Deployment pipelines.
pub(super) const CI: Profile = &[
    ("PutObject", 10),
    ("GetObject", 6),
    ("HeadObject", 2),
    ("UpdateFunctionCode20150331v2", 5),
    ("GetFunction20150331v2", 6),
    ("DescribeInstances", 4),
    ("RunInstances", 2),
    ("CreateTags", 3),
    ("TerminateInstances", 1),
    ("GetRole", 4),
    ("ListAttachedRolePolicies", 2),
    ("ListRolePolicies", 2),
    ("AssumeRole", 6),
    ("GetCallerIdentity", 6),
    ("DescribeSecurityGroups", 3),
    ("DescribeTable", 2),
    ("CreateLogGroup", 1),
    ("DescribeKey", 1),
    ("GetParameter", 2),
    ("DescribeImages", 2),
];
/// The backup service user: S3 only.
pub(super) const BACKUP: Profile = &[
    ("ListBuckets", 3),
    ("GetObject", 10),
    ("PutObject", 10),
    ("HeadObject", 4),
    ("GetBucketLocation", 2),
];
/// A security posture scanner: broad configuration reads.
pub(super) const SCANNER: Profile = &[
    ("DescribeInstances", 6),
    ("DescribeSecurityGroups", 6),
    ("DescribeVolumes", 3),
    ("DescribeSnapshots", 3),
    ("DescribeImages", 2),
    ("DescribeKeyPairs", 2),
    ("DescribeAddresses", 2),
    ("DescribeRegions", 2),
    ("GetBucketAcl", 5),
    ("GetBucketPolicy", 5),
    ("GetBucketEncryption", 4),
    ("GetBucketPublicAccessBlock", 4),
    ("GetBucketVersioning", 3),
    ("ListBuckets", 3),
    ("ListUsers", 3),
    ("ListRoles", 3),
    ("ListPolicies", 2),
    ("GetPolicyVersion", 3),
    ("ListAccessKeys", 4),
    ("ListMFADevices", 3),
    ("ListAttachedUserPolicies", 3),
    ("ListUserPolicies", 2),
    ("ListGroupsForUser", 2),
    ("GetAccountPasswordPolicy", 2),
    ("GetAccountSummary", 2),
    ("DescribeTrails", 3),
    ("GetTrailStatus", 3),
    ("GetEventSelectors", 3),
    ("ListDetectors", 2),
    ("GetDetector", 2),
    ("ListAliases", 2),
    ("ListKeys", 2),
    ("DescribeKey", 3),
    ("ListSecrets", 2),
    ("ListFunctions20150331", 2),
    ("DescribeLogGroups", 2),
    ("DescribeAlarms", 2),
];
/// Service-linked roles (AWS Config, IAM Access Analyzer).
pub(super) const SERVICE_LINKED: Profile = &[
    ("DescribeInstances", 6),
    ("DescribeSecurityGroups", 5),
    ("DescribeVpcs", 3),
    ("DescribeVolumes", 3),
    ("DescribeSubnets", 3),
    ("GetRole", 3),
    ("ListAttachedRolePolicies", 2),
    ("GetBucketAcl", 3),
    ("GetBucketPolicy", 3),
    ("GetBucketVersioning", 2),
    ("DescribeKey", 2),
    ("DescribeTrails", 2),
    ("ListFunctions20150331", 2),
];
/// AWS services acting for workloads: role assumption and KMS.
pub(super) const AWS_SERVICE: Profile =
    &[("AssumeRole", 10), ("Decrypt", 4), ("GenerateDataKey", 4)];
/// CloudTrail encrypting its log files.
pub(super) const CLOUDTRAIL_SERVICE: Profile = &[("GenerateDataKey", 6), ("DescribeKey", 1)];
/// `AwsServiceEvent` records.
pub(super) const SERVICE_EVENT: Profile = &[("RotateKey", 1)];
/// The root user.
pub(super) const ROOT: Profile = &[
    ("ConsoleLogin", 3),
    ("GetAccountSummary", 2),
    ("ListUsers", 1),
    ("DescribeRegions", 1),
    ("GetBucketPolicy", 1),
];
/// A federated (`GetFederationToken`) analyst session.
pub(super) const FEDERATED: Profile = &[
    ("GetObject", 6),
    ("ListBuckets", 2),
    ("DescribeInstances", 2),
    ("GetCallerIdentity", 2),
    ("GetMetricData", 2),
];
/// Identity Center users on the access portal.
pub(super) const IDENTITY_CENTER: Profile = &[
    ("GetRoleCredentials", 6),
    ("ListAccounts", 3),
    ("ListAccountRoles", 3),
];
