"""`/carethread <subcommand>`: one command, answered only to who asked.

The subcommands are a table: a new one is one function and one `Subcommand` entry, and
`help` lists it. Unknown input gets the help, never silence. The names and arguments are a
contract (tests outside this repository type them): `help`, `queue`, `mine`,
`stats [today|7d|30d]`, `find @handle`, `case N`; `replies` opens the saved-replies library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk.models.blocks import Block

from bot.errors import UserFacingError
from bot.i18n import N_, _
from bot.knowledge.customers import find_customers
from bot.reports import lists
from bot.reports.charts_delivery import send_stats
from bot.reports.service import load_case_detail, parse_case_number
from bot.services import Services, services_of
from bot.slack.builders.commands import build_case_detail, build_case_list, build_help
from bot.slack.builders.common import Message, blocks_as_dicts
from handlers.knowledge.customer import open_customer_profile
from handlers.knowledge.library import open_library
from storage.db import session_scope

COMMAND = "/carethread"


@dataclass(frozen=True)
class CommandRequest:
    user: str
    channel: str
    # The first word (lowercased) and the rest.
    subcommand: str
    argument: str
    # For subcommands that open a modal (the library, a customer's profile).
    trigger_id: str = ""

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> CommandRequest:
        words = str(body.get("text") or "").strip()
        first, _space, rest = words.partition(" ")
        return cls(
            user=str(body["user_id"]),
            channel=str(body.get("channel_id") or ""),
            subcommand=first.lower(),
            argument=rest.strip(),
            trigger_id=str(body.get("trigger_id") or ""),
        )


Reply = Callable[[Message], None]
Run = Callable[[Services, CommandRequest, Reply], None]


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    run: Run


def show_help(services: Services, request: CommandRequest, reply: Reply) -> None:
    reply(build_help([(s.usage, _(s.summary)) for s in SUBCOMMANDS.values()]))


def show_queue(services: Services, request: CommandRequest, reply: Reply) -> None:
    with session_scope(services.factory) as session:
        cases = lists.queue(session, services.networks, limit=20)
    reply(
        build_case_list(
            _("The queue"), cases, claim=True, empty=_("Nobody is waiting unclaimed. 🎉")
        )
    )


def show_mine(services: Services, request: CommandRequest, reply: Reply) -> None:
    with session_scope(services.factory) as session:
        cases = lists.mine(session, request.user, services.networks, limit=20)
    reply(
        build_case_list(_("My cases"), cases, claim=False, empty=_("Nothing assigned to you. 🎉"))
    )


def show_stats(services: Services, request: CommandRequest, reply: Reply) -> None:
    reply(send_stats(services, request.user, request.argument))


def find_customer(services: Services, request: CommandRequest, reply: Reply) -> None:
    handle = request.argument.split()[0] if request.argument else ""
    if not handle.lstrip("@"):
        raise UserFacingError(
            _("Whose cases? Try `{example}`.").format(example="/carethread find @handle")
        )
    with session_scope(services.factory) as session:
        cases = lists.customer_cases(session, handle, services.networks)
    title = _("Cases of @{handle}").format(handle=handle.lstrip("@"))
    reply(build_case_list(title, cases, claim=True, empty=_("No cases from that handle.")))
    # One person behind the handle: their profile too (notes, tags, linked accounts).
    matches = find_customers(services, handle)
    if len(matches) == 1 and request.trigger_id:
        open_customer_profile(services, request.trigger_id, matches[0].customer_id)


def open_replies(services: Services, request: CommandRequest, reply: Reply) -> None:
    open_library(services, request.trigger_id, request.user)


def show_case(services: Services, request: CommandRequest, reply: Reply) -> None:
    reply(build_case_detail(load_case_detail(services, parse_case_number(request.argument))))


SUBCOMMANDS: dict[str, Subcommand] = {
    s.name: s
    for s in (
        Subcommand("help", "help", N_("this list"), show_help),
        Subcommand("queue", "queue", N_("unclaimed cases, most urgent first"), show_queue),
        Subcommand("mine", "mine", N_("your open cases, by deadline"), show_mine),
        Subcommand(
            "stats",
            "stats [today|7d|30d]",
            N_("response rate and times, volume, per agent, the X bill; charts for 7d and 30d"),
            show_stats,
        ),
        Subcommand(
            "find", "find @handle", N_("a customer's cases on every network"), find_customer
        ),
        Subcommand(
            "replies", "replies", N_("saved replies (leads add, edit, retire)"), open_replies
        ),
        Subcommand("case", "case N", N_("one case: status, owner, history"), show_case),
    )
}


def handle_carethread(
    ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    """Acknowledge at once (Slack waits 3 s), then answer through the response URL."""
    ack()
    request = CommandRequest.from_body(body)

    def reply(message: Message) -> None:
        text, blocks = message
        respond(response_type="ephemeral", text=text, blocks=_dicts(blocks))

    services = services_of(context)
    chosen = SUBCOMMANDS.get(request.subcommand)
    if chosen is None:
        usages = [(s.usage, _(s.summary)) for s in SUBCOMMANDS.values()]
        reply(build_help(usages, unknown=request.subcommand))
        return
    try:
        chosen.run(services, request, reply)
    except UserFacingError as error:
        respond(response_type="ephemeral", text=error.message)


def _dicts(blocks: list[Block]) -> list[dict[str, Any]]:
    return blocks_as_dicts(blocks)
