from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.escalation import escalate_case
from bot.i18n import _
from bot.services import services_of
from bot.slack.ids import Field
from handlers.views.submission import Submission


def handle_escalate_submission(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    submission = Submission.from_body(body)
    team = submission.values.get(Field.TEAM, "")
    if not team:
        ack(response_action="errors", errors={Field.TEAM: _("Pick a team.")})
        return
    ack()
    escalate_case(
        services_of(context),
        submission.number("case_id") or 0,
        submission.user,
        team,
        submission.values.get(Field.NOTE, ""),
    )
