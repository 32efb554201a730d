//! The one boundary every exported function goes through: panics are caught, failures become a
//! status and the thread's last-error detail, and raw inputs are checked before use.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{FfiError, alpr_status};

thread_local! {
    /// The detail of this thread's last failure (never contains a plate).
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
    /// Where this thread's last failure happened.
    static LAST_POSITION: std::cell::Cell<alpr_core::Position> = const { std::cell::Cell::new(
        alpr_core::Position { line: None, column: None, character: None, index: None }) };
}

/// Records a failure detail for `alpr_last_error_message` and clears the position.
pub(crate) fn set_last_error(msg: String) {
    set_last_error_at(msg, alpr_core::Position::default());
}

/// Records a failure detail and its position.
pub(crate) fn set_last_error_at(msg: String, position: alpr_core::Position) {
    LAST_ERROR.with(|e| *e.borrow_mut() = msg);
    LAST_POSITION.with(|p| p.set(position));
}

/// This thread's last failure position.
pub(crate) fn last_error_position() -> alpr_core::Position {
    LAST_POSITION.with(std::cell::Cell::get)
}

/// Reads this thread's last failure detail.
pub(crate) fn with_last_error<R>(f: impl FnOnce(&str) -> R) -> R {
    LAST_ERROR.with(|e| f(&e.borrow()))
}

/// Runs a status-returning body: `Ok` is `ALPR_STATUS_OK`; an error or a panic becomes its status
/// and the last-error detail.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), FfiError>) -> alpr_status {
    // AssertUnwindSafe: on a panic nothing the closure touched is used again; we only report.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => alpr_status::Ok,
        Ok(Err(e)) => {
            set_last_error_at(e.message, e.position);
            e.status
        }
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            set_last_error(format!("panic inside alpr: {msg}"));
            alpr_status::Panic
        }
    }
}

/// Runs a body that returns a plain value; a panic returns `default` and records the detail.
pub(crate) fn guard_or<T>(default: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        set_last_error("panic inside alpr".to_owned());
        default
    })
}

/// Every exported function body: `ffi_boundary!({ …; Ok(()) })` returns an `alpr_status`.
macro_rules! ffi_boundary {
    ($body:block) => {
        $crate::boundary::guard(move || -> Result<(), $crate::error::FfiError> { $body })
    };
    (default = $default:expr, $body:block) => {
        $crate::boundary::guard_or($default, move || $body)
    };
}
pub(crate) use ffi_boundary;

/// Borrows a caller's string: NULL with length 0 is the empty string; NULL with a length is
/// `NULL_PARAMETER`; invalid UTF-8 is `INVALID_UTF8` at the 1-based column, in characters (as
/// in files), of the first bad byte.
///
/// # Safety
/// `ptr` must be NULL or point to `len` readable bytes that stay valid for `'a`.
pub(crate) unsafe fn str_in<'a>(ptr: *const u8, len: usize) -> Result<&'a str, FfiError> {
    let bytes = unsafe { bytes_in(ptr, len)? };
    std::str::from_utf8(bytes).map_err(|e| {
        // The prefix before the first bad byte is UTF-8 by construction.
        let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).map_or(0, |s| s.chars().count());
        FfiError::from(
            alpr_core::Error::new(alpr_core::Code::InvalidUtf8).at_column(u32::try_from(good + 1).unwrap_or(u32::MAX)),
        )
    })
}

/// Borrows a caller's byte buffer (see [`str_in`]).
///
/// # Safety
/// `ptr` must be NULL or point to `len` readable bytes that stay valid for `'a`.
pub(crate) unsafe fn bytes_in<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], FfiError> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(FfiError::null("input pointer"))
        };
    }
    if len > isize::MAX as usize {
        return Err(FfiError::from(alpr_core::Error::new(alpr_core::Code::TooLong)));
    }
    // SAFETY: non-NULL, and the caller guarantees `len` readable bytes for 'a.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Copies `text` NUL-terminated into `buf`, reporting its length in `*out_n` (also when `buf` is
/// too small, then returning `INSUFFICIENT_SIZE`).
///
/// # Safety
/// `buf` must be NULL or point to `buf_len` writable bytes; `out_n` must be NULL or writable.
pub(crate) unsafe fn str_out(text: &str, buf: *mut u8, buf_len: usize, out_n: *mut usize) -> Result<(), FfiError> {
    if out_n.is_null() {
        return Err(FfiError::null("out_n"));
    }
    // SAFETY: checked non-NULL; the caller guarantees it is writable.
    unsafe { *out_n = text.len() };
    if buf.is_null() && buf_len != 0 {
        return Err(FfiError::null("buf"));
    }
    if buf_len < text.len() + 1 {
        return Err(FfiError::insufficient(text.len() + 1));
    }
    // SAFETY: `buf` has at least text.len() + 1 writable bytes (checked above), and does not
    // overlap `text`, which the library owns.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf, text.len());
        *buf.add(text.len()) = 0;
    }
    Ok(())
}

/// Writes a value through an out-pointer, or fails with `NULL_PARAMETER`.
///
/// # Safety
/// `out` must be NULL or valid for a write of `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T, name: &'static str) -> Result<(), FfiError> {
    if out.is_null() {
        return Err(FfiError::null(name));
    }
    // SAFETY: checked non-NULL; the caller guarantees it is valid for writes.
    unsafe { out.write(value) };
    Ok(())
}

/// The instant of Unix milliseconds `ms` from C (`alpr_core::time::instant_from_unix_ms`: the
/// years 0001–9999), or `invalid_date` naming the argument.
pub(crate) fn instant_in(ms: i64, what: &str) -> Result<alpr_core::time::Instant, FfiError> {
    alpr_core::time::instant_from_unix_ms(ms)
        .map_err(|e| FfiError::from(e.with_detail(format!("{what} outside the years 0001 to 9999"))))
}

pub(crate) fn ms(t: alpr_core::time::Instant) -> i64 {
    t.timestamp_millis()
}

/// Borrows `n` elements at `ptr` (NULL only with `n == 0`).
///
/// # Safety
/// `ptr` must be NULL or point to `n` readable, initialized elements that stay valid for 'a.
pub(crate) unsafe fn slice_in<'a, T>(ptr: *const T, n: usize, name: &'static str) -> Result<&'a [T], FfiError> {
    if n == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    // SAFETY: non-NULL, and the caller guarantees n readable elements for 'a.
    Ok(unsafe { std::slice::from_raw_parts(ptr, n) })
}
