"""Where tests find the published API descriptions: `../shared/specs/` next to the checkout.

The descriptions are shared material outside the repository (not ours to vendor). In a
user's own clone they are usually absent: spec tests then skip, saying what is missing.
In CI (`CI=true`) they must be there, so a missing file fails instead of hiding a check.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
SPECS = REPOSITORY_ROOT.parent / "shared" / "specs"


def shared_spec(relative: str) -> Path:
    """The spec file at `../shared/specs/<relative>`, or skip (fail under CI) without it."""
    path = SPECS / relative
    if not path.is_file():
        message = (
            f"{relative} is missing from ../shared/specs/ (looked in {SPECS}): the shared "
            "API descriptions are needed to check the stand-in against the real API"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
