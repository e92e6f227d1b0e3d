//! Runs untrusted programs (Python 3, C++) on Linux, isolated: user, PID, network, mount, IPC and
//! UTS namespaces, an unprivileged uid, no network, a private size-limited work directory, a
//! read-only view of what the interpreter needs, rlimits, a seccomp filter, a wall-clock limit
//! that kills the whole process tree, and capped output. Python fork servers (one per core, each
//! in a sandbox of its own, with common modules preloaded) make a short test cost two forks into
//! fresh namespaces, not an interpreter start-up.
//!
//! The crate's README.md gives the isolation model (what each layer stops, what is not
//! defended), how a sandbox is started soundly from a multithreaded process (a raw `clone` into
//! new namespaces, then only raw system calls until `execve`: `src/child.rs`), the fork server
//! (`src/zygote.rs`, `src/zygote.py`), the one-shot worker protocol (`src/python.rs`; both run the
//! program with `src/runner.py`), notes
//! for callers, and measured latencies.
//!
//! Additions beyond the contract: [`Sandbox::config`], [`Sandbox::exposed_paths`],
//! [`Sandbox::warm_ready`], [`SIMULATE_NO_USERNS_ENV`]; a cgroup per run
//! ([`Sandbox::memory_scope`], [`Sandbox::cgroup_unavailable`], [`Report::memory_scope`],
//! [`NO_CGROUPS_ENV`]); [`preload_python_module`].

mod cgroup;
mod child;
mod limits;
mod plan;
mod pool;
mod python;
mod report;
mod seccomp;
mod spawn;
mod supervise;
mod zygote;

use std::sync::Arc;
use std::time::Duration;

pub use cgroup::MemoryScope;
pub use limits::{Config, Isolation, Limits};
pub use report::{Exit, Report};

use report::report;

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

/// Why the sandbox could not run something (not the program's own failure, which is a [`Report`]).
#[derive(Clone, Debug, PartialEq)]
pub struct SandboxError(pub String);

impl std::fmt::Display for SandboxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SandboxError {}

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
    inner: Arc<Inner>,
    refill: Option<std::thread::JoinHandle<()>>,
}

struct Inner {
    config: Config,
    env: Arc<spawn::Env>,
    pool: Option<Arc<pool::Pool>>,
    zygotes: Option<Arc<zygote::Zygotes>>,
    python_error: Option<String>,
    cxx_error: Option<String>,
    /// Finished sandboxes whose init is still exiting (its mount namespace's teardown waits for
    /// an RCU grace period, milliseconds a run need not wait for): reaped on a background thread.
    reaper: std::sync::mpsc::Sender<Reap>,
    cgroups: cgroup::Cgroups,
}

/// Handed to the reaper thread: a sandbox to reap, or a run's cgroup to remove (both on drop).
#[allow(dead_code)]
enum Reap {
    Child(spawn::Child),
    Cgroup(cgroup::RunCgroup),
}

impl Inner {
    /// Reap `child` now, or hand it to the reaper when nothing of the run is alive any more.
    fn finish(
        &self,
        mut child: spawn::Child,
        outcome: &supervise::Outcome,
    ) -> (libc::c_int, libc::rusage) {
        if !self.env.weak && outcome.complete() {
            // The records carry the status and CPU time; init's own wait status is not needed.
            let _ = self.reaper.send(Reap::Child(child));
            // SAFETY: an all-zero rusage is valid.
            return (0, unsafe { std::mem::zeroed() });
        }
        child.reap()
    }
}

/// Set to `1` to make `Sandbox::new` behave as on a machine without user namespaces (for tests
/// and for checking a deployment's error path).
pub const SIMULATE_NO_USERNS_ENV: &str = "PLAUDIT_SANDBOX_SIMULATE_NO_USERNS";

/// Python modules every fork server imports when it starts (see [`preload_python_module`]).
static PRELOAD: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

/// Have every fork server made after this call import `source` as module `name` when it starts
/// (trusted code of the caller, e.g. plaudit-code's test judge: a run then finds it in
/// `sys.modules` instead of compiling it). Nothing secret may be in it: every run's memory starts
/// as a copy of the server's. A program must not rely on it being there (cold and one-shot
/// interpreters do not have it). Registering a name again replaces its source.
pub fn preload_python_module(name: &str, source: &str) {
    assert!(
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
        "a module name: {name:?}"
    );
    assert!(!source.contains('\0'), "a source without NUL");
    let mut p = PRELOAD.lock().unwrap_or_else(|e| e.into_inner());
    p.retain(|(n, _)| n != name);
    p.push((name.to_string(), source.to_string()));
}

/// Set to `1` to run without cgroups (as on a machine that has none): memory is then bounded
/// per process only, and every report says so.
pub const NO_CGROUPS_ENV: &str = "PLAUDIT_SANDBOX_NO_CGROUPS";

const PROBE_WALL: Duration = Duration::from_secs(20);

impl Sandbox {
    /// Probe the machine and start the warm workers. Fails, naming what is missing (e.g. "user
    /// namespaces are disabled: …"), when `config.isolation` cannot be set up.
    pub fn new(config: Config) -> Result<Sandbox, SandboxError> {
        let weak = config.isolation == Isolation::Weak;
        if !weak && std::env::var(SIMULATE_NO_USERNS_ENV).is_ok_and(|v| v == "1") {
            return Err(spawn::clone_error(libc::EPERM));
        }
        let (python, python_error) = match plan::resolve_python(config.python.as_deref()) {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(e)),
        };
        let (cxx, cxx_error) = match plan::resolve_cxx(config.cxx.as_deref()) {
            Ok(c) => (Some(c), None),
            Err(e) => (None, Some(e)),
        };
        let filters = seccomp::build(weak)
            .map_err(|e| SandboxError(format!("cannot compile the seccomp filter: {e}")))?
            .programs;
        let plan = if weak {
            None
        } else {
            let mut roots = Vec::new();
            if let Some(p) = &python {
                roots.extend(p.roots.iter().cloned());
            }
            if let Some(c) = &cxx {
                roots.extend(c.roots.iter().cloned());
            }
            Some(plan::mount_plan(&roots))
        };
        let python_argv = match &python {
            Some(p) => {
                let mut v = vec![
                    c_path(&p.exe),
                    c"-I".into(),
                    c"-S".into(),
                    c"-B".into(),
                    c"-c".into(),
                    std::ffi::CString::new(python::BOOTSTRAP).expect("no NUL"),
                ];
                v.extend(p.site_dirs.iter().map(|d| c_path(d)));
                v
            }
            None => vec![],
        };
        // SAFETY: plain id queries.
        let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
        let mut env = spawn::Env {
            weak,
            id_mode: if euid == 0 {
                plan::IdMode::Privileged
            } else {
                plan::IdMode::Unprivileged {
                    uid: euid,
                    gid: egid,
                }
            },
            plan,
            filters,
            python,
            python_argv,
            zygote_argv: vec![],
            cxx: cxx.as_ref().map(|c| c_path(&c.exe)),
            root_opts: std::ffi::CString::new(plan::ROOT_OPTS).expect("no NUL"),
        };
        if let Err(first) = probe(&env) {
            // A root inside a container may not own the dedicated host ids: map its own id.
            if weak || env.id_mode != plan::IdMode::Privileged || !first.0.contains("uid_map") {
                return Err(first);
            }
            env.id_mode = plan::IdMode::Unprivileged {
                uid: euid,
                gid: egid,
            };
            probe(&env)
                .map_err(|e| SandboxError(format!("{first}; then, mapping its own id: {e}")))?;
        }
        // Fork servers need the dedicated ids (the server is the namespace's root; its runs
        // switch to the run id): full isolation under a root host process.
        let use_zygotes = config.warm_workers > 0
            && !weak
            && env.id_mode == plan::IdMode::Privileged
            && env.python.is_some();
        if use_zygotes {
            let p = env.python.as_ref().expect("checked");
            let ids = env.id_mode.ids();
            let hex = zygote::filters_hex(&env.filters);
            let mut v = vec![
                c_path(&p.exe),
                c"-I".into(),
                c"-S".into(),
                c"-B".into(),
                c"-c".into(),
                std::ffi::CString::new(zygote::SOURCE).expect("no NUL"),
                std::ffi::CString::new(ids.uid.to_string()).expect("digits"),
                std::ffi::CString::new(ids.gid.to_string()).expect("digits"),
                std::ffi::CString::new(if ids.setgroups { "1" } else { "0" }).expect("digit"),
                std::ffi::CString::new(hex.len().to_string()).expect("digits"),
            ];
            v.extend(
                hex.into_iter()
                    .map(|h| std::ffi::CString::new(h).expect("hex")),
            );
            let preload = PRELOAD.lock().unwrap_or_else(|e| e.into_inner()).clone();
            v.push(std::ffi::CString::new(preload.len().to_string()).expect("digits"));
            for (name, source) in preload {
                v.push(std::ffi::CString::new(name).expect("no NUL"));
                v.push(std::ffi::CString::new(source).expect("no NUL"));
            }
            v.extend(p.site_dirs.iter().map(|d| c_path(d)));
            env.zygote_argv = v;
        }
        let cgroups = if std::env::var(NO_CGROUPS_ENV).is_ok_and(|v| v == "1") {
            cgroup::Cgroups::none(format!("{NO_CGROUPS_ENV}=1"))
        } else {
            cgroup::Cgroups::detect()
        };
        let env = Arc::new(env);
        let zygotes = use_zygotes.then(|| Arc::new(zygote::Zygotes::new(config.warm_workers)));
        let pool = (!use_zygotes && config.warm_workers > 0 && env.python.is_some()).then(|| {
            Arc::new(pool::Pool::new(
                config.warm_workers,
                Limits::default().workdir_bytes,
            ))
        });
        let refill = match (&pool, &zygotes) {
            (_, Some(z)) => {
                let (env, z) = (env.clone(), z.clone());
                Some(
                    std::thread::Builder::new()
                        .name("plaudit-sandbox-zygotes".into())
                        .spawn(move || zygote::refill(env, z))
                        .map_err(|e| {
                            SandboxError(format!("cannot start the fork-server thread: {e}"))
                        })?,
                )
            }
            (Some(p), None) => {
                let (env, p) = (env.clone(), p.clone());
                Some(
                    std::thread::Builder::new()
                        .name("plaudit-sandbox-warm".into())
                        .spawn(move || pool::refill(env, p))
                        .map_err(|e| {
                            SandboxError(format!("cannot start the warm-worker thread: {e}"))
                        })?,
                )
            }
            (None, None) => None,
        };
        let (reaper, reap_rx) = std::sync::mpsc::channel::<Reap>();
        std::thread::Builder::new()
            .name("plaudit-sandbox-reaper".into())
            .spawn(move || {
                for r in reap_rx {
                    drop(r);
                }
            })
            .map_err(|e| SandboxError(format!("cannot start the reaper thread: {e}")))?;
        Ok(Sandbox {
            inner: Arc::new(Inner {
                config,
                env,
                pool,
                zygotes,
                python_error,
                cxx_error,
                reaper,
                cgroups,
            }),
            refill,
        })
    }

    /// The process-wide sandbox with the default configuration for `isolation`, created on first
    /// use and kept (its error too, so a machine without namespaces fails every run the same way).
    pub fn shared(isolation: Isolation) -> Result<&'static Sandbox, SandboxError> {
        static FULL: std::sync::OnceLock<Result<Sandbox, SandboxError>> =
            std::sync::OnceLock::new();
        static WEAK: std::sync::OnceLock<Result<Sandbox, SandboxError>> =
            std::sync::OnceLock::new();
        let cell = match isolation {
            Isolation::Full => &FULL,
            Isolation::Weak => &WEAK,
        };
        cell.get_or_init(|| {
            Sandbox::new(Config {
                isolation,
                ..Config::default()
            })
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    /// What bounds a run's memory on this machine (see [`MemoryScope`]).
    pub fn memory_scope(&self) -> MemoryScope {
        self.inner.cgroups.scope()
    }

    /// Why runs have no cgroup (empty when they have one).
    pub fn cgroup_unavailable(&self) -> &str {
        &self.inner.cgroups.why_not
    }

    /// A fresh cgroup for one run, `None` without cgroup support.
    fn run_cgroup(&self, limits: &Limits) -> Result<Option<cgroup::RunCgroup>, SandboxError> {
        if self.inner.cgroups.scope() == MemoryScope::PerProcess {
            return Ok(None);
        }
        self.inner
            .cgroups
            .create(limits.memory_bytes, limits.processes)
            .map(Some)
    }

    /// The run's memory scope, and whether its cgroup saw an OOM kill.
    fn memory_of(&self, cg: &Option<cgroup::RunCgroup>) -> (MemoryScope, bool) {
        match cg {
            Some(c) => (self.inner.cgroups.scope(), c.oom_killed()),
            None => (MemoryScope::PerProcess, false),
        }
    }

    /// Remove a run's cgroup off the run's latency.
    fn drop_cgroup(&self, cg: Option<cgroup::RunCgroup>) {
        if let Some(cg) = cg {
            let _ = self.inner.reaper.send(Reap::Cgroup(cg));
        }
    }

    /// The configuration this sandbox was made with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Host paths visible (read-only) inside a fully isolated sandbox; empty for `Weak`.
    pub fn exposed_paths(&self) -> &[std::path::PathBuf] {
        self.inner
            .env
            .plan
            .as_ref()
            .map_or(&[], |p| p.exposed.as_slice())
    }

    /// Warm Python workers whose interpreter is up and waiting right now (at most
    /// `Config::warm_workers`).
    pub fn warm_ready(&self) -> usize {
        if let Some(z) = &self.inner.zygotes {
            return z.ready();
        }
        self.inner.pool.as_ref().map_or(0, |p| p.ready())
    }

    /// Compile C++ `source` (g++ -O2 -std=c++17) inside the sandbox under `limits`; Python
    /// programs need no compile and are returned as they are.
    pub fn compile(
        &self,
        language: Language,
        source: &str,
        limits: &Limits,
    ) -> Result<Result<Program, CompileError>, SandboxError> {
        match language {
            Language::Python => Ok(Ok(Program::Python {
                source: Arc::from(source),
            })),
            Language::Cpp => self.compile_cpp(source, limits),
        }
    }

    /// Run `program` with `stdin`, isolated, under `limits`. Blocks the calling thread until the
    /// run ends (at most `limits.wall` plus a small grace).
    pub fn run(
        &self,
        program: &Program,
        stdin: &[u8],
        limits: &Limits,
    ) -> Result<Report, SandboxError> {
        match program {
            Program::Python { source } => self.run_python(source, stdin, limits),
            Program::Native { binary } => self.run_native(binary, stdin, limits),
        }
    }

    fn compile_cpp(
        &self,
        source: &str,
        limits: &Limits,
    ) -> Result<Result<Program, CompileError>, SandboxError> {
        let env = &self.inner.env;
        if env.cxx.is_none() {
            return Err(SandboxError(format!(
                "no C++ compiler: {}",
                self.inner.cxx_error.as_deref().unwrap_or("not configured")
            )));
        }
        let what = spawn::What::Compile {
            source: source.as_bytes(),
        };
        let cg = self.run_cgroup(limits)?;
        let mut child = spawn::spawn(env, &what, Some(limits), limits.workdir_bytes, cg.as_ref())?;
        let started = std::time::Instant::now();
        let cap = usize::try_from(limits.file_bytes)
            .unwrap_or(usize::MAX)
            .saturating_add(4096);
        let outcome = supervise::supervise(
            &mut child,
            &[],
            started,
            limits.wall,
            limits.output_bytes,
            cap,
            true,
        );
        let (ws, ru) = child.reap();
        let mem = self.memory_of(&cg);
        self.drop_cgroup(cg);
        let (report, status) = report(env, outcome, ws, &ru, limits, None, mem)?;
        let binary = if env.weak {
            match (&report.exit, child.tmpdir()) {
                (Exit::Code(0), Some(dir)) => std::fs::read(dir.join("prog")).ok(),
                _ => None,
            }
        } else {
            match status.file {
                Some(Ok(bytes)) => Some(bytes),
                _ => None,
            }
        };
        drop(child);
        match (report.exit, binary) {
            (Exit::Code(0), Some(binary)) if !report.timed_out => Ok(Ok(Program::Native {
                binary: Arc::from(binary),
            })),
            _ => Ok(Err(CompileError { report })),
        }
    }

    fn run_native(
        &self,
        binary: &[u8],
        stdin: &[u8],
        limits: &Limits,
    ) -> Result<Report, SandboxError> {
        let env = &self.inner.env;
        let what = spawn::What::Native { binary, stdin };
        let cg = self.run_cgroup(limits)?;
        let mut child = spawn::spawn(env, &what, Some(limits), limits.workdir_bytes, cg.as_ref())?;
        let started = std::time::Instant::now();
        let outcome = supervise::supervise(
            &mut child,
            &[],
            started,
            limits.wall,
            limits.output_bytes,
            4096,
            false,
        );
        let (ws, ru) = self.inner.finish(child, &outcome);
        let mem = self.memory_of(&cg);
        self.drop_cgroup(cg);
        Ok(report(env, outcome, ws, &ru, limits, None, mem)?.0)
    }

    fn run_python(
        &self,
        source: &str,
        stdin: &[u8],
        limits: &Limits,
    ) -> Result<Report, SandboxError> {
        let env = &self.inner.env;
        if env.python.is_none() {
            return Err(SandboxError(format!(
                "no Python interpreter: {}",
                self.inner
                    .python_error
                    .as_deref()
                    .unwrap_or("not configured")
            )));
        }
        if let Some(zs) = &self.inner.zygotes {
            if let Some(z) = zs.take() {
                if let Some(r) = self.run_on_zygote(zs, z, source, stdin, limits) {
                    return r;
                }
            }
        }
        let mut retried = false;
        let mut child = loop {
            let (mut child, warm) = match self
                .inner
                .pool
                .as_ref()
                .and_then(|p| p.take(limits.workdir_bytes))
            {
                Some(c) => (c, true),
                None => (
                    spawn::spawn(
                        env,
                        &spawn::What::PythonWorker,
                        None,
                        limits.workdir_bytes,
                        None,
                    )?,
                    false,
                ),
            };
            match supervise::wait_ready(env, &mut child) {
                Ok(()) => break child,
                // A warm worker that died while waiting (killed from outside): one cold retry.
                Err(_) if warm && !retried => retried = true,
                Err(e) => return Err(e),
            }
        };
        // The worker started before its run: move its program into the run's cgroup now, before
        // it reads the job.
        let cg = self.run_cgroup(limits)?;
        if let Some(c) = &cg {
            let pid = child.program_pid().ok_or_else(|| {
                SandboxError("cgroup: the Python worker's process was not found".into())
            })?;
            for fd in &c.procs {
                use std::os::fd::AsRawFd;
                let text = pid.to_string();
                // SAFETY: a write of a short buffer to our own descriptor.
                let n = unsafe {
                    libc::write(
                        fd.as_raw_fd(),
                        text.as_ptr() as *const libc::c_void,
                        text.len(),
                    )
                };
                if n != text.len() as isize {
                    return Err(SandboxError(format!(
                        "cgroup: moving the Python worker into its run's cgroup: {}",
                        std::io::Error::last_os_error()
                    )));
                }
            }
        }
        let header = python::Header {
            cpu_ms: limits.cpu.as_millis().min(u64::MAX as u128) as u64,
            memory: limits.memory_bytes,
            file: limits.file_bytes,
            nofile: limits.open_files,
            nproc: limits
                .processes
                .saturating_add(spawn::weak_extra_processes(env)),
            stack: spawn::native_stack(limits.memory_bytes),
            source_len: source.len() as u64,
            stdin_len: stdin.len() as u64,
        }
        .encode();
        let mut job = Vec::with_capacity(header.len() + source.len() + stdin.len());
        job.extend_from_slice(&header);
        job.extend_from_slice(source.as_bytes());
        job.extend_from_slice(stdin);
        let started = std::time::Instant::now();
        let outcome = supervise::supervise(
            &mut child,
            &job,
            started,
            limits.wall,
            limits.output_bytes,
            4096,
            false,
        );
        let (ws, ru) = self.inner.finish(child, &outcome);
        let replies = python::parse_replies(&outcome.replies);
        let mem = self.memory_of(&cg);
        self.drop_cgroup(cg);
        Ok(report(env, outcome, ws, &ru, limits, Some(replies), mem)?.0)
    }

    /// One run on fork server `z`; `None` when the server failed before the run could report
    /// (it is discarded; the caller runs the program once on a fresh interpreter instead).
    fn run_on_zygote(
        &self,
        zs: &zygote::Zygotes,
        z: spawn::Child,
        source: &str,
        stdin: &[u8],
        limits: &Limits,
    ) -> Option<Result<Report, SandboxError>> {
        let discard = |z: spawn::Child| {
            zs.discard();
            let _ = self.inner.reaper.send(Reap::Child(z));
        };
        if !zygote::quiet(&z) {
            discard(z);
            return None;
        }
        let cg = match self.run_cgroup(limits) {
            Ok(cg) => cg,
            Err(e) => {
                zs.put_back(z);
                return Some(Err(e));
            }
        };
        let mut run = match zygote::submit(&z, source, stdin, limits, cg.as_ref()) {
            Ok(run) => run,
            Err(_) => {
                discard(z);
                return None;
            }
        };
        let started = std::time::Instant::now();
        let outcome = supervise::supervise(
            &mut run,
            &[],
            started,
            limits.wall,
            limits.output_bytes,
            4096,
            false,
        );
        drop(run);
        if outcome.complete() && zygote::quiet(&z) {
            zs.put_back(z);
        } else {
            // Killed at the wall limit (the whole server with it), or dead, or talking.
            discard(z);
        }
        let status = supervise::parse_status(&outcome.status);
        let mem = self.memory_of(&cg);
        self.drop_cgroup(cg);
        if !outcome.timed_out && status.exit.is_none() && status.error.is_none() {
            return None;
        }
        let replies = python::parse_replies(&outcome.replies);
        // SAFETY: an all-zero rusage is valid (the run's init reports the CPU time; a run killed
        // at the wall limit has none measured).
        let ru: libc::rusage = unsafe { std::mem::zeroed() };
        Some(report(&self.inner.env, outcome, 0, &ru, limits, Some(replies), mem).map(|r| r.0))
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(p) = &self.inner.pool {
            p.shutdown();
        }
        if let Some(z) = &self.inner.zygotes {
            z.shutdown();
        }
        if let Some(t) = self.refill.take() {
            let _ = t.join();
        }
    }
}

fn c_path(p: &std::path::Path) -> std::ffi::CString {
    std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).expect("path without NUL")
}

/// Run the isolation probe: the full setup, ending in `_exit(0)` instead of an exec.
fn probe(env: &spawn::Env) -> Result<(), SandboxError> {
    let limits = Limits::default();
    let mut child = spawn::spawn(env, &spawn::What::Probe, Some(&limits), 1 << 20, None)?;
    let started = std::time::Instant::now();
    let outcome = supervise::supervise(&mut child, &[], started, PROBE_WALL, 4096, 4096, true);
    let (ws, _) = child.reap();
    let status = supervise::parse_status(&outcome.status);
    if let Some(err) = &status.error {
        return Err(SandboxError(supervise::describe_setup_error(env, err)));
    }
    let code = if env.weak { Some(ws) } else { status.exit };
    match code {
        Some(0) => Ok(()),
        other => Err(SandboxError(format!(
            "the sandbox probe did not finish cleanly (status {other:?}, stderr {:?})",
            String::from_utf8_lossy(&outcome.stderr.buf)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn sandbox_is_send_and_sync() {
        assert_send_sync::<Sandbox>();
    }

    #[test]
    fn languages_parse() {
        assert_eq!(Language::parse(" Python3 "), Some(Language::Python));
        assert_eq!(Language::parse("C++"), Some(Language::Cpp));
        assert_eq!(Language::parse("rust"), None);
    }

    #[test]
    fn seccomp_filters_compile() {
        let f = seccomp::build(false).unwrap();
        assert_eq!(f.programs.len(), 2);
        assert!(seccomp::denied_names().contains(&"ptrace"));
    }
}
