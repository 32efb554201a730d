//! The tamper-evident audit log (R-AUDIT-1…4).
//!
//! Every access decision, search, hot-list load, hot-plate change, legal hold, share and purge
//! appends one [`AuditRecord`] (time, user, agency, action, purpose, case number, query terms,
//! outcome: the CJIS 5.4 content plus SB 34 §1798.90.52). Records form a SHA-256 hash chain,
//! `hash_i = SHA-256(hash_{i-1} || canonical(i, record_i))` with `hash_0` all zeros, so any
//! change, insertion, deletion or reordering breaks the chain at the first touched record, and a
//! cut tail is found against an exported [`Head`].
//!
//! With an agency key ([`AuditKey`], [`AuditLog::open_keyed`]) the chain is an HMAC-SHA256 chain,
//! `hash_i = HMAC-SHA256(key, hash_{i-1} || canonical(i, record_i))`: a chain rebuilt without the
//! key (records dropped or changed, then rehashed) no longer verifies. [`AuditLog::export_heads`]
//! hands the head to a callback every `n` records, so that a cut tail is caught against the last
//! exported head without anyone remembering to export it.
//!
//! Records are appended in time order (R-AUDIT-1): a record before the previous record's time is
//! refused with `time_regression`.
//!
//! Writes fail closed (R-AUDIT-3): [`AuditLog::append`] returns `audit_write_failed` when the
//! store cannot take the record, and the caller's operation must then fail too.
//!
//! ```
//! use alpr_core::audit::{AuditLog, AuditRecord, MemoryStore, Outcome};
//! use alpr_core::time::parse_instant;
//! let mut log = AuditLog::open(MemoryStore::new())?;
//! let at = parse_instant("2026-11-28T12:00:00-08:00")?;
//! let head = log.append(AuditRecord::new(at, "u1", "SPD", "query_detections", Outcome::Allow))?;
//! assert_eq!(head.sequence, 1);
//! assert_eq!(log.verify(Some(&head))?, head);
//! # Ok::<(), alpr_core::Error>(())
//! ```
//!
//! # Canonical encoding
//!
//! `canonical(i, r)` is a length-prefixed binary form, so no two different records encode alike:
//! the tag `alpr-audit-v1`, then `i` as u64 big-endian, the time as i64 big-endian Unix
//! milliseconds, `user`, `agency`, `action` each as u32 big-endian byte length + UTF-8, `purpose`,
//! `case_number`, `query_terms` each as one byte `0` (absent) or `1` + length + UTF-8, the
//! outcome's name (length + UTF-8), the reasons as a u32 count + each code's u32 number, and the
//! details as a u32 count + key and value (length + UTF-8 each) in key order.

use std::collections::BTreeMap;
use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::{Code, Error, Result};
use crate::time::Instant;
use crate::vocab::vocab;

mod file;
mod report;

pub use file::{FileStore, MAX_LINE_BYTES};
pub use report::{AuditReport, ReportOptions, SampleItem, ShiftHours, UserSummary, quarterly_report};

vocab! {
    /// The outcome of an audited operation.
    Outcome, Code::InvalidArgument, {
        /// An access decision that allowed the request, or a share that was allowed.
        Allow = 0 => "allow",
        /// A denied request or share.
        Deny = 1 => "deny",
        /// A share that waits for an approval.
        NeedsApproval = 2 => "needs_approval",
        /// An operation that was carried out (a search, a load, a purge).
        Ok = 3 => "ok",
        /// An operation that failed.
        Failed = 4 => "failed",
    }
}

impl Outcome {
    /// The outcome with this index in [`Outcome::ALL`] (for the C ABI's `uint32_t`).
    pub fn from_index(i: u32) -> Option<Outcome> {
        Outcome::ALL.get(i as usize).copied()
    }
}

mod ms_time {
    //! Audit times in files: RFC 3339 UTC with exactly three fraction digits, so that a parsed line
    //! re-encodes to the same bytes.
    use crate::time::Instant;

    pub(super) fn serialize<S: serde::Serializer>(t: &Instant, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&t.format("%Y-%m-%dT%H:%M:%S%.3fZ"))
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Instant, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        crate::time::parse_instant(&s).map_err(|_| serde::de::Error::custom("invalid audit time"))
    }
    use serde::Deserialize;
}

/// One audit record (R-AUDIT-1). Times are kept to the millisecond.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditRecord {
    /// When it happened.
    #[serde(with = "ms_time")]
    pub time: Instant,
    /// Who did it (user id).
    pub user: String,
    /// The user's agency.
    pub agency: String,
    /// What was done (`query_detections`, `share`, `purge`, `hot_list_load`, …).
    pub action: String,
    /// The stated purpose, if any.
    pub purpose: Option<String>,
    /// The case number, if any.
    pub case_number: Option<String>,
    /// The query terms (a plate pattern, a time window), if any.
    pub query_terms: Option<String>,
    /// The outcome.
    pub outcome: Outcome,
    /// The reasons of a denial (every failed check).
    pub reasons: Vec<Code>,
    /// Further facts (a share's recipient, a purge's count and hash), in key order.
    pub details: BTreeMap<String, String>,
}

impl AuditRecord {
    /// A record with the required fields; the optional ones are empty. The time is truncated to
    /// the millisecond.
    pub fn new(time: Instant, user: &str, agency: &str, action: &str, outcome: Outcome) -> AuditRecord {
        AuditRecord {
            time: truncate_ms(time),
            user: user.to_owned(),
            agency: agency.to_owned(),
            action: action.to_owned(),
            purpose: None,
            case_number: None,
            query_terms: None,
            outcome,
            reasons: Vec::new(),
            details: BTreeMap::new(),
        }
    }

    /// Writes the canonical encoding of this record at `sequence` into `out` (cleared first).
    pub fn canonical_into(&self, sequence: u64, out: &mut Vec<u8>) {
        fn s(out: &mut Vec<u8>, v: &str) {
            out.extend_from_slice(&(v.len() as u32).to_be_bytes());
            out.extend_from_slice(v.as_bytes());
        }
        fn o(out: &mut Vec<u8>, v: Option<&str>) {
            match v {
                None => out.push(0),
                Some(v) => {
                    out.push(1);
                    s(out, v);
                }
            }
        }
        out.clear();
        out.extend_from_slice(b"alpr-audit-v1");
        out.extend_from_slice(&sequence.to_be_bytes());
        out.extend_from_slice(&self.time.timestamp_millis().to_be_bytes());
        s(out, &self.user);
        s(out, &self.agency);
        s(out, &self.action);
        o(out, self.purpose.as_deref());
        o(out, self.case_number.as_deref());
        o(out, self.query_terms.as_deref());
        s(out, self.outcome.as_str());
        out.extend_from_slice(&(self.reasons.len() as u32).to_be_bytes());
        for r in &self.reasons {
            out.extend_from_slice(&r.number().to_be_bytes());
        }
        out.extend_from_slice(&(self.details.len() as u32).to_be_bytes());
        for (k, v) in &self.details {
            s(out, k);
            s(out, v);
        }
    }
}

fn truncate_ms(t: Instant) -> Instant {
    chrono::DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// The head of a log: the sequence number of its last record (`0` when empty) and that record's
/// chain hash. Export it (print it, send it to another system) to detect a cut tail later.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Head {
    /// Sequence number of the last record (records are numbered from 1).
    pub sequence: u64,
    /// Its chain hash (all zeros for the empty log).
    pub hash: Hash,
}

impl Head {
    /// The hash as lower-case hex.
    pub fn hash_hex(&self) -> String {
        hex(&self.hash)
    }

    /// Parses `sequence` and a 64-digit lower-case hex hash.
    ///
    /// # Errors
    /// `invalid_argument` for a hash that is not 64 lower-case hex digits.
    pub fn from_hex(sequence: u64, hash: &str) -> Result<Head> {
        Ok(Head {
            sequence,
            hash: parse_hash(hash)
                .ok_or_else(|| Error::new(Code::InvalidArgument).with_detail("head hash must be 64 hex digits"))?,
        })
    }
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.sequence, self.hash_hex())
    }
}

impl serde::Serialize for Head {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Head", 2)?;
        st.serialize_field("sequence", &self.sequence)?;
        st.serialize_field("hash", &self.hash_hex())?;
        st.end()
    }
}

/// Parses 64 lower-case hex digits (upper case is refused so that every hash has one spelling).
pub(crate) fn parse_hash(s: &str) -> Option<Hash> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = (digit(b[2 * i])? << 4) | digit(b[2 * i + 1])?;
    }
    Some(out)
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(D[usize::from(b >> 4)]));
        s.push(char::from(D[usize::from(b & 15)]));
    }
    s
}

/// One stored record with its place in the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// 1-based sequence number.
    pub sequence: u64,
    /// The record.
    pub record: AuditRecord,
    /// `SHA-256(previous hash || canonical(sequence, record))`.
    pub hash: Hash,
}

/// An incomplete last line that [`FileStore::open_for_recovery`] set aside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TornTail {
    /// How many bytes it has (everything after the last complete line).
    pub bytes: u64,
    /// Their SHA-256 (the bytes themselves are not copied into the log: they may be personal data).
    pub sha256: Hash,
}

/// What [`AuditLog::recover`] cut, as its record says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recovery {
    /// How many bytes of a torn last line were cut.
    pub cut_bytes: u64,
    /// Their SHA-256.
    pub cut_sha256: Hash,
    /// The sequence number of the last complete record before them.
    pub last_good_sequence: u64,
    /// The head after the recovery record.
    pub head: Head,
}

/// The action of the record [`AuditLog::recover`] writes. Its details are `cut_bytes`,
/// `cut_sha256` (hex) and `last_good_sequence`.
pub const RECOVERY_ACTION: &str = "audit_recovered";

/// Where audit entries are kept. Implementations must be append-only: `append` either stores the
/// whole entry durably or fails (then [`AuditLog`] fails the audited operation, R-AUDIT-3).
pub trait AuditStore {
    /// Stores one entry after the last.
    ///
    /// # Errors
    /// Any failure to store it durably.
    fn append(&mut self, entry: &AuditEntry) -> Result<()>;

    /// Visits every stored entry in order, stopping at the first error.
    ///
    /// # Errors
    /// The visitor's error, or the store's (`audit_chain_broken` for an entry that cannot be
    /// read back, `audit_torn_record` for an incomplete last entry), each with the 0-based index.
    fn scan(&self, visit: &mut dyn FnMut(&AuditEntry) -> Result<()>) -> Result<()>;

    /// An incomplete last entry set aside for recovery, if any (see [`AuditLog::recover`]). While
    /// there is one, [`AuditLog::append`] refuses with `audit_torn_record`.
    fn torn_tail(&self) -> Option<TornTail> {
        None
    }
}

/// An audit store in memory (tests, short-lived tools, and a buffer in front of another store).
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    entries: Vec<AuditEntry>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// The stored entries.
    pub fn entries(&self) -> &[AuditEntry] {
        &self.entries
    }

    /// Mutable access, only for the tamper tests.
    #[cfg(test)]
    pub(crate) fn entries_mut(&mut self) -> &mut Vec<AuditEntry> {
        &mut self.entries
    }
}

impl AuditStore for MemoryStore {
    fn append(&mut self, entry: &AuditEntry) -> Result<()> {
        self.entries.push(entry.clone());
        Ok(())
    }

    fn scan(&self, visit: &mut dyn FnMut(&AuditEntry) -> Result<()>) -> Result<()> {
        self.entries.iter().try_for_each(visit)
    }
}

impl<S: AuditStore + ?Sized> AuditStore for Box<S> {
    fn append(&mut self, entry: &AuditEntry) -> Result<()> {
        (**self).append(entry)
    }

    fn scan(&self, visit: &mut dyn FnMut(&AuditEntry) -> Result<()>) -> Result<()> {
        (**self).scan(visit)
    }

    fn torn_tail(&self) -> Option<TornTail> {
        (**self).torn_tail()
    }
}

/// An agency's secret key for the HMAC-SHA256 chain. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct AuditKey {
    mac: Hmac<Sha256>,
}

impl AuditKey {
    /// The shortest key accepted, in bytes.
    pub const MIN_LEN: usize = 16;

    /// A key from its secret bytes (at least [`AuditKey::MIN_LEN`]; 32 random bytes are best).
    ///
    /// # Errors
    /// `invalid_argument` for a key shorter than 16 bytes.
    pub fn new(secret: &[u8]) -> Result<AuditKey> {
        if secret.len() < AuditKey::MIN_LEN {
            return Err(Error::new(Code::InvalidArgument).with_detail("audit key must be at least 16 bytes"));
        }
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
            .map_err(|_| Error::new(Code::InvalidArgument).with_detail("audit key rejected"))?;
        Ok(AuditKey { mac })
    }
}

impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuditKey(..)")
    }
}

/// The chain hash of a record after `prev` (the unkeyed chain of R-AUDIT-2).
pub fn chain_hash(prev: &Hash, sequence: u64, record: &AuditRecord, buf: &mut Vec<u8>) -> Hash {
    record.canonical_into(sequence, buf);
    let mut h = Sha256::new();
    h.update(prev);
    h.update(&buf[..]);
    h.finalize().into()
}

/// The chain hash of a record after `prev`: HMAC-SHA256 under `key`, or [`chain_hash`] without.
pub fn chain_hash_with(
    key: Option<&AuditKey>,
    prev: &Hash,
    sequence: u64,
    record: &AuditRecord,
    buf: &mut Vec<u8>,
) -> Hash {
    let Some(key) = key else {
        return chain_hash(prev, sequence, record, buf);
    };
    record.canonical_into(sequence, buf);
    let mut m = key.mac.clone();
    m.update(prev);
    m.update(&buf[..]);
    m.finalize().into_bytes().into()
}

/// Verifies a store's unkeyed chain (R-AUDIT-2) and returns its head.
///
/// # Errors
/// `audit_chain_broken` at the 0-based index of the first record whose sequence or hash does not
/// hold (or that differs from `expected` at its sequence); `audit_truncated` when the log ends
/// before `expected.sequence`; `audit_torn_record` from a file store with an incomplete last line.
pub fn verify_store<S: AuditStore + ?Sized>(store: &S, expected: Option<&Head>) -> Result<Head> {
    Ok(verify_chain(store, None, Head::default(), expected)?.0)
}

/// [`verify_store`] for a chain under an agency key.
///
/// # Errors
/// As [`verify_store`]; a chain written without this key fails at its first record.
pub fn verify_store_keyed<S: AuditStore + ?Sized>(store: &S, key: &AuditKey, expected: Option<&Head>) -> Result<Head> {
    Ok(verify_chain(store, Some(key), Head::default(), expected)?.0)
}

/// [`verify_store`] for a store that continues a chain at `start` (its first record has sequence
/// `start.sequence + 1`); error indexes count from the start of the whole chain.
#[cfg(test)]
pub(crate) fn verify_from<S: AuditStore + ?Sized>(
    store: &S,
    key: Option<&AuditKey>,
    start: Head,
    expected: Option<&Head>,
) -> Result<Head> {
    Ok(verify_chain(store, key, start, expected)?.0)
}

/// Verifies from `start`; returns the head and the last record's time.
fn verify_chain<S: AuditStore + ?Sized>(
    store: &S,
    key: Option<&AuditKey>,
    start: Head,
    expected: Option<&Head>,
) -> Result<(Head, Option<Instant>)> {
    let mut head = start;
    let mut last_time = None;
    let mut buf = Vec::with_capacity(256);
    store.scan(&mut |e| {
        let index = head.sequence;
        let broken = |what: &str| {
            Error::new(Code::AuditChainBroken)
                .at_index(u32::try_from(index).unwrap_or(u32::MAX))
                .with_detail(format!("record {} (sequence {}): {what}", index, index + 1))
        };
        if e.sequence != index + 1 {
            return Err(broken("sequence out of order"));
        }
        let h = chain_hash_with(key, &head.hash, e.sequence, &e.record, &mut buf);
        if h != e.hash {
            return Err(broken(if index == 0 {
                "hash does not hold (or the log was written with another key, or without one)"
            } else {
                "hash does not hold"
            }));
        }
        if let Some(x) = expected
            && x.sequence == e.sequence
            && x.hash != h
        {
            return Err(broken("differs from the exported head"));
        }
        head = Head {
            sequence: e.sequence,
            hash: h,
        };
        last_time = Some(e.record.time);
        Ok(())
    })?;
    if let Some(x) = expected
        && head.sequence < x.sequence
    {
        return Err(Error::new(Code::AuditTruncated).with_detail(format!(
            "log ends at sequence {}, exported head is at {}",
            head.sequence, x.sequence
        )));
    }
    Ok((head, last_time))
}

/// A callback that receives the head every `every` records.
struct HeadExport {
    every: u64,
    // A Mutex only to make the log Sync and unwind-safe around a `FnMut`; it is never contended
    // (calls happen under `&mut AuditLog`).
    sink: std::sync::Mutex<Box<dyn FnMut(Head) + Send>>,
}

impl fmt::Debug for HeadExport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeadExport")
            .field("every", &self.every)
            .finish_non_exhaustive()
    }
}

/// An audit log over a store: keeps the head, appends chained records in time order, verifies.
///
/// Not synchronized: wrap it in a `Mutex` to share it between threads (appends are ordered).
pub struct AuditLog<S: AuditStore> {
    store: S,
    head: Head,
    last_time: Option<Instant>,
    key: Option<AuditKey>,
    export: Option<HeadExport>,
    buf: Vec<u8>,
}

impl<S: AuditStore + fmt::Debug> fmt::Debug for AuditLog<S> {
    // Not derived: the scratch buffer holds the last record's canonical bytes (users, terms).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditLog")
            .field("store", &self.store)
            .field("head", &self.head)
            .field("last_time", &self.last_time)
            .field("keyed", &self.key.is_some())
            .field("export", &self.export)
            .finish_non_exhaustive()
    }
}

impl<S: AuditStore> AuditLog<S> {
    /// Opens a log over a store, verifying what it already holds (unkeyed chain).
    ///
    /// # Errors
    /// As [`verify_store`]: a log that does not verify is not appended to.
    pub fn open(store: S) -> Result<AuditLog<S>> {
        AuditLog::open_inner(store, None)
    }

    /// Opens a log whose chain is keyed with the agency's key, verifying what it holds.
    ///
    /// # Errors
    /// As [`verify_store_keyed`]; a log written without this key fails at its first record.
    pub fn open_keyed(store: S, key: AuditKey) -> Result<AuditLog<S>> {
        AuditLog::open_inner(store, Some(key))
    }

    fn open_inner(store: S, key: Option<AuditKey>) -> Result<AuditLog<S>> {
        let (head, last_time) = verify_chain(&store, key.as_ref(), Head::default(), None)?;
        Ok(AuditLog {
            store,
            head,
            last_time,
            key,
            export: None,
            buf: Vec::with_capacity(256),
        })
    }

    /// Appends a record and returns the new head (R-AUDIT-1, R-AUDIT-2).
    ///
    /// # Errors
    /// `time_regression` when the record's time is before the previous record's;
    /// `audit_torn_record` while a torn tail waits for [`AuditLog::recover`];
    /// `audit_file_changed` when a file store's file is not as it left it; `audit_write_failed`
    /// when the store fails otherwise (R-AUDIT-3). The head is then unchanged and the audited
    /// operation must fail.
    pub fn append(&mut self, record: AuditRecord) -> Result<Head> {
        if self.store.torn_tail().is_some() {
            return Err(Error::new(Code::AuditTornRecord).with_detail("recover the torn tail before appending"));
        }
        self.append_inner(record)
    }

    fn append_inner(&mut self, mut record: AuditRecord) -> Result<Head> {
        record.time = truncate_ms(record.time);
        if let Some(last) = self.last_time
            && record.time < last
        {
            return Err(Error::new(Code::TimeRegression)
                .at_index(u32::try_from(self.head.sequence).unwrap_or(u32::MAX))
                .with_detail("record time is before the previous record's"));
        }
        let sequence = self.head.sequence + 1;
        let hash = chain_hash_with(self.key.as_ref(), &self.head.hash, sequence, &record, &mut self.buf);
        let time = record.time;
        let entry = AuditEntry { sequence, record, hash };
        self.store.append(&entry).map_err(|e| match e.code() {
            Code::AuditFileChanged | Code::AuditWriteFailed => e,
            c => Error::new(Code::AuditWriteFailed).with_detail(format!("audit store failed ({c})")),
        })?;
        self.head = Head { sequence, hash };
        self.last_time = Some(time);
        if let Some(x) = &self.export
            && sequence.is_multiple_of(x.every)
        {
            let mut sink = x.sink.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            sink(self.head);
        }
        Ok(self.head)
    }

    /// Cuts a torn tail that the store set aside ([`FileStore::open_for_recovery`]) by writing,
    /// in its place, a record of what was cut: action [`RECOVERY_ACTION`], outcome `ok`, details
    /// `cut_bytes`, `cut_sha256` and `last_good_sequence`. The log then continues, and the loss is
    /// itself on the record. Returns `None` (and writes nothing) when there is no torn tail.
    ///
    /// A crash during recovery leaves a torn tail again (part of this record, or what is left of
    /// the old tail); recovering again records that cut too.
    ///
    /// # Errors
    /// As [`AuditLog::append`] (`time_regression` when `time` is before the last good record's).
    pub fn recover(&mut self, time: Instant, user: &str, agency: &str) -> Result<Option<Recovery>> {
        let Some(torn) = self.store.torn_tail() else {
            return Ok(None);
        };
        let last_good_sequence = self.head.sequence;
        let mut r = AuditRecord::new(time, user, agency, RECOVERY_ACTION, Outcome::Ok);
        r.details.insert("cut_bytes".into(), torn.bytes.to_string());
        r.details.insert("cut_sha256".into(), crate::audit::hex(&torn.sha256));
        r.details
            .insert("last_good_sequence".into(), last_good_sequence.to_string());
        let head = self.append_inner(r)?;
        Ok(Some(Recovery {
            cut_bytes: torn.bytes,
            cut_sha256: torn.sha256,
            last_good_sequence,
            head,
        }))
    }

    /// Hands the head to `sink` after every append whose sequence number is a multiple of
    /// `every` (replacing any earlier callback). The callback runs on the appending thread, inside
    /// the append: keep it short, and never call back into this log from it.
    pub fn export_heads(&mut self, every: std::num::NonZeroU64, sink: impl FnMut(Head) + Send + 'static) {
        self.export = Some(HeadExport {
            every: every.get(),
            sink: std::sync::Mutex::new(Box::new(sink)),
        });
    }

    /// Stops handing heads to the callback of [`AuditLog::export_heads`].
    pub fn stop_exporting_heads(&mut self) {
        self.export = None;
    }

    /// The head after the last append.
    pub fn head(&self) -> Head {
        self.head
    }

    /// The time of the last record, if any; the next record may not be earlier.
    pub fn last_time(&self) -> Option<Instant> {
        self.last_time
    }

    /// Whether the chain is keyed ([`AuditLog::open_keyed`]).
    pub fn is_keyed(&self) -> bool {
        self.key.is_some()
    }

    /// Verifies the whole chain (under the log's key, if any), and against `expected` if given
    /// (R-AUDIT-2). Reads the store as it is now.
    ///
    /// # Errors
    /// As [`verify_store`].
    pub fn verify(&self, expected: Option<&Head>) -> Result<Head> {
        Ok(verify_chain(&self.store, self.key.as_ref(), Head::default(), expected)?.0)
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Visits every record in order.
    ///
    /// # Errors
    /// The store's or the visitor's.
    pub fn scan(&self, visit: &mut dyn FnMut(&AuditEntry) -> Result<()>) -> Result<()> {
        self.store.scan(visit)
    }
}

impl<S: AuditStore + Send + 'static> AuditLog<S> {
    /// The same log over a boxed store (for callers that keep memory and file logs alike).
    pub fn boxed(self) -> AuditLog<Box<dyn AuditStore + Send>> {
        AuditLog {
            store: Box::new(self.store),
            head: self.head,
            last_time: self.last_time,
            key: self.key,
            export: self.export,
            buf: self.buf,
        }
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity, clippy::cast_possible_wrap)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

    pub(super) fn record(i: u64) -> AuditRecord {
        let t = parse_instant("2026-11-28T12:00:00-08:00").unwrap() + chrono::Duration::seconds(i as i64);
        let mut r = AuditRecord::new(t, &format!("u{}", i % 7), "SPD", "query_detections", Outcome::Allow);
        r.purpose = Some("stolen_vehicle".into());
        if i.is_multiple_of(3) {
            r.case_number = Some(format!("26-{i:06}"));
        }
        r.query_terms = Some("7AB?123".into());
        if i.is_multiple_of(5) {
            r.outcome = Outcome::Deny;
            r.reasons = vec![Code::PurposeRequired, Code::NotTrained];
        }
        r.details.insert("k".into(), i.to_string());
        r
    }

    fn log_of(n: u64) -> AuditLog<MemoryStore> {
        let mut log = AuditLog::open(MemoryStore::new()).unwrap();
        for i in 0..n {
            log.append(record(i)).unwrap();
        }
        log
    }

    #[test]
    fn every_field_change_deletion_insertion_swap_is_found() {
        let log = log_of(100);
        let head = log.head();
        assert_eq!(log.verify(Some(&head)).unwrap(), head);
        let base = log.store().clone();
        let broken_at = |s: &MemoryStore| {
            let e = verify_store(s, Some(&head)).unwrap_err();
            assert_eq!(e.code(), Code::AuditChainBroken, "{e}");
            e.position().index.unwrap()
        };
        for i in 0..100usize {
            // Each field of each record.
            let muts: Vec<Box<dyn Fn(&mut AuditRecord)>> = vec![
                Box::new(|r| r.time += chrono::Duration::milliseconds(1)),
                Box::new(|r| r.user.push('x')),
                Box::new(|r| r.agency.clear()),
                Box::new(|r| r.action = "view_hits".into()),
                Box::new(|r| r.purpose = None),
                Box::new(|r| r.case_number = Some(r.case_number.clone().unwrap_or_default() + "1")),
                Box::new(|r| r.query_terms = Some("7AB?124".into())),
                Box::new(|r| r.outcome = Outcome::Failed),
                Box::new(|r| r.reasons.push(Code::NoClearance)),
                Box::new(|r| {
                    r.details.insert("z".into(), String::new());
                }),
            ];
            for m in &muts {
                let mut s = base.clone();
                m(&mut s.entries_mut()[i].record);
                assert_eq!(broken_at(&s), i as u32);
            }
            let mut s = base.clone();
            s.entries_mut().remove(i);
            if i == 99 {
                assert_eq!(verify_store(&s, Some(&head)).unwrap_err().code(), Code::AuditTruncated);
            } else {
                assert_eq!(broken_at(&s), i as u32);
            }
            let mut s = base.clone();
            let dup = s.entries()[i].clone();
            s.entries_mut().insert(i, dup);
            assert_eq!(broken_at(&s), i as u32 + 1);
            if i < 99 {
                let mut s = base.clone();
                s.entries_mut().swap(i, i + 1);
                assert_eq!(broken_at(&s), i as u32);
            }
        }
    }

    #[test]
    fn truncation_against_head() {
        let log = log_of(10);
        let head = log.head();
        let mut s = log.store().clone();
        s.entries_mut().truncate(7);
        assert!(verify_store(&s, None).is_ok(), "a cut chain is still a chain");
        let e = verify_store(&s, Some(&head)).unwrap_err();
        assert_eq!(e.code(), Code::AuditTruncated);
        // A rewritten tail longer than the head is caught at the head's sequence.
        let mut log2 = AuditLog::open(s).unwrap();
        for i in 50..55 {
            log2.append(record(i)).unwrap();
        }
        let e = log2.verify(Some(&head)).unwrap_err();
        assert_eq!((e.code(), e.position().index), (Code::AuditChainBroken, Some(9)));
    }

    struct Failing;
    impl AuditStore for Failing {
        fn append(&mut self, _: &AuditEntry) -> Result<()> {
            Err(Error::new(Code::Io))
        }
        fn scan(&self, _: &mut dyn FnMut(&AuditEntry) -> Result<()>) -> Result<()> {
            Ok(())
        }
    }

    #[test]
    fn writes_fail_closed() {
        let mut log = AuditLog::open(Failing).unwrap();
        let e = log.append(record(1)).unwrap_err();
        assert_eq!(e.code(), Code::AuditWriteFailed);
        assert_eq!(log.head(), Head::default());
    }

    #[test]
    fn head_hex_round_trips() {
        let log = log_of(3);
        let h = log.head();
        assert_eq!(Head::from_hex(h.sequence, &h.hash_hex()).unwrap(), h);
        assert!(
            Head::from_hex(3, &h.hash_hex().to_uppercase()).is_err() || h.hash_hex() == h.hash_hex().to_uppercase()
        );
        assert!(Head::from_hex(3, "zz").is_err());
        assert_eq!(Outcome::from_index(1), Some(Outcome::Deny));
    }
}
