//! Reads of detections that live outside the library — a data lake read by Spark or Dask — under
//! the same rule as the agency's own reads (R-SEARCH-1, R-AUDIT-3, R-RET-6): the driver asks the
//! agency for an [`ExternalGrant`]; the agency decides access for the user from its roster, takes
//! the time, policy and legal holds from itself, writes the audit record *first*, and returns a
//! grant that carries exactly what was recorded (the query terms, the time, the policy and its
//! SHA-256, the held ids, the record's sequence and, for matching, the SHA-256 of the lists
//! shipped). Workers run the grant over their batches ([`ExternalGrant::search`],
//! [`ExternalGrant::retro_hits`], [`ExternalGrant::match_batch`]); a worker has no other way in.
//!
//! A grant crosses to workers as versioned, checksummed bytes ([`ExternalGrant::to_bytes`]); a
//! grant whose bytes do not match their checksum, or whose policy does not hash to the recorded
//! SHA-256, does not decode. The lists it names cross separately (once per executor, as
//! [`crate::hotlist::bytes`]) and are checked against the SHA-256 the record holds: other lists
//! fail the batch. The checksums guard against corruption and mix-ups, not against a hostile
//! cluster: the job's own code runs on the workers, and the record on the driver is the account.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::{Agency, active_holds};
use crate::access::AccessRequest;
use crate::analytics::RetroHit;
use crate::analytics::unaudited::{query_terms, retro_hits};
use crate::audit::AuditStore;
use crate::error::{Code, Error, Result};
use crate::hotlist::bytes::{ShippedLists, encode};
use crate::matching::{BatchHit, MatchFields, Matcher};
use crate::policy::Policy;
use crate::registry::Registry;
use crate::search::{DetectionQuery, DetectionStore, Near, Retention};
use crate::time::Instant;
use crate::vocab::ListKind;

/// The first line of a grant's bytes (the format and its version).
const HEADER: &str = "ALPR-GRANT 1\n";

/// What an external read asks for.
#[derive(Clone, Copy, Debug)]
pub enum ExternalRead<'a> {
    /// Every read matched against lists with the rules of live matching (`Registry.match_batch`).
    /// `None`: the agency's lists in force; a registry given must be governed by a policy with
    /// the agency's policy's SHA-256.
    Match {
        /// The lists, when not the agency's.
        lists: Option<&'a Registry>,
    },
    /// Retro-hits of the agency's list `list_id` over the last `days` days (R-SEARCH-2).
    RetroHits {
        /// The list in force.
        list_id: &'a str,
        /// How far back from the agency's time.
        days: u32,
    },
    /// A search, or a canvass when the query has `near` (R-SEARCH-1).
    Search {
        /// The query.
        query: &'a DetectionQuery,
    },
}

/// What a grant lets a worker run (the wire form is [`Wire`]).
#[derive(Clone, Debug, PartialEq)]
enum Granted {
    Match {
        lists_sha256: String,
    },
    RetroHits {
        list_id: String,
        list_loaded_at: Instant,
        days: u32,
        lists_sha256: String,
    },
    Search {
        query: DetectionQuery,
    },
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(tag = "read", rename_all = "snake_case")]
enum WireRead {
    Match {
        lists_sha256: String,
    },
    RetroHits {
        list_id: String,
        list_loaded_at: Instant,
        days: u32,
        lists_sha256: String,
    },
    Search {
        term: String,
        from: Option<Instant>,
        to: Option<Instant>,
        near: Option<(f64, f64, f64)>,
    },
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Wire {
    sequence: u64,
    agency: String,
    user: String,
    engine: String,
    now: Instant,
    policy: serde_json::Value,
    policy_sha256: String,
    held: Vec<u64>,
    granted: WireRead,
}

/// An external read that was decided, allowed and recorded. See the module documentation.
#[must_use = "a recorded read that does not run still stands in the audit log"]
#[derive(Clone, Debug)]
pub struct ExternalGrant {
    sequence: u64,
    agency: String,
    user: String,
    engine: String,
    now: Instant,
    policy: Arc<Policy>,
    policy_sha256: String,
    held: HashSet<u64>,
    granted: Granted,
    retention: Retention,
    /// The retention rule's band (`DueRule::band_ms`), when it has one.
    band: Option<(i64, i64)>,
}

fn invalid(detail: &str) -> Error {
    Error::new(Code::InvalidArgument).with_detail(detail.to_owned())
}

impl ExternalGrant {
    /// The sequence number of the audit record that allowed this read.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }
    /// The agency that recorded it.
    pub fn agency(&self) -> &str {
        &self.agency
    }
    /// The user it was granted to.
    pub fn user(&self) -> &str {
        &self.user
    }
    /// The engine named in the record (`spark`, `dask`, …).
    pub fn engine(&self) -> &str {
        &self.engine
    }
    /// The agency's time of the decision: retention, expiries and staleness are judged at it.
    pub fn now(&self) -> Instant {
        self.now
    }
    /// The policy recorded.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }
    /// Lower-case hex SHA-256 of the policy (as recorded).
    pub fn policy_sha256(&self) -> &str {
        &self.policy_sha256
    }
    /// `match`, `retro_hits` or `search`.
    pub fn read(&self) -> &'static str {
        match self.granted {
            Granted::Match { .. } => "match",
            Granted::RetroHits { .. } => "retro_hits",
            Granted::Search { .. } => "search",
        }
    }
    /// The SHA-256 of the lists the read must run against (matching, retro-hits).
    pub fn lists_sha256(&self) -> Option<&str> {
        match &self.granted {
            Granted::Match { lists_sha256 } | Granted::RetroHits { lists_sha256, .. } => Some(lists_sha256),
            Granted::Search { .. } => None,
        }
    }
    /// The legal holds active at the decision (ids visible past retention).
    pub fn held(&self) -> &HashSet<u64> {
        &self.held
    }

    /// Whether detection `id` captured at Unix millisecond `observed_ms` may be read: not due for
    /// purge under the recorded policy at the recorded time, or under an active hold (R-RET-6).
    pub fn is_visible(&self, id: u64, observed_ms: i64) -> bool {
        // Outside the few days' band around the boundary the answer needs no calendar.
        match self.band {
            Some((_, hi)) if observed_ms >= hi => true,
            Some((lo, _)) if observed_ms < lo => self.held.contains(&id),
            _ => self.retention.is_visible(id, observed_ms),
        }
    }

    /// Whether a detection without an id captured at `observed_ms` may be read (no hold can
    /// name it).
    pub fn is_visible_without_id(&self, observed_ms: i64) -> bool {
        match self.band {
            Some((_, hi)) if observed_ms >= hi => true,
            Some((lo, _)) if observed_ms < lo => false,
            _ => self.retention.rule.as_ref().is_none_or(|r| !r.is_due_ms(observed_ms)),
        }
    }

    /// `Ok` when this grant is for `read` (`"match"`, `"retro_hits"` or `"search"`): a binding
    /// checks it before converting a batch, with the error the read itself would give.
    ///
    /// # Errors
    /// `invalid_argument` for a grant of another read.
    pub fn expect_read(&self, read: &str) -> Result<()> {
        if self.read() == read {
            Ok(())
        } else {
            Err(self.wrong_read(read))
        }
    }

    fn wrong_read(&self, wanted: &str) -> Error {
        invalid(&format!("this grant is for a {} read, not {wanted}", self.read()))
    }

    fn check_lists(&self, lists: &ShippedLists) -> Result<()> {
        if self.lists_sha256() == Some(lists.sha256.as_str()) {
            Ok(())
        } else {
            Err(invalid(
                "the lists shipped are not the lists recorded (SHA-256 mismatch)",
            ))
        }
    }

    /// Runs a granted search over one batch of detections: the rows matching the recorded query,
    /// ascending, under the recorded time, policy and holds.
    ///
    /// # Errors
    /// `invalid_argument` for a grant of another read; the search's own errors.
    pub fn search(&self, store: &DetectionStore) -> Result<Vec<u32>> {
        let Granted::Search { query } = &self.granted else {
            return Err(self.wrong_read("search"));
        };
        store.search(query, &self.retention)
    }

    /// Runs granted retro-hits over one batch of detections (as the agency's own retro-hits).
    ///
    /// # Errors
    /// `invalid_argument` for a grant of another read, lists other than those recorded, or lists
    /// without the recorded version.
    pub fn retro_hits(&self, store: &DetectionStore, lists: &ShippedLists) -> Result<Vec<RetroHit>> {
        let Granted::RetroHits {
            list_id,
            list_loaded_at,
            days,
            ..
        } = &self.granted
        else {
            return Err(self.wrong_read("retro_hits"));
        };
        self.check_lists(lists)?;
        let list = lists
            .lists
            .get(list_id)
            .filter(|l| l.meta().loaded_at == *list_loaded_at)
            .ok_or_else(|| invalid("the lists shipped lack the version recorded"))?;
        retro_hits(
            store,
            Arc::clone(list),
            *days,
            self.held.clone(),
            self.now,
            &self.policy,
        )
    }

    /// Matches one batch of reads (already filtered with [`Self::is_visible`]) against the
    /// shipped lists at the recorded time, as [`Matcher::match_batch_indexed`].
    ///
    /// # Errors
    /// `invalid_argument` for a grant of another read or lists other than those recorded.
    pub fn match_batch<R: MatchFields, E: From<Error>>(
        &self,
        lists: &ShippedLists,
        reads: impl IntoIterator<Item = std::result::Result<R, E>>,
        hits: &mut Vec<BatchHit>,
        errors: &mut Vec<(u32, E)>,
    ) -> Result<()> {
        if !matches!(self.granted, Granted::Match { .. }) {
            return Err(self.wrong_read("match"));
        }
        self.check_lists(lists)?;
        Matcher::new(Arc::clone(&self.policy)).match_batch_indexed(&lists.lists, reads, self.now, hits, errors);
        Ok(())
    }

    /// The grant as versioned, checksummed bytes: `ALPR-GRANT 1`, the SHA-256 of the payload,
    /// the payload (JSON).
    ///
    /// # Errors
    /// `invalid_argument` when the policy does not serialize.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let granted = match &self.granted {
            Granted::Match { lists_sha256 } => WireRead::Match {
                lists_sha256: lists_sha256.clone(),
            },
            Granted::RetroHits {
                list_id,
                list_loaded_at,
                days,
                lists_sha256,
            } => WireRead::RetroHits {
                list_id: list_id.clone(),
                list_loaded_at: *list_loaded_at,
                days: *days,
                lists_sha256: lists_sha256.clone(),
            },
            Granted::Search { query } => WireRead::Search {
                term: query.term.to_string(),
                from: query.from,
                to: query.to,
                near: query.near.map(|n| (n.lat, n.lon, n.radius_m)),
            },
        };
        let mut held: Vec<u64> = self.held.iter().copied().collect();
        held.sort_unstable();
        let wire = Wire {
            sequence: self.sequence,
            agency: self.agency.clone(),
            user: self.user.clone(),
            engine: self.engine.clone(),
            now: self.now,
            policy: serde_json::to_value(&*self.policy).map_err(|_| invalid("grant: the policy does not serialize"))?,
            policy_sha256: self.policy_sha256.clone(),
            held,
            granted,
        };
        let body = serde_json::to_vec(&wire).map_err(|_| invalid("grant: does not serialize"))?;
        let mut out = HEADER.as_bytes().to_vec();
        out.extend_from_slice(crate::audit::hex(&Sha256::digest(&body)).as_bytes());
        out.push(b'\n');
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Decodes and checks a grant's bytes.
    ///
    /// # Errors
    /// `invalid_argument` (the detail says which) for another format or version, a checksum
    /// that does not match, a payload that does not parse, or a policy that does not hash to the
    /// recorded SHA-256; the pattern's codes for a term that does not parse.
    pub fn from_bytes(bytes: &[u8]) -> Result<ExternalGrant> {
        let rest = bytes
            .strip_prefix(HEADER.as_bytes())
            .ok_or_else(|| invalid("grant: not version 1 of the alpr grant format"))?;
        if rest.len() < 65 || rest[64] != b'\n' {
            return Err(invalid("grant: no checksum line"));
        }
        let (sha, body) = (&rest[..64], &rest[65..]);
        if sha != crate::audit::hex(&Sha256::digest(body)).as_bytes() {
            return Err(invalid("grant: the SHA-256 of the payload does not match its checksum"));
        }
        let wire: Wire = serde_json::from_slice(body).map_err(|_| invalid("grant: the payload is not a grant"))?;
        let policy = Arc::new(Policy::from_json(&wire.policy.to_string())?);
        if super::policy_sha256(&policy)? != wire.policy_sha256 {
            return Err(invalid("grant: the policy does not hash to the recorded SHA-256"));
        }
        let granted = match wire.granted {
            WireRead::Match { lists_sha256 } => Granted::Match { lists_sha256 },
            WireRead::RetroHits {
                list_id,
                list_loaded_at,
                days,
                lists_sha256,
            } => Granted::RetroHits {
                list_id,
                list_loaded_at,
                days,
                lists_sha256,
            },
            WireRead::Search { term, from, to, near } => Granted::Search {
                query: DetectionQuery {
                    term: crate::pattern::PlateOrPattern::parse(&term, policy.pattern_limits())?,
                    from,
                    to,
                    near: near.map(|(lat, lon, radius_m)| Near { lat, lon, radius_m }),
                },
            },
        };
        let held: HashSet<u64> = wire.held.into_iter().collect();
        let retention = Retention::for_detections(&policy, wire.now, held.clone());
        Ok(ExternalGrant {
            band: retention.rule.as_ref().map(crate::search::DueRule::band_ms),
            retention,
            sequence: wire.sequence,
            agency: wire.agency,
            user: wire.user,
            engine: wire.engine,
            now: wire.now,
            policy,
            policy_sha256: wire.policy_sha256,
            held,
            granted,
        })
    }
}

/// The bytes of the agency's own lists last shipped, by the lists' ids and install numbers (a
/// registry never reuses a number, so equal keys are equal versions): a warm rerun over the
/// same lists does not encode a million entries again. Lists given by the caller are never
/// cached (their numbers are another registry's).
#[derive(Debug, Default)]
pub(super) struct ShipCache {
    key: Vec<(String, u64)>,
    bytes: Vec<u8>,
    sha256: String,
}

fn ship_key(lists: &crate::hotlist::Snapshot) -> Vec<(String, u64)> {
    lists.values().map(|v| (v.meta().id.clone(), v.number())).collect()
}

/// `ID@loaded_at` of every list, comma-separated.
fn list_names(lists: &crate::hotlist::Snapshot) -> String {
    lists
        .values()
        .map(|l| format!("{}@{}", l.meta().id, l.meta().loaded_at.to_rfc3339()))
        .collect::<Vec<_>>()
        .join(",")
}

impl<S: AuditStore> Agency<S> {
    /// Decides and records a read of detections held outside the library, run by `engine`
    /// (`spark`, `dask`, …) on workers; returns the grant and, for matching and retro-hits, the
    /// bytes of the lists to ship ([`crate::hotlist::bytes`]), whose SHA-256 the record holds.
    ///
    /// The request's action is `query_detections` with its purpose. A `query_own_detections`
    /// (an operator's check of the own unit's reads, G.O. §C.5.d) is refused here: its rows are
    /// restricted to the user's devices, which the worker kernels do not carry; it runs through
    /// [`Agency::search`].
    /// The record (action and outcome as any read's) holds the query terms, `read` (`match`,
    /// `retro_hits`, `search` or `canvass`), `engine`, the window, the retention rule, the
    /// active holds and, for lists, `lists` (`ID@version`) and `lists_sha256`. A covert list
    /// needs `view_covert` too (R-LIST-2).
    ///
    /// # Errors
    /// `invalid_argument` for another action (`query_own_detections` included), an empty engine, or a registry governed by another
    /// policy (nothing recorded); `unknown_list` (nothing recorded); `time_regression`;
    /// `audit_write_failed` (nothing granted, R-AUDIT-3); `access_denied` (recorded).
    pub fn grant_external(
        &mut self,
        user: &str,
        request: &AccessRequest,
        engine: &str,
        read: ExternalRead<'_>,
    ) -> Result<(ExternalGrant, Option<Vec<u8>>)> {
        super::reads::check_read_action(request)?;
        if request.action == "query_own_detections" {
            return Err(invalid(
                "an own-detection check is restricted to the user's devices and runs through the agency's search",
            ));
        }
        if engine.trim().is_empty() {
            return Err(invalid("an external read names its engine"));
        }
        // Lists first: what cannot be shipped is refused before anything is recorded.
        let lists: Option<crate::hotlist::Snapshot> = match read {
            ExternalRead::Match { lists: Some(r) } => {
                if super::policy_sha256(r.policy())? != self.policy_sha256 {
                    return Err(invalid("the registry is governed by a policy other than the agency's"));
                }
                Some(r.snapshot())
            }
            ExternalRead::Match { lists: None } => Some(self.registry.snapshot()),
            ExternalRead::RetroHits { list_id, .. } => {
                let list = self
                    .registry
                    .get(list_id)
                    .ok_or_else(|| Error::new(Code::UnknownList).with_detail("no list with that id is in force"))?;
                Some(Arc::new(BTreeMap::from([(list.meta().id.clone(), list)])))
            }
            ExternalRead::Search { .. } => None,
        };
        let own = !matches!(read, ExternalRead::Match { lists: Some(_) });
        let shipped = match &lists {
            Some(l) if own && !self.shipped.key.is_empty() && self.shipped.key == ship_key(l) => {
                Some((self.shipped.bytes.clone(), self.shipped.sha256.clone()))
            }
            Some(l) => {
                let (bytes, sha) = encode(l, &self.policy)?;
                if own {
                    self.shipped = ShipCache {
                        key: ship_key(l),
                        bytes: bytes.clone(),
                        sha256: sha.clone(),
                    };
                }
                Some((bytes, sha))
            }
            None => None,
        };
        let now = self.now()?;
        let (held, cases) = active_holds(&self.holds);
        let (kind, from, to, terms) = match read {
            ExternalRead::Match { .. } => (
                "match",
                None,
                now,
                format!("match lists={}", lists.as_ref().map(list_names).unwrap_or_default()),
            ),
            ExternalRead::RetroHits { days, .. } => {
                let from = now
                    .checked_sub_signed(chrono::Duration::days(i64::from(days)))
                    .unwrap_or(Instant::MIN_UTC);
                let names = lists.as_ref().map(list_names).unwrap_or_default();
                (
                    "retro_hits",
                    Some(from),
                    now,
                    format!("retro_hits lists={names} days={days}"),
                )
            }
            ExternalRead::Search { query } => (
                if query.near.is_some() { "canvass" } else { "search" },
                query.from,
                query.to.unwrap_or(now),
                query_terms(query),
            ),
        };
        let mut details = self.read_details(kind, from, to, &held, &cases);
        details.insert("engine".to_owned(), engine.to_owned());
        if let (Some(l), Some((_, sha))) = (&lists, &shipped) {
            details.insert("lists".to_owned(), list_names(l));
            details.insert("lists_sha256".to_owned(), sha.clone());
        }
        let mut extra = Vec::new();
        if lists
            .as_ref()
            .is_some_and(|l| l.values().any(|v| v.meta().kind == ListKind::Covert))
        {
            let (_, covert, _) = self.decide_action(user, "view_covert", now);
            details.insert("view_covert".to_owned(), covert.allowed().to_string());
            if !covert.allowed() {
                extra.push(Code::ActionNotPermitted);
            }
        }
        let mut audited = request.clone();
        audited.query_terms = Some(terms);
        self.authorize_at(user, &audited, now, details, &extra)?;
        let sequence = self.head().sequence;
        let lists_sha256 = shipped.as_ref().map(|(_, s)| s.clone()).unwrap_or_default();
        let granted = match read {
            ExternalRead::Match { .. } => Granted::Match { lists_sha256 },
            ExternalRead::RetroHits { list_id, days } => {
                let loaded_at = lists
                    .as_ref()
                    .and_then(|l| l.get(list_id))
                    .map_or(now, |l| l.meta().loaded_at);
                Granted::RetroHits {
                    list_id: list_id.to_owned(),
                    list_loaded_at: loaded_at,
                    days,
                    lists_sha256,
                }
            }
            ExternalRead::Search { query } => Granted::Search { query: query.clone() },
        };
        let retention = Retention::for_detections(&self.policy, now, held.clone());
        let grant = ExternalGrant {
            band: retention.rule.as_ref().map(crate::search::DueRule::band_ms),
            retention,
            sequence,
            agency: self.name.clone(),
            user: user.to_owned(),
            engine: engine.to_owned(),
            now,
            policy: Arc::clone(&self.policy),
            policy_sha256: self.policy_sha256.clone(),
            held,
            granted,
        };
        Ok((grant, shipped.map(|(b, _)| b)))
    }
}

#[cfg(test)]
#[allow(clippy::many_single_char_names)] // a: the agency, g/m: grants, q: a query, r: records.
mod tests {
    use super::*;
    use crate::access::User;
    use crate::agency::{Clock, ListLoad};
    use crate::audit::{AuditRecord, MemoryStore, Outcome};
    use crate::hotlist::Format;
    use crate::hotlist::bytes::decode;
    use crate::matching::Read;
    use crate::retention::HoldKind;
    use crate::time::parse_instant;

    const NOON: &str = "2026-11-28T12:00:00-08:00";

    fn user(id: &str, role: &str) -> User {
        User {
            id: id.into(),
            agency: "SPD".into(),
            roles: vec![role.into()],
            account: "active".into(),
            trained_on: chrono::NaiveDate::from_ymd_opt(2025, 6, 1),
            clearance: true,
            last_active_at: None,
            devices: Vec::new(),
        }
    }

    fn agency() -> Agency<MemoryStore> {
        let mut p = Policy::sacramento();
        p.max_rejected_fraction = 0.5;
        let roster = vec![
            user("a1", "administrator"),
            user("i1", "investigator"),
            user("o1", "operator"),
            user("s1", "supervisor"),
        ];
        let clock = Clock::fixed_for_tests_and_replays(parse_instant(NOON).unwrap());
        let mut a = Agency::for_tests_and_replays("SPD", Arc::new(p), MemoryStore::new(), roster, clock).unwrap();
        a.load_list(
            "a1",
            &ListLoad {
                id: "SVS",
                kind: ListKind::Standard,
                priority: 10,
                source: "CA DOJ",
                format: Format::Csv,
                bytes: b"plate,state,category,record_id\n7ABC123,CA,stolen_vehicle,V123\n",
                default_category: None,
                approver: None,
                options: crate::hotlist::LoadOptions::default(),
            },
        )
        .unwrap();
        a
    }

    fn store() -> DetectionStore {
        DetectionStore::from_json(
            r#"[{"id": 1, "plate": "7ABC123", "observed_at": "2026-11-27T10:00:00-08:00", "lat": 38.58, "lon": -121.49},
                {"id": 2, "plate": "7A8C123", "observed_at": "2026-11-20T10:00:00-08:00", "lat": 38.58, "lon": -121.49},
                {"id": 3, "plate": "7ABC123", "observed_at": "2024-06-01T10:00:00-07:00", "lat": 38.58, "lon": -121.49}]"#,
        )
        .unwrap()
    }

    fn stolen() -> AccessRequest {
        serde_json::from_str(r#"{"action": "query_detections", "purpose": "stolen_vehicle"}"#).unwrap()
    }

    fn records(a: &Agency<MemoryStore>) -> Vec<AuditRecord> {
        let mut out = Vec::new();
        a.log()
            .scan(&mut |e| {
                out.push(e.record.clone());
                Ok(())
            })
            .unwrap();
        out
    }

    #[test]
    fn a_grant_is_recorded_first_and_runs_what_the_agency_runs() {
        let mut a = agency();
        let q = DetectionQuery::new(crate::PlateOrPattern::parse("7AB?123", a.policy().pattern_limits()).unwrap());
        let n = records(&a).len();
        let (g, lists) = a
            .grant_external("i1", &stolen(), "spark", ExternalRead::Search { query: &q })
            .unwrap();
        assert!(lists.is_none());
        let r = records(&a);
        assert_eq!(r.len(), n + 1);
        let rec = r.last().unwrap();
        assert_eq!((rec.action.as_str(), rec.outcome), ("query_detections", Outcome::Allow));
        assert_eq!(rec.details["engine"], "spark");
        assert_eq!(rec.details["read"], "search");
        assert_eq!(rec.details["policy_sha256"], a.policy_hash());
        assert_eq!(g.sequence(), a.head().sequence);
        // Through its bytes, the grant runs exactly the agency's own search (row 3 is past
        // retention).
        let g = ExternalGrant::from_bytes(&g.to_bytes().unwrap()).unwrap();
        let own = a.search(&store(), "i1", &stolen(), &q).unwrap();
        assert_eq!(g.search(&store()).unwrap(), own);
        assert_eq!(own, vec![0]);
        // A hold placed before the grant widens it.
        a.place_legal_hold("s1", 3, "26-100", HoldKind::Criminal).unwrap();
        let (g, _) = a
            .grant_external("i1", &stolen(), "dask", ExternalRead::Search { query: &q })
            .unwrap();
        assert_eq!(g.search(&store()).unwrap(), vec![0, 2]);
        assert!(g.is_visible(3, 0) && !g.is_visible(4, 0) && !g.is_visible_without_id(0));
        // A grant is for its own read only.
        assert_eq!(
            g.retro_hits(
                &store(),
                &decode(&encode(&a.registry().snapshot(), a.policy()).unwrap().0).unwrap()
            )
            .unwrap_err()
            .code(),
            Code::InvalidArgument
        );
    }

    #[test]
    fn retro_hits_and_matching_check_the_lists_shipped() {
        let mut a = agency();
        let (g, bytes) = a
            .grant_external(
                "i1",
                &stolen(),
                "spark",
                ExternalRead::RetroHits {
                    list_id: "SVS",
                    days: 30,
                },
            )
            .unwrap();
        let rec = records(&a).pop().unwrap();
        let lists = decode(&bytes.unwrap()).unwrap();
        assert_eq!(rec.details["lists_sha256"], lists.sha256);
        assert_eq!(g.lists_sha256(), Some(lists.sha256.as_str()));
        let own = a.retro_hits(&store(), "i1", &stolen(), "SVS", 30).unwrap();
        let ext = g.retro_hits(&store(), &lists).unwrap();
        assert_eq!(
            ext.iter().map(|h| h.detection_id).collect::<Vec<_>>(),
            own.iter().map(|h| h.detection_id).collect::<Vec<_>>()
        );
        assert!(!ext.is_empty());
        // Matching runs at the recorded time against the recorded lists only: here an empty
        // set (SVS taken out of force); the SVS lists of the retro-hits grant are refused.
        a.registry().remove("SVS");
        let (m, bytes) = a
            .grant_external("i1", &stolen(), "spark", ExternalRead::Match { lists: None })
            .unwrap();
        let empty = decode(&bytes.unwrap()).unwrap();
        assert_eq!(
            g.retro_hits(&store(), &empty).unwrap_err().code(),
            Code::InvalidArgument
        );
        let read = Read::new("7ABC123", parse_instant(NOON).unwrap());
        let (mut hits, mut errors) = (Vec::new(), Vec::<(u32, Error)>::new());
        assert_eq!(
            m.match_batch(&lists, [Ok(read)], &mut hits, &mut errors)
                .unwrap_err()
                .code(),
            Code::InvalidArgument
        );
        m.match_batch(&empty, [Ok(read)], &mut hits, &mut errors).unwrap();
        assert!(hits.is_empty() && errors.is_empty());
    }

    #[test]
    fn denied_and_malformed_requests_grant_nothing() {
        let mut a = agency();
        let n = records(&a).len();
        let e = a
            .grant_external("o1", &stolen(), "spark", ExternalRead::Match { lists: None })
            .unwrap_err();
        assert_eq!(e.code(), Code::AccessDenied);
        let r = records(&a);
        assert_eq!((r.len(), r.last().unwrap().outcome), (n + 1, Outcome::Deny));
        // Unknown list, other action, no engine, a registry of another policy: nothing recorded.
        let other_policy = Registry::new(Arc::new(Policy::sacramento()));
        let q = DetectionQuery::new(crate::PlateOrPattern::parse("7AB?123", a.policy().pattern_limits()).unwrap());
        for (req, engine, read) in [
            (
                stolen(),
                "spark",
                ExternalRead::RetroHits {
                    list_id: "NOPE",
                    days: 1,
                },
            ),
            (
                AccessRequest {
                    action: "view_hits".into(),
                    ..AccessRequest::default()
                },
                "spark",
                ExternalRead::Match { lists: None },
            ),
            (stolen(), " ", ExternalRead::Match { lists: None }),
            // An own-detection check is restricted to the user's devices: the agency's search.
            (
                AccessRequest {
                    action: "query_own_detections".into(),
                    ..stolen()
                },
                "spark",
                ExternalRead::Search { query: &q },
            ),
            (
                stolen(),
                "spark",
                ExternalRead::Match {
                    lists: Some(&other_policy),
                },
            ),
        ] {
            assert!(a.grant_external("i1", &req, engine, read).is_err());
            assert_eq!(records(&a).len(), n + 1);
        }
    }

    #[test]
    fn the_agency_s_own_lists_are_encoded_once_per_version() {
        let mut a = agency();
        let grant = |a: &mut Agency<MemoryStore>| {
            a.grant_external("i1", &stolen(), "spark", ExternalRead::Match { lists: None })
                .unwrap()
                .1
                .unwrap()
        };
        let (first, again) = (grant(&mut a), grant(&mut a));
        assert_eq!(first, again);
        // A new version of the list is new bytes, with the new version in them.
        a.load_list(
            "a1",
            &ListLoad {
                id: "SVS",
                kind: ListKind::Standard,
                priority: 10,
                source: "CA DOJ",
                format: Format::Csv,
                bytes: b"plate,state,category,record_id\n8XYZ999,CA,stolen_vehicle,V124\n",
                default_category: None,
                approver: None,
                options: crate::hotlist::LoadOptions::default(),
            },
        )
        .unwrap();
        let next = grant(&mut a);
        assert_ne!(next, first);
        let lists = decode(&next).unwrap();
        assert_eq!(lists.lists["SVS"].entries(), a.registry().get("SVS").unwrap().entries());
    }

    #[test]
    fn visibility_outside_the_band_agrees_with_the_retention_rule() {
        let mut a = agency();
        a.place_legal_hold("s1", 7, "26-100", HoldKind::Criminal).unwrap();
        let (g, _) = a
            .grant_external("i1", &stolen(), "spark", ExternalRead::Match { lists: None })
            .unwrap();
        let now = crate::time::floor_ms(g.now());
        let (mut seen_due, mut seen_kept) = (false, false);
        // Every 6 hours from 3 years back to now: the fast path and the rule agree, for a held
        // id and another.
        let mut ms = now - 3 * 366 * 86_400_000;
        while ms <= now {
            for id in [7, 8] {
                assert_eq!(g.is_visible(id, ms), g.retention.is_visible(id, ms), "{id} {ms}");
            }
            assert_eq!(g.is_visible_without_id(ms), g.retention.is_visible(8, ms), "{ms}");
            seen_due |= !g.is_visible(8, ms);
            seen_kept |= g.is_visible(8, ms);
            ms += 6 * 3_600_000;
        }
        assert!(seen_due && seen_kept);
    }

    #[test]
    fn a_changed_grant_does_not_decode() {
        let mut a = agency();
        let (g, _) = a
            .grant_external("i1", &stolen(), "spark", ExternalRead::Match { lists: None })
            .unwrap();
        let bytes = g.to_bytes().unwrap();
        let back = ExternalGrant::from_bytes(&bytes).unwrap();
        assert_eq!(
            (back.sequence(), back.now(), back.read()),
            (g.sequence(), g.now(), "match")
        );
        assert_eq!(back.policy_sha256(), a.policy_hash());
        for i in [1, HEADER.len() + 5, bytes.len() - 3] {
            let mut bad = bytes.clone();
            bad[i] ^= 0x04;
            assert_eq!(
                ExternalGrant::from_bytes(&bad).unwrap_err().code(),
                Code::InvalidArgument,
                "{i}"
            );
        }
    }
}
