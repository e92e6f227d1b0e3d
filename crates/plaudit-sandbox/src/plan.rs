//! What the sandbox's file system looks like, and which ids it runs as: computed once per
//! [`crate::Sandbox`] on the host side (allocation allowed), executed by the child.
use crate::child::MountOp;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// uid/gid of the program inside the user namespace.
pub(crate) const RUN_ID: u32 = 1000;
/// Host ids the namespace's ids map to when the host process is root: dedicated, unprivileged ids
/// that own no host file (init = namespace uid 0 → `HOST_INIT_ID`, program = 1000 → `HOST_RUN_ID`).
pub(crate) const HOST_INIT_ID: u32 = 1_879_048_192;
pub(crate) const HOST_RUN_ID: u32 = HOST_INIT_ID + 1;

/// How the parent fills the child's uid/gid maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdMode {
    /// The host process has CAP_SETUID/CAP_SETGID: map namespace 0 and 1000 to two dedicated
    /// unprivileged host ids; setgroups stays allowed so the program drops root's groups.
    Privileged,
    /// An ordinary user: the only possible map is namespace 1000 → the user's own id, with
    /// setgroups denied (the program keeps the user's supplementary groups).
    Unprivileged { uid: u32, gid: u32 },
}

impl IdMode {
    pub(crate) fn maps(self) -> (String, String, &'static str) {
        match self {
            IdMode::Privileged => (
                format!("0 {HOST_INIT_ID} 1\n{RUN_ID} {HOST_RUN_ID} 1\n"),
                format!("0 {HOST_INIT_ID} 1\n{RUN_ID} {HOST_RUN_ID} 1\n"),
                "allow",
            ),
            IdMode::Unprivileged { uid, gid } => (
                format!("{RUN_ID} {uid} 1\n"),
                format!("{RUN_ID} {gid} 1\n"),
                "deny",
            ),
        }
    }

    pub(crate) fn ids(self) -> crate::child::Ids {
        crate::child::Ids {
            uid: RUN_ID,
            gid: RUN_ID,
            setgroups: matches!(self, IdMode::Privileged),
            init_root: matches!(self, IdMode::Privileged),
        }
    }
}

/// The resolved Python interpreter.
#[derive(Clone, Debug)]
pub(crate) struct PythonInfo {
    pub exe: PathBuf,
    /// Directories to expose read-only (base prefix, prefix, the executable's directory).
    pub roots: Vec<PathBuf>,
    pub site_dirs: Vec<PathBuf>,
}

pub(crate) fn resolve_python(configured: Option<&Path>) -> Result<PythonInfo, String> {
    let cmd = configured
        .map(|p| p.as_os_str().to_owned())
        .unwrap_or_else(|| "python3".into());
    let script = "import os, sys, site\n\
        print(os.path.realpath(sys.executable))\n\
        print(os.path.realpath(sys.base_prefix))\n\
        print(os.path.realpath(sys.prefix))\n\
        print(sys.version_info[0], sys.version_info[1])\n\
        for d in site.getsitepackages(): print(os.path.realpath(d))\n";
    let out = std::process::Command::new(&cmd)
        // -S: site's .pth files cost up to 100 ms and are not needed to ask where they are.
        .args(["-I", "-S", "-c", script])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", Path::new(&cmd).display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} failed: {}",
            Path::new(&cmd).display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() < 4 {
        return Err(format!(
            "{}: unexpected answer {text:?}",
            Path::new(&cmd).display()
        ));
    }
    let version: Vec<u32> = lines[3].split(' ').filter_map(|v| v.parse().ok()).collect();
    if version.len() != 2 || version[0] != 3 || version[1] < 9 {
        return Err(format!(
            "{} is Python {}, the sandbox needs Python 3.9 or newer",
            Path::new(&cmd).display(),
            lines[3]
        ));
    }
    let exe = PathBuf::from(lines[0]);
    let mut roots = vec![PathBuf::from(lines[1]), PathBuf::from(lines[2])];
    if let Some(dir) = exe.parent() {
        roots.push(dir.to_path_buf());
    }
    let site_dirs = lines[4..]
        .iter()
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .collect::<Vec<_>>();
    roots.extend(site_dirs.iter().cloned());
    Ok(PythonInfo {
        exe,
        roots,
        site_dirs,
    })
}

/// The resolved C++ compiler: its real path and the directories it needs.
#[derive(Clone, Debug)]
pub(crate) struct CxxInfo {
    pub exe: PathBuf,
    pub roots: Vec<PathBuf>,
}

pub(crate) fn resolve_cxx(configured: Option<&Path>) -> Result<CxxInfo, String> {
    let name = configured.unwrap_or(Path::new("g++"));
    let found = if name.components().count() > 1 {
        Some(name.to_path_buf())
    } else {
        std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
    };
    let found = found.ok_or_else(|| format!("{} not found on PATH", name.display()))?;
    let exe = std::fs::canonicalize(&found).map_err(|e| format!("{}: {e}", found.display()))?;
    let mut roots = Vec::new();
    // A compiler outside /usr (e.g. /opt/gcc-13/bin/g++) needs its whole prefix.
    if let Some(prefix) = exe.parent().and_then(|bin| bin.parent()) {
        if prefix != Path::new("/") {
            roots.push(prefix.to_path_buf());
        }
    }
    Ok(CxxInfo { exe, roots })
}

fn cstring(p: impl AsRef<Path>) -> CString {
    CString::new(p.as_ref().as_os_str().as_bytes()).expect("path without NUL")
}

fn statvfs_flags(path: &Path) -> libc::c_ulong {
    let c = cstring(path);
    // SAFETY: valid C string and out-pointer.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return libc::MS_NOSUID | libc::MS_NODEV;
    }
    let f = st.f_flag;
    let mut out = libc::MS_NOSUID | libc::MS_NODEV;
    let map = [
        (libc::ST_NOEXEC, libc::MS_NOEXEC),
        (libc::ST_NOATIME, libc::MS_NOATIME),
        (libc::ST_NODIRATIME, libc::MS_NODIRATIME),
        (libc::ST_RELATIME, libc::MS_RELATIME),
    ];
    for (st_flag, ms_flag) in map {
        if f & st_flag != 0 {
            out |= ms_flag;
        }
    }
    out
}

/// The mount plan: a fresh tmpfs root holding read-only binds of the system directories, a
/// minimal /etc, a few device nodes, a fresh /proc, and the private writable tmpfs seen as
/// /work, /tmp and /dev/shm.
pub(crate) struct MountPlan {
    /// Staging mount point (inside the child's private mount namespace).
    pub root: CString,
    pub ops: Vec<MountOp>,
    /// Host directories exposed read-only (for the docs and tests).
    pub exposed: Vec<PathBuf>,
}

const SYSTEM_DIRS: [&str; 7] = [
    "/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32",
];

const ETC_ENTRIES: [&str; 6] = [
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "alternatives",
    "localtime",
    "nsswitch.conf",
];

pub(crate) fn mount_plan(extra_roots: &[PathBuf]) -> MountPlan {
    // The staging point must not hide any directory we bind from.
    let mut all_sources: Vec<PathBuf> = SYSTEM_DIRS.iter().map(PathBuf::from).collect();
    all_sources.extend(extra_roots.iter().cloned());
    all_sources.push("/etc".into());
    all_sources.push("/dev".into());
    let staging = [
        "/mnt", "/tmp", "/media", "/srv", "/run", "/var/tmp", "/home",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|c| c.is_dir() && !all_sources.iter().any(|s| s.starts_with(c)))
    .unwrap_or_else(|| PathBuf::from("/tmp"));
    let at = |p: &str| cstring(staging.join(p.trim_start_matches('/')));
    let mut ops = Vec::new();
    let mut exposed = Vec::new();
    let mut dirs_made: Vec<PathBuf> = Vec::new();
    let mut mkdir_p = |ops: &mut Vec<MountOp>, p: &Path| {
        let mut cur = PathBuf::from("/");
        for comp in p.components().skip(1) {
            cur.push(comp);
            if !dirs_made.contains(&cur) {
                dirs_made.push(cur.clone());
                ops.push(MountOp::Dir {
                    path: cstring(staging.join(cur.strip_prefix("/").unwrap())),
                    mode: 0o755,
                });
            }
        }
    };

    // System directories (or the symlinks merged-/usr systems have in their place).
    for dir in SYSTEM_DIRS {
        let p = Path::new(dir);
        match std::fs::symlink_metadata(p) {
            Ok(m) if m.file_type().is_symlink() => {
                if let Ok(target) = std::fs::read_link(p) {
                    ops.push(MountOp::Symlink {
                        target: cstring(&target),
                        path: at(dir),
                    });
                }
            }
            Ok(m) if m.is_dir() => {
                if let Some(parent) = p.parent() {
                    mkdir_p(&mut ops, parent);
                }
                ops.push(MountOp::Bind {
                    src: cstring(p),
                    dst: at(dir),
                    file: false,
                    ro_flags: Some(statvfs_flags(p)),
                    host: true,
                });
                exposed.push(p.to_path_buf());
            }
            _ => {}
        }
    }
    // Interpreter and compiler prefixes outside those.
    let mut extra: Vec<PathBuf> = extra_roots
        .iter()
        .filter(|r| r.is_dir())
        .filter(|r| !exposed.iter().any(|e| r.starts_with(e)))
        .cloned()
        .collect();
    extra.sort();
    extra.dedup();
    let extra: Vec<PathBuf> = extra
        .iter()
        .filter(|r| !extra.iter().any(|o| o != *r && r.starts_with(o)))
        .cloned()
        .collect();
    for r in extra {
        if let Some(parent) = r.parent() {
            mkdir_p(&mut ops, parent);
        }
        ops.push(MountOp::Bind {
            src: cstring(&r),
            dst: cstring(staging.join(r.strip_prefix("/").unwrap_or(&r))),
            file: false,
            ro_flags: Some(statvfs_flags(&r)),
            host: true,
        });
        exposed.push(r);
    }

    // A minimal /etc: the dynamic loader's cache and configuration, time zone, and our own
    // passwd/group/hosts (no host accounts, no shadow).
    mkdir_p(&mut ops, Path::new("/etc"));
    for name in ETC_ENTRIES {
        let p = Path::new("/etc").join(name);
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                if let Ok(target) = std::fs::read_link(&p) {
                    ops.push(MountOp::Symlink {
                        target: cstring(&target),
                        path: cstring(staging.join("etc").join(name)),
                    });
                }
            }
            Ok(m) if m.is_dir() || m.is_file() => {
                ops.push(MountOp::Bind {
                    src: cstring(&p),
                    dst: cstring(staging.join("etc").join(name)),
                    file: m.is_file(),
                    ro_flags: Some(statvfs_flags(&p)),
                    host: true,
                });
                exposed.push(p);
            }
            _ => {}
        }
    }
    let files: [(&str, String); 3] = [
        (
            "/etc/passwd",
            format!("root:x:0:0:root:/:/usr/sbin/nologin\nsandbox:x:{RUN_ID}:{RUN_ID}:sandbox:/work:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"),
        ),
        ("/etc/group", format!("root:x:0:\nsandbox:x:{RUN_ID}:\nnogroup:x:65534:\n")),
        ("/etc/hosts", "127.0.0.1 localhost\n::1 localhost\n".to_string()),
    ];
    for (path, data) in files {
        ops.push(MountOp::File {
            path: at(path),
            data: data.into_bytes(),
        });
    }
    ops.push(MountOp::File {
        path: at("/etc/hostname"),
        data: b"sandbox\n".to_vec(),
    });

    // /dev: a few device nodes bound from the host (a user namespace cannot mknod), and the
    // usual symlinks.
    mkdir_p(&mut ops, Path::new("/dev"));
    for dev in ["null", "zero", "full", "random", "urandom"] {
        let p = Path::new("/dev").join(dev);
        if p.exists() {
            ops.push(MountOp::Bind {
                src: cstring(&p),
                dst: cstring(staging.join("dev").join(dev)),
                file: true,
                ro_flags: None,
                host: true,
            });
        }
    }
    for (name, target) in [
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ] {
        ops.push(MountOp::Symlink {
            target: cstring(target),
            path: cstring(staging.join("dev").join(name)),
        });
    }

    // The private writable tmpfs, mounted once and seen at three places; the mount it was made
    // on is then detached, so nothing else of it is reachable.
    ops.push(MountOp::RwTmpfs { dst: at("/.rw") });
    for (sub, mode) in [("work", 0o755), ("tmp", 0o1777), ("shm", 0o1777)] {
        ops.push(MountOp::Dir {
            path: at(&format!("/.rw/{sub}")),
            mode,
        });
    }
    ops.push(MountOp::Chown {
        path: at("/.rw/work"),
        uid: RUN_ID,
        gid: RUN_ID,
    });
    for (sub, dst) in [("work", "/work"), ("tmp", "/tmp"), ("shm", "/dev/shm")] {
        ops.push(MountOp::Bind {
            src: at(&format!("/.rw/{sub}")),
            dst: at(dst),
            file: false,
            ro_flags: None,
            host: false,
        });
    }
    ops.push(MountOp::Detach { path: at("/.rw") });
    ops.push(MountOp::Proc { dst: at("/proc") });

    assert!(ops.len() <= crate::child::MAX_OPS, "mount plan too long");
    MountPlan {
        root: cstring(&staging),
        ops,
        exposed,
    }
}

/// Options of the private tmpfs for a run.
pub(crate) fn rw_opts(workdir_bytes: u64) -> CString {
    let size = workdir_bytes.max(64 << 10);
    let inodes = (size / 16384).clamp(1024, 1 << 20);
    CString::new(format!("size={size},nr_inodes={inodes},mode=0755")).unwrap()
}

pub(crate) const ROOT_OPTS: &str = "size=4m,nr_inodes=4096,mode=0755";
