//! Ownership of opaque handles, fixed per type (the rustls-ffi `Castable` idea).
//!
//! A C type `alpr_x` is an opaque, zero-sized struct; its [`Castable::Rust`] type is what the
//! pointer really points to. Immutable, shareable handles (policies, registries) are `Arc`s:
//! C may use them from many threads and frees each pointer it was given once. Mutable handles
//! (a hit and its workflow) are `Box`es: one owner, not for concurrent mutation.

use std::sync::Arc;

use crate::error::FfiError;

/// Ties an opaque C type to the Rust type behind its pointers.
pub(crate) trait Castable {
    /// The Rust type the handle points to.
    type Rust;
}

/// Moves a value into a new `Arc` handle.
pub(crate) fn arc_into_ptr<C: Castable>(value: C::Rust) -> *const C {
    Arc::into_raw(Arc::new(value)).cast::<C>()
}

/// Moves an existing `Arc` into a handle.
#[allow(dead_code)] // Used by the handle types of later modules (hits, lists).
pub(crate) fn arc_to_ptr<C: Castable>(value: Arc<C::Rust>) -> *const C {
    Arc::into_raw(value).cast::<C>()
}

/// Borrows the value behind an `Arc` handle, or `NULL_PARAMETER`.
///
/// # Safety
/// `ptr` must be NULL or a live handle from [`arc_into_ptr`]/[`arc_to_ptr`] of the same `C`.
pub(crate) unsafe fn arc_ref<'a, C: Castable>(ptr: *const C, name: &'static str) -> Result<&'a C::Rust, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    // SAFETY: the caller guarantees a live Arc<C::Rust> behind the pointer.
    Ok(unsafe { &*ptr.cast::<C::Rust>() })
}

/// A new `Arc` owning one more reference to the value behind a handle, or `NULL_PARAMETER`.
///
/// # Safety
/// As [`arc_ref`].
pub(crate) unsafe fn arc_clone<C: Castable>(ptr: *const C, name: &'static str) -> Result<Arc<C::Rust>, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    let p = ptr.cast::<C::Rust>();
    // SAFETY: the caller guarantees p came from Arc::into_raw and is live; we add one strong
    // reference before making an Arc from it, so the caller's reference stays valid.
    unsafe {
        Arc::increment_strong_count(p);
        Ok(Arc::from_raw(p))
    }
}

/// Releases an `Arc` handle; NULL is a no-op.
///
/// # Safety
/// `ptr` must be NULL or a live handle of the same `C`, not used again afterwards.
pub(crate) unsafe fn arc_free<C: Castable>(ptr: *const C) {
    if !ptr.is_null() {
        // SAFETY: the caller gives back the reference it owned.
        drop(unsafe { Arc::from_raw(ptr.cast::<C::Rust>()) });
    }
}

/// Moves a value into a new `Box` handle.
pub(crate) fn box_into_ptr<C: Castable>(value: C::Rust) -> *mut C {
    Box::into_raw(Box::new(value)).cast::<C>()
}

/// Borrows the value behind a `Box` handle mutably, or `NULL_PARAMETER`.
///
/// # Safety
/// `ptr` must be NULL or a live handle from [`box_into_ptr`] of the same `C`, not used
/// concurrently.
pub(crate) unsafe fn box_mut<'a, C: Castable>(ptr: *mut C, name: &'static str) -> Result<&'a mut C::Rust, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    // SAFETY: the caller guarantees a live, unaliased Box<C::Rust> behind the pointer.
    Ok(unsafe { &mut *ptr.cast::<C::Rust>() })
}

/// Borrows the value behind a `Box` handle, or `NULL_PARAMETER`.
///
/// # Safety
/// As [`box_mut`], without concurrent mutation.
pub(crate) unsafe fn box_ref<'a, C: Castable>(ptr: *const C, name: &'static str) -> Result<&'a C::Rust, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    // SAFETY: the caller guarantees a live Box<C::Rust> behind the pointer.
    Ok(unsafe { &*ptr.cast::<C::Rust>() })
}

/// Frees a `Box` handle; NULL is a no-op.
///
/// # Safety
/// `ptr` must be NULL or a live handle of the same `C`, not used again afterwards.
pub(crate) unsafe fn box_free<C: Castable>(ptr: *mut C) {
    if !ptr.is_null() {
        // SAFETY: the caller gives back the box it owned.
        drop(unsafe { Box::from_raw(ptr.cast::<C::Rust>()) });
    }
}
