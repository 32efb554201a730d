//! The agency context: where policy meets people (ARCHITECTURE "The agency context").
//!
//! An [`Agency`] binds what guarded operations need and must not take from their caller: the
//! policy profile (with a SHA-256 of its settings), the audit log, the legal-hold register, the
//! user roster, the hot-list registry and a [`Clock`]. A guarded operation names its user by id;
//! the agency looks the user up in its roster (an unknown id is a denial, and is recorded), takes
//! the time from its clock, the holds from its register and the policy from itself, decides, and
//! appends the audit record *before* anything is read or changed (R-AUDIT-1, R-AUDIT-3). If the
//! record cannot be written the operation fails (`audit_write_failed`); a record dated before
//! the last one is refused (`time_regression`).
//!
//! Every record carries `policy`, `policy_version` and `policy_sha256` in its details. The
//! actions recorded, and what each record holds beyond time, user, agency and outcome:
//!
//! | action | when | details |
//! |---|---|---|
//! | `agency_open` | the agency is opened over a log | `roster_count`, `roster_sha256` |
//! | `manage_users` | a roster change | `change`, `subject`, `roles`, `account`, `trained_on`, `clearance` |
//! | the request's action (`query_detections`, …) | any access decision, search, canvass, retro-hit run | purpose, case number, query terms; for reads `read`, `window_from`, `window_to`, `retention_delete_after`, `holds_count`, `holds_sha256`, `hold_cases`; for `query_own_detections` reads `devices` (the user's, the only rows returned) |
//! | the request's action, `read` = `match`, `retro_hits`, `search` or `canvass` | a read run outside the library on workers ([`Agency::grant_external`]) | as any read, with `engine` and, for lists, `lists`, `lists_sha256` |
//! | `hit_open` | a hit becomes a workflow | `hit_id`, `list_id`, `list_version`, `entry`, `observed_at`, `device_id` |
//! | `hit_event` | every workflow event, applied or refused (R-HIT-9) | `hit_id`, `list_id`, `list_version`, `event`, `result`, `at`, `reference`, `status` |
//! | `hot_list_load` | a list load (R-LIST-9) | `list_id`, `list_kind`, `list_version`, `records`, `accepted`, `rejected`, `excluded`, `merged`, `file_sha256`, `approver` |
//! | `hot_plate_enter`, `hot_plate_remove` | officer hot plates | `hot_plate_id`, `plate`, `jurisdiction`, `category`, `expires_at`, case number; on entry `form` (the form as validated, JSON: replayed when the agency reopens) |
//! | `pod_evidence` | POD video booked as evidence (G.O. §B.2, §C.3.d) | purpose, case number, `access_action` (`download_pod_video`), `device_id`, `video_ref`, `property_ref` |
//! | `legal_hold_place`, `legal_hold_release` | legal holds | `record_id`, `hold_kind`, `released`, case number |
//! | `other_use_approval` | an approval of another use (G.O. §C.1.c) | `reference`, `approver_role`, `for_user`, `description`, case number |
//! | `covert_hit` | a covert-list hit (R-LIST-2) | `list_id`, `list_version`, `entry`, `record_id`, `read_plate`, `observed_at`, `device_id`, `lat`, `lon`, `delivered` |
//! | `covert_hit_retrieval` | a retrieval of recorded covert hits | `from`, `to`, `count` |
//! | `share` | a sharing decision | as [`crate::sharing::audit_record`]; with an approver named for a share that needs one, `approver`, `approver_role`, `approval_reference`, and for a refused approver `approver_reasons` (`approver_known` = `false` for an id not on the roster) |
//! | `purge` | a purge plan and receipt (R-RET-5) | as [`crate::retention::PurgeReceipt::audit_record`], `held`, `eligible` |
//! | `shift_end` | the end of an operator's shift (G.O. §C.5.d) | `shift_started_at`, `own_detection_query`, `upload_unverified` |

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::access::{AccessRequest, Decision, User, decide};
use crate::audit::{AuditEntry, AuditLog, AuditRecord, AuditStore, Head, Outcome};
use crate::error::{Code, Error, Result};
use crate::policy::Policy;
use crate::registry::Registry;
use crate::retention::{HoldKind, LegalHold, LegalHolds};
use crate::time::Instant;

mod clock;
mod external;
mod governance;
mod hit;
mod reads;
mod roster;
#[cfg(test)]
mod tests;

pub use clock::Clock;
pub use external::{ExternalGrant, ExternalRead};
pub use governance::{HOT_PLATE_LIST, ListLoad, OtherUseApproval, PodEvidence};
pub use hit::{HitCase, HitPacket, ReadRecord, TimedEvent};
pub use reads::{RetroHitsGrant, SearchGrant};
pub use roster::{Roster, RosterChange};

/// The user name of records the agency writes on its own (its opening).
pub const SYSTEM_USER: &str = "system";

/// Lower-case hex SHA-256 of a policy's settings: its JSON serialization (fields in declaration
/// order, maps in key order), so that the same settings always give the same hash.
///
/// # Errors
/// `invalid_policy` when the policy does not serialize.
pub fn policy_sha256(policy: &Policy) -> Result<String> {
    let bytes = serde_json::to_vec(policy)
        .map_err(|_| Error::new(Code::InvalidPolicy).with_detail("policy does not serialize"))?;
    Ok(crate::audit::hex(&Sha256::digest(&bytes)))
}

/// The action of the record an agency writes when it opens over a log (by [`SYSTEM_USER`]).
pub const AGENCY_OPEN: &str = "agency_open";

/// Whether an agency has written to `log`: it holds an [`AGENCY_OPEN`] record by
/// [`SYSTEM_USER`]. Such a log's records are the agency's to write: the C and Python skins open
/// it free-standing for verification, reports and head export, but refuse their own appends to
/// it (a record with any user and action would otherwise land in the agency's chain and be
/// replayed as the agency's when it reopens).
///
/// # Errors
/// The store's read errors.
pub fn written_by_agency<S: AuditStore>(log: &AuditLog<S>) -> Result<bool> {
    let mut found = false;
    log.scan(&mut |e| {
        found = found || (e.record.action == AGENCY_OPEN && e.record.user == SYSTEM_USER);
        Ok(())
    })?;
    Ok(found)
}

/// The agency context. See the module documentation.
#[derive(Debug)]
pub struct Agency<S: AuditStore> {
    name: String,
    policy: Arc<Policy>,
    policy_sha256: String,
    log: AuditLog<S>,
    last_time: Option<Instant>,
    holds: LegalHolds,
    roster: Roster,
    clock: Clock,
    registry: Registry,
    approvals: BTreeMap<String, OtherUseApproval>,
    hot_plates: BTreeMap<u64, crate::hotplate::HotPlate>,
    next_hot_plate: u64,
    next_hit: u64,
    /// The last list bytes shipped for external reads of the agency's own lists.
    shipped: external::ShipCache,
}

/// What the agency takes back from an existing log when it opens.
#[derive(Default)]
struct Replayed {
    last_time: Option<Instant>,
    holds: LegalHolds,
    approvals: BTreeMap<String, OtherUseApproval>,
    hot_plates: BTreeMap<u64, crate::hotplate::HotPlate>,
    next_hot_plate: u64,
    next_hit: u64,
}

fn detail<'a>(r: &'a AuditRecord, key: &str) -> Option<&'a str> {
    r.details.get(key).map(String::as_str)
}

fn replay<S: AuditStore>(log: &AuditLog<S>, policy: &Policy) -> Result<Replayed> {
    let mut out = Replayed {
        next_hit: 1,
        next_hot_plate: 1,
        ..Replayed::default()
    };
    log.scan(&mut |e: &AuditEntry| {
        let r = &e.record;
        out.last_time = Some(r.time);
        if r.outcome != Outcome::Ok {
            return Ok(());
        }
        match r.action.as_str() {
            "legal_hold_place" => {
                if let (Some(id), Some(case), Some(kind)) = (
                    detail(r, "record_id").and_then(|s| s.parse().ok()),
                    r.case_number.clone(),
                    detail(r, "hold_kind").and_then(|k| HoldKind::parse(k).ok()),
                ) {
                    out.holds.place(LegalHold {
                        record_id: id,
                        case_number: case,
                        kind,
                        placed_by: r.user.clone(),
                        placed_at: r.time,
                        released_at: None,
                    })?;
                }
            }
            "legal_hold_release" => {
                if let (Some(id), Some(case)) = (
                    detail(r, "record_id").and_then(|s| s.parse().ok()),
                    r.case_number.as_deref(),
                ) {
                    out.holds.release(id, case, r.time);
                }
            }
            "other_use_approval" => {
                if let Some(reference) = detail(r, "reference") {
                    out.approvals.insert(
                        reference.to_owned(),
                        OtherUseApproval {
                            reference: reference.to_owned(),
                            approver: r.user.clone(),
                            approver_role: detail(r, "approver_role").unwrap_or_default().to_owned(),
                            for_user: detail(r, "for_user").map(str::to_owned),
                            case_number: r.case_number.clone(),
                            description: detail(r, "description").unwrap_or_default().to_owned(),
                            approved_at: r.time,
                        },
                    );
                }
            }
            "hot_plate_enter" => {
                // The form as validated at entry (its `entered_at` the record's time); a form the
                // policy now refuses is not put back (the record stays).
                let id = detail(r, "hot_plate_id").and_then(|s| s.parse::<u64>().ok());
                let form =
                    detail(r, "form").and_then(|f| serde_json::from_str::<crate::hotplate::HotPlateForm>(f).ok());
                if let Some(id) = id {
                    out.next_hot_plate = out.next_hot_plate.max(id.saturating_add(1));
                    if let Some(plate) = form.and_then(|f| crate::hotplate::validate(&f, policy).ok()) {
                        out.hot_plates.insert(id, plate);
                    }
                }
            }
            "hot_plate_remove" => {
                if let Some(id) = detail(r, "hot_plate_id").and_then(|s| s.parse::<u64>().ok()) {
                    out.hot_plates.remove(&id);
                }
            }
            "hit_open" => {
                if let Some(id) = detail(r, "hit_id").and_then(|s| s.parse::<u64>().ok()) {
                    out.next_hit = out.next_hit.max(id.saturating_add(1));
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(out)
}

impl<S: AuditStore> Agency<S> {
    /// Opens the agency `name` (e.g. `SPD`) over an audit store, with the system clock. The
    /// store's chain is verified; the legal holds, other-use approvals and officers' hot plates
    /// (entered and not removed; expired ones no longer match) it records are taken back. `roster` is the roster the deployment's configuration holds; its
    /// load is recorded (`agency_open`: count and SHA-256). Later changes go through
    /// [`Agency::manage_users`].
    ///
    /// # Errors
    /// `audit_chain_broken` (and the other verification codes) for a store that does not verify;
    /// `invalid_argument` for a roster user without an id, trained in the future or listed twice;
    /// `audit_write_failed`; `time_regression` when the clock is behind the log's last record.
    pub fn open(name: &str, policy: Arc<Policy>, store: S, roster: Vec<User>) -> Result<Agency<S>> {
        Agency::with_clock(name, policy, store, roster, Clock::system())
    }

    /// As [`Agency::open`] with a clock of the caller's choosing: for tests and for replaying a
    /// recorded day, never for a deployment (the time of every record and decision comes from it).
    ///
    /// # Errors
    /// As [`Agency::open`].
    pub fn for_tests_and_replays(
        name: &str,
        policy: Arc<Policy>,
        store: S,
        roster: Vec<User>,
        clock: Clock,
    ) -> Result<Agency<S>> {
        Agency::with_clock(name, policy, store, roster, clock)
    }

    fn with_clock(name: &str, policy: Arc<Policy>, store: S, roster: Vec<User>, clock: Clock) -> Result<Agency<S>> {
        let log = AuditLog::open(store)?;
        let replayed = replay(&log, &policy)?;
        let now = clock.now();
        let roster = Roster::new(roster, now, &policy)?;
        let mut agency = Agency {
            name: name.to_owned(),
            policy_sha256: policy_sha256(&policy)?,
            registry: Registry::new(Arc::clone(&policy)),
            policy,
            log,
            last_time: replayed.last_time,
            holds: replayed.holds,
            roster,
            clock,
            approvals: replayed.approvals,
            hot_plates: replayed.hot_plates,
            next_hot_plate: replayed.next_hot_plate,
            next_hit: replayed.next_hit,
            shipped: external::ShipCache::default(),
        };
        let now = agency.now()?;
        if !agency.hot_plates.is_empty() {
            agency.rebuild_hot_plates(now)?;
        }
        let mut r = AuditRecord::new(now, SYSTEM_USER, name, AGENCY_OPEN, Outcome::Ok);
        r.details
            .insert("roster_count".to_owned(), agency.roster.len().to_string());
        r.details.insert("roster_sha256".to_owned(), agency.roster.sha256());
        agency.append(r)?;
        Ok(agency)
    }

    /// The agency's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The policy profile.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }
    /// Lower-case hex SHA-256 of the policy's settings ([`policy_sha256`]).
    pub fn policy_hash(&self) -> &str {
        &self.policy_sha256
    }
    /// The audit log (read-only: records go in only through the agency's operations).
    pub fn log(&self) -> &AuditLog<S> {
        &self.log
    }
    /// The head of the audit log.
    pub fn head(&self) -> Head {
        self.log.head()
    }
    /// The legal-hold register.
    pub fn holds(&self) -> &LegalHolds {
        &self.holds
    }
    /// The roster.
    pub fn roster(&self) -> &Roster {
        &self.roster
    }
    /// The clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }
    /// The lists in force. Matching through the registry withholds covert hits
    /// ([`Registry::match_read`]); covert hits go to a `view_covert` viewer, recorded, only
    /// through [`Agency::match_read`].
    pub fn registry(&self) -> &Registry {
        &self.registry
    }
    /// The other-use approvals on record, by reference.
    pub fn approvals(&self) -> &BTreeMap<String, OtherUseApproval> {
        &self.approvals
    }

    /// The clock's time, refused when it is before the log's last record.
    fn now(&self) -> Result<Instant> {
        let now = self.clock.now();
        if let Some(last) = self.last_time
            && crate::time::floor_ms(now) < crate::time::floor_ms(last)
        {
            return Err(Error::new(Code::TimeRegression).with_detail("the clock is behind the audit log's last record"));
        }
        Ok(now)
    }

    /// Appends a record with the policy's name, version and hash (fail closed).
    fn append(&mut self, mut record: AuditRecord) -> Result<Head> {
        if let Some(last) = self.last_time
            && record.time < last
        {
            return Err(Error::new(Code::TimeRegression).with_detail("record dated before the audit log's last record"));
        }
        let d = &mut record.details;
        d.insert("policy".to_owned(), self.policy.name.clone());
        d.insert("policy_version".to_owned(), self.policy.version.clone());
        d.insert("policy_sha256".to_owned(), self.policy_sha256.clone());
        let time = record.time;
        let head = self.log.append(record)?;
        self.last_time = Some(time);
        Ok(head)
    }

    /// The user `id` of the roster, or a stand-in with only the id (no account, no training, no
    /// clearance, no role), so that the decision on an unknown user is a denial with reasons.
    fn user_or_unknown(&self, id: &str) -> (User, bool) {
        match self.roster.get(id) {
            Some(u) => (u.clone(), true),
            None => (
                User {
                    id: id.to_owned(),
                    agency: self.name.clone(),
                    ..User::default()
                },
                false,
            ),
        }
    }

    /// The decision on `request` by user `id`: the roster's user, the agency's policy and time,
    /// and an `other_approved` approval checked against the approvals on record (the caller's
    /// approver role is replaced by the recorded one; an unknown reference, or one given for
    /// another user, is `approval_required`).
    fn decide(&self, id: &str, request: &AccessRequest, now: Instant) -> (User, AccessRequest, Decision, bool) {
        let (user, known) = self.user_or_unknown(id);
        let mut request = request.clone();
        let mut approval_ok = true;
        if let Some(a) = request.approval.as_mut() {
            match self.approvals.get(a.reference.trim()) {
                Some(rec) if rec.for_user.as_deref().is_none_or(|u| u == user.id) => {
                    a.approver_role.clone_from(&rec.approver_role);
                }
                _ => {
                    a.approver_role.clear();
                    approval_ok = false;
                }
            }
        }
        let mut d = decide(&user, &request, now, &self.policy);
        let needs_approval = request
            .purpose
            .as_deref()
            .is_some_and(|p| self.policy.purposes_needing_approval.iter().any(|x| x == p.trim()));
        if needs_approval && !approval_ok && !d.reasons.contains(&Code::ApprovalRequired) {
            d.reasons.push(Code::ApprovalRequired);
        }
        (user, request, d, known)
    }

    /// The decision on a request with no purpose: `action` by user `id`.
    fn decide_action(&self, id: &str, action: &str, now: Instant) -> (User, Decision, bool) {
        let request = AccessRequest {
            action: action.to_owned(),
            ..AccessRequest::default()
        };
        let (user, _, d, known) = self.decide(id, &request, now);
        (user, d, known)
    }

    /// A record of `action` by `user` at `now`, with a decision's reasons.
    fn record(&self, user: &User, action: &str, outcome: Outcome, now: Instant) -> AuditRecord {
        let agency = if user.agency.is_empty() {
            &self.name
        } else {
            &user.agency
        };
        AuditRecord::new(now, &user.id, agency, action, outcome)
    }

    /// Marks an allowed user active (R-ACCESS-5 counts from here).
    fn touch(&mut self, user: &str, now: Instant) {
        self.roster.touch(user, now);
    }

    /// An access decision through the agency (R-ACCESS, R-AUDIT-1): user `user` from the
    /// roster, the clock's time, the agency's policy; the decision is recorded before it is
    /// returned. For operations the library does not carry out itself (viewing POD video, …).
    ///
    /// # Errors
    /// `time_regression`; `audit_write_failed` (R-AUDIT-3); `access_denied` with every reason in
    /// the detail (the denial is recorded).
    pub fn authorize(&mut self, user: &str, request: &AccessRequest) -> Result<Decision> {
        let now = self.now()?;
        self.authorize_at(user, request, now, BTreeMap::new(), &[])
    }

    fn authorize_at(
        &mut self,
        user: &str,
        request: &AccessRequest,
        now: Instant,
        details: BTreeMap<String, String>,
        extra_reasons: &[Code],
    ) -> Result<Decision> {
        let (user, request, mut d, known) = self.decide(user, request, now);
        for c in extra_reasons {
            if !d.reasons.contains(c) {
                d.reasons.push(*c);
            }
        }
        let mut r = crate::access::audit_record(&user, &request, &d, now);
        r.details.extend(details);
        if !known {
            r.details.insert("user_known".to_owned(), "false".to_owned());
        }
        self.append(r)?;
        if d.allowed() {
            self.touch(&user.id, now);
            Ok(d)
        } else {
            Err(denied(&d))
        }
    }

    /// Changes the roster (`manage_users`, by an administrator), recorded. A user trained after
    /// today is refused (`invalid_argument`, recorded as failed).
    ///
    /// # Errors
    /// `access_denied` (recorded); `invalid_argument` for a user without an id or trained in the
    /// future, or the removal of an id not on the roster (recorded); `audit_write_failed`;
    /// `time_regression`.
    pub fn manage_users(&mut self, admin: &str, change: RosterChange) -> Result<()> {
        let now = self.now()?;
        let (user, d, _) = self.decide_action(admin, "manage_users", now);
        let mut r = self.record(&user, "manage_users", d.outcome(), now);
        r.reasons.clone_from(&d.reasons);
        let det = &mut r.details;
        det.insert("change".to_owned(), change.name().to_owned());
        det.insert("subject".to_owned(), change.subject().to_owned());
        if let RosterChange::Put { user: u } = &change {
            det.insert("roles".to_owned(), u.roles.join(","));
            det.insert("account".to_owned(), u.account.clone());
            det.insert(
                "trained_on".to_owned(),
                u.trained_on.map(|t| t.to_string()).unwrap_or_default(),
            );
            det.insert("clearance".to_owned(), u.clearance.to_string());
        }
        if !d.allowed() {
            self.append(r)?;
            return Err(denied(&d));
        }
        let check = match &change {
            RosterChange::Put { user: u } => roster::check_user(u, now, &self.policy),
            RosterChange::Remove { id } if self.roster.get(id).is_none() => {
                Err(Error::new(Code::InvalidArgument).with_detail("no such user on the roster"))
            }
            RosterChange::Remove { .. } => Ok(()),
        };
        if let Err(e) = check {
            r.outcome = Outcome::Failed;
            r.reasons = vec![e.code()];
            self.append(r)?;
            return Err(e);
        }
        r.outcome = Outcome::Ok;
        self.append(r)?;
        self.touch(admin, now);
        self.roster.apply(change);
        Ok(())
    }

    /// The active accounts idle for the policy's review period (R-ACCESS-5, G.O. §C.4.d), for a
    /// user allowed `audit_queries`; the request is recorded.
    ///
    /// # Errors
    /// As [`Agency::authorize`].
    pub fn access_review(&mut self, user: &str) -> Result<Vec<crate::access::ReviewItem>> {
        let request = AccessRequest {
            action: "audit_queries".to_owned(),
            query_terms: Some("access_review".to_owned()),
            ..AccessRequest::default()
        };
        self.authorize(user, &request)?;
        let users: Vec<User> = self.roster.users().cloned().collect();
        Ok(crate::access::access_review(&users, self.clock.now(), &self.policy))
    }

    /// The quarterly audit report (R-AUDIT-4, G.O. §C.4.c) of the agency's log, for a user allowed
    /// `audit_queries`; the request is recorded first (its period in the query terms), so the
    /// report covers its own request when the period includes now.
    ///
    /// # Errors
    /// As [`Agency::authorize`]; the store's read errors.
    pub fn quarterly_report(
        &mut self,
        user: &str,
        options: &crate::audit::ReportOptions,
    ) -> Result<crate::audit::AuditReport> {
        let fmt = |t: Option<Instant>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
        let request = AccessRequest {
            action: "audit_queries".to_owned(),
            query_terms: Some(format!(
                "quarterly_report from={} to={}",
                fmt(options.from),
                fmt(options.to)
            )),
            ..AccessRequest::default()
        };
        self.authorize(user, &request)?;
        crate::audit::quarterly_report(&self.log, &self.policy, options)
    }
}

/// `access_denied` with every reason in the detail.
fn denied(d: &Decision) -> Error {
    let list: Vec<&str> = d.reasons.iter().map(|c| c.as_str()).collect();
    Error::new(Code::AccessDenied).with_detail(list.join(","))
}

/// Lower-case hex SHA-256 over sorted ids, 8 bytes big-endian each (as purge receipts hash them).
fn ids_sha256<'a>(ids: impl IntoIterator<Item = &'a u64>) -> String {
    let sorted: BTreeSet<u64> = ids.into_iter().copied().collect();
    let mut h = Sha256::new();
    for id in sorted {
        h.update(id.to_be_bytes());
    }
    crate::audit::hex(&h.finalize())
}

/// The active holds as a set of ids, with their case numbers.
fn active_holds(holds: &LegalHolds) -> (HashSet<u64>, BTreeSet<String>) {
    let mut ids = HashSet::new();
    let mut cases = BTreeSet::new();
    for h in holds.all().iter().filter(|h| h.released_at.is_none()) {
        ids.insert(h.record_id);
        cases.insert(h.case_number.clone());
    }
    (ids, cases)
}
