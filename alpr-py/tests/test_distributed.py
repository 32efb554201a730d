"""The pieces alpr.spark and alpr.dask stand on (issue 16; issue 13 item 4): Registry and Policy
pickle (a registry as versioned, checksummed list bytes: a changed byte is an error, never a
different list), ShippedLists, and ExternalGrant (granted, recorded first, checked bytes, its
kernels only for its own read)."""

from __future__ import annotations

import pickle

import pyarrow as pa
import pyarrow.compute  # noqa: F401 (pa.compute)
import pytest

import alpr
from alpr import _distributed

import distributed_data as D


def _registry() -> alpr.Registry:
    _, pool = D.reads(10, pool=300)
    reg = alpr.Registry(D.policy())
    reg.load_list(D.hot_list(pool, 50))
    reg.load_list(
        {
            "id": "OOI",
            "kind": "special",
            "priority": 5,
            "loaded_at": D.NOW.isoformat(),
            "entries": [
                {"pattern": "7AB?123", "category": "other", "record_id": "26-1", "expires_at": "2027-01-01T00:00:00Z"},
                {"plate": "8XYZ999", "vehicle": {"make": "HOND", "year": 2019}, "caution": {"armed_dangerous": True}, "attributes": {"k": "v"}},
            ],
        }
    )
    return reg


def test_registry_pickles_as_checked_list_bytes() -> None:
    reg = _registry()
    back = pickle.loads(pickle.dumps(reg))
    assert back.list_ids() == reg.list_ids() == ["OOI", "SVS"]
    for lid in reg.list_ids():
        assert back.entries(lid) == reg.entries(lid)
    assert back.policy.to_json() == reg.policy.to_json()
    for p in ("7ABC123", "8XYZ999", reg.entries("SVS")[0]["plate"]):
        assert [h.explain() for h in back.match(p, observed_at=D.NOW, now=D.NOW)] == [
            h.explain() for h in reg.match(p, observed_at=D.NOW, now=D.NOW)
        ]
    data = reg.to_bytes()
    assert data == back.to_bytes() and data.startswith(b"ALPR-LISTS 1\n")
    assert alpr.ShippedLists(data).sha256 == data.split(b"\n")[1].decode()
    for i in (0, 20, len(data) // 2, len(data) - 2):
        bad = bytearray(data)
        bad[i] ^= 0x01
        with pytest.raises(alpr.InvalidArgumentError):
            alpr.Registry.from_bytes(bytes(bad))
        with pytest.raises(alpr.InvalidArgumentError):
            alpr.ShippedLists(bytes(bad))


def test_policy_pickles() -> None:
    p = alpr.Policy().with_overrides('{"max_edits": 1}')
    back = pickle.loads(pickle.dumps(p))
    assert back.to_json() == p.to_json() and back.name == p.name


def test_a_grant_is_recorded_first_and_runs_only_its_read() -> None:
    table, pool = D.reads(2_000, pool=300)
    lst = D.hot_list(pool, 50)
    a, log = D.agency(lst)
    before = len(log)
    grant, lists = a.grant_external("i1", request=D.QUERY, read="match", engine="test")
    assert len(log) == before + 1 and lists is not None
    assert grant.sequence == log.head[0] and grant.read == "match" and grant.now == D.NOW
    assert grant.policy_sha256 == a.policy_sha256 and grant.lists_sha256 == alpr.ShippedLists(lists).sha256
    back = pickle.loads(pickle.dumps(grant))
    assert (back.sequence, back.read, back.user, back.engine) == (grant.sequence, "match", "i1", "test")
    out = back.match_batch(table, alpr.ShippedLists(lists))
    assert out.num_rows > 0 and out.column_names[0] == "id"
    bad = bytearray(grant.to_bytes())
    bad[-5] ^= 0x02
    with pytest.raises(alpr.InvalidArgumentError):
        alpr.ExternalGrant.from_bytes(bytes(bad))
    # A grant runs its own read only; lists other than those recorded are refused.
    with pytest.raises(alpr.InvalidArgumentError):
        grant.search(table)
    with pytest.raises(alpr.InvalidArgumentError):
        grant.match_batch(table, alpr.ShippedLists(alpr.Registry(D.policy()).to_bytes()))
    # The kernel output casts to the declared schema.
    assert out.cast(_distributed.MATCH_SCHEMA).schema == _distributed.MATCH_SCHEMA
    # Reads past retention are not read (nor matched): only a held id is.
    on_list = {e["plate"] for e in lst["entries"]}
    rows = zip(table.column("id").to_pylist(), table.column("plate").to_pylist(), table.column("observed_at").to_pylist())
    old = [i for i, p, t in rows if t < D.OLD_BEFORE and p in on_list]
    assert old and not set(old) & set(out.column("id").to_pylist())
    one = table.filter(pa.compute.equal(table.column("id"), old[0]))
    assert grant.match_batch(one, alpr.ShippedLists(lists)).num_rows == 0
    a.place_legal_hold("s1", old[0], "26-100", "criminal")
    held, lists = a.grant_external("i1", request=D.QUERY, read="match", engine="test")
    assert set(held.match_batch(one, alpr.ShippedLists(lists)).column("id").to_pylist()) == {old[0]}


def test_grant_arguments_are_checked_before_anything_is_recorded() -> None:
    a, log = D.agency()
    before = len(log)
    with pytest.raises(alpr.InvalidArgumentError):
        a.grant_external("i1", request=D.QUERY, read="everything", engine="spark")
    with pytest.raises(alpr.InvalidArgumentError):
        a.grant_external("i1", request=D.QUERY, read="search", engine="spark")
    with pytest.raises(alpr.InvalidArgumentError):
        a.grant_external("i1", request=D.QUERY, read="retro_hits", engine="spark", list_id="SVS")
    with pytest.raises(alpr.InvalidArgumentError):
        a.grant_external("i1", request=D.QUERY, read="match", engine="spark", lists=alpr.Registry(alpr.Policy().with_overrides('{"max_edits": 1}')))
    assert len(log) == before
    with pytest.raises(alpr.AccessDeniedError):
        a.grant_external("o1", request=D.QUERY, read="search", engine="spark", pattern="7AB?123")
    assert len(log) == before + 1
