//! The compiled, immutable index of one list version (SPEC §3, R-MATCH-1…10).
//!
//! Built once when a version is loaded and then shared read-only by any number of threads. It
//! answers one question fast: *which entries could possibly hit this read?* — a superset of the
//! true hits. The rules themselves (strongest kind, positions, tiers) are applied by
//! [`crate::matching`] to each candidate, so the index can never change a result, only its cost.
//!
//! Four parts:
//!
//! - **Look-alike table** (exact and confusable together): every plate entry is filed under its
//!   *confusion key*, the plate with each character replaced by its confusion class's
//!   representative (`7A8C123` and `7ABC123` share the key). An exact match is a confusable match
//!   with no differing position, so one probe finds both. Open addressing, linear probing, 12-byte
//!   slots (key, start of the group), groups of plates stored contiguously. Beside the slots, one
//!   tag byte a slot (as hashbrown's control bytes): a read with no hit, nearly every read, walks
//!   only the tags (2 MiB for a million plates), not the 24 MiB of slots.
//! - **Deletion table** (edits, only when the policy enables them): SymSpell's idea. Every plate
//!   entry is filed under each string obtained by deleting up to `max_edits` characters (itself
//!   included); a read within `max_edits` of an entry shares at least one such string with it.
//!   Slots hold a 32-bit fingerprint of the string and the entry id (8 bytes): a fingerprint
//!   collision only costs a verification. Candidates are verified against a dense array of the
//!   entries' packed plates (8 bytes an entry), not against the entries themselves; the bits
//!   above each 60-bit plate (there and in the look-alike members) record which of the entry's
//!   attributes can change a hit (expiry, jurisdiction, plate type; all "maybe" for an index
//!   built from bare keys), so that a hit reads its entry only when one of them matters to the
//!   read.
//!
//!   A read's probe (`Index::lookalikes_and_edits`) is built for memory-level parallelism,
//!   the table being far larger than any cache: first the hashes of the read and its
//!   deletions (computed from the packed plate for one deletion; the read itself is skipped
//!   when no plate is one character longer, since it could then only find exact matches), then
//!   the look-alike home tag and every deletion string's first slot loaded together (one memory
//!   latency, not nine), then the walks, then the candidates' plates loaded together.
//!
//!   Under `max_edits = 1` (the common setting) the table is laid out so that a hit costs no
//!   second memory round trip (`Probe1`): a slot also holds the position and the 6-bit code of
//!   the character deleted from its entry, so a read rebuilds each candidate from its own
//!   deletion string in registers and keeps only those within one edit; and a slot is exact in
//!   its string's home line (`D1Layout`: the string's bijective number, hashed by a bijection,
//!   its high bits the home line and all the bits below them the fingerprint), so a candidate
//!   found there is the entry, with the entry's attribute flags from the slot. Only candidates
//!   found in a later line (a full home line) or under a layout whose fingerprint cannot hold
//!   every bit load their plate from the by-id array to confirm it (a fingerprint collision costs
//!   a load, never a wrong hit). Slots come in 64-byte lines and a probe starts at its home
//!   line's first slot, so a string's run is nearly always one cache line, scanned without a
//!   branch a slot. Under `max_confusable <= 1` the matcher skips the look-alike table for such
//!   reads (every exact and confusable hit is within one edit). A batch runs each step of the
//!   probe for a block of reads before the next step, so that the misses of several reads
//!   overlap (the matcher's `match_batch`).
//! - **Pattern table**: each pattern is filed under an *anchor*, its literals at places fixed
//!   from the start or from the end of the plate (and its length when it has no `*`): a read
//!   probes each anchor shape in use with its characters at those places, so that a candidate is
//!   nearly always a match (one hash probe, and no candidate to check, for most reads). When a
//!   list has more than 16 such shapes, the patterns of the rarer ones are filed
//!   under a run of up to 3 literals instead (fixed from the start, from the end, or floating
//!   between stars), whose shapes are few. Patterns without any literal go to a short list
//!   proposed for every read. Beside each entry id the table keeps the pattern packed by
//!   [`crate::pattern`], whose rule decides every candidate.
//!
//! Memory, for a list of n plates: ≈ 13·2^⌈log2(1.33 n)⌉ + 12 n bytes for the look-alike table
//! (about 39 bytes per entry at 1,000,000), plus 8·2^⌈log2(1.33 d)⌉ for d (deletion string,
//! entry) pairs (d ≈ 7.5 n for 6- and 7-character plates and `max_edits = 1`, a plate's
//! equal deletions filed once: 2^24 slots, 128 MiB, at 1,000,000) and 8 n for the plates by id
//! when edits are on (≈ 181 bytes per entry in all at 1,000,000).

use std::collections::HashMap;

use crate::pattern::{Compiled, Pattern, PlateOrPattern, Token};
use crate::plate::{self, PLATE_MAX_LEN, Plate};
use crate::policy::Policy;

/// Number of 6-bit codes (0 = end, 1..=36 the alphabet).
const CODES: usize = 37;

/// The flag bit marking the last plate of a group in the look-alike table (plates use 60 bits).
const LAST: u64 = 1 << 63;

/// An entry attribute that can change a hit: an expiry (R-MATCH-5).
pub(crate) const ATTR_EXPIRES: u8 = 1;
/// An entry attribute that can change a hit: a jurisdiction (R-MATCH-3).
pub(crate) const ATTR_JURISDICTION: u8 = 2;
/// An entry attribute that can change a hit: a plate type.
pub(crate) const ATTR_PLATE_TYPE: u8 = 4;
/// Attributes not known (an index built from keys alone): every one may be set.
const ATTR_UNKNOWN: u8 = ATTR_EXPIRES | ATTR_JURISDICTION | ATTR_PLATE_TYPE;
/// Where the attribute flags sit in the by-id plate words and the look-alike members (above
/// the plate's 60 bits).
const ATTR_SHIFT: u32 = 60;
/// The plate's bits in those words.
const PLATE_BITS: u64 = (1 << ATTR_SHIFT) - 1;

/// What the index takes of one list item: its key and which of its attributes can change a hit
/// (`ATTR_EXPIRES` and the others). From a bare key the attributes are unknown, so matching
/// reads the entry for every edit hit; from a [`crate::hotlist::Entry`] (implemented in
/// `hotlist`, above this module) it reads the entry only when an attribute it has can change
/// the hit. Sealed: implemented inside the crate only, since matching trusts the flags.
pub trait IndexKey<'a>: sealed::Sealed {
    /// The plate or pattern.
    fn key(&self) -> &'a PlateOrPattern;
    /// The attribute flags (a set of `ATTR_*` bits).
    #[doc(hidden)]
    fn attrs(&self) -> u8;
}

pub(crate) mod sealed {
    /// Keeps [`super::IndexKey`] to the crate's own implementations.
    pub trait Sealed {}
    impl Sealed for &crate::pattern::PlateOrPattern {}
}

impl<'a> IndexKey<'a> for &'a PlateOrPattern {
    fn key(&self) -> &'a PlateOrPattern {
        self
    }
    fn attrs(&self) -> u8 {
        ATTR_UNKNOWN
    }
}

/// A candidate entry of a read (see [`Index::lookalikes_and_edits`]).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Candidate {
    /// An entry with the read's confusion key: entry id, plate and attribute flags.
    Lookalike(u32, Plate, u8),
    /// An entry sharing a deletion string with the read: entry id, plate and attribute flags.
    Edit(u32, Plate, u8),
}

/// The confusion relation of a policy: which pairs of characters are look-alikes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confusion {
    /// `mates[a]` has bit `b` set when `a` and `b` are in one class (and `a != b`).
    mates: [u64; CODES],
    /// The representative of each code under the transitive closure of the classes (a superset
    /// of the relation, used only to group candidates).
    rep: [u8; CODES],
    /// A 64-bit fingerprint of the relation, to check cheaply that an index serves a matcher.
    fingerprint: u64,
}

impl Confusion {
    /// The relation of the policy's `confusion_classes`. Characters outside `A-Z0-9` (after
    /// upper-casing) are ignored.
    pub fn new(classes: &[String]) -> Confusion {
        let mut mates = [0u64; CODES];
        let mut rep: [u8; CODES] = std::array::from_fn(|i| i as u8);
        for class in classes {
            let codes: Vec<u8> = class
                .chars()
                .filter(char::is_ascii)
                .map(|c| plate::char_code(c.to_ascii_uppercase() as u8))
                .filter(|&c| c != 0)
                .collect();
            for &a in &codes {
                for &b in &codes {
                    if a != b {
                        mates[a as usize] |= 1 << b;
                    }
                }
                let (ra, rb) = (find(&mut rep, a), find(&mut rep, codes[0]));
                if ra != rb {
                    let (lo, hi) = (ra.min(rb), ra.max(rb));
                    rep[hi as usize] = lo;
                }
            }
        }
        let mut flat = [0u8; CODES];
        for (i, f) in flat.iter_mut().enumerate() {
            *f = find(&mut rep, i as u8);
        }
        let fingerprint = mates
            .iter()
            .chain(flat.iter().map(|&r| u64::from(r)).collect::<Vec<_>>().iter())
            .fold(0xcbf2_9ce4_8422_2325u64, |h, &v| mix(h ^ v));
        Confusion {
            mates,
            rep: flat,
            fingerprint,
        }
    }

    /// Whether two distinct codes are look-alikes.
    #[inline]
    pub fn pair(&self, a: u8, b: u8) -> bool {
        self.mates[a as usize] >> b & 1 == 1
    }

    /// The class representative of a 6-bit code (0 for 0).
    #[inline]
    pub(crate) fn rep_of(&self, code: u8) -> u8 {
        self.rep[usize::from(code).min(CODES - 1)]
    }

    /// The confusion key of a plate: every character replaced by its class representative.
    #[inline]
    pub fn key(&self, p: Plate) -> u64 {
        let packed = p.packed();
        let mut key = 0u64;
        for i in 0..PLATE_MAX_LEN {
            let shift = 6 * (PLATE_MAX_LEN - 1 - i);
            let c = ((packed >> shift) & 0x3f) as usize;
            key |= u64::from(self.rep[c.min(CODES - 1)]) << shift;
        }
        key
    }
}

/// The representative of `a` in a union-find array.
fn find(rep: &mut [u8; CODES], mut a: u8) -> u8 {
    while rep[a as usize] != a {
        a = rep[a as usize];
    }
    a
}

#[cfg(test)]
thread_local! {
    /// The number of [`Index::build`] calls on this thread (tests prove that matching a version
    /// indexed at load never builds another index).
    static BUILDS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The number of [`Index::build`] calls made on this thread so far.
#[cfg(test)]
pub(crate) fn builds_on_this_thread() -> u64 {
    BUILDS.with(std::cell::Cell::get)
}

/// What an index was built for: the confusion classes and the largest edit distance indexed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexParams {
    /// The confusion relation.
    pub confusion: Confusion,
    /// The deletion depth of the deletion table (0 = no table).
    pub max_edits: u8,
}

impl IndexParams {
    /// The parameters a policy needs.
    pub fn of(policy: &Policy) -> IndexParams {
        IndexParams {
            confusion: Confusion::new(&policy.confusion_classes),
            max_edits: policy.max_edits,
        }
    }

    /// Whether an index built with these parameters serves matching with `wanted` (the same
    /// confusion relation, by fingerprint, and at least as deep a deletion table).
    #[inline]
    pub fn serves(&self, wanted: &IndexParams) -> bool {
        wanted.max_edits <= self.max_edits && self.confusion.fingerprint == wanted.confusion.fingerprint
    }
}

/// 64-bit mix of a key (multiply, xor-shift): cheap and good enough for linear probing.
#[inline]
fn mix(k: u64) -> u64 {
    let k = (k ^ (k >> 31)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    k ^ (k >> 29)
}

/// The number of slot bits for `n` items at a load factor of at most 3/4.
fn slot_bits(n: usize) -> u32 {
    let want = (n + n / 3).max(4);
    want.next_power_of_two().trailing_zeros()
}

/// Lays out the look-alike table of `plates` (entry id, plate) in `2^bits` slots with linear
/// probing: one slot a confusion key, its members contiguous and in entry order.
///
/// Built in order of key hash rather than in entry order: the plates filed by (hash of their
/// confusion key, id) ([`Filing`]; the home slot is the hash's top bits, so this is also home
/// slot order) are placed by one forward sweep, so slots and members are written sequentially
/// instead of at random (a cache miss per plate, most of the build on a million entries). Keys
/// whose probe runs past the last slot wrap around: they are inserted by ordinary probing after
/// the sweep. Lookups do not depend on the insertion order: every key sits at or after its home
/// slot with no empty slot in between.
///
/// With `threads` > 1 (a large list), the plates are filed by hash range into one bucket a
/// thread (the buckets in order are the sorted order), filed and sorted ([`sort_filings`]) on
/// scoped threads; the sweep is the same, bucket after bucket, and so is the table. Each thread
/// takes at least half of [`PARALLEL_BUILD`] plates, so that the count a caller asks for (a C
/// `threads` field, a Python argument: any number) never starts more threads than the list
/// has work for; each bucket reads every plate once.
fn lookalike_table(
    plates: &[(u32, Plate)],
    confusion: &Confusion,
    bits: u32,
    threads: usize,
) -> (Vec<u8>, Vec<Slot>, Vec<Member>) {
    let file = |&(id, p): &(u32, Plate)| Filing {
        hash: mix(confusion.key(p)),
        id,
        plate: p.packed(),
    };
    let threads = threads.min(plates.len() / (PARALLEL_BUILD / 2));
    let buckets = if threads > 1 && plates.len() >= PARALLEL_BUILD {
        sorted_buckets(plates, &file, threads)
    } else {
        // In place on one thread: the bucket sort's second buffer (24 MB a million plates) cost
        // more than it saved on a 9-column load's fragmented heap (Session 8).
        let mut v: Vec<Filing> = plates.iter().map(file).collect();
        v.sort_unstable();
        vec![v]
    };
    sweep(buckets.iter().flatten().copied(), confusion, bits, plates.len())
}

/// Sets each member's attribute flags (above its plate, below [`LAST`]) to those of its entry in
/// `items` (in entry order), so that a hit reads its entry only when one of them can change it
/// (as an edit hit). A member whose id has no item gets every flag (its entry is read).
fn flag_members<'a, K>(members: &mut [Member], items: K)
where
    K: IntoIterator,
    K::Item: IndexKey<'a>,
{
    let attrs: Vec<u8> = items.into_iter().map(|k| k.attrs() & ATTR_UNKNOWN).collect();
    let mask = u64::from(ATTR_UNKNOWN) << ATTR_SHIFT;
    for m in members {
        let a = attrs.get(m.id as usize).copied().unwrap_or(ATTR_UNKNOWN);
        m.plate = (m.plate & !mask) | u64::from(a) << ATTR_SHIFT;
    }
}

/// The look-alike table of `n` filings in (hash, id) order, in `2^bits` slots: see
/// [`lookalike_table`].
fn sweep(
    filings: impl Iterator<Item = Filing>,
    confusion: &Confusion,
    bits: u32,
    n: usize,
) -> (Vec<u8>, Vec<Slot>, Vec<Member>) {
    let n_slots = 1usize << bits;
    let mask = n_slots - 1;
    let mut tags = vec![0u8; n_slots];
    let mut slots = vec![Slot::default(); n_slots];
    let mut members: Vec<Member> = Vec::with_capacity(n);
    // A group's members are contiguous, so a group's last member is the one before the next
    // group's first (and the very last one).
    let key_of = |f: &Filing| confusion.key(Plate::from_packed_trusted(f.plate));
    let place = |tags: &mut [u8], slots: &mut [Slot], members: &mut Vec<Member>, at: usize, f: &Filing| {
        if let Some(last) = members.last_mut() {
            last.plate |= LAST;
        }
        tags[at] = tag_of(f.hash);
        slots[at] = Slot {
            key: key_of(f),
            start: members.len() as u32,
        };
    };
    let mut next = 0usize; // the first slot the sweep has not used
    let mut wrapped: Vec<Filing> = Vec::new();
    // The hash of the group being read, and whether it ran past the last slot.
    let mut group: Option<(u64, bool)> = None;
    for f in filings {
        let wraps = match group {
            Some((hash, wraps)) if hash == f.hash => wraps,
            _ => {
                let at = next.max((f.hash >> (64 - bits)) as usize);
                let wraps = at >= n_slots;
                if !wraps {
                    place(&mut tags, &mut slots, &mut members, at, &f);
                    next = at + 1;
                }
                group = Some((f.hash, wraps));
                wraps
            }
        };
        if wraps {
            wrapped.push(f);
        } else {
            members.push(Member {
                plate: f.plate,
                id: f.id,
            });
        }
    }
    // Groups that ran past the end, still grouped and in id order: probe from their home slot.
    for g in wrapped.chunk_by(|a, b| a.hash == b.hash) {
        let mut s = (g[0].hash >> (64 - bits)) as usize;
        while tags[s] != 0 {
            s = (s + 1) & mask;
        }
        place(&mut tags, &mut slots, &mut members, s, &g[0]);
        members.extend(g.iter().map(|f| Member {
            plate: f.plate,
            id: f.id,
        }));
    }
    if let Some(last) = members.last_mut() {
        last.plate |= LAST;
    }
    (tags, slots, members)
}

/// The fewest plates for which the look-alike table is built on several threads.
const PARALLEL_BUILD: usize = 1 << 16;

/// A plate filed for the look-alike table: the [`mix`] of its confusion key (a bijection, so
/// equal hashes are equal keys; its top bits are the home slot), its entry id and packed plate.
/// Ordered by (hash, id): by home slot, a key's plates together and in entry order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Filing {
    hash: u64,
    id: u32,
    plate: u64,
}

/// The look-alike filing of one part of a list's entries (a chunk of a parallel load), made on
/// the part's own thread: its plates filed and sorted ([`sort_filings`]), its patterns, the
/// lengths of its plates. Ids are the part's own until [`IndexPart::place`].
pub(crate) struct IndexPart {
    filings: Vec<Filing>,
    patterns: Vec<(u32, Pattern)>,
    lengths: u16,
}

impl IndexPart {
    /// The filing of a part's `n` keys, in the part's order.
    pub(crate) fn of<'a>(keys: impl Iterator<Item = &'a PlateOrPattern>, n: usize, confusion: &Confusion) -> IndexPart {
        let mut filings = Vec::with_capacity(n);
        let mut patterns = Vec::new();
        let mut lengths = 0u16;
        for (id, key) in keys.enumerate() {
            match key {
                PlateOrPattern::Plate(p) => {
                    lengths |= 1 << p.len();
                    filings.push(Filing {
                        hash: mix(confusion.key(*p)),
                        id: id as u32,
                        plate: p.packed(),
                    });
                }
                PlateOrPattern::Pattern(p) => patterns.push((id as u32, p.clone())),
            }
        }
        IndexPart {
            filings: sort_filings(filings),
            patterns,
            lengths,
        }
    }

    /// Gives the part's entries their ids in the whole list: the part's entry `j` lands at
    /// `base` plus the number of entries before `j` not `dropped` (folded into an earlier part's
    /// entry, and so not in the list; `dropped` empty when none is); a dropped entry leaves the
    /// index. The order (hash, id) is kept.
    pub(crate) fn place(&mut self, base: u32, dropped: &[bool]) {
        if dropped.contains(&true) {
            let mut new_index = Vec::with_capacity(dropped.len());
            let mut n = base;
            for &d in dropped {
                new_index.push(n);
                n = n.saturating_add(u32::from(!d));
            }
            let kept = |id: u32| !dropped[id as usize];
            self.filings.retain(|f| kept(f.id));
            self.patterns.retain(|(id, _)| kept(*id));
            for f in &mut self.filings {
                f.id = new_index[f.id as usize];
            }
            for (id, _) in &mut self.patterns {
                *id = new_index[*id as usize];
            }
        } else if base > 0 {
            for f in &mut self.filings {
                f.id += base;
            }
            for (id, _) in &mut self.patterns {
                *id += base;
            }
        }
    }
}

/// Sorts filings by (hash, id): one counting pass distributes them into 4,096 buckets by the
/// hash's top 12 bits (uniform: the hash is a mix), then each bucket (a few hundred filings for
/// a million plates, in cache) is sorted on its own. Filings in id order stay so within a key
/// even before the small sorts (the distribution is stable).
fn sort_filings(mut v: Vec<Filing>) -> Vec<Filing> {
    const BITS: u32 = 12;
    if v.len() < 1 << BITS {
        v.sort_unstable();
        return v;
    }
    let bucket = |f: &Filing| (f.hash >> (64 - BITS)) as usize;
    let mut start = vec![0usize; (1 << BITS) + 1];
    for f in &v {
        start[bucket(f) + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut next = start.clone();
    let mut out = vec![Filing::default(); v.len()];
    for f in &v {
        let b = bucket(f);
        out[next[b]] = *f;
        next[b] += 1;
    }
    drop(v);
    for w in start.windows(2) {
        out[w[0]..w[1]].sort_unstable();
    }
    out
}

/// The plates filed by `file` into `threads` buckets of contiguous hash ranges, each sorted:
/// their concatenation is the sorted filing of every plate. Thread `b` files every plate and
/// keeps those of bucket `b` (filing is a few table lookups; reading the plates twice costs
/// less than gathering parts filed apart).
fn sorted_buckets(
    plates: &[(u32, Plate)],
    file: &(impl Fn(&(u32, Plate)) -> Filing + Sync),
    threads: usize,
) -> Vec<Vec<Filing>> {
    let k = threads;
    // Bucket of a hash: `hash * k >> 64`, monotonic in the hash.
    let bucket = move |hash: u64| ((u128::from(hash) * k as u128) >> 64) as usize;
    let one = move |b: usize| {
        let mut v: Vec<Filing> = Vec::with_capacity(plates.len() / k + plates.len() / 64);
        v.extend(plates.iter().map(file).filter(|f| bucket(f.hash) == b));
        sort_filings(v)
    };
    crate::threads::map_parts(k, one)
}

/// The one-byte tag of a key's hash in the look-alike table (never 0, which marks an empty
/// slot). Taken from bits below the slot number, so that keys sharing a home slot rarely share
/// a tag.
#[inline]
fn tag_of(h: u64) -> u8 {
    ((h >> 24) as u8).max(1)
}

/// One slot of the look-alike table: a confusion key (0 = empty) and the first member of its
/// group. Packed to 12 bytes; fields are only ever copied out.
#[derive(Clone, Copy, Default)]
#[repr(C, packed)]
struct Slot {
    key: u64,
    start: u32,
}

/// One member of a look-alike group: the plate (with the entry's attribute flags above it, at
/// [`ATTR_SHIFT`], and [`LAST`] on the group's last member) and the entry id.
#[derive(Clone, Copy, Default)]
#[repr(C, packed)]
struct Member {
    plate: u64,
    id: u32,
}

/// The compiled index of one list version. See the module documentation.
#[derive(Clone)]
pub struct Index {
    params: IndexParams,
    bits: u32,
    /// One byte a slot of the look-alike table: 0 = empty, else the tag of the slot's key hash
    /// ([`tag_of`]). A read without a hit usually touches only this array (1 byte a slot, so
    /// 2 MiB for a million plates, against 24 MiB of slots), as hashbrown's control bytes do.
    tags: Vec<u8>,
    slots: Vec<Slot>,
    members: Vec<Member>,
    /// Deletion table under `max_edits >= 2`: `fingerprint << 32 | entry id`, `u64::MAX` =
    /// empty ([`build_deletions`]).
    del_bits: u32,
    del: Vec<u64>,
    /// Deletion table under `max_edits = 1`, in cache lines ([`build_deletions1`]: fingerprint,
    /// foreign bit, attribute flags, deleted position and character, entry id; `u64::MAX` =
    /// empty), packed as `d1` says.
    del1: Vec<Line>,
    d1: D1Layout,
    /// With a deletion table: each entry's packed plate by entry id (0 for a pattern), so that an
    /// edit candidate is verified from an 8-byte array instead of its entry (on a depth-1 table
    /// with an exact layout, only a candidate found outside its string's home line).
    plates: Vec<u64>,
    /// Bit `l` set when some plate entry has `l` characters.
    lengths: u16,
    patterns: PatternIndex,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("members", &self.members.len())
            .field("slots", &self.slots.len())
            .field("deletion_slots", &(self.del.len() + 8 * self.del1.len()))
            .field("patterns", &self.patterns.len())
            .finish_non_exhaustive()
    }
}

impl Index {
    /// Builds the index of a list's keys for `params`; the entry id of a key is its position in
    /// `keys` (a list version passes its entries' keys in entry order).
    ///
    /// Items are bare keys (`&PlateOrPattern`) or entries (`&Entry`); from entries the index also
    /// records which attributes of each can change a hit, so that matching reads an entry for an
    /// edit hit only when one of them is set.
    pub fn build<'a, K>(keys: K, params: IndexParams) -> Index
    where
        K: IntoIterator,
        K::Item: IndexKey<'a>,
        K::IntoIter: Clone,
    {
        Index::build_on(keys, params, 1)
    }

    /// [`Index::build`] using up to `threads` threads for the look-alike table of a large list
    /// (scoped threads, joined before it returns): the same index.
    pub fn build_on<'a, K>(keys: K, params: IndexParams, threads: usize) -> Index
    where
        K: IntoIterator,
        K::Item: IndexKey<'a>,
        K::IntoIter: Clone,
    {
        let items = keys.into_iter();
        let keys = items.clone().map(|k| k.key());
        #[cfg(test)]
        BUILDS.with(|b| b.set(b.get() + 1));
        // Look-alike table, in three linear passes (no sort): file every plate's key and count
        // its group, lay the groups out in slot order, then place the members. Members of a
        // group keep entry order; matching sorts its hits, so that order never shows.
        let plates = keys.clone().enumerate().filter_map(|(id, key)| match key {
            PlateOrPattern::Plate(p) => Some((id as u32, *p)),
            PlateOrPattern::Pattern(_) => None,
        });
        let (bits, lengths, (tags, slots, mut members)) = if threads > 1 {
            let plates: Vec<(u32, Plate)> = plates.collect();
            let lengths = plates.iter().fold(0u16, |m, (_, p)| m | 1 << p.len());
            let bits = slot_bits(plates.len());
            (
                bits,
                lengths,
                lookalike_table(&plates, &params.confusion, bits, threads),
            )
        } else {
            // On one thread the plates are filed as they are read: no list of them first (16 MB
            // a million plates, written and faulted in for one pass).
            let mut lengths = 0u16;
            let mut filings: Vec<Filing> = plates
                .map(|(id, p)| {
                    lengths |= 1 << p.len();
                    Filing {
                        hash: mix(params.confusion.key(p)),
                        id,
                        plate: p.packed(),
                    }
                })
                .collect();
            filings.sort_unstable();
            let bits = slot_bits(filings.len());
            let n = filings.len();
            (bits, lengths, sweep(filings.into_iter(), &params.confusion, bits, n))
        };
        flag_members(&mut members, items.clone());

        let (mut deep, mut depth1) = ((0, Vec::new()), (D1Layout::default(), Vec::new()));
        let by_id = if params.max_edits > 0 {
            if params.max_edits == 1 {
                let n_keys = keys.clone().count();
                depth1 = build_deletions1(items.clone().map(|k| (k.key(), k.attrs())), n_keys, D1_FP_ALL);
            } else {
                deep = build_deletions(keys.clone(), params.max_edits);
            }
            items
                .map(|k| match k.key() {
                    PlateOrPattern::Plate(p) => p.packed() | u64::from(k.attrs()) << ATTR_SHIFT,
                    PlateOrPattern::Pattern(_) => 0,
                })
                .collect()
        } else {
            Vec::new()
        };
        let patterns = PatternIndex::build(keys);
        Index {
            params,
            bits,
            tags,
            slots,
            members,
            del_bits: deep.0,
            del: deep.1,
            del1: depth1.1,
            d1: depth1.0,
            plates: by_id,
            lengths,
            patterns,
        }
    }

    /// The index of a list whose entries were gathered from parts (the chunks of a parallel
    /// load), each part's keys filed on its own thread ([`IndexPart::of`]) and then given their
    /// final entry ids ([`IndexPart::place`]): the index [`Index::build`] gives of the entries'
    /// keys in their final order. Without a deletion table only (`params.max_edits` 0: a
    /// deletion table records each entry's attributes, which the parts do not know); the parts
    /// are in entry order.
    pub(crate) fn from_parts(parts: &[IndexPart], params: IndexParams) -> Index {
        debug_assert_eq!(params.max_edits, 0, "a deletion table is built from the entries");
        let n: usize = parts.iter().map(|p| p.filings.len()).sum();
        let bits = slot_bits(n);
        let lengths = parts.iter().fold(0u16, |m, p| m | p.lengths);
        // Each part is sorted by (hash, id) and every id of a part is above the previous
        // parts': merged by (hash, part).
        let mut at = vec![0usize; parts.len()];
        let merged = std::iter::from_fn(|| {
            let mut best: Option<(usize, Filing)> = None;
            for (i, p) in parts.iter().enumerate() {
                if let Some(&f) = p.filings.get(at[i])
                    && best.is_none_or(|(_, b)| f.hash < b.hash)
                {
                    best = Some((i, f));
                }
            }
            let (i, f) = best?;
            at[i] += 1;
            Some(f)
        });
        let (tags, slots, members) = sweep(merged, &params.confusion, bits, n);
        let patterns: Vec<(u32, &Pattern)> = parts
            .iter()
            .flat_map(|p| p.patterns.iter().map(|(id, pattern)| (*id, pattern)))
            .collect();
        Index {
            bits,
            tags,
            slots,
            members,
            del_bits: 0,
            del: Vec::new(),
            del1: Vec::new(),
            d1: D1Layout::default(),
            plates: Vec::new(),
            lengths,
            patterns: PatternIndex::of_patterns(&patterns, MAX_FULL_SHAPES),
            params,
        }
    }

    /// Gives each look-alike member the attribute flags of its entry in `items` (the list's
    /// entries in entry order), as [`Index::build`] does: an index made by
    /// [`Index::from_parts`], whose parts know only keys, gets them once the entries are final.
    pub(crate) fn flag_lookalikes<'a, K>(&mut self, items: K)
    where
        K: IntoIterator,
        K::Item: IndexKey<'a>,
    {
        flag_members(&mut self.members, items);
    }

    /// The parameters the index was built with.
    pub fn params(&self) -> &IndexParams {
        &self.params
    }

    /// Heap bytes the index holds (slots, groups, deletion table, patterns).
    pub fn heap_bytes(&self) -> usize {
        self.tags.capacity()
            + self.slots.capacity() * std::mem::size_of::<Slot>()
            + self.members.capacity() * std::mem::size_of::<Member>()
            + self.del.capacity() * 8
            + self.del1.capacity() * std::mem::size_of::<Line>()
            + self.plates.capacity() * 8
            + self.patterns.heap_bytes()
    }

    /// Calls `f(entry id, entry plate, attribute flags)` for every plate entry with the same
    /// confusion key as the read (every exact and every confusable candidate, and more).
    #[inline]
    pub(crate) fn lookalikes(&self, read_key: u64, f: impl FnMut(u32, Plate, u8)) {
        if self.members.is_empty() {
            return;
        }
        let hash = mix(read_key);
        let s = (hash >> (64 - self.bits)) as usize;
        self.lookalikes_from(read_key, s, self.tags[s], f);
    }

    /// The tag of the read's home slot in the look-alike table (0 for an empty table), loaded
    /// now: a batch loads those of a block of reads in one pass, so that their cache misses
    /// overlap, before [`Index::lookalikes`] reads each again, from the cache by then.
    #[inline]
    pub(crate) fn home_tag(&self, read_key: u64) -> u8 {
        if self.members.is_empty() {
            return 0;
        }
        let s = (mix(read_key) >> (64 - self.bits)) as usize;
        self.tags.get(s).copied().unwrap_or(0)
    }

    /// The look-alike probe from home slot `s`, whose tag `first` the caller loaded.
    #[inline]
    fn lookalikes_from(&self, read_key: u64, mut s: usize, first: u8, mut f: impl FnMut(u32, Plate, u8)) {
        let mask = (1usize << self.bits) - 1;
        let tag = tag_of(mix(read_key));
        let mut t = first;
        while t != 0 {
            if t == tag {
                let slot = self.slots[s];
                if slot.key == read_key {
                    let mut m = slot.start as usize;
                    loop {
                        let member = self.members[m];
                        let packed = member.plate;
                        f(
                            member.id,
                            Plate::from_packed_trusted(packed & PLATE_BITS),
                            ((packed & !LAST) >> ATTR_SHIFT) as u8,
                        );
                        if packed & LAST != 0 {
                            return;
                        }
                        m += 1;
                    }
                }
            }
            s = (s + 1) & mask;
            t = self.tags[s];
        }
    }

    /// Calls `f` with every look-alike candidate of the read (as [`Index::lookalikes`]), then
    /// with every plate entry sharing a deletion string (up to `max_edits` deletions) with the
    /// read; an edit candidate may be reported more than once, and may also be a look-alike one.
    /// On a depth-1 table (an index built with `max_edits = 1`), the edit candidates are those
    /// sharing a deletion string that may be within one edit of the read, each with its true
    /// plate ([`Index::probe1_finish`]).
    ///
    /// In passes of independent loads the CPU overlaps: the look-alike table's home tag and the
    /// first deletion slot of every deletion string (one memory latency for all of them, not
    /// nine), then the probe walks (collecting candidate ids), then the candidates' plates from
    /// the dense by-id array.
    #[allow(clippy::many_single_char_names)] // Slot arithmetic: i, h, v are the usual names.
    pub(crate) fn lookalikes_and_edits(&self, read_key: u64, read: Plate, max_edits: u8, mut f: impl FnMut(Candidate)) {
        if self.has_edits1() {
            self.edits1(read_key, read, true, f);
            return;
        }
        let look_home = (!self.members.is_empty()).then(|| (mix(read_key) >> (64 - self.bits)) as usize);
        if self.del.is_empty() {
            if let Some(s) = look_home {
                self.lookalikes_from(read_key, s, self.tags[s], |id, p, a| f(Candidate::Lookalike(id, p, a)));
            }
            return;
        }
        let (codes, n) = codes_of(read);
        let mask = (1usize << self.del_bits) - 1;
        let depth = max_edits.min(self.params.max_edits);
        // First every deletion string's hash (computing only: no load waits in front of it),
        // then the look-alike home tag and every first slot (independent loads the CPU
        // overlaps), then the probe walks: memory-level parallelism instead of serial misses.
        let mut hashes = [0u64; 64];
        let mut count = 0usize;
        let mut overflow = false;
        if depth == 1 {
            // The read's single deletions straight from the packed plate. The read itself is
            // filed only under entries equal to it (exact: the look-alike probe finds those) or
            // one character longer: without entries of that length it is not probed.
            let packed = read.packed();
            if self.lengths >> (n + 1) & 1 == 1 {
                hashes[0] = mix(packed);
                count = 1;
            }
            for i in 0..n {
                hashes[count + i] = mix(delete_packed(packed, i));
            }
            count += n;
        } else {
            for_each_deletion(&codes[..n], depth, &mut |s| {
                if count < hashes.len() {
                    hashes[count] = mix(pack_codes(s));
                    count += 1;
                } else {
                    overflow = true;
                }
            });
        }
        let look_first = look_home.map(|s| self.tags[s]);
        let mut firsts = [0u64; 64];
        for k in 0..count {
            firsts[k] = self.del[(hashes[k] >> (64 - self.del_bits)) as usize];
        }
        if let (Some(s), Some(t)) = (look_home, look_first) {
            self.lookalikes_from(read_key, s, t, |id, p, a| f(Candidate::Lookalike(id, p, a)));
        }
        let mut ids = [0u32; 64];
        let mut n_ids = 0usize;
        let edit_of = |id: u32| {
            let word = self.plates[id as usize];
            Candidate::Edit(
                id,
                Plate::from_packed_trusted(word & ((1 << ATTR_SHIFT) - 1)),
                (word >> ATTR_SHIFT) as u8,
            )
        };
        let mut walk = |h: u64, first: u64, f: &mut dyn FnMut(Candidate)| {
            let fp = h & 0xFFFF_FFFF_0000_0000;
            let mut i = (h >> (64 - self.del_bits)) as usize;
            let mut v = first;
            while v != u64::MAX {
                if v & 0xFFFF_FFFF_0000_0000 == fp {
                    let id = v as u32;
                    if n_ids < ids.len() {
                        if !ids[..n_ids].contains(&id) {
                            ids[n_ids] = id;
                            n_ids += 1;
                        }
                    } else {
                        f(edit_of(id));
                    }
                }
                i = (i + 1) & mask;
                v = self.del[i];
            }
        };
        for k in 0..count {
            walk(hashes[k], firsts[k], &mut f);
        }
        if overflow {
            // Deep deletion neighbourhoods (max_edits >= 2 on long plates): the rest, serially.
            let mut seen = 0usize;
            for_each_deletion(&codes[..n], depth, &mut |s| {
                seen += 1;
                if seen > hashes.len() {
                    let h = mix(pack_codes(s));
                    walk(h, self.del[(h >> (64 - self.del_bits)) as usize], &mut f);
                }
            });
        }
        let mut words = [0u64; 64];
        for k in 0..n_ids {
            words[k] = self.plates[ids[k] as usize];
        }
        for k in 0..n_ids {
            let word = words[k];
            f(Candidate::Edit(
                ids[k],
                Plate::from_packed_trusted(word & ((1 << ATTR_SHIFT) - 1)),
                (word >> ATTR_SHIFT) as u8,
            ));
        }
    }

    /// [`Index::lookalikes_and_edits`] on a depth-1 deletion table ([`build_deletions1`]): the
    /// steps of [`Probe1`] in a row; the look-alike candidates only when `lookalikes` (see
    /// [`Index::probe1`]).
    #[inline]
    pub(crate) fn edits1(&self, read_key: u64, read: Plate, lookalikes: bool, f: impl FnMut(Candidate)) {
        let mut probe = self.probe1(read_key, read, lookalikes);
        self.probe1_load(&mut probe);
        self.probe1_walk(&mut probe);
        self.probe1_words(&mut probe);
        self.probe1_finish(&probe, f);
    }

    /// Whether edit candidates come from a depth-1 deletion table, so that
    /// [`Index::probe1`] and the steps after it serve `lookalikes_and_edits` (an index built
    /// with `max_edits = 1`).
    #[inline]
    pub(crate) fn has_edits1(&self) -> bool {
        !self.del1.is_empty()
    }

    /// A read's depth-1 probe, its first step: the probe strings and their hashes, computed
    /// without any load (see [`Probe1`]). Only for an index with [`Index::has_edits1`]. Without
    /// `lookalikes` the look-alike table is not probed: every plate within one edit of the read
    /// is an edit candidate, its exact and one-substitution look-alike ones included, so a
    /// policy that allows at most one confusable position finds them all there.
    #[inline]
    pub(crate) fn probe1(&self, read_key: u64, read: Plate, lookalikes: bool) -> Probe1 {
        let packed = read.packed();
        let n = read.len();
        let mut p = Probe1 {
            read_key,
            packed,
            n: n as u8,
            count: 0,
            look_home: usize::MAX,
            look_first: 0,
            n_ids: 0,
            unverified: 0,
            strs: [0; PROBES1],
            hashes: [0; PROBES1],
            touched: 0,
            ids: [0; PROBE1_IDS],
            words: [0; PROBE1_IDS],
        };
        if lookalikes && !self.members.is_empty() {
            p.look_home = (mix(read_key) >> (64 - self.bits)) as usize;
        }
        for (i, s) in p.strs.iter_mut().enumerate().take(n) {
            *s = delete_packed(packed, i);
        }
        p.strs[n] = packed;
        // A read two or more characters longer than every plate has no string in the table
        // (and its strings' values may not fit the table's hash).
        let count = if n > self.d1.max_len + 1 {
            0
        } else if self.lengths >> (n + 1) & 1 == 1 {
            n + 1
        } else {
            n
        };
        let values = d1_values(packed, n);
        for (h, &value) in p.hashes.iter_mut().zip(&values).take(count) {
            *h = self.d1.hash(value);
        }
        p.count = count as u8;
        p
    }

    /// The depth-1 slot `i` (line `i / 8`, place `i % 8`).
    #[inline]
    fn d1_slot(&self, i: usize) -> u64 {
        self.del1[i >> 3].0[i & 7]
    }

    /// A probe's second step: the look-alike home tag (kept in the probe) and the first slot of
    /// every probe string's home line, loaded (independent loads the CPU overlaps, bringing the
    /// lines the walk reads into the cache; a batch runs this step for a block of reads before
    /// walking any, so that their misses overlap too).
    #[inline]
    pub(crate) fn probe1_load(&self, p: &mut Probe1) {
        if let Some(&t) = self.tags.get(p.look_home) {
            p.look_first = t;
        }
        let mut touched = 0;
        for k in 0..usize::from(p.count) {
            touched ^= self.d1_slot(self.d1.home(p.hashes[k]));
        }
        p.touched = touched;
    }

    /// Calls `f(id, word, verified)` for every slot of the probe's strings whose entry may be
    /// within one edit of the read: `word` is the entry's by-id word as rebuilt from the slot
    /// (plate and attribute flags), `verified` whether it is certainly the entry's (else only
    /// the by-id array says).
    ///
    /// A slot whose fingerprint agrees names the deleted position and character of its entry,
    /// so the entry is rebuilt from the probe string in registers and kept only when it is
    /// within one edit of the read ([`d1_within_one`]): the many entries sharing a deletion
    /// string at distance 2 (dense plate formats) cost no load. A probe starts at the first
    /// slot of its home line, which nearly always holds its whole run (3.6 slots of 8 filled
    /// on average): one cache line a string. In the home line only slots placed at home can be
    /// the string's; in the lines after it (a full home line), only foreign ones. With an exact
    /// layout a home slot whose fingerprint agrees is the string's, so its rebuilt entry is
    /// verified; a foreign one is not (its home line is not known).
    #[inline]
    #[allow(clippy::many_single_char_names)] // p, f, n, k, s, m: probe, callback, lengths, masks.
    fn d1_walk(&self, p: &Probe1, mut f: impl FnMut(u32, u64, bool)) {
        let last_line = self.del1.len() - 1;
        let n = usize::from(p.n);
        let d1 = self.d1;
        let key_mask = d1.key_mask();
        for k in 0..usize::from(p.count) {
            let s = p.strs[k];
            let mut line = d1.home(p.hashes[k]) >> 3;
            // Home line: the string's key with the foreign bit clear (never an empty slot's:
            // its foreign bit is set).
            let mut want = d1.key(p.hashes[k]);
            let mut verified = d1.exact;
            loop {
                // A whole line at once, without a branch a slot: which slots have the key. A
                // line's filled slots are a prefix of it (every insertion goes to the first empty
                // slot from some line's start), so the run goes on into the next line only when
                // the last slot is filled.
                let slots = &self.del1[line].0;
                let mut m = 0u32;
                for (j, &v) in slots.iter().enumerate() {
                    m |= u32::from(v & key_mask == want) << j;
                }
                while m != 0 {
                    let v = slots[m.trailing_zeros() as usize];
                    m &= m - 1;
                    if v == u64::MAX {
                        continue; // an empty slot, whose bits are all ones (past the home line)
                    }
                    let (entry, inserted) = d1.rebuild(s, v);
                    if k == n || !inserted || d1_within_one(p.packed, entry) {
                        f(d1.id(v), entry | d1.attrs(v) << ATTR_SHIFT, verified);
                    }
                }
                if slots[7] == u64::MAX {
                    break;
                }
                line = (line + 1) & last_line;
                want = d1.key(p.hashes[k]) | d1.foreign();
                verified = false;
            }
        }
    }

    /// A probe's third step: the walks ([`Index::d1_walk`]), the distinct candidates' ids kept
    /// in the probe (the first [`PROBE1_IDS`]; all are counted), with their by-id words when
    /// the walk verified them.
    #[inline]
    pub(crate) fn probe1_walk(&self, p: &mut Probe1) {
        let (mut ids, mut words, mut n_ids, mut unverified) = ([0u32; PROBE1_IDS], [0u64; PROBE1_IDS], 0usize, 0u32);
        self.d1_walk(p, |id, word, verified| {
            if let Some(at) = ids[..n_ids.min(PROBE1_IDS)].iter().position(|&x| x == id) {
                if verified {
                    words[at] = word;
                    unverified &= !(1 << at);
                }
                return;
            }
            if n_ids < PROBE1_IDS {
                ids[n_ids] = id;
                words[n_ids] = word;
                unverified |= u32::from(!verified) << n_ids;
            }
            n_ids += 1;
        });
        p.ids = ids;
        p.words = words;
        p.unverified = unverified as u16;
        p.n_ids = n_ids.min(usize::from(u8::MAX)) as u8;
    }

    /// A probe's fourth step: the by-id words (plate and attribute flags) of the candidates the
    /// walk could not verify, loaded into the probe (independent loads again; a batch runs this
    /// step for a block of reads before finishing any). With an exact layout nearly every
    /// candidate is verified, so nearly no read loads anything here.
    #[inline]
    pub(crate) fn probe1_words(&self, p: &mut Probe1) {
        let mut m = p.unverified;
        while m != 0 {
            let k = m.trailing_zeros() as usize;
            p.words[k] = self.plates[p.ids[k] as usize];
            m &= m - 1;
        }
    }

    /// A probe's last step: reports the look-alike candidates, then the edit candidates, as
    /// [`Index::lookalikes_and_edits`] does. Each edit candidate is reported with its true
    /// plate: verified by an exact layout, or from the by-id array, so a fingerprint collision
    /// costs that load and the caller's classification of the true plate decides: it can never
    /// make a wrong hit.
    #[inline]
    pub(crate) fn probe1_finish(&self, p: &Probe1, mut f: impl FnMut(Candidate)) {
        if p.look_home != usize::MAX {
            self.lookalikes_from(p.read_key, p.look_home, p.look_first, |id, q, a| {
                f(Candidate::Lookalike(id, q, a));
            });
        }
        let kept = usize::from(p.n_ids).min(PROBE1_IDS);
        for k in 0..kept {
            f(edit_candidate_of(p.ids[k], p.words[k]));
        }
        if usize::from(p.n_ids) > PROBE1_IDS {
            // More candidates than the probe holds (rare: a read within one edit of many
            // entries): walk again and report the others (some may come twice).
            self.d1_walk(p, |id, _, _| {
                if !p.ids.contains(&id) {
                    f(self.edit_candidate(id));
                }
            });
        }
    }

    /// The edit candidate of entry `id`, from the by-id array.
    #[inline]
    fn edit_candidate(&self, id: u32) -> Candidate {
        edit_candidate_of(id, self.plates[id as usize])
    }

    /// Proposes the pattern entries the read (its plate and 6-bit codes) may match: calls
    /// `f(entry id, pattern)` for each candidate, a superset of the matches (an entry may come
    /// more than once). The rule decides: [`Compiled::matches_codes`].
    pub(crate) fn pattern_candidates(&self, read: Plate, codes: &[u8], f: impl FnMut(u32, &Compiled)) {
        self.patterns.candidates(read.packed(), codes, f);
    }
}

/// The most strings a depth-1 probe looks up: a read's 10 single deletions and itself.
const PROBES1: usize = PLATE_MAX_LEN + 1;

/// One read's probe of a depth-1 deletion table, in steps that a batch interleaves across
/// reads: [`Index::probe1`] (hashes, no load), [`Index::probe1_load`] (the first loads, all
/// independent), [`Index::probe1_walk`] (the walks, in lines already loaded),
/// [`Index::probe1_words`] (the candidates' plates, independent loads),
/// [`Index::probe1_finish`] (reporting). Valid only with the index that made it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Probe1 {
    read_key: u64,
    packed: u64,
    /// The read's length.
    n: u8,
    /// The strings probed: `strs[..n]` the read without one character, `strs[n]` the read.
    count: u8,
    /// The read's look-alike home slot (`usize::MAX`: the table is empty) and its tag.
    look_home: usize,
    look_first: u8,
    /// The number of distinct edit candidates the walk found (the first [`PROBE1_IDS`] in
    /// `ids`, their by-id words in `words`).
    n_ids: u8,
    /// Bit `k`: the word of candidate `k` is not verified yet (loaded by
    /// [`Index::probe1_words`]).
    unverified: u16,
    strs: [u64; PROBES1],
    hashes: [u64; PROBES1],
    /// The xor of the first slot of each string's home line and of the look-alike home tag: the
    /// loads of [`Index::probe1_load`], kept only so that they are made.
    touched: u64,
    ids: [u32; PROBE1_IDS],
    words: [u64; PROBE1_IDS],
}

/// The edit candidates a [`Probe1`] holds; a read with more is walked again to report them.
const PROBE1_IDS: usize = 16;

/// One cache line of the depth-1 deletion table: 8 slots, aligned so that a probe's home line
/// is one line of memory.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([u64; 8]);

/// The edit candidate of entry `id` whose by-id word (plate and attribute flags) is `word`.
#[inline]
fn edit_candidate_of(id: u32, word: u64) -> Candidate {
    Candidate::Edit(
        id,
        Plate::from_packed_trusted(word & ((1 << ATTR_SHIFT) - 1)),
        (word >> ATTR_SHIFT) as u8,
    )
}

/// A depth-1 slot's deleted position and character, `position * 37 + code` (9 bits, at most
/// [`D1_PC_NONE`], so never all ones).
const D1_PC_BITS: u32 = 9;
/// The position-and-character of an entry filed under its own plate (position 10, code 0).
const D1_PC_NONE: u64 = 10 * CODES as u64;
/// The bits of a depth-1 slot below its fingerprint besides the id: position and character,
/// attribute flags (3), and the foreign bit (1).
const D1_LOW_BITS: u32 = D1_PC_BITS + 3 + 1;
/// No limit on a depth-1 table's fingerprint bits but the slot's room.
const D1_FP_ALL: u32 = 64;

/// 36^i.
const POW36: [u64; PLATE_MAX_LEN + 1] = {
    let mut t = [1u64; PLATE_MAX_LEN + 1];
    let mut i = 1;
    while i <= PLATE_MAX_LEN {
        t[i] = t[i - 1] * 36;
        i += 1;
    }
    t
};

/// The values of a depth-1 probe's strings for a packed plate of `n` characters: `[i]` for
/// `i < n` the plate without character `i`, `[n]` the plate itself. A string's value is its
/// number in bijective base 36 (codes 1..=36 are the digits, the first character the most
/// significant): distinct strings of up to 10 characters have distinct values, all below
/// 36·(36^10 − 1)/35 < 2^52.
#[inline]
fn d1_values(packed: u64, n: usize) -> [u64; PROBES1] {
    let code = |i: usize| (packed >> (6 * (PLATE_MAX_LEN - 1 - i))) & 0x3F;
    let mut prefix = [0u64; PROBES1]; // prefix[i]: the value of the first i characters
    for i in 0..n {
        prefix[i + 1] = prefix[i] * 36 + code(i);
    }
    let mut out = [0u64; PROBES1];
    let mut suffix = 0u64; // the value of the characters after i
    for i in (0..n).rev() {
        out[i] = prefix[i] * POW36[n - 1 - i] + suffix;
        suffix += code(i) * POW36[n - 1 - i];
    }
    out[n] = prefix[n];
    out
}

/// The bits of the values of strings of up to `max_len` characters ([`d1_values`]: at most
/// 36·(36^max_len − 1)/35; 52 bits for 10 characters, 37 for 7).
fn d1_value_bits(max_len: usize) -> u32 {
    let top = (1..=max_len).map(|m| POW36[m]).sum::<u64>();
    u64::BITS - top.leading_zeros()
}

/// A bijection of `[0, 2^bits)` (odd multipliers and xor-shifts by at least half the width,
/// modulo `2^bits`; `2 <= bits <= 64`): the depth-1 table's hash of a string's value, so that
/// the hash's high bits (the home line) and its low bits (the fingerprint) together name exactly
/// one string.
#[inline]
fn mix_bits(v: u64, bits: u32) -> u64 {
    let m = u64::MAX >> (64 - bits);
    let shift = bits.div_ceil(2);
    let v = v.wrapping_mul(0x9E37_79B9_7F4A_7C15) & m;
    let v = v ^ (v >> shift);
    let v = v.wrapping_mul(0xD6E8_FEB8_6659_FD93) & m;
    v ^ (v >> shift)
}

/// How a depth-1 table packs its slots (see [`build_deletions1`]): from the low bits, the entry
/// id (`id_bits`), the deleted position and character ([`D1_PC_BITS`]), the entry's attribute
/// flags (3), the foreign bit (the slot is not in its string's home line), and the fingerprint
/// above them, the low bits of the string's hash, as many as fit.
#[derive(Clone, Copy, Debug, Default)]
struct D1Layout {
    /// The width of the strings' values and hashes ([`mix_bits`]).
    value_bits: u32,
    /// The longest plate filed: a read longer by two or more has no string in the table.
    max_len: usize,
    /// The table has `2^line_bits` lines; a hash's high `line_bits` bits are its home line.
    line_bits: u32,
    id_bits: u32,
    /// The hash bits kept as fingerprint (all the bits below the home line's when `exact`).
    fp_mask: u64,
    /// The fingerprint is all of the hash below the home line's bits: a slot in its home line
    /// whose fingerprint equals a string's is that string's (the hash is a bijection), so its
    /// rebuilt entry is the entry's plate and needs no check against the by-id array.
    exact: bool,
}

impl D1Layout {
    /// The layout of a table of `2^line_bits` lines for `keys` entry ids whose plates have at
    /// most `max_len` characters, with at most `fp_max` fingerprint bits ([`D1_FP_ALL`]; fewer
    /// only in tests: 0 for a table in which every fingerprint collides).
    fn new(line_bits: u32, keys: usize, max_len: usize, fp_max: u32) -> D1Layout {
        let value_bits = d1_value_bits(max_len).max(line_bits).max(2);
        let id_bits = (usize::BITS - keys.saturating_sub(1).leading_zeros()).max(1);
        let below_line = value_bits - line_bits;
        let fp_bits = (64 - D1_LOW_BITS - id_bits).min(below_line).min(fp_max);
        D1Layout {
            value_bits,
            max_len,
            line_bits,
            id_bits,
            fp_mask: (1u64 << fp_bits) - 1,
            exact: fp_max > 0 && fp_bits == below_line,
        }
    }

    /// Where the fingerprint starts.
    #[inline]
    fn fp_shift(self) -> u32 {
        self.id_bits + D1_LOW_BITS
    }

    /// The foreign bit.
    #[inline]
    fn foreign(self) -> u64 {
        1 << (self.fp_shift() - 1)
    }

    /// The first slot of the home line of a string of hash `h`.
    #[inline]
    fn home(self, h: u64) -> usize {
        ((h >> (self.value_bits - self.line_bits)) as usize) << 3
    }

    /// The hash of a string's value.
    #[inline]
    fn hash(self, value: u64) -> u64 {
        mix_bits(value, self.value_bits)
    }

    /// The slot bits of a string of hash `h`, as found in its home line: its fingerprint, the
    /// foreign bit clear.
    #[inline]
    fn key(self, h: u64) -> u64 {
        (h & self.fp_mask) << self.fp_shift()
    }

    /// The bits of a slot a probe compares: fingerprint and foreign bit.
    #[inline]
    fn key_mask(self) -> u64 {
        !0 << (self.fp_shift() - 1)
    }

    /// A slot: the string of hash `h` (placed foreign or not), entry `id` with attribute flags
    /// `attrs`, its deleted position-and-character `pc`.
    #[inline]
    fn slot(self, h: u64, foreign: bool, attrs: u8, pc: u64, id: u32) -> u64 {
        self.key(h)
            | if foreign { self.foreign() } else { 0 }
            | u64::from(attrs & ATTR_UNKNOWN) << (self.id_bits + D1_PC_BITS)
            | pc << self.id_bits
            | u64::from(id)
    }

    /// The entry id of slot `v`.
    #[inline]
    fn id(self, v: u64) -> u32 {
        (v & ((1 << self.id_bits) - 1)) as u32
    }

    /// The attribute flags of slot `v`.
    #[inline]
    fn attrs(self, v: u64) -> u64 {
        (v >> (self.id_bits + D1_PC_BITS)) & u64::from(ATTR_UNKNOWN)
    }

    /// The entry of slot `v`, rebuilt from the probe string `s` it was found under (packed): `s`
    /// with the slot's character put back at the slot's position, and true; or `s` itself and
    /// false for an entry filed under its own plate. Garbage in a colliding slot only rebuilds
    /// some other string (never a panic).
    #[inline]
    fn rebuild(self, s: u64, v: u64) -> (u64, bool) {
        let pc = (v >> self.id_bits) & ((1 << D1_PC_BITS) - 1);
        let (at, code) = (pc / CODES as u64, pc % CODES as u64);
        if at >= PLATE_MAX_LEN as u64 {
            (s, false)
        } else {
            (insert_packed(s, at as usize, code), true)
        }
    }
}

/// Whether `entry`, a packed plate of the read's length (rebuilt by [`D1Layout::rebuild`] from
/// one of the read's single deletions), is within one edit of `read`, as the matcher's
/// `within_one_packed` checks it: one substitution at most.
#[inline]
fn d1_within_one(read: u64, entry: u64) -> bool {
    let diff = read ^ entry;
    if diff == 0 {
        return true;
    }
    // Both use the low 60 bits: 4 leading zeros before the first character.
    let i = (diff.leading_zeros() as usize - 4) / 6;
    delete_packed(read, i) == delete_packed(entry, i)
}

/// The packed string `s` with the 6-bit `code` put in at position `at` (< 10), its characters
/// from `at` on moved one place along (a tenth character falls off).
#[inline]
fn insert_packed(s: u64, at: usize, code: u64) -> u64 {
    let below = 6 * (PLATE_MAX_LEN - 1 - at); // the bits of the characters after `at`
    let head = s >> (below + 6) << (below + 6);
    let tail = (s & ((1u64 << (below + 6)) - 1)) >> 6;
    head | code << below | tail
}

/// The 6-bit codes of a plate and its length.
#[inline]
pub(crate) fn codes_of(p: Plate) -> ([u8; PLATE_MAX_LEN], usize) {
    let mut codes = [0u8; PLATE_MAX_LEN];
    let n = p.len();
    for (i, c) in codes.iter_mut().enumerate().take(n) {
        *c = p.code_at(i);
    }
    (codes, n)
}

/// Packs up to 10 codes like a plate (the empty string packs to 0).
#[inline]
fn pack_codes(codes: &[u8]) -> u64 {
    let mut packed = 0u64;
    for i in 0..PLATE_MAX_LEN {
        packed <<= 6;
        if let Some(&c) = codes.get(i) {
            packed |= u64::from(c);
        }
    }
    packed
}

/// The packed string of a packed plate without its character `i` (the same as [`pack_codes`]
/// of the codes without that one).
#[inline]
pub(crate) fn delete_packed(packed: u64, i: usize) -> u64 {
    let below = 6 * (PLATE_MAX_LEN - 1 - i); // the bits of the characters after `i`
    let head = packed >> (below + 6) << (below + 6);
    let tail = packed & ((1u64 << below) - 1);
    head | tail << 6
}

/// Calls `f` on `s` and on every string obtained by deleting up to `k` of its characters (each
/// deletion set once; equal strings may repeat).
fn for_each_deletion(s: &[u8], k: u8, f: &mut impl FnMut(&[u8])) {
    f(s);
    deletions_from(s, k, 0, f);
}

/// Deletions of up to `k` characters at positions `from..` (never emits `s` itself).
#[allow(clippy::many_single_char_names)]
fn deletions_from(s: &[u8], k: u8, from: usize, f: &mut impl FnMut(&[u8])) {
    if k == 0 {
        return;
    }
    for i in from..s.len() {
        let n = s.len() - 1;
        let mut t = [0u8; PLATE_MAX_LEN];
        t[..i].copy_from_slice(&s[..i]);
        t[i..n].copy_from_slice(&s[i + 1..]);
        f(&t[..n]);
        deletions_from(&t[..n], k - 1, i, f);
    }
}

/// Builds the depth-1 deletion table of the plate keys (`max_edits = 1`), from each key with
/// its attribute flags (`keys` ids in all): each plate is filed under itself and under each of
/// its single deletions (equal deletions, from a run of one character, once: the run's first
/// position). A string's hash is [`mix_bits`] of its value ([`d1_values`]) over the width of
/// the longest plate's values; its home line is the
/// hash's high bits, and its slot the first empty one from that line's start on (linear probing;
/// at 3/4 of the slots filled at most, nearly every run ends in its home line). A slot holds
/// ([`D1Layout`]) the string's fingerprint, whether the slot is foreign (not in the string's home
/// line), the entry's attribute flags, the deleted position and character (so that a probe
/// rebuilds the entry, [`D1Layout::rebuild`]) and the entry id; never `u64::MAX` (the
/// position-and-character is at most [`D1_PC_NONE`]). At most `fp_max` fingerprint bits are
/// kept ([`D1_FP_ALL`]; fewer in tests).
fn build_deletions1<'a>(
    keys: impl Iterator<Item = (&'a PlateOrPattern, u8)>,
    n_keys: usize,
    fp_max: u32,
) -> (D1Layout, Vec<Line>) {
    // (hash, attrs << 41 | position-and-character << 32 | id)
    let mut items: Vec<(u64, u64)> = Vec::new();
    let keys: Vec<(&PlateOrPattern, u8)> = keys.collect();
    let max_len = keys
        .iter()
        .map(|(k, _)| match k {
            PlateOrPattern::Plate(p) => p.len(),
            PlateOrPattern::Pattern(_) => 0,
        })
        .max()
        .unwrap_or(0);
    let value_bits = d1_value_bits(max_len);
    for (id, &(key, attrs)) in keys.iter().enumerate() {
        let PlateOrPattern::Plate(p) = key else { continue };
        let packed = p.packed();
        let n = p.len();
        let values = d1_values(packed, n);
        let rest = u64::from(attrs & ATTR_UNKNOWN) << 41 | u64::from(id as u32);
        items.push((values[n], rest | D1_PC_NONE << 32));
        let mut prev = u8::MAX;
        for (j, &value) in values.iter().enumerate().take(n) {
            let c = p.code_at(j);
            if c != prev {
                let pc = j as u64 * CODES as u64 + u64::from(c);
                items.push((value, rest | pc << 32));
            }
            prev = c;
        }
    }
    // Lines: 8 slots each, at least 2, at most 3/4 of the slots filled.
    let line_bits = slot_bits(items.len()).max(4) - 3;
    let layout = D1Layout::new(line_bits, n_keys, max_len, fp_max);
    debug_assert!(layout.value_bits >= value_bits);
    let mask = (8usize << line_bits) - 1;
    let mut table = vec![Line([u64::MAX; 8]); 1 << line_bits];
    for (value, rest) in items {
        let h = layout.hash(value);
        let home = layout.home(h);
        let mut i = home;
        while table[i >> 3].0[i & 7] != u64::MAX {
            i = (i + 1) & mask;
        }
        let (attrs, pc, id) = ((rest >> 41) as u8, (rest >> 32) & 0x1FF, rest as u32);
        table[i >> 3].0[i & 7] = layout.slot(h, i >> 3 != home >> 3, attrs, pc, id);
    }
    (layout, table)
}

/// Builds the deletion table of the plate keys.
fn build_deletions<'a>(keys: impl Iterator<Item = &'a PlateOrPattern>, max_edits: u8) -> (u32, Vec<u64>) {
    let mut items: Vec<u64> = Vec::new();
    let mut seen: Vec<u64> = Vec::with_capacity(64);
    for (id, key) in keys.enumerate() {
        let PlateOrPattern::Plate(p) = key else { continue };
        let (codes, n) = codes_of(*p);
        seen.clear();
        for_each_deletion(&codes[..n], max_edits, &mut |s| {
            let h = mix(pack_codes(s));
            if !seen.contains(&h) {
                seen.push(h);
            }
        });
        for &h in &seen {
            // Slot position from the high bits (recomputed at insert time), fingerprint high 32.
            items.push(h);
            items.push(u64::from(id as u32));
        }
    }
    let count = items.len() / 2;
    let bits = slot_bits(count);
    let mask = (1usize << bits) - 1;
    let mut table = vec![u64::MAX; 1 << bits];
    for pair in items.chunks_exact(2) {
        let (h, id) = (pair[0], pair[1]);
        let mut i = (h >> (64 - bits)) as usize;
        while table[i] != u64::MAX {
            i = (i + 1) & mask;
        }
        table[i] = (h & 0xFFFF_FFFF_0000_0000) | id;
    }
    (bits, table)
}

/// An anchor shape: which characters of a read make up its key in one pattern table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Shape {
    /// Characters at fixed places: bit `i` of `head` is the read's `i`-th character, bit `j` of
    /// `tail` its `j`-th from the end. `len` is the read's length when the patterns of the shape
    /// have no `*` (0: any length that holds every place).
    Fixed { len: u8, head: u16, tail: u16 },
    /// This many consecutive characters anywhere (a literal run between two stars).
    Floating(u8),
}

/// Most shapes filed by all their fixed literals ([`full_anchor_of`]); the patterns of rarer
/// shapes are filed under a run of at most 3 literals ([`anchor_of`]), whose shapes are few
/// whatever the list, so that a read never probes more than a few dozen tables.
const MAX_FULL_SHAPES: usize = 16;

/// A multiply-shift hasher for the integer keys of the pattern tables (std's SipHash costs more
/// than the whole probe).
#[derive(Default, Clone, Copy)]
struct MulHasher(u64);

impl std::hash::Hasher for MulHasher {
    fn finish(&self) -> u64 {
        mix(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).rotate_left(5);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<MulHasher>>;

/// Packed anchor text (the shape's characters, 6 bits each) → range of `PatternIndex::compiled`.
type AnchorTable = FastMap<u64, (u32, u32)>;

/// A pattern entry filed in the table: its entry id and the pattern packed by the rule's own
/// module, so that the caller can decide a candidate without touching the entry.
#[derive(Clone, Copy, Debug)]
struct Filed {
    id: u32,
    pattern: Compiled,
}

/// One anchor shape in use and its table.
#[derive(Clone, Debug)]
struct ShapeTable {
    shape: Shape,
    /// For [`Shape::Fixed`]: the bits of the `head` places in a packed plate, the bits of the
    /// `tail` places in a packed plate shifted right by its padding, and the shortest read that
    /// holds every place.
    head_bits: u64,
    tail_bits: u64,
    reach: usize,
    /// Anchor text ([`fixed_text`] or [`pack_anchor`]) → range of `PatternIndex::compiled`.
    table: AnchorTable,
}

impl ShapeTable {
    fn new(shape: Shape) -> ShapeTable {
        let (mut head_bits, mut tail_bits, mut reach) = (0u64, 0u64, 0usize);
        if let Shape::Fixed { head, tail, .. } = shape {
            for i in (0..PLATE_MAX_LEN).filter(|i| head >> i & 1 == 1) {
                head_bits |= 0x3f << (6 * (PLATE_MAX_LEN - 1 - i));
                reach = reach.max(i + 1);
            }
            for j in (0..PLATE_MAX_LEN).filter(|j| tail >> j & 1 == 1) {
                tail_bits |= 0x3f << (6 * j);
                reach = reach.max(j + 1);
            }
        }
        ShapeTable {
            shape,
            head_bits,
            tail_bits,
            reach,
            table: AnchorTable::default(),
        }
    }
}

/// The text of a fixed anchor: the characters at the head places where a packed plate holds
/// them, xor the characters at the tail places where the plate shifted right by its padding
/// holds them (the tail's last character in the lowest bits). A read computes it with two masks
/// and a shift; two anchors of one shape may share a text when head and tail bits overlap, which
/// only adds candidates.
#[inline]
fn fixed_text(head: u64, tail: u64) -> u64 {
    head ^ tail
}

/// Patterns filed by anchor.
#[derive(Clone, Debug, Default)]
struct PatternIndex {
    /// The shapes in use, each with its table: anchor text → range of `compiled`.
    shapes: Vec<ShapeTable>,
    /// Filed patterns, grouped by (shape, anchor text); those without a literal last.
    compiled: Vec<Filed>,
    /// Start of the patterns with no literal (checked for every read).
    scan_from: usize,
}

impl PatternIndex {
    fn len(&self) -> usize {
        self.compiled.len()
    }

    fn heap_bytes(&self) -> usize {
        // A table slot: the 8-byte key, the 8-byte range and a control byte.
        self.shapes.iter().map(|s| s.table.capacity() * 17).sum::<usize>()
            + self.compiled.capacity() * std::mem::size_of::<Filed>()
    }

    fn build<'a>(keys: impl Iterator<Item = &'a PlateOrPattern>) -> PatternIndex {
        PatternIndex::build_with(keys, MAX_FULL_SHAPES)
    }

    /// [`PatternIndex::build`] with at most `max_full` shapes of [`full_anchor_of`].
    fn build_with<'a>(keys: impl Iterator<Item = &'a PlateOrPattern>, max_full: usize) -> PatternIndex {
        let patterns: Vec<(u32, &Pattern)> = keys
            .enumerate()
            .filter_map(|(id, key)| match key {
                PlateOrPattern::Pattern(p) => Some((id as u32, p)),
                PlateOrPattern::Plate(_) => None,
            })
            .collect();
        PatternIndex::of_patterns(&patterns, max_full)
    }

    /// [`PatternIndex::build_with`] of the patterns with their entry ids, in id order.
    fn of_patterns(patterns: &[(u32, &Pattern)], max_full: usize) -> PatternIndex {
        // The most common full shapes (ties by shape, so the index does not depend on the
        // hasher) keep all their literals in the key.
        let full: Vec<Option<(Shape, u64)>> = patterns.iter().map(|(_, p)| full_anchor_of(p)).collect();
        let mut counts: HashMap<Shape, usize> = HashMap::new();
        for (shape, _) in full.iter().flatten() {
            *counts.entry(*shape).or_default() += 1;
        }
        let mut by_count: Vec<(usize, Shape)> = counts.into_iter().map(|(s, c)| (c, s)).collect();
        by_count.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let kept: Vec<Shape> = by_count.into_iter().take(max_full).map(|(_, s)| s).collect();

        let mut anchored: Vec<(Shape, u64, Filed)> = Vec::new();
        let mut scan: Vec<Filed> = Vec::new();
        for (&(id, p), f) in patterns.iter().zip(full) {
            let c = Filed {
                id,
                pattern: p.compile(),
            };
            match f.filter(|(shape, _)| kept.contains(shape)).or_else(|| anchor_of(p)) {
                Some((shape, text)) => anchored.push((shape, text, c)),
                None => scan.push(c),
            }
        }
        anchored.sort_by_key(|(shape, text, c)| (*shape, *text, c.id));
        let mut idx = PatternIndex::default();
        let mut i = 0;
        while i < anchored.len() {
            let (shape, text, _) = anchored[i];
            let start = idx.compiled.len() as u32;
            while i < anchored.len() && anchored[i].0 == shape && anchored[i].1 == text {
                idx.compiled.push(anchored[i].2);
                i += 1;
            }
            if idx.shapes.last().is_none_or(|s| s.shape != shape) {
                idx.shapes.push(ShapeTable::new(shape));
            }
            if let Some(s) = idx.shapes.last_mut() {
                s.table.insert(text, (start, idx.compiled.len() as u32));
            }
        }
        idx.scan_from = idx.compiled.len();
        idx.compiled.extend(scan);
        idx
    }

    /// Calls `f(entry id, pattern)` for every pattern filed under an anchor that `codes` holds
    /// at the anchor's places, and for every pattern without an anchor: the candidates, a
    /// superset of the patterns that match (an entry may come twice when a floating anchor
    /// occurs twice in the read). `packed` is the read packed as a plate ([`Plate::packed`]),
    /// `codes` its codes. The caller decides each with [`Compiled::matches_codes`].
    fn candidates(&self, packed: u64, codes: &[u8], mut f: impl FnMut(u32, &Compiled)) {
        let n = codes.len();
        let mut check = |range: Option<&(u32, u32)>| {
            if let Some(&(a, b)) = range {
                for c in &self.compiled[a as usize..b as usize] {
                    f(c.id, &c.pattern);
                }
            }
        };
        let pad = 6 * (PLATE_MAX_LEN - n.min(PLATE_MAX_LEN));
        for s in &self.shapes {
            match s.shape {
                Shape::Fixed { len, .. } => {
                    if (len != 0 && usize::from(len) != n) || n < s.reach {
                        continue;
                    }
                    check(
                        s.table
                            .get(&fixed_text(packed & s.head_bits, (packed >> pad) & s.tail_bits)),
                    );
                }
                Shape::Floating(len) => {
                    for w in codes.windows(usize::from(len)) {
                        check(s.table.get(&pack_anchor(w)));
                    }
                }
            }
        }
        for c in &self.compiled[self.scan_from..] {
            f(c.id, &c.pattern);
        }
    }
}

/// Packs up to 10 codes, the first in the highest bits.
#[inline]
fn pack_anchor(codes: &[u8]) -> u64 {
    codes.iter().fold(0u64, |acc, &c| acc << 6 | u64::from(c))
}

/// The full anchor of a pattern: every literal at a fixed place (before the first `*` from the
/// start, after the last from the end; up to [`PLATE_MAX_LEN`] of them, the first ones) and,
/// without a `*`, the length. A read matching the pattern holds those literals at those places,
/// and nearly only such reads do, so a candidate is nearly always a match. `None` without a
/// literal at a fixed place.
fn full_anchor_of(p: &Pattern) -> Option<(Shape, u64)> {
    let tokens = p.tokens();
    let first_star = tokens.iter().position(|t| *t == Token::Star);
    let last_star = tokens.iter().rposition(|t| *t == Token::Star);
    let (mut head, mut tail, mut head_text, mut tail_text) = (0u16, 0u16, 0u64, 0u64);
    for (i, t) in tokens[..first_star.unwrap_or(tokens.len())].iter().enumerate() {
        if let (Token::Literal(c), true) = (t, i < PLATE_MAX_LEN) {
            head |= 1 << i;
            head_text |= u64::from(*c) << (6 * (PLATE_MAX_LEN - 1 - i));
        }
    }
    if let Some(s) = last_star {
        for (j, t) in tokens[s + 1..].iter().rev().enumerate() {
            if let (Token::Literal(c), true) = (t, j < PLATE_MAX_LEN) {
                tail |= 1 << j;
                tail_text |= u64::from(*c) << (6 * j);
            }
        }
    }
    if head == 0 && tail == 0 {
        return None;
    }
    let len = match first_star {
        Some(_) => 0,
        None => u8::try_from(tokens.len()).unwrap_or(u8::MAX),
    };
    Some((Shape::Fixed { len, head, tail }, fixed_text(head_text, tail_text)))
}

/// The short anchor of a pattern: the longest (up to 3) literal run, preferring a position fixed
/// from the start, then from the end, then floating. `None` without any literal.
fn anchor_of(p: &Pattern) -> Option<(Shape, u64)> {
    let tokens = p.tokens();
    let first_star = tokens.iter().position(|t| *t == Token::Star);
    let last_star = tokens.iter().rposition(|t| *t == Token::Star);
    let mut best: Option<(u8, u8, Shape, u64)> = None; // (len, preference, shape, text)
    let mut i = 0;
    while i < tokens.len() {
        if !matches!(tokens[i], Token::Literal(_)) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < tokens.len() && matches!(tokens[j], Token::Literal(_)) {
            j += 1;
        }
        // Within the run i..j, take windows of up to 3 literals.
        let len = (j - i).min(3);
        for w in i..=j - len {
            let codes: Vec<u8> = tokens[w..w + len]
                .iter()
                .map(|t| if let Token::Literal(c) = t { *c } else { 0 })
                .collect();
            let run = (1u16 << len) - 1;
            let (shape, text, pref) = if first_star.is_none_or(|s| w < s) && w + len <= PLATE_MAX_LEN {
                let shape = Shape::Fixed {
                    len: 0,
                    head: run << w,
                    tail: 0,
                };
                // Character w+k at its place in a packed plate.
                let head = codes.iter().enumerate().fold(0u64, |acc, (k, &c)| {
                    acc | u64::from(c) << (6 * (PLATE_MAX_LEN - 1 - (w + k)))
                });
                (shape, fixed_text(head, 0), 3)
            } else if last_star.is_some_and(|s| w > s) && tokens.len() - w <= PLATE_MAX_LEN {
                // Character w+k sits tokens.len()-1-(w+k) places from the end.
                let e = tokens.len() - (w + len);
                let shape = Shape::Fixed {
                    len: 0,
                    head: 0,
                    tail: run << e,
                };
                let tail = codes.iter().enumerate().fold(0u64, |acc, (k, &c)| {
                    acc | u64::from(c) << (6 * (tokens.len() - 1 - (w + k)))
                });
                (shape, fixed_text(0, tail), 2)
            } else {
                (Shape::Floating(len as u8), pack_anchor(&codes), 1)
            };
            let cand = (len as u8, pref, shape, text);
            if best.as_ref().is_none_or(|b| (cand.0, cand.1) > (b.0, b.1)) {
                best = Some(cand);
            }
        }
        i = j;
    }
    best.map(|(_, _, shape, text)| (shape, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every plate is found under its confusion key with exactly the entries of that key, in
    /// entry order, at every table size (small tables make probe runs wrap past the last slot).
    #[test]
    fn lookalike_table_finds_every_group_at_every_size() {
        let policy = Policy::sacramento();
        let confusion = IndexParams::of(&policy).confusion;
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let alphabet = b"0O8B1I5S2Z7T";
        for n in 1..300usize {
            let plates: Vec<(u32, Plate)> = (0..n)
                .map(|i| {
                    let mut b = [0u8; 4];
                    for c in &mut b {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        *c = alphabet[(state % alphabet.len() as u64) as usize];
                    }
                    (i as u32, Plate::from_canonical(&b).unwrap())
                })
                .collect();
            let bits = slot_bits(n);
            let (tags, slots, members) = lookalike_table(&plates, &confusion, bits, 1);
            // Filed and sorted in buckets on threads (forced below the size that uses them):
            // the same table.
            for threads in [2, 3] {
                let file = |&(id, p): &(u32, Plate)| Filing {
                    hash: mix(confusion.key(p)),
                    id,
                    plate: p.packed(),
                };
                let buckets = sorted_buckets(&plates, &file, threads);
                let mut all: Vec<Filing> = plates.iter().map(file).collect();
                all.sort_unstable();
                assert_eq!(buckets.concat(), all, "n = {n}, threads = {threads}");
            }
            let index = Index {
                params: IndexParams::of(&policy),
                bits,
                tags,
                slots,
                members,
                del_bits: 0,
                del: Vec::new(),
                del1: Vec::new(),
                d1: D1Layout::default(),
                plates: Vec::new(),
                lengths: 0,
                patterns: PatternIndex::build(std::iter::empty()),
            };
            for &(_, p) in &plates {
                let key = confusion.key(p);
                let want: Vec<(u32, Plate)> = plates
                    .iter()
                    .copied()
                    .filter(|&(_, q)| confusion.key(q) == key)
                    .collect();
                let mut got = Vec::new();
                index.lookalikes(key, |id, q, _| got.push((id, q)));
                assert_eq!(got, want, "n = {n}");
            }
            // A key that is not there finds nothing (and the probe stops).
            let mut none = 0;
            index.lookalikes(confusion.key(Plate::from_canonical(b"QQQQQQQ").unwrap()), |_, _, _| {
                none += 1;
            });
            assert_eq!(none, 0);
        }
    }

    /// The bucket sort of filings is the sort, at sizes past its bucket count, with keys shared
    /// by many plates (skewed buckets) and ids out of order.
    #[test]
    fn filings_sort_as_a_sort_does() {
        for n in [4095usize, 4096, 20_000, 100_003] {
            let v: Vec<Filing> = (0..n as u64)
                .map(|i| {
                    let x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
                    Filing {
                        // A few hot keys among many, and hashes sharing their top bits.
                        hash: if i % 7 == 0 { mix(i % 5) } else { mix(x >> 40) },
                        id: (x >> 33) as u32,
                        plate: x,
                    }
                })
                .collect();
            let mut want = v.clone();
            want.sort_unstable();
            assert_eq!(sort_filings(v), want, "n = {n}");
        }
    }

    /// A large table built on threads (filed and sorted in buckets) is the table built on one.
    #[test]
    fn a_lookalike_table_built_on_threads_is_the_serial_one() {
        let confusion = IndexParams::of(&Policy::sacramento()).confusion;
        let alphabet = b"0O8B1I5S2Z7TAXK";
        let plates: Vec<(u32, Plate)> = (0..PARALLEL_BUILD as u32 + 5000)
            .map(|i| {
                let mut x = u64::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20;
                let mut b = [0u8; 6];
                for c in &mut b {
                    *c = alphabet[(x % alphabet.len() as u64) as usize];
                    x /= alphabet.len() as u64;
                }
                (i, Plate::from_canonical(&b).unwrap())
            })
            .collect();
        let bits = slot_bits(plates.len());
        let flat = |(tags, slots, members): (Vec<u8>, Vec<Slot>, Vec<Member>)| {
            let slots: Vec<(u64, u32)> = slots.iter().map(|s| (s.key, s.start)).collect();
            let members: Vec<(u64, u32)> = members.iter().map(|m| (m.plate, m.id)).collect();
            (tags, slots, members)
        };
        let serial = flat(lookalike_table(&plates, &confusion, bits, 1));
        // usize::MAX: any count a caller gives is bounded by the list's work, not started.
        for threads in [2, 3, usize::MAX] {
            assert!(flat(lookalike_table(&plates, &confusion, bits, threads)) == serial);
        }
    }

    /// The Levenshtein distance of two code strings (the textbook DP).
    fn lev(a: &[u8], b: &[u8]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, &x) in a.iter().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, &y) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(x != y)).min(prev[j + 1] + 1).min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    /// The oracle: the ids of the plate entries of `keys` within one edit of the read whose
    /// codes are `read`.
    fn within_one_of(keys: &[PlateOrPattern], read: &[u8]) -> Vec<u32> {
        (0..keys.len() as u32)
            .filter(|&id| {
                let PlateOrPattern::Plate(p) = &keys[id as usize] else {
                    return false;
                };
                let (pc, pn) = codes_of(*p);
                lev(read, &pc[..pn]) <= 1
            })
            .collect()
    }

    /// A key with given attribute flags (as an entry would give them).
    #[derive(Clone, Copy)]
    struct Flagged<'a>(&'a PlateOrPattern, u8);

    impl sealed::Sealed for Flagged<'_> {}

    impl<'a> IndexKey<'a> for Flagged<'a> {
        fn key(&self) -> &'a PlateOrPattern {
            self.0
        }
        fn attrs(&self) -> u8 {
            self.1
        }
    }

    /// Collects what `lookalikes_and_edits` reports: look-alike ids with plates, edit ids with
    /// plates and attribute flags.
    #[allow(clippy::type_complexity)] // Two lists of tuples, for a test.
    fn probe(index: &Index, confusion: &Confusion, read: Plate, k: u8) -> (Vec<(u32, Plate)>, Vec<(u32, Plate, u8)>) {
        let (mut look, mut edits) = (Vec::new(), Vec::new());
        index.lookalikes_and_edits(confusion.key(read), read, k, |c| match c {
            Candidate::Lookalike(id, p, _) => look.push((id, p)),
            Candidate::Edit(id, p, a) => edits.push((id, p, a)),
        });
        (look, edits)
    }

    /// Whether every pattern of `pats` (those that parse) that matches `read` is among the
    /// candidates of an index with at most `max_full` full-anchor shapes.
    fn candidates_hold(
        pats: &[String],
        read: &str,
        max_full: usize,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let lax = crate::pattern::PatternLimits {
            min_literals: 0,
            max_stars: 9,
            max_positions: 10,
        };
        let keys: Vec<PlateOrPattern> = pats
            .iter()
            .filter_map(|p| match PlateOrPattern::parse(p, lax) {
                Ok(k @ PlateOrPattern::Pattern(_)) => Some(k),
                _ => None,
            })
            .collect();
        let index = PatternIndex::build_with(keys.iter(), max_full);
        let plate: Plate = read.parse().unwrap();
        let (codes, n) = codes_of(plate);
        let mut proposed = Vec::new();
        index.candidates(plate.packed(), &codes[..n], |id, _| proposed.push(id));
        for (id, key) in keys.iter().enumerate() {
            if let PlateOrPattern::Pattern(p) = key
                && p.matches(plate)
            {
                proptest::prop_assert!(proposed.contains(&(id as u32)), "{} not proposed for {}", p, read);
            }
        }
        Ok(())
    }

    /// With every literal at a fixed place in the key, the bench's shapes (`7AB*123`, `?ABC12?`)
    /// propose exactly the patterns that match (no candidate to check for a read that matches
    /// none), and the short anchors (no full shape kept) propose a superset.
    #[test]
    fn full_anchors_propose_only_matches_for_fixed_literals() {
        let pats = ["7AB*123", "?ABC12?", "7AB*124", "?ABC1?", "XYZ*"];
        let keys: Vec<PlateOrPattern> = pats
            .iter()
            .map(|p| PlateOrPattern::parse(p, crate::pattern::PatternLimits::default()).unwrap())
            .collect();
        for read in [
            "7AB123", "7AB9123", "7ABC123", "9ABC129", "8ABC12", "XYZ", "XYZ1", "7AB124", "QQQ",
        ] {
            let plate: Plate = read.parse().unwrap();
            let (codes, n) = codes_of(plate);
            let want: Vec<u32> = (0..keys.len() as u32)
                .filter(|&i| matches!(&keys[i as usize], PlateOrPattern::Pattern(p) if p.matches(plate)))
                .collect();
            let mut got = Vec::new();
            PatternIndex::build(keys.iter()).candidates(plate.packed(), &codes[..n], |id, _| got.push(id));
            got.sort_unstable();
            assert_eq!(got, want, "{read}");
            let mut short = Vec::new();
            PatternIndex::build_with(keys.iter(), 0).candidates(plate.packed(), &codes[..n], |id, _| short.push(id));
            assert!(want.iter().all(|id| short.contains(id)), "{read}");
        }
    }

    /// An index whose depth-1 deletion table compares no fingerprint bit: every slot of a
    /// probed cluster collides, so only the rebuild check and the true plate stand between a
    /// collision and a hit.
    fn colliding_index(keys: &[PlateOrPattern], params: &IndexParams) -> Index {
        let mut index = Index::build(keys, params.clone());
        let (layout, del) = build_deletions1(keys.iter().map(|k| (k, ATTR_UNKNOWN)), keys.len(), 0);
        assert!(!layout.exact && layout.fp_mask == 0);
        index.d1 = layout;
        index.del1 = del;
        index
    }

    /// An index whose depth-1 table keeps 3 fingerprint bits: not exact, so every candidate is
    /// checked against the by-id array, and many collide.
    fn inexact_index(keys: &[PlateOrPattern], params: &IndexParams) -> Index {
        let mut index = Index::build(keys, params.clone());
        let (layout, del) = build_deletions1(keys.iter().map(|k| (k, ATTR_UNKNOWN)), keys.len(), 3);
        assert!(!layout.exact && layout.fp_mask != 0);
        index.d1 = layout;
        index.del1 = del;
        index
    }

    /// The string of bijective base-36 value `v` (the inverse of [`d1_values`]' numbering).
    fn b36_string(mut v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        while v > 0 {
            let d = (v - 1) % 36 + 1;
            out.push(d as u8);
            v = (v - d) / 36;
        }
        out.reverse();
        out
    }

    /// The inverse of [`mix_bits`] over `bits`.
    fn unmix(h: u64, bits: u32) -> u64 {
        let m = u64::MAX >> (64 - bits);
        let shift = bits.div_ceil(2);
        let inverse = |c: u64| {
            let mut x = c; // Newton: each step doubles the correct low bits (3 to start).
            for _ in 0..6 {
                x = x.wrapping_mul(2u64.wrapping_sub(c.wrapping_mul(x)));
            }
            x
        };
        let v = h ^ (h >> shift);
        let v = v.wrapping_mul(inverse(0xD6E8_FEB8_6659_FD93)) & m;
        let v = v ^ (v >> shift);
        v.wrapping_mul(inverse(0x9E37_79B9_7F4A_7C15)) & m
    }

    /// At the bench's size (1,000,000 entries, 2^21 lines) the depth-1 layout is exact for
    /// plates of up to 10 characters: a slot's home line and fingerprint give back its string's
    /// whole hash, so (the hash being a bijection of the values, and the values of the strings)
    /// exactly one string. For plates of up to 9 characters it is exact whenever the table has
    /// as many lines as entries (it has more for plates of 3 characters or more).
    #[test]
    fn the_depth1_layout_is_exact_at_a_million_entries() {
        assert_eq!((d1_value_bits(10), d1_value_bits(7), d1_value_bits(1)), (52, 37, 6));
        let layout = D1Layout::new(21, 1_000_000, 10, D1_FP_ALL);
        assert!(layout.exact);
        assert_eq!(layout.id_bits, 20);
        let below = layout.value_bits - layout.line_bits;
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..1000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let h = x >> 12; // a 52-bit hash
            let slot = layout.slot(h, false, 5, D1_PC_NONE, 999_999);
            let line = (layout.home(h) >> 3) as u64;
            let back = line << below | (slot & layout.key_mask()) >> layout.fp_shift();
            assert_eq!(back, h);
            assert_eq!((layout.id(slot), layout.attrs(slot)), (999_999, 5));
            assert_eq!(slot & layout.foreign(), 0);
        }
        // More entries than the lines allow: the fingerprint is cut, checked by the by-id array.
        assert!(!D1Layout::new(21, 1 << 21, 10, D1_FP_ALL).exact);
        for line_bits in 1..=32 {
            assert!(D1Layout::new(line_bits, 1 << line_bits, 9, D1_FP_ALL).exact);
        }
    }

    /// A table dense enough that runs leave their home line (foreign slots): every probe still
    /// reports exactly the plates within one edit, from the exact layout, the inexact one and
    /// the colliding one.
    #[test]
    fn foreign_slots_are_found_and_checked() {
        let policy = Policy {
            max_edits: 1,
            ..Policy::sacramento()
        };
        let params = IndexParams::of(&policy);
        let mut x = 0x1234_5678_9ABC_DEF1u64;
        let mut keys = Vec::new();
        let alphabet = b"AB12O0XY";
        for _ in 0..600 {
            let mut text = String::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            for i in 0..(4 + x % 3) {
                text.push(alphabet[(x >> (8 + 3 * i)) as usize & 7] as char);
            }
            keys.push(PlateOrPattern::Plate(text.parse().unwrap()));
        }
        let exact = Index::build(&keys, params.clone());
        assert!(exact.d1.exact);
        let foreign = exact
            .del1
            .iter()
            .flat_map(|l| l.0)
            .filter(|&v| v != u64::MAX && v & exact.d1.foreign() != 0)
            .count();
        assert!(foreign > 0);
        for index in [exact, inexact_index(&keys, &params), colliding_index(&keys, &params)] {
            for key in keys.iter().take(150) {
                let PlateOrPattern::Plate(read) = key else { continue };
                let (rc, rn) = codes_of(*read);
                let (look, edits) = probe(&index, &params.confusion, *read, 1);
                let mut got: Vec<u32> = look
                    .iter()
                    .map(|&(id, p)| (id, p))
                    .chain(edits.iter().map(|&(id, p, _)| (id, p)))
                    .filter(|&(id, p)| {
                        assert_eq!(keys[id as usize], PlateOrPattern::Plate(p));
                        let (pc, pn) = codes_of(p);
                        lev(&rc[..rn], &pc[..pn]) <= 1
                    })
                    .map(|(id, _)| id)
                    .collect();
                got.sort_unstable();
                got.dedup();
                let want = within_one_of(&keys, &rc[..rn]);
                assert_eq!(got, want, "{read}");
            }
        }
    }

    /// Dense plates (one format, few characters): most entries sharing a deletion string with a
    /// read are two edits from it. The depth-1 probe rebuilds each from its slot and reports
    /// only those within one edit (none at distance 2 reaches the by-id array), and inserting a
    /// code back is the inverse of deleting it.
    #[test]
    fn the_depth1_probe_reports_no_candidate_at_distance_two() {
        let policy = Policy {
            max_edits: 1,
            ..Policy::sacramento()
        };
        let params = IndexParams::of(&policy);
        let alphabet = ["A", "B", "1", "2"];
        let mut keys = Vec::new();
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    keys.push(PlateOrPattern::Plate(format!("7{a}{b}X{c}9").parse().unwrap()));
                }
            }
        }
        let index = Index::build(&keys, params.clone());
        for read in ["7ABX19", "7ABX1", "7AABX19", "7QQX29", "8ABX19", "7A1X29"] {
            let read: Plate = read.parse().unwrap();
            let (rc, rn) = codes_of(read);
            let (_, edits) = probe(&index, &params.confusion, read, 1);
            let mut got: Vec<u32> = edits.iter().map(|e| e.0).collect();
            got.sort_unstable();
            got.dedup();
            let want = within_one_of(&keys, &rc[..rn]);
            assert_eq!(got, want, "{read}");
        }
        // A read within one edit of more entries than a probe holds: every one is reported.
        let mut keys = Vec::new();
        for at in 0..6 {
            for c in ["Q", "R", "S", "T", "U"] {
                let mut text = String::from("7ABX19");
                text.replace_range(at..=at, c);
                keys.push(PlateOrPattern::Plate(text.parse().unwrap()));
            }
        }
        let index = Index::build(&keys, params.clone());
        let (_, edits) = probe(&index, &params.confusion, "7ABX19".parse().unwrap(), 1);
        let mut got: Vec<u32> = edits.iter().map(|e| e.0).collect();
        got.sort_unstable();
        got.dedup();
        assert!(keys.len() > PROBE1_IDS);
        assert_eq!(got, (0..keys.len() as u32).collect::<Vec<_>>());
        for text in ["A", "7ABC123", "ABCDEFGHJK", "AAB"] {
            let plate: Plate = text.parse().unwrap();
            for at in 0..plate.len() {
                let s = delete_packed(plate.packed(), at);
                assert_eq!(
                    insert_packed(s, at, u64::from(plate.code_at(at))),
                    plate.packed(),
                    "{text} {at}"
                );
            }
        }
    }

    proptest::proptest! {
        /// With every fingerprint forced to collide, the depth-1 probe still reports every plate
        /// entry within one edit of the read, each with its true plate (the plate the matcher
        /// classifies), so that the candidates whose true plate is within one edit, the hits
        /// under `max_edits = 1`, are exactly the Levenshtein oracle's: a collision that gets
        /// past the rebuild check costs a load and is then rejected, never a wrong hit.
        #[test]
        fn colliding_fingerprints_never_change_the_hits(
            plates in proptest::collection::vec("[AB12O0]{1,8}", 1..80),
            read in "[AB12O0]{1,9}",
        ) {
            let policy = Policy { max_edits: 1, ..Policy::sacramento() };
            let params = IndexParams::of(&policy);
            let keys: Vec<PlateOrPattern> = plates.iter().map(|p| PlateOrPattern::Plate(p.parse().unwrap())).collect();
            let read: Plate = read.parse().unwrap();
            let (rc, rn) = codes_of(read);
            let want = within_one_of(&keys, &rc[..rn]);
            for index in [colliding_index(&keys, &params), inexact_index(&keys, &params), Index::build(&keys, params.clone())] {
                let (look, edits) = probe(&index, &params.confusion, read, 1);
                for &(id, p, _) in &edits {
                    proptest::prop_assert_eq!(keys[id as usize].clone(), PlateOrPattern::Plate(p));
                }
                let mut hits: Vec<u32> = look
                    .iter()
                    .map(|&(id, p)| (id, p))
                    .chain(edits.iter().map(|&(id, p, _)| (id, p)))
                    .filter(|&(_, p)| {
                        let (pc, pn) = codes_of(p);
                        lev(&rc[..rn], &pc[..pn]) <= 1
                    })
                    .map(|(id, _)| id)
                    .collect();
                hits.sort_unstable();
                hits.dedup();
                proptest::prop_assert_eq!(&hits, &want);
            }
        }

        /// The depth-1 probe's strings are numbered one to one: the value of the plate without
        /// character `i` (and of the plate itself) is the bijective base-36 number of those codes,
        /// within [`d1_value_bits`] of its length, and [`mix_bits`] is undone by its inverse.
        #[test]
        fn depth1_values_and_hash_are_one_to_one(text in "[A-Z0-9]{1,10}", v in proptest::prelude::any::<u64>(), bits in 2u32..=64) {
            let plate: Plate = text.parse().unwrap();
            let (codes, n) = codes_of(plate);
            let values = d1_values(plate.packed(), n);
            for (i, &value) in values.iter().enumerate().take(n + 1) {
                let mut want = codes[..n].to_vec();
                if i < n {
                    want.remove(i);
                }
                proptest::prop_assert!(value >> d1_value_bits(want.len()) == 0);
                proptest::prop_assert_eq!(b36_string(value), want);
            }
            let v = v & u64::MAX >> (64 - bits);
            proptest::prop_assert!(mix_bits(v, bits) & !(u64::MAX >> (64 - bits)) == 0);
            proptest::prop_assert_eq!(unmix(mix_bits(v, bits), bits), v);
        }

        /// A single deletion computed on the packed plate is the packing of the codes with that
        /// character removed, at every position of every length.
        #[test]
        fn delete_packed_is_the_packed_deletion(text in "[A-Z0-9]{1,10}", at in 0usize..10) {
            let plate: Plate = text.parse().unwrap();
            let (codes, n) = codes_of(plate);
            let i = at % n;
            let mut t = codes[..n].to_vec();
            t.remove(i);
            proptest::prop_assert_eq!(delete_packed(plate.packed(), i), pack_codes(&t));
        }

        /// The combined probe: its look-alike candidates are exactly those of `lookalikes`, in
        /// the same order; its edit candidates hold every plate entry within `max_edits` of the
        /// read (1 by the packed fast path, 2 by the general one), with the entry's plate and
        /// attribute flags; an index built from bare keys reports every attribute as possibly set.
        #[test]
        fn combined_probe_finds_every_lookalike_and_every_edit(
            plates in proptest::collection::vec("[AB12O0]{2,7}", 1..60),
            attrs in proptest::collection::vec(0u8..8, 60),
            read in "[AB12O0]{2,8}",
            k in 1u8..3,
        ) {
            let policy = Policy { max_edits: k, ..Policy::sacramento() };
            let params = IndexParams::of(&policy);
            let keys: Vec<PlateOrPattern> = plates.iter().map(|p| PlateOrPattern::Plate(p.parse().unwrap())).collect();
            let flagged: Vec<Flagged<'_>> = keys.iter().zip(&attrs).map(|(key, &a)| Flagged(key, a)).collect();
            let read: Plate = read.parse().unwrap();
            let (rc, rn) = codes_of(read);
            for (from_entries, index) in [(true, Index::build(flagged.iter().copied(), params.clone())), (false, Index::build(&keys, params.clone()))] {
                let (look, edits) = probe(&index, &params.confusion, read, k);
                let mut want_look = Vec::new();
                index.lookalikes(params.confusion.key(read), |id, p, _| want_look.push((id, p)));
                proptest::prop_assert_eq!(&look, &want_look);
                for (id, key) in keys.iter().enumerate() {
                    let PlateOrPattern::Plate(p) = key else { continue };
                    let (pc, pn) = codes_of(*p);
                    if lev(&rc[..rn], &pc[..pn]) <= usize::from(k) {
                        let want_attrs = if from_entries { attrs[id] } else { ATTR_UNKNOWN };
                        proptest::prop_assert!(
                            edits.contains(&(id as u32, *p, want_attrs)),
                            "{} not proposed for {}", p, read
                        );
                    }
                }
                for &(id, p, _) in &edits {
                    proptest::prop_assert_eq!(keys[id as usize].clone(), PlateOrPattern::Plate(p));
                }
            }
        }

        /// The pattern table proposes, the rule decides: every pattern entry that matches a read
        /// is among the read's candidates (whatever its anchor: all its fixed literals, a short
        /// run fixed from the start, from the end, floating, or none), so deciding only the
        /// candidates loses no hit.
        #[test]
        fn pattern_candidates_hold_every_match(
            pats in proptest::collection::vec("[AB12?*]{1,9}", 1..40),
            read in "[AB12]{1,10}",
        ) {
            candidates_hold(&pats, &read, MAX_FULL_SHAPES)?;
        }

        /// The same when few full-anchor shapes are kept, so that most patterns fall back to
        /// the short anchors (and with none kept, all do).
        #[test]
        fn pattern_candidates_hold_every_match_with_few_full_shapes(
            pats in proptest::collection::vec("[AB12?*]{1,9}", 1..40),
            read in "[AB12]{1,10}",
            max_full in 0usize..4,
        ) {
            candidates_hold(&pats, &read, max_full)?;
        }
    }
}
