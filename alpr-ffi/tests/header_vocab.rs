//! Every vocabulary number and name in `include/alpr.h` against the core's vocabulary: a
//! reordered, added or renamed core value that the header does not follow fails here.

use std::collections::BTreeMap;

use alpr_core::Code;
use alpr_core::audit::Outcome;
use alpr_core::hotlist::Format;
use alpr_core::matching::{JurisdictionOutcome, MatchKind, Tier};
use alpr_core::sharing::ShareDecision;
use alpr_core::vocab::{ListKind, Origin};

/// `NAME -> number` of every `#define ALPR_… <integer>` and `ALPR_… = <integer>,` in the header.
fn header_numbers() -> BTreeMap<String, i64> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../include/alpr.h");
    let text = std::fs::read_to_string(path).expect("include/alpr.h is readable");
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim().trim_end_matches(',');
        let (name, value) = if let Some(rest) = line.strip_prefix("#define ") {
            let mut parts = rest.split_whitespace();
            (parts.next(), parts.next())
        } else if let Some((name, value)) = line.split_once(" = ") {
            (Some(name.trim()), Some(value.trim()))
        } else {
            (None, None)
        };
        if let (Some(name), Some(value)) = (name, value)
            && name.starts_with("ALPR_")
            && let Ok(n) = value.parse::<i64>()
        {
            assert!(out.insert(name.to_owned(), n).is_none(), "{name} defined twice");
        }
    }
    out
}

/// The header's entries under `prefix` are exactly `expected` (C name suffix from the snake_case
/// name, number from the core).
fn same(header: &BTreeMap<String, i64>, prefix: &str, expected: impl IntoIterator<Item = (&'static str, i64)>) {
    let want: BTreeMap<String, i64> = expected
        .into_iter()
        .map(|(name, n)| (format!("{prefix}{}", name.to_ascii_uppercase()), n))
        .collect();
    let got: BTreeMap<String, i64> = header
        .iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    assert!(!want.is_empty(), "{prefix}: the core vocabulary is empty");
    assert_eq!(got, want, "{prefix}: include/alpr.h differs from the core vocabulary");
}

/// The vocabulary's values with their numbers, as the core declares them (`vocab!`), each checked
/// to round-trip through `from_number`, which is how the skins convert a C number.
fn numbered<T: Copy + PartialEq + std::fmt::Debug>(
    all: &'static [T],
    name: fn(T) -> &'static str,
    number: fn(T) -> u32,
    from_number: fn(u32) -> Option<T>,
) -> Vec<(&'static str, i64)> {
    all.iter()
        .map(|v| {
            assert_eq!(from_number(number(*v)), Some(*v));
            (name(*v), i64::from(number(*v)))
        })
        .collect()
}

#[test]
fn every_vocabulary_number_in_the_header_comes_from_the_core() {
    let h = header_numbers();
    same(
        &h,
        "ALPR_FORMAT_",
        Format::ALL.iter().map(|f| (f.as_str(), i64::from(f.number()))),
    );
    for f in Format::ALL {
        assert_eq!(Format::from_number(f.number()), Some(*f));
    }
    same(
        &h,
        "ALPR_LIST_KIND_",
        numbered(ListKind::ALL, ListKind::as_str, ListKind::number, ListKind::from_number),
    );
    same(
        &h,
        "ALPR_MATCH_KIND_",
        numbered(
            MatchKind::ALL,
            MatchKind::as_str,
            MatchKind::number,
            MatchKind::from_number,
        ),
    );
    same(
        &h,
        "ALPR_TIER_",
        numbered(Tier::ALL, Tier::as_str, Tier::number, Tier::from_number),
    );
    same(
        &h,
        "ALPR_JURISDICTION_",
        numbered(
            JurisdictionOutcome::ALL,
            JurisdictionOutcome::as_str,
            JurisdictionOutcome::number,
            JurisdictionOutcome::from_number,
        ),
    );
    same(
        &h,
        "ALPR_ORIGIN_",
        numbered(Origin::ALL, Origin::as_str, Origin::number, Origin::from_number),
    );
    same(
        &h,
        "ALPR_OUTCOME_",
        numbered(Outcome::ALL, Outcome::as_str, Outcome::number, Outcome::from_number),
    );
    same(
        &h,
        "ALPR_SHARE_",
        numbered(
            ShareDecision::ALL,
            ShareDecision::as_str,
            ShareDecision::number,
            ShareDecision::from_number,
        ),
    );
    // Statuses: the core's codes plus the ABI-misuse block (1–99) that only the C ABI has.
    let abi = [
        ("ok", 0),
        ("null_parameter", 1),
        ("insufficient_size", 2),
        ("already_used", 3),
        ("panic", 4),
        ("version_not_in_force", 5),
    ];
    let codes = Code::ALL.iter().map(|c| (c.as_str(), i64::from(*c as u32)));
    same(&h, "ALPR_STATUS_", abi.into_iter().chain(codes));
}
