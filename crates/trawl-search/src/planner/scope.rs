//! Name resolution: paths on events (typed columns at plan time, JSON text at run time,
//! system fields folded to constants, `eval`/`rename` overrides) and column names on tables;
//! and the filter formula built from them.

use arrow::datatypes::DataType;
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::functions::core::expr_fn::{get_field, named_struct};
use datafusion::logical_expr::SortExpr;
use datafusion::prelude::{DataFrame, Expr, cast, lit};
use trawl_schema::{Kind, RECORD_FIELDS, system};

use super::{column, null};
use crate::SearchOptions;
use crate::ast::{Filter, Group, Name, PredOp, Rhs, Value};
use crate::columns::{NestedKind, Shape};
use crate::error::{ErrorCode, SearchError, Span, Warning, WarningCode};
use crate::json::J;
use crate::matcher::Test;
use crate::path::{Idx, Seg, parse_path};
use crate::udf::{Convert, FreeTextUdf, PredUdf, ValueUdf, convert};

/// How a stage value is held in its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VKind {
    /// A plain string (typed text columns).
    Text,
    /// A JSON literal (values from JSON text, `eval` results, value-order aggregates).
    Lit,
    /// Int64.
    Int,
    /// Float64.
    Float,
}

/// A value in the current rows.
#[derive(Debug, Clone)]
pub struct SVal {
    /// Its expression.
    pub expr: Expr,
    /// How the expression holds it.
    pub kind: VKind,
}

impl SVal {
    fn null() -> SVal {
        SVal {
            expr: null(),
            kind: VKind::Text,
        }
    }

    /// How predicates read it.
    pub fn shape(&self) -> Shape {
        match self.kind {
            VKind::Text => Shape::Text,
            VKind::Lit => Shape::Json,
            VKind::Int | VKind::Float => Shape::Number,
        }
    }

    /// The value as a JSON literal.
    pub fn lit(&self) -> Expr {
        match self.kind {
            VKind::Lit => self.expr.clone(),
            _ => convert(Convert::ToLit, vec![self.expr.clone()]),
        }
    }

    /// The value as Float64 when it is a number, else null.
    pub fn num(&self) -> Expr {
        match self.kind {
            VKind::Int | VKind::Float => cast(self.expr.clone(), DataType::Float64),
            VKind::Lit => convert(Convert::Num, vec![self.expr.clone()]),
            VKind::Text => lit(ScalarValue::Float64(None)),
        }
    }

    /// A sort expression in value order.
    pub fn order_expr(&self) -> Expr {
        match self.kind {
            VKind::Lit => convert(Convert::OrderKey, vec![self.expr.clone()]),
            _ => self.expr.clone(),
        }
    }
}

/// A table column.
#[derive(Debug, Clone)]
pub struct TCol {
    /// Its name (also its name in the DataFrame).
    pub name: String,
    /// How it holds values.
    pub kind: VKind,
}

/// An `eval`/`rename` result visible on events under `name`.
#[derive(Debug, Clone)]
pub struct Override {
    /// The name as written.
    pub name: String,
    /// The DataFrame column holding it.
    pub col: String,
    /// How it holds values.
    pub kind: VKind,
}

/// What the rows are.
#[derive(Debug, Clone)]
pub enum Mode {
    /// Events, with names added or moved by `eval`/`rename`.
    Events {
        /// Added names, in order.
        overrides: Vec<Override>,
        /// Paths moved away by `rename`.
        hidden: Vec<Vec<Seg>>,
    },
    /// A table.
    Table(Vec<TCol>),
}

/// The plan so far.
pub struct State {
    /// The DataFrame.
    pub df: DataFrame,
    /// Events or table.
    pub mode: Mode,
    /// The current row order.
    pub order: Vec<SortExpr>,
    /// Columns that carry the order through projections (tables only).
    pub hidden: Vec<String>,
}

impl State {
    /// The lake's events in event order.
    pub fn events(df: DataFrame) -> State {
        let order = vec![
            column(system::EVENT_TS).sort(true, false),
            column("eventid").sort(true, false),
            column(system::SOURCE_PATH).sort(true, false),
            column(system::SOURCE_INDEX).sort(true, false),
        ];
        State {
            df,
            mode: Mode::Events {
                overrides: Vec::new(),
                hidden: Vec::new(),
            },
            order,
            hidden: Vec::new(),
        }
    }
}

/// A filter formula with constants folded.
pub enum P {
    /// Known at plan time.
    Const(bool),
    /// Evaluated per row (never null).
    E(Expr),
}

impl P {
    /// The formula as an expression.
    pub fn into_expr(self) -> Expr {
        match self {
            P::Const(b) => lit(b),
            P::E(e) => e,
        }
    }

    fn and(items: Vec<P>) -> P {
        let mut exprs = Vec::new();
        for p in items {
            match p {
                P::Const(false) => return P::Const(false),
                P::Const(true) => {}
                P::E(e) => exprs.push(e),
            }
        }
        exprs
            .into_iter()
            .reduce(Expr::and)
            .map_or(P::Const(true), P::E)
    }

    fn or(items: Vec<P>) -> P {
        let mut exprs = Vec::new();
        for p in items {
            match p {
                P::Const(true) => return P::Const(true),
                P::Const(false) => {}
                P::E(e) => exprs.push(e),
            }
        }
        exprs
            .into_iter()
            .reduce(Expr::or)
            .map_or(P::Const(false), P::E)
    }

    fn not(self) -> P {
        match self {
            P::Const(b) => P::Const(!b),
            P::E(e) => P::E(!e),
        }
    }
}

/// Where a path lands in the lake's columns.
enum Access {
    /// A typed string leaf.
    Text(Expr),
    /// JSON text, then the rest of the path at run time.
    Json(Expr, Vec<Seg>),
    /// A typed nested value, then the rest of the path at run time.
    Nested(Expr, Kind, Vec<Seg>),
    /// Nothing can ever be there.
    Never,
}

/// A synthesized system field (§2.9).
enum Sys {
    Const(J<'static>),
    Dynamic(SVal),
}

/// Planning context shared by all stages.
pub struct Planner<'a> {
    pub(super) opts: &'a SearchOptions,
    /// Warnings collected so far.
    pub warnings: Vec<Warning>,
    counter: usize,
    /// Lake columns present in the table.
    columns: Vec<String>,
}

impl<'a> Planner<'a> {
    /// A planner for a table with `schema`.
    pub fn new(opts: &'a SearchOptions, schema: &DFSchema) -> Planner<'a> {
        let columns = schema.fields().iter().map(|f| f.name().clone()).collect();
        Planner {
            opts,
            warnings: Vec::new(),
            counter: 0,
            columns,
        }
    }

    /// The lake's column names, in table order.
    pub fn lake_columns(&self) -> &[String] {
        &self.columns
    }

    /// A fresh internal column name.
    pub fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("__trawl_{prefix}{}", self.counter)
    }

    fn has_column(&self, name: &str) -> bool {
        self.columns.iter().any(|c| c == name)
    }

    fn warn_path(&mut self, name: &Name) {
        self.warnings.push(Warning {
            code: WarningCode::Path,
            message: format!(
                "`{}` can never resolve in the lake's schema; it is always empty",
                name.text
            ),
            span: name.span,
        });
    }

    fn system(&self, name: &str) -> Option<Sys> {
        let lower = name.to_ascii_lowercase();
        let ts = || column(system::EVENT_TS);
        Some(match lower.as_str() {
            "%ingest.source_type" | "@scnr.source_type" => {
                Sys::Const(J::Str("aws:cloudtrail".into()))
            }
            "@scnr.datetime" | "timestamp" => Sys::Dynamic(SVal {
                expr: convert(Convert::EventTime, vec![ts()]),
                kind: VKind::Text,
            }),
            "@scnr.time_ns" => Sys::Dynamic(SVal {
                expr: convert(Convert::TimeNs, vec![ts()]),
                kind: VKind::Int,
            }),
            "@index" => Sys::Const(J::Str(self.opts.dataset.clone().into())),
            "@index_id" => Sys::Const(
                self.opts
                    .dataset_id
                    .clone()
                    .map_or(J::Null, |id| J::Str(id.into())),
            ),
            _ if lower.starts_with("@scnr.") => Sys::Const(J::Null),
            _ => return None,
        })
    }

    /// Resolves a path on the lake's typed columns (§3.2): plan-time descent through structs,
    /// run-time walks below JSON text, lists and maps; unknown top-level keys go to `_extra`.
    fn access(&self, segs: &[Seg]) -> Access {
        let first = &segs[0];
        if first.is_glob() {
            let args = RECORD_FIELDS
                .iter()
                .filter(|f| self.has_column(f.name))
                .flat_map(|f| [lit(f.name), column(f.name)])
                .collect();
            return Access::Nested(
                named_struct(args),
                Kind::Struct(RECORD_FIELDS),
                segs.to_vec(),
            );
        }
        match RECORD_FIELDS
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(&first.name))
        {
            Some(spec) if self.has_column(spec.name) => {
                descend(column(spec.name), spec.kind, &first.idx, &segs[1..])
            }
            _ if self.has_column(system::EXTRA) => {
                Access::Json(column(system::EXTRA), segs.to_vec())
            }
            _ => Access::Never,
        }
    }

    /// The value a name has in the current rows (§3.3, §3.4).
    pub fn value_of(&mut self, st: &State, name: &Name) -> Result<SVal, SearchError> {
        match &st.mode {
            Mode::Table(cols) => {
                let col = find_column(cols, name)?;
                Ok(SVal {
                    expr: column(&col.name),
                    kind: col.kind,
                })
            }
            Mode::Events { overrides, hidden } => {
                reject_q(name)?;
                if let Some(sys) = self.system(&name.text) {
                    return Ok(match sys {
                        Sys::Dynamic(v) => v,
                        Sys::Const(J::Null) => SVal::null(),
                        Sys::Const(v) => SVal {
                            expr: lit(v.display().unwrap_or_default()),
                            kind: VKind::Text,
                        },
                    });
                }
                let segs = parse_path(&name.text);
                if let Some((o, rest)) = find_override(overrides, &segs) {
                    return Ok(match (rest.is_empty(), o.kind) {
                        (true, kind) => SVal {
                            expr: column(&o.col),
                            kind,
                        },
                        (false, VKind::Lit) => SVal {
                            expr: ValueUdf::expr(column(&o.col), Shape::Json, rest),
                            kind: VKind::Lit,
                        },
                        _ => SVal::null(),
                    });
                }
                if hidden.iter().any(|h| starts_with(&segs, h)) {
                    return Ok(SVal::null());
                }
                Ok(match self.access(&segs) {
                    Access::Text(e) => SVal {
                        expr: e,
                        kind: VKind::Text,
                    },
                    Access::Json(e, rest) => SVal {
                        expr: ValueUdf::expr(e, Shape::Json, rest),
                        kind: VKind::Lit,
                    },
                    Access::Nested(e, k, rest) => SVal {
                        expr: ValueUdf::expr(e, Shape::Nested(NestedKind(k)), rest),
                        kind: VKind::Lit,
                    },
                    Access::Never => {
                        self.warn_path(name);
                        SVal::null()
                    }
                })
            }
        }
    }

    /// `name` satisfies `test` (§2.5).
    fn pred(&mut self, st: &State, name: &Name, test: Test, what: &str) -> Result<P, SearchError> {
        let mut scratch = Vec::new();
        match &st.mode {
            Mode::Table(cols) => {
                let col = find_column(cols, name)?;
                let v = SVal {
                    expr: column(&col.name),
                    kind: col.kind,
                };
                Ok(P::E(PredUdf::expr(
                    v.expr.clone(),
                    v.shape(),
                    Vec::new(),
                    test,
                    what,
                )))
            }
            Mode::Events { overrides, hidden } => {
                reject_q(name)?;
                if let Some(sys) = self.system(&name.text) {
                    return Ok(match sys {
                        Sys::Const(v) => P::Const(test.json(&v, &mut scratch)),
                        Sys::Dynamic(v) => P::E(PredUdf::expr(
                            v.expr.clone(),
                            v.shape(),
                            Vec::new(),
                            test,
                            what,
                        )),
                    });
                }
                let segs = parse_path(&name.text);
                if let Some((o, rest)) = find_override(overrides, &segs) {
                    let v = SVal {
                        expr: column(&o.col),
                        kind: o.kind,
                    };
                    if !rest.is_empty() && o.kind != VKind::Lit {
                        return Ok(P::Const(false));
                    }
                    return Ok(P::E(PredUdf::expr(
                        v.expr.clone(),
                        v.shape(),
                        rest,
                        test,
                        what,
                    )));
                }
                if hidden.iter().any(|h| starts_with(&segs, h)) {
                    return Ok(P::Const(false));
                }
                Ok(match self.access(&segs) {
                    Access::Text(e) => P::E(PredUdf::expr(e, Shape::Text, Vec::new(), test, what)),
                    Access::Json(e, rest) => P::E(PredUdf::expr(e, Shape::Json, rest, test, what)),
                    Access::Nested(e, k, rest) => P::E(PredUdf::expr(
                        e,
                        Shape::Nested(NestedKind(k)),
                        rest,
                        test,
                        what,
                    )),
                    Access::Never => {
                        self.warn_path(name);
                        P::Const(false)
                    }
                })
            }
        }
    }

    /// The filter (or a `where` condition) as a folded formula.
    pub fn filter(&mut self, st: &State, f: &Filter) -> Result<P, SearchError> {
        Ok(match f {
            Filter::And(items) => P::and(
                items
                    .iter()
                    .map(|x| self.filter(st, x))
                    .collect::<Result<_, _>>()?,
            ),
            Filter::Or(items) => P::or(
                items
                    .iter()
                    .map(|x| self.filter(st, x))
                    .collect::<Result<_, _>>()?,
            ),
            Filter::Not(inner) => self.filter(st, inner)?.not(),
            Filter::Term(v) if v.is_star() => P::Const(true),
            Filter::Term(v) => self.free_text(st, v)?,
            Filter::Pred(p) => match &p.rhs {
                Rhs::Value(v) => self.pred(st, &p.field, Test::new(p.op, v), &p.to_string())?,
                Rhs::Group(g) => self.group(st, &p.field, p.op, g)?,
                Rhs::Index { alias, .. } => {
                    if !p.field.text.eq_ignore_ascii_case("@index") {
                        return Err(SearchError::syn(
                            p.field.span,
                            "`{uuid | \"alias\"}` only applies to `@index`",
                        ));
                    }
                    P::Const(*alias == self.opts.dataset)
                }
            },
        })
    }

    fn group(&mut self, st: &State, field: &Name, op: PredOp, g: &Group) -> Result<P, SearchError> {
        Ok(match g {
            Group::And(items) => P::and(
                items
                    .iter()
                    .map(|x| self.group(st, field, op, x))
                    .collect::<Result<_, _>>()?,
            ),
            Group::Or(items) => P::or(
                items
                    .iter()
                    .map(|x| self.group(st, field, op, x))
                    .collect::<Result<_, _>>()?,
            ),
            Group::Not(inner) => self.group(st, field, op, inner)?.not(),
            Group::Value(v) => {
                let what = format!(
                    "{field} {} {v}",
                    if op == PredOp::Contains { ":" } else { "=" }
                );
                self.pred(st, field, Test::new(op, v), &what)?
            }
        })
    }

    /// A free-text term over every leaf of the record (§2.4).
    fn free_text(&mut self, st: &State, v: &Value) -> Result<P, SearchError> {
        if st.is_table() {
            return Err(SearchError::syn(
                v.span,
                "free-text terms only apply to events",
            ));
        }
        let mut args = Vec::new();
        for spec in RECORD_FIELDS.iter().filter(|f| self.has_column(f.name)) {
            leaves(column(spec.name), spec.kind, &mut args);
        }
        if self.has_column(system::EXTRA) {
            args.push((column(system::EXTRA), Shape::Json));
        }
        Ok(P::E(FreeTextUdf::expr(args, Test::term(v), &v.to_string())))
    }
}

/// Descends typed columns at plan time (§3.2).
fn descend(expr: Expr, kind: Kind, idx: &[Idx], rest: &[Seg]) -> Access {
    let with_idx = |rest: &[Seg]| {
        let mut segs = Vec::new();
        if !idx.is_empty() {
            segs.push(Seg {
                name: String::new(),
                idx: idx.to_vec(),
            });
        }
        segs.extend_from_slice(rest);
        segs
    };
    match kind {
        Kind::Text | Kind::Bool if idx.is_empty() && rest.is_empty() => Access::Text(expr),
        Kind::Text | Kind::Bool => Access::Never,
        Kind::Json => Access::Json(expr, with_idx(rest)),
        Kind::List(_) | Kind::Map => Access::Nested(expr, kind, with_idx(rest)),
        Kind::Struct(_) if !idx.is_empty() => Access::Never,
        Kind::Struct(_) if rest.is_empty() || rest[0].is_glob() => {
            Access::Nested(expr, kind, rest.to_vec())
        }
        Kind::Struct(fields) => match fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(&rest[0].name))
        {
            Some(f) => descend(get_field(expr, f.name), f.kind, &rest[0].idx, &rest[1..]),
            None => Access::Never,
        },
    }
}

/// The leaf columns of a record field for free text: struct fields become typed leaves.
fn leaves(expr: Expr, kind: Kind, out: &mut Vec<(Expr, Shape)>) {
    match kind {
        Kind::Text | Kind::Bool => out.push((expr, Shape::Text)),
        Kind::Json => out.push((expr, Shape::Json)),
        Kind::Struct(fields) => {
            for f in fields {
                leaves(get_field(expr.clone(), f.name), f.kind, out);
            }
        }
        Kind::List(_) | Kind::Map => out.push((expr, Shape::Nested(NestedKind(kind)))),
    }
}

fn reject_q(name: &Name) -> Result<(), SearchError> {
    if name.text.len() >= 3 && name.text[..3].eq_ignore_ascii_case("@q.") {
        return Err(SearchError::new(
            ErrorCode::Col,
            Some(name.span),
            format!(
                "`{}` only exists in tables, and the rows here are events",
                name.text
            ),
        )
        .with_hint("produce it first, e.g. with `| count` or `| stats …`"));
    }
    Ok(())
}

/// Finds a table column: the exact name, else the single match ignoring ASCII case (§3.4).
pub fn find_column<'c>(cols: &'c [TCol], name: &Name) -> Result<&'c TCol, SearchError> {
    if let Some(c) = cols.iter().find(|c| c.name == name.text) {
        return Ok(c);
    }
    let matches: Vec<&TCol> = cols
        .iter()
        .filter(|c| c.name.eq_ignore_ascii_case(&name.text))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        _ => {
            let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
            Err(SearchError::new(
                ErrorCode::Col,
                Some(name.span),
                format!("no column `{}` in this table", name.text),
            )
            .with_hint(format!("the columns are: {}", names.join(", "))))
        }
    }
}

/// The override that `segs` starts with (the longest), and the rest of the path.
fn find_override<'o>(overrides: &'o [Override], segs: &[Seg]) -> Option<(&'o Override, Vec<Seg>)> {
    let mut best: Option<(&Override, Vec<Seg>, usize)> = None;
    for o in overrides {
        let names: Vec<&str> = o.name.split('.').collect();
        if names.len() > segs.len() {
            continue;
        }
        let prefix_ok = names.iter().zip(segs).enumerate().all(|(i, (n, s))| {
            s.name.eq_ignore_ascii_case(n) && (i + 1 == names.len() || s.idx.is_empty())
        });
        if !prefix_ok || best.as_ref().is_some_and(|b| b.2 >= names.len()) {
            continue;
        }
        let last = &segs[names.len() - 1];
        let mut rest = Vec::new();
        if !last.idx.is_empty() {
            rest.push(Seg {
                name: String::new(),
                idx: last.idx.clone(),
            });
        }
        rest.extend_from_slice(&segs[names.len()..]);
        best = Some((o, rest, names.len()));
    }
    best.map(|(o, rest, _)| (o, rest))
}

fn starts_with(segs: &[Seg], prefix: &[Seg]) -> bool {
    prefix.len() <= segs.len()
        && prefix
            .iter()
            .zip(segs)
            .all(|(p, s)| p.name.eq_ignore_ascii_case(&s.name) && p.idx == s.idx)
}

/// Collects output names and rejects duplicates ignoring ASCII case (`E-DUP`).
#[derive(Default)]
pub struct Names(Vec<String>);

impl Names {
    /// Adds `name`, written at `span`.
    pub fn add(&mut self, name: &str, span: Span) -> Result<(), SearchError> {
        if self.0.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return Err(SearchError::new(
                ErrorCode::Dup,
                Some(span),
                format!("the output column `{name}` appears twice"),
            )
            .with_hint("give one of them another name with `as`"));
        }
        self.0.push(name.to_string());
        Ok(())
    }
}
