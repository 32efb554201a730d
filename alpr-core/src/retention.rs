//! Retention and legal holds (R-RET-1…6): when a stored record must go, when it may go, and a
//! purge plan over millions of ids.
//!
//! Data classes (`detection`, `pod_video`, `hit`, `audit_record`, or an agency's own) and their
//! spans come from the policy profile ([`Policy::retention`]). Spans are calendar spans counted in
//! the agency time zone with month-end clamping (captured 2024-02-29 + 2 years = 2026-02-28, R-RET-2).
//!
//! ```
//! use alpr_core::retention::{PlanRecord, RetentionRules};
//! use alpr_core::time::parse_instant;
//! let rules = RetentionRules::from_policy(&alpr_core::Policy::sacramento());
//! let detection = rules.class("detection")?;
//! let captured = parse_instant("2024-02-29T10:00:00-08:00")?;
//! assert_eq!(rules.delete_after(detection, captured), Some(parse_instant("2026-02-28T10:00:00-08:00")?));
//! let records = [PlanRecord { id: 7, class: detection, captured_at: captured }];
//! let plan = rules.plan(&records, &Default::default(), parse_instant("2026-02-28T10:00:00-08:00")?);
//! assert!(plan.due.contains(7));
//! # Ok::<(), alpr_core::Error>(())
//! ```
//!
//! Record ids are `u64` (real stores number rows with 64-bit keys); the sets of a plan are
//! [`RoaringTreemap`]s, compressed bitmaps of `u64`.

use std::fmt;

use chrono_tz::Tz;
use roaring::RoaringTreemap;
use sha2::{Digest, Sha256};

use crate::audit::hex;
use crate::error::{Code, Error, Result};
use crate::policy::{Policy, RetentionRule};
use crate::time::{Instant, add_calendar};
use crate::vocab::vocab;

/// The index of a data class in a [`RetentionRules`] table (stable for that table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassId(pub u8);

/// The retention rules of a policy, indexed for fast lookups.
#[derive(Clone, Debug)]
pub struct RetentionRules {
    tz: Tz,
    policy_version: String,
    classes: Vec<(String, RetentionRule)>,
}

/// One record handed to [`RetentionRules::plan`]: 24 bytes, so ten million fit in 240 MB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanRecord {
    /// The record's id in its store.
    pub id: u64,
    /// Its data class (from [`RetentionRules::class`]).
    pub class: ClassId,
    /// When it was captured.
    pub captured_at: Instant,
}

/// A purge plan (R-RET-4): exact sets of ids.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PurgePlan {
    /// Past delete-after and not held: must be purged now.
    pub due: RoaringTreemap,
    /// Past delete-after but under legal hold: kept.
    pub held: RoaringTreemap,
    /// Past keep-at-least, in a class without delete-after, not held: may be purged.
    pub eligible: RoaringTreemap,
    /// The earliest time a record not yet due (and not held) becomes due.
    pub next_due_at: Option<Instant>,
}

/// Slack around a threshold inside which a record's deadline is computed exactly. Local time may
/// run backwards across a fall-back change (by an hour, at most a few hours in any zone), so two
/// captures more than this apart always have deadlines in the same order.
const EXACT_BAND_MS: i64 = 2 * 24 * 3600 * 1000;

/// A deadline function over capture times, with a precomputed threshold for `now`.
#[derive(Clone, Copy, Debug)]
struct Cut {
    /// Captures at or before `lo - EXACT_BAND_MS` are past the deadline.
    lo: i64,
    /// Captures at or after `hi + EXACT_BAND_MS` are not.
    hi: i64,
}

/// A fast test "is a record of this class captured at `t` due at `now`" (R-RET-6 at query time).
/// Build it once per query with [`RetentionRules::due_filter`].
#[derive(Clone, Debug)]
pub struct DueFilter {
    rules: RetentionRules,
    class: ClassId,
    now: Instant,
    cut: Option<Cut>,
}

impl DueFilter {
    /// Whether a record captured at `captured_at` is due for purge (not counting holds).
    pub fn is_past_delete_after(&self, captured_at: Instant) -> bool {
        let Some(cut) = self.cut else { return false };
        let t = captured_at.timestamp_millis();
        if t <= cut.lo.saturating_sub(EXACT_BAND_MS) {
            true
        } else if t >= cut.hi.saturating_add(EXACT_BAND_MS) {
            false
        } else {
            self.rules
                .delete_after(self.class, captured_at)
                .is_some_and(|d| d <= self.now)
        }
    }

    /// Whether the record is due for purge: past delete-after and not held (R-RET-3, R-RET-6).
    pub fn is_due(&self, captured_at: Instant, held: bool) -> bool {
        !held && self.is_past_delete_after(captured_at)
    }
}

/// The instant of `ms`, clamped to chrono's range (the binary search probes past it near the ends).
fn from_ms(ms: i64) -> Instant {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or(if ms < 0 { Instant::MIN_UTC } else { Instant::MAX_UTC })
}

impl RetentionRules {
    /// The rules of a policy's `retention` table.
    pub fn from_policy(policy: &Policy) -> RetentionRules {
        RetentionRules {
            tz: policy.time_zone,
            policy_version: policy.version.clone(),
            classes: policy
                .retention
                .iter()
                .take(usize::from(u8::MAX))
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
        }
    }

    /// The id of a data class.
    ///
    /// # Errors
    /// `invalid_argument` for a class the policy does not define.
    pub fn class(&self, name: &str) -> Result<ClassId> {
        self.classes
            .iter()
            .position(|(k, _)| k == name)
            .map(|i| ClassId(i as u8))
            .ok_or_else(|| Error::new(Code::InvalidArgument).with_detail("unknown data class"))
    }

    /// The name of a class id (empty for an id from another table).
    pub fn class_name(&self, class: ClassId) -> &str {
        self.classes.get(usize::from(class.0)).map_or("", |(k, _)| k.as_str())
    }

    /// The classes of this table, in id order.
    pub fn class_names(&self) -> impl Iterator<Item = &str> {
        self.classes.iter().map(|(k, _)| k.as_str())
    }

    /// The policy version these rules came from (written into purge receipts).
    pub fn policy_version(&self) -> &str {
        &self.policy_version
    }

    /// The rule of a class.
    pub fn rule(&self, class: ClassId) -> Option<&RetentionRule> {
        self.classes.get(usize::from(class.0)).map(|(_, r)| r)
    }

    /// Until when a record must be kept (R-RET-1); `None` for a class the table does not define,
    /// or when that time is after the last representable instant (the record is kept for ever).
    pub fn keep_until(&self, class: ClassId, captured_at: Instant) -> Option<Instant> {
        self.rule(class)
            .and_then(|r| add_calendar(captured_at, r.keep_at_least, self.tz).ok())
    }

    /// When a record becomes due for purge (never before its keep-at-least), or `None` for a class
    /// without automatic deletion (R-RET-1, R-RET-2) and for a deadline after the last
    /// representable instant (+262142-12-31): such a record is never due, at any `now` the library
    /// can be given (see DESIGN.md, "Time at the edges").
    pub fn delete_after(&self, class: ClassId, captured_at: Instant) -> Option<Instant> {
        let r = self.rule(class)?;
        let del = add_calendar(captured_at, r.delete_after?, self.tz).ok()?;
        let keep = add_calendar(captured_at, r.keep_at_least, self.tz).ok()?;
        Some(del.max(keep))
    }

    /// Whether a record is due for purge at `now`: past delete-after and not held (R-RET-3). A
    /// search must never return such a record (R-RET-6).
    pub fn is_due(&self, class: ClassId, captured_at: Instant, now: Instant, held: bool) -> bool {
        !held && self.delete_after(class, captured_at).is_some_and(|d| d <= now)
    }

    /// A filter answering [`RetentionRules::is_due`] for one class and `now` without calendar
    /// arithmetic for all but the records near the threshold (for scans over many records).
    pub fn due_filter(&self, class: ClassId, now: Instant) -> DueFilter {
        let cut = self
            .rule(class)
            .and_then(|r| r.delete_after)
            .and_then(|_| Self::cut(now, |t| self.delete_after(class, t)));
        DueFilter {
            rules: self.clone(),
            class,
            now,
            cut,
        }
    }

    /// Binary-searches the capture time at which `deadline` passes `now`. `None` when the search
    /// bounds do not bracket it (then every record is computed exactly).
    fn cut(now: Instant, deadline: impl Fn(Instant) -> Option<Instant>) -> Option<Cut> {
        const YEAR_MS: i64 = 366 * 24 * 3600 * 1000;
        let now_ms = now.timestamp_millis();
        let passed = |ms: i64| deadline(from_ms(ms)).is_some_and(|d| d <= now);
        let mut lo = now_ms.saturating_sub(1000 * YEAR_MS);
        let mut hi = now_ms.saturating_add(EXACT_BAND_MS);
        if !passed(lo) || passed(hi) {
            return None;
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if passed(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Some(Cut { lo, hi })
    }

    /// The purge plan over `records` at `now` with the ids under legal hold (R-RET-4).
    ///
    /// Linear in the records; calendar arithmetic is done once per class (a binary search for the
    /// threshold) and only for records within two days of it.
    pub fn plan(&self, records: &[PlanRecord], holds: &RoaringTreemap, now: Instant) -> PurgePlan {
        let n = self.classes.len();
        let mut due_cut: Vec<Option<Cut>> = Vec::with_capacity(n);
        let mut keep_cut: Vec<Option<Cut>> = Vec::with_capacity(n);
        for i in 0..n {
            let c = ClassId(i as u8);
            let has_delete = self.classes[i].1.delete_after.is_some();
            due_cut.push(if has_delete {
                Self::cut(now, |t| self.delete_after(c, t))
            } else {
                None
            });
            keep_cut.push(if has_delete {
                None
            } else {
                Self::cut(now, |t| self.keep_until(c, t))
            });
        }
        let mut plan = PurgePlan::default();
        // Per class, the earliest capture that is not yet due (and not held).
        let mut earliest_pending: Vec<Option<i64>> = vec![None; n];
        let classify = |cut: Option<Cut>, t: i64, exact: &dyn Fn() -> bool| -> bool {
            match cut {
                Some(c) if t <= c.lo.saturating_sub(EXACT_BAND_MS) => true,
                Some(c) if t >= c.hi.saturating_add(EXACT_BAND_MS) => false,
                _ => exact(),
            }
        };
        for r in records {
            let i = usize::from(r.class.0);
            let Some((_, rule)) = self.classes.get(i) else { continue };
            let t = r.captured_at.timestamp_millis();
            if rule.delete_after.is_some() {
                let past = classify(due_cut[i], t, &|| {
                    self.delete_after(r.class, r.captured_at).is_some_and(|d| d <= now)
                });
                if past {
                    // Split into due and held after the loop, with bitmap operations.
                    plan.due.insert(r.id);
                } else if earliest_pending[i].is_none_or(|e| t < e) && !holds.contains(r.id) {
                    earliest_pending[i] = Some(t);
                }
            } else {
                let past = classify(keep_cut[i], t, &|| {
                    self.keep_until(r.class, r.captured_at).is_some_and(|d| d <= now)
                });
                if past {
                    plan.eligible.insert(r.id);
                }
            }
        }
        plan.held = &plan.due & holds;
        plan.due -= holds;
        plan.eligible -= holds;
        // Deadlines are in capture order except within the band, so the earliest deadline is that
        // of a pending record within the band of the earliest pending capture.
        if earliest_pending.iter().any(Option::is_some) {
            for r in records {
                let i = usize::from(r.class.0);
                let Some(Some(e)) = earliest_pending.get(i) else {
                    continue;
                };
                let t = r.captured_at.timestamp_millis();
                // Pending records are captured at or after `e`; earlier ones are past.
                if t < *e || t > e.saturating_add(EXACT_BAND_MS) || holds.contains(r.id) {
                    continue;
                }
                if let Some(d) = self.delete_after(r.class, r.captured_at)
                    && d > now
                    && plan.next_due_at.is_none_or(|x| d < x)
                {
                    plan.next_due_at = Some(d);
                }
            }
        }
        plan
    }
}

vocab! {
    /// The kind of proceeding a legal hold preserves evidence for (R-RET-3, G.O. §E.1).
    HoldKind, Code::InvalidArgument, {
        /// A criminal proceeding.
        Criminal = 0 => "criminal",
        /// A civil proceeding.
        Civil = 1 => "civil",
        /// An administrative proceeding.
        Administrative = 2 => "administrative",
    }
}

/// A legal hold on one record (R-RET-3): never purged while the hold is active.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LegalHold {
    /// The record held.
    pub record_id: u64,
    /// The case the record is evidence in.
    pub case_number: String,
    /// The kind of proceeding.
    pub kind: HoldKind,
    /// Who placed it.
    pub placed_by: String,
    /// When it was placed.
    pub placed_at: Instant,
    /// When it was released, if it was.
    #[serde(default)]
    pub released_at: Option<Instant>,
}

/// The legal holds of a store; [`LegalHolds::active`] gives the ids for a plan.
#[derive(Clone, Debug, Default)]
pub struct LegalHolds {
    holds: Vec<LegalHold>,
}

impl LegalHolds {
    /// No holds.
    pub fn new() -> LegalHolds {
        LegalHolds::default()
    }

    /// Places a hold.
    ///
    /// # Errors
    /// `case_number_required` when the case number is blank (a hold names its case).
    pub fn place(&mut self, hold: LegalHold) -> Result<()> {
        if hold.case_number.trim().is_empty() {
            return Err(Error::new(Code::CaseNumberRequired).with_detail("a legal hold names its case"));
        }
        self.holds.push(hold);
        Ok(())
    }

    /// Releases every active hold of `case_number` on `record_id`; returns how many were released.
    /// An overdue record becomes due at the next plan (R-RET-3). Case numbers compare without
    /// surrounding white space, as a placed hold's case must not be blank by the same measure.
    pub fn release(&mut self, record_id: u64, case_number: &str, at: Instant) -> usize {
        let case_number = case_number.trim();
        let mut n = 0;
        for h in &mut self.holds {
            if h.record_id == record_id && h.case_number.trim() == case_number && h.released_at.is_none() {
                h.released_at = Some(at);
                n += 1;
            }
        }
        n
    }

    /// The ids under at least one active hold.
    pub fn active(&self) -> RoaringTreemap {
        self.holds
            .iter()
            .filter(|h| h.released_at.is_none())
            .map(|h| h.record_id)
            .collect()
    }

    /// Every hold, released ones included (the record of who held what).
    pub fn all(&self) -> &[LegalHold] {
        &self.holds
    }
}

/// Proof of a purge (R-RET-5): how many and which ids (as a SHA-256 over the sorted ids, each as
/// 8 bytes big-endian), under which policy version, when.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PurgeReceipt {
    /// Number of ids purged.
    pub count: u64,
    /// The policy version in force.
    pub policy_version: String,
    /// When the purge ran.
    pub purged_at: Instant,
    /// Lower-case hex SHA-256 over the sorted ids (8 bytes big-endian each).
    pub ids_sha256: String,
}

impl PurgeReceipt {
    /// The receipt for purging `ids` (a bitmap iterates in ascending order).
    pub fn new(ids: &RoaringTreemap, policy_version: &str, purged_at: Instant) -> PurgeReceipt {
        let mut h = Sha256::new();
        for id in ids {
            h.update(id.to_be_bytes());
        }
        PurgeReceipt {
            count: ids.len(),
            policy_version: policy_version.to_owned(),
            purged_at,
            ids_sha256: hex(&h.finalize()),
        }
    }

    /// The audit record of this purge (R-AUDIT-1, R-RET-5).
    pub fn audit_record(&self, user: &str, agency: &str) -> crate::audit::AuditRecord {
        let mut r = crate::audit::AuditRecord::new(self.purged_at, user, agency, "purge", crate::audit::Outcome::Ok);
        r.details.insert("count".to_owned(), self.count.to_string());
        r.details
            .insert("policy_version".to_owned(), self.policy_version.clone());
        r.details.insert("ids_sha256".to_owned(), self.ids_sha256.clone());
        r
    }

    /// Appends this receipt to the audit log (fail closed: `audit_write_failed` means the purge
    /// must not be committed).
    ///
    /// # Errors
    /// `audit_write_failed`.
    pub fn write_to<S: crate::audit::AuditStore>(
        &self,
        log: &mut crate::audit::AuditLog<S>,
        user: &str,
        agency: &str,
    ) -> Result<crate::audit::Head> {
        log.append(self.audit_record(user, agency))
    }
}

impl fmt::Display for PurgeReceipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "purged {} records under {} at {} (sha256 {})",
            self.count,
            self.policy_version,
            self.purged_at.to_rfc3339(),
            self.ids_sha256
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{CalendarSpan, parse_instant};
    use proptest::prelude::*;

    fn t(s: &str) -> Instant {
        parse_instant(s).unwrap()
    }

    #[test]
    fn leap_day_and_boundaries() {
        let rules = RetentionRules::from_policy(&Policy::sacramento());
        let d = rules.class("detection").unwrap();
        let cap = t("2024-02-29T10:00:00-08:00");
        assert_eq!(rules.delete_after(d, cap), Some(t("2026-02-28T10:00:00-08:00")));
        assert!(rules.is_due(d, cap, t("2026-02-28T10:00:00-08:00"), false));
        assert!(!rules.is_due(d, cap, t("2026-02-28T10:00:00-08:00"), true));
        assert!(!rules.is_due(d, cap, t("2026-02-28T09:59:59-08:00"), false));
        let pod = rules.class("pod_video").unwrap();
        assert_eq!(rules.delete_after(pod, cap), None);
        assert!(rules.class("nope").is_err());
    }

    #[test]
    fn receipt_hashes_sorted_ids() {
        let ids: RoaringTreemap = [3u64, 1, 2].into_iter().collect();
        let r = PurgeReceipt::new(&ids, "v1", t("2026-01-01T00:00:00Z"));
        let mut h = Sha256::new();
        for i in [1u64, 2, 3] {
            h.update(i.to_be_bytes());
        }
        assert_eq!(r.ids_sha256, hex(&h.finalize()));
        assert_eq!(r.count, 3);
        let rec = r.audit_record("purger", "SPD");
        assert_eq!(rec.details["count"], "3");
    }

    #[test]
    fn holds_release_makes_due() {
        let rules = RetentionRules::from_policy(&Policy::sacramento());
        let d = rules.class("detection").unwrap();
        let recs = [PlanRecord {
            id: 9,
            class: d,
            captured_at: t("2020-01-01T00:00:00Z"),
        }];
        let mut holds = LegalHolds::new();
        let hold = LegalHold {
            record_id: 9,
            case_number: "26-1".into(),
            kind: HoldKind::Criminal,
            placed_by: "sup".into(),
            placed_at: t("2021-01-01T00:00:00Z"),
            released_at: None,
        };
        assert!(
            holds
                .place(LegalHold {
                    case_number: " ".into(),
                    ..hold.clone()
                })
                .is_err()
        );
        holds.place(hold).unwrap();
        let now = t("2026-01-01T00:00:00Z");
        let p = rules.plan(&recs, &holds.active(), now);
        assert!(p.held.contains(9) && p.due.is_empty());
        assert_eq!(holds.release(9, "26-1", now), 1);
        let p = rules.plan(&recs, &holds.active(), now);
        assert!(p.due.contains(9) && p.held.is_empty());
    }

    #[test]
    fn a_hold_is_released_by_its_case_number_as_typed() {
        // A case number is compared without surrounding white space, on placing (blank is
        // refused) and on releasing: a hold placed as " 26-1" is released by "26-1 ".
        let mut holds = LegalHolds::new();
        let now = t("2026-01-01T00:00:00Z");
        holds
            .place(LegalHold {
                record_id: 9,
                case_number: " 26-1".into(),
                kind: HoldKind::Civil,
                placed_by: "sup".into(),
                placed_at: now,
                released_at: None,
            })
            .unwrap();
        assert_eq!(holds.release(9, "26-2", now), 0);
        assert!(holds.active().contains(9));
        assert_eq!(holds.release(9, "26-1 ", now), 1);
        assert!(holds.active().is_empty());
    }

    /// The plan by the letter of R-RET-4, record by record.
    fn naive(rules: &RetentionRules, records: &[PlanRecord], holds: &RoaringTreemap, now: Instant) -> PurgePlan {
        let mut p = PurgePlan::default();
        for r in records {
            let held = holds.contains(r.id);
            match rules.delete_after(r.class, r.captured_at) {
                Some(d) if d <= now => {
                    if held {
                        p.held.insert(r.id);
                    } else {
                        p.due.insert(r.id);
                    }
                }
                Some(d) => {
                    if !held && p.next_due_at.is_none_or(|x| d < x) {
                        p.next_due_at = Some(d);
                    }
                }
                // A deadline past the representable range: never due.
                None if rules.rule(r.class).is_some_and(|rule| rule.delete_after.is_some()) => {}
                None => {
                    if !held && rules.keep_until(r.class, r.captured_at).is_some_and(|k| k <= now) {
                        p.eligible.insert(r.id);
                    }
                }
            }
        }
        p
    }

    #[test]
    fn a_deadline_past_the_range_is_never_due() {
        // Issue 15: a span `Policy::check` flags, and a record at the last instant, used to panic.
        let mut policy = Policy::sacramento();
        policy.retention.insert(
            "forever".into(),
            RetentionRule {
                keep_at_least: CalendarSpan::days(1),
                delete_after: Some("4294967295y".parse().unwrap()),
            },
        );
        let rules = RetentionRules::from_policy(&policy);
        let (forever, d) = (rules.class("forever").unwrap(), rules.class("detection").unwrap());
        let now = t("2026-11-28T12:00:00-08:00");
        let recs = [
            PlanRecord {
                id: 1,
                class: forever,
                captured_at: t("2020-01-01T00:00:00Z"),
            },
            PlanRecord {
                id: 2,
                class: d,
                captured_at: Instant::MAX_UTC,
            },
            PlanRecord {
                id: 3,
                class: d,
                captured_at: t("2020-01-01T00:00:00Z"),
            },
            PlanRecord {
                id: 4,
                class: d,
                captured_at: Instant::MIN_UTC,
            },
        ];
        assert_eq!(rules.delete_after(forever, recs[0].captured_at), None);
        assert_eq!(rules.delete_after(d, Instant::MAX_UTC), None);
        for now in [now, Instant::MAX_UTC, Instant::MIN_UTC] {
            let p = rules.plan(&recs, &RoaringTreemap::new(), now);
            assert_eq!(p, naive(&rules, &recs, &RoaringTreemap::new(), now));
            // Neither 1 nor 2 is ever due, nor eligible (their classes delete), nor next due.
            assert!(!p.due.contains(1) && !p.due.contains(2) && !p.eligible.contains(1));
        }
        let p = rules.plan(&recs, &RoaringTreemap::new(), now);
        assert_eq!(p.due.iter().collect::<Vec<_>>(), vec![3, 4]);
        assert_eq!(p.next_due_at, None);
        let p = rules.plan(&recs, &RoaringTreemap::new(), Instant::MIN_UTC);
        assert!(p.due.is_empty());
        // The first instant's local time in Los Angeles is before chrono's range: counted in UTC.
        let two_years_on = chrono::NaiveDate::from_ymd_opt(-262_141, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        assert_eq!(p.next_due_at, Some(two_years_on));
    }

    fn edge_instant() -> impl Strategy<Value = Instant> {
        let (min, max) = (Instant::MIN_UTC.timestamp_millis(), Instant::MAX_UTC.timestamp_millis());
        prop_oneof![
            Just(Instant::MIN_UTC),
            Just(Instant::MAX_UTC),
            (min..=max).prop_map(from_ms),
            (0..4 * 365 * 86_400_000i64).prop_map(move |d| from_ms(max - d)),
            (0..4 * 365 * 86_400_000i64).prop_map(move |d| from_ms(min + d)),
            any::<i64>().prop_map(from_ms),
        ]
    }

    fn edge_span() -> impl Strategy<Value = CalendarSpan> {
        prop_oneof![
            (0u32..5, 0u32..30, 0u32..800).prop_map(|(years, months, days)| CalendarSpan { years, months, days }),
            any::<u32>().prop_map(CalendarSpan::years),
            (any::<u32>(), any::<u32>(), any::<u32>()).prop_map(|(years, months, days)| CalendarSpan {
                years,
                months,
                days
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// No panic at the ends of chrono's range or with spans up to `u32::MAX` years, and the
        /// fast plan still agrees with R-RET-4 record by record.
        #[test]
        fn plan_is_total_at_the_edges(
            caps in proptest::collection::vec((0u64..64, 0u8..5, edge_instant()), 0..24),
            now in edge_instant(),
            keep in edge_span(),
            delete in proptest::option::of(edge_span()),
            holds in proptest::collection::vec(0u64..64, 0..8),
        ) {
            let mut policy = Policy::sacramento();
            policy.retention.insert("edge".into(), RetentionRule { keep_at_least: keep, delete_after: delete });
            let rules = RetentionRules::from_policy(&policy);
            let records: Vec<PlanRecord> = caps.iter().map(|&(id, c, captured_at)| PlanRecord {
                id,
                class: ClassId(c % rules.classes.len() as u8),
                captured_at,
            }).collect();
            let holds: RoaringTreemap = holds.into_iter().collect();
            let fast = rules.plan(&records, &holds, now);
            let slow = naive(&rules, &records, &holds, now);
            prop_assert_eq!(&fast.due, &slow.due);
            prop_assert_eq!(&fast.held, &slow.held);
            prop_assert_eq!(&fast.eligible, &slow.eligible);
            prop_assert_eq!(fast.next_due_at, slow.next_due_at);
            for r in &records {
                let f = rules.due_filter(r.class, now);
                prop_assert_eq!(f.is_due(r.captured_at, false), rules.is_due(r.class, r.captured_at, now, false));
                // A deadline is never before the capture (less a fall-back hour).
                if let Some(d) = rules.delete_after(r.class, r.captured_at) {
                    prop_assert!(r.captured_at.checked_sub_signed(chrono::Duration::days(1)).is_none_or(|c| d >= c));
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn plan_agrees_with_naive(
            recs in proptest::collection::vec((0u64..400, 0u8..4, -200_000_000i64..200_000_000), 0..120),
            holds in proptest::collection::vec(0u64..400, 0..30),
            near in any::<bool>(),
            keep_days in 0u32..800,
        ) {
            let mut policy = Policy::sacramento();
            // A class whose keep-at-least outlasts delete-after, to exercise the max of the two.
            policy.retention.insert("odd".into(), RetentionRule {
                keep_at_least: CalendarSpan::days(keep_days),
                delete_after: Some(CalendarSpan::months(13)),
            });
            let rules = RetentionRules::from_policy(&policy);
            // "now" two years after an origin close to a DST change, captures within ±2.3 days
            // of it (near) or ±2.3 months (far), so both the band and the fast path are used.
            let origin = t("2024-11-03T01:30:00-07:00").timestamp_millis();
            let now = from_ms(origin + 730 * 86_400_000);
            let scale = if near { 1 } else { 30 };
            let records: Vec<PlanRecord> = recs.iter().map(|&(id, c, off)| PlanRecord {
                id,
                class: ClassId(c % rules.classes.len() as u8),
                captured_at: from_ms(origin + off * scale),
            }).collect();
            let holds: RoaringTreemap = holds.into_iter().collect();
            let fast = rules.plan(&records, &holds, now);
            let slow = naive(&rules, &records, &holds, now);
            // Duplicate ids may fall in two sets in both; compare set by set.
            prop_assert_eq!(&fast.due, &slow.due);
            prop_assert_eq!(&fast.held, &slow.held);
            prop_assert_eq!(&fast.eligible, &slow.eligible);
            prop_assert_eq!(fast.next_due_at, slow.next_due_at);
            for r in &records {
                let f = rules.due_filter(r.class, now);
                prop_assert_eq!(f.is_due(r.captured_at, false), rules.is_due(r.class, r.captured_at, now, false));
            }
        }

        #[test]
        fn due_is_monotonic_in_now(off in 0i64..100_000_000_000, step in 0i64..10_000_000_000) {
            let rules = RetentionRules::from_policy(&Policy::sacramento());
            let d = rules.class("detection").unwrap();
            let cap = t("2024-03-10T01:00:00-08:00");
            let now = from_ms(cap.timestamp_millis() + off);
            let later = from_ms(now.timestamp_millis() + step);
            prop_assert!(!rules.is_due(d, cap, now, false) || rules.is_due(d, cap, later, false));
        }
    }
}
