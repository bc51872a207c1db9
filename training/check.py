#!/usr/bin/env python3
"""Checks the training set and keeps it apart from the evaluation corpus and the held-out batches.

    python3 training/check.py          # checks; exits 1 on a problem
    python3 training/check.py --fix    # also removes training lines that repeat an evaluation or held-out line

A training line "repeats" an evaluation line when their words are the same (case and punctuation aside), or when
at least 70% of their word trigrams are shared (Jaccard). Standard library only.
"""

import glob
import json
import pathlib
import re
import sys
from collections import defaultdict

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATEGORIES = {
    "contact.phone", "contact.email", "contact.handle", "contact.request", "payment.off_platform",
    "link.phishing", "credential.request", "shipping.redirect", "pressure.urgency",
}
LANGS = {"en", "es", "fr", "de", "pt"}


def norm(t):
    return " ".join(re.findall(r"\w+", t.lower()))


def shingles(t):
    w = norm(t).split()
    return set(zip(w, w[1:], w[2:])) if len(w) >= 3 else {tuple(w)}


def main():
    fix = "--fix" in sys.argv
    held = [ROOT / "corpus/messages.jsonl"] + sorted(pathlib.Path(p) for p in glob.glob(str(ROOT / "corpus/heldout/*.jsonl")))
    others = [json.loads(l)["text"] for f in held for l in f.read_text(encoding="utf-8").splitlines() if l.strip()]
    other_norm = {norm(t) for t in others}
    other_sh = [shingles(t) for t in others]
    index = defaultdict(set)
    for i, s in enumerate(other_sh):
        for g in s:
            index[g].add(i)

    problems, removed, total = [], 0, 0
    ids, texts = set(), set()
    counts = defaultdict(int)
    for f in sorted(glob.glob(str(ROOT / "training/*.jsonl"))):
        kept = []
        for n, line in enumerate(pathlib.Path(f).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{pathlib.Path(f).name}:{n}"
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(f"{where}: not JSON ({e})")
                continue
            text, labels = d.get("text"), d.get("labels")
            if not isinstance(text, str) or not isinstance(labels, list):
                problems.append(f"{where}: needs a text and a labels list")
                continue
            if labels != sorted(set(labels)) or not set(labels) <= CATEGORIES:
                problems.append(f"{where}: labels must be known categories, sorted, once each: {labels}")
            if d.get("lang") not in LANGS:
                problems.append(f"{where}: lang must be one of {sorted(LANGS)}")
            if d.get("id") in ids:
                problems.append(f"{where}: id {d.get('id')} repeats")
            ids.add(d.get("id"))
            if text in texts:
                problems.append(f"{where}: text repeats another training line")
            texts.add(text)
            s = shingles(text)
            candidates = set()
            for g in s:
                candidates |= index.get(g, set())
            repeats = norm(text) in other_norm or any(
                len(s & other_sh[i]) / len(s | other_sh[i]) >= 0.7 for i in candidates
            )
            if repeats:
                if fix:
                    removed += 1
                    continue
                problems.append(f"{where}: repeats a line of the evaluation corpus or a held-out batch: {text!r}")
            kept.append(line)
            total += 1
            counts[d.get("lang")] += 1
        if fix:
            pathlib.Path(f).write_text("\n".join(kept) + "\n", encoding="utf-8")
    for p in problems:
        print(p)
    non_en = total - counts["en"]
    print(f"{total} training lines; {non_en} non-English ({non_en / max(total, 1):.1%}); {dict(counts)}")
    if fix:
        print(f"removed {removed} lines that repeated an evaluation or held-out line")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
