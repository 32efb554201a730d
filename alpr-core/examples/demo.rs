//! `make demo`: Sacramento PD General Order 525.08 walked end to end through the agency context,
//! on the embedded default profile and the bundled sample data (`alpr-core/data`, synthetic: no
//! real plates).
//!
//! 1. The profile and the agency: roster, policy hash, audit log.
//! 2. List loads (§F.1, §F.2): the CA DOJ stolen-vehicle file, and the Special Hot List refused
//!    without its approver, then loaded with the OOI captain's approval.
//! 3. Shift start and the device inspection (§C.4.a, §C.5).
//! 4. The reads of a patrol car matched; every hit explained, with what its tier means for the
//!    officer (§C.1.d).
//! 5. A car hit through the workflow (§B.4.a, §C.2, §D.4), refused events included.
//! 6. A desktop hit: no broadcast before confirmation (§B.4.b).
//! 7. A Special Hot List hit: informational, its broadcast refused (§F.3).
//! 8. An officer's hot plate: the 30-day and 24-hour rules (§G).
//! 9. Detections: a search and a retro-hits run, each recorded first; a refused search (§C.1, §C.3).
//! 10. Sharing under the California overlay (§E.2, Civil Code §1798.90.55(b)); a share outside
//!     LEARN approved by the captain of Investigations from the roster, and refused with an
//!     approver who may not approve (§E.3, §F.3).
//! 11. A legal hold surviving a purge (§E.1).
//! 12. A public-records request referred to the City Clerk (§H).
//! 13. Shift end: the check of the unit's detections, found in the log (§C.5.d).
//! 14. The quarterly audit report and the access review (§C.4.c, §C.4.d).
//! 15. The audit log: its records by action, and the chain verified (R-AUDIT-2).
//!
//! The agency runs on a clock fixed for tests and replays (a recorded day, 2026-11-28), so the
//! output is the same on every run; a deployment uses `Agency::open` and the system clock.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use alpr_core::access::{AccessRequest, User};
use alpr_core::agency::{Agency, Clock, HitCase, ListLoad, PodEvidence, TimedEvent};
use alpr_core::audit::{AuditStore, MemoryStore, ReportOptions};
use alpr_core::hotlist::Format;
use alpr_core::hotplate::{Distribution, HotPlateForm};
use alpr_core::matching::{Hit, Location, Read};
use alpr_core::retention::{HoldKind, PlanRecord, RetentionRules};
use alpr_core::search::{DetectionQuery, DetectionStoreBuilder};
use alpr_core::sharing::ShareRequest;
use alpr_core::time::{Instant, parse_instant};
use alpr_core::vocab::{Category, ListKind, Origin};
use alpr_core::workflow::{ClearsResponse, Disposition, Event, Outcome};
use alpr_core::{Jurisdiction, PlateOrPattern, Policy};

type Demo = Result<(), Box<dyn std::error::Error>>;

const SVS: &[u8] = include_bytes!("../data/svs.tbl");
const SPECIAL: &[u8] = include_bytes!("../data/special.csv");
const READS: &str = include_str!("../data/reads.csv");

fn at(s: &str) -> Instant {
    parse_instant(s).unwrap_or_default()
}

fn user(id: &str, role: &str) -> User {
    User {
        id: id.to_owned(),
        agency: "SPD".to_owned(),
        roles: vec![role.to_owned()],
        account: "active".to_owned(),
        trained_on: chrono::NaiveDate::from_ymd_opt(2025, 6, 1),
        clearance: true,
        last_active_at: None,
        devices: Vec::new(),
    }
}

fn step(title: &str) {
    println!("\n== {title} ==");
}

/// The outcome of an operation as one word and its code.
fn result<T>(r: &alpr_core::Result<T>) -> String {
    match r {
        Ok(_) => "ok".to_owned(),
        Err(e) => format!("refused: {}", e.code()),
    }
}

/// As [`result`], with a denial's reasons (its detail lists every failed check).
fn result_why<T>(r: &alpr_core::Result<T>) -> String {
    match r {
        Err(e) if e.code() == alpr_core::Code::AccessDenied => {
            format!("refused: {} ({})", e.code(), e.detail())
        }
        other => result(other),
    }
}

/// What a hit's tier means for the officer who sees it (R-MATCH-8, G.O. §C.1.d).
fn meaning(hit: &Hit) -> &'static str {
    match hit.tier.as_str() {
        "strong" => "exact plate, same state: confirm by CLETS/NCIC before any action",
        "moderate" => "likely the plate, but a character or the state is unconfirmed: look at the image, then confirm",
        _ => "a weak hit: read the plate on the image yourself; it may well be another car — never act on it alone",
    }
}

/// The reads of the sample stream: (plate, state).
fn reads() -> Vec<(&'static str, Option<Jurisdiction>)> {
    READS
        .lines()
        .skip(1)
        .map(|line| {
            let mut cols = line.split(',');
            let plate = cols.next().unwrap_or_default();
            (plate, cols.next().and_then(|s| Jurisdiction::parse(s).ok()))
        })
        .collect()
}

/// Applies one timed event and prints what happened.
fn event(
    agency: &mut Agency<MemoryStore>,
    case: &mut HitCase,
    e: Event,
    at: Instant,
    actor: &str,
    reference: Option<&str>,
) {
    let mut timed = TimedEvent::new(e, at, actor);
    if let Some(r) = reference {
        timed = timed.with_reference(r);
    }
    let r = agency.hit_event(case, &timed);
    println!(
        "  {}  {:<9} {:<14} -> {:<38} status {}",
        at.with_timezone(&agency.policy().time_zone).format("%H:%M:%S"),
        actor,
        e.kind().as_str(),
        result(&r),
        case.workflow().status()
    );
}

#[allow(clippy::too_many_lines, clippy::many_single_char_names)] // One narrative, step by step; t: a time, i: a read index.
fn main() -> Demo {
    let policy = Arc::new(Policy::sacramento());
    println!(
        "alpr {} — G.O. 525.08 end to end on profile {} ({}), time zone {}",
        alpr_core::VERSION,
        policy.name,
        policy.version,
        policy.time_zone
    );
    println!(
        "policy self-check: {} finding(s); California overlay: {}",
        policy.check().len(),
        if policy.california_overlay { "on" } else { "off" }
    );

    step("1. the agency (roster, policy hash, audit log)");
    let clock = Clock::fixed_for_tests_and_replays(at("2026-11-28T06:05:00-08:00"));
    let mut untrained = user("trainee-9", "investigator");
    untrained.trained_on = None;
    // The operator's unit: its own-detection queries return this car's rows only (G.O. §C.5.d).
    let mut operator = user("ofc-2231", "operator");
    operator.devices = vec!["CAR-2231".to_owned()];
    let roster = vec![
        user("adm-1", "administrator"),
        user("ooi-cpt", "ooi_captain"),
        user("cpt-inv", "captain_investigations"),
        user("sgt-4", "supervisor"),
        user("det-114", "investigator"),
        operator,
        user("disp-7", "dispatcher"),
        untrained,
    ];
    let mut agency = Agency::for_tests_and_replays("SPD", Arc::clone(&policy), MemoryStore::new(), roster, clock)?;
    println!(
        "agency SPD on a clock fixed for tests and replays at {} (a reproducible demo; a deployment runs on the system clock)",
        agency.clock().now().with_timezone(&policy.time_zone).to_rfc3339()
    );
    println!(
        "roster of {} users; policy sha256 {}…; every record names it",
        agency.roster().len(),
        &agency.policy_hash()[..16]
    );
    let set = |a: &Agency<MemoryStore>, t: &str| a.clock().set_for_tests_and_replays(at(t));

    step("2. list loads (G.O. §F.1, §F.2; R-LIST-9)");
    let svs = ListLoad {
        id: "SVS",
        kind: ListKind::Standard,
        priority: 10,
        source: "CA DOJ",
        format: Format::CaDojClew,
        bytes: SVS,
        default_category: Some(Category::StolenVehicle),
        approver: None,
        options: alpr_core::hotlist::LoadOptions::default(),
    };
    let report = agency.load_list("adm-1", &svs)?;
    println!(
        "SVS (CLEW file) by adm-1: accepted {}, merged {}, rejected {}",
        report.accepted,
        report.merged,
        report.rejected.len()
    );
    for r in report.rejected.iter().take(3) {
        println!("    rejected at {}: {}", r.position, r.code);
    }
    let mut special = ListLoad {
        id: "SPECIAL-OOI",
        kind: ListKind::Special,
        priority: 50,
        source: "OOI unit",
        format: Format::Csv,
        bytes: SPECIAL,
        default_category: None,
        approver: None,
        options: alpr_core::hotlist::LoadOptions::default(),
    };
    println!(
        "SPECIAL-OOI by adm-1, no approver: {}",
        result(&agency.load_list("adm-1", &special))
    );
    special.approver = Some("sgt-4");
    println!(
        "SPECIAL-OOI approved by sgt-4 (a supervisor, not the OOI captain): {}",
        result(&agency.load_list("adm-1", &special))
    );
    special.approver = Some("ooi-cpt");
    let report = agency.load_list("adm-1", &special)?;
    println!(
        "SPECIAL-OOI approved by ooi-cpt: accepted {}, rejected {} (the approver is in the load's record)",
        report.accepted,
        report.rejected.len()
    );
    for h in agency.registry().health(agency.clock().now()) {
        println!(
            "  health {:<12} {:<9} {:>5} entries, stale: {}",
            h.id,
            h.kind.as_str(),
            h.entries,
            h.stale
        );
    }

    step("3. shift start and inspection (G.O. §C.4.a, §C.5)");
    set(&agency, "2026-11-28T07:00:00-08:00")?;
    let mut checks: BTreeMap<String, bool> = policy.shift_checks.iter().map(|c| (c.clone(), true)).collect();
    checks.insert("gps_green".to_owned(), false);
    let s = alpr_core::ops::shift_start(&checks, &policy);
    println!(
        "CAR-2231 at 07:00: ready {}, failed {:?} — not on patrol until fixed",
        s.ready, s.failed
    );
    checks.insert("gps_green".to_owned(), true);
    let s = alpr_core::ops::shift_start(&checks, &policy);
    println!("CAR-2231 at 07:05 after a GPS restart: ready {}", s.ready);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
    for (device, last) in [("CAR-2231", (2026, 10, 2)), ("POD-17", (2026, 7, 30))] {
        let last = chrono::NaiveDate::from_ymd_opt(last.0, last.1, last.2).unwrap_or_default();
        let i = alpr_core::ops::inspection(last, today, &policy);
        println!(
            "inspection of {device}: last {last}, due on {}, overdue {}",
            i.due_on, i.overdue
        );
    }
    let shift_started = at("2026-11-28T07:00:00-08:00");

    step("4. the car's reads matched; every hit explained (G.O. §C.1.d; R-MATCH-8)");
    set(&agency, "2026-11-28T11:59:00-08:00")?;
    let stream = reads();
    let seen_at = at("2026-11-28T11:58:00-08:00");
    let mut car_hit: Option<(Hit, usize)> = None;
    let mut special_hit: Option<(Hit, usize)> = None;
    let mut tiers: BTreeMap<&str, usize> = BTreeMap::new();
    let mut shown = 0;
    for (i, (plate, state)) in stream.iter().enumerate() {
        let mut read = Read::new(plate, seen_at);
        read.jurisdiction = *state;
        read.device_id = Some("CAR-2231");
        let Ok(hits) = agency.match_read(Some("ofc-2231"), &read) else {
            continue;
        };
        for hit in hits {
            *tiers.entry(hit.tier.as_str()).or_default() += 1;
            let x = hit.explain();
            let first_of_tier = tiers[hit.tier.as_str()] == 1;
            if first_of_tier || shown < 4 {
                shown += 1;
                let positions: Vec<String> = x.positions.iter().map(ToString::to_string).collect();
                println!(
                    "read {i:>3}: list {:<11} {:<10} positions [{}] state {:<8} tier {:<8}",
                    x.list,
                    x.kind.as_str(),
                    positions.join(","),
                    x.jurisdiction.as_str(),
                    x.tier.as_str()
                );
                println!("          for the officer: {}", meaning(&hit));
            }
            match hit.list_kind() {
                ListKind::Standard if car_hit.is_none() && hit.tier.as_str() == "strong" => car_hit = Some((hit, i)),
                ListKind::Special if special_hit.is_none() => special_hit = Some((hit, i)),
                _ => {}
            }
        }
    }
    println!("hits by tier: {tiers:?}; every hit requires confirmation before any action (R-HIT-1)");

    step("5. a car hit through the workflow (G.O. §B.4.a, §C.2, §D.4; R-HIT-9)");
    let Some((hit, i)) = car_hit else {
        return Err("no strong standard-list hit in the sample stream".into());
    };
    let (plate, state) = stream[i];
    let mut read = Read::new(plate, seen_at);
    read.jurisdiction = state;
    read.device_id = Some("CAR-2231");
    read.location = Some(Location {
        lat: 38.5816,
        lon: -121.4944,
    });
    let mut case = agency.open_hit(&hit, &read)?;
    case.set_heading(270.0)?;
    println!(
        "hit {} on list {} opened from read {i} (recorded: hit_open)",
        case.id(),
        case.list_id()
    );
    let t = |s: &str| at(&format!("2026-11-28T{s}-08:00"));
    let confirm = |record_active, occupied| Event::Confirm {
        response: ClearsResponse {
            record_active,
            plate_verified: true,
            jurisdiction_verified: true,
            occupied,
        },
    };
    event(
        &mut agency,
        &mut case,
        Event::Acknowledge,
        t("11:58:10"),
        "ofc-2231",
        None,
    );
    event(&mut agency, &mut case, Event::Stop, t("11:58:20"), "ofc-2231", None);
    event(
        &mut agency,
        &mut case,
        Event::Broadcast,
        t("11:58:05"),
        "ofc-2231",
        None,
    );
    event(
        &mut agency,
        &mut case,
        Event::Broadcast,
        t("11:58:30"),
        "trainee-9",
        None,
    );
    event(
        &mut agency,
        &mut case,
        Event::Broadcast,
        t("11:58:30"),
        "ofc-2231",
        None,
    );
    event(
        &mut agency,
        &mut case,
        confirm(true, true),
        t("11:58:40"),
        "disp-7",
        Some("CLETS 26-4411"),
    );
    event(&mut agency, &mut case, Event::Stop, t("11:58:45"), "ofc-2231", None);
    event(
        &mut agency,
        &mut case,
        Event::RecordBasis,
        t("11:58:50"),
        "ofc-2231",
        Some("driver matches the RO description"),
    );
    event(&mut agency, &mut case, Event::Stop, t("11:58:55"), "ofc-2231", None);
    event(
        &mut agency,
        &mut case,
        Event::Close {
            outcome: Outcome::Recovered,
        },
        t("11:59:00"),
        "ofc-2231",
        None,
    );
    println!(
        "call types {:?}; violations {:?}",
        case.workflow().call_types(),
        case.workflow().violations()
    );
    println!(
        "dispatch packet for CAD (with the read, R-HIT-10):\n  {}",
        case.packet(&policy).to_json()
    );

    step("6. a desktop hit: confirmation before broadcast (G.O. §B.4.b)");
    set(&agency, "2026-11-28T12:10:00-08:00")?;
    let mut desk = Read::new(plate, at("2026-11-28T12:05:00-08:00"));
    desk.jurisdiction = state;
    desk.origin = Origin::Desktop;
    desk.device_id = Some("DESK-3");
    let hits = agency.match_read(Some("det-114"), &desk)?;
    let hit = hits.first().ok_or("the desktop read did not hit")?;
    let mut case = agency.open_hit(hit, &desk)?;
    event(
        &mut agency,
        &mut case,
        Event::Acknowledge,
        t("12:06:00"),
        "det-114",
        None,
    );
    event(&mut agency, &mut case, Event::Broadcast, t("12:06:10"), "det-114", None);
    event(
        &mut agency,
        &mut case,
        confirm(false, false),
        t("12:07:00"),
        "disp-7",
        Some("CLETS 26-4420"),
    );
    event(&mut agency, &mut case, Event::Broadcast, t("12:07:10"), "det-114", None);
    println!(
        "disposition {:?}: the record was no longer active, so nobody was sent",
        case.workflow().disposition().map(Disposition::as_str)
    );

    step("7. a Special Hot List hit: informational, no broadcast (G.O. §F.3)");
    set(&agency, "2026-11-28T12:15:00-08:00")?;
    if let Some((hit, i)) = special_hit {
        let (plate, state) = stream[i];
        let mut read = Read::new(plate, seen_at);
        read.jurisdiction = state;
        read.device_id = Some("CAR-2231");
        let mut case = agency.open_hit(&hit, &read)?;
        event(
            &mut agency,
            &mut case,
            Event::Acknowledge,
            t("12:10:00"),
            "ofc-2231",
            None,
        );
        event(
            &mut agency,
            &mut case,
            Event::Broadcast,
            t("12:10:05"),
            "ofc-2231",
            None,
        );
        event(
            &mut agency,
            &mut case,
            Event::Reject {
                disposition: Disposition::Dismissed,
            },
            t("12:10:30"),
            "ofc-2231",
            Some("OOI notified"),
        );
    } else {
        println!("no special-list hit in the sample stream");
    }

    step("8. an officer's hot plate: 30 days, 24 hours when also in SVS (G.O. §G; R-HOTPLATE)");
    let form = |days: i64, also: &[&str]| HotPlateForm {
        plate: Some("5HOT555".to_owned()),
        jurisdiction: Some("CA".to_owned()),
        expires_at: Some((at("2026-11-28T12:10:00-08:00") + chrono::Duration::days(days)).to_rfc3339()),
        distribution: Distribution::Officers(1),
        also_entered_in: also.iter().map(|s| (*s).to_owned()).collect(),
        ..HotPlateForm::default()
    };
    println!(
        "31 days: {}",
        result(&agency.enter_hot_plate("det-114", &form(31, &[])))
    );
    println!(
        "2 days, also entered in SVS: {}",
        result(&agency.enter_hot_plate("det-114", &form(2, &["SVS"])))
    );
    println!(
        "by an operator: {}",
        result(&agency.enter_hot_plate("ofc-2231", &form(30, &[])))
    );
    let id = agency.enter_hot_plate("det-114", &form(30, &[]))?;
    let hits = agency.match_read(Some("ofc-2231"), &Read::new("5HOT555", at("2026-11-28T12:09:00-08:00")))?;
    println!(
        "30 days: hot plate {id} in force; a read of it hits list {:?}",
        hits.iter().map(Hit::list_id).collect::<Vec<_>>()
    );
    agency.remove_hot_plate("det-114", id)?;
    println!("removed by det-114 once the car was found (recorded: hot_plate_remove)");

    step("9. detections: search and retro-hits, recorded first (G.O. §C.1, §C.3; R-SEARCH)");
    // The reads kept as detections, one every 2 hours back from now, and four old ones from
    // January 2024 (past the 2-year retention).
    let now = agency.clock().now();
    let mut b = DetectionStoreBuilder::new();
    let mut when = now;
    let mut records = Vec::new();
    let detection = RetentionRules::from_policy(&policy).class("detection")?;
    for (id, (plate, state)) in (1u64..).zip(&stream) {
        when -= chrono::Duration::hours(2);
        let old = id > 400;
        let captured = if old { at("2024-01-15T10:00:00-08:00") } else { when };
        let Ok(n) = alpr_core::normalize(plate) else { continue };
        let (lat, lon) = (38.58 + (id % 17) as f64 * 1e-3, -121.49 + (id % 13) as f64 * 1e-3);
        b.push(id, n.plate, *state, captured, lat, lon, Some("CAR-2231"))?;
        records.push(PlanRecord {
            id,
            class: detection,
            captured_at: captured,
        });
    }
    let store = b.build()?;
    let request: AccessRequest = serde_json::from_str(
        r#"{"action": "query_detections", "purpose": "stolen_vehicle", "case_number": "26-004417"}"#,
    )?;
    let seen = store.row(0).plate.to_string();
    let partial = format!("{}*{}", &seen[..3], &seen[seen.len() - 1..]);
    let mut query = DetectionQuery::new(PlateOrPattern::parse(&partial, policy.pattern_limits())?);
    query.from = Some(now - chrono::Duration::days(30));
    let rows = agency.search(&store, "det-114", &request, &query)?;
    println!(
        "det-114 searches `{partial}` (a witness's partial plate) over {} detections, last 30 days: {} row(s)",
        store.len(),
        rows.len()
    );
    println!(
        "trainee-9, same search: {}",
        result(&agency.search(&store, "trainee-9", &request, &query))
    );
    let retro = agency.retro_hits(&store, "det-114", &request, "SVS", 30)?;
    let on: BTreeSet<u64> = retro.iter().map(|h| h.detection_id).collect();
    println!(
        "retro-hits of SVS over 30 days: {} hit(s) on {} detection(s)",
        retro.len(),
        on.len()
    );

    step("9b. POD video booked as evidence (G.O. §B.2, §C.3.d)");
    let video = PodEvidence {
        purpose: "crime_canvass",
        case_number: "26-004417",
        device_id: "POD-J-St-16th",
        video_ref: "nvr-07/2026-11-28T09:40-09:55/export-0031",
        property_ref: Some("P-2026-118822"),
    };
    let receipt = agency.book_pod_evidence("det-114", &video)?;
    println!(
        "det-114 books 15 minutes of {} in case {} (property item {}): record {receipt} (download_pod_video checked)",
        video.device_id,
        video.case_number,
        video.property_ref.unwrap_or_default()
    );
    println!(
        "ofc-2231, same video: {}",
        result_why(&agency.book_pod_evidence("ofc-2231", &video))
    );
    println!(
        "det-114 without a case number: {}",
        result_why(&agency.book_pod_evidence(
            "det-114",
            &PodEvidence {
                case_number: "",
                ..video
            }
        ))
    );

    step(
        "10. sharing under the California overlay, approvals from the roster (G.O. §E.2-3, §F.3; Civil Code §1798.90.55(b))",
    );
    for (who, json) in [
        (
            "Elk Grove PD (CA, LEARN)",
            r#"{"data":"detections","recipient":{"name":"Elk Grove PD","kind":"local","jurisdiction":"CA","learn_member":true}}"#,
        ),
        (
            "Folsom PD (CA, not LEARN)",
            r#"{"data":"detections","recipient":{"name":"Folsom PD","kind":"local","jurisdiction":"CA","learn_member":false}}"#,
        ),
        (
            "Reno PD (NV, LEARN)",
            r#"{"data":"detections","recipient":{"name":"Reno PD","kind":"local","jurisdiction":"NV","learn_member":true}}"#,
        ),
        (
            "a federal agency (LEARN)",
            r#"{"data":"detections","recipient":{"name":"federal agency","kind":"federal","jurisdiction":"US","learn_member":true}}"#,
        ),
    ] {
        let req = ShareRequest::from_json(json)?;
        let d = agency.share("det-114", &req)?;
        let order = alpr_core::sharing::decide(
            &req,
            &Policy {
                california_overlay: false,
                ..Policy::sacramento()
            },
        )?;
        println!(
            "{who:<26} -> {:<14} {:<27} (the order alone: {})",
            d.decision.as_str(),
            format!("{:?}", d.reasons.iter().map(|c| c.as_str()).collect::<Vec<_>>()),
            order.decision.as_str()
        );
    }
    println!("the library follows California law over the order here; an agency outside CA turns the overlay off");
    // §E.3: the approval is a roster user the agency checks at its clock, never a role the caller
    // claims; the record names the approver.
    let folsom = r#"{"data":"detections","recipient":{"name":"Folsom PD","kind":"local","jurisdiction":"CA","learn_member":false}"#;
    for (approver, who, data) in [
        ("sgt-4", "a supervisor", "detections"),
        ("cpt-inv", "the captain of Investigations", "detections"),
        ("ooi-cpt", "the OOI captain", "special_hot_list"),
    ] {
        let json = format!(r#"{folsom},"approver":"{approver}","approval_reference":"MEMO-26-311"}}"#)
            .replace(r#""data":"detections""#, &format!(r#""data":"{data}""#));
        let req = ShareRequest::from_json(&json)?;
        match agency.share("det-114", &req) {
            Ok(d) => {
                let rec = agency.log().store().entries().last().map(|e| e.record.clone());
                let det = |k: &str| rec.as_ref().and_then(|r| r.details.get(k).cloned()).unwrap_or_default();
                println!(
                    "{data} to Folsom PD, approver {approver} ({who}) -> {} (approved_by {}; recorded: approver {}, role {}, reference {})",
                    d.decision.as_str(),
                    d.approved_by.as_deref().unwrap_or("-"),
                    det("approver"),
                    det("approver_role"),
                    det("approval_reference")
                );
            }
            Err(e) => println!(
                "{data} to Folsom PD, approver {approver} ({who}, may not approve it) -> refused: {} (recorded)",
                e.code()
            ),
        }
    }

    step("11. a legal hold survives the purge (G.O. §E.1; R-RET)");
    agency.place_legal_hold("sgt-4", 401, "26-001122", HoldKind::Criminal)?;
    println!(
        "det-114 places a hold: {}",
        result(&agency.place_legal_hold("det-114", 402, "26-001122", HoldKind::Criminal))
    );
    let (plan, receipt) = agency.purge("adm-1", &records)?;
    println!(
        "purge plan at {}: {} due, {} held {:?}; receipt of {} ids recorded before deletion",
        now.format("%Y-%m-%d"),
        plan.due.len(),
        plan.held.len(),
        plan.held.iter().collect::<Vec<_>>(),
        receipt.count
    );
    let held_row = (0..u32::try_from(store.len())?)
        .find(|&r| store.row(r).id == 401)
        .ok_or("no detection 401")?;
    let held_plate = store.row(held_row).plate.to_string();
    let q = DetectionQuery::new(PlateOrPattern::parse(&held_plate, policy.pattern_limits())?);
    let found = agency.search(&store, "det-114", &request, &q)?;
    println!(
        "a search for the held detection's plate still finds {} row(s): ids {:?} (the hold is named in the search's record)",
        found.len(),
        store.ids_of(&found)
    );

    step("12. a public-records request (G.O. §H; R-PRA)");
    let citizen = alpr_core::records::Citizen {
        name: Some("A. Resident".to_owned()),
        phone: None,
        email: Some("resident@example.org".to_owned()),
        description: Some("ALPR detections of my car, November 2026".to_owned()),
    };
    let pra = alpr_core::records::pra_request(false, &citizen, &policy);
    println!(
        "referred to the City Clerk: {} / {}",
        pra.channels.phone, pra.channels.email
    );
    let pra = alpr_core::records::pra_request(true, &citizen, &policy);
    if let Some(r) = pra.record {
        println!(
            "referral refused: forwarded to the Clerk with the request — \"{}\"",
            r.text
        );
    }

    step("13. shift end (G.O. §C.5.d)");
    set(&agency, "2026-11-28T16:50:00-08:00")?;
    println!(
        "ofc-2231 ends the shift without checking the unit's detections: upload_unverified {}",
        agency.shift_end("ofc-2231", shift_started)?.upload_unverified
    );
    let own: AccessRequest =
        serde_json::from_str(r#"{"action": "query_own_detections", "purpose": "stolen_vehicle"}"#)?;
    let mut mine = DetectionQuery::new(PlateOrPattern::parse(&partial, policy.pattern_limits())?);
    mine.from = Some(shift_started);
    let own_rows = agency.search(&store, "ofc-2231", &own, &mine)?;
    set(&agency, "2026-11-28T17:00:00-08:00")?;
    println!(
        "after the check in LEARN (a recorded query_own_detections, {} row(s) of CAR-2231 only): upload_unverified {}",
        own_rows.len(),
        agency.shift_end("ofc-2231", shift_started)?.upload_unverified
    );

    step("14. the quarterly audit report and the access review (G.O. §C.4.c, §C.4.d)");
    let options = ReportOptions {
        from: Some(at("2026-10-01T00:00:00-07:00")),
        to: Some(at("2027-01-01T00:00:00-08:00")),
        seed: 2026,
        sample_size: 3,
        ..ReportOptions::default()
    };
    println!(
        "det-114 asks for the report: {}",
        result(&agency.quarterly_report("det-114", &options))
    );
    let report = agency.quarterly_report("adm-1", &options)?;
    println!("Q4 2026 by adm-1: {} records", report.records);
    for u in &report.users {
        println!(
            "  {:<10} queries {:>2} {:?}, without case number {}, denied {}",
            u.user, u.queries, u.by_purpose, u.without_case_number, u.denied
        );
    }
    for s in &report.sample {
        println!(
            "  sample for manual review: record {} {} by {}",
            s.sequence, s.action, s.user
        );
    }
    let review = agency.access_review("adm-1")?;
    println!(
        "access review: {} account(s) never active or idle {} days: {:?}",
        review.len(),
        policy.access_review_idle_days,
        review.iter().map(|r| r.user.as_str()).collect::<Vec<_>>()
    );

    step("15. the audit log");
    let mut by_action: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    agency.log().store().scan(&mut |e| {
        let c = by_action.entry(e.record.action.clone()).or_default();
        c.0 += 1;
        if !matches!(e.record.outcome.as_str(), "ok" | "allow") {
            c.1 += 1;
        }
        Ok(())
    })?;
    for (action, (n, refused)) in &by_action {
        println!("  {action:<22} {n:>4} record(s), {refused:>2} denied, failed or awaiting approval");
    }
    let head = agency.log().verify(None)?;
    println!(
        "{} records, chain verified, head {}… — every decision above is in it, written before it took effect",
        head.sequence,
        &head.hash_hex()[..16]
    );
    Ok(())
}
