//! Hot lists (SPEC §2): the model, ingest validation, file formats and the registry of versions.

pub mod format;
mod health;
mod json;
mod model;
mod registry;
mod validate;

pub use format::{Format, load_bytes};
pub use health::ListHealth;
#[allow(unused_imports)] // Used by the modules that define their own vocabularies.
pub(crate) use model::vocab;
pub use model::{Attributes, Category, Caution, Entry, ListKind, ListMeta, Vehicle};
pub use registry::{RawList, Registry, Snapshot};
pub use validate::{
    ListVersion, LoadReport, RawEntry, Rejection, check_rejected_fraction, validate_entries, validate_entry,
};
