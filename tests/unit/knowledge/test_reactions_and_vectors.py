import numpy as np

from bot.knowledge.embeddings import BLOB_BYTES, decode, decode_many, encode
from bot.knowledge.reactions import Reaction, reaction_of


def test_the_reaction_is_read_from_the_next_posts_triage() -> None:
    assert reaction_of({"intent": "praise", "sentiment": "positive"}) == Reaction.THANKED
    assert reaction_of({"intent": "other", "sentiment": "positive"}) == Reaction.THANKED
    assert reaction_of({"intent": "complaint", "sentiment": "negative"}) == Reaction.ANGRY
    assert reaction_of({"intent": "question", "sentiment": "negative"}) == Reaction.ANGRY
    assert reaction_of({"intent": "question", "sentiment": "neutral"}) == Reaction.WROTE_AGAIN
    assert reaction_of(None) == Reaction.WROTE_AGAIN


def test_stored_vectors_keep_cosine_similarity_within_two_thousandths() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((200, 512)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    blobs = [encode(v) for v in vectors]
    assert {len(b) for b in blobs} == {BLOB_BYTES}
    restored = decode_many(blobs)
    error = np.abs(restored @ vectors[0] - vectors @ vectors[0]).max()
    assert error < 0.002
    assert np.allclose(decode(blobs[5]), restored[5])
    assert not np.any(decode(encode(np.zeros(512, dtype=np.float32))))
