"""alpr.dask (issue 16): the functions of alpr.spark as map_partitions over a Dask DataFrame;
results equal to the in-process API, one audit record per query on the client, the lists shipped
as one checked value."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyarrow as pa
import pytest

import alpr
import alpr.dask
from alpr import _distributed

import distributed_data as D

dd = pytest.importorskip("dask.dataframe")


def _rows(t: pa.Table, key: str) -> list[tuple[Any, ...]]:
    cols = [key] + [c for c in t.column_names if c != key]
    return sorted(zip(*[t.column(c).to_pylist() for c in cols]), key=repr)


@pytest.fixture(scope="module")
def data() -> tuple[Any, pa.Table, dict[str, Any]]:
    table, pool = D.reads(40_000, pool=5_000, seed=3)
    lst = D.hot_list(pool, 200)
    return dd.from_pandas(table.to_pandas(), npartitions=4), table, lst


def _computed(ddf: Any, schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pandas(ddf.compute(scheduler="threads"), preserve_index=False).cast(schema)


def test_match_retro_and_search_equal_the_in_process_api(data: Any) -> None:
    ddf, table, lst = data
    a, log = D.agency(lst)
    old = {i for i, t in zip(table.column("id").to_pylist(), table.column("observed_at").to_pylist()) if t < D.OLD_BEFORE}
    # Matching against a registry given on the client.
    reg = alpr.Registry(D.policy())
    reg.load_list(lst)
    before = len(log)
    got = _computed(alpr.dask.match_hotlists(ddf, reg, agency=a, user="i1", request=D.QUERY), _distributed.MATCH_SCHEMA)
    assert len(log) == before + 1
    ref = reg.match_batch(table, plate="plate", observed_at="observed_at", now=D.NOW, on_error="report", as_table=True)
    ids = table.column("id").to_pylist()
    keep = [i for i, r in enumerate(ref.column("read").to_pylist()) if ids[r] not in old]
    ref = ref.take(keep)
    ref = ref.set_column(0, "id", pa.array([ids[r] for r in ref.column("read").to_pylist()], pa.int64()))
    assert got.num_rows > 100
    assert _rows(got, "id") == _rows(ref.cast(_distributed.MATCH_SCHEMA), "id")
    # Retro-hits of the agency's list, and a search.
    store = alpr.detection_store_from_table(table)
    got = _computed(alpr.dask.retro_hits(ddf, "SVS", days=2000, agency=a, user="i1", request=D.QUERY, jurisdiction="jurisdiction", device_id="device_id"), _distributed.RETRO_SCHEMA)
    ref = a.retro_hits(store, "SVS", user="i1", request=D.QUERY, days=2000, as_table=True)
    assert got.num_rows > 100 and not old & set(got.column("detection").to_pylist())
    assert _rows(got, "detection") == _rows(ref.cast(_distributed.RETRO_SCHEMA), "detection")
    p = Counter(table.column("plate").to_pylist()).most_common(1)[0][0]
    got = _computed(alpr.dask.search(ddf, p[:2] + "?" + p[3:], agency=a, user="i1", request=D.QUERY, jurisdiction="jurisdiction", device_id="device_id"), _distributed.SEARCH_SCHEMA)
    ref = a.search(store, p[:2] + "?" + p[3:], user="i1", request=D.QUERY)
    assert got.num_rows > 0 and _rows(got, "id") == _rows(ref.cast(_distributed.SEARCH_SCHEMA), "id")
    recs = D.records(a)
    assert [r["details"]["engine"] for r in recs if r["details"].get("engine")] == ["dask"] * 3
    # A denied query fails on the client; nothing is computed.
    with pytest.raises(alpr.AccessDeniedError):
        alpr.dask.match_hotlists(ddf, agency=a, user="o1", request=D.QUERY)
