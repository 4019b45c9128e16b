from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.moving import check_move, move_case
from bot.errors import UserFacingError
from bot.services import services_of
from bot.slack.ids import Field
from handlers.views.submission import Submission


def handle_move_submission(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Send the case to the picked team: what the modal can tell is said inline; the move
    itself (a few Slack calls) runs after the acknowledgement."""
    submission = Submission.from_body(body)
    services = services_of(context)
    case_id = submission.number("case_id") or 0
    channel = submission.values.get(Field.CHANNEL, "")
    try:
        check_move(services, case_id, channel)
    except UserFacingError as problem:
        ack(response_action="errors", errors={Field.CHANNEL: problem.message})
        return
    ack()
    move_case(services, case_id, submission.user, channel, submission.values.get(Field.NOTE, ""))
