"""Retro-hits on Spark: a new version of a hot list matched against the reads of the last N days
in a data lake, with the access decision and the audit record on the driver.

Run locally (the venv of `make test`, Java 17)::

    .venv/bin/python examples/spark_retro_hits.py --demo

On a cluster (the executors need the `alpr` wheel: install it in their environment, or ship a
packed venv with `--archives`; `--py-files` cannot carry a compiled extension)::

    spark-submit --master yarn \\
      --archives alpr-venv.tar.gz#venv \\
      --conf spark.pyspark.python=./venv/bin/python \\
      examples/spark_retro_hits.py \\
      --reads s3://lake/reads/ --list svs.csv --list-id SVS --days 30 \\
      --audit /secure/audit/spd.log --roster roster.json --user i1 \\
      --purpose stolen_vehicle --out s3://lake/retro-hits/

What crosses to the executors: the grant (a few hundred bytes, SHA-256-checked, inside each task)
and the list version as checksummed bytes (one broadcast). What is audited, and where: the list
load (`hot_list_load`) and the retro-hits query (`query_detections`, with the list version, the
lists' SHA-256, the window, the retention rule, the legal holds and the policy's SHA-256), both
on the driver, in the agency's log, before the job is submitted. Executors write nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path


def _demo_inputs(workdir: Path) -> dict[str, object]:
    """A small lake, a list and a roster for `--demo`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    now = dt.datetime.now(dt.timezone.utc)
    plates = ["7ABC123", "8XYZ999", "6DEF456", "5GHJ789"]
    n = 10_000
    table = pa.table(
        {
            "id": pa.array(range(1, n + 1), pa.int64()),
            "plate": [plates[i % 4] for i in range(n)],
            "observed_at": pa.array(
                [now - dt.timedelta(minutes=7 * i) for i in range(n)], pa.timestamp("us", tz="UTC")
            ),
            "lat": [38.58] * n,
            "lon": [-121.49] * n,
        }
    )
    pq.write_table(table, workdir / "reads.parquet")
    (workdir / "svs.csv").write_text("plate,jurisdiction,category\n7ABC123,CA,stolen_vehicle\n")
    roster = [
        {"id": "a1", "agency": "SPD", "roles": ["administrator"], "account": "active", "trained_on": "2025-06-01", "clearance": True},
        {"id": "i1", "agency": "SPD", "roles": ["investigator"], "account": "active", "trained_on": "2025-06-01", "clearance": True},
    ]
    (workdir / "roster.json").write_text(json.dumps(roster))
    return {
        "reads": str(workdir / "reads.parquet"),
        "list": str(workdir / "svs.csv"),
        "roster": str(workdir / "roster.json"),
        "audit": str(workdir / "audit.log"),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--demo", action="store_true", help="a local[2] run on generated data")
    ap.add_argument("--reads", help="Parquet reads: id, plate, observed_at, lat, lon")
    ap.add_argument("--list", help="the hot-list file (CSV)")
    ap.add_argument("--list-id", default="SVS")
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--audit", help="the agency's audit log (a file)")
    ap.add_argument("--roster", help="the roster (JSON)")
    ap.add_argument("--loader", default="a1", help="the user loading the list (manage_hot_lists)")
    ap.add_argument("--user", default="i1")
    ap.add_argument("--purpose", default="stolen_vehicle")
    ap.add_argument("--out", help="where to write the hits (Parquet); printed when omitted")
    args = ap.parse_args()

    from pyspark.sql import SparkSession

    import alpr
    import alpr.spark

    builder = SparkSession.builder.appName("alpr-retro-hits")
    tmp = None
    if args.demo:
        tmp = Path(tempfile.mkdtemp(prefix="alpr-spark-demo-"))
        for k, v in _demo_inputs(tmp).items():
            setattr(args, k, v)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = (
            builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
        )
    if not (args.reads and args.list and args.audit and args.roster):
        ap.error("--reads, --list, --audit and --roster are required (or --demo)")
    spark = builder.getOrCreate()

    # The agency: policy, audit log, roster, clock. Opening it is recorded.
    agency = alpr.Agency.open("SPD", audit=args.audit, roster=Path(args.roster).read_text())
    # The new list version, validated and recorded on the driver (a malformed file fails here).
    report = agency.load_list(args.loader, Path(args.list).read_bytes(), "csv", id=args.list_id, kind="standard", priority=10)
    print(f"list {args.list_id}: {report.accepted} entries in force", file=sys.stderr)

    reads = spark.read.parquet(args.reads)
    request = {"action": "query_detections", "purpose": args.purpose}
    # Decided and recorded here; a denial raises before any job is submitted.
    hits = alpr.spark.retro_hits(reads, args.list_id, days=args.days, agency=agency, user=args.user, request=request)
    if args.out:
        hits.write.mode("overwrite").parquet(args.out)
    else:
        hits.select("detection", "list", "entry", "kind", "tier", "category").show(10, truncate=False)
        print(f"{hits.count()} retro-hits", file=sys.stderr)
    spark.stop()
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
