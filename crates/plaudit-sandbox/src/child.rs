//! What runs in the cloned child, between `clone` and `execve`.
//!
//! The parent is a multithreaded process: another thread may hold the allocator's lock, a stdio
//! lock or any other lock at the moment of the clone, and those locks stay held forever in the
//! child. So everything here is raw system calls on data the parent prepared before cloning
//! (C strings, argv/envp arrays, the compiled seccomp programs): no allocation, no formatting, no
//! locks, no panics. Errors are reported as a fixed 16-byte [`Record`] on the status pipe (a
//! `write`, which is async-signal-safe) and the process `_exit`s.
//!
//! Process tree of a fully isolated run:
//!
//! ```text
//! host thread ──clone(NEWUSER|NEWPID|NEWNET|NEWNS|NEWIPC|NEWUTS|NEWCGROUP)──▶ init (PID 1)
//!   init: waits for the parent to write its uid/gid maps, builds the root (tmpfs + read-only
//!         binds), pivot_root, forks the program and reaps it, kills (kill -1) and reaps
//!         whatever it left behind, reports the program's wait status and the tree's CPU time,
//!         exits. (Should init itself be killed — the wall-clock limit — the kernel kills
//!         everything left in the PID namespace.)
//!   program (PID 2): setsid, rlimits, drops every capability, unprivileged uid, no_new_privs,
//!         seccomp, execve.
//! ```
use libc::{c_char, c_int, c_ulong, c_void};
use seccompiler::sock_filter;
use std::ffi::CStr;

/// Descriptor numbers inside the child.
pub(crate) const FD_STDIN: c_int = 0;
pub(crate) const FD_STDOUT: c_int = 1;
pub(crate) const FD_STDERR: c_int = 2;
/// The program's extra descriptor: the Python worker's job socket, or the native binary's memfd.
pub(crate) const FD_AUX: c_int = 3;
/// init → parent: [`Record`]s (and a collected file).
pub(crate) const FD_STATUS: c_int = 4;
/// parent → child: one byte once the uid/gid maps are written.
pub(crate) const FD_GO: c_int = 5;
/// `cgroup.procs` of the run's cgroups (opened by the parent): the program writes "0" to each,
/// moving itself in, before anything else (see `cgroup.rs`).
pub(crate) const FD_CGROUP: c_int = 6;
pub(crate) const MAX_CGROUPS: usize = 2;
pub(crate) const NFDS: usize = 8;

pub(crate) const KIND_ERROR: u32 = 1;
pub(crate) const KIND_EXIT: u32 = 2;
pub(crate) const KIND_FILE: u32 = 3;
pub(crate) const KIND_RUSAGE: u32 = 4;

/// A fixed-size message on the status pipe. `KIND_ERROR`: `a` = [`Step`], `b` = index of the mount
/// operation (or 0), `c` = errno. `KIND_EXIT`: `a` = the program's raw wait status.
/// `KIND_FILE`: `a` = errno (0 when the file follows), `b`/`c` = its length (low/high 32 bits),
/// then the bytes. `KIND_RUSAGE` (right after `KIND_EXIT`): init's `RUSAGE_CHILDREN` once the
/// program and everything it left behind are reaped — the CPU time of the whole tree, not
/// init's own — `a` = max RSS in KiB, `b`/`c` = CPU microseconds (low/high).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Record {
    pub kind: u32,
    pub a: u32,
    pub b: u32,
    pub c: u32,
}

pub(crate) const RECORD_LEN: usize = std::mem::size_of::<Record>();

impl Record {
    pub(crate) fn from_bytes(b: &[u8]) -> Record {
        let w = |i: usize| u32::from_ne_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        Record {
            kind: w(0),
            a: w(4),
            b: w(8),
            c: w(12),
        }
    }
}

/// Setup steps, named in the parent's error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Step {
    Fds = 1,
    Go,
    Hostname,
    MountPrivate,
    RootTmpfs,
    MountOp,
    Proc,
    Loopback,
    PivotRoot,
    RemountRoot,
    InitIds,
    Chdir,
    Stage,
    ForkProgram,
    Setsid,
    Rlimit,
    CapBound,
    Groups,
    Gid,
    Uid,
    Caps,
    Seccomp,
    Exec,
    /// A fork-server run's own setup (in Python: `b` says which part, see `zygote.py`).
    Zygote,
    Cgroup,
}

impl Step {
    pub(crate) fn from_u32(v: u32) -> Option<Step> {
        use Step::*;
        const ALL: [Step; 25] = [
            Fds,
            Go,
            Hostname,
            MountPrivate,
            RootTmpfs,
            MountOp,
            Proc,
            Loopback,
            PivotRoot,
            RemountRoot,
            InitIds,
            Chdir,
            Stage,
            ForkProgram,
            Setsid,
            Rlimit,
            CapBound,
            Groups,
            Gid,
            Uid,
            Caps,
            Seccomp,
            Exec,
            Zygote,
            Cgroup,
        ];
        ALL.iter().copied().find(|s| *s as u32 == v)
    }

    pub(crate) fn describe(self) -> &'static str {
        use Step::*;
        match self {
            Fds => "arranging descriptors",
            Go => "waiting for the uid/gid maps",
            Hostname => "sethostname",
            MountPrivate => "making the mount tree private",
            RootTmpfs => "mounting the root tmpfs",
            MountOp => "building the root",
            Proc => "mounting /proc",
            Loopback => "bringing up the loopback interface",
            PivotRoot => "pivot_root",
            RemountRoot => "remounting / read-only",
            InitIds => "switching init to the namespace's root id",
            Chdir => "chdir into the work directory",
            Stage => "writing the source into the work directory",
            ForkProgram => "forking the program",
            Setsid => "setsid",
            Rlimit => "setrlimit",
            CapBound => "dropping the capability bounding set",
            Groups => "setgroups",
            Gid => "setresgid",
            Uid => "setresuid",
            Caps => "dropping capabilities",
            Seccomp => "installing the seccomp filter",
            Exec => "execve",
            Zygote => "the fork server preparing the run",
            Cgroup => "joining the run's cgroup",
        }
    }
}

/// One step of building the sandbox's root, with paths already under the staging mount point.
#[derive(Debug)]
pub(crate) enum MountOp {
    Dir {
        path: std::ffi::CString,
        mode: u32,
    },
    Symlink {
        target: std::ffi::CString,
        path: std::ffi::CString,
    },
    /// Bind `src` on `dst` (created first: a directory, or an empty file when `file`), then, when
    /// `ro_flags` is set, remount it read-only with those flags (the source mount's locked
    /// nosuid/nodev/noexec/atime flags, which a user namespace may not clear).
    Bind {
        src: std::ffi::CString,
        dst: std::ffi::CString,
        file: bool,
        ro_flags: Option<c_ulong>,
        /// `src` is a host path: opened (O_PATH) while init is still host uid 0, so that a
        /// directory only root may traverse (/root/.pyenv/…) can be bound after init has become
        /// the namespace's unprivileged root.
        host: bool,
    },
    File {
        path: std::ffi::CString,
        data: Vec<u8>,
    },
    /// The private writable tmpfs (size from the run), mounted at `dst`.
    RwTmpfs {
        dst: std::ffi::CString,
    },
    /// `chown path uid gid` (ids inside the namespace).
    Chown {
        path: std::ffi::CString,
        uid: u32,
        gid: u32,
    },
    /// Lazy unmount, then rmdir.
    Detach {
        path: std::ffi::CString,
    },
    Proc {
        dst: std::ffi::CString,
    },
}

impl MountOp {
    pub(crate) fn describe(&self) -> String {
        let s = |c: &std::ffi::CString| c.to_string_lossy().into_owned();
        match self {
            MountOp::Dir { path, .. } => format!("mkdir {}", s(path)),
            MountOp::Symlink { target, path } => format!("symlink {} -> {}", s(path), s(target)),
            MountOp::Bind { src, dst, .. } => format!("bind {} on {}", s(src), s(dst)),
            MountOp::File { path, .. } => format!("write {}", s(path)),
            MountOp::RwTmpfs { dst } => format!("mount the work tmpfs on {}", s(dst)),
            MountOp::Chown { path, .. } => format!("chown {}", s(path)),
            MountOp::Detach { path } => format!("unmount {}", s(path)),
            MountOp::Proc { dst } => format!("mount proc on {}", s(dst)),
        }
    }
}

/// What the program child finally executes.
pub(crate) enum Exec<'a> {
    /// Set everything up, then `_exit(0)` (the isolation probe).
    Nothing,
    Path {
        path: &'a CStr,
        argv: &'a [*const c_char],
        envp: &'a [*const c_char],
    },
    /// `execveat(FD_AUX, "", AT_EMPTY_PATH)`: a binary held in a memfd.
    Fd {
        argv: &'a [*const c_char],
        envp: &'a [*const c_char],
    },
}

/// The ids the program runs as (inside the user namespace, or on the host in weak mode).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ids {
    pub uid: u32,
    pub gid: u32,
    /// setgroups(0, []) is possible (the parent left /proc/PID/setgroups at "allow").
    pub setgroups: bool,
    /// init switches itself to the namespace's uid/gid 0 (mapped to an unprivileged host id).
    pub init_root: bool,
}

pub(crate) struct FullSpec<'a> {
    /// The staging mount point that becomes the new root.
    pub root: &'a CStr,
    pub root_opts: &'a CStr,
    pub ops: &'a [MountOp],
    /// tmpfs options of the private work directory (size=…).
    pub rw_opts: &'a CStr,
    pub ids: Ids,
    /// init copies its stdin (a memfd) into this file before forking the program.
    pub stage: Option<&'a CStr>,
    /// init sends this file back on the status pipe after a successful exit (at most `.1` bytes).
    pub collect: Option<(&'a CStr, u64)>,
}

pub(crate) struct Spec<'a> {
    /// Parent-side descriptor numbers that become 0..NFDS in the child (-1: none).
    pub fds: [c_int; NFDS],
    /// How many `cgroup.procs` descriptors follow FD_CGROUP.
    pub cgroups: usize,
    pub full: Option<FullSpec<'a>>,
    /// Working directory of the program.
    pub workdir: &'a CStr,
    /// (resource, soft, hard), set with the `rlimit` crate (a plain setrlimit call).
    pub rlimits: &'a [(rlimit::Resource, u64, u64)],
    pub filters: &'a [&'a [sock_filter]],
    pub exec: Exec<'a>,
    /// The fork server (full isolation only): the program stays the namespace's root with its
    /// capabilities in the sandbox's user namespace (and none outside it) and gets no seccomp
    /// filter, because it creates each run's namespaces and mounts; every run's process drops
    /// all of it itself before any untrusted code runs (see `zygote.py`).
    pub keep_root: bool,
}

// The id changes are raw system calls, never glibc's wrappers: in a multithreaded process
// glibc's setresuid/setresgid/setgroups broadcast the change to every thread it knows of (the
// "setxid" protocol, under an internal lock), and in a cloned child that list is a stale copy of
// the parent's — the wrapper can wait forever for threads that do not exist. The kernel calls
// change the calling thread, which here is the whole process.
unsafe fn sys_setresuid(id: u32) -> c_int {
    libc::syscall(libc::SYS_setresuid, id, id, id) as c_int
}

unsafe fn sys_setresgid(id: u32) -> c_int {
    libc::syscall(libc::SYS_setresgid, id, id, id) as c_int
}

unsafe fn sys_setgroups_empty() -> c_int {
    libc::syscall(libc::SYS_setgroups, 0usize, std::ptr::null::<libc::gid_t>()) as c_int
}

#[inline]
fn errno() -> u32 {
    // SAFETY: errno location of the current thread.
    unsafe { *libc::__errno_location() as u32 }
}

fn send(rec: Record) {
    let p = &rec as *const Record as *const c_void;
    // SAFETY: writes 16 bytes from a valid struct; a failed write has nowhere to be reported.
    unsafe {
        libc::write(FD_STATUS, p, RECORD_LEN);
    }
}

fn fail(step: Step, index: u32, err: u32) -> ! {
    send(Record {
        kind: KIND_ERROR,
        a: step as u32,
        b: index,
        c: err,
    });
    // SAFETY: terminate without running any of the parent's atexit handlers or destructors.
    unsafe { libc::_exit(126) }
}

fn check(rc: c_int, step: Step) {
    if rc < 0 {
        fail(step, 0, errno());
    }
}

/// Move the descriptors the child needs to 0..NFDS and close every other one (the parent's other
/// threads may have any number of descriptors open, without CLOEXEC racing us).
unsafe fn arrange_fds(src: &[c_int; NFDS]) -> bool {
    let mut tmp = [-1 as c_int; NFDS];
    for i in 0..NFDS {
        if src[i] >= 0 {
            tmp[i] = libc::fcntl(src[i], libc::F_DUPFD_CLOEXEC, NFDS as c_int);
            if tmp[i] < 0 {
                return false;
            }
        }
    }
    for (i, &t) in tmp.iter().enumerate() {
        if t >= 0 {
            if libc::dup2(t, i as c_int) < 0 {
                return false;
            }
        } else {
            libc::close(i as c_int);
        }
    }
    if libc::syscall(libc::SYS_close_range, NFDS as u32, u32::MAX, 0u32) != 0 {
        let mut lim: libc::rlimit = std::mem::zeroed();
        let max = if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            lim.rlim_cur.min(1 << 20) as c_int
        } else {
            65536
        };
        for fd in NFDS as c_int..max {
            libc::close(fd);
        }
    }
    true
}

unsafe fn reset_signals() {
    for sig in 1..=64 {
        if sig != libc::SIGKILL && sig != libc::SIGSTOP {
            libc::signal(sig, libc::SIG_DFL);
        }
    }
    let mut set: libc::sigset_t = std::mem::zeroed();
    libc::sigemptyset(&mut set);
    libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
}

unsafe fn wait_go() {
    let mut b = 0u8;
    loop {
        let n = libc::read(FD_GO, &mut b as *mut u8 as *mut c_void, 1);
        if n == 1 {
            break;
        }
        if n < 0 && errno() == libc::EINTR as u32 {
            continue;
        }
        // The parent gave up (or died): nothing to report to.
        libc::_exit(125);
    }
    libc::close(FD_GO);
}

/// Entry point of the cloned child. Never returns.
///
/// # Safety
/// Must be called only in a freshly cloned child (no other threads), with `spec` prepared by the
/// parent before the clone.
pub(crate) unsafe fn child_main(spec: &Spec) -> ! {
    if !arrange_fds(&spec.fds) {
        libc::_exit(125);
    }
    reset_signals();
    match &spec.full {
        Some(full) => init_main(spec, full),
        None => weak_main(spec),
    }
}

unsafe fn weak_main(spec: &Spec) -> ! {
    // Its own process group (the parent does the same from its side, whichever comes first): the
    // parent kills the group at the end of the run, and the seccomp filter keeps every
    // descendant in it (setsid/setpgid are denied).
    check(libc::setpgid(0, 0), Step::Setsid);
    wait_go();
    check(libc::chdir(spec.workdir.as_ptr()), Step::Chdir);
    program(spec, None)
}

unsafe fn mkdir(path: &CStr, mode: u32) -> c_int {
    let rc = libc::mkdir(path.as_ptr(), mode);
    if rc < 0 && errno() == libc::EEXIST as u32 {
        return 0;
    }
    if rc == 0 {
        // The umask must not narrow the mode.
        return libc::chmod(path.as_ptr(), mode);
    }
    rc
}

unsafe fn touch(path: &CStr) -> c_int {
    let fd = libc::open(
        path.as_ptr(),
        libc::O_WRONLY | libc::O_CREAT | libc::O_CLOEXEC,
        0o644,
    );
    if fd < 0 {
        return fd;
    }
    libc::close(fd);
    0
}

unsafe fn write_all(fd: c_int, mut data: &[u8]) -> bool {
    while !data.is_empty() {
        let n = libc::write(fd, data.as_ptr() as *const c_void, data.len());
        if n < 0 {
            if errno() == libc::EINTR as u32 {
                continue;
            }
            return false;
        }
        data = &data[n as usize..];
    }
    true
}

/// Most mount operations a plan may have (the child keeps one descriptor per operation on its
/// stack).
pub(crate) const MAX_OPS: usize = 128;

/// `/proc/self/fd/N` into `buf`, NUL-terminated, without allocating.
fn fd_path(fd: c_int, buf: &mut [u8; 32]) -> *const c_char {
    let prefix = b"/proc/self/fd/";
    buf[..prefix.len()].copy_from_slice(prefix);
    let mut digits = [0u8; 12];
    let mut n = fd.max(0) as u32;
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for i in 0..len {
        buf[prefix.len() + i] = digits[len - 1 - i];
    }
    buf[prefix.len() + len] = 0;
    buf.as_ptr() as *const c_char
}

unsafe fn mount_op(op: &MountOp, rw_opts: &CStr, src_fd: c_int) -> c_int {
    let null = std::ptr::null::<c_char>();
    match op {
        MountOp::Dir { path, mode } => mkdir(path, *mode),
        MountOp::Symlink { target, path } => libc::symlink(target.as_ptr(), path.as_ptr()),
        MountOp::Bind {
            src,
            dst,
            file,
            ro_flags,
            host,
        } => {
            let rc = if *file { touch(dst) } else { mkdir(dst, 0o755) };
            if rc < 0 {
                return rc;
            }
            let mut buf = [0u8; 32];
            let source = if *host {
                fd_path(src_fd, &mut buf)
            } else {
                src.as_ptr()
            };
            let rc = libc::mount(
                source,
                dst.as_ptr(),
                null,
                libc::MS_BIND | libc::MS_REC,
                std::ptr::null(),
            );
            if rc < 0 {
                return rc;
            }
            match ro_flags {
                Some(flags) => libc::mount(
                    null,
                    dst.as_ptr(),
                    null,
                    libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | *flags,
                    std::ptr::null(),
                ),
                None => 0,
            }
        }
        MountOp::File { path, data } => {
            let fd = libc::open(
                path.as_ptr(),
                libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC | libc::O_CLOEXEC,
                0o644,
            );
            if fd < 0 {
                return fd;
            }
            let ok = write_all(fd, data);
            libc::close(fd);
            if ok {
                0
            } else {
                -1
            }
        }
        MountOp::RwTmpfs { dst } => {
            let rc = mkdir(dst, 0o755);
            if rc < 0 {
                return rc;
            }
            libc::mount(
                c"tmpfs".as_ptr(),
                dst.as_ptr(),
                c"tmpfs".as_ptr(),
                libc::MS_NOSUID | libc::MS_NODEV,
                rw_opts.as_ptr() as *const c_void,
            )
        }
        MountOp::Chown { path, uid, gid } => libc::chown(path.as_ptr(), *uid, *gid),
        MountOp::Detach { path } => {
            let rc = libc::umount2(path.as_ptr(), libc::MNT_DETACH);
            if rc < 0 {
                return rc;
            }
            libc::rmdir(path.as_ptr())
        }
        MountOp::Proc { dst } => {
            let rc = mkdir(dst, 0o555);
            if rc < 0 {
                return rc;
            }
            libc::mount(
                c"proc".as_ptr(),
                dst.as_ptr(),
                c"proc".as_ptr(),
                libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC | libc::MS_RDONLY,
                std::ptr::null(),
            )
        }
    }
}

#[repr(C)]
struct IfReq {
    name: [u8; 16],
    flags: i16,
    pad: [u8; 22],
}

unsafe fn loopback_up() -> c_int {
    let s = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
    if s < 0 {
        return s;
    }
    let mut req = IfReq {
        name: [0; 16],
        flags: 0,
        pad: [0; 22],
    };
    req.name[..2].copy_from_slice(b"lo");
    let mut rc = libc::ioctl(s, libc::SIOCGIFFLAGS as _, &mut req as *mut IfReq);
    if rc == 0 {
        req.flags |= libc::IFF_UP as i16;
        rc = libc::ioctl(s, libc::SIOCSIFFLAGS as _, &mut req as *mut IfReq);
    }
    libc::close(s);
    rc
}

/// Copy FD_STDIN (a memfd holding the source) into `path`.
unsafe fn stage(path: &CStr) -> c_int {
    let fd = libc::open(
        path.as_ptr(),
        libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC | libc::O_CLOEXEC | libc::O_NOFOLLOW,
        0o644,
    );
    if fd < 0 {
        return fd;
    }
    let mut buf = [0u8; 16384];
    loop {
        let n = libc::read(FD_STDIN, buf.as_mut_ptr() as *mut c_void, buf.len());
        if n < 0 && errno() == libc::EINTR as u32 {
            continue;
        }
        if n <= 0 {
            libc::close(fd);
            return if n < 0 { -1 } else { 0 };
        }
        if !write_all(fd, &buf[..n as usize]) {
            libc::close(fd);
            return -1;
        }
    }
}

unsafe fn init_main(spec: &Spec, full: &FullSpec) -> ! {
    // Own session, away from the host's terminal and process group.
    check(libc::setsid(), Step::Setsid);
    // If the host thread that cloned us goes away, so does the sandbox (the kernel then kills
    // everything else in the PID namespace).
    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as c_ulong, 0, 0, 0);
    wait_go();
    // From here on we have every capability in a fresh user namespace (and none outside it),
    // until the program child drops them. First, while still host uid 0 (privileged mode), open
    // the host directories to bind.
    let mut src_fds = [-1 as c_int; MAX_OPS];
    for (i, op) in full.ops.iter().enumerate().take(MAX_OPS) {
        if let MountOp::Bind {
            src, host: true, ..
        } = op
        {
            src_fds[i] = libc::open(src.as_ptr(), libc::O_PATH | libc::O_CLOEXEC);
            if src_fds[i] < 0 {
                fail(Step::MountOp, i as u32, errno());
            }
        }
    }
    if full.ids.init_root {
        // Leave host uid 0: init becomes uid 0 of the namespace only, which maps to an
        // unprivileged host id (its capabilities inside the namespace are kept). Files it
        // creates are owned by that id, which the namespace can see.
        if full.ids.setgroups {
            check(sys_setgroups_empty(), Step::InitIds);
        }
        check(sys_setresgid(0), Step::InitIds);
        check(sys_setresuid(0), Step::InitIds);
    }
    check(
        libc::sethostname(c"sandbox".as_ptr(), "sandbox".len()),
        Step::Hostname,
    );
    let null = std::ptr::null::<c_char>();
    check(
        libc::mount(
            null,
            c"/".as_ptr(),
            null,
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        ),
        Step::MountPrivate,
    );
    check(
        libc::mount(
            c"tmpfs".as_ptr(),
            full.root.as_ptr(),
            c"tmpfs".as_ptr(),
            libc::MS_NOSUID | libc::MS_NODEV,
            full.root_opts.as_ptr() as *const c_void,
        ),
        Step::RootTmpfs,
    );
    for (i, op) in full.ops.iter().enumerate().take(MAX_OPS) {
        if mount_op(op, full.rw_opts, src_fds[i]) < 0 {
            fail(Step::MountOp, i as u32, errno());
        }
        if src_fds[i] >= 0 {
            libc::close(src_fds[i]);
        }
    }
    check(loopback_up(), Step::Loopback);
    check(libc::chdir(full.root.as_ptr()), Step::PivotRoot);
    check(
        libc::syscall(libc::SYS_pivot_root, c".".as_ptr(), c".".as_ptr()) as c_int,
        Step::PivotRoot,
    );
    check(
        libc::umount2(c".".as_ptr(), libc::MNT_DETACH),
        Step::PivotRoot,
    );
    check(libc::chdir(c"/".as_ptr()), Step::PivotRoot);
    check(
        libc::mount(
            null,
            c"/".as_ptr(),
            null,
            libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV,
            std::ptr::null(),
        ),
        Step::RemountRoot,
    );
    check(libc::chdir(spec.workdir.as_ptr()), Step::Chdir);
    if let Some(path) = full.stage {
        check(stage(path), Step::Stage);
        check(
            libc::chown(path.as_ptr(), full.ids.uid, full.ids.gid),
            Step::Stage,
        );
    }

    let pid = libc::syscall(
        libc::SYS_clone,
        libc::SIGCHLD as c_ulong,
        0usize,
        0usize,
        0usize,
        0usize,
    );
    if pid < 0 {
        fail(Step::ForkProgram, 0, errno());
    }
    if pid == 0 {
        program(spec, Some(full.ids));
    }
    let pid = pid as libc::pid_t;
    // Only the program holds its stdio and job descriptors now: when it (and its descendants)
    // close them, the parent sees end-of-file. init stays out of the run's cgroup.
    for fd in [
        FD_STDIN,
        FD_STDOUT,
        FD_STDERR,
        FD_AUX,
        FD_CGROUP,
        FD_CGROUP + 1,
    ] {
        libc::close(fd);
    }
    loop {
        let mut status: c_int = 0;
        let r = libc::waitpid(-1, &mut status, 0);
        if r < 0 {
            if errno() == libc::EINTR as u32 {
                continue;
            }
            libc::_exit(0);
        }
        if r == pid {
            // The program is done: kill whatever it left behind and reap it all, so that when
            // the parent reads the exit record nothing of the run is alive any more (the kernel
            // would do it when init exits, but only after tearing down the mount namespace,
            // which waits for an RCU grace period: the parent need not wait for that).
            libc::kill(-1, libc::SIGKILL);
            loop {
                let mut st: c_int = 0;
                let r = libc::waitpid(-1, &mut st, 0);
                if r < 0 && errno() != libc::EINTR as u32 {
                    break;
                }
            }
            let mut ru: libc::rusage = std::mem::zeroed();
            let have_ru = libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) == 0;
            send(Record {
                kind: KIND_EXIT,
                a: status as u32,
                b: 0,
                c: 0,
            });
            if have_ru {
                let us =
                    |t: libc::timeval| t.tv_sec.max(0) as u64 * 1_000_000 + t.tv_usec.max(0) as u64;
                let cpu = us(ru.ru_utime) + us(ru.ru_stime);
                send(Record {
                    kind: KIND_RUSAGE,
                    a: ru.ru_maxrss.max(0) as u32,
                    b: cpu as u32,
                    c: (cpu >> 32) as u32,
                });
            }
            if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
                if let Some((path, limit)) = full.collect {
                    collect(path, limit);
                }
            }
            libc::_exit(0);
        }
    }
}

unsafe fn collect(path: &CStr, limit: u64) {
    let fd = libc::open(
        path.as_ptr(),
        libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NOFOLLOW | libc::O_NONBLOCK,
    );
    let mut st: libc::stat = std::mem::zeroed();
    let bad = |e: u32| {
        send(Record {
            kind: KIND_FILE,
            a: e.max(1),
            b: 0,
            c: 0,
        })
    };
    if fd < 0 {
        bad(errno());
        return;
    }
    if libc::fstat(fd, &mut st) < 0 || (st.st_mode & libc::S_IFMT) != libc::S_IFREG {
        bad(libc::EINVAL as u32);
        libc::close(fd);
        return;
    }
    let len = st.st_size as u64;
    if len > limit {
        bad(libc::EFBIG as u32);
        libc::close(fd);
        return;
    }
    send(Record {
        kind: KIND_FILE,
        a: 0,
        b: len as u32,
        c: (len >> 32) as u32,
    });
    let mut left = len;
    let mut buf = [0u8; 16384];
    while left > 0 {
        let want = (buf.len() as u64).min(left) as usize;
        let n = libc::read(fd, buf.as_mut_ptr() as *mut c_void, want);
        if n < 0 && errno() == libc::EINTR as u32 {
            continue;
        }
        if n <= 0 {
            // Shorter than its size said: pad, so the stream stays parseable.
            buf[..want].fill(0);
            if !write_all(FD_STATUS, &buf[..want]) {
                break;
            }
            left -= want as u64;
            continue;
        }
        if !write_all(FD_STATUS, &buf[..n as usize]) {
            break;
        }
        left -= n as u64;
    }
    libc::close(fd);
}

const PR_CAP_AMBIENT: c_int = 47;
const PR_CAP_AMBIENT_CLEAR_ALL: c_ulong = 4;

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: c_int,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// The program child: `ids` is `Some` under full isolation (switch to the unprivileged id of the
/// namespace), `None` in weak mode (keep the host user).
unsafe fn program(spec: &Spec, ids: Option<Ids>) -> ! {
    // Into the run's cgroup(s) first: every byte it allocates from here on is charged there.
    for k in 0..spec.cgroups.min(MAX_CGROUPS) {
        let fd = FD_CGROUP + k as c_int;
        if libc::write(fd, c"0".as_ptr() as *const c_void, 1) != 1 {
            fail(Step::Cgroup, k as u32, errno());
        }
        libc::close(fd);
    }
    if ids.is_some() {
        check(libc::setsid(), Step::Setsid);
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as c_ulong, 0, 0, 0);
    }
    // The status pipe must not reach the program: it closes at exec (before that, it carries our
    // setup errors).
    libc::fcntl(FD_STATUS, libc::F_SETFD, libc::FD_CLOEXEC);
    if let Exec::Fd { .. } = spec.exec {
        libc::fcntl(FD_AUX, libc::F_SETFD, libc::FD_CLOEXEC);
    }
    for (i, &(res, soft, hard)) in spec.rlimits.iter().enumerate() {
        if let Err(e) = rlimit::setrlimit(res, soft, hard) {
            fail(
                Step::Rlimit,
                i as u32,
                e.raw_os_error().unwrap_or(libc::EINVAL) as u32,
            );
        }
    }
    if spec.keep_root {
        // The fork server: ns root, no filter (it never runs untrusted code).
        libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1 as c_ulong, 0, 0, 0);
    } else if let Some(ids) = ids {
        for cap in 0..64 {
            if libc::prctl(libc::PR_CAPBSET_DROP, cap as c_ulong, 0, 0, 0) < 0
                && errno() != libc::EINVAL as u32
            {
                fail(Step::CapBound, cap, errno());
            }
        }
        if ids.setgroups {
            check(sys_setgroups_empty(), Step::Groups);
        }
        check(sys_setresgid(ids.gid), Step::Gid);
        check(sys_setresuid(ids.uid), Step::Uid);
        libc::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
        let mut hdr = CapHeader {
            version: 0x2008_0522, // _LINUX_CAPABILITY_VERSION_3
            pid: 0,
        };
        let data = [CapData {
            effective: 0,
            permitted: 0,
            inheritable: 0,
        }; 2];
        check(
            libc::syscall(libc::SYS_capset, &mut hdr as *mut CapHeader, data.as_ptr()) as c_int,
            Step::Caps,
        );
    }
    // no_new_privs (seccompiler sets it first), then the filters.
    for f in spec.filters {
        if let Err(e) = seccompiler::apply_filter(f) {
            let code = match e {
                seccompiler::Error::Prctl(io) | seccompiler::Error::Seccomp(io) => {
                    io.raw_os_error().unwrap_or(libc::EINVAL) as u32
                }
                _ => libc::EINVAL as u32,
            };
            fail(Step::Seccomp, 0, code);
        }
    }
    match spec.exec {
        Exec::Nothing => libc::_exit(0),
        Exec::Path { path, argv, envp } => {
            libc::execve(path.as_ptr(), argv.as_ptr(), envp.as_ptr());
        }
        Exec::Fd { argv, envp } => {
            libc::syscall(
                libc::SYS_execveat,
                FD_AUX,
                c"".as_ptr(),
                argv.as_ptr(),
                envp.as_ptr(),
                libc::AT_EMPTY_PATH,
            );
        }
    }
    fail(Step::Exec, 0, errno())
}
