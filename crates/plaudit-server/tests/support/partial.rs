//! A request whose body is still arriving, shared by the server's tests and `plaudit serve`'s
//! (`crates/plaudit-cli/tests/serve.rs` includes this file): the server admits it (admission
//! comes before the body is read) and it holds its slot until `finish` sends the rest.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

pub struct Partial {
    stream: TcpStream,
    rest: Vec<u8>,
}

impl Partial {
    /// Sends the head of `POST /v1/score` with `body` and the first half of the body.
    pub fn start(addr: impl ToSocketAddrs, body: &str) -> Partial {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        write!(
            stream,
            "POST /v1/score HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        let (first, rest) = body.as_bytes().split_at(body.len() / 2);
        stream.write_all(first).unwrap();
        Partial {
            stream,
            rest: rest.to_vec(),
        }
    }

    /// Sends the rest of the body; the response's status and body.
    pub fn finish(mut self) -> (u16, String) {
        self.stream.write_all(&self.rest).unwrap();
        let mut out = String::new();
        self.stream.read_to_string(&mut out).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        (
            head.split(' ').nth(1).unwrap().parse().unwrap(),
            body.to_string(),
        )
    }
}
