//! Playbooks: a folder holding `playbook.toml` and the query files its steps run.
//!
//! ```toml
//! title = "IAM credential compromise"
//! description = "…"
//!
//! [[parameters]]
//! name = "arn"
//! description = "ARN of the identity to investigate"
//! from = { step = "2.2", column = "arn", row = 0 }   # chained: used unless --param arn=… is given
//!
//! [[steps]]
//! id = "2.2"
//! title = "Identities with authorization failures"
//! sql = "2_2_identities_with_failures.sql"            # or search = "….search", or from = "<step id>"
//! chart = { labels = ["arn"], value = "total", top = 10, title = "Failures by identity" }
//! finding = { text = "Top identity: {arn} ({total} failures)", empty = "No failures" }
//!
//! [[steps]]
//! id = "2.4"
//! sql = "2_4_services_used.sql"
//! params = ["arn"]                                      # bound as values, never pasted into text
//! ```
//!
//! Loading validates everything that can be checked before running: unknown fields, step and
//! parameter references, query files, transform and chart shapes.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::template::Template;

/// Name of the file that describes a playbook inside its folder.
pub const PLAYBOOK_FILE: &str = "playbook.toml";

/// A validated playbook.
#[derive(Debug, Clone)]
pub struct Playbook {
    /// The playbook's name: its folder name.
    pub name: String,
    /// Path of its `playbook.toml`.
    pub path: PathBuf,
    /// Human title.
    pub title: String,
    /// What the playbook investigates.
    pub description: String,
    /// Declared parameters.
    pub parameters: Vec<Parameter>,
    /// Steps, in execution order.
    pub steps: Vec<Step>,
}

/// A declared parameter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// Name used in `--param name=value`, in step `params` and in templates.
    pub name: String,
    /// What the value means.
    #[serde(default)]
    pub description: String,
    /// Value used when neither the analyst nor `from` gives one.
    pub default: Option<String>,
    /// Whether the analyst must pass the value.
    #[serde(default)]
    pub required: bool,
    /// Take the value from an earlier step's result unless the analyst passes one.
    pub from: Option<CellRef>,
}

/// One cell of an earlier step's result.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellRef {
    /// The step id.
    pub step: String,
    /// The column (matched as described in [`crate::table::find_column`]).
    pub column: String,
    /// The row, 0-based.
    #[serde(default)]
    pub row: usize,
}

/// One step of a playbook.
#[derive(Debug, Clone)]
pub struct Step {
    /// Unique id, e.g. `2.1`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Why the step exists and how to read its result.
    pub explanation: String,
    /// What the step runs.
    pub source: Source,
    /// Names of the parameters bound to the step's query.
    pub params: Vec<String>,
    /// Post-processing applied to the result, in order.
    pub transform: Vec<Transform>,
    /// Chart drawn from the (transformed) result.
    pub chart: Option<ChartSpec>,
    /// Sentence for the report's summary.
    pub finding: Option<FindingSpec>,
}

/// What a step runs.
#[derive(Debug, Clone)]
pub enum Source {
    /// An Athena SQL query.
    Sql(QueryFile),
    /// A search-language query.
    Search(QueryFile),
    /// The result of an earlier step (then post-processed by the step's transforms).
    Step(String),
}

/// A query file of a step, with its text.
#[derive(Debug, Clone)]
pub struct QueryFile {
    /// Path of the file.
    pub path: PathBuf,
    /// The query exactly as the file holds it.
    pub text: String,
}

/// A post-processing operation on a step's result, computed in the report layer.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase", deny_unknown_fields)]
pub enum Transform {
    /// Adds `column` = the `index`-th (0-based) part of `from` split on `separator`; null when
    /// there is no such part (like pandas' `.str.split(sep).str[index]`).
    Split {
        /// New column.
        column: String,
        /// Source column.
        from: String,
        /// Separator.
        separator: String,
        /// Part index, 0-based.
        index: usize,
    },
    /// Adds `column` = `template` filled from the row. A null field makes the value null (like
    /// pandas string concatenation) unless `null` gives a text to write instead.
    Format {
        /// New column.
        column: String,
        /// Template over the row's columns.
        template: Template,
        /// Text written for a null field.
        null: Option<String>,
    },
    /// Keeps rows where `column` is null (`is_null = true`), non-null (`is_null = false`), or
    /// equal to one of `in`.
    Filter {
        /// Tested column.
        column: String,
        /// Null test.
        is_null: Option<bool>,
        /// Accepted values.
        #[serde(rename = "in")]
        one_of: Option<Vec<String>>,
    },
    /// Groups rows by `by`, sums `sum` per group (the sum keeps that column's name) and sorts by
    /// the sum, largest first, then by the keys. Rows with a null key are dropped unless
    /// `keep_null_keys` (pandas' `groupby` default).
    Group {
        /// Key columns.
        by: Vec<String>,
        /// Summed column.
        sum: String,
        /// Keep groups whose key has a null.
        #[serde(default)]
        keep_null_keys: bool,
    },
}

/// A horizontal bar chart of a step's result.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartSpec {
    /// Chart kind; only `bar` exists.
    #[serde(default)]
    pub kind: ChartKind,
    /// Columns whose values, joined with `separator`, label each bar.
    pub labels: Vec<String>,
    /// Text between label parts.
    #[serde(default = "default_separator")]
    pub separator: String,
    /// Numeric column giving each bar's length.
    pub value: String,
    /// Number of bars (the first rows of the result).
    #[serde(default = "default_top")]
    pub top: usize,
    /// Title; may name parameters, e.g. `Top calls for {user_identity_name}`.
    pub title: Template,
}

/// Chart kinds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    /// Horizontal bars.
    #[default]
    Bar,
}

/// A sentence for the report's summary, filled from the first row of the step's result.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingSpec {
    /// Used when the result has rows. Fields: the first row's columns, parameters, and `rows`
    /// (the row count).
    pub text: Template,
    /// Used when the result is empty (fields: parameters and `rows`); no finding when absent.
    pub empty: Option<Template>,
}

fn default_separator() -> String {
    " – ".to_string()
}

fn default_top() -> usize {
    10
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaybook {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    parameters: Vec<Parameter>,
    #[serde(default)]
    steps: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    id: String,
    title: String,
    #[serde(default)]
    explanation: String,
    sql: Option<String>,
    search: Option<String>,
    from: Option<String>,
    #[serde(default)]
    params: Vec<String>,
    #[serde(default)]
    transform: Vec<Transform>,
    chart: Option<ChartSpec>,
    finding: Option<FindingSpec>,
}

impl Playbook {
    /// Loads and validates a playbook from its folder or its `playbook.toml`.
    pub fn load(path: &Path) -> Result<Self> {
        let file = if path.is_dir() {
            path.join(PLAYBOOK_FILE)
        } else {
            path.to_path_buf()
        };
        let text = std::fs::read_to_string(&file).map_err(|source| Error::Io {
            path: file.clone(),
            source,
        })?;
        let raw: RawPlaybook = toml::from_str(&text).map_err(|e| Error::Parse {
            path: file.clone(),
            message: e.to_string(),
        })?;
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "playbook".to_string());
        Validator {
            path: &file,
            dir: &dir,
        }
        .build(name, raw)
    }

    /// The parameter named `name`.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }
}

struct Validator<'a> {
    path: &'a Path,
    dir: &'a Path,
}

impl Validator<'_> {
    fn invalid(&self, field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Invalid {
            path: self.path.to_path_buf(),
            field: field.into(),
            message: message.into(),
        }
    }

    fn build(&self, name: String, raw: RawPlaybook) -> Result<Playbook> {
        if raw.title.trim().is_empty() {
            return Err(self.invalid("title", "must not be empty"));
        }
        if raw.steps.is_empty() {
            return Err(self.invalid("steps", "a playbook needs at least one [[steps]] table"));
        }
        let mut ids: Vec<String> = Vec::new();
        for (i, step) in raw.steps.iter().enumerate() {
            if step.id.trim().is_empty() {
                return Err(self.invalid(format!("steps[{i}].id"), "must not be empty"));
            }
            if ids.contains(&step.id) {
                return Err(self.invalid(
                    format!("steps[{i}].id"),
                    format!(
                        "`{}` is used by an earlier step; step ids must be unique",
                        step.id
                    ),
                ));
            }
            ids.push(step.id.clone());
        }
        let step_ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        self.check_parameters(&raw.parameters, &step_ids)?;
        let steps = raw
            .steps
            .into_iter()
            .enumerate()
            .map(|(i, step)| self.step(i, step, &step_ids[..i], &raw.parameters))
            .collect::<Result<Vec<_>>>()?;
        for (i, param) in raw.parameters.iter().enumerate() {
            if !steps.iter().any(|s| s.params.contains(&param.name)) {
                return Err(self.invalid(
                    format!("parameters[{i}]"),
                    format!(
                        "`{}` is bound by no step; list it in a step's `params` or remove it",
                        param.name
                    ),
                ));
            }
        }
        Ok(Playbook {
            name,
            path: self.path.to_path_buf(),
            title: raw.title,
            description: raw.description,
            parameters: raw.parameters,
            steps,
        })
    }

    fn check_parameters(&self, params: &[Parameter], step_ids: &[&str]) -> Result<()> {
        let mut seen = HashSet::new();
        for (i, p) in params.iter().enumerate() {
            let field = format!("parameters[{i}]");
            if !is_identifier(&p.name) {
                return Err(self.invalid(
                    format!("{field}.name"),
                    format!("`{}` is not a valid name (use letters, digits and `_`, not starting with a digit)", p.name),
                ));
            }
            if !seen.insert(p.name.as_str()) {
                return Err(self.invalid(
                    format!("{field}.name"),
                    format!("`{}` is declared twice", p.name),
                ));
            }
            if p.required && (p.default.is_some() || p.from.is_some()) {
                return Err(self.invalid(
                    format!("{field}.required"),
                    "a required parameter cannot also have a `default` or `from`",
                ));
            }
            if let Some(from) = &p.from
                && !step_ids.contains(&from.step.as_str())
            {
                return Err(self.invalid(
                    format!("{field}.from.step"),
                    format!(
                        "no step has id `{}` (steps: {})",
                        from.step,
                        step_ids.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    fn step(&self, i: usize, raw: RawStep, earlier: &[&str], params: &[Parameter]) -> Result<Step> {
        let field = format!("steps[{i}]");
        if raw.title.trim().is_empty() {
            return Err(self.invalid(format!("{field}.title"), "must not be empty"));
        }
        let source = match (raw.sql, raw.search, raw.from) {
            (Some(file), None, None) => {
                Source::Sql(self.query_file(&format!("{field}.sql"), &file)?)
            }
            (None, Some(file), None) => {
                Source::Search(self.query_file(&format!("{field}.search"), &file)?)
            }
            (None, None, Some(from)) => {
                if !earlier.contains(&from.as_str()) {
                    return Err(self.invalid(
                        format!("{field}.from"),
                        format!(
                            "`{from}` is not an earlier step (earlier steps: {})",
                            list_or_none(earlier)
                        ),
                    ));
                }
                Source::Step(from)
            }
            _ => {
                return Err(self.invalid(
                    field,
                    "give exactly one of `sql = \"file.sql\"`, `search = \"file.search\"` or `from = \"<earlier step id>\"`",
                ));
            }
        };
        for (j, name) in raw.params.iter().enumerate() {
            let Some(param) = params.iter().find(|p| &p.name == name) else {
                return Err(self.invalid(
                    format!("{field}.params[{j}]"),
                    format!("`{name}` is not declared in [[parameters]]"),
                ));
            };
            if let Some(from) = &param.from
                && !earlier.contains(&from.step.as_str())
            {
                return Err(self.invalid(
                    format!("{field}.params[{j}]"),
                    format!(
                        "`{name}` comes from step {}, which does not run before this step",
                        from.step
                    ),
                ));
            }
        }
        if matches!(source, Source::Step(_)) && !raw.params.is_empty() {
            return Err(self.invalid(
                format!("{field}.params"),
                "a step with `from` runs no query, so it binds no parameters",
            ));
        }
        for (j, t) in raw.transform.iter().enumerate() {
            self.check_transform(&format!("{field}.transform[{j}]"), t)?;
        }
        if let Some(chart) = &raw.chart {
            self.check_chart(&format!("{field}.chart"), chart, params)?;
        }
        Ok(Step {
            id: raw.id,
            title: raw.title,
            explanation: raw.explanation,
            source,
            params: raw.params,
            transform: raw.transform,
            chart: raw.chart,
            finding: raw.finding,
        })
    }

    fn query_file(&self, field: &str, file: &str) -> Result<QueryFile> {
        let rel = Path::new(file);
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            return Err(self.invalid(
                field,
                format!("`{file}` must be a path inside the playbook folder"),
            ));
        }
        let path = self.dir.join(rel);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| self.invalid(field, format!("cannot read `{}`: {e}", path.display())))?;
        if text.trim().is_empty() {
            return Err(self.invalid(field, format!("`{}` is empty", path.display())));
        }
        Ok(QueryFile { path, text })
    }

    fn check_transform(&self, field: &str, t: &Transform) -> Result<()> {
        match t {
            Transform::Split {
                column,
                from,
                separator,
                ..
            } => {
                non_empty(self, field, "column", column)?;
                non_empty(self, field, "from", from)?;
                if separator.is_empty() {
                    return Err(self.invalid(format!("{field}.separator"), "must not be empty"));
                }
            }
            Transform::Format { column, .. } => non_empty(self, field, "column", column)?,
            Transform::Filter {
                column,
                is_null,
                one_of,
            } => {
                non_empty(self, field, "column", column)?;
                if is_null.is_some() == one_of.is_some() {
                    return Err(self.invalid(
                        field,
                        "give exactly one of `is_null = true|false` or `in = [..]`",
                    ));
                }
            }
            Transform::Group { by, sum, .. } => {
                if by.is_empty() {
                    return Err(self.invalid(format!("{field}.by"), "name at least one key column"));
                }
                non_empty(self, field, "sum", sum)?;
            }
        }
        Ok(())
    }

    fn check_chart(&self, field: &str, chart: &ChartSpec, params: &[Parameter]) -> Result<()> {
        if chart.labels.is_empty() {
            return Err(self.invalid(format!("{field}.labels"), "name at least one label column"));
        }
        non_empty(self, field, "value", &chart.value)?;
        if chart.top == 0 {
            return Err(self.invalid(format!("{field}.top"), "must be at least 1"));
        }
        for name in chart.title.fields() {
            if !params.iter().any(|p| p.name == name) {
                return Err(self.invalid(
                    format!("{field}.title"),
                    format!("`{{{name}}}` is not a declared parameter (a chart title may name parameters only)"),
                ));
            }
        }
        Ok(())
    }
}

fn non_empty(v: &Validator<'_>, field: &str, key: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(v.invalid(format!("{field}.{key}"), "must not be empty"))
    } else {
        Ok(())
    }
}

fn list_or_none(ids: &[&str]) -> String {
    if ids.is_empty() {
        "none".to_string()
    } else {
        ids.join(", ")
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl fmt::Display for Transform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Transform::Split {
                column,
                from,
                separator,
                index,
            } => {
                write!(
                    f,
                    "{column} = part {index} (0-based) of {from} split on {separator:?}"
                )
            }
            Transform::Format {
                column,
                template,
                null,
            } => {
                write!(f, "{column} = {:?}", template.to_string())?;
                match null {
                    Some(text) => write!(f, " (null parts written as {text:?})"),
                    None => Ok(()),
                }
            }
            Transform::Filter {
                column,
                is_null: Some(true),
                ..
            } => write!(f, "keep rows where {column} is null"),
            Transform::Filter {
                column,
                is_null: Some(false),
                ..
            } => {
                write!(f, "keep rows where {column} is not null")
            }
            Transform::Filter { column, one_of, .. } => {
                let values = one_of.as_deref().unwrap_or_default();
                write!(
                    f,
                    "keep rows where {column} is one of {}",
                    values.join(", ")
                )
            }
            Transform::Group {
                by,
                sum,
                keep_null_keys,
            } => {
                write!(f, "group by {} summing {sum}, largest first", by.join(", "))?;
                if !keep_null_keys {
                    write!(f, " (groups with a null key dropped)")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }

    fn load_err(toml: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                ("playbook.toml", toml),
                ("a.sql", "select 1"),
                ("b.search", "* | count"),
            ],
        );
        Playbook::load(dir.path()).unwrap_err().to_string()
    }

    const GOOD: &str = r#"
title = "T"
[[parameters]]
name = "arn"
from = { step = "one", column = "arn" }
[[steps]]
id = "one"
title = "First"
sql = "a.sql"
chart = { labels = ["arn"], value = "total", title = "By {arn}" }
[[steps]]
id = "two"
title = "Second"
search = "b.search"
params = ["arn"]
[[steps]]
id = "three"
title = "Third"
from = "two"
transform = [
  { op = "split", column = "name", from = "arn", separator = "/", index = 1 },
  { op = "filter", column = "errorCode", is_null = true },
  { op = "group", by = ["name"], sum = "@q.count" },
]
"#;

    #[test]
    fn loads_a_valid_playbook() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                ("playbook.toml", GOOD),
                ("a.sql", "select 1"),
                ("b.search", "* | count"),
            ],
        );
        let p = Playbook::load(dir.path()).unwrap();
        assert_eq!(p.steps.len(), 3);
        assert!(matches!(&p.steps[0].source, Source::Sql(q) if q.text == "select 1"));
        assert!(matches!(&p.steps[2].source, Source::Step(s) if s == "two"));
        assert_eq!(p.steps[2].transform.len(), 3);
        assert_eq!(p.steps[0].chart.as_ref().unwrap().top, 10);
        assert_eq!(p.steps[0].chart.as_ref().unwrap().separator, " – ");
        assert_eq!(p.parameter("arn").unwrap().from.as_ref().unwrap().row, 0);
    }

    #[test]
    fn errors_name_the_file_and_the_field() {
        let e = load_err(&GOOD.replace("sql = \"a.sql\"", "sql = \"missing.sql\""));
        assert!(
            e.contains("playbook.toml: steps[0].sql: cannot read"),
            "{e}"
        );
        let e = load_err(&GOOD.replace("from = \"two\"", "from = \"four\""));
        assert!(
            e.contains("steps[2].from: `four` is not an earlier step"),
            "{e}"
        );
        let e = load_err(&GOOD.replace("params = [\"arn\"]", "params = [\"nope\"]"));
        assert!(
            e.contains("steps[1].params[0]: `nope` is not declared"),
            "{e}"
        );
        let e = load_err(&GOOD.replace("title = \"Second\"", "title = \"Second\"\ncolour = 1"));
        assert!(e.contains("unknown field `colour`"), "{e}");
        let e = load_err(&GOOD.replace("op = \"group\"", "op = \"pivot\""));
        assert!(e.contains("pivot"), "{e}");
        let e = load_err(&GOOD.replace("By {arn}", "By {user}"));
        assert!(
            e.contains("steps[0].chart.title: `{user}` is not a declared parameter"),
            "{e}"
        );
        let e = load_err(&GOOD.replace("is_null = true", "is_null = true, in = [\"x\"]"));
        assert!(
            e.contains("steps[2].transform[1]: give exactly one of"),
            "{e}"
        );
    }

    #[test]
    fn chained_parameter_must_come_from_an_earlier_step() {
        let toml = GOOD.replace("step = \"one\"", "step = \"three\"");
        let e = load_err(&toml);
        assert!(
            e.contains("steps[1].params[0]: `arn` comes from step three"),
            "{e}"
        );
    }

    #[test]
    fn query_files_must_stay_inside_the_folder() {
        let e = load_err(&GOOD.replace("a.sql", "../a.sql"));
        assert!(
            e.contains("must be a path inside the playbook folder"),
            "{e}"
        );
    }

    #[test]
    fn unused_and_duplicate_parameters_are_rejected() {
        let e = load_err(&GOOD.replace("params = [\"arn\"]", ""));
        assert!(
            e.contains("parameters[0]: `arn` is bound by no step"),
            "{e}"
        );
        let dup = GOOD.replace(
            "[[steps]]\nid = \"one\"",
            "[[parameters]]\nname = \"arn\"\n[[steps]]\nid = \"one\"",
        );
        assert!(load_err(&dup).contains("`arn` is declared twice"));
    }
}
