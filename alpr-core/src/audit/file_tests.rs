//! Fault tests of the audit file store: tampering (with and without the agency key), two writers
//! (threads and processes), `kill -9` in an append loop, a cut at every byte of the last record.

use std::num::NonZeroU64;
use std::sync::{Arc, Mutex};

use super::super::tests::record;
use super::super::{AuditKey, AuditLog, Head, RECOVERY_ACTION, verify_from, verify_store, verify_store_keyed};
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

/// Tests that spawn a child process run alone: between fork and exec a child shares every open
/// file of this process, locks included, so a test elsewhere that closes and reopens its file at
/// that moment would find it `audit_locked` (the lock is released at the child's exec).
static FORKS: std::sync::RwLock<()> = std::sync::RwLock::new(());

enum Guard {
    Shared(#[allow(dead_code)] std::sync::RwLockReadGuard<'static, ()>),
    Alone(#[allow(dead_code)] std::sync::RwLockWriteGuard<'static, ()>),
    /// A second file of a test that already holds a guard (a nested read could deadlock).
    Held,
}

/// A temporary file path, removed at the end of the test.
struct Temp {
    path: PathBuf,
    _guard: Guard,
}

impl std::ops::Deref for Temp {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for Temp {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn temp_with(name: &str, guard: Guard) -> Temp {
    let path = std::env::temp_dir().join(format!("alpr-audit-{}-{name}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    Temp { path, _guard: guard }
}

fn temp(name: &str) -> Temp {
    temp_with(
        name,
        Guard::Shared(FORKS.read().unwrap_or_else(std::sync::PoisonError::into_inner)),
    )
}

/// A second temporary file, for a test that already holds one.
fn temp_also(name: &str) -> Temp {
    temp_with(name, Guard::Held)
}

/// A temporary file for a test that spawns children (see `FORKS`).
fn temp_alone(name: &str) -> Temp {
    temp_with(
        name,
        Guard::Alone(FORKS.write().unwrap_or_else(std::sync::PoisonError::into_inner)),
    )
}

fn key() -> AuditKey {
    AuditKey::new(b"agency secret key, 32 bytes long").unwrap()
}

fn open_log(p: &Path, key: Option<&AuditKey>) -> Result<AuditLog<FileStore>> {
    let s = FileStore::open(p)?.with_sync(false);
    match key {
        Some(k) => AuditLog::open_keyed(s, k.clone()),
        None => AuditLog::open(s),
    }
}

fn write_log(p: &Path, n: u64, key: Option<&AuditKey>) -> Head {
    let mut log = open_log(p, key).unwrap();
    for i in 0..n {
        log.append(record(i)).unwrap();
    }
    log.head()
}

fn code<T>(r: Result<T>) -> Code {
    r.map_or_else(|e| e.code(), |_| Code::InvalidArgument)
}

fn recover(p: &Path, key: Option<&AuditKey>, at: u64) -> Result<(AuditLog<FileStore>, Option<super::super::Recovery>)> {
    let s = FileStore::open_for_recovery(p)?.with_sync(false);
    let mut log = match key {
        Some(k) => AuditLog::open_keyed(s, k.clone())?,
        None => AuditLog::open(s)?,
    };
    let time = log.last_time().map_or(record(at).time, |t| t.max(record(at).time));
    let r = log.recover(time, "admin", "SPD")?;
    Ok((log, r))
}

/// A record one second after the log's last (or `record(0)` for an empty log).
fn next<S: AuditStore>(log: &AuditLog<S>) -> AuditRecord {
    let mut r = record(log.head().sequence);
    if let Some(t) = log.last_time() {
        r.time = t + chrono::Duration::seconds(1);
    }
    r
}

#[test]
fn reopens_and_continues_the_chain() {
    let p = temp("reopen");
    let head = write_log(&p, 5, None);
    let mut log = AuditLog::open(FileStore::open(&p).unwrap()).unwrap();
    assert_eq!(log.head(), head);
    assert_eq!(log.last_time(), Some(record(4).time));
    log.append(record(5)).unwrap();
    // Boxed (as the skins keep memory and file logs alike), it is the same log.
    let mut log = log.boxed();
    assert_eq!((log.head().sequence, log.last_time()), (6, Some(record(5).time)));
    log.append(record(6)).unwrap();
    assert_eq!(log.verify(Some(&head)).unwrap().sequence, 7);
    drop(log);
    let _ = std::fs::remove_file(&p);
}

/// Flipping any single byte of a 100-record file, deleting, inserting or swapping any line is
/// detected, with and without the agency key; cutting the tail is detected against the head.
#[test]
fn every_byte_flip_and_line_edit_is_detected() {
    for keyed in [false, true] {
        let k = key();
        let key = keyed.then_some(&k);
        let p = temp(if keyed { "flip-keyed" } else { "flip" });
        let head = write_log(&p, 100, key);
        let good = std::fs::read(&p).unwrap();
        let verify = |store: &Bytes<'_>, start: Head| verify_from(store, key, start, Some(&head));
        // The file store's own reading path, on bytes in memory (writing 30,000 files is slow).
        let check = |bytes: &[u8]| -> Code {
            if bytes.last() != Some(&b'\n') {
                return Code::AuditTornRecord; // what FileStore::open reports
            }
            code(verify(&Bytes(bytes), Head::default()))
        };
        assert_eq!(check(&good), Code::InvalidArgument, "the untouched copy verifies");
        // Flipping byte i touches one line k. Verification reads lines in order and stops at the
        // first failure, and lines before k are byte for byte those of the good file (which
        // verifies), so checking the flipped file from line k on, with the chain state after line
        // k - 1, is the same as checking the whole file; it keeps this test fast in debug builds.
        let lines: Vec<&[u8]> = good.split_inclusive(|&c| c == b'\n').collect();
        let mut heads = vec![Head::default()];
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
                    code(verify(&Bytes(&b), heads[k]))
                } else {
                    Code::AuditTornRecord
                };
                assert!(
                    matches!(code, Code::AuditChainBroken | Code::AuditTornRecord),
                    "byte {} flipped (keyed: {keyed}): {code}",
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
                    "lines {i}, {} swapped",
                    i + 1
                );
            }
        }
        // A torn last line (a crash mid-write) is never accepted.
        let torn = &good[..good.len() - 10];
        let e = verify(&Bytes(torn), Head::default()).unwrap_err();
        assert_eq!((e.code(), e.position().index), (Code::AuditTornRecord, Some(99)));
        std::fs::write(&p, torn).unwrap();
        assert_eq!(FileStore::open(&p).unwrap_err().code(), Code::AuditTornRecord);
        let _ = std::fs::remove_file(&p);
    }
}

/// A chain rebuilt with the library itself (a denial dropped, a user changed) verifies as an
/// unkeyed chain, which is why the key exists: under the key it fails, and so does a keyed log
/// read without its key or with another.
#[test]
fn a_rebuilt_chain_fails_under_the_key() {
    let p = temp("rebuilt");
    let k = key();
    let head = write_log(&p, 20, Some(&k));
    // Rebuild: read the records back, drop the first denial (record 0), rename a user.
    let mut records = Vec::new();
    scan_bytes(&std::fs::read(&p).unwrap(), &mut |e| {
        records.push(e.record.clone());
        Ok(())
    })
    .unwrap();
    records.remove(0);
    records[3].user = "someone_else".into();
    let forged = temp_also("rebuilt-forged");
    {
        let mut log = open_log(&forged, None).unwrap();
        for r in records {
            log.append(r).unwrap();
        }
    }
    let bytes = std::fs::read(&forged).unwrap();
    assert!(
        verify_store(&Bytes(&bytes), None).is_ok(),
        "without the key, a rebuilt chain verifies"
    );
    let e = verify_store_keyed(&Bytes(&bytes), &k, None).unwrap_err();
    assert_eq!((e.code(), e.position().index), (Code::AuditChainBroken, Some(0)));
    assert_eq!(code(open_log(&forged, Some(&k))), Code::AuditChainBroken);
    // The genuine keyed log: opens under its key only.
    assert_eq!(open_log(&p, Some(&k)).unwrap().verify(Some(&head)).unwrap(), head);
    assert_eq!(code(open_log(&p, None)), Code::AuditChainBroken);
    let other = AuditKey::new(b"another agency's key, not ours!!").unwrap();
    assert_eq!(code(open_log(&p, Some(&other))), Code::AuditChainBroken);
    // Keys: too short is refused, and Debug never shows the secret.
    assert_eq!(code(AuditKey::new(b"short")), Code::InvalidArgument);
    assert_eq!(format!("{k:?}"), "AuditKey(..)");
    let log = open_log(&p, Some(&k)).unwrap();
    let shown = format!("{log:?}");
    assert!(
        shown.contains("keyed: true") && !shown.contains("tail") && !shown.contains("buf"),
        "{shown}"
    );
    drop(log);
    let _ = std::fs::remove_file(&p);
    let _ = std::fs::remove_file(&forged);
}

#[test]
fn a_second_writer_is_locked_out() {
    let p = temp("locked");
    let mut first = open_log(&p, None).unwrap();
    first.append(record(0)).unwrap();
    // A second handle in the same process, plain or for recovery.
    assert_eq!(FileStore::open(&p).unwrap_err().code(), Code::AuditLocked);
    assert_eq!(FileStore::open_for_recovery(&p).unwrap_err().code(), Code::AuditLocked);
    first.append(record(1)).unwrap();
    drop(first);
    let mut second = open_log(&p, None).unwrap();
    assert_eq!(second.head().sequence, 2);
    second.append(record(2)).unwrap();
    drop(second);
    let _ = std::fs::remove_file(&p);
}

/// Four threads, each with its own handle, write 50 records each: they take turns on the lock,
/// and the file holds one chain of 200 records.
#[test]
fn concurrent_writer_threads_take_turns() {
    let file = temp("threads");
    let p = Arc::new(file.to_path_buf());
    let locked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (p, locked) = (Arc::clone(&p), Arc::clone(&locked));
            std::thread::spawn(move || {
                let mut log = loop {
                    match open_log(&p, None) {
                        Ok(log) => break log,
                        Err(e) if e.code() == Code::AuditLocked => {
                            locked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            std::thread::sleep(std::time::Duration::from_millis(1));
                        }
                        Err(e) => panic!("open: {e}"),
                    }
                };
                for _ in 0..50 {
                    // The time comes from the chain, so that records stay in time order.
                    let n = log.head().sequence;
                    log.append(record(n)).unwrap();
                    std::thread::yield_now();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let log = open_log(&p, None).unwrap();
    assert_eq!(log.verify(None).unwrap().sequence, 200);
    drop(log);
    let _ = std::fs::remove_file(&*p);
}

/// Anything that changes the file behind the writer's back stops its next append.
#[test]
fn a_file_changed_behind_the_writer_is_refused() {
    use std::io::Write;
    let p = temp("changed");
    let mut log = open_log(&p, None).unwrap();
    for i in 0..3 {
        log.append(record(i)).unwrap();
    }
    let good = std::fs::read(&p).unwrap();
    let head = log.head();
    let refused = |log: &mut AuditLog<FileStore>, what: &str| {
        let e = log.append(record(9)).unwrap_err();
        assert_eq!(e.code(), Code::AuditFileChanged, "{what}: {e}");
        assert_eq!(log.head(), head, "{what}: head unchanged");
    };
    // Another program appends (the lock is advisory).
    let mut other = OpenOptions::new().append(true).open(&p).unwrap();
    other.write_all(b"{}\n").unwrap();
    refused(&mut log, "appended");
    // Cut back: a shorter file.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .unwrap()
        .set_len(good.len() as u64 - 5)
        .unwrap();
    refused(&mut log, "truncated");
    // Same length, last bytes changed (and the time set back to what it was).
    let mut edited = good.clone();
    let n = edited.len();
    edited[n - 4] ^= 1;
    std::fs::write(&p, &edited).unwrap();
    let f = File::options().write(true).open(&p).unwrap();
    f.set_modified(log.store().modified.unwrap()).unwrap();
    refused(&mut log, "last bytes edited");
    // Restored byte for byte, but its time differs.
    std::fs::write(&p, &good).unwrap();
    refused(&mut log, "modification time");
    f.set_modified(log.store().modified.unwrap()).unwrap();
    log.append(record(3)).unwrap();
    // Replaced: another file renamed over the path (its lock would be another file's lock).
    #[cfg(unix)]
    {
        let head = log.head();
        let copy = temp_also("changed-copy");
        std::fs::copy(&p, &copy).unwrap();
        std::fs::rename(&copy, &p).unwrap();
        let e = log.append(record(9)).unwrap_err();
        assert_eq!((e.code(), log.head()), (Code::AuditFileChanged, head));
        assert!(e.to_string().contains("path"), "{e}");
    }
    drop(log);
    let _ = std::fs::remove_file(&p);
}

#[test]
fn appends_keep_time_order() {
    let p = temp("time");
    let mut log = open_log(&p, None).unwrap();
    log.append(record(5)).unwrap();
    log.append(record(5)).unwrap(); // the same time is fine
    let e = log.append(record(4)).unwrap_err();
    assert_eq!((e.code(), e.position().index), (Code::TimeRegression, Some(2)));
    assert_eq!(log.head().sequence, 2);
    // Within the same millisecond counts as the same time.
    let mut r = record(5);
    r.time += chrono::Duration::microseconds(999);
    log.append(r).unwrap();
    drop(log);
    // The order holds across a reopen: the last time is read back from the file.
    let mut log = open_log(&p, None).unwrap();
    assert_eq!(log.append(record(0)).unwrap_err().code(), Code::TimeRegression);
    log.append(record(6)).unwrap();
    drop(log);
    let _ = std::fs::remove_file(&p);
}

#[test]
fn only_regular_files_are_opened() {
    let dir = std::env::temp_dir();
    assert_eq!(FileStore::open(&dir).unwrap_err().code(), Code::Io);
    #[cfg(unix)]
    {
        // An endless source is refused before a byte is read.
        for dev in ["/dev/zero", "/dev/urandom"] {
            let e = FileStore::open(dev).unwrap_err();
            assert_eq!(e.code(), Code::Io);
            assert!(e.to_string().contains("regular"), "{e}");
        }
        let fifo = temp_alone("fifo"); // spawns mkfifo
        if std::process::Command::new("mkfifo")
            .arg(&*fifo)
            .status()
            .is_ok_and(|s| s.success())
        {
            assert_eq!(FileStore::open(&fifo).unwrap_err().code(), Code::Io);
            let _ = std::fs::remove_file(&fifo);
        }
    }
}

#[test]
fn overlong_lines_are_refused() {
    let p = temp("long");
    let mut log = open_log(&p, None).unwrap();
    let mut r = record(0);
    r.details.insert("big".into(), "x".repeat(MAX_LINE_BYTES));
    let e = log.append(r).unwrap_err();
    assert_eq!((e.code(), log.head().sequence), (Code::AuditWriteFailed, 0));
    log.append(record(1)).unwrap();
    drop(log);
    // A line longer than the limit in the file is refused without reading it whole.
    let mut bytes = std::fs::read(&p).unwrap();
    bytes.extend(std::iter::repeat_n(b' ', MAX_LINE_BYTES + 10));
    bytes.push(b'\n');
    let e = verify_store(&Bytes(&bytes), None).unwrap_err();
    assert_eq!((e.code(), e.position().index), (Code::AuditChainBroken, Some(1)));
    let _ = std::fs::remove_file(&p);
}

/// Cut the file at every byte of its last record: each cut is either a shorter chain (caught
/// against the head) or a torn tail that recovery cuts, recording how many bytes and after which
/// sequence; the log then continues, and the old head no longer matches.
#[test]
fn truncation_at_every_byte_of_the_last_record() {
    for keyed in [false, true] {
        let k = key();
        let key = keyed.then_some(&k);
        let p = temp(if keyed { "cut-keyed" } else { "cut" });
        let head = write_log(&p, 3, key);
        let good = std::fs::read(&p).unwrap();
        let last_start = good[..good.len() - 1].iter().rposition(|&b| b == b'\n').unwrap() + 1;
        for cut in last_start..good.len() {
            std::fs::write(&p, &good[..cut]).unwrap();
            let torn = (cut - last_start) as u64;
            if torn == 0 {
                let log = open_log(&p, key).unwrap();
                assert_eq!(code(log.verify(Some(&head))), Code::AuditTruncated);
                drop(log);
                let (_, r) = recover(&p, key, 20).unwrap();
                assert_eq!(r, None, "a clean file needs no recovery");
                continue;
            }
            assert_eq!(code(open_log(&p, key)), Code::AuditTornRecord, "cut at {cut}");
            let (mut log, r) = recover(&p, key, 20).unwrap();
            let r = r.unwrap();
            assert_eq!((r.cut_bytes, r.last_good_sequence), (torn, 2), "cut at {cut}");
            let cut_sha: [u8; 32] = Sha256::digest(&good[last_start..cut]).into();
            assert_eq!(r.cut_sha256, cut_sha);
            assert_eq!(r.head, log.head());
            assert_eq!(r.head.sequence, 3);
            // The record says what was cut.
            let mut last = None;
            log.scan(&mut |e| {
                last = Some(e.record.clone());
                Ok(())
            })
            .unwrap();
            let last = last.unwrap();
            assert_eq!(last.action, RECOVERY_ACTION);
            assert_eq!(last.details["cut_bytes"], torn.to_string());
            assert_eq!(last.details["last_good_sequence"], "2");
            assert_eq!(last.details["cut_sha256"], crate::audit::hex(&cut_sha));
            // The cut is caught against the old head; the log continues.
            let e = log.verify(Some(&head)).unwrap_err();
            assert_eq!((e.code(), e.position().index), (Code::AuditChainBroken, Some(2)));
            log.append(record(21)).unwrap();
            assert_eq!(log.verify(None).unwrap().sequence, 4);
            drop(log);
            assert_eq!(open_log(&p, key).unwrap().head().sequence, 4);
        }
        let _ = std::fs::remove_file(&p);
    }
}

#[test]
fn recovery_refuses_what_is_not_a_torn_tail() {
    let p = temp("recover-refuse");
    write_log(&p, 5, None);
    let good = std::fs::read(&p).unwrap();
    // A changed record before the tail: recovery does not cut anything, it refuses.
    let mut bad = good.clone();
    let i = bad.iter().position(|&b| b == b'u').unwrap();
    bad[i + 1] ^= 1;
    bad.extend_from_slice(b"{\"seq");
    std::fs::write(&p, &bad).unwrap();
    assert_eq!(code(recover(&p, None, 9)), Code::AuditChainBroken);
    assert_eq!(std::fs::read(&p).unwrap(), bad, "nothing was cut");
    // A torn tail after a good chain: no other append before the recovery record.
    let mut torn = good.clone();
    torn.extend_from_slice(b"{\"seq");
    std::fs::write(&p, &torn).unwrap();
    let mut log = AuditLog::open(FileStore::open_for_recovery(&p).unwrap()).unwrap();
    assert_eq!(log.head().sequence, 5);
    assert_eq!(log.append(record(9)).unwrap_err().code(), Code::AuditTornRecord);
    // The recovery record is in time order too.
    assert_eq!(code(log.recover(record(0).time, "admin", "SPD")), Code::TimeRegression);
    assert_eq!(std::fs::read(&p).unwrap(), torn);
    assert_eq!(
        log.recover(record(9).time, "admin", "SPD").unwrap().unwrap().cut_bytes,
        5
    );
    log.append(record(10)).unwrap();
    drop(log);
    // A file of nothing but a torn line.
    std::fs::write(&p, b"{\"sequence\":1,").unwrap();
    let (log, r) = recover(&p, None, 0).unwrap();
    assert_eq!((r.unwrap().last_good_sequence, log.head().sequence), (0, 1));
    drop(log);
    let _ = std::fs::remove_file(&p);
}

#[test]
fn heads_are_exported_on_a_cadence() {
    let p = temp("export");
    let exported = Arc::new(Mutex::new(Vec::new()));
    let mut log = open_log(&p, None).unwrap();
    let sink = Arc::clone(&exported);
    log.export_heads(NonZeroU64::new(10).unwrap(), move |h| sink.lock().unwrap().push(h));
    for i in 0..35 {
        log.append(record(i)).unwrap();
    }
    let heads = exported.lock().unwrap().clone();
    assert_eq!(heads.iter().map(|h| h.sequence).collect::<Vec<_>>(), [10, 20, 30]);
    log.stop_exporting_heads();
    for i in 35..45 {
        log.append(record(i)).unwrap();
    }
    assert_eq!(exported.lock().unwrap().len(), 3);
    drop(log);
    // Emptying the file is caught against the last exported head.
    std::fs::write(&p, b"").unwrap();
    let log = open_log(&p, None).unwrap();
    assert_eq!(code(log.verify(heads.last())), Code::AuditTruncated);
    drop(log);
    let _ = std::fs::remove_file(&p);
}

// ------------------------------------------------------------------------------------------------
// Processes: the test binary re-runs itself as a child (`child_process_entry`).

const CHILD_ENV: &str = "ALPR_AUDIT_TEST_CHILD";

fn spawn_child(mode: &str, path: &Path) -> std::process::Child {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "audit::file::tests::child_process_entry",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, format!("{mode}:{}", path.display()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// The child side of the process tests; does nothing unless started by one of them.
#[test]
#[ignore = "run as a child process by the process tests"]
fn child_process_entry() {
    let Ok(arg) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (mode, path) = arg.split_once(':').unwrap();
    let path = Path::new(path);
    match mode {
        "probe" => println!("CHILD:{}", code(FileStore::open(path))),
        "writer" => {
            let mut log = loop {
                match open_log(path, None) {
                    Ok(log) => break log,
                    Err(e) if e.code() == Code::AuditLocked => std::thread::sleep(std::time::Duration::from_millis(1)),
                    Err(e) => panic!("{e}"),
                }
            };
            for _ in 0..200 {
                let n = log.head().sequence;
                log.append(record(n)).unwrap();
            }
            println!("CHILD:done");
        }
        "loop" => {
            let (mut log, _) = recover(path, None, 0).unwrap();
            println!("CHILD:appending");
            loop {
                // Large records, so that a kill often lands inside a write.
                let mut r = next(&log);
                r.details.insert("pad".into(), "p".repeat(300_000));
                log.append(r).unwrap();
            }
        }
        _ => panic!("unknown child mode"),
    }
}

fn child_line(child: &mut std::process::Child) -> String {
    use std::io::BufRead;
    let out = child.stdout.as_mut().unwrap();
    let mut lines = std::io::BufReader::new(out).lines();
    lines
        .find_map(|l| Some(l.ok()?.split_once("CHILD:")?.1.to_owned()))
        .unwrap_or_default()
}

#[test]
fn a_writer_in_another_process_is_locked_out() {
    let p = temp_alone("proc-lock");
    let mut log = open_log(&p, None).unwrap();
    log.append(record(0)).unwrap();
    let mut child = spawn_child("probe", &p);
    assert_eq!(child_line(&mut child), "audit_locked");
    assert!(child.wait().unwrap().success());
    drop(log);
    let mut child = spawn_child("probe", &p);
    assert_eq!(
        child_line(&mut child),
        "invalid_argument",
        "opens once the lock is free"
    );
    child.wait().unwrap();
    let _ = std::fs::remove_file(&p);
}

/// Two processes append 200 records each to one file at the same time: one chain of 400.
#[test]
fn concurrent_writer_processes_take_turns() {
    let p = temp_alone("proc-two");
    let mut children = [spawn_child("writer", &p), spawn_child("writer", &p)];
    for c in &mut children {
        assert_eq!(child_line(c), "done");
        assert!(c.wait().unwrap().success());
    }
    let log = open_log(&p, None).unwrap();
    assert_eq!(log.verify(None).unwrap().sequence, 400);
    let mut seen = std::collections::HashSet::new();
    log.scan(&mut |e| {
        assert!(seen.insert(e.sequence), "sequence {} twice", e.sequence);
        Ok(())
    })
    .unwrap();
    drop(log);
    let _ = std::fs::remove_file(&p);
}

/// `kill -9` of a process in an append loop, three times over: each time the file opens, or has a
/// torn tail that recovery cuts and records; the chain continues across all of it.
#[test]
fn kill_9_in_an_append_loop_then_recovery() {
    let p = temp_alone("proc-kill");
    let mut recoveries = 0;
    let mut last = 0;
    for round in 0..3u64 {
        let mut child = spawn_child("loop", &p);
        assert_eq!(child_line(&mut child), "appending");
        std::thread::sleep(std::time::Duration::from_millis(150 + 37 * round));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        match open_log(&p, None) {
            Ok(mut log) => {
                log.append(next(&log)).unwrap();
                last = log.head().sequence;
            }
            Err(e) => {
                assert_eq!(e.code(), Code::AuditTornRecord, "{e}");
                let (log, r) = recover(&p, None, 0).unwrap();
                let r = r.unwrap();
                assert!(r.cut_bytes > 0 && r.last_good_sequence >= last);
                recoveries += 1;
                last = log.head().sequence;
            }
        }
    }
    let log = open_log(&p, None).unwrap();
    assert_eq!(log.verify(None).unwrap().sequence, last);
    let mut recorded = 0;
    log.scan(&mut |e| {
        recorded += usize::from(e.record.action == RECOVERY_ACTION);
        Ok(())
    })
    .unwrap();
    assert_eq!(recorded, recoveries, "every recovery is on the record");
    drop(log);
    let _ = std::fs::remove_file(&p);
}
