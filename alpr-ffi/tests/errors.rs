//! Issue 12, items 3 and 4 through the rlib: the last error survives being read, NULL checks come
//! before parsing and building, and an entry index is looked up in its own list version.

use alpr::alpr_status;

/// The last error's detail, read with the size-then-retry protocol of the header.
fn last_error_sized() -> (alpr_status, String) {
    let mut n = 0usize;
    // SAFETY: a size query: NULL buffer with length 0, valid out-pointer.
    let st = unsafe { alpr::alpr_last_error_message(std::ptr::null_mut(), 0, &raw mut n) };
    let mut buf = vec![0u8; n + 1];
    let mut n2 = 0usize;
    // SAFETY: buf has n + 1 writable bytes; valid out-pointer.
    let st2 = unsafe { alpr::alpr_last_error_message(buf.as_mut_ptr(), buf.len(), &raw mut n2) };
    assert_eq!(st2, alpr_status::Ok);
    assert_eq!(n2, n);
    (st, String::from_utf8(buf[..n].to_vec()).unwrap())
}

#[test]
fn the_size_query_does_not_replace_the_error() {
    let mut buf = [0u8; 16];
    let mut n = 0usize;
    let raw = b"AB/1";
    // SAFETY: valid pointers for their lengths.
    let st = unsafe {
        alpr::alpr_plate_normalize(
            raw.as_ptr(),
            raw.len(),
            buf.as_mut_ptr(),
            buf.len(),
            &raw mut n,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(st, alpr_status::InvalidCharacter);
    // A failed read of the error (NULL out_n) changes nothing either.
    // SAFETY: deliberately NULL out_n.
    let st = unsafe { alpr::alpr_last_error_message(std::ptr::null_mut(), 0, std::ptr::null_mut()) };
    assert_eq!(st, alpr_status::NullParameter);
    let (st, msg) = last_error_sized();
    assert_eq!(st, alpr_status::InsufficientSize);
    assert!(msg.contains("invalid_character"), "{msg}");
}

#[test]
fn a_null_out_pointer_wins_over_a_parse_error() {
    let text = b"not = [toml";
    // SAFETY: valid text; deliberately NULL out-pointer.
    let st = unsafe { alpr::alpr_policy_from_toml(text.as_ptr(), text.len(), std::ptr::null_mut()) };
    assert_eq!(st, alpr_status::NullParameter);
    assert!(last_error_sized().1.contains("policy_out"));
}

const LIST: &str = r#"{"id": "SVS", "kind": "standard", "priority": 10, "loaded_at": "2026-11-28T08:00:00-08:00",
    "entries": [{"plate": "7ABC123", "jurisdiction": "CA", "category": "stolen_vehicle", "record_id": "V1"}]}"#;

fn load(reg: *const alpr::alpr_registry, json: &str) {
    // SAFETY: live registry; valid text.
    let st = unsafe { alpr::alpr_registry_load_json(reg, json.as_ptr(), json.len(), std::ptr::null_mut()) };
    assert_eq!(st, alpr_status::Ok);
}

fn entry_json(reg: *const alpr::alpr_registry, version: u64, i: usize) -> (alpr_status, String) {
    let mut buf = [0u8; 512];
    let mut n = 0usize;
    // SAFETY: live registry; valid buffer and out-pointer.
    let st = unsafe {
        alpr::alpr_registry_list_entry_json(
            reg,
            b"SVS".as_ptr(),
            3,
            version,
            i,
            buf.as_mut_ptr(),
            buf.len(),
            &raw mut n,
        )
    };
    let text = if st == alpr_status::Ok {
        String::from_utf8(buf[..n].to_vec()).unwrap()
    } else {
        String::new()
    };
    (st, text)
}

#[test]
fn an_entry_index_is_looked_up_in_its_own_version() {
    let mut reg: *const alpr::alpr_registry = std::ptr::null();
    // SAFETY: valid out-pointer.
    assert_eq!(
        unsafe { alpr::alpr_registry_new(std::ptr::null(), &raw mut reg) },
        alpr_status::Ok
    );
    load(reg, LIST);
    let plate = b"7ABC123";
    let read = alpr::alpr_read {
        plate: plate.as_ptr(),
        plate_len: plate.len(),
        origin: alpr::ALPR_ORIGIN_VEHICLE,
        observed_at_ms: 1_795_896_000_000,
        ..alpr::alpr_read_init()
    };
    // SAFETY: alpr_hit is plain data; all-zero is a valid value.
    let mut hits: [alpr::alpr_hit; 2] = unsafe { std::mem::zeroed() };
    let mut n = 0usize;
    // SAFETY: live registry, valid read and buffers.
    let st = unsafe {
        alpr::alpr_registry_match(
            reg,
            &raw const read,
            1_795_896_000_000,
            hits.as_mut_ptr(),
            2,
            &raw mut n,
        )
    };
    assert_eq!((st, n), (alpr_status::Ok, 1));
    let h = hits[0];
    assert_eq!(&h.entry_jurisdiction, b"CA");
    assert_eq!(&h.record_id[..3], b"V1\0");
    let (st, text) = entry_json(reg, h.list_version, h.entry_index as usize);
    assert_eq!(st, alpr_status::Ok);
    assert!(text.contains("7ABC123"));
    // Swap in a version whose entry 0 is another plate.
    load(reg, &LIST.replace("7ABC123", "5QRS777"));
    assert_eq!(
        entry_json(reg, h.list_version, h.entry_index as usize).0,
        alpr_status::VersionNotInForce
    );
    let (st, text) = entry_json(reg, 0, 0);
    assert_eq!(st, alpr_status::Ok);
    assert!(text.contains("5QRS777"));
    // SAFETY: created above.
    unsafe { alpr::alpr_registry_free(reg) };
}
