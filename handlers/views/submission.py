"""A modal submission (or a click inside a modal), parsed from Slack's payload.

The ids a modal of ours carries in private_metadata are checked here (which ones each
modal needs: `bot.slack_payload_check.MODAL_IDS`), so a listener never works on a made-up
or missing id: a submission without them is refused with a sentence, never read as 0.
Block ids may carry a version (`bot.slack.ids.versioned`, bumped to replace what was typed);
values are keyed by the plain block id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.errors import UserFacingError
from bot.i18n import N_
from bot.slack.ids import unversioned
from bot.slack_payload_check import MODAL_IDS, modal_ids, payload_user
from bot.slack_shapes import Malformed

OUT_OF_DATE = N_(
    "This form is out of date; close it and start again from the case's latest message."
)


@dataclass(frozen=True)
class Submission:
    user: str
    # The ids the modal carries (case_id, draft_id…), checked; some may be None.
    ids: dict[str, int | None]
    # block_id (without its version) → the value typed or chosen there.
    values: dict[str, str]
    # Small settings a modal of ours carries besides ids (a warning already seen, the
    # version of a text we replaced, a digest): flags, counts and short words only.
    settings: dict[str, bool | int | str] = field(default_factory=dict)
    # block_id without its version → the block id as the view has it (for inline errors).
    block_ids: dict[str, str] = field(default_factory=dict)
    # Several choices (checkboxes): block_id → the chosen values.
    choices: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> Submission:
        view, user_id = body.get("view"), payload_user(body)
        callback_id = view.get("callback_id") if isinstance(view, dict) else None
        if not isinstance(view, dict) or user_id is None:
            raise UserFacingError(OUT_OF_DATE)
        if callback_id not in MODAL_IDS:
            raise UserFacingError(OUT_OF_DATE)
        try:
            ids = modal_ids(callback_id, view.get("private_metadata"))
        except Malformed as malformed:
            raise UserFacingError(OUT_OF_DATE) from malformed
        values, block_ids, choices = _state(view.get("state"))
        return cls(
            user=user_id,
            ids=ids,
            values=values,
            settings=_settings(view.get("private_metadata"), set(ids)),
            block_ids=block_ids,
            choices=choices,
        )

    def number(self, key: str) -> int | None:
        """An id the modal carries; None only for one it may leave empty (a new draft's)."""
        if key not in self.ids:
            raise UserFacingError(OUT_OF_DATE)
        return self.ids[key]

    def count(self, key: str) -> int:
        """A small count the modal carries (0 when absent), e.g. a text's version."""
        value = self.settings.get(key, 0)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    def text(self, key: str) -> str | None:
        """A short word the modal carries (e.g. the digest of a text already warned about)."""
        value = self.settings.get(key)
        return value if isinstance(value, str) else None

    def errors_for_view(self, errors: dict[str, str]) -> dict[str, str]:
        """Inline errors keyed by the view's own block ids (versions included)."""
        return {self.block_ids.get(key, key): problem for key, problem in errors.items()}


def _settings(private_metadata: object, ids: set[str]) -> dict[str, bool | int | str]:
    """The modal's flags, small counts and short words (its ids were checked already)."""
    try:
        metadata = json.loads(private_metadata) if isinstance(private_metadata, str) else {}
    except (ValueError, RecursionError):
        return {}
    if not isinstance(metadata, dict):
        return {}
    return {
        key: value
        for key, value in metadata.items()
        if key not in ids
        and isinstance(key, str)
        and (
            isinstance(value, bool)
            or (isinstance(value, int) and 0 <= value <= 1_000_000)
            or (isinstance(value, str) and len(value) <= 128)
        )
    }


def _state(
    state: object,
) -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    """What was typed or chosen, by plain block id; the versioned block ids; checkbox
    choices. Anything unreadable counts as empty."""
    blocks = state.get("values") if isinstance(state, dict) else None
    values: dict[str, str] = {}
    block_ids: dict[str, str] = {}
    choices: dict[str, list[str]] = {}
    for block_id, actions in (blocks if isinstance(blocks, dict) else {}).items():
        if not isinstance(block_id, str):
            continue
        name = unversioned(block_id)
        block_ids[name] = block_id
        for element in (actions if isinstance(actions, dict) else {}).values():
            if not isinstance(element, dict):
                continue
            chosen = element.get("selected_option")
            typed = element.get("value")
            if isinstance(typed, str) and typed:
                values[name] = typed
            elif isinstance(chosen, dict) and isinstance(chosen.get("value"), str):
                values[name] = chosen["value"]
            else:
                values[name] = ""
            many = element.get("selected_options")
            if isinstance(many, list):
                choices[name] = [
                    str(o["value"])
                    for o in many
                    if isinstance(o, dict) and isinstance(o.get("value"), str)
                ]
    return values, block_ids, choices
