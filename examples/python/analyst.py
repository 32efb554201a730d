"""An analyst's session with alpr, type-checked with ``mypy --strict`` by ``make py-test``.

A hot list from CSV, a day of reads as a polars DataFrame matched in one call (an Arrow table
back), a no-read and a bad plate reported per row, a failed load that says which rows were bad,
a store of detections searched through the agency, the audit report, results pickled for a
worker process, and plates masked in what is printed.

Run: ``.venv/bin/python examples/python/analyst.py`` (prints a summary, exits 0).
"""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone

import polars as pl

import alpr

NOW = datetime(2026, 11, 28, 20, 0, tzinfo=timezone.utc)
CSV = b"plate,state,category\n7ABC123,CA,stolen_vehicle\n8XYZ999,CA,stolen_plate\n"
ROSTER = [
    {"id": "det-114", "agency": "SPD", "roles": ["investigator"], "account": "active",
     "trained_on": "2025-06-01", "clearance": True},
    {"id": "aud-1", "agency": "SPD", "roles": ["administrator"], "account": "active",
     "trained_on": "2025-06-01", "clearance": True},
]


def load_lists(reg: alpr.Registry) -> alpr.LoadReport:
    report = reg.load_file(CSV, "csv", id="SVS", kind="standard", priority=10,
                           loaded_at=NOW - timedelta(hours=2), progress=False)
    # A file with too many bad rows is refused; the exception says which rows, never their text.
    bad = b"plate,state\n7ABC123,CA\nUNK,CA\nAB/12,CA\n"
    try:
        reg.load_file(bad, "csv", id="LOCAL", kind="special", priority=5, loaded_at=NOW)
    except alpr.TooManyRejectedError as e:
        lines = [r["line"] for r in e.rejected]
        assert lines == [3, 4], lines
        assert isinstance(e, ValueError)
    return report


def match_reads(reg: alpr.Registry) -> pl.DataFrame:
    reads = pl.DataFrame({
        "plate": ["7A8C123", None, "AB/123", "8XYZ999", "5QRS000"],
        "state": ["CA", None, "CA", "CA", "NV"],
    })
    table = reg.match_batch(reads, plate="plate", jurisdiction="state", observed_at=NOW, now=NOW,
                            on_error="report", as_table=True)
    hits = pl.from_arrow(table)
    assert isinstance(hits, pl.DataFrame)
    rows: alpr.HitList = reg.match_batch(["7ABC123"], observed_at=NOW, now=NOW)
    print(rows)  # entries masked: 7AB***3
    return hits


def single_read(reg: alpr.Registry) -> list[alpr.MatchHit]:
    try:
        reg.match("AB/123", observed_at=NOW, now=NOW)
    except alpr.InvalidCharacterError as e:
        assert e.code == "invalid_character" and e.position["character"] == 2
    return reg.match("7ABC123", jurisdiction="CA", observed_at=NOW, now=NOW)


def search(agency: alpr.Agency) -> int:
    store = alpr.DetectionStore(
        [1, 2, 3], ["7ABC123", "8XYZ999", "7ABC128"],
        [NOW - timedelta(days=d) for d in (1, 2, 3)], [38.58, 38.57, 38.60], [-121.49, -121.47, -121.50],
    )
    # A store reaches a worker process whole.
    store = pickle.loads(pickle.dumps(store))
    found = agency.search(store, "7ABC12?", user="det-114",
                          request={"action": "query_detections", "purpose": "stolen_vehicle"},
                          ids_only=True)
    ids: list[int] = found
    return len(ids)


def main() -> None:
    reg = alpr.Registry()
    report = load_lists(reg)
    hits = match_reads(reg)
    matched = single_read(reg)
    print(matched[0])  # MatchHit(list='SVS', entry='7AB***3', ...)
    with alpr.display(mask_plates=False):
        assert "7ABC123" in repr(matched[0])
    restored: alpr.MatchHit = pickle.loads(pickle.dumps(matched[0]))
    assert restored.explain() == matched[0].explain()

    log = alpr.AuditLog()
    agency = alpr.Agency.for_tests_and_replays("SPD", audit=log, roster=ROSTER, now=NOW)
    found = search(agency)
    audit = agency.quarterly_report("aud-1", sample_size=2)
    print(audit)
    assert pickle.loads(pickle.dumps(audit)).to_dict() == audit.to_dict()

    codes = {name: cls for _, name, cls in alpr.codes()}
    assert codes["invalid_character"] is alpr.InvalidCharacterError
    errors = hits.filter(pl.col("error").is_not_null()).height
    print(f"loaded {report.accepted} entries; {hits.height - errors} hits and {errors} unreadable reads; "
          f"{found} detections found; {len(log)} audit records")


if __name__ == "__main__":
    main()
