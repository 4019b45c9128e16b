"""Where tests find the networks' published API descriptions: `../shared/specs/` beside
the repository root (as laid out in CI), never an absolute path.

A user's own clone has no `../shared`: those tests skip, saying what is missing. Under
`CI=true` a missing description is a failure, so a broken layout cannot pass unnoticed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
SPECS = REPOSITORY_ROOT.parent / "shared" / "specs"


def spec_file(relative: str) -> Path:
    """The description at `../shared/specs/<relative>`, or skip (fail under CI) without it."""
    path = SPECS / relative
    if not path.exists():
        message = (
            f"{relative} is not in ../shared/specs/ (looked for {path}): the tests that check "
            "a stand-in against its network's published description need it"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
