//! Access control (R-ACCESS-1…5): deny by default, every failed check listed.
//!
//! Roles, their actions, the actions that need a purpose, the purposes and their case-number and
//! approval requirements, the recertification period and the review period all come from the
//! policy profile.
//!
//! ```
//! use alpr_core::access::{decide, AccessRequest, User};
//! use alpr_core::time::parse_instant;
//! use alpr_core::Code;
//! let user: User = serde_json::from_str(r#"{"id":"u1","agency":"SPD","roles":["dispatcher"],
//!     "account":"disabled","clearance":true}"#).unwrap();
//! let request: AccessRequest = serde_json::from_str(r#"{"action":"query_detections"}"#).unwrap();
//! let d = decide(&user, &request, parse_instant("2026-11-28T12:00:00-08:00")?, &alpr_core::Policy::sacramento());
//! assert!(!d.allowed());
//! assert_eq!(d.reasons, [Code::AccountInactive, Code::NotTrained, Code::ActionNotPermitted, Code::PurposeRequired]);
//! # Ok::<(), alpr_core::Error>(())
//! ```

use chrono::NaiveDate;

use crate::audit::{AuditLog, AuditRecord, AuditStore, Outcome};
use crate::error::{Code, Error, Result};
use crate::policy::Policy;
use crate::time::{CalendarSpan, Instant, add_calendar, local_date};
use crate::vocab::ListKind;

/// The account state that allows access; any other state (`disabled`, `suspended`, …) denies.
pub const ACTIVE: &str = "active";

/// The action of approving a `special` list version for loading (R-LIST-9; `ooi_captain` by
/// default).
pub const APPROVE_SPECIAL_LIST: &str = "approve_special_list";

/// The permission to see hits of `covert` lists (R-LIST-2). No default role has it; an agency
/// grants it to a role in its own profile.
pub const VIEW_COVERT: &str = "view_covert";

/// Whether one of the user's roles grants `action` under the policy (R-ACCESS-3). Only the
/// roles: account, training and clearance are [`decide`]'s checks.
pub fn roles_grant(user: &User, action: &str, policy: &Policy) -> bool {
    user.roles
        .iter()
        .filter_map(|r| policy.roles.get(r))
        .any(|actions| actions.iter().any(|a| a == action))
}

/// R-LIST-9: a `special` list version is loaded only with the approval of the OOI captain or
/// designee, a user whose roles grant [`APPROVE_SPECIAL_LIST`]. Other kinds need no approver.
///
/// # Errors
/// `approval_required` for a `special` list without such an approver.
pub fn check_list_approval(kind: ListKind, approver: Option<&User>, policy: &Policy) -> Result<()> {
    if kind != ListKind::Special || approver.is_some_and(|u| roles_grant(u, APPROVE_SPECIAL_LIST, policy)) {
        Ok(())
    } else {
        Err(Error::new(Code::ApprovalRequired)
            .with_detail("a special list needs the approval of a user with approve_special_list (R-LIST-9)"))
    }
}

/// A user of the system.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct User {
    /// User id.
    #[serde(default)]
    pub id: String,
    /// Agency.
    #[serde(default)]
    pub agency: String,
    /// Roles (names from the policy's `roles`).
    #[serde(default)]
    pub roles: Vec<String>,
    /// Account state: `active`, or anything else (`disabled`, `suspended`, `locked`).
    #[serde(default)]
    pub account: String,
    /// Date of the last ALPR training (G.O. §D.2–3), if any.
    #[serde(default)]
    pub trained_on: Option<NaiveDate>,
    /// Whether the user has clearance (CJIS background check).
    #[serde(default)]
    pub clearance: bool,
    /// Last activity, for the access review (R-ACCESS-5).
    #[serde(default)]
    pub last_active_at: Option<Instant>,
    /// The ALPR devices assigned to the user (the unit's cameras, by device id): the rows a
    /// `query_own_detections` through the agency may return (G.O. §C.5.d). Empty: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<String>,
}

/// An approval reference for a purpose that needs one (`other_approved`, G.O. §C.1.c).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Approval {
    /// The approver's role (`supervisor`, `administrator`).
    pub approver_role: String,
    /// The approval's reference (memo, ticket).
    pub reference: String,
}

/// What a user asks to do.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccessRequest {
    /// The action (`query_detections`, `confirm_hits`, …).
    pub action: String,
    /// The purpose, for actions that need one.
    #[serde(default)]
    pub purpose: Option<String>,
    /// The case number.
    #[serde(default)]
    pub case_number: Option<String>,
    /// The approval, for purposes that need one.
    #[serde(default)]
    pub approval: Option<Approval>,
    /// Query terms to record in the audit log (a pattern, a window); not checked.
    #[serde(default)]
    pub query_terms: Option<String>,
}

impl User {
    /// Parses a user from its JSON object (the serde shape above), as the skins hand it over.
    ///
    /// # Errors
    /// `invalid_argument` whose detail names the field (`user: field `roles` has the wrong type
    /// or value`) and never contains the input's values.
    pub fn from_json(text: &str) -> Result<User> {
        crate::json::parse(text, "user", Code::InvalidArgument, &User::default())
    }

    /// Parses a JSON array of users (for the access review).
    ///
    /// # Errors
    /// As [`User::from_json`], naming the element (`users[2]: …`) and giving its index.
    pub fn list_from_json(text: &str) -> Result<Vec<User>> {
        crate::json::parse_list(text, "users", Code::InvalidArgument, &User::default())
    }
}

impl AccessRequest {
    /// Parses an access request from its JSON object, as the skins hand it over.
    ///
    /// # Errors
    /// `invalid_argument` whose detail names the field and never contains the input's values.
    pub fn from_json(text: &str) -> Result<AccessRequest> {
        crate::json::parse(text, "request", Code::InvalidArgument, &AccessRequest::default())
    }
}

/// An access decision: allowed when no check failed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Decision {
    /// Every failed check, in check order; empty when allowed.
    pub reasons: Vec<Code>,
}

impl Decision {
    /// Whether the request is allowed.
    pub fn allowed(&self) -> bool {
        self.reasons.is_empty()
    }

    /// `allow` or `deny`.
    pub fn outcome(&self) -> Outcome {
        if self.allowed() { Outcome::Allow } else { Outcome::Deny }
    }
}

fn blank(s: Option<&str>) -> bool {
    s.is_none_or(|s| s.trim().is_empty())
}

/// Whether `training` is valid on the local date of `now` (not older than `recertification`).
fn training_valid(trained_on: NaiveDate, recertification: CalendarSpan, today: NaiveDate) -> bool {
    today <= recertification.add_to_date(trained_on)
}

/// Decides a request (R-ACCESS-1…4): every check runs, and every failed one is listed, in the
/// order account, training, clearance, role, purpose.
pub fn decide(user: &User, request: &AccessRequest, now: Instant, policy: &Policy) -> Decision {
    let mut reasons = Vec::new();
    if user.account != ACTIVE {
        reasons.push(Code::AccountInactive);
    }
    match user.trained_on {
        None => reasons.push(Code::NotTrained),
        Some(d) => {
            if !training_valid(d, policy.training_recertification, local_date(now, policy.time_zone)) {
                reasons.push(Code::TrainingExpired);
            }
        }
    }
    if !user.clearance {
        reasons.push(Code::NoClearance);
    }
    if !roles_grant(user, &request.action, policy) {
        reasons.push(Code::ActionNotPermitted);
    }
    if policy.actions_needing_purpose.contains(&request.action) {
        match request.purpose.as_deref().map(str::trim) {
            None | Some("") => reasons.push(Code::PurposeRequired),
            Some(p) if !policy.purposes.iter().any(|x| x == p) => reasons.push(Code::PurposeNotPermitted),
            Some(p) => {
                if policy.purposes_needing_case_number.iter().any(|x| x == p) && blank(request.case_number.as_deref()) {
                    reasons.push(Code::CaseNumberRequired);
                }
                if policy.purposes_needing_approval.iter().any(|x| x == p) {
                    let ok = request.approval.as_ref().is_some_and(|a| {
                        policy.approver_roles.contains(&a.approver_role) && !a.reference.trim().is_empty()
                    });
                    if !ok {
                        reasons.push(Code::ApprovalRequired);
                    }
                }
            }
        }
    }
    Decision { reasons }
}

/// The audit record of a decision (R-AUDIT-1).
pub fn audit_record(user: &User, request: &AccessRequest, decision: &Decision, now: Instant) -> AuditRecord {
    let mut r = AuditRecord::new(now, &user.id, &user.agency, &request.action, decision.outcome());
    r.purpose.clone_from(&request.purpose);
    r.case_number.clone_from(&request.case_number);
    r.query_terms.clone_from(&request.query_terms);
    r.reasons.clone_from(&decision.reasons);
    if let Some(a) = &request.approval {
        r.details.insert("approver_role".to_owned(), a.approver_role.clone());
        r.details.insert("approval_reference".to_owned(), a.reference.clone());
    }
    r
}

/// Decides a request and writes the decision to the audit log before anything else happens
/// (R-AUDIT-1, R-AUDIT-3). This is what a search or any other audited operation calls first.
///
/// # Errors
/// `audit_write_failed` when the record cannot be written (then nothing may proceed);
/// `access_denied` when the decision is a denial (the detail lists every reason).
pub fn authorize<S: AuditStore>(
    log: &mut AuditLog<S>,
    user: &User,
    request: &AccessRequest,
    now: Instant,
    policy: &Policy,
) -> Result<Decision> {
    let d = decide(user, request, now, policy);
    log.append(audit_record(user, request, &d, now))?;
    if d.allowed() {
        Ok(d)
    } else {
        let list: Vec<&str> = d.reasons.iter().map(|c| c.as_str()).collect();
        Err(Error::new(Code::AccessDenied).with_detail(list.join(",")))
    }
}

/// An account listed for access review (R-ACCESS-5, G.O. §C.4.d).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ReviewItem {
    /// User id.
    pub user: String,
    /// Last activity (`None`: never active).
    pub last_active_at: Option<Instant>,
}

/// The active accounts with no activity for the policy's review period (`access_review_idle_days`
/// calendar days in the agency zone), and those never active, sorted by user id.
pub fn access_review(users: &[User], now: Instant, policy: &Policy) -> Vec<ReviewItem> {
    let span = CalendarSpan::days(policy.access_review_idle_days);
    let mut out: Vec<ReviewItem> = users
        .iter()
        .filter(|u| u.account == ACTIVE)
        .filter(|u| {
            // A review date past the representable range is never reached.
            u.last_active_at
                .is_none_or(|t| add_calendar(t, span, policy.time_zone).is_ok_and(|d| d <= now))
        })
        .map(|u| ReviewItem {
            user: u.id.clone(),
            last_active_at: u.last_active_at,
        })
        .collect();
    out.sort_by(|a, b| a.user.cmp(&b.user));
    out
}

#[cfg(test)]
#[allow(clippy::many_single_char_names)]
mod tests {
    use super::*;
    use crate::audit::MemoryStore;
    use crate::time::parse_instant;

    fn now() -> Instant {
        parse_instant("2026-11-28T12:00:00-08:00").unwrap()
    }

    fn user(role: &str) -> User {
        User {
            id: "u1".into(),
            agency: "SPD".into(),
            roles: vec![role.into()],
            account: "active".into(),
            trained_on: NaiveDate::from_ymd_opt(2025, 6, 1),
            clearance: true,
            last_active_at: None,
            devices: Vec::new(),
        }
    }

    /// R-ACCESS-3 written out independently of the policy code: role → actions.
    const TABLE: &[(&str, &[&str])] = &[
        (
            "operator",
            &["operate_alpr_vehicle", "view_hits", "query_own_detections"],
        ),
        ("dispatcher", &["view_hits", "confirm_hits"]),
        (
            "investigator",
            &[
                "query_detections",
                "view_hits",
                "manage_hot_plates",
                "view_pod_video",
                "download_pod_video",
            ],
        ),
        ("administrator", &["manage_users", "audit_queries", "manage_hot_lists"]),
        ("supervisor", &["approve_other_use", "place_legal_hold"]),
        ("captain_investigations", &["approve_external_sharing"]),
        ("ooi_captain", &["approve_special_list_sharing", "approve_special_list"]),
        ("janitor", &[]),
    ];
    /// R-ACCESS-4: actions needing a purpose, and the expected reason of each purpose.
    const NEEDS_PURPOSE: &[&str] = &[
        "query_detections",
        "query_own_detections",
        "view_pod_video",
        "download_pod_video",
    ];
    const PURPOSES: &[(Option<&str>, Option<Code>)] = &[
        (None, Some(Code::PurposeRequired)),
        (Some(""), Some(Code::PurposeRequired)),
        (Some("stolen_vehicle"), None),
        (Some("stolen_plate"), None),
        (Some("wanted_person"), None),
        (Some("missing_person"), None),
        (Some("crime_canvass"), Some(Code::CaseNumberRequired)),
        (Some("other_approved"), Some(Code::ApprovalRequired)),
        (Some("test"), Some(Code::PurposeNotPermitted)),
        (Some("curiosity"), Some(Code::PurposeNotPermitted)),
    ];

    #[test]
    fn role_action_purpose_matrix_is_exhaustive() {
        let policy = Policy::sacramento();
        let mut actions: Vec<&str> = TABLE.iter().flat_map(|(_, a)| a.iter().copied()).collect();
        actions.push("delete_everything");
        // No default role may see covert hits (R-LIST-2).
        actions.push(VIEW_COVERT);
        actions.sort_unstable();
        actions.dedup();
        // The policy's table is exactly the test's.
        for (role, acts) in TABLE.iter().filter(|(r, _)| *r != "janitor") {
            let mut got: Vec<&str> = policy.roles[*role].iter().map(String::as_str).collect();
            let mut want = acts.to_vec();
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want, "{role}");
        }
        let mut checked = 0;
        for (role, acts) in TABLE {
            for action in &actions {
                for (purpose, purpose_reason) in PURPOSES {
                    for with_case in [false, true] {
                        let req = AccessRequest {
                            action: (*action).into(),
                            purpose: purpose.map(Into::into),
                            case_number: with_case.then(|| "26-1".into()),
                            approval: None,
                            query_terms: None,
                        };
                        let d = decide(&user(role), &req, now(), &policy);
                        let mut want = Vec::new();
                        if !acts.contains(action) {
                            want.push(Code::ActionNotPermitted);
                        }
                        if NEEDS_PURPOSE.contains(action)
                            && let Some(r) = purpose_reason
                            && !(with_case && *r == Code::CaseNumberRequired)
                        {
                            want.push(*r);
                        }
                        assert_eq!(d.reasons, want, "{role} {action} {purpose:?} case={with_case}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, TABLE.len() * actions.len() * PURPOSES.len() * 2);
    }

    #[test]
    fn approvals_and_training_boundary() {
        let p = Policy::sacramento();
        let mut req = AccessRequest {
            action: "query_detections".into(),
            purpose: Some("other_approved".into()),
            ..AccessRequest::default()
        };
        for (role, reference, ok) in [
            ("supervisor", "M-1", true),
            ("administrator", "M-1", true),
            ("investigator", "M-1", false),
            ("supervisor", " ", false),
        ] {
            req.approval = Some(Approval {
                approver_role: role.into(),
                reference: reference.into(),
            });
            assert_eq!(decide(&user("investigator"), &req, now(), &p).allowed(), ok, "{role}");
        }
        let mut u = user("dispatcher");
        let confirm = AccessRequest {
            action: "confirm_hits".into(),
            ..AccessRequest::default()
        };
        // Exactly two years ago is still valid; one day more has expired.
        u.trained_on = NaiveDate::from_ymd_opt(2024, 11, 28);
        assert!(decide(&u, &confirm, now(), &p).allowed());
        u.trained_on = NaiveDate::from_ymd_opt(2024, 11, 27);
        assert_eq!(decide(&u, &confirm, now(), &p).reasons, [Code::TrainingExpired]);
        u.clearance = false;
        u.account = "suspended".into();
        assert_eq!(
            decide(&u, &confirm, now(), &p).reasons,
            [Code::AccountInactive, Code::TrainingExpired, Code::NoClearance]
        );
    }

    #[test]
    fn authorize_audits_before_answering() {
        let p = Policy::sacramento();
        let mut log = AuditLog::open(MemoryStore::new()).unwrap();
        let req = AccessRequest {
            action: "query_detections".into(),
            purpose: Some("stolen_vehicle".into()),
            query_terms: Some("7AB*".into()),
            ..AccessRequest::default()
        };
        assert!(authorize(&mut log, &user("investigator"), &req, now(), &p).is_ok());
        let e = authorize(&mut log, &user("operator"), &req, now(), &p).unwrap_err();
        assert_eq!(e.code(), Code::AccessDenied);
        assert_eq!(e.detail(), "action_not_permitted");
        let entries = log.store().entries();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].record.outcome, Outcome::Deny);
        assert_eq!(entries[1].record.reasons, [Code::ActionNotPermitted]);
        assert_eq!(entries[0].record.query_terms.as_deref(), Some("7AB*"));
    }

    #[test]
    fn view_covert_is_granted_only_by_an_agency_profile() {
        let p = Policy::sacramento();
        let req = AccessRequest {
            action: VIEW_COVERT.into(),
            ..AccessRequest::default()
        };
        for role in p.roles.keys() {
            assert!(!roles_grant(&user(role), VIEW_COVERT, &p), "{role}");
            assert_eq!(decide(&user(role), &req, now(), &p).reasons, [Code::ActionNotPermitted]);
        }
        // An agency grants it to a role of its own profile; the other checks still apply.
        let mut agency = p.clone();
        agency.roles.insert("covert_analyst".into(), vec![VIEW_COVERT.into()]);
        let mut analyst = user("covert_analyst");
        assert!(decide(&analyst, &req, now(), &agency).allowed());
        analyst.clearance = false;
        assert_eq!(decide(&analyst, &req, now(), &agency).reasons, [Code::NoClearance]);
        let from_toml = Policy::from_toml("[roles]\ncovert_analyst = [\"view_covert\"]\n").unwrap();
        assert!(roles_grant(&user("covert_analyst"), VIEW_COVERT, &from_toml));
    }

    #[test]
    fn special_lists_need_the_ooi_captains_approval() {
        let p = Policy::sacramento();
        let captain = user("ooi_captain");
        let approve = AccessRequest {
            action: APPROVE_SPECIAL_LIST.into(),
            ..AccessRequest::default()
        };
        assert!(decide(&captain, &approve, now(), &p).allowed());
        assert!(check_list_approval(ListKind::Special, Some(&captain), &p).is_ok());
        for role in ["administrator", "supervisor", "captain_investigations", "investigator"] {
            let e = check_list_approval(ListKind::Special, Some(&user(role)), &p).unwrap_err();
            assert_eq!(e.code(), Code::ApprovalRequired, "{role}");
        }
        assert_eq!(
            check_list_approval(ListKind::Special, None, &p).unwrap_err().code(),
            Code::ApprovalRequired
        );
        // Other kinds load without an approver.
        for kind in [ListKind::Standard, ListKind::HotPlate, ListKind::Covert] {
            assert!(check_list_approval(kind, None, &p).is_ok(), "{kind}");
        }
    }

    #[test]
    fn idle_accounts_are_listed() {
        let p = Policy::sacramento();
        let mut a = user("operator");
        a.id = "a".into();
        a.last_active_at = Some(parse_instant("2026-08-30T12:00:00-07:00").unwrap()); // 90 days
        let mut b = user("operator");
        b.id = "b".into();
        b.last_active_at = Some(parse_instant("2026-08-30T12:00:01-07:00").unwrap());
        let mut c = user("operator");
        c.id = "c".into();
        let mut d = c.clone();
        d.id = "d".into();
        d.account = "disabled".into();
        let list = access_review(&[d, c, b, a], now(), &p);
        let ids: Vec<&str> = list.iter().map(|r| r.user.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
    }

    #[test]
    fn the_ends_of_time_decide_without_panic() {
        // Issue 15: dates and spans at the ends of chrono's range.
        let mut p = Policy::sacramento();
        p.access_review_idle_days = u32::MAX;
        p.training_recertification = CalendarSpan::years(u32::MAX);
        let mut old = user("investigator");
        old.trained_on = Some(NaiveDate::MIN);
        old.last_active_at = Some(Instant::MIN_UTC);
        let mut late = user("investigator");
        late.id = "late".into();
        late.trained_on = Some(NaiveDate::MAX);
        late.last_active_at = Some(Instant::MAX_UTC);
        let req = AccessRequest {
            action: "view_hits".into(),
            ..AccessRequest::default()
        };
        for now in [Instant::MIN_UTC, now(), Instant::MAX_UTC] {
            // Training that never expires is valid on any day at or after it.
            assert!(decide(&old, &req, now, &p).allowed());
            // An idle period past the range is never over.
            assert!(access_review(&[old.clone(), late.clone()], now, &p).is_empty());
        }
        // With the order's numbers, training from the first day has long expired.
        let d = decide(&old, &req, Instant::MAX_UTC, &Policy::sacramento());
        assert_eq!(d.reasons, [Code::TrainingExpired]);
    }
}
