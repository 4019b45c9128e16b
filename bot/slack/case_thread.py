"""Tell Slack about a case: its card, its drafts (in the thread and in approvers' DMs),
outcomes in its thread, and direct messages about it.

Everything here runs after the change itself was committed, under one rule:
`bot.slack.failures.best_effort` — a Slack call that fails is logged and skipped, never
raised into the workflow and never allowed to stop the calls after it (a failed thread
post must not cost the specialists their DMs); the next render catches up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.models.metadata import Metadata
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.i18n import in_language, in_workspace_language, workspace_language
from bot.networks.registry import Networks
from bot.slack.builders.card import build_case_card
from bot.slack.builders.common import Message, blocks_as_dicts
from bot.slack.builders.dms import build_approval_dm
from bot.slack.builders.thread import (
    build_draft_message,
    build_send_failed_message,
    build_send_unknown_message,
    build_sent_message,
)
from bot.slack.failures import best_effort
from bot.slack.ids import MessageKind
from bot.slack.views import CaseSnapshot, DraftSnapshot, ThreadRef
from storage.db import session_scope
from storage.models import Draft, DraftNotice

# A message still to render: called in the language of whoever reads it.
Render = Callable[[], Message]


class CaseThread:
    """Slack I/O about cases. Renders views with the pure builders; touches the database
    only to remember where it posted (message ts, approvers' DM copies).

    What the channel sees is written in the workspace's language; a direct message in its
    recipient's (`languages`: a user id's interface language, `Directory.language`)."""

    def __init__(
        self,
        client: WebClient,
        factory: sessionmaker[Session],
        networks: Networks,
        languages: Callable[[str], str] | None = None,
    ):
        self.client = client
        self.factory = factory
        # Only the looks of networks are used here (labels on cards).
        self.networks = networks
        self.languages = languages or (lambda _user: workspace_language())
        # Set by the wiring: cards are marked out of date (by case id) and the publishing
        # loop updates each at most once per coalescing window. Unset: updated at once.
        self.mark_card: Callable[[int], object] | None = None

    # -- the card ---------------------------------------------------------------------------
    def refresh_card(self, snapshot: CaseSnapshot) -> None:
        """Have the case's root message re-rendered (owner, status, deadline, buttons):
        by the publishing loop, which coalesces several changes into one chat.update."""
        if not snapshot.thread.exists or snapshot.first_post is None:
            return  # not in Slack yet: the publisher posts it with the current state
        if self.mark_card is not None:
            self.mark_card(snapshot.case.id)
            return
        self.update_card(snapshot)

    def update_card(self, snapshot: CaseSnapshot) -> None:
        """Re-render the card now (best effort)."""
        if not snapshot.thread.exists or snapshot.first_post is None:
            return
        with in_workspace_language():
            text, blocks = build_case_card(snapshot.case, snapshot.first_post)
        with best_effort(f"refresh the card of case {snapshot.case.id}"):
            self.client.chat_update(
                channel=snapshot.thread.channel or "",
                ts=snapshot.thread.ts or "",
                text=text,
                blocks=blocks_as_dicts(blocks),
            )

    # -- drafts -------------------------------------------------------------------------------
    def show_draft(self, snapshot: DraftSnapshot) -> ThreadRef:
        """Post the draft in its case thread the first time, then keep it and every
        approver's DM copy showing its current state. Returns where the draft message is."""
        view = snapshot.draft
        with in_workspace_language():
            text, blocks = build_draft_message(view)
        message = snapshot.message
        if not message.exists:
            message = self._post_draft(snapshot, text, blocks_as_dicts(blocks)) or message
        else:
            with best_effort(f"update draft #{view.id}"):
                self.client.chat_update(
                    channel=message.channel or "",
                    ts=message.ts or "",
                    text=text,
                    blocks=blocks_as_dicts(blocks),
                )
        if snapshot.notices:
            permalink = self.permalink(message)
            for user, channel, ts in snapshot.notices:
                with in_language(self.languages(user)):
                    dm_text, dm_blocks = build_approval_dm(view, permalink)
                # A DM copy that cannot be updated (deleted, archived) must not hide the
                # decision itself; the thread stays the record.
                with best_effort(f"update an approver's copy of draft #{view.id}"):
                    self.client.chat_update(
                        channel=channel, ts=ts, text=dm_text, blocks=blocks_as_dicts(dm_blocks)
                    )
        return message

    def _post_draft(
        self, snapshot: DraftSnapshot, text: str, blocks: list[dict[str, Any]]
    ) -> ThreadRef | None:
        view = snapshot.draft
        if not snapshot.thread.exists:
            return None
        with best_effort(f"post draft #{view.id} in its thread"):
            response = self.client.chat_postMessage(
                channel=snapshot.thread.channel or "",
                thread_ts=snapshot.thread.ts,
                text=text,
                blocks=blocks,
                unfurl_links=False,
                metadata=Metadata(
                    event_type=MessageKind.DRAFT,
                    event_payload={"draft_id": view.id, "case_id": view.case_id},
                ),
            )
            ref = ThreadRef(str(response["channel"]), str(response["ts"]))
            with session_scope(self.factory) as session:
                session.execute(
                    update(Draft)
                    .where(Draft.id == view.id, Draft.slack_ts.is_(None))
                    .values(slack_channel=ref.channel, slack_ts=ref.ts)
                )
            return ref
        return None

    def ask_approvers(self, snapshot: DraftSnapshot, approvers: Iterable[str]) -> None:
        """DM each approver not asked yet the draft with Approve/Reject, so a phone
        notification is enough; remembers each copy to keep it in sync."""
        view = snapshot.draft
        permalink = self.permalink(snapshot.message)
        for user in sorted(set(approvers) - snapshot.approvers_notified):
            with in_language(self.languages(user)):
                text, blocks = build_approval_dm(view, permalink)
            with best_effort(f"ask approver {user} about draft #{view.id}"):
                response = self.client.chat_postMessage(
                    channel=user, text=text, blocks=blocks_as_dicts(blocks), unfurl_links=False
                )
                with session_scope(self.factory) as session:
                    session.add(
                        DraftNotice(
                            draft_id=view.id,
                            user_slack_id=user,
                            channel=str(response["channel"]),
                            ts=str(response["ts"]),
                        )
                    )

    # -- what became of a send (bot.outbound.SendReporter) -----------------------------------
    def sent(self, draft: DraftSnapshot, case: CaseSnapshot) -> None:
        with in_workspace_language():
            message = build_sent_message(draft.draft)
        self._outcome(draft, case, message)

    def failed(self, draft: DraftSnapshot, case: CaseSnapshot) -> None:
        with in_workspace_language():
            message = build_send_failed_message(draft.draft)
        self._outcome(draft, case, message)

    def unknown(self, draft: DraftSnapshot, case: CaseSnapshot) -> None:
        # Nothing changed yet: only say so; the settled outcome re-renders everything.
        with in_workspace_language():
            message = build_send_unknown_message(draft.draft)
        self.post(case, message, "the unknown outcome", draft_id=draft.draft.id)

    def _outcome(self, draft: DraftSnapshot, case: CaseSnapshot, message: Message) -> None:
        self.post(case, message, "the outcome of a send", draft_id=draft.draft.id)
        self.show_draft(draft)
        self.refresh_card(case)

    # -- messages -----------------------------------------------------------------------------
    def post(
        self, case: CaseSnapshot, message: Message | Render, what: str, **payload: Any
    ) -> str | None:
        """Post `message` in the case's thread; returns its ts (None when it has no thread
        yet or Slack refused). `payload` goes into the message's metadata. A builder call
        (`lambda: build_…(…)`) is rendered in the workspace's language."""
        thread = case.thread
        if not thread.exists:
            return None
        with in_workspace_language():
            text, blocks = message() if callable(message) else message
        with best_effort(f"post {what} in the case thread"):
            response = self.client.chat_postMessage(
                channel=thread.channel or "",
                thread_ts=thread.ts,
                text=text,
                blocks=blocks_as_dicts(blocks),
                unfurl_links=False,
                metadata=Metadata(
                    event_type=MessageKind.OUTCOME,
                    event_payload={"case_id": case.case.id, **payload},
                ),
            )
            return str(response["ts"])
        return None

    def dm(self, user: str, message: Message | Render, what: str) -> bool:
        """A direct message to `user`; False when Slack refused it. A builder call
        (`lambda: build_…(…)`) is rendered in the recipient's language."""
        with in_language(self.languages(user)):
            text, blocks = message() if callable(message) else message
        with best_effort(f"send {what} to {user}"):
            self.client.chat_postMessage(
                channel=user, text=text, blocks=blocks_as_dicts(blocks), unfurl_links=False
            )
            return True
        return False

    def permalink(self, ref: ThreadRef) -> str | None:
        """A link to a message, or None when Slack cannot give one (the DM still works)."""
        if not ref.exists:
            return None
        with best_effort(f"get a link to {ref.channel}/{ref.ts}"):
            response = self.client.chat_getPermalink(
                channel=ref.channel or "", message_ts=ref.ts or ""
            )
            return str(response["permalink"])
        return None
