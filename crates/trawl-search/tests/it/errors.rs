//! One test per error class (§7), with the span each error points at.

use chrono::Utc;
use trawl_search::{ErrorCode, SearchOptions, TimeRange, parse_time_range};

use crate::{try_run, try_run_with};

async fn code_at(text: &str) -> (ErrorCode, Option<String>) {
    let err = try_run(text)
        .await
        .err()
        .unwrap_or_else(|| panic!("`{text}` should fail"));
    let at = err.span.map(|s| text[s.start..s.end].to_string());
    (err.code, at)
}

#[tokio::test]
async fn e_lex() {
    assert_eq!(
        code_at("eventName: 'abc").await,
        (ErrorCode::Lex, Some("'abc".into()))
    );
    assert_eq!(code_at("a ! b").await, (ErrorCode::Lex, Some("!".into())));
}

#[tokio::test]
async fn e_syn() {
    assert_eq!(
        code_at("eventName: not").await,
        (ErrorCode::Syn, Some("not".into()))
    );
    assert_eq!(
        code_at("* | head 0").await,
        (ErrorCode::Syn, Some("0".into()))
    );
    assert_eq!(
        code_at("* | where Deployer").await,
        (ErrorCode::Syn, Some("Deployer".into()))
    );
    assert_eq!(
        code_at("* | frobnicate").await,
        (ErrorCode::Syn, Some("frobnicate".into()))
    );
    assert_eq!(
        code_at("'eventName': x").await,
        (ErrorCode::Syn, Some("'eventName'".into()))
    );
}

#[tokio::test]
async fn e_col() {
    assert_eq!(
        code_at("* | stats by x | table y").await,
        (ErrorCode::Col, Some("y".into()))
    );
    assert_eq!(
        code_at("* | where @q.count > 0").await,
        (ErrorCode::Col, Some("@q.count".into()))
    );
}

#[tokio::test]
async fn e_dup() {
    assert_eq!(
        code_at("* | stats count() as n, count() as n").await,
        (ErrorCode::Dup, Some("n".into()))
    );
    assert_eq!(
        code_at("* | table a, A").await,
        (ErrorCode::Dup, Some("A".into()))
    );
}

#[tokio::test]
async fn e_name() {
    assert_eq!(
        code_at("* | eval @q.x = 1").await,
        (ErrorCode::Name, Some("@q.x".into()))
    );
    assert_eq!(
        code_at("* | rename a as @q.count").await,
        (ErrorCode::Name, Some("@q.count".into()))
    );
}

#[tokio::test]
async fn e_fn() {
    assert_eq!(
        code_at("* | eval x = nope(1)").await,
        (ErrorCode::Fn, Some("nope".into()))
    );
    assert_eq!(
        code_at("* | eval x = if(1)").await,
        (ErrorCode::Fn, Some("if".into()))
    );
    assert_eq!(
        code_at("* | stats median(x)").await,
        (ErrorCode::Fn, Some("median".into()))
    );
}

#[tokio::test]
async fn e_ext_in_strict_mode() {
    let strict = SearchOptions {
        strict: true,
        ..Default::default()
    };
    for q in [
        "* | groupbycount errorCode | sort errorCode desc",
        "* | stats count(errorCode)",
        "* | eval x = 'a'",
        "* | eval x = lower(eventName)",
    ] {
        let err = try_run_with(q, TimeRange::default(), strict.clone())
            .await
            .err()
            .unwrap();
        assert_eq!(err.code, ErrorCode::Ext, "{q}");
        assert!(try_run(q).await.is_ok(), "{q} is accepted by default");
    }
}

#[test]
fn e_time() {
    let now = Utc::now();
    assert_eq!(
        parse_time_range(Some("2024-05-01"), None, None, now)
            .unwrap_err()
            .code,
        ErrorCode::Time
    );
    let err = parse_time_range(
        Some("2024-05-02T00:00:00Z"),
        Some("2024-05-01T00:00:00Z"),
        None,
        now,
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Time);
}

#[tokio::test]
async fn e_overflow() {
    let q = "* | eval big = 9223372036854775807 | stats sum(big)";
    let err = try_run(q).await.err().unwrap();
    assert_eq!(err.code, ErrorCode::Overflow, "{err}");
}

#[tokio::test]
async fn errors_render_a_caret_under_the_problem() {
    let err = try_run("eventName: GetObject | head 0")
        .await
        .err()
        .unwrap();
    let text = err.to_string();
    assert!(
        text.starts_with("error[E-SYN]: row count `0` must be an integer of at least 1"),
        "{text}"
    );
    let caret = format!("1 | eventName: GetObject | head 0\n  | {}^", " ".repeat(28));
    assert!(text.contains(&caret), "{text}");
}
