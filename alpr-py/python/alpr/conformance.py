"""The conformance runner for the Python package: ``python -m alpr.conformance DIR [--suite S]``.

Reads every ``*.json`` vector file of the directories given (and of each directory in the
environment variable ``ALPR_VECTORS``), answers each case through the public Python API, compares
with the shared comparator of the Rust harness, prints one line per failing case and a closing
``N passed, M failed``. Exits 1 when any case fails or no case ran.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

from alpr import _alpr
from alpr._conformance import SUITES

Answer = dict[str, Any]


def load(dirs: list[Path]) -> list[tuple[str, dict[str, Any]]]:
    """Every case of every vector file of ``dirs``, as ``(suite, case)``, files in name order."""
    cases = []
    for d in dirs:
        for f in sorted(d.glob("*.json")):
            doc = json.loads(f.read_text(encoding="utf-8"))
            cases.extend((doc["suite"], c) for c in doc["cases"])
    return cases


def run(cases: list[tuple[str, dict[str, Any]]], out=sys.stdout) -> tuple[int, int]:
    """Runs cases; returns ``(passed, failed)``."""
    passed = failed = 0
    for suite, case in cases:
        adapter: Callable[[dict[str, Any]], Answer] | None = SUITES.get(suite)
        if adapter is None:
            problem: str | None = f"suite {suite} is not implemented by the Python runner"
        else:
            try:
                answer = adapter(case)
                problem = _alpr.conformance_check(suite, json.dumps(case), json.dumps(answer))
            except Exception as e:  # a crash in an adapter is that case's failure
                problem = f"raised {type(e).__name__}: {e}"
        if problem is None:
            passed += 1
        else:
            failed += 1
            print(f"{suite}/{case.get('name', '?')}: {problem}", file=out)
    return passed, failed


def main(argv: list[str]) -> int:
    dirs: list[Path] = []
    only: list[str] = []
    it = iter(argv)
    for a in it:
        if a == "--suite":
            only.append(next(it))
        else:
            dirs.append(Path(a))
    dirs.extend(Path(p) for p in os.environ.get("ALPR_VECTORS", "").split(":") if p)
    if not dirs:
        print("usage: python -m alpr.conformance DIR [DIR ...] [--suite NAME ...]", file=sys.stderr)
        return 2
    cases = load(dirs)
    if only:
        cases = [c for c in cases if c[0] in only]
    passed, failed = run(cases)
    print(f"python: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
