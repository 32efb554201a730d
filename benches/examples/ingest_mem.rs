//! One hostile-file load for a peak-RSS measurement: `ingest_mem <csv|ca_doj_clew|ncic_extract>
//! <path>` reads the file (as `alpr_registry_load_path` and Python's `load_file` do) and loads it
//! into a registry under the built-in policy, then prints what the load kept or why it failed.
//! `benches/mem/ingest_mem.sh` writes the files and runs this under `/usr/bin/time -v`; the peak
//! RSS it reports includes the file's own bytes.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(format), Some(path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: ingest_mem <csv|ca_doj_clew|ncic_extract> <path>");
        std::process::exit(2);
    };
    let Ok(format) = alpr_core::hotlist::Format::parse(format) else {
        eprintln!("unknown format");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read the file: {e}");
            std::process::exit(2);
        }
    };
    let meta = alpr_core::hotlist::ListMeta {
        id: "MEM".to_owned(),
        kind: alpr_core::vocab::ListKind::Standard,
        priority: 10,
        loaded_at: chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default(),
        source: "ingest_mem".to_owned(),
        generated_at: None,
    };
    let registry = alpr_core::registry::Registry::default();
    let t = Instant::now();
    let result = registry.load_file(format, &bytes, meta, Some(alpr_core::vocab::Category::StolenVehicle));
    let secs = t.elapsed().as_secs_f64();
    match result {
        Ok(r) => println!(
            "file {} bytes: loaded in {secs:.3} s, {} accepted, {} merged, {} rejected",
            bytes.len(),
            r.accepted,
            r.merged,
            r.rejected.len()
        ),
        Err(e) => println!(
            "file {} bytes: refused in {secs:.3} s: {}",
            bytes.len(),
            e.code().as_str()
        ),
    }
}
