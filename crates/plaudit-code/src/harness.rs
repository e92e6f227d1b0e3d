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
/// compiled from the source that heads standard input, see [`python_job`]), then
/// `_plaudit_judge(SOLUTION)`. The tests are not in it: they come on standard input after the
/// judge's source, read by the judge only after it has forked the solution's process, which
/// closes standard input first. The judge's source is not a literal of the program: a run on a
/// fork server, which has it preloaded, skips it unread instead of compiling ~30 KB of escaped
/// string.
pub fn python_judge(solution: &str) -> String {
    let mut s = String::with_capacity(JUDGE_LOADER.len() + solution.len() + 64);
    s.push_str(JUDGE_LOADER);
    s.push_str("_pj._plaudit_judge(");
    s.push_str(&py_literal(solution));
    s.push_str(")\n");
    s
}

/// The start of [`python_judge`]'s program: read the judge's source length from standard input,
/// then skip the source (the module is preloaded) or compile it.
const JUDGE_LOADER: &str = r#"import sys as _ps, os as _po
def _pj_load():
    h = b""
    while not h.endswith(b"\n") and len(h) < 24:
        c = _po.read(0, 1)
        if not c:
            break
        h += c
    n = int(h)
    m = _ps.modules.get("plaudit_judge")
    if m is not None:
        try:
            _po.lseek(0, n, 1)
        except OSError:
            while n > 0:
                c = _po.read(0, min(n, 65536))
                if not c:
                    break
                n -= len(c)
        return m
    b = b""
    while len(b) < n:
        c = _po.read(0, n - len(b))
        if not c:
            break
        b += c
    import types as _pt
    m = _pt.ModuleType("plaudit_judge")
    exec(compile(b.decode(), "<plaudit_judge>", "exec"), m.__dict__)
    return m
_pj = _pj_load()
del _pj_load
"#;

/// The judge's standard input: the judge's source (`LEN\n` then `LEN` bytes, compiled only where
/// the judge is not preloaded, see [`python_judge`]), then the job `{"mode": "tests" | "check",
/// "code": …, "entry": …, "prompt": …}`.
pub fn python_job(mode: &str, code: &str, entry: Option<&str>, prompt: Option<&str>) -> Vec<u8> {
    let job = serde_json::to_vec(
        &serde_json::json!({"mode": mode, "code": code, "entry": entry, "prompt": prompt}),
    )
    .expect("a JSON object serialises");
    let head = format!("{}\n", JUDGE_PY.len());
    let mut out = Vec::with_capacity(head.len() + JUDGE_PY.len() + job.len());
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(JUDGE_PY.as_bytes());
    out.extend_from_slice(&job);
    out
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
        // The judge's source is not in the program; it heads standard input.
        assert!(!p.contains("_plaudit_cmp"));
        assert!(JUDGE_LOADER.contains(&format!("\"{JUDGE_MODULE}\"")));
        let job = python_job("check", "def check(c): pass", Some("f"), None);
        let head = format!("{}\n", JUDGE_PY.len());
        assert!(job.starts_with(head.as_bytes()));
        assert_eq!(
            &job[head.len()..head.len() + JUDGE_PY.len()],
            JUDGE_PY.as_bytes()
        );
        let rest: serde_json::Value =
            serde_json::from_slice(&job[head.len() + JUDGE_PY.len()..]).unwrap();
        assert_eq!(rest["mode"], "check");
        assert_eq!(rest["entry"], "f");
    }
}
