"""Personal data on the card and in drafts: what the card offers, what approvers see, and the
public-reply guard (pure pieces; the end-to-end story is in tests/integration)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.cases.drafts import describe_personal_data, guard_config, validate_draft
from bot.slack.answer_blocks import OriginalPost, build_moved_to_private, build_original_posts
from bot.slack.blocks import (
    CaseView,
    CustomerView,
    PostView,
    blocks_as_dicts,
    build_case_card,
    build_minimal_card,
)
from bot.slack.ids import Action
from bot.triage import TriageConfig, find_pii, move_to_private_texts

CUSTOMER = CustomerView(handle="ana_clara", name="Ana", followers=10, verified=False)
CARD = "4111 1111 1111 1111"
WHEN = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
EXPOSED = {
    "language": "es",
    "priority": "P1",
    "pii": [
        {"type": "payment_card", "start": 20, "end": 39, "value": CARD, "label": "card number"}
    ],
}


def _post(triage: dict | None) -> PostView:
    return PostView(
        external_id="1",
        text="mi tarjeta es •••• •••• •••• 1111",
        url="https://x.com/ana_clara/status/1",
        created_at=WHEN,
        triage=triage,
    )


def _actions(blocks) -> dict:
    return next(b for b in blocks_as_dicts(blocks) if b["type"] == "actions")


def _ids(actions: dict) -> list[str]:
    return [e["action_id"] for e in actions["elements"]]


def _menu(actions: dict) -> list[str]:
    return [o["value"] for o in actions["elements"][-1]["options"]]


def test_a_card_with_exposed_data_offers_move_to_private_and_show_original() -> None:
    case = CaseView(id=9, status="new", customer=CUSTOMER)
    actions = _actions(build_case_card(case, _post(EXPOSED))[1])
    assert _ids(actions) == [
        Action.CLAIM,
        Action.DRAFT,
        Action.ESCALATE,
        Action.CLOSE,
        Action.MOVE_TO_PRIVATE,
        Action.CASE_MORE,
    ]
    assert actions["elements"][4]["text"]["text"] == "Move to private"
    assert actions["elements"][4]["value"] == "9"
    assert _menu(actions) == ["history:9", "show_original:9"]
    labels = [o["text"]["text"] for o in actions["elements"][-1]["options"]]
    assert labels == ["History", "Show original (personal data)"]


def test_a_card_without_exposed_data_offers_neither() -> None:
    case = CaseView(id=9, status="claimed", customer=CUSTOMER, owner="U0A")
    actions = _actions(build_case_card(case, _post({"language": "es", "pii": []}))[1])
    assert Action.MOVE_TO_PRIVATE not in _ids(actions)
    assert _menu(actions) == ["history:9", "unclaim:9"]


def test_the_plain_fallback_card_has_the_same_actions_as_the_full_card() -> None:
    case = CaseView(id=9, status="claimed", customer=CUSTOMER, owner="U0A")
    full = _actions(build_case_card(case, _post(EXPOSED))[1])
    minimal = _actions(build_minimal_card(case, _post(EXPOSED))[1])
    assert full == minimal


def test_the_original_is_shown_escaped_with_a_warning() -> None:
    original = OriginalPost(
        at=WHEN,
        url="https://x.com/ana_clara/status/1",
        text=f"<!channel> mi tarjeta {CARD}",
        found=("card number",),
    )
    text, blocks = build_original_posts(9, [original])
    rendered = json.dumps(blocks_as_dicts(blocks), ensure_ascii=False)
    assert CARD in rendered and "card number" in rendered
    assert "<!channel>" not in rendered and "&lt;!channel&gt;" in rendered
    assert "Only you can see this" in rendered and "recorded" in rendered
    assert CARD not in text  # the notification text never carries it
    huge = OriginalPost(at=WHEN, url="https://x.com/a/status/1", text="x " * 5000, found=("IBAN",))
    blocks_as_dicts(build_original_posts(9, [huge])[1])  # raises if a section is too long


def test_moved_to_private_says_what_was_drafted_and_why_not_more() -> None:
    both, _ = build_moved_to_private(3, 4, None)
    assert "#3" in both and "#4" in both and "public reply" in both
    only, _ = build_moved_to_private(None, 4, "X does not allow a public reply to this post.")
    assert "only a private message (#4)" in only and "does not allow" in only


def test_a_public_reply_with_personal_data_is_refused_naming_it_masked() -> None:
    for text, named, raw in (
        (f"@ana tu tarjeta {CARD} está bloqueada", "card number •••• •••• •••• 1111", CARD),
        ("@ana te escribimos a ana.clara@example.com", "email address a•••@•••.com", "ana.clara@"),
        ("@ana tu DNI 12345678Z figura", "Spanish DNI •••••78Z", "12345678Z"),
    ):
        error = validate_draft(text, "public", True)["text"]
        assert "personal data" in error and named in error, error
        assert raw not in error
        assert "Private message" in error
        assert validate_draft(text, "private", True) == {}  # a DM may carry it


def test_describing_many_matches_stays_short() -> None:
    text = " ".join(f"{c}ana@example.com" for c in "bcdefg")
    described = describe_personal_data(find_pii(text))
    assert described.endswith("and 3 more") and "example" not in described


def test_the_brands_own_dm_link_is_not_personal_data() -> None:
    # An old, 10-digit X id reads like a US phone number to the phone detector.
    brand = "2461513966"
    public, _ = move_to_private_texts("es", "ana_clara", brand)
    config = TriageConfig()
    assert find_pii(public, config)  # without knowing the brand, the id looks like a phone
    assert validate_draft(public, "public", True, guard_config(config, brand)) == {}
    # Knowing the brand's id does not let a customer's phone number through.
    other = public + " o llámanos al +34 612 345 678"
    assert (
        "phone number" in validate_draft(other, "public", True, guard_config(config, brand))["text"]
    )
