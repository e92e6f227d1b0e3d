//! The programs the sandbox runs: the solution wrapped so that a run says how it ended.
//!
//! Unit tests (`tests`, `test_code`) run inside a harness that executes the solution, then the
//! test, and ends by writing `NONCE VERDICT` as the last line of standard output, where the nonce
//! is a fresh random token given on standard input (not in the program text). A run counts as
//! passed only when that line says `passed` and the process exits 0, so a solution that exits
//! early (`sys.exit(0)`, `os._exit(0)`, `exit(0)` in C++) never passes a test it did not run.
//! Stdin/stdout programs run as they are (Python through a thin wrapper that reports a syntax
//! error as such): their output is the verdict.

use std::sync::atomic::{AtomicU64, Ordering};

/// The exit code the stdin/stdout wrapper uses for a solution that does not compile.
pub const SYNTAX_EXIT: i32 = 113;

/// A fresh token for one run: not guessable from the program text.
pub fn nonce() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    let a = h.finish();
    h.write_u64(a);
    format!("plaudit-{a:016x}{:016x}", h.finish())
}

/// `s` as a Python string literal (a JSON string is one: same escapes, UTF-8 source).
fn py_literal(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// A Python program that runs `solution` as module `solution`, then each of `stages` (test code,
/// then the call of the check) in the same namespace, and reports on its last output line:
/// `passed`, `assertion` (an AssertionError), `memory` (MemoryError), `syntax` (the solution does
/// not compile) or `exception` (anything else, including SystemExit). The solution's own output
/// is discarded; tracebacks go to standard error through the interpreter's own (C) hook, since
/// importing `traceback` would cost ~15 ms per run. The nonce is read from standard input.
pub fn python_test(solution: &str, stages: &[&str]) -> String {
    let stages: Vec<String> = stages.iter().map(|s| py_literal(s)).collect();
    format!(
        r#"import sys as _s, os as _o, io as _io, types as _ty
def _plaudit_main():
    nonce = _s.stdin.readline().strip()
    out, write, exit_, hook = _o.dup(1), _o.write, _o._exit, _s.__excepthook__
    solution = {solution}
    stages = [{stages}]
    mod = _ty.ModuleType("solution")
    _s.modules["solution"] = mod
    g = mod.__dict__
    class Sink(_io.TextIOBase):
        def write(self, s):
            return len(s)
    verdict = "passed"
    try:
        try:
            code = compile(solution, "<solution>", "exec")
        except (SyntaxError, ValueError):
            verdict = "syntax"
            raise
        _s.stdout = Sink()
        exec(code, g)
        for stage in stages:
            exec(compile(stage, "<test>", "exec"), g)
    except AssertionError:
        verdict = "assertion"
        hook(*_s.exc_info())
    except MemoryError:
        verdict = "memory"
        _s.stderr.write("MemoryError\n")
    except BaseException:
        if verdict != "syntax":
            verdict = "exception"
        hook(*_s.exc_info())
    try:
        _s.stderr.flush()
    except BaseException:
        pass
    write(out, ("\n%s %s\n" % (nonce, verdict)).encode())
    exit_(0)
_plaudit_main()
"#,
        solution = py_literal(solution),
        stages = stages.join(", "),
    )
}

/// A Python program that compiles `solution` (exit [`SYNTAX_EXIT`] with the error on standard
/// error when it does not compile) and runs it as `__main__`.
pub fn python_main(solution: &str) -> String {
    format!(
        r#"import sys as _s
def _plaudit_compile():
    try:
        return compile({solution}, "<solution>", "exec")
    except (SyntaxError, ValueError):
        _s.__excepthook__(*_s.exc_info())
        _s.stderr.flush()
        _s.exit({SYNTAX_EXIT})
_plaudit_code = _plaudit_compile()
del _plaudit_compile
exec(_plaudit_code, {{"__name__": "__main__", "__builtins__": __builtins__}})
"#,
        solution = py_literal(solution),
    )
}

/// A C++ program holding `solution` (functions, no `main`) and one function per test; `main`
/// reads `INDEX NONCE` from standard input, runs that test and reports like [`python_test`].
/// `assert` is redefined after the solution so that `NDEBUG` cannot switch tests off, and a
/// failed assertion reports `assertion`; an uncaught exception reports `exception`.
pub fn cpp_tests(solution: &str, tests: &[String]) -> String {
    let mut s = String::with_capacity(solution.len() + 256 * tests.len() + 1024);
    s.push_str(solution);
    s.push_str(
        r#"
#undef NDEBUG
#include <cstdio>
#include <cstdlib>
#include <exception>
static char plaudit_nonce_[80];
static void plaudit_report_(const char* verdict) {
    std::fflush(stdout);
    std::fprintf(stdout, "\n%s %s\n", plaudit_nonce_, verdict);
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(0);
}
static void plaudit_assert_failed_(const char* what, int line) {
    std::fprintf(stderr, "assertion failed (test line %d): %s\n", line, what);
    plaudit_report_("assertion");
}
#undef assert
#define assert(c) ((c) ? (void)0 : plaudit_assert_failed_(#c, __LINE__))
"#,
    );
    for (i, t) in tests.iter().enumerate() {
        s.push_str(&format!("static void plaudit_test_{i}_() {{\n{t}\n;\n}}\n"));
    }
    s.push_str(
        "int main() {\n    int plaudit_i_ = -1;\n    if (std::scanf(\"%d %79s\", &plaudit_i_, plaudit_nonce_) != 2) return 97;\n    try {\n        switch (plaudit_i_) {\n",
    );
    for i in 0..tests.len() {
        s.push_str(&format!("        case {i}: plaudit_test_{i}_(); break;\n"));
    }
    s.push_str(
        r#"        default: return 98;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "uncaught exception: %s\n", e.what());
        plaudit_report_("exception");
    } catch (...) {
        std::fprintf(stderr, "uncaught exception\n");
        plaudit_report_("exception");
    }
    plaudit_report_("passed");
}
"#,
    );
    s
}

/// The verdict a harness wrote on the last line of `stdout`, if it is there with `nonce`.
pub fn reported<'a>(stdout: &'a [u8], nonce: &str) -> Option<&'a str> {
    let text = std::str::from_utf8(stdout.trim_ascii_end()).ok()?;
    let last = text.rsplit('\n').next()?.trim_end_matches('\r');
    let verdict = last.strip_prefix(nonce)?.strip_prefix(' ')?;
    Some(verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_differ() {
        let (a, b) = (nonce(), nonce());
        assert_ne!(a, b);
        assert_eq!(a.len(), "plaudit-".len() + 32);
    }

    #[test]
    fn reported_reads_the_last_line_only() {
        assert_eq!(reported(b"noise\nN1 passed\n", "N1"), Some("passed"));
        assert_eq!(reported(b"N1 passed\nmore\n", "N1"), None);
        assert_eq!(reported(b"N2 passed\n", "N1"), None);
        assert_eq!(reported(b"\nN1 assertion\r\n\n", "N1"), Some("assertion"));
    }

    #[test]
    fn literals_escape_everything() {
        assert_eq!(py_literal("a\"b\\c\n\u{0}é"), "\"a\\\"b\\\\c\\n\\u0000é\"");
        let p = python_test("x = '''\"\"\"'''", &["assert x"]);
        assert!(p.contains(r#"solution = "x = '''\"\"\"'''""#), "{p}");
    }
}
