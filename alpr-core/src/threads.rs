//! Work split over scoped threads (a threaded CSV load's chunks, the look-alike table's buckets).

/// `f(0)`, …, `f(n - 1)` in order: `f(0)` on the calling thread, each other part on a scoped
/// thread of its own, or on the calling thread when the system gives no thread. A part's panic
/// is resumed on the caller. `f(0)` runs even when `n` is 0.
pub(crate) fn map_parts<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    #[cfg(test)]
    PARTS_SPLIT.with(|c| c.set(c.get() + u64::from(n > 1)));
    let f = &f;
    std::thread::scope(|s| {
        let spawned: Vec<_> = (1..n)
            .map(|i| (i, std::thread::Builder::new().spawn_scoped(s, move || f(i)).ok()))
            .collect();
        let mut out = Vec::with_capacity(n.max(1));
        out.push(f(0));
        for (i, handle) in spawned {
            out.push(match handle {
                Some(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                // No thread to be had: this part on the calling thread.
                None => f(i),
            });
        }
        out
    })
}

#[cfg(test)]
thread_local! {
    /// Test-only: the [`map_parts`] calls made from this thread with more than one part, so that
    /// a test can tell that work it asked to split was split.
    static PARTS_SPLIT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Test-only: the number of [`map_parts`] calls with more than one part made from this thread.
#[cfg(test)]
pub(crate) fn splits_on_this_thread() -> u64 {
    PARTS_SPLIT.with(std::cell::Cell::get)
}

#[cfg(test)]
mod tests {
    #[test]
    fn parts_come_back_in_order() {
        assert_eq!(super::map_parts(5, |i| i * 10), vec![0, 10, 20, 30, 40]);
        assert_eq!(super::map_parts(1, |i| i + 7), vec![7]);
    }
}
