//! Audit-file verification (R-AUDIT) over arbitrary file contents: opening and verifying never
//! panic; a file that opens verifies to the same head, against itself as the expected head, and
//! its scan visits exactly `head.sequence` entries numbered 1, 2, ….

use alpr_core::audit::{AuditLog, FileStore};

pub(crate) fn run(data: &[u8]) {
    let dir = std::env::temp_dir();
    let path = dir.join(format!(
        "alpr-fuzz-audit-{}-{:?}.jsonl",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&path, data).expect("write the temporary audit file");
    if let Ok(store) = FileStore::open(&path)
        && let Ok(log) = AuditLog::open(store.with_sync(false))
    {
        let head = log.head();
        assert_eq!(log.verify(None).expect("an opened log verifies"), head);
        assert_eq!(log.verify(Some(&head)).expect("against its own head"), head);
        let mut n = 0u64;
        log.scan(&mut |e| {
            n += 1;
            assert_eq!(e.sequence, n, "entries are numbered from 1 without gaps");
            Ok(())
        })
        .expect("an opened log scans");
        assert_eq!(n, head.sequence);
    }
    let _ = std::fs::remove_file(&path);
}
