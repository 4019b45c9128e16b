"""Slack's text formats as HTML, safely: mrkdwn (with its `<…>` tokens), plain text, and
customer text from a network.

Everything is escaped first and formatted after, so a customer writing `<script>`,
`<!channel>` or `*bold*` inside an escaped string sees exactly that on the page. Invisible
direction controls (a right-to-left override can make `gnp.exe` read `exe.png`) are shown
as visible marks instead of being obeyed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from markupsafe import Markup

# Characters that change the direction of the text around them without being seen.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
_TOKEN = re.compile(r"<([^<>\n]*)>")
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")
_CODE_BLOCK = re.compile(r"```(.+?)```", re.DOTALL)
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
# Slack formats only between word boundaries: `lucia_mtz` has no italics in it.
_STYLES = (
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])"), "b"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])"), "i"),
    (re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])"), "s"),
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_QUOTE_LINE = re.compile(r"^&gt; ?(.*)$")
SAFE_SCHEMES = ("http://", "https://", "mailto:")
BROADCASTS = {"here", "channel", "everyone"}


def _nowhere(url: str) -> str | None:
    """No link is followed on the page itself."""
    return None


@dataclass
class TextContext:
    """What rendering needs to know about the workspace and the person looking."""

    users: Mapping[str, str] = field(default_factory=dict)  # user id → display name
    usergroups: Mapping[str, str] = field(default_factory=dict)  # group id → handle
    channels: Mapping[str, str] = field(default_factory=dict)  # channel id → name
    me: str | None = None  # the viewer's user id: their mentions are highlighted
    tz: tzinfo = field(default_factory=lambda: ZoneInfo("UTC"))  # the viewer's time zone
    now: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())
    # A link the page can follow itself (a Slack permalink, a post on a stand-in):
    # url → in-page href, or None to leave the link as it is.
    local_link: Callable[[str], str | None] = _nowhere


def mark_controls(escaped: str) -> str:
    """Replace invisible direction controls in already-escaped text by visible marks."""
    return _BIDI.sub(
        lambda m: (
            f'<span class="ctl" title="invisible direction control">U+{ord(m.group()):04X}</span>'
        ),
        escaped,
    )


def literal(text: str) -> Markup:
    """Text shown exactly as written: escaped, direction controls made visible."""
    return Markup(mark_controls(html.escape(text, quote=True)))


def slack_unescape(text: str) -> str:
    """Undo Slack's three escapes (and only those): `&lt;` `&gt;` `&amp;`."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain_text(text: str) -> Markup:
    """A `plain_text` object's text: no formatting, no tokens, line breaks kept."""
    return Markup(str(literal(text)).replace("\n", "<br>"))


def mrkdwn(text: str, context: TextContext) -> Markup:
    """A `mrkdwn` text as Slack shows it: tokens, bold/italic/strike, code, quotes."""
    tokens: list[str] = []

    def hold(rendered: str) -> str:
        tokens.append(rendered)
        return f"\x00{len(tokens) - 1}\x00"

    text = text.replace("\x00", "")
    text = _TOKEN.sub(lambda m: hold(_token(m.group(1), context)), text)
    escaped = html.escape(slack_unescape(text), quote=True)
    escaped = _CODE_BLOCK.sub(lambda m: hold(f"<pre>{mark_controls(m.group(1))}</pre>"), escaped)
    escaped = _INLINE_CODE.sub(lambda m: hold(f"<code>{mark_controls(m.group(1))}</code>"), escaped)
    for pattern, tag in _STYLES:
        escaped = pattern.sub(rf"<{tag}>\1</{tag}>", escaped)
    escaped = mark_controls(_quotes(escaped)).replace("\n", "<br>")
    # Placeholders may nest (a token inside a code span): resolve until none is left.
    while _PLACEHOLDER.search(escaped):
        escaped = _PLACEHOLDER.sub(lambda m: tokens[int(m.group(1))], escaped)
    return Markup(escaped)


def _quotes(escaped: str) -> str:
    """Lines starting with `>` become one blockquote per run of such lines."""
    out: list[str] = []
    quoted: list[str] = []
    for line in escaped.split("\n"):
        match = _QUOTE_LINE.match(line)
        if match:
            quoted.append(match.group(1))
            continue
        if quoted:
            out.append("<blockquote>" + "\n".join(quoted) + "</blockquote>")
            quoted = []
        out.append(line)
    if quoted:
        out.append("<blockquote>" + "\n".join(quoted) + "</blockquote>")
    return "\n".join(out).replace("</blockquote>\n", "</blockquote>")


def _label(raw: str) -> str:
    return mark_controls(html.escape(slack_unescape(raw), quote=True))


def _mention(label: str, *classes: str) -> str:
    names = " ".join(("mention", *classes))
    return f'<span class="{names}">{label}</span>'


def _token(token: str, context: TextContext) -> str:
    body, _, label = token.partition("|")
    if body.startswith("@"):
        user_id = body[1:]
        name = context.users.get(user_id) or label or user_id
        mine = ("me",) if user_id == context.me else ()
        return _mention("@" + _label(name), *mine)
    if body.startswith("#"):
        name = context.channels.get(body[1:]) or label or body[1:]
        return _mention("#" + _label(name), "channel")
    if body.startswith("!"):
        return _special(body[1:], label, context)
    if not _SCHEME.match(body):
        return _label(f"<{token}>")  # not a token at all: the brackets were just text
    url = slack_unescape(body)
    shown = _label(label) if label else _label(body)
    if not url.lower().startswith(SAFE_SCHEMES):
        return shown  # javascript: and friends stay text
    local = context.local_link(url)
    if local is not None:
        return f'<a href="{html.escape(local, quote=True)}" class="local">{shown}</a>'
    href = html.escape(url, quote=True)
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{shown}</a>'


def _special(body: str, label: str, context: TextContext) -> str:
    if body in BROADCASTS:
        return _mention("@" + body, "broadcast")
    if body.startswith("subteam^"):
        group_id = body.removeprefix("subteam^")
        handle = context.usergroups.get(group_id) or label.lstrip("@") or group_id
        return _mention("@" + _label(handle), "group")
    if body.startswith("date^"):
        return _date(body, label, context)
    return _label(label or f"<!{body}>")


def _date(body: str, fallback: str, context: TextContext) -> str:
    parts = body.split("^")
    try:
        moment = datetime.fromtimestamp(int(parts[1]), context.tz)
        template = parts[2]
    except (IndexError, ValueError, OverflowError, OSError):
        return _label(fallback)
    shown = _label(format_date(template, moment, context.now().astimezone(context.tz)))
    when = f'<time datetime="{moment.isoformat()}" title="{_label(fallback)}">{shown}</time>'
    if len(parts) > 3 and parts[3].lower().startswith(SAFE_SCHEMES):
        href = html.escape(slack_unescape(parts[3]), quote=True)
        return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{when}</a>'
    return when


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def format_date(template: str, moment: datetime, now: datetime) -> str:
    """Slack's `<!date>` template tokens, in the viewer's time zone."""
    days = (moment.date() - now.date()).days
    relative = {0: "Today", 1: "Tomorrow", -1: "Yesterday"}.get(days)
    day = _ordinal(moment.day)
    values = {
        "date_num": moment.strftime("%Y-%m-%d"),
        "date": f"{moment:%B} {day}, {moment.year}",
        "date_short": f"{moment:%b} {moment.day}, {moment.year}",
        "date_long": f"{moment:%A}, {moment:%B} {day}, {moment.year}",
        "time": moment.strftime("%H:%M"),
        "time_secs": moment.strftime("%H:%M:%S"),
        "ago": _ago(now - moment),
    }
    values["date_pretty"] = relative or values["date"]
    values["date_short_pretty"] = relative or values["date_short"]
    values["date_long_pretty"] = relative or values["date_long"]
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def _ago(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        amount = "a few seconds"
    elif seconds < 3600:
        amount = f"{seconds // 60} minute{'s' if seconds // 60 != 1 else ''}"
    elif seconds < 86400:
        amount = f"{seconds // 3600} hour{'s' if seconds // 3600 != 1 else ''}"
    else:
        amount = f"{seconds // 86400} day{'s' if seconds // 86400 != 1 else ''}"
    return f"in {amount}" if future else f"{amount} ago"
