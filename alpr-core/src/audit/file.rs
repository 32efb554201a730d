//! An append-only audit file: one JSON line per entry, `{"sequence":…,"hash":"…","record":{…}}`.
//!
//! This is the one place where `alpr-core` does I/O (see DESIGN.md): an audit trail that only
//! lives in memory is the "logs that vanished with a vendor trial" the order was written against.
//! It stays behind the [`AuditStore`] trait, so the rest of the core never touches a file.
//!
//! Crash safety: each entry is written with one `write` of the whole line, then `fdatasync`
//! (unless turned off). A crash mid-write leaves an incomplete last line; it is reported as
//! `audit_torn_record` when the file is opened or scanned, never silently accepted or dropped.
//! Every line must re-encode to exactly its bytes, so any edit that still parses is also found.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::{AuditEntry, AuditRecord, AuditStore, parse_hash};
use crate::error::{Code, Error, Result};

#[derive(serde::Serialize)]
struct LineOut<'a> {
    sequence: u64,
    hash: String,
    record: &'a AuditRecord,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LineIn {
    sequence: u64,
    hash: String,
    record: AuditRecord,
}

fn io(e: &std::io::Error) -> Error {
    Error::new(Code::Io).with_detail(format!("audit file: {}", e.kind()))
}

/// Encodes one entry as its line, newline included.
fn encode(entry: &AuditEntry) -> Result<String> {
    let mut s = serde_json::to_string(&LineOut {
        sequence: entry.sequence,
        hash: super::hex(&entry.hash),
        record: &entry.record,
    })
    .map_err(|e| Error::new(Code::Io).with_detail(format!("audit encode: {e}")))?;
    s.push('\n');
    Ok(s)
}

/// An append-only audit file (see the module documentation).
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
    file: File,
    len: u64,
    sync: bool,
}

impl FileStore {
    /// Opens (creating if missing) an audit file for appending.
    ///
    /// # Errors
    /// `io` when it cannot be opened; `audit_torn_record` when its last line is incomplete.
    pub fn open(path: impl AsRef<Path>) -> Result<FileStore> {
        let path = path.as_ref().to_path_buf();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| io(&e))?;
        let len = file.metadata().map_err(|e| io(&e))?.len();
        if len > 0 {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1)).map_err(|e| io(&e))?;
            file.read_exact(&mut last).map_err(|e| io(&e))?;
            if last[0] != b'\n' {
                return Err(Error::new(Code::AuditTornRecord).with_detail("audit file ends inside a record"));
            }
        }
        Ok(FileStore {
            path,
            file,
            len,
            sync: true,
        })
    }

    /// Whether each append waits for the data to reach the disk (default `true`).
    #[must_use]
    pub fn with_sync(mut self, sync: bool) -> FileStore {
        self.sync = sync;
        self
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl AuditStore for FileStore {
    fn append(&mut self, entry: &AuditEntry) -> Result<()> {
        let line = encode(entry)?;
        let written = self
            .file
            .write_all(line.as_bytes())
            .and_then(|()| if self.sync { self.file.sync_data() } else { Ok(()) });
        if let Err(e) = written {
            // Best effort: cut a partial line so the file stays well-formed; if this fails too,
            // the torn line is reported at the next open.
            let _ = self.file.set_len(self.len);
            return Err(io(&e));
        }
        self.len += line.len() as u64;
        Ok(())
    }

    fn scan(&self, visit: &mut dyn FnMut(&AuditEntry) -> Result<()>) -> Result<()> {
        let bytes = std::fs::read(&self.path).map_err(|e| io(&e))?;
        scan_bytes(&bytes, visit)
    }
}

/// Scans the bytes of an audit file (see [`AuditStore::scan`]).
pub(crate) fn scan_bytes(bytes: &[u8], visit: &mut dyn FnMut(&AuditEntry) -> Result<()>) -> Result<()> {
    let mut rest = bytes;
    let mut index = 0u32;
    while !rest.is_empty() {
        let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
            return Err(Error::new(Code::AuditTornRecord)
                .at_index(index)
                .at_line(index + 1)
                .with_detail("incomplete last audit record"));
        };
        let line = &rest[..nl];
        rest = &rest[nl + 1..];
        let broken = |what: &str| {
            Error::new(Code::AuditChainBroken)
                .at_index(index)
                .at_line(index + 1)
                .with_detail(format!("record {index}: {what}"))
        };
        let parsed: LineIn = serde_json::from_slice(line).map_err(|_| broken("line does not parse"))?;
        let entry = AuditEntry {
            sequence: parsed.sequence,
            hash: parse_hash(&parsed.hash).ok_or_else(|| broken("hash is not 64 hex digits"))?,
            record: parsed.record,
        };
        let again = encode(&entry)?;
        if again.as_bytes().get(..nl) != Some(line) || again.len() != nl + 1 {
            return Err(broken("line is not in canonical form"));
        }
        visit(&entry)?;
        index += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::record;
    use super::super::{AuditLog, Head, verify_from, verify_store};
    use super::*;

    struct Bytes<'a>(&'a [u8]);
    impl AuditStore for Bytes<'_> {
        fn append(&mut self, _: &AuditEntry) -> Result<()> {
            Err(Error::new(Code::Io))
        }
        fn scan(&self, visit: &mut dyn FnMut(&AuditEntry) -> Result<()>) -> Result<()> {
            scan_bytes(self.0, visit)
        }
    }

    fn temp(name: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!("alpr-audit-{}-{name}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&p);
        p
    }

    #[test]
    fn reopens_and_continues_the_chain() {
        let p = temp("reopen");
        let mut log = AuditLog::open(FileStore::open(&p).unwrap().with_sync(false)).unwrap();
        for i in 0..5 {
            log.append(record(i)).unwrap();
        }
        let head = log.head();
        drop(log);
        let mut log = AuditLog::open(FileStore::open(&p).unwrap()).unwrap();
        assert_eq!(log.head(), head);
        log.append(record(5)).unwrap();
        assert_eq!(log.verify(Some(&head)).unwrap().sequence, 6);
        let _ = std::fs::remove_file(&p);
    }

    /// Flipping any single byte of a 100-record file, deleting, inserting or swapping any line is
    /// detected; cutting the tail is detected against the head.
    #[test]
    fn every_byte_flip_and_line_edit_is_detected() {
        let p = temp("flip");
        let mut log = AuditLog::open(FileStore::open(&p).unwrap().with_sync(false)).unwrap();
        for i in 0..100 {
            log.append(record(i)).unwrap();
        }
        let head = log.head();
        drop(log);
        let good = std::fs::read(&p).unwrap();
        // The file store's own reading path, on bytes in memory (writing 30,000 files is slow).
        let check = |bytes: &[u8]| -> Code {
            if bytes.last() != Some(&b'\n') {
                return Code::AuditTornRecord; // what FileStore::open reports
            }
            verify_store(&Bytes(bytes), Some(&head)).map_or_else(|e| e.code(), |_| Code::InvalidArgument)
        };
        assert_eq!(check(&good), Code::InvalidArgument, "the untouched copy verifies");
        // Flipping byte i touches one line k. Verification reads lines in order and stops at the
        // first failure, and lines before k are byte for byte those of the good file (which
        // verifies), so checking the flipped file from line k on, with the chain state after line
        // k - 1, is the same as checking the whole file; it keeps this test fast in debug builds.
        let lines: Vec<&[u8]> = good.split_inclusive(|&c| c == b'\n').collect();
        let mut heads = vec![Head::default()];
        verify_store(&Bytes(&good), None).unwrap();
        scan_bytes(&good, &mut |e| {
            heads.push(Head {
                sequence: e.sequence,
                hash: e.hash,
            });
            Ok(())
        })
        .unwrap();
        let mut offset = 0;
        let mut flips = 0;
        for (k, line) in lines.iter().enumerate() {
            let rest = &good[offset..];
            for j in 0..line.len() {
                let mut b = rest.to_vec();
                // Alternate between a one-bit flip and an arbitrary replacement.
                b[j] = if j % 2 == 0 {
                    b[j] ^ 0x01
                } else {
                    b[j].wrapping_add(0x2b)
                };
                let code = if b.last() == Some(&b'\n') {
                    verify_from(&Bytes(&b), heads[k], Some(&head)).map_or_else(|e| e.code(), |_| Code::InvalidArgument)
                } else {
                    Code::AuditTornRecord
                };
                assert!(
                    matches!(code, Code::AuditChainBroken | Code::AuditTornRecord),
                    "byte {} flipped: {code}",
                    offset + j
                );
                flips += 1;
            }
            offset += line.len();
        }
        assert_eq!(flips, good.len());
        for i in 0..lines.len() {
            let mut l = lines.clone();
            l.remove(i);
            let want = if i == 99 {
                Code::AuditTruncated
            } else {
                Code::AuditChainBroken
            };
            assert_eq!(check(&l.concat()), want, "line {i} deleted");
            let mut l = lines.clone();
            l.insert(i, lines[i]);
            assert_eq!(check(&l.concat()), Code::AuditChainBroken, "line {i} duplicated");
            if i + 1 < lines.len() {
                let mut l = lines.clone();
                l.swap(i, i + 1);
                assert_eq!(
                    check(&l.concat()),
                    Code::AuditChainBroken,
                    "lines {i} and {} swapped",
                    i + 1
                );
            }
        }
        // A torn last line (a crash mid-write) is never accepted.
        let torn = &good[..good.len() - 10];
        assert_eq!(check(torn), Code::AuditTornRecord);
        let e = verify_store(&Bytes(torn), None).unwrap_err();
        assert_eq!((e.code(), e.position().index), (Code::AuditTornRecord, Some(99)));
        // And through the file: opening it refuses the torn tail.
        std::fs::write(&p, torn).unwrap();
        assert_eq!(FileStore::open(&p).unwrap_err().code(), Code::AuditTornRecord);
        let _ = std::fs::remove_file(&p);
    }
}
