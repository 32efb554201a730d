"""The Python package against what an analyst would write instead (issue 13, "Performance"):
a 1,000,000-entry hot list, 1,000,000 reads in a ``pyarrow.Table``, about 1 % of them on the list
(the generator and seed of ``match_peers.py`` and of the criterion bench ``matching/*``).

Rows, each a median of repeated runs in the same process:

- ``match_batch`` with the default policy (exact + look-alike, explained hits as an Arrow table)
  against a bare Python ``set`` membership loop (exact only) and polars ``is_in``;
- two threads calling ``match_batch`` on halves of the table against one thread on all of it;
- ``max_edits = 1`` against symspellpy ``lookup(Verbosity.ALL, 1)`` (symspellpy subsampled to
  20,000 reads, alpr to 200,000; the line says so);
- loading the 1M-entry CSV list (validated, indexed) against ``polars.read_csv`` of the file.

Not part of ``make test``. Needs pyarrow, polars and symspellpy next to the installed wheel::

    .venv/bin/python -m pip install --no-cache-dir symspellpy
    make py-test   # builds and installs the wheel
    .venv/bin/python benches/peers/py_peers.py [--entries N]

The CSV list is written to a temporary directory and removed at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from match_peers import data, fmt  # noqa: E402  (same generator, same seed)

NOW = datetime(2026, 11, 28, 20, 0, tzinfo=timezone.utc)


def median_s(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of `repeat` calls, in seconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    n, rep = args.entries, args.repeat

    import polars as pl
    import pyarrow as pa

    import alpr

    print(f"uptime: {os.popen('uptime').read().strip()}")
    t = time.perf_counter()
    plates, reads, _ = data(n)
    print(f"data: {n:,} plates, {n:,} reads ({time.perf_counter() - t:.1f} s to generate)")
    listed = set(plates)
    exact = sum(r in listed for r in reads)
    print(f"reads on the list (exact): {exact:,} ({100 * exact / n:.2f} %)")
    table = pa.table({"plate": pa.array(reads, pa.string())})
    rows: list[tuple[str, str, str]] = []

    def row(name: str, seconds: float, reads_done: int, note: str = "") -> float:
        per = seconds * 1e9 / reads_done
        rows.append((name, fmt(per), note))
        print(f"  {name}: {fmt(per)} per read {note}", flush=True)
        return per

    tmp = tempfile.mkdtemp(prefix="alpr-py-peers-")
    path = os.path.join(tmp, "list.csv")
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("plate,category\n")
            fh.writelines(f"{p},stolen_vehicle\n" for p in plates)
        size = os.path.getsize(path) / 1e6

        # -- loading the list ---------------------------------------------------------------
        def load(policy: alpr.Policy | None = None) -> alpr.Registry:
            reg = alpr.Registry(policy)
            reg.load_file(path, "csv", id="SVS", kind="standard", priority=10, loaded_at=NOW)
            return reg

        load_s = median_s(load, 3)
        # The last registry's lists are freed on a thread of their own: not during polars' reads.
        time.sleep(0.5)
        polars_s = median_s(lambda: pl.read_csv(path), 3)
        frame = pl.read_csv(path)
        table_s = median_s(
            lambda: alpr.Registry().load_table(frame, id="SVS", kind="standard", priority=10, loaded_at=NOW), 3
        )
        print(f"load {size:.1f} MB CSV: alpr load_file {load_s:.3f} s, load_table(polars frame) {table_s:.3f} s, "
              f"polars.read_csv {polars_s:.3f} s (alpr/polars {load_s / polars_s:.2f}x)")
        del frame

        reg = load()
        # -- exact-ish matching: alpr default vs set loop vs polars is_in ---------------------
        print(f"matching, {n:,} reads:")
        alpr_ns = row(
            "alpr match_batch(pa.Table), default policy, as_table=True",
            median_s(lambda: reg.match_batch(table, observed_at=NOW, now=NOW, as_table=True), rep),
            n,
        )
        hits = reg.match_batch(table, observed_at=NOW, now=NOW, as_table=True)
        print(f"    {hits.num_rows:,} hit rows")
        as_list = table.column("plate").to_pylist()
        set_ns = row("Python set loop over a list", median_s(lambda: [x in listed for x in as_list], rep), n)
        set_arrow_ns = row(
            "Python set loop incl. to_pylist() of the Arrow column",
            median_s(lambda: [x in listed for x in table.column("plate").to_pylist()], rep),
            n,
        )
        frame_reads = pl.from_arrow(table)
        series = pl.Series("plate", plates)
        polars_ns = row(
            "polars is_in",
            median_s(lambda: frame_reads.select(pl.col("plate").is_in(series.implode())), rep),
            n,
        )

        # -- two threads --------------------------------------------------------------------
        half = n // 2
        halves = [table.slice(0, half), table.slice(half)]

        def two() -> None:
            with ThreadPoolExecutor(2) as ex:
                list(ex.map(lambda t: reg.match_batch(t, observed_at=NOW, now=NOW, as_table=True), halves))

        def one() -> None:
            for t in halves:
                reg.match_batch(t, observed_at=NOW, now=NOW, as_table=True)

        one_s, two_s = median_s(one, rep), median_s(two, rep)
        print(f"two threads on halves: one thread {one_s:.3f} s, two threads {two_s:.3f} s "
              f"(speed-up {one_s / two_s:.2f}x on {os.cpu_count()} cores)")
        del reg

        # -- max_edits = 1 vs symspellpy ------------------------------------------------------
        edits = load(alpr.Policy().with_overrides('{"max_edits": 1}'))
        sub = table.slice(0, 200_000)
        edits_ns = row(
            f"alpr match_batch max_edits=1 ({sub.num_rows:,} reads)",
            median_s(lambda: edits.match_batch(sub, observed_at=NOW, now=NOW, as_table=True), 3),
            sub.num_rows,
        )
        del edits
        from symspellpy import SymSpell, Verbosity

        t = time.perf_counter()
        sym = SymSpell(max_dictionary_edit_distance=1, prefix_length=10)
        for p in plates:
            sym.create_dictionary_entry(p, 1)
        print(f"symspellpy build: {time.perf_counter() - t:.1f} s")
        few = reads[:20_000]
        sym_ns = row(
            f"symspellpy lookup(Verbosity.ALL, 1) ({len(few):,} reads)",
            median_s(lambda: [sym.lookup(x, Verbosity.ALL, max_edit_distance=1) for x in few], 3),
            len(few),
        )
        del sym
    finally:
        if os.path.exists(path):
            os.remove(path)
        os.rmdir(tmp)

    print()
    print("summary (ratios in this run):")
    print(f"  match_batch default vs set loop (list): {alpr_ns:.0f} vs {set_ns:.0f} ns -> "
          f"{set_ns / alpr_ns:.2f}x (>= 1 means alpr is at least as fast)")
    print(f"  match_batch default vs set loop incl. to_pylist: {set_arrow_ns / alpr_ns:.2f}x")
    print(f"  match_batch default vs polars is_in: {alpr_ns:.0f} vs {polars_ns:.0f} ns -> {polars_ns / alpr_ns:.2f}x")
    print(f"  two threads vs one: {one_s / two_s:.2f}x (target >= 1.6)")
    print(f"  max_edits=1 vs symspellpy: {sym_ns / edits_ns:.1f}x (target >= 10)")
    print(f"  CSV load vs polars.read_csv: {load_s / polars_s:.2f}x slower (target <= 3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
