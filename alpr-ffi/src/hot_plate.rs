//! `alpr_hot_plate_*`: officer hot plate entries (G.O. §G).

use alpr_core::hotplate;

use crate::alpr_status;
use crate::boundary::{ffi_boundary, str_in};
use crate::hit_workflow::codes_out;
use crate::policy::{alpr_policy, policy_or_default};

/// Validates an officer's hot-plate form (R-HOTPLATE-1…5), given as a JSON object (`plate`,
/// `jurisdiction`, `plate_type`, `category`, `entered_at`, `expires_at` as RFC 3339,
/// `distribution` a number or `"all"`, `also_entered_in`, `officer_name`, `contact_phone`,
/// `case_number`, `synopsis`, `vehicle`, `caution`), under `policy` (NULL for the built-in
/// profile). *Every* violation is copied as a status number into `codes_out` and counted in
/// `*out_n`; a valid form has 0.
///
/// # Returns
/// `ALPR_STATUS_OK` (whatever the violations); `ALPR_STATUS_INSUFFICIENT_SIZE` (`*out_n` is the
/// count needed; 16 always suffice); `ALPR_STATUS_INVALID_ARGUMENT` (malformed JSON);
/// `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `policy` must be NULL or a live policy; `json` must point to `json_len` readable bytes;
/// `codes_out_ptr` must be NULL (with `cap` 0) or point to `cap` writable `uint32_t`; `out_n`
/// must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hot_plate_validate_json(
    policy: *const alpr_policy,
    json: *const u8,
    json_len: usize,
    codes_out_ptr: *mut u32,
    cap: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        crate::boundary::need_buf(codes_out_ptr, cap, out_n, "codes_out", "out_n")?;
        // SAFETY: the caller's guarantees are passed on.
        let text = unsafe { str_in(json, json_len)? };
        let form: hotplate::HotPlateForm = alpr_core::json::from_json_text(text)?;
        // SAFETY: `policy`: valid as the `# Safety` section requires.
        let policy = unsafe { policy_or_default(policy)? };
        let codes = hotplate::violations(&form, &policy);
        // SAFETY: `codes_out_ptr`, `out_n`: valid as the `# Safety` section requires.
        unsafe { codes_out(&codes, codes_out_ptr, cap, out_n) }
    })
}
