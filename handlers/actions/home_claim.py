from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.claim import claim_case
from bot.errors import UserFacingError
from bot.i18n import _
from bot.services import services_of
from bot.slack.text import escape
from handlers.actions.click import Click


def handle_home_claim(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Claim from App Home's queue; the refreshed Home tab says how it went."""
    ack()
    click = Click.from_body(body)
    services = services_of(context)
    try:
        result = claim_case(services, click.target_id, click.user)
    except UserFacingError as error:
        notice = "⚠️ " + _("Case #{number}: {problem}").format(
            number=click.target_id, problem=escape(error.message)
        )
    else:
        if result.claimed:
            notice = _("✅ Case #{number} is yours.").format(number=result.case_id)
        else:
            notice = _("{user} already has case #{number}.").format(
                user=f"<@{escape(result.owner)}>", number=result.case_id
            )
    services.home.publish(services, click.user, notice)
