//! Watching a started sandbox: feed its job socket, collect its output (capped), its status
//! records and its worker's replies, kill it at the wall limit; then decode the status pipe.

use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

use libc::c_int;

use crate::child::{self, Record, KIND_ERROR, KIND_EXIT, KIND_FILE, KIND_RUSAGE, RECORD_LEN};
use crate::spawn::{errno, errno_text, Child, Env};
use crate::SandboxError;

/// How long a Python worker may take to start (a loaded machine), outside the run's wall limit.
const STARTUP_WALL: Duration = Duration::from_secs(30);

const SCRATCH_LEN: usize = 64 << 10;

thread_local! {
    static SCRATCH: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Output kept up to a cap.
#[derive(Debug, Default)]
pub(crate) struct Capped {
    pub buf: Vec<u8>,
    pub cap: usize,
    pub truncated: bool,
}

impl Capped {
    fn new(cap: usize) -> Capped {
        Capped {
            buf: Vec::new(),
            cap,
            truncated: false,
        }
    }

    fn push(&mut self, data: &[u8]) {
        let room = self.cap.saturating_sub(self.buf.len());
        if data.len() > room {
            self.truncated = true;
        }
        self.buf.extend_from_slice(&data[..data.len().min(room)]);
    }
}

/// What a supervised run produced.
pub(crate) struct Outcome {
    pub stdout: Capped,
    pub stderr: Capped,
    /// The status pipe's bytes: records, and a collected file.
    pub status: Vec<u8>,
    /// The Python worker's replies.
    pub replies: Vec<u8>,
    pub timed_out: bool,
    pub wall: Duration,
}

impl Outcome {
    /// init reported everything and no process of the run is left: reaping init (which then
    /// waits on the kernel's namespace teardown) can happen in the background.
    pub(crate) fn complete(&self) -> bool {
        !self.timed_out && has_final_records(&self.status)
    }
}

enum Drain {
    Open,
    Closed,
}

fn drain(fd: RawFd, scratch: &mut [u8], mut sink: impl FnMut(&[u8])) -> Drain {
    loop {
        // SAFETY: read into our scratch buffer.
        let n = unsafe { libc::read(fd, scratch.as_mut_ptr() as *mut libc::c_void, scratch.len()) };
        if n > 0 {
            sink(&scratch[..n as usize]);
            continue;
        }
        if n == 0 {
            return Drain::Closed;
        }
        match errno() {
            libc::EINTR => continue,
            libc::EAGAIN => return Drain::Open,
            _ => return Drain::Closed,
        }
    }
}

fn has_exit_record(status: &[u8]) -> bool {
    status.len() >= RECORD_LEN
        && status
            .chunks(RECORD_LEN)
            .next()
            .map(Record::from_bytes)
            .is_some_and(|r| r.kind == KIND_EXIT || r.kind == KIND_ERROR)
}

/// init has said all it says before a plain exit: the exit and rusage records.
fn has_final_records(status: &[u8]) -> bool {
    let s = parse_status(status);
    s.exit.is_some() && s.rusage.is_some()
}

/// Feed `job_out` to the job socket, collect stdout/stderr (capped), the status pipe and the
/// worker's replies until the run is over, killing the sandbox at `started + wall`.
///
/// The run is over when stdout and stderr are closed and: weak, the program has exited (its
/// group is then killed); full, init has sent its exit and rusage records (it sends them only
/// once every process of the run is dead) — or, with `until_init_exits` (a compile, whose file
/// follows the records), init has closed the status pipe.
pub(crate) fn supervise(
    child: &mut Child,
    mut job_out: &[u8],
    started: Instant,
    wall: Duration,
    output_bytes: usize,
    status_cap: usize,
    until_init_exits: bool,
) -> Outcome {
    let deadline = started + wall;
    let mut stdout = Capped::new(output_bytes);
    let mut stderr = Capped::new(output_bytes);
    let mut status = Vec::new();
    let mut replies = Vec::new();
    // The read buffer, kept by the thread between runs (a fresh 64 KiB each run cost page faults
    // and zeroing; only the bytes a read returns are ever looked at).
    let mut scratch = SCRATCH.with(|s| s.take());
    if scratch.len() < SCRATCH_LEN {
        scratch = vec![0u8; SCRATCH_LEN];
    }
    let mut killed_at: Option<Instant> = None;
    let mut ended: Option<Instant> = None;
    let mut exited = child.pidfd.is_none() && child.weak;
    loop {
        let now = Instant::now();
        if killed_at.is_none() && now >= deadline {
            child.kill();
            killed_at = Some(now);
        }
        if let Some(k) = killed_at {
            if now >= k + Duration::from_secs(2) {
                break; // a process stuck in the kernel: give up on its pipes
            }
        }
        let pipes_done = child.stdout.is_none() && child.stderr.is_none();
        let done = if child.weak {
            pipes_done && (exited || killed_at.is_some())
        } else {
            pipes_done
                && (child.status.is_none()
                    || (!until_init_exits && killed_at.is_none() && has_final_records(&status)))
        };
        if done {
            break;
        }
        let mut pfds: Vec<libc::pollfd> = Vec::with_capacity(6);
        let mut who: Vec<u8> = Vec::with_capacity(6);
        let mut add = |fd: &Option<OwnedFd>, events: i16, tag: u8, pfds: &mut Vec<libc::pollfd>| {
            if let Some(fd) = fd {
                pfds.push(libc::pollfd {
                    fd: fd.as_raw_fd(),
                    events,
                    revents: 0,
                });
                who.push(tag);
            }
        };
        add(&child.stdout, libc::POLLIN, b'o', &mut pfds);
        add(&child.stderr, libc::POLLIN, b'e', &mut pfds);
        add(&child.status, libc::POLLIN, b's', &mut pfds);
        let job_events = libc::POLLIN | if job_out.is_empty() { 0 } else { libc::POLLOUT };
        add(&child.job, job_events, b'j', &mut pfds);
        if child.weak && !exited {
            add(&child.pidfd, libc::POLLIN, b'p', &mut pfds);
        }
        let limit = match killed_at {
            Some(k) => k + Duration::from_secs(2),
            None => deadline,
        };
        let timeout = limit.saturating_duration_since(now);
        let ms = (timeout.as_micros().div_ceil(1000)).min(60_000) as c_int;
        // SAFETY: valid pollfd array.
        let r = unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, ms) };
        if r < 0 {
            if errno() == libc::EINTR {
                continue;
            }
            break;
        }
        for (p, tag) in pfds.iter().zip(who.iter()) {
            if p.revents == 0 {
                continue;
            }
            match tag {
                b'o' => {
                    if let Drain::Closed = drain(p.fd, &mut scratch, |d| stdout.push(d)) {
                        child.stdout = None;
                    }
                }
                b'e' => {
                    if let Drain::Closed = drain(p.fd, &mut scratch, |d| stderr.push(d)) {
                        child.stderr = None;
                    }
                }
                b's' => {
                    let closed = drain(p.fd, &mut scratch, |d| {
                        let room = status_cap.saturating_sub(status.len());
                        status.extend_from_slice(&d[..d.len().min(room)]);
                    });
                    if ended.is_none() && has_exit_record(&status) {
                        ended = Some(Instant::now());
                    }
                    if let Drain::Closed = closed {
                        child.status = None;
                    }
                }
                b'j' => {
                    if p.revents & libc::POLLOUT != 0 && !job_out.is_empty() {
                        // SAFETY: non-blocking send without SIGPIPE.
                        let n = unsafe {
                            libc::send(
                                p.fd,
                                job_out.as_ptr() as *const libc::c_void,
                                job_out.len(),
                                libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT,
                            )
                        };
                        if n > 0 {
                            job_out = &job_out[n as usize..];
                        } else if n < 0 && errno() != libc::EAGAIN && errno() != libc::EINTR {
                            job_out = &[];
                        }
                    }
                    if p.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
                        if let Drain::Closed = drain(p.fd, &mut scratch, |d| {
                            if replies.len() < 4096 {
                                replies.extend_from_slice(d)
                            }
                        }) {
                            child.job = None;
                        }
                    }
                }
                b'p' => {
                    exited = true;
                    if ended.is_none() {
                        ended = Some(Instant::now());
                    }
                    // The leader is a zombie until reaped, so its group id cannot be reused:
                    // kill whatever it left behind.
                    child.kill();
                }
                _ => {}
            }
        }
    }
    if let Some(job) = &child.job {
        drain(job.as_raw_fd(), &mut scratch, |d| {
            if replies.len() < 4096 {
                replies.extend_from_slice(d)
            }
        });
    }
    SCRATCH.with(|s| s.set(scratch));
    let end = match (ended, killed_at) {
        (Some(e), Some(k)) => e.min(k),
        (Some(e), None) => e,
        (None, Some(k)) => k,
        (None, None) => Instant::now(),
    };
    Outcome {
        stdout,
        stderr,
        status,
        replies,
        timed_out: killed_at.is_some() && ended.map_or(true, |e| e >= deadline),
        wall: end.saturating_duration_since(started),
    }
}

/// The status pipe, decoded.
#[derive(Debug, Default)]
pub(crate) struct Status {
    pub error: Option<Record>,
    pub exit: Option<c_int>,
    /// The program tree's CPU time and max RSS (bytes), measured by init.
    pub rusage: Option<(Duration, u64)>,
    pub file: Option<Result<Vec<u8>, i32>>,
}

pub(crate) fn parse_status(mut b: &[u8]) -> Status {
    let mut s = Status::default();
    while b.len() >= RECORD_LEN {
        let r = Record::from_bytes(&b[..RECORD_LEN]);
        b = &b[RECORD_LEN..];
        match r.kind {
            KIND_ERROR => {
                if s.error.is_none() {
                    s.error = Some(r)
                }
            }
            KIND_EXIT => s.exit = Some(r.a as c_int),
            KIND_RUSAGE => {
                let us = r.b as u64 | ((r.c as u64) << 32);
                s.rusage = Some((Duration::from_micros(us), r.a as u64 * 1024));
            }
            KIND_FILE => {
                if r.a != 0 {
                    s.file = Some(Err(r.a as i32));
                } else {
                    let len = (r.b as u64 | ((r.c as u64) << 32)) as usize;
                    if b.len() >= len {
                        s.file = Some(Ok(b[..len].to_vec()));
                        b = &b[len..];
                    } else {
                        s.file = Some(Err(libc::EFBIG));
                        b = &[];
                    }
                }
            }
            _ => break,
        }
    }
    s
}

pub(crate) fn describe_setup_error(env: &Env, r: &Record) -> String {
    let step = child::Step::from_u32(r.a);
    let what = match step {
        Some(child::Step::MountOp) => env
            .plan
            .as_ref()
            .and_then(|p| p.ops.get(r.b as usize))
            .map(|op| format!("building the root ({})", op.describe()))
            .unwrap_or_else(|| "building the root".into()),
        Some(child::Step::Rlimit) => format!("setrlimit (limit #{})", r.b),
        Some(s) => s.describe().to_string(),
        None => format!("step {}", r.a),
    };
    format!("sandbox setup failed: {what}: {}", errno_text(r.c as i32))
}

/// Wait for a Python worker's (or fork server's) `R`.
pub(crate) fn wait_ready(env: &Env, child: &mut Child) -> Result<(), SandboxError> {
    use std::os::fd::AsRawFd;
    let deadline = std::time::Instant::now() + STARTUP_WALL;
    let fd = child
        .job
        .as_ref()
        .expect("a Python worker has a job socket")
        .as_raw_fd();
    loop {
        let mut b = 0u8;
        // SAFETY: one-byte read on our non-blocking socket.
        let n = unsafe { libc::read(fd, &mut b as *mut u8 as *mut libc::c_void, 1) };
        if n == 1 {
            return if b == b'R' {
                Ok(())
            } else {
                Err(SandboxError(
                    "the Python worker sent an unexpected greeting".into(),
                ))
            };
        }
        let again = n < 0
            && matches!(
                std::io::Error::last_os_error().raw_os_error(),
                Some(libc::EAGAIN) | Some(libc::EINTR)
            );
        let now = std::time::Instant::now();
        if !again || now >= deadline {
            // Dead (or hopelessly slow): say why, from its setup records and stderr.
            let outcome = supervise(child, &[], now, Duration::ZERO, 4096, 4096, true);
            child.reap();
            let status = parse_status(&outcome.status);
            if let Some(err) = &status.error {
                return Err(SandboxError(describe_setup_error(env, err)));
            }
            return Err(SandboxError(format!(
                "the Python worker did not start{}: {}",
                if again { " in time" } else { "" },
                String::from_utf8_lossy(&outcome.stderr.buf).trim()
            )));
        }
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = deadline
            .saturating_duration_since(now)
            .as_millis()
            .min(60_000) as libc::c_int;
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut pfd, 1, ms.max(1)) };
    }
}
