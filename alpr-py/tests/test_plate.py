"""Plate and jurisdiction normalization from Python."""

import concurrent.futures
import unicodedata

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


# R-NORM-1's Unicode White_Space list (what Rust's char::is_whitespace accepts). Python's
# str.isspace also accepts U+001C..U+001F, which are not White_Space and stay invalid (R-NORM-5).
WHITE_SPACE = [chr(c) for c in (0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                                0x2028, 0x2029, 0x202F, 0x205F, 0x3000)]
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
# Every Dash_Punctuation character Python's Unicode database knows, and U+10EAD (Unicode 13+).
DASHES = sorted({chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Pd"} | {"\U00010ead"})
SEPARATORS = WHITE_SPACE + INVISIBLE + DASHES + [".", "\u00b7", "_"]


@pytest.mark.parametrize("sep", SEPARATORS, ids=lambda c: f"U+{ord(c):04X}")
def test_every_separator_is_removed(sep):
    folded = sep in ("\u3000", "\uff0d")  # the fullwidth space and hyphen are R-NORM-3 folds
    assert alpr.normalize_ex(f"{sep}7AB{sep}C123{sep}") == ("7ABC123", folded)


@pytest.mark.parametrize("raw", ["7ABC123\n", "7ABC\r\n123", "7ABC\u00a0123", "7ABC\u2013123", "\ufeff7ABC123"])
def test_pasted_text_normalizes(raw):
    assert alpr.normalize_ex(raw) == ("7ABC123", False)


@pytest.mark.parametrize("ch", ["\x00", "\x1b", "\x1c", "\x1d", "\x1e", "\x1f", "\x7f", "\u200e", "\u2212", "\u2665"])
def test_other_controls_and_symbols_fail_at_their_position(ch):
    with pytest.raises(alpr.InvalidCharacterError) as info:
        alpr.normalize(f"AB{ch}1")
    assert info.value.position == {"character": 2}


@given(st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=1, max_size=10),
       st.lists(st.tuples(st.integers(0, 10), st.sampled_from(SEPARATORS)), min_size=1, max_size=5))
def test_separators_anywhere_leave_the_plate(plate, inserts):
    chars = list(plate)
    for at, sep in inserts:
        chars.insert(min(at, len(chars)), sep)
    raw = "".join(chars)
    if len(raw.encode()) <= 64:
        p = alpr.normalize(raw)
        assert p == plate and alpr.normalize(p) == p
