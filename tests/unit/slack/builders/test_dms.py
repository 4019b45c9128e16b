"""Direct messages: the approver's copy of a draft is enough to decide from a phone."""

from __future__ import annotations

from bot.slack.builders.dms import build_approval_dm
from bot.slack.ids import Action
from tests.unit.slack.builders.examples import EVIL, draft
from tests.unit.slack.builders.test_thread import buttons, rendered


def test_the_dm_has_approve_and_reject_and_a_link_to_the_thread() -> None:
    _, blocks = build_approval_dm(draft(), "https://slack.example/archives/C1/p1")
    assert buttons(blocks) == [Action.APPROVE, Action.REJECT]
    assert "https://slack.example/archives/C1/p1" in rendered(blocks)


def test_the_dm_cannot_ping() -> None:
    shown = rendered(build_approval_dm(draft(text=EVIL, customer_handle="<!here>"), None)[1])
    assert "<!channel>" not in shown and "<@U0SPOOF>" not in shown and "<!here>" not in shown
