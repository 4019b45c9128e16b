"""`python -m bot` as a host runs it: configuration errors, schema check, health,
restart on the same database, and SIGTERM."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from storage.db import make_engine
from tests.integration.processes import wait_until

BOT = [sys.executable, "-m", "bot"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _wait(condition, timeout=20.0):
    return wait_until(condition, timeout)


class Bot:
    """A bot process; stopped with SIGTERM like a host would."""

    def __init__(self, env: dict[str, str]):
        self.port = int(env["PORT"])
        self.process = subprocess.Popen(
            BOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def healthy(self) -> bool:
        return _health(self.port)[0] == 200

    def terminate(self) -> tuple[int, float, str]:
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=15)
        return self.process.returncode, time.monotonic() - started, output


def test_missing_channel_exits_2_naming_the_variable(sqlite_sandbox):
    env = sqlite_sandbox.subprocess_env()
    del env["SLACK_CHANNEL_ID"]
    result = subprocess.run(BOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "SLACK_CHANNEL_ID" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_bad_setting_gets_its_own_line(sqlite_sandbox):
    env = sqlite_sandbox.subprocess_env(POLL_INTERVAL_SECONDS="often", DATABASE_URL="mysql://x/y")
    del env["X_BEARER_TOKEN"]
    result = subprocess.run(BOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("Configuration error")]
    assert len(lines) == 3
    assert any("X_BEARER_TOKEN" in line for line in lines)
    assert any("POLL_INTERVAL_SECONDS" in line for line in lines)
    assert any("DATABASE_URL" in line for line in lines)


def test_out_of_date_schema_is_refused_with_the_command_to_run(tmp_path, sqlite_sandbox):
    fresh = f"sqlite:///{tmp_path / 'empty.db'}"
    env = sqlite_sandbox.subprocess_env(DATABASE_URL=fresh, PORT=str(_free_port()))
    result = subprocess.run(BOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "python -m bot db upgrade" in result.stderr
    upgraded = subprocess.run(
        [*BOT, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60
    )
    assert upgraded.returncode == 0, upgraded.stderr
    engine = make_engine(fresh)
    from storage.db import check_schema

    check_schema(engine)  # now current
    engine.dispose()


def test_bad_slack_token_is_a_clear_startup_error(sqlite_sandbox):
    env = sqlite_sandbox.subprocess_env(SLACK_BOT_TOKEN="xoxb-wrong", PORT=str(_free_port()))
    result = subprocess.run(BOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_restart_on_the_same_database_duplicates_nothing_and_catches_up(sandbox):
    sandbox.customer("ana_r", name="Ana Ruiz")
    sandbox.customer("ben_k", name="Ben Kim")
    sandbox.mention("ana_r", "the app crashes on login")
    port = _free_port()
    env = sandbox.subprocess_env(PORT=str(port))

    first = Bot(env)
    _wait(first.healthy)
    _wait(lambda: len(sandbox.roots()) == 1)
    # A few more polls of the same timeline change nothing.
    polls = len([r for r in sandbox.x.requests if "/mentions" in r.path])
    _wait(lambda: len([r for r in sandbox.x.requests if "/mentions" in r.path]) >= polls + 2)
    code, seconds, output = first.terminate()
    assert code == 0, output
    assert seconds < 10

    sandbox.mention("ben_k", "made while the bot was down")
    second = Bot(env)
    _wait(second.healthy)
    _wait(lambda: len(sandbox.roots()) == 2)
    time.sleep(2.5)  # more polls after catching up
    code, seconds, output = second.terminate()
    assert code == 0 and seconds < 10, output
    texts = [" ".join(sandbox.slack.message_texts(m)) for m in sandbox.roots()]
    assert sum("crashes on login" in t for t in texts) == 1
    assert sum("while the bot was down" in t for t in texts) == 1
    assert len(sandbox.slack.calls("chat.postMessage")) == 2


def test_health_reports_database_and_scheduler(sqlite_sandbox):
    port = _free_port()
    bot = Bot(sqlite_sandbox.subprocess_env(PORT=str(port)))
    try:
        _wait(bot.healthy)
        status, body = _health(port)
        assert status == 200 and body["database"] and body["scheduler"]
    finally:
        code, seconds, output = bot.terminate()
    assert code == 0 and seconds < 10, output


@pytest.mark.timeout(60)
def test_sigterm_during_a_slow_slack_call_ends_within_ten_seconds_and_posts_once(sqlite_sandbox):
    box = sqlite_sandbox
    for i in range(3):
        box.customer(f"user{i}")
        box.mention(f"user{i}", f"slow case {i}")
    box.slack.slow("chat.postMessage", seconds=3, times=1)
    port = _free_port()
    env = box.subprocess_env(PORT=str(port))
    bot = Bot(env)
    _wait(lambda: box.slack.calls("chat.postMessage"))  # the slow call is in flight
    code, seconds, output = bot.terminate()
    assert code == 0 and seconds < 10, output
    again = Bot(env)
    _wait(lambda: len(box.roots()) == 3)
    again.terminate()
    texts = [" ".join(box.slack.message_texts(m)) for m in box.roots()]
    assert sorted(t.split("slow case ")[1][0] for t in texts) == ["0", "1", "2"]


def test_web_and_worker_processes_split_the_work_and_report_their_health(sqlite_sandbox, tmp_path):
    """`python -m bot web` serves Slack with no scheduler and is ready; `python -m bot worker`
    serves only health and metrics, runs the duties, and a card still reaches Slack."""
    from tests.integration.processes import BotProcess, get_json

    box = sqlite_sandbox
    env = box.subprocess_env(WORKER_LEASE_SECONDS="3")
    web = BotProcess(env, "web", tmp_path)
    worker = BotProcess(env, "worker", tmp_path)
    try:
        ready = web.wait_ready()
        assert ready["database"] and ready["slack_auth"] and not ready["scheduler"]
        status, live = get_json(web.port, "/livez")
        assert status == 200 and live["role"] == "web" and str(web.pid) in live["process"]
        assert get_json(web.port, "/healthz")[0] == 200
        ready = worker.wait_ready()
        assert ready["scheduler"] and ready["role"] == "worker"
        _wait(lambda: get_json(worker.port, "/readyz")[1].get("worker") == "active")
        # Slack's requests go to the web process; the worker does not take them.
        request = urllib.request.Request(
            f"http://127.0.0.1:{worker.port}/slack/events", data=b"{}", method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=2)
        assert refused.value.code == 404
        box.customer("ana_r")
        box.mention("ana_r", "split into web and worker")
        _wait(lambda: len(box.roots()) == 1)
    finally:
        assert web.stop() == 0, web.output()
        assert worker.stop() == 0, worker.output()
