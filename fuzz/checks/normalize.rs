//! `normalize` (SPEC §1): never panics; a result is 1–10 characters of `A-Z0-9` and is a fixed
//! point (R-NORM-8); jurisdiction and plate-type parsing never panic and give two-byte codes.

use alpr_core::{Jurisdiction, PLATE_MAX_LEN, PlateType, normalize};

pub(crate) fn run(data: &[u8]) {
    let raw = super::text(data);
    if let Ok(n) = normalize(&raw) {
        let text = n.plate.to_string();
        assert!((1..=PLATE_MAX_LEN).contains(&text.len()), "plate length {}", text.len());
        assert!(
            text.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
            "plate alphabet"
        );
        let again = normalize(&text).expect("a normalized plate normalizes");
        assert_eq!(again.plate, n.plate, "normalize is idempotent (R-NORM-8)");
        assert!(!again.folded, "a canonical plate has nothing to fold");
    }
    if let Ok(j) = Jurisdiction::parse(&raw) {
        assert_eq!(j.as_str().len(), 2);
        assert_eq!(Jurisdiction::parse(j.as_str()).ok(), Some(j));
    }
    if let Ok(t) = PlateType::parse(&raw) {
        assert_eq!(t.as_str().len(), 2);
    }
}
