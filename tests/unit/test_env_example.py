"""`.env.example` lists every variable the settings read, each under a one-line comment."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


class Recording(dict[str, str]):
    """An empty environment that remembers every variable asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        self.asked.add(key)
        return super().get(key, default)


def documented() -> dict[str, str]:
    """Each variable of the example, with the comment line above it."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    found = {}
    for above, line in zip(lines, lines[1:], strict=False):
        if line and not line.startswith("#") and "=" in line:
            found[line.split("=", 1)[0]] = above
    return found


def test_every_variable_the_settings_read_is_documented_with_a_comment() -> None:
    env = Recording()
    with pytest.raises(ConfigError):
        load_settings(env)
    example = documented()
    assert env.asked - set(example) == set()
    for name in env.asked:
        assert example[name].startswith("# "), name
    for name in ("MASTODON_BASE_URL", "BLUESKY_APP_PASSWORD", "RSS_FEEDS", "DISCOURSE_WATCH"):
        assert name in env.asked  # the networks of issue 13 are read, hence listed
