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
