//! The malformed-file corpus of `tests/hotlist_corpus`: every file gives its documented error
//! (and line) and leaves the previous version in force; files whose records fail one by one give
//! each rejection's line, column and code under a tolerant policy.

use std::sync::Arc;

use serde_json::Value;

use alpr_core::Policy;
use alpr_core::hotlist::{Format, ListMeta};
use alpr_core::registry::Registry;
use alpr_core::vocab::{Category, ListKind};

fn meta(id: &str) -> ListMeta {
    ListMeta {
        id: id.to_owned(),
        kind: ListKind::Standard,
        priority: 10,
        loaded_at: alpr_core::time::parse_instant("2026-11-28T08:00:00-08:00").unwrap(),
        source: "corpus".to_owned(),
        generated_at: None,
    }
}

#[test]
fn every_corpus_file_gives_its_documented_error_and_keeps_the_previous_version() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/hotlist_corpus");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    assert!(cases.len() >= 20, "the corpus is present");
    let good = b"DATE11/28/2026 06:00\n1GOOD11 CA3420181105\nTOTAL RECORD 0000001\n";
    for c in cases {
        let name = c["file"].as_str().unwrap();
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let format = Format::parse(c["format"].as_str().unwrap()).unwrap();
        let category = c["category"].as_str().map(|s| Category::parse(s).unwrap());

        let reg = Registry::default();
        reg.load_file(Format::CaDojClew, good, meta("L"), Some(Category::StolenVehicle))
            .unwrap();
        let before = reg.get("L").unwrap();
        let err = reg.load_file(format, &bytes, meta("L"), category).unwrap_err();
        assert_eq!(err.code().as_str(), c["error"].as_str().unwrap(), "{name}: {err}");
        assert_eq!(
            err.position().line.map(u64::from),
            c["error_line"].as_u64(),
            "{name}: line of {err}"
        );
        assert!(
            Arc::ptr_eq(&before, &reg.get("L").unwrap()),
            "{name}: previous version replaced"
        );
        assert_eq!(reg.snapshot().len(), 1, "{name}");

        if let Some(expected) = c["rejected"].as_array() {
            let lenient = Policy {
                max_rejected_fraction: 1.0,
                ..Policy::sacramento()
            };
            let reg = Registry::new(Arc::new(lenient));
            let report = reg.load_file(format, &bytes, meta("L"), category).unwrap();
            let got: Vec<Value> = report
                .rejected
                .iter()
                .map(|r| serde_json::json!([r.position.line.unwrap(), r.position.column.unwrap(), r.code.as_str()]))
                .collect();
            assert_eq!(&got, expected, "{name}: rejections");
            assert!(report.accepted >= 1, "{name}: the good records load");
        }
    }
}
