"""Text from the internet, made safe and short enough for Slack mrkdwn."""

from __future__ import annotations

import re

# Slack's own limits.
SECTION_TEXT_LIMIT = 3000
NOTIFICATION_TEXT_LIMIT = 300


def escape(text: str) -> str:
    """Escape Slack's control characters: `<!channel>` or `<@U123>` then shows literally.

    Slack asks for exactly these three: & < >.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    """A mrkdwn link; the label is escaped, and `|` would end it early."""
    return f"<{escape(url)}|{escape(label).replace('|', '¦')}>"


_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,4}$")


def cut_escaped(text: str, limit: int, more: str = "…") -> str:
    """Escape `text` and cut it to `limit` characters including `more` when too long.

    Cuts on the escaped form so the result never exceeds the limit, never splits an
    `&amp;` entity and never leaves half a surrogate-free emoji sequence at the end.
    """
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: max(0, limit - len(more))]
    cut = _PARTIAL_ENTITY.sub("", cut)
    # Prefer a word boundary when one is near, so the cut reads naturally.
    space = cut.rfind(" ", max(0, len(cut) - 40))
    if space > 0:
        cut = cut[:space]
    return cut.rstrip() + more


def one_line(text: str) -> str:
    return " ".join(text.split())


def compact_number(n: int) -> str:
    """12 → "12", 48_200 → "48.2k", 1_250_000 → "1.3M"."""
    if n < 1000:
        return str(n)
    if n < 1_000_000:
        value, suffix = n / 1000, "k"
    else:
        value, suffix = n / 1_000_000, "M"
    shown = f"{value:.1f}".rstrip("0").rstrip(".") if value < 100 else f"{value:.0f}"
    return shown + suffix


def slack_date(ts: float, fmt: str, fallback: str) -> str:
    """Slack's date token: shown in each reader's own time zone (right for phones abroad)."""
    return f"<!date^{int(ts)}^{fmt}|{escape(fallback)}>"
