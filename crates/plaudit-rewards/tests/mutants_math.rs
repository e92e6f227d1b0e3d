//! The math family against values worked out by hand from `math_equivalence`'s documentation,
//! for what its examples leave open (found by the mutation run over `src/math/`,
//! docs/MUTANTS.md).

mod common;

use common::{details, one, status, value};
use plaudit_core::Status;
use serde_json::json;

/// `answer_tag` names the tag the `tag` method reads: `<final>7</final>` is the answer under
/// `answer_tag: final`, and no answer under the default `answer`.
#[test]
fn math_equivalence_reads_the_answer_tag_it_is_given() {
    let s = json!({"response": "<final>7</final>", "reference": "7"});
    let o = one(
        "math_equivalence",
        json!({"answer_tag": "final", "extract": ["tag"]}),
        s.clone(),
    );
    assert_eq!(value(&o), 1.0);
    assert_eq!(details(&o)["method"], "tag");
    let o = one("math_equivalence", json!({"extract": ["tag"]}), s);
    assert_eq!(status(&o), Status::NoAnswer);
}

/// `extract` replaces the default order: with only `number`, the last number (5) is the answer
/// even though a `\boxed{3}` comes first, which the default order would take.
#[test]
fn math_equivalence_extracts_only_by_the_methods_it_is_given() {
    let s = json!({"response": "\\boxed{3}, or rather 5", "reference": "5"});
    let o = one(
        "math_equivalence",
        json!({"extract": ["number"]}),
        s.clone(),
    );
    assert_eq!(value(&o), 1.0);
    assert_eq!(details(&o)["method"], "number");
    let o = one("math_equivalence", json!({}), s);
    assert_eq!(value(&o), 0.0);
    assert_eq!(details(&o)["method"], "boxed");
}

/// `rel_tol` is the tolerance used: 3.14 is π within 1% but not within the default 1e-9.
#[test]
fn math_equivalence_compares_within_the_rel_tol_it_is_given() {
    let s = json!({"response": "\\boxed{3.14}", "reference": "\\pi"});
    assert_eq!(
        value(&one(
            "math_equivalence",
            json!({"rel_tol": 0.01}),
            s.clone()
        )),
        1.0
    );
    assert_eq!(value(&one("math_equivalence", json!({}), s)), 0.0);
}

/// A list of references that are all blank is refused as a whole, with the message naming the
/// forms a reference may take (not only as one empty reference after another).
#[test]
fn math_equivalence_refuses_references_that_are_all_blank() {
    let o = one(
        "math_equivalence",
        json!({}),
        json!({"response": "\\boxed{3}", "reference": ["  ", ""]}),
    );
    let f = o.expect_err("a failure");
    assert_eq!(f.status, Status::InvalidInput);
    assert!(
        f.message.contains("must be an answer string"),
        "{}",
        f.message
    );
}
