"""Drafting help: how fast (the modal answers within Slack's 3 seconds) and how right.

Spelling on tests/data/knowledge/spelling_eval.jsonl (24 replies, Spanish and English, 12
with slips we wrote in): precision and recall of flagged words, and whether the first
suggestion is the intended word. Timings: loading the dictionaries, and the whole review
of one reply (spelling, tone with the triage's reading, language). Not a test:

  .venv/bin/python bench/drafting_bench.py
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bot.drafting import spelling  # noqa: E402
from bot.drafting.tone import check_tone  # noqa: E402
from bot.triage import detect_language  # noqa: E402

DATA = ROOT / "tests" / "data" / "knowledge" / "spelling_eval.jsonl"
# The intended words of the slips, for "is the first suggestion right".
INTENDED = {
    "tambien": "también", "facturacion": "facturación", "tecnico": "técnico",
    "lamentamso": "lamentamos", "reintegrp": "reintegro", "escrivimos": "escribimos",
    "devolusion": "devolución", "q": "que", "paso": "pasó", "xq": "porque",
    "informacion": "información", "proximo": "próximo", "nececitamos": "necesitamos",
    "numero": "número", "recieve": "receive", "definately": "definitely",
    "tecnician": "technician", "untill": "until", "thier": "their", "occured": "occurred",
    "seperate": "separate", "u": "you", "pls": "please", "paymnet": "payment",
    "adressed": "addressed", "acount": "account", "tommorow": "tomorrow",
}  # fmt: skip


def main() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    spelling.warm_up(wait=True)
    load_s = time.perf_counter() - began
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    rows = [json.loads(line) for line in DATA.read_text("utf-8").splitlines() if line.strip()]
    flagged_right = flagged_wrong = missed = first_right = 0
    for row in rows:
        found = {f.word: f.suggestions for f in spelling.check_spelling(row["text"], row["lang"])}
        for word, suggestions in found.items():
            if word in row["typos"]:
                flagged_right += 1
                first_right += bool(suggestions) and suggestions[0] == INTENDED.get(word)
            else:
                flagged_wrong += 1
        missed += sum(1 for t in row["typos"] if t not in found)
    check_tone("warm up")
    timings = []
    for _ in range(5):
        for row in rows:
            began = time.perf_counter()
            detect_language(row["text"], ("es", "en"))
            spelling.check_spelling(row["text"], row["lang"])
            check_tone(row["text"])
            timings.append((time.perf_counter() - began) * 1000)
    print(
        json.dumps(
            {
                "replies": len(rows),
                "slips": flagged_right + missed,
                "precision": round(flagged_right / max(1, flagged_right + flagged_wrong), 3),
                "recall": round(flagged_right / max(1, flagged_right + missed), 3),
                "first_suggestion_right": round(first_right / max(1, flagged_right), 3),
                "false_flags": flagged_wrong,
                "dictionaries_load_s": round(load_s, 2),
                "dictionaries_rss_mib": round(grown_mib),
                "review_ms": {
                    "p50": round(float(np.percentile(timings, 50)), 1),
                    "p95": round(float(np.percentile(timings, 95)), 1),
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
