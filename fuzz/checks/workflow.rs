//! The hit workflow (R-HIT-6, R-HIT-8) against an independent model written from the SPEC text:
//! arbitrary sequences of events on a hit of any list kind, category and origin; after every
//! event the code's answer (applied, or the refusal's code) and the hit's state must equal the
//! model's. Close is final: every event after it is refused.

use alpr_core::Code;
use alpr_core::Policy;
use alpr_core::vocab::{Category, ListKind, Origin};
use alpr_core::workflow::{ClearsResponse, Disposition, Event, HitStatus, HitWorkflow, Outcome};
use arbitrary::{Arbitrary, Unstructured};

#[derive(Arbitrary, Debug)]
enum Ev {
    Acknowledge,
    MdcQuery,
    Broadcast,
    Confirm(bool, bool, bool, bool),
    Reject(u8),
    RecordBasis,
    Stop,
    Close(u8),
}

#[derive(Arbitrary, Debug)]
struct Input {
    kind: u8,
    stolen: bool,
    origin: u8,
    events: Vec<Ev>,
}

#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::struct_excessive_bools)] // Independent facts of the hit's history, as the SPEC lists them.
struct Model {
    status: HitStatus,
    disposition: Option<Disposition>,
    outcome: Option<Outcome>,
    broadcast_once: bool,
    confirmed_once: bool,
    rejected_once: bool,
    occupied: Option<bool>,
    basis: bool,
    stops: u32,
    violations: Vec<Code>,
    call_types: Vec<String>,
}

fn pick<T: Copy>(all: &[T], i: u8) -> T {
    all[usize::from(i) % all.len()]
}

pub(crate) fn run(data: &[u8]) {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let policy = Policy::sacramento();
    let kind = pick(ListKind::ALL, input.kind);
    let origin = pick(Origin::ALL, input.origin);
    let category = if input.stolen {
        Category::StolenVehicle
    } else {
        Category::Other
    };
    // R-HIT-2/3: only standard and hot-plate hits are calls for service (and broadcast).
    let actionable = matches!(kind, ListKind::Standard | ListKind::HotPlate);
    let stolen_call = actionable && category == Category::StolenVehicle;
    let mut hit = HitWorkflow::new(kind, category, origin, &policy);
    let mut m = Model {
        status: HitStatus::Alerted,
        disposition: None,
        outcome: None,
        broadcast_once: false,
        confirmed_once: false,
        rejected_once: false,
        occupied: None,
        basis: false,
        stops: 0,
        violations: Vec::new(),
        call_types: if actionable {
            vec![policy.call_type_hit.clone()]
        } else {
            Vec::new()
        },
    };
    for ev in input.events.iter().take(64) {
        use HitStatus as S;
        let mut next = m.clone();
        let closed = m.status == S::Closed;
        let (event, expected): (Event, Result<(), Code>) = match *ev {
            Ev::Acknowledge => (
                Event::Acknowledge,
                if m.status == S::Alerted {
                    next.status = S::Acknowledged;
                    Ok(())
                } else {
                    Err(Code::InvalidTransition)
                },
            ),
            Ev::MdcQuery => (
                Event::MdcQuery,
                if closed {
                    Err(Code::InvalidTransition)
                } else {
                    if origin == Origin::Vehicle
                        && !m.broadcast_once
                        && !next.violations.contains(&Code::MdcQueryBeforeBroadcast)
                    {
                        next.violations.push(Code::MdcQueryBeforeBroadcast);
                    }
                    Ok(())
                },
            ),
            Ev::Broadcast => (
                Event::Broadcast,
                if !actionable {
                    Err(Code::InformationalOnly)
                } else if m.status == S::Alerted {
                    Err(Code::NotAcknowledged)
                } else if (origin == Origin::Vehicle && matches!(m.status, S::Acknowledged | S::Confirmed))
                    || m.status == S::Confirmed
                {
                    next.status = S::Broadcast;
                    next.broadcast_once = true;
                    Ok(())
                } else if m.status == S::Acknowledged {
                    Err(Code::ConfirmationRequired)
                } else {
                    Err(Code::InvalidTransition)
                },
            ),
            Ev::Confirm(record_active, plate_verified, jurisdiction_verified, occupied) => {
                let response = ClearsResponse {
                    record_active,
                    plate_verified,
                    jurisdiction_verified,
                    occupied,
                };
                let r = match m.status {
                    S::Alerted => Err(Code::NotAcknowledged),
                    S::Acknowledged | S::Broadcast => {
                        let d = if !record_active {
                            Disposition::RecordNotActive
                        } else if !plate_verified {
                            Disposition::IncorrectRead
                        } else if !jurisdiction_verified {
                            Disposition::WrongJurisdiction
                        } else {
                            Disposition::CorrectRead
                        };
                        next.disposition = Some(d);
                        if d == Disposition::CorrectRead {
                            next.status = S::Confirmed;
                            next.confirmed_once = true;
                            next.occupied = Some(occupied);
                            // R-HIT-8: 503P/503T for an occupied stolen vehicle (a call for service).
                            if occupied && stolen_call && !next.call_types.contains(&policy.call_type_occupied_stolen) {
                                next.call_types.push(policy.call_type_occupied_stolen.clone());
                            }
                        } else {
                            next.status = S::Rejected;
                            next.rejected_once = true;
                        }
                        Ok(())
                    }
                    _ => Err(Code::InvalidTransition),
                };
                (Event::Confirm { response }, r)
            }
            Ev::Reject(d) => {
                let disposition = pick(Disposition::ALL, d);
                let r = match m.status {
                    S::Acknowledged | S::Broadcast | S::Confirmed => {
                        next.status = S::Rejected;
                        next.rejected_once = true;
                        next.disposition = Some(disposition);
                        Ok(())
                    }
                    S::Alerted => Err(Code::NotAcknowledged),
                    _ => Err(Code::InvalidTransition),
                };
                (Event::Reject { disposition }, r)
            }
            Ev::RecordBasis => (
                Event::RecordBasis,
                if closed {
                    Err(Code::InvalidTransition)
                } else {
                    next.basis = true;
                    Ok(())
                },
            ),
            Ev::Stop => (
                Event::Stop,
                if closed {
                    Err(Code::InvalidTransition)
                } else if !m.confirmed_once || m.rejected_once {
                    Err(Code::ConfirmationRequired)
                } else if !m.basis {
                    Err(Code::IndependentBasisRequired)
                } else {
                    next.stops += 1;
                    Ok(())
                },
            ),
            Ev::Close(o) => {
                let outcome = pick(Outcome::ALL, o);
                let r = if closed {
                    Err(Code::InvalidTransition)
                } else {
                    // R-HIT-8: 503REC for a confirmed, unoccupied stolen vehicle not recovered.
                    if outcome == Outcome::NotRecovered
                        && m.confirmed_once
                        && !m.rejected_once
                        && m.occupied == Some(false)
                        && stolen_call
                        && !next.call_types.contains(&policy.call_type_unrecovered_stolen)
                    {
                        next.call_types.push(policy.call_type_unrecovered_stolen.clone());
                    }
                    next.status = S::Closed;
                    next.outcome = Some(outcome);
                    Ok(())
                };
                (Event::Close { outcome }, r)
            }
        };
        let got = hit.apply(event).map_err(|e| e.code());
        assert_eq!(got, expected, "event {event:?} on {m:?}");
        if expected.is_ok() {
            m = next;
        }
        assert_eq!(hit.status(), m.status, "status after {event:?}");
        assert_eq!(hit.disposition(), m.disposition, "disposition after {event:?}");
        assert_eq!(hit.outcome(), m.outcome, "outcome after {event:?}");
        assert_eq!(hit.basis_recorded(), m.basis, "basis after {event:?}");
        assert_eq!(
            hit.is_confirmed(),
            m.confirmed_once && !m.rejected_once,
            "confirmed after {event:?}"
        );
        assert_eq!(hit.stops(), m.stops, "stops after {event:?}");
        assert_eq!(hit.violations(), m.violations.as_slice(), "violations after {event:?}");
        assert_eq!(hit.call_types(), m.call_types.as_slice(), "call types after {event:?}");
    }
}
