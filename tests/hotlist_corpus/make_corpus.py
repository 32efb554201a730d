#!/usr/bin/env python3
"""Writes the malformed-input corpus of this folder: strings, hot-list files, audit files.

Every case states, independently of the library, what SPEC §1–§2 and the audit file format say
the input must give: its error code (or `null` for a load that succeeds with rejections) and the
position the library reports (`line`, `column`, `character`, `index`; a key is absent when the
error has no such position). The runners — `alpr-core/tests/corpus.rs` (Rust),
`tests/c/test_corpus.c` (C ABI), `alpr-py/tests/test_corpus.py` (Python) — check each case through
their surface and, for every load that fails, that the version loaded before it stays in force.

Kinds of case:

- `normalize`, `jurisdiction`, `pattern`: a string (`input_hex`, its UTF-8 bytes in hex) given to
  plate normalization (R-NORM), jurisdiction parsing (§1) or the pattern parser (R-MATCH-6, as a
  partial-plate search of the built-in policy). A case with `surfaces` runs only there (bytes
  that are not UTF-8 exist only at the C ABI).
- `hotlist`: a file (`file`, relative to this folder) loaded as list `L` in `format`, of list kind
  `list_kind`, with the default `category`, under the built-in policy changed by `policy` (a JSON
  object of overrides). `error` is the whole load's result; `rejected` lists each rejected record
  as `[line, column, character, index, code]` (null where absent) under the same policy with
  `max_rejected_fraction = 1.0` (only for files that parse as a whole).
- `hotlist_json`: a list handed over as JSON text (`file`), as `RawList::from_json`,
  `alpr_registry_load_json` and `Registry.load_list` take it; rejections carry the record index.
- `audit`: an audit file (one JSON line per record, SHA-256 chain, R-AUDIT-2) opened as a file log;
  with `head` (`[sequence, hash]`, an exported head) the open succeeds and verification against
  that head gives the error.

Outputs: the files under `csv/`, `clew/`, `ncic/`, `json/`, `audit/`, `manifest.json`, and
`manifest.txt`, the same cases one line each for the C test (see its header comment).

Deterministic: no randomness, no clock. Run from anywhere: python3 tests/hotlist_corpus/make_corpus.py
"""

import collections
import hashlib
import json
import os
import re
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
os.chdir(HERE)

cases = []
names = set()


def pos(line=None, column=None, character=None, index=None):
    p = {}
    for k, v in (("line", line), ("column", column), ("character", character), ("index", index)):
        if v is not None:
            p[k] = v
    return p


def add(c):
    assert c["name"] not in names, c["name"]
    names.add(c["name"])
    cases.append(c)


# ---------------------------------------------------------------------------------------------
# §1 strings.

def string_case(kind, name, data, error, position=None, surfaces=None):
    if isinstance(data, str):
        data = data.encode("utf-8")
    c = {"name": f"{kind}/{name}", "kind": kind, "input_hex": data.hex(), "error": error,
         "position": position or {}}
    if surfaces:
        c["surfaces"] = surfaces
    add(c)


# R-NORM-1 separators: Unicode White_Space (Rust's char::is_whitespace, not Python's isspace,
# which also takes U+001C–U+001F), the Pd dashes, the invisible format characters, `.`, `·`, `_`.
WHITE_SPACE = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680] + list(range(0x2000, 0x200B)) + [
    0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
DASHES = [0x2D, 0x58A, 0x5BE, 0x1400, 0x1806] + list(range(0x2010, 0x2016)) + [
    0x2E17, 0x2E1A, 0x2E3A, 0x2E3B, 0x2E40, 0x2E5D, 0x301C, 0x3030, 0x30A0, 0xFE31, 0xFE32, 0xFE58,
    0xFE63, 0xFF0D, 0x10EAD]
INVISIBLE = [0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]
OTHER_SEPARATORS = [ord("."), 0xB7, ord("_")]
SEPARATORS = WHITE_SPACE + DASHES + INVISIBLE + OTHER_SEPARATORS

# R-NORM-5: characters outside the alphabet, the separators and the fold tables, by class.
INVALID = {
    # Controls that are not White_Space.
    "nul": 0x00, "soh": 0x01, "bel": 0x07, "backspace": 0x08, "shift_out": 0x0E, "esc": 0x1B,
    "file_sep": 0x1C, "group_sep": 0x1D, "record_sep": 0x1E, "unit_sep": 0x1F, "del": 0x7F,
    "c1_pad": 0x80, "c1_csi": 0x9B, "c1_apc": 0x9F,
    # ASCII punctuation other than `.`, `_`, `-`.
    "bang": ord("!"), "quote": ord('"'), "hash": ord("#"), "dollar": ord("$"), "percent": ord("%"),
    "amp": ord("&"), "apos": ord("'"), "lparen": ord("("), "rparen": ord(")"), "star": ord("*"),
    "plus": ord("+"), "comma": ord(","), "slash": ord("/"), "colon": ord(":"), "semicolon": ord(";"),
    "less": ord("<"), "equals": ord("="), "greater": ord(">"), "question": ord("?"), "at": ord("@"),
    "lbracket": ord("["), "backslash": ord("\\"), "rbracket": ord("]"), "caret": ord("^"),
    "backtick": ord("`"), "lbrace": ord("{"), "pipe": ord("|"), "rbrace": ord("}"), "tilde": ord("~"),
    # Latin letters outside A-Z.
    "n_tilde": 0xD1, "e_acute": 0xE9, "sharp_s": 0xDF, "o_stroke": 0xD8, "dotless_i": 0x131,
    "long_s": 0x17F, "kelvin": 0x212A, "fi_ligature": 0xFB01, "math_bold_a": 0x1D400,
    # Cyrillic and Greek letters outside the reviewed table.
    "cyr_zhe": 0x416, "cyr_yo": 0x401, "cyr_dze": 0x405, "cyr_i": 0x406, "cyr_je": 0x408,
    "greek_omega": 0x3A9, "greek_lambda": 0x3BB, "greek_final_sigma": 0x3C2, "greek_gamma": 0x393,
    # Other scripts.
    "cjk": 0x4E2D, "hiragana": 0x3042, "halfwidth_katakana": 0xFF71, "arabic": 0x628, "hebrew": 0x5D0,
    "devanagari": 0x915, "hangul": 0xAC00, "thai": 0xE01,
    # Digits outside 0-9.
    "arabic_indic_3": 0x663, "devanagari_7": 0x96D, "superscript_2": 0xB2, "circled_1": 0x2460,
    "roman_numeral_5": 0x2164, "math_bold_7": 0x1D7D5,
    # Fullwidth forms that are neither letters, digits nor the hyphen.
    "fullwidth_bang": 0xFF01, "fullwidth_slash": 0xFF0F, "fullwidth_star": 0xFF0A, "fullwidth_at": 0xFF20,
    # Symbols.
    "heart": 0x2665, "star_symbol": 0x2605, "euro": 0x20AC, "pound": 0xA3, "copyright": 0xA9,
    "trademark": 0x2122, "degree": 0xB0, "section": 0xA7, "car_emoji": 0x1F697, "flag_tag": 0xE0041,
    # Marks, direction controls and other format characters that R-NORM-1 does not remove.
    "combining_acute": 0x301, "variation_selector": 0xFE0F, "lrm": 0x200E, "rlm": 0x200F,
    "lre": 0x202A, "rlo": 0x202E, "pop_directional": 0x202C, "lri": 0x2066, "pdi": 0x2069,
    "function_application": 0x2061, "invisible_times": 0x2062, "mongolian_vowel_sep": 0x180E,
    "interlinear_anchor": 0xFFF9, "ideographic_comma": 0x3001, "middle_dot_katakana": 0x30FB,
    "bullet": 0x2022, "figure_dash_like_minus": 0x2212, "small_commercial_at": 0xFE6B,
    # Private use, replacement, non-characters, the last scalar value.
    "private_use": 0xE000, "replacement": 0xFFFD, "noncharacter_fffe": 0xFFFE,
    "noncharacter_ffff": 0xFFFF, "last_scalar": 0x10FFFF,
}
assert not set(INVALID.values()) & set(SEPARATORS)

# Prefixes before the invalid character (each a string of plate characters and separators that
# normalizes without error), so its position is counted in scalar values, not bytes.
PREFIXES = [
    ("start", ""),
    ("after_ascii", "7AB"),
    ("after_separators", "7 A-B.C"),
    ("after_folds", "\uff17\u0410\u0392"),         # fullwidth 7, Cyrillic А, Greek Β
    ("after_wide_separators", "\u3000A\u2014\u00a0B\u200b"),  # ideographic space, em dash, NBSP, ZWSP
]
SUFFIX = "C12"

for cls, cp in INVALID.items():
    ch = chr(cp)
    for pname, prefix in PREFIXES:
        s = prefix + ch + SUFFIX
        assert len(s.encode()) <= 64
        string_case("normalize", f"invalid_{cls}_{pname}", s, "invalid_character",
                    pos(character=len(prefix)))

# The invalid character is reported even after more than 10 plate characters (R-NORM-5 is the
# more specific fault), and at the end of a string.
string_case("normalize", "invalid_after_eleven_characters", "ABCDEFGHIJK/", "invalid_character", pos(character=11))
string_case("normalize", "invalid_at_end", "7ABC123#", "invalid_character", pos(character=7))
string_case("normalize", "invalid_first_of_two", "7A/B*", "invalid_character", pos(character=2))
string_case("normalize", "invalid_lowercase_cyrillic_zhe", "\u0436", "invalid_character", pos(character=0))
string_case("normalize", "invalid_after_u001c_is_not_space", "A\u001cB", "invalid_character", pos(character=1))
string_case("normalize", "invalid_emoji_64_bytes", "\U0001F697" * 16, "invalid_character", pos(character=0))

# R-NORM-6: nothing left after removing separators.
string_case("normalize", "empty_string", "", "empty")
for cp in SEPARATORS:
    string_case("normalize", f"empty_U+{cp:04X}", chr(cp), "empty")
string_case("normalize", "empty_crlf", "\r\n", "empty")
string_case("normalize", "empty_mixed", " \t-._\u00b7\u3000\ufeff\u00ad\u2060\u2028", "empty")
string_case("normalize", "empty_64_spaces", " " * 64, "empty")
string_case("normalize", "empty_21_ideographic_spaces", "\u3000" * 21, "empty")

# R-NORM-7: more than 10 plate characters after folding, or a raw input over 64 bytes (checked
# before anything else, so even an invalid character or nothing but separators is `too_long`).
string_case("normalize", "too_long_11_ascii", "ABCDEFGHIJK", "too_long")
string_case("normalize", "too_long_11_lowercase", "abcdefghijk", "too_long")
string_case("normalize", "too_long_11_with_separators", "AB-CD EF.GH_IJ K", "too_long")
string_case("normalize", "too_long_11_fullwidth", "\uff21" * 11, "too_long")
string_case("normalize", "too_long_21_fullwidth_63_bytes", "\uff21" * 21, "too_long")
string_case("normalize", "too_long_11_cyrillic", "\u0410" * 11, "too_long")
string_case("normalize", "too_long_11_greek_small", "\u03bf" * 11, "too_long")
string_case("normalize", "too_long_10_plus_fold", "ABCDEFGHIJ\uff11", "too_long")
string_case("normalize", "too_long_32_digits", "0123456789" * 3 + "01", "too_long")
string_case("normalize", "too_long_raw_65_spaces", " " * 65, "too_long")
string_case("normalize", "too_long_raw_64_spaces_and_a", " " * 64 + "A", "too_long")
string_case("normalize", "too_long_raw_65_with_invalid", "/" + " " * 64, "too_long")
string_case("normalize", "too_long_raw_nul_padding", "7ABC123" + "\0" * 58, "too_long")
string_case("normalize", "too_long_raw_22_fullwidth_66_bytes", "\uff21" * 22, "too_long")
string_case("normalize", "too_long_raw_17_emoji", "\U0001F697" * 17, "too_long")
string_case("normalize", "too_long_raw_33_cyrillic", "\u0410" * 33, "too_long")
string_case("normalize", "too_long_raw_22_ideographic_spaces", "\u3000" * 22, "too_long")
string_case("normalize", "too_long_raw_300_bytes", "A" * 300, "too_long")
string_case("normalize", "too_long_raw_4096_bytes", "7" * 4096, "too_long")
string_case("normalize", "too_long_raw_63_spaces_and_a_2_byte_char", " " * 63 + "\u00e9", "too_long")

# Bytes that are not UTF-8 exist only at the C ABI; the column is 1-based, in characters, of
# the first bad byte.
for name, data, col in [
    ("lone_continuation", b"\x80", 1),
    ("bad_after_ascii", b"7AB\xff", 4),
    ("bad_after_two_byte_char", b"\xc3\xa97\xff", 3),
    ("truncated_sequence", b"7ABC\xe2\x80", 5),
    ("surrogate", b"AB\xed\xa0\x80", 3),
    ("overlong_nul", b"\xc0\x80", 1),
]:
    string_case("normalize", f"invalid_utf8_{name}", data, "invalid_utf8", pos(column=col), surfaces=["c"])

# Jurisdictions (§1): trimmed, upper-cased, one of the known codes.
for name, s in [("empty", ""), ("blank", "   "), ("one_letter", "C"), ("three_letters", "CAL"),
                ("unknown", "XX"), ("unknown_zz", "ZZ"), ("digits", "12"), ("inner_space", "C A"),
                ("nul", "C\0"), ("accented", "\u00c7A"), ("fullwidth", "\uff23\uff21"),
                ("cyrillic", "\u0421\u0410"), ("mexico", "MX"), ("dot", "C."), ("long", "CA" * 40)]:
    string_case("jurisdiction", name, s, "invalid_jurisdiction")

# Patterns (R-MATCH-6) through a partial-plate search: at most 2 `*` (checked first), at most
# 10 positions, at least 3 literal characters; other characters normalize as §1.
for name, s, err in [
    ("one_question", "?", "pattern_too_broad"),
    ("one_star", "*", "pattern_too_broad"),
    ("two_literals_star", "AB*", "pattern_too_broad"),
    ("one_literal_star", "7*", "pattern_too_broad"),
    ("questions_only", "??????", "pattern_too_broad"),
    ("two_literals_questions", "A?B??", "pattern_too_broad"),
    ("star_literals_star", "*A*B", "pattern_too_broad"),
    ("separators_do_not_count", "A-B *", "pattern_too_broad"),
    ("folded_literals_two", "\uff21\u0410*", "pattern_too_broad"),
    ("double_star_is_one", "AB**", "pattern_too_broad"),
    ("three_stars", "A*B*C*D", "invalid_pattern"),
    ("four_stars", "*AB*C*D*", "invalid_pattern"),
    ("three_stars_few_literals", "*?*?*", "invalid_pattern"),
    ("eleven_positions", "ABCDEFGHIJ?", "invalid_pattern"),
    ("eleven_questions", "???????????", "invalid_pattern"),
    ("eleven_positions_with_star", "ABC*DEFGHIJ?", "invalid_pattern"),
    ("twelve_positions_separated", "AB-CD-EF-GH-IJ-??", "invalid_pattern"),
]:
    string_case("pattern", name, s, err)
for name, s, k in [("slash", "7AB/*", 3), ("percent", "7A%?", 2), ("nul", "AB?\0C", 3),
                   ("emoji", "\U0001F697ABC*", 0), ("after_wide", "\u3000\uff21BC?\u2665", 5),
                   ("plus", "ABC+?", 3), ("hash_no_wildcard", "ABC#", 3)]:
    string_case("pattern", f"invalid_{name}", s, "invalid_character", pos(character=k))
string_case("pattern", "too_long_raw", "ABC*" + " " * 61, "too_long")
string_case("pattern", "too_long_plain_plate", "ABCDEFGHIJK", "too_long")
string_case("pattern", "empty", "", "empty")
string_case("pattern", "empty_separators", " - ", "empty")


# ---------------------------------------------------------------------------------------------
# §2 hot-list files.

for d in ("csv", "clew", "ncic", "json", "audit"):
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
for old in os.listdir("."):
    if os.path.splitext(old)[1] in (".csv", ".tbl", ".txt") and old != "manifest.txt":
        os.remove(old)


def hotlist(name, fmt, data, error, position=None, rejected=None, category=None, list_kind="standard",
            policy=None):
    ext = {"csv": "csv", "ca_doj_clew": "tbl", "ncic_extract": "txt"}[fmt]
    folder = {"csv": "csv", "ca_doj_clew": "clew", "ncic_extract": "ncic"}[fmt]
    path = f"{folder}/{name}.{ext}"
    with open(path, "wb") as f:
        f.write(data)
    c = {"name": f"{folder}/{name}", "kind": "hotlist", "file": path, "format": fmt, "list_kind": list_kind,
         "error": error, "position": position or {}}
    if category:
        c["category"] = category
    if policy:
        c["policy"] = policy
    if rejected is not None:
        # [line, column, character, index, code]: files have no record index.
        c["rejected"] = [[r[0], r[1], r[2], None, r[3]] for r in rejected]
    add(c)


def col_of(s, byte_index):
    """1-based character column of a byte index within a line."""
    return len(s[:byte_index].decode("utf-8")) + 1


SV = "stolen_vehicle"
H = b"DATE11/28/2026 06:00\n"
R1 = b"7ABC123 CA3420181105\n"
R2 = b"XYZ999  CA0220180430\n"
F2 = b"TOTAL RECORD 0000002\n"


def footer(n):
    return b"TOTAL RECORD %07d\n" % n


# --- CLEW: whole-file failures (the load is refused; the previous version stays in force).
hotlist("truncated", "ca_doj_clew", H + R1 + R2, "truncated_file", pos(line=4), category=SV)
hotlist("truncated_mid_record", "ca_doj_clew", H + R1 + b"XYZ99", "truncated_file", pos(line=4), category=SV)
hotlist("truncated_crlf", "ca_doj_clew", (H + R1 + R2).replace(b"\n", b"\r\n"), "truncated_file", pos(line=4),
        category=SV)
hotlist("truncated_trailing_blank_lines", "ca_doj_clew", H + R1 + R2 + b"\n\n", "truncated_file", pos(line=6),
        category=SV)
hotlist("nul_padded", "ca_doj_clew", H + R1 + b"\0" * 512, "truncated_file", pos(line=4), category=SV)
hotlist("header_only_no_footer", "ca_doj_clew", H, "truncated_file", pos(line=2), category=SV)
hotlist("footer_lowercase", "ca_doj_clew", H + R1 + R2 + b"total record 0000002\n", "truncated_file", pos(line=5),
        category=SV)
hotlist("footer_leading_space", "ca_doj_clew", H + R1 + R2 + b" TOTAL RECORD 0000002\n", "truncated_file",
        pos(line=5), category=SV)
for n, count in [("count_high", b"0000005"), ("count_low", b"0000001"), ("count_zero", b"0000000"),
                 ("count_letter_o", b"00000O2"), ("count_empty", b""), ("count_negative", b"-000002"),
                 ("count_hex", b"0x00002"), ("count_spaces_inside", b"00 0002"), ("count_plus", b"+000002"),
                 ("count_huge", b"99999999999999999999999")]:
    hotlist(f"footer_{n}", "ca_doj_clew", H + R1 + R2 + b"TOTAL RECORD " + count + b"\n", "record_count_mismatch",
            pos(line=4), category=SV)
hotlist("record_after_footer", "ca_doj_clew", H + R1 + R2 + F2 + R1, "record_count_mismatch", pos(line=5),
        category=SV)
hotlist("second_footer", "ca_doj_clew", H + R1 + R2 + F2 + F2, "record_count_mismatch", pos(line=5), category=SV)
hotlist("garbage_after_blank_after_footer", "ca_doj_clew", H + R1 + R2 + F2 + b"\n\nx\n", "record_count_mismatch",
        pos(line=7), category=SV)
for n, hdr in [("no_header", R1), ("header_lowercase", b"date11/28/2026 06:00\n"),
               ("header_no_time", b"DATE11/28/2026\n"), ("header_dashes", b"DATE11-28-2026 06:00\n"),
               ("header_seconds", b"DATE11/28/2026 06:00:00\n"), ("header_two_digit_year", b"DATE11/28/26 06:00\n"),
               ("header_space_after_date_word", b"DATE 11/28/2026 06:00\n"), ("header_blank", b"   \n"),
               ("header_iso", b"DATE2026-11-28T06:00\n"), ("header_letters", b"DATEab/cd/efgh ij:kl\n"),
               ("header_fullwidth_digit", "DATE\uff111/28/2026 06:00\n".encode())]:
    hotlist(n, "ca_doj_clew", hdr + R1 + R2 + F2, "invalid_header", pos(line=1), category=SV)
for n, hdr in [("header_feb_30", b"DATE02/30/2026 06:00\n"), ("header_month_13", b"DATE13/01/2026 06:00\n"),
               ("header_hour_24", b"DATE11/28/2026 24:00\n"), ("header_minute_60", b"DATE11/28/2026 06:60\n"),
               ("header_day_zero", b"DATE11/00/2026 06:00\n"), ("header_feb_29_non_leap", b"DATE02/29/2027 06:00\n")]:
    hotlist(n, "ca_doj_clew", hdr + R1 + R2 + F2, "invalid_date", pos(line=1), category=SV)
hotlist("header_only", "ca_doj_clew", H + footer(0), "no_records", pos(line=2), category=SV)
hotlist("header_blank_lines_footer", "ca_doj_clew", H + b"\n  \n" + footer(0), "no_records", pos(line=4),
        category=SV)
hotlist("empty", "ca_doj_clew", b"", "empty_file", category=SV)
hotlist("blank", "ca_doj_clew", b"\n \r\n\t\n", "empty_file", category=SV)
hotlist("bom_only", "ca_doj_clew", b"\xef\xbb\xbf", "empty_file", category=SV)

# --- Encodings (any format): invalid_utf8 at the first bad line and its 1-based column.
for fmt, folder_head, rec in [("csv", b"plate,state\n", b"7ABC123,CA\n"),
                              ("ca_doj_clew", H, R1),
                              ("ncic_extract", b"", b"V123456789LA057020020190509AB123456  CA2009MC2009YAMACYLMCBLK\n")]:
    tag = {"csv": "csv", "ca_doj_clew": "clew", "ncic_extract": "ncic"}[fmt]
    base = folder_head + rec
    line = base.count(b"\n") + 1
    for n, bad, col in [("ff", b"8X\xffZ", 3), ("lone_continuation", b"\x80ABC", 1),
                        ("after_two_byte_char", "\u00e9A".encode() + b"\xc3\x28", 3),
                        ("truncated_at_end", b"8XYZ\xe2\x82", 5), ("surrogate", b"8X\xed\xb0\x80", 3),
                        ("overlong", b"8\xc1\xbf", 2), ("five_byte", b"\xf8\x88\x80\x80\x80", 1),
                        ("above_max", b"AB\xf4\x90\x80\x80", 3)]:
        hotlist(f"invalid_utf8_{tag}_{n}", fmt, base + bad + b"\n", "invalid_utf8", pos(line=line, column=col),
                category=SV if fmt == "ca_doj_clew" else None)
hotlist("invalid_utf8_latin1", "csv", b"plate,state,make\n7ABC123,CA,Citro\xebn\n", "invalid_utf8",
        pos(line=2, column=17))
hotlist("invalid_utf8_utf16", "csv", "plate,state\n7ABC123,CA\n".encode("utf-16"), "invalid_utf8",
        pos(line=1, column=1))
hotlist("invalid_utf8_in_header", "csv", b"pl\xe4te,state\n7ABC123,CA\n", "invalid_utf8", pos(line=1, column=3))
hotlist("invalid_utf8_after_bom", "csv", b"\xef\xbb\xbf\xffplate\n7ABC123\n", "invalid_utf8", pos(line=1, column=1))
hotlist("invalid_utf8_crlf_line_3", "csv", b"plate\r\n7ABC123\r\n\xfe\r\n", "invalid_utf8", pos(line=3, column=1))
hotlist("invalid_utf8_before_footer", "ca_doj_clew", H + R1 + b"\xc3\x28BC124 CA3420181105\n" + F2,
        "invalid_utf8", pos(line=3, column=1), category=SV)

# --- CSV: whole-file failures.
hotlist("empty", "csv", b"", "empty_file")
hotlist("blank_lines", "csv", b"\r\n\n  \n", "empty_file")
hotlist("bom_and_blank", "csv", b"\xef\xbb\xbf \n\t\n", "empty_file")
hotlist("header_only", "csv", b"plate,state,category\r\n", "no_records", pos(line=1))
hotlist("header_only_after_blank_lines", "csv", b"\n\nplate\n", "no_records", pos(line=3))
hotlist("header_and_blank_records", "csv", b"plate,state\n\n \n", "no_records", pos(line=1))
hotlist("header_quoted_multiline_only", "csv", b"\"pla\nte\",state\n", "missing_column", pos(line=1))
for n, hdr, line in [("missing_column", b"state,category\n", 1), ("missing_column_plates", b"plates,state\n", 1),
                     ("missing_column_after_blank", b"\n\nstate\n", 3), ("missing_column_quoted", b"\"pl ate\",state\n", 1),
                     ("missing_column_fullwidth", "\uff50late,state\n".encode(), 1),
                     ("missing_column_tab_separated", b"plate\tstate\n", 1),
                     ("missing_column_semicolons", b"plate;state\n", 1)]:
    hotlist(n, "csv", hdr + b"7ABC123,CA\n", "missing_column", pos(line=line))
for n, hdr in [("duplicate_column", b"plate,state,STATE\n"), ("duplicate_plate", b"plate,Plate\n"),
               ("duplicate_alias", b"plate,state,jurisdiction\n"), ("duplicate_type_alias", b"plate,type,plate_type\n"),
               ("duplicate_empty_named", b"plate,,column2\n"), ("header_nul", b"plate,st\0ate\n"),
               ("header_bad_quote", b"plate,\"state\n"), ("header_quote_then_text", b"plate,\"state\"x\n"),
               ("header_quote_inside", b"plate,sta\"te\n"), ("duplicate_after_trim", b"plate, state ,state\n")]:
    hotlist(n, "csv", hdr + b"7ABC123,CA\n", "invalid_header", pos(line=1))
hotlist("long_header", "csv", b"plate," + b"x" * 9000 + b"\n7ABC123,y\n", "line_too_long", pos(line=1))
hotlist("long_quoted_header", "csv", b"plate,\"" + b"x" * 9000 + b"\"\n7ABC123,y\n", "line_too_long", pos(line=1))

# --- Records rejected one by one: each file has good records and one or more bad ones, so the
# built-in policy (max_rejected_fraction 0.01) refuses it as a whole with `too_many_rejected`,
# which has no position; the lenient pass gives each rejection's line, column and character.


def csv_case(name, header, bad_rows, rejected, list_kind="standard", policy=None, good_rows=None,
             error="too_many_rejected"):
    """A CSV file: header, one good row, the bad rows (lines 3…), and another good row."""
    cols = header.split(",")
    good = good_rows or []
    if not good:
        for plate in ("1GOOD01", "1GOOD02"):
            row = []
            for c in cols:
                c = c.strip().lower()
                row.append({"plate": plate, "pattern": "", "state": "CA", "jurisdiction": "CA", "type": "PC",
                            "plate_type": "PC", "category": SV}.get(c, ""))
            good.append(",".join(row))
    text = header + "\n" + good[0] + "\n" + "".join(r + "\n" for r in bad_rows) + good[1] + "\n"
    hotlist(name, "csv", text.encode("utf-8"), error, rejected=rejected, list_kind=list_kind, policy=policy)


# Plate normalization inside a CSV cell: code, column of the plate field and the character index
# within the field's value (the cell without surrounding blanks).
for cls in ["slash", "heart", "cjk", "lrm", "combining_acute", "esc", "car_emoji",
            "fullwidth_bang", "arabic_indic_3", "cyr_i", "star", "question"]:
    ch = chr(INVALID[cls])
    for k, (pre, post) in enumerate([("", "ABC12"), ("7AB", "12"), ("7\u3000A\u2010B", "1")]):
        plate = pre + ch + post
        if ch in '",\n':
            plate = '"' + plate.replace('"', '""') + '"'
        csv_case(f"plate_invalid_{cls}_{k}", "plate,state", [f"{plate},CA"],
                 [(3, 1, len(pre), "invalid_character")])
csv_case("plate_invalid_second_column", "state,plate,category", ["CA,7A/B,stolen_vehicle"],
         [(3, 2, 2, "invalid_character")])
csv_case("plate_invalid_fifth_column", "state,type,category,make,plate", ["CA,PC,other,Ford,AB%1"],
         [(3, 5, 2, "invalid_character")])
csv_case("plate_invalid_quoted_comma", "plate,state", ['"7AB,12",CA'], [(3, 1, 3, "invalid_character")])
csv_case("plate_invalid_leading_blanks_trimmed", "plate,state", ["  7A/B,CA"], [(3, 1, 2, "invalid_character")])
for n, plate in [("eleven", "ABCDEFGHIJK"), ("eleven_separated", "AB-CD-EF-GH-IJ-K"),
                 ("raw_65_bytes", "A" * 65), ("fullwidth_eleven", "\uff21" * 11)]:
    csv_case(f"plate_too_long_{n}", "plate,state", [f"{plate},CA"], [(3, 1, None, "too_long")])
for n, plate in [("blank", ""), ("spaces", "   "), ("separators", "-.-"), ("ideographic_space", "\u3000"),
                 ("zero_width", "\u200b\ufeff"), ("quoted_empty", '""')]:
    csv_case(f"plate_empty_{n}", "plate,state", [f"{plate},CA"], [(3, 1, None, "empty")])
for p in ["UNK", "UNKN", "UNKNOWN", "NONE", "NOPLATE", "NOTAG", "NA", "TEMP", "unk", "U-N-K", "N.A.",
          "No Plate", "\uff34\uff25\uff2d\uff30", "\u039d\u0391"]:
    tag = p.encode("unicode_escape").decode().replace("\\", "").replace(".", "dot").replace(" ", "_").replace("-", "_")
    csv_case(f"placeholder_{tag}", "plate,state", [f"{p},CA"], [(3, 1, None, "placeholder_plate")])
for n, state in [("unknown", "XX"), ("three_letters", "CAL"), ("one_letter", "C"), ("digits", "12"),
                 ("fullwidth", "\uff23\uff21"), ("mexico", "MX")]:
    csv_case(f"jurisdiction_{n}", "plate,state", [f"8ABC123,{state}"], [(3, 2, None, "invalid_jurisdiction")])
csv_case("jurisdiction_column_alias", "jurisdiction,plate", ["ZZ,8ABC123"], [(3, 1, None, "invalid_jurisdiction")])
for n, t in [("three_chars", "PCX"), ("one_char", "P"), ("punctuation", "P/"), ("accented", "P\u00c9")]:
    csv_case(f"plate_type_{n}", "plate,state,type", [f"8ABC123,CA,{t}"], [(3, 3, None, "invalid_plate_type")])
csv_case("plate_type_alias_column", "plate_type,plate", ["ABC,8ABC123"], [(3, 1, None, "invalid_plate_type")])
for n, cat in [("unknown", "stolen_bicycle"), ("upper_case", "STOLEN VEHICLE"), ("ncic_letter", "V"),
               ("number", "3"), ("terrorist", "terrorist")]:
    csv_case(f"category_{n}", "plate,state,category", [f"8ABC123,CA,{cat}"], [(3, 3, None, "invalid_category")])
for n, d in [("feb_30", "2026-02-30T00:00:00Z"), ("no_zone", "2026-12-01T00:00:00"), ("date_only", "2026-12-01"),
             ("words", "tomorrow"), ("month_13", "2026-13-01T00:00:00Z"), ("hour_25", "2026-12-01T25:00:00Z")]:
    csv_case(f"expires_at_{n}", "plate,state,expires_at", [f"8ABC123,CA,{d}"], [(3, 3, None, "invalid_date")])
for n, cell, col in [("make_equals", "8ABC123,CA,=HYPERLINK(1),,", 3), ("model_plus", "8ABC123,CA,,+1,", 4),
                     ("color_minus", "8ABC123,CA,,,-2+3", 5), ("make_at", "8ABC123,CA,@SUM(A1),,", 3),
                     ("make_leading_space", '8ABC123,CA," =1",,', 3), ("make_tab", '8ABC123,CA,"\t=1",,', 3),
                     ("make_cr", '8ABC123,CA,"\r=1",,', 3)]:
    csv_case(f"formula_{n}", "plate,state,make,model,color", [cell], [(3, col, None, "formula_injection")])
csv_case("formula_record_id", "plate,record_id", ["8ABC123,=1+1"], [(3, 2, None, "formula_injection")])
csv_case("formula_attribute", "plate,notes", ["8ABC123,@cmd"], [(3, 2, None, "formula_injection")])
for n, row, col in [("year_letters", "8ABC123,CA,19x9", 3), ("year_five_digits", "8ABC123,CA,20001", 3),
                    ("year_negative", "8ABC123,CA,-1", 3), ("year_decimal", "8ABC123,CA,2001.5", 3)]:
    csv_case(f"field_{n}", "plate,state,year", [row], [(3, col, None, "invalid_field")])
# A NUL in a field with a rule fails that rule (R-LIST-6): R-NORM-5 names NUL among the characters
# a plate refuses; a NUL in a state is not a jurisdiction. Free-text cells give `invalid_field`.
csv_case("field_nul_in_state", "plate,state", ["8ABC123,C\0A"], [(3, 2, None, "invalid_jurisdiction")])
csv_case("field_nul_in_plate", "plate,state", ["8AB\0C123,CA"], [(3, 1, 3, "invalid_character")])
csv_case("field_nul_in_notes", "plate,notes", ["8ABC123,a\0b"], [(3, 2, None, "invalid_field")])
for n, row, col in [("surplus_field", "8ABC123,CA,,x", 4), ("unclosed_quote", '"8ABC123,CA', 1),
                    ("quote_inside", '8AB"C123,CA', 1), ("text_after_quote", '"8ABC123"x,CA', 1),
                    ("quote_in_second", '8ABC123,C"A', 2), ("plate_and_pattern", "8ABC123,CA,8AB*", 1)]:
    header = "plate,state,pattern" if n == "plate_and_pattern" else "plate,state"
    bad = [row]
    csv_case(f"field_{n}", header, bad, [(3, col, None, "invalid_field")],
             list_kind="special" if n == "plate_and_pattern" else "standard")
csv_case("field_long_quoted_record", "plate,notes", ['8XYZ999,"' + "n" * 9000 + '"'], [(3, 2, None, "line_too_long")])
csv_case("field_long_unquoted_record", "plate,notes", ["8XYZ999," + "n" * 9000], [(3, 2, None, "line_too_long")])

# Patterns: a `standard` list takes none (NCIC forbids partial plates); a special list checks
# R-MATCH-6; the column is the pattern field, the character the index within it.
for n, p in [("star", "7AB*"), ("question", "7AB?123"), ("both", "?AB*"), ("too_broad_too", "*")]:
    csv_case(f"pattern_in_standard_{n}", "pattern,state", [f"{p},CA"], [(3, 1, None, "pattern_not_allowed")],
             good_rows=["1GOOD01,CA", "1GOOD02,CA"])
for n, p, code, ch in [("too_broad_star", "AB*", "pattern_too_broad", None),
                       ("too_broad_questions", "A??B", "pattern_too_broad", None),
                       ("three_stars", "A*B*C*D", "invalid_pattern", None),
                       ("eleven_positions", "ABCDEFGHIJ?", "invalid_pattern", None),
                       ("invalid_character", "7A/B*", "invalid_character", 2),
                       ("invalid_character_after_wide", "\u3000\uff21B\u2665C*", "invalid_character", 2),
                       ("too_long_plain", "ABCDEFGHIJK", "too_long", None),
                       ("placeholder_plain", "UNKNOWN", "placeholder_plate", None)]:
    csv_case(f"pattern_special_{n}", "state,pattern", [f"CA,{p}"], [(3, 2, ch, code)], list_kind="special",
             good_rows=["CA,1GOOD01", "CA,1GO?D02"])

# R-LIST-8: a forbidden category is excluded and reported, but is not a defect of the file: the
# load succeeds (error null) however many such records there are.
NO_IMM = {"forbidden_categories": ["immigration_violator"]}
hotlist("category_forbidden_excluded", "csv",
        b"plate,state,category\n1GOOD01,CA,stolen_vehicle\n8ABC123,CA,immigration_violator\n"
        b"8ABC124,CA,immigration_violator\n",
        None, rejected=[(3, 3, None, "category_forbidden"), (4, 3, None, "category_forbidden")], policy=NO_IMM)
hotlist("category_forbidden_third_column_of_five", "csv",
        b"make,plate,category,state,notes\nFord,1GOOD01,,CA,\nFord,8ABC123,immigration_violator,CA,ok\n",
        None, rejected=[(3, 3, None, "category_forbidden")], policy=NO_IMM)
hotlist("category_forbidden_and_defect", "csv",
        b"plate,state,category\n1GOOD01,CA,stolen_vehicle\n8ABC123,CA,immigration_violator\nUNK,CA,\n",
        "too_many_rejected", rejected=[(3, 3, None, "category_forbidden"), (4, 1, None, "placeholder_plate")],
        policy=NO_IMM)

# Several bad records in one file: every one reported, in file order, blank lines counted.
hotlist("many_rejections", "csv",
        b"plate,state,year,expires_at\n"
        b"7ABC121,CA,19x9,\n"
        b"7ABC122,CA,,2026-02-30T00:00:00Z\n"
        b"\n"
        b"\"7ABC123,CA,,\n"
        b"7ABC124,C\x00A,,\n"
        b"7ABC125,CA,,,,surplus\n"
        b"7A#C126,ZZ,,\n"
        b"7ABC127,CA,2001,\n",
        "too_many_rejected",
        rejected=[(2, 3, None, "invalid_field"), (3, 4, None, "invalid_date"), (5, 1, None, "invalid_field"),
                  (6, 2, None, "invalid_jurisdiction"), (7, 6, None, "invalid_field"), (8, 1, 2, "invalid_character")])
hotlist("quoted_newlines_shift_lines", "csv",
        b"plate,notes\n1GOOD01,\"a\nb\nc\"\n8A/B,x\n1GOOD02,\n", "too_many_rejected",
        rejected=[(5, 1, 2, "invalid_character")])

# --- CLEW records.


def clew_case(name, bad_lines, rejected, good=(R1, R2), policy=None, error="too_many_rejected"):
    body = good[0] + b"".join(bad_lines) + good[1]
    n = 2 + sum(1 for b in bad_lines if b.strip())
    hotlist(name, "ca_doj_clew", H + body + footer(n), error, rejected=rejected, category=SV, policy=policy)


for n, rec, col in [("short_19", b"7ABC124 CA342018110", 20), ("short_plate_only", b"7ABC124", 8),
                    ("short_one_char", b"7", 2), ("short_multibyte", "7\u00c9BC124 CA34201811".encode(), 19)]:
    clew_case(f"short_record_{n}", [rec + b"\n"], [(3, col, None, "short_record")])
for n, date in [("feb_30", b"20260230"), ("month_13", b"20261301"), ("letters", b"2018ab05"),
                ("day_zero", b"20181100"), ("spaces_inside", b"2018 105"), ("feb_29_2027", b"20270229")]:
    clew_case(f"invalid_date_{n}", [b"7ABC124 CA34" + date + b"\n"], [(3, 13, None, "invalid_date")])
for n, county in [("equals", b"=1"), ("plus", b"+1"), ("minus", b"-1"), ("at", b"@1")]:
    clew_case(f"formula_county_{n}", [b"7ABC124 CA" + county + b"20181105\n"], [(3, 11, None, "formula_injection")])
clew_case("line_too_long", [b"7ABC124 CA3420181105" + b" " * 300 + b"X\n"], [(3, 257, None, "line_too_long")])
clew_case("line_too_long_multibyte", [b"7ABC124 CA3420181105" + "\u00e9".encode() * 120 + b"\n"],
          [(3, 257, None, "line_too_long")])
# A NUL fails the rule of the field it is in: the plate's (R-NORM-5), the date's; the county is
# free text.
for n, rec, rej in [("nul_in_plate", b"7ABC\x00124CA3420181105", (3, 1, 4, "invalid_character")),
                    ("nul_first", b"\x00ABC124 CA3420181105", (3, 1, 0, "invalid_character")),
                    ("nul_in_date", b"7ABC124 CA342018\x00105", (3, 13, None, "invalid_date")),
                    ("nul_in_county", b"7ABC124 CA3\x0020181105", (3, 12, None, "invalid_field"))]:
    clew_case(f"{n}", [rec + b"\n"], [rej])
for n, plate, ch in [("slash", b"7AB/124 ", 3), ("star", b"7ABC12* ", 6), ("question", b"?ABC124 ", 0),
                     ("hash_leading_space", b" 7A#124 ", 2)]:
    clew_case(f"plate_invalid_{n}", [plate + b"CA3420181105\n"], [(3, 1, ch, "invalid_character")])
clew_case("plate_invalid_multibyte_column_shift", ["7\u00c9BC124 CA3420181105\n".encode()],
          [(3, 1, 1, "invalid_character")])
for p in [b"UNK     ", b"NONE    ", b"NOPLATE ", b"TEMP    ", b"UNKNOWN "]:
    clew_case(f"placeholder_{p.strip().decode().lower()}", [p + b"CA3420181105\n"], [(3, 1, None, "placeholder_plate")])
clew_case("plate_blank", [b"        CA3420181105\n"], [(3, 1, None, "empty")])
for n, st in [("unknown", b"XX"), ("digits", b"12"), ("mexico", b"MX")]:
    clew_case(f"jurisdiction_{n}", [b"7ABC124 " + st + b"3420181105\n"], [(3, 9, None, "invalid_jurisdiction")])
clew_case("many_rejections", [b"7ABC124 CA3420260230\n", b"UNK     CA3420181105\n", b"7ABC125 CA342026011\n",
                              b"\n", b"7AB/125 CA3420181105\n"],
          [(3, 13, None, "invalid_date"), (4, 1, None, "placeholder_plate"), (5, 20, None, "short_record"),
           (7, 1, 3, "invalid_character")])

# --- NCIC extract records (columns 0-based: NIC 0–9, ORI 10–18, date 19–26, plate 27–36,
# state 37–38, LIY 39–42, LIT 43–44, year 45–48, make 49–52, model 53–55, style 56–57, color 58…).
NCIC = "V123456789LA057020020190509AB123456  CA2009MC2009YAMACYLMCBLK"
assert len(NCIC) == 61


def ncic_set(rec, start, text):
    return rec[:start] + text + rec[start + len(text):]


def ncic_case(name, bad_lines, rejected, policy=None, error="too_many_rejected"):
    good1 = ncic_set(NCIC, 27, "1GOOD01   ")
    good2 = ncic_set(NCIC, 27, "1GOOD02   ")
    text = good1 + "\n" + "".join(b + "\n" for b in bad_lines) + good2 + "\n"
    hotlist(name, "ncic_extract", text.encode("utf-8"), error, rejected=rejected, policy=policy)


for n, length in [("38", 38), ("30", 30), ("1", 1), ("10", 10)]:
    ncic_case(f"short_record_{n}", [NCIC[:length]], [(2, length + 1, None, "short_record")])
ncic_case("short_record_multibyte", ["V\u00e9" + NCIC[2:38]], [(2, 39, None, "short_record")])
for code in "BDEGIJOQSUYZ0#":
    ncic_case(f"invalid_category_{'digit0' if code == '0' else 'hash' if code == '#' else code}",
              [ncic_set(NCIC, 0, code)], [(2, 1, None, "invalid_category")])
ncic_case("invalid_category_blank_nic", [ncic_set(NCIC, 0, " " * 10)], [(2, 1, None, "invalid_category")])
ncic_case("invalid_category_lowercase", [ncic_set(NCIC, 0, "v")], [(2, 1, None, "invalid_category")])
for n, d in [("feb_30", "20190230"), ("month_00", "20190009"), ("letters", "2019O509"), ("short", "2019059 ")]:
    ncic_case(f"invalid_date_{n}", [ncic_set(NCIC, 19, d)], [(2, 20, None, "invalid_date")])
for n, y in [("letters", "20O9"), ("sign", "+200"), ("inner_space", "20 9")]:
    ncic_case(f"invalid_year_{n}", [ncic_set(NCIC, 45, y)], [(2, 46, None, "invalid_field")])
for n, start, text, col in [("ori", 10, "=LA057020", 11), ("liy", 39, "+009", 40), ("make", 49, "@SUM", 50),
                            ("model", 53, "-1-", 54), ("style", 56, "=1", 57), ("color", 58, "=BLK", 59),
                            ("ori_after_space", 10, " =A05702", 11)]:
    ncic_case(f"formula_{n}", [ncic_set(NCIC, start, text)], [(2, col, None, "formula_injection")])
ncic_case("line_too_long", [NCIC + "X" * 200], [(2, 257, None, "line_too_long")])
ncic_case("nul_in_make", [ncic_set(NCIC, 50, "\0")], [(2, 51, None, "invalid_field")])
ncic_case("nul_in_plate", [ncic_set(NCIC, 29, "\0")], [(2, 28, 2, "invalid_character")])
ncic_case("nul_in_state", [ncic_set(NCIC, 38, "\0")], [(2, 38, None, "invalid_jurisdiction")])
for n, plate, ch in [("slash", "AB/23456  ", 2), ("heart", "AB\u2665456   ", 2), ("star", "AB12*     ", 4),
                     ("inner_nbsp_then_hash", "AB\u00a01#    ", 4)]:
    ncic_case(f"plate_invalid_{n}", [ncic_set(NCIC, 27, plate)], [(2, 28, ch, "invalid_character")])
for p in ["UNK       ", "NOTAG     ", "NA        "]:
    ncic_case(f"placeholder_{p.strip().lower()}", [ncic_set(NCIC, 27, p)], [(2, 28, None, "placeholder_plate")])
ncic_case("plate_blank", [ncic_set(NCIC, 27, " " * 10)], [(2, 28, None, "empty")])
for n, st in [("unknown", "XX"), ("digits", "12"), ("zero_zero", "00")]:
    ncic_case(f"jurisdiction_{n}", [ncic_set(NCIC, 37, st)], [(2, 38, None, "invalid_jurisdiction")])
for n, lit in [("punctuation", "M/"), ("symbol", "M\u2665")]:
    ncic_case(f"plate_type_{n}", [ncic_set(NCIC, 43, lit)], [(2, 44, None, "invalid_plate_type")])
ncic_case("category_forbidden_counts_not", [ncic_set(NCIC, 0, "N")], [(2, 1, None, "category_forbidden")],
          policy=NO_IMM, error=None)
ncic_case("many_rejections",
          [NCIC[:30], "", ncic_set(NCIC, 19, "20190230"), ncic_set(NCIC, 0, "Q"), ncic_set(NCIC, 49, "@SUM")],
          [(2, 31, None, "short_record"), (4, 20, None, "invalid_date"), (5, 1, None, "invalid_category"),
           (6, 50, None, "formula_injection")])
hotlist("empty", "ncic_extract", b"", "empty_file")
hotlist("blank_lines", "ncic_extract", b"\n\n \r\n", "empty_file")


# --- Lists handed over as JSON (the conformance vectors' shape, `alpr_registry_load_json`,
# `Registry.load_list`): rejections carry the record's 0-based `index` (and the character of a
# bad plate); JSON that is not such a list is `invalid_argument` at the line and column where
# the parser stopped.

def json_list(name, entries, rejected, list_kind="standard", policy=None, error="too_many_rejected", text=None):
    if text is None:
        good = [{"plate": "1GOOD01", "jurisdiction": "CA"}, {"plate": "1GOOD02", "jurisdiction": "CA"}]
        body = {"id": "L", "kind": list_kind, "priority": 10, "loaded_at": "2027-01-15T08:00:01Z",
                "entries": good[:1] + entries + good[1:]}
        text = json.dumps(body, indent=1, ensure_ascii=False) + "\n"
    path = f"json/{name}.json"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    c = {"name": path[:-5], "kind": "hotlist_json", "file": path, "list_kind": list_kind, "error": error,
         "position": {}}
    if policy:
        c["policy"] = policy
    if rejected is not None:
        c["rejected"] = [[None, None, ch, i, code] for i, ch, code in rejected]
    add(c)


for n, entry, ch, code, kind in [
    ("placeholder", {"plate": "UNK"}, None, "placeholder_plate", "standard"),
    ("invalid_character", {"plate": "7AB/123"}, 3, "invalid_character", "standard"),
    ("invalid_character_wide", {"plate": "\u3000\uff21\u2665"}, None, "invalid_character", "standard"),
    ("too_long", {"plate": "ABCDEFGHIJK"}, None, "too_long", "standard"),
    ("no_plate", {"jurisdiction": "CA"}, None, "empty", "standard"),
    ("blank_plate", {"plate": " - "}, None, "empty", "standard"),
    ("plate_and_pattern", {"plate": "7ABC123", "pattern": "7AB*"}, None, "invalid_field", "special"),
    ("pattern_in_standard", {"pattern": "7AB*"}, None, "pattern_not_allowed", "standard"),
    ("pattern_too_broad", {"pattern": "7*"}, None, "pattern_too_broad", "special"),
    ("invalid_pattern", {"pattern": "A*B*C*D"}, None, "invalid_pattern", "special"),
    ("pattern_invalid_character", {"pattern": "7A%?"}, 2, "invalid_character", "special"),
    ("jurisdiction", {"plate": "7ABC123", "jurisdiction": "XX"}, None, "invalid_jurisdiction", "standard"),
    ("plate_type", {"plate": "7ABC123", "plate_type": "PCX"}, None, "invalid_plate_type", "standard"),
    ("category", {"plate": "7ABC123", "category": "stolen_bicycle"}, None, "invalid_category", "standard"),
    ("incident_date", {"plate": "7ABC123", "incident_date": "2026-02-30"}, None, "invalid_date", "standard"),
    ("incident_date_compact", {"plate": "7ABC123", "incident_date": "20261301"}, None, "invalid_date", "standard"),
    ("expires_at", {"plate": "7ABC123", "expires_at": "2026-12-01"}, None, "invalid_date", "standard"),
]:
    if n == "invalid_character_wide":
        ch = 1  # U+3000 is trimmed as blank: the heart is the second character of the rest
    json_list(f"record_{n}", [entry], [(1, ch, code)], list_kind=kind)
json_list("category_forbidden", [{"plate": "7ABC123", "category": "immigration_violator"}],
          [(1, None, "category_forbidden")], policy=NO_IMM, error=None)
json_list("several", [{"plate": "UNK"}, {"plate": "8ABC123"}, {"plate": "8AB.C/3"}, {"pattern": "8AB?"}],
          [(1, None, "placeholder_plate"), (3, 5, "invalid_character"), (4, None, "pattern_not_allowed")])

GOOD_JSON = '{"id": "L", "kind": "standard", "priority": 10, "loaded_at": "2027-01-15T08:00:01Z", "entries": []}'
def end_of(text, token):
    """1-based column of the last character of `token` in a one-line text."""
    return text.index(token) + len(token)


# serde_json stops at the last character it read: the end of a bad value, or the character before
# an unexpected one (never column 0: the first column is 1).
J = GOOD_JSON
for n, text, line, col in [
    ("not_an_object", "[1, 2]\n", 1, 2),  # read as the fields in order: `1` is not an id
    ("trailing_characters", J + " x\n", 1, len(J) + 2),
    ("cut_off", J[:40], 1, 40),
    ("empty_text", "", 1, 1),
    ("bare_word", "list\n", 1, 1),
    ("unquoted_key", "{id: 1}\n", 1, 2),
    ("second_line_syntax", '{"id": "L",\n "kind": standard}\n', 2, 10),
    ("unknown_kind", J.replace('"standard"', '"urgent"'), 1, end_of(J.replace('"standard"', '"urgent"'), '"urgent"')),
    ("missing_id", J.replace('"id": "L", ', ""), 1, len(J) - 11),
    ("priority_text", J.replace("10", '"10"'), 1, end_of(J.replace("10", '"10"'), '"10"')),
    ("priority_300", J.replace("10", "300"), 1, end_of(J.replace("10", "300"), "300")),
    ("impossible_loaded_at", J.replace("2027-01-15", "2027-02-30"), 1, end_of(J, '"2027-01-15T08:00:01Z"')),
    ("entries_not_array", J.replace("[]", "{}"), 1, J.index("[]")),
    ("entry_plate_number", J.replace("[]", '[{"plate": 7}]'), 1, end_of(J.replace("[]", '[{"plate": 7}]'), ": 7")),
    ("kind_on_line_2", J.replace(", ", ",\n ").replace('"standard"', '"urgent"'), 2, 17),
]:
    json_list(f"invalid_{n}", None, None, error="invalid_argument", text=text)
    cases[-1]["position"] = pos(line=line, column=col)
json_list("no_valid_entries", [{"plate": "UNK"}], [(1, None, "placeholder_plate")])

# ---------------------------------------------------------------------------------------------
# Audit files (R-AUDIT-2): one JSON line per record, `{"sequence","hash","record"}`, the hash
# SHA-256(previous hash || canonical(sequence, record)), written here without the library.

CODE_NUMBERS = {"no_clearance": 403, "purpose_required": 405, "action_not_permitted": 404}


def record(i):
    r = collections.OrderedDict()
    r["time"] = "2026-11-28T20:%02d:%02d.%03dZ" % (i // 60, i % 60, (i * 7) % 1000)
    r["user"] = f"officer{i % 3}"
    r["agency"] = "SPD"
    r["action"] = "query_detections" if i % 2 else "hot_list_load"
    r["purpose"] = "investigation" if i % 2 else None
    r["case_number"] = f"26-{1000 + i}" if i % 3 == 0 else None
    r["query_terms"] = "7AB*" if i % 2 else None
    r["outcome"] = "deny" if i == 3 else "allow" if i % 2 else "ok"
    r["reasons"] = ["no_clearance"] if i == 3 else []
    r["details"] = collections.OrderedDict(sorted({"list": "SVS", "records": str(10 * i)}.items())) if i % 2 == 0 else {}
    return r


def millis(t):
    import datetime
    d = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(d.timestamp() * 1000)


def canonical(seq, r):
    out = bytearray(b"alpr-audit-v1")
    out += struct.pack(">Q", seq)
    out += struct.pack(">q", millis(r["time"]))

    def s(v):
        b = v.encode()
        out.extend(struct.pack(">I", len(b)) + b)

    def o(v):
        if v is None:
            out.append(0)
        else:
            out.append(1)
            s(v)

    s(r["user"]), s(r["agency"]), s(r["action"])
    o(r["purpose"]), o(r["case_number"]), o(r["query_terms"])
    s(r["outcome"])
    out += struct.pack(">I", len(r["reasons"]))
    for c in r["reasons"]:
        out += struct.pack(">I", CODE_NUMBERS[c])
    out += struct.pack(">I", len(r["details"]))
    for k, v in r["details"].items():
        s(k), s(v)
    return bytes(out)


def chain(records, start_seq=1):
    """The lines (bytes, newline included) and the head of records chained from the empty log."""
    prev = bytes(32)
    lines = []
    for k, r in enumerate(records):
        seq = start_seq + k
        prev = hashlib.sha256(prev + canonical(seq, r)).digest()
        line = json.dumps({"sequence": seq, "hash": prev.hex(), "record": r}, separators=(",", ":"),
                          ensure_ascii=False)
        lines.append(line.encode() + b"\n")
    return lines, (start_seq + len(records) - 1, prev.hex())


RECORDS = [record(i) for i in range(1, 7)]
GOOD, HEAD = chain(RECORDS)


def audit(name, data, error, position=None, head=None):
    path = f"audit/{name}.jsonl"
    with open(path, "wb") as f:
        f.write(data)
    c = {"name": path[:-6], "kind": "audit", "file": path, "error": error, "position": position or {}}
    if head:
        c["head"] = list(head)
    add(c)


good = b"".join(GOOD)
audit("good", good, None)
audit("good_with_head", good, None, head=HEAD)
# A torn last record: the file ends inside a line (a crash mid-write). Cut at many bytes of the
# last line; the open refuses the file (it has no position: the whole tail is in doubt).
last = GOOD[-1]
for cut in [1, 2, 3, 10, 40, 100, len(last) // 2, len(last) - 2, len(last) - 1]:
    audit(f"torn_last_minus_{cut}", good[:-cut], "audit_torn_record")
audit("torn_nul_tail", good + b"\0" * 64, "audit_torn_record")
audit("torn_partial_json", good + b'{"sequence":7,"ha', "audit_torn_record")
audit("torn_single_byte", b"{", "audit_torn_record")
# A cut exactly at a line end: the shorter log verifies on its own, but not against the head
# exported before the cut.
for keep in [5, 3, 1, 0]:
    audit(f"truncated_to_{keep}", b"".join(GOOD[:keep]), "audit_truncated", head=HEAD)
# Any change, insertion, deletion or reordering: the first record whose sequence or hash does not
# hold, by 0-based index.


def edited(i, field, value):
    r = dict(RECORDS[i])
    r[field] = value
    lines = list(GOOD)
    obj = json.loads(lines[i])
    obj["record"] = r
    lines[i] = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
    return b"".join(lines)


for i, field, value in [(0, "user", "officer9"), (2, "outcome", "allow"), (2, "reasons", []),
                        (4, "purpose", "curiosity"), (5, "time", "2026-11-28T20:00:06.043Z"),
                        (1, "details", {"list": "SVS", "records": "21"}), (3, "case_number", "26-9999"),
                        (5, "query_terms", "8XYZ*")]:
    audit(f"broken_edit_{i}_{field}", edited(i, field, value), "audit_chain_broken", pos(index=i))
audit("broken_swap_2_3", b"".join(GOOD[:2] + [GOOD[3], GOOD[2]] + GOOD[4:]), "audit_chain_broken", pos(index=2))
audit("broken_delete_1", b"".join(GOOD[:1] + GOOD[2:]), "audit_chain_broken", pos(index=1))
audit("broken_delete_first", b"".join(GOOD[1:]), "audit_chain_broken", pos(index=0))
audit("broken_duplicate_3", b"".join(GOOD[:4] + [GOOD[3]] + GOOD[4:]), "audit_chain_broken", pos(index=4))
audit("broken_insert_foreign", b"".join(GOOD[:2] + chain([record(40)], 3)[0] + GOOD[2:]), "audit_chain_broken",
      pos(index=2))
audit("broken_hash_flipped", good.replace(HEAD[1].encode(), HEAD[1][:-1].encode() + (b"0" if HEAD[1][-1] != "0" else b"1")),
      "audit_chain_broken", pos(index=5))
# A chain rebuilt after an edit verifies on its own; only the exported head finds it.
rebuilt, _ = chain([RECORDS[0], dict(RECORDS[1], user="someone_else")] + RECORDS[2:])
audit("rebuilt_chain", b"".join(rebuilt), None)
audit("rebuilt_chain_with_head", b"".join(rebuilt), "audit_chain_broken", pos(index=5), head=HEAD)
# Lines that do not parse or are not in the canonical form: index and 1-based line.
for i, n, mangle in [
    (2, "garbage", lambda l: b"not json\n"),
    (2, "blank_line", lambda l: b"\n"),
    (0, "bom", lambda l: b"\xef\xbb\xbf" + l),
    (3, "hash_upper_case", lambda l: l.replace(l[l.index(b'"hash":"') + 8:l.index(b'"hash":"') + 72],
                                              l[l.index(b'"hash":"') + 8:l.index(b'"hash":"') + 72].upper())),
    (3, "hash_short", lambda l: re.sub(rb'"hash":"([0-9a-f]{62})[0-9a-f]{2}"', rb'"hash":"\1"', l)),
    (1, "space_after_colon", lambda l: l.replace(b'"sequence":', b'"sequence": ', 1)),
    (1, "crlf", lambda l: l[:-1] + b"\r\n"),
    (4, "unknown_field", lambda l: l.replace(b'{"sequence"', b'{"x":1,"sequence"', 1)),
    (4, "unknown_record_field", lambda l: l.replace(b'"record":{', b'"record":{"extra":null,', 1)),
    (5, "time_without_millis", lambda l: re.sub(rb'\.\d{3}Z"', b'Z"', l, count=1)),
    (5, "time_with_offset", lambda l: re.sub(rb'(\.\d{3})Z"', rb'\1+00:00"', l, count=1)),
    (0, "keys_reordered", lambda l: json.dumps(dict(reversed(list(json.loads(l).items()))),
                                               separators=(",", ":")).encode() + b"\n"),
    (2, "invalid_utf8", lambda l: l.replace(b"SPD", b"S\xffD", 1)),
    (2, "escaped_ascii", lambda l: l.replace(b"SPD", b"\\u0053PD", 1)),
    (1, "sequence_string", lambda l: l.replace(b'"sequence":2', b'"sequence":"2"', 1)),
    (1, "unknown_outcome", lambda l: re.sub(rb'"outcome":"[a-z_]+"', b'"outcome":"maybe"', l, count=1)),
    (2, "unknown_reason", lambda l: l.replace(b'"no_clearance"', b'"no_reason"', 1)),
    (0, "nul_inside", lambda l: l.replace(b"SPD", b"S\x00D", 1)),
]:
    lines = list(GOOD)
    lines[i] = mangle(lines[i])
    assert lines[i] != GOOD[i], n
    assert lines[i].endswith(b"\n") and lines[i].count(b"\n") == 1, n
    audit(f"unreadable_{n}", b"".join(lines), "audit_chain_broken", pos(line=i + 1, index=i))
audit("unreadable_trailing_blank_line", good + b"\n", "audit_chain_broken", pos(line=7, index=6))
# A sequence number that skips: the record's sequence does not follow its predecessor's.
skipped, _ = chain(RECORDS[:3])
skipped += chain(RECORDS[3:], 5)[0]
audit("broken_sequence_gap", b"".join(skipped), "audit_chain_broken", pos(index=3))
restart, _ = chain(RECORDS[:3])
restart += chain(RECORDS[3:])[0]
audit("broken_sequence_restart", b"".join(restart), "audit_chain_broken", pos(index=3))


# ---------------------------------------------------------------------------------------------
# Manifests.

with open("manifest.json", "w") as f:
    json.dump({"cases": cases}, f, indent=1, ensure_ascii=True)
    f.write("\n")


def num(p, k):
    return str(p.get(k, -1))


with open("manifest.txt", "w") as f:
    f.write("# Generated by make_corpus.py from the same cases as manifest.json; read by tests/c/test_corpus.c.\n"
            "# S kind name hex|- surfaces code|ok line column character index\n"
            "# H name file format list_kind category|- policy-json-hex|- code|ok line column character index nrejected\n"
            "# R line column character index code   (nrejected lines after an H or J: under max_rejected_fraction 1.0)\n"
            "# J name file list_kind policy-json-hex|- code|ok line column character index nrejected   (a list as JSON)\n"
            "# A name file head-sequence|- head-hash|- code|ok line column character index\n"
            "# Absent positions are -1.\n")
    for c in cases:
        p = c["position"]
        where = " ".join(num(p, k) for k in ("line", "column", "character", "index"))
        code = c["error"] or "ok"
        if c["kind"] in ("normalize", "jurisdiction", "pattern"):
            surf = ",".join(c.get("surfaces", ["all"]))
            f.write(f"S {c['kind']} {c['name']} {c['input_hex'] or '-'} {surf} {code} {where}\n")
        elif c["kind"] in ("hotlist", "hotlist_json"):
            pol = json.dumps(c["policy"]).encode().hex() if c.get("policy") else "-"
            rej = c.get("rejected")
            n = -1 if rej is None else len(rej)
            if c["kind"] == "hotlist":
                f.write(f"H {c['name']} {c['file']} {c['format']} {c['list_kind']} {c.get('category', '-')} {pol} "
                        f"{code} {where} {n}\n")
            else:
                f.write(f"J {c['name']} {c['file']} {pol} {code} {where} {n}\n")
            for r in rej or []:
                f.write("R " + " ".join(str(-1 if v is None else v) for v in r[:4]) + f" {r[4]}\n")
        else:
            seq, h = c.get("head", ["-", "-"])
            f.write(f"A {c['name']} {c['file']} {seq} {h} {code} {where}\n")

count = collections.Counter()
for c in cases:
    if c["error"]:
        count[c["error"]] += 1
    for r in c.get("rejected") or []:
        count["rejected:" + r[4]] += 1
print(len(cases), "cases;", sum(1 for c in cases if c["kind"] in ("hotlist", "hotlist_json", "audit")), "files")
for k, v in sorted(count.items()):
    print(f"  {k}: {v}")
