"""Adapters from conformance cases to the public Python API, one module per suite family.

Each adapter takes a case (a dict) and returns the answer dict with the expected field names.
"""

from __future__ import annotations

from typing import Any, Callable

from alpr._conformance import governance, hotlist, matching, plate, search, workflow

SUITES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "normalize": plate.normalize_case,
    "jurisdiction": plate.jurisdiction_case,
    "hotlist_load": hotlist.load_case,
    "hotlist_file": hotlist.file_case,
    "hot_plate": workflow.hot_plate_case,
    "hit_workflow": workflow.hit_workflow_case,
    "operations": workflow.operations_case,
    "public_records": workflow.public_records_case,
    "search": search.search_case,
    "retention": governance.retention_case,
    "access": governance.access_case,
    "sharing": governance.sharing_case,
    "match": matching.match_case,
}
