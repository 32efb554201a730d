"""Plate and jurisdiction normalization from Python."""

import concurrent.futures

import pytest
from hypothesis import given, strategies as st

import alpr


def test_normalize_and_fold():
    assert alpr.normalize(" 7abc-123 ") == "7ABC123"
    assert alpr.normalize_ex("７ＡＢＣ１２３") == ("7ABC123", True)
    assert alpr.normalize_ex("7ABC123") == ("7ABC123", False)


def test_invalid_character_has_code_position_and_no_plate():
    with pytest.raises(alpr.InvalidCharacterError) as info:
        alpr.normalize("SECRET/1")
    e = info.value
    assert isinstance(e, alpr.InvalidPlateError) and isinstance(e, alpr.AlprError)
    assert e.code == "invalid_character"
    assert e.position == {"character": 6}
    assert "SECRET" not in str(e)


@pytest.mark.parametrize(
    "raw, code",
    [("", "empty"), ("  -  ", "empty"), ("A" * 11, "too_long"), ("A" * (1 << 20), "too_long"), ("AB\x00C", "invalid_character")],
)
def test_errors(raw, code):
    with pytest.raises(alpr.AlprError) as info:
        alpr.normalize(raw)
    assert info.value.code == code


def test_jurisdiction():
    assert alpr.jurisdiction(" on ") == "ON"
    with pytest.raises(alpr.InvalidJurisdictionError):
        alpr.jurisdiction("XX")


@given(st.text(max_size=80))
def test_never_crashes_and_is_idempotent(s):
    try:
        p = alpr.normalize(s)
    except alpr.AlprError as e:
        assert e.code in {"empty", "invalid_character", "too_long"}
    else:
        assert alpr.normalize(p) == p
        assert 1 <= len(p) <= 10 and p.isascii() and p.isalnum() and p == p.upper()


def test_threads():
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        out = list(pool.map(alpr.normalize, ["7abc123"] * 2000, timeout=60))
    assert out == ["7ABC123"] * 2000
