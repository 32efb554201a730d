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
accepted values and never contain plate text. Every exception class is declared statically in
``alpr._errors`` (generated from the code table ``alpr.codes()``), so type checkers see them.
``TooManyRejectedError`` carries ``.rejected`` (each rejected record's code and
line/column/character or index, never its value) and ``.report`` (the whole ``LoadReport``).

Display: reprs and Jupyter HTML (``Registry``, ``HitList`` results, ``AuditReport``, ``MatchHit``)
mask plates as ``7AB***3`` by default; ``alpr.set_display(mask_plates=False)`` or ``with
alpr.display(mask_plates=False):`` shows them whole. The data itself is never masked.

Long calls (``match_batch``, ``DetectionStore(...)``, loads, ``retro_hits``) release the GIL,
take ``progress=True`` (a tqdm bar when tqdm is installed) or ``progress=f(done, total)``, and
honour Ctrl-C between chunks of about 65,000 rows (a call that is one core step, such as a
list's validation or a retro-hit run, runs on a worker thread while the caller checks Ctrl-C
every 100 ms; an interrupted load is never put in force). ``DetectionStore`` and the result
objects (``MatchHit``, ``LoadReport``, ``AuditReport``, ``PurgePlan``, ``HitList``, Arrow
tables) pickle; ``Agency``, ``AuditLog``, ``HitCase`` and ``Hit`` do not (they hold a live log or
a workflow in progress).

Times: every argument that takes a time accepts a timezone-aware ``datetime`` (any zone) or
pandas ``Timestamp``, and columns of them as timezone-aware Arrow timestamps; naive times and
bare integers are refused with a ``TypeError`` that says how to pass them, never guessed.
"""

import contextlib as _contextlib
import datetime as _dt
import json as _json
from typing import Any as _Any, Iterator as _Iterator, Mapping as _Mapping, Sequence as _Sequence

from alpr import _alpr
from alpr._alpr import (
    Agency,
    HitCase,
    Hit,
    DetectionStore,
    ExternalGrant,
    ShippedLists,
    AuditLog,
    AuditReport,
    PurgePlan,
    purge_plan,
    LoadReport,
    MatchHit,
    Policy,
    Registry,
    __version__,
    damaged_equipment,
    inspection,
    jurisdiction,
    normalize,
    normalize_ex,
    public_records_request,
    shift_start,
    validate_hot_plate,
)
from alpr._tables import detection_store_from_table

from alpr._alpr import codes, get_display, mask_plate, set_display
from alpr._errors import *  # noqa: F403 (every exception class, declared statically)
from alpr._errors import __all__ as _error_names
from alpr._results import HitList


@_contextlib.contextmanager
def display(*, mask_plates: bool) -> _Iterator[None]:
    """Shows plates masked or not in reprs and HTML tables within a ``with`` block.

    ``with alpr.display(mask_plates=False): hits`` shows ``7ABC123`` where ``7AB***3`` is the
    default. The setting is process-wide (``set_display``): restored when the block ends.
    """
    previous = set_display(mask_plates=mask_plates)
    try:
        yield
    finally:
        set_display(**previous)


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
) -> dict[str, _Any]:
    """Decides an access request (R-ACCESS-1…4): deny by default, every failed check listed.

    A pure decision over the user given: nothing is recorded. An audited decision, with the user
    from the roster and the time from the clock, is :meth:`Agency.authorize`.

    Args:
        user: ``{"id", "agency", "roles", "account", "trained_on" (date), "clearance"}``.
        request: ``{"action", "purpose", "case_number", "approval": {"approver_role", "reference"}}``.
        now: the time of the request (timezone-aware).
        policy: the profile; the built-in ``sacramento-525.08`` when omitted.

    Returns:
        ``{"decision": "allow" | "deny", "reasons": [code, ...]}``.

    Raises:
        InvalidArgumentError: malformed input.
    """
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
    "HitList",
    "codes",
    "display",
    "get_display",
    "mask_plate",
    "set_display",
    "Agency",
    "ExternalGrant",
    "ShippedLists",
    "HitCase",
    "Hit",
    "DetectionStore",
    "AuditLog",
    "AuditReport",
    "PurgePlan",
    "access_review",
    "decide_access",
    "decide_sharing",
    "purge_plan",
    "LoadReport",
    "MatchHit",
    "Policy",
    "Registry",
    "__version__",
    "damaged_equipment",
    "inspection",
    "detection_store_from_table",
    "jurisdiction",
    "normalize",
    "normalize_ex",
    "public_records_request",
    "shift_start",
    "validate_hot_plate",
]
__all__ += _error_names
