//! The hot-list model (SPEC §2, R-LIST-1…3): list metadata, kinds, categories and entries.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;

use crate::error::{Code, Error, Result};
use crate::pattern::PlateOrPattern;
use crate::plate::{Jurisdiction, PlateType};
use crate::time::Instant;

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

/// A version's metadata (R-LIST-1).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ListMeta {
    /// The list id: `SVS`, `SFR`, `SLR`, `NCIC`, `SPECIAL-OOI`, `HOT-PLATES`, ….
    pub id: String,
    /// What its hits mean.
    pub kind: ListKind,
    /// 0 = most urgent … 100.
    pub priority: u8,
    /// When this version was downloaded.
    pub loaded_at: Instant,
    /// Free text such as `CA DOJ`, `NCIC`, `WebKPF`.
    #[serde(default)]
    pub source: String,
    /// When the source generated it (the CLEW header time), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<Instant>,
}

/// Vehicle description of an entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Vehicle {
    /// Make (NCIC `VMA`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    /// Model (NCIC `VMO`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Color (NCIC `VCO`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Model year (NCIC `VYR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// Body style (NCIC `VST`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
}

impl Vehicle {
    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        self.make.is_none()
            && self.model.is_none()
            && self.color.is_none()
            && self.year.is_none()
            && self.style.is_none()
    }
}

/// Caution flags an officer must see before approaching (R-LIST-3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Caution {
    /// Armed and dangerous.
    #[serde(default)]
    pub armed_dangerous: bool,
    /// Hold for latent prints.
    #[serde(default)]
    pub hold_for_prints: bool,
}

/// One validated entry of a list version (R-LIST-3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The normalized plate or the compiled pattern.
    pub key: PlateOrPattern,
    /// The issuing jurisdiction, when known.
    pub jurisdiction: Option<Jurisdiction>,
    /// The NCIC plate type, when known.
    pub plate_type: Option<PlateType>,
    /// Why it is on the list.
    pub category: Category,
    /// NCIC number or case number.
    pub record_id: Option<String>,
    /// Date of the theft or incident.
    pub incident_date: Option<NaiveDate>,
    /// Vehicle description.
    pub vehicle: Vehicle,
    /// When the entry stops matching (R-MATCH-5).
    pub expires_at: Option<Instant>,
    /// Caution flags.
    pub caution: Caution,
    /// Free string attributes (CLEW county, NCIC `ORI` and `LIY`, unknown CSV columns).
    pub attributes: Attributes,
}

/// The free string attributes of an entry, by name. A sorted boxed slice rather than a map: a
/// list holds up to millions of entries and most have one attribute or none, where a
/// `BTreeMap`'s single node alone takes about 540 bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attributes(Box<[(Box<str>, Box<str>)]>);

impl Attributes {
    /// No attributes.
    pub fn new() -> Attributes {
        Attributes::default()
    }

    /// The value of attribute `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(k, _)| (**k).cmp(name))
            .ok()
            .map(|i| &*self.0[i].1)
    }

    /// How many attributes there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The attributes as `(name, value)`, by name.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }
}

impl From<BTreeMap<String, String>> for Attributes {
    fn from(map: BTreeMap<String, String>) -> Attributes {
        // A map iterates in name order with unique names: already the slice's invariant.
        Attributes(
            map.into_iter()
                .map(|(k, v)| (k.into_boxed_str(), v.into_boxed_str()))
                .collect(),
        )
    }
}

impl FromIterator<(String, String)> for Attributes {
    /// Collects `(name, value)` pairs; of pairs with the same name the last one stays, as with
    /// repeated inserts into a map.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Attributes {
        Attributes::from(pairs.into_iter().collect::<BTreeMap<_, _>>())
    }
}

impl serde::Serialize for Attributes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_behave_like_the_map_they_replace() {
        let pairs = [("ori", "CA0349400"), ("county", "34"), ("ori", "LA0570200")];
        let attrs: Attributes = pairs.iter().map(|&(k, v)| (k.to_owned(), v.to_owned())).collect();
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            map.insert(k.to_owned(), v.to_owned());
        }
        // The last value of a repeated name stays; names come back sorted.
        assert_eq!(attrs.get("ori"), Some("LA0570200"));
        assert_eq!(attrs.get("county"), Some("34"));
        assert_eq!(attrs.get("liy"), None);
        assert_eq!(attrs.len(), 2);
        assert_eq!(
            attrs.iter().collect::<Vec<_>>(),
            map.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>()
        );
        assert_eq!(attrs, Attributes::from(map.clone()));
        assert_eq!(
            serde_json::to_value(&attrs).unwrap(),
            serde_json::to_value(&map).unwrap()
        );
        assert!(Attributes::new().is_empty() && Attributes::new().get("county").is_none());
    }
}
