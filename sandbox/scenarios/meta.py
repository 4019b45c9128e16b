"""Facebook Pages, Messenger and Instagram in the sandbox: the Graph stand-in, the bot's
settings for it, its webhooks pointed at the bot, the panels of the browser sandbox, and
the story the demo plays (a Facebook comment taken private, an Instagram DM answered).

How the demo uses it (`sandbox/demo.py`, beside X):

    meta = start_graph_stand_in()                      # with the Page's and account's posts
    settings = load_settings({..., **bot_env(meta)})   # the bot connects Facebook + Instagram
    runtime.start()
    connect_webhooks(meta, f"http://127.0.0.1:{runtime.http.port}")
    WebSandbox(networks=[XPanel(x), *panels(meta)], ...)
    play_meta_story(meta, slack, bot_url, CHANNEL, agent=…, approver=…, pause=…)
    meta.stop()
"""

from __future__ import annotations

import time
from typing import Any

from bot.slack.ids import Action
from sandbox.agent_story import (
    WAIT_SECONDS,
    claim,
    click_card,
    dm_channel,
    open_draft_modal,
    press,
    submit_draft,
)
from sandbox.meta_graph import MetaGraphStandIn
from sandbox.scenarios.meta_panels import FacebookPanel, InstagramPanel
from sandbox.slack_api import SlackStandIn
from sandbox.web.networks import NetworkPanel

VERIFY_TOKEN = "sandbox-verify-token"
WEBHOOK_PATH = "/webhooks/meta"

# What the story's customers write (Spanish and English, as the X samples).
TAKEN_PRIVATE = (
    "Ana Vidal",
    "Me cobraron dos veces la cuota de junio, mi tarjeta es 4111 1111 1111 1111. ¿Me lo devuelven?",
)
DIRECT = ("gus.travels", "Hi! Do you ship to Canada? My order number is 55213.")
DIRECT_ANSWER = "Hi Gus! Yes, we ship to Canada: 5 to 7 business days. Order 55213 left today."


def start_graph_stand_in(**world: Any) -> MetaGraphStandIn:
    """The Graph API stand-in (a Page with a linked Instagram account), started."""
    stand_in = MetaGraphStandIn(**world)
    stand_in.start()
    return stand_in


def seed(stand_in: MetaGraphStandIn) -> dict[str, str]:
    """The brand's own posts customers comment on: a Page post and an Instagram post.
    Returns their ids ({"facebook": …, "instagram": …})."""
    post = stand_in.page_post("Nuestra fibra llega a Palermo y Belgrano. ¡Consultanos!")
    media = stand_in.ig_media("Summer plans: fibre + router, free installation this month")
    return {"facebook": post["id"], "instagram": media["id"]}


def bot_env(stand_in: MetaGraphStandIn, **overrides: str) -> dict[str, str]:
    """The bot's Meta settings for `stand_in` (Facebook and Instagram), as a deployment
    would set them; add them to the rest of the bot's environment."""
    return {
        "META_GRAPH_BASE_URL": stand_in.base_url,
        "META_APP_SECRET": stand_in.app_secret,
        "META_VERIFY_TOKEN": VERIFY_TOKEN,
        "FACEBOOK_PAGE_ID": stand_in.page["id"],
        "FACEBOOK_PAGE_ACCESS_TOKEN": stand_in.access_token,
        "INSTAGRAM_ACCOUNT_ID": stand_in.ig_account["id"],
        **overrides,
    }


def connect_webhooks(stand_in: MetaGraphStandIn, bot_base_url: str) -> bool:
    """Subscribe as Meta does (the verify-token handshake), then send every customer action
    to the bot as a signed webhook. Returns whether the bot answered the handshake."""
    callback = bot_base_url.rstrip("/") + WEBHOOK_PATH
    if not stand_in.verify_subscription(callback, VERIFY_TOKEN):
        return False
    stand_in.webhook_url = callback
    return True


def panels(stand_in: MetaGraphStandIn) -> list[NetworkPanel]:
    """Facebook and Instagram for the browser sandbox's network column."""
    return [FacebookPanel(stand_in), InstagramPanel(stand_in)]


def play_meta_story(
    stand_in: MetaGraphStandIn,
    slack: SlackStandIn,
    bot_url: str,
    channel: str,
    *,
    agent: str,
    approver: str,
    pause: float,
) -> None:
    """Two customers and the team, by signed clicks through the Slack stand-in:

    1. Ana comments on the Page's post with her card number: the card masks it; the agent
       claims and presses Move to private, which drafts only a private reply to her comment
       (Facebook delivers it to her Messenger, once); the approver approves from the DM.
    2. Gus writes to the Instagram account in Direct: the agent answers privately (inside
       the 24-hour window) and the approver approves.
    Raises if a step does not happen within a few seconds."""
    with stand_in.lock:
        own = [p for p in stand_in.posts.values() if p["from"]["id"] == stand_in.page["id"]]
    on = max(own, key=lambda p: p["created_time"])["id"] if own else seed(stand_in)["facebook"]
    name, text = TAKEN_PRIVATE
    comment = stand_in.comment(name, on, text)
    root = _wait_for_card(slack, channel, text[:30])
    claim(slack, bot_url, channel, root["ts"], agent)
    time.sleep(pause)
    click_card(slack, bot_url, channel, root["ts"], agent, Action.MOVE_TO_PRIVATE)
    time.sleep(pause)
    _approve(slack, bot_url, approver, "te escribimos por privado")
    _wait(lambda: _private_reply_sent(stand_in, comment["id"]), "the private reply to reach Ana")

    time.sleep(pause)
    username, message = DIRECT
    stand_in.ig_dm(username, message)
    root = _wait_for_card(slack, channel, message[:30])
    claim(slack, bot_url, channel, root["ts"], agent)
    time.sleep(pause)
    modal = open_draft_modal(slack, bot_url, channel, root["ts"], agent)
    time.sleep(pause)
    answer = submit_draft(slack, bot_url, agent, modal["id"], DIRECT_ANSWER, "private")
    if answer:
        raise RuntimeError(f"the draft was refused: {answer.get('errors') or answer}")
    time.sleep(pause)
    _approve(slack, bot_url, approver, DIRECT_ANSWER[:40])
    _wait(lambda: _direct_answered(stand_in, username), "the answer to reach Gus")


def _wait_for_card(slack: SlackStandIn, channel: str, text: str) -> dict[str, Any]:
    return slack.wait_for(
        lambda: next(
            (r for r in slack.messages(channel) if text in " ".join(slack.message_texts(r))),
            None,
        ),
        WAIT_SECONDS,
    )


def _approve(slack: SlackStandIn, bot_url: str, approver: str, containing: str) -> None:
    dm = slack.wait_for(
        lambda: next(
            (d for d in slack.dms(approver) if containing in " ".join(slack.message_texts(d))),
            None,
        ),
        WAIT_SECONDS,
    )
    status, body = press(
        slack, bot_url, dm_channel(slack, approver), dm["ts"], approver, Action.APPROVE
    )
    if status != 200:
        raise RuntimeError(f"the bot answered the approval with HTTP {status}: {body[:200]}")


def _private_reply_sent(stand_in: MetaGraphStandIn, comment_id: str) -> bool:
    with stand_in.lock:
        return bool(stand_in.comments[comment_id].get("private_reply"))


def _direct_answered(stand_in: MetaGraphStandIn, username: str) -> bool:
    with stand_in.lock:
        return any(
            m["to"]["data"][0].get("username") == username
            for t in stand_in.threads.values()
            for m in t["messages"]
        )


def _wait(condition: Any, what: str, timeout: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.05)
