"""Guarded search and retro-hits (R-SEARCH-1, R-SEARCH-2, R-AUDIT-3): decided and recorded
first, results as lists or Arrow tables."""

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


def test_search_audited_records_then_searches() -> None:
    s, log = _store(), alpr.AuditLog()
    t = s.search_audited("7AB?123", audit=log, user=INVESTIGATOR, request=QUERY, now=NOW)
    assert isinstance(t, pa.Table)
    assert t.column("id").to_pylist() == [1]
    assert t.column("device_id").to_pylist() == ["pod-1"]
    assert len(log) == 1
    ids = s.search_audited("7AB?123", audit=log, user=INVESTIGATOR, request=QUERY, now=NOW, holds=[3], ids_only=True)
    assert ids == [1, 3]
    # JSON text is accepted as well as mappings.
    user_json = json.dumps({**INVESTIGATOR, "trained_on": "2025-06-01"})
    assert s.search_audited("7A?C*", audit=log, user=user_json, request=json.dumps(QUERY), now=NOW, ids_only=True) == [1, 2]
    assert len(log) == 3
    (row,) = log.report().to_dict()["users"]
    assert (row["user"], row["queries"], row["by_purpose"], row["denied"]) == ("u1", 3, {"stolen_vehicle": 3}, 0)


def test_search_audited_denials_are_recorded_and_raise() -> None:
    s, log = _store(), alpr.AuditLog()
    with pytest.raises(alpr.AccessDeniedError) as e:
        s.search_audited("7AB?123", audit=log, user=UNTRAINED, request=QUERY, now=NOW)
    assert "not_trained" in str(e.value)
    assert len(log) == 1
    # Refused before any record: not a detection query, malformed input, a too-broad pattern.
    with pytest.raises(alpr.InvalidArgumentError):
        s.search_audited("7AB?123", audit=log, user=INVESTIGATOR, request={"action": "view_hits"}, now=NOW)
    with pytest.raises(alpr.InvalidArgumentError):
        s.search_audited("7AB?123", audit=log, user="{", request=QUERY, now=NOW)
    with pytest.raises(alpr.PatternTooBroadError):
        s.search_audited("7*", audit=log, user=INVESTIGATOR, request=QUERY, now=NOW)
    assert len(log) == 1
    head = log.head
    assert log.verify(head) == head


def test_search_audited_empty_result_keeps_columns() -> None:
    t = _store().search_audited("ZZZ*", audit=alpr.AuditLog(), user=INVESTIGATOR, request=QUERY, now=NOW)
    assert t.num_rows == 0
    assert t.column_names == ["id", "plate", "observed_at", "lat", "lon", "jurisdiction", "device_id"]


def test_retro_hits_match_live_rules_and_are_audited() -> None:
    reg, s, log = _registry(), _store(), alpr.AuditLog()
    rows = reg.retro_hits(s, "SVS", days=30, audit=log, user=INVESTIGATOR, request=QUERY, now=NOW)
    assert [(r["detection"], r["kind"], r["jurisdiction"]) for r in rows] == [
        (1, "exact", "match"),
        (2, "confusable", "unknown"),
    ]
    # Row for row what live matching of that detection gives.
    live = reg.match("7A8C123", observed_at=dt.datetime(2026, 11, 20, 10, tzinfo=PT), origin="fixed", now=NOW)
    assert [h.explain() for h in live] == [{k: v for k, v in rows[1].items() if k != "detection"}]
    assert len(log) == 1
    # The window, and a legal hold over an old detection.
    assert len(reg.retro_hits(s, "SVS", days=3, audit=log, user=INVESTIGATOR, request=QUERY, now=NOW)) == 1
    long = reg.retro_hits(s, "SVS", days=1000, audit=log, user=INVESTIGATOR, request=QUERY, now=NOW, holds=[3])
    assert [r["detection"] for r in long] == [1, 2, 3]
    t = reg.retro_hits(s, "SVS", days=30, audit=log, user=INVESTIGATOR, request=QUERY, now=NOW, as_table=True)
    assert t.column("detection").to_pylist() == [1, 2]
    assert t.schema.field("detection").type == pa.uint64()
    assert len(log) == 4


def test_retro_hits_refusals() -> None:
    reg, s, log = _registry(), _store(), alpr.AuditLog()
    with pytest.raises(alpr.AccessDeniedError):
        reg.retro_hits(s, "SVS", days=30, audit=log, user=UNTRAINED, request=QUERY, now=NOW)
    assert len(log) == 1
    with pytest.raises(alpr.UnknownListError):
        reg.retro_hits(s, "NOPE", days=30, audit=log, user=INVESTIGATOR, request=QUERY, now=NOW)
    with pytest.raises(TypeError):
        reg.retro_hits(s, "SVS", days=30, audit=log, user=INVESTIGATOR, request=QUERY, now=dt.datetime(2026, 11, 28))
    assert len(log) == 1
    empty = reg.retro_hits(s, "SVS", days=0, audit=log, user=INVESTIGATOR, request=QUERY, now=NOW, as_table=True)
    assert empty.num_rows == 0 and "detection" in empty.column_names


def test_match_batch_table_has_fixed_columns() -> None:
    reg = _registry()
    t = reg.match_batch(["8XYZ999"], observed_at=NOW, now=NOW, as_table=True)
    assert t.num_rows == 0
    assert t.column_names[:2] == ["read", "list"] and "error" in t.column_names
    t = reg.match_batch(["7ABC123", "??"], observed_at=NOW, now=NOW, on_error="report", as_table=True)
    assert t.column("read").to_pylist() == [0, 1]
    assert t.column("error").to_pylist() == [None, "invalid_character"]
