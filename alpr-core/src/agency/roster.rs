//! The user roster: who may act, with which roles and training, as an administrator entered it.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::access::User;
use crate::error::{Code, Error, Result};
use crate::policy::Policy;
use crate::time::{Instant, local_date};

/// The users an agency knows, by id. Guarded operations look their user up here; a caller names
/// a user by id and cannot hand in roles or a training date of its own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roster {
    users: BTreeMap<String, User>,
}

/// A change to the roster, made by an administrator (`manage_users`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum RosterChange {
    /// Adds a user or replaces the user with the same id.
    Put {
        /// The user as the administrator entered it.
        user: User,
    },
    /// Takes a user off the roster (the user's past records stay in the audit log).
    Remove {
        /// The user's id.
        id: String,
    },
}

impl RosterChange {
    /// `put` or `remove`.
    pub const fn name(&self) -> &'static str {
        match self {
            RosterChange::Put { .. } => "put",
            RosterChange::Remove { .. } => "remove",
        }
    }

    /// The id of the user changed.
    pub fn subject(&self) -> &str {
        match self {
            RosterChange::Put { user } => &user.id,
            RosterChange::Remove { id } => id,
        }
    }
}

/// Checks one user as entered: an id, and no training dated after the local date of `now`.
pub(crate) fn check_user(user: &User, now: Instant, policy: &Policy) -> Result<()> {
    if user.id.trim().is_empty() {
        return Err(Error::new(Code::InvalidArgument).with_detail("a user needs an id"));
    }
    if let Some(d) = user.trained_on
        && d > local_date(now, policy.time_zone)
    {
        return Err(Error::new(Code::InvalidArgument).with_detail("training dated in the future"));
    }
    Ok(())
}

impl Roster {
    /// A roster of `users`, each checked as [`RosterChange::Put`] checks it.
    ///
    /// # Errors
    /// `invalid_argument` (with the user's index) for a user without an id, with a training date
    /// after today, or whose id appears twice.
    pub fn new(users: Vec<User>, now: Instant, policy: &Policy) -> Result<Roster> {
        let mut out = BTreeMap::new();
        for (i, u) in users.into_iter().enumerate() {
            let at = u32::try_from(i).unwrap_or(u32::MAX);
            check_user(&u, now, policy).map_err(|e| e.at_index(at))?;
            let id = u.id.clone();
            if out.insert(id, u).is_some() {
                return Err(Error::new(Code::InvalidArgument)
                    .at_index(at)
                    .with_detail("user id appears twice"));
            }
        }
        Ok(Roster { users: out })
    }

    /// The user with this id.
    pub fn get(&self, id: &str) -> Option<&User> {
        self.users.get(id)
    }

    /// Every user, in id order.
    pub fn users(&self) -> impl ExactSizeIterator<Item = &User> {
        self.users.values()
    }

    /// Number of users.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    /// Whether the roster is empty.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// Lower-case hex SHA-256 of the roster's JSON (users in id order), for the audit record.
    pub fn sha256(&self) -> String {
        let users: Vec<&User> = self.users.values().collect();
        let bytes = serde_json::to_vec(&users).unwrap_or_default();
        crate::audit::hex(&Sha256::digest(&bytes))
    }

    pub(crate) fn apply(&mut self, change: RosterChange) -> bool {
        match change {
            RosterChange::Put { user } => {
                self.users.insert(user.id.clone(), user);
                true
            }
            RosterChange::Remove { id } => self.users.remove(&id).is_some(),
        }
    }

    pub(crate) fn touch(&mut self, id: &str, at: Instant) {
        if let Some(u) = self.users.get_mut(id) {
            u.last_active_at = Some(at);
        }
    }
}
