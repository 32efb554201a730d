//! JSON text in: one parser for the serde shapes the skins hand over (a dispatch input, a
//! hot-plate form, shift checks, …), with errors that name the position and the kind of fault but
//! never echo the input.

use crate::error::{Code, Error, Result};

/// Parses a JSON text into one of the crate's serde shapes (a dispatch input, a hot-plate form, a
/// citizen, shift checks), as the skins receive them.
///
/// # Errors
/// `invalid_argument` with the line and column of the fault; the detail names the kind of fault
/// but never echoes the input (it may hold a plate).
pub fn from_json_text<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Io | serde_json::error::Category::Eof => "JSON text ends early",
            serde_json::error::Category::Syntax => "JSON syntax error",
            serde_json::error::Category::Data => "JSON value of the wrong shape or an unknown field",
        };
        Error::new(Code::InvalidArgument)
            .at_line(u32::try_from(e.line()).unwrap_or(u32::MAX))
            .at_column(u32::try_from(e.column()).unwrap_or(u32::MAX))
            .with_detail(what)
    })
}
