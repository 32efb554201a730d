//! List health (R-LIST-5): what an administrator's dashboard shows for each list in force.

use crate::hotlist::ListVersion;
use crate::policy::Policy;
use crate::time::Instant;
use crate::vocab::ListKind;

/// The health of one list version at a moment (R-LIST-5).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ListHealth {
    /// The list id.
    pub id: String,
    /// Its kind.
    pub kind: ListKind,
    /// Its priority.
    pub priority: u8,
    /// Distinct entries in force.
    pub entries: usize,
    /// When this version was downloaded.
    pub loaded_at: Instant,
    /// When the source generated it, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<Instant>,
    /// `now - loaded_at`, in whole seconds (negative when `loaded_at` is in the future).
    pub age_seconds: i64,
    /// The kind's maximum age in hours, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age_hours: Option<u32>,
    /// Older than the kind's maximum age: still matched, but hits carry `stale` (R-LIST-5).
    pub stale: bool,
}

impl ListVersion {
    /// The version's health at `now` under `policy`'s maximum ages.
    pub fn health(&self, now: Instant, policy: &Policy) -> ListHealth {
        let meta = self.meta();
        ListHealth {
            id: meta.id.clone(),
            kind: meta.kind,
            priority: meta.priority,
            entries: self.entries().len(),
            loaded_at: meta.loaded_at,
            generated_at: meta.generated_at,
            age_seconds: self.age(now).num_seconds(),
            max_age_hours: policy.max_age_hours.of(meta.kind),
            stale: self.is_stale(now, policy),
        }
    }
}
