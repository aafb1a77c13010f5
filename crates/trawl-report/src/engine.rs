//! The [`Engine`] over a lake: Athena SQL through trawl-query, search through trawl-search.

use trawl_query::{LakeSession, QueryParams, substitute_notebook_placeholders};
use trawl_search::{SearchOptions, TimeRange};

use crate::error::EngineError;
use crate::runner::{Engine, Params};

/// The database name the notebooks' `"{db_name}"` placeholder stands for.
pub const DEFAULT_DB_NAME: &str = "security_analysis";

/// Runs playbook queries on a [`LakeSession`].
///
/// - SQL: `"{db_name}"` is replaced by the database name (the notebooks' Python formatting), then
///   the statement runs with `params` bound to its `:name` markers as values in the plan.
/// - Search: the query is parsed, its quoted `"{name}"` placeholders are bound in the AST
///   ([`trawl_search::Query::bind`]), then it is planned and run over the time range.
#[derive(Debug, Clone)]
pub struct LakeEngine {
    session: LakeSession,
    db_name: String,
    range: TimeRange,
    search: SearchOptions,
}

impl LakeEngine {
    /// An engine over `session`, database `security_analysis`, no time range.
    pub fn new(session: LakeSession) -> Self {
        Self {
            session,
            db_name: DEFAULT_DB_NAME.into(),
            range: TimeRange::default(),
            search: SearchOptions::default(),
        }
    }

    /// Uses `db_name` for the notebooks' `"{db_name}"` (`security_analysis` or `default`).
    pub fn with_db_name(mut self, db_name: impl Into<String>) -> Self {
        self.db_name = db_name.into();
        self
    }

    /// Restricts search queries to `range` (SQL queries carry their own filters).
    pub fn with_time_range(mut self, range: TimeRange) -> Self {
        self.range = range;
        self
    }

    /// Options for search queries (strict mode, dataset name, …).
    pub fn with_search_options(mut self, options: SearchOptions) -> Self {
        self.search = options;
        self
    }
}

#[async_trait::async_trait]
impl Engine for LakeEngine {
    async fn sql(
        &self,
        text: &str,
        params: &Params,
    ) -> Result<Vec<arrow::array::RecordBatch>, EngineError> {
        let text = substitute_notebook_placeholders(text, &self.db_name);
        let bound = params.iter().fold(QueryParams::new(), |p, (name, value)| {
            p.set(name, value.as_str())
        });
        let mut results = self.session.collect(&text, &bound).await?;
        results
            .pop()
            .ok_or_else(|| "the query file holds no statement".into())
    }

    async fn search(
        &self,
        text: &str,
        params: &Params,
    ) -> Result<Vec<arrow::array::RecordBatch>, EngineError> {
        let mut query = trawl_search::parse(text)?;
        query.bind(params)?;
        let plan =
            trawl_search::plan(self.session.context(), &query, &self.range, &self.search).await?;
        Ok(plan.df.collect().await?)
    }
}
