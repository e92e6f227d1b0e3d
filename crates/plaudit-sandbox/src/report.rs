//! What one run did ([`Report`]), judged from what supervision saw: exit, time and memory
//! limits, output.

use std::time::Duration;

use crate::supervise::{self, describe_setup_error, parse_status};
use crate::{python, spawn, Limits, MemoryScope, SandboxError};

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
    /// What bounded the run's memory: its own cgroup (all its processes together), or only
    /// `RLIMIT_AS` per process where the machine has no usable cgroup hierarchy.
    pub memory_scope: MemoryScope,
}

fn decode(ws: libc::c_int) -> Exit {
    if libc::WIFEXITED(ws) {
        Exit::Code(libc::WEXITSTATUS(ws))
    } else if libc::WIFSIGNALED(ws) {
        Exit::Signal(libc::WTERMSIG(ws))
    } else {
        Exit::Code(-1)
    }
}

fn tv(t: libc::timeval) -> Duration {
    Duration::new(
        t.tv_sec.max(0) as u64,
        (t.tv_usec.clamp(0, 999_999) as u32) * 1000,
    )
}

/// Messages of allocation failures in C and C++ programs (and g++ itself).
const OOM_MARKERS: [&str; 4] = [
    "std::bad_alloc",
    "out of memory",
    "Cannot allocate memory",
    "virtual memory exhausted",
];

pub(crate) fn report(
    env: &spawn::Env,
    outcome: supervise::Outcome,
    ws: libc::c_int,
    ru: &libc::rusage,
    limits: &Limits,
    python: Option<python::Replies>,
    (memory_scope, oom_killed): (MemoryScope, bool),
) -> Result<(Report, supervise::Status), SandboxError> {
    let status = parse_status(&outcome.status);
    if let Some(err) = &status.error {
        return Err(SandboxError(describe_setup_error(env, err)));
    }
    let exit = if env.weak {
        decode(ws)
    } else {
        match status.exit {
            Some(s) => decode(s),
            None if outcome.timed_out => Exit::Signal(libc::SIGKILL),
            None => {
                return Err(SandboxError(format!(
                    "the sandbox ended without reporting its program's status (init: {:?})",
                    decode(ws)
                )))
            }
        }
    };
    // The program tree as init measured it when the program ended; else (weak mode, or init
    // killed at the wall limit) the whole sandbox as the parent's wait4 saw it.
    let (total, maxrss) = match status.rusage {
        Some(r) if !env.weak => r,
        _ => (
            tv(ru.ru_utime) + tv(ru.ru_stime),
            (ru.ru_maxrss.max(0) as u64) * 1024,
        ),
    };
    let baseline = python
        .as_ref()
        .and_then(|r| r.baseline_ns)
        .map(Duration::from_nanos)
        .unwrap_or_default();
    let cpu = total.saturating_sub(baseline);
    let killed_by = |s: i32| exit == Exit::Signal(s);
    let timed_out = outcome.timed_out
        || (!oom_killed
            && (killed_by(libc::SIGXCPU)
                || (killed_by(libc::SIGKILL) && cpu + Duration::from_millis(50) >= limits.cpu)));
    let failed = exit != Exit::Code(0);
    let near_limit = maxrss >= limits.memory_bytes / 10 * 9;
    let memory_exceeded = oom_killed
        || !timed_out
            && match &python {
                Some(r) => {
                    r.memory_error || (failed && near_limit && matches!(exit, Exit::Signal(_)))
                }
                None => {
                    failed
                        && (near_limit && matches!(exit, Exit::Signal(_)) || {
                            let err = String::from_utf8_lossy(&outcome.stderr.buf);
                            OOM_MARKERS.iter().any(|m| err.contains(m))
                        })
                }
            };
    Ok((
        Report {
            exit,
            timed_out,
            memory_exceeded,
            stdout: outcome.stdout.buf,
            stderr: outcome.stderr.buf,
            stdout_truncated: outcome.stdout.truncated,
            stderr_truncated: outcome.stderr.truncated,
            wall: outcome.wall,
            cpu,
            memory_scope,
        },
        status,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_statuses_decode() {
        assert_eq!(decode(3 << 8), Exit::Code(3));
        assert_eq!(decode(libc::SIGSEGV), Exit::Signal(11));
    }
}
