//! Parser and printer tests, including the parse → print → parse property.

use proptest::prelude::*;

use super::parse;
use crate::ast::*;
use crate::error::{ErrorCode, WarningCode};

fn canon(text: &str) -> String {
    parse(text)
        .unwrap_or_else(|e| panic!("{text}\n{e}"))
        .to_string()
}

fn err(text: &str) -> (ErrorCode, String) {
    let e = parse(text).expect_err(text);
    let span = e.span.expect("errors from the parser carry a span");
    (e.code, text[span.start..span.end].to_string())
}

#[test]
fn precedence_not_and_or() {
    assert_eq!(canon("a b or c"), "a and b or c");
    assert_eq!(canon("not a b"), "not a and b");
    assert_eq!(canon("not (a or b)"), "not (a or b)");
    assert_eq!(canon("a (b c)"), "a and (b and c)");
    let q = parse("a b or c").unwrap();
    let Some(Filter::Or(items)) = &q.filter else {
        panic!("{q:?}")
    };
    assert!(matches!(items[0], Filter::And(_)));
}

#[test]
fn w_prec_only_when_one_level_mixes() {
    let codes = |t: &str| {
        parse(t)
            .unwrap()
            .warnings
            .iter()
            .map(|w| w.code)
            .collect::<Vec<_>>()
    };
    assert_eq!(codes("a b or c"), vec![WarningCode::Prec]);
    assert_eq!(codes("a (b or c)"), vec![]);
    assert_eq!(codes("(a b) or c"), vec![]);
    assert_eq!(codes("f: (a and b c)"), vec![WarningCode::Prec]);
    assert_eq!(
        codes("* | where a: 1 b: 2 or c: 3"),
        vec![WarningCode::Prec]
    );
}

#[test]
fn field_predicates_and_values() {
    assert_eq!(canon("eventName:CreateUser"), "eventName : CreateUser");
    assert_eq!(canon("x>=1 x<5"), "x >= 1 and x < 5");
    assert_eq!(
        canon(r#"f = "A\"b" g: 'c d'"#),
        r#"f = "A\"b" and g : 'c d'"#
    );
    assert_eq!(canon("`a b`: x"), "`a b` : x");
    assert_eq!(canon(r"f: report\*"), r"f : report\*");
    assert_eq!(
        canon("f: (a b) g = (not c)"),
        "f : (a or b) and g = (not c)"
    );
    assert_eq!(canon("f: (a)"), "f : a");
    let q = parse("n: 79 m: 7x").unwrap();
    let Some(Filter::And(items)) = q.filter else {
        panic!()
    };
    let forms: Vec<ValueForm> = items
        .iter()
        .map(|i| match i {
            Filter::Pred(Pred {
                rhs: Rhs::Value(v), ..
            }) => v.form,
            _ => panic!(),
        })
        .collect();
    assert_eq!(forms, vec![ValueForm::Number, ValueForm::Bare]);
}

#[test]
fn where_accepts_eqeq_and_not_equal() {
    assert_eq!(
        canon("* | where a == 1 b != 2"),
        "* | where a = 1 and not b = 2"
    );
}

#[test]
fn index_reference() {
    let q = parse(r#"@index={01234567-89ab-cdef-0123-456789abcdef | "logs"}"#).unwrap();
    assert_eq!(q.warnings[0].code, WarningCode::Index);
    assert_eq!(
        q.to_string(),
        r#"@index = {01234567-89ab-cdef-0123-456789abcdef | "logs"}"#
    );
}

#[test]
fn stages_print_canonically() {
    let cases = [
        (
            "* | STATS count() AS n, max(b) BY a, b",
            "* | stats count() as n, max(b) by a, b",
        ),
        (
            "* | stats (count(*), percentile(90, x))",
            "* | stats count(), percentile(90, x)",
        ),
        ("* | stats", "* | stats"),
        ("* | stats by x", "* | stats by x"),
        ("* | groupbycount(a, b)", "* | groupbycount a, b"),
        ("* | count()", "* | count"),
        ("| countdistinct a", "| countdistinct a"),
        ("* | max a, b", "* | max(a, b)"),
        ("* | avg x", "* | avg(x)"),
        (
            "* | eval (x = a + 1, y = -(x) * 2)",
            "* | eval x = a + 1, y = - x * 2",
        ),
        ("* | eval x = (a + b) * c", "* | eval x = (a + b) * c"),
        ("* | eval x = a-1", "* | eval x = a-1"),
        (
            "* | eval x = not a == b and c",
            "* | eval x = (not (a == b)) and c",
        ),
        (
            "* | eval x = MATH.ROUND(2.5), y = 'q'",
            "* | eval x = math.round(2.5), y = 'q'",
        ),
        (
            "* | rename a as b, c as `by`",
            "* | rename a as b, c as `by`",
        ),
        ("* | table `@q.count`, b", "* | table @q.count, b"),
        ("* | head", "* | head 10"),
        ("* | tail(3)", "* | tail 3"),
        ("* | sort a, b asc, c desc", "* | sort a, b, c desc"),
        (
            "* | eval x = -(not 1) + (not b)",
            "* | eval x = - (not 1) + (not b)",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(canon(input), want, "{input}");
        assert_eq!(parse(want).unwrap(), parse(input).unwrap(), "{input}");
    }
}

#[test]
fn syntax_errors_point_at_the_token() {
    assert_eq!(err("eventName: not"), (ErrorCode::Syn, "not".into()));
    assert_eq!(err("eventName != x"), (ErrorCode::Syn, "!=".into()));
    assert_eq!(err("eventName == x"), (ErrorCode::Syn, "==".into()));
    assert_eq!(err("eventName > abc"), (ErrorCode::Syn, "abc".into()));
    assert_eq!(err("f: (a g: b)"), (ErrorCode::Syn, ":".into()));
    assert_eq!(err("a )"), (ErrorCode::Syn, ")".into()));
    assert_eq!(err("(a"), (ErrorCode::Syn, "".into()));
    assert_eq!(err("* | where x"), (ErrorCode::Syn, "x".into()));
    assert_eq!(err("* | head -1"), (ErrorCode::Syn, "-1".into()));
    assert_eq!(err("* | stats min(a, b)"), (ErrorCode::Syn, ",".into()));
    assert_eq!(
        err("* | percentile(101, x)"),
        (ErrorCode::Syn, "101".into())
    );
    assert_eq!(err("* | table by"), (ErrorCode::Syn, "by".into()));
    assert_eq!(err("* | count x"), (ErrorCode::Syn, "x".into()));
    assert_eq!(err("* | eval x = a +"), (ErrorCode::Syn, "".into()));
    assert_eq!(err("\"a\": b"), (ErrorCode::Syn, "\"a\"".into()));
}

#[test]
fn other_parse_errors() {
    assert_eq!(err("* | eval x = foo(1)"), (ErrorCode::Fn, "foo".into()));
    assert_eq!(
        err("* | eval x = coalesce()"),
        (ErrorCode::Fn, "coalesce".into())
    );
    assert_eq!(err("* | stats foo(x)"), (ErrorCode::Fn, "foo".into()));
    assert_eq!(err("* | eval @Q.x = 1"), (ErrorCode::Name, "@Q.x".into()));
    assert_eq!(
        err("* | stats count() as @q.n"),
        (ErrorCode::Name, "@q.n".into())
    );
    assert_eq!(err("a 'b"), (ErrorCode::Lex, "'b".into()));
}

#[test]
fn head_above_scanner_cap_warns() {
    assert_eq!(
        parse("* | head 20000").unwrap().warnings[0].code,
        WarningCode::Cap
    );
}

// ---------- property: parse → print → parse ----------

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("alice".to_string()),
        Just("203.0.113.7".to_string()),
        Just("x-amz-acl".to_string()),
        Just("Assume*".to_string()),
        Just("*".to_string()),
        Just("42".to_string()),
        Just("-1.5e3".to_string()),
        Just(r"report\*".to_string()),
        Just(r"a\ b".to_string()),
        "[a-zA-Z_][a-zA-Z0-9_./@%-]{0,8}".prop_filter("not a keyword", |s| !is_reserved(s)),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        word(),
        "[ -~]{0,6}".prop_map(|s| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))),
        "[ -~]{0,6}".prop_map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))),
        Just("'a\\u{e9}\\n'".to_string()),
    ]
}

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("eventName".to_string()),
        Just("userIdentity.arn".to_string()),
        Just("resources[0].ARN".to_string()),
        Just("`a b.c`".to_string()),
        Just("`by`".to_string()),
        Just("@scnr.time_ns".to_string()),
    ]
}

fn filter() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        value(),
        (field(), prop_oneof![Just(":"), Just("=")], value())
            .prop_map(|(f, o, v)| format!("{f}{o}{v}")),
        (
            field(),
            prop_oneof![Just("<"), Just(">="), Just(" > ")],
            prop_oneof![Just("1"), Just("-2.5")]
        )
            .prop_map(|(f, o, n)| format!("{f}{o}{n}")),
        (
            field(),
            prop::collection::vec(value(), 1..4),
            prop_oneof![Just(" "), Just(" or "), Just(" and ")]
        )
            .prop_map(|(f, vs, sep)| format!("{f}: ({})", vs.join(sep))),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} AND {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} or {b}")),
            inner.clone().prop_map(|a| format!("not {a}")),
            inner.prop_map(|a| format!("({a})")),
        ]
    })
}

fn sexpr() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        Just("1".to_string()),
        Just("2.5".to_string()),
        Just("-3".to_string()),
        Just("\"s\"".to_string()),
        Just("'t'".to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
        Just("userIdentity.arn".to_string()),
        Just("a-1".to_string()),
        Just("`10`".to_string()),
    ];
    atom.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop_oneof![
                    Just("+"),
                    Just("-"),
                    Just("*"),
                    Just("/"),
                    Just("=="),
                    Just("<"),
                    Just("and"),
                    Just("or")
                ],
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("- ({a})")),
            inner.clone().prop_map(|a| format!("not ({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("coalesce({a}, {b})")),
            inner.prop_map(|a| format!("math.round({a})")),
        ]
    })
}

fn stage() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("stats count() as n, max(b), percentile(90, c) by a, `x y`".to_string()),
        Just("groupbycount eventSource, errorCode".to_string()),
        Just("count".to_string()),
        Just("countdistinct a, b".to_string()),
        Just("min(a, b)".to_string()),
        Just("sum x".to_string()),
        Just("rename a as b, c as d".to_string()),
        Just("table a, `max(b)`".to_string()),
        Just("head 5".to_string()),
        Just("tail".to_string()),
        Just("sort a desc, b".to_string()),
        filter()
            .prop_filter("where has no free text", |f| f.contains(':')
                && !f.contains('\'')
                && !f.contains('"'))
            .prop_map(|f| format!("where {f}")),
        (sexpr(), sexpr()).prop_map(|(a, b)| format!("eval x = {a}, `y z` = {b}")),
    ]
}

fn query() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just(String::new()), filter()],
        prop::collection::vec(stage(), 0..4),
    )
        .prop_map(|(f, stages)| stages.iter().fold(f, |acc, s| format!("{acc} | {s}")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_print_parse_is_identity(text in query()) {
        if let Ok(q) = parse(&text) {
            let printed = q.to_string();
            let again = parse(&printed).map_err(|e| TestCaseError::fail(format!("{text}\n=> {printed}\n{e}")))?;
            prop_assert_eq!(&again, &q, "{} => {}", text, printed);
            prop_assert_eq!(again.to_string(), printed);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
        let _ = parse(&text);
    }
}
