#!/usr/bin/env python3
"""Generates the bundled synthetic sample data of `make demo` (deterministic; no real plates).

Files: svs.tbl (CA DOJ CLEW stolen vehicles, 3000 records), special.csv (a Special Hot List with
plates and patterns), reads.csv (a stream of OCR reads: mostly misses, some exact hits, look-alike
misreads, a wrong-state read and unreadable text).
"""

import random

rng = random.Random(52508)
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
STATES = ["CA"] * 8 + ["NV", "OR", "AZ"]


def plate():
    return f"{rng.randint(1, 9)}{''.join(rng.choice(LETTERS) for _ in range(3))}{rng.randint(0, 999):03d}"


stolen = sorted({plate() for _ in range(3000)})
with open("svs.tbl", "w", newline="\n") as f:
    f.write("DATE11/28/2026 06:00\n")
    for p in stolen:
        state = rng.choice(STATES)
        county = f"{rng.randint(1, 58):02d}"
        loss = f"20{rng.randint(18, 26)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        f.write(f"{p:<8}{state}{county}{loss}\n")
    f.write(f"TOTAL RECORD {len(stolen):07d}\n")

special = [plate() for _ in range(40)]
with open("special.csv", "w", newline="\n") as f:
    f.write("plate,pattern,state,category,record_id,make,model,color\n")
    for i, p in enumerate(special):
        f.write(f"{p},,CA,investigation,OOI-{i:04d},TOYT,CAM,BLK\n")
    f.write(",7KQ*,,investigation,OOI-P001,,,\n")
    f.write(",?WXY12?,,investigation,OOI-P002,,,\n")

LOOK = {"0": "O", "O": "0", "1": "I", "I": "1", "8": "B", "B": "8", "5": "S", "S": "5", "2": "Z", "Z": "2", "6": "G", "G": "6"}
reads = []
for _ in range(400):
    reads.append((plate(), "CA"))
for p in rng.sample(stolen, 6):
    reads.append((p, "CA"))
for p in rng.sample(stolen, 40):
    idx = [i for i, c in enumerate(p) if c in LOOK]
    if idx:
        i = rng.choice(idx)
        reads.append((p[:i] + LOOK[p[i]] + p[i + 1:], "CA"))
        if len(reads) > 415:
            break
reads.append((rng.choice(stolen), "NV"))
reads.append(("7KQ" + "B12", ""))
reads.append(("AB/123", "CA"))
rng.shuffle(reads)
with open("reads.csv", "w", newline="\n") as f:
    f.write("plate,state\n")
    for p, s in reads:
        f.write(f"{p},{s}\n")
