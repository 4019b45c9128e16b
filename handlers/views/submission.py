"""A modal submission, parsed from Slack's view_submission payload.

The ids a modal of ours carries in private_metadata are checked here (which ones each
modal needs: `bot.slack_payload_check.MODAL_IDS`), so a listener never works on a made-up
or missing id: a submission without them is refused with a sentence, never read as 0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.errors import UserFacingError
from bot.slack_payload_check import MODAL_IDS, modal_ids, payload_user
from bot.slack_shapes import Malformed

OUT_OF_DATE = "This form is out of date; close it and start again from the case's latest message."


@dataclass(frozen=True)
class Submission:
    user: str
    # The ids the modal carries (case_id, draft_id), checked; a draft_id may be None.
    ids: dict[str, int | None]
    # block_id → the value typed or chosen there.
    values: dict[str, str]
    # Small settings a modal of ours carries besides ids (a warning already seen, the
    # version of a text we replaced): flags and counts only, anything else is dropped.
    settings: dict[str, bool | int]

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
        return cls(
            user=user_id,
            ids=ids,
            values=_values(view.get("state")),
            settings=_settings(view.get("private_metadata"), set(ids)),
        )

    def number(self, key: str) -> int | None:
        """An id the modal carries; None only for one it may leave empty (a new draft's)."""
        if key not in self.ids:
            raise UserFacingError(OUT_OF_DATE)
        return self.ids[key]


def _settings(private_metadata: object, ids: set[str]) -> dict[str, bool | int]:
    """The modal's flags and small counts (its ids were checked already)."""
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
        and (isinstance(value, bool) or (isinstance(value, int) and 0 <= value <= 1_000_000))
    }


def _values(state: object) -> dict[str, str]:
    """block_id → what was typed or chosen there; anything unreadable counts as empty."""
    blocks = state.get("values") if isinstance(state, dict) else None
    values: dict[str, str] = {}
    for block_id, actions in (blocks if isinstance(blocks, dict) else {}).items():
        for element in (actions if isinstance(actions, dict) else {}).values():
            if not isinstance(element, dict):
                continue
            chosen = element.get("selected_option")
            typed = element.get("value")
            if isinstance(typed, str) and typed:
                values[block_id] = typed
            elif isinstance(chosen, dict) and isinstance(chosen.get("value"), str):
                values[block_id] = chosen["value"]
            else:
                values[block_id] = ""
    return values
