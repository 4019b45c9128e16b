"""A regression floor for similar-case search on our labelled posts (bench/similar_quality.py
prints the full report; docs/similar-cases.md has the figures)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from bench.similar_quality import report  # noqa: E402


def test_the_nearest_post_is_almost_always_the_same_problem_across_languages() -> None:
    measured = report()
    # Measured 0.972, 0.972 and 0.644 (three same-problem posts exist per query).
    assert measured["precision_at_1"] >= 0.93
    assert measured["cross_language_precision_at_1"] >= 0.93
    assert measured["precision_at_3"] >= 0.6
