"""Forums: Discourse, through its published HTTP API with a plain `requests` session.

Reading: the forum's latest public posts (`GET /posts.json`, newest first, 50 a page,
`before=<id>` for older ones). Of those we keep the posts that mention the brand's API
user, are in a watched category or match a watched term (`DISCOURSE_WATCH`), and later
posts in topics the brand took part in. The cursor is the highest post id read (with
the topics followed); a topic is a conversation, so a reply joins its case by topic id.

Answering: a public reply is a post in the topic (`topic_id`, `reply_to_post_number`);
a private reply is a new private message to the author. Private messages carry an
`external_id` derived from the draft, so an interrupted send is found again by
`/t/external_id/{id}.json` and the forum itself refuses a second one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import requests

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
from bot.networks.discourse_watch import (
    SETTING as WATCH_SETTING,
)
from bot.networks.discourse_watch import (
    Watch,
    mention_pattern,
    parse_watch,
)
from bot.settings_reader import EnvReader
from storage.enums import Visibility

NAME = "discourse"
SETTINGS = ("DISCOURSE_BASE_URL", "DISCOURSE_API_KEY", "DISCOURSE_API_USERNAME", WATCH_SETTING)
CREDENTIALS_HINT = (
    "check DISCOURSE_API_KEY and DISCOURSE_API_USERNAME (the key must be a forum admin's API "
    'key for that user, or an "All users" key)'
)
# Seconds to wait for the forum. A poll reads a few pages of /posts.json; a self-hosted
# forum that has not answered in 20 s is down or overloaded.
DEFAULT_TIMEOUT = 20.0
PAGE_SIZE = 50  # what /posts.json returns at most
# Windows of PAGE_SIZE ids read per poll when catching up; the rest waits for the next.
MAX_WINDOWS = 20
# Pages read on the first start, newest first, back to the backfill start.
MAX_BACKFILL_PAGES = 20
# Pages of /posts.json searched for an interrupted public reply.
LOOKUP_PAGES = 20
# Topics remembered as "the brand took part": their later posts are read too.
MAX_FOLLOWED_TOPICS = 500
# Our clock and the forum's may disagree a little: look a bit before a send started.
CLOCK_MARGIN = timedelta(minutes=2)
# A 429 without Retry-After: Discourse's limits are per minute.
DEFAULT_PAUSE = timedelta(seconds=60)
MAX_TITLE = 255
EXTERNAL_ID_LENGTH = 50


# -- settings ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DiscourseSettings:
    """`DISCOURSE_BASE_URL`, `DISCOURSE_API_KEY`, `DISCOURSE_API_USERNAME`, `DISCOURSE_WATCH`."""

    name: ClassVar[str] = NAME
    base_url: str
    api_key: str
    api_username: str
    watch: Watch

    def connect(self) -> DiscourseNetwork:
        return connect(self, DEFAULT_TIMEOUT)


def read_settings(reader: EnvReader) -> DiscourseSettings | None:
    """The forum to read, or None when no DISCOURSE_* variable is set."""
    if all(reader.raw(name) is None for name in SETTINGS):
        return None
    base_url = reader.url("DISCOURSE_BASE_URL") or ""
    if reader.raw("DISCOURSE_BASE_URL") is None:
        reader.required("DISCOURSE_BASE_URL", "the forum's address, e.g. https://forum.example.com")
    api_key = reader.required(
        "DISCOURSE_API_KEY", "an API key made in the forum's Admin → Advanced → API keys"
    )
    username = reader.required(
        "DISCOURSE_API_USERNAME", "the forum account the brand answers as, e.g. acme_support"
    )
    watch, problems = parse_watch(reader.csv(WATCH_SETTING))
    reader.problems.extend(problems)
    return DiscourseSettings(base_url.rstrip("/"), api_key, username.lstrip("@"), watch)


def connect(block: DiscourseSettings, timeout: float = DEFAULT_TIMEOUT) -> DiscourseNetwork:
    return DiscourseNetwork(
        block.base_url, block.api_key, block.api_username, block.watch, timeout=timeout
    )


@dataclass(frozen=True)
class PostLimits:
    """The forum's length rules (site settings; these are Discourse's defaults)."""

    min_post_length: int = 20
    min_personal_message_post_length: int = 10
    max_post_length: int = 32000


# -- the cursor ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ForumCursor:
    """The highest post id read, and the topics the brand took part in (most recent last)."""

    after: int
    topics: tuple[int, ...] = ()

    def dump(self) -> str:
        return json.dumps({"after": self.after, "topics": list(self.topics)}, separators=(",", ":"))

    @classmethod
    def load(cls, raw: str | None) -> ForumCursor | None:
        if not raw:
            return None
        if raw.isdigit():  # a bare post id is a cursor too
            return cls(int(raw))
        try:
            body = json.loads(raw)
            return cls(int(body["after"]), tuple(int(t) for t in body.get("topics", [])))
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    def following(self, topic_ids: list[int]) -> ForumCursor:
        order = [t for t in self.topics if t not in topic_ids] + list(dict.fromkeys(topic_ids))
        return ForumCursor(self.after, tuple(order[-MAX_FOLLOWED_TOPICS:]))


# -- the network ---------------------------------------------------------------------------
class DiscourseNetwork:
    """The `Network` interface for one Discourse forum, as its API user (the brand)."""

    name = NAME
    label = "Discourse"
    icon = "💬"
    can_reply_publicly = True
    can_send_private = True

    def __init__(
        self,
        base_url: str,
        api_key: str,
        api_username: str,
        watch: Watch | None = None,
        *,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        limits: PostLimits | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.base_url = base_url.rstrip("/")
        self.api_username = api_username
        self.watch = watch or Watch()
        self.limits = limits or PostLimits()
        self.timeout = timeout
        self.clock = clock
        self.session = session or requests.Session()
        self.session.headers.update(
            {"Api-Key": api_key, "Api-Username": api_username, "Accept": "application/json"}
        )
        self._brand: Author | None = None
        self._categories: dict[int, str] | None = None  # id → slug
        self._watched: set[int] | None = None

    # -- identity ------------------------------------------------------------------------
    def whoami(self) -> Author:
        """The API user (GET /u/{username}.json), cached; also proves the key works."""
        if self._brand is None:
            user = self._json(self._request("GET", f"/u/{self.api_username}.json")).get("user")
            if not isinstance(user, dict):
                raise NetworkError(self._not_discourse("/u/…json"), retryable=False)
            self._brand = Author(
                external_id=str(user["id"]),
                handle=str(user["username"]),
                name=str(user.get("name") or user["username"]),
            )
        return self._brand

    def streams(self) -> list[Stream]:
        return [Stream("posts", self.fetch_posts)]

    def reply_window(self, context: ReplyContext) -> str | None:
        return None  # no messaging windows on this network

    def reply_note(self, post_meta: Mapping[str, Any], visibility: str) -> str | None:
        return None  # a reply lands where the agent expects

    def private_message_link(self) -> str | None:
        # Discourse opens a new private message to a user at this address.
        return f"{self.base_url}/new-message?username={self.api_username}"

    # -- reading -------------------------------------------------------------------------
    def fetch_posts(
        self,
        cursor: str | None,
        start_time: datetime | None,
        progress: ProgressCallback | None = None,
    ) -> Page:
        """Posts for the brand newer than `cursor`, oldest first; on the first start, those
        since `start_time`. A rate limit met while catching up returns what was read, with
        the cursor where reading stopped and the stream paused."""
        brand = self.whoami()
        state = ForumCursor.load(cursor)
        newest = self._latest(None)
        if not newest:
            return Page([], None if state else ForumCursor(0).dump())
        top = newest[0]["id"]
        pause_until: datetime | None = None
        if state is None:
            candidates = self._backfill(newest, start_time)
            state, after = ForumCursor(0), top
        elif top <= state.after:
            return Page([], None)
        else:
            candidates, after, pause_until = self._catch_up(newest, state.after)
        posts, followed = self._for_brand(candidates, brand, state)
        if progress and posts:
            progress(len(posts))
        next_cursor = ForumCursor(after, state.topics).following(followed)
        return Page(posts, next_cursor.dump(), pause_until)

    def _backfill(
        self, newest: list[dict[str, Any]], start_time: datetime | None
    ) -> list[dict[str, Any]]:
        collected, page = list(newest), newest
        for _page in range(MAX_BACKFILL_PAGES - 1):
            oldest = page[-1]
            if start_time is None or len(page) < PAGE_SIZE or _time(oldest) < start_time:
                break
            page = self._latest(oldest["id"])
            if not page:
                break
            collected.extend(page)
        return [p for p in collected if start_time is None or _time(p) >= start_time]

    def _catch_up(
        self, newest: list[dict[str, Any]], after: int
    ) -> tuple[list[dict[str, Any]], int, datetime | None]:
        """Everything with an id above `after`: the newest page if it reaches down that far,
        else windows of PAGE_SIZE ids walked upwards from `after` (each answer holds every
        post of its window), so a long gap is read in order over several polls."""
        top, bottom = newest[0]["id"], newest[-1]["id"]
        if len(newest) < PAGE_SIZE or bottom <= after + 1:
            return [p for p in newest if p["id"] > after], top, None
        collected: list[dict[str, Any]] = []
        low = after
        for _window in range(MAX_WINDOWS):
            if low >= bottom - 1:
                break
            high = min(low + PAGE_SIZE, bottom - 1)
            try:
                window = self._latest(high + 1)
            except RateLimited as exc:
                return collected, low, exc.until
            collected.extend(p for p in window if low < p["id"] <= high)
            low = high
        if low < bottom - 1:
            return collected, low, None
        return collected + [p for p in newest if p["id"] > low], top, None

    def _for_brand(
        self, candidates: list[dict[str, Any]], brand: Author, state: ForumCursor
    ) -> tuple[list[FetchedPost], list[int]]:
        """The posts to import, oldest first, and the topics the brand now takes part in."""
        mention = mention_pattern(brand.handle)
        followed = set(state.topics)
        newly_followed: list[int] = []
        posts: list[FetchedPost] = []
        unique = {p["id"]: p for p in candidates}
        for raw in sorted(unique.values(), key=lambda p: p["id"]):
            topic_id = int(raw["topic_id"])
            if str(raw.get("username", "")).lower() == brand.handle.lower():
                followed.add(topic_id)
                newly_followed.append(topic_id)
                continue
            if raw.get("deleted_at") or raw.get("hidden"):
                continue
            text = f"{raw.get('topic_title', '')}\n{raw.get('raw', '')}"
            if mention.search(str(raw.get("raw", ""))):
                source = "mention"
            elif self._watched_category(raw.get("category_id")) or self.watch.matches_term(text):
                source = "watch"
            elif topic_id in followed:
                source = "thread"
            else:
                continue
            posts.append(self._post(raw, source))
            followed.add(topic_id)
            newly_followed.append(topic_id)
        return posts, newly_followed

    def _watched_category(self, category_id: object) -> bool:
        if not self.watch.categories or category_id is None:
            return False
        return _as_int(category_id) in self._watched_ids()

    def _watched_ids(self) -> set[int]:
        if self._watched is None:
            slugs, children = self._category_tree()
            by_name = {slug: cid for cid, slug in slugs.items()}
            watched: set[int] = set()
            unknown = []
            for item in self.watch.categories:
                cid = int(item) if item.isdigit() else by_name.get(item)
                if cid is None or cid not in slugs:
                    unknown.append(item)
                    continue
                stack = [cid]
                while stack:  # the category and all its subcategories
                    current = stack.pop()
                    watched.add(current)
                    stack.extend(children.get(current, []))
            if unknown:
                known = ", ".join(sorted(by_name)) or "none"
                raise NetworkError(
                    f"{WATCH_SETTING} names categories the forum does not have: "
                    f"{', '.join(unknown)} (its categories: {known})",
                    retryable=False,
                )
            self._watched = watched
        return self._watched

    def _category_slug(self, category_id: int | None) -> str | None:
        if category_id is None:
            return None
        if self._categories is None:
            self._category_tree()
        return (self._categories or {}).get(category_id)

    def _category_tree(self) -> tuple[dict[int, str], dict[int, list[int]]]:
        """Category slugs by id and subcategory ids by parent (GET /categories.json)."""
        body = self._json(
            self._request("GET", "/categories.json", params={"include_subcategories": "true"})
        )
        slugs: dict[int, str] = {}
        children: dict[int, list[int]] = {}

        def visit(categories: list[Any], parent: int | None) -> None:
            for category in categories:
                cid = int(category["id"])
                slugs[cid] = str(category["slug"])
                if parent is not None:
                    children.setdefault(parent, []).append(cid)
                children.setdefault(cid, []).extend(
                    int(i) for i in category.get("subcategory_ids") or []
                )
                visit(category.get("subcategory_list") or [], cid)

        visit(body.get("category_list", {}).get("categories", []), None)
        children = {k: list(dict.fromkeys(v)) for k, v in children.items()}
        self._categories = slugs
        return slugs, children

    def _latest(self, before: int | None) -> list[dict[str, Any]]:
        params = {"before": str(before)} if before is not None else None
        body = self._json(self._request("GET", "/posts.json", params=params))
        posts = body.get("latest_posts")
        if not isinstance(posts, list):
            raise NetworkError(self._not_discourse("/posts.json"), retryable=False)
        return sorted(posts, key=lambda p: int(p["id"]), reverse=True)

    def _post(self, raw: dict[str, Any], source: str) -> FetchedPost:
        topic_title = str(raw.get("topic_title") or "")
        body = str(raw.get("raw") or "")
        post_number = int(raw["post_number"])
        category_id = _as_int(raw.get("category_id"))
        slug = self._category_slug(category_id)
        return FetchedPost(
            network=NAME,
            external_id=str(raw["id"]),
            author=Author(
                external_id=str(raw["user_id"]),
                handle=str(raw["username"]),
                name=str(raw.get("name") or raw["username"]),
            ),
            # The first post of a topic is read with its title, as people read it.
            text=f"{topic_title}\n\n{body}" if post_number == 1 and topic_title else body,
            created_at=_time(raw),
            url=self.base_url + str(raw.get("post_url") or f"/p/{raw['id']}"),
            conversation_id=str(raw["topic_id"]),
            source=source,
            publicly_replyable=True,
            meta={
                "topic_id": int(raw["topic_id"]),
                "post_number": post_number,
                "category_id": category_id,
                "category": slug,
                "topic_title": topic_title,
                "reply_to_post_number": _as_int(raw.get("reply_to_post_number")),
            },
        )

    # -- checking and sending ----------------------------------------------------------------
    def reply_problems(self, text: str, visibility: str, context: ReplyContext) -> dict[str, str]:
        problems: dict[str, str] = {}
        if visibility == Visibility.PUBLIC:
            minimum = self.limits.min_post_length
            if not context.publicly_replyable:
                problems[VISIBILITY_FIELD] = _("This post cannot be answered in its topic.")
        else:
            minimum = self.limits.min_personal_message_post_length
        length = len(text.strip())  # Discourse counts the stripped text's characters
        if length < minimum:
            problems[TEXT_FIELD] = _("Body is too short (minimum is {minimum} characters)").format(
                minimum=minimum
            )
        elif length > self.limits.max_post_length:
            maximum = self.limits.max_post_length
            problems[TEXT_FIELD] = _("Body is too long (maximum is {maximum} characters)").format(
                maximum=maximum
            )
        return problems

    def reply_hint(self) -> str:
        limits = self.limits
        return _(
            "The forum takes {minimum} to {maximum} characters in a topic, and at least "
            "{private_minimum} in a private message (Discourse's defaults). A public reply is "
            "posted in the topic, answering the customer's post; a private one is a new private "
            "message to them."
        ).format(
            minimum=limits.min_post_length,
            maximum=f"{limits.max_post_length:,}",
            private_minimum=limits.min_personal_message_post_length,
        )

    def draft_prefill(self, customer_handle: str, visibility: str) -> str:
        # A reply in the topic already answers the customer's post (reply_to_post_number)
        # and a private message goes to them alone: an @mention would only notify twice.
        return ""

    def send(self, outgoing: Outgoing) -> SentReply:
        target = outgoing.target
        if outgoing.visibility == Visibility.PUBLIC:
            payload: dict[str, Any] = {
                "raw": outgoing.text,
                "topic_id": _topic_id(outgoing),
                "reply_to_post_number": _as_int(target.post_meta.get("post_number")) or 1,
            }
        else:
            payload = {
                "raw": outgoing.text,
                "title": _private_title(target.post_meta),
                "archetype": "private_message",
                "target_recipients": target.customer_handle,
                "external_id": external_id(outgoing.key),
            }
        try:
            body = self._json(self._request("POST", "/posts.json", json=payload))
        except AlreadySent:
            found = self.find_sent(outgoing, self.clock() - timedelta(days=365))
            if found is None:
                raise NetworkError(
                    "the forum says this private message was already sent, but it cannot be "
                    "found: look in the brand's sent messages before sending again",
                    retryable=False,
                ) from None
            return found
        return SentReply(str(body["id"]), self.base_url + str(body["post_url"]))

    def find_sent(self, outgoing: Outgoing, since: datetime) -> SentReply | None:
        if outgoing.visibility == Visibility.PUBLIC:
            return self._find_public(outgoing, since - CLOCK_MARGIN)
        return self._find_private(outgoing)

    def _find_public(self, outgoing: Outgoing, since: datetime) -> SentReply | None:
        """The brand's post with this text in the topic, among the latest posts since `since`."""
        brand = self.whoami()
        topic_id = _topic_id(outgoing)
        wanted = outgoing.text.strip()
        before: int | None = None
        for _page in range(LOOKUP_PAGES):
            page = self._latest(before)
            for post in page:
                if (
                    str(post.get("username", "")).lower() == brand.handle.lower()
                    and int(post["topic_id"]) == topic_id
                    and str(post.get("raw", "")).strip() == wanted
                    and _time(post) >= since
                ):
                    return SentReply(str(post["id"]), self.base_url + str(post["post_url"]))
            if len(page) < PAGE_SIZE or _time(page[-1]) < since:
                return None
            before = int(page[-1]["id"])
        raise NetworkError(
            f"could not tell whether the earlier reply reached the forum (more than "
            f"{LOOKUP_PAGES * PAGE_SIZE} posts since): look at the topic before sending again",
            retryable=False,
        )

    def _find_private(self, outgoing: Outgoing) -> SentReply | None:
        """The private message carrying this draft's external id, if the forum has it."""
        response = self._request(
            "GET",
            f"/t/external_id/{external_id(outgoing.key)}.json",
            allow_redirects=False,
            missing_ok=True,
        )
        if response.status_code == 404:
            return None
        found = re.search(r"/t/(?:[^/]+/)?(\d+)(?:\.json)?$", response.headers.get("Location", ""))
        if response.status_code not in (301, 302) or not found:
            raise NetworkError(self._not_discourse("/t/external_id/…json"), retryable=False)
        topic_id = int(found.group(1))
        body = self._json(self._request("GET", f"/t/{topic_id}/posts.json"))
        posts = body.get("post_stream", {}).get("posts", [])
        first = next((p for p in posts if int(p.get("post_number", 0)) == 1), None)
        if first is None:
            return None
        return SentReply(
            str(first["id"]), self.base_url + str(first.get("post_url") or f"/t/{topic_id}")
        )

    # -- HTTP and errors -------------------------------------------------------------------
    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        allow_redirects: bool = True,
        missing_ok: bool = False,
    ) -> requests.Response:
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                params=params,
                json=json,
                timeout=self.timeout,
                allow_redirects=allow_redirects,
            )
        except requests.Timeout as exc:
            raise NetworkUnavailable("the forum did not answer in time; will try again") from exc
        except requests.RequestException as exc:
            raise NetworkUnavailable(
                f"could not reach the forum ({type(exc).__name__}); will try again"
            ) from exc
        if response.status_code < 400 or (missing_ok and response.status_code == 404):
            return response
        raise self._refusal(response)

    def _refusal(self, response: requests.Response) -> NetworkError:
        status = response.status_code
        body = _body(response)
        errors = [str(e) for e in body.get("errors") or [] if e]
        detail = " ".join(errors)
        if status == 429:
            wait = _as_int(response.headers.get("Retry-After")) or _as_int(
                (body.get("extras") or {}).get("wait_seconds")
            )
            until = self.clock() + (timedelta(seconds=wait) if wait else DEFAULT_PAUSE)
            return RateLimited(
                until, f"Discourse rate limit reached; paused until {until:%H:%M:%S} UTC"
            )
        if status >= 500:
            return NetworkUnavailable(
                f"the forum is having trouble (HTTP {status}); will try again"
            )
        credentials = (
            status == 401
            or body.get("error_type") == "not_logged_in"
            or (status == 403 and "key is invalid" in detail)
        )
        if credentials:
            return NetworkError(
                f"the forum rejected our credentials (HTTP {status}): {CREDENTIALS_HINT}",
                retryable=False,
            )
        if status == 422 and any("External has already been taken" in e for e in errors):
            return AlreadySent("the forum already has this private message")
        if status == 404:
            return NetworkError(
                "the forum says the topic or post is gone (HTTP 404): it may have been deleted",
                retryable=False,
            )
        if status == 422:
            return NetworkError(f"the forum refused the post: {detail}", retryable=False)
        return NetworkError(
            f"the forum refused the request (HTTP {status}): {detail}".rstrip(": "),
            retryable=False,
        )

    def _json(self, response: requests.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise NetworkError(self._not_discourse(response.request.path_url), retryable=False)
        return body

    def _not_discourse(self, what: str) -> str:
        return (
            f"{self.base_url} did not answer {what} like a Discourse forum: check "
            "DISCOURSE_BASE_URL"
        )


class AlreadySent(NetworkError):
    """The forum refused a private message whose external id it already has."""

    def __init__(self, reason: str):
        super().__init__(reason, retryable=False)


def external_id(key: str) -> str:
    """The draft's key as a topic `external_id` (word characters and dashes, at most 50)."""
    return re.sub(r"[^\w-]", "-", key)[:EXTERNAL_ID_LENGTH]


def _private_title(meta: Any) -> str:
    topic_title = str(meta.get("topic_title") or "").strip()
    title = f"About your post: {topic_title}" if topic_title else "About your post on the forum"
    return title[:MAX_TITLE]


def _topic_id(outgoing: Outgoing) -> int:
    target = outgoing.target
    topic = _as_int(target.post_meta.get("topic_id")) or _as_int(target.conversation_id)
    if topic is None:
        raise NetworkError("the post has no topic to reply in", retryable=False)
    return topic


def _body(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _as_int(value: object) -> int | None:
    """Discourse's numbers arrive as numbers, numeric strings (per its description) or null."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _time(post: dict[str, Any]) -> datetime:
    moment = datetime.fromisoformat(str(post["created_at"]).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
