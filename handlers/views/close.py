from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.closing import close_case
from bot.services import services_of
from bot.slack.ids import Field
from handlers.views.submission import Submission


def handle_close_submission(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    submission = Submission.from_body(body)
    ack()
    close_case(
        services_of(context),
        submission.number("case_id") or 0,
        submission.user,
        submission.values.get(Field.REASON, ""),
    )
