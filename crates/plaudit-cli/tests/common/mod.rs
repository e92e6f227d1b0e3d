//! What the tests that run `plaudit serve` as a process share: starting it on a free port (the
//! address read from the first line it prints, an event, not a time), plain HTTP/1.1 requests,
//! and a directory per test process.
#![allow(dead_code)] // each test binary uses its own part of this module

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::Duration;

/// `std::env::temp_dir()/plaudit-<prefix>-<pid>`, created if missing.
pub fn temp_dir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("plaudit-{prefix}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `plaudit serve --addr 127.0.0.1:0`, its other arguments still to add.
pub fn serve_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plaudit"));
    cmd.args(["serve", "--addr", "127.0.0.1:0"]);
    cmd
}

/// Starts `cmd` (a `plaudit serve`) with its stderr piped and returns once the server has
/// printed the address it listens on: the child, the rest of its stderr, the address.
pub fn start_serve(mut cmd: Command) -> (Child, BufReader<ChildStderr>, String) {
    let mut child = cmd.stderr(Stdio::piped()).spawn().unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .split(' ')
        .next()
        .unwrap()
        .trim()
        .to_string();
    (child, err, addr)
}

/// Reads the rest of a server's stderr on a thread of its own (so the server never blocks on a
/// full pipe); the thread returns it when the server closes it.
pub fn drain(mut err: BufReader<ChildStderr>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = err.read_to_string(&mut rest);
        rest
    })
}

/// One HTTP/1.1 request with `Connection: close`, read for at most `timeout`: the status and
/// the body.
pub fn http_with(
    addr: &str,
    method: &str,
    path: &str,
    body: &str,
    timeout: Duration,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(timeout)).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap();
    (
        head.split(' ').nth(1).unwrap().parse().unwrap(),
        body.to_string(),
    )
}

/// [`http_with`], read for at most 60 s.
pub fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    http_with(addr, method, path, body, Duration::from_secs(60))
}
