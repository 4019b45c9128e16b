"""Intent and sentiment of a post.

The shipped model (data/intent_model.json, written by scripts/train_intent.py) is a logistic
regression over TF-IDF of word, word-pair and character n-grams plus the lexicon's cue counts.
It is applied here in plain Python: no scikit-learn, no pickle at run time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from bot.triage.features import post_features
from bot.triage.lexicon import classify_by_lexicon

MODEL_RESOURCE = "intent_model.json"


@dataclass(frozen=True)
class LinearHead:
    classes: tuple[str, ...]
    intercept: tuple[float, ...]
    # feature index → weight per class
    coef: Mapping[int, tuple[float, ...]]

    def scores(self, vector: Mapping[int, float]) -> list[float]:
        totals = list(self.intercept)
        for index, value in vector.items():
            weights = self.coef.get(index)
            if weights is None:
                continue
            for k, w in enumerate(weights):
                totals[k] += w * value
        return totals

    def predict(self, vector: Mapping[int, float]) -> tuple[str, float]:
        scores = self.scores(vector)
        top = max(range(len(scores)), key=scores.__getitem__)
        peak = scores[top]
        total = sum(math.exp(s - peak) for s in scores)
        return self.classes[top], 1.0 / total


@dataclass(frozen=True)
class LinearModel:
    with_lexicon: bool
    vocabulary: Mapping[str, int]
    idf: tuple[float, ...]
    heads: Mapping[str, LinearHead]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearModel:
        heads = {}
        for name, head in data["heads"].items():
            coef = {int(i): tuple(w) for i, w in head["coef"].items() if any(abs(x) > 0 for x in w)}
            heads[name] = LinearHead(tuple(head["classes"]), tuple(head["intercept"]), coef)
        return cls(
            with_lexicon=bool(data["with_lexicon"]),
            vocabulary={name: i for i, name in enumerate(data["features"])},
            idf=tuple(data["idf"]),
            heads=heads,
        )

    def vectorize(self, text: str) -> dict[int, float]:
        """Sublinear TF × IDF, L2-normalised: what scikit-learn's TfidfTransformer does."""
        vector: dict[int, float] = {}
        for name, count in post_features(text, self.with_lexicon).items():
            index = self.vocabulary.get(name)
            if index is not None and count > 0:
                vector[index] = (1.0 + math.log(count)) * self.idf[index]
        norm = math.sqrt(sum(v * v for v in vector.values()))
        if norm:
            vector = {i: v / norm for i, v in vector.items()}
        return vector

    def predict(self, text: str) -> dict[str, tuple[str, float]]:
        vector = self.vectorize(text)
        return {name: head.predict(vector) for name, head in self.heads.items()}


@lru_cache(maxsize=1)
def load_model() -> LinearModel:
    """The shipped model, loaded once per process."""
    data = resources.files("bot.triage").joinpath("data", MODEL_RESOURCE).read_text("utf-8")
    return LinearModel.from_json(json.loads(data))


def classify_intent(text: str) -> tuple[str, str]:
    """(intent, sentiment): complaint|question|praise|other, negative|neutral|positive."""
    if not any(ch.isalpha() for ch in text):
        # Emoji-only or mention-only posts: nothing to read, unless the emoji say it.
        return classify_by_lexicon(text)
    predicted = load_model().predict(text)
    intent = predicted["intent"][0]
    sentiment = predicted["sentiment"][0]
    # Keep the two answers coherent: a complaint is never "positive", praise never "negative".
    if intent == "complaint" and sentiment == "positive":
        sentiment = "negative"
    elif intent == "praise" and sentiment == "negative":
        sentiment = "positive"
    return intent, sentiment
