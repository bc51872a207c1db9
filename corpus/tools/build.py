#!/usr/bin/env python3
"""Build corpus/messages.jsonl from the hand-written sources in tools/src/*.txt.

Source format (one message per line, UTF-8):

    # comment                      ignored, as are blank lines
    @prefix phone                  id prefix for the following lines (ids are <prefix>-<nnn>)
    @labels contact.phone          default labels of the following lines (empty: clean)
    @lang en                       default language (en, es, fr, de, pt)
    @region US                     default region, "-" for none
    @sender buyer                  default sender (buyer, seller), "-" for none
    ~META | text                   a message with per-line overrides; META is space-separated:
                                     r=GB  s=b|s|-  l=fr  +label  -label  =label,label  (=- for clean)
    text                           a message with the defaults

In the text, a literal "\\n" becomes a newline. The build fails on an unknown label, a duplicate text,
or a malformed line; it prints counts, and writes a review report (phone numbers and payment details
checked with libphonenumber and checksums) to tools/report.txt when the `phonenumbers` package is present.
"""

import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
SRC = HERE / "src"
OUT = HERE.parent / "messages.jsonl"

CATEGORIES = [
    "contact.phone", "contact.email", "contact.handle", "contact.request", "payment.off_platform",
    "link.phishing", "credential.request", "shipping.redirect", "pressure.urgency",
]
LANGS = {"en", "es", "fr", "de", "pt"}
ORDER = ["phone", "email", "handle", "request", "payment", "phishing", "cred", "shipping", "urgency", "clean"]


def parse_labels(s):
    s = s.strip()
    if s in ("", "-"):
        return []
    out = []
    for lab in re.split(r"[,\s]+", s):
        if lab not in CATEGORIES:
            raise ValueError(f"unknown label {lab!r}")
        out.append(lab)
    return out


def load():
    files = sorted(SRC.glob("*.txt"), key=lambda p: p.name)
    records = []
    for f in files:
        d = {"prefix": None, "labels": [], "lang": "en", "region": None, "sender": None}
        for ln, raw in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{f.name}:{ln}"
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("@"):
                key, _, val = line[1:].partition(" ")
                val = val.strip()
                if key == "prefix":
                    d["prefix"] = val
                elif key == "labels":
                    d["labels"] = parse_labels(val)
                elif key == "lang":
                    assert val in LANGS, where
                    d["lang"] = val
                elif key == "region":
                    d["region"] = None if val == "-" else val
                elif key == "sender":
                    d["sender"] = None if val == "-" else val
                else:
                    raise ValueError(f"{where}: unknown directive {key}")
                continue
            labels = list(d["labels"])
            lang, region, sender = d["lang"], d["region"], d["sender"]
            text = line
            if line.startswith("~"):
                meta, sep, text = line[1:].partition(" | ")
                if not sep:
                    raise ValueError(f"{where}: ~ line without ' | '")
                for tok in meta.split():
                    if tok.startswith("r="):
                        region = None if tok[2:] == "-" else tok[2:]
                    elif tok.startswith("s="):
                        sender = {"b": "buyer", "s": "seller", "-": None}[tok[2:]]
                    elif tok.startswith("l="):
                        lang = tok[2:]
                        assert lang in LANGS, where
                    elif tok.startswith("="):
                        labels = parse_labels(tok[1:])
                    elif tok.startswith("+"):
                        labels += parse_labels(tok[1:])
                    elif tok.startswith("-"):
                        rm = parse_labels(tok[1:])
                        labels = [x for x in labels if x not in rm]
                    else:
                        raise ValueError(f"{where}: bad meta token {tok!r}")
            text = text.replace("\\n", "\n").strip()
            if not text:
                raise ValueError(f"{where}: empty text")
            if d["prefix"] is None:
                raise ValueError(f"{where}: no @prefix")
            prefix = d["prefix"]
            if not labels:
                prefix = "clean"
            elif prefix == "clean":
                raise ValueError(f"{where}: labelled line under @prefix clean")
            records.append({"prefix": prefix, "where": where, "text": text, "region": region,
                            "sender": sender, "labels": sorted(set(labels)), "lang": lang})
    return records


def main():
    recs = load()
    seen = {}
    for r in recs:
        key = r["text"]
        if key in seen:
            sys.exit(f"duplicate text at {r['where']} and {seen[key]}: {key!r}")
        seen[key] = r["where"]
    # ids: by prefix, in source order; lines are written grouped by prefix
    counters = {}
    out = []
    recs.sort(key=lambda r: ORDER.index(r["prefix"]))  # stable: keeps source order inside a prefix
    for r in recs:
        counters[r["prefix"]] = counters.get(r["prefix"], 0) + 1
        obj = {"id": f"{r['prefix']}-{counters[r['prefix']]:03d}", "text": r["text"]}
        if r["region"]:
            obj["region"] = r["region"]
        if r["sender"]:
            obj["sender"] = r["sender"]
        obj["lang"] = r["lang"]
        obj["labels"] = r["labels"]
        out.append(obj)
        r["id"] = obj["id"]
    with OUT.open("w", encoding="utf-8") as fh:
        for o in out:
            fh.write(json.dumps(o, ensure_ascii=False) + "\n")
    print(f"wrote {len(out)} lines to {OUT}")
    try:
        import review
        review.report(recs, HERE / "report.txt")
    except ImportError as e:
        print(f"(review skipped: {e})")


if __name__ == "__main__":
    main()
