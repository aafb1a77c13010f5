//! Recursive-descent parser: tokens → [`Query`] (grammar §6).

use crate::ast::*;
use crate::error::{ErrorCode, SearchError, Span, Warning, WarningCode};
use crate::lexer::{TokKind, Token, lex, parts_text};

/// Parses a query. Errors carry the query text, so their `Display` points at the problem.
pub fn parse(text: &str) -> Result<Query, SearchError> {
    parse_inner(text).map_err(|e| e.with_source(text))
}

fn parse_inner(text: &str) -> Result<Query, SearchError> {
    let toks = lex(text)?;
    let mut p = Parser {
        toks,
        pos: 0,
        end: text.len(),
        warnings: Vec::new(),
    };
    let filter = if p.at_stage_end() {
        None
    } else {
        Some(p.or_expr(Ctx::Filter)?)
    };
    if let Some(tok) = p.peek().filter(|t| t.kind != TokKind::Pipe) {
        let msg = if tok.kind == TokKind::RParen {
            "unmatched `)`"
        } else {
            "unexpected token in the filter"
        };
        return Err(SearchError::syn(tok.span, msg));
    }
    let mut stages = Vec::new();
    while p.eat(&TokKind::Pipe) {
        stages.push(p.stage()?);
        if let Some(tok) = p.peek().filter(|t| t.kind != TokKind::Pipe) {
            return Err(
                SearchError::syn(tok.span, "unexpected token after the stage")
                    .with_hint("separate stages with `|`"),
            );
        }
    }
    Ok(Query {
        filter,
        stages,
        warnings: p.warnings,
        source: text.to_string(),
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Filter,
    Where,
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    end: usize,
    warnings: Vec<Warning>,
}

const STAGES: &str = "stats, groupbycount, count, countdistinct, min, max, avg, sum, var, percentile, where, eval, rename, table, head, tail, sort";

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn peek_kind(&self, k: usize) -> Option<&TokKind> {
        self.toks.get(self.pos + k).map(|t| &t.kind)
    }

    fn bump(&mut self) -> Option<Token> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn eat(&mut self, kind: &TokKind) -> bool {
        if self.peek().is_some_and(|t| &t.kind == kind) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Span of the next token, or an empty span at the end of the text.
    fn here(&self) -> Span {
        self.peek()
            .map_or(Span::new(self.end, self.end), |t| t.span)
    }

    fn at_stage_end(&self) -> bool {
        matches!(self.peek_kind(0), None | Some(TokKind::Pipe))
    }

    fn at_kw(&self, kw: &str) -> bool {
        matches!(self.peek_kind(0), Some(TokKind::Bare { raw, .. }) if raw.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let at = self.at_kw(kw);
        if at {
            self.pos += 1;
        }
        at
    }

    fn expect(&mut self, kind: TokKind, what: &str) -> Result<Span, SearchError> {
        match self.peek() {
            Some(t) if t.kind == kind => {
                let span = t.span;
                self.pos += 1;
                Ok(span)
            }
            _ => Err(self.unexpected(what)),
        }
    }

    fn unexpected(&self, what: &str) -> SearchError {
        let found = match self.peek() {
            None => "the end of the query".to_string(),
            Some(t) => format!("`{}`", describe(&t.kind)),
        };
        SearchError::syn(self.here(), format!("expected {what}, found {found}"))
    }

    /// True when the token after the current one starts right where the current one ends.
    fn next_is_adjacent_paren(&self) -> bool {
        match (self.toks.get(self.pos), self.toks.get(self.pos + 1)) {
            (Some(a), Some(b)) => b.kind == TokKind::LParen && b.span.start == a.span.end,
            _ => false,
        }
    }

    fn warn(&mut self, code: WarningCode, span: Span, message: impl Into<String>) {
        self.warnings.push(Warning {
            code,
            message: message.into(),
            span,
        });
    }

    // ---------- filter ----------

    fn or_expr(&mut self, ctx: Ctx) -> Result<Filter, SearchError> {
        let start = self.here();
        let mut items = vec![self.and_expr(ctx)?];
        while self.eat_kw("or") {
            items.push(self.and_expr(ctx)?);
        }
        if items.len() == 1 {
            return Ok(items.pop().map(|(f, _)| f).unwrap_or(Filter::And(vec![])));
        }
        if items.iter().any(|(_, composite)| *composite) {
            let span = start.to(self.toks[self.pos - 1].span);
            self.warn(
                WarningCode::Prec,
                span,
                "`or` is mixed with `and`/juxtaposition at one level; trawl binds `and` tighter, Scanner may not: add parentheses",
            );
        }
        Ok(Filter::Or(items.into_iter().map(|(f, _)| f).collect()))
    }

    /// Returns the conjunction and whether it joined several terms at this level.
    fn and_expr(&mut self, ctx: Ctx) -> Result<(Filter, bool), SearchError> {
        let mut items = vec![self.unary(ctx)?];
        loop {
            if self.eat_kw("and") {
                items.push(self.unary(ctx)?);
                continue;
            }
            if self.at_stage_end()
                || self.at_kw("or")
                || self.peek_kind(0) == Some(&TokKind::RParen)
            {
                break;
            }
            items.push(self.unary(ctx)?);
        }
        Ok(if items.len() == 1 {
            (items.remove(0), false)
        } else {
            (Filter::And(items), true)
        })
    }

    fn unary(&mut self, ctx: Ctx) -> Result<Filter, SearchError> {
        if self.eat_kw("not") {
            return Ok(Filter::Not(Box::new(self.unary(ctx)?)));
        }
        self.primary(ctx)
    }

    fn primary(&mut self, ctx: Ctx) -> Result<Filter, SearchError> {
        let Some(tok) = self.peek().cloned() else {
            return Err(self.unexpected("a search term or `field: value`"));
        };
        let op_follows = matches!(
            self.peek_kind(1),
            Some(
                TokKind::Colon
                    | TokKind::Eq
                    | TokKind::EqEq
                    | TokKind::Ne
                    | TokKind::Lt
                    | TokKind::Le
                    | TokKind::Gt
                    | TokKind::Ge
            )
        );
        match &tok.kind {
            TokKind::LParen => {
                self.pos += 1;
                let inner = self.or_expr(ctx)?;
                self.expect(TokKind::RParen, "`)`")?;
                Ok(inner)
            }
            TokKind::Bare { raw, .. } if is_reserved(raw) => Err(SearchError::syn(
                tok.span,
                format!("expected a search term or `field: value`, found keyword `{raw}`"),
            )
            .with_hint(format!("quote it to search for the word: '{raw}'"))),
            TokKind::Bare { parts, .. } if op_follows => {
                self.pos += 1;
                self.field_pred(
                    Name {
                        text: parts_text(parts),
                        span: tok.span,
                    },
                    ctx,
                )
            }
            TokKind::Back(text) if op_follows => {
                self.pos += 1;
                self.field_pred(
                    Name {
                        text: text.clone(),
                        span: tok.span,
                    },
                    ctx,
                )
            }
            TokKind::Single(_) | TokKind::Double(_) if op_follows => Err(SearchError::syn(
                tok.span,
                "a quoted string cannot be a field name",
            )
            .with_hint("quote field names with backticks: `name`")),
            TokKind::Back(_) => Err(SearchError::syn(
                tok.span,
                "backticks quote names, not search terms",
            )
            .with_hint(
                "quote a search term with '…' or \"…\", or follow the name with `:` and a value",
            )),
            TokKind::Bare { .. } | TokKind::Single(_) | TokKind::Double(_) => {
                if ctx == Ctx::Where {
                    return Err(SearchError::syn(
                        tok.span,
                        "free-text terms are not allowed in `where`",
                    )
                    .with_hint("compare a column instead, e.g. `where column: value`"));
                }
                Ok(Filter::Term(self.value()?))
            }
            _ => Err(self.unexpected("a search term or `field: value`")),
        }
    }

    fn field_pred(&mut self, field: Name, ctx: Ctx) -> Result<Filter, SearchError> {
        let Some(op_tok) = self.bump() else {
            return Err(self.unexpected("an operator"));
        };
        let op = match op_tok.kind {
            TokKind::Colon => PredOp::Contains,
            TokKind::Eq => PredOp::Equals,
            TokKind::EqEq if ctx == Ctx::Where => PredOp::Equals,
            TokKind::EqEq => {
                return Err(SearchError::syn(
                    op_tok.span,
                    "`==` is only allowed in `where` and `eval`",
                )
                .with_hint(format!("write `{} = value`", field)));
            }
            TokKind::Ne if ctx == Ctx::Where => {
                let rhs = self.value_spec()?;
                return Ok(Filter::Not(Box::new(Filter::Pred(Pred {
                    field,
                    op: PredOp::Equals,
                    rhs,
                }))));
            }
            TokKind::Ne => {
                let value = self
                    .peek()
                    .map(|t| describe(&t.kind))
                    .unwrap_or_else(|| "value".into());
                return Err(
                    SearchError::syn(op_tok.span, "`!=` is not allowed in the filter")
                        .with_hint(format!("write `not {field} = {value}`")),
                );
            }
            TokKind::Lt => PredOp::Lt,
            TokKind::Le => PredOp::Le,
            TokKind::Gt => PredOp::Gt,
            _ => PredOp::Ge,
        };
        if !matches!(op, PredOp::Contains | PredOp::Equals) {
            let what = format!("a number after `{}`", describe(&op_tok.kind));
            return match self.peek().map(|t| t.kind.clone()) {
                Some(TokKind::Bare { parts, .. }) if is_number(&parts_text(&parts)) => {
                    let value = self.value()?;
                    Ok(Filter::Pred(Pred {
                        field,
                        op,
                        rhs: Rhs::Value(value),
                    }))
                }
                _ => Err(self
                    .unexpected(&what)
                    .with_hint("comparisons are numeric only; use `:` or `=` for text")),
            };
        }
        if field.text.eq_ignore_ascii_case("@index") && self.peek_kind(0) == Some(&TokKind::LBrace)
        {
            return self.index_ref(field, op);
        }
        let rhs = self.value_spec()?;
        Ok(Filter::Pred(Pred { field, op, rhs }))
    }

    fn index_ref(&mut self, field: Name, op: PredOp) -> Result<Filter, SearchError> {
        let open = self.expect(TokKind::LBrace, "`{`")?;
        let uuid = match self.bump() {
            Some(Token {
                kind: TokKind::Bare { raw, .. },
                ..
            }) if is_uuid(&raw) => raw,
            _ => {
                self.pos -= 1;
                return Err(self.unexpected("a dataset UUID (8-4-4-4-12 hex digits)"));
            }
        };
        self.expect(TokKind::Pipe, "`|`")?;
        let alias = match self.bump() {
            Some(Token {
                kind: TokKind::Double(parts),
                ..
            }) => parts_text(&parts),
            _ => {
                self.pos -= 1;
                return Err(self.unexpected("the dataset alias in double quotes"));
            }
        };
        let close = self.expect(TokKind::RBrace, "`}`")?;
        self.warn(
            WarningCode::Index,
            open.to(close),
            "the dataset UUID is ignored offline; the alias selects the dataset",
        );
        Ok(Filter::Pred(Pred {
            field,
            op,
            rhs: Rhs::Index { uuid, alias },
        }))
    }

    fn value_spec(&mut self) -> Result<Rhs, SearchError> {
        if self.eat(&TokKind::LParen) {
            let group = self.v_or()?;
            self.expect(TokKind::RParen, "`)` to close the value group")?;
            return Ok(match group {
                Group::Value(v) => Rhs::Value(v),
                g => Rhs::Group(g),
            });
        }
        Ok(Rhs::Value(self.value()?))
    }

    fn value(&mut self) -> Result<Value, SearchError> {
        let Some(tok) = self.peek().cloned() else {
            return Err(self.unexpected("a value"));
        };
        let value = match tok.kind {
            TokKind::Bare { raw, .. } if is_reserved(&raw) => {
                return Err(SearchError::syn(
                    tok.span,
                    format!("keyword `{raw}` cannot be a value"),
                )
                .with_hint(format!("quote it to search for the word: '{raw}'")));
            }
            TokKind::Bare { parts, .. } => {
                let form = if !parts.contains(&Part::Star) && is_number(&parts_text(&parts)) {
                    ValueForm::Number
                } else {
                    ValueForm::Bare
                };
                Value {
                    form,
                    parts,
                    span: tok.span,
                }
            }
            TokKind::Single(parts) => Value {
                form: ValueForm::Single,
                parts,
                span: tok.span,
            },
            TokKind::Double(parts) => Value {
                form: ValueForm::Double,
                parts,
                span: tok.span,
            },
            TokKind::Back(_) => {
                return Err(
                    SearchError::syn(tok.span, "backticks quote names, not values")
                        .with_hint("quote values with '…' or \"…\""),
                );
            }
            _ => return Err(self.unexpected("a value")),
        };
        self.pos += 1;
        Ok(value)
    }

    fn at_group_value_start(&self) -> bool {
        match self.peek_kind(0) {
            Some(TokKind::Bare { raw, .. }) => {
                !raw.eq_ignore_ascii_case("or") && !raw.eq_ignore_ascii_case("and")
            }
            Some(TokKind::Single(_) | TokKind::Double(_) | TokKind::LParen) => true,
            _ => false,
        }
    }

    fn v_or(&mut self) -> Result<Group, SearchError> {
        let start = self.here();
        let mut items = vec![self.v_and()?];
        loop {
            if self.eat_kw("or") || self.at_group_value_start() {
                items.push(self.v_and()?);
            } else {
                break;
            }
        }
        if items.len() == 1 {
            return Ok(items.remove(0).0);
        }
        if items.iter().any(|(_, composite)| *composite) {
            let span = start.to(self.toks[self.pos - 1].span);
            self.warn(
                WarningCode::Prec,
                span,
                "`and` is mixed with `or`/juxtaposition in one value group; add parentheses",
            );
        }
        Ok(Group::Or(items.into_iter().map(|(g, _)| g).collect()))
    }

    fn v_and(&mut self) -> Result<(Group, bool), SearchError> {
        let mut items = vec![self.v_unary()?];
        while self.eat_kw("and") {
            items.push(self.v_unary()?);
        }
        Ok(if items.len() == 1 {
            (items.remove(0), false)
        } else {
            (Group::And(items), true)
        })
    }

    fn v_unary(&mut self) -> Result<Group, SearchError> {
        if self.eat_kw("not") {
            return Ok(Group::Not(Box::new(self.v_unary()?)));
        }
        if self.eat(&TokKind::LParen) {
            let inner = self.v_or()?;
            self.expect(TokKind::RParen, "`)`")?;
            return Ok(inner);
        }
        let value = self.value()?;
        if matches!(
            self.peek_kind(0),
            Some(
                TokKind::Colon
                    | TokKind::Eq
                    | TokKind::EqEq
                    | TokKind::Ne
                    | TokKind::Lt
                    | TokKind::Le
                    | TokKind::Gt
                    | TokKind::Ge
            )
        ) {
            return Err(SearchError::syn(
                self.here(),
                "only values may appear inside a value group",
            )
            .with_hint("close the group before the next field predicate"));
        }
        Ok(Group::Value(value))
    }

    // ---------- stages ----------

    fn stage(&mut self) -> Result<Stage, SearchError> {
        let Some(tok) = self.bump() else {
            return Err(self.unexpected("a stage name after `|`"));
        };
        let TokKind::Bare { raw, .. } = &tok.kind else {
            self.pos -= 1;
            return Err(self.unexpected("a stage name after `|`"));
        };
        let span = tok.span;
        let name = raw.to_ascii_lowercase();
        let op = match name.as_str() {
            "stats" => self.stats()?,
            "groupbycount" => StageOp::GroupByCount(self.args()?),
            "count" => {
                if self.eat(&TokKind::LParen) {
                    self.expect(TokKind::RParen, "`)`: the `count` stage takes no column")?;
                }
                StageOp::Count
            }
            "countdistinct" => StageOp::CountDistinct(self.args()?),
            "min" | "max" => {
                let func = if name == "min" {
                    AggFunc::Min
                } else {
                    AggFunc::Max
                };
                StageOp::Single(AggCall {
                    func,
                    percent: None,
                    args: self.args()?,
                    span,
                })
            }
            "avg" | "sum" | "var" => {
                let func = AggFunc::from_name(&name).unwrap_or(AggFunc::Avg);
                let args = self.args()?;
                if args.len() != 1 {
                    return Err(SearchError::syn(
                        args[1].span,
                        format!("`{name}` takes one column"),
                    ));
                }
                StageOp::Single(AggCall {
                    func,
                    percent: None,
                    args,
                    span,
                })
            }
            "percentile" => {
                self.expect(TokKind::LParen, "`(` after `percentile`")?;
                StageOp::Single(self.agg_args(AggFunc::Percentile, span, false)?)
            }
            "where" => {
                if self.at_stage_end() {
                    return Err(self.unexpected("a condition after `where`"));
                }
                StageOp::Where(self.or_expr(Ctx::Where)?)
            }
            "eval" => StageOp::Eval(self.wrapped(Self::assigns)?),
            "rename" => StageOp::Rename(self.wrapped(Self::renames)?),
            "table" => StageOp::Table(self.args()?),
            "head" | "tail" => {
                let n = self.head_count()?;
                if name == "head" {
                    StageOp::Head(n)
                } else {
                    StageOp::Tail(n)
                }
            }
            "sort" => StageOp::Sort(self.sort_keys()?),
            _ => {
                return Err(SearchError::syn(span, format!("unknown stage `{raw}`"))
                    .with_hint(format!("stages are: {STAGES}")));
            }
        };
        Ok(Stage { op, span })
    }

    /// Parses `( list )` or `list`.
    fn wrapped<T>(
        &mut self,
        list: fn(&mut Self) -> Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        if self.eat(&TokKind::LParen) {
            let out = list(self)?;
            self.expect(TokKind::RParen, "`)`")?;
            Ok(out)
        } else {
            list(self)
        }
    }

    fn args(&mut self) -> Result<Vec<Name>, SearchError> {
        self.wrapped(Self::cols)
    }

    fn cols(&mut self) -> Result<Vec<Name>, SearchError> {
        let mut cols = vec![self.col()?];
        while self.eat(&TokKind::Comma) {
            cols.push(self.col()?);
        }
        Ok(cols)
    }

    fn col(&mut self) -> Result<Name, SearchError> {
        match self.peek().cloned() {
            Some(Token {
                kind: TokKind::Bare { raw, parts },
                span,
            }) if !is_stage_keyword(&raw) => {
                self.pos += 1;
                Ok(Name {
                    text: parts_text(&parts),
                    span,
                })
            }
            Some(Token {
                kind: TokKind::Back(text),
                span,
            }) => {
                self.pos += 1;
                Ok(Name { text, span })
            }
            Some(Token {
                kind: TokKind::Single(_) | TokKind::Double(_),
                span,
            }) => Err(
                SearchError::syn(span, "a quoted string cannot be a column name")
                    .with_hint("quote column names with backticks: `name`"),
            ),
            Some(Token {
                kind: TokKind::Bare { raw, .. },
                span,
            }) => Err(SearchError::syn(
                span,
                format!("expected a column name, found keyword `{raw}`"),
            )
            .with_hint(format!("quote the column with backticks: `{raw}`"))),
            _ => Err(self.unexpected("a column name")),
        }
    }

    /// A name that becomes an output column (alias, eval or rename target).
    fn target(&mut self) -> Result<Name, SearchError> {
        let name = self.col()?;
        check_target(&name)?;
        Ok(name)
    }

    fn stats(&mut self) -> Result<StageOp, SearchError> {
        let mut items = Vec::new();
        if self.peek_kind(0) == Some(&TokKind::LParen) {
            self.pos += 1;
            items = self.items()?;
            self.expect(TokKind::RParen, "`)` to close the stats items")?;
        } else if !self.at_stage_end() && !self.at_kw("by") {
            items = self.items()?;
        }
        let by = if self.eat_kw("by") {
            self.cols()?
        } else {
            Vec::new()
        };
        Ok(StageOp::Stats { items, by })
    }

    fn items(&mut self) -> Result<Vec<StatsItem>, SearchError> {
        let mut items = vec![self.item()?];
        while self.eat(&TokKind::Comma) {
            items.push(self.item()?);
        }
        Ok(items)
    }

    fn item(&mut self) -> Result<StatsItem, SearchError> {
        let kind = match self.peek().cloned() {
            Some(Token {
                kind: TokKind::Bare { raw, .. },
                span,
            }) if self.next_is_adjacent_paren() => {
                let Some(func) = AggFunc::from_name(&raw) else {
                    return Err(SearchError::new(ErrorCode::Fn, Some(span), format!("unknown aggregation `{raw}`"))
                        .with_hint("aggregations are: count, countdistinct, min, max, avg, sum, var, percentile"));
                };
                self.pos += 2;
                ItemKind::Agg(self.agg_args(func, span, true)?)
            }
            _ => ItemKind::Column(self.col()?),
        };
        let alias = if self.eat_kw("as") {
            Some(self.target()?)
        } else {
            None
        };
        Ok(StatsItem { kind, alias })
    }

    /// Parses an aggregation's arguments after its `(`, through the closing `)`.
    fn agg_args(
        &mut self,
        func: AggFunc,
        span: Span,
        in_stats: bool,
    ) -> Result<AggCall, SearchError> {
        let mut call = AggCall {
            func,
            percent: None,
            args: Vec::new(),
            span,
        };
        match func {
            AggFunc::Count => {
                let star =
                    matches!(self.peek_kind(0), Some(TokKind::Bare { raw, .. }) if raw == "*");
                if star {
                    self.pos += 1;
                } else if self.peek_kind(0) != Some(&TokKind::RParen) {
                    call.args.push(self.col()?);
                }
            }
            AggFunc::CountDistinct => call.args = self.cols()?,
            AggFunc::Percentile => {
                let p = match self.peek().cloned() {
                    Some(Token {
                        kind: TokKind::Bare { raw, .. },
                        span,
                    }) if is_number(&raw) => {
                        let value: f64 = raw.parse().unwrap_or(f64::NAN);
                        if !(0.0..=100.0).contains(&value) {
                            return Err(SearchError::syn(
                                span,
                                format!("percentile {raw} is outside 0 to 100"),
                            ));
                        }
                        raw
                    }
                    _ => return Err(self.unexpected("a percentile between 0 and 100")),
                };
                self.pos += 1;
                call.percent = Some(p);
                self.expect(TokKind::Comma, "`,` after the percentile")?;
                call.args.push(self.col()?);
            }
            AggFunc::Min | AggFunc::Max if !in_stats => call.args = self.cols()?,
            _ => {
                call.args.push(self.col()?);
                if self.peek_kind(0) == Some(&TokKind::Comma) {
                    return Err(SearchError::syn(
                        self.here(),
                        format!("`{}` takes one column here", func.name()),
                    )
                    .with_hint("use one aggregation per column"));
                }
            }
        }
        self.expect(TokKind::RParen, "`)`")?;
        Ok(call)
    }

    fn assigns(&mut self) -> Result<Vec<Assign>, SearchError> {
        let mut out = Vec::new();
        loop {
            let name = self.target()?;
            self.expect(TokKind::Eq, "`=` after the eval target")?;
            let expr = self.s_or()?;
            out.push(Assign { name, expr });
            if !self.eat(&TokKind::Comma) {
                return Ok(out);
            }
        }
    }

    fn renames(&mut self) -> Result<Vec<(Name, Name)>, SearchError> {
        let mut out = Vec::new();
        loop {
            let from = self.col()?;
            if !self.eat_kw("as") {
                return Err(self.unexpected("`as` in `rename old as new`"));
            }
            let to = self.target()?;
            out.push((from, to));
            if !self.eat(&TokKind::Comma) {
                return Ok(out);
            }
        }
    }

    fn head_count(&mut self) -> Result<u64, SearchError> {
        let parens = self.eat(&TokKind::LParen);
        let n = match self.peek().cloned() {
            Some(Token {
                kind: TokKind::Bare { raw, .. },
                span,
            }) if is_number(&raw) || raw.starts_with('-') => {
                self.pos += 1;
                match raw.parse::<u64>() {
                    Ok(n) if n >= 1 => {
                        if n > 10_000 {
                            self.warn(
                                WarningCode::Cap,
                                span,
                                "Scanner caps head/tail at 10000 rows; trawl returns all",
                            );
                        }
                        n
                    }
                    _ => {
                        return Err(SearchError::syn(
                            span,
                            format!("row count `{raw}` must be an integer of at least 1"),
                        ));
                    }
                }
            }
            _ if parens => return Err(self.unexpected("a row count")),
            _ => 10,
        };
        if parens {
            self.expect(TokKind::RParen, "`)`")?;
        }
        Ok(n)
    }

    fn sort_keys(&mut self) -> Result<Vec<SortKey>, SearchError> {
        let mut keys = Vec::new();
        loop {
            let col = self.col()?;
            let desc = if self.eat_kw("desc") {
                true
            } else {
                self.eat_kw("asc");
                false
            };
            keys.push(SortKey { col, desc });
            if !self.eat(&TokKind::Comma) {
                return Ok(keys);
            }
        }
    }

    // ---------- scalar expressions ----------

    fn at_op(&self, ops: &[&str]) -> Option<String> {
        match self.peek_kind(0) {
            Some(TokKind::Bare { raw, .. }) if ops.contains(&raw.as_str()) => Some(raw.clone()),
            _ => None,
        }
    }

    fn s_or(&mut self) -> Result<SExpr, SearchError> {
        let mut left = self.s_and()?;
        while self.eat_kw("or") {
            left = SExpr::Binary(BinOp::Or, Box::new(left), Box::new(self.s_and()?));
        }
        Ok(left)
    }

    fn s_and(&mut self) -> Result<SExpr, SearchError> {
        let mut left = self.s_not()?;
        while self.eat_kw("and") {
            left = SExpr::Binary(BinOp::And, Box::new(left), Box::new(self.s_not()?));
        }
        Ok(left)
    }

    fn s_not(&mut self) -> Result<SExpr, SearchError> {
        if self.eat_kw("not") {
            return Ok(SExpr::Not(Box::new(self.s_not()?)));
        }
        self.s_cmp()
    }

    fn s_cmp(&mut self) -> Result<SExpr, SearchError> {
        let left = self.s_add()?;
        let op = match self.peek_kind(0) {
            Some(TokKind::EqEq) => BinOp::Eq,
            Some(TokKind::Ne) => BinOp::Ne,
            Some(TokKind::Lt) => BinOp::Lt,
            Some(TokKind::Le) => BinOp::Le,
            Some(TokKind::Gt) => BinOp::Gt,
            Some(TokKind::Ge) => BinOp::Ge,
            _ => return Ok(left),
        };
        self.pos += 1;
        Ok(SExpr::Binary(op, Box::new(left), Box::new(self.s_add()?)))
    }

    fn s_add(&mut self) -> Result<SExpr, SearchError> {
        let mut left = self.s_mul()?;
        while let Some(op) = self.at_op(&["+", "-"]) {
            self.pos += 1;
            let op = if op == "+" { BinOp::Add } else { BinOp::Sub };
            left = SExpr::Binary(op, Box::new(left), Box::new(self.s_mul()?));
        }
        Ok(left)
    }

    fn s_mul(&mut self) -> Result<SExpr, SearchError> {
        let mut left = self.s_neg()?;
        while let Some(op) = self.at_op(&["*", "/"]) {
            self.pos += 1;
            let op = if op == "*" { BinOp::Mul } else { BinOp::Div };
            left = SExpr::Binary(op, Box::new(left), Box::new(self.s_neg()?));
        }
        Ok(left)
    }

    fn s_neg(&mut self) -> Result<SExpr, SearchError> {
        if self.at_op(&["-"]).is_some() {
            self.pos += 1;
            return Ok(SExpr::Neg(Box::new(self.s_neg()?)));
        }
        self.s_atom()
    }

    fn s_atom(&mut self) -> Result<SExpr, SearchError> {
        let Some(tok) = self.peek().cloned() else {
            return Err(self.unexpected("an expression"));
        };
        let expr = match tok.kind {
            TokKind::LParen => {
                self.pos += 1;
                let inner = self.s_or()?;
                self.expect(TokKind::RParen, "`)`")?;
                return Ok(inner);
            }
            TokKind::Single(parts) => SExpr::Str {
                text: parts_text(&parts),
                single: true,
            },
            TokKind::Double(parts) => SExpr::Str {
                text: parts_text(&parts),
                single: false,
            },
            TokKind::Back(text) => SExpr::Ref(Name {
                text,
                span: tok.span,
            }),
            TokKind::Bare { raw, parts } => {
                let text = parts_text(&parts);
                if self.next_is_adjacent_paren() && !is_operator_word(&raw) {
                    return self.call(&raw, tok.span);
                }
                if is_reserved(&raw) || is_operator_word(&raw) {
                    return Err(SearchError::syn(
                        tok.span,
                        format!("expected an expression, found `{raw}`"),
                    )
                    .with_hint("surround operators with spaces; quote names with backticks"));
                }
                if is_number(&text) && !parts.contains(&Part::Star) {
                    SExpr::Number(text)
                } else if raw.eq_ignore_ascii_case("true") {
                    SExpr::Bool(true)
                } else if raw.eq_ignore_ascii_case("false") {
                    SExpr::Bool(false)
                } else if raw.eq_ignore_ascii_case("null") {
                    SExpr::Null
                } else {
                    SExpr::Ref(Name {
                        text,
                        span: tok.span,
                    })
                }
            }
            _ => return Err(self.unexpected("an expression")),
        };
        self.pos += 1;
        Ok(expr)
    }

    fn call(&mut self, raw: &str, span: Span) -> Result<SExpr, SearchError> {
        let Some(func) = ScalarFunc::from_name(raw) else {
            return Err(SearchError::new(
                ErrorCode::Fn,
                Some(span),
                format!("unknown function `{raw}`"),
            )
            .with_hint(format!("functions are: {}", ScalarFunc::names().join(", "))));
        };
        self.pos += 2;
        let mut args = Vec::new();
        if !self.eat(&TokKind::RParen) {
            loop {
                args.push(self.s_or()?);
                if self.eat(&TokKind::Comma) {
                    continue;
                }
                self.expect(TokKind::RParen, "`,` or `)`")?;
                break;
            }
        }
        let (min, max) = func.arity();
        if args.len() < min || args.len() > max {
            let want = if min == max {
                format!("{min}")
            } else {
                format!("at least {min}")
            };
            return Err(SearchError::new(
                ErrorCode::Fn,
                Some(span),
                format!(
                    "`{}` takes {want} argument(s), got {}",
                    func.name(),
                    args.len()
                ),
            ));
        }
        Ok(SExpr::Call { func, args, span })
    }
}

/// Rejects output names in the reserved `@q.` namespace.
pub(crate) fn check_target(name: &Name) -> Result<(), SearchError> {
    if name.text.len() >= 3 && name.text[..3].eq_ignore_ascii_case("@q.") {
        return Err(SearchError::new(
            ErrorCode::Name,
            Some(name.span),
            format!(
                "`{}` is reserved: names starting with `@q.` are trawl's outputs",
                name.text
            ),
        )
        .with_hint("choose another name"));
    }
    Ok(())
}

fn is_operator_word(raw: &str) -> bool {
    !raw.is_empty() && raw.chars().all(|c| matches!(c, '+' | '-' | '*' | '/'))
}

fn is_stage_keyword(raw: &str) -> bool {
    is_reserved(raw) || raw.eq_ignore_ascii_case("by") || raw.eq_ignore_ascii_case("as")
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn describe(kind: &TokKind) -> String {
    match kind {
        TokKind::Pipe => "|".into(),
        TokKind::LParen => "(".into(),
        TokKind::RParen => ")".into(),
        TokKind::Comma => ",".into(),
        TokKind::LBrace => "{".into(),
        TokKind::RBrace => "}".into(),
        TokKind::Colon => ":".into(),
        TokKind::Eq => "=".into(),
        TokKind::EqEq => "==".into(),
        TokKind::Ne => "!=".into(),
        TokKind::Lt => "<".into(),
        TokKind::Le => "<=".into(),
        TokKind::Gt => ">".into(),
        TokKind::Ge => ">=".into(),
        TokKind::Bare { raw, .. } => raw.clone(),
        TokKind::Single(p) => format!("'{}'", parts_text(p)),
        TokKind::Double(p) => format!("\"{}\"", parts_text(p)),
        TokKind::Back(t) => format!("`{t}`"),
    }
}

#[cfg(test)]
mod tests;
