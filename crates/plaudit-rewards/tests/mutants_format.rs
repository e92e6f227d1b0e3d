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

/// A block that shows nothing is empty: whitespace and invisible characters (zero-width space,
/// word joiner, byte-order mark, soft hyphen, Braille blank …) earn no format reward, in strict
/// mode too, where open-r1's regex alone would pay for `<think>\n\n</think>`.
#[test]
fn think_answer_format_refuses_blocks_of_invisible_characters() {
    let reason = |r: &dyn Reward, response: &str| {
        let out = score(r, response);
        assert_eq!(out.value, 0.0, "{response:?}");
        out.details.unwrap()["reason"].as_str().unwrap().to_string()
    };
    let plain = think_answer(json!({}));
    for blank in [
        "\u{200b}",
        "\u{2060}",
        "\u{feff}",
        "\u{ad}",
        "\u{2800}",
        "\u{3164}",
        "\u{200d}\u{200c}",
        "\u{a0} \u{200b}",
    ] {
        assert_eq!(
            reason(
                &*plain,
                &format!("<think>x</think>\n<answer>{blank}</answer>")
            ),
            "the answer block is empty"
        );
        assert_eq!(
            reason(
                &*plain,
                &format!("<think>{blank}</think>\n<answer>4</answer>")
            ),
            "the reasoning block is empty"
        );
    }
    let strict = think_answer(json!({"strict_newlines": true}));
    assert_eq!(
        reason(&*strict, "<think>\n\n</think>\n<answer>\n4\n</answer>"),
        "the reasoning block is empty"
    );
    assert_eq!(
        reason(
            &*strict,
            "<think>\nx\n</think>\n<answer>\n\u{200b}\n</answer>"
        ),
        "the answer block is empty"
    );
    let bare = think_answer(json!({"answer_tag": ""}));
    assert_eq!(
        reason(&*bare, "<think>x</think>\u{feff}\u{200b}"),
        "no answer after the reasoning"
    );
    // A visible character among invisible ones is content.
    assert_eq!(
        score(&*plain, "<think>x</think>\n<answer>\u{200b}4</answer>").value,
        1.0
    );
}
