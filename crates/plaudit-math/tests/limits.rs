//! Inputs built to hang or crash a verifier return promptly with a status.

use std::time::{Duration, Instant};

use plaudit_core::Deadline;
use plaudit_math::{verify, MathError, Options, Verdict, VerifyError};

fn run(reference: &str, response: &str) -> (Result<Verdict, VerifyError>, Duration) {
    let d = Deadline::after(Duration::from_secs(1));
    let t = Instant::now();
    let r = verify(reference, response, &Options::default(), &d);
    (r, t.elapsed())
}

fn is_limit(r: &Result<Verdict, VerifyError>) -> bool {
    matches!(r, Err(VerifyError::Math(MathError::Limit(_))))
}

/// Runs `f` on a thread with a 1 MiB stack: deep inputs must not need more.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
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
            let (r, took) = run("1", &resp);
            assert!(is_limit(&r), "{o}: {r:?}");
            assert!(took < Duration::from_millis(500), "{o}: {took:?}");
            let (r, _) = run(&resp[7..resp.len() - 1], "\\boxed{1}");
            assert!(is_limit(&r), "reference {o}: {r:?}");
        }
        // Minus signs and exponents chain without brackets.
        let (r, _) = run("1", &format!("\\boxed{{{}1}}", "-".repeat(10_000)));
        assert!(is_limit(&r), "{r:?}");
        let (r, _) = run("1", &format!("\\boxed{{{}2}}", "2^".repeat(10_000)));
        assert!(is_limit(&r), "{r:?}");
        let (r, _) = run(
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
    let (r, took) = run("10^{10^{10^{10}}}", "\\boxed{10^{10^{10^{10}}}}");
    assert!(r.unwrap().correct);
    assert!(took < Duration::from_millis(100), "{took:?}");
    let (r, took) = run("10^{10^{10^{10}}}", "\\boxed{10^{10^{10^{10}}}+1}");
    assert!(!r.unwrap().correct);
    assert!(took < Duration::from_millis(100), "{took:?}");
    let (r, took) = run("2", "\\boxed{(10^{100000})!}");
    assert!(!r.unwrap().correct);
    assert!(took < Duration::from_millis(100), "{took:?}");
    let (r, took) = run(
        "1",
        "\\boxed{\\binom{1000000}{500000} - \\binom{1000000}{500000} + 1}",
    );
    assert!(took < Duration::from_millis(300), "{took:?} {r:?}");
    let (r, took) = run("2^{65536}", "\\boxed{2^{65536}}");
    assert!(r.unwrap().correct);
    assert!(took < Duration::from_millis(200), "{took:?}");
}

#[test]
fn five_megabyte_digit_strings() {
    let digits = "7".repeat(5 << 20);
    for resp in [
        format!("\\boxed{{{digits}}}"),
        digits.clone(),
        format!("The answer is {digits}."),
    ] {
        let (r, took) = run("7", &resp);
        assert!(is_limit(&r), "{:?}", r.as_ref().map(|v| v.correct));
        assert!(took < Duration::from_millis(500), "{took:?}");
    }
    let (r, took) = run(&digits, "\\boxed{7}");
    assert!(is_limit(&r));
    assert!(took < Duration::from_millis(500), "{took:?}");
    // Long but within the digit limit: exact comparison still works.
    let n = "9".repeat(1500);
    let (r, _) = run(&n, &format!("\\boxed{{{n}}}"));
    assert!(r.unwrap().correct);
    let (r, _) = run(&n, &format!("\\boxed{{{n}8}}"));
    assert!(!r.unwrap().correct);
}

#[test]
fn many_items_are_bounded() {
    let list = vec!["1"; 100_000].join(", ");
    let (r, took) = run("1", &format!("\\boxed{{{list}}}"));
    assert!(is_limit(&r));
    assert!(took < Duration::from_millis(500), "{took:?}");
    let sum = vec!["x"; 4000].join("+");
    let (r, took) = run("4000x", &format!("\\boxed{{{sum}}}"));
    assert!(r.unwrap().correct);
    assert!(took < Duration::from_millis(500), "{took:?}");
}

#[test]
fn the_deadline_stops_work() {
    // A long sum with variables, evaluated at many points: checked against the clock inside
    // parsing and evaluation, so an expired deadline stops it at once.
    let sum = (0..700)
        .map(|k| format!("\\sin({k}x)"))
        .collect::<Vec<_>>()
        .join("+");
    for ms in [0, 1] {
        let d = Deadline::after(Duration::from_millis(ms));
        let t = Instant::now();
        let r = verify(&sum, &format!("\\boxed{{{sum}}}"), &Options::default(), &d);
        assert!(
            t.elapsed() < Duration::from_millis(ms + 20),
            "{:?}",
            t.elapsed()
        );
        if ms == 0 {
            assert!(
                matches!(r, Err(VerifyError::Math(MathError::Timeout))),
                "{r:?}"
            );
        }
    }
    let d = Deadline::after(Duration::from_secs(2));
    assert!(
        verify(&sum, &format!("\\boxed{{{sum}}}"), &Options::default(), &d)
            .unwrap()
            .correct
    );
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
