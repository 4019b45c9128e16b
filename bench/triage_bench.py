"""Triage speed, memory and quality on the evaluation sets. Not a test: prints tables.

.venv/bin/python bench/triage_bench.py
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data" / "triage"
INTENTS = ("complaint", "question", "praise", "other")
PII_TYPES = ("email", "phone", "payment_card", "iban", "national_id")
# The brand hotline of the PII evaluation set: must never be flagged.
PII_EVAL_CONFIG_ALLOWLIST = ("+34 900 123 456",)


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def load(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def intent_report(rows: list[dict], predict) -> dict:
    """Macro-F1 and per-class precision/recall for intent and sentiment, language accuracy."""
    pairs = {"intent": [], "sentiment": []}
    language_ok = 0
    for r in rows:
        result = predict(r["text"])
        pairs["intent"].append((r["intent"], result.intent))
        pairs["sentiment"].append((r["sentiment"], result.sentiment))
        language_ok += result.language == r["lang"] or result.language == "und"
    report = {"language_accuracy": language_ok / len(rows)}
    for head, labels in (("intent", INTENTS), ("sentiment", ("negative", "neutral", "positive"))):
        per = {}
        for label in labels:
            tp = sum(g == label and p == label for g, p in pairs[head])
            fp = sum(g != label and p == label for g, p in pairs[head])
            fn = sum(g == label and p != label for g, p in pairs[head])
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            per[label] = {"precision": precision, "recall": recall, "f1": f1}
        report[head] = {"macro_f1": sum(v["f1"] for v in per.values()) / len(per), "per": per}
    return report


def pii_report(rows: list[dict], find) -> dict[str, dict[str, float]]:
    """Per-type precision/recall, a match counted right when type and exact value agree."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for r in rows:
        gold = Counter((p["type"], p["value"]) for p in r["pii"])
        got = Counter((m.type, m.value) for m in find(r["text"]))
        for key in gold | got:
            hit = min(gold[key], got[key])
            tp[key[0]] += hit
            fp[key[0]] += got[key] - hit
            fn[key[0]] += gold[key] - hit
    out = {}
    for kind in (*PII_TYPES, "all"):
        t = sum(tp.values()) if kind == "all" else tp[kind]
        f_p = sum(fp.values()) if kind == "all" else fp[kind]
        f_n = sum(fn.values()) if kind == "all" else fn[kind]
        out[kind] = {
            "precision": t / (t + f_p) if t + f_p else 1.0,
            "recall": t / (t + f_n) if t + f_n else 1.0,
            "support": t + f_n,
        }
    return out


def main() -> int:
    before = rss_kib()
    start = time.perf_counter()
    from bot.triage import CustomerContext, TriageConfig, find_pii, triage_post
    from bot.triage.intent import load_model
    from bot.triage.language import detect_language

    load_model()
    detect_language("hola")
    load_seconds = time.perf_counter() - start
    loaded = rss_kib()

    rows = load("intent_eval.jsonl") + load("pii_eval.jsonl")
    config = TriageConfig(pii_allowlist=PII_EVAL_CONFIG_ALLOWLIST)
    times = []
    for _ in range(3):
        for r in rows:
            t0 = time.perf_counter()
            triage_post(r["text"], CustomerContext(followers=r.get("followers", 0)), config)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    pick = lambda q: times[int(q * (len(times) - 1))]  # noqa: E731
    print("| measure | value |\n|---|---|")
    print(f"| import + load models | {load_seconds * 1000:.0f} ms |")
    print(f"| RSS delta for loading | {(loaded - before) / 1024:.1f} MiB |")
    print(
        f"| peak RSS of process | {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}"
        " MiB |"
    )
    print(f"| triage_post p50 | {pick(0.5):.2f} ms |")
    print(f"| triage_post p95 | {pick(0.95):.2f} ms |")
    print(f"| triage_post max | {times[-1]:.2f} ms |")
    print(f"| posts timed | {len(times)} |")

    report = intent_report(load("intent_eval.jsonl"), lambda t: triage_post(t, config=config))
    print(
        f"\nlanguage accuracy (und allowed for mention-only posts): "
        f"{report['language_accuracy']:.3f}"
    )
    for head in ("intent", "sentiment"):
        print(f"\n{head} macro-F1 {report[head]['macro_f1']:.3f}")
        print("| class | precision | recall | F1 |\n|---|---|---|---|")
        for label, v in report[head]["per"].items():
            print(f"| {label} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} |")

    pii = pii_report(load("pii_eval.jsonl"), lambda t: find_pii(t, config))
    print(
        "\npersonal data (pii_eval.jsonl)\n"
        "| type | precision | recall | support |\n|---|---|---|---|"
    )
    for kind, v in pii.items():
        print(f"| {kind} | {v['precision']:.3f} | {v['recall']:.3f} | {v['support']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
