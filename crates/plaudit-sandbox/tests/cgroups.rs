//! The memory limit holds for the whole run (a cgroup per run), not per process: issue 13 found
//! five processes of 800 MB in one run taking 4 GB under a 1 GB limit. Also the pids limit, the
//! OOM kill reported as `memory_exceeded`, and no cgroup left behind.
use plaudit_sandbox::{
    Config, Exit, Isolation, Language, Limits, MemoryScope, Program, Report, Sandbox,
};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// The tests of this file run one at a time (the leftover check sees every cgroup of the process).
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static M: std::sync::Mutex<()> = std::sync::Mutex::new(());
    M.lock().unwrap_or_else(|e| e.into_inner())
}

fn full() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| {
        Sandbox::new(Config {
            warm_workers: 2,
            ..Config::default()
        })
        .expect("full isolation")
    })
}

fn weak() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| {
        Sandbox::new(Config {
            isolation: Isolation::Weak,
            warm_workers: 1,
            ..Config::default()
        })
        .expect("weak isolation")
    })
}

/// This machine (root, cgroup v1 `memory` and `pids` mounted) must give runs a cgroup.
fn expect_cgroups(sb: &Sandbox) {
    let root = unsafe { libc::geteuid() } == 0;
    let v1 = std::path::Path::new("/sys/fs/cgroup/memory/memory.limit_in_bytes").exists()
        && std::path::Path::new("/sys/fs/cgroup/pids").exists();
    if root && v1 {
        assert_eq!(
            sb.memory_scope(),
            MemoryScope::CgroupV1,
            "{}",
            sb.cgroup_unavailable()
        );
    } else {
        assert!(
            sb.memory_scope() != MemoryScope::PerProcess || !sb.cgroup_unavailable().is_empty()
        );
    }
}

fn limits() -> Limits {
    Limits {
        wall: Duration::from_secs(20),
        cpu: Duration::from_secs(20),
        memory_bytes: 256 << 20,
        output_bytes: 64 << 10,
        ..Limits::default()
    }
}

/// Four processes of 100 MB each (every page written), all alive at once, under a 256 MB limit.
/// "alive N" counts the children that lived to exit normally after all four had allocated: the
/// OOM killer may pick a child that already reported its allocation, so the reports alone do not
/// show that all four were alive at once, the exits do.
const FOUR_BY_100MB_PY: &str = r#"
import os
go_r, go_w = os.pipe()
oks = []
for i in range(4):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.close(go_w)
        b = b"\x01" * (100 << 20)
        os.write(w, b"1")
        os.read(go_r, 1)
        os._exit(0)
    os.close(w)
    oks.append(r)
for r in oks:
    os.read(r, 1)
os.close(go_w)
alive = 0
for _ in range(4):
    _, status = os.wait()
    alive += os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
print("alive", alive)
"#;

const FOUR_BY_100MB_CPP: &str = r#"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <sys/wait.h>
int main() {
    int go[2]; pipe(go);
    int rs[4];
    for (int i = 0; i < 4; i++) {
        int p[2]; pipe(p);
        if (fork() == 0) {
            close(p[0]); close(go[1]);
            size_t n = 100u << 20;
            char *b = (char *)malloc(n);
            if (!b) _exit(3);
            volatile char *v = b;
            for (size_t k = 0; k < n; k += 4096) v[k] = 1;
            write(p[1], "1", 1);
            char c; read(go[0], &c, 1);
            _exit(v[n - 4096] == 1 ? 0 : 4);
        }
        close(p[1]);
        rs[i] = p[0];
    }
    for (int i = 0; i < 4; i++) { char c = 0; read(rs[i], &c, 1); }
    close(go[1]);
    int alive = 0;
    for (int i = 0; i < 4; i++) {
        int st = 0;
        wait(&st);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0) alive++;
    }
    printf("alive %d\n", alive);
}
"#;

fn py(sb: &Sandbox, src: &str, l: &Limits) -> Report {
    sb.run(
        &Program::Python {
            source: Arc::from(src),
        },
        b"",
        l,
    )
    .expect("runs")
}

fn assert_run_bounded(r: &Report, what: &str) {
    let out = String::from_utf8_lossy(&r.stdout);
    assert_eq!(r.memory_scope, MemoryScope::CgroupV1, "{what}: {r:?}");
    assert!(r.memory_exceeded, "{what}: {out} {r:?}");
    // The OOM kill took (at least) one of the four: they were never all alive at once.
    assert_ne!(out, "alive 4\n", "{what}: {r:?}");
}

#[test]
fn processes_together_are_bounded_by_the_memory_limit() {
    let _serial = serial();
    for sb in [full(), weak()] {
        expect_cgroups(sb);
        if sb.memory_scope() == MemoryScope::PerProcess {
            continue;
        }
        // Python: on a fork server (full) and on a one-shot worker (weak).
        assert_run_bounded(&py(sb, FOUR_BY_100MB_PY, &limits()), "python");
        // Native.
        let l = Limits {
            wall: Duration::from_secs(60),
            cpu: Duration::from_secs(60),
            memory_bytes: 1 << 30,
            ..Limits::default()
        };
        let prog = sb
            .compile(Language::Cpp, FOUR_BY_100MB_CPP, &l)
            .unwrap()
            .unwrap();
        let r = sb.run(&prog, b"", &limits()).unwrap();
        assert_run_bounded(&r, "c++");
        // The same programs fit a limit that holds all four: the limit, not the program, ended
        // them above.
        let roomy = Limits {
            memory_bytes: 900 << 20,
            ..limits()
        };
        let r = py(sb, FOUR_BY_100MB_PY, &roomy);
        assert_eq!(
            (r.stdout.as_slice(), r.memory_exceeded),
            (b"alive 4\n".as_slice(), false),
            "{r:?}"
        );
        let r = sb.run(&prog, b"", &roomy).unwrap();
        assert_eq!(
            (r.stdout.as_slice(), r.exit),
            (b"alive 4\n".as_slice(), Exit::Code(0)),
            "{r:?}"
        );
    }
}

#[test]
fn the_pids_limit_holds_under_weak_isolation_too() {
    let _serial = serial();
    // Under weak isolation as root RLIMIT_NPROC does not apply: the pids cgroup does.
    let sb = weak();
    expect_cgroups(sb);
    if sb.memory_scope() == MemoryScope::PerProcess {
        return;
    }
    let src = "import os, time\nn = 0\nkids = []\nfor i in range(40):\n    try:\n        pid = os.fork()\n    except OSError:\n        break\n    if pid == 0:\n        time.sleep(30)\n        os._exit(0)\n    kids.append(pid)\nprint(len(kids))\nfor k in kids:\n    os.kill(k, 9)\n";
    let l = Limits {
        processes: 8,
        ..limits()
    };
    let r = py(sb, src, &l);
    let n: u32 = String::from_utf8_lossy(&r.stdout)
        .trim()
        .parse()
        .expect("a count");
    assert!(n < 8, "{n} forks under a limit of 8 processes: {r:?}");
}

fn leftovers() -> Vec<std::path::PathBuf> {
    let prefix = format!("plaudit-{}-", std::process::id());
    let mut found = vec![];
    let mut stack = vec![std::path::PathBuf::from("/sys/fs/cgroup")];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let Ok(ft) = e.file_type() else { continue };
            if !ft.is_dir() {
                continue;
            }
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                found.push(e.path());
            } else if d.components().count() < 8 {
                stack.push(e.path());
            }
        }
    }
    found
}

#[test]
fn no_cgroup_is_left_behind() {
    let _serial = serial();
    let sb = full();
    expect_cgroups(sb);
    // A normal run, a run killed at the wall limit, an OOM kill.
    let quick = Limits {
        wall: Duration::from_millis(500),
        ..limits()
    };
    py(sb, "print(1)", &quick);
    let r = py(sb, "while True:\n    pass", &quick);
    assert!(r.timed_out);
    py(sb, FOUR_BY_100MB_PY, &limits());
    let w = weak();
    py(w, "print(1)", &quick);
    // Removal happens off the run's latency: wait for it, bounded.
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let left = leftovers();
        if left.is_empty() {
            break;
        }
        assert!(Instant::now() < until, "left behind: {left:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
