"""alpr.spark (issue 16): matching, retro-hits and search as mapInArrow jobs on a local[2]
SparkSession over 200,000 synthetic reads in Parquet. Results equal the in-process API row for
row; one audit record per query, on the driver; a malformed list and a denied query fail on the
driver before Spark runs; rows past retention never come back; lists other than those recorded
fail the task."""

from __future__ import annotations

import datetime as dt
from collections import Counter
import os
import sys
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import alpr
import alpr.spark
from alpr import _distributed

import distributed_data as D

N_READS = 200_000

# PySpark 4.x warns under pandas 3 (which the venv has for the other tests); alpr.spark uses
# Arrow only.
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("alpr-test-spark")
        .config("spark.ui.enabled", "false")
        # Both: with the bind address alone, block fetches go to the machine's external address.
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pa.Table, dict[str, Any]]:
    table, pool = D.reads(N_READS, pool=20_000)
    lst = D.hot_list(pool, 400)
    path = tmp_path_factory.mktemp("lake") / "reads.parquet"
    pq.write_table(table, path, row_group_size=50_000)
    return path, table, lst


@pytest.fixture(scope="module")
def df(spark: Any, lake: tuple[Path, pa.Table, dict[str, Any]]) -> Any:
    return spark.read.parquet(str(lake[0]))


def _rows(t: pa.Table, key: str) -> list[tuple[Any, ...]]:
    """The rows of a table as tuples, key first, sorted (Spark returns them in any order)."""
    cols = [key] + [c for c in t.column_names if c != key]
    data = [t.column(c).to_pylist() for c in cols]
    return sorted(zip(*data), key=repr)


def _arrow(sdf: Any) -> pa.Table:
    return sdf.toArrow()


def _old_ids(table: pa.Table) -> set[int]:
    old = [i for i, t in zip(table.column("id").to_pylist(), table.column("observed_at").to_pylist()) if t < D.OLD_BEFORE]
    assert old, "the data must hold rows past retention"
    return set(old)


def _jobs(spark: Any) -> int:
    return len(spark.sparkContext.statusTracker().getJobIdsForGroup())


def test_match_hotlists_equals_the_batch_api_with_one_record(spark: Any, df: Any, lake: Any) -> None:
    _, table, lst = lake
    a, log = D.agency()
    reg = alpr.Registry(D.policy())
    reg.load_list(lst)
    before = len(log)
    out = alpr.spark.match_hotlists(df, reg, agency=a, user="i1", request=D.QUERY, jurisdiction="jurisdiction")
    got = _arrow(out)
    # One record, on the driver, written before the job; the workers write none.
    assert len(log) == before + 1
    rec = D.records(a)[-1]
    assert (rec["action"], rec["outcome"], rec["user"]) == ("query_detections", "allow", "i1")
    det = rec["details"]
    assert (det["engine"], det["read"]) == ("spark", "match")
    assert det["policy_sha256"] == a.policy_sha256 and det["retention_delete_after"] == "2y"
    assert det["lists_sha256"] == alpr.ShippedLists(reg.to_bytes()).sha256
    # The in-process batch API on the same reads, at the agency's time; rows past retention
    # are not read.
    old = _old_ids(table)
    ref = reg.match_batch(
        table, plate="plate", jurisdiction="jurisdiction", observed_at="observed_at", now=D.NOW, on_error="report", as_table=True
    )
    ids = table.column("id").to_pylist()
    keep = [i for i, r in enumerate(ref.column("read").to_pylist()) if ids[r] not in old]
    ref = ref.take(keep)
    ref = ref.set_column(0, "id", pa.array([ids[r] for r in ref.column("read").to_pylist()], pa.int64()))
    ref = ref.cast(_distributed.MATCH_SCHEMA)
    assert got.num_rows > 1000 and {"exact", "confusable"} <= set(got.column("kind").to_pylist())
    assert _rows(got, "id") == _rows(ref, "id")
    # Rows past retention never come back, though their plates are on the list.
    assert not old & set(got.column("id").to_pylist())
    on_list = {e["plate"] for e in lst["entries"]}
    assert any(p in on_list for i, p in zip(ids, table.column("plate").to_pylist()) if i in old)
    # Every action reruns the recorded query: same rows, no new record (the one after the
    # query's is the audit query of D.records).
    assert out.count() == got.num_rows and len(log) == before + 2


def test_retro_hits_equal_the_agency_s_own(spark: Any, df: Any, lake: Any) -> None:
    _, table, lst = lake
    a, log = D.agency(lst)
    before = len(log)
    got = _arrow(alpr.spark.retro_hits(df, "SVS", days=3 * 365, agency=a, user="i1", request=D.QUERY, jurisdiction="jurisdiction", device_id="device_id"))
    assert len(log) == before + 1
    rec = D.records(a)[-1]
    assert (rec["details"]["read"], rec["details"]["engine"]) == ("retro_hits", "spark")
    assert rec["query_terms"].startswith("retro_hits lists=SVS@")
    store = alpr.detection_store_from_table(table)
    ref = a.retro_hits(store, "SVS", user="i1", request=D.QUERY, days=3 * 365, as_table=True).cast(_distributed.RETRO_SCHEMA)
    assert got.num_rows > 1000
    assert _rows(got, "detection") == _rows(ref, "detection")
    assert not _old_ids(table) & set(got.column("detection").to_pylist())


def test_search_and_canvass_equal_the_agency_s_own(spark: Any, df: Any, lake: Any) -> None:
    _, table, _ = lake
    a, log = D.agency()
    store = alpr.detection_store_from_table(table)
    # The plate read most often (recent and past-retention reads of it).
    some = Counter(table.column("plate").to_pylist()).most_common(1)[0][0]
    pattern = some[:3] + "?" + some[4:]
    start, end = D.NOW - dt.timedelta(days=2000), D.NOW - dt.timedelta(days=10)
    for near in (None, (38.6, -121.5, 5000.0)):
        before = len(log)
        got = _arrow(
            alpr.spark.search(
                df, pattern, time_from=start, time_to=end, near=near, agency=a, user="i1", request=D.QUERY,
                jurisdiction="jurisdiction", device_id="device_id",
            )
        )
        assert len(log) == before + 1
        assert D.records(a)[-1]["details"]["read"] == ("search" if near is None else "canvass")
        ref = a.search(store, pattern, user="i1", request=D.QUERY, start=start, end=end, near=near).cast(_distributed.SEARCH_SCHEMA)
        assert got.num_rows > 0
        assert _rows(got, "id") == _rows(ref, "id")
        assert not _old_ids(table) & set(got.column("id").to_pylist())


def test_a_malformed_list_and_a_denied_query_fail_on_the_driver(spark: Any, df: Any, lake: Any) -> None:
    _, _, lst = lake
    a, log = D.agency(lst)
    jobs, before = _jobs(spark), len(log)
    bad = dict(lst, id="BAD", entries=[{"plate": "!!!"}, {"plate": ""}, {"plate": "UNKNOWN"}])
    with pytest.raises(alpr.HotListError):
        alpr.spark.match_hotlists(df, bad, agency=a, user="i1", request=D.QUERY)
    assert len(log) == before  # refused before any decision
    for user in ("o1", "mallory"):
        with pytest.raises(alpr.AccessDeniedError):
            alpr.spark.match_hotlists(df, agency=a, user=user, request=D.QUERY)
        with pytest.raises(alpr.AccessDeniedError):
            alpr.spark.retro_hits(df, "SVS", days=30, agency=a, user=user, request=D.QUERY)
    rec = D.records(a)
    assert [r["outcome"] for r in rec[-4:]] == ["deny"] * 4
    assert len(log) == before + 4 + 1  # the four denials, and the audit query of D.records
    with pytest.raises(KeyError):
        alpr.spark.search(df, "7AB?123", agency=a, user="i1", request=D.QUERY, lat="latitude")
    with pytest.raises(alpr.UnknownListError):
        alpr.spark.retro_hits(df, "NOPE", days=30, agency=a, user="i1", request=D.QUERY)
    # No Spark job ran for any of them.
    assert _jobs(spark) == jobs


def test_lists_other_than_those_recorded_fail_the_task(spark: Any, df: Any, lake: Any) -> None:
    _, _, lst = lake
    a, _ = D.agency(lst)
    plan = _distributed.plan_match(
        a, None, user="i1", request=D.QUERY, engine="spark", columns=df.columns, id="id", plate="plate",
        observed_at="observed_at", jurisdiction=None, plate_type=None, origin="vehicle",
    )
    assert plan.lists is not None
    good = plan.lists
    # A flipped byte in the payload: the checksum does not match.
    body = bytearray(good)
    body[len(body) // 2] ^= 0x01
    plan.lists = bytes(body)
    with pytest.raises(Exception, match="SHA-256"):
        alpr.spark._submit(df.limit(1000), plan).collect()
    # Well-formed lists, but not the ones recorded.
    other = alpr.Registry(D.policy())
    plan.lists = other.to_bytes()
    with pytest.raises(Exception, match="not the lists recorded"):
        alpr.spark._submit(df.limit(1000), plan).collect()
    plan.lists = good
    assert alpr.spark._submit(df.limit(1000), plan).count() >= 0
