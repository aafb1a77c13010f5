//! Bad input, kept inside the lake with where it came from and why it was refused.

use serde::{Deserialize, Serialize};

/// One quarantined object or record (a line of `_trawl/quarantine/<run>.jsonl`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QuarantineEntry {
    /// The source object's path.
    pub source: String,
    /// Short reason: `gzip_corrupt`, `invalid_json`, `not_trail_log`, `not_an_object`, …
    pub reason: String,
    /// The full explanation, with the position inside the object where there is one.
    pub detail: String,
    /// 0-based record position inside the object, for a refused record.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub record_index: Option<u64>,
    /// 1-based line and column of a JSON syntax error.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<usize>,
    /// See `line`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub column: Option<usize>,
    /// The refused record's exact text (record-level entries).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub record: Option<String>,
    /// Copy of the refused object's bytes, relative to the lake root (object-level entries).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub copy: Option<String>,
}
