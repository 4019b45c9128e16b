"""Test 3 of issue 12: `/carethread` through the real Bolt app and the Slack stand-in."""

from __future__ import annotations

import struct
from datetime import timedelta

from storage.db import make_engine, make_session_factory, session_scope
from storage.models import utcnow
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.metrics.stored import add_case, brand, customer, midday_zone

LEAD = "U0LEAD"
MIN = timedelta(minutes=1)
SUBCOMMANDS = ["help", "queue", "mine", "stats [today|7d|30d]", "find @handle", "case N"]


def seed_week(database_url: str) -> int:
    """Cases over the last six days, answered in 5 to 50 minutes; returns how many."""
    now = utcnow()
    engine = make_engine(database_url)
    with session_scope(make_session_factory(engine)) as session:
        account = brand(session)
        for n in range(12):
            wrote = now - timedelta(days=n % 6, hours=1 + n)
            add_case(
                session,
                account,
                customer(session, f"week{n}"),
                [wrote],
                [(wrote + (5 + 4 * n) * MIN, "U0AGENT1" if n % 2 else "U0AGENT2")],
                intent="complaint" if n % 3 else "question",
                # Last week's cases are in Slack already (else the publisher posts them).
                slack_ts=f"1700000000.{n:06d}",
            )
    engine.dispose()
    return 12


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert data.rstrip(b"\x00")[-8:-4] == b"IEND"
    return width, height


def answer_for(sandbox: Sandbox, user: str, after: int) -> dict:
    return sandbox.slack.wait_for(
        lambda: len(e := sandbox.slack.ephemerals(user)) > after and e[-1], 20
    )


def test_stats_7d_answers_privately_with_figures_and_charts(sandbox: Sandbox) -> None:
    opened = seed_week(sandbox.database_url)
    sandbox.start_bot(REPORT_TIMEZONE=midday_zone())
    slack = sandbox.slack

    status, body = slack.command(sandbox.bot_url, user_id=LEAD, channel=CHANNEL, text="stats 7d")
    assert status == 200 and body == ""
    answer = answer_for(sandbox, LEAD, 0)
    assert slack.messages(CHANNEL) == []  # nothing in the channel: only the lead sees it
    text = " ".join(slack.message_texts(answer))
    assert f"*Cases opened*\n{opened}" in text
    assert "Response rate (Facebook, 30 d)" in text and "100 % of 12" in text
    images = [b for b in answer["blocks"] if b["type"] == "image"]
    assert len(images) == 3
    for image in images:
        data = slack.file_bytes(image["slack_file"]["id"])
        assert png_size(data) == (800, 450)
        assert 5_000 < len(data) < 500_000
    # The three-step upload really happened, and the charts wait in the lead's DM too.
    assert len(slack.calls("files.getUploadURLExternal")) == 3
    assert len(slack.calls("files.completeUploadExternal")) == 1
    (shared,) = slack.dms(LEAD)
    assert [f["id"] for f in shared["files"]] == [i["slack_file"]["id"] for i in images]


def test_unknown_input_gets_the_help(sandbox: Sandbox) -> None:
    sandbox.start_bot()
    slack = sandbox.slack
    for n, typed in enumerate(["nonsense", ""]):
        slack.command(sandbox.bot_url, user_id=LEAD, channel=CHANNEL, text=typed)
        shown = " ".join(slack.message_texts(answer_for(sandbox, LEAD, n)))
        for usage in SUBCOMMANDS:
            assert f"/carethread {usage}" in shown
    assert "I don't know `nonsense`" in " ".join(slack.message_texts(slack.ephemerals(LEAD)[0]))


def test_find_and_case(sandbox: Sandbox) -> None:
    seed_week(sandbox.database_url)
    sandbox.start_bot()
    slack = sandbox.slack
    slack.command(sandbox.bot_url, user_id=LEAD, channel=CHANNEL, text="find @Week3")
    found = " ".join(slack.message_texts(answer_for(sandbox, LEAD, 0)))
    assert "@week3" in found and "@week4" not in found
    slack.command(sandbox.bot_url, user_id=LEAD, channel=CHANNEL, text="case 4")
    case = " ".join(slack.message_texts(answer_for(sandbox, LEAD, 1)))
    assert "#4" in case and "First response: 17 min" in case
    slack.command(sandbox.bot_url, user_id=LEAD, channel=CHANNEL, text="case nine")
    assert "Give a case number" in answer_for(sandbox, LEAD, 2)["text"]
