//! The shared vocabulary: the `vocab!` macro that gives every closed set of names its stable
//! snake_case text, and the enums that several modules speak — a list's [`ListKind`], an entry's
//! [`Category`] and a read's [`Origin`]. It sits at the bottom of the crate with [`crate::error`]
//! and [`crate::time`]: it imports nothing else, so the policy, the hot lists, matching and the
//! hit workflow can all use it without importing one another.

use std::fmt;

use crate::error::{Code, Error, Result};

macro_rules! vocab {
    ($(#[$meta:meta])* $name:ident, $err:expr, { $( $(#[$vdoc:meta])* $variant:ident = $text:literal ),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vdoc])* #[serde(rename = $text)] $variant, )*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];

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
        Standard = "standard",
        /// Special Hot Lists (G.O. §A.7, §F.2). Informational only; max age 24 h.
        Special = "special",
        /// Plates entered by officers (G.O. §G). Actionable; each entry carries its own expiry.
        HotPlate = "hot_plate",
        /// Matched, but hits go only to users with `view_covert` and raise no in-car alert.
        Covert = "covert",
    }
}

vocab! {
    /// Why a plate is on a list (§2.1).
    Category, Code::InvalidCategory, {
        /// Stolen vehicle (NCIC `V`, Canadian `R`).
        StolenVehicle = "stolen_vehicle",
        /// Stolen plate (NCIC `P`).
        StolenPlate = "stolen_plate",
        /// Vehicle used in a felony (NCIC `F`).
        FelonyVehicle = "felony_vehicle",
        /// Wanted person (NCIC `W`).
        WantedPerson = "wanted_person",
        /// Missing person (NCIC `M`).
        MissingPerson = "missing_person",
        /// AMBER alert (NCIC `A`).
        AmberAlert = "amber_alert",
        /// Protection order (NCIC `H`).
        ProtectionOrder = "protection_order",
        /// Supervised release (NCIC `C`).
        SupervisedRelease = "supervised_release",
        /// Sex offender (NCIC `X`).
        SexOffender = "sex_offender",
        /// Violent person (NCIC `L`).
        ViolentPerson = "violent_person",
        /// Protective interest (NCIC `K`).
        ProtectiveInterest = "protective_interest",
        /// Gang file.
        Gang = "gang",
        /// Known or suspected terrorist (never the NCIC extract's `T`, which does not say which).
        Terrorism = "terrorism",
        /// Immigration violator (NCIC `N`).
        ImmigrationViolator = "immigration_violator",
        /// Local investigation.
        Investigation = "investigation",
        /// Anything else.
        Other = "other",
        /// Gang or terrorist member (NCIC `T`: the extract's code does not say which). Last, so
        /// the index of every older category (the C `alpr_hit.category`) stays as it was.
        GangOrTerrorist = "gang_or_terrorist",
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
        Vehicle = "vehicle",
        /// A POD or pole camera, seen from a desk.
        Fixed = "fixed",
        /// TAS on a desk: status must be confirmed before the broadcast.
        Desktop = "desktop",
    }
}
