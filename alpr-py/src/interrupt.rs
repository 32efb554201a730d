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
