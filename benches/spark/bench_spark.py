"""Spark benchmark (issue 16): hot-list matching of Parquet reads on local[2], in one run:

1. alpr full-policy matching: ``alpr.spark.match_hotlists`` (the grant, its audit record, the list
   encoded and broadcast, ``mapInArrow`` over the Rust kernel; exact, fuzzy and pattern rules,
   retention, expiry, staleness);
2. Spark SQL's own broadcast hash join of the same plates (exact matching only);
3. ``mapInArrow`` with a Python ``set`` of the same plates (exact only);
4. the single-process figure on the same data: ``Registry.match_batch`` over the whole table read
   from the same Parquet file (and the grant's kernel ``ExternalGrant.match_batch``, which the
   Spark job runs per batch).

Session start-up, data generation and the list load are excluded; each Spark figure is the median
of ``--runs`` warm runs (after one warm-up run), forcing full evaluation with the ``noop`` sink.
Run with the venv of ``make test`` (Java 17)::

    .venv/bin/python benches/spark/bench_spark.py --reads 2000000 --list 1000000 --runs 3

The generated Parquet data (~40 MB) is written under ``--dir`` and deleted at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
DIGITS = "0123456789"


def plate(rng: random.Random) -> str:
    c = rng.choice
    return c(DIGITS[1:]) + c(LETTERS) + c(LETTERS) + c(LETTERS) + c(DIGITS) + c(DIGITS) + c(DIGITS)


def generate(n_reads: int, n_list: int, out: Path) -> tuple[Path, list[str]]:
    """``n_reads`` reads over the last 600 days (none past retention) of plates drawn so that
    about one read in ten is of a listed plate; the list is ``n_list`` distinct plates."""
    rng = random.Random(2026)
    listed: set[str] = set()
    while len(listed) < n_list:
        listed.add(plate(rng))
    lst = sorted(listed)
    span = 600 * 86400
    ps, ts = [], []
    for _ in range(n_reads):
        ps.append(rng.choice(lst) if rng.random() < 0.1 else plate(rng))
        ts.append(NOW - dt.timedelta(seconds=rng.randrange(1, span)))
    table = pa.table(
        {
            "id": pa.array(range(1, n_reads + 1), pa.int64()),
            "plate": pa.array(ps, pa.string()),
            "observed_at": pa.array(ts, pa.timestamp("us", tz="UTC")),
        }
    )
    path = out / "reads.parquet"
    pq.write_table(table, path, row_group_size=250_000)
    return path, lst


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, list[float]]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reads", type=int, default=2_000_000)
    ap.add_argument("--list", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default=None)
    args = ap.parse_args()

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    import alpr
    import alpr.spark

    work = Path(tempfile.mkdtemp(prefix="alpr-spark-bench-", dir=args.dir))
    try:
        t0 = time.perf_counter()
        path, lst = generate(args.reads, args.list, work)
        print(f"data: {args.reads:,} reads, {args.list:,}-plate list ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)

        roster = [{"id": u, "agency": "SPD", "roles": [r], "account": "active", "trained_on": "2025-06-01", "clearance": True}
                  for u, r in (("a1", "administrator"), ("i1", "investigator"))]
        policy = alpr.Policy()
        agency = alpr.Agency.for_tests_and_replays("SPD", audit=alpr.AuditLog(), roster=roster, now=NOW, policy=policy)
        csv = ("plate,jurisdiction,category\n" + "".join(f"{p},CA,stolen_vehicle\n" for p in lst)).encode()
        t0 = time.perf_counter()
        agency.load_list("a1", csv, "csv", id="SVS", kind="standard", priority=10)
        print(f"list load through the agency: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        request = {"action": "query_detections", "purpose": "stolen_vehicle"}

        spark = (
            SparkSession.builder.master("local[2]")
            .appName("alpr-bench-spark")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.memory", "3g")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.autoBroadcastJoinThreshold", str(512 * 1024 * 1024))
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        df = spark.read.parquet(str(path)).cache()
        n = df.count()
        plates_df = spark.createDataFrame(pa.table({"plate": lst}).to_pandas()).cache()
        plates_df.count()

        def noop(sdf: Any) -> None:
            sdf.write.format("noop").mode("overwrite").save()

        hits = {}

        def run_alpr() -> None:
            out = alpr.spark.match_hotlists(df, agency=agency, user="i1", request=request)
            noop(out)

        def run_join() -> None:
            noop(df.join(F.broadcast(plates_df), "plate"))

        listed = set(lst)
        bset = spark.sparkContext.broadcast(listed)

        def set_fn(it: Any) -> Any:
            s = bset.value
            for b in it:
                col = b.column("plate").to_pylist()
                mask = pa.array([p in s for p in col])
                yield b.filter(mask)

        def run_set() -> None:
            noop(df.mapInArrow(set_fn, df.schema))

        results = {}
        for name, fn in (("alpr", run_alpr), ("join", run_join), ("set", run_set)):
            med, all_ = timed(fn, args.runs)
            results[name] = (med, all_)
            print(f"{name}: median {med:.2f} s, {n / med / 1e6:.2f} M reads/s (runs: {', '.join(f'{t:.2f}' for t in all_)})", file=sys.stderr)
        hits["alpr"] = alpr.spark.match_hotlists(df, agency=agency, user="i1", request=request).count()
        hits["join"] = df.join(F.broadcast(plates_df), "plate").count()
        hits["set"] = df.mapInArrow(set_fn, df.schema).count()
        spark.stop()

        # Single process, same data and list.
        table = pq.read_table(path)
        reg = alpr.Registry(policy)
        reg.load_list({"id": "SVS", "kind": "standard", "priority": 10, "loaded_at": (NOW - dt.timedelta(hours=2)).isoformat(),
                       "entries": [{"plate": p, "jurisdiction": "CA", "category": "stolen_vehicle"} for p in lst]})
        med_sp, all_sp = timed(lambda: reg.match_batch(table, observed_at="observed_at", now=NOW, as_table=True), args.runs)
        grant, data = agency.grant_external("i1", request=request, read="match", engine="bench")
        lists = alpr.ShippedLists(data)
        med_k, all_k = timed(lambda: grant.match_batch(table, lists), args.runs)
        load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()

        print()
        print(f"reads: {n:,} (Parquet), list: {args.list:,} plates, local[2], {args.runs} warm runs (median), {load}")
        print()
        print("| engine | median s | reads/s | hits (rows out) | runs (s) |")
        print("|---|---|---|---|---|")
        labels = {
            "alpr": "alpr.spark.match_hotlists (full policy; grant + record + list broadcast included)",
            "join": "Spark SQL broadcast hash join (exact only)",
            "set": "mapInArrow + Python set (exact only)",
        }
        for name in ("alpr", "join", "set"):
            med, all_ = results[name]
            print(f"| {labels[name]} | {med:.2f} | {n / med / 1e6:.2f} M | {hits[name]:,} | {', '.join(f'{t:.2f}' for t in all_)} |")
        print(f"| single process: Registry.match_batch (one thread) | {med_sp:.2f} | {n / med_sp / 1e6:.2f} M | | {', '.join(f'{t:.2f}' for t in all_sp)} |")
        print(f"| single process: ExternalGrant.match_batch (the Spark kernel, one thread) | {med_k:.2f} | {n / med_k / 1e6:.2f} M | | {', '.join(f'{t:.2f}' for t in all_k)} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
