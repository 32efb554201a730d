"""A month of ALPR work as an analyst would do it in a notebook, cell by cell (issue 13, item 6).

1. A month of synthetic detections built as an Arrow table (pyarrow), put in a DetectionStore
   without a Python object per detection.
2. An audited search: a partial plate from a witness, decided and recorded before anything is read;
   the result is a pyarrow.Table, looked at in polars.
3. A new hot list arrives as a DataFrame: written as CSV into a file object, loaded through the
   agency (its load is recorded), then retro-hits of that list over the month.
4. The quarterly audit report as pandas DataFrames.

Run: ``.venv/bin/python examples/notebook_month.py`` (``make py-test`` runs it). Everything is
synthetic and seeded; the script checks what it prints, so a wrong answer fails the run.
"""

from __future__ import annotations

import datetime as dt
import io
import random

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

import alpr

UTC = dt.timezone.utc
END = dt.datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
START = END - dt.timedelta(days=30)
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def plate(rng: random.Random) -> str:
    return f"{rng.randrange(1, 10)}{''.join(rng.choices(LETTERS, k=3))}{rng.randrange(1000):03d}"


# %% 1. A month of detections, as Arrow ---------------------------------------------------------
rng = random.Random(525_08)
fleet = [plate(rng) for _ in range(20_000)]  # the vehicles that drive past the readers
n = 200_000
seconds = 30 * 24 * 3600
detections = pa.table(
    {
        "id": pa.array(range(1, n + 1), pa.uint64()),
        # A few regulars pass every day; most vehicles pass now and then.
        "plate": pa.array([fleet[rng.randrange(200 if rng.random() < 0.3 else len(fleet))] for _ in range(n)]),
        "observed_at": pa.array(
            [START + dt.timedelta(seconds=rng.randrange(seconds)) for _ in range(n)], pa.timestamp("ms", tz="UTC")
        ),
        "lat": pa.array([38.55 + rng.random() / 10 for _ in range(n)]),
        "lon": pa.array([-121.50 + rng.random() / 10 for _ in range(n)]),
        "jurisdiction": pa.array(["CA" if rng.random() < 0.9 else "NV" for _ in range(n)]),
        "device_id": pa.array([f"pod-{rng.randrange(12)}" for _ in range(n)]),
    }
)
store = alpr.DetectionStore.from_arrow(detections)
print(f"1. {store!r}")
assert len(store) == n

# %% The agency: the only door to stored detections ---------------------------------------------
roster = [
    {"id": "admin", "agency": "SPD", "roles": ["administrator"], "account": "active",
     "trained_on": dt.date(2025, 6, 1), "clearance": True},
    {"id": "analyst", "agency": "SPD", "roles": ["investigator"], "account": "active",
     "trained_on": dt.date(2025, 6, 1), "clearance": True},
]
audit = alpr.AuditLog()
agency = alpr.Agency.for_tests_and_replays("SPD", audit=audit, roster=roster, now=END)

# %% 2. An audited search: a witness remembers the first character and the last three ---------------
target = fleet[3]
pattern = f"{target[0]}*{target[-3:]}"
request = {"action": "query_detections", "purpose": "stolen_vehicle", "case_number": "26-004512"}
found = agency.search(store, pattern, user="analyst", request=request, start=END - dt.timedelta(days=14))
seen = pl.from_arrow(found)
by_plate = seen.group_by("plate").agg(pl.len().alias("sightings"), pl.col("observed_at").max().alias("last"))
print(f"2. search {pattern} over 14 days: {found.num_rows} detections of {by_plate.height} plates")
print(by_plate.sort("sightings", descending=True).head(5))
assert target in set(seen["plate"])
assert all(p[0] == target[0] and p.endswith(target[-3:]) for p in seen["plate"])
assert (seen["observed_at"] >= END - dt.timedelta(days=14)).all()
# The search was recorded before it ran, with its terms.
assert audit.head[0] == agency.head[0]

# %% 3. A new hot list arrives as a DataFrame: load it, then retro-hits over the month --------------
stolen = pl.DataFrame(
    {
        "plate": rng.sample(fleet, 150) + ["NOPLATE"],
        "state": ["CA"] * 151,
        "category": ["stolen_vehicle"] * 151,
    }
)
csv = io.BytesIO(stolen.write_csv().encode())
loaded = agency.load_list("admin", csv, "csv", id="SVS-NEW", kind="standard", priority=10)
print(f"3. {loaded!r}: rejected {loaded.rejected}")
assert loaded.accepted == 150 and [r["error"] for r in loaded.rejected] == ["placeholder_plate"]
hits = agency.retro_hits(store, "SVS-NEW", user="analyst", request=request, days=30, as_table=True)
hits_df = pl.from_arrow(hits)
print(f"   retro-hits: {hits.num_rows} hit rows over {hits_df['detection'].n_unique()} detections")
print(hits_df.group_by("kind", "tier").len().sort("len", descending=True))
exact = hits_df.filter(pl.col("kind") == "exact")
listed = set(stolen["plate"])
on_list = detections.filter(pc.is_in(detections["plate"], pa.array(sorted(listed))))
assert exact["detection"].n_unique() == on_list.num_rows

# The same list as a table, straight into a registry (no file): the same entries.
reg = alpr.Registry()
table_load = reg.load_table(stolen, id="SVS-NEW", kind="standard", priority=10, loaded_at=END)
assert (table_load.accepted, [r["index"] for r in table_load.rejected]) == (150, [150])

# %% 4. The quarterly report, as DataFrames -----------------------------------------------------------
report = agency.quarterly_report("admin", start=START, end=END + dt.timedelta(days=1), seed=7, sample_size=3)
users: pd.DataFrame = report.users_table().to_pandas()
sample: pd.DataFrame = report.sample_table().to_pandas()
records: pd.DataFrame = agency.audit_records("admin", as_table=True).to_pandas()
print("4. quarterly report, per user:")
print(users[["user", "queries", "without_case_number", "denied"]].to_string(index=False))
print(f"   review sample: {len(sample)} queries; audit log: {len(records)} records, "
      f"actions {sorted(records['action'].unique())}")
analyst = users.set_index("user").loc["analyst"]
assert analyst["queries"] == 2 and analyst["without_case_number"] == 0
assert records["sequence"].is_monotonic_increasing
print("notebook_month: ok")
