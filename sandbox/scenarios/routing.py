"""The routing scenario of the demo: praise reaches the community manager's channel, an
urgent complaint reaches customer service, a post to the second brand account (@acme_ar,
on an X stand-in of its own) reaches that brand's channel and its card says so, and the
community manager sends a case on to customer service, its thread moving with it.

How the demo uses it (the demo itself is not changed here):

1. Before building the bot's settings:
   `second = start_second_brand()` (the @acme_ar stand-in; stop it with the others),
   `env.update(demo_routing_env(workdir, care=CHANNEL, second=second))` (writes the routing
   policy and names it with CARETHREAD_CONFIG, and connects @acme_ar with X_ACCOUNTS), and
   `seed_workspace(slack, care=CHANNEL)` (the teams' channels). The demo's own channel plays
   #care, so complaints and questions stay where the demo shows them. If the demo also has
   a service-level policy, pass its TOML as `policy_prefix`: one policy file holds both.
2. Once the bot runs: `play_routing_scenario(world.x, second, world.slack, world.bot_url,
   care=CHANNEL, say=print)` in a thread; it returns when every step was seen in Slack,
   raises `ScenarioFailed` naming the step that did not happen, and stops early when `stop`
   is set.

Everything is real: customers post on the X stand-ins, the bot's poll routes each case,
and the community manager's menu pick and modal are signed interactions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.slack.ids import Action, Callback
from sandbox.scenarios.steps import ScenarioFailed, waiter
from sandbox.slack_api import SlackStandIn
from sandbox.x_api import XStandIn

COMMUNITY, ARGENTINA = "C0DEMOCOMMUNITY", "C0DEMOARGENTINA"
COMMUNITY_MANAGER = "U0CAMILA"
SECOND_BRAND = ("1700000000000000001", "acme_ar", "Acme Conecta Argentina")
FAN, VIP, PORTENO = "sol_fan", "tomasrivero_ok", "martin_ba"
PRAISE = "@{brand} gracias!! el técnico vino en una hora y ahora vuela la fibra 🙌"
P1_COMPLAINT = "@{brand} llevo 3 días sin servicio, esto es un fraude, me doy de baja"
TO_SECOND = "@{brand} se cortó internet en todo Palermo, ¿saben algo?"
MOVE_NOTE = "Sol también pregunta por su factura: para atención al cliente."
ROUTING_POLICY = """
# Routing (carethread.example.toml): who gets which case.
[routing.channels]
care = "{care}"
community = "{community}"
acme-argentina = "{argentina}"

[[routing.rules]]
name = "Acme Argentina's own team"
account = "x:ar"
channel = "acme-argentina"

[[routing.rules]]
name = "Complaints and questions to customer service"
intent = ["complaint", "question"]
channel = "care"

[[routing.rules]]
name = "Praise and the rest to the community manager"
intent = ["praise", "other"]
channel = "community"
"""


def start_second_brand() -> XStandIn:
    """@acme_ar, the brand's second X account, on a stand-in of its own (started)."""
    brand_id, username, name = SECOND_BRAND
    second = XStandIn(brand_id=brand_id, brand_username=username, brand_name=name)
    second.start()
    return second


def demo_routing_env(
    workdir: Path, *, care: str, second: XStandIn | None = None, policy_prefix: str = ""
) -> dict[str, str]:
    """Write the policy file (after `policy_prefix`) into `workdir`, and the settings that
    name it and connect the second brand account, sharing the first one's X app keys."""
    path = workdir / "carethread.toml"
    policy = ROUTING_POLICY.format(care=care, community=COMMUNITY, argentina=ARGENTINA)
    path.write_text(policy_prefix + policy, encoding="utf-8")
    env = {"CARETHREAD_CONFIG": str(path)}
    if second is not None:
        env.update(
            X_ACCOUNTS="ar",
            X_AR_ACCESS_TOKEN=second.access_token,
            X_AR_ACCESS_TOKEN_SECRET=second.access_token_secret,
            X_AR_API_BASE_URL=second.base_url,
        )
    return env


def seed_workspace(slack: SlackStandIn, *, care: str) -> None:
    """The teams' channels (the demo's own channel plays #care) and the community manager."""
    for channel, name in ((COMMUNITY, "community"), (ARGENTINA, "acme-argentina")):
        if channel not in slack.workspace.channels:
            slack.add_channel(channel, name)
    if care not in slack.workspace.channels:
        slack.add_channel(care, "care")
    if COMMUNITY_MANAGER not in slack.workspace.users:
        slack.add_user(COMMUNITY_MANAGER, "camila", real_name="Camila (community)")


def play_routing_scenario(
    x: XStandIn,
    second: XStandIn,
    slack: SlackStandIn,
    bot_url: str,
    *,
    care: str,
    say: Callable[[str], None] = print,
    stop: threading.Event | None = None,
    timeout: float = 60.0,
) -> None:
    """Play the scenario against a running bot configured with `demo_routing_env`."""
    stop = stop or threading.Event()

    wait = waiter(say, stop, timeout)

    def texts(message: dict[str, Any]) -> str:
        return " ".join(slack.message_texts(message))

    def card_in(channel: str, handle: str) -> Callable[[], dict[str, Any] | None]:
        return lambda: next((m for m in slack.messages(channel) if f"@{handle}" in texts(m)), None)

    _customer(x, FAN, "Sol", followers=230)
    _customer(x, VIP, "Tomás Rivero", followers=48_200, verified=True)
    _customer(second, PORTENO, "Martín", followers=90)
    say(
        f"@{FAN} thanks the brand; @{VIP} (48k followers) reports an outage; @{PORTENO} writes "
        f"to @{second.brand['username']}"
    )
    x.post(FAN, PRAISE.format(brand=x.brand["username"]))
    x.post(VIP, P1_COMPLAINT.format(brand=x.brand["username"]))
    second.post(PORTENO, TO_SECOND.format(brand=second.brand["username"]))

    praise = wait(
        "the praise is in #community, the community manager's channel", card_in(COMMUNITY, FAN)
    )
    wait("the urgent complaint is in #care", card_in(care, VIP))
    wait(
        f"the post to @{second.brand['username']} is in #acme-argentina, its card naming the "
        "account",
        lambda: (m := card_in(ARGENTINA, PORTENO)()) and "to @acme_ar" in texts(m) and m,
    )

    say("The community manager sends Sol's case on to #care (card menu → Send to another team)")
    menu = _option(praise, "Send to another team…")
    status, _ = slack.click(
        bot_url,
        user_id=COMMUNITY_MANAGER,
        channel=COMMUNITY,
        message_ts=praise["ts"],
        action_id=Action.CASE_MORE,
        selected_option=menu,
    )
    if status != 200:
        raise ScenarioFailed(f"the menu pick was answered with HTTP {status}")
    modal = wait(
        "the modal offers the other teams",
        lambda: next(
            (v for v in slack.open_views(COMMUNITY_MANAGER) if v["callback_id"] == Callback.MOVE),
            None,
        ),
    )
    status, answer = slack.submit_view(
        bot_url,
        user_id=COMMUNITY_MANAGER,
        view_id=modal["id"],
        values={
            "channel": {"channel": {"type": "static_select", "selected_option": {"value": care}}},
            "note": {"note": {"type": "plain_text_input", "value": MOVE_NOTE}},
        },
    )
    if status != 200 or answer:
        raise ScenarioFailed(f"sending the case was refused: HTTP {status} {answer}")
    moved = wait("Sol's card is re-posted in #care", card_in(care, FAN))
    wait(
        "its new thread opens with where it came from and the thread so far",
        lambda: any("Sent here from" in texts(m) for m in slack.thread(care, moved["ts"])),
    )
    wait(
        "a link to it is left in #community, and the old card points there",
        lambda: (
            any("sent this case to" in texts(m) for m in slack.thread(COMMUNITY, praise["ts"]))
            and any("Moved to" in texts(m) for m in slack.messages(COMMUNITY))
        ),
    )


def _customer(x: XStandIn, username: str, name: str, **profile: Any) -> None:
    if username not in {u.get("username") for u in x.users.values()}:
        x.add_user(username, name=name, **profile)


def _option(message: dict[str, Any], label: str) -> str:
    for block in message.get("blocks", []):
        for element in block.get("elements", []):
            for option in element.get("options", []) or []:
                if option.get("text", {}).get("text") == label:
                    return str(option["value"])
    raise ScenarioFailed(f"the card has no {label!r} in its menu")
