"""The three renderings of the error taxonomy agree: core codes, C header, Python classes."""

import re
from pathlib import Path

import alpr

HEADER = Path(__file__).resolve().parents[2] / "include" / "alpr.h"


def camel(name: str) -> str:
    return "".join(p.capitalize() for p in name.split("_")) + "Error"


def test_every_code_has_a_leaf_class_in_its_family():
    families = {1: alpr.InvalidPlateError, 2: alpr.HotListError, 3: alpr.HitWorkflowError,
                4: alpr.AccessError, 5: alpr.RecordsError, 9: alpr.PolicyError}
    codes = alpr._alpr.codes()
    assert len(codes) > 50
    for number, name, cls in codes:
        assert cls.__name__ == camel(name)
        assert getattr(alpr, cls.__name__) is cls
        assert issubclass(cls, families[number // 100])


def test_header_has_every_code_with_the_same_number():
    header = HEADER.read_text()
    in_header = {m.group(1).lower(): int(m.group(2)) for m in re.finditer(r"ALPR_STATUS_(\w+) = (\d+),", header)}
    # The C ABI's own block (1-99: misuse of the ABI, list versions), which Python never raises.
    abi_only = {"ok", "null_parameter", "insufficient_size", "already_used", "panic", "version_not_in_force"}
    assert set(in_header) - abi_only == {name for _, name, _ in alpr._alpr.codes()}
    for number, name, _ in alpr._alpr.codes():
        assert in_header[name] == number
    assert all(in_header[n] < 100 for n in abi_only)


def test_time_regression_is_an_audit_code():
    assert issubclass(alpr.TimeRegressionError, alpr.AccessError)
    assert (424, "time_regression", alpr.TimeRegressionError) in alpr._alpr.codes()
