"""How Slack fails, and the one rule for side effects after a commit (`best_effort`)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger("bot.slack")

# Everything a Slack Web API call can raise: a refusal, a client-side failure, the network.
SLACK_FAILURES = (SlackApiError, SlackClientError, OSError)

# Errors that no retry of the same call will fix: a person must change the setup.
SETUP_ERRORS = {
    "channel_not_found": "the channel in SLACK_CHANNEL_ID does not exist or the bot cannot see it",
    "not_in_channel": "the bot is not in the SLACK_CHANNEL_ID channel: invite it with /invite",
    "is_archived": "the SLACK_CHANNEL_ID channel is archived",
    "invalid_auth": "Slack rejected SLACK_BOT_TOKEN (invalid_auth)",
    "not_authed": "no Slack token was sent (SLACK_BOT_TOKEN)",
    "token_revoked": "SLACK_BOT_TOKEN was revoked: reinstall the Slack app",
    "account_inactive": "the Slack app's bot user is deactivated",
    "missing_scope": "the Slack app lacks a scope (chat:write): update it from the manifest",
}


def slack_error(exc: BaseException) -> str:
    """Slack's error code, or the exception's kind, for logs."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
    return type(exc).__name__


@contextmanager
def best_effort(what: str) -> Iterator[None]:
    """Run one Slack side effect after a commit: a failure is logged, not raised.

    Such effects are convergent: cards and draft messages are re-rendered in full from
    the database on every change, so what a failure leaves stale is caught up by the next
    render; and one failed call never stops the calls after it.
    """
    try:
        yield
    except SLACK_FAILURES as exc:
        log.warning("Slack: could not %s (%s); the next update catches up", what, slack_error(exc))
