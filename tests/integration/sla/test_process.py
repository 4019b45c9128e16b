"""Service levels in `python -m bot` processes: a malformed policy stops the bot with exit
code 2 naming each problem, and two bot processes on one PostgreSQL database announce each
reminder and miss once, across a restart."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.integration.harness import Sandbox
from tests.integration.sla.steps import (
    FRAUD,
    LEADS,
    ON_DUTY,
    claim_and_wait,
    dm_texts,
    policy_text,
    seed_people,
    sla_messages,
    write_policy,
)
from tests.integration.test_process import BOT, Bot, _free_port, _wait

ROOT = Path(__file__).parents[3]
MALFORMED = """[targets.P4]
first_response = "15m"

[targets.P1]
first_response = "-5m"

[teams.support]
time_zone = "Mars/Olympus_Mons"
weekdays = "09:00-25:00"
"""


def _run_bot(env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**env, "PYTHONPATH": str(ROOT)}
    return subprocess.run(BOT, env=env, cwd=cwd, capture_output=True, text=True, timeout=60)


def _assert_names_every_problem(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if "carethread.toml line" in line]
    assert any("line 1: targets.P4" in line and "unknown priority" in line for line in lines)
    assert any("line 5: targets.P1.first_response" in line and "negative" in line for line in lines)
    assert any("line 8: teams.support.time_zone" in line and "Mars" in line for line in lines)
    assert any("line 9: teams.support.weekdays" in line and "09:00-25:00" in line for line in lines)
    assert len(lines) == 4, stderr
    assert "Traceback" not in stderr


def test_a_malformed_policy_exits_2_naming_each_problem_and_its_line(sqlite_sandbox, tmp_path):
    path = write_policy(tmp_path, MALFORMED)
    env = sqlite_sandbox.subprocess_env(CARETHREAD_CONFIG=path, PORT=str(_free_port()))
    result = _run_bot(env)
    assert result.returncode == 2
    _assert_names_every_problem(result.stderr)


def test_carethread_toml_in_the_working_directory_is_read_when_the_variable_is_unset(
    sqlite_sandbox, tmp_path
):
    write_policy(tmp_path, MALFORMED)
    env = sqlite_sandbox.subprocess_env(PORT=str(_free_port()))
    env.pop("CARETHREAD_CONFIG", None)
    result = _run_bot(env, cwd=tmp_path)
    assert result.returncode == 2
    _assert_names_every_problem(result.stderr)


@pytest.mark.timeout(120)
def test_two_processes_announce_each_reminder_and_miss_once_across_a_restart(
    postgres_url, tmp_path
):
    from tests.integration.harness import close_sandbox, open_sandbox

    sandbox: Sandbox = open_sandbox(postgres_url)
    bots: list[Bot] = []
    try:
        seed_people(sandbox)
        # Real time here: a 20-second target turns due soon after 10 s and is missed at 20 s.
        path = write_policy(tmp_path, policy_text("20s"))
        envs = [
            sandbox.subprocess_env(CARETHREAD_CONFIG=path, PORT=str(_free_port())) for _ in range(2)
        ]
        bots = [Bot(env) for env in envs]
        for bot in bots:
            _wait(bot.healthy, 40)
        sandbox.customer("lucia")
        sandbox.mention("lucia", FRAUD)
        (root,) = _wait(lambda: sandbox.roots(), 15)
        url = f"http://127.0.0.1:{bots[0].port}/slack/events"
        claim_and_wait(sandbox, root, "U0AGENT1", url)

        reminder = _wait(lambda: sla_messages(sandbox, root, "sla_due_soon"), 20)
        assert "<@U0AGENT1>" in reminder[0]
        # One process restarts between the reminder and the miss.
        code, _, output = bots[0].terminate()
        assert code == 0, output
        bots[0] = Bot(envs[0])
        _wait(bots[0].healthy, 40)

        (miss,) = _wait(lambda: sla_messages(sandbox, root, "sla_missed"), 25)
        assert f"<!subteam^{ON_DUTY}>" in miss
        _wait(lambda: all(dm_texts(sandbox, lead) for lead in LEADS), 10)
        time.sleep(4)  # both processes keep polling and watching
        assert len(sla_messages(sandbox, root, "sla_due_soon")) == 1
        assert len(sla_messages(sandbox, root, "sla_missed")) == 1
        assert [len(dm_texts(sandbox, lead)) for lead in LEADS] == [1, 1]
        assert "🔴" in str(sandbox.roots()[0]["blocks"])
    finally:
        for bot in bots:
            if bot.process.poll() is None:
                bot.terminate()
        close_sandbox(sandbox)
