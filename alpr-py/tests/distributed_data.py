"""Synthetic reads and an agency for the Spark and Dask tests (and the benchmark): plates from a
pool, some on a hot list; times either well inside the two-year detection retention or well past
it (never near the boundary, so which rows are past retention is known without the policy's
calendar)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pyarrow as pa

import alpr

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
QUERY = {"action": "query_detections", "purpose": "stolen_vehicle"}
# Rows observed before this are past the built-in policy's 2-year retention at NOW; rows after
# RECENT_FROM are not. None fall in between.
OLD_BEFORE = NOW - dt.timedelta(days=800)
RECENT_FROM = NOW - dt.timedelta(days=600)

_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_DIGITS = "0123456789"


def _user(uid: str, role: str) -> dict[str, Any]:
    return {
        "id": uid,
        "agency": "SPD",
        "roles": [role],
        "account": "active",
        "trained_on": dt.date(2025, 6, 1),
        "clearance": True,
    }


ROSTER = [_user("a1", "administrator"), _user("i1", "investigator"), _user("o1", "operator"), _user("s1", "supervisor")]


def policy() -> alpr.Policy:
    return alpr.Policy()


def plate(rng: random.Random) -> str:
    c = rng.choice
    return c(_DIGITS[1:]) + c(_LETTERS) + c(_LETTERS) + c(_LETTERS) + c(_DIGITS) + c(_DIGITS) + c(_DIGITS)


_LOOK_ALIKE = {"0": "D", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G"}


def look_alike(p: str) -> str:
    """``p`` with its last digit that has a look-alike letter replaced by it (``8`` → ``B``):
    a misread the matcher reports as ``confusable``."""
    for i in range(len(p) - 1, -1, -1):
        if p[i] in _LOOK_ALIKE:
            return p[:i] + _LOOK_ALIKE[p[i]] + p[i + 1 :]
    return p


def reads(n: int, *, pool: int, seed: int = 16) -> tuple[pa.Table, list[str]]:
    """``n`` reads (``id``, ``plate``, ``observed_at``, ``lat``, ``lon``, ``jurisdiction``,
    ``device_id``) over a pool of ``pool`` plates, one in twenty misread as a look-alike; one
    read in five is past retention. Returns
    the table and the pool."""
    rng = random.Random(seed)
    plates = sorted({plate(rng) for _ in range(pool)})
    span_recent = int((NOW - RECENT_FROM).total_seconds())
    span_old = 200 * 86400
    ids, ps, ts, lat, lon, jur, dev = [], [], [], [], [], [], []
    for i in range(n):
        ids.append(i + 1)
        p = rng.choice(plates)
        if rng.random() < 0.05:
            p = look_alike(p)
        ps.append(p)
        if rng.random() < 0.2:
            ts.append(OLD_BEFORE - dt.timedelta(seconds=rng.randrange(span_old)))
        else:
            ts.append(NOW - dt.timedelta(seconds=rng.randrange(1, span_recent)))
        lat.append(38.5 + rng.random() * 0.2)
        lon.append(-121.6 + rng.random() * 0.2)
        jur.append("CA" if rng.random() < 0.9 else None)
        dev.append(f"pod-{rng.randrange(40)}")
    table = pa.table(
        {
            "id": pa.array(ids, pa.int64()),
            "plate": pa.array(ps, pa.string()),
            "observed_at": pa.array(ts, pa.timestamp("us", tz="UTC")),
            "lat": pa.array(lat, pa.float64()),
            "lon": pa.array(lon, pa.float64()),
            "jurisdiction": pa.array(jur, pa.string()),
            "device_id": pa.array(dev, pa.string()),
        }
    )
    return table, plates


def hot_list(plates: list[str], n: int, *, seed: int = 7, list_id: str = "SVS") -> dict[str, Any]:
    """A list of ``n`` plates of the pool (a list value for ``Registry.load_list``)."""
    rng = random.Random(seed)
    chosen = rng.sample(plates, n)
    return {
        "id": list_id,
        "kind": "standard",
        "priority": 10,
        "loaded_at": (NOW - dt.timedelta(hours=2)).isoformat(),
        "entries": [{"plate": p, "jurisdiction": "CA", "category": "stolen_vehicle"} for p in chosen],
    }


def list_csv(lst: dict[str, Any]) -> bytes:
    lines = ["plate,jurisdiction,category"] + [f"{e['plate']},CA,stolen_vehicle" for e in lst["entries"]]
    return ("\n".join(lines) + "\n").encode()


def agency(lst: dict[str, Any] | None = None) -> tuple[alpr.Agency, alpr.AuditLog]:
    """An agency at NOW with the list loaded through it (as ``SVS``)."""
    log = alpr.AuditLog()
    a = alpr.Agency.for_tests_and_replays("SPD", audit=log, roster=ROSTER, now=NOW, policy=policy())
    if lst is not None:
        a.load_list("a1", list_csv(lst), "csv", id=lst["id"], kind="standard", priority=10)
    return a, log


def records(a: alpr.Agency) -> list[dict[str, Any]]:
    """Every record before the auditor's own request (which is the last)."""
    return a.audit_records("a1")[:-1]
