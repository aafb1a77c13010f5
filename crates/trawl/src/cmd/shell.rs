//! `trawl shell`: an interactive SQL prompt over the lake.

use std::process::ExitCode;

use arrow::datatypes::{DataType, Field};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};
use trawl_query::{OutputFormat, TableOptions, describe_error, render};

use crate::LakeArg;

/// Arguments of `trawl shell`.
#[derive(clap::Args)]
#[command(
    after_help = "In the shell: end a statement with `;` (it may span lines); `describe [table]` shows the \
nested schema; Tab completes tables, columns and nested fields (useridentity.sessioncontext.…); Ctrl-D quits."
)]
pub struct Args {
    #[command(flatten)]
    lake: LakeArg,
}

/// Completes table names, column names and dotted nested field paths.
struct Completion {
    words: Vec<String>,
}

impl Completer for Completion {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = line[..pos]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .map_or(0, |i| i + 1);
        let prefix = line[start..pos].to_ascii_lowercase();
        let matches = self
            .words
            .iter()
            .filter(|w| w.starts_with(&prefix))
            .map(|w| Pair {
                display: w.clone(),
                replacement: w.clone(),
            })
            .collect();
        Ok((start, matches))
    }
}

impl Hinter for Completion {
    type Hint = String;
}
impl Highlighter for Completion {}
impl Validator for Completion {}
impl Helper for Completion {}

fn field_paths(prefix: &str, field: &Field, out: &mut Vec<String>) {
    let name = if prefix.is_empty() {
        field.name().clone()
    } else {
        format!("{prefix}.{}", field.name())
    };
    out.push(name.clone());
    let children = match field.data_type() {
        DataType::Struct(children) => Some(children),
        DataType::List(item) => match item.data_type() {
            DataType::Struct(children) => Some(children),
            _ => None,
        },
        _ => None,
    };
    for child in children.into_iter().flatten() {
        field_paths(&name, child, out);
    }
}

fn describe(field: &Field, depth: usize, out: &mut String) {
    let ty = match field.data_type() {
        DataType::Struct(_) => "struct".to_string(),
        DataType::List(_) => "array<struct>".to_string(),
        DataType::Map(_, _) => "map<string,string>".to_string(),
        DataType::Utf8 | DataType::Utf8View => "string".to_string(),
        other => other.to_string().to_lowercase(),
    };
    out.push_str(&format!(
        "{}{:<32} {ty}\n",
        "  ".repeat(depth),
        field.name()
    ));
    let children = match field.data_type() {
        DataType::Struct(c) => Some(c.clone()),
        DataType::List(item) => match item.data_type() {
            DataType::Struct(c) => Some(c.clone()),
            _ => None,
        },
        _ => None,
    };
    for child in children.iter().flat_map(|c| c.iter()) {
        describe(child, depth + 1, out);
    }
}

/// Runs `trawl shell`.
pub fn run(args: Args) -> super::Result<ExitCode> {
    let runtime = super::lake_session::runtime()?;
    let session = runtime.block_on(super::lake_session::open(&args.lake.lake, true))?;
    let mut words: Vec<String> = [
        "cloudtrail",
        "cloudtrail_logs",
        "cloudtrail_logs_pp",
        "security_analysis",
        "describe",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for field in trawl_schema::lake_schema().fields() {
        field_paths("", field, &mut words);
    }
    words.sort();
    words.dedup();
    let mut editor: Editor<Completion, rustyline::history::DefaultHistory> = Editor::new()?;
    editor.set_helper(Some(Completion { words }));
    let history =
        std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".trawl_history"));
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    eprintln!(
        "trawl shell on {} — end statements with `;`, `describe` shows the schema, Ctrl-D quits",
        args.lake.lake.display()
    );
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() {
            "trawl> "
        } else {
            "   ..> "
        };
        let line = match editor.readline(prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => {
                buffer.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        };
        let trimmed = line.trim();
        if buffer.is_empty() && trimmed.to_ascii_lowercase().starts_with("describe") {
            let _ = editor.add_history_entry(trimmed);
            let table = trimmed
                .trim_end_matches(';')
                .split_whitespace()
                .nth(1)
                .unwrap_or("cloudtrail");
            match runtime.block_on(session.context().table(table)) {
                Ok(df) => {
                    let mut out = String::new();
                    for field in df.schema().fields() {
                        describe(field, 0, &mut out);
                    }
                    print!("{out}");
                }
                Err(e) => eprintln!("error: {}", describe_error(&e)),
            }
            continue;
        }
        buffer.push_str(&line);
        buffer.push('\n');
        if !trimmed.ends_with(';') {
            continue;
        }
        let statement = std::mem::take(&mut buffer);
        let _ = editor.add_history_entry(statement.trim());
        let result = runtime.block_on(async {
            let mut text = String::new();
            for frame in session.sql(&statement).await? {
                let schema = frame.schema().inner().clone();
                let batches = frame.collect().await?;
                let table = TableOptions {
                    width: super::lake_session::terminal_width(),
                    ..TableOptions::default()
                };
                text.push_str(&render(&schema, &batches, OutputFormat::Table, &table)?);
            }
            datafusion::error::Result::Ok(text)
        });
        match result {
            Ok(text) => print!("{text}"),
            Err(e) => eprintln!("error: {}", describe_error(&e)),
        }
    }
    if let Some(h) = &history {
        let _ = editor.save_history(h);
    }
    Ok(ExitCode::SUCCESS)
}
