//! The text comparison `plaudit_math` falls back to when a side does not parse as mathematics:
//! case, spacing, `$` and LaTeX spacing or sizing commands do not count, the words do. Written
//! from the cargo-mutants run over `src/lib.rs` (docs/MUTANTS.md).

mod common;

use common::deadline;
use plaudit_math::{equivalent, verify, MathError, Options, VerifyError};

#[test]
fn unparsed_answers_compare_as_normalised_text() {
    let v = verify(
        "$\\displaystyle Paris\\, & Rome$",
        "So: \\boxed{PARIS  &  rome}",
        &Options::default(),
        &deadline(),
    )
    .unwrap();
    assert_eq!(v.basis, "text");
    assert!(v.correct);
    assert_eq!(v.reference_form, "paris&rome");
    assert_eq!(v.answer_form, "paris&rome");
    let v = verify(
        "Paris & Rome",
        "\\boxed{Paris & Lyon}",
        &Options::default(),
        &deadline(),
    )
    .unwrap();
    assert_eq!(v.basis, "text");
    assert!(!v.correct);
    assert_eq!(
        (v.reference_form.as_str(), v.answer_form.as_str()),
        ("paris&rome", "paris&lyon")
    );
}

#[test]
fn equivalence_of_two_answers() {
    let eq = |a: &str, b: &str| equivalent(a, b, &Options::default(), &deadline()).unwrap();
    assert!(eq("\\frac{1}{2}", "0.5"));
    assert!(eq("2x + 1", "1 + x*2"));
    assert!(!eq("\\frac{1}{2}", "0.6"));
    assert!(!eq("2x + 1", "2x - 1"));
}

#[test]
fn why_there_is_no_verdict_in_words() {
    assert_eq!(
        VerifyError::NoAnswer.to_string(),
        "no answer found in the response"
    );
    assert_eq!(
        VerifyError::EmptyReference.to_string(),
        "the reference answer is empty"
    );
    assert_eq!(
        VerifyError::Math(MathError::Limit("nesting".into())).to_string(),
        "limit exceeded: nesting"
    );
    assert_eq!(
        VerifyError::from(MathError::Timeout).to_string(),
        "deadline exceeded"
    );
}

#[test]
fn normalised_forms_are_exact_values_of_constants_else_the_tree() {
    let forms = |r: &str, a: &str| {
        let v = verify(
            r,
            &format!("\\boxed{{{a}}}"),
            &Options::default(),
            &deadline(),
        )
        .unwrap();
        assert!(v.correct, "{r} {a}");
        (v.reference_form, v.answer_form)
    };
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(forms("0", "0"), s("0", "0"));
    assert_eq!(forms("3", "3"), s("3", "3"));
    assert_eq!(forms("\\frac{6}{4}", "1.5"), s("3/2", "3/2"));
    assert_eq!(forms("x+1", "1+x"), s("x + 1", "1 + x"));
    assert_eq!(forms("\\sqrt{2}", "\\sqrt{2}"), s("2^(1/2)", "2^(1/2)"));
    // Beyond 64 bits, the exact value while numerator and denominator fit 256 bits together.
    assert_eq!(
        forms("2^{100}", "2^{100}"),
        s(
            "1267650600228229401496703205376",
            "1267650600228229401496703205376"
        )
    );
    let (r, _) = forms("\\frac{2^{250}}{3}", "\\frac{2^{250}}{3}");
    assert!(r.ends_with("/3") && !r.contains('^'), "{r}");
    assert_eq!(forms("2^{300}", "2^{300}"), s("2^300", "2^300"));
}

#[test]
fn a_reference_that_is_a_whole_solution_gives_its_answer() {
    let ok = |r: &str| {
        let v = verify(r, "\\boxed{28}", &Options::default(), &deadline()).unwrap();
        (v.correct, v.reference_form)
    };
    // Several lines.
    assert_eq!(
        ok("We add.\nThe final answer is $28$."),
        (true, "28".to_string())
    );
    // One line longer than 120 bytes.
    let long = format!(
        "{} so the final answer is $28$.",
        "We add the numbers one by one".repeat(5)
    );
    assert!(long.len() > 120);
    assert_eq!(ok(&long), (true, "28".to_string()));
}

#[test]
fn a_decimal_comma_is_read_against_a_single_number_only() {
    let check = |r: &str, a: &str| {
        let v = verify(
            r,
            &format!("\\boxed{{{a}}}"),
            &Options::default(),
            &deadline(),
        )
        .unwrap();
        (v.correct, v.reference_form, v.answer_form)
    };
    let s = |c: bool, r: &str, a: &str| (c, r.to_string(), a.to_string());
    assert_eq!(check("2,74", "2.74"), s(true, "137/50", "137/50"));
    assert_eq!(check("2.74", "2,74"), s(true, "137/50", "137/50"));
    // Against a set, `2,74` is the two answers 2 and 74.
    assert_eq!(check("2,74", "\\{2, 74\\}"), s(true, "2; 74", "{2, 74}"));
    // Both sides of the comma need digits: `,5` is not 0.5.
    assert_eq!(check(",5", "0.5"), s(false, "5", "1/2"));
}

#[test]
fn a_reference_of_exactly_the_length_limit_is_accepted() {
    let mut o = Options::default();
    o.limits.max_answer_len = 5;
    let v = verify("12345", "\\boxed{12345}", &o, &deadline()).unwrap();
    assert!(v.correct);
    assert_eq!(
        verify("123456", "\\boxed{12345}", &o, &deadline()),
        Err(VerifyError::Math(MathError::Limit(
            "reference: answer of 6 bytes is longer than 5 bytes".into()
        )))
    );
}

#[test]
fn a_correct_last_box_is_kept_without_joining_boxes() {
    // The last box already answers the two-item reference: it stays the answer, rather than
    // the last two boxes joined (`3, 3, 5`, which would match as a multiset too).
    let v = verify(
        "3, 5",
        "\\boxed{3} then \\boxed{3, 5}",
        &Options::default(),
        &deadline(),
    )
    .unwrap();
    assert!(v.correct);
    assert_eq!(
        (v.answer.as_str(), v.answer_form.as_str()),
        ("3, 5", "3; 5")
    );
    // Boxes apart are joined.
    let v = verify(
        "(3, 3), (1, 1)",
        "\\boxed{(3, 3)} for part (a) and \\boxed{(1, 1)}",
        &Options::default(),
        &deadline(),
    )
    .unwrap();
    assert!(v.correct);
    assert_eq!(v.answer, "(3, 3), (1, 1)");
}

#[test]
fn a_one_line_reference_is_a_whole_solution_only_beyond_120_bytes() {
    let verdict = |pad: &str| {
        let r = format!(
            "{}{pad} so the final answer is $28$.",
            // Read as it is, the text is a list (`ab, cd, …`), not 28.
            "We add up all numbers: ab, cd".repeat(3)
        );
        let v = verify(&r, "\\boxed{28}", &Options::default(), &deadline()).unwrap();
        (r.len(), v.correct, v.reference_form == "28")
    };
    // The reference answer drops the closing period: 120 bytes are compared as they are,
    // 121 bytes are a solution whose final answer is taken.
    assert_eq!(verdict("xxxxx"), (121, false, false));
    assert_eq!(verdict("xxxxxx"), (122, true, true));
}
