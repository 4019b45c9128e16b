"""Write the triage training and development sets from their writers (deterministic).

    .venv/bin/python scripts/build_triage_data.py

tests/data/triage/intent_train.jsonl  writer T (scripts/triage_data/train_writer.py) plus the
                                      project's earlier 443 training posts (writer P)
tests/data/triage/intent_dev.jsonl    writer D (scripts/triage_data/dev_writer.py)
tests/data/triage/pii_markets.jsonl   scripts/triage_data/pii_writer.py
tests/data/triage/intent_eval.jsonl   unchanged: the earlier held-out set, reported, never tuned on
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.triage_data import dev_writer, pii_writer, train_writer  # noqa: E402
from scripts.triage_data.common import DATA, dedupe, write_jsonl  # noqa: E402

EARLIER_TRAIN = DATA / "intent_train_earlier.jsonl"


def main() -> int:
    earlier = [json.loads(line) for line in EARLIER_TRAIN.read_text("utf-8").splitlines() if line]
    for row in earlier:
        row.setdefault("writer", "P")
        row.setdefault("urgent", None)  # not labelled for urgency: left out of that head
    dev = dedupe(dev_writer.generate())
    dev_texts = {r["text"].lower() for r in dev}
    held_out = {
        json.loads(line)["text"].lower()
        for line in (DATA / "intent_eval.jsonl").read_text("utf-8").splitlines()
        if line
    }
    train = [
        r
        for r in dedupe(train_writer.generate() + earlier)
        if r["text"].lower() not in dev_texts | held_out
    ]
    for i, row in enumerate(train):
        row["id"] = f"tr-{i:05d}"
    for i, row in enumerate(dev):
        row["id"] = f"dev-{i:05d}"
    print("train", write_jsonl(DATA / "intent_train.jsonl", train))
    print("dev", write_jsonl(DATA / "intent_dev.jsonl", dev))
    print("pii", write_jsonl(DATA / "pii_markets.jsonl", pii_writer.generate()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
