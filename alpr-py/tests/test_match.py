"""Registry.match and Registry.match_batch."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alpr

NOW = datetime(2026, 11, 28, 20, 0, tzinfo=timezone.utc)

LIST = {
    "id": "SVS",
    "kind": "standard",
    "priority": 10,
    "loaded_at": "2026-11-28T08:00:00-08:00",
    "entries": [
        {"plate": "7ABC123", "jurisdiction": "CA", "category": "stolen_vehicle"},
        {"plate": "7A8C123", "jurisdiction": "CA", "category": "stolen_vehicle"},
    ],
}


@pytest.fixture()
def reg() -> alpr.Registry:
    r = alpr.Registry()
    r.load_list(LIST)
    return r


def test_match_explains_each_hit(reg: alpr.Registry) -> None:
    hits = reg.match("7a8c 123", jurisdiction="CA", observed_at=NOW, now=NOW)
    assert [(h.entry, h.kind, h.tier) for h in hits] == [
        ("7A8C123", "exact", "strong"),
        ("7ABC123", "confusable", "moderate"),
    ]
    h = hits[1]
    assert h.positions == (2,) and h.jurisdiction == "match" and not h.stale
    assert h.list == "SVS" and h.list_kind == "standard" and h.priority == 10
    assert h.category == "stolen_vehicle" and h.list_age == timedelta(hours=4)
    assert h.explain()["positions"] == [2]
    assert "kind='confusable'" in repr(h) or 'kind="confusable"' in repr(h)
    with pytest.raises(AttributeError):
        h.kind = "exact"  # type: ignore[misc]


def test_unreadable_read_raises(reg: alpr.Registry) -> None:
    with pytest.raises(alpr.InvalidCharacterError) as e:
        reg.match("AB/1", observed_at=NOW, now=NOW)
    assert e.value.position["character"] == 2
    with pytest.raises(alpr.AlprError):
        reg.match("7ABC123", origin="drone", observed_at=NOW, now=NOW)
    assert reg.match("8XYZ999", observed_at=NOW, now=NOW) == []


def test_batch_rows_match_single_reads(reg: alpr.Registry) -> None:
    plates = ["7ABC123", "-", "ZZZ999", "7A8C123"]
    with pytest.raises(alpr.EmptyError) as e:
        reg.match_batch(plates, observed_at=NOW, now=NOW)
    assert e.value.position["index"] == 1
    rows = reg.match_batch(plates, observed_at=NOW, now=NOW, on_error="report")
    assert [r["read"] for r in rows] == [0, 0, 1, 3, 3]
    assert rows[2] == {"read": 1, "error": "empty"}
    for i, p in enumerate(plates):
        if p == "-":
            continue
        single = [h.explain() for h in reg.match(p, observed_at=NOW, now=NOW)]
        assert [{k: v for k, v in r.items() if k != "read"} for r in rows if r["read"] == i] == single


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet="7ABC1238OZ -", min_size=1, max_size=9), max_size=20))
def test_batch_equals_singles(plates: list[str]) -> None:
    r = alpr.Registry()
    r.load_list(LIST)
    rows = r.match_batch(plates, observed_at=NOW, now=NOW, on_error="report")
    expected = []
    for i, p in enumerate(plates):
        try:
            expected += [{"read": i, **h.explain()} for h in r.match(p, observed_at=NOW, now=NOW)]
        except alpr.AlprError as e:
            expected.append({"read": i, "error": e.code})
    assert rows == expected


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="7ABC1238OZ -", min_size=1, max_size=9),
            st.sampled_from([None, "CA", "NV", "ca", "XX"]),
        ),
        max_size=20,
    ),
    st.booleans(),
)
def test_batch_with_a_jurisdiction_column_equals_singles(reads: list[tuple[str, str | None]], arrow: bool) -> None:
    """R-SEARCH-3 with each read's own jurisdiction, given as a list or an Arrow column."""
    r = alpr.Registry()
    r.load_list(LIST)
    plates = [p for p, _ in reads]
    column = [j for _, j in reads]
    if arrow:
        import pyarrow as pa

        column = pa.array(column, type=pa.string())
    rows = r.match_batch(plates, jurisdiction=column, observed_at=NOW, now=NOW, on_error="report")
    expected = []
    for i, (p, j) in enumerate(reads):
        try:
            expected += [{"read": i, **h.explain()} for h in r.match(p, jurisdiction=j, observed_at=NOW, now=NOW)]
        except alpr.AlprError as e:
            expected.append({"read": i, "error": e.code})
    assert rows == expected


def test_batch_column_errors_raise_at_their_index(reg: alpr.Registry) -> None:
    plates = ["7ABC123", "7ABC123", "-"]
    with pytest.raises(alpr.InvalidJurisdictionError) as e:
        reg.match_batch(plates, jurisdiction=["CA", "XX", None], observed_at=NOW, now=NOW)
    assert e.value.position["index"] == 1
    with pytest.raises(alpr.InvalidArgumentError):
        reg.match_batch(plates, jurisdiction=["CA"], observed_at=NOW, now=NOW)
    with pytest.raises(alpr.InvalidJurisdictionError):
        reg.match_batch(plates, jurisdiction="XX", observed_at=NOW, now=NOW)
    rows = reg.match_batch(plates, jurisdiction=["CA", "NV", None], observed_at=NOW, now=NOW, on_error="report")
    assert [(x["read"], x.get("jurisdiction"), x.get("tier"), x.get("error")) for x in rows] == [
        (0, "match", "strong", None),
        (0, "match", "moderate", None),
        (1, "mismatch", "weak", None),
        (1, "mismatch", "weak", None),
        (2, None, None, "empty"),
    ]


def test_a_match_hit_starts_its_workflow(reg: alpr.Registry) -> None:
    (hit,) = [h for h in reg.match("7A8C123", jurisdiction="CA", observed_at=NOW, now=NOW) if h.kind == "confusable"]
    wf = hit.workflow("desktop", observed_at=NOW, device_id="DESK-1")
    assert isinstance(wf, alpr.Hit) and wf.status == "alerted" and wf.origin == "desktop"
    packet = wf.dispatch_packet()
    assert packet["match"]["kind"] == "confusable" and packet["match"]["positions"] == [2]
    assert packet["entry"]["plate"] == "7ABC123" and packet["requires_confirmation"] is True
    wf.acknowledge()
    with pytest.raises(alpr.ConfirmationRequiredError):
        wf.broadcast()  # a desk must confirm before broadcasting (R-HIT-4)
    assert wf.status == "acknowledged"
    with pytest.raises(alpr.InvalidArgumentError):
        hit.workflow("bicycle")
