"""Test 2 of issue 12: App Home through the real Bolt app and the Slack stand-in."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.slack.ids import Action
from storage.db import make_engine, make_session_factory, session_scope
from storage.enums import CaseStatus, Priority
from storage.models import Case, utcnow
from tests.integration.harness import Sandbox
from tests.integration.metrics.stored import add_case, brand, customer, midday_zone

AGENT, OTHER_AGENT, VISITOR = "U0AGENT1", "U0AGENT2", "U0LEAD2"
MIN = timedelta(minutes=1)


def seed_every_state(database_url: str) -> dict[str, int]:
    """One case in each state; returns their ids by name."""
    now = utcnow()
    engine = make_engine(database_url)
    ids: dict[str, int] = {}
    with session_scope(make_session_factory(engine)) as session:
        account = brand(session)

        def case(name: str, **kwargs: object) -> None:
            posts = kwargs.pop("posts", [now - 30 * MIN])
            stored = add_case(
                session, account, customer(session, name), posts, text=f"{name} wrote", **kwargs
            )
            ids[name] = stored.case.id

        case("mine_soon", owner=AGENT, respond_by=now + 5 * MIN, priority=Priority.P2)
        case("mine_later", owner=AGENT, respond_by=now + 50 * MIN, priority=Priority.P1)
        case("mine_replied", owner=AGENT, replies=[(now - 20 * MIN, AGENT)])
        case("mine_closed", owner=AGENT, status=CaseStatus.CLOSED, closed_at=now - 5 * MIN)
        case("theirs", owner=OTHER_AGENT, respond_by=now + 5 * MIN)
        case("queue_p3", respond_by=now + 600 * MIN, priority=Priority.P3)
        case("queue_p1_overdue", respond_by=now - 5 * MIN, priority=Priority.P1)
        case("queue_escalated", status=CaseStatus.ESCALATED, respond_by=now + 10 * MIN)
    engine.dispose()
    return ids


def home_text(view: dict) -> str:
    return "\n".join(
        str(b.get("text", {}).get("text", ""))
        + " ".join(f.get("text", "") for f in b.get("fields", []))
        for b in view["blocks"]
    )


def section_ids(view: dict, prefix: str) -> list[int]:
    return [
        int(b["block_id"].removeprefix(prefix))
        for b in view["blocks"]
        if b["block_id"].startswith(prefix) and b["block_id"].removeprefix(prefix).isdigit()
    ]


def test_app_home_for_an_agent_and_for_a_visitor(sandbox: Sandbox) -> None:
    ids = seed_every_state(sandbox.database_url)
    sandbox.start_bot(REPORT_TIMEZONE=midday_zone())
    slack, url = sandbox.slack, sandbox.bot_url

    status, _ = slack.open_home(url, user_id=AGENT)
    assert status == 200
    home = slack.wait_for(lambda: slack.home(AGENT), 10)
    assert len(home["blocks"]) <= 100
    # Mine: waiting cases by deadline, then the replied one; never the closed or others'.
    assert section_ids(home, "mine_") == [ids["mine_soon"], ids["mine_later"], ids["mine_replied"]]
    # The queue: unclaimed only, P1 first, each with a Claim button.
    assert section_ids(home, "queue_") == [
        ids["queue_p1_overdue"],
        ids["queue_escalated"],
        ids["queue_p3"],
    ]
    claim_buttons = [
        b["accessory"]["value"]
        for b in home["blocks"]
        if b.get("accessory", {}).get("action_id") == Action.HOME_CLAIM
    ]
    assert claim_buttons == [str(i) for i in section_ids(home, "queue_")]
    text = home_text(home)
    assert "*Waiting*\n6 (3 unclaimed)" in text and "*Overdue*\n1" in text
    assert "*Answered today*\n1" in text
    # Today's responsiveness as Facebook counts it: eight customers wrote, one was
    # answered ten minutes later.
    assert "*Response rate so far*\n12.5 % of 8" in text
    assert "*Response time so far*\n10 min" in text

    slack.open_home(url, user_id=VISITOR)
    visitor = slack.wait_for(lambda: slack.home(VISITOR), 10)
    assert section_ids(visitor, "mine_") == [] and "My cases" not in str(visitor)
    assert section_ids(visitor, "queue_") == section_ids(home, "queue_")

    # Claiming from Home takes the case and shows the outcome there.
    status, _ = slack.click_home(
        url, user_id=VISITOR, action_id=Action.HOME_CLAIM, value=str(ids["queue_p1_overdue"])
    )
    assert status == 200
    after = slack.wait_for(
        lambda: (h := slack.home(VISITOR)) and "is yours" in home_text(h) and h, 10
    )
    assert section_ids(after, "mine_") == [ids["queue_p1_overdue"]]
    engine = make_engine(sandbox.database_url)
    with session_scope(make_session_factory(engine)) as session:
        owner = session.scalar(
            select(Case.owner_slack_id).where(Case.id == ids["queue_p1_overdue"])
        )
    engine.dispose()
    assert owner == VISITOR
