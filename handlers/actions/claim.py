from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.cases.claim import claim_case
from bot.services import services_of
from bot.slack.builders.common import blocks_as_dicts
from bot.slack.builders.ephemerals import build_claimed_elsewhere
from handlers.actions.click import Click


def handle_claim(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """Claim the case; whoever lost the race is told who has it and may take it over."""
    ack()
    click = Click.from_body(body)
    result = claim_case(services_of(context), click.target_id, click.user)
    if not result.claimed:
        text, blocks = build_claimed_elsewhere(result.case_id, result.owner)
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=text,
            blocks=blocks_as_dicts(blocks),
        )
