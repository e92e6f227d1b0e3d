//! The crate's shared helpers (`util.rs`, …) pinned where the rewards' own tests leave them
//! loose, written from the code for the mutation runs (`REWARD_FAMILY=shared
//! scripts/mutants.sh`; docs/MUTANTS.md): each test names the behaviour it holds.

mod common;

use plaudit_core::Status;
use plaudit_rewards::util::*;
use serde_json::json;

fn words(s: &str) -> Vec<String> {
    visible_words(s).map(|w| w.into_owned()).collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

// Which characters show nothing: ASCII controls but not ASCII whitespace, format and
// private-use characters, the listed blanks; not letters, not Unicode spaces.
#[test]
fn invisible_characters_are_told_from_visible_ones() {
    for c in [
        '\u{0}', '\u{7f}', '\u{200b}', '\u{200c}', '\u{feff}', '\u{e000}', '\u{378}',
    ] {
        assert!(is_invisible(c), "{c:?} is invisible");
    }
    for c in ['\u{2800}', '\u{3164}', '\u{fe0f}', '\u{e0041}', '\u{1d159}'] {
        assert!(is_invisible(c), "{c:?} (listed) is invisible");
    }
    for c in [
        'a',
        ' ',
        '\t',
        '\n',
        'é',
        '\u{3000}',
        '\u{85}',
        '\u{a0}',
        '\u{1f600}',
    ] {
        assert!(!is_invisible(c), "{c:?} is not invisible");
    }
}

// Every look-alike family folds to its Latin letter; other characters stay.
#[test]
fn look_alikes_fold_to_their_latin_letter() {
    let folded: String = "аВсԁЕցНІЈКӏМΝОРԛЅТυνԝХУΖ"
        .chars()
        .map(latin_lookalike)
        .collect();
    assert_eq!(folded, "abcdeghijklmnopqstuvwxyz");
    let greek: String = "αΒϲΕΗιΚΜοΡΤΧγ".chars().map(latin_lookalike).collect();
    assert_eq!(greek, "abcehikmoptxy");
    for c in ['r', 'R', 'ж', 'λ', '7'] {
        assert_eq!(latin_lookalike(c), c);
    }
}

// Blank: whitespace, invisible characters and stray combining marks only; a letter is content.
#[test]
fn blank_is_whitespace_invisibles_and_stray_marks() {
    assert!(is_blank(""));
    assert!(is_blank(" \t\n"));
    assert!(is_blank("\u{200b}\u{200b}"));
    assert!(is_blank("\u{301}"));
    assert!(is_blank(" \u{301}\u{0} "));
    assert!(!is_blank("a"));
    assert!(!is_blank("\u{200b}x"));
    assert!(!is_blank("é"));
}

// Words split at spaces and at characters that show as one; invisible characters dropped from
// inside a word; words of nothing but invisibles skipped.
#[test]
fn visible_words_split_and_clean() {
    assert_eq!(words("a  b"), strings(&["a", "b"]));
    assert_eq!(words("a\u{2800}b\u{3164}c"), strings(&["a", "b", "c"]));
    assert_eq!(words("a\u{200b}b"), strings(&["a", "b"]));
    assert_eq!(words("the\u{200c} cat"), strings(&["the", "cat"]));
    assert_eq!(words("\u{200c} x \u{feff}\u{200d}"), strings(&["x"]));
    assert_eq!(words(""), Vec::<String>::new());
}

// Each length unit counts its own way; tokens missing and an unknown unit are named.
#[test]
fn response_length_in_each_unit() {
    let s = common::sample(json!({"response": "héllo  wörld\u{200b}!", "tokens": 7}));
    assert_eq!(response_length(&s, "tokens").unwrap(), 7.0);
    assert_eq!(response_length(&s, "chars").unwrap(), 14.0);
    assert_eq!(response_length(&s, "words").unwrap(), 3.0);
    let bare = common::sample(json!({"response": "a b"}));
    let e = response_length(&bare, "tokens").unwrap_err();
    assert_eq!(e.status, Status::InvalidInput);
    assert_eq!(
        e.message,
        "sample has no `tokens` field, and this reward counts length in tokens (send `tokens`, or set `unit: chars` or `unit: words`)"
    );
    let e = response_length(&bare, "bytes").unwrap_err();
    assert_eq!(e.status, Status::Error);
    assert_eq!(e.message, "unknown length unit `bytes`");
}

// The later of `\boxed` and `\fbox` wins whichever comes first; the braced form, the spaced
// form and what is neither.
#[test]
fn last_boxed_takes_the_later_command_and_its_forms() {
    assert_eq!(last_boxed("\\boxed{1} then \\fbox{2}"), Some("2"));
    assert_eq!(last_boxed("\\fbox{1} then \\boxed{2}"), Some("2"));
    assert_eq!(last_boxed("\\fbox {3}"), Some("3"));
    assert_eq!(last_boxed("\\boxed\n{3}"), Some("3"));
    assert_eq!(last_boxed("\\boxed{{a}{b}} c"), Some("{a}{b}"));
    assert_eq!(last_boxed("\\boxed{a}}"), Some("a"));
    assert_eq!(last_boxed("\\boxed 5 and more"), Some("5"));
    assert_eq!(last_boxed("\\boxed 5\tmore"), Some("5"));
    assert_eq!(last_boxed("\\boxed  $x$"), None);
    assert_eq!(last_boxed("\\boxed5"), None);
    assert_eq!(last_boxed("\\boxed"), None);
}

// The text after the last marker, to the end of its line, trimmed, without one trailing period.
#[test]
fn after_the_marker_to_the_end_of_the_line() {
    assert_eq!(after_answer_marker("The answer is:\t 7 \nmore"), Some("7"));
    assert_eq!(after_answer_marker("answer: 3.5."), Some("3.5"));
    assert_eq!(after_answer_marker("answer: x. ."), Some("x."));
    assert_eq!(after_answer_marker("Answer: ."), None);
    assert_eq!(after_answer_marker("Answer:\n5"), None);
    assert_eq!(after_answer_marker("no marker"), None);
    assert_eq!(last_line("  \n a \n  \n"), Some("a"));
    assert_eq!(last_line(" \n "), None);
}

// The region after the last `</think>`; nothing for an unclosed block; all else the whole text.
#[test]
fn the_answer_region() {
    assert_eq!(answer_region("<think>a</think>b"), Some("b"));
    assert_eq!(answer_region("<think>a</think>b</think>c"), Some("c"));
    assert_eq!(answer_region("<think>a"), None);
    assert_eq!(answer_region("plain"), Some("plain"));
}

// Each extraction mode reads only its own place, where `auto` would have read another.
#[test]
fn each_extraction_mode_reads_its_own_place() {
    let r = "<answer>x</answer> The answer is 5\n\\boxed{4}\nso 6";
    assert_eq!(extract_answer(r, "auto", "answer"), Some("x"));
    assert_eq!(extract_answer(r, "answer_tag", "answer"), Some("x"));
    assert_eq!(extract_answer(r, "boxed", "answer"), Some("4"));
    assert_eq!(extract_answer(r, "marker", "answer"), Some("5"));
    assert_eq!(extract_answer(r, "last_line", "answer"), Some("so 6"));
    assert_eq!(extract_answer("\\boxed{4}", "answer_tag", "answer"), None);
    assert_eq!(extract_answer("\\boxed{4}", "marker", "answer"), None);
    assert_eq!(extract_answer("The answer is 5", "boxed", "answer"), None);
    assert_eq!(extract_answer("<sol>y</sol>", "auto", "sol"), Some("y"));
    assert_eq!(
        extract_answer(" <think>a</think> ", "none", "answer"),
        Some("<think>a</think>")
    );
    assert_eq!(extract_answer(" \n ", "none", "answer"), None);
}

// Normalising: whitespace runs to one space, leading/trailing dropped, `$…$`, trailing periods,
// repeated until nothing changes; case kept only when asked; NFKC outside ASCII.
#[test]
fn normalize_basic_in_detail() {
    assert_eq!(normalize_basic("\t a \n\r b \u{b}", false), "a b");
    assert_eq!(normalize_basic("A  B", true), "A B");
    assert_eq!(normalize_basic("$$", false), "");
    assert_eq!(normalize_basic("$", false), "$");
    assert_eq!(normalize_basic("$5.$.", false), "5");
    assert_eq!(normalize_basic(" $ x $ ", false), "x");
    assert_eq!(normalize_basic("..", false), "");
    assert_eq!(
        normalize_basic("  Ｔｈｅ \u{3000} Ａｎｓｗｅｒ. ", false),
        "the answer"
    );
    assert_eq!(
        normalize_basic("  Ｔｈｅ \u{3000} Ａｎｓｗｅｒ. ", true),
        "The Answer"
    );
    assert_eq!(normalize_basic("ÉCOLE", false), "école");
    assert_eq!(normalize_basic("ÉCOLE", true), "ÉCOLE");
    assert_eq!(normalize_basic("İ", false), "i\u{307}");
}

// Already-normal strings are recognised, and what is not normal is refused.
#[test]
fn basic_normal_edges() {
    assert!(is_basic_normal("a b", false));
    assert!(is_basic_normal("a.b", false));
    assert!(is_basic_normal("$", false));
    assert!(!is_basic_normal("a  b", false));
    assert!(!is_basic_normal(" a", false));
    assert!(!is_basic_normal("a ", false));
    assert!(!is_basic_normal("a\tb", false));
    assert!(!is_basic_normal("a.", false));
    assert!(!is_basic_normal("$a$", false));
    assert!(!is_basic_normal("é", false));
    assert!(!is_basic_normal("aB", false));
    assert!(is_basic_normal("aB", true));
}

// SQuAD's normalisation and phrase-matching words.
#[test]
fn squad_and_match_words() {
    assert_eq!(
        normalize_squad("A cat, AN owl and THE dog."),
        "cat owl and dog"
    );
    assert_eq!(normalize_squad("theory an-a"), "theory ana");
    assert!(is_punctuation('!') && is_punctuation('~') && !is_punctuation('é'));
    assert_eq!(
        match_words("The U.S.-based firm"),
        strings(&["u", "s", "based", "firm"])
    );
    assert_eq!(match_words("Ｆｉｒｍ’s A an"), strings(&["firm", "s"]));
    assert!(match_words(" -- ").is_empty());
}

// Every start of a phrase as consecutive words; none for a phrase running off the end, a
// missing first word or an empty phrase.
#[test]
fn word_index_finds_every_occurrence() {
    let text = strings(&["a", "b", "c", "b", "c", "b"]);
    let idx = WordIndex::new(&text);
    assert_eq!(idx.find(&strings(&["b", "c"])), vec![1, 3]);
    assert_eq!(idx.find(&strings(&["b"])), vec![1, 3, 5]);
    assert_eq!(idx.find(&strings(&["c", "b", "c"])), vec![2]);
    assert_eq!(
        idx.find(&strings(&["b", "c", "b", "c", "b", "x"])),
        Vec::<usize>::new()
    );
    assert_eq!(idx.find(&strings(&["z"])), Vec::<usize>::new());
    assert_eq!(idx.find(&[]), Vec::<usize>::new());
}

// Phrase lists: strings and alias lists read as words; each malformed shape refused by name.
#[test]
fn phrase_lists_and_their_errors() {
    let got = phrase_list(&json!(["The Cat", ["dog", "Hound!"]]), "keywords").unwrap();
    assert_eq!(
        got,
        vec![
            vec![strings(&["cat"])],
            vec![strings(&["dog"]), strings(&["hound"])]
        ]
    );
    let err = |v| {
        let e = phrase_list(&v, "keywords").unwrap_err();
        assert_eq!(e.status, Status::InvalidInput);
        e.message
    };
    assert_eq!(
        err(json!("cat")),
        "`keywords` must be a list of strings (or of lists of aliases)"
    );
    assert_eq!(err(json!([])), "`keywords` is an empty list");
    assert_eq!(
        err(json!(["a cat", []])),
        "`keywords` item 1 is an empty list"
    );
    assert_eq!(
        err(json!(["cat", 3])),
        "`keywords` item 1 must be a string or a list of strings, got a number"
    );
    assert_eq!(
        err(json!(["cat", ["dog", null]])),
        "`keywords` item 1 must be a string or a list of strings, got null"
    );
    assert_eq!(
        err(json!(["cat", "the"])),
        "`keywords` item 1 (\"the\") has no words to match"
    );
}

// Tagged blocks removed (each leaving a space), an unclosed one to the end; empty tag names
// ignored; several tags in turn.
#[test]
fn without_blocks_removes_each_tag() {
    let t = |v: &[&str]| strings(v);
    assert_eq!(without_blocks("a<t>x</t>b<t>y", &t(&["t"])), "a b ");
    assert_eq!(without_blocks("a<t>x</t>b", &t(&["", "t"])), "a b");
    assert_eq!(without_blocks("a<t>x</t>b", &t(&[""])), "a<t>x</t>b");
    assert_eq!(
        without_blocks("<p>1</p>2<q>3</q>4", &t(&["p", "q"])),
        " 2 4"
    );
    assert_eq!(without_blocks("a</t>b", &t(&["t"])), "a</t>b");
}

// `embeddings.rs`: a vector scaled to unit length (by its largest magnitude first, sign kept);
// each malformed vector named.
#[test]
fn unit_vector_values_and_errors() {
    use plaudit_rewards::embeddings::unit_vector;
    assert_eq!(unit_vector(&json!([3, 4]), "e").unwrap(), vec![0.6, 0.8]);
    assert_eq!(unit_vector(&json!([-3, 4]), "e").unwrap(), vec![-0.6, 0.8]);
    assert_eq!(unit_vector(&json!([0, -2]), "e").unwrap(), vec![0.0, -1.0]);
    let e = unit_vector(&json!([1, null]), "e").unwrap_err();
    assert_eq!(e.status, Status::InvalidInput);
    assert_eq!(e.message, "`e[1]`: expected a finite number, got null");
    assert_eq!(
        unit_vector(&json!("1,2"), "e").unwrap_err().message,
        "`e`: expected a list of numbers, got a string"
    );
}

// `meta.<key>` read; missing and null are the same named error.
#[test]
fn meta_values_are_read_or_named_missing() {
    use plaudit_rewards::embeddings::meta_value;
    let s = common::sample(json!({"response": "", "meta": {"e": [1], "n": null}}));
    assert_eq!(meta_value(&s, "e", "a vector").unwrap(), &json!([1]));
    for key in ["n", "x"] {
        let e = meta_value(&s, key, "a vector").unwrap_err();
        assert_eq!(e.status, Status::InvalidInput);
        assert_eq!(
            e.message,
            format!("sample has no `meta.{key}` (a vector, computed by the trainer)")
        );
    }
}

// A list of vectors: up to `max` of them (exactly `max` allowed), one dimension, each a unit
// vector; an empty list kept.
#[test]
fn unit_vector_lists() {
    use plaudit_core::deadline::{Deadline, Ticker};
    use plaudit_rewards::embeddings::unit_vectors;
    let d = Deadline::none();
    let t = Ticker::new(&d, 1);
    assert_eq!(
        unit_vectors(&json!([[3, 4], [0, 2]]), "e", 2, &t).unwrap(),
        vec![vec![0.6, 0.8], vec![0.0, 1.0]]
    );
    assert_eq!(
        unit_vectors(&json!([]), "e", 0, &t).unwrap(),
        Vec::<Vec<f64>>::new()
    );
    let err = |v, max| unit_vectors(&v, "e", max, &t).unwrap_err().message;
    assert_eq!(
        err(json!([[1], [2], [3]]), 2),
        "`meta.e` has 3 vectors, more than `max_tokens` (2)"
    );
    assert_eq!(
        err(json!([[1, 0], [1, 0], [1, 2, 3]]), 3),
        "`meta.e[2]` has dimension 3, `meta.e[0]` 2: every vector must have the same"
    );
    assert_eq!(
        err(json!({"a": [1]}), 3),
        "`meta.e`: expected a list of vectors (lists of numbers), got an object"
    );
    assert_eq!(err(json!([[1], []]), 3), "`meta.e[1]` is empty");
}

// The dot product, clamped to [-1, 1].
#[test]
fn cosine_is_the_clamped_dot_product() {
    use plaudit_rewards::embeddings::cosine;
    assert_eq!(cosine(&[1.0, 0.0], &[0.6, 0.8]), 0.6);
    assert_eq!(cosine(&[0.5, 0.5], &[0.5, -0.25]), 0.125);
    assert_eq!(cosine(&[2.0], &[3.0]), 1.0);
    assert_eq!(cosine(&[-2.0], &[3.0]), -1.0);
}
