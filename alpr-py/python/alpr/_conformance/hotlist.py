"""Suites ``hotlist_load`` and ``hotlist_file``."""

from __future__ import annotations

import base64
import json
from typing import Any

import alpr
from alpr._conformance.plate import error_answer, instant


def _registry(case: dict[str, Any]) -> alpr.Registry:
    policy = alpr.Policy()
    if "policy" in case:
        policy = policy.with_overrides(json.dumps(case["policy"]))
    return alpr.Registry(policy)


def _report(report: alpr.LoadReport) -> dict[str, Any]:
    return {"accepted": report.accepted, "merged": report.merged, "rejected": report.rejected}


def load_case(case: dict[str, Any]) -> dict[str, Any]:
    reg = _registry(case)
    try:
        return _report(reg.load_list(case["list"]))
    except alpr.AlprError as e:
        return error_answer(e)


def file_case(case: dict[str, Any]) -> dict[str, Any]:
    reg = _registry(case)
    if "text" in case:
        data = case["text"].encode("utf-8")
    else:
        data = base64.b64decode(case["bytes_base64"])
    list_id = case.get("id", "FILE")
    loaded_at = instant(case.get("loaded_at", "2026-11-28T08:00:00-08:00"))
    try:
        report = reg.load_file(
            data,
            case["format"],
            id=list_id,
            kind=case.get("kind", "standard"),
            priority=case.get("priority", 10),
            loaded_at=loaded_at,
            category=case.get("category"),
        )
    except alpr.AlprError as e:
        return error_answer(e)
    out = _report(report)
    out["accepted"] = reg.entries(list_id)
    if report.generated_at is not None:
        out["generated_at"] = report.generated_at.isoformat()
    return out
