"""The conformance vectors through the Python API (the same runner as ``python -m alpr.conformance``)."""

import io
from pathlib import Path

from alpr import conformance
from alpr._conformance import SUITES

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"


def test_vectors_of_implemented_suites_pass():
    cases = [c for c in conformance.load([VECTORS]) if c[0] in SUITES]
    assert len(cases) > 20
    out = io.StringIO()
    passed, failed = conformance.run(cases, out)
    assert failed == 0, out.getvalue()
    assert passed == len(cases)


def test_unknown_suite_is_a_failure_not_a_skip():
    out = io.StringIO()
    assert conformance.run([("no_such_suite", {"name": "x"})], out) == (0, 1)
    assert "not implemented" in out.getvalue()
