#!/usr/bin/env python3
"""Writes the malformed hot-list files of this folder and manifest.json.

Each case names the file, its format, the whole-load error under the built-in policy (with its
line where the error has one) and, for files whose records are rejected one by one, the
rejections (line, column, code) under a policy that tolerates any fraction of rejected records.
Run from this folder: python3 make_corpus.py
"""

import json

H = b"DATE11/28/2026 06:00\n"
R1 = b"7ABC123 CA3420181105\n"
R2 = b"XYZ999  CA0220180430\n"
F2 = b"TOTAL RECORD 0000002\n"
NCIC = b"V123456789LA057020020190509AB123456  CA2009MC2009YAMACYLMCBLK\n"

cases = []


def case(name, fmt, data, error, line=None, rejected=None, category=None):
    with open(name, "wb") as f:
        f.write(data)
    c = {"file": name, "format": fmt, "error": error}
    if line is not None:
        c["error_line"] = line
    if rejected is not None:
        c["rejected"] = [list(r) for r in rejected]
    if category:
        c["category"] = category
    cases.append(c)


SV = "stolen_vehicle"
# CLEW: cut-off downloads and wrong footers.
case("clew_truncated.tbl", "ca_doj_clew", H + R1 + R2, "truncated_file", 4, category=SV)
case("clew_truncated_mid_record.tbl", "ca_doj_clew", H + R1 + b"XYZ99", "truncated_file", 4, category=SV)
case("clew_nul_padded.tbl", "ca_doj_clew", H + R1 + b"\0" * 512, "truncated_file", 4, category=SV)
case("clew_wrong_footer.tbl", "ca_doj_clew", H + R1 + R2 + b"TOTAL RECORD 0000005\n", "record_count_mismatch", 4, category=SV)
case("clew_garbled_footer.tbl", "ca_doj_clew", H + R1 + R2 + b"TOTAL RECORD 00000O2\n", "record_count_mismatch", 4, category=SV)
case("clew_after_footer.tbl", "ca_doj_clew", H + R1 + R2 + F2 + R1, "record_count_mismatch", 5, category=SV)
case("clew_no_header.tbl", "ca_doj_clew", R1 + R2 + F2, "invalid_header", 1, category=SV)
case("clew_bad_header_date.tbl", "ca_doj_clew", b"DATE02/30/2026 06:00\n" + R1 + R2 + F2, "invalid_date", 1, category=SV)
case("clew_header_only.tbl", "ca_doj_clew", H + b"TOTAL RECORD 0000000\n", "no_records", 2, category=SV)
case("clew_header_only_no_footer.tbl", "ca_doj_clew", H, "truncated_file", 2, category=SV)
case("clew_empty.tbl", "ca_doj_clew", b"", "empty_file", category=SV)
# CLEW: records rejected one by one.
case(
    "clew_bad_dates.tbl",
    "ca_doj_clew",
    H + b"7ABC123 CA3420260230\n" + b"7ABC124 CA3420261301\n" + b"7ABC125 CA342026011\n" + R2 + b"TOTAL RECORD 0000004\n",
    "too_many_rejected",
    rejected=[(2, 13, "invalid_date"), (3, 13, "invalid_date"), (4, 20, "short_record")],
    category=SV,
)
case(
    "clew_long_line.tbl",
    "ca_doj_clew",
    H + R1 + b"7ABC124 CA3420181105" + b" " * 300 + b"X\n" + R2 + b"TOTAL RECORD 0000003\n",
    "too_many_rejected",
    rejected=[(3, 257, "line_too_long")],
    category=SV,
)
case(
    "clew_nul_bytes.tbl",
    "ca_doj_clew",
    H + R1 + b"7ABC\x00124CA3420181105\n" + R2 + b"TOTAL RECORD 0000003\n",
    "too_many_rejected",
    rejected=[(3, 5, "invalid_field")],
    category=SV,
)
# Encodings.
case("invalid_utf8.csv", "csv", b"plate,state\n7ABC123,CA\n8XYZ\xff99,CA\n", "invalid_utf8", 3)
case("latin1.csv", "csv", b"plate,state,make\n7ABC123,CA,Citro\xebn\n", "invalid_utf8", 2)
case("utf16.csv", "csv", "plate,state\n7ABC123,CA\n".encode("utf-16"), "invalid_utf8", 1)
case("invalid_utf8.tbl", "ca_doj_clew", H + R1 + b"\xc3\x28BC124 CA3420181105\n" + F2, "invalid_utf8", 3, category=SV)
# CSV.
case("empty.csv", "csv", b"", "empty_file")
case("blank_lines.csv", "csv", b"\r\n\n  \n", "empty_file")
case("header_only.csv", "csv", b"plate,state,category\r\n", "no_records", 1)
case("missing_column.csv", "csv", b"state,category\nCA,stolen_vehicle\n", "missing_column", 1)
case("duplicate_column.csv", "csv", b"plate,state,STATE\n7ABC123,CA,NV\n", "invalid_header", 1)
case("long_header.csv", "csv", b"plate," + b"x" * 9000 + b"\n7ABC123,y\n", "line_too_long", 1)
case(
    "formula_injection.csv",
    "csv",
    b"plate,state,make,record_id,notes\n"
    b"7ABC121,CA,\"=HYPERLINK(\"\"http://x\"\")\",V1,\n"
    b"7ABC122,CA,,+1+1,\n"
    b"7ABC123,CA,,,-2+3\n"
    b"7ABC124,CA,,,@SUM(A1)\n"
    b"7ABC125,CA,,,\" =1\"\n"
    b"7ABC126,CA,Ford,V6,ok\n",
    "too_many_rejected",
    rejected=[(2, 3, "formula_injection"), (3, 4, "formula_injection"), (4, 5, "formula_injection"),
              (5, 5, "formula_injection"), (6, 5, "formula_injection")],
)
case(
    "bad_fields.csv",
    "csv",
    b"plate,state,year,expires_at\n"
    b"7ABC121,CA,19x9,\n"
    b"7ABC122,CA,,2026-02-30T00:00:00Z\n"
    b"\"7ABC123,CA,,\n"
    b"7ABC124,C\x00A,,\n"
    b"7ABC125,CA,,,,surplus\n"
    b"7ABC126,CA,2001,\n",
    "too_many_rejected",
    rejected=[(2, 3, "invalid_field"), (3, 4, "invalid_date"), (4, 1, "invalid_field"),
              (5, 2, "invalid_field"), (6, 6, "invalid_field")],
)
case(
    "long_record.csv",
    "csv",
    b"plate,notes\n7ABC123,\"" + b"n" * 9000 + b"\"\n8XYZ999,ok\n",
    "too_many_rejected",
    rejected=[(2, 2, "line_too_long")],
)
# NCIC extract.
case("ncic_empty.txt", "ncic_extract", b"\n\n", "empty_file")
case(
    "ncic_malformed.txt",
    "ncic_extract",
    NCIC + NCIC[:30] + b"\n" + NCIC.replace(b"20190509", b"20190230") + NCIC.replace(b"V123", b"Q123")
    + NCIC.replace(b"YAMA", b"@SUM"),
    "too_many_rejected",
    rejected=[(2, 31, "short_record"), (3, 20, "invalid_date"), (4, 1, "invalid_category"),
              (5, 50, "formula_injection")],
)

with open("manifest.json", "w") as f:
    json.dump({"cases": cases}, f, indent=1)
    f.write("\n")
print(len(cases), "files")
