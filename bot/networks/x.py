"""X (Twitter) through the real tweepy client: mentions, keyword search, replies and DMs.

Everything X-specific lives here: its settings, how it counts a reply's length (280
weighted characters), whom it lets the brand answer publicly, its DM link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import tweepy
from twitter_text import parse_tweet

from bot.i18n import N_, _
from bot.networks.accounts import AccountReader, each_account
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
from bot.networks.x_transport import XTransport, install_transport
from storage.enums import Visibility

TWEET_FIELDS = [
    "author_id",
    "conversation_id",
    "created_at",
    "in_reply_to_user_id",
    "lang",
    "note_tweet",
    "public_metrics",
    "referenced_tweets",
]
USER_FIELDS = ["name", "username", "public_metrics", "verified", "verified_type"]
PAGE_SIZE = 100
# Our clock and X's may disagree a little: look a bit before a send started.
CLOCK_MARGIN = timedelta(minutes=2)
LOOKUP_PAGES = 5
# When X gives no reset time with a 429, wait a whole rate-limit window.
DEFAULT_RATE_LIMIT_WINDOW = timedelta(minutes=15)


MAX_PUBLIC_WEIGHT = 280  # X's weighted length: URLs 23, emoji and CJK 2
MAX_PRIVATE_LENGTH = 10_000
DM_LINK = "https://x.com/messages/compose?recipient_id={brand_user_id}"
NOT_MENTIONED = N_(
    "X does not allow a public reply to this post: its author did not mention the brand "
    "(it was found by keyword search)."
)
X_VARIABLES = "X_BEARER_TOKEN, X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET"
NAME = "x"
# Read per brand account (bot/networks/accounts.py): the account's own, and the X app's
# keys and base URL, which accounts of the same app share.
OWN_KEYS = ("ACCESS_TOKEN", "ACCESS_TOKEN_SECRET", "SEARCH_QUERY")
SHARED_KEYS = ("BEARER_TOKEN", "API_KEY", "API_SECRET", "API_BASE_URL")


@dataclass(frozen=True)
class XSettings:
    """The X block of one brand account: app keys plus the account's access token."""

    bearer_token: str
    api_key: str
    api_secret: str
    access_token: str
    access_token_secret: str
    api_base_url: str | None = None
    search_query: str | None = None
    # The account's registry name: "x", or "x:ar" for an account listed in X_ACCOUNTS.
    name: str = NAME
    # The variables its credentials come from, named when X refuses them.
    credentials: str = X_VARIABLES

    def connect(self) -> XNetwork:
        return connect_x(self)


def read_account(account: AccountReader) -> XSettings | None:
    """One brand account's X block, or None when the first account is not configured.

    Alone, any X variable switches X on and all five credentials are required, as always.
    With X_ACCOUNTS set, the unsuffixed app keys may serve only the listed accounts.
    """
    r = account
    if r.is_first and not (r.any_set(*OWN_KEYS) or (not r.several and r.any_set(*SHARED_KEYS))):
        return None
    # Named when X refuses the credentials: the variables this account really reads.
    variables = [r.name_of(k, shared=True) for k in SHARED_KEYS[:3]]
    variables += [r.name_of(k) for k in OWN_KEYS[:2]]
    return XSettings(
        bearer_token=r.required("BEARER_TOKEN", "the X app's bearer token", shared=True),
        api_key=r.required("API_KEY", "the X app's API key (consumer key)", shared=True),
        api_secret=r.required("API_SECRET", "the X app's API key secret", shared=True),
        access_token=r.required("ACCESS_TOKEN", "the brand account's access token"),
        access_token_secret=r.required(
            "ACCESS_TOKEN_SECRET", "the brand account's access token secret"
        ),
        api_base_url=(r.url("API_BASE_URL", shared=True) or "").rstrip("/") or None,
        search_query=r.raw("SEARCH_QUERY"),
        name=r.account.name,
        credentials=", ".join(variables[:-1]) + " and " + variables[-1],
    )


# The registry's reader: the unsuffixed account and each one listed in X_ACCOUNTS.
read_settings = each_account(NAME, "X", read_account)


def post_url(handle: str, post_id: str) -> str:
    return f"https://x.com/{handle}/status/{post_id}"


def dm_link(brand_user_id: str) -> str:
    """The link that opens a private conversation with the brand on X."""
    if not brand_user_id.isdigit():
        raise ValueError(f"the brand's X id must be numeric, got {brand_user_id!r}")
    return DM_LINK.format(brand_user_id=brand_user_id)


def reply_problems(text: str, visibility: str, publicly_replyable: bool) -> dict[str, str]:
    """What X would refuse about a reply, keyed by the draft modal's field. Pure."""
    errors: dict[str, str] = {}
    if visibility == Visibility.PUBLIC and not publicly_replyable:
        errors[VISIBILITY_FIELD] = _(NOT_MENTIONED)
    if not text.strip():
        return errors
    if visibility == Visibility.PUBLIC:
        weight = parse_tweet(text).weightedLength
        if weight > MAX_PUBLIC_WEIGHT:
            errors[TEXT_FIELD] = _(
                "Too long for a public reply on X: {weight}/{limit} as X counts (links count "
                "23, emoji and CJK characters 2). Shorten it, or send a private message."
            ).format(weight=weight, limit=MAX_PUBLIC_WEIGHT)
    elif len(text) > MAX_PRIVATE_LENGTH:
        errors[TEXT_FIELD] = _(
            "Too long for a private message: {length}/{limit} characters."
        ).format(length=f"{len(text):,}", limit=f"{MAX_PRIVATE_LENGTH:,}")
    return errors


class XNetwork:
    """The `Network` interface for X, over a `tweepy.Client` with our transport mounted."""

    name = NAME
    label = "X"
    icon = "𝕏"
    can_reply_publicly = True
    can_send_private = True

    def __init__(
        self,
        client: tweepy.Client,
        transport: XTransport,
        search_query: str | None = None,
        *,
        name: str = NAME,
        credentials: str = X_VARIABLES,
    ):
        # Each brand account is a network of its own: "x", "x:ar" (bot/networks/accounts.py).
        self.name = name
        self.credentials = credentials
        self.client = client
        self.transport = transport
        self.search_query = search_query
        self._brand: Author | None = None

    # -- what the workflow asks of every network ------------------------------
    def streams(self) -> list[Stream]:
        """The mentions timeline, and keyword search when X_SEARCH_QUERY is set."""
        result = [Stream("mentions", self.fetch_mentions)]
        query = self.search_query
        if query:
            result.append(
                Stream(
                    f"search:{query}",
                    lambda cursor, start, progress: self.fetch_search(
                        query, cursor, start, progress
                    ),
                )
            )
        return result

    def reply_problems(self, text: str, visibility: str, context: ReplyContext) -> dict[str, str]:
        return reply_problems(text, visibility, context.publicly_replyable)

    def reply_hint(self) -> str:
        return _(
            "A public reply may be 280 characters as X counts them (links 23, emoji 2); "
            "a private message up to 10,000."
        )

    def draft_prefill(self, customer_handle: str, visibility: str) -> str:
        # A reply addresses the customer by @handle, as people do on X.
        return f"@{customer_handle} " if visibility == Visibility.PUBLIC else ""

    def private_message_link(self) -> str | None:
        return dm_link(self.whoami().external_id)

    def reply_window(self, context: ReplyContext) -> str | None:
        return None  # X has no answering windows

    def reply_note(self, post_meta: Mapping[str, Any], visibility: str) -> str | None:
        return None  # a reply lands under the post it answers, a message in the DMs

    def send(self, outgoing: Outgoing) -> SentReply:
        if outgoing.visibility == Visibility.PUBLIC:
            return self.reply_publicly(outgoing.target.post_id, outgoing.text)
        return self.send_private(outgoing.target.customer_id, outgoing.text)

    def find_sent(self, outgoing: Outgoing, since: datetime) -> SentReply | None:
        # X has no idempotency key: we look at what the brand really sent.
        if outgoing.visibility == Visibility.PUBLIC:
            return self.find_public_reply(outgoing.target.post_id, outgoing.text, since)
        return self.find_private_message(outgoing.target.customer_id, outgoing.text, since)

    # -- identity ------------------------------------------------------------
    def whoami(self) -> Author:
        """The brand account behind the access token (GET /2/users/me), cached."""
        if self._brand is None:
            response = self._call(self.client.get_me, user_auth=True, user_fields=USER_FIELDS)
            self._brand = _author(response.data)
        return self._brand

    # -- reading -------------------------------------------------------------
    def fetch_mentions(
        self,
        since_id: str | None,
        start_time: datetime | None,
        progress: ProgressCallback | None = None,
    ) -> Page:
        brand = self.whoami()
        return self._fetch_all(
            self.client.get_users_mentions,
            "/mentions",
            {"id": brand.external_id},
            "pagination_token",
            since_id,
            start_time,
            source="mention",
            progress=progress,
        )

    def fetch_search(
        self,
        query: str,
        since_id: str | None,
        start_time: datetime | None,
        progress: ProgressCallback | None = None,
    ) -> Page:
        brand = self.whoami()
        page = self._fetch_all(
            self.client.search_recent_tweets,
            "/tweets/search/recent",
            {"query": query},
            "next_token",  # search names its page token differently from timelines
            since_id,
            # X's recent search only reaches seven days back.
            max(start_time, datetime.now(UTC) - timedelta(days=7) + timedelta(minutes=1))
            if start_time
            else None,
            source="search",
            progress=progress,
        )
        # The brand's own posts and posts that mention the brand come through mentions.
        handle = "@" + brand.handle.lower()
        kept = [
            p
            for p in page.posts
            if p.author.external_id != brand.external_id and handle not in p.text.lower()
        ]
        return Page(kept, page.cursor, page.pause_until)

    def _fetch_all(
        self,
        method: Any,
        path_fragment: str,
        params: dict[str, Any],
        page_token_name: str,
        since_id: str | None,
        start_time: datetime | None,
        *,
        source: str,
        progress: ProgressCallback | None,
    ) -> Page:
        """Follow pagination until every post newer than the checkpoint is fetched.

        All or nothing: an error on a later page raises, so the checkpoint does
        not move past posts we never saw.
        """
        posts: list[FetchedPost] = []
        token: str | None = None
        while True:
            response = self._call(
                method,
                **params,
                since_id=since_id,
                start_time=start_time if since_id is None else None,
                max_results=PAGE_SIZE,
                **{page_token_name: token},
                expansions=["author_id"],
                tweet_fields=TWEET_FIELDS,
                user_fields=USER_FIELDS,
                user_auth=False,
            )
            users = {u.id: u for u in (response.includes or {}).get("users", [])}
            batch = [_post(t, users, source, self.name) for t in response.data or []]
            posts.extend(batch)
            if progress and batch:
                progress(len(batch))
            token = (response.meta or {}).get("next_token")
            if not token:
                break
        # X ids are numbers that grow with time; every post here is newer than `since_id`.
        posts.sort(key=lambda p: int(p.external_id))
        newest = posts[-1].external_id if posts else None
        return Page(posts, newest, self._exhausted_until("GET", path_fragment))

    def _exhausted_until(self, method: str, path_fragment: str) -> datetime | None:
        reading = self.transport.rate_limit_for(method, path_fragment)
        if reading and reading.remaining <= 0 and reading.reset_at > datetime.now(UTC):
            return reading.reset_at
        return None

    # -- writing -------------------------------------------------------------
    def reply_publicly(self, in_reply_to_id: str, text: str) -> SentReply:
        brand = self.whoami()
        response = self._call(
            self.client.create_tweet, text=text, in_reply_to_tweet_id=in_reply_to_id, user_auth=True
        )
        post_id = str(response.data["id"])
        return SentReply(post_id, post_url(brand.handle, post_id))

    def send_private(self, recipient_id: str, text: str) -> SentReply:
        response = self._call(
            self.client.create_direct_message,
            participant_id=recipient_id,
            text=text,
            user_auth=True,
        )
        data = response.data or {}
        conversation = str(data.get("dm_conversation_id", ""))
        return SentReply(str(data.get("dm_event_id", "")), f"https://x.com/messages/{conversation}")

    # -- what the brand already sent (to settle interrupted sends) ------------
    def find_public_reply(
        self, in_reply_to_id: str, text: str, since: datetime
    ) -> SentReply | None:
        """The brand's reply to `in_reply_to_id` with `text`, posted since `since`, if any.

        Read from the brand's own timeline (GET /2/users/:id/tweets), which is
        immediately consistent, unlike search.
        """
        brand = self.whoami()
        for page in self._pages(
            self.client.get_users_tweets,
            id=brand.external_id,
            start_time=since - CLOCK_MARGIN,
            tweet_fields=["referenced_tweets", "created_at"],
        ):
            for tweet in page:
                replied = {
                    str(r.id) for r in tweet.referenced_tweets or [] if r.type == "replied_to"
                }
                if in_reply_to_id in replied and _same_text(tweet.text, text):
                    return SentReply(str(tweet.id), post_url(brand.handle, str(tweet.id)))
        return None

    def find_private_message(
        self, recipient_id: str, text: str, since: datetime
    ) -> SentReply | None:
        """The brand's DM to `recipient_id` with `text`, sent since `since`, if any."""
        brand = self.whoami()
        for page in self._pages(
            self.client.get_direct_message_events,
            participant_id=recipient_id,
            dm_event_fields=["created_at", "sender_id", "dm_conversation_id", "text"],
            event_types="MessageCreate",
        ):
            for event in page:
                created = getattr(event, "created_at", None)
                if (
                    str(event.sender_id) == brand.external_id
                    and _same_text(event.text or "", text)
                    and (not isinstance(created, datetime) or created >= since - CLOCK_MARGIN)
                ):
                    conversation = str(getattr(event, "dm_conversation_id", "") or "")
                    return SentReply(str(event.id), f"https://x.com/messages/{conversation}")
        return None

    def _pages(self, method: Any, **params: Any) -> Any:
        """Pages of a user-context listing, newest first, at most LOOKUP_PAGES of them."""
        token: str | None = None
        for _page in range(LOOKUP_PAGES):
            response = self._call(
                method, **params, max_results=PAGE_SIZE, pagination_token=token, user_auth=True
            )
            yield response.data or []
            token = (response.meta or {}).get("next_token")
            if not token:
                return

    # -- errors --------------------------------------------------------------
    def _call(self, method: Any, **kwargs: Any) -> Any:
        """Call tweepy, turning its exceptions into our plain-words network errors."""
        try:
            return method(**kwargs)
        except tweepy.TooManyRequests as exc:
            reset = exc.response.headers.get("x-rate-limit-reset")
            until = (
                datetime.fromtimestamp(int(reset), UTC)
                if reset and reset.isdigit()
                else datetime.now(UTC) + DEFAULT_RATE_LIMIT_WINDOW
            )
            raise RateLimited(
                until, f"X rate limit reached; paused until {until:%H:%M} UTC"
            ) from exc
        except tweepy.TwitterServerError as exc:
            raise NetworkUnavailable(
                f"X is having trouble (HTTP {exc.response.status_code}); will try again"
            ) from exc
        except requests.RequestException as exc:
            raise NetworkUnavailable(
                f"could not reach X ({type(exc).__name__}); will try again"
            ) from exc
        except tweepy.Unauthorized as exc:
            raise NetworkError(
                f"X rejected our credentials (401): check {self.credentials}", retryable=False
            ) from exc
        except tweepy.HTTPException as exc:
            raise NetworkError(explain_x_refusal(exc), retryable=False) from exc


def explain_x_refusal(exc: tweepy.HTTPException) -> str:
    """X's refusal in plain words for a support agent."""
    status = exc.response.status_code
    detail = " ".join(m for m in exc.api_messages if m) or exc.response.reason or ""
    lowered = detail.lower()
    if "duplicate" in lowered:
        return "X refused it as duplicate content: the brand already posted this exact text"
    if "not allowed to send" in lowered or "cannot send" in lowered or "direct message" in lowered:
        return "the customer does not accept private messages from the brand"
    if "mention" in lowered or "quote" in lowered or ("reply" in lowered and status == 403):
        return "X does not allow a public reply: the author did not mention or quote the brand"
    return f"X refused the request (HTTP {status}): {detail}".rstrip(": ")


def connect_x(settings: XSettings) -> XNetwork:
    """A ready `XNetwork`; `api_base_url` sends every request to a stand-in instead of X."""
    client = tweepy.Client(
        bearer_token=settings.bearer_token,
        consumer_key=settings.api_key,
        consumer_secret=settings.api_secret,
        access_token=settings.access_token,
        access_token_secret=settings.access_token_secret,
        wait_on_rate_limit=False,  # never sleep inside a scheduler job
    )
    transport = install_transport(client.session, settings.api_base_url)
    return XNetwork(
        client,
        transport,
        settings.search_query,
        name=settings.name,
        credentials=settings.credentials,
    )


def _same_text(found: str, sent: str) -> bool:
    # X trims whitespace at the ends and turns links into t.co ones: compare up to a link.
    if found.strip() == sent.strip():
        return True
    return "http" in sent and found.split("http")[0].strip() == sent.split("http")[0].strip()


def _author(user: Any) -> Author:
    metrics = user.public_metrics or {}
    return Author(
        external_id=str(user.id),
        handle=user.username,
        name=user.name or user.username,
        followers=int(metrics.get("followers_count", 0)),
        verified=bool(user.verified),
        verified_type=user.verified_type,
    )


def _post(tweet: Any, users: dict[Any, Any], source: str, network: str = NAME) -> FetchedPost:
    user = users.get(tweet.author_id)
    author = (
        _author(user)
        if user
        else Author(external_id=str(tweet.author_id), handle=str(tweet.author_id), name="")
    )
    # Long-form posts: `text` is cut at 280 characters, the full text is in note_tweet.
    note = (tweet.data or {}).get("note_tweet") or {}
    replied_to = next(
        (str(ref.id) for ref in tweet.referenced_tweets or [] if ref.type == "replied_to"), None
    )
    created = tweet.created_at or datetime.now(UTC)
    return FetchedPost(
        network=network,
        external_id=str(tweet.id),
        author=author,
        text=note.get("text") or tweet.text,
        created_at=created if created.tzinfo else created.replace(tzinfo=UTC),
        url=post_url(author.handle, str(tweet.id)),
        lang=tweet.lang,
        conversation_id=str(tweet.conversation_id) if tweet.conversation_id else None,
        in_reply_to_id=replied_to,
        source=source,
        publicly_replyable=source == "mention",
    )
