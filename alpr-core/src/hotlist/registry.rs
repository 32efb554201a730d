//! The registry of current list versions (R-LIST-4): loading a new version of a list replaces the
//! old one atomically for every reader.
//!
//! Readers take a [`Snapshot`] (one `Arc` clone under a read lock held for nanoseconds) and match
//! against it for as long as they like; a loader builds the new version entirely outside the lock
//! and swaps one pointer. A reader therefore sees, for every list, either the whole old version or
//! the whole new one, and a failed load never touches what is in force.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use crate::hotlist::ListVersion;
use crate::policy::Policy;

/// The lists in force at one moment: id → version. Immutable.
pub type Snapshot = Arc<BTreeMap<String, Arc<ListVersion>>>;

/// The set of lists in force, shared by any number of threads.
#[derive(Debug)]
pub struct Registry {
    policy: Arc<Policy>,
    current: RwLock<Snapshot>,
}

impl Registry {
    /// An empty registry governed by `policy`.
    pub fn new(policy: Arc<Policy>) -> Registry {
        Registry {
            policy,
            current: RwLock::new(Arc::new(BTreeMap::new())),
        }
    }

    /// The policy the registry's lists were validated and indexed with.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }

    /// The lists in force now. Cheap; never blocks on a loader's parsing or indexing.
    pub fn snapshot(&self) -> Snapshot {
        // A poisoned lock only means a writer panicked between two whole swaps: the value is
        // still a whole snapshot, so keep serving it.
        Arc::clone(&self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Puts a version in force, replacing any version of the same list id; returns the replaced one.
    pub fn install(&self, version: ListVersion) -> Option<Arc<ListVersion>> {
        let version = Arc::new(version);
        let mut guard = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut next = BTreeMap::clone(&guard);
        let old = next.insert(version.meta().id.clone(), version);
        *guard = Arc::new(next);
        old
    }

    /// Takes a list out of force; returns it.
    pub fn remove(&self, id: &str) -> Option<Arc<ListVersion>> {
        let mut guard = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut next = BTreeMap::clone(&guard);
        let old = next.remove(id);
        *guard = Arc::new(next);
        old
    }

    /// The version of one list in force now.
    pub fn get(&self, id: &str) -> Option<Arc<ListVersion>> {
        self.snapshot().get(id).cloned()
    }
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new(Arc::new(Policy::sacramento()))
    }
}
