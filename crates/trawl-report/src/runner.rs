//! Running a playbook: steps in order through an [`Engine`], parameters bound and chained.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::compute::concat_batches;
use arrow::datatypes::Schema;

use crate::error::{EngineError, Error, Result};
use crate::playbook::{CellRef, ChartSpec, FindingSpec, Playbook, Source, Step};
use crate::table::{cell_texts, column_names, find_column, format_number, numbers};
use crate::transform;

/// Parameter values by name. Queries receive them as bound values, never spliced into text.
pub type Params = BTreeMap<String, String>;

/// Executes queries. The CLI implements it over trawl-query and trawl-search; tests implement it
/// over fixed batches.
///
/// `text` is the query file's text exactly as written (SQL may contain the notebook's
/// `"{db_name}"` table placeholder and `:name` parameter placeholders; search text contains
/// quoted `"{name}"` placeholders, see `trawl_search::Query::bind`). `params` holds the values of
/// the parameters the step binds; an implementation binds them as values in the plan.
#[async_trait::async_trait]
pub trait Engine: Send + Sync {
    /// Runs an Athena SQL query.
    async fn sql(&self, text: &str, params: &Params) -> Result<Vec<RecordBatch>, EngineError>;
    /// Runs a search-language query.
    async fn search(&self, text: &str, params: &Params) -> Result<Vec<RecordBatch>, EngineError>;
}

/// A playbook's results, ready to render.
#[derive(Debug, Clone)]
pub struct Report {
    /// The playbook's name.
    pub name: String,
    /// The playbook's title.
    pub title: String,
    /// The playbook's description.
    pub description: String,
    /// The parameters that received a value, in declaration order.
    pub parameters: Vec<ResolvedParam>,
    /// One entry per step, in order.
    pub steps: Vec<StepReport>,
}

/// A parameter's value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedParam {
    /// The parameter's name.
    pub name: String,
    /// Its value.
    pub value: String,
    /// Its origin.
    pub origin: Origin,
}

/// Where a parameter value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Passed by the analyst (`--param`).
    Analyst,
    /// Read from an earlier step's result.
    Step {
        /// The step id.
        step: String,
        /// The column name in that result.
        column: String,
        /// The row, 0-based.
        row: usize,
    },
    /// The playbook's default.
    Default,
}

impl std::fmt::Display for Origin {
    /// Where the value came from, as the reports say it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Analyst => f.write_str("given by the analyst"),
            Origin::Step { step, column, row } => {
                write!(f, "from step {step}, column {column}, row {row}")
            }
            Origin::Default => f.write_str("playbook default"),
        }
    }
}

/// What a step ran.
#[derive(Debug, Clone)]
pub enum Ran {
    /// An Athena SQL query file.
    Sql {
        /// The file.
        file: PathBuf,
        /// Its text, as written.
        text: String,
    },
    /// A search-language query file.
    Search {
        /// The file.
        file: PathBuf,
        /// Its text, as written.
        text: String,
    },
    /// No query: the result of an earlier step.
    Step(String),
}

/// One step's outcome.
#[derive(Debug, Clone)]
pub struct StepReport {
    /// Step id.
    pub id: String,
    /// Step title.
    pub title: String,
    /// Step explanation.
    pub explanation: String,
    /// What ran.
    pub ran: Ran,
    /// Values bound to the query.
    pub params: Params,
    /// The transforms applied, described in words.
    pub transforms: Vec<String>,
    /// The result after the transforms.
    pub result: RecordBatch,
    /// The chart, when the step has one and the result has rows.
    pub chart: Option<BarChart>,
    /// The summary sentence, when the step has one.
    pub finding: Option<String>,
}

/// Data of a horizontal bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Title.
    pub title: String,
    /// Bars, top first.
    pub bars: Vec<Bar>,
}

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Label.
    pub label: String,
    /// Length.
    pub value: f64,
}

/// Runs `playbook` on `engine`. `given` holds the analyst's `--param` values; they win over
/// chained values and defaults. Stops at the first failing step with an error naming it.
pub async fn run(playbook: &Playbook, engine: &dyn Engine, given: &Params) -> Result<Report> {
    for name in given.keys() {
        if playbook.parameter(name).is_none() {
            return Err(Error::UnknownParameter {
                playbook: playbook.name.clone(),
                name: name.clone(),
                declared: playbook.parameters.iter().map(|p| p.name.clone()).collect(),
            });
        }
    }
    for p in &playbook.parameters {
        if p.required && !given.contains_key(&p.name) {
            return Err(Error::MissingParameter {
                name: p.name.clone(),
                reason: "it is required".into(),
            });
        }
    }
    let mut state = State {
        playbook,
        given,
        resolved: Vec::new(),
        steps: Vec::new(),
    };
    for step in &playbook.steps {
        let report = state.step(step, engine).await?;
        state.steps.push(report);
    }
    let parameters = playbook
        .parameters
        .iter()
        .filter_map(|p| state.resolved.iter().find(|r| r.name == p.name).cloned())
        .collect();
    Ok(Report {
        name: playbook.name.clone(),
        title: playbook.title.clone(),
        description: playbook.description.clone(),
        parameters,
        steps: state.steps,
    })
}

struct State<'a> {
    playbook: &'a Playbook,
    given: &'a Params,
    resolved: Vec<ResolvedParam>,
    steps: Vec<StepReport>,
}

impl State<'_> {
    async fn step(&mut self, step: &Step, engine: &dyn Engine) -> Result<StepReport> {
        let mut params = Params::new();
        for name in &step.params {
            params.insert(name.clone(), self.param(name)?);
        }
        let (ran, batches) = match &step.source {
            Source::Sql(q) => {
                let out = engine.sql(&q.text, &params).await;
                let ran = Ran::Sql {
                    file: q.path.clone(),
                    text: q.text.clone(),
                };
                (
                    ran,
                    out.map_err(|source| engine_error(step, &q.path, source))?,
                )
            }
            Source::Search(q) => {
                let out = engine.search(&q.text, &params).await;
                let ran = Ran::Search {
                    file: q.path.clone(),
                    text: q.text.clone(),
                };
                (
                    ran,
                    out.map_err(|source| engine_error(step, &q.path, source))?,
                )
            }
            Source::Step(from) => {
                let earlier =
                    self.steps
                        .iter()
                        .find(|s| &s.id == from)
                        .ok_or_else(|| Error::Step {
                            step: step.id.clone(),
                            message: format!("step {from} has not run"),
                        })?;
                (Ran::Step(from.clone()), vec![earlier.result.clone()])
            }
        };
        let batch = single_batch(&step.id, batches)?;
        let result = transform::apply(&step.id, batch, &step.transform)?;
        let chart = match &step.chart {
            Some(spec) => self.chart(&step.id, spec, &result)?,
            None => None,
        };
        let finding = match &step.finding {
            Some(spec) => self.finding(&step.id, spec, &result)?,
            None => None,
        };
        Ok(StepReport {
            id: step.id.clone(),
            title: step.title.clone(),
            explanation: step.explanation.clone(),
            ran,
            params,
            transforms: step.transform.iter().map(ToString::to_string).collect(),
            result,
            chart,
            finding,
        })
    }

    /// The value of parameter `name`: the analyst's, else the chained cell, else the default.
    fn param(&mut self, name: &str) -> Result<String> {
        if let Some(r) = self.resolved.iter().find(|r| r.name == name) {
            return Ok(r.value.clone());
        }
        let declared = self
            .playbook
            .parameter(name)
            .ok_or_else(|| Error::MissingParameter {
                name: name.into(),
                reason: "the playbook does not declare it".into(),
            })?;
        let (value, origin) = if let Some(value) = self.given.get(name) {
            (value.clone(), Origin::Analyst)
        } else if let Some(cell) = &declared.from {
            let (value, column) = self.cell(name, cell)?;
            (
                value,
                Origin::Step {
                    step: cell.step.clone(),
                    column,
                    row: cell.row,
                },
            )
        } else if let Some(value) = &declared.default {
            (value.clone(), Origin::Default)
        } else {
            return Err(Error::MissingParameter {
                name: name.into(),
                reason: "it has no default".into(),
            });
        };
        self.resolved.push(ResolvedParam {
            name: name.into(),
            value: value.clone(),
            origin,
        });
        Ok(value)
    }

    fn cell(&self, name: &str, cell: &CellRef) -> Result<(String, String)> {
        let missing = |reason: String| Error::MissingParameter {
            name: name.into(),
            reason,
        };
        let step = self
            .steps
            .iter()
            .find(|s| s.id == cell.step)
            .ok_or_else(|| missing(format!("step {} has not run", cell.step)))?;
        let batch = &step.result;
        if cell.row >= batch.num_rows() {
            return Err(missing(format!(
                "step {} returned {} row(s), so it has no row {}",
                cell.step,
                batch.num_rows(),
                cell.row
            )));
        }
        let col = find_column(batch, &cell.column).ok_or_else(|| Error::UnknownColumn {
            step: cell.step.clone(),
            context: format!("parameter `{name}`"),
            column: cell.column.clone(),
            available: column_names(batch),
        })?;
        let texts = cell_texts(batch.column(col)).map_err(|source| Error::Arrow {
            step: cell.step.clone(),
            source,
        })?;
        let value = texts[cell.row].clone().ok_or_else(|| {
            missing(format!(
                "step {} has a null `{}` in row {}",
                cell.step, cell.column, cell.row
            ))
        })?;
        Ok((value, batch.schema().field(col).name().clone()))
    }

    fn param_value(&self, name: &str) -> Option<String> {
        self.resolved
            .iter()
            .find(|r| r.name == name)
            .map(|r| r.value.clone())
    }

    fn chart(&self, step: &str, spec: &ChartSpec, batch: &RecordBatch) -> Result<Option<BarChart>> {
        if batch.num_rows() == 0 {
            return Ok(None);
        }
        let column = |name: &str| {
            find_column(batch, name).ok_or_else(|| Error::UnknownColumn {
                step: step.into(),
                context: "the chart".into(),
                column: name.into(),
                available: column_names(batch),
            })
        };
        let arrow_err = |source| Error::Arrow {
            step: step.into(),
            source,
        };
        let labels: Vec<Vec<Option<String>>> = spec
            .labels
            .iter()
            .map(|l| cell_texts(batch.column(column(l)?)).map_err(arrow_err))
            .collect::<Result<_>>()?;
        let values = numbers(batch.column(column(&spec.value)?)).map_err(|e| Error::Step {
            step: step.into(),
            message: format!("chart value column `{}` {e}", spec.value),
        })?;
        let bars = values
            .iter()
            .enumerate()
            .filter_map(|(row, v)| {
                let label = labels
                    .iter()
                    .map(|l| l[row].clone().unwrap_or_else(|| "(null)".into()))
                    .collect::<Vec<_>>()
                    .join(&spec.separator);
                v.map(|value| Bar { label, value })
            })
            .take(spec.top)
            .collect();
        let title = spec
            .title
            .render(Some("(null)"), |name| {
                Ok::<_, Error>(self.param_value(name))
            })?
            .unwrap_or_default();
        Ok(Some(BarChart { title, bars }))
    }

    fn finding(
        &self,
        step: &str,
        spec: &FindingSpec,
        batch: &RecordBatch,
    ) -> Result<Option<String>> {
        let rows = batch.num_rows();
        let template = match (rows, &spec.empty) {
            (0, None) => return Ok(None),
            (0, Some(empty)) => empty,
            _ => &spec.text,
        };
        let lookup = |name: &str| -> Result<Option<String>> {
            if rows > 0
                && let Some(col) = find_column(batch, name)
            {
                let texts = cell_texts(batch.column(col)).map_err(|source| Error::Arrow {
                    step: step.into(),
                    source,
                })?;
                let value = texts[0].clone();
                let numeric = batch.column(col).data_type().is_numeric();
                return Ok(match (value, numeric) {
                    (Some(v), true) => v.parse::<f64>().map(format_number).ok().or(Some(v)),
                    (v, _) => v,
                });
            }
            if let Some(value) = self.param_value(name) {
                return Ok(Some(value));
            }
            if name == "rows" {
                return Ok(Some(rows.to_string()));
            }
            Err(Error::UnknownColumn {
                step: step.into(),
                context: "the finding (neither a result column, a parameter, nor `rows`)".into(),
                column: name.into(),
                available: column_names(batch),
            })
        };
        template.render(Some("(null)"), lookup)
    }
}

fn engine_error(step: &Step, file: &std::path::Path, source: EngineError) -> Error {
    Error::Engine {
        step: step.id.clone(),
        file: file.to_path_buf(),
        source,
    }
}

/// Concatenates an engine's batches into one (an empty list becomes a batch with no columns).
fn single_batch(step: &str, batches: Vec<RecordBatch>) -> Result<RecordBatch> {
    match batches.first() {
        None => Ok(RecordBatch::new_empty(Arc::new(Schema::empty()))),
        Some(first) if batches.len() == 1 => Ok(first.clone()),
        Some(first) => concat_batches(&first.schema(), &batches).map_err(|source| Error::Arrow {
            step: step.into(),
            source,
        }),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Mutex;

    use arrow::array::{ArrayRef, Int64Array, StringArray};

    use super::*;

    /// An engine answering from fixed batches keyed by a substring of the query text, recording
    /// every call.
    pub(crate) struct FixedEngine {
        pub answers: Vec<(&'static str, RecordBatch)>,
        pub calls: Mutex<Vec<(String, Params)>>,
    }

    impl FixedEngine {
        pub fn new(answers: Vec<(&'static str, RecordBatch)>) -> Self {
            Self {
                answers,
                calls: Mutex::new(Vec::new()),
            }
        }

        fn answer(&self, text: &str, params: &Params) -> Result<Vec<RecordBatch>, EngineError> {
            self.calls
                .lock()
                .unwrap()
                .push((text.to_string(), params.clone()));
            self.answers
                .iter()
                .find(|(key, _)| text.contains(key))
                .map(|(_, b)| vec![b.clone()])
                .ok_or_else(|| format!("no answer for query {text:?}").into())
        }
    }

    #[async_trait::async_trait]
    impl Engine for FixedEngine {
        async fn sql(&self, text: &str, params: &Params) -> Result<Vec<RecordBatch>, EngineError> {
            self.answer(text, params)
        }
        async fn search(
            &self,
            text: &str,
            params: &Params,
        ) -> Result<Vec<RecordBatch>, EngineError> {
            self.answer(text, params)
        }
    }

    pub(crate) fn batch(cols: Vec<(&str, ArrayRef)>) -> RecordBatch {
        RecordBatch::try_from_iter(cols).unwrap()
    }

    pub(crate) fn strs(v: &[&str]) -> ArrayRef {
        Arc::new(StringArray::from(v.to_vec()))
    }

    pub(crate) fn ints(v: &[i64]) -> ArrayRef {
        Arc::new(Int64Array::from(v.to_vec()))
    }

    const PLAYBOOK: &str = r#"
title = "Chained"
[[parameters]]
name = "arn"
from = { step = "top", column = "arn" }
[[steps]]
id = "top"
title = "Top identities"
sql = "top.sql"
chart = { labels = ["arn"], value = "total", top = 1, title = "Failures" }
finding = { text = "Top identity: {arn} ({total} failures)", empty = "No failures" }
[[steps]]
id = "services"
title = "Services of {arn}"
sql = "services.sql"
params = ["arn"]
chart = { labels = ["eventsource"], value = "total", title = "Services used by {arn}" }
"#;

    pub(crate) fn playbook_dir(toml: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("playbook.toml"), toml).unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    fn chained() -> (tempfile::TempDir, Playbook) {
        let dir = playbook_dir(
            PLAYBOOK,
            &[
                ("top.sql", "select arn, total from t -- TOP"),
                ("services.sql", "select x where arn = :arn -- SERVICES"),
            ],
        );
        let p = Playbook::load(dir.path()).unwrap();
        (dir, p)
    }

    fn engine() -> FixedEngine {
        FixedEngine::new(vec![
            (
                "TOP",
                batch(vec![
                    ("cloudtrail.useridentity[arn]", strs(&["arn:a", "arn:b"])),
                    ("total", ints(&[9, 2])),
                ]),
            ),
            (
                "SERVICES",
                batch(vec![
                    ("eventsource", strs(&["s3", "iam"])),
                    ("total", ints(&[5, 4])),
                ]),
            ),
        ])
    }

    #[tokio::test]
    async fn chains_the_top_row_into_the_next_step() {
        let (_dir, p) = chained();
        let engine = engine();
        let report = run(&p, &engine, &Params::new()).await.unwrap();
        let calls = engine.calls.lock().unwrap();
        assert_eq!(calls[1].0, "select x where arn = :arn -- SERVICES");
        assert_eq!(
            calls[1].1,
            Params::from([("arn".to_string(), "arn:a".to_string())])
        );
        assert_eq!(
            report.parameters,
            [ResolvedParam {
                name: "arn".into(),
                value: "arn:a".into(),
                origin: Origin::Step {
                    step: "top".into(),
                    column: "cloudtrail.useridentity[arn]".into(),
                    row: 0
                }
            }]
        );
        assert_eq!(
            report.steps[0].finding.as_deref(),
            Some("Top identity: arn:a (9 failures)")
        );
        let chart = report.steps[0].chart.as_ref().unwrap();
        assert_eq!(
            chart.bars,
            [Bar {
                label: "arn:a".into(),
                value: 9.0
            }]
        );
        assert_eq!(
            report.steps[1].chart.as_ref().unwrap().title,
            "Services used by arn:a"
        );
    }

    #[tokio::test]
    async fn analyst_value_wins_and_stays_data() {
        let (_dir, p) = chained();
        let engine = engine();
        let hostile = "x' OR '1'='1";
        let given = Params::from([("arn".to_string(), hostile.to_string())]);
        let report = run(&p, &engine, &given).await.unwrap();
        let calls = engine.calls.lock().unwrap();
        // The query text reaches the engine untouched; the value travels only as a parameter.
        assert_eq!(calls[1].0, "select x where arn = :arn -- SERVICES");
        assert_eq!(calls[1].1["arn"], hostile);
        assert_eq!(report.parameters[0].origin, Origin::Analyst);
    }

    #[tokio::test]
    async fn empty_chained_step_explains_how_to_continue() {
        let (_dir, p) = chained();
        let engine = FixedEngine::new(vec![(
            "TOP",
            batch(vec![
                (
                    "arn",
                    Arc::new(StringArray::from(Vec::<&str>::new())) as ArrayRef,
                ),
                ("total", ints(&[])),
            ]),
        )]);
        let e = run(&p, &engine, &Params::new())
            .await
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "parameter `arn` has no value: step top returned 0 row(s), so it has no row 0; pass it with --param arn=<value>"
        );
    }

    #[tokio::test]
    async fn unknown_parameters_and_engine_errors_are_reported() {
        let (_dir, p) = chained();
        let given = Params::from([("user".to_string(), "x".to_string())]);
        let e = run(&p, &engine(), &given).await.unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "playbook `{}` has no parameter `user` (it declares: arn)",
                p.name
            )
        );
        let failing = FixedEngine::new(vec![]);
        let e = run(&p, &failing, &Params::new())
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("step top (") && e.contains("top.sql): no answer for query"),
            "{e}"
        );
    }
}
