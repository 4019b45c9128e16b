#!/usr/bin/env bash
# Sets up and runs Carethread: the real bot when credentials are configured
# (environment or .env), otherwise the sandbox demo with no accounts needed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
configured() {
  [ -n "${SLACK_BOT_TOKEN:-}" ] || { [ -f .env ] && grep -Eq '^[[:space:]]*SLACK_BOT_TOKEN=[^[:space:]]+' .env; }
}
if configured; then
  .venv/bin/python -m bot db upgrade
  exec .venv/bin/python -m bot "$@"
fi
echo "No Slack credentials configured: starting the sandbox demo (Ctrl-C to stop)." >&2
exec .venv/bin/python -m bot demo "$@"
