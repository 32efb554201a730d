"""Detection stores from dataframes (pyarrow, polars, pandas, DuckDB, DataFusion)."""

from __future__ import annotations

from typing import Any

from alpr._alpr import DetectionStore


def detection_store_from_table(table: Any, *, observed_at_unit: str | None = None) -> DetectionStore:
    """Builds a :class:`DetectionStore` from a table with the Arrow PyCapsule interface.

    The same as ``DetectionStore.from_arrow(table, observed_at_unit=...)``: the columns are read
    in place from their Arrow buffers, without a Python object per value.

    Args:
        table: columns ``id``, ``plate``, ``observed_at`` (a timezone-aware timestamp, or
            integer Unix times with ``observed_at_unit``), ``lat``, ``lon``, and optionally
            ``jurisdiction`` and ``device_id``.
        observed_at_unit: the unit of an integer ``observed_at`` column (``"s"``, ``"ms"``,
            ``"us"``, ``"ns"``); integers without it are refused, never guessed.

    Returns:
        DetectionStore: the store.

    Raises:
        KeyError: a missing column.
        TypeError: an object without the Arrow interface; a naive timestamp column, or integers
            without ``observed_at_unit``.
        AlprError: as ``DetectionStore.from_arrow``.
    """
    return DetectionStore.from_arrow(table, observed_at_unit=observed_at_unit)
