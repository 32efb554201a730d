//! `alpr_retro_hits`: hits found by an audited retro-hit run (`alpr_agency_retro_hits`).

use crate::alpr_status;
use crate::boundary::ffi_boundary;
use crate::handle::{Castable, arc_free, borrow_data};
use crate::hit::alpr_hit;

/// One retro-hit: a stored detection and the hit an entry of the new list version gives it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct alpr_retro_hit {
    /// The detection's id.
    pub detection_id: u64,
    /// The hit, as `alpr_agency_match` gives it (`read_index` is 0).
    pub hit: alpr_hit,
}

/// The retro-hits of one run, ordered by detection id, then by the hit order of R-MATCH-9.
/// Free with `alpr_retro_hits_free`. May be read from multiple threads simultaneously.
pub struct alpr_retro_hits {
    _private: [u8; 0],
}

impl Castable for alpr_retro_hits {
    type Ownership = crate::handle::OwnershipArc;
    type Rust = Vec<alpr_retro_hit>;
}

/// Borrows the retro-hits of a run: `*data_out` points to `*len_out` hits, valid until the handle
/// is freed (NULL when empty).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `hits` must be a live handle; `data_out` and `len_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_retro_hits_data(
    hits: *const alpr_retro_hits,
    data_out: *mut *const alpr_retro_hit,
    len_out: *mut usize,
) -> alpr_status {
    // SAFETY: the caller's guarantees are passed on.
    ffi_boundary!({ unsafe { borrow_data(hits, data_out, len_out) } })
}

/// Releases retro-hits; NULL is a no-op.
///
/// # Safety
/// `hits` must be NULL or a live handle, not used again by the caller (nor any pointer borrowed
/// from it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_retro_hits_free(hits: *const alpr_retro_hits) {
    // SAFETY: the caller gives back its reference.
    ffi_boundary!(default = (), { unsafe { arc_free(hits) } });
}
