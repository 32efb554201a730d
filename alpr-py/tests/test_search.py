"""Partial-plate search over a DetectionStore (R-SEARCH-1, R-MATCH-7, R-RET-6), through an
Agency (the only way to read a store): the rules of the search itself."""

from __future__ import annotations

import datetime as dt
import fnmatch
from typing import Any, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alpr

PT = dt.timezone(dt.timedelta(hours=-8))
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=PT)
_STAFF = [
    {"id": u, "agency": "SPD", "roles": [r], "account": "active", "trained_on": "2025-06-01", "clearance": True}
    for u, r in (("i1", "investigator"), ("s1", "supervisor"))
]
_QUERY = {"action": "query_detections", "purpose": "stolen_vehicle"}


def _agency(now: dt.datetime, holds: Sequence[int], policy: alpr.Policy | None) -> alpr.Agency:
    a = alpr.Agency.for_tests_and_replays("SPD", audit=alpr.AuditLog(), roster=_STAFF, now=now, policy=policy)
    for h in holds:
        a.place_legal_hold("s1", h, "26-000001")
    return a


def search_ids(
    store: alpr.DetectionStore,
    pattern: str,
    *,
    now: dt.datetime = NOW,
    holds: Sequence[int] = (),
    policy: alpr.Policy | None = None,
    **query: Any,
) -> list[int]:
    """The ids a search by an investigator of an agency at ``now`` returns."""
    return _agency(now, holds, policy).search(store, pattern, user="i1", request=_QUERY, ids_only=True, **query)


def search(store: alpr.DetectionStore, pattern: str, *, now: dt.datetime = NOW) -> Any:
    return _agency(now, (), None).search(store, pattern, user="i1", request=_QUERY)


def _store() -> alpr.DetectionStore:
    return alpr.DetectionStore(
        [1, 2, 3, 4, 5],
        ["7ABC123", "7abd-129", "7ABC1234", "8ABC123", "7ABC125"],
        [
            dt.datetime(2026, 11, 27, 10, tzinfo=PT),
            dt.datetime(2026, 11, 27, 11, tzinfo=PT),
            dt.datetime(2026, 11, 26, 9, tzinfo=PT),
            dt.datetime(2026, 11, 20, 9, tzinfo=PT),
            dt.datetime(2024, 6, 1, 16, tzinfo=dt.timezone.utc),
        ],
        [38.5816, 38.582, 38.6, 38.5816, 38.5816],
        [-121.4944, -121.495, -121.4944, -121.4944, -121.4944],
        device_ids=["pod-1", None, None, None, None],
    )


def test_patterns_window_radius() -> None:
    s = _store()
    assert len(s) == 5
    assert search_ids(s, "7AB?12?", now=NOW) == [1, 2]
    assert search_ids(s, "*C12*", now=NOW) == [1, 3, 4]
    start, end = dt.datetime(2026, 11, 26, tzinfo=PT), dt.datetime(2026, 11, 28, tzinfo=PT)
    assert search_ids(s, "*C12*", now=NOW, start=start, end=end) == [1, 3]
    assert search_ids(s, "7AB*", now=NOW, near=(38.5816, -121.4944, 500.0)) == [1, 2]
    assert search_ids(s, "7abc 123", now=NOW) == [1]


def test_retention_and_holds() -> None:
    s = _store()
    assert search_ids(s, "7ABC12?", now=NOW) == [1]
    assert search_ids(s, "7ABC12?", now=NOW, holds=[5]) == [1, 5]
    keep = alpr.Policy().with_overrides('{"retention": {"detection": {"keep_at_least": "2y", "delete_after": null}}}')
    assert search_ids(s, "7ABC12?", now=NOW, policy=keep) == [1, 5]


def test_search_returns_an_arrow_table() -> None:
    pa = pytest.importorskip("pyarrow")
    t = search(_store(), "7AB*")
    assert isinstance(t, pa.Table)
    assert t.column_names == ["id", "plate", "observed_at", "lat", "lon", "jurisdiction", "device_id"]
    assert t.column("id").to_pylist() == [1, 2, 3]
    assert t.column("plate").to_pylist() == ["7ABC123", "7ABD129", "7ABC1234"]
    assert t.column("observed_at").to_pylist()[0] == dt.datetime(2026, 11, 27, 18, tzinfo=dt.timezone.utc)
    assert t.column("device_id").to_pylist() == ["pod-1", None, None]
    assert t.schema.field("observed_at").type == pa.timestamp("ms", tz="UTC")


def test_from_tables() -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table(
        {
            "id": [10, 11, 12],
            "plate": ["EV74", "EVX7474", "EV7"],
            "observed_at": pa.array([NOW - dt.timedelta(days=1)] * 3, type=pa.timestamp("us", tz="UTC")),
            "lat": [0.0, 0.0, 0.0],
            "lon": [0.0, 0.0, 0.0],
        }
    )
    assert search_ids(alpr.detection_store_from_table(table), "EV*74", now=NOW) == [10, 11]
    naive = table.set_column(2, "observed_at", pa.array([dt.datetime(2026, 1, 1)] * 3))
    with pytest.raises(TypeError, match="without a timezone"):
        alpr.detection_store_from_table(naive)
    with pytest.raises(KeyError):
        alpr.detection_store_from_table(table.drop_columns(["lat"]))
    with pytest.raises(TypeError):
        alpr.detection_store_from_table([1, 2])
    ms = table.set_column(2, "observed_at", pa.array([1_795_800_000_000] * 3))
    with pytest.raises(TypeError, match="explicit unit"):
        alpr.detection_store_from_table(ms)
    assert search_ids(alpr.detection_store_from_table(ms, observed_at_unit="ms"), "EV7*", now=NOW) == [10, 12]
    seconds = table.set_column(2, "observed_at", pa.array([1_795_800_000] * 3))
    assert search_ids(alpr.detection_store_from_table(seconds, observed_at_unit="s"), "EV7*", now=NOW) == [10, 12]


def test_times_outside_the_years_1_to_9999() -> None:
    """Issue 15: INT64_MIN/MAX milliseconds were accepted and read back as 1970."""
    plates, z = ["ABC123", "ABC124"], [0.0, 0.0]
    for bad in (-(2**63), 2**63 - 1, 253402300800000, -62135596800001, 1795896000000000):
        with pytest.raises(alpr.InvalidDateError) as e:
            alpr.DetectionStore([1, 2], plates, [0, bad], z, z, observed_at_unit="ms")
        assert e.value.position.get("index") == 1
        assert str(bad) not in str(e.value)
    late = dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    with pytest.raises(alpr.InvalidDateError) as e:
        alpr.DetectionStore([1, 2], plates, [NOW, late], z, z)
    assert e.value.position.get("index") == 1
    ends = alpr.DetectionStore([1, 2], plates, [-62135596800000, 253402300799999], z, z, observed_at_unit="ms")
    assert len(ends) == 2


def test_errors() -> None:
    s = _store()
    with pytest.raises(alpr.PatternTooBroadError):
        search_ids(s, "7*", now=NOW)
    with pytest.raises(alpr.InvalidPatternError):
        search_ids(s, "A*B*C*D", now=NOW)
    with pytest.raises(alpr.InvalidArgumentError):
        search_ids(s, "7AB*", now=NOW, start=NOW, end=NOW - dt.timedelta(seconds=1))
    with pytest.raises(alpr.InvalidArgumentError):
        search_ids(s, "7AB*", now=NOW, near=(0.0, 0.0, -1.0))
    with pytest.raises(alpr.InvalidCharacterError) as e:
        alpr.DetectionStore([1, 2], ["ABC", "A/B"], [0, 0], [0.0, 0.0], [0.0, 0.0], observed_at_unit="ms")
    assert e.value.position["index"] == 1
    with pytest.raises(alpr.InvalidArgumentError):
        alpr.DetectionStore([1, 1], ["ABC", "ABD"], [0, 0], [0.0, 0.0], [0.0, 0.0], observed_at_unit="ms")
    with pytest.raises(alpr.InvalidArgumentError):
        alpr.DetectionStore([1], ["ABC", "ABD"], [0, 0], [0.0, 0.0], [0.0, 0.0], observed_at_unit="ms")
    with pytest.raises(alpr.InvalidArgumentError):
        alpr.DetectionStore.from_json("{}")
    # Epoch numbers without a unit are refused, never read as milliseconds.
    with pytest.raises(TypeError, match="unit"):
        alpr.DetectionStore([1], ["ABC"], [1_795_800_000], [0.0], [0.0])
    with pytest.raises(alpr.InvalidArgumentError, match="observed_at_unit"):
        alpr.DetectionStore([1], ["ABC"], [0], [0.0], [0.0], observed_at_unit="min")


@settings(max_examples=60, deadline=None)
@given(
    plates=st.lists(st.text("AB12", min_size=1, max_size=6), min_size=1, max_size=40),
    pattern=st.text("AB12?*", min_size=3, max_size=7),
)
def test_agrees_with_fnmatch(plates: list[str], pattern: str) -> None:
    n = len(plates)
    recent = int(NOW.timestamp() * 1000) - 1000
    s = alpr.DetectionStore(list(range(n)), plates, [recent] * n, [0.0] * n, [0.0] * n, observed_at_unit="ms")
    keep = alpr.Policy().with_overrides('{"pattern_min_literals": 1, "pattern_max_stars": 7}')
    try:
        got = search_ids(s, pattern, now=NOW, policy=keep)
    except alpr.AlprError:
        return
    want = [i for i, p in enumerate(plates) if fnmatch.fnmatchcase(p, pattern)]
    assert got == want
