//! The hot-list model (SPEC §2, R-LIST-1…3): list metadata and entries (a list's kind and an
//! entry's category are shared vocabulary, in [`crate::vocab`]).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::pattern::PlateOrPattern;
use crate::plate::{Jurisdiction, PlateType};
use crate::time::Instant;
use crate::vocab::{Category, ListKind};

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
    /// Model year (NCIC `VYR`). Read from JSON as a number or as text of 1–4 digits (`2019`,
    /// `"2019"`), as a CSV or NCIC file gives it; written as a number.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "year_number_or_text"
    )]
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

/// A vehicle year given as a number or as text of 1–4 digits (blank text is no year).
fn year_number_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Year {
        Number(u16),
        Text(String),
    }
    match <Option<Year> as serde::Deserialize>::deserialize(d)? {
        None => Ok(None),
        Some(Year::Number(y)) => Ok(Some(y)),
        Some(Year::Text(t)) if t.trim().is_empty() => Ok(None),
        Some(Year::Text(t)) => super::format::parse_year(t.trim())
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("vehicle year: a number or 1 to 4 digits")),
    }
}

/// Caution flags an officer must see before approaching (R-LIST-3). Read from JSON as an object
/// of booleans (`{"armed_dangerous": true}`, the form it is written in) or as the list of the
/// flags that are set (`["armed_dangerous", "hold_for_prints"]`): SPEC names the flags, not their
/// encoding, and a list given the second way must not fail as a whole.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Caution {
    /// Armed and dangerous.
    pub armed_dangerous: bool,
    /// Hold for latent prints.
    pub hold_for_prints: bool,
}

impl<'de> serde::Deserialize<'de> for Caution {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Caution, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Flag {
            ArmedDangerous,
            HoldForPrints,
        }
        #[derive(serde::Deserialize)]
        struct Flags {
            #[serde(default)]
            armed_dangerous: bool,
            #[serde(default)]
            hold_for_prints: bool,
        }
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Form {
            List(Vec<Flag>),
            Object(Flags),
        }
        Ok(match Form::deserialize(d)? {
            Form::List(flags) => Caution {
                armed_dangerous: flags.iter().any(|f| matches!(f, Flag::ArmedDangerous)),
                hold_for_prints: flags.iter().any(|f| matches!(f, Flag::HoldForPrints)),
            },
            Form::Object(f) => Caution {
                armed_dangerous: f.armed_dangerous,
                hold_for_prints: f.hold_for_prints,
            },
        })
    }
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
    pub record_id: Option<Box<str>>,
    /// Date of the theft or incident.
    pub incident_date: Option<NaiveDate>,
    /// Vehicle description, `None` when no field of it is set (out of line: most list entries
    /// have none, and a list holds up to millions of entries). [`Entry::vehicle`] reads it as a
    /// [`Vehicle`] either way; [`Entry::set_vehicle`] keeps the `None` for an empty one.
    pub vehicle: Option<Box<Vehicle>>,
    /// When the entry stops matching (R-MATCH-5).
    pub expires_at: Option<Instant>,
    /// Caution flags.
    pub caution: Caution,
    /// Free string attributes (CLEW county, NCIC `ORI` and `LIY`, unknown CSV columns).
    pub attributes: Attributes,
}

/// The description of an entry without one.
static NO_VEHICLE: Vehicle = Vehicle {
    make: None,
    model: None,
    color: None,
    year: None,
    style: None,
};

impl Entry {
    /// The vehicle description (all fields `None` when the entry has none).
    pub fn vehicle(&self) -> &Vehicle {
        self.vehicle.as_deref().unwrap_or(&NO_VEHICLE)
    }

    /// Sets the vehicle description; an empty one is stored as `None`, so that two entries
    /// with the same description compare equal.
    pub fn set_vehicle(&mut self, vehicle: Vehicle) {
        self.vehicle = Vehicle::boxed(vehicle);
    }
}

impl Vehicle {
    /// The description as [`Entry::vehicle`] stores it: `None` when no field is set.
    pub fn boxed(vehicle: Vehicle) -> Option<Box<Vehicle>> {
        (!vehicle.is_empty()).then(|| Box::new(vehicle))
    }
}

/// The free string attributes of an entry, by name. A sorted slice rather than a map: a list
/// holds up to millions of entries and most have one attribute or none, where a `BTreeMap`'s
/// single node alone takes about 540 bytes. Behind one thin pointer (8 bytes in every entry,
/// `None` for none): a single attribute (a CLEW county) is held inline in that block, as one
/// allocation as a boxed slice of one would be.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attributes(Option<Box<Pairs>>);

/// An attribute name and its value.
type Pair = (Box<str>, Box<str>);

/// The attributes of an entry that has some, sorted by name, names unique.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pairs {
    One([Pair; 1]),
    Many(Box<[Pair]>),
}

impl Attributes {
    /// No attributes.
    pub fn new() -> Attributes {
        Attributes::default()
    }

    /// Sorted pairs with unique names.
    fn of_sorted(pairs: Vec<Pair>) -> Attributes {
        Attributes(match pairs.len() {
            0 => None,
            1 => pairs.into_iter().next().map(|p| Box::new(Pairs::One([p]))),
            _ => Some(Box::new(Pairs::Many(pairs.into_boxed_slice()))),
        })
    }

    /// The pairs, by name.
    fn pairs(&self) -> &[Pair] {
        match self.0.as_deref() {
            None => &[],
            Some(Pairs::One(p)) => p,
            Some(Pairs::Many(p)) => p,
        }
    }

    /// The value of attribute `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        let pairs = self.pairs();
        pairs
            .binary_search_by(|(k, _)| (**k).cmp(name))
            .ok()
            .map(|i| &*pairs[i].1)
    }

    /// How many attributes there are.
    pub fn len(&self) -> usize {
        self.pairs().len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The attributes as `(name, value)`, by name.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> {
        self.pairs().iter().map(|(k, v)| (&**k, &**v))
    }
}

impl Attributes {
    /// From `(name, value)` pairs in input order; of pairs with the same name the last one
    /// stays, as with repeated inserts into a map (a file record's attributes, without the map).
    pub(crate) fn from_pairs(mut pairs: Vec<Pair>) -> Attributes {
        if pairs.len() > 1 {
            // Stable: pairs of one name keep their input order, the last of a run is the latest.
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out: Vec<Pair> = Vec::with_capacity(pairs.len());
            for p in pairs {
                match out.last_mut() {
                    Some(last) if last.0 == p.0 => *last = p,
                    _ => out.push(p),
                }
            }
            pairs = out;
        }
        Attributes::of_sorted(pairs)
    }
}

impl From<BTreeMap<String, String>> for Attributes {
    fn from(map: BTreeMap<String, String>) -> Attributes {
        // A map iterates in name order with unique names: already the slice's invariant.
        Attributes::of_sorted(
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

    /// R-LIST-3 names the caution flags, not their encoding: an object of booleans and the list
    /// of the flags set read alike; an unknown flag is an error, not a silent `false`.
    #[test]
    fn caution_reads_as_an_object_or_a_list_of_flags() {
        let both = Caution {
            armed_dangerous: true,
            hold_for_prints: true,
        };
        let from = |j: &str| serde_json::from_str::<Caution>(j);
        assert_eq!(from(r#"["armed_dangerous","hold_for_prints"]"#).unwrap(), both);
        assert_eq!(
            from(r#"{"armed_dangerous":true,"hold_for_prints":true}"#).unwrap(),
            both
        );
        assert_eq!(from(r#"{"hold_for_prints":false}"#).unwrap(), Caution::default());
        assert_eq!(from("[]").unwrap(), Caution::default());
        assert!(from(r#"["armed"]"#).is_err());
        assert!(from("true").is_err());
        assert_eq!(
            serde_json::to_string(&both).unwrap(),
            r#"{"armed_dangerous":true,"hold_for_prints":true}"#
        );
    }

    /// A vehicle year reads as a number or as 1–4 digits of text, as the files give it.
    #[test]
    fn vehicle_year_reads_as_a_number_or_digits() {
        let year = |j: &str| serde_json::from_str::<Vehicle>(j).map(|v| v.year);
        assert_eq!(year(r#"{"year":2019}"#).unwrap(), Some(2019));
        assert_eq!(year(r#"{"year":"2019"}"#).unwrap(), Some(2019));
        assert_eq!(year(r#"{"year":" "}"#).unwrap(), None);
        assert_eq!(year(r#"{"year":null}"#).unwrap(), None);
        assert_eq!(year("{}").unwrap(), None);
        assert!(year(r#"{"year":"20x9"}"#).is_err());
        assert!(year(r#"{"year":"20190"}"#).is_err());
    }

    /// A list holds up to millions of entries, each written once on a load and copied when a
    /// threaded load appends its chunks: the rarely-set text (vehicle, record id) stays out of
    /// line. 200 bytes with the vehicle inline; 96 with it out of line; 80 with a pattern's
    /// tokens a boxed slice (the key 24 → 16 bytes) and the attributes behind a thin pointer.
    #[test]
    fn an_entry_stays_small() {
        assert!(std::mem::size_of::<Entry>() <= 80, "{}", std::mem::size_of::<Entry>());
        assert!(std::mem::size_of::<crate::pattern::PlateOrPattern>() == 16);
        assert!(std::mem::size_of::<Attributes>() == 8);
        assert!(std::mem::size_of::<Option<Box<Vehicle>>>() == 8);
    }

    #[test]
    fn an_empty_vehicle_is_stored_as_none_and_read_as_empty() {
        let mut e = Entry {
            key: crate::pattern::PlateOrPattern::Plate("7ABC123".parse().unwrap()),
            jurisdiction: None,
            plate_type: None,
            category: Category::StolenVehicle,
            record_id: None,
            incident_date: None,
            vehicle: None,
            expires_at: None,
            caution: Caution::default(),
            attributes: Attributes::new(),
        };
        let plain = e.clone();
        e.set_vehicle(Vehicle::default());
        assert!(e.vehicle.is_none() && e.vehicle().is_empty());
        assert_eq!(e, plain, "an empty description compares equal to none");
        e.set_vehicle(Vehicle {
            make: Some("HOND".to_owned()),
            year: Some(2009),
            ..Vehicle::default()
        });
        assert_eq!(e.vehicle().make.as_deref(), Some("HOND"));
        assert_eq!(e.vehicle().year, Some(2009));
        assert_eq!(
            e.to_json()["vehicle"],
            serde_json::json!({"make": "HOND", "year": 2009})
        );
    }

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

    proptest::proptest! {
        /// Pairs in file order give the attributes a map of repeated inserts gives.
        #[test]
        fn attributes_from_pairs_are_those_of_the_map(
            pairs in proptest::collection::vec(("[a-d]{1,2}", "[0-9]{0,2}"), 0..12),
        ) {
            let map: BTreeMap<String, String> = pairs.iter().cloned().collect();
            let boxed = pairs.iter().map(|(k, v)| (Box::from(k.as_str()), Box::from(v.as_str()))).collect();
            proptest::prop_assert_eq!(Attributes::from_pairs(boxed), Attributes::from(map));
        }
    }
}
