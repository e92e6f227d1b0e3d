//! What bounds a run ([`Limits`]) and how a sandbox is set up ([`Config`], [`Isolation`]).

use std::time::Duration;

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
    /// Python fork servers kept ready (full isolation; see the README), or pre-started one-run
    /// workers (weak isolation, or a host that cannot map the dedicated ids); 0 = start an
    /// interpreter per run. Default: the number of cores, at least 2.
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
            warm_workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
                .max(2),
            python: None,
            cxx: None,
        }
    }
}
