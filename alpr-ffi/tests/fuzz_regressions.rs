//! Replays the fuzz targets' inputs on the stable toolchain, through the same checks the
//! targets run (`fuzz/checks/`, included here by path): every minimized crash, hang or
//! disagreement in `fuzz/regressions/<target>/` and every seed in `fuzz/seeds/<target>/`.
//! `make fuzz` (nightly, cargo-fuzz) finds new ones; each goes into `fuzz/regressions/` with a
//! line in [`REGRESSIONS`] saying what broke.

#[allow(dead_code)]
#[path = "../../fuzz/checks/mod.rs"]
mod checks;

use std::path::{Path, PathBuf};

/// Every file under `fuzz/regressions/`, as `<target>/<file>`, with what it broke (and how it
/// was fixed). A file without a line here fails the test.
const REGRESSIONS: &[(&str, &str)] = &[
    (
        "matcher/double_star_pattern",
        "oracle disagreement, not a core bug: the hot-plate pattern `**BBB` hit read `BBB` as the \
         entry `*BBB` while the oracle expected the entry text `**BBB`. The core folds a run of `*` \
         into one (`**` means `*`, pattern.rs); the oracle now folds runs the same way. (It then \
         also counted runs against the 2-star limit, as the core did until session 10.)",
    ),
    (
        "matcher/stars_written",
        "oracle disagreement after a core fix, not a core bug: since session 10 every `*` written \
         counts toward R-MATCH-6's limit of two (`O**OO*` is `invalid_pattern`, rejected at load), \
         while the oracle still counted runs and expected the entry `O*OO*` to hit read `OOO`. \
         The oracle now counts the stars written.",
    ),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// `(target, file name, path)` of every file under `fuzz/<dir>/<target>/`.
fn inputs(dir: &str) -> Vec<(String, String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(targets) = std::fs::read_dir(fuzz_dir().join(dir)) else {
        return out;
    };
    for t in targets {
        let t = t.expect("read the directory");
        if !t.file_type().expect("file type").is_dir() {
            continue;
        }
        for f in std::fs::read_dir(t.path()).expect("read the target's directory") {
            let f = f.expect("read the directory");
            out.push((
                t.file_name().to_string_lossy().into_owned(),
                f.file_name().to_string_lossy().into_owned(),
                f.path(),
            ));
        }
    }
    out.sort();
    out
}

fn replay(target: &str, name: &str, path: &Path) {
    let check = checks::TARGETS
        .iter()
        .find(|(t, _)| *t == target)
        .unwrap_or_else(|| panic!("fuzz input {target}/{name}: no such target"))
        .1;
    let data = std::fs::read(path).expect("read the input");
    if let Err(e) = std::panic::catch_unwind(|| check(&data)) {
        let why = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        panic!("fuzz input {target}/{name} fails its check: {why}");
    }
}

#[test]
fn every_regression_passes_and_says_what_broke() {
    let files = inputs("regressions");
    for (target, name, path) in &files {
        let key = format!("{target}/{name}");
        assert!(
            REGRESSIONS.iter().any(|(k, _)| *k == key),
            "fuzz/regressions/{key} has no line in REGRESSIONS saying what broke"
        );
        replay(target, name, path);
    }
    for (key, why) in REGRESSIONS {
        assert!(!why.is_empty(), "{key}: say what broke");
        assert!(
            files.iter().any(|(t, n, _)| format!("{t}/{n}") == *key),
            "REGRESSIONS names fuzz/regressions/{key}, which is missing"
        );
    }
}

#[test]
fn every_seed_passes() {
    let seeds = inputs("seeds");
    // Every target has seeds, so each check runs at least once on stable.
    for (target, _) in checks::TARGETS {
        assert!(
            seeds.iter().any(|(t, _, _)| t == target),
            "no seeds for fuzz target {target}"
        );
    }
    for (target, name, path) in &seeds {
        replay(target, name, path);
    }
}

#[test]
fn every_target_has_a_fuzz_binary() {
    for (target, _) in checks::TARGETS {
        let bin = fuzz_dir().join("fuzz_targets").join(format!("{target}.rs"));
        assert!(bin.is_file(), "{} is missing", bin.display());
    }
}
