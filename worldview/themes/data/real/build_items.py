"""Rebuild items.jsonl (one record per sentence) from the raw documents in raw/*.jsonl.

Usage (from the repository root):

    .venv/bin/python worldview/themes/data/real/build_items.py          # rewrites items.jsonl
    .venv/bin/python worldview/themes/data/real/build_items.py --check  # exit 1 if items differ

Each raw line is one document: {"doc", "kind", "split", "ref", "title", "paragraphs": [str, ...]}.
Paragraphs are split into sentences with pysbd (English, clean=False) when it is installed;
otherwise with the small rule-based splitter below. items.jsonl was built with pysbd 0.3.4, so
rebuild with pysbd to get identical ids; `--check` tells you whether the result matches.

Item ids are "<doc>-p<para:02d>-s<sent:02d>", stable as long as the raw text does not change.
Standard library only, apart from the optional pysbd.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RAW_GLOB = os.path.join(HERE, "raw", "*.jsonl")
OUT = os.path.join(HERE, "items.jsonl")

_ABBREV = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "no",
    "gen",
    "lt",
    "col",
    "sen",
    "rep",
    "u.s",
    "u.k",
    "u.n",
    "inc",
    "ltd",
    "co",
    "corp",
    "jr",
    "sr",
}


def _fallback_split(text: str) -> list[str]:
    """Split at . ? ! (plus closing quotes/brackets) followed by space and an upper-case letter,
    a digit or an opening quote, unless the word before the period is a known abbreviation or
    a single capital letter (initials, "U.S.")."""
    out, start = [], 0
    for m in re.finditer(r"[.?!…]+[\"'”’»)\]]*\s+(?=[A-Z0-9\"“‘«(\[])", text):
        end = m.end()
        head = text[start : m.start() + 1]
        word = re.findall(r"([A-Za-z.]+)\.?$", head.rstrip(".?!…\"'”’»)]"))
        w = (word[0] if word else "").lower().rstrip(".")
        if text[m.start()] == "." and (w in _ABBREV or re.fullmatch(r"[a-z]", w or "")):
            continue
        out.append(text[start:end].strip())
        start = end
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def make_splitter():
    try:
        import pysbd  # type: ignore

        seg = pysbd.Segmenter(language="en", clean=False)
        return (lambda t: [s.strip() for s in seg.segment(t) if s.strip()]), "pysbd"
    except Exception:  # pragma: no cover - fallback path
        return _fallback_split, "fallback"


def load_docs() -> list[dict]:
    docs = []
    for fn in sorted(glob.glob(RAW_GLOB)):
        with open(fn, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    docs.append(json.loads(line))
    docs.sort(key=lambda d: (d["split"], d["kind"], d["doc"]))
    return docs


def build() -> tuple[list[dict], str]:
    split_fn, name = make_splitter()
    items = []
    for d in load_docs():
        for p, para in enumerate(d["paragraphs"]):
            for s, sent in enumerate(split_fn(para)):
                items.append(
                    {
                        "id": f"{d['doc']}-p{p:02d}-s{s:02d}",
                        "doc": d["doc"],
                        "para": p,
                        "sent": s,
                        "text": sent,
                        "source": {"kind": d["kind"], "ref": d["ref"], "title": d["title"]},
                        "split": d["split"],
                    }
                )
    ids = [it["id"] for it in items]
    assert len(ids) == len(set(ids)), "duplicate item ids"
    return items, name


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--check", action="store_true", help="compare with items.jsonl instead of writing"
    )
    args = ap.parse_args()
    items, name = build()
    text = "".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items)
    if args.check:
        with open(OUT, encoding="utf-8") as fh:
            same = fh.read() == text
        print(f"{len(items)} items rebuilt with {name}: {'identical' if same else 'DIFFERENT'}")
        return 0 if same else 1
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write(text)
    print(f"wrote {len(items)} items to {OUT} (splitter: {name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
