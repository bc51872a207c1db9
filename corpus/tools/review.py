"""A review aid for the corpus author, run by build.py: not a detector, and not part of the engine.

It writes a report of
- phone-labelled lines in which no valid number was found after a rough de-obfuscation (to check by eye),
- lines NOT labelled contact.phone in which libphonenumber's matcher (leniency VALID) finds a number
  (hard negatives are expected here; anything else is a labelling mistake),
- crypto addresses, IBANs, card and routing numbers whose checksum fails.
"""

import re
import unicodedata

import checksums as cs

try:
    import phonenumbers as pn
except ImportError:  # pragma: no cover
    pn = None

WORDS = {
    # en
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9",
    # es
    "cero": "0", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6", "siete": "7",
    "ocho": "8", "nueve": "9",
    # fr
    "zéro": "0", "un": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "sept": "7", "huit": "8",
    "neuf": "9",
    # de
    "null": "0", "eins": "1", "zwei": "2", "drei": "3", "vier": "4", "fünf": "5", "sechs": "6", "sieben": "7",
    "acht": "8", "neun": "9",
    # pt
    "um": "1", "dois": "2", "três": "3", "quatro": "4", "sete": "7", "oito": "8", "nove": "9",
}
TENS = {"twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7", "eighty": "8",
        "ninety": "9"}


def deob(text: str) -> str:
    t = unicodedata.normalize("NFKC", text)
    t = t.replace("\ufe0f", "").replace("\u20e3", "")
    t = t.lower()
    t = re.sub(r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ]?(one|two|three|four|five|six|seven|eight|nine)\b",
               lambda m: TENS[m.group(1)] + WORDS[m.group(2)], t)
    t = re.sub(r"\b(double|triple|doble|doppel)[- ]?(\w+)",
               lambda m: (WORDS.get(m.group(2), m.group(2))) * (3 if m.group(1) == "triple" else 2), t)
    t = re.sub(r"\b(" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")\b", lambda m: WORDS[m.group(1)], t)
    # letter-for-digit swaps next to digits
    for _ in range(3):
        t = re.sub(r"(?<=\d)[o](?=[\d\W])|(?<=[\d\W])[o](?=\d)", "0", t)
        t = re.sub(r"(?<=\d)[li|](?=[\d\W])|(?<=[\d\W])[li|](?=\d)", "1", t)
    return t


def find_numbers(text: str, region: str | None):
    reg = region or "US"
    hits = []
    for m in pn.PhoneNumberMatcher(text, reg, leniency=pn.Leniency.VALID):
        hits.append((m.raw_string, pn.format_number(m.number, pn.PhoneNumberFormat.E164)))
    return hits


def digit_windows(text: str, region: str | None):
    d = "".join(c for c in text if c.isdigit())
    found = []
    for i in range(len(d)):
        for j in range(i + 7, min(len(d), i + 15) + 1):
            s = d[i:j]
            for cand, reg in (("+" + s, None), (s, region or "US")):
                try:
                    n = pn.parse(cand, reg)
                except pn.NumberParseException:
                    continue
                if pn.is_valid_number(n):
                    found.append(pn.format_number(n, pn.PhoneNumberFormat.E164))
    return found


RX = {
    "btc": re.compile(r"\b(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[02-9ac-hj-np-z]{11,71})\b"),
    "eth": re.compile(r"\b0x[0-9a-fA-F]{40}\b"),
    "tron": re.compile(r"\bT[1-9A-HJ-NP-Za-km-z]{33}\b"),
    "iban": re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b"),
    "card": re.compile(r"\b(?:\d[ -]?){12,18}\d\b"),
    "aba": re.compile(r"(?i)(?:routing|aba|rtn)\D{0,20}(\d{9})\b"),
}


def report(recs, path):
    if pn is None:
        print("(phonenumbers not installed: phone review skipped)")
    lines = []
    miss, extra = 0, 0
    for r in recs:
        t, reg = r["text"], r["region"]
        if pn is not None:
            if "contact.phone" in r["labels"]:
                hits = find_numbers(t, reg) or find_numbers(deob(t), reg)
                if not hits:
                    w = digit_windows(deob(t), reg)
                    tag = "WINDOW" if w else "NONE"
                    miss += not w
                    lines.append(f"phone {tag:6} {r['where']} [{reg}] {t!r} {sorted(set(w))[:4]}")
            else:
                hits = find_numbers(unicodedata.normalize("NFKC", t), reg)
                if hits:
                    extra += 1
                    lines.append(f"NOT-PHONE-but-matched {r['where']} {r['labels']} [{reg}] {t!r} {hits}")
        for kind, rx in RX.items():
            for m in rx.finditer(t):
                s = m.group(1) if kind == "aba" else m.group(0)
                ok = {"btc": cs.btc_ok, "eth": cs.eth_ok, "tron": cs.tron_ok, "iban": cs.iban_ok,
                      "card": cs.luhn_ok, "aba": cs.aba_ok}[kind](s)
                if kind in ("card",) and not ok:
                    continue  # most long digit runs are not cards; only report the valid ones below
                if kind == "iban" and not ok and not re.match(r"[A-Z]{2}\d{2}[A-Z]{4}", s.replace(" ", "")) \
                        and len(s.replace(" ", "")) < 15:
                    continue
                lab = "payment.off_platform" in r["labels"]
                if not ok or (kind == "card" and not lab):
                    lines.append(f"{kind} {'valid' if ok else 'INVALID'} {r['where']} {r['labels']} {s!r}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"review: {miss} phone lines with no number found, {extra} other lines where a number matched; see {path}")
