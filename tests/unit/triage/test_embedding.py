import numpy as np
import pytest

from bot.triage import EMBEDDING_DIM, embed_text
from bot.triage import embedding as embedding_module
from bot.triage.embedding import EmbeddingModelError, get_embedder, prepare


def test_embedding_is_a_unit_float32_vector():
    vector = embed_text("@BancoSur me cobraron dos veces la cuota https://t.co/x #fail")
    assert vector.shape == (EMBEDDING_DIM,) and vector.dtype == np.float32
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4


def test_same_meaning_across_languages_is_closer_than_another_topic():
    spanish = embed_text("me robaron la tarjeta y hay compras que yo no hice")
    english = embed_text("my card was stolen and there are purchases I didn't make")
    unrelated = embed_text("the delivery driver was lovely, thank you")
    assert float(spanish @ english) > float(spanish @ unrelated) + 0.3


def test_batch_and_single_agree_and_empty_posts_get_zeros():
    texts = ["hola, ¿a qué hora abren?", "   ", "thanks for the quick fix"]
    batch = get_embedder().embed(texts)
    assert batch.shape == (3, EMBEDDING_DIM)
    assert np.allclose(batch[0], embed_text(texts[0]), atol=1e-5)
    assert not batch[1].any()


def test_links_and_handles_are_not_read_and_long_posts_are_capped():
    assert prepare("@brand #fail see https://t.co/abc") == "fail see"
    assert len(prepare("palabra " * 200)) == embedding_module.MAX_EMBED_CHARS


def test_a_different_model_file_is_refused(monkeypatch):
    monkeypatch.setitem(embedding_module.PINNED_SHA256, "sp.model", "0" * 64)
    with pytest.raises(EmbeddingModelError, match="sp.model"):
        embedding_module.Embedder()
