//! The registry of lists in force: the handle hot-list loading and matching share.

use std::sync::Arc;

use crate::alpr_status;
use crate::boundary::{ffi_boundary, write_out};
use crate::handle::{Castable, arc_clone, arc_free, arc_into_ptr, arc_ref};
use crate::policy::alpr_policy;

/// The set of hot lists in force, governed by one policy. May be used from multiple threads
/// simultaneously: loading a new version of a list replaces the old one atomically, and every
/// match sees either the whole old version or the whole new one (R-LIST-4). Free with
/// `alpr_registry_free`.
pub struct alpr_registry {
    _private: [u8; 0],
}

impl Castable for alpr_registry {
    type Rust = alpr_core::hotlist::Registry;
}

/// A new, empty registry governed by `policy` (NULL for the built-in `sacramento-525.08`). The
/// registry keeps its own reference to the policy.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER` when `registry_out` is NULL.
///
/// # Safety
/// `policy` must be NULL or a live policy; `registry_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_new(
    policy: *const alpr_policy,
    registry_out: *mut *const alpr_registry,
) -> alpr_status {
    ffi_boundary!({
        let policy = if policy.is_null() {
            Arc::new(alpr_core::Policy::sacramento())
        } else {
            // SAFETY: non-NULL and live per the contract.
            unsafe { arc_clone(policy, "policy")? }
        };
        let r = alpr_core::hotlist::Registry::new(policy);
        // SAFETY: the caller's guarantee on registry_out is passed on.
        unsafe { write_out(registry_out, arc_into_ptr(r), "registry_out") }
    })
}

/// The number of lists in force in `*count_out`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry` must be a live registry; `count_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_list_count(
    registry: *const alpr_registry,
    count_out: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let r = unsafe { arc_ref(registry, "registry")? };
        // SAFETY: as above.
        unsafe { write_out(count_out, r.snapshot().len(), "count_out") }
    })
}

/// Releases a registry; NULL is a no-op. Lists in use by a running match stay alive until it
/// returns.
///
/// # Safety
/// `registry` must be NULL or a live registry, not used again by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_free(registry: *const alpr_registry) {
    // SAFETY: the caller gives back its reference.
    ffi_boundary!(default = (), { unsafe { arc_free(registry) } });
}
