//! The quarterly audit report (R-AUDIT-4, G.O. §C.4.c): per user, queries by purpose, queries
//! without a case number, denied attempts, queries outside the user's shift hours where known,
//! and a deterministic random sample of queries for manual review.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveTime;
use sha2::{Digest, Sha256};

use super::{AuditLog, AuditStore, Outcome};
use crate::error::Result;
use crate::policy::Policy;
use crate::time::Instant;

/// A user's shift, in local time of the agency zone; `end` before `start` wraps past midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShiftHours {
    /// Start of the shift.
    pub start: NaiveTime,
    /// End of the shift (exclusive).
    pub end: NaiveTime,
}

impl ShiftHours {
    /// Whether a local time of day is within the shift.
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

/// What the report covers.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ReportOptions {
    /// First instant covered (inclusive).
    pub from: Option<Instant>,
    /// End of the period (exclusive).
    pub to: Option<Instant>,
    /// Seed of the review sample: the same seed over the same log gives the same sample.
    pub seed: u64,
    /// How many queries to sample for manual review.
    pub sample_size: usize,
    /// Shift hours by user id, where known.
    #[serde(default)]
    pub shifts: BTreeMap<String, ShiftHours>,
}

/// One user's line of the report.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct UserSummary {
    /// User id.
    pub user: String,
    /// Agency.
    pub agency: String,
    /// Queries carried out (allowed or done).
    pub queries: u64,
    /// Those queries by purpose (`none` for a query without one).
    pub by_purpose: BTreeMap<String, u64>,
    /// Queries without a case number.
    pub without_case_number: u64,
    /// Denied attempts (any action).
    pub denied: u64,
    /// Queries outside the user's shift hours (only when the shift is known).
    pub outside_shift: Option<u64>,
}

/// A query drawn for manual review.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SampleItem {
    /// The record's sequence number.
    pub sequence: u64,
    /// When.
    pub time: Instant,
    /// Who.
    pub user: String,
    /// The action.
    pub action: String,
    /// The purpose.
    pub purpose: Option<String>,
    /// The case number.
    pub case_number: Option<String>,
}

/// The quarterly audit report as data; [`AuditReport::users_csv`] and
/// [`AuditReport::sample_csv`] render it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct AuditReport {
    /// Records in the period.
    pub records: u64,
    /// One line per user, by user id.
    pub users: Vec<UserSummary>,
    /// The review sample, by sequence.
    pub sample: Vec<SampleItem>,
}

/// Builds the report from a log. A *query* is a record whose action is one of the policy's
/// `actions_needing_purpose` (or `search`) and whose outcome is `allow` or `ok`.
///
/// # Errors
/// The store's, when it cannot be read.
pub fn quarterly_report<S: AuditStore>(
    log: &AuditLog<S>,
    policy: &Policy,
    options: &ReportOptions,
) -> Result<AuditReport> {
    let mut users: BTreeMap<String, UserSummary> = BTreeMap::new();
    let mut records = 0u64;
    // (rank, item): the sample is the `sample_size` lowest ranks, rank = SHA-256(seed, sequence).
    let mut ranked: Vec<([u8; 32], SampleItem)> = Vec::new();
    log.scan(&mut |e| {
        let r = &e.record;
        if options.from.is_some_and(|f| r.time < f) || options.to.is_some_and(|t| r.time >= t) {
            return Ok(());
        }
        records += 1;
        let u = users.entry(r.user.clone()).or_insert_with(|| UserSummary {
            user: r.user.clone(),
            agency: r.agency.clone(),
            outside_shift: options.shifts.contains_key(&r.user).then_some(0),
            ..UserSummary::default()
        });
        if r.outcome == Outcome::Deny {
            u.denied += 1;
        }
        let is_query = r.action == "search" || policy.actions_needing_purpose.contains(&r.action);
        if !is_query || !matches!(r.outcome, Outcome::Allow | Outcome::Ok) {
            return Ok(());
        }
        u.queries += 1;
        *u.by_purpose
            .entry(r.purpose.clone().unwrap_or_else(|| "none".to_owned()))
            .or_default() += 1;
        if r.case_number.as_deref().is_none_or(|c| c.trim().is_empty()) {
            u.without_case_number += 1;
        }
        if let Some(shift) = options.shifts.get(&r.user) {
            let local = crate::time::local_naive(r.time, policy.time_zone).time();
            if !shift.contains(local) {
                *u.outside_shift.get_or_insert(0) += 1;
            }
        }
        let mut h = Sha256::new();
        h.update(options.seed.to_be_bytes());
        h.update(e.sequence.to_be_bytes());
        ranked.push((
            h.finalize().into(),
            SampleItem {
                sequence: e.sequence,
                time: r.time,
                user: r.user.clone(),
                action: r.action.clone(),
                purpose: r.purpose.clone(),
                case_number: r.case_number.clone(),
            },
        ));
        Ok(())
    })?;
    ranked.sort_by_key(|a| a.0);
    ranked.truncate(options.sample_size);
    let mut sample: Vec<SampleItem> = ranked.into_iter().map(|(_, s)| s).collect();
    sample.sort_by_key(|s| s.sequence);
    Ok(AuditReport {
        records,
        users: users.into_values().collect(),
        sample,
    })
}

/// One CSV cell: quoted when needed, and a leading `=`, `+`, `-`, `@` neutralized with `'`
/// (a report opened in a spreadsheet must not run formulas from user-supplied text).
fn cell(out: &mut String, v: &str) {
    let v = if v.starts_with(['=', '+', '-', '@']) {
        format!("'{v}")
    } else {
        v.to_owned()
    };
    if v.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&v);
    }
}

fn row(out: &mut String, cells: &[String]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        cell(out, c);
    }
    out.push_str("\r\n");
}

impl AuditReport {
    /// The per-user table as CSV: `user,agency,queries,without_case_number,denied,outside_shift`,
    /// then one `purpose:<name>` column per purpose seen, in name order.
    pub fn users_csv(&self) -> String {
        let purposes: std::collections::BTreeSet<&str> = self
            .users
            .iter()
            .flat_map(|u| u.by_purpose.keys().map(String::as_str))
            .collect();
        let mut out = String::new();
        let mut header: Vec<String> = [
            "user",
            "agency",
            "queries",
            "without_case_number",
            "denied",
            "outside_shift",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        header.extend(purposes.iter().map(|p| format!("purpose:{p}")));
        row(&mut out, &header);
        for u in &self.users {
            let mut cells = vec![
                u.user.clone(),
                u.agency.clone(),
                u.queries.to_string(),
                u.without_case_number.to_string(),
                u.denied.to_string(),
                u.outside_shift.map(|n| n.to_string()).unwrap_or_default(),
            ];
            cells.extend(
                purposes
                    .iter()
                    .map(|p| u.by_purpose.get(*p).copied().unwrap_or(0).to_string()),
            );
            row(&mut out, &cells);
        }
        out
    }

    /// The review sample as CSV: `sequence,time,user,action,purpose,case_number`.
    pub fn sample_csv(&self) -> String {
        let mut out = String::new();
        row(
            &mut out,
            &["sequence", "time", "user", "action", "purpose", "case_number"].map(str::to_owned),
        );
        for s in &self.sample {
            let mut time = String::new();
            let _ = write!(time, "{}", s.time.format("%Y-%m-%dT%H:%M:%S%.3fZ"));
            row(
                &mut out,
                &[
                    s.sequence.to_string(),
                    time,
                    s.user.clone(),
                    s.action.clone(),
                    s.purpose.clone().unwrap_or_default(),
                    s.case_number.clone().unwrap_or_default(),
                ],
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::record;
    use super::super::{AuditLog, AuditRecord, MemoryStore};
    use super::*;

    #[test]
    fn counts_and_deterministic_sample() {
        let mut log = AuditLog::open(MemoryStore::new()).unwrap();
        for i in 0..70 {
            log.append(record(i)).unwrap();
        }
        let mut other = AuditRecord::new(record(0).time, "=cmd", "SPD", "confirm_hits", Outcome::Allow);
        other.purpose = None;
        log.append(other).unwrap();
        let policy = Policy::sacramento();
        let mut opts = ReportOptions {
            seed: 42,
            sample_size: 5,
            ..ReportOptions::default()
        };
        opts.shifts.insert(
            "u1".into(),
            ShiftHours {
                start: NaiveTime::from_hms_opt(22, 0, 0).unwrap(),
                end: NaiveTime::from_hms_opt(6, 0, 0).unwrap(),
            },
        );
        let r = quarterly_report(&log, &policy, &opts).unwrap();
        assert_eq!(r.records, 71);
        // Records i with i % 5 == 0 are denials; queries are the rest; i % 3 == 0 has a case.
        let denied: u64 = r.users.iter().map(|u| u.denied).sum();
        let queries: u64 = r.users.iter().map(|u| u.queries).sum();
        assert_eq!(denied, (0..70).filter(|i| i % 5 == 0).count() as u64);
        assert_eq!(queries, 70 - denied);
        let no_case: u64 = r.users.iter().map(|u| u.without_case_number).sum();
        assert_eq!(no_case, (0..70).filter(|i| i % 5 != 0 && i % 3 != 0).count() as u64);
        let u1 = r.users.iter().find(|u| u.user == "u1").unwrap();
        // Every record is at 12:00 local, outside a 22:00-06:00 shift.
        assert_eq!(u1.outside_shift, Some(u1.queries));
        assert_eq!(r.sample.len(), 5);
        assert_eq!(quarterly_report(&log, &policy, &opts).unwrap().sample, r.sample);
        opts.seed = 43;
        assert_ne!(quarterly_report(&log, &policy, &opts).unwrap().sample, r.sample);
        let csv = r.users_csv();
        assert!(
            csv.starts_with("user,agency,queries,without_case_number,denied,outside_shift,purpose:stolen_vehicle\r\n")
        );
        assert!(csv.contains("'=cmd,SPD,0,0,0,,0\r\n"), "{csv}");
        assert_eq!(r.sample_csv().lines().count(), 6);
    }
}
