//! Reads of stored detections through the agency (R-SEARCH-1, R-SEARCH-2, R-AUDIT-3): the access
//! decision and its record first, with the window and the holds that can widen it; then a grant
//! that runs exactly what was recorded and holds no borrow of the agency, so a caller that shares
//! the agency behind a lock releases it before the read.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::{Agency, active_holds, ids_sha256};
use crate::access::AccessRequest;
use crate::analytics::RetroHit;
use crate::analytics::unaudited::{query_terms, retro_hits, retro_terms};
use crate::audit::AuditStore;
use crate::error::{Code, Error, Result};
use crate::hotlist::ListVersion;
use crate::policy::Policy;
use crate::search::{DetectionQuery, DetectionStore, Retention};
use crate::time::Instant;
use crate::vocab::ListKind;

/// A search or canvass that was decided, allowed and recorded; [`SearchGrant::run`] runs it.
#[must_use = "a recorded search that does not run still stands in the audit log"]
#[derive(Debug)]
pub struct SearchGrant {
    query: DetectionQuery,
    now: Instant,
    policy: Arc<Policy>,
    held: HashSet<u64>,
    devices: Option<HashSet<String>>,
}

impl SearchGrant {
    /// Runs the recorded search: the rows matching the recorded query, ascending, under the
    /// recorded time, policy and holds. A `query_own_detections` keeps only the rows
    /// read by the user's devices (the roster's `devices`, as recorded).
    ///
    /// # Errors
    /// The search's own `invalid_argument` for a malformed window.
    pub fn run(self, store: &DetectionStore) -> Result<Vec<u32>> {
        let mut rows = store.search(
            &self.query,
            &Retention::for_detections(&self.policy, self.now, self.held),
        )?;
        if let Some(devices) = &self.devices {
            rows.retain(|&r| store.row(r).device_id.is_some_and(|d| devices.contains(d)));
        }
        Ok(rows)
    }
}

/// A retro-hits run that was decided, allowed and recorded; [`RetroHitsGrant::run`] runs it.
#[must_use = "a recorded run that does not run still stands in the audit log"]
#[derive(Debug)]
pub struct RetroHitsGrant {
    list: Arc<ListVersion>,
    days: u32,
    now: Instant,
    policy: Arc<Policy>,
    held: HashSet<u64>,
    devices: Option<HashSet<String>>,
}

impl RetroHitsGrant {
    /// Runs the recorded retro-hits (R-SEARCH-2: every detection of the recorded days, not due for
    /// purge unless held, matched by the recorded list version's live rules, ordered by detection
    /// id, then hit order); a `query_own_detections` run keeps only
    /// the hits of detections read by the user's devices.
    ///
    /// # Errors
    /// None today for well-formed stores (every stored plate normalizes).
    pub fn run(self, store: &DetectionStore) -> Result<Vec<RetroHit>> {
        let mut hits = retro_hits(store, self.list, self.days, self.held, self.now, &self.policy)?;
        if let Some(devices) = &self.devices {
            let own: HashSet<u64> = (0..u32::try_from(store.len()).unwrap_or(u32::MAX))
                .map(|r| store.row(r))
                .filter(|row| row.device_id.is_some_and(|d| devices.contains(d)))
                .map(|row| row.id)
                .collect();
            hits.retain(|h| own.contains(&h.detection_id));
        }
        Ok(hits)
    }
}

pub(super) fn check_read_action(request: &AccessRequest) -> Result<()> {
    if matches!(request.action.as_str(), "query_detections" | "query_own_detections") {
        Ok(())
    } else {
        Err(Error::new(Code::InvalidArgument)
            .with_detail("a read of detections is a query_detections or query_own_detections request"))
    }
}

/// For a `query_own_detections` request, the devices of roster user `user` (none when the user
/// is unknown or has none): the only devices whose rows the read returns.
fn own_devices(request: &AccessRequest, user: Option<&crate::access::User>) -> Option<HashSet<String>> {
    (request.action == "query_own_detections")
        .then(|| user.map(|u| u.devices.iter().cloned().collect()).unwrap_or_default())
}

/// The record's `devices` detail: the devices a read was restricted to, sorted, comma-separated.
fn devices_detail(devices: &HashSet<String>) -> String {
    let mut v: Vec<&str> = devices.iter().map(String::as_str).collect();
    v.sort_unstable();
    v.join(",")
}

impl<S: AuditStore> Agency<S> {
    /// What a read's record says about its window and holds.
    pub(super) fn read_details(
        &self,
        read: &str,
        from: Option<Instant>,
        to: Instant,
        holds: &HashSet<u64>,
        cases: &std::collections::BTreeSet<String>,
    ) -> BTreeMap<String, String> {
        let mut d = BTreeMap::new();
        d.insert("read".to_owned(), read.to_owned());
        d.insert(
            "window_from".to_owned(),
            from.map(|t| t.to_rfc3339()).unwrap_or_default(),
        );
        d.insert("window_to".to_owned(), to.to_rfc3339());
        d.insert(
            "retention_delete_after".to_owned(),
            self.policy
                .retention
                .get("detection")
                .and_then(|r| r.delete_after)
                .map(|s| s.to_string())
                .unwrap_or_default(),
        );
        d.insert("holds_count".to_owned(), holds.len().to_string());
        d.insert("holds_sha256".to_owned(), ids_sha256(holds));
        d.insert(
            "hold_cases".to_owned(),
            cases.iter().cloned().collect::<Vec<_>>().join(","),
        );
        d
    }

    /// Decides and records a search or canvass (a query with `near`) of stored detections by
    /// `user` (R-SEARCH-1): the request's action is `query_detections` or `query_own_detections`
    /// with its purpose; the record holds the query terms, the window (the query's, ending at the
    /// clock's time when open), the retention rule and the active legal holds (the only ids that
    /// can be returned past retention). The grant runs the search under that time, policy and
    /// those holds.
    ///
    /// A `query_own_detections` returns only the rows read by the user's own devices (the
    /// roster's `devices`; none for a user without devices), and its record lists them
    /// (`devices`) — G.O. §C.5.d: the operator checks the unit's own detections.
    ///
    /// # Errors
    /// `invalid_argument` for another action (nothing recorded); `time_regression`;
    /// `audit_write_failed` (nothing read, R-AUDIT-3); `access_denied` (recorded).
    pub fn record_search(
        &mut self,
        user: &str,
        request: &AccessRequest,
        query: &DetectionQuery,
    ) -> Result<SearchGrant> {
        check_read_action(request)?;
        let now = self.now()?;
        let (held, cases) = active_holds(&self.holds);
        let kind = if query.near.is_some() { "canvass" } else { "search" };
        let mut details = self.read_details(kind, query.from, query.to.unwrap_or(now), &held, &cases);
        let devices = own_devices(request, self.roster.get(user));
        if let Some(d) = &devices {
            details.insert("devices".to_owned(), devices_detail(d));
        }
        let mut audited = request.clone();
        audited.query_terms = Some(query_terms(query));
        self.authorize_at(user, &audited, now, details, &[])?;
        Ok(SearchGrant {
            query: query.clone(),
            now,
            policy: Arc::clone(&self.policy),
            held,
            devices,
        })
    }

    /// [`Agency::record_search`], then the search: rows ascending.
    ///
    /// # Errors
    /// As [`Agency::record_search`] and [`SearchGrant::run`].
    pub fn search(
        &mut self,
        store: &DetectionStore,
        user: &str,
        request: &AccessRequest,
        query: &DetectionQuery,
    ) -> Result<Vec<u32>> {
        self.record_search(user, request, query)?.run(store)
    }

    /// Decides and records a retro-hits run (R-SEARCH-2) of the list `list_id` in force over the
    /// last `days` days by `user`. A covert list's run also needs `view_covert` (R-LIST-2).
    ///
    /// # Errors
    /// `unknown_list` (nothing recorded); otherwise as [`Agency::record_search`].
    pub fn record_retro_hits(
        &mut self,
        user: &str,
        request: &AccessRequest,
        list_id: &str,
        days: u32,
    ) -> Result<RetroHitsGrant> {
        check_read_action(request)?;
        let list = self
            .registry
            .get(list_id)
            .ok_or_else(|| Error::new(Code::UnknownList).with_detail("no list with that id is in force"))?;
        let now = self.now()?;
        let (held, cases) = active_holds(&self.holds);
        let from = now - chrono::Duration::days(i64::from(days));
        let mut details = self.read_details("retro_hits", Some(from), now, &held, &cases);
        details.insert("list_id".to_owned(), list.meta().id.clone());
        details.insert("list_version".to_owned(), list.meta().loaded_at.to_rfc3339());
        let devices = own_devices(request, self.roster.get(user));
        if let Some(d) = &devices {
            details.insert("devices".to_owned(), devices_detail(d));
        }
        let mut audited = request.clone();
        audited.query_terms = Some(retro_terms(&list, days));
        // A covert list's hits go only to users allowed `view_covert` (R-LIST-2).
        let mut extra = Vec::new();
        if list.meta().kind == ListKind::Covert {
            let (_, covert, _) = self.decide_action(user, "view_covert", now);
            details.insert("view_covert".to_owned(), covert.allowed().to_string());
            if !covert.allowed() {
                extra.push(Code::ActionNotPermitted);
            }
        }
        self.authorize_at(user, &audited, now, details, &extra)?;
        Ok(RetroHitsGrant {
            list,
            days,
            now,
            policy: Arc::clone(&self.policy),
            held,
            devices,
        })
    }

    /// [`Agency::record_retro_hits`], then the run.
    ///
    /// # Errors
    /// As [`Agency::record_retro_hits`] and [`RetroHitsGrant::run`].
    pub fn retro_hits(
        &mut self,
        store: &DetectionStore,
        user: &str,
        request: &AccessRequest,
        list_id: &str,
        days: u32,
    ) -> Result<Vec<RetroHit>> {
        self.record_retro_hits(user, request, list_id, days)?.run(store)
    }
}
