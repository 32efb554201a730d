//! Detection analytics (SPEC §8).
//!
//! Every read of stored detections in a deployment goes through the agency context
//! ([`crate::agency::Agency`]): it takes the user from its roster, the time from its clock, the
//! holds from its register and the policy from itself, and writes the record first. The
//! functions of [`unaudited`] are the building blocks it composes: they trust their caller for
//! the user, the time, the holds and the policy, and are kept for engines that keep their own
//! audit and for the conformance runners.

pub mod unaudited;

// The skins' call sites still use these paths; they move to `analytics::unaudited` (or to the
// agency) when the skins are updated.
#[doc(hidden)]
pub use unaudited::{
    RecordedRetroHits, RecordedSearch, RetroHit, record_retro_hits, record_search, retro_hits, retro_hits_audited,
    search_audited,
};
