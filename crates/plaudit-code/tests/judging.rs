//! The judging logic on its own: `run_tests` over a plain local runner (python3 and g++ under
//! `ulimit -v` and `timeout`, no isolation). Only this file's own fixed programs run here; model
//! code always goes through plaudit-sandbox (tests/sandbox_runs.rs).

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use plaudit_code::run::Exec;
use plaudit_code::{extract_code, parse_reference, run_tests, Options, Outcome};
use plaudit_deadline::Deadline;
use plaudit_sandbox::{CompileError, Exit, Language, Limits, Program, Report, SandboxError};
use serde_json::{json, Value};

struct Local;

fn temp(ext: &str) -> std::path::PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "plaudit-judging-{}-{}.{ext}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

fn report(out: std::process::Output, wall: Duration, limit: Duration) -> Report {
    use std::os::unix::process::ExitStatusExt;
    let exit = match (out.status.code(), out.status.signal()) {
        (Some(c), _) => Exit::Code(c),
        (None, Some(s)) => Exit::Signal(s),
        _ => Exit::Code(-1),
    };
    let err = String::from_utf8_lossy(&out.stderr);
    Report {
        timed_out: (exit == Exit::Code(137) || exit == Exit::Signal(9)) && wall >= limit,
        memory_exceeded: err.contains("MemoryError") || err.contains("bad_alloc"),
        exit,
        stdout: out.stdout,
        stderr: out.stderr,
        stdout_truncated: false,
        stderr_truncated: false,
        wall,
        cpu: Duration::ZERO,
        memory_scope: plaudit_sandbox::MemoryScope::PerProcess,
    }
}

impl Exec for Local {
    fn compile(
        &self,
        _language: Language,
        source: &str,
        _limits: &Limits,
    ) -> Result<Result<Program, CompileError>, SandboxError> {
        let (src, bin) = (temp("cpp"), temp("bin"));
        std::fs::write(&src, source).unwrap();
        let t = Instant::now();
        let out = Command::new("g++")
            .args(["-O2", "-std=c++17", "-o"])
            .arg(&bin)
            .arg(&src)
            .output()
            .unwrap();
        let _ = std::fs::remove_file(&src);
        if !out.status.success() {
            return Ok(Err(CompileError {
                report: report(out, t.elapsed(), Duration::from_secs(60)),
            }));
        }
        let binary = std::fs::read(&bin).unwrap();
        let _ = std::fs::remove_file(&bin);
        Ok(Ok(Program::Native {
            binary: binary.into(),
        }))
    }

    fn run(
        &self,
        program: &Program,
        stdin: &[u8],
        limits: &Limits,
    ) -> Result<Report, SandboxError> {
        let (path, cmd) = match program {
            Program::Python { source } => {
                let p = temp("py");
                std::fs::write(&p, source.as_bytes()).unwrap();
                (p.clone(), format!("python3 {}", p.display()))
            }
            Program::Native { binary } => {
                let p = temp("bin");
                std::fs::write(&p, binary).unwrap();
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
                (p.clone(), p.display().to_string())
            }
        };
        let script = format!(
            "ulimit -v {}; exec timeout -s KILL {:.3} {cmd}",
            limits.memory_bytes / 1024,
            limits.wall.as_secs_f64()
        );
        let t = Instant::now();
        let mut child = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(stdin);
        let out = child.wait_with_output().unwrap();
        let _ = std::fs::remove_file(&path);
        Ok(report(out, t.elapsed(), limits.wall))
    }
}

fn judge(response: &str, reference: Value, opts: &Options, deadline: &Deadline) -> Outcome {
    let r = parse_reference(&reference).unwrap();
    let code = extract_code(response, r.language).unwrap();
    let language = plaudit_code::language_of(&r, &code);
    run_tests(&Local, code.source, &r, language, opts, deadline).unwrap()
}

fn verdicts(o: &Outcome) -> Vec<&'static str> {
    o.tests.iter().map(|t| t.verdict.name()).collect()
}

#[test]
fn python_unit_tests() {
    let o = judge(
        "```python\ndef f(x):\n    print('noise')\n    return 10 // x\n```",
        json!({"tests": ["assert f(1) == 10", "assert f(2) == 4", "assert f(0) == 0", "import sys\nsys.exit(0)"]}),
        &Options::default(),
        &Deadline::none(),
    );
    assert_eq!(
        verdicts(&o),
        ["passed", "wrong_answer", "runtime_error", "runtime_error"]
    );
    let o = judge(
        "```python\nimport os\nos._exit(0)\n```",
        json!({"test_code": "def check(c):\n    assert c(1) == 2\n", "entry_point": "f"}),
        &Options::default(),
        &Deadline::none(),
    );
    assert_eq!(verdicts(&o), ["runtime_error"]);
    let o = judge(
        "```python\ndef f(x) return x\n```",
        json!({"tests": ["assert f(1) == 1", "assert f(2) == 2"]}),
        &Options::default(),
        &Deadline::none(),
    );
    assert_eq!(verdicts(&o), ["compile_error", "compile_error"]);
}

#[test]
fn python_stdin_stdout() {
    let o = judge(
        "```python\nn = int(input())\nprint(n * n)\n```",
        json!({"stdin_stdout": [{"input": "3\n", "output": "9"}, {"input": "4\n", "output": "15"}, {"input": "x", "output": "0"}]}),
        &Options::default(),
        &Deadline::none(),
    );
    assert_eq!(verdicts(&o), ["passed", "wrong_answer", "runtime_error"]);
    // This local runner bounds memory per process only, and the details say so.
    assert_eq!(
        serde_json::Value::Object(o.details())["memory_limit"],
        "per process (rlimit)"
    );
    let f = o.first_failure.unwrap();
    assert_eq!((f.test, f.message.as_str()), (1, "expected `15`, got `16`"));
}

#[test]
fn limits_and_the_deadline() {
    let o = judge(
        "```python\nwhile True:\n    pass\n```",
        json!({"stdin_stdout": [{"input": "", "output": ""}], "time_limit_ms": 300}),
        &Options::default(),
        &Deadline::none(),
    );
    assert_eq!(verdicts(&o), ["timeout"]);
    let o = judge(
        "```python\ndef f():\n    return bytearray(2 << 30)\n```",
        json!({"tests": ["assert f()"], "memory_mb": 200}),
        &Options::default(),
        &Deadline::none(),
    );
    assert_eq!(verdicts(&o), ["memory"]);
    // Tests that never end, each with a 60 s limit, under a 1.2 s deadline: only the deadline
    // can end the sample before 60 s, however late a loaded machine delivers the kill.
    let d = Deadline::after(Duration::from_millis(1200));
    let o = judge(
        "```python\ndef f():\n    while True:\n        pass\n```",
        json!({"tests": ["assert f()", "assert f()", "assert f()"], "time_limit_ms": 60000}),
        &Options::default(),
        &d,
    );
    assert!(
        d.elapsed() < Duration::from_secs(60),
        "the deadline did not end the sample: {:?}",
        d.elapsed()
    );
    assert_eq!(verdicts(&o), ["timeout", "timeout", "timeout"]);
    assert!(o.tests.iter().all(|t| t.cut_by_deadline));
}

#[test]
fn cpp_compile_once_run_per_test() {
    let o = judge(
        "```cpp\n#define NDEBUG\n#include <cassert>\nint add(int a, int b) { return a + b + (a == 2); }\n```",
        json!({"tests": ["assert(add(1, 2) == 3);", "assert(add(2, 2) == 4);", "throw 5;"]}),
        &Options::default(),
        &Deadline::none(),
    );
    assert_eq!(verdicts(&o), ["passed", "wrong_answer", "runtime_error"]);
    let o = judge(
        "```c++\n#include <iostream>\nint main() { int a, b; std::cin >> a >> b; std::cout << a + b; }\n```",
        json!({"stdin_stdout": [{"input": "1 2", "output": "3\n"}, {"input": "2 2", "output": "5"}]}),
        &Options::default(),
        &Deadline::none(),
    );
    assert_eq!(verdicts(&o), ["passed", "wrong_answer"]);
    let o = judge(
        "```cpp\nint main() { return y; }\n```",
        json!({"stdin_stdout": [{"input": "", "output": ""}, {"input": "", "output": ""}]}),
        &Options::default(),
        &Deadline::none(),
    );
    assert_eq!(verdicts(&o), ["compile_error", "compile_error"]);
    assert!(o.first_failure.unwrap().stderr.contains("not declared"));
}
