//! The malformed-input corpus of `tests/hotlist_corpus` (written by its `make_corpus.py`) through
//! the Rust API: every string, hot-list file and audit file gives its documented code and
//! position; every hot-list load that fails leaves the version loaded before it in force (the
//! same `Arc`, entry count and `loaded_at`, and its plate still matches); an audit file that
//! fails to open or verify is left byte for byte as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};

use alpr_core::audit::{AuditLog, FileStore, Head};
use alpr_core::hotlist::{Format, ListMeta, ListVersion, Rejection};
use alpr_core::matching::Read;
use alpr_core::registry::{RawList, Registry};
use alpr_core::vocab::{Category, ListKind};
use alpr_core::{Code, Error, Jurisdiction, PlateOrPattern, Policy, Position, normalize};

/// The codes of SPEC §1–§2 and of the audit file that the corpus must exercise, as a whole-input
/// error or as a rejected record.
const REQUIRED: &[&str] = &[
    "empty",
    "invalid_character",
    "too_long",
    "invalid_jurisdiction",
    "invalid_plate_type",
    "placeholder_plate",
    "pattern_not_allowed",
    "pattern_too_broad",
    "invalid_pattern",
    "invalid_date",
    "invalid_category",
    "category_forbidden",
    "too_many_rejected",
    "missing_column",
    "record_count_mismatch",
    "truncated_file",
    "short_record",
    "invalid_utf8",
    "empty_file",
    "invalid_header",
    "line_too_long",
    "invalid_field",
    "formula_injection",
    "no_records",
    "invalid_argument",
    "audit_chain_broken",
    "audit_truncated",
    "audit_torn_record",
];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/hotlist_corpus")
}

fn position_json(p: Position) -> Value {
    let mut m = serde_json::Map::new();
    for (k, v) in [
        ("line", p.line),
        ("column", p.column),
        ("character", p.character),
        ("index", p.index),
    ] {
        if let Some(v) = v {
            m.insert(k.to_owned(), json!(v));
        }
    }
    Value::Object(m)
}

/// Checks a result against a case's `error` and `position`; returns a description of the
/// difference, if any.
fn check<T>(name: &str, c: &Value, got: &Result<T, Error>) -> Option<String> {
    let want_code = c["error"].as_str();
    match (got, want_code) {
        (Ok(_), None) => None,
        (Ok(_), Some(w)) => Some(format!("{name}: succeeded, expected {w}")),
        (Err(e), None) => Some(format!("{name}: failed with {e}, expected success")),
        (Err(e), Some(w)) => {
            let pos = position_json(e.position());
            (e.code().as_str() != w || pos != c["position"])
                .then(|| format!("{name}: got {} at {pos}, expected {w} at {}", e.code(), c["position"]))
        }
    }
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn meta(kind: ListKind, second: i64) -> ListMeta {
    ListMeta {
        id: "L".to_owned(),
        kind,
        priority: 10,
        loaded_at: chrono::DateTime::from_timestamp(1_800_000_000 + second, 0).unwrap(),
        source: "corpus".to_owned(),
        generated_at: None,
    }
}

const GOOD_CLEW: &[u8] = b"DATE11/28/2026 06:00\n1GOOD11 CA3420181105\nTOTAL RECORD 0000001\n";

/// One string case (`normalize`, `jurisdiction`, `pattern`).
fn string_case(c: &Value) -> Option<String> {
    let name = c["name"].as_str().unwrap();
    let bytes = hex(c["input_hex"].as_str().unwrap());
    let Ok(s) = std::str::from_utf8(&bytes) else {
        // Bytes that are not UTF-8 reach only the C ABI.
        assert!(
            c["surfaces"].as_array().is_some(),
            "{name}: not UTF-8 but for every surface"
        );
        return None;
    };
    match c["kind"].as_str().unwrap() {
        "normalize" => check(name, c, &normalize(s)),
        "jurisdiction" => check(name, c, &Jurisdiction::parse(s)),
        "pattern" => check(
            name,
            c,
            &PlateOrPattern::parse(s, Policy::sacramento().pattern_limits()),
        ),
        k => panic!("{name}: unknown kind {k}"),
    }
}

/// Whether the version loaded before a failed load is still in force: the same `Arc`, one
/// entry, its `loaded_at`, and its plate matches.
fn previous_in_force(reg: &Registry, before: &Arc<ListVersion>) -> bool {
    let now = before.meta().loaded_at;
    let after = reg.get("L").unwrap();
    let hits = reg.match_read(&Read::new("1GOOD11", now), now).unwrap();
    Arc::ptr_eq(before, &after)
        && after.entries().len() == 1
        && reg.health(now)[0].loaded_at == now
        && hits.len() == 1
        && hits[0].list.meta().id == "L"
}

/// Compares a load's rejections with `[line, column, character, index, code]` each.
fn check_rejections(name: &str, got: &[Rejection], expected: &[Value]) -> Option<String> {
    let got: Vec<Value> = got
        .iter()
        .map(|r| {
            let p = r.position;
            json!([p.line, p.column, p.character, p.index, r.code.as_str()])
        })
        .collect();
    (got != expected).then(|| format!("{name}: rejections {got:?}, expected {expected:?}"))
}

/// One hot-list case: a file, or a list as JSON text (`hotlist_json`).
fn hotlist_case(dir: &Path, c: &Value) -> Vec<String> {
    let name = c["name"].as_str().unwrap();
    let mut out = Vec::new();
    let bytes = std::fs::read(dir.join(c["file"].as_str().unwrap())).unwrap();
    let kind = ListKind::parse(c["list_kind"].as_str().unwrap()).unwrap();
    let category = c["category"].as_str().map(|s| Category::parse(s).unwrap());
    let load = |reg: &Registry| match c["format"].as_str() {
        Some(f) => reg.load_file(Format::parse(f).unwrap(), &bytes, meta(kind, 1), category),
        None => RawList::from_json(std::str::from_utf8(&bytes).unwrap()).and_then(|l| reg.load(l.meta, &l.entries)),
    };
    let overrides = c.get("policy").cloned().unwrap_or_else(|| json!({}));
    let policy = Policy::sacramento().with_overrides(&overrides).unwrap();

    let reg = Registry::new(Arc::new(policy));
    reg.load_file(
        Format::CaDojClew,
        GOOD_CLEW,
        meta(ListKind::Standard, 0),
        Some(Category::StolenVehicle),
    )
    .unwrap();
    let before = reg.get("L").unwrap();
    let got = load(&reg);
    out.extend(check(name, c, &got));
    if got.is_err() && !previous_in_force(&reg, &before) {
        out.push(format!("{name}: the failed load changed the version in force"));
    }

    if let Some(expected) = c["rejected"].as_array() {
        let mut lenient = overrides.as_object().unwrap().clone();
        lenient.insert("max_rejected_fraction".to_owned(), json!(1.0));
        let policy = Policy::sacramento().with_overrides(&Value::Object(lenient)).unwrap();
        match load(&Registry::new(Arc::new(policy))) {
            Err(e) => out.push(format!("{name}: lenient load failed with {e}")),
            Ok(report) => out.extend(check_rejections(name, &report.rejected, expected)),
        }
    }
    out
}

/// One audit file case, on a copy of the file.
fn audit_case(dir: &Path, tmp: &Path, c: &Value) -> Option<String> {
    let name = c["name"].as_str().unwrap();
    let original = std::fs::read(dir.join(c["file"].as_str().unwrap())).unwrap();
    let path = tmp.join(name.replace('/', "_"));
    std::fs::write(&path, &original).unwrap();
    let head = c["head"]
        .as_array()
        .map(|h| Head::from_hex(h[0].as_u64().unwrap(), h[1].as_str().unwrap()).unwrap());
    let got = FileStore::open(&path)
        .and_then(|s| AuditLog::open(s.with_sync(false)))
        .and_then(|log| log.verify(head.as_ref()));
    let mut problem = check(name, c, &got);
    if std::fs::read(&path).unwrap() != original {
        problem = Some(format!("{name}: opening or verifying changed the file"));
    }
    std::fs::remove_file(&path).unwrap();
    problem
}

#[test]
fn every_corpus_case_gives_its_documented_code_and_position() {
    let dir = corpus_dir();
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    assert!(cases.len() >= 500, "the corpus has {} cases", cases.len());
    let tmp = std::env::temp_dir().join(format!("alpr-corpus-rs-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();

    let mut problems = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for c in cases {
        if let Some(e) = c["error"].as_str() {
            *seen.entry(e.to_owned()).or_default() += 1;
        }
        for r in c["rejected"].as_array().into_iter().flatten() {
            *seen.entry(r[4].as_str().unwrap().to_owned()).or_default() += 1;
        }
        match c["kind"].as_str().unwrap() {
            "hotlist" | "hotlist_json" => problems.extend(hotlist_case(&dir, c)),
            "audit" => problems.extend(audit_case(&dir, &tmp, c)),
            _ => problems.extend(string_case(c)),
        }
    }
    let _ = std::fs::remove_dir(&tmp);
    assert!(
        problems.is_empty(),
        "{} of {} cases differ:\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n")
    );
    for code in REQUIRED {
        assert!(seen.contains_key(*code), "no corpus case for {code}");
        assert!(Code::from_name(code).is_some(), "{code} is a code");
    }
}
