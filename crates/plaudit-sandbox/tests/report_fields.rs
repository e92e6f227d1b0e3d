//! Each field of a `Report`, for Python (cold and warm workers) and C++.
use plaudit_sandbox::{Config, Exit, Language, Limits, Program, Report, Sandbox};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

fn warm() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| Sandbox::new(Config::default()).expect("full isolation"))
}

fn cold() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| {
        Sandbox::new(Config {
            warm_workers: 0,
            ..Config::default()
        })
        .expect("full isolation")
    })
}

fn limits() -> Limits {
    Limits {
        wall: Duration::from_secs(2),
        cpu: Duration::from_secs(2),
        output_bytes: 1000,
        ..Limits::default()
    }
}

fn both(src: &str, stdin: &[u8]) -> [Report; 2] {
    let p = Program::Python {
        source: Arc::from(src),
    };
    [warm(), cold()].map(|sb| sb.run(&p, stdin, &limits()).expect("runs"))
}

#[test]
fn exit_code_and_output_streams() {
    for r in both(
        "import sys\nprint('out')\nprint('err', file=sys.stderr)\nsys.exit(3)",
        b"",
    ) {
        assert_eq!(r.exit, Exit::Code(3));
        assert_eq!(r.stdout, b"out\n");
        assert_eq!(r.stderr, b"err\n");
        assert!(!r.stdout_truncated && !r.stderr_truncated);
        assert!(!r.timed_out && !r.memory_exceeded);
    }
    for r in both("import sys\nsys.exit('bye')", b"") {
        assert_eq!(
            (r.exit, r.stderr.as_slice()),
            (Exit::Code(1), b"bye\n".as_slice())
        );
    }
    for r in both("print('ok')", b"") {
        assert_eq!(r.exit, Exit::Code(0));
    }
}

#[test]
fn uncaught_exception_is_exit_1_with_the_programs_traceback() {
    for r in both("def f():\n    raise ValueError('boom')\nf()\n", b"") {
        assert_eq!(r.exit, Exit::Code(1));
        let e = String::from_utf8_lossy(&r.stderr);
        assert!(
            e.starts_with("Traceback (most recent call last):\n  File \"main.py\", line 3"),
            "{e}"
        );
        assert!(
            e.contains("    raise ValueError('boom')") && e.ends_with("ValueError: boom\n"),
            "{e}"
        );
        assert!(!r.memory_exceeded);
    }
    for r in both("x = (", b"") {
        assert_eq!(r.exit, Exit::Code(1));
        assert!(String::from_utf8_lossy(&r.stderr).contains("SyntaxError"));
    }
}

#[test]
fn killed_by_a_signal() {
    for r in both(
        "import os, signal\nos.kill(os.getpid(), signal.SIGABRT)",
        b"",
    ) {
        assert_eq!(r.exit, Exit::Signal(6));
        assert!(!r.timed_out && !r.memory_exceeded);
    }
}

#[test]
fn stdin_and_truncation_flags() {
    for r in both(
        "import sys\ndata = sys.stdin.read()\nsys.stdout.write(data * 300)\nsys.stderr.write('e' * 10)",
        b"hello",
    ) {
        assert_eq!(r.stdout.len(), 1000);
        assert!(r.stdout.starts_with(b"hellohello"));
        assert!(r.stdout_truncated);
        assert!(!r.stderr_truncated);
        assert_eq!(r.stderr, b"eeeeeeeeee");
    }
}

#[test]
fn stdio_reopens_through_dev() {
    for r in both(
        "print(open('/dev/stdin').read().upper(), file=open('/dev/stderr', 'w'))",
        b"abc",
    ) {
        assert_eq!(r.stderr, b"ABC\n", "{r:?}");
    }
}

#[test]
fn unflushed_output_and_atexit_still_come_out() {
    let src = "import atexit, sys\natexit.register(lambda: print('atexit'))\nf = open('/dev/stdout', 'w')\nf.write('unclosed file\\n')\nsys.stdout.write('no newline')";
    for r in both(src, b"") {
        let o = String::from_utf8_lossy(&r.stdout);
        assert!(
            o.contains("unclosed file\n") && o.contains("no newline") && o.contains("atexit"),
            "{o:?}"
        );
        assert_eq!(r.exit, Exit::Code(0));
    }
    // Non-daemon threads are joined before the exit.
    for r in both("import threading, time\ndef w():\n    time.sleep(0.1)\n    print('thread')\nthreading.Thread(target=w).start()\nprint('main')", b"") {
        assert_eq!(r.stdout, b"main\nthread\n");
    }
}

#[test]
fn wall_and_cpu_times() {
    // Relations that hold however loaded the machine is (no upper bound in seconds on wall time):
    // wall time covers a sleep; a sleep costs little CPU; a single-threaded run's CPU time
    // cannot exceed its wall time (a double-counted clock would).
    for r in both("import time\ntime.sleep(0.3)", b"") {
        assert!(r.wall >= Duration::from_millis(300), "{:?}", r.wall);
        assert!(
            r.cpu < Duration::from_millis(300),
            "it slept, it did not spin: {:?}",
            r.cpu
        );
    }
    for r in both(
        "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3:\n    pass",
        b"",
    ) {
        assert!(r.cpu >= Duration::from_millis(300), "{:?}", r.cpu);
        assert!(
            r.cpu <= r.wall + Duration::from_millis(20),
            "one thread: CPU {:?} within wall {:?}",
            r.cpu,
            r.wall
        );
    }
    // CPU time of children counts too.
    for r in both("import os, time\nif os.fork() == 0:\n    t = time.process_time()\n    while time.process_time() - t < 0.3:\n        pass\n    os._exit(0)\nos.wait()", b"") {
        assert!(r.cpu >= Duration::from_millis(300), "{:?}", r.cpu);
    }
}

#[test]
fn timed_out_and_memory_exceeded() {
    for r in both("while True: pass", b"") {
        assert!(r.timed_out && !r.memory_exceeded);
        // Killed at the wall deadline (SIGKILL), or by its CPU limit (SIGXCPU), which the worker
        // sets less than a second past the same budget: on a loaded machine the CPU limit can
        // come first (seen in a CI run). Either way the run is `timed_out`.
        assert!(
            matches!(r.exit, Exit::Signal(9) | Exit::Signal(24)),
            "{:?}",
            r.exit
        );
    }
    for r in both("x = ' ' * (4 << 30)", b"") {
        assert!(r.memory_exceeded && !r.timed_out);
        assert_eq!(r.exit, Exit::Code(1));
    }
    // A program that catches its own MemoryError has not exceeded anything.
    for r in both(
        "try:\n    x = ' ' * (4 << 30)\nexcept MemoryError:\n    print('caught')",
        b"",
    ) {
        assert!(!r.memory_exceeded);
        assert_eq!(r.stdout, b"caught\n");
    }
}

#[test]
fn native_report_fields() {
    let l = Limits {
        wall: Duration::from_secs(30),
        cpu: Duration::from_secs(30),
        ..Limits::default()
    };
    let p = warm()
        .compile(
            Language::Cpp,
            "#include <cstdio>\n#include <cstdlib>\nint main(){ char b[16]; if(!fgets(b, 16, stdin)) return 9; fprintf(stderr, \"e\"); printf(\"%s\", b); return atoi(b); }\n",
            &l,
        )
        .unwrap()
        .unwrap();
    let r = warm().run(&p, b"7\n", &limits()).unwrap();
    assert_eq!(r.exit, Exit::Code(7));
    assert_eq!(r.stdout, b"7\n");
    assert_eq!(r.stderr, b"e");
    assert!(!r.timed_out && !r.memory_exceeded && !r.stdout_truncated);
    let r = warm().run(&p, b"", &limits()).unwrap();
    assert_eq!(r.exit, Exit::Code(9));
    // Python programs compile to themselves.
    match warm()
        .compile(Language::Python, "print(1)", &l)
        .unwrap()
        .unwrap()
    {
        Program::Python { source } => assert_eq!(&*source, "print(1)"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn warm_workers_are_ready_and_each_serves_one_run() {
    let sb = warm();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while sb.warm_ready() < 1 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(sb.warm_ready() >= 1);
    // State left by one run is not seen by the next.
    let p1 = Program::Python {
        source: Arc::from("import builtins, os\nbuiltins.LEFT = 1\nopen('/work/left', 'w').write('x')\nprint(os.getpid())"),
    };
    let p2 = Program::Python {
        source: Arc::from(
            "import builtins, os\nprint(hasattr(builtins, 'LEFT'), os.path.exists('/work/left'))",
        ),
    };
    let r1 = sb.run(&p1, b"", &limits()).unwrap();
    assert_eq!(
        r1.stdout, b"2\n",
        "the program is PID 2 of its own namespace"
    );
    let r2 = sb.run(&p2, b"", &limits()).unwrap();
    assert_eq!(r2.stdout, b"False False\n");
}
