//! The conformance harness shared by every surface's runner.
//!
//! A *surface* (the Rust API, the C ABI, the Python package) turns a case's input into an answer:
//! a JSON object with the same field names as the case's expected values (`hits`, `error`,
//! `violations`, …). This crate loads the vector files, asks the surface for each case's answer and
//! compares it with the expected values by the rules of `tests/vectors/README` (sets, ordered
//! lists, partial objects, instants). It knows nothing of the domain, so no rule of the library is
//! implemented here; it is one comparator for all three runners, so they cannot drift apart.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// One case of one vector file.
#[derive(Clone, Debug)]
pub struct Case {
    /// The file's `suite`.
    pub suite: String,
    /// The case's `name`.
    pub name: String,
    /// The whole case object.
    pub value: Value,
}

/// A surface under test.
pub trait Surface {
    /// The answer to one case, as a JSON object; `Err` when the surface cannot run it (an
    /// unknown suite, an input it cannot express), which counts as a failure.
    ///
    /// # Errors
    /// A short reason, printed in the failure line.
    fn answer(&mut self, suite: &str, case: &Value) -> Result<Value, String>;
}

/// The input fields of each suite: everything else in a case (but `name` and `rule`) is expected.
pub fn input_fields(suite: &str) -> Option<&'static [&'static str]> {
    Some(match suite {
        "normalize" | "jurisdiction" => &["input"],
        "match" => &["policy", "now", "lists", "read"],
        "hotlist_load" => &["policy", "list"],
        "hotlist_file" => &[
            "format",
            "category",
            "policy",
            "text",
            "bytes_base64",
            "id",
            "kind",
            "priority",
            "loaded_at",
        ],
        "hot_plate" => &["policy", "entry"],
        "hit_workflow" => &["policy", "hit"],
        "retention" => &["policy", "now", "records", "holds"],
        "access" => &["policy", "now", "user", "request"],
        "sharing" => &["policy", "request"],
        "search" => &["policy", "now", "detections", "holds", "query"],
        "operations" => &["policy", "today", "last_inspected", "shift_checks"],
        "public_records" => &["policy", "refused_referral", "citizen"],
        _ => return None,
    })
}

/// Fields whose lists compare as sets (of codes or of partial objects).
const SET_FIELDS: &[&str] = &["violations", "reasons", "rejected", "failed"];
/// Fields whose lists are ids that compare as sorted sets.
const ID_SET_FIELDS: &[&str] = &["due", "held", "eligible", "ids"];

/// Loads every `*.json` vector file of a directory, sorted by file name.
///
/// # Errors
/// A message naming the file that cannot be read or parsed.
pub fn load_dir(dir: &Path) -> Result<Vec<Case>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        cases.extend(parse_file(&text).map_err(|e| format!("{}: {e}", f.display()))?);
    }
    Ok(cases)
}

/// Parses one vector file's text.
///
/// # Errors
/// When the text is not a `{"suite": …, "cases": […]}` object.
pub fn parse_file(text: &str) -> Result<Vec<Case>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let suite = v.get("suite").and_then(Value::as_str).ok_or("no suite")?.to_owned();
    let cases = v.get("cases").and_then(Value::as_array).ok_or("no cases")?;
    Ok(cases
        .iter()
        .map(|c| Case {
            suite: suite.clone(),
            name: c.get("name").and_then(Value::as_str).unwrap_or("(unnamed)").to_owned(),
            value: c.clone(),
        })
        .collect())
}

/// Compares a surface's answer with a case's expected values.
///
/// # Errors
/// `expected …, got …` naming the first field that differs.
pub fn check(suite: &str, case: &Value, answer: &Value) -> Result<(), String> {
    let inputs = input_fields(suite).ok_or_else(|| format!("unknown suite {suite}"))?;
    let case = case.as_object().ok_or("case is not an object")?;
    let empty = Map::new();
    let answer_map = answer.as_object().unwrap_or(&empty);
    if let (false, Some(err)) = (case.contains_key("error"), answer_map.get("error")) {
        return Err(format!("expected no error, got error {err}"));
    }
    for (key, expected) in case {
        if key == "name" || key == "rule" || inputs.contains(&key.as_str()) {
            continue;
        }
        let got = answer_map.get(key).unwrap_or(&Value::Null);
        if key == "steps" {
            check_steps(expected, got)?;
            continue;
        }
        compare(key, expected, got).map_err(|path| {
            let at = if path.is_empty() {
                key.clone()
            } else {
                format!("{key}{path}")
            };
            format!("{at}: expected {}, got {}", short(expected), short(got))
        })?;
    }
    Ok(())
}

/// `hit_workflow` steps: each step's `result` and `status`, in order.
fn check_steps(expected: &Value, got: &Value) -> Result<(), String> {
    let exp = expected.as_array().ok_or("steps is not a list")?;
    let got_steps = got.as_array().map_or(&[][..], Vec::as_slice);
    for (i, step) in exp.iter().enumerate() {
        let g = got_steps.get(i).unwrap_or(&Value::Null);
        for field in ["result", "status"] {
            if let Some(e) = step.get(field) {
                let gv = g.get(field).unwrap_or(&Value::Null);
                if e != gv {
                    let event = step.get("event").and_then(Value::as_str).unwrap_or("?");
                    return Err(format!("steps[{i}] ({event}) {field}: expected {e}, got {}", short(gv)));
                }
            }
        }
    }
    Ok(())
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 300 {
        format!("{}…", &s[..s.floor_char_boundary(300)])
    } else {
        s
    }
}

/// Compares one expected value with the answer's; `Err` carries the path below `key`.
fn compare(key: &str, expected: &Value, got: &Value) -> Result<(), String> {
    match (expected, got) {
        (Value::Null, Value::Null) => Ok(()),
        (Value::Object(e), Value::Object(g)) => {
            for (k, ev) in e {
                compare(k, ev, g.get(k).unwrap_or(&Value::Null)).map_err(|p| format!(".{k}{p}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(g)) => {
            if ID_SET_FIELDS.contains(&key) {
                let mut e = e.clone();
                let mut g = g.clone();
                e.sort_by_key(Value::to_string);
                g.sort_by_key(Value::to_string);
                return if e == g { Ok(()) } else { Err(String::new()) };
            }
            if e.len() != g.len() {
                return Err(String::new());
            }
            if SET_FIELDS.contains(&key) {
                // Each expected element matches a distinct answer element.
                let mut used = vec![false; g.len()];
                for ev in e {
                    let hit = g
                        .iter()
                        .enumerate()
                        .find(|(j, gv)| !used[*j] && compare(key, ev, gv).is_ok());
                    match hit {
                        Some((j, _)) => used[j] = true,
                        None => return Err(String::new()),
                    }
                }
                return Ok(());
            }
            for (i, (ev, gv)) in e.iter().zip(g).enumerate() {
                compare(key, ev, gv).map_err(|p| format!("[{i}]{p}"))?;
            }
            Ok(())
        }
        (Value::String(e), Value::String(g)) => {
            if e == g {
                return Ok(());
            }
            match (instant(e), instant(g)) {
                (Some(a), Some(b)) if a == b => Ok(()),
                _ => Err(String::new()),
            }
        }
        (Value::Number(e), Value::Number(g)) => {
            if e == g || e.as_f64() == g.as_f64() {
                Ok(())
            } else {
                Err(String::new())
            }
        }
        (e, g) => {
            if e == g {
                Ok(())
            } else {
                Err(String::new())
            }
        }
    }
}

fn instant(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s).ok().map(|t| t.to_utc())
}

/// Totals of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Cases whose answer matched.
    pub passed: usize,
    /// Cases that failed (including suites the surface does not know).
    pub failed: usize,
}

/// Runs every case through a surface, printing one line per failure to stdout.
pub fn run_cases(cases: &[Case], surface: &mut dyn Surface) -> Totals {
    let mut t = Totals::default();
    for case in cases {
        let result = if input_fields(&case.suite).is_none() {
            Err(format!("unknown suite {}", case.suite))
        } else {
            surface
                .answer(&case.suite, &case.value)
                .and_then(|a| check(&case.suite, &case.value, &a))
        };
        match result {
            Ok(()) => t.passed += 1,
            Err(msg) => {
                t.failed += 1;
                println!("{}/{}: {msg}", case.suite, case.name);
            }
        }
    }
    t
}

/// The directories a runner reads: its arguments, else the repository's `tests/vectors`, plus
/// every directory in `ALPR_VECTORS` (separated by `:`).
pub fn vector_dirs(args: &[String]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    if dirs.is_empty() {
        dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors"));
    }
    if let Ok(extra) = std::env::var("ALPR_VECTORS") {
        dirs.extend(extra.split(':').filter(|s| !s.is_empty()).map(PathBuf::from));
    }
    dirs
}

/// A runner's whole `main`: loads the directories named on the command line (see
/// [`vector_dirs`]), runs them, prints `SURFACE: N passed, M failed` and returns the exit code.
///
/// `--suite NAME` (repeatable) restricts the run to those suites.
pub fn main_with(surface_name: &str, surface: &mut dyn Surface) -> std::process::ExitCode {
    let mut args: Vec<String> = Vec::new();
    let mut only: Vec<String> = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        if a == "--suite" {
            only.extend(it.next());
        } else {
            args.push(a);
        }
    }
    let mut totals = Totals::default();
    for dir in vector_dirs(&args) {
        match load_dir(&dir) {
            Ok(mut cases) => {
                if !only.is_empty() {
                    cases.retain(|c| only.contains(&c.suite));
                }
                let t = run_cases(&cases, surface);
                totals.passed += t.passed;
                totals.failed += t.failed;
            }
            Err(e) => {
                println!("{e}");
                totals.failed += 1;
            }
        }
    }
    println!("{surface_name}: {} passed, {} failed", totals.passed, totals.failed);
    if totals.failed == 0 && totals.passed > 0 {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

/// The bytes of a case's `text` (UTF-8) or `bytes_base64` (standard alphabet, padding optional):
/// the file input of `hotlist_file`. A helper for the runners, not a comparison rule.
///
/// # Errors
/// When the case has neither field, or the base64 is malformed.
pub fn case_bytes(case: &Value) -> Result<Vec<u8>, String> {
    if let Some(t) = case.get("text").and_then(Value::as_str) {
        return Ok(t.as_bytes().to_vec());
    }
    let b64 = case
        .get("bytes_base64")
        .and_then(Value::as_str)
        .ok_or("case has neither text nor bytes_base64")?;
    let mut out = Vec::with_capacity(b64.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in b64.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return Err("bytes_base64 is not base64".to_owned()),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn comparison_rules() {
        let case = json!({"name": "x", "now": "n", "violations": ["a", "b"], "hits": [{"tier": "strong"}, {"tier": "weak"}],
                          "next_due_at": "2026-11-28T12:00:01-08:00", "ids": [3, 1]});
        let good = json!({"violations": ["b", "a"], "hits": [{"tier": "strong", "x": 1}, {"tier": "weak"}],
                          "next_due_at": "2026-11-28T20:00:01Z", "ids": [1, 3]});
        assert_eq!(check("retention", &case, &good), Ok(()));
        let swapped = json!({"violations": ["b", "a"], "hits": [{"tier": "weak"}, {"tier": "strong"}],
                             "next_due_at": "2026-11-28T20:00:01Z", "ids": [1, 3]});
        assert!(check("retention", &case, &swapped).is_err());
        let missing = json!({"violations": ["a"], "hits": [{"tier": "strong"}, {"tier": "weak"}],
                             "next_due_at": "2026-11-28T20:00:01Z", "ids": [1, 3]});
        assert!(check("retention", &case, &missing).is_err());
        let err = json!({"error": "empty"});
        assert!(
            check("retention", &case, &err)
                .unwrap_err()
                .contains("expected no error")
        );
        assert!(check("nope", &case, &good).is_err());
        let null_case = json!({"next_due_at": null});
        assert_eq!(check("retention", &null_case, &json!({})), Ok(()));
        assert!(check("retention", &null_case, &json!({"next_due_at": "2026-01-01T00:00:00Z"})).is_err());
    }

    #[test]
    fn case_bytes_decodes_text_and_base64() {
        assert_eq!(case_bytes(&json!({"text": "ab"})).unwrap(), b"ab");
        assert_eq!(
            case_bytes(&json!({"bytes_base64": "/wBh"})).unwrap(),
            vec![0xFF, 0, b'a']
        );
        assert_eq!(case_bytes(&json!({"bytes_base64": "YWI="})).unwrap(), b"ab");
        assert!(case_bytes(&json!({"bytes_base64": "!"})).is_err());
        assert!(case_bytes(&json!({})).is_err());
    }

    #[test]
    fn steps_compare_result_and_status() {
        let case = json!({"hit": {}, "steps": [{"event": "acknowledge", "result": "ok", "status": "acknowledged"}]});
        assert_eq!(
            check(
                "hit_workflow",
                &case,
                &json!({"steps": [{"result": "ok", "status": "acknowledged"}]})
            ),
            Ok(())
        );
        assert!(
            check(
                "hit_workflow",
                &case,
                &json!({"steps": [{"result": "ok", "status": "alerted"}]})
            )
            .is_err()
        );
        assert!(check("hit_workflow", &case, &json!({"steps": []})).is_err());
    }
}

/// A legal hold a `search` or `retention` case names: a detection id alone, or an object with its
/// `id` and, where given, its `case` number and `kind` (defaults `conformance` and `criminal`).
/// A helper for the runners, not a comparison rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseHold {
    /// The held record's id.
    pub id: u64,
    /// The hold's case number.
    pub case_number: String,
    /// The hold's kind, as the spec names it.
    pub kind: String,
}

/// The legal holds of a case's `holds` (none when absent).
///
/// # Errors
/// A hold with no id.
pub fn case_holds(case: &Value) -> Result<Vec<CaseHold>, String> {
    case.get("holds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|h| {
            let id = h
                .as_u64()
                .or_else(|| h.get("id").and_then(Value::as_u64))
                .ok_or("hold without id")?;
            let text = |key: &str, default: &str| h.get(key).and_then(Value::as_str).unwrap_or(default).to_owned();
            Ok(CaseHold {
                id,
                case_number: text("case", "conformance"),
                kind: text("kind", "criminal"),
            })
        })
        .collect()
}

/// The roster of the agency a `search` case runs under, trained on the case's day (`now`'s
/// date): `c1`, an investigator who searches, and `s1`, a supervisor who places the case's holds.
/// A helper for the runners, not a comparison rule.
///
/// # Errors
/// A case without a `now` of at least a date.
pub fn search_roster(case: &Value) -> Result<Value, String> {
    let today = case
        .get("now")
        .and_then(Value::as_str)
        .and_then(|n| n.get(..10))
        .ok_or("case has no now")?;
    Ok(serde_json::json!([
        {"id": "c1", "agency": "SPD", "roles": ["investigator"], "account": "active",
         "trained_on": today, "clearance": true},
        {"id": "s1", "agency": "SPD", "roles": ["supervisor"], "account": "active",
         "trained_on": today, "clearance": true},
    ]))
}
