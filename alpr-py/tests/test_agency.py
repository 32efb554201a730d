"""alpr.Agency: the agency context (issue 11). Users by id from the roster, the agency's clock,
holds and policy; every decision recorded before anything is read or changed; no way left to read
stored detections around the audit."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import alpr
from alpr import _alpr

PT = dt.timezone(dt.timedelta(hours=-8))
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=PT)
QUERY = {"action": "query_detections", "purpose": "stolen_vehicle"}
DATA = Path(__file__).resolve().parents[2] / "alpr-core" / "data"


def _user(uid: str, role: str, **kw: Any) -> dict[str, Any]:
    return {
        "id": uid,
        "agency": "SPD",
        "roles": [role],
        "account": "active",
        "trained_on": dt.date(2025, 6, 1),
        "clearance": True,
        **kw,
    }


ROSTER = [
    _user("a1", "administrator"),
    _user("i1", "investigator"),
    _user("i2", "investigator", trained_on=None),
    _user("i3", "investigator"),
    _user("o1", "operator"),
    _user("d1", "dispatcher"),
    _user("s1", "supervisor"),
    _user("c1", "ooi_captain"),
    _user("v1", "covert_analyst"),
]


def _policy() -> alpr.Policy:
    """The built-in profile with a role that grants ``view_covert`` (no default role does)."""
    p = json.loads(alpr.Policy().to_json())
    p["roles"]["covert_analyst"] = ["view_covert"]
    return alpr.Policy.from_json(json.dumps(p))


def _agency(log: alpr.AuditLog | None = None, **kw: Any) -> tuple[alpr.Agency, alpr.AuditLog]:
    log = log if log is not None else alpr.AuditLog()
    a = alpr.Agency.for_tests_and_replays("SPD", audit=log, roster=ROSTER, now=NOW, policy=_policy(), **kw)
    return a, log


def _store() -> alpr.DetectionStore:
    return alpr.DetectionStore(
        [1, 2, 3, 4],
        ["7ABC123", "7A8C123", "7ABC123", "8XYZ999"],
        [
            dt.datetime(2026, 11, 27, 10, tzinfo=PT),
            dt.datetime(2026, 11, 20, 10, tzinfo=PT),
            dt.datetime(2024, 6, 1, 17, tzinfo=dt.timezone.utc),
            dt.datetime(2026, 11, 27, 11, tzinfo=PT),
        ],
        [38.58] * 4,
        [-121.49] * 4,
        jurisdictions=["CA", None, None, None],
        device_ids=["pod-1", None, None, None],
    )


def _records(a: alpr.Agency) -> list[dict[str, Any]]:
    """Every record before the auditor's own request (which is the last)."""
    return a.audit_records("a1")[:-1]


SVS_CSV = b"plate,jurisdiction,category\n7ABC123,CA,stolen_vehicle\n"


def test_no_unaudited_read_of_detections_is_left() -> None:
    for name in ("search", "search_ids", "search_audited"):
        assert not hasattr(alpr.DetectionStore, name)
    assert not hasattr(alpr.Registry, "retro_hits")
    # No pure search is left, not even for the conformance runner (it searches through an agency).
    assert [n for n in dir(_alpr) if "search" in n.lower() and not n.startswith("__")] == []
    assert {"Agency", "HitCase"} <= set(alpr.__all__)


def test_open_records_roster_and_policy_hash() -> None:
    a, log = _agency()
    assert len(log) == 1 and a.head == log.head
    assert not a.system_clock and a.now == NOW
    (r,) = _records(a)
    assert (r["action"], r["user"], r["details"]["roster_count"]) == ("agency_open", "system", str(len(ROSTER)))
    assert r["details"]["policy_sha256"] == a.policy_sha256 and len(a.policy_sha256) == 64
    assert [u["id"] for u in a.roster()] == sorted(u["id"] for u in ROSTER)
    # A bound log refuses its own writers; a second agency cannot bind it.
    with pytest.raises(alpr.InvalidArgumentError):
        log.append(NOW, "x", "SPD", "note", "ok")
    with pytest.raises(alpr.InvalidArgumentError):
        alpr.Agency.for_tests_and_replays("SPD", audit=log, roster=ROSTER, now=NOW)
    # The roster cannot carry a training date in the future.
    with pytest.raises(alpr.InvalidArgumentError) as e:
        alpr.Agency.for_tests_and_replays(
            "SPD", audit=alpr.AuditLog(), roster=[_user("x", "investigator", trained_on="2027-01-01")], now=NOW
        )
    assert e.value.position["index"] == 0
    system = alpr.Agency.open("SPD", audit=alpr.AuditLog(), roster=json.dumps([]))
    assert system.system_clock
    with pytest.raises(alpr.InvalidArgumentError):
        system.set_clock_for_tests_and_replays(NOW)


def test_denied_search_is_recorded_and_raises() -> None:
    a, log = _agency()
    with pytest.raises(alpr.AccessDeniedError) as e:
        a.search(_store(), "7AB?123", user="i2", request=QUERY)
    assert "not_trained" in str(e.value)
    # An id not on the roster is a denial too, and recorded as unknown.
    with pytest.raises(alpr.AccessDeniedError):
        a.search(_store(), "7AB?123", user="nobody", request=QUERY)
    assert len(log) == 3
    # Refused before any record: not a detection query, a too-broad pattern.
    with pytest.raises(alpr.InvalidArgumentError):
        a.search(_store(), "7AB?123", user="i1", request={"action": "view_hits"})
    with pytest.raises(alpr.PatternTooBroadError):
        a.search(_store(), "7*", user="i1", request=QUERY)
    assert len(log) == 3
    denied, unknown = _records(a)[1:]
    assert (denied["user"], denied["outcome"], denied["reasons"]) == ("i2", "deny", ["not_trained"])
    assert (unknown["user"], unknown["outcome"], unknown["details"]["user_known"]) == ("nobody", "deny", "false")


def test_allowed_search_is_recorded_before_rows() -> None:
    a, log = _agency()
    s = _store()
    t = a.search(s, "7AB?123", user="i1", request=QUERY)
    assert isinstance(t, pa.Table)
    assert t.column_names == ["id", "plate", "observed_at", "lat", "lon", "jurisdiction", "device_id"]
    assert t.column("id").to_pylist() == [1]
    assert a.search(s, "ZZZ*", user="i1", request=QUERY).num_rows == 0
    # A canvass is a search with a point; its record says so.
    assert a.search(s, "7A?C*", user="i1", request=QUERY, near=(38.58, -121.49, 100.0), ids_only=True) == [1, 2]
    recs = [r for r in _records(a) if r["action"] == "query_detections"]
    assert [r["details"]["read"] for r in recs] == ["search", "search", "canvass"]
    r = recs[0]
    assert (r["user"], r["outcome"], r["purpose"]) == ("i1", "allow", "stolen_vehicle")
    assert "7AB?123" in r["query_terms"]
    assert r["details"]["window_to"].startswith("2026-11-28T20:00:00")
    assert r["details"]["holds_count"] == "0"
    # The record is written before the read: a failed read (a window ending before it starts)
    # still leaves its record.
    n = len(log)
    with pytest.raises(alpr.InvalidArgumentError):
        a.search(s, "7AB*", user="i1", request=QUERY, start=NOW, end=NOW - dt.timedelta(seconds=1))
    assert len(log) == n + 1


def test_holds_come_from_the_register_and_widen_the_window() -> None:
    a, _ = _agency()
    s = _store()
    assert a.search(s, "7AB?123", user="i1", request=QUERY, ids_only=True) == [1]
    with pytest.raises(alpr.AccessDeniedError):
        a.place_legal_hold("i1", 3, "26-000111")
    a.place_legal_hold("s1", 3, "26-000111", "civil")
    assert a.search(s, "7AB?123", user="i1", request=QUERY, ids_only=True) == [1, 3]
    last = [r for r in _records(a) if r["action"] == "query_detections"][-1]
    assert (last["details"]["holds_count"], last["details"]["hold_cases"]) == ("1", "26-000111")
    assert a.release_legal_hold("s1", 3, "26-000111") == 1
    assert a.search(s, "7AB?123", user="i1", request=QUERY, ids_only=True) == [1]
    assert [h["released_at"] is not None for h in a.holds()] == [True]


def test_holds_and_approvals_come_back_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    a = alpr.Agency.for_tests_and_replays("SPD", audit=path, roster=ROSTER, now=NOW)
    a.place_legal_hold("s1", 3, "26-000111")
    a.approve_other_use("s1", "MEMO-7", description="fleet audit", for_user="i1")
    head = a.head
    del a
    b = alpr.Agency.for_tests_and_replays("SPD", audit=str(path), roster=ROSTER, now=NOW)
    # The chain verifies against the head exported before the reopening (now one record on).
    assert b.verify(head) == b.head and b.head[0] == head[0] + 1
    assert [h["record_id"] for h in b.holds()] == [3]
    assert b.approvals()["MEMO-7"]["for_user"] == "i1" and b.approvals()["MEMO-7"]["approver"] == "s1"
    assert b.search(_store(), "7AB?123", user="i1", request=QUERY, ids_only=True) == [1, 3]
    other = {"action": "query_detections", "purpose": "other_approved", "approval": {"approver_role": "supervisor", "reference": "MEMO-7"}}
    assert b.search(_store(), "7AB?123", user="i1", request=other, ids_only=True) == [1, 3]
    # A reference not on record counts for nothing, whatever approver role the caller claims;
    # an approval for i1 serves i1 only.
    with pytest.raises(alpr.AccessDeniedError) as e:
        b.search(_store(), "7AB?123", user="i1", request={**other, "approval": {"approver_role": "supervisor", "reference": "MEMO-8"}})
    assert "approval_required" in str(e.value)
    with pytest.raises(alpr.AccessDeniedError) as e:
        b.search(_store(), "7AB?123", user="i3", request=other)
    assert "approval_required" in str(e.value)


def test_time_regression() -> None:
    a, _ = _agency()
    a.set_clock_for_tests_and_replays(NOW - dt.timedelta(minutes=1))
    with pytest.raises(alpr.TimeRegressionError):
        a.search(_store(), "7AB?123", user="i1", request=QUERY)
    a.set_clock_for_tests_and_replays(NOW + dt.timedelta(minutes=1))
    assert a.search(_store(), "7AB?123", user="i1", request=QUERY, ids_only=True) == [1]


def test_retro_hits_through_the_agency() -> None:
    a, log = _agency()
    s = _store()
    a.load_list("a1", SVS_CSV, "csv", id="SVS", kind="standard", priority=10)
    rows = a.retro_hits(s, "SVS", user="i1", request=QUERY, days=30)
    assert [(r["detection"], r["kind"], r["jurisdiction"]) for r in rows] == [
        (1, "exact", "match"),
        (2, "confusable", "unknown"),
    ]
    t = a.retro_hits(s, "SVS", user="i1", request=QUERY, days=0, as_table=True)
    assert t.num_rows == 0 and t.schema.field("detection").type == pa.uint64()
    n = len(log)
    with pytest.raises(alpr.AccessDeniedError):
        a.retro_hits(s, "SVS", user="i2", request=QUERY, days=30)
    with pytest.raises(alpr.UnknownListError):
        a.retro_hits(s, "NOPE", user="i1", request=QUERY, days=30)
    assert len(log) == n + 1
    r = [r for r in _records(a) if r["details"].get("read") == "retro_hits"][0]
    assert (r["details"]["list_id"], r["query_terms"].startswith("retro_hits")) == ("SVS", True)


def test_an_agency_load_on_threads_is_the_one_thread_load() -> None:
    # Over 2 MiB, so that threads=None and threads=2 cut the file into chunks: duplicates across
    # the chunks and a rejection in each.
    rows = [f"{i % 30000:07d},CA,stolen_vehicle,V{i % 30000}" if i % 9973 != 17 else "@@@,CA,stolen_vehicle,V"
            for i in range(80000)]
    data = ("plate,state,category,record_id\n" + "\n".join(rows) + "\n").encode()
    assert len(data) > 2 << 20
    results = []
    for threads in (1, None, 2):
        a, _ = _agency()
        report = a.load_list("a1", data, "csv", id="SVS", kind="standard", priority=10, threads=threads)
        record = [r for r in _records(a) if r["action"] == "hot_list_load"][-1]
        results.append((report.accepted, report.merged, report.rejected, a.health(),
                        record["details"]))
    assert results[0][0] == 30000 and results[0][1] > 0 and len(results[0][2]) >= 2
    assert results[1] == results[0]
    assert results[2] == results[0]
    a, _ = _agency()
    with pytest.raises(alpr.InvalidArgumentError):
        a.load_list("a1", data, "csv", id="SVS", kind="standard", priority=10, threads=0)


def test_list_loads_are_audited_and_special_lists_need_approval() -> None:
    a, _ = _agency()
    special = (DATA / "special.csv").read_bytes()
    with pytest.raises(alpr.AccessDeniedError):
        a.load_list("i1", SVS_CSV, "csv", id="SVS", kind="standard", priority=10)
    with pytest.raises(alpr.ApprovalRequiredError):
        a.load_list("a1", special, "csv", id="SPECIAL-OOI", kind="special", priority=50)
    with pytest.raises(alpr.ApprovalRequiredError):
        a.load_list("a1", special, "csv", id="SPECIAL-OOI", kind="special", priority=50, approver="s1")
    report = a.load_list("a1", DATA / "special.csv", "csv", id="SPECIAL-OOI", kind="special", priority=50, approver="c1")
    assert report.accepted > 0
    assert a.list_ids() == ["SPECIAL-OOI"]
    (h,) = a.health()
    assert (h["id"], h["kind"], h["entries"], h["loaded_at"], h["stale"]) == ("SPECIAL-OOI", "special", report.accepted, NOW, False)
    loads = [r for r in _records(a) if r["action"] == "hot_list_load"]
    assert [(r["outcome"], r["reasons"]) for r in loads] == [
        ("deny", ["action_not_permitted"]),
        ("failed", ["approval_required"]),
        ("failed", ["approval_required"]),
        ("ok", []),
    ]
    ok = loads[-1]["details"]
    assert ok["approver"] == "c1" and len(ok["file_sha256"]) == 64 and ok["accepted"] == str(report.accepted)


def test_covert_hits_are_withheld_and_recorded() -> None:
    a, _ = _agency()
    covert = b"plate,jurisdiction,category\n6COV123,CA,stolen_vehicle\n"
    a.load_list("a1", covert, "csv", id="COVERT-1", kind="covert", priority=5)
    seen = dict(observed_at=NOW - dt.timedelta(minutes=1), device_id="CAR-1", location=(38.58, -121.49))
    assert a.match("6COV123", viewer="i1", **seen) == []
    assert a.match("6COV123", **seen) == []
    (hit,) = a.match("6COV123", viewer="v1", **seen)
    assert (hit.list, hit.list_kind) == ("COVERT-1", "covert")
    recs = [r for r in _records(a) if r["action"] == "covert_hit"]
    assert [r["details"]["delivered"] for r in recs] == ["false", "false", "true"]
    with pytest.raises(alpr.AccessDeniedError):
        a.covert_hits("i1", NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=1))
    found = a.covert_hits("v1", NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=1))
    assert [r["details"]["read_plate"] for r in found] == ["6COV123"] * 3


def test_hit_case_is_a_record() -> None:
    a, _ = _agency()
    a.load_list("a1", SVS_CSV, "csv", id="SVS", kind="standard", priority=10)
    seen = NOW - dt.timedelta(minutes=5)
    read = dict(plate="7ABC123", jurisdiction="CA", observed_at=seen, device_id="CAR-2231")
    (hit,) = a.match(**read)
    case = a.open_hit(hit, **read, heading=90.0)
    assert (case.status, case.list_id, case.id) == ("alerted", "SVS", 1)
    t = seen
    case.acknowledge(at=t + dt.timedelta(seconds=10), actor="o1")
    with pytest.raises(alpr.ConfirmationRequiredError):
        case.stop(at=t + dt.timedelta(seconds=20), actor="o1")
    with pytest.raises(alpr.TimeRegressionError):
        case.broadcast(at=t, actor="o1")
    with pytest.raises(alpr.AccessDeniedError):
        case.broadcast(at=t + dt.timedelta(seconds=30), actor="i2")
    with pytest.raises(alpr.InvalidArgumentError):
        case.broadcast(at=NOW + dt.timedelta(hours=1), actor="o1")
    case.confirm(True, True, True, True, at=t + dt.timedelta(seconds=40), actor="d1", reference="CLETS 4411")
    case.record_basis(at=t + dt.timedelta(seconds=50), actor="o1")
    case.stop(at=t + dt.timedelta(seconds=60), actor="o1")
    case.close("recovered", at=t + dt.timedelta(seconds=70), actor="o1")
    assert (case.status, case.outcome, case.events_applied) == ("closed", "recovered", 5)
    packet = case.dispatch_packet()
    assert packet["read"]["plate"] == "7ABC123" and packet["read"]["heading"] == 90.0
    assert json.loads(case.dispatch_packet_json()) == packet
    events = [r for r in _records(a) if r["action"] == "hit_event"]
    assert [(r["details"]["event"], r["details"]["result"]) for r in events] == [
        ("acknowledge", "ok"),
        ("stop", "confirmation_required"),
        ("broadcast", "time_regression"),
        ("broadcast", "access_denied"),
        ("broadcast", "invalid_argument"),
        ("confirm", "ok"),
        ("record_basis", "ok"),
        ("stop", "ok"),
        ("close", "ok"),
    ]
    assert events[5]["details"]["reference"] == "CLETS 4411" and events[5]["user"] == "d1"


def test_hot_plates_shares_purges_and_shift_end() -> None:
    a, _ = _agency()
    plate = dict(plate="5HOT555", jurisdiction="CA")
    with pytest.raises(alpr.ExpiryExceeds30DaysError):
        a.enter_hot_plate("i1", **plate, expires_at=NOW + dt.timedelta(days=31))
    with pytest.raises(alpr.ExpiryExceeds24HoursError):
        a.enter_hot_plate("i1", **plate, expires_at=NOW + dt.timedelta(days=2), also_entered_in=["SVS"])
    hp = a.enter_hot_plate("i1", **plate, expires_at=NOW + dt.timedelta(days=30))
    assert "HOT-PLATES" in a.list_ids()
    assert [h.list for h in a.match("5HOT555", observed_at=NOW)] == ["HOT-PLATES"]
    a.remove_hot_plate("i1", hp)
    assert a.match("5HOT555", observed_at=NOW) == []
    out_of_state = {"data": "detections", "recipient": {"name": "NV agency", "kind": "local", "jurisdiction": "NV"}}
    d = a.share("i1", out_of_state)
    assert (d["decision"], d["reasons"]) == ("deny", ["recipient_not_permitted"])
    plan, receipt = a.purge("s1", [(3, "detection", dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)), (1, "detection", NOW)])
    assert (plan.due, receipt["count"]) == ([3], 1)
    start = NOW - dt.timedelta(hours=8)
    assert a.shift_end("o1", start) == {"upload_unverified": True}
    own = {"action": "query_own_detections", "purpose": "stolen_vehicle"}
    a.search(_store(), "7AB?123", user="o1", request=own)
    assert a.shift_end("o1", start) == {"upload_unverified": False}
    counts = Counter(r["action"] for r in _records(a))
    assert counts["hot_plate_enter"] == 3 and counts["hot_plate_remove"] == 1
    assert counts["share"] == 1 and counts["purge"] == 1 and counts["shift_end"] == 2


def test_quarterly_report_and_access_review() -> None:
    a, _ = _agency()
    a.search(_store(), "7AB?123", user="i1", request=QUERY)
    with pytest.raises(alpr.AccessDeniedError):
        a.search(_store(), "7AB?123", user="i2", request=QUERY)
    with pytest.raises(alpr.AccessDeniedError):
        a.quarterly_report("i1")
    with pytest.raises(alpr.AccessDeniedError):
        a.access_review("i1")
    report = a.quarterly_report("a1", start=NOW - dt.timedelta(days=90), end=NOW + dt.timedelta(days=1))
    rows = {u["user"]: u for u in report.to_dict()["users"]}
    assert (rows["i1"]["queries"], rows["i2"]["denied"]) == (1, 1)
    # Never-active accounts are up for review at once; after a quiet review period, so is i1.
    assert "i1" not in {r["user"] for r in a.access_review("a1")}
    assert {r["user"] for r in a.access_review("a1")} >= {"c1", "d1"}
    a.set_clock_for_tests_and_replays(NOW + dt.timedelta(days=100))
    review = a.access_review("a1")
    assert {"i1", "c1", "d1"} <= {r["user"] for r in review} and "a1" not in {r["user"] for r in review}
    recs = _records(a)
    assert [r["query_terms"].split()[0] for r in recs if r["action"] == "audit_queries" and r["outcome"] == "allow"][
        :3
    ] == ["quarterly_report", "access_review", "access_review"]


def test_roster_changes_and_other_decisions_are_recorded() -> None:
    a, _ = _agency()
    new = _user("i9", "investigator")
    with pytest.raises(alpr.AccessDeniedError):
        a.manage_users("i1", {"change": "put", "user": new})
    with pytest.raises(alpr.InvalidArgumentError):
        a.manage_users("a1", {"change": "put", "user": {**new, "trained_on": "2027-01-01"}})
    with pytest.raises(alpr.InvalidArgumentError):
        a.manage_users("a1", json.dumps({"change": "remove", "id": "nobody"}))
    a.manage_users("a1", {"change": "put", "user": new})
    assert a.search(_store(), "7AB?123", user="i9", request=QUERY, ids_only=True) == [1]
    a.manage_users("a1", {"change": "remove", "id": "i9"})
    with pytest.raises(alpr.AccessDeniedError):
        a.search(_store(), "7AB?123", user="i9", request=QUERY)
    # A decision for an operation the library does not carry out (viewing POD video).
    pod = {"action": "view_pod_video", "purpose": "stolen_vehicle"}
    assert a.authorize("i1", pod) == {"decision": "allow", "reasons": []}
    with pytest.raises(alpr.AccessDeniedError):
        a.authorize("o1", pod)
    changes = [(r["outcome"], r["details"]["change"]) for r in _records(a) if r["action"] == "manage_users"]
    assert changes == [("deny", "put"), ("failed", "put"), ("failed", "remove"), ("ok", "put"), ("ok", "remove")]
    assert [r["outcome"] for r in _records(a) if r["action"] == "view_pod_video"] == ["allow", "deny"]


def test_open_hit_checks_the_read() -> None:
    a, _ = _agency()
    a.load_list("a1", SVS_CSV, "csv", id="SVS", kind="standard", priority=10)
    (hit,) = a.match("7ABC123", jurisdiction="CA", observed_at=NOW)
    with pytest.raises(alpr.InvalidArgumentError):
        a.open_hit(hit, plate="7ABC123", observed_at=NOW, heading=360.0)
    with pytest.raises(alpr.InvalidCharacterError):
        a.open_hit(hit, plate="7AB/123", observed_at=NOW)
    with pytest.raises(TypeError):
        a.open_hit(hit, plate="7ABC123", observed_at=dt.datetime(2026, 11, 28))
    # Refused before the opening is recorded: no hit id is spent.
    assert not [r for r in _records(a) if r["action"] == "hit_open"]
    case = a.open_hit(hit, plate="7abc 123", jurisdiction="CA", observed_at=NOW, origin="desktop")
    assert case.id == 1
    assert (case.read()["plate_read"], case.read()["plate"], case.read()["origin"]) == ("7abc 123", "7ABC123", "desktop")
    with pytest.raises(alpr.ConfirmationRequiredError):
        case.acknowledge(at=NOW, actor="i1")
        case.broadcast(at=NOW, actor="i1")
    assert case.status == "acknowledged" and case.last_event_at == NOW


def test_pod_video_booked_as_evidence_is_a_record() -> None:
    a, _ = _agency()
    ev = dict(purpose="crime_canvass", case_number="26-4410", device_id="pod-3", video_ref="nvr-3/export-77")
    seq = a.book_pod_evidence("i1", **ev, property_ref="P-118822")
    assert seq == a.head[0]
    r = _records(a)[-1]
    assert (r["action"], r["outcome"], r["user"], r["purpose"], r["case_number"]) == (
        "pod_evidence", "allow", "i1", "crime_canvass", "26-4410"
    )
    det = r["details"]
    assert (det["device_id"], det["video_ref"], det["property_ref"], det["access_action"]) == (
        "pod-3", "nvr-3/export-77", "P-118822", "download_pod_video"
    )
    # An operator may not download POD video; no case number is refused whatever the purpose.
    with pytest.raises(alpr.AccessDeniedError) as e:
        a.book_pod_evidence("o1", **ev)
    assert "action_not_permitted" in str(e.value)
    with pytest.raises(alpr.AccessDeniedError) as e:
        a.book_pod_evidence("i1", **{**ev, "case_number": "", "purpose": "stolen_vehicle"})
    assert "case_number_required" in str(e.value)
    with pytest.raises(alpr.InvalidArgumentError):
        a.book_pod_evidence("i1", **{**ev, "video_ref": " "})
    recs = [r for r in _records(a) if r["action"] == "pod_evidence"]
    assert [(r["outcome"], r["reasons"]) for r in recs] == [
        ("allow", []),
        ("deny", ["action_not_permitted"]),
        ("deny", ["case_number_required"]),
        ("failed", ["invalid_argument"]),
    ]


def test_hot_plates_come_back_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    a = alpr.Agency.for_tests_and_replays("SPD", audit=path, roster=ROSTER, now=NOW)
    kept = a.enter_hot_plate("i1", plate="5HOT555", jurisdiction="CA", expires_at=NOW + dt.timedelta(days=30))
    gone = a.enter_hot_plate("i1", plate="6HOT666", jurisdiction="CA", expires_at=NOW + dt.timedelta(days=30))
    a.remove_hot_plate("i1", gone)
    del a
    b = alpr.Agency.for_tests_and_replays("SPD", audit=path, roster=ROSTER, now=NOW + dt.timedelta(minutes=1))
    assert [h.list for h in b.match("5HOT555", observed_at=NOW)] == ["HOT-PLATES"]
    assert b.match("6HOT666", observed_at=NOW) == []
    b.remove_hot_plate("i1", kept)
    assert b.match("5HOT555", observed_at=NOW) == []


def test_own_detection_queries_return_the_users_devices_only() -> None:
    roster = [*ROSTER, _user("o2", "operator", devices=["pod-1"])]
    a = alpr.Agency.for_tests_and_replays("SPD", audit=alpr.AuditLog(), roster=roster, now=NOW)
    own = {"action": "query_own_detections", "purpose": "stolen_vehicle"}
    assert a.search(_store(), "7AB?123", user="o2", request=own, ids_only=True) == [1]
    assert a.search(_store(), "7AB?123", user="o1", request=own, ids_only=True) == []
    recs = [r for r in a.audit_records("a1") if r["action"] == "query_own_detections"]
    assert [r["details"]["devices"] for r in recs] == ["pod-1", ""]
    assert [u["devices"] for u in a.roster() if u["id"] == "o2"] == [["pod-1"]]


def test_registry_withholds_covert_hits() -> None:
    reg = alpr.Registry()
    reg.load_list({"id": "COVERT", "kind": "covert", "priority": 5, "loaded_at": NOW.isoformat(),
                   "entries": [{"plate": "6COV123", "jurisdiction": "CA", "category": "stolen_vehicle"}]})
    reg.load_list({"id": "SVS", "kind": "standard", "priority": 10, "loaded_at": NOW.isoformat(),
                   "entries": [{"plate": "6COV123", "jurisdiction": "CA", "category": "stolen_vehicle"}]})
    hits = reg.match("6COV123", observed_at=NOW, now=NOW)
    assert [h.list for h in hits] == ["SVS"]
    rows = reg.match_batch(["6COV123", "6COV123"], observed_at=NOW, now=NOW)
    assert [(r["read"], r["list"]) for r in rows] == [(0, "SVS"), (1, "SVS")]
    t = reg.match_batch(["6COV123"], observed_at=NOW, now=NOW, as_table=True)
    assert t.column("list").to_pylist() == ["SVS"]


def test_reading_the_agency_while_a_head_callback_runs_does_not_deadlock() -> None:
    """A head callback runs inside an agency call (agency locked, GIL wanted); a second thread
    reading the agency must not wait for that lock while it holds the GIL. Run in a child process
    so that a regression fails on its timeout instead of hanging the suite."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        f"""
        import datetime as dt, threading, time, alpr
        import tests.test_agency as t
        a, log = t._agency()
        seen = []
        log.export_heads(1, lambda head: (time.sleep(0.001), seen.append(head)))
        def writer():
            for _ in range(200):
                a.authorize("i1", {{**t.QUERY, "case_number": "C-1"}})
        w = threading.Thread(target=writer)
        w.start()
        reads = 0
        while w.is_alive():
            a.head, a.roster(), a.list_ids(), repr(a), a.now
            reads += 1
        w.join()
        assert len(seen) >= 200 and reads > 0, (len(seen), reads)
        print("ok", len(seen))
        """
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok ")


def _share(data: str = "detections", learn: bool = False, **kw: Any) -> dict[str, Any]:
    recipient = {"name": "Elk Grove PD", "kind": "local", "jurisdiction": "CA", "learn_member": learn}
    return {"data": data, "recipient": recipient, **kw}


def test_share_approver_is_a_roster_user_checked_by_the_agency() -> None:
    roster = ROSTER + [
        _user("k1", "captain_investigations"),
        _user("k2", "captain_investigations", account="disabled"),
    ]
    a = alpr.Agency.for_tests_and_replays("SPD", audit=alpr.AuditLog(), roster=roster, now=NOW, policy=_policy())
    # No approver: needs_approval naming the role (recorded); nothing may be sent.
    d = a.share("i1", _share())
    assert (d["decision"], d["approver"], d.get("approved_by")) == ("needs_approval", "captain_investigations", None)
    # The captain of Investigations approves: allowed, the record names the approver.
    d = a.share("i1", _share(approver="k1", approval_reference="MEMO-7"))
    assert (d["decision"], d["approved_by"]) == ("allow", "k1")
    r = _records(a)[-1]
    assert (r["outcome"], r["details"]["approver"], r["details"]["approver_role"]) == (
        "allow",
        "k1",
        "captain_investigations",
    )
    assert r["details"]["approval_reference"] == "MEMO-7"
    # Unqualified approvers (wrong role, inactive account, not on the roster) are refused and recorded.
    for approver, why in [("c1", "action_not_permitted"), ("k2", "account_inactive"), ("ghost", "account_inactive")]:
        with pytest.raises(alpr.ApprovalRequiredError):
            a.share("i1", _share(approver=approver))
        r = _records(a)[-1]
        assert (r["action"], r["outcome"], r["reasons"]) == ("share", "deny", ["approval_required"])
        assert r["details"]["approver"] == approver and why in r["details"]["approver_reasons"].split(",")
    # A Special Hot List needs the OOI captain or designee (c1), not the captain of Investigations.
    with pytest.raises(alpr.ApprovalRequiredError):
        a.share("i1", _share("special_hot_list", learn=True, approver="k1"))
    assert a.share("i1", _share("special_hot_list", learn=True, approver="c1"))["approved_by"] == "c1"
    # Roles the caller vouches for are not an approval through the agency.
    claimed = _share(approvals=[{"role": "captain_investigations", "reference": "MEMO-7"}])
    with pytest.raises(alpr.InvalidArgumentError):
        a.share("i1", claimed)
    assert _records(a)[-1]["outcome"] == "failed"
    # The pure decision (conformance) still counts the approvals it is given.
    assert alpr.decide_sharing(claimed)["decision"] == "allow"


def test_a_log_bound_to_an_agency_refuses_every_writer_of_its_own(tmp_path: Path) -> None:
    a, log = _agency()
    before, count = log.head, len(log)
    plan = alpr.purge_plan([(1, "detection", dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))], [], NOW)
    with pytest.raises(alpr.InvalidArgumentError) as e:
        log.append(NOW, "s1", "SPD", "share", "allow", details={"approver": "k1"})
    assert "belongs to an agency" in str(e.value)
    with pytest.raises(alpr.InvalidArgumentError):
        log.record_purge(plan, NOW, "s1", "SPD")
    # Nothing landed in the agency's chain; the agency keeps writing and the chain verifies.
    assert log.head == before == a.head
    a.share("i1", _share(learn=True))
    assert log.verify() == a.head and len(log) == count + 1
    # A free-standing log stays writable (engines that keep their own audit).
    free = alpr.AuditLog()
    free.append(NOW, "u1", "SPD", "note", "ok")
    assert free.record_purge(plan, NOW, "s1", "SPD")["count"] == 1 and len(free) == 2
    # An agency over a file holds its lock: no second handle can write into its chain.
    path = tmp_path / "audit.jsonl"
    on_file = alpr.Agency.for_tests_and_replays("SPD", audit=path, roster=ROSTER, now=NOW)
    with pytest.raises(alpr.AuditLockedError):
        alpr.AuditLog.open_file(path)
    assert on_file.head[0] == 1
