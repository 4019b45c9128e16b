"""Triage seen from Slack: the card's triage line, masked personal data, priority order."""

from __future__ import annotations

import json
import subprocess
import sys

from sqlalchemy import select

from storage.db import session_scope
from storage.models import Post


def _all_text(sandbox) -> str:
    return " ".join(json.dumps(call) for call in sandbox.slack.calls("chat.postMessage"))


def test_card_number_never_reaches_slack_and_the_card_says_so(sandbox):
    sandbox.customer("ana_clara")
    sandbox.mention(
        "ana_clara",
        "para el reembolso les dejo mi tarjeta 4111 1111 1111 1111 y mi mail ana.clara@example.com",
    )
    sandbox.start_bot()
    sandbox.cycle()
    sent = _all_text(sandbox)
    assert "4111 1111 1111 1111" not in sent and "4111111111111111" not in sent
    assert "ana.clara@example.com" not in sent
    assert "1111" in sent  # the last digits stay, so an agent can refer to the card
    [root] = sandbox.roots()
    text = " ".join(sandbox.slack.message_texts(root))
    assert "Customer exposed personal data in public" in text
    with session_scope(sandbox.runtime.factory) as session:
        post = session.scalars(select(Post)).one()
        assert "4111 1111 1111 1111" in post.text  # the record keeps the original
        assert post.priority == "P1"


def test_card_shows_language_intent_sentiment_priority_and_deadline(sqlite_sandbox):
    box = sqlite_sandbox
    box.customer("tomas_r", followers=48_200)
    box.mention("tomas_r", "llevo 3 días sin servicio y nadie me responde. Esto es una estafa")
    box.start_bot()
    box.cycle()
    [root] = box.roots()
    triage = next(b for b in root["blocks"] if b.get("block_id") == "triage")
    line = triage["elements"][0]["text"]
    for expected in (
        "es",
        "P1",
        "complaint",
        "negative",
        "48k followers",
        "urgent",
        "first response due <!date^",
    ):
        assert expected in line, line


def test_highest_priority_reaches_slack_first(sqlite_sandbox):
    box = sqlite_sandbox
    box.customer("happy")
    box.customer("waiting")
    box.customer("angry", followers=150_000)
    # Written in the opposite order of urgency: P3, P2, P1.
    box.mention("happy", "thanks for the quick fix yesterday, great service!")
    box.mention("waiting", "my package never arrived and nobody answers the chat")
    box.mention("angry", "my account was hacked and you charged me twice. fraud!")
    box.start_bot()
    box.cycle()
    order = [" ".join(box.slack.message_texts(r)) for r in box.roots()]
    assert ["hacked" in order[0], "never arrived" in order[1], "thanks" in order[2]] == [True] * 3


def test_triage_cli_needs_no_slack_or_x_settings(tmp_path):
    lines = [
        json.dumps(
            {"id": 1, "text": "My card 4111 1111 1111 1111 was charged twice!!", "followers": 20}
        ),
        "this is not json",
        json.dumps({"id": "b", "text": "¿A qué hora abren los sábados?"}),
    ]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "triage"],
        input="\n".join(lines),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, "b"]
    card = out[0]["pii"][0]
    assert card["type"] == "payment_card"
    assert json.loads(lines[0])["text"][card["start"] : card["end"]] == "4111 1111 1111 1111"
    assert out[1]["language"] == "es" and out[1]["intent"] == "question"
    assert "line 2" in result.stderr
