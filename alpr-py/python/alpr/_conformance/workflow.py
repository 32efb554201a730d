"""Suites ``hot_plate``, ``hit_workflow``, ``operations`` and ``public_records``."""

from __future__ import annotations

import json
from typing import Any

import alpr


def _policy(case: dict[str, Any]) -> alpr.Policy | None:
    if "policy" not in case:
        return None
    return alpr.Policy().with_overrides(json.dumps(case["policy"]))


def hot_plate_case(case: dict[str, Any]) -> dict[str, Any]:
    return {"violations": alpr.validate_hot_plate(**case["entry"], policy=_policy(case))}


def _apply(hit: alpr.Hit, step: dict[str, Any]) -> None:
    event = step["event"]
    if event == "confirm":
        hit.confirm(**step["response"])
    elif event == "reject":
        hit.reject(step["disposition"])
    elif event == "close":
        hit.close(step["outcome"])
    elif event in ("acknowledge", "broadcast", "mdc_query", "record_basis", "stop"):
        getattr(hit, event)()
    else:
        raise ValueError(f"unknown event {event}")


def hit_workflow_case(case: dict[str, Any]) -> dict[str, Any]:
    h = case["hit"]
    hit = alpr.Hit(h["list_kind"], h["category"], h["origin"], policy=_policy(case))
    steps = []
    for step in case["steps"]:
        try:
            _apply(hit, step)
            result = "ok"
        except alpr.HitWorkflowError as e:
            result = e.code
        steps.append({"result": result, "status": hit.status})
    return {"steps": steps, "violations": hit.violations, "call_types": hit.call_types}


def operations_case(case: dict[str, Any]) -> dict[str, Any]:
    policy = _policy(case)
    if "shift_checks" in case:
        return alpr.shift_start(case["shift_checks"], policy=policy)
    i = alpr.inspection(case["last_inspected"], case["today"], policy=policy)
    return {"inspection_overdue": i["overdue"], "inspection_due": i["due"]}


def public_records_case(case: dict[str, Any]) -> dict[str, Any]:
    return alpr.public_records_request(
        case.get("refused_referral", False), **case.get("citizen", {}), policy=_policy(case)
    )
