//! The batch call gives each read exactly the hits of the single-read call, also where the
//! matcher asks for a read's time (an entry's expiry, R-MATCH-5): the batch converts reads
//! without building their instants until then (benches/README.md, C ABI session 8).

use alpr::{
    ALPR_ORIGIN_VEHICLE, alpr_hit, alpr_read, alpr_read_init, alpr_registry, alpr_registry_free,
    alpr_registry_load_json, alpr_registry_match, alpr_registry_match_batch, alpr_registry_new, alpr_status,
};

/// 2026-11-28T12:00:00-08:00 (20:00 UTC) in Unix milliseconds.
const NOON_MS: i64 = 1_795_896_000_000;
const HOUR_MS: i64 = 3_600_000;

/// Entries that expire before, at and after the reads' times, on other UTC days, and none.
const LIST: &str = r#"{"id": "SVS", "kind": "standard", "priority": 10,
  "loaded_at": "2026-11-28T08:00:00-08:00",
  "entries": [
    {"plate": "7ABC123", "category": "stolen_vehicle", "expires_at": "2026-11-28T11:00:00-08:00"},
    {"plate": "7ABC124", "category": "stolen_vehicle", "expires_at": "2026-11-28T12:00:00-08:00"},
    {"plate": "7ABC125", "category": "stolen_vehicle", "expires_at": "2026-11-28T16:30:00-08:00"},
    {"plate": "7ABC126", "category": "stolen_vehicle", "expires_at": "2026-11-29T12:00:00-08:00"},
    {"plate": "7ABC127", "category": "stolen_vehicle"}]}"#;

fn entry_text(h: &alpr_hit) -> String {
    let n = h.entry.iter().position(|&b| b == 0).unwrap_or(h.entry.len());
    String::from_utf8(h.entry[..n].to_vec()).unwrap()
}

fn blank_hit() -> alpr_hit {
    // SAFETY: `alpr_hit` is plain C data, for which all-zero bytes are a valid value.
    unsafe { std::mem::zeroed() }
}

#[test]
fn batch_hits_are_the_single_calls_hits_around_expiries_and_days() {
    let mut reg: *const alpr_registry = std::ptr::null();
    // SAFETY: valid out-pointer; NULL policy is the built-in one.
    assert_eq!(
        unsafe { alpr_registry_new(std::ptr::null(), &raw mut reg) },
        alpr_status::Ok
    );
    // SAFETY: live registry, text valid for its length, no report wanted.
    let rc = unsafe { alpr_registry_load_json(reg, LIST.as_ptr(), LIST.len(), std::ptr::null_mut()) };
    assert_eq!(rc, alpr_status::Ok);

    let plates: [&[u8]; 5] = [b"7ABC123", b"7ABC124", b"7ABC125", b"7ABC126", b"7ABC127"];
    // Times before, at and after the expiries, on three UTC days (the batch's converter changes
    // day several times, back and forth), and a millisecond before each expiry.
    let times = [
        NOON_MS - 2 * HOUR_MS,
        NOON_MS - HOUR_MS - 1,
        NOON_MS - HOUR_MS,
        NOON_MS - 1,
        NOON_MS,
        NOON_MS + 4 * HOUR_MS + 30 * 60_000 - 1,
        NOON_MS + 4 * HOUR_MS + 30 * 60_000,
        NOON_MS + 24 * HOUR_MS - 1,
        NOON_MS + 24 * HOUR_MS,
        NOON_MS - 30 * HOUR_MS,
    ];
    let mut reads: Vec<alpr_read> = Vec::new();
    for &t in &times {
        for p in plates {
            let mut r = alpr_read_init();
            r.plate = p.as_ptr();
            r.plate_len = p.len();
            r.origin = ALPR_ORIGIN_VEHICLE;
            r.observed_at_ms = t;
            reads.push(r);
        }
    }
    let now_ms = NOON_MS + 48 * HOUR_MS;

    // Each read alone.
    let mut want: Vec<(usize, String)> = Vec::new();
    for (i, r) in reads.iter().enumerate() {
        let mut one = [blank_hit(); 8];
        let mut n = 0usize;
        // SAFETY: live registry; the read and the buffer are valid.
        let rc = unsafe { alpr_registry_match(reg, r, now_ms, one.as_mut_ptr(), one.len(), &raw mut n) };
        assert_eq!(rc, alpr_status::Ok);
        want.extend(one[..n].iter().map(|h| (i, entry_text(h))));
    }
    // The expiries decided something: some reads of an expiring plate hit, some do not.
    let hit_7abc124 = want.iter().filter(|(_, e)| e == "7ABC124").count();
    assert!(
        hit_7abc124 > 0 && hit_7abc124 < times.len(),
        "{hit_7abc124} of {}",
        times.len()
    );
    assert_eq!(want.iter().filter(|(_, e)| e == "7ABC127").count(), times.len());

    let mut hits = vec![blank_hit(); reads.len() * 2];
    let mut n = 0usize;
    // SAFETY: live registry; reads and hits valid for their lengths.
    let rc = unsafe {
        alpr_registry_match_batch(
            reg,
            reads.as_ptr(),
            reads.len(),
            now_ms,
            hits.as_mut_ptr(),
            hits.len(),
            &raw mut n,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(rc, alpr_status::Ok);
    let got: Vec<(usize, String)> = hits[..n].iter().map(|h| (h.read_index, entry_text(h))).collect();
    assert_eq!(got, want);
    // SAFETY: not used again.
    unsafe { alpr_registry_free(reg) };
}
