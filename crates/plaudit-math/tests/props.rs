//! Property tests: random and mutated LaTeX never panics, never needs more than a generous
//! deadline, and a deadline that cuts the work short is reported as `Timeout`, never as a verdict
//! that differs from the unhurried one.

use std::time::Duration;

use plaudit_deadline::Deadline;
use plaudit_math::{verify, MathError, Options, VerifyError};

/// Far above what any generated input needs (milliseconds); only a blow-up reaches it.
const LONG: Duration = Duration::from_secs(20);
use proptest::prelude::*;

const PIECES: &[&str] = &[
    "\\frac",
    "\\dfrac",
    "\\sqrt",
    "\\sqrt[3]",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\\{",
    "\\}",
    "\\left(",
    "\\right)",
    "|",
    "^",
    "_",
    "+",
    "-",
    "*",
    "/",
    "=",
    "<",
    "\\le",
    "\\ge",
    ",",
    ";",
    "!",
    "%",
    "\\%",
    "^\\circ",
    "\\pm",
    "\\cdot",
    "\\times",
    "\\div",
    "\\pi",
    "e",
    "i",
    "x",
    "y",
    "\\theta",
    "\\infty",
    "\\sin",
    "\\cos",
    "\\log",
    "\\ln",
    "\\log_2",
    "\\binom",
    "\\text{ cm}",
    "\\text{ or }",
    "and",
    "\\cup",
    "\\in",
    "\\begin{pmatrix}",
    "\\end{pmatrix}",
    "&",
    "\\\\",
    "\\boxed{",
    "$",
    "0",
    "1",
    "2",
    "3.5",
    "10",
    "999999999999",
    "1,000",
    "1e5",
    ".",
    "\\emptyset",
    "\\lfloor",
    "\\rfloor",
    " ",
    "π",
    "√",
    "≤",
    "∞",
    "\\",
    "\\mathbb{R}",
    "\\fbox{",
    "####",
    "The answer is ",
    "<answer>",
    "</answer>",
];

fn latex() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|v| v.concat())
}

/// Whether `a` states two unequal values equal (`1,234=.5`: two sides side by side, no letter
/// in either, that the verifier does not find equal): a false statement matches nothing, itself
/// included.
fn false_statement(a: &str) -> bool {
    let value = |s: &str| !s.trim().is_empty() && !s.chars().any(char::is_alphabetic);
    let d = Deadline::after(Duration::from_millis(200));
    let sides: Vec<&str> = a.split('=').collect();
    sides.windows(2).any(|w| {
        value(w[0])
            && value(w[1])
            && verify(
                w[0],
                &format!("\\boxed{{{}}}", w[1]),
                &Options::default(),
                &d,
            )
            .is_ok_and(|v| !v.correct)
    })
}

fn mutated() -> impl Strategy<Value = String> {
    let seeds = prop::sample::select(
        &[
            "\\frac{1}{2}",
            "x^2+2x+1",
            "(1, 2]",
            "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}",
            "y = 2x + 1",
            "\\{1, 2, 3\\}",
            "3\\sqrt{2}",
            "x \\in (-\\infty, 1) \\cup (2, \\infty)",
            "10^{10^{10}}",
            "\\sin^2 x",
            "\\log_2 8",
            "50\\%",
            "\\text{(B)}",
            "1,234.5",
            "-\\frac{\\sqrt{3}}{2}",
        ][..],
    );
    (
        seeds,
        prop::collection::vec((any::<usize>(), any::<char>(), 0u8..3), 0..8),
    )
        .prop_map(|(s, edits)| {
            let mut chars: Vec<char> = s.chars().collect();
            for (pos, c, op) in edits {
                let k = if chars.is_empty() {
                    0
                } else {
                    pos % (chars.len() + 1)
                };
                match op {
                    0 => chars.insert(k, c),
                    1 if k < chars.len() => {
                        chars.remove(k);
                    }
                    _ => chars.insert(k, ['{', '}', '(', ')', '\\', '^', '_', '$', '|'][pos % 9]),
                }
            }
            chars.into_iter().collect()
        })
}

fn check(reference: &str, response: &str) -> Result<(), TestCaseError> {
    // Whatever the input, the verifier answers without panicking, and under an expired deadline
    // it reports `Timeout` (every loop checks it) or a verdict reached before its first check —
    // never hangs. No wall-clock bound: a loaded machine is many times slower than a quiet one.
    let out = std::panic::catch_unwind(|| {
        verify(
            reference,
            response,
            &Options::default(),
            &Deadline::after(LONG),
        )
    });
    prop_assert!(out.is_ok(), "panicked on {reference:?} / {response:?}");
    prop_assert!(
        !matches!(out, Ok(Err(VerifyError::Math(MathError::Timeout)))),
        "{LONG:?} were not enough for {reference:?} / {response:?}"
    );
    let full = out.unwrap();
    let expired = std::panic::catch_unwind(|| {
        verify(
            reference,
            response,
            &Options::default(),
            &Deadline::after(Duration::ZERO),
        )
    });
    prop_assert!(expired.is_ok(), "panicked on {reference:?} / {response:?}");
    match (expired.unwrap(), full) {
        (Err(VerifyError::Math(MathError::Timeout)), _) => {}
        (Ok(a), Ok(b)) => prop_assert_eq!(a.correct, b.correct, "{:?} / {:?}", reference, response),
        (Err(a), Err(b)) => prop_assert_eq!(format!("{a:?}"), format!("{b:?}")),
        (a, b) => prop_assert!(false, "cut short: {a:?}, unhurried: {b:?}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_latex_never_panics(a in latex(), b in latex()) {
        check(&a, &b)?;
        check(&a, &format!("so \\boxed{{{b}}}"))?;
    }

    #[test]
    fn mutated_answers_never_panic(a in mutated(), b in mutated()) {
        check(&a, &b)?;
        check(&b, &format!("The final answer is ${a}$."))?;
    }

    #[test]
    fn arbitrary_text_never_panics(a in ".{0,80}", b in ".{0,200}") {
        check(&a, &b)?;
    }

    #[test]
    fn equal_strings_are_equivalent(a in mutated()) {
        // Whatever parses, compared with itself, is accepted (or fails with a status).
        let d = Deadline::after(Duration::from_millis(200));
        if let Ok(v) = verify(&a, &format!("\\boxed{{{a}}}"), &Options::default(), &d) {
            if v.basis == "math" && !a.contains('$') && !a.contains('}') && !a.contains('{') {
                prop_assert!(
                    v.correct || v.answer != a || false_statement(&a),
                    "{a:?} not equal to itself: {v:?}"
                );
            }
        }
    }
}

#[test]
fn a_false_statement_is_the_one_string_not_equal_to_itself() {
    // The case the property drew once: `1,234=.5` compared with itself matches nothing.
    assert!(false_statement("1,234=.5"));
    let d = Deadline::after(Duration::from_millis(200));
    let v = verify("1,234=.5", "\\boxed{1,234=.5}", &Options::default(), &d).unwrap();
    assert!(!v.correct);
    assert!(!false_statement("1,234.5"));
    assert!(!false_statement("y = 2x + 1"));
    assert!(!false_statement("2 + 2 = 4"));
}
