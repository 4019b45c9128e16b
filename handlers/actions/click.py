"""A button or menu click, parsed from Slack's block_actions payload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.errors import UserFacingError


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
        action = body["actions"][0]
        value = action.get("value") or (action.get("selected_option") or {}).get("value") or ""
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
            "channel_id"
        )
        return cls(
            user=body["user"]["id"],
            action_id=action["action_id"],
            value=str(value),
            trigger_id=body.get("trigger_id", ""),
            channel=channel,
        )

    @property
    def target_id(self) -> int:
        """The case or draft id the clicked element carries (after `kind:` in menus)."""
        raw = self.value.rpartition(":")[2]
        if not raw.isdigit():
            raise UserFacingError("This button is out of date; use the case's latest message.")
        return int(raw)

    @property
    def choice(self) -> str:
        """A menu option's kind (the part before `:`)."""
        return self.value.partition(":")[0]
