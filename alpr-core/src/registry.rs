//! The registry of current list versions (R-LIST-4): loading a new version of a list replaces the
//! old one atomically for every reader.
//!
//! Readers take a [`Snapshot`] (one `Arc` clone under a read lock held for nanoseconds) and match
//! against it for as long as they like; a loader builds the new version entirely outside the lock
//! and swaps one pointer. A reader therefore sees, for every list, either the whole old version or
//! the whole new one, and a failed load never touches what is in force.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use crate::error::{Code, Error, Result};
use crate::hotlist::{Format, ListHealth, ListMeta, ListVersion, LoadReport, RawEntry, Snapshot};
use crate::matching::{BatchHit, BatchOutput, Hit, MatchFields, Matcher, Read};
use crate::policy::Policy;
use crate::time::Instant;
use crate::vocab::{Category, ListKind};

/// A list handed over as a value: its metadata and raw entries. This is the shape of the
/// conformance vectors' `list` and of the JSON load functions of the C ABI and Python.
///
/// Deserialized through `RawListIn` (the same fields, not flattened): serde's `flatten` buffers
/// the whole object first, so a bad `kind` or `loaded_at` was reported at the object's end, not
/// at the field.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(from = "RawListIn")]
pub struct RawList {
    /// Metadata (`id`, `kind`, `priority`, `loaded_at`, optional `source`, `generated_at`).
    #[serde(flatten)]
    pub meta: ListMeta,
    /// The raw entries.
    #[serde(default)]
    pub entries: Vec<RawEntry>,
}

/// The deserialized shape of [`RawList`]: [`ListMeta`]'s fields spelled out.
#[derive(serde::Deserialize)]
struct RawListIn {
    id: String,
    kind: crate::vocab::ListKind,
    priority: u8,
    loaded_at: Instant,
    #[serde(default)]
    source: String,
    #[serde(default)]
    generated_at: Option<Instant>,
    #[serde(default)]
    entries: Vec<RawEntry>,
}

impl From<RawListIn> for RawList {
    fn from(r: RawListIn) -> RawList {
        RawList {
            meta: ListMeta {
                id: r.id,
                kind: r.kind,
                priority: r.priority,
                loaded_at: r.loaded_at,
                source: r.source,
                generated_at: r.generated_at,
            },
            entries: r.entries,
        }
    }
}

impl RawList {
    /// Parses a list from JSON text.
    ///
    /// # Errors
    /// `invalid_argument` with the line and column (1-based) where the JSON parser stopped: the
    /// last character it read (the end of a bad value, or the character before an unexpected
    /// one).
    pub fn from_json(text: &str) -> Result<RawList> {
        serde_json::from_str(text).map_err(|e| {
            Error::new(Code::InvalidArgument)
                .at_line(u32::try_from(e.line()).unwrap_or(u32::MAX))
                // serde_json says column 0 when it stopped before the first character of a line.
                .at_column(u32::try_from(e.column().max(1)).unwrap_or(u32::MAX))
                .with_detail(format!("list JSON: {}", e.classify_text()))
        })
    }
}

/// A short, input-free description of a serde_json error's kind.
trait ClassifyText {
    fn classify_text(&self) -> &'static str;
}

impl ClassifyText for serde_json::Error {
    fn classify_text(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "a field is missing, unknown or of the wrong type",
            serde_json::error::Category::Eof => "unexpected end of input",
        }
    }
}

/// The set of lists in force, shared by any number of threads.
#[derive(Debug)]
pub struct Registry {
    policy: Arc<Policy>,
    current: RwLock<Snapshot>,
    matcher: Matcher,
    /// The last version number given (see [`ListVersion::number`]); written under `current`'s lock.
    installs: AtomicU64,
}

impl Registry {
    /// An empty registry governed by `policy`.
    pub fn new(policy: Arc<Policy>) -> Registry {
        Registry {
            matcher: Matcher::new(Arc::clone(&policy)),
            policy,
            current: RwLock::new(Arc::new(BTreeMap::new())),
            installs: AtomicU64::new(0),
        }
    }

    /// The policy the registry's lists were validated and indexed with.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }

    /// The lists in force now. Cheap; never blocks on a loader's parsing or indexing.
    pub fn snapshot(&self) -> Snapshot {
        // A poisoned lock only means a writer panicked between two whole swaps: the value is
        // still a whole snapshot, so keep serving it.
        Arc::clone(&self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Puts a version in force, replacing any version of the same list id; returns the replaced one.
    /// The version gets the registry's next version number ([`ListVersion::number`]).
    pub fn install(&self, mut version: ListVersion) -> Option<Arc<ListVersion>> {
        let mut guard = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Numbered under the lock, so numbers increase in the order versions come into force.
        version.number = self.installs.fetch_add(1, Ordering::Relaxed) + 1;
        let version = Arc::new(version);
        let mut next = BTreeMap::clone(&guard);
        let old = next.insert(version.meta().id.clone(), version);
        *guard = Arc::new(next);
        old
    }

    /// Validates a list with the registry's policy and, if the load as a whole succeeds, puts it
    /// in force (replacing the previous version of the same id). A failed load leaves the
    /// previous version in force.
    ///
    /// # Errors
    /// `too_many_rejected` (nothing changes).
    pub fn load(&self, meta: ListMeta, raws: &[RawEntry]) -> Result<LoadReport> {
        let (version, report) = ListVersion::from_raw(meta, raws, &self.policy)?;
        self.install(version);
        Ok(report)
    }

    /// Parses and validates a file (see [`load_bytes`](crate::hotlist::load_bytes)) and, if the
    /// load as a whole succeeds, puts it in force in place of the previous version of the same id.
    /// The version's `generated_at` is the file's own (CLEW header) when it has one.
    ///
    /// # Errors
    /// The whole-file failures of [`crate::hotlist::format`] and `too_many_rejected`; the
    /// previous version stays in force.
    pub fn load_file(
        &self,
        format: Format,
        bytes: &[u8],
        meta: ListMeta,
        default_category: Option<Category>,
    ) -> Result<LoadReport> {
        self.load_file_with(
            format,
            bytes,
            meta,
            default_category,
            crate::hotlist::LoadOptions::default(),
        )
    }

    /// [`Registry::load_file`] with [`LoadOptions`](crate::hotlist::LoadOptions): a CSV file may
    /// be parsed, validated and indexed on up to `options.threads` scoped threads, with the same
    /// result.
    ///
    /// # Errors
    /// As [`Registry::load_file`].
    pub fn load_file_with(
        &self,
        format: Format,
        bytes: &[u8],
        meta: ListMeta,
        default_category: Option<Category>,
        options: crate::hotlist::LoadOptions<'_>,
    ) -> Result<LoadReport> {
        let (version, report) =
            crate::hotlist::load_bytes_with(format, bytes, meta, default_category, &self.policy, options)?;
        self.install(version);
        Ok(report)
    }

    /// The health of every list in force at `now` (R-LIST-5), in id order.
    pub fn health(&self, now: Instant) -> Vec<ListHealth> {
        self.snapshot().values().map(|v| v.health(now, &self.policy)).collect()
    }

    /// The policy's findings ([`Policy::check`]) and, for each list in force holding entries of a
    /// category the policy forbids, a `forbidden_category_loaded` finding naming the list.
    pub fn check_policy(&self) -> Vec<crate::policy::Finding> {
        let mut out = self.policy.check();
        for (id, v) in self.snapshot().iter() {
            for c in &self.policy.forbidden_categories {
                if v.entries().iter().any(|e| e.category == *c) {
                    out.push(crate::policy::Finding {
                        code: crate::policy::FindingCode::ForbiddenCategoryLoaded,
                        field: "forbidden_categories",
                        detail: format!("list {id} holds {c} entries"),
                    });
                }
            }
        }
        out
    }

    /// Takes a list out of force; returns it.
    pub fn remove(&self, id: &str) -> Option<Arc<ListVersion>> {
        let mut guard = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut next = BTreeMap::clone(&guard);
        let old = next.remove(id);
        *guard = Arc::new(next);
        old
    }

    /// The registry's policy prepared for matching.
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// Matches one read against the lists in force now (see [`Matcher::match_read`]), without
    /// the hits of `covert` lists: a registry has no viewer and no audit log, and a covert hit
    /// goes only to a `view_covert` viewer and is recorded (R-LIST-2), which only
    /// [`crate::agency::Agency::match_read`] does. [`Matcher::match_read`] over
    /// [`Registry::snapshot`] is the pure engine, for a caller that keeps its own audit.
    ///
    /// `read` is a [`Read`] or any other [`MatchFields`] (see [`Matcher::match_read`]).
    ///
    /// # Errors
    /// The normalization codes when the read's plate cannot be normalized.
    pub fn match_read<R: MatchFields>(&self, read: &R, now: Instant) -> Result<Vec<Hit>> {
        let mut hits = Vec::new();
        self.match_into(read, now, &mut hits)?;
        Ok(hits)
    }

    /// As [`Registry::match_read`], appending the hits to `out` (no allocation when the read has
    /// no hit and `out` has room). A caller that matches one read at a time keeps its hits in
    /// place instead of receiving them through a returned `Result` (the C single-read call).
    ///
    /// # Errors
    /// As [`Registry::match_read`]; `out` is unchanged then.
    pub fn match_into<R: MatchFields>(&self, read: &R, now: Instant, out: &mut Vec<Hit>) -> Result<()> {
        let start = out.len();
        self.matcher.match_into(&self.snapshot(), read, now, out)?;
        if out[start..].iter().any(|h| h.list_kind() == ListKind::Covert) {
            let mut tail = out.split_off(start);
            withhold_covert(&mut tail, |h| h);
            out.append(&mut tail);
        }
        Ok(())
    }

    /// Matches many reads against one snapshot of the lists in force (see
    /// [`Matcher::match_batch`]), without the hits of `covert` lists (as [`Registry::match_read`]).
    pub fn match_batch(&self, reads: &[Read<'_>], now: Instant) -> BatchOutput {
        let mut out = self.matcher.match_batch(&self.snapshot(), reads, now);
        withhold_covert(&mut out.hits, |b| &b.hit);
        out
    }

    /// [`Matcher::match_batch_indexed`] over one snapshot of the lists in force, without the hits
    /// of `covert` lists (as [`Registry::match_read`]): what the C and Python batch calls use.
    pub fn match_batch_indexed<R: MatchFields, E: From<Error>>(
        &self,
        reads: impl IntoIterator<Item = std::result::Result<R, E>>,
        now: Instant,
        hits: &mut Vec<BatchHit>,
        errors: &mut Vec<(u32, E)>,
    ) {
        self.match_batch_in(&self.snapshot(), reads, now, hits, errors);
    }

    /// [`Registry::match_batch_indexed`] over a snapshot the caller took: a batch matched in
    /// chunks (the Python binding, which checks Ctrl-C between them) sees one set of lists for
    /// all its chunks, whatever loads happen meanwhile. Covert hits are withheld as there.
    pub fn match_batch_in<R: MatchFields, E: From<Error>>(
        &self,
        snapshot: &Snapshot,
        reads: impl IntoIterator<Item = std::result::Result<R, E>>,
        now: Instant,
        hits: &mut Vec<BatchHit>,
        errors: &mut Vec<(u32, E)>,
    ) {
        let start = hits.len();
        self.matcher.match_batch_indexed(snapshot, reads, now, hits, errors);
        if hits[start..].iter().any(|b| b.hit.list_kind() == ListKind::Covert) {
            let mut tail = hits.split_off(start);
            withhold_covert(&mut tail, |b| &b.hit);
            hits.append(&mut tail);
        }
    }

    /// The version of one list in force now.
    pub fn get(&self, id: &str) -> Option<Arc<ListVersion>> {
        self.snapshot().get(id).cloned()
    }
}

/// Drops the hits of `covert` lists (R-LIST-2: withheld from a match without a viewer).
fn withhold_covert<T>(hits: &mut Vec<T>, hit: impl Fn(&T) -> &Hit) {
    hits.retain(|h| hit(h).list_kind() != ListKind::Covert);
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new(Arc::new(Policy::sacramento()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"{"id": "SVS", "kind": "standard", "priority": 10, "loaded_at": "2026-11-28T08:00:00-08:00",
        "entries": [{"plate": "7ABC123", "jurisdiction": "CA", "category": "stolen_vehicle"},
                    {"plate": "UNK", "jurisdiction": "CA", "category": "stolen_vehicle"}]}"#;

    #[test]
    fn installs_are_numbered_in_order() {
        let reg = Registry::default();
        let list = RawList::from_json(&LIST.replace("UNK", "8XYZ999")).unwrap();
        reg.load(list.meta.clone(), &list.entries).unwrap();
        let first = reg.get("SVS").unwrap();
        assert_eq!(first.number(), 1);
        let other = RawList::from_json(&LIST.replace("UNK", "8XYZ999").replace("\"SVS\"", "\"SFR\"")).unwrap();
        reg.load(other.meta, &other.entries).unwrap();
        reg.load(list.meta, &list.entries).unwrap();
        assert_eq!(reg.get("SFR").unwrap().number(), 2);
        assert_eq!(reg.get("SVS").unwrap().number(), 3);
        // The replaced version keeps its number; a version never installed has 0.
        assert_eq!(first.number(), 1);
        let (v, _) = ListVersion::from_raw(first.meta().clone(), &[], &Policy::sacramento()).unwrap();
        assert_eq!(v.number(), 0);
    }

    #[test]
    fn failed_load_keeps_the_previous_version() {
        let reg = Registry::default();
        let ok = RawList::from_json(&LIST.replace(
            r#"{"plate": "UNK", "jurisdiction": "CA", "category": "stolen_vehicle"}"#,
            r#"{"plate": "8XYZ999"}"#,
        ))
        .unwrap();
        let report = reg.load(ok.meta, &ok.entries).unwrap();
        assert_eq!(report.accepted, 2);
        let before = reg.get("SVS").unwrap();
        let bad = RawList::from_json(LIST).unwrap();
        assert_eq!(bad.meta.loaded_at.to_rfc3339(), "2026-11-28T16:00:00+00:00");
        assert_eq!(
            reg.load(bad.meta, &bad.entries).unwrap_err().code(),
            Code::TooManyRejected
        );
        assert!(Arc::ptr_eq(&before, &reg.get("SVS").unwrap()));
    }

    #[test]
    fn forbidden_categories_in_force_are_findings() {
        let policy = Policy {
            forbidden_categories: vec![crate::vocab::Category::ImmigrationViolator],
            ..Policy::sacramento()
        };
        let reg = Registry::new(Arc::new(policy));
        assert!(reg.check_policy().is_empty());
        // A version validated under another policy, installed directly.
        let list = RawList::from_json(
            &LIST
                .replace("stolen_vehicle", "immigration_violator")
                .replace("UNK", "8XYZ999"),
        )
        .unwrap();
        let (v, _) = ListVersion::from_raw(list.meta, &list.entries, &Policy::sacramento()).unwrap();
        reg.install(v);
        let f = reg.check_policy();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code.as_str(), "forbidden_category_loaded");
        assert_eq!(f[0].detail, "list SVS holds immigration_violator entries");
    }

    #[test]
    fn health_reports_age_and_staleness() {
        let reg = Registry::default();
        let list = RawList::from_json(&LIST.replace("UNK", "8XYZ999")).unwrap();
        let loaded = list.meta.loaded_at;
        reg.load(list.meta, &list.entries).unwrap();
        let h = reg.health(loaded + chrono::Duration::hours(12));
        assert_eq!((h[0].entries, h[0].age_seconds, h[0].stale), (2, 12 * 3600, false));
        assert_eq!(h[0].max_age_hours, Some(12));
        let h = reg.health(loaded + chrono::Duration::hours(12) + chrono::Duration::seconds(1));
        assert!(h[0].stale);
    }

    /// Every load, from a file (CSV, CLEW) or from values, indexes the version for the
    /// registry's own policy, so matching never builds an index of its own: the version's index
    /// carries the policy's parameters (confusion fingerprint, deletion depth) and a match after
    /// the load builds nothing (a thread-local count of index builds).
    #[test]
    fn every_load_indexes_for_the_registry_policy() {
        use crate::index::{IndexParams, builds_on_this_thread};
        let csv = b"plate,state,category\n7ABC123,CA,stolen_vehicle\n5XYZ999,CA,stolen_vehicle\n";
        let clew = b"DATE11/28/2026 06:00\n7ABC123 CA3420181105\nTOTAL RECORD 0000001\n";
        let policies = [
            Policy {
                confusion_classes: vec!["0OQ".into(), "1IL".into(), "8B3".into()],
                ..Policy::sacramento()
            },
            Policy {
                max_edits: 1,
                ..Policy::sacramento()
            },
            Policy {
                max_edits: 2,
                confusion_classes: vec!["5S".into()],
                ..Policy::sacramento()
            },
        ];
        for policy in policies {
            let want = IndexParams::of(&policy);
            let reg = Registry::new(Arc::new(policy));
            let meta = |id: &str| {
                let mut m = RawList::from_json(LIST).unwrap().meta;
                m.id = id.into();
                m
            };
            reg.load_file(Format::Csv, csv, meta("CSV"), None).unwrap();
            reg.load_file(Format::CaDojClew, clew, meta("CLEW"), Some(Category::StolenVehicle))
                .unwrap();
            let values = RawList::from_json(&LIST.replace("UNK", "8XYZ999")).unwrap();
            reg.load(meta("VALUES"), &values.entries).unwrap();
            for id in ["CSV", "CLEW", "VALUES"] {
                assert_eq!(reg.get(id).unwrap().index().params(), &want, "{id}");
            }
            let now = meta("X").loaded_at;
            let before = builds_on_this_thread();
            // An exact hit, and a read one edit or one look-alike away.
            for plate in ["7ABC123", "7ABC128", "7ABC12"] {
                reg.match_read(&Read::new(plate, now), now).unwrap();
            }
            assert!(!reg.match_read(&Read::new("7ABC123", now), now).unwrap().is_empty());
            reg.match_batch(&[Read::new("5XYZ999", now)], now);
            assert_eq!(builds_on_this_thread(), before, "matching built an index");
        }
    }

    #[test]
    fn json_errors_have_positions_and_no_input() {
        let e = RawList::from_json("{\"id\": \"SVS\",\n \"kind\": \"SECRETPLATE\"}").unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument);
        assert_eq!(e.position().line, Some(2));
        assert!(!e.to_string().contains("SECRET"));
    }
}
