//! Running a solution's tests in the sandbox, one isolated run per test, under the sample's
//! deadline, and judging each run.

use std::sync::Arc;
use std::time::Duration;

use plaudit_deadline::Deadline;
use plaudit_sandbox::{
    CompileError, Exit, Language, Limits, Program, Report, Sandbox, SandboxError,
};
use serde_json::{json, Map, Value};

use crate::compare::outputs_match;
use crate::cpp::{self, CppTest};
use crate::harness::{self, SYNTAX_EXIT};
use crate::plain::{strict_eq, Plain};
use crate::reference::{Reference, Suite};

/// How one test ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// A failed assertion, or output that differs from the expected output.
    WrongAnswer,
    /// An exception, a crash, a non-zero exit, or a program that ended before its test finished.
    RuntimeError,
    /// The time limit (or the sample's deadline) was reached.
    Timeout,
    /// The memory limit was reached.
    Memory,
    /// The solution does not compile (C++) or does not parse (Python).
    CompileError,
    /// Not run: an earlier test failed and the reward stops at the first failure.
    Skipped,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::WrongAnswer => "wrong_answer",
            Verdict::RuntimeError => "runtime_error",
            Verdict::Timeout => "timeout",
            Verdict::Memory => "memory",
            Verdict::CompileError => "compile_error",
            Verdict::Skipped => "skipped",
        }
    }
}

/// Limits and policy of one sample's runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Per test, unless the reference gives `time_limit_ms`.
    pub time_limit: Duration,
    /// Unless the reference gives `memory_mb`.
    pub memory_mb: u64,
    /// Stop at the first test that does not pass (the rest are [`Verdict::Skipped`]).
    pub stop_on_failure: bool,
    /// The longest a C++ compile may take.
    pub compile_limit: Duration,
    /// Ceilings on what a reference may ask for (`time_limit_ms`, `memory_mb`, the number of
    /// tests): a reference above one is `invalid_input` naming it (see [`check_ceilings`]).
    pub max_time_limit: Duration,
    pub max_memory_mb: u64,
    pub max_tests: usize,
}

/// Default ceilings: 60 s per test, 4096 MB, 1024 tests.
pub const MAX_TIME_LIMIT: Duration = Duration::from_secs(60);
pub const MAX_MEMORY_MB: u64 = 4096;
pub const MAX_TESTS_PER_REFERENCE: usize = 1024;

/// The reference asks for no more than `opts` allows: `Err` names the field, the value and the
/// ceiling.
pub fn check_ceilings(reference: &Reference, opts: &Options) -> Result<(), String> {
    if let Some(t) = reference.time_limit {
        if t > opts.max_time_limit {
            return Err(format!(
                "`reference.time_limit_ms` is {}; at most {} is allowed (the spec's `max_time_limit_ms`)",
                t.as_millis(),
                opts.max_time_limit.as_millis()
            ));
        }
    }
    if let Some(m) = reference.memory_mb {
        if m > opts.max_memory_mb {
            return Err(format!(
                "`reference.memory_mb` is {m}; at most {} is allowed (the spec's `max_memory_mb`)",
                opts.max_memory_mb
            ));
        }
    }
    let n = reference.suite.len();
    if n > opts.max_tests {
        return Err(format!(
            "`reference.{}` has {n} tests; at most {} are allowed (the spec's `max_tests`)",
            reference.suite.field(),
            opts.max_tests
        ));
    }
    Ok(())
}

impl Default for Options {
    fn default() -> Self {
        Options {
            time_limit: Duration::from_secs(5),
            memory_mb: 1024,
            stop_on_failure: false,
            compile_limit: Duration::from_secs(20),
            max_time_limit: MAX_TIME_LIMIT,
            max_memory_mb: MAX_MEMORY_MB,
            max_tests: MAX_TESTS_PER_REFERENCE,
        }
    }
}

/// What runs the programs: [`Sandbox`] (the trait lets the judging logic be tested on its own).
pub trait Exec {
    /// See [`Sandbox::compile`].
    fn compile(
        &self,
        language: Language,
        source: &str,
        limits: &Limits,
    ) -> Result<Result<Program, CompileError>, SandboxError>;
    /// See [`Sandbox::run`].
    fn run(&self, program: &Program, stdin: &[u8], limits: &Limits)
        -> Result<Report, SandboxError>;
}

impl Exec for Sandbox {
    fn compile(
        &self,
        language: Language,
        source: &str,
        limits: &Limits,
    ) -> Result<Result<Program, CompileError>, SandboxError> {
        Sandbox::compile(self, language, source, limits)
    }
    fn run(
        &self,
        program: &Program,
        stdin: &[u8],
        limits: &Limits,
    ) -> Result<Report, SandboxError> {
        Sandbox::run(self, program, stdin, limits)
    }
}

/// Kept free before the sample's deadline when a run's wall limit is cut to fit it: the
/// sandbox's kill grace plus the time to judge the run and return.
pub const RESERVE: Duration = Duration::from_millis(100);
/// A test is not started with less wall time than this left before the deadline.
pub const MIN_RUN: Duration = Duration::from_millis(20);

/// One test's result.
#[derive(Clone, Debug, PartialEq)]
pub struct TestResult {
    pub verdict: Verdict,
    /// Measured by the sandbox (zero for a test that did not run).
    pub wall: Duration,
    pub cpu: Duration,
    /// The verdict is `timeout` because the sample's deadline, not the test's time limit, ran out.
    pub cut_by_deadline: bool,
}

impl TestResult {
    fn not_run(verdict: Verdict, cut_by_deadline: bool) -> Self {
        TestResult {
            verdict,
            wall: Duration::ZERO,
            cpu: Duration::ZERO,
            cut_by_deadline,
        }
    }
}

/// What the first test that did not pass said.
#[derive(Clone, Debug, PartialEq)]
pub struct FirstFailure {
    pub test: usize,
    pub verdict: Verdict,
    pub message: String,
    /// The end of its standard error (or of the compiler's).
    pub stderr: String,
}

/// The results of one solution's tests.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub language: Language,
    pub tests: Vec<TestResult>,
    pub first_failure: Option<FirstFailure>,
    /// Set when a run's memory was bounded per process only (no usable cgroup on the machine).
    pub memory_per_process: bool,
}

impl Outcome {
    pub fn passed(&self) -> usize {
        self.tests
            .iter()
            .filter(|t| t.verdict == Verdict::Passed)
            .count()
    }

    pub fn total(&self) -> usize {
        self.tests.len()
    }

    pub fn all_passed(&self) -> bool {
        self.passed() == self.total()
    }

    /// `{"language", "verdicts", "passed", "total", "first_failure"?, "deadline_cut"?}`.
    pub fn details(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("language".into(), json!(self.language.name()));
        m.insert(
            "verdicts".into(),
            json!(self
                .tests
                .iter()
                .map(|t| t.verdict.name())
                .collect::<Vec<_>>()),
        );
        m.insert("passed".into(), json!(self.passed()));
        m.insert("total".into(), json!(self.total()));
        if let Some(f) = &self.first_failure {
            let mut ff = Map::new();
            ff.insert("test".into(), json!(f.test));
            ff.insert("verdict".into(), json!(f.verdict.name()));
            ff.insert("message".into(), json!(f.message));
            if !f.stderr.is_empty() {
                ff.insert("stderr".into(), json!(f.stderr));
            }
            m.insert("first_failure".into(), Value::Object(ff));
        }
        if self.memory_per_process {
            m.insert(
                "memory_limit".into(),
                json!(plaudit_sandbox::MemoryScope::PerProcess.name()),
            );
        }
        let cut = self.tests.iter().filter(|t| t.cut_by_deadline).count();
        if cut > 0 {
            m.insert("deadline_cut".into(), json!(cut));
        }
        m
    }
}

/// Why no verdict could be given.
#[derive(Clone, Debug, PartialEq)]
pub enum RunError {
    /// The sandbox could not be created or could not run the program (its message).
    Sandbox(String),
    /// The sample's deadline left no time to run any test.
    Timeout(String),
}

/// The most bytes of standard error kept in [`FirstFailure::stderr`].
const STDERR_EXCERPT: usize = 600;

fn excerpt_end(bytes: &[u8], max: usize) -> String {
    let s = String::from_utf8_lossy(bytes);
    let s = s.trim_end();
    if s.len() <= max {
        return s.to_string();
    }
    let mut from = s.len() - max;
    while !s.is_char_boundary(from) {
        from += 1;
    }
    format!("…{}", &s[from..])
}

fn excerpt_start(bytes: &[u8], max: usize) -> String {
    let s = String::from_utf8_lossy(bytes);
    let s = s.trim_end();
    if s.len() <= max {
        return s.to_string();
    }
    let mut to = max;
    while !s.is_char_boundary(to) {
        to -= 1;
    }
    format!("{}…", &s[..to])
}

/// The wall time a run may have: its limit, cut to what the deadline leaves (minus
/// [`RESERVE`]); `None` when less than [`MIN_RUN`] is left. The flag says whether it was cut.
fn slot(deadline: &Deadline, limit: Duration) -> Option<(Duration, bool)> {
    slot_after(deadline.budget(), deadline.elapsed(), limit)
}

/// [`slot`] for a deadline of `budget` of which `elapsed` has passed.
fn slot_after(
    budget: Option<Duration>,
    elapsed: Duration,
    limit: Duration,
) -> Option<(Duration, bool)> {
    let Some(budget) = budget else {
        return Some((limit, false));
    };
    let left = budget.saturating_sub(elapsed).saturating_sub(RESERVE);
    if left < MIN_RUN {
        None
    } else if left < limit {
        Some((left, true))
    } else {
        Some((limit, false))
    }
}

fn limits(wall: Duration, memory_mb: u64) -> Limits {
    Limits {
        wall,
        cpu: wall,
        memory_bytes: memory_mb.saturating_mul(1 << 20),
        ..Limits::default()
    }
}

fn describe_exit(r: &Report) -> String {
    match r.exit {
        Exit::Code(c) => format!("exit code {c}"),
        Exit::Signal(s) => format!("killed by signal {s}"),
    }
}

/// A judged run: its verdict and a message for the first failure.
struct Judged {
    verdict: Verdict,
    message: String,
}

fn judged(verdict: Verdict, message: impl Into<String>) -> Judged {
    Judged {
        verdict,
        message: message.into(),
    }
}

/// The common end of every run: memory, then time.
fn limit_verdict(r: &Report, wall: Duration, cut: bool) -> Option<Judged> {
    if r.memory_exceeded {
        return Some(judged(Verdict::Memory, "the memory limit was reached"));
    }
    if r.timed_out {
        return Some(judged(
            Verdict::Timeout,
            if cut {
                format!(
                    "the sample's deadline left {} ms for this test and it did not finish",
                    wall.as_millis()
                )
            } else {
                format!("the time limit of {} ms was reached", wall.as_millis())
            },
        ));
    }
    None
}

/// Judge a C++ unit-test run (test `index`) from the harness's records (see [`crate::cpp`]).
fn judge_cpp(r: &Report, index: usize, test: &CppTest, wall: Duration, cut: bool) -> Judged {
    if r.memory_exceeded {
        return judged(Verdict::Memory, "the memory limit was reached");
    }
    let verdict = cpp::judge(&r.stdout, index, test);
    match verdict {
        cpp::Judgement::Wrong(m) => return judged(Verdict::WrongAnswer, m),
        cpp::Judgement::Error(m) => return judged(Verdict::RuntimeError, m),
        _ => {}
    }
    if let Some(j) = limit_verdict(r, wall, cut) {
        return j;
    }
    match verdict {
        cpp::Judgement::Passed if r.exit == Exit::Code(0) => judged(Verdict::Passed, ""),
        _ => judged(
            Verdict::RuntimeError,
            format!(
                "the program ended before its test finished ({}){}",
                describe_exit(r),
                if r.stdout_truncated {
                    "; its output was cut at the output limit"
                } else {
                    ""
                }
            ),
        ),
    }
}

/// The first failure among the Python judge's records (`judge.py`), and whether its `end`
/// record came.
fn judge_records(stdout: &[u8], numbered: bool) -> (Option<Judged>, bool) {
    let text = String::from_utf8_lossy(stdout);
    let mut end = false;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let bad = || {
            Some(judged(
                Verdict::RuntimeError,
                "the judge's report is malformed",
            ))
        };
        let Ok(Value::Array(rec)) = serde_json::from_str::<Value>(line) else {
            return (bad(), false);
        };
        if end {
            return (bad(), false);
        }
        let tag = rec.first().and_then(Value::as_str).unwrap_or("");
        let idx = rec.get(1).and_then(Value::as_u64).unwrap_or(0);
        let text_at = |i: usize| rec.get(i).and_then(Value::as_str).unwrap_or("").to_string();
        // Which assert of a HumanEval check (a `tests` entry is one statement).
        let at = if numbered {
            format!("assert {} of check: ", idx + 1)
        } else {
            String::new()
        };
        let failure = match tag {
            "v" | "t" => {
                let (Some(exp), Some(act)) = (
                    rec.get(2).and_then(Plain::from_json),
                    rec.get(3).and_then(Plain::from_json),
                ) else {
                    return (bad(), false);
                };
                let ok = if tag == "v" {
                    strict_eq(&exp, &act)
                } else {
                    exp == Plain::Bool(act.truthy())
                };
                (!ok).then(|| {
                    judged(
                        Verdict::WrongAnswer,
                        if tag == "v" {
                            format!(
                                "{at}expected {} ({}), got {} ({})",
                                exp.render(100),
                                exp.type_name(),
                                act.render(100),
                                act.type_name()
                            )
                        } else {
                            format!(
                                "{at}expected a {} value, got {}",
                                if exp.truthy() { "true" } else { "false" },
                                act.render(100)
                            )
                        },
                    )
                })
            }
            "np" => Some(judged(
                Verdict::WrongAnswer,
                format!(
                    "{at}the solution gave {}, which is not plain data (int, float, str, bool, None, list, tuple, dict, set)",
                    text_at(2)
                ),
            )),
            "x" => Some(judged(
                Verdict::RuntimeError,
                format!("{at}{}", text_at(2)),
            )),
            "m" => Some(judged(Verdict::Memory, "MemoryError")),
            "syntax" => Some(judged(Verdict::CompileError, "the solution does not parse")),
            "load" => Some(judged(
                Verdict::RuntimeError,
                format!("the solution raised while loading: {}", text_at(1)),
            )),
            "assert" => Some(judged(
                Verdict::WrongAnswer,
                match text_at(1) {
                    m if m.is_empty() => "an assertion failed".to_string(),
                    m => format!("an assertion failed: {m}"),
                },
            )),
            "error" => Some(judged(Verdict::RuntimeError, text_at(1))),
            "pass" => None,
            "end" => {
                end = true;
                None
            }
            _ => return (bad(), false),
        };
        if failure.is_some() {
            return (failure, end);
        }
    }
    (None, end)
}

/// Judge a Python unit-test run from the judge's records: a value that differs, an exception, a
/// non-plain value… is the test's failure; it passes only when every record holds, the judge
/// wrote its `end` record and exited 0.
fn judge_python(r: &Report, numbered: bool, wall: Duration, cut: bool) -> Judged {
    if r.memory_exceeded {
        return judged(Verdict::Memory, "the memory limit was reached");
    }
    let (failure, end) = judge_records(&r.stdout, numbered);
    if let Some(f) = failure {
        return f;
    }
    if let Some(j) = limit_verdict(r, wall, cut) {
        return j;
    }
    if end && r.exit == Exit::Code(0) && !r.stdout_truncated {
        return judged(Verdict::Passed, "");
    }
    judged(
        Verdict::RuntimeError,
        format!(
            "the judge ended before its test finished ({}){}",
            describe_exit(r),
            if r.stdout_truncated {
                "; its output was cut at the output limit"
            } else {
                ""
            }
        ),
    )
}

/// Judge a stdin/stdout run against `expected`.
fn judge_io(
    r: &Report,
    python: bool,
    expected: &str,
    tolerance: Option<f64>,
    wall: Duration,
    cut: bool,
) -> Judged {
    if let Some(j) = limit_verdict(r, wall, cut) {
        return j;
    }
    if python && r.exit == Exit::Code(SYNTAX_EXIT) {
        let err = String::from_utf8_lossy(&r.stderr);
        if err.contains("SyntaxError") || err.contains("ValueError") {
            return judged(Verdict::CompileError, "the solution does not parse");
        }
    }
    if r.exit != Exit::Code(0) {
        return judged(Verdict::RuntimeError, describe_exit(r));
    }
    if r.stdout_truncated {
        return judged(
            Verdict::WrongAnswer,
            "the output was cut at the output limit",
        );
    }
    if outputs_match(&r.stdout, expected.as_bytes(), tolerance) {
        judged(Verdict::Passed, "")
    } else {
        judged(
            Verdict::WrongAnswer,
            format!(
                "expected `{}`, got `{}`",
                excerpt_start(expected.as_bytes(), 120),
                excerpt_start(&r.stdout, 120)
            ),
        )
    }
}

/// Run `solution`'s tests from `reference` in `language`, one sandbox run per test, under
/// `deadline`. Every test gets its own run with `min(time limit, what the deadline leaves)`;
/// tests the deadline leaves no time for are `timeout` without running. `Err` when the sandbox
/// fails, or when the deadline left time for no test at all.
pub fn run_tests<E: Exec + ?Sized>(
    sandbox: &E,
    solution: &str,
    reference: &Reference,
    language: Language,
    opts: &Options,
    deadline: &Deadline,
) -> Result<Outcome, RunError> {
    let time_limit = reference.time_limit.unwrap_or(opts.time_limit);
    let memory_mb = reference.memory_mb.unwrap_or(opts.memory_mb);
    let n = reference.suite.len();
    let mut out = Outcome {
        language,
        tests: Vec::with_capacity(n),
        first_failure: None,
        memory_per_process: false,
    };
    let sb = |e: SandboxError| RunError::Sandbox(e.0);
    let no_time = || {
        RunError::Timeout(format!(
            "the sample's deadline left no time to run any test ({} ms elapsed)",
            deadline.elapsed().as_millis()
        ))
    };

    // C++: compile once.
    let cpp_tests: Vec<CppTest> = match (&reference.suite, language) {
        (Suite::Asserts(tests), Language::Cpp) => tests.iter().map(|t| cpp::classify(t)).collect(),
        _ => vec![],
    };
    let binary = if language == Language::Cpp {
        let source =
            match &reference.suite {
                Suite::Asserts(_) => cpp::program(solution, &cpp_tests),
                Suite::Io(_) => solution.to_string(),
                Suite::Check { .. } => return Err(RunError::Sandbox(
                    "HumanEval `test_code` checks are Python; C++ takes `tests` or `stdin_stdout`"
                        .into(),
                )),
            };
        let (wall, cut) = slot(deadline, opts.compile_limit).ok_or_else(no_time)?;
        match sandbox
            .compile(Language::Cpp, &source, &limits(wall, memory_mb.max(1024)))
            .map_err(sb)?
        {
            Ok(p) => Some(p),
            Err(ce) => {
                if ce.report.timed_out && cut {
                    return Err(RunError::Timeout(format!(
                        "the sample's deadline passed while compiling ({} ms elapsed)",
                        deadline.elapsed().as_millis()
                    )));
                }
                let message = if ce.report.timed_out {
                    format!(
                        "compiling took longer than {} ms",
                        opts.compile_limit.as_millis()
                    )
                } else {
                    "the solution does not compile".to_string()
                };
                out.tests = vec![TestResult::not_run(Verdict::CompileError, false); n];
                out.first_failure = Some(FirstFailure {
                    test: 0,
                    verdict: Verdict::CompileError,
                    message,
                    stderr: excerpt_end(&ce.report.stderr, STDERR_EXCERPT),
                });
                return Ok(out);
            }
        }
    } else {
        None
    };
    // Python stdin/stdout: the same program for every case.
    let python_main = match (&reference.suite, language) {
        (Suite::Io(_), Language::Python) => Some(Program::Python {
            source: Arc::from(harness::python_main(solution)),
        }),
        _ => None,
    };
    // Python unit tests: the judge with the solution, the same program for every test.
    let judge_program = match (&reference.suite, language) {
        (Suite::Asserts(_) | Suite::Check { .. }, Language::Python) => Some(Program::Python {
            source: Arc::from(harness::python_judge(solution)),
        }),
        _ => None,
    };

    for i in 0..n {
        let last = out.tests.last().map(|t| t.verdict);
        if let Some(v) = last.filter(|v| *v != Verdict::Passed) {
            if opts.stop_on_failure {
                out.tests.push(TestResult::not_run(Verdict::Skipped, false));
                continue;
            }
            // A Python solution that does not parse fails every test the same way.
            if v == Verdict::CompileError {
                out.tests
                    .push(TestResult::not_run(Verdict::CompileError, false));
                continue;
            }
        }
        let Some((wall, cut)) = slot(deadline, time_limit) else {
            if i == 0 {
                return Err(no_time());
            }
            out.tests.push(TestResult::not_run(Verdict::Timeout, true));
            if out.first_failure.is_none() {
                out.first_failure = Some(FirstFailure {
                    test: i,
                    verdict: Verdict::Timeout,
                    message: "the sample's deadline passed before this test could run".into(),
                    stderr: String::new(),
                });
            }
            continue;
        };
        let lim = limits(wall, memory_mb);
        let (report, j) = match &reference.suite {
            Suite::Io(cases) => {
                let program = binary.as_ref().or(python_main.as_ref()).expect("built");
                let case = &cases[i];
                let r = sandbox
                    .run(program, case.input.as_bytes(), &lim)
                    .map_err(sb)?;
                let j = judge_io(
                    &r,
                    language == Language::Python,
                    &case.output,
                    reference.float_tolerance,
                    wall,
                    cut,
                );
                (r, j)
            }
            suite => {
                let (program, stdin, cpp_test) = match (&binary, suite) {
                    (Some(b), _) => (b.clone(), format!("{i}\n").into_bytes(), cpp_tests.get(i)),
                    (None, Suite::Asserts(tests)) => (
                        judge_program.clone().expect("built"),
                        harness::python_job("tests", &tests[i], None, None),
                        None,
                    ),
                    (
                        None,
                        Suite::Check {
                            test_code,
                            entry_point,
                            prompt,
                        },
                    ) => (
                        judge_program.clone().expect("built"),
                        harness::python_job(
                            "check",
                            test_code,
                            Some(entry_point),
                            prompt.as_deref(),
                        ),
                        None,
                    ),
                    (None, Suite::Io(_)) => unreachable!("handled above"),
                };
                let r = sandbox.run(&program, &stdin, &lim).map_err(sb)?;
                let j = match cpp_test {
                    Some(t) => judge_cpp(&r, i, t, wall, cut),
                    None => judge_python(&r, matches!(suite, Suite::Check { .. }), wall, cut),
                };
                (r, j)
            }
        };
        if report.memory_scope == plaudit_sandbox::MemoryScope::PerProcess {
            out.memory_per_process = true;
        }
        let cut_by_deadline = cut && j.verdict == Verdict::Timeout;
        if j.verdict != Verdict::Passed && out.first_failure.is_none() {
            out.first_failure = Some(FirstFailure {
                test: i,
                verdict: j.verdict,
                message: j.message,
                stderr: excerpt_end(&report.stderr, STDERR_EXCERPT),
            });
        }
        out.tests.push(TestResult {
            verdict: j.verdict,
            wall: report.wall,
            cpu: report.cpu,
            cut_by_deadline,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_fit_the_deadline() {
        let limit = Duration::from_secs(5);
        let ms = Duration::from_millis;
        assert_eq!(slot(&Deadline::none(), limit), Some((limit, false)));
        assert_eq!(slot_after(None, ms(9000), limit), Some((limit, false)));
        // 2 s budget, 300 ms gone: what is left less the reserve, cut by the deadline.
        assert_eq!(
            slot_after(Some(ms(2000)), ms(300), limit),
            Some((ms(1700) - RESERVE, true))
        );
        assert_eq!(
            slot_after(Some(ms(60_000)), ms(300), limit),
            Some((limit, false))
        );
        // Too little left for a run.
        assert_eq!(slot_after(Some(ms(110)), ms(0), limit), None);
        assert_eq!(slot_after(Some(ms(2000)), ms(2500), limit), None);
        assert_eq!(
            slot_after(Some(RESERVE + MIN_RUN), ms(0), limit),
            Some((MIN_RUN, true))
        );
    }

    #[test]
    fn excerpts_keep_char_boundaries() {
        assert_eq!(excerpt_end("ééé".as_bytes(), 3), "…é");
        assert_eq!(excerpt_start("ééé".as_bytes(), 3), "é…");
        assert_eq!(excerpt_end(b"short\n", 10), "short");
    }
}
