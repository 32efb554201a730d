"""alpr: the policy engine for Automated License Plate Reader deployments.

Plate normalization, hot-list ingest and matching, the hit workflow, officer hot plates,
retention, access control, a tamper-evident audit log, sharing and partial-plate search, as
Sacramento PD General Order 525.08 and California law require. A thin layer over the Rust core
(``alpr-core``); every rule lives there.

Errors are raised as subclasses of :class:`AlprError`: one family class per block of codes
(``InvalidPlateError``, ``HotListError``, ``HitWorkflowError``, ``AccessError``, ``RecordsError``,
``PolicyError``) and one leaf class per code (``InvalidCharacterError``, …). Each carries
``.code`` (the stable snake_case code) and ``.position`` (line/column/character/index).
Messages never contain plate text.
"""

from alpr import _alpr
from alpr._alpr import (
    AccessError,
    AlprError,
    Hit,
    HitWorkflowError,
    HotListError,
    InvalidPlateError,
    LoadReport,
    MatchHit,
    Policy,
    PolicyError,
    RecordsError,
    Registry,
    __version__,
    damaged_equipment,
    inspection,
    jurisdiction,
    normalize,
    normalize_ex,
    public_records_request,
    shift_end,
    shift_start,
    validate_hot_plate,
)

# Leaf exception classes, one per code (generated from the core's table at import).
for _number, _name, _cls in _alpr.codes():
    globals()[_cls.__name__] = _cls
del _number, _name, _cls

__all__ = [
    "AccessError",
    "AlprError",
    "Hit",
    "HitWorkflowError",
    "HotListError",
    "InvalidPlateError",
    "LoadReport",
    "MatchHit",
    "Policy",
    "PolicyError",
    "RecordsError",
    "Registry",
    "__version__",
    "damaged_equipment",
    "inspection",
    "jurisdiction",
    "normalize",
    "normalize_ex",
    "public_records_request",
    "shift_end",
    "shift_start",
    "validate_hot_plate",
]
