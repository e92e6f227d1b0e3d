//! Runs that follow each other on ONE fork server (`warm_workers: 1`) share nothing: files,
//! processes, SysV IPC, and a run that attacks its parent or everything it can see leaves the
//! server serving.
use plaudit_sandbox::{Config, Exit, Limits, Program, Report, Sandbox};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

fn sandbox() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| {
        Sandbox::new(Config {
            warm_workers: 1,
            ..Config::default()
        })
        .expect("full isolation")
    })
}

/// One test at a time: they all share the single fork server.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static M: Mutex<()> = Mutex::new(());
    M.lock().unwrap_or_else(|e| e.into_inner())
}

fn limits() -> Limits {
    Limits {
        wall: Duration::from_millis(2000),
        cpu: Duration::from_secs(2),
        memory_bytes: 512 << 20,
        ..Limits::default()
    }
}

/// Run on the fork server (waiting until it is idle, so the run cannot go cold).
fn run(src: &str) -> Report {
    let sb = sandbox();
    let deadline = Instant::now() + Duration::from_secs(30);
    while sb.warm_ready() < 1 {
        assert!(
            Instant::now() < deadline,
            "the fork server never became ready"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let p = Program::Python {
        source: Arc::from(src),
    };
    sb.run(&p, b"", &limits()).expect("runs")
}

fn out(r: &Report) -> String {
    String::from_utf8_lossy(&r.stdout).into_owned()
}

/// The device and change time of `/` identify the fork server's sandbox (its root tmpfs, made
/// when the sandbox was; device numbers alone are reused).
const ROOT_DEV: &str = "import os\nprint('dev', os.stat('/').st_dev, os.stat('/').st_ctime_ns)\n";

fn root_dev(r: &Report) -> String {
    out(r)
        .lines()
        .find(|l| l.starts_with("dev "))
        .unwrap_or("")
        .to_string()
}

#[test]
fn files_and_processes_of_one_run_are_gone_for_the_next() {
    let _g = serial();
    let a = run(&format!(
        "{ROOT_DEV}import os, time\nopen('/work/x', 'w').write('x')\nopen('/tmp/y', 'w').write('y')\nopen('/dev/shm/z', 'w').write('z')\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(30)\n    os._exit(0)\nprint('pid', os.getpid())\n"
    ));
    assert_eq!(a.exit, Exit::Code(0), "{a:?}");
    assert!(out(&a).contains("pid 2\n"), "{a:?}");
    let b = run(&format!(
        "{ROOT_DEV}import os\nprint([os.path.exists(p) for p in ('/work/x', '/tmp/y', '/dev/shm/z')])\nprint(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))\nprint(os.listdir('/work'), os.listdir('/tmp'))\n"
    ));
    assert_eq!(b.exit, Exit::Code(0), "{b:?}");
    assert_eq!(
        root_dev(&a),
        root_dev(&b),
        "both runs on the same fork server"
    );
    let text = out(&b);
    assert!(text.contains("[False, False, False]\n"), "{text}");
    // Only its init (1) and itself (2) exist in its PID namespace.
    assert!(text.contains("[1, 2]\n"), "{text}");
    assert!(text.contains("['main.py'] []\n"), "{text}");
}

#[test]
fn sysv_shared_memory_does_not_carry_over() {
    let _g = serial();
    let src = "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nprint('id', libc.shmget(0x5eed, 4096, 0o1666), ctypes.get_errno())\n";
    let a = run(&format!("{ROOT_DEV}{src}"));
    let b = run(&format!(
        "{ROOT_DEV}import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nprint('found', libc.shmget(0x5eed, 0, 0o666))\n"
    ));
    assert_eq!(root_dev(&a), root_dev(&b));
    assert!(out(&a).contains("id "), "{a:?}");
    assert!(!out(&a).contains("id -1"), "{a:?}");
    assert!(out(&b).contains("found -1\n"), "{b:?}");
}

#[test]
fn a_run_that_kills_its_parent_and_everything_leaves_the_server_serving() {
    let _g = serial();
    let a = run(&format!(
        "{ROOT_DEV}import os, signal\ntry:\n    os.kill(os.getppid(), signal.SIGKILL)\nexcept OSError as e:\n    print('refused', e.errno)\nif os.fork() == 0:\n    os.execv('/bin/sleep', ['sleep', '30'])\nos.kill(-1, signal.SIGKILL)\nprint('still here')\n"
    ));
    assert!(out(&a).contains("refused 1\nstill here\n"), "{a:?}");
    let b = run(&format!("{ROOT_DEV}print('next')\n"));
    assert_eq!(root_dev(&a), root_dev(&b), "the fork server survived");
    assert!(out(&b).ends_with("next\n"), "{b:?}");
}

#[test]
fn a_run_killed_at_the_wall_limit_takes_its_server_and_the_next_gets_a_fresh_one() {
    let _g = serial();
    let a = run(&format!(
        "{ROOT_DEV}import sys\nsys.stdout.flush()\nwhile True:\n    pass\n"
    ));
    assert!(a.timed_out, "{a:?}");
    let b = run(&format!("{ROOT_DEV}print('next')\n"));
    assert!(out(&b).ends_with("next\n"), "{b:?}");
    assert_ne!(root_dev(&a), root_dev(&b), "a new fork server");
}

#[test]
fn the_run_has_no_capabilities_and_its_filter() {
    let _g = serial();
    let r = run("import os\nst = open('/proc/self/status').read()\nprint([l for l in st.splitlines() if l.startswith(('Cap', 'Seccomp:', 'NoNewPrivs', 'Uid'))])\nimport ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nprint('unshare', libc.unshare(0x10000000), ctypes.get_errno())\n");
    let text = out(&r);
    for cap in ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"] {
        assert!(
            text.contains(&format!("'{cap}:\\t0000000000000000'")),
            "{cap}: {text}"
        );
    }
    assert!(text.contains("'Seccomp:\\t2'"), "{text}");
    assert!(text.contains("'NoNewPrivs:\\t1'"), "{text}");
    assert!(
        text.contains("'Uid:\\t1000\\t1000\\t1000\\t1000'"),
        "{text}"
    );
    assert!(text.contains("unshare -1 1\n"), "{text}");
}
