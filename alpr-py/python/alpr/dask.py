"""alpr on Dask: the functions of ``alpr.spark`` over a ``dask.dataframe.DataFrame``, each a
``map_partitions`` over the Rust batch kernels with a declared output schema (``meta``).

Recipe::

    import dask.dataframe as dd
    import alpr, alpr.dask

    agency = alpr.Agency.open("SPD", audit="audit.log", roster=roster, policy=policy)
    reads = dd.read_parquet("s3://lake/reads/")          # id, plate, observed_at, lat, lon
    request = {"action": "query_detections", "purpose": "stolen_vehicle"}
    hits = alpr.dask.retro_hits(reads, "SVS", days=30, agency=agency, user="i1", request=request)
    hits.compute()

What happens where is as in ``alpr.spark``: validation, the access decision and the one audit
record on the client (driver) when the function is called, before anything is computed; the
grant travels inside each task (small, checksummed), the lists as one ``dask.delayed`` value
(versioned, checksummed bytes: one graph key, so a distributed scheduler ships them once per
worker and each worker process decodes them once); each partition goes through the grant's
kernel as one Arrow table. The workers need the ``alpr`` wheel installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import pyarrow as pa

from alpr import _distributed as _d
from alpr._alpr import Agency

if TYPE_CHECKING:  # pragma: no cover
    import dask.dataframe as dd

__all__ = ["match_hotlists", "retro_hits", "search"]

_ENGINE = "dask"


def _partition(part: Any, grant_bytes: bytes, lists: bytes | None, worker: Any) -> Any:
    table = pa.Table.from_pandas(part, preserve_index=False)
    return worker(grant_bytes, lists, table).to_pandas()


def _submit(ddf: "dd.DataFrame", plan: _d.Plan) -> "dd.DataFrame":
    import dask

    meta = plan.schema.empty_table().to_pandas()
    lists = dask.delayed(plan.lists, traverse=False) if plan.lists is not None else None
    return ddf.map_partitions(_partition, plan.grant_bytes, lists, plan.worker(), meta=meta, align_dataframes=False)


def match_hotlists(
    ddf: "dd.DataFrame",
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
) -> "dd.DataFrame":
    """As ``alpr.spark.match_hotlists``, over a Dask DataFrame."""
    plan = _d.plan_match(
        agency,
        registry,
        user=user,
        request=request,
        engine=_ENGINE,
        columns=list(ddf.columns),
        id=id,
        plate=plate,
        observed_at=observed_at,
        jurisdiction=jurisdiction,
        plate_type=plate_type,
        origin=origin,
    )
    return _submit(ddf, plan)


def retro_hits(
    ddf: "dd.DataFrame",
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
) -> "dd.DataFrame":
    """As ``alpr.spark.retro_hits``, over a Dask DataFrame."""
    plan = _d.plan_retro_hits(
        agency,
        list_id,
        days=days,
        user=user,
        request=request,
        engine=_ENGINE,
        columns=list(ddf.columns),
        id=id,
        plate=plate,
        observed_at=observed_at,
        lat=lat,
        lon=lon,
        jurisdiction=jurisdiction,
        device_id=device_id,
    )
    return _submit(ddf, plan)


def search(
    ddf: "dd.DataFrame",
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
) -> "dd.DataFrame":
    """As ``alpr.spark.search``, over a Dask DataFrame."""
    plan = _d.plan_search(
        agency,
        pattern,
        time_from=time_from,
        time_to=time_to,
        near=near,
        user=user,
        request=request,
        engine=_ENGINE,
        columns=list(ddf.columns),
        id=id,
        plate=plate,
        observed_at=observed_at,
        lat=lat,
        lon=lon,
        jurisdiction=jurisdiction,
        device_id=device_id,
    )
    return _submit(ddf, plan)
