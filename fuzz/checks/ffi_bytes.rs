//! The C ABI's text entry points fed arbitrary bytes with their true lengths and arbitrary output
//! buffer sizes (pointers stay valid: every length matches its buffer). No call may return
//! `ALPR_STATUS_PANIC` or crash; the size a string-out call reports is honoured.

use alpr::*;
use arbitrary::{Arbitrary, Unstructured};
use std::ptr;

#[derive(Arbitrary, Debug)]
enum Call {
    PlateNormalize(Vec<u8>, u8),
    JurisdictionNormalize(Vec<u8>, u8),
    PolicyToml(Vec<u8>),
    PolicyJson(Vec<u8>),
    PolicyOverrides(Vec<u8>),
    RetentionClass(Vec<u8>),
    PurgePlan(Vec<(u64, u8, i64)>, Vec<u64>, i64),
    DetectionStoreJson(Vec<u8>),
    HotPlateJson(Vec<u8>, u8),
    LastError(u8),
}

fn ok(s: alpr_status) {
    assert_ne!(s, alpr_status::Panic, "a panic reached the C ABI");
}

/// A policy from `alpr_policy_*` (or NULL), checked and named, then freed.
fn use_policy(s: alpr_status, p: *const alpr_policy) {
    ok(s);
    if s == alpr_status::Ok {
        let mut buf = [0u8; 64];
        let mut n = 0usize;
        // SAFETY: `p` is the live policy just created; `buf` holds 64 writable bytes.
        ok(unsafe { alpr_policy_name(p, buf.as_mut_ptr(), buf.len(), &raw mut n) });
        // SAFETY: as above; a NULL buffer of length 0 asks for the size only.
        ok(unsafe { alpr_policy_check_json(p, ptr::null_mut(), 0, &raw mut n) });
        // SAFETY: `p` is live and not used again.
        unsafe { alpr_policy_free(p) };
    }
}

pub(crate) fn run(data: &[u8]) {
    let Ok(calls) = Vec::<Call>::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    for call in calls.into_iter().take(16) {
        match call {
            Call::PlateNormalize(raw, cap) => {
                let mut buf = vec![0u8; usize::from(cap % 16)];
                let (mut n, mut folded) = (0usize, false);
                // SAFETY: `raw` and `buf` are valid for their lengths; the outs are locals.
                let s = unsafe {
                    alpr_plate_normalize(
                        raw.as_ptr(),
                        raw.len(),
                        buf.as_mut_ptr(),
                        buf.len(),
                        &raw mut n,
                        &raw mut folded,
                    )
                };
                ok(s);
                if s == alpr_status::Ok {
                    assert!(n <= buf.len() && n <= 10);
                }
            }
            Call::JurisdictionNormalize(raw, cap) => {
                let mut buf = vec![0u8; usize::from(cap % 5)];
                let mut n = 0usize;
                // SAFETY: `raw` and `buf` are valid for their lengths; `n` is a local.
                ok(unsafe {
                    alpr_jurisdiction_normalize(raw.as_ptr(), raw.len(), buf.as_mut_ptr(), buf.len(), &raw mut n)
                });
            }
            Call::PolicyToml(text) => {
                let mut p = ptr::null();
                // SAFETY: `text` is valid for its length; `p` is a local.
                let s = unsafe { alpr_policy_from_toml(text.as_ptr(), text.len(), &raw mut p) };
                use_policy(s, p);
            }
            Call::PolicyJson(text) => {
                let mut p = ptr::null();
                // SAFETY: `text` is valid for its length; `p` is a local.
                let s = unsafe { alpr_policy_from_json(text.as_ptr(), text.len(), &raw mut p) };
                use_policy(s, p);
            }
            Call::PolicyOverrides(text) => {
                let mut base = ptr::null();
                // SAFETY: `base` is a local.
                ok(unsafe { alpr_policy_default(&raw mut base) });
                let mut p = ptr::null();
                // SAFETY: `base` is live; `text` is valid for its length; `p` is a local.
                let s = unsafe { alpr_policy_with_overrides_json(base, text.as_ptr(), text.len(), &raw mut p) };
                use_policy(s, p);
                // SAFETY: `base` is live and not used again.
                unsafe { alpr_policy_free(base) };
            }
            Call::RetentionClass(name) => {
                let mut class = 0u32;
                let mut base = ptr::null();
                // SAFETY: `base` is a local.
                ok(unsafe { alpr_policy_default(&raw mut base) });
                // SAFETY: `base` is live; `name` is valid for its length; `class` is a local.
                ok(unsafe { alpr_retention_class(base, name.as_ptr(), name.len(), &raw mut class) });
                // SAFETY: `base` is live and not used again.
                unsafe { alpr_policy_free(base) };
            }
            Call::PurgePlan(records, holds, now_ms) => {
                let records: Vec<alpr_retention_record> = records
                    .iter()
                    .take(32)
                    .map(|&(id, class, t)| alpr_retention_record {
                        id,
                        class_id: u32::from(class % 6),
                        captured_at_ms: t,
                    })
                    .collect();
                let mut base = ptr::null();
                // SAFETY: `base` is a local.
                ok(unsafe { alpr_policy_default(&raw mut base) });
                let mut plan = ptr::null();
                // SAFETY: `base` is live; `records` and `holds` are valid for their lengths.
                let s = unsafe {
                    alpr_purge_plan_new(
                        base,
                        records.as_ptr(),
                        records.len(),
                        holds.as_ptr(),
                        holds.len(),
                        now_ms,
                        &raw mut plan,
                    )
                };
                ok(s);
                if s == alpr_status::Ok {
                    // SAFETY: `plan` is live and not used again.
                    unsafe { alpr_purge_plan_free(plan) };
                }
                // SAFETY: `base` is live and not used again.
                unsafe { alpr_policy_free(base) };
            }
            Call::DetectionStoreJson(text) => {
                let mut store = ptr::null();
                // SAFETY: `text` is valid for its length; `store` is a local.
                let s = unsafe { alpr_detection_store_from_json(text.as_ptr(), text.len(), &raw mut store) };
                ok(s);
                if s == alpr_status::Ok {
                    // SAFETY: `store` is live and not used again.
                    unsafe { alpr_detection_store_free(store) };
                }
            }
            Call::HotPlateJson(text, cap) => {
                let mut base = ptr::null();
                // SAFETY: `base` is a local.
                ok(unsafe { alpr_policy_default(&raw mut base) });
                let mut codes = vec![0u32; usize::from(cap % 8)];
                let mut n = 0usize;
                // SAFETY: `base` is live; `text` and `codes` are valid for their lengths.
                ok(unsafe {
                    alpr_hot_plate_validate_json(
                        base,
                        text.as_ptr(),
                        text.len(),
                        codes.as_mut_ptr(),
                        codes.len(),
                        &raw mut n,
                    )
                });
                // SAFETY: `base` is live and not used again.
                unsafe { alpr_policy_free(base) };
            }
            Call::LastError(cap) => {
                let mut buf = vec![0u8; usize::from(cap)];
                let mut n = 0usize;
                // SAFETY: `buf` is valid for its length; `n` is a local.
                ok(unsafe { alpr_last_error_message(buf.as_mut_ptr(), buf.len(), &raw mut n) });
            }
        }
    }
}
