"""Mastodon through Mastodon.py: mentions from notifications, public replies and direct posts.

Mastodon has no separate messaging: a "private" reply is a status with `visibility=direct`,
which only the accounts it mentions can see, so it must mention the customer. Every
instance is its own server with its own limits, read from `/api/v2/instance`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any, ClassVar
from urllib.parse import urlsplit

import regex
import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from bot.i18n import _
from bot.networks.base import (
    TEXT_FIELD,
    VISIBILITY_FIELD,
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
from bot.networks.text_units import mastodon_length
from bot.settings_reader import EnvReader
from storage.enums import Visibility

NAME = "mastodon"
CREDENTIAL_VARIABLES = "MASTODON_ACCESS_TOKEN and MASTODON_BASE_URL"
NOTIFICATIONS_PATH = "/api/v1/notifications"
# Mastodon serves at most 80 notifications a page (since 4.1).
PAGE_LIMIT = 80
STATUS_PAGE_LIMIT = 40
# When /api/v2/instance does not say, Mastodon's own default.
DEFAULT_MAX_CHARACTERS = 500
# Our clock and the instance's may disagree a little: look a bit before a send started.
CLOCK_MARGIN = timedelta(minutes=2)
LOOKUP_PAGES = 5
# Mastodon's rate-limit window is five minutes; wait a whole one when no reset is given.
DEFAULT_RATE_LIMIT_WINDOW = timedelta(minutes=5)
# Thread roots already looked up (status id -> root id), so a busy thread costs one call.
ROOT_CACHE_SIZE = 2000
# Seconds to wait for the server. A poll makes a few calls (a page of 80 notifications and
# thread look-ups); Mastodon answers in well under a second, so 20 s means it is down.
TIMEOUT = 20.0


@dataclass(frozen=True)
class MastodonSettings:
    """`MASTODON_BASE_URL` and `MASTODON_ACCESS_TOKEN`: the brand's account on its server."""

    name: ClassVar[str] = NAME
    base_url: str
    access_token: str

    def connect(self) -> MastodonNetwork:
        return connect(self, TIMEOUT)


def read_settings(reader: EnvReader) -> MastodonSettings | None:
    """The Mastodon block, or None when neither variable is set."""
    if reader.raw("MASTODON_BASE_URL") is None and reader.raw("MASTODON_ACCESS_TOKEN") is None:
        return None
    base_url = reader.required(
        "MASTODON_BASE_URL",
        "the Mastodon server the brand's account is on, e.g. https://mastodon.social",
    )
    if base_url:
        base_url = reader.url("MASTODON_BASE_URL") or ""
    token = reader.required(
        "MASTODON_ACCESS_TOKEN",
        "an access token of the brand's account (Preferences → Development → New application, "
        "scopes read and write)",
    )
    return MastodonSettings(base_url=base_url.rstrip("/"), access_token=token)


def connect(block: MastodonSettings, timeout: float) -> MastodonNetwork:
    """A ready `MastodonNetwork`; nothing is requested until it is used."""
    client = Mastodon(
        api_base_url=block.base_url,
        access_token=block.access_token,
        ratelimit_method="throw",  # never sleep inside a scheduler job
        request_timeout=timeout,
        session=FilteredNotificationsSession(),
    )
    return MastodonNetwork(client)


class FilteredNotificationsSession(requests.Session):
    """Asks for filtered notifications too (`include_filtered=true`).

    Since 4.3 an account's notification policy may hold back mentions from people it does
    not follow, or who are new; a customer is often both. Mastodon.py's `notifications()`
    has no parameter for it, so it is added here, on the session Mastodon.py lets us supply,
    to the first page and to every page followed from its Link headers.
    """

    def request(  # type: ignore[override]
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if method == "GET" and urlsplit(url).path.rstrip("/").endswith(NOTIFICATIONS_PATH):
            kwargs["params"] = {**(kwargs.get("params") or {}), "include_filtered": "true"}
        return super().request(method, url, *args, **kwargs)


class MastodonNetwork:
    """The `Network` interface for one Mastodon account, over a `mastodon.Mastodon` client."""

    name = NAME
    label = "Mastodon"
    icon = "🐘"
    can_reply_publicly = True
    can_send_private = True

    def __init__(self, client: Mastodon):
        self.client = client
        self._brand: Author | None = None
        self._max_characters = DEFAULT_MAX_CHARACTERS
        self._roots: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    # -- identity and the server's rules ---------------------------------------------------
    def whoami(self) -> Author:
        """The brand's account behind the token, and the server's status length (cached)."""
        if self._brand is None:
            account = self._call(self.client.account_verify_credentials)
            self._max_characters = self._read_max_characters()
            self._brand = _author(account)
        return self._brand

    @property
    def max_characters(self) -> int:
        """The server's limit for a status (known after `whoami()`; 500 until then)."""
        return self._max_characters

    def _read_max_characters(self) -> int:
        try:
            instance = self._call(self.client.instance_v2)
            limit = instance["configuration"]["statuses"]["max_characters"]
        except (NetworkError, KeyError, TypeError):
            return DEFAULT_MAX_CHARACTERS
        return int(limit) if isinstance(limit, int) and limit > 0 else DEFAULT_MAX_CHARACTERS

    def streams(self) -> list[Stream]:
        return [Stream("mentions", self.fetch_mentions)]

    # -- reading ---------------------------------------------------------------------------
    def fetch_mentions(
        self,
        cursor: str | None,
        start_time: datetime | None,
        progress: ProgressCallback | None = None,
    ) -> Page:
        """Mentions newer than `cursor` (a notification id), or since `start_time` at first.

        All or nothing: an error on a later page raises, so the checkpoint never moves past
        a mention we did not see.
        """
        brand = self.whoami()
        notifications = (
            list(self._newer_than(cursor, progress))
            if cursor
            else list(self._since(start_time, progress))
        )
        newest = max((n["id"] for n in notifications), key=_id_order, default=None)
        posts = [
            self._post(n["status"])
            for n in notifications
            if n.get("status") and str(n["status"]["account"]["id"]) != brand.external_id
        ]
        posts.sort(key=lambda p: (p.created_at, _id_order(p.external_id)))
        return Page(posts, str(newest) if newest is not None else None, self._exhausted_until())

    def _newer_than(self, cursor: str, progress: ProgressCallback | None) -> Iterator[Any]:
        """Follow `rel="prev"` links from `min_id=cursor` until a page comes back empty."""
        page = self._call(
            self.client.notifications, types=["mention"], min_id=cursor, limit=PAGE_LIMIT
        )
        while page:
            if progress:
                progress(len(page))
            yield from page
            following = self.client.get_pagination_info(page, "previous")
            if following is None:
                return
            page = self._call(self.client.fetch_previous, following)

    def _since(
        self, start_time: datetime | None, progress: ProgressCallback | None
    ) -> Iterator[Any]:
        """First start: newest first, back to `start_time` (only the newest page without one)."""
        page = self._call(self.client.notifications, types=["mention"], limit=PAGE_LIMIT)
        while page:
            kept = [n for n in page if start_time is None or _aware(n["created_at"]) >= start_time]
            if progress and kept:
                progress(len(kept))
            yield from kept
            if start_time is None or len(kept) < len(page):
                return
            older = self.client.get_pagination_info(page, "next")
            if older is None:
                return
            page = self._call(self.client.fetch_next, older)

    def _post(self, status: Any) -> FetchedPost:
        account = status["account"]
        author = _author(account)
        status_id = str(status["id"])
        parent = str(status["in_reply_to_id"]) if status.get("in_reply_to_id") else None
        visibility = str(status.get("visibility") or "public")
        return FetchedPost(
            network=NAME,
            external_id=status_id,
            author=author,
            text=plain_text(status.get("content") or ""),
            created_at=_aware(status["created_at"]),
            url=str(status.get("url") or status.get("uri") or ""),
            lang=status.get("language"),
            conversation_id=self._thread_root(status_id, parent),
            in_reply_to_id=parent,
            source="mention",
            # A public answer to a private mention would publish what the customer said
            # privately: those are answered with a direct status.
            publicly_replyable=visibility in ("public", "unlisted"),
            meta={"visibility": visibility, "language": status.get("language")},
        )

    def _thread_root(self, status_id: str, parent: str | None) -> str:
        """The id of the first status of the thread: the conversation a case follows."""
        if parent is None:
            return status_id
        with self._lock:
            known = self._roots.get(parent)
        if known is None:
            try:
                context = self._call(self.client.status_context, status_id)
                ancestors = context["ancestors"]
                known = str(ancestors[0]["id"]) if ancestors else parent
            except NetworkError as exc:
                if isinstance(exc, RateLimited):
                    raise
                known = parent  # the thread above is gone or hidden: join by the parent
        with self._lock:
            self._roots[status_id] = known
            self._roots[parent] = known
            while len(self._roots) > ROOT_CACHE_SIZE:
                self._roots.popitem(last=False)
        return known

    def _exhausted_until(self) -> datetime | None:
        """The reset time when the last response said no requests are left."""
        reset = self.client.ratelimit_reset
        if self.client.ratelimit_remaining <= 0 and reset:
            until = datetime.fromtimestamp(float(reset), UTC)
            if until > datetime.now(UTC):
                return until
        return None

    # -- checking a reply before it is sent -------------------------------------------------
    def reply_problems(self, text: str, visibility: str, context: ReplyContext) -> dict[str, str]:
        problems: dict[str, str] = {}
        length = mastodon_length(text)
        if not text.strip():
            problems[TEXT_FIELD] = _("Mastodon does not post an empty status: write the reply.")
        elif length > self._max_characters:
            problems[TEXT_FIELD] = _(
                "This Mastodon server allows {limit} characters and this reply counts {length} "
                "(each link counts as 23, @user@server as @user)."
            ).format(limit=self._max_characters, length=length)
        if visibility == Visibility.PRIVATE:
            handle = context.target.customer_handle
            if not starts_with_mention(text, handle):
                problems[TEXT_FIELD] = _(
                    "A private reply on Mastodon reaches only the people it mentions: start it "
                    "with @{handle}."
                ).format(handle=handle)
        elif not context.publicly_replyable:
            problems[VISIBILITY_FIELD] = _(
                "The customer wrote to the brand privately (a direct mention): answer "
                "privately, or the reply would show their question in public."
            )
        return problems

    def reply_hint(self) -> str:
        return _(
            "This Mastodon server allows {limit} characters (a link counts 23, @user@server "
            "counts as @user). A private reply is a direct post, which only the accounts it "
            "mentions can see: it must start with the customer's @handle, or it reaches no one."
        ).format(limit=self._max_characters)

    def draft_prefill(self, customer_handle: str, visibility: str) -> str:
        """Both kinds start with the customer's full @handle (user@server for remote
        accounts): a public reply addresses them, and a direct one reaches only the
        accounts it mentions."""
        return f"@{customer_handle} "

    def reply_window(self, context: ReplyContext) -> str | None:
        return None  # no messaging windows on this network

    def reply_note(self, post_meta: Mapping[str, Any], visibility: str) -> str | None:
        return None  # a reply lands where the agent expects

    def private_message_link(self) -> str | None:
        # Mastodon has no inbox link: people write privately by mentioning the account.
        return None

    # -- writing ---------------------------------------------------------------------------
    def send(self, outgoing: Outgoing) -> SentReply:
        """Post the reply; a retry with the same draft key within an hour is a no-op on the
        server (Idempotency-Key), after that `find_sent` settles it."""
        target = outgoing.target
        language = target.post_meta.get("language")
        status = self._call(
            self.client.status_post,
            outgoing.text,
            in_reply_to_id=target.post_id,
            visibility="direct" if outgoing.visibility == Visibility.PRIVATE else "public",
            language=language if isinstance(language, str) and language else None,
            idempotency_key=idempotency_key(outgoing.key),
        )
        return SentReply(str(status["id"]), str(status.get("url") or status["uri"]))

    def find_sent(self, outgoing: Outgoing, since: datetime) -> SentReply | None:
        """The brand's status answering the same post with the same text, posted since `since`.

        Read from the brand's own statuses, which include its direct ones for the author
        (Mastodon's AccountStatusesFilter gives the owner every visibility).
        """
        brand = self.whoami()
        direct = outgoing.visibility == Visibility.PRIVATE
        for status in self._own_statuses(brand.external_id, since - CLOCK_MARGIN):
            if (
                str(status.get("in_reply_to_id")) == outgoing.target.post_id
                and (status.get("visibility") == "direct") == direct
                and same_text(plain_text(status.get("content") or ""), outgoing.text)
            ):
                return SentReply(str(status["id"]), str(status.get("url") or status["uri"]))
        return None

    def _own_statuses(self, account_id: str, oldest: datetime) -> Iterator[Any]:
        page = self._call(self.client.account_statuses, account_id, limit=STATUS_PAGE_LIMIT)
        for _page in range(LOOKUP_PAGES):
            if not page:
                return
            for status in page:
                if _aware(status["created_at"]) < oldest:
                    return
                yield status
            older = self.client.get_pagination_info(page, "next")
            if older is None:
                return
            page = self._call(self.client.fetch_next, older)

    # -- errors ----------------------------------------------------------------------------
    def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        """Call Mastodon.py, turning its exceptions into plain-words network errors."""
        try:
            return method(*args, **kwargs)
        except MastodonRatelimitError as exc:
            until = self._reset_or_default()
            raise RateLimited(
                until, f"Mastodon rate limit reached; paused until {until:%H:%M} UTC"
            ) from exc
        except MastodonNetworkError as exc:
            raise NetworkUnavailable(
                "could not reach the Mastodon server (no answer or the connection dropped); "
                "will try again"
            ) from exc
        except MastodonServerError as exc:
            raise NetworkUnavailable(
                f"the Mastodon server is having trouble (HTTP {_status(exc)}); will try again"
            ) from exc
        except MastodonUnauthorizedError as exc:
            raise NetworkError(
                f"Mastodon rejected the access token (401): check {CREDENTIAL_VARIABLES}",
                retryable=False,
            ) from exc
        except MastodonNotFoundError as exc:
            raise NetworkError(
                "Mastodon says the post no longer exists (404): it may have been deleted",
                retryable=False,
            ) from exc
        except MastodonAPIError as exc:
            raise NetworkError(explain_refusal(exc), retryable=False) from exc
        except MastodonError as exc:
            raise NetworkError(f"Mastodon.py failed: {exc}", retryable=False) from exc

    def _reset_or_default(self) -> datetime:
        reset = self.client.ratelimit_reset
        now = datetime.now(UTC)
        if reset:
            until = datetime.fromtimestamp(float(reset), UTC)
            if until > now:
                return until
        return now + DEFAULT_RATE_LIMIT_WINDOW


def explain_refusal(exc: MastodonAPIError) -> str:
    """Mastodon's refusal in plain words for a support agent."""
    status = _status(exc)
    detail = str(exc.args[3]) if len(exc.args) > 3 and exc.args[3] else ""
    if status == 403:
        return (
            f"Mastodon refused the request (403): the access token may lack the read or write "
            f"scope; check {CREDENTIAL_VARIABLES}"
        )
    if status == 422:
        return f"Mastodon refused the status: {detail or 'it did not pass validation'}"
    return f"Mastodon refused the request (HTTP {status}): {detail}".rstrip(": ")


def idempotency_key(draft_key: str) -> str:
    """The Idempotency-Key for a draft: the same draft is posted at most once per hour."""
    return f"carethread:{draft_key}"


_MENTION_AT_START = regex.compile(r"^\s*@(?P<acct>[\w.-]+(?:@[\w.-]+)?)", regex.IGNORECASE)


def starts_with_mention(text: str, handle: str) -> bool:
    """Whether `text` opens by mentioning `handle` (`user` or `user@server`)."""
    match = _MENTION_AT_START.match(text)
    if not match or not handle:
        return False
    written, wanted = match.group("acct").lower(), handle.lower().lstrip("@")
    # `@user` means the account on the brand's own server: it reaches a remote customer
    # only when written with their server. A local customer may be written either way.
    return written == wanted or ("@" not in wanted and written.split("@")[0] == wanted)


def same_text(found: str, sent: str) -> bool:
    """Whether a posted status says what we sent, ignoring mentions and spacing.

    Mastodon renders a remote mention as `@user` in the HTML, so mentions are left out.
    """
    return _comparable(found) == _comparable(sent)


_ANY_MENTION = regex.compile(r"(?<![\w/=])@[\w.-]+(?:@[\w.-]+)?")


def _comparable(text: str) -> str:
    return " ".join(_ANY_MENTION.sub(" ", text).split())


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._paragraphs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p":
            if self._paragraphs:
                self.parts.append("\n\n")
            self._paragraphs += 1

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(content: str) -> str:
    """A status's HTML `content` as the text its author wrote (links spelled out in full)."""
    extractor = _TextExtractor()
    extractor.feed(content)
    extractor.close()
    return "".join(extractor.parts).strip()


def _author(account: Mapping[str, Any]) -> Author:
    return Author(
        external_id=str(account["id"]),
        handle=str(account["acct"]),
        name=str(account.get("display_name") or account.get("username") or account["acct"]),
        followers=int(account.get("followers_count") or 0),
    )


def _aware(moment: Any) -> datetime:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if not isinstance(moment, datetime):
        raise NetworkError(f"Mastodon sent an unreadable time: {moment!r}", retryable=False)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _id_order(value: Any) -> tuple[int, str]:
    # Mastodon ids are strings holding integers: a longer one is a larger one.
    text = str(value)
    return len(text), text


def _status(exc: MastodonError) -> int:
    return int(exc.args[1]) if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
