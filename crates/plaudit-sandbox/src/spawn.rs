//! The parent side: start a sandboxed process, kill it, reap it (feeding and watching it is
//! [`crate::supervise`]).
use crate::child::{self, Exec, FullSpec, MountOp, Spec, NFDS};
use crate::plan::{IdMode, MountPlan, PythonInfo};
use crate::{Limits, SandboxError};
use libc::{c_char, c_int};
use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::PathBuf;
use std::time::Duration;

/// Everything fixed for the life of a sandbox.
pub(crate) struct Env {
    pub weak: bool,
    pub id_mode: IdMode,
    pub plan: Option<MountPlan>,
    pub filters: Vec<seccompiler::BpfProgram>,
    pub python: Option<PythonInfo>,
    pub python_argv: Vec<CString>,
    /// argv of the fork server (`zygote.py`), empty when it cannot be used.
    pub zygote_argv: Vec<CString>,
    pub cxx: Option<CString>,
    pub root_opts: CString,
}

/// What to start.
pub(crate) enum What<'a> {
    /// Set everything up and exit 0 without executing anything.
    Probe,
    /// The Python bootstrap, waiting for its job on descriptor 3 (stdin comes with the job).
    PythonWorker,
    /// The Python fork server (`zygote.py`), serving jobs on descriptor 3.
    Zygote,
    /// A binary (through a memfd), reading `stdin`.
    Native { binary: &'a [u8], stdin: &'a [u8] },
    /// g++ on `source`, keeping /work/prog.
    Compile { source: &'a [u8] },
}

pub(crate) const NATIVE_NAME: &str = "main";
const COMPILED: &str = "/work/prog";
const SOURCE: &str = "/work/main.cpp";

/// A started sandbox: its init (full isolation) or its program (weak), and the parent's ends of
/// its pipes.
pub(crate) struct Child {
    pid: libc::pid_t,
    pub(crate) weak: bool,
    pub(crate) pidfd: Option<OwnedFd>,
    pub status: Option<OwnedFd>,
    pub stdout: Option<OwnedFd>,
    pub stderr: Option<OwnedFd>,
    /// The Python worker's job socket.
    pub job: Option<OwnedFd>,
    tmpdir: Option<PathBuf>,
    reaped: bool,
    /// This value owns the process (kills and reaps it when dropped); a fork-server run does
    /// not own the fork server's sandbox, it may only kill it (at the wall limit).
    owned: bool,
}

impl Child {
    /// One run on a fork server whose sandbox's init is `pid`: the run's own pipes, and the
    /// right to kill that whole sandbox (never to reap it: the fork server's `Child` does).
    pub(crate) fn attached(
        pid: libc::pid_t,
        status: OwnedFd,
        stdout: OwnedFd,
        stderr: OwnedFd,
        replies: OwnedFd,
    ) -> Child {
        Child {
            pid,
            weak: false,
            pidfd: None,
            status: Some(status),
            stdout: Some(stdout),
            stderr: Some(stderr),
            job: Some(replies),
            tmpdir: None,
            reaped: false,
            owned: false,
        }
    }

    pub(crate) fn pid(&self) -> libc::pid_t {
        self.pid
    }

    /// The host pid of the sandbox's program: the child itself (weak), or init's only child.
    pub(crate) fn program_pid(&self) -> Option<libc::pid_t> {
        if self.weak {
            return Some(self.pid);
        }
        let text =
            std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", self.pid)).ok()?;
        text.split_whitespace().next()?.parse().ok()
    }

    /// Kill the whole sandbox: init of the PID namespace (the kernel kills the rest), or the
    /// process group.
    pub(crate) fn kill(&self) {
        if self.reaped {
            return;
        }
        // SAFETY: the pid is our unreaped child (or, weak, the group it leads): it cannot have
        // been reused.
        unsafe {
            if self.weak {
                libc::killpg(self.pid, libc::SIGKILL);
            } else {
                libc::kill(self.pid, libc::SIGKILL);
            }
        }
    }

    /// Wait for the process (init, or the weak program) and return its wait status and rusage.
    pub(crate) fn reap(&mut self) -> (c_int, libc::rusage) {
        // SAFETY: plain wait4 on our own child.
        let mut status: c_int = 0;
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        if self.reaped {
            return (status, ru);
        }
        loop {
            let r = unsafe { libc::wait4(self.pid, &mut status, 0, &mut ru) };
            if r == self.pid {
                break;
            }
            if r < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            // ECHILD: someone else reaped it (a process-wide SIGCHLD handler); nothing to measure.
            status = 0;
            break;
        }
        self.reaped = true;
        (status, ru)
    }

    /// The Python worker's interpreter is up (its `R` is waiting on the job socket).
    pub(crate) fn greeted(&self) -> bool {
        let Some(job) = &self.job else { return false };
        let mut pfd = libc::pollfd {
            fd: job.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, no wait.
        unsafe { libc::poll(&mut pfd, 1, 0) == 1 && pfd.revents & libc::POLLIN != 0 }
    }

    pub(crate) fn tmpdir(&self) -> Option<&PathBuf> {
        self.tmpdir.as_ref()
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if self.owned && !self.reaped {
            self.kill();
            self.reap();
        }
        if let Some(dir) = self.tmpdir.take() {
            let _ = std::fs::remove_dir_all(&dir);
            untrack_tmpdir(&dir);
        }
    }
}

pub(crate) fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

pub(crate) fn errno_text(e: i32) -> String {
    let name = format!("{:?}", nix::errno::Errno::from_raw(e));
    format!("{name}: {}", nix::errno::Errno::from_raw(e).desc())
}

pub(crate) fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    Ok(nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?)
}

fn socketpair() -> std::io::Result<(OwnedFd, OwnedFd)> {
    use nix::sys::socket::{socketpair, AddressFamily, SockFlag, SockType};
    Ok(socketpair(
        AddressFamily::Unix,
        SockType::Stream,
        None,
        SockFlag::SOCK_CLOEXEC,
    )?)
}

pub(crate) fn set_nonblocking(fd: RawFd) {
    // SAFETY: fcntl on a descriptor we own.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFL);
        libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
    }
}

/// A memfd holding `data`, positioned at 0.
pub(crate) fn memfd(name: &std::ffi::CStr, data: &[u8], exec: bool) -> std::io::Result<OwnedFd> {
    const MFD_EXEC: libc::c_uint = 0x10;
    // SAFETY: valid name; the descriptor is owned right away.
    let mut fd = unsafe {
        libc::memfd_create(
            name.as_ptr(),
            libc::MFD_CLOEXEC | if exec { MFD_EXEC } else { 0 },
        )
    };
    if fd < 0 && exec && errno() == libc::EINVAL {
        // Kernels before 6.3 do not know MFD_EXEC (and make every memfd executable).
        fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) };
    }
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: just created.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut f = std::fs::File::from(fd);
    use std::io::{Seek, Write};
    f.write_all(data)?;
    f.seek(std::io::SeekFrom::Start(0))?;
    Ok(OwnedFd::from(f))
}

fn cstr(s: &str) -> CString {
    CString::new(s).expect("no NUL")
}

fn ptrs(v: &[CString]) -> Vec<*const c_char> {
    v.iter()
        .map(|c| c.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect()
}

/// rlimit values never above what this process may set (raising a hard limit needs
/// CAP_SYS_RESOURCE in the initial user namespace).
fn limit(res: rlimit::Resource, soft: u64, hard: u64) -> (rlimit::Resource, u64, u64) {
    let cap = rlimit::getrlimit(res)
        .map(|(_, h)| h)
        .unwrap_or(rlimit::INFINITY);
    let hard = hard.min(cap);
    (res, soft.min(hard), hard)
}

pub(crate) fn cpu_seconds(cpu: Duration) -> u64 {
    (cpu.as_secs_f64().ceil() as u64).max(1)
}

pub(crate) fn native_stack(memory: u64) -> u64 {
    (memory / 4).clamp(8 << 20, 256 << 20)
}

/// The run's limits as rlimits; `None` (a warm Python worker, whose bootstrap applies the run's
/// limits itself) keeps only what must hold from the start.
fn rlimits(limits: Option<&Limits>, weak_extra_procs: u64) -> Vec<(rlimit::Resource, u64, u64)> {
    use rlimit::Resource as R;
    let mut v = vec![limit(R::CORE, 0, 0)];
    match limits {
        Some(l) => {
            let cpu = cpu_seconds(l.cpu);
            let stack = native_stack(l.memory_bytes);
            let procs = l.processes.saturating_add(weak_extra_procs);
            v.extend([
                limit(R::CPU, cpu, cpu + 1),
                limit(R::AS, l.memory_bytes, l.memory_bytes),
                limit(R::FSIZE, l.file_bytes, l.file_bytes),
                limit(R::NOFILE, l.open_files, l.open_files),
                limit(R::NPROC, procs, procs),
                limit(R::STACK, stack, stack),
                limit(R::MSGQUEUE, 0, 0),
            ]);
        }
        None => {
            // Threads take their default stack size from the soft limit at start-up: keep it at
            // 8 MiB; the bootstrap raises the main thread's limit to the run's.
            v.push(limit(R::STACK, 8 << 20, 256 << 20));
            v.push(limit(R::MSGQUEUE, 0, 0));
        }
    }
    v
}

/// Threads currently running as `uid` on the host (RLIMIT_NPROC counts them all in weak mode).
fn threads_of(uid: u32) -> u64 {
    let mut n = 0;
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    for e in dir.flatten() {
        let name = e.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        use std::os::unix::fs::MetadataExt;
        let Ok(m) = e.metadata() else { continue };
        if m.uid() != uid {
            continue;
        }
        if let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) {
            // Field 20 (num_threads), counted after the ")" that closes the command name.
            if let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) {
                n += rest
                    .split_whitespace()
                    .nth(17)
                    .and_then(|t| t.parse::<u64>().ok())
                    .unwrap_or(1);
            }
        }
    }
    n
}

/// In weak mode RLIMIT_NPROC counts every thread of the host user, so the program's allowance is
/// added to what that user runs already (root is exempt from the limit: nothing to add).
pub(crate) fn weak_extra_processes(env: &Env) -> u64 {
    // SAFETY: geteuid cannot fail.
    let euid = unsafe { libc::geteuid() };
    if env.weak && euid != 0 {
        threads_of(euid)
    } else {
        0
    }
}

static TMP_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Weak isolation's private directories that exist now: a warm worker's lives until it is
/// used, and the process may exit first (a process-wide sandbox is never dropped), so the
/// directories still listed here are removed at exit.
static TMP_DIRS: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

extern "C" fn remove_tmpdirs_at_exit() {
    let dirs = match TMP_DIRS.lock() {
        Ok(mut g) => std::mem::take(&mut *g),
        Err(e) => std::mem::take(&mut *e.into_inner()),
    };
    for d in dirs {
        let _ = std::fs::remove_dir_all(d);
    }
}

fn track_tmpdir(dir: &std::path::Path) {
    static AT_EXIT: std::sync::Once = std::sync::Once::new();
    // SAFETY: registering a plain extern "C" function.
    AT_EXIT.call_once(|| unsafe {
        libc::atexit(remove_tmpdirs_at_exit);
    });
    TMP_DIRS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(dir.to_path_buf());
}

fn untrack_tmpdir(dir: &std::path::Path) {
    TMP_DIRS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|d| d != dir);
}

fn weak_tmpdir() -> Result<PathBuf, SandboxError> {
    use std::os::unix::fs::DirBuilderExt;
    for _ in 0..100 {
        let n = TMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "plaudit-sandbox-{}-{n}-{nanos:08x}",
            std::process::id()
        ));
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => {
                track_tmpdir(&dir);
                return Ok(dir);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(SandboxError(format!(
                    "cannot create a private temporary directory in {}: {e}",
                    std::env::temp_dir().display()
                )))
            }
        }
    }
    Err(SandboxError(
        "cannot create a private temporary directory".into(),
    ))
}

/// The message for a failed `clone` with namespace flags.
pub(crate) fn clone_error(e: i32) -> SandboxError {
    let text = errno_text(e);
    let missing = match e {
        libc::EPERM | libc::ENOSPC | libc::EUSERS | libc::EINVAL | libc::ENOSYS => {
            "user namespaces are disabled"
        }
        _ => "namespaces could not be created",
    };
    SandboxError(format!(
        "full isolation is unavailable: {missing} (clone with CLONE_NEWUSER failed: {text}); \
         enable them (sysctl user.max_user_namespaces > 0, kernel.unprivileged_userns_clone = 1 \
         where it exists, or allow clone/unshare in the container's seccomp or AppArmor \
         profile), or opt in to Isolation::Weak explicitly"
    ))
}

/// Start `what` in a fresh sandbox.
pub(crate) fn spawn(
    env: &Env,
    what: &What,
    limits: Option<&Limits>,
    workdir_bytes: u64,
    cgroup: Option<&crate::cgroup::RunCgroup>,
) -> Result<Child, SandboxError> {
    let io = |what: &str, e: std::io::Error| SandboxError(format!("{what}: {e}"));
    let (status_r, status_w) = pipe().map_err(|e| io("pipe", e))?;
    let (stdout_r, stdout_w) = pipe().map_err(|e| io("pipe", e))?;
    let (stderr_r, stderr_w) = pipe().map_err(|e| io("pipe", e))?;
    let (go_parent, go_child) = socketpair().map_err(|e| io("socketpair", e))?;
    for fd in [stdout_r.as_raw_fd(), stderr_r.as_raw_fd()] {
        // SAFETY: fcntl on our own pipe; failure only costs throughput.
        unsafe { libc::fcntl(fd, libc::F_SETPIPE_SZ, 1 << 20) };
    }
    let mut job: Option<OwnedFd> = None;
    let mut tmpdir: Option<PathBuf> = None;
    let full = !env.weak;

    // Stdin and descriptor 3 of the program.
    let (stdin_fd, aux_fd): (OwnedFd, Option<OwnedFd>) = match what {
        What::Probe => (
            memfd(c"stdin", b"", false).map_err(|e| io("memfd", e))?,
            None,
        ),
        What::PythonWorker | What::Zygote => {
            let (p, c) = socketpair().map_err(|e| io("socketpair", e))?;
            set_nonblocking(p.as_raw_fd());
            job = Some(p);
            (
                memfd(c"stdin", b"", false).map_err(|e| io("memfd", e))?,
                Some(c),
            )
        }
        What::Native { binary, stdin } => (
            memfd(c"stdin", stdin, false).map_err(|e| io("memfd", e))?,
            Some(memfd(c"main", binary, true).map_err(|e| io("memfd", e))?),
        ),
        What::Compile { source } => (
            // Full isolation: init copies it to /work/main.cpp. Weak: written below.
            memfd(c"main.cpp", source, false).map_err(|e| io("memfd", e))?,
            None,
        ),
    };

    if full && env.id_mode == IdMode::Privileged {
        // The program may reopen its stdio through /proc/self/fd (open("/dev/stdout")): the
        // kernel then checks the pipe's or memfd's owner, which must be the program's user.
        for fd in [
            stdout_w.as_raw_fd(),
            stderr_w.as_raw_fd(),
            stdin_fd.as_raw_fd(),
        ] {
            // SAFETY: fchown on descriptors we own.
            unsafe { libc::fchown(fd, crate::plan::HOST_RUN_ID, crate::plan::HOST_RUN_ID) };
        }
    }
    if env.weak {
        let dir = weak_tmpdir()?;
        if let What::Compile { source } = what {
            std::fs::write(dir.join("main.cpp"), source).map_err(|e| io("writing main.cpp", e))?;
        }
        tmpdir = Some(dir);
    }
    let workdir_c = match &tmpdir {
        Some(d) => CString::new(d.as_os_str().as_encoded_bytes()).expect("path"),
        None => cstr("/work"),
    };

    // Program, argv, environment.
    let home = match &tmpdir {
        Some(d) => d.display().to_string(),
        None => "/work".to_string(),
    };
    let tmp = match &tmpdir {
        Some(d) => d.display().to_string(),
        None => "/tmp".to_string(),
    };
    let envs = vec![
        cstr("PATH=/usr/local/bin:/usr/bin:/bin"),
        cstr(&format!("HOME={home}")),
        cstr(&format!("TMPDIR={tmp}")),
        cstr("LANG=C.UTF-8"),
    ];
    let envp = ptrs(&envs);
    let (source_path, prog_path) = match &tmpdir {
        Some(d) => (
            d.join("main.cpp").display().to_string(),
            d.join("prog").display().to_string(),
        ),
        None => (SOURCE.to_string(), COMPILED.to_string()),
    };
    let argv_c: Vec<CString> = match what {
        What::Probe => vec![],
        What::PythonWorker => env.python_argv.clone(),
        What::Zygote => env.zygote_argv.clone(),
        What::Native { .. } => vec![cstr(NATIVE_NAME)],
        What::Compile { .. } => vec![
            cstr("g++"),
            cstr("-O2"),
            cstr("-std=c++17"),
            cstr("-o"),
            cstr(&prog_path),
            cstr(&source_path),
        ],
    };
    let argv = ptrs(&argv_c);
    let python_exe = env
        .python
        .as_ref()
        .map(|p| CString::new(p.exe.as_os_str().as_encoded_bytes()).expect("path"));
    let exec = match what {
        What::Probe => Exec::Nothing,
        What::PythonWorker | What::Zygote => Exec::Path {
            path: python_exe
                .as_deref()
                .ok_or_else(|| SandboxError("no Python interpreter".into()))?,
            argv: &argv,
            envp: &envp,
        },
        What::Native { .. } => Exec::Fd {
            argv: &argv,
            envp: &envp,
        },
        What::Compile { .. } => Exec::Path {
            path: env
                .cxx
                .as_deref()
                .ok_or_else(|| SandboxError("no C++ compiler".into()))?,
            argv: &argv,
            envp: &envp,
        },
    };

    let rl = rlimits(limits, weak_extra_processes(env));
    let rw_opts = crate::plan::rw_opts(workdir_bytes);
    let keep_root = matches!(what, What::Zygote);
    let filters: Vec<&[seccompiler::sock_filter]> = if keep_root {
        vec![]
    } else {
        env.filters.iter().map(|f| f.as_slice()).collect()
    };
    let stage = cstr(SOURCE);
    let collect_path = cstr(COMPILED);
    let compile = matches!(what, What::Compile { .. });
    let empty_ops: [MountOp; 0] = [];
    let full_spec = if full {
        let plan = env.plan.as_ref().expect("full isolation has a mount plan");
        Some(FullSpec {
            root: &plan.root,
            root_opts: &env.root_opts,
            ops: if plan.ops.is_empty() {
                &empty_ops
            } else {
                &plan.ops
            },
            rw_opts: &rw_opts,
            ids: env.id_mode.ids(),
            stage: if compile { Some(&stage) } else { None },
            collect: if compile {
                Some((
                    &collect_path,
                    limits.map(|l| l.file_bytes).unwrap_or(64 << 20),
                ))
            } else {
                None
            },
        })
    } else {
        None
    };
    let mut fds = [-1 as c_int; NFDS];
    fds[child::FD_STDIN as usize] = stdin_fd.as_raw_fd();
    fds[child::FD_STDOUT as usize] = stdout_w.as_raw_fd();
    fds[child::FD_STDERR as usize] = stderr_w.as_raw_fd();
    fds[child::FD_AUX as usize] = aux_fd.as_ref().map(|f| f.as_raw_fd()).unwrap_or(-1);
    fds[child::FD_STATUS as usize] = status_w.as_raw_fd();
    fds[child::FD_GO as usize] = go_child.as_raw_fd();
    let cgroups = cgroup.map_or(&[][..], |c| &c.procs[..]);
    for (k, fd) in cgroups.iter().take(child::MAX_CGROUPS).enumerate() {
        fds[child::FD_CGROUP as usize + k] = fd.as_raw_fd();
    }
    let spec = Spec {
        fds,
        cgroups: cgroups.len().min(child::MAX_CGROUPS),
        full: full_spec,
        workdir: &workdir_c,
        rlimits: &rl,
        filters: &filters,
        exec,
        keep_root,
    };

    let flags: libc::c_ulong = if full {
        (libc::CLONE_NEWUSER
            | libc::CLONE_NEWPID
            | libc::CLONE_NEWNET
            | libc::CLONE_NEWNS
            | libc::CLONE_NEWIPC
            | libc::CLONE_NEWUTS
            | libc::CLONE_NEWCGROUP) as libc::c_ulong
    } else {
        0
    } | libc::SIGCHLD as libc::c_ulong;

    // SAFETY: the child runs only `child_main`, which makes raw system calls on memory prepared
    // above (see child.rs); all signals are blocked across the clone so that no handler of the
    // host process ever runs in the child.
    let pid = unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
        let r = libc::syscall(libc::SYS_clone, flags, 0usize, 0usize, 0usize, 0usize);
        if r == 0 {
            child::child_main(&spec);
        }
        let e = errno();
        libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        if r < 0 {
            if let Some(d) = tmpdir.take() {
                let _ = std::fs::remove_dir_all(&d);
                untrack_tmpdir(&d);
            }
            return Err(if full {
                clone_error(e)
            } else {
                SandboxError(format!("fork failed: {}", errno_text(e)))
            });
        }
        r as libc::pid_t
    };
    // The child's ends.
    drop((stdout_w, stderr_w, status_w, go_child, stdin_fd, aux_fd));

    // SAFETY: pidfd_open on our unreaped child.
    let pidfd = unsafe {
        let fd = libc::syscall(libc::SYS_pidfd_open, pid, 0) as c_int;
        (fd >= 0).then(|| OwnedFd::from_raw_fd(fd))
    };
    let child = Child {
        pid,
        weak: env.weak,
        pidfd,
        status: Some(status_r),
        stdout: Some(stdout_r),
        stderr: Some(stderr_r),
        job,
        tmpdir,
        reaped: false,
        owned: true,
    };
    if full {
        let (uid_map, gid_map, setgroups) = env.id_mode.maps();
        let w = |file: &str, data: &str| {
            std::fs::write(format!("/proc/{pid}/{file}"), data)
                .map_err(|e| SandboxError(format!("writing /proc/{pid}/{file} ({data:?}): {e}")))
        };
        w("setgroups", setgroups)?;
        w("uid_map", &uid_map)?;
        w("gid_map", &gid_map)?;
    } else {
        // SAFETY: put the child in its own group before it runs anything (it does so itself too;
        // this closes the race with an early kill).
        unsafe { libc::setpgid(pid, pid) };
    }
    // SAFETY: a one-byte send without SIGPIPE.
    let sent = unsafe {
        libc::send(
            go_parent.as_raw_fd(),
            b"G".as_ptr() as *const libc::c_void,
            1,
            libc::MSG_NOSIGNAL,
        )
    };
    if sent != 1 {
        return Err(SandboxError(format!(
            "the sandbox's child went away before starting: {}",
            errno_text(errno())
        )));
    }
    drop(go_parent);

    for fd in [
        child.status.as_ref(),
        child.stdout.as_ref(),
        child.stderr.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        set_nonblocking(fd.as_raw_fd());
    }
    Ok(child)
}
