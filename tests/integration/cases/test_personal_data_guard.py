"""Personal data never goes out in a public reply: refused inline in the draft modal, and
refused again when an old draft is approved; a private message may carry it."""

from __future__ import annotations

from bot.slack.ids import Action
from sandbox.agent_story import (
    draft_messages,
    open_draft_modal,
    press,
    submit_draft,
    wait_for_draft,
)
from tests.integration.harness import CHANNEL, Sandbox

AGENT, APPROVER = "U0AGENT1", "U0LEAD"
CARD = "4111 1111 1111 1111"


def test_a_public_draft_with_personal_data_is_refused_inline(sandbox: Sandbox) -> None:
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    post, root = sandbox.open_case(text="my refund never arrived")
    slack, url = sandbox.slack, sandbox.bot_url
    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], AGENT)

    for text, named, raw in (
        (f"@lucia the refund went to card {CARD}", "card number •••• •••• •••• 1111", CARD),
        ("@lucia we wrote to lucia.m@example.com", "email address l•••@•••.com", "lucia.m@"),
        ("@lucia your DNI 12345678Z is on file", "Spanish DNI •••••78Z", "12345678Z"),
    ):
        answer = submit_draft(slack, url, AGENT, modal["id"], text, "public")
        assert answer["response_action"] == "errors"
        error = answer["errors"]["text"]
        assert "contains personal data" in error and named in error, error
        assert "Private message" in error and raw not in error
        # The modal stays open showing the error; nothing was saved, nothing posted.
        assert [v["id"] for v in slack.open_views(AGENT)] == [modal["id"]]
        assert draft_messages(slack, CHANNEL, root["ts"]) == []

    # The same text as a private message is what private messages are for.
    text = f"@lucia the refund went to card {CARD}"
    assert submit_draft(slack, url, AGENT, modal["id"], text, "private") == {}
    draft = wait_for_draft(slack, CHANNEL, root["ts"])
    assert "Private message on X" in " ".join(slack.message_texts(draft))
    assert sandbox.x.replies_to(post["id"]) == []


def test_approving_an_old_public_draft_with_personal_data_is_refused(
    sqlite_sandbox: Sandbox,
) -> None:
    # Written before the order-number pattern was configured, so the modal let it through.
    sandbox = sqlite_sandbox
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    post, root = sandbox.open_case(text="my refund never arrived")
    slack = sandbox.slack
    modal = open_draft_modal(slack, sandbox.bot_url, CHANNEL, root["ts"], AGENT)
    # No keyword before it ("order", "pedido"…), so no built-in detector catches it.
    text = "@lucia ORD-20251234 is refunded"
    assert submit_draft(slack, sandbox.bot_url, AGENT, modal["id"], text, "public") == {}
    draft = wait_for_draft(slack, CHANNEL, root["ts"])
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER, PII_CUSTOM_PATTERNS=r"order_number=ORD-\d{8}")

    status, _ = press(slack, sandbox.bot_url, CHANNEL, draft["ts"], APPROVER, Action.APPROVE)

    assert status == 200
    (told,) = slack.wait_for(lambda: slack.ephemerals(APPROVER))
    assert "Not sent" in told["text"] and "order_number •••1234" in told["text"]
    assert "private message" in told["text"]
    assert "ORD-20251234" not in told["text"]
    assert sandbox.x.replies_to(post["id"]) == []
    assert sandbox.x.tweets_by(sandbox.x.brand_id) == []
    assert "Waiting for approval" in str(wait_for_draft(slack, CHANNEL, root["ts"])["blocks"])
