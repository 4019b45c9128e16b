"""The sandbox Slack channel drawn in a terminal: each case, its thread, its status.

Slack mrkdwn is turned into styled `rich.text.Text` (never rich markup strings, so
customer text such as "[bold]" shows literally, just as escaping does in Slack).
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from sandbox.slack_api import SlackStandIn

_TOKEN = re.compile(r"<([^<>]+)>")
_DATE = re.compile(r"^!date\^(\d+)\^([^|]*)\|(.*)$")
_BOLD = re.compile(r"\*([^*\n]+)\*")


def mrkdwn_to_text(mrkdwn: str, names: dict[str, str], style: str = "") -> Text:
    """Slack's rendering of links, user mentions and dates, then its escapes."""
    out = Text(style=style)
    position = 0
    for match in _TOKEN.finditer(mrkdwn):
        _append_plain(out, mrkdwn[position : match.start()])
        out.append_text(_token(match.group(1), names))
        position = match.end()
    _append_plain(out, mrkdwn[position:])
    return out


def _append_plain(out: Text, chunk: str) -> None:
    position = 0
    for match in _BOLD.finditer(chunk):
        out.append(html.unescape(chunk[position : match.start()]))
        out.append(html.unescape(match.group(1)), style="bold")
        position = match.end()
    out.append(html.unescape(chunk[position:]))


def _token(token: str, names: dict[str, str]) -> Text:
    date = _DATE.match(token)
    if date:
        when = datetime.fromtimestamp(int(date.group(1))).astimezone()
        shown = when.strftime("%H:%M")
        if "{date" in date.group(2):
            days = (when.date() - datetime.now().astimezone().date()).days
            day = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(days, when.strftime("%b %d"))
            shown = f"{day} {shown}"
        return Text(shown, style="cyan")
    if token.startswith("@"):
        return Text("@" + names.get(token[1:], token[1:]), style="bold magenta")
    if token.startswith("!subteam^"):
        return Text("@" + token.split("|")[-1].lstrip("@"), style="bold magenta")
    if token.startswith("!"):
        return Text("@" + token[1:], style="bold red")
    label = token.split("|", 1)[-1]
    return Text(html.unescape(label), style="underline blue")


# A terminal is not a Slack client: long posts are cut further to keep the view readable.
TERMINAL_LINE_LIMIT = 400


def message_lines(message: dict[str, Any], names: dict[str, str]) -> list[Text]:
    """The visible lines of a message: section and context texts, then its buttons."""
    lines = _message_lines(message, names)
    for line in lines:
        line.truncate(TERMINAL_LINE_LIMIT, overflow="ellipsis")
    return lines


def _message_lines(message: dict[str, Any], names: dict[str, str]) -> list[Text]:
    lines: list[Text] = []
    for block in message.get("blocks") or []:
        kind = block.get("type")
        if kind in {"section", "header"} and block.get("text"):
            lines.append(mrkdwn_to_text(block["text"].get("text", ""), names))
        elif kind == "context":
            for element in block.get("elements", []):
                if element.get("text"):
                    lines.append(mrkdwn_to_text(element["text"], names, style="dim"))
        elif kind == "actions":
            labels = [e.get("text", {}).get("text", "") for e in block.get("elements", [])]
            buttons = "  ".join(f"[{label}]" for label in labels if label)
            if buttons:
                lines.append(Text(buttons, style="bold green"))
    if not lines:
        lines.append(mrkdwn_to_text(message.get("text", ""), names))
    return lines


def render_channel(
    slack: SlackStandIn, channel: str, names: dict[str, str], last: int = 6
) -> RenderableType:
    """The newest `last` cases of the channel, each with its thread."""
    panels = []
    roots = slack.messages(channel)
    for root in roots[-last:]:
        body: list[RenderableType] = list(message_lines(root, names))
        for reply in slack.thread(channel, root["ts"]):
            for i, line in enumerate(message_lines(reply, names)):
                body.append(Text("  ↳ " if i == 0 else "    ") + line)
        panels.append(Panel(Group(*body), border_style="grey50", padding=(0, 1)))
    title = Text(f"#customer-care · {len(roots)} cases", style="bold")
    return Group(title, *panels) if panels else Group(title, Text("waiting for mentions…"))
