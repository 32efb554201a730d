//! The agency's clock: the system clock in a deployment; a settable clock only through
//! constructors whose names say they are for tests and replays.

use std::sync::{Mutex, PoisonError};

use crate::error::{Code, Error, Result};
use crate::time::Instant;

/// Where guarded operations take their time from.
///
/// [`Clock::system`] reads the operating system's clock. A settable clock exists for tests and
/// for replaying a recorded day, and its constructor and setters say so in their names, so that
/// a deployment that hands the library a time of its choosing stands out in review.
#[derive(Debug)]
pub struct Clock {
    /// `None`: the system clock; otherwise the settable time.
    set: Option<Mutex<Instant>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { set: None }
    }

    /// A clock that stands at `at` until set or advanced; for tests and replays only.
    pub fn fixed_for_tests_and_replays(at: Instant) -> Clock {
        Clock {
            set: Some(Mutex::new(at)),
        }
    }

    /// Whether this is the system clock.
    pub fn is_system(&self) -> bool {
        self.set.is_none()
    }

    /// The current time.
    pub fn now(&self) -> Instant {
        match &self.set {
            None => Instant::from(std::time::SystemTime::now()),
            Some(t) => *t.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Sets a test or replay clock to `at`. A set clock may go backwards; the agency then refuses
    /// to write a record dated before the last one (`time_regression`).
    ///
    /// # Errors
    /// `invalid_argument` on the system clock.
    pub fn set_for_tests_and_replays(&self, at: Instant) -> Result<()> {
        let Some(t) = &self.set else {
            return Err(Error::new(Code::InvalidArgument).with_detail("the system clock cannot be set"));
        };
        *t.lock().unwrap_or_else(PoisonError::into_inner) = at;
        Ok(())
    }

    /// Moves a test or replay clock by `by` (negative moves it back).
    ///
    /// # Errors
    /// `invalid_argument` on the system clock or when the time would leave the representable range.
    pub fn advance_for_tests_and_replays(&self, by: chrono::Duration) -> Result<()> {
        let Some(t) = &self.set else {
            return Err(Error::new(Code::InvalidArgument).with_detail("the system clock cannot be set"));
        };
        let mut g = t.lock().unwrap_or_else(PoisonError::into_inner);
        *g = g
            .checked_add_signed(by)
            .ok_or_else(|| Error::new(Code::InvalidArgument).with_detail("clock out of range"))?;
        Ok(())
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::system()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

    #[test]
    fn system_clock_moves_and_cannot_be_set() {
        let c = Clock::system();
        assert!(c.is_system());
        let a = c.now();
        assert!(a.timestamp() > 1_700_000_000, "the system clock reads the present");
        assert_eq!(
            c.set_for_tests_and_replays(a).unwrap_err().code(),
            Code::InvalidArgument
        );
        assert_eq!(
            c.advance_for_tests_and_replays(chrono::Duration::seconds(1))
                .unwrap_err()
                .code(),
            Code::InvalidArgument
        );
    }

    #[test]
    fn fixed_clock_stands_until_moved() {
        let t = parse_instant("2026-11-28T12:00:00-08:00").unwrap();
        let c = Clock::fixed_for_tests_and_replays(t);
        assert!(!c.is_system());
        assert_eq!(c.now(), t);
        c.advance_for_tests_and_replays(chrono::Duration::minutes(5)).unwrap();
        assert_eq!(c.now(), t + chrono::Duration::minutes(5));
        c.set_for_tests_and_replays(t).unwrap();
        assert_eq!(c.now(), t);
        assert!(c.advance_for_tests_and_replays(chrono::Duration::MAX).is_err());
    }
}
