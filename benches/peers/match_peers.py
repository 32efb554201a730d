"""Peer comparison for the matcher (issue 4): alpr's Python surface against symspellpy, a
rapidfuzz scan, a Python ``set`` loop and a Python alternation regex, on the same data as the
criterion bench ``matching/*`` (same generator, same seed).

Not part of ``make test``. Run with its own venv::

    python3 -m venv /tmp/peers-venv
    /tmp/peers-venv/bin/pip install rapidfuzz symspellpy
    # after `make py-test`; a private target keeps a venv shared with other checkouts intact
    /tmp/peers-venv/bin/pip install --no-deps --target /tmp/alpr-matcher-py target/wheels/alpr-*.whl
    PYTHONPATH=/tmp/alpr-matcher-py /tmp/peers-venv/bin/python benches/peers/match_peers.py [--entries N]

Slow peers are subsampled (rapidfuzz: 20 reads, regex: 200 reads) and say so in their line.
Prints medians of repeated runs, per read.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import sys
import time
from datetime import datetime, timezone

MASK = (1 << 64) - 1


class Rng:
    """xorshift64*, identical to benches/src/matching.rs."""

    def __init__(self, seed: int) -> None:
        self.s = seed

    def next(self) -> int:
        s = self.s
        s ^= s >> 12
        s ^= (s << 25) & MASK
        s ^= s >> 27
        self.s = s
        return (s * 0x2545F4914F6CDD1D) & MASK

    def below(self, n: int) -> int:
        return self.next() % n

    def letter(self) -> str:
        return "ABCDEFGHJKLMNPRSTUVWXYZ"[self.below(23)]

    def digit(self) -> str:
        return chr(ord("0") + self.below(10))


def us_plate(r: Rng) -> str:
    shape = ["DLLLDDD", "LLLDDDD", "LLLLDD", "DDDLLL"][r.below(4)]
    return "".join(r.digit() if c == "D" else r.letter() for c in shape)


CLASSES = ["0ODQ", "1I", "2Z", "5S", "8B", "6G"]


def lookalike(r: Rng, p: str) -> str | None:
    b = list(p)
    spots = [i for i, c in enumerate(b) if any(c in k for k in CLASSES)]
    if not spots:
        r.below(1)
        return None
    i = spots[r.below(len(spots))]
    cls = next(k for k in CLASSES if b[i] in k)
    others = [c for c in cls if c != b[i]]
    b[i] = others[r.below(len(others))]
    return "".join(b)


def one_edit(r: Rng, p: str) -> str:
    b = list(p)
    i = r.below(len(b))
    op = r.below(3)
    if op == 0:
        b[i] = "Y" if b[i] == "X" else "X"
    elif op == 1:
        b.insert(i, "K")
    else:
        del b[i]
    return "".join(b)


def data(n: int) -> tuple[list[str], list[str], list[str]]:
    r = Rng(0x5EEDA1B2C3D4E5F6)
    seen: set[str] = set()
    plates: list[str] = []
    while len(plates) < n:
        p = us_plate(r)
        if p not in seen:
            seen.add(p)
            plates.append(p)
    reads = []
    for _ in range(n):
        roll = r.below(1000)
        base = plates[r.below(n)]
        if roll <= 9:
            reads.append(base)
        elif roll <= 14:
            reads.append(lookalike(r, base) or base)
        elif roll <= 19:
            reads.append(one_edit(r, base))
        else:
            reads.append(us_plate(r))
    patterns = []
    for i in range(10_000):
        p = us_plate(r)
        patterns.append(f"{p[:3]}*{p[-3:]}" if i % 2 == 0 else f"?{p[1:-1]}?")
    return plates, reads, patterns


def per_read(fn, reads: list[str], repeat: int = 5) -> float:
    """Median over `repeat` runs of the time per read, in nanoseconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter_ns()
        fn(reads)
        times.append((time.perf_counter_ns() - t) / len(reads))
    return statistics.median(times)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fmt(ns: float) -> str:
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.1f} ns"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=1_000_000)
    args = ap.parse_args()
    n = args.entries
    t = time.perf_counter()
    plates, reads, patterns = data(n)
    print(f"data: {n} plates, {n} reads, 10,000 patterns ({time.perf_counter() - t:.1f} s to generate)")
    results: dict[str, float] = {}

    s = set(plates)
    results["python set loop"] = per_read(lambda rs: [x in s for x in rs], reads[:200_000])

    now = datetime(2026, 11, 28, 20, 0, tzinfo=timezone.utc)
    try:
        import alpr
    except ImportError:
        alpr = None
        print("alpr not installed in this venv: skipping alpr rows")
    if alpr is not None:
        lst = {
            "id": "SVS",
            "kind": "standard",
            "priority": 10,
            "loaded_at": "2026-11-28T11:00:00-08:00",
            "entries": [{"plate": p, "category": "stolen_vehicle"} for p in plates],
        }
        for name, overrides in [("default", "{}"), ("edits1", '{"max_edits": 1}')]:
            reg = alpr.Registry(alpr.Policy().with_overrides(overrides))
            t = time.perf_counter()
            reg.load_list(lst)
            print(f"alpr {name}: load_list (JSON, validation, index) {time.perf_counter() - t:.2f} s")
            sub = reads[:200_000]
            results[f"alpr match_batch {name}"] = per_read(
                lambda rs, reg=reg: reg.match_batch(rs, observed_at=now, now=now), sub, 3
            )
            results[f"alpr match (one call a read) {name}"] = per_read(
                lambda rs, reg=reg: [reg.match(x, observed_at=now, now=now) for x in rs], sub[:50_000], 3
            )
            del reg

    from symspellpy import SymSpell, Verbosity

    rss0 = rss_mb()
    t = time.perf_counter()
    sym = SymSpell(max_dictionary_edit_distance=1, prefix_length=10)
    for p in plates:
        sym.create_dictionary_entry(p, 1)
    build = time.perf_counter() - t
    print(f"symspellpy: build {build:.1f} s, +{rss_mb() - rss0:.0f} MB peak RSS")
    results["symspellpy lookup edit<=1"] = per_read(
        lambda rs: [sym.lookup(x, Verbosity.ALL, max_edit_distance=1) for x in rs], reads[:20_000], 3
    )
    del sym

    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    sub = reads[:20]
    results["rapidfuzz scan edit<=1 (20 reads)"] = per_read(
        lambda rs: [process.extract(x, plates, scorer=Levenshtein.distance, score_cutoff=1, limit=None) for x in rs],
        sub,
        1,
    )

    alt = re.compile("|".join(f"(?:^{p.replace('*', '.*').replace('?', '.')}$)" for p in patterns))
    results["python alternation regex, 10k patterns (200 reads)"] = per_read(
        lambda rs: [alt.match(x) for x in rs], reads[:200], 3
    )

    print()
    print(f"{'peer':55} per read (median)")
    for k, v in results.items():
        print(f"{k:55} {fmt(v)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
