//! redundancy_penalty against a hostile policy (an attacker pass): responses built to make its
//! answer search quadratic (a marker or an unclosed `\boxed{` repeated, boxes nested deep) end
//! with their value, or at the deadline as a timeout; an answer written with invisible
//! characters or in another script's digits is still the answer.

mod common;

use std::time::Duration;

use common::{redundancy, reward, sample, status};
use plaudit_core::{Ctx, Deadline, Status};
use serde_json::{json, Value};

/// The attacker's reasoning with the answer written `x` after the marker and in the checks.
/// Counted in characters (a zero-width space is also a word break, so words would count
/// `7<ZWSP>2` as two): 38 + 78 of them with a plain `72`.
fn stated(x: &str) -> String {
    format!(
        "<think>Half of 48 is 24. 48 + 24 = 72, so the answer is {x}. Wait, let me verify again. 24 + 48 = {x}. Yes, I am sure. Let me double check once more, 48 + 24 is {x}.</think>\\boxed{{72}}"
    )
}

/// The same with the answer boxed: `so \boxed{x}.` makes it 35 + 78 characters.
fn boxed(x: &str) -> String {
    format!(
        "<think>Half of 48 is 24. 48 + 24 = 72, so \\boxed{{{x}}}. Wait, let me verify again. 24 + 48 = {x}. Yes, I am sure. Let me double check once more, 48 + 24 is {x}.</think>\\boxed{{72}}"
    )
}

/// Units counted in characters.
fn chars() -> Value {
    json!({"unit": "chars"})
}

/// The forms of 72 the attacker wrote to hide it: a zero-width space, a word joiner, a control
/// character, an unassigned code point inside it; Arabic-Indic, Devanagari, Tamil and full-width
/// digits (each two characters a reader sees).
const HIDDEN_72: [&str; 8] = [
    "7\u{200b}2",
    "7\u{2060}2",
    "7\u{1}2",
    "7\u{fff0}2",
    "\u{667}\u{662}",
    "\u{96d}\u{968}",
    "\u{bed}\u{be8}",
    "\u{ff17}\u{ff12}",
];

/// `the answer is 7<ZWSP>2` (and each other hidden form) states 72: sentence 1 reaches it, and
/// its 78 following characters of 116 are redundant, as with a plain `72`.
#[test]
fn an_answer_after_the_marker_written_with_hidden_characters_is_reached() {
    for x in ["72"].into_iter().chain(HIDDEN_72) {
        let (v, d) = redundancy(chars(), &stated(x), "72");
        assert_eq!(v, -78.0 / 116.0, "{x:?}");
        assert_eq!(
            d,
            json!({"reached_at": 1, "redundant": 78, "reasoning": 116}),
            "{x:?}"
        );
    }
}

/// `\boxed{7<ZWSP>2}` (and each other hidden form) concludes 72: 78 of 113 characters redundant.
#[test]
fn a_boxed_answer_written_with_hidden_characters_is_reached() {
    for x in ["72"].into_iter().chain(HIDDEN_72) {
        let (v, d) = redundancy(chars(), &boxed(x), "72");
        assert_eq!(v, -78.0 / 113.0, "{x:?}");
        assert_eq!(
            d,
            json!({"reached_at": 1, "redundant": 78, "reasoning": 113}),
            "{x:?}"
        );
    }
}

/// Dropping what is invisible joins only what a reader sees together: `7<ZWSP>20` is 720 and
/// `٧٢٠` is 720, not 72; Ethiopic numerals (not decimal digits, general category No) are not
/// read as digits.
#[test]
fn a_hidden_form_of_another_number_is_not_the_answer() {
    for x in ["7\u{200b}20", "\u{667}\u{662}\u{660}", "\u{136f}\u{136a}"] {
        let (v, d) = redundancy(json!({}), &stated(x), "72");
        assert_eq!(v, 0.0, "{x:?}");
        assert_eq!(d["reached_at"], Value::Null, "{x:?}");
        assert_eq!(d["redundant"], 0, "{x:?}");
    }
}

/// The marker and the box are read with their invisible characters dropped too: `ans<ZWSP>wer
/// is 72` and `\box<WJ>ed{72}` state 72 ("Let me check.", 11 characters, redundant).
#[test]
fn a_marker_or_box_written_with_invisible_characters_concludes() {
    for (s, total) in [
        ("So the ans\u{200b}wer is 72.", 36),
        ("So it is then \\box\u{2060}ed{72}.", 41),
    ] {
        let (v, d) = redundancy(
            chars(),
            &format!("<think>Half of 48. {s} Let me check.</think>72"),
            "72",
        );
        assert_eq!(v, -11.0 / total as f64, "{s:?}");
        assert_eq!(
            d,
            json!({"reached_at": 1, "redundant": 11, "reasoning": total}),
            "{s:?}"
        );
    }
}

/// A reference written with a zero-width space, in Arabic-Indic digits or with a control
/// character is the answer 72: "Let me check." (3 of 8 words) is redundant.
#[test]
fn a_reference_with_hidden_characters_is_read_as_its_answer() {
    for r in ["#### 7\u{200b}2", "\u{667}\u{662}", "\\boxed{7\u{1}2}"] {
        let (v, d) = redundancy(
            json!({}),
            "<think>So the answer is 72. Let me check.</think>72",
            r,
        );
        assert_eq!(v, -3.0 / 8.0, "{r:?}");
        assert_eq!(
            d,
            json!({"reached_at": 0, "redundant": 3, "reasoning": 8}),
            "{r:?}"
        );
    }
}

/// `detect: mention` reads the hidden forms too: `So 48 + 24 = ٧٢.` (sentence 1) mentions 72,
/// and "Let me check it." (13 of 37 characters) is redundant.
#[test]
fn a_mention_written_with_hidden_characters_is_reached() {
    for x in ["72", "7\u{200b}2", "\u{667}\u{662}", "7\u{1}2"] {
        let (v, d) = redundancy(
            json!({"detect": "mention", "unit": "chars"}),
            &format!("<think>Half of 48 is 24. So 48 + 24 = {x}. Let me check it.</think>72"),
            "72",
        );
        assert_eq!(v, -13.0 / 37.0, "{x:?}");
        assert_eq!(
            d,
            json!({"reached_at": 1, "redundant": 13, "reasoning": 37}),
            "{x:?}"
        );
    }
}

/// A marker followed by another on its line states what stands before that one:
/// `the answer is 72 or maybe the answer is 5` states 72 (11 words, then "Check." redundant),
/// `the answer is 72answer is 5` states neither (`72answer` is no 72).
#[test]
fn markers_on_one_line_each_read_up_to_the_next() {
    let (v, d) = redundancy(
        json!({}),
        "<think>So the answer is 72 or maybe the answer is 5. Check.</think>72",
        "72",
    );
    assert_eq!(v, -1.0 / 12.0);
    assert_eq!(d, json!({"reached_at": 0, "redundant": 1, "reasoning": 12}));
    let (v, d) = redundancy(
        json!({}),
        "<think>So the answer is 72answer is 5. Check.</think>72",
        "72",
    );
    assert_eq!(v, 0.0);
    assert_eq!(
        d,
        json!({"reached_at": null, "redundant": 0, "reasoning": 8})
    );
}

/// An invisible character after a sentence's `.` does not glue the verification to the sentence
/// that states the answer, and invisible "words" do not pad the reasoning: each form below
/// scores as the plain one, sentence 1 reaching 72 and its 14 following words of 29 redundant.
#[test]
fn invisible_characters_neither_glue_sentences_nor_pad_the_reasoning() {
    let glued = |sep: &str| {
        format!(
            "<think>Half of 48 is 24. 48 + 24 = 72, so the answer is 72.{sep}Wait, let me verify again.{sep}24 + 48 = 72.{sep}Yes, I am sure.</think>72"
        )
    };
    let padded = format!("<think>{} {}", "\u{200b} ".repeat(1000), &glued(" ")[7..]);
    for response in [
        glued(" "),
        glued("\u{200b} "),
        glued("\u{200b}"),
        glued("\u{2800}"),
        padded,
    ] {
        let (v, d) = redundancy(json!({}), &response, "72");
        assert_eq!(v, -14.0 / 29.0, "{response:?}");
        assert_eq!(
            d,
            json!({"reached_at": 1, "redundant": 14, "reasoning": 29}),
            "{response:?}"
        );
    }
    // `unit: chars` counts neither whitespace nor invisible characters: 16 + 3 characters,
    // "Ok." redundant.
    let (v, d) = redundancy(
        json!({"unit": "chars"}),
        "<think>So the answer is 72.\u{200b}\u{200b}Ok.\u{feff}</think>72",
        "72",
    );
    assert_eq!(v, -3.0 / 19.0);
    assert_eq!(d, json!({"reached_at": 0, "redundant": 3, "reasoning": 19}));
}

/// A box holding a box is read through the inner one: `\boxed{\boxed{72}}` concludes 72.
#[test]
fn a_box_in_a_box_concludes() {
    let (v, d) = redundancy(
        json!({}),
        "<think>So \\boxed{\\boxed{72}}. Check.</think>72",
        "72",
    );
    assert_eq!(v, -1.0 / 3.0);
    assert_eq!(d, json!({"reached_at": 0, "redundant": 1, "reasoning": 3}));
}

/// 1 MB of `answer is ` (100,000 markers, 200,000 words), then `72. Wait, yes.`: the last
/// marker states 72, and the 2 words after its sentence are redundant.
fn markers_mb() -> String {
    format!(
        "<think>{}72. Wait, yes.</think>72",
        "answer is ".repeat(100_000)
    )
}

/// 1 MB of unclosed `\boxed{` (one word), then `so \boxed{72}. Wait, yes.` (4 words).
fn unclosed_boxes_mb() -> String {
    format!(
        "<think>{} so \\boxed{{72}}. Wait, yes.</think>72",
        "\\boxed{".repeat(150_000)
    )
}

/// 100,000 boxes nested around `72` (1.4 MB, one word), then `. Wait, yes.`.
fn nested_boxes_mb() -> String {
    format!(
        "<think>{}72{}. Wait, yes.</think>72",
        "\\boxed{".repeat(100_000),
        "}".repeat(100_000)
    )
}

/// `the answer is 7`, 300,000 zero-width spaces (900 KB), `2. Wait, yes.` (8 words: the
/// zero-width spaces break `7` from `2.`).
fn invisible_mb() -> String {
    format!(
        "<think>So the answer is 7{}2. Wait, yes.</think>72",
        "\u{200b}".repeat(300_000)
    )
}

/// The hostile megabyte responses are scored to their value (each search is one pass).
#[test]
fn megabyte_hostile_responses_complete_with_their_value() {
    let (v, d) = redundancy(json!({}), &markers_mb(), "72");
    assert_eq!(v, -2.0 / 200_003.0);
    assert_eq!(
        d,
        json!({"reached_at": 0, "redundant": 2, "reasoning": 200_003})
    );
    let (v, d) = redundancy(json!({"detect": "mention"}), &markers_mb(), "72");
    assert_eq!(v, -2.0 / 200_003.0);
    assert_eq!(
        d,
        json!({"reached_at": 0, "redundant": 2, "reasoning": 200_003})
    );
    let (v, d) = redundancy(json!({}), &unclosed_boxes_mb(), "72");
    assert_eq!(v, -0.4);
    assert_eq!(d, json!({"reached_at": 0, "redundant": 2, "reasoning": 5}));
    let (v, d) = redundancy(json!({}), &nested_boxes_mb(), "72");
    assert_eq!(v, -2.0 / 3.0);
    assert_eq!(d, json!({"reached_at": 0, "redundant": 2, "reasoning": 3}));
    let (v, d) = redundancy(json!({}), &invisible_mb(), "72");
    assert_eq!(v, -0.25);
    assert_eq!(d, json!({"reached_at": 0, "redundant": 2, "reasoning": 8}));
    // The same with the reasoning split into paragraphs.
    let (v, d) = redundancy(json!({"split": "paragraph"}), &markers_mb(), "72");
    assert_eq!(v, 0.0);
    assert_eq!(
        d,
        json!({"reached_at": 0, "redundant": 0, "reasoning": 200_003})
    );
}

/// A deadline already passed stops each hostile megabyte response as a `timeout`, whatever
/// the detector and the split.
#[test]
fn hostile_responses_stop_at_the_deadline() {
    let d = Deadline::after(Duration::ZERO);
    for response in [
        markers_mb(),
        unclosed_boxes_mb(),
        nested_boxes_mb(),
        invisible_mb(),
    ] {
        for params in [
            json!({}),
            json!({"detect": "mention"}),
            json!({"split": "paragraph"}),
            json!({"detect": "mention", "split": "paragraph"}),
        ] {
            let s = sample(json!({"response": response, "reference": "72"}));
            let out =
                reward("redundancy_penalty", params.clone(), &[]).score(&s, &Ctx::new(&d, &[]));
            assert_eq!(status(&out), Status::Timeout, "{params}");
        }
    }
}

/// A verification glued to the answer's sentence by another full stop (fullwidth, one-dot
/// leader, small, halfwidth, a Devanagari danda) or by no space before a capital was not
/// redundant (0); each now ends the sentence as `.` does.
#[test]
fn other_scripts_full_stops_end_a_sentence() {
    let plain = "<think>48 + 24 = 72, so the answer is 72. Wait, let me verify again. 24 + 48 = 72. Yes, it is right.</think>72";
    let (want, d) = redundancy(json!({}), plain, "72");
    // Words 10 + 5 + 5 + 4: the last 14 after the answer's sentence are redundant.
    assert_eq!(
        (want, &d),
        (
            -14.0 / 24.0,
            &json!({"reached_at": 0, "redundant": 14, "reasoning": 24})
        )
    );
    for stop in [
        "\u{ff0e} ",
        "\u{2024} ",
        "\u{fe52} ",
        "\u{ff61}",
        "\u{964}",
        ".",
    ] {
        let response = plain.replacen("72. Wait", &format!("72{stop}Wait"), 1);
        let (v, dd) = redundancy(json!({}), &response, "72");
        assert_eq!(dd["reached_at"], d["reached_at"], "{stop:?}");
        assert!(v <= -13.0 / 23.0, "{stop:?}: {v}");
    }
    // A decimal point is no full stop.
    assert_eq!(
        redundancy(
            json!({"unit": "chars"}),
            "<think>It is 7.2, so the answer is 72. Ok.</think>72",
            "72"
        ),
        (
            -3.0 / 27.0,
            json!({"reached_at": 0, "redundant": 3, "reasoning": 27})
        )
    );
}
