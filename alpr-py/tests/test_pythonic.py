"""Python conventions (issue 13 items 4 and 5): masked reprs and HTML, rejections on
TooManyRejectedError, pickling, the GIL released (threads scale), Ctrl-C within a second,
progress reporting."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pyarrow as pa
import pytest

import alpr

NOW = datetime(2026, 11, 28, 20, 0, tzinfo=timezone.utc)
LOADED = datetime(2026, 11, 28, 8, 0, tzinfo=timezone(timedelta(hours=-8)))
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


# Display: masked by default, explicit opt-out.


def test_mask_plate_keeps_a_prefix_and_the_last_character() -> None:
    assert alpr.mask_plate("7ABC123") == "7AB***3"
    assert alpr.mask_plate("ABC12") == "AB**2"
    assert alpr.mask_plate("AB12") == "A**2"
    assert alpr.mask_plate("AB1") == "A**"
    assert alpr.mask_plate("7AB*") == "7***"


def test_match_hit_repr_masks_the_entry_unless_opted_out(reg: alpr.Registry) -> None:
    (hit,) = reg.match("7ABC123", jurisdiction="CA", observed_at=NOW, now=NOW)[:1]
    assert alpr.get_display() == {"mask_plates": True}
    assert "7AB***3" in repr(hit) and "7ABC123" not in repr(hit)
    assert hit.entry == "7ABC123"  # the data is exact
    with alpr.display(mask_plates=False):
        assert "7ABC123" in repr(hit)
    assert "7ABC123" not in repr(hit)
    previous = alpr.set_display(mask_plates=False)
    try:
        assert previous == {"mask_plates": True}
        assert "7ABC123" in repr(hit)
    finally:
        alpr.set_display(**previous)
    assert alpr.get_display() == {"mask_plates": True}


def test_hit_rows_are_a_list_whose_repr_and_html_mask(reg: alpr.Registry) -> None:
    rows = reg.match_batch(["7ABC123", "ZZZ999"], jurisdiction="CA", observed_at=NOW, now=NOW)
    assert isinstance(rows, list) and isinstance(rows, alpr.HitList)
    assert rows[0]["entry"] == "7ABC123"
    for text in (repr(rows), rows._repr_html_()):
        assert "7AB***3" in text and "7ABC123" not in text
    assert repr(rows).startswith("HitList([{'read': 0, 'list': 'SVS'")
    with alpr.display(mask_plates=False):
        assert "7ABC123" in repr(rows) and "7ABC123" in rows._repr_html_()
    assert pickle.loads(pickle.dumps(rows)) == rows


def test_reprs_everywhere(reg: alpr.Registry) -> None:
    html = reg._repr_html_()
    assert "<table" in html and "SVS" in html and "standard" in html and "7ABC" not in html
    log = alpr.AuditLog()
    log.append(NOW, "u1", "SPD", "query_detections", "allow", purpose="investigation", case_number="C1")
    assert repr(log).startswith("AuditLog(records=1, head='")
    report = log.report()
    assert repr(report).startswith("AuditReport(records=1, users=1, queries=1")
    assert "<table" in report._repr_html_() and "u1" in report._repr_html_()
    store = alpr.DetectionStore([1], ["7ABC123"], [NOW], [38.5], [-121.5])
    assert "7ABC" not in repr(store) and "detections=1" in repr(store)
    load = reg.load_list(LIST)
    plan = alpr.purge_plan([(1, "detection", NOW - timedelta(days=400))], [], NOW)
    (hit,) = reg.match("7ABC123", jurisdiction="CA", observed_at=NOW, now=NOW)[:1]
    workflow = hit.workflow()
    agency = alpr.Agency.for_tests_and_replays("SPD", audit=alpr.AuditLog(), roster=[], now=NOW)
    for obj in (reg, alpr.Policy(), store, log, report, load, plan, hit, workflow, agency):
        text = repr(obj)
        assert " at 0x" not in text and text.startswith(type(obj).__name__ + "("), text
        assert "7ABC123" not in text


# Load failures carry every per-row rejection.


def test_too_many_rejected_carries_every_rejection_without_values() -> None:
    reg = alpr.Registry()
    data = b"plate,state\n7ABC123,CA\nUNK,CA\nAB/12,CA\n=CMD(),CA\n"
    with pytest.raises(alpr.TooManyRejectedError) as e:
        reg.load_file(data, "csv", id="LOCAL", kind="special", priority=5, loaded_at=LOADED)
    assert isinstance(e.value, ValueError)
    assert e.value.rejected == [
        {"line": 3, "column": 1, "error": "placeholder_plate"},
        {"line": 4, "column": 1, "character": 2, "error": "invalid_character"},
        {"line": 5, "column": 1, "character": 0, "error": "invalid_character"},
    ]
    assert e.value.report.accepted == 1 and e.value.report.rejected == e.value.rejected
    text = str(e.value) + repr(e.value.rejected)
    assert "UNK" not in text and "AB/12" not in text and "CMD" not in text
    assert reg.list_ids() == []
    # The same from a list given as values (positions are indexes).
    bad = dict(LIST, entries=[{"plate": "UNK"}, {"plate": "7ABC123"}])
    with pytest.raises(alpr.TooManyRejectedError) as e2:
        reg.load_list(bad)
    assert e2.value.rejected == [{"index": 0, "error": "placeholder_plate"}]


# Pickling.


def test_store_and_results_pickle(reg: alpr.Registry) -> None:
    store = alpr.DetectionStore(
        [1, 2], ["7ABC123", "8XYZ999"], [NOW, NOW - timedelta(days=1)], [38.5, 38.6], [-121.5, -121.4],
        jurisdictions=["CA", None], device_ids=[None, "car-7"],
    )
    copy = pickle.loads(pickle.dumps(store))
    assert isinstance(copy, alpr.DetectionStore) and len(copy) == 2 and repr(copy) == repr(store)
    agency = alpr.Agency.for_tests_and_replays(
        "SPD",
        audit=alpr.AuditLog(),
        roster=[{"id": "i1", "agency": "SPD", "roles": ["investigator"], "account": "active",
                 "trained_on": "2025-06-01", "clearance": True}],
        now=NOW,
    )
    req = {"action": "query_detections", "purpose": "stolen_vehicle"}
    for pattern in ("7ABC123", "8XYZ999"):
        a = agency.search(copy, pattern, user="i1", request=req)
        b = agency.search(store, pattern, user="i1", request=req)
        assert a.equals(b) and a.num_rows >= 1
    hits = reg.match("7A8C123", jurisdiction="CA", observed_at=NOW, now=NOW)
    for h in hits:
        c = pickle.loads(pickle.dumps(h))
        assert c.explain() == h.explain() and c.entry_index == h.entry_index
        assert c.read_index == h.read_index and repr(c) == repr(h)
        assert c.workflow().dispatch_packet() == h.workflow().dispatch_packet()
    report = reg.load_list(LIST)
    c = pickle.loads(pickle.dumps(report))
    assert (c.accepted, c.merged, c.rejected, c.generated_at) == (
        report.accepted, report.merged, report.rejected, report.generated_at)
    log = alpr.AuditLog()
    log.append(NOW, "u1", "SPD", "query_detections", "allow", purpose="investigation")
    r = log.report(sample_size=1)
    assert pickle.loads(pickle.dumps(r)).to_dict() == r.to_dict()
    table = reg.match_batch(["7ABC123"], observed_at=NOW, now=NOW, as_table=True)
    assert pickle.loads(pickle.dumps(table)).equals(table)
    plan = alpr.purge_plan(
        [(1, "detection", NOW - timedelta(days=400)), (2, "detection", NOW - timedelta(days=400)),
         (3, "detection", NOW - timedelta(days=10))], [2], NOW)
    c = pickle.loads(pickle.dumps(plan))
    assert (c.due, c.held, c.eligible, c.next_due_at, repr(c)) == (
        plan.due, plan.held, plan.eligible, plan.next_due_at, repr(plan))
    assert c.receipt(NOW) == plan.receipt(NOW)


def test_bad_pickled_state_is_an_error_not_a_crash() -> None:
    for cls in (alpr.DetectionStore, alpr.MatchHit, alpr.LoadReport, alpr.AuditReport):
        with pytest.raises(alpr.InvalidArgumentError):
            cls._from_state(b"\x00garbage")
    state = alpr.DetectionStore([1], ["7ABC123"], [NOW], [0.0], [0.0]).__reduce__()[1][0]
    with pytest.raises(alpr.InvalidArgumentError):
        alpr.DetectionStore._from_state(state[:-3])


# Progress.


def many_plates(n: int) -> pa.Array:
    return pa.array([f"{i % 9}AB{i % 997:03d}" if i % 100 else "7ABC123" for i in range(n)])


def test_progress_callable_sees_every_chunk(reg: alpr.Registry) -> None:
    seen: list[tuple[int, int]] = []
    n = 200_000
    rows = reg.match_batch(many_plates(n), observed_at=NOW, now=NOW, progress=lambda d, t: seen.append((d, t)))
    assert len(rows) >= n // 100
    assert seen[-1] == (n, n) and len(seen) >= 3
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    seen.clear()
    store = alpr.DetectionStore(list(range(n)), ["7ABC123"] * n, [NOW] * n, [0.0] * n, [0.0] * n,
                                progress=lambda d, t: seen.append((d, t)))
    assert len(store) == n and seen[-1] == (n, n) and len(seen) >= 3
    seen.clear()
    reg.load_list(LIST, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(2, 2)]
    with pytest.raises(TypeError, match="progress"):
        reg.match_batch(["7ABC123"], observed_at=NOW, now=NOW, progress="yes")
    # True shows a tqdm bar when tqdm is installed, nothing otherwise; the result is the same.
    plain = reg.match_batch(["7ABC123"], observed_at=NOW, now=NOW)
    assert reg.match_batch(["7ABC123"], observed_at=NOW, now=NOW, progress=True) == plain
    assert reg.match_batch(["7ABC123"], observed_at=NOW, now=NOW, progress=False) == plain


def test_rows_keep_their_index_across_chunks(reg: alpr.Registry) -> None:
    """Chunks of 65,536 reads: hits, errors and per-read columns stay aligned across the seams."""
    n = 3 * 65_536 + 10
    plates: list[str | None] = ["ZZZ999"] * n
    states: list[str | None] = ["CA"] * n
    marked = [0, 65_535, 65_536, 65_537, 131_071, 131_072, 196_607, 196_608, n - 1]
    for k, i in enumerate(marked):
        plates[i] = "7ABC123" if k % 3 else None  # a hit, or a no-read
        states[i] = "NV" if k % 2 else "CA"
    single = {
        i: [h.explain() for h in reg.match(p, jurisdiction=states[i], observed_at=NOW, now=NOW)]
        for i, p in enumerate(plates) if p is not None and i in marked
    }
    for data in (plates, pa.table({"plate": plates, "state": states})):
        kw: dict[str, Any] = {"jurisdiction": "state"} if isinstance(data, pa.Table) else {"jurisdiction": states}
        rows = reg.match_batch(data, observed_at=NOW, now=NOW, on_error="report", **kw)
        errors = [r["read"] for r in rows if "error" in r]
        assert errors == [i for i in marked if plates[i] is None]
        for i, expected in single.items():
            got = [{k: v for k, v in r.items() if k != "read"} for r in rows if r["read"] == i]
            assert got == expected, i
        assert {r["read"] for r in rows} == set(marked)
        table = reg.match_batch(data, observed_at=NOW, now=NOW, on_error="report", as_table=True, **kw)
        assert table.column("read").to_pylist() == [r["read"] for r in rows]
    with pytest.raises(alpr.EmptyError) as e:
        reg.match_batch(plates, jurisdiction=states, observed_at=NOW, now=NOW)
    assert e.value.position["index"] == 0
    plates[0] = "7ABC123"
    with pytest.raises(alpr.EmptyError) as e:
        reg.match_batch(plates, jurisdiction=states, observed_at=NOW, now=NOW)
    assert e.value.position["index"] == 65_537  # the first no-read after the seam


def test_progress_true_draws_a_tqdm_bar_to_the_total(reg: alpr.Registry, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    n = 150_000
    reg.match_batch(many_plates(n), observed_at=NOW, now=NOW, progress=True)
    err = capsys.readouterr().err
    assert "match_batch" in err and "100%" in err and "150k/150k" in err, err[-300:]


def test_load_table_reports_rows_while_it_reads() -> None:
    """A table load reports the rows read so far every 100 ms while its worker runs (it reported
    only the end: a bar at 0% until done)."""
    n = 1_000_000
    plates = [f"{i % 10}{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}{i // 676 % 10000:04d}" for i in range(n)]
    table = pa.table({"plate": plates, "state": ["CA"] * n})
    calls: list[tuple[int, int]] = []
    alpr.Registry().load_table(table, id="BIG", kind="standard", priority=10, loaded_at=NOW,
                               progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (n, n)
    assert any(0 < done < n for done, _ in calls), calls
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def _big_csv(n: int) -> bytes:
    rows = (f"{i % 10}{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}{i // 676 % 10000:04d},stolen_vehicle"
            for i in range(n))
    return ("plate,category\n" + "\n".join(rows) + "\n\n").encode()


@pytest.mark.parametrize("threads", [1, None])
def test_load_file_reports_records_while_it_parses(threads: int | None) -> None:
    """A file load reports the records parsed so far every 100 ms while its worker runs (it
    reported only the end: a bar at 0% until done); the total is the file's lines (the header
    and the blank last line count only at the end)."""
    n = 1_500_000
    data = _big_csv(n)
    calls: list[tuple[int, int]] = []
    report = alpr.Registry().load_file(data, "csv", id="BIG", kind="standard", priority=10, loaded_at=NOW,
                                       threads=threads, progress=lambda done, total: calls.append((done, total)))
    assert report.accepted > 0
    assert calls[-1] == (n + 2, n + 2)
    assert any(0 < done <= n for done, _ in calls[:-1]), calls
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_agency_load_reports_records_and_runs_to_its_end() -> None:
    """An agency's load reports progress too; it runs to its end (the record is written and the
    version in force) even when the progress callable raises, and the exception comes after."""
    log = alpr.AuditLog()
    roster = [{"id": "a1", "agency": "SPD", "roles": ["administrator"], "account": "active",
               "trained_on": date(2025, 6, 1), "clearance": True}]
    a = alpr.Agency.for_tests_and_replays("SPD", audit=log, roster=roster, now=NOW)
    n = 1_500_000
    data = _big_csv(n)
    calls: list[tuple[int, int]] = []
    report = a.load_list("a1", data, "csv", id="SVS", kind="standard", priority=10,
                         progress=lambda done, total: calls.append((done, total)))
    assert report.accepted > 0 and calls[-1] == (n + 2, n + 2)
    assert any(0 < done <= n for done, _ in calls[:-1]), calls

    def stop(done: int, total: int) -> None:
        raise RuntimeError("stop here")

    before = len(a.audit_records("a1"))
    with pytest.raises(RuntimeError, match="stop here"):
        a.load_list("a1", data, "csv", id="SFR", kind="standard", priority=10, progress=stop)
    loads = [r for r in a.audit_records("a1")[before:] if r["action"] == "hot_list_load"]
    assert len(loads) == 1 and sorted(h["id"] for h in a.health()) == ["SFR", "SVS"]


def test_progress_exception_ends_the_call(reg: alpr.Registry) -> None:
    def stop(done: int, total: int) -> None:
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        reg.match_batch(many_plates(100_000), observed_at=NOW, now=NOW, progress=stop)


# The GIL is released: other threads run during a batch, and two threads scale.


def test_other_threads_run_during_a_batch(reg: alpr.Registry) -> None:
    plates = many_plates(400_000)
    ticks = 0
    done = threading.Event()

    def tick() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    start_ticks = ticks
    reg.match_batch(plates, observed_at=NOW, now=NOW)
    during = ticks - start_ticks
    done.set()
    t.join()
    assert during > 5


def test_two_threads_match_at_the_same_time(reg: alpr.Registry) -> None:
    """Two batches in two threads interleave chunk by chunk: neither holds the GIL (or any
    lock of the registry) while it matches, so on two free cores they run in parallel."""
    plates = many_plates(1_000_000)
    events: list[str] = []
    start = threading.Barrier(2)
    results: dict[str, Any] = {}

    def run(name: str) -> None:
        start.wait()
        results[name] = reg.match_batch(plates, observed_at=NOW, now=NOW, as_table=True,
                                        progress=lambda done, total: events.append(name))

    threads = [threading.Thread(target=run, args=(name,)) for name in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["a"].equals(results["b"])
    assert events.count("a") == events.count("b") >= 10
    # Interleaved: b reported before a finished.
    assert events.index("b") < len(events) - 1 - events[::-1].index("a"), events


# Ctrl-C within about a second.

CHILD = textwrap.dedent(
    """
    import time
    from datetime import datetime, timezone
    import pyarrow as pa
    import alpr
    now = datetime(2026, 11, 28, 20, 0, tzinfo=timezone.utc)
    reg = alpr.Registry()
    entries = [{"plate": f"{i % 10}{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}{i % 1000:03d}"}
               for i in range(100_000)]
    reg.load_list({"id": "SVS", "kind": "standard", "priority": 10,
                   "loaded_at": "2026-11-28T08:00:00-08:00", "entries": entries})
    plates = pa.array([f"{i % 9}AB{i % 997:03d}" for i in range(1_000_000)])
    plates = pa.chunked_array([plates] * 200)   # 200M reads: a minute or more of matching
    print("ready", flush=True)
    t = time.monotonic()
    try:
        reg.match_batch(plates, observed_at=now, now=now, as_table=True)
        print("finished", flush=True)
    except KeyboardInterrupt:
        print(f"interrupted {time.monotonic() - t:.3f}", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_ctrl_c_interrupts_a_long_batch_within_a_second() -> None:
    with subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True) as p:
        assert p.stdout is not None
        assert p.stdout.readline().strip() == "ready"
        time.sleep(1.0)
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        out = p.stdout.readline().strip()
        waited = time.monotonic() - sent
        p.wait(timeout=60)
    assert out.startswith("interrupted"), out
    assert waited < 1.5, waited


LOAD_CHILD = textwrap.dedent(
    """
    import time
    from datetime import datetime, timezone
    import alpr
    now = datetime(2026, 11, 28, 20, 0, tzinfo=timezone.utc)
    rows = "".join(f"{i % 10}{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}{i // 676 % 10000:04d},CA\\n"
                   for i in range(2_000_000))
    data = ("plate,state\\n" + rows).encode()
    # Indexed for one edit: a load of well over a second on any machine, so that the signal
    # (0.3 s in) comes while it runs, not after it returned.
    reg = alpr.Registry(alpr.Policy().with_overrides('{"max_edits": 1}'))
    print("ready", flush=True)
    t = time.monotonic()
    try:
        reg.load_file(data, "csv", id="BIG", kind="standard", priority=10, loaded_at=now)
        print("finished", flush=True)
    except KeyboardInterrupt:
        print(f"interrupted {time.monotonic() - t:.3f}", flush=True)
    # The interrupted load keeps validating on its worker thread; it is never put in force.
    time.sleep(4)
    print("lists", reg.list_ids(), flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_ctrl_c_interrupts_a_long_load_and_nothing_is_put_in_force() -> None:
    """A load is one core call (2M rows indexed for one edit: over a second): it runs on a
    worker thread while the caller checks for Ctrl-C; an interrupted load is never put in force."""
    with subprocess.Popen([sys.executable, "-c", LOAD_CHILD], stdout=subprocess.PIPE, text=True) as p:
        assert p.stdout is not None
        assert p.stdout.readline().strip() == "ready"
        time.sleep(0.3)
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        out = p.stdout.readline().strip()
        waited = time.monotonic() - sent
        lists = p.stdout.readline().strip()
        p.wait(timeout=60)
    assert out.startswith("interrupted"), out
    assert waited < 1.0, waited
    assert lists == "lists []"


TABLE_CHILD = textwrap.dedent(
    """
    import time
    from datetime import datetime, timezone
    import pyarrow as pa
    import alpr
    now = datetime(2026, 11, 28, 20, 0, tzinfo=timezone.utc)
    plates = [f"{i % 10}{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}{i // 676 % 10000:04d}" for i in range(2_000_000)]
    table = pa.table({"plate": plates, "state": ["CA"] * len(plates)})
    # Indexed for one edit: the build after the rows is long too, and Ctrl-C must not wait for it.
    reg = alpr.Registry(alpr.Policy().with_overrides('{"max_edits": 1}'))
    print("ready", flush=True)
    t = time.monotonic()
    try:
        reg.load_table(table, id="BIG", kind="standard", priority=10, loaded_at=now)
        print("finished", flush=True)
    except KeyboardInterrupt:
        print(f"interrupted {time.monotonic() - t:.3f}", flush=True)
    print("lists", reg.list_ids(), flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_ctrl_c_interrupts_a_table_load_and_nothing_is_put_in_force() -> None:
    """A table load reads the Arrow buffers on a worker, as a file load does: on Ctrl-C the call
    returns at once (it waited for the worker's index build before: 1.8 s), the worker stops
    reading rows and the half-read table is dropped, never put in force."""
    with subprocess.Popen([sys.executable, "-c", TABLE_CHILD], stdout=subprocess.PIPE, text=True) as p:
        assert p.stdout is not None
        assert p.stdout.readline().strip() == "ready"
        time.sleep(0.3)
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        out = p.stdout.readline().strip()
        waited = time.monotonic() - sent
        lists = p.stdout.readline().strip()
        p.wait(timeout=60)
    assert out.startswith("interrupted"), out
    assert waited < 1.0, waited
    assert lists == "lists []"
