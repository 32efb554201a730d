"""Suite ``search`` through ``DetectionStore`` and the pure search the vectors specify.

The vectors give the time, holds and policy of each search, which an application never may: it
searches through ``alpr.Agency``. The runner calls the private, unaudited helper instead.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import alpr
from alpr import _alpr
from alpr._conformance.plate import error_answer


def _time(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def search_case(case: dict[str, Any]) -> dict[str, Any]:
    try:
        policy = alpr.Policy()
        if "policy" in case:
            policy = policy.with_overrides(json.dumps(case["policy"]))
        dets = case["detections"]
        store = alpr.DetectionStore(
            [d["id"] for d in dets],
            [d["plate"] for d in dets],
            [_time(d["observed_at"]) for d in dets],
            [d["lat"] for d in dets],
            [d["lon"] for d in dets],
            jurisdictions=[d.get("jurisdiction") for d in dets],
            device_ids=[d.get("device_id") for d in dets],
        )
        q = case["query"]
        near = q.get("near")
        ids = _alpr._unaudited_search_for_conformance(
            store,
            q["pattern"],
            now=_time(case["now"]),
            start=_time(q["from"]) if "from" in q else None,
            end=_time(q["to"]) if "to" in q else None,
            near=(near["lat"], near["lon"], near["radius_m"]) if near else None,
            holds=[h["id"] if isinstance(h, dict) else h for h in case.get("holds", [])],
            policy=policy,
        )
    except alpr.AlprError as e:
        return error_answer(e)
    return {"ids": ids}
