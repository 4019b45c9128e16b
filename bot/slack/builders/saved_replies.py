"""The saved-replies library (`/carethread replies`), its editor, and the options of the
draft modal's saved-reply select. Pure Block Kit."""

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
    InputBlock,
    MarkdownTextObject,
    Option,
    OptionGroup,
    OverflowMenuElement,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.i18n import N_, _
from bot.knowledge.placeholders import KNOWN
from bot.knowledge.views import LibraryView, SavedReplyView
from bot.slack.builders.drafting import language_name
from bot.slack.ids import Action, Callback, Field, LibraryMenu
from bot.slack.text import cut_escaped, escape
from storage.enums import SavedReplyKind

# Modals hold at most 100 blocks; the library shows the replies that fit.
MAX_SHOWN = 90
KIND_LABELS = {
    SavedReplyKind.REPLY: N_("Full reply"),
    SavedReplyKind.HOLDING: N_("Holding reply"),
}
INTENT_LABELS = {
    "complaint": N_("Complaint"),
    "question": N_("Question"),
    "praise": N_("Praise"),
    "other": N_("Other"),
}
ANY = "any"
ONE_TAP_VALUE = "one_tap"


def _option_label(reply: SavedReplyView) -> str:
    label = f"{reply.title} · {reply.language}"
    return label if len(label) <= 75 else label[:74] + "…"


def build_saved_reply_options(
    suggested: Sequence[SavedReplyView], others: Sequence[SavedReplyView], language: str | None
) -> dict[str, Any]:
    """What the options request is answered with: suggested replies first, in a group."""
    groups = []
    if suggested:
        label = _("Suggested for this case ({language})").format(language=language_name(language))
        groups.append(
            OptionGroup(
                label=label[:75],
                options=[Option(value=str(r.id), label=_option_label(r)) for r in suggested],
            )
        )
    if others:
        groups.append(
            OptionGroup(
                label=_("Other saved replies"),
                options=[Option(value=str(r.id), label=_option_label(r)) for r in others],
            )
        )
    if not groups:
        return {"options": []}
    return {"option_groups": [g.to_dict() for g in groups]}


def _about(reply: SavedReplyView, networks: dict[str, str]) -> str:
    parts = [escape(language_name(reply.language))]
    intent = reply.intent or ""
    parts.append(escape(_(INTENT_LABELS[intent]) if intent in INTENT_LABELS else _("any intent")))
    parts.append(escape(networks.get(reply.network or "", _("any network"))))
    if reply.kind == SavedReplyKind.HOLDING:
        parts.append(_("⏳ holding reply"))
    return " · ".join(parts)


def build_library_modal(library: LibraryView) -> View:
    networks = dict(library.networks)
    blocks: list[Block] = []
    if library.can_edit:
        blocks.append(
            ActionsBlock(
                block_id="library_actions",
                elements=[
                    ButtonElement(
                        text=_("Add a saved reply"), action_id=Action.LIBRARY_ADD, style="primary"
                    ),
                    CheckboxesElement(
                        action_id=Action.LIBRARY_ONE_TAP,
                        options=[_one_tap_option()],
                        initial_options=[_one_tap_option()] if library.one_tap_holding else None,
                    ),
                ],
            )
        )
    else:
        if library.one_tap_holding:
            state = _("Holding replies go out without approval.")
        else:
            state = _("Holding replies go out through the usual approval.")
        blocks.append(
            ContextBlock(
                block_id="library_readonly",
                elements=[
                    MarkdownTextObject(
                        text=_("Only leads can add, edit or retire saved replies.") + " " + state
                    )
                ],
            )
        )
    if not library.replies:
        blocks.append(
            SectionBlock(
                block_id="library_empty",
                text=MarkdownTextObject(text=_("_No saved replies yet._")),
            )
        )
    for reply in library.replies[:MAX_SHOWN]:
        text = (
            f"*{escape(reply.title)}* · {_about(reply, networks)}\n"
            f">{cut_escaped(' '.join(reply.text.split()), 500)}"
        )
        menu = None
        if library.can_edit:
            menu = OverflowMenuElement(
                action_id=Action.LIBRARY_REPLY,
                options=[
                    Option(value=f"{LibraryMenu.EDIT}:{reply.id}", label=_("Edit")),
                    Option(value=f"{LibraryMenu.RETIRE}:{reply.id}", label=_("Retire")),
                ],
            )
        blocks.append(
            SectionBlock(
                block_id=f"reply_{reply.id}", text=MarkdownTextObject(text=text), accessory=menu
            )
        )
    if len(library.replies) > MAX_SHOWN:
        blocks.append(
            ContextBlock(
                block_id="library_more",
                elements=[
                    MarkdownTextObject(
                        text=_(
                            "{count} more are not shown here; find them by typing in the draft "
                            "modal's saved-reply box."
                        ).format(count=len(library.replies) - MAX_SHOWN)
                    )
                ],
            )
        )
    return View(
        type="modal",
        callback_id=Callback.SAVED_REPLIES,
        title=_("Saved replies"),
        close=_("Close"),
        private_metadata="{}",
        blocks=blocks,
    )


def _one_tap_option() -> Option:
    return Option(
        value=ONE_TAP_VALUE,
        label=_("Holding replies go out on one tap, without approval"),
        description=_("Every change is recorded in the audit log."),
    )


def _static(
    field: str, label: str, options: list[Option], chosen: str | None, optional: bool = False
) -> InputBlock:
    initial = next((o for o in options if o.value == chosen), options[0])
    return InputBlock(
        block_id=field,
        label=label,
        optional=optional,
        element=StaticSelectElement(action_id=field, options=options, initial_option=initial),
    )


def build_saved_reply_editor(
    reply: SavedReplyView | None,
    *,
    languages: Sequence[str],
    networks: Sequence[tuple[str, str]],
    kind: str = SavedReplyKind.REPLY,
) -> View:
    """Add a saved reply, or edit `reply`."""
    placeholders = " ".join("{" + p + "}" for p in KNOWN)
    kinds = [Option(value=k, label=_(KIND_LABELS[k])) for k in SavedReplyKind]
    chosen_kind = reply.kind if reply else kind
    blocks: list[Block] = [
        InputBlock(
            block_id=Field.TITLE,
            label=_("Title"),
            element=PlainTextInputElement(
                action_id=Field.TITLE, max_length=75, initial_value=reply.title if reply else None
            ),
        ),
        InputBlock(
            block_id=Field.KIND,
            label=_("Kind"),
            element=RadioButtonsElement(
                action_id=Field.KIND,
                options=kinds,
                initial_option=next(o for o in kinds if o.value == chosen_kind),
            ),
        ),
        _static(
            Field.LANGUAGE,
            _("Written in"),
            [Option(value=code, label=language_name(code)) for code in languages],
            reply.language if reply else None,
        ),
        _static(
            Field.INTENT,
            _("Suggested for"),
            [Option(value=ANY, label=_("Any intent"))]
            + [Option(value=k, label=_(v)) for k, v in INTENT_LABELS.items()],
            (reply.intent or ANY) if reply else ANY,
        ),
        _static(
            Field.NETWORK,
            _("Network"),
            [Option(value=ANY, label=_("Any network"))]
            + [Option(value=name, label=label) for name, label in networks],
            (reply.network or ANY) if reply else ANY,
        ),
        InputBlock(
            block_id=Field.TEXT,
            label=_("Text"),
            hint=_("Placeholders: {placeholders}. Holding replies stay short.").format(
                placeholders=placeholders
            ),
            element=PlainTextInputElement(
                action_id=Field.TEXT,
                multiline=True,
                max_length=3000,
                initial_value=reply.text if reply else None,
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.SAVED_REPLY,
        title=_("Edit saved reply") if reply else _("Add a saved reply"),
        submit=_("Save"),
        close=_("Back"),
        private_metadata=json.dumps({"reply_id": reply.id if reply else None}),
        blocks=blocks,
    )
