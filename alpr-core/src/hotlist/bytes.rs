//! Lists in force as versioned, checksummed bytes: what a distributed job ships to its workers
//! once (a Spark broadcast, a Dask delayed value) and what a pickled `Registry` is.
//!
//! The bytes are a header line `ALPR-LISTS 1`, a line with the lower-case hex SHA-256 of the
//! payload, and the payload: JSON with the policy the lists were validated under and, per list,
//! its metadata and validated entries (in the shape of [`crate::hotlist::Entry::to_json`]). A
//! version is its id and load time; install numbers are the receiving registry's own and are not
//! shipped.
//! Decoding checks the header, the version and the checksum, then validates every entry again
//! under the shipped policy and rebuilds the match index: an entry that no longer validates, or
//! folds into another, is an error. A mismatch is never a silently different list.

use std::collections::BTreeMap;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::error::{Code, Error, Result};
use crate::hotlist::{ListMeta, ListVersion, RawEntry, Snapshot, validate_entries};
use crate::policy::Policy;

/// The first line of the bytes (the format and its version).
const HEADER: &str = "ALPR-LISTS 1\n";

/// Lower-case hex of bytes (as the audit log writes hashes; this layer sits below it).
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(2 * bytes.len()), |mut s, b| {
        // Writing to a String cannot fail.
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn invalid(detail: &str) -> Error {
    Error::new(Code::InvalidArgument).with_detail(format!("list bytes: {detail}"))
}

#[derive(serde::Serialize)]
struct ListOut<'a> {
    meta: &'a ListMeta,
    entries: Vec<serde_json::Value>,
}

#[derive(serde::Serialize)]
struct PayloadOut<'a> {
    policy: &'a Policy,
    lists: Vec<ListOut<'a>>,
}

#[derive(serde::Deserialize)]
struct ListIn {
    meta: ListMeta,
    entries: Vec<RawEntry>,
}

#[derive(serde::Deserialize)]
struct PayloadIn {
    policy: serde_json::Value,
    lists: Vec<ListIn>,
}

/// Lists decoded from their bytes: the policy they were validated and indexed under, the lists
/// (by id) and the SHA-256 of the payload.
#[derive(Clone, Debug)]
pub struct ShippedLists {
    /// The policy the lists were validated and indexed under.
    pub policy: Arc<Policy>,
    /// The lists, by id (not installed: their install numbers are 0).
    pub lists: Snapshot,
    /// Lower-case hex SHA-256 of the payload (the second line of the bytes).
    pub sha256: String,
}

/// Encodes lists validated under `policy` (see the module documentation). Returns the bytes and
/// the SHA-256 of their payload.
///
/// # Errors
/// `invalid_argument` when the policy or a list's metadata does not serialize.
pub fn encode(lists: &Snapshot, policy: &Policy) -> Result<(Vec<u8>, String)> {
    let payload = PayloadOut {
        policy,
        lists: lists
            .values()
            .map(|v| ListOut {
                meta: v.meta(),
                entries: v.entries().iter().map(crate::hotlist::Entry::to_json).collect(),
            })
            .collect(),
    };
    let body = serde_json::to_vec(&payload).map_err(|_| invalid("the lists do not serialize"))?;
    let sha = hex(&Sha256::digest(&body));
    let mut out = Vec::with_capacity(HEADER.len() + 65 + body.len());
    out.extend_from_slice(HEADER.as_bytes());
    out.extend_from_slice(sha.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(&body);
    Ok((out, sha))
}

/// Decodes and checks bytes made by [`encode`].
///
/// # Errors
/// `invalid_argument` (the detail says which) for another format or version, a checksum that
/// does not match the payload, a payload that does not parse, or an entry that does not validate
/// to itself under the shipped policy; `invalid_policy` for a shipped policy that does not parse.
pub fn decode(bytes: &[u8]) -> Result<ShippedLists> {
    let rest = bytes
        .strip_prefix(HEADER.as_bytes())
        .ok_or_else(|| invalid("not version 1 of the alpr list format"))?;
    if rest.len() < 65 || rest[64] != b'\n' {
        return Err(invalid("no checksum line"));
    }
    let (sha, body) = (&rest[..64], &rest[65..]);
    let actual = hex(&Sha256::digest(body));
    if sha != actual.as_bytes() {
        return Err(invalid("the SHA-256 of the payload does not match its checksum"));
    }
    let payload: PayloadIn = serde_json::from_slice(body).map_err(|_| invalid("the payload is not a list set"))?;
    let policy = Arc::new(Policy::from_json(&payload.policy.to_string())?);
    let mut lists = BTreeMap::new();
    for l in payload.lists {
        let (entries, report) = validate_entries(&l.entries, &[], l.meta.kind, None, &policy)?;
        if !report.rejected.is_empty() || report.merged != 0 || entries.len() != l.entries.len() {
            return Err(invalid("an entry does not validate to itself under the shipped policy"));
        }
        let version = ListVersion::build(l.meta, entries, &policy);
        lists.insert(version.meta().id.clone(), Arc::new(version));
    }
    Ok(ShippedLists {
        policy,
        lists: Arc::new(lists),
        sha256: actual,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hotlist::RawEntry;

    fn version(json: &str, policy: &Policy) -> Arc<ListVersion> {
        #[derive(serde::Deserialize)]
        struct Raw {
            meta: ListMeta,
            entries: Vec<RawEntry>,
        }
        let raw: Raw = serde_json::from_str(json).unwrap();
        Arc::new(ListVersion::from_raw(raw.meta, &raw.entries, policy).unwrap().0)
    }

    fn lists() -> (Snapshot, Policy) {
        let policy = Policy::sacramento();
        let svs = version(
            r#"{"meta":{"id":"SVS","kind":"standard","priority":10,"loaded_at":"2026-01-01T00:00:00Z"},
                "entries":[{"plate":"7ABC123","jurisdiction":"CA","category":"stolen_vehicle",
                "record_id":"V1","expires_at":"2027-01-01T00:00:00Z","vehicle":{"make":"HOND","year":2019},
                "caution":{"armed_dangerous":true},"attributes":{"k":"v"}},{"plate":"8XYZ999"}]}"#,
            &policy,
        );
        let ooi = version(
            r#"{"meta":{"id":"OOI","kind":"special","priority":5,"loaded_at":"2026-01-02T00:00:00Z"},
                "entries":[{"pattern":"7AB?123","category":"other"}]}"#,
            &policy,
        );
        let map = BTreeMap::from([("SVS".to_owned(), svs), ("OOI".to_owned(), ooi)]);
        (Arc::new(map), policy)
    }

    #[test]
    fn round_trip_keeps_every_entry_and_meta() {
        let (lists, policy) = lists();
        let (bytes, sha) = encode(&lists, &policy).unwrap();
        let back = decode(&bytes).unwrap();
        assert_eq!(back.sha256, sha);
        assert_eq!(back.lists.len(), 2);
        for (id, v) in lists.iter() {
            let w = &back.lists[id];
            assert_eq!(w.meta(), v.meta());
            assert_eq!(w.entries(), v.entries());
        }
        // The same lists encode to the same bytes.
        assert_eq!(encode(&back.lists, &back.policy).unwrap().0, bytes);
    }

    #[test]
    fn any_changed_byte_is_refused() {
        let (lists, policy) = lists();
        let (bytes, _) = encode(&lists, &policy).unwrap();
        for i in [0, HEADER.len() + 3, bytes.len() / 2, bytes.len() - 2] {
            let mut bad = bytes.clone();
            bad[i] ^= 0x01;
            let e = decode(&bad).unwrap_err();
            assert_eq!(e.code(), Code::InvalidArgument, "byte {i}");
        }
        assert_eq!(
            decode(&bytes[..bytes.len() - 1]).unwrap_err().code(),
            Code::InvalidArgument
        );
        assert_eq!(decode(b"").unwrap_err().code(), Code::InvalidArgument);
    }

    #[test]
    fn a_consistent_checksum_over_an_invalid_entry_is_refused() {
        let body = br#"{"policy":{},"lists":[{"meta":{"id":"X","kind":"standard","priority":1,
            "loaded_at":"2026-01-01T00:00:00Z"},"entries":[{"plate":"!!"}]}]}"#;
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.extend_from_slice(hex(&Sha256::digest(body)).as_bytes());
        bytes.push(b'\n');
        bytes.extend_from_slice(body);
        assert!(decode(&bytes).is_err());
    }
}
