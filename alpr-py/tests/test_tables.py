"""Everything tabular through Arrow (issue 13, item 2): hot lists from tables and file objects,
detection stores from any Arrow producer, search / audit records / quarterly report as tables."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alpr

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
QUERY = {"action": "query_detections", "purpose": "stolen_vehicle"}


def _lenient() -> alpr.Policy:
    p = json.loads(alpr.Policy().to_json())
    p["max_rejected_fraction"] = 1.0
    return alpr.Policy.from_json(json.dumps(p))


def _load_csv(reg: alpr.Registry, text: str) -> alpr.LoadReport:
    return reg.load_file(text.encode(), "csv", id="L", kind="standard", priority=10, loaded_at=NOW)


def _load_table(reg: alpr.Registry, data: Any, **kw: Any) -> alpr.LoadReport:
    return reg.load_table(data, id="L", kind="standard", priority=10, loaded_at=NOW, **kw)


ROWS = {
    "plate": ["7ABC123", None, "NOPLATE", "8XYZ999", "7ABC123", "9DEF456", "1AAA111"],
    "state": ["CA", None, "CA", "ZZ", "CA", "CA", "NV"],
    "make": ["Honda", None, None, None, None, "=cmd", None],
    "category": ["stolen_vehicle", None, None, None, None, None, "amber_alert"],
}


def test_load_table_is_the_csv_load_with_rows_for_lines() -> None:
    """The same rows as a table and as a CSV file: same entries, same rejections (codes and
    columns), the table's at row indices where the file's are at lines."""
    table = pa.table(ROWS)
    csv = "plate,state,make,category\n" + "".join(
        ",".join("" if v is None else v for v in row) + "\n" for row in zip(*ROWS.values())
    )
    by_table, by_file = alpr.Registry(_lenient()), alpr.Registry(_lenient())
    t, f = _load_table(by_table, table), _load_csv(by_file, csv)
    assert (t.accepted, t.merged) == (f.accepted, f.merged) == (3, 0)
    assert by_table.entries("L") == by_file.entries("L")
    assert [(r["error"], r["column"]) for r in t.rejected] == [(r["error"], r["column"]) for r in f.rejected]
    assert [r["index"] for r in t.rejected] == [r["line"] - 2 for r in f.rejected] == [1, 2, 3, 5]
    assert [r["error"] for r in t.rejected] == ["empty", "placeholder_plate", "invalid_jurisdiction", "formula_injection"]
    assert all("line" not in r for r in t.rejected)


def test_load_table_on_threads_is_the_one_thread_load() -> None:
    """A large table's index built on threads (None: the machine's cores) gives the same list,
    the same report and the same matches; 0 threads is refused."""
    n = 70_000
    table = pa.table({
        "plate": [f"{chr(65 + i % 26)}{i:05d}" for i in range(n)],
        "state": [("CA", None, "NV")[i % 3] for i in range(n)],
    })
    reads = [f"{chr(65 + i % 26)}{i:05d}" for i in range(0, n, 997)] + ["A0000O", "ZZZZZZ"]
    results = []
    for threads in (1, None, 2):
        reg = alpr.Registry()
        report = _load_table(reg, table, threads=threads)
        hits = [[(h.entry_index, h.kind, h.jurisdiction) for h in reg.match(r, observed_at=NOW, jurisdiction="CA", now=NOW)]
                for r in reads]
        results.append((report.accepted, report.rejected, reg.entries("L"), hits))
    assert results[0][0] == n and any(results[0][3])
    assert results[1] == results[0]
    assert results[2] == results[0]
    with pytest.raises(alpr.InvalidArgumentError):
        _load_table(alpr.Registry(), table, threads=0)


def test_load_table_from_polars_pandas_and_a_column_mapping() -> None:
    pl = pytest.importorskip("polars")
    pd = pytest.importorskip("pandas")
    rows = {"PlateNumber": ["7ABC123", "8XYZ999"], "St": ["CA", "CA"], "year": [2019, None]}
    for data in (pl.DataFrame(rows), pd.DataFrame(rows), pa.table(rows)):
        reg = alpr.Registry()
        report = _load_table(reg, data, columns={"plate": "PlateNumber", "state": "St"})
        assert (report.accepted, report.rejected) == (2, [])
        (first, second) = reg.entries("L")
        # pandas made the year float (it has a missing value): read as the integer it is.
        assert (first["plate"], first["jurisdiction"], first["vehicle"]["year"]) == ("7ABC123", "CA", 2019)
        assert "vehicle" not in second
        hits = reg.match("7ABC123", observed_at=NOW, now=NOW, jurisdiction="CA")
        assert [h.list for h in hits] == ["L"]


def test_load_table_forbidden_categories_are_excluded_not_counted() -> None:
    """R-LIST-8 through the core: excluded rows are reported, the load stands."""
    p = json.loads(alpr.Policy().to_json())
    p["forbidden_categories"] = ["immigration_violator"]
    reg = alpr.Registry(alpr.Policy.from_json(json.dumps(p)))
    plates = [f"7ABC{i:03d}" for i in range(50)]
    cats = ["immigration_violator" if i % 10 == 0 else "stolen_vehicle" for i in range(50)]
    report = _load_table(reg, pa.table({"plate": plates, "category": cats}))
    assert report.accepted == 45
    assert {(r["error"], r["column"]) for r in report.rejected} == {("category_forbidden", 2)}
    assert [r["index"] for r in report.rejected] == [0, 10, 20, 30, 40]


def test_load_table_whole_table_failures_and_types() -> None:
    reg = alpr.Registry()
    with pytest.raises(alpr.MissingColumnError):
        _load_table(reg, pa.table({"make": ["Honda"]}))
    with pytest.raises(alpr.InvalidHeaderError):
        _load_table(reg, pa.table([pa.array(["7ABC123"]), pa.array(["CA"])], names=["plate", "PLATE"]))
    with pytest.raises(alpr.NoRecordsError):
        _load_table(reg, pa.table({"plate": pa.array([], pa.string())}))
    with pytest.raises(alpr.TooManyRejectedError) as e:
        _load_table(reg, pa.table({"plate": ["NOPLATE", "7ABC123"]}))
    # Every rejection comes with the error, by row and column, never with the value.
    assert e.value.rejected == [{"error": "placeholder_plate", "index": 0, "column": 1}]
    assert (e.value.report.accepted, len(e.value.report.rejected)) == (1, 1)
    assert "NOPLATE" not in repr(e.value.rejected) + str(e.value)
    assert reg.list_ids() == []
    with pytest.raises(KeyError, match="columns"):
        _load_table(reg, pa.table({"plate": ["7ABC123"]}), columns={"state": "St"})
    with pytest.raises(TypeError, match="Arrow type"):
        _load_table(reg, pa.table({"plate": ["7ABC123"], "tags": [[1, 2]]}))
    with pytest.raises(TypeError, match="single column"):
        _load_table(reg, pa.array(["7ABC123"]))
    with pytest.raises(TypeError, match="Arrow PyCapsule"):
        _load_table(reg, [{"plate": "7ABC123"}])
    # An aware timestamp is read as RFC 3339; a naive one is refused with how to fix it.
    exp = pa.array([NOW + dt.timedelta(days=3)], pa.timestamp("us", tz="UTC"))
    assert _load_table(reg, pa.table({"plate": ["7ABC123"], "expires_at": exp})).accepted == 1
    assert reg.entries("L")[0]["expires_at"].startswith("2026-12-01T12:00:00")
    with pytest.raises(TypeError, match="without a timezone"):
        _load_table(reg, pa.table({"plate": ["7ABC123"], "expires_at": pa.array([dt.datetime(2027, 1, 1)])}))


def test_load_table_invalid_utf8_is_the_rows_error() -> None:
    """The C data interface does not validate UTF-8: a bad cell rejects its row, nothing else."""
    good = [b"7ABC%03d" % i for i in range(200)]
    bad = pa.Array.from_buffers(
        pa.string(),
        201,
        [None, pa.py_buffer(_offsets([*good, b"\xff\xfe"])), pa.py_buffer(b"".join([*good, b"\xff\xfe"]))],
    )
    report = _load_table(alpr.Registry(), pa.table({"plate": bad}))
    assert report.accepted == 200
    assert report.rejected == [{"index": 200, "column": 1, "error": "invalid_utf8"}]


def _offsets(values: list[bytes]) -> bytes:
    out, n = [0], 0
    for v in values:
        n += len(v)
        out.append(n)
    return pa.array(out, pa.int32()).buffers()[1].to_pybytes()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.sampled_from(["7ABC123", "8xyz 999", "NOPLATE", "=1+2", "AB", "12345678901"])),
            st.one_of(st.none(), st.sampled_from(["CA", "NV", "ZZ", " ca "])),
            st.one_of(st.none(), st.sampled_from(["stolen_vehicle", "bogus", "amber_alert"])),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_load_table_equals_the_csv_load(rows: list[tuple[str | None, str | None, str | None]]) -> None:
    """Hypothesis: any rows as a table and as CSV load to the same entries and rejections."""
    table = pa.table(
        {"plate": [r[0] for r in rows], "state": [r[1] for r in rows], "category": [r[2] for r in rows]}
    )
    csv = "plate,state,category\n" + "".join(",".join(v or "" for v in r) + "\n" for r in rows)
    a, b = alpr.Registry(_lenient()), alpr.Registry(_lenient())
    t, f = _load_table(a, table), _load_csv(b, csv)
    assert (t.accepted, t.merged) == (f.accepted, f.merged)
    assert a.entries("L") == b.entries("L")
    assert [(r["index"], r["column"], r["error"]) for r in t.rejected] == [
        (r["line"] - 2, r["column"], r["error"]) for r in f.rejected
    ]


def test_load_file_takes_binary_and_text_file_objects(tmp_path: Any) -> None:
    text = b"plate,state\n7ABC123,CA\n8XYZ999,NV\n"
    path = tmp_path / "list.csv"
    path.write_bytes(text)
    reports = []
    with open(path, "rb") as fh:
        for source in (fh, io.BytesIO(text), bytearray(text), memoryview(text), path, str(path), text):
            reg = alpr.Registry()
            reports.append(reg.load_file(source, "csv", id="L", kind="standard", priority=1, loaded_at=NOW))
            assert len(reg.entries("L")) == 2
    assert {(r.accepted, len(r.rejected)) for r in reports} == {(2, 0)}
    # Text file objects (open(path), io.StringIO, a TextIOWrapper): their text is read as UTF-8.
    from_bytes = alpr.Registry()
    from_bytes.load_file(text, "csv", id="L", kind="standard", priority=1, loaded_at=NOW)
    with open(path, encoding="utf-8") as text_mode:
        for source in (text_mode, io.StringIO(text.decode()), io.TextIOWrapper(io.BytesIO(text), encoding="utf-8")):
            reg = alpr.Registry()
            assert reg.load_file(source, "csv", id="L", kind="standard", priority=1, loaded_at=NOW).accepted == 2
            assert reg.entries("L") == from_bytes.entries("L")
    # Text that has no UTF-8 form (bytes decoded with surrogateescape) is the file's invalid_utf8.
    bad = io.StringIO(b"plate,state\n7AB\xff123,CA\n".decode("utf-8", "surrogateescape"))
    with pytest.raises(alpr.InvalidUtf8Error, match="binary mode"):
        alpr.Registry().load_file(bad, "csv", id="L", kind="standard", priority=1, loaded_at=NOW)
    class Views:
        def read(self) -> memoryview:
            return memoryview(text)

    assert alpr.Registry().load_file(Views(), "csv", id="L", kind="standard", priority=1, loaded_at=NOW).accepted == 2
    with pytest.raises(TypeError, match="file object"):
        alpr.Registry().load_file(12, "csv", id="L", kind="standard", priority=1, loaded_at=NOW)


def _detections(n: int) -> pa.Table:
    return pa.table(
        {
            "id": pa.array(range(1, n + 1), pa.uint64()),
            "plate": [f"7ABC{i % 1000:03d}" for i in range(n)],
            "observed_at": pa.array(
                [NOW - dt.timedelta(hours=i % 500) for i in range(n)], pa.timestamp("ms", tz="UTC")
            ),
            "lat": [38.5 + (i % 10) / 100 for i in range(n)],
            "lon": [-121.4] * n,
            "jurisdiction": ["CA" if i % 3 else None for i in range(n)],
            "device_id": [f"pod-{i % 4}" for i in range(n)],
        }
    )


def _agency() -> alpr.Agency:
    roster = [
        {"id": u, "agency": "SPD", "roles": [r], "account": "active", "trained_on": dt.date(2025, 6, 1), "clearance": True}
        for u, r in (("a1", "administrator"), ("i1", "investigator"))
    ]
    return alpr.Agency.for_tests_and_replays("SPD", audit=alpr.AuditLog(), roster=roster, now=NOW)


def test_detection_store_from_any_arrow_producer() -> None:
    pl = pytest.importorskip("polars")
    pd = pytest.importorskip("pandas")
    t = _detections(300)
    a = _agency()
    expected = a.search(alpr.DetectionStore.from_arrow(t), "7ABC00?", user="i1", request=QUERY)
    assert expected.num_rows > 0
    for data in (pl.DataFrame(t), t.to_pandas(), t.to_batches()[0], t.select(["id", "plate", "observed_at", "lat", "lon"])):
        store = alpr.DetectionStore.from_arrow(data)
        got = a.search(store, "7ABC00?", user="i1", request=QUERY)
        assert got.column("id").to_pylist() == expected.column("id").to_pylist()
        assert len(store) == 300
    # The constructor with lists gives the same store.
    listed = alpr.DetectionStore(
        t.column("id").to_pylist(),
        t.column("plate").to_pylist(),
        t.column("observed_at"),
        t.column("lat").to_pylist(),
        t.column("lon").to_pylist(),
        jurisdictions=t.column("jurisdiction").to_pylist(),
        device_ids=t.column("device_id").to_pylist(),
    )
    assert a.search(listed, "7ABC00?", user="i1", request=QUERY).equals(expected)
    # ... and so does the constructor with Arrow columns (pyarrow, polars Series), as
    # match_batch takes them.
    frame = pl.DataFrame(t)
    for cols in (t.columns, [frame[c] for c in t.column_names]):
        ids, plates, times, lat, lon, jur, dev = cols
        store = alpr.DetectionStore(ids, plates, times, lat, lon, jurisdictions=jur, device_ids=dev)
        assert a.search(store, "7ABC00?", user="i1", request=QUERY).equals(expected)
    with pytest.raises(alpr.EmptyError) as e:
        alpr.DetectionStore([1, 2], pa.array(["7ABC123", None]), t.column("observed_at")[:2], [0.0] * 2, [0.0] * 2)
    assert e.value.position["index"] == 1
    with pytest.raises(TypeError, match="one column"):
        alpr.DetectionStore(t, t, t, t, t)
    # The search table is built in Rust with the documented types.
    assert expected.schema.field("id").type == pa.uint64()
    assert expected.schema.field("observed_at").type == pa.timestamp("ms", tz="UTC")
    assert expected.column("jurisdiction").null_count > 0
    # Renamed columns and integer times with an explicit unit.
    renamed = t.rename_columns(["det", "tag", "ts", "y", "x", "st", "dev"])
    secs = renamed.set_column(2, "ts", pa.array([int(NOW.timestamp()) - 3600] * 300, pa.int64()))
    store = alpr.DetectionStore.from_arrow(
        secs, id="det", plate="tag", observed_at="ts", lat="y", lon="x", jurisdiction="st", observed_at_unit="s"
    )
    assert a.search(store, "7ABC001", user="i1", request=QUERY, ids_only=True) == [2]


def test_detection_store_from_arrow_errors_name_the_row() -> None:
    t = _detections(5)
    with pytest.raises(TypeError, match="explicit unit"):
        alpr.DetectionStore.from_arrow(t.set_column(2, "observed_at", pa.array([1] * 5)))
    with pytest.raises(TypeError, match="without a timezone"):
        alpr.DetectionStore.from_arrow(t.set_column(2, "observed_at", pa.array([dt.datetime(2026, 1, 1)] * 5)))
    with pytest.raises(KeyError, match="lat"):
        alpr.DetectionStore.from_arrow(t.drop_columns(["lat"]))
    with pytest.raises(KeyError):
        alpr.DetectionStore.from_arrow(t, jurisdiction="nope")
    with pytest.raises(TypeError, match="integer column"):
        alpr.DetectionStore.from_arrow(t.set_column(0, "id", pa.array(["a"] * 5)))
    cases: list[tuple[str, pa.Array, type[Exception]]] = [
        ("plate", pa.array(["7ABC123", None, "7ABC123", "7ABC123", "7ABC123"]), alpr.EmptyError),
        ("plate", pa.array(["7ABC123", "7ABC123", "7AB$123", "7ABC123", "7ABC123"]), alpr.InvalidCharacterError),
        ("id", pa.array([1, 2, 3, -4, 5]), alpr.InvalidArgumentError),
        ("id", pa.array([1, 2, 3, 4, 4]), alpr.InvalidArgumentError),
        ("lat", pa.array([1.0, None, 1.0, 1.0, 1.0]), alpr.InvalidArgumentError),
        ("lat", pa.array([1.0, 1.0, 91.0, 1.0, 1.0]), alpr.InvalidArgumentError),
        ("jurisdiction", pa.array([None, None, None, "ZZ", None]), alpr.InvalidJurisdictionError),
        ("observed_at", pa.array([NOW, NOW, NOW, NOW, None], pa.timestamp("ms", tz="UTC")), alpr.InvalidDateError),
    ]
    for name, col, err in cases:
        i = t.column_names.index(name)
        with pytest.raises(err) as e:
            alpr.DetectionStore.from_arrow(t.set_column(i, name, col))
        assert e.value.position.get("index") is not None, (name, e.value.position)
        assert "7AB" not in str(e.value)


def test_audit_records_and_quarterly_report_as_tables() -> None:
    pd = pytest.importorskip("pandas")
    a = _agency()
    store = alpr.DetectionStore.from_arrow(_detections(50))
    a.search(store, "7ABC00?", user="i1", request={**QUERY, "case_number": "24-1"})
    with pytest.raises(alpr.AccessDeniedError):
        a.search(store, "7ABC00?", user="i1", request={"action": "query_detections"})
    dicts = a.audit_records("a1")
    table = a.audit_records("a1", as_table=True)
    # The table request is itself recorded first, so it has one record more.
    assert table.num_rows == len(dicts) + 1
    assert table.column("sequence").to_pylist()[: len(dicts)] == [d["sequence"] for d in dicts]
    assert table.column("hash").to_pylist()[: len(dicts)] == [d["hash"] for d in dicts]
    assert table.column("action").to_pylist()[: len(dicts)] == [d["action"] for d in dicts]
    assert table.column("reasons").to_pylist()[: len(dicts)] == [d["reasons"] for d in dicts]
    assert [dict(m) for m in table.column("details").to_pylist()[: len(dicts)]] == [d["details"] for d in dicts]
    assert table.schema.field("time").type == pa.timestamp("ms", tz="UTC")
    report = a.quarterly_report("a1", sample_size=5)
    users = report.users_table().to_pandas()
    expected = {u["user"]: u for u in report.to_dict()["users"]}
    assert set(users["user"]) == set(expected)
    i1 = users.set_index("user").loc["i1"]
    assert (i1["queries"], i1["denied"], i1["without_case_number"]) == (
        expected["i1"]["queries"],
        expected["i1"]["denied"],
        expected["i1"]["without_case_number"],
    )
    assert dict(i1["by_purpose"]) == expected["i1"]["by_purpose"]
    assert pd.isna(i1["outside_shift"])
    sample = report.sample_table()
    assert sample.column("sequence").to_pylist() == [s["sequence"] for s in report.to_dict()["sample"]]


def test_detection_store_from_arrow_reports_progress_between_chunks() -> None:
    n = 70_000  # two chunks of rows
    calls: list[tuple[int, int]] = []
    store = alpr.DetectionStore.from_arrow(_detections(n), progress=lambda done, total: calls.append((done, total)))
    assert len(store) == n
    assert len(calls) >= 2 and calls[-1] == (n, n)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    with pytest.raises(TypeError, match="progress"):
        alpr.DetectionStore.from_arrow(_detections(3), progress="yes")
