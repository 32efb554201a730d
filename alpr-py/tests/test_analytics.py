"""Retro-hits through the agency (R-SEARCH-2, R-AUDIT-3) and batch results as Arrow tables."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pytest

import alpr

PT = dt.timezone(dt.timedelta(hours=-8))
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=PT)

INVESTIGATOR = {
    "id": "u1",
    "agency": "SPD",
    "roles": ["investigator"],
    "account": "active",
    "trained_on": dt.date(2025, 6, 1),
    "clearance": True,
}
UNTRAINED = {**INVESTIGATOR, "id": "u2", "trained_on": None}
QUERY = {"action": "query_detections", "purpose": "stolen_vehicle"}


def _store() -> alpr.DetectionStore:
    return alpr.DetectionStore(
        [1, 2, 3, 4],
        ["7ABC123", "7A8C123", "7ABC123", "8XYZ999"],
        [
            dt.datetime(2026, 11, 27, 10, tzinfo=PT),
            dt.datetime(2026, 11, 20, 10, tzinfo=PT),
            dt.datetime(2024, 6, 1, 17, tzinfo=dt.timezone.utc),
            dt.datetime(2026, 11, 27, 11, tzinfo=PT),
        ],
        [38.58] * 4,
        [-121.49] * 4,
        jurisdictions=["CA", None, None, None],
        device_ids=["pod-1", None, None, None],
    )


def _registry() -> alpr.Registry:
    reg = alpr.Registry()
    reg.load_list(
        {
            "id": "SVS",
            "kind": "standard",
            "priority": 10,
            "loaded_at": "2026-11-28T08:00:00-08:00",
            "entries": [{"plate": "7ABC123", "jurisdiction": "CA", "category": "stolen_vehicle"}],
        }
    )
    return reg


def _agency() -> alpr.Agency:
    a = alpr.Agency.for_tests_and_replays(
        "SPD",
        audit=alpr.AuditLog(),
        roster=[INVESTIGATOR, UNTRAINED, {**INVESTIGATOR, "id": "a1", "roles": ["administrator"]}],
        now=NOW,
    )
    a.load_list("a1", b"plate,jurisdiction,category\n7ABC123,CA,stolen_vehicle\n", "csv", id="SVS", kind="standard", priority=10)
    return a


def test_retro_hits_match_live_rules_and_are_audited() -> None:
    a, s = _agency(), _store()
    rows = a.retro_hits(s, "SVS", user="u1", request=QUERY, days=30)
    assert [(r["detection"], r["kind"], r["jurisdiction"]) for r in rows] == [
        (1, "exact", "match"),
        (2, "confusable", "unknown"),
    ]
    # Row for row what live matching of that detection gives (list_age aside: the live match is
    # judged at the agency's clock as well).
    live = a.match("7A8C123", observed_at=dt.datetime(2026, 11, 20, 10, tzinfo=PT), origin="fixed")
    assert [h.explain() for h in live] == [{k: v for k, v in rows[1].items() if k != "detection"}]
    # The window.
    assert len(a.retro_hits(s, "SVS", user="u1", request=QUERY, days=3)) == 1
    t = a.retro_hits(s, "SVS", user="u1", request=QUERY, days=30, as_table=True)
    assert t.column("detection").to_pylist() == [1, 2]
    assert t.schema.field("detection").type == pa.uint64()
    with pytest.raises(alpr.AccessDeniedError):
        a.retro_hits(s, "SVS", user="u2", request=QUERY, days=30)
    with pytest.raises(alpr.InvalidArgumentError):
        a.retro_hits(s, "SVS", user="u1", request=json.dumps({"action": "view_hits"}), days=30)


def test_match_batch_table_has_fixed_columns() -> None:
    reg = _registry()
    t = reg.match_batch(["8XYZ999"], observed_at=NOW, now=NOW, as_table=True)
    assert t.num_rows == 0
    assert t.column_names[:2] == ["read", "list"] and "error" in t.column_names
    t = reg.match_batch(["7ABC123", "??"], observed_at=NOW, now=NOW, on_error="report", as_table=True)
    assert t.column("read").to_pylist() == [0, 1]
    assert t.column("error").to_pylist() == [None, "invalid_character"]
