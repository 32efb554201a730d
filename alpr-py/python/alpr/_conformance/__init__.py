"""Adapters from conformance cases to the public Python API, one module per suite family.

Each adapter takes a case (a dict) and returns the answer dict with the expected field names.
"""

from __future__ import annotations

from typing import Any, Callable

from alpr._conformance import matching, plate

SUITES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "normalize": plate.normalize_case,
    "jurisdiction": plate.jurisdiction_case,
    "match": matching.match_case,
}
