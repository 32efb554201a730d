//! `alpr_text`: a JSON document returned by an audited operation (reports, decisions).

use crate::alpr_status;
use crate::boundary::{ffi_boundary, need, write_out};
use crate::handle::{Castable, arc_free, arc_ref};

/// A read-only UTF-8 text (JSON) that an audited operation returned. Its bytes stay valid until
/// it is freed, so the operation (and its audit record) is not repeated to retry with a larger
/// buffer. Free with `alpr_text_free`. May be read from multiple threads simultaneously.
pub struct alpr_text {
    _private: [u8; 0],
}

impl Castable for alpr_text {
    type Ownership = crate::handle::OwnershipArc;
    type Rust = String;
}

/// Borrows the text: `*data_out` points to `*len_out` bytes of UTF-8 followed by a NUL, valid
/// until the text is freed.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `text` must be a live text; `data_out` and `len_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_text_data(
    text: *const alpr_text,
    data_out: *mut *const u8,
    len_out: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(data_out, "data_out")?;
        need(len_out, "len_out")?;
        // SAFETY: `text`: live as the `# Safety` section requires.
        let s = unsafe { arc_ref(text, "text")? };
        // The stored string ends with a NUL that is not counted (see `text_into_ptr`).
        let body = s.strip_suffix('\0').unwrap_or(s);
        // SAFETY: `len_out`: valid for writes as the `# Safety` section requires.
        unsafe { write_out(len_out, body.len(), "len_out")? };
        // SAFETY: `data_out`: checked non-NULL above; valid for writes per the contract.
        unsafe { write_out(data_out, s.as_ptr(), "data_out") }
    })
}

/// Moves a text into a new handle, NUL-terminated for C.
pub(crate) fn text_into_ptr(mut text: String) -> *const alpr_text {
    text.push('\0');
    crate::handle::arc_into_ptr::<alpr_text>(text)
}

/// Releases a text; NULL is a no-op.
///
/// # Safety
/// `text` must be NULL or a live text, not used again by the caller (nor any pointer borrowed
/// from it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_text_free(text: *const alpr_text) {
    // SAFETY: the caller gives back its reference.
    ffi_boundary!(default = (), { unsafe { arc_free(text) } });
}
