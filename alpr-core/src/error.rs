//! The one error taxonomy of the library.
//!
//! Every failure, refusal and violation the library can report has a [`Code`]: a stable
//! snake_case name from the specification's vocabulary (`invalid_character`,
//! `confirmation_required`, …) and a stable number. The C ABI renders the same table as
//! `alpr_status` (`ALPR_STATUS_INVALID_CHARACTER = 101`) and Python as exception classes whose
//! `code` attribute is the snake_case name; both are checked against [`Code::ALL`] by tests, so a
//! new variant cannot be forgotten in one surface.
//!
//! Numbers are blocked by origin, SQLite style, with `0` meaning success on the C side:
//!
//! | range | origin |
//! |---|---|
//! | 1–99 | misuse of the C ABI (defined in `alpr-ffi` only) |
//! | 100s | plates, jurisdictions, plate types |
//! | 200s | hot lists, patterns, file formats |
//! | 300s | matching, hits and their workflow, officer hot plates |
//! | 400s | retention, access control, audit, sharing |
//! | 500s | public records and operations |
//! | 900s | general: arguments, policy, I/O at the skins |
//!
//! Never renumber or reuse a code; retire one with a `// Reserved:` comment.
//!
//! An [`Error`] is a code plus where it happened ([`Position`]) and a short detail. Messages never
//! contain plate text: plates are personal data, so a message names the rule, the position and the
//! class of the offending character instead.

use std::fmt;

/// `Result` with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $num:literal, $name:literal, $text:literal; )*) => {
        /// A stable code from the specification's vocabulary.
        ///
        /// `Display` and serde give the snake_case name (`invalid_character`); [`Code::number`]
        /// gives the stable number used as the C status.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u32)]
        pub enum Code {
            $( $(#[$doc])* $variant = $num, )*
        }

        impl Code {
            /// Every code, in ascending number.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The snake_case name, as in the specification.
            pub const fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            /// The snake_case name as a NUL-terminated C string (for the C ABI's static text).
            pub const fn as_cstr(self) -> &'static std::ffi::CStr {
                match self { $( Code::$variant => {
                    const C: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(concat!($name, "\0").as_bytes()) {
                        Ok(c) => c,
                        Err(_) => panic!("code names contain no NUL"),
                    };
                    C
                } )* }
            }

            /// A one-line description, without any input text.
            pub const fn description(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            /// The code with this number, if any.
            pub const fn from_number(n: u32) -> Option<Code> {
                match n { $( $num => Some(Code::$variant), )* _ => None }
            }

            /// The code with this snake_case name, if any.
            pub fn from_name(name: &str) -> Option<Code> {
                match name { $( $name => Some(Code::$variant), )* _ => None }
            }
        }
    };
}

codes! {
    // 100s: plates, jurisdictions, plate types.
    /// Nothing is left after removing separators (R-NORM-6).
    Empty = 100, "empty", "nothing left after removing separators (R-NORM-6)";
    /// A character outside the plate alphabet and the fold tables (R-NORM-5).
    InvalidCharacter = 101, "invalid_character", "character not allowed in a plate (R-NORM-5)";
    /// More than 10 characters, or a raw input over 64 bytes (R-NORM-7).
    TooLong = 102, "too_long", "more than 10 plate characters or 64 input bytes (R-NORM-7)";
    /// Not a known two-letter jurisdiction code (§1).
    InvalidJurisdiction = 103, "invalid_jurisdiction", "not a known jurisdiction code (R-NORM)";
    /// Not a two-character NCIC plate type (`LIT`) code (§1).
    InvalidPlateType = 104, "invalid_plate_type", "not a two-character NCIC plate type code";
    /// A placeholder such as `UNK` or `NOPLATE` where a plate is required (R-LIST-6).
    PlaceholderPlate = 105, "placeholder_plate", "placeholder instead of a plate (R-LIST-6)";

    // 200s: hot lists, patterns, file formats.
    /// A pattern in a `standard` list; NCIC forbids partial plates (R-LIST-6).
    PatternNotAllowed = 200, "pattern_not_allowed", "pattern in a standard list (R-LIST-6)";
    /// A pattern with fewer than 3 literal characters (R-MATCH-6).
    PatternTooBroad = 201, "pattern_too_broad", "pattern with fewer than 3 literal characters (R-MATCH-6)";
    /// A pattern with more than 2 `*` or more than 10 positions (R-MATCH-6).
    InvalidPattern = 202, "invalid_pattern", "pattern with too many stars or positions (R-MATCH-6)";
    /// A date or time that is malformed or does not exist (R-LIST-6).
    InvalidDate = 203, "invalid_date", "malformed or impossible date (R-LIST-6)";
    /// A category outside the table of §2.1 (R-LIST-6).
    InvalidCategory = 204, "invalid_category", "unknown category (R-LIST-6)";
    /// A category the policy forbids (R-LIST-8).
    CategoryForbidden = 205, "category_forbidden", "category forbidden by the policy (R-LIST-8)";
    /// More than the policy's `max_rejected_fraction` of records were rejected (R-LIST-6).
    TooManyRejected = 206, "too_many_rejected", "too many rejected records; load refused (R-LIST-6)";
    /// A CSV header without a required column (R-LIST-7).
    MissingColumn = 207, "missing_column", "required column missing from the header (R-LIST-7)";
    /// A CLEW footer count that differs from the records read (R-LIST-7).
    RecordCountMismatch = 208, "record_count_mismatch", "footer count differs from records read (R-LIST-7)";
    /// A CLEW file without its footer: a cut-off download (R-LIST-7).
    TruncatedFile = 209, "truncated_file", "file ends without its footer (R-LIST-7)";
    /// An NCIC extract line shorter than 39 characters (R-LIST-7).
    ShortRecord = 210, "short_record", "record shorter than its fixed columns (R-LIST-7)";
    /// Bytes that are not valid UTF-8 (R-LIST-7, and any string crossing the C ABI).
    InvalidUtf8 = 211, "invalid_utf8", "input is not valid UTF-8";
    /// A file with no records and no header at all.
    EmptyFile = 212, "empty_file", "file is empty";
    /// A header line that is missing or malformed (CLEW `DATE…`, CSV header row).
    InvalidHeader = 213, "invalid_header", "missing or malformed header line";
    /// A line longer than the format allows.
    LineTooLong = 214, "line_too_long", "line longer than the format allows";
    /// A field value that is malformed for its column (a year that is not a number, bad quoting).
    InvalidField = 215, "invalid_field", "malformed field value";
    /// A cell that starts like a spreadsheet formula (`=`, `+`, `-`, `@`): CSV/formula injection.
    FormulaInjection = 216, "formula_injection", "cell starts like a spreadsheet formula";
    /// No list with that id is loaded.
    UnknownList = 217, "unknown_list", "no list with that id";
    /// A file with a header (and footer) but not one record: a failed export, never a real list.
    NoRecords = 218, "no_records", "file has no records";
    // Reserved for hot lists: 219-299.

    // 300s: matching, hits and their workflow, officer hot plates.
    /// The event is not allowed in the hit's current status (R-HIT-6).
    InvalidTransition = 300, "invalid_transition", "event not allowed in this status (R-HIT-6)";
    /// The hit must be acknowledged first (R-HIT-6).
    NotAcknowledged = 301, "not_acknowledged", "hit not acknowledged yet (R-HIT-6)";
    /// The hit's status must be confirmed first (R-HIT-1, R-HIT-4).
    ConfirmationRequired = 302, "confirmation_required", "hit not confirmed (R-HIT-1, R-HIT-4)";
    /// No independent reasonable suspicion or probable cause recorded (R-HIT-1).
    IndependentBasisRequired = 303, "independent_basis_required", "no independent basis recorded (R-HIT-1)";
    /// Special and covert hits are informational only: no broadcast (R-HIT-3).
    InformationalOnly = 304, "informational_only", "special or covert hit is informational only (R-HIT-3)";
    /// An MDC query of the plate before the broadcast, from a car (R-HIT-4; recorded, not refused).
    MdcQueryBeforeBroadcast = 305, "mdc_query_before_broadcast", "MDC query before broadcast (R-HIT-4)";
    /// A hot plate without `expires_at` (R-HOTPLATE-1).
    ExpiryMissing = 310, "expiry_missing", "hot plate has no expiry (R-HOTPLATE-1)";
    /// A hot plate expiring at or before its entry (R-HOTPLATE-1).
    ExpiryBeforeEntry = 311, "expiry_before_entry", "expiry not after entry (R-HOTPLATE-1)";
    /// A hot plate expiring more than 30 calendar days after entry (R-HOTPLATE-1).
    ExpiryExceeds30Days = 312, "expiry_exceeds_30_days", "expiry more than 30 calendar days after entry (R-HOTPLATE-1)";
    /// A hot plate also entered elsewhere expiring more than 24 hours after entry (R-HOTPLATE-2).
    ExpiryExceeds24Hours = 313, "expiry_exceeds_24_hours", "expiry more than 24 hours after entry (R-HOTPLATE-2)";
    /// A distributed hot plate without the entering officer's name (R-HOTPLATE-3).
    MissingOfficerName = 314, "missing_officer_name", "officer name required (R-HOTPLATE-3)";
    /// A distributed hot plate without a contact phone (R-HOTPLATE-3).
    MissingContactPhone = 315, "missing_contact_phone", "contact phone required (R-HOTPLATE-3)";
    /// A distributed hot plate without a case number (R-HOTPLATE-3).
    MissingCaseNumber = 316, "missing_case_number", "case number required (R-HOTPLATE-3)";
    /// A distributed hot plate without a synopsis (R-HOTPLATE-3).
    MissingSynopsis = 317, "missing_synopsis", "synopsis required (R-HOTPLATE-3)";
    /// A hot plate without a jurisdiction (R-HOTPLATE-4).
    MissingJurisdiction = 318, "missing_jurisdiction", "jurisdiction required (R-HOTPLATE-4)";
    /// The hit handle was already closed or released.
    HitClosed = 319, "hit_closed", "hit already closed";
    // Reserved for matching and hits: 320-399.

    // 400s: retention, access control, audit, sharing.
    /// The user's account is not active (R-ACCESS-2).
    AccountInactive = 400, "account_inactive", "account not active (R-ACCESS-2)";
    /// The user has no ALPR training on record (R-ACCESS-2).
    NotTrained = 401, "not_trained", "user not trained (R-ACCESS-2)";
    /// The user's training is older than the recertification period (R-ACCESS-2).
    TrainingExpired = 402, "training_expired", "training older than the recertification period (R-ACCESS-2)";
    /// The user lacks clearance (R-ACCESS-2).
    NoClearance = 403, "no_clearance", "user lacks clearance (R-ACCESS-2)";
    /// The action is outside the user's roles (R-ACCESS-3).
    ActionNotPermitted = 404, "action_not_permitted", "action outside the user's roles (R-ACCESS-3)";
    /// The action needs a purpose (R-ACCESS-4).
    PurposeRequired = 405, "purpose_required", "purpose required (R-ACCESS-4)";
    /// The purpose is not one the policy permits (R-ACCESS-4).
    PurposeNotPermitted = 406, "purpose_not_permitted", "purpose not permitted (R-ACCESS-4)";
    /// The purpose needs a case number (R-ACCESS-4).
    CaseNumberRequired = 407, "case_number_required", "case number required (R-ACCESS-4)";
    /// The purpose needs an approval by a supervisor or ALPR administrator (R-ACCESS-4).
    ApprovalRequired = 408, "approval_required", "approval required (R-ACCESS-4)";
    /// An operation was refused because its access decision was a denial (R-ACCESS-1).
    AccessDenied = 409, "access_denied", "access denied (R-ACCESS-1)";
    /// The recipient may not receive ALPR data (R-SHARE-3).
    RecipientNotPermitted = 410, "recipient_not_permitted", "recipient not permitted (R-SHARE-3)";
    /// The share needs an approval that was not given (R-SHARE-1, R-SHARE-2).
    NeedsApproval = 411, "needs_approval", "approval needed before sharing (R-SHARE-1, R-SHARE-2)";
    /// The audit record could not be written, so the operation failed (R-AUDIT-3).
    AuditWriteFailed = 420, "audit_write_failed", "audit record could not be written (R-AUDIT-3)";
    /// A record's hash does not hold: the log was changed (R-AUDIT-2).
    AuditChainBroken = 421, "audit_chain_broken", "audit hash chain broken (R-AUDIT-2)";
    /// The log ends before the exported head: its tail was cut (R-AUDIT-2).
    AuditTruncated = 422, "audit_truncated", "audit log shorter than its exported head (R-AUDIT-2)";
    /// The last line of an audit file is incomplete (a torn write).
    AuditTornRecord = 423, "audit_torn_record", "incomplete last audit record";
    /// A record or hit event dated before the one it follows (R-AUDIT-1, R-HIT-9).
    TimeRegression = 424, "time_regression", "dated before the record or event it follows (R-AUDIT-1, R-HIT-9)";
    /// Another writer (process or handle) holds the audit file's lock.
    AuditLocked = 425, "audit_locked", "audit file is locked by another writer";
    /// The audit file is not as this writer left it (another writer, an edit, a replaced file).
    // Last added.
    AuditFileChanged = 426, "audit_file_changed", "audit file changed since this writer's last append";
    // Reserved for retention, access, audit and sharing: 427-499.

    // 500s: public records and operations.
    /// A refused PRA referral without the citizen's name (R-PRA-1).
    MissingCitizenName = 500, "missing_citizen_name", "citizen name required (R-PRA-1)";
    /// A refused PRA referral without a contact, phone or e-mail (R-PRA-1).
    MissingContact = 501, "missing_contact", "contact required (R-PRA-1)";
    /// A refused PRA referral without a description of the records (R-PRA-1).
    MissingDescription = 502, "missing_description", "description of the records required (R-PRA-1)";
    // Reserved for public records and operations: 503-599.

    // 900s: general.
    /// An argument outside its domain (an unknown enum value, a negative count, malformed JSON).
    InvalidArgument = 900, "invalid_argument", "argument outside its domain";
    /// A policy profile that does not parse or contradicts itself.
    InvalidPolicy = 901, "invalid_policy", "invalid policy profile";
    /// A file could not be read or written (the skins' file-path conveniences).
    Io = 902, "io", "file could not be read or written";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Code {
    /// The stable number of this code (the C status value).
    pub const fn number(self) -> u32 {
        self as u32
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Code::from_name(&s).ok_or_else(|| serde::de::Error::custom("unknown code"))
    }
}

/// Where in the input a failure happened. Every field is optional; a parser fills what it knows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Position {
    /// 1-based line in a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column (in characters) within the line, or the 1-based field number in CSV.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// 0-based character (Unicode scalar value) index within the field or string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub character: Option<u32>,
    /// 0-based index of the record in a list of records handed over as values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
}

impl Position {
    /// A position that is only a character index.
    pub const fn at_char(character: u32) -> Position {
        Position {
            line: None,
            column: None,
            character: Some(character),
            index: None,
        }
    }

    /// A position that is only a line.
    pub const fn at_line(line: u32) -> Position {
        Position {
            line: Some(line),
            column: None,
            character: None,
            index: None,
        }
    }

    /// Whether no field is set.
    pub const fn is_empty(&self) -> bool {
        self.line.is_none() && self.column.is_none() && self.character.is_none() && self.index.is_none()
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        for (name, v) in [
            ("record", self.index),
            ("line", self.line),
            ("column", self.column),
            ("character", self.character),
        ] {
            if let Some(v) = v {
                write!(f, "{sep}{name} {v}")?;
                sep = ", ";
            }
        }
        Ok(())
    }
}

/// A failure: a stable [`Code`], where it happened and a short detail that never contains input
/// text (plates are personal data).
///
/// ```
/// use alpr_core::{Code, Plate};
/// let err = "AB/123".parse::<Plate>().unwrap_err();
/// assert_eq!(err.code(), Code::InvalidCharacter);
/// assert_eq!(err.position().character, Some(2));
/// assert!(!err.to_string().contains("AB"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Error {
    code: Code,
    position: Position,
    detail: std::borrow::Cow<'static, str>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.as_str())?;
        if !self.position.is_empty() {
            write!(f, " at {}", self.position)?;
        }
        if self.detail.is_empty() {
            write!(f, ": {}", self.code.description())
        } else {
            write!(f, ": {}", self.detail)
        }
    }
}

impl Error {
    /// An error with a code and no position or detail.
    pub const fn new(code: Code) -> Error {
        Error {
            code,
            position: Position {
                line: None,
                column: None,
                character: None,
                index: None,
            },
            detail: std::borrow::Cow::Borrowed(""),
        }
    }

    /// Sets the detail. The caller guarantees it contains no plate text.
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<std::borrow::Cow<'static, str>>) -> Error {
        self.detail = detail.into();
        self
    }

    /// Sets the whole position.
    #[must_use]
    pub const fn with_position(mut self, position: Position) -> Error {
        self.position = position;
        self
    }

    /// Sets the 1-based line.
    #[must_use]
    pub const fn at_line(mut self, line: u32) -> Error {
        self.position.line = Some(line);
        self
    }

    /// Sets the 1-based column.
    #[must_use]
    pub const fn at_column(mut self, column: u32) -> Error {
        self.position.column = Some(column);
        self
    }

    /// Sets the 0-based record index.
    #[must_use]
    pub const fn at_index(mut self, index: u32) -> Error {
        self.position.index = Some(index);
        self
    }

    /// The stable code.
    pub const fn code(&self) -> Code {
        self.code
    }

    /// Where it happened.
    pub const fn position(&self) -> Position {
        self.position
    }

    /// The short detail (may be empty; never contains input text).
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl From<Code> for Error {
    fn from(code: Code) -> Error {
        Error::new(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names_round_trip() {
        let mut prev = 0;
        for &c in Code::ALL {
            assert!(c.number() > prev, "codes are listed in ascending order");
            prev = c.number();
            assert_eq!(Code::from_number(c.number()), Some(c));
            assert_eq!(Code::from_name(c.as_str()), Some(c));
            assert!((100..1000).contains(&c.number()), "1-99 belong to the C ABI");
            assert!(
                c.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            );
        }
        assert_eq!(Code::from_number(0), None);
        assert_eq!(Code::from_name("nope"), None);
    }

    #[test]
    fn display_names_the_position_and_never_input() {
        let e = Error::new(Code::InvalidDate).at_line(3).at_column(4);
        assert_eq!(
            e.to_string(),
            "invalid_date at line 3, column 4: malformed or impossible date (R-LIST-6)"
        );
    }
}
