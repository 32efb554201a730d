//! The one time converter of the package: what Python passes as a time, as UTC.
//!
//! Accepted: any timezone-aware `datetime` (any `tzinfo`: `timezone.utc`, `zoneinfo`, pytz,
//! dateutil), a timezone-aware pandas `Timestamp`, and for columns a timezone-aware Arrow
//! timestamp column (pyarrow, polars, pandas through the Arrow PyCapsule interface) or a list
//! of aware datetimes. Refused, with a `TypeError` that says how to pass them, never guessed:
//! naive datetimes and timestamp columns (their zone is unknown), bare integers and integer
//! columns (their unit is unknown), numpy `datetime64` (always naive).

use chrono::{DateTime, FixedOffset, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyInt, PyList, PyTuple};

use crate::arrow;

/// How to give an epoch number a unit and a zone, for messages.
const FROM_EPOCH: &str = "convert it with an explicit unit and timezone, e.g. \
     datetime.fromtimestamp(seconds, tz=timezone.utc) or pandas.Timestamp(ms, unit=\"ms\", tz=\"UTC\")";

/// `t` as UTC: a timezone-aware `datetime` or pandas `Timestamp`; anything else is a
/// `TypeError` naming `arg` and saying what to pass.
pub(crate) fn to_utc(arg: &str, t: &Bound<'_, PyAny>) -> PyResult<DateTime<Utc>> {
    if t.is_instance_of::<PyDateTime>() {
        // pyo3 reads the UTC offset of any aware datetime through its `utcoffset()`.
        if let Ok(fixed) = t.extract::<DateTime<FixedOffset>>() {
            return Ok(fixed.with_timezone(&Utc));
        }
        if t.call_method0("utcoffset")?.is_none() {
            return Err(PyTypeError::new_err(format!(
                "{arg}: a naive datetime is ambiguous; give it a timezone, e.g. \
                 dt.replace(tzinfo=timezone.utc) or dt.astimezone() for local time"
            )));
        }
        let utc = t.py().import("datetime")?.getattr("timezone")?.getattr("utc")?;
        return t.call_method1("astimezone", (utc,))?.extract();
    }
    if t.is_instance_of::<PyInt>() || t.is_instance_of::<pyo3::types::PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{arg}: a bare number is not a time (its unit is unknown); {FROM_EPOCH}"
        )));
    }
    let ty = t.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    if ty == "datetime64" {
        return Err(PyTypeError::new_err(format!(
            "{arg}: numpy datetime64 has no timezone; pass pandas.Timestamp(value, tz=\"UTC\") \
             or a timezone-aware datetime"
        )));
    }
    Err(PyTypeError::new_err(format!(
        "{arg}: expected a timezone-aware datetime or pandas.Timestamp, got {ty}"
    )))
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
    if t.is_instance_of::<PyDateTime>() || t.is_instance_of::<PyInt>() {
        return to_utc(arg, t).map(Times::One);
    }
    column(arg, t).map(Times::Each)
}
