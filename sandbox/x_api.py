"""A local X API v2 for tests and the demo: the endpoints Carethread uses, X's auth
rules, rate limits, refusals and error bodies, over the in-memory world of `x_state`.

Point a real `tweepy.Client` at it with `bot.networks.x_transport.install_transport`.
Responses follow the live API's names (`tweet.fields`, `referenced_tweets`,
`edit_history_tweet_ids`, `note_tweet`, `includes.tweets`) and also validate against X's
OpenAPI description, which says "post" where the live API says "tweet"; where the
description *requires* a renamed field (`repost_count`, `post_count`) both names are sent.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from twitter_text import parse_tweet

from sandbox.httpserver import Request, Response, StandInServer
from sandbox.x_state import (
    MAX_POST_WEIGHT,
    TWEET_EXPANSIONS,
    TWEET_FIELDS,
    USER_EXPANSIONS,
    USER_FIELDS,
    QueryError,
    Tweet,
    XState,
    compile_query,
    iso,
)

RATE_WINDOW_SECONDS = 15 * 60
SEARCH_REACH = timedelta(days=7)  # recent search sees the last 7 days only
MENTIONS_REACH = 800  # the mentions timeline serves only the 800 most recent
MAX_DM_LENGTH = 10_000
ID_PATTERN = re.compile(r"^[0-9]{1,19}$")
MENTIONS_USER_LIMIT = 300
APP = "app"  # the caller key for app-only (bearer token) requests

PROBLEMS = "https://api.x.com/2/problems/"
INVALID_REQUEST = PROBLEMS + "invalid-request"
RESOURCE_NOT_FOUND = PROBLEMS + "resource-not-found"
UNSUPPORTED_AUTHENTICATION = PROBLEMS + "unsupported-authentication"

# Live X's wording for its refusals.
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."
REPLY_TO_MISSING = "You attempted to reply to a Tweet that is deleted or not visible to you."
# Since 2026-02-23 a self-serve app may only reply to posts whose author mentioned or
# quoted it; we found no verbatim copy of X's text, so this follows its announcement.
REPLY_NOT_ALLOWED = (
    "Reply to this conversation is not allowed because you have not been mentioned or "
    "otherwise engaged by the author of the post you are replying to."
)
TOO_LONG = (
    "Your Tweet text is too long. For more information on how Twitter determines text "
    "length see https://github.com/twitter/twitter-text."
)
CANNOT_DM = "You cannot send messages to this user."
APP_ONLY_FORBIDDEN = (
    "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  "
    "Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context]."
)

# Accepted so clients may send them; the stand-in has no media, places or polls to show.
OTHER_FIELDS = ("media.fields", "place.fields", "poll.fields")
TIMELINE_PARAMS = (
    "max_results",
    "pagination_token",
    "start_time",
    "end_time",
    "since_id",
    "until_id",
    "tweet.fields",
    "user.fields",
    "expansions",
    *OTHER_FIELDS,
)


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str  # X's path, ":name" marking a path parameter
    handler: str  # the XStandIn method that answers it
    user_limit: int  # requests per 15 minutes per user
    app_limit: int | None = None  # per app; None: user context only
    params: tuple[str, ...] = ()

    @property
    def regex(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r":(\w+)", r"(?P<\1>[^/]+)", self.template) + "$")


ENDPOINTS = (
    Endpoint(
        "GET", "/2/users/me", "_get_me", 75, None, ("user.fields", "expansions", "tweet.fields")
    ),
    Endpoint(
        "GET", "/2/users/:id/mentions", "_get_mentions", MENTIONS_USER_LIMIT, 450, TIMELINE_PARAMS
    ),
    Endpoint(
        "GET",
        "/2/tweets/search/recent",
        "_search_recent",
        300,
        450,
        ("query", "next_token", "sort_order", *TIMELINE_PARAMS),
    ),
    Endpoint("POST", "/2/tweets", "_create_tweet", 100),
    Endpoint("POST", "/2/dm_conversations/with/:participant_id/messages", "_send_dm", 15),
    # What the brand already sent: Carethread checks these before retrying an interrupted send.
    Endpoint(
        "GET", "/2/users/:id/tweets", "_get_user_tweets", 900, 1500, (*TIMELINE_PARAMS, "exclude")
    ),
    Endpoint(
        "GET",
        "/2/dm_conversations/with/:participant_id/dm_events",
        "_get_dm_events",
        300,
        None,
        (
            "dm_event.fields",
            "event_types",
            "max_results",
            "pagination_token",
            "expansions",
            "user.fields",
            "tweet.fields",
            "media.fields",
        ),
    ),
)


@dataclass
class Window:
    """One rate-limit window: X's x-rate-limit-* numbers for a caller and endpoint."""

    limit: int
    remaining: int
    reset: int  # epoch seconds

    def headers(self) -> dict[str, str]:
        return {
            "x-rate-limit-limit": str(self.limit),
            "x-rate-limit-remaining": str(self.remaining),
            "x-rate-limit-reset": str(self.reset),
        }


class ApiError(Exception):
    """Raised by a handler to answer with an X error response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.body)
        self.response = response


def problem(
    status: int, detail: str, *, title: str = "", type_: str = "about:blank", **extra: Any
) -> Response:
    """An X error body. X sends these as application/json, and for that media type X's
    OpenAPI description gives the `Error` schema, which requires `code` and `message`;
    live X leaves them out, so we add them (code = HTTP status, message = detail).
    tweepy reads `errors[].message` or else `detail`, so it sees X's own text."""
    body = {"title": title or HTTPStatus(status).phrase, "detail": detail, "type": type_}
    body.update(status=status, **extra, code=status, message=detail)
    return Response(status, body)


def invalid_request(message: str, name: str, value: str | list[str]) -> ApiError:
    """X's 400 for a bad parameter: one `errors` entry naming it."""
    values = value if isinstance(value, list) else [value]
    return ApiError(
        problem(
            400,
            "One or more parameters to your request was invalid.",
            title="Invalid Request",
            type_=INVALID_REQUEST,
            errors=[{"parameters": {name: values}, "message": message}],
        )
    )


def too_many_requests(window: Window) -> Response:
    response = problem(429, "Too Many Requests")
    response.headers.update(window.headers())
    return response


def encode_token(tweet_id: str) -> str:
    return base64.b32hexencode(tweet_id.encode()).decode().rstrip("=").lower()


def decode_token(token: str) -> int:
    padded = token.upper() + "=" * (-len(token) % 8)
    return int(base64.b32hexdecode(padded).decode())


class XStandIn(StandInServer, XState):
    """An in-memory X API v2 on 127.0.0.1. Credentials are attributes for tweepy."""

    def __init__(
        self,
        *,
        brand_id: str = "1600000000000000001",
        brand_username: str = "carethread_demo",
        brand_name: str = "Carethread Demo",
        bearer_token: str = "sandbox-bearer",
        consumer_key: str = "sandbox-key",
        access_token: str | None = None,
    ) -> None:
        StandInServer.__init__(self)
        XState.__init__(self, brand_id, brand_username, brand_name)
        self.bearer_token = bearer_token
        self.consumer_key = consumer_key
        self.consumer_secret = "sandbox-secret"  # signatures are not checked
        # tweepy takes "me" from the access token's prefix, as X's tokens start with the user id
        self.access_token = access_token or f"{brand_id}-sandbox-access"
        self.access_token_secret = "sandbox-access-secret"
        self._windows: dict[tuple[str, str], Window] = {}

    def tweepy_credentials(self) -> dict[str, str]:
        """Keyword arguments for `tweepy.Client(...)` with both app and user auth."""
        return {
            "bearer_token": self.bearer_token,
            "consumer_key": self.consumer_key,
            "consumer_secret": self.consumer_secret,
            "access_token": self.access_token,
            "access_token_secret": self.access_token_secret,
        }

    # -- faults on top of `inject` -----------------------------------------------------
    def rate_limit(self, path_prefix: str, reset_in: int = 5, times: int = 1) -> None:
        """The next `times` requests under `path_prefix` get X's 429 and headers."""
        reset = int(self.clock().timestamp()) + reset_in
        window = Window(self._limit_for(path_prefix), 0, reset)
        self.inject(_under(path_prefix), too_many_requests(window), times=times)

    def server_error(self, path_prefix: str, status: int = 503, times: int = 1) -> None:
        self.inject(_under(path_prefix), problem(status, HTTPStatus(status).phrase), times=times)

    def slow(self, path_prefix: str, seconds: float, times: int = 1) -> None:
        self.inject(_under(path_prefix), None, delay=seconds, times=times)

    @staticmethod
    def _limit_for(path_prefix: str) -> int:
        """The per-user limit of the first endpoint under `path_prefix` (for the header)."""
        for endpoint in ENDPOINTS:
            if endpoint.regex.match(path_prefix) or endpoint.template.startswith(path_prefix):
                return endpoint.user_limit
        return MENTIONS_USER_LIMIT  # a prefix naming no endpoint: the most-polled one's

    # -- dispatch: route, authenticate, count, answer ------------------------------------
    def dispatch(self, request: Request) -> Response:
        found = self._route(request)
        if found is None:
            return problem(
                404,
                f"Sorry, that page does not exist: {request.method} {request.path}",
                title="Not Found Error",
                type_=RESOURCE_NOT_FOUND,
                resource_type="endpoint",
            )
        endpoint, path_args = found
        caller = self._caller(request)
        if caller is None:
            return problem(401, "Unauthorized")
        if caller == APP and endpoint.app_limit is None:
            return problem(
                403,
                APP_ONLY_FORBIDDEN,
                title="Unsupported Authentication",
                type_=UNSUPPORTED_AUTHENTICATION,
            )
        with self.lock:
            window = self._window(endpoint, caller)
            if window.remaining == 0:
                return too_many_requests(window)
            window.remaining -= 1
            try:
                _check_params(request, endpoint)
                response = getattr(self, endpoint.handler)(request, **path_args)
            except ApiError as error:
                response = error.response
        response.headers.update(window.headers())
        return response

    def _route(self, request: Request) -> tuple[Endpoint, dict[str, str]] | None:
        for endpoint in ENDPOINTS:
            match = endpoint.regex.match(request.path)
            if match and endpoint.method == request.method:
                return endpoint, match.groupdict()
        return None

    def _caller(self, request: Request) -> str | None:
        """APP for the bearer token, the brand's id for OAuth 1.0a user context, else None."""
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme == "Bearer" and credentials == self.bearer_token:
            return APP
        if scheme == "OAuth":
            oauth = {k: unquote(v) for k, v in re.findall(r'(\w+)="([^"]*)"', credentials)}
            if (
                oauth.get("oauth_consumer_key") == self.consumer_key
                and oauth.get("oauth_token") == self.access_token
            ):
                return self.brand_id
        return None

    def _window(self, endpoint: Endpoint, caller: str) -> Window:
        limit = endpoint.app_limit if caller == APP else endpoint.user_limit
        assert limit is not None  # app-only callers of user-only endpoints were refused
        now = int(self.clock().timestamp())
        key = (f"{endpoint.method} {endpoint.template}", caller)
        window = self._windows.get(key)
        if window is None or now >= window.reset:
            window = self._windows[key] = Window(limit, limit, now + RATE_WINDOW_SECONDS)
        return window

    # -- GET /2/users/me -----------------------------------------------------------------
    def _get_me(self, request: Request) -> Response:
        user_fields = _list_param(request, "user.fields", USER_FIELDS)
        _list_param(request, "expansions", USER_EXPANSIONS)
        _list_param(request, "tweet.fields", TWEET_FIELDS)
        return Response(200, {"data": self.user_json(self.users[self.brand_id], user_fields)})

    # -- GET /2/users/:id/mentions -------------------------------------------------------
    def _get_mentions(self, request: Request, id: str) -> Response:
        if not ID_PATTERN.match(id):
            raise invalid_request(
                f"The `id` query parameter value [{id}] does not match {ID_PATTERN.pattern}",
                "id",
                id,
            )
        if id not in self.users:
            return Response(200, {"errors": [_user_not_found(id)]})
        max_results = _int_param(request, "max_results", 5, 100, default=10)
        mentions = self.mentions_of(id)[:MENTIONS_REACH]
        return self._timeline(request, mentions, max_results, request.arg("pagination_token"))

    # -- GET /2/tweets/search/recent -----------------------------------------------------
    def _search_recent(self, request: Request) -> Response:
        query = request.arg("query") or ""
        if not query.strip():
            raise invalid_request("The `query` query parameter can not be empty", "query", query)
        try:
            matches = compile_query(query)
        except QueryError as error:
            raise invalid_request(
                f"There were errors processing your request: {error}", "query", query
            ) from error
        max_results = _int_param(request, "max_results", 10, 100, default=10)
        oldest = self.clock() - SEARCH_REACH
        start = _time_param(request, "start_time")
        if start and start < oldest:
            raise invalid_request(
                f"Invalid 'start_time':'{request.arg('start_time')}'. "
                f"'start_time' must be on or after {iso(oldest)}",
                "start_time",
                request.arg("start_time") or "",
            )
        found = self.search(
            lambda t, s: (
                t["created_at"] >= oldest
                and not s.users[t["author_id"]]["protected"]  # protected posts never show in search
                and matches(t, s)
            )
        )
        token = request.arg("next_token") or request.arg("pagination_token")
        return self._timeline(request, found, max_results, token)

    # -- timelines: filters, pages, fields, expansions -------------------------------------
    def _timeline(
        self, request: Request, tweets: list[Tweet], max_results: int, token: str | None
    ) -> Response:
        tweet_fields = _list_param(request, "tweet.fields", TWEET_FIELDS)
        user_fields = _list_param(request, "user.fields", USER_FIELDS)
        expansions = _list_param(request, "expansions", TWEET_EXPANSIONS)
        tweets = _in_range(tweets, request)
        page, next_id = _page(tweets, max_results, token)
        if not page:
            return Response(200, {"meta": {"result_count": 0}})
        body: dict[str, Any] = {"data": [self.tweet_json(t, tweet_fields) for t in page]}
        includes = self._includes(page, expansions, tweet_fields, user_fields)
        if includes:
            body["includes"] = includes
        meta = {"newest_id": page[0]["id"], "oldest_id": page[-1]["id"], "result_count": len(page)}
        if next_id:
            meta["next_token"] = encode_token(next_id)
        body["meta"] = meta
        return Response(200, body)

    def _includes(
        self, page: list[Tweet], expansions: set[str], tweet_fields: set[str], user_fields: set[str]
    ) -> dict[str, Any]:
        referenced = []
        if "referenced_tweets.id" in expansions:
            ids = dict.fromkeys(r["id"] for t in page for r in t["referenced_tweets"])
            referenced = [self.tweets[i] for i in ids if i in self.tweets]
        user_ids: list[str | None] = []
        if "author_id" in expansions:
            user_ids += [t["author_id"] for t in page]
        if "in_reply_to_user_id" in expansions:
            user_ids += [t["in_reply_to_user_id"] for t in page]
        if "referenced_tweets.id.author_id" in expansions:
            user_ids += [t["author_id"] for t in referenced]
        users = [self.users[i] for i in dict.fromkeys(user_ids) if i in self.users]
        includes: dict[str, Any] = {}
        if users:
            includes["users"] = [self.user_json(u, user_fields) for u in users]
        if referenced:  # live X names this `tweets`; the OpenAPI description says `posts`
            includes["tweets"] = [self.tweet_json(t, tweet_fields) for t in referenced]
        return includes

    # -- POST /2/tweets --------------------------------------------------------------------
    def _create_tweet(self, request: Request) -> Response:
        body = _json_body(request)
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise invalid_request("Post text must be a non-empty string.", "text", str(text))
        if parse_tweet(text).weightedLength > MAX_POST_WEIGHT:
            raise invalid_request(TOO_LONG, "text", text)
        parent = self._reply_target(body.get("reply"))
        if any(t["text"] == text for t in self.tweets.values() if t["author_id"] == self.brand_id):
            raise ApiError(problem(403, DUPLICATE))
        tweet = self._add_tweet(self.brand_id, text, parent=parent)
        data = {"id": tweet["id"], "text": text, "edit_history_tweet_ids": [tweet["id"]]}
        return Response(201, {"data": data})

    def _reply_target(self, reply: Any) -> Tweet | None:
        """The post being replied to, if it may be: X refuses replies to missing posts and,
        since 2026-02, to authors who neither mentioned nor quoted the brand."""
        if reply is None:
            return None
        target_id = reply.get("in_reply_to_tweet_id") if isinstance(reply, dict) else None
        if not isinstance(target_id, str) or not ID_PATTERN.match(target_id):
            raise invalid_request(
                "`reply.in_reply_to_tweet_id` must be a post id",
                "reply.in_reply_to_tweet_id",
                str(target_id),
            )
        parent = self.tweets.get(target_id)
        if parent is None:
            raise ApiError(problem(403, REPLY_TO_MISSING))
        engaged = parent["mentions_brand"] or parent["quotes_brand"]
        if parent["author_id"] != self.brand_id and not engaged:
            raise ApiError(problem(403, REPLY_NOT_ALLOWED))
        return parent

    # -- POST /2/dm_conversations/with/:participant_id/messages ------------------------------
    def _send_dm(self, request: Request, participant_id: str) -> Response:
        if not ID_PATTERN.match(participant_id):
            raise invalid_request(
                f"The `participant_id` path parameter value [{participant_id}] does not match "
                f"{ID_PATTERN.pattern}",
                "participant_id",
                participant_id,
            )
        text = _json_body(request).get("text")
        if not isinstance(text, str) or not text:
            raise invalid_request("`text` must not be empty", "text", str(text))
        if len(text) > MAX_DM_LENGTH:
            raise invalid_request(
                f"`text` must be at most {MAX_DM_LENGTH} characters", "text", text
            )
        recipient = self.users.get(participant_id)
        # X gives the same answer for an unknown account as for one that refuses the brand.
        if (
            recipient is None
            or not recipient["accepts_dms_from_brand"]
            or participant_id == self.brand_id
        ):
            raise ApiError(problem(403, CANNOT_DM))
        pair = sorted((self.brand_id, participant_id), key=int)
        dm = {
            "dm_event_id": self._next_id(self.clock()),
            "dm_conversation_id": "-".join(pair),  # X's id for a one-to-one conversation
            "sender_id": self.brand_id,
            "participant_id": participant_id,
            "text": text,
            "created_at": self.clock(),
        }
        self.dms.append(dm)
        self.changed({"kind": "dm", "id": dm["dm_event_id"]})
        data = {"dm_conversation_id": dm["dm_conversation_id"], "dm_event_id": dm["dm_event_id"]}
        return Response(201, {"data": data})

    # -- GET /2/users/:id/tweets and GET /2/dm_conversations/with/:id/dm_events -----------
    def _get_user_tweets(self, request: Request, id: str) -> Response:
        if id not in self.users:
            return Response(200, {"errors": [_user_not_found(id)]})
        max_results = _int_param(request, "max_results", 5, 100, default=10)
        tweets = sorted(
            (t for t in self.tweets.values() if t["author_id"] == id),
            key=lambda t: int(t["id"]),
            reverse=True,
        )
        return self._timeline(request, tweets, max_results, request.arg("pagination_token"))

    def _get_dm_events(self, request: Request, participant_id: str) -> Response:
        _int_param(request, "max_results", 1, 100, default=100)
        events: list[dict[str, Any]] = [
            {
                "id": dm["dm_event_id"],
                "event_type": "MessageCreate",
                "text": dm["text"],
                "sender_id": dm["sender_id"],
                "dm_conversation_id": dm["dm_conversation_id"],
                "created_at": iso(dm["created_at"]),
            }
            for dm in reversed(self.dms)
            if dm["participant_id"] == participant_id
        ]
        return Response(200, {"data": events, "meta": {"result_count": len(events)}})


# -- request parsing ---------------------------------------------------------------------------


def _under(path_prefix: str) -> Callable[[Request], bool]:
    return lambda request: request.path.startswith(path_prefix)


def _check_params(request: Request, endpoint: Endpoint) -> None:
    for name, values in request.query.items():
        if name not in endpoint.params:
            allowed = ",".join(endpoint.params)
            raise invalid_request(
                f"The query parameter [{name}] is not one of [{allowed}]", name, values
            )


def _int_param(request: Request, name: str, low: int, high: int, *, default: int) -> int:
    raw = request.arg(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise invalid_request(
            f"The `{name}` query parameter value [{raw}] is not between {low} and {high}", name, raw
        )
    return int(raw)


def _id_param(request: Request, name: str) -> int | None:
    raw = request.arg(name)
    if raw is None:
        return None
    if not ID_PATTERN.match(raw):
        raise invalid_request(
            f"The `{name}` query parameter value [{raw}] does not match {ID_PATTERN.pattern}",
            name,
            raw,
        )
    return int(raw)


def _time_param(request: Request, name: str) -> datetime | None:
    raw = request.arg(name)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:  # RFC 3339 demands an offset
        raise invalid_request(
            f"The `{name}` query parameter value [{raw}] is not a valid RFC 3339 date-time",
            name,
            raw,
        )
    return moment


def _list_param(request: Request, name: str, allowed: tuple[str, ...]) -> set[str]:
    raw = request.arg(name)
    if raw is None:
        return set()
    values = set(raw.split(","))
    unknown = sorted(values - set(allowed))
    if unknown:
        choices = ",".join(allowed)
        raise invalid_request(
            f"The `{name}` query parameter value [{unknown[0]}] is not one of [{choices}]",
            name,
            raw,
        )
    return values


def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise invalid_request(
            "The request body must be a JSON object", "body", request.body.decode(errors="replace")
        )
    return body


def _in_range(tweets: list[Tweet], request: Request) -> list[Tweet]:
    """since_id/until_id are exclusive, start_time inclusive, end_time exclusive, as on X."""
    since_id, until_id = _id_param(request, "since_id"), _id_param(request, "until_id")
    start, end = _time_param(request, "start_time"), _time_param(request, "end_time")
    return [
        t
        for t in tweets
        if (since_id is None or int(t["id"]) > since_id)
        and (until_id is None or int(t["id"]) < until_id)
        and (start is None or t["created_at"] >= start)
        and (end is None or t["created_at"] < end)
    ]


def _page(
    tweets: list[Tweet], max_results: int, token: str | None
) -> tuple[list[Tweet], str | None]:
    """One page of a newest-first list; the token names the first post of the next page,
    so posts arriving meanwhile do not shift the pages."""
    start = 0
    if token:
        try:
            boundary = decode_token(token)
        except (binascii.Error, ValueError, UnicodeDecodeError) as error:
            raise invalid_request(
                f"The `pagination_token` query parameter value [{token}] is not valid",
                "pagination_token",
                token,
            ) from error
        start = next((i for i, t in enumerate(tweets) if int(t["id"]) <= boundary), len(tweets))
    page = tweets[start : start + max_results]
    rest = tweets[start + max_results :]
    return page, rest[0]["id"] if rest else None


def _user_not_found(user_id: str) -> dict[str, str]:
    """X answers a lookup of an unknown user with 200 and this partial error."""
    return {
        "value": user_id,
        "detail": f"Could not find user with id: [{user_id}].",
        "title": "Not Found Error",
        "resource_type": "user",
        "parameter": "id",
        "resource_id": user_id,
        "type": RESOURCE_NOT_FOUND,
    }
