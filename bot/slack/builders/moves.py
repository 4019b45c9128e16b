"""A case sent to another team: the summary that opens its new thread, the note left in
the old one, and the old card, which now only points to where the case went."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

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
    heading = f"↪️ *Sent here from {channel_mention(move.from_channel)}* by <@{escape(move.by)}>"
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
                    text=f"*Latest from @{escape(move.case.customer.handle)}:* {latest}"
                ),
            )
        )
    if move.replies:
        last = move.replies[-1]
        where = escape(visibility_label(last.visibility, last.network.label))
        seen = f" · {link(last.external_url, 'see it')}" if last.external_url else ""
        text = cut_escaped(one_line(last.text), SECTION_TEXT_LIMIT - 300)
        blocks.append(
            SectionBlock(
                block_id="moved_reply",
                text=MarkdownTextObject(
                    text=f"*Last reply* ({where}, by <@{escape(last.author)}>){seen}:\n>{text}"
                ),
            )
        )
    return f"Case #{move.case.id} was sent here from another team's channel.", blocks


def build_moved_away(move: MoveView, new_card: str | None) -> Message:
    """Left in the old thread: where the case went, and a link to it."""
    there = link(new_card, "continue in its thread there") if new_card else "continue there"
    text = (
        f"➡️ <@{escape(move.by)}> sent this case to {channel_mention(move.to_channel)}: "
        f"{there}. The customer's new messages, drafts and replies go there from now on."
    )
    return text, [SectionBlock(block_id="moved_away", text=MarkdownTextObject(text=text))]


def build_moved_card(move: MoveView, new_card: str | None) -> Message:
    """The old root message once the case has left: who wrote, and where the case is now.
    No buttons: the case is worked on in its new thread."""
    customer = move.case.customer
    name = escape(one_line(customer.name)) or escape(customer.handle)
    post = move.first_post
    said = cut_escaped(one_line(post.text), 300) if post else ""
    there = f" · {link(new_card, 'open the case there')}" if new_card else ""
    text = (
        f"*{name}* @{escape(customer.handle)}: {said}\n"
        f"➡️ *Moved to {channel_mention(move.to_channel)}* by <@{escape(move.by)}>{there}"
    )
    notification = notification_text(customer, post.text if post else "")
    return notification, [SectionBlock(block_id="moved", text=MarkdownTextObject(text=text))]


def _tally(move: MoveView, old_thread: str | None) -> str:
    earlier = (
        link(old_thread, "The conversation so far") if old_thread else "The conversation so far"
    )
    parts = [f"{earlier} stays in {channel_mention(move.from_channel)}"]
    posts = move.customer_posts
    parts.append(f"{posts} message{'s' if posts != 1 else ''} from the customer")
    if move.replies:
        count = len(move.replies)
        parts.append(f"{count} repl{'ies' if count != 1 else 'y'} sent")
    if move.waiting_drafts:
        count = move.waiting_drafts
        parts.append(f"{count} draft{'s' if count != 1 else ''} waiting for approval there")
    return " · ".join(parts)
