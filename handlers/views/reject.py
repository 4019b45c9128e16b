from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.approval import reject_draft
from bot.slack.answer_blocks import REASON_FIELD
from handlers.views.submission import Submission


def handle_reject_submission(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    submission = Submission.from_body(body)
    reason = submission.values.get(REASON_FIELD, "").strip()
    if not reason:
        ack(response_action="errors", errors={REASON_FIELD: "Say why, so the author can fix it."})
        return
    ack()
    reject_draft(context["services"], submission.number("draft_id") or 0, submission.user, reason)
