//! Hostile programs: each one is contained, gets the right report, and the sandbox keeps serving
//! afterwards (every test ends by running a normal program).
use plaudit_sandbox::{Config, Exit, Language, Limits, Program, Report, Sandbox};
use std::io::Read;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

fn sandbox() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| {
        Sandbox::new(Config {
            warm_workers: 2,
            ..Config::default()
        })
        .expect("full isolation must be available on the test machine")
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

/// A run stopped by its wall limit reports at least that much wall time. There is no upper bound
/// in seconds: a loaded machine delivers the kill late, and a run the limit failed to stop would
/// never return at all.
fn killed_by_the_wall_limit(r: &Report, limits: &Limits) {
    assert!(
        r.wall + Duration::from_millis(100) >= limits.wall,
        "killed before its wall limit of {:?}: {:?}",
        limits.wall,
        r.wall
    );
}

fn py_with(src: &str, stdin: &[u8], limits: &Limits) -> Report {
    // Exercise the fork servers: wait (a bounded while) until one is idle, e.g. after a test
    // whose run was killed at the wall limit took its server down with it.
    let deadline = Instant::now() + Duration::from_secs(10);
    while sandbox().warm_ready() < 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    let prog = Program::Python {
        source: Arc::from(src),
    };
    sandbox()
        .run(&prog, stdin, limits)
        .expect("the sandbox runs it")
}

fn py(src: &str) -> Report {
    py_with(src, b"", &limits())
}

fn out(r: &Report) -> String {
    String::from_utf8_lossy(&r.stdout).into_owned()
}

fn err(r: &Report) -> String {
    String::from_utf8_lossy(&r.stderr).into_owned()
}

/// The sandbox still serves a normal program.
fn still_serves() {
    let r = py("import sys\nprint(sum(int(x) for x in sys.stdin.read().split()))");
    let r2 = sandbox()
        .run(
            &Program::Python {
                source: Arc::from(
                    "import sys\nprint(sum(int(x) for x in sys.stdin.read().split()))",
                ),
            },
            b"1 2 3",
            &limits(),
        )
        .unwrap();
    assert_eq!(r.exit, Exit::Code(0), "{r:?}");
    assert_eq!(out(&r2), "6\n", "{r2:?}");
    assert!(!r2.timed_out && !r2.memory_exceeded);
}

fn cpp(src: &str) -> Program {
    let l = Limits {
        wall: Duration::from_secs(30),
        cpu: Duration::from_secs(30),
        ..Limits::default()
    };
    match sandbox()
        .compile(Language::Cpp, src, &l)
        .expect("the sandbox compiles")
    {
        Ok(p) => p,
        Err(e) => panic!(
            "compile failed: {}",
            String::from_utf8_lossy(&e.report.stderr)
        ),
    }
}

fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("plaudit-{tag}-{}-{nanos}", std::process::id())
}

/// Host processes whose command line contains `marker`.
fn host_processes_with(marker: &str) -> Vec<u32> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Ok(cmd) = std::fs::read(e.path().join("cmdline")) {
            if String::from_utf8_lossy(&cmd).contains(marker) {
                found.push(pid);
            }
        }
    }
    found
}

#[test]
fn fork_bomb_is_contained() {
    // It never ends by itself: that the run returns at all, `timed_out`, is the containment.
    let r = py(
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
    );
    assert!(r.timed_out, "{r:?}");
    killed_by_the_wall_limit(&r, &limits());
    still_serves();
}

#[test]
fn infinite_loop_times_out() {
    let r = py("while True:\n    pass\n");
    assert!(r.timed_out, "{r:?}");
    assert_eq!(r.exit, Exit::Signal(9));
    killed_by_the_wall_limit(&r, &limits());
    // The wall limit, not the CPU limit, ended it: less CPU than the CPU limit was used.
    assert!(r.cpu < limits().cpu, "{:?}", r.cpu);
    still_serves();
}

#[test]
fn cpu_limit_is_a_time_out() {
    // The wall limit is far away: a run that returns before it was stopped by the CPU limit,
    // however slowly a loaded machine gave it its half second of CPU.
    let l = Limits {
        wall: Duration::from_secs(60),
        cpu: Duration::from_millis(500),
        ..limits()
    };
    let r = py_with("while True:\n    pass\n", b"", &l);
    assert!(r.timed_out, "{r:?}");
    assert!(r.wall < l.wall, "{:?}", r.wall);
    assert!(r.cpu >= Duration::from_millis(500), "{:?}", r.cpu);
    still_serves();
}

#[test]
fn allocating_ten_gigabytes_is_memory_exceeded() {
    let r = py("x = bytearray(10 * 2**30)\nprint('allocated')");
    assert!(r.memory_exceeded, "{r:?}");
    assert!(!r.timed_out);
    assert_eq!(r.exit, Exit::Code(1));
    assert!(err(&r).contains("MemoryError"), "{}", err(&r));
    assert!(!out(&r).contains("allocated"));
    // Growing step by step hits the same wall. Only the memory limit can end this loop: the
    // time limits are far away, so a loaded machine's slow page faults cannot turn it into a
    // timeout.
    let far = Limits {
        wall: Duration::from_secs(120),
        cpu: Duration::from_secs(120),
        ..limits()
    };
    let r = py_with(
        "xs = []\nwhile True:\n    xs.append(bytearray(16 << 20))\n",
        b"",
        &far,
    );
    assert!(r.memory_exceeded, "{r:?}");
    assert!(!r.timed_out, "{r:?}");
    still_serves();
}

#[test]
fn cpp_bad_alloc_is_memory_exceeded() {
    let p = cpp("#include <vector>\n#include <cstdio>\nint main(){ std::vector<char> v(10ull<<30); printf(\"%d\\n\", (int)v[5]); }\n");
    let r = sandbox().run(&p, b"", &limits()).unwrap();
    assert!(r.memory_exceeded, "{r:?}");
    assert_eq!(r.exit, Exit::Signal(6), "{r:?}");
    assert!(!r.timed_out);
    still_serves();
}

#[test]
fn tcp_to_a_host_loopback_listener_fails() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let r = py(&format!(
        "import socket\ns = socket.socket()\ns.settimeout(1)\ntry:\n    s.connect(('127.0.0.1', {port}))\n    print('connected')\nexcept OSError as e:\n    print('refused', e.errno)\n"
    ));
    assert!(out(&r).starts_with("refused"), "{r:?}");
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the listener saw a connection: {other:?}"),
    }
    // Nor anything else of the host's network: only a loopback of its own.
    let r = py("import socket\nprint(sorted(n for _, n in socket.if_nameindex()))");
    assert_eq!(out(&r), "['lo']\n", "{r:?}");
    still_serves();
}

#[test]
fn writing_outside_the_work_dir_fails() {
    let r = py(r#"
import os
for p in ['/etc/passwd', '/usr/evil', '/evil', '/root/evil', '/proc/sys/kernel/hostname', '/dev/evil']:
    try:
        with open(p, 'w') as f:
            f.write('x')
        print('WROTE', p)
    except OSError as e:
        print('denied', p, e.errno)
with open('/work/ok', 'w') as f:
    f.write('fine')
with open('/tmp/ok', 'w') as f:
    f.write('fine')
print(open('/work/ok').read(), os.getcwd())
"#);
    assert!(!out(&r).contains("WROTE"), "{}", out(&r));
    assert!(out(&r).contains("fine /work"), "{r:?}");
    // The work directory is size-limited.
    let l = Limits {
        workdir_bytes: 4 << 20,
        ..limits()
    };
    let r = py_with(
        "try:\n    open('big', 'wb').write(b'x' * (8 << 20))\n    print('WROTE')\nexcept OSError as e:\n    print('full', e.errno)\n",
        b"",
        &l,
    );
    assert_eq!(out(&r), "full 28\n", "{r:?}"); // ENOSPC
    still_serves();
}

#[test]
fn root_only_and_host_files_are_invisible() {
    use std::os::unix::fs::PermissionsExt;
    let secret = unique("secret");
    let tmp_file = std::env::temp_dir().join(format!("{secret}.txt"));
    let content = format!("content of {secret} only the host may read");
    std::fs::write(&tmp_file, &content).unwrap();
    std::fs::set_permissions(&tmp_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let home_file = std::path::Path::new(&home).join(format!(".{secret}"));
    let home_ok = std::fs::write(&home_file, &content).is_ok();
    let src = format!(
        r#"
import os
for p in ['/etc/shadow', {tmp:?}, {home:?}, '/work', '/proc/1/environ', '/proc/1/root/etc/shadow']:
    try:
        print(p, 'READ', open(p).read()[:80])
    except OSError as e:
        print(p, 'denied', e.errno)
print(sorted(os.listdir('/')))
"#,
        tmp = tmp_file.display().to_string(),
        home = home_file.display().to_string(),
    );
    let r = py(&src);
    let _ = std::fs::remove_file(&tmp_file);
    if home_ok {
        let _ = std::fs::remove_file(&home_file);
    }
    assert!(!out(&r).contains("only the host may read"), "{}", out(&r));
    assert!(!out(&r).contains(" READ"), "{}", out(&r));
    assert!(
        !out(&r).contains("'home'") && !out(&r).contains("'mnt'"),
        "{}",
        out(&r)
    );
    // The host's /work (this repository) is not what the sandbox calls /work.
    let r = py("import os\nprint(sorted(os.listdir('/work')))");
    assert_eq!(out(&r), "['main.py']\n", "{r:?}");
    still_serves();
}

#[test]
fn the_program_is_unprivileged() {
    let r = py(r#"
import os, ctypes
status = dict(l.split(':', 1) for l in open('/proc/self/status').read().splitlines())
print(os.getuid(), os.geteuid(), os.getgid(), os.getgroups())
print(status['CapEff'].strip(), status['CapPrm'].strip(), status['CapBnd'].strip(), status['CapAmb'].strip())
print(status['NoNewPrivs'].strip(), status['Seccomp'].strip())
libc = ctypes.CDLL(None, use_errno=True)
for name, args in [('unshare', (0x10000000,)), ('ptrace', (16, 1, 0, 0)), ('mount', (b'none', b'/tmp', b'tmpfs', 0, None)),
                   ('setns', (0, 0)), ('chroot', (b'/tmp',)), ('bpf', (0, 0, 0)), ('keyctl', (0, 0)), ('userfaultfd', (0,))]:
    fn = getattr(libc, name, None)
    if fn is None:
        fn = lambda *a, n=name: libc.syscall({'setns': 308, 'bpf': 321, 'keyctl': 250, 'userfaultfd': 323}[n], *a)
    rc = fn(*args)
    print(name, rc, ctypes.get_errno())
"#);
    let o = out(&r);
    let lines: Vec<&str> = o.lines().collect();
    assert_eq!(lines[0], "1000 1000 1000 []", "{r:?}");
    assert_eq!(
        lines[1],
        "0000000000000000 0000000000000000 0000000000000000 0000000000000000"
    );
    assert_eq!(lines[2], "1 2");
    for l in &lines[3..] {
        assert!(l.ends_with(" -1 1"), "expected EPERM: {l}");
    }
    still_serves();
}

#[test]
fn killing_the_parent_and_everything_leaves_the_host_alone() {
    let r = py("import os, signal\ntry:\n    os.kill(os.getppid(), signal.SIGKILL)\nexcept OSError as e:\n    print('refused', e.errno)\nprint('ppid', os.getppid())\n");
    assert_eq!(out(&r), "refused 1\nppid 1\n", "{r:?}");
    assert_eq!(r.exit, Exit::Code(0));
    let r = py("import os, signal, time\nif os.fork() == 0:\n    time.sleep(10)\n    os._exit(0)\nos.kill(-1, signal.SIGKILL)\nprint('still here')\n");
    assert_eq!(out(&r), "still here\n", "{r:?}");
    assert!(!r.timed_out);
    still_serves();
}

#[test]
fn background_processes_do_not_survive_the_run() {
    let marker = unique("marker");
    let src = format!(
        r#"
import os, sys
pid = os.fork()
if pid == 0:
    os.setsid()
    if os.fork() == 0:
        for fd in (0, 1, 2):
            os.close(fd)
        os.execv('/bin/sleep', ['{marker}', '30'])
    os._exit(0)
os.waitpid(pid, 0)
print('parent done')
"#
    );
    let r = py(&src);
    assert_eq!(out(&r), "parent done\n", "{r:?}");
    assert!(r.wall < Duration::from_millis(1000), "{:?}", r.wall);
    assert_eq!(host_processes_with(&marker), Vec::<u32>::new());
    still_serves();
}

#[test]
fn printing_a_gigabyte_is_truncated_and_bounded() {
    let l = Limits {
        wall: Duration::from_secs(10),
        cpu: Duration::from_secs(10),
        ..limits()
    };
    let r = py_with(
        "import sys\nb = b'x' * (1 << 20)\nfor _ in range(1024):\n    sys.stdout.buffer.write(b)\nsys.stderr.write('e' * 200000)\n",
        b"",
        &l,
    );
    assert_eq!(
        r.exit,
        Exit::Code(0),
        "{:?}",
        (r.exit, r.timed_out, err(&r))
    );
    assert_eq!(r.stdout.len(), l.output_bytes);
    assert!(r.stdout_truncated && r.stderr_truncated);
    assert_eq!(r.stderr.len(), l.output_bytes);
    // Exit 0, not a kill: the capped output never blocked the writer until its wall limit.
    assert!(!r.timed_out);
    still_serves();
}

#[test]
fn ignoring_sigterm_is_still_killed_at_the_wall_limit() {
    let r = py("import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.01)\n");
    assert!(r.timed_out, "{r:?}");
    killed_by_the_wall_limit(&r, &limits());
    // Asleep all along: CPU time, unlike wall time, does not grow with the machine's load.
    assert!(r.cpu < Duration::from_millis(500), "{:?}", r.cpu);
    still_serves();
}

#[test]
fn cpp_compile_error_is_reported() {
    let l = Limits {
        wall: Duration::from_secs(30),
        cpu: Duration::from_secs(30),
        ..Limits::default()
    };
    let e = sandbox()
        .compile(Language::Cpp, "int main() { return undefined_name; }\n", &l)
        .unwrap()
        .expect_err("must not compile");
    let stderr = String::from_utf8_lossy(&e.report.stderr);
    assert!(
        stderr.contains("main.cpp:1") && stderr.contains("undefined_name"),
        "{stderr}"
    );
    assert_eq!(e.report.exit, Exit::Code(1));
    still_serves();
}

#[test]
fn cpp_runs_reads_stdin_and_segfaults_with_signal_11() {
    let p = cpp("#include <iostream>\nint main(){ long a, b; std::cin >> a >> b; std::cout << a + b << std::endl; }\n");
    let r = sandbox().run(&p, b"40 2\n", &limits()).unwrap();
    assert_eq!((r.exit, out(&r).as_str()), (Exit::Code(0), "42\n"), "{r:?}");
    let p = cpp("#include <cstdio>\nint main(){ volatile int *p = nullptr; printf(\"before\\n\"); fflush(stdout); *p = 1; return 0; }\n");
    let r = sandbox().run(&p, b"", &limits()).unwrap();
    assert_eq!(r.exit, Exit::Signal(11), "{r:?}");
    assert_eq!(out(&r), "before\n");
    assert!(!r.timed_out && !r.memory_exceeded);
    still_serves();
}

#[test]
fn cpp_infinite_loop_times_out() {
    let p = cpp("int main(){ volatile unsigned long x = 0; for(;;) x++; }\n");
    let r = sandbox().run(&p, b"", &limits()).unwrap();
    assert!(r.timed_out, "{r:?}");
    assert_eq!(r.exit, Exit::Signal(9));
    still_serves();
}

#[test]
fn compile_bomb_is_stopped() {
    // Exponential template instantiation: the compile is killed at its limits, not the host.
    let src = "template<int N> struct F { static const int v = F<N-1>::v + F<N-2>::v; };\n\
               template<> struct F<0> { static const int v = 0; };\n\
               template<> struct F<1> { static const int v = 1; };\n\
               #include <cstdio>\nint main(){ printf(\"%d\\n\", F<100000>::v); }\n";
    let l = Limits {
        wall: Duration::from_secs(3),
        cpu: Duration::from_secs(3),
        memory_bytes: 512 << 20,
        ..Limits::default()
    };
    let e = sandbox()
        .compile(Language::Cpp, src, &l)
        .unwrap()
        .expect_err("must not compile");
    assert!(e.report.exit != Exit::Code(0), "{:?}", e.report);
    still_serves();
}

#[test]
fn concurrent_runs_on_twice_the_cores() {
    let threads = 2 * std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let native = cpp("#include <iostream>\nint main(){ long n; std::cin >> n; std::cout << n * n << std::endl; }\n");
    let results: Vec<Vec<(String, String)>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads)
            .map(|t| {
                let native = native.clone();
                s.spawn(move || {
                    (0..6)
                        .map(|i| {
                            let n = t * 100 + i;
                            let input = format!("{n}\n");
                            let r = if i % 2 == 0 {
                                py_with("print(int(input()) ** 2)", input.as_bytes(), &limits())
                            } else {
                                sandbox().run(&native, input.as_bytes(), &limits()).unwrap()
                            };
                            (out(&r), format!("{}\n", n * n))
                        })
                        .collect()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for per_thread in results {
        for (got, want) in per_thread {
            assert_eq!(got, want);
        }
    }
    still_serves();
}

#[test]
fn stdin_is_a_regular_file_and_large_inputs_pass() {
    let big: Vec<u8> = (0..2_000_000).map(|i| b'a' + (i % 26) as u8).collect();
    let r = py_with(
        "import sys, os\ndata = sys.stdin.buffer.read()\nprint(len(data), os.lseek(0, 0, os.SEEK_CUR), data[:3])",
        &big,
        &limits(),
    );
    assert_eq!(out(&r), "2000000 2000000 b'abc'\n", "{r:?}");
    let mut f = std::fs::File::open("/dev/null").unwrap();
    let _ = f.read(&mut [0u8; 1]);
    still_serves();
}
