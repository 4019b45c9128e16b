"""Spike detection: is this hour's traffic improbable for this hour of the week? Pure.

Posts (and negative posts) in a sliding 60-minute window are compared with the same
window of the week over the previous four weeks (their median, at least 1): the count is a
spike when a Poisson draw with that mean would reach it with probability below 1e-3
(warning) or 1e-6 (crisis), it is at least 3× the baseline, and at least 10 of the
posts are negative. The ratio and minimum guard against the over-dispersion of real
traffic (one viral post), which a bare Poisson test flags too eagerly.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum, StrEnum

WEEK = timedelta(days=7)
DAY = timedelta(days=1)


class Severity(StrEnum):
    WARNING = "warning"
    CRISIS = "crisis"

    @property
    def rank(self) -> int:
        return 2 if self is Severity.CRISIS else 1


@dataclass(frozen=True)
class SpikeThresholds:
    warning_probability: float = 1e-3
    crisis_probability: float = 1e-6
    min_ratio: float = 3.0
    min_negative: int = 10
    window: timedelta = timedelta(minutes=60)
    cooldown: timedelta = timedelta(minutes=60)
    weeks: int = 4


@dataclass(frozen=True)
class WindowCounts:
    posts: int
    negative: int


def poisson_tail(count: int, mean: float) -> float:
    """P(X ≥ count) for X ~ Poisson(mean), accurate far into the tail (no 1 − cdf
    cancellation: above the mean the tail is summed directly)."""
    if count <= 0:
        return 1.0
    if mean <= 0:
        return 0.0

    def pmf(k: int) -> float:
        return math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1))

    if count > mean:
        total, k = 0.0, count
        while True:
            term = pmf(k)
            total += term
            if term < total * 1e-17 or term == 0.0:
                return total
            k += 1
    return max(0.0, 1.0 - sum(pmf(k) for k in range(count)))


def baseline_windows(now: datetime, history_starts: datetime, t: SpikeThresholds) -> list[datetime]:
    """End times of the windows the baseline is taken from: the same hour of the week over
    the previous `t.weeks` weeks that lie within the history; with fewer than two such
    weeks, the same hour of each of the previous seven days instead; none without a day of
    history (a first start's backfill is not a spike)."""
    weekly = [now - k * WEEK for k in range(1, t.weeks + 1)]
    weekly = [end for end in weekly if end - t.window >= history_starts]
    if len(weekly) >= 2:
        return weekly
    daily = [now - k * DAY for k in range(1, 8)]
    return [end for end in daily if end - t.window >= history_starts]


@dataclass(frozen=True)
class SpikeCheck:
    counts: WindowCounts
    baseline_posts: float
    baseline_negative: float
    p_posts: float
    p_negative: float
    severity: Severity | None


def assess(
    current: WindowCounts, history: Sequence[WindowCounts], t: SpikeThresholds
) -> SpikeCheck:
    """Whether `current` is a spike against the `history` windows (see the module)."""
    if not history:
        return SpikeCheck(current, 0.0, 0.0, 1.0, 1.0, None)
    base_posts = max(1.0, float(statistics.median(h.posts for h in history)))
    base_negative = max(1.0, float(statistics.median(h.negative for h in history)))
    p_posts = poisson_tail(current.posts, base_posts)
    p_negative = poisson_tail(current.negative, base_negative)
    severity: Severity | None = None
    if current.negative >= t.min_negative:
        for count, base, p in (
            (current.posts, base_posts, p_posts),
            (current.negative, base_negative, p_negative),
        ):
            if count < t.min_ratio * base or p >= t.warning_probability:
                continue
            found = Severity.CRISIS if p < t.crisis_probability else Severity.WARNING
            if severity is None or found.rank > severity.rank:
                severity = found
    return SpikeCheck(current, base_posts, base_negative, p_posts, p_negative, severity)


@dataclass(frozen=True)
class Episode:
    """An alert still open: its peak so far and the last time the window was a spike."""

    started_at: datetime
    last_fired_at: datetime
    severity: Severity
    peak_posts: int
    peak_negative: int


class Step(Enum):
    NOTHING = "nothing"
    OPEN = "open"  # post a new alert
    GROW = "grow"  # update the alert in place: more posts, or crisis now
    HOLD = "hold"  # still a spike, nothing new to say: keep the episode alive
    CLOSE = "close"  # quiet for the whole cooldown: back to normal


def next_step(
    episode: Episode | None, check: SpikeCheck, now: datetime, t: SpikeThresholds
) -> Step:
    """One alert per episode: opened once, updated while it grows, closed after a cooldown
    with nothing improbable (so a new alert waits at least that long)."""
    if check.severity is not None:
        if episode is None:
            return Step.OPEN
        grew = (
            check.counts.posts > episode.peak_posts
            or check.counts.negative > episode.peak_negative
            or check.severity.rank > episode.severity.rank
        )
        return Step.GROW if grew else Step.HOLD
    if episode is not None and now - episode.last_fired_at >= t.cooldown:
        return Step.CLOSE
    return Step.NOTHING


_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+")
STOPWORDS = frozenset(
    """
    this that with from have your what when they them then than there their about would
    could just like been were will into also only very more some does dont cant please
    thanks hola para pero como esto esta este estos estas tengo tiene hace hacer porque
    cuando donde desde hasta todo toda todos todas nada algo ustedes usted gracias favor muy
    mas más sigue siguen ayer hoy mañana otra otro pueden puedo sobre entre
    """.split()  # noqa: SIM905 (a word list reads better as text)
)


def top_terms(texts: Iterable[str], *, exclude: Iterable[str] = (), limit: int = 5) -> list[str]:
    """The words most posts of the window share (each post counts a word once), leaving out
    mentions, hashtags, links, numbers, short and common words."""
    excluded = STOPWORDS | {e.lower().lstrip("@") for e in exclude}
    counts: Counter[str] = Counter()
    for text in texts:
        words = {w.lower() for w in _WORD.findall(_NOISE.sub(" ", text))}
        counts.update(words - excluded)
    return [word for word, n in counts.most_common() if n >= 2][:limit]
