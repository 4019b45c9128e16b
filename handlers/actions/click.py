"""A button or menu click, parsed from Slack's block_actions payload.

Read defensively although the payload was checked on the way in (bot/slack_request_guard.py
over HTTP, bot/socket_mode.py in Socket Mode): a click that cannot be read must reach the
clicker as a plain sentence, never as an error id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.errors import UserFacingError
from bot.i18n import N_
from bot.slack_payload_check import element_target, element_value, payload_channel, payload_user

OUT_OF_DATE = N_("This button is out of date; use the case's latest message.")


@dataclass(frozen=True)
class Click:
    user: str
    action_id: str
    # A button's value, or the chosen option's value of a menu.
    value: str
    trigger_id: str
    channel: str | None

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> Click:
        actions, user_id = body.get("actions"), payload_user(body)
        action = actions[0] if isinstance(actions, list) and actions else None
        if not isinstance(action, dict) or user_id is None:
            raise UserFacingError(OUT_OF_DATE)
        action_id, trigger_id = action.get("action_id"), body.get("trigger_id")
        return cls(
            user=user_id,
            action_id=action_id if isinstance(action_id, str) else "",
            value=element_value(action),
            trigger_id=trigger_id if isinstance(trigger_id, str) else "",
            channel=payload_channel(body),
        )

    @property
    def target_id(self) -> int:
        """The case or draft id the clicked element carries (after `kind:` in menus)."""
        target = element_target(self.value)
        if target is None:
            raise UserFacingError(OUT_OF_DATE)
        return target

    @property
    def choice(self) -> str:
        """A menu option's kind (the part before `:`)."""
        return self.value.partition(":")[0]
