#!/usr/bin/env bash
# Creates .venv at the repository root if it is missing and installs Carethread into it.
# Re-installs only when pyproject.toml or the set of packages changed (an editable install
# records which folders are packages). Usage: scripts/setup.sh [dev]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $($python --version)…" >&2
  "$python" -m venv .venv
fi
extra=""
[ "${1:-}" = "dev" ] && extra="[dev]"
stamp=".venv/.installed$extra"
want="$({ cat pyproject.toml; find bot handlers storage sandbox -name __init__.py | sort; } | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing Carethread$extra into .venv…" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$extra"
  echo "$want" > "$stamp"
fi
