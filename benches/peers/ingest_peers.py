"""Peer comparison for hot-list ingest (issues 13 and 14): alpr's ``Registry.load_file`` of a
1,000,000-entry, 9-column CSV (parse, validate every record, fold duplicates, build the match
index) against ``polars.read_csv`` of the same file (parse into typed columns, nothing checked),
in the same run.

The file is the one the criterion bench ``hotlist/csv_1m`` loads (``benches/src/hotlist_data.rs``:
same plates, same columns, byte for byte), written to a temporary directory. Not part of
``make test``. Run after ``make py-test`` (which installs the wheel in the venv)::

    .venv/bin/python benches/peers/ingest_peers.py [--entries N] [--repeat R]

Prints the median wall time of each (alternating, so load changes hit both alike), the CPU time
of the process for each (the call, the drop of what it returned and a 0.3 s pause, in which a
registry freed on a thread of its own is freed), and the ratio alpr / polars (issue 13's target:
within 3x). alpr loads with its Python default (``threads=None``: the machine's cores, as polars uses them) and, as
``alpr-1t``, with ``threads=1`` (the calling thread only, the Rust and C default).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time

import alpr
import polars as pl

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STATES = ["CA", "NV", "OR", "AZ", "WA", "TX", "NY", "FL"]
SETTLE_S = 0.3


def plate(i: int) -> str:
    """The i-th plate of hotlist_data.rs: distinct for every i below 36^7."""
    x = ((i * 2_654_435_761) & ((1 << 64) - 1)) % 36**7
    out = []
    for _ in range(7):
        out.append(ALPHABET[x % 36])
        x //= 36
    return "".join(reversed(out))


def csv_bytes(n: int) -> bytes:
    lines = ["plate,state,type,category,record_id,make,model,color,year\n"]
    lines.extend(
        f"{plate(i)},{STATES[i % 8]},PC,stolen_vehicle,V{i:09},HOND,CIV,BLK,{2000 + i % 25}\n" for i in range(n)
    )
    return "".join(lines).encode()


def load_alpr(path: str, n: int, threads: int | None = None) -> float:
    reg = alpr.Registry()
    t0 = time.perf_counter()
    report = reg.load_file(
        path,
        "csv",
        id="SVS",
        kind="standard",
        priority=10,
        loaded_at=dt.datetime(2026, 11, 18, tzinfo=dt.timezone.utc),
        category="stolen_vehicle",
        source="bench",
        threads=threads,
    )
    elapsed = time.perf_counter() - t0
    assert report.accepted == n, report
    return elapsed


def load_polars(path: str, n: int) -> float:
    t0 = time.perf_counter()
    df = pl.read_csv(path)
    elapsed = time.perf_counter() - t0
    assert df.height == n
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "svs.csv")
        with open(path, "wb") as f:
            f.write(csv_bytes(args.entries))
        size = os.path.getsize(path)
        names = ("alpr", "alpr-1t", "polars")
        times: dict[str, list[float]] = {name: [] for name in names}
        cpu: dict[str, list[float]] = {name: [] for name in names}

        def load_alpr_1t(path: str, n: int) -> float:
            return load_alpr(path, n, threads=1)

        for _ in range(args.repeat):
            for name, fn in (("alpr", load_alpr), ("alpr-1t", load_alpr_1t), ("polars", load_polars)):
                c0 = time.process_time()
                times[name].append(fn(path, args.entries))
                # The wheel frees a dropped registry's large lists on a thread of its own: the
                # CPU window waits for that (and likewise after polars), so that neither side's
                # freeing is charged to the next run.
                time.sleep(SETTLE_S)
                cpu[name].append(time.process_time() - c0)
    print(f"file: {args.entries:,} entries, {size / 1e6:.1f} MB; {args.repeat} runs each, alternating")
    print(f"polars threads: {pl.thread_pool_size()}, alpr threads (default): {os.cpu_count()}")
    for name in names:
        print(
            f"{name:>7}: median wall {statistics.median(times[name]) * 1000:8.1f} ms, "
            f"min {min(times[name]) * 1000:8.1f} ms, median CPU {statistics.median(cpu[name]) * 1000:8.1f} ms"
        )
    for name in ("alpr", "alpr-1t"):
        ratio = statistics.median(times[name]) / statistics.median(times["polars"])
        cpu_ratio = statistics.median(cpu[name]) / statistics.median(cpu["polars"])
        print(f"{name} / polars: {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU (target: within 3x)")


if __name__ == "__main__":
    main()
