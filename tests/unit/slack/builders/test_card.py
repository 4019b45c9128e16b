"""The Slack card: what an agent reads, which actions it offers, and what must never ping
anyone."""

import json
from datetime import timedelta

from bot.networks.registry import NetworkLook
from bot.slack.builders.card import build_case_card, build_follow_up, build_minimal_card
from bot.slack.builders.common import blocks_as_dicts
from bot.slack.ids import Action
from bot.slack.views import CaseView, DeadlineView
from tests.unit.slack.builders.examples import EXPOSED, WHEN, X, customer, post, triage

CUSTOMER = customer()


def _case(**changes) -> CaseView:
    values = dict(id=7, status="new", customer=CUSTOMER, network=X)
    values.update(changes)
    return CaseView(**values)


def _card(text: str, **kw):
    return build_case_card(_case(), post(text, **kw))


def _actions(blocks) -> dict:
    return next(b for b in blocks_as_dicts(blocks) if b["type"] == "actions")


def _ids(actions: dict) -> list[str]:
    return [e["action_id"] for e in actions["elements"]]


def _menu(actions: dict) -> list[str]:
    return [o["value"] for o in actions["elements"][-1]["options"]]


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
        "View on X",
        "New",
        "<!date^",
    ):
        assert expected in rendered
    actions = blocks_as_dicts(blocks)[-1]["elements"]
    assert [a["action_id"] for a in actions] == [
        Action.CLAIM,
        Action.DRAFT,
        Action.HOLDING_REPLY,
        Action.ESCALATE,
        Action.CLOSE,
        Action.CASE_MORE,
    ]
    assert [a["text"]["text"] for a in actions[:5]] == [
        "Claim",
        "Draft reply",
        "We're on it",
        "Escalate",
        "Close",
    ]
    assert fallback.startswith("@lucia_m: Mi pedido")


def test_the_card_names_the_network_the_post_came_from():
    fake = NetworkLook(name="fake", label="Fakebook", icon="🧪")
    _, blocks = build_case_card(_case(network=fake), post("hola"))
    rendered = json.dumps(blocks_as_dicts(blocks), ensure_ascii=False)
    assert "🧪" in rendered and "View on Fakebook" in rendered and "View on X" not in rendered


def test_a_read_only_network_gets_no_answering_buttons():
    feed = NetworkLook(name="rss", label="the web", icon="📰", can_reply=False)
    actions = _actions(build_case_card(_case(network=feed), post("blog post", triage=EXPOSED))[1])
    assert _ids(actions) == [Action.CLAIM, Action.ESCALATE, Action.CLOSE, Action.CASE_MORE]


def test_a_feed_card_opens_in_a_browser_and_says_it_is_read_only():
    feed = NetworkLook(name="rss", label="RSS/Atom", icon="📰", can_reply=False)
    entry = post("Acme sube precios", source="feed", publicly_replyable=False)
    rendered = json.dumps(blocks_as_dicts(build_case_card(_case(network=feed), entry)[1]))
    assert "Open in browser" in rendered and "from a feed: read-only" in rendered
    assert "View on" not in rendered and "private reply" not in rendered


def test_forum_posts_say_how_they_were_found():
    forum = NetworkLook(name="discourse", label="Discourse", icon="💬")
    for source, words in (
        ("watch", "found by the watch list"),
        ("thread", "in a topic the brand took part in"),
        ("mention", None),
    ):
        card = build_case_card(_case(network=forum), post("Mi módem", source=source))[1]
        rendered = json.dumps(blocks_as_dicts(card), ensure_ascii=False)
        assert (words in rendered) if words else ("found by" not in rendered)


def test_a_follow_up_names_its_own_author():
    other = post("a mí también me pasa", author_handle="bob_forum")
    rendered = json.dumps(blocks_as_dicts(build_follow_up(_case(), other)[1]))
    assert "@bob_forum:" in rendered and "@lucia_m:" not in rendered


def test_mentions_in_customer_text_and_names_cannot_ping():
    evil = customer(handle="x", name="<!here> boss", followers=1, verified=False)
    _, blocks = build_case_card(
        _case(id=1, customer=evil), post("hey <!channel> and <@U0SPOOF> & <https://evil|click>")
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


def test_search_posts_say_only_a_private_reply_is_possible():
    _, blocks = _card(
        "Alguien sabe si Acme tiene fibra en Rosario?", source="search", publicly_replyable=False
    )
    assert "private reply" in json.dumps(blocks_as_dicts(blocks))


def test_follow_up_pings_previous_owner_when_reopened():
    case = _case(id=1, status="claimed", owner="U0AGENT")
    _, blocks = build_follow_up(case, post("sigue sin llegar"), ping_owner="U0AGENT")
    rendered = json.dumps(blocks_as_dicts(blocks))
    assert "<@U0AGENT>" in rendered and "reopened" in rendered


def _deadline_line(deadline: DeadlineView) -> str:
    case = _case(id=1, deadline=deadline)
    _, blocks = build_case_card(
        case, post("question", triage=triage(priority="P3", reasons=("question",)))
    )
    return blocks_as_dicts(blocks)[3]["elements"][0]["text"]


def test_deadline_a_day_away_names_the_day():
    line = _deadline_line(DeadlineView("first response", WHEN + timedelta(hours=24)))
    assert "⏱ first response due <!date^" in line and "{date_short_pretty} {time}" in line
    assert "2026-11-24 10:15 UTC" in line  # the fallback for clients without date tokens


def test_a_deadline_turns_amber_then_red_with_how_late():
    soon = _deadline_line(DeadlineView("first response", WHEN, phase="due_soon"))
    assert "🟠 *first response due soon*: <!date^" in soon
    late = _deadline_line(DeadlineView("next response", WHEN, phase="overdue"))
    assert "🔴 *next response overdue*: was due <!date^" in late and "({ago})" in late
    paused = _deadline_line(DeadlineView("next response", None, phase="paused"))
    assert "⏸ next response paused: waiting on the customer" in paused


def test_card_menu_offers_history_and_unclaim_only_when_owned():
    def menu(case: CaseView) -> list[str]:
        return _menu(_actions(build_case_card(case, post("hi"))[1]))

    assert menu(_case()) == ["history:7", "customer:7"]
    assert menu(_case(status="claimed", owner="U0A")) == ["history:7", "customer:7", "unclaim:7"]


def test_a_card_with_exposed_data_offers_move_to_private_and_show_original() -> None:
    actions = _actions(build_case_card(_case(id=9), post(triage=EXPOSED))[1])
    assert _ids(actions) == [
        Action.CLAIM,
        Action.DRAFT,
        Action.HOLDING_REPLY,
        Action.ESCALATE,
        Action.CLOSE,
        Action.MOVE_TO_PRIVATE,
        Action.CASE_MORE,
    ]
    assert actions["elements"][5]["text"]["text"] == "Move to private"
    assert actions["elements"][5]["value"] == "9"
    assert _menu(actions) == ["history:9", "customer:9", "show_original:9"]
    labels = [o["text"]["text"] for o in actions["elements"][-1]["options"]]
    assert labels == ["History", "Customer", "Show original (personal data)"]


def test_a_card_without_exposed_data_offers_neither() -> None:
    case = _case(id=9, status="claimed", owner="U0A")
    actions = _actions(build_case_card(case, post(triage=triage()))[1])
    assert Action.MOVE_TO_PRIVATE not in _ids(actions)
    assert _menu(actions) == ["history:9", "customer:9", "unclaim:9"]


def test_the_plain_fallback_card_has_the_same_actions_as_the_full_card() -> None:
    case = _case(id=9, status="claimed", owner="U0A")
    full = _actions(build_case_card(case, post(triage=EXPOSED))[1])
    minimal = _actions(build_minimal_card(case, post(triage=EXPOSED))[1])
    assert full == minimal


def test_the_networks_answering_window_shows_on_the_card_escaped():
    window = "private reply possible until Tue 14 Jul 14:05 UTC <!channel>"
    _, blocks = build_case_card(_case(reply_window=window), post("hola"))
    shown = next(b for b in blocks_as_dicts(blocks) if b.get("block_id") == "window")
    text = shown["elements"][0]["text"]
    assert "private reply possible until Tue 14 Jul 14:05 UTC" in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


def test_no_window_line_where_the_network_has_no_windows():
    _, blocks = build_case_card(_case(), post("hola"))
    assert "window" not in {b.get("block_id") for b in blocks_as_dicts(blocks)}
