#!/usr/bin/env python3
"""Validate corpus/messages.jsonl and print its counts. Exits 1 on any problem.

Checks: every line is a JSON object; ids are unique and look like <short>-<nnn>, with the short name
matching one of the line's labels (or "clean" for a line with none); texts are non-empty and unique;
region is ISO-3166 alpha-2 shaped; sender is buyer or seller; labels are known category names, sorted
and de-duplicated; the minimum counts hold (total, per category, clean, share of non-English lines).
"""

import collections
import json
import pathlib
import re
import sys

PATH = pathlib.Path(__file__).resolve().parent.parent / "messages.jsonl"
CATEGORIES = [
    "contact.phone", "contact.email", "contact.handle", "contact.request", "payment.off_platform",
    "link.phishing", "credential.request", "shipping.redirect", "pressure.urgency",
]
SHORT = {
    "phone": "contact.phone", "email": "contact.email", "handle": "contact.handle", "request": "contact.request",
    "payment": "payment.off_platform", "phishing": "link.phishing", "cred": "credential.request",
    "shipping": "shipping.redirect", "urgency": "pressure.urgency",
}
MIN_TOTAL, MIN_PER_CATEGORY, MIN_CLEAN, MIN_NON_EN_SHARE = 1100, 70, 450, 0.10
LANG_NAMES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese"}


def main(path=PATH):
    errors = []
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            o = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"line {n}: not JSON: {e}")
            continue
        if not isinstance(o, dict):
            errors.append(f"line {n}: not an object")
            continue
        rows.append((n, o))

    ids, texts = set(), {}
    for n, o in rows:
        i, t, labels = o.get("id"), o.get("text"), o.get("labels")
        if not isinstance(i, str) or not re.fullmatch(r"[a-z]+-\d{3,}", i):
            errors.append(f"line {n}: bad id {i!r}")
        elif i in ids:
            errors.append(f"line {n}: duplicate id {i}")
        ids.add(i)
        if not isinstance(t, str) or not t.strip():
            errors.append(f"line {n}: empty or missing text")
        elif t in texts:
            errors.append(f"line {n}: same text as line {texts[t]}")
        else:
            texts[t] = n
        if "region" in o and not (isinstance(o["region"], str) and re.fullmatch(r"[A-Z]{2}", o["region"])):
            errors.append(f"line {n}: bad region {o['region']!r}")
        if "sender" in o and o["sender"] not in ("buyer", "seller"):
            errors.append(f"line {n}: bad sender {o['sender']!r}")
        if not isinstance(labels, list) or any(lab not in CATEGORIES for lab in labels):
            errors.append(f"line {n}: bad labels {labels!r}")
            continue
        if labels != sorted(set(labels)):
            errors.append(f"line {n}: labels not sorted and de-duplicated: {labels}")
        if isinstance(i, str):
            short = i.rsplit("-", 1)[0]
            if short == "clean":
                if labels:
                    errors.append(f"line {n}: clean id with labels {labels}")
            elif SHORT.get(short) not in labels:
                errors.append(f"line {n}: id {i} but labels {labels}")

    total = len(rows)
    per = collections.Counter(lab for _, o in rows for lab in o.get("labels", []))
    single = collections.Counter(o["labels"][0] for _, o in rows if len(o.get("labels", [])) == 1)
    clean = sum(1 for _, o in rows if not o.get("labels"))
    multi = sum(1 for _, o in rows if len(o.get("labels", [])) > 1)
    langs = collections.Counter(o.get("lang", "?") for _, o in rows)
    lang_cat = collections.Counter((o.get("lang", "?"), lab) for _, o in rows for lab in (o.get("labels") or ["clean"]))
    sizes = sorted(len(o["text"].encode()) for _, o in rows if isinstance(o.get("text"), str))
    regions = collections.Counter(o.get("region", "-") for _, o in rows)

    print(f"lines: {total}   clean: {clean}   with labels: {total - clean}   multi-label: {multi}")
    print(f"{'category':22} {'lines':>5} {'single':>6}  " + " ".join(f"{x:>4}" for x in LANG_NAMES))
    for c in CATEGORIES + ["clean"]:
        tot = clean if c == "clean" else per[c]
        sg = clean if c == "clean" else single[c]
        print(f"{c:22} {tot:5} {sg:6}  " + " ".join(f"{lang_cat[(lg, c)]:4}" for lg in LANG_NAMES))
    non_en = total - langs.get("en", 0)
    print("languages: " + ", ".join(f"{LANG_NAMES.get(k, k)} {v}" for k, v in langs.most_common())
          + f"; non-English {non_en} ({non_en / max(total, 1):.1%})")
    print("regions: " + ", ".join(f"{k} {v}" for k, v in regions.most_common()))
    if sizes:
        over = sum(1 for s in sizes if s > 300)
        print(f"text bytes: median {sizes[len(sizes) // 2]}, max {sizes[-1]}, over 300 bytes: {over} "
              f"({over / len(sizes):.1%})")

    if total < MIN_TOTAL:
        errors.append(f"only {total} lines (< {MIN_TOTAL})")
    for c in CATEGORIES:
        if per[c] < MIN_PER_CATEGORY:
            errors.append(f"{c}: only {per[c]} lines (< {MIN_PER_CATEGORY})")
    if clean < MIN_CLEAN:
        errors.append(f"only {clean} clean lines (< {MIN_CLEAN})")
    if non_en < MIN_NON_EN_SHARE * total:
        errors.append(f"non-English share {non_en / max(total, 1):.1%} < {MIN_NON_EN_SHARE:.0%}")
    for e in errors:
        print("ERROR:", e, file=sys.stderr)
    print("OK" if not errors else f"{len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else PATH))
