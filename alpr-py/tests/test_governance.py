"""Retention, access, the audit log and sharing from Python."""

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

import alpr

PST = timezone(timedelta(hours=-8))
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=PST)


def test_purge_plan_leap_day_and_holds():
    recs = [
        (7, "detection", datetime(2024, 2, 29, 10, 0, tzinfo=PST)),
        (8, "detection", datetime(2020, 1, 1, tzinfo=timezone.utc)),
        (9, "pod_video", datetime(2025, 11, 1, tzinfo=timezone.utc)),
    ]
    plan = alpr.purge_plan(recs, [8], datetime(2026, 2, 28, 10, 0, tzinfo=PST))
    assert (plan.due, plan.held, plan.eligible) == ([7], [8], [9])
    before = alpr.purge_plan(recs[:1], [], datetime(2026, 2, 28, 9, 59, 59, tzinfo=PST))
    assert before.due == [] and before.next_due_at == datetime(2026, 2, 28, 10, 0, tzinfo=PST)
    receipt = plan.receipt(NOW)
    assert receipt["count"] == 1 and len(receipt["ids_sha256"]) == 64
    with pytest.raises(alpr.InvalidArgumentError) as info:
        alpr.purge_plan([(1, "nope", NOW)], [], NOW)
    assert info.value.position.get("index") == 0


def test_purge_plan_at_the_ends_of_the_range():
    """Issue 15: a span no calendar holds, and times at the ends of datetime's range, never panic."""
    first = datetime(1, 1, 1, tzinfo=timezone.utc)
    last = datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=timezone.utc)
    plan = alpr.purge_plan([(1, "detection", last), (2, "detection", first)], [], last)
    assert plan.due == [2]
    with pytest.raises(alpr.InvalidDateError):
        plan.next_due_at  # two years after 9999-12-31: past what a datetime holds
    assert alpr.purge_plan([(2, "detection", first)], [], last).next_due_at is None
    forever = alpr.Policy.from_toml('[retention.forever]\nkeep_at_least = "1d"\ndelete_after = "4294967295y"\n')
    assert [f["code"] for f in forever.check()].count("span_beyond_bound") == 1
    plan = alpr.purge_plan([(1, "forever", first), (2, "forever", last)], [], last, forever)
    assert (plan.due, plan.eligible, plan.next_due_at) == ([], [], None)
    # Aware datetimes whose UTC falls outside the years 0001-9999.
    early = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    late = datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))
    for bad in (early, late):
        with pytest.raises(alpr.InvalidDateError) as info:
            alpr.purge_plan([(1, "detection", NOW), (2, "detection", bad)], [], NOW)
        assert info.value.position.get("index") == 1
        with pytest.raises(alpr.InvalidDateError):
            alpr.purge_plan([(1, "detection", NOW)], [], bad)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(-2000, 2000)), max_size=40), st.sets(st.integers(0, 50)))
def test_plan_sets_are_disjoint_and_match_the_rule(recs, holds):
    records = [(i, "detection", NOW - timedelta(days=730) + timedelta(hours=h)) for i, h in recs]
    plan = alpr.purge_plan(records, sorted(holds), NOW)
    for i, _, t in records:
        past = t <= NOW - timedelta(days=730)  # two calendar years back from 2026-11-28 is 730 days
        if past:
            assert i in (plan.held if i in holds else plan.due)
    assert not set(plan.due) & set(holds)


def test_access_lists_every_failure_and_audits():
    user = {"id": "u1", "agency": "SPD", "roles": ["dispatcher"], "account": "disabled", "clearance": True}
    d = alpr.decide_access(user, {"action": "query_detections"}, NOW)
    assert d == {
        "decision": "deny",
        "reasons": ["account_inactive", "not_trained", "action_not_permitted", "purpose_required"],
    }
    ok_user = dict(user, roles=["investigator"], account="active", trained_on=date(2025, 6, 1))
    d = alpr.decide_access(ok_user, {"action": "query_detections", "purpose": "crime_canvass", "case_number": "26-1"}, NOW)
    assert d["decision"] == "allow"
    # An audited decision takes its user from an agency's roster, not from the caller.
    with pytest.raises(TypeError):
        alpr.decide_access(ok_user, {"action": "query_detections"}, NOW, audit=alpr.AuditLog())  # type: ignore[call-arg]
    assert not hasattr(alpr.AuditLog(), "decide_access_json")
    review = alpr.access_review([dict(ok_user, last_active_at=(NOW - timedelta(days=91)).isoformat())], NOW)
    assert [r["user"] for r in review] == ["u1"]


def test_special_list_approval_and_view_covert():
    base = {"id": "u1", "agency": "SPD", "account": "active", "trained_on": date(2026, 1, 5), "clearance": True}
    roles = ["operator", "dispatcher", "investigator", "administrator", "supervisor",
             "captain_investigations", "ooi_captain"]
    for role in roles:
        user = dict(base, roles=[role])
        d = alpr.decide_access(user, {"action": "view_covert"}, NOW)
        assert d == {"decision": "deny", "reasons": ["action_not_permitted"]}, role
        d = alpr.decide_access(user, {"action": "approve_special_list"}, NOW)
        assert (d["decision"] == "allow") == (role == "ooi_captain"), role
    agency = alpr.Policy.from_toml('[roles]\ncovert_analyst = ["view_covert"]\n')
    d = alpr.decide_access(dict(base, roles=["covert_analyst"]), {"action": "view_covert"}, NOW, agency)
    assert d == {"decision": "allow", "reasons": []}


def test_sharing_overlay_and_audit():
    req = {
        "data": "detections",
        "recipient": {"name": "Reno PD", "kind": "local", "jurisdiction": "NV", "learn_member": True},
        "approvals": [],
    }
    assert alpr.decide_sharing(req)["decision"] == "deny"
    off = alpr.Policy().with_overrides('{"california_overlay": false}')
    assert alpr.decide_sharing(req, off)["decision"] == "allow"
    # The audited share is the agency's (the user from its roster): the log has no writer of its own.
    assert not hasattr(alpr.AuditLog(), "decide_sharing_json")


def test_audit_file_tamper_truncation_and_report(tmp_path):
    path = tmp_path / "audit.jsonl"
    log = alpr.AuditLog.open_file(path)
    for i in range(20):
        log.append(
            NOW + timedelta(seconds=i),
            f"u{i % 3}",
            "SPD",
            "query_detections",
            "deny" if i % 4 == 0 else "allow",
            purpose="stolen_vehicle",
            case_number=None if i % 2 else "26-9",
            reasons=["purpose_required"] if i % 4 == 0 else None,
        )
    head = log.head
    assert log.verify(head) == head
    rep = log.report(seed=7, sample_size=3)
    data = rep.to_dict()
    assert data["records"] == 20 and len(data["sample"]) == 3
    assert sum(u["denied"] for u in data["users"]) == 5
    assert rep.users_csv().startswith("user,agency,queries")
    assert log.report(seed=7, sample_size=3).sample_csv() == rep.sample_csv()
    # Shift hours (local time of the agency zone; NOW is 12:00 there): u0 works mornings, so
    # its queries at noon are outside; u1's night shift wraps past midnight; u2 has none given.
    from datetime import time

    shifts = {"u0": (time(6, 0), time(12, 0)), "u1": (time(22, 0), time(12, 1))}
    by_user = {u["user"]: u for u in log.report(shifts=shifts).to_dict()["users"]}
    assert by_user["u0"]["outside_shift"] == by_user["u0"]["queries"] > 0
    assert by_user["u1"]["outside_shift"] == 0
    assert by_user["u2"]["outside_shift"] is None
    del log
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:15]))
    with pytest.raises(alpr.AuditTruncatedError):
        alpr.AuditLog.open_file(path).verify(head)
    lines[3] = lines[3].replace(b'"u0"', b'"u9"')
    path.write_bytes(b"".join(lines))
    with pytest.raises(alpr.AuditChainBrokenError) as info:
        alpr.AuditLog.open_file(path)
    assert info.value.position.get("index") == 3
    path.write_bytes(b"".join(lines)[:-5])
    with pytest.raises(alpr.AuditTornRecordError):
        alpr.AuditLog.open_file(path)


PLATE = "7ABC123"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: alpr.decide_access({"id": "u1", "clearance": PLATE}, {"action": "query_detections"}, NOW), "clearance"),
        (lambda: alpr.decide_access({"id": "u1"}, {"action": "query_detections", "purpose": [PLATE]}, NOW), "purpose"),
        (lambda: alpr.access_review([{"id": "u1"}, {"roles": PLATE}], NOW), "roles"),
        (
            lambda: alpr.decide_sharing({"data": PLATE, "recipient": {"kind": "local", "jurisdiction": "CA"}}),
            "data",
        ),
        (lambda: alpr.Policy().with_overrides('{"max_edits": "%s"}' % PLATE), "max_edits"),
    ],
)
def test_json_errors_name_the_field_and_never_the_value(call, field):
    with pytest.raises(alpr.AlprError) as info:
        call()
    message = str(info.value)
    assert f"`{field}`" in message and PLATE not in message
    assert all(PLATE not in str(a) for a in info.value.args)


def test_audit_file_one_writer_time_order_recovery_key_and_heads(tmp_path):
    import threading

    path = tmp_path / "safe.jsonl"
    log = alpr.AuditLog.open_file(path)
    with pytest.raises(alpr.AuditLockedError) as info:
        alpr.AuditLog.open_file(path)
    assert info.value.code == "audit_locked"
    heads = []
    log.export_heads(2, heads.append)
    with pytest.raises(alpr.InvalidArgumentError):
        log.export_heads(0, heads.append)

    # Appends from threads: the callback takes the GIL inside the append without a deadlock.
    lock = threading.Lock()
    counter = iter(range(1000))

    def work():
        for _ in range(10):
            with lock:  # times in order across threads
                log.append(NOW + timedelta(seconds=next(counter)), "u1", "SPD", "query_detections", "allow")
                len(log)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [h[0] for h in heads] == list(range(2, 41, 2))
    assert heads[-1] == log.head
    log.export_heads(1, None)
    log.append(NOW + timedelta(seconds=100), "u1", "SPD", "query_detections", "allow")
    assert len(heads) == 20
    with pytest.raises(alpr.TimeRegressionError):
        log.append(NOW, "u1", "SPD", "query_detections", "allow")
    # An exception in the callback does not fail the append (the record is written); it is
    # reported as unraisable.
    import sys

    log.export_heads(1, lambda head: 1 / 0)
    seen, hook = [], sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        assert log.append(NOW + timedelta(seconds=101), "u1", "SPD", "x", "ok")[0] == 42
    finally:
        sys.unraisablehook = hook
    assert len(seen) == 1 and isinstance(seen[0].exc_value, ZeroDivisionError)
    del log

    # A torn tail: refused by open_file, cut and recorded by recover_file.
    with path.open("ab") as f:
        f.write(b'{"sequence":43,')
    with pytest.raises(alpr.AuditTornRecordError):
        alpr.AuditLog.open_file(path)
    with pytest.raises(alpr.TimeRegressionError):
        alpr.AuditLog.recover_file(path, time=NOW, user="admin", agency="SPD")
    log, rec = alpr.AuditLog.recover_file(path, time=NOW + timedelta(seconds=200), user="admin", agency="SPD")
    assert rec is not None
    assert (rec["cut_bytes"], rec["last_good_sequence"], rec["head"]) == (15, 42, log.head)
    assert len(rec["cut_sha256"]) == 64
    assert log.verify(rec["head"]) == rec["head"]
    del log
    log, rec = alpr.AuditLog.recover_file(path, time=NOW + timedelta(seconds=201), user="admin", agency="SPD")
    assert rec is None and len(log) == 43
    del log

    # The agency key: the chain verifies under its key only.
    keyed = tmp_path / "keyed.jsonl"
    key = b"agency secret key, 32 bytes long"
    with pytest.raises(alpr.InvalidArgumentError):
        alpr.AuditLog.open_file(keyed, key=b"short")
    log = alpr.AuditLog.open_file(keyed, key=key)
    head = log.append(NOW, "u1", "SPD", "query_detections", "allow")
    del log
    with pytest.raises(alpr.AuditChainBrokenError):
        alpr.AuditLog.open_file(keyed)
    with pytest.raises(alpr.AuditChainBrokenError):
        alpr.AuditLog.open_file(keyed, key=b"another agency's key, not ours!!")
    assert alpr.AuditLog.open_file(keyed, key=key).verify(head) == head
