"""The DuckDB side's SQL: the Athena-like typed schema, the views, the ingest recipes.

Everything here is plain text handed to ``duck_worker.py``; the harness itself never imports duckdb.
"""

from __future__ import annotations

from pathlib import Path

#: One CloudTrail record as DuckDB's ``read_json(columns=...)`` should read it: Athena's columns with
#: the JSON's own camelCase keys (DuckDB matches keys case-sensitively), structs for the fixed shapes,
#: a list of structs for ``resources``, JSON for the free-form objects (cast to VARCHAR afterwards).
RECORD_TYPE = """STRUCT(
  eventVersion VARCHAR,
  userIdentity STRUCT(
    "type" VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, invokedBy VARCHAR,
    accessKeyId VARCHAR, userName VARCHAR,
    onBehalfOf STRUCT(userId VARCHAR, identityStoreArn VARCHAR),
    sessionContext STRUCT(
      attributes STRUCT(mfaAuthenticated VARCHAR, creationDate VARCHAR),
      sessionIssuer STRUCT("type" VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, userName VARCHAR),
      ec2RoleDelivery VARCHAR,
      webIdFederationData STRUCT(federatedProvider VARCHAR, attributes MAP(VARCHAR, VARCHAR)))),
  eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, awsRegion VARCHAR, sourceIPAddress VARCHAR,
  userAgent VARCHAR, errorCode VARCHAR, errorMessage VARCHAR,
  requestParameters JSON, responseElements JSON, additionalEventData JSON,
  requestID VARCHAR, eventID VARCHAR, readOnly VARCHAR,
  resources STRUCT(ARN VARCHAR, accountId VARCHAR, "type" VARCHAR)[],
  eventType VARCHAR, apiVersion VARCHAR, recipientAccountId VARCHAR, serviceEventDetails JSON,
  sharedEventID VARCHAR, vpcEndpointId VARCHAR, vpcEndpointAccountId VARCHAR, eventCategory VARCHAR,
  addendum STRUCT(reason VARCHAR, updatedFields VARCHAR, originalRequestID VARCHAR, originalEventID VARCHAR),
  sessionCredentialFromConsole VARCHAR, edgeDeviceDetails JSON,
  tlsDetails STRUCT(tlsVersion VARCHAR, cipherSuite VARCHAR, clientProvidedHostHeader VARCHAR))"""

#: (lake column, record field, is a JSON-text column) in the lake's column order.
COLUMNS = [
    ("eventversion", "eventVersion", False),
    ("useridentity", "userIdentity", False),
    ("eventtime", "eventTime", False),
    ("eventsource", "eventSource", False),
    ("eventname", "eventName", False),
    ("awsregion", "awsRegion", False),
    ("sourceipaddress", "sourceIPAddress", False),
    ("useragent", "userAgent", False),
    ("errorcode", "errorCode", False),
    ("errormessage", "errorMessage", False),
    ("requestparameters", "requestParameters", True),
    ("responseelements", "responseElements", True),
    ("additionaleventdata", "additionalEventData", True),
    ("requestid", "requestID", False),
    ("eventid", "eventID", False),
    ("readonly", "readOnly", False),
    ("resources", "resources", False),
    ("eventtype", "eventType", False),
    ("apiversion", "apiVersion", False),
    ("recipientaccountid", "recipientAccountId", False),
    ("serviceeventdetails", "serviceEventDetails", True),
    ("sharedeventid", "sharedEventID", False),
    ("vpcendpointid", "vpcEndpointId", False),
    ("vpcendpointaccountid", "vpcEndpointAccountId", False),
    ("eventcategory", "eventCategory", False),
    ("addendum", "addendum", False),
    ("sessioncredentialfromconsole", "sessionCredentialFromConsole", False),
    ("edgedevicedetails", "edgeDeviceDetails", True),
    ("tlsdetails", "tlsDetails", False),
]

#: A Scanner-style free-text match (whole-token containment, case-sensitive) for the translations
#: of search queries: ``has_token(text, term)``.
HAS_TOKEN_MACRO = (
    "CREATE MACRO has_token(t, term) AS "
    "regexp_matches(t, '(^|[^A-Za-z0-9_])' || regexp_escape(term) || '([^A-Za-z0-9_]|$)')"
)


def quote(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def files_expr(root: Path, files: list[Path]) -> str:
    """The file argument of ``read_json``: a glob when it names exactly ``files``, else a list."""
    gz_only = files and all(p.name.endswith(".json.gz") for p in files)
    if gz_only and len(list(root.rglob("*.json.gz"))) == len(files):
        return quote(f"{root}/**/*.json.gz")
    return "[" + ", ".join(quote(str(p)) for p in files) + "]"


def typed_select(root: Path, files: list[Path]) -> str:
    """The typed read: one row per record, lake column names, JSON objects as their text,
    and the partition values trawl derives (account, region, year, month, day, date_partition)."""
    columns = ",\n  ".join(
        f"r.{field}::VARCHAR AS {name}" if is_json else f"r.{field} AS {name}" for name, field, is_json in COLUMNS
    )
    read = (
        f"read_json({files_expr(root, files)}, columns = {{'Records': {quote(RECORD_TYPE + '[]')}}}, format = 'auto')"
    )
    return f"""SELECT
  {columns},
  r.recipientAccountId AS account,
  r.awsRegion AS region,
  substr(r.eventTime, 1, 4) AS year,
  substr(r.eventTime, 6, 2) AS month,
  substr(r.eventTime, 9, 2) AS day,
  replace(substr(r.eventTime, 1, 10), '-', '/') AS date_partition
FROM (SELECT unnest(Records) AS r FROM {read})"""


def auto_select(root: Path, files: list[Path]) -> str:
    """The auto-detected read (the common blog recipe): DuckDB infers the record types itself."""
    return f"SELECT unnest(Records, max_depth := 2) FROM read_json({files_expr(root, files)})"


def copy_to(select: str, out: Path) -> str:
    """``COPY (select) TO out`` as zstd Parquet (trawl's codec)."""
    return f"COPY ({select}) TO {quote(str(out))} (FORMAT parquet, COMPRESSION zstd)"


def parquet_view(lake: Path) -> list[str]:
    """Setup statements: ``cloudtrail`` over the lake's Parquet files, the search macro."""
    glob = quote(f"{lake}/cloudtrail/**/*.parquet")
    return [
        f"CREATE VIEW cloudtrail AS SELECT * FROM read_parquet({glob}, hive_partitioning = false)",
        HAS_TOKEN_MACRO,
    ]


def raw_view(root: Path, files: list[Path]) -> list[str]:
    """Setup statements: ``cloudtrail`` over the raw json.gz with the typed schema, the search macro."""
    return [f"CREATE VIEW cloudtrail AS {typed_select(root, files)}", HAS_TOKEN_MACRO]
