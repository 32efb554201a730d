//! Ownership of opaque handles, fixed per type (the rustls-ffi `Castable` idea).
//!
//! A C type `alpr_x` is an opaque, zero-sized struct; its [`Castable::Rust`] type is what the
//! pointer really points to. Immutable, shareable handles (policies, registries) are `Arc`s:
//! C may use them from many threads and frees each pointer it was given once. Mutable handles
//! (a hit and its workflow) are `Box`es: one owner, not for concurrent mutation.

use std::sync::Arc;

use crate::boundary::write_out;
use crate::error::FfiError;

/// How the value behind a handle is owned; fixed per C type by [`Castable::Ownership`].
pub(crate) trait Ownership {}

/// Shared, immutable handles: `Arc`. Created by [`arc_into_ptr`]/[`arc_to_ptr`], borrowed by
/// [`arc_ref`]/[`arc_clone`], released by [`arc_free`].
pub(crate) enum OwnershipArc {}
impl Ownership for OwnershipArc {}

/// Uniquely owned handles: `Box`. Created by [`box_into_ptr`], borrowed by
/// [`box_ref`]/[`box_mut`], released by [`box_free`].
pub(crate) enum OwnershipBox {}
impl Ownership for OwnershipBox {}

/// Ties an opaque C type to the Rust type behind its pointers and to how that value is owned.
///
/// Every helper below is bounded by the ownership kind, so an `arc_free` on a `Box` handle (or
/// a `box_mut` on a shared `Arc` handle) does not compile.
pub(crate) trait Castable {
    /// `OwnershipArc` or `OwnershipBox`.
    type Ownership: Ownership;
    /// The Rust type the handle points to.
    type Rust;
}

/// Moves a value into a new `Arc` handle.
pub(crate) fn arc_into_ptr<C: Castable<Ownership = OwnershipArc>>(value: C::Rust) -> *const C {
    Arc::into_raw(Arc::new(value)).cast::<C>()
}

/// Moves an existing `Arc` into a handle.
#[allow(dead_code)] // Used by the handle types of later modules (hits, lists).
pub(crate) fn arc_to_ptr<C: Castable<Ownership = OwnershipArc>>(value: Arc<C::Rust>) -> *const C {
    Arc::into_raw(value).cast::<C>()
}

/// Borrows the value behind an `Arc` handle, or `NULL_PARAMETER`.
///
/// # Safety
/// `ptr` must be NULL or a live handle from [`arc_into_ptr`]/[`arc_to_ptr`] of the same `C`.
pub(crate) unsafe fn arc_ref<'a, C: Castable<Ownership = OwnershipArc>>(
    ptr: *const C,
    name: &'static str,
) -> Result<&'a C::Rust, FfiError> {
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
pub(crate) unsafe fn arc_clone<C: Castable<Ownership = OwnershipArc>>(
    ptr: *const C,
    name: &'static str,
) -> Result<Arc<C::Rust>, FfiError> {
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
pub(crate) unsafe fn arc_free<C: Castable<Ownership = OwnershipArc>>(ptr: *const C) {
    if !ptr.is_null() {
        // SAFETY: the caller gives back the reference it owned.
        drop(unsafe { Arc::from_raw(ptr.cast::<C::Rust>()) });
    }
}

/// Moves a value into a new `Box` handle.
pub(crate) fn box_into_ptr<C: Castable<Ownership = OwnershipBox>>(value: C::Rust) -> *mut C {
    Box::into_raw(Box::new(value)).cast::<C>()
}

/// Borrows the value behind a `Box` handle mutably, or `NULL_PARAMETER`.
///
/// # Safety
/// `ptr` must be NULL or a live handle from [`box_into_ptr`] of the same `C`, not used
/// concurrently.
pub(crate) unsafe fn box_mut<'a, C: Castable<Ownership = OwnershipBox>>(
    ptr: *mut C,
    name: &'static str,
) -> Result<&'a mut C::Rust, FfiError> {
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
pub(crate) unsafe fn box_ref<'a, C: Castable<Ownership = OwnershipBox>>(
    ptr: *const C,
    name: &'static str,
) -> Result<&'a C::Rust, FfiError> {
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
pub(crate) unsafe fn box_free<C: Castable<Ownership = OwnershipBox>>(ptr: *mut C) {
    if !ptr.is_null() {
        // SAFETY: the caller gives back the box it owned.
        drop(unsafe { Box::from_raw(ptr.cast::<C::Rust>()) });
    }
}

/// Borrows the elements of a result handle: `*data_out` points to `*len_out` elements, valid
/// until the handle is freed (NULL when there are none).
///
/// # Safety
/// `handle` must be a live handle; `data_out` and `len_out` must be valid for writes.
pub(crate) unsafe fn borrow_data<C: Castable<Ownership = crate::handle::OwnershipArc, Rust = Vec<T>>, T>(
    handle: *const C,
    data_out: *mut *const T,
    len_out: *mut usize,
) -> Result<(), FfiError> {
    // SAFETY: the caller's guarantees are passed on.
    let items = unsafe { arc_ref(handle, "handle")? };
    if data_out.is_null() {
        return Err(FfiError::null("data_out"));
    }
    let data = if items.is_empty() {
        std::ptr::null()
    } else {
        items.as_ptr()
    };
    // SAFETY: `len_out`: valid as the `# Safety` section requires.
    unsafe { write_out(len_out, items.len(), "len_out")? };
    // SAFETY: checked non-NULL; valid for writes per the contract.
    unsafe { write_out(data_out, data, "data_out") }
}
