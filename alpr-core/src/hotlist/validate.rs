//! Ingest validation (R-LIST-6, R-LIST-8): raw entries in, validated entries and an explanation of
//! every rejected record out.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use crate::error::{Code, Error, Position, Result};
use crate::hotlist::{Attributes, Caution, Entry, ListMeta, Vehicle};
use crate::index::{self, Index, IndexKey, IndexParams};
use crate::pattern::PlateOrPattern;
use crate::plate::{Jurisdiction, PlateType};
use crate::policy::Policy;
use crate::time::{self, Instant};
use crate::vocab::{Category, ListKind};

/// An entry as a source hands it over: every field is text, nothing is checked yet.
///
/// This is the shape of the conformance vectors' entries and of a CSV row; the file parsers
/// produce it too, so every source goes through the same [`validate_entry`].
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct RawEntry {
    /// The plate text (normalized by §1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plate: Option<String>,
    /// The pattern text (§3.4); a pattern without wildcards is a plate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Jurisdiction code (`state` in CSV files).
    #[serde(skip_serializing_if = "Option::is_none", alias = "state")]
    pub jurisdiction: Option<String>,
    /// NCIC plate type (`type` in CSV files).
    #[serde(skip_serializing_if = "Option::is_none", alias = "type")]
    pub plate_type: Option<String>,
    /// Category name (§2.1); when absent or empty the load's default category applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// NCIC number or case number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// `YYYY-MM-DD` or `YYYYMMDD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident_date: Option<String>,
    /// RFC 3339 time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Vehicle description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vehicle: Option<Vehicle>,
    /// Caution flags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caution: Option<Caution>,
    /// Free attributes.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// One rejected record: where and why. Serializes flat: `{"index": 2, "error": "placeholder_plate"}`
/// or `{"line": 3, "column": 1, "error": …}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// Where: `index` for entries handed over as values, `line` (and `column`) for files.
    pub position: Position,
    /// Why.
    pub code: Code,
}

impl serde::Serialize for Rejection {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let p = self.position;
        let fields = [
            ("index", p.index),
            ("line", p.line),
            ("column", p.column),
            ("character", p.character),
        ];
        let mut m = s.serialize_map(None)?;
        for (k, v) in fields {
            if let Some(v) = v {
                m.serialize_entry(k, &v)?;
            }
        }
        m.serialize_entry("error", &self.code)?;
        m.end()
    }
}

/// What a load did: how many entries it kept, which records it rejected and why, how many
/// duplicates it folded (R-LIST-6).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LoadReport {
    /// Distinct entries kept.
    pub accepted: usize,
    /// Every rejected record, in input order.
    pub rejected: Vec<Rejection>,
    /// Duplicate records folded into an earlier entry.
    pub merged: usize,
    /// When the source generated the file (the CLEW header time), if the format says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<Instant>,
}

impl LoadReport {
    /// The rejected records that count toward `too_many_rejected`: every rejection but the
    /// `category_forbidden` exclusions, which are the policy working, not a defect of the file
    /// (R-LIST-8).
    pub fn defective(&self) -> usize {
        self.rejected
            .iter()
            .filter(|r| r.code != Code::CategoryForbidden)
            .count()
    }
}

/// A record's fields as a file parser hands them to validation: the text that validation parses
/// (key, jurisdiction, plate type, category, dates) borrowed from the file, never copied into a
/// `String`; the text an entry keeps (record id, vehicle, attributes) owned or borrowed, copied
/// once if the record is kept.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawFields<'a> {
    pub(crate) plate: Option<&'a str>,
    pub(crate) pattern: Option<&'a str>,
    pub(crate) jurisdiction: Option<&'a str>,
    pub(crate) plate_type: Option<&'a str>,
    pub(crate) category: Option<&'a str>,
    pub(crate) record_id: Option<Cow<'a, str>>,
    pub(crate) incident_date: Option<&'a str>,
    pub(crate) expires_at: Option<&'a str>,
    /// Boxed as the entry keeps it (`None` or not empty): moved into the entry as is.
    pub(crate) vehicle: Option<Box<Vehicle>>,
    pub(crate) caution: Option<Caution>,
    /// `(name, value)` in file order; of one name the last stays.
    pub(crate) attributes: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl RawFields<'_> {
    /// The same record as an owned [`RawEntry`] (for [`crate::hotlist::format::parse_bytes`], which
    /// collects).
    pub(crate) fn to_raw(&self) -> RawEntry {
        let own = |s: Option<&str>| s.map(str::to_owned);
        RawEntry {
            plate: own(self.plate),
            pattern: own(self.pattern),
            jurisdiction: own(self.jurisdiction),
            plate_type: own(self.plate_type),
            category: own(self.category),
            record_id: self.record_id.as_deref().map(str::to_owned),
            incident_date: own(self.incident_date),
            expires_at: own(self.expires_at),
            vehicle: self.vehicle.as_deref().cloned(),
            caution: self.caution,
            attributes: self
                .attributes
                .iter()
                .map(|(k, v)| (k.clone().into_owned(), v.clone().into_owned()))
                .collect(),
        }
    }
}

fn trimmed(s: Option<&str>) -> Option<&str> {
    s.map(trim).filter(|s| !s.is_empty())
}

/// `str::trim`, with a fast path for the common field: ends that are ASCII above the space are
/// not white space (every Unicode white space is at most U+0020 or not ASCII), so the text is
/// returned as it is without `trim`'s character decoding.
pub(crate) fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&f), Some(&l)) if f > b' ' && f < 0x80 && l > b' ' && l < 0x80 => s,
        _ => s.trim(),
    }
}

/// Validates one raw entry for a list of `kind` (R-LIST-6, R-LIST-8, R-MATCH-6).
///
/// `default_category` applies when the entry names none (the category given with a load, e.g.
/// `stolen_vehicle` for a CLEW SVS file); without one the category is `other`.
///
/// # Errors
/// The first failed rule, in this order: the key (`pattern_not_allowed` for a pattern in a
/// `standard` list, the normalization codes, `invalid_pattern`, `pattern_too_broad`,
/// `placeholder_plate`), `invalid_jurisdiction`, `invalid_plate_type`, `invalid_category`,
/// `category_forbidden`, `invalid_date`.
pub fn validate_entry(
    raw: &RawEntry,
    kind: ListKind,
    default_category: Option<Category>,
    policy: &Policy,
) -> Result<Entry> {
    validate_owned(raw.clone(), kind, default_category, policy, &placeholders(policy))
}

/// The policy's placeholder plates packed (those that are plates: another text cannot equal a
/// normalized plate), for the placeholder check of [`validate_fields`]: packed once a load
/// instead of once a record.
fn placeholders(policy: &Policy) -> Vec<crate::plate::Plate> {
    policy
        .placeholder_plates
        .iter()
        .filter_map(|s| crate::plate::Plate::from_canonical(s.as_bytes()))
        .collect()
}

/// [`validate_entry`] on an owned raw entry: the strings an entry keeps move into it.
pub(crate) fn validate_owned(
    raw: RawEntry,
    kind: ListKind,
    default_category: Option<Category>,
    policy: &Policy,
    placeholders: &[crate::plate::Plate],
) -> Result<Entry> {
    let RawEntry {
        plate,
        pattern,
        jurisdiction,
        plate_type,
        category,
        record_id,
        incident_date,
        expires_at,
        vehicle,
        caution,
        attributes,
    } = raw;
    validate_fields(
        &mut RawFields {
            plate: plate.as_deref(),
            pattern: pattern.as_deref(),
            jurisdiction: jurisdiction.as_deref(),
            plate_type: plate_type.as_deref(),
            category: category.as_deref(),
            record_id: record_id.map(Cow::Owned),
            incident_date: incident_date.as_deref(),
            expires_at: expires_at.as_deref(),
            vehicle: vehicle.and_then(Vehicle::boxed),
            caution,
            attributes: attributes
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k), Cow::Owned(v)))
                .collect(),
        },
        kind,
        default_category,
        policy,
        placeholders,
    )
}

/// [`validate_entry`] on a record's fields (the file loaders' path: nothing is copied but what
/// the entry keeps).
///
/// By reference (the record stays where the parser built it, a ~190-byte struct not copied
/// through each call); the text the entry keeps (record id, vehicle, attributes) is taken out.
/// `placeholders`: the policy's placeholder plates, packed ([`placeholders`]).
pub(crate) fn validate_fields(
    raw: &mut RawFields<'_>,
    kind: ListKind,
    default_category: Option<Category>,
    policy: &Policy,
    placeholders: &[crate::plate::Plate],
) -> Result<Entry> {
    let key = match (trimmed(raw.plate), trimmed(raw.pattern)) {
        (Some(_), Some(_)) => {
            return Err(Error::new(Code::InvalidField).with_detail("both a plate and a pattern"));
        }
        (None, None) => return Err(Error::new(Code::Empty).with_detail("no plate or pattern")),
        (Some(p), None) => PlateOrPattern::Plate(crate::plate::normalize(p)?.plate),
        (None, Some(p)) => {
            if kind == ListKind::Standard && (p.contains('?') || p.contains('*')) {
                return Err(Error::new(Code::PatternNotAllowed));
            }
            PlateOrPattern::parse(p, policy.pattern_limits())?
        }
    };
    if let PlateOrPattern::Plate(p) = &key {
        // A placeholder that packs to the same plate has its characters (packing is one-to-one
        // on canonical text): no text of the plate is built.
        if placeholders.contains(p) {
            return Err(Error::new(Code::PlaceholderPlate));
        }
    }
    let jurisdiction = trimmed(raw.jurisdiction).map(Jurisdiction::parse).transpose()?;
    let plate_type = trimmed(raw.plate_type).map(PlateType::parse).transpose()?;
    let category = match trimmed(raw.category) {
        Some(c) => Category::parse(c)?,
        None => default_category.unwrap_or(Category::Other),
    };
    if policy.forbidden_categories.contains(&category) {
        return Err(Error::new(Code::CategoryForbidden));
    }
    let incident_date = trimmed(raw.incident_date)
        .map(|d| {
            if d.len() == 8 {
                time::parse_yyyymmdd(d)
            } else {
                time::parse_date(d)
            }
        })
        .transpose()?;
    let expires_at = trimmed(raw.expires_at).map(time::parse_instant).transpose()?;
    let record_id = raw.record_id.take().and_then(|s| {
        let t = trim(&s);
        if t.is_empty() {
            None
        } else if t.len() == s.len() {
            Some(s.into_owned().into_boxed_str())
        } else {
            Some(Box::from(t))
        }
    });
    Ok(Entry {
        key,
        jurisdiction,
        plate_type,
        category,
        record_id,
        incident_date,
        vehicle: raw.vehicle.take().filter(|v| !v.is_empty()),
        expires_at,
        caution: raw.caution.unwrap_or_default(),
        attributes: if raw.attributes.is_empty() {
            Attributes::new()
        } else {
            Attributes::from_pairs(
                std::mem::take(&mut raw.attributes)
                    .into_iter()
                    .map(|(k, v)| (k.into_owned().into_boxed_str(), v.into_owned().into_boxed_str()))
                    .collect(),
            )
        },
    })
}

/// Validates a whole list: every record through [`validate_entry`], duplicates (same key,
/// jurisdiction, plate type and category) folded into the first, and the load refused as a whole
/// with `too_many_rejected` when more than the policy's `max_rejected_fraction` of records fail.
/// Records of a forbidden category are excluded and reported with `category_forbidden`, but do
/// not count toward that limit (R-LIST-8).
///
/// `positions[i]` says where record `i` came from (an index, or a file line); when `positions`
/// is shorter than `raws`, the index is used.
///
/// # Errors
/// `too_many_rejected`, with the counts in the detail.
pub fn validate_entries(
    raws: &[RawEntry],
    positions: &[Position],
    kind: ListKind,
    default_category: Option<Category>,
    policy: &Policy,
) -> Result<(Vec<Entry>, LoadReport)> {
    let mut v = Validator::new(kind, default_category, policy, raws.len());
    for (i, raw) in raws.iter().enumerate() {
        let position = positions.get(i).copied().unwrap_or(Position {
            index: Some(i as u32),
            ..Position::default()
        });
        v.push(raw.clone(), position);
    }
    v.finish()
}

/// The dedup key of a plate entry packed in 128 bits: plate (64), jurisdiction (16), plate type
/// (16), category (8). Patterns (rare) use their own set.
fn packed_key(p: crate::plate::Plate, e: &Entry) -> u128 {
    let two = |s: Option<&str>| -> u128 {
        s.map_or(0, |s| {
            let b = s.as_bytes();
            (u128::from(b.first().copied().unwrap_or(0)) << 8) | u128::from(b.get(1).copied().unwrap_or(0))
        })
    };
    (u128::from(p.packed()) << 64)
        | (two(e.jurisdiction.as_ref().map(Jurisdiction::as_str)) << 48)
        | (two(e.plate_type.as_ref().map(PlateType::as_str)) << 32)
        | (e.category as u128)
}

/// Streaming validation: records go in one at a time (from a file parser or a list of values),
/// validated entries and the report come out.
///
/// Plate duplicates are folded while the records stream, in batches: `push` appends each entry
/// and its key (sequential writes); when the batch of keys not yet folded reaches
/// [`Validator::batch_limit`] (64 Ki keys, or half the distinct entries so far when that is more),
/// the batch is sorted, merged into the sorted keys of the distinct entries (one sequential pass)
/// and its duplicates are removed from the tail of the entries. So memory grows with the distinct
/// entries, not with the records (a file of five million copies of one record holds at most one
/// batch of them), and the work stays a sort and linear merges: a hash set probed on every record
/// paid a cache miss a record, most of a million-entry load's validation time. The batch limit
/// grows with the distinct entries so the merges cost O(records) in all.
pub(crate) struct Validator<'p> {
    kind: ListKind,
    default_category: Option<Category>,
    policy: &'p Policy,
    /// The policy's placeholder plates, packed once ([`placeholders`]).
    placeholders: Vec<crate::plate::Plate>,
    entries: Vec<Entry>,
    /// The keys of the distinct plate entries before `folded_to`, sorted, with the entry index.
    distinct: Vec<Keyed>,
    /// The keys of the plate entries from `folded_to` on, in load order (the batch).
    pending: Vec<Keyed>,
    /// The second buffer of the batch's bucket sort ([`sort_batch`]), kept between batches as `pending` is.
    scratch: Vec<Keyed>,
    /// Entries before this index are folded: no two plate entries there share a key.
    folded_to: usize,
    patterns: HashMap<PatternKey, u32>,
    report: LoadReport,
    total: usize,
}

/// The smallest batch of keys folded at once.
#[cfg(not(test))]
const MIN_BATCH: usize = 1 << 16;
/// Tiny batches in tests, so that every test load folds many batches (the proptest against a
/// record-by-record fold crosses batch boundaries at every length).
#[cfg(test)]
const MIN_BATCH: usize = 3;

impl<'p> Validator<'p> {
    /// A validator expecting about `capacity` records (a hint: at most one batch is reserved, so
    /// a wrong guess costs no memory).
    pub(crate) fn new(
        kind: ListKind,
        default_category: Option<Category>,
        policy: &'p Policy,
        capacity: usize,
    ) -> Validator<'p> {
        Validator {
            kind,
            default_category,
            policy,
            placeholders: placeholders(policy),
            entries: Vec::with_capacity(capacity.min(MIN_BATCH)),
            distinct: Vec::new(),
            pending: Vec::with_capacity(capacity.min(MIN_BATCH)),
            scratch: Vec::new(),
            folded_to: 0,
            patterns: HashMap::new(),
            report: LoadReport::default(),
            total: 0,
        }
    }

    /// One record and where it came from.
    pub(crate) fn push(&mut self, raw: RawEntry, position: Position) {
        let result = validate_owned(raw, self.kind, self.default_category, self.policy, &self.placeholders);
        self.push_result(result, position);
    }

    /// One record's fields (from a file parser) and where they came from.
    pub(crate) fn push_fields(&mut self, raw: &mut RawFields<'_>, position: Position) {
        let result = validate_fields(raw, self.kind, self.default_category, self.policy, &self.placeholders);
        self.push_result(result, position);
    }

    fn push_result(&mut self, result: Result<Entry>, position: Position) {
        self.total += 1;
        match result {
            Ok(e) => {
                let next = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
                let kept = match &e.key {
                    PlateOrPattern::Plate(p) => {
                        // Folded with its batch.
                        self.pending.push(Keyed::new(packed_key(*p, &e), next));
                        next
                    }
                    PlateOrPattern::Pattern(_) => *self
                        .patterns
                        .entry((e.key.clone(), e.jurisdiction, e.plate_type, e.category))
                        .or_insert(next),
                };
                if kept == next {
                    self.entries.push(e);
                    if self.pending.len() >= self.batch_limit() {
                        self.fold_pending();
                    }
                } else {
                    self.report.merged += 1;
                    merge_expiry(&mut self.entries[kept as usize], e.expires_at);
                }
            }
            Err(e) => self.report.rejected.push(Rejection {
                position: merge_position(position, e.position()),
                code: e.code(),
            }),
        }
    }

    /// A record the parser already rejected.
    pub(crate) fn reject(&mut self, rejection: Rejection) {
        self.total += 1;
        self.report.rejected.push(rejection);
    }

    /// The rejections so far (for a caller that refines their positions).
    pub(crate) fn rejected_mut(&mut self) -> &mut Vec<Rejection> {
        &mut self.report.rejected
    }

    /// The entries and the report, or `too_many_rejected`. Records excluded with
    /// `category_forbidden` are reported but do not count as rejected for the limit (R-LIST-8):
    /// excluding them is the policy working, not a defect of the file; they still count among
    /// the records.
    pub(crate) fn finish(mut self) -> Result<(Vec<Entry>, LoadReport)> {
        // No record follows: the last batch's new keys need not join the distinct ones.
        self.fold_batch(true);
        self.report.accepted = self.entries.len();
        check_rejected_fraction(self.total, self.report.defective(), self.policy)?;
        // The entries grew by doubling (nothing is reserved up front): give back the slack.
        self.entries.shrink_to_fit();
        Ok((self.entries, self.report))
    }
}

/// What a pattern entry is folded by: key, jurisdiction, plate type, category.
type PatternKey = (PlateOrPattern, Option<Jurisdiction>, Option<PlateType>, Category);

/// Another validator's records, paired with this one's and ready to be appended
/// ([`Validator::plan`], then [`Validator::apply`]).
pub(crate) struct Absorbing<'p> {
    other: Validator<'p>,
    /// `dropped[j]`: the other's entry `j` repeats an earlier entry and was folded into it.
    dropped: Vec<bool>,
    /// The other's plate keys that are new here, with their index there.
    fresh: Vec<Keyed>,
    /// The other's patterns that are new here, with their index there.
    new_patterns: Vec<(PatternKey, u32)>,
    /// How many of the other's entries were folded here.
    merged: usize,
}

impl Absorbing<'_> {
    /// Whether each of the other validator's entries, in order, was folded (is not appended).
    pub(crate) fn dropped(&self) -> &[bool] {
        &self.dropped
    }
}

impl<'p> Validator<'p> {
    /// Appends the records another validator took in, as if they had been pushed here after
    /// this one's (a parallel load validates the chunks of a file apart, then absorbs them in
    /// file order): the other's entries that repeat an entry here are folded into it (the one
    /// here is earlier; the later expiry stays), the rest are appended in their order, and the
    /// counts and rejections add up. Folding is the same whatever the batches, so the result is
    /// the one pushing every record into one validator gives.
    ///
    /// `last`: no record follows (the keys of the distinct entries, which only folding later
    /// records needs, are then not merged). Returns which of the other's entries were folded.
    pub(crate) fn absorb(&mut self, other: Validator<'p>, last: bool) -> Vec<bool> {
        let a = self.plan(other);
        self.apply(a, last)
    }

    /// The first half of [`Validator::absorb`]: pairs the other's entries with these (folding
    /// the repeated ones' expiry into the entries here) without appending anything yet.
    pub(crate) fn plan(&mut self, mut other: Validator<'p>) -> Absorbing<'p> {
        self.fold_pending();
        other.fold_pending();
        let mut dropped = vec![false; other.entries.len()];
        let mut merged = 0;
        // Plates: both sides' distinct keys are sorted, one forward pass pairs them.
        let mut fresh: Vec<Keyed> = Vec::with_capacity(other.distinct.len());
        let mut cursor = 0;
        for &o in &other.distinct {
            let i = o.index;
            while self.distinct.get(cursor).is_some_and(|k| k.key() < o.key()) {
                cursor += 1;
            }
            match self.distinct.get(cursor) {
                Some(&k) if k.key() == o.key() => {
                    let kept = k.index;
                    merge_expiry(&mut self.entries[kept as usize], other.entries[i as usize].expires_at);
                    dropped[i as usize] = true;
                    merged += 1;
                }
                _ => fresh.push(o),
            }
        }
        // Patterns (rare): each of the other's is distinct there; look it up here.
        let mut new_patterns = Vec::new();
        for (key, i) in other.patterns.drain() {
            if let Some(&kept) = self.patterns.get(&key) {
                merge_expiry(&mut self.entries[kept as usize], other.entries[i as usize].expires_at);
                dropped[i as usize] = true;
                merged += 1;
            } else {
                new_patterns.push((key, i));
            }
        }
        Absorbing {
            other,
            dropped,
            fresh,
            new_patterns,
            merged,
        }
    }

    /// The second half of [`Validator::absorb`]: appends the other's entries that were not
    /// folded and adds up the counts. Returns which of the other's entries were folded.
    pub(crate) fn apply(&mut self, a: Absorbing<'p>, last: bool) -> Vec<bool> {
        let Absorbing {
            mut other,
            dropped,
            mut fresh,
            new_patterns,
            merged,
        } = a;
        // `new_index[j]`: where the other's entry `j` lands here.
        let mut new_index = Vec::with_capacity(dropped.len());
        let mut n = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        for &d in &dropped {
            new_index.push(n);
            n = n.saturating_add(u32::from(!d));
        }
        if merged > 0 {
            let mut j = 0;
            other.entries.retain(|_| {
                j += 1;
                !dropped[j - 1]
            });
        }
        // One allocation to the final size and one copy (a large block grows in place).
        self.entries.reserve_exact(other.entries.len());
        self.entries.append(&mut other.entries);
        drop(other.entries);
        if last {
            self.distinct = Vec::new();
        } else {
            for f in &mut fresh {
                f.index = new_index[f.index as usize];
            }
            merge_sorted(&mut self.distinct, &fresh);
        }
        for (key, i) in new_patterns {
            self.patterns.insert(key, new_index[i as usize]);
        }
        self.folded_to = self.entries.len();
        self.report.merged += other.report.merged + merged;
        self.report.rejected.append(&mut other.report.rejected);
        self.total += other.total;
        dropped
    }

    /// The look-alike filing of the entries so far (a chunk's, for the index of a parallel load).
    pub(crate) fn index_part(&self, confusion: &index::Confusion) -> index::IndexPart {
        index::IndexPart::of(self.entries.iter().map(|e| &e.key), self.entries.len(), confusion)
    }

    /// The id the next entry gets (the number of entries so far).
    pub(crate) fn entry_id(&self) -> u32 {
        u32::try_from(self.entries.len()).unwrap_or(u32::MAX)
    }
}

impl Validator<'_> {
    /// Folds the records pushed so far (a chunk's validator, on its own thread, before it is
    /// absorbed).
    pub(crate) fn fold(&mut self) {
        self.fold_pending();
    }

    /// How many keys a batch holds before it is folded.
    fn batch_limit(&self) -> usize {
        MIN_BATCH.max(self.distinct.len() / 2)
    }

    /// Folds the batch: every plate entry from `folded_to` on whose key an earlier entry has is
    /// merged into that entry (the earliest, in load order) and removed, as if each had been
    /// looked up when it came in.
    fn fold_pending(&mut self) {
        self.fold_batch(false);
    }

    /// [`Validator::fold_pending`]; `last`: no record follows, so the batch's new keys are not
    /// merged into the distinct ones (a pass over all of them and their growth, for nothing).
    fn fold_batch(&mut self, last: bool) {
        if self.pending.is_empty() {
            self.folded_to = self.entries.len();
            return;
        }
        let mut batch = std::mem::take(&mut self.pending);
        // Sorted by (key, index): a group's first index is its earliest record.
        sort_batch(&mut batch, &mut self.scratch);
        let base = self.folded_to;
        // `dropped[j]`: the tail's entry `j` repeats an earlier one (allocated at the first
        // repeat: a batch without one, most of a list's, allocates nothing).
        let mut dropped: Vec<bool> = Vec::new();
        // The batch's new keys (each group's first) are moved to its front, `fresh` of them.
        let mut fresh = 0;
        let mut cursor = 0;
        let mut start = 0;
        while start < batch.len() {
            let key = batch[start].key();
            let end = start + batch[start..].iter().take_while(|k| k.key() == key).count();
            // The distinct keys are sorted and so are the groups: one forward pass finds them
            // (sequential reads; a binary search a group missed the cache at every probe).
            while self.distinct.get(cursor).is_some_and(|k| k.key() < key) {
                cursor += 1;
            }
            let (kept, rest) = match self.distinct.get(cursor) {
                Some(k) if k.key() == key => (k.index as usize, start),
                _ => {
                    batch[fresh] = batch[start];
                    fresh += 1;
                    (batch[start].index as usize, start + 1)
                }
            };
            for k in &batch[rest..end] {
                let i = k.index as usize;
                let expires_at = self.entries[i].expires_at;
                merge_expiry(&mut self.entries[kept], expires_at);
                if dropped.is_empty() {
                    dropped.resize(self.entries.len() - base, false);
                }
                dropped[i - base] = true;
                self.report.merged += 1;
            }
            start = end;
        }
        batch.truncate(fresh);
        if !dropped.is_empty() {
            // `new_index[j]`: where the tail's entry `j` goes once the dropped ones are removed.
            let mut new_index = Vec::with_capacity(dropped.len());
            let mut n = base as u32;
            for &d in &dropped {
                new_index.push(n);
                n += u32::from(!d);
            }
            let mut j = 0;
            self.entries.retain(|_| {
                j += 1;
                j <= base || !dropped[j - 1 - base]
            });
            for f in &mut batch {
                f.index = new_index[f.index as usize - base];
            }
            for i in self.patterns.values_mut() {
                if *i as usize >= base {
                    *i = new_index[*i as usize - base];
                }
            }
        }
        if last {
            self.distinct = Vec::new();
        } else {
            merge_sorted(&mut self.distinct, &batch);
        }
        self.folded_to = self.entries.len();
        batch.clear();
        self.pending = batch;
    }
}

/// Sorts a batch of `(key, index)` pairs by `(key, index)`: one counting pass distributes the
/// pairs into 4,096 buckets by the 12 highest bits in which the batch's keys differ (for a list of
/// plates, about the first two characters), then each bucket, a few dozen pairs that stay in
/// cache, is sorted on its own. `scratch` is the second buffer (kept by the caller; resized here).
fn sort_batch(batch: &mut Vec<Keyed>, scratch: &mut Vec<Keyed>) {
    const BITS: u32 = 12;
    if batch.len() < 1 << BITS {
        batch.sort_unstable();
        return;
    }
    let (or, and) = batch
        .iter()
        .fold((0u128, u128::MAX), |(o, a), k| (o | k.key(), a & k.key()));
    let varying = or ^ and;
    if varying == 0 {
        batch.sort_unstable();
        return;
    }
    let shift = (128 - varying.leading_zeros()).saturating_sub(BITS);
    let bucket = |k: Keyed| (k.key() >> shift) as usize & ((1 << BITS) - 1);
    let mut start = vec![0usize; (1 << BITS) + 1];
    for &k in batch.iter() {
        start[bucket(k) + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut next = start.clone();
    scratch.clear();
    scratch.resize(batch.len(), Keyed::default());
    for &p in batch.iter() {
        let b = bucket(p);
        scratch[next[b]] = p;
        next[b] += 1;
    }
    for w in start.windows(2) {
        scratch[w[0]..w[1]].sort_unstable();
    }
    std::mem::swap(batch, scratch);
}

/// A plate entry's dedup key ([`packed_key`]) and its entry index, ordered by key, then index: the
/// `(u128, u32)` pair in 24 bytes instead of 32 (a `u128` is 16-byte aligned), as the batches,
/// the scratch of their sort and the distinct keys hold up to a million of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Keyed {
    /// The key's high 64 bits (the packed plate); compared first.
    hi: u64,
    /// The key's low 64 bits (jurisdiction, plate type, category).
    lo: u64,
    /// The entry's index.
    index: u32,
}

impl Keyed {
    fn new(key: u128, index: u32) -> Keyed {
        Keyed {
            hi: (key >> 64) as u64,
            lo: key as u64,
            index,
        }
    }

    fn key(self) -> u128 {
        (u128::from(self.hi) << 64) | u128::from(self.lo)
    }
}

/// Merges the sorted `fresh` into the sorted `into` in place (from the back: no second buffer).
fn merge_sorted(into: &mut Vec<Keyed>, fresh: &[Keyed]) {
    let old = into.len();
    into.resize(old + fresh.len(), Keyed::default());
    let (mut a, mut b, mut out) = (old, fresh.len(), into.len());
    while b > 0 {
        out -= 1;
        if a > 0 && into[a - 1] > fresh[b - 1] {
            a -= 1;
            into[out] = into[a];
        } else {
            b -= 1;
            into[out] = fresh[b];
        }
    }
}

/// A merged duplicate keeps the later expiry (none = never), so the entry in force does not
/// depend on the order of the records (R-MATCH-10).
fn merge_expiry(kept: &mut Entry, other: Option<Instant>) {
    kept.expires_at = match (kept.expires_at, other) {
        (Some(a), Some(b)) => Some(a.max(b)),
        _ => None,
    };
}

/// Fails with `too_many_rejected` when `rejected / total` exceeds the policy's fraction.
/// `rejected` is the count of defective records ([`LoadReport::defective`]), `total` every record
/// read, excluded ones included.
///
/// # Errors
/// `too_many_rejected`.
pub fn check_rejected_fraction(total: usize, rejected: usize, policy: &Policy) -> Result<()> {
    if total > 0 && (rejected as f64) / (total as f64) > policy.max_rejected_fraction {
        return Err(Error::new(Code::TooManyRejected).with_detail(format!(
            "{rejected} of {total} records rejected, more than the policy's {}",
            policy.max_rejected_fraction
        )));
    }
    Ok(())
}

/// The record's position, refined by the error's own (a character within the field).
fn merge_position(record: Position, inner: Position) -> Position {
    Position {
        line: record.line.or(inner.line),
        column: record.column.or(inner.column),
        character: inner.character.or(record.character),
        index: record.index.or(inner.index),
    }
}

/// One immutable version of a list: its metadata, validated entries and their compiled match
/// [`Index`]. A new version replaces the old one whole (R-LIST-4).
#[derive(Clone, Debug)]
pub struct ListVersion {
    meta: ListMeta,
    entries: Vec<Entry>,
    index: Index,
    /// The registry's install number (0 until installed).
    pub(crate) number: u64,
}

impl ListVersion {
    /// Builds a version from raw entries (see [`validate_entries`]).
    ///
    /// # Errors
    /// `too_many_rejected`.
    pub fn from_raw(meta: ListMeta, raws: &[RawEntry], policy: &Policy) -> Result<(ListVersion, LoadReport)> {
        let (entries, report) = validate_entries(raws, &[], meta.kind, None, policy)?;
        Ok((ListVersion::build(meta, entries, policy), report))
    }

    /// A version of already validated entries, indexed for matching under `policy` (its
    /// confusion classes and `max_edits`).
    ///
    /// This is the one place a version's index is built: every load (from values, from a file,
    /// on every surface) comes here with the policy of the registry it is for, so a match against
    /// the registry finds the index it needs and never builds one.
    pub fn build(meta: ListMeta, entries: Vec<Entry>, policy: &Policy) -> ListVersion {
        ListVersion::build_on(meta, entries, policy, 1)
    }

    /// A version of validated entries with their index, built apart from the entries' keys in
    /// order under `policy` (a parallel load builds it while the entries are gathered). Such an
    /// index knows no entry's attributes until it is given them here (its look-alike members'
    /// flags, `Index::flag_lookalikes`); it is built so only without a deletion table, which
    /// records them as it is built (see `Index::build`).
    pub(crate) fn with_index(meta: ListMeta, entries: Vec<Entry>, mut index: Index) -> ListVersion {
        index.flag_lookalikes(&entries);
        ListVersion {
            meta,
            entries,
            index,
            number: 0,
        }
    }

    /// [`ListVersion::build`] using up to `threads` threads for the index of a large list
    /// ([`Index::build_on`]): the same version.
    pub fn build_on(meta: ListMeta, entries: Vec<Entry>, policy: &Policy, threads: usize) -> ListVersion {
        let index = Index::build_on(&entries, IndexParams::of(policy), threads);
        ListVersion {
            meta,
            entries,
            index,
            number: 0,
        }
    }

    /// The number its registry gave this version when it put it in force: 1 for the registry's
    /// first install, increasing by one with each install of any list, never reused; 0 for a
    /// version not installed. Together with the list id it names one version, so an entry index
    /// read from a hit can be checked against the version in force after a swap.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// The compiled match index.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Its metadata.
    pub fn meta(&self) -> &ListMeta {
        &self.meta
    }

    /// Its entries, in load order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Age at `now`.
    pub fn age(&self, now: Instant) -> chrono::Duration {
        now - self.meta.loaded_at
    }

    /// Whether the version is stale at `now` (R-LIST-5): older than its kind's maximum age.
    pub fn is_stale(&self, now: Instant, policy: &Policy) -> bool {
        policy
            .max_age_hours
            .of(self.meta.kind)
            .is_some_and(|h| self.age(now) > chrono::Duration::hours(i64::from(h)))
    }
}

impl index::sealed::Sealed for &Entry {}

/// An entry gives the index its key and which of its attributes can change a hit, so that
/// matching reads an entry for an edit hit only when one of them matters.
impl<'a> IndexKey<'a> for &'a Entry {
    fn key(&self) -> &'a PlateOrPattern {
        &self.key
    }
    fn attrs(&self) -> u8 {
        (if self.expires_at.is_some() {
            index::ATTR_EXPIRES
        } else {
            0
        }) | (if self.jurisdiction.is_some() {
            index::ATTR_JURISDICTION
        } else {
            0
        }) | (if self.plate_type.is_some() {
            index::ATTR_PLATE_TYPE
        } else {
            0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each attribute that can change a hit sets its own flag, and nothing else does.
    #[test]
    fn an_entry_flags_expiry_jurisdiction_and_plate_type() {
        for bits in 0u8..8 {
            let entry = Entry {
                key: PlateOrPattern::Plate("7ABC123".parse().unwrap()),
                jurisdiction: (bits & 2 != 0).then(|| "CA".parse().unwrap()),
                plate_type: (bits & 4 != 0).then(|| "PC".parse().unwrap()),
                category: Category::StolenVehicle,
                record_id: Some("NCIC1".into()),
                incident_date: None,
                vehicle: None,
                expires_at: (bits & 1 != 0).then(|| time::parse_instant("2026-11-28T11:00:00Z").unwrap()),
                caution: Caution::default(),
                attributes: Attributes::default(),
            };
            let want = (if bits & 1 != 0 { index::ATTR_EXPIRES } else { 0 })
                | (if bits & 2 != 0 { index::ATTR_JURISDICTION } else { 0 })
                | (if bits & 4 != 0 { index::ATTR_PLATE_TYPE } else { 0 });
            assert_eq!((&entry).attrs(), want);
            assert_eq!((&entry).key(), &entry.key);
        }
    }

    fn raw(plate: &str, cat: &str) -> RawEntry {
        RawEntry {
            plate: Some(plate.into()),
            jurisdiction: Some("CA".into()),
            category: Some(cat.into()),
            ..RawEntry::default()
        }
    }

    proptest::proptest! {
        /// The fast trim is `str::trim` (ASCII, controls, and Unicode white space at either end).
        #[test]
        fn the_fast_trim_is_str_trim(s in "[ \t\x0b\x0c\r\u{85}\u{a0}\u{3000}aZ9,.-]{0,6}") {
            proptest::prop_assert_eq!(trim(&s), s.trim());
        }

        /// The batch's bucket sort orders as a comparison sort does, from keys that share some
        /// bytes and differ in others, with repeats.
        #[test]
        fn the_batch_sort_is_a_sort(
            keys in proptest::collection::vec(
                (0u8..4, proptest::prop_oneof![0u64..40, 0u64..1 << 42], proptest::bool::ANY),
                0..5_000,
            ),
        ) {
            let batch: Vec<Keyed> = keys
                .iter()
                .enumerate()
                .map(|(i, &(c, p, j))| Keyed::new((u128::from(p) << 64) | (u128::from(j) << 48) | u128::from(c), i as u32))
                .collect();
            let mut expected = batch.clone();
            expected.sort_unstable();
            let (mut got, mut scratch) = (batch, Vec::new());
            sort_batch(&mut got, &mut scratch);
            proptest::prop_assert_eq!(got, expected);
        }

        /// Folding duplicates in batches gives what looking each record up as it comes in
        /// gives: the first record of each key in load order, the later expiry, the count.
        #[test]
        fn folded_duplicates_agree_with_a_record_by_record_fold(
            records in proptest::collection::vec(
                (0usize..6, 0usize..3, 0usize..2, proptest::option::of(0u32..4)),
                0..120,
            ),
        ) {
            let p = Policy::sacramento();
            let plates = ["7ABC123", "7ABC124", "5XYZ999", "EV7474", "7ABC12*", "8AAA111"];
            let raws: Vec<RawEntry> = records
                .iter()
                .map(|&(pl, j, c, exp)| {
                    let mut r = raw(plates[pl], ["stolen_vehicle", "investigation"][c]);
                    if plates[pl].contains('*') {
                        r.pattern = r.plate.take();
                    }
                    r.jurisdiction = [None, Some("CA"), Some("NV")][j].map(str::to_owned);
                    r.expires_at = exp.map(|d| format!("2026-12-0{}T00:00:00Z", d + 1));
                    r
                })
                .collect();
            let (entries, report) = validate_entries(&raws, &[], ListKind::HotPlate, None, &p).unwrap();
            // The oracle: one record at a time, a linear search for its key.
            let mut want: Vec<Entry> = Vec::new();
            let mut merged = 0;
            for r in &raws {
                let e = validate_entry(r, ListKind::HotPlate, None, &p).unwrap();
                let same = |k: &Entry| {
                    (&k.key, k.jurisdiction, k.plate_type, k.category) == (&e.key, e.jurisdiction, e.plate_type, e.category)
                };
                match want.iter_mut().find(|k| same(k)) {
                    Some(k) => {
                        merged += 1;
                        merge_expiry(k, e.expires_at);
                    }
                    None => want.push(e),
                }
            }
            proptest::prop_assert_eq!(report.merged, merged);
            proptest::prop_assert_eq!(entries, want);
        }
    }

    #[test]
    fn merged_duplicates_keep_the_later_expiry_whatever_the_order() {
        let p = Policy::sacramento();
        let with = |exp: Option<&str>| RawEntry {
            expires_at: exp.map(str::to_owned),
            ..raw("7ABC123", "stolen_vehicle")
        };
        for (a, b, want) in [
            (
                Some("2026-12-01T00:00:00Z"),
                Some("2026-12-05T00:00:00Z"),
                Some("2026-12-05T00:00:00Z"),
            ),
            (Some("2026-12-01T00:00:00Z"), None, None),
        ] {
            for raws in [vec![with(a), with(b)], vec![with(b), with(a)]] {
                let (entries, report) = validate_entries(&raws, &[], ListKind::HotPlate, None, &p).unwrap();
                assert_eq!((entries.len(), report.merged), (1, 1));
                assert_eq!(
                    entries[0].expires_at,
                    want.map(|w| crate::time::parse_instant(w).unwrap())
                );
            }
        }
    }

    #[test]
    fn rejects_and_merges() {
        let p = Policy {
            max_rejected_fraction: 1.0,
            ..Policy::sacramento()
        };
        let raws = vec![
            raw("7ABC123", "stolen_vehicle"),
            raw("UNK", "stolen_vehicle"),
            RawEntry {
                pattern: Some("7AB*".into()),
                category: Some("stolen_vehicle".into()),
                ..RawEntry::default()
            },
            raw("7abc-123", "stolen_vehicle"),
            raw("AB/1", "stolen_vehicle"),
            raw("7ABC123", "wanted_person"),
            raw("7ABC124", "no_such"),
        ];
        let (entries, report) = validate_entries(&raws, &[], ListKind::Standard, None, &p).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(report.merged, 1);
        let codes: Vec<(Option<u32>, Code)> = report.rejected.iter().map(|r| (r.position.index, r.code)).collect();
        assert_eq!(
            codes,
            vec![
                (Some(1), Code::PlaceholderPlate),
                (Some(2), Code::PatternNotAllowed),
                (Some(4), Code::InvalidCharacter),
                (Some(6), Code::InvalidCategory)
            ]
        );
        assert_eq!(report.rejected[2].position.character, Some(2));
    }

    #[test]
    fn too_many_rejected() {
        let raws = vec![raw("7ABC123", "stolen_vehicle"), raw("UNK", "stolen_vehicle")];
        let e = validate_entries(&raws, &[], ListKind::Standard, None, &Policy::sacramento()).unwrap_err();
        assert_eq!(e.code(), Code::TooManyRejected);
    }

    #[test]
    fn forbidden_categories_are_excluded_but_do_not_count_as_rejected() {
        // R-LIST-8 under the default 1 % limit: half the records of a forbidden category.
        let p = Policy {
            forbidden_categories: vec![Category::ImmigrationViolator, Category::GangOrTerrorist],
            ..Policy::sacramento()
        };
        let raws = vec![
            raw("7ABC123", "immigration_violator"),
            raw("8XYZ999", "stolen_vehicle"),
            raw("7ABC124", "gang_or_terrorist"),
            raw("7ABC125", "gang"),
        ];
        let (entries, report) = validate_entries(&raws, &[], ListKind::Standard, None, &p).unwrap();
        assert_eq!((entries.len(), report.accepted, report.defective()), (2, 2, 0));
        let codes: Vec<(Option<u32>, Code)> = report.rejected.iter().map(|r| (r.position.index, r.code)).collect();
        assert_eq!(
            codes,
            [(Some(0), Code::CategoryForbidden), (Some(2), Code::CategoryForbidden)]
        );
        // A whole list of a forbidden category loads empty rather than failing.
        let all: Vec<RawEntry> = (0..5)
            .map(|i| raw(&format!("IMM{i}"), "immigration_violator"))
            .collect();
        let (entries, report) = validate_entries(&all, &[], ListKind::Standard, None, &p).unwrap();
        assert_eq!((entries.len(), report.rejected.len()), (0, 5));
        // A defective record still counts, against every record read (forbidden ones included):
        // 1 of 101 is within 1 %, 2 of 101 is not.
        let mut many: Vec<RawEntry> = (0..100)
            .map(|i| raw(&format!("IMM{i}"), "immigration_violator"))
            .collect();
        many.push(raw("UNK", "stolen_vehicle"));
        let (_, report) = validate_entries(&many, &[], ListKind::Standard, None, &p).unwrap();
        assert_eq!((report.rejected.len(), report.defective()), (101, 1));
        many.push(raw("AB/1", "stolen_vehicle"));
        let e = validate_entries(&many, &[], ListKind::Standard, None, &p).unwrap_err();
        assert_eq!(e.code(), Code::TooManyRejected);
    }
}
