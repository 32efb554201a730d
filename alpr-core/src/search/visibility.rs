//! The retention boundary a search applies (R-RET-6): due detections stay hidden unless held.

use std::collections::HashSet;

use crate::policy::Policy;
use crate::retention::{ClassId, RetentionRules};
use crate::time::{CalendarSpan, Instant, floor_ms, instant_of_ms};

/// The retention rule of the `detection` class at one instant (R-RET-1, R-RET-2, R-RET-6): a
/// detection is due when the retention module says so ([`RetentionRules::delete_after`] at or
/// before `now`). Search only adds a band of capture times around the boundary so that it asks the
/// rule for few rows; the rule itself lives once, in [`crate::retention`].
#[derive(Clone, Debug)]
pub struct DueRule {
    rules: RetentionRules,
    class: ClassId,
    /// The instant of the search.
    pub now: Instant,
}

impl DueRule {
    /// The rule of `class` in `rules` at `now`; `None` when the class is unknown or has no
    /// automatic deletion.
    pub fn new(rules: RetentionRules, class: ClassId, now: Instant) -> Option<DueRule> {
        rules.rule(class)?.delete_after?;
        Some(DueRule { rules, class, now })
    }

    /// Whether a detection captured at Unix millisecond `captured_ms` is due for purge.
    pub fn is_due_ms(&self, captured_ms: i64) -> bool {
        instant_of_ms(captured_ms).is_none_or(|t| self.rules.is_due(self.class, t, self.now, false))
    }

    /// Bounds `(lo, hi)` in Unix ms: every capture before `lo` is due, every capture at or after
    /// `hi` is not; in between, [`Self::is_due_ms`] decides. A calendar month lasts 28 to 31
    /// days, a year 365 or 366, and clamping or a time-zone change moves a date by less than 2
    /// more days, so the band is a few days wide and holds few rows of any one plate. The
    /// effective span is the later of keep-at-least and delete-after.
    pub(crate) fn band_ms(&self) -> (i64, i64) {
        const DAY: i64 = 86_400_000;
        let bounds = |s: CalendarSpan| {
            let (y, m, d) = (i64::from(s.years), i64::from(s.months), i64::from(s.days));
            (
                (y * 366 + m * 31 + d + 2).saturating_mul(DAY),
                (y * 365 + m * 28 + d - 2).saturating_mul(DAY),
            )
        };
        let Some(rule) = self.rules.rule(self.class) else {
            return (i64::MIN, i64::MIN);
        };
        let (kl, ks) = bounds(rule.keep_at_least);
        let (dl, ds) = rule.delete_after.map_or((kl, ks), bounds);
        let (longest, shortest) = (kl.max(dl), ks.max(ds));
        let now = floor_ms(self.now);
        (
            now.saturating_sub(longest),
            now.saturating_sub(shortest).saturating_add(1),
        )
    }
}

/// The retention boundary of a search (R-RET-6): detections due for purge under `rule` are never
/// returned, unless their id is under legal hold (R-RET-3).
#[derive(Clone, Debug, Default)]
pub struct Retention {
    /// The delete-after rule at the time of the search; `None` when nothing is due.
    pub rule: Option<DueRule>,
    /// Ids of detections under legal hold: visible even when due.
    pub held: HashSet<u64>,
}

impl Retention {
    /// No retention boundary (every stored detection is visible). For tests and tools that
    /// apply retention elsewhere.
    pub fn keep_all() -> Retention {
        Retention::default()
    }

    /// The boundary of the policy's `detection` class at `now`, with the given holds.
    pub fn for_detections(policy: &Policy, now: Instant, held: HashSet<u64>) -> Retention {
        Retention {
            rule: detection_due_rule(policy, now),
            held,
        }
    }

    /// Whether the detection `id` captured at `captured_ms` is visible.
    pub fn is_visible(&self, id: u64, captured_ms: i64) -> bool {
        self.rule.as_ref().is_none_or(|r| !r.is_due_ms(captured_ms)) || self.held.contains(&id)
    }
}

/// The retention rule of the policy's `detection` class at `now` (R-RET-1, R-RET-2); `None`
/// when the policy deletes no detections.
pub fn detection_due_rule(policy: &Policy, now: Instant) -> Option<DueRule> {
    let rules = RetentionRules::from_policy(policy);
    let class = rules.class("detection").ok()?;
    DueRule::new(rules, class, now)
}
