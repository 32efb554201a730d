//! The crate-private building blocks of detection analytics, which trust their caller for the
//! user, the time (`now`), the legal holds and the policy: the terms a search's or a retro-hits
//! run's audit record names, and retro-hits of a new list version against stored detections
//! (R-SEARCH-2). [`crate::agency::Agency`] composes them, supplying those from its roster, clock,
//! hold register and profile and recording every read first; nothing outside the crate reaches
//! them (R-AUDIT-1: no surface reads stored detections without the access decision and the
//! audit record).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::RetroHit;
use crate::error::Result;
use crate::hotlist::ListVersion;
use crate::index::IndexParams;
use crate::matching::{Matcher, Read};
use crate::pattern::PlateOrPattern;
use crate::plate::Plate;
use crate::policy::Policy;
use crate::search::{DetectionQuery, DetectionStore, Retention};
use crate::time::Instant;
use crate::time::ceil_ms;
use crate::vocab::Origin;

/// What a search's audit record says it looked for (SB 34 §1798.90.52: the query terms).
pub(crate) fn query_terms(query: &DetectionQuery) -> String {
    use std::fmt::Write as _;
    let mut s = format!("term={}", query.term);
    // Writing to a String cannot fail.
    if let Some(f) = query.from {
        let _ = write!(s, " from={}", f.to_rfc3339());
    }
    if let Some(t) = query.to {
        let _ = write!(s, " to={}", t.to_rfc3339());
    }
    if let Some(n) = query.near {
        let _ = write!(s, " near={},{} radius_m={}", n.lat, n.lon, n.radius_m);
    }
    s
}

/// Retro-hits (R-SEARCH-2): every stored detection observed in the `days` 24-hour days before
/// `now` (and not due for purge, unless held) matched against one list version with the same
/// rules as live matching — each detection is a read with its own plate, jurisdiction, time and
/// device, so expiries and staleness apply as they would have. Ordered by detection id, then by
/// the hit order of R-MATCH-9.
///
/// This is the pure building block; [`crate::agency::Agency::retro_hits`] is the run R-SEARCH-1
/// allows.
///
/// # Errors
/// None today for well-formed stores (every stored plate normalizes); the `Result` is kept for a
/// store whose rows fail to read.
#[allow(clippy::implicit_hasher)] // Holds are a plain set of ids, as `Retention` keeps them.
pub(crate) fn retro_hits(
    store: &DetectionStore,
    list: Arc<ListVersion>,
    days: u32,
    held: HashSet<u64>,
    now: Instant,
    policy: &Arc<Policy>,
) -> Result<Vec<RetroHit>> {
    // A window reaching before chrono's range starts at its first instant (`days` is u32: up to
    // 11 million years).
    let since = now
        .checked_sub_signed(chrono::Duration::days(i64::from(days)))
        .unwrap_or(Instant::MIN_UTC);
    let retention = Retention::for_detections(policy, now, held);
    // A version indexed for another policy (one loaded before a policy change) is indexed once
    // here for this one, not once per detection by the matcher's slow path.
    let list = if list.index().params().serves(&IndexParams::of(policy)) {
        list
    } else {
        Arc::new(ListVersion::build(list.meta().clone(), list.entries().to_vec(), policy))
    };
    let filter = KeyFilter::new(&list, policy);
    let snapshot = Arc::new(BTreeMap::from([(list.meta().id.clone(), list)]));
    let matcher = Matcher::new(Arc::clone(policy));
    let mut out = Vec::new();
    let mut hits = Vec::new();
    // Plate by plate, from the store's time index: only the plates seen in the window. Each is
    // first matched once as a read with no jurisdiction at the earliest instant: a read's
    // jurisdiction and time only ever remove a hit of its plate (a mismatch suppressed,
    // R-MATCH-3; an entry expired, R-MATCH-5), never add one, so a plate without a hit then has
    // none at any of its detections, and most plates of a window stop there (most before that,
    // at the key filter). The plates that hit are matched detection by detection, as live reads.
    let mut probe_hits = Vec::new();
    let mut probe_error = None;
    let plates = store.rows_by_plate_where(ceil_ms(since), ceil_ms(now), |plate| {
        if !filter.may_hit(plate) {
            return false;
        }
        let (buf, n) = plate.to_bytes();
        // The buffer holds only ASCII alphanumerics.
        let mut probe = Read::new(std::str::from_utf8(&buf[..n]).unwrap_or_default(), Instant::MIN_UTC);
        probe.origin = Origin::Fixed;
        probe_hits.clear();
        match matcher.match_into(&snapshot, &probe, now, &mut probe_hits) {
            Ok(()) => !probe_hits.is_empty(),
            Err(e) => {
                probe_error.get_or_insert(e);
                false
            }
        }
    });
    for (plate, rows) in plates {
        let (buf, n) = plate.to_bytes();
        let text = std::str::from_utf8(&buf[..n]).unwrap_or_default();
        for r in rows {
            let row = store.row(r);
            if !retention.is_visible(row.id, row.observed_ms) {
                continue;
            }
            let mut read = Read::new(text, row.observed_at());
            read.jurisdiction = row.jurisdiction;
            read.origin = Origin::Fixed;
            read.device_id = row.device_id;
            hits.clear();
            matcher.match_into(&snapshot, &read, now, &mut hits)?;
            out.extend(hits.drain(..).map(|hit| RetroHit {
                detection_id: row.id,
                hit,
            }));
        }
    }
    if let Some(e) = probe_error {
        return Err(e);
    }
    out.sort_by(|a, b| a.detection_id.cmp(&b.detection_id).then_with(|| a.hit.order(&b.hit)));
    Ok(out)
}

/// A filter of the plates that may hit a list version, in front of the matcher in retro-hits:
/// `may_hit` is false only for a plate that no entry can match. Without edits and patterns, a
/// plate matches an entry only exactly or as a look-alike, and both share the entry's confusion
/// key (every character replaced by its class representative, a superset of the look-alike
/// relation); the filter is one bit per hash of the keys of the list's plates (32 bits an entry,
/// so about 3 % of plates that cannot hit still pass, and the matcher settles them). Under edits
/// or with pattern entries every plate passes.
struct KeyFilter {
    confusion: crate::index::Confusion,
    /// `None`: every plate passes.
    bits: Option<Vec<u64>>,
    shift: u32,
}

impl KeyFilter {
    fn new(list: &ListVersion, policy: &Policy) -> KeyFilter {
        let confusion = IndexParams::of(policy).confusion;
        let every_plate = KeyFilter {
            confusion: confusion.clone(),
            bits: None,
            shift: 64,
        };
        if policy.max_edits > 0 {
            return every_plate;
        }
        // 2^k bits, at least 32 an entry; from 2^10 to 2^30 (128 MB for 33 million entries).
        let k = (list.entries().len().max(1) * 32)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(10, 30);
        let mut bits = vec![0u64; (1usize << k) / 64];
        let shift = 64 - k;
        for e in list.entries() {
            let PlateOrPattern::Plate(p) = &e.key else {
                return every_plate;
            };
            let h = KeyFilter::hash(confusion.key(*p), shift);
            bits[h / 64] |= 1 << (h % 64);
        }
        KeyFilter {
            confusion,
            bits: Some(bits),
            shift,
        }
    }

    fn hash(key: u64, shift: u32) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
    }

    fn may_hit(&self, plate: Plate) -> bool {
        self.bits.as_ref().is_none_or(|bits| {
            let h = KeyFilter::hash(self.confusion.key(plate), self.shift);
            bits[h / 64] >> (h % 64) & 1 == 1
        })
    }
}

/// What a retro-hits run's audit record says it looked for.
pub(crate) fn retro_terms(list: &ListVersion, days: u32) -> String {
    let meta = list.meta();
    format!(
        "retro_hits list={} loaded_at={} days={days}",
        meta.id,
        meta.loaded_at.to_rfc3339()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::RawList;
    use crate::time::parse_instant;

    fn t(s: &str) -> Instant {
        parse_instant(s).unwrap()
    }

    fn store() -> DetectionStore {
        DetectionStore::from_json(
            r#"[{"id": 1, "plate": "7ABC123", "observed_at": "2026-11-27T10:00:00-08:00", "lat": 38.58, "lon": -121.49},
                {"id": 2, "plate": "7A8C123", "observed_at": "2026-11-20T10:00:00-08:00", "lat": 38.58, "lon": -121.49},
                {"id": 3, "plate": "7ABC123", "observed_at": "2024-06-01T10:00:00-07:00", "lat": 38.58, "lon": -121.49},
                {"id": 4, "plate": "8XYZ999", "observed_at": "2026-11-27T11:00:00-08:00", "lat": 38.58, "lon": -121.49}]"#,
        )
        .unwrap()
    }

    /// A stolen-vehicle list of one plate, `7ABC123`.
    fn svs(policy: &Policy) -> Arc<ListVersion> {
        let raw = RawList::from_json(
            r#"{"id": "SVS", "kind": "standard", "priority": 10, "loaded_at": "2026-11-28T08:00:00-08:00",
                "entries": [{"plate": "7ABC123", "category": "stolen_vehicle"}]}"#,
        )
        .unwrap();
        Arc::new(ListVersion::from_raw(raw.meta, &raw.entries, policy).unwrap().0)
    }

    #[test]
    fn retro_hits_use_live_rules_and_retention() {
        let policy = Arc::new(Policy::sacramento());
        let now = t("2026-11-28T12:00:00-08:00");
        let list = svs(&policy);
        let hits = retro_hits(&store(), Arc::clone(&list), 30, HashSet::new(), now, &policy).unwrap();
        let got: Vec<(u64, &str)> = hits.iter().map(|h| (h.detection_id, h.hit.kind.as_str())).collect();
        assert_eq!(got, vec![(1, "exact"), (2, "confusable")]);
        // A shorter window, and a held old detection inside a long window.
        assert_eq!(
            retro_hits(&store(), Arc::clone(&list), 3, HashSet::new(), now, &policy)
                .unwrap()
                .len(),
            1
        );
        let long = retro_hits(&store(), Arc::clone(&list), 1000, HashSet::from([3]), now, &policy).unwrap();
        assert_eq!(long.iter().map(|h| h.detection_id).collect::<Vec<_>>(), vec![1, 2, 3]);
        // Issue 15: `days` up to u32::MAX (11 million years) reaches before chrono's range: the
        // window starts at its first instant instead of panicking.
        let all = retro_hits(&store(), Arc::clone(&list), u32::MAX, HashSet::from([3]), now, &policy).unwrap();
        assert_eq!(all.iter().map(|h| h.detection_id).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert!(
            retro_hits(&store(), list, u32::MAX, HashSet::new(), Instant::MIN_UTC, &policy)
                .unwrap()
                .is_empty()
        );
    }

    /// Retro-hits build at most one index however many detections they match: none for a
    /// version loaded under the run's policy, one for a version indexed for another.
    #[test]
    fn retro_hits_index_a_version_once() {
        let policy = Arc::new(Policy {
            max_edits: 1,
            ..Policy::sacramento()
        });
        let now = t("2026-11-28T12:00:00-08:00");
        let count = crate::index::builds_on_this_thread;
        for (list, builds) in [(svs(&policy), 0), (svs(&Policy::sacramento()), 1)] {
            let before = count();
            let hits = retro_hits(&store(), list, 30, HashSet::new(), now, &policy).unwrap();
            assert_eq!(hits.len(), 2);
            assert_eq!(count() - before, builds);
        }
    }

    mod differential {
        use super::*;
        use crate::hotlist::{ListMeta, RawEntry};
        use crate::matching::match_read;
        use proptest::prelude::*;

        const ALPHA: &[u8] = b"0O18BAX";
        const NOW_MS: i64 = 1_795_896_000_000; // 2026-11-28T20:00:00Z

        fn text() -> impl Strategy<Value = String> {
            proptest::collection::vec(proptest::sample::select(ALPHA), 3..5).prop_map(|v| String::from_utf8(v).unwrap())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]
            /// Retro-hits give, detection by detection, what matching each visible detection of
            /// the window alone gives (R-SEARCH-2), whatever the store's layout.
            #[test]
            fn retro_hits_agree_with_matching_each_row(
                rows in proptest::collection::vec(
                    (text(), prop_oneof![Just(None), Just(Some("CA")), Just(Some("NV"))], prop_oneof![-48i64..72, 0i64..27_000], any::<bool>()),
                    0..40),
                entries in proptest::collection::vec((text(), any::<prop::sample::Index>(), 0u8..4, 0u8..3), 0..8),
                days in prop_oneof![0u32..4, 0u32..1_100],
                hold_every in 1u64..5,
            ) {
                let policy = Arc::new(Policy::sacramento());
                let now = crate::time::instant_of_ms(NOW_MS).unwrap();
                let store = generated_store(&rows);
                let Some(list) = generated_list(&rows, &entries, "CA", &policy) else { return Ok(()) };
                let held: HashSet<u64> = (0..rows.len() as u64).map(|i| i * 7).filter(|id| id % hold_every == 0).collect();
                let got = retro_hits(&store, Arc::clone(&list), days, held.clone(), now, &policy).unwrap();
                // The oracle: every row, in row order, matched alone.
                let since = now - chrono::Duration::days(i64::from(days));
                let retention = Retention::for_detections(&policy, now, held);
                let snapshot = Arc::new(BTreeMap::from([(list.meta().id.clone(), list)]));
                let mut want = Vec::new();
                for r in 0..store.len() {
                    let row = store.row(r as u32);
                    let at = row.observed_at();
                    if at < since || at >= now || !retention.is_visible(row.id, row.observed_ms) {
                        continue;
                    }
                    let text = row.plate.to_string();
                    let mut read = Read::new(&text, at);
                    read.jurisdiction = row.jurisdiction;
                    read.origin = Origin::Fixed;
                    read.device_id = row.device_id;
                    for h in match_read(&snapshot, &read, now, &policy).unwrap() {
                        want.push((row.id, h.entry_text(), h.kind, h.tier, h.jurisdiction));
                    }
                }
                want.sort_by_key(|w| w.0);
                let got: Vec<_> = got
                    .into_iter()
                    .map(|h| (h.detection_id, h.hit.entry_text(), h.hit.kind, h.hit.tier, h.hit.jurisdiction))
                    .collect();
                prop_assert_eq!(got, want);
            }

            /// The retro-hits over the time index, with the per-plate probe, give exactly what
            /// the full scan they replaced gives: the same hits with the same explanations, in
            /// the same order, under look-alike, edit and pattern matching, jurisdiction
            /// suppression and expiries.
            #[test]
            fn retro_hits_equal_the_full_scan(
                rows in proptest::collection::vec(
                    (text(), prop_oneof![Just(None), Just(Some("CA")), Just(Some("NV"))], prop_oneof![-48i64..72, 0i64..27_000], any::<bool>()),
                    0..60),
                entries in proptest::collection::vec((text(), any::<prop::sample::Index>(), 0u8..4, 0u8..3), 0..8),
                days in prop_oneof![0u32..4, 0u32..1_100],
                hold_every in 1u64..5,
                edits in 0u8..2,
                suppress in any::<bool>(),
            ) {
                let mut policy = Policy::sacramento();
                policy.max_edits = edits;
                policy.min_edit_length = 3;
                if suppress {
                    policy.on_jurisdiction_mismatch = crate::policy::MismatchAction::Suppress;
                }
                let policy = Arc::new(policy);
                let now = crate::time::instant_of_ms(NOW_MS).unwrap();
                let store = generated_store(&rows);
                let Some(list) = generated_list(&rows, &entries, "NV", &policy) else { return Ok(()) };
                let held: HashSet<u64> = (0..rows.len() as u64).map(|i| i * 7).filter(|id| id % hold_every == 0).collect();
                let key = |h: &RetroHit| {
                    (h.detection_id, h.hit.entry_index, h.hit.kind, h.hit.positions.0, h.hit.jurisdiction,
                     h.hit.plate_type_mismatch, h.hit.stale, h.hit.tier, h.hit.list_age)
                };
                let got: Vec<_> = retro_hits(&store, Arc::clone(&list), days, held.clone(), now, &policy).unwrap().iter().map(key).collect();
                let want: Vec<_> = retro_hits_full_scan(&store, list, days, held, now, &policy).iter().map(key).collect();
                prop_assert_eq!(got, want);
            }
        }

        /// A generated row of detections: plate text, jurisdiction, age in hours (negative: in
        /// the future of `now`), read by a device or not.
        type GenRow = (String, Option<&'static str>, i64, bool);
        /// A generated list entry: text, a row to copy it from, how (plate, with a jurisdiction,
        /// a pattern, free text) and expiry (none, expired mid-window, a look-alike swapped in).
        type GenEntry = (String, prop::sample::Index, u8, u8);

        /// The store of generated rows: ids `7 × row`, some rows in the future of `now` (never
        /// in a window).
        fn generated_store(rows: &[GenRow]) -> DetectionStore {
            let mut b = crate::search::DetectionStoreBuilder::new();
            for (i, (plate, j, age_hours, dev)) in rows.iter().enumerate() {
                let p = crate::normalize(plate).unwrap().plate;
                let j = j.map(|j| crate::Jurisdiction::parse(j).unwrap());
                let ms = NOW_MS - age_hours * 3_600_000 + 60_000 * i64::from(i as u8 % 3) - 60_000;
                b.push_ms(i as u64 * 7, p, j, ms, 38.5, -121.5, dev.then_some("pod-1"))
                    .unwrap();
            }
            b.build().unwrap()
        }

        /// A special list (patterns allowed) of generated entries, most from a stored plate, some
        /// with a look-alike swapped in, some in jurisdiction `jur`; loaded before some entries
        /// expire, so expiries cut some reads and not others. `None` when the list is refused.
        fn generated_list(
            rows: &[GenRow],
            entries: &[GenEntry],
            jur: &str,
            policy: &Policy,
        ) -> Option<Arc<ListVersion>> {
            let raw_entries: Vec<RawEntry> = entries
                .iter()
                .map(|(t, pick, how, exp)| {
                    let t = if *how == 3 || rows.is_empty() {
                        t.clone()
                    } else {
                        let base = &rows[pick.index(rows.len())].0;
                        if *exp == 2 {
                            base.replacen('0', "O", 1)
                        } else {
                            base.clone()
                        }
                    };
                    let mut e = RawEntry {
                        category: Some("stolen_vehicle".into()),
                        jurisdiction: (*how == 1).then(|| jur.into()),
                        expires_at: (*exp == 1).then(|| "2026-10-01T00:00:00Z".into()),
                        ..RawEntry::default()
                    };
                    if *how == 2 {
                        e.pattern = Some(format!("{}*", &t[..3]));
                    } else {
                        e.plate = Some(t);
                    }
                    e
                })
                .collect();
            let meta = ListMeta {
                id: "NEW".into(),
                kind: crate::vocab::ListKind::Special,
                priority: 10,
                loaded_at: crate::time::parse_instant("2026-09-01T00:00:00Z").unwrap(),
                source: "test".into(),
                generated_at: None,
            };
            ListVersion::from_raw(meta, &raw_entries, policy)
                .ok()
                .map(|(v, _)| Arc::new(v))
        }

        /// The retro-hits as they were before the time index (the oracle): every plate of the
        /// store walked, every detection of the window matched as a read.
        fn retro_hits_full_scan(
            store: &DetectionStore,
            list: Arc<ListVersion>,
            days: u32,
            held: HashSet<u64>,
            now: Instant,
            policy: &Arc<Policy>,
        ) -> Vec<RetroHit> {
            let since = now
                .checked_sub_signed(chrono::Duration::days(i64::from(days)))
                .unwrap_or(Instant::MIN_UTC);
            let retention = Retention::for_detections(policy, now, held);
            let snapshot = Arc::new(BTreeMap::from([(list.meta().id.clone(), list)]));
            let matcher = Matcher::new(Arc::clone(policy));
            let mut out = Vec::new();
            let mut hits = Vec::new();
            for (plate, rows) in store.rows_by_plate_full_scan(ceil_ms(since), ceil_ms(now)) {
                let text = plate.to_string();
                for r in rows {
                    let row = store.row(r);
                    if !retention.is_visible(row.id, row.observed_ms) {
                        continue;
                    }
                    let mut read = Read::new(&text, row.observed_at());
                    read.jurisdiction = row.jurisdiction;
                    read.origin = Origin::Fixed;
                    read.device_id = row.device_id;
                    hits.clear();
                    matcher.match_into(&snapshot, &read, now, &mut hits).unwrap();
                    out.extend(hits.drain(..).map(|hit| RetroHit {
                        detection_id: row.id,
                        hit,
                    }));
                }
            }
            out.sort_by(|a, b| a.detection_id.cmp(&b.detection_id).then_with(|| a.hit.order(&b.hit)));
            out
        }
    }
}
