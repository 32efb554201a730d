//! Sharing of ALPR data with other agencies (R-SHARE-1…3).
//!
//! Detections go to an agency on the LEARN network; to any other law enforcement agency only with
//! the approval of the captain of Investigations (G.O. §E.2–3). A Special Hot List goes to another
//! agency only with the approval of the OOI captain (§F.3). Under the California overlay (Civil
//! Code §1798.90.55(b), on by default) the recipient must be a public agency (`local` or `state`)
//! of the policy's `home_state`; anyone else is denied, even on LEARN and even with approval.
//!
//! ```
//! use alpr_core::sharing::{decide, ShareDecision, ShareRequest};
//! let req: ShareRequest = serde_json::from_str(r#"{"data":"detections","recipient":{"name":"Elk Grove PD",
//!     "kind":"local","jurisdiction":"CA","learn_member":false},"approvals":[]}"#).unwrap();
//! let d = decide(&req, &alpr_core::Policy::sacramento())?;
//! assert_eq!(d.decision, ShareDecision::NeedsApproval);
//! assert_eq!(d.approver.as_deref(), Some("captain_investigations"));
//! # Ok::<(), alpr_core::Error>(())
//! ```

use std::fmt;

use crate::audit::{AuditLog, AuditRecord, AuditStore, Outcome};
use crate::error::{Code, Error, Result};
use crate::policy::Policy;
use crate::time::Instant;
use crate::vocab::vocab;

vocab! {
    /// What is shared.
    ShareData, Code::InvalidArgument, {
        /// Detections (reads with time and place) or hits derived from them (R-SHARE-1).
        Detections = 0 => "detections",
        /// Hits.
        Hits = 1 => "hits",
        /// A Special Hot List (R-SHARE-2).
        SpecialHotList = 2 => "special_hot_list",
    }
}

vocab! {
    /// The decision on a share.
    ShareDecision, Code::InvalidArgument, {
        /// The data may be sent.
        Allow = 0 => "allow",
        /// The data may not be sent.
        Deny = 1 => "deny",
        /// The data may be sent once the named approver has approved.
        NeedsApproval = 2 => "needs_approval",
    }
}

/// Who would receive the data.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recipient {
    /// The agency's name.
    #[serde(default)]
    pub name: String,
    /// `local`, `state`, `federal`, `tribal`, `private`, ….
    pub kind: String,
    /// Two-letter state (or `US` for federal agencies).
    pub jurisdiction: String,
    /// Whether it is on the LEARN network.
    #[serde(default)]
    pub learn_member: bool,
}

/// An approval given for a share.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShareApproval {
    /// The approver's role (or the role the designee acts for).
    pub role: String,
    /// The approval's reference.
    #[serde(default)]
    pub reference: String,
}

/// A request to share.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShareRequest {
    /// What is shared.
    pub data: ShareData,
    /// To whom.
    pub recipient: Recipient,
    /// Approvals given so far, as roles the caller vouches for. The pure [`decide`] counts them;
    /// [`crate::agency::Agency::share`] refuses them (a role is a claim) and takes `approver`.
    #[serde(default)]
    pub approvals: Vec<ShareApproval>,
    /// The user id of the approver (the captain of Investigations, the OOI captain, or a designee:
    /// a roster user whose roles grant [`APPROVE_EXTERNAL_SHARING`] or
    /// [`APPROVE_SPECIAL_LIST_SHARING`]). Only [`crate::agency::Agency::share`] reads it: it
    /// checks that user against its roster at its clock. The pure [`decide`] ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// The approval's reference (memo, ticket), recorded with the approver by
    /// [`crate::agency::Agency::share`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_reference: Option<String>,
}

impl ShareRequest {
    /// Parses a share request from its JSON object, as the skins hand it over.
    ///
    /// # Errors
    /// `invalid_argument` whose detail names the field and never contains the input's values.
    pub fn from_json(text: &str) -> Result<ShareRequest> {
        let base = ShareRequest {
            data: ShareData::Detections,
            recipient: Recipient::default(),
            approvals: Vec::new(),
            approver: None,
            approval_reference: None,
        };
        crate::json::parse(text, "request", Code::InvalidArgument, &base)
    }
}

/// A sharing decision with the approver still needed and the reasons.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SharingDecision {
    /// `allow`, `deny` or `needs_approval`.
    pub decision: ShareDecision,
    /// The role whose approval is needed (for `needs_approval`).
    pub approver: Option<String>,
    /// The user id of the approver whose approval the agency checked and counted (an `allow`
    /// through [`crate::agency::Agency::share`] that needed one); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// `recipient_not_permitted` for a denial, `needs_approval` while an approval is missing.
    pub reasons: Vec<Code>,
}

impl fmt::Display for SharingDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.decision.as_str())?;
        if let Some(a) = &self.approver {
            write!(f, " ({a})")?;
        }
        Ok(())
    }
}

/// The approver role for R-SHARE-1 (detections to a non-LEARN agency).
pub const CAPTAIN_INVESTIGATIONS: &str = "captain_investigations";
/// The approver role for R-SHARE-2 (a Special Hot List).
pub const OOI_CAPTAIN: &str = "ooi_captain";
/// The action that lets a user approve a share of detections or hits outside LEARN (R-SHARE-1,
/// G.O. §E.3): the captain of Investigations' role grants it, and so does a designee's.
pub const APPROVE_EXTERNAL_SHARING: &str = "approve_external_sharing";
/// The action that lets a user approve a share of a Special Hot List (R-SHARE-2, G.O. §F.3): the
/// OOI captain's role grants it, and so does a designee's.
pub const APPROVE_SPECIAL_LIST_SHARING: &str = "approve_special_list_sharing";

/// The action whose grant makes a user a qualified approver for the approver role `role` named
/// by a `needs_approval` decision ([`CAPTAIN_INVESTIGATIONS`] or [`OOI_CAPTAIN`]).
#[must_use]
pub fn approval_action(role: &str) -> Option<&'static str> {
    match role {
        CAPTAIN_INVESTIGATIONS => Some(APPROVE_EXTERNAL_SHARING),
        OOI_CAPTAIN => Some(APPROVE_SPECIAL_LIST_SHARING),
        _ => None,
    }
}

fn is_public(kind: &str) -> bool {
    matches!(kind, "local" | "state")
}

fn is_law_enforcement(kind: &str) -> bool {
    matches!(kind, "local" | "state" | "federal" | "tribal")
}

/// Decides a share (R-SHARE-1…3).
///
/// # Errors
/// None today; the `Result` leaves room for policy-driven checks that can fail.
pub fn decide(request: &ShareRequest, policy: &Policy) -> Result<SharingDecision> {
    let r = &request.recipient;
    let kind = r.kind.trim().to_ascii_lowercase();
    let in_state = r.jurisdiction.trim().eq_ignore_ascii_case(policy.home_state.as_str());
    let deny = || SharingDecision {
        decision: ShareDecision::Deny,
        approver: None,
        approved_by: None,
        reasons: vec![Code::RecipientNotPermitted],
    };
    if policy.california_overlay && !(is_public(&kind) && in_state) {
        return Ok(deny());
    }
    // The order lets ALPR data go to law enforcement agencies only.
    if !is_law_enforcement(&kind) {
        return Ok(deny());
    }
    let needed = match request.data {
        ShareData::SpecialHotList => Some(OOI_CAPTAIN),
        ShareData::Detections | ShareData::Hits => (!r.learn_member).then_some(CAPTAIN_INVESTIGATIONS),
    };
    Ok(match needed {
        Some(role)
            if !request
                .approvals
                .iter()
                .any(|a| a.role == role && !a.reference.trim().is_empty()) =>
        {
            SharingDecision {
                decision: ShareDecision::NeedsApproval,
                approver: Some(role.to_owned()),
                approved_by: None,
                reasons: vec![Code::NeedsApproval],
            }
        }
        _ => SharingDecision {
            decision: ShareDecision::Allow,
            approver: None,
            approved_by: None,
            reasons: Vec::new(),
        },
    })
}

/// The audit record of a sharing decision (R-AUDIT-1).
pub fn audit_record(
    user: &str,
    agency: &str,
    request: &ShareRequest,
    decision: &SharingDecision,
    now: Instant,
) -> AuditRecord {
    let outcome = match decision.decision {
        ShareDecision::Allow => Outcome::Allow,
        ShareDecision::Deny => Outcome::Deny,
        ShareDecision::NeedsApproval => Outcome::NeedsApproval,
    };
    let mut rec = AuditRecord::new(now, user, agency, "share", outcome);
    rec.reasons.clone_from(&decision.reasons);
    let d = &mut rec.details;
    d.insert("data".to_owned(), request.data.as_str().to_owned());
    d.insert("recipient".to_owned(), request.recipient.name.clone());
    d.insert("recipient_kind".to_owned(), request.recipient.kind.clone());
    d.insert(
        "recipient_jurisdiction".to_owned(),
        request.recipient.jurisdiction.clone(),
    );
    d.insert("learn_member".to_owned(), request.recipient.learn_member.to_string());
    if let Some(a) = &decision.approver {
        d.insert("approver_needed".to_owned(), a.clone());
    }
    for (i, a) in request.approvals.iter().enumerate() {
        d.insert(format!("approval.{i}"), format!("{}:{}", a.role, a.reference));
    }
    rec
}

/// Decides a share and writes the decision to the audit log (every decision is audited).
///
/// # Errors
/// `audit_write_failed` when the record cannot be written: then the share must not happen.
pub fn decide_and_audit<S: AuditStore>(
    log: &mut AuditLog<S>,
    user: &str,
    agency: &str,
    request: &ShareRequest,
    now: Instant,
    policy: &Policy,
) -> Result<SharingDecision> {
    let d = decide(request, policy)?;
    log.append(audit_record(user, agency, request, &d, now))
        .map_err(|e| Error::new(Code::AuditWriteFailed).with_detail(e.detail().to_owned()))?;
    Ok(d)
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;
    use crate::audit::MemoryStore;

    fn req(data: ShareData, kind: &str, j: &str, learn: bool, approvals: &[&str]) -> ShareRequest {
        ShareRequest {
            data,
            recipient: Recipient {
                name: "X".into(),
                kind: kind.into(),
                jurisdiction: j.into(),
                learn_member: learn,
            },
            approvals: approvals
                .iter()
                .map(|r| ShareApproval {
                    role: (*r).into(),
                    reference: "R-1".into(),
                })
                .collect(),
            approver: None,
            approval_reference: None,
        }
    }

    #[test]
    fn table() {
        use ShareDecision::{Allow, Deny, NeedsApproval};
        let on = Policy::sacramento();
        let mut off = Policy::sacramento();
        off.california_overlay = false;
        let d = ShareData::Detections;
        let s = ShareData::SpecialHotList;
        let cases: &[(
            &Policy,
            ShareData,
            &str,
            &str,
            bool,
            &[&str],
            ShareDecision,
            Option<&str>,
        )] = &[
            (&on, d, "local", "CA", true, &[], Allow, None),
            (
                &on,
                d,
                "state",
                "ca",
                false,
                &[],
                NeedsApproval,
                Some(CAPTAIN_INVESTIGATIONS),
            ),
            (
                &on,
                d,
                "local",
                "CA",
                false,
                &[OOI_CAPTAIN],
                NeedsApproval,
                Some(CAPTAIN_INVESTIGATIONS),
            ),
            (&on, d, "local", "CA", false, &[CAPTAIN_INVESTIGATIONS], Allow, None),
            (&on, d, "federal", "US", true, &[CAPTAIN_INVESTIGATIONS], Deny, None),
            (&on, d, "local", "NV", true, &[], Deny, None),
            (&on, d, "private", "CA", true, &[], Deny, None),
            (&on, s, "local", "CA", true, &[], NeedsApproval, Some(OOI_CAPTAIN)),
            (&on, s, "local", "CA", false, &[OOI_CAPTAIN], Allow, None),
            (&off, d, "local", "NV", true, &[], Allow, None),
            (
                &off,
                d,
                "federal",
                "US",
                false,
                &[],
                NeedsApproval,
                Some(CAPTAIN_INVESTIGATIONS),
            ),
            (&off, d, "private", "CA", true, &[], Deny, None),
        ];
        for (p, data, kind, j, learn, appr, want, approver) in cases {
            let got = decide(&req(*data, kind, j, *learn, appr), p).unwrap();
            assert_eq!(
                (got.decision, got.approver.as_deref()),
                (*want, *approver),
                "{data} {kind} {j} {learn} {appr:?}"
            );
            assert_eq!(got.reasons.is_empty(), *want == Allow);
        }
    }

    #[test]
    fn every_decision_is_audited() {
        let mut log = AuditLog::open(MemoryStore::new()).unwrap();
        let now = crate::time::parse_instant("2026-11-28T12:00:00Z").unwrap();
        let p = Policy::sacramento();
        let r = req(ShareData::Detections, "federal", "US", true, &[]);
        let d = decide_and_audit(&mut log, "u1", "SPD", &r, now, &p).unwrap();
        assert_eq!(d.decision, ShareDecision::Deny);
        let e = &log.store().entries()[0].record;
        assert_eq!((e.action.as_str(), e.outcome), ("share", Outcome::Deny));
        assert_eq!(e.details["recipient_kind"], "federal");
    }
}
