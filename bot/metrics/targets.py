"""Where the response targets come from: the one function to change when the SLA policy
(per-priority targets, business hours) lands."""

from __future__ import annotations

from datetime import timedelta

from bot.triage import TriageConfig
from storage.enums import Priority


def response_targets(triage: TriageConfig) -> dict[Priority, timedelta]:
    """First-response target per priority, today from RESPONSE_TARGET_MINUTES."""
    return {
        Priority.parse(level): timedelta(minutes=minutes)
        for level, minutes in sorted(triage.response_target_minutes.items())
    }
