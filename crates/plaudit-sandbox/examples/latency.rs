//! Per-run latency and throughput of a trivial program, cold (an interpreter started per run)
//! vs warm (pre-started Python workers), and of a compiled C++ program.
//!
//! ```text
//! cargo run --release -p plaudit-sandbox --example latency [RUNS]
//! ```
use plaudit_sandbox::{Config, Isolation, Language, Limits, Program, Sandbox};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let limits = Limits {
        wall: Duration::from_secs(5),
        cpu: Duration::from_secs(5),
        ..Limits::default()
    };
    let py = Program::Python {
        source: Arc::from("print(sum(range(10)))"),
    };
    for isolation in [Isolation::Full, Isolation::Weak] {
        for warm in [0usize, 2] {
            let sb = Sandbox::new(Config {
                isolation,
                warm_workers: warm,
                ..Config::default()
            })
            .expect("sandbox");
            let label = format!("{isolation:?} python, warm_workers={warm}");
            // Sequential runs with a short pause, so the pool (if any) has refilled: this is the
            // latency one run sees when scoring is not saturating the machine.
            let mut lat = Vec::new();
            for _ in 0..runs {
                if warm > 0 {
                    while sb.warm_ready() < warm {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
                let t = Instant::now();
                let r = sb.run(&py, b"", &limits).expect("run");
                lat.push(t.elapsed());
                assert_eq!(r.stdout, b"45\n", "{r:?}");
            }
            print_stats(&format!("{label}, latency (pool refilled)"), &mut lat);
            // Back-to-back runs: throughput when every run needs a new worker.
            let t = Instant::now();
            for _ in 0..runs {
                sb.run(&py, b"", &limits).expect("run");
            }
            let el = t.elapsed();
            println!(
                "{label}, back-to-back: {:.1} runs/s ({:.1} ms/run)",
                runs as f64 / el.as_secs_f64(),
                el.as_secs_f64() * 1000.0 / runs as f64
            );
        }
        let sb = Sandbox::new(Config {
            isolation,
            warm_workers: 0,
            ..Config::default()
        })
        .expect("sandbox");
        let t = Instant::now();
        let prog = sb
            .compile(Language::Cpp, "#include <cstdio>\nint main(){int s=0;for(int i=0;i<10;i++)s+=i;printf(\"%d\\n\",s);}\n", &limits)
            .expect("sandbox")
            .expect("compiles");
        println!(
            "{isolation:?} C++ compile: {:.0} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
        let mut lat = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let r = sb.run(&prog, b"", &limits).expect("run");
            lat.push(t.elapsed());
            assert_eq!(r.stdout, b"45\n");
        }
        print_stats(&format!("{isolation:?} C++ binary"), &mut lat);
    }
}

fn print_stats(label: &str, lat: &mut [Duration]) {
    lat.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = lat.iter().map(|d| ms(*d)).sum::<f64>() / lat.len() as f64;
    println!(
        "{label}: mean {mean:.1} ms, median {:.1} ms, p90 {:.1} ms ({:.0} runs/s sequential)",
        ms(lat[lat.len() / 2]),
        ms(lat[lat.len() * 9 / 10]),
        1000.0 / mean
    );
}
