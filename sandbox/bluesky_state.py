"""The in-memory AT Protocol world behind the Bluesky stand-in: accounts, repositories of
records keyed by collection and record key, the brand's notifications, and chat.

Every record written (by the brand through the API or by a customer through the helpers)
is checked against its lexicon first, as a PDS does. Helpers hand out copies.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import regex

from bot.networks.bluesky import encode_tid, mention_facets
from bot.networks.text_units import utf8_span
from sandbox.lexicon import Lexicons

POST = "app.bsky.feed.post"
DECLARATION = "chat.bsky.actor.declaration"
_LINK = regex.compile(r"https?://[^\s<>\"]+?(?=[.,;:!?)\]'\"]*(?:\s|$))")

Actor = dict[str, Any]
Entry = dict[str, Any]


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def did_for(handle: str) -> str:
    digest = base64.b32encode(hashlib.sha256(handle.lower().encode()).digest()).decode().lower()
    return "did:plc:" + digest[:24]


def cid_for(value: Any) -> str:
    """A CIDv1 (dag-cbor, sha-256) spelled as the real ones are: "bafyrei" + base32."""
    data = json.dumps(value, sort_keys=True, ensure_ascii=False).encode()
    digest = base64.b32encode(hashlib.sha256(data).digest()).decode().lower().rstrip("=")
    return "bafyrei" + digest[:52]


class RecordRefused(Exception):
    """A write a PDS refuses: (status, XRPC error name, message)."""

    def __init__(self, status: int, error: str, message: str):
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


class BlueskyState:
    """Mixed into the stand-in, which supplies `self.lock`."""

    lock: threading.RLock

    def __init__(self, brand_handle: str, brand_name: str, lexicons: Lexicons | None) -> None:
        self.lexicons = lexicons
        self.actors: dict[str, Actor] = {}
        self.repos: dict[str, dict[tuple[str, str], Entry]] = {}
        self.notifications: list[dict[str, Any]] = []
        self.convos: dict[str, dict[str, Any]] = {}
        self.clock: Callable[[], datetime] = utc_now  # tests may move time
        self._last_tid_micros = 0
        self._last_indexed: datetime | None = None
        self._message_sequence = 0
        brand = self.add_account(brand_handle, brand_name, followers=5400)
        self.brand_did = brand["did"]

    # -- people ----------------------------------------------------------------------------
    def add_account(
        self,
        handle: str,
        name: str = "",
        *,
        followers: int = 0,
        language: str | None = None,
        allow_incoming: str = "following",
        follows_brand: bool = False,
    ) -> Actor:
        with self.lock:
            did = did_for(handle)
            actor = {
                "did": did,
                "handle": handle.lower(),
                "displayName": name,
                "followersCount": followers,
                "followsCount": 0,
                "language": language,
                "follows_brand": follows_brand,
                "createdAt": self.clock(),
            }
            self.actors[did] = actor
            self.repos.setdefault(did, {})
            # Who may start a chat with them: their chat.bsky.actor.declaration record.
            self.write_record(
                did,
                DECLARATION,
                "self",
                {"$type": DECLARATION, "allowIncoming": allow_incoming},
                notify=False,
            )
            return dict(actor)

    def add_customer(
        self,
        handle: str,
        name: str = "",
        *,
        followers: int = 0,
        language: str | None = None,
        accepts_messages: str = "all",
        follows_brand: bool = True,
    ) -> Actor:
        """A customer. `accepts_messages` is their chat setting: "all", "following" (only
        from accounts they follow) or "none"."""
        return self.add_account(
            handle,
            name,
            followers=followers,
            language=language,
            allow_incoming=accepts_messages,
            follows_brand=follows_brand,
        )

    def actor(self, identifier: str) -> Actor | None:
        wanted = identifier.lower()
        return next((a for a in self.actors.values() if wanted in (a["did"], a["handle"])), None)

    def allow_incoming(self, did: str) -> str:
        entry = self.repos[did].get((DECLARATION, "self"))
        return str(entry["value"].get("allowIncoming", "following")) if entry else "following"

    # -- customers posting (tests and the demo) ---------------------------------------------
    def post(
        self,
        handle: str,
        text: str,
        *,
        reply_to: str | None = None,
        quote: str | None = None,
        langs: list[str] | None = None,
    ) -> Entry:
        """A customer posts as the Bluesky app would: mentions and links become facets,
        a reply carries root and parent strong refs, a quote embeds the quoted post."""
        with self.lock:
            author = self.actor(handle)
            if author is None:
                raise KeyError(f"no account {handle!r}: add_customer first")
            record: dict[str, Any] = {"$type": POST, "text": text, "createdAt": iso(self.clock())}
            facets = self._facets(text)
            if facets:
                record["facets"] = facets
            chosen = langs or ([author["language"]] if author["language"] else None)
            if chosen:
                record["langs"] = chosen
            if reply_to:
                parent = self.entry(reply_to)
                parent_ref = {"uri": parent["uri"], "cid": parent["cid"]}
                root_ref = parent["value"].get("reply", {}).get("root", parent_ref)
                record["reply"] = {"root": root_ref, "parent": parent_ref}
            if quote:
                quoted = self.entry(quote)
                record["embed"] = {
                    "$type": "app.bsky.embed.record",
                    "record": {"uri": quoted["uri"], "cid": quoted["cid"]},
                }
            return dict(self.write_record(author["did"], POST, self.next_tid(), record))

    def reply_in_thread(self, handle: str, parent_uri: str, text: str, **kwargs: Any) -> Entry:
        return self.post(handle, text, reply_to=parent_uri, **kwargs)

    def _facets(self, text: str) -> list[dict[str, Any]]:
        facets: list[dict[str, Any]] = []
        for actor in self.actors.values():
            facets += mention_facets(text, actor["handle"], actor["did"])
        for match in _LINK.finditer(text):
            start, end = utf8_span(text, match.start(), match.end())
            facets.append(
                {
                    "index": {"byteStart": start, "byteEnd": end},
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": match.group()}],
                }
            )
        return sorted(facets, key=lambda f: f["index"]["byteStart"])

    # -- the repository --------------------------------------------------------------------
    def next_tid(self) -> str:
        micros = int(self.clock().timestamp() * 1_000_000)
        self._last_tid_micros = max(micros, self._last_tid_micros + 1)
        return encode_tid(self._last_tid_micros, 7)

    def write_record(
        self, did: str, collection: str, rkey: str, record: Any, *, notify: bool = True
    ) -> Entry:
        """Validate and store a record; a second create at the same key is refused."""
        with self.lock:
            if self.lexicons is not None and collection in self.lexicons.docs:
                try:
                    self.lexicons.validate_record(collection, record)
                except ValueError as exc:
                    raise RecordRefused(
                        400, "InvalidRequest", f"Invalid {collection} record: {exc}"
                    ) from exc
            repo = self.repos[did]
            if (collection, rkey) in repo:
                # What live PDSes answer today (bluesky-social/atproto#3718, #4725).
                raise RecordRefused(500, "InternalServerError", "Internal Server Error")
            now = self._indexed_at()
            entry = {
                "uri": f"at://{did}/{collection}/{rkey}",
                "cid": cid_for(record),
                "value": record,
                "indexedAt": now,
                "did": did,
            }
            repo[(collection, rkey)] = entry
            if notify and collection == POST and did != self.brand_did:
                self._notify_brand(entry)
            return entry

    def entry(self, uri: str) -> Entry:
        did, collection, rkey = uri.removeprefix("at://").split("/")
        found = self.repos.get(did, {}).get((collection, rkey))
        if found is None:
            raise KeyError(f"no record {uri}")
        return found

    def _indexed_at(self) -> datetime:
        # The AppView's times have milliseconds; no two records share one here.
        now = self.clock()
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if self._last_indexed and now <= self._last_indexed:
            now = self._last_indexed + timedelta(milliseconds=1)
        self._last_indexed = now
        return now

    def _notify_brand(self, entry: Entry) -> None:
        record = entry["value"]
        reason, subject = None, None
        reply = record.get("reply")
        if reply:
            parent, root = reply["parent"]["uri"], reply["root"]["uri"]
            if self.brand_did in (_author_of(parent), _author_of(root)):
                reason, subject = "reply", parent
        if reason is None and any(
            feature.get("did") == self.brand_did
            for facet in record.get("facets", [])
            for feature in facet["features"]
        ):
            reason = "mention"
        embed = record.get("embed") or {}
        if reason is None and _author_of(embed.get("record", {}).get("uri", "")) == self.brand_did:
            reason, subject = "quote", embed["record"]["uri"]
        if reason is None:
            return
        self.notifications.append(
            {"uri": entry["uri"], "reason": reason, "reasonSubject": subject, "entry": entry}
        )

    # -- chat ------------------------------------------------------------------------------
    def convo_between(self, members: list[str]) -> dict[str, Any]:
        key = ",".join(sorted(set(members)))
        with self.lock:
            convo = self.convos.get(key)
            if convo is None:
                convo = {
                    "id": hashlib.sha256(key.encode()).hexdigest()[:16],
                    "members": sorted(set(members)),
                    "messages": [],
                }
                self.convos[key] = convo
            return convo

    def add_message(self, convo: dict[str, Any], sender: str, text: str, facets: Any) -> Any:
        with self.lock:
            self._message_sequence += 1
            message = {
                "id": f"msg{self._message_sequence:08d}",
                "rev": encode_tid(int(self.clock().timestamp() * 1_000_000), 1),
                "text": text,
                "sender": sender,
                "sentAt": self.clock(),
            }
            if facets:
                message["facets"] = facets
            convo["messages"].append(message)
            return message

    # -- reading back what the brand did (tests and the demo) --------------------------------
    def brand_posts(self) -> list[Entry]:
        with self.lock:
            mine = [dict(e) for (c, _), e in self.repos[self.brand_did].items() if c == POST]
            return sorted(mine, key=lambda e: e["indexedAt"])

    def brand_messages(self) -> list[dict[str, Any]]:
        """Every chat message the brand sent, with the other member's handle."""
        with self.lock:
            sent = []
            for convo in self.convos.values():
                others = [self.actors[d]["handle"] for d in convo["members"] if d != self.brand_did]
                for message in convo["messages"]:
                    if message["sender"] == self.brand_did:
                        sent.append({**message, "to": others})
            return sorted(sent, key=lambda m: m["sentAt"])


def _author_of(uri: str) -> str:
    return uri.removeprefix("at://").split("/")[0]
