//! Plate and jurisdiction normalization.

use crate::boundary::{ffi_boundary, need_buf, str_in, str_out, write_out};

/// The longest normalized plate, in bytes (without the NUL).
pub const ALPR_PLATE_MAX_LEN: usize = 10;

/// A buffer this size always holds a normalized plate and its NUL.
pub const ALPR_PLATE_BUF_LEN: usize = 11;

// cbindgen needs literals; these keep them equal to the core's bound.
const _: () = assert!(ALPR_PLATE_MAX_LEN == alpr_core::PLATE_MAX_LEN && ALPR_PLATE_BUF_LEN == ALPR_PLATE_MAX_LEN + 1);

/// Normalizes raw plate text (OCR output, a list field, a person's typing) to the canonical plate
/// (SPEC R-NORM-1…9) and copies it NUL-terminated into `buf` (`ALPR_PLATE_BUF_LEN` bytes always
/// suffice). `*out_n` receives its length; `*folded_out`, when not NULL, whether a fullwidth,
/// Cyrillic or Greek character was folded.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_EMPTY`, `ALPR_STATUS_INVALID_CHARACTER` (the detail gives the
/// character position), `ALPR_STATUS_TOO_LONG`; `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_NULL_PARAMETER`; `ALPR_STATUS_INSUFFICIENT_SIZE`.
///
/// # Safety
/// `raw` must be NULL (with `raw_len` 0) or point to `raw_len` readable bytes; `buf` must point to
/// `buf_len` writable bytes; `out_n` must be valid for writes; `folded_out` NULL or valid for
/// writes. Thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_plate_normalize(
    raw: *const u8,
    raw_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
    folded_out: *mut bool,
) -> crate::alpr_status {
    ffi_boundary!({
        need_buf(buf, buf_len, out_n, "buf", "out_n")?;
        // SAFETY: the caller's guarantees on raw are passed on.
        let raw = unsafe { str_in(raw, raw_len)? };
        let n = alpr_core::normalize(raw)?;
        // SAFETY: the caller's guarantees on buf/out_n are passed on.
        unsafe { str_out(&n.plate.to_string(), buf, buf_len, out_n)? };
        if !folded_out.is_null() {
            // SAFETY: non-NULL and, per the contract, valid for writes.
            unsafe { write_out(folded_out, n.folded, "folded_out")? };
        }
        Ok(())
    })
}

/// Normalizes a jurisdiction code (trimmed, upper-cased, looked up) into `buf` (3 bytes suffice).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_JURISDICTION`; `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_NULL_PARAMETER`; `ALPR_STATUS_INSUFFICIENT_SIZE`.
///
/// # Safety
/// As `alpr_plate_normalize`. Thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_jurisdiction_normalize(
    raw: *const u8,
    raw_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> crate::alpr_status {
    ffi_boundary!({
        need_buf(buf, buf_len, out_n, "buf", "out_n")?;
        // SAFETY: the caller's guarantees on raw are passed on.
        let raw = unsafe { str_in(raw, raw_len)? };
        let j = alpr_core::Jurisdiction::parse(raw)?;
        // SAFETY: the caller's guarantees on buf/out_n are passed on.
        unsafe { str_out(j.as_str(), buf, buf_len, out_n) }
    })
}
