"""Placeholders in saved replies and reply templates: `{first_name}`, `{handle}`, `{agent}`,
`{case}`. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

FIRST_NAME, HANDLE, AGENT, CASE = "first_name", "handle", "agent", "case"
KNOWN = (FIRST_NAME, HANDLE, AGENT, CASE)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class PlaceholderValues:
    """What the placeholders stand for in one case, written by one agent."""

    first_name: str
    handle: str
    agent: str
    case: str

    def as_mapping(self) -> Mapping[str, str]:
        return {
            FIRST_NAME: self.first_name,
            HANDLE: self.handle,
            AGENT: self.agent,
            CASE: self.case,
        }


def first_name_of(display_name: str, fallback: str) -> str:
    """The first word of a display name that reads as a name ("Lucía Martínez" → "Lucía"),
    else `fallback` (names like "🌵" or "ACME_fan_99" are not names)."""
    for word in display_name.split():
        cleaned = word.strip(".,;:!?()[]\"'")
        if len(cleaned) >= 2 and all(ch.isalpha() or ch in "-'" for ch in cleaned):
            return cleaned
    return fallback


def fill(text: str, values: PlaceholderValues) -> str:
    """`text` with every known placeholder replaced; unknown ones are left as written."""
    mapping = values.as_mapping()
    return _PLACEHOLDER.sub(lambda m: mapping.get(m.group(1), m.group(0)), text)


def unknown_placeholders(text: str) -> list[str]:
    """Placeholders in `text` that `fill` would not replace, as written (`{nombre}`)."""
    return [m.group(0) for m in _PLACEHOLDER.finditer(text) if m.group(1) not in KNOWN]
