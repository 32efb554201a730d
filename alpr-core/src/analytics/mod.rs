//! Detection analytics (SPEC §8).
//!
//! Every read of stored detections goes through the agency context ([`crate::agency::Agency`]):
//! it takes the user from its roster, the time from its clock, the holds from its register and
//! the policy from itself, and writes the record first. The building blocks it composes trust
//! their caller for those, so they are crate-private: no surface reads stored detections without
//! the access decision and the audit record (R-AUDIT-1). This module's public part is the
//! retro-hits' result type.

pub(crate) mod unaudited;

use crate::matching::Hit;

/// One retro-hit: a stored detection that an entry of a new list version hits.
#[derive(Clone, Debug)]
pub struct RetroHit {
    /// The detection's id.
    pub detection_id: u64,
    /// The hit, explained as a live hit would be.
    pub hit: Hit,
}
