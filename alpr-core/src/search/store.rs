//! The columnar detection store: rows grouped by plate (a CSR, by time within a plate) over a
//! sorted dictionary of distinct plates, its builder and its JSON shape.

use std::collections::HashMap;

use super::index::{Plate, SuffixOrder, TimeIndex, TrigramIndex};
use super::invalid_at;
use crate::error::{Code, Error, Position, Result};
use crate::geo::valid_lat_lon;
use crate::plate::{Jurisdiction, Plate};
use crate::time::{Instant, floor_ms, instant_of_ms};

/// Device id value for "no device".
const NO_DEVICE: u32 = u32::MAX;

/// One stored detection, as returned by [`DetectionStore::row`].
#[derive(Clone, Debug, PartialEq)]
pub struct DetectionRow<'a> {
    /// The detection id.
    pub id: u64,
    /// The plate read.
    pub plate: Plate,
    /// The jurisdiction read, if any.
    pub jurisdiction: Option<Jurisdiction>,
    /// When it was observed, Unix milliseconds.
    pub observed_ms: i64,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// The device that read it, if known.
    pub device_id: Option<&'a str>,
}

impl DetectionRow<'_> {
    /// When it was observed.
    pub fn observed_at(&self) -> Instant {
        instant_of_ms(self.observed_ms).unwrap_or_default()
    }
}

/// Collects detections, validating each, then builds an immutable [`DetectionStore`].
#[derive(Clone, Debug, Default)]
pub struct DetectionStoreBuilder {
    ids: Vec<u64>,
    plates: Vec<u64>,
    jurisdictions: Vec<Option<Jurisdiction>>,
    observed: Vec<i64>,
    lat: Vec<f64>,
    lon: Vec<f64>,
    device: Vec<u32>,
    devices: Vec<String>,
    device_index: HashMap<String, u32>,
}

impl DetectionStoreBuilder {
    /// An empty builder.
    pub fn new() -> DetectionStoreBuilder {
        DetectionStoreBuilder::default()
    }

    /// An empty builder with room for `n` detections.
    pub fn with_capacity(n: usize) -> DetectionStoreBuilder {
        DetectionStoreBuilder {
            ids: Vec::with_capacity(n),
            plates: Vec::with_capacity(n),
            jurisdictions: Vec::with_capacity(n),
            observed: Vec::with_capacity(n),
            lat: Vec::with_capacity(n),
            lon: Vec::with_capacity(n),
            device: Vec::with_capacity(n),
            ..DetectionStoreBuilder::default()
        }
    }

    /// A builder holding every detection of `store`, in its row order (to append a batch and
    /// build a new store).
    pub fn from_store(store: &DetectionStore) -> DetectionStoreBuilder {
        let mut b = DetectionStoreBuilder::with_capacity(store.len());
        for r in 0..store.len() {
            let row = store.row(r as u32);
            b.ids.push(row.id);
            b.plates.push(row.plate.packed());
            b.jurisdictions.push(row.jurisdiction);
            b.observed.push(row.observed_ms);
            b.lat.push(row.lat);
            b.lon.push(row.lon);
            let d = row.device_id.map_or(NO_DEVICE, |d| b.device_id(d));
            b.device.push(d);
        }
        b
    }

    fn device_id(&mut self, d: &str) -> u32 {
        if let Some(&i) = self.device_index.get(d) {
            return i;
        }
        let i = self.devices.len() as u32;
        self.devices.push(d.to_owned());
        self.device_index.insert(d.to_owned(), i);
        i
    }

    /// Number of detections so far.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no detection was added.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Adds a detection observed at `observed_at` (stored at millisecond precision, rounded down).
    ///
    /// # Errors
    /// `invalid_argument` (position `index` = this detection's row) for a latitude outside
    /// -90..90, a longitude outside -180..180 or a non-finite coordinate, or past `u32::MAX` rows.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        id: u64,
        plate: Plate,
        jurisdiction: Option<Jurisdiction>,
        observed_at: Instant,
        lat: f64,
        lon: f64,
        device_id: Option<&str>,
    ) -> Result<()> {
        self.push_ms(id, plate, jurisdiction, floor_ms(observed_at), lat, lon, device_id)
    }

    /// Adds a detection observed at `observed_ms` Unix milliseconds (as [`Self::push`]).
    ///
    /// # Errors
    /// As [`Self::push`].
    #[allow(clippy::too_many_arguments)]
    pub fn push_ms(
        &mut self,
        id: u64,
        plate: Plate,
        jurisdiction: Option<Jurisdiction>,
        observed_ms: i64,
        lat: f64,
        lon: f64,
        device_id: Option<&str>,
    ) -> Result<()> {
        let row = self.ids.len();
        if row >= u32::MAX as usize {
            return Err(invalid_at("a store holds fewer than 2^32 - 1 detections", row));
        }
        if !valid_lat_lon(lat, lon) {
            return Err(invalid_at(
                "detection outside -90..90 latitude or -180..180 longitude",
                row,
            ));
        }
        // The years 0001–9999 only: an INT64_MIN/MAX sentinel or microseconds given as
        // milliseconds is refused here, not stored and read back as 1970.
        crate::time::instant_from_unix_ms(observed_ms)
            .map_err(|e| e.at_index(u32::try_from(row).unwrap_or(u32::MAX)))?;
        let d = device_id.map_or(NO_DEVICE, |d| self.device_id(d));
        self.ids.push(id);
        self.plates.push(plate.packed());
        self.jurisdictions.push(jurisdiction);
        self.observed.push(observed_ms);
        self.lat.push(lat);
        self.lon.push(lon);
        self.device.push(d);
        Ok(())
    }

    /// Builds the store and its indexes.
    ///
    /// # Errors
    /// `invalid_argument` with position `index` at the second row of an id that appears twice
    /// (a detection id is unique in a store).
    pub fn build(self) -> Result<DetectionStore> {
        let n = self.ids.len();
        // Unique ids.
        let mut by_id: Vec<(u64, u32)> = self.ids.iter().enumerate().map(|(r, &id)| (id, r as u32)).collect();
        by_id.sort_unstable();
        if let Some(w) = by_id.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(invalid_at("detection id appears twice", w[1].1 as usize));
        }
        drop(by_id);

        // Dictionary of distinct plates, sorted.
        let mut plates = self.plates.clone();
        plates.sort_unstable();
        plates.dedup();
        let dict: HashMap<u64, u32> = plates.iter().enumerate().map(|(i, &p)| (p, i as u32)).collect();
        let pid_of_row: Vec<u32> = self.plates.iter().map(|p| dict[p]).collect();
        drop(dict);

        // CSR: rows grouped by plate, by time within a plate (ties by row).
        let mut offsets = vec![0u32; plates.len() + 1];
        for &p in &pid_of_row {
            offsets[p as usize + 1] += 1;
        }
        for i in 0..plates.len() {
            offsets[i + 1] += offsets[i];
        }
        let mut next: Vec<u32> = offsets[..plates.len()].to_vec();
        let mut order = vec![0u32; n];
        for (r, &p) in pid_of_row.iter().enumerate() {
            order[next[p as usize] as usize] = r as u32;
            next[p as usize] += 1;
        }
        drop(next);
        for w in offsets.windows(2) {
            let s = &mut order[w[0] as usize..w[1] as usize];
            if s.len() > 1 {
                s.sort_unstable_by_key(|&r| (self.observed[r as usize], r));
            }
        }
        let mut pos_of_row = vec![0u32; n];
        for (pos, &r) in order.iter().enumerate() {
            pos_of_row[r as usize] = pos as u32;
        }
        let gather_f = |col: &[f64]| order.iter().map(|&r| col[r as usize]).collect::<Vec<_>>();
        let store = DetectionStore {
            ids: order.iter().map(|&r| self.ids[r as usize]).collect(),
            observed: order.iter().map(|&r| self.observed[r as usize]).collect(),
            lat: gather_f(&self.lat),
            lon: gather_f(&self.lon),
            jurisdictions: order.iter().map(|&r| self.jurisdictions[r as usize]).collect(),
            device: order.iter().map(|&r| self.device[r as usize]).collect(),
            devices: self.devices,
            pid: order.iter().map(|&r| pid_of_row[r as usize]).collect(),
            row_of_pos: order,
            pos_of_row,
            offsets,
            time: TimeIndex::new(&self.observed, &pid_of_row),
            suffix: SuffixOrder::new(&plates),
            from_start: TrigramIndex::new(&plates, false),
            from_end: TrigramIndex::new(&plates, true),
            plates,
        };
        Ok(store)
    }
}

/// One detection in the JSON shape of [`DetectionStore::from_json`].
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DetectionJson {
    id: u64,
    plate: String,
    observed_at: String,
    lat: f64,
    lon: f64,
    #[serde(default)]
    jurisdiction: Option<String>,
    #[serde(default)]
    device_id: Option<String>,
}

impl DetectionStore {
    /// Builds a store from a JSON array of detections, each
    /// `{"id", "plate", "observed_at" (RFC 3339), "lat", "lon"}` with optional `"jurisdiction"`
    /// and `"device_id"`. Plates and jurisdictions are normalized (R-NORM).
    ///
    /// # Errors
    /// `invalid_argument` for text that is not such an array; otherwise the code of the first bad
    /// detection (a plate's normalization code, `invalid_jurisdiction`, `invalid_date`,
    /// `invalid_argument` for coordinates or a repeated id), with its position `index`.
    pub fn from_json(text: &str) -> Result<DetectionStore> {
        let rows: Vec<DetectionJson> = serde_json::from_str(text).map_err(|e| {
            Error::new(Code::InvalidArgument).with_detail(format!(
                "not a JSON array of detections (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        let mut b = DetectionStoreBuilder::with_capacity(rows.len());
        for (i, d) in rows.iter().enumerate() {
            let at_index = |e: Error| {
                let p = e.position();
                e.with_position(Position {
                    index: Some(u32::try_from(i).unwrap_or(u32::MAX)),
                    ..p
                })
            };
            let plate = crate::plate::normalize(&d.plate).map_err(at_index)?.plate;
            let jurisdiction = d
                .jurisdiction
                .as_deref()
                .map(Jurisdiction::parse)
                .transpose()
                .map_err(at_index)?;
            let at = crate::time::parse_instant(&d.observed_at).map_err(at_index)?;
            b.push(d.id, plate, jurisdiction, at, d.lat, d.lon, d.device_id.as_deref())?;
        }
        b.build()
    }
}

/// An immutable, columnar set of detections with a partial-plate index. Cheap to share
/// (`Arc`) between threads; every query is read-only.
#[derive(Clone, Debug, Default)]
pub struct DetectionStore {
    // Distinct plates, sorted (packed); the plate id is the index.
    pub(super) plates: Vec<u64>,
    // CSR: rows of plate `p` are positions offsets[p]..offsets[p+1], sorted by time.
    pub(super) offsets: Vec<u32>,
    // Columns in CSR position order.
    pub(super) ids: Vec<u64>,
    pub(super) observed: Vec<i64>,
    pub(super) lat: Vec<f64>,
    pub(super) lon: Vec<f64>,
    pub(super) jurisdictions: Vec<Option<Jurisdiction>>,
    pub(super) device: Vec<u32>,
    pub(super) pid: Vec<u32>,
    // Row number (insertion order) of each position, and back.
    pub(super) row_of_pos: Vec<u32>,
    pub(super) pos_of_row: Vec<u32>,
    pub(super) devices: Vec<String>,
    // The plate of every detection in time order, for windows (retro-hits).
    pub(super) time: TimeIndex,
    pub(super) suffix: SuffixOrder,
    pub(super) from_start: TrigramIndex,
    pub(super) from_end: TrigramIndex,
}

impl DetectionStore {
    /// An empty store.
    pub fn empty() -> DetectionStore {
        DetectionStoreBuilder::new().build().unwrap_or_default()
    }

    /// Number of detections.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the store holds no detection.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Number of distinct plates.
    pub fn distinct_plates(&self) -> usize {
        self.plates.len()
    }

    /// The detection in row `row` (rows are numbered in the order detections were pushed).
    ///
    /// # Panics
    /// When `row >= self.len()`.
    pub fn row(&self, row: u32) -> DetectionRow<'_> {
        let p = self.pos_of_row[row as usize] as usize;
        self.at(p)
    }

    pub(super) fn at(&self, p: usize) -> DetectionRow<'_> {
        let d = self.device[p];
        DetectionRow {
            id: self.ids[p],
            plate: Plate(self.plates[self.pid[p] as usize]),
            jurisdiction: self.jurisdictions[p],
            observed_ms: self.observed[p],
            lat: self.lat[p],
            lon: self.lon[p],
            device_id: (d != NO_DEVICE).then(|| self.devices[d as usize].as_str()),
        }
    }

    /// [`Self::rows_by_plate_where`] for every plate (the tests).
    #[cfg(test)]
    pub(crate) fn rows_by_plate(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> impl Iterator<Item = (Plate, impl ExactSizeIterator<Item = u32> + '_)> + '_ {
        self.rows_by_plate_where(from_ms, to_ms, |_| true)
    }

    /// Every distinct plate with a detection observed in `[from_ms, to_ms)` that `keep`
    /// accepts, in plate order, with the rows of those detections, oldest first (for retro-hits,
    /// R-SEARCH-2). `keep` sees every plate of the window, in plate order, before any plate's rows
    /// are looked up, so a plate it refuses costs no search in its rows.
    ///
    /// The plates come from the time index: the detections of the window, read in time order,
    /// mark their plates in a bitset, so a short window costs in proportion to its detections,
    /// not to every distinct plate of the store; each marked plate's rows are then one binary
    /// search in its time-sorted rows.
    pub(crate) fn rows_by_plate_where(
        &self,
        from_ms: i64,
        to_ms: i64,
        mut keep: impl FnMut(Plate) -> bool,
    ) -> impl Iterator<Item = (Plate, impl ExactSizeIterator<Item = u32> + '_)> + '_ {
        let pids = self.time.plates_in(from_ms, to_ms, self.plates.len(), |pid| {
            !self.window(pid as usize, from_ms, to_ms).is_empty()
        });
        // The plates first, in a loop of independent loads (their misses overlap), then the
        // filter over them in order.
        let mut plates: Vec<(u32, Plate)> = pids
            .into_iter()
            .map(|pid| (pid, Plate(self.plates[pid as usize])))
            .collect();
        plates.retain(|&(_, plate)| keep(plate));
        plates.into_iter().map(move |(pid, plate)| {
            let rows = self.window(pid as usize, from_ms, to_ms).map(|p| self.row_of_pos[p]);
            (plate, rows)
        })
    }

    /// [`Self::rows_by_plate`] as it was before the time index: a walk over every distinct plate
    /// with a binary search in each (the oracle of the tests).
    #[cfg(test)]
    pub(crate) fn rows_by_plate_full_scan(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> impl Iterator<Item = (Plate, impl ExactSizeIterator<Item = u32> + '_)> + '_ {
        (0..self.plates.len()).filter_map(move |pid| {
            let r = self.window(pid, from_ms, to_ms);
            (!r.is_empty()).then(|| (Plate(self.plates[pid]), r.map(|p| self.row_of_pos[p])))
        })
    }

    /// Heap bytes of the time index (4 bytes a detection and 8 bytes a block of them).
    pub fn time_index_bytes(&self) -> usize {
        self.time.heap_bytes()
    }

    pub(super) fn window(&self, pid: usize, from_ms: i64, to_ms: i64) -> std::ops::Range<usize> {
        let (start, end) = (self.offsets[pid] as usize, self.offsets[pid + 1] as usize);
        let times = &self.observed[start..end];
        let a = times.partition_point(|&x| x < from_ms);
        let b = a + times[a..].partition_point(|&x| x < to_ms);
        start + a..start + b
    }

    /// The detection ids of `rows` (as [`crate::agency::Agency::search`] returns them), ascending.
    pub fn ids_of(&self, rows: &[u32]) -> Vec<u64> {
        let mut ids: Vec<u64> = rows
            .iter()
            .map(|&r| self.ids[self.pos_of_row[r as usize] as usize])
            .collect();
        ids.sort_unstable();
        ids
    }
}
