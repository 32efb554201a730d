//! Hostile input through the C ABI: NULL pointers, invalid UTF-8, NUL bytes, huge strings,
//! buffers too small. Every case gets its documented status, never a crash.

use alpr::alpr_status;
use alpr::error::{alpr_last_error_message, alpr_status_str};
use alpr::plate::{ALPR_PLATE_BUF_LEN, alpr_jurisdiction_normalize, alpr_plate_normalize};

fn normalize(raw: &[u8], buf_len: usize) -> (alpr_status, String, usize, bool) {
    let mut buf = vec![0xAAu8; buf_len];
    let mut n = usize::MAX;
    let mut folded = false;
    // SAFETY: raw/buf are valid for their lengths; n and folded are valid out-pointers.
    let st = unsafe {
        alpr_plate_normalize(
            raw.as_ptr(),
            raw.len(),
            buf.as_mut_ptr(),
            buf.len(),
            &raw mut n,
            &raw mut folded,
        )
    };
    let text = if st == alpr_status::Ok {
        assert_eq!(buf[n], 0, "NUL-terminated");
        String::from_utf8(buf[..n].to_vec()).unwrap()
    } else {
        String::new()
    };
    (st, text, n, folded)
}

fn last_error() -> String {
    let mut buf = [0u8; 256];
    let mut n = 0;
    // SAFETY: valid buffer and out-pointer.
    let st = unsafe { alpr_last_error_message(buf.as_mut_ptr(), buf.len(), &raw mut n) };
    assert_eq!(st, alpr_status::Ok);
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

#[test]
fn normal_and_folded() {
    let (st, text, n, folded) = normalize("７ＡＢＣ１２３".as_bytes(), ALPR_PLATE_BUF_LEN);
    assert_eq!((st, text.as_str(), n, folded), (alpr_status::Ok, "7ABC123", 7, true));
}

#[test]
fn null_pointers() {
    let mut buf = [0u8; 16];
    let mut n = 0usize;
    // SAFETY: deliberately NULL inputs; the function must check them.
    unsafe {
        assert_eq!(
            alpr_plate_normalize(
                std::ptr::null(),
                3,
                buf.as_mut_ptr(),
                16,
                &raw mut n,
                std::ptr::null_mut()
            ),
            alpr_status::NullParameter
        );
        assert_eq!(
            alpr_plate_normalize(
                std::ptr::null(),
                0,
                buf.as_mut_ptr(),
                16,
                &raw mut n,
                std::ptr::null_mut()
            ),
            alpr_status::Empty
        );
        assert_eq!(
            alpr_plate_normalize(
                b"ABC".as_ptr(),
                3,
                buf.as_mut_ptr(),
                16,
                std::ptr::null_mut(),
                std::ptr::null_mut()
            ),
            alpr_status::NullParameter
        );
        assert_eq!(
            alpr_plate_normalize(
                b"ABC".as_ptr(),
                3,
                std::ptr::null_mut(),
                16,
                &raw mut n,
                std::ptr::null_mut()
            ),
            alpr_status::NullParameter
        );
        assert_eq!(
            alpr_jurisdiction_normalize(b"CA".as_ptr(), 2, buf.as_mut_ptr(), 16, std::ptr::null_mut()),
            alpr_status::NullParameter
        );
        assert_eq!(
            alpr_last_error_message(std::ptr::null_mut(), 0, std::ptr::null_mut()),
            alpr_status::NullParameter
        );
    }
}

#[test]
fn invalid_utf8_nul_and_invisible_characters() {
    assert_eq!(normalize(b"AB\xff\xfe", 16).0, alpr_status::InvalidUtf8);
    assert!(last_error().contains("column 3"), "{}", last_error());
    assert_eq!(normalize(b"AB\0C", 16).0, alpr_status::InvalidCharacter);
    let detail = last_error();
    assert!(detail.contains("character 2") && detail.contains("NUL"), "{detail}");
    assert_eq!(normalize("AB\u{202E}C".as_bytes(), 16).0, alpr_status::InvalidCharacter);
    assert_eq!(normalize("AB\u{200E}C".as_bytes(), 16).0, alpr_status::InvalidCharacter);
    // U+001C is a control, not white space (R-NORM-5); the zero-width space and the byte-order
    // mark are separators (R-NORM-1).
    assert_eq!(normalize(b"AB\x1cC", 16).0, alpr_status::InvalidCharacter);
    assert!(last_error().contains("character 2"), "{}", last_error());
    let (st, text, _, _) = normalize("\u{FEFF}AB\u{200B}C".as_bytes(), 16);
    assert_eq!((st, text.as_str()), (alpr_status::Ok, "ABC"));
}

#[test]
fn huge_input_is_refused_fast() {
    let big = vec![b'A'; 1 << 20];
    assert_eq!(normalize(&big, 16).0, alpr_status::TooLong);
    assert!(!last_error().contains("AAAA"));
}

#[test]
fn buffer_too_small_reports_the_size_needed() {
    let (st, _, n, _) = normalize(b"7ABC123", 7);
    assert_eq!((st, n), (alpr_status::InsufficientSize, 7));
    assert!(last_error().contains("8 bytes needed"));
    let (st, text, _, _) = normalize(b"7ABC123", 8);
    assert_eq!((st, text.as_str()), (alpr_status::Ok, "7ABC123"));
    // A zero-length NULL buffer is a size query.
    let mut n = 0usize;
    // SAFETY: NULL buffer with length 0 is allowed; n is valid.
    let st = unsafe {
        alpr_plate_normalize(
            b"ABC".as_ptr(),
            3,
            std::ptr::null_mut(),
            0,
            &raw mut n,
            std::ptr::null_mut(),
        )
    };
    assert_eq!((st, n), (alpr_status::InsufficientSize, 3));
}

#[test]
fn status_strings() {
    let s = |n| {
        // SAFETY: alpr_status_str returns static NUL-terminated text.
        unsafe { std::ffi::CStr::from_ptr(alpr_status_str(n)) }
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(s(0), "ok");
    assert_eq!(s(1), "null_parameter");
    assert_eq!(s(101), "invalid_character");
    assert_eq!(s(4_000_000), "unknown_status");
}

#[test]
fn header_version_matches_cargo() {
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/alpr.h")).unwrap();
    for (name, v) in [
        ("ALPR_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("ALPR_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("ALPR_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        assert!(
            header.contains(&format!("#define {name} {v}\n")),
            "{name} in include/alpr.h must be {v}"
        );
    }
    // And every status of the ABI is in the header under its upper-cased name.
    for &c in alpr_core::Code::ALL {
        let line = format!("ALPR_STATUS_{} = {},", c.as_str().to_ascii_uppercase(), c.number());
        assert!(header.contains(&line), "include/alpr.h lacks {line}");
    }
}

/// JSON handed to the C ABI: a plate-like value in a wrong-typed field is named by field in the
/// last error message, never echoed.
#[test]
fn json_errors_name_the_field_never_the_value() {
    use alpr::policy::{alpr_policy, alpr_policy_default, alpr_policy_free, alpr_policy_with_overrides_json};
    use alpr::{alpr_access_decide_json, alpr_sharing_decide_json};
    const PLATE: &str = "7ABC123";
    let mut policy: *const alpr_policy = std::ptr::null();
    // SAFETY: a valid out-pointer.
    assert_eq!(unsafe { alpr_policy_default(&raw mut policy) }, alpr_status::Ok);
    let check = |st: alpr_status, field: &str| {
        assert_ne!(st, alpr_status::Ok);
        let msg = last_error();
        assert!(msg.contains(&format!("`{field}`")), "{msg}");
        assert!(!msg.contains(PLATE), "{msg}");
    };
    let request = br#"{"action":"query_detections"}"#;
    for (user, request, field) in [
        (
            br#"{"id":"u","clearance":"7ABC123"}"#.as_slice(),
            request.as_slice(),
            "clearance",
        ),
        (
            br#"{"id":"u"}"#.as_slice(),
            br#"{"action":"x","purpose":["7ABC123"]}"#.as_slice(),
            "purpose",
        ),
    ] {
        let (mut allowed, mut n) = (false, 0usize);
        // SAFETY: live policy, valid slices and out-pointers; no reasons buffer (NULL, 0).
        let st = unsafe {
            alpr_access_decide_json(
                policy,
                user.as_ptr(),
                user.len(),
                request.as_ptr(),
                request.len(),
                0,
                &raw mut allowed,
                std::ptr::null_mut(),
                0,
                &raw mut n,
            )
        };
        check(st, field);
    }
    let share = br#"{"data":"7ABC123","recipient":{"kind":"local","jurisdiction":"CA"}}"#;
    let (mut decision, mut an, mut rn) = (0u32, 0usize, 0usize);
    // SAFETY: live policy, valid slice and out-pointers; no buffers (NULL, 0).
    let st = unsafe {
        alpr_sharing_decide_json(
            policy,
            share.as_ptr(),
            share.len(),
            &raw mut decision,
            std::ptr::null_mut(),
            0,
            &raw mut an,
            std::ptr::null_mut(),
            0,
            &raw mut rn,
        )
    };
    check(st, "data");
    let over = br#"{"max_edits":"7ABC123"}"#;
    let mut out: *const alpr_policy = std::ptr::null();
    // SAFETY: live policy, valid slice and out-pointer.
    let st = unsafe { alpr_policy_with_overrides_json(policy, over.as_ptr(), over.len(), &raw mut out) };
    check(st, "max_edits");
    // SAFETY: the policy from alpr_policy_default, freed once.
    unsafe { alpr_policy_free(policy) };
}
