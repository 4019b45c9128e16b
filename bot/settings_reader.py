"""Typed values read from a mapping of settings (the environment over `.env`).

Problems are collected, not raised, so a person fixing a deployment sees all of them at
once, one line per variable. `bot.config` builds the mapping; network modules use this
to read their own settings block.
"""

from __future__ import annotations

import re
from collections.abc import Mapping


class EnvReader:
    """Reads typed values from a mapping, collecting problems instead of raising."""

    def __init__(self, env: Mapping[str, str]):
        self.env = env
        self.problems: list[str] = []

    def raw(self, name: str) -> str | None:
        value = self.env.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def any_set(self, *names: str) -> bool:
        """Whether any of `names` has a value: a network is enabled by configuring it."""
        return any(self.raw(name) is not None for name in names)

    def decimal(self, name: str, default: float, low: float, high: float) -> float:
        """A number that may have a fraction (0.5 messages per second)."""
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            self.problems.append(f"{name} must be a number, got {value!r}.")
            return default
        if not low <= number <= high:
            self.problems.append(f"{name} must be between {low:g} and {high:g}, got {number:g}.")
            return default
        return number

    def required(self, name: str, what: str) -> str:
        value = self.raw(name)
        if value is None:
            self.problems.append(f"{name} is not set: {what}.")
            return ""
        return value

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            self.problems.append(f"{name} must be a whole number, got {value!r}.")
            return default
        if not low <= number <= high:
            self.problems.append(f"{name} must be between {low} and {high}, got {number}.")
            return default
        return number

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        self.problems.append(f"{name} must be true or false, got {value!r}.")
        return default

    def url(self, name: str) -> str | None:
        value = self.raw(name)
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            self.problems.append(f"{name} must be an http(s) URL, got {value!r}.")
            return None
        return value

    def csv(self, name: str) -> list[str]:
        value = self.raw(name) or ""
        return [item.strip() for item in value.split(",") if item.strip()]
