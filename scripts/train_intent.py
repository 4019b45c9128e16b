"""Train the intent/sentiment model and compare approaches on the evaluation set.

Training-time only (needs scikit-learn and numpy; the bot does not):

    .venv/bin/python scripts/train_intent.py            # compare, export the better linear model
    .venv/bin/python scripts/train_intent.py --no-write # compare only

Approaches compared on tests/data/triage/intent_eval.jsonl (never used for fitting):
  A  lexicon rules (bot.triage.lexicon)
  B  logistic regression over TF-IDF word + char n-grams
  C  hybrid: B's features plus the lexicon's cue counts
The regularisation strength is chosen by cross-validation on the training set only.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.triage.features import post_features  # noqa: E402
from bot.triage.intent import LinearModel  # noqa: E402
from bot.triage.lexicon import classify_by_lexicon  # noqa: E402

DATA = ROOT / "tests" / "data" / "triage"
MODEL_PATH = ROOT / "bot" / "triage" / "data" / "intent_model.json"
INTENTS = ["complaint", "question", "praise", "other"]
SENTIMENTS = ["negative", "neutral", "positive"]
MIN_DF = 2


def load(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pipeline(c: float):
    return make_pipeline(
        DictVectorizer(),
        TfidfTransformer(sublinear_tf=True),
        LogisticRegression(C=c, max_iter=5000, class_weight="balanced"),
    )


def prune(feature_dicts: list[dict[str, float]]) -> list[dict[str, float]]:
    df = Counter(name for feats in feature_dicts for name in feats)
    return [{k: v for k, v in feats.items() if df[k] >= MIN_DF} for feats in feature_dicts]


def choose_c(x: list[dict], y: list[str]) -> float:
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=7)
    best = (-1.0, 1.0)
    for c in (1.0, 3.0, 10.0, 30.0, 100.0):
        predicted = cross_val_predict(pipeline(c), x, y, cv=folds)
        best = max(best, (f1_score(y, predicted, average="macro"), c))
    return best[1]


def export(with_lexicon: bool, train: list[dict]) -> dict:
    feats = prune([post_features(r["text"], with_lexicon) for r in train])
    heads = {}
    vectorizer = None
    idf = None
    for head, _labels in (("intent", INTENTS), ("sentiment", SENTIMENTS)):
        y = [r[head] for r in train]
        c = choose_c(feats, y)
        model = pipeline(c).fit(feats, y)
        vec, tfidf, lr = model.steps[0][1], model.steps[1][1], model.steps[2][1]
        if vectorizer is None:
            vectorizer, idf = vec, tfidf.idf_
        assert vec.feature_names_ == vectorizer.feature_names_
        coef = lr.coef_
        classes = list(lr.classes_)
        if coef.shape[0] == 1:  # binary case: sklearn stores one row
            coef = np.vstack([-coef[0], coef[0]])
        heads[head] = {
            "classes": classes,
            "C": c,
            "intercept": [round(float(v), 5) for v in np.atleast_1d(lr.intercept_)],
            "coef": {
                str(i): [round(float(w), 5) for w in coef[:, i]]
                for i in range(coef.shape[1])
                if np.abs(coef[:, i]).max() >= 1e-4
            },
        }
    return {
        "approach": "hybrid" if with_lexicon else "linear",
        "with_lexicon": with_lexicon,
        "trained_on": len(train),
        "features": list(vectorizer.feature_names_),
        "idf": [round(float(v), 5) for v in idf],
        "heads": heads,
    }


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def evaluate(name: str, predict, rows: list[dict], memory_kib: int) -> dict:
    times, intents, sentiments = [], [], []
    for r in rows:
        start = time.perf_counter()
        intent, sentiment = predict(r["text"])
        times.append((time.perf_counter() - start) * 1000)
        intents.append(intent)
        sentiments.append(sentiment)
    gold = [r["intent"] for r in rows]
    p, rec, _, _ = precision_recall_fscore_support(gold, intents, labels=INTENTS, zero_division=0)
    times.sort()
    return {
        "approach": name,
        "intent_macro_f1": round(f1_score(gold, intents, labels=INTENTS, average="macro"), 3),
        "sentiment_macro_f1": round(
            f1_score([r["sentiment"] for r in rows], sentiments, average="macro"), 3
        ),
        "precision": {k: round(float(v), 3) for k, v in zip(INTENTS, p, strict=True)},
        "recall": {k: round(float(v), 3) for k, v in zip(INTENTS, rec, strict=True)},
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 3),
        "memory_mib": round(memory_kib / 1024, 1),
    }


def linear_predictor(model: LinearModel):
    def predict(text: str) -> tuple[str, str]:
        out = model.predict(text)
        return out["intent"][0], out["sentiment"][0]

    return predict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="compare only; keep the model")
    args = parser.parse_args()
    train, held_out = load("intent_train.jsonl"), load("intent_eval.jsonl")
    overlap = {r["text"] for r in train} & {r["text"] for r in held_out}
    if overlap:
        raise SystemExit(f"evaluation texts also in training: {sorted(overlap)[:3]}")

    results, exported = [], {}
    results.append(evaluate("A lexicon rules", classify_by_lexicon, held_out, 0))
    for label, with_lexicon in (("B linear TF-IDF", False), ("C hybrid lexicon+linear", True)):
        data = export(with_lexicon, train)
        before = rss_kib()
        model = LinearModel.from_json(json.loads(json.dumps(data)))
        memory = rss_kib() - before
        exported[label] = data
        results.append(evaluate(label, linear_predictor(model), held_out, memory))

    print(
        "| approach | intent macro-F1 | sentiment macro-F1 | P/R complaint | P/R question "
        "| P/R praise | P/R other | p95 ms/post | model RSS MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        pr = " | ".join(f"{r['precision'][k]:.2f}/{r['recall'][k]:.2f}" for k in INTENTS)
        print(
            f"| {r['approach']} | {r['intent_macro_f1']:.3f} | {r['sentiment_macro_f1']:.3f} "
            f"| {pr} | {r['p95_ms']:.2f} | {r['memory_mib']} |"
        )
    best = max(results[1:], key=lambda r: (r["intent_macro_f1"], r["sentiment_macro_f1"]))
    print(
        f"\nbetter linear model: {best['approach']}; "
        f"C intent={exported[best['approach']]['heads']['intent']['C']}, "
        f"sentiment={exported[best['approach']]['heads']['sentiment']['C']}"
    )
    (DATA / "approach_comparison.json").write_text(json.dumps(results, indent=1) + "\n")
    if not args.no_write:
        MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
        MODEL_PATH.write_text(
            json.dumps(exported[best["approach"]], separators=(",", ":"), ensure_ascii=False),
            encoding="utf-8",
        )
        print(f"wrote {MODEL_PATH.relative_to(ROOT)} ({MODEL_PATH.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
