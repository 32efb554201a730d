//! Officer-entered hot plates (SPEC §4, R-HOTPLATE-1…5, G.O. §G).
//!
//! An officer's form ([`HotPlateForm`], every field as text) is checked by [`validate`], which
//! returns *every* violation rather than the first. A form without violations becomes a
//! [`HotPlate`], whose [`HotPlate::to_entry`] is an entry of the `hot_plate` list carrying its own
//! expiry: once `expires_at` is reached the entry stops matching (R-MATCH-5).
//!
//! "Calendar days" are counted in the agency time zone (30 days from 2026-10-15 10:00 PDT is
//! 2026-11-14 10:00 PST, 721 hours); "hours" are absolute (R-HOTPLATE-5).
//!
//! ```
//! use alpr_core::hotplate::{validate, HotPlateForm};
//! use alpr_core::{Code, Policy};
//! let form: HotPlateForm = serde_json::from_str(r#"{"plate": "7ABC123", "jurisdiction": "CA",
//!     "entered_at": "2026-10-15T10:00:00-07:00", "expires_at": "2026-11-14T10:00:01-08:00",
//!     "distribution": 1, "also_entered_in": []}"#)?;
//! let codes: Vec<Code> = validate(&form, &Policy::sacramento()).unwrap_err().iter().map(|v| v.code).collect();
//! assert_eq!(codes, [Code::ExpiryExceeds30Days]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use crate::error::{Code, Error, Result};
use crate::hotlist::{Caution, Entry, ListMeta, ListVersion, Vehicle};
use crate::pattern::PlateOrPattern;
use crate::plate::{Jurisdiction, Plate, PlateType};
use crate::policy::Policy;
use crate::time::{self, CalendarSpan, Instant};
use crate::vocab::{Category, ListKind};

/// To how many officers a hot plate is distributed (R-HOTPLATE-3): a number, or `"all"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Distribution {
    /// This many officers.
    Officers(u32),
    /// Everyone.
    All,
}

impl Default for Distribution {
    fn default() -> Self {
        Distribution::Officers(1)
    }
}

impl Distribution {
    /// Whether more than one officer receives it.
    pub const fn is_shared(self) -> bool {
        match self {
            Distribution::Officers(n) => n > 1,
            Distribution::All => true,
        }
    }
}

impl serde::Serialize for Distribution {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Distribution::Officers(n) => s.serialize_u32(*n),
            Distribution::All => s.serialize_str("all"),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Distribution {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(u32),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(n) => Ok(Distribution::Officers(n)),
            Raw::S(s) if s.trim().eq_ignore_ascii_case("all") => Ok(Distribution::All),
            Raw::S(s) => s
                .trim()
                .parse()
                .map(Distribution::Officers)
                .map_err(|_| serde::de::Error::custom("distribution must be a number or \"all\"")),
        }
    }
}

/// An officer's hot-plate form as entered: text fields, nothing checked yet (the conformance
/// vectors' `entry`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HotPlateForm {
    /// The plate (normalized by §1).
    pub plate: Option<String>,
    /// Its state (required, R-HOTPLATE-4).
    #[serde(alias = "state")]
    pub jurisdiction: Option<String>,
    /// NCIC plate type, optional.
    pub plate_type: Option<String>,
    /// Category (§2.1); `other` when absent.
    pub category: Option<String>,
    /// When it was entered (RFC 3339).
    pub entered_at: Option<String>,
    /// When it stops matching (RFC 3339; required).
    pub expires_at: Option<String>,
    /// How many officers receive it.
    pub distribution: Distribution,
    /// Other systems it is also entered in (`SVS`, `SLR`, `SFR`, `MUPS`, …).
    pub also_entered_in: Vec<String>,
    /// The entering officer's name.
    pub officer_name: Option<String>,
    /// Contact phone.
    pub contact_phone: Option<String>,
    /// SPD case number.
    pub case_number: Option<String>,
    /// Synopsis of the originating call or reason.
    pub synopsis: Option<String>,
    /// Vehicle description.
    pub vehicle: Option<Vehicle>,
    /// Caution flags.
    pub caution: Option<Caution>,
}

/// One violation of a form: the code and the field it concerns (never the field's text).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Violation {
    /// The rule broken.
    pub code: Code,
    /// The form field.
    pub field: &'static str,
    /// For a plate that does not normalize, the 0-based character.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub character: Option<u32>,
}

impl Violation {
    const fn new(code: Code, field: &'static str) -> Violation {
        Violation {
            code,
            field,
            character: None,
        }
    }

    /// As an [`Error`] (code, character position, field name as detail).
    pub fn to_error(&self) -> Error {
        let mut e = Error::new(self.code).with_detail(format!("{}: {}", self.field, self.code.description()));
        if let Some(c) = self.character {
            e = e.with_position(crate::error::Position::at_char(c));
        }
        e
    }
}

/// A validated hot plate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HotPlate {
    /// The normalized plate.
    pub plate: Plate,
    /// Its state.
    pub jurisdiction: Jurisdiction,
    /// Its plate type.
    pub plate_type: Option<PlateType>,
    /// Its category.
    pub category: Category,
    /// When it was entered.
    pub entered_at: Instant,
    /// When it stops matching.
    pub expires_at: Instant,
    /// To whom it is distributed.
    pub distribution: Distribution,
    /// Other systems it is also entered in.
    pub also_entered_in: Vec<String>,
    /// Officer name, phone, case number, synopsis (as entered, trimmed).
    pub officer_name: Option<String>,
    /// Contact phone.
    pub contact_phone: Option<String>,
    /// SPD case number.
    pub case_number: Option<String>,
    /// Synopsis.
    pub synopsis: Option<String>,
    /// Vehicle description.
    pub vehicle: Vehicle,
    /// Caution flags.
    pub caution: Caution,
}

fn present(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// The latest allowed expiry of a hot plate entered at `entered_at` (R-HOTPLATE-1, -2, -5):
/// `max_days` calendar days in the agency zone, or `max_hours` absolute hours when it is also
/// entered in another system.
/// A limit past the last representable instant is that instant (every expiry is within it).
pub fn latest_expiry(entered_at: Instant, also_entered: bool, policy: &Policy) -> Instant {
    let by_days = time::add_calendar(
        entered_at,
        CalendarSpan::days(policy.hot_plate_max_days),
        policy.time_zone,
    )
    .unwrap_or(Instant::MAX_UTC);
    if also_entered {
        let by_hours = entered_at
            .checked_add_signed(chrono::Duration::hours(i64::from(
                policy.hot_plate_also_entered_max_hours,
            )))
            .unwrap_or(Instant::MAX_UTC);
        by_days.min(by_hours)
    } else {
        by_days
    }
}

/// Validates a form (R-HOTPLATE-1…5), returning the hot plate or *every* violation, in the
/// order of the form's fields.
///
/// # Errors
/// The violations: `empty` or a normalization code, `placeholder_plate`, `missing_jurisdiction`,
/// `invalid_jurisdiction`, `invalid_plate_type`, `invalid_category`, `category_forbidden`,
/// `invalid_date`, `expiry_missing`, `expiry_before_entry`, `expiry_exceeds_30_days`,
/// `expiry_exceeds_24_hours`, `missing_officer_name`, `missing_contact_phone`,
/// `missing_case_number`, `missing_synopsis`.
pub fn validate(form: &HotPlateForm, policy: &Policy) -> std::result::Result<HotPlate, Vec<Violation>> {
    let mut v = Vec::new();
    // R-HOTPLATE-4: plate and state.
    let plate = match present(form.plate.as_ref()) {
        None => {
            v.push(Violation::new(Code::Empty, "plate"));
            None
        }
        Some(p) => match crate::plate::normalize(p) {
            Ok(n) if policy.placeholder_plates.contains(&n.plate.to_string()) => {
                v.push(Violation::new(Code::PlaceholderPlate, "plate"));
                None
            }
            Ok(n) => Some(n.plate),
            Err(e) => {
                v.push(Violation {
                    code: e.code(),
                    field: "plate",
                    character: e.position().character,
                });
                None
            }
        },
    };
    let jurisdiction = match present(form.jurisdiction.as_ref()) {
        None => {
            v.push(Violation::new(Code::MissingJurisdiction, "jurisdiction"));
            None
        }
        Some(j) => Jurisdiction::parse(j)
            .map_err(|e| v.push(Violation::new(e.code(), "jurisdiction")))
            .ok(),
    };
    let plate_type = match present(form.plate_type.as_ref()).map(PlateType::parse) {
        Some(Err(e)) => {
            v.push(Violation::new(e.code(), "plate_type"));
            None
        }
        Some(Ok(t)) => Some(t),
        None => None,
    };
    let category = match present(form.category.as_ref()).map_or(Ok(Category::Other), Category::parse) {
        Ok(c) if policy.forbidden_categories.contains(&c) => {
            v.push(Violation::new(Code::CategoryForbidden, "category"));
            None
        }
        Ok(c) => Some(c),
        Err(e) => {
            v.push(Violation::new(e.code(), "category"));
            None
        }
    };
    // R-HOTPLATE-1, -2, -5: times.
    let entered_at = present(form.entered_at.as_ref()).and_then(|t| time::parse_instant(t).ok());
    if entered_at.is_none() {
        v.push(Violation::new(Code::InvalidDate, "entered_at"));
    }
    let expires_at = match present(form.expires_at.as_ref()).map(time::parse_instant) {
        None => {
            v.push(Violation::new(Code::ExpiryMissing, "expires_at"));
            None
        }
        Some(Err(_)) => {
            v.push(Violation::new(Code::InvalidDate, "expires_at"));
            None
        }
        Some(Ok(t)) => Some(t),
    };
    let also_entered_in: Vec<String> = form
        .also_entered_in
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if let (Some(entered), Some(expires)) = (entered_at, expires_at) {
        if expires <= entered {
            v.push(Violation::new(Code::ExpiryBeforeEntry, "expires_at"));
        } else {
            // A limit past the representable range is never exceeded.
            let by_days = time::add_calendar(entered, CalendarSpan::days(policy.hot_plate_max_days), policy.time_zone);
            if by_days.is_ok_and(|limit| expires > limit) {
                v.push(Violation::new(Code::ExpiryExceeds30Days, "expires_at"));
            }
            let hours = chrono::Duration::hours(i64::from(policy.hot_plate_also_entered_max_hours));
            if !also_entered_in.is_empty() && expires - entered > hours {
                v.push(Violation::new(Code::ExpiryExceeds24Hours, "expires_at"));
            }
        }
    }
    // R-HOTPLATE-3: a shared hot plate names its officer, phone, case and reason.
    if form.distribution.is_shared() {
        for (value, code, field) in [
            (&form.officer_name, Code::MissingOfficerName, "officer_name"),
            (&form.contact_phone, Code::MissingContactPhone, "contact_phone"),
            (&form.case_number, Code::MissingCaseNumber, "case_number"),
            (&form.synopsis, Code::MissingSynopsis, "synopsis"),
        ] {
            if present(value.as_ref()).is_none() {
                v.push(Violation::new(code, field));
            }
        }
    }
    match (plate, jurisdiction, category, entered_at, expires_at) {
        (Some(plate), Some(jurisdiction), Some(category), Some(entered_at), Some(expires_at)) if v.is_empty() => {
            let keep = |s: &Option<String>| present(s.as_ref()).map(str::to_owned);
            Ok(HotPlate {
                plate,
                jurisdiction,
                plate_type,
                category,
                entered_at,
                expires_at,
                distribution: form.distribution,
                also_entered_in,
                officer_name: keep(&form.officer_name),
                contact_phone: keep(&form.contact_phone),
                case_number: keep(&form.case_number),
                synopsis: keep(&form.synopsis),
                vehicle: form.vehicle.clone().unwrap_or_default(),
                caution: form.caution.unwrap_or_default(),
            })
        }
        _ => Err(v),
    }
}

/// The violation codes of a form (empty when it is valid).
pub fn violations(form: &HotPlateForm, policy: &Policy) -> Vec<Code> {
    validate(form, policy)
        .err()
        .unwrap_or_default()
        .iter()
        .map(|v| v.code)
        .collect()
}

impl HotPlate {
    /// Whether it still matches at `now` (R-MATCH-5: not at or after its expiry).
    pub fn is_active(&self, now: Instant) -> bool {
        now < self.expires_at
    }

    /// The entry of the `hot_plate` list: the case number as `record_id`, its expiry, and the
    /// officer's name, phone, synopsis, distribution and other systems as attributes.
    pub fn to_entry(&self) -> Entry {
        let mut attributes = BTreeMap::new();
        for (k, v) in [
            ("officer_name", &self.officer_name),
            ("contact_phone", &self.contact_phone),
            ("synopsis", &self.synopsis),
        ] {
            if let Some(v) = v {
                attributes.insert(k.to_owned(), v.clone());
            }
        }
        attributes.insert(
            "distribution".to_owned(),
            match self.distribution {
                Distribution::All => "all".to_owned(),
                Distribution::Officers(n) => n.to_string(),
            },
        );
        attributes.insert("entered_at".to_owned(), self.entered_at.to_rfc3339());
        if !self.also_entered_in.is_empty() {
            attributes.insert("also_entered_in".to_owned(), self.also_entered_in.join(","));
        }
        Entry {
            key: PlateOrPattern::Plate(self.plate),
            jurisdiction: Some(self.jurisdiction),
            plate_type: self.plate_type,
            category: self.category,
            record_id: self.case_number.as_deref().map(Box::from),
            incident_date: None,
            vehicle: Vehicle::boxed(self.vehicle.clone()),
            expires_at: Some(self.expires_at),
            caution: self.caution,
            attributes: attributes.into(),
        }
    }
}

/// A version of the `hot_plate` list made of validated hot plates, keeping only those still
/// active at `meta.loaded_at` (expired ones would never match anyway, R-MATCH-5), indexed for
/// matching under `policy` (the policy of the registry it goes into).
///
/// # Errors
/// `invalid_argument` when `meta.kind` is not `hot_plate`.
pub fn hot_plate_list(meta: ListMeta, plates: &[HotPlate], policy: &Policy) -> Result<ListVersion> {
    if meta.kind != ListKind::HotPlate {
        return Err(Error::new(Code::InvalidArgument).with_detail("hot plates go into a hot_plate list"));
    }
    let now = meta.loaded_at;
    let entries = plates
        .iter()
        .filter(|p| p.is_active(now))
        .map(HotPlate::to_entry)
        .collect();
    Ok(ListVersion::build(meta, entries, policy))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Timelike};
    use proptest::prelude::*;

    #[test]
    fn limits_past_the_range_are_never_exceeded() {
        // Issue 15: `entered_at + 24 h` and `+ 30 days` at chrono's last instant used to panic.
        let mut p = Policy::sacramento();
        for also in [false, true] {
            assert_eq!(latest_expiry(Instant::MAX_UTC, also, &p), Instant::MAX_UTC);
        }
        p.hot_plate_max_days = u32::MAX;
        p.hot_plate_also_entered_max_hours = u32::MAX;
        let entered = time::parse_instant("2026-11-28T12:00:00-08:00").unwrap();
        // Both limits (11 million years of days, 490 000 years of hours) are past the range.
        assert_eq!(latest_expiry(entered, true, &p), Instant::MAX_UTC);
        p.hot_plate_max_days = 30;
        assert_eq!(
            latest_expiry(entered, true, &p),
            time::add_calendar(entered, CalendarSpan::days(30), p.time_zone).unwrap()
        );
        p.hot_plate_max_days = u32::MAX;
        let f = form("2026-11-28T12:00:00-08:00", "9999-12-31T23:59:59Z");
        assert_eq!(
            validate(&f, &p).map(|h| h.expires_at),
            Ok(time::parse_instant("9999-12-31T23:59:59Z").unwrap())
        );
    }

    fn form(entered: &str, expires: &str) -> HotPlateForm {
        HotPlateForm {
            plate: Some("7ABC123".into()),
            jurisdiction: Some("CA".into()),
            entered_at: Some(entered.into()),
            expires_at: Some(expires.into()),
            ..HotPlateForm::default()
        }
    }

    #[test]
    fn valid_form_becomes_an_expiring_entry() {
        let mut f = form("2026-11-28T09:00:00-08:00", "2026-12-05T09:00:00-08:00");
        f.case_number = Some(" 26-123456 ".into());
        f.distribution = Distribution::All;
        f.officer_name = Some("A".into());
        f.contact_phone = Some("1".into());
        f.synopsis = Some("s".into());
        let hp = validate(&f, &Policy::sacramento()).unwrap();
        let e = hp.to_entry();
        assert_eq!(e.record_id.as_deref(), Some("26-123456"));
        assert_eq!(e.expires_at, Some(time::parse_instant("2026-12-05T17:00:00Z").unwrap()));
        assert!(hp.is_active(time::parse_instant("2026-12-05T16:59:59Z").unwrap()));
        assert!(!hp.is_active(time::parse_instant("2026-12-05T17:00:00Z").unwrap()));
        let meta = |at: &str| ListMeta {
            id: "HOT-PLATES".into(),
            kind: ListKind::HotPlate,
            priority: 10,
            loaded_at: time::parse_instant(at).unwrap(),
            source: "officers".into(),
            generated_at: None,
        };
        let plates = [hp];
        assert_eq!(
            hot_plate_list(meta("2026-12-01T00:00:00Z"), &plates, &Policy::sacramento())
                .unwrap()
                .entries()
                .len(),
            1
        );
        assert_eq!(
            hot_plate_list(meta("2026-12-06T00:00:00Z"), &plates, &Policy::sacramento())
                .unwrap()
                .entries()
                .len(),
            0
        );
    }

    #[test]
    fn every_violation_is_reported() {
        let f = HotPlateForm {
            plate: Some("AB/1".into()),
            jurisdiction: Some("XX".into()),
            plate_type: Some("???".into()),
            category: Some("nope".into()),
            entered_at: Some("yesterday".into()),
            distribution: Distribution::Officers(2),
            officer_name: Some("  ".into()),
            ..HotPlateForm::default()
        };
        let v = validate(&f, &Policy::sacramento()).unwrap_err();
        let codes: Vec<Code> = v.iter().map(|v| v.code).collect();
        assert_eq!(
            codes,
            [
                Code::InvalidCharacter,
                Code::InvalidJurisdiction,
                Code::InvalidPlateType,
                Code::InvalidCategory,
                Code::InvalidDate,
                Code::ExpiryMissing,
                Code::MissingOfficerName,
                Code::MissingContactPhone,
                Code::MissingCaseNumber,
                Code::MissingSynopsis
            ]
        );
        assert_eq!(v[0].character, Some(2));
        assert!(!v[0].to_error().to_string().contains("AB"));
    }

    #[test]
    fn distribution_parses() {
        let d: Distribution = serde_json::from_str("\"all\"").unwrap();
        assert_eq!(d, Distribution::All);
        let d: Distribution = serde_json::from_str("3").unwrap();
        assert!(d.is_shared());
        assert!(serde_json::from_str::<Distribution>("\"some\"").is_err());
        assert!(!Distribution::default().is_shared());
    }

    /// Every DST change in Los Angeles from 2026 to 2030 (the Sundays the offset changes).
    fn dst_changes() -> Vec<Instant> {
        let tz = chrono_tz::America::Los_Angeles;
        let mut out = Vec::new();
        let mut t = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let end = chrono::Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 0).unwrap();
        let offset = |t: Instant| t.with_timezone(&tz).naive_local() - t.naive_utc();
        while t < end {
            let n = t + chrono::Duration::hours(1);
            if offset(n) != offset(t) {
                out.push(n);
            }
            t = n;
        }
        out
    }

    #[test]
    fn ten_dst_changes() {
        assert_eq!(dst_changes().len(), 10);
    }

    proptest! {
        /// R-HOTPLATE-5 across every DST change of 2026–2030: an expiry at the same local time
        /// 30 days later is accepted, one second later is not, whatever the hours in between.
        #[test]
        fn calendar_day_limit_holds_across_dst(change in proptest::sample::select(dst_changes()),
                                               before_h in 0i64..(31 * 24), minute in 0i64..60) {
            let policy = Policy::sacramento();
            let tz = policy.time_zone;
            let entered = change - chrono::Duration::hours(before_h) + chrono::Duration::minutes(minute);
            let limit = latest_expiry(entered, false, &policy);
            let l = entered.with_timezone(&tz);
            let e = limit.with_timezone(&tz);
            // Same wall-clock time unless that time falls in a spring-forward gap.
            if tz.from_local_datetime(&(l.naive_local() + chrono::Days::new(30))).single().is_some() {
                prop_assert_eq!((e.hour(), e.minute()), (l.hour(), l.minute()));
                prop_assert_eq!(e.date_naive(), l.date_naive() + chrono::Days::new(30));
            }
            let hours = (limit - entered).num_hours();
            prop_assert!((719..=721).contains(&hours), "{} hours", hours);
            let f = |exp: Instant| HotPlateForm {
                plate: Some("7ABC123".into()),
                jurisdiction: Some("CA".into()),
                entered_at: Some(entered.to_rfc3339()),
                expires_at: Some(exp.to_rfc3339()),
                ..HotPlateForm::default()
            };
            prop_assert_eq!(violations(&f(limit), &policy), Vec::<Code>::new());
            prop_assert_eq!(violations(&f(limit + chrono::Duration::seconds(1)), &policy), vec![Code::ExpiryExceeds30Days]);
            // Hours stay absolute across the change.
            let mut g = f(entered + chrono::Duration::hours(24));
            g.also_entered_in = vec!["SVS".into()];
            prop_assert_eq!(violations(&g, &policy), Vec::<Code>::new());
            g.expires_at = Some((entered + chrono::Duration::hours(24) + chrono::Duration::seconds(1)).to_rfc3339());
            prop_assert_eq!(violations(&g, &policy), vec![Code::ExpiryExceeds24Hours]);
        }
    }
}
