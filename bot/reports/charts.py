"""Charts as PNG images: matplotlib's Agg canvas on Figure objects, never pyplot's global
state (safe in the listener threads and the scheduler at once).

Sized for a phone: 8×4.5 inches at 100 dpi (800×450 pixels), large type. The fonts are the
DejaVu fonts matplotlib ships, so images look the same on every host; the PNG carries no
creation date, so the same figures make the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.i18n import _
from bot.metrics.definitions import DailyPoint
from storage.enums import Priority

SIZE = (8.0, 4.5)
DPI = 100
INTENT_COLOURS = {
    "complaint": "#e63946",
    "question": "#457b9d",
    "praise": "#2a9d8f",
    "other": "#a8a8a8",
}
BADGE_RATE = 90.0


def _figure() -> Figure:
    figure = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _day_labels(days: Sequence[datetime]) -> list[str]:
    return [day.strftime("%a %d") for day in days]


def volume_by_intent(points: Sequence[DailyPoint]) -> bytes:
    """Stacked bars: customer posts per day, by intent."""
    figure = _figure()
    axes = figure.add_subplot()
    labels = _day_labels([p.day for p in points])
    intents = [i for i in INTENT_COLOURS if any(p.posts_by_intent.get(i) for p in points)]
    intents += sorted({i for p in points for i in p.posts_by_intent} - set(INTENT_COLOURS))
    bottom = [0] * len(points)
    for intent in intents:
        heights = [p.posts_by_intent.get(intent, 0) for p in points]
        axes.bar(
            labels,
            heights,
            bottom=bottom,
            label=intent,
            color=INTENT_COLOURS.get(intent, "#6d6875"),
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_title(_("Posts per day by intent"), fontsize=14)
    axes.set_ylabel(_("posts"))
    if intents:
        axes.legend(loc="upper left", fontsize=10, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def response_time_distribution(
    times: Sequence[timedelta], targets: Mapping[Priority, timedelta]
) -> bytes:
    """Histogram of first-response times (minutes, log scale) with the targets marked."""
    figure = _figure()
    axes = figure.add_subplot()
    minutes = [max(t.total_seconds() / 60, 0.5) for t in times]
    edges = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1440, 2880, 10080]
    if minutes:
        axes.hist(minutes, bins=edges, color="#457b9d", edgecolor="white")
    axes.set_xscale("log")
    axes.set_xticks([1, 5, 15, 60, 240, 1440, 10080], ["1m", "5m", "15m", "1h", "4h", "1d", "7d"])
    for priority, target in sorted(targets.items()):
        at = target.total_seconds() / 60
        axes.axvline(at, color="#e63946", linestyle="--", linewidth=1.5)
        axes.annotate(
            _("{priority} target").format(priority=priority),
            (at, 1),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="top",
            ha="right",
            fontsize=10,
            color="#e63946",
        )
    axes.set_title(
        _("First response times ({count} cases)").format(count=len(minutes)), fontsize=14
    )
    axes.set_ylabel(_("cases"))
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def response_rate_trend(points: Sequence[DailyPoint]) -> bytes:
    """Daily response rate (Facebook's counting) against the badge's 90 %."""
    figure = _figure()
    axes = figure.add_subplot()
    labels = _day_labels([p.day for p in points])
    rates = [None if p.response_rate is None else p.response_rate * 100 for p in points]
    shown = [(label, rate) for label, rate in zip(labels, rates, strict=True) if rate is not None]
    axes.plot(
        labels,
        [r if r is not None else float("nan") for r in rates],
        marker="o",
        color="#1d3557",
        linewidth=2,
    )
    axes.axhline(BADGE_RATE, color="#2a9d8f", linestyle="--", linewidth=1.5)
    axes.annotate(
        _("90 % badge"),
        (0, BADGE_RATE),
        xycoords=("axes fraction", "data"),
        va="bottom",
        fontsize=10,
        color="#2a9d8f",
    )
    axes.set_ylim(0, 105)
    axes.set_ylabel(_("% answered"))
    axes.set_title(
        _("Response rate per day") if shown else _("Response rate per day (no messages)"),
        fontsize=14,
    )
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)
