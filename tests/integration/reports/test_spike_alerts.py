"""Test 4 of issue 12: spike alerts on synthetic weeks of traffic, through the Slack
stand-in (one message per episode, updated in place)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.metrics.spike import Severity, Step
from bot.reports.spikes import check_spikes
from storage.db import make_engine, make_session_factory, session_scope
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.metrics.stored import add_case, brand, customer

# A Tuesday 10:30 and a Monday 10:00, UTC.
TUESDAY = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
MIN = timedelta(minutes=1)


class Traffic:
    """Writes customer posts into the database as ingest would."""

    def __init__(self, database_url: str):
        self.engine = make_engine(database_url)
        self.factory = make_session_factory(self.engine)
        self.count = 0
        with session_scope(self.factory) as session:
            self.brand_id = brand(session).id

    def posts(self, end: datetime, minutes: int, total: int, negative: int, text: str) -> None:
        """`total` posts spread over the `minutes` before `end`, `negative` of them negative."""
        with session_scope(self.factory) as session:
            from storage.models import BrandAccount

            account = session.get_one(BrandAccount, self.brand_id)
            for n in range(total):
                self.count += 1
                at = end - timedelta(seconds=(n + 0.5) * minutes * 60 / total)
                sad = n < negative
                add_case(
                    session,
                    account,
                    customer(session, f"c{self.count}", followers=self.count),
                    [at],
                    text=text if sad else "thanks for the quick help",
                    sentiment="negative" if sad else "positive",
                    intent="complaint" if sad else "praise",
                )

    def close(self) -> None:
        self.engine.dispose()


def four_normal_weeks(traffic: Traffic) -> None:
    for k in range(1, 5):
        # Tuesday 9:30–10:30: quiet (2 posts, 1 negative).
        traffic.posts(TUESDAY - k * WEEK, 60, total=2, negative=1, text="router slow")
        # Monday 9:00–10:00: busy (100 posts, 15 negative).
        traffic.posts(MONDAY - k * WEEK, 60, total=100, negative=15, text="bill wrong")
        # Tuesday 02:00–03:00: a quiet night (1 post).
        traffic.posts(TUESDAY - k * WEEK - timedelta(hours=7, minutes=30), 60, 1, 0, "hi")


def alerts(sandbox: Sandbox) -> list[dict]:
    return [m for m in sandbox.slack.messages(CHANNEL) if "negative posts" in m["text"]]


def test_a_burst_on_a_quiet_tuesday_alerts_once_and_grows_in_place(sandbox: Sandbox) -> None:
    traffic = Traffic(sandbox.database_url)
    four_normal_weeks(traffic)
    sandbox.start_bot()
    services = sandbox.runtime.services  # type: ignore[union-attr]

    traffic.posts(TUESDAY, 30, total=40, negative=40, text="outage fibra caida sin servicio")
    (outcome,) = check_spikes(services, TUESDAY)
    assert outcome.step == Step.OPEN and outcome.check.severity == Severity.CRISIS
    (alert,) = alerts(sandbox)
    assert "40 negative posts" in alert["text"]
    shown = " ".join(sandbox.slack.message_texts(alert))
    assert "`outage`" in shown and "Usually 1 negative" in shown
    assert shown.count("• Case #") == 3

    # Twenty more in the next ten minutes: the same message, updated.
    later = TUESDAY + 10 * MIN
    traffic.posts(later, 10, total=20, negative=20, text="outage fibra caida")
    (outcome,) = check_spikes(services, later)
    assert outcome.step == Step.GROW
    (updated,) = alerts(sandbox)
    assert updated["ts"] == alert["ts"] and "60 negative posts" in updated["text"]
    # Nothing new: no update; an hour of calm closes the episode ("back to normal").
    assert check_spikes(services, later + MIN)[0].step == Step.HOLD
    calm = later + timedelta(hours=2)
    assert check_spikes(services, calm)[0].step == Step.CLOSE
    (closed,) = alerts(sandbox)
    assert closed["ts"] == alert["ts"]
    assert "Back to normal" in " ".join(sandbox.slack.message_texts(closed))
    assert len(sandbox.slack.calls("chat.update")) == 2
    traffic.close()


def test_a_normal_busy_monday_and_a_quiet_night_do_not_alert(sandbox: Sandbox) -> None:
    traffic = Traffic(sandbox.database_url)
    four_normal_weeks(traffic)
    sandbox.start_bot()
    services = sandbox.runtime.services  # type: ignore[union-attr]

    traffic.posts(MONDAY, 60, total=108, negative=17, text="bill wrong")
    (outcome,) = check_spikes(services, MONDAY)
    assert outcome.step == Step.NOTHING and outcome.check.counts.posts == 108

    night = TUESDAY - timedelta(hours=7, minutes=30)
    traffic.posts(night, 60, total=3, negative=3, text="no internet")
    (outcome,) = check_spikes(services, night)
    assert outcome.step == Step.NOTHING and outcome.check.counts.negative == 3
    assert alerts(sandbox) == []
    traffic.close()
