"""Suites ``retention``, ``access`` and ``sharing``."""

from __future__ import annotations

import json
from typing import Any

import alpr
from alpr._conformance.plate import error_answer, instant


def _policy(case: dict[str, Any]) -> alpr.Policy:
    p = alpr.Policy()
    if "policy" in case:
        p = p.with_overrides(json.dumps(case["policy"]))
    return p


def retention_case(case: dict[str, Any]) -> dict[str, Any]:
    try:
        plan = alpr.purge_plan(
            [(r["id"], r["class"], instant(r["captured_at"])) for r in case["records"]],
            # A hold is an id, or an object naming its record (``id``), case and kind (R-RET-3).
            [h["id"] if isinstance(h, dict) else h for h in case.get("holds", [])],
            instant(case["now"]),
            _policy(case),
        )
    except alpr.AlprError as e:
        return error_answer(e)
    nxt = plan.next_due_at
    return {
        "due": plan.due,
        "held": plan.held,
        "eligible": plan.eligible,
        "next_due_at": None if nxt is None else nxt.isoformat(),
    }


def access_case(case: dict[str, Any]) -> dict[str, Any]:
    try:
        return alpr.decide_access(case["user"], case["request"], instant(case["now"]), _policy(case))
    except alpr.AlprError as e:
        return error_answer(e)


def sharing_case(case: dict[str, Any]) -> dict[str, Any]:
    try:
        return alpr.decide_sharing(case["request"], _policy(case))
    except alpr.AlprError as e:
        return error_answer(e)
