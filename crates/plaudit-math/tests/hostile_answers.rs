//! Answers that said something other than their value and were read as the value: negations
//! (`x \not= 5`, `\neg`, `\text{not } 4`), bounds (`\text{at least } 4`, `4 \text{ or more}`),
//! empty groups (`\boxed{}`, `\mathrm{undefined}` as the empty product 1), labels and invisible
//! text (`4 \tag{5}` was 20, `\phantom{0}5` was 0), dashes (`‐2` was 2), and symbols or digits
//! the lexer skipped (`x ∉ A` was `x A`, `1２` was 1). Each is now read, or refused.

mod common;

use common::{correct, deadline, node};
use plaudit_math::{parse, Limits, MathError};

fn parse_error(s: &str) -> String {
    match parse(s, &Limits::default(), &deadline()) {
        Err(MathError::Parse(m)) => m,
        other => panic!("{s}: {other:?}"),
    }
}

#[test]
fn negated_equality_is_inequality_and_other_negations_are_refused() {
    // `\not=` and `=` with a combining long solidus (U+0338) are `\ne`; neither is the value.
    assert!(!correct("5", "x \\not= 5"));
    assert!(correct("x \\ne 5", "x \\not= 5"));
    assert!(correct("x \\ne 5", "x \\not \\equiv 5"));
    assert!(!correct("4", "x =\u{338} 4"));
    assert!(correct("x \\ne 4", "x =\u{338} 4"));
    // `\not\in`, `\neg`, `\lnot`, `¬`: refused, with the reason.
    assert!(!correct("(0,5)", "x \\not\\in (0,5)"));
    assert!(!correct("4", "\\neg(x = 4)"));
    assert_eq!(
        parse_error("x \\not\\in (0,5)"),
        "`\\not` before something other than `=`"
    );
    assert_eq!(
        parse_error("\\lnot(x = 4)"),
        "a negation (`\\lnot`) is not an answer"
    );
    assert_eq!(parse_error("¬(x = 4)"), "a negation (`¬`) is not an answer");
    assert_eq!(
        parse_error("x <\u{338} 4"),
        "a struck-through symbol (U+0338) other than `=`"
    );
}

#[test]
fn words_that_negate_or_bound_a_value_are_refused() {
    // The word beside the value changes what it says: not 4, 4 or more, at least 4.
    for answer in [
        "\\text{not } 4",
        "\\text{at least } 4",
        "\\text{less than } 4",
        "4 \\text{ or more}",
        "\\text{no more than } 4",
    ] {
        assert!(!correct("4", answer), "{answer}");
    }
    assert_eq!(
        parse_error("\\text{at least } 4"),
        "the answer says `least` before its value"
    );
    // Words alone are a text answer, as before.
    assert!(correct("\\text{no solution}", "\\text{no solution}"));
    // Sign words are signs.
    assert!(correct("-4", "\\text{minus } 4"));
    assert!(correct("-4", "\\text{negative } 4"));
    assert!(!correct("4", "\\text{negative } 4"));
    assert!(correct("7", "3 \\text{ plus } 4"));
    assert!(!correct("2", "\\text{plus or minus } 2"));
}

#[test]
fn an_empty_group_is_no_answer_and_a_group_of_words_is_its_words() {
    // `{}` stands for 1 only beside something (`{}^\circ`); alone it was the answer 1.
    for answer in [
        "{}",
        "\\mathrm{undefined}",
        "\\mathbf{?}",
        "\\phantom{}",
        "{{}}",
    ] {
        assert!(!correct("1", answer), "{answer}");
    }
    assert!(correct("\\text{undefined}", "\\mathrm{undefined}"));
    assert!(correct("\\text{DNE}", "\\mathrm{DNE}"));
    assert!(correct("90^\\circ", "90{}^\\circ"));
}

#[test]
fn labels_tags_spacing_and_phantoms_drop_their_argument() {
    // Their argument is no part of the answer: `4 \tag{5}` was 20, `\phantom{0}5` was 0.
    assert!(correct("4", "4 \\tag{5}"));
    assert!(correct("4", "4 \\tag*{5}"));
    assert!(correct("4", "4 \\hspace{5}"));
    assert!(correct("4", "4 \\hspace*{5pt}"));
    assert!(correct("4", "\\vspace{2}4"));
    assert!(correct("5", "5 \\label{eq}"));
    assert!(correct("5", "5 \\eqref{eq}"));
    assert!(correct("5", "\\phantom{0}5"));
    assert!(correct("5", "\\hphantom{0}5"));
    assert!(!correct("20", "4 \\tag{5}"));
    assert!(!correct("0", "\\phantom{0}5"));
}

#[test]
fn dashes_and_minus_signs_of_every_script_are_minus() {
    // `‐2` (U+2010) and its kin were read as 2.
    for dash in [
        '\u{2010}', '\u{2011}', '\u{2012}', '\u{2015}', '\u{2043}', '\u{2e3a}', '\u{2e3b}',
        '\u{fe58}', '\u{fe63}', '\u{ff0d}', '\u{2d7}', '\u{2796}',
    ] {
        let answer = format!("{dash}2");
        assert!(correct("-2", &answer), "{answer}");
        assert!(!correct("2", &answer), "{answer}");
    }
    for plus in ['\u{ff0b}', '\u{2795}', '\u{fe62}'] {
        assert!(correct("5", &format!("2{plus}3")), "{plus}");
    }
}

#[test]
fn unknown_operators_and_other_scripts_digits_are_refused() {
    // Skipping them changed the value: `x ∉ A` read `x A`, `1２` read 1, `2⊗3` read 6.
    assert!(!correct("x \\in A", "x ∉ A"));
    assert!(!correct("1", "1２"));
    assert!(!correct("6", "2 ⊗ 3"));
    assert!(!correct("3", "３"));
    assert_eq!(parse_error("x ∉ A"), "unknown symbol `∉` (U+2209)");
    assert_eq!(parse_error("1２"), "unknown symbol `２` (U+FF12)");
    assert_eq!(parse_error("𝟑"), "unknown symbol `𝟑` (U+1D7D1)");
    // `∨` is "or"; `∴`, `∵`, `∠` and arrows are words, as `\therefore`, `\angle`, `\to` are.
    assert!(correct("3, 4", "3 ∨ 4"));
    assert!(correct("3", "∴ x = 3"));
    assert!(correct("30^\\circ", "∠ABC = 30°"));
    assert!(!correct("10", "2 → 5"));
}

#[test]
fn a_bar_over_decimal_digits_repeats_them() {
    // `0.\overline{36}` is 4/11 (the bar was dropped: 0·36 = 0), `1.\overline{6}` is 5/3 (was 6).
    assert!(correct("\\frac{4}{11}", "0.\\overline{36}"));
    assert!(!correct("0.\\overline{36}", "0.\\overline{72}"));
    assert!(!correct("0.\\overline{36}", "0"));
    assert!(correct("\\frac53", "1.\\overline{6}"));
    assert!(!correct("6", "1.\\overline{6}"));
    assert!(correct("\\frac{68}{55}", "1.2\\overline{36}"));
    assert!(correct("\\frac13", "0.3\\overline{3}"));
    assert!(correct("\\frac13", ".\\overline{3}"));
    assert!(correct("1", "0.\\overline{9}"));
    // A bar over letters is still a name's decoration.
    assert!(correct("\\overline{AB}", "\\overline{AB}"));
}

#[test]
fn a_decimal_is_no_approximation_of_a_value_it_could_not_be_rounded_from() {
    // Within 1e-9 relatively, but not within half a unit of the last place: `.0` made an exact
    // comparison of large integers a tolerance of 1e-9 (ten significant digits for 20!).
    assert!(!correct("2^{64}", "18446744073709551615.0"));
    assert!(correct("2^{64}", "18446744073709551616.0"));
    assert!(!correct("999999999", "1000000000.0"));
    assert!(!correct("2432902008176640000", "2432902008000000000.0"));
    assert!(correct("3", "3.00"));
    // Roundings still count: six places or more, and a printed double held to 15 places.
    assert!(correct("\\frac{2}{3}", "0.666667"));
    assert!(!correct("\\frac{2}{3}", "0.666666"));
    assert!(correct("\\frac17", "0.1428571428571428"));
}

#[test]
fn a_computation_written_out_is_the_value_it_computes() {
    // `9 \times 2 = 18` is 18 when every side is equal (it matched nothing before); a false
    // computation (`3 = 4`) matches neither side.
    assert!(correct("18", "9 \\times 2 = 18"));
    assert!(correct("4", "2 + 2 = 4"));
    assert!(correct("\\frac{1}{2}", "\\frac{2}{4} = \\frac{1}{2}"));
    assert!(!correct("18", "9 \\times 2 = 19"));
    assert!(!correct("19", "9 \\times 2 = 19"));
    assert!(!correct("3", "3 = 4"));
    assert!(!correct("4", "3 = 4"));
    // Only numbers: with a variable it is an identity, with tuples no computation.
    assert!(!correct("x+1", "x + 1 = 1 + x"));
    assert!(!correct("(1,2)", "(1,2) = (1,2)"));
}

#[test]
fn units_scales_and_short_words_are_not_variables() {
    // `4 \text{ m}` was 4m, `4 \text{ km/h}` 4/h, `30^\circ C` (30°)·C; words in text mode.
    assert!(correct("4", "4 \\text{ m}"));
    assert!(correct("4", "4 \\text{ km/h}"));
    assert!(correct("4", "4 \\text{m/s}"));
    assert!(correct("30", "30^\\circ C"));
    assert!(correct("30^\\circ", "30^\\circ\\text{F}"));
    assert!(correct("3", "\\text{it is } 3"));
    // A letter that is mathematics stays a variable: `4m`, `ab`, `\text{x}`.
    assert!(correct("4m", "4m"));
    assert!(!correct("4", "4m"));
    assert!(correct("ab", "ab"));
    assert!(correct("x", "\\text{x}"));
    // `3 \text{ of } 4` was 12: two numbers with a word between are refused.
    assert!(!correct("12", "3 \\text{ of } 4"));
}

#[test]
fn values_of_different_unknowns_keep_their_order() {
    // `a = 3, b = 5` against `5, 3` swaps the unknowns (it matched, the lists being unordered).
    assert!(!correct("a = 3, b = 5", "5, 3"));
    assert!(correct("a = 3, b = 5", "3, 5"));
    assert!(!correct("x = 1, y = 2", "2, 1"));
    assert!(!correct("x = 1, y = 2", "1, 1, 2"));
    // Named in the answer, any order; one unknown's values or indexed roots, any order.
    assert!(correct("a = 3, b = 5", "b = 5, a = 3"));
    assert!(correct("x = 1, x = 2", "2, 1"));
    assert!(correct("x_1 = 2, x_2 = 3", "3, 2"));
}

#[test]
fn a_tuple_answers_unknowns_named_one_by_one_in_order() {
    // A system's solution: `(1, 2)` and `x = 1, y = 2` are the same answer, either way round
    // (each was wrong against the other); swapped or of another length, not.
    assert!(correct("(1,2)", "x=1, y=2"));
    assert!(correct("x = 1, y = 2", "(1,2)"));
    assert!(correct("(1,2,3)", "a=1, b=2, c=3"));
    assert!(!correct("(1,2)", "x=2, y=1"));
    assert!(!correct("x = 1, y = 2", "(2,1)"));
    assert!(!correct("x = 1, y = 2", "(1,2,3)"));
    assert!(!correct("1", "x=1, y=2"));
}

#[test]
fn letters_in_mathematics_stay_variables() {
    // Two letters in mathematics are a product (`at`, `an`), never a dropped English word:
    // `\frac{1}{2}at^2` is not 1/2, `2an` is not 2.
    assert!(!correct("\\frac{1}{2}", "\\frac{1}{2}at^2"));
    assert!(correct("\\frac{1}{2}at^2", "\\frac{1}{2} a t^2"));
    assert!(correct("e^{at}", "e^{a t}"));
    assert!(!correct("2", "2an"));
}

#[test]
fn a_bound_is_refused_before_the_value_or_after_or_and_prose_after_it_is_not() {
    // Before the value: not, at least, over, less than …; after it only as "or more".
    for answer in [
        "\\text{not } 5",
        "\\text{at least } 5",
        "\\text{over } 5",
        "\\text{less than } 5",
        "\\text{anything but } 5",
        "5 \\text{ or more}",
        "5 \\text{ or fewer}",
    ] {
        assert!(!correct("5", answer), "{answer}");
    }
    assert_eq!(
        parse_error("5 \\text{ or more}"),
        "the answer says `or more` after its value"
    );
    // Prose after the value is its prose (GSM8K's "4 more dollars"), as are words inside it.
    assert!(correct("6", "6 \\text{ more apples}"));
    assert!(correct("4", "4 more dollars"));
    assert!(correct("3", "3 \\text{ fewer}"));
    assert!(correct(
        "24",
        "\\text{Number of ways with no two adjacent} = 24"
    ));
}

#[test]
fn groups_of_words_between_numbers_are_refused_too() {
    // `2 \mathrm{apples} 5` and `2 {}5` were 10; a number inside a group is another matter
    // (`\frac{1}{2}5` is 5/2, `x^{2} 3` is 3x²).
    assert!(!correct("10", "2 \\mathrm{~apples~} 5"));
    assert!(!correct("10", "2 \\mathrm{apples} 5"));
    assert!(!correct("10", "2 {}5"));
    assert!(correct("\\frac52", "\\frac{1}{2}5"));
    assert!(correct("3x^2", "x^{2} 3"));
    // Digits after a repeating decimal's bar are refused (`0.\overline{3}3` was 1).
    assert!(!correct("1", "0.\\overline{3}3"));
    assert_eq!(
        parse_error("0.\\overline{3}3"),
        "digits after a repeating decimal's bar"
    );
}

#[test]
fn floor_ceiling_asterisk_and_braced_degrees_are_read() {
    // `⌊3.5⌋` was 7/2 (the brackets skipped), `2 ∗ 3` refused, `30^{\circ}\text{C}` a product.
    assert!(correct("3", "⌊3.5⌋"));
    assert!(correct("4", "⌈3.5⌉"));
    assert!(!correct("\\frac72", "⌊3.5⌋"));
    assert!(correct("6", "2 ∗ 3"));
    assert!(correct("30", "30^{\\circ}\\text{C}"));
}

#[test]
fn intervals_and_sets_do_not_answer_named_unknowns() {
    // `(2, 5]` and `[2, 5]` are intervals and a set has no order: none answers `x = 2, y = 5`.
    assert!(!correct("x=2, y=5", "(2, 5]"));
    assert!(!correct("[2, 5]", "a = 2, b = 5"));
    assert!(!correct("x=2,y=-1", "\\{2,-1\\}"));
    assert!(correct("x=2, y=5", "(2, 5)"));
}

#[test]
fn a_final_answer_sentence_that_negates_its_value_is_not_the_value() {
    // "The answer is not 5." was cut down to its last number, 5.
    use plaudit_math::{verify, Options};
    let v = |response: &str| verify("5", response, &Options::default(), &deadline()).unwrap();
    for response in [
        "The answer is not 5.",
        "#### not 5",
        "The final answer is never 5",
        // The refusing word is the last word before the value, however long the sentence.
        "Final Answer: The largest $n$ is not 5",
        "Final Answer: the value we want is never 5",
    ] {
        let verdict = v(response);
        assert!(!verdict.correct, "{response}");
        assert!(
            verdict.answer.ends_with('5') && verdict.answer.len() > 1,
            "{response}"
        );
    }
    // A sentence ending in its value still gives the value.
    assert!(v("The answer is 5.").correct);
    assert!(v("Final Answer: The largest $n$ is 5").correct);
}

#[test]
fn a_modulus_qualifies_a_congruence_and_is_no_factor() {
    // `x \equiv 3 \pmod{7}` was x = 21 (3 times the bracketed 7).
    assert!(!correct("21", "x \\equiv 3 \\pmod{7}"));
    assert!(correct("3", "x \\equiv 3 \\pmod{7}"));
    assert!(correct("3", "x \\equiv 3 \\pmod 7"));
    assert!(correct("3", "x \\equiv 3 \\mod 7"));
    assert!(correct("3", "3 (mod 7)"));
    assert!(!correct("21", "3 (mod 7)"));
    // A remainder is not evaluated: refused.
    assert!(!correct("3", "10 \\bmod 7"));
    assert_eq!(
        parse_error("10 \\bmod 7"),
        "a remainder (`\\bmod`) is not evaluated"
    );
}

#[test]
fn an_integer_before_an_improper_fraction_multiplies_it() {
    // `3\frac{5}{2}` is 15/2 (it was added as a mixed number: 11/2); a proper fraction after an
    // integer is still a mixed number.
    assert!(correct("\\frac{15}{2}", "3\\frac{5}{2}"));
    assert!(!correct("\\frac{11}{2}", "3\\frac{5}{2}"));
    assert!(correct("6", "3\\frac21"));
    assert!(correct("\\frac72", "3\\frac12"));
    // A fraction equal to 1 is not proper: `3\frac{2}{2}` is 3 · 2/2 = 3, not 3 + 1.
    assert!(correct("3", "3\\frac{2}{2}"));
    assert!(!correct("4", "3\\frac{2}{2}"));
}

#[test]
fn a_command_s_argument_is_not_a_number_side_by_side() {
    // `\frac 3 4` is 3/4 and `\binom 5 2` is 10: the first number is the command's argument.
    assert!(correct("\\frac34", "\\frac 3 4"));
    assert!(correct("10", "\\binom 5 2"));
    assert!(correct("3\\sqrt2", "\\sqrt 2 3"));
}

#[test]
fn plus_minus_in_a_set_and_tuples_solved_either_way_round() {
    // `\{1 \pm 2\}` is {3, -1} (a set kept the list as one item); `(1, 2) = (x, y)` states
    // (1, 2) as `(x, y) = (1, 2)` does.
    assert!(correct("\\{3, -1\\}", "\\{1 \\pm 2\\}"));
    assert!(correct("\\{1 \\pm 2\\}", "\\{3, -1\\}"));
    assert!(!correct("\\{3, 1\\}", "\\{1 \\pm 2\\}"));
    assert!(correct("(1, 2)", "(1, 2) = (x, y)"));
    assert!(correct("(1, 2)", "(x, y) = (1, 2)"));
    assert!(!correct("(2, 1)", "(1, 2) = (x, y)"));
}

#[test]
fn an_empty_argument_or_operand_is_no_value() {
    // `\sqrt{}`, `\frac{}{}`, `{}!`, `|{}|` were all 1 (the empty group's product); beside what
    // it multiplies (`{}^\circ`, `{}x`) an empty group is still one.
    for answer in ["\\sqrt{}", "\\frac{}{}", "\\binom{}{}", "{}!", "|{}|"] {
        assert!(!correct("1", answer), "{answer}");
    }
    assert_eq!(parse_error("\\sqrt{}"), "an empty argument `{}`");
    assert_eq!(parse_error("{}!"), "an empty group `{}`");
    assert!(correct("90^\\circ", "90{}^\\circ"));
    assert!(correct("x", "{}x"));
}

#[test]
fn an_answer_that_defines_a_function_is_the_function() {
    // `p(x) = x^2 + 1` was the equation `p·x = x^2 + 1`: only f, g and h were function names.
    assert!(correct("x^2+1", "p(x) = x^2+1"));
    assert!(correct("2x+3", "q(x)=2x+3"));
    assert!(correct("a^2 b", "P(a, b) = a^2 b"));
    assert!(!correct("x^2+1", "p(x) = x^2+2"));
    assert_eq!(node("p(x) = x^2+1").to_string(), "p(x) = x^2 + 1");
    // Only a definition: the name first, distinct variables, then `=`; elsewhere a product.
    assert_eq!(node("p(x)").to_string(), "p*x");
    assert_eq!(node("y = p(x)").to_string(), "y = p*x");
    assert_eq!(node("p(x) + 1 = 3").to_string(), "p*x + 1 = 3");
    assert_eq!(node("x(x) = 4").to_string(), "x*x = 4");
    assert_eq!(node("p(x, x) = 4").to_string(), "p*(x, x) = 4");
    assert_eq!(node("p(2) = 4").to_string(), "p*2 = 4");
    assert_eq!(node("e(x) = 4").to_string(), "e*x = 4");
}

#[test]
fn a_chain_of_unequal_values_is_a_false_statement() {
    // `x = 5 = 6` was read as its last side, `x = 6`.
    assert!(!correct("6", "x = 5 = 6"));
    assert!(!correct("5", "x = 5 = 6"));
    assert!(!correct("x = 6", "x = 5 = 6"));
    // Wherever the two values stand, and whatever the first side: a false statement matches
    // nothing, itself included.
    assert!(!correct("x = 2", "2x = 4 = 5"));
    assert!(!correct("2x = 4 = 5", "2x = 4 = 5"));
    assert!(!correct("x", "3 = 4 = x"));
    assert!(!correct("4", "3 = 4"));
    assert!(correct("4", "x = 2 + 2 = 4"));
    // A chain that computes its value still gives it, a rounding included.
    assert!(correct("5", "x = 2 + 3 = 5"));
    assert!(correct("1.414", "x = \\sqrt{2} = 1.414"));
    assert!(correct("0.33", "x = \\frac{1}{3} = 0.33"));
    assert!(!correct("0.34", "x = \\frac{1}{3} = 0.34"));
    assert!(!correct("5.4", "x = 5 = 5.4"));
    assert!(correct("6", "x = 2y = 6"));
    // Half a unit of the last place is a rounding, also where the doubles' difference lands a
    // hair above it (2.45 - 2.4 is 0.05000000000000027 in doubles); past it is not.
    assert!(correct("2.4", "x = \\frac{49}{20} = 2.4"));
    assert!(correct("2.5", "x = \\frac{49}{20} = 2.5"));
    assert!(!correct("2.3", "x = \\frac{49}{20} = 2.3"));
    // No decimal is a rounding of an infinity.
    assert!(!correct("1.000000", "x = \\infty = 1.000000"));
    assert!(!correct("\\infty", "x = \\infty = 1.000000"));
}

#[test]
fn a_value_offered_as_an_alternative_is_no_answer() {
    // "The answer is either 3 or 4." was 4 (the sentence's last number), and so was a response
    // ending "3 or 4" without a marker: a hedge paid whenever either value was right.
    use plaudit_math::{verify, Options, VerifyError};
    let v = |reference: &str, response: &str| {
        verify(reference, response, &Options::default(), &deadline())
    };
    for response in [
        "The answer is either 3 or 4.",
        "The answer is 3 or possibly 4",
        "The final answer is 3, or maybe 4.",
    ] {
        for reference in ["3", "4"] {
            let verdict = v(reference, response).unwrap();
            assert!(!verdict.correct, "{response}");
            assert!(
                verdict.answer.contains("3") && verdict.answer.ends_with('4'),
                "{response}"
            );
        }
    }
    for response in [
        "So we get 3 or 4",
        "So it is 3, or perhaps 4.",
        "The roots are 3 and 4.",
    ] {
        assert_eq!(v("4", response), Err(VerifyError::NoAnswer), "{response}");
    }
    // A sentence that arrives at one value still gives it.
    for response in [
        "So we get 3 + 1 = 4.",
        "The sum of 3 and 1 is 4.",
        "The answer is 4.",
        "Tom has 3 apples, so 4",
    ] {
        assert!(v("4", response).unwrap().correct, "{response}");
    }
}

#[test]
fn a_final_answer_sentence_ending_in_digits_inside_a_word_is_read_safely() {
    // The number before a word with digits (`e3.5`) was sliced as if it ended the sentence: a
    // panic on a multi-byte character (found by the property test).
    use plaudit_math::{verify, Options};
    let v = |response: &str| verify("5", response, &Options::default(), &deadline());
    let r = v("####\\begin{pmatrix}999999999999\\frac√\\lfloore3.5");
    assert!(!r.unwrap().correct);
    let r = v("The answer is: the value 5 of √x2").unwrap();
    assert!(r.correct, "{r:?}");
    assert_eq!(r.answer, "5");
    let r = v("The answer is: not 5 but x2").unwrap();
    assert!(!r.correct, "{r:?}");
}

#[test]
fn no_decimal_is_a_rounding_of_an_infinity() {
    // `1.000000` (six places or more) was a rounding of ∞: the tolerance scaled with the value.
    for answer in ["1.000000", "0.000000", "-1.0000000"] {
        assert!(!correct("\\infty", answer), "{answer}");
        assert!(!correct("-\\infty", answer), "{answer}");
    }
    assert!(correct("\\infty", "\\infty"));
    assert!(correct("\\pi", "3.141593"));
}
