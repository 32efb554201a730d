//! Arbitrary sequences of registry loads and matches through the C ABI: loads of arbitrary bytes
//! in every format (and out-of-range formats and kinds) under a few list ids, JSON loads, single
//! and batch matches of arbitrary reads with arbitrary output capacities, list counts. No call
//! may return `ALPR_STATUS_PANIC` or crash; a match that reports `n` hits with enough room
//! copies them, and asking again with exactly `n` slots succeeds.

use alpr::*;
use arbitrary::{Arbitrary, Unstructured};
use std::ptr;

#[derive(Arbitrary, Debug)]
struct ReadIn {
    plate: Vec<u8>,
    jurisdiction: [u8; 2],
    plate_type: [u8; 2],
    origin: u8,
    observed_at_ms: i64,
    device: Vec<u8>,
    lat: f64,
    lon: f64,
    confidence: f32,
}

#[derive(Arbitrary, Debug)]
enum Op {
    LoadBytes {
        format: u8,
        id: u8,
        kind: u8,
        priority: u8,
        loaded_at_ms: i64,
        category: Vec<u8>,
        bytes: Vec<u8>,
    },
    LoadJson(Vec<u8>),
    Match(ReadIn, i64, u8),
    MatchBatch(Vec<ReadIn>, i64, u8, bool),
    Count,
}

const IDS: &[&[u8]] = &[b"SVS", b"NCIC", b"HOT", b""];

fn ok(s: alpr_status) {
    assert_ne!(s, alpr_status::Panic, "a panic reached the C ABI");
}

fn c_read(r: &ReadIn) -> alpr_read {
    alpr_read {
        plate: r.plate.as_ptr(),
        plate_len: r.plate.len(),
        jurisdiction: r.jurisdiction,
        plate_type: r.plate_type,
        origin: u32::from(r.origin % 4),
        observed_at_ms: r.observed_at_ms,
        device_id: r.device.as_ptr(),
        device_id_len: r.device.len(),
        lat: r.lat,
        lon: r.lon,
        confidence: r.confidence,
    }
}

pub(crate) fn run(data: &[u8]) {
    let Ok(ops) = Vec::<Op>::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let mut registry = ptr::null();
    // SAFETY: NULL asks for the built-in policy; `registry` is a local.
    ok(unsafe { alpr_registry_new(ptr::null(), &raw mut registry) });
    for op in ops.into_iter().take(16) {
        match op {
            Op::LoadBytes {
                format,
                id,
                kind,
                priority,
                loaded_at_ms,
                category,
                bytes,
            } => {
                let id = IDS[usize::from(id) % IDS.len()];
                let mut report = ptr::null_mut();
                // SAFETY: `registry` is live; every (pointer, length) pair is a live buffer;
                // `report` is a local.
                let mut o = alpr_load_options_init();
                o.format = u32::from(format % 4);
                o.id = id.as_ptr();
                o.id_len = id.len();
                o.kind = u32::from(kind % 5);
                o.priority = u32::from(priority);
                o.loaded_at_ms = loaded_at_ms;
                o.category = category.as_ptr();
                o.category_len = category.len();
                let s = unsafe {
                    alpr_registry_load_bytes(registry, &raw const o, bytes.as_ptr(), bytes.len(), &raw mut report)
                };
                ok(s);
                if s == alpr_status::Ok {
                    // SAFETY: the report was created by the load and is not used again.
                    unsafe { alpr_load_report_free(report) };
                }
            }
            Op::LoadJson(text) => {
                // SAFETY: `registry` is live; `text` is valid for its length; no report asked.
                ok(unsafe { alpr_registry_load_json(registry, text.as_ptr(), text.len(), ptr::null_mut()) });
            }
            Op::Match(r, now_ms, cap) => {
                let read = c_read(&r);
                let mut hits: Vec<alpr_hit> = Vec::with_capacity(usize::from(cap % 8));
                let mut n = 0usize;
                // SAFETY: `registry` is live, `read` borrows live buffers; `hits` has room for
                // its capacity (the callee writes only on success, within `hits_cap`).
                let s = unsafe {
                    alpr_registry_match(
                        registry,
                        &raw const read,
                        now_ms,
                        hits.as_mut_ptr(),
                        hits.capacity(),
                        &raw mut n,
                    )
                };
                ok(s);
                if s == alpr_status::InsufficientSize {
                    assert!(n > hits.capacity(), "too small means more hits than room");
                    let mut again: Vec<alpr_hit> = Vec::with_capacity(n);
                    let mut m = 0usize;
                    // SAFETY: as above, with exactly `n` slots.
                    let s2 = unsafe {
                        alpr_registry_match(registry, &raw const read, now_ms, again.as_mut_ptr(), n, &raw mut m)
                    };
                    assert_eq!(s2, alpr_status::Ok, "room for the reported hits suffices");
                    assert_eq!(m, n);
                } else if s == alpr_status::Ok {
                    assert!(n <= hits.capacity());
                }
            }
            Op::MatchBatch(rs, now_ms, cap, with_statuses) => {
                let reads: Vec<alpr_read> = rs.iter().take(8).map(c_read).collect();
                let mut hits: Vec<alpr_hit> = Vec::with_capacity(usize::from(cap % 16));
                let mut statuses = vec![0u32; reads.len()];
                let mut n = 0usize;
                let statuses_ptr = if with_statuses {
                    statuses.as_mut_ptr()
                } else {
                    ptr::null_mut()
                };
                // SAFETY: `reads` borrow live buffers; `hits` has room for its capacity;
                // `statuses` holds one slot per read.
                ok(unsafe {
                    alpr_registry_match_batch(
                        registry,
                        reads.as_ptr(),
                        reads.len(),
                        now_ms,
                        hits.as_mut_ptr(),
                        hits.capacity(),
                        &raw mut n,
                        statuses_ptr,
                    )
                });
            }
            Op::Count => {
                let mut n = 0usize;
                // SAFETY: `registry` is live; `n` is a local.
                ok(unsafe { alpr_registry_list_count(registry, &raw mut n) });
                assert!(n <= IDS.len() + 16);
            }
        }
    }
    // SAFETY: `registry` is live and not used again.
    unsafe { alpr_registry_free(registry) };
}
