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

/// The Python judge (`judge.py`): trusted code, run with the solution appended as a literal.
pub const JUDGE_PY: &str = include_str!("judge.py");

/// The program of a Python unit-test run: the judge, then `_plaudit_judge(SOLUTION)`. The tests
/// are not in it: they come on standard input ([`python_job`]), read by the judge only after it
/// has forked the solution's process, which closes standard input first.
pub fn python_judge(solution: &str) -> String {
    let mut s = String::with_capacity(JUDGE_PY.len() + solution.len() + 64);
    s.push_str(JUDGE_PY);
    s.push_str("\n_plaudit_judge(");
    s.push_str(&py_literal(solution));
    s.push_str(")\n");
    s
}

/// The judge's standard input: `{"mode": "tests" | "check", "code": …, "entry": …}`.
pub fn python_job(mode: &str, code: &str, entry: Option<&str>) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({"mode": mode, "code": code, "entry": entry}))
        .expect("a JSON object serialises")
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
        let p = python_judge("x = '''\"\"\"'''");
        assert!(
            p.ends_with("_plaudit_judge(\"x = '''\\\"\\\"\\\"'''\")\n"),
            "{p}"
        );
    }
}
