#!/usr/bin/env python3
"""Writes a file of real-length messages for speed measurements, on standard output.

    python3 corpus/tools/bench_file.py [N] > /tmp/bench.jsonl

Every distinct text of the training set, the evaluation corpus and the held-out batches (mean about 90 bytes), with
its region, repeated in a fixed shuffled order until there are N lines (default 60,000). Labels are dropped: this is
for `marketguard bench`, `marketguard scan` and `phonenumbers_baseline.py`, not for measuring quality.
"""

import glob
import json
import pathlib
import random
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
n = int(sys.argv[1]) if len(sys.argv) > 1 else 60_000
files = sorted(glob.glob(str(ROOT / "training/*.jsonl"))) + [str(ROOT / "corpus/messages.jsonl")]
files += sorted(glob.glob(str(ROOT / "corpus/heldout/*.jsonl")))
seen, lines = set(), []
for f in files:
    for line in open(f, encoding="utf-8"):
        if not line.strip():
            continue
        d = json.loads(line)
        if d["text"] in seen:
            continue
        seen.add(d["text"])
        lines.append({"id": len(lines), "text": d["text"], "region": d.get("region")})
random.Random(7).shuffle(lines)
out = sys.stdout
for i in range(n):
    d = dict(lines[i % len(lines)])
    d["id"] = i
    out.write(json.dumps(d, ensure_ascii=False) + "\n")
mean = sum(len(l["text"].encode()) for l in lines) / len(lines)
print(f"{n} lines from {len(lines)} distinct texts, mean {mean:.0f} bytes", file=sys.stderr)
