//! Real runs through plaudit-sandbox (full isolation): every reference form, every verdict, the
//! early-exit hacks, C++ compile-once-run-per-test, output comparison, and the sample deadline.

use std::time::Duration;

use plaudit_code::{check, CheckError, Checked, Options, Verdict};
use plaudit_deadline::Deadline;
use plaudit_sandbox::Isolation;
use serde_json::{json, Value};

fn run_with(
    code: &str,
    reference: Value,
    opts: &Options,
    deadline: &Deadline,
) -> Result<Checked, CheckError> {
    check(Some(code), &reference, Isolation::Full, opts, deadline)
}

fn run(code: &str, reference: Value) -> Checked {
    run_with(
        code,
        reference,
        &Options::default(),
        &Deadline::after(Duration::from_secs(60)),
    )
    .unwrap_or_else(|f| panic!("{f:?}"))
}

fn verdicts(c: &Checked) -> Vec<&'static str> {
    c.outcome.tests.iter().map(|t| t.verdict.name()).collect()
}

fn py(code: &str) -> String {
    format!("```python\n{code}\n```")
}

#[test]
fn asserts_each_test_separately() {
    let c = run(
        &py("def sign(x):\n    return 1 if x > 0 else -1"),
        json!({"tests": ["assert sign(5) == 1", "assert sign(0) == 0", "assert sign(-3) == -1", "assert sgn(1) == 1"]}),
    );
    assert_eq!(
        verdicts(&c),
        ["passed", "wrong_answer", "passed", "runtime_error"]
    );
    assert_eq!((c.outcome.passed(), c.outcome.total()), (2, 4));
    let d = Value::Object(c.outcome.details());
    assert_eq!(d["language"], "python");
    // The sandbox bounds the run's memory with a cgroup here: no per-process note.
    assert_eq!(d.get("memory_limit"), None);
    assert_eq!(d["first_failure"]["test"], 1);
    assert_eq!(d["first_failure"]["verdict"], "wrong_answer");
    assert_eq!(
        d["first_failure"]["message"],
        "expected 0 (int), got -1 (int)"
    );
}

#[test]
fn tests_are_isolated_from_each_other() {
    // A test that mutates global state does not leak into the next run.
    let c = run(
        &py("seen = []\ndef f(x):\n    seen.append(x)\n    return len(seen)"),
        json!({"tests": ["assert f(7) == 1", "assert f(8) == 1"]}),
    );
    assert_eq!(verdicts(&c), ["passed", "passed"]);
}

#[test]
fn humaneval_check_is_one_test() {
    let test_code = "METADATA = {'author': 'x'}\n\ndef check(candidate):\n    assert candidate([1, 2, 3]) == 6\n    assert candidate([]) == 0\n";
    let ok = run(
        &py("def total(xs):\n    return sum(xs)"),
        json!({"test_code": test_code, "entry_point": "total"}),
    );
    assert_eq!(verdicts(&ok), ["passed"]);
    let bad = run(
        &py("def total(xs):\n    return xs[0] + sum(xs[1:])"),
        json!({"test_code": test_code, "entry_point": "total"}),
    );
    // candidate([]) raises IndexError after the first assert passed.
    assert_eq!(verdicts(&bad), ["runtime_error"]);
    assert_eq!(
        bad.outcome.first_failure.as_ref().unwrap().message,
        "assert 2 of check: IndexError: list index out of range"
    );
    let wrong_name = run(
        &py("def summe(xs):\n    return sum(xs)"),
        json!({"test_code": test_code, "entry_point": "total"}),
    );
    assert_eq!(verdicts(&wrong_name), ["runtime_error"]);
    assert!(wrong_name
        .outcome
        .first_failure
        .unwrap()
        .stderr
        .contains("NameError"));
}

#[test]
fn stdin_stdout_cases() {
    let code = py("a, b = map(int, input().split())\nprint(a + b)\nprint()");
    let c = run(
        &code,
        json!({"stdin_stdout": [
            {"input": "1 2\n", "output": "3"},
            {"input": "10 20", "output": "  30  \n\n"},
            {"input": "2 2\n", "output": "5\n"},
            {"input": "x y\n", "output": "0\n"}
        ]}),
    );
    assert_eq!(
        verdicts(&c),
        ["passed", "passed", "wrong_answer", "runtime_error"]
    );
    let f = c.outcome.first_failure.unwrap();
    assert_eq!((f.test, f.message.as_str()), (2, "expected `5`, got `4`"));
}

#[test]
fn float_tolerance_through_the_sandbox() {
    let code = py("print(1 / 3, 2 / 3)");
    let exact = run(
        &code,
        json!({"stdin_stdout": [{"input": "", "output": "0.333333 0.666667"}]}),
    );
    assert_eq!(verdicts(&exact), ["wrong_answer"]);
    let tol = run(
        &code,
        json!({"stdin_stdout": [{"input": "", "output": "0.333333 0.666667"}], "float_tolerance": 1e-5}),
    );
    assert_eq!(verdicts(&tol), ["passed"]);
}

#[test]
fn every_python_verdict() {
    let syntax = run(
        &py("def f(x) return x"),
        json!({"tests": ["assert f(1) == 1", "assert f(2) == 2"]}),
    );
    assert_eq!(verdicts(&syntax), ["compile_error", "compile_error"]);
    assert!(syntax
        .outcome
        .first_failure
        .as_ref()
        .unwrap()
        .stderr
        .contains("SyntaxError"));
    let syntax_io = run(
        &py("print(("),
        json!({"stdin_stdout": [{"input": "", "output": "1"}]}),
    );
    assert_eq!(verdicts(&syntax_io), ["compile_error"]);

    // It never ends by itself: returning at all, as `timeout`, is the limit at work.
    let slow = run(
        &py("def f(x):\n    while True:\n        pass"),
        json!({"tests": ["assert f(1) == 1"], "time_limit_ms": 300}),
    );
    assert_eq!(verdicts(&slow), ["timeout"]);
    assert_eq!(
        slow.outcome.first_failure.unwrap().message,
        "the time limit of 300 ms was reached"
    );

    let hungry = run(
        &py("def f(x):\n    return len(bytearray(400 * 1024 * 1024))"),
        json!({"tests": ["assert f(1) > 0"], "memory_mb": 64}),
    );
    assert_eq!(verdicts(&hungry), ["memory"]);
    let hungry_io = run(
        &py("x = [0] * (100 * 1024 * 1024)\nprint(len(x))"),
        json!({"stdin_stdout": [{"input": "", "output": "1"}], "memory_mb": 64}),
    );
    assert_eq!(verdicts(&hungry_io), ["memory"]);

    let crash = run(
        &py("def f(x):\n    return 1 // 0"),
        json!({"tests": ["assert f(1) == 1"]}),
    );
    assert_eq!(verdicts(&crash), ["runtime_error"]);
    assert!(crash
        .outcome
        .first_failure
        .unwrap()
        .stderr
        .contains("ZeroDivisionError"));
}

#[test]
fn exiting_early_never_passes() {
    for hack in [
        "import sys\nsys.exit(0)",
        "import os\nos._exit(0)",
        "raise SystemExit",
        "import builtins\nbuiltins.AssertionError = Exception\ndef f(x):\n    return 0",
    ] {
        let c = run(&py(hack), json!({"tests": ["assert f(1) == 1"]}));
        assert_ne!(verdicts(&c), ["passed"], "{hack}");
    }
    // Printing what a harness might print does not help either.
    let c = run(
        &py("print('passed')\nimport sys\nsys.stdout.write('x passed\\n')\nimport os\nos._exit(0)"),
        json!({"tests": ["assert f(1) == 1"]}),
    );
    assert_eq!(verdicts(&c), ["runtime_error"]);
}

#[test]
fn stop_on_failure_skips_the_rest() {
    let c = run_with(
        &py("def f(x):\n    return x"),
        json!({"tests": ["assert f(1) == 1", "assert f(2) == 3", "assert f(3) == 3"]}),
        &Options {
            stop_on_failure: true,
            ..Options::default()
        },
        &Deadline::after(Duration::from_secs(60)),
    )
    .unwrap();
    assert_eq!(verdicts(&c), ["passed", "wrong_answer", "skipped"]);
}

const CPP_SUM: &str = "```cpp\n#include <iostream>\nint main() { long long a, b; std::cin >> a >> b; std::cout << a + b << \"\\n\"; }\n```";

#[test]
fn cpp_compiles_once_and_runs_each_case() {
    let c = run(
        CPP_SUM,
        json!({"stdin_stdout": [{"input": "1 2", "output": "3"}, {"input": "5 5", "output": "11"}, {"input": "-4 4", "output": "0"}]}),
    );
    assert_eq!(c.outcome.language, plaudit_sandbox::Language::Cpp);
    assert_eq!(verdicts(&c), ["passed", "wrong_answer", "passed"]);
    // The reference's language picks the fence: an untagged block is compiled as C++.
    let untagged = CPP_SUM.replacen("```cpp", "```", 1);
    let c = run(
        &untagged,
        json!({"stdin_stdout": [{"input": "1 2", "output": "3"}], "language": "cpp"}),
    );
    assert_eq!(verdicts(&c), ["passed"]);
}

#[test]
fn cpp_verdicts() {
    let broken = run(
        "```cpp\nint main() { return x; }\n```",
        json!({"stdin_stdout": [{"input": "", "output": ""}, {"input": "", "output": ""}]}),
    );
    assert_eq!(verdicts(&broken), ["compile_error", "compile_error"]);
    assert!(broken
        .outcome
        .first_failure
        .unwrap()
        .stderr
        .contains("was not declared"));
    let crash = run(
        "```cpp\n#include <cstdlib>\nint main() { std::abort(); }\n```",
        json!({"stdin_stdout": [{"input": "", "output": ""}]}),
    );
    assert_eq!(verdicts(&crash), ["runtime_error"]);
    let spin = run(
        "```cpp\nint main() { volatile unsigned long i = 0; for (;;) i++; }\n```",
        json!({"stdin_stdout": [{"input": "", "output": ""}], "time_limit_ms": 300}),
    );
    assert_eq!(verdicts(&spin), ["timeout"]);
    let hungry = run(
        "```cpp\n#include <vector>\n#include <iostream>\nint main() { std::vector<char> v(1u << 30, 1); std::cout << (int)v[12345]; }\n```",
        json!({"stdin_stdout": [{"input": "", "output": "1"}], "memory_mb": 64}),
    );
    assert_eq!(verdicts(&hungry), ["memory"]);
}

#[test]
fn cpp_unit_tests() {
    let code = "```cpp\n#define NDEBUG\n#include <cassert>\n#include <stdexcept>\nint add(int a, int b) { if (a < 0) throw std::runtime_error(\"negative\"); return a + b; }\n```";
    let c = run(
        code,
        json!({"tests": ["assert(add(1, 2) == 3);", "assert(add(2, 2) == 5);", "assert(add(-1, 1) == 0);"], "language": "cpp"}),
    );
    assert_eq!(verdicts(&c), ["passed", "wrong_answer", "runtime_error"]);
    // A solution that exits before its test ends fails it.
    let c = run(
        "```cpp\n#include <cstdlib>\nstruct Quit { Quit() { std::exit(0); } } quit;\nint add(int a, int b) { return 0; }\n```",
        json!({"tests": ["assert(add(1, 2) == 3);"]}),
    );
    assert_eq!(verdicts(&c), ["runtime_error"]);
}

#[test]
fn the_deadline_bounds_the_sample() {
    // Each test never ends and has a 60 s time limit; the sample has 1.5 s. The first test is
    // cut by the deadline, the rest cannot start: all `timeout`, and the sample returns at its
    // deadline. A loaded machine may deliver the kill late (a worker's start-up is outside a
    // run's wall limit, and the engine then reports the sample as `timeout`), but only the
    // deadline can end this before a test's own 60 s: that is the bound, not a number of
    // milliseconds the machine's load decides.
    let limit = Duration::from_secs(60);
    let d = Deadline::after(Duration::from_millis(1500));
    let c = run_with(
        &py("def f(x):\n    while True:\n        pass"),
        json!({"tests": ["assert f(1)", "assert f(2)", "assert f(3)"], "time_limit_ms": limit.as_millis() as u64}),
        &Options::default(),
        &d,
    )
    .unwrap();
    assert!(
        d.elapsed() < limit,
        "the deadline did not end the sample: {:?}",
        d.elapsed()
    );
    assert_eq!(verdicts(&c), ["timeout", "timeout", "timeout"]);
    assert!(c.outcome.tests.iter().all(|t| t.cut_by_deadline));
    assert_eq!(Value::Object(c.outcome.details())["deadline_cut"], 3);
    // No time for any test: the sample is `timeout`.
    let f = run_with(
        &py("def f(x):\n    return x"),
        json!({"tests": ["assert f(1)"]}),
        &Options::default(),
        &Deadline::after(Duration::from_millis(50)),
    )
    .err()
    .unwrap();
    assert!(
        matches!(&f, CheckError::Timeout(m) if m.starts_with("the sample's deadline left no time")),
        "{f:?}"
    );
}

#[test]
fn failures_before_running() {
    let f = run_with(
        "```java\nclass A {}\n```",
        json!({"tests": ["assert f(1)"]}),
        &Options::default(),
        &Deadline::none(),
    )
    .err()
    .unwrap();
    assert!(matches!(f, CheckError::NoCode(_)), "{f:?}");
    let f = check(
        None,
        &json!({"tests": ["assert f(1)"]}),
        Isolation::Full,
        &Options::default(),
        &Deadline::none(),
    )
    .err()
    .unwrap();
    assert!(matches!(f, CheckError::NoCode(_)), "{f:?}");
    let f = run_with(
        &py("x = 1"),
        json!({"tests": [1]}),
        &Options::default(),
        &Deadline::none(),
    )
    .err()
    .unwrap();
    assert_eq!(
        f,
        CheckError::Reference("`reference.tests[0]`: expected a string, got a number".into())
    );
    let f = run_with(
        CPP_SUM,
        json!({"test_code": "def check(c): pass", "entry_point": "f"}),
        &Options::default(),
        &Deadline::none(),
    )
    .err()
    .unwrap();
    assert!(matches!(f, CheckError::Reference(_)), "{f:?}");
    assert_eq!(Verdict::Memory.name(), "memory");
}

#[test]
fn references_above_the_ceilings_are_refused() {
    // Issue 13: `memory_mb: 1000000000` was accepted uncapped.
    let code = py("def f(x):\n    return x");
    let refuse = |reference: Value, opts: &Options| {
        let f = run_with(&code, reference, opts, &Deadline::none())
            .err()
            .expect("refused");
        match f {
            CheckError::Reference(m) => m,
            other => panic!("{other:?}"),
        }
    };
    let d = Options::default();
    assert_eq!(
        refuse(
            json!({"tests": ["assert f(1) == 1"], "memory_mb": 1_000_000_000u64}),
            &d
        ),
        "`reference.memory_mb` is 1000000000; at most 4096 is allowed (the spec's `max_memory_mb`)"
    );
    assert_eq!(
        refuse(json!({"tests": ["assert f(1) == 1"], "time_limit_ms": 3_600_000}), &d),
        "`reference.time_limit_ms` is 3600000; at most 60000 is allowed (the spec's `max_time_limit_ms`)"
    );
    let many: Vec<String> = (0..1025).map(|i| format!("assert f({i}) == {i}")).collect();
    assert_eq!(
        refuse(json!({"tests": many}), &d),
        "`reference.tests` has 1025 tests; at most 1024 are allowed (the spec's `max_tests`)"
    );
    let tight = Options {
        max_tests: 2,
        max_memory_mb: 256,
        ..Options::default()
    };
    assert_eq!(
        refuse(
            json!({"stdin_stdout": [{"input": "", "output": ""}, {"input": "", "output": ""}, {"input": "", "output": ""}]}),
            &tight
        ),
        "`reference.stdin_stdout` has 3 tests; at most 2 are allowed (the spec's `max_tests`)"
    );
    // At the ceiling is fine.
    let c = run_with(
        &code,
        json!({"tests": ["assert f(1) == 1", "assert f(2) == 2"], "memory_mb": 256}),
        &tight,
        &Deadline::after(Duration::from_secs(60)),
    )
    .unwrap();
    assert_eq!(verdicts(&c), ["passed", "passed"]);
}

#[test]
fn the_judge_is_preloaded_in_the_fork_servers() {
    // plaudit_code::sandbox registers the judge before the process-wide sandbox starts: a run
    // finds it in sys.modules (the program falls back to compiling it when it is not there).
    let sb = plaudit_code::sandbox(Isolation::Full).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while sb.warm_ready() < 1 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let r = sb
        .run(
            &plaudit_sandbox::Program::Python {
                source: "import sys\nprint('plaudit_judge' in sys.modules)".into(),
            },
            b"",
            &plaudit_sandbox::Limits::default(),
        )
        .unwrap();
    assert_eq!(r.stdout, b"True\n", "{r:?}");
}
