//! Writing to standard output when the reader may stop early (`plaudit list | head -1`).
//!
//! A closed pipe means the reader has what it wanted: the command ends there, quietly, with exit
//! code 0, as Unix tools do. (Rust ignores SIGPIPE, so the write fails with `BrokenPipe`
//! instead of the process being killed; `println!` would panic on it.)

use std::io::{self, Write};

/// Ends the process with exit code 0 when `e` is a closed pipe; otherwise gives `e` back.
pub fn exit_on_broken_pipe(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    e
}

/// Runs `write` on locked, buffered standard output and flushes it; a closed pipe ends the
/// process quietly (exit 0), any other error is returned as `cannot write output: …`.
pub fn to_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), String> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(exit_on_broken_pipe)
        .map_err(|e| format!("cannot write output: {e}"))
}
