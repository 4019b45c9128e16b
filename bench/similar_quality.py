"""Quality of similar-case search on our labelled posts: precision@3 and the pairs.

tests/data/knowledge/similar_posts.jsonl holds 72 customer posts on 18 problems, two in
Spanish and two in English each, written for this evaluation (not taken from the triage's
training data). Two posts form a positive pair when they are about the same problem; the
problems include near neighbours on purpose (an area outage, no mobile signal, no TV signal,
slow speed; a double charge, a price rise, a late refund, a missing invoice, a fraudulent
account). Vectors go through the stored int8 form, as the lookup sees them. Not a test:

  .venv/bin/python bench/similar_quality.py
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bot.knowledge.embeddings import decode, embed_with_triage_encoder, encode  # noqa: E402
from bot.knowledge.similar import MIN_SIMILARITY  # noqa: E402

DATA = ROOT / "tests" / "data" / "knowledge" / "similar_posts.jsonl"


def load() -> list[dict]:
    with open(DATA, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def vectors(posts: list[dict]) -> np.ndarray:
    raw = embed_with_triage_encoder([p["text"] for p in posts])
    return np.stack([decode(encode(v)) for v in raw])


def precision_at(posts: list[dict], sims: np.ndarray, k: int, cross_only: bool) -> float:
    """Mean share of same-problem posts among each post's k nearest others (leave one out);
    `cross_only` searches only the posts in the other language."""
    scores = []
    for i, post in enumerate(posts):
        candidates = [
            j
            for j in range(len(posts))
            if j != i and (not cross_only or posts[j]["lang"] != post["lang"])
        ]
        ranked = sorted(candidates, key=lambda j: -sims[i, j])[:k]
        scores.append(sum(posts[j]["problem"] == post["problem"] for j in ranked) / k)
    return float(np.mean(scores))


def report() -> dict[str, object]:
    posts = load()
    vecs = vectors(posts)
    sims = vecs @ vecs.T
    same, different = [], []
    for i, j in itertools.combinations(range(len(posts)), 2):
        (same if posts[i]["problem"] == posts[j]["problem"] else different).append(sims[i, j])
    same_a, diff_a = np.array(same), np.array(different)
    kept_same = int((same_a >= MIN_SIMILARITY).sum())
    kept_diff = int((diff_a >= MIN_SIMILARITY).sum())
    by_floor = {}
    for floor in (0.35, 0.40, 0.45, 0.50, 0.55, 0.60):
        hits, misses = int((same_a >= floor).sum()), int((diff_a >= floor).sum())
        shown, right, answered = 0, 0, 0
        for i, post in enumerate(posts):
            ranked = sorted((j for j in range(len(posts)) if j != i), key=lambda j: -sims[i, j])
            top = [j for j in ranked[:3] if sims[i, j] >= floor]
            shown += len(top)
            right += sum(posts[j]["problem"] == post["problem"] for j in top)
            answered += bool(top)
        by_floor[f"{floor:.2f}"] = {
            "pair_precision": round(hits / max(1, hits + misses), 3),
            "pair_recall": round(hits / len(same), 3),
            # What the modal would show: its top three above the floor.
            "shown_precision": round(right / max(1, shown), 3),
            "posts_with_a_match_shown": round(answered / len(posts), 3),
        }
    return {
        "pairs_by_floor": by_floor,
        "posts": len(posts),
        "problems": len({p["problem"] for p in posts}),
        "pairs": {"same_problem": len(same), "different_problem": len(different)},
        "precision_at_3": round(precision_at(posts, sims, 3, cross_only=False), 3),
        "precision_at_1": round(precision_at(posts, sims, 1, cross_only=False), 3),
        # Each post has two same-problem posts in the other language: 0.667 is perfect @3.
        "cross_language_precision_at_1": round(precision_at(posts, sims, 1, cross_only=True), 3),
        "cross_language_precision_at_2": round(precision_at(posts, sims, 2, cross_only=True), 3),
        "mean_similarity": {
            "same_problem": round(float(same_a.mean()), 3),
            "different_problem": round(float(diff_a.mean()), 3),
        },
        f"pairs_at_or_above_{MIN_SIMILARITY}": {
            "precision": round(kept_same / max(1, kept_same + kept_diff), 3),
            "recall": round(kept_same / len(same), 3),
        },
    }


if __name__ == "__main__":
    print(json.dumps(report(), indent=2))
