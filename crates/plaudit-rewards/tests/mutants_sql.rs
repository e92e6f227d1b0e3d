//! The SQL family against values worked out by hand from each reward's documentation, for what
//! its examples and unit tests leave open (found by the mutation run over `src/sql/`,
//! docs/MUTANTS.md).

mod common;

use common::{details, one, value};
use serde_json::{json, Value};

const SETUP: &str =
    "CREATE TABLE t(a INT, b TEXT); INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z');";

fn exec(params: Value, response: &str, gold: &str) -> plaudit_core::Outcome {
    one(
        "sql_execution_match",
        params,
        json!({"response": response, "reference": {"sql": gold, "setup": SETUP}}),
    )
}

/// `max_rows` caps the predicted result: three rows are too many under `max_rows: 2` (0, with
/// the cap in the error), two are not.
#[test]
fn sql_execution_match_applies_max_rows() {
    let o = exec(
        json!({"max_rows": 2}),
        "SELECT a FROM t",
        "SELECT a FROM t WHERE a < 3",
    );
    assert_eq!(value(&o), 0.0);
    let e = details(&o)["error"].as_str().unwrap().to_string();
    assert!(e.contains('2'), "{e}");
    let o = exec(
        json!({"max_rows": 2}),
        "SELECT a FROM t WHERE a <= 2",
        "SELECT a FROM t WHERE a < 3",
    );
    assert_eq!(value(&o), 1.0);
}

/// `max_bytes` caps the bytes a result holds (its text, and 8 a cell): 'hello' (13) is too
/// large under `max_bytes: 12` where the gold 'hi' (10) is not, and matches under the default.
#[test]
fn sql_execution_match_applies_max_bytes() {
    let o = exec(json!({"max_bytes": 12}), "SELECT 'hello'", "SELECT 'hi'");
    assert_eq!(value(&o), 0.0);
    assert_eq!(details(&o)["error"], "the result is larger than 12 bytes");
    let o = exec(json!({}), "SELECT 'hello'", "SELECT 'hello'");
    assert_eq!(value(&o), 1.0);
}

/// `ordered: always` compares rows in order though the gold query has no ORDER BY (which
/// `auto` would compare as multisets).
#[test]
fn sql_execution_match_ordered_always_needs_gold_order() {
    let (pred, gold) = ("SELECT a FROM t ORDER BY a DESC", "SELECT a FROM t");
    let o = exec(json!({"ordered": "always"}), pred, gold);
    assert_eq!(value(&o), 0.0);
    assert_eq!(details(&o)["ordered"], true);
    assert_eq!(value(&exec(json!({}), pred, gold)), 1.0);
}

/// `ordered: never` compares rows as multisets though the gold query has a top-level ORDER BY
/// (which `auto` would compare in order).
#[test]
fn sql_execution_match_ordered_never_ignores_gold_order() {
    let (pred, gold) = (
        "SELECT a FROM t ORDER BY a",
        "SELECT a FROM t ORDER BY a DESC",
    );
    let o = exec(json!({"ordered": "never"}), pred, gold);
    assert_eq!(value(&o), 1.0);
    assert_eq!(details(&o)["ordered"], false);
    assert_eq!(value(&exec(json!({}), pred, gold)), 0.0);
}

/// A query shorter than `n` tokens is one gram of all its tokens: `SELECT 1` and `SELECT 2`
/// (two tokens each, n = 3) are two different grams, 0; `SELECT 1` against `SELECT 1 FROM t`
/// shares no trigram with it, 0; two equal short queries are 1.
#[test]
fn sql_ngram_similarity_takes_a_short_query_as_one_gram() {
    let ngram = |response: &str, gold: &str| {
        value(&one(
            "sql_ngram_similarity",
            json!({"n": 3}),
            json!({"response": response, "reference": {"sql": gold}}),
        ))
    };
    assert_eq!(ngram("SELECT 1", "SELECT 2"), 0.0);
    assert_eq!(ngram("SELECT 1", "SELECT 1 FROM t"), 0.0);
    assert_eq!(ngram("SELECT 1", "select 1;"), 1.0);
}
