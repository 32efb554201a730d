//! Long calls in chunks: each chunk runs without the GIL; between chunks the GIL is taken back
//! to honour Ctrl-C (`check_signals`: `KeyboardInterrupt` is raised and the work so far is
//! dropped) and to report progress. A chunk is sized to take well under a second.

use std::ops::Range;

use pyo3::prelude::*;

use crate::progress::Progress;

/// Runs `step` over `0..n` in chunks of `chunk` items, without the GIL. `step` returns
/// `Ok(false)` to stop early (the rest is skipped), or the core error that ends the call.
///
/// # Errors
/// `KeyboardInterrupt` (or another signal handler's exception) between chunks, an exception of
/// the progress callable, or `step`'s error as its Python exception.
pub(crate) fn chunked(
    py: Python<'_>,
    n: usize,
    chunk: usize,
    progress: &Progress,
    mut step: impl FnMut(Range<usize>) -> alpr_core::Result<bool> + Send,
) -> PyResult<()> {
    let chunk = chunk.max(1);
    let mut start: usize = 0;
    loop {
        let end = n.min(start.saturating_add(chunk));
        let go_on = py
            .detach(|| step(start..end))
            .map_err(|e| crate::errors::to_py(py, &e))?;
        py.check_signals()?;
        if progress.is_on() {
            progress.update(py, end)?;
        }
        if !go_on || end >= n {
            return Ok(());
        }
        start = end;
    }
}

/// How often a caller waiting in [`watch`] checks for Ctrl-C.
const POLL: std::time::Duration = std::time::Duration::from_millis(100);

/// Runs one core call that cannot be split into chunks (a list's validation, a retro-hit run, an
/// index build) on a worker thread, while the calling thread waits without the GIL and checks
/// for Ctrl-C every 100 ms. On `KeyboardInterrupt` the call returns at once; the worker finishes
/// in the background and its result is dropped, so `f` must change nothing that outlives it
/// (a load validates there and is put in force by the caller only after it returns). A signal
/// that arrived while the work ran wins over its result, even when the result came first: an
/// interrupted load is never put in force.
///
/// # Errors
/// `KeyboardInterrupt` (or another signal handler's exception); a `RuntimeError` when the worker
/// thread cannot start or ends without a result.
pub(crate) fn watch<T: Send + 'static>(py: Python<'_>, f: impl FnOnce() -> T + Send + 'static) -> PyResult<T> {
    watch_counting(py, None, f)
}

/// As [`watch`], reporting `progress` every 100 ms with the count the worker keeps in `done`
/// (when it changed).
///
/// # Errors
/// As [`watch`], and an exception of the progress callable (the worker's result is dropped).
pub(crate) fn watch_counting<T: Send + 'static>(
    py: Python<'_>,
    progress: Option<(&Progress, &std::sync::atomic::AtomicUsize)>,
    f: impl FnOnce() -> T + Send + 'static,
) -> PyResult<T> {
    use std::sync::mpsc::{RecvTimeoutError, channel};
    let mut reported = 0;
    let (tx, rx) = channel();
    std::thread::Builder::new()
        .name("alpr-worker".to_owned())
        .spawn(move || {
            // The receiver is gone after an interrupt: the result is dropped.
            let _ = tx.send(f());
        })
        .map_err(|e| {
            pyo3::exceptions::PyRuntimeError::new_err(format!("cannot start a worker thread: {}", e.kind()))
        })?;
    let mut rx = rx;
    loop {
        // The receiver is `Send`, not `Sync`: moved into the wait and back.
        let (got, back) = py.detach(move || (rx.recv_timeout(POLL), rx));
        rx = back;
        match got {
            Ok(v) => {
                py.check_signals()?;
                return Ok(v);
            }
            Err(RecvTimeoutError::Timeout) => {
                py.check_signals()?;
                if let Some((progress, done)) = progress {
                    let now = done.load(std::sync::atomic::Ordering::Relaxed);
                    if progress.is_on() && now != reported {
                        progress.update(py, now)?;
                        reported = now;
                    }
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(pyo3::exceptions::PyRuntimeError::new_err(
                    "the worker thread ended without a result",
                ));
            }
        }
    }
}
