//! Status codes: the core's [`Code`] table plus the ABI's own misuse codes, as one C enum.

use std::ffi::c_char;

use alpr_core::Code;

use crate::boundary::{ffi_boundary, str_out, with_last_error, write_out};

/// The status every function returns. `ALPR_STATUS_OK` is 0; 1-99 are misuse of the ABI; 100 and
/// up are the core's stable codes (the same numbers and, lower-cased, the same names as the
/// specification's vocabulary). Numbers are never reused; retired ones stay reserved.
///
/// Functions take and return statuses as this enum, but C code should compare the value, and
/// `alpr_status_str` takes a plain `uint32_t`, so a newer library's unknown code is still printable.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum alpr_status {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullParameter = 1,
    /// The caller's buffer is too small; the size needed was reported.
    InsufficientSize = 2,
    /// A handle that is consumed by a call (a builder) was used again.
    AlreadyUsed = 3,
    /// A panic inside the library was caught; the operation did not complete.
    Panic = 4,
    /// The list version named (by its number, from `alpr_hit.list_version`) is no longer the one
    /// in force: another version replaced it, so its entry indexes mean nothing now.
    VersionNotInForce = 5,
    /// Nothing is left after removing separators (R-NORM-6).
    Empty = 100,
    /// A character outside the plate alphabet and the fold tables (R-NORM-5).
    InvalidCharacter = 101,
    /// More than 10 characters, or a raw input over 64 bytes (R-NORM-7).
    TooLong = 102,
    /// Not a known two-letter jurisdiction code (§1).
    InvalidJurisdiction = 103,
    /// Not a two-character NCIC plate type (`LIT`) code (§1).
    InvalidPlateType = 104,
    /// A placeholder such as `UNK` or `NOPLATE` where a plate is required (R-LIST-6).
    PlaceholderPlate = 105,
    /// A pattern in a `standard` list; NCIC forbids partial plates (R-LIST-6).
    PatternNotAllowed = 200,
    /// A pattern with fewer than 3 literal characters (R-MATCH-6).
    PatternTooBroad = 201,
    /// A pattern with more than 2 `*` or more than 10 positions (R-MATCH-6).
    InvalidPattern = 202,
    /// A date or time that is malformed or does not exist (R-LIST-6).
    InvalidDate = 203,
    /// A category outside the table of §2.1 (R-LIST-6).
    InvalidCategory = 204,
    /// A category the policy forbids (R-LIST-8).
    CategoryForbidden = 205,
    /// More than the policy's `max_rejected_fraction` of records were rejected (R-LIST-6).
    TooManyRejected = 206,
    /// A CSV header without a required column (R-LIST-7).
    MissingColumn = 207,
    /// A CLEW footer count that differs from the records read (R-LIST-7).
    RecordCountMismatch = 208,
    /// A CLEW file without its footer: a cut-off download (R-LIST-7).
    TruncatedFile = 209,
    /// An NCIC extract line shorter than 39 characters (R-LIST-7).
    ShortRecord = 210,
    /// Bytes that are not valid UTF-8 (R-LIST-7, and any string crossing the C ABI).
    InvalidUtf8 = 211,
    /// A file with no records and no header at all.
    EmptyFile = 212,
    /// A header line that is missing or malformed (CLEW `DATE…`, CSV header row).
    InvalidHeader = 213,
    /// A line longer than the format allows.
    LineTooLong = 214,
    /// A field value that is malformed for its column (a year that is not a number, bad quoting).
    InvalidField = 215,
    /// A cell that starts like a spreadsheet formula (`=`, `+`, `-`, `@`): CSV/formula injection.
    FormulaInjection = 216,
    /// No list with that id is loaded.
    UnknownList = 217,
    /// A file with a header (and footer) but not one record.
    NoRecords = 218,
    /// The event is not allowed in the hit's current status (R-HIT-6).
    InvalidTransition = 300,
    /// The hit must be acknowledged first (R-HIT-6).
    NotAcknowledged = 301,
    /// The hit's status must be confirmed first (R-HIT-1, R-HIT-4).
    ConfirmationRequired = 302,
    /// No independent reasonable suspicion or probable cause recorded (R-HIT-1).
    IndependentBasisRequired = 303,
    /// Special and covert hits are informational only: no broadcast (R-HIT-3).
    InformationalOnly = 304,
    /// An MDC query of the plate before the broadcast, from a car (R-HIT-4; recorded, not refused).
    MdcQueryBeforeBroadcast = 305,
    /// A hot plate without `expires_at` (R-HOTPLATE-1).
    ExpiryMissing = 310,
    /// A hot plate expiring at or before its entry (R-HOTPLATE-1).
    ExpiryBeforeEntry = 311,
    /// A hot plate expiring more than 30 calendar days after entry (R-HOTPLATE-1).
    // The underscores make cbindgen spell ALPR_STATUS_EXPIRY_EXCEEDS_30_DAYS, the spec's name.
    ExpiryExceeds_30_Days = 312,
    /// A hot plate also entered elsewhere expiring more than 24 hours after entry (R-HOTPLATE-2).
    ExpiryExceeds_24_Hours = 313,
    /// A distributed hot plate without the entering officer's name (R-HOTPLATE-3).
    MissingOfficerName = 314,
    /// A distributed hot plate without a contact phone (R-HOTPLATE-3).
    MissingContactPhone = 315,
    /// A distributed hot plate without a case number (R-HOTPLATE-3).
    MissingCaseNumber = 316,
    /// A distributed hot plate without a synopsis (R-HOTPLATE-3).
    MissingSynopsis = 317,
    /// A hot plate without a jurisdiction (R-HOTPLATE-4).
    MissingJurisdiction = 318,
    /// The hit handle was already closed or released.
    HitClosed = 319,
    /// The user's account is not active (R-ACCESS-2).
    AccountInactive = 400,
    /// The user has no ALPR training on record (R-ACCESS-2).
    NotTrained = 401,
    /// The user's training is older than the recertification period (R-ACCESS-2).
    TrainingExpired = 402,
    /// The user lacks clearance (R-ACCESS-2).
    NoClearance = 403,
    /// The action is outside the user's roles (R-ACCESS-3).
    ActionNotPermitted = 404,
    /// The action needs a purpose (R-ACCESS-4).
    PurposeRequired = 405,
    /// The purpose is not one the policy permits (R-ACCESS-4).
    PurposeNotPermitted = 406,
    /// The purpose needs a case number (R-ACCESS-4).
    CaseNumberRequired = 407,
    /// The purpose needs an approval by a supervisor or ALPR administrator (R-ACCESS-4).
    ApprovalRequired = 408,
    /// An operation was refused because its access decision was a denial (R-ACCESS-1).
    AccessDenied = 409,
    /// The recipient may not receive ALPR data (R-SHARE-3).
    RecipientNotPermitted = 410,
    /// The share needs an approval that was not given (R-SHARE-1, R-SHARE-2).
    NeedsApproval = 411,
    /// The audit record could not be written, so the operation failed (R-AUDIT-3).
    AuditWriteFailed = 420,
    /// A record's hash does not hold: the log was changed (R-AUDIT-2).
    AuditChainBroken = 421,
    /// The log ends before the exported head: its tail was cut (R-AUDIT-2).
    AuditTruncated = 422,
    /// The last line of an audit file is incomplete (a torn write).
    AuditTornRecord = 423,
    /// A record's time is before the time of the record it follows (R-AUDIT-1).
    TimeRegression = 424,
    /// Another writer (process or handle) holds the audit file's lock.
    AuditLocked = 425,
    /// The audit file is not as this writer left it (another writer, an edit, a replaced file).
    AuditFileChanged = 426,
    /// A refused PRA referral without the citizen's name (R-PRA-1).
    MissingCitizenName = 500,
    /// A refused PRA referral without a contact, phone or e-mail (R-PRA-1).
    MissingContact = 501,
    /// A refused PRA referral without a description of the records (R-PRA-1).
    MissingDescription = 502,
    /// An argument outside its domain (an unknown enum value, a negative count, malformed JSON).
    InvalidArgument = 900,
    /// A policy profile that does not parse or contradicts itself.
    InvalidPolicy = 901,
    /// A file could not be read or written (the skins' file-path conveniences).
    Io = 902,
}

/// The status of a core code. Exhaustive on purpose: a new core code must be added here.
pub const fn status_of(code: Code) -> alpr_status {
    match code {
        Code::Empty => alpr_status::Empty,
        Code::InvalidCharacter => alpr_status::InvalidCharacter,
        Code::TooLong => alpr_status::TooLong,
        Code::InvalidJurisdiction => alpr_status::InvalidJurisdiction,
        Code::InvalidPlateType => alpr_status::InvalidPlateType,
        Code::PlaceholderPlate => alpr_status::PlaceholderPlate,
        Code::PatternNotAllowed => alpr_status::PatternNotAllowed,
        Code::PatternTooBroad => alpr_status::PatternTooBroad,
        Code::InvalidPattern => alpr_status::InvalidPattern,
        Code::InvalidDate => alpr_status::InvalidDate,
        Code::InvalidCategory => alpr_status::InvalidCategory,
        Code::CategoryForbidden => alpr_status::CategoryForbidden,
        Code::TooManyRejected => alpr_status::TooManyRejected,
        Code::MissingColumn => alpr_status::MissingColumn,
        Code::RecordCountMismatch => alpr_status::RecordCountMismatch,
        Code::TruncatedFile => alpr_status::TruncatedFile,
        Code::ShortRecord => alpr_status::ShortRecord,
        Code::InvalidUtf8 => alpr_status::InvalidUtf8,
        Code::EmptyFile => alpr_status::EmptyFile,
        Code::InvalidHeader => alpr_status::InvalidHeader,
        Code::LineTooLong => alpr_status::LineTooLong,
        Code::InvalidField => alpr_status::InvalidField,
        Code::FormulaInjection => alpr_status::FormulaInjection,
        Code::UnknownList => alpr_status::UnknownList,
        Code::NoRecords => alpr_status::NoRecords,
        Code::InvalidTransition => alpr_status::InvalidTransition,
        Code::NotAcknowledged => alpr_status::NotAcknowledged,
        Code::ConfirmationRequired => alpr_status::ConfirmationRequired,
        Code::IndependentBasisRequired => alpr_status::IndependentBasisRequired,
        Code::InformationalOnly => alpr_status::InformationalOnly,
        Code::MdcQueryBeforeBroadcast => alpr_status::MdcQueryBeforeBroadcast,
        Code::ExpiryMissing => alpr_status::ExpiryMissing,
        Code::ExpiryBeforeEntry => alpr_status::ExpiryBeforeEntry,
        Code::ExpiryExceeds30Days => alpr_status::ExpiryExceeds_30_Days,
        Code::ExpiryExceeds24Hours => alpr_status::ExpiryExceeds_24_Hours,
        Code::MissingOfficerName => alpr_status::MissingOfficerName,
        Code::MissingContactPhone => alpr_status::MissingContactPhone,
        Code::MissingCaseNumber => alpr_status::MissingCaseNumber,
        Code::MissingSynopsis => alpr_status::MissingSynopsis,
        Code::MissingJurisdiction => alpr_status::MissingJurisdiction,
        Code::HitClosed => alpr_status::HitClosed,
        Code::AccountInactive => alpr_status::AccountInactive,
        Code::NotTrained => alpr_status::NotTrained,
        Code::TrainingExpired => alpr_status::TrainingExpired,
        Code::NoClearance => alpr_status::NoClearance,
        Code::ActionNotPermitted => alpr_status::ActionNotPermitted,
        Code::PurposeRequired => alpr_status::PurposeRequired,
        Code::PurposeNotPermitted => alpr_status::PurposeNotPermitted,
        Code::CaseNumberRequired => alpr_status::CaseNumberRequired,
        Code::ApprovalRequired => alpr_status::ApprovalRequired,
        Code::AccessDenied => alpr_status::AccessDenied,
        Code::RecipientNotPermitted => alpr_status::RecipientNotPermitted,
        Code::NeedsApproval => alpr_status::NeedsApproval,
        Code::AuditWriteFailed => alpr_status::AuditWriteFailed,
        Code::AuditChainBroken => alpr_status::AuditChainBroken,
        Code::AuditTruncated => alpr_status::AuditTruncated,
        Code::AuditTornRecord => alpr_status::AuditTornRecord,
        Code::TimeRegression => alpr_status::TimeRegression,
        Code::AuditLocked => alpr_status::AuditLocked,
        Code::AuditFileChanged => alpr_status::AuditFileChanged,
        Code::MissingCitizenName => alpr_status::MissingCitizenName,
        Code::MissingContact => alpr_status::MissingContact,
        Code::MissingDescription => alpr_status::MissingDescription,
        Code::InvalidArgument => alpr_status::InvalidArgument,
        Code::InvalidPolicy => alpr_status::InvalidPolicy,
        Code::Io => alpr_status::Io,
    }
}

impl alpr_status {
    /// The snake_case name of a status number, as static C text.
    pub fn name(n: u32) -> &'static std::ffi::CStr {
        match n {
            0 => c"ok",
            1 => c"null_parameter",
            2 => c"insufficient_size",
            3 => c"already_used",
            4 => c"panic",
            5 => c"version_not_in_force",
            _ => Code::from_number(n).map_or(c"unknown_status", Code::as_cstr),
        }
    }
}

/// A failure on its way out of the ABI: the status, and the detail and position for
/// `alpr_last_error_message` and `alpr_last_error_position`.
#[derive(Debug)]
pub struct FfiError {
    /// The status to return.
    pub status: alpr_status,
    /// The detail (never contains a plate).
    pub message: String,
    /// Where in the input it happened.
    pub position: alpr_core::Position,
}

impl FfiError {
    /// `NULL_PARAMETER` naming the argument.
    pub fn null(what: &str) -> FfiError {
        FfiError {
            status: alpr_status::NullParameter,
            message: format!("null_parameter: {what} is NULL"),
            position: alpr_core::Position::default(),
        }
    }

    /// `INSUFFICIENT_SIZE` with the size needed.
    pub fn insufficient(needed: usize) -> FfiError {
        FfiError {
            status: alpr_status::InsufficientSize,
            message: format!("insufficient_size: {needed} bytes needed"),
            position: alpr_core::Position::default(),
        }
    }

    /// `ALREADY_USED` naming the handle.
    pub fn already_used(what: &str) -> FfiError {
        FfiError {
            status: alpr_status::AlreadyUsed,
            message: format!("already_used: {what} was already consumed"),
            position: alpr_core::Position::default(),
        }
    }
}

impl From<alpr_core::Error> for FfiError {
    fn from(e: alpr_core::Error) -> FfiError {
        FfiError {
            status: status_of(e.code()),
            message: e.to_string(),
            position: e.position(),
        }
    }
}

impl From<Code> for FfiError {
    fn from(code: Code) -> FfiError {
        FfiError::from(alpr_core::Error::new(code))
    }
}

/// The snake_case name of a status (`"invalid_character"` for 101, `"ok"` for 0), as static
/// NUL-terminated text that is never freed; `"unknown_status"` for a number this library does not
/// know. Takes a plain integer so that any value can be printed. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_status_str(status: u32) -> *const c_char {
    ffi_boundary!(default = std::ptr::null(), { alpr_status::name(status).as_ptr() })
}

/// Copies the detail of the calling thread's last failure (empty when none) into `buf`,
/// NUL-terminated; `*out_n` receives its length without the NUL.
///
/// The detail names the rule, the position (line, column, character) and the class of an offending
/// character; it never contains plate text.
///
/// Reading never changes the last error, also when this call fails itself: ask for the size with
/// `buf_len` 0 (`ALPR_STATUS_INSUFFICIENT_SIZE`, `*out_n` set), then call again with
/// `*out_n + 1` bytes and get the same detail. A successful call of another function does not
/// clear it either: read it right after the failure you want explained.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE` when `buf_len < *out_n + 1` (nothing copied);
/// `ALPR_STATUS_NULL_PARAMETER` when `out_n` is NULL, or `buf` is NULL with a non-zero `buf_len`.
///
/// # Safety
/// `buf` must be NULL or point to `buf_len` writable bytes; `out_n` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_last_error_message(buf: *mut u8, buf_len: usize, out_n: *mut usize) -> alpr_status {
    // Quiet: neither a size query (`INSUFFICIENT_SIZE`) nor a NULL argument replaces the error
    // being read, so the size-then-retry protocol works.
    ffi_boundary!(quiet, {
        // SAFETY: the caller's guarantees on buf/out_n are passed on unchanged.
        with_last_error(|msg| unsafe { str_out(msg, buf, buf_len, out_n) })
    })
}

/// Where the last failure happened: each field is a 1-based line or column, a 0-based character
/// (Unicode scalar value) or record index, or -1 when not known.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct alpr_position {
    /// 1-based line in a file, or -1.
    pub line: i64,
    /// 1-based column in the line (the field number for CSV), or -1.
    pub column: i64,
    /// 0-based character index within the field or string, or -1.
    pub character: i64,
    /// 0-based index of a record handed over as a value, or -1.
    pub index: i64,
}

impl From<alpr_core::Position> for alpr_position {
    fn from(p: alpr_core::Position) -> alpr_position {
        let f = |v: Option<u32>| v.map_or(-1, i64::from);
        alpr_position {
            line: f(p.line),
            column: f(p.column),
            character: f(p.character),
            index: f(p.index),
        }
    }
}

/// Copies the position of the calling thread's last failure into `*out` (all -1 when the failure
/// had no position, or there was none). Never changes the last error, also when it fails.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER` when `out` is NULL.
///
/// # Safety
/// `out` must be NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_last_error_position(out: *mut alpr_position) -> alpr_status {
    let pos = crate::boundary::last_error_position();
    // SAFETY: the caller's guarantee on `out` is passed on. Quiet: never replaces the last error.
    ffi_boundary!(quiet, { unsafe { write_out(out, alpr_position::from(pos), "out") } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_code_has_the_same_number_and_name() {
        for &c in Code::ALL {
            assert_eq!(status_of(c) as u32, c.number(), "{c}");
            assert_eq!(alpr_status::name(c.number()).to_str().unwrap(), c.as_str());
        }
        assert_eq!(alpr_status::name(0).to_str().unwrap(), "ok");
        assert_eq!(alpr_status::name(99_999).to_str().unwrap(), "unknown_status");
    }
}
