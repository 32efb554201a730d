"""Hot-list files through the Python API: loads from bytes and paths, whole-file failures that
keep the previous version, entries read back, list health."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alpr

LOADED = datetime(2026, 11, 28, 8, 0, tzinfo=timezone(timedelta(hours=-8)))
CLEW = b"DATE11/28/2026 06:00\n7ABC123 CA3420181105\nXYZ999  CA0220180430\nTOTAL RECORD 0000002\n"


def load(reg: alpr.Registry, data, fmt="ca_doj_clew", **kw):
    args = dict(id="SVS", kind="standard", priority=10, loaded_at=LOADED, category="stolen_vehicle")
    args.update(kw)
    return reg.load_file(data, fmt, **args)


def test_clew_from_bytes_and_path(tmp_path):
    reg = alpr.Registry()
    report = load(reg, CLEW)
    assert (report.accepted, report.merged, report.rejected) == (2, 0, [])
    assert report.generated_at == datetime(2026, 11, 28, 14, 0, tzinfo=timezone.utc)
    entries = reg.entries("SVS")
    assert entries[0]["plate"] == "7ABC123"
    assert entries[0]["attributes"] == {"county": "34"}
    assert entries[1]["incident_date"] == "2018-04-30"
    f = tmp_path / "svs.tbl"
    f.write_bytes(CLEW.replace(b"7ABC123", b"7ABC999"))
    load(reg, f)
    assert reg.entries("SVS")[0]["plate"] == "7ABC999"
    load(reg, str(f), id="SVS2")
    assert reg.list_ids() == ["SVS", "SVS2"]


def test_whole_file_failure_keeps_previous_version():
    reg = alpr.Registry()
    load(reg, CLEW)
    with pytest.raises(alpr.TruncatedFileError) as e:
        load(reg, CLEW.split(b"TOTAL")[0])
    assert e.value.code == "truncated_file"
    assert e.value.position["line"] == 4
    with pytest.raises(alpr.RecordCountMismatchError):
        load(reg, CLEW.replace(b"0000002", b"0000003"))
    with pytest.raises(alpr.InvalidUtf8Error) as e:
        load(reg, CLEW.replace(b"XYZ", b"X\xffZ"))
    assert e.value.position["line"] == 3
    assert [x["plate"] for x in reg.entries("SVS")] == ["7ABC123", "XYZ999"]


def test_csv_load_on_threads_is_the_serial_load():
    # Over 2 MiB, so that threads=None (the machine's cores) and threads=3 cut the file into
    # chunks: duplicates across the chunks, rejections in each, a quoted field with a line end.
    states = ["CA", "NV", "ZZ", "OR"]
    multiline = '"x\n"'
    rows = [f"{i % 40000:07d},{states[i % 4]},R{i},{multiline if i % 1000 == 0 else i % 7}" for i in range(120000)]
    data = ("plate,state,record_id,note\n" + "\n".join(rows) + "\n").encode()
    assert len(data) > 2 << 20
    policy = alpr.Policy().with_overrides('{"max_rejected_fraction": 1.0}')
    results = []
    for threads in (1, None, 3):
        reg = alpr.Registry(policy)
        report = load(reg, data, "csv", threads=threads)
        results.append((report.accepted, report.merged, report.rejected, reg.entries("SVS")))
    assert results[0][0] > 0 and results[0][1] > 0 and results[0][2]
    assert results[1] == results[0]
    assert results[2] == results[0]
    with pytest.raises(alpr.InvalidArgumentError):
        load(alpr.Registry(), data, "csv", threads=0)


def test_a_large_list_reloaded_and_dropped_stays_whole():
    # 70,000 entries: past the size whose replaced version, and whose registry, are freed on a
    # thread of their own. Matching sees the whole new version at once, and dropping one
    # registry leaves another's lists whole.
    def plates(prefix: str) -> bytes:
        return ("plate\n" + "".join(f"{prefix}{i:06d}\n" for i in range(70_000))).encode()

    now = LOADED + timedelta(hours=1)
    reg, other = alpr.Registry(), alpr.Registry()
    load(reg, plates("A"), "csv")
    load(other, plates("B"), "csv")
    assert load(reg, plates("C"), "csv").accepted == 70_000
    assert "C069999" in [h.entry for h in reg.match("C069999", observed_at=now, now=now)]
    assert reg.match("A000123", observed_at=now, now=now) == []
    del reg
    for _ in range(3):
        load(alpr.Registry(), plates("D"), "csv")
    assert "B000123" in [h.entry for h in other.match("B000123", observed_at=now, now=now)]
    assert len(other.entries("SVS")) == 70_000


def test_csv_rejections_have_line_column_and_code():
    reg = alpr.Registry(alpr.Policy().with_overrides('{"max_rejected_fraction": 1.0}'))
    data = b"plate,state,make\n7ABC123,CA,=CMD()\nUNK,CA,\n8XYZ999,CA,Ford\n"
    report = load(reg, data, "csv", id="LOCAL", kind="special", category=None)
    assert report.accepted == 1
    assert report.generated_at is None
    assert report.rejected == [
        {"line": 2, "column": 3, "error": "formula_injection"},
        {"line": 3, "column": 1, "error": "placeholder_plate"},
    ]
    assert reg.entries("LOCAL")[0]["vehicle"] == {"make": "Ford"}


def test_arguments_are_checked():
    reg = alpr.Registry()
    with pytest.raises(alpr.InvalidArgumentError):
        load(reg, CLEW, "xml")
    with pytest.raises(alpr.InvalidArgumentError):
        load(reg, CLEW, kind="urgent")
    with pytest.raises(alpr.InvalidCategoryError):
        load(reg, CLEW, category="stolen_bicycle")
    with pytest.raises(alpr.IoError):
        load(reg, "/nonexistent/svs.tbl")
    with pytest.raises(alpr.UnknownListError):
        reg.entries("NOPE")


def test_health_reports_staleness():
    reg = alpr.Registry()
    load(reg, CLEW)
    (h,) = reg.health(LOADED + timedelta(hours=11))
    assert (h["id"], h["entries"], h["stale"], h["max_age_hours"]) == ("SVS", 2, False, 12)
    assert h["age_seconds"] == 11 * 3600
    assert h["generated_at"] == datetime(2026, 11, 28, 14, 0, tzinfo=timezone.utc)
    (h,) = reg.health(LOADED + timedelta(hours=12, seconds=1))
    assert h["stale"] is True


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["csv", "ca_doj_clew", "ncic_extract"]))
def test_arbitrary_bytes_never_crash(data, fmt):
    reg = alpr.Registry()
    try:
        load(reg, data, fmt)
    except alpr.AlprError as e:
        assert e.code


def test_policy_check_findings():
    assert alpr.Policy().check() == []
    p = alpr.Policy().with_overrides('{"hot_plate_max_days": 45, "california_overlay": false}')
    assert [f["code"] for f in p.check()] == ["hot_plate_days_above_order", "california_overlay_off"]
    assert p.check()[0]["field"] == "hot_plate_max_days"
    assert alpr.Registry(p).check_policy() == p.check()


NCIC = (
    b"T123456789LA057020020190509GT123456  CA2009PC2009FORDF15PUWHI\n"
    b"N123456789LA057020020190509IM123456  CA2009PC2009FORDF15PUWHI\n"
)


def test_ncic_list_codes_n_and_t_in_a_covert_list():
    reg = alpr.Registry()
    report = load(reg, NCIC, "ncic_extract", id="COVERT", kind="covert", category=None)
    assert (report.accepted, report.rejected) == (2, [])
    cats = {e["plate"]: e["category"] for e in reg.entries("COVERT")}
    assert cats == {"GT123456": "gang_or_terrorist", "IM123456": "immigration_violator"}
    (h,) = reg.health(LOADED + timedelta(hours=12, seconds=1))
    assert (h["max_age_hours"], h["stale"]) == (12, True)


def test_forbidden_records_do_not_count_toward_too_many_rejected():
    policy = alpr.Policy().with_overrides('{"forbidden_categories": ["immigration_violator"]}')
    reg = alpr.Registry(policy)
    report = load(reg, NCIC, "ncic_extract", id="NCIC", category=None)
    assert report.accepted == 1
    assert report.rejected == [{"line": 2, "column": 1, "error": "category_forbidden"}]
    # A defective record still fails the load at the default 1 %.
    with pytest.raises(alpr.TooManyRejectedError):
        load(reg, NCIC + NCIC.replace(b"T1234", b"Q1234"), "ncic_extract", id="NCIC", category=None)
