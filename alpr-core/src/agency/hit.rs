//! The hit workflow as a record (R-HIT-9) and the dispatch packet that carries the read (R-HIT-10).
//!
//! [`HitCase`] wraps the state machine of [`crate::workflow::HitWorkflow`] (which the
//! `hit_workflow` vectors exercise alone) with what the record needs: the hit's id, its list and
//! list version, the read, and the time of its last applied event. A [`TimedEvent`] carries when
//! it happened, who did it and what it rests on; an event dated before the previous one fails
//! with `time_regression`. Through [`crate::agency::Agency::hit_event`] every event, applied or
//! refused, appends one `hit_event` audit record.

use crate::error::{Code, Error, Result};
use crate::matching::{Hit, Read};
use crate::policy::Policy;
use crate::time::Instant;
use crate::vocab::Origin;
use crate::workflow::{DispatchInput, DispatchPacket, Event, HitWorkflow, dispatch_packet};

/// One workflow event as it happened: the event, when (`at`), who (`actor`, a user id) and the
/// CLETS/NCIC query or incident number it rests on (`reference`). Serde shape:
/// `{"event": "confirm", "response": {…}, "at": "…", "actor": "d7", "reference": "CLETS 4411"}`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimedEvent {
    /// The event and its payload.
    #[serde(flatten)]
    pub event: Event,
    /// When it happened.
    pub at: Instant,
    /// Who did it (a user id of the roster).
    pub actor: String,
    /// The query or incident number it rests on, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl TimedEvent {
    /// An event by `actor` at `at`, without a reference.
    pub fn new(event: Event, at: Instant, actor: &str) -> TimedEvent {
        TimedEvent {
            event,
            at,
            actor: actor.to_owned(),
            reference: None,
        }
    }

    /// The same event with a reference.
    #[must_use]
    pub fn with_reference(mut self, reference: &str) -> TimedEvent {
        self.reference = Some(reference.to_owned());
        self
    }
}

/// The read a hit came from, owned, as the dispatch packet carries it (R-HIT-10).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReadRecord {
    /// The plate as read (raw OCR text).
    pub plate_read: String,
    /// The plate as normalized (§1).
    pub plate: String,
    /// The read's jurisdiction, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    /// The read's plate type, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plate_type: Option<String>,
    /// When the plate was seen.
    pub observed_at: Instant,
    /// Where the read came from.
    pub origin: Origin,
    /// The reading device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Latitude, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Longitude, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// Heading in degrees clockwise from north, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<f64>,
}

impl ReadRecord {
    /// The record of a read: its plate as read and as normalized, time, origin, device, position.
    ///
    /// # Errors
    /// The normalization codes when the plate does not normalize.
    pub fn from_read(read: &Read<'_>) -> Result<ReadRecord> {
        let normalized = crate::normalize(read.plate)?;
        Ok(ReadRecord {
            plate_read: read.plate.to_owned(),
            plate: normalized.plate.to_string(),
            jurisdiction: read.jurisdiction.map(|j| j.as_str().to_owned()),
            plate_type: read.plate_type.map(|t| t.as_str().to_owned()),
            observed_at: read.observed_at,
            origin: read.origin,
            device_id: read.device_id.map(str::to_owned),
            lat: read.location.map(|l| l.lat),
            lon: read.location.map(|l| l.lon),
            heading: None,
        })
    }

    /// The same read with a heading.
    ///
    /// # Errors
    /// `invalid_argument` for a heading that is not a finite number in `[0, 360)`.
    pub fn with_heading(mut self, degrees: f64) -> Result<ReadRecord> {
        if !(0.0..360.0).contains(&degrees) {
            return Err(Error::new(Code::InvalidArgument).with_detail("heading must be in [0, 360) degrees"));
        }
        self.heading = Some(degrees);
        Ok(self)
    }
}

/// The dispatch packet of a hit with the read it came from (R-HIT-2, R-HIT-10): the fields of
/// [`DispatchPacket`] (the entry's jurisdiction, vehicle and record id among them) and `read`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct HitPacket {
    /// The packet of the entry and the match.
    #[serde(flatten)]
    pub dispatch: DispatchPacket,
    /// The read.
    pub read: ReadRecord,
}

impl HitPacket {
    /// The packet as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// One hit walking through the workflow, with what its record needs (R-HIT-9).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct HitCase {
    id: u64,
    list_id: String,
    list_version: Instant,
    input: DispatchInput,
    read: ReadRecord,
    workflow: HitWorkflow,
    last_event_at: Option<Instant>,
    events: u32,
}

impl HitCase {
    /// A hit in status `alerted`, made from a matcher's hit and the read it matched, in one call.
    ///
    /// # Errors
    /// The normalization codes when the read's plate does not normalize.
    pub fn new(id: u64, hit: &Hit, read: &Read<'_>, policy: &Policy) -> Result<HitCase> {
        let input = DispatchInput::from_hit(hit, read);
        Ok(HitCase {
            id,
            list_id: hit.list_id().to_owned(),
            list_version: hit.list.meta().loaded_at,
            workflow: input.workflow(policy),
            input,
            read: ReadRecord::from_read(read)?,
            last_event_at: None,
            events: 0,
        })
    }

    /// Sets the read's heading (R-HIT-10).
    ///
    /// # Errors
    /// As [`ReadRecord::with_heading`].
    pub fn set_heading(&mut self, degrees: f64) -> Result<()> {
        self.read = self.read.clone().with_heading(degrees)?;
        Ok(())
    }

    /// The hit's id (unique within its agency).
    pub const fn id(&self) -> u64 {
        self.id
    }
    /// The list that hit.
    pub fn list_id(&self) -> &str {
        &self.list_id
    }
    /// The version of that list (its `loaded_at`).
    pub const fn list_version(&self) -> Instant {
        self.list_version
    }
    /// The read.
    pub const fn read(&self) -> &ReadRecord {
        &self.read
    }
    /// The state machine.
    pub const fn workflow(&self) -> &HitWorkflow {
        &self.workflow
    }
    /// When the last applied event happened.
    pub const fn last_event_at(&self) -> Option<Instant> {
        self.last_event_at
    }
    /// How many events were applied.
    pub const fn events_applied(&self) -> u32 {
        self.events
    }

    /// Applies a timed event: `time_regression` when it is dated before the last applied event,
    /// else as [`HitWorkflow::apply`]. A refused event changes nothing.
    ///
    /// # Errors
    /// `time_regression`, or the workflow's refusal.
    pub fn apply(&mut self, event: &TimedEvent) -> Result<()> {
        if let Some(last) = self.last_event_at
            && event.at < last
        {
            return Err(Error::new(Code::TimeRegression)
                .with_detail(format!("{} dated before the hit's previous event", event.event.kind())));
        }
        self.workflow.apply(event.event)?;
        self.last_event_at = Some(event.at);
        self.events += 1;
        Ok(())
    }

    /// The dispatch packet with the read (R-HIT-10).
    pub fn packet(&self, policy: &Policy) -> HitPacket {
        HitPacket {
            dispatch: dispatch_packet(&self.input, policy),
            read: self.read.clone(),
        }
    }
}
