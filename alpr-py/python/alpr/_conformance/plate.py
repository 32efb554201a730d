"""Suites ``normalize`` and ``jurisdiction``."""

from __future__ import annotations

from typing import Any

import alpr


def error_answer(e: alpr.AlprError) -> dict[str, Any]:
    """The answer for a raised error: its code and, where known, its position."""
    out: dict[str, Any] = {"error": e.code}
    if "character" in e.position:
        out["position"] = e.position["character"]
    if "line" in e.position:
        out["error_line"] = e.position["line"]
    return out


def normalize_case(case: dict[str, Any]) -> dict[str, Any]:
    try:
        plate, folded = alpr.normalize_ex(case["input"])
    except alpr.AlprError as e:
        return error_answer(e)
    return {"plate": plate, "folded": folded}


def jurisdiction_case(case: dict[str, Any]) -> dict[str, Any]:
    try:
        return {"jurisdiction": alpr.jurisdiction(case["input"])}
    except alpr.AlprError as e:
        return error_answer(e)
