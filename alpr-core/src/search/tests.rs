//! Tests of the search: the store, the planner against a naive scan, visibility and distance.

use std::collections::HashSet;

use super::*;
use crate::geo::{EARTH_RADIUS_M, great_circle_m};
use crate::pattern::PatternLimits;
use crate::plate::Plate;
use crate::policy::Policy;
use crate::time::{CalendarSpan, ceil_ms, floor_ms, instant_of_ms};
use proptest::prelude::*;

fn t(s: &str) -> Instant {
    crate::time::parse_instant(s).unwrap()
}

fn term(s: &str) -> PlateOrPattern {
    PlateOrPattern::parse(s, PatternLimits::default()).unwrap()
}

fn store(rows: &[(u64, &str, &str, f64, f64)]) -> DetectionStore {
    let mut b = DetectionStoreBuilder::new();
    for &(id, p, at, lat, lon) in rows {
        b.push(id, p.parse().unwrap(), None, t(at), lat, lon, Some("unit-7"))
            .unwrap();
    }
    b.build().unwrap()
}

#[test]
fn due_rule_is_the_calendar_boundary() {
    let p = Policy::sacramento();
    let ms = |s: &str| floor_ms(t(s));
    let r = detection_due_rule(&p, t("2026-11-28T12:00:00-08:00")).unwrap();
    // Exactly two years before is due; a millisecond later is not.
    assert!(r.is_due_ms(ms("2024-11-28T12:00:00-08:00")));
    assert!(!r.is_due_ms(ms("2024-11-28T12:00:00.001-08:00")));
    let (lo, hi) = r.band_ms();
    assert!(lo < ms("2024-11-28T12:00:00-08:00") && ms("2024-11-28T12:00:00.001-08:00") < hi);
    // Clamping (R-RET-2): 2024-02-29 + 2y = 2026-02-28, so at that instant 02-29 is due while
    // a capture on 02-28 a millisecond later is not (the due set is not one interval).
    let r = detection_due_rule(&p, t("2026-02-28T09:00:00-08:00")).unwrap();
    assert!(r.is_due_ms(ms("2024-02-29T09:00:00-08:00")));
    assert!(!r.is_due_ms(ms("2024-02-28T09:00:00.001-08:00")));
    assert!(!r.is_due_ms(ms("2024-02-29T09:00:00.001-08:00")));
    // No delete-after: nothing is due.
    let mut p2 = p.clone();
    p2.retention.get_mut("detection").unwrap().delete_after = None;
    assert!(detection_due_rule(&p2, t("2026-02-28T09:00:00-08:00")).is_none());
}

#[test]
fn search_window_radius_retention_and_holds() {
    let s = store(&[
        (1, "7ABC123", "2026-11-27T10:00:00-08:00", 38.5816, -121.4944),
        (2, "7ABD129", "2026-11-27T11:00:00-08:00", 38.582, -121.495),
        (3, "7ABC1234", "2026-11-26T09:00:00-08:00", 38.6, -121.4944),
        (4, "8ABC123", "2026-11-20T09:00:00-08:00", 38.5816, -121.4944),
        (5, "7ABC125", "2024-06-01T09:00:00-07:00", 38.5816, -121.4944),
    ]);
    let ret = Retention::for_detections(&Policy::sacramento(), t("2026-11-28T12:00:00-08:00"), HashSet::new());
    let ids = |q: &DetectionQuery, r: &Retention| s.search_ids(q, r).unwrap();
    assert_eq!(ids(&DetectionQuery::new(term("7AB?12?")), &ret), vec![1, 2]);
    assert_eq!(ids(&DetectionQuery::new(term("*C12*")), &ret), vec![1, 3, 4]);
    assert_eq!(ids(&DetectionQuery::new(term("7ABC125")), &ret), Vec::<u64>::new());
    let held = Retention {
        held: [5].into_iter().collect(),
        ..ret.clone()
    };
    assert_eq!(ids(&DetectionQuery::new(term("7ABC125")), &held), vec![5]);
    assert_eq!(ids(&DetectionQuery::new(term("7ABC12?")), &held), vec![1, 5]);
    let mut q = DetectionQuery::new(term("*C12*"));
    q.from = Some(t("2026-11-26T00:00:00-08:00"));
    q.to = Some(t("2026-11-28T00:00:00-08:00"));
    assert_eq!(ids(&q, &ret), vec![1, 3]);
    let mut q = DetectionQuery::new(term("7AB*"));
    q.near = Some(Near {
        lat: 38.5816,
        lon: -121.4944,
        radius_m: 500.0,
    });
    assert_eq!(ids(&q, &ret), vec![1, 2]);
    assert_eq!(s.search(&q, &ret).unwrap(), vec![0, 1]);
    let row = s.row(2);
    assert_eq!(
        (row.id, row.plate.to_string(), row.device_id),
        (3, "7ABC1234".into(), Some("unit-7"))
    );
    // Bad arguments.
    let mut q = DetectionQuery::new(term("7AB*"));
    q.from = Some(t("2026-11-28T00:00:00Z"));
    q.to = Some(t("2026-11-27T00:00:00Z"));
    assert_eq!(s.search(&q, &ret).unwrap_err().code(), Code::InvalidArgument);
    q.to = q.from;
    assert!(s.search(&q, &ret).unwrap().is_empty());
    let mut q = DetectionQuery::new(term("7AB*"));
    q.near = Some(Near {
        lat: 91.0,
        lon: 0.0,
        radius_m: 1.0,
    });
    assert_eq!(s.search(&q, &ret).unwrap_err().code(), Code::InvalidArgument);
    // Retro-hits helper.
    let by_plate: Vec<(String, Vec<u32>)> = s
        .rows_by_plate(i64::MIN, i64::MAX)
        .map(|(p, rows)| (p.to_string(), rows.collect()))
        .collect();
    let total: usize = by_plate.iter().map(|(_, r)| r.len()).sum();
    assert_eq!(total, s.len());
    assert!(by_plate.windows(2).all(|w| w[0].0 != w[1].0));
    assert!(by_plate.contains(&("7ABC123".to_owned(), vec![0])));
    assert_eq!(s.rows_by_plate(0, 0).count(), 0);
}

#[test]
fn build_rejects_duplicate_ids_and_bad_coordinates() {
    let mut b = DetectionStoreBuilder::new();
    let p: Plate = "ABC123".parse().unwrap();
    b.push_ms(9, p, None, 0, 0.0, 0.0, None).unwrap();
    b.push_ms(8, p, None, 0, 0.0, 0.0, None).unwrap();
    let e = b.push_ms(7, p, None, 0, f64::NAN, 0.0, None).unwrap_err();
    assert_eq!((e.code(), e.position().index), (Code::InvalidArgument, Some(2)));
    b.push_ms(9, p, None, 0, 0.0, 0.0, None).unwrap();
    let e = b.build().unwrap_err();
    assert_eq!((e.code(), e.position().index), (Code::InvalidArgument, Some(2)));
}

#[test]
fn rebuild_from_store_keeps_rows() {
    let s = store(&[
        (1, "7ABC123", "2026-11-27T10:00:00-08:00", 1.0, 2.0),
        (2, "7ABD129", "2026-11-27T11:00:00-08:00", 3.0, 4.0),
    ]);
    let mut b = DetectionStoreBuilder::from_store(&s);
    b.push_ms(3, "7ABC123".parse().unwrap(), None, 5, 0.0, 0.0, None)
        .unwrap();
    let s2 = b.build().unwrap();
    assert_eq!(s2.len(), 3);
    assert_eq!(s2.row(0), s.row(0));
    assert_eq!(s2.row(1), s.row(1));
    assert_eq!(s2.distinct_plates(), 2);
}

#[test]
fn from_json_normalizes_and_reports_the_index() {
    let s = DetectionStore::from_json(
        r#"[{"id": 4, "plate": "7abc-123", "observed_at": "2026-11-27T10:00:00-08:00", "lat": 1.5, "lon": 2.5,
             "jurisdiction": "ca", "device_id": "pod-3"}]"#,
    )
    .unwrap();
    let r = s.row(0);
    assert_eq!(r.plate.to_string(), "7ABC123");
    assert_eq!(r.jurisdiction.map(|j| j.as_str().to_owned()), Some("CA".to_owned()));
    assert_eq!(
        (r.device_id, r.observed_at()),
        (Some("pod-3"), t("2026-11-27T10:00:00-08:00"))
    );
    let e = DetectionStore::from_json(
        r#"[{"id": 1, "plate": "ABC", "observed_at": "2026-11-27T10:00:00Z", "lat": 0, "lon": 0},
            {"id": 2, "plate": "A/B", "observed_at": "2026-11-27T10:00:00Z", "lat": 0, "lon": 0}]"#,
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.position().index, e.position().character),
        (Code::InvalidCharacter, Some(1), Some(1))
    );
    assert_eq!(
        DetectionStore::from_json("{}").unwrap_err().code(),
        Code::InvalidArgument
    );
    assert!(DetectionStore::from_json("[]").unwrap().is_empty());
}

#[test]
fn great_circle_known_distance() {
    // One degree of latitude on this sphere.
    let d = great_circle_m(0.0, 0.0, 1.0, 0.0);
    assert!((d - EARTH_RADIUS_M * std::f64::consts::PI / 180.0).abs() < 1e-6);
    assert!(great_circle_m(10.0, 20.0, 10.0, 20.0).abs() < 1e-9);
}

fn naive(rows: &[(u64, String, i64, f64, f64)], q: &DetectionQuery, ret: &Retention) -> Vec<u64> {
    let from = q.from.map_or(i64::MIN, ceil_ms);
    let to = q.to.map_or(i64::MAX, ceil_ms);
    let mut v: Vec<u64> = rows
        .iter()
        .filter(|(_, p, _, _, _)| {
            let plate: Plate = p.parse().unwrap();
            match &q.term {
                PlateOrPattern::Plate(x) => *x == plate,
                PlateOrPattern::Pattern(pat) => pat.matches(plate),
            }
        })
        .filter(|r| r.2 >= from && r.2 < to)
        .filter(|r| ret.is_visible(r.0, r.2))
        .filter(|r| {
            q.near
                .is_none_or(|n| great_circle_m(n.lat, n.lon, r.3, r.4) <= n.radius_m)
        })
        .map(|r| r.0)
        .collect();
    v.sort_unstable();
    v
}

proptest! {
    #[test]
    fn search_agrees_with_a_scan(
        plates in prop::collection::vec("[AB12]{1,7}", 1..60),
        times in prop::collection::vec(0i64..(4 * 86_400_000), 60),
        coords in prop::collection::vec((-0.01f64..0.01, -0.01f64..0.01), 60),
        pat in "[AB12?*]{1,8}",
        from in prop::option::of(0i64..(4 * 86_400_000)),
        len in 0i64..(4 * 86_400_000),
        now in prop::option::of(0i64..(4 * 86_400_000)),
        span_days in 0u32..3,
        held in prop::collection::hash_set(0u64..60, 0..5),
        radius in prop::option::of(0f64..1500.0),
    ) {
        let rows: Vec<(u64, String, i64, f64, f64)> = plates
            .iter()
            .enumerate()
            .map(|(i, p)| (i as u64, p.clone(), times[i], coords[i].0, coords[i].1))
            .collect();
        let mut b = DetectionStoreBuilder::new();
        for r in &rows {
            b.push_ms(r.0, r.1.parse().unwrap(), None, r.2, r.3, r.4, None).unwrap();
        }
        let s = b.build().unwrap();
        let limits = PatternLimits { min_literals: 1, max_stars: 3, max_positions: 10 };
        if let Ok(term) = PlateOrPattern::parse(&pat, limits) {
            let q = DetectionQuery {
                term,
                from: from.and_then(instant_of_ms),
                to: from.and_then(|f| instant_of_ms(f + len)),
                near: radius.map(|radius_m| Near { lat: 0.0, lon: 0.0, radius_m }),
            };
            let mut policy = Policy::sacramento();
            let span = CalendarSpan::days(span_days);
            policy.retention.insert(
                "detection".to_owned(),
                crate::policy::RetentionRule { keep_at_least: span, delete_after: Some(span) },
            );
            let rule = now.and_then(instant_of_ms).and_then(|now| detection_due_rule(&policy, now));
            let ret = Retention { rule, held };
            prop_assert_eq!(s.search_ids(&q, &ret).unwrap(), naive(&rows, &q, &ret));
            let by_rows: Vec<u64> = {
                let mut v: Vec<u64> = s.search(&q, &ret).unwrap().iter().map(|&r| s.row(r).id).collect();
                v.sort_unstable();
                v
            };
            prop_assert_eq!(by_rows, naive(&rows, &q, &ret));
        }
    }

    #[test]
    fn index_agrees_with_a_scan_on_many_plates(
        plates in prop::collection::hash_set("[A-C1-3]{1,10}", 1..300),
        pat in "[A-C1-3?*]{3,10}",
    ) {
        let mut b = DetectionStoreBuilder::new();
        let plates: Vec<String> = plates.into_iter().collect();
        for (i, p) in plates.iter().enumerate() {
            b.push_ms(i as u64, p.parse().unwrap(), None, 0, 0.0, 0.0, None).unwrap();
        }
        let s = b.build().unwrap();
        let limits = PatternLimits { min_literals: 1, max_stars: 3, max_positions: 10 };
        if let Ok(term) = PlateOrPattern::parse(&pat, limits) {
            let q = DetectionQuery::new(term.clone());
            let got = s.search_ids(&q, &Retention::keep_all()).unwrap();
            let want: Vec<u64> = plates.iter().enumerate().filter(|(_, p)| {
                let plate: Plate = p.parse().unwrap();
                match &term { PlateOrPattern::Plate(x) => *x == plate, PlateOrPattern::Pattern(pt) => pt.matches(plate) }
            }).map(|(i, _)| i as u64).collect();
            prop_assert_eq!(got, want);
        }
    }
}

proptest! {
    /// The plates of a window and their rows from the time index are those of the full walk
    /// over every plate it replaced, for windows that cut blocks anywhere (blocks of 3 in tests),
    /// with ties, empty and reversed windows and the whole range.
    #[test]
    fn rows_by_plate_over_the_time_index_equal_the_full_scan(
        rows in prop::collection::vec(("[AB12]{1,3}", 0i64..40), 0..80),
        windows in prop::collection::vec((-2i64..44, 0i64..46), 1..8),
    ) {
        let mut b = DetectionStoreBuilder::new();
        for (i, (p, t)) in rows.iter().enumerate() {
            b.push_ms(i as u64, p.parse().unwrap(), None, t * 1000, 0.0, 0.0, None).unwrap();
        }
        let s = b.build().unwrap();
        let collect = |it: &mut dyn Iterator<Item = (Plate, Vec<u32>)>| it.collect::<Vec<_>>();
        let mut all = windows.iter().map(|&(f, l)| (f * 1000, (f + l) * 1000)).collect::<Vec<_>>();
        all.extend([(i64::MIN, i64::MAX), (5000, 5000), (9000, 2000)]);
        for (from, to) in all {
            let got = collect(&mut s.rows_by_plate(from, to).map(|(p, r)| (p, r.collect())));
            let want = collect(&mut s.rows_by_plate_full_scan(from, to).map(|(p, r)| (p, r.collect())));
            prop_assert_eq!(got, want);
        }
    }
}

#[test]
fn the_time_index_costs_four_bytes_a_detection() {
    let mut b = DetectionStoreBuilder::new();
    for i in 0..3000i64 {
        b.push_ms(i.unsigned_abs(), "7ABC123".parse().unwrap(), None, i, 0.0, 0.0, None)
            .unwrap();
    }
    let s = b.build().unwrap();
    // 4 bytes a detection, 8 bytes a block of 3 (the test block size).
    assert_eq!(s.time_index_bytes(), 3000 * 4 + 1000 * 8);
}
