//! The seccomp filters every program runs under (compiled once per sandbox, with seccompiler).
//!
//! A deny list, not an allow list: Python and g++ use a wide and version-dependent set of system
//! calls, and an allow list that misses one turns a correct solution into a crash. What is denied
//! is what untrusted test code never needs and what widens the kernel's attack surface or could
//! undo the other layers. Denied calls fail with `EPERM` (a program that probes for a feature gets
//! an error it can handle, not a kill); `clone3` fails with `ENOSYS` so that libc falls back to
//! `clone`, whose flags the filter can inspect (no new namespaces).
use seccompiler::{
    sock_filter, BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition,
    SeccompFilter, SeccompRule, TargetArch,
};
use std::collections::BTreeMap;

#[cfg(target_arch = "x86_64")]
const ARCH: TargetArch = TargetArch::x86_64;
#[cfg(target_arch = "aarch64")]
const ARCH: TargetArch = TargetArch::aarch64;
#[cfg(target_arch = "riscv64")]
const ARCH: TargetArch = TargetArch::riscv64;

/// System calls that fail with EPERM inside the sandbox.
fn denied() -> Vec<(&'static str, i64)> {
    use libc::*;
    let mut v: Vec<(&'static str, i64)> = vec![
        ("ptrace", SYS_ptrace),
        ("process_vm_readv", SYS_process_vm_readv),
        ("process_vm_writev", SYS_process_vm_writev),
        ("kcmp", SYS_kcmp),
        ("pidfd_getfd", SYS_pidfd_getfd),
        ("mount", SYS_mount),
        ("umount2", SYS_umount2),
        ("pivot_root", SYS_pivot_root),
        ("chroot", SYS_chroot),
        ("move_mount", SYS_move_mount),
        ("open_tree", SYS_open_tree),
        ("fsopen", SYS_fsopen),
        ("fsconfig", SYS_fsconfig),
        ("fsmount", SYS_fsmount),
        ("fspick", SYS_fspick),
        ("mount_setattr", SYS_mount_setattr),
        ("unshare", SYS_unshare),
        ("setns", SYS_setns),
        ("bpf", SYS_bpf),
        ("perf_event_open", SYS_perf_event_open),
        ("userfaultfd", SYS_userfaultfd),
        ("kexec_load", SYS_kexec_load),
        ("kexec_file_load", SYS_kexec_file_load),
        ("init_module", SYS_init_module),
        ("finit_module", SYS_finit_module),
        ("delete_module", SYS_delete_module),
        ("reboot", SYS_reboot),
        ("swapon", SYS_swapon),
        ("swapoff", SYS_swapoff),
        ("keyctl", SYS_keyctl),
        ("add_key", SYS_add_key),
        ("request_key", SYS_request_key),
        ("open_by_handle_at", SYS_open_by_handle_at),
        ("name_to_handle_at", SYS_name_to_handle_at),
        ("acct", SYS_acct),
        ("quotactl", SYS_quotactl),
        ("syslog", SYS_syslog),
        ("sethostname", SYS_sethostname),
        ("setdomainname", SYS_setdomainname),
        ("settimeofday", SYS_settimeofday),
        ("clock_settime", SYS_clock_settime),
        ("clock_adjtime", SYS_clock_adjtime),
        ("adjtimex", SYS_adjtimex),
        ("vhangup", SYS_vhangup),
        ("fanotify_init", SYS_fanotify_init),
        ("io_uring_setup", SYS_io_uring_setup),
        ("io_uring_enter", SYS_io_uring_enter),
        ("io_uring_register", SYS_io_uring_register),
        ("lookup_dcookie", SYS_lookup_dcookie),
    ];
    #[cfg(target_arch = "x86_64")]
    v.extend([
        ("iopl", SYS_iopl),
        ("ioperm", SYS_ioperm),
        ("uselib", SYS_uselib),
        ("modify_ldt", SYS_modify_ldt),
    ]);
    v
}

/// What the filters deny, for the docs and tests.
#[cfg(test)]
pub(crate) fn denied_names() -> Vec<&'static str> {
    denied().into_iter().map(|(n, _)| n).collect()
}

const NS_FLAGS: [u64; 8] = [
    libc::CLONE_NEWNS as u64,
    libc::CLONE_NEWUSER as u64,
    libc::CLONE_NEWPID as u64,
    libc::CLONE_NEWNET as u64,
    libc::CLONE_NEWIPC as u64,
    libc::CLONE_NEWUTS as u64,
    libc::CLONE_NEWCGROUP as u64,
    0x80, // CLONE_NEWTIME
];

/// The compiled filters, applied in order (the kernel runs all of them; the strictest verdict wins).
pub(crate) struct Filters {
    pub programs: Vec<BpfProgram>,
}

/// `weak`: also deny setsid/setpgid, so that every descendant stays in the process group the
/// parent kills at the end of the run (there is no PID namespace to do it).
pub(crate) fn build(weak: bool) -> Result<Filters, String> {
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    for (_, nr) in denied() {
        rules.insert(nr, vec![]);
    }
    if weak {
        rules.insert(libc::SYS_setsid, vec![]);
        rules.insert(libc::SYS_setpgid, vec![]);
    }
    // clone with any namespace flag.
    let mut clone_rules = Vec::new();
    for flag in NS_FLAGS {
        let cond = SeccompCondition::new(
            0,
            SeccompCmpArgLen::Qword,
            SeccompCmpOp::MaskedEq(flag),
            flag,
        )
        .map_err(|e| e.to_string())?;
        clone_rules.push(SeccompRule::new(vec![cond]).map_err(|e| e.to_string())?);
    }
    rules.insert(libc::SYS_clone, clone_rules);
    let eperm = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EPERM as u32),
        ARCH,
    )
    .map_err(|e| e.to_string())?;
    let mut main: BpfProgram = eperm
        .try_into()
        .map_err(|e: seccompiler::BackendError| e.to_string())?;
    // On x86_64 the x32 ABI reaches the same system calls with bit 30 set in the number: a deny
    // list keyed on numbers must refuse all of them (seccompiler checks the architecture only).
    #[cfg(target_arch = "x86_64")]
    {
        let guard = [
            // A = seccomp_data.nr
            sock_filter {
                code: 0x20,
                jt: 0,
                jf: 0,
                k: 0,
            },
            // if A >= 0x40000000 goto deny else goto next
            sock_filter {
                code: 0x35,
                jt: 0,
                jf: 1,
                k: 0x4000_0000,
            },
            sock_filter {
                code: 0x06,
                jt: 0,
                jf: 0,
                k: 0x0005_0000 | libc::EPERM as u32,
            },
        ];
        main.splice(0..0, guard);
    }
    let mut clone3 = BTreeMap::new();
    clone3.insert(libc::SYS_clone3, vec![]);
    let enosys = SeccompFilter::new(
        clone3,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::ENOSYS as u32),
        ARCH,
    )
    .map_err(|e| e.to_string())?;
    let enosys: BpfProgram = enosys
        .try_into()
        .map_err(|e: seccompiler::BackendError| e.to_string())?;
    Ok(Filters {
        programs: vec![main, enosys],
    })
}
