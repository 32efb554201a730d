//! The agency handle through the C ABI from Rust: shared across threads (each search one record,
//! the chain intact), the system clock not settable, messages that never echo the roster.

use alpr::alpr_status;
use alpr::error::alpr_last_error_message;
use alpr::{
    alpr_agency, alpr_agency_free, alpr_agency_head, alpr_agency_open, alpr_agency_open_for_tests_and_replays,
    alpr_agency_search, alpr_agency_set_clock_for_tests_and_replays, alpr_audit_head, alpr_detection_query,
    alpr_detection_store, alpr_detection_store_free, alpr_detection_store_from_json, alpr_id_list, alpr_id_list_data,
    alpr_id_list_free,
};

/// 2026-11-28T12:00:00-08:00 in Unix milliseconds.
const NOW_MS: i64 = 1_795_896_000_000;

const ROSTER: &str = r#"[{"id": "c1", "agency": "SPD", "roles": ["investigator"], "account": "active",
  "trained_on": "2025-06-01", "clearance": true}]"#;
const DETECTIONS: &str = r#"[
  {"id": 1, "plate": "7ABC123", "observed_at": "2026-11-27T10:00:00-08:00", "lat": 38.58, "lon": -121.49},
  {"id": 2, "plate": "7ABD123", "observed_at": "2026-11-27T11:00:00-08:00", "lat": 38.58, "lon": -121.49},
  {"id": 3, "plate": "7ABC123", "observed_at": "2019-06-01T10:00:00-07:00", "lat": 38.58, "lon": -121.49}]"#;
const QUERY: &str = r#"{"action": "query_detections", "purpose": "stolen_vehicle"}"#;

/// Raw handles, sendable to the test's threads (the agency and the store are thread-safe).
#[derive(Clone, Copy)]
struct Shared(*const alpr_agency, *const alpr_detection_store);
// SAFETY: both handles are documented as usable from multiple threads simultaneously.
unsafe impl Send for Shared {}

fn last_error() -> String {
    let mut buf = [0u8; 512];
    let mut n = 0;
    // SAFETY: valid buffer and out-pointer.
    let st = unsafe { alpr_last_error_message(buf.as_mut_ptr(), buf.len(), &raw mut n) };
    assert_eq!(st, alpr_status::Ok);
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

fn open(roster: &str, now_ms: i64) -> (alpr_status, *const alpr_agency) {
    let mut a: *const alpr_agency = std::ptr::null();
    let name = "SPD";
    // SAFETY: the strings are valid for their lengths; valid out-pointer.
    let st = unsafe {
        alpr_agency_open_for_tests_and_replays(
            name.as_ptr(),
            name.len(),
            std::ptr::null(),
            std::ptr::null(),
            0,
            roster.as_ptr(),
            roster.len(),
            now_ms,
            &raw mut a,
        )
    };
    (st, a)
}

fn sequence(a: *const alpr_agency) -> u64 {
    let mut head = alpr_audit_head::default();
    // SAFETY: live agency, valid out-pointer.
    assert_eq!(unsafe { alpr_agency_head(a, &raw mut head) }, alpr_status::Ok);
    head.sequence
}

fn search(s: Shared, pattern: &str) -> (alpr_status, Vec<u64>) {
    let q = alpr_detection_query {
        pattern: pattern.as_ptr(),
        pattern_len: pattern.len(),
        from_ms: i64::MIN,
        to_ms: i64::MAX,
        has_near: false,
        lat: 0.0,
        lon: 0.0,
        radius_m: 0.0,
    };
    let user = "c1";
    let mut list: *const alpr_id_list = std::ptr::null();
    // SAFETY: live handles; the strings and the pattern are valid for their lengths.
    let st = unsafe {
        alpr_agency_search(
            s.0,
            s.1,
            user.as_ptr(),
            user.len(),
            QUERY.as_ptr(),
            QUERY.len(),
            &raw const q,
            &raw mut list,
        )
    };
    if st != alpr_status::Ok {
        assert!(list.is_null(), "no output on failure");
        return (st, Vec::new());
    }
    let (mut data, mut n): (*const u64, usize) = (std::ptr::null(), 0);
    // SAFETY: live list, valid out-pointers; the data is read before the list is freed.
    let ids = unsafe {
        assert_eq!(alpr_id_list_data(list, &raw mut data, &raw mut n), alpr_status::Ok);
        let ids = if n == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(data, n).to_vec()
        };
        alpr_id_list_free(list);
        ids
    };
    (st, ids)
}

#[test]
fn one_agency_shared_by_threads_records_every_search() {
    let (st, a) = open(ROSTER, NOW_MS);
    assert_eq!(st, alpr_status::Ok);
    let mut store: *const alpr_detection_store = std::ptr::null();
    // SAFETY: valid JSON text and out-pointer.
    assert_eq!(
        unsafe { alpr_detection_store_from_json(DETECTIONS.as_ptr(), DETECTIONS.len(), &raw mut store) },
        alpr_status::Ok
    );
    let shared = Shared(a, store);
    let before = sequence(a);
    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                let s = shared;
                (0..10).map(|_| search(s, "7AB?123")).collect::<Vec<_>>()
            })
        })
        .collect();
    for t in threads {
        for (st, ids) in t.join().unwrap() {
            assert_eq!(st, alpr_status::Ok);
            // Detection 3 (2019) is past retention at the agency's clock, whatever a caller wants.
            assert_eq!(ids, vec![1, 2]);
        }
    }
    assert_eq!(sequence(a), before + 40, "one record per search");
    // SAFETY: live handles, not used again.
    unsafe {
        alpr_agency_free(a);
        alpr_detection_store_free(store);
    }
}

#[test]
fn a_clock_moved_back_cannot_record_and_the_system_clock_cannot_be_set() {
    let (st, a) = open(ROSTER, NOW_MS);
    assert_eq!(st, alpr_status::Ok);
    let mut store: *const alpr_detection_store = std::ptr::null();
    // SAFETY: valid JSON text and out-pointer.
    assert_eq!(
        unsafe { alpr_detection_store_from_json(DETECTIONS.as_ptr(), DETECTIONS.len(), &raw mut store) },
        alpr_status::Ok
    );
    // SAFETY: live agency.
    assert_eq!(
        unsafe { alpr_agency_set_clock_for_tests_and_replays(a, NOW_MS - 1) },
        alpr_status::Ok
    );
    let before = sequence(a);
    assert_eq!(search(Shared(a, store), "7AB?123").0, alpr_status::TimeRegression);
    assert_eq!(sequence(a), before);
    // SAFETY: live agency; NULL handle.
    unsafe {
        assert_eq!(
            alpr_agency_set_clock_for_tests_and_replays(a, i64::MAX),
            alpr_status::InvalidDate
        );
        assert_eq!(
            alpr_agency_set_clock_for_tests_and_replays(std::ptr::null(), NOW_MS),
            alpr_status::NullParameter
        );
        alpr_agency_free(a);
        alpr_detection_store_free(store);
    }

    let mut sys: *const alpr_agency = std::ptr::null();
    let name = "SPD";
    // SAFETY: the strings are valid for their lengths; valid out-pointer.
    let st = unsafe {
        alpr_agency_open(
            name.as_ptr(),
            name.len(),
            std::ptr::null(),
            std::ptr::null(),
            0,
            ROSTER.as_ptr(),
            ROSTER.len(),
            &raw mut sys,
        )
    };
    assert_eq!(st, alpr_status::Ok);
    // SAFETY: live agency, freed once.
    unsafe {
        assert_eq!(
            alpr_agency_set_clock_for_tests_and_replays(sys, NOW_MS),
            alpr_status::InvalidArgument
        );
        alpr_agency_free(sys);
        alpr_agency_free(std::ptr::null());
    }
}

#[test]
fn roster_errors_name_the_field_never_the_value() {
    let (st, a) = open(r#"[{"id": "ok"}, {"id": "SECRET7ABC", "roles": "7XYZ999"}]"#, NOW_MS);
    assert_eq!(st, alpr_status::InvalidArgument);
    assert!(a.is_null());
    let msg = last_error();
    assert!(!msg.contains("SECRET7ABC") && !msg.contains("7XYZ999"), "{msg}");
    assert!(msg.contains("roles"), "{msg}");
    // Trained in the future: refused at open.
    let (st, _) = open(
        r#"[{"id": "c9", "roles": ["investigator"], "account": "active", "trained_on": "2027-01-01",
             "clearance": true}]"#,
        NOW_MS,
    );
    assert_eq!(st, alpr_status::InvalidArgument);
}
