//! CPU per run of a Python program on ONE fork server (full isolation), for measuring what a run
//! costs beyond forking the warm interpreter. Runs the program RUNS times back to back and
//! prints the first run's output and the mean of the runs' own `cpu` (the tree under the run's
//! init). The whole cost (scorer, fork server, the run's init G and program P) is the CPU of this
//! process's tree: measure it from outside, e.g. with a cpuacct cgroup or `perf stat`, at two
//! values of RUNS and take the difference.
//!
//! ```text
//! cargo run --release -p plaudit-sandbox --example fork_cost RUNS [PROGRAM.py] [PRELOAD.py]
//! ```
//! PROGRAM.py defaults to `pass`; PRELOAD.py is registered as the module `plaudit_judge` (as
//! plaudit-code does with its judge), so the server has the size it has when scoring code.
use plaudit_sandbox::{Config, Isolation, Limits, Program, Sandbox};
use std::sync::Arc;
use std::time::Duration;

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let source = args
        .next()
        .map(|p| std::fs::read_to_string(p).expect("the program"))
        .unwrap_or_else(|| "pass".into());
    if let Some(p) = args.next() {
        let pre = std::fs::read_to_string(p).expect("the preloaded module");
        plaudit_sandbox::preload_python_module("plaudit_judge", &pre);
    }
    let limits = Limits {
        wall: Duration::from_secs(10),
        cpu: Duration::from_secs(10),
        ..Limits::default()
    };
    let sb = Sandbox::new(Config {
        isolation: Isolation::Full,
        warm_workers: 1,
        ..Config::default()
    })
    .expect("sandbox");
    let prog = Program::Python {
        source: Arc::from(source.as_str()),
    };
    let mut cpu = Duration::ZERO;
    for i in 0..runs {
        while sb.warm_ready() < 1 {
            std::thread::sleep(Duration::from_millis(1));
        }
        let r = sb.run(&prog, b"", &limits).expect("run");
        if i == 0 {
            print!("{}", String::from_utf8_lossy(&r.stdout));
            eprint!("{}", String::from_utf8_lossy(&r.stderr));
        }
        cpu += r.cpu;
    }
    if runs > 0 {
        println!(
            "{runs} runs; the runs' own cpu (the tree under each run's init): {:.3} ms per run",
            cpu.as_secs_f64() * 1000.0 / runs as f64
        );
    }
}
