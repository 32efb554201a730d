//! R-LIST-4 under load: 16 threads match while another installs 1,000 versions of a list. Every
//! match result comes from exactly one version (all its hits share one `ListVersion`, whose
//! entries all name that version, and the version is whole); the versions a thread sees never go
//! backwards; once the threads are done every replaced version has been freed.
//!
//! The registry swaps versions under a `std::sync::RwLock` (a read lock held for one `Arc`
//! clone); the library has no lock-free code of its own, so there is no `loom` model to write:
//! the lock's memory ordering is the standard library's.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Weak};

use alpr_core::Policy;
use alpr_core::hotlist::{ListMeta, ListVersion, RawEntry};
use alpr_core::matching::Read;
use alpr_core::registry::Registry;
use alpr_core::vocab::ListKind;

const MATCHERS: usize = 16;
const VERSIONS: u32 = 1000;
const BASE: i64 = 1_800_000_000;

/// The plates of every version: the read `7ABC123` hits all three (one exact, two confusable).
const PLATES: [&str; 3] = ["7ABC123", "7A8C123", "7ABC1Z3"];

fn version(v: u32) -> (ListMeta, Vec<RawEntry>) {
    let meta = ListMeta {
        id: "SVS".to_owned(),
        kind: ListKind::Standard,
        priority: 10,
        loaded_at: chrono::DateTime::from_timestamp(BASE + i64::from(v), 0).unwrap(),
        source: String::new(),
        generated_at: None,
    };
    let entries = PLATES
        .iter()
        .map(|p| RawEntry {
            plate: Some((*p).to_owned()),
            jurisdiction: Some("CA".to_owned()),
            category: Some("stolen_vehicle".to_owned()),
            record_id: Some(format!("v{v}")),
            ..RawEntry::default()
        })
        .collect();
    (meta, entries)
}

/// The version a list version says it is, checked against its own entries.
fn version_of(list: &ListVersion) -> u32 {
    let v = u32::try_from(list.meta().loaded_at.timestamp() - BASE).unwrap();
    let tag = format!("v{v}");
    assert_eq!(list.entries().len(), PLATES.len(), "a whole version");
    assert!(
        list.entries()
            .iter()
            .all(|e| e.record_id.as_deref() == Some(tag.as_str())),
        "every entry of a version names it"
    );
    v
}

#[test]
fn sixteen_matchers_see_whole_versions_while_a_thousand_are_swapped_and_old_ones_are_freed() {
    let reg = Arc::new(Registry::new(Arc::new(Policy::sacramento())));
    let (meta, raws) = version(0);
    reg.load(meta, &raws).unwrap();
    let start = Arc::new(Barrier::new(MATCHERS + 1));
    let done = Arc::new(AtomicBool::new(false));
    let now = chrono::DateTime::from_timestamp(BASE + 2 * i64::from(VERSIONS), 0).unwrap();

    let matchers: Vec<_> = (0..MATCHERS)
        .map(|t| {
            let (reg, start, done) = (Arc::clone(&reg), Arc::clone(&start), Arc::clone(&done));
            std::thread::spawn(move || {
                start.wait();
                let mut last = 0u32;
                let mut seen = std::collections::BTreeSet::new();
                let mut rounds = 0u64;
                loop {
                    // Read the flag first: the round after it is set still runs against the
                    // final version.
                    let finished = done.load(Ordering::Acquire);
                    let v = if t % 2 == 0 {
                        let hits = reg.match_read(&Read::new("7ABC123", now), now).unwrap();
                        assert_eq!(hits.len(), PLATES.len(), "every entry of one version hits");
                        let v = version_of(&hits[0].list);
                        assert!(
                            hits.iter().all(|h| Arc::ptr_eq(&h.list, &hits[0].list)),
                            "all hits of one match come from one version"
                        );
                        v
                    } else {
                        let reads = [Read::new("7ABC123", now), Read::new("7A8C123", now)];
                        let out = reg.match_batch(&reads, now);
                        let hits: Vec<_> = out.hits.iter().map(|b| &b.hit).collect();
                        // `7A8C123` hits itself and, confusably, `7ABC123` (not `7ABC1Z3`: two
                        // positions differ).
                        assert_eq!(hits.len(), PLATES.len() + 2, "a batch matches one whole version");
                        let v = version_of(&hits[0].list);
                        assert!(
                            hits.iter().all(|h| Arc::ptr_eq(&h.list, &hits[0].list)),
                            "all hits of one batch come from one version"
                        );
                        v
                    };
                    assert!(v >= last, "versions never go backwards ({v} after {last})");
                    last = v;
                    seen.insert(v);
                    rounds += 1;
                    if finished {
                        break;
                    }
                }
                (rounds, last, seen)
            })
        })
        .collect();

    let mut replaced: Vec<Weak<ListVersion>> = Vec::new();
    start.wait();
    for v in 1..=VERSIONS {
        let (meta, raws) = version(v);
        replaced.push(Arc::downgrade(&reg.get("SVS").unwrap()));
        reg.load(meta, &raws).unwrap();
    }
    done.store(true, Ordering::Release);

    let mut distinct = std::collections::BTreeSet::new();
    for m in matchers {
        let (rounds, last, seen) = m.join().unwrap();
        assert!(rounds > 0);
        assert_eq!(last, VERSIONS, "the last round of every matcher sees the last version");
        distinct.extend(seen);
    }
    assert!(distinct.len() > 1, "the matchers ran while versions were swapped");
    assert_eq!(replaced.len(), VERSIONS as usize);
    let alive = replaced.iter().filter(|w| w.upgrade().is_some()).count();
    assert_eq!(alive, 0, "every replaced version is freed once no match holds it");
    assert_eq!(version_of(&reg.get("SVS").unwrap()), VERSIONS);
}
