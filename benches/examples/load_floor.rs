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
//! - *lean load*: the same with the least memory conceivable (two columns, one sort), one thread;
//! - *lean load, two threads*: the lean load as two cores would run it at best, with the
//!   library's own checks per record: the file read from disk, its UTF-8 checked,
//!   each half's plates normalized by [`alpr_core::normalize`] and categories parsed by
//!   [`alpr_core::vocab::Category::parse`] on its own thread, a look-alike key folded from each plate,
//!   the filings counted into buckets; then each thread sweeps half the buckets (both halves'
//!   runs merged) into its half of the slots. Its CSV is written to the temporary directory, so
//!   that `polars.read_csv` can read the same bytes in the same minutes.
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

/// A look-alike table of the library's shape: 2^21 one-byte tags and slots, and the members.
struct Table {
    tags: Vec<u8>,
    slots: Vec<(u64, u32)>,
    members: Vec<(u64, u32)>,
    /// The first slot the sweep has not used.
    next: usize,
}

impl Table {
    const BITS: u32 = 21;

    fn new(n: usize) -> Table {
        Table {
            tags: vec![0u8; 1 << Self::BITS],
            slots: vec![(0u64, 0u32); 1 << Self::BITS],
            members: Vec::with_capacity(n),
            next: 0,
        }
    }

    /// Places plate `p` of entry `id`, whose hash is `h`, in the sweep (filings in hash order).
    fn place(&mut self, h: u64, p: u64, id: u32) {
        let at = self
            .next
            .max((h >> (64 - Self::BITS)) as usize)
            .min(self.slots.len() - 1);
        self.tags[at] = 1;
        self.slots[at] = (p, self.members.len() as u32);
        self.next = at + 1;
        self.members.push((p, id));
    }
}

/// Calls `keep(packed plate)` for each `plate,stolen_vehicle` line of `text` after its header:
/// each line split at its comma, the plate packed 6 bits a character, the category compared.
fn for_each_record(text: &[u8], mut keep: impl FnMut(u64)) {
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
            keep(plate);
        }
        i = nl + 1;
    }
}

/// The minimal load of `text` (header, then `plate,category` lines).
fn minimal(text: &[u8]) {
    let t = Instant::now();
    let mut entries: Vec<E> = Vec::new();
    let mut keys: Vec<(u64, u32)> = Vec::new();
    for_each_record(text, |plate| {
        keys.push((plate, entries.len() as u32));
        entries.push(E {
            key: plate,
            pad: [0; PAD],
        });
    });
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
    let mut table = Table::new(filings.len());
    for &(h, id, p) in &filings {
        table.place(h, p, id);
    }
    let indexed = ms(t);
    std::hint::black_box((&table, repeats));
    println!(
        "minimal load: split, pack, compare, write {parsed:.1} ms | one sort of the keys {folded:.1} ms | \
         filings sorted and swept {indexed:.1} ms | total {:.1} ms",
        parsed + folded + indexed
    );
}

/// The filings (hash, index) of `hashes` distributed by one counting pass on the hash's top
/// [`LEAN_BITS`] bits and each bucket (a few hundred, in cache) sorted on its own; with the
/// buckets' starts (`start[k]..start[k + 1]` is bucket `k`).
fn bucketed(hashes: &[u64]) -> (Vec<(u64, u32)>, Vec<usize>) {
    let bucket = |h: u64| (h >> (64 - LEAN_BITS)) as usize;
    let mut start = vec![0usize; (1 << LEAN_BITS) + 1];
    for &h in hashes {
        start[bucket(h) + 1] += 1;
    }
    for k in 1..start.len() {
        start[k] += start[k - 1];
    }
    let mut next = start.clone();
    let mut filings = vec![(0u64, 0u32); hashes.len()];
    for (id, &h) in hashes.iter().enumerate() {
        filings[next[bucket(h)]] = (h, id as u32);
        next[bucket(h)] += 1;
    }
    for w in start.windows(2) {
        filings[w[0]..w[1]].sort_unstable();
    }
    (filings, start)
}

/// The same load with the least memory and work conceivable, to see whether another design could
/// reach the target: the entries as two columns (packed plate, category byte) instead of
/// `Entry`s; no separate sort for duplicates (equal plates have equal hashes, so they meet in the
/// index's sweep); the filings (hash, id) distributed by one counting pass on the hash's top 12
/// bits and each bucket (a few hundred, in cache) sorted on its own, then swept into 2^21 slots.
fn lean(text: &[u8]) {
    let t = Instant::now();
    let mut plates: Vec<u64> = Vec::new();
    let mut categories: Vec<u8> = Vec::new();
    for_each_record(text, |plate| {
        plates.push(plate);
        categories.push(1);
    });
    let parsed = ms(t);
    let t = Instant::now();
    let hashes: Vec<u64> = plates.iter().map(|&p| mix(p)).collect();
    let (filings, _) = bucketed(&hashes);
    drop(hashes);
    let distributed = ms(t);
    let t = Instant::now();
    let mut table = Table::new(filings.len());
    let (mut repeats, mut last) = (0usize, None);
    for &(h, id) in &filings {
        if last == Some(h) {
            repeats += 1; // a duplicate (same plate): folded, not placed
            continue;
        }
        last = Some(h);
        table.place(h, plates[id as usize], id);
    }
    let swept = ms(t);
    std::hint::black_box((&table, &categories, repeats));
    println!(
        "lean load: split, pack, compare, two columns {parsed:.1} ms | filings distributed and sorted {distributed:.1} ms | \
         swept, duplicates folded {swept:.1} ms | total {:.1} ms",
        parsed + distributed + swept
    );
}

/// A look-alike key: each 6-bit code through a table that folds `O`, `Q`, `D` to `0`, `I`, `L`
/// to `1`, `Z` to `2`, `S` to `5`, `G` to `6`, `B` to `8` (a stand-in for the policy's classes,
/// of the same cost: one lookup a character).
fn confusion(p: u64) -> u64 {
    const FOLD: [u8; 64] = {
        let mut t = [0u8; 64];
        let mut i = 0;
        while i < 64 {
            t[i] = i as u8;
            i += 1;
        }
        let pairs: [(u8, u8); 9] = [
            (b'O', b'0'),
            (b'Q', b'0'),
            (b'D', b'0'),
            (b'I', b'1'),
            (b'L', b'1'),
            (b'Z', b'2'),
            (b'S', b'5'),
            (b'G', b'6'),
            (b'B', b'8'),
        ];
        let mut k = 0;
        while k < pairs.len() {
            let (from, to) = pairs[k];
            t[(from - b'A' + 11) as usize] = to - b'0' + 1;
            k += 1;
        }
        t
    };
    let mut out = 0u64;
    for i in 0..10 {
        let shift = 6 * (9 - i);
        out |= u64::from(FOLD[((p >> shift) & 0x3f) as usize]) << shift;
    }
    out
}

/// One thread's half of the two-thread lean load: its columns, its rejected count, and its
/// filings (look-alike hash, id within the half) by bucket.
struct Half {
    plates: Vec<u64>,
    categories: Vec<u8>,
    rejected: usize,
    filings: Vec<(u64, u32)>,
    start: Vec<usize>,
}

const LEAN_BITS: u32 = 12;

/// Parses, validates and files the records of `text` (whole lines).
fn half(text: &[u8]) -> Half {
    let text = std::str::from_utf8(text).expect("the benchmark's file is UTF-8");
    let mut plates = Vec::new();
    let mut categories = Vec::new();
    let mut hashes = Vec::new();
    let mut rejected = 0;
    for line in text.split_terminator('\n') {
        let (plate, category) = line.split_once(',').unwrap_or((line, ""));
        match (alpr_core::normalize(plate), alpr_core::vocab::Category::parse(category)) {
            (Ok(n), Ok(c)) => {
                plates.push(n.plate.packed());
                categories.push(c as u8);
                hashes.push(mix(confusion(n.plate.packed())));
            }
            _ => rejected += 1,
        }
    }
    let (filings, start) = bucketed(&hashes);
    Half {
        plates,
        categories,
        rejected,
        filings,
        start,
    }
}

/// Sweeps buckets `buckets` of both halves (their runs merged by hash) into `tags` and `slots`,
/// which hold the slots from `first` on; equal plates meet and are folded. Returns the members
/// and the folded count.
fn sweep(
    halves: [&Half; 2],
    buckets: std::ops::Range<usize>,
    first: usize,
    tags: &mut [u8],
    slots: &mut [(u64, u32)],
) -> (Vec<(u64, u32)>, usize) {
    const SLOT_BITS: u32 = 21;
    let offset = [0, halves[0].plates.len() as u32];
    let runs = |h: usize| &halves[h].filings[halves[h].start[buckets.start]..halves[h].start[buckets.end]];
    let (left, right) = (runs(0), runs(1));
    let mut members = Vec::with_capacity(left.len() + right.len());
    let (mut li, mut ri, mut next, mut repeats) = (0, 0, 0usize, 0usize);
    let mut last: Option<(u64, u64)> = None;
    while li < left.len() || ri < right.len() {
        let (hash, id, which) = if ri == right.len() || (li < left.len() && left[li].0 <= right[ri].0) {
            li += 1;
            (left[li - 1].0, left[li - 1].1, 0)
        } else {
            ri += 1;
            (right[ri - 1].0, right[ri - 1].1, 1)
        };
        let plate = halves[which].plates[id as usize];
        if last == Some((hash, plate)) {
            repeats += 1;
            continue;
        }
        last = Some((hash, plate));
        let at = next
            .max(((hash >> (64 - SLOT_BITS)) as usize).saturating_sub(first))
            .min(slots.len() - 1);
        tags[at] = (hash >> 56) as u8 | 1;
        slots[at] = (plate, members.len() as u32);
        next = at + 1;
        members.push((plate, id + offset[which]));
    }
    (members, repeats)
}

/// The lean load of the file at `path` on two threads (see the module's text).
fn lean2(path: &std::path::Path) {
    let t = Instant::now();
    let text = std::fs::read(path).expect("the benchmark's file");
    let read = ms(t);
    let t = Instant::now();
    let body = &text[text.iter().position(|&c| c == b'\n').map_or(text.len(), |i| i + 1)..];
    let mid = body[body.len() / 2..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(body.len(), |i| body.len() / 2 + i + 1);
    let (first, second) = body.split_at(mid);
    let (h0, h1) = std::thread::scope(|s| {
        let other = s.spawn(|| half(second));
        (half(first), other.join().expect("no panic"))
    });
    let parsed = ms(t);
    let t = Instant::now();
    let half_slots = 1usize << 20;
    let mut tags = vec![0u8; 2 * half_slots];
    let mut slots = vec![(0u64, 0u32); 2 * half_slots];
    let (tags0, tags1) = tags.split_at_mut(half_slots);
    let (slots0, slots1) = slots.split_at_mut(half_slots);
    let mid_bucket = 1usize << (LEAN_BITS - 1);
    let halves = [&h0, &h1];
    let ((m0, r0), (m1, r1)) = std::thread::scope(|s| {
        let other = s.spawn(|| sweep(halves, mid_bucket..1 << LEAN_BITS, half_slots, tags1, slots1));
        (
            sweep(halves, 0..mid_bucket, 0, tags0, slots0),
            other.join().expect("no panic"),
        )
    });
    let swept = ms(t);
    std::hint::black_box((&tags, &slots, &m0, &m1, &h0.categories, &h1.categories));
    println!(
        "lean load, two threads: read {read:.1} ms | parsed, validated, filed {parsed:.1} ms | swept {swept:.1} ms | \
         total {:.1} ms ({} entries, {} folded, {} rejected)",
        read + parsed + swept,
        m0.len() + m1.len(),
        r0 + r1,
        h0.rejected + h1.rejected
    );
    let t = Instant::now();
    drop((h0, h1, m0, m1, tags, slots, text));
    let _ = ms(t);
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
    let path = std::env::temp_dir().join("alpr_load_floor.csv");
    std::fs::write(&path, &text).expect("the temporary directory is writable");
    println!("two-thread file: {}", path.display());
    for _ in 0..rounds {
        memory(n);
        minimal(&text);
        lean(&text);
        lean2(&path);
    }
}
