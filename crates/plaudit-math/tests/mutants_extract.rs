//! Answer extraction (`src/extract.rs`): method names, the multiple-choice letters, the last k
//! boxes, the reference's own answer. Written from the cargo-mutants run over
//! `src/extract.rs` (docs/MUTANTS.md).

mod common;

use common::correct;
use plaudit_math::extract::{
    last_boxes, last_choice_mention, leading_choice, lone_choice, reference_answer, Method,
};

#[test]
fn method_names_parse_back_to_their_methods() {
    // Every name in `NAMES` is its method's name; anything else is no method.
    let all = [
        Method::Tag,
        Method::Boxed,
        Method::Marker,
        Method::Env,
        Method::Bare,
        Method::Number,
    ];
    assert_eq!(Method::NAMES.len(), all.len());
    for (name, m) in Method::NAMES.iter().zip(all) {
        assert_eq!(m.name(), *name);
        assert_eq!(Method::parse(name), Some(m));
    }
    assert_eq!(Method::parse("boxes"), None);
    assert_eq!(Method::parse(""), None);
    assert_eq!(Method::parse("Tag"), None);
}

#[test]
fn a_lone_option_letter_is_one_standing_alone_as_a_word() {
    // B–J alone (not A or I, English words), at either end or between non-alphanumerics.
    assert_eq!(lone_choice("B"), Some('B'));
    assert_eq!(lone_choice("Because B is valid"), Some('B'));
    assert_eq!(lone_choice("so J"), Some('J'));
    assert_eq!(lone_choice("(C), surely"), Some('C'));
    assert_eq!(lone_choice("D and D again"), Some('D'));
    assert_eq!(lone_choice("A is it"), None);
    assert_eq!(lone_choice("I think"), None);
    assert_eq!(lone_choice("K"), None);
    assert_eq!(lone_choice("b"), None);
    // Inside a word or a number: not alone.
    assert_eq!(lone_choice("xB "), None);
    assert_eq!(lone_choice(" Bx"), None);
    assert_eq!(lone_choice("1B"), None);
    assert_eq!(lone_choice("B1"), None);
    assert_eq!(lone_choice("ABC"), None);
    // Two different letters: a list of candidates, no answer.
    assert_eq!(lone_choice("B or C"), None);
    assert_eq!(lone_choice("C or B"), None);
    assert_eq!(lone_choice(""), None);
}

#[test]
fn a_lone_option_letter_is_looked_for_in_texts_up_to_200_bytes() {
    let at = |n: usize| format!("{}B", " ".repeat(n - 1));
    assert_eq!(lone_choice(&at(200)), Some('B'));
    assert_eq!(lone_choice(&at(201)), None);
}

#[test]
fn the_last_parenthesised_option_mention() {
    // `(X)` for X in A–J; the last one wins.
    assert_eq!(last_choice_mention("(B)"), Some('B'));
    assert_eq!(last_choice_mention("(A)"), Some('A'));
    assert_eq!(last_choice_mention("(J)"), Some('J'));
    assert_eq!(last_choice_mention("(A) or (C) then"), Some('C'));
    assert_eq!(last_choice_mention("so (D)"), Some('D'));
    assert_eq!(last_choice_mention("(K)"), None);
    assert_eq!(last_choice_mention("(b)"), None);
    assert_eq!(last_choice_mention("[B)"), None);
    assert_eq!(last_choice_mention("(B]"), None);
    assert_eq!(last_choice_mention("(B"), None);
    assert_eq!(last_choice_mention("B)"), None);
    assert_eq!(last_choice_mention(""), None);
}

#[test]
fn the_option_letter_a_response_opens_with() {
    // A letter A–J then `.`, `)` or `:`, after any `(` or `*`.
    assert_eq!(leading_choice("B. Because"), Some('B'));
    assert_eq!(leading_choice("  (C) since"), Some('C'));
    assert_eq!(leading_choice("**D:** it is"), Some('D'));
    assert_eq!(leading_choice("A) x"), Some('A'));
    assert_eq!(leading_choice("J."), Some('J'));
    assert_eq!(leading_choice("K. no"), None);
    assert_eq!(leading_choice("B is"), None);
    assert_eq!(leading_choice("Because"), None);
    assert_eq!(leading_choice("B"), None);
    assert_eq!(leading_choice(""), None);
}

#[test]
fn multiple_choice_verdicts_from_mentions_leading_and_lone_letters() {
    // With no extracted answer: the last `(X)`, else the opening letter, else a lone one.
    let v = |resp: &str| {
        plaudit_math::verify("(C)", resp, &Default::default(), &common::deadline())
            .map(|v| (v.correct, v.answer_form))
    };
    assert_eq!(
        v("I compared (A) with (C) and picked it").unwrap(),
        (true, "C".to_string())
    );
    assert_eq!(
        v("C. Because of the symmetry").unwrap(),
        (true, "C".to_string())
    );
    assert_eq!(
        v("Because of the symmetry, D is right").unwrap(),
        (false, "D".to_string())
    );
}

#[test]
fn the_last_k_boxes_joined() {
    let t = "\\boxed{1} and then \\boxed{ 2 } and \\fbox{3}";
    assert_eq!(last_boxes(t, 1).as_deref(), Some("3"));
    assert_eq!(last_boxes(t, 2).as_deref(), Some("2, 3"));
    assert_eq!(last_boxes(t, 3).as_deref(), Some("1, 2, 3"));
    assert_eq!(last_boxes(t, 4), None);
    // Outer boxes only; a box right after another's brace is a box of its own.
    let t = "\\boxed{\\boxed{1}}\\boxed{2}";
    assert_eq!(last_boxes(t, 2).as_deref(), Some("\\boxed{1}, 2"));
    assert_eq!(last_boxes(t, 3), None);
    assert_eq!(last_boxes("no box", 1), None);
    assert_eq!(last_boxes("\\boxed{unclosed", 1), None);
}

#[test]
fn a_reference_boxing_several_parts_means_all_of_them() {
    assert_eq!(
        reference_answer("\\boxed{1} papers and \\boxed{2} bins"),
        "1, 2"
    );
    assert_eq!(reference_answer("\\boxed{1}\\fbox{2}"), "1, 2");
    // A repeated box counts once; an empty box not at all; an inner box is in its outer.
    assert_eq!(reference_answer("\\boxed{5} so \\boxed{ 5 }"), "5");
    assert_eq!(reference_answer("\\boxed{} and \\boxed{3}"), "3");
    assert_eq!(reference_answer("\\boxed{\\boxed{2}}"), "\\boxed{2}");
    // At most 16 parts.
    let many: String = (1..=20).map(|k| format!("\\boxed{{{k}}} ")).collect();
    let first16: Vec<String> = (1..=16).map(|k| k.to_string()).collect();
    assert_eq!(reference_answer(&many), first16.join(", "));
}

#[test]
fn boxes_apart_by_more_than_three_words_keep_only_the_later() {
    // Words are runs of two or more letters, not commands.
    assert_eq!(reference_answer("\\boxed{1} ab cd ef \\boxed{2}"), "1, 2");
    assert_eq!(reference_answer("\\boxed{1} ab cd ef gh \\boxed{2}"), "2");
    assert_eq!(reference_answer("\\boxed{1}ab cd ef gh\\boxed{2}"), "2");
    assert_eq!(
        reference_answer("\\boxed{1} a b c d e f \\boxed{2}"),
        "1, 2"
    );
    assert_eq!(
        reference_answer("\\boxed{1} \\quad \\qquad \\text \\mathrm \\boxed{2}"),
        "1, 2"
    );
    assert_eq!(reference_answer("\\boxed{1} ab cd ef g \\boxed{2}"), "1, 2");
    assert_eq!(reference_answer("\\boxed{1} ab,cd;ef=gh \\boxed{2}"), "2");
    // The later boxes after a cut are kept together.
    assert_eq!(
        reference_answer("\\boxed{1} so the value is \\boxed{2} and \\boxed{3}"),
        "2, 3"
    );
    // Prose before the first box does not matter.
    assert_eq!(
        reference_answer("the value we want is \\boxed{4} and \\boxed{5}"),
        "4, 5"
    );
}

#[test]
fn a_delimited_reference_is_unwrapped() {
    assert_eq!(reference_answer(" $$x$$ "), "x");
    assert_eq!(reference_answer("$x$"), "x");
    assert_eq!(reference_answer("\\(x\\)"), "x");
    assert_eq!(reference_answer("\\[x\\]"), "x");
    // Nested delimiters, in any order, and a final full stop.
    assert_eq!(reference_answer("\\($ x $\\)"), "x");
    assert_eq!(reference_answer("$ \\(x\\) $"), "x");
    assert_eq!(reference_answer("$5.$"), "5");
    assert_eq!(reference_answer("5.."), "5");
    // Too short to be delimited: left as it is.
    assert_eq!(reference_answer("$"), "$");
    assert_eq!(reference_answer("\\("), "\\(");
    assert_eq!(reference_answer("$$"), "");
    assert_eq!(reference_answer("$x"), "$x");
}

#[test]
fn a_boxed_reference_against_boxed_answers() {
    // The reference's parts against a response's boxes.
    assert!(correct("\\boxed{1} papers and \\boxed{2} bins", "1, 2"));
    assert!(!correct("\\boxed{1} papers and \\boxed{2} bins", "2"));
}

#[test]
fn the_last_number_with_its_sign_decimals_and_separators() {
    use plaudit_math::extract::last_number;
    assert_eq!(last_number("it costs $1,200.50. Done"), Some("1,200.50"));
    assert_eq!(last_number("3.14"), Some("3.14"));
    assert_eq!(last_number("so 1/2 of it"), Some("1/2"));
    assert_eq!(last_number("2,5"), Some("2,5"));
    assert_eq!(last_number("end 7."), Some("7"));
    assert_eq!(last_number("..5"), Some("5"));
    assert_eq!(last_number("7"), Some("7"));
    assert_eq!(last_number("none"), None);
    assert_eq!(last_number(""), None);
    // A sign: at the start, or after a non-alphanumeric; not a minus between operands.
    assert_eq!(last_number("-3"), Some("-3"));
    assert_eq!(last_number(" -3"), Some("-3"));
    assert_eq!(last_number("(-3)"), Some("-3"));
    assert_eq!(last_number("a-3"), Some("3"));
    assert_eq!(last_number("5-3"), Some("3"));
    // Digits inside a word are not a number: the one before it is.
    assert_eq!(last_number("x2"), None);
    assert_eq!(last_number("AZ2B"), None);
    assert_eq!(last_number("5 then x2 y"), Some("5"));
    assert_eq!(last_number("5 then AZ2B"), Some("5"));
}

#[test]
fn the_last_number_takes_groups_of_three_digits_after_single_spaces() {
    use plaudit_math::extract::last_number;
    assert_eq!(last_number("2 500 000"), Some("2 500 000"));
    assert_eq!(last_number("1 500"), Some("1 500"));
    assert_eq!(last_number("123 456"), Some("123 456"));
    assert_eq!(last_number("so 12 500."), Some("12 500"));
    // A first group of more than three digits, a group not of three, two spaces, a word.
    assert_eq!(last_number("1234 567"), Some("567"));
    assert_eq!(last_number("1 5000"), Some("5000"));
    assert_eq!(last_number("1 50"), Some("50"));
    assert_eq!(last_number("1  500"), Some("500"));
    assert_eq!(last_number("x 500"), Some("500"));
    assert_eq!(last_number("-1 500"), Some("-1 500"));
}

#[test]
fn a_short_response_without_prose_is_its_own_answer() {
    use plaudit_math::extract::bare;
    assert_eq!(bare("  x = 5  "), Some("x = 5"));
    assert_eq!(bare("5."), Some("5"));
    assert_eq!(bare("\\frac{1}{2}"), Some("\\frac{1}{2}"));
    assert_eq!(bare("abc"), Some("abc"));
    assert_eq!(bare("A and B"), Some("A and B"));
    // Words of four letters or more, short English words, a contraction: prose.
    assert_eq!(bare("abcd"), None);
    assert_eq!(bare("x is 5"), None);
    assert_eq!(bare("IS 5"), None);
    assert_eq!(bare("don't"), None);
    assert_eq!(bare("a\\b xyzw"), None);
    // Empty, more than one line, longer than 120 bytes: none.
    assert_eq!(bare("   "), None);
    assert_eq!(bare("1\n2"), None);
    let at = |n: usize| "1".repeat(n);
    assert_eq!(bare(&at(120)).map(str::len), Some(120));
    assert_eq!(bare(&at(121)), None);
}

#[test]
fn boxes_are_found_among_as_many_box_words_as_fit_in_a_window() {
    // 400 "box" in a row: 173 of them fill a 520-byte search window, all held at once.
    use plaudit_math::extract::{last_boxed, last_marker_end};
    let dense = "box".repeat(400);
    assert_eq!(last_boxed(&dense), None);
    assert_eq!(
        last_boxed(&format!("\\boxed{{4}} {dense}\\boxed{{5}}")).as_deref(),
        Some("5")
    );
    assert_eq!(
        last_boxed(&format!("\\boxed{{4}} {dense}")).as_deref(),
        Some("4")
    );
    // The same for "answer" (case folded): the last marker's end.
    let dense = "ANSWER".repeat(200);
    assert_eq!(last_marker_end(&dense, true), None);
    let t = format!("answer: 1 {dense}");
    assert_eq!(last_marker_end(&t, true), Some(7));
    let t = format!("{dense} answer is 2");
    assert_eq!(last_marker_end(&t, true), Some(t.len() - 2));
}

#[test]
fn a_box_with_nothing_after_its_spaces_is_no_box() {
    // `\boxed $` and a `\boxed ` at the end have no content: skipped, so the box before counts
    // even with words between.
    use plaudit_math::extract::last_boxed;
    assert_eq!(last_boxed("\\boxed{3} so \\boxed $").as_deref(), Some("3"));
    assert_eq!(last_boxed("\\boxed{3} so \\boxed ").as_deref(), Some("3"));
    assert_eq!(
        last_boxed("\\boxed{3} so \\boxed  7$").as_deref(),
        Some("7")
    );
    assert_eq!(last_boxed("\\boxed $"), None);
}

#[test]
fn at_most_the_last_16_adjacent_boxes_are_taken_together() {
    use plaudit_math::extract::last_boxed;
    let t: String = (1..=20).map(|k| format!("\\boxed{{{k}}}, ")).collect();
    let last16: Vec<String> = (5..=20).map(|k| k.to_string()).collect();
    assert_eq!(last_boxed(&t), Some(last16.join(", ")));
    let t: String = (1..=16).map(|k| format!("\\boxed{{{k}}} and ")).collect();
    let all: Vec<String> = (1..=16).map(|k| k.to_string()).collect();
    assert_eq!(last_boxed(&t), Some(all.join(", ")));
}

#[test]
fn an_unclosed_paren_environment_does_not_hide_a_bracket_one() {
    // Once `\(` is known unclosed, later `\(` are skipped, but not `\[`; and the other way.
    use plaudit_math::extract::last_env;
    assert_eq!(last_env("\\(a \\[y\\]"), Some("y"));
    assert_eq!(last_env("\\[a \\(y\\)"), Some("y"));
    assert_eq!(last_env("\\(a \\(b \\[y\\] c"), Some("y"));
    assert_eq!(last_env("\\(a \\(b"), None);
}
