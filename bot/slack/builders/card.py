"""The case card (a thread's root message) and a customer's follow-ups in its thread."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    SectionBlock,
)

from bot.i18n import N_, _
from bot.networks.registry import NetworkLook
from bot.slack.builders.common import Message, triage_word, window_text
from bot.slack.builders.customer import customer_history_blocks, holding_reply_button
from bot.slack.ids import Action, CaseMenu
from bot.slack.text import (
    NOTIFICATION_TEXT_LIMIT,
    SECTION_TEXT_LIMIT,
    compact_number,
    cut_escaped,
    escape,
    link,
    one_line,
    slack_date,
)
from bot.slack.views import CaseView, CustomerView, DeadlineView, PostView
from storage.enums import AWAITING_REPLY, CaseStatus

# Room left in a section for the "see full post" link after the cut text.
_POST_TEXT_LIMIT = SECTION_TEXT_LIMIT - 200
VERIFIED_MARKS = {"blue": "☑️", "business": "🏅", "government": "🏛️"}
# How a post reached us, when it was not addressed to the brand (`FetchedPost.source`).
SOURCE_NOTES = {
    "search": N_("found by keyword search"),
    "watch": N_("found by the watch list (a watched category or term)"),
    "thread": N_("in a topic the brand took part in"),
    "feed": N_("from a feed: read-only, answer on the site itself"),
}
# The targets a deadline names (`DeadlineView.label`, stored in English by the watcher).
DEADLINE_LABELS = (N_("first response"), N_("next response"), N_("resolution"))


def build_case_card(case: CaseView, post: PostView) -> Message:
    """The root message of a case thread: who, what, triage, status and the buttons."""
    blocks: list[Block] = [
        SectionBlock(block_id="customer", text=MarkdownTextObject(text=_who(case.customer))),
        SectionBlock(block_id="post", text=MarkdownTextObject(text=_post_text(post))),
        *_about(post, case, deadline=True),
        *customer_history_blocks(case.customer_history),
    ]
    if case.reply_window:
        blocks.append(
            ContextBlock(
                block_id="window",
                elements=[MarkdownTextObject(text=window_text(case.reply_window))],
            )
        )
    exposed = exposed_data_notice(post)
    if exposed:
        blocks.append(SectionBlock(block_id="exposed", text=MarkdownTextObject(text=exposed)))
    blocks.append(SectionBlock(block_id="status", text=MarkdownTextObject(text=status_line(case))))
    blocks.append(case_actions(case, post))
    return notification_text(case.customer, post.text), blocks


def build_follow_up(case: CaseView, post: PostView, ping_owner: str | None = None) -> Message:
    """A later post of the same conversation, as a reply in the case's thread."""
    blocks: list[Block] = []
    if ping_owner:
        blocks.append(
            SectionBlock(
                block_id="reopened",
                text=MarkdownTextObject(
                    text=_("🔁 {owner} the customer wrote again: case reopened.").format(
                        owner=f"<@{escape(ping_owner)}>"
                    )
                ),
            )
        )
    blocks += [
        SectionBlock(
            block_id="post",
            text=MarkdownTextObject(
                text=f"*@{escape(post.author_handle or case.customer.handle)}:* {_post_text(post)}"
            ),
        ),
        *_about(post, case, deadline=False),
    ]
    return notification_text(case.customer, post.text), blocks


def _about(post: PostView, case: CaseView, *, deadline: bool) -> list[Block]:
    """Where and when the post was written, and its triage line (with the case's deadline
    on the root card only)."""
    blocks: list[Block] = [
        ContextBlock(
            block_id="meta",
            elements=[MarkdownTextObject(text=_post_meta(post, case.network, case.brand))],
        )
    ]
    triage_line = _triage_line(case if deadline else None, post)
    if triage_line:
        blocks.append(
            ContextBlock(block_id="triage", elements=[MarkdownTextObject(text=triage_line)])
        )
    return blocks


def build_minimal_card(case: CaseView, post: PostView) -> Message:
    """A plain fallback when Slack refuses the full card: the case must still appear."""
    body = cut_escaped(one_line(post.text), 1500)
    label = _("Open on {network}").format(network=case.network.label)
    text = f"{_who(case.customer)}\n{body}\n{link(post.url, label)}"
    return notification_text(case.customer, post.text), [
        SectionBlock(block_id="post", text=MarkdownTextObject(text=text)),
        case_actions(case, post),
    ]


def notification_text(customer: CustomerView, text: str) -> str:
    """The message's `text`: what phones show in a notification (mrkdwn, so escaped)."""
    return cut_escaped(f"@{customer.handle}: {one_line(text)}", NOTIFICATION_TEXT_LIMIT)


def status_line(case: CaseView) -> str:
    owner = _(" by {user}").format(user=f"<@{escape(case.owner)}>") if case.owner else ""
    if case.status == CaseStatus.NEW:
        return _("🆕 *New* · unclaimed")
    if case.status == CaseStatus.CLAIMED:
        return _("🙋 *Claimed*") + owner
    if case.status == CaseStatus.ESCALATED:
        team = escape(case.escalated_to or _("a specialist"))
        return _("🚨 *Escalated to {team}*").format(team=team) + owner
    if case.status == CaseStatus.REPLIED:
        line = _("✅ *Replied*") + owner
        if case.first_response_at and case.created_at:
            line += _(" · first response in {duration}").format(
                duration=_duration(case.first_response_at - case.created_at)
            )
        if case.waiting_on_customer:
            line += _(" · ⏸ waiting on the customer")
        return line
    reason = f" · {escape(case.close_reason)}" if case.close_reason else ""
    return _("🔒 *Closed*") + reason


def exposed_data_notice(post: PostView) -> str:
    """Said loudly: the customer published personal data, which we mask in Slack."""
    if not post.triage or not post.triage.pii:
        return ""
    labels = list(dict.fromkeys(escape(_(m.label) if m.label else m.type) for m in post.triage.pii))
    return _(
        "🔒 *Customer exposed personal data in public* ({kinds}). It is masked here; "
        "*Move to private* drafts a public invitation to a private conversation and a "
        "private message, both for approval."
    ).format(kinds=", ".join(labels))


def _who(customer: CustomerView) -> str:
    name = escape(one_line(customer.name)) or escape(customer.handle)
    parts = [f"*{name}*", f"@{escape(customer.handle)}"]
    if customer.verified or (customer.verified_type and customer.verified_type != "none"):
        mark = VERIFIED_MARKS.get(customer.verified_type or "blue", "☑️")
        parts.append(_("{mark} verified").format(mark=mark))
    parts.append(_("{count} followers").format(count=compact_number(customer.followers)))
    return " · ".join(parts)


def _post_text(post: PostView) -> str:
    more = "… " + link(post.url, _("see full post"))
    return cut_escaped(post.text, _POST_TEXT_LIMIT, more) or _("_(no text)_")


def _post_meta(post: PostView, network: NetworkLook, brand: str | None = None) -> str:
    when = slack_date(
        post.created_at.timestamp(),
        _("{date_short_pretty} at {time}"),
        post.created_at.strftime("%Y-%m-%d %H:%M UTC"),
    )
    parts = [f"{network.icon} {link(post.url, network.link_label)}", when]
    if brand and network.several_accounts:
        # Which of the brand's accounts on this network the customer wrote to.
        parts.insert(1, _("to @{handle}").format(handle=escape(brand)))
    if post.source in SOURCE_NOTES:
        parts.append(_(SOURCE_NOTES[post.source]))
    # Only where Carethread answers at all: a feed's posts have no reply of any kind.
    if not post.publicly_replyable and network.can_reply:
        parts.append(
            _("⚠️ {network} allows only a private reply").format(network=escape(network.label))
        )
    return " · ".join(parts)


def _triage_line(case: CaseView | None, post: PostView) -> str:
    triage = post.triage
    if triage is None:
        return ""
    parts = []
    if triage.language:
        parts.append(escape(triage.language))
    reasons = triage.reasons or (triage.intent, triage.sentiment)
    detail = " · ".join(escape(triage_word(r)) for r in reasons if r)
    parts.append(f"*{escape(triage.priority)}* {detail}".rstrip())
    # Only while the case waits for an answer (a follow-up after our reply waits again).
    if case:
        parts += [deadline_text(d) for d in (case.deadline, case.resolution) if d is not None]
    return " · ".join(parts)


def deadline_text(deadline: DeadlineView) -> str:
    """ "⏱ first response due today 14:05", amber when due soon, red with how late when
    overdue (Slack's date token: each reader's own time zone, and "ago" stays current
    without updating the card)."""
    label, due = _(deadline.label), deadline.due_at
    if deadline.phase == "paused" or due is None:
        return _("⏸ {target} paused: waiting on the customer").format(target=label)
    fallback = due.strftime("%Y-%m-%d %H:%M UTC")
    if deadline.phase == "overdue":
        late = slack_date(due.timestamp(), "{date_short_pretty} {time} ({ago})", fallback)
        return _("🔴 *{target} overdue*: was due {when}").format(target=label, when=late)
    # "today 10:30" / "tomorrow 09:17": a P3 deadline is a day away.
    when = slack_date(due.timestamp(), "{date_short_pretty} {time}", fallback)
    if deadline.phase == "due_soon":
        return _("🟠 *{target} due soon*: {when}").format(target=label, when=when)
    return _("⏱ {target} due {when}").format(target=label, when=when)


def case_actions(case: CaseView, post: PostView) -> ActionsBlock:
    """Every action of a case card, decided here only: the first post and each re-render
    show the same set. Button action ids are stable (old messages still carry them)."""
    value = str(case.id)
    # Read-only networks (a blog's feed) get no answering buttons.
    answerable = case.network.can_reply
    exposed = post.exposed_data and answerable
    elements: list[ButtonElement | OverflowMenuElement] = [
        ButtonElement(text=_("Claim"), action_id=Action.CLAIM, value=value, style="primary")
    ]
    if answerable:
        elements.append(ButtonElement(text=_("Draft reply"), action_id=Action.DRAFT, value=value))
    if answerable and case.status in AWAITING_REPLY:
        elements.append(holding_reply_button(value))
    elements += [
        ButtonElement(text=_("Escalate"), action_id=Action.ESCALATE, value=value),
        ButtonElement(
            text=_("Close"),
            action_id=Action.CLOSE,
            value=value,
            confirm=ConfirmObject(
                title=_("Close this case?"),
                text=_("It reopens if the customer writes again."),
                confirm=_("Close"),
                deny=_("Keep open"),
            ),
        ),
    ]
    if exposed:
        elements.append(
            ButtonElement(text=_("Move to private"), action_id=Action.MOVE_TO_PRIVATE, value=value)
        )
    # Option values carry the case id: an overflow menu has no value of its own.
    menu = [
        Option(value=f"{CaseMenu.HISTORY}:{case.id}", label=_("History")),
        Option(value=f"{CaseMenu.CUSTOMER}:{case.id}", label=_("Customer")),
    ]
    if case.owner:
        menu.append(Option(value=f"{CaseMenu.UNCLAIM}:{case.id}", label=_("Unclaim")))
    if post.exposed_data:
        menu.append(
            Option(
                value=f"{CaseMenu.SHOW_ORIGINAL}:{case.id}",
                label=_("Show original (personal data)"),
            )
        )
    if case.routed and case.status != CaseStatus.CLOSED:
        menu.append(Option(value=f"{CaseMenu.MOVE}:{case.id}", label=_("Send to another team…")))
    elements.append(OverflowMenuElement(action_id=Action.CASE_MORE, options=menu))
    return ActionsBlock(block_id="case_actions", elements=elements)


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return _("{minutes} min").format(minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=f"{minutes:02d}")
    return _("{days} days").format(days=hours // 24)
