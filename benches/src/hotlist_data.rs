//! Deterministic hot-list files for the benchmarks: `n` distinct plates, as CSV and as CLEW.

use std::fmt::Write as _;

const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const STATES: [&str; 8] = ["CA", "NV", "OR", "AZ", "WA", "TX", "NY", "FL"];

/// The `i`-th plate: 7 characters, distinct for every `i` below 36^7 (multiplication by an odd
/// number not divisible by 3 is a bijection modulo 36^7).
pub(crate) fn plate(i: u64) -> [u8; 7] {
    let mut x = i.wrapping_mul(2_654_435_761) % 36u64.pow(7);
    let mut out = [0u8; 7];
    for c in out.iter_mut().rev() {
        *c = ALPHABET[(x % 36) as usize];
        x /= 36;
    }
    out
}

fn plate_str(i: u64) -> String {
    String::from_utf8_lossy(&plate(i)).into_owned()
}

/// A CSV export of `n` entries with the usual columns.
pub(crate) fn csv(n: u64) -> Vec<u8> {
    let mut s = String::with_capacity(n as usize * 64);
    s.push_str("plate,state,type,category,record_id,make,model,color,year\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "{},{},PC,stolen_vehicle,V{:09},HOND,CIV,BLK,{}",
            plate_str(i),
            STATES[(i % 8) as usize],
            i,
            2000 + i % 25
        );
    }
    s.into_bytes()
}

/// The 2-column list of `benches/peers/py_peers.py` (`plate,category`) with this file's plates.
#[allow(dead_code)] // `hotlist/csv2_1m` and the `load_profile` example; not every includer uses it
pub(crate) fn csv2(n: u64) -> Vec<u8> {
    let mut s = String::with_capacity(n as usize * 24);
    s.push_str("plate,category\n");
    for i in 0..n {
        let _ = writeln!(s, "{},stolen_vehicle", plate_str(i));
    }
    s.into_bytes()
}

/// A CA DOJ CLEW SVS file of `n` records.
pub(crate) fn clew(n: u64) -> Vec<u8> {
    let mut s = String::with_capacity(n as usize * 22 + 64);
    s.push_str("DATE11/28/2026 06:00\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "{:<8}{}{:02}2018{:02}{:02}",
            plate_str(i),
            STATES[(i % 8) as usize],
            i % 58 + 1,
            i % 12 + 1,
            i % 28 + 1
        );
    }
    let _ = writeln!(s, "TOTAL RECORD {n:07}");
    s.into_bytes()
}

/// The metadata of a benchmark load.
pub(crate) fn meta() -> alpr_core::hotlist::ListMeta {
    alpr_core::hotlist::ListMeta {
        id: "SVS".to_owned(),
        kind: alpr_core::vocab::ListKind::Standard,
        priority: 10,
        loaded_at: chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default(),
        source: "bench".to_owned(),
        generated_at: None,
    }
}
