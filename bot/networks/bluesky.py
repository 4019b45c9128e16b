"""Bluesky through the atproto package: mentions, replies and quotes from notifications,
public replies as post records, private replies through Bluesky's chat service.

A public reply is a record the brand writes to its own repository with a record key
derived from the draft, so a retried create cannot make a second post and an interrupted
one is found by reading that key back. Chat has no such key: a lost answer is settled by
reading the conversation.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, ClassVar, TypeVar

import httpx
import regex
from atproto import Client
from atproto_client.exceptions import (
    BadRequestError,
    InvokeTimeoutError,
    LoginRequiredError,
    ModelError,
    RateLimitExceededError,
    RequestErrorBase,
    RequestException,
    UnauthorizedError,
)
from atproto_client.exceptions import NetworkError as AtprotoNetworkError
from atproto_client.models.common import XrpcError
from atproto_client.request import Request

from bot.i18n import _
from bot.networks.base import (
    TEXT_FIELD,
    Author,
    FetchedPost,
    NetworkError,
    NetworkUnavailable,
    Outgoing,
    Page,
    ProgressCallback,
    RateLimited,
    ReplyContext,
    SentReply,
    Stream,
)
from bot.networks.text_units import grapheme_count, utf8_span
from bot.settings_reader import EnvReader
from storage.enums import Visibility

NAME = "bluesky"
DEFAULT_SERVICE_URL = "https://bsky.social"
CREDENTIAL_VARIABLES = "BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (and BLUESKY_SERVICE_URL)"
POST_COLLECTION = "app.bsky.feed.post"
# What addresses the brand; likes, reposts and follows are not conversations.
REASONS = ("mention", "reply", "quote")
PAGE_LIMIT = 100
PROFILES_PER_CALL = 25
MAX_POST_GRAPHEMES = 300
MAX_POST_BYTES = 3000
MAX_MESSAGE_GRAPHEMES = 1000
MAX_MESSAGE_BYTES = 10_000
MESSAGE_PAGE_LIMIT = 100
# At most this many same-instant notifications are remembered in the checkpoint (it is
# stored in 64 characters); more are fetched again and dropped as already stored.
MARK_HASHES = 3
CLOCK_MARGIN = timedelta(minutes=2)
DEFAULT_RATE_LIMIT_WINDOW = timedelta(minutes=5)
# Tokens the service no longer accepts: log in again (once) instead of failing.
STALE_SESSION_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})
# Seconds to wait for the service. Calls are small JSON requests (a page of 100
# notifications at most); 20 s without an answer means Bluesky is having trouble.
TIMEOUT = 20.0
# TIDs: 13 characters of this alphabet encoding microseconds since 1970 and a clock id.
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"

UNREACHABLE = "could not reach Bluesky (no answer or the connection dropped); will try again"

T = TypeVar("T")


@dataclass(frozen=True)
class BlueskySettings:
    """`BLUESKY_SERVICE_URL`, `BLUESKY_HANDLE` and `BLUESKY_APP_PASSWORD`."""

    name: ClassVar[str] = NAME
    service_url: str
    handle: str
    app_password: str

    def connect(self) -> BlueskyNetwork:
        return connect(self, TIMEOUT)


def read_settings(reader: EnvReader) -> BlueskySettings | None:
    """The Bluesky block, or None when none of its variables is set."""
    names = ("BLUESKY_SERVICE_URL", "BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD")
    if all(reader.raw(name) is None for name in names):
        return None
    service_url = reader.url("BLUESKY_SERVICE_URL") or DEFAULT_SERVICE_URL
    handle = reader.required(
        "BLUESKY_HANDLE", "the brand's Bluesky handle, e.g. yourbrand.bsky.social"
    )
    password = reader.required(
        "BLUESKY_APP_PASSWORD",
        "an app password of the brand's account (Settings → Privacy and security → App "
        "passwords; allow access to direct messages to answer privately)",
    )
    return BlueskySettings(service_url.rstrip("/"), handle.lstrip("@"), password)


def connect(block: BlueskySettings, timeout: float) -> BlueskyNetwork:
    """A ready `BlueskyNetwork`; it logs in on first use, not here."""
    client = Client(base_url=block.service_url, request=Request(timeout=timeout))
    return BlueskyNetwork(client, block.handle, block.app_password)


@dataclass(frozen=True)
class SeenMark:
    """The notifications checkpoint: the newest `indexedAt` taken, and hashes of the
    notifications taken at exactly that instant (so they are not taken twice)."""

    seen_at: datetime
    hashes: frozenset[str]

    @classmethod
    def of(cls, taken: Iterable[tuple[str, str]]) -> SeenMark | None:
        stamped = [(uri, _at(indexed)) for uri, indexed in taken]
        if not stamped:
            return None
        newest = max(moment for _, moment in stamped)
        hashes = sorted(_short_hash(uri) for uri, moment in stamped if moment == newest)
        return cls(newest, frozenset(hashes[:MARK_HASHES]))

    @classmethod
    def parse(cls, text: str) -> SeenMark | None:
        stamp, _, hashes = text.partition(" ")
        moment = _parse_time(stamp)
        if moment is None:
            return None
        return cls(moment, frozenset(h for h in hashes.split(",") if h))

    def render(self) -> str:
        return f"{_iso(self.seen_at)} {','.join(sorted(self.hashes))}".rstrip()

    def covers(self, uri: str, indexed_at: str) -> bool:
        return _at(indexed_at) == self.seen_at and _short_hash(uri) in self.hashes


class BlueskyNetwork:
    """The `Network` interface for one Bluesky account, over an `atproto.Client`."""

    name = NAME
    label = "Bluesky"
    icon = "🦋"
    can_reply_publicly = True
    can_send_private = True

    def __init__(self, client: Client, handle: str, app_password: str):
        self.client = client
        self._handle = handle
        self._password = app_password
        self._chat: Client | None = None
        self._brand: Author | None = None
        self._logged_in = False
        self._login_lock = threading.Lock()

    # -- session ---------------------------------------------------------------------------
    def _login(self) -> None:
        """createSession, once: it is limited to 30 per 5 minutes per account. After it the
        client renews its tokens with refreshSession by itself."""
        with self._login_lock:
            if self._logged_in:
                return
            self._translate(
                lambda: self.client.login(self._handle, self._password, fetch_bsky_profile=False)
            )
            self._logged_in = True

    def _call(self, method: Callable[[], T]) -> T:
        """Call with a session, logging in again once if the service forgot ours."""
        self._login()
        try:
            return self._translate(method)
        except _StaleSession:
            with self._login_lock:
                self._logged_in = False
            self._login()
            return self._translate(method)

    @property
    def did(self) -> str:
        self._login()
        session = self.client._session  # set by login(); atproto has no public getter
        if session is None:
            raise NetworkError("Bluesky login did not start a session", retryable=False)
        return str(session.did)

    def _chat_client(self) -> Client:
        """The same session with `atproto-proxy: did:web:api.bsky.chat#bsky_chat`."""
        if self._chat is None:
            self._chat = self.client.with_bsky_chat_proxy()
        return self._chat

    # -- identity --------------------------------------------------------------------------
    def whoami(self) -> Author:
        if self._brand is None:
            did = self.did
            profile = self._call(lambda: self.client.app.bsky.actor.get_profile({"actor": did}))
            self._brand = _author(profile)
        return self._brand

    def streams(self) -> list[Stream]:
        return [Stream("notifications", self.fetch_notifications)]

    def reply_window(self, context: ReplyContext) -> str | None:
        return None  # no messaging windows on this network

    def reply_note(self, post_meta: Mapping[str, Any], visibility: str) -> str | None:
        return None  # a reply lands where the agent expects

    def private_message_link(self) -> str | None:
        # Chats start from the profile's Message button.
        brand = self._brand
        return f"https://bsky.app/profile/{brand.handle}" if brand else None

    # -- reading ---------------------------------------------------------------------------
    def fetch_notifications(
        self,
        cursor: str | None,
        start_time: datetime | None,
        progress: ProgressCallback | None = None,
    ) -> Page:
        """Mentions, replies and quotes indexed since the checkpoint.

        Bluesky lists notifications newest first and its cursor only pages back in time, so
        the checkpoint is a seen-at mark: the `indexedAt` of the newest notification taken
        and short hashes of the ones at that very instant. A poll walks back to the mark.
        All or nothing, like every stream.
        """
        brand = self.whoami()
        mark = SeenMark.parse(cursor) if cursor else None
        lower = mark.seen_at if mark else start_time
        taken: list[Any] = []
        for notification in self._notifications_back_to(lower, progress):
            if (
                notification.reason in REASONS
                and notification.author.did != brand.external_id
                and not (mark and mark.covers(notification.uri, notification.indexed_at))
            ):
                taken.append(notification)
        followers = self._followers({n.author.did for n in taken})
        # Oldest first: the service's order (newest first) reversed, then by the posts' times.
        posts = [self._post(n, followers) for n in reversed(taken)]
        posts.sort(key=lambda p: p.created_at)
        new_mark = SeenMark.of((n.uri, n.indexed_at) for n in taken)
        return Page(posts, new_mark.render() if new_mark else None, None)

    def _notifications_back_to(
        self, lower: datetime | None, progress: ProgressCallback | None
    ) -> Iterator[Any]:
        server_cursor: str | None = None
        while True:
            params: dict[str, Any] = {"reasons": list(REASONS), "limit": PAGE_LIMIT}
            if server_cursor:
                params["cursor"] = server_cursor
            page = self._call(partial(self.client.app.bsky.notification.list_notifications, params))
            kept = [n for n in page.notifications if lower is None or _at(n.indexed_at) >= lower]
            if progress and kept:
                progress(len(kept))
            yield from kept
            server_cursor = page.cursor
            if lower is None or len(kept) < len(page.notifications) or not server_cursor:
                return

    def _followers(self, dids: set[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        ordered = sorted(dids)
        for start in range(0, len(ordered), PROFILES_PER_CALL):
            batch = ordered[start : start + PROFILES_PER_CALL]
            found = self._call(partial(self.client.app.bsky.actor.get_profiles, {"actors": batch}))
            counts.update({p.did: int(p.followers_count or 0) for p in found.profiles})
        return counts

    def _post(self, notification: Any, followers: Mapping[str, int]) -> FetchedPost:
        record = notification.record
        author = notification.author
        uri, cid = str(notification.uri), str(notification.cid)
        reply = getattr(record, "reply", None)
        root_uri = str(reply.root.uri) if reply else uri
        root_cid = str(reply.root.cid) if reply else cid
        langs = getattr(record, "langs", None) or []
        indexed = _at(notification.indexed_at)
        written = _parse_time(getattr(record, "created_at", None)) or indexed
        handle = str(author.handle)
        return FetchedPost(
            network=NAME,
            external_id=uri,
            author=Author(
                external_id=str(author.did),
                handle=handle,
                name=str(author.display_name or handle),
                followers=followers.get(author.did, 0),
            ),
            text=str(getattr(record, "text", "") or ""),
            # The client declares createdAt; never later than the service saw the post.
            created_at=min(written, indexed),
            url=post_url(handle, uri),
            lang=langs[0] if langs else None,
            conversation_id=root_uri,
            in_reply_to_id=str(reply.parent.uri) if reply else None,
            source="mention",
            meta={
                "uri": uri,
                "cid": cid,
                "root_uri": root_uri,
                "root_cid": root_cid,
                "reason": str(notification.reason),
                "language": langs[0] if langs else None,
            },
        )

    # -- checking a reply before it is sent -------------------------------------------------
    def reply_problems(self, text: str, visibility: str, context: ReplyContext) -> dict[str, str]:
        if not text.strip():
            return {TEXT_FIELD: _("Bluesky does not send an empty reply: write the reply.")}
        count = grapheme_count(text)
        if visibility == Visibility.PRIVATE:
            if count > MAX_MESSAGE_GRAPHEMES or len(text.encode("utf-8")) > MAX_MESSAGE_BYTES:
                return {
                    TEXT_FIELD: _(
                        "A Bluesky chat message holds {limit} characters (and {bytes} bytes); "
                        "this one has {count}."
                    ).format(limit=MAX_MESSAGE_GRAPHEMES, bytes=MAX_MESSAGE_BYTES, count=count)
                }
            return {}
        if count > MAX_POST_GRAPHEMES:
            return {
                TEXT_FIELD: _(
                    "A Bluesky post holds {limit} characters (an emoji counts as one); this "
                    "reply has {count}."
                ).format(limit=MAX_POST_GRAPHEMES, count=count)
            }
        size = len(text.encode("utf-8"))
        if size > MAX_POST_BYTES:
            return {
                TEXT_FIELD: _(
                    "This reply is too long for a Bluesky post: it takes {size} bytes of at "
                    "most {limit} (emoji and accented letters take several)."
                ).format(size=size, limit=MAX_POST_BYTES)
            }
        return {}

    def reply_hint(self) -> str:
        return _(
            "A Bluesky post holds {limit} characters (an emoji counts as one); @handle in the "
            "text becomes a link to that person. A private reply is a chat message of up to "
            "{chat_limit} characters, if the customer accepts messages from the brand."
        ).format(limit=MAX_POST_GRAPHEMES, chat_limit=MAX_MESSAGE_GRAPHEMES)

    def draft_prefill(self, customer_handle: str, visibility: str) -> str:
        """A public reply starts with the customer's @handle, which `send` turns into a
        mention facet (`mention_facets` finds exactly this spelling); a chat message goes
        to them alone and needs none."""
        return f"@{customer_handle} " if visibility == Visibility.PUBLIC else ""

    # -- writing ---------------------------------------------------------------------------
    def send(self, outgoing: Outgoing) -> SentReply:
        if outgoing.visibility == Visibility.PRIVATE:
            return self._send_message(outgoing)
        return self._send_post(outgoing)

    def _send_post(self, outgoing: Outgoing) -> SentReply:
        target = outgoing.target
        brand = self.whoami()
        refs = self._reply_refs(target.post_id, target.post_meta)
        record: dict[str, Any] = {
            "$type": POST_COLLECTION,
            "text": outgoing.text,
            "createdAt": _iso(datetime.now(UTC)),
            "reply": refs,
        }
        language = target.post_meta.get("language")
        if isinstance(language, str) and language:
            record["langs"] = [language]
        facets = mention_facets(outgoing.text, target.customer_handle, target.customer_id)
        facets += link_facets(outgoing.text)
        if facets:
            record["facets"] = sorted(facets, key=lambda f: f["index"]["byteStart"])
        rkey = record_key(outgoing.key, target.post_created_at)
        data = {"repo": brand.external_id, "collection": POST_COLLECTION, "rkey": rkey}
        try:
            created = self._call(
                lambda: self.client.com.atproto.repo.create_record({**data, "record": record})
            )
        except RateLimited:
            raise
        except NetworkError as failure:
            # A create at a key that exists fails; so may one whose answer was lost.
            # Either way the key tells whether this draft is already posted.
            try:
                existing = self._own_post(rkey)
            except NetworkError:
                raise failure from None
            if existing is None:
                raise
            return existing
        return SentReply(str(created.uri), post_url(brand.handle, str(created.uri)))

    def _reply_refs(self, post_uri: str, meta: Mapping[str, Any]) -> dict[str, Any]:
        """reply.root and reply.parent strong refs; read from the service if not stored."""
        cid, root_uri, root_cid = meta.get("cid"), meta.get("root_uri"), meta.get("root_cid")
        if not (cid and root_uri and root_cid):
            did, collection, rkey = _split_uri(post_uri)
            found = self._call(
                lambda: self.client.com.atproto.repo.get_record(
                    {"repo": did, "collection": collection, "rkey": rkey}
                )
            )
            cid = str(found.cid)
            reply = getattr(found.value, "reply", None)
            root_uri = str(reply.root.uri) if reply else post_uri
            root_cid = str(reply.root.cid) if reply else cid
        return {
            "root": {"uri": root_uri, "cid": root_cid},
            "parent": {"uri": post_uri, "cid": cid},
        }

    def _own_post(self, rkey: str) -> SentReply | None:
        brand = self.whoami()
        try:
            found = self._call(
                lambda: self.client.com.atproto.repo.get_record(
                    {"repo": brand.external_id, "collection": POST_COLLECTION, "rkey": rkey}
                )
            )
        except _Refused as refused:
            if refused.error == "RecordNotFound":
                return None
            raise
        return SentReply(str(found.uri), post_url(brand.handle, str(found.uri)))

    def _send_message(self, outgoing: Outgoing) -> SentReply:
        convo_id = self._convo_with(outgoing.target.customer_id, outgoing.target.customer_handle)
        message: dict[str, Any] = {"text": outgoing.text}
        facets = link_facets(outgoing.text)
        if facets:
            message["facets"] = facets
        chat = self._chat_client()
        sent = self._call(
            lambda: chat.chat.bsky.convo.send_message({"convoId": convo_id, "message": message})
        )
        return SentReply(str(sent.id), conversation_url(convo_id))

    def _convo_with(self, customer_did: str, handle: str) -> str:
        chat = self._chat_client()
        try:
            found = self._call(
                lambda: chat.chat.bsky.convo.get_convo_for_members({"members": [customer_did]})
            )
        except _Refused as refused:
            raise NetworkError(explain_chat_refusal(refused, handle), retryable=False) from None
        return str(found.convo.id)

    # -- what the brand already sent (to settle interrupted sends) ---------------------------
    def find_sent(self, outgoing: Outgoing, since: datetime) -> SentReply | None:
        if outgoing.visibility == Visibility.PUBLIC:
            return self._own_post(record_key(outgoing.key, outgoing.target.post_created_at))
        convo_id = self._convo_with(outgoing.target.customer_id, outgoing.target.customer_handle)
        chat = self._chat_client()
        brand = self.whoami()
        page = self._call(
            lambda: chat.chat.bsky.convo.get_messages(
                {"convoId": convo_id, "limit": MESSAGE_PAGE_LIMIT}
            )
        )
        for message in page.messages:
            sender = getattr(getattr(message, "sender", None), "did", None)
            sent_at = _parse_time(getattr(message, "sent_at", None))
            if (
                sender == brand.external_id
                and str(getattr(message, "text", "")).strip() == outgoing.text.strip()
                and sent_at is not None
                and sent_at >= since - CLOCK_MARGIN
            ):
                return SentReply(str(message.id), conversation_url(convo_id))
        return None

    # -- errors ----------------------------------------------------------------------------
    def _translate(self, method: Callable[[], T]) -> T:
        """Call atproto, turning its exceptions into plain-words network errors."""
        try:
            return method()
        except RateLimitExceededError as exc:
            until = _reset_time(exc)
            raise RateLimited(
                until, f"Bluesky rate limit reached; paused until {until:%H:%M} UTC"
            ) from exc
        except (InvokeTimeoutError, AtprotoNetworkError) as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status in (409, 413):
                raise _refusal(exc) from exc
            raise NetworkUnavailable(UNREACHABLE) from exc
        except httpx.TransportError as exc:  # e.g. the connection closed without an answer
            raise NetworkUnavailable(UNREACHABLE) from exc
        except UnauthorizedError as exc:
            raise NetworkError(
                f"Bluesky refused the brand's credentials ({_error_name(exc) or 'HTTP 401'}): "
                f"check {CREDENTIAL_VARIABLES}",
                retryable=False,
            ) from exc
        except BadRequestError as exc:
            name = _error_name(exc)
            if name in STALE_SESSION_ERRORS and "scope" in _error_message(exc).lower():
                raise NetworkError(
                    "the app password has no access to direct messages: create one with "
                    "'Allow access to your direct messages' and set BLUESKY_APP_PASSWORD",
                    retryable=False,
                ) from exc
            if name in STALE_SESSION_ERRORS:
                raise _StaleSession(name) from exc
            raise _refusal(exc) from exc
        except RequestException as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status >= 500:
                raise NetworkUnavailable(
                    f"Bluesky is having trouble (HTTP {status}); will try again"
                ) from exc
            raise _refusal(exc) from exc
        except LoginRequiredError as exc:
            raise NetworkError(
                f"Bluesky needs a login: check {CREDENTIAL_VARIABLES}", retryable=False
            ) from exc
        except ModelError as exc:
            raise NetworkError(
                f"Bluesky answered in a shape the atproto client does not understand: {exc}",
                retryable=False,
            ) from exc


class _StaleSession(NetworkError):
    """Our tokens were refused as expired or invalid: worth one new login."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Bluesky no longer accepts our session ({name})", retryable=False)


class _Refused(NetworkError):
    """A refusal with Bluesky's error name kept, for callers that expect some names."""

    def __init__(self, error: str, message: str, status: int) -> None:
        super().__init__(
            f"Bluesky refused the request (HTTP {status}): {error or 'error'}"
            + (f": {message}" if message else ""),
            retryable=False,
        )
        self.error = error
        self.message = message


def _refusal(exc: RequestErrorBase) -> _Refused:
    status = exc.response.status_code if exc.response is not None else 0
    return _Refused(_error_name(exc), _error_message(exc), status)


def explain_chat_refusal(refused: _Refused, handle: str) -> str:
    """Why the brand cannot message this customer, in plain words, with what to do."""
    who = f"@{handle}" if handle else "The customer"
    if refused.error == "MessagesDisabled":
        return f"{who} does not accept direct messages on Bluesky: answer with a public reply."
    if refused.error == "NotFollowedBySender":
        return (
            f"{who} accepts direct messages only from accounts they follow, and they do not "
            "follow the brand: answer with a public reply."
        )
    if refused.error in ("BlockedActor", "BlockedSubject"):
        return f"{who} and the brand block each other on Bluesky: no message can be sent."
    if refused.error in ("RecipientNotFound", "AccountSuspended"):
        return f"{who} can no longer receive messages on Bluesky (the account is gone)."
    return refused.reason


def _error_name(exc: RequestErrorBase) -> str:
    content = exc.response.content if exc.response is not None else None
    return str(content.error) if isinstance(content, XrpcError) else ""


def _error_message(exc: RequestErrorBase) -> str:
    content = exc.response.content if exc.response is not None else None
    return str(content.message or "") if isinstance(content, XrpcError) else ""


def _reset_time(exc: RateLimitExceededError) -> datetime:
    now = datetime.now(UTC)
    reset: datetime | None = exc.reset_at
    if reset and reset > now:
        return reset
    if exc.retry_after:
        return now + timedelta(seconds=exc.retry_after)
    return now + DEFAULT_RATE_LIMIT_WINDOW


# -- records, facets, keys ------------------------------------------------------------------


def mention_facets(text: str, handle: str, did: str) -> list[dict[str, Any]]:
    """A mention facet for each `@handle` in `text`, indexed by UTF-8 byte offsets."""
    if not handle or not did:
        return []
    pattern = regex.compile(
        r"(?<![\w@.])@" + regex.escape(handle.lstrip("@")) + r"(?![\w.-]*\w)", regex.IGNORECASE
    )
    facets = []
    for match in pattern.finditer(text):
        start, end = utf8_span(text, match.start(), match.end())
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": end},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
            }
        )
    return facets


_LINK = regex.compile(r"https?://[^\s<>\"]+?(?=[.,;:!?)\]'\"]*(?:\s|$))", regex.IGNORECASE)


def link_facets(text: str) -> list[dict[str, Any]]:
    """Bluesky shows a link as a link only with a facet saying so."""
    facets = []
    for match in _LINK.finditer(text):
        start, end = utf8_span(text, match.start(), match.end())
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": end},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": match.group()}],
            }
        )
    return facets


def encode_tid(micros: int, clock_id: int) -> str:
    """A TID (timestamp identifier): 64 bits, top bit zero, as 13 base32-sortable letters."""
    value = ((micros & ((1 << 53) - 1)) << 10) | (clock_id & 0x3FF)
    letters = []
    for _letter in range(13):
        letters.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(letters))


def record_key(draft_key: str, answered_at: datetime) -> str:
    """The record key of a draft's reply: the same draft always gets the same key.

    Post keys are TIDs. The time part is that of the post being answered plus up to a
    second chosen by the draft key, and the clock id comes from the key too, so two drafts
    answering the same post get different keys.
    """
    digest = int.from_bytes(hashlib.sha256(draft_key.encode()).digest()[:8], "big")
    micros = int(answered_at.timestamp() * 1_000_000) + digest % 1_000_000
    return encode_tid(micros, digest >> 54)


def post_url(handle: str, uri: str) -> str:
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


def conversation_url(convo_id: str) -> str:
    return f"https://bsky.app/messages/{convo_id}"


def _split_uri(uri: str) -> tuple[str, str, str]:
    did, collection, rkey = uri.removeprefix("at://").split("/", 2)
    return did, collection, rkey


def _author(profile: Any) -> Author:
    handle = str(profile.handle)
    return Author(
        external_id=str(profile.did),
        handle=handle,
        name=str(profile.display_name or handle),
        followers=int(getattr(profile, "followers_count", 0) or 0),
    )


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _at(value: Any) -> datetime:
    """An `indexedAt` the service sent; a missing or broken one counts as the epoch."""
    return _parse_time(value) or datetime.fromtimestamp(0, UTC)


def _short_hash(uri: str) -> str:
    return hashlib.sha256(uri.encode()).hexdigest()[:8]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
