//! Playbooks and reports.
//!
//! A playbook (`sql/<name>/playbook.toml` plus its query files) is a list of steps: Athena SQL
//! or search-language queries, or post-processing of an earlier step's result. [`run`] executes
//! the steps in order through an [`Engine`], binding parameters as values and chaining a value
//! from one step's result into later steps (unless the analyst passes it). The [`Report`] then
//! renders as a self-contained HTML file, Markdown with SVG charts, or JSON.
//!
//! ```no_run
//! # async fn demo(engine: &dyn trawl_report::Engine) -> trawl_report::Result<()> {
//! use std::path::Path;
//! use trawl_report::{Params, RenderOptions, catalog, render, run};
//!
//! let playbook = catalog::resolve("iam-credential-compromise", Path::new("sql"))?;
//! let report = run(&playbook, engine, &Params::new()).await?;
//! let html = render::html(&report, &RenderOptions::default())?;
//! # Ok(()) }
//! ```

pub mod catalog;
mod engine;
mod error;
pub mod playbook;
pub mod render;
mod runner;
pub mod table;
pub mod template;
mod transform;

pub use engine::{DEFAULT_DB_NAME, LakeEngine};
pub use error::{EngineError, Error, Result};
pub use playbook::Playbook;
pub use render::RenderOptions;
pub use runner::{
    Bar, BarChart, Engine, Origin, Params, Ran, Report, ResolvedParam, StepReport, run,
};
