"""Static declarations agree with the code table: the generated ``alpr/_errors.py`` and the
stub's leaf block are what ``tools/gen_errors.py`` renders from ``alpr.codes()`` now, every
class is a documented subclass of its built-in, and ``alpr`` exports every class by name."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import alpr
from alpr import _errors

ROOT = Path(__file__).resolve().parents[1]


def generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_errors", ROOT / "tools" / "gen_errors.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_generated_errors_file_matches_the_code_table() -> None:
    gen = generator()
    assert (ROOT / "python" / "alpr" / "_errors.py").read_text() == gen.render_errors(), (
        "run python alpr-py/tools/gen_errors.py"
    )
    stub = (ROOT / "python" / "alpr" / "_alpr.pyi").read_text()
    assert gen.stub_with_block(stub) == stub, "run python alpr-py/tools/gen_errors.py"


def test_every_code_is_exported_statically_with_its_builtin() -> None:
    codes = alpr.codes()
    assert codes == alpr._alpr.codes() and len(codes) > 50
    names = set(_errors.__all__)
    for number, code, cls in codes:
        assert cls.__name__ in names and cls.__name__ in alpr.__all__
        assert getattr(alpr, cls.__name__) is cls is getattr(_errors, cls.__name__)
        if code == "unknown_list":
            builtin: type[Exception] = KeyError
        elif code in ("audit_write_failed", "io"):
            builtin = OSError
        elif 400 <= number <= 411:
            builtin = PermissionError
        else:
            builtin = ValueError
        kinds = {b for b in (ValueError, KeyError, OSError, PermissionError) if issubclass(cls, b)}
        assert kinds == {b for b in (builtin, *builtin.__mro__) if b in (ValueError, KeyError, OSError, PermissionError)}, (
            code, cls.__mro__)


def test_top_level_exports() -> None:
    for name in ("codes", "set_display", "get_display", "display", "mask_plate", "HitList"):
        assert name in alpr.__all__ and hasattr(alpr, name)


def test_strict_type_checkers_see_the_family_classes_and_every_as_table_form(tmp_path: Path) -> None:
    """``mypy --strict`` (no implicit re-export) on an analyst's snippet: ``alpr.AlprError`` and
    the family classes were imported into ``alpr`` without being exported (``except
    alpr.AlprError`` failed to type-check), and ``audit_records(as_table=flag)`` with a ``bool``
    matched no overload."""
    import subprocess
    import sys

    pytest = __import__("pytest")
    pytest.importorskip("mypy")
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        "from datetime import datetime, timezone\n"
        "import alpr\n"
        "NOW = datetime(2026, 11, 28, tzinfo=timezone.utc)\n"
        "def f(agency: alpr.Agency, flag: bool) -> None:\n"
        "    try:\n"
        "        alpr.normalize('AB/1')\n"
        "    except (alpr.AlprError, alpr.InvalidPlateError, alpr.HotListError, alpr.HitWorkflowError,\n"
        "            alpr.AccessError, alpr.RecordsError, alpr.PolicyError) as e:\n"
        "        code: str = e.code\n"
        "        print(code)\n"
        "    records = agency.audit_records('a1', as_table=flag)\n"
        "    rows: list[dict[str, object]] = agency.audit_records('a1')\n"
        "    print(records, rows)\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(snippet)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
