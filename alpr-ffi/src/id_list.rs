//! `alpr_id_list`: detection ids returned by an audited search (`alpr_agency_search`).

use crate::alpr_status;
use crate::boundary::ffi_boundary;
use crate::handle::{Castable, arc_free, borrow_data};

/// A read-only list of detection ids, ascending. Free with `alpr_id_list_free`. May be read from
/// multiple threads simultaneously.
pub struct alpr_id_list {
    _private: [u8; 0],
}

impl Castable for alpr_id_list {
    type Ownership = crate::handle::OwnershipArc;
    type Rust = Vec<u64>;
}

/// Borrows the ids of a list: `*data_out` points to `*len_out` ids, ascending, valid until the
/// list is freed (NULL when empty).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `list` must be a live list; `data_out` and `len_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_id_list_data(
    list: *const alpr_id_list,
    data_out: *mut *const u64,
    len_out: *mut usize,
) -> alpr_status {
    // SAFETY: the caller's guarantees are passed on.
    ffi_boundary!({ unsafe { borrow_data(list, data_out, len_out) } })
}

/// Releases a list; NULL is a no-op.
///
/// # Safety
/// `list` must be NULL or a live list, not used again by the caller (nor any pointer borrowed
/// from it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_id_list_free(list: *const alpr_id_list) {
    // SAFETY: the caller gives back its reference.
    ffi_boundary!(default = (), { unsafe { arc_free(list) } });
}
