//! Athena's `"$path"` pseudo-column.
//!
//! The views keep Athena's `SELECT *` column list, so `"$path"` is not one of their columns.
//! When a statement mentions `"$path"`, every reference to one of the CloudTrail views is
//! redirected to its twin in the `trawl` schema, which adds `"$path"` (the record's source
//! object, `_source_path`), keeping the name queries qualify columns with:
//! `FROM cloudtrail` → `FROM trawl."cloudtrail$path" AS cloudtrail`. Only in such a statement
//! does `SELECT *` also list `"$path"`. A column qualified with the schema
//! (`security_analysis.cloudtrail."$path"`) is not redirected; qualify with the table or an
//! alias instead.

use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{
    Expr, Ident, ObjectName, ObjectNamePart, TableAlias, TableFactor, VisitMut, VisitorMut,
    visit_expressions,
};

use crate::catalog::{
    ATHENA_CATALOG, DEFAULT_CATALOG, Layout, PATH_COLUMN, TRAWL_SCHEMA, VIEW_SCHEMAS,
};

/// Whether the node mentions the `"$path"` column.
pub(crate) fn mentions_path<V: datafusion::sql::sqlparser::ast::Visit>(node: &V) -> bool {
    visit_expressions(node, |e| {
        let hit = match e {
            Expr::Identifier(i) => i.value == PATH_COLUMN,
            Expr::CompoundIdentifier(parts) => parts.last().is_some_and(|i| i.value == PATH_COLUMN),
            _ => false,
        };
        if hit {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .is_break()
}

/// Redirects view references to their `"$path"` twins.
pub(crate) fn redirect<V: VisitMut>(node: &mut V) {
    let _ = VisitMut::visit(node, &mut Redirect);
}

struct Redirect;

/// The layout a table name refers to, if it names one of the views.
fn view_of(name: &ObjectName) -> Option<Layout> {
    let parts: Vec<&str> = name
        .0
        .iter()
        .map(|p| p.as_ident().map_or("", |i| i.value.as_str()))
        .collect();
    let (schema_ok, table) = match parts.as_slice() {
        [t] => (true, *t),
        [s, t] => (VIEW_SCHEMAS.contains(s), *t),
        [c, s, t] => (
            (*c == DEFAULT_CATALOG || *c == ATHENA_CATALOG) && VIEW_SCHEMAS.contains(s),
            *t,
        ),
        _ => (false, ""),
    };
    schema_ok.then(|| Layout::by_name(table)).flatten()
}

impl VisitorMut for Redirect {
    type Break = ();

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        if let TableFactor::Table {
            name,
            alias,
            args: None,
            ..
        } = factor
            && let Some(layout) = view_of(name)
        {
            if alias.is_none() {
                *alias = Some(TableAlias {
                    explicit: true,
                    name: Ident::new(layout.name()),
                    columns: vec![],
                    at: None,
                });
            }
            *name = ObjectName(vec![
                ObjectNamePart::Identifier(Ident::new(TRAWL_SCHEMA)),
                ObjectNamePart::Identifier(Ident::with_quote('"', layout.path_twin())),
            ]);
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::sql::sqlparser::dialect::GenericDialect;
    use datafusion::sql::sqlparser::parser::Parser;

    fn run(sql: &str) -> String {
        let mut stmts = Parser::parse_sql(&GenericDialect {}, sql).unwrap();
        if mentions_path(&stmts[0]) {
            redirect(&mut stmts[0]);
        }
        stmts[0].to_string()
    }

    #[test]
    fn redirects_only_statements_that_mention_path() {
        assert_eq!(
            run(r#"SELECT "$path", eventname FROM security_analysis.cloudtrail"#),
            r#"SELECT "$path", eventname FROM trawl."cloudtrail$path" AS cloudtrail"#
        );
        assert_eq!(
            run(r#"SELECT c."$path" FROM awsdatacatalog.default.cloudtrail_logs c"#),
            r#"SELECT c."$path" FROM trawl."cloudtrail_logs$path" c"#
        );
        assert_eq!(run("SELECT * FROM cloudtrail"), "SELECT * FROM cloudtrail");
        assert_eq!(
            run(r#"SELECT "$path" FROM other.cloudtrail"#),
            r#"SELECT "$path" FROM other.cloudtrail"#
        );
    }
}
