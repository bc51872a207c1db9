#!/usr/bin/env python3
"""The speed baseline of issue 12: python-phonenumbers' PhoneNumberMatcher (leniency VALID) over a JSON Lines file,
one process, each line's region (or US). Prints messages per second and the numbers found.

    pip install phonenumbers
    python3 corpus/tools/phonenumbers_baseline.py /tmp/bench.jsonl
"""

import json
import sys
import time

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

texts = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
start = time.perf_counter()
found = 0
for d in texts:
    for _ in PhoneNumberMatcher(d["text"], d.get("region") or "US", leniency=Leniency.VALID):
        found += 1
elapsed = time.perf_counter() - start
print(f"phonenumbers {phonenumbers.__version__}: {len(texts)} messages in {elapsed:.2f} s = "
      f"{len(texts) / elapsed:.0f} messages/s ({found} numbers found)")
