//! The matcher (SPEC §3) against a naive oracle written here from the SPEC text, independently of
//! the core's matching code and of its test oracle: a hot-plate list of plates and patterns over
//! a small alphabet rich in look-alikes, a read, and a small policy space (`max_confusable` 0–2,
//! `max_edits` 0–2, `min_edit_length` 3–6, `on_jurisdiction_mismatch` report/suppress). The set
//! of hits (entry, match kind, jurisdiction outcome, plate-type mismatch, tier) must be equal, and
//! the hits ordered by tier then kind (one list, so one priority).

use std::collections::BTreeSet;
use std::sync::Arc;

use alpr_core::hotlist::{ListMeta, RawEntry};
use alpr_core::matching::Read;
use alpr_core::policy::MismatchAction;
use alpr_core::registry::Registry;
use alpr_core::vocab::ListKind;
use alpr_core::{Jurisdiction, PlateType, Policy};
use arbitrary::{Arbitrary, Unstructured};

const ALPHABET: &[u8] = b"AB8O0D1I5SZ2";
const CLASSES: &[&str] = &["0ODQ", "1I", "2Z", "5S", "8B", "6G"];
const JURISDICTIONS: &[Option<&str>] = &[None, Some("CA"), Some("NV")];
const TYPES: &[Option<&str>] = &[None, Some("PC"), Some("MC")];

#[derive(Arbitrary, Debug)]
struct In {
    max_confusable: u8,
    max_edits: u8,
    min_edit_length: u8,
    suppress: bool,
    entries: Vec<(Vec<u8>, u8, u8)>,
    read: (Vec<u8>, u8, u8),
}

/// Text over the alphabet (and, for patterns, `?` and `*`), 1 to 8 characters.
fn text(codes: &[u8], wildcards: bool) -> String {
    let mut s = String::new();
    for &c in codes.iter().take(8) {
        let n = if wildcards { ALPHABET.len() + 2 } else { ALPHABET.len() };
        let i = usize::from(c) % n;
        s.push(match i {
            i if i < ALPHABET.len() => char::from(ALPHABET[i]),
            i if i == ALPHABET.len() => '?',
            _ => '*',
        });
    }
    if s.is_empty() { "A".to_owned() } else { s }
}

fn same_class(a: u8, b: u8) -> bool {
    CLASSES
        .iter()
        .any(|c| c.as_bytes().contains(&a) && c.as_bytes().contains(&b))
}

fn levenshtein(a: &[u8], b: &[u8]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, &x) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &y) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(x != y)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|k| glob(rest, &s[k..])),
        Some((b'?', rest)) => !s.is_empty() && glob(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && glob(rest, &s[1..]),
    }
}

type HitKey = (String, Option<String>, Option<String>, String, String, bool, String);

pub(crate) fn run(data: &[u8]) {
    let Ok(input) = In::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let mut policy = Policy::sacramento();
    policy.max_confusable = input.max_confusable % 3;
    policy.max_edits = input.max_edits % 3;
    policy.min_edit_length = 3 + input.min_edit_length % 4;
    policy.max_rejected_fraction = 1.0;
    policy.on_jurisdiction_mismatch = if input.suppress {
        MismatchAction::Suppress
    } else {
        MismatchAction::Report
    };
    let registry = Registry::new(Arc::new(policy.clone()));
    let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("time");

    let mut raws = Vec::new();
    let mut valid = Vec::new();
    for (codes, j, t) in input.entries.iter().take(12) {
        let is_pattern = codes.first().is_some_and(|c| c % 2 == 1);
        let raw = text(codes.get(1..).unwrap_or_default(), is_pattern);
        // `**` means `*` (the core folds a run of stars into one, pattern.rs), but every `*`
        // written counts toward the SPEC's "at most 2 `*`" (R-MATCH-6, session 10: `O**OO*` is
        // `invalid_pattern`). Found by this target: fuzz/regressions/matcher/.
        let mut key = String::new();
        for c in raw.chars() {
            if !(c == '*' && key.ends_with('*')) {
                key.push(c);
            }
        }
        let jur = JURISDICTIONS[usize::from(*j) % JURISDICTIONS.len()];
        let typ = TYPES[usize::from(*t) % TYPES.len()];
        let wild = key.contains(['?', '*']);
        let literals = key.bytes().filter(u8::is_ascii_alphanumeric).count();
        let positions = key.bytes().filter(|&b| b != b'*').count();
        let stars = raw.bytes().filter(|&b| b == b'*').count();
        // R-MATCH-6: a pattern needs 3 literals, at most 2 stars and 10 positions.
        let ok = if wild {
            literals >= 3 && stars <= 2 && positions <= 10
        } else {
            key.len() <= 10
        };
        if ok {
            valid.push((key.clone(), wild, jur, typ));
        }
        raws.push(RawEntry {
            plate: (!is_pattern).then(|| raw.clone()),
            pattern: is_pattern.then_some(raw),
            jurisdiction: jur.map(str::to_owned),
            plate_type: typ.map(str::to_owned),
            ..RawEntry::default()
        });
    }
    let meta = ListMeta {
        id: "HOT".to_owned(),
        kind: ListKind::HotPlate,
        priority: 0,
        loaded_at: now,
        source: String::new(),
        generated_at: None,
    };
    let loaded = registry.load(meta, &raws).is_ok();
    if !loaded {
        assert!(valid.is_empty(), "a list with valid entries loads");
    }

    let read_text = text(&input.read.0, false);
    let read_jur = JURISDICTIONS[usize::from(input.read.1) % JURISDICTIONS.len()];
    let read_type = TYPES[usize::from(input.read.2) % TYPES.len()];
    let mut read = Read::new(&read_text, now);
    read.jurisdiction = read_jur.map(|j| Jurisdiction::parse(j).expect("jurisdiction"));
    read.plate_type = read_type.map(|t| PlateType::parse(t).expect("plate type"));
    let hits = registry
        .match_read(&read, now)
        .expect("a read of the alphabet normalizes");

    let got: BTreeSet<HitKey> = hits
        .iter()
        .map(|h| {
            let e = h.entry();
            (
                h.entry_text(),
                e.jurisdiction.map(|j| j.as_str().to_owned()),
                e.plate_type.map(|t| t.as_str().to_owned()),
                h.kind.as_str().to_owned(),
                h.jurisdiction.as_str().to_owned(),
                h.plate_type_mismatch,
                h.tier.as_str().to_owned(),
            )
        })
        .collect();

    let r = read_text.as_bytes();
    let mut want = BTreeSet::new();
    for (key, wild, jur, typ) in &valid {
        let k = key.as_bytes();
        let kind = if *wild {
            glob(k, r).then_some("pattern")
        } else if k == r {
            Some("exact")
        } else if k.len() == r.len()
            && k.iter().zip(r).all(|(&a, &b)| a == b || same_class(a, b))
            && k.iter().zip(r).filter(|(a, b)| a != b).count() <= usize::from(policy.max_confusable)
        {
            Some("confusable")
        } else if policy.max_edits > 0
            && r.len() >= usize::from(policy.min_edit_length)
            && levenshtein(k, r) <= usize::from(policy.max_edits)
        {
            Some("edit")
        } else {
            None
        };
        let Some(kind) = kind else { continue };
        let outcome = match (jur, read_jur) {
            (Some(a), Some(b)) if a == &b => "match",
            (Some(_), Some(_)) => "mismatch",
            _ => "unknown",
        };
        if outcome == "mismatch" && input.suppress {
            continue;
        }
        let type_mismatch = matches!((typ, read_type), (Some(a), Some(b)) if a != &b);
        let tier = match (kind, outcome) {
            _ if type_mismatch || outcome == "mismatch" => "weak",
            ("exact", "match") => "strong",
            ("exact" | "confusable", _) => "moderate",
            _ => "weak",
        };
        want.insert((
            key.clone(),
            jur.map(str::to_owned),
            typ.map(str::to_owned),
            kind.to_owned(),
            outcome.to_owned(),
            type_mismatch,
            tier.to_owned(),
        ));
    }
    assert_eq!(
        got,
        want,
        "hits of {read_text:?} (policy {:?})",
        (policy.max_confusable, policy.max_edits, policy.min_edit_length)
    );
    // R-MATCH-9 within one list: tier, then match kind.
    for w in hits.windows(2) {
        let a = (w[0].tier.number(), w[0].kind.number());
        let b = (w[1].tier.number(), w[1].kind.number());
        assert!(a <= b, "hits in order");
    }
}
