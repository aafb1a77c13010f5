//! Pipeline stages (§4) as DataFrame operations.

use datafusion::functions_aggregate::expr_fn::{
    avg, count, count_distinct, max, min, percentile_cont, var_sample,
};
use datafusion::logical_expr::SortExpr;
use datafusion::prelude::{DataFrame, Expr, lit};

use super::scope::{Mode, Names, Override, Planner, SVal, State, TCol, VKind, find_column};
use super::{ResultKind, column, display, reversed};
use crate::ast::{
    AggCall, AggFunc, Assign, ItemKind, Name, SExpr, SortKey, Stage, StageOp, StatsItem,
};
use crate::error::{ErrorCode, SearchError, Span};
use crate::eval::{Compiled, EvalUdf};
use crate::json::J;
use crate::path::parse_path;
use crate::udaf::{extreme, json_sum};
use crate::udf::{Convert, convert};

fn engine<T>(r: datafusion::common::Result<T>) -> Result<T, SearchError> {
    r.map_err(SearchError::engine)
}

/// One output column of an aggregation.
struct Out {
    name: String,
    expr: Expr,
    kind: VKind,
}

impl Planner<'_> {
    /// Plans one stage.
    pub fn stage(&mut self, st: State, stage: &Stage) -> Result<State, SearchError> {
        match &stage.op {
            StageOp::Stats { items, by } => self.stats(st, items, by),
            StageOp::GroupByCount(cols) => self.stats(st, &[], cols),
            StageOp::Count => self.aggregate(st, &[], vec![]),
            StageOp::CountDistinct(cols) => {
                let call = AggCall {
                    func: AggFunc::CountDistinct,
                    percent: None,
                    args: cols.clone(),
                    span: stage.span,
                };
                let out = self.agg(&st, &call, "@q.uniq".into())?;
                self.single(st, vec![out])
            }
            StageOp::Single(call) => self.single_agg(st, call),
            StageOp::Where(cond) => {
                let p = self.filter(&st, cond)?;
                let mut st = st;
                st.apply_filter(p)?;
                Ok(st)
            }
            StageOp::Eval(assigns) => assigns.iter().try_fold(st, |st, a| self.eval(st, a)),
            StageOp::Rename(pairs) => self.rename(st, pairs),
            StageOp::Table(cols) => self.table(st, cols),
            StageOp::Head(n) => {
                let df = sorted(st.df.clone(), st.order.clone())?;
                Ok(State {
                    df: engine(df.limit(0, Some(*n as usize)))?,
                    ..st
                })
            }
            StageOp::Tail(n) => {
                let df = sorted(st.df.clone(), st.order.iter().map(reversed).collect())?;
                Ok(State {
                    df: engine(df.limit(0, Some(*n as usize)))?,
                    ..st
                })
            }
            StageOp::Sort(keys) => self.sort(st, keys),
        }
    }

    fn stats(&mut self, st: State, items: &[StatsItem], by: &[Name]) -> Result<State, SearchError> {
        let mut names = Names::default();
        let mut keys = Vec::new();
        for n in by {
            names.add(&n.text, n.span)?;
            keys.push((n.text.clone(), self.value_of(&st, n)?));
        }
        names.add("@q.count", Span::default())?;
        let mut outs = Vec::new();
        for item in items {
            let out = match &item.kind {
                ItemKind::Column(n)
                    if item.alias.is_none() && by.iter().any(|b| b.text == n.text) =>
                {
                    continue;
                }
                ItemKind::Column(n) => {
                    let name = item.alias.as_ref().unwrap_or(n);
                    let v = self.value_of(&st, n)?;
                    let (expr, kind) = extreme_of(&v, false);
                    Out {
                        name: name.text.clone(),
                        expr,
                        kind,
                    }
                }
                ItemKind::Agg(call) => {
                    let name = item
                        .alias
                        .as_ref()
                        .map_or_else(|| call.canonical(), |a| a.text.clone());
                    self.agg(&st, call, name)?
                }
            };
            let span = item.alias.as_ref().map_or(Span::default(), |a| a.span);
            names.add(&out.name, span)?;
            outs.push(out);
        }
        self.aggregate(st, &keys, outs)
    }

    /// `Aggregate` with `@q.count`, then the grouped order: count desc, keys asc (nulls first).
    fn aggregate(
        &mut self,
        st: State,
        keys: &[(String, SVal)],
        outs: Vec<Out>,
    ) -> Result<State, SearchError> {
        let groups: Vec<Expr> = keys.iter().map(|(n, v)| v.expr.clone().alias(n)).collect();
        let mut aggs = vec![count(lit(1i64)).alias("@q.count")];
        aggs.extend(outs.iter().map(|o| o.expr.clone().alias(&o.name)));
        let df = engine(st.df.aggregate(groups, aggs))?;
        let mut cols: Vec<TCol> = keys
            .iter()
            .map(|(n, v)| TCol {
                name: n.clone(),
                kind: v.kind,
            })
            .collect();
        cols.push(TCol {
            name: "@q.count".into(),
            kind: VKind::Int,
        });
        cols.extend(outs.iter().map(|o| TCol {
            name: o.name.clone(),
            kind: o.kind,
        }));
        let mut order = Vec::new();
        if !keys.is_empty() {
            order.push((column("@q.count"), false));
            for (n, v) in keys {
                order.push((
                    SVal {
                        expr: column(n),
                        kind: v.kind,
                    }
                    .order_expr(),
                    true,
                ));
            }
        }
        self.project_table(df, cols, order, Vec::new())
    }

    /// Projects `cols` plus hidden order columns computed from `order` (key, ascending).
    fn project_table(
        &mut self,
        df: DataFrame,
        cols: Vec<TCol>,
        order: Vec<(Expr, bool)>,
        carried: Vec<String>,
    ) -> Result<State, SearchError> {
        let mut select: Vec<Expr> = cols.iter().map(|c| column(&c.name)).collect();
        let mut hidden = carried;
        let mut sort = Vec::new();
        for (expr, asc) in order {
            let name = self.fresh("o");
            select.push(expr.alias(&name));
            sort.push(column(&name).sort(asc, asc));
            hidden.push(name);
        }
        select.extend(
            hidden
                .iter()
                .filter(|h| !sort.iter().any(|s: &SortExpr| s.expr == column(h)))
                .map(|h| column(h)),
        );
        let df = engine(df.select(select))?;
        Ok(State {
            df,
            mode: Mode::Table(cols),
            order: sort,
            hidden,
        })
    }

    fn agg(&mut self, st: &State, call: &AggCall, name: String) -> Result<Out, SearchError> {
        if self.opts.strict && call.func == AggFunc::Count && !call.args.is_empty() {
            return Err(SearchError::new(
                ErrorCode::Ext,
                Some(call.span),
                "`count(column)` is a trawl extension",
            )
            .with_hint("use `count()`, or drop --strict-scanner"));
        }
        let vals: Vec<SVal> = call
            .args
            .iter()
            .map(|a| self.value_of(st, a))
            .collect::<Result<_, _>>()?;
        let (expr, kind) = match call.func {
            AggFunc::Count => match vals.first() {
                None => (count(lit(1i64)), VKind::Int),
                Some(v) => (count(v.expr.clone()), VKind::Int),
            },
            AggFunc::CountDistinct => match vals.as_slice() {
                [one] => (count_distinct(one.expr.clone()), VKind::Int),
                many => (
                    count_distinct(convert(
                        Convert::Tuple,
                        many.iter().map(SVal::lit).collect(),
                    )),
                    VKind::Int,
                ),
            },
            AggFunc::Min | AggFunc::Max => match vals.as_slice() {
                [one] => extreme_of(one, call.func == AggFunc::Max),
                many => {
                    let tuple = convert(Convert::Tuple, many.iter().map(SVal::lit).collect());
                    (extreme(call.func == AggFunc::Max, tuple), VKind::Lit)
                }
            },
            AggFunc::Avg => (avg(vals[0].num()), VKind::Float),
            AggFunc::Sum => (json_sum(vals[0].lit()), VKind::Lit),
            AggFunc::Var => (var_sample(vals[0].num()), VKind::Float),
            AggFunc::Percentile => {
                let p: f64 = call
                    .percent
                    .as_deref()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(50.0);
                (
                    percentile_cont(vals[0].num().sort(true, false), lit(p / 100.0)),
                    VKind::Float,
                )
            }
        };
        Ok(Out { name, expr, kind })
    }

    /// A one-row aggregation without `@q.count`.
    fn single(&mut self, st: State, outs: Vec<Out>) -> Result<State, SearchError> {
        let aggs: Vec<Expr> = outs.iter().map(|o| o.expr.clone().alias(&o.name)).collect();
        let df = engine(st.df.aggregate(vec![], aggs))?;
        let cols = outs
            .into_iter()
            .map(|o| TCol {
                name: o.name,
                kind: o.kind,
            })
            .collect();
        Ok(State {
            df,
            mode: Mode::Table(cols),
            order: Vec::new(),
            hidden: Vec::new(),
        })
    }

    fn single_agg(&mut self, st: State, call: &AggCall) -> Result<State, SearchError> {
        let base = format!("@q.{}", call.func.name());
        if matches!(call.func, AggFunc::Min | AggFunc::Max) && call.args.len() > 1 {
            let tuple = self.fresh("t");
            let out = self.agg(&st, call, tuple.clone())?;
            let st = self.single(st, vec![out])?;
            let cols: Vec<TCol> = (0..call.args.len())
                .map(|i| TCol {
                    name: format!("{base}[{i}]"),
                    kind: VKind::Lit,
                })
                .collect();
            let select: Vec<Expr> = cols
                .iter()
                .enumerate()
                .map(|(i, c)| convert(Convert::Index(i), vec![column(&tuple)]).alias(&c.name))
                .collect();
            let df = engine(st.df.select(select))?;
            return Ok(State {
                df,
                mode: Mode::Table(cols),
                order: Vec::new(),
                hidden: Vec::new(),
            });
        }
        let out = self.agg(&st, call, base)?;
        self.single(st, vec![out])
    }

    fn compile(
        &mut self,
        st: &State,
        e: &SExpr,
        inputs: &mut Vec<Expr>,
    ) -> Result<Compiled, SearchError> {
        Ok(match e {
            SExpr::Number(t) => Compiled::Const(J::Num(t.clone().into())),
            SExpr::Str { text, single } => {
                if *single && self.opts.strict {
                    return Err(SearchError::new(
                        ErrorCode::Ext,
                        None,
                        "single-quoted strings in `eval` are a trawl extension",
                    )
                    .with_hint("use double quotes"));
                }
                Compiled::Const(J::Str(text.clone().into()))
            }
            SExpr::Bool(b) => Compiled::Const(J::Bool(*b)),
            SExpr::Null => Compiled::Const(J::Null),
            SExpr::Ref(name) => {
                let v = self.value_of(st, name)?;
                inputs.push(v.lit());
                Compiled::Arg(inputs.len() - 1)
            }
            SExpr::Call { func, args, span } => {
                if self.opts.strict && func.is_extension() {
                    return Err(SearchError::new(
                        ErrorCode::Ext,
                        Some(*span),
                        format!("`{}` is a trawl extension", func.name()),
                    ));
                }
                let args = args
                    .iter()
                    .map(|a| self.compile(st, a, inputs))
                    .collect::<Result<_, _>>()?;
                Compiled::Call(*func, args)
            }
            SExpr::Neg(x) => Compiled::Neg(Box::new(self.compile(st, x, inputs)?)),
            SExpr::Not(x) => Compiled::Not(Box::new(self.compile(st, x, inputs)?)),
            SExpr::Binary(op, l, r) => Compiled::Binary(
                *op,
                Box::new(self.compile(st, l, inputs)?),
                Box::new(self.compile(st, r, inputs)?),
            ),
        })
    }

    fn eval(&mut self, st: State, a: &Assign) -> Result<State, SearchError> {
        let mut inputs = Vec::new();
        let compiled = self.compile(&st, &a.expr, &mut inputs)?;
        let expr = EvalUdf::expr(compiled, inputs, &a.expr.to_string());
        let v = SVal {
            expr,
            kind: VKind::Lit,
        };
        self.assign(st, vec![(a.name.text.clone(), v)])
    }

    /// Sets names to values: on events as overrides, on tables as columns (replaced in place
    /// or appended).
    fn assign(&mut self, st: State, values: Vec<(String, SVal)>) -> Result<State, SearchError> {
        match st.mode {
            Mode::Events {
                mut overrides,
                hidden,
            } => {
                let mut df = st.df;
                for (name, v) in values {
                    let col = self.fresh("v");
                    df = engine(df.with_column(&col, v.expr))?;
                    let o = Override {
                        name: name.clone(),
                        col,
                        kind: v.kind,
                    };
                    match overrides
                        .iter_mut()
                        .find(|x| x.name.eq_ignore_ascii_case(&name))
                    {
                        Some(slot) => *slot = o,
                        None => overrides.push(o),
                    }
                }
                Ok(State {
                    df,
                    mode: Mode::Events { overrides, hidden },
                    ..st
                })
            }
            Mode::Table(cols) => {
                let mut exprs: Vec<(TCol, Expr)> =
                    cols.iter().map(|c| (c.clone(), column(&c.name))).collect();
                for (name, v) in values {
                    let slot = exprs.iter().position(|(c, _)| c.name == name).or_else(|| {
                        let ci: Vec<usize> = (0..exprs.len())
                            .filter(|&i| exprs[i].0.name.eq_ignore_ascii_case(&name))
                            .collect();
                        (ci.len() == 1).then(|| ci[0])
                    });
                    let entry = (
                        TCol {
                            name: name.clone(),
                            kind: v.kind,
                        },
                        v.expr,
                    );
                    match slot {
                        Some(i) => exprs[i] = entry,
                        None => exprs.push(entry),
                    }
                }
                self.project(st.df, exprs, st.order, st.hidden)
            }
        }
    }

    /// Projects named table columns and carries the hidden order columns.
    fn project(
        &mut self,
        df: DataFrame,
        exprs: Vec<(TCol, Expr)>,
        order: Vec<SortExpr>,
        hidden: Vec<String>,
    ) -> Result<State, SearchError> {
        let mut select: Vec<Expr> = exprs
            .iter()
            .map(|(c, e)| e.clone().alias(&c.name))
            .collect();
        select.extend(hidden.iter().map(|h| column(h)));
        let df = engine(df.select(select))?;
        let cols = exprs.into_iter().map(|(c, _)| c).collect();
        Ok(State {
            df,
            mode: Mode::Table(cols),
            order,
            hidden,
        })
    }

    fn rename(&mut self, st: State, pairs: &[(Name, Name)]) -> Result<State, SearchError> {
        match &st.mode {
            Mode::Events { .. } => {
                let values: Vec<(String, SVal)> = pairs
                    .iter()
                    .map(|(from, to)| Ok((to.text.clone(), self.value_of(&st, from)?)))
                    .collect::<Result<_, SearchError>>()?;
                let mut st = st;
                if let Mode::Events { overrides, hidden } = &mut st.mode {
                    for (from, _) in pairs {
                        overrides.retain(|o| !o.name.eq_ignore_ascii_case(&from.text));
                        hidden.push(parse_path(&from.text));
                    }
                }
                self.assign(st, values)
            }
            Mode::Table(cols) => {
                let mut sources = Vec::new();
                for (from, to) in pairs {
                    sources.push((find_column(cols, from)?.name.clone(), to.text.clone()));
                }
                let exprs: Vec<(TCol, Expr)> = cols
                    .iter()
                    .filter_map(|c| match sources.iter().find(|(s, _)| *s == c.name) {
                        Some((_, to)) => Some((
                            TCol {
                                name: to.clone(),
                                kind: c.kind,
                            },
                            column(&c.name),
                        )),
                        None if sources
                            .iter()
                            .any(|(_, to)| to.eq_ignore_ascii_case(&c.name)) =>
                        {
                            None
                        }
                        None => Some((c.clone(), column(&c.name))),
                    })
                    .collect();
                let (df, order, hidden) = (st.df, st.order, st.hidden);
                self.project(df, exprs, order, hidden)
            }
        }
    }

    fn table(&mut self, st: State, cols: &[Name]) -> Result<State, SearchError> {
        let mut names = Names::default();
        let mut exprs = Vec::new();
        for n in cols {
            names.add(&n.text, n.span)?;
            let v = self.value_of(&st, n)?;
            exprs.push((
                TCol {
                    name: n.text.clone(),
                    kind: v.kind,
                },
                v.expr,
            ));
        }
        if st.is_table() {
            let (df, order, hidden) = (st.df, st.order, st.hidden);
            return self.project(df, exprs, order, hidden);
        }
        // Events → table: carry the event order in hidden columns.
        let mut select: Vec<Expr> = exprs
            .iter()
            .map(|(c, e)| e.clone().alias(&c.name))
            .collect();
        let mut order = Vec::new();
        let mut hidden = Vec::new();
        for s in &st.order {
            let name = self.fresh("o");
            select.push(s.expr.clone().alias(&name));
            order.push(SortExpr {
                expr: column(&name),
                asc: s.asc,
                nulls_first: s.nulls_first,
            });
            hidden.push(name);
        }
        let df = engine(st.df.select(select))?;
        Ok(State {
            df,
            mode: Mode::Table(exprs.into_iter().map(|(c, _)| c).collect()),
            order,
            hidden,
        })
    }

    fn sort(&mut self, st: State, keys: &[SortKey]) -> Result<State, SearchError> {
        let mut values = Vec::new();
        for k in keys {
            values.push((self.value_of(&st, &k.col)?, k.desc));
        }
        let mut order = Vec::new();
        let mut st = st;
        let mut added = Vec::new();
        for (v, desc) in values {
            let name = self.fresh("s");
            added.push((name.clone(), v.order_expr()));
            order.push(column(&name).sort(!desc, !desc));
        }
        match &st.mode {
            Mode::Events { .. } => {
                for (name, expr) in added {
                    st.df = engine(st.df.with_column(&name, expr))?;
                }
            }
            Mode::Table(cols) => {
                let mut select: Vec<Expr> = cols.iter().map(|c| column(&c.name)).collect();
                select.extend(st.hidden.iter().map(|h| column(h)));
                for (name, expr) in added {
                    select.push(expr.alias(&name));
                    st.hidden.push(name);
                }
                st.df = engine(st.df.select(select))?;
            }
        }
        order.extend(st.order);
        st.order = order;
        Ok(st)
    }

    /// The final ordered projection: (DataFrame, kind, columns, added columns).
    pub fn finish(
        &mut self,
        st: State,
    ) -> Result<(DataFrame, ResultKind, Vec<String>, Vec<String>), SearchError> {
        let df = sorted(st.df, st.order)?;
        match st.mode {
            Mode::Table(cols) => {
                let select: Vec<Expr> = cols
                    .iter()
                    .map(|c| display(column(&c.name), c.kind).alias(&c.name))
                    .collect();
                let names = cols.into_iter().map(|c| c.name).collect();
                Ok((
                    engine(df.select(select))?,
                    ResultKind::Table,
                    names,
                    Vec::new(),
                ))
            }
            Mode::Events { overrides, .. } => {
                let mut names = Vec::new();
                let mut select = Vec::new();
                for c in self.lake_columns() {
                    if !overrides.iter().any(|o| o.name.eq_ignore_ascii_case(c)) {
                        select.push(column(c));
                        names.push(c.clone());
                    }
                }
                let added: Vec<String> = overrides.iter().map(|o| o.name.clone()).collect();
                for o in &overrides {
                    select.push(display(column(&o.col), o.kind).alias(&o.name));
                    names.push(o.name.clone());
                }
                Ok((engine(df.select(select))?, ResultKind::Events, names, added))
            }
        }
    }
}

/// `df` sorted by `order` (unchanged when there is no order).
fn sorted(df: DataFrame, order: Vec<SortExpr>) -> Result<DataFrame, SearchError> {
    if order.is_empty() {
        Ok(df)
    } else {
        engine(df.sort(order))
    }
}

/// min/max in value order: DataFusion's for typed values, the JSON-literal aggregate otherwise.
fn extreme_of(v: &SVal, is_max: bool) -> (Expr, VKind) {
    match v.kind {
        VKind::Lit => (extreme(is_max, v.expr.clone()), VKind::Lit),
        kind if is_max => (max(v.expr.clone()), kind),
        kind => (min(v.expr.clone()), kind),
    }
}

impl State {
    /// Keeps the rows where `p` holds.
    pub(crate) fn apply_filter(&mut self, p: super::scope::P) -> Result<(), SearchError> {
        if let super::scope::P::Const(true) = p {
            return Ok(());
        }
        self.df = engine(self.df.clone().filter(p.into_expr()))?;
        Ok(())
    }
}
