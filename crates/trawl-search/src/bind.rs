//! Parameters bound into a parsed query, never spliced into its text.
//!
//! A parameter is written the way Scanner's notebooks wrote their f-string holes: a quoted value
//! whose whole content is `{name}`, e.g. `"{user_identity_name}"`. [`Query::bind`] replaces such
//! values in the AST by the bound text as one literal — no wildcard, no quote, no operator in the
//! value can act as syntax, because the value never goes through the lexer.

use std::collections::BTreeMap;

use crate::ast::{Filter, Group, Part, Query, Rhs, SExpr, StageOp, Value, ValueForm};
use crate::error::{ErrorCode, SearchError, Span};

impl Query {
    /// Binds every `"{name}"` / `'{name}'` value (and `"{name}"` string in `eval`) to
    /// `params[name]`. A placeholder without a value is an `E-PARAM` error; values without a
    /// placeholder are ignored.
    pub fn bind(&mut self, params: &BTreeMap<String, String>) -> Result<(), SearchError> {
        let mut binder = Binder {
            params,
            missing: None,
        };
        if let Some(filter) = &mut self.filter {
            binder.filter(filter);
        }
        for stage in &mut self.stages {
            match &mut stage.op {
                StageOp::Where(filter) => binder.filter(filter),
                StageOp::Eval(assigns) => assigns.iter_mut().for_each(|a| binder.expr(&mut a.expr)),
                _ => {}
            }
        }
        match binder.missing {
            None => Ok(()),
            Some((name, span)) => Err(SearchError::new(
                ErrorCode::Param,
                span,
                format!("no value was bound for the parameter `{name}`"),
            )
            .with_hint(format!("pass --param {name}=VALUE"))
            .with_source(&self.source)),
        }
    }
}

struct Binder<'a> {
    params: &'a BTreeMap<String, String>,
    missing: Option<(String, Option<Span>)>,
}

impl Binder<'_> {
    fn filter(&mut self, filter: &mut Filter) {
        match filter {
            Filter::And(items) | Filter::Or(items) => items.iter_mut().for_each(|f| self.filter(f)),
            Filter::Not(inner) => self.filter(inner),
            Filter::Term(value) => self.value(value),
            Filter::Pred(pred) => match &mut pred.rhs {
                Rhs::Value(value) => self.value(value),
                Rhs::Group(group) => self.group(group),
                Rhs::Index { .. } => {}
            },
        }
    }

    fn group(&mut self, group: &mut Group) {
        match group {
            Group::And(items) | Group::Or(items) => items.iter_mut().for_each(|g| self.group(g)),
            Group::Not(inner) => self.group(inner),
            Group::Value(value) => self.value(value),
        }
    }

    fn value(&mut self, value: &mut Value) {
        if !matches!(value.form, ValueForm::Single | ValueForm::Double) {
            return;
        }
        if let [Part::Lit(text)] = value.parts.as_slice()
            && let Some(bound) = self.lookup(text, Some(value.span))
        {
            value.parts = vec![Part::Lit(bound)];
        }
    }

    fn expr(&mut self, expr: &mut SExpr) {
        match expr {
            SExpr::Str { text, .. } => {
                if let Some(bound) = self.lookup(text, None) {
                    *text = bound;
                }
            }
            SExpr::Call { args, .. } => args.iter_mut().for_each(|a| self.expr(a)),
            SExpr::Neg(inner) => self.expr(inner),
            _ => {}
        }
    }

    /// The value of the placeholder `text`, when it is one (`{identifier}`).
    fn lookup(&mut self, text: &str, span: Option<Span>) -> Option<String> {
        let name = placeholder(text)?;
        let value = self.params.get(name).cloned();
        if value.is_none() && self.missing.is_none() {
            self.missing = Some((name.to_string(), span));
        }
        value
    }
}

/// `{name}` → `name`, when `name` is an identifier.
fn placeholder(text: &str) -> Option<&str> {
    let name = text.strip_prefix('{')?.strip_suffix('}')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    ((first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn bound(text: &str, name: &str, value: &str) -> Result<Query, SearchError> {
        let mut q = parse(text).unwrap();
        q.bind(&BTreeMap::from([(name.to_string(), value.to_string())]))?;
        Ok(q)
    }

    #[test]
    fn a_value_is_one_literal_whatever_it_holds() {
        let evil = r#"x" OR eventName: * | stats count() by *"#;
        let q = bound(r#"errorCode: * "{user}" | count"#, "user", evil).unwrap();
        let Some(Filter::And(items)) = &q.filter else {
            panic!("{:?}", q.filter)
        };
        assert_eq!(
            items[1],
            Filter::Term(Value {
                form: ValueForm::Double,
                parts: vec![Part::Lit(evil.to_string())],
                span: Span::default(),
            })
        );
        assert_eq!(q.stages.len(), 1);
    }

    #[test]
    fn placeholders_bind_in_predicates_groups_where_and_eval() {
        let text =
            r#"userIdentity.userName: ("{u}" or 'x') | where eventName = '{u}' | eval who = "{u}""#;
        let q = bound(text, "u", "alice*").unwrap();
        let printed = q.to_string();
        assert!(!printed.contains("{u}"), "{printed}");
        assert_eq!(printed.matches(r"alice\*").count(), 3, "{printed}");
    }

    #[test]
    fn a_missing_value_is_an_error_naming_the_parameter() {
        let err = bound(r#""{user}""#, "other", "x").unwrap_err();
        assert_eq!(err.code, ErrorCode::Param);
        assert!(err.to_string().contains("--param user=VALUE"), "{err}");
    }

    #[test]
    fn unquoted_or_partial_braces_are_not_placeholders() {
        let q = bound(r#""a{user}" "{not an ident}""#, "user", "x").unwrap();
        assert!(q.to_string().contains("a{user}"));
    }
}
