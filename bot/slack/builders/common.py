"""Small pieces the builders share."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from bot.i18n import N_, _
from bot.lifecycle import BOT
from bot.slack.text import escape

# A message as the builders return it: (notification text, blocks).
Message = tuple[str, list[Block]]


def blocks_as_dicts(blocks: list[Block]) -> list[dict[str, Any]]:
    """Serialise, which also runs slack_sdk's limit checks."""
    return [block.to_dict() for block in blocks]


def plain(text: str, block_id: str = "note") -> Message:
    """A one-section message whose `text` is already safe mrkdwn."""
    return text, [SectionBlock(block_id=block_id, text=MarkdownTextObject(text=text))]


def window_text(window: str) -> str:
    """A network's answering window, in its words ("private reply possible until …"), for
    the card and the draft modal."""
    return f"⏳ {escape(window)}"


def when(at: datetime) -> str:
    """A date and time in each reader's own time zone (Slack's date token)."""
    fallback = at.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(at.timestamp())}^{{date_short}} {{time}}|{fallback}>"


# How the history names each audit action (storage.enums.AuditAction values); in English
# the stored value itself, which is what the history has always shown.
AUDIT_ACTIONS = {
    action: action
    for action in (
        N_("open"),
        N_("reopen"),
        N_("claim"),
        N_("take_over"),
        N_("unclaim"),
        N_("draft"),
        N_("edit"),
        N_("approve"),
        N_("reject"),
        N_("retry"),
        N_("post"),
        N_("post_failed"),
        N_("escalate"),
        N_("close"),
        N_("move_to_private"),
        N_("reveal_personal_data"),
        N_("sla_due_soon"),
        N_("sla_missed"),
        N_("route"),
        N_("move"),
        N_("move_failed"),
        N_("holding_reply"),
        N_("saved_reply_add"),
        N_("saved_reply_edit"),
        N_("saved_reply_retire"),
        N_("team_setting"),
        N_("link_identity"),
        N_("unlink_identity"),
        N_("tag_customer"),
        N_("untag_customer"),
        N_("note_customer"),
    )
}


# Triage's words (intent, sentiment) as cards and lists show them.
TRIAGE_WORDS = {
    word: word
    for word in (
        N_("complaint"),
        N_("question"),
        N_("praise"),
        N_("other"),
        N_("negative"),
        N_("neutral"),
        N_("positive"),
        N_("verified"),
    )
}


# The reasons triage writes with values (bot/triage/priority.py), read back to translate them.
_REASONS = (
    (re.compile(r"^(?P<count>\S+) followers$"), N_("{count} followers")),
    (re.compile(r"^verified (?P<kind>\w+)$"), N_("verified {kind}")),
    (re.compile(r"^repeat: (?P<count>\d+) earlier cases$"), N_("repeat: {count} earlier cases")),
    (re.compile(r"^last case: spam$"), N_("last case: spam")),
    (
        re.compile(r"^urgent: (?P<reason>[^(]+?) \((?P<words>.*)\)$"),
        N_("urgent: {reason} ({words})"),
    ),
    (re.compile(r"^urgent: (?P<reason>.+)$"), N_("urgent: {reason}")),
)


def triage_word(word: str) -> str:
    """A triage word or reason in the reader's language; one it does not know stays as
    triage wrote it."""
    if word in TRIAGE_WORDS:
        return _(TRIAGE_WORDS[word])
    for pattern, template in _REASONS:
        found = pattern.match(word)
        if found:
            values = found.groupdict()
            if "reason" in values:
                values["reason"] = _(values["reason"])
            return _(template).format(**values)
    return word


def action_name(action: str) -> str:
    """An audit action as the history shows it, in the reader's language."""
    return _(AUDIT_ACTIONS[action]) if action in AUDIT_ACTIONS else action


def actor(user: str) -> str:
    return "Carethread" if user == BOT else f"<@{escape(user)}>"


def mention(slack_id: str) -> str:
    """A Slack id as a ping: S… user groups become `<!subteam^S…>`, users `<@U…>`."""
    if slack_id.startswith("S"):
        return f"<!subteam^{escape(slack_id)}>"
    return f"<@{escape(slack_id)}>"
