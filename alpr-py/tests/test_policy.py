"""Policy profiles and the registry from Python."""

import json

import pytest

import alpr


def test_builtin_profile_and_round_trip():
    p = alpr.Policy()
    assert p.name == "sacramento-525.08"
    assert p.time_zone == "America/Los_Angeles"
    assert alpr.Policy.from_toml(p.to_toml()).to_json() == p.to_json()
    assert json.loads(p.with_overrides('{"max_edits": 1}').to_json())["max_edits"] == 1


def test_unknown_field_is_an_error():
    with pytest.raises(alpr.InvalidPolicyError) as info:
        alpr.Policy.from_toml("max_edit = 1\n")
    assert info.value.code == "invalid_policy"
    with pytest.raises(alpr.PolicyError):
        alpr.Policy().with_overrides("{not json")


def test_empty_registry():
    r = alpr.Registry(alpr.Policy())
    assert len(r) == 0 and r.list_ids() == []
    assert r.policy.name == "sacramento-525.08"


LIST = {
    "id": "SVS",
    "kind": "standard",
    "priority": 10,
    "loaded_at": "2026-11-28T08:00:00-08:00",
    "entries": [
        {"plate": "7ABC123", "jurisdiction": "CA", "category": "stolen_vehicle"},
        {"plate": "7abc-123", "jurisdiction": "CA", "category": "stolen_vehicle"},
        {"plate": "UNK", "jurisdiction": "CA", "category": "stolen_vehicle"},
    ],
}


def test_load_list_and_failed_load_keeps_previous():
    r = alpr.Registry(alpr.Policy().with_overrides('{"max_rejected_fraction": 1.0}'))
    rep = r.load_list(LIST)
    assert (rep.accepted, rep.merged) == (1, 1)
    assert rep.rejected == [{"index": 2, "error": "placeholder_plate"}]
    strict = alpr.Registry()
    strict.load_list({**LIST, "entries": LIST["entries"][:2]})
    with pytest.raises(alpr.TooManyRejectedError):
        strict.load_list(LIST)
    assert strict.list_ids() == ["SVS"]
    with pytest.raises(alpr.InvalidArgumentError) as info:
        strict.load_list("{\"id\": 1")
    assert "line" in info.value.position
