//! The house rule of `alpr-core`: its top-level modules form layers and import only downward, so
//! the import graph has no cycle (a cycle means a shared piece lives in the wrong room).
//!
//! The test reads the sources under `src/`, collects every `crate::…` path of each top-level
//! module (imports, qualified paths, grouped `use crate::{a::X, b::Y}`), resolves names the crate
//! root re-exports (`crate::Plate` is `plate`), and checks that
//!
//! - every top-level module has a place in [`LAYERS`],
//! - no module reaches a module of a higher layer,
//! - the graph, same-layer edges included, has no cycle,
//! - no `super::super::…` chain climbs out of its top-level module (such paths are written
//!   `crate::…`, so that this test sees them).
//!
//! Comments (doc links included) are not imports and are skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Bottom to top. A module may use modules of its own layer or of a lower one; cycles are refused
/// separately. The index sits below the hot lists because a list version owns its index (built
/// when the version is validated) and the index reads nothing of an entry but its key and, through
/// the sealed `index::IndexKey` trait that hotlist implements for its entries, three attribute
/// flags.
const LAYERS: &[&[&str]] = &[
    // Vocabulary, time and the other leaf pieces everyone shares.
    &["error", "vocab", "time", "geo", "json", "threads"],
    &["plate", "pattern"],
    &["policy"],
    &["index"],
    // Hot-list model, validation and formats (a version and its index).
    &["hotlist"],
    &["matching", "registry"],
    &[
        "workflow",
        "hotplate",
        "ops",
        "records",
        "retention",
        "access",
        "audit",
        "sharing",
        "search",
    ],
    &["analytics"],
    // The agency context: policy, roster, holds, clock and log bound around every guarded operation.
    &["agency"],
];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without comments: line comments (`//`, `///`, `//!`) and block comments, with
/// string literals left alone (a `"https://…"` is not a comment).
fn strip_comments(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        let c = b[i];
        if in_str {
            out.push(c as char);
            if c == b'\\' && i + 1 < b.len() {
                out.push(b[i + 1] as char);
                i += 2;
                continue;
            }
            if c == b'"' {
                in_str = false;
            }
            i += 1;
        } else if c == b'"' {
            in_str = true;
            out.push('"');
            i += 1;
        } else if c == b'\'' && i + 2 < b.len() && b[i + 2] == b'\'' {
            // A character literal such as '"' (lifetimes have no closing quote).
            out.push_str(&src[i..i + 3]);
            i += 3;
        } else if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let end = src[i + 2..].find("*/").map_or(b.len(), |k| i + 2 + k + 2);
            i = end;
        } else {
            // Copy one whole character (the source is UTF-8).
            let ch = src[i..].chars().next().expect("a character");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The first path segment of every `crate::` path in `code`, grouped imports included.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(k) = rest.find("crate::") {
        let before = rest[..k].chars().next_back();
        rest = &rest[k + "crate::".len()..];
        if before.is_some_and(|c| is_ident(c) && c != '$') {
            continue; // `some_crate::…`
        }
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::X, b::{Y, Z}}`: the first segment of each top-level item.
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && is_ident(c) => {
                        let name: String = group[i..].chars().take_while(|&c| is_ident(c)).collect();
                        out.push(name);
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// The longest `super::super::…` chain in `code`.
fn longest_super_chain(code: &str) -> usize {
    let mut best = 0;
    let mut rest = code;
    while let Some(k) = rest.find("super::") {
        let before = rest[..k].chars().next_back();
        let mut n = 0;
        let mut tail = &rest[k..];
        while let Some(t) = tail.strip_prefix("super::") {
            n += 1;
            tail = t;
        }
        if !before.is_some_and(is_ident) {
            best = best.max(n);
        }
        rest = tail;
    }
    best
}

/// The top-level module of a file under `src/`, and how deep the file's module is (1 for
/// `src/a.rs` and `src/a/mod.rs`, 2 for `src/a/b.rs`, …). `None` for the crate root.
fn module_of(src: &Path, file: &Path) -> Option<(String, usize)> {
    let rel = file.strip_prefix(src).expect("file under src");
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts == ["lib.rs"] {
        return None;
    }
    let top = parts[0].trim_end_matches(".rs").to_owned();
    let last = parts.last().expect("a file name");
    let depth = if last == "mod.rs" { parts.len() - 1 } else { parts.len() };
    Some((top, depth))
}

/// The names the crate root re-exports (`pub use plate::{Plate, …}`), each with its module.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for stmt in lib.split(';') {
        let Some(body) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = body.split_once("::") else {
            continue;
        };
        let items = items.trim().trim_start_matches('{').trim_end_matches('}');
        for item in items.split(',') {
            let name = item.trim().rsplit(" as ").next().unwrap_or("").trim();
            if !name.is_empty() {
                map.insert(name.to_owned(), module.trim().to_owned());
            }
        }
    }
    map
}

/// Module → the modules it reaches, each with one file that does it.
type Graph = BTreeMap<String, BTreeMap<String, PathBuf>>;

/// The top-level modules, their import graph and the paths that escape the scan.
fn import_graph() -> (BTreeSet<String>, Graph, Vec<String>) {
    let src = src_dir();
    let lib = fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let lib_code = strip_comments(&lib);
    let modules: BTreeSet<String> = lib_code
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("pub mod ")
                .or_else(|| l.trim().strip_prefix("mod "))
        })
        .map(|l| l.trim_end_matches(';').trim().to_owned())
        .filter(|m| m != "tests" && !m.contains('{'))
        .collect();
    let reexports = root_reexports(&lib_code);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut graph = Graph::new();
    let mut problems = Vec::new();
    for file in files {
        let Some((top, depth)) = module_of(&src, &file) else {
            continue;
        };
        let code = strip_comments(&fs::read_to_string(&file).expect("readable source"));
        for name in crate_paths(&code) {
            let target = if modules.contains(&name) {
                name
            } else if let Some(m) = reexports.get(&name) {
                m.clone()
            } else {
                continue; // A root item such as `VERSION`.
            };
            if target != top {
                graph
                    .entry(top.clone())
                    .or_default()
                    .entry(target)
                    .or_insert_with(|| file.clone());
            }
        }
        if longest_super_chain(&code) > depth {
            problems.push(format!(
                "{}: a `super::` chain leaves module `{top}`; write the path as `crate::…`",
                file.display()
            ));
        }
    }
    (modules, graph, problems)
}

/// A cycle of the graph, if any (depth-first search with colours).
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_owned(), 1);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flat_map(BTreeMap::keys) {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|n| n == next).expect("on the stack");
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(next, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node.as_str()).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(node, graph, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

#[test]
fn modules_import_only_downward_and_without_cycles() {
    let (modules, graph, mut problems) = import_graph();
    assert!(
        modules.len() >= 10 && graph.len() >= 10,
        "the scan found too little: {modules:?}"
    );
    for m in &modules {
        if layer_of(m).is_none() {
            problems.push(format!("module `{m}` has no place in LAYERS (tests/layers.rs)"));
        }
    }
    for (from, targets) in &graph {
        for (to, file) in targets {
            if let (Some(a), Some(b)) = (layer_of(from), layer_of(to))
                && b > a
            {
                problems.push(format!(
                    "`{from}` (layer {a}) imports `{to}` (layer {b}), upward, in {}",
                    file.display()
                ));
            }
        }
    }
    if let Some(cycle) = find_cycle(&graph) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|w| format!("{} → {} ({})", w[0], w[1], graph[&w[0]][&w[1]].display()))
            .collect();
        problems.push(format!("import cycle: {}", steps.join(", ")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_scanner_sees_every_form_of_path() {
    let code = strip_comments(
        "use crate::plate::Plate; // crate::audit in a comment\n\
         /* crate::search */ let s = \"a // b\"; let c = '\"'; x = crate::time::now();\n\
         use crate::{error::Error, pattern::{Pattern, Token}};\n\
         let e = my_crate::retention::X; $crate::vocab::Y;",
    );
    assert_eq!(
        crate_paths(&code),
        ["plate", "time", "error", "pattern", "vocab"].map(String::from)
    );
    assert_eq!(longest_super_chain("use super::super::tests::x; super::y"), 2);
    let mut g = Graph::new();
    g.entry("a".into())
        .or_default()
        .insert("b".into(), PathBuf::from("a.rs"));
    g.entry("b".into())
        .or_default()
        .insert("c".into(), PathBuf::from("b.rs"));
    assert_eq!(find_cycle(&g), None);
    g.entry("c".into())
        .or_default()
        .insert("a".into(), PathBuf::from("c.rs"));
    assert_eq!(find_cycle(&g), Some(["a", "b", "c", "a"].map(String::from).to_vec()));
    let lib = "pub use error::{Code, Error};\npub use plate::{Plate, normalize};\npub use policy::Policy;";
    let map = root_reexports(lib);
    assert_eq!(map.get("normalize").map(String::as_str), Some("plate"));
    assert_eq!(map.get("Policy").map(String::as_str), Some("policy"));
}
