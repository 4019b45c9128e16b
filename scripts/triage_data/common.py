"""Small helpers shared by the triage data writers: seeded choice, JSON lines, length stats.

Each writer (train_writer.py, dev_writer.py, pii_writer.py) has its own phrase banks, brands,
slot values and noise; only these mechanics are shared.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "triage"

_SLOT = re.compile(r"\{(\w+)\}")


def fill(template: str, slots: dict[str, object], rng: random.Random) -> str:
    """Replace {name} with slots[name]; a list value is sampled, a callable is called."""

    def one(m: re.Match[str]) -> str:
        value = slots[m.group(1)]
        if callable(value):
            value = value(rng)
        if isinstance(value, (list, tuple)):
            value = rng.choice(value)
        return str(value)

    # Slot values may themselves hold slots ("{days} días"): fill until none remain.
    for _ in range(4):
        if "{" not in template:
            break
        template = _SLOT.sub(one, template)
    return template


def strip_accents(text: str) -> str:
    """What many people type on a phone: no accents (ñ kept half the time by the caller)."""
    text = text.replace("ñ", "\0").replace("Ñ", "\1")
    out = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return out.replace("\0", "ñ").replace("\1", "Ñ")


def tidy(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" ([,.!?;:])", r"\1", text)
    return text.strip()


def write_jsonl(path: Path, rows: Iterable[dict]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def dedupe(rows: list[dict]) -> list[dict]:
    seen: set[str] = set()
    out = []
    for row in rows:
        key = row["text"].lower()
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out
