//! Runs untrusted programs (Python 3, C++) on Linux, isolated: user, PID, network, mount, IPC and
//! UTS namespaces, an unprivileged uid, no network, a private size-limited work directory, a
//! read-only view of what the interpreter needs, rlimits, a seccomp filter, a wall-clock limit
//! that kills the whole process tree, and capped output. Warm (pre-started) Python workers make a
//! short test cost a fork, not an interpreter start-up.
//!
//! THE API BELOW IS THE CONTRACT `plaudit-code` BUILDS ON. Its bodies are being written.

use std::sync::Arc;
use std::time::Duration;

/// The languages the sandbox runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    Python,
    Cpp,
}

impl Language {
    /// From a reference's `language` or a code fence's tag (`python`, `py`, `python3`, `cpp`,
    /// `c++`, `cxx`, `cc`), case-insensitive.
    pub fn parse(s: &str) -> Option<Language> {
        match s.trim().to_ascii_lowercase().as_str() {
            "python" | "py" | "python3" | "py3" => Some(Language::Python),
            "cpp" | "c++" | "cxx" | "cc" | "c++17" | "c++20" | "cpp17" | "cpp20" => {
                Some(Language::Cpp)
            }
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Cpp => "cpp",
        }
    }
}

/// Limits of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Wall-clock limit; the whole process tree is killed when it passes.
    pub wall: Duration,
    /// CPU time (RLIMIT_CPU, and measured).
    pub cpu: Duration,
    /// Address space / memory (RLIMIT_AS and, where available, a cgroup-free RSS watch).
    pub memory_bytes: u64,
    /// Largest file the program may write (RLIMIT_FSIZE).
    pub file_bytes: u64,
    /// Open files (RLIMIT_NOFILE).
    pub open_files: u64,
    /// Processes / threads (RLIMIT_NPROC inside the sandbox's own uid).
    pub processes: u64,
    /// Bytes of stdout and of stderr kept; the rest is discarded and `*_truncated` set.
    pub output_bytes: usize,
    /// Size of the private work directory (tmpfs).
    pub workdir_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            wall: Duration::from_secs(10),
            cpu: Duration::from_secs(10),
            memory_bytes: 1 << 30,
            file_bytes: 16 << 20,
            open_files: 64,
            processes: 32,
            output_bytes: 1 << 20,
            workdir_bytes: 64 << 20,
        }
    }
}

/// How strongly runs are isolated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isolation {
    /// Namespaces + unprivileged uid + seccomp + rlimits. `Sandbox::new` fails with a clear
    /// error when the machine cannot set this up; it never falls back silently.
    Full,
    /// Only rlimits, a process group, a private temporary directory and the wall-clock kill: for
    /// machines without user namespaces, and only when the spec explicitly opts in.
    Weak,
}

/// Sandbox configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub isolation: Isolation,
    /// Pre-started Python workers kept ready (0 = start an interpreter per run).
    pub warm_workers: usize,
    /// The Python 3 interpreter (default: `python3` on PATH, resolved to an absolute path).
    pub python: Option<std::path::PathBuf>,
    /// The C++ compiler (default: `g++` on PATH).
    pub cxx: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            isolation: Isolation::Full,
            warm_workers: 2,
            python: None,
            cxx: None,
        }
    }
}

/// Why the sandbox could not run something (not the program's own failure, which is a [`Report`]).
#[derive(Clone, Debug, PartialEq)]
pub struct SandboxError(pub String);

impl std::fmt::Display for SandboxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SandboxError {}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

/// What one run did.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub exit: Exit,
    /// The wall-clock or CPU limit was reached (the tree was killed).
    pub timed_out: bool,
    /// The memory limit was reached (allocation failure, MemoryError, std::bad_alloc, or kill).
    pub memory_exceeded: bool,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub stdout_truncated: bool,
    pub stderr_truncated: bool,
    pub wall: Duration,
    pub cpu: Duration,
}

/// A program ready to run: Python source, or a compiled C++ binary (compile once, run per test).
#[derive(Clone, Debug)]
pub enum Program {
    Python { source: Arc<str> },
    Native { binary: Arc<[u8]> },
}

/// A compile that failed: the compiler's report (its stderr says why).
#[derive(Clone, Debug)]
pub struct CompileError {
    pub report: Report,
}

/// A sandbox shared by all scoring threads (`Send + Sync`).
pub struct Sandbox {
    _config: Config,
}

impl Sandbox {
    /// Probe the machine and start the warm workers. Fails, naming what is missing (e.g. "user
    /// namespaces are disabled: …"), when `config.isolation` cannot be set up.
    pub fn new(config: Config) -> Result<Sandbox, SandboxError> {
        let _ = config;
        Err(SandboxError("plaudit-sandbox is not built yet".into()))
    }

    /// The process-wide sandbox with the default configuration for `isolation`, created on first
    /// use and kept (its error too, so a machine without namespaces fails every run the same way).
    pub fn shared(isolation: Isolation) -> Result<&'static Sandbox, SandboxError> {
        let _ = isolation;
        Err(SandboxError("plaudit-sandbox is not built yet".into()))
    }

    /// Compile C++ `source` (g++ -O2 -std=c++17) inside the sandbox under `limits`; Python
    /// programs need no compile and are returned as they are.
    pub fn compile(
        &self,
        language: Language,
        source: &str,
        limits: &Limits,
    ) -> Result<Result<Program, CompileError>, SandboxError> {
        let _ = (language, source, limits);
        Err(SandboxError("plaudit-sandbox is not built yet".into()))
    }

    /// Run `program` with `stdin`, isolated, under `limits`. Blocks the calling thread until the
    /// run ends (at most `limits.wall` plus a small grace).
    pub fn run(
        &self,
        program: &Program,
        stdin: &[u8],
        limits: &Limits,
    ) -> Result<Report, SandboxError> {
        let _ = (program, stdin, limits);
        Err(SandboxError("plaudit-sandbox is not built yet".into()))
    }
}
