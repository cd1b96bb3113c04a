#!/usr/bin/env python3
"""The baseline of the issue's whole-process figure: a rapidfuzz
token_set_ratio matcher over the same FAQ phrasings, one question a line on
stdin, the best entry id (or nothing below 60) a line out.

    time python3 scripts/rapidfuzz_baseline.py < QUESTIONS > /dev/null
    time target/release/faqbot ask --json < QUESTIONS > /dev/null
"""
import pathlib
import sys
import tomllib

from rapidfuzz import fuzz, process

ROOT = pathlib.Path(__file__).resolve().parent.parent
choices, owners = [], []
for f in sorted((ROOT / "faq").glob("*.toml")):
    for e in tomllib.loads(f.read_text()).get("entry", []):
        for text in [e["question"], *e.get("alternates", [])]:
            choices.append(text)
            owners.append(e["id"])
out = sys.stdout
for line in sys.stdin:
    best = process.extractOne(line.strip(), choices, scorer=fuzz.token_set_ratio, score_cutoff=60)
    out.write((owners[best[2]] if best else "") + "\n")
