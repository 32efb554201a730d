"""Detection stores from dataframe columns (pyarrow, polars, pandas)."""

from __future__ import annotations

from typing import Any

from alpr._alpr import DetectionStore

_COLUMNS = ("id", "plate", "observed_at", "lat", "lon")


def _arrow_times(col: Any) -> list[int]:
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_integer(col.type):
        return col.to_pylist()
    if not pa.types.is_timestamp(col.type) or col.type.tz is None:
        raise ValueError("observed_at must be a time-zone-aware timestamp column or Unix milliseconds")
    return pc.cast(pc.cast(col, pa.timestamp("ms", tz="UTC")), pa.int64()).to_pylist()


def detection_store_from_table(table: Any) -> DetectionStore:
    """Builds a :class:`DetectionStore` from a ``pyarrow.Table``, a polars or a pandas DataFrame.

    Args:
        table: columns ``id``, ``plate``, ``observed_at`` (a time-zone-aware timestamp, or
            integer Unix milliseconds), ``lat``, ``lon``, and optionally ``jurisdiction`` and
            ``device_id``.

    Returns:
        DetectionStore: the store.

    Raises:
        ValueError: a missing column or a naive timestamp column.
        TypeError: an object that is none of the three.
        AlprError: as the ``DetectionStore`` constructor.
    """
    import sys

    if "polars" in sys.modules and isinstance(table, sys.modules["polars"].DataFrame):
        table = table.to_arrow()
    elif "pandas" in sys.modules and isinstance(table, sys.modules["pandas"].DataFrame):
        import pyarrow as pa

        table = pa.Table.from_pandas(table, preserve_index=False)
    if not hasattr(table, "column_names") or not hasattr(table, "column"):
        raise TypeError("expected a pyarrow.Table, a polars or a pandas DataFrame")
    missing = [c for c in _COLUMNS if c not in table.column_names]
    if missing:
        raise ValueError(f"missing columns: {', '.join(missing)}")
    optional = {
        name: table.column(name).to_pylist() for name in ("jurisdiction", "device_id") if name in table.column_names
    }
    return DetectionStore(
        table.column("id").to_pylist(),
        table.column("plate").to_pylist(),
        _arrow_times(table.column("observed_at")),
        table.column("lat").to_pylist(),
        table.column("lon").to_pylist(),
        jurisdictions=optional.get("jurisdiction"),
        device_ids=optional.get("device_id"),
    )
