//! The real server on a loopback port, for the server's tests: started on its own runtime
//! thread, stopped when dropped; and one HTTP/1.1 request at a time to it.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use plaudit_core::{Engine, Registry, Spec};
use plaudit_server::{AppState, Config};

pub struct Server {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The server with `spec` (YAML or JSON text; `None`: the catalogue's default spec).
pub fn start(spec_text: Option<&str>, config: Config) -> Server {
    let registry = plaudit_rewards::registry();
    let spec = match spec_text {
        Some(y) => Spec::from_text(y, &registry).unwrap(),
        None => plaudit_rewards::default_spec(&registry),
    };
    start_with(spec, registry, config)
}

/// The server with a compiled spec.
pub fn start_with(spec: Spec, registry: Registry, config: Config) -> Server {
    let state = AppState::new(Engine::new(spec), registry, config).unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            plaudit_server::serve(listener, state, async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
    });
    Server {
        addr: addr_rx.recv().unwrap(),
        stop: Some(tx),
        thread: Some(thread),
    }
}

/// One HTTP/1.1 request; returns (status, headers, body).
pub fn request(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let code: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    (code, head.to_string(), body.to_string())
}
