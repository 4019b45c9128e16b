from typing import Any

from slack_bolt import Ack, BoltContext

from bot.cases.approval import reject_draft
from bot.i18n import _
from bot.services import services_of
from bot.slack.ids import Field
from handlers.views.submission import Submission


def handle_reject_submission(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    submission = Submission.from_body(body)
    reason = submission.values.get(Field.REASON, "").strip()
    if not reason:
        ack(
            response_action="errors", errors={Field.REASON: _("Say why, so the author can fix it.")}
        )
        return
    ack()
    reject_draft(services_of(context), submission.number("draft_id") or 0, submission.user, reason)
