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
