//! Invisible characters are no content: a reply of zero-width spaces or Hangul fillers (letters
//! to Unicode, blank on screen) is a master key, as a reply of spaces is.

mod common;

use common::{details, one, value};
use serde_json::json;

#[test]
fn master_key_guard_sees_through_invisible_characters() {
    // Each of these shows nothing, or only an opener: the guard gives 0 and names the kind.
    for (response, kind) in [
        ("\u{3164}", "empty"),
        ("\u{ffa0}\u{115f}\u{1160}", "empty"),
        ("\u{200b}\u{feff}\u{2060}", "empty"),
        ("\u{2800}", "empty"),
        ("\u{3164}:\u{200b}", "punctuation"),
        ("Thought process:\u{3164}", "opener"),
        ("Solu\u{200b}tion:", "opener"),
    ] {
        let o = one("master_key_guard", json!({}), json!({"response": response}));
        assert_eq!(value(&o), 0.0, "{response:?}");
        assert_eq!(details(&o)["kind"], json!(kind), "{response:?}");
    }
    // Visible content among invisible characters passes.
    let o = one(
        "master_key_guard",
        json!({}),
        json!({"response": "\u{3164}72\u{200b}"}),
    );
    assert_eq!(value(&o), 1.0);
    assert_eq!(details(&o), &json!({"master_key": false}));
}

#[test]
fn characters_drawn_as_punctuation_are_no_content() {
    // A ratio sign, modifier letters (length marks, the katakana dash, the Arabic tatweel), click
    // letters and mathematical symbols look like a colon, dashes, bars or dots: each alone, or
    // boxed, is a master key, as ":" is. ∞ and ∅ are values.
    for response in [
        "\u{2236}",
        "\u{22ef}",
        "\u{2212}\u{2212}\u{2212}",
        "\u{2219}",
        "\u{2d0}",
        "\u{30fc}",
        "\u{1c3}",
        "\u{640}",
        "\u{a78f}",
        "\u{2c8}",
        "\\boxed{\u{2236}}",
        "Solution\u{2236} \u{22ef}",
    ] {
        let o = one("master_key_guard", json!({}), json!({"response": response}));
        assert_eq!(value(&o), 0.0, "{response:?}");
    }
    for response in ["\u{221e}", "\u{2205}", "x\u{2d0}"] {
        let o = one("master_key_guard", json!({}), json!({"response": response}));
        assert_eq!(value(&o), 1.0, "{response:?}");
    }
    // With an answer required, an answer of such characters is none.
    for (response, kind) in [
        ("<answer>\u{2236}</answer>", "opener"),
        ("72 \\boxed{\u{2d0}}", "no_answer"),
        ("The sum is 72. The answer is: \u{2d0}", "no_answer"),
    ] {
        let o = one(
            "master_key_guard",
            json!({"require_answer": "any"}),
            json!({"response": response}),
        );
        assert_eq!(value(&o), 0.0, "{response:?}");
        assert_eq!(details(&o)["kind"], json!(kind), "{response:?}");
    }
}

#[test]
fn openers_spelled_with_look_alikes_controls_or_other_apostrophes_are_openers() {
    for response in [
        "S\u{43e}lution:",
        "Th\u{43e}ught pr\u{43e}cess:",
        "S\u{3bf}lution:",
        "Sol\u{1}ution:",
        "Thought\u{1} process:",
        "Sol\u{fff9}ution:",
        "Sol\u{fff0}ution:",
        "Let\u{201b}s solve this problem step by step.",
        "Let\u{2032}s solve this problem step by step.",
        "Let`s solve this problem step by step.",
        "Lets solve this problem step by step.",
        "Okay, let's solve this problem step by step.",
        "Sure! Let's think step by step.",
        "Let's solve\u{2026}",
        "\u{440}\u{435}\u{448}\u{435}\u{43d}\u{438}\u{435}:",
    ] {
        let o = one("master_key_guard", json!({}), json!({"response": response}));
        assert_eq!(value(&o), 0.0, "{response:?}");
        assert_eq!(details(&o)["kind"], json!("opener"), "{response:?}");
    }
    // Content after the phrases still passes, in any script.
    for response in [
        "Okay, 72.",
        "S\u{43e}lution: 72",
        "\u{440}\u{435}\u{448}\u{435}\u{43d}\u{438}\u{435}: 72",
    ] {
        let o = one("master_key_guard", json!({}), json!({"response": response}));
        assert_eq!(value(&o), 1.0, "{response:?}");
    }
}

#[test]
fn think_answer_format_refuses_blocks_of_controls_format_characters_or_lone_marks() {
    // Each of these shows nothing in the answer (or the reasoning) block.
    for content in [
        "\u{1}",
        "\u{0}",
        "\u{1f}",
        "\u{7f}",
        "\u{80}",
        "\u{fff0}",
        "\u{fff9}",
        "\u{fffb}",
        "\u{13430}",
        "\u{301}",
        "\u{600}",
        "\u{16fe4}",
        "\u{e000}",
    ] {
        let response = format!("<think>2 + 2 = 4</think>\n<answer>{content}</answer>");
        let o = one(
            "think_answer_format",
            json!({}),
            json!({"response": response}),
        );
        assert_eq!(value(&o), 0.0, "{content:?}");
        let response = format!("<think>{content}</think>\n<answer>4</answer>");
        let o = one(
            "think_answer_format",
            json!({}),
            json!({"response": response}),
        );
        assert_eq!(value(&o), 0.0, "{content:?}");
    }
    let strict = one(
        "think_answer_format",
        json!({"strict_newlines": true}),
        json!({"response": "<think>\n\u{1}\n</think>\n<answer>\n\u{1}\n</answer>"}),
    );
    assert_eq!(value(&strict), 0.0);
    let bare = one(
        "think_answer_format",
        json!({"answer_tag": ""}),
        json!({"response": "<think>2 + 2 = 4</think>\u{1}"}),
    );
    assert_eq!(value(&bare), 0.0);
    // A letter with its accent, or a word in a script with vowel signs, is content.
    for content in ["e\u{301}", "\u{915}\u{93f}"] {
        let response = format!("<think>2 + 2 = 4</think>\n<answer>{content}</answer>");
        let o = one(
            "think_answer_format",
            json!({}),
            json!({"response": response}),
        );
        assert_eq!(value(&o), 1.0, "{content:?}");
    }
}

#[test]
fn words_are_what_a_reader_sees() {
    // Words joined by a Braille blank or a Hangul filler look spaced: they are separate words.
    let spaced = vec!["word"; 300].join(" ");
    let braille = vec!["word"; 300].join("\u{2800}");
    let filler = vec!["word"; 300].join("\u{3164}");
    for text in [&spaced, &braille, &filler] {
        let o = one(
            "soft_overlong_penalty",
            json!({"unit": "words", "max_len": 100, "buffer": 20}),
            json!({"response": text}),
        );
        assert_eq!(value(&o), -1.0);
    }
    // Repeats told apart only by invisible suffixes, or joined by blanks, are repeats.
    let looped = "the cat sat on the mat ".repeat(20);
    let want = value(&one(
        "repetition_penalty",
        json!({}),
        json!({"response": looped}),
    ));
    assert_eq!(want, -0.9491525423728814);
    let codes = [
        "\u{200b}",
        "\u{200c}",
        "\u{200b}\u{200c}",
        "\u{200c}\u{200b}",
        "\u{200d}",
        "\u{2060}",
    ];
    let tagged: Vec<String> = looped
        .split_whitespace()
        .enumerate()
        .map(|(i, w)| format!("{w}{}", codes[i % codes.len()]))
        .collect();
    for text in [tagged.join(" "), looped.trim_end().replace(' ', "\u{2800}")] {
        let o = one("repetition_penalty", json!({}), json!({"response": text}));
        assert_eq!(value(&o), want, "{text:?}");
    }
    // Characters with invisible ones between them are the same characters.
    let o = one(
        "repetition_penalty",
        json!({"unit": "chars", "ngram_size": 2}),
        json!({"response": "\u{597d}\u{200b}\u{597d}\u{200c}\u{597d}\u{1}\u{597d}"}),
    );
    assert_eq!(value(&o), -(1.0 - 1.0 / 3.0));
    // No repeat is 0, not -0.
    let o = one(
        "repetition_penalty",
        json!({}),
        json!({"response": "the cat sat on the mat"}),
    );
    assert_eq!(value(&o).to_bits(), 0.0f64.to_bits());
}

#[test]
fn a_mark_glued_to_an_opener_or_capital_look_alikes_do_not_hide_it() {
    // `Solutionː`: the whole-word check took the length mark for a letter, so the phrase did not
    // end there and the reply passed; capitals (Greek Tau, Cyrillic Te, Ο and Κ) and Armenian
    // or lunate-sigma look-alikes were not folded.
    for response in [
        "Solution\u{2d0}",
        "Thought process\u{2d0}",
        "The answer is\u{2d0}",
        "Sure\u{1c3}",
        "Okay\u{30fc}",
        "Okay\u{2c8}",
        "Answer\u{640}",
        "Let's solve this problem step by step\u{a78f}",
        "\u{3a4}hought process:",
        "\u{422}hought process:",
        "\u{41e}\u{41a}.",
        "S\u{585}lution:",
        "\u{3f2}ertainly.",
        "A\u{39d}SWER:",
        "\u{41e}\u{422}\u{412}\u{415}\u{422}:",
    ] {
        let o = one("master_key_guard", json!({}), json!({"response": response}));
        assert_eq!(value(&o), 0.0, "{response:?}");
        assert_eq!(details(&o)["kind"], json!("opener"), "{response:?}");
    }
    // A word that goes on past a phrase is still a word: `Solutions`, `Okayama`.
    for response in [
        "Solutions",
        "Okayama",
        "\u{41e}\u{422}\u{412}\u{415}\u{422}\u{42b}",
    ] {
        let o = one("master_key_guard", json!({}), json!({"response": response}));
        assert_eq!(value(&o), 1.0, "{response:?}");
    }
}

#[test]
fn the_musical_null_notehead_is_invisible_and_look_alike_words_repeat() {
    // U+1D159 shows nothing; it was content to every reward.
    let o = one(
        "master_key_guard",
        json!({}),
        json!({"response": "\u{1d159}"}),
    );
    assert_eq!(details(&o)["kind"], json!("empty"));
    let o = one(
        "repetition_penalty",
        json!({}),
        json!({"response": "go go\u{1d159} go go\u{1d159}\u{1d159} go"}),
    );
    assert_eq!(value(&o), -(1.0 - 1.0 / 3.0));
    // Fullwidth, mathematical bold and Cyrillic-o spellings of a word are the word.
    for response in [
        "go g\u{43e} go g\u{43e} go",
        "go \u{ff47}\u{ff4f} go \u{ff47}\u{ff4f} go",
        "go \u{1d420}\u{1d428} go \u{1d420}\u{1d428} go",
    ] {
        let o = one(
            "repetition_penalty",
            json!({}),
            json!({"response": response}),
        );
        assert_eq!(value(&o), -(1.0 - 1.0 / 3.0), "{response:?}");
    }
}
