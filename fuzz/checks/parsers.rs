//! The three hot-list parsers (R-LIST-7) fed arbitrary bytes: parsing and loading never panic;
//! a load that succeeds counts every record it kept or rejected, and a rejected record carries a
//! line number.

use alpr_core::Policy;
use alpr_core::hotlist::format::parse_bytes;
use alpr_core::hotlist::{Format, ListMeta, load_bytes};
use alpr_core::vocab::{Category, ListKind};

fn run(format: Format, data: &[u8]) {
    let policy = Policy::sacramento();
    if let Ok(parsed) = parse_bytes(format, data, &policy) {
        assert_eq!(parsed.raws.len(), parsed.positions.len());
        for r in &parsed.rejected {
            assert!(r.position.line.is_some(), "a parser rejection names its line");
        }
    }
    let meta = ListMeta {
        id: "FUZZ".to_owned(),
        kind: ListKind::HotPlate,
        priority: 1,
        loaded_at: chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("time"),
        source: String::new(),
        generated_at: None,
    };
    if let Ok((version, report)) = load_bytes(format, data, meta, Some(Category::StolenVehicle), &policy) {
        assert_eq!(
            version.entries().len(),
            report.accepted,
            "the report counts what was kept"
        );
        for r in &report.rejected {
            assert!(r.position.line.is_some(), "a rejected record names its line");
        }
    }
}

pub(crate) fn run_csv(data: &[u8]) {
    run(Format::Csv, data);
}

pub(crate) fn run_clew(data: &[u8]) {
    run(Format::CaDojClew, data);
}

pub(crate) fn run_ncic(data: &[u8]) {
    run(Format::NcicExtract, data);
}
