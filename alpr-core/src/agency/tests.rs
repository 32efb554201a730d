#![allow(clippy::many_single_char_names)] // a: the agency, r: a record, d: a detail, q: a query, t: a time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::*;
use crate::audit::{AuditEntry, MemoryStore};
use crate::hotlist::Format;
use crate::hotplate::HotPlateForm;
use crate::matching::{Hit, Location, Read};
use crate::retention::PlanRecord;
use crate::search::DetectionQuery;
use crate::sharing::{Recipient, ShareData, ShareRequest};
use crate::time::parse_instant;
use crate::vocab::ListKind;
use crate::vocab::Origin;
use crate::workflow::{ClearsResponse, Event, HitStatus};

fn t(s: &str) -> Instant {
    parse_instant(s).unwrap()
}

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

/// The built-in profile, with a role that grants `view_covert` (no default role does).
fn policy() -> Arc<Policy> {
    let mut p = Policy::sacramento();
    p.roles.insert("covert_analyst".into(), vec!["view_covert".into()]);
    // The test list has one placeholder record in three.
    p.max_rejected_fraction = 0.5;
    Arc::new(p)
}

fn roster() -> Vec<User> {
    let mut untrained = user("i2", "investigator");
    untrained.trained_on = None;
    vec![
        user("a1", "administrator"),
        user("i1", "investigator"),
        user("i3", "investigator"),
        untrained,
        user("o1", "operator"),
        user("d1", "dispatcher"),
        user("s1", "supervisor"),
        user("c1", "ooi_captain"),
        user("v1", "covert_analyst"),
    ]
}

/// An audit store that fails on demand.
#[derive(Clone, Debug, Default)]
struct Flaky {
    inner: MemoryStore,
    fail: Arc<AtomicBool>,
}

impl AuditStore for Flaky {
    fn append(&mut self, entry: &AuditEntry) -> Result<()> {
        if self.fail.load(Ordering::SeqCst) {
            return Err(Error::new(Code::Io));
        }
        self.inner.append(entry)
    }
    fn scan(&self, visit: &mut dyn FnMut(&AuditEntry) -> Result<()>) -> Result<()> {
        self.inner.scan(visit)
    }
}

fn agency() -> Agency<MemoryStore> {
    Agency::for_tests_and_replays(
        "SPD",
        policy(),
        MemoryStore::new(),
        roster(),
        Clock::fixed_for_tests_and_replays(t(NOON)),
    )
    .unwrap()
}

fn records<S: AuditStore>(a: &Agency<S>) -> Vec<AuditRecord> {
    let mut out = Vec::new();
    a.log()
        .scan(&mut |e| {
            out.push(e.record.clone());
            Ok(())
        })
        .unwrap();
    out
}

fn last<S: AuditStore>(a: &Agency<S>) -> AuditRecord {
    records(a).pop().unwrap()
}

fn d<'a>(r: &'a AuditRecord, k: &str) -> &'a str {
    r.details.get(k).map_or("<absent>", String::as_str)
}

fn store() -> DetectionStore {
    DetectionStore::from_json(
        r#"[{"id": 1, "plate": "7ABC123", "observed_at": "2026-11-27T10:00:00-08:00", "lat": 38.58, "lon": -121.49, "device_id": "car-12"},
            {"id": 2, "plate": "7A8C123", "observed_at": "2026-11-20T10:00:00-08:00", "lat": 38.58, "lon": -121.49},
            {"id": 3, "plate": "7ABC123", "observed_at": "2024-06-01T10:00:00-07:00", "lat": 38.58, "lon": -121.49}]"#,
    )
    .unwrap()
}

use crate::search::DetectionStore;

fn request(json: &str) -> AccessRequest {
    serde_json::from_str(json).unwrap()
}

fn stolen() -> AccessRequest {
    request(r#"{"action": "query_detections", "purpose": "stolen_vehicle"}"#)
}

fn query(p: &Policy) -> DetectionQuery {
    DetectionQuery::new(crate::PlateOrPattern::parse("7AB?123", p.pattern_limits()).unwrap())
}

const SVS_CSV: &[u8] = b"plate,state,category,record_id\n7ABC123,CA,stolen_vehicle,V123\n8XYZ999,CA,stolen_vehicle,V124\nUNK,CA,stolen_vehicle,V125\n";

fn svs(a: &mut Agency<impl AuditStore>) {
    a.load_list(
        "a1",
        &ListLoad {
            id: "SVS",
            kind: ListKind::Standard,
            priority: 10,
            source: "CA DOJ",
            format: Format::Csv,
            bytes: SVS_CSV,
            default_category: None,
            approver: None,
            options: crate::hotlist::LoadOptions::default(),
        },
    )
    .unwrap();
}

#[test]
fn the_agency_may_be_shared_between_threads() {
    fn assert_all<T: Send + Sync>() {}
    assert_all::<Agency<MemoryStore>>();
    assert_all::<Agency<crate::audit::FileStore>>();
    assert_all::<HitCase>();
}

#[test]
fn opening_records_the_roster_and_the_policy_hash() {
    let a = agency();
    let r = last(&a);
    assert_eq!((r.action.as_str(), r.user.as_str()), ("agency_open", SYSTEM_USER));
    assert_eq!(d(&r, "roster_count"), "9");
    assert_eq!(d(&r, "roster_sha256"), a.roster().sha256());
    assert_eq!(d(&r, "policy"), "sacramento-525.08");
    assert_eq!(d(&r, "policy_sha256"), a.policy_hash());
    // The hash is of the settings: stable for equal settings, different for any change.
    assert_eq!(policy_sha256(&policy()).unwrap(), a.policy_hash());
    let mut other = Policy::clone(&policy());
    other.hot_plate_max_days = 29;
    assert_ne!(policy_sha256(&other).unwrap(), a.policy_hash());
    assert_eq!(a.policy_hash().len(), 64);
    // A roster user trained in the future or listed twice is refused.
    let mut future = user("x", "operator");
    future.trained_on = chrono::NaiveDate::from_ymd_opt(2026, 12, 1);
    let clock = || Clock::fixed_for_tests_and_replays(t(NOON));
    for bad in [vec![future], vec![user("x", "operator"), user("x", "dispatcher")]] {
        let e = Agency::for_tests_and_replays("SPD", policy(), MemoryStore::new(), bad, clock()).unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument);
    }
}

#[test]
fn search_is_decided_and_recorded_with_window_policy_and_holds() {
    let mut a = agency();
    let q = query(a.policy());
    assert_eq!(a.search(&store(), "i1", &stolen(), &q).unwrap(), vec![0]);
    let r = last(&a);
    assert_eq!(r.action, "query_detections");
    assert_eq!((r.user.as_str(), r.agency.as_str()), ("i1", "SPD"));
    assert_eq!(r.outcome, Outcome::Allow);
    assert_eq!(r.time, t(NOON));
    assert_eq!(r.purpose.as_deref(), Some("stolen_vehicle"));
    assert_eq!(r.query_terms.as_deref(), Some("term=7AB?123"));
    assert_eq!(d(&r, "read"), "search");
    assert_eq!(d(&r, "window_from"), "");
    assert_eq!(d(&r, "window_to"), t(NOON).to_rfc3339());
    assert_eq!(d(&r, "retention_delete_after"), "2y");
    assert_eq!(d(&r, "holds_count"), "0");
    assert_eq!(d(&r, "policy_sha256"), a.policy_hash());
    // A hold placed through the agency widens the next read, and the record names it.
    a.place_legal_hold("s1", 3, "26-100", HoldKind::Criminal).unwrap();
    assert_eq!(a.search(&store(), "i1", &stolen(), &q).unwrap(), vec![0, 2]);
    let r = last(&a);
    assert_eq!((d(&r, "holds_count"), d(&r, "hold_cases")), ("1", "26-100"));
    assert_eq!(d(&r, "holds_sha256"), ids_sha256(&[3]));
    // A canvass is a search with a radius.
    let mut c = q.clone();
    c.near = Some(crate::search::Near {
        lat: 38.58,
        lon: -121.49,
        radius_m: 500.0,
    });
    let canvass = request(r#"{"action": "query_detections", "purpose": "crime_canvass", "case_number": "26-7"}"#);
    assert_eq!(a.search(&store(), "i1", &canvass, &c).unwrap(), vec![0, 2]);
    let r = last(&a);
    assert_eq!((d(&r, "read"), r.case_number.as_deref()), ("canvass", Some("26-7")));
    // Another action is not a read: refused before any decision.
    let other = request(r#"{"action": "view_hits"}"#);
    let n = records(&a).len();
    assert_eq!(
        a.search(&store(), "i1", &other, &q).unwrap_err().code(),
        Code::InvalidArgument
    );
    assert_eq!(records(&a).len(), n);
    a.log().verify(None).unwrap();
}

#[test]
fn denials_are_recorded_unknown_users_included() {
    let mut a = agency();
    let q = query(a.policy());
    for (who, reasons) in [
        ("i2", vec![Code::NotTrained]),
        ("o1", vec![Code::ActionNotPermitted]),
        (
            "mallory",
            vec![
                Code::AccountInactive,
                Code::NotTrained,
                Code::NoClearance,
                Code::ActionNotPermitted,
            ],
        ),
    ] {
        let e = a.search(&store(), who, &stolen(), &q).unwrap_err();
        assert_eq!(e.code(), Code::AccessDenied, "{who}");
        let r = last(&a);
        assert_eq!((r.user.as_str(), r.outcome), (who, Outcome::Deny));
        assert_eq!(r.reasons, reasons, "{who}");
        assert_eq!(d(&r, "user_known"), if who == "mallory" { "false" } else { "<absent>" });
    }
}

#[test]
fn a_failing_audit_store_fails_every_operation_closed() {
    let store_ = Flaky::default();
    let fail = Arc::clone(&store_.fail);
    let mut a = Agency::for_tests_and_replays(
        "SPD",
        policy(),
        store_,
        roster(),
        Clock::fixed_for_tests_and_replays(t(NOON)),
    )
    .unwrap();
    svs(&mut a);
    let read = Read::new("7ABC123", t(NOON));
    let hit = a.match_read(None, &read).unwrap().remove(0);
    let mut case = a.open_hit(&hit, &read).unwrap();
    fail.store(true, Ordering::SeqCst);
    let q = query(a.policy());
    let code = |r: Result<()>| r.unwrap_err().code();
    assert_eq!(
        code(a.search(&store(), "i1", &stolen(), &q).map(|_| ())),
        Code::AuditWriteFailed
    );
    assert_eq!(
        code(a.record_search("i2", &stolen(), &q).map(|_| ())),
        Code::AuditWriteFailed
    );
    assert_eq!(
        code(a.retro_hits(&store(), "i1", &stolen(), "SVS", 30).map(|_| ())),
        Code::AuditWriteFailed
    );
    let before = case.clone();
    assert_eq!(
        code(a.hit_event(&mut case, &TimedEvent::new(Event::Acknowledge, t(NOON), "o1"))),
        Code::AuditWriteFailed
    );
    assert_eq!(case, before, "the hit does not change without its record");
    let special = ListLoad {
        id: "SPECIAL-OOI",
        kind: ListKind::Special,
        priority: 50,
        source: "OOI",
        format: Format::Csv,
        bytes: b"plate,category\n9ZZZ999,investigation\n",
        default_category: None,
        approver: Some("c1"),
        options: crate::hotlist::LoadOptions::default(),
    };
    assert_eq!(code(a.load_list("a1", &special).map(|_| ())), Code::AuditWriteFailed);
    assert!(a.registry().get("SPECIAL-OOI").is_none(), "nothing installed");
    assert_eq!(
        code(a.place_legal_hold("s1", 3, "26-1", HoldKind::Civil)),
        Code::AuditWriteFailed
    );
    assert!(a.holds().all().is_empty());
    let form = hot_plate_form();
    assert_eq!(code(a.enter_hot_plate("i1", &form).map(|_| ())), Code::AuditWriteFailed);
    assert!(a.registry().get(HOT_PLATE_LIST).is_none());
    assert_eq!(
        code(a.approve_other_use("s1", "M-1", None, None, "x").map(|_| ())),
        Code::AuditWriteFailed
    );
    assert!(a.approvals().is_empty());
    assert_eq!(
        code(a.manage_users("a1", RosterChange::Remove { id: "o1".into() })),
        Code::AuditWriteFailed
    );
    assert!(a.roster().get("o1").is_some());
    assert_eq!(code(a.shift_end("o1", t(NOON)).map(|_| ())), Code::AuditWriteFailed);
    assert_eq!(code(a.purge("a1", &[]).map(|_| ())), Code::AuditWriteFailed);
    fail.store(false, Ordering::SeqCst);
    a.log().verify(None).unwrap();
}

#[test]
fn the_log_never_goes_back_in_time() {
    let mut a = agency();
    let q = query(a.policy());
    a.clock()
        .advance_for_tests_and_replays(chrono::Duration::minutes(10))
        .unwrap();
    a.search(&store(), "i1", &stolen(), &q).unwrap();
    a.clock().set_for_tests_and_replays(t(NOON)).unwrap();
    let n = records(&a).len();
    let e = a.search(&store(), "i1", &stolen(), &q).unwrap_err();
    assert_eq!(e.code(), Code::TimeRegression);
    assert_eq!(records(&a).len(), n, "nothing recorded, nothing read");
}

fn open_case(a: &mut Agency<MemoryStore>, origin: Origin) -> HitCase {
    svs(a);
    let mut read = Read::new("7ABC-123", t("2026-11-28T11:59:00-08:00"));
    read.origin = origin;
    read.device_id = Some("car-12");
    read.location = Some(Location {
        lat: 38.58,
        lon: -121.49,
    });
    let hits = a.match_read(Some("o1"), &read).unwrap();
    assert_eq!(hits.len(), 1);
    a.open_hit(&hits[0], &read).unwrap()
}

#[test]
fn every_hit_event_applied_or_refused_is_one_record() {
    let mut a = agency();
    let mut case = open_case(&mut a, Origin::Vehicle);
    let r = last(&a);
    assert_eq!(
        (r.action.as_str(), d(&r, "hit_id"), d(&r, "list_id")),
        ("hit_open", "1", "SVS")
    );
    let at = |m: i64| t(NOON) - chrono::Duration::minutes(m);
    let events = [
        (TimedEvent::new(Event::Acknowledge, at(9), "o1"), "ok"),
        (TimedEvent::new(Event::Stop, at(8), "o1"), "confirmation_required"),
        (TimedEvent::new(Event::Broadcast, at(7), "o1"), "ok"),
        (
            TimedEvent::new(
                Event::Confirm {
                    response: ClearsResponse::all(true),
                },
                at(6),
                "d1",
            )
            .with_reference("CLETS 4411"),
            "ok",
        ),
        // Out of order: dated before the confirmation.
        (TimedEvent::new(Event::RecordBasis, at(7), "o1"), "time_regression"),
        // Not on the roster.
        (TimedEvent::new(Event::RecordBasis, at(5), "mallory"), "access_denied"),
        // In the future of the agency clock.
        (TimedEvent::new(Event::RecordBasis, at(-5), "o1"), "invalid_argument"),
        (
            TimedEvent::new(Event::RecordBasis, at(5), "o1").with_reference("PC 10851"),
            "ok",
        ),
        (TimedEvent::new(Event::Stop, at(4), "o1"), "ok"),
    ];
    let before = records(&a).len();
    for (i, (ev, want)) in events.iter().enumerate() {
        let got = a.hit_event(&mut case, ev);
        assert_eq!(
            got.as_ref().map_or_else(|e| e.code().as_str(), |()| "ok"),
            *want,
            "event {i}"
        );
        let r = last(&a);
        assert_eq!(r.action, "hit_event");
        assert_eq!(r.user, ev.actor);
        assert_eq!(d(&r, "hit_id"), "1");
        assert_eq!(d(&r, "list_id"), "SVS");
        assert_eq!(d(&r, "list_version"), case.list_version().to_rfc3339());
        assert_eq!(d(&r, "event"), ev.event.kind().as_str());
        assert_eq!(d(&r, "result"), *want);
        assert_eq!(d(&r, "at"), ev.at.to_rfc3339());
        assert_eq!(d(&r, "reference"), ev.reference.as_deref().unwrap_or(""));
        assert_eq!(
            r.outcome,
            match *want {
                "ok" => Outcome::Ok,
                "access_denied" => Outcome::Deny,
                _ => Outcome::Failed,
            }
        );
    }
    assert_eq!(records(&a).len() - before, events.len());
    assert_eq!(case.workflow().status(), HitStatus::Confirmed);
    assert_eq!(case.workflow().stops(), 1);
    assert_eq!(case.events_applied(), 5);
    // The log alone shows confirmation and basis before the stop.
    let log = records(&a);
    let pos = |ev: &str| {
        log.iter()
            .position(|r| r.action == "hit_event" && d(r, "event") == ev && d(r, "result") == "ok")
            .unwrap()
    };
    assert!(pos("confirm") < pos("stop") && pos("record_basis") < pos("stop"));
    let confirm = &log[pos("confirm")];
    assert_eq!(
        (d(confirm, "record_active"), d(confirm, "status")),
        ("true", "confirmed")
    );
}

#[test]
fn dispatch_packet_carries_the_read() {
    let mut a = agency();
    let mut case = open_case(&mut a, Origin::Desktop);
    case.set_heading(270.0).unwrap();
    assert!(case.set_heading(360.0).is_err());
    assert!(case.set_heading(f64::NAN).is_err());
    let p = case.packet(a.policy());
    let json: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
    assert_eq!(json["read"]["plate_read"], "7ABC-123");
    assert_eq!(json["read"]["plate"], "7ABC123");
    assert_eq!(json["read"]["device_id"], "car-12");
    assert_eq!(json["read"]["lat"], 38.58);
    assert_eq!(json["read"]["lon"], -121.49);
    assert_eq!(json["read"]["heading"], 270.0);
    assert_eq!(
        json["read"]["observed_at"],
        serde_json::to_value(t("2026-11-28T11:59:00-08:00")).unwrap()
    );
    assert_eq!(json["entry"]["jurisdiction"], "CA");
    assert_eq!(json["entry"]["record_id"], "V123");
    assert_eq!(json["list_id"], "SVS");
    assert_eq!(json["confirm_before_broadcast"], true);
}

#[test]
fn timed_events_parse_from_json_and_regress_without_the_agency() {
    let ev: TimedEvent = serde_json::from_str(
        r#"{"event": "confirm", "response": {"record_active": true, "plate_verified": true,
            "jurisdiction_verified": true, "occupied": false}, "at": "2026-11-28T12:00:00-08:00",
            "actor": "d1", "reference": "CLETS 1"}"#,
    )
    .unwrap();
    assert_eq!(ev.event.kind().as_str(), "confirm");
    assert_eq!(ev.reference.as_deref(), Some("CLETS 1"));
    let back: TimedEvent = serde_json::from_str(&serde_json::to_string(&ev).unwrap()).unwrap();
    assert_eq!(back, ev);
    let mut a = agency();
    let mut case = open_case(&mut a, Origin::Vehicle);
    case.apply(&TimedEvent::new(Event::Acknowledge, t(NOON), "o1")).unwrap();
    let e = case
        .apply(&TimedEvent::new(
            Event::Broadcast,
            t(NOON) - chrono::Duration::seconds(1),
            "o1",
        ))
        .unwrap_err();
    assert_eq!(e.code(), Code::TimeRegression);
    assert_eq!(case.workflow().status(), HitStatus::Acknowledged);
    // Same time is not a regression.
    case.apply(&TimedEvent::new(Event::Broadcast, t(NOON), "o1")).unwrap();
}

#[test]
fn an_agency_load_on_threads_gives_what_one_thread_gives() {
    // Over two MIN_CHUNKs, so that two threads really split it; with rejected records (a bad
    // plate, a bad category) and duplicates spread over the file.
    let mut csv = String::from("plate,state,category,record_id\n");
    let mut k = 0u32;
    while csv.len() < 2 * crate::hotlist::format::MIN_CHUNK + 4096 {
        let n = k % 30_000; // each plate twice or more
        let plate = format!("{}{n:06}", char::from(b'A' + (n % 26) as u8));
        match k % 9_973 {
            17 => csv.push_str("@@@,CA,stolen_vehicle,V\n"),
            29 => csv.push_str("7ABC123,CA,no_such_category,V\n"),
            _ => {
                use std::fmt::Write as _;
                let _ = writeln!(csv, "{plate},CA,stolen_vehicle,V{n}");
            }
        }
        k += 1;
    }
    let load = |threads: usize| {
        let mut a = agency();
        let splits = crate::threads::splits_on_this_thread();
        let report = a
            .load_list(
                "a1",
                &ListLoad {
                    id: "SVS",
                    kind: ListKind::Standard,
                    priority: 10,
                    source: "CA DOJ",
                    format: Format::Csv,
                    bytes: csv.as_bytes(),
                    default_category: None,
                    approver: None,
                    options: crate::hotlist::LoadOptions::with_threads(threads),
                },
            )
            .unwrap();
        let split = crate::threads::splits_on_this_thread() > splits;
        assert_eq!(split, threads > 1, "the load is split over threads exactly when asked");
        let entries = a.registry().get("SVS").unwrap().entries().to_vec();
        let rec = last(&a);
        (
            report,
            entries,
            d(&rec, "file_sha256").to_owned(),
            d(&rec, "accepted").to_owned(),
        )
    };
    let (one, two) = (load(1), load(2));
    assert!(
        one.0.rejected.len() >= 2 && one.0.merged > 0,
        "the file has rejections and duplicates: {} rejected, {} merged",
        one.0.rejected.len(),
        one.0.merged
    );
    assert_eq!(one.0, two.0, "the same report");
    assert_eq!(one.1.len(), one.0.accepted);
    assert!(one.1 == two.1, "the same entries in the same order");
    assert_eq!((one.2, one.3), (two.2, two.3), "the same audit record details");
}

#[test]
fn list_loads_are_recorded_and_special_lists_need_their_approver() {
    let mut a = agency();
    svs(&mut a);
    let r = last(&a);
    assert_eq!(
        (r.action.as_str(), r.user.as_str(), r.outcome),
        ("hot_list_load", "a1", Outcome::Ok)
    );
    assert_eq!(d(&r, "list_id"), "SVS");
    assert_eq!(d(&r, "list_kind"), "standard");
    assert_eq!(d(&r, "list_version"), t(NOON).to_rfc3339());
    assert_eq!(d(&r, "file_sha256"), crate::audit::hex(&Sha256::digest(SVS_CSV)));
    assert_eq!(
        (d(&r, "records"), d(&r, "accepted"), d(&r, "rejected"), d(&r, "merged")),
        ("3", "2", "1", "0")
    );
    assert_eq!(a.registry().get("SVS").unwrap().meta().loaded_at, t(NOON));
    let special = |approver| ListLoad {
        id: "SPECIAL-OOI",
        kind: ListKind::Special,
        priority: 50,
        source: "OOI",
        format: Format::Csv,
        bytes: b"plate,category\n9ZZZ999,investigation\n",
        default_category: None,
        approver,
        options: crate::hotlist::LoadOptions::default(),
    };
    for approver in [None, Some("i1"), Some("nobody")] {
        let e = a.load_list("a1", &special(approver)).unwrap_err();
        assert_eq!(e.code(), Code::ApprovalRequired, "{approver:?}");
        let r = last(&a);
        assert_eq!(
            (r.outcome, r.reasons.as_slice()),
            (Outcome::Failed, &[Code::ApprovalRequired][..])
        );
        assert_eq!(d(&r, "approver"), approver.unwrap_or(""));
        assert!(a.registry().get("SPECIAL-OOI").is_none());
    }
    a.load_list("a1", &special(Some("c1"))).unwrap();
    let r = last(&a);
    assert_eq!((r.outcome, d(&r, "approver")), (Outcome::Ok, "c1"));
    assert!(a.registry().get("SPECIAL-OOI").is_some());
    // The loader needs manage_hot_lists; a failing file is recorded with its code.
    assert_eq!(
        a.load_list("i1", &special(Some("c1"))).unwrap_err().code(),
        Code::AccessDenied
    );
    assert_eq!(last(&a).outcome, Outcome::Deny);
    let mut bad = special(Some("c1"));
    bad.kind = ListKind::Standard;
    bad.bytes = b"state,category\nCA,investigation\n";
    let e = a.load_list("a1", &bad).unwrap_err();
    assert_eq!(e.code(), Code::MissingColumn);
    let r = last(&a);
    assert_eq!(
        (r.outcome, r.reasons.as_slice()),
        (Outcome::Failed, &[Code::MissingColumn][..])
    );
}

fn hot_plate_form() -> HotPlateForm {
    HotPlateForm {
        plate: Some("5DEF456".into()),
        jurisdiction: Some("CA".into()),
        category: Some("stolen_vehicle".into()),
        // Backdated: the agency enters it at its own time.
        entered_at: Some("2026-10-01T00:00:00Z".into()),
        expires_at: Some("2026-12-20T12:00:00-08:00".into()),
        case_number: Some("26-555".into()),
        ..HotPlateForm::default()
    }
}

#[test]
fn hot_plates_are_entered_and_removed_by_their_managers_only() {
    let mut a = agency();
    assert_eq!(
        a.enter_hot_plate("o1", &hot_plate_form()).unwrap_err().code(),
        Code::AccessDenied
    );
    let id = a.enter_hot_plate("i1", &hot_plate_form()).unwrap();
    let r = last(&a);
    assert_eq!((r.action.as_str(), r.outcome), ("hot_plate_enter", Outcome::Ok));
    assert_eq!((d(&r, "plate"), d(&r, "jurisdiction")), ("5DEF456", "CA"));
    assert_eq!(r.case_number.as_deref(), Some("26-555"));
    assert_eq!(d(&r, "hot_plate_id"), id.to_string());
    assert_eq!(a.registry().get(HOT_PLATE_LIST).unwrap().entries().len(), 1);
    // 30 days from the agency's time, not the backdated form's.
    let mut late = hot_plate_form();
    late.expires_at = Some("2027-01-05T12:00:00-08:00".into());
    assert_eq!(
        a.enter_hot_plate("i1", &late).unwrap_err().code(),
        Code::ExpiryExceeds30Days
    );
    assert_eq!(last(&a).reasons, [Code::ExpiryExceeds30Days]);
    assert_eq!(a.remove_hot_plate("o1", id).unwrap_err().code(), Code::AccessDenied);
    assert_eq!(
        a.remove_hot_plate("i1", id + 7).unwrap_err().code(),
        Code::InvalidArgument
    );
    a.remove_hot_plate("i1", id).unwrap();
    let r = last(&a);
    assert_eq!(
        (r.action.as_str(), r.outcome, d(&r, "plate")),
        ("hot_plate_remove", Outcome::Ok, "5DEF456")
    );
    assert!(a.registry().get(HOT_PLATE_LIST).unwrap().entries().is_empty());
}

#[test]
fn legal_holds_and_approvals_are_records_and_come_back_on_reopen() {
    let mut a = agency();
    assert_eq!(
        a.place_legal_hold("i1", 3, "26-1", HoldKind::Criminal)
            .unwrap_err()
            .code(),
        Code::AccessDenied
    );
    assert_eq!(
        a.place_legal_hold("s1", 3, " ", HoldKind::Criminal).unwrap_err().code(),
        Code::CaseNumberRequired
    );
    a.place_legal_hold("s1", 3, "26-1", HoldKind::Criminal).unwrap();
    a.place_legal_hold("s1", 4, "26-2", HoldKind::Civil).unwrap();
    let r = last(&a);
    assert_eq!(
        (r.action.as_str(), d(&r, "record_id"), d(&r, "hold_kind")),
        ("legal_hold_place", "4", "civil")
    );
    assert_eq!(r.case_number.as_deref(), Some("26-2"));
    assert_eq!(
        a.release_legal_hold("s1", 4, "26-1").unwrap_err().code(),
        Code::InvalidArgument
    );
    assert_eq!(a.release_legal_hold("s1", 4, "26-2").unwrap(), 1);
    let r = last(&a);
    assert_eq!((r.action.as_str(), d(&r, "released")), ("legal_hold_release", "1"));
    // A hold placed with white space around its case number (recorded trimmed) is released by
    // the same text, and the release records the case as the placement did (R-RET-3).
    a.place_legal_hold("s1", 5, " 26-3 ", HoldKind::Administrative).unwrap();
    assert_eq!(last(&a).case_number.as_deref(), Some("26-3"));
    assert_eq!(a.release_legal_hold("s1", 5, " 26-3 ").unwrap(), 1);
    assert_eq!(last(&a).case_number.as_deref(), Some("26-3"));

    // Other use: a request must reference an approval on record.
    let other = |reference: &str| {
        request(&format!(
            r#"{{"action": "query_detections", "purpose": "other_approved",
                "approval": {{"approver_role": "supervisor", "reference": "{reference}"}}}}"#
        ))
    };
    let q = query(a.policy());
    let e = a.search(&store(), "i1", &other("M-1"), &q).unwrap_err();
    assert_eq!(e.code(), Code::AccessDenied);
    assert_eq!(last(&a).reasons, [Code::ApprovalRequired]);
    assert_eq!(
        a.approve_other_use("i3", "M-1", Some("i1"), None, "fleet audit")
            .unwrap_err()
            .code(),
        Code::AccessDenied
    );
    a.approve_other_use("s1", "M-1", Some("i1"), Some("26-9"), "fleet audit")
        .unwrap();
    let r = last(&a);
    assert_eq!(r.action, "other_use_approval");
    assert_eq!(
        (d(&r, "reference"), d(&r, "approver_role"), d(&r, "for_user")),
        ("M-1", "supervisor", "i1")
    );
    // An administrator's approval counts too (approver_roles), and a reference is used once.
    a.approve_other_use("a1", "M-2", None, None, "training data").unwrap();
    assert_eq!(last(&a).details["approver_role"], "administrator");
    assert_eq!(
        a.approve_other_use("s1", "M-2", None, None, "again")
            .unwrap_err()
            .code(),
        Code::InvalidArgument
    );
    assert_eq!(a.search(&store(), "i1", &other("M-1"), &q).unwrap(), vec![0, 2]);
    // Only the user it names may rely on it.
    assert_eq!(
        a.search(&store(), "i3", &other("M-1"), &q).unwrap_err().code(),
        Code::AccessDenied
    );
    assert_eq!(a.search(&store(), "i3", &other("M-2"), &q).unwrap(), vec![0, 2]);

    // Reopened over the same log: holds and approvals are the recorded ones.
    let log = a.log().store().clone();
    let b = Agency::for_tests_and_replays(
        "SPD",
        policy(),
        log,
        roster(),
        Clock::fixed_for_tests_and_replays(t(NOON)),
    )
    .unwrap();
    assert_eq!(b.holds().active().iter().collect::<Vec<_>>(), vec![3]);
    assert_eq!(b.approvals().keys().collect::<Vec<_>>(), ["M-1", "M-2"]);
    assert_eq!(b.approvals()["M-1"].for_user.as_deref(), Some("i1"));
}

fn covert_list(a: &mut Agency<MemoryStore>) {
    a.load_list(
        "a1",
        &ListLoad {
            id: "COVERT-1",
            kind: ListKind::Covert,
            priority: 5,
            source: "task force",
            format: Format::Csv,
            bytes: b"plate,state,category,record_id\n7ABC123,CA,investigation,TF-9\n",
            default_category: None,
            approver: None,
            options: crate::hotlist::LoadOptions::default(),
        },
    )
    .unwrap();
}

#[test]
fn covert_hits_are_withheld_recorded_and_retrieved_by_authorized_users() {
    let mut a = agency();
    svs(&mut a);
    covert_list(&mut a);
    let mut read = Read::new("7ABC123", t(NOON));
    read.device_id = Some("pod-3");
    for viewer in [None, Some("o1"), Some("mallory")] {
        let hits = a.match_read(viewer, &read).unwrap();
        assert_eq!(hits.iter().map(Hit::list_id).collect::<Vec<_>>(), ["SVS"], "{viewer:?}");
        let r = last(&a);
        assert_eq!(r.action, "covert_hit");
        assert_eq!(
            (
                d(&r, "list_id"),
                d(&r, "entry"),
                d(&r, "record_id"),
                d(&r, "read_plate")
            ),
            ("COVERT-1", "7ABC123", "TF-9", "7ABC123")
        );
        assert_eq!((d(&r, "device_id"), d(&r, "delivered")), ("pod-3", "false"));
        assert_eq!(d(&r, "observed_at"), t(NOON).to_rfc3339());
        assert_eq!(r.time, t(NOON));
    }
    let hits = a.match_read(Some("v1"), &read).unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(d(&last(&a), "delivered"), "true");
    // A read with no covert hit adds no record.
    let n = records(&a).len();
    a.match_read(None, &Read::new("8XYZ999", t(NOON))).unwrap();
    assert_eq!(records(&a).len(), n);
    let day = (t("2026-11-28T00:00:00-08:00"), t("2026-11-29T00:00:00-08:00"));
    assert_eq!(
        a.covert_hits("i1", day.0, day.1).unwrap_err().code(),
        Code::AccessDenied
    );
    assert_eq!(last(&a).action, "covert_hit_retrieval");
    let got = a.covert_hits("v1", day.0, day.1).unwrap();
    assert_eq!(got.len(), 4);
    assert_eq!(d(&last(&a), "count"), "4");
    // Retro-hits of a covert list need view_covert too.
    let e = a.retro_hits(&store(), "i1", &stolen(), "COVERT-1", 30).unwrap_err();
    assert_eq!(e.code(), Code::AccessDenied);
    let r = last(&a);
    assert_eq!(
        (r.action.as_str(), r.reasons.as_slice()),
        ("query_detections", &[Code::ActionNotPermitted][..])
    );
    assert_eq!((d(&r, "list_id"), d(&r, "view_covert")), ("COVERT-1", "false"));
    assert_eq!(a.retro_hits(&store(), "i1", &stolen(), "SVS", 30).unwrap().len(), 2);
    let r = last(&a);
    assert_eq!((d(&r, "read"), d(&r, "list_id")), ("retro_hits", "SVS"));
    assert_eq!(
        d(&r, "window_from"),
        (t(NOON) - chrono::Duration::days(30)).to_rfc3339()
    );
}

#[test]
fn roster_changes_are_an_administrators_and_recorded() {
    let mut a = agency();
    let mut new = user("n1", "investigator");
    assert_eq!(
        a.manage_users("i1", RosterChange::Put { user: new.clone() })
            .unwrap_err()
            .code(),
        Code::AccessDenied
    );
    assert!(a.roster().get("n1").is_none());
    new.trained_on = chrono::NaiveDate::from_ymd_opt(2026, 11, 29);
    assert_eq!(
        a.manage_users("a1", RosterChange::Put { user: new.clone() })
            .unwrap_err()
            .code(),
        Code::InvalidArgument
    );
    assert_eq!(last(&a).outcome, Outcome::Failed);
    new.trained_on = chrono::NaiveDate::from_ymd_opt(2026, 11, 28);
    a.manage_users("a1", RosterChange::Put { user: new }).unwrap();
    let r = last(&a);
    assert_eq!(r.action, "manage_users");
    assert_eq!(
        (d(&r, "change"), d(&r, "subject"), d(&r, "roles"), d(&r, "trained_on")),
        ("put", "n1", "investigator", "2026-11-28")
    );
    let q = query(a.policy());
    assert_eq!(a.search(&store(), "n1", &stolen(), &q).unwrap(), vec![0]);
    a.manage_users("a1", RosterChange::Remove { id: "n1".into() }).unwrap();
    assert_eq!(
        a.search(&store(), "n1", &stolen(), &q).unwrap_err().code(),
        Code::AccessDenied
    );
    // The access review sees the roster as the agency keeps it; active users were touched.
    let review = a.access_review("a1").unwrap();
    assert!(review.iter().all(|r| r.user != "a1"));
    assert!(review.iter().any(|r| r.user == "o1"));
    assert_eq!(a.access_review("i1").unwrap_err().code(), Code::AccessDenied);
    // The quarterly report: for audit_queries only, recorded, and it counts the searches above.
    let options = crate::audit::ReportOptions {
        sample_size: 2,
        ..crate::audit::ReportOptions::default()
    };
    assert_eq!(
        a.quarterly_report("i1", &options).unwrap_err().code(),
        Code::AccessDenied
    );
    let report = a.quarterly_report("a1", &options).unwrap();
    let r = last(&a);
    assert_eq!(
        (r.action.as_str(), r.query_terms.as_deref()),
        ("audit_queries", Some("quarterly_report from= to="))
    );
    let n1 = report.users.iter().find(|u| u.user == "n1").unwrap();
    assert_eq!((n1.queries, n1.denied), (1, 1));
}

#[test]
fn shift_end_looks_for_the_operators_own_query_in_the_log() {
    let mut a = agency();
    let start = t("2026-11-28T06:00:00-08:00");
    assert!(a.shift_end("o1", start).unwrap().upload_unverified);
    assert_eq!(d(&last(&a), "own_detection_query"), "");
    let own = request(r#"{"action": "query_own_detections", "purpose": "stolen_vehicle"}"#);
    let q = query(a.policy());
    a.search(&store(), "o1", &own, &q).unwrap();
    let seq = a.head().sequence;
    a.clock()
        .advance_for_tests_and_replays(chrono::Duration::hours(1))
        .unwrap();
    let end = a.shift_end("o1", start).unwrap();
    assert!(!end.upload_unverified);
    let r = last(&a);
    assert_eq!(
        (r.action.as_str(), d(&r, "own_detection_query")),
        ("shift_end", seq.to_string().as_str())
    );
    // Someone else's query, or one before the shift, does not count.
    assert!(
        a.shift_end("o1", t("2026-11-28T12:30:00-08:00"))
            .unwrap()
            .upload_unverified
    );
    assert_eq!(a.shift_end("ghost", start).unwrap_err().code(), Code::AccessDenied);
}

#[test]
fn shares_and_purges_are_recorded() {
    let mut a = agency();
    let share = ShareRequest {
        data: ShareData::parse("detections").unwrap(),
        recipient: Recipient {
            name: "Folsom PD".into(),
            kind: "local".into(),
            jurisdiction: "CA".into(),
            learn_member: true,
        },
        approvals: Vec::new(),
        approver: None,
        approval_reference: None,
    };
    let dec = a.share("i1", &share).unwrap();
    let r = last(&a);
    assert_eq!(
        (r.action.as_str(), r.outcome, d(&r, "recipient")),
        ("share", Outcome::Allow, "Folsom PD")
    );
    assert_eq!(dec.decision.as_str(), "allow");
    assert_eq!(a.share("i2", &share).unwrap_err().code(), Code::AccessDenied);
    assert_eq!(
        (last(&a).outcome, last(&a).reasons.as_slice()),
        (Outcome::Deny, &[Code::NotTrained][..])
    );

    a.place_legal_hold("s1", 3, "26-1", HoldKind::Criminal).unwrap();
    let class = crate::retention::RetentionRules::from_policy(a.policy())
        .class("detection")
        .unwrap();
    let old = t("2024-06-01T10:00:00-07:00");
    let recs: Vec<PlanRecord> = (1..=3)
        .map(|id| PlanRecord {
            id,
            class,
            captured_at: if id == 1 { t(NOON) } else { old },
        })
        .collect();
    let (plan, receipt) = a.purge("a1", &recs).unwrap();
    assert_eq!(plan.due.iter().collect::<Vec<_>>(), vec![2]);
    assert_eq!(plan.held.iter().collect::<Vec<_>>(), vec![3]);
    let r = last(&a);
    assert_eq!((r.action.as_str(), d(&r, "count"), d(&r, "held")), ("purge", "1", "1"));
    assert_eq!(d(&r, "ids_sha256"), receipt.ids_sha256);
    assert_eq!(a.purge("mallory", &recs).unwrap_err().code(), Code::AccessDenied);
}

#[test]
fn hot_plates_come_back_on_reopen_and_removed_ones_do_not() {
    let mut a = agency();
    let kept = a.enter_hot_plate("i1", &hot_plate_form()).unwrap();
    let mut other = hot_plate_form();
    other.plate = Some("6GHJ789".into());
    let removed = a.enter_hot_plate("i1", &other).unwrap();
    a.remove_hot_plate("i1", removed).unwrap();
    let log = a.log().store().clone();
    let mut b = Agency::for_tests_and_replays(
        "SPD",
        policy(),
        log,
        roster(),
        Clock::fixed_for_tests_and_replays(t(NOON)),
    )
    .unwrap();
    let list = b.registry().get(HOT_PLATE_LIST).unwrap();
    let plates: Vec<String> = list.entries().iter().map(|e| e.key.to_string()).collect();
    assert_eq!(plates, ["5DEF456"]);
    assert_eq!(
        b.match_read(None, &Read::new("5DEF456", t(NOON))).unwrap()[0].list_id(),
        HOT_PLATE_LIST
    );
    // The replayed plate can be removed by its id, and new ids do not reuse old ones.
    let next = b.enter_hot_plate("i1", &other).unwrap();
    assert!(next > removed && next > kept);
    b.remove_hot_plate("i1", kept).unwrap();
    assert_eq!(b.registry().get(HOT_PLATE_LIST).unwrap().entries().len(), 1);
}

#[test]
fn a_match_with_too_little_room_records_nothing() {
    let mut a = agency();
    svs(&mut a);
    covert_list(&mut a);
    let read = Read::new("7ABC123", t(NOON));
    let n = records(&a).len();
    // The viewer sees both hits: room for one is too little, and nothing is recorded.
    assert_eq!(a.match_read_within(Some("v1"), &read, 1).unwrap().err(), Some(2));
    assert_eq!(records(&a).len(), n);
    // Without a viewer the answer holds the SVS hit only, which fits.
    assert_eq!(a.match_read_within(None, &read, 1).unwrap().unwrap().len(), 1);
    assert_eq!(records(&a).len(), n + 1);
    assert_eq!(a.match_read_within(Some("v1"), &read, 2).unwrap().unwrap().len(), 2);
    assert_eq!(records(&a).len(), n + 2);
}

#[test]
fn the_registry_alone_withholds_covert_hits() {
    let mut a = agency();
    svs(&mut a);
    covert_list(&mut a);
    let read = Read::new("7ABC123", t(NOON));
    let hits = a.registry().match_read(&read, t(NOON)).unwrap();
    assert_eq!(hits.iter().map(Hit::list_id).collect::<Vec<_>>(), ["SVS"]);
    let out = a
        .registry()
        .match_batch(&[read, Read::new("8XYZ999", t(NOON))], t(NOON));
    assert_eq!(
        out.hits.iter().map(|b| (b.read, b.hit.list_id())).collect::<Vec<_>>(),
        [(0, "SVS"), (1, "SVS")]
    );
    let (mut hits, mut errors) = (Vec::new(), Vec::<(u32, Error)>::new());
    a.registry()
        .match_batch_indexed([Ok(read)], t(NOON), &mut hits, &mut errors);
    assert_eq!(hits.len(), 1);
    // The engine itself still sees the covert list.
    let all = a
        .registry()
        .matcher()
        .match_read(&a.registry().snapshot(), &read, t(NOON))
        .unwrap();
    assert_eq!(all.len(), 2);
    // Appending: what `out` held before stays, covert hits among them included (they are the
    // caller's); of the new hits the covert one is withheld.
    let mut out = all.clone();
    a.registry().match_into(&read, t(NOON), &mut out).unwrap();
    let ids = |hits: &[Hit]| hits.iter().map(Hit::list_id).map(str::to_owned).collect::<Vec<_>>();
    let mut expected = ids(&all);
    expected.push("SVS".to_owned());
    assert_eq!(ids(&out), expected);
    // An unreadable plate leaves `out` as it was.
    let before = ids(&out);
    assert!(
        a.registry()
            .match_into(&Read::new("7A#C", t(NOON)), t(NOON), &mut out)
            .is_err()
    );
    assert_eq!(ids(&out), before);
}

#[test]
fn own_detection_queries_return_only_the_users_devices() {
    let mut staff = roster();
    let mut o2 = user("o2", "operator");
    o2.devices = vec!["car-12".into()];
    staff.push(o2);
    let mut a = Agency::for_tests_and_replays(
        "SPD",
        policy(),
        MemoryStore::new(),
        staff,
        Clock::fixed_for_tests_and_replays(t(NOON)),
    )
    .unwrap();
    let own = request(r#"{"action": "query_own_detections", "purpose": "stolen_vehicle"}"#);
    let q = query(a.policy());
    let store = DetectionStore::from_json(
        r#"[{"id": 1, "plate": "7ABC123", "observed_at": "2026-11-27T10:00:00-08:00", "lat": 38.58, "lon": -121.49, "device_id": "car-12"},
            {"id": 2, "plate": "7ABC123", "observed_at": "2026-11-27T11:00:00-08:00", "lat": 38.58, "lon": -121.49, "device_id": "car-99"},
            {"id": 3, "plate": "7ABC123", "observed_at": "2026-11-27T12:00:00-08:00", "lat": 38.58, "lon": -121.49}]"#,
    )
    .unwrap();
    // o2 sees only its car's row, not another car's nor one without a device.
    assert_eq!(a.search(&store, "o2", &own, &q).unwrap(), vec![0]);
    assert_eq!(d(&last(&a), "devices"), "car-12");
    // An operator without devices sees no one's, and the record says so.
    assert!(a.search(&store, "o1", &own, &q).unwrap().is_empty());
    assert_eq!(d(&last(&a), "devices"), "");
    // A query of all detections is not restricted (and records no devices).
    assert_eq!(a.search(&store, "i1", &stolen(), &q).unwrap(), vec![0, 1, 2]);
    assert_eq!(d(&last(&a), "devices"), "<absent>");
    // Retro-hits under query_own_detections: the user's devices only.
    svs(&mut a);
    let own_hits = a.retro_hits(&store, "o2", &own, "SVS", 30).unwrap();
    assert_eq!(own_hits.iter().map(|h| h.detection_id).collect::<Vec<_>>(), [1]);
    assert!(a.retro_hits(&store, "o1", &own, "SVS", 30).unwrap().is_empty());
    assert_eq!(a.retro_hits(&store, "i1", &stolen(), "SVS", 30).unwrap().len(), 3);
    // Devices are part of the roster's JSON and hash.
    let u = User::from_json(r#"{"id": "o3", "devices": ["pod-3", "car-7"]}"#).unwrap();
    assert_eq!(u.devices, ["pod-3", "car-7"]);
}

#[test]
fn pod_video_booked_as_evidence_is_a_record_with_its_access_check() {
    let mut a = agency();
    let ev = PodEvidence {
        purpose: "crime_canvass",
        case_number: "26-4410",
        device_id: "pod-3",
        video_ref: "nvr-3/2026-11-28T11:40/export-77",
        property_ref: Some("P-118822"),
    };
    let seq = a.book_pod_evidence("i1", &ev).unwrap();
    assert_eq!(seq, a.head().sequence);
    let r = last(&a);
    assert_eq!(
        (r.action.as_str(), r.outcome, r.user.as_str()),
        ("pod_evidence", Outcome::Allow, "i1")
    );
    assert_eq!(
        (r.purpose.as_deref(), r.case_number.as_deref()),
        (Some("crime_canvass"), Some("26-4410"))
    );
    assert_eq!(
        (
            d(&r, "device_id"),
            d(&r, "video_ref"),
            d(&r, "property_ref"),
            d(&r, "access_action")
        ),
        (
            "pod-3",
            "nvr-3/2026-11-28T11:40/export-77",
            "P-118822",
            "download_pod_video"
        )
    );
    assert_eq!(d(&r, "policy_sha256"), a.policy_hash());
    // An operator may not download POD video (R-ACCESS-3): denied, recorded.
    assert_eq!(a.book_pod_evidence("o1", &ev).unwrap_err().code(), Code::AccessDenied);
    let r = last(&a);
    assert_eq!((r.action.as_str(), r.outcome), ("pod_evidence", Outcome::Deny));
    assert_eq!(r.reasons, [Code::ActionNotPermitted]);
    // Evidence is booked in a case, whatever the purpose.
    let no_case = PodEvidence {
        purpose: "stolen_vehicle",
        case_number: " ",
        ..ev
    };
    assert_eq!(
        a.book_pod_evidence("i1", &no_case).unwrap_err().code(),
        Code::AccessDenied
    );
    assert_eq!(last(&a).reasons, [Code::CaseNumberRequired]);
    // A purpose the order does not permit; an untrained investigator; an unknown user.
    let bad = PodEvidence {
        purpose: "curiosity",
        ..ev
    };
    assert_eq!(a.book_pod_evidence("i1", &bad).unwrap_err().code(), Code::AccessDenied);
    assert_eq!(last(&a).reasons, [Code::PurposeNotPermitted]);
    assert_eq!(a.book_pod_evidence("i2", &ev).unwrap_err().code(), Code::AccessDenied);
    assert_eq!(
        a.book_pod_evidence("ghost", &ev).unwrap_err().code(),
        Code::AccessDenied
    );
    assert_eq!(d(&last(&a), "user_known"), "false");
    // The video must be named.
    let unnamed = PodEvidence { video_ref: "", ..ev };
    assert_eq!(
        a.book_pod_evidence("i1", &unnamed).unwrap_err().code(),
        Code::InvalidArgument
    );
    let r = last(&a);
    assert_eq!(
        (r.outcome, r.reasons.as_slice()),
        (Outcome::Failed, &[Code::InvalidArgument][..])
    );
}

fn share_request(data: &str, learn_member: bool, approver: Option<&str>) -> ShareRequest {
    ShareRequest {
        data: ShareData::parse(data).unwrap(),
        recipient: Recipient {
            name: "Elk Grove PD".into(),
            kind: "local".into(),
            jurisdiction: "CA".into(),
            learn_member,
        },
        approvals: Vec::new(),
        approver: approver.map(str::to_owned),
        approval_reference: Some("MEMO-7".into()),
    }
}

#[test]
fn a_share_needing_approval_counts_only_a_qualified_roster_approver() {
    let mut a = agency();
    // The captain of Investigations, a designee (a role granting the approving action), an
    // inactive captain and a captain whose training lapsed.
    let designee = user("k2", "investigations_designee");
    let mut p = (*policy()).clone();
    p.roles.insert(
        "investigations_designee".into(),
        vec!["approve_external_sharing".into()],
    );
    let mut a2 = Agency::for_tests_and_replays(
        "SPD",
        Arc::new(p),
        MemoryStore::new(),
        {
            let mut r = roster();
            let mut inactive = user("k3", "captain_investigations");
            inactive.account = "disabled".into();
            let mut lapsed = user("k4", "captain_investigations");
            lapsed.trained_on = chrono::NaiveDate::from_ymd_opt(2020, 1, 1);
            r.extend([user("k1", "captain_investigations"), designee, inactive, lapsed]);
            r
        },
        Clock::fixed_for_tests_and_replays(t(NOON)),
    )
    .unwrap();

    // No approver: needs_approval naming the role, recorded; nothing may be sent.
    let dec = a2.share("i1", &share_request("detections", false, None)).unwrap();
    assert_eq!(
        (
            dec.decision.as_str(),
            dec.approver.as_deref(),
            dec.approved_by.as_deref()
        ),
        ("needs_approval", Some("captain_investigations"), None)
    );
    assert_eq!(last(&a2).outcome, Outcome::NeedsApproval);
    assert_eq!(d(&last(&a2), "approver"), "<absent>");

    // The captain and a designee approve: allow, naming the approver's id and granting role.
    for (id, role) in [("k1", "captain_investigations"), ("k2", "investigations_designee")] {
        let dec = a2.share("i1", &share_request("detections", false, Some(id))).unwrap();
        assert_eq!((dec.decision.as_str(), dec.approved_by.as_deref()), ("allow", Some(id)));
        let r = last(&a2);
        assert_eq!(
            (
                r.outcome,
                d(&r, "approver"),
                d(&r, "approver_role"),
                d(&r, "approval_reference")
            ),
            (Outcome::Allow, id, role, "MEMO-7")
        );
    }

    // Unqualified approvers: unknown, wrong role (the OOI captain for detections, the requester
    // himself), inactive, training expired. Each is approval_required, recorded as a denial with
    // the approver's failed checks.
    for (id, why) in [
        ("ghost", "account_inactive"),
        ("c1", "action_not_permitted"),
        ("i1", "action_not_permitted"),
        ("k3", "account_inactive"),
        ("k4", "training_expired"),
    ] {
        let e = a2
            .share("i1", &share_request("detections", false, Some(id)))
            .unwrap_err();
        assert_eq!(e.code(), Code::ApprovalRequired, "{id}");
        let r = last(&a2);
        assert_eq!(
            (r.outcome, r.reasons.as_slice(), d(&r, "approver")),
            (Outcome::Deny, &[Code::ApprovalRequired][..], id),
            "{id}"
        );
        assert!(d(&r, "approver_reasons").split(',').any(|c| c == why), "{id}: {r:?}");
    }
    assert_eq!(d(&last(&a2), "approver_known"), "<absent>");
    a2.share("i1", &share_request("detections", false, Some("ghost")))
        .unwrap_err();
    assert_eq!(d(&last(&a2), "approver_known"), "false");

    // A Special Hot List needs the OOI captain (or designee), not the captain of Investigations.
    let e = a2
        .share("i1", &share_request("special_hot_list", true, Some("k1")))
        .unwrap_err();
    assert_eq!(e.code(), Code::ApprovalRequired);
    let dec = a2
        .share("i1", &share_request("special_hot_list", true, Some("c1")))
        .unwrap();
    assert_eq!(
        (dec.decision.as_str(), dec.approved_by.as_deref()),
        ("allow", Some("c1"))
    );
    assert_eq!(d(&last(&a2), "approver_role"), "ooi_captain");

    // Roles vouched for by the caller are refused (recorded), even the right one.
    let mut claimed = share_request("detections", false, None);
    claimed.approvals.push(crate::sharing::ShareApproval {
        role: "captain_investigations".into(),
        reference: "MEMO-7".into(),
    });
    assert_eq!(a2.share("i1", &claimed).unwrap_err().code(), Code::InvalidArgument);
    assert_eq!(
        (last(&a2).outcome, last(&a2).reasons.as_slice()),
        (Outcome::Failed, &[Code::InvalidArgument][..])
    );

    // A share on LEARN needs no approval: a named approver is neither checked nor recorded.
    let dec = a2
        .share("i1", &share_request("detections", true, Some("ghost")))
        .unwrap();
    assert_eq!((dec.decision.as_str(), dec.approved_by), ("allow", None));
    assert_eq!(d(&last(&a2), "approver"), "<absent>");

    // The default agency's roster has no captain of Investigations: no one can approve.
    let e = a
        .share("i1", &share_request("detections", false, Some("s1")))
        .unwrap_err();
    assert_eq!(e.code(), Code::ApprovalRequired);
}

#[test]
fn a_log_an_agency_wrote_is_known_as_the_agencys() {
    let mut free = crate::audit::AuditLog::open(MemoryStore::new()).unwrap();
    assert!(!super::written_by_agency(&free).unwrap());
    // Another user's record with the same action is not the agency's opening.
    free.append(AuditRecord::new(t(NOON), "u1", "SPD", super::AGENCY_OPEN, Outcome::Ok))
        .unwrap();
    assert!(!super::written_by_agency(&free).unwrap());
    let a = agency();
    assert!(super::written_by_agency(a.log()).unwrap());
}
