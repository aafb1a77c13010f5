//! The syntax tree of a query, and a printer that writes its canonical text.
//!
//! Printing then parsing gives back an equal tree; spans never take part in equality.

use std::fmt::{self, Display, Formatter, Write};

use crate::error::{Span, Warning};
use crate::lexer::is_delimiter;

/// A piece of a value pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Part {
    /// Literal text.
    Lit(String),
    /// An unescaped `*`: any run of characters.
    Star,
}

/// How a value was written; it decides case sensitivity and number handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueForm {
    /// A bare word (case-insensitive).
    Bare,
    /// A bare word that is a number literal; matches as text and numerically.
    Number,
    /// `'…'` (case-insensitive).
    Single,
    /// `"…"` (case-sensitive).
    Double,
}

/// A value: a free-text term or the right-hand side of a field predicate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Value {
    /// How it was written.
    pub form: ValueForm,
    /// Literal pieces and wildcards.
    pub parts: Vec<Part>,
    /// Where it was written.
    pub span: Span,
}

impl Value {
    /// True for the value `*` (exists / always true).
    pub fn is_star(&self) -> bool {
        self.parts.len() == 1 && self.parts[0] == Part::Star
    }

    /// True when the value contains a wildcard.
    pub fn has_wildcard(&self) -> bool {
        self.parts.contains(&Part::Star)
    }

    /// The value's text with wildcards as `*`.
    pub fn text(&self) -> String {
        crate::lexer::parts_text(&self.parts)
    }

    /// The numeric value of a number literal.
    pub fn number(&self) -> Option<f64> {
        match self.form {
            ValueForm::Number => self.text().parse().ok(),
            _ => None,
        }
    }

    /// True when matching ignores ASCII case.
    pub fn case_insensitive(&self) -> bool {
        self.form != ValueForm::Double
    }
}

/// A field, column or alias name, as written (without backticks or escapes).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name {
    /// The name.
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

/// A boolean formula: the filter, or a `where` condition.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Filter {
    /// All hold (explicit `and` or juxtaposition).
    And(Vec<Filter>),
    /// Any holds.
    Or(Vec<Filter>),
    /// Negation.
    Not(Box<Filter>),
    /// A free-text term.
    Term(Value),
    /// A field predicate.
    Pred(Pred),
}

/// `field op rhs`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pred {
    /// The field path or column name.
    pub field: Name,
    /// The operator.
    pub op: PredOp,
    /// The right-hand side.
    pub rhs: Rhs,
}

/// A field predicate's operator (`==` is read as `=`, `a != b` as `not a = b`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PredOp {
    /// `:` token containment.
    Contains,
    /// `=` whole-value equality.
    Equals,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl PredOp {
    fn symbol(self) -> &'static str {
        match self {
            PredOp::Contains => ":",
            PredOp::Equals => "=",
            PredOp::Lt => "<",
            PredOp::Le => "<=",
            PredOp::Gt => ">",
            PredOp::Ge => ">=",
        }
    }
}

/// The right-hand side of a field predicate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Rhs {
    /// One value (a number literal for comparisons).
    Value(Value),
    /// A value group `( … )`.
    Group(Group),
    /// `@index={uuid | "alias"}`.
    Index {
        /// The dataset UUID (ignored offline).
        uuid: String,
        /// The dataset alias.
        alias: String,
    },
}

/// A formula of values inside `f: ( … )`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Group {
    /// All hold.
    And(Vec<Group>),
    /// Any holds (explicit `or` or juxtaposition).
    Or(Vec<Group>),
    /// Negation.
    Not(Box<Group>),
    /// `f op value`.
    Value(Value),
}

/// An aggregation function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AggFunc {
    /// `count()` / `count(col)`.
    Count,
    /// `countdistinct(c, …)`.
    CountDistinct,
    /// `min(c)`.
    Min,
    /// `max(c)`.
    Max,
    /// `avg(c)`.
    Avg,
    /// `sum(c)`.
    Sum,
    /// `var(c)`.
    Var,
    /// `percentile(p, c)`.
    Percentile,
}

impl AggFunc {
    /// The function's canonical (lower-case) name.
    pub fn name(self) -> &'static str {
        match self {
            AggFunc::Count => "count",
            AggFunc::CountDistinct => "countdistinct",
            AggFunc::Min => "min",
            AggFunc::Max => "max",
            AggFunc::Avg => "avg",
            AggFunc::Sum => "sum",
            AggFunc::Var => "var",
            AggFunc::Percentile => "percentile",
        }
    }

    /// Looks a function up by name, ignoring case.
    pub fn from_name(name: &str) -> Option<AggFunc> {
        let all = [
            AggFunc::Count,
            AggFunc::CountDistinct,
            AggFunc::Min,
            AggFunc::Max,
            AggFunc::Avg,
            AggFunc::Sum,
            AggFunc::Var,
            AggFunc::Percentile,
        ];
        all.into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }
}

/// An aggregation call.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AggCall {
    /// The function.
    pub func: AggFunc,
    /// `percentile`'s first argument, as written.
    pub percent: Option<String>,
    /// The column arguments.
    pub args: Vec<Name>,
    /// Where it was written.
    pub span: Span,
}

impl AggCall {
    /// The canonical text that names an unaliased aggregation, e.g. `percentile(90, b)`.
    pub fn canonical(&self) -> String {
        let mut args: Vec<String> = self.percent.iter().cloned().collect();
        args.extend(self.args.iter().map(|a| a.text.clone()));
        format!("{}({})", self.func.name(), args.join(", "))
    }
}

impl Display for AggCall {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.func.name())?;
        let mut first = true;
        if let Some(p) = &self.percent {
            f.write_str(p)?;
            first = false;
        }
        for a in &self.args {
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            write_name(f, &a.text)?;
        }
        f.write_char(')')
    }
}

/// One item of a `stats` stage.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatsItem {
    /// An aggregation or a bare column.
    pub kind: ItemKind,
    /// `as name`.
    pub alias: Option<Name>,
}

/// What a `stats` item computes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// An aggregation call.
    Agg(AggCall),
    /// A bare column (the smallest non-null value per group).
    Column(Name),
}

/// A scalar expression in `eval`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SExpr {
    /// A number literal, as written.
    Number(String),
    /// A string literal.
    Str {
        /// Its text.
        text: String,
        /// Written with single quotes (an extension).
        single: bool,
    },
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A path (events) or column name (tables).
    Ref(Name),
    /// A function call.
    Call {
        /// The function.
        func: ScalarFunc,
        /// Its arguments.
        args: Vec<SExpr>,
        /// Where the function name was written.
        span: Span,
    },
    /// Unary minus.
    Neg(Box<SExpr>),
    /// `not`.
    Not(Box<SExpr>),
    /// A binary operation.
    Binary(BinOp, Box<SExpr>, Box<SExpr>),
}

/// A binary operator of `eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// A scalar function of `eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarFunc {
    /// `if(c, a, b)`
    If,
    /// `coalesce(x, …)`
    Coalesce,
    /// `math.abs(x)`
    Abs,
    /// `math.round(x)`
    Round,
    /// `math.floor(x)` (extension)
    Floor,
    /// `math.ceil(x)` (extension)
    Ceil,
    /// `lower(s)` (extension)
    Lower,
    /// `upper(s)` (extension)
    Upper,
    /// `len(s)` (extension)
    Len,
    /// `concat(s, …)` (extension)
    Concat,
    /// `to_number(x)` (extension)
    ToNumber,
    /// `to_string(x)` (extension)
    ToString,
}

impl ScalarFunc {
    const ALL: [ScalarFunc; 12] = [
        ScalarFunc::If,
        ScalarFunc::Coalesce,
        ScalarFunc::Abs,
        ScalarFunc::Round,
        ScalarFunc::Floor,
        ScalarFunc::Ceil,
        ScalarFunc::Lower,
        ScalarFunc::Upper,
        ScalarFunc::Len,
        ScalarFunc::Concat,
        ScalarFunc::ToNumber,
        ScalarFunc::ToString,
    ];

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            ScalarFunc::If => "if",
            ScalarFunc::Coalesce => "coalesce",
            ScalarFunc::Abs => "math.abs",
            ScalarFunc::Round => "math.round",
            ScalarFunc::Floor => "math.floor",
            ScalarFunc::Ceil => "math.ceil",
            ScalarFunc::Lower => "lower",
            ScalarFunc::Upper => "upper",
            ScalarFunc::Len => "len",
            ScalarFunc::Concat => "concat",
            ScalarFunc::ToNumber => "to_number",
            ScalarFunc::ToString => "to_string",
        }
    }

    /// Looks a function up by name, ignoring case.
    pub fn from_name(name: &str) -> Option<ScalarFunc> {
        Self::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// All function names, for error messages.
    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|f| f.name()).collect()
    }

    /// Allowed argument counts: (minimum, maximum).
    pub fn arity(self) -> (usize, usize) {
        match self {
            ScalarFunc::If => (3, 3),
            ScalarFunc::Coalesce | ScalarFunc::Concat => (1, usize::MAX),
            _ => (1, 1),
        }
    }

    /// True for functions that Scanner does not have (rejected in strict mode).
    pub fn is_extension(self) -> bool {
        !matches!(
            self,
            ScalarFunc::If | ScalarFunc::Coalesce | ScalarFunc::Abs | ScalarFunc::Round
        )
    }
}

/// One `name = expr` of `eval`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Assign {
    /// The target name.
    pub name: Name,
    /// The expression.
    pub expr: SExpr,
}

/// A `sort` key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortKey {
    /// The column.
    pub col: Name,
    /// Descending order.
    pub desc: bool,
}

/// One pipeline stage and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Stage {
    /// What the stage does.
    pub op: StageOp,
    /// Where its name was written.
    pub span: Span,
}

/// The pipeline stages (§4).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StageOp {
    /// `stats items by cols`.
    Stats {
        /// Aggregations and bare columns.
        items: Vec<StatsItem>,
        /// Group keys.
        by: Vec<Name>,
    },
    /// `groupbycount cols`.
    GroupByCount(Vec<Name>),
    /// `count`.
    Count,
    /// `countdistinct cols`.
    CountDistinct(Vec<Name>),
    /// A single aggregation stage: `max(c)`, `min(a, b)`, `avg(c)`, `percentile(p, c)` …
    Single(AggCall),
    /// `where cond`.
    Where(Filter),
    /// `eval a = x, …`.
    Eval(Vec<Assign>),
    /// `rename a as b, …`.
    Rename(Vec<(Name, Name)>),
    /// `table cols`.
    Table(Vec<Name>),
    /// `head n`.
    Head(u64),
    /// `tail n`.
    Tail(u64),
    /// `sort keys` (extension).
    Sort(Vec<SortKey>),
}

/// A parsed query: a filter and stages.
#[derive(Debug, Clone)]
pub struct Query {
    /// The filter; `None` for an empty filter (all events).
    pub filter: Option<Filter>,
    /// The stages, in order.
    pub stages: Vec<Stage>,
    /// Warnings found while parsing (`W-PREC`, `W-INDEX`, `W-CAP`).
    pub warnings: Vec<Warning>,
    /// The query text as given.
    pub source: String,
}

impl PartialEq for Query {
    fn eq(&self, other: &Query) -> bool {
        self.filter == other.filter && self.stages == other.stages
    }
}

impl Eq for Query {}

const KEYWORDS: [&str; 9] = [
    "and", "or", "not", "by", "as", "asc", "desc", "true", "false",
];

/// True when `text` is a NUMBER (§6): `-?digits[.digits][e±digits]`.
pub fn is_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > s
    };
    if !digits(&mut i) {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// True for the reserved words `and`, `or`, `not` in any case.
pub fn is_reserved(text: &str) -> bool {
    ["and", "or", "not"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(text))
}

fn bare_safe_char(c: char) -> bool {
    !(c.is_control() || matches!(c, ' ' | '\t' | '\r' | '\n' | '\\') || is_delimiter(c))
}

fn write_name(f: &mut impl Write, name: &str) -> fmt::Result {
    let bare_ok = !name.is_empty()
        && name.chars().all(bare_safe_char)
        && !KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(name))
        && !name.eq_ignore_ascii_case("null")
        && !is_number(name)
        && !name.chars().all(|c| matches!(c, '+' | '-' | '*' | '/'));
    if bare_ok {
        return f.write_str(name);
    }
    f.write_char('`')?;
    for c in name.chars() {
        write_quoted_char(f, c, '`')?;
    }
    f.write_char('`')
}

fn write_quoted_char(f: &mut impl Write, c: char, quote: char) -> fmt::Result {
    match c {
        '\\' => f.write_str("\\\\"),
        '\n' => f.write_str("\\n"),
        '\t' => f.write_str("\\t"),
        '\r' => f.write_str("\\r"),
        c if c == quote => write!(f, "\\{c}"),
        c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32),
        c => f.write_char(c),
    }
}

impl Display for Name {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_name(f, &self.text)
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let quote = match self.form {
            ValueForm::Number => return f.write_str(&self.text()),
            ValueForm::Bare => {
                let text = self.text();
                let escape_first = is_reserved(&text);
                let mut first = true;
                for part in &self.parts {
                    match part {
                        Part::Star => f.write_char('*')?,
                        Part::Lit(s) => {
                            for c in s.chars() {
                                if (first && escape_first) || c == '*' || !bare_safe_char(c) {
                                    f.write_char('\\')?;
                                }
                                f.write_char(c)?;
                                first = false;
                            }
                        }
                    }
                    first = false;
                }
                return Ok(());
            }
            ValueForm::Single => '\'',
            ValueForm::Double => '"',
        };
        f.write_char(quote)?;
        for part in &self.parts {
            match part {
                Part::Star => f.write_char('*')?,
                Part::Lit(s) => {
                    for c in s.chars() {
                        if c == '*' {
                            f.write_str("\\*")?;
                        } else {
                            write_quoted_char(f, c, quote)?;
                        }
                    }
                }
            }
        }
        f.write_char(quote)
    }
}

impl Display for Filter {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Filter::And(items) => join(f, items, " and ", |x| {
                matches!(x, Filter::And(_) | Filter::Or(_))
            }),
            Filter::Or(items) => join(f, items, " or ", |x| matches!(x, Filter::Or(_))),
            Filter::Not(inner) => {
                f.write_str("not ")?;
                wrap(f, inner, matches!(**inner, Filter::And(_) | Filter::Or(_)))
            }
            Filter::Term(v) => v.fmt(f),
            Filter::Pred(p) => p.fmt(f),
        }
    }
}

impl Display for Group {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Group::And(items) => join(f, items, " and ", |x| {
                matches!(x, Group::And(_) | Group::Or(_))
            }),
            Group::Or(items) => join(f, items, " or ", |x| matches!(x, Group::Or(_))),
            Group::Not(inner) => {
                f.write_str("not ")?;
                wrap(f, inner, matches!(**inner, Group::And(_) | Group::Or(_)))
            }
            Group::Value(v) => v.fmt(f),
        }
    }
}

fn wrap(f: &mut Formatter<'_>, x: &impl Display, parens: bool) -> fmt::Result {
    if parens {
        write!(f, "({x})")
    } else {
        write!(f, "{x}")
    }
}

fn join<T: Display>(
    f: &mut Formatter<'_>,
    items: &[T],
    sep: &str,
    parens: impl Fn(&T) -> bool,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        wrap(f, item, parens(item))?;
    }
    Ok(())
}

impl Display for Pred {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ", self.field, self.op.symbol())?;
        match &self.rhs {
            Rhs::Value(v) => v.fmt(f),
            Rhs::Group(g) => write!(f, "({g})"),
            Rhs::Index { uuid, alias } => {
                write!(f, "{{{uuid} | ")?;
                Value {
                    form: ValueForm::Double,
                    parts: vec![Part::Lit(alias.clone())],
                    span: Span::default(),
                }
                .fmt(f)?;
                f.write_char('}')
            }
        }
    }
}

fn comma_names(f: &mut Formatter<'_>, names: &[Name]) -> fmt::Result {
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        n.fmt(f)?;
    }
    Ok(())
}

impl Display for SExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        // `not` is not an atom, so it needs parentheses wherever an operand is expected.
        let operand = |f: &mut Formatter<'_>, e: &SExpr| {
            wrap(f, e, matches!(e, SExpr::Binary(..) | SExpr::Not(_)))
        };
        match self {
            SExpr::Number(n) => f.write_str(n),
            SExpr::Str { text, single } => {
                let q = if *single { '\'' } else { '"' };
                f.write_char(q)?;
                for c in text.chars() {
                    if c == '*' {
                        f.write_str("\\*")?;
                    } else {
                        write_quoted_char(f, c, q)?;
                    }
                }
                f.write_char(q)
            }
            SExpr::Bool(b) => write!(f, "{b}"),
            SExpr::Null => f.write_str("null"),
            SExpr::Ref(n) => n.fmt(f),
            SExpr::Call { func, args, .. } => {
                write!(f, "{}(", func.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    a.fmt(f)?;
                }
                f.write_char(')')
            }
            SExpr::Neg(e) => {
                f.write_str("- ")?;
                operand(f, e)
            }
            SExpr::Not(e) => {
                f.write_str("not ")?;
                operand(f, e)
            }
            SExpr::Binary(op, l, r) => {
                operand(f, l)?;
                write!(f, " {} ", op.symbol())?;
                operand(f, r)
            }
        }
    }
}

impl Display for StageOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            StageOp::Stats { items, by } => {
                f.write_str("stats")?;
                for (i, item) in items.iter().enumerate() {
                    f.write_str(if i == 0 { " " } else { ", " })?;
                    match &item.kind {
                        ItemKind::Agg(call) => call.fmt(f)?,
                        ItemKind::Column(n) => n.fmt(f)?,
                    }
                    if let Some(alias) = &item.alias {
                        write!(f, " as {alias}")?;
                    }
                }
                if !by.is_empty() {
                    f.write_str(" by ")?;
                    comma_names(f, by)?;
                }
                Ok(())
            }
            StageOp::GroupByCount(cols) => {
                f.write_str("groupbycount ")?;
                comma_names(f, cols)
            }
            StageOp::Count => f.write_str("count"),
            StageOp::CountDistinct(cols) => {
                f.write_str("countdistinct ")?;
                comma_names(f, cols)
            }
            StageOp::Single(call) => call.fmt(f),
            StageOp::Where(cond) => write!(f, "where {cond}"),
            StageOp::Eval(assigns) => {
                f.write_str("eval ")?;
                for (i, a) in assigns.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{} = {}", a.name, a.expr)?;
                }
                Ok(())
            }
            StageOp::Rename(pairs) => {
                f.write_str("rename ")?;
                for (i, (from, to)) in pairs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{from} as {to}")?;
                }
                Ok(())
            }
            StageOp::Table(cols) => {
                f.write_str("table ")?;
                comma_names(f, cols)
            }
            StageOp::Head(n) => write!(f, "head {n}"),
            StageOp::Tail(n) => write!(f, "tail {n}"),
            StageOp::Sort(keys) => {
                f.write_str("sort ")?;
                for (i, k) in keys.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}{}", k.col, if k.desc { " desc" } else { "" })?;
                }
                Ok(())
            }
        }
    }
}

impl Display for Query {
    /// The canonical query text: one line, explicit `and`/`or`, minimal quoting.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(filter) = &self.filter {
            filter.fmt(f)?;
        }
        for (i, stage) in self.stages.iter().enumerate() {
            if i > 0 || self.filter.is_some() {
                f.write_char(' ')?;
            }
            write!(f, "| {}", stage.op)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        for ok in ["0", "-1", "1.5", "1e3", "2.5E-7", "1500.0"] {
            assert!(is_number(ok), "{ok}");
        }
        for bad in ["", "-", "1.", ".5", "1e", "10-1", "203.0.113.7", "1x"] {
            assert!(!is_number(bad), "{bad}");
        }
    }

    #[test]
    fn names_that_need_backticks() {
        let mut s = String::new();
        for n in ["eventName", "a b", "by", "10", "-", "x-amz-acl", "max(b)"] {
            write_name(&mut s, n).unwrap();
            s.push(' ');
        }
        assert_eq!(s, "eventName `a b` `by` `10` `-` x-amz-acl `max(b)` ");
    }
}
