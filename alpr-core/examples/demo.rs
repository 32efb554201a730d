//! `make demo`: the main job on the embedded default profile and the bundled sample data.
//!
//! 1. The policy profile `sacramento-525.08` and its self-check.
//! 2. Hot lists: a CA DOJ CLEW stolen-vehicle file and a Special Hot List CSV, loaded into a
//!    registry (every rejected line explained), with their health.
//! 3. A stream of OCR reads matched against the lists in force; each hit printed with its
//!    explanation (kind, differing positions, jurisdiction outcome, tier).
//! 4. The strongest actionable hit taken through the workflow of G.O. 525.08: acknowledge,
//!    broadcast, a refused stop, confirmation, the independent basis, the stop, closing — with its
//!    dispatch packet for CAD.
//! 5. The reads kept as detections: a partial-plate search and a retro-hits run of the stolen
//!    vehicle list over the last 30 days, each decided and written to a hash-chained audit log
//!    before anything is read; a request without training is refused — and recorded too.
//!
//! All data is synthetic (`alpr-core/data/generate.py`); no real plates.

use std::collections::HashSet;
use std::sync::Arc;

use alpr_core::access::{AccessRequest, User};
use alpr_core::analytics::{retro_hits_audited, search_audited};
use alpr_core::audit::{AuditLog, MemoryStore};
use alpr_core::hotlist::{Format, ListMeta};
use alpr_core::matching::Read;
use alpr_core::registry::Registry;
use alpr_core::search::{DetectionQuery, DetectionStoreBuilder};
use alpr_core::time::Instant;
use alpr_core::time::parse_instant;
use alpr_core::vocab::{Category, ListKind, Origin};
use alpr_core::workflow::{ClearsResponse, DispatchInput, Event, Outcome, dispatch_packet};
use alpr_core::{Jurisdiction, Policy};

const SVS: &[u8] = include_bytes!("../data/svs.tbl");
const SPECIAL: &[u8] = include_bytes!("../data/special.csv");
const READS: &str = include_str!("../data/reads.csv");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let policy = Arc::new(Policy::sacramento());
    let now = parse_instant("2026-11-28T12:00:00-08:00")?;
    println!(
        "alpr {} — policy profile {} ({}), time zone {}",
        alpr_core::VERSION,
        policy.name,
        policy.version,
        policy.time_zone
    );
    let findings = policy.check();
    println!("policy check: {} finding(s)", findings.len());

    println!("\n== hot lists ==");
    let registry = Registry::new(Arc::clone(&policy));
    let meta = |id: &str, kind, priority, source: &str| ListMeta {
        id: id.to_owned(),
        kind,
        priority,
        loaded_at: parse_instant("2026-11-28T06:05:00-08:00").unwrap_or(now),
        source: source.to_owned(),
        generated_at: None,
    };
    for (format, bytes, m, category) in [
        (
            Format::CaDojClew,
            SVS,
            meta("SVS", ListKind::Standard, 10, "CA DOJ"),
            Some(Category::StolenVehicle),
        ),
        (
            Format::Csv,
            SPECIAL,
            meta("SPECIAL-OOI", ListKind::Special, 50, "OOI unit"),
            None,
        ),
    ] {
        let id = m.id.clone();
        let report = registry.load_file(format, bytes, m, category)?;
        println!(
            "{id:<12} accepted {:>5}, merged {}, rejected {}",
            report.accepted,
            report.merged,
            report.rejected.len()
        );
        for r in &report.rejected {
            println!("             rejected at {}: {}", r.position, r.code);
        }
    }
    for h in registry.health(now) {
        println!(
            "health {:<12} {:<9} {:>5} entries, age {:>2} h, stale: {}",
            h.id,
            h.kind.as_str(),
            h.entries,
            h.age_seconds / 3600,
            h.stale
        );
    }

    println!("\n== matching {} reads ==", READS.lines().count() - 1);
    let mut first_actionable = None;
    let mut hits_total = 0;
    for (i, line) in READS.lines().skip(1).enumerate() {
        let mut cols = line.split(',');
        let plate = cols.next().unwrap_or_default();
        let mut read = Read::new(plate, parse_instant("2026-11-28T11:59:00-08:00")?);
        read.jurisdiction = cols.next().and_then(|s| Jurisdiction::parse(s).ok());
        read.origin = Origin::Vehicle;
        read.device_id = Some("CAR-2231");
        match registry.match_read(&read, now) {
            Err(e) => println!("read {i:>3}: unreadable: {e}"),
            Ok(hits) => {
                for hit in &hits {
                    hits_total += 1;
                    let x = hit.explain();
                    let positions: Vec<String> = x.positions.iter().map(ToString::to_string).collect();
                    println!(
                        "read {i:>3}: HIT list {:<11} kind {:<10} positions [{}] jurisdiction {:<8} tier {:<8} stale {}",
                        x.list,
                        x.kind.as_str(),
                        positions.join(","),
                        x.jurisdiction.as_str(),
                        x.tier.as_str(),
                        x.stale
                    );
                    let actionable = matches!(hit.list_kind(), ListKind::Standard | ListKind::HotPlate);
                    if actionable && first_actionable.is_none() {
                        first_actionable = Some(DispatchInput::from_hit(hit, &read));
                    }
                }
            }
        }
    }
    println!("{hits_total} hit(s); every one requires confirmation before any action (R-HIT-1)");

    let Some(input) = first_actionable else {
        println!("no actionable hit in the sample stream");
        return Ok(());
    };
    println!("\n== one hit through the workflow (G.O. 525.08 §B.4, §C.1.d, §C.2, §D.4) ==");
    let mut hit = input.workflow(&policy);
    let confirm = Event::Confirm {
        response: ClearsResponse::all(true),
    };
    for event in [
        Event::Acknowledge,
        Event::Broadcast,
        Event::Stop,
        confirm,
        Event::Stop,
        Event::RecordBasis,
        Event::Stop,
        Event::Close {
            outcome: Outcome::Recovered,
        },
    ] {
        let result = match hit.apply(event) {
            Ok(()) => "ok".to_owned(),
            Err(e) => format!("refused: {}", e.code()),
        };
        println!(
            "{:<14} -> {:<38} status {}",
            event.kind().as_str(),
            result,
            hit.status()
        );
    }
    println!("call types: {:?}, violations: {:?}", hit.call_types(), hit.violations());
    println!(
        "\ndispatch packet for CAD:\n{}",
        dispatch_packet(&input, &policy).to_json()
    );
    detections(&registry, &policy, now)
}

/// Step 5: the reads as stored detections (one every 2 hours back from `now`), searched and
/// re-matched the way the order allows: access decision and audit record first.
fn detections(registry: &Registry, policy: &Arc<Policy>, now: Instant) -> Result<(), Box<dyn std::error::Error>> {
    println!("\n== detections: audited search and retro-hits (G.O. 525.08 §C.1.b, §E; SB 34) ==");
    let mut b = DetectionStoreBuilder::new();
    let mut at = now;
    for (id, line) in (1u64..).zip(READS.lines().skip(1)) {
        at -= chrono::Duration::hours(2);
        let mut cols = line.split(',');
        let Ok(n) = alpr_core::normalize(cols.next().unwrap_or_default()) else {
            continue;
        };
        let jurisdiction = cols.next().and_then(|s| Jurisdiction::parse(s).ok());
        let (lat, lon) = (38.58 + (id % 17) as f64 * 1e-3, -121.49 + (id % 13) as f64 * 1e-3);
        b.push(id, n.plate, jurisdiction, at, lat, lon, Some("CAR-2231"))?;
    }
    let store = b.build()?;
    let mut log = AuditLog::open(MemoryStore::new())?;
    let investigator: User = serde_json::from_str(
        r#"{"id": "det-114", "agency": "SPD", "roles": ["investigator"], "account": "active",
            "trained_on": "2025-06-01", "clearance": true}"#,
    )?;
    let request: AccessRequest = serde_json::from_str(
        r#"{"action": "query_detections", "purpose": "stolen_vehicle", "case_number": "26-004417"}"#,
    )?;
    // A witness remembers the first three characters and the last one of a plate seen
    // yesterday (the most recent detection's plate, in this synthetic data).
    let seen = store.row(0).plate.to_string();
    let partial = format!("{}*{}", &seen[..3], &seen[seen.len() - 1..]);
    let term = alpr_core::PlateOrPattern::parse(&partial, policy.pattern_limits())?;
    let mut query = DetectionQuery::new(term);
    query.from = Some(now - chrono::Duration::days(30));
    let rows = search_audited(
        &store,
        &mut log,
        &investigator,
        &request,
        &query,
        HashSet::new(),
        now,
        policy,
    )?;
    println!(
        "search `{}` over {} detections, last 30 days: {} row(s)",
        query.term,
        store.len(),
        rows.len()
    );
    let mut untrained = investigator.clone();
    untrained.id = "trainee-9".into();
    untrained.trained_on = None;
    match search_audited(
        &store,
        &mut log,
        &untrained,
        &request,
        &query,
        HashSet::new(),
        now,
        policy,
    ) {
        Ok(_) => println!("an untrained user searched: this must not happen"),
        Err(e) => println!("untrained user: refused ({e})"),
    }
    let svs = registry.get("SVS").ok_or("no SVS list")?;
    let retro = retro_hits_audited(
        &store,
        &mut log,
        &investigator,
        &request,
        svs,
        30,
        HashSet::new(),
        now,
        policy,
    )?;
    let detections: std::collections::BTreeSet<u64> = retro.iter().map(|h| h.detection_id).collect();
    println!(
        "retro-hits of list SVS over the last 30 days: {} hit(s) on {} detection(s)",
        retro.len(),
        detections.len()
    );
    let head = log.verify(None)?;
    println!(
        "audit log: {} record(s), chain verified, head {}…",
        head.sequence,
        &head.hash_hex()[..16]
    );
    Ok(())
}
