"""Triage speed, memory and quality. Not a test: prints tables (docs/triage.md quotes them).

.venv/bin/python bench/triage_bench.py

Sets (tests/data/triage/, docs/triage.md): intent_dev.jsonl (written apart from training;
thresholds were chosen on it), intent_eval.jsonl (the earlier held-out set, never tuned on),
pii_eval.jsonl and pii_markets.jsonl (personal data, per type and per market).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data" / "triage"
INTENTS = ("complaint", "question", "praise", "other")
SENTIMENTS = ("negative", "neutral", "positive")
PII_TYPES = ("email", "phone", "payment_card", "iban", "national_id", "custom")
# The brand hotline of the PII evaluation set: must never be flagged.
PII_EVAL_CONFIG_ALLOWLIST = ("+34 900 123 456",)
# A realistic day of brand mentions (docs/triage.md): most are chatter, few are urgent.
REALISTIC_MIX = {
    "other": 0.45,
    "complaint": 0.22,
    "question": 0.15,
    "praise": 0.10,
    "urgent": 0.08,
}


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def load(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def per_class(pairs: list[tuple[str, str]], labels: Iterable[str]) -> dict:
    per = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in pairs)
        fp = sum(g != label and p == label for g, p in pairs)
        fn = sum(g == label and p != label for g, p in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    return {"macro_f1": sum(v["f1"] for v in per.values()) / len(per), "per": per}


def intent_report(rows: list[dict], predict: Callable) -> dict:
    """Macro-F1 and per-class precision/recall for intent and sentiment (overall and per
    language), language accuracy, and urgent→P1 figures where rows carry urgency labels."""
    results = [predict(r["text"]) for r in rows]
    report: dict = {
        "language_accuracy": sum(
            res.language in (r["lang"], "und") for r, res in zip(rows, results, strict=True)
        )
        / len(rows)
    }
    for head, labels in (("intent", INTENTS), ("sentiment", SENTIMENTS)):
        pairs = [(r[head], getattr(res, head)) for r, res in zip(rows, results, strict=True)]
        report[head] = per_class(pairs, labels)
        for lang in ("es", "en"):
            sub = [p for p, r in zip(pairs, rows, strict=True) if r["lang"] == lang]
            report[f"{head}_{lang}"] = per_class(sub, labels)["macro_f1"]
    labelled = [
        (r, res) for r, res in zip(rows, results, strict=True) if r.get("urgent") is not None
    ]
    if labelled:
        report["urgent"] = urgent_report(labelled)
    return report


def urgent_report(labelled: list[tuple[dict, object]]) -> dict:
    """Urgent→P1 precision/recall on the set as it is, and P1 share on a realistic mix."""
    urgent = [(r, res) for r, res in labelled if r["urgent"]]
    p1 = [(r, res) for r, res in labelled if res.priority == "P1"]
    recall = sum(res.priority == "P1" for _, res in urgent) / max(1, len(urgent))
    precision = sum(bool(r["urgent"]) for r, _ in p1) / max(1, len(p1))
    kinds: dict[str, list[bool]] = defaultdict(list)
    for r, res in urgent:
        kinds[r["urgent"]].append(res.priority == "P1")
    # Realistic mix: weight each group's P1 rate by its share of a day's mentions.
    groups: dict[str, list[bool]] = defaultdict(list)
    for r, res in labelled:
        groups["urgent" if r["urgent"] else r["intent"]].append(res.priority == "P1")
    rate = {g: sum(v) / len(v) for g, v in groups.items() if v}
    share = sum(REALISTIC_MIX[g] * rate.get(g, 0.0) for g in REALISTIC_MIX)
    true_p1 = REALISTIC_MIX["urgent"] * rate.get("urgent", 0.0)
    return {
        "recall": recall,
        "precision": precision,
        "support": len(urgent),
        "per_kind_recall": {k: sum(v) / len(v) for k, v in sorted(kinds.items())},
        "p1_rate_by_group": rate,
        "p1_share_realistic": share,
        "precision_realistic": true_p1 / share if share else 0.0,
    }


def pii_report(rows: list[dict], find, key: str = "type") -> dict[str, dict[str, float]]:
    """Precision/recall per `key` ("type" or "market"): right when type and exact value agree."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for r in rows:
        gold = Counter((p["type"], p["value"]) for p in r["pii"])
        got = Counter((m.type, m.value) for m in find(r["text"]))
        for item in gold | got:
            bucket = item[0] if key == "type" else r[key]
            hit = min(gold[item], got[item])
            tp[bucket] += hit
            fp[bucket] += got[item] - hit
            fn[bucket] += gold[item] - hit
    buckets = sorted({*tp, *fp, *fn} | ({r[key] for r in rows} if key != "type" else set()))
    out = {}
    for bucket in [*buckets, "all"]:
        t = sum(tp.values()) if bucket == "all" else tp[bucket]
        f_p = sum(fp.values()) if bucket == "all" else fp[bucket]
        f_n = sum(fn.values()) if bucket == "all" else fn[bucket]
        out[bucket] = {
            "precision": t / (t + f_p) if t + f_p else 1.0,
            "recall": t / (t + f_n) if t + f_n else 1.0,
            "support": t + f_n,
        }
    return out


def print_intent(name: str, report: dict) -> None:
    print(f"\n### {name}: language accuracy {report['language_accuracy']:.3f}")
    for head in ("intent", "sentiment"):
        print(
            f"\n{head} macro-F1 {report[head]['macro_f1']:.3f} "
            f"(es {report[head + '_es']:.3f}, en {report[head + '_en']:.3f})"
        )
        print("| class | precision | recall | F1 | support |\n|---|---|---|---|---|")
        for label, v in report[head]["per"].items():
            print(
                f"| {label} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} "
                f"| {v['support']} |"
            )
    if "urgent" in report:
        u = report["urgent"]
        print(
            f"\nurgent→P1: recall {u['recall']:.3f}, precision {u['precision']:.3f} "
            f"(support {u['support']}); on a realistic mix {REALISTIC_MIX}: P1 share "
            f"{u['p1_share_realistic']:.3f}, precision of P1 {u['precision_realistic']:.3f}"
        )
        print(
            "recall per kind: " + ", ".join(f"{k} {v:.2f}" for k, v in u["per_kind_recall"].items())
        )
        print(
            "P1 rate per group: "
            + ", ".join(f"{k} {v:.2f}" for k, v in u["p1_rate_by_group"].items())
        )


def main() -> int:
    before = rss_kib()
    start = time.perf_counter()
    from bot.triage import CustomerContext, TriageConfig, find_pii, triage_post
    from bot.triage.intent import load_model
    from bot.triage.language import detect_language

    load_model()
    detect_language("hola")
    find_pii("llamame al 612 34 56 78")
    load_seconds = time.perf_counter() - start
    loaded = rss_kib()

    dev, legacy = load("intent_dev.jsonl"), load("intent_eval.jsonl")
    pii_rows = load("pii_eval.jsonl") + load("pii_markets.jsonl")
    config = TriageConfig(pii_allowlist=PII_EVAL_CONFIG_ALLOWLIST)
    timed = dev + legacy + pii_rows
    times = []
    for r in timed:
        t0 = time.perf_counter()
        triage_post(r["text"], CustomerContext(followers=r.get("followers", 0)), config)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()

    def pick(q: float) -> float:
        return times[int(q * (len(times) - 1))]

    print("| measure | value |\n|---|---|")
    print(f"| import + load models | {load_seconds * 1000:.0f} ms |")
    print(f"| RSS growth for importing and loading | {(loaded - before) / 1024:.1f} MiB |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"| peak RSS of the process | {peak:.1f} MiB |")
    print(
        f"| triage_post p50 / p95 / max | {pick(0.5):.2f} / {pick(0.95):.2f} / {times[-1]:.2f} ms |"
    )
    print(f"| posts timed | {len(times)} |")

    def run(text: str):
        return triage_post(text, config=config)

    print_intent("development set (intent_dev.jsonl)", intent_report(dev, run))
    print_intent("earlier held-out set (intent_eval.jsonl)", intent_report(legacy, run))

    def find(text: str):
        return find_pii(text, config)

    for name, rows in (
        ("pii_eval.jsonl", load("pii_eval.jsonl")),
        ("pii_markets.jsonl", load("pii_markets.jsonl")),
    ):
        print(
            f"\npersonal data per type ({name})\n"
            "| type | precision | recall | support |\n|---|---|---|---|"
        )
        for kind, v in pii_report(rows, find).items():
            print(f"| {kind} | {v['precision']:.3f} | {v['recall']:.3f} | {v['support']} |")
    print(
        "\npersonal data per market (pii_markets.jsonl)\n"
        "| market | precision | recall | support |\n|---|---|---|---|"
    )
    for market, v in pii_report(load("pii_markets.jsonl"), find, key="market").items():
        print(f"| {market} | {v['precision']:.3f} | {v['recall']:.3f} | {v['support']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
