//! `alpr_set_log_callback`: where the library's diagnostics go. The library never writes to
//! stdout or stderr itself; without a callback its diagnostics are dropped.

use std::ffi::{c_char, c_void};
use std::sync::RwLock;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::alpr_status;
use crate::boundary::ffi_boundary;

/// Log level: a caught panic (a bug in the library; the call returned `ALPR_STATUS_PANIC`).
pub const ALPR_LOG_ERROR: u32 = 1;

/// Log level: something the host should look at (a hot-list load that failed as a whole).
pub const ALPR_LOG_WARN: u32 = 2;

/// Log level: notable events (a list version put in force).
pub const ALPR_LOG_INFO: u32 = 3;

/// Log level: every call that returned an error status, with its detail.
pub const ALPR_LOG_DEBUG: u32 = 4;

/// A log callback: `level` is an `ALPR_LOG_*`, `message` is `message_len` bytes of UTF-8 followed
/// by a NUL, valid only during the call. Messages never contain plate text. Called on the thread
/// that produced the message, possibly from several threads at once; it must not call
/// `alpr_set_log_callback`.
pub type alpr_log_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, level: u32, message: *const c_char, message_len: usize)>;

#[derive(Clone, Copy)]
struct Sink {
    callback: unsafe extern "C" fn(*mut c_void, u32, *const c_char, usize),
    userdata: *mut c_void,
}

// SAFETY: the userdata pointer is only handed back to the caller's callback, which the caller
// declared callable from any thread (see `alpr_set_log_callback`).
unsafe impl Send for Sink {}
// SAFETY: as for Send; the library never dereferences the pointer.
unsafe impl Sync for Sink {}

/// The most verbose level wanted (0 = no callback): the fast path reads only this.
static MAX_LEVEL: AtomicU32 = AtomicU32::new(0);
static SINK: RwLock<Option<Sink>> = RwLock::new(None);

/// Sends a message at `level` to the callback, if one is set and wants it. `message` is built
/// only then, so an unlogged call costs one atomic load.
pub(crate) fn log(level: u32, message: impl FnOnce() -> String) {
    if level > MAX_LEVEL.load(Ordering::Relaxed) {
        return;
    }
    // Copied out of the lock: the callback runs without it held.
    let sink = *SINK.read().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(s) = sink {
        let mut text = message();
        let len = text.len();
        text.push('\0');
        // SAFETY: the callback and userdata are the caller's, registered for this; `text` is
        // NUL-terminated and outlives the call.
        unsafe { (s.callback)(s.userdata, level, text.as_ptr().cast::<c_char>(), len) };
    }
}

/// An `ALPR_LOG_ERROR` message.
pub(crate) fn error(message: impl FnOnce() -> String) {
    log(ALPR_LOG_ERROR, message);
}

/// An `ALPR_LOG_WARN` message.
pub(crate) fn warn(message: impl FnOnce() -> String) {
    log(ALPR_LOG_WARN, message);
}

/// An `ALPR_LOG_INFO` message.
pub(crate) fn info(message: impl FnOnce() -> String) {
    log(ALPR_LOG_INFO, message);
}

/// An `ALPR_LOG_DEBUG` message.
pub(crate) fn debug(message: impl FnOnce() -> String) {
    log(ALPR_LOG_DEBUG, message);
}

/// Routes the library's diagnostics to `callback` (NULL to drop them, the default): every message
/// of level `max_level` or more urgent (`ALPR_LOG_ERROR` = 1 … `ALPR_LOG_DEBUG` = 4) is passed
/// with `userdata`. Replaces any previous callback for the whole process. The library never
/// writes to stdout or stderr itself, panics included: a caught panic is an `ALPR_LOG_ERROR`
/// message (with its source location) and the call returns `ALPR_STATUS_PANIC`.
///
/// The callback may run on any thread that calls into the library, concurrently; it must not call
/// `alpr_set_log_callback`. Messages never contain plate text.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_ARGUMENT` when `max_level` is above `ALPR_LOG_DEBUG`.
///
/// # Safety
/// `callback` must be NULL or a function safe to call from any thread with `userdata` until it
/// is replaced; `userdata` is not dereferenced by the library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_set_log_callback(
    callback: alpr_log_callback,
    userdata: *mut c_void,
    max_level: u32,
) -> alpr_status {
    ffi_boundary!({
        if max_level > ALPR_LOG_DEBUG {
            return Err(alpr_core::Error::new(alpr_core::Code::InvalidArgument)
                .with_detail("max_level above ALPR_LOG_DEBUG")
                .into());
        }
        let mut sink = SINK.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        *sink = callback.map(|callback| Sink { callback, userdata });
        MAX_LEVEL.store(if sink.is_some() { max_level } else { 0 }, Ordering::Relaxed);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    static SEEN: Mutex<Vec<(u32, String)>> = Mutex::new(Vec::new());

    unsafe extern "C" fn record(_: *mut c_void, level: u32, message: *const c_char, len: usize) {
        // SAFETY: the library passes `len` readable bytes (and a NUL) valid during the call.
        let bytes = unsafe { std::slice::from_raw_parts(message.cast::<u8>(), len + 1) };
        assert_eq!(bytes[len], 0, "NUL-terminated");
        let text = String::from_utf8_lossy(&bytes[..len]).into_owned();
        SEEN.lock().unwrap().push((level, text));
    }

    const CHILD: &str = "ALPR_FFI_PANIC_CHILD";
    const NAME: &str = "log::tests::a_caught_panic_prints_nothing_and_goes_to_the_log";

    /// Runs itself in a child process (the test harness captures panic output in-process), so
    /// the child's real fd 2 is what is checked: a panic inside an alpr call prints nothing and
    /// reaches the log callback; a host panic after the library was used still reaches the
    /// hook installed before it.
    #[test]
    fn a_caught_panic_prints_nothing_and_goes_to_the_log() {
        if std::env::var_os(CHILD).is_some() {
            // SAFETY: `record` is callable from any thread; no userdata.
            let st = unsafe { alpr_set_log_callback(Some(record), std::ptr::null_mut(), ALPR_LOG_ERROR) };
            assert_eq!(st, alpr_status::Ok);
            let st = crate::boundary::guard(|| panic!("boom inside"));
            assert_eq!(st, alpr_status::Panic);
            let seen = SEEN.lock().unwrap().clone();
            assert_eq!(seen.len(), 1, "{seen:?}");
            assert_eq!(seen[0].0, ALPR_LOG_ERROR);
            assert!(
                seen[0].1.contains("boom inside") && seen[0].1.contains("log.rs:"),
                "{}",
                seen[0].1
            );
            // A panic of the host's own code goes to the previous (default) hook.
            let _ = std::panic::catch_unwind(|| panic!("host panic"));
            // SAFETY: NULL turns the callback off.
            unsafe { alpr_set_log_callback(None, std::ptr::null_mut(), 0) };
            return;
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([NAME, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
        assert!(stdout.contains("1 passed"), "{stdout}");
        assert!(!stderr.contains("boom inside"), "the library wrote to stderr: {stderr}");
        assert!(stderr.contains("host panic"), "the host's hook was lost: {stderr}");
    }
}
