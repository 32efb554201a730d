//! The audited operations of the agency other than reads of detections: the hit workflow, list
//! loads, hot plates, legal holds, other-use approvals, covert hits, shares, purges and shift end.

use roaring::RoaringTreemap;
use sha2::{Digest, Sha256};

use super::{Agency, HitCase, TimedEvent, denied};
use crate::audit::{AuditRecord, AuditStore, Outcome};
use crate::error::{Code, Error, Result};
use crate::hotlist::{Format, ListMeta, LoadReport};
use crate::hotplate::{HotPlateForm, hot_plate_list, validate};
use crate::matching::{Hit, Read};
use crate::ops::ShiftEnd;
use crate::retention::{HoldKind, LegalHold, PlanRecord, PurgePlan, PurgeReceipt, RetentionRules};
use crate::sharing::{ShareRequest, SharingDecision};
use crate::time::Instant;
use crate::vocab::{Category, ListKind};
use crate::workflow::Event;

/// The id of the list the agency keeps officers' hot plates in.
pub const HOT_PLATE_LIST: &str = "HOT-PLATES";

/// A list load through the agency (R-LIST-9, R-AUDIT-1): the file and what the caller says of
/// it. The version's `loaded_at` is the agency clock's time.
#[derive(Clone, Copy, Debug)]
pub struct ListLoad<'a> {
    /// The list id (`SVS`, `NCIC`, `SPECIAL-OOI`, …).
    pub id: &'a str,
    /// Its kind.
    pub kind: ListKind,
    /// Its priority.
    pub priority: u8,
    /// Free text such as `CA DOJ`.
    pub source: &'a str,
    /// The file's format.
    pub format: Format,
    /// The file's bytes.
    pub bytes: &'a [u8],
    /// The category of entries that name none.
    pub default_category: Option<Category>,
    /// For a `special` list: the user id of the OOI captain or designee who approved it.
    pub approver: Option<&'a str>,
    /// How the file is loaded (threads); never what the load gives.
    pub options: crate::hotlist::LoadOptions<'a>,
}

/// An approval of another use of ALPR data (G.O. §C.1.c), as recorded: the record is the
/// approval, and an `other_approved` request must reference it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OtherUseApproval {
    /// The approval's reference (memo, ticket); unique.
    pub reference: String,
    /// Who approved (user id).
    pub approver: String,
    /// The role that makes the approval count (one of the policy's `approver_roles`).
    pub approver_role: String,
    /// The only user who may rely on it, if it names one.
    pub for_user: Option<String>,
    /// The case it is for, if any.
    pub case_number: Option<String>,
    /// What use is approved.
    pub description: String,
    /// When it was recorded.
    pub approved_at: Instant,
}

/// POD video booked as evidence (G.O. §B.2, §C.3.d(2)): what the booking record carries.
#[derive(Clone, Copy, Debug)]
pub struct PodEvidence<'a> {
    /// The purpose of the download (R-ACCESS-4: `download_pod_video` needs one).
    pub purpose: &'a str,
    /// The SPD case or incident number the video is evidence in (required).
    pub case_number: &'a str,
    /// The POD the video comes from (device id, required).
    pub device_id: &'a str,
    /// The reference to the video as downloaded (NVR export id, file name or hash; required).
    pub video_ref: &'a str,
    /// The Property Section's item number of the medium it was booked on, when known.
    pub property_ref: Option<&'a str>,
}

fn hex_sha256(bytes: &[u8]) -> String {
    crate::audit::hex(&Sha256::digest(bytes))
}

impl<S: AuditStore> Agency<S> {
    /// A new hit case from a matcher's hit and its read (R-HIT-9), with the next hit id; its
    /// opening is recorded (`hit_open`).
    ///
    /// # Errors
    /// The normalization codes for a read that does not normalize; `time_regression`;
    /// `audit_write_failed`.
    pub fn open_hit(&mut self, hit: &Hit, read: &Read<'_>) -> Result<HitCase> {
        let now = self.now()?;
        let case = HitCase::new(self.next_hit, hit, read, &self.policy)?;
        let mut r = AuditRecord::new(now, super::SYSTEM_USER, &self.name, "hit_open", Outcome::Ok);
        let d = &mut r.details;
        d.insert("hit_id".to_owned(), case.id().to_string());
        d.insert("list_id".to_owned(), case.list_id().to_owned());
        d.insert("list_version".to_owned(), case.list_version().to_rfc3339());
        d.insert("list_kind".to_owned(), hit.list_kind().as_str().to_owned());
        d.insert("entry".to_owned(), hit.entry_text());
        d.insert("observed_at".to_owned(), read.observed_at.to_rfc3339());
        d.insert("device_id".to_owned(), read.device_id.unwrap_or_default().to_owned());
        self.append(r)?;
        self.next_hit += 1;
        Ok(case)
    }

    /// Applies a timed event to a hit (R-HIT-9). The actor must be on the roster and allowed
    /// `view_hits`; the event must not be dated after the clock's time. Every event, applied or
    /// refused, appends one `hit_event` record (hit id, list id and version, event, result code,
    /// actor, `at`, reference, status after) *before* the hit changes; if the record cannot be
    /// written the hit stays as it was.
    ///
    /// # Errors
    /// `access_denied`, `invalid_argument` (an event dated in the future), `time_regression`, or
    /// the workflow's refusal — each recorded; `audit_write_failed`.
    pub fn hit_event(&mut self, case: &mut HitCase, event: &TimedEvent) -> Result<()> {
        let now = self.now()?;
        let (user, d, _) = self.decide_action(&event.actor, "view_hits", now);
        let mut next = case.clone();
        let result = if !d.allowed() {
            Err(denied(&d))
        } else if event.at > now {
            Err(Error::new(Code::InvalidArgument).with_detail("event dated after the agency clock"))
        } else {
            next.apply(event)
        };
        let outcome = match &result {
            Ok(()) => Outcome::Ok,
            Err(e) if e.code() == Code::AccessDenied => Outcome::Deny,
            Err(_) => Outcome::Failed,
        };
        let mut r = self.record(&user, "hit_event", outcome, now);
        match &result {
            Ok(()) => {}
            Err(e) if e.code() == Code::AccessDenied => r.reasons.clone_from(&d.reasons),
            Err(e) => r.reasons.push(e.code()),
        }
        let det = &mut r.details;
        det.insert("hit_id".to_owned(), case.id().to_string());
        det.insert("list_id".to_owned(), case.list_id().to_owned());
        det.insert("list_version".to_owned(), case.list_version().to_rfc3339());
        det.insert("event".to_owned(), event.event.kind().as_str().to_owned());
        det.insert(
            "result".to_owned(),
            result.as_ref().map_or_else(|e| e.code().as_str(), |()| "ok").to_owned(),
        );
        det.insert("at".to_owned(), event.at.to_rfc3339());
        det.insert("reference".to_owned(), event.reference.clone().unwrap_or_default());
        match event.event {
            Event::Confirm { response } => {
                det.insert("record_active".to_owned(), response.record_active.to_string());
                det.insert("plate_verified".to_owned(), response.plate_verified.to_string());
                det.insert(
                    "jurisdiction_verified".to_owned(),
                    response.jurisdiction_verified.to_string(),
                );
                det.insert("occupied".to_owned(), response.occupied.to_string());
            }
            Event::Reject { disposition } => {
                det.insert("disposition".to_owned(), disposition.as_str().to_owned());
            }
            Event::Close { outcome } => {
                det.insert("close_outcome".to_owned(), outcome.as_str().to_owned());
            }
            _ => {}
        }
        det.insert("status".to_owned(), next.workflow().status().as_str().to_owned());
        self.append(r)?;
        if result.is_ok() {
            self.touch(&event.actor, now);
            *case = next;
        }
        result
    }

    /// Loads a list version through the agency (R-LIST-4, R-LIST-9, R-AUDIT-1): `user` needs
    /// `manage_hot_lists`; a `special` list needs an approver whose roles grant
    /// `approve_special_list` (else `approval_required`). The file is parsed and validated, the
    /// `hot_list_load` record (list, kind, version, record counts, SHA-256 of the file bytes,
    /// approver) is written, and only then the version is put in force. A failed load is
    /// recorded too and leaves the previous version in force.
    ///
    /// # Errors
    /// `access_denied`, `approval_required`, the file's whole-load failures and
    /// `too_many_rejected` — each recorded; `audit_write_failed` (nothing installed);
    /// `time_regression`.
    pub fn load_list(&mut self, user: &str, load: &ListLoad<'_>) -> Result<LoadReport> {
        let now = self.now()?;
        let (loader, d, _) = self.decide_action(user, "manage_hot_lists", now);
        let mut r = self.record(&loader, "hot_list_load", d.outcome(), now);
        r.reasons.clone_from(&d.reasons);
        let det = &mut r.details;
        det.insert("list_id".to_owned(), load.id.to_owned());
        det.insert("list_kind".to_owned(), load.kind.as_str().to_owned());
        det.insert("list_version".to_owned(), now.to_rfc3339());
        det.insert("file_sha256".to_owned(), hex_sha256(load.bytes));
        det.insert("approver".to_owned(), load.approver.unwrap_or_default().to_owned());
        if !d.allowed() {
            self.append(r)?;
            return Err(denied(&d));
        }
        if load.kind == ListKind::Special {
            // R-LIST-9 as `access::check_list_approval` states it, but with the approver's whole
            // access decision (account, training, clearance, then the role), since here the
            // approver is a roster user rather than a caller-supplied object.
            let approved = load.approver.is_some_and(|a| {
                let (_, ad, _) = self.decide_action(a, crate::access::APPROVE_SPECIAL_LIST, now);
                ad.allowed()
            });
            if !approved {
                r.outcome = Outcome::Failed;
                r.reasons = vec![Code::ApprovalRequired];
                self.append(r)?;
                return Err(Error::new(Code::ApprovalRequired)
                    .with_detail("a special list is loaded only with the approval of the OOI captain or designee"));
            }
        }
        let meta = ListMeta {
            id: load.id.to_owned(),
            kind: load.kind,
            priority: load.priority,
            loaded_at: now,
            source: load.source.to_owned(),
            generated_at: None,
        };
        match crate::hotlist::load_bytes_with(
            load.format,
            load.bytes,
            meta,
            load.default_category,
            &self.policy,
            load.options,
        ) {
            Err(e) => {
                r.outcome = Outcome::Failed;
                r.reasons = vec![e.code()];
                self.append(r)?;
                Err(e)
            }
            Ok((version, report)) => {
                let excluded = report
                    .rejected
                    .iter()
                    .filter(|x| x.code == Code::CategoryForbidden)
                    .count();
                r.outcome = Outcome::Ok;
                let det = &mut r.details;
                det.insert(
                    "records".to_owned(),
                    (report.accepted + report.merged + report.rejected.len()).to_string(),
                );
                det.insert("accepted".to_owned(), report.accepted.to_string());
                det.insert("merged".to_owned(), report.merged.to_string());
                det.insert("rejected".to_owned(), (report.rejected.len() - excluded).to_string());
                det.insert("excluded".to_owned(), excluded.to_string());
                if let Some(g) = report.generated_at {
                    det.insert("generated_at".to_owned(), g.to_rfc3339());
                }
                self.append(r)?;
                self.touch(user, now);
                self.registry.install(version);
                Ok(report)
            }
        }
    }

    /// Enters an officer's hot plate (R-HOTPLATE, R-AUDIT-1): `user` needs `manage_hot_plates`;
    /// the entry time is the clock's (a form's `entered_at` is replaced); the form is validated,
    /// the `hot_plate_enter` record written, and the agency's `HOT-PLATES` list rebuilt. Returns
    /// the hot plate's id.
    ///
    /// # Errors
    /// `access_denied`; the form's first violation (every violation is in the record);
    /// `audit_write_failed`; `time_regression`.
    pub fn enter_hot_plate(&mut self, user: &str, form: &HotPlateForm) -> Result<u64> {
        let now = self.now()?;
        let (officer, d, _) = self.decide_action(user, "manage_hot_plates", now);
        let mut r = self.record(&officer, "hot_plate_enter", d.outcome(), now);
        r.reasons.clone_from(&d.reasons);
        r.case_number.clone_from(&form.case_number);
        if !d.allowed() {
            self.append(r)?;
            return Err(denied(&d));
        }
        let mut form = form.clone();
        form.entered_at = Some(now.to_rfc3339());
        match validate(&form, &self.policy) {
            Err(violations) => {
                r.outcome = Outcome::Failed;
                r.reasons = violations.iter().map(|v| v.code).collect();
                self.append(r)?;
                Err(violations.first().map_or_else(
                    || Error::new(Code::InvalidArgument),
                    crate::hotplate::Violation::to_error,
                ))
            }
            Ok(plate) => {
                let id = self.next_hot_plate;
                r.outcome = Outcome::Ok;
                let det = &mut r.details;
                det.insert("hot_plate_id".to_owned(), id.to_string());
                det.insert("plate".to_owned(), plate.plate.to_string());
                det.insert("jurisdiction".to_owned(), plate.jurisdiction.as_str().to_owned());
                det.insert("category".to_owned(), plate.category.as_str().to_owned());
                det.insert("expires_at".to_owned(), plate.expires_at.to_rfc3339());
                // The form as validated, so that reopening the agency puts the plate back.
                det.insert(
                    "form".to_owned(),
                    serde_json::to_string(&form).map_err(|_| {
                        Error::new(Code::InvalidArgument).with_detail("hot plate form does not serialize")
                    })?,
                );
                self.append(r)?;
                self.touch(user, now);
                self.next_hot_plate += 1;
                self.hot_plates.insert(id, plate);
                self.rebuild_hot_plates(now)?;
                Ok(id)
            }
        }
    }

    /// Removes an officer's hot plate (`manage_hot_plates`), recorded (`hot_plate_remove`).
    ///
    /// # Errors
    /// `access_denied`; `invalid_argument` for an unknown id (recorded); `audit_write_failed`;
    /// `time_regression`.
    pub fn remove_hot_plate(&mut self, user: &str, id: u64) -> Result<()> {
        let now = self.now()?;
        let (officer, d, _) = self.decide_action(user, "manage_hot_plates", now);
        let mut r = self.record(&officer, "hot_plate_remove", d.outcome(), now);
        r.reasons.clone_from(&d.reasons);
        r.details.insert("hot_plate_id".to_owned(), id.to_string());
        if !d.allowed() {
            self.append(r)?;
            return Err(denied(&d));
        }
        let Some(plate) = self.hot_plates.get(&id) else {
            r.outcome = Outcome::Failed;
            r.reasons = vec![Code::InvalidArgument];
            self.append(r)?;
            return Err(Error::new(Code::InvalidArgument).with_detail("no hot plate with that id"));
        };
        r.outcome = Outcome::Ok;
        r.case_number.clone_from(&plate.case_number);
        r.details.insert("plate".to_owned(), plate.plate.to_string());
        r.details
            .insert("jurisdiction".to_owned(), plate.jurisdiction.as_str().to_owned());
        self.append(r)?;
        self.touch(user, now);
        self.hot_plates.remove(&id);
        self.rebuild_hot_plates(now)
    }

    pub(super) fn rebuild_hot_plates(&mut self, now: Instant) -> Result<()> {
        let plates: Vec<_> = self.hot_plates.values().cloned().collect();
        let meta = ListMeta {
            id: HOT_PLATE_LIST.to_owned(),
            kind: ListKind::HotPlate,
            priority: 20,
            loaded_at: now,
            source: "officers".to_owned(),
            generated_at: None,
        };
        self.registry.install(hot_plate_list(meta, &plates, &self.policy)?);
        Ok(())
    }

    /// Places a legal hold on a record (R-RET-3): `user` needs `place_legal_hold`; the hold
    /// names its case. Recorded (`legal_hold_place`) before the register changes.
    ///
    /// # Errors
    /// `access_denied`; `case_number_required` (recorded); `audit_write_failed`;
    /// `time_regression`.
    pub fn place_legal_hold(&mut self, user: &str, record_id: u64, case_number: &str, kind: HoldKind) -> Result<()> {
        let now = self.now()?;
        let (u, d, _) = self.decide_action(user, "place_legal_hold", now);
        let mut r = self.record(&u, "legal_hold_place", d.outcome(), now);
        r.reasons.clone_from(&d.reasons);
        r.case_number = Some(case_number.trim().to_owned());
        r.details.insert("record_id".to_owned(), record_id.to_string());
        r.details.insert("hold_kind".to_owned(), kind.as_str().to_owned());
        if !d.allowed() {
            self.append(r)?;
            return Err(denied(&d));
        }
        let hold = LegalHold {
            record_id,
            case_number: case_number.trim().to_owned(),
            kind,
            placed_by: u.id.clone(),
            placed_at: now,
            released_at: None,
        };
        // Check as the register will, so that the record says what happened.
        let mut probe = crate::retention::LegalHolds::new();
        if let Err(e) = probe.place(hold.clone()) {
            r.outcome = Outcome::Failed;
            r.reasons = vec![e.code()];
            self.append(r)?;
            return Err(e);
        }
        r.outcome = Outcome::Ok;
        self.append(r)?;
        self.touch(user, now);
        self.holds.place(hold)
    }

    /// Releases the active holds of `case_number` on a record (`place_legal_hold`), recorded
    /// (`legal_hold_release`, with how many were released). Returns that number.
    ///
    /// # Errors
    /// `access_denied`; `invalid_argument` when no such hold is active (recorded);
    /// `audit_write_failed`; `time_regression`.
    pub fn release_legal_hold(&mut self, user: &str, record_id: u64, case_number: &str) -> Result<usize> {
        // The case number as `place_legal_hold` recorded and registered it.
        let case_number = case_number.trim();
        let now = self.now()?;
        let (u, d, _) = self.decide_action(user, "place_legal_hold", now);
        let mut r = self.record(&u, "legal_hold_release", d.outcome(), now);
        r.reasons.clone_from(&d.reasons);
        r.case_number = Some(case_number.to_owned());
        r.details.insert("record_id".to_owned(), record_id.to_string());
        if !d.allowed() {
            self.append(r)?;
            return Err(denied(&d));
        }
        let n = self
            .holds
            .all()
            .iter()
            .filter(|h| h.record_id == record_id && h.case_number.trim() == case_number && h.released_at.is_none())
            .count();
        r.details.insert("released".to_owned(), n.to_string());
        if n == 0 {
            r.outcome = Outcome::Failed;
            r.reasons = vec![Code::InvalidArgument];
            self.append(r)?;
            return Err(Error::new(Code::InvalidArgument).with_detail("no active hold of that case on that record"));
        }
        r.outcome = Outcome::Ok;
        self.append(r)?;
        self.touch(user, now);
        Ok(self.holds.release(record_id, case_number, now))
    }

    /// Records an approval of another use (G.O. §C.1.c): `user` must pass the account, training
    /// and clearance checks and hold one of the policy's `approver_roles` (or be allowed
    /// `approve_other_use`). The record is the approval: an `other_approved` request through the
    /// agency must give its reference, and only `for_user` (when set) may rely on it.
    ///
    /// # Errors
    /// `access_denied`; `invalid_argument` for a blank or already used reference (recorded);
    /// `audit_write_failed`; `time_regression`.
    pub fn approve_other_use(
        &mut self,
        user: &str,
        reference: &str,
        for_user: Option<&str>,
        case_number: Option<&str>,
        description: &str,
    ) -> Result<OtherUseApproval> {
        let now = self.now()?;
        let (u, mut d, _) = self.decide_action(user, "approve_other_use", now);
        let approver_role = u.roles.iter().find(|r| self.policy.approver_roles.contains(r)).cloned();
        if approver_role.is_some() {
            d.reasons.retain(|c| *c != Code::ActionNotPermitted);
        }
        let reference = reference.trim();
        let mut r = self.record(&u, "other_use_approval", d.outcome(), now);
        r.reasons.clone_from(&d.reasons);
        r.case_number = case_number.map(str::to_owned);
        let det = &mut r.details;
        det.insert("reference".to_owned(), reference.to_owned());
        det.insert("approver_role".to_owned(), approver_role.clone().unwrap_or_default());
        det.insert("for_user".to_owned(), for_user.unwrap_or_default().to_owned());
        det.insert("description".to_owned(), description.to_owned());
        if !d.allowed() {
            self.append(r)?;
            return Err(denied(&d));
        }
        if reference.is_empty() || self.approvals.contains_key(reference) {
            r.outcome = Outcome::Failed;
            r.reasons = vec![Code::InvalidArgument];
            self.append(r)?;
            return Err(Error::new(Code::InvalidArgument).with_detail("an approval needs a reference not used before"));
        }
        r.outcome = Outcome::Ok;
        self.append(r)?;
        self.touch(user, now);
        let approval = OtherUseApproval {
            reference: reference.to_owned(),
            approver: u.id.clone(),
            approver_role: approver_role.unwrap_or_default(),
            for_user: for_user.map(str::to_owned),
            case_number: case_number.map(str::to_owned),
            description: description.to_owned(),
            approved_at: now,
        };
        self.approvals.insert(approval.reference.clone(), approval.clone());
        Ok(approval)
    }

    /// Matches a read against the lists in force at the clock's time (R-LIST-2). Hits of a
    /// `covert` list go only to a `viewer` allowed `view_covert`; each covert hit appends a
    /// `covert_hit` record (list, version, entry, read, time, whether it was delivered) before
    /// the answer, so an authorized user retrieves withheld hits from the log
    /// ([`Agency::covert_hits`]).
    ///
    /// # Errors
    /// The normalization codes; `audit_write_failed` (no hit is returned); `time_regression`.
    pub fn match_read(&mut self, viewer: Option<&str>, read: &Read<'_>) -> Result<Vec<Hit>> {
        self.match_read_within(viewer, read, usize::MAX)?
            .map_err(|_| Error::new(Code::InvalidArgument).with_detail("more hits than can be held"))
    }

    /// As [`Agency::match_read`] for a caller that holds at most `room` hits: when the answer
    /// would hold more, `Ok(Err(n))` with the number `n` it holds, and nothing is recorded — so
    /// a caller that retries with room for `n` records each covert hit once.
    ///
    /// # Errors
    /// As [`Agency::match_read`].
    pub fn match_read_within(
        &mut self,
        viewer: Option<&str>,
        read: &Read<'_>,
        room: usize,
    ) -> Result<std::result::Result<Vec<Hit>, usize>> {
        let now = self.now()?;
        let mut hits = self
            .registry
            .matcher()
            .match_read(&self.registry.snapshot(), read, now)?;
        let covert = hits.iter().filter(|h| h.list_kind() == ListKind::Covert).count();
        if covert == 0 {
            return Ok(if hits.len() > room { Err(hits.len()) } else { Ok(hits) });
        }
        let delivered = viewer.is_some_and(|v| self.decide_action(v, "view_covert", now).1.allowed());
        let answer = if delivered { hits.len() } else { hits.len() - covert };
        if answer > room {
            return Ok(Err(answer));
        }
        let plate = crate::normalize(read.plate).map(|n| n.plate.to_string())?;
        for h in hits.iter().filter(|h| h.list_kind() == ListKind::Covert) {
            let mut r = AuditRecord::new(
                now,
                viewer.unwrap_or(super::SYSTEM_USER),
                &self.name,
                "covert_hit",
                Outcome::Ok,
            );
            let d = &mut r.details;
            d.insert("list_id".to_owned(), h.list_id().to_owned());
            d.insert("list_version".to_owned(), h.list.meta().loaded_at.to_rfc3339());
            d.insert("entry".to_owned(), h.entry_text());
            d.insert(
                "record_id".to_owned(),
                h.entry().record_id.as_deref().unwrap_or_default().to_owned(),
            );
            d.insert("read_plate".to_owned(), plate.clone());
            d.insert("observed_at".to_owned(), read.observed_at.to_rfc3339());
            d.insert("device_id".to_owned(), read.device_id.unwrap_or_default().to_owned());
            if let Some(l) = read.location {
                d.insert("lat".to_owned(), l.lat.to_string());
                d.insert("lon".to_owned(), l.lon.to_string());
            }
            d.insert("match_kind".to_owned(), h.kind.as_str().to_owned());
            d.insert("delivered".to_owned(), delivered.to_string());
            self.append(r)?;
        }
        if !delivered {
            hits.retain(|h| h.list_kind() != ListKind::Covert);
        }
        Ok(Ok(hits))
    }

    /// Books POD video as evidence (G.O. §B.2, §C.3.d(2)), recorded (`pod_evidence`). Booking
    /// is a download of POD video: `user` needs `download_pod_video` with a purpose the policy
    /// permits (R-ACCESS-3, R-ACCESS-4), and, whatever the purpose, a case number (evidence is
    /// booked in a case: `case_number_required`). The record — purpose, case number, device,
    /// video reference, property item, who and when — is written before this returns; its
    /// sequence number in the log is returned as the booking's receipt.
    ///
    /// # Errors
    /// `access_denied` with every reason (recorded); `invalid_argument` for a blank device or
    /// video reference (recorded as failed); `audit_write_failed`; `time_regression`.
    pub fn book_pod_evidence(&mut self, user: &str, evidence: &PodEvidence<'_>) -> Result<u64> {
        let now = self.now()?;
        let case = evidence.case_number.trim();
        let request = crate::access::AccessRequest {
            action: "download_pod_video".to_owned(),
            purpose: Some(evidence.purpose.trim().to_owned()),
            case_number: (!case.is_empty()).then(|| case.to_owned()),
            ..crate::access::AccessRequest::default()
        };
        let (u, request, mut d, known) = self.decide(user, &request, now);
        if case.is_empty() && !d.reasons.contains(&Code::CaseNumberRequired) {
            d.reasons.push(Code::CaseNumberRequired);
        }
        let mut r = crate::access::audit_record(&u, &request, &d, now);
        "pod_evidence".clone_into(&mut r.action);
        if r.agency.is_empty() {
            r.agency.clone_from(&self.name);
        }
        let det = &mut r.details;
        det.insert("access_action".to_owned(), request.action.clone());
        det.insert("device_id".to_owned(), evidence.device_id.trim().to_owned());
        det.insert("video_ref".to_owned(), evidence.video_ref.trim().to_owned());
        det.insert(
            "property_ref".to_owned(),
            evidence.property_ref.unwrap_or_default().trim().to_owned(),
        );
        if !known {
            det.insert("user_known".to_owned(), "false".to_owned());
        }
        if !d.allowed() {
            self.append(r)?;
            return Err(denied(&d));
        }
        if evidence.device_id.trim().is_empty() || evidence.video_ref.trim().is_empty() {
            r.outcome = Outcome::Failed;
            r.reasons = vec![Code::InvalidArgument];
            self.append(r)?;
            return Err(
                Error::new(Code::InvalidArgument).with_detail("POD evidence needs the device and the video reference")
            );
        }
        let head = self.append(r)?;
        self.touch(user, now);
        Ok(head.sequence)
    }

    /// The recorded covert hits with a time in `[from, to)`, for a user allowed `view_covert`;
    /// the retrieval is recorded first (`covert_hit_retrieval`).
    ///
    /// # Errors
    /// `access_denied` (recorded); `invalid_argument` when `to` is before `from`;
    /// `audit_write_failed`; `time_regression`; the store's read errors.
    pub fn covert_hits(&mut self, user: &str, from: Instant, to: Instant) -> Result<Vec<AuditRecord>> {
        if to < from {
            return Err(Error::new(Code::InvalidArgument).with_detail("window ends before it starts"));
        }
        let now = self.now()?;
        let (u, d, _) = self.decide_action(user, "view_covert", now);
        let mut found = Vec::new();
        if d.allowed() {
            self.log.scan(&mut |e| {
                if e.record.action == "covert_hit" && e.record.time >= from && e.record.time < to {
                    found.push(e.record.clone());
                }
                Ok(())
            })?;
        }
        let mut r = self.record(&u, "covert_hit_retrieval", d.outcome(), now);
        r.reasons.clone_from(&d.reasons);
        r.details.insert("from".to_owned(), from.to_rfc3339());
        r.details.insert("to".to_owned(), to.to_rfc3339());
        r.details.insert("count".to_owned(), found.len().to_string());
        self.append(r)?;
        if !d.allowed() {
            return Err(denied(&d));
        }
        self.touch(user, now);
        Ok(found)
    }

    /// The reasons the user's standing fails (account, training, clearance), whatever the action.
    fn standing(&self, user: &str, now: Instant) -> (crate::access::User, Vec<Code>) {
        let (u, d, _) = self.decide_action(user, "", now);
        let reasons = d
            .reasons
            .into_iter()
            .filter(|c| {
                matches!(
                    c,
                    Code::AccountInactive | Code::NotTrained | Code::TrainingExpired | Code::NoClearance
                )
            })
            .collect();
        (u, reasons)
    }

    /// Decides a share (R-SHARE-1…3, G.O. §E, §F.3) for a user in good standing (active, trained,
    /// cleared) and records it (`share`) before returning it.
    ///
    /// The approval is the agency's to check, not the caller's to claim: the request's
    /// `approvals` (roles vouched for by the caller) are refused, and a share that needs an
    /// approval counts only `request.approver`, a roster user id whose whole access decision for
    /// the approving action passes at the clock's time (account active, trained, cleared, and a
    /// role granting [`crate::sharing::APPROVE_EXTERNAL_SHARING`] for the captain of
    /// Investigations or designee, §E.3, or [`crate::sharing::APPROVE_SPECIAL_LIST_SHARING`] for
    /// the OOI captain or designee, §F.3). Then the decision is `allow` with `approved_by` set,
    /// and the record carries `approver`, `approver_role` and `approval_reference`. Without an
    /// approver the decision is `needs_approval` naming the role, as [`crate::sharing::decide`]
    /// gives it (recorded, outcome `needs_approval`): nothing may be sent.
    ///
    /// # Errors
    /// `access_denied` for a user not in good standing (recorded); `approval_required` for an
    /// approver who is not on the roster or whose decision fails (recorded, outcome `deny`, with
    /// the approver's failed checks in `approver_reasons`); `invalid_argument` for a request
    /// that carries `approvals` (recorded); `audit_write_failed`; `time_regression`.
    pub fn share(&mut self, user: &str, request: &ShareRequest) -> Result<SharingDecision> {
        use crate::sharing::ShareDecision;
        let now = self.now()?;
        let (u, reasons) = self.standing(user, now);
        let agency = if u.agency.is_empty() {
            self.name.clone()
        } else {
            u.agency.clone()
        };
        let approver = request.approver.as_deref().map(str::trim).filter(|a| !a.is_empty());
        let reference = request
            .approval_reference
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
        if !reasons.is_empty() {
            let decision = SharingDecision {
                decision: ShareDecision::Deny,
                approver: None,
                approved_by: None,
                reasons: reasons.clone(),
            };
            let r = crate::sharing::audit_record(&u.id, &agency, request, &decision, now);
            self.append(r)?;
            return Err(denied(&crate::access::Decision { reasons }));
        }
        if !request.approvals.is_empty() {
            let decision = SharingDecision {
                decision: ShareDecision::Deny,
                approver: None,
                approved_by: None,
                reasons: vec![Code::InvalidArgument],
            };
            let mut r = crate::sharing::audit_record(&u.id, &agency, request, &decision, now);
            r.outcome = Outcome::Failed;
            self.append(r)?;
            return Err(Error::new(Code::InvalidArgument).with_detail(
                "request.approvals: the agency takes the approver as a roster user id (approver), not as roles",
            ));
        }
        let mut decision = crate::sharing::decide(request, &self.policy)?;
        let mut checked = None;
        if decision.decision == ShareDecision::NeedsApproval
            && let Some(approver) = approver
        {
            let role = decision.approver.clone().unwrap_or_default();
            let action = crate::sharing::approval_action(&role).unwrap_or_default();
            let (au, ad, known) = self.decide_action(approver, action, now);
            let granting = au
                .roles
                .iter()
                .find(|r| {
                    self.policy
                        .roles
                        .get(r.as_str())
                        .is_some_and(|acts| acts.iter().any(|x| x == action))
                })
                .cloned()
                .unwrap_or_default();
            checked = Some((au.id, ad, known, granting));
        }
        let mut r;
        match &checked {
            Some((id, ad, _, _)) if ad.allowed() => {
                decision = SharingDecision {
                    decision: ShareDecision::Allow,
                    approver: decision.approver,
                    approved_by: Some(id.clone()),
                    reasons: Vec::new(),
                };
                r = crate::sharing::audit_record(&u.id, &agency, request, &decision, now);
            }
            Some((_, ad, known, _)) => {
                let refused = SharingDecision {
                    decision: ShareDecision::Deny,
                    approver: decision.approver.clone(),
                    approved_by: None,
                    reasons: vec![Code::ApprovalRequired],
                };
                r = crate::sharing::audit_record(&u.id, &agency, request, &refused, now);
                r.details.insert(
                    "approver_reasons".to_owned(),
                    ad.reasons.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(","),
                );
                if !known {
                    r.details.insert("approver_known".to_owned(), "false".to_owned());
                }
            }
            None => r = crate::sharing::audit_record(&u.id, &agency, request, &decision, now),
        }
        if let Some((id, _, _, granting)) = &checked {
            r.details.insert("approver".to_owned(), id.clone());
            r.details.insert("approver_role".to_owned(), granting.clone());
            r.details.insert("approval_reference".to_owned(), reference);
        }
        self.append(r)?;
        if let Some((_, ad, _, _)) = &checked
            && !ad.allowed()
        {
            return Err(Error::new(Code::ApprovalRequired).with_detail(format!(
                "the approver does not qualify ({}): a share needing approval needs a roster user allowed to approve it",
                ad.reasons.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
        // Only the caller's activity counts (R-ACCESS-5): the approver is named, not acting.
        self.touch(user, now);
        Ok(decision)
    }

    /// Plans a purge of `records` at the clock's time with the register's holds (R-RET-4) and
    /// records its receipt (R-RET-5, `purge`) for a user in good standing. The caller deletes
    /// the plan's `due` ids only after this returns.
    ///
    /// # Errors
    /// `access_denied` (recorded); `audit_write_failed` (purge nothing); `time_regression`.
    pub fn purge(&mut self, user: &str, records: &[PlanRecord]) -> Result<(PurgePlan, PurgeReceipt)> {
        let now = self.now()?;
        let (u, reasons) = self.standing(user, now);
        if !reasons.is_empty() {
            let mut r = self.record(&u, "purge", Outcome::Deny, now);
            r.reasons.clone_from(&reasons);
            self.append(r)?;
            return Err(denied(&crate::access::Decision { reasons }));
        }
        let holds: RoaringTreemap = self.holds.active();
        let plan = RetentionRules::from_policy(&self.policy).plan(records, &holds, now);
        let receipt = PurgeReceipt::new(&plan.due, &self.policy.version, now);
        let agency = if u.agency.is_empty() {
            self.name.clone()
        } else {
            u.agency.clone()
        };
        let mut r = receipt.audit_record(&u.id, &agency);
        r.details.insert("held".to_owned(), plan.held.len().to_string());
        r.details.insert("eligible".to_owned(), plan.eligible.len().to_string());
        self.append(r)?;
        self.touch(user, now);
        Ok((plan, receipt))
    }

    /// The end of an operator's shift (R-OPS-2, G.O. §C.5.d): `upload_unverified` unless the log
    /// holds an allowed `query_own_detections` of this operator between `shift_started_at` and
    /// now (the check of the unit's detections in LEARN). Recorded (`shift_end`).
    ///
    /// # Errors
    /// `access_denied` for a user not on the roster (recorded); `invalid_argument` for a shift
    /// starting after now; `audit_write_failed`; `time_regression`; the store's read errors.
    pub fn shift_end(&mut self, operator: &str, shift_started_at: Instant) -> Result<ShiftEnd> {
        let now = self.now()?;
        if shift_started_at > now {
            return Err(Error::new(Code::InvalidArgument).with_detail("shift starts after now"));
        }
        let (u, known) = self.user_or_unknown(operator);
        if !known {
            let mut r = self.record(&u, "shift_end", Outcome::Deny, now);
            r.reasons = vec![Code::AccountInactive];
            r.details.insert("user_known".to_owned(), "false".to_owned());
            self.append(r)?;
            return Err(Error::new(Code::AccessDenied).with_detail("account_inactive"));
        }
        let mut found = None;
        self.log.scan(&mut |e| {
            let r = &e.record;
            if found.is_none()
                && r.user == operator
                && r.action == "query_own_detections"
                && r.outcome == Outcome::Allow
                && r.time >= shift_started_at
                && r.time <= now
            {
                found = Some(e.sequence);
            }
            Ok(())
        })?;
        let end = ShiftEnd {
            upload_unverified: found.is_none(),
        };
        let mut r = self.record(&u, "shift_end", Outcome::Ok, now);
        r.details
            .insert("shift_started_at".to_owned(), shift_started_at.to_rfc3339());
        r.details.insert(
            "own_detection_query".to_owned(),
            found.map(|s| s.to_string()).unwrap_or_default(),
        );
        r.details
            .insert("upload_unverified".to_owned(), end.upload_unverified.to_string());
        self.append(r)?;
        Ok(end)
    }
}
