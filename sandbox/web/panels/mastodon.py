"""Mastodon through the Mastodon stand-in: public statuses to and from the brand, direct
(private) mentions, and a composer that posts as a customer of this or another server."""

from __future__ import annotations

import re
from typing import Any

from sandbox.httpserver import StandInServer
from sandbox.mastodon_api import MastodonStandIn
from sandbox.mastodon_state import DOMAIN, StatusRefused
from sandbox.web.networks import Account, ComposeError, Persona, PrivateMessage, TimelinePost
from sandbox.web.panels.common import announce_writes, check_post

# username, or username@server for someone on another server
MASTODON_HANDLE = r"^[A-Za-z0-9_]{1,30}(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})?$"
_STATUS_URL = re.compile(r"^https://[^/]+/@[^/]+/(\d+)$")


class MastodonPanel:
    """The brand's server as its customers see it. Mastodon has no verified badges and no
    setting that refuses private mentions: those two composer fields do not apply."""

    name = "mastodon"
    label = "Mastodon"
    handle_pattern = MASTODON_HANDLE

    def __init__(self, server: MastodonStandIn) -> None:
        self.server = server
        announce_writes(server, ignore=("/clear", "/dismiss", "/markers"))

    @property
    def changes(self) -> StandInServer:
        return self.server

    def _account(self, account: dict[str, Any]) -> Account:
        return Account(
            handle=str(account["acct"]),
            name=str(account["display_name"] or account["username"]),
            followers=int(account["followers_count"]),
        )

    def brand(self) -> Account:
        with self.server.lock:
            return self._account(self.server.accounts[self.server.brand_id])

    def _statuses(self, *, direct: bool) -> list[dict[str, Any]]:
        with self.server.lock:
            chosen = [
                dict(s)
                for s in self.server.statuses.values()
                if (s["visibility"] == "direct") == direct
            ]
        return sorted(chosen, key=lambda s: int(s["id"]), reverse=True)

    def timeline(self) -> list[TimelinePost]:
        return [self._post(s) for s in self._statuses(direct=False)]

    def _post(self, status: dict[str, Any]) -> TimelinePost:
        server = self.server
        with server.lock:
            author = self._account(server.accounts[status["account_id"]])
            parent = server.statuses.get(status["in_reply_to_id"] or "")
            parent_author = self._account(server.accounts[parent["account_id"]]) if parent else None
            url = str(server.status_json(dict(status))["url"])
        return TimelinePost(
            id=str(status["id"]),
            author=author,
            text=str(status["text"]),
            created_at=status["created_at"],
            url=url,
            is_brand=status["account_id"] == server.brand_id,
            in_reply_to=status["in_reply_to_id"],
            in_reply_to_handle=parent_author.handle if parent_author else None,
            language=str(status.get("language") or ""),
        )

    def private_messages(self) -> list[PrivateMessage]:
        server = self.server
        messages = []
        for status in self._statuses(direct=True):
            with server.lock:
                sender = server.accounts[status["account_id"]]
                others = [i for i in status["mention_ids"] if i != status["account_id"]]
                recipient = server.accounts[others[0]] if others else sender
                messages.append(
                    PrivateMessage(
                        id=str(status["id"]),
                        sender=self._account(sender),
                        recipient=self._account(recipient),
                        text=str(status["text"]),
                        created_at=status["created_at"],
                    )
                )
        return messages

    def compose(self, persona: Persona, text: str, reply_to: str | None) -> TimelinePost:
        """A public post mentioning the brand (the mention is added when the text lacks
        it), or a reply in the thread of `reply_to`."""
        return self._post(self._write(persona, text, reply_to, "public"))

    def compose_private(self, persona: Persona, text: str) -> PrivateMessage:
        """A direct mention of the brand: Mastodon's private message."""
        status = self._write(persona, text, None, "direct")
        return next(m for m in self.private_messages() if m.id == str(status["id"]))

    def _write(
        self, persona: Persona, text: str, reply_to: str | None, visibility: str
    ) -> dict[str, Any]:
        handle = persona.handle.strip().lstrip("@")
        if handle.lower().endswith("@" + DOMAIN):
            handle = handle[: -len(DOMAIN) - 1]
        if not re.match(MASTODON_HANDLE, handle):
            raise ComposeError(
                "A Mastodon handle is a username (letters, digits, _), optionally "
                "@ another server: ines or oliver@fosstodon.example."
            )
        if handle.lower() == self.server.brand_acct.lower():
            raise ComposeError("That is the brand's own account: pick a customer's handle.")
        check_post(persona, text)
        acct = self._upsert(persona, handle)
        mention = "@" + self.server.brand_acct
        if mention.lower() not in text.lower():
            text = f"{mention} {text}"
        language = persona.language or None
        try:
            if reply_to:
                return self.server.reply_in_thread(
                    acct, reply_to, text, language=language, visibility=visibility
                )
            return self.server.post(acct, text, language=language, visibility=visibility)
        except KeyError as error:
            raise ComposeError("The post you are replying to no longer exists.") from error
        except StatusRefused as error:  # what Mastodon's own validation refuses
            raise ComposeError(error.message) from error

    def _upsert(self, persona: Persona, handle: str) -> str:
        username, _, domain = handle.partition("@")
        name = persona.name.strip() or username
        with self.server.lock:
            account = self.server.account_by_acct(handle)
            if account is None:
                account = self.server.add_customer(
                    username,
                    name,
                    followers=persona.followers,
                    language=persona.language or None,
                    domain=domain or None,
                )
            else:
                stored = self.server.accounts[account["id"]]
                stored["display_name"] = name
                stored["followers_count"] = persona.followers
                stored["language"] = persona.language or stored["language"]
            return str(account["acct"])

    def anchor_for(self, url: str) -> str | None:
        match = _STATUS_URL.match(url)
        if not match:
            return None
        with self.server.lock:
            known = match.group(1) in self.server.statuses
        return f"#{self.name}-post-{match.group(1)}" if known else None
