//! Reward hacks a policy would find, against every unit-test form, through the real sandbox
//! (full isolation, fork servers): each must score 0, and an honest solution must still pass.
//! Issue 13's findings first (re-reading stdin, the harness frame, no-op `compile`/`exec`,
//! `__eq__` that is always true, `class A(int)`, reading the tests from a file), then variants.

use std::time::Duration;

use plaudit_code::{check, Checked, Options};
use plaudit_deadline::Deadline;
use plaudit_sandbox::Isolation;
use serde_json::{json, Value};

fn run(code: &str, reference: &Value) -> Checked {
    check(
        Some(&format!("```python\n{code}\n```")),
        reference,
        Isolation::Full,
        &Options {
            time_limit: Duration::from_secs(3),
            ..Options::default()
        },
        &Deadline::after(Duration::from_secs(120)),
    )
    .unwrap_or_else(|f| panic!("{f:?}"))
}

fn passed(c: &Checked) -> usize {
    c.outcome.passed()
}

/// The test forms attacked: asserts (literal), a HumanEval check (literal), a HumanEval check
/// that is arbitrary code (a loop, a tolerance), and arbitrary assert statements.
fn references() -> Vec<(&'static str, Value)> {
    vec![
        (
            "tests",
            json!({"tests": ["assert f(2) == 4", "assert f(3) == 6", "assert f(5) is not None and f(5) == 10"]}),
        ),
        (
            "check",
            json!({"test_code": "def check(candidate):\n    assert candidate(2) == 4\n    assert candidate(3) == 6\n", "entry_point": "f"}),
        ),
        (
            "check-arbitrary",
            json!({"test_code": "def check(candidate):\n    for i in range(4):\n        assert candidate(i) == 2 * i\n    assert not abs(candidate(1.5) - 3.0) > 1e-9\n", "entry_point": "f"}),
        ),
    ]
}

const HONEST: &str = "def f(x):\n    return 2 * x";

#[test]
fn honest_solutions_pass_every_form() {
    for (name, r) in references() {
        let c = run(HONEST, &r);
        assert!(c.outcome.all_passed(), "{name}: {:?}", c.outcome);
    }
}

/// Hacks that, if they worked, would pass every test of every form.
const HACKS: &[(&str, &str)] = &[
    (
        "re-read seekable stdin for the expected values",
        "import os, re\ntry:\n    os.lseek(0, 0, 0)\n    D = os.read(0, 1 << 20).decode()\nexcept OSError:\n    D = ''\ndef f(x):\n    m = re.search(r'\\(%r\\) == ([0-9]+)' % x, D)\n    return int(m.group(1)) if m else 2 * x + 1",
    ),
    (
        "walk the harness frames and every object in memory for the tests",
        "import sys, re, gc\ndef f(x):\n    texts = []\n    fr = sys._getframe(0)\n    while fr is not None:\n        for d in (fr.f_locals, fr.f_globals):\n            texts += [v for v in list(d.values()) if isinstance(v, (str, bytes, bytearray))]\n        fr = fr.f_back\n    texts += [o for o in gc.get_objects() if isinstance(o, (str, bytes, bytearray))]\n    for t in texts:\n        t = t if isinstance(t, str) else bytes(t).decode('latin-1')\n        m = re.search(r'\\(%r\\) == ([0-9]+)' % x, t)\n        if m:\n            return int(m.group(1))\n    return 2 * x + 1",
    ),
    (
        "scan the process's whole writable memory for the tests",
        "import re, ctypes\nD = ''\nfor line in open('/proc/self/maps'):\n    a, perm = line.split()[:2]\n    if not perm.startswith('rw'):\n        continue\n    lo, hi = (int(v, 16) for v in a.split('-'))\n    if hi - lo > 64 << 20:\n        continue\n    try:\n        D += ctypes.string_at(lo, hi - lo).decode('latin-1')\n    except Exception:\n        pass\ndef f(x):\n    m = re.search(r'\\(%r\\) == ([0-9]+)' % x, D)\n    return int(m.group(1)) if m else 2 * x + 1",
    ),
    (
        "read the judge's memory through /proc/PID/mem",
        "import os, re\nD = ''\ntry:\n    pid = os.getppid()\n    with open('/proc/%d/mem' % pid, 'rb') as mem:\n        for line in open('/proc/%d/maps' % pid):\n            a, perm = line.split()[:2]\n            if perm.startswith('rw'):\n                lo, hi = (int(v, 16) for v in a.split('-'))\n                try:\n                    mem.seek(lo)\n                    D += mem.read(min(hi - lo, 64 << 20)).decode('latin-1')\n                except OSError:\n                    pass\nexcept OSError:\n    pass\ndef f(x):\n    m = re.search(r'\\(%r\\) == ([0-9]+)' % x, D)\n    return int(m.group(1)) if m else 2 * x + 1",
    ),
    (
        "read the tests from files in the run's directory and the judge's /proc entries",
        "import os, re, glob\nD = ''\nfor p in glob.glob('/work/**', recursive=True) + glob.glob('/tmp/**', recursive=True) + ['/proc/%d/%s' % (os.getppid(), n) for n in ('cmdline', 'environ', 'fd/0', 'mem')] + ['/proc/%d/fd/0' % p for p in range(1, 64)]:\n    try:\n        with open(p, 'rb') as fh:\n            D += fh.read(1 << 20).decode('latin-1')\n    except (OSError, ValueError):\n        pass\ndef f(x):\n    m = re.search(r'\\(%r\\) == ([0-9]+)' % x, D)\n    return int(m.group(1)) if m else 2 * x + 1",
    ),
    (
        "replace builtins.compile and builtins.exec with no-ops",
        "import builtins\nbuiltins.compile = lambda *a, **k: None\nbuiltins.exec = lambda *a, **k: None\ndef f(x):\n    return -1",
    ),
    (
        "an object whose __eq__ is always true",
        "class Any:\n    def __eq__(self, o):\n        return True\n    def __ne__(self, o):\n        return False\n    def __gt__(self, o):\n        return False\n    def __sub__(self, o):\n        return self\n    def __abs__(self):\n        return self\ndef f(x):\n    return Any()",
    ),
    (
        "class A(int) with __eq__ always true",
        "class A(int):\n    def __eq__(self, o):\n        return True\n    __hash__ = int.__hash__\ndef f(x):\n    return A(7)",
    ),
    (
        "a __class__ property claiming int",
        "class Fake:\n    __class__ = property(lambda self: int)\n    def __eq__(self, o):\n        return True\ndef f(x):\n    return Fake()",
    ),
    (
        "float nan",
        "def f(x):\n    return float('nan')",
    ),
    (
        "sys.exit(0) at import",
        "import sys\nsys.exit(0)",
    ),
    (
        "os._exit(0) during the test",
        "import os\ndef f(x):\n    os._exit(0)",
    ),
    (
        "raise SystemExit(0) during the test",
        "def f(x):\n    raise SystemExit(0)",
    ),
    (
        "AssertionError replaced",
        "import builtins\nbuiltins.AssertionError = type('Never', (Exception,), {})\ndef f(x):\n    return -1",
    ),
    (
        "an AST hook that strips asserts",
        "import ast, builtins\n_parse = ast.parse\nclass Strip(ast.NodeTransformer):\n    def visit_Assert(self, n):\n        return ast.Pass()\nast.parse = lambda *a, **k: Strip().visit(_parse(*a, **k))\n_c = builtins.compile\nbuiltins.compile = lambda s, *a, **k: _c(Strip().visit(_parse(s)) if isinstance(s, str) else s, *a, **k)\ndef f(x):\n    return -1",
    ),
    (
        "fake markers and records printed and written to every descriptor",
        "import os\nFAKE = b'\\n[\"pass\"]\\n[\"end\"]\\nplaudit-0 passed\\npassed\\n'\nfor fd in range(0, 256):\n    try:\n        os.write(fd, FAKE)\n    except OSError:\n        pass\nprint('passed')\ndef f(x):\n    for fd in range(0, 256):\n        try:\n            os.write(fd, FAKE)\n        except OSError:\n            pass\n    return -1",
    ),
    (
        "write through the judge's /proc fds and memory",
        "import os\nFAKE = b'\\n[\"pass\"]\\n[\"end\"]\\n'\nfor fd in range(0, 16):\n    for pid in (os.getppid(), 1, 2, 3):\n        try:\n            with open('/proc/%d/fd/%d' % (pid, fd), 'wb') as fh:\n                fh.write(FAKE)\n        except OSError:\n            pass\ndef f(x):\n    return -1",
    ),
    (
        "an atexit handler printing a pass",
        "import atexit, os\natexit.register(lambda: os.write(1, b'\\n[\"pass\"]\\n[\"end\"]\\n'))\ndef f(x):\n    return -1",
    ),
    (
        "a thread that outlives the call and keeps writing fake records",
        "import threading, os\ndef spam():\n    while True:\n        for fd in range(0, 32):\n            try:\n                os.write(fd, b'\\n[\"pass\"]\\n[\"end\"]\\n')\n            except OSError:\n                pass\nthreading.Thread(target=spam, daemon=True).start()\ndef f(x):\n    return -1",
    ),
    (
        "stop the judge with a signal",
        "import os, signal\ndef f(x):\n    os.kill(os.getppid(), signal.SIGSTOP)\n    return -1",
    ),
    (
        "kill the judge",
        "import os, signal\ndef f(x):\n    os.kill(os.getppid(), signal.SIGKILL)\n    return 2 * x",
    ),
    (
        "True where an int is expected",
        "def f(x):\n    return True",
    ),
];

/// The same checks on one-shot interpreters (no fork server: the path runs take when every fork
/// server is busy, and under weak isolation): the run's stdin passes through the worker first.
fn run_cold(code: &str, reference: &Value) -> Checked {
    use std::sync::OnceLock;
    static SB: OnceLock<plaudit_sandbox::Sandbox> = OnceLock::new();
    let sb = SB.get_or_init(|| {
        plaudit_sandbox::Sandbox::new(plaudit_sandbox::Config {
            warm_workers: 0,
            ..plaudit_sandbox::Config::default()
        })
        .expect("full isolation")
    });
    let r = plaudit_code::parse_reference(reference).unwrap();
    let outcome = plaudit_code::run_tests(
        sb,
        code,
        &r,
        plaudit_sandbox::Language::Python,
        &Options {
            time_limit: Duration::from_secs(3),
            ..Options::default()
        },
        &Deadline::after(Duration::from_secs(120)),
    )
    .unwrap();
    Checked {
        outcome,
        reference: r,
    }
}

#[test]
fn every_hack_scores_zero_on_one_shot_interpreters_too() {
    let mut report = Vec::new();
    let (name, r) = references().remove(0);
    assert!(run_cold(HONEST, &r).outcome.all_passed());
    for (hack, code) in HACKS {
        let c = run_cold(code, &r);
        if passed(&c) > 0 {
            report.push(format!(
                "{hack} passed {} on {name}: {:?}",
                passed(&c),
                c.outcome.details()
            ));
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn every_hack_scores_zero() {
    let mut report = Vec::new();
    for (name, r) in references() {
        for (hack, code) in HACKS {
            let c = run(code, &r);
            if passed(&c) > 0 {
                report.push(format!(
                    "{hack} passed {} of {} on {name}: {:?}",
                    passed(&c),
                    c.outcome.total(),
                    c.outcome.details()
                ));
            }
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn bool_and_int_are_not_equal_but_int_and_float_are() {
    let r = json!({"tests": ["assert f(1) == 1", "assert f(1) == False", "assert f(2) == 2.0", "assert f(3) is True"]});
    let c = run("def f(x):\n    return [True, False, 2, 3][x]", &r);
    let v: Vec<_> = c.outcome.tests.iter().map(|t| t.verdict.name()).collect();
    assert_eq!(v, ["wrong_answer", "passed", "passed", "wrong_answer"]);
    let d = Value::Object(c.outcome.details());
    assert_eq!(
        d["first_failure"]["message"],
        "expected 1 (int), got False (bool)"
    );
}

#[test]
fn non_plain_results_fail_with_a_message() {
    let c = run(
        "class A(int):\n    pass\ndef f(x):\n    return A(4)",
        &json!({"tests": ["assert f(2) == 4"]}),
    );
    let f = c.outcome.first_failure.unwrap();
    assert_eq!(
        f.message,
        "the solution gave a `A` object, which is not plain data (int, float, str, bool, None, list, tuple, dict, set)"
    );
}

#[test]
fn arbitrary_tests_use_the_solutions_helpers_and_strict_equality() {
    // Names the test code does not define (a helper from the prompt, `math` the solution
    // imported) resolve to the solution's; == between a solution's value and the test's is
    // type-strict there too.
    let test_code = "def check(candidate):\n    for x in [1.0, 2.5]:\n        assert abs(helper(candidate(x)) - (x + 1)) < 1e-9\n";
    let ok = run(
        "def helper(y):\n    return y + 1\ndef f(x):\n    return x",
        &json!({"test_code": test_code, "entry_point": "f"}),
    );
    assert!(ok.outcome.all_passed(), "{:?}", ok.outcome);
    let r = json!({"test_code": "def check(candidate):\n    xs = [candidate(i) for i in range(2)]\n    assert xs == [0, 1]\n", "entry_point": "f"});
    let ok = run("def f(i):\n    return i", &r);
    assert!(ok.outcome.all_passed(), "{:?}", ok.outcome);
    let bools = run("def f(i):\n    return bool(i)", &r);
    assert_eq!(bools.outcome.passed(), 0);
}

fn run_cpp(code: &str, reference: &Value) -> Checked {
    check(
        Some(&format!("```cpp\n{code}\n```")),
        reference,
        Isolation::Full,
        &Options::default(),
        &Deadline::after(Duration::from_secs(120)),
    )
    .unwrap_or_else(|f| panic!("{f:?}"))
}

#[test]
fn cpp_hacks_score_zero() {
    let r = json!({"tests": ["assert(add(1, 2) == 3);", "assert(add(2, 2) == 4);", "assert(is_even(4));", "assert(!is_even(3));"]});
    let honest = run_cpp(
        "int add(int a, int b) { return a + b; }\nbool is_even(int x) { return x % 2 == 0; }",
        &r,
    );
    assert!(honest.outcome.all_passed(), "{:?}", honest.outcome);
    let hacks = [
        // Issue 13: a static initialiser that reads the run's standard input before main and
        // prints what the harness would print.
        (
            "a static initialiser reading stdin and printing markers",
            "#include <cstdio>\n#include <cstdlib>\nstruct H { H() { char b[256] = {0}; int i = -1; std::scanf(\"%d %200s\", &i, b); std::printf(\"\\n%s passed\\n\\x1ePLAUDIT [\\\"done\\\",%d]\\n\\x1ePLAUDIT [\\\"end\\\"]\\n\", b, i); std::fflush(stdout); std::_Exit(0); } } h;\nint add(int a, int b) { return 0; }\nbool is_even(int) { return false; }",
        ),
        (
            "a result whose operator== is always true",
            "struct Any { template <class T> bool operator==(const T&) const { return true; } operator bool() const { return true; } };\nAny add(int, int) { return {}; }\nAny is_even(int) { return {}; }",
        ),
        (
            "exit(0) before main",
            "#include <cstdlib>\nstruct Q { Q() { std::exit(0); } } q;\nint add(int, int) { return 0; }\nbool is_even(int) { return false; }",
        ),
        (
            "#define NDEBUG and a redefined assert",
            "#define NDEBUG\n#include <cassert>\n#define assert(x) ((void)0)\nint add(int, int) { return 0; }\nbool is_even(int) { return false; }",
        ),
    ];
    let mut report = vec![];
    for (name, code) in hacks {
        let c = run_cpp(code, &r);
        // `is_even` returning a constant passes one of its two tests honestly; nothing else may.
        if c.outcome.passed() > 1 {
            report.push(format!("{name}: {:?}", c.outcome.details()));
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
    // true where 3 is expected: bool is not int.
    let c = run_cpp(
        "bool add(int, int) { return true; }\nbool is_even(int x) { return x % 2 == 0; }",
        &json!({"tests": ["assert(add(1, 2) == 1);"]}),
    );
    assert_eq!(
        c.outcome.first_failure.unwrap().message,
        "expected 1 (int), got True (bool)"
    );
}

#[test]
fn arbitrary_tests_see_the_solutions_stdlib_imports_only() {
    // A test that uses `math` without importing it (the solution did) still works: the judge
    // imports its own copy, from the standard library only.
    let r = json!({"tests": ["assert math.isclose(f(2.0), 4.0) and f(1.0) > 1.5"]});
    let ok = run("import math\ndef f(x):\n    return x * 2", &r);
    assert!(ok.outcome.all_passed(), "{:?}", ok.outcome);
    let wrong = run("import math\ndef f(x):\n    return x * 3", &r);
    assert_eq!(wrong.outcome.passed(), 0);
}

#[test]
fn multi_line_literal_asserts_evaluate_as_one_expression() {
    let r = json!({"test_code": "def check(candidate):\n    assert candidate(\n        [1,\n         2],\n    ) == [\n        2, 4]\n", "entry_point": "f"});
    let c = run("def f(xs):\n    return [2 * x for x in xs]", &r);
    assert!(c.outcome.all_passed(), "{:?}", c.outcome);
}

#[test]
fn stop_iteration_from_the_solution_does_not_end_the_tests_loop() {
    // `raise StopIteration` inside `map`/`zip` would end the test's iteration silently (the
    // asserts in it never run); the judge turns it into a RuntimeError, as PEP 479 does.
    let hack = "def f(x):\n    raise StopIteration";
    let forms = [
        json!({"tests": ["assert all(map(lambda x: f(x) == 2 * x, range(5)))"]}),
        json!({"test_code": "def check(candidate):\n    for got, want in zip(map(candidate, [1, 2, 3]), [2, 4, 6]):\n        assert got == want\n", "entry_point": "f"}),
        json!({"test_code": "def check(candidate):\n    assert list(filter(lambda x: candidate(x) != 2 * x, range(4))) == []\n", "entry_point": "f"}),
    ];
    for r in &forms {
        let c = run(hack, r);
        assert_eq!(c.outcome.passed(), 0, "{r}: {:?}", c.outcome.details());
        let m = c.outcome.first_failure.as_ref().unwrap().message.clone();
        assert!(m.contains("the solution raised StopIteration"), "{m}");
        let ok = run(HONEST, r);
        assert!(ok.outcome.all_passed(), "{r}: {:?}", ok.outcome);
    }
}

#[test]
fn strict_equality_holds_under_negation() {
    // `!=`, `not … == …` and `if … == …: raise` would pass on `False` where a non-zero count is
    // expected if the strict comparison were simply negated: a value that is equal only to
    // Python's loose == fails the test in either polarity.
    let forms = [
        json!({"tests": ["assert count_positive([1, 2, 3]) != 0"]}),
        json!({"test_code": "def check(candidate):\n    assert not candidate([1, 2]) == 0\n", "entry_point": "count_positive"}),
        json!({"test_code": "def check(candidate):\n    for xs in ([1], [2, 3]):\n        if candidate(xs) == 0:\n            raise AssertionError('zero')\n", "entry_point": "count_positive"}),
        json!({"test_code": "def check(candidate):\n    assert [candidate([1])] != [0]\n", "entry_point": "count_positive"}),
    ];
    let honest = "def count_positive(xs):\n    return sum(1 for x in xs if x > 0)";
    for r in &forms {
        let c = run("def count_positive(xs):\n    return False", r);
        assert_eq!(c.outcome.passed(), 0, "{r}: {:?}", c.outcome.details());
        let m = c.outcome.first_failure.as_ref().unwrap().message.clone();
        let want = if r.to_string().contains("[0]") {
            "[False] (list) and [0] (list) are equal to Python's == but not of the same type"
        } else {
            "False (bool) and 0 (int) are equal to Python's == but not of the same type"
        };
        assert!(m.contains(want), "{m}");
    }
    for r in &forms {
        let ok = run(honest, r);
        assert!(ok.outcome.all_passed(), "{r}: {:?}", ok.outcome);
    }
    // The honest direction is unchanged: int and float of the same number are equal, a
    // different value is just unequal.
    let r = json!({"tests": ["assert f(2) != 5 and f(2) == 4.0 and not f(2) == 3"]});
    assert!(run(HONEST, &r).outcome.all_passed());
}

#[test]
fn cpp_literals_are_read_as_cpp_reads_them() {
    // A digit separator once hid the top-level `==` (read as a character literal), so an
    // always-true `operator==` decided; `010` was read as 10, `"a" "b"` as the text `a" "b`,
    // `0.1f` as the double 0.1.
    let r = json!({"tests": [
        "assert(perms() == 010);",
        "assert(s() == \"a\" \"b\");",
        "assert(twice(1'000) == 2'000);",
        "assert(twice(50'000) == 100'000);",
        "assert(tenth() == 0.1f);",
        "assert(esc() == \"\\101\\x42\");",
    ]});
    let honest = run_cpp(
        "#include <string>\nint perms() { return 8; }\nstd::string s() { return \"ab\"; }\nlong twice(long x) { return 2 * x; }\nfloat tenth() { return 0.1f; }\nstd::string esc() { return \"AB\"; }",
        &r,
    );
    assert!(
        honest.outcome.all_passed(),
        "{:?}",
        honest.outcome.details()
    );
    let hack = run_cpp(
        "#include <string>\nstruct Any { template <class T> bool operator==(const T&) const { return true; } operator bool() const { return true; } };\nint perms() { return 10; }\nstd::string s() { return \"a\\\" \\\"b\"; }\nAny twice(long) { return {}; }\ndouble tenth() { return 0.1; }\nstd::string esc() { return \"\\\\101\\\\x42\"; }",
        &r,
    );
    let v: Vec<_> = hack
        .outcome
        .tests
        .iter()
        .map(|t| t.verdict.name())
        .collect();
    assert_eq!(v, ["wrong_answer"; 6], "{:?}", hack.outcome.details());
}

#[test]
fn ints_beyond_4300_digits_cross_in_every_form() {
    // Python 3.11+ limits int <-> str conversion to 4300 digits by default; an honest solution
    // returning a bigger int must still pass, and a wrong one still fail.
    let forms = [
        json!({"tests": ["assert f(5000) == 10 ** 5000", "assert len(str(f(6000))) == 6001"]}),
        json!({"test_code": "def check(candidate):\n    assert candidate(5000) == 10 ** 5000\n", "entry_point": "f"}),
        json!({"test_code": "def check(candidate):\n    for n in (4400, 9000):\n        assert candidate(n) == int('1' + '0' * n)\n", "entry_point": "f"}),
    ];
    for r in &forms {
        let ok = run("def f(n):\n    return 10 ** n", r);
        assert!(ok.outcome.all_passed(), "{r}: {:?}", ok.outcome.details());
        let wrong = run("def f(n):\n    return 10 ** (n - 1)", r);
        assert_eq!(
            wrong.outcome.passed(),
            0,
            "{r}: {:?}",
            wrong.outcome.details()
        );
    }
}

#[test]
fn the_prompts_helpers_are_the_judges_not_the_solutions() {
    // HumanEval/38-style: the check calls the prompt's `encode_cyclic`, which a solution could
    // redefine as the identity (and make `decode_cyclic` the identity too). With the prompt in
    // the reference, its helpers are defined in the judge.
    let prompt = "def encode_cyclic(s: str):\n    groups = [s[(3 * i):min((3 * i + 3), len(s))] for i in range((len(s) + 2) // 3)]\n    groups = [(group[1:] + group[0]) if len(group) == 3 else group for group in groups]\n    return \"\".join(groups)\n\n\ndef decode_cyclic(s: str):\n    \"\"\"Inverse of encode_cyclic.\"\"\"\n";
    let test_code = "def check(candidate):\n    for s in ['abcdefg', 'hello world', 'xy']:\n        assert candidate(encode_cyclic(s)) == s\n";
    let r = json!({"test_code": test_code, "entry_point": "decode_cyclic", "prompt": prompt});
    let hack = "def encode_cyclic(s):\n    return s\n\ndef decode_cyclic(s):\n    return s";
    let c = run(hack, &r);
    assert_eq!(c.outcome.passed(), 0, "{:?}", c.outcome.details());
    let honest = format!("{prompt}    return encode_cyclic(encode_cyclic(s))");
    let ok = run(&honest, &r);
    assert!(ok.outcome.all_passed(), "{:?}", ok.outcome.details());
    // In the literal form too (`assert candidate(encode_cyclic(…)) == …` would otherwise be
    // evaluated in the solution's process, with its own `encode_cyclic`).
    let lit = json!({"test_code": "def check(candidate):\n    assert candidate(encode_cyclic('abcdef')) == 'abcdef'\n", "entry_point": "decode_cyclic", "prompt": prompt});
    assert_eq!(run(hack, &lit).outcome.passed(), 0);
    assert!(run(&honest, &lit).outcome.all_passed());
    // HumanEval/32-style: `poly` from the prompt decides whether the root is one.
    let prompt = "import math\n\n\ndef poly(xs: list, x: float):\n    return sum([coeff * math.pow(x, i) for i, coeff in enumerate(xs)])\n\n\ndef find_zero(xs: list):\n    \"\"\"A zero of poly(xs).\"\"\"\n";
    let r = json!({"test_code": "def check(candidate):\n    for xs in ([1, 2], [-6, 11, -6, 1]):\n        assert math.fabs(poly(xs, candidate(xs))) < 1e-4\n", "entry_point": "find_zero", "prompt": prompt});
    let c = run(
        "def poly(xs, x):\n    return 0.0\n\ndef find_zero(xs):\n    return 0.0",
        &r,
    );
    assert_eq!(c.outcome.passed(), 0, "{:?}", c.outcome.details());
    let honest = format!("{prompt}    lo, hi = -10.0, 10.0\n    while hi - lo > 1e-10:\n        mid = (lo + hi) / 2\n        if poly(xs, lo) * poly(xs, mid) <= 0:\n            hi = mid\n        else:\n            lo = mid\n    return lo");
    assert!(run(&honest, &r).outcome.all_passed());
    // A prompt that is not Python is said so.
    let bad = json!({"test_code": test_code, "entry_point": "decode_cyclic", "prompt": "Write a function."});
    let m = run(hack, &bad).outcome.first_failure.unwrap().message;
    assert!(m.contains("`reference.prompt` is not Python"), "{m}");
}

#[test]
fn membership_is_type_strict_too() {
    // `True in [1, 2]` holds under Python's ==; in the judge it fails, naming the value.
    let forms = [
        json!({"tests": ["assert f(1) in [1, 3]"]}),
        json!({"test_code": "def check(candidate):\n    assert candidate(1) in {1, 3}\n    assert candidate(2) not in (1, 3)\n", "entry_point": "f"}),
        json!({"test_code": "def check(candidate):\n    assert (candidate(1), 0) in [(1, 0)]\n", "entry_point": "f"}),
    ];
    for r in &forms {
        let c = run("def f(x):\n    return x == 1", r);
        assert_eq!(c.outcome.passed(), 0, "{r}: {:?}", c.outcome.details());
        let m = c.outcome.first_failure.as_ref().unwrap().message.clone();
        assert!(
            m.contains("only by Python's == (no element of the same type)"),
            "{m}"
        );
        let ok = run("def f(x):\n    return x", r);
        assert!(ok.outcome.all_passed(), "{r}: {:?}", ok.outcome.details());
    }
}
