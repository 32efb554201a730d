"""Suite ``search`` through ``alpr.Agency.search``: the audited read, as an application makes it.

A vector gives the time, the policy and the holds of each search. Only an agency opened for tests
and replays takes a time, so the runner opens one at the vector's ``now``: its policy is the
vector's, with one extra role for the runner's user, and each hold is placed through the agency.
Every search is decided, recorded, and then run; there is no unaudited search in the package.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import alpr
from alpr._conformance.plate import error_answer, instant

_USER = "conformance"
_ROLE = "conformance_runner"
_REQUEST = {"action": "query_detections", "purpose": "stolen_vehicle", "case_number": "CONFORMANCE-1"}


def _agency(case: dict[str, Any], now: datetime.datetime) -> alpr.Agency:
    policy = alpr.Policy()
    if "policy" in case:
        policy = policy.with_overrides(json.dumps(case["policy"]))
    p = json.loads(policy.to_json())
    p["roles"][_ROLE] = ["query_detections", "place_legal_hold"]
    user = {
        "id": _USER,
        "agency": "CONFORMANCE",
        "roles": [_ROLE],
        "account": "active",
        "trained_on": (now - datetime.timedelta(days=1)).date(),
        "clearance": True,
    }
    return alpr.Agency.for_tests_and_replays(
        "CONFORMANCE", audit=alpr.AuditLog(), roster=[user], now=now, policy=alpr.Policy.from_json(json.dumps(p))
    )


def search_case(case: dict[str, Any]) -> dict[str, Any]:
    try:
        now = instant(case["now"])
        agency = _agency(case, now)
        for h in case.get("holds", []):
            hold = h if isinstance(h, dict) else {"id": h}
            agency.place_legal_hold(
                _USER, hold["id"], hold.get("case") or "CONFORMANCE-HOLD", hold.get("kind", "criminal")
            )
        dets = case["detections"]
        store = alpr.DetectionStore(
            [d["id"] for d in dets],
            [d["plate"] for d in dets],
            [instant(d["observed_at"]) for d in dets],
            [d["lat"] for d in dets],
            [d["lon"] for d in dets],
            jurisdictions=[d.get("jurisdiction") for d in dets],
            device_ids=[d.get("device_id") for d in dets],
        )
        q = case["query"]
        near = q.get("near")
        ids = agency.search(
            store,
            q["pattern"],
            user=_USER,
            request=_REQUEST,
            start=instant(q["from"]) if "from" in q else None,
            end=instant(q["to"]) if "to" in q else None,
            near=(near["lat"], near["lon"], near["radius_m"]) if near else None,
            ids_only=True,
        )
    except alpr.AlprError as e:
        return error_answer(e)
    return {"ids": list(ids)}
