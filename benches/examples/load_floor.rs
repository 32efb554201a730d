//! The floor of a 2-column hot-list load in this design (issue 13, Session 9 in
//! `benches/README.md`): `cargo run --release -p alpr-benches --example load_floor`.
//!
//! Times, on the calling thread, the least work a validated, deduplicated, indexed load of the
//! 1M-entry `plate,category` list (`load_profile`'s `ALPR_FILE=2` file) could do with an entry
//! of `size_of::<Entry>()` bytes a plate and a look-alike table of the library's shape:
//!
//! - *memory*: writing that many entries into fresh memory (page faults included), the same into
//!   memory already faulted in, and the look-alike table's arrays (tags, slots, members);
//! - *minimal load*: split each line at its comma, pack the plate (6 bits a character, no
//!   normalization beyond `A-Z0-9`), compare the category, write the entry and its key; one
//!   sort of the keys for the duplicates; the filings (hash of the plate, id, plate) sorted and
//!   swept into 2^21 slots. No look-alike classes, no jurisdiction or expiry, no error
//!   positions: a lower bound, not an alternative.
//!
//! `ALPR_ROUNDS` rounds (default 4), each printed.

use std::time::Instant;

#[path = "../src/hotlist_data.rs"]
#[allow(dead_code)]
mod data;

/// A stand-in for `hotlist::Entry` of the same size: the plate and padding.
#[derive(Clone, Copy)]
#[repr(C)]
struct Slab<const W: usize> {
    key: u64,
    pad: [u64; W],
}

/// `Entry`'s size in 8-byte words beside the key (80 bytes: 9).
const PAD: usize = std::mem::size_of::<alpr_core::hotlist::Entry>() / 8 - 1;

type E = Slab<PAD>;

fn code(c: u8) -> u64 {
    match c {
        b'0'..=b'9' => u64::from(c - b'0' + 1),
        b'A'..=b'Z' => u64::from(c - b'A' + 11),
        _ => 0,
    }
}

fn mix(k: u64) -> u64 {
    let k = (k ^ (k >> 31)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    k ^ (k >> 29)
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// Writes `n` entries into fresh memory, then again into the same memory; the table's arrays.
fn memory(n: usize) {
    let t = Instant::now();
    let mut v: Vec<E> = Vec::with_capacity(n);
    for i in 0..n {
        v.push(E {
            key: i as u64,
            pad: [i as u64; PAD],
        });
    }
    let fresh = ms(t);
    let t = Instant::now();
    for (i, e) in v.iter_mut().enumerate() {
        *e = E {
            key: i as u64 + 1,
            pad: [i as u64; PAD],
        };
    }
    let warm = ms(t);
    let t = Instant::now();
    let bits = 21;
    let tags = vec![0u8; 1 << bits];
    let mut slots = vec![(0u64, 0u32); 1 << bits];
    for s in &mut slots {
        s.1 = 1;
    }
    let mut members: Vec<(u64, u32)> = Vec::with_capacity(n);
    for i in 0..n {
        members.push((i as u64, i as u32));
    }
    let table = ms(t);
    std::hint::black_box((&v, &tags, &slots, &members));
    let t = Instant::now();
    drop(v);
    let freed = ms(t);
    println!(
        "memory: {} MB of entries into fresh memory {fresh:.1} ms, into the same memory again {warm:.1} ms, freed {freed:.1} ms; \
         the table's arrays ({} MB) {table:.1} ms",
        (n * std::mem::size_of::<E>()) >> 20,
        ((1usize << bits) * (1 + 12) + n * 12) >> 20
    );
}

/// The minimal load of `text` (header, then `plate,category` lines).
fn minimal(text: &[u8]) {
    let t = Instant::now();
    let mut entries: Vec<E> = Vec::new();
    let mut keys: Vec<(u64, u32)> = Vec::new();
    let b = &text[text.iter().position(|&c| c == b'\n').map_or(text.len(), |i| i + 1)..];
    let mut i = 0;
    while i < b.len() {
        let comma = b[i..].iter().position(|&c| c == b',').map_or(b.len(), |c| c + i);
        let nl = b[comma..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |c| c + comma);
        let plate = b[i..comma].iter().fold(0u64, |p, &c| p << 6 | code(c));
        if b.get(comma + 1..nl) == Some(b"stolen_vehicle".as_slice()) {
            keys.push((plate, entries.len() as u32));
            entries.push(E {
                key: plate,
                pad: [0; PAD],
            });
        }
        i = nl + 1;
    }
    let parsed = ms(t);
    let t = Instant::now();
    keys.sort_unstable();
    let repeats = keys.windows(2).filter(|w| w[0].0 == w[1].0).count();
    let folded = ms(t);
    let t = Instant::now();
    let mut filings: Vec<(u64, u32, u64)> = entries
        .iter()
        .enumerate()
        .map(|(id, e)| (mix(e.key), id as u32, e.key))
        .collect();
    filings.sort_unstable();
    let bits = 21;
    let n_slots = 1usize << bits;
    let mut tags = vec![0u8; n_slots];
    let mut slots = vec![(0u64, 0u32); n_slots];
    let mut members: Vec<(u64, u32)> = Vec::with_capacity(filings.len());
    let mut next = 0usize;
    for &(h, id, p) in &filings {
        let at = next.max((h >> (64 - bits)) as usize).min(n_slots - 1);
        tags[at] = 1;
        slots[at] = (p, members.len() as u32);
        next = at + 1;
        members.push((p, id));
    }
    let indexed = ms(t);
    std::hint::black_box((&tags, &slots, &members, repeats));
    println!(
        "minimal load: split, pack, compare, write {parsed:.1} ms | one sort of the keys {folded:.1} ms | \
         filings sorted and swept {indexed:.1} ms | total {:.1} ms",
        parsed + folded + indexed
    );
}

fn main() {
    let rounds = std::env::var("ALPR_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let n = 1_000_000;
    let text = data::csv2(n as u64);
    println!(
        "entry: {} bytes, file: {:.1} MB",
        std::mem::size_of::<alpr_core::hotlist::Entry>(),
        text.len() as f64 / 1e6
    );
    for _ in 0..rounds {
        memory(n);
        minimal(&text);
    }
}
