//! What the mutation-test files share: a generous deadline, and a boxed answer verified against
//! a reference.
#![allow(dead_code)] // each test file uses its own part

use std::time::Duration;

use plaudit_deadline::{Deadline, Ticker};
use plaudit_math::eval::{Mode, Numeric, C};
use plaudit_math::{parse, verify, Limits, Node, Options, Verdict};

/// A deadline no test reaches: the verdicts, not the timing, are under test.
pub fn deadline() -> Deadline {
    Deadline::after(Duration::from_secs(60))
}

/// The verdict on `\boxed{answer}` against `reference`.
pub fn boxed(opts: &Options, reference: &str, answer: &str) -> Verdict {
    verify(
        reference,
        &format!("\\boxed{{{answer}}}"),
        opts,
        &deadline(),
    )
    .unwrap_or_else(|e| panic!("{reference} / {answer}: {e:?}"))
}

/// Whether `\boxed{answer}` is judged correct against `reference` with the default options.
pub fn correct(reference: &str, answer: &str) -> bool {
    boxed(&Options::default(), reference, answer).correct
}

/// `latex` parsed with the default limits.
pub fn node(latex: &str) -> Node {
    parse(latex, &Limits::default(), &deadline()).unwrap_or_else(|e| panic!("{latex}: {e:?}"))
}

/// The floating-point value `Numeric::eval` gives `n` (no variables), in `mode`.
pub fn eval_node(mode: Mode, n: &Node) -> Option<C> {
    let d = deadline();
    let ticker = Ticker::new(&d, 64);
    Numeric {
        ticker: &ticker,
        env: &[],
        mode,
    }
    .eval(n)
    .unwrap()
}

/// The floating-point value of `latex`, in `mode`.
pub fn value(mode: Mode, latex: &str) -> Option<C> {
    eval_node(mode, &node(latex))
}

/// `got` is `want` up to rounding.
#[track_caller]
pub fn assert_near(got: Option<C>, want: (f64, f64)) {
    let want = C::new(want.0, want.1);
    let got = got.unwrap_or_else(|| panic!("no value, want {want}"));
    assert!(
        (got - want).norm() <= 1e-12 * want.norm().max(1.0),
        "got {got}, want {want}"
    );
}

/// Runs `f` on a thread with a 1 MiB stack (a spawned thread's default is 2 MiB): deep or
/// hostile inputs must not need more.
pub fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}
