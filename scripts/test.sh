#!/usr/bin/env bash
# Sets up and runs the whole test suite (lint, type check, then SQLite and PostgreSQL tests,
# then the browser test of the sandbox page in Chromium).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh dev
# The browser test drives Debian's Chromium: Playwright's own browser download cannot
# work offline. Installed once, when missing, if we may (root with apt-get, as in CI).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Chromium for the browser test…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing (apt-get install chromium, as root): the browser test will skip." >&2
  fi
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
