"""What ``alpr.spark`` and ``alpr.dask`` share: the driver step (validation, the access decision
and the audit record, through ``Agency.grant_external``) and the worker step (the grant's batch
kernel over one Arrow batch, cast to the declared output schema).

The accountability rule of the package holds here too: no function reads detections without an
audit log in reach. The driver asks the agency for a grant; the agency decides, writes the record
first and returns an ``ExternalGrant`` that carries exactly what was recorded. Workers get the
grant (small, checksummed bytes in the task) and, for matching and retro-hits, the lists
(versioned, checksummed bytes shipped once per executor); they run the grant's kernel over their
batches and nothing else. A checksum mismatch on a worker raises, failing the task.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable, Iterator, Mapping, Sequence

import pyarrow as pa

from alpr._alpr import Agency, ExternalGrant, Registry, ShippedLists

# The declared output schemas (Arrow; Spark's are derived from them).
_HIT_FIELDS = [
    pa.field("list", pa.string()),
    pa.field("list_kind", pa.string()),
    pa.field("list_loaded_at", pa.timestamp("us", tz="UTC")),
    pa.field("priority", pa.int32()),
    pa.field("entry", pa.string()),
    pa.field("kind", pa.string()),
    pa.field("positions", pa.list_(pa.int32())),
    pa.field("jurisdiction", pa.string()),
    pa.field("plate_type_mismatch", pa.bool_()),
    pa.field("stale", pa.bool_()),
    pa.field("tier", pa.string()),
    pa.field("category", pa.string()),
    pa.field("list_age_seconds", pa.int64()),
]

MATCH_SCHEMA = pa.schema([pa.field("id", pa.int64()), *_HIT_FIELDS, pa.field("error", pa.string())])
RETRO_SCHEMA = pa.schema([pa.field("detection", pa.int64()), *_HIT_FIELDS])
SEARCH_SCHEMA = pa.schema(
    [
        pa.field("id", pa.int64()),
        pa.field("plate", pa.string()),
        pa.field("observed_at", pa.timestamp("us", tz="UTC")),
        pa.field("lat", pa.float64()),
        pa.field("lon", pa.float64()),
        pa.field("jurisdiction", pa.string()),
        pa.field("device_id", pa.string()),
    ]
)

# Lists decoded on this worker process: by the identity of their bytes object (a broadcast value,
# which Spark keeps once per process; a Dask delayed value), then by the SHA-256 of the whole
# bytes (a new broadcast of the same lists: a warm rerun). Lists are decoded — checked, indexed —
# once per process and content; bytes that differ in any way are decoded, and checked, anew.
_BY_OBJECT: dict[int, tuple[bytes, ShippedLists]] = {}
_BY_CONTENT: dict[bytes, ShippedLists] = {}


def shipped(data: bytes) -> ShippedLists:
    """The lists of ``data``, decoded and checked (``ShippedLists``) once per content."""
    cached = _BY_OBJECT.get(id(data))
    if cached is not None and cached[0] is data:
        return cached[1]
    digest = hashlib.sha256(data).digest()
    lists = _BY_CONTENT.get(digest)
    if lists is None:
        lists = ShippedLists(data)
        if len(_BY_CONTENT) >= 2:
            _BY_CONTENT.clear()
        _BY_CONTENT[digest] = lists
    if len(_BY_OBJECT) >= 4:
        _BY_OBJECT.clear()
    _BY_OBJECT[id(data)] = (data, lists)
    return lists


class Plan:
    """A granted read ready for workers: the grant's bytes, the lists' bytes (or ``None``), the
    kernel's name and keyword arguments, and the output schema."""

    def __init__(
        self,
        grant: ExternalGrant,
        lists: bytes | None,
        kernel: str,
        kwargs: Mapping[str, Any],
        schema: pa.Schema,
    ) -> None:
        self.grant = grant
        self.grant_bytes = grant.to_bytes()
        self.lists = lists
        self.kernel = kernel
        self.kwargs = dict(kwargs)
        self.schema = schema

    def worker(self) -> Callable[[bytes, bytes | None, pa.RecordBatch | pa.Table], pa.Table]:
        """The worker step, as a function of (grant bytes, list bytes, batch) with the kernel's
        arguments bound (picklable by cloudpickle)."""
        kernel, kwargs, schema = self.kernel, self.kwargs, self.schema
        return lambda g, lists, batch: run_kernel(g, lists, batch, kernel, kwargs, schema)


_GRANTS: dict[bytes, ExternalGrant] = {}


def run_kernel(
    grant_bytes: bytes,
    lists: bytes | None,
    batch: pa.RecordBatch | pa.Table,
    kernel: str,
    kwargs: Mapping[str, Any],
    schema: pa.Schema,
) -> pa.Table:
    """One batch through the grant's kernel, cast to ``schema``."""
    grant = _GRANTS.get(grant_bytes)
    if grant is None:
        grant = ExternalGrant.from_bytes(grant_bytes)
        if len(_GRANTS) >= 16:
            _GRANTS.clear()
        _GRANTS[grant_bytes] = grant
    fn = getattr(grant, kernel)
    if lists is None:
        out = fn(batch, **kwargs)
    else:
        out = fn(batch, shipped(lists), **kwargs)
    return out.cast(schema)


def check_columns(available: Sequence[str], wanted: Mapping[str, str | None]) -> None:
    """Refuses, on the driver, a column name the data does not have."""
    for arg, name in wanted.items():
        if name is not None and name not in available:
            raise KeyError(f"{arg}={name!r}: no such column; the data has {', '.join(available)}")


def lists_for(agency: Agency, lists: Any) -> Registry | None:
    """The lists of a matching read: ``None`` (the agency's lists in force), a ``Registry``, or
    one list or several as dicts or JSON text, validated here on the driver (a malformed list
    raises before anything is recorded or submitted)."""
    if lists is None or isinstance(lists, Registry):
        return lists
    reg = Registry(agency.policy)
    items = lists if isinstance(lists, (list, tuple)) else [lists]
    for item in items:
        reg.load_list(item)
    return reg


def plan_match(
    agency: Agency,
    lists: Any,
    *,
    user: str,
    request: Mapping[str, Any] | str,
    engine: str,
    columns: Sequence[str],
    id: str,
    plate: str,
    observed_at: str,
    jurisdiction: str | None,
    plate_type: str | None,
    origin: str,
) -> Plan:
    """Validation, decision and record for ``match_hotlists``."""
    wanted = {"id": id, "plate": plate, "observed_at": observed_at, "jurisdiction": jurisdiction, "plate_type": plate_type}
    check_columns(columns, wanted)
    registry = lists_for(agency, lists)
    grant, data = agency.grant_external(user, request=request, read="match", engine=engine, lists=registry)
    kwargs = dict(wanted, origin=origin)
    return Plan(grant, data, "match_batch", kwargs, MATCH_SCHEMA)


def _detection_columns(
    columns: Sequence[str],
    id: str,
    plate: str,
    observed_at: str,
    lat: str,
    lon: str,
    jurisdiction: str | None,
    device_id: str | None,
) -> dict[str, str | None]:
    wanted = {
        "id": id,
        "plate": plate,
        "observed_at": observed_at,
        "lat": lat,
        "lon": lon,
        "jurisdiction": jurisdiction,
        "device_id": device_id,
    }
    check_columns(columns, wanted)
    return wanted


def plan_retro_hits(
    agency: Agency,
    list_id: str,
    *,
    days: int,
    user: str,
    request: Mapping[str, Any] | str,
    engine: str,
    columns: Sequence[str],
    **names: Any,
) -> Plan:
    """Validation, decision and record for ``retro_hits``."""
    kwargs = _detection_columns(columns, **names)
    grant, data = agency.grant_external(
        user, request=request, read="retro_hits", engine=engine, list_id=list_id, days=days
    )
    return Plan(grant, data, "retro_hits", kwargs, RETRO_SCHEMA)


def plan_search(
    agency: Agency,
    pattern: str,
    *,
    time_from: Any,
    time_to: Any,
    near: tuple[float, float, float] | None,
    user: str,
    request: Mapping[str, Any] | str,
    engine: str,
    columns: Sequence[str],
    **names: Any,
) -> Plan:
    """Validation, decision and record for ``search``."""
    kwargs = _detection_columns(columns, **names)
    grant, _ = agency.grant_external(
        user,
        request=request,
        read="search",
        engine=engine,
        pattern=pattern,
        start=time_from,
        end=time_to,
        near=near,
    )
    return Plan(grant, None, "search", kwargs, SEARCH_SCHEMA)


def batches(
    grant_bytes: bytes, lists: bytes | None, it: Iterator[pa.RecordBatch], plan_worker: Callable[..., pa.Table]
) -> Iterator[pa.RecordBatch]:
    """The worker loop of a ``mapInArrow``: every batch through the kernel."""
    for batch in it:
        yield from plan_worker(grant_bytes, lists, batch).to_batches()
