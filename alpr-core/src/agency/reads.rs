//! Reads of stored detections through the agency (R-SEARCH-1, R-SEARCH-2, R-AUDIT-3): the access
//! decision and its record first, with the window and the holds that can widen it; then a grant
//! that runs exactly what was recorded and holds no borrow of the agency, so a caller that shares
//! the agency behind a lock releases it before the read.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::{Agency, active_holds, ids_sha256};
use crate::access::AccessRequest;
use crate::analytics::unaudited::{RetroHit, query_terms, retro_hits, retro_terms};
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
}

impl SearchGrant {
    /// Runs the recorded search: rows ascending, as [`DetectionStore::search`] returns them,
    /// under the recorded time, policy and holds.
    ///
    /// # Errors
    /// The search's own `invalid_argument` for a malformed window.
    pub fn run(self, store: &DetectionStore) -> Result<Vec<u32>> {
        store.search(
            &self.query,
            &Retention::for_detections(&self.policy, self.now, self.held),
        )
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
}

impl RetroHitsGrant {
    /// Runs the recorded retro-hits (as [`retro_hits`]).
    ///
    /// # Errors
    /// As [`retro_hits`].
    pub fn run(self, store: &DetectionStore) -> Result<Vec<RetroHit>> {
        retro_hits(store, self.list, self.days, self.held, self.now, &self.policy)
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
    /// For `query_own_detections` the caller restricts the result to the user's own devices.
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
        let details = self.read_details(kind, query.from, query.to.unwrap_or(now), &held, &cases);
        let mut audited = request.clone();
        audited.query_terms = Some(query_terms(query));
        self.authorize_at(user, &audited, now, details, &[])?;
        Ok(SearchGrant {
            query: query.clone(),
            now,
            policy: Arc::clone(&self.policy),
            held,
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
