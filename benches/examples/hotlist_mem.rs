//! Peak and final heap of loading the benchmark files: `cargo run --release -p alpr-benches
//! --example hotlist_mem`. A counting allocator tracks live bytes; the input file is allocated
//! before the baseline, so the figures are the load's own. `ALPR_THREADS=2` loads with
//! `LoadOptions::with_threads(2)` (a CSV file then uses up to two threads; the CPU figure is
//! then the process's, all threads).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[path = "../src/hotlist_data.rs"]
mod data;

#[path = "../src/cpu_time.rs"]
mod cpu_time;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: delegates to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(p, l) }
    }
    // The system's realloc, as without this allocator: a large block grows in place (mremap),
    // not by a copy with old and new live at once, which the default alloc + copy + free would
    // both do and count.
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        if new_size >= l.size() {
            let live = LIVE.fetch_add(new_size - l.size(), Ordering::Relaxed) + (new_size - l.size());
            PEAK.fetch_max(live, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(l.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(p, l, new_size) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn main() {
    let threads: usize = std::env::var("ALPR_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(1);
    let cpu_seconds = if threads > 1 {
        cpu_time::process_seconds
    } else {
        cpu_time::thread_seconds
    };
    let policy = alpr_core::Policy::sacramento();
    let n = 1_000_000;
    for (name, format, bytes) in [
        ("csv", alpr_core::hotlist::Format::Csv, data::csv(n)),
        ("clew", alpr_core::hotlist::Format::CaDojClew, data::clew(n)),
    ] {
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let t = Instant::now();
        let cpu = cpu_seconds();
        let (v, r) = alpr_core::hotlist::load_bytes_with(
            format,
            &bytes,
            data::meta(),
            Some(alpr_core::vocab::Category::StolenVehicle),
            &policy,
            alpr_core::hotlist::LoadOptions::with_threads(threads),
        )
        .expect("loads");
        let secs = t.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu;
        let fin = LIVE.load(Ordering::Relaxed) - base;
        let peak = PEAK.load(Ordering::Relaxed) - base;
        println!(
            "{name}: {} entries, input {:.1} MB, wall {secs:.3} s, cpu {cpu:.2} s, final structure {:.1} MB, peak {:.1} MB ({:.2}x)",
            r.accepted,
            bytes.len() as f64 / 1e6,
            fin as f64 / 1e6,
            peak as f64 / 1e6,
            peak as f64 / fin as f64
        );
        // The matcher's index is part of a version; time a rebuild of it alone, so the figure
        // above can be split into parse + validate and index.
        let t = Instant::now();
        let index = alpr_core::index::Index::build(
            v.entries().iter().map(|e| &e.key),
            alpr_core::index::IndexParams::of(&policy),
        );
        println!(
            "{name}: of which the matcher's index build about {:.3} s (index heap {:.1} MB)",
            t.elapsed().as_secs_f64(),
            index.heap_bytes() as f64 / 1e6
        );
        drop(index);
        drop(v);
    }
}
