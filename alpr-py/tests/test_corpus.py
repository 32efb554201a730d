"""The malformed-input corpus of tests/hotlist_corpus (written by its make_corpus.py) through the
Python API: every string, hot-list file and audit file raises the exception of its code with its
position; a hot-list load that fails leaves the version loaded before it in force; an audit file
that fails to open or verify is left unchanged."""

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import alpr

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "hotlist_corpus"
CASES = json.loads((CORPUS / "manifest.json").read_text())["cases"]
GOOD_AT = datetime(2027, 1, 15, 8, 0, tzinfo=timezone.utc)
BAD_AT = GOOD_AT + timedelta(seconds=1)
GOOD_CLEW = b"DATE11/28/2026 06:00\n1GOOD11 CA3420181105\nTOTAL RECORD 0000001\n"


def for_python(c):
    return "python" in c.get("surfaces", ["python"])


def expect(c, call):
    """Runs `call` and checks it against the case's error and position."""
    if c["error"] is None:
        return call()
    with pytest.raises(alpr.AlprError) as e:
        call()
    assert (e.value.code, e.value.position) == (c["error"], c["position"]), c["name"]
    return None


def test_the_corpus_is_large_and_covers_every_code():
    assert len(CASES) >= 500
    seen = {c["error"] for c in CASES} | {r[4] for c in CASES for r in c.get("rejected") or []}
    codes = {name for _, name, _ in alpr._alpr.codes()}
    assert seen - {None} <= codes
    for code in ["empty", "invalid_character", "too_long", "invalid_jurisdiction", "invalid_plate_type",
                 "placeholder_plate", "pattern_not_allowed", "pattern_too_broad", "invalid_pattern",
                 "invalid_date", "invalid_category", "category_forbidden", "too_many_rejected",
                 "missing_column", "record_count_mismatch", "truncated_file", "short_record", "invalid_utf8",
                 "empty_file", "invalid_header", "line_too_long", "invalid_field", "formula_injection",
                 "no_records", "invalid_argument", "audit_chain_broken", "audit_truncated", "audit_torn_record"]:
        assert code in seen, code


STRINGS = [c for c in CASES if c["kind"] in ("normalize", "jurisdiction", "pattern") and for_python(c)]


@pytest.mark.parametrize("c", STRINGS, ids=[c["name"] for c in STRINGS])
def test_string(c):
    s = bytes.fromhex(c["input_hex"]).decode("utf-8")
    if c["kind"] == "normalize":
        expect(c, lambda: alpr.normalize(s))
    elif c["kind"] == "jurisdiction":
        expect(c, lambda: alpr.jurisdiction(s))
    else:
        # A pattern reaches the library only as a search, which goes through an agency; a bad
        # pattern is refused before the search is decided or recorded.
        investigator = {"id": "i1", "agency": "SPD", "roles": ["investigator"], "account": "active",
                        "trained_on": "2026-06-01", "clearance": True}
        agency = alpr.Agency.for_tests_and_replays("SPD", audit=alpr.AuditLog(), roster=[investigator], now=GOOD_AT)
        store = alpr.DetectionStore([], [], [], [], [])
        query = {"action": "query_detections", "purpose": "stolen_vehicle"}
        expect(c, lambda: agency.search(store, s, user="i1", request=query, ids_only=True))


def registry(c, lenient=False):
    overrides = dict(c.get("policy") or {})
    if lenient:
        overrides["max_rejected_fraction"] = 1.0
    policy = alpr.Policy()
    if overrides:
        policy = policy.with_overrides(json.dumps(overrides))
    return alpr.Registry(policy)


def load(reg, c, loaded_at):
    if c["kind"] == "hotlist_json":
        return reg.load_list((CORPUS / c["file"]).read_text(encoding="utf-8"))
    return reg.load_file(CORPUS / c["file"], c["format"], id="L", kind=c["list_kind"], priority=10,
                         loaded_at=loaded_at, category=c.get("category"))


HOTLISTS = [c for c in CASES if c["kind"] in ("hotlist", "hotlist_json")]


@pytest.mark.parametrize("c", HOTLISTS, ids=[c["name"] for c in HOTLISTS])
def test_hotlist_file(c):
    reg = registry(c)
    reg.load_file(GOOD_CLEW, "ca_doj_clew", id="L", kind="standard", priority=10, loaded_at=GOOD_AT,
                  category="stolen_vehicle")
    expect(c, lambda: load(reg, c, BAD_AT))
    if c["error"] is not None:
        assert [e["plate"] for e in reg.entries("L")] == ["1GOOD11"]
        assert reg.health(GOOD_AT)[0]["loaded_at"] == GOOD_AT
        hits = reg.match("1GOOD11", observed_at=GOOD_AT, now=GOOD_AT)
        assert [h.list for h in hits] == ["L"]
    if c.get("rejected") is not None:
        report = load(registry(c, lenient=True), c, BAD_AT)
        got = [[r.get("line"), r.get("column"), r.get("character"), r.get("index"), r["error"]]
               for r in report.rejected]
        assert got == c["rejected"]


AUDITS = [c for c in CASES if c["kind"] == "audit"]


@pytest.mark.parametrize("c", AUDITS, ids=[c["name"] for c in AUDITS])
def test_audit_file(c, tmp_path):
    path = tmp_path / "audit.jsonl"
    shutil.copyfile(CORPUS / c["file"], path)
    before = path.read_bytes()
    head = tuple(c["head"]) if c.get("head") else None

    def open_and_verify():
        return alpr.AuditLog.open_file(path).verify(head)

    expect(c, open_and_verify)
    assert path.read_bytes() == before
