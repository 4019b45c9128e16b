"""A modal submission, parsed from Slack's view_submission payload."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Submission:
    user: str
    metadata: dict[str, Any]
    # block_id → the value typed or chosen there.
    values: dict[str, str]

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> Submission:
        view = body["view"]
        values: dict[str, str] = {}
        for block_id, actions in (view.get("state") or {}).get("values", {}).items():
            for state in actions.values():
                chosen = state.get("selected_option") or {}
                values[block_id] = str(state.get("value") or chosen.get("value") or "")
        metadata = json.loads(view.get("private_metadata") or "{}")
        return cls(user=body["user"]["id"], metadata=metadata, values=values)

    def number(self, key: str) -> int | None:
        value = self.metadata.get(key)
        return int(value) if value is not None else None
