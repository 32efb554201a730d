"""Registry.match_batch over Arrow data (the PyCapsule interface), the time converter and the
built-in bases of the error classes (issue 13, items 1, 3 and 4)."""

from __future__ import annotations

import array
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alpr

pa = pytest.importorskip("pyarrow")

NOW = datetime(2026, 11, 28, 20, 0, tzinfo=timezone.utc)

LIST = {
    "id": "SVS",
    "kind": "standard",
    "priority": 10,
    "loaded_at": "2026-11-28T08:00:00-08:00",
    "entries": [
        {"plate": "7ABC123", "jurisdiction": "CA", "category": "stolen_vehicle"},
        {"plate": "7A8C123", "jurisdiction": "CA", "category": "stolen_vehicle"},
        {"plate": "PLATE1", "jurisdiction": "CA", "category": "stolen_vehicle"},
    ],
}

PLATES = ["7ABC123", None, "ZZZ999", "7a8c 123", "AB/1", "PLATE1"]
JURS = ["CA", "NV", None, "CA", "CA", "XX"]


@pytest.fixture()
def reg() -> alpr.Registry:
    r = alpr.Registry()
    r.load_list(LIST)
    return r


def expected(reg: alpr.Registry, plates: list[str | None], jurs: list[str | None] | None = None) -> list[dict[str, Any]]:
    """The rows `match_batch(..., on_error="report")` must give, built from `match` one read at
    a time (a null plate is `empty`)."""
    rows: list[dict[str, Any]] = []
    for i, p in enumerate(plates):
        j = None if jurs is None else jurs[i]
        if p is None:
            rows.append({"read": i, "error": "empty"})
            continue
        try:
            hits = reg.match(p, jurisdiction=j, observed_at=NOW, now=NOW)
        except alpr.AlprError as e:
            rows.append({"read": i, "error": e.code})
            continue
        rows.extend({"read": i, **h.explain()} for h in hits)
    return rows


def report(reg: alpr.Registry, data: Any, **kw: Any) -> Any:
    return reg.match_batch(data, observed_at=NOW, now=NOW, on_error="report", **kw)


def test_pyarrow_table_with_named_columns(reg: alpr.Registry) -> None:
    t = pa.table({"plate": PLATES, "state": JURS, "other": list(range(len(PLATES)))})
    rows = report(reg, t, jurisdiction="state")
    assert rows == expected(reg, PLATES, JURS)
    # The column names are never read as plates (a column called "plate1" is not a read).
    assert all(r.get("entry") != "PLATE1" or r["read"] == 5 for r in rows)


def test_record_batch_chunked_array_and_array(reg: alpr.Registry) -> None:
    want = expected(reg, PLATES)
    t = pa.table({"plate": PLATES})
    assert report(reg, t.to_batches()[0]) == want
    chunked = pa.chunked_array([PLATES[:2], PLATES[2:]])
    assert report(reg, chunked) == want
    assert report(reg, pa.array(PLATES)) == want
    assert report(reg, pa.array(PLATES, pa.large_string())) == want
    assert report(reg, pa.array(PLATES, pa.string_view())) == want
    assert report(reg, pa.array(PLATES).dictionary_encode()) == want


def test_long_plates_in_string_views(reg: alpr.Registry) -> None:
    # Values longer than 12 bytes live in the view's data buffers, not inline.
    plates = ["7ABC123 ", "  7 A B C 1 2 3  ", None, "-" * 20]
    assert report(reg, pa.array(plates, pa.string_view())) == expected(reg, plates)


def test_object_with_only_the_stream_protocol(reg: alpr.Registry) -> None:
    t = pa.table({"plate": PLATES})

    class Producer:
        def __arrow_c_stream__(self, requested_schema: object = None) -> object:
            return t.__arrow_c_stream__(requested_schema)

    assert report(reg, Producer()) == expected(reg, PLATES)


def test_pandas_dataframe_and_series(reg: alpr.Registry) -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"plate1": PLATES, "jurisdiction": JURS})
    want = expected(reg, PLATES, JURS)
    assert report(reg, df, plate="plate1", jurisdiction="jurisdiction") == want
    # A DataFrame without a "plate" column is a KeyError naming the columns, never its names
    # matched as plates.
    with pytest.raises(KeyError, match="plate1"):
        report(reg, df)
    series = pd.Series(PLATES)
    if hasattr(series, "__arrow_c_stream__"):
        assert report(reg, series) == expected(reg, PLATES)


def test_polars_dataframe_and_series(reg: alpr.Registry) -> None:
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"plate": PLATES, "jurisdiction": JURS})
    assert report(reg, df, jurisdiction="jurisdiction") == expected(reg, PLATES, JURS)
    assert report(reg, df["plate"]) == expected(reg, PLATES)
    cat = df.with_columns(pl.col("plate").cast(pl.Categorical))
    assert report(reg, cat) == expected(reg, PLATES)


def test_as_table_is_built_in_rust(reg: alpr.Registry) -> None:
    t = report(reg, pa.table({"plate": PLATES}), as_table=True)
    assert isinstance(t, pa.Table)
    assert t.column_names == [
        "read", "list", "list_kind", "list_loaded_at", "priority", "entry", "kind", "positions",
        "jurisdiction", "plate_type_mismatch", "stale", "tier", "category", "list_age_seconds", "error",
    ]
    assert t.schema.field("list_loaded_at").type == pa.timestamp("us", tz="UTC")
    rows = t.to_pylist()
    want = expected(reg, PLATES)
    assert [r["read"] for r in rows] == [w["read"] for w in want]
    for r, w in zip(rows, want):
        if "error" in w:
            assert r["error"] == w["error"] and r["list"] is None
        else:
            assert r["error"] is None
            assert {k: r[k] for k in w if k != "read"} == {k: w[k] for k in w if k != "read"}
            assert r["list_loaded_at"] == datetime(2026, 11, 28, 16, 0, tzinfo=timezone.utc)


def test_refused_inputs_are_type_errors(reg: alpr.Registry) -> None:
    with pytest.raises(TypeError, match="str is one plate"):
        reg.match_batch("7ABC123", observed_at=NOW, now=NOW)
    with pytest.raises(TypeError, match="__arrow_c_stream__"):
        reg.match_batch({"plate": ["7ABC123"]}, observed_at=NOW, now=NOW)
    with pytest.raises(TypeError, match="__arrow_c_stream__"):
        reg.match_batch(iter(["7ABC123"]), observed_at=NOW, now=NOW)
    with pytest.raises(TypeError, match="string column"):
        reg.match_batch(pa.array([1, 2]), observed_at=NOW, now=NOW)
    with pytest.raises(KeyError, match="no such column"):
        reg.match_batch(pa.table({"x": ["A"]}), observed_at=NOW, now=NOW)


def test_null_plate_is_a_row_error_not_a_crash(reg: alpr.Registry) -> None:
    rows = report(reg, ["7ABC123", None, 42])
    assert rows[-2:] == [{"read": 1, "error": "empty"}, {"read": 2, "error": "invalid_utf8"}]
    with pytest.raises(alpr.EmptyError) as e:
        reg.match_batch(pa.array(["7ABC123", None]), observed_at=NOW, now=NOW)
    assert e.value.position["index"] == 1


def test_observed_at_columns(reg: alpr.Registry) -> None:
    times = [NOW - timedelta(hours=i) for i in range(3)]
    t = pa.table({"plate": ["7ABC123"] * 3, "seen": pa.array(times, pa.timestamp("ms", tz="America/Los_Angeles"))})
    rows = reg.match_batch(t, observed_at="seen", now=NOW)
    assert [r["read"] for r in rows] == [0, 0, 1, 1, 2, 2]
    naive = pa.table({"plate": ["7ABC123"], "seen": pa.array([datetime(2026, 11, 28)], pa.timestamp("us"))})
    with pytest.raises(TypeError, match="without a timezone"):
        reg.match_batch(naive, observed_at="seen", now=NOW)
    ints = pa.table({"plate": ["7ABC123"], "seen": [1_700_000_000]})
    with pytest.raises(TypeError, match="explicit unit"):
        reg.match_batch(ints, observed_at="seen", now=NOW)
    with_null = pa.table({"plate": ["7ABC123", "7ABC123"], "seen": pa.array([NOW, None], pa.timestamp("s", tz="UTC"))})
    rows = reg.match_batch(with_null, observed_at="seen", now=NOW, on_error="report")
    assert rows[-1] == {"read": 1, "error": "invalid_date"}


def test_one_time_converter(reg: alpr.Registry) -> None:
    la = NOW.astimezone(ZoneInfo("America/Los_Angeles"))
    assert [h.entry for h in reg.match("7ABC123", observed_at=la, now=la)] == ["7ABC123", "7A8C123"]
    hit = reg.match("7ABC123", observed_at=NOW, now=NOW)[0]
    assert hit.workflow(observed_at=la) is not None
    with pytest.raises(TypeError, match="naive datetime"):
        reg.match("7ABC123", observed_at=datetime(2026, 11, 28), now=NOW)
    with pytest.raises(TypeError, match="unit"):
        reg.match("7ABC123", observed_at=1_700_000_000, now=NOW)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unit"):
        reg.match_batch(["7ABC123"], observed_at=1_700_000_000, now=NOW)
    pd = pytest.importorskip("pandas")
    ts = pd.Timestamp("2026-11-28 12:00", tz="America/Los_Angeles")
    assert reg.match("7ABC123", observed_at=ts, now=ts)
    np = pytest.importorskip("numpy")
    with pytest.raises(TypeError, match="datetime64"):
        reg.match("7ABC123", observed_at=np.datetime64("2026-11-28T12:00"), now=NOW)  # type: ignore[arg-type]
    series = pd.Series(pd.to_datetime(["2026-11-28 12:00"]).tz_localize("UTC"))
    if hasattr(series, "__arrow_c_stream__"):
        assert reg.match_batch(["7ABC123"], observed_at=series, now=NOW)


def test_errors_subclass_builtins() -> None:
    assert issubclass(alpr.InvalidCharacterError, ValueError)
    assert issubclass(alpr.AccessDeniedError, PermissionError)
    assert issubclass(alpr.IoError, OSError) and issubclass(alpr.AuditWriteFailedError, OSError)
    assert not issubclass(alpr.AuditWriteFailedError, PermissionError)
    assert issubclass(alpr.UnknownListError, KeyError)
    for _number, _name, cls in alpr._alpr.codes():
        assert issubclass(cls, alpr.AlprError)
        assert issubclass(cls, (ValueError, PermissionError, OSError, KeyError))
    with pytest.raises(ValueError):
        alpr.normalize("AB/1")


plate_text = st.one_of(
    st.none(),
    st.text(alphabet="7ABC123a8 -/Ø0OIL", max_size=14),
    st.sampled_from(["7ABC123", "7A8C123", "PLATE1", "7ABC12", ""]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(plate_text, max_size=12), st.sampled_from(["list", "array", "view", "table"]))
def test_batch_equals_single_reads(plates: list[str | None], form: str) -> None:
    r = alpr.Registry()
    r.load_list(LIST)
    data: Any = {
        "list": plates,
        "array": pa.array(plates, pa.string()),
        "view": pa.array(plates, pa.string_view()),
        "table": pa.table({"plate": pa.array(plates, pa.string())}),
    }[form]
    assert report(r, data) == expected(r, plates)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(plate_text, st.sampled_from(["CA", "NV", None, "XX", "ca"])), max_size=12))
def test_batch_with_jurisdiction_column_equals_single_reads(rows: list[tuple[str | None, str | None]]) -> None:
    r = alpr.Registry()
    r.load_list(LIST)
    plates, jurs = [p for p, _ in rows], [j for _, j in rows]
    table = pa.table({"plate": pa.array(plates, pa.string()), "state": pa.array(jurs, pa.string())})
    assert report(r, table, jurisdiction="state") == expected(r, plates, jurs)


def test_messages_name_the_argument_and_the_choices() -> None:
    now = NOW
    with pytest.raises(ValueError, match='format: expected one of format="csv", format="ca_doj_clew"') as e:
        alpr.Registry().load_file(b"x", "CSV", id="x", kind="standard", priority=1, loaded_at=now)
    assert isinstance(e.value, alpr.InvalidArgumentError) and "CSV" not in str(e.value)
    with pytest.raises(alpr.InvalidArgumentError, match='origin: expected one of origin="vehicle"'):
        alpr.Registry().match("7ABC123", origin="drone", observed_at=now, now=now)
    with pytest.raises(alpr.InvalidArgumentError, match='on_error="report"'):
        alpr.Registry().match_batch(["7ABC123"], on_error="skip", observed_at=now, now=now)


def raw_strings(values: list[bytes | None], large: bool = False) -> Any:
    """A string array over `values` as raw bytes, unvalidated (a producer that does not check its
    UTF-8, as the C data interface allows)."""
    offsets, data, valid = [0], b"", []
    for v in values:
        data += v or b""
        offsets.append(len(data))
        valid.append(v is not None)
    kind, width = (pa.large_string(), "q") if large else (pa.string(), "i")
    mask = pa.array(valid, pa.bool_()).buffers()[1]
    return pa.Array.from_buffers(
        kind, len(values), [mask, pa.py_buffer(array.array(width, offsets).tobytes()), pa.py_buffer(data)]
    )


def expected_bytes(reg: alpr.Registry, values: list[bytes | None]) -> list[dict[str, Any]]:
    """The rows for raw values: a value that is not UTF-8 on its own is `invalid_utf8`."""
    rows: list[dict[str, Any]] = []
    for i, v in enumerate(values):
        if v is None:
            rows.append({"read": i, "error": "empty"})
            continue
        try:
            text = v.decode("utf-8")
        except UnicodeDecodeError:
            rows.append({"read": i, "error": "invalid_utf8"})
            continue
        rows.extend({**r, "read": i} for r in expected(reg, [text]))
    return rows


def test_invalid_utf8_in_arrow_buffers_is_the_rows_error(reg: alpr.Registry) -> None:
    o = "Ø".encode()
    # A character split between two values (the bytes of all values together are valid UTF-8),
    # an empty value between the halves, a bad byte, and good values around them.
    values: list[bytes | None] = [o[:1], b"", o[1:], b"7ABC123", b"\xff", None, b"7AB" + o + b"C123", b"PLATE1"]
    want = expected_bytes(reg, values)
    assert [r.get("error") for r in want[:5]] == ["invalid_utf8", "empty", "invalid_utf8", None, None]
    for large in (False, True):
        arr = raw_strings(values, large)
        assert report(reg, arr) == want
        # Sliced (offsets not starting at 0) and in chunks.
        assert report(reg, arr.slice(1)) == [{**r, "read": r["read"] - 1} for r in want if r["read"] >= 1]
        assert report(reg, pa.chunked_array([arr.slice(0, 3), arr.slice(3)])) == want


fragment = st.sampled_from([b"7ABC123", b"PLATE1", b"", b"\xc3", b"\x98", "Ø".encode(), b"\xff", b"a8", b" "])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(fragment, max_size=3).map(b"".join)), max_size=10), st.integers(0, 3))
def test_raw_arrow_strings_equal_single_reads(values: list[bytes | None], cut: int) -> None:
    r = alpr.Registry()
    r.load_list(LIST)
    arr = raw_strings(values)
    assert report(r, arr) == expected_bytes(r, values)
    cut = min(cut, len(values))
    tail = expected_bytes(r, values[cut:])
    assert report(r, arr.slice(cut)) == tail


def test_batches_across_chunks_as_table_and_dicts(reg: alpr.Registry) -> None:
    # More reads than one chunk of matching (65,536), in Arrow chunks that straddle its
    # boundaries, with bad rows and a jurisdiction column: the table built chunk by chunk has the
    # rows of the dicts, in order.
    n = 150_000
    plates = [PLATES[i % len(PLATES)] if i % 7 else "7ABC123" for i in range(n)]
    jurs = [JURS[i % len(JURS)] for i in range(n)]
    cuts = [0, 1, 65_535, 65_537, 100_000, n]
    table = pa.Table.from_batches(
        [pa.record_batch({"plate": plates[a:b], "state": jurs[a:b]}) for a, b in zip(cuts, cuts[1:])]
    )
    dicts = report(reg, table, jurisdiction="state")
    rows = report(reg, table, jurisdiction="state", as_table=True).to_pylist()
    assert len(rows) == len(dicts) > n // 7
    assert [r["read"] for r in rows] == [d["read"] for d in dicts]
    for r, d in zip(rows, dicts):
        assert {k: r[k] for k in d} == d
    first_bad = next(d for d in dicts if "error" in d)
    with pytest.raises(alpr.AlprError) as e:
        reg.match_batch(table, jurisdiction="state", observed_at=NOW, now=NOW, as_table=True)
    assert e.value.position["index"] == first_bad["read"]


# Review of issue 13 (session 11): what a notebook user tried that did not hold.

ROSTER = [
    {"id": u, "agency": "SPD", "roles": [r], "account": "active", "trained_on": "2025-06-01", "clearance": True}
    for u, r in (("a1", "administrator"), ("i1", "investigator"), ("o1", "officer"))
]


def time_takers(reg: alpr.Registry) -> dict[str, Any]:
    """Every public function that takes a time, as `f(t)` (one argument varied, the rest valid)."""
    query = {"action": "query_detections", "purpose": "stolen_vehicle", "case_number": "26-1"}
    store = alpr.DetectionStore([1], ["7ABC123"], [NOW], [38.5], [-121.5])
    plan = alpr.purge_plan([(1, "detection", NOW - timedelta(days=400))], [], NOW)
    (hit,) = reg.match("7ABC123", jurisdiction="CA", observed_at=NOW, now=NOW)[:1]

    def agency(now: Any = NOW) -> alpr.Agency:
        return alpr.Agency.for_tests_and_replays("SPD", audit=alpr.AuditLog(), roster=ROSTER, now=now)

    def case() -> alpr.HitCase:
        a = agency()
        a.load_list("a1", b"plate,state\n7ABC123,CA\n", "csv", id="L", kind="standard", priority=1)
        return a.open_hit(a.match("7ABC123", observed_at=NOW)[0], plate="7ABC123", observed_at=NOW)

    csv = b"plate,state\n7ABC123,CA\n"
    return {
        "Registry.load_file": lambda t: alpr.Registry().load_file(csv, "csv", id="L", kind="standard", priority=1, loaded_at=t),
        "Registry.load_table": lambda t: alpr.Registry().load_table(
            pa.table({"plate": ["7ABC123"]}), id="L", kind="standard", priority=1, loaded_at=t
        ),
        "Registry.health": lambda t: reg.health(t),
        "Registry.match": lambda t: reg.match("7ABC123", observed_at=t, now=t),
        "Registry.match_batch": lambda t: reg.match_batch(["7ABC123"], observed_at=t, now=t),
        "MatchHit.workflow": lambda t: hit.workflow(observed_at=t),
        "DetectionStore": lambda t: alpr.DetectionStore([1], ["7ABC123"], [t], [38.5], [-121.5]),
        "purge_plan": lambda t: alpr.purge_plan([(1, "detection", t)], [], t),
        "PurgePlan.receipt": lambda t: plan.receipt(t),
        "decide_access": lambda t: alpr.decide_access(ROSTER[1], query, t),
        "AuditLog.append": lambda t: alpr.AuditLog().append(t, "u", "SPD", "query_detections", "allow"),
        "AuditLog.report": lambda t: alpr.AuditLog().report(start=t, end=t),
        "AuditLog.record_purge": lambda t: alpr.AuditLog().record_purge(plan, t, "a1", "SPD"),
        "Agency.for_tests_and_replays": agency,
        "Agency.set_clock_for_tests_and_replays": lambda t: agency().set_clock_for_tests_and_replays(t),
        "Agency.search": lambda t: agency().search(store, "7ABC12?", user="i1", request=query, start=t, end=t),
        "Agency.match": lambda t: agency().match("7ABC123", observed_at=t),
        "Agency.covert_hits": lambda t: agency().covert_hits("a1", t, t),
        "Agency.purge": lambda t: agency().purge("a1", [(1, "detection", t)]),
        "Agency.shift_end": lambda t: agency().shift_end("o1", t),
        "Agency.quarterly_report": lambda t: agency().quarterly_report("a1", start=t, end=t),
        "Agency.audit_records": lambda t: agency().audit_records("a1", start=t, end=t),
        "HitCase.acknowledge": lambda t: case().acknowledge(at=t, actor="o1"),
        "validate_hot_plate": lambda t: alpr.validate_hot_plate("7ABC123", "CA", t, NOW + timedelta(days=1)),
    }


def test_every_time_argument_takes_any_aware_zone_and_says_how_to_pass_the_rest(reg: alpr.Registry) -> None:
    """The one converter everywhere: a zoneinfo datetime or a tz-aware pandas Timestamp is the
    instant it names (they were refused as "not a fixed offset timezone" by most functions);
    a naive datetime or a number is a TypeError that says how to pass it."""
    pd = pytest.importorskip("pandas")
    aware = [NOW.astimezone(ZoneInfo("America/Los_Angeles")), pd.Timestamp(NOW).tz_convert("Europe/Paris")]
    for name, f in time_takers(reg).items():
        for t in aware:
            try:
                f(t)
            except TypeError as e:
                raise AssertionError(f"{name} refused {t!r}: {e}") from e
            except alpr.AccessError:
                pass  # the roster's decision, not the time's
        with pytest.raises(TypeError, match="timezone") as e:
            f(NOW.replace(tzinfo=None))
        assert "naive" in str(e.value), (name, str(e.value))
        for number in (1_700_000_000, 1.7e9):
            with pytest.raises(TypeError, match="unit") as e:
                f(number)
            assert "timezone" in str(e.value), (name, str(e.value))
        with pytest.raises(TypeError, match="NaT"):
            f(pd.NaT)


def test_a_zone_time_is_its_instant_and_keeps_its_offset() -> None:
    """Across a fall-back change, fold picks the instant (zoneinfo's offset at that instant)."""
    la = ZoneInfo("America/Los_Angeles")
    first, second = (datetime(2026, 11, 1, 1, 30, tzinfo=la, fold=f) for f in (0, 1))
    assert second.astimezone(timezone.utc) - first.astimezone(timezone.utc) == timedelta(hours=1)
    for t in (first, second):
        a = alpr.Agency.for_tests_and_replays("SPD", audit=alpr.AuditLog(), roster=[], now=t)
        assert a.now == t.astimezone(timezone.utc)
    # The offset the caller's zone has at that instant is kept where a time is written out.
    assert alpr.validate_hot_plate("7ABC123", "CA", first, first + timedelta(hours=2)) == []


def test_a_column_of_nulls_is_rows_of_empty_not_a_type_error(reg: alpr.Registry) -> None:
    """pandas and polars make a column holding only missing values (and an empty object column)
    Arrow type ``null``: each row is that row's ``empty``, as a null string is."""
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    n = 1000
    for data in (
        pa.nulls(n),
        pa.table({"plate": pa.nulls(n)}),
        pd.DataFrame({"plate": [None] * n}),
        pl.DataFrame({"plate": [None] * n}),
        pl.Series([None] * n),
    ):
        t = report(reg, data, as_table=True)
        assert t.column("error").to_pylist() == ["empty"] * n, type(data)
        with pytest.raises(alpr.EmptyError) as e:
            reg.match_batch(data, observed_at=NOW, now=NOW)
        assert e.value.position == {"index": 0}
    empty = report(reg, pd.DataFrame({"plate": pd.Series([], dtype=object)}), as_table=True)
    assert empty.num_rows == 0 and "error" in empty.column_names
    # A null time column is each row's missing time; in a store, a null plate column names row 0.
    t = reg.match_batch(pa.table({"plate": ["7ABC123"] * 2, "seen": pa.nulls(2)}), observed_at="seen", now=NOW,
                        on_error="report", as_table=True)
    assert t.column("error").to_pylist() == ["invalid_date"] * 2
    rows = pa.table({"id": pa.array([1, 2], pa.uint64()), "plate": pa.nulls(2),
                     "observed_at": pa.array([NOW] * 2, pa.timestamp("us", tz="UTC")), "lat": [1.0] * 2, "lon": [1.0] * 2})
    with pytest.raises(alpr.EmptyError) as e:
        alpr.DetectionStore.from_arrow(rows)
    assert e.value.position == {"index": 0}


def test_vocabulary_and_range_messages_name_the_argument_and_the_accepted_values(reg: alpr.Registry) -> None:
    """Every argument from a closed set lists its choices (category, a hold's kind, the agency's
    load and hit events spoke only of "argument outside its domain" or "unknown category");
    a number out of range is an InvalidArgumentError naming it (it was a bare OverflowError)."""
    agency = alpr.Agency.for_tests_and_replays("SPD", audit=alpr.AuditLog(), roster=ROSTER, now=NOW)
    csv = b"plate\n7ABC123\n"
    cases: list[tuple[Any, type[Exception], str]] = [
        (lambda: alpr.Registry().load_file(csv, "csv", id="L", kind="standard", priority=1, loaded_at=NOW, category="car"),
         alpr.InvalidCategoryError, 'category: expected one of category="stolen_vehicle", '),
        (lambda: alpr.Registry().load_table(pa.table({"plate": ["7ABC123"]}), id="L", kind="standard", priority=1,
                                            loaded_at=NOW, category="car"),
         alpr.InvalidCategoryError, 'category="stolen_plate"'),
        (lambda: agency.load_list("a1", csv, "CSV", id="L", kind="standard", priority=1),
         alpr.InvalidArgumentError, 'format: expected one of format="csv"'),
        (lambda: agency.load_list("a1", csv, "csv", id="L", kind="normal", priority=1),
         alpr.InvalidArgumentError, 'kind: expected one of kind="standard"'),
        (lambda: agency.load_list("a1", csv, "csv", id="L", kind="standard", priority=1, category="car"),
         alpr.InvalidCategoryError, 'category: expected one of'),
        (lambda: agency.place_legal_hold("a1", 1, "26-1", kind="federal"),
         alpr.InvalidArgumentError, 'kind: expected one of kind="criminal", kind="civil"'),
        (lambda: agency.match("7ABC123", observed_at=NOW, origin="drone"),
         alpr.InvalidArgumentError, 'origin: expected one of origin="vehicle"'),
        (lambda: alpr.Registry().load_file(csv, "csv", id="L", kind="standard", priority=-1, loaded_at=NOW),
         alpr.InvalidArgumentError, "priority: expected an integer from 0 to 255"),
        (lambda: alpr.Registry().load_table(pa.table({"plate": ["7ABC123"]}), id="L", kind="standard", priority=256,
                                            loaded_at=NOW),
         alpr.InvalidArgumentError, "priority: expected an integer from 0 to 255"),
        (lambda: alpr.Registry().load_file(csv, "csv", id="L", kind="standard", priority=1, loaded_at=NOW, threads=0),
         alpr.InvalidArgumentError, "threads: expected an integer from 1"),
        (lambda: agency.retro_hits(alpr.DetectionStore([], [], [], [], []), "L", user="i1", request={}, days=-1),
         alpr.InvalidArgumentError, "days: expected an integer from 0"),
        (lambda: alpr.AuditLog().report(sample_size=-5), alpr.InvalidArgumentError, "sample_size: expected an integer"),
    ]
    for f, cls, text in cases:
        with pytest.raises(cls) as e:
            f()
        assert isinstance(e.value, ValueError) and text in str(e.value), str(e.value)
