"""The customer in one place (a modal from the card's menu or `/carethread find`), the
card's line about the customer's history, and the card's holding-reply button. Pure."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.i18n import N_, _, current_language
from bot.knowledge.views import CustomerHistoryView, CustomerProfileView, Outcome
from bot.slack.builders.common import actor, triage_word, when
from bot.slack.ids import Action, Callback, Field
from bot.slack.text import cut_escaped, escape, one_line
from storage.enums import CustomerTagName

OUTCOMES = {
    Outcome.OPEN: N_("still open"),
    Outcome.HAPPY: N_("closed happy"),
    Outcome.UNHAPPY: N_("closed unhappy"),
    Outcome.CLOSED: N_("closed"),
}
TAGS = {
    CustomerTagName.VIP: N_("⭐ VIP"),
    CustomerTagName.PRESS: N_("📰 press"),
    CustomerTagName.AT_RISK: N_("⚠️ at risk"),
}


def ordinal(n: int) -> str:
    if current_language() == "es":
        return f"{n}.º"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def history_text(history: CustomerHistoryView) -> str:
    """ "3rd case in 30 days · last one: closed unhappy · ⭐ VIP"."""
    parts = []
    if history.last_outcome is not None:
        parts.append(
            _("{ordinal} case in {days} days").format(
                ordinal=ordinal(history.ordinal), days=history.days
            )
        )
        parts.append(_("last one: {outcome}").format(outcome=_(OUTCOMES[history.last_outcome])))
    parts += [_(TAGS[CustomerTagName(t)]) for t in history.tags if t in TAGS]
    return " · ".join(parts)


def customer_history_blocks(history: CustomerHistoryView | None) -> list[Block]:
    if history is None or not history_text(history):
        return []
    return [
        ContextBlock(
            block_id="customer_history",
            elements=[MarkdownTextObject(text=f"👤 {history_text(history)}")],
        )
    ]


def holding_reply_button(case_value: str) -> ButtonElement:
    """One tap: a short "we're on it" in the customer's language (bot.knowledge.holding)."""
    return ButtonElement(text=_("We're on it"), action_id=Action.HOLDING_REPLY, value=case_value)


def _tag_option(tag: CustomerTagName) -> Option:
    return Option(value=tag.value, label=_(TAGS[tag]))


def build_customer_modal(profile: CustomerProfileView) -> View:
    name = escape(one_line(profile.name)) or f"@{escape(profile.handle)}"
    blocks: list[Block] = [
        SectionBlock(
            block_id="who",
            text=MarkdownTextObject(
                text=f"*{name}* · "
                + _("@{handle} on {network}").format(
                    handle=escape(profile.handle), network=escape(profile.network_label)
                )
            ),
        )
    ]
    for identity in profile.identities[1:]:
        linked = ""
        if identity.linked_by and identity.linked_at:
            linked = " · " + _("linked by {user} {when}").format(
                user=actor(identity.linked_by), when=when(identity.linked_at)
            )
        blocks.append(
            SectionBlock(
                block_id=f"identity_{identity.customer_id}",
                text=MarkdownTextObject(
                    text=_("🔗 Same person: *@{handle}* on {network} ({name})").format(
                        handle=escape(identity.handle),
                        network=escape(identity.network_label),
                        name=escape(one_line(identity.name)),
                    )
                    + linked
                ),
                accessory=ButtonElement(
                    text=_("Unlink"),
                    action_id=Action.CUSTOMER_UNLINK,
                    value=str(identity.link_id),
                ),
            )
        )
    blocks.append(
        ActionsBlock(
            block_id="identity_actions",
            elements=[
                ButtonElement(
                    text=_("Link an account on another network"),
                    action_id=Action.CUSTOMER_LINK,
                    value=str(profile.customer_id),
                )
            ],
        )
    )
    lines = [_case_line(profile, i) for i in range(len(profile.cases))]
    blocks.append(
        SectionBlock(
            block_id="cases",
            text=MarkdownTextObject(
                text=_("*Cases*") + "\n" + ("\n".join(lines) if lines else _("_None yet._"))
            ),
        )
    )
    if profile.notes:
        notes = [
            f"• {cut_escaped(one_line(n.text), 280)} — {actor(n.author)} {when(n.at)}"
            for n in profile.notes
        ]
        blocks.append(
            SectionBlock(
                block_id="notes",
                text=MarkdownTextObject(text=_("*Notes*") + "\n" + "\n".join(notes)),
            )
        )
    options = [_tag_option(t) for t in CustomerTagName]
    chosen = [o for o in options if o.value in profile.tags]
    blocks += [
        InputBlock(
            block_id=Field.TAGS,
            label=_("Tags"),
            optional=True,
            element=CheckboxesElement(
                action_id=Field.TAGS, options=options, initial_options=chosen or None
            ),
        ),
        InputBlock(
            block_id=Field.NOTE,
            label=_("Add a note for the team"),
            optional=True,
            element=PlainTextInputElement(action_id=Field.NOTE, multiline=True, max_length=2000),
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.CUSTOMER,
        title=_("Customer"),
        submit=_("Save"),
        close=_("Close"),
        private_metadata=json.dumps(
            {"customer_id": profile.customer_id, "case_id": profile.from_case}
        ),
        blocks=blocks,
    )


def _case_line(profile: CustomerProfileView, index: int) -> str:
    line = profile.cases[index]
    parts = [f"#{line.case_id}", escape(line.network_label), when(line.opened_at)]
    if line.intent:
        parts.append(escape(triage_word(line.intent)))
    parts.append(_(OUTCOMES[line.outcome]))
    if line.first_response_minutes is not None:
        parts.append(
            _("first response in {minutes} min").format(minutes=line.first_response_minutes)
        )
    mark = _(" ← this case") if line.case_id == profile.from_case else ""
    return "• " + " · ".join(parts) + mark


def build_link_modal(customer_id: int, handle: str, network_label: str) -> View:
    """Pick the same person's account on another network."""
    return View(
        type="modal",
        callback_id=Callback.LINK_IDENTITY,
        title=_("Link an account"),
        submit=_("Link"),
        close=_("Back"),
        private_metadata=json.dumps({"customer_id": customer_id}),
        blocks=[
            SectionBlock(
                block_id="about",
                text=MarkdownTextObject(
                    text=_(
                        "Who is *@{handle}* on {network} on another network? Only link accounts "
                        "you know are the same person; the link is recorded and can be undone."
                    ).format(handle=escape(handle), network=escape(network_label))
                ),
            ),
            InputBlock(
                block_id=Field.OTHER_CUSTOMER,
                label=_("The same person's account"),
                element=ExternalDataSelectElement(
                    action_id=Action.CUSTOMER_PICK,
                    placeholder=_("Type a handle or a name…"),
                    min_query_length=1,
                ),
            ),
        ],
    )


def build_customer_options(matches: Sequence[tuple[int, str, str, str]]) -> dict[str, Any]:
    """Options of the link picker: (customer id, handle, name, network label) each."""
    options = []
    for customer_id, handle, name, label in matches:
        text = _("@{handle} on {network}").format(handle=handle, network=label)
        text += f" ({one_line(name)})" if name else ""
        options.append(
            Option(value=str(customer_id), label=text if len(text) <= 75 else text[:74] + "…")
        )
    return {"options": [o.to_dict() for o in options]}
