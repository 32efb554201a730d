//! Plates, jurisdictions and plate types (SPEC §1, `R-NORM-1`…`R-NORM-9`).
//!
//! A [`Plate`] is 1 to 10 characters of `A-Z0-9`, packed into one `u64` (6 bits a character,
//! first character in the highest bits), so it is `Copy`, hashes as one word and orders like its
//! text. [`normalize`] maps raw text (OCR output, a hot-list field, a person's typing) to a plate
//! or fails with one [`Code`].

use std::fmt;
use std::str::FromStr;

use crate::error::{Code, Error, Position, Result};

/// The longest plate, in characters (the NCIC plate-number field width).
pub const PLATE_MAX_LEN: usize = 10;

/// The longest raw input normalization looks at, in bytes (R-NORM-7).
pub const RAW_MAX_BYTES: usize = 64;

/// The plate alphabet in code order: code `i + 1` is `ALPHABET[i]`; `0` marks the end.
pub const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The 6-bit code (1..=36) of an `A-Z0-9` byte, or 0 for any other byte.
#[inline]
pub const fn char_code(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0' + 1,
        b'A'..=b'Z' => b - b'A' + 11,
        _ => 0,
    }
}

/// The `A-Z0-9` byte of a code in 1..=36.
#[inline]
pub const fn code_char(code: u8) -> u8 {
    ALPHABET[(code - 1) as usize]
}

/// A normalized license plate: 1 to 10 characters of `A-Z0-9`.
///
/// Cheap to copy, hash and compare; orders like its text.
///
/// ```
/// use alpr_core::Plate;
/// let p: Plate = " 7abc-123 ".parse()?;
/// assert_eq!(p.to_string(), "7ABC123");
/// assert_eq!(p.len(), 7);
/// # Ok::<(), alpr_core::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Plate(u64);

impl Plate {
    /// Packs canonical bytes (`A-Z0-9`, 1 to 10 of them) into a plate; `None` for anything else.
    pub const fn from_canonical(bytes: &[u8]) -> Option<Plate> {
        if bytes.is_empty() || bytes.len() > PLATE_MAX_LEN {
            return None;
        }
        // The characters, then the zero padding in one shift (not a branch a position).
        let mut packed = 0u64;
        let mut i = 0;
        while i < bytes.len() {
            let c = char_code(bytes[i]);
            if c == 0 {
                return None;
            }
            packed = (packed << 6) | c as u64;
            i += 1;
        }
        Some(Plate(packed << (6 * (PLATE_MAX_LEN - bytes.len()))))
    }

    /// The packed representation: 6 bits a character, first character highest, zero-padded.
    pub const fn packed(self) -> u64 {
        self.0
    }

    /// The plate with this packed representation, if it is one.
    pub fn from_packed(packed: u64) -> Option<Plate> {
        let p = Plate(packed);
        (packed >> 60 == 0 && p.code_at(0) != 0 && {
            let n = p.len();
            (0..n).all(|i| p.code_at(i) <= 36) && (n..PLATE_MAX_LEN).all(|i| p.code_at(i) == 0)
        })
        .then_some(p)
    }

    /// A plate from a packed value the crate itself made from a plate (an index's own tables):
    /// no re-validation. Any other value must go through [`Plate::from_packed`].
    #[inline]
    pub(crate) const fn from_packed_trusted(packed: u64) -> Plate {
        Plate(packed)
    }

    /// The 6-bit code of character `i` (0 past the end).
    #[inline]
    pub const fn code_at(self, i: usize) -> u8 {
        ((self.0 >> (6 * (PLATE_MAX_LEN - 1 - i))) & 0x3f) as u8
    }

    /// The byte of character `i`.
    ///
    /// # Panics
    /// When `i >= self.len()`.
    #[inline]
    pub const fn byte_at(self, i: usize) -> u8 {
        assert!(i < self.len(), "index past the plate");
        code_char(self.code_at(i))
    }

    /// Number of characters, 1 to 10.
    #[inline]
    pub const fn len(self) -> usize {
        // Codes are non-zero up to the length, then zero: count the zero 6-bit groups at the end.
        let tz = self.0.trailing_zeros() as usize;
        PLATE_MAX_LEN - tz / 6
    }

    /// Always false: a plate has at least one character.
    pub const fn is_empty(self) -> bool {
        false
    }

    /// The characters, in a fixed buffer with the length.
    pub fn to_bytes(self) -> ([u8; PLATE_MAX_LEN], usize) {
        let mut buf = [0u8; PLATE_MAX_LEN];
        let n = self.len();
        for (i, b) in buf.iter_mut().enumerate().take(n) {
            *b = code_char(self.code_at(i));
        }
        (buf, n)
    }
}

impl fmt::Display for Plate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (buf, n) = self.to_bytes();
        // The buffer holds only ASCII alphanumerics.
        f.write_str(std::str::from_utf8(&buf[..n]).unwrap_or_default())
    }
}

impl fmt::Debug for Plate {
    // Debug output is for developers; plates are personal data, but a Debug of a Plate is an
    // explicit request to see it (it never appears in error messages).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Plate({self})")
    }
}

impl FromStr for Plate {
    type Err = Error;
    fn from_str(s: &str) -> Result<Plate> {
        normalize(s).map(|n| n.plate)
    }
}

impl serde::Serialize for Plate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Plate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        normalize(&s).map(|n| n.plate).map_err(serde::de::Error::custom)
    }
}

/// The result of [`normalize`]: the plate, and whether a fullwidth, Cyrillic or Greek character
/// was folded to reach it (R-NORM-3, R-NORM-4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Normalized {
    /// The canonical plate.
    pub plate: Plate,
    /// True when any character was folded from a fullwidth, Cyrillic or Greek form, or a
    /// fullwidth space (U+3000) or hyphen (U+FF0D) was removed; removing any other separator
    /// is not a fold.
    pub folded: bool,
}

/// What one raw character means to normalization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CharClass {
    /// Removed wherever it appears (R-NORM-1, R-NORM-3).
    Separator,
    /// A plate character (`A-Z0-9`), and whether it was folded.
    Plate(u8, bool),
    /// Anything else (R-NORM-5).
    Invalid,
}

/// Classifies one raw character (R-NORM-1…5).
#[inline]
pub(crate) fn classify(c: char) -> CharClass {
    match c {
        'A'..='Z' | '0'..='9' => CharClass::Plate(c as u8, false),
        'a'..='z' => CharClass::Plate(c.to_ascii_uppercase() as u8, false),
        // The common separators first, so plain ASCII input never reaches the tables below.
        ' ' | '-' | '.' | '_' => CharClass::Separator,
        // Fullwidth digits and letters (R-NORM-3).
        '\u{FF10}'..='\u{FF19}' => CharClass::Plate(b'0' + (c as u32 - 0xFF10) as u8, true),
        '\u{FF21}'..='\u{FF3A}' => CharClass::Plate(b'A' + (c as u32 - 0xFF21) as u8, true),
        '\u{FF41}'..='\u{FF5A}' => CharClass::Plate(b'A' + (c as u32 - 0xFF41) as u8, true),
        _ if is_separator(c) => CharClass::Separator,
        _ => match fold_lookalike(c) {
            Some(b) => CharClass::Plate(b, true),
            None => CharClass::Invalid,
        },
    }
}

/// The dashes: every character of Unicode general category `Pd` (Dash_Punctuation), as R-NORM-1
/// lists them (Unicode 16).
pub const DASHES: &[char] = &[
    '\u{002D}',
    '\u{058A}',
    '\u{05BE}',
    '\u{1400}',
    '\u{1806}',
    '\u{2010}',
    '\u{2011}',
    '\u{2012}',
    '\u{2013}',
    '\u{2014}',
    '\u{2015}',
    '\u{2E17}',
    '\u{2E1A}',
    '\u{2E3A}',
    '\u{2E3B}',
    '\u{2E40}',
    '\u{2E5D}',
    '\u{301C}',
    '\u{3030}',
    '\u{30A0}',
    '\u{FE31}',
    '\u{FE32}',
    '\u{FE58}',
    '\u{FE63}',
    '\u{FF0D}',
    '\u{10EAD}',
];

/// The invisible format characters R-NORM-1 removes: soft hyphen, zero-width space, non-joiner
/// and joiner, word joiner, and the zero-width no-break space (the byte-order mark).
pub const INVISIBLE_SEPARATORS: &[char] = &['\u{00AD}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// Whether R-NORM-1 removes `c`: every Unicode `White_Space` character (`char::is_whitespace`),
/// every dash ([`DASHES`]), the invisible format characters ([`INVISIBLE_SEPARATORS`]), `.`,
/// `·` (U+00B7) and `_`.
pub fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | '\u{00B7}' | '_') || DASHES.contains(&c) || INVISIBLE_SEPARATORS.contains(&c)
}

/// Whether removing the separator `c` is a fold of R-NORM-3 (the fullwidth space U+3000 and
/// hyphen U+FF0D): a plate reached through it reports `folded = true`.
const fn is_folded_separator(c: char) -> bool {
    matches!(c, '\u{3000}' | '\u{FF0D}')
}

/// The reviewed Cyrillic and Greek look-alike table of R-NORM-4 (capital and small letters).
fn fold_lookalike(c: char) -> Option<u8> {
    Some(match c {
        // Cyrillic capitals and smalls.
        'А' | 'а' => b'A',
        'В' | 'в' => b'B',
        'Е' | 'е' => b'E',
        'К' | 'к' => b'K',
        'М' | 'м' => b'M',
        'Н' | 'н' => b'H',
        'О' | 'о' => b'O',
        'Р' | 'р' => b'P',
        'С' | 'с' => b'C',
        'Т' | 'т' => b'T',
        'У' | 'у' => b'Y',
        'Х' | 'х' => b'X',
        // Greek capitals and smalls.
        'Α' | 'α' => b'A',
        'Β' | 'β' => b'B',
        'Ε' | 'ε' => b'E',
        'Ζ' | 'ζ' => b'Z',
        'Η' | 'η' => b'H',
        'Ι' | 'ι' => b'I',
        'Κ' | 'κ' => b'K',
        'Μ' | 'μ' => b'M',
        'Ν' | 'ν' => b'N',
        'Ο' | 'ο' => b'O',
        'Ρ' | 'ρ' => b'P',
        'Τ' | 'τ' => b'T',
        'Υ' | 'υ' => b'Y',
        'Χ' | 'χ' => b'X',
        _ => return None,
    })
}

/// A short name of a character's class for error details: never the character itself.
pub(crate) fn char_class_name(c: char) -> &'static str {
    if c == '\0' {
        "NUL"
    } else if c.is_control() {
        "control character"
    } else if matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2061}'..='\u{206F}') {
        "invisible or direction-control character"
    } else if c.is_ascii_punctuation() {
        "ASCII punctuation"
    } else if c.is_alphabetic() {
        "letter outside A-Z and the fold table"
    } else if c.is_numeric() {
        "digit outside 0-9"
    } else {
        "symbol"
    }
}

/// Normalizes raw text to a plate (R-NORM-1…9).
///
/// # Errors
/// - `too_long` for raw input over 64 bytes, or more than 10 plate characters after folding;
/// - `invalid_character` (with its 0-based position in Unicode scalar values) for the first
///   character outside the plate alphabet, the separators ([`is_separator`]: white space, dashes,
///   invisible format characters, `.`, `·`, `_`) and the fold tables, such as a control
///   character that is not white space (NUL, U+001C);
/// - `empty` when nothing is left.
///
/// When the input has both an invalid character and too many plate characters, the invalid
/// character is reported: it is the more specific fault.
///
/// ```
/// use alpr_core::{normalize, Code};
/// let n = normalize("７ＡＢＣ１２３")?;
/// assert_eq!((n.plate.to_string().as_str(), n.folded), ("7ABC123", true));
/// assert_eq!(normalize("  -  ").unwrap_err().code(), Code::Empty);
/// # Ok::<(), alpr_core::Error>(())
/// ```
pub fn normalize(raw: &str) -> Result<Normalized> {
    if raw.len() > RAW_MAX_BYTES {
        return Err(Error::new(Code::TooLong).with_detail(format!("raw input longer than {RAW_MAX_BYTES} bytes")));
    }
    // Fast path: already canonical ASCII (the common case for OCR output and list fields).
    if let Some(plate) = Plate::from_canonical(raw.as_bytes()) {
        return Ok(Normalized { plate, folded: false });
    }
    let mut buf = [0u8; PLATE_MAX_LEN];
    let mut n = 0usize;
    let mut folded = false;
    let mut too_long = false;
    for (i, c) in raw.chars().enumerate() {
        match classify(c) {
            CharClass::Separator => folded |= is_folded_separator(c),
            CharClass::Plate(b, f) => {
                folded |= f;
                if n < PLATE_MAX_LEN {
                    buf[n] = b;
                    n += 1;
                } else {
                    too_long = true;
                }
            }
            CharClass::Invalid => {
                return Err(Error::new(Code::InvalidCharacter)
                    .with_position(Position::at_char(i as u32))
                    .with_detail(char_class_name(c)));
            }
        }
    }
    if too_long {
        return Err(Error::new(Code::TooLong).with_detail(format!("more than {PLATE_MAX_LEN} plate characters")));
    }
    match Plate::from_canonical(&buf[..n]) {
        Some(plate) => Ok(Normalized { plate, folded }),
        None => Err(Error::new(Code::Empty)),
    }
}

/// A two-letter jurisdiction code: a US state, `DC`, a territory, `US` (US government plates)
/// or a Canadian province or territory.
///
/// ```
/// use alpr_core::Jurisdiction;
/// let j: Jurisdiction = " on ".parse()?;
/// assert_eq!(j.as_str(), "ON");
/// # Ok::<(), alpr_core::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Jurisdiction([u8; 2]);

/// Every jurisdiction code the library accepts, sorted.
pub const JURISDICTIONS: &[&str] = &[
    "AB", "AK", "AL", "AR", "AS", "AZ", "BC", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "GU", "HI", "IA", "ID", "IL",
    "IN", "KS", "KY", "LA", "MA", "MB", "MD", "ME", "MI", "MN", "MO", "MP", "MS", "MT", "NB", "NC", "ND", "NE", "NH",
    "NJ", "NL", "NM", "NS", "NT", "NU", "NV", "NY", "OH", "OK", "ON", "OR", "PA", "PE", "PR", "QC", "RI", "SC", "SD",
    "SK", "TN", "TX", "US", "UT", "VA", "VI", "VT", "WA", "WI", "WV", "WY", "YT",
];

/// The codes of [`JURISDICTIONS`] (all two letters `A`–`Z`) as a set of 26 × 26 bits: bit
/// `26·(a − 'A') + (b − 'A')` is set for the code `ab`. A lookup per record of a file load,
/// where a binary search over the list cost ~4 % of a CSV load.
const JURISDICTION_SET: [u64; 11] = {
    let mut set = [0u64; 11];
    let mut i = 0;
    while i < JURISDICTIONS.len() {
        let b = JURISDICTIONS[i].as_bytes();
        let n = (b[0] - b'A') as usize * 26 + (b[1] - b'A') as usize;
        set[n / 64] |= 1 << (n % 64);
        i += 1;
    }
    set
};

impl Jurisdiction {
    /// Parses a code: trimmed, upper-cased, then looked up.
    ///
    /// # Errors
    /// `invalid_jurisdiction` for anything not in [`JURISDICTIONS`].
    pub fn parse(raw: &str) -> Result<Jurisdiction> {
        let t = raw.trim().as_bytes();
        if t.len() == 2 {
            let code = [t[0].to_ascii_uppercase(), t[1].to_ascii_uppercase()];
            if code.iter().all(u8::is_ascii_uppercase) {
                let n = usize::from(code[0] - b'A') * 26 + usize::from(code[1] - b'A');
                if JURISDICTION_SET[n / 64] & (1 << (n % 64)) != 0 {
                    return Ok(Jurisdiction(code));
                }
            }
        }
        Err(Error::new(Code::InvalidJurisdiction))
    }

    /// The two-letter code.
    pub fn as_str(&self) -> &str {
        // Only codes from JURISDICTIONS (ASCII) are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for Jurisdiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Jurisdiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Jurisdiction({})", self.as_str())
    }
}

impl FromStr for Jurisdiction {
    type Err = Error;
    fn from_str(s: &str) -> Result<Jurisdiction> {
        Jurisdiction::parse(s)
    }
}

impl serde::Serialize for Jurisdiction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Jurisdiction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Jurisdiction::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A two-character NCIC license plate type (`LIT`) code such as `PC` (passenger), `MC`
/// (motorcycle) or `TK` (truck).
///
/// Any two ASCII letters or digits are accepted (upper-cased, trimmed): NCIC adds codes over the
/// years, and a hot list must not be rejected for a type it does not know; the type is only ever
/// compared for equality (R-MATCH-4).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlateType([u8; 2]);

impl PlateType {
    /// Parses a code.
    ///
    /// # Errors
    /// `invalid_plate_type` unless the trimmed text is two ASCII letters or digits.
    pub fn parse(raw: &str) -> Result<PlateType> {
        let t = raw.trim().as_bytes();
        if t.len() == 2 && t.iter().all(u8::is_ascii_alphanumeric) {
            Ok(PlateType([t[0].to_ascii_uppercase(), t[1].to_ascii_uppercase()]))
        } else {
            Err(Error::new(Code::InvalidPlateType))
        }
    }

    /// The two-character code.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for PlateType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for PlateType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlateType({})", self.as_str())
    }
}

impl FromStr for PlateType {
    type Err = Error;
    fn from_str(s: &str) -> Result<PlateType> {
        PlateType::parse(s)
    }
}

impl serde::Serialize for PlateType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for PlateType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        PlateType::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bit set of codes is the list: every pair of letters (and a few non-letters) parses
    /// exactly when the list holds it.
    #[test]
    fn jurisdiction_set_is_the_list() {
        let mut bytes: Vec<u8> = (b'A'..=b'Z').chain(b'a'..=b'z').collect();
        bytes.extend_from_slice(b"0@[`{ ");
        for &a in &bytes {
            for &b in &bytes {
                let s = String::from_utf8(vec![a, b]).unwrap();
                let up = s.to_ascii_uppercase();
                let want = JURISDICTIONS.contains(&up.as_str());
                assert_eq!(Jurisdiction::parse(&s).is_ok(), want, "{s}");
            }
        }
    }
    use proptest::prelude::*;

    #[test]
    fn packing_round_trips_and_orders_like_text() {
        let a = Plate::from_canonical(b"7ABC123").unwrap();
        let b = Plate::from_canonical(b"7ABC1234").unwrap();
        let c = Plate::from_canonical(b"8").unwrap();
        assert_eq!(a.to_string(), "7ABC123");
        assert_eq!((a.len(), b.len(), c.len()), (7, 8, 1));
        assert!(a < b && b < c);
        assert_eq!(Plate::from_packed(a.packed()), Some(a));
        assert_eq!(Plate::from_packed(0), None);
        let max = Plate::from_canonical(b"ZZZZZZZZZZ").unwrap();
        assert_eq!(max.len(), 10);
        assert_eq!(max.to_string(), "ZZZZZZZZZZ");
        assert_eq!(Plate::from_canonical(b"ZZZZZZZZZZZ"), None);
        assert_eq!(Plate::from_canonical(b"ab"), None);
    }

    #[test]
    fn errors_never_echo_input() {
        for raw in [
            "SECRET/1",
            "SECRETPLATE99",
            "",
            "SEC\u{200E}RET",
            "SEC\u{1C}RET",
            &"X".repeat(100),
        ] {
            let e = normalize(raw).unwrap_err();
            let msg = e.to_string();
            assert!(!msg.contains("SEC") && !msg.contains("XX"), "{msg}");
        }
    }

    #[test]
    fn hostile_inputs() {
        assert_eq!(normalize("AB\u{202E}C").unwrap_err().position().character, Some(2));
        assert_eq!(normalize("AB\u{200E}C").unwrap_err().position().character, Some(2));
        assert_eq!(normalize("😀").unwrap_err().code(), Code::InvalidCharacter);
        // 64 bytes exactly is looked at; 65 is refused before any work.
        assert_eq!(normalize(&" ".repeat(64)).unwrap_err().code(), Code::Empty);
        assert_eq!(normalize(&" ".repeat(65)).unwrap_err().code(), Code::TooLong);
        assert_eq!(normalize(&"A".repeat(1 << 20)).unwrap_err().code(), Code::TooLong);
    }

    #[test]
    fn jurisdictions() {
        assert!(JURISDICTIONS.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(Jurisdiction::parse("qc").unwrap().as_str(), "QC");
        for bad in ["", "C", "XX", "CAL", "C A", "ＣＡ"] {
            assert_eq!(Jurisdiction::parse(bad).unwrap_err().code(), Code::InvalidJurisdiction);
        }
    }

    /// R-NORM-1's dashes, written out from SPEC independently of [`DASHES`]: general category
    /// `Pd`.
    const SPEC_PD: &[u32] = &[
        0x2D, 0x58A, 0x5BE, 0x1400, 0x1806, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2E17, 0x2E1A, 0x2E3A,
        0x2E3B, 0x2E40, 0x2E5D, 0x301C, 0x3030, 0x30A0, 0xFE31, 0xFE32, 0xFE58, 0xFE63, 0xFF0D, 0x10EAD,
    ];
    /// R-NORM-1's Unicode `White_Space` list, written out from SPEC.
    const SPEC_WHITE_SPACE: &[u32] = &[
        0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
        0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
    ];
    /// R-NORM-1's invisible format characters and the three punctuation separators.
    const SPEC_OTHER_SEPARATORS: &[u32] = &[0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x2E, 0xB7, 0x5F];

    /// Every separator of R-NORM-1: every `char::is_whitespace`, every `Pd` character, the
    /// invisible ones and `.` `·` `_`.
    fn spec_separators() -> Vec<char> {
        let mut v: Vec<char> = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        v.extend(
            SPEC_PD
                .iter()
                .chain(SPEC_OTHER_SEPARATORS)
                .filter_map(|&u| char::from_u32(u)),
        );
        v.sort_unstable();
        v.dedup();
        v
    }

    #[test]
    fn separators_are_exactly_the_spec_list() {
        // The spec's White_Space list is what `char::is_whitespace` accepts.
        let ws: Vec<u32> = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .map(u32::from)
            .collect();
        assert_eq!(ws, SPEC_WHITE_SPACE);
        let seps = spec_separators();
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let want = seps.binary_search(&c).is_ok();
            assert_eq!(is_separator(c), want, "U+{:04X}", u32::from(c));
            if want {
                assert_eq!(classify(c), CharClass::Separator, "U+{:04X}", u32::from(c));
            }
        }
    }

    #[test]
    fn pasted_and_stacked_text_normalizes() {
        for (raw, plate, folded) in [
            ("7ABC123\n", "7ABC123", false),
            ("7ABC\r\n123", "7ABC123", false),
            ("7ABC\u{A0}123", "7ABC123", false),
            ("7ABC\u{2013}123", "7ABC123", false),
            ("7ABC\u{2014}123", "7ABC123", false),
            ("7AB\u{AD}C123", "7ABC123", false),
            ("\u{FEFF}7ABC123", "7ABC123", false),
            ("7ABC\u{2028}123", "7ABC123", false),
            ("7ABC\u{85}123\u{B}\u{C}", "7ABC123", false),
            ("7\u{200D}AB\u{2060}C\u{200C}123", "7ABC123", false),
            ("7ABC\u{10EAD}123", "7ABC123", false),
            // The fullwidth space and hyphen are folds of R-NORM-3.
            ("7ABC\u{3000}123", "7ABC123", true),
            ("7ABC\u{FF0D}123", "7ABC123", true),
        ] {
            let n = normalize(raw).unwrap();
            assert_eq!((n.plate.to_string().as_str(), n.folded), (plate, folded), "{raw:?}");
        }
        assert_eq!(normalize("\u{A0}\u{2013}\u{FEFF}\n").unwrap_err().code(), Code::Empty);
    }

    #[test]
    fn controls_that_are_not_white_space_are_invalid_at_their_position() {
        // U+001C…U+001F are information separators, not White_Space (Python's str.isspace
        // disagrees): they fail at their position, like NUL and the other controls.
        for c in [
            '\0', '\u{1}', '\u{1B}', '\u{1C}', '\u{1D}', '\u{1E}', '\u{1F}', '\u{7F}', '\u{80}', '\u{9F}',
        ] {
            let e = normalize(&format!("AB{c}1")).unwrap_err();
            assert_eq!(
                (e.code(), e.position().character),
                (Code::InvalidCharacter, Some(2)),
                "U+{:04X}",
                u32::from(c)
            );
            assert_eq!(e.detail(), if c == '\0' { "NUL" } else { "control character" });
        }
        // Punctuation, symbols and other format characters stay invalid.
        for (raw, at) in [
            ("I♥NY", 1),
            ("AB/1", 2),
            ("A+B", 1),
            ("AB\u{200E}1", 2),
            ("\u{2212}1", 0),
        ] {
            let e = normalize(raw).unwrap_err();
            assert_eq!(
                (e.code(), e.position().character),
                (Code::InvalidCharacter, Some(at)),
                "{raw:?}"
            );
        }
    }

    fn fold_input() -> impl Strategy<Value = String> {
        // Plate characters, separators, fold-table characters and a sprinkling of anything.
        let pieces = prop_oneof![
            8 => "[A-Za-z0-9]",
            2 => prop_oneof![Just(" "), Just("-"), Just("."), Just("_"), Just("\t"), Just("·"), Just("\u{3000}"), Just("－")].prop_map(String::from),
            2 => proptest::sample::select(spec_separators()).prop_map(String::from),
            2 => prop_oneof![Just("Ａ"), Just("ｚ"), Just("７"), Just("А"), Just("в"), Just("Ω"), Just("Ζ"), Just("χ")].prop_map(String::from),
            1 => any::<char>().prop_map(String::from),
        ];
        proptest::collection::vec(pieces, 0..16).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn never_panics_on_any_string(s in any::<String>()) {
            let _ = normalize(&s);
        }

        #[test]
        fn never_panics_on_any_bytes(b in proptest::collection::vec(any::<u8>(), 0..80)) {
            let s = String::from_utf8_lossy(&b);
            let _ = normalize(&s);
        }

        #[test]
        fn idempotent_and_in_alphabet(s in fold_input()) {
            if let Ok(n) = normalize(&s) {
                let text = n.plate.to_string();
                prop_assert!((1..=PLATE_MAX_LEN).contains(&text.len()));
                prop_assert!(text.bytes().all(|b| ALPHABET.contains(&b)));
                let again = normalize(&text).unwrap();
                prop_assert_eq!(again.plate, n.plate);
                prop_assert!(!again.folded);
            }
        }

        #[test]
        fn invariant_under_case_and_separators(s in "[A-Za-z0-9]{1,10}", sep in prop_oneof![Just(" "), Just("-"), Just("."), Just("_")]) {
            let base = normalize(&s.to_ascii_uppercase()).unwrap().plate;
            prop_assert_eq!(normalize(&s.to_ascii_lowercase()).unwrap().plate, base);
            let spaced: String = s.chars().flat_map(|c| [c.to_string(), sep.to_string()]).collect();
            if spaced.len() <= RAW_MAX_BYTES {
                prop_assert_eq!(normalize(&spaced).unwrap().plate, base);
            }
        }

        #[test]
        fn every_separator_is_removed_anywhere(
            s in "[A-Z0-9]{1,10}",
            seps in proptest::collection::vec((0usize..=10, proptest::sample::select(spec_separators())), 1..6),
        ) {
            // Every White_Space, every Pd and every listed invisible character, at any place
            // (before, inside, after), leaves the plate as it was (R-NORM-1).
            let mut chars: Vec<char> = s.chars().collect();
            let mut folded = false;
            for (at, c) in &seps {
                chars.insert((*at).min(chars.len()), *c);
                folded |= matches!(c, '\u{3000}' | '\u{FF0D}');
            }
            let raw: String = chars.into_iter().collect();
            prop_assume!(raw.len() <= RAW_MAX_BYTES);
            let n = normalize(&raw).unwrap();
            prop_assert_eq!(n.plate.to_string(), s);
            prop_assert_eq!(n.folded, folded);
            prop_assert_eq!(normalize(&n.plate.to_string()).unwrap().plate, n.plate);
        }

        #[test]
        fn invariant_under_the_fold_table(s in "[A-Z0-9]{1,10}") {
            // Fullwidth forms of every character fold back to the same plate.
            let wide: String = s.chars().map(|c| char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap()).collect();
            let n = normalize(&wide).unwrap();
            prop_assert_eq!(n.plate.to_string(), s);
            prop_assert!(n.folded);
        }
    }
}
