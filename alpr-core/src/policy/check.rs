//! `Policy::check`: settings that contradict General Order 525.08 or California law.
//!
//! A profile may differ from `sacramento-525.08` (another agency's order), so a finding is a
//! warning to the administrator who loads it, not a refusal: the caller decides (a deployment
//! tool may refuse to start on any finding). Each finding has a stable code, the field it is
//! about and a short detail.

use std::fmt;

use crate::error::{Code, Error, Result};
use crate::policy::Policy;
use crate::vocab::vocab;

vocab! {
    /// What a [`Finding`] is about.
    FindingCode, Code::InvalidArgument, {
        /// A list kind's maximum age is above the order's (standard 12 h, G.O. §F.1; special and
        /// covert 24 h) or absent (never stale).
        MaxAgeAboveOrder = "max_age_above_order",
        /// Hot plates may live longer than 30 calendar days (G.O. §G.1).
        HotPlateDaysAboveOrder = "hot_plate_days_above_order",
        /// Hot plates also entered in SVS/SLR/SFR/MUPS may live longer than 24 h (G.O. §G.3).
        HotPlateAlsoEnteredHoursAboveOrder = "hot_plate_also_entered_hours_above_order",
        /// The California overlay (Civ. Code §1798.90.55: no sharing outside California public
        /// agencies) is off for a California agency.
        CaliforniaOverlayOff = "california_overlay_off",
        /// A forbidden category is also a permitted purpose of queries.
        ForbiddenCategoryIsPurpose = "forbidden_category_is_purpose",
        /// A list in force holds entries of a category the policy forbids (R-LIST-8).
        ForbiddenCategoryLoaded = "forbidden_category_loaded",
        /// `max_rejected_fraction` is not a fraction between 0 and 1.
        RejectedFractionOutOfRange = "rejected_fraction_out_of_range",
        /// Pattern limits looser than R-MATCH-6 (at least 3 literals, at most 2 `*`, 10 positions).
        PatternLimitsBeyondSpec = "pattern_limits_beyond_spec",
        /// A placeholder plate of R-LIST-6 is missing from `placeholder_plates`.
        PlaceholderMissing = "placeholder_missing",
        /// A retention rule deletes before its minimum keep period (R-RET-1).
        RetentionDeleteBeforeKeep = "retention_delete_before_keep",
        /// A span longer than any agency means ([`MAX_SPAN_YEARS`] years): a retention period,
        /// the training recertification, the access-review idle days or the inspection interval.
        SpanBeyondBound = "span_beyond_bound",
    }
}

/// The longest span a profile may give without a [`FindingCode::SpanBeyondBound`] finding: 100
/// years.
///
/// Retention schedules write periods in years (the order's 2, CJIS's 1, Gov. Code 34090's 2);
/// records kept for good (evidence in a homicide, the audit log) are written as no `delete_after`
/// at all, which the retention module reads as "no automatic deletion". A finite period beyond a
/// century outlives every person in the data and every proceeding it could serve, so it is a typo
/// (`20000d` for `2000d`), a unit mistake, or a stand-in for "for ever" that an auditor would read
/// as a deadline: the finding asks for the span to be fixed or written as no deletion. Training
/// recertification, the access-review idle period and the inspection interval are months to a
/// few years in the order; the same bound catches the same mistakes there.
pub const MAX_SPAN_YEARS: u32 = 100;

/// Whether a span is longer than [`MAX_SPAN_YEARS`]: more than 1200 months in years and months,
/// or more days than any 100 years hold (36 525) counting each month as 28 days.
fn beyond_bound(s: crate::time::CalendarSpan) -> bool {
    let months = u64::from(s.years) * 12 + u64::from(s.months);
    months > u64::from(MAX_SPAN_YEARS) * 12 || min_days(s) > MAX_SPAN_DAYS
}

/// The most days 100 calendar years hold (25 leap years).
const MAX_SPAN_DAYS: u64 = 36_525;

/// One contradiction between a profile and the order or the law.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// What it is about.
    pub code: FindingCode,
    /// The profile field.
    pub field: &'static str,
    /// A short explanation (names numbers, never personal data).
    pub detail: String,
}

/// The placeholders R-LIST-6 names.
const SPEC_PLACEHOLDERS: [&str; 8] = ["UNK", "UNKN", "UNKNOWN", "NONE", "NOPLATE", "NOTAG", "NA", "TEMP"];

/// A calendar span as an upper bound in days (for comparing two spans of one rule).
fn approx_days(s: crate::time::CalendarSpan) -> u64 {
    u64::from(s.years) * 366 + u64::from(s.months) * 31 + u64::from(s.days)
}

/// The same as a lower bound in days.
fn min_days(s: crate::time::CalendarSpan) -> u64 {
    u64::from(s.years) * 365 + u64::from(s.months) * 28 + u64::from(s.days)
}

impl Policy {
    /// The settings of this profile that contradict the order or the law; empty for the built-in
    /// `sacramento-525.08`.
    pub fn check(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut find = |code, field, detail: String| out.push(Finding { code, field, detail });
        for (field, value, limit) in [
            ("max_age_hours.standard", self.max_age_hours.standard, 12),
            ("max_age_hours.special", self.max_age_hours.special, 24),
            ("max_age_hours.covert", self.max_age_hours.covert, 24),
        ] {
            match value {
                Some(h) if h <= limit => {}
                Some(h) => find(
                    FindingCode::MaxAgeAboveOrder,
                    field,
                    format!("{h} h is above the order's {limit} h"),
                ),
                None => find(
                    FindingCode::MaxAgeAboveOrder,
                    field,
                    format!("no maximum age: lists never go stale (the order says {limit} h)"),
                ),
            }
        }
        if self.hot_plate_max_days > 30 {
            find(
                FindingCode::HotPlateDaysAboveOrder,
                "hot_plate_max_days",
                format!("{} days is above the order's 30", self.hot_plate_max_days),
            );
        }
        if self.hot_plate_also_entered_max_hours > 24 {
            find(
                FindingCode::HotPlateAlsoEnteredHoursAboveOrder,
                "hot_plate_also_entered_max_hours",
                format!("{} h is above the order's 24", self.hot_plate_also_entered_max_hours),
            );
        }
        if self.home_state.as_str() == "CA" && !self.california_overlay {
            find(
                FindingCode::CaliforniaOverlayOff,
                "california_overlay",
                "a California agency must apply Civ. Code 1798.90.55 to sharing".to_owned(),
            );
        }
        for c in &self.forbidden_categories {
            if self.purposes.iter().any(|p| p == c.as_str()) {
                find(
                    FindingCode::ForbiddenCategoryIsPurpose,
                    "purposes",
                    format!("{c} is forbidden but is a permitted purpose"),
                );
            }
        }
        if !(0.0..=1.0).contains(&self.max_rejected_fraction) {
            find(
                FindingCode::RejectedFractionOutOfRange,
                "max_rejected_fraction",
                "must be between 0 and 1".to_owned(),
            );
        }
        if self.pattern_min_literals < 3 || self.pattern_max_stars > 2 || self.pattern_max_positions > 10 {
            find(
                FindingCode::PatternLimitsBeyondSpec,
                "pattern_min_literals",
                format!(
                    "limits {}/{}/{} are looser than R-MATCH-6 (3 literals, 2 stars, 10 positions)",
                    self.pattern_min_literals, self.pattern_max_stars, self.pattern_max_positions
                ),
            );
        }
        for p in SPEC_PLACEHOLDERS {
            if !self.placeholder_plates.iter().any(|x| x == p) {
                find(
                    FindingCode::PlaceholderMissing,
                    "placeholder_plates",
                    format!("{p} is not refused as a placeholder"),
                );
            }
        }
        for (class, rule) in &self.retention {
            if rule
                .delete_after
                .is_some_and(|d| approx_days(d) < min_days(rule.keep_at_least))
            {
                find(
                    FindingCode::RetentionDeleteBeforeKeep,
                    "retention",
                    format!("{class} is deleted before its minimum keep period"),
                );
            }
            for (what, span) in [
                ("keep_at_least", Some(rule.keep_at_least)),
                ("delete_after", rule.delete_after),
            ] {
                if span.is_some_and(beyond_bound) {
                    find(
                        FindingCode::SpanBeyondBound,
                        "retention",
                        format!(
                            "{class} {what} is longer than {MAX_SPAN_YEARS} years (write permanent retention as no delete_after)"
                        ),
                    );
                }
            }
        }
        if beyond_bound(self.training_recertification) {
            find(
                FindingCode::SpanBeyondBound,
                "training_recertification",
                format!("longer than {MAX_SPAN_YEARS} years (the order says 2)"),
            );
        }
        if u64::from(self.access_review_idle_days) > MAX_SPAN_DAYS {
            find(
                FindingCode::SpanBeyondBound,
                "access_review_idle_days",
                format!(
                    "{} days is longer than {MAX_SPAN_YEARS} years",
                    self.access_review_idle_days
                ),
            );
        }
        if self.inspection_interval_months > MAX_SPAN_YEARS * 12 {
            find(
                FindingCode::SpanBeyondBound,
                "inspection_interval_months",
                format!(
                    "{} months is longer than {MAX_SPAN_YEARS} years",
                    self.inspection_interval_months
                ),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Category;

    #[test]
    fn sacramento_has_no_findings() {
        assert_eq!(Policy::sacramento().check(), vec![]);
    }

    #[test]
    fn contradictions_are_found() {
        let mut p = Policy::sacramento();
        p.max_age_hours.standard = Some(13);
        p.max_age_hours.covert = None;
        p.hot_plate_max_days = 31;
        p.hot_plate_also_entered_max_hours = 48;
        p.california_overlay = false;
        p.forbidden_categories = vec![Category::StolenPlate];
        p.max_rejected_fraction = 1.5;
        p.pattern_max_stars = 3;
        p.placeholder_plates.retain(|x| x != "UNK");
        if let Some(r) = p.retention.get_mut("detection") {
            r.delete_after = Some(crate::time::CalendarSpan::days(30));
        }
        let codes: Vec<&str> = p.check().iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            vec![
                "max_age_above_order",
                "max_age_above_order",
                "hot_plate_days_above_order",
                "hot_plate_also_entered_hours_above_order",
                "california_overlay_off",
                "forbidden_category_is_purpose",
                "rejected_fraction_out_of_range",
                "pattern_limits_beyond_spec",
                "placeholder_missing",
                "retention_delete_before_keep",
            ]
        );
        let f = &p.check()[0];
        assert_eq!(
            (f.field, f.detail.as_str()),
            ("max_age_hours.standard", "13 h is above the order's 12 h")
        );
        // Limits at the order's values are fine; a non-California agency may turn the overlay off.
        let mut q = Policy::sacramento();
        q.hot_plate_max_days = 30;
        q.home_state = crate::plate::Jurisdiction::parse("NV").unwrap();
        q.california_overlay = false;
        assert!(q.check().is_empty());
        assert_eq!(
            FindingCode::parse("placeholder_missing").unwrap(),
            FindingCode::PlaceholderMissing
        );
    }

    #[test]
    fn spans_beyond_a_century_are_found() {
        use crate::time::CalendarSpan;
        let span = |s: &str| s.parse::<CalendarSpan>().unwrap();
        // At the bound: no finding.
        let mut p = Policy::sacramento();
        p.retention.insert(
            "century".into(),
            crate::policy::RetentionRule {
                keep_at_least: span("100y"),
                delete_after: Some(span("1200m")),
            },
        );
        p.retention.insert(
            "days".into(),
            crate::policy::RetentionRule {
                keep_at_least: span("36525d"),
                delete_after: None,
            },
        );
        p.training_recertification = span("100y");
        p.access_review_idle_days = 36_525;
        p.inspection_interval_months = 1200;
        assert_eq!(p.check(), vec![]);
        // Past it, each once; issue 15's 4294967295y among them.
        let mut q = p.clone();
        if let Some(r) = q.retention.get_mut("century") {
            r.delete_after = Some(span("4294967295y"));
        }
        if let Some(r) = q.retention.get_mut("days") {
            r.keep_at_least = span("36526d");
        }
        q.retention.insert(
            "mixed".into(),
            crate::policy::RetentionRule {
                keep_at_least: span("99y11m60d"),
                delete_after: Some(span("4294967295y4294967295m4294967295d")),
            },
        );
        q.training_recertification = span("100y1m");
        q.access_review_idle_days = u32::MAX;
        q.inspection_interval_months = 1201;
        let findings = q.check();
        let found: Vec<(&str, &str)> = findings
            .iter()
            .filter(|f| f.code == FindingCode::SpanBeyondBound)
            .map(|f| (f.field, f.detail.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "retention",
                    "century delete_after is longer than 100 years (write permanent retention as no delete_after)"
                ),
                (
                    "retention",
                    "days keep_at_least is longer than 100 years (write permanent retention as no delete_after)"
                ),
                (
                    "retention",
                    "mixed delete_after is longer than 100 years (write permanent retention as no delete_after)"
                ),
                ("training_recertification", "longer than 100 years (the order says 2)"),
                ("access_review_idle_days", "4294967295 days is longer than 100 years"),
                ("inspection_interval_months", "1201 months is longer than 100 years"),
            ]
        );
        assert_eq!(
            FindingCode::parse("span_beyond_bound").unwrap(),
            FindingCode::SpanBeyondBound
        );
    }
}
