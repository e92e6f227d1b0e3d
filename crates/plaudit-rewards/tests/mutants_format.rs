//! The format family against values worked out by hand from each reward's documentation, for
//! what its examples leave open (found by the mutation run over `src/format/`, docs/MUTANTS.md).

use std::sync::Arc;

use plaudit_core::{Ctx, Deadline, Params, Reward, Sample, Score};
use serde_json::{json, Value};

use plaudit_rewards::format::think_answer_format;

fn think_answer(params: Value) -> Arc<dyn Reward> {
    let info = think_answer_format::INFO;
    (info.build)(&Params::from_json(info.params, &params, &[]).unwrap()).unwrap()
}

fn score(r: &dyn Reward, response: &str) -> Score {
    let d = Deadline::none();
    r.score(&Sample::new(response, Value::Null), &Ctx::new(&d, &[]))
        .unwrap()
}

/// Tag names are names as in XML: letters and digits, `_`, `-` and `:` (a namespace prefix).
#[test]
fn think_answer_format_takes_tag_names_with_underscores_hyphens_and_colons() {
    for (think, answer) in [
        ("reasoning_process", "final_answer"),
        ("chain-of-thought", "final-answer"),
        ("r1:think", "r1:answer"),
    ] {
        let r = think_answer(json!({"think_tag": think, "answer_tag": answer}));
        let response = format!("<{think}>2 + 2 = 4</{think}>\n<{answer}>4</{answer}>");
        assert_eq!(score(&*r, &response).value, 1.0, "{response}");
    }
}

/// `strict_newlines`: the reasoning sits on its own lines, a newline after `<think>` and one
/// before `</think>` (open-r1's `^<think>\n.*?\n</think>\n…`); a reasoning that only ends with a
/// newline does not.
#[test]
fn think_answer_format_strict_needs_the_newline_after_the_opening_tag() {
    let r = think_answer(json!({"strict_newlines": true}));
    let out = score(&*r, "<think>x\n</think>\n<answer>\n4\n</answer>");
    assert_eq!(
        (out.value, out.details),
        (
            0.0,
            Some(
                json!({"reason": "the reasoning must sit on its own lines between the think tags"})
            )
        )
    );
    // The answer likewise: "4\n" ends with a newline but does not start with one.
    let out = score(&*r, "<think>\nx\n</think>\n<answer>4\n</answer>");
    assert_eq!(
        (out.value, out.details),
        (
            0.0,
            Some(json!({"reason": "the answer must sit on its own lines between the answer tags"}))
        )
    );
    assert_eq!(
        score(&*r, "<think>\nx\n</think>\n<answer>\n4\n</answer>").value,
        1.0
    );
}

/// Each tag appears once: a second `<answer>` inside the answer block is refused even though
/// `</answer>` appears once.
#[test]
fn think_answer_format_refuses_a_repeated_opening_answer_tag() {
    let r = think_answer(json!({}));
    let out = score(&*r, "<think>x</think><answer>4<answer>5</answer>");
    assert_eq!(
        (out.value, out.details),
        (
            0.0,
            Some(json!({"reason": "expected one `<answer>` and one `</answer>`"}))
        )
    );
}
