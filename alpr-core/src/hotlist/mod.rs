//! Hot lists (SPEC §2): the model, ingest validation, file formats and the registry of versions.

mod model;

#[allow(unused_imports)] // Used by the modules that define their own vocabularies.
pub(crate) use model::vocab;
pub use model::{Category, Caution, Entry, ListKind, ListMeta, Vehicle};
