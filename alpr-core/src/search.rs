//! Partial-plate search over stored detections (R-SEARCH-1, R-MATCH-7), with the retention
//! window enforced at query time (R-RET-6).
//!
//! A [`DetectionStore`] is a columnar, immutable set of detections, built once by a
//! [`DetectionStoreBuilder`] (like a list version: a new batch gives a new store). A
//! [`DetectionQuery`] names a plate or a `?`/`*` pattern (§3.4), an optional time window (`from`
//! inclusive, `to` exclusive) and an optional radius around a point (great-circle distance on a
//! sphere of radius [`EARTH_RADIUS_M`]). [`DetectionStore::search`] returns the matching row
//! numbers in ascending order; [`DetectionStore::search_ids`] the detection ids.
//!
//! This module is the pure search: it does not decide access and writes no audit record. The
//! guarded entry point (R-SEARCH-1: access decision and audit record first, R-AUDIT-3) wraps it.
//!
//! # Index
//!
//! Distinct plates are dictionary-encoded in sorted order. Candidates for a pattern come from the
//! cheapest of: the range of plates starting with the pattern's literal prefix (binary search);
//! the range of plates ending with its literal suffix (a second order, by reversed text);
//! positional trigram posting lists counted from the start or from the end of the plate (three
//! consecutive literals at a fixed offset); a union of the trigram lists over every offset for a
//! segment between two `*`. Every candidate is then checked with [`Pattern::matches`], so the
//! index only ever narrows. Plates map to detection rows through a CSR whose rows are sorted by
//! time within each plate, so a time window or the retention boundary is a binary search a plate.
//!
//! ```
//! use alpr_core::search::{DetectionQuery, DetectionStoreBuilder, Retention};
//! use alpr_core::{PatternLimits, PlateOrPattern};
//! let mut b = DetectionStoreBuilder::new();
//! b.push_ms(1, "7ABC123".parse()?, None, 1_000, 38.58, -121.49, None)?;
//! b.push_ms(2, "8XYZ999".parse()?, None, 2_000, 38.58, -121.49, None)?;
//! let store = b.build()?;
//! let q = DetectionQuery::new(PlateOrPattern::parse("?ABC1*", PatternLimits::default())?);
//! assert_eq!(store.search_ids(&q, &Retention::keep_all())?, vec![1]);
//! # Ok::<(), alpr_core::Error>(())
//! ```

use std::collections::{HashMap, HashSet};

use crate::error::{Code, Error, Position, Result};
use crate::pattern::{Pattern, PlateOrPattern, Token};
use crate::plate::{Jurisdiction, PLATE_MAX_LEN, Plate};
use crate::policy::Policy;
use crate::retention::{ClassId, RetentionRules};
use crate::time::{CalendarSpan, Instant};

/// The radius of the sphere for great-circle distances, in metres (the IUGG mean Earth radius).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Alphabet size of plate characters (codes 1..=36).
const SIGMA: usize = 36;
/// Number of trigram keys at one offset.
const TRI: usize = SIGMA * SIGMA * SIGMA;
/// Offsets a trigram can start at (a plate has at most 10 characters).
const TRI_OFFSETS: usize = PLATE_MAX_LEN - 2;
/// Relative cost of one candidate reached by a random access (a posting) against one read
/// sequentially (a range of the sorted dictionary).
const RANDOM_ACCESS_COST: usize = 4;

/// Device id value for "no device".
const NO_DEVICE: u32 = u32::MAX;

fn invalid(detail: &'static str) -> Error {
    Error::new(Code::InvalidArgument).with_detail(detail)
}

fn invalid_at(detail: &'static str, index: usize) -> Error {
    invalid(detail).with_position(Position {
        line: None,
        column: None,
        character: None,
        index: Some(u32::try_from(index).unwrap_or(u32::MAX)),
    })
}

/// Unix milliseconds of an instant, rounded down (the store's precision).
pub fn floor_ms(t: Instant) -> i64 {
    t.timestamp_millis()
}

/// Unix milliseconds of an instant, rounded up (for bounds: `ms >= t` iff `ms >= ceil_ms(t)`).
pub fn ceil_ms(t: Instant) -> i64 {
    let ms = t.timestamp_millis();
    if t.timestamp_subsec_nanos().is_multiple_of(1_000_000) {
        ms
    } else {
        ms.saturating_add(1)
    }
}

/// The instant of Unix milliseconds, if representable.
pub fn instant_of_ms(ms: i64) -> Option<Instant> {
    chrono::DateTime::from_timestamp_millis(ms)
}

/// A point and a radius for canvassing (G.O. §C.1.b).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Near {
    /// Latitude in degrees, -90 to 90.
    pub lat: f64,
    /// Longitude in degrees, -180 to 180.
    pub lon: f64,
    /// Radius in metres, 0 or more; a detection exactly at the radius is inside.
    pub radius_m: f64,
}

impl Near {
    fn validate(&self) -> Result<()> {
        if !valid_lat_lon(self.lat, self.lon) {
            return Err(invalid("point outside -90..90 latitude or -180..180 longitude"));
        }
        if !(self.radius_m.is_finite() && self.radius_m >= 0.0) {
            return Err(invalid("radius must be a finite number of metres, 0 or more"));
        }
        Ok(())
    }
}

fn valid_lat_lon(lat: f64, lon: f64) -> bool {
    (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)
}

/// Great-circle distance in metres between two points given in degrees (haversine formula on a
/// sphere of radius [`EARTH_RADIUS_M`]).
pub fn great_circle_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// A search: a plate or pattern, an optional time window and an optional radius (R-SEARCH-1).
#[derive(Clone, Debug, PartialEq)]
pub struct DetectionQuery {
    /// The plate (exact search) or pattern.
    pub term: PlateOrPattern,
    /// Earliest `observed_at`, inclusive.
    pub from: Option<Instant>,
    /// End of the window, exclusive.
    pub to: Option<Instant>,
    /// Only detections within this radius of this point.
    pub near: Option<Near>,
}

impl DetectionQuery {
    /// A query for `term` over all time and everywhere.
    pub fn new(term: PlateOrPattern) -> DetectionQuery {
        DetectionQuery {
            term,
            from: None,
            to: None,
            near: None,
        }
    }
}

/// The retention rule of the `detection` class at one instant (R-RET-1, R-RET-2, R-RET-6): a
/// detection is due when the retention module says so ([`RetentionRules::delete_after`] at or
/// before `now`). Search only adds a band of capture times around the boundary so that it asks the
/// rule for few rows; the rule itself lives once, in [`crate::retention`].
#[derive(Clone, Debug)]
pub struct DueRule {
    rules: RetentionRules,
    class: ClassId,
    /// The instant of the search.
    pub now: Instant,
}

impl DueRule {
    /// The rule of `class` in `rules` at `now`; `None` when the class is unknown or has no
    /// automatic deletion.
    pub fn new(rules: RetentionRules, class: ClassId, now: Instant) -> Option<DueRule> {
        rules.rule(class)?.delete_after?;
        Some(DueRule { rules, class, now })
    }

    /// Whether a detection captured at Unix millisecond `captured_ms` is due for purge.
    pub fn is_due_ms(&self, captured_ms: i64) -> bool {
        instant_of_ms(captured_ms).is_none_or(|t| self.rules.is_due(self.class, t, self.now, false))
    }

    /// Bounds `(lo, hi)` in Unix ms: every capture before `lo` is due, every capture at or after
    /// `hi` is not; in between, [`Self::is_due_ms`] decides. A calendar month lasts 28 to 31
    /// days, a year 365 or 366, and clamping or a time-zone change moves a date by less than 2
    /// more days, so the band is a few days wide and holds few rows of any one plate. The
    /// effective span is the later of keep-at-least and delete-after.
    fn band_ms(&self) -> (i64, i64) {
        const DAY: i64 = 86_400_000;
        let bounds = |s: CalendarSpan| {
            let (y, m, d) = (i64::from(s.years), i64::from(s.months), i64::from(s.days));
            (
                (y * 366 + m * 31 + d + 2).saturating_mul(DAY),
                (y * 365 + m * 28 + d - 2).saturating_mul(DAY),
            )
        };
        let Some(rule) = self.rules.rule(self.class) else {
            return (i64::MIN, i64::MIN);
        };
        let (kl, ks) = bounds(rule.keep_at_least);
        let (dl, ds) = rule.delete_after.map_or((kl, ks), bounds);
        let (longest, shortest) = (kl.max(dl), ks.max(ds));
        let now = floor_ms(self.now);
        (
            now.saturating_sub(longest),
            now.saturating_sub(shortest).saturating_add(1),
        )
    }
}

/// The retention boundary of a search (R-RET-6): detections due for purge under `rule` are never
/// returned, unless their id is under legal hold (R-RET-3).
#[derive(Clone, Debug, Default)]
pub struct Retention {
    /// The delete-after rule at the time of the search; `None` when nothing is due.
    pub rule: Option<DueRule>,
    /// Ids of detections under legal hold: visible even when due.
    pub held: HashSet<u64>,
}

impl Retention {
    /// No retention boundary (every stored detection is visible). For tests and tools that
    /// apply retention elsewhere.
    pub fn keep_all() -> Retention {
        Retention::default()
    }

    /// The boundary of the policy's `detection` class at `now`, with the given holds.
    pub fn for_detections(policy: &Policy, now: Instant, held: HashSet<u64>) -> Retention {
        Retention {
            rule: detection_due_rule(policy, now),
            held,
        }
    }

    /// Whether the detection `id` captured at `captured_ms` is visible.
    pub fn is_visible(&self, id: u64, captured_ms: i64) -> bool {
        self.rule.as_ref().is_none_or(|r| !r.is_due_ms(captured_ms)) || self.held.contains(&id)
    }
}

/// The retention rule of the policy's `detection` class at `now` (R-RET-1, R-RET-2); `None`
/// when the policy deletes no detections.
pub fn detection_due_rule(policy: &Policy, now: Instant) -> Option<DueRule> {
    let rules = RetentionRules::from_policy(policy);
    let class = rules.class("detection").ok()?;
    DueRule::new(rules, class, now)
}

/// One stored detection, as returned by [`DetectionStore::row`].
#[derive(Clone, Debug, PartialEq)]
pub struct DetectionRow<'a> {
    /// The detection id.
    pub id: u64,
    /// The plate read.
    pub plate: Plate,
    /// The jurisdiction read, if any.
    pub jurisdiction: Option<Jurisdiction>,
    /// When it was observed, Unix milliseconds.
    pub observed_ms: i64,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// The device that read it, if known.
    pub device_id: Option<&'a str>,
}

impl DetectionRow<'_> {
    /// When it was observed.
    pub fn observed_at(&self) -> Instant {
        instant_of_ms(self.observed_ms).unwrap_or_default()
    }
}

/// Collects detections, validating each, then builds an immutable [`DetectionStore`].
#[derive(Clone, Debug, Default)]
pub struct DetectionStoreBuilder {
    ids: Vec<u64>,
    plates: Vec<u64>,
    jurisdictions: Vec<Option<Jurisdiction>>,
    observed: Vec<i64>,
    lat: Vec<f64>,
    lon: Vec<f64>,
    device: Vec<u32>,
    devices: Vec<String>,
    device_index: HashMap<String, u32>,
}

impl DetectionStoreBuilder {
    /// An empty builder.
    pub fn new() -> DetectionStoreBuilder {
        DetectionStoreBuilder::default()
    }

    /// An empty builder with room for `n` detections.
    pub fn with_capacity(n: usize) -> DetectionStoreBuilder {
        DetectionStoreBuilder {
            ids: Vec::with_capacity(n),
            plates: Vec::with_capacity(n),
            jurisdictions: Vec::with_capacity(n),
            observed: Vec::with_capacity(n),
            lat: Vec::with_capacity(n),
            lon: Vec::with_capacity(n),
            device: Vec::with_capacity(n),
            ..DetectionStoreBuilder::default()
        }
    }

    /// A builder holding every detection of `store`, in its row order (to append a batch and
    /// build a new store).
    pub fn from_store(store: &DetectionStore) -> DetectionStoreBuilder {
        let mut b = DetectionStoreBuilder::with_capacity(store.len());
        for r in 0..store.len() {
            let row = store.row(r as u32);
            b.ids.push(row.id);
            b.plates.push(row.plate.packed());
            b.jurisdictions.push(row.jurisdiction);
            b.observed.push(row.observed_ms);
            b.lat.push(row.lat);
            b.lon.push(row.lon);
            let d = row.device_id.map_or(NO_DEVICE, |d| b.device_id(d));
            b.device.push(d);
        }
        b
    }

    fn device_id(&mut self, d: &str) -> u32 {
        if let Some(&i) = self.device_index.get(d) {
            return i;
        }
        let i = self.devices.len() as u32;
        self.devices.push(d.to_owned());
        self.device_index.insert(d.to_owned(), i);
        i
    }

    /// Number of detections so far.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no detection was added.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Adds a detection observed at `observed_at` (stored at millisecond precision, rounded down).
    ///
    /// # Errors
    /// `invalid_argument` (position `index` = this detection's row) for a latitude outside
    /// -90..90, a longitude outside -180..180 or a non-finite coordinate, or past `u32::MAX` rows.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        id: u64,
        plate: Plate,
        jurisdiction: Option<Jurisdiction>,
        observed_at: Instant,
        lat: f64,
        lon: f64,
        device_id: Option<&str>,
    ) -> Result<()> {
        self.push_ms(id, plate, jurisdiction, floor_ms(observed_at), lat, lon, device_id)
    }

    /// Adds a detection observed at `observed_ms` Unix milliseconds (as [`Self::push`]).
    ///
    /// # Errors
    /// As [`Self::push`].
    #[allow(clippy::too_many_arguments)]
    pub fn push_ms(
        &mut self,
        id: u64,
        plate: Plate,
        jurisdiction: Option<Jurisdiction>,
        observed_ms: i64,
        lat: f64,
        lon: f64,
        device_id: Option<&str>,
    ) -> Result<()> {
        let row = self.ids.len();
        if row >= u32::MAX as usize {
            return Err(invalid_at("a store holds fewer than 2^32 - 1 detections", row));
        }
        if !valid_lat_lon(lat, lon) {
            return Err(invalid_at(
                "detection outside -90..90 latitude or -180..180 longitude",
                row,
            ));
        }
        let d = device_id.map_or(NO_DEVICE, |d| self.device_id(d));
        self.ids.push(id);
        self.plates.push(plate.packed());
        self.jurisdictions.push(jurisdiction);
        self.observed.push(observed_ms);
        self.lat.push(lat);
        self.lon.push(lon);
        self.device.push(d);
        Ok(())
    }

    /// Builds the store and its indexes.
    ///
    /// # Errors
    /// `invalid_argument` with position `index` at the second row of an id that appears twice
    /// (a detection id is unique in a store).
    pub fn build(self) -> Result<DetectionStore> {
        let n = self.ids.len();
        // Unique ids.
        let mut by_id: Vec<(u64, u32)> = self.ids.iter().enumerate().map(|(r, &id)| (id, r as u32)).collect();
        by_id.sort_unstable();
        if let Some(w) = by_id.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(invalid_at("detection id appears twice", w[1].1 as usize));
        }
        drop(by_id);

        // Dictionary of distinct plates, sorted.
        let mut plates = self.plates.clone();
        plates.sort_unstable();
        plates.dedup();
        let dict: HashMap<u64, u32> = plates.iter().enumerate().map(|(i, &p)| (p, i as u32)).collect();
        let pid_of_row: Vec<u32> = self.plates.iter().map(|p| dict[p]).collect();
        drop(dict);

        // CSR: rows grouped by plate, by time within a plate (ties by row).
        let mut offsets = vec![0u32; plates.len() + 1];
        for &p in &pid_of_row {
            offsets[p as usize + 1] += 1;
        }
        for i in 0..plates.len() {
            offsets[i + 1] += offsets[i];
        }
        let mut next: Vec<u32> = offsets[..plates.len()].to_vec();
        let mut order = vec![0u32; n];
        for (r, &p) in pid_of_row.iter().enumerate() {
            order[next[p as usize] as usize] = r as u32;
            next[p as usize] += 1;
        }
        drop(next);
        for w in offsets.windows(2) {
            let s = &mut order[w[0] as usize..w[1] as usize];
            if s.len() > 1 {
                s.sort_unstable_by_key(|&r| (self.observed[r as usize], r));
            }
        }
        let mut pos_of_row = vec![0u32; n];
        for (pos, &r) in order.iter().enumerate() {
            pos_of_row[r as usize] = pos as u32;
        }
        let gather_f = |col: &[f64]| order.iter().map(|&r| col[r as usize]).collect::<Vec<_>>();
        let store = DetectionStore {
            ids: order.iter().map(|&r| self.ids[r as usize]).collect(),
            observed: order.iter().map(|&r| self.observed[r as usize]).collect(),
            lat: gather_f(&self.lat),
            lon: gather_f(&self.lon),
            jurisdictions: order.iter().map(|&r| self.jurisdictions[r as usize]).collect(),
            device: order.iter().map(|&r| self.device[r as usize]).collect(),
            devices: self.devices,
            pid: order.iter().map(|&r| pid_of_row[r as usize]).collect(),
            row_of_pos: order,
            pos_of_row,
            offsets,
            suffix: SuffixOrder::new(&plates),
            from_start: TrigramIndex::new(&plates, false),
            from_end: TrigramIndex::new(&plates, true),
            plates,
        };
        Ok(store)
    }
}

/// One detection in the JSON shape of [`DetectionStore::from_json`].
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DetectionJson {
    id: u64,
    plate: String,
    observed_at: String,
    lat: f64,
    lon: f64,
    #[serde(default)]
    jurisdiction: Option<String>,
    #[serde(default)]
    device_id: Option<String>,
}

impl DetectionStore {
    /// Builds a store from a JSON array of detections, each
    /// `{"id", "plate", "observed_at" (RFC 3339), "lat", "lon"}` with optional `"jurisdiction"`
    /// and `"device_id"`. Plates and jurisdictions are normalized (R-NORM).
    ///
    /// # Errors
    /// `invalid_argument` for text that is not such an array; otherwise the code of the first bad
    /// detection (a plate's normalization code, `invalid_jurisdiction`, `invalid_date`,
    /// `invalid_argument` for coordinates or a repeated id), with its position `index`.
    pub fn from_json(text: &str) -> Result<DetectionStore> {
        let rows: Vec<DetectionJson> = serde_json::from_str(text).map_err(|e| {
            Error::new(Code::InvalidArgument).with_detail(format!(
                "not a JSON array of detections (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        let mut b = DetectionStoreBuilder::with_capacity(rows.len());
        for (i, d) in rows.iter().enumerate() {
            let at_index = |e: Error| {
                let p = e.position();
                e.with_position(Position {
                    index: Some(u32::try_from(i).unwrap_or(u32::MAX)),
                    ..p
                })
            };
            let plate = crate::plate::normalize(&d.plate).map_err(at_index)?.plate;
            let jurisdiction = d
                .jurisdiction
                .as_deref()
                .map(Jurisdiction::parse)
                .transpose()
                .map_err(at_index)?;
            let at = crate::time::parse_instant(&d.observed_at).map_err(at_index)?;
            b.push(d.id, plate, jurisdiction, at, d.lat, d.lon, d.device_id.as_deref())?;
        }
        b.build()
    }
}

/// Distinct plates ordered by their reversed text, for suffix ranges.
#[derive(Clone, Debug, Default)]
struct SuffixOrder {
    keys: Vec<u64>,
    pids: Vec<u32>,
}

impl SuffixOrder {
    fn new(plates: &[u64]) -> SuffixOrder {
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
fn prefix_range(sorted: &[u64], prefix: &[u8]) -> std::ops::Range<usize> {
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
struct TrigramIndex {
    offsets: Vec<u32>,
    postings: Vec<u32>,
}

fn tri_key(offset: usize, a: u8, b: u8, c: u8) -> usize {
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

    fn new(plates: &[u64], from_end: bool) -> TrigramIndex {
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

    fn list(&self, key: usize) -> &[u32] {
        &self.postings[self.offsets[key] as usize..self.offsets[key + 1] as usize]
    }
}

// `Plate(u64)` is private to `plate`; rebuild from packed values known to be plates.
#[allow(non_snake_case)]
fn Plate(packed: u64) -> Plate {
    Plate::from_packed(packed).unwrap_or_else(|| unreachable!("the dictionary holds plates"))
}

/// Checks packed plates against a pattern without unpacking them: length bounds and the literals
/// of the segment before the first `*` (from the start) and after the last (from the end), each
/// as one mask-and-compare on the packed value. For a pattern with at most one `*` that check is
/// the whole match; with two, [`Pattern::matches_codes`] decides what passes it.
struct Verifier<'p> {
    pat: &'p Pattern,
    min_len: usize,
    max_len: usize,
    // Literals of the first segment at their places in the packed value.
    head_mask: u64,
    head_val: u64,
    // Literals of the last segment, counted from the end: character j from the end sits at bits
    // 6j once the plate is shifted right by its padding.
    tail_mask: u64,
    tail_val: u64,
    exact: bool,
}

impl<'p> Verifier<'p> {
    fn new(pat: &'p Pattern) -> Verifier<'p> {
        let tokens = pat.tokens();
        let segs: Vec<&[Token]> = tokens.split(|t| *t == Token::Star).collect();
        let (mut head_mask, mut head_val, mut tail_mask, mut tail_val) = (0u64, 0u64, 0u64, 0u64);
        for (i, t) in segs[0].iter().enumerate() {
            if let Token::Literal(c) = t {
                let shift = 6 * (PLATE_MAX_LEN - 1 - i);
                head_mask |= 0x3f << shift;
                head_val |= u64::from(*c) << shift;
            }
        }
        if segs.len() > 1 {
            let last = segs[segs.len() - 1];
            for (i, t) in last.iter().enumerate() {
                if let Token::Literal(c) = t {
                    let shift = 6 * (last.len() - 1 - i);
                    tail_mask |= 0x3f << shift;
                    tail_val |= u64::from(*c) << shift;
                }
            }
        }
        Verifier {
            pat,
            min_len: pat.min_len(),
            max_len: pat.fixed_len().unwrap_or(PLATE_MAX_LEN),
            head_mask,
            head_val,
            tail_mask,
            tail_val,
            exact: segs.len() <= 2,
        }
    }

    #[inline]
    fn matches(&self, packed: u64) -> bool {
        let pad = packed.trailing_zeros() as usize / 6;
        let n = PLATE_MAX_LEN - pad;
        let ok = n >= self.min_len
            && n <= self.max_len
            && packed & self.head_mask == self.head_val
            && (packed >> (6 * pad)) & self.tail_mask == self.tail_val;
        if !ok || self.exact {
            return ok;
        }
        let code = |i: usize| (packed >> (6 * (PLATE_MAX_LEN - 1 - i))) & 0x3f;
        let mut codes = [0u8; PLATE_MAX_LEN];
        for (i, c) in codes.iter_mut().enumerate().take(n) {
            *c = code(i) as u8;
        }
        self.pat.matches_codes(&codes[..n])
    }
}

/// Where the candidates of a pattern come from.
enum Source<'a> {
    /// A range of the sorted dictionary.
    Range(std::ops::Range<usize>),
    /// A range of the suffix order.
    Suffix(std::ops::Range<usize>),
    /// One posting list.
    List(&'a [u32]),
    /// The union of posting lists.
    Union(Vec<&'a [u32]>),
}

impl Source<'_> {
    fn cost(&self) -> usize {
        match self {
            Source::Range(r) => r.len(),
            Source::Suffix(r) => r.len() * RANDOM_ACCESS_COST,
            Source::List(l) => l.len() * RANDOM_ACCESS_COST,
            Source::Union(ls) => ls.iter().map(|l| l.len()).sum::<usize>() * RANDOM_ACCESS_COST * 2,
        }
    }
}

/// An immutable, columnar set of detections with a partial-plate index. Cheap to share
/// (`Arc`) between threads; every query is read-only.
#[derive(Clone, Debug, Default)]
pub struct DetectionStore {
    // Distinct plates, sorted (packed); the plate id is the index.
    plates: Vec<u64>,
    // CSR: rows of plate `p` are positions offsets[p]..offsets[p+1], sorted by time.
    offsets: Vec<u32>,
    // Columns in CSR position order.
    ids: Vec<u64>,
    observed: Vec<i64>,
    lat: Vec<f64>,
    lon: Vec<f64>,
    jurisdictions: Vec<Option<Jurisdiction>>,
    device: Vec<u32>,
    pid: Vec<u32>,
    // Row number (insertion order) of each position, and back.
    row_of_pos: Vec<u32>,
    pos_of_row: Vec<u32>,
    devices: Vec<String>,
    suffix: SuffixOrder,
    from_start: TrigramIndex,
    from_end: TrigramIndex,
}

impl DetectionStore {
    /// An empty store.
    pub fn empty() -> DetectionStore {
        DetectionStoreBuilder::new().build().unwrap_or_default()
    }

    /// Number of detections.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the store holds no detection.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Number of distinct plates.
    pub fn distinct_plates(&self) -> usize {
        self.plates.len()
    }

    /// The detection in row `row` (rows are numbered in the order detections were pushed).
    ///
    /// # Panics
    /// When `row >= self.len()`.
    pub fn row(&self, row: u32) -> DetectionRow<'_> {
        let p = self.pos_of_row[row as usize] as usize;
        self.at(p)
    }

    fn at(&self, p: usize) -> DetectionRow<'_> {
        let d = self.device[p];
        DetectionRow {
            id: self.ids[p],
            plate: Plate(self.plates[self.pid[p] as usize]),
            jurisdiction: self.jurisdictions[p],
            observed_ms: self.observed[p],
            lat: self.lat[p],
            lon: self.lon[p],
            device_id: (d != NO_DEVICE).then(|| self.devices[d as usize].as_str()),
        }
    }

    /// Every distinct plate with a detection observed in `[from_ms, to_ms)`, in plate order, with
    /// the rows of those detections, oldest first (for retro-hits, R-SEARCH-2: one pass over the
    /// plates, one binary search per plate for the window).
    pub fn rows_by_plate(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> impl Iterator<Item = (Plate, impl ExactSizeIterator<Item = u32> + '_)> + '_ {
        (0..self.plates.len()).filter_map(move |pid| {
            let r = self.window(pid, from_ms, to_ms);
            (!r.is_empty()).then(|| (Plate(self.plates[pid]), r.map(|p| self.row_of_pos[p])))
        })
    }

    fn window(&self, pid: usize, from_ms: i64, to_ms: i64) -> std::ops::Range<usize> {
        let (start, end) = (self.offsets[pid] as usize, self.offsets[pid + 1] as usize);
        let times = &self.observed[start..end];
        let a = times.partition_point(|&x| x < from_ms);
        let b = a + times[a..].partition_point(|&x| x < to_ms);
        start + a..start + b
    }

    /// The rows matching `query` and visible under `retention`, ascending.
    ///
    /// # Errors
    /// `invalid_argument` for a window whose `to` is before its `from`, or a `near` point or
    /// radius outside its domain.
    pub fn search(&self, query: &DetectionQuery, retention: &Retention) -> Result<Vec<u32>> {
        let mut rows: Vec<u32> = self
            .search_positions(query, retention)?
            .into_iter()
            .map(|p| self.row_of_pos[p])
            .collect();
        rows.sort_unstable();
        Ok(rows)
    }

    /// The detection ids of `rows` (as [`Self::search`] returns them), ascending.
    pub fn ids_of(&self, rows: &[u32]) -> Vec<u64> {
        let mut ids: Vec<u64> = rows
            .iter()
            .map(|&r| self.ids[self.pos_of_row[r as usize] as usize])
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The ids of the detections matching `query` and visible under `retention`, ascending.
    ///
    /// # Errors
    /// As [`Self::search`].
    pub fn search_ids(&self, query: &DetectionQuery, retention: &Retention) -> Result<Vec<u64>> {
        let mut ids: Vec<u64> = self
            .search_positions(query, retention)?
            .into_iter()
            .map(|p| self.ids[p])
            .collect();
        ids.sort_unstable();
        Ok(ids)
    }

    /// The CSR positions of the detections matching `query` and visible under `retention`, in
    /// plate order.
    ///
    /// The plates found are scattered over the columns, so each costs cache misses; the work is
    /// done in passes whose iterations do not depend on one another (spans, then times, then
    /// the rows), which lets the processor overlap those misses instead of taking them one by
    /// one.
    fn search_positions(&self, query: &DetectionQuery, retention: &Retention) -> Result<Vec<usize>> {
        let from = query.from.map_or(i64::MIN, ceil_ms);
        let to = query.to.map_or(i64::MAX, ceil_ms);
        if to < from {
            return Err(invalid("time window ends before it starts"));
        }
        if let Some(n) = &query.near {
            n.validate()?;
        }
        let (band_lo, band_hi) = retention.rule.as_ref().map_or((i64::MIN, i64::MIN), DueRule::band_ms);
        let holds = !retention.held.is_empty();
        let pids = self.matching_plates(&query.term);
        // Pass 1: each plate's span of positions.
        let spans: Vec<(usize, usize)> = pids
            .iter()
            .map(|&pid| {
                (
                    self.offsets[pid as usize] as usize,
                    self.offsets[pid as usize + 1] as usize,
                )
            })
            .collect();
        // Pass 2: whether a span is visible as a whole (its oldest row inside the window and past
        // the retention band, its newest before the window's end) — the common case, decided from
        // its two ends without a search.
        let whole: Vec<bool> = spans
            .iter()
            .map(|&(start, end)| {
                end > start && self.observed[start] >= from.max(band_hi) && self.observed[end - 1] < to
            })
            .collect();
        // Pass 3: the positions.
        let mut out = Vec::with_capacity(spans.len());
        for (&(start, end), whole) in spans.iter().zip(whole) {
            if whole {
                out.extend(start..end);
                continue;
            }
            let t = &self.observed[start..end];
            let a = t.partition_point(|&x| x < from);
            let b = a + t[a..].partition_point(|&x| x < to);
            let lo = a + t[a..b].partition_point(|&x| x < band_lo);
            let hi = a + t[a..b].partition_point(|&x| x < band_hi);
            // Before the band: due, visible only when held. In the band: the exact rule.
            let first = if holds { a } else { lo };
            out.extend((start + first..start + b).filter(|&p| {
                let i = p - start;
                i >= hi
                    || (i >= lo && retention.rule.as_ref().is_none_or(|r| !r.is_due_ms(self.observed[p])))
                    || (holds && retention.held.contains(&self.ids[p]))
            }));
        }
        if let Some(n) = query.near {
            out.retain(|&p| great_circle_m(n.lat, n.lon, self.lat[p], self.lon[p]) <= n.radius_m);
        }
        Ok(out)
    }

    /// Ids of the distinct plates that match `term`, ascending.
    fn matching_plates(&self, term: &PlateOrPattern) -> Vec<u32> {
        match term {
            PlateOrPattern::Plate(p) => self
                .plates
                .binary_search(&p.packed())
                .map_or_else(|_| Vec::new(), |i| vec![i as u32]),
            PlateOrPattern::Pattern(pat) => self.matching_pattern(pat),
        }
    }

    fn matching_pattern(&self, pat: &Pattern) -> Vec<u32> {
        let source = self.best_source(pat);
        let v = Verifier::new(pat);
        let ok = |pid: u32| v.matches(self.plates[pid as usize]);
        let mut out: Vec<u32> = match source {
            Source::Range(r) => (r.start as u32..r.end as u32).filter(|&p| ok(p)).collect(),
            Source::Suffix(r) => self.suffix.pids[r].iter().copied().filter(|&p| ok(p)).collect(),
            Source::List(l) => l.iter().copied().filter(|&p| ok(p)).collect(),
            Source::Union(ls) => {
                let mut v: Vec<u32> = ls.into_iter().flatten().copied().collect();
                v.sort_unstable();
                v.dedup();
                v.retain(|&p| ok(p));
                v
            }
        };
        out.sort_unstable();
        out
    }

    fn best_source(&self, pat: &Pattern) -> Source<'_> {
        let tokens = pat.tokens();
        let segs: Vec<&[Token]> = tokens.split(|t| *t == Token::Star).collect();
        let anchored_start = !segs[0].is_empty();
        let anchored_end = segs.len() == 1 || !segs[segs.len() - 1].is_empty();
        let lit = |t: &Token| match t {
            Token::Literal(c) => Some(*c),
            _ => None,
        };
        let mut best = Source::Range(0..self.plates.len());
        let mut cands: Vec<Source<'_>> = Vec::new();
        if anchored_start {
            let prefix: Vec<u8> = segs[0].iter().map_while(lit).collect();
            if !prefix.is_empty() {
                cands.push(Source::Range(prefix_range(&self.plates, &prefix)));
            }
            // Trigrams at fixed offsets from the start (first segment only).
            for (o, w) in segs[0].windows(3).enumerate() {
                if let (Some(a), Some(b), Some(c)) = (lit(&w[0]), lit(&w[1]), lit(&w[2])) {
                    cands.push(Source::List(self.from_start.list(tri_key(o, a, b, c))));
                }
            }
        }
        if anchored_end {
            let last = segs[segs.len() - 1];
            let mut suffix: Vec<u8> = last.iter().rev().map_while(lit).collect();
            if !suffix.is_empty() {
                suffix.truncate(PLATE_MAX_LEN);
                cands.push(Source::Suffix(prefix_range(&self.suffix.keys, &suffix)));
            }
            for (o, w) in last.windows(3).rev().enumerate() {
                if let (Some(a), Some(b), Some(c)) = (lit(&w[0]), lit(&w[1]), lit(&w[2])) {
                    cands.push(Source::List(self.from_end.list(tri_key(o, a, b, c))));
                }
            }
        }
        // A segment between stars floats: union over every offset it can start at.
        for (i, seg) in segs.iter().enumerate() {
            let fixed = (i == 0 && anchored_start) || (i == segs.len() - 1 && anchored_end);
            if fixed {
                continue;
            }
            // The least offset a segment can start at: the positions of the segments before it.
            let min_start: usize = segs[..i].iter().map(|s| s.len()).sum();
            for (k, w) in seg.windows(3).enumerate() {
                if let (Some(a), Some(b), Some(c)) = (lit(&w[0]), lit(&w[1]), lit(&w[2])) {
                    let lists = (min_start + k..TRI_OFFSETS)
                        .map(|o| self.from_start.list(tri_key(o, a, b, c)))
                        .collect();
                    cands.push(Source::Union(lists));
                }
            }
        }
        for c in cands {
            if c.cost() < best.cost() {
                best = c;
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::PatternLimits;
    use proptest::prelude::*;

    fn t(s: &str) -> Instant {
        crate::time::parse_instant(s).unwrap()
    }

    fn term(s: &str) -> PlateOrPattern {
        PlateOrPattern::parse(s, PatternLimits::default()).unwrap()
    }

    fn store(rows: &[(u64, &str, &str, f64, f64)]) -> DetectionStore {
        let mut b = DetectionStoreBuilder::new();
        for &(id, p, at, lat, lon) in rows {
            b.push(id, p.parse().unwrap(), None, t(at), lat, lon, Some("unit-7"))
                .unwrap();
        }
        b.build().unwrap()
    }

    #[test]
    fn due_rule_is_the_calendar_boundary() {
        let p = Policy::sacramento();
        let ms = |s: &str| floor_ms(t(s));
        let r = detection_due_rule(&p, t("2026-11-28T12:00:00-08:00")).unwrap();
        // Exactly two years before is due; a millisecond later is not.
        assert!(r.is_due_ms(ms("2024-11-28T12:00:00-08:00")));
        assert!(!r.is_due_ms(ms("2024-11-28T12:00:00.001-08:00")));
        let (lo, hi) = r.band_ms();
        assert!(lo < ms("2024-11-28T12:00:00-08:00") && ms("2024-11-28T12:00:00.001-08:00") < hi);
        // Clamping (R-RET-2): 2024-02-29 + 2y = 2026-02-28, so at that instant 02-29 is due while
        // a capture on 02-28 a millisecond later is not (the due set is not one interval).
        let r = detection_due_rule(&p, t("2026-02-28T09:00:00-08:00")).unwrap();
        assert!(r.is_due_ms(ms("2024-02-29T09:00:00-08:00")));
        assert!(!r.is_due_ms(ms("2024-02-28T09:00:00.001-08:00")));
        assert!(!r.is_due_ms(ms("2024-02-29T09:00:00.001-08:00")));
        // No delete-after: nothing is due.
        let mut p2 = p.clone();
        p2.retention.get_mut("detection").unwrap().delete_after = None;
        assert!(detection_due_rule(&p2, t("2026-02-28T09:00:00-08:00")).is_none());
    }

    #[test]
    fn search_window_radius_retention_and_holds() {
        let s = store(&[
            (1, "7ABC123", "2026-11-27T10:00:00-08:00", 38.5816, -121.4944),
            (2, "7ABD129", "2026-11-27T11:00:00-08:00", 38.582, -121.495),
            (3, "7ABC1234", "2026-11-26T09:00:00-08:00", 38.6, -121.4944),
            (4, "8ABC123", "2026-11-20T09:00:00-08:00", 38.5816, -121.4944),
            (5, "7ABC125", "2024-06-01T09:00:00-07:00", 38.5816, -121.4944),
        ]);
        let ret = Retention::for_detections(&Policy::sacramento(), t("2026-11-28T12:00:00-08:00"), HashSet::new());
        let ids = |q: &DetectionQuery, r: &Retention| s.search_ids(q, r).unwrap();
        assert_eq!(ids(&DetectionQuery::new(term("7AB?12?")), &ret), vec![1, 2]);
        assert_eq!(ids(&DetectionQuery::new(term("*C12*")), &ret), vec![1, 3, 4]);
        assert_eq!(ids(&DetectionQuery::new(term("7ABC125")), &ret), Vec::<u64>::new());
        let held = Retention {
            held: [5].into_iter().collect(),
            ..ret.clone()
        };
        assert_eq!(ids(&DetectionQuery::new(term("7ABC125")), &held), vec![5]);
        assert_eq!(ids(&DetectionQuery::new(term("7ABC12?")), &held), vec![1, 5]);
        let mut q = DetectionQuery::new(term("*C12*"));
        q.from = Some(t("2026-11-26T00:00:00-08:00"));
        q.to = Some(t("2026-11-28T00:00:00-08:00"));
        assert_eq!(ids(&q, &ret), vec![1, 3]);
        let mut q = DetectionQuery::new(term("7AB*"));
        q.near = Some(Near {
            lat: 38.5816,
            lon: -121.4944,
            radius_m: 500.0,
        });
        assert_eq!(ids(&q, &ret), vec![1, 2]);
        assert_eq!(s.search(&q, &ret).unwrap(), vec![0, 1]);
        let row = s.row(2);
        assert_eq!(
            (row.id, row.plate.to_string(), row.device_id),
            (3, "7ABC1234".into(), Some("unit-7"))
        );
        // Bad arguments.
        let mut q = DetectionQuery::new(term("7AB*"));
        q.from = Some(t("2026-11-28T00:00:00Z"));
        q.to = Some(t("2026-11-27T00:00:00Z"));
        assert_eq!(s.search(&q, &ret).unwrap_err().code(), Code::InvalidArgument);
        q.to = q.from;
        assert!(s.search(&q, &ret).unwrap().is_empty());
        let mut q = DetectionQuery::new(term("7AB*"));
        q.near = Some(Near {
            lat: 91.0,
            lon: 0.0,
            radius_m: 1.0,
        });
        assert_eq!(s.search(&q, &ret).unwrap_err().code(), Code::InvalidArgument);
        // Retro-hits helper.
        let by_plate: Vec<(String, Vec<u32>)> = s
            .rows_by_plate(i64::MIN, i64::MAX)
            .map(|(p, rows)| (p.to_string(), rows.collect()))
            .collect();
        let total: usize = by_plate.iter().map(|(_, r)| r.len()).sum();
        assert_eq!(total, s.len());
        assert!(by_plate.windows(2).all(|w| w[0].0 != w[1].0));
        assert!(by_plate.contains(&("7ABC123".to_owned(), vec![0])));
        assert_eq!(s.rows_by_plate(0, 0).count(), 0);
    }

    #[test]
    fn build_rejects_duplicate_ids_and_bad_coordinates() {
        let mut b = DetectionStoreBuilder::new();
        let p: Plate = "ABC123".parse().unwrap();
        b.push_ms(9, p, None, 0, 0.0, 0.0, None).unwrap();
        b.push_ms(8, p, None, 0, 0.0, 0.0, None).unwrap();
        let e = b.push_ms(7, p, None, 0, f64::NAN, 0.0, None).unwrap_err();
        assert_eq!((e.code(), e.position().index), (Code::InvalidArgument, Some(2)));
        b.push_ms(9, p, None, 0, 0.0, 0.0, None).unwrap();
        let e = b.build().unwrap_err();
        assert_eq!((e.code(), e.position().index), (Code::InvalidArgument, Some(2)));
    }

    #[test]
    fn rebuild_from_store_keeps_rows() {
        let s = store(&[
            (1, "7ABC123", "2026-11-27T10:00:00-08:00", 1.0, 2.0),
            (2, "7ABD129", "2026-11-27T11:00:00-08:00", 3.0, 4.0),
        ]);
        let mut b = DetectionStoreBuilder::from_store(&s);
        b.push_ms(3, "7ABC123".parse().unwrap(), None, 5, 0.0, 0.0, None)
            .unwrap();
        let s2 = b.build().unwrap();
        assert_eq!(s2.len(), 3);
        assert_eq!(s2.row(0), s.row(0));
        assert_eq!(s2.row(1), s.row(1));
        assert_eq!(s2.distinct_plates(), 2);
    }

    #[test]
    fn from_json_normalizes_and_reports_the_index() {
        let s = DetectionStore::from_json(
            r#"[{"id": 4, "plate": "7abc-123", "observed_at": "2026-11-27T10:00:00-08:00", "lat": 1.5, "lon": 2.5,
                 "jurisdiction": "ca", "device_id": "pod-3"}]"#,
        )
        .unwrap();
        let r = s.row(0);
        assert_eq!(r.plate.to_string(), "7ABC123");
        assert_eq!(r.jurisdiction.map(|j| j.as_str().to_owned()), Some("CA".to_owned()));
        assert_eq!(
            (r.device_id, r.observed_at()),
            (Some("pod-3"), t("2026-11-27T10:00:00-08:00"))
        );
        let e = DetectionStore::from_json(
            r#"[{"id": 1, "plate": "ABC", "observed_at": "2026-11-27T10:00:00Z", "lat": 0, "lon": 0},
                {"id": 2, "plate": "A/B", "observed_at": "2026-11-27T10:00:00Z", "lat": 0, "lon": 0}]"#,
        )
        .unwrap_err();
        assert_eq!(
            (e.code(), e.position().index, e.position().character),
            (Code::InvalidCharacter, Some(1), Some(1))
        );
        assert_eq!(
            DetectionStore::from_json("{}").unwrap_err().code(),
            Code::InvalidArgument
        );
        assert!(DetectionStore::from_json("[]").unwrap().is_empty());
    }

    #[test]
    fn great_circle_known_distance() {
        // One degree of latitude on this sphere.
        let d = great_circle_m(0.0, 0.0, 1.0, 0.0);
        assert!((d - EARTH_RADIUS_M * std::f64::consts::PI / 180.0).abs() < 1e-6);
        assert!(great_circle_m(10.0, 20.0, 10.0, 20.0).abs() < 1e-9);
    }

    fn naive(rows: &[(u64, String, i64, f64, f64)], q: &DetectionQuery, ret: &Retention) -> Vec<u64> {
        let from = q.from.map_or(i64::MIN, ceil_ms);
        let to = q.to.map_or(i64::MAX, ceil_ms);
        let mut v: Vec<u64> = rows
            .iter()
            .filter(|(_, p, _, _, _)| {
                let plate: Plate = p.parse().unwrap();
                match &q.term {
                    PlateOrPattern::Plate(x) => *x == plate,
                    PlateOrPattern::Pattern(pat) => pat.matches(plate),
                }
            })
            .filter(|r| r.2 >= from && r.2 < to)
            .filter(|r| ret.is_visible(r.0, r.2))
            .filter(|r| {
                q.near
                    .is_none_or(|n| great_circle_m(n.lat, n.lon, r.3, r.4) <= n.radius_m)
            })
            .map(|r| r.0)
            .collect();
        v.sort_unstable();
        v
    }

    proptest! {
        #[test]
        fn search_agrees_with_a_scan(
            plates in prop::collection::vec("[AB12]{1,7}", 1..60),
            times in prop::collection::vec(0i64..(4 * 86_400_000), 60),
            coords in prop::collection::vec((-0.01f64..0.01, -0.01f64..0.01), 60),
            pat in "[AB12?*]{1,8}",
            from in prop::option::of(0i64..(4 * 86_400_000)),
            len in 0i64..(4 * 86_400_000),
            now in prop::option::of(0i64..(4 * 86_400_000)),
            span_days in 0u32..3,
            held in prop::collection::hash_set(0u64..60, 0..5),
            radius in prop::option::of(0f64..1500.0),
        ) {
            let rows: Vec<(u64, String, i64, f64, f64)> = plates
                .iter()
                .enumerate()
                .map(|(i, p)| (i as u64, p.clone(), times[i], coords[i].0, coords[i].1))
                .collect();
            let mut b = DetectionStoreBuilder::new();
            for r in &rows {
                b.push_ms(r.0, r.1.parse().unwrap(), None, r.2, r.3, r.4, None).unwrap();
            }
            let s = b.build().unwrap();
            let limits = PatternLimits { min_literals: 1, max_stars: 3, max_positions: 10 };
            if let Ok(term) = PlateOrPattern::parse(&pat, limits) {
                let q = DetectionQuery {
                    term,
                    from: from.and_then(instant_of_ms),
                    to: from.and_then(|f| instant_of_ms(f + len)),
                    near: radius.map(|radius_m| Near { lat: 0.0, lon: 0.0, radius_m }),
                };
                let mut policy = Policy::sacramento();
                let span = CalendarSpan::days(span_days);
                policy.retention.insert(
                    "detection".to_owned(),
                    crate::policy::RetentionRule { keep_at_least: span, delete_after: Some(span) },
                );
                let rule = now.and_then(instant_of_ms).and_then(|now| detection_due_rule(&policy, now));
                let ret = Retention { rule, held };
                prop_assert_eq!(s.search_ids(&q, &ret).unwrap(), naive(&rows, &q, &ret));
                let by_rows: Vec<u64> = {
                    let mut v: Vec<u64> = s.search(&q, &ret).unwrap().iter().map(|&r| s.row(r).id).collect();
                    v.sort_unstable();
                    v
                };
                prop_assert_eq!(by_rows, naive(&rows, &q, &ret));
            }
        }

        #[test]
        fn index_agrees_with_a_scan_on_many_plates(
            plates in prop::collection::hash_set("[A-C1-3]{1,10}", 1..300),
            pat in "[A-C1-3?*]{3,10}",
        ) {
            let mut b = DetectionStoreBuilder::new();
            let plates: Vec<String> = plates.into_iter().collect();
            for (i, p) in plates.iter().enumerate() {
                b.push_ms(i as u64, p.parse().unwrap(), None, 0, 0.0, 0.0, None).unwrap();
            }
            let s = b.build().unwrap();
            let limits = PatternLimits { min_literals: 1, max_stars: 3, max_positions: 10 };
            if let Ok(term) = PlateOrPattern::parse(&pat, limits) {
                let q = DetectionQuery::new(term.clone());
                let got = s.search_ids(&q, &Retention::keep_all()).unwrap();
                let want: Vec<u64> = plates.iter().enumerate().filter(|(_, p)| {
                    let plate: Plate = p.parse().unwrap();
                    match &term { PlateOrPattern::Plate(x) => *x == plate, PlateOrPattern::Pattern(pt) => pt.matches(plate) }
                }).map(|(i, _)| i as u64).collect();
                prop_assert_eq!(got, want);
            }
        }
    }
}
