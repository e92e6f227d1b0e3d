//! Connections: the accept loop, its cap, read timeouts, and a shutdown that closes idle
//! connections at once.
//!
//! - At most [`connection_cap`] connections are open at once: the configured number, lowered to
//!   fit under the process's descriptor limit (`RLIMIT_NOFILE`) with room left for scoring
//!   (sandboxed runs, database files, the state store). Past the cap the server stops accepting
//!   until a connection closes; the waiting ones stay in the kernel's backlog.
//! - A connection that has not sent a complete request head within `header_timeout` is closed.
//!   The clock also runs on a kept-alive connection between requests, so an idle connection is
//!   closed after the same time.
//! - The body's timeout is the handler's (see `body_timeout` in [`crate::Config`]); a client
//!   that stops reading its response for `write_timeout` loses the connection (a write that
//!   makes no progress for that long fails), so unread responses cannot hold connection slots.
//! - On shutdown the listener is closed first; every connection is then asked to close: ones
//!   that never sent a byte and idle kept-alive ones close at once, ones with a request in
//!   flight after answering it, and ones part-way through a request head within the header
//!   timeout.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};

/// Descriptors kept for everything but connections: a quarter of the limit, at least 64 and at
/// most half of it.
fn reserve(limit: usize) -> usize {
    (limit / 4).max(64).min(limit / 2)
}

/// The connection cap for a configured maximum: `configured`, lowered below the soft
/// `RLIMIT_NOFILE` minus a reserve for scoring. Returns the cap and the limit it was fitted to.
pub fn connection_cap(configured: usize) -> (usize, Option<u64>) {
    match rlimit::getrlimit(rlimit::Resource::NOFILE) {
        Ok((soft, _)) => {
            let limit = soft.min(1 << 20) as usize;
            let cap = configured.min(limit.saturating_sub(reserve(limit))).max(1);
            (cap, Some(soft))
        }
        Err(_) => (configured.max(1), None),
    }
}

/// Serve `router` on `listener` until `shutdown` resolves (see the module's documentation).
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    max_connections: usize,
    header_timeout: Duration,
    write_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (cap, limit) = connection_cap(max_connections);
    tracing::info!(
        max_connections = cap,
        descriptor_limit = limit
            .map(|l| l.to_string())
            .unwrap_or_else(|| "unknown".into()),
        header_timeout_ms = header_timeout.as_millis() as u64,
        "accepting connections"
    );
    let slots = Arc::new(Semaphore::new(cap));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            _ = &mut shutdown => break,
            p = slots.clone().acquire_owned() => p.expect("the semaphore is never closed"),
        };
        let stream = tokio::select! {
            _ = &mut shutdown => break,
            r = listener.accept() => match r {
                Ok((s, _)) => s,
                Err(e) => {
                    // Out of descriptors (another part of the process used them) or a connection
                    // reset before it was accepted: say so, and give the process a moment.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(true);
            let io = WriteDeadline::new(stream, write_timeout);
            let spoke = io.spoke.clone();
            let conn = builder.serve_connection(TokioIo::new(io), service);
            tokio::pin!(conn);
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!(error = %e, "connection ended");
                    }
                }
                _ = async { let _ = stop.wait_for(|s| *s).await; } => {
                    // A connection that never sent a byte has nothing to answer: dropped.
                    if spoke.load(Ordering::Relaxed) {
                        conn.as_mut().graceful_shutdown();
                        let _ = conn.await;
                    }
                }
            }
        });
    }
    // Stop accepting, then close every connection (idle ones at once).
    drop(listener);
    let _ = stop_tx.send(true);
    let _ = slots.acquire_many(cap as u32).await;
    Ok(())
}

/// A stream whose writes fail once they have made no progress for `limit` (the peer stopped
/// reading and the socket's buffers are full).
struct WriteDeadline {
    stream: TcpStream,
    limit: Duration,
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
    /// Whether the client has sent anything yet.
    spoke: Arc<AtomicBool>,
}

impl WriteDeadline {
    fn new(stream: TcpStream, limit: Duration) -> Self {
        WriteDeadline {
            stream,
            limit,
            stalled: None,
            spoke: Arc::new(AtomicBool::new(false)),
        }
    }

    /// After a write poll: progress disarms the clock, `Pending` arms it (once) and fails the
    /// write when it has run out.
    fn check<T>(&mut self, cx: &mut Context<'_>, r: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if r.is_ready() {
            self.stalled = None;
            return r;
        }
        let limit = self.limit;
        let sleep = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the client read nothing for {} ms", limit.as_millis()),
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for WriteDeadline {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.spoke.store(true, Ordering::Relaxed);
        }
        r
    }
}

impl AsyncWrite for WriteDeadline {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.check(cx, r)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.check(cx, r)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let r = Pin::new(&mut self.stream).poll_flush(cx);
        self.check(cx, r)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let r = Pin::new(&mut self.stream).poll_shutdown(cx);
        self.check(cx, r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_stays_below_the_descriptor_limit() {
        assert_eq!(reserve(64), 32);
        assert_eq!(reserve(1024), 256);
        assert_eq!(reserve(200), 64);
        let (cap, limit) = connection_cap(usize::MAX);
        let limit = limit
            .expect("RLIMIT_NOFILE is readable on Linux")
            .min(1 << 20) as usize;
        assert_eq!(cap, limit - reserve(limit));
        assert_eq!(connection_cap(3).0, 3.min(cap));
    }
}
