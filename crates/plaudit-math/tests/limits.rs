//! Inputs built to hang or crash a verifier return with a status, decided by the verifier's own
//! structural limits (nesting, digits, items) rather than by the clock.
//!
//! No assertion here compares a wall-clock time with a fixed number: a loaded machine may be many
//! times slower than a quiet one. Each input runs under a deadline far above what it needs
//! (`GENEROUS`), and the test asserts the verdict or the `Limit` error: a verifier that burned
//! its time instead of refusing would come back `Timeout`, which fails the test. The one timing
//! relation (`the_deadline_stops_work`) compares two runs of the same work in the same test. How
//! fast these cases are is a benchmark's question (`scripts/bench/bench_math.py`).

mod common;

use std::time::Duration;

use common::small_stack;
use plaudit_deadline::Deadline;
use plaudit_math::{verify, MathError, Options, Verdict, VerifyError};

/// A deadline that only a verifier without its limits could reach (each case needs milliseconds).
const GENEROUS: Duration = Duration::from_secs(60);

fn run(reference: &str, response: &str) -> Result<Verdict, VerifyError> {
    let d = Deadline::after(GENEROUS);
    verify(reference, response, &Options::default(), &d)
}

fn is_limit(r: &Result<Verdict, VerifyError>) -> bool {
    matches!(r, Err(VerifyError::Math(MathError::Limit(_))))
}

#[test]
fn ten_thousand_nested_braces_and_parentheses() {
    small_stack(|| {
        for (o, c) in [
            ("{", "}"),
            ("(", ")"),
            ("\\left(", "\\right)"),
            ("\\sqrt{", "}"),
            ("\\frac{1}{", "}"),
            ("|", "|"),
        ] {
            let resp = format!("\\boxed{{{}1{}}}", o.repeat(10_000), c.repeat(10_000));
            let r = run("1", &resp);
            assert!(is_limit(&r), "{o}: {r:?}");
            let r = run(&resp[7..resp.len() - 1], "\\boxed{1}");
            assert!(is_limit(&r), "reference {o}: {r:?}");
        }
        // Minus signs and exponents chain without brackets.
        let r = run("1", &format!("\\boxed{{{}1}}", "-".repeat(10_000)));
        assert!(is_limit(&r), "{r:?}");
        let r = run("1", &format!("\\boxed{{{}2}}", "2^".repeat(10_000)));
        assert!(is_limit(&r), "{r:?}");
        let r = run(
            "1",
            &format!(
                "\\boxed{{{}}}",
                "\\text{".repeat(5_000) + "1" + &"}".repeat(5_000)
            ),
        );
        assert!(r.is_err() || !r.unwrap().correct);
    });
}

#[test]
fn power_towers_are_not_computed() {
    let r = run("10^{10^{10^{10}}}", "\\boxed{10^{10^{10^{10}}}}");
    assert!(r.unwrap().correct);
    let r = run("10^{10^{10^{10}}}", "\\boxed{10^{10^{10^{10}}}+1}");
    assert!(!r.unwrap().correct);
    let r = run("2", "\\boxed{(10^{100000})!}");
    assert!(!r.unwrap().correct);
    let r = run(
        "1",
        "\\boxed{\\binom{1000000}{500000} - \\binom{1000000}{500000} + 1}",
    );
    // Binomials this large are never expanded (300,000 digits each). The difference is 1, but an
    // equality that needs their values cannot be established: the verdict is the conservative
    // one (not correct), reached without computing them, not a timeout.
    assert!(!r.unwrap().correct);
    let r = run("2^{65536}", "\\boxed{2^{65536}}");
    assert!(r.unwrap().correct);
}

#[test]
fn five_megabyte_digit_strings() {
    let digits = "7".repeat(5 << 20);
    for resp in [
        format!("\\boxed{{{digits}}}"),
        digits.clone(),
        format!("The answer is {digits}."),
    ] {
        let r = run("7", &resp);
        assert!(is_limit(&r), "{:?}", r.as_ref().map(|v| v.correct));
    }
    let r = run(&digits, "\\boxed{7}");
    assert!(is_limit(&r));
    // Long but within the digit limit: exact comparison still works.
    let n = "9".repeat(1500);
    let r = run(&n, &format!("\\boxed{{{n}}}"));
    assert!(r.unwrap().correct);
    let r = run(&n, &format!("\\boxed{{{n}8}}"));
    assert!(!r.unwrap().correct);
}

#[test]
fn many_unclosed_boxes_are_read_in_one_pass() {
    // 2 MB of `\boxed{` none of which closes: each box's closing brace was looked for to the end
    // of the text (1 MB took over a minute, past `GENEROUS`, which comes back `Timeout`).
    let r = run("1", &"\\boxed{".repeat(300_000));
    assert!(matches!(r, Err(VerifyError::NoAnswer)), "{r:?}");
    // The same many unclosed boxes before a closed one: the closed one is the answer.
    let r = run("1", &format!("{}\\boxed{{1}}", "{\\boxed ".repeat(250_000)));
    assert!(r.unwrap().correct);
}

#[test]
fn many_items_are_bounded() {
    let list = vec!["1"; 100_000].join(", ");
    let r = run("1", &format!("\\boxed{{{list}}}"));
    assert!(is_limit(&r));
    let sum = vec!["x"; 4000].join("+");
    let r = run("4000x", &format!("\\boxed{{{sum}}}"));
    assert!(r.unwrap().correct);
}

#[test]
fn the_deadline_stops_work() {
    // A long sum with variables, evaluated at many points: checked against the clock inside
    // parsing and evaluation, so an expired deadline stops it at once. "At once" is judged
    // against the same work run to completion in this test, both measured in this thread's CPU
    // time (the work done, whatever the machine's load), never against a fixed number of
    // milliseconds.
    let sum = (0..700)
        .map(|k| format!("\\sin({k}x)"))
        .collect::<Vec<_>>()
        .join("+");
    let boxed = format!("\\boxed{{{sum}}}");
    let full = thread_cpu();
    let d = Deadline::after(GENEROUS);
    assert!(
        verify(&sum, &boxed, &Options::default(), &d)
            .unwrap()
            .correct
    );
    let full = thread_cpu() - full;
    let stopped = (0..3)
        .map(|_| {
            let d = Deadline::after(Duration::ZERO);
            let t = thread_cpu();
            let r = verify(&sum, &boxed, &Options::default(), &d);
            assert!(
                matches!(r, Err(VerifyError::Math(MathError::Timeout))),
                "{r:?}"
            );
            thread_cpu() - t
        })
        .min()
        .unwrap();
    assert!(
        stopped * 4 < full,
        "an expired deadline should stop the work at its first check: {stopped:?} of CPU \
         against {full:?} for the whole verification"
    );
}

/// CPU time this thread has used: the work a call did, whatever else the machine runs (wall
/// time on a loaded machine counts the other processes' turns too).
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write to; CLOCK_THREAD_CPUTIME_ID exists on Linux.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

#[test]
fn many_threads_share_one_options_value() {
    let opts = Options::default();
    let cases = [
        ("x^2-1", "\\boxed{(x-1)(x+1)}", true),
        ("1-1/e", "\\boxed{1+1/e}", false),
        ("1<x\\le 2", "\\boxed{(1,2]}", true),
    ];
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                for _ in 0..200 {
                    for (g, p, want) in cases {
                        let d = Deadline::after(Duration::from_secs(1));
                        assert_eq!(verify(g, p, &opts, &d).unwrap().correct, want);
                    }
                }
            });
        }
    });
}

#[test]
fn long_products_are_judged_exactly() {
    // 800 three-digit decimals, in one order against the other: exact rationals, reduced a
    // handful of times rather than after every factor (see `Fraction` in eval.rs).
    let terms: Vec<String> = (1..=800).map(|k| format!("0.{k:03}")).collect();
    let forward = terms.join("\\cdot ");
    let backward = terms
        .iter()
        .rev()
        .cloned()
        .collect::<Vec<_>>()
        .join("\\cdot ");
    assert!(
        run(&backward, &format!("\\boxed{{{forward}}}"))
            .unwrap()
            .correct
    );
    let mut off = terms.clone();
    off[400] = "0.402".into(); // 0.401 → 0.402
    let off = off.join("\\cdot ");
    assert!(
        !run(&backward, &format!("\\boxed{{{off}}}"))
            .unwrap()
            .correct
    );
}

#[test]
fn values_below_double_precision_are_not_zero() {
    // Each side is a non-zero number too small for a double; they must not compare equal
    // because both round to 0 (a policy could answer any tiny power for any other).
    for (reference, response) in [
        ("2^{-100000}", "3^{-100000}"),
        ("e^{-1000}", "e^{-2000}"),
        ("\\exp(-1000)", "\\exp(-999)"),
        ("0.001^{10000}", "0.001^{20000}"),
        ("10^{-5000}", "0"),
        ("0", "e^{-1000}"),
        ("\\frac{1}{2^{5000}}", "\\frac{1}{3^{5000}}"),
    ] {
        let r = run(reference, &format!("\\boxed{{{response}}}")).unwrap();
        assert!(!r.correct, "{reference} vs {response}: {r:?}");
    }
    // Genuine zeros and representable small values still compare.
    for (reference, response) in [
        ("0", "0^{2}"),
        ("0", "\\sin(0)"),
        ("e^{-5}", "\\frac{1}{e^{5}}"),
        ("2^{-1000}", "\\frac{1}{2^{1000}}"),
        ("e^{-1000}", "e^{-1000}"),
    ] {
        let r = run(reference, &format!("\\boxed{{{response}}}")).unwrap();
        assert!(r.correct, "{reference} vs {response}: {r:?}");
    }
}
