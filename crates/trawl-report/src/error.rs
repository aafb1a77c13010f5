//! The crate's error type: every variant names what is wrong and where, and says how to fix it.

use std::path::PathBuf;

/// An error from an [`Engine`](crate::Engine) implementation (query planning or execution).
pub type EngineError = Box<dyn std::error::Error + Send + Sync>;

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while loading, running or rendering a playbook.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },

    /// `playbook.toml` is not valid TOML or does not have the playbook's shape.
    #[error("{}: {message}", path.display())]
    Parse {
        /// The playbook file.
        path: PathBuf,
        /// The TOML parser's message (it names the line and the field).
        message: String,
    },

    /// `playbook.toml` parses but one of its fields is wrong.
    #[error("{}: {field}: {message}", path.display())]
    Invalid {
        /// The playbook file.
        path: PathBuf,
        /// The offending field, e.g. `steps[2].sql`.
        field: String,
        /// What is wrong and how to fix it.
        message: String,
    },

    /// No playbook has this name or path.
    #[error("no playbook named `{name}` in {}{}", dir.display(), available_hint(.available))]
    NotFound {
        /// The name or path the analyst gave.
        name: String,
        /// The playbook folder that was searched.
        dir: PathBuf,
        /// Names of the playbooks that do exist there.
        available: Vec<String>,
    },

    /// A parameter was passed that the playbook does not declare.
    #[error("playbook `{playbook}` has no parameter `{name}`{}", declared_hint(.declared))]
    UnknownParameter {
        /// The playbook.
        playbook: String,
        /// The parameter name that was passed.
        name: String,
        /// The parameters the playbook declares.
        declared: Vec<String>,
    },

    /// A parameter has no value when a step needs it.
    #[error("parameter `{name}` has no value: {reason}; pass it with --param {name}=<value>")]
    MissingParameter {
        /// The parameter.
        name: String,
        /// Why no value could be found.
        reason: String,
    },

    /// A step's query failed in the engine.
    #[error("step {step} ({}): {source}", file.display())]
    Engine {
        /// The step id.
        step: String,
        /// The query file.
        file: PathBuf,
        /// The engine's error.
        source: EngineError,
    },

    /// A step's result does not have a column the playbook refers to.
    #[error("step {step}: {context} names column `{column}`, which the result does not have (columns: {})", .available.join(", "))]
    UnknownColumn {
        /// The step id.
        step: String,
        /// Which part of the step refers to the column (a transform, the chart, the finding…).
        context: String,
        /// The column name.
        column: String,
        /// The columns the result has.
        available: Vec<String>,
    },

    /// Post-processing a step's result (a transform, a chart, a finding) failed.
    #[error("step {step}: {message}")]
    Step {
        /// The step id.
        step: String,
        /// What went wrong.
        message: String,
    },

    /// An Arrow operation failed while post-processing or rendering a result.
    #[error("step {step}: {source}")]
    Arrow {
        /// The step id.
        step: String,
        /// The Arrow error.
        source: arrow::error::ArrowError,
    },
}

fn available_hint(available: &[String]) -> String {
    if available.is_empty() {
        " (that folder holds no playbooks; each playbook is a folder with a playbook.toml)".into()
    } else {
        format!(" (available: {})", available.join(", "))
    }
}

fn declared_hint(declared: &[String]) -> String {
    if declared.is_empty() {
        " (it declares none)".into()
    } else {
        format!(" (it declares: {})", declared.join(", "))
    }
}
