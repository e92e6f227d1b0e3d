//! Python fork servers ("zygotes"): long-lived sandboxes whose interpreter has the common modules
//! loaded and forks one isolated process tree per run (`zygote.py` has the per-run steps).
//!
//! One long-lived thread keeps `target` of them alive (each zygote's init has PR_SET_PDEATHSIG
//! bound to the thread that cloned it). A run takes an idle zygote, hands it one job — a header
//! and six descriptors passed with SCM_RIGHTS: stdin and the source (memfds), the run's stdout,
//! stderr, status and reply pipes — and supervises those pipes exactly as a cold run's. When the
//! run is over (the run's init reported, nothing of the run is alive) the zygote goes back to the
//! idle list; a run that overstays its wall limit kills the zygote's whole sandbox, and a zygote
//! that died or misbehaved is discarded; the thread starts replacements.
use crate::spawn::{self, Child, Env, What};
use crate::{Limits, SandboxError};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

pub(crate) const MAGIC: &[u8; 8] = b"PLAUDITZ";
pub(crate) const HEADER_LEN: usize = 72;
/// The fork server's own work directory (its runs get their own tmpfs of the run's size).
const ZYGOTE_WORKDIR: u64 = 1 << 20;
/// How long a run waits for a busy zygote before starting a cold interpreter (about what a cold
/// start costs).
const TAKE_WAIT: Duration = Duration::from_millis(25);
/// How long a run waits for a zygote that is starting (its interpreter loading the preloaded
/// modules, ~0.1 s) rather than paying a cold start of its own on cores the start-up needs.
const STARTING_WAIT: Duration = Duration::from_secs(2);

/// The fork server's source (trusted code shipped with the crate).
pub(crate) const SOURCE: &str = concat!(include_str!("runner.py"), include_str!("zygote.py"));

pub(crate) struct Zygotes {
    target: usize,
    state: Mutex<State>,
    cv: Condvar,
}

struct State {
    idle: Vec<Child>,
    /// Zygotes alive or being started (idle, serving a run, or starting).
    live: usize,
    /// Zygotes being started (counted in `live`).
    starting: usize,
    shutdown: bool,
}

impl Zygotes {
    pub(crate) fn new(target: usize) -> Zygotes {
        Zygotes {
            target,
            state: Mutex::new(State {
                idle: Vec::new(),
                live: 0,
                starting: 0,
                shutdown: false,
            }),
            cv: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An idle zygote; when all are busy serving runs, wait a little for one (longer when one
    /// is starting).
    pub(crate) fn take(&self) -> Option<Child> {
        let t0 = Instant::now();
        let mut st = self.lock();
        loop {
            if st.shutdown {
                return None;
            }
            if let Some(z) = st.idle.pop() {
                return Some(z);
            }
            let now = Instant::now();
            let deadline = t0
                + if st.starting > 0 {
                    STARTING_WAIT
                } else {
                    TAKE_WAIT
                };
            if now >= deadline {
                return None;
            }
            st = self
                .cv
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    pub(crate) fn put_back(&self, z: Child) {
        let mut st = self.lock();
        if st.shutdown {
            st.live -= 1;
            drop(st);
            drop(z);
            return;
        }
        st.idle.push(z);
        drop(st);
        self.cv.notify_all();
    }

    /// `z` is dead or no longer trusted: forget it (the caller reaps it) and let the thread
    /// start another.
    pub(crate) fn discard(&self) {
        let mut st = self.lock();
        st.live -= 1;
        drop(st);
        self.cv.notify_all();
    }

    pub(crate) fn shutdown(&self) {
        let mut st = self.lock();
        st.shutdown = true;
        let stale = std::mem::take(&mut st.idle);
        st.live -= stale.len();
        drop(st);
        self.cv.notify_all();
        drop(stale);
    }

    pub(crate) fn ready(&self) -> usize {
        self.lock().idle.len()
    }
}

/// The refill loop (its own thread, until shutdown). Missing zygotes are spawned together and
/// then awaited, so that they load their modules in parallel.
pub(crate) fn refill(env: Arc<Env>, z: Arc<Zygotes>) {
    loop {
        let n = {
            let mut st = z.lock();
            while !st.shutdown && st.live >= z.target {
                st = z.cv.wait(st).unwrap_or_else(|e| e.into_inner());
            }
            if st.shutdown {
                return;
            }
            let n = z.target - st.live;
            st.live += n;
            st.starting += n;
            n
        };
        let spawned: Vec<_> = (0..n)
            .map(|_| spawn::spawn(&env, &What::Zygote, None, ZYGOTE_WORKDIR, None))
            .collect();
        let mut failed = false;
        for s in spawned {
            let started =
                s.and_then(|mut c| crate::supervise::wait_ready(&env, &mut c).map(|()| c));
            z.lock().starting -= 1;
            match started {
                Ok(child) => z.put_back(child),
                Err(_) => {
                    // Runs go cold meanwhile (and report the error themselves if it is
                    // systematic).
                    z.discard();
                    failed = true;
                }
            }
            z.cv.notify_all();
        }
        if failed {
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// The job header.
pub(crate) fn header(limits: &Limits, cgroups: usize) -> [u8; HEADER_LEN] {
    let mut out = [0u8; HEADER_LEN];
    out[..8].copy_from_slice(MAGIC);
    let vals = [
        limits.cpu.as_millis().min(u64::MAX as u128) as u64,
        limits.memory_bytes,
        limits.file_bytes,
        limits.open_files,
        limits.processes,
        spawn::native_stack(limits.memory_bytes),
        limits.workdir_bytes,
        cgroups as u64,
    ];
    for (i, v) in vals.iter().enumerate() {
        out[8 + 8 * i..16 + 8 * i].copy_from_slice(&v.to_le_bytes());
    }
    out
}

/// The compiled filters as the fork server's argv: hex of the raw `sock_filter` arrays.
pub(crate) fn filters_hex(filters: &[seccompiler::BpfProgram]) -> Vec<String> {
    filters
        .iter()
        .map(|f| {
            let mut s = String::with_capacity(f.len() * 16);
            for ins in f {
                let mut b = [0u8; 8];
                b[..2].copy_from_slice(&ins.code.to_ne_bytes());
                b[2] = ins.jt;
                b[3] = ins.jf;
                b[4..].copy_from_slice(&ins.k.to_ne_bytes());
                for x in b {
                    s.push_str(&format!("{x:02x}"));
                }
            }
            s
        })
        .collect()
}

/// The zygote has not said anything nor hung up since its greeting.
pub(crate) fn quiet(z: &Child) -> bool {
    let Some(job) = &z.job else { return false };
    let mut pfd = libc::pollfd {
        fd: job.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no wait.
    let r = unsafe { libc::poll(&mut pfd, 1, 0) };
    r == 0
}

/// Hand one job to `z`: returns the run's (attached) `Child`, or `Err` when the zygote cannot
/// take it (dead: the caller discards it).
pub(crate) fn submit(
    z: &Child,
    source: &str,
    stdin: &[u8],
    limits: &Limits,
    cgroup: Option<&crate::cgroup::RunCgroup>,
) -> Result<Child, SandboxError> {
    let io = |what: &str, e: std::io::Error| SandboxError(format!("{what}: {e}"));
    let (stdout_r, stdout_w) = spawn::pipe().map_err(|e| io("pipe", e))?;
    let (stderr_r, stderr_w) = spawn::pipe().map_err(|e| io("pipe", e))?;
    let (status_r, status_w) = spawn::pipe().map_err(|e| io("pipe", e))?;
    let (reply_r, reply_w) = spawn::pipe().map_err(|e| io("pipe", e))?;
    for fd in [stdout_r.as_raw_fd(), stderr_r.as_raw_fd()] {
        // SAFETY: fcntl on our own pipe; failure only costs throughput.
        unsafe { libc::fcntl(fd, libc::F_SETPIPE_SZ, 1 << 20) };
    }
    let stdin_fd = spawn::memfd(c"stdin", stdin, false).map_err(|e| io("memfd", e))?;
    let src_fd = spawn::memfd(c"main.py", source.as_bytes(), false).map_err(|e| io("memfd", e))?;
    // The program may reopen its stdio through /proc/self/fd: they must be its user's.
    for fd in [
        stdout_w.as_raw_fd(),
        stderr_w.as_raw_fd(),
        stdin_fd.as_raw_fd(),
    ] {
        // SAFETY: fchown on descriptors we own.
        unsafe { libc::fchown(fd, crate::plan::HOST_RUN_ID, crate::plan::HOST_RUN_ID) };
    }
    let cgroups = cgroup.map_or(&[][..], |c| &c.procs[..]);
    let head = header(limits, cgroups.len());
    let mut fds = vec![
        stdin_fd.as_raw_fd(),
        src_fd.as_raw_fd(),
        stdout_w.as_raw_fd(),
        stderr_w.as_raw_fd(),
        status_w.as_raw_fd(),
        reply_w.as_raw_fd(),
    ];
    // The run's process (P) writes "0" to each before anything else: it joins the run's cgroup.
    fds.extend(cgroups.iter().map(|f| f.as_raw_fd()));
    let job = z
        .job
        .as_ref()
        .ok_or_else(|| SandboxError("the fork server has no job socket".into()))?;
    use nix::sys::socket::{sendmsg, ControlMessage, MsgFlags};
    let iov = [std::io::IoSlice::new(&head)];
    let sent = sendmsg::<()>(
        job.as_raw_fd(),
        &iov,
        &[ControlMessage::ScmRights(&fds)],
        MsgFlags::MSG_NOSIGNAL | MsgFlags::MSG_DONTWAIT,
        None,
    );
    match sent {
        Ok(n) if n == HEADER_LEN => {}
        Ok(_) => return Err(SandboxError("the fork server took part of a job".into())),
        Err(e) => {
            return Err(SandboxError(format!(
                "the fork server did not take the job: {e}"
            )))
        }
    }
    drop((stdout_w, stderr_w, status_w, reply_w, stdin_fd, src_fd));
    let ends: [&OwnedFd; 4] = [&status_r, &stdout_r, &stderr_r, &reply_r];
    for fd in ends {
        spawn::set_nonblocking(fd.as_raw_fd());
    }
    Ok(Child::attached(
        z.pid(),
        status_r,
        stdout_r,
        stderr_r,
        reply_r,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_layout() {
        let h = header(&Limits::default(), 2);
        assert_eq!(&h[..8], MAGIC);
        assert_eq!(u64::from_le_bytes(h[8..16].try_into().unwrap()), 10_000);
        assert_eq!(
            u64::from_le_bytes(h[56..64].try_into().unwrap()),
            Limits::default().workdir_bytes
        );
        assert_eq!(u64::from_le_bytes(h[64..72].try_into().unwrap()), 2);
    }

    #[test]
    fn filters_serialise_as_eight_bytes_per_instruction() {
        let f = crate::seccomp::build(false).unwrap().programs;
        let hex = filters_hex(&f);
        assert_eq!(hex.len(), f.len());
        assert_eq!(hex[0].len(), f[0].len() * 16);
    }
}
