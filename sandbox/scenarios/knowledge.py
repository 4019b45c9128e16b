"""Play the knowledge features against the stand-ins: a lead fills the saved-replies library,
earlier customers are answered and their cases closed (so similar cases show), and an agent
drafts from a past reply, uses a saved reply, checks spelling and sends a holding reply.

Every step is a real, signed interaction through the Slack stand-in (slash command, clicks
in messages and modals, options requests, submissions), so the demo and the tests drive the
same code paths a workspace does. `run_knowledge_scenario` is what the demo calls.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.slack.ids import Action, Callback, Field
from sandbox.agent_story import (
    WAIT_SECONDS,
    claim,
    click_card,
    dm_channel,
    open_draft_modal,
    press,
    submit_draft,
    wait_for_draft,
)
from sandbox.slack_api import SlackStandIn
from sandbox.x_api import XStandIn

COMMAND = "/carethread"


def _ok(result: tuple[int, Any]) -> None:
    status, body = result
    if status != 200:
        raise RuntimeError(f"the bot answered HTTP {status}: {str(body)[:200]}")


def _new_view(slack: SlackStandIn, user: str, before: set[str], callback: str) -> dict[str, Any]:
    return slack.wait_for(
        lambda: next(
            (
                v
                for v in slack.open_views(user)
                if v["id"] not in before and v["callback_id"] == callback
            ),
            None,
        ),
        WAIT_SECONDS,
    )


def _changed_view(slack: SlackStandIn, view: dict[str, Any]) -> dict[str, Any]:
    """The view once the bot updated it (its hash changes on every update)."""
    return slack.wait_for(
        lambda: (v := slack.view(view["id"]))["hash"] != view["hash"] and v, WAIT_SECONDS
    )


# -- the library ---------------------------------------------------------------------------
def open_library(slack: SlackStandIn, url: str, user: str, channel: str) -> dict[str, Any]:
    """`user` types `/carethread replies`; returns the library modal."""
    before = {v["id"] for v in slack.open_views(user)}
    _ok(slack.command(url, user_id=user, command=COMMAND, text="replies", channel=channel))
    return _new_view(slack, user, before, Callback.SAVED_REPLIES)


def editor_values(
    *,
    title: str,
    text: str,
    language: str,
    kind: str = "reply",
    intent: str = "any",
    network: str = "any",
) -> dict[str, dict[str, dict]]:
    def select(value: str) -> dict[str, Any]:
        return {"type": "static_select", "selected_option": {"value": value}}

    return {
        Field.TITLE: {Field.TITLE: {"type": "plain_text_input", "value": title}},
        Field.KIND: {Field.KIND: {"type": "radio_buttons", "selected_option": {"value": kind}}},
        Field.LANGUAGE: {Field.LANGUAGE: select(language)},
        Field.INTENT: {Field.INTENT: select(intent)},
        Field.NETWORK: {Field.NETWORK: select(network)},
        Field.TEXT: {Field.TEXT: {"type": "plain_text_input", "value": text}},
    }


def add_saved_reply(
    slack: SlackStandIn, url: str, lead: str, channel: str, **values: str
) -> dict[str, Any]:
    """`lead` opens the library, presses Add and saves `values` (editor_values' names);
    returns the bot's answer to the submission ({} when saved)."""
    library = open_library(slack, url, lead, channel)
    before = {v["id"] for v in slack.open_views(lead)}
    _ok(slack.act_in_view(url, user_id=lead, view_id=library["id"], action_id=Action.LIBRARY_ADD))
    editor = _new_view(slack, lead, before, Callback.SAVED_REPLY)
    status, answer = slack.submit_view(
        url, user_id=lead, view_id=editor["id"], values=editor_values(**values)
    )
    if status != 200:
        raise RuntimeError(f"the bot answered the editor with HTTP {status}")
    if answer == {}:
        _changed_view(slack, library)
        slack.close_view(url, user_id=lead, view_id=library["id"])
    return answer


def set_one_tap(slack: SlackStandIn, url: str, lead: str, channel: str, on: bool) -> None:
    """`lead` ticks (or clears) "Holding replies go out on one tap" in the library."""
    library = open_library(slack, url, lead, channel)
    _ok(
        slack.act_in_view(
            url,
            user_id=lead,
            view_id=library["id"],
            action_id=Action.LIBRARY_ONE_TAP,
            selected_values=["one_tap"] if on else [],
        )
    )
    _changed_view(slack, library)
    slack.close_view(url, user_id=lead, view_id=library["id"])


# -- answering and closing -----------------------------------------------------------------
def answer_case(
    slack: SlackStandIn,
    url: str,
    channel: str,
    case_ts: str,
    *,
    agent: str,
    approver: str,
    text: str,
) -> None:
    """`agent` drafts `text` (saving past any drafting-help warning), `approver` approves
    it from their DM; returns once the reply is posted."""
    asked_before = {d["ts"] for d in slack.dms(approver)}
    claim(slack, url, channel, case_ts, agent)
    modal = open_draft_modal(slack, url, channel, case_ts, agent)
    answer = submit_draft(slack, url, agent, modal["id"], text, "public")
    if answer.get("response_action") == "update":
        modal = slack.view(modal["id"])
        answer = submit_draft_again(slack, url, agent, modal, text, "public")
    if answer != {}:
        raise RuntimeError(f"the draft was refused: {answer}")
    wait_for_draft(slack, channel, case_ts)
    dm = slack.wait_for(
        lambda: next((d for d in slack.dms(approver) if d["ts"] not in asked_before), None),
        WAIT_SECONDS,
    )
    _ok(press(slack, url, dm_channel(slack, approver), dm["ts"], approver, Action.APPROVE))
    slack.wait_for(
        lambda: any("posted" in str(m.get("text")) for m in slack.thread(channel, case_ts)),
        WAIT_SECONDS,
    )


def close_case(
    slack: SlackStandIn, url: str, channel: str, case_ts: str, user: str, reason: str = "answered"
) -> None:
    before = {v["id"] for v in slack.open_views(user)}
    click_card(slack, url, channel, case_ts, user, Action.CLOSE)
    modal = _new_view(slack, user, before, Callback.CLOSE)
    values = {"reason": {"reason": {"type": "radio_buttons", "selected_option": {"value": reason}}}}
    _ok(slack.submit_view(url, user_id=user, view_id=modal["id"], values=values))
    slack.wait_for(
        lambda: (
            "Closed"
            in str(next(m for m in slack.messages(channel) if m["ts"] == case_ts)["blocks"])
        ),
        WAIT_SECONDS,
    )


# -- the draft modal -----------------------------------------------------------------------
def open_knowledge_modal(
    slack: SlackStandIn, url: str, channel: str, case_ts: str, user: str
) -> dict[str, Any]:
    """Press "Draft reply" and return the modal once the past cases are in (it opens at
    once and is updated with them)."""
    modal = open_draft_modal(slack, url, channel, case_ts, user)
    return slack.wait_for(
        lambda: "similar_loading" not in str((v := slack.view(modal["id"]))["blocks"]) and v,
        WAIT_SECONDS,
    )


def text_block(view: dict[str, Any]) -> dict[str, Any]:
    """The draft modal's reply box (its block id carries a version: "text~2")."""
    return next(
        b
        for b in view["blocks"]
        if b.get("type") == "input" and b["block_id"].split("~")[0] == Field.TEXT
    )


def modal_text(view: dict[str, Any]) -> str:
    """What the reply box shows: its initial value (the bot's latest text)."""
    return str(text_block(view)["element"].get("initial_value") or "")


def typed(view: dict[str, Any], text: str, visibility: str = "public") -> dict[str, dict]:
    """The draft modal's state with `text` in its current reply box."""
    return {
        text_block(view)["block_id"]: {Field.TEXT: {"type": "plain_text_input", "value": text}},
        Field.VISIBILITY: {
            Field.VISIBILITY: {"type": "radio_buttons", "selected_option": {"value": visibility}}
        },
    }


def submit_draft_again(
    slack: SlackStandIn, url: str, user: str, view: dict[str, Any], text: str, visibility: str
) -> dict[str, Any]:
    """Save the (updated) draft modal with `text` in its current reply box."""
    status, answer = slack.submit_view(
        url, user_id=user, view_id=view["id"], values=typed(view, text, visibility)
    )
    if status != 200:
        raise RuntimeError(f"the bot answered the draft submission with HTTP {status}")
    return answer


def saved_reply_options(
    slack: SlackStandIn, url: str, user: str, view: dict[str, Any], query: str = ""
) -> dict[str, list[dict[str, Any]]]:
    """The saved-reply select's options as the bot loads them: group label → options."""
    answer = slack.suggest(
        url, user_id=user, view_id=view["id"], action_id=Action.SAVED_REPLY_PICK, typed=query
    )
    if "options" in answer:
        return {"": answer["options"]}
    return {g["label"]["text"]: g["options"] for g in answer["option_groups"]}


def pick_saved_reply(
    slack: SlackStandIn, url: str, user: str, view: dict[str, Any], option: dict[str, Any]
) -> dict[str, Any]:
    """Choose `option` in the saved-reply select; returns the modal once updated."""
    _ok(
        slack.act_in_view(
            url,
            user_id=user,
            view_id=view["id"],
            action_id=Action.SAVED_REPLY_PICK,
            option=option,
        )
    )
    return _changed_view(slack, view)


def copy_past_reply(
    slack: SlackStandIn, url: str, user: str, view: dict[str, Any], index: int = 0
) -> dict[str, Any]:
    """Press "Use this reply" on the `index`-th similar past case; the updated modal."""
    buttons = [
        b["accessory"]["value"]
        for b in view["blocks"]
        if (b.get("accessory") or {}).get("action_id") == Action.COPY_PAST_REPLY
    ]
    _ok(
        slack.act_in_view(
            url,
            user_id=user,
            view_id=view["id"],
            action_id=Action.COPY_PAST_REPLY,
            value=buttons[index],
        )
    )
    return _changed_view(slack, view)


def check_draft(
    slack: SlackStandIn, url: str, user: str, view: dict[str, Any], text: str
) -> dict[str, Any]:
    """Type `text` and press "Check spelling and tone"; the updated modal."""
    _ok(
        slack.act_in_view(
            url,
            user_id=user,
            view_id=view["id"],
            action_id=Action.CHECK_DRAFT,
            values=typed(view, text),
        )
    )
    return _changed_view(slack, view)


def past_case_texts(view: dict[str, Any]) -> list[str]:
    """The similar past cases the draft modal shows, best first."""
    return [
        b["text"]["text"]
        for b in view["blocks"]
        if b.get("block_id", "").startswith("similar_")
        and b.get("type") == "section"
        and b["block_id"] != "similar_title"
    ]


def drafting_help(view: dict[str, Any]) -> str:
    block = next((b for b in view["blocks"] if b.get("block_id") == "drafting_help"), None)
    return " ".join(e["text"] for e in block["elements"]) if block else ""


# -- the demo ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PastCase:
    customer: str
    name: str
    text: str
    reply: str


SAVED_REPLIES = (
    dict(
        title="Doble cobro: reintegro",
        language="es",
        intent="complaint",
        text="{handle} Hola {first_name}, lamentamos el doble cobro. Ya pedimos el reintegro "
        "y lo verás en tu próximo resumen. Cualquier cosa, escribinos. {agent}",
    ),
    dict(
        title="Double charge: refund",
        language="en",
        intent="complaint",
        text="{handle} Hi {first_name}, sorry about the double charge. We've asked for the "
        "refund; you'll see it on your next statement. {agent}",
    ),
    dict(
        title="Estamos en eso",
        language="es",
        kind="holding",
        text="{handle} Hola {first_name}, ya lo estamos revisando. Te escribimos en breve. "
        "(caso {case})",
    ),
    dict(
        title="We're on it",
        language="en",
        kind="holding",
        text="{handle} Hi {first_name}, we're on it and will be back with you shortly. "
        "(case {case})",
    ),
)
PAST_CASES = (
    PastCase(
        "mike_rivers",
        "Mike Rivers",
        "you charged my card twice for the November bill!! card 4111 1111 1111 1111, fix it",
        "@mike_rivers Hi Mike, so sorry about the double charge. We've refunded the second "
        "payment; you'll see it within 3-5 days.",
    ),
    PastCase(
        "sofia_g",
        "Sofía Gómez",
        "se me cortó internet otra vez en Córdoba, tercera vez esta semana",
        "@sofia_g Hola Sofía, hubo un corte en tu zona y ya está resuelto. Si vuelve a pasar, "
        "reiniciá el módem y escribinos por privado.",
    ),
    PastCase(
        "dan_k",
        "Dan K",
        "how do I change my plan to the 300 mega one?",
        "@dan_k Hi Dan, you can change it in the app under My plan > Change; it takes effect "
        "the next day.",
    ),
)


def run_knowledge_scenario(
    slack: SlackStandIn,
    x: XStandIn,
    bot_url: str,
    channel: str,
    *,
    brand: str,
    lead: str,
    agent: str,
    approver: str,
    wait_for_card: Callable[[str], dict[str, Any]],
    pause: float = 0.0,
) -> None:
    """Fill the library as `lead`, answer and close PAST_CASES as `agent`/`approver`, so
    that a new double-charge complaint in Spanish shows the English case as similar.

    `wait_for_card(text)` returns the case card whose post contains `text` once the bot
    polled it (the demo polls on its own schedule; tests run a cycle).
    """
    for values in SAVED_REPLIES:
        add_saved_reply(slack, bot_url, lead, channel, **values)
        time.sleep(pause)
    for past in PAST_CASES:
        x.add_user(past.customer, name=past.name)
        x.post(past.customer, f"@{brand} {past.text}")
        card = wait_for_card(past.text[:30])
        answer_case(
            slack, bot_url, channel, card["ts"], agent=agent, approver=approver, text=past.reply
        )
        close_case(slack, bot_url, channel, card["ts"], agent)
        time.sleep(pause)
