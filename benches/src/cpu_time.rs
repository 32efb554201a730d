//! CPU time from `/proc`, for the examples that profile loads on a shared machine (where wall time
//! overstates the work). Included by `#[path]` from `examples/hotlist_mem.rs` and
//! `examples/load_profile.rs`.

/// User + system CPU time, seconds, of the `/proc` stat file at `path` (100 Hz ticks).
fn stat_seconds(path: &str) -> f64 {
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the command name.
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU time of this thread (user + system), seconds.
pub(crate) fn thread_seconds() -> f64 {
    stat_seconds("/proc/thread-self/stat")
}

/// CPU time of the whole process (user + system, all threads), seconds.
pub(crate) fn process_seconds() -> f64 {
    stat_seconds("/proc/self/stat")
}
