"""Partial-plate search: alpr against Python `re`, polars `str.contains` and SQLite `GLOB`.

Same data, same queries, same run: 10,000,000 detections of 4,000,000 distinct synthetic
US-style plates (numpy, fixed seed), times uniform over the two years before `NOW` (all inside
the retention window, so every engine sees the same rows), positions around Sacramento.

Setup (not part of `make test`):

    python3 -m venv /tmp/peers-venv
    /tmp/peers-venv/bin/pip install polars pyarrow numpy
    /tmp/peers-venv/bin/pip install target/wheels/alpr-*.whl   # from `make py-test`
    /tmp/peers-venv/bin/python benches/peers/search_peers.py [ROWS PLATES]

alpr is timed through its Python binding (`Agency.search(..., ids_only=True)`, one call a query,
ids returned as a list), so its figures include the binding's overhead and the access decision
and audit record (in memory) that every read of detections now writes first.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import statistics
import sys
import time

import numpy as np
import polars as pl

import alpr

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
PLATES = int(sys.argv[2]) if len(sys.argv) > 2 else 4_000_000
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
NOW_MS = int(NOW.timestamp() * 1000)
DAY_MS = 86_400_000
QUERIES = [
    ("literal prefix", "7AB?1?3"),
    ("leading wildcard", "?ABC12?"),
    ("star", "EV*74"),
    ("floating star", "*ABC1*"),
]
WINDOW_DAYS = 30

LETTERS = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)
NONZERO = np.frombuffer(b"123456789", dtype=np.uint8)
ALNUM = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)


def gen_plates(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` plates in the shapes of the Rust bench (California 1ABC234 half of them, ABC1234,
    ABC123, 123ABC, AB12345, vanity of 2-7 characters)."""
    L, D, N, A = LETTERS, DIGITS, NONZERO, ALNUM
    shapes = [
        (50, [N, L, L, L, D, D, D]),
        (20, [L, L, L, D, D, D, D]),
        (10, [L, L, L, D, D, D]),
        (5, [D, D, D, L, L, L]),
        (5, [L, L, D, D, D, D, D]),
    ]
    out = []
    counts = rng.multinomial(n, [w / 100 for w, _ in shapes] + [0.10])
    for (_, sets), k in zip(shapes, counts[:-1]):
        cols = [s[rng.integers(0, len(s), k)] for s in sets]
        out.append(np.stack(cols, axis=1).view(f"S{len(sets)}").ravel())
    k = counts[-1]
    lens = rng.integers(2, 8, k)
    chars = A[rng.integers(0, len(A), (k, 7))]
    vanity = np.array([bytes(row[:m]) for row, m in zip(chars, lens)], dtype="S7")
    out.append(vanity)
    return np.concatenate([o.astype("S10") for o in out])


def data() -> tuple[list[int], list[str], np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20261128)
    distinct = np.unique(gen_plates(rng, int(PLATES * 1.1)))
    rng.shuffle(distinct)
    distinct = distinct[:PLATES]
    assert len(distinct) == PLATES, "not enough distinct plates"
    pick = np.concatenate([np.arange(PLATES), rng.integers(0, PLATES, ROWS - PLATES)])
    plates = [p.decode() for p in distinct[pick]]
    observed = NOW_MS - 1 - rng.integers(0, 2 * 365 * DAY_MS - DAY_MS, ROWS)
    lat = 38.58 + rng.uniform(-0.2, 0.2, ROWS)
    lon = -121.49 + rng.uniform(-0.2, 0.2, ROWS)
    return list(range(ROWS)), plates, observed, lat, lon


def median_ms(f, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = f()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), out


def regex(pattern: str) -> str:
    return "^" + "".join({"?": ".", "*": ".*"}.get(c, c) for c in pattern) + "$"


def main() -> None:
    t0 = time.perf_counter()
    ids, plates, observed, lat, lon = data()
    print(f"data: {ROWS:,} detections, {PLATES:,} distinct plates ({time.perf_counter() - t0:.1f} s)")

    t0 = time.perf_counter()
    store = alpr.DetectionStore(ids, plates, observed.tolist(), lat.tolist(), lon.tolist(), observed_at_unit="ms")
    investigator = {"id": "i1", "agency": "SPD", "roles": ["investigator"], "account": "active",
                    "trained_on": "2025-06-01", "clearance": True}
    agency = alpr.Agency.for_tests_and_replays("SPD", audit=alpr.AuditLog(), roster=[investigator], now=NOW)
    query = {"action": "query_detections", "purpose": "stolen_vehicle"}
    print(f"alpr DetectionStore built in {time.perf_counter() - t0:.1f} s")
    df = pl.DataFrame({"id": ids, "plate": plates, "observed_ms": observed, "lat": lat, "lon": lon})
    t0 = time.perf_counter()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE det (id INTEGER PRIMARY KEY, plate TEXT, observed_ms INTEGER, lat REAL, lon REAL)")
    db.executemany(
        "INSERT INTO det VALUES (?, ?, ?, ?, ?)",
        zip(ids, plates, observed.tolist(), lat.tolist(), lon.tolist()),
    )
    db.execute("CREATE INDEX det_plate ON det (plate, observed_ms)")
    print(f"SQLite table + index on (plate, observed_ms) built in {time.perf_counter() - t0:.1f} s")

    print()
    print("| query | rows | alpr (ms) | Python re (ms) | polars (ms) | SQLite GLOB (ms) | polars / alpr | SQLite / alpr |")
    print("|---|---|---|---|---|---|---|---|")
    start_ms = NOW_MS - WINDOW_DAYS * DAY_MS
    start = NOW - dt.timedelta(days=WINDOW_DAYS)
    for name, pat in QUERIES:
        rx = regex(pat)
        crx = re.compile(rx)
        for windowed in (False, True):
            label = f"{name} `{pat}`" + (f", last {WINDOW_DAYS} days" if windowed else "")
            kw = {"start": start, "end": NOW} if windowed else {}
            a_ms, a_ids = median_ms(lambda: agency.search(store, pat, user="i1", request=query, ids_only=True, **kw), 200)

            def py_re():
                if windowed:
                    return [i for i, p in enumerate(plates) if start_ms <= observed[i] < NOW_MS and crx.match(p)]
                return [i for i, p in enumerate(plates) if crx.match(p)]

            r_ms, r_ids = median_ms(py_re, 3)
            expr = pl.col("plate").str.contains(rx)
            if windowed:
                expr = expr & (pl.col("observed_ms") >= start_ms) & (pl.col("observed_ms") < NOW_MS)
            p_ms, p_ids = median_ms(lambda: df.filter(expr)["id"].sort().to_list(), 7)
            sql = "SELECT id FROM det WHERE plate GLOB ?" + (
                " AND observed_ms >= ? AND observed_ms < ?" if windowed else ""
            )
            args = (pat, start_ms, NOW_MS) if windowed else (pat,)
            s_ms, s_ids = median_ms(lambda: sorted(r[0] for r in db.execute(sql, args)), 7)
            assert a_ids == sorted(r_ids) == p_ids == s_ids, f"engines disagree on {label}"
            print(
                f"| {label} | {len(a_ids)} | {a_ms:.3f} | {r_ms:.0f} | {p_ms:.1f} | {s_ms:.2f} "
                f"| {p_ms / a_ms:,.0f}× | {s_ms / a_ms:,.0f}× |"
            )


if __name__ == "__main__":
    main()
