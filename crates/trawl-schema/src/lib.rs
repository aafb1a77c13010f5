//! The trawl lake's schema: Athena's CloudTrail columns, every name lower-case, plus the few
//! columns trawl adds (partition values, provenance, and the lossless `_extra` note).
//!
//! The record layout is declared once, as data ([`RECORD_FIELDS`]); the Arrow schema, the ingest
//! decoder, the exporter and the query views are all derived from it, so a new CloudTrail field is
//! one line here.

use std::sync::{Arc, LazyLock};

use arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};

/// Version of the on-disk lake format written by this build (see `_trawl/manifest.json`).
pub const LAKE_FORMAT_VERSION: u32 = 1;

/// Folder under the lake root that holds the event table's Parquet files.
pub const TABLE_DIR: &str = "cloudtrail";

/// Folder under the lake root that holds trawl's own state (manifest, quarantine, staging).
pub const STATE_DIR: &str = "_trawl";

/// How a JSON value is stored in its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A JSON string, stored as its decoded text.
    Text,
    /// A JSON boolean, stored as the text `'true'` / `'false'` (as Athena does).
    Bool,
    /// Any JSON value, stored as its exact original JSON text (objects, arrays).
    Json,
    /// A JSON object with known fields, stored as an Arrow struct.
    Struct(&'static [FieldSpec]),
    /// A JSON array of objects with known fields, stored as an Arrow list of structs.
    List(&'static [FieldSpec]),
    /// A JSON object of string values, stored as an Arrow map (keys keep their spelling).
    Map,
}

/// One field of a CloudTrail record: its lake column name, its canonical JSON key, and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// Lower-case column (or struct field) name in the lake.
    pub name: &'static str,
    /// The key as CloudTrail spells it.
    pub key: &'static str,
    /// How the value is stored.
    pub kind: Kind,
}

const fn text(name: &'static str, key: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        key,
        kind: Kind::Text,
    }
}

const fn spec(name: &'static str, key: &'static str, kind: Kind) -> FieldSpec {
    FieldSpec { name, key, kind }
}

const ON_BEHALF_OF: &[FieldSpec] = &[
    text("userid", "userId"),
    text("identitystorearn", "identityStoreArn"),
];

const ATTRIBUTES: &[FieldSpec] = &[
    text("mfaauthenticated", "mfaAuthenticated"),
    text("creationdate", "creationDate"),
];

const SESSION_ISSUER: &[FieldSpec] = &[
    text("type", "type"),
    text("principalid", "principalId"),
    text("arn", "arn"),
    text("accountid", "accountId"),
    text("username", "userName"),
];

const WEB_ID_FEDERATION_DATA: &[FieldSpec] = &[
    text("federatedprovider", "federatedProvider"),
    spec("attributes", "attributes", Kind::Map),
];

const SESSION_CONTEXT: &[FieldSpec] = &[
    spec("attributes", "attributes", Kind::Struct(ATTRIBUTES)),
    spec(
        "sessionissuer",
        "sessionIssuer",
        Kind::Struct(SESSION_ISSUER),
    ),
    text("ec2roledelivery", "ec2RoleDelivery"),
    spec(
        "webidfederationdata",
        "webIdFederationData",
        Kind::Struct(WEB_ID_FEDERATION_DATA),
    ),
];

const USER_IDENTITY: &[FieldSpec] = &[
    text("type", "type"),
    text("principalid", "principalId"),
    text("arn", "arn"),
    text("accountid", "accountId"),
    text("invokedby", "invokedBy"),
    text("accesskeyid", "accessKeyId"),
    text("username", "userName"),
    spec("onbehalfof", "onBehalfOf", Kind::Struct(ON_BEHALF_OF)),
    spec(
        "sessioncontext",
        "sessionContext",
        Kind::Struct(SESSION_CONTEXT),
    ),
];

const RESOURCE: &[FieldSpec] = &[
    text("arn", "ARN"),
    text("accountid", "accountId"),
    text("type", "type"),
];

const TLS_DETAILS: &[FieldSpec] = &[
    text("tlsversion", "tlsVersion"),
    text("ciphersuite", "cipherSuite"),
    text("clientprovidedhostheader", "clientProvidedHostHeader"),
];

const ADDENDUM: &[FieldSpec] = &[
    text("reason", "reason"),
    text("updatedfields", "updatedFields"),
    text("originalrequestid", "originalRequestID"),
    text("originaleventid", "originalEventID"),
];

/// Every record field with a column, in the current AWS docs DDL order (29 columns), followed by
/// trawl's two extension columns (`managementevent`, `insightdetails`).
pub const RECORD_FIELDS: &[FieldSpec] = &[
    text("eventversion", "eventVersion"),
    spec("useridentity", "userIdentity", Kind::Struct(USER_IDENTITY)),
    text("eventtime", "eventTime"),
    text("eventsource", "eventSource"),
    text("eventname", "eventName"),
    text("awsregion", "awsRegion"),
    text("sourceipaddress", "sourceIPAddress"),
    text("useragent", "userAgent"),
    text("errorcode", "errorCode"),
    text("errormessage", "errorMessage"),
    spec("requestparameters", "requestParameters", Kind::Json),
    spec("responseelements", "responseElements", Kind::Json),
    spec("additionaleventdata", "additionalEventData", Kind::Json),
    text("requestid", "requestID"),
    text("eventid", "eventID"),
    spec("readonly", "readOnly", Kind::Bool),
    spec("resources", "resources", Kind::List(RESOURCE)),
    text("eventtype", "eventType"),
    text("apiversion", "apiVersion"),
    text("recipientaccountid", "recipientAccountId"),
    spec("serviceeventdetails", "serviceEventDetails", Kind::Json),
    text("sharedeventid", "sharedEventID"),
    text("vpcendpointid", "vpcEndpointId"),
    text("vpcendpointaccountid", "vpcEndpointAccountId"),
    text("eventcategory", "eventCategory"),
    spec("addendum", "addendum", Kind::Struct(ADDENDUM)),
    text(
        "sessioncredentialfromconsole",
        "sessionCredentialFromConsole",
    ),
    spec("edgedevicedetails", "edgeDeviceDetails", Kind::Json),
    spec("tlsdetails", "tlsDetails", Kind::Struct(TLS_DETAILS)),
    spec("managementevent", "managementEvent", Kind::Bool),
    spec("insightdetails", "insightDetails", Kind::Json),
];

/// The 23 columns of the Security Analytics Bootstrap table, in its DDL order.
pub const BOOTSTRAP_COLUMNS: &[&str] = &[
    "eventversion",
    "useridentity",
    "eventtime",
    "eventsource",
    "eventname",
    "awsregion",
    "sourceipaddress",
    "useragent",
    "errorcode",
    "errormessage",
    "requestparameters",
    "responseelements",
    "additionaleventdata",
    "requestid",
    "eventid",
    "resources",
    "eventtype",
    "apiversion",
    "readonly",
    "recipientaccountid",
    "serviceeventdetails",
    "sharedeventid",
    "vpcendpointid",
];

/// The 29 columns of the current AWS docs table (`cloudtrail_logs`), in DDL order.
pub fn docs_columns() -> impl Iterator<Item = &'static str> {
    RECORD_FIELDS[..29].iter().map(|f| f.name)
}

/// Columns trawl adds to every row. None of them is part of an Athena layout's `SELECT *`.
pub mod system {
    /// Account partition value: the record's `recipientAccountId`, else the S3 key's account.
    pub const ACCOUNT: &str = "account";
    /// Region partition value: the record's `awsRegion`, else the S3 key's region.
    pub const REGION: &str = "region";
    /// UTC event year, `YYYY`; NULL when the record has no usable `eventTime`.
    pub const YEAR: &str = "year";
    /// UTC event month, `MM`.
    pub const MONTH: &str = "month";
    /// UTC event day, `DD`.
    pub const DAY: &str = "day";
    /// UTC event date as `YYYY/MM/DD` (Athena's `date_partition` and `timestamp` partitions).
    pub const DATE_PARTITION: &str = "date_partition";
    /// `eventTime` parsed to a UTC timestamp (milliseconds); NULL when unusable.
    pub const EVENT_TS: &str = "_event_ts";
    /// JSON object of the record's top-level keys the typed columns cannot reproduce exactly
    /// (unknown keys, non-canonical spellings, unexpected types, explicit nulls). NULL when none.
    pub const EXTRA: &str = "_extra";
    /// The source object the record came from, as a URL-like path (Athena's `"$path"`).
    pub const SOURCE_PATH: &str = "_source_path";
    /// The record's 0-based position inside its source object.
    pub const SOURCE_INDEX: &str = "_source_index";
}

/// Partition-value columns, in the order the lake's folders nest them.
pub const PARTITION_COLUMNS: &[&str] = &[
    system::ACCOUNT,
    system::REGION,
    system::YEAR,
    system::MONTH,
    system::DAY,
    system::DATE_PARTITION,
];

/// Arrow type of one record field (as it appears in [`lake_schema`], which builds it once).
fn data_type(kind: Kind) -> DataType {
    match kind {
        Kind::Text | Kind::Bool | Kind::Json => DataType::Utf8,
        Kind::Struct(fields) => DataType::Struct(struct_fields(fields)),
        Kind::List(fields) => DataType::List(Arc::new(Field::new(
            "item",
            DataType::Struct(struct_fields(fields)),
            true,
        ))),
        Kind::Map => DataType::Map(Arc::new(map_entries_field()), false),
    }
}

/// The entries field of the lake's `map<string,string>` columns.
fn map_entries_field() -> Field {
    Field::new(
        "entries",
        DataType::Struct(Fields::from(vec![
            Field::new("key", DataType::Utf8, false),
            Field::new("value", DataType::Utf8, true),
        ])),
        false,
    )
}

/// Arrow fields of a struct kind.
fn struct_fields(fields: &[FieldSpec]) -> Fields {
    fields
        .iter()
        .map(|f| Field::new(f.name, data_type(f.kind), true))
        .collect()
}

static LAKE_SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
    let mut fields: Vec<Field> = RECORD_FIELDS
        .iter()
        .map(|f| Field::new(f.name, data_type(f.kind), true))
        .collect();
    fields.push(Field::new(system::EXTRA, DataType::Utf8, true));
    for name in PARTITION_COLUMNS {
        fields.push(Field::new(*name, DataType::Utf8, true));
    }
    fields.push(Field::new(
        system::EVENT_TS,
        DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
        true,
    ));
    fields.push(Field::new(system::SOURCE_PATH, DataType::Utf8, false));
    fields.push(Field::new(system::SOURCE_INDEX, DataType::Int64, false));
    Arc::new(Schema::new(fields))
});

/// The schema of every Parquet file in the lake: [`RECORD_FIELDS`], `_extra`, the partition
/// columns, `_event_ts`, `_source_path`, `_source_index`.
pub fn lake_schema() -> SchemaRef {
    LAKE_SCHEMA.clone()
}

/// Looks a record field up by its JSON key, ignoring ASCII case (Athena's SerDe rule).
pub fn field_by_key<'a>(fields: &'a [FieldSpec], key: &str) -> Option<&'a FieldSpec> {
    fields.iter().find(|f| f.key.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_lower(fields: &Fields) {
        for f in fields {
            assert_eq!(f.name(), &f.name().to_ascii_lowercase());
            match f.data_type() {
                DataType::Struct(children) => assert_lower(children),
                DataType::List(item) => {
                    if let DataType::Struct(children) = item.data_type() {
                        assert_lower(children)
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn every_name_is_lower_case() {
        assert_lower(lake_schema().fields());
    }

    #[test]
    fn docs_layout_has_29_columns_and_bootstrap_is_a_subset() {
        let docs: Vec<_> = docs_columns().collect();
        assert_eq!(docs.len(), 29);
        assert_eq!(docs.last(), Some(&"tlsdetails"));
        assert!(BOOTSTRAP_COLUMNS.iter().all(|c| docs.contains(c)));
    }

    #[test]
    fn keys_map_case_insensitively() {
        assert_eq!(
            field_by_key(RECORD_FIELDS, "sourceipaddress").unwrap().name,
            "sourceipaddress"
        );
        assert_eq!(field_by_key(RESOURCE, "arn").unwrap().key, "ARN");
        assert!(field_by_key(RECORD_FIELDS, "nope").is_none());
    }
}
