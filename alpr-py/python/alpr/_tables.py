"""Detection stores from dataframe columns (pyarrow, polars, pandas)."""

from __future__ import annotations

from typing import Any

from alpr._alpr import DetectionStore

_COLUMNS = ("id", "plate", "observed_at", "lat", "lon")


def detection_store_from_table(table: Any, *, observed_at_unit: str | None = None) -> DetectionStore:
    """Builds a :class:`DetectionStore` from a ``pyarrow.Table``, a polars or a pandas DataFrame.

    Args:
        table: columns ``id``, ``plate``, ``observed_at`` (a timezone-aware timestamp, or
            integer Unix times with ``observed_at_unit``), ``lat``, ``lon``, and optionally
            ``jurisdiction`` and ``device_id``.
        observed_at_unit: the unit of an integer ``observed_at`` column (``"s"``, ``"ms"``,
            ``"us"``, ``"ns"``); integers without it are refused, never guessed.

    Returns:
        DetectionStore: the store.

    Raises:
        ValueError: a missing column.
        TypeError: an object that is none of the three; a naive timestamp column, or integers
            without ``observed_at_unit``.
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
    times = table.column("observed_at")
    if observed_at_unit is not None:
        times = times.to_pylist()
    return DetectionStore(
        table.column("id").to_pylist(),
        table.column("plate").to_pylist(),
        times,
        table.column("lat").to_pylist(),
        table.column("lon").to_pylist(),
        jurisdictions=optional.get("jurisdiction"),
        device_ids=optional.get("device_id"),
        observed_at_unit=observed_at_unit,
    )
