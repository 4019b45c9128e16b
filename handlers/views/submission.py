"""A modal submission, parsed from Slack's view_submission payload."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.slack.ids import unversioned


@dataclass(frozen=True)
class Submission:
    user: str
    metadata: dict[str, Any]
    # block_id (without its version, bot.slack.ids.versioned) → the value typed or chosen.
    values: dict[str, str]
    # block_id without its version → the block id as the view has it (for inline errors).
    block_ids: dict[str, str] = field(default_factory=dict)
    # Several choices (checkboxes): block_id → the chosen values.
    choices: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> Submission:
        view = body["view"]
        values: dict[str, str] = {}
        block_ids: dict[str, str] = {}
        choices: dict[str, list[str]] = {}
        for block_id, actions in (view.get("state") or {}).get("values", {}).items():
            name = unversioned(block_id)
            block_ids[name] = block_id
            for state in actions.values():
                chosen = state.get("selected_option") or {}
                values[name] = str(state.get("value") or chosen.get("value") or "")
                if "selected_options" in state:
                    choices[name] = [str(o.get("value")) for o in state["selected_options"]]
        metadata = json.loads(view.get("private_metadata") or "{}")
        return cls(
            user=body["user"]["id"],
            metadata=metadata,
            values=values,
            block_ids=block_ids,
            choices=choices,
        )

    def errors_for_view(self, errors: dict[str, str]) -> dict[str, str]:
        """Inline errors keyed by the view's own block ids (versions included)."""
        return {self.block_ids.get(key, key): problem for key, problem in errors.items()}

    def number(self, key: str) -> int | None:
        value = self.metadata.get(key)
        return int(value) if value is not None else None
