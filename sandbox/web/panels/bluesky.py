"""Bluesky through the Bluesky stand-in: posts to and from the brand, its chat, and a
composer that posts as a customer (whose chat setting the composer's "accepts private
messages" sets)."""

from __future__ import annotations

import re
from typing import Any

from sandbox.bluesky_api import BlueskyStandIn
from sandbox.bluesky_state import DECLARATION, POST, RecordRefused
from sandbox.httpserver import StandInServer
from sandbox.web.networks import Account, ComposeError, Persona, PrivateMessage, TimelinePost
from sandbox.web.panels.common import announce_writes, check_post

# A domain name; a bare name becomes name.bsky.social, as the app's sign-up makes it.
BLUESKY_HANDLE = r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9-]{1,63})*$"
DEFAULT_DOMAIN = ".bsky.social"
_POST_URL = re.compile(r"^https://bsky\.app/profile/([^/]+)/post/([^/]+)$")


class BlueskyPanel:
    """Bluesky has no verified field here: the composer's "verified" does not apply."""

    name = "bluesky"
    label = "Bluesky"
    handle_pattern = BLUESKY_HANDLE

    def __init__(self, server: BlueskyStandIn) -> None:
        self.server = server
        announce_writes(server, ignore=("updateSeen",))

    @property
    def changes(self) -> StandInServer:
        return self.server

    def _account(self, did: str) -> Account:
        actor = self.server.actors[did]
        return Account(
            handle=str(actor["handle"]),
            name=str(actor["displayName"] or actor["handle"]),
            followers=int(actor["followersCount"]),
            accepts_private_messages=self.server.allow_incoming(did) != "none",
        )

    def brand(self) -> Account:
        with self.server.lock:
            return self._account(self.server.brand_did)

    def timeline(self) -> list[TimelinePost]:
        with self.server.lock:
            entries = [
                dict(entry)
                for repo in self.server.repos.values()
                for (collection, _), entry in repo.items()
                if collection == POST
            ]
            return [
                self._post(e) for e in sorted(entries, key=lambda e: e["indexedAt"], reverse=True)
            ]

    def _post(self, entry: dict[str, Any]) -> TimelinePost:
        server = self.server
        with server.lock:
            author = self._account(entry["did"])
            record = entry["value"]
            parent_uri = record.get("reply", {}).get("parent", {}).get("uri")
            parent_did = _did_of(parent_uri) if parent_uri else None
            parent = self._account(parent_did) if parent_did in server.actors else None
        uri = str(entry["uri"])
        return TimelinePost(
            id=uri,
            author=author,
            text=str(record.get("text", "")),
            created_at=entry["indexedAt"],
            url=f"https://bsky.app/profile/{author.handle}/post/{uri.rsplit('/', 1)[-1]}",
            is_brand=entry["did"] == server.brand_did,
            in_reply_to=parent_uri,
            in_reply_to_handle=parent.handle if parent else None,
            language=",".join(record.get("langs") or []),
        )

    def private_messages(self) -> list[PrivateMessage]:
        server = self.server
        found = []
        with server.lock:
            for convo in server.convos.values():
                for message in convo["messages"]:
                    sender = message["sender"]
                    others = [d for d in convo["members"] if d != sender] or [sender]
                    found.append(
                        PrivateMessage(
                            id=str(message["id"]),
                            sender=self._account(sender),
                            recipient=self._account(others[0]),
                            text=str(message["text"]),
                            created_at=message["sentAt"],
                        )
                    )
        return sorted(found, key=lambda m: m.created_at, reverse=True)

    def compose(self, persona: Persona, text: str, reply_to: str | None) -> TimelinePost:
        """A post mentioning the brand (added when the text lacks it), or a reply in a
        thread: a reply to one of the brand's posts notifies it by itself."""
        handle = persona.handle.strip().lstrip("@").lower()
        if handle and "." not in handle:
            handle += DEFAULT_DOMAIN
        if not re.match(BLUESKY_HANDLE, handle) or len(handle) > 253:
            raise ComposeError(
                "A Bluesky handle is a domain name, e.g. jose.bsky.social (a bare name "
                "gets .bsky.social)."
            )
        if handle == self.server.brand_handle.lower():
            raise ComposeError("That is the brand's own account: pick a customer's handle.")
        check_post(persona, text)
        self._upsert(persona, handle)
        mention = "@" + self.server.brand_handle
        answers_brand = bool(reply_to) and _did_of(reply_to or "") == self.server.brand_did
        if not answers_brand and mention.lower() not in text.lower():
            text = f"{mention} {text}"
        langs = [persona.language] if persona.language else None
        try:
            entry = self.server.post(handle, text, reply_to=reply_to or None, langs=langs)
        except KeyError as error:
            raise ComposeError("The post you are replying to no longer exists.") from error
        except RecordRefused as error:  # the lexicon's limits (300 graphemes …)
            raise ComposeError(str(error)) from error
        return self._post(entry)

    def _upsert(self, persona: Persona, handle: str) -> None:
        accepts = "all" if persona.accepts_private_messages else "none"
        name = persona.name.strip() or handle.split(".")[0]
        server = self.server
        with server.lock:
            actor = server.actor(handle)
            if actor is None:
                server.add_customer(
                    handle,
                    name,
                    followers=persona.followers,
                    language=persona.language or None,
                    accepts_messages=accepts,
                )
                return
            stored = server.actors[actor["did"]]
            stored["displayName"] = name
            stored["followersCount"] = persona.followers
            stored["language"] = persona.language or stored["language"]
            declaration = server.repos[actor["did"]].get((DECLARATION, "self"))
            if declaration is not None:
                declaration["value"]["allowIncoming"] = accepts

    def anchor_for(self, url: str) -> str | None:
        match = _POST_URL.match(url)
        if not match:
            return None
        with self.server.lock:
            actor = self.server.actor(match.group(1))
            known = actor is not None and (POST, match.group(2)) in self.server.repos.get(
                actor["did"], {}
            )
        return f"#{self.name}-post-at://{actor['did']}/{POST}/{match.group(2)}" if known else None


def _did_of(uri: str) -> str:
    return uri.removeprefix("at://").split("/", 1)[0]
