//! The one time converter of the package: what Python passes as a time, as UTC.
//!
//! Accepted: any timezone-aware `datetime` (any `tzinfo`: `timezone.utc`, `zoneinfo`, pytz,
//! dateutil), a timezone-aware pandas `Timestamp`, and for columns a timezone-aware Arrow
//! timestamp column (pyarrow, polars, pandas through the Arrow PyCapsule interface) or a list
//! of aware datetimes. Refused, with a `TypeError` that says how to pass them, never guessed:
//! naive datetimes and timestamp columns (their zone is unknown), bare integers and integer
//! columns (their unit is unknown), numpy `datetime64` (always naive).

use chrono::{DateTime, FixedOffset, Offset, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyFloat, PyInt, PyList, PyTuple};

use crate::arrow;

/// How to give an epoch number a unit and a zone, for messages.
const FROM_EPOCH: &str = "convert it with an explicit unit and timezone, e.g. \
     datetime.fromtimestamp(seconds, tz=timezone.utc) or pandas.Timestamp(ms, unit=\"ms\", tz=\"UTC\")";

/// `t` as an aware time with the UTC offset it has at that instant, or the refusal's message
/// (without the argument's name) for a value that is not a timezone-aware `datetime` or pandas
/// `Timestamp`. The outer error is a Python error raised while reading `t`.
fn aware(t: &Bound<'_, PyAny>) -> PyResult<Result<DateTime<FixedOffset>, String>> {
    // pandas' missing time subclasses datetime but has no offset (its utcoffset() raises).
    if t.get_type().name().is_ok_and(|n| n == "NaTType") {
        return Ok(Err(
            "a missing time (pandas NaT) is not a time; pass a timezone-aware datetime".to_owned(),
        ));
    }
    if t.is_instance_of::<PyDateTime>() {
        // A fixed-offset tzinfo (`timezone.utc`, `timezone(timedelta(...))`) is read directly.
        if let Ok(fixed) = t.extract::<DateTime<FixedOffset>>() {
            return Ok(Ok(fixed));
        }
        // Any other tzinfo (zoneinfo, pytz, dateutil, pandas'): its offset at this instant.
        let offset = t.call_method0("utcoffset")?;
        if offset.is_none() {
            return Ok(Err("a naive datetime is ambiguous; give it a timezone, e.g. \
                 dt.replace(tzinfo=timezone.utc) or dt.astimezone() for local time"
                .to_owned()));
        }
        let seconds: f64 = offset.call_method0("total_seconds")?.extract()?;
        let utc_zone = t.py().import("datetime")?.getattr("timezone")?.getattr("utc")?;
        let utc: DateTime<Utc> = t.call_method1("astimezone", (utc_zone,))?.extract()?;
        // An offset is less than a day, so the conversion cannot fail; UTC if it somehow does.
        #[allow(clippy::cast_possible_truncation)] // |seconds| < 86,400
        let fixed = FixedOffset::east_opt(seconds.round() as i32).unwrap_or_else(|| Utc.fix());
        return Ok(Ok(utc.with_timezone(&fixed)));
    }
    if t.is_instance_of::<PyInt>() || t.is_instance_of::<PyFloat>() {
        return Ok(Err(format!(
            "a bare number is not a time (its unit is unknown); {FROM_EPOCH}"
        )));
    }
    let ty = t.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    if ty == "datetime64" {
        return Ok(Err(
            "numpy datetime64 has no timezone; pass pandas.Timestamp(value, tz=\"UTC\") \
             or a timezone-aware datetime"
                .to_owned(),
        ));
    }
    Ok(Err(format!(
        "expected a timezone-aware datetime or pandas.Timestamp, got {ty}"
    )))
}

/// `t` as UTC: a timezone-aware `datetime` or pandas `Timestamp`; anything else is a
/// `TypeError` naming `arg` and saying what to pass.
pub(crate) fn to_utc(arg: &str, t: &Bound<'_, PyAny>) -> PyResult<DateTime<Utc>> {
    to_aware(arg, t).map(|t| t.to_utc())
}

/// `t` as an aware time with its UTC offset at that instant (as [`to_utc`] reads it), or a
/// `TypeError` naming `arg` and saying what to pass.
pub(crate) fn to_aware(arg: &str, t: &Bound<'_, PyAny>) -> PyResult<DateTime<FixedOffset>> {
    aware(t)?.map_err(|msg| PyTypeError::new_err(format!("{arg}: {msg}")))
}

/// A time argument read by the one converter ([`to_utc`]'s rules): a timezone-aware
/// `datetime` (any `tzinfo`) or pandas `Timestamp`, kept with its UTC offset at that instant.
/// A naive datetime, a number or anything else is a `TypeError` saying how to pass it (pyo3
/// puts the argument's name in front).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Aware(pub(crate) DateTime<FixedOffset>);

impl Aware {
    /// The instant in UTC.
    pub(crate) fn to_utc(self) -> DateTime<Utc> {
        self.0.to_utc()
    }
}

impl FromPyObject<'_, '_> for Aware {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        aware(&obj)?.map(Aware).map_err(PyTypeError::new_err)
    }
}

/// One time for every row, or one per row (`None` where a row's time is null).
pub(crate) enum Times {
    /// The same time for every row.
    One(DateTime<Utc>),
    /// A time per row.
    Each(Vec<Option<DateTime<Utc>>>),
}

impl Times {
    /// The time of row `i`.
    pub(crate) fn at(&self, i: usize) -> Option<DateTime<Utc>> {
        match self {
            Times::One(t) => Some(*t),
            Times::Each(v) => v.get(i).copied().flatten(),
        }
    }

    /// The number of rows, if per row.
    pub(crate) fn len(&self) -> Option<usize> {
        match self {
            Times::One(_) => None,
            Times::Each(v) => Some(v.len()),
        }
    }
}

/// Times from a column: a timezone-aware Arrow timestamp column, or a list or tuple of aware
/// datetimes (`None` for a missing one).
pub(crate) fn column(arg: &str, col: &Bound<'_, PyAny>) -> PyResult<Vec<Option<DateTime<Utc>>>> {
    if let Some(imported) = arrow::import(arg, col)? {
        if imported.is_table() {
            return Err(PyTypeError::new_err(format!("{arg}: expected one column, got a table")));
        }
        return from_arrow(arg, &imported.into_column());
    }
    if col.is_instance_of::<PyList>() || col.is_instance_of::<PyTuple>() {
        return col
            .try_iter()?
            .map(|x| {
                let x = x?;
                if x.is_none() {
                    Ok(None)
                } else {
                    to_utc(arg, &x).map(Some)
                }
            })
            .collect();
    }
    let ty = col.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    Err(PyTypeError::new_err(format!(
        "{arg}: expected a timezone-aware datetime, a timezone-aware Arrow timestamp column or a \
         list of aware datetimes, got {ty}"
    )))
}

/// The times of an Arrow column (timezone-aware timestamps only).
pub(crate) fn from_arrow(arg: &str, col: &arrow::Column) -> PyResult<Vec<Option<DateTime<Utc>>>> {
    Ok(col
        .utc_micros(arg)?
        .into_iter()
        .map(|m| m.and_then(DateTime::from_timestamp_micros))
        .collect())
}

/// A scalar time, or a column of them.
pub(crate) fn one_or_column(arg: &str, t: &Bound<'_, PyAny>) -> PyResult<Times> {
    // A scalar (a datetime, or a number or numpy datetime64 refused with how to pass it).
    let numpy_scalar = t.get_type().name().is_ok_and(|n| n == "datetime64");
    if t.is_instance_of::<PyDateTime>() || t.is_instance_of::<PyInt>() || t.is_instance_of::<PyFloat>() || numpy_scalar
    {
        return to_utc(arg, t).map(Times::One);
    }
    column(arg, t).map(Times::Each)
}
