"""The hit workflow, hot plates, operations and public-records referrals from Python."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alpr

LA = ZoneInfo("America/Los_Angeles")


def test_car_hit_needs_confirmation_and_basis_before_a_stop():
    hit = alpr.Hit("standard", "stolen_vehicle", "vehicle")
    assert hit.status == "alerted" and hit.requires_confirmation
    with pytest.raises(alpr.NotAcknowledgedError) as info:
        hit.broadcast()
    assert info.value.code == "not_acknowledged"
    assert isinstance(info.value, alpr.HitWorkflowError)
    hit.acknowledge()
    hit.mdc_query()
    with pytest.raises(alpr.ConfirmationRequiredError):
        hit.stop()
    hit.broadcast()
    hit.confirm(record_active=True, plate_verified=True, jurisdiction_verified=True, occupied=True)
    with pytest.raises(alpr.IndependentBasisRequiredError):
        hit.stop()
    hit.record_basis()
    hit.stop()
    hit.close("recovered")
    assert hit.status == "closed" and hit.outcome == "recovered"
    assert hit.violations == ["mdc_query_before_broadcast"]
    assert hit.call_types == ["POD", "503P/503T"]
    with pytest.raises(alpr.InvalidTransitionError):
        hit.close("recovered")


def test_desk_hit_rejected_by_the_response():
    hit = alpr.Hit("hot_plate", "felony_vehicle", "desktop")
    hit.acknowledge()
    with pytest.raises(alpr.ConfirmationRequiredError):
        hit.broadcast()
    hit.confirm(True, True, False, True)
    assert (hit.status, hit.disposition) == ("rejected", "wrong_jurisdiction")
    with pytest.raises(alpr.InvalidArgumentError):
        hit.close("vanished")
    assert hit.status == "rejected"


def test_special_hit_is_informational_and_repr_reads_like_a_dataclass():
    hit = alpr.Hit("special", "investigation", "vehicle")
    hit.acknowledge()
    with pytest.raises(alpr.InformationalOnlyError):
        hit.broadcast()
    assert hit.call_types == []
    r = repr(hit)
    assert r.startswith("Hit(list_kind='special', category='investigation', origin='vehicle'")
    assert "status='acknowledged'" in r and "disposition=None" in r
    packet = hit.dispatch_packet()
    assert packet["informational"] is True and packet["call_for_service"] is None


def test_dispatch_packet_explains_the_match():
    hit = alpr.Hit(
        "standard",
        "stolen_vehicle",
        "fixed",
        details={
            "list_id": "SVS",
            "entry": "7ABC123",
            "match_kind": "confusable",
            "positions": [3],
            "tier": "moderate",
            "vehicle": {"make": "HOND", "color": "BLK"},
            "caution": {"armed_dangerous": True},
        },
    )
    p = hit.dispatch_packet()
    assert p["call_for_service"] == {"call_type": "POD", "priority": 4}
    assert p["requires_confirmation"] is True and p["confirm_before_broadcast"] is True
    assert [s["id"] for s in p["steps"]] == ["confirm_status", "obtain_description", "broadcast"]
    assert p["match"]["positions"] == [3] and p["entry"]["caution"]["armed_dangerous"] is True
    with pytest.raises(alpr.InvalidArgumentError):
        alpr.Hit("standard", "stolen_vehicle", "fixed", details={"positions": "x"})
    with pytest.raises(alpr.InvalidCategoryError):
        alpr.Hit("standard", "stolen", "fixed")


def test_policy_call_types():
    policy = alpr.Policy().with_overrides('{"call_type_hit": "ALPR"}')
    assert alpr.Hit("standard", "other", "vehicle", policy=policy).call_types == ["ALPR"]


def test_hot_plate_accepts_datetimes_and_reports_every_violation():
    entered = dt.datetime(2026, 10, 15, 10, 0, tzinfo=LA)
    ok = entered + dt.timedelta(days=30)  # wall-clock arithmetic in LA: 721 real hours
    assert alpr.validate_hot_plate("7ABC123", "CA", entered, ok) == []
    late = ok + dt.timedelta(seconds=1)
    assert alpr.validate_hot_plate("7ABC123", "CA", entered, late) == ["expiry_exceeds_30_days"]
    v = alpr.validate_hot_plate("UNK", None, entered.isoformat(), ok, distribution="all", also_entered_in=["SVS"])
    assert set(v) == {
        "placeholder_plate",
        "missing_jurisdiction",
        "expiry_exceeds_24_hours",
        "missing_officer_name",
        "missing_contact_phone",
        "missing_case_number",
        "missing_synopsis",
    }
    with pytest.raises(alpr.InvalidArgumentError):
        alpr.validate_hot_plate("7ABC123", "CA", entered, ok, distribution="some")


def test_operations():
    assert alpr.inspection("2026-08-28", "2026-11-28")["overdue"] is False
    assert alpr.inspection(dt.date(2026, 8, 27), dt.date(2026, 11, 28))["overdue"] is True
    with pytest.raises(alpr.InvalidDateError):
        alpr.inspection("2026-02-30", "2026-11-28")
    s = alpr.shift_start({"gps_green": False, "cameras_affixed": True})
    assert s["ready"] is False and "gps_green" in s["failed"] and "cameras_affixed" not in s["failed"]
    # Shift end is the agency's (it looks for the operator's own-detection query in the log):
    # no module-level form takes the caller's word for it.
    assert not hasattr(alpr, "shift_end")
    d = alpr.damaged_equipment(vandalism=True)
    assert d["out_of_service"] and not d["operator_may_repair"] and d["crime_report_required"]


def test_public_records():
    r = alpr.public_records_request(False)
    assert r["channels"]["phone"] == "(916) 808-5002" and r["violations"] == []
    r = alpr.public_records_request(True, email="a@example.org")
    assert r["violations"] == ["missing_citizen_name", "missing_description"] and r["record"] is None
    r = alpr.public_records_request(True, name="A. Resident", phone="916", description="POD video")
    text = r["record"]["text"].lower()
    assert "exist" not in text and "exempt" not in text


EVENTS = st.sampled_from(["acknowledge", "broadcast", "mdc_query", "record_basis", "stop", "confirm", "reject", "close"])


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(["standard", "special", "hot_plate", "covert"]),
    origin=st.sampled_from(["vehicle", "fixed", "desktop"]),
    events=st.lists(st.tuples(EVENTS, st.booleans(), st.booleans()), max_size=20),
)
def test_refusals_change_nothing_and_stops_need_confirmation(kind, origin, events):
    hit = alpr.Hit(kind, "stolen_vehicle", origin)
    for event, a, b in events:
        before = repr(hit)
        try:
            if event == "confirm":
                hit.confirm(a, b, True, a)
            elif event == "reject":
                hit.reject("dismissed")
            elif event == "close":
                hit.close("not_recovered" if a else "other")
            else:
                getattr(hit, event)()
        except alpr.HitWorkflowError:
            assert repr(hit) == before
            continue
        if event == "stop":
            assert hit.basis_recorded and hit.disposition == "correct_read"
