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
