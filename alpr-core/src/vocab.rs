//! The shared vocabulary: the `vocab!` macro that gives every closed set of names its stable
//! snake_case text, and the enums that several modules speak — a list's [`ListKind`], an entry's
//! [`Category`] and a read's [`Origin`]. It sits at the bottom of the crate with [`crate::error`]
//! and [`crate::time`]: it imports nothing else, so the policy, the hot lists, matching and the
//! hit workflow can all use it without importing one another.

use std::fmt;

use crate::error::{Code, Error, Result};

/// Declares a closed set of names: each variant has a stable number (its C ABI value, written
/// here and nowhere else: `alpr-ffi`'s constants are generated from it) and a stable snake_case
/// text (its serde, C `*_str` and Python name).
///
/// ```ignore
/// vocab! { /// docs
///     Tier, Code::InvalidArgument, { /// docs
///         Strong = 0 => "strong", Moderate = 1 => "moderate", Weak = 2 => "weak" } }
/// ```
///
/// A new value takes the next free number; a number is never reused or changed (it is ABI).
macro_rules! vocab {
    ($(#[$meta:meta])* $name:ident, $err:expr, { $( $(#[$vdoc:meta])* $variant:ident = $num:literal => $text:literal ),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[repr(u32)]
        pub enum $name {
            $( $(#[$vdoc])* #[serde(rename = $text)] $variant = $num, )*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];

            /// The value's stable number: its value on the C ABI.
            pub const fn number(self) -> u32 {
                self as u32
            }

            /// The value with this stable number, if any.
            pub fn from_number(n: u32) -> Option<$name> {
                match n { $( $num => Some($name::$variant), )* _ => None }
            }

            /// The stable snake_case name.
            pub const fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text, )* }
            }

            /// Parses the snake_case name.
            ///
            /// # Errors
            #[doc = concat!("`", stringify!($err), "` for any other text.")]
            pub fn parse(s: &str) -> Result<$name> {
                match s { $( $text => Ok($name::$variant), )* _ => Err(Error::new($err)) }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<$name> {
                $name::parse(s)
            }
        }
    };
}
pub(crate) use vocab;

vocab! {
    /// The kind of a list (R-LIST-2): what its hits mean and how old it may get.
    ListKind, Code::InvalidArgument, {
        /// CA DOJ / NCIC lists (SVS, SFR, SLR, …). Actionable; max age 12 h (G.O. §F.1).
        Standard = 0 => "standard",
        /// Special Hot Lists (G.O. §A.7, §F.2). Informational only; max age 24 h.
        Special = 1 => "special",
        /// Plates entered by officers (G.O. §G). Actionable; each entry carries its own expiry.
        HotPlate = 2 => "hot_plate",
        /// Matched, but hits go only to users with `view_covert` and raise no in-car alert.
        Covert = 3 => "covert",
    }
}

vocab! {
    /// Why a plate is on a list (§2.1).
    Category, Code::InvalidCategory, {
        /// Stolen vehicle (NCIC `V`, Canadian `R`).
        StolenVehicle = 0 => "stolen_vehicle",
        /// Stolen plate (NCIC `P`).
        StolenPlate = 1 => "stolen_plate",
        /// Vehicle used in a felony (NCIC `F`).
        FelonyVehicle = 2 => "felony_vehicle",
        /// Wanted person (NCIC `W`).
        WantedPerson = 3 => "wanted_person",
        /// Missing person (NCIC `M`).
        MissingPerson = 4 => "missing_person",
        /// AMBER alert (NCIC `A`).
        AmberAlert = 5 => "amber_alert",
        /// Protection order (NCIC `H`).
        ProtectionOrder = 6 => "protection_order",
        /// Supervised release (NCIC `C`).
        SupervisedRelease = 7 => "supervised_release",
        /// Sex offender (NCIC `X`).
        SexOffender = 8 => "sex_offender",
        /// Violent person (NCIC `L`).
        ViolentPerson = 9 => "violent_person",
        /// Protective interest (NCIC `K`).
        ProtectiveInterest = 10 => "protective_interest",
        /// Gang file.
        Gang = 11 => "gang",
        /// Known or suspected terrorist (never the NCIC extract's `T`, which does not say which).
        Terrorism = 12 => "terrorism",
        /// Immigration violator (NCIC `N`).
        ImmigrationViolator = 13 => "immigration_violator",
        /// Local investigation.
        Investigation = 14 => "investigation",
        /// Anything else.
        Other = 15 => "other",
        /// Gang or terrorist member (NCIC `T`: the extract's code does not say which). Last, so
        /// the index of every older category (the C `alpr_hit.category`) stays as it was.
        GangOrTerrorist = 16 => "gang_or_terrorist",
    }
}

impl Category {
    /// The category of an NCIC extract list code (the first letter of the `NIC`), §2.1.
    pub const fn from_ncic_list_code(code: u8) -> Option<Category> {
        Some(match code {
            b'A' => Category::AmberAlert,
            b'C' => Category::SupervisedRelease,
            b'F' => Category::FelonyVehicle,
            b'H' => Category::ProtectionOrder,
            b'K' => Category::ProtectiveInterest,
            b'L' => Category::ViolentPerson,
            b'M' => Category::MissingPerson,
            b'N' => Category::ImmigrationViolator,
            b'P' => Category::StolenPlate,
            b'R' | b'V' => Category::StolenVehicle,
            b'T' => Category::GangOrTerrorist,
            b'W' => Category::WantedPerson,
            b'X' => Category::SexOffender,
            _ => return None,
        })
    }
}

vocab! {
    /// Where a read came from (§3): who sees the hit first and who confirms it (R-HIT-4).
    Origin, Code::InvalidArgument, {
        /// A car-mounted CDMS unit: the officer broadcasts and Dispatch confirms on the radio.
        Vehicle = 0 => "vehicle",
        /// A POD or pole camera, seen from a desk.
        Fixed = 1 => "fixed",
        /// TAS on a desk: status must be confirmed before the broadcast.
        Desktop = 2 => "desktop",
    }
}
