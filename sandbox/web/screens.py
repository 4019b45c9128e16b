"""What each part of the page shows, read from the stand-ins for one viewer.

The Slack parts render what the bot really sent (messages, threads, ephemerals, modals,
the Home tab), as stored by the Slack stand-in; nothing here knows Carethread's workflow.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from sandbox.slack_api import SlackStandIn
from sandbox.slack_workspace import WORKSPACE_URL, ts_key
from sandbox.web.mrkdwn import (
    SAFE_SCHEMES,
    TextContext,
    format_date,
    literal,
    mark_controls,
    mrkdwn,
    plain_text,
)
from sandbox.web.networks import NetworkPanel

_PERMALINK = re.compile(re.escape(WORKSPACE_URL) + r"archives/([A-Z0-9]+)/p(\d{10})(\d{6})")


@dataclass(frozen=True)
class Person:
    """Someone in the sandbox workspace the page can be used as."""

    user_id: str
    name: str
    role: str  # in words: "agent", "approver", "not an approver"


def thread_href(ts: str) -> str:
    return f"#thread={ts}"


def unsupported(kind: str) -> Markup:
    """What the page shows instead of a Block Kit element it cannot draw: never nothing."""
    return Markup('<span class="unsupported">unsupported element: {}</span>').format(kind)


def _emoji(element: dict) -> str:
    code = element.get("unicode")
    if isinstance(code, str):
        try:
            return "".join(chr(int(part, 16)) for part in code.split("-"))
        except ValueError:
            pass
    return f":{element.get('name', '')}:"


class Renderer:
    """Text and Block Kit helpers the templates call, for one viewer."""

    def __init__(self, context: TextContext) -> None:
        self.context = context

    def text(self, obj: Any) -> Markup:
        """A text object (`mrkdwn` or `plain_text`); a bare string counts as mrkdwn."""
        if isinstance(obj, str):
            return mrkdwn(obj, self.context)
        if not isinstance(obj, dict):
            return Markup("")
        if obj.get("type") == "plain_text":
            return plain_text(str(obj.get("text", "")))
        return mrkdwn(str(obj.get("text", "")), self.context)

    def mrkdwn(self, text: str) -> Markup:
        return mrkdwn(text, self.context)

    def literal(self, text: str) -> Markup:
        return literal(text)

    def clock(self, ts: str) -> str:
        """A message time ("09:11") in the viewer's time zone."""
        return self.when(datetime.fromtimestamp(float(ts), self.context.tz))

    def when(self, moment: datetime) -> str:
        return moment.astimezone(self.context.tz).strftime("%H:%M")

    def epoch_clock(self, seconds: float) -> str:
        return datetime.fromtimestamp(seconds, self.context.tz).strftime("%H:%M:%S")

    @staticmethod
    def safe_url(url: object) -> str:
        """A link or image address the page may use: http(s) or mailto only."""
        return url if isinstance(url, str) and url.lower().startswith(SAFE_SCHEMES) else ""

    @staticmethod
    def confirm_json(confirm: dict) -> str:
        """A confirm dialog's texts, for the page's script to show (as text, never HTML)."""

        def words(obj: Any, default: str) -> str:
            return str(obj.get("text", default)) if isinstance(obj, dict) else default

        return json.dumps(
            {
                "title": words(confirm.get("title"), "Are you sure?"),
                "text": words(confirm.get("text"), ""),
                "confirm": words(confirm.get("confirm"), "Yes"),
                "deny": words(confirm.get("deny"), "Cancel"),
            }
        )

    def rich_text(self, block: dict) -> Markup:
        """A `rich_text` block: sections, lists, quotes and preformatted runs."""
        return Markup("".join(self._rich(e) for e in block.get("elements") or []))

    def _rich(self, element: dict) -> str:
        kind = element.get("type")
        inner = "".join(self._rich_inline(e) for e in element.get("elements") or [])
        if kind == "rich_text_section":
            return f"<div>{inner}</div>"
        if kind == "rich_text_quote":
            return f"<blockquote>{inner}</blockquote>"
        if kind == "rich_text_preformatted":
            return f"<pre>{inner}</pre>"
        if kind == "rich_text_list":
            tag = "ol" if element.get("style") == "ordered" else "ul"
            items = "".join(f"<li>{self._rich(e)}</li>" for e in element.get("elements") or [])
            return f"<{tag}>{items}</{tag}>"
        return str(unsupported(str(kind)))

    def _rich_inline(self, element: dict) -> str:
        kind = element.get("type")
        context = self.context
        if kind == "text":
            out = str(literal(str(element.get("text", "")))).replace("\n", "<br>")
            style = element.get("style") or {}
            for key, tag in (("code", "code"), ("strike", "s"), ("italic", "i"), ("bold", "b")):
                if style.get(key):
                    out = f"<{tag}>{out}</{tag}>"
            return out
        if kind == "link":
            label = str(literal(str(element.get("text") or element.get("url", ""))))
            url = self.safe_url(element.get("url"))
            if not url:
                return label
            href = html.escape(url, quote=True)
            return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{label}</a>'
        if kind == "user":
            return str(mrkdwn(f"<@{element.get('user_id', '')}>", context))
        if kind == "usergroup":
            return str(mrkdwn(f"<!subteam^{element.get('usergroup_id', '')}>", context))
        if kind == "channel":
            return str(mrkdwn(f"<#{element.get('channel_id', '')}>", context))
        if kind == "broadcast":
            return str(mrkdwn(f"<!{element.get('range', 'here')}>", context))
        if kind == "emoji":
            return mark_controls(html.escape(element.get("unicode_char") or _emoji(element)))
        if kind == "date":
            moment = datetime.fromtimestamp(int(element.get("timestamp", 0)), context.tz)
            now = context.now().astimezone(context.tz)
            shown = format_date(str(element.get("format", "{date_short}")), moment, now)
            return str(literal(shown))
        return str(unsupported(str(kind)))

    @staticmethod
    def options(element: dict) -> list[dict]:
        """Every option of a select/overflow/radio, groups flattened (with their label)."""
        found = [dict(o, group=None) for o in element.get("options") or []]
        for group in element.get("option_groups") or []:
            label = (group.get("label") or {}).get("text", "")
            found += [dict(o, group=label) for o in group.get("options") or []]
        return found

    @staticmethod
    def state_value(view: dict | None, block: dict, element: dict) -> Any:
        """What the person typed or picked in an input (kept across errors and updates),
        or the element's initial value."""
        values = ((view or {}).get("state") or {}).get("values") or {}
        entry = (values.get(block.get("block_id", "")) or {}).get(element.get("action_id", ""))
        if entry is not None:
            if "value" in entry:
                return entry["value"] or ""
            if "selected_option" in entry:
                return (entry["selected_option"] or {}).get("value")
            if "selected_options" in entry:
                return [o.get("value") for o in entry["selected_options"] or []]
        if "initial_value" in element:
            return element["initial_value"]
        if "initial_option" in element:
            return (element["initial_option"] or {}).get("value")
        if "initial_options" in element:
            return [o.get("value") for o in element["initial_options"] or []]
        return None


@dataclass
class Shown:
    """A message as the page shows it: the stored message plus where it sits."""

    message: dict
    channel: str
    ephemeral: bool = False
    replies: int = 0
    in_thread: bool = False

    @property
    def ts(self) -> str:
        return str(self.message["ts"])

    @property
    def blocks(self) -> list[dict]:
        return list(self.message.get("blocks") or [])

    @property
    def edited(self) -> bool:
        return "edited" in self.message


@dataclass
class SlackScreen:
    """Everything of Slack the viewer sees now."""

    me: str
    channel_id: str
    channel_name: str
    channel: list[Shown] = field(default_factory=list)
    thread: list[Shown] = field(default_factory=list)
    thread_ts: str | None = None
    dms: list[Shown] = field(default_factory=list)
    modal: dict | None = None
    modal_errors: dict[str, str] = field(default_factory=dict)
    modal_stack: int = 0
    home: dict | None = None

    @property
    def modal_key(self) -> str:
        """Changes only when another modal opens or the app updates this one: never while
        someone types. (Inline errors come back with the submission and are shown there;
        a page loaded afresh draws them from the stand-in.)"""
        if self.modal is None:
            return ""
        return f"{self.modal['id']}:{self.modal['hash']}"


def text_context(
    slack: SlackStandIn, me: str, networks: list[NetworkPanel], channel_id: str
) -> TextContext:
    with slack.lock:
        users = {u: d["name"] for u, d in slack.workspace.users.items()}
        groups = {g: d["handle"] for g, d in slack.workspace.usergroups.items()}
        channels = {c: d.get("name", c) for c, d in slack.workspace.channels.items()}
        tz = slack.workspace.users.get(me, {}).get("tz", "UTC")

    def local_link(url: str) -> str | None:
        permalink = _PERMALINK.match(url)
        if permalink and permalink.group(1) == channel_id:
            thread = re.search(r"thread_ts=(\d+\.\d+)", url)
            return thread_href(
                thread.group(1) if thread else f"{permalink.group(2)}.{permalink.group(3)}"
            )
        for network in networks:
            anchor = network.anchor_for(url)
            if anchor:
                return anchor
        return None

    return TextContext(
        users=users,
        usergroups=groups,
        channels=channels,
        me=me,
        tz=ZoneInfo(tz),
        local_link=local_link,
    )


def slack_screen(
    slack: SlackStandIn, channel_id: str, me: str, thread_ts: str | None
) -> SlackScreen:
    roots = slack.messages(channel_id)
    mine = slack.ephemerals(me)
    with slack.lock:
        channel_name = slack.workspace.channels[channel_id].get("name", channel_id)
    screen = SlackScreen(me=me, channel_id=channel_id, channel_name=channel_name)
    shown = [Shown(r, channel_id, replies=int(r.get("reply_count", 0))) for r in roots]
    shown += [
        Shown(e, channel_id, ephemeral=True)
        for e in mine
        if e["channel"] == channel_id and not e.get("thread_ts")
    ]
    screen.channel = sorted(shown, key=lambda s: ts_key(s.ts))
    known_roots = {r["ts"] for r in roots}
    if thread_ts and thread_ts in known_roots:
        screen.thread_ts = thread_ts
        root = next(r for r in roots if r["ts"] == thread_ts)
        replies = [
            Shown(m, channel_id, in_thread=True) for m in slack.thread(channel_id, thread_ts)
        ]
        replies += [
            Shown(e, channel_id, ephemeral=True, in_thread=True)
            for e in mine
            if e["channel"] == channel_id and e.get("thread_ts") == thread_ts
        ]
        screen.thread = [Shown(root, channel_id, in_thread=True)] + sorted(
            replies, key=lambda s: ts_key(s.ts)
        )
    dm_channel = slack.dm_channel(me)
    if dm_channel:
        dms = [Shown(m, dm_channel) for m in slack.dms(me)]
        dms += [Shown(e, dm_channel, ephemeral=True) for e in mine if e["channel"] == dm_channel]
        for dm in list(dms):
            if dm.replies:
                dms += [Shown(m, dm_channel) for m in slack.thread(dm_channel, dm.ts)]
        screen.dms = sorted(dms, key=lambda s: ts_key(s.ts))
    stack = slack.open_views(me)
    if stack:
        screen.modal = stack[-1]
        screen.modal_stack = len(stack)
        screen.modal_errors = slack.view_errors(stack[-1]["id"])
    screen.home = slack.home_view(me)
    return screen
