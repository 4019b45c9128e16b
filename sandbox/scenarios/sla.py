"""The service-level scenario of the demo: a P1 case turns amber, its owner is reminded,
it is missed (the on-duty group pinged in the thread, the lead DMed), and then X starts
refusing our credentials and the admin is alerted, then told when it recovers.

How the demo uses it (the demo itself is not changed here):

1. Before building the bot's settings: `env.update(demo_policy_env(workdir))` (writes a
   short policy file and names it with CARETHREAD_CONFIG) and `seed_workspace(slack)` (the
   on-duty user group and the admin).
2. Once the bot runs: `play_sla_scenario(world.x, world.slack, world.bot_url, CHANNEL,
   say=print)` in a thread; it returns when every step was seen in Slack, raises
   `ScenarioFailed` naming the step that did not happen, and stops early when `stop` is set.

Everything is real: the customer posts on the X stand-in, the agent claims with a signed
click, and the bot's own jobs (deadline watcher, listening health) do the rest in real
time, against the short targets of the demo policy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.slack.ids import Action
from sandbox.scenarios.steps import ScenarioFailed, waiter
from sandbox.slack_api import SlackStandIn
from sandbox.x_api import XStandIn, problem

ON_DUTY = "S0DEMOONCALL"
ON_DUTY_MEMBERS = ["U0JORDAN"]
AGENT, LEAD, ADMIN = "U0MARIA", "U0LEAD", "U0ADMIN"
CUSTOMER = "marta_fraude"
# Triaged P1: a complaint with an urgent term.
P1_POST = "@{brand} someone used my card on your store, this is fraud, help!"
# Real seconds: amber after half of it, missed at the end.
DEMO_TARGET = "40s"
REFUSED_POLLS = 3
DEMO_POLICY = """# The demo's short service levels (real seconds, so everything happens on screen).
[targets.P1]
first_response = "{target}"
next_response = "{target}"
[targets.P2]
first_response = "5m"
[targets.P3]
first_response = "15m"

[escalation]
on_duty = "{on_duty}"
leads = ["{lead}"]

[alerts]
admins = ["{admin}"]
"""


def demo_policy_env(workdir: Path, target: str = DEMO_TARGET) -> dict[str, str]:
    """Write the demo policy into `workdir`; returns the setting that names it."""
    path = workdir / "carethread.toml"
    path.write_text(
        DEMO_POLICY.format(target=target, on_duty=ON_DUTY, lead=LEAD, admin=ADMIN),
        encoding="utf-8",
    )
    return {"CARETHREAD_CONFIG": str(path)}


def seed_workspace(slack: SlackStandIn) -> None:
    """The people the policy names: the on-duty group and the admin."""
    slack.add_user(ADMIN, "admin", real_name="Ada Admin")
    for user in (AGENT, LEAD, *ON_DUTY_MEMBERS):
        if user not in slack.workspace.users:
            slack.add_user(user, user[3:].lower())
    slack.add_usergroup(ON_DUTY, "oncall", ON_DUTY_MEMBERS)


def play_sla_scenario(
    x: XStandIn,
    slack: SlackStandIn,
    bot_url: str,
    channel: str,
    *,
    say: Callable[[str], None] = print,
    stop: threading.Event | None = None,
    timeout: float = 120.0,
) -> None:
    """Play the scenario against a running bot configured with `demo_policy_env`."""
    stop = stop or threading.Event()

    wait = waiter(say, stop, timeout)

    def texts(message: dict[str, Any]) -> str:
        return " ".join(slack.message_texts(message))

    if CUSTOMER not in {u.get("username") for u in x.users.values()}:
        x.add_user(CUSTOMER, name="Marta", followers=120)
    say(f"@{CUSTOMER} reports fraud on X (a P1 case; the demo's target is short)")
    x.post(CUSTOMER, P1_POST.format(brand=x.brand["username"]))
    root = wait(
        "the P1 case is in the channel with its first-response deadline",
        lambda: next(
            (m for m in slack.messages(channel) if CUSTOMER in texts(m) and "⏱" in texts(m)),
            None,
        ),
    )
    status, _ = slack.click(
        bot_url, user_id=AGENT, channel=channel, message_ts=root["ts"], action_id=Action.CLAIM
    )
    if status != 200:
        raise ScenarioFailed(f"the claim click was answered with HTTP {status}")

    def card() -> str:
        return next((texts(m) for m in slack.messages(channel) if m["ts"] == root["ts"]), "")

    def thread_block(block_id: str) -> list[dict[str, Any]]:
        return [
            m
            for m in slack.thread(channel, root["ts"])
            if any(b.get("block_id") == block_id for b in m.get("blocks", []))
        ]

    wait("the card turns amber: first response due soon", lambda: "🟠" in card())
    wait("a reminder in the thread names the owner", lambda: thread_block("sla_due_soon"))
    wait("the card turns red, with how late", lambda: "🔴" in card())
    wait("the miss is said in the thread, pinging on-duty", lambda: thread_block("sla_missed"))
    wait(
        "the lead gets one DM with a link",
        lambda: slack.dms(LEAD) and any("missed" in texts(d) for d in slack.dms(LEAD)),
    )

    say(f"X starts refusing our credentials (HTTP 401) for {REFUSED_POLLS} polls")
    x.inject(
        lambda request: request.path.startswith("/2/"),
        problem(401, "Unauthorized"),
        times=REFUSED_POLLS,
    )
    wait(
        "the admin is alerted, with what to do",
        lambda: any("listening problem" in texts(d) for d in slack.dms(ADMIN)),
    )
    wait(
        "X works again: one recovery note",
        lambda: any("Recovered" in texts(d) for d in slack.dms(ADMIN)),
    )
