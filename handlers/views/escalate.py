from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.escalation import escalate_case
from bot.slack.answer_blocks import NOTE_FIELD, TEAM_FIELD
from handlers.views.submission import Submission


def handle_escalate_submission(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    submission = Submission.from_body(body)
    team = submission.values.get(TEAM_FIELD, "")
    if not team:
        ack(response_action="errors", errors={TEAM_FIELD: "Pick a team."})
        return
    ack()
    escalate_case(
        context["services"],
        submission.number("case_id") or 0,
        submission.user,
        team,
        submission.values.get(NOTE_FIELD, ""),
    )
