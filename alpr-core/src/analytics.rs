//! Detection analytics as the order requires them to run (SPEC §8): a search preceded by its
//! access decision and audit record (R-SEARCH-1, R-AUDIT-3), and retro-hits of a new list
//! version against stored detections (R-SEARCH-2). Both compose the modules that own the rules —
//! [`crate::access`], [`crate::audit`], [`crate::retention`] (through [`Retention`]),
//! [`crate::search`] and [`crate::matching`] — and add none of their own.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use crate::access::{AccessRequest, User, authorize};
use crate::audit::{AuditLog, AuditStore};
use crate::error::{Code, Error, Result};
use crate::hotlist::ListVersion;
use crate::matching::{Hit, Matcher, Origin, Read};
use crate::policy::Policy;
use crate::search::{DetectionQuery, DetectionStore, Retention};
use crate::time::Instant;

/// What a search's audit record says it looked for (SB 34 §1798.90.52: the query terms).
fn query_terms(query: &DetectionQuery) -> String {
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

/// A partial-plate search as R-SEARCH-1 requires it: the access decision for `request` (a
/// `query_detections` or `query_own_detections` action with its purpose) is made and written to
/// the audit log with the query terms first; only an allowed and recorded request searches, and
/// detections due for purge stay invisible unless held (R-RET-6). Returns detection ids, sorted.
///
/// For `query_own_detections` the caller restricts the result to the user's own devices (the
/// store keeps each detection's `device_id`); the library does not know which devices are whose.
///
/// # Errors
/// `invalid_argument` for any other action; `audit_write_failed` (nothing searched, R-AUDIT-3);
/// `access_denied` with every failed check in the detail (the denial itself is audited); the
/// search's own `invalid_argument` for a malformed window.
#[allow(clippy::too_many_arguments, clippy::implicit_hasher)] // Distinct inputs the order names; holds are ids.
pub fn search_audited<S: AuditStore>(
    store: &DetectionStore,
    log: &mut AuditLog<S>,
    user: &User,
    request: &AccessRequest,
    query: &DetectionQuery,
    held: HashSet<u64>,
    now: Instant,
    policy: &Policy,
) -> Result<Vec<u64>> {
    if !matches!(request.action.as_str(), "query_detections" | "query_own_detections") {
        return Err(Error::new(Code::InvalidArgument)
            .with_detail("a detection search is a query_detections or query_own_detections request"));
    }
    let mut audited = request.clone();
    audited.query_terms = Some(query_terms(query));
    authorize(log, user, &audited, now, policy)?;
    store.search_ids(query, &Retention::for_detections(policy, now, held))
}

/// One retro-hit: a stored detection that an entry of a new list version hits.
#[derive(Clone, Debug)]
pub struct RetroHit {
    /// The detection's id.
    pub detection_id: u64,
    /// The hit, explained as a live hit would be.
    pub hit: Hit,
}

/// Retro-hits (R-SEARCH-2): every stored detection observed in the `days` calendar-free 24-hour
/// days before `now` (and not due for purge, unless held) matched against one list version with
/// the same rules as live matching — each detection is a read with its own plate, jurisdiction,
/// time and device, so expiries and staleness apply as they would have. Ordered by detection id,
/// then by the hit order of R-MATCH-9.
///
/// # Errors
/// None today for well-formed stores (every stored plate normalizes); the `Result` is kept for a
/// store whose rows fail to read.
#[allow(clippy::implicit_hasher)] // Holds are a plain set of ids, as `Retention` keeps them.
pub fn retro_hits(
    store: &DetectionStore,
    list: Arc<ListVersion>,
    days: u32,
    held: HashSet<u64>,
    now: Instant,
    policy: &Arc<Policy>,
) -> Result<Vec<RetroHit>> {
    let since = now - chrono::Duration::days(i64::from(days));
    let retention = Retention::for_detections(policy, now, held);
    let snapshot = Arc::new(BTreeMap::from([(list.meta().id.clone(), list)]));
    let matcher = Matcher::new(Arc::clone(policy));
    let mut out = Vec::new();
    let mut hits = Vec::new();
    for r in 0..store.len() {
        let row = store.row(u32::try_from(r).map_err(|_| Error::new(Code::InvalidArgument))?);
        let observed_at = row.observed_at();
        if observed_at < since || observed_at >= now || !retention.is_visible(row.id, row.observed_ms) {
            continue;
        }
        let text = row.plate.to_string();
        let mut read = Read::new(&text, observed_at);
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
    out.sort_by(|a, b| a.detection_id.cmp(&b.detection_id).then_with(|| a.hit.order(&b.hit)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::MemoryStore;
    use crate::hotlist::RawList;
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

    fn investigator() -> User {
        serde_json::from_str(
            r#"{"id": "u1", "agency": "SPD", "roles": ["investigator"], "account": "active",
                "trained_on": "2025-06-01", "clearance": true}"#,
        )
        .unwrap()
    }

    #[test]
    fn search_is_authorized_and_audited_first() {
        let policy = Policy::sacramento();
        let now = t("2026-11-28T12:00:00-08:00");
        let mut log = AuditLog::open(MemoryStore::new()).unwrap();
        let query = DetectionQuery::new(crate::PlateOrPattern::parse("7AB?123", policy.pattern_limits()).unwrap());
        let ok: AccessRequest =
            serde_json::from_str(r#"{"action": "query_detections", "purpose": "stolen_vehicle"}"#).unwrap();
        // Detection 3 is past the 2-year retention: invisible unless held.
        assert_eq!(
            search_audited(
                &store(),
                &mut log,
                &investigator(),
                &ok,
                &query,
                HashSet::new(),
                now,
                &policy
            )
            .unwrap(),
            vec![1]
        );
        assert_eq!(
            search_audited(
                &store(),
                &mut log,
                &investigator(),
                &ok,
                &query,
                HashSet::from([3]),
                now,
                &policy
            )
            .unwrap(),
            vec![1, 3]
        );
        let no_purpose: AccessRequest = serde_json::from_str(r#"{"action": "query_detections"}"#).unwrap();
        let e = search_audited(
            &store(),
            &mut log,
            &investigator(),
            &no_purpose,
            &query,
            HashSet::new(),
            now,
            &policy,
        )
        .unwrap_err();
        assert_eq!(e.code(), Code::AccessDenied);
        // Three decisions, three records, each with the query terms; the chain verifies.
        assert_eq!(log.store().entries().len(), 3);
        assert!(
            log.store()
                .entries()
                .iter()
                .all(|e| e.record.query_terms.as_deref() == Some("term=7AB?123"))
        );
        log.verify(None).unwrap();
        let other: AccessRequest = serde_json::from_str(r#"{"action": "view_hits"}"#).unwrap();
        assert_eq!(
            search_audited(
                &store(),
                &mut log,
                &investigator(),
                &other,
                &query,
                HashSet::new(),
                now,
                &policy
            )
            .unwrap_err()
            .code(),
            Code::InvalidArgument
        );
    }

    #[test]
    fn retro_hits_use_live_rules_and_retention() {
        let policy = Arc::new(Policy::sacramento());
        let now = t("2026-11-28T12:00:00-08:00");
        let raw = RawList::from_json(
            r#"{"id": "SVS", "kind": "standard", "priority": 10, "loaded_at": "2026-11-28T08:00:00-08:00",
                "entries": [{"plate": "7ABC123", "category": "stolen_vehicle"}]}"#,
        )
        .unwrap();
        let (version, _) = ListVersion::from_raw(raw.meta, &raw.entries, &policy).unwrap();
        let list = Arc::new(version);
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
        let long = retro_hits(&store(), list, 1000, HashSet::from([3]), now, &policy).unwrap();
        assert_eq!(long.iter().map(|h| h.detection_id).collect::<Vec<_>>(), vec![1, 2, 3]);
    }
}
