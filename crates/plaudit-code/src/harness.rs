//! The programs the sandbox runs: the solution wrapped so that a run says how it ended.
//!
//! Python unit tests (`tests`, `test_code`) run under the judge (`judge.py`: the tests are
//! decided outside the solution's process; see the crate README); C++ unit tests are built by
//! [`crate::cpp`]. Stdin/stdout programs run as they are (Python through a thin wrapper that
//! reports a syntax error as such): their output is the verdict, compared outside the sandbox.

/// The exit code the stdin/stdout wrapper uses for a solution that does not compile.
pub const SYNTAX_EXIT: i32 = 113;

/// `s` as a Python string literal (a JSON string is one: same escapes, UTF-8 source).
fn py_literal(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// The Python judge (`judge.py`): trusted code, run with the solution appended as a literal.
pub const JUDGE_PY: &str = include_str!("judge.py");

/// The module name the judge is preloaded under in fork servers ([`preload_judge`]).
pub const JUDGE_MODULE: &str = "plaudit_judge";

/// Register the judge with plaudit-sandbox so that fork servers import it when they start (a run
/// then finds it in `sys.modules` instead of compiling ~600 lines). Call before the sandbox is
/// made; runs work without it.
pub fn preload_judge() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| plaudit_sandbox::preload_python_module(JUDGE_MODULE, JUDGE_PY));
}

/// The program of a Python unit-test run: the judge (the fork server's preloaded module, else
/// compiled from the source carried here as a string), then `_plaudit_judge(SOLUTION)`. The tests
/// are not in it: they come on standard input ([`python_job`]), read by the judge only after it
/// has forked the solution's process, which closes standard input first.
pub fn python_judge(solution: &str) -> String {
    let mut s = String::with_capacity(JUDGE_PY.len() + solution.len() + 512);
    s.push_str("import sys as _ps\n_pj = _ps.modules.get(");
    s.push_str(&py_literal(JUDGE_MODULE));
    s.push_str(")\nif _pj is None:\n    import types as _pt\n    _pj = _pt.ModuleType(");
    s.push_str(&py_literal(JUDGE_MODULE));
    s.push_str(")\n    exec(compile(");
    s.push_str(&py_literal(JUDGE_PY));
    s.push_str(", \"<plaudit_judge>\", \"exec\"), _pj.__dict__)\n_pj._plaudit_judge(");
    s.push_str(&py_literal(solution));
    s.push_str(")\n");
    s
}

/// The judge's standard input: `{"mode": "tests" | "check", "code": …, "entry": …, "prompt": …}`.
pub fn python_job(mode: &str, code: &str, entry: Option<&str>, prompt: Option<&str>) -> Vec<u8> {
    serde_json::to_vec(
        &serde_json::json!({"mode": mode, "code": code, "entry": entry, "prompt": prompt}),
    )
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

#[cfg(test)]
mod tests {
    use super::*;

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
