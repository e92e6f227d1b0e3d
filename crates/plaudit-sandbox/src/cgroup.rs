//! A cgroup per run: its memory limit holds for the run's processes together (RLIMIT_AS only
//! bounds each process), its pids limit for their number, and an OOM kill in it is the run's
//! `memory_exceeded`.
//!
//! Found at `Sandbox::new` from /proc/self/mountinfo and /proc/self/cgroup: cgroup v2 when its
//! hierarchy has the `memory` and `pids` controllers and they can be enabled for children of this
//! process's cgroup; else cgroup v1 when both the `memory` and the `pids` hierarchies are mounted
//! and writable; else none (the rlimits alone; [`crate::Sandbox::memory_scope`] and every
//! [`crate::Report`] say so). A run's cgroup is created under this process's own cgroup in each
//! hierarchy (so the limits the service itself runs under still apply) as `plaudit-PID-N`, and
//! removed when the run is over.
//!
//! The run's processes are moved in by the program itself: the parent opens `cgroup.procs` (as
//! this process's user) and passes the descriptor; the program's first act, before any rlimit,
//! id change or exec, is `write(fd, "0")` (the kernel checks the opener's credentials), then it
//! closes it. The sandbox's init (full isolation) or a fork server's per-run init is not in the
//! run's cgroup, so an OOM kill there can only pick the program's processes.
use crate::SandboxError;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// How a run's memory is bounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryScope {
    /// A cgroup v1 `memory` (and `pids`) cgroup per run: the whole run.
    CgroupV1,
    /// A cgroup v2 cgroup per run (`memory.max`, `memory.swap.max` 0, `pids.max`): the whole run.
    CgroupV2,
    /// No usable cgroup: `RLIMIT_AS` per process only (a run's processes together may use up to
    /// `processes × memory_bytes`).
    PerProcess,
}

impl MemoryScope {
    pub fn name(self) -> &'static str {
        match self {
            MemoryScope::CgroupV1 => "cgroup v1",
            MemoryScope::CgroupV2 => "cgroup v2",
            MemoryScope::PerProcess => "per process (rlimit)",
        }
    }
}

#[derive(Debug)]
enum Kind {
    V1 { memory: PathBuf, pids: PathBuf },
    V2 { base: PathBuf },
}

/// The cgroup set-up found on this machine.
#[derive(Debug)]
pub(crate) struct Cgroups {
    kind: Option<Kind>,
    /// Why there is none (empty when there is).
    pub why_not: String,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Run cgroups that exist now. They are removed off the run's latency (the reaper thread), so
/// the process may exit with some still listed: those are removed at exit.
static LIVE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

extern "C" fn remove_at_exit() {
    let dirs = std::mem::take(&mut *live());
    let mut run = RunCgroup {
        v2: dirs
            .first()
            .is_some_and(|d| d.join("memory.events").exists() || d.join("cgroup.kill").exists()),
        dirs,
        procs: vec![],
        memory_dir: PathBuf::new(),
    };
    for _ in 0..100 {
        if run.try_remove() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Remove `plaudit-PID-N` cgroups under `base` whose process is gone (a scorer that was killed).
fn remove_stale(base: &Path) {
    let Ok(rd) = std::fs::read_dir(base) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let Some(pid) = name
            .strip_prefix("plaudit-")
            .and_then(|r| r.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            // Only an empty cgroup can be removed; a busy one is left as it is.
            let _ = std::fs::remove_dir(e.path());
        }
    }
}

/// `(mount point, super options)` of every cgroup mount.
fn mounts() -> Vec<(String, PathBuf, Vec<String>)> {
    let Ok(text) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return vec![];
    };
    let mut out = vec![];
    for line in text.lines() {
        let Some((pre, post)) = line.split_once(" - ") else {
            continue;
        };
        let mnt = pre.split(' ').nth(4).unwrap_or("");
        let mut post = post.split(' ');
        let fstype = post.next().unwrap_or("");
        let _source = post.next();
        let opts: Vec<String> = post
            .next()
            .unwrap_or("")
            .split(',')
            .map(str::to_string)
            .collect();
        if fstype == "cgroup" || fstype == "cgroup2" {
            out.push((fstype.to_string(), PathBuf::from(unescape(mnt)), opts));
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\")
}

/// This process's cgroup path in the v1 hierarchy holding `controller` (`None` → v2's).
fn own_path(controller: Option<&str>) -> Option<String> {
    let text = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    for line in text.lines() {
        let mut f = line.splitn(3, ':');
        let (_id, ctrls, path) = (f.next()?, f.next()?, f.next()?);
        let hit = match controller {
            None => ctrls.is_empty(),
            Some(c) => ctrls.split(',').any(|x| x == c),
        };
        if hit {
            return Some(path.to_string());
        }
    }
    None
}

fn join(mount: &Path, path: &str) -> PathBuf {
    mount.join(path.trim_start_matches('/'))
}

fn write(path: &Path, data: &str) -> std::io::Result<()> {
    std::fs::write(path, data)
}

impl Cgroups {
    pub(crate) fn none(why: impl Into<String>) -> Cgroups {
        Cgroups {
            kind: None,
            why_not: why.into(),
        }
    }

    /// Find a usable hierarchy, and check it by creating and removing one cgroup.
    pub(crate) fn detect() -> Cgroups {
        let ms = mounts();
        let mut reasons = vec![];
        // v2: the unified hierarchy with memory and pids available to our cgroup's children.
        if let Some((_, mnt, _)) = ms.iter().find(|(t, _, _)| t == "cgroup2") {
            match own_path(None) {
                Some(p) => {
                    let base = join(mnt, &p);
                    let ctrls = std::fs::read_to_string(base.join("cgroup.controllers"))
                        .unwrap_or_default();
                    let has = |c: &str| ctrls.split_whitespace().any(|x| x == c);
                    if has("memory") && has("pids") {
                        let sub = std::fs::read_to_string(base.join("cgroup.subtree_control"))
                            .unwrap_or_default();
                        let enabled = sub.split_whitespace().any(|x| x == "memory")
                            && sub.split_whitespace().any(|x| x == "pids");
                        let r = if enabled {
                            Ok(())
                        } else {
                            write(&base.join("cgroup.subtree_control"), "+memory +pids")
                        };
                        match r {
                            Ok(()) => {
                                let c = Cgroups {
                                    kind: Some(Kind::V2 { base: base.clone() }),
                                    why_not: String::new(),
                                };
                                match c.check() {
                                    Ok(()) => return c,
                                    Err(e) => reasons.push(format!("cgroup v2: {e}")),
                                }
                            }
                            Err(e) => reasons.push(format!(
                                "cgroup v2: cannot enable memory and pids for children of {} ({e}; a cgroup holding processes cannot delegate them: run the service in a cgroup of its own with these controllers in cgroup.subtree_control)",
                                base.display()
                            )),
                        }
                    } else {
                        reasons.push(format!(
                            "cgroup v2: {} has no {} controller",
                            base.display(),
                            if has("memory") { "pids" } else { "memory" }
                        ));
                    }
                }
                None => reasons.push("cgroup v2: this process's cgroup is unknown".into()),
            }
        }
        let v1 = |c: &str| {
            ms.iter()
                .find(|(t, _, o)| t == "cgroup" && o.iter().any(|x| x == c))
                .and_then(|(_, m, _)| Some(join(m, &own_path(Some(c))?)))
        };
        match (v1("memory"), v1("pids")) {
            (Some(memory), Some(pids)) => {
                let c = Cgroups {
                    kind: Some(Kind::V1 { memory, pids }),
                    why_not: String::new(),
                };
                match c.check() {
                    Ok(()) => return c,
                    Err(e) => reasons.push(format!("cgroup v1: {e}")),
                }
            }
            (m, _) => reasons.push(format!(
                "cgroup v1: no {} hierarchy",
                if m.is_none() { "memory" } else { "pids" }
            )),
        }
        Cgroups::none(reasons.join("; "))
    }

    fn check(&self) -> Result<(), String> {
        static AT_EXIT: std::sync::Once = std::sync::Once::new();
        // SAFETY: registering a plain extern "C" function.
        AT_EXIT.call_once(|| unsafe {
            libc::atexit(remove_at_exit);
        });
        match &self.kind {
            Some(Kind::V1 { memory, pids }) => {
                remove_stale(memory);
                remove_stale(pids);
            }
            Some(Kind::V2 { base }) => remove_stale(base),
            None => {}
        }
        let probe = self.create(64 << 20, 8).map_err(|e| e.0)?;
        drop(probe);
        Ok(())
    }

    pub(crate) fn scope(&self) -> MemoryScope {
        match self.kind {
            Some(Kind::V1 { .. }) => MemoryScope::CgroupV1,
            Some(Kind::V2 { .. }) => MemoryScope::CgroupV2,
            None => MemoryScope::PerProcess,
        }
    }

    /// A fresh cgroup for one run (`None` when there is no cgroup support).
    pub(crate) fn create(
        &self,
        memory_bytes: u64,
        processes: u64,
    ) -> Result<RunCgroup, SandboxError> {
        let name = format!(
            "plaudit-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let err = |what: &str, p: &Path, e: std::io::Error| {
            SandboxError(format!("cgroup: {what} {}: {e}", p.display()))
        };
        let mut run = RunCgroup {
            dirs: vec![],
            procs: vec![],
            memory_dir: PathBuf::new(),
            v2: false,
        };
        let memory = memory_bytes.to_string();
        let pids = processes.max(1).to_string();
        match &self.kind {
            None => return Err(SandboxError("no cgroup".into())),
            Some(Kind::V2 { base }) => {
                let d = base.join(&name);
                std::fs::create_dir(&d).map_err(|e| err("mkdir", &d, e))?;
                live().push(d.clone());
                run.dirs.push(d.clone());
                run.memory_dir = d.clone();
                run.v2 = true;
                write(&d.join("memory.max"), &memory).map_err(|e| err("writing", &d, e))?;
                let _ = write(&d.join("memory.swap.max"), "0");
                let _ = write(&d.join("memory.oom.group"), "1");
                write(&d.join("pids.max"), &pids).map_err(|e| err("writing", &d, e))?;
            }
            Some(Kind::V1 { memory: m, pids: p }) => {
                let md = m.join(&name);
                std::fs::create_dir(&md).map_err(|e| err("mkdir", &md, e))?;
                live().push(md.clone());
                run.dirs.push(md.clone());
                run.memory_dir = md.clone();
                write(&md.join("memory.limit_in_bytes"), &memory)
                    .map_err(|e| err("writing memory.limit_in_bytes in", &md, e))?;
                // No swap beyond the limit, where swap accounting exists.
                let _ = write(&md.join("memory.memsw.limit_in_bytes"), &memory);
                let pd = p.join(&name);
                std::fs::create_dir(&pd).map_err(|e| err("mkdir", &pd, e))?;
                live().push(pd.clone());
                run.dirs.push(pd.clone());
                write(&pd.join("pids.max"), &pids)
                    .map_err(|e| err("writing pids.max in", &pd, e))?;
            }
        }
        for d in run.dirs.clone() {
            let p = d.join("cgroup.procs");
            let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).expect("path");
            // SAFETY: open with a valid path; the descriptor is owned right away.
            let fd = unsafe { libc::open(c.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC) };
            if fd < 0 {
                return Err(err("opening", &p, std::io::Error::last_os_error()));
            }
            run.procs.push(unsafe { OwnedFd::from_raw_fd(fd) });
        }
        Ok(run)
    }
}

/// One run's cgroup(s): removed on drop (the run's processes are dead by then; any left are
/// killed first).
#[derive(Debug)]
pub(crate) struct RunCgroup {
    dirs: Vec<PathBuf>,
    /// `cgroup.procs` of each, open for writing: handed to the program, which moves itself in.
    pub procs: Vec<OwnedFd>,
    memory_dir: PathBuf,
    v2: bool,
}

fn counter(text: &str, key: &str) -> u64 {
    text.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(' ')?;
            (k == key).then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0)
}

impl RunCgroup {
    /// The kernel OOM-killed a process of the run (its memory limit was reached).
    pub(crate) fn oom_killed(&self) -> bool {
        let file = if self.v2 {
            "memory.events"
        } else {
            "memory.oom_control"
        };
        let text = std::fs::read_to_string(self.memory_dir.join(file)).unwrap_or_default();
        counter(&text, "oom_kill") > 0
    }

    /// Remove the directories; `false` when one is still busy (processes still exiting).
    fn try_remove(&mut self) -> bool {
        self.procs.clear();
        let mut left = vec![];
        for d in self.dirs.drain(..) {
            let gone = std::fs::remove_dir(&d).is_ok() || !d.exists();
            if gone {
                live().retain(|x| x != &d);
            } else {
                if self.v2 {
                    let _ = write(&d.join("cgroup.kill"), "1");
                } else if let Ok(pids) = std::fs::read_to_string(d.join("cgroup.procs")) {
                    for pid in pids.lines().filter_map(|l| l.trim().parse::<i32>().ok()) {
                        // SAFETY: a process of this run's cgroup (never one of ours).
                        unsafe { libc::kill(pid, libc::SIGKILL) };
                    }
                }
                left.push(d);
            }
        }
        self.dirs = left;
        self.dirs.is_empty()
    }
}

impl Drop for RunCgroup {
    fn drop(&mut self) {
        // Processes killed a moment ago may still be exiting: retry, bounded.
        for i in 0..200 {
            if self.try_remove() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(if i < 20 {
                1
            } else {
                10
            }));
        }
    }
}
