"""Sparse features of a post for the linear intent and sentiment models.

Shared by `scripts/train_intent.py` (training) and `bot.triage.intent` (run time), so both see
exactly the same features: folded words and word pairs, character n-grams inside words, emoji,
punctuation, and (for the hybrid model) the lexicon's cue counts.
"""

from __future__ import annotations

import emoji

from bot.triage.lexicon import count_cues
from bot.triage.text import fold, strip_noise, words


def post_features(text: str, with_lexicon: bool = True) -> dict[str, float]:
    """Feature name → raw count (TF-IDF weighting and normalisation happen in the model)."""
    raw = strip_noise(text)
    folded = fold(raw)
    tokens = words(folded)
    feats: dict[str, float] = {}

    def add(name: str, value: float = 1.0) -> None:
        feats[name] = feats.get(name, 0.0) + value

    for tok in tokens:
        add("w:" + tok)
        padded = f" {tok} "
        for n in (3, 4, 5):
            for i in range(len(padded) - n + 1):
                add("c:" + padded[i : i + n])
    for a, b in zip(tokens, tokens[1:], strict=False):
        add(f"b:{a} {b}")
    for item in emoji.emoji_list(raw):
        add("e:" + item["emoji"])
    if "?" in raw or "¿" in raw:
        add("p:?")
    if "!" in raw or "¡" in raw:
        add("p:!")
    if '"' in raw or "“" in raw:
        add("p:quote")
    if with_lexicon:
        cues = count_cues(text)
        for name in ("complaint", "sarcasm", "praise", "negated_praise", "question", "spam"):
            value = getattr(cues, name)
            if value:
                # Many cue hits in one post should not drown the n-grams.
                add("lex:" + name, min(value, 3) * 2.0)
        if cues.question_mark:
            add("lex:question_mark", 2.0)
        if cues.praise_emoji:
            add("lex:praise_emoji", 2.0)
        if cues.sarcasm_emoji:
            add("lex:sarcasm_emoji", 2.0)
        if (cues.sarcasm or cues.sarcasm_emoji) and cues.complaint:
            add("lex:ironic", 3.0)
    return feats
