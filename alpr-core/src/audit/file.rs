//! An append-only audit file: one JSON line per entry, `{"sequence":…,"hash":"…","record":{…}}`.
//!
//! This is the one place where `alpr-core` does I/O (see DESIGN.md): an audit trail that only
//! lives in memory is the "logs that vanished with a vendor trial" the order was written against.
//! It stays behind the [`AuditStore`] trait, so the rest of the core never touches a file.
//!
//! One writer at a time: [`FileStore::open`] takes an exclusive lock on the file (`flock` on Unix,
//! `LockFileEx` on Windows) for as long as the store lives; a second writer, in another process or
//! through another handle in the same one, gets `audit_locked`, never a fork of the chain. The lock
//! is advisory, so before each append the store also checks that the file is exactly as it left
//! it (length, modification time, its last bytes, and on Unix that the path still names the same
//! file) and refuses with `audit_file_changed` otherwise.
//!
//! Crash safety: each entry is written with one positioned write of the whole line, then
//! `fdatasync` (unless turned off). A crash mid-write leaves an incomplete last line; it is
//! reported as `audit_torn_record` when the file is opened or scanned, never silently accepted or
//! dropped. [`FileStore::open_for_recovery`] with [`AuditLog::recover`] cuts such a tail and
//! writes, in its place, a record of what was cut. Every line must re-encode to exactly its bytes,
//! so any edit that still parses is also found.
//!
//! Reading streams: a scan holds one line at a time (at most [`MAX_LINE_BYTES`]), so opening or
//! verifying a log of any length takes bounded memory; only regular files are accepted.
//!
//! [`AuditLog::recover`]: super::AuditLog::recover

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use super::{AuditEntry, AuditRecord, AuditStore, TornTail, parse_hash};
use crate::error::{Code, Error, Result};

/// The longest line (one record, newline included) an audit file may hold: 1 MiB. Appends of a
/// longer record fail; a longer line in a file is `audit_chain_broken` (this library never wrote
/// it).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// How many bytes at the end of the file the writer remembers and compares before each append.
const TAIL_BYTES: usize = 256;

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

// Positioned I/O: no shared file offset, so scans through `&self` never disturb each other.
#[cfg(unix)]
fn read_at(f: &File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(f, buf, at)
}
#[cfg(unix)]
fn write_all_at(f: &File, buf: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(f, buf, at)
}
#[cfg(windows)]
fn read_at(f: &File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(f, buf, at)
}
#[cfg(windows)]
fn write_all_at(f: &File, mut buf: &[u8], mut at: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_write(f, buf, at) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                buf = &buf[n..];
                at += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
#[cfg(not(any(unix, windows)))]
fn read_at(mut f: &File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    use std::io::{Seek, SeekFrom};
    f.seek(SeekFrom::Start(at))?;
    f.read(buf)
}
#[cfg(not(any(unix, windows)))]
fn write_all_at(mut f: &File, buf: &[u8], at: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    f.seek(SeekFrom::Start(at))?;
    f.write_all(buf)
}

fn read_exact_at(f: &File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match read_at(f, buf, at) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                at += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Reads `[pos, end)` of a file through positioned reads.
struct Span<'a> {
    file: &'a File,
    pos: u64,
    end: u64,
}

impl Read for Span<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = usize::try_from(self.end.saturating_sub(self.pos)).map_or(buf.len(), |left| left.min(buf.len()));
        if want == 0 {
            return Ok(0);
        }
        let n = read_at(self.file, &mut buf[..want], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// The file's identity (device, inode) on Unix, to notice a path that now names another file.
#[cfg(unix)]
#[allow(clippy::unnecessary_wraps)] // `None` on other platforms
fn identity(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}
#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// An append-only audit file (see the module documentation). Holds the file's exclusive lock for
/// as long as it lives.
pub struct FileStore {
    path: PathBuf,
    file: File,
    /// The length of the file as this writer left it: the end of its last complete line.
    len: u64,
    /// The file's modification time as this writer left it (`None`: not known, not compared).
    modified: Option<SystemTime>,
    /// The last bytes of the file as this writer left it (up to `TAIL_BYTES`).
    tail: Vec<u8>,
    /// (device, inode) of the open file, on Unix.
    id: Option<(u64, u64)>,
    sync: bool,
    /// An incomplete last line set aside by `open_for_recovery`; the next append replaces it.
    torn: Option<TornTail>,
    /// A failed write could not be undone: refuse further appends (reopen and recover).
    wedged: bool,
}

impl std::fmt::Debug for FileStore {
    // Not derived: the remembered tail holds record text (users, query terms).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("path", &self.path)
            .field("len", &self.len)
            .field("sync", &self.sync)
            .field("torn", &self.torn)
            .field("wedged", &self.wedged)
            .finish_non_exhaustive()
    }
}

impl FileStore {
    /// Opens (creating if missing) an audit file for appending, and takes its exclusive lock.
    ///
    /// # Errors
    /// `audit_locked` when another writer holds the file; `audit_torn_record` when its last line
    /// is incomplete (see [`FileStore::open_for_recovery`]); `io` when it cannot be opened or
    /// locked, or is not a regular file.
    pub fn open(path: impl AsRef<Path>) -> Result<FileStore> {
        let store = FileStore::open_locked(path.as_ref())?;
        if store.len > 0 && store.tail.last() != Some(&b'\n') {
            return Err(Error::new(Code::AuditTornRecord).with_detail("audit file ends inside a record"));
        }
        Ok(store)
    }

    /// Opens like [`FileStore::open`], but an incomplete last line (a crash mid-write) is not
    /// refused: it is set aside, reported by [`AuditStore::torn_tail`], and replaced by the record
    /// that [`AuditLog::recover`](super::AuditLog::recover) writes. Until then the store refuses
    /// every other append, and scans stop before the torn bytes.
    ///
    /// # Errors
    /// As [`FileStore::open`], without `audit_torn_record`.
    pub fn open_for_recovery(path: impl AsRef<Path>) -> Result<FileStore> {
        let mut store = FileStore::open_locked(path.as_ref())?;
        if store.len == 0 || store.tail.last() == Some(&b'\n') {
            return Ok(store);
        }
        // Find the last newline, reading backwards in bounded chunks.
        let total = store.len;
        let mut good = 0u64;
        let mut chunk = vec![0u8; 64 * 1024];
        let mut end = total;
        while end > 0 {
            let start = end.saturating_sub(chunk.len() as u64);
            let buf = &mut chunk[..(end - start) as usize];
            read_exact_at(&store.file, buf, start).map_err(|e| io(&e))?;
            if let Some(i) = buf.iter().rposition(|&b| b == b'\n') {
                good = start + i as u64 + 1;
                break;
            }
            end = start;
        }
        // Fingerprint what will be cut (streamed; the bytes themselves may hold personal data
        // and are not copied into the record).
        let mut h = Sha256::new();
        let mut span = Span {
            file: &store.file,
            pos: good,
            end: total,
        };
        loop {
            let n = span.read(&mut chunk).map_err(|e| io(&e))?;
            if n == 0 {
                break;
            }
            h.update(&chunk[..n]);
        }
        store.torn = Some(TornTail {
            bytes: total - good,
            sha256: h.finalize().into(),
        });
        store.len = good;
        store.tail = store.read_tail(good)?;
        Ok(store)
    }

    fn open_locked(path: &Path) -> Result<FileStore> {
        let not_regular = || Error::new(Code::Io).with_detail("audit file is not a regular file");
        // Refuse a FIFO, a device or a directory before opening it (opening some of them blocks,
        // reading others never ends); the opened file is checked again below.
        let existed = match std::fs::metadata(path) {
            Ok(m) if !m.is_file() => return Err(not_regular()),
            Ok(_) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(io(&e)),
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| io(&e))?;
        let meta = file.metadata().map_err(|e| io(&e))?;
        if !meta.is_file() {
            return Err(not_regular());
        }
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::new(Code::AuditLocked).with_detail("another writer holds the audit file"));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::new(Code::Io).with_detail(format!("audit file cannot be locked: {}", e.kind())));
            }
        }
        if !existed {
            // Make the new file's name durable too, not only its contents.
            sync_parent(path);
        }
        // Re-read after locking: a writer that held the lock until now may have appended.
        let meta = file.metadata().map_err(|e| io(&e))?;
        let mut store = FileStore {
            path: path.to_path_buf(),
            file,
            len: meta.len(),
            modified: meta.modified().ok(),
            tail: Vec::new(),
            id: identity(&meta),
            sync: true,
            torn: None,
            wedged: false,
        };
        store.tail = store.read_tail(store.len)?;
        Ok(store)
    }

    /// The up to `TAIL_BYTES` bytes before `end`.
    fn read_tail(&self, end: u64) -> Result<Vec<u8>> {
        let start = end.saturating_sub(TAIL_BYTES as u64);
        let mut tail = vec![0u8; (end - start) as usize];
        read_exact_at(&self.file, &mut tail, start).map_err(|e| io(&e))?;
        Ok(tail)
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

    /// Checks that the file is exactly as this writer left it.
    fn check_unchanged(&self) -> Result<()> {
        let changed = |what: &str| {
            Error::new(Code::AuditFileChanged)
                .with_detail(format!("audit file changed since this writer's last append: {what}"))
        };
        let meta = self.file.metadata().map_err(|e| io(&e))?;
        let expected = self.len + self.torn.map_or(0, |t| t.bytes);
        if meta.len() != expected {
            return Err(changed(if meta.len() > expected { "it grew" } else { "it shrank" }));
        }
        if self.modified.is_some() && meta.modified().ok() != self.modified {
            return Err(changed("its modification time differs"));
        }
        if self.id.is_some() {
            let now = std::fs::metadata(&self.path).ok();
            if now.as_ref().and_then(identity) != self.id {
                return Err(changed("its path no longer names this file"));
            }
        }
        let mut tail = vec![0u8; self.tail.len()];
        read_exact_at(&self.file, &mut tail, self.len - self.tail.len() as u64).map_err(|e| io(&e))?;
        if tail != self.tail {
            return Err(changed("its last bytes differ"));
        }
        Ok(())
    }
}

#[cfg(unix)]
fn sync_parent(path: &Path) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // Best effort: if this fails, the name may not survive a crash, and the next open creates the
    // file anew; the records already appended were synced with their file.
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
}
#[cfg(not(unix))]
fn sync_parent(_: &Path) {}

impl AuditStore for FileStore {
    fn append(&mut self, entry: &AuditEntry) -> Result<()> {
        if self.wedged {
            return Err(Error::new(Code::AuditWriteFailed)
                .with_detail("an earlier failed write could not be undone; reopen the file for recovery"));
        }
        let line = encode(entry)?;
        if line.len() > MAX_LINE_BYTES {
            return Err(Error::new(Code::InvalidArgument).with_detail("audit record longer than 1 MiB"));
        }
        self.check_unchanged()?;
        let at = self.len;
        let end = at + line.len() as u64;
        let written = write_all_at(&self.file, line.as_bytes(), at)
            .and_then(|()| {
                if self.torn.is_some() {
                    // The record replaces the torn tail: cut what is left of it.
                    self.file.set_len(end)
                } else {
                    Ok(())
                }
            })
            .and_then(|()| if self.sync { self.file.sync_data() } else { Ok(()) });
        if let Err(e) = written {
            if self.torn.is_some() {
                // Part of the torn tail may be overwritten now; leave the file as it is (torn
                // again) for the next recovery to record.
                self.wedged = true;
            } else if self.file.set_len(at).is_err() {
                // Cutting back is safe: this writer holds the lock and checked, before writing,
                // that the file ended where it left it. If the cut fails, the torn line is
                // reported at the next open.
                self.wedged = true;
            } else {
                self.modified = self.file.metadata().ok().and_then(|m| m.modified().ok());
            }
            return Err(io(&e));
        }
        self.len = end;
        self.torn = None;
        let keep = TAIL_BYTES.saturating_sub(line.len()).min(self.tail.len());
        self.tail.drain(..self.tail.len() - keep);
        self.tail
            .extend_from_slice(&line.as_bytes()[line.len().saturating_sub(TAIL_BYTES)..]);
        // Not knowing the new time only skips that one comparison at the next append.
        self.modified = self.file.metadata().ok().and_then(|m| m.modified().ok());
        Ok(())
    }

    fn scan(&self, visit: &mut dyn FnMut(&AuditEntry) -> Result<()>) -> Result<()> {
        // Up to the file's current end, so that verification sees what another program added;
        // with a torn tail set aside, up to the last complete line.
        let end = if self.torn.is_some() {
            self.len
        } else {
            self.file.metadata().map_err(|e| io(&e))?.len()
        };
        scan_reader(
            Span {
                file: &self.file,
                pos: 0,
                end,
            },
            visit,
        )
    }

    fn torn_tail(&self) -> Option<TornTail> {
        self.torn
    }
}

/// Scans audit lines from a reader, one line in memory at a time (see [`AuditStore::scan`]).
fn scan_reader(r: impl Read, visit: &mut dyn FnMut(&AuditEntry) -> Result<()>) -> Result<()> {
    let mut r = BufReader::with_capacity(64 * 1024, r);
    let mut line = Vec::with_capacity(1024);
    let mut index = 0u64;
    loop {
        line.clear();
        let n = (&mut r)
            .take(MAX_LINE_BYTES as u64)
            .read_until(b'\n', &mut line)
            .map_err(|e| io(&e))?;
        let at = u32::try_from(index).unwrap_or(u32::MAX);
        if n == 0 {
            return Ok(());
        }
        let broken = |what: &str| {
            Error::new(Code::AuditChainBroken)
                .at_index(at)
                .at_line(at.saturating_add(1))
                .with_detail(format!("record {index}: {what}"))
        };
        if line.last() != Some(&b'\n') {
            if n < MAX_LINE_BYTES {
                return Err(Error::new(Code::AuditTornRecord)
                    .at_index(at)
                    .at_line(at.saturating_add(1))
                    .with_detail("incomplete last audit record"));
            }
            return Err(broken("line longer than 1 MiB"));
        }
        let text = &line[..n - 1];
        let parsed: LineIn = serde_json::from_slice(text).map_err(|_| broken("line does not parse"))?;
        let entry = AuditEntry {
            sequence: parsed.sequence,
            hash: parse_hash(&parsed.hash).ok_or_else(|| broken("hash is not 64 hex digits"))?,
            record: parsed.record,
        };
        let again = encode(&entry)?;
        if again.as_bytes() != &line[..] {
            return Err(broken("line is not in canonical form"));
        }
        visit(&entry)?;
        index += 1;
    }
}

/// Scans the bytes of an audit file (see [`AuditStore::scan`]).
#[cfg(test)]
pub(crate) fn scan_bytes(bytes: &[u8], visit: &mut dyn FnMut(&AuditEntry) -> Result<()>) -> Result<()> {
    scan_reader(bytes, visit)
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
