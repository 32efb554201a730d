//! The partial-plate indexes over the sorted dictionary of distinct plates: the suffix order
//! (plates by reversed text) and the positional trigram posting lists, from the start and from
//! the end of the plate. They only propose candidates; the planner verifies each.

use crate::plate::{PLATE_MAX_LEN, Plate};

/// Alphabet size of plate characters (codes 1..=36).
const SIGMA: usize = 36;
/// Number of trigram keys at one offset.
const TRI: usize = SIGMA * SIGMA * SIGMA;
/// Offsets a trigram can start at (a plate has at most 10 characters).
pub(super) const TRI_OFFSETS: usize = PLATE_MAX_LEN - 2;

/// Distinct plates ordered by their reversed text, for suffix ranges.
#[derive(Clone, Debug, Default)]
pub(super) struct SuffixOrder {
    pub(super) keys: Vec<u64>,
    pub(super) pids: Vec<u32>,
}

impl SuffixOrder {
    pub(super) fn new(plates: &[u64]) -> SuffixOrder {
        let mut pairs: Vec<(u64, u32)> = plates
            .iter()
            .enumerate()
            .map(|(i, &p)| (reversed(p), i as u32))
            .collect();
        pairs.sort_unstable();
        SuffixOrder {
            keys: pairs.iter().map(|p| p.0).collect(),
            pids: pairs.iter().map(|p| p.1).collect(),
        }
    }
}

/// The packed plate with its characters in reverse order.
fn reversed(packed: u64) -> u64 {
    let p = Plate::from_packed(packed).unwrap_or_else(|| unreachable!("the dictionary holds plates"));
    let n = p.len();
    let mut out = 0u64;
    for i in 0..PLATE_MAX_LEN {
        out <<= 6;
        if i < n {
            out |= u64::from(p.code_at(n - 1 - i));
        }
    }
    out
}

/// The range of `sorted` (packed keys) that start with the codes `prefix`.
pub(super) fn prefix_range(sorted: &[u64], prefix: &[u8]) -> std::ops::Range<usize> {
    let k = prefix.len();
    let mut lo = 0u64;
    for (i, &c) in prefix.iter().enumerate() {
        lo |= u64::from(c) << (6 * (PLATE_MAX_LEN - 1 - i));
    }
    let hi = lo + (1u64 << (6 * (PLATE_MAX_LEN - k)));
    sorted.partition_point(|&p| p < lo)..sorted.partition_point(|&p| p < hi)
}

/// Posting lists of plate ids by (offset, three consecutive characters), the offset counted from
/// the start or from the end of the plate.
#[derive(Clone, Debug, Default)]
pub(super) struct TrigramIndex {
    offsets: Vec<u32>,
    postings: Vec<u32>,
}

pub(super) fn tri_key(offset: usize, a: u8, b: u8, c: u8) -> usize {
    offset * TRI + (usize::from(a) - 1) * SIGMA * SIGMA + (usize::from(b) - 1) * SIGMA + (usize::from(c) - 1)
}

impl TrigramIndex {
    fn keys_of(packed: u64, from_end: bool, mut f: impl FnMut(usize)) {
        let p = Plate(packed);
        let n = p.len();
        for o in 0..n.saturating_sub(2) {
            // From the end: offset o names the trigram whose last character is o from the end.
            let s = if from_end { n - 3 - o } else { o };
            f(tri_key(o, p.code_at(s), p.code_at(s + 1), p.code_at(s + 2)));
        }
    }

    pub(super) fn new(plates: &[u64], from_end: bool) -> TrigramIndex {
        let mut offsets = vec![0u32; TRI_OFFSETS * TRI + 1];
        for &p in plates {
            TrigramIndex::keys_of(p, from_end, |k| offsets[k + 1] += 1);
        }
        for i in 0..TRI_OFFSETS * TRI {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets[..TRI_OFFSETS * TRI].to_vec();
        let mut postings = vec![0u32; offsets[TRI_OFFSETS * TRI] as usize];
        for (pid, &p) in plates.iter().enumerate() {
            TrigramIndex::keys_of(p, from_end, |k| {
                postings[next[k] as usize] = pid as u32;
                next[k] += 1;
            });
        }
        TrigramIndex { offsets, postings }
    }

    pub(super) fn list(&self, key: usize) -> &[u32] {
        &self.postings[self.offsets[key] as usize..self.offsets[key + 1] as usize]
    }
}

/// Detections per block of the time index's marks.
#[cfg(not(test))]
const TIME_BLOCK: usize = 256;
/// Tiny blocks in tests, so that small stores cross many block boundaries.
#[cfg(test)]
const TIME_BLOCK: usize = 3;

/// The time index: the plate id of every detection ordered by observation time (ties by CSR
/// position), and the time of the first detection of every block of [`TIME_BLOCK`]. A window
/// `[from, to)` is two binary searches in the marks; the detections of its inner blocks are
/// inside for certain, those of the (at most two) blocks at its ends are checked against their
/// plate's own time-sorted rows. 4 bytes a detection plus 8 bytes a block.
#[derive(Clone, Debug, Default)]
pub(super) struct TimeIndex {
    pids: Vec<u32>,
    marks: Vec<i64>,
}

impl TimeIndex {
    /// From the rows' times and plate ids (both in row order).
    pub(super) fn new(observed: &[i64], pid_of_row: &[u32]) -> TimeIndex {
        let mut by_time: Vec<(i64, u32)> = observed.iter().zip(pid_of_row).map(|(&t, &p)| (t, p)).collect();
        by_time.sort_unstable();
        let marks = by_time.iter().step_by(TIME_BLOCK).map(|&(t, _)| t).collect();
        let pids = by_time.iter().map(|&(_, p)| p).collect();
        TimeIndex { pids, marks }
    }

    /// The distinct plate ids, ascending, with a detection in `[from_ms, to_ms)`; `plates` is the
    /// number of distinct plates, `has_rows(pid)` says whether a plate has a detection in the
    /// window (asked only for the detections of the two end blocks, whose times the index does
    /// not keep).
    pub(super) fn plates_in(
        &self,
        from_ms: i64,
        to_ms: i64,
        plates: usize,
        has_rows: impl Fn(u32) -> bool,
    ) -> Vec<u32> {
        if from_ms >= to_ms || self.pids.is_empty() {
            return Vec::new();
        }
        // Blocks before `kf - 1` end before `from`; blocks from `kf` on start at or after it.
        let kf = self.marks.partition_point(|&m| m < from_ms);
        // Blocks from `kt` on start at or after `to`; blocks before `kt - 1` end before it.
        let kt = self.marks.partition_point(|&m| m < to_ms);
        let start = kf.saturating_sub(1) * TIME_BLOCK;
        let end = (kt * TIME_BLOCK).min(self.pids.len());
        let (sure_from, sure_to) = (kf * TIME_BLOCK, kt.saturating_sub(1) * TIME_BLOCK);
        let mut seen = vec![0u64; plates.div_ceil(64)];
        for (i, &pid) in self.pids.iter().enumerate().take(end).skip(start) {
            let (word, bit) = (pid as usize / 64, 1u64 << (pid % 64));
            if seen[word] & bit == 0 && ((sure_from..sure_to).contains(&i) || has_rows(pid)) {
                seen[word] |= bit;
            }
        }
        let mut out = Vec::new();
        for (w, &bits) in seen.iter().enumerate() {
            let mut b = bits;
            while b != 0 {
                out.push((w * 64) as u32 + b.trailing_zeros());
                b &= b - 1;
            }
        }
        out
    }

    /// Heap bytes.
    pub(super) fn heap_bytes(&self) -> usize {
        self.pids.capacity() * size_of::<u32>() + self.marks.capacity() * size_of::<i64>()
    }
}

// `Plate(u64)` is private to `plate`; rebuild from packed values known to be plates.
#[allow(non_snake_case)]
pub(super) fn Plate(packed: u64) -> Plate {
    Plate::from_packed(packed).unwrap_or_else(|| unreachable!("the dictionary holds plates"))
}
