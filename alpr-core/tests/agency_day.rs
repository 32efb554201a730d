//! A day of G.O. 525.08 through the agency context, on a file-backed audit log: list loads
//! (a special list with its approver), a car hit through the workflow with refused events, an
//! officer hot plate, a legal hold surviving a purge, a canvass, the operator's own-detection
//! check and shift end — then the log read back: records by action, and the chain verified after
//! reopening the file.

use std::collections::BTreeMap;
use std::sync::Arc;

use alpr_core::access::{AccessRequest, User};
use alpr_core::agency::{Agency, Clock, ListLoad, TimedEvent};
use alpr_core::audit::{AuditStore, FileStore, verify_store};
use alpr_core::hotlist::Format;
use alpr_core::hotplate::HotPlateForm;
use alpr_core::matching::{Location, Read};
use alpr_core::retention::{HoldKind, PlanRecord, RetentionRules};
use alpr_core::search::{DetectionQuery, DetectionStore, Near};
use alpr_core::time::{Instant, parse_instant};
use alpr_core::vocab::{ListKind, Origin};
use alpr_core::workflow::{ClearsResponse, Event, HitStatus, Outcome};
use alpr_core::{Code, PlateOrPattern, Policy};

fn t(s: &str) -> Instant {
    parse_instant(s).unwrap()
}

fn user(id: &str, role: &str) -> User {
    serde_json::from_value(serde_json::json!({
        "id": id, "agency": "SPD", "roles": [role], "account": "active",
        "trained_on": "2025-09-01", "clearance": true
    }))
    .unwrap()
}

fn request(json: &str) -> AccessRequest {
    serde_json::from_str(json).unwrap()
}

#[test]
fn a_day_of_the_order_leaves_a_complete_verified_record() {
    let dir = std::env::temp_dir().join(format!("alpr-agency-day-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("audit.log");
    let _ = std::fs::remove_file(&path);
    let policy = Arc::new(Policy::sacramento());
    let roster = vec![
        user("admin", "administrator"),
        user("ofc-ruiz", "operator"),
        user("disp-lee", "dispatcher"),
        user("det-kim", "investigator"),
        user("sgt-ortiz", "supervisor"),
        user("capt-ooi", "ooi_captain"),
    ];
    let clock = Clock::fixed_for_tests_and_replays(t("2026-11-28T06:00:00-08:00"));
    let mut a = Agency::for_tests_and_replays(
        "SPD",
        Arc::clone(&policy),
        FileStore::open(&path).unwrap(),
        roster,
        clock,
    )
    .unwrap();
    let tick = |a: &Agency<FileStore>, minutes: i64| {
        a.clock()
            .advance_for_tests_and_replays(chrono::Duration::minutes(minutes))
            .unwrap();
    };
    let shift_start = a.clock().now();

    // 06:05 the morning download, and the OOI captain's special list.
    tick(&a, 5);
    let svs = ListLoad {
        id: "SVS",
        kind: ListKind::Standard,
        priority: 10,
        source: "CA DOJ",
        format: Format::Csv,
        bytes: b"plate,state,category,record_id\n7ABC123,CA,stolen_vehicle,V-1\n",
        default_category: None,
        approver: None,
        options: alpr_core::hotlist::LoadOptions::default(),
    };
    a.load_list("admin", &svs).unwrap();
    let special = ListLoad {
        id: "SPECIAL-OOI",
        kind: ListKind::Special,
        priority: 50,
        source: "OOI",
        format: Format::Csv,
        bytes: b"plate,category\n9ZZZ999,investigation\n",
        default_category: None,
        approver: None,
        options: alpr_core::hotlist::LoadOptions::default(),
    };
    assert_eq!(
        a.load_list("admin", &special).unwrap_err().code(),
        Code::ApprovalRequired
    );
    a.load_list(
        "admin",
        &ListLoad {
            approver: Some("capt-ooi"),
            ..special
        },
    )
    .unwrap();

    // 07:10 a car hit: acknowledged, broadcast, confirmed by dispatch, basis, stop, closed.
    tick(&a, 65);
    let mut read = Read::new("7ABC 123", a.clock().now());
    read.origin = Origin::Vehicle;
    read.device_id = Some("car-12");
    read.location = Some(Location {
        lat: 38.5816,
        lon: -121.4944,
    });
    let hits = a.match_read(Some("ofc-ruiz"), &read).unwrap();
    let mut case = a.open_hit(&hits[0], &read).unwrap();
    let at = a.clock().now();
    let step = |m: i64| at + chrono::Duration::seconds(m * 20);
    tick(&a, 5);
    a.hit_event(&mut case, &TimedEvent::new(Event::Acknowledge, step(1), "ofc-ruiz"))
        .unwrap();
    assert_eq!(
        a.hit_event(&mut case, &TimedEvent::new(Event::Stop, step(2), "ofc-ruiz"))
            .unwrap_err()
            .code(),
        Code::ConfirmationRequired
    );
    a.hit_event(&mut case, &TimedEvent::new(Event::Broadcast, step(3), "ofc-ruiz"))
        .unwrap();
    a.hit_event(
        &mut case,
        &TimedEvent::new(
            Event::Confirm {
                response: ClearsResponse::all(true),
            },
            step(4),
            "disp-lee",
        )
        .with_reference("CLETS 0711-4"),
    )
    .unwrap();
    a.hit_event(&mut case, &TimedEvent::new(Event::RecordBasis, step(5), "ofc-ruiz"))
        .unwrap();
    a.hit_event(&mut case, &TimedEvent::new(Event::Stop, step(6), "ofc-ruiz"))
        .unwrap();
    a.hit_event(
        &mut case,
        &TimedEvent::new(
            Event::Close {
                outcome: Outcome::Recovered,
            },
            step(7),
            "ofc-ruiz",
        ),
    )
    .unwrap();
    assert_eq!(case.workflow().status(), HitStatus::Closed);
    assert_eq!(case.packet(&policy).read.device_id.as_deref(), Some("car-12"));

    // 09:00 an officer hot plate; a special-list hit is informational.
    tick(&a, 110);
    let form = HotPlateForm {
        plate: Some("5DEF456".into()),
        jurisdiction: Some("CA".into()),
        category: Some("stolen_plate".into()),
        expires_at: Some("2026-12-20T00:00:00-08:00".into()),
        case_number: Some("26-4410".into()),
        ..HotPlateForm::default()
    };
    a.enter_hot_plate("det-kim", &form).unwrap();
    let hits = a.match_read(None, &Read::new("9ZZZ999", a.clock().now())).unwrap();
    assert_eq!(hits[0].list_kind(), ListKind::Special);

    // 10:00 a hold, a canvass, the operator's own-detection check.
    tick(&a, 60);
    let store = DetectionStore::from_json(
        r#"[{"id": 1, "plate": "7ABC123", "observed_at": "2026-11-28T07:10:00-08:00", "lat": 38.5816, "lon": -121.4944, "device_id": "car-12"},
            {"id": 2, "plate": "7ABC123", "observed_at": "2024-05-01T07:10:00-07:00", "lat": 38.5816, "lon": -121.4944}]"#,
    )
    .unwrap();
    a.place_legal_hold("sgt-ortiz", 2, "26-4410", HoldKind::Criminal)
        .unwrap();
    let mut canvass = DetectionQuery::new(PlateOrPattern::parse("7ABC*", policy.pattern_limits()).unwrap());
    canvass.near = Some(Near {
        lat: 38.5816,
        lon: -121.4944,
        radius_m: 300.0,
    });
    let rows = a
        .search(
            &store,
            "det-kim",
            &request(r#"{"action": "query_detections", "purpose": "crime_canvass", "case_number": "26-4410"}"#),
            &canvass,
        )
        .unwrap();
    assert_eq!(store.ids_of(&rows), vec![1, 2], "the held detection stays visible");
    assert!(a.shift_end("ofc-ruiz", shift_start).unwrap().upload_unverified);
    a.search(
        &store,
        "ofc-ruiz",
        &request(r#"{"action": "query_own_detections", "purpose": "stolen_vehicle"}"#),
        &DetectionQuery::new(PlateOrPattern::parse("7ABC123", policy.pattern_limits()).unwrap()),
    )
    .unwrap();

    // 16:00 the purge keeps the held detection; shift end sees the check.
    tick(&a, 360);
    let class = RetentionRules::from_policy(&policy).class("detection").unwrap();
    let records: Vec<PlanRecord> = (1..=2)
        .map(|id| PlanRecord {
            id,
            class,
            captured_at: store.row(id as u32 - 1).observed_at(),
        })
        .collect();
    let (plan, _) = a.purge("admin", &records).unwrap();
    assert!(plan.due.is_empty());
    assert_eq!(plan.held.iter().collect::<Vec<_>>(), vec![2]);
    assert!(!a.shift_end("ofc-ruiz", shift_start).unwrap().upload_unverified);

    // The log, read back from the file: every step is there, and the chain holds.
    let head = a.head();
    drop(a);
    let file = FileStore::open(&path).unwrap();
    assert_eq!(verify_store(&file, Some(&head)).unwrap(), head);
    let mut by_action: BTreeMap<String, usize> = BTreeMap::new();
    let mut times = Vec::new();
    file.scan(&mut |e| {
        *by_action.entry(e.record.action.clone()).or_default() += 1;
        times.push(e.record.time);
        assert!(e.record.details.contains_key("policy_sha256"));
        Ok(())
    })
    .unwrap();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "records never go back in time");
    let want: BTreeMap<String, usize> = [
        ("agency_open", 1),
        ("hot_list_load", 3),
        ("hit_open", 1),
        ("hit_event", 7),
        ("hot_plate_enter", 1),
        ("legal_hold_place", 1),
        ("query_detections", 1),
        ("query_own_detections", 1),
        ("shift_end", 2),
        ("purge", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(by_action, want);
    // Reopened, the agency takes the hold back from the log.
    let again = Agency::for_tests_and_replays(
        "SPD",
        policy,
        file,
        Vec::new(),
        Clock::fixed_for_tests_and_replays(t("2026-11-28T17:00:00-08:00")),
    )
    .unwrap();
    assert_eq!(again.holds().active().iter().collect::<Vec<_>>(), vec![2]);
    let _ = std::fs::remove_dir_all(&dir);
}
