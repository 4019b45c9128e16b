"""Send a case to another team's channel ("Send to another team" on the card).

The thread moves with it: the card is re-posted in the new channel with a summary of the
thread so far, a link is left in the old thread and the old card points to the new one.
From then on the case's thread is the new one (`Case.slack_channel/slack_ts`): follow-ups,
drafts, outcomes, escalations and reminders all go there.

Exactly once, even when clicked twice: the move starts with one conditional UPDATE
(`lifecycle.start_move`, audited as MOVE) that only one click wins, and is recorded only
under that claim (`lifecycle.finish_move`). If Slack refuses the new card, the case stays
where it was and the history says why (MOVE_FAILED).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import lifecycle
from bot.cases.common import get_case, snapshot
from bot.errors import Conflict, UserFacingError
from bot.i18n import N_, _
from bot.routing.route import Router
from bot.services import Services
from bot.slack.case_move import MoveRefused, announce_move, post_moved_card, withdraw_card
from bot.slack.views import (
    ChannelChoice,
    MoveView,
    ThreadRef,
    case_view,
    draft_view,
    post_view,
)
from storage.db import session_scope
from storage.enums import DraftStatus
from storage.models import Case, Draft, Post, utcnow

NO_OTHER_TEAM = N_(
    "There is no other team channel to send this case to: name the teams' channels in "
    "[routing.channels] of the policy file (CARETHREAD_CONFIG)."
)
IN_PROGRESS = N_(
    "This case is being sent to another team right now, or was just sent: look at its card."
)


def router_of(services: Services) -> Router:
    return Router(services.settings.routing, services.settings.slack_channel_id)


def move_choices(services: Services, case_id: int) -> tuple[list[ChannelChoice], str]:
    """The channels the case may go to (not the one it is in), and the one it is in;
    refuses before anyone fills in a modal for nothing."""
    router = router_of(services)
    with session_scope(services.factory) as session:
        current = _movable(get_case(session, case_id))
    choices = [
        ChannelChoice(t.channel_id, t.label) for t in router.targets() if t.channel_id != current
    ]
    if not choices:
        raise UserFacingError(NO_OTHER_TEAM)
    return choices, current


def check_move(services: Services, case_id: int, to_channel: str) -> None:
    """What the modal can still say inline: the channel is a team's, and not the case's."""
    router = router_of(services)
    target = router.target(to_channel)
    if target is None:
        raise UserFacingError(_("Pick one of the teams' channels."))
    with session_scope(services.factory) as session:
        if _movable(get_case(session, case_id)) == to_channel:
            raise Conflict(_("This case is already in {channel}.").format(channel=target.label))


def move_case(services: Services, case_id: int, user: str, to_channel: str, note: str) -> None:
    """Send the case to `to_channel`; raises a `UserFacingError` saying why not."""
    router = router_of(services)
    target = router.target(to_channel)
    if target is None:
        raise UserFacingError(_("That channel is not one of the teams' channels any more."))
    started = utcnow()
    with session_scope(services.factory) as session:
        case = get_case(session, case_id)
        from_channel, from_ts = _movable(case), case.slack_ts or ""
        if from_channel == to_channel:
            raise Conflict(_("This case is already in {channel}.").format(channel=target.label))
        won = lifecycle.apply(
            session,
            lifecycle.start_move(
                case_id,
                user,
                thread=(from_channel, from_ts),
                to_channel=to_channel,
                labels=(router.label(from_channel), target.label),
                note=note,
                now=started,
            ),
        )
        if not won:
            raise Conflict(IN_PROGRESS)
        move = _move_view(services, session, case, user, from_channel, to_channel, note)
    try:
        ts = post_moved_card(services.slack, move, started)
    except MoveRefused as refused:
        with session_scope(services.factory) as session:
            lifecycle.abandon_move(session, case_id, started, user, refused.reason)
        raise UserFacingError(refused.message) from refused
    with session_scope(services.factory) as session:
        recorded = lifecycle.finish_move(session, case_id, started, (to_channel, ts), utcnow())
        moved = snapshot(services, session, get_case(session, case_id))
    if not recorded:
        # This move outlived its lease and another one took the case: ours never happened.
        withdraw_card(services.slack, to_channel, ts)
        raise Conflict(IN_PROGRESS)
    announce_move(services.slack, services.thread, move, moved, ThreadRef(from_channel, from_ts))


def _movable(case: Case) -> str:
    """The channel the case's thread is in, if it may move: open and in Slack."""
    if not case.is_open:
        raise Conflict(_("This case is closed; reopened cases can be sent to another team."))
    if not (case.slack_channel and case.slack_ts):
        raise UserFacingError(_("This case is not in Slack yet; it goes to its team's channel."))
    return case.slack_channel


def _move_view(
    services: Services,
    session: Session,
    case: Case,
    user: str,
    from_channel: str,
    to_channel: str,
    note: str,
) -> MoveView:
    """The case and its thread so far, as the new thread's summary tells it."""
    look = services.networks.look(case.network)
    posts = session.scalars(
        select(Post).where(Post.case_id == case.id).order_by(Post.created_at, Post.id)
    ).all()
    drafts = session.scalars(select(Draft).where(Draft.case_id == case.id).order_by(Draft.id)).all()
    return MoveView(
        case=case_view(case, look),
        first_post=post_view(posts[0]) if posts else None,
        by=user,
        from_channel=from_channel,
        to_channel=to_channel,
        note=note.strip(),
        customer_posts=len(posts),
        latest_post=post_view(posts[-1]) if len(posts) > 1 else None,
        replies=tuple(draft_view(d, look) for d in drafts if d.status == DraftStatus.POSTED),
        waiting_drafts=sum(1 for d in drafts if d.status == DraftStatus.PENDING),
    )
