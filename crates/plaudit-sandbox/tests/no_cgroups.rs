//! Without a usable cgroup (simulated with PLAUDIT_SANDBOX_NO_CGROUPS=1) the sandbox still runs,
//! bounds memory per process only, and says so in every report.
use plaudit_sandbox::{Config, Limits, MemoryScope, Program, Sandbox, NO_CGROUPS_ENV};
use std::sync::Arc;

#[test]
fn the_rlimit_fallback_is_said_in_the_result() {
    // This test binary holds only this test: the variable is read when the sandbox is made.
    std::env::set_var(NO_CGROUPS_ENV, "1");
    let sb = Sandbox::new(Config {
        warm_workers: 0,
        ..Config::default()
    })
    .expect("full isolation");
    assert_eq!(sb.memory_scope(), MemoryScope::PerProcess);
    assert_eq!(sb.cgroup_unavailable(), "PLAUDIT_SANDBOX_NO_CGROUPS=1");
    assert_eq!(MemoryScope::PerProcess.name(), "per process (rlimit)");
    let r = sb
        .run(
            &Program::Python {
                source: Arc::from("print(1)"),
            },
            b"",
            &Limits::default(),
        )
        .unwrap();
    assert_eq!(
        (r.stdout.as_slice(), r.memory_scope),
        (b"1\n".as_slice(), MemoryScope::PerProcess)
    );
}
