"""The Slack card: what an agent reads, and what must never ping anyone."""

import json
from datetime import UTC, datetime

from bot.slack.blocks import (
    CaseView,
    CustomerView,
    PostView,
    blocks_as_dicts,
    build_case_card,
    build_follow_up,
)
from bot.slack.ids import Action
from bot.slack.text import compact_number, cut_escaped, escape

CUSTOMER = CustomerView(
    handle="lucia_m", name="Lucía Martín", followers=48_200, verified=True, verified_type="blue"
)
WHEN = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)


def _post(text: str, **kw) -> PostView:
    return PostView(
        external_id="1900",
        text=text,
        url="https://x.com/lucia_m/status/1900",
        created_at=WHEN,
        **kw,
    )


def _card(text: str, **kw):
    return build_case_card(CaseView(id=7, status="new", customer=CUSTOMER), _post(text, **kw))


def test_card_shows_who_what_when_link_status_and_buttons():
    fallback, blocks = _card("Mi pedido no llega")
    rendered = json.dumps(blocks_as_dicts(blocks), ensure_ascii=False)
    for expected in (
        "Lucía Martín",
        "@lucia_m",
        "48.2k followers",
        "verified",
        "Mi pedido no llega",
        "https://x.com/lucia_m/status/1900",
        "New",
        "<!date^",
    ):
        assert expected in rendered
    actions = blocks_as_dicts(blocks)[-1]["elements"]
    assert [a["action_id"] for a in actions] == [
        Action.CLAIM,
        Action.DRAFT,
        Action.ESCALATE,
        Action.CLOSE,
        Action.CASE_MORE,
    ]
    assert [a["text"]["text"] for a in actions[:4]] == ["Claim", "Draft reply", "Escalate", "Close"]
    assert fallback.startswith("@lucia_m: Mi pedido")


def test_mentions_in_customer_text_and_names_cannot_ping():
    evil = CustomerView(handle="x", name="<!here> boss", followers=1, verified=False)
    _, blocks = build_case_card(
        CaseView(id=1, status="new", customer=evil),
        _post("hey <!channel> and <@U0SPOOF> & <https://evil|click>"),
    )
    rendered = json.dumps(blocks_as_dicts(blocks))
    assert "<!channel>" not in rendered and "<@U0SPOOF>" not in rendered
    assert "<!here>" not in rendered and "<https://evil" not in rendered
    assert "&lt;!channel&gt;" in rendered and "&amp;" in rendered


def test_long_posts_are_cut_with_a_link_to_the_full_post():
    long_text = ("palabra " * 4000).strip()  # ~32,000 characters, an X long-form post
    _, blocks = _card(long_text)
    section = blocks_as_dicts(blocks)[1]["text"]["text"]
    assert len(section) <= 3000
    assert section.endswith("<https://x.com/lucia_m/status/1900|see full post>")


def test_cutting_never_splits_an_entity_or_exceeds_the_limit():
    text = "&" * 5000
    cut = cut_escaped(text, 1000)
    assert len(cut) <= 1000
    assert cut.rstrip("…").endswith("&amp;")


def test_search_posts_say_only_a_private_reply_is_possible():
    _, blocks = _card(
        "Alguien sabe si Acme tiene fibra en Rosario?", source="search", publicly_replyable=False
    )
    assert "private reply" in json.dumps(blocks_as_dicts(blocks))


def test_follow_up_pings_previous_owner_when_reopened():
    case = CaseView(id=1, status="claimed", customer=CUSTOMER, owner="U0AGENT")
    _, blocks = build_follow_up(case, _post("sigue sin llegar"), ping_owner="U0AGENT")
    rendered = json.dumps(blocks_as_dicts(blocks))
    assert "<@U0AGENT>" in rendered and "reopened" in rendered


def test_helpers():
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"
    assert compact_number(999) == "999"
    assert compact_number(48_200) == "48.2k"
    assert compact_number(1_250_000) == "1.2M"
    assert compact_number(2_600_000) == "2.6M"


def test_deadline_a_day_away_names_the_day():
    from datetime import timedelta

    case = CaseView(id=1, status="new", customer=CUSTOMER, respond_by=WHEN + timedelta(hours=24))
    _, blocks = build_case_card(
        case, _post("question", triage={"priority": "P3", "reasons": ["question"]})
    )
    triage = blocks_as_dicts(blocks)[3]["elements"][0]["text"]
    assert "respond by <!date^" in triage and "{date_short_pretty} {time}" in triage
    assert "2026-11-24 10:15 UTC" in triage  # the fallback for clients without date tokens
