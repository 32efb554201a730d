"""alpr on Apache Spark: hot-list matching, retro-hits and partial-plate search over a data lake,
each a ``mapInArrow`` over the Rust batch kernels with a declared output schema.

Install with the extra: ``pip install 'alpr[spark]'`` (PySpark 4). The wheel must be importable
by the executors' Python (``spark-submit --py-files`` cannot ship a compiled extension: install
the wheel in the executors' environment, or ship a packed venv with ``--archives``).

What happens where:

* **Driver**, when the function is called, before any job is submitted: the column names are
  checked against the DataFrame; lists given as values are validated (a malformed list raises
  here); the agency decides access for ``user`` from its roster and writes **one** audit record
  with the query terms, the window, the retention rule, the legal holds, the policy and its
  SHA-256, the engine and, for lists, their ids, versions and SHA-256 — a denial raises here
  (and is recorded); nothing is submitted.
* **Workers**: the ``ExternalGrant`` (small checksummed bytes inside each task) and, for matching
  and retro-hits, the lists as versioned, checksummed bytes (one Spark broadcast, decoded once
  per executor Python process). A checksum mismatch, or lists other than those recorded, raises
  and fails the task. Each Arrow batch goes through the grant's kernel: rows past retention
  (under the recorded policy, at the recorded time, unless under a recorded legal hold) are
  never read. Workers write no audit record.

The returned DataFrame is lazy: every action on it runs the recorded query again, at the
recorded time, under the recorded policy and holds (the results are the same). A new query
needs a new call (and gets a new record).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, Iterator, Mapping

import pyarrow as pa

from alpr import _distributed as _d
from alpr._alpr import Agency

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

__all__ = ["match_hotlists", "retro_hits", "search", "spark_schema"]

_ENGINE = "spark"


def spark_schema(schema: pa.Schema) -> Any:
    """The Spark ``StructType`` of an output schema."""
    from pyspark.sql import types as T

    def of(t: pa.DataType) -> Any:
        if pa.types.is_string(t):
            return T.StringType()
        if pa.types.is_int64(t):
            return T.LongType()
        if pa.types.is_int32(t):
            return T.IntegerType()
        if pa.types.is_float64(t):
            return T.DoubleType()
        if pa.types.is_boolean(t):
            return T.BooleanType()
        if pa.types.is_timestamp(t):
            return T.TimestampType()
        if pa.types.is_list(t):
            return T.ArrayType(of(t.value_type))
        raise TypeError(f"no Spark type for {t}")

    return T.StructType([T.StructField(f.name, of(f.type), True) for f in schema])


# The lists broadcast by this driver, by Spark context and SHA-256 of the whole bytes: queries
# over the same lists reuse one broadcast, so executors receive and decode a list version once.
_BROADCASTS: dict[tuple[int, bytes], Any] = {}


def _broadcast(sc: Any, data: bytes) -> Any:
    key = (id(sc), hashlib.sha256(data).digest())
    b = _BROADCASTS.get(key)
    if b is None or b.value is None:
        if len(_BROADCASTS) >= 2:
            for old in _BROADCASTS.values():
                old.unpersist()
            _BROADCASTS.clear()
        b = _BROADCASTS[key] = sc.broadcast(data)
    return b


def _submit(df: "DataFrame", plan: _d.Plan) -> "DataFrame":
    """The worker side of a plan as a ``mapInArrow`` (lists broadcast once per version)."""
    sc = df.sparkSession.sparkContext
    broadcast = _broadcast(sc, plan.lists) if plan.lists is not None else None
    grant_bytes, worker = plan.grant_bytes, plan.worker()

    def run(it: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        lists = broadcast.value if broadcast is not None else None
        yield from _d.batches(grant_bytes, lists, it, worker)

    return df.mapInArrow(run, spark_schema(plan.schema))


def match_hotlists(
    df: "DataFrame",
    registry: Any = None,
    *,
    agency: Agency,
    user: str,
    request: Mapping[str, Any] | str,
    id: str = "id",
    plate: str = "plate",
    observed_at: str = "observed_at",
    jurisdiction: str | None = None,
    plate_type: str | None = None,
    origin: str = "vehicle",
) -> "DataFrame":
    """Every read of ``df`` matched against hot lists with the full rules of live matching
    (``Registry.match_batch``), at the agency's time; rows past retention are not read.

    Args:
        df: the reads: columns ``id`` (integer), ``plate`` (string), ``observed_at``
            (timestamp) and optionally ``jurisdiction`` and ``plate_type``.
        registry: the lists: ``None`` for the agency's lists in force, a ``Registry`` under
            the agency's policy, or a list (or several) as a dict or JSON text, validated on the
            driver.
        agency, user, request: who asks and why, as ``Agency.search``.
        id, plate, observed_at, jurisdiction, plate_type: column names.
        origin: ``"vehicle"``, ``"fixed"`` or ``"desktop"``.

    Returns:
        DataFrame: one row per hit (and per unreadable read, with ``error``): ``id``, the hit
        columns of ``Registry.match_batch(..., as_table=True)``, ``error``.

    Raises:
        KeyError: a column the DataFrame lacks (nothing recorded).
        HotListError, InvalidArgumentError: a malformed list (nothing recorded).
        AccessDeniedError: denied (recorded); nothing submitted.
    """
    plan = _d.plan_match(
        agency,
        registry,
        user=user,
        request=request,
        engine=_ENGINE,
        columns=df.columns,
        id=id,
        plate=plate,
        observed_at=observed_at,
        jurisdiction=jurisdiction,
        plate_type=plate_type,
        origin=origin,
    )
    return _submit(df, plan)


def retro_hits(
    df: "DataFrame",
    list_id: str,
    *,
    days: int,
    agency: Agency,
    user: str,
    request: Mapping[str, Any] | str,
    id: str = "id",
    plate: str = "plate",
    observed_at: str = "observed_at",
    lat: str = "lat",
    lon: str = "lon",
    jurisdiction: str | None = None,
    device_id: str | None = None,
) -> "DataFrame":
    """Retro-hits (R-SEARCH-2): the version of the agency's list ``list_id`` in force, matched
    against the detections of ``df`` observed in the last ``days`` days (as
    ``Agency.retro_hits``). The version is recorded and shipped; a covert list needs
    ``view_covert``.

    Returns:
        DataFrame: the rows of ``Agency.retro_hits(..., as_table=True)``: ``detection`` and the
        hit columns.

    Raises:
        KeyError: a column the DataFrame lacks (nothing recorded).
        UnknownListError: no such list in force (nothing recorded).
        AccessDeniedError: denied (recorded); nothing submitted.
    """
    plan = _d.plan_retro_hits(
        agency,
        list_id,
        days=days,
        user=user,
        request=request,
        engine=_ENGINE,
        columns=df.columns,
        id=id,
        plate=plate,
        observed_at=observed_at,
        lat=lat,
        lon=lon,
        jurisdiction=jurisdiction,
        device_id=device_id,
    )
    return _submit(df, plan)


def search(
    df: "DataFrame",
    pattern: str,
    *,
    time_from: Any = None,
    time_to: Any = None,
    near: tuple[float, float, float] | None = None,
    agency: Agency,
    user: str,
    request: Mapping[str, Any] | str,
    id: str = "id",
    plate: str = "plate",
    observed_at: str = "observed_at",
    lat: str = "lat",
    lon: str = "lon",
    jurisdiction: str | None = None,
    device_id: str | None = None,
) -> "DataFrame":
    """A partial-plate search, or a canvass with ``near=(lat, lon, radius_m)`` (R-SEARCH-1),
    over the detections of ``df`` in ``[time_from, time_to)`` (aware datetimes; open when
    omitted), as ``Agency.search``.

    Returns:
        DataFrame: ``id``, ``plate``, ``observed_at``, ``lat``, ``lon``, ``jurisdiction``,
        ``device_id`` of every detection found.

    Raises:
        KeyError: a column the DataFrame lacks (nothing recorded).
        InvalidPatternError, PatternTooBroadError: the pattern (nothing recorded).
        AccessDeniedError: denied (recorded); nothing submitted.
    """
    plan = _d.plan_search(
        agency,
        pattern,
        time_from=time_from,
        time_to=time_to,
        near=near,
        user=user,
        request=request,
        engine=_ENGINE,
        columns=df.columns,
        id=id,
        plate=plate,
        observed_at=observed_at,
        lat=lat,
        lon=lon,
        jurisdiction=jurisdiction,
        device_id=device_id,
    )
    return _submit(df, plan)
