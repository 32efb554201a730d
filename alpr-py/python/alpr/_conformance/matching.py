"""Suite ``match``: lists loaded with ``Registry.load_list`` under the case's policy, then
``Registry.match``."""

from __future__ import annotations

import json
from typing import Any

import alpr
from alpr._conformance.plate import error_answer, instant


def match_case(case: dict[str, Any]) -> dict[str, Any]:
    policy = alpr.Policy().with_overrides(json.dumps(case.get("policy", {})))
    reg = alpr.Registry(policy)
    for lst in case.get("lists", []):
        # A version that fails to load leaves the previous one in force (R-LIST-4): the match
        # goes on without it.
        try:
            reg.load_list(lst)
        except alpr.AlprError:
            pass
    read = case["read"]
    # A ``match`` case has no viewer (R-LIST-2: a match made without one does not return covert
    # hits): ``Registry.match``, which withholds them; a viewer gets them through an ``Agency``.
    try:
        hits = reg.match(
            read["plate"],
            jurisdiction=read.get("jurisdiction"),
            plate_type=read.get("plate_type"),
            observed_at=instant(read["observed_at"]),
            origin=read.get("origin", "vehicle"),
            now=instant(case["now"]),
        )
    except alpr.AlprError as e:
        return error_answer(e)
    return {"hits": [h.explain() for h in hits]}
