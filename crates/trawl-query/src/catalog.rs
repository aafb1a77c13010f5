//! The names queries use for the lake, and the Athena-layout views over it.
//!
//! One base table, `trawl.events`, reads the lake's Parquet files. Three views give the
//! published Athena layouts (schema doc §1.6), each in the schemas `security_analysis` and
//! `default` of the default catalog and of the catalog `awsdatacatalog`:
//!
//! | view | columns |
//! |---|---|
//! | `cloudtrail` | the 23 Security Analytics Bootstrap columns, `date_partition`, `region_partition`, `account_partition` |
//! | `cloudtrail_logs` | the 29 AWS-docs columns, `region`, `year`, `month`, `day`, `account` |
//! | `cloudtrail_logs_pp` | the 29 AWS-docs columns, `"timestamp"` |
//!
//! Athena's hidden `"$path"` column is not part of `SELECT *`. Each view has a twin in the
//! `trawl` schema (`trawl."cloudtrail$path"`, …) that adds `"$path"` (the record's source
//! object); a query that mentions `"$path"` is pointed at the twins (see `rewrite::path`).

/// DataFusion's default catalog (where `security_analysis` and `default` live).
pub const DEFAULT_CATALOG: &str = "datafusion";
/// Athena's data catalog name, registered as a second catalog with the same schemas.
pub const ATHENA_CATALOG: &str = "awsdatacatalog";
/// The schemas holding the views; the first is the session's default schema.
pub const VIEW_SCHEMAS: &[&str] = &["security_analysis", "default"];
/// trawl's own schema: the base table and the `"$path"` twins.
pub const TRAWL_SCHEMA: &str = "trawl";
/// The base table over the lake's files.
pub const BASE_TABLE: &str = "events";
/// Athena's pseudo-column naming a row's source object.
pub const PATH_COLUMN: &str = "$path";

/// One Athena table layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `cloudtrail` (Security Analytics Bootstrap).
    Bootstrap,
    /// `cloudtrail_logs` (AWS docs, manual partitions; organization-trail partition order).
    Docs,
    /// `cloudtrail_logs_pp` (AWS docs, partition projection).
    Projection,
}

impl Layout {
    /// Every layout.
    pub const ALL: [Layout; 3] = [Layout::Bootstrap, Layout::Docs, Layout::Projection];

    /// The view's name.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Bootstrap => "cloudtrail",
            Layout::Docs => "cloudtrail_logs",
            Layout::Projection => "cloudtrail_logs_pp",
        }
    }

    /// The layout whose view is called `name`.
    pub fn by_name(name: &str) -> Option<Layout> {
        Layout::ALL.into_iter().find(|l| l.name() == name)
    }

    /// Name of the twin view that also carries `"$path"` (in [`TRAWL_SCHEMA`]).
    pub fn path_twin(self) -> String {
        format!("{}{PATH_COLUMN}", self.name())
    }

    /// The view's select list over the base table, in `SELECT *` order.
    pub fn select_list(self) -> Vec<String> {
        let mut cols: Vec<String> = match self {
            Layout::Bootstrap => trawl_schema::BOOTSTRAP_COLUMNS
                .iter()
                .map(|c| c.to_string())
                .collect(),
            Layout::Docs | Layout::Projection => {
                trawl_schema::docs_columns().map(String::from).collect()
            }
        };
        let extra: &[&str] = match self {
            Layout::Bootstrap => &[
                "date_partition",
                "region AS region_partition",
                "account AS account_partition",
            ],
            Layout::Docs => &["region", "year", "month", "day", "account"],
            Layout::Projection => &["date_partition AS \"timestamp\""],
        };
        cols.extend(extra.iter().map(|c| c.to_string()));
        cols
    }

    /// The view's SQL definition (with `"$path"` for the twin).
    pub fn definition(self, with_path: bool) -> String {
        let mut cols = self.select_list();
        if with_path {
            cols.push(format!("_source_path AS \"{PATH_COLUMN}\""));
        }
        format!(
            "SELECT {} FROM {TRAWL_SCHEMA}.{BASE_TABLE}",
            cols.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_follow_the_schema_doc() {
        let b = Layout::Bootstrap.select_list();
        assert_eq!(b.len(), 26);
        assert_eq!(b[15], "resources");
        assert_eq!(
            &b[23..],
            [
                "date_partition",
                "region AS region_partition",
                "account AS account_partition"
            ]
        );
        let d = Layout::Docs.select_list();
        assert_eq!(d.len(), 34);
        assert_eq!(d[28], "tlsdetails");
        assert_eq!(
            Layout::Projection.select_list().last().unwrap(),
            "date_partition AS \"timestamp\""
        );
        assert!(
            Layout::Docs
                .definition(true)
                .ends_with("_source_path AS \"$path\" FROM trawl.events")
        );
        assert_eq!(
            Layout::by_name("cloudtrail_logs_pp"),
            Some(Layout::Projection)
        );
        assert_eq!(Layout::Bootstrap.path_twin(), "cloudtrail$path");
    }
}
