//! The answer family against values worked out by hand from each reward's documentation, for
//! what its examples leave open (found by the mutation run over `src/answer/`, docs/MUTANTS.md).

mod common;

use common::{details, one, status, value};
use plaudit_core::Status;
use serde_json::json;

// ---- answer_match ----

/// A reference in LaTeX's inline `\(…\)` or display `\[…\]` delimiters is mathematical on
/// either delimiter alone: it is scored by math equivalence (`\frac12` = `0.5`), which exact
/// match would refuse.
#[test]
fn answer_match_reads_either_latex_delimiter_as_mathematical() {
    for reference in ["\\(0.5\\)", "\\[0.5\\]"] {
        let o = one(
            "answer_match",
            json!({}),
            json!({"response": "so \\boxed{\\frac{1}{2}}", "reference": reference}),
        );
        assert_eq!(value(&o), 1.0, "{reference}");
        assert_eq!(details(&o)["verifier"], "math_equivalence", "{reference}");
    }
}

/// A plain reference with a digit is mathematical up to 64 characters; a longer one is text,
/// scored by exact match.
#[test]
fn answer_match_takes_a_plain_reference_as_mathematical_up_to_64_characters() {
    for (n, verifier) in [
        (63, "math_equivalence"),
        (64, "math_equivalence"),
        (65, "exact_match"),
    ] {
        let reference = "1".repeat(n);
        let o = one(
            "answer_match",
            json!({}),
            json!({"response": format!("The answer is {reference}"), "reference": reference}),
        );
        assert_eq!(value(&o), 1.0, "{n}");
        assert_eq!(details(&o)["verifier"], verifier, "{n} characters");
    }
}

/// `{"answer": …}` is judged by its answer: a mathematical one goes to math equivalence.
#[test]
fn answer_match_judges_an_answer_object_by_its_answer() {
    let o = one(
        "answer_match",
        json!({}),
        json!({"response": "so \\boxed{\\frac{1}{2}}", "reference": {"answer": "0.5"}}),
    );
    assert_eq!(value(&o), 1.0);
    assert_eq!(details(&o)["verifier"], "math_equivalence");
}

// ---- exact_match ----

/// Under `squad` the reference is normalised too, even when it is already in `basic` form:
/// "the eiffel tower" loses its article and matches "The Eiffel Tower!".
#[test]
fn exact_match_squad_normalises_a_reference_already_in_basic_form() {
    let o = one(
        "exact_match",
        json!({"normalize": "squad"}),
        json!({"response": "<answer>The Eiffel Tower!</answer>", "reference": "the eiffel tower"}),
    );
    assert_eq!(value(&o), 1.0);
    assert_eq!(details(&o)["normalized"], "eiffel tower");
}

/// `normalize: none` compares the trimmed strings as they are: case and a trailing period
/// count.
#[test]
fn exact_match_none_compares_the_trimmed_strings() {
    let score = |response: &str, reference: &str| {
        value(&one(
            "exact_match",
            json!({"normalize": "none"}),
            json!({"response": response, "reference": reference}),
        ))
    };
    assert_eq!(score("<answer>  Paris </answer>", " Paris"), 1.0);
    assert_eq!(score("<answer>Paris</answer>", "paris"), 0.0);
    assert_eq!(score("<answer>Paris.</answer>", "Paris"), 0.0);
}

// ---- multiple_choice ----

/// `choices` must be a non-empty string of letters: an empty one, or one with a digit or a
/// space, is a spec error.
#[test]
fn multiple_choice_choices_must_be_letters() {
    let info = plaudit_rewards::answer::multiple_choice::INFO;
    for choices in ["", "AB1", "A B"] {
        let p = plaudit_core::Params::from_json(info.params, &json!({"choices": choices}), &[])
            .unwrap();
        let Err(e) = (info.build)(&p) else {
            panic!("choices {choices:?} accepted")
        };
        assert_eq!(
            e,
            format!("`choices` must be a non-empty string of letters, got {choices:?}")
        );
    }
}

fn choice(response: &str, reference: &str) -> f64 {
    value(&one(
        "multiple_choice",
        json!({}),
        json!({"response": response, "reference": reference}),
    ))
}

/// A letter that ends a word (`xB`) is part of the word, not a second choice, even with no
/// letter after it.
#[test]
fn multiple_choice_a_letter_ending_a_word_is_not_a_choice() {
    assert_eq!(choice("The answer is C (not xB)", "C"), 1.0);
    assert_eq!(choice("The answer is C (not 2B)", "C"), 1.0);
}

/// A letter right after a backslash is a LaTeX command (`Erd\H{o}s`), not a choice.
#[test]
fn multiple_choice_a_letter_after_a_backslash_is_not_a_choice() {
    assert_eq!(choice("The answer is C, as Erd\\H{o}s showed.", "C"), 1.0);
}

/// A lower-case letter counts only inside a pair of parentheses, `(b)`: after an opening one
/// alone, as in "(a, b or d are wrong)", it is a word of the sentence.
#[test]
fn multiple_choice_a_lower_case_letter_needs_both_parentheses() {
    assert_eq!(choice("The answer is C (a, b or d are wrong)", "C"), 1.0);
    assert_eq!(choice("The answer is (c)", "C"), 1.0);
}

/// A last line that is only a letter counts with its brackets, stars or period: `(B)`, `B.`,
/// `**B**`.
#[test]
fn multiple_choice_reads_a_decorated_letter_on_the_last_line() {
    for last in ["(B)", "B.", "**B**", "[B]:"] {
        assert_eq!(
            choice(&format!("Let me think.\n{last}"), "B"),
            1.0,
            "{last}"
        );
    }
}

// ---- ranking_reward ----

fn rank(params: serde_json::Value, response: &str, reference: serde_json::Value) -> f64 {
    value(&one(
        "ranking_reward",
        params,
        json!({"response": response, "reference": reference}),
    ))
}

/// A graded gain must be a number ≥ 0: a negative one makes the reference invalid, with the
/// id named.
#[test]
fn ranking_reward_refuses_a_negative_gain() {
    let o = one(
        "ranking_reward",
        json!({}),
        json!({"response": "[2] > [1]", "reference": {"relevance": {"1": -1, "2": 1}}}),
    );
    assert_eq!(status(&o), Status::InvalidInput);
    assert_eq!(
        o.unwrap_err().message,
        "`reference.relevance[\"1\"]`: a gain is a finite number ≥ 0, got -1"
    );
}

/// Recall's denominator counts the relevant ids only: an id listed with gain 0 is not one.
#[test]
fn ranking_reward_recall_counts_only_ids_with_a_gain() {
    let reference = json!({"relevance": {"1": 2, "2": 0}});
    assert_eq!(
        rank(json!({"metric": "recall"}), "[1]", reference.clone()),
        1.0
    );
    assert_eq!(rank(json!({"metric": "recall"}), "[2]", reference), 0.0);
}

// ---- temporal_iou ----

/// With several reference intervals scoring the same, the first is the one reported.
#[test]
fn temporal_iou_reports_the_first_of_equally_good_references() {
    let o = one(
        "temporal_iou",
        json!({}),
        json!({"response": "<answer>[10, 20]</answer>", "reference": [[0, 20], [10, 30]]}),
    );
    assert_eq!(value(&o), 0.5);
    assert_eq!(
        details(&o),
        &json!({"start": 10.0, "end": 20.0, "intersection": 10.0, "union": 20.0, "reference_index": 0})
    );
}
