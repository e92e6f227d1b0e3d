//! A machine without user namespaces (simulated): full isolation fails with a clear error and
//! never runs anything; weak isolation, opted into explicitly, still works.
//! (Its own test binary: the simulation is a process-wide environment variable.)
use plaudit_sandbox::{Config, Exit, Isolation, Limits, Program, Sandbox, SIMULATE_NO_USERNS_ENV};
use std::sync::Arc;
use std::time::Duration;

#[test]
fn full_isolation_fails_clearly_and_weak_is_an_explicit_opt_in() {
    std::env::set_var(SIMULATE_NO_USERNS_ENV, "1");
    let err = Sandbox::new(Config::default()).err().expect("must fail");
    assert_eq!(
        err.0,
        "full isolation is unavailable: user namespaces are disabled (clone with CLONE_NEWUSER \
         failed: EPERM: Operation not permitted); enable them (sysctl user.max_user_namespaces > 0, \
         kernel.unprivileged_userns_clone = 1 where it exists, or allow clone/unshare in the \
         container's seccomp or AppArmor profile), or opt in to Isolation::Weak explicitly"
    );
    // The shared sandbox keeps the error: every run fails the same way.
    let e1 = Sandbox::shared(Isolation::Full).err().unwrap();
    let e2 = Sandbox::shared(Isolation::Full).err().unwrap();
    assert_eq!(e1, err);
    assert_eq!(e2, err);

    let weak = Sandbox::shared(Isolation::Weak).expect("weak isolation needs no namespaces");
    let r = weak
        .run(
            &Program::Python {
                source: Arc::from("print(input()[::-1])"),
            },
            b"abc\n",
            &Limits {
                wall: Duration::from_secs(2),
                ..Limits::default()
            },
        )
        .unwrap();
    assert_eq!(
        (r.exit, r.stdout.as_slice()),
        (Exit::Code(0), b"cba\n".as_slice())
    );
}
