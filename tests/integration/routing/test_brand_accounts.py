"""Two brand accounts on X, each its own connected network: separate credentials, separate
checkpoints, cards that say which account a customer wrote to, replies from that account,
and routing by account. Two X stand-ins play the two accounts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from sandbox.agent_story import play_agent_story
from sandbox.x_api import XStandIn
from storage.db import session_scope
from storage.models import BrandAccount, Case, PollCheckpoint
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.routing.helpers import CARE, start_routed, text_of

AGENT, APPROVER = "U0AGENT1", "U0LEAD"
ARGENTINA = "C0ARGENTINA"


@pytest.fixture
def acme_ar() -> Iterator[XStandIn]:
    """The second brand account, @acme_ar, on an X stand-in of its own."""
    x = XStandIn(brand_id="1700000000000000001", brand_username="acme_ar", brand_name="Acme AR")
    x.start()
    yield x
    x.stop()


def accounts_env(acme_ar: XStandIn) -> dict[str, str]:
    """X_ACCOUNTS=ar and that account's own token; the app keys are shared with the first."""
    return {
        "X_ACCOUNTS": "ar",
        "X_AR_ACCESS_TOKEN": acme_ar.access_token,
        "X_AR_ACCESS_TOKEN_SECRET": acme_ar.access_token_secret,
        "X_AR_API_BASE_URL": acme_ar.base_url,
    }


def checkpoints(sandbox: Sandbox) -> dict[tuple[str, str], str | None]:
    assert sandbox.runtime
    with session_scope(sandbox.runtime.factory) as session:
        rows = session.scalars(select(PollCheckpoint)).all()
        return {(row.network, row.stream): row.cursor for row in rows}


def test_two_brand_accounts_poll_with_separate_checkpoints(
    sandbox: Sandbox, acme_ar: XStandIn
) -> None:
    sandbox.start_bot(**accounts_env(acme_ar), APPROVER_USER_IDS=APPROVER)
    slack = sandbox.slack
    sandbox.customer("lucia")
    to_es = sandbox.mention("lucia", "my router is dead")
    acme_ar.add_user("martin_ba")
    to_ar = acme_ar.post("martin_ba", "@acme_ar no tengo internet en Palermo")

    sandbox.cycle()

    assert checkpoints(sandbox) == {
        ("x", "mentions"): to_es["id"],
        ("x:ar", "mentions"): to_ar["id"],
    }
    es_card, ar_card = sorted(sandbox.roots(), key=lambda m: "Palermo" in text_of(slack, m))
    # Cards say which of the brand's accounts the customer wrote to.
    assert "to @acmeconecta" in text_of(slack, es_card)
    assert "to @acme_ar" in text_of(slack, ar_card) and "Palermo" in text_of(slack, ar_card)
    with session_scope(sandbox.runtime.factory) as session:
        brands = {b.network: b.handle for b in session.scalars(select(BrandAccount))}
        cases = {c.network for c in session.scalars(select(Case))}
    assert brands == {"x": "acmeconecta", "x:ar": "acme_ar"} and cases == {"x", "x:ar"}

    # Only @acme_ar hears something new: only its checkpoint moves.
    acme_ar.add_user("sofi")
    later = acme_ar.post("sofi", "@acme_ar se cortó la luz y el módem no prende")
    sandbox.cycle()
    assert checkpoints(sandbox) == {
        ("x", "mentions"): to_es["id"],
        ("x:ar", "mentions"): later["id"],
    }
    assert len(sandbox.roots()) == 3

    # The reply goes out from the account the customer wrote to, never from the other.
    play_agent_story(
        slack,
        sandbox.bot_url,
        CHANNEL,
        ar_card["ts"],
        agent=AGENT,
        approver=APPROVER,
        text="@martin_ba Ya lo revisamos, te escribimos por privado.",
        pause=0,
    )
    (reply,) = slack.wait_for(lambda: acme_ar.replies_to(to_ar["id"]), 10)
    assert reply["author_id"] == acme_ar.brand_id
    assert sandbox.x.tweets_by(sandbox.x.brand_id) == []


def test_a_rule_sends_one_brand_accounts_cases_to_its_own_channel(
    sandbox: Sandbox, acme_ar: XStandIn, tmp_path: Path
) -> None:
    sandbox.slack.add_channel(ARGENTINA, "acme-argentina")
    rules = f"""\
[routing.channels]
argentina = "{ARGENTINA}"
care = "{CARE}"

[[routing.rules]]
account = "x:ar"
channel = "argentina"

[[routing.rules]]
channel = "care"
"""
    start_routed(sandbox, tmp_path, rules, **accounts_env(acme_ar))
    sandbox.customer("lucia")
    sandbox.mention("lucia", "thanks for the quick fix!")
    acme_ar.add_user("martin_ba")
    acme_ar.post("martin_ba", "@acme_ar gracias por arreglarlo tan rápido!")

    sandbox.cycle()

    (argentina,) = sandbox.slack.messages(ARGENTINA)
    (care,) = sandbox.slack.messages(CARE)
    assert "arreglarlo" in text_of(sandbox.slack, argentina)
    assert "quick fix" in text_of(sandbox.slack, care)
