"""Where the tests find the networks' published API descriptions.

They live beside the repository, in `../shared/specs/` relative to its root, exactly as
in CI. A user's own clone has no `../shared`: there the spec tests skip and say what is
missing; under `CI=true` a missing description is a failure, never a silent skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SPECS_DIR = REPO_ROOT.parent / "shared" / "specs"


def spec_path(relative: str) -> Path:
    """The path of `relative` under `../shared/specs/`; skips (or fails under CI) if absent."""
    path = SPECS_DIR / relative
    if not path.exists():
        message = (
            f"the API description {relative} is missing: expected it at {path} "
            "(../shared/specs/ beside the repository root)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
