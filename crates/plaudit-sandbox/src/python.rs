//! The Python worker: an interpreter started inside the sandbox (already isolated, unprivileged,
//! under seccomp) that waits on descriptor 3 for exactly one job, applies the run's limits to
//! itself, and runs the program in the same process.
//!
//! Protocol on descriptor 3 (a Unix stream socket, used with plain reads and writes so that the
//! worker needs no `socket` module, whose import costs ~10 ms):
//! - worker → parent: `R` once the interpreter is up (the parent starts the run's clock only then);
//! - parent → worker: a 72-byte header, the source, then stdin (the worker puts stdin in a memfd
//!   and makes it descriptor 0: a regular, seekable file, as a judge's input redirection);
//! - worker → parent: `B` + the worker's own CPU time so far (u64 ns, little-endian), just before
//!   the program starts (the parent subtracts it: start-up is not the program's CPU time);
//! - worker → parent: `M` when the program ended on an uncaught `MemoryError`.
//!
//! The program could write to descriptor 3 itself; the only thing it could forge that way is its
//! own `memory_exceeded`, which only makes its result worse. The `B` record is written before any
//! of its code runs and only the first one is read.
//!
//! After the program, the worker shuts down the way `Py_FinalizeEx` begins (join non-daemon
//! threads, run `atexit` callbacks, drop `__main__`'s globals so that unclosed files are flushed,
//! flush stdout and stderr) and then `_exit`s with the same status the interpreter would have
//! (0, `sys.exit`'s code, 1 after an uncaught exception, 120 when flushing stdout fails),
//! skipping the teardown of every module, which costs milliseconds and is invisible to the
//! program: the sandbox is discarded anyway.

/// Header magic.
pub(crate) const MAGIC: &[u8; 8] = b"PLAUDIT2";
pub(crate) const HEADER_LEN: usize = 72;

/// The bootstrap, run with `python3 -I -S -B -c BOOTSTRAP SITE_DIR…`. `-S` skips `site` (whose
/// `.pth` files can cost a hundred milliseconds and run arbitrary code at every start-up); the
/// interpreter's site-packages directories (found on the host when the sandbox starts) are put
/// on `sys.path` directly, so installed packages stay importable.
pub(crate) const BOOTSTRAP: &str = concat!(
    include_str!("runner.py"),
    r#"
import resource, struct
sys.path.extend(sys.argv[1:])
def _plaudit_read(n):
    buf = bytearray()
    while len(buf) < n:
        chunk = os.read(3, min(1 << 20, n - len(buf)))
        if not chunk:
            os._exit(120)
        buf += chunk
    return buf
def _plaudit_run():
    os.write(3, b"R")
    head = bytes(_plaudit_read(72))
    magic, cpu_ms, mem, fsize, nofile, nproc, stack, srclen, inlen = struct.unpack("<8s8Q", head)
    if magic != b"PLAUDIT2":
        os._exit(121)
    src = bytes(_plaudit_read(srclen))
    fd = os.memfd_create("stdin", os.MFD_CLOEXEC)
    # stdin passes through one buffer, zeroed afterwards: no copy of it stays in this process's
    # memory (a program may hand its stdin to a process it forks and must not see it).
    buf = bytearray(min(1 << 20, max(inlen, 1)))
    view = memoryview(buf)
    left = inlen
    while left:
        n = os.readv(3, [view[:min(len(buf), left)]])
        if not n:
            os._exit(122)
        os.write(fd, view[:n])
        left -= n
    buf[:] = bytes(len(buf))
    del view, buf
    os.lseek(fd, 0, 0)
    os.dup2(fd, 0)
    os.close(fd)
    with open("main.py", "wb") as fh:
        fh.write(src)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    used = ru.ru_utime + ru.ru_stime
    R = resource
    cpu = int(used + cpu_ms / 1000.0) + 1
    R.setrlimit(R.RLIMIT_CPU, (cpu, cpu + 1))
    R.setrlimit(R.RLIMIT_AS, (mem, mem))
    R.setrlimit(R.RLIMIT_FSIZE, (fsize, fsize))
    R.setrlimit(R.RLIMIT_NOFILE, (nofile, nofile))
    R.setrlimit(R.RLIMIT_NPROC, (nproc, nproc))
    _soft, hard = R.getrlimit(R.RLIMIT_STACK)
    R.setrlimit(R.RLIMIT_STACK, (min(stack, hard), hard))
    os.write(3, b"B" + struct.pack("<Q", int(used * 1e9)))
    _plaudit_main(src)
_plaudit_run()
"#
);

pub(crate) struct Header {
    pub cpu_ms: u64,
    pub memory: u64,
    pub file: u64,
    pub nofile: u64,
    pub nproc: u64,
    pub stack: u64,
    pub source_len: u64,
    pub stdin_len: u64,
}

impl Header {
    pub(crate) fn encode(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[..8].copy_from_slice(MAGIC);
        let vals = [
            self.cpu_ms,
            self.memory,
            self.file,
            self.nofile,
            self.nproc,
            self.stack,
            self.source_len,
            self.stdin_len,
        ];
        for (i, v) in vals.iter().enumerate() {
            out[8 + 8 * i..16 + 8 * i].copy_from_slice(&v.to_le_bytes());
        }
        out
    }
}

/// What the worker reported during the run.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Replies {
    /// CPU time the worker used before the program started.
    pub baseline_ns: Option<u64>,
    pub memory_error: bool,
}

pub(crate) fn parse_replies(mut b: &[u8]) -> Replies {
    let mut r = Replies::default();
    while let Some((&tag, rest)) = b.split_first() {
        match tag {
            b'B' if rest.len() >= 8 && r.baseline_ns.is_none() => {
                let mut n = [0u8; 8];
                n.copy_from_slice(&rest[..8]);
                r.baseline_ns = Some(u64::from_le_bytes(n));
                b = &rest[8..];
            }
            b'M' if r.baseline_ns.is_some() => {
                r.memory_error = true;
                b = rest;
            }
            _ => b = rest,
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_parse_baseline_then_memory() {
        let mut b = vec![b'B'];
        b.extend(1234u64.to_le_bytes());
        b.push(b'M');
        assert_eq!(
            parse_replies(&b),
            Replies {
                baseline_ns: Some(1234),
                memory_error: true
            }
        );
        // An M before the baseline (impossible from the bootstrap) is ignored.
        assert!(!parse_replies(b"M").memory_error);
    }

    #[test]
    fn header_layout() {
        let h = Header {
            cpu_ms: 1,
            memory: 2,
            file: 3,
            nofile: 4,
            nproc: 5,
            stack: 6,
            source_len: 7,
            stdin_len: 8,
        }
        .encode();
        assert_eq!(&h[..8], MAGIC);
        assert_eq!(h[8], 1);
        assert_eq!(h[56], 7);
        assert_eq!(h[64], 8);
    }
}
