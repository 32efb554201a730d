//! Operations (SPEC §9, R-OPS-1…3): quarterly inspections, the shift-start checklist, the
//! `upload_unverified` flag and the out-of-service rule for damaged equipment.
//!
//! ```
//! use alpr_core::{ops, time, Policy};
//! let p = Policy::sacramento();
//! let today = time::parse_date("2026-11-28")?;
//! assert!(!ops::inspection(time::parse_date("2026-08-28")?, today, &p).overdue);
//! assert!(ops::inspection(time::parse_date("2026-08-27")?, today, &p).overdue);
//! # Ok::<(), alpr_core::Error>(())
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::policy::Policy;
use crate::time::CalendarSpan;

/// A device's inspection state (R-OPS-1, G.O. §C.4.a).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Inspection {
    /// The last day the next inspection is on time: the last one plus the policy's interval in
    /// calendar months (a day that does not exist clamps to the month's end).
    pub due_on: NaiveDate,
    /// `today` is on or after `due_on`: the inspection is due.
    pub due: bool,
    /// The last inspection is more than the interval ago: `inspection_overdue`.
    pub overdue: bool,
}

/// The inspection state of a device last inspected on `last_inspected`, seen on `today` (both
/// dates in the agency zone).
pub fn inspection(last_inspected: NaiveDate, today: NaiveDate, policy: &Policy) -> Inspection {
    let due_on = CalendarSpan::months(policy.inspection_interval_months).add_to_date(last_inspected);
    Inspection {
        due_on,
        due: today >= due_on,
        overdue: today > due_on,
    }
}

/// The result of the shift-start checklist (R-OPS-2, G.O. §C.5).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ShiftStart {
    /// Every check passed.
    pub ready: bool,
    /// The checks that failed, by the policy's names, in the policy's order. A check the
    /// policy names that is missing from the input counts as failed.
    pub failed: Vec<String>,
}

/// Evaluates the shift-start checks (`cameras_affixed`, `gps_green`, …) against the policy's list.
/// Checks the policy does not name are ignored.
pub fn shift_start(checks: &BTreeMap<String, bool>, policy: &Policy) -> ShiftStart {
    let failed: Vec<String> = policy
        .shift_checks
        .iter()
        .filter(|name| !checks.get(name.as_str()).copied().unwrap_or(false))
        .cloned()
        .collect();
    ShiftStart {
        ready: failed.is_empty(),
        failed,
    }
}

/// Flags of a unit at the end of a shift (R-OPS-2, G.O. §C.5.d).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ShiftEnd {
    /// The unit's detections were not checked in LEARN during the shift.
    pub upload_unverified: bool,
}

/// The end-of-shift flags: `upload_unverified` unless the detections were checked in LEARN.
pub const fn shift_end(detections_checked_in_learn: bool) -> ShiftEnd {
    ShiftEnd {
        upload_unverified: !detections_checked_in_learn,
    }
}

/// Who is notified of damaged or inoperable equipment (G.O. §B.5).
pub const DAMAGE_NOTIFY: [&str; 2] = ["alpr_administrator", "psit"];

/// What must happen to damaged or inoperable equipment (R-OPS-3, G.O. §B.5).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OutOfService {
    /// Always `true`: the unit is taken out of service.
    pub out_of_service: bool,
    /// Always `false`: the operator must not repair it.
    pub operator_may_repair: bool,
    /// Whom to notify: an ALPR administrator or PSIT.
    pub notify: Vec<&'static str>,
    /// Vandalism needs a crime report.
    pub crime_report_required: bool,
}

/// The out-of-service rule for a damaged or inoperable unit.
pub fn damaged_equipment(vandalism: bool) -> OutOfService {
    OutOfService {
        out_of_service: true,
        operator_may_repair: false,
        notify: DAMAGE_NOTIFY.to_vec(),
        crime_report_required: vandalism,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_date;

    #[test]
    fn quarterly_inspection_with_month_end_clamping() {
        let p = Policy::sacramento();
        let d = |s| parse_date(s).unwrap();
        let i = inspection(d("2026-11-30"), d("2027-02-28"), &p);
        assert_eq!(i.due_on, d("2027-02-28"));
        assert!(i.due && !i.overdue);
        assert!(inspection(d("2026-11-30"), d("2027-03-01"), &p).overdue);
        assert!(!inspection(d("2026-11-30"), d("2027-02-27"), &p).due);
        let monthly = Policy {
            inspection_interval_months: 1,
            ..Policy::sacramento()
        };
        assert!(inspection(d("2026-10-27"), d("2026-11-28"), &monthly).overdue);
    }

    #[test]
    fn shift_checks_by_name() {
        let p = Policy::sacramento();
        let mut checks: BTreeMap<String, bool> = p.shift_checks.iter().map(|c| (c.clone(), true)).collect();
        assert!(shift_start(&checks, &p).ready);
        checks.insert("gps_green".into(), false);
        checks.remove("cdms_started");
        checks.insert("coffee".into(), false);
        let s = shift_start(&checks, &p);
        assert!(!s.ready);
        assert_eq!(s.failed, ["cdms_started", "gps_green"]);
        assert!(shift_end(false).upload_unverified && !shift_end(true).upload_unverified);
    }

    #[test]
    fn damaged_equipment_is_out_of_service() {
        let o = damaged_equipment(true);
        assert!(o.out_of_service && !o.operator_may_repair && o.crime_report_required);
        assert!(!damaged_equipment(false).crime_report_required);
        assert_eq!(o.notify, ["alpr_administrator", "psit"]);
    }
}
