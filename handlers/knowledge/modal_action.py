"""A click inside an open modal (block_actions whose container is a view)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.views.submission import Submission


@dataclass(frozen=True)
class ModalAction:
    user: str
    action_id: str
    # A button's value, or the chosen option's value of a select.
    value: str
    view_id: str
    view_hash: str
    trigger_id: str
    # The modal as it stands: its metadata and what is typed in it.
    form: Submission

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> ModalAction:
        action = body["actions"][0]
        value = action.get("value") or (action.get("selected_option") or {}).get("value") or ""
        view = body["view"]
        return cls(
            user=body["user"]["id"],
            action_id=action["action_id"],
            value=str(value),
            view_id=view["id"],
            view_hash=view.get("hash", ""),
            trigger_id=body.get("trigger_id", ""),
            form=Submission.from_body(body),
        )

    def number(self, key: str) -> int | None:
        return self.form.number(key)
