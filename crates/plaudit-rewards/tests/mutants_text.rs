//! The text family against values worked out by hand from each reward's documentation, for
//! what its examples and the paper tests leave open (found by the mutation run over
//! `src/text/`, docs/MUTANTS.md).

mod common;

use common::{details, one, redundancy, value};
use serde_json::{json, Value};

// ---- repetition_penalty ----

/// With `unit: chars` the response is lower-cased and its whitespace dropped: "Ab ab" is the
/// characters a, b, a, b, whose bigrams ab, ba, ab hold 2 distinct of 3.
#[test]
fn repetition_penalty_chars_drop_whitespace_and_case() {
    let o = one(
        "repetition_penalty",
        json!({"unit": "chars", "ngram_size": 2}),
        json!({"response": "Ab ab"}),
    );
    assert_eq!(value(&o), -(1.0 - 2.0 / 3.0));
}

/// A response of exactly `ngram_size` units has one n-gram, never a repeat: 0.
#[test]
fn repetition_penalty_of_exactly_one_ngram_is_zero() {
    let o = one(
        "repetition_penalty",
        json!({"ngram_size": 3}),
        json!({"response": "go go go"}),
    );
    assert_eq!(value(&o), 0.0);
}

// ---- reasoning_phrases ----

fn phrases(params: Value, response: &str) -> f64 {
    value(&one(
        "reasoning_phrases",
        params,
        json!({ "response": response }),
    ))
}

/// A phrase is a whole word on both sides: "wait" is neither in "waiting" (a letter after it)
/// nor in "await" (a letter before it).
#[test]
fn reasoning_phrases_refuses_a_phrase_joined_to_a_word_on_either_side() {
    let p = json!({"phrases": ["wait"], "cap": 1});
    assert_eq!(phrases(p.clone(), "I am waiting."), 0.0);
    assert_eq!(phrases(p.clone(), "We await it."), 0.0);
    assert_eq!(phrases(p.clone(), "x_wait or wait_y"), 0.0);
    assert_eq!(phrases(p, "Hm, wait."), 1.0);
}

/// Only a phrase's word edges need a word boundary: "-check" starts with a hyphen, so it
/// counts right after the "double" it is joined to; "?!" ends with a mark, so a letter may
/// follow it.
#[test]
fn reasoning_phrases_needs_no_boundary_at_a_phrase_edge_that_is_not_a_word() {
    let p = json!({"phrases": ["-check", "?!"], "cap": 2});
    assert_eq!(phrases(p.clone(), "Let me double-check."), 0.5);
    assert_eq!(phrases(p.clone(), "Really?!x"), 0.5);
    assert_eq!(phrases(p, "double-check, really?!So"), 1.0);
}

/// Blank phrases are dropped: with ["wait", " "] only "wait" counts (not the spaces), and a
/// list of blank phrases only is refused.
#[test]
fn reasoning_phrases_drops_blank_phrases() {
    let p = json!({"phrases": ["wait", " "], "cap": 2, "distinct": false});
    assert_eq!(phrases(p, "wait a b c"), 0.5);
    let info = plaudit_rewards::all()
        .into_iter()
        .find(|i| i.name == "reasoning_phrases")
        .unwrap();
    let params =
        plaudit_core::Params::from_json(info.params, &json!({"phrases": ["", "  "]}), &[]).unwrap();
    let e = (info.build)(&params).err().expect("refused");
    assert_eq!(e, "`phrases` must hold at least one non-empty phrase");
}

// ---- redundancy_penalty ----

/// A `\boxed{…}` that closes exactly where its sentence ends (at a line break) concludes in
/// that sentence: "So \boxed{72}" is sentence 0, and "Let me check it." (4 words of 6) is
/// redundant.
#[test]
fn redundancy_penalty_a_box_closing_its_sentence_concludes_in_it() {
    let (v, d) = redundancy(
        json!({}),
        "<think>So \\boxed{72}\nLet me check it.</think>72",
        "72",
    );
    assert_eq!(v, -4.0 / 6.0);
    assert_eq!(d, json!({"reached_at": 0, "redundant": 4, "reasoning": 6}));
}

/// `detect: mention` does not read the answer in a power: neither `72^2` nor `2^72` is 72.
/// Words 3 + 3 + 3 + 1: the first mention is "It is 72.", and "Check." (1 of 10) is redundant.
#[test]
fn redundancy_penalty_mention_skips_the_answer_in_a_power() {
    let (v, d) = redundancy(
        json!({"detect": "mention"}),
        "<think>Try 72^2 first. Then 2^72 too. It is 72. Check.</think>72",
        "72",
    );
    assert_eq!(v, -0.1);
    assert_eq!(d, json!({"reached_at": 2, "redundant": 1, "reasoning": 10}));
}

/// The number guards apply to numeric answers only: a word answer after a `/` or a `.` is
/// still mentioned ("lyon/paris" names paris).
#[test]
fn redundancy_penalty_mention_of_a_word_answer_after_a_slash() {
    let (v, d) = redundancy(
        json!({"detect": "mention"}),
        "<think>Maybe lyon/paris. Let me check.</think>paris",
        "paris",
    );
    assert_eq!(v, -3.0 / 5.0);
    assert_eq!(d, json!({"reached_at": 0, "redundant": 3, "reasoning": 5}));
}

/// Answers that are not numbers are compared as text: `\boxed{Paris}` concludes "Paris"
/// (both normalised to "paris"). Words 2 + 3: " Let me check." is redundant.
#[test]
fn redundancy_penalty_a_boxed_word_answer_concludes() {
    let (v, d) = redundancy(
        json!({}),
        "<think>So \\boxed{Paris}. Let me check.</think>Paris",
        "Paris",
    );
    assert_eq!(v, -3.0 / 5.0);
    assert_eq!(d, json!({"reached_at": 0, "redundant": 3, "reasoning": 5}));
}

fn per_token(params: Value, response: &str, offsets: Value) -> Value {
    let o = one(
        "redundancy_penalty",
        params,
        json!({"response": response, "reference": "72", "meta": {"token_offsets": offsets}}),
    );
    let mut d = details(&o).clone();
    d["value"] = json!(value(&o));
    d
}

/// `split: paragraph` with the answer first reached in the last paragraph: no paragraph
/// follows it, so no token is redundant, also when the reasoning runs to the end of the
/// response (an unclosed `<think>`).
#[test]
fn redundancy_penalty_tokens_by_paragraph_reached_in_the_last_paragraph() {
    // "<think>" 0-7, "Let me think." 7-20, "\n\n" 20-22, "So the answer is 72." 22-42.
    let response = "<think>Let me think.\n\nSo the answer is 72.";
    let offsets = json!([
        [0, 7],
        [7, 10],
        [10, 13],
        [13, 19],
        [19, 20],
        [20, 22],
        [22, 24],
        [24, 28],
        [28, 35],
        [35, 38],
        [38, 41],
        [41, 42]
    ]);
    let d = per_token(
        json!({"output": "tokens", "split": "paragraph"}),
        response,
        offsets,
    );
    assert_eq!(d["value"], json!(0.0));
    assert_eq!(d["reached_at"], json!(1));
    assert_eq!(d["redundant"], json!(0));
    assert_eq!(d["reasoning"], json!(11));
    assert_eq!(d["first_redundant_token"], Value::Null);
    assert_eq!(d["token_rewards"], json!(vec![0.0; 12]));
}

/// A token with an empty span is no unit of the text wherever it sits: one inside the
/// exploration and one inside the redundant part count neither in T nor in R.
#[test]
fn redundancy_penalty_tokens_an_empty_span_inside_the_reasoning_is_no_unit() {
    // "<think>" 0-7, "So the answer is 72." 7-27, " Check." 27-34, "</think>" 34-42.
    let response = "<think>So the answer is 72. Check.</think>";
    let offsets = json!([
        [0, 7],
        [7, 27],
        [10, 10],
        [27, 33],
        [30, 30],
        [33, 34],
        [34, 42]
    ]);
    let d = per_token(json!({"output": "tokens"}), response, offsets);
    assert_eq!(d["reasoning"], json!(3));
    assert_eq!(d["redundant"], json!(2));
    assert_eq!(d["value"], json!(-2.0 / 3.0));
    assert_eq!(
        d["token_rewards"],
        json!([0.0, 0.0, 0.0, -1.0 / 3.0, 0.0, -1.0 / 3.0, 0.0])
    );
    assert_eq!(d["first_redundant_token"], json!(3));
}

/// Tokens may share a start: a byte-level tokenizer splits one character into several tokens,
/// each given that character's span. Starts that repeat are in order.
#[test]
fn redundancy_penalty_tokens_sharing_a_character_are_in_order() {
    // "<think>" 0-7, "So the answer is 72." 7-27, " ✓" 27-29 (the ✓ in two byte tokens),
    // "</think>" 29-37.
    let response = "<think>So the answer is 72. ✓</think>";
    let offsets = json!([[0, 7], [7, 27], [27, 28], [28, 29], [28, 29], [29, 37]]);
    let d = per_token(
        json!({"output": "tokens", "measure": "count"}),
        response,
        offsets,
    );
    assert_eq!(d["reasoning"], json!(4));
    assert_eq!(d["redundant"], json!(3));
    assert_eq!(d["value"], json!(-3.0));
    assert_eq!(d["token_rewards"], json!([0.0, 0.0, -1.0, -1.0, -1.0, 0.0]));
}

/// With `split: paragraph` the redundant units are those of the paragraphs after the one that
/// reaches the answer, without the delimiters between them; the reasoning's units include
/// them. With the delimiter " --- ": 3 + 1 + 5 + 1 + 6 + 1 + 1 = 18 words, of which
/// "Check: 24 + 48 = 72." (6) and "Yes." (1) are redundant, not the "---" between them.
#[test]
fn redundancy_penalty_by_paragraph_leaves_out_the_delimiters() {
    let (v, d) = redundancy(
        json!({"split": "paragraph", "delimiter": " --- "}),
        "<think>Let me see. --- So the answer is 72. --- Check: 24 + 48 = 72. --- Yes.</think>72",
        "72",
    );
    assert_eq!(v, -7.0 / 18.0);
    assert_eq!(d, json!({"reached_at": 1, "redundant": 7, "reasoning": 18}));
}
