//! Weak isolation (rlimits, a process group, a private temporary directory, the wall-clock kill,
//! no_new_privs and seccomp): the limits and the clean-up still hold.
use plaudit_sandbox::{Config, Exit, Isolation, Language, Limits, Program, Report, Sandbox};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

fn sandbox() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| {
        Sandbox::new(Config {
            isolation: Isolation::Weak,
            ..Config::default()
        })
        .expect("weak isolation")
    })
}

fn limits() -> Limits {
    Limits {
        wall: Duration::from_millis(1500),
        cpu: Duration::from_secs(2),
        memory_bytes: 512 << 20,
        output_bytes: 64 << 10,
        ..Limits::default()
    }
}

fn py(src: &str) -> Report {
    sandbox()
        .run(
            &Program::Python {
                source: Arc::from(src),
            },
            b"",
            &limits(),
        )
        .expect("runs")
}

#[test]
fn runs_in_a_private_directory_and_times_out() {
    let r = py("import os\nopen('f', 'w').write('x')\nprint(os.listdir('.'), os.getcwd() != '/')");
    assert_eq!(r.stdout, b"['main.py', 'f'] True\n", "{r:?}");
    let r = py("while True: pass");
    assert!(r.timed_out);
    assert_eq!(r.exit, Exit::Signal(9));
    let r = py("x = bytearray(10 * 2**30)");
    assert!(r.memory_exceeded, "{r:?}");
}

#[test]
fn background_processes_are_killed_and_the_group_cannot_be_left() {
    let marker = format!("plaudit-weak-marker-{}", std::process::id());
    let r = py(&format!(
        "import os\ntry:\n    os.setsid()\n    print('setsid allowed')\nexcept OSError as e:\n    print('setsid', e.errno)\nif os.fork() == 0:\n    for fd in (0, 1, 2):\n        os.close(fd)\n    os.execv('/bin/sleep', ['{marker}', '600'])\nprint('parent done')\n"
    ));
    assert_eq!(r.stdout, b"setsid 1\nparent done\n", "{r:?}");
    // The group is killed when the run ends; the kernel finishes the child's exit on its own
    // schedule, so wait for it (bounded: the child would sleep for ten minutes).
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let alive = alive_with(&marker);
        if alive.is_empty() {
            break;
        }
        assert!(Instant::now() < until, "left behind: {alive:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Live (not zombie) processes whose command line contains `marker`.
fn alive_with(marker: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(cmd) = std::fs::read(e.path().join("cmdline")) {
            if String::from_utf8_lossy(&cmd).contains(marker)
                && !std::fs::read_to_string(e.path().join("stat"))
                    .unwrap_or_default()
                    .contains(") Z ")
            {
                found.push(e.path());
            }
        }
    }
    found
}

#[test]
fn output_is_capped_and_cpp_runs() {
    let r = py(
        "import sys\nb = b'x' * (1 << 20)\nfor _ in range(256):\n    sys.stdout.buffer.write(b)",
    );
    assert!(r.stdout_truncated && r.stdout.len() == 64 << 10);
    // It ran to its end: the cap discards output instead of blocking the writer until a kill.
    assert!(!r.timed_out && r.exit == Exit::Code(0), "{r:?}");
    let l = Limits {
        wall: Duration::from_secs(30),
        cpu: Duration::from_secs(30),
        ..Limits::default()
    };
    let p = sandbox()
        .compile(Language::Cpp, "#include <cstdio>\nint main(){ int *p = 0; printf(\"x\\n\"); fflush(stdout); return *p; }\n", &l)
        .unwrap()
        .unwrap();
    let r = sandbox().run(&p, b"", &limits()).unwrap();
    assert_eq!(
        (r.exit, r.stdout.as_slice()),
        (Exit::Signal(11), b"x\n".as_slice())
    );
}

/// Run by `nothing_is_left_behind_when_the_process_exits` in a process of its own: a weak
/// sandbox with warm workers (each waiting in its private directory), one run, then exit.
#[test]
#[ignore = "a helper: run in its own process by nothing_is_left_behind_when_the_process_exits"]
fn helper_weak_process_that_exits() {
    let sb = Sandbox::new(Config {
        isolation: Isolation::Weak,
        warm_workers: 2,
        ..Config::default()
    })
    .expect("weak isolation");
    let r = sb
        .run(
            &Program::Python {
                source: Arc::from("print(7)"),
            },
            b"",
            &limits(),
        )
        .expect("runs");
    assert_eq!(r.stdout, b"7\n");
    // Workers are being started again in the background; the process-wide sandbox is never
    // dropped (as with Sandbox::shared): what is left must go when the process exits.
    std::mem::forget(sb);
    println!("\nhelper-pid {}", std::process::id());
}

#[test]
fn nothing_is_left_behind_when_the_process_exits() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "helper_weak_process_that_exits",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pid = text
        .lines()
        .find_map(|l| l.split_once("helper-pid ").map(|(_, p)| p))
        .expect("the helper ran")
        .trim()
        .to_string();
    let prefix = format!("plaudit-sandbox-{pid}-");
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    // Nor a cgroup of its runs (removed off the run's latency, so possibly still queued when
    // the process exited).
    let prefix = format!("plaudit-{pid}-");
    let mut stack = vec![std::path::PathBuf::from("/sys/fs/cgroup")];
    let mut cgroups = vec![];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if !e.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                cgroups.push(e.path());
            } else if d.components().count() < 8 {
                stack.push(e.path());
            }
        }
    }
    assert!(cgroups.is_empty(), "left behind: {cgroups:?}");
}
