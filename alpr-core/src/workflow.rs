//! The hit workflow (SPEC §5, R-HIT-1…8) and the dispatch packet a CAD system takes for a new hit.
//!
//! A hit is a lead, not a fact (G.O. §C.1.d). A [`HitWorkflow`] walks one hit through its
//! statuses; every [`Event`] either succeeds or is refused with its [`Code`], and a refused event
//! changes nothing (the event is applied to a copy that replaces the hit only on success). A stop
//! is refused until the hit was confirmed and an independent basis was recorded (R-HIT-1).
//!
//! ```
//! use alpr_core::vocab::{Category, ListKind, Origin};
//! use alpr_core::workflow::{ClearsResponse, Event, HitStatus, HitWorkflow};
//! use alpr_core::{Code, Policy};
//! let mut hit = HitWorkflow::new(ListKind::Standard, Category::StolenVehicle, Origin::Desktop, &Policy::sacramento());
//! hit.apply(Event::Acknowledge)?;
//! assert_eq!(hit.apply(Event::Broadcast).unwrap_err().code(), Code::ConfirmationRequired);
//! assert_eq!(hit.apply(Event::Stop).unwrap_err().code(), Code::ConfirmationRequired);
//! hit.apply(Event::Confirm { response: ClearsResponse::all(true) })?;
//! assert_eq!(hit.status(), HitStatus::Confirmed);
//! assert_eq!(hit.call_types(), ["POD", "503P/503T"]);
//! # Ok::<(), alpr_core::Error>(())
//! ```

use std::fmt;

use crate::error::{Code, Error, Result};
use crate::hotlist::{Caution, Vehicle};
use crate::policy::Policy;
use crate::time::Instant;
use crate::vocab::{Category, ListKind, Origin, vocab};

vocab! {
    /// A hit's status (R-HIT-6).
    HitStatus, Code::InvalidArgument, {
        /// Raised; nobody has looked at it yet.
        Alerted = 0 => "alerted",
        /// The operator has seen it.
        Acknowledged = 1 => "acknowledged",
        /// Broadcast on the radio.
        Broadcast = 2 => "broadcast",
        /// Confirmed by a CLETS/NCIC query (disposition `correct_read`).
        Confirmed = 3 => "confirmed",
        /// Found not actionable (see its disposition).
        Rejected = 4 => "rejected",
        /// Closed with an outcome; no further event is accepted.
        Closed = 5 => "closed",
    }
}

vocab! {
    /// Why a hit was confirmed or rejected (R-HIT-7: Axon's set plus NCIC outcomes).
    Disposition, Code::InvalidArgument, {
        /// The read is right and the record active.
        CorrectRead = 0 => "correct_read",
        /// The plate was misread (Green v. San Francisco).
        IncorrectRead = 1 => "incorrect_read",
        /// Same characters, another state's plate.
        WrongJurisdiction = 2 => "wrong_jurisdiction",
        /// The record was cleared or recalled since the list was downloaded.
        RecordNotActive = 3 => "record_not_active",
        /// Another hit already covers this vehicle.
        Duplicate = 4 => "duplicate",
        /// Dismissed by the operator.
        Dismissed = 5 => "dismissed",
    }
}

vocab! {
    /// How a hit ended (R-HIT-6 `close`).
    Outcome, Code::InvalidArgument, {
        /// The vehicle (or person) was recovered.
        Recovered = 0 => "recovered",
        /// Not recovered.
        NotRecovered = 1 => "not_recovered",
        /// Anything else.
        Other = 2 => "other",
    }
}

vocab! {
    /// The names of the events (R-HIT-6), for skins that take an event by name.
    EventKind, Code::InvalidArgument, {
        /// See [`Event::Acknowledge`].
        Acknowledge = 0 => "acknowledge",
        /// See [`Event::MdcQuery`].
        MdcQuery = 1 => "mdc_query",
        /// See [`Event::Broadcast`].
        Broadcast = 2 => "broadcast",
        /// See [`Event::Confirm`].
        Confirm = 3 => "confirm",
        /// See [`Event::Reject`].
        Reject = 4 => "reject",
        /// See [`Event::RecordBasis`].
        RecordBasis = 5 => "record_basis",
        /// See [`Event::Stop`].
        Stop = 6 => "stop",
        /// See [`Event::Close`].
        Close = 7 => "close",
    }
}

/// The CLETS/NCIC response that confirms or rejects a hit (R-HIT-6 `confirm`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(clippy::struct_excessive_bools)] // The four fields of the CLETS/NCIC response.
pub struct ClearsResponse {
    /// The record is still active.
    pub record_active: bool,
    /// The plate on the vehicle is the plate of the record (the read was right).
    pub plate_verified: bool,
    /// The vehicle's plate is from the record's state.
    pub jurisdiction_verified: bool,
    /// Someone is in the vehicle (G.O. §D.4 vs §D.5).
    pub occupied: bool,
}

impl ClearsResponse {
    /// A response with every field set to `value`.
    pub const fn all(value: bool) -> ClearsResponse {
        ClearsResponse {
            record_active: value,
            plate_verified: value,
            jurisdiction_verified: value,
            occupied: value,
        }
    }
}

/// An event of the hit workflow with its payload (R-HIT-6). Serde shape:
/// `{"event": "confirm", "response": {…}}`, `{"event": "reject", "disposition": "duplicate"}`,
/// `{"event": "close", "outcome": "recovered"}`, `{"event": "stop"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The operator has seen the hit: `alerted` → `acknowledged`.
    Acknowledge,
    /// The plate was run on the car's MDC; status unchanged; recorded as a violation for a car
    /// before any broadcast (R-HIT-4).
    MdcQuery,
    /// The hit is broadcast on the radio.
    Broadcast,
    /// The CLETS/NCIC response arrived.
    Confirm {
        /// The response.
        response: ClearsResponse,
    },
    /// The operator rejects the hit with a disposition.
    Reject {
        /// Why.
        disposition: Disposition,
    },
    /// An independent reasonable suspicion or probable cause was recorded.
    RecordBasis,
    /// The officer wants to stop the vehicle: allowed only after confirmation and a basis.
    Stop,
    /// The hit is closed with an outcome.
    Close {
        /// How it ended.
        outcome: Outcome,
    },
}

impl Event {
    /// The event's name.
    pub const fn kind(&self) -> EventKind {
        match self {
            Event::Acknowledge => EventKind::Acknowledge,
            Event::MdcQuery => EventKind::MdcQuery,
            Event::Broadcast => EventKind::Broadcast,
            Event::Confirm { .. } => EventKind::Confirm,
            Event::Reject { .. } => EventKind::Reject,
            Event::RecordBasis => EventKind::RecordBasis,
            Event::Stop => EventKind::Stop,
            Event::Close { .. } => EventKind::Close,
        }
    }
}

/// The call types and priority a hit's call for service uses, taken from the policy profile.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct CallTypes {
    /// The call for service of a hit (`POD`, G.O. §C.2.a).
    pub hit: String,
    /// Its priority (`4`).
    pub priority: u8,
    /// Added for an occupied stolen vehicle (`503P/503T`, G.O. §D.4).
    pub occupied_stolen: String,
    /// Added for an unoccupied stolen vehicle closed without recovery (`503REC`, G.O. §D.5).
    pub unrecovered_stolen: String,
}

impl CallTypes {
    /// The call types of a policy profile.
    pub fn from_policy(policy: &Policy) -> CallTypes {
        CallTypes {
            hit: policy.call_type_hit.clone(),
            priority: policy.call_priority_hit,
            occupied_stolen: policy.call_type_occupied_stolen.clone(),
            unrecovered_stolen: policy.call_type_unrecovered_stolen.clone(),
        }
    }
}

/// Whether hits of a list kind are actionable: a call for service, a broadcast (R-HIT-2, R-HIT-3).
pub const fn is_actionable(kind: ListKind) -> bool {
    matches!(kind, ListKind::Standard | ListKind::HotPlate)
}

/// One hit walking through the workflow of R-HIT-6. Not shared between threads while it changes:
/// the skins wrap it in a lock or a uniquely owned handle.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[allow(clippy::struct_excessive_bools)] // Independent facts of the hit's history, not a state enum.
pub struct HitWorkflow {
    list_kind: ListKind,
    category: Category,
    origin: Origin,
    status: HitStatus,
    disposition: Option<Disposition>,
    outcome: Option<Outcome>,
    /// Whether a broadcast happened.
    broadcast_done: bool,
    /// Whether a confirmation with disposition `correct_read` was received.
    confirmed: bool,
    /// Whether the hit was ever rejected.
    rejected: bool,
    /// The confirmation's `occupied`, once confirmed.
    occupied: Option<bool>,
    basis_recorded: bool,
    stops: u32,
    violations: Vec<Code>,
    call_types: Vec<String>,
    /// Shared, so that the copy each event is applied to costs no string copies.
    #[serde(skip)]
    calls: std::sync::Arc<CallTypes>,
}

impl HitWorkflow {
    /// A new hit in status `alerted`, with the call types of the policy (R-HIT-8).
    pub fn new(list_kind: ListKind, category: Category, origin: Origin, policy: &Policy) -> HitWorkflow {
        let calls = std::sync::Arc::new(CallTypes::from_policy(policy));
        HitWorkflow {
            list_kind,
            category,
            origin,
            status: HitStatus::Alerted,
            disposition: None,
            outcome: None,
            broadcast_done: false,
            confirmed: false,
            rejected: false,
            occupied: None,
            basis_recorded: false,
            stops: 0,
            violations: Vec::new(),
            call_types: if is_actionable(list_kind) {
                vec![calls.hit.clone()]
            } else {
                Vec::new()
            },
            calls,
        }
    }

    /// The kind of the list that hit.
    pub const fn list_kind(&self) -> ListKind {
        self.list_kind
    }
    /// The entry's category.
    pub const fn category(&self) -> Category {
        self.category
    }
    /// Where the read came from.
    pub const fn origin(&self) -> Origin {
        self.origin
    }
    /// The current status.
    pub const fn status(&self) -> HitStatus {
        self.status
    }
    /// The disposition, once confirmed or rejected.
    pub const fn disposition(&self) -> Option<Disposition> {
        self.disposition
    }
    /// The outcome, once closed.
    pub const fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }
    /// Whether an independent basis was recorded.
    pub const fn basis_recorded(&self) -> bool {
        self.basis_recorded
    }
    /// Whether the hit was confirmed (and not rejected since).
    pub const fn is_confirmed(&self) -> bool {
        self.confirmed && !self.rejected
    }
    /// How many stops were allowed.
    pub const fn stops(&self) -> u32 {
        self.stops
    }
    /// Violations recorded on the hit (not refused), each once: `mdc_query_before_broadcast`.
    pub fn violations(&self) -> &[Code] {
        &self.violations
    }
    /// The call types of its call for service, in the order they were added (R-HIT-8).
    pub fn call_types(&self) -> &[String] {
        &self.call_types
    }
    /// Every hit requires confirmation before anyone acts on it (R-HIT-1).
    pub const fn requires_confirmation(&self) -> bool {
        true
    }

    /// Applies an event (R-HIT-6). On a refusal the hit is unchanged.
    ///
    /// # Errors
    /// The refusal: `invalid_transition`, `not_acknowledged`, `confirmation_required`,
    /// `independent_basis_required` or `informational_only`.
    pub fn apply(&mut self, event: Event) -> Result<()> {
        let mut next = self.clone();
        next.step(event)?;
        *self = next;
        Ok(())
    }

    fn refuse(code: Code, event: Event, status: HitStatus) -> Error {
        Error::new(code).with_detail(format!("{}: {} in status {status}", code.description(), event.kind()))
    }

    fn add_violation(&mut self, code: Code) {
        if !self.violations.contains(&code) {
            self.violations.push(code);
        }
    }

    fn add_call_type(&mut self, call: String) {
        if !self.call_types.contains(&call) {
            self.call_types.push(call);
        }
    }

    fn is_stolen_vehicle_call(&self) -> bool {
        self.category == Category::StolenVehicle && is_actionable(self.list_kind)
    }

    fn step(&mut self, event: Event) -> Result<()> {
        use HitStatus as S;
        let status = self.status;
        let refuse = |code| Err(Self::refuse(code, event, status));
        match event {
            Event::Acknowledge => match status {
                S::Alerted => self.status = S::Acknowledged,
                _ => return refuse(Code::InvalidTransition),
            },
            Event::MdcQuery => {
                if status == S::Closed {
                    return refuse(Code::InvalidTransition);
                }
                if self.origin == Origin::Vehicle && !self.broadcast_done {
                    self.add_violation(Code::MdcQueryBeforeBroadcast);
                }
            }
            Event::Broadcast => {
                if !is_actionable(self.list_kind) {
                    return refuse(Code::InformationalOnly);
                }
                match (status, self.origin) {
                    (S::Alerted, _) => return refuse(Code::NotAcknowledged),
                    (S::Acknowledged | S::Confirmed, Origin::Vehicle) | (S::Confirmed, _) => {
                        self.status = S::Broadcast;
                        self.broadcast_done = true;
                    }
                    (S::Acknowledged, _) => return refuse(Code::ConfirmationRequired),
                    _ => return refuse(Code::InvalidTransition),
                }
            }
            Event::Confirm { response } => match status {
                S::Alerted => return refuse(Code::NotAcknowledged),
                S::Acknowledged | S::Broadcast => {
                    let disposition = if !response.record_active {
                        Disposition::RecordNotActive
                    } else if !response.plate_verified {
                        Disposition::IncorrectRead
                    } else if !response.jurisdiction_verified {
                        Disposition::WrongJurisdiction
                    } else {
                        Disposition::CorrectRead
                    };
                    self.disposition = Some(disposition);
                    if disposition == Disposition::CorrectRead {
                        self.status = S::Confirmed;
                        self.confirmed = true;
                        self.occupied = Some(response.occupied);
                        if response.occupied && self.is_stolen_vehicle_call() {
                            self.add_call_type(self.calls.occupied_stolen.clone());
                        }
                    } else {
                        self.status = S::Rejected;
                        self.rejected = true;
                    }
                }
                _ => return refuse(Code::InvalidTransition),
            },
            Event::Reject { disposition } => match status {
                S::Acknowledged | S::Broadcast | S::Confirmed => {
                    self.status = S::Rejected;
                    self.rejected = true;
                    self.disposition = Some(disposition);
                }
                S::Alerted => return refuse(Code::NotAcknowledged),
                _ => return refuse(Code::InvalidTransition),
            },
            // Close is final (R-HIT-6): a basis or a stop after it would put into the record an
            // action on a hit that no longer exists (issue 15: `stop` was accepted after `close`).
            Event::RecordBasis | Event::Stop if status == S::Closed => return refuse(Code::InvalidTransition),
            Event::RecordBasis => self.basis_recorded = true,
            Event::Stop => {
                if !self.is_confirmed() {
                    return refuse(Code::ConfirmationRequired);
                }
                if !self.basis_recorded {
                    return refuse(Code::IndependentBasisRequired);
                }
                self.stops = self.stops.saturating_add(1);
            }
            Event::Close { outcome } => {
                if status == S::Closed {
                    return refuse(Code::InvalidTransition);
                }
                if outcome == Outcome::NotRecovered
                    && self.is_confirmed()
                    && self.occupied == Some(false)
                    && self.is_stolen_vehicle_call()
                {
                    self.add_call_type(self.calls.unrecovered_stolen.clone());
                }
                self.status = S::Closed;
                self.outcome = Some(outcome);
            }
        }
        Ok(())
    }
}

/// What a matcher's hit hands to the dispatch packet builder: the list, the match explanation
/// (R-MATCH-2) and the entry. A matcher's `Hit` fills it field for field; the match vocabulary
/// (`match_kind`, `jurisdiction_outcome`, `tier`) is carried as its snake_case names.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispatchInput {
    /// The list that hit: `SVS`, `HOT-PLATES`, ….
    #[serde(default)]
    pub list_id: String,
    /// Its kind.
    pub list_kind: ListKind,
    /// The entry's category.
    pub category: Category,
    /// Where the read came from.
    pub origin: Origin,
    /// The entry's normalized plate or pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// The entry's jurisdiction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_jurisdiction: Option<String>,
    /// The entry's plate type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_plate_type: Option<String>,
    /// `exact`, `confusable`, `edit` or `pattern`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_kind: Option<String>,
    /// 0-based positions of the read that differ from the entry.
    #[serde(default)]
    pub positions: Vec<u8>,
    /// `match`, `unknown` or `mismatch` (R-MATCH-3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction_outcome: Option<String>,
    /// `strong`, `moderate` or `weak` (R-MATCH-8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// The list was stale (R-LIST-5).
    #[serde(default)]
    pub stale: bool,
    /// Both sides had a plate type and they differ (R-MATCH-4).
    #[serde(default)]
    pub plate_type_mismatch: bool,
    /// Age of the list version at the read, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_age_seconds: Option<i64>,
    /// When the read was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<Instant>,
    /// The camera or car.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// NCIC number or case number of the entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// The entry's vehicle description.
    #[serde(default)]
    pub vehicle: Vehicle,
    /// The entry's caution flags.
    #[serde(default)]
    pub caution: Caution,
}

impl DispatchInput {
    /// An input with only the list kind, category and origin (every explanation field empty).
    pub fn new(list_kind: ListKind, category: Category, origin: Origin) -> DispatchInput {
        DispatchInput {
            list_id: String::new(),
            list_kind,
            category,
            origin,
            entry: None,
            entry_jurisdiction: None,
            entry_plate_type: None,
            match_kind: None,
            positions: Vec::new(),
            jurisdiction_outcome: None,
            tier: None,
            stale: false,
            plate_type_mismatch: false,
            list_age_seconds: None,
            observed_at: None,
            device_id: None,
            record_id: None,
            vehicle: Vehicle::default(),
            caution: Caution::default(),
        }
    }

    /// The dispatch input of a matcher's hit for a read (R-HIT-2, R-MATCH-2): the list, the match
    /// explanation and the entry, field for field.
    pub fn from_hit(hit: &crate::matching::Hit, read: &crate::matching::Read<'_>) -> DispatchInput {
        DispatchInput::from_hit_parts(hit, read.origin, Some(read.observed_at), read.device_id)
    }

    /// As [`DispatchInput::from_hit`], when only the read's origin (and, if known, its time and
    /// device) is at hand.
    pub fn from_hit_parts(
        hit: &crate::matching::Hit,
        origin: Origin,
        observed_at: Option<Instant>,
        device_id: Option<&str>,
    ) -> DispatchInput {
        let entry = hit.entry();
        DispatchInput {
            list_id: hit.list_id().to_owned(),
            list_kind: hit.list_kind(),
            category: entry.category,
            origin,
            entry: Some(hit.entry_text()),
            entry_jurisdiction: entry.jurisdiction.map(|j| j.as_str().to_owned()),
            entry_plate_type: entry.plate_type.map(|t| t.as_str().to_owned()),
            match_kind: Some(hit.kind.as_str().to_owned()),
            positions: hit.positions.iter().filter_map(|p| u8::try_from(p).ok()).collect(),
            jurisdiction_outcome: Some(hit.jurisdiction.as_str().to_owned()),
            tier: Some(hit.tier.as_str().to_owned()),
            stale: hit.stale,
            plate_type_mismatch: hit.plate_type_mismatch,
            list_age_seconds: Some(hit.list_age.num_seconds()),
            observed_at,
            device_id: device_id.map(str::to_owned),
            record_id: entry.record_id.as_deref().map(str::to_owned),
            vehicle: entry.vehicle().clone(),
            caution: entry.caution,
        }
    }

    /// The workflow of this hit, in status `alerted`.
    pub fn workflow(&self, policy: &Policy) -> HitWorkflow {
        HitWorkflow::new(self.list_kind, self.category, self.origin, policy)
    }
}

/// The call for service of an actionable hit (R-HIT-2).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CallForService {
    /// `POD` by default.
    pub call_type: String,
    /// `4` by default.
    pub priority: u8,
}

/// One step of G.O. §C.2.b the dispatcher takes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DispatchStep {
    /// Stable id: `confirm_status`, `obtain_description`, `broadcast`.
    pub id: &'static str,
    /// What to do.
    pub text: &'static str,
}

/// How the hit matched (R-MATCH-2), for the dispatcher and the officer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MatchExplanation {
    /// Match kind.
    pub kind: Option<String>,
    /// Differing positions.
    pub positions: Vec<u8>,
    /// Jurisdiction outcome.
    pub jurisdiction: Option<String>,
    /// Tier.
    pub tier: Option<String>,
    /// Stale list.
    pub stale: bool,
    /// Plate type mismatch.
    pub plate_type_mismatch: bool,
    /// Age of the list, seconds.
    pub list_age_seconds: Option<i64>,
}

/// The entry as the officer must know it before approaching.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PacketEntry {
    /// The entry's plate or pattern.
    pub plate: Option<String>,
    /// Its jurisdiction.
    pub jurisdiction: Option<String>,
    /// Its plate type.
    pub plate_type: Option<String>,
    /// Its category.
    pub category: Category,
    /// NCIC or case number.
    pub record_id: Option<String>,
    /// Vehicle description.
    pub vehicle: Vehicle,
    /// Caution flags.
    pub caution: Caution,
}

/// The dispatch packet of a new hit (R-HIT-2, R-HIT-3), as a CAD system takes it (JSON via serde).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[allow(clippy::struct_excessive_bools)] // Independent flags a CAD system reads.
pub struct DispatchPacket {
    /// The list that hit.
    pub list_id: String,
    /// Its kind.
    pub list_kind: ListKind,
    /// Where the read came from.
    pub origin: Origin,
    /// Always `true`: a hit is never the sole basis for a stop (R-HIT-1).
    pub requires_confirmation: bool,
    /// Special and covert hits are informational: no call, no broadcast (R-HIT-3).
    pub informational: bool,
    /// Whether the hit raises an in-car or console alert (`false` for covert hits).
    pub alert: bool,
    /// Whether status must be confirmed before the broadcast (desk origins, R-HIT-4).
    pub confirm_before_broadcast: bool,
    /// The call for service, for actionable hits.
    pub call_for_service: Option<CallForService>,
    /// The steps of G.O. §C.2.b (empty for informational hits).
    pub steps: Vec<DispatchStep>,
    /// How it matched.
    #[serde(rename = "match")]
    pub explanation: MatchExplanation,
    /// The entry.
    pub entry: PacketEntry,
    /// When the read was made.
    pub observed_at: Option<Instant>,
    /// The camera or car.
    pub device_id: Option<String>,
}

/// The steps of G.O. §C.2.b.
pub const DISPATCH_STEPS: [DispatchStep; 3] = [
    DispatchStep {
        id: "confirm_status",
        text: "confirm the license plate status by a CLETS/NCIC query and attach the result to the incident",
    },
    DispatchStep {
        id: "obtain_description",
        text: "obtain the vehicle description and direction of travel",
    },
    DispatchStep {
        id: "broadcast",
        text: "make the appropriate broadcast based on the circumstances of the hit",
    },
];

/// Builds the dispatch packet of a new hit (R-HIT-2, R-HIT-3).
pub fn dispatch_packet(input: &DispatchInput, policy: &Policy) -> DispatchPacket {
    let actionable = is_actionable(input.list_kind);
    DispatchPacket {
        list_id: input.list_id.clone(),
        list_kind: input.list_kind,
        origin: input.origin,
        requires_confirmation: true,
        informational: !actionable,
        alert: input.list_kind != ListKind::Covert,
        confirm_before_broadcast: input.origin != Origin::Vehicle,
        call_for_service: actionable.then(|| CallForService {
            call_type: policy.call_type_hit.clone(),
            priority: policy.call_priority_hit,
        }),
        steps: if actionable {
            DISPATCH_STEPS.to_vec()
        } else {
            Vec::new()
        },
        explanation: MatchExplanation {
            kind: input.match_kind.clone(),
            positions: input.positions.clone(),
            jurisdiction: input.jurisdiction_outcome.clone(),
            tier: input.tier.clone(),
            stale: input.stale,
            plate_type_mismatch: input.plate_type_mismatch,
            list_age_seconds: input.list_age_seconds,
        },
        entry: PacketEntry {
            plate: input.entry.clone(),
            jurisdiction: input.entry_jurisdiction.clone(),
            plate_type: input.entry_plate_type.clone(),
            category: input.category,
            record_id: input.record_id.clone(),
            vehicle: input.vehicle.clone(),
            caution: input.caution,
        },
        observed_at: input.observed_at,
        device_id: input.device_id.clone(),
    }
}

impl DispatchPacket {
    /// The packet as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::from_json_text;
    use proptest::prelude::*;

    fn hit(kind: ListKind, origin: Origin) -> HitWorkflow {
        HitWorkflow::new(kind, Category::StolenVehicle, origin, &Policy::sacramento())
    }

    fn codes(h: &mut HitWorkflow, events: &[Event]) -> Vec<Option<Code>> {
        events.iter().map(|e| h.apply(*e).err().map(|e| e.code())).collect()
    }

    #[test]
    fn car_broadcasts_then_confirms() {
        let mut h = hit(ListKind::Standard, Origin::Vehicle);
        let r = codes(
            &mut h,
            &[
                Event::Acknowledge,
                Event::Broadcast,
                Event::Confirm {
                    response: ClearsResponse::all(true),
                },
                Event::Stop,
                Event::RecordBasis,
                Event::Stop,
                Event::Close {
                    outcome: Outcome::Recovered,
                },
                Event::Close {
                    outcome: Outcome::Recovered,
                },
            ],
        );
        assert_eq!(
            r,
            vec![
                None,
                None,
                None,
                Some(Code::IndependentBasisRequired),
                None,
                None,
                None,
                Some(Code::InvalidTransition)
            ]
        );
        assert_eq!(h.status(), HitStatus::Closed);
        assert_eq!(h.call_types(), ["POD", "503P/503T"]);
        assert_eq!(h.stops(), 1);
    }

    #[test]
    fn confirm_rejects_in_order() {
        for (resp, disp) in [
            (
                ClearsResponse {
                    record_active: false,
                    ..ClearsResponse::all(false)
                },
                Disposition::RecordNotActive,
            ),
            (
                ClearsResponse {
                    plate_verified: false,
                    ..ClearsResponse::all(true)
                },
                Disposition::IncorrectRead,
            ),
            (
                ClearsResponse {
                    jurisdiction_verified: false,
                    ..ClearsResponse::all(true)
                },
                Disposition::WrongJurisdiction,
            ),
        ] {
            let mut h = hit(ListKind::HotPlate, Origin::Fixed);
            h.apply(Event::Acknowledge).unwrap();
            h.apply(Event::Confirm { response: resp }).unwrap();
            assert_eq!(h.status(), HitStatus::Rejected);
            assert_eq!(h.disposition(), Some(disp));
            h.apply(Event::RecordBasis).unwrap();
            assert_eq!(h.apply(Event::Stop).unwrap_err().code(), Code::ConfirmationRequired);
            assert_eq!(h.call_types(), ["POD"]);
        }
    }

    #[test]
    fn covert_and_special_are_informational() {
        for kind in [ListKind::Special, ListKind::Covert] {
            let mut h = hit(kind, Origin::Vehicle);
            assert!(h.call_types().is_empty());
            assert_eq!(h.apply(Event::Broadcast).unwrap_err().code(), Code::InformationalOnly);
            h.apply(Event::Acknowledge).unwrap();
            h.apply(Event::Confirm {
                response: ClearsResponse::all(true),
            })
            .unwrap();
            assert!(h.call_types().is_empty(), "no call for service for {kind}");
            let p = dispatch_packet(
                &DispatchInput::new(kind, Category::Investigation, Origin::Vehicle),
                &Policy::sacramento(),
            );
            assert!(p.informational && p.call_for_service.is_none() && p.steps.is_empty());
            assert_eq!(p.alert, kind == ListKind::Special);
        }
    }

    #[test]
    fn unoccupied_stolen_not_recovered_adds_503rec_once() {
        let policy = Policy {
            call_type_unrecovered_stolen: "REC".into(),
            ..Policy::sacramento()
        };
        let mut h = HitWorkflow::new(ListKind::Standard, Category::StolenVehicle, Origin::Desktop, &policy);
        h.apply(Event::Acknowledge).unwrap();
        h.apply(Event::Confirm {
            response: ClearsResponse {
                occupied: false,
                ..ClearsResponse::all(true)
            },
        })
        .unwrap();
        h.apply(Event::Close {
            outcome: Outcome::NotRecovered,
        })
        .unwrap();
        assert_eq!(h.call_types(), ["POD", "REC"]);
        // A wanted person hit gets no stolen-vehicle call type.
        let mut w = HitWorkflow::new(ListKind::Standard, Category::WantedPerson, Origin::Vehicle, &policy);
        w.apply(Event::Acknowledge).unwrap();
        w.apply(Event::Confirm {
            response: ClearsResponse::all(true),
        })
        .unwrap();
        assert_eq!(w.call_types(), ["POD"]);
    }

    #[test]
    fn mdc_query_violation_once_and_not_after_broadcast() {
        let mut h = hit(ListKind::Standard, Origin::Vehicle);
        h.apply(Event::MdcQuery).unwrap();
        h.apply(Event::Acknowledge).unwrap();
        h.apply(Event::MdcQuery).unwrap();
        assert_eq!(h.violations(), [Code::MdcQueryBeforeBroadcast]);
        let mut d = hit(ListKind::Standard, Origin::Desktop);
        d.apply(Event::MdcQuery).unwrap();
        assert!(d.violations().is_empty());
        d.apply(Event::Close {
            outcome: Outcome::Other,
        })
        .unwrap();
        assert_eq!(d.apply(Event::MdcQuery).unwrap_err().code(), Code::InvalidTransition);
    }

    #[test]
    fn events_deserialize_from_the_vector_shape() {
        let e: Event = serde_json::from_str(r#"{"event":"reject","disposition":"duplicate","status":"x"}"#).unwrap();
        assert_eq!(
            e,
            Event::Reject {
                disposition: Disposition::Duplicate
            }
        );
        let e: Event = serde_json::from_str(r#"{"event":"close","outcome":"not_recovered"}"#).unwrap();
        assert_eq!(e.kind(), EventKind::Close);
        assert!(serde_json::from_str::<Event>(r#"{"event":"fly"}"#).is_err());
    }

    #[test]
    fn json_errors_never_echo_input() {
        let e = from_json_text::<DispatchInput>(r#"{"list_kind": "7ABC123"}"#).unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument);
        assert!(!e.to_string().contains("7ABC"));
        assert_eq!(e.position().line, Some(1));
        let d: DispatchInput =
            from_json_text(r#"{"list_kind": "hot_plate", "category": "other", "origin": "fixed"}"#).unwrap();
        assert_eq!(d.workflow(&Policy::sacramento()).call_types(), ["POD"]);
    }

    #[test]
    fn packet_explains_the_match() {
        let mut input = DispatchInput::new(ListKind::Standard, Category::StolenVehicle, Origin::Vehicle);
        input.list_id = "SVS".into();
        input.match_kind = Some("confusable".into());
        input.positions = vec![3];
        input.vehicle.make = Some("HOND".into());
        input.caution.armed_dangerous = true;
        let p = dispatch_packet(&input, &Policy::sacramento());
        let v: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
        assert_eq!(v["call_for_service"]["call_type"], "POD");
        assert_eq!(v["call_for_service"]["priority"], 4);
        assert_eq!(v["requires_confirmation"], true);
        assert_eq!(v["match"]["positions"][0], 3);
        assert_eq!(v["entry"]["vehicle"]["make"], "HOND");
        assert_eq!(v["entry"]["caution"]["armed_dangerous"], true);
        assert_eq!(v["steps"].as_array().unwrap().len(), 3);
        assert_eq!(v["confirm_before_broadcast"], false);
    }

    fn any_event() -> impl Strategy<Value = Event> {
        let resp =
            (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(a, b, c, d)| ClearsResponse {
                record_active: a,
                plate_verified: b,
                jurisdiction_verified: c,
                occupied: d,
            });
        prop_oneof![
            Just(Event::Acknowledge),
            Just(Event::MdcQuery),
            Just(Event::Broadcast),
            resp.prop_map(|response| Event::Confirm { response }),
            proptest::sample::select(Disposition::ALL).prop_map(|disposition| Event::Reject { disposition }),
            Just(Event::RecordBasis),
            Just(Event::Stop),
            proptest::sample::select(Outcome::ALL).prop_map(|outcome| Event::Close { outcome }),
        ]
    }

    fn any_hit() -> impl Strategy<Value = HitWorkflow> {
        (
            proptest::sample::select(ListKind::ALL),
            proptest::sample::select(Category::ALL),
            proptest::sample::select(Origin::ALL),
        )
            .prop_map(|(k, c, o)| HitWorkflow::new(k, c, o, &Policy::sacramento()))
    }

    proptest! {
        /// R-HIT-1: no sequence of events reaches an allowed stop without a confirmation that was
        /// not rejected since, and a recorded basis.
        #[test]
        fn no_stop_without_confirmation_and_basis(mut h in any_hit(), events in proptest::collection::vec(any_event(), 0..24)) {
            let mut confirmed = false;
            let mut rejected = false;
            let mut basis = false;
            for e in &events {
                let before = h.status();
                let ok = h.apply(*e).is_ok();
                if ok {
                    match e {
                        Event::Confirm { .. } if h.status() == HitStatus::Confirmed => confirmed = true,
                        Event::RecordBasis => basis = true,
                        Event::Stop => prop_assert!(confirmed && !rejected && basis, "stop allowed from {before}"),
                        _ => {}
                    }
                    if h.status() == HitStatus::Rejected {
                        rejected = true;
                    }
                }
            }
        }

        /// Close is final (R-HIT-6): after a `close` every event is refused — `invalid_transition`,
        /// or `informational_only` for the broadcast of a special or covert hit, whose refusal
        /// SPEC lists first — and changes nothing.
        #[test]
        fn nothing_happens_after_close(mut h in any_hit(), events in proptest::collection::vec(any_event(), 0..24)) {
            for e in &events {
                let before = h.clone();
                let result = h.apply(*e);
                if before.status() == HitStatus::Closed {
                    let code = result.map_err(|err| err.code());
                    let expected = if matches!(e, Event::Broadcast) && !is_actionable(h.list_kind()) {
                        Code::InformationalOnly
                    } else {
                        Code::InvalidTransition
                    };
                    prop_assert_eq!(code, Err(expected), "{} after close", e.kind());
                    prop_assert_eq!(&h, &before);
                }
            }
        }

        /// A refused event changes nothing.
        #[test]
        fn refused_events_change_nothing(mut h in any_hit(), events in proptest::collection::vec(any_event(), 0..24)) {
            for e in &events {
                let before = h.clone();
                if h.apply(*e).is_err() {
                    prop_assert_eq!(&h, &before);
                }
            }
        }
    }
}
