"""Where the published API descriptions are: `../shared/specs/` beside the repository.

CI checks a clean clone out next to `shared/`, so the descriptions are always there. A
user's own clone may not have them: the tests that need one skip and say what is missing,
except under `CI=true`, where a missing description is a failure (a skipped spec test
would hide a stand-in drifting from the real API).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
SPECS = REPOSITORY.parent / "shared" / "specs"


def spec_path(relative: str) -> Path:
    """The description at `../shared/specs/<relative>`, or skip (fail in CI) if absent."""
    path = SPECS / relative
    if not path.exists():
        message = (
            f"{relative} is missing: the published API descriptions belong in {SPECS} "
            "(../shared/specs/ relative to the repository root)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
