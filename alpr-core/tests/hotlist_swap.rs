//! R-LIST-4 under contention: readers on several threads take snapshots while a writer installs
//! thousands of versions (and fails some loads); every snapshot holds, for every list, one whole
//! version, never a mix, never a missing list, and versions never go backwards.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use alpr_core::Policy;
use alpr_core::hotlist::{Format, ListMeta};
use alpr_core::registry::Registry;
use alpr_core::vocab::{Category, ListKind};

const SWAPS: u32 = 3000;
const ENTRIES: u32 = 40;

/// Version `v` of a list: `ENTRIES` plates all carrying `v` in their county attribute, as CLEW.
fn clew(v: u32) -> Vec<u8> {
    let mut s = String::from("DATE11/28/2026 06:00\n");
    for i in 0..ENTRIES {
        let _ = writeln!(s, "{:<8}CA{:02}20181105", format!("A{i:05}"), v % 100);
    }
    let _ = writeln!(s, "TOTAL RECORD {ENTRIES:07}");
    s.into_bytes()
}

fn meta(id: &str, v: u32) -> ListMeta {
    ListMeta {
        id: id.to_owned(),
        kind: ListKind::Standard,
        priority: 10,
        loaded_at: chrono::DateTime::from_timestamp(1_800_000_000 + i64::from(v), 0).unwrap(),
        source: String::new(),
        generated_at: None,
    }
}

#[test]
fn readers_see_whole_versions_across_thousands_of_swaps() {
    let reg = Arc::new(Registry::new(Arc::new(Policy::sacramento())));
    for id in ["SVS", "SFR"] {
        reg.load_file(Format::CaDojClew, &clew(0), meta(id, 0), Some(Category::StolenVehicle))
            .unwrap();
    }
    let done = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let reg = Arc::clone(&reg);
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                let mut last = [0i64; 2];
                let mut seen = 0u64;
                while !done.load(Ordering::Acquire) {
                    let snap = reg.snapshot();
                    for (k, id) in ["SVS", "SFR"].iter().enumerate() {
                        let v = snap.get(*id).expect("a list is never missing");
                        let stamp = v.meta().loaded_at.timestamp();
                        assert!(stamp >= last[k], "versions never go backwards");
                        last[k] = stamp;
                        let version = u32::try_from(stamp - 1_800_000_000).unwrap();
                        assert_eq!(v.entries().len(), ENTRIES as usize, "a whole version");
                        let county = format!("{:02}", version % 100);
                        assert!(
                            v.entries()
                                .iter()
                                .all(|e| e.attributes.get("county") == Some(county.as_str())),
                            "every entry belongs to the version's own file"
                        );
                    }
                    seen += 1;
                }
                seen
            })
        })
        .collect();
    for v in 1..=SWAPS {
        for id in ["SVS", "SFR"] {
            reg.load_file(Format::CaDojClew, &clew(v), meta(id, v), Some(Category::StolenVehicle))
                .unwrap();
        }
        if v % 10 == 0 {
            // A cut-off download fails and changes nothing.
            let cut = &clew(v + 1)[..100];
            assert!(reg.load_file(Format::CaDojClew, cut, meta("SVS", v + 1), None).is_err());
        }
    }
    done.store(true, Ordering::Release);
    for r in readers {
        assert!(r.join().unwrap() > 0, "each reader took snapshots");
    }
    assert_eq!(
        reg.get("SVS").unwrap().meta().loaded_at.timestamp(),
        1_800_000_000 + i64::from(SWAPS)
    );
}
