//! Matching reads against the lists in force (SPEC §3, R-MATCH-1…10).
//!
//! A [`Read`] is matched against a [`Snapshot`] of the registry; the answer is the list of
//! [`Hit`]s, each explaining itself (kind, differing positions, jurisdiction outcome, plate-type
//! mismatch, staleness, tier), in the order of R-MATCH-9. The per-version [`Index`] only proposes
//! candidates; every candidate goes through [`Matcher::classify`], the literal rule, so the index
//! never changes a result.
//!
//! ```
//! use std::sync::Arc;
//! use alpr_core::registry::{RawList, Registry};
//! use alpr_core::matching::{MatchKind, Read, Tier};
//! use alpr_core::time::parse_instant;
//!
//! let reg = Registry::default();
//! let list = RawList::from_json(r#"{"id": "SVS", "kind": "standard", "priority": 10,
//!     "loaded_at": "2026-11-28T08:00:00-08:00",
//!     "entries": [{"plate": "7ABC123", "jurisdiction": "CA", "category": "stolen_vehicle"}]}"#)?;
//! reg.load(list.meta, &list.entries)?;
//! let now = parse_instant("2026-11-28T12:00:00-08:00")?;
//! let hits = reg.match_read(&Read::new("7A8C 123", now), now)?;
//! assert_eq!(hits.len(), 1);
//! assert_eq!((hits[0].kind, hits[0].tier), (MatchKind::Confusable, Tier::Moderate));
//! assert_eq!(hits[0].positions.iter().collect::<Vec<_>>(), vec![2]);
//! # Ok::<(), alpr_core::Error>(())
//! ```

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use crate::error::{Code, Error, Result};
use crate::hotlist::{Entry, ListVersion, Snapshot};
use crate::index::{self, Index, IndexParams};
use crate::pattern::{PlateOrPattern, Token};
use crate::plate::{self, Jurisdiction, PLATE_MAX_LEN, Plate, PlateType};
use crate::policy::{MismatchAction, Policy};
use crate::time::Instant;
use crate::vocab::{Category, ListKind, Origin, vocab};

vocab! {
    /// How a read matched an entry (§3.1), strongest first.
    MatchKind, Code::InvalidArgument, {
        /// The normalized read equals the entry's plate.
        Exact = 0 => "exact",
        /// Same length; every differing position holds two look-alike characters.
        Confusable = 1 => "confusable",
        /// Levenshtein distance at most `max_edits`.
        Edit = 2 => "edit",
        /// The entry is a pattern and the read matches it.
        Pattern = 3 => "pattern",
    }
}

vocab! {
    /// The jurisdiction outcome of a hit (R-MATCH-3).
    JurisdictionOutcome, Code::InvalidArgument, {
        /// Both present and equal.
        Match = 0 => "match",
        /// Either side absent.
        Unknown = 1 => "unknown",
        /// Both present and different.
        Mismatch = 2 => "mismatch",
    }
}

vocab! {
    /// How much a hit is worth (R-MATCH-8), strongest first.
    Tier, Code::InvalidArgument, {
        /// `exact` with jurisdiction `match`.
        Strong = 0 => "strong",
        /// `exact` with jurisdiction `unknown`, or `confusable` with `match` or `unknown`.
        Moderate = 1 => "moderate",
        /// Everything else.
        Weak = 2 => "weak",
    }
}

impl Tier {
    /// One tier lower (a stale list's hits, R-MATCH-8); `weak` stays `weak`.
    #[must_use]
    pub const fn drop_one(self) -> Tier {
        match self {
            Tier::Strong => Tier::Moderate,
            Tier::Moderate | Tier::Weak => Tier::Weak,
        }
    }
}

/// Positions in the read (0-based) as a bit set: bit `i` is position `i`.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Positions(pub u16);

impl Positions {
    /// No position.
    pub const EMPTY: Positions = Positions(0);

    /// The positions, ascending.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        (0..16).filter(move |i| self.0 >> i & 1 == 1)
    }

    /// How many positions.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether there is none.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The bit set.
    pub const fn bits(self) -> u16 {
        self.0
    }
}

impl fmt::Debug for Positions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A geographic location (WGS 84 degrees).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Location {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// One plate read (§3). The plate is the raw OCR text; it is normalized by matching.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Read<'a> {
    /// Raw plate text.
    pub plate: &'a str,
    /// The read's jurisdiction, when the camera or operator gave one.
    pub jurisdiction: Option<Jurisdiction>,
    /// The read's plate type, when known.
    pub plate_type: Option<PlateType>,
    /// When the plate was seen (R-MATCH-5 compares expiries with it).
    pub observed_at: Instant,
    /// Where the read came from.
    pub origin: Origin,
    /// The reading device.
    pub device_id: Option<&'a str>,
    /// Where the plate was seen.
    pub location: Option<Location>,
    /// OCR confidence, 0 to 1.
    pub confidence: Option<f32>,
}

impl<'a> Read<'a> {
    /// A vehicle read of `plate` at `observed_at` with nothing else known.
    pub fn new(plate: &'a str, observed_at: Instant) -> Read<'a> {
        Read {
            plate,
            jurisdiction: None,
            plate_type: None,
            observed_at,
            origin: Origin::Vehicle,
            device_id: None,
            location: None,
            confidence: None,
        }
    }
}

/// The fields of a read that matching looks at: its plate text, jurisdiction, plate type and
/// time. [`Read`] has them; a binding that converts reads from another form hands the batch
/// matcher ([`Matcher::match_batch_indexed`]) a value of its own with these, so that no whole
/// [`Read`] is put together and moved a read (the C batch call, benches/README.md, C ABI session
/// 8). Every rule stays in the matcher: an implementation only gives the values.
pub trait MatchFields {
    /// Raw plate text.
    fn plate(&self) -> &str;
    /// The read's jurisdiction, when known.
    fn jurisdiction(&self) -> Option<Jurisdiction>;
    /// The read's plate type, when known.
    fn plate_type(&self) -> Option<PlateType>;
    /// When the plate was seen. Asked only when an entry has an expiry to compare it with
    /// (R-MATCH-5), so an implementation may build it then.
    fn observed_at(&self) -> Instant;
}

impl MatchFields for Read<'_> {
    #[inline]
    fn plate(&self) -> &str {
        self.plate
    }
    #[inline]
    fn jurisdiction(&self) -> Option<Jurisdiction> {
        self.jurisdiction
    }
    #[inline]
    fn plate_type(&self) -> Option<PlateType> {
        self.plate_type
    }
    #[inline]
    fn observed_at(&self) -> Instant {
        self.observed_at
    }
}

impl<T: MatchFields + ?Sized> MatchFields for &T {
    #[inline]
    fn plate(&self) -> &str {
        (**self).plate()
    }
    #[inline]
    fn jurisdiction(&self) -> Option<Jurisdiction> {
        (**self).jurisdiction()
    }
    #[inline]
    fn plate_type(&self) -> Option<PlateType> {
        (**self).plate_type()
    }
    #[inline]
    fn observed_at(&self) -> Instant {
        (**self).observed_at()
    }
}

/// One hit: an entry of a list that a read matched, with its explanation (R-MATCH-2).
#[derive(Clone, Debug)]
pub struct Hit {
    /// The list version hit (shared, not copied).
    pub list: Arc<ListVersion>,
    /// The entry's index in [`ListVersion::entries`].
    pub entry_index: u32,
    /// The strongest kind of match for this entry (R-MATCH-1).
    pub kind: MatchKind,
    /// Positions of the read that differ from the entry: empty for `exact` and `pattern`; the
    /// look-alike positions for `confusable`; for `edit`, the substituted or extra characters of
    /// the read and, for a character missing from the read, the position where it is missing
    /// (which may be the read's length).
    pub positions: Positions,
    /// Jurisdiction outcome (R-MATCH-3).
    pub jurisdiction: JurisdictionOutcome,
    /// Both sides have a plate type and they differ (R-MATCH-4).
    pub plate_type_mismatch: bool,
    /// The list is older than its kind's maximum age (R-LIST-5).
    pub stale: bool,
    /// The tier after the stale drop (R-MATCH-8).
    pub tier: Tier,
    /// The list's age at matching time.
    pub list_age: chrono::Duration,
}

impl Hit {
    /// The entry hit.
    pub fn entry(&self) -> &Entry {
        &self.list.entries()[self.entry_index as usize]
    }
    /// The list id.
    pub fn list_id(&self) -> &str {
        &self.list.meta().id
    }
    /// The list kind.
    pub fn list_kind(&self) -> ListKind {
        self.list.meta().kind
    }
    /// The list priority (0 = most urgent).
    pub fn priority(&self) -> u8 {
        self.list.meta().priority
    }
    /// The entry's category.
    pub fn category(&self) -> Category {
        self.entry().category
    }
    /// The entry's normalized plate or pattern text (`7ABC123`, `7AB*`).
    pub fn entry_text(&self) -> String {
        self.entry().key.to_string()
    }
    /// The order of R-MATCH-9, completed by the entry's jurisdiction, plate type and category so
    /// that it is total and independent of load order (R-MATCH-10).
    pub fn order(&self, other: &Hit) -> Ordering {
        let (a, b) = (self.entry(), other.entry());
        self.priority()
            .cmp(&other.priority())
            .then(self.tier.cmp(&other.tier))
            .then(self.kind.cmp(&other.kind))
            .then_with(|| self.list_id().cmp(other.list_id()))
            .then_with(|| cmp_key_text(&a.key, &b.key))
            .then_with(|| a.jurisdiction.cmp(&b.jurisdiction))
            .then_with(|| a.plate_type.cmp(&b.plate_type))
            .then_with(|| a.category.cmp(&b.category))
            .then_with(|| a.expires_at.cmp(&b.expires_at))
            .then_with(|| self.entry_index.cmp(&other.entry_index))
    }
}

/// A hit's explanation as plain data (R-MATCH-2): what a person deciding on the hit reads, and
/// the shape of the conformance vectors' hits. Serializes with snake_case names.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Explanation {
    /// The list id.
    pub list: String,
    /// The list kind.
    pub list_kind: ListKind,
    /// The list priority.
    pub priority: u8,
    /// The entry's normalized plate or pattern.
    pub entry: String,
    /// The match kind.
    pub kind: MatchKind,
    /// Differing positions in the read (see [`Hit::positions`]).
    pub positions: Vec<usize>,
    /// Jurisdiction outcome.
    pub jurisdiction: JurisdictionOutcome,
    /// Plate-type mismatch.
    pub plate_type_mismatch: bool,
    /// Whether the list is stale.
    pub stale: bool,
    /// The tier.
    pub tier: Tier,
    /// The entry's category.
    pub category: Category,
    /// The list's age in whole seconds.
    pub list_age_seconds: i64,
}

impl Hit {
    /// The explanation of this hit as plain data.
    pub fn explain(&self) -> Explanation {
        Explanation {
            list: self.list_id().to_owned(),
            list_kind: self.list_kind(),
            priority: self.priority(),
            entry: self.entry_text(),
            kind: self.kind,
            positions: self.positions.iter().collect(),
            jurisdiction: self.jurisdiction,
            plate_type_mismatch: self.plate_type_mismatch,
            stale: self.stale,
            tier: self.tier,
            category: self.category(),
            list_age_seconds: self.list_age.num_seconds(),
        }
    }
}

/// The text bytes of a plate or pattern, on the stack, for ordering.
fn key_text(k: &PlateOrPattern) -> ([u8; 2 * PLATE_MAX_LEN + 4], usize) {
    let mut buf = [0u8; 2 * PLATE_MAX_LEN + 4];
    let mut n = 0;
    match k {
        PlateOrPattern::Plate(p) => {
            let (b, len) = p.to_bytes();
            buf[..len].copy_from_slice(&b[..len]);
            n = len;
        }
        PlateOrPattern::Pattern(p) => {
            for t in p.tokens().iter().take(buf.len()) {
                buf[n] = match *t {
                    Token::Literal(c) => plate::code_char(c),
                    Token::One => b'?',
                    Token::Star => b'*',
                };
                n += 1;
            }
        }
    }
    (buf, n)
}

/// Compares two keys by their text.
fn cmp_key_text(a: &PlateOrPattern, b: &PlateOrPattern) -> Ordering {
    if let (PlateOrPattern::Plate(x), PlateOrPattern::Plate(y)) = (a, b) {
        return x.cmp(y);
    }
    let ((x, xn), (y, yn)) = (key_text(a), key_text(b));
    x[..xn].cmp(&y[..yn])
}

/// One hit of a batch, with the index of its read.
#[derive(Clone, Debug)]
pub struct BatchHit {
    /// Index of the read in the batch.
    pub read: u32,
    /// The hit.
    pub hit: Hit,
}

/// The result of [`Matcher::match_batch`]: the hits of every read, grouped by read in input
/// order and, within a read, in the order of R-MATCH-9; and the reads that could not be
/// normalized, with their errors.
#[derive(Clone, Debug, Default)]
pub struct BatchOutput {
    /// Hits, by read index.
    pub hits: Vec<BatchHit>,
    /// `(read index, error)` for every read that could not be normalized.
    pub errors: Vec<(u32, Error)>,
}

/// How a plate entry relates to a read, by the literal rules of §3.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Classified {
    /// The strongest kind.
    pub kind: MatchKind,
    /// Differing positions in the read.
    pub positions: Positions,
}

/// A policy prepared for matching: the confusion relation and the numbers, computed once.
#[derive(Clone, Debug)]
pub struct Matcher {
    policy: Arc<Policy>,
    params: IndexParams,
    /// The confusion representative of each byte's code (0 for a byte outside `A-Z0-9`), so that
    /// preparing a read costs one table load a byte for its key.
    rep_of_byte: [u8; 256],
}

/// The 6-bit code of every byte ([`plate::char_code`]: 0 outside `A-Z0-9`).
const CODE_OF_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = plate::char_code(b as u8);
        b += 1;
    }
    t
};

impl Matcher {
    /// Prepares `policy` for matching.
    pub fn new(policy: Arc<Policy>) -> Matcher {
        let params = IndexParams::of(&policy);
        let rep_of_byte = std::array::from_fn(|b| params.confusion.rep_of(CODE_OF_BYTE[b]));
        Matcher {
            policy,
            params,
            rep_of_byte,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }

    /// The strongest kind by which a plate entry matches a read under this policy (§3.1), or
    /// `None`. `read_codes` are the read's 6-bit codes.
    pub fn classify(&self, entry: Plate, read: Plate, read_codes: &[u8]) -> Option<Classified> {
        if entry == read {
            return Some(Classified {
                kind: MatchKind::Exact,
                positions: Positions::EMPTY,
            });
        }
        let p = &self.policy;
        if p.max_confusable > 0 && entry.len() == read.len() {
            let mut diff = 0u16;
            let mut ok = true;
            for (i, &rc) in read_codes.iter().enumerate() {
                let ec = entry.code_at(i);
                if ec != rc {
                    diff |= 1 << i;
                    ok &= self.params.confusion.pair(rc, ec);
                }
            }
            if ok && diff.count_ones() <= u32::from(p.max_confusable) {
                return Some(Classified {
                    kind: MatchKind::Confusable,
                    positions: Positions(diff),
                });
            }
        }
        if p.max_edits > 0 && read_codes.len() >= usize::from(p.min_edit_length) {
            let (ec, en) = index::codes_of(entry);
            let found = if p.max_edits == 1 {
                within_one(read_codes, &ec[..en])
            } else {
                edit_within(read_codes, &ec[..en], p.max_edits)
            };
            if let Some(positions) = found {
                return Some(Classified {
                    kind: MatchKind::Edit,
                    positions,
                });
            }
        }
        None
    }

    /// [`Matcher::classify`] of a candidate within one edit of the read, under `max_edits = 1`
    /// and `max_confusable <= 1`, from the packed plates alone (the caller has checked the
    /// read's length against `min_edit_length`): exact, one look-alike substitution
    /// (confusable, when the policy allows one), or an edit; `None` beyond one edit.
    #[inline]
    fn classify1(&self, entry: Plate, read: Plate) -> Option<Classified> {
        let positions = within_one_packed(read, entry)?;
        if entry == read {
            return Some(Classified {
                kind: MatchKind::Exact,
                positions: Positions::EMPTY,
            });
        }
        if self.policy.max_confusable > 0 && entry.len() == read.len() {
            // One substitution: confusable when its two characters are look-alikes.
            let i = positions.0.trailing_zeros() as usize;
            if self.params.confusion.pair(read.code_at(i), entry.code_at(i)) {
                return Some(Classified {
                    kind: MatchKind::Confusable,
                    positions,
                });
            }
        }
        Some(Classified {
            kind: MatchKind::Edit,
            positions,
        })
    }

    /// [`Matcher::classify`] of an edit candidate under `max_edits = 1` when its kind is
    /// [`MatchKind::Edit`], else `None` (see [`Matcher::classify1`]).
    #[inline]
    fn classify_edit1(&self, entry: Plate, read: Plate) -> Option<Classified> {
        self.classify1(entry, read).filter(|c| c.kind == MatchKind::Edit)
    }

    /// Whether a read that takes the edit path finds every exact and confusable hit of `index`
    /// among its depth-1 edit candidates, so that the look-alike table need not be probed:
    /// under `max_edits = 1` with at most one confusable position, every such hit is within
    /// one edit ([`Index::probe1`]).
    #[inline]
    fn lookalikes_via_edits1(&self, index: &Index) -> bool {
        self.policy.max_edits == 1 && self.policy.max_confusable <= 1 && index.has_edits1()
    }

    /// Matches one read against every list of `snapshot` at `now` (R-MATCH-1…10).
    ///
    /// # Errors
    /// The normalization codes (`invalid_character`, `empty`, `too_long`) when the read's plate
    /// cannot be normalized: an unreadable read is an error, never an empty result.
    ///
    /// `read` is a [`Read`] or any other [`MatchFields`] (a skin's own read type, whose time is
    /// then built only when an entry's expiry asks for it).
    pub fn match_read<R: MatchFields>(&self, snapshot: &Snapshot, read: &R, now: Instant) -> Result<Vec<Hit>> {
        let mut out = Vec::new();
        self.match_into(snapshot, read, now, &mut out)?;
        Ok(out)
    }

    /// As [`Matcher::match_read`], appending the hits to `out` (allocation-free when there is no
    /// hit and `out` has room).
    ///
    /// # Errors
    /// As [`Matcher::match_read`]; `out` is unchanged then.
    pub fn match_into<R: MatchFields>(
        &self,
        snapshot: &Snapshot,
        read: &R,
        now: Instant,
        out: &mut Vec<Hit>,
    ) -> Result<()> {
        let prepared = self.prepare(read.plate())?;
        let start = out.len();
        let mut keys = HitKeys::default();
        for list in snapshot.values() {
            let index = self.index_for(list);
            self.match_list(list, &index, &prepared.ctx(read, now), out, &mut keys);
        }
        sort_hits(&mut out[start..], &keys);
        Ok(())
    }

    /// The read's plate normalized, its codes and its confusion key: computed once a read, in
    /// one pass over the bytes when the plate is already canonical (the common case; anything
    /// else goes through [`plate::normalize`], which gives the same plate for canonical input).
    /// Always inlined: returned through memory, the codes written a byte at a time were read
    /// back as one wide copy, which store forwarding cannot serve (a stall on every read).
    #[inline(always)]
    #[allow(clippy::inline_always)] // Measured: `#[inline]` alone leaves it a call.
    fn prepare(&self, plate: &str) -> Result<Prepared> {
        let raw = plate;
        let bytes = raw.as_bytes();
        let n = bytes.len();
        if (1..=PLATE_MAX_LEN).contains(&n) {
            let mut codes = [0u8; PLATE_MAX_LEN];
            let (mut packed, mut key, mut ok) = (0u64, 0u64, true);
            for (code, &b) in codes.iter_mut().zip(bytes) {
                let c = CODE_OF_BYTE[usize::from(b)];
                ok &= c != 0;
                *code = c;
                packed = packed << 6 | u64::from(c);
                key = key << 6 | u64::from(self.rep_of_byte[usize::from(b)]);
            }
            if ok {
                // Packed as a plate: the first character in the highest bits, zeros after the last.
                let pad = 6 * (PLATE_MAX_LEN - n);
                return Ok(Prepared {
                    plate: Plate::from_packed_trusted(packed << pad),
                    codes,
                    n,
                    key: key << pad,
                });
            }
        }
        let plate = plate::normalize(raw)?.plate;
        let (codes, n) = index::codes_of(plate);
        Ok(Prepared {
            plate,
            codes,
            n,
            key: self.params.confusion.key(plate),
        })
    }

    /// The index of `list` for this matcher's policy: the version's own, or (slow path, a version
    /// indexed for another policy, see DESIGN.md) one built now.
    fn index_for<'l>(&self, list: &'l ListVersion) -> Cow<'l, Index> {
        if list.index().params().serves(&self.params) {
            Cow::Borrowed(list.index())
        } else {
            Cow::Owned(Index::build(list.entries(), self.params.clone()))
        }
    }

    /// Matches many reads; the hits of read `i` are exactly those of `match_read` on it, tagged
    /// with `i`. Allocation is amortized over the batch.
    pub fn match_batch(&self, snapshot: &Snapshot, reads: &[Read<'_>], now: Instant) -> BatchOutput {
        let mut out = BatchOutput::default();
        self.match_batch_into(snapshot, reads, now, &mut out);
        out
    }

    /// As [`Matcher::match_batch`], appending to `out`.
    pub fn match_batch_into(&self, snapshot: &Snapshot, reads: &[Read<'_>], now: Instant, out: &mut BatchOutput) {
        // By reference: no copy of each read on the way in.
        self.batch(
            snapshot,
            reads.iter().map(Ok::<_, Error>),
            now,
            &mut out.hits,
            &mut out.errors,
        );
    }

    /// Matches a batch in which some reads already failed before matching (a skin could not
    /// convert them): each item of `reads` is a read or its error, and its place in `reads` is
    /// its index. The hits of every read are appended to `hits`, tagged with its index, grouped
    /// by read in input order and exactly those of [`Matcher::match_read`] on it; every read that
    /// failed (its own error, or its normalization error) is appended to `errors` with its index,
    /// in input order. Each plate is normalized once, and nothing is allocated per read. A read
    /// is a [`Read`] or any other [`MatchFields`] (a binding's own converted form).
    pub fn match_batch_indexed<R: MatchFields, E: From<Error>>(
        &self,
        snapshot: &Snapshot,
        reads: impl IntoIterator<Item = std::result::Result<R, E>>,
        now: Instant,
        hits: &mut Vec<BatchHit>,
        errors: &mut Vec<(u32, E)>,
    ) {
        self.batch(snapshot, reads, now, hits, errors);
    }

    /// [`Matcher::match_batch_indexed`] over reads given by value or by reference.
    fn batch<R: MatchFields, E: From<Error>>(
        &self,
        snapshot: &Snapshot,
        reads: impl IntoIterator<Item = std::result::Result<R, E>>,
        now: Instant,
        hits: &mut Vec<BatchHit>,
        errors: &mut Vec<(u32, E)>,
    ) {
        // The snapshot's indexes are resolved once for the batch (a version indexed for another
        // policy is re-indexed once a batch, not once a read).
        let lists: Vec<(&Arc<ListVersion>, Cow<'_, Index>)> =
            snapshot.values().map(|l| (l, self.index_for(l))).collect();
        if self.policy.max_edits == 1 {
            self.batch_edits1(&lists, reads, now, hits, errors);
            return;
        }
        let mut scratch: Vec<Hit> = Vec::new();
        let mut keys = HitKeys::default();
        let mut reads = reads.into_iter().enumerate();
        // Converts (the caller's iterator) and prepares the next block of reads, then loads the
        // home tag of each in every list back to back, so that their cache misses overlap (one
        // memory latency for the block instead of about one a read); false when the reads ran out.
        let mut fill = |block: &mut Vec<(u32, R, Prepared)>| {
            let more = self.fill_block(&mut reads, block, BATCH_BLOCK, errors);
            let mut tags = 0u8;
            for (_, index) in &lists {
                for (_, _, p) in block.iter() {
                    tags |= index.home_tag(p.key);
                }
            }
            std::hint::black_box(tags);
            more
        };
        // Software pipelining: block k+1 is converted, prepared and its tags requested before
        // block k is probed, so block k's tags (requested a block earlier) are in the cache when
        // it is probed, and the conversion work runs while misses are outstanding.
        let (mut cur, mut ahead) = (Vec::with_capacity(BATCH_BLOCK), Vec::with_capacity(BATCH_BLOCK));
        let mut more = fill(&mut cur);
        loop {
            if more {
                more = fill(&mut ahead);
            }
            for (i, read, prepared) in &cur {
                let ctx = prepared.ctx(read, now);
                keys.len = 0;
                for (list, index) in &lists {
                    self.match_list(list, index, &ctx, &mut scratch, &mut keys);
                }
                // Nearly every read has no hit: skip the drain's out-of-line call and its drop then.
                if scratch.is_empty() {
                    continue;
                }
                sort_hits(&mut scratch, &keys);
                hits.extend(scratch.drain(..).map(|hit| BatchHit { read: *i, hit }));
            }
            if ahead.is_empty() && !more {
                break;
            }
            std::mem::swap(&mut cur, &mut ahead);
            // Probed: not probed again when the reads ran out (no fill clears it then).
            ahead.clear();
        }
    }

    /// [`Matcher::batch`] under `max_edits = 1`, in blocks of [`EDITS1_BLOCK`] reads: each
    /// block's reads prepared and their probes of every depth-1 list computed, then all their
    /// first loads issued together, then all their walks, then their candidates' plates loaded
    /// together, then each read finished and its hits appended. The loads of one read are already issued
    /// together; this overlaps those of several reads, so that a block waits for memory about
    /// twice instead of twice a read. Same hits, same order.
    fn batch_edits1<R: MatchFields, E: From<Error>>(
        &self,
        lists: &[(&Arc<ListVersion>, Cow<'_, Index>)],
        reads: impl IntoIterator<Item = std::result::Result<R, E>>,
        now: Instant,
        hits: &mut Vec<BatchHit>,
        errors: &mut Vec<(u32, E)>,
    ) {
        let mut scratch: Vec<Hit> = Vec::new();
        let mut keys = HitKeys::default();
        let mut block: Vec<(u32, R, Prepared)> = Vec::with_capacity(EDITS1_BLOCK);
        let mut probes: Vec<Option<index::Probe1>> = Vec::with_capacity(EDITS1_BLOCK * lists.len());
        let min_len = usize::from(self.policy.min_edit_length);
        let mut reads = reads.into_iter().enumerate();
        loop {
            self.fill_block(&mut reads, &mut block, EDITS1_BLOCK, errors);
            if block.is_empty() {
                return;
            }
            probes.clear();
            for (_, _, prepared) in &block {
                for (_, index) in lists {
                    probes.push(
                        (index.has_edits1() && prepared.n >= min_len)
                            .then(|| index.probe1(prepared.key, prepared.plate, !self.lookalikes_via_edits1(index))),
                    );
                }
            }
            for (probe, (_, index)) in probes.iter_mut().zip(lists.iter().cycle()) {
                if let Some(probe) = probe {
                    index.probe1_load(probe);
                }
            }
            for (probe, (_, index)) in probes.iter_mut().zip(lists.iter().cycle()) {
                if let Some(probe) = probe {
                    index.probe1_walk(probe);
                }
            }
            for (probe, (_, index)) in probes.iter_mut().zip(lists.iter().cycle()) {
                if let Some(probe) = probe {
                    index.probe1_words(probe);
                }
            }
            for (b, (i, read, prepared)) in block.iter().enumerate() {
                let mut ctx = prepared.ctx(read, now);
                keys.len = 0;
                for (l, (list, index)) in lists.iter().enumerate() {
                    ctx.probe = probes[b * lists.len() + l].as_ref();
                    self.match_list(list, index, &ctx, &mut scratch, &mut keys);
                }
                if scratch.is_empty() {
                    continue;
                }
                sort_hits(&mut scratch, &keys);
                hits.extend(scratch.drain(..).map(|hit| BatchHit { read: *i, hit }));
            }
        }
    }

    /// Refills `block` with up to `size` prepared reads from `reads` (the caller's iterator, with
    /// each read's index in the batch), appending every read that fails (its own error or its
    /// normalization's) to `errors`; false when the reads ran out.
    fn fill_block<R: MatchFields, E: From<Error>>(
        &self,
        reads: &mut impl Iterator<Item = (usize, std::result::Result<R, E>)>,
        block: &mut Vec<(u32, R, Prepared)>,
        size: usize,
        errors: &mut Vec<(u32, E)>,
    ) -> bool {
        block.clear();
        while block.len() < size {
            let Some((i, read)) = reads.next() else {
                return false;
            };
            let i = i as u32;
            match read {
                Ok(read) => match self.prepare(read.plate()) {
                    Ok(p) => block.push((i, read, p)),
                    Err(e) => errors.push((i, E::from(e))),
                },
                Err(e) => errors.push((i, e)),
            }
        }
        true
    }

    /// Appends the hits of one list to `out`, and their plates to `keys`.
    fn match_list(
        &self,
        list: &Arc<ListVersion>,
        index: &Index,
        ctx: &Ctx<'_>,
        out: &mut Vec<Hit>,
        keys: &mut HitKeys,
    ) {
        let seg = out.len();
        let mut stale: Option<bool> = None;
        let entries = list.entries();
        // `read_entry` false: the index knows the entry has none of the attributes that could
        // change this hit (no expiry, and no jurisdiction or plate type where the read has one),
        // so its 200 bytes (a cache miss) are not read.
        // `plate`: the entry's packed plate (0 for a pattern), recorded for ordering.
        let mut emit = |id: u32, c: Classified, read_entry: bool, plate: u64, out: &mut Vec<Hit>| {
            let (entry_jurisdiction, entry_plate_type) = if read_entry {
                let Some(entry) = entries.get(id as usize) else { return };
                if entry.expires_at.is_some_and(|t| t <= ctx.read.observed_at()) {
                    return;
                }
                (entry.jurisdiction, entry.plate_type)
            } else {
                if id as usize >= entries.len() {
                    return;
                }
                (None, None)
            };
            let jurisdiction = match (ctx.jurisdiction, entry_jurisdiction) {
                (Some(a), Some(b)) if a == b => JurisdictionOutcome::Match,
                (Some(_), Some(_)) => JurisdictionOutcome::Mismatch,
                _ => JurisdictionOutcome::Unknown,
            };
            if jurisdiction == JurisdictionOutcome::Mismatch
                && self.policy.on_jurisdiction_mismatch == MismatchAction::Suppress
            {
                return;
            }
            let plate_type_mismatch = matches!((ctx.plate_type, entry_plate_type), (Some(a), Some(b)) if a != b);
            let base = match (c.kind, jurisdiction) {
                _ if plate_type_mismatch => Tier::Weak,
                (MatchKind::Exact, JurisdictionOutcome::Match) => Tier::Strong,
                (
                    MatchKind::Exact | MatchKind::Confusable,
                    JurisdictionOutcome::Match | JurisdictionOutcome::Unknown,
                ) => Tier::Moderate,
                _ => Tier::Weak,
            };
            let is_stale = *stale.get_or_insert_with(|| list.is_stale(ctx.now, &self.policy));
            out.push(Hit {
                list: Arc::clone(list),
                entry_index: id,
                kind: c.kind,
                positions: c.positions,
                jurisdiction,
                plate_type_mismatch,
                stale: is_stale,
                tier: if is_stale { base.drop_one() } else { base },
                list_age: list.age(ctx.now),
            });
            keys.push(plate);
        };
        let p = &self.policy;
        // The attributes that can change a plate hit for this read: an expiry always, a
        // jurisdiction or plate type only when the read has one to compare.
        let relevant = index::ATTR_EXPIRES
            | if ctx.jurisdiction.is_some() {
                index::ATTR_JURISDICTION
            } else {
                0
            }
            | if ctx.plate_type.is_some() {
                index::ATTR_PLATE_TYPE
            } else {
                0
            };
        if p.max_edits > 0 && ctx.codes.len() >= usize::from(p.min_edit_length) {
            // Exact and confusable candidates (the look-alike group of the read's confusion
            // key) come first, then the deletion-neighbourhood ones, which skip entries already hit;
            // or, when those hold every exact and confusable hit, only the latter, classified fully.
            let via_edits1 = self.lookalikes_via_edits1(index);
            let on_candidate = |cand| match cand {
                index::Candidate::Lookalike(id, entry_plate, attrs) => {
                    if let Some(c) = self.classify(entry_plate, ctx.plate, ctx.codes)
                        && c.kind != MatchKind::Edit
                    {
                        emit(id, c, attrs & relevant != 0, entry_plate.packed(), out);
                    }
                }
                index::Candidate::Edit(id, entry_plate, attrs) => {
                    let classified = if via_edits1 {
                        self.classify1(entry_plate, ctx.plate)
                    } else if p.max_edits == 1 {
                        self.classify_edit1(entry_plate, ctx.plate)
                    } else {
                        self.classify(entry_plate, ctx.plate, ctx.codes)
                            .filter(|c| c.kind == MatchKind::Edit)
                    };
                    if let Some(c) = classified
                        && !out[seg..].iter().any(|h| h.entry_index == id)
                    {
                        emit(id, c, attrs & relevant != 0, entry_plate.packed(), out);
                    }
                }
            };
            match ctx.probe {
                Some(probe) => index.probe1_finish(probe, on_candidate),
                None if index.has_edits1() => index.edits1(ctx.key, ctx.plate, !via_edits1, on_candidate),
                None => index.lookalikes_and_edits(ctx.key, ctx.plate, p.max_edits, on_candidate),
            }
        } else {
            // Exact and confusable: the look-alike group of the read's confusion key.
            index.lookalikes(ctx.key, |id, entry_plate, attrs| {
                if let Some(c) = self.classify(entry_plate, ctx.plate, ctx.codes)
                    && c.kind != MatchKind::Edit
                {
                    emit(id, c, attrs & relevant != 0, entry_plate.packed(), out);
                }
            });
        }
        // Patterns: the index proposes, the rule decides.
        index.pattern_candidates(ctx.plate, ctx.codes, |id, pattern| {
            if pattern.matches_codes(ctx.codes) && !out[seg..].iter().any(|h| h.entry_index == id) {
                emit(
                    id,
                    Classified {
                        kind: MatchKind::Pattern,
                        positions: Positions::EMPTY,
                    },
                    true,
                    0,
                    out,
                );
            }
        });
    }
}

/// Reads a batch under `max_edits = 1` probes together ([`Matcher::batch_edits1`]): enough
/// to keep the CPU's misses in flight (each read issues up to 12 loads), few enough that their
/// lines are still in the L1 cache when the block is finished.
const EDITS1_BLOCK: usize = 16;

/// The packed plates of one read's hits, in the order they were found (0 for a pattern), so
/// that ordering the hits of plate entries compares plates without reading the entries (a
/// cache miss each). Holds the first [`HitKeys::CAP`] hits; a read with more is ordered by
/// [`Hit::order`] alone.
#[derive(Default)]
struct HitKeys {
    keys: [u64; HitKeys::CAP],
    len: usize,
}

impl HitKeys {
    const CAP: usize = 16;

    #[inline]
    fn push(&mut self, plate: u64) {
        if let Some(k) = self.keys.get_mut(self.len) {
            *k = plate;
        }
        self.len += 1;
    }
}

/// Sorts one read's hits by [`Hit::order`], which is total on them (so any sort gives the same
/// result). With every hit's plate known, an insertion sort compares by plate where
/// [`Hit::order`] would compare the entries' key texts (the same order for two plates), and
/// reads entries only for two hits of one plate.
#[inline]
fn sort_hits(hits: &mut [Hit], keys: &HitKeys) {
    if hits.len() > 1 {
        sort_hits_keyed(hits, keys);
    }
}

/// [`sort_hits`] of two hits or more.
fn sort_hits_keyed(hits: &mut [Hit], keys: &HitKeys) {
    if hits.len() > HitKeys::CAP || keys.len != hits.len() {
        hits.sort_unstable_by(Hit::order);
        return;
    }
    let mut k = keys.keys;
    let order = |a: &Hit, ka: u64, b: &Hit, kb: u64| {
        if ka != 0 && kb != 0 && ka != kb {
            a.priority()
                .cmp(&b.priority())
                .then(a.tier.cmp(&b.tier))
                .then(a.kind.cmp(&b.kind))
                .then_with(|| a.list_id().cmp(b.list_id()))
                .then(ka.cmp(&kb))
        } else {
            a.order(b)
        }
    };
    for i in 1..hits.len() {
        let mut j = i;
        while j > 0 && order(&hits[j - 1], k[j - 1], &hits[j], k[j]) == Ordering::Greater {
            hits.swap(j - 1, j);
            k.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// The reads of a batch are matched in blocks of this many (see [`Matcher::batch`]).
const BATCH_BLOCK: usize = 32;

/// A read prepared for matching (see [`Matcher::prepare`]).
struct Prepared {
    plate: Plate,
    codes: [u8; PLATE_MAX_LEN],
    n: usize,
    key: u64,
}

impl Prepared {
    fn ctx<'a, R: MatchFields>(&'a self, read: &'a R, now: Instant) -> Ctx<'a> {
        Ctx {
            jurisdiction: read.jurisdiction(),
            plate_type: read.plate_type(),
            read,
            plate: self.plate,
            codes: &self.codes[..self.n],
            key: self.key,
            now,
            probe: None,
        }
    }
}

/// What every list of one read's match shares.
struct Ctx<'a> {
    /// The read's jurisdiction and plate type, asked once.
    jurisdiction: Option<Jurisdiction>,
    plate_type: Option<PlateType>,
    /// The read, for its time (asked only on an entry with an expiry).
    read: &'a dyn MatchFields,
    plate: Plate,
    codes: &'a [u8],
    key: u64,
    now: Instant,
    /// The read's depth-1 probe of the list being matched, its loads already issued (a batch
    /// under `max_edits = 1`, [`Matcher::batch_edits1`]); `None`: the list probes itself.
    probe: Option<&'a index::Probe1>,
}

/// [`edit_within`] for `k = 1` in one linear pass: the single substituted, extra or missing
/// character's read position (the first place the two differ), or `None` beyond one edit.
pub(crate) fn within_one(a: &[u8], b: &[u8]) -> Option<Positions> {
    let i = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let ok = match a.len().cmp(&b.len()) {
        Ordering::Equal => i == a.len() || a[i + 1..] == b[i + 1..],
        Ordering::Greater => a.len() == b.len() + 1 && a[i + 1..] == b[i..],
        Ordering::Less => b.len() == a.len() + 1 && a[i..] == b[i + 1..],
    };
    ok.then(|| Positions(if i == a.len() && a.len() == b.len() { 0 } else { 1 << i }))
}

/// [`within_one`] of two plates' codes, computed on their packed forms: the first differing
/// character from the leading zeros of their difference, then one comparison with that
/// character deleted.
#[inline]
#[allow(clippy::many_single_char_names)] // As within_one: a, b the two sides, i the position.
pub(crate) fn within_one_packed(a: Plate, b: Plate) -> Option<Positions> {
    let (x, y) = (a.packed(), b.packed());
    if x == y {
        return Some(Positions::EMPTY);
    }
    // Packed plates use the low 60 bits: 4 leading zeros before the first character.
    let i = ((x ^ y).leading_zeros() as usize - 4) / 6;
    let (n, m) = (a.len(), b.len());
    let ok = match n.cmp(&m) {
        Ordering::Equal => index::delete_packed(x, i) == index::delete_packed(y, i),
        Ordering::Greater => n == m + 1 && index::delete_packed(x, i) == y,
        Ordering::Less => m == n + 1 && x == index::delete_packed(y, i),
    };
    ok.then(|| Positions(1 << i))
}

/// The Levenshtein distance of `a` (the read) and `b` when it is at most `k`, with the read
/// positions an optimal alignment changes; `None` above `k`.
#[allow(clippy::many_single_char_names, clippy::needless_range_loop)] // The textbook DP.
pub(crate) fn edit_within(a: &[u8], b: &[u8], k: u8) -> Option<Positions> {
    const W: usize = PLATE_MAX_LEN + 1;
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > usize::from(k) {
        return None;
    }
    let mut d = [[0u8; W]; W];
    for (i, row) in d.iter_mut().enumerate().take(n + 1) {
        row[0] = i as u8;
    }
    for j in 0..=m {
        d[0][j] = j as u8;
    }
    for i in 1..=n {
        for j in 1..=m {
            let sub = d[i - 1][j - 1] + u8::from(a[i - 1] != b[j - 1]);
            d[i][j] = sub.min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
        }
    }
    if d[n][m] > k {
        return None;
    }
    // Backtrace, preferring matches, then substitutions, then extra read characters.
    let (mut i, mut j, mut pos) = (n, m, 0u16);
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && a[i - 1] == b[j - 1] && d[i][j] == d[i - 1][j - 1] {
            i -= 1;
            j -= 1;
        } else if i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + 1 {
            pos |= 1 << (i - 1);
            i -= 1;
            j -= 1;
        } else if i > 0 && d[i][j] == d[i - 1][j] + 1 {
            pos |= 1 << (i - 1);
            i -= 1;
        } else {
            pos |= 1 << i;
            j -= 1;
        }
    }
    Some(Positions(pos))
}

/// Matches one read against every list of `snapshot` under `policy` (see [`Matcher`]; this
/// prepares the policy on each call, so repeated matching should keep a [`Matcher`]).
///
/// # Errors
/// As [`Matcher::match_read`].
pub fn match_read(snapshot: &Snapshot, read: &Read<'_>, now: Instant, policy: &Policy) -> Result<Vec<Hit>> {
    Matcher::new(Arc::new(policy.clone())).match_read(snapshot, read, now)
}

/// Matches many reads (see [`Matcher::match_batch`]).
pub fn match_batch(snapshot: &Snapshot, reads: &[Read<'_>], now: Instant, policy: &Policy) -> BatchOutput {
    Matcher::new(Arc::new(policy.clone())).match_batch(snapshot, reads, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hotlist::{ListMeta, RawEntry};
    use crate::time::parse_instant;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// `Matcher::prepare` gives what `normalize` does: the same plate, codes and confusion key, or
    /// the same error code.
    fn prepare_is_normalize(m: &Matcher, raw: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let got = m.prepare(raw);
        match plate::normalize(raw) {
            Ok(n) => {
                let p = got.unwrap();
                let (codes, len) = index::codes_of(n.plate);
                proptest::prop_assert_eq!(p.plate, n.plate);
                proptest::prop_assert_eq!(&p.codes[..p.n], &codes[..len]);
                proptest::prop_assert_eq!(p.key, m.params.confusion.key(n.plate));
            }
            Err(e) => proptest::prop_assert_eq!(got.err().map(|g| g.code()), Some(e.code())),
        }
        Ok(())
    }

    fn t(s: &str) -> Instant {
        parse_instant(s).unwrap()
    }

    fn raw(plate: &str, j: Option<&str>) -> RawEntry {
        RawEntry {
            plate: Some(plate.into()),
            jurisdiction: j.map(Into::into),
            category: Some("stolen_vehicle".into()),
            ..RawEntry::default()
        }
    }

    fn snapshot(lists: Vec<ListVersion>) -> Snapshot {
        Arc::new(lists.into_iter().map(|l| (l.meta().id.clone(), Arc::new(l))).collect())
    }

    fn meta(id: &str, kind: ListKind, priority: u8, loaded_at: Instant) -> ListMeta {
        ListMeta {
            id: id.into(),
            kind,
            priority,
            loaded_at,
            source: String::new(),
            generated_at: None,
        }
    }

    #[test]
    fn kinds_positions_and_errors() {
        let now = t("2026-11-28T12:00:00-08:00");
        let policy = Policy {
            max_edits: 1,
            ..Policy::sacramento()
        };
        let (v, _) = ListVersion::from_raw(
            meta("SVS", ListKind::Special, 10, now),
            &[raw("7ABC123", Some("CA")), raw("ABC10D", None)],
            &policy,
        )
        .unwrap();
        let snap = snapshot(vec![v]);
        let m = Matcher::new(Arc::new(policy));
        let hits = m.match_read(&snap, &Read::new("7A8C123", now), now).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(
            (hits[0].kind, hits[0].positions.iter().collect::<Vec<_>>()),
            (MatchKind::Confusable, vec![2])
        );
        let hits = m.match_read(&snap, &Read::new("7ABC1234", now), now).unwrap();
        assert_eq!(
            (hits[0].kind, hits[0].positions.iter().collect::<Vec<_>>()),
            (MatchKind::Edit, vec![7])
        );
        let hits = m.match_read(&snap, &Read::new("7ABC12", now), now).unwrap();
        assert_eq!(
            (hits[0].kind, hits[0].positions.iter().collect::<Vec<_>>()),
            (MatchKind::Edit, vec![6])
        );
        assert_eq!(
            m.match_read(&snap, &Read::new("AB/1", now), now).unwrap_err().code(),
            Code::InvalidCharacter
        );
        assert!(m.match_read(&snap, &Read::new("ZZZZ999", now), now).unwrap().is_empty());
        // Batch: same rows, tagged with the read index; errors per read.
        let reads = [Read::new("ABC100", now), Read::new("-", now), Read::new("7ABC123", now)];
        let b = m.match_batch(&snap, &reads, now);
        assert_eq!(b.hits.iter().map(|h| h.read).collect::<Vec<_>>(), vec![0, 2]);
        assert_eq!(
            b.errors.iter().map(|(i, e)| (*i, e.code())).collect::<Vec<_>>(),
            vec![(1, Code::Empty)]
        );
    }

    /// A batch longer than several blocks, with hits on both sides of each block boundary, a
    /// block of failed reads only, and two lists: every read gets exactly its single match's hits,
    /// in input order, and every failure its index.
    #[test]
    fn a_batch_across_blocks_agrees_with_single_matches() {
        let now = t("2026-11-28T12:00:00-08:00");
        let policy = Policy::sacramento();
        let plates: Vec<String> = (0..200).map(|k| format!("7AB{k:04}")).collect();
        let entries: Vec<RawEntry> = plates.iter().map(|p| raw(p, None)).collect();
        let (first, _) = ListVersion::from_raw(meta("A", ListKind::Special, 10, now), &entries, &policy).unwrap();
        let (second, _) =
            ListVersion::from_raw(meta("B", ListKind::Standard, 20, now), &entries[..50], &policy).unwrap();
        let snap = snapshot(vec![first, second]);
        let m = Matcher::new(Arc::new(policy));
        let n = 5 * BATCH_BLOCK + 7;
        // Read k: a failure before matching in one whole block and every 9th; a plate that does
        // not normalize every 7th; else a hit (exact, or a look-alike with 0 for O) or a miss.
        let texts: Vec<String> = (0..n)
            .map(|k| match k % 7 {
                0 => "7AB!1".to_owned(),
                1 | 4 => format!("7AB{:04}", k % 200),
                2 => format!("7AB{:04}", k % 200).replace('0', "O"),
                _ => format!("9ZZ{k:04}"),
            })
            .collect();
        let failed = |k: usize| (2 * BATCH_BLOCK..3 * BATCH_BLOCK).contains(&k) || k % 9 == 5;
        let reads = texts.iter().enumerate().map(|(k, p)| {
            if failed(k) {
                Err(Error::new(Code::InvalidArgument))
            } else {
                Ok(Read::new(p, now))
            }
        });
        let (mut hits, mut errors) = (Vec::new(), Vec::<(u32, Error)>::new());
        m.match_batch_indexed(&snap, reads, now, &mut hits, &mut errors);
        let (mut want_hits, mut want_errors) = (Vec::new(), Vec::new());
        for (k, p) in texts.iter().enumerate() {
            if failed(k) {
                want_errors.push((k as u32, Code::InvalidArgument));
                continue;
            }
            match m.match_read(&snap, &Read::new(p, now), now) {
                Ok(h) => want_hits.extend(h.iter().map(|h| (k as u32, flat(h)))),
                Err(e) => want_errors.push((k as u32, e.code())),
            }
        }
        let blocks_hit: std::collections::BTreeSet<u32> =
            want_hits.iter().map(|(k, _)| *k / BATCH_BLOCK as u32).collect();
        assert_eq!(
            blocks_hit.len(),
            5,
            "the test needs hits in every block but the failed one"
        );
        let got_hits: Vec<(u32, Flat)> = hits.iter().map(|h| (h.read, flat(&h.hit))).collect();
        let got_errors: Vec<(u32, Code)> = errors.iter().map(|(i, e)| (*i, e.code())).collect();
        assert_eq!(got_hits, want_hits);
        assert_eq!(got_errors, want_errors);
    }

    #[test]
    fn an_index_built_for_another_policy_gives_the_same_hits() {
        let now = t("2026-11-28T12:00:00-08:00");
        let default = ListVersion::build(
            meta("A", ListKind::Special, 1, now),
            crate::hotlist::validate_entries(
                &[raw("7ABC123", None)],
                &[],
                ListKind::Special,
                None,
                &Policy::sacramento(),
            )
            .unwrap()
            .0,
            &Policy::sacramento(),
        );
        let snap = snapshot(vec![default]);
        let edits = Matcher::new(Arc::new(Policy {
            max_edits: 1,
            confusion_classes: vec!["XK".into()],
            ..Policy::sacramento()
        }));
        let hits = edits.match_read(&snap, &Read::new("7AXC123", now), now).unwrap();
        assert_eq!(hits[0].kind, MatchKind::Edit);
        let hits = edits.match_read(&snap, &Read::new("7ABC12K", now), now).unwrap();
        assert_eq!(
            hits[0].kind,
            MatchKind::Edit,
            "3/K are not look-alikes under that policy"
        );
    }

    // ---- Differential test against a naive oracle that applies SPEC §3 literally. ----

    /// One hit as the oracle sees it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    struct Flat {
        list: String,
        entry: String,
        kind: MatchKind,
        positions: Option<Vec<usize>>,
        jurisdiction: JurisdictionOutcome,
        plate_type_mismatch: bool,
        stale: bool,
        tier: Tier,
    }

    fn flat(h: &Hit) -> Flat {
        Flat {
            list: h.list_id().to_owned(),
            entry: h.entry_text(),
            kind: h.kind,
            positions: (h.kind != MatchKind::Edit).then(|| h.positions.iter().collect()),
            jurisdiction: h.jurisdiction,
            plate_type_mismatch: h.plate_type_mismatch,
            stale: h.stale,
            tier: h.tier,
        }
    }

    fn lev(a: &[u8], b: &[u8]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, &x) in a.iter().enumerate() {
            let mut cur = vec![i + 1];
            for (j, &y) in b.iter().enumerate() {
                cur.push((prev[j] + usize::from(x != y)).min(prev[j + 1] + 1).min(cur[j] + 1));
            }
            prev = cur;
        }
        prev[b.len()]
    }

    fn glob(p: &[u8], s: &[u8]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((b'*', rest)) => (0..=s.len()).any(|k| glob(rest, &s[k..])),
            Some((b'?', rest)) => !s.is_empty() && glob(rest, &s[1..]),
            Some((c, rest)) => s.first() == Some(c) && glob(rest, &s[1..]),
        }
    }

    /// Scans every entry of every list and applies §3 literally.
    #[allow(clippy::type_complexity)]
    fn oracle(lists: &[ListVersion], read: &Read<'_>, now: Instant, p: &Policy) -> Result<Vec<Flat>> {
        let r = crate::plate::normalize(read.plate)?.plate.to_string().into_bytes();
        let look_alike = |a: u8, b: u8| {
            p.confusion_classes
                .iter()
                .any(|c| c.contains(a as char) && c.contains(b as char))
        };
        let mut out: Vec<(
            u8,
            String,
            String,
            Option<Jurisdiction>,
            Option<PlateType>,
            Category,
            Flat,
        )> = Vec::new();
        for l in lists {
            for e in l.entries() {
                let text = e.key.to_string();
                let eb = text.as_bytes();
                let kind_pos = match &e.key {
                    PlateOrPattern::Pattern(_) => glob(eb, &r).then(|| (MatchKind::Pattern, Some(vec![]))),
                    PlateOrPattern::Plate(_) => {
                        let diffs: Vec<usize> = (0..r.len()).filter(|&i| eb.get(i) != Some(&r[i])).collect();
                        if eb == r.as_slice() {
                            Some((MatchKind::Exact, Some(vec![])))
                        } else if eb.len() == r.len()
                            && diffs.len() <= usize::from(p.max_confusable)
                            && diffs.iter().all(|&i| look_alike(r[i], eb[i]))
                        {
                            Some((MatchKind::Confusable, Some(diffs)))
                        } else if p.max_edits > 0
                            && r.len() >= usize::from(p.min_edit_length)
                            && lev(&r, eb) <= usize::from(p.max_edits)
                        {
                            Some((MatchKind::Edit, None))
                        } else {
                            None
                        }
                    }
                };
                let Some((kind, positions)) = kind_pos else { continue };
                if e.expires_at.is_some_and(|x| x <= read.observed_at) {
                    continue;
                }
                let jurisdiction = match (read.jurisdiction, e.jurisdiction) {
                    (Some(a), Some(b)) if a == b => JurisdictionOutcome::Match,
                    (Some(_), Some(_)) => JurisdictionOutcome::Mismatch,
                    _ => JurisdictionOutcome::Unknown,
                };
                if jurisdiction == JurisdictionOutcome::Mismatch
                    && p.on_jurisdiction_mismatch == MismatchAction::Suppress
                {
                    continue;
                }
                let ptm = matches!((read.plate_type, e.plate_type), (Some(a), Some(b)) if a != b);
                let mut tier = if kind == MatchKind::Exact && jurisdiction == JurisdictionOutcome::Match && !ptm {
                    Tier::Strong
                } else if matches!(kind, MatchKind::Exact | MatchKind::Confusable)
                    && jurisdiction != JurisdictionOutcome::Mismatch
                    && !ptm
                {
                    Tier::Moderate
                } else {
                    Tier::Weak
                };
                let max_age = p.max_age_hours.of(l.meta().kind);
                let stale = max_age.is_some_and(|h| now - l.meta().loaded_at > chrono::Duration::hours(i64::from(h)));
                if stale {
                    tier = tier.drop_one();
                }
                let f = Flat {
                    list: l.meta().id.clone(),
                    entry: text.clone(),
                    kind,
                    positions: positions.filter(|_| kind != MatchKind::Edit),
                    jurisdiction,
                    plate_type_mismatch: ptm,
                    stale,
                    tier,
                };
                out.push((
                    l.meta().priority,
                    l.meta().id.clone(),
                    text,
                    e.jurisdiction,
                    e.plate_type,
                    e.category,
                    f,
                ));
            }
        }
        out.sort_by(|a, b| {
            (a.0, a.6.tier, a.6.kind, &a.1, &a.2, a.3, a.4, a.5)
                .cmp(&(b.0, b.6.tier, b.6.kind, &b.1, &b.2, b.3, b.4, b.5))
        });
        Ok(out.into_iter().map(|x| x.6).collect())
    }

    const ALPHA: &[u8] = b"0ODQ1IL8B2Z5S7AX";

    fn plate_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(ALPHA), 3..8).prop_map(|v| String::from_utf8(v).unwrap())
    }

    /// A neighbour of a plate: look-alike substitutions, an edit, or itself.
    fn neighbour(base: &str, op: u8, at: usize, c: u8) -> String {
        let mut b = base.as_bytes().to_vec();
        let i = at % b.len();
        match op % 5 {
            0 => {}
            1 => {
                b[i] = match b[i] {
                    b'0' => b'O',
                    b'O' => b'Q',
                    b'1' => b'I',
                    b'8' => b'B',
                    b'B' => b'8',
                    b'2' => b'Z',
                    b'5' => b'S',
                    _ => b'D',
                }
            }
            2 => b[i] = c,
            3 => b.insert(i, c),
            _ => {
                if b.len() > 1 {
                    b.remove(i);
                }
            }
        }
        String::from_utf8(b).unwrap()
    }

    #[derive(Clone, Debug)]
    struct Scenario {
        read: String,
        read_j: Option<&'static str>,
        read_t: Option<&'static str>,
        entries: Vec<(usize, RawEntry)>,
        policy: Policy,
        list_ages: Vec<(ListKind, u8, i64)>,
        index_default: bool,
    }

    fn scenario() -> impl Strategy<Value = Scenario> {
        let juris = prop_oneof![Just(None), Just(Some("CA")), Just(Some("NV"))];
        let ptype = prop_oneof![Just(None), Just(Some("PC")), Just(Some("MC"))];
        let entry = (
            0usize..3,
            0u8..7,
            any::<(u8, usize, u8)>(),
            plate_text(),
            juris.clone(),
            ptype.clone(),
            0u8..4,
            0u8..2,
        );
        (
            plate_text(),
            juris,
            ptype,
            proptest::collection::vec(entry, 0..24),
            (0u8..3, 0u8..3, 3u8..7, any::<bool>(), any::<bool>()),
            proptest::collection::vec((0usize..4, prop_oneof![Just(5u8), Just(10u8)], 0i64..30), 3),
            any::<bool>(),
        )
            .prop_map(
                |(read, read_j, read_t, es, (mc, me, mel, suppress, odd_classes), ages, index_default)| {
                    let entries = es
                        .into_iter()
                        .map(|(list, how, (op, at, c), other, j, pt, exp, cat)| {
                            let c = ALPHA[usize::from(c) % ALPHA.len()];
                            let mut e = RawEntry {
                                jurisdiction: j.map(Into::into),
                                plate_type: pt.map(Into::into),
                                category: Some(["stolen_vehicle", "investigation"][usize::from(cat)].into()),
                                expires_at: match exp {
                                    0 => None,
                                    1 => Some("2026-11-28T11:00:00-08:00".into()),
                                    2 => Some("2026-11-28T12:00:00-08:00".into()),
                                    _ => Some("2026-11-28T13:00:00-08:00".into()),
                                },
                                ..RawEntry::default()
                            };
                            match how {
                                0 => e.plate = Some(other),
                                1..=4 => e.plate = Some(neighbour(&read, how, at, c)),
                                5 => {
                                    // A pattern from the read: wildcards at random positions.
                                    let mut b = read.as_bytes().to_vec();
                                    let i = at % b.len();
                                    b[i] = if op % 2 == 0 { b'?' } else { b'*' };
                                    if op % 3 == 0 {
                                        b.insert(0, b'*');
                                    }
                                    e.pattern = Some(String::from_utf8(b).unwrap());
                                }
                                _ => e.pattern = Some(format!("{}*{}", &other[..2], &other[2..])),
                            }
                            (list, e)
                        })
                        .collect();
                    let policy = Policy {
                        max_confusable: mc,
                        max_edits: me,
                        min_edit_length: mel,
                        on_jurisdiction_mismatch: if suppress {
                            MismatchAction::Suppress
                        } else {
                            MismatchAction::Report
                        },
                        confusion_classes: if odd_classes {
                            vec!["0O".into(), "OQ".into(), "1IL".into(), "8B".into()]
                        } else {
                            Policy::sacramento().confusion_classes
                        },
                        max_rejected_fraction: 1.0,
                        ..Policy::sacramento()
                    };
                    let list_ages = ages.into_iter().map(|(k, pr, h)| (ListKind::ALL[k], pr, h)).collect();
                    Scenario {
                        read,
                        read_j,
                        read_t,
                        entries,
                        policy,
                        list_ages,
                        index_default,
                    }
                },
            )
    }

    /// Whether ingest folds two records of one list with the same key, jurisdiction, type and
    /// category (then the kept record depends on order).
    fn merged_any(s: &Scenario) -> bool {
        (0..3).any(|l| {
            let (kind, _, _) = s.list_ages[l];
            let raws: Vec<RawEntry> = s
                .entries
                .iter()
                .filter(|(i, _)| *i == l)
                .map(|(_, e)| e.clone())
                .collect();
            crate::hotlist::validate_entries(&raws, &[], kind, None, &s.policy)
                .unwrap()
                .1
                .merged
                > 0
        })
    }

    fn build_lists(s: &Scenario, now: Instant, reverse: bool) -> Vec<ListVersion> {
        let ids = ["SVS", "HOT", "OOI"];
        let mut lists: Vec<ListVersion> = (0..3)
            .map(|l| {
                let mut raws: Vec<RawEntry> = s
                    .entries
                    .iter()
                    .filter(|(i, _)| *i == l)
                    .map(|(_, e)| e.clone())
                    .collect();
                if reverse {
                    raws.reverse();
                }
                let (kind, prio, h) = s.list_ages[l];
                let m = meta(ids[l], kind, prio, now - chrono::Duration::hours(h));
                let index_policy = if s.index_default {
                    Policy::sacramento()
                } else {
                    s.policy.clone()
                };
                let (entries, _) = crate::hotlist::validate_entries(&raws, &[], kind, None, &s.policy).unwrap();
                ListVersion::build(m, entries, &index_policy)
            })
            .collect();
        if reverse {
            lists.reverse();
        }
        lists
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        #[test]
        fn agrees_with_the_naive_oracle(s in scenario()) {
            let now = t("2026-11-28T12:00:00-08:00");
            let lists = build_lists(&s, now, false);
            let read = Read {
                jurisdiction: s.read_j.map(|j| Jurisdiction::parse(j).unwrap()),
                plate_type: s.read_t.map(|x| PlateType::parse(x).unwrap()),
                ..Read::new(&s.read, now)
            };
            let expected = oracle(&lists, &read, now, &s.policy).unwrap();
            let m = Matcher::new(Arc::new(s.policy.clone()));
            let snap = snapshot(lists);
            let got: Vec<Flat> = m.match_read(&snap, &read, now).unwrap().iter().map(flat).collect();
            prop_assert_eq!(&got, &expected);
            // Load order does not matter (R-MATCH-10) — unless ingest merged duplicates whose
            // other fields differ (ingest keeps the first; see DESIGN.md), which the oracle sees too.
            let rev = build_lists(&s, now, true);
            let expected_rev = oracle(&rev, &read, now, &s.policy).unwrap();
            let again: Vec<Flat> = m.match_read(&snapshot(rev), &read, now).unwrap().iter().map(flat).collect();
            prop_assert_eq!(&again, &expected_rev);
            if !merged_any(&s) {
                prop_assert_eq!(&again, &expected);
            }
            // A batch gives the same rows.
            let b = m.match_batch(&snap, &[read, read], now);
            let rows: Vec<(u32, Flat)> = b.hits.iter().map(|h| (h.read, flat(&h.hit))).collect();
            let want: Vec<(u32, Flat)> =
                [0u32, 1].iter().flat_map(|&i| expected.iter().map(move |f| (i, f.clone()))).collect();
            prop_assert_eq!(rows, want);
        }

        #[test]
        fn within_one_agrees_with_the_dp(a in plate_text(), b in plate_text(), cut in 0usize..8, c in proptest::sample::select(ALPHA)) {
            // Near neighbours too, not only random pairs.
            let mut near = a.as_bytes().to_vec();
            let i = cut % near.len();
            near.insert(i, c);
            for other in [b.as_bytes(), &near, &a.as_bytes()[..a.len() - 1]] {
                prop_assert_eq!(within_one(a.as_bytes(), other).is_some(), lev(a.as_bytes(), other) <= 1);
                if let Some(p) = within_one(a.as_bytes(), other) {
                    prop_assert!(p.len() <= 1 && p.iter().all(|x| x <= a.len()));
                }
            }
        }

        /// The packed form of `within_one` gives its answer, positions included, on random
        /// pairs and on near neighbours (one insertion, one deletion, one substitution).
        #[test]
        fn within_one_packed_agrees_with_within_one(a in plate_text(), b in plate_text(), cut in 0usize..8, c in proptest::sample::select(ALPHA)) {
            let i = cut % a.len();
            let mut ins = a.as_bytes().to_vec();
            ins.insert(i, c);
            let mut sub = a.as_bytes().to_vec();
            sub[i] = c;
            let mut del = a.as_bytes().to_vec();
            del.remove(i);
            for other in [b.as_bytes(), &ins, &sub, &del, a.as_bytes()] {
                let (Some(pa), Some(po)) = (Plate::from_canonical(a.as_bytes()), Plate::from_canonical(other)) else {
                    continue;
                };
                let (ca, na) = index::codes_of(pa);
                let (co, no) = index::codes_of(po);
                prop_assert_eq!(within_one_packed(pa, po), within_one(&ca[..na], &co[..no]));
                prop_assert_eq!(within_one_packed(po, pa), within_one(&co[..no], &ca[..na]));
            }
        }

        #[test]
        fn edit_positions_are_inside_the_read_or_at_its_end(a in plate_text(), b in plate_text()) {
            let (a, b) = (a.as_bytes(), b.as_bytes());
            if let Some(p) = edit_within(a, b, 2) {
                let d = lev(a, b);
                prop_assert!(d <= 2);
                prop_assert!(p.iter().all(|i| i <= a.len()));
                prop_assert_eq!(p.is_empty(), d == 0);
            } else {
                prop_assert!(lev(a, b) > 2);
            }
        }
    }

    proptest! {
        /// The one-pass preparation of a canonical plate gives exactly what normalization, the
        /// codes and the confusion key give (and other input takes the normalization path).
        #[test]
        fn prepare_agrees_with_normalize(raw in "[A-Z0-9a-z -]{0,12}", odd_classes in any::<bool>()) {
            let policy = Policy {
                confusion_classes: if odd_classes {
                    vec!["0O".into(), "OQ".into(), "1IL".into(), "8B".into()]
                } else {
                    Policy::sacramento().confusion_classes
                },
                ..Policy::sacramento()
            };
            let m = Matcher::new(Arc::new(policy));
            prepare_is_normalize(&m, &raw)?;
        }

        /// The same for any text (bytes outside ASCII, control characters, any length).
        #[test]
        fn prepare_agrees_with_normalize_on_any_text(raw in "\\PC{0,12}|[A-Z0-9]{1,11}") {
            let m = Matcher::new(Arc::new(Policy::sacramento()));
            prepare_is_normalize(&m, &raw)?;
        }
    }

    #[test]
    fn no_allocation_needed_for_a_miss() {
        // The miss path returns an empty Vec, which never allocates.
        let now = t("2026-11-28T12:00:00-08:00");
        let (v, _) = ListVersion::from_raw(
            meta("SVS", ListKind::Standard, 10, now),
            &[raw("7ABC123", None)],
            &Policy::sacramento(),
        )
        .unwrap();
        let snap = snapshot(vec![v]);
        let m = Matcher::new(Arc::new(Policy::sacramento()));
        let hits = m.match_read(&snap, &Read::new("8XYZ999", now), now).unwrap();
        assert_eq!(hits.capacity(), 0);
        let _ = BTreeMap::<u8, u8>::new();
    }

    /// A read of a batch: a plate (maybe unreadable) or a failure before matching.
    fn batch_item() -> impl Strategy<Value = Result<String, Code>> {
        prop_oneof![
            4 => plate_text().prop_map(Ok),
            1 => prop_oneof![Just(String::new()), Just("--".to_owned()), Just("7AB!23".to_owned()), Just("A".repeat(11))].prop_map(Ok),
            1 => prop_oneof![Just(Code::InvalidJurisdiction), Just(Code::InvalidArgument)].prop_map(Err),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// The indexed batch gives, for every input index, exactly what a single match gives:
        /// the same hits tagged with the index, or the error (its own or the normalization's).
        #[test]
        fn indexed_batch_agrees_with_single_matches(s in scenario(), items in proptest::collection::vec(batch_item(), 0..2 * BATCH_BLOCK + 3)) {
            let now = t("2026-11-28T12:00:00-08:00");
            let m = Matcher::new(Arc::new(s.policy.clone()));
            let snap = snapshot(build_lists(&s, now, false));
            let (mut hits, mut errors) = (Vec::new(), Vec::<(u32, Error)>::new());
            let reads = items.iter().map(|it| match it {
                Ok(p) => Ok(Read::new(p, now)),
                Err(c) => Err(Error::new(*c)),
            });
            m.match_batch_indexed(&snap, reads, now, &mut hits, &mut errors);
            let mut want_hits: Vec<(u32, Flat)> = Vec::new();
            let mut want_errors: Vec<(u32, Code)> = Vec::new();
            for (i, it) in items.iter().enumerate() {
                let i = i as u32;
                match it {
                    Err(c) => want_errors.push((i, *c)),
                    Ok(p) => match m.match_read(&snap, &Read::new(p, now), now) {
                        Ok(h) => want_hits.extend(h.iter().map(|h| (i, flat(h)))),
                        Err(e) => want_errors.push((i, e.code())),
                    },
                }
            }
            let got_hits: Vec<(u32, Flat)> = hits.iter().map(|h| (h.read, flat(&h.hit))).collect();
            let got_errors: Vec<(u32, Code)> = errors.iter().map(|(i, e)| (*i, e.code())).collect();
            prop_assert_eq!(got_hits, want_hits);
            prop_assert_eq!(got_errors, want_errors);
        }
    }
}
