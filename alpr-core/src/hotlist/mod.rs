//! Hot lists (SPEC §2): the model, ingest validation and file formats. The registry of the
//! versions in force sits a layer above, in `registry`.

use std::collections::BTreeMap;
use std::sync::Arc;

pub mod bytes;
pub mod format;
mod health;
mod json;
mod model;
mod validate;

#[doc(hidden)]
pub use format::tokenize_csv;
pub use format::{Format, LoadOptions, TableRow, load_bytes, load_bytes_with, load_table, load_table_with};
pub use health::ListHealth;
pub use model::{Attributes, Caution, Entry, ListMeta, Vehicle};
pub use validate::{
    ListVersion, LoadReport, RawEntry, Rejection, check_rejected_fraction, validate_entries, validate_entry,
};

/// The lists in force at one moment: id → version. Immutable.
pub type Snapshot = Arc<BTreeMap<String, Arc<ListVersion>>>;
