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
/// (when it rose: a count taken back, as a load's chunks are when the file is read again on one
/// thread, is not reported until it passes what was).
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
                    if progress.is_on() && now > reported {
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

/// Runs one core call that changes state which outlives it (an audited load: its record is
/// written and its version put in force inside the call) and so must run to its end: on a scoped
/// worker thread while the calling thread, without the GIL, reports `progress` every 100 ms from
/// the count the worker keeps in `done`. Ctrl-C is not checked meanwhile: the signal stays
/// pending and Python raises it once the call has returned, after what it did is on the record.
/// With progress off, or when no thread can be had, `f` runs on the calling thread without the
/// GIL.
///
/// # Errors
/// An exception of the progress callable, raised once `f` has finished (its result is dropped,
/// what it did stands).
pub(crate) fn to_the_end_counting<T: Send>(
    py: Python<'_>,
    progress: &Progress,
    done: &std::sync::atomic::AtomicUsize,
    f: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    if !progress.is_on() {
        return Ok(py.detach(f));
    }
    // `f` taken by whichever thread runs it: the worker, or the caller when no worker starts.
    let work = std::sync::Mutex::new(Some(f));
    let take = || work.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new()
            .name("alpr-worker".to_owned())
            .spawn_scoped(s, || take().map(|f| f()));
        let Ok(worker) = worker else {
            let f = take().ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("the work was lost"))?;
            return Ok(py.detach(f));
        };
        let mut reported = 0;
        let mut failed = None;
        while !worker.is_finished() {
            py.detach(|| {
                let until = std::time::Instant::now() + POLL;
                while !worker.is_finished() && std::time::Instant::now() < until {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            });
            let now = done.load(std::sync::atomic::Ordering::Relaxed);
            if failed.is_none() && now > reported {
                reported = now;
                failed = progress.update(py, now).err();
            }
        }
        let out = py
            .detach(|| worker.join())
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
            .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("the work was lost"))?;
        failed.map_or(Ok(out), Err)
    })
}
