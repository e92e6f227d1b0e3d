//! The judges' own I/O runtime: a small process-wide tokio runtime on which every call runs,
//! whoever awaits it. The engine awaits model-backed rewards from rayon threads (the CLI, the
//! Python package: a plain `block_on`, no tokio), or from the server's runtime; a call's
//! connections, timers and cache lookups need a tokio context and must outlive any one caller's
//! runtime, so they live here. Awaiting a call holds no thread of the caller's pool.
//!
//! Trainers fork worker processes; a runtime's threads do not survive `fork`, so a child process
//! builds a runtime of its own on first use (the parent's is left alone, never dropped there).

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::runtime::{Builder, Runtime};

/// Threads of the I/O runtime: calls mostly wait, so two are plenty for thousands in flight.
const THREADS: usize = 2;

/// The runtime of this process (built on first use, again after a `fork`).
pub fn io_runtime() -> Arc<Runtime> {
    static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|e| e.into_inner());
    match &*slot {
        Some((p, rt)) if *p == pid => rt.clone(),
        _ => {
            // A parent's runtime, if any, is forgotten: its threads are not in this process.
            if let Some(old) = slot.take() {
                std::mem::forget(old);
            }
            let rt = Arc::new(
                Builder::new_multi_thread()
                    .worker_threads(THREADS)
                    .thread_name("plaudit-judge-io")
                    .enable_all()
                    .build()
                    .expect("the judges' I/O runtime can be built"),
            );
            *slot = Some((pid, rt.clone()));
            rt
        }
    }
}

/// Run `fut` on the I/O runtime and await its output from any executor (or none: a plain
/// `block_on`). A panic in `fut` is resumed in the awaiting task.
pub async fn on_io_runtime<T: Send + 'static>(fut: impl Future<Output = T> + Send + 'static) -> T {
    let handle = io_runtime().spawn(fut);
    match handle.await {
        Ok(v) => v,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("a judge call was cancelled: {e}"),
    }
}
