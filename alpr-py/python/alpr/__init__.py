"""alpr: the policy engine for Automated License Plate Reader deployments.

Plate normalization, hot-list ingest and matching, the hit workflow, officer hot plates,
retention, access control, a tamper-evident audit log, sharing and partial-plate search, as
Sacramento PD General Order 525.08 and California law require. A thin layer over the Rust core
(``alpr-core``); every rule lives there.

Guarded operations go through an :class:`Agency`: it binds the policy, the audit log, the
legal-hold register, the user roster, the hot lists and a clock; users are named by id, and every
decision is recorded before anything is read or changed. Stored detections are read only through
it (``Agency.search``, ``Agency.retro_hits``).

Errors are raised as subclasses of :class:`AlprError`: one family class per block of codes
(``InvalidPlateError``, ``HotListError``, ``HitWorkflowError``, ``AccessError``, ``RecordsError``,
``PolicyError``) and one leaf class per code (``InvalidCharacterError``, …). Each carries
``.code`` (the stable snake_case code) and ``.position`` (line/column/character/index).
Every leaf class also subclasses the built-in that fits its code: access denials (400…411) are
``PermissionError``; ``audit_write_failed`` and ``io`` are ``OSError``; ``unknown_list`` is
``KeyError``; every other code (a bad plate, file content, event or argument value) is
``ValueError``. Wrong Python types raise plain ``TypeError``. Messages name the argument and the
accepted values and never contain plate text.

Times: every argument that takes a time accepts a timezone-aware ``datetime`` (any zone) or
pandas ``Timestamp``, and columns of them as timezone-aware Arrow timestamps; naive times and
bare integers are refused with a ``TypeError`` that says how to pass them, never guessed.
"""

import datetime as _dt
import json as _json
from typing import Any as _Any, Mapping as _Mapping, Sequence as _Sequence

from alpr import _alpr
from alpr._alpr import (
    AccessError,
    Agency,
    HitCase,
    AlprError,
    Hit,
    DetectionStore,
    ExternalGrant,
    ShippedLists,
    AuditLog,
    AuditReport,
    PurgePlan,
    purge_plan,
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
from alpr._tables import detection_store_from_table

# Leaf exception classes, one per code (generated from the core's table at import).
for _number, _name, _cls in _alpr.codes():
    globals()[_cls.__name__] = _cls
del _number, _name, _cls



def _default(o: object) -> str:
    if isinstance(o, (_dt.date, _dt.datetime)):
        return o.isoformat()
    raise TypeError(f"{type(o).__name__} is not JSON serializable")


def _dumps(o: object) -> str:
    return _json.dumps(o, default=_default)


def decide_access(
    user: _Mapping[str, _Any],
    request: _Mapping[str, _Any],
    now: _dt.datetime,
    policy: Policy | None = None,
    *,
    audit: AuditLog | None = None,
) -> dict[str, _Any]:
    """Decides an access request (R-ACCESS-1…4): deny by default, every failed check listed.

    Args:
        user: ``{"id", "agency", "roles", "account", "trained_on" (date), "clearance"}``.
        request: ``{"action", "purpose", "case_number", "approval": {"approver_role", "reference"}}``.
        now: the time of the request (timezone-aware).
        policy: the profile; the built-in ``sacramento-525.08`` when omitted.
        audit: when given, the decision is written to this log first (fail closed).

    Returns:
        ``{"decision": "allow" | "deny", "reasons": [code, ...]}``.

    Raises:
        InvalidArgumentError: malformed input.
        AuditWriteFailedError: the decision could not be audited.
    """
    if audit is not None:
        return _json.loads(audit.decide_access_json(_dumps(user), _dumps(request), now, policy))
    return _json.loads(_alpr.decide_access_json(_dumps(user), _dumps(request), now, policy))


def decide_sharing(request: _Mapping[str, _Any], policy: Policy | None = None) -> dict[str, _Any]:
    """Decides a share (R-SHARE-1…3) with the California overlay of the policy.

    Args:
        request: ``{"data", "recipient": {"name", "kind", "jurisdiction", "learn_member"}, "approvals"}``.
        policy: the profile; the built-in ``sacramento-525.08`` when omitted.

    Returns:
        ``{"decision": "allow" | "deny" | "needs_approval", "approver": str | None, "reasons": [...]}``.

    Raises:
        InvalidArgumentError: malformed input.
    """
    return _json.loads(_alpr.decide_sharing_json(_dumps(request), policy))


def access_review(
    users: _Sequence[_Mapping[str, _Any]], now: _dt.datetime, policy: Policy | None = None
) -> list[dict[str, _Any]]:
    """The active accounts idle for the policy's review period (R-ACCESS-5), by user id.

    Raises:
        InvalidArgumentError: malformed input.
    """
    return _json.loads(_alpr.access_review_json(_dumps(list(users)), now, policy))


__all__ = [
    "AccessError",
    "Agency",
    "ExternalGrant",
    "ShippedLists",
    "HitCase",
    "AlprError",
    "Hit",
    "DetectionStore",
    "AuditLog",
    "AuditReport",
    "PurgePlan",
    "access_review",
    "decide_access",
    "decide_sharing",
    "purge_plan",
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
    "detection_store_from_table",
    "jurisdiction",
    "normalize",
    "normalize_ex",
    "public_records_request",
    "shift_end",
    "shift_start",
    "validate_hot_plate",
]
