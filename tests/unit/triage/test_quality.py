"""Quality floors: fail when a change makes triage worse than the figures in docs/triage.md.

Each floor sits a little below the figure measured by bench/triage_bench.py, on the
development set (written apart from the training data; thresholds were chosen on it), on the
earlier held-out set, and on the personal-data sets. The model is loaded once per session.
"""

import importlib.util
from functools import cache
from pathlib import Path

from bot.triage import TriageConfig, find_pii, triage_post

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("triage_bench", ROOT / "bench" / "triage_bench.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

CONFIG = TriageConfig(pii_allowlist=bench.PII_EVAL_CONFIG_ALLOWLIST)


@cache
def report(name: str) -> dict:
    return bench.intent_report(bench.load(name), lambda t: triage_post(t))


def test_sets_are_separate_and_large_enough():
    train = {r["text"].lower() for r in bench.load("intent_train.jsonl")}
    dev = bench.load("intent_dev.jsonl")
    held_out = bench.load("intent_eval.jsonl")
    assert len(train) >= 5000 and len(dev) >= 1000 and len(held_out) >= 300
    assert not train & {r["text"].lower() for r in dev}
    assert not train & {r["text"].lower() for r in held_out}
    assert {r["writer"] for r in dev} == {"D"} and "D" not in {
        r["writer"] for r in bench.load("intent_train.jsonl")
    }


def test_development_set_quality():
    dev = report("intent_dev.jsonl")
    assert dev["language_accuracy"] >= 0.97
    assert dev["intent"]["macro_f1"] >= FLOORS["dev_intent"]
    assert dev["intent_es"] >= FLOORS["dev_intent_es"]
    assert dev["intent_en"] >= FLOORS["dev_intent_en"]
    assert dev["sentiment"]["macro_f1"] >= FLOORS["dev_sentiment"]
    recall = {k: v["recall"] for k, v in dev["intent"]["per"].items()}
    for label, floor in FLOORS["dev_recall"].items():
        assert recall[label] >= floor, label


def test_urgent_posts_reach_p1_and_p1_stays_rare():
    urgent = report("intent_dev.jsonl")["urgent"]
    assert urgent["recall"] >= FLOORS["urgent_recall"]
    assert urgent["precision"] >= FLOORS["urgent_precision"]
    assert urgent["p1_share_realistic"] <= FLOORS["p1_share_at_most"]


def test_earlier_held_out_set_quality():
    held_out = report("intent_eval.jsonl")
    assert held_out["language_accuracy"] >= 0.98
    assert held_out["intent"]["macro_f1"] >= FLOORS["legacy_intent"]
    assert held_out["sentiment"]["macro_f1"] >= FLOORS["legacy_sentiment"]


def test_personal_data_quality_per_type_and_market():
    def find(text):
        return find_pii(text, CONFIG)

    for name in ("pii_eval.jsonl", "pii_markets.jsonl"):
        for kind, v in bench.pii_report(bench.load(name), find).items():
            assert v["precision"] >= 0.95, (name, kind)
            assert v["recall"] >= 0.95, (name, kind)
    for market, v in bench.pii_report(bench.load("pii_markets.jsonl"), find, "market").items():
        assert v["precision"] >= 0.95 and v["recall"] >= 0.95, market


# Measured figures (docs/triage.md, bench/triage_bench.py) in comments; floors ~0.02 below.
FLOORS = {
    "dev_intent": 0.74,  # 0.756
    "dev_intent_es": 0.74,  # 0.758
    "dev_intent_en": 0.73,  # 0.754
    "dev_sentiment": 0.69,  # 0.710
    "dev_recall": {
        "complaint": 0.76,  # 0.788
        "question": 0.79,  # 0.815
        "praise": 0.69,  # 0.720
        "other": 0.67,  # 0.696
    },
    "urgent_recall": 0.67,  # 0.694
    "urgent_precision": 0.92,  # 0.944
    "p1_share_at_most": 0.09,  # 0.071 on the realistic mix
    "legacy_intent": 0.86,  # 0.887
    "legacy_sentiment": 0.81,  # 0.836
}
