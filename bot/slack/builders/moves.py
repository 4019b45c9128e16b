"""A case sent to another team: the summary that opens its new thread, the note left in
the old one, and the old card, which now only points to where the case went."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.i18n import _, ngettext
from bot.slack.builders.card import notification_text
from bot.slack.builders.common import Message
from bot.slack.builders.thread import visibility_label
from bot.slack.text import SECTION_TEXT_LIMIT, cut_escaped, escape, link, one_line
from bot.slack.views import MoveView

# The customer's latest words in the summary: enough to know where things stand.
_LATEST_LIMIT = 500


def channel_mention(channel_id: str) -> str:
    """A channel as Slack shows it to each reader (`#name`, a link)."""
    return f"<#{escape(channel_id)}>"


def build_moved_here(move: MoveView, old_thread: str | None) -> Message:
    """The first reply in the case's new thread: who sent it from where, and the thread
    so far in a few lines."""
    heading = _("↪️ *Sent here from {channel}* by {user}").format(
        channel=channel_mention(move.from_channel), user=f"<@{escape(move.by)}>"
    )
    if move.note:
        heading += f"\n>{cut_escaped(one_line(move.note), 1000)}"
    blocks: list[Block] = [
        SectionBlock(block_id="moved_here", text=MarkdownTextObject(text=heading)),
        ContextBlock(
            block_id="moved_summary", elements=[MarkdownTextObject(text=_tally(move, old_thread))]
        ),
    ]
    if move.latest_post is not None:
        latest = cut_escaped(move.latest_post.text, _LATEST_LIMIT)
        blocks.append(
            SectionBlock(
                block_id="moved_latest",
                text=MarkdownTextObject(
                    text=_("*Latest from @{handle}:*").format(
                        handle=escape(move.case.customer.handle)
                    )
                    + f" {latest}"
                ),
            )
        )
    if move.replies:
        last = move.replies[-1]
        where = escape(visibility_label(last.visibility, last.network.label))
        seen = " · " + link(last.external_url, _("see it")) if last.external_url else ""
        text = cut_escaped(one_line(last.text), SECTION_TEXT_LIMIT - 300)
        blocks.append(
            SectionBlock(
                block_id="moved_reply",
                text=MarkdownTextObject(
                    text=_("*Last reply* ({where}, by {user})").format(
                        where=where, user=f"<@{escape(last.author)}>"
                    )
                    + f"{seen}:\n>{text}"
                ),
            )
        )
    return _("Case #{number} was sent here from another team's channel.").format(
        number=move.case.id
    ), blocks


def build_moved_away(move: MoveView, new_card: str | None) -> Message:
    """Left in the old thread: where the case went, and a link to it."""
    there = link(new_card, _("continue in its thread there")) if new_card else _("continue there")
    text = _(
        "➡️ {user} sent this case to {channel}: {there}. The customer's new messages, drafts "
        "and replies go there from now on."
    ).format(user=f"<@{escape(move.by)}>", channel=channel_mention(move.to_channel), there=there)
    return text, [SectionBlock(block_id="moved_away", text=MarkdownTextObject(text=text))]


def build_moved_card(move: MoveView, new_card: str | None) -> Message:
    """The old root message once the case has left: who wrote, and where the case is now.
    No buttons: the case is worked on in its new thread."""
    customer = move.case.customer
    name = escape(one_line(customer.name)) or escape(customer.handle)
    post = move.first_post
    said = cut_escaped(one_line(post.text), 300) if post else ""
    there = " · " + link(new_card, _("open the case there")) if new_card else ""
    text = (
        f"*{name}* @{escape(customer.handle)}: {said}\n"
        + _("➡️ *Moved to {channel}* by {user}").format(
            channel=channel_mention(move.to_channel), user=f"<@{escape(move.by)}>"
        )
        + there
    )
    notification = notification_text(customer, post.text if post else "")
    return notification, [SectionBlock(block_id="moved", text=MarkdownTextObject(text=text))]


def _tally(move: MoveView, old_thread: str | None) -> str:
    so_far = _("The conversation so far")
    earlier = link(old_thread, so_far) if old_thread else so_far
    parts = [
        _("{conversation} stays in {channel}").format(
            conversation=earlier, channel=channel_mention(move.from_channel)
        )
    ]
    posts = move.customer_posts
    parts.append(
        ngettext(
            "{count} message from the customer", "{count} messages from the customer", posts
        ).format(count=posts)
    )
    if move.replies:
        count = len(move.replies)
        parts.append(
            ngettext("{count} reply sent", "{count} replies sent", count).format(count=count)
        )
    if move.waiting_drafts:
        count = move.waiting_drafts
        parts.append(
            ngettext(
                "{count} draft waiting for approval there",
                "{count} drafts waiting for approval there",
                count,
            ).format(count=count)
        )
    return " · ".join(parts)
