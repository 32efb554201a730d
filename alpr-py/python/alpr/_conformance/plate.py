"""Suites ``normalize`` and ``jurisdiction``."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import alpr

# RFC 3339 date-time: `T` or `t` (or a space) between date and time, any number of fraction
# digits, `Z`, `z` or a numeric offset.
_RFC3339 = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})")


def instant(text: str) -> datetime:
    """An RFC 3339 time of a vector as an aware ``datetime``: the vectors' times are RFC 3339
    strings, which ``datetime.fromisoformat`` reads only in part (not ``t``/``z``, and before
    Python 3.11 not ``Z`` or fractions other than 3 or 6 digits). Fractions finer than a
    microsecond are cut to one."""
    m = _RFC3339.fullmatch(text)
    if m is None:
        return datetime.fromisoformat(text)
    date, time, frac, offset = m.groups()
    offset = "+00:00" if offset in ("Z", "z") else offset
    return datetime.fromisoformat(f"{date}T{time}.{(frac or '').ljust(6, '0')[:6]}{offset}")


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
