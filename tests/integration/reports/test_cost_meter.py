"""Test 5 of issue 12: what the bot reads and writes on X in a day, priced as configured."""

from __future__ import annotations

from decimal import Decimal

from bot.metrics.cost import estimate
from bot.metrics.usage import load_usage
from bot.reports.charts_delivery import send_stats
from storage.db import session_scope
from storage.enums import DraftStatus, Visibility
from storage.models import Case, Draft, utcnow
from tests.integration.harness import Sandbox

PRICES = "read:mentions=0.002,reply=0.02,reply_with_link=0.25,private=0.03"
N, M, K, D = 6, 4, 2, 2  # mentions read, public replies (K with a link), DMs


def approved(sandbox: Sandbox, case_id: int, text: str, visibility: Visibility) -> int:
    services = sandbox.runtime.services  # type: ignore[union-attr]
    with session_scope(services.factory) as session:
        draft = Draft(
            case_id=case_id,
            author_slack_id="U0AGENT1",
            text=text,
            visibility=visibility,
            status=DraftStatus.APPROVED,
            written_after=utcnow(),
            approved_by="U0LEAD",
            approved_at=utcnow(),
        )
        session.add(draft)
        session.flush()
        return draft.id


def test_a_day_of_reads_replies_links_and_dms_is_priced_as_configured(sandbox: Sandbox) -> None:
    for n in range(N):
        sandbox.customer(f"cust{n}")
        sandbox.mention(f"cust{n}", f"my line {n} is down")
    sandbox.start_bot(X_PRICES=PRICES)
    sandbox.cycle()
    services = sandbox.runtime.services  # type: ignore[union-attr]
    with session_scope(services.factory) as session:
        cases = [c.id for c in session.query(Case).order_by(Case.id)]
    assert len(cases) == N
    sends = []
    for i in range(M):
        link = " see acme.com/outage" if i < K else ""
        sends.append(approved(sandbox, cases[i], f"@cust{i} we are on it{link}", Visibility.PUBLIC))
    for i in range(D):
        sends.append(
            approved(sandbox, cases[M + i], "Send us your line number", Visibility.PRIVATE)
        )
    for draft_id in sends:
        services.sender.send(draft_id)
    assert len(sandbox.x.tweets_by("acmeconecta")) == M

    today = utcnow().date()
    with session_scope(services.factory) as session:
        usage = load_usage(session, today, today)["x"]
    assert usage == {"read:mentions": N, "reply": M - K, "reply_with_link": K, "private": D}
    cost = estimate(usage, services.settings.metrics.prices["x"])
    expected = (
        N * Decimal("0.002") + (M - K) * Decimal("0.02") + K * Decimal("0.25") + D * Decimal("0.03")
    )
    assert cost.total == expected == Decimal("0.612")
    assert cost.source == "prices set in settings"

    # The same estimate in `/carethread stats today`.
    text, blocks = send_stats(services, "U0LEAD", "today")
    shown = " ".join(str(b.to_dict()) for b in blocks)
    assert "X estimated spend: $0.612" in shown
    assert "2 replies with a link × $0.250" in shown
