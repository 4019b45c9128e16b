"""A local Mastodon server for tests and the demo: the REST endpoints Carethread uses, with
Mastodon's auth errors, rate-limit headers and 429s, Link-header pagination, notification
policy filtering, Idempotency-Key, direct visibility and the instance's status length.

Point a real `mastodon.Mastodon(api_base_url=stand_in.base_url, ...)` at it. Responses
follow the live API and validate against the OpenAPI description of Mastodon's docs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sandbox.connection_faults import DropAfterCommit
from sandbox.httpserver import Request, Response
from sandbox.mastodon_state import (
    DOMAIN,
    Account,
    MastodonState,
    Notification,
    Status,
    StatusRefused,
    iso,
)

RATE_LIMIT = 300  # requests per account per window (Mastodon's default)
RATE_WINDOW = timedelta(minutes=5)
DEFAULT_LIMIT = 40
MAX_NOTIFICATIONS_LIMIT = 80
MAX_STATUSES_LIMIT = 40
NOTIFICATION_TYPES = (
    "mention",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "poll",
    "update",
    "quote",
    "quoted_update",
    "admin.sign_up",
    "admin.report",
    "severed_relationships",
    "moderation_warning",
)
VISIBILITIES = ("public", "unlisted", "private", "direct")
READ, WRITE = "read", "write"

# Mastodon's wording.
INVALID_TOKEN = "The access token is invalid"
OUTSIDE_SCOPES = "This action is outside the authorized scopes"
NOT_FOUND = "Record not found"
TOO_MANY = "Too many requests"


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    handler: str
    scope: str

    @property
    def regex(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r":(\w+)", r"(?P<\1>[^/]+)", self.pattern) + "/?$")


ROUTES = (
    Route("GET", "/api/v1/accounts/verify_credentials", "_verify_credentials", READ),
    Route("GET", "/api/v2/instance", "_instance", READ),
    Route("GET", "/api/v1/notifications", "_notifications", READ),
    Route("GET", "/api/v2/notifications/policy", "_policy", READ),
    Route("POST", "/api/v1/statuses", "_post_status", WRITE),
    Route("GET", "/api/v1/statuses/:id/context", "_context", READ),
    Route("GET", "/api/v1/statuses/:id", "_status", READ),
    Route("GET", "/api/v1/accounts/:id/statuses", "_account_statuses", READ),
    Route("GET", "/api/v1/conversations", "_conversations", READ),
)


def error(status: int, message: str) -> Response:
    return Response(status, {"error": message})


class MastodonStandIn(DropAfterCommit, MastodonState):
    """An in-memory Mastodon server on 127.0.0.1 with the brand's account and token."""

    def __init__(
        self,
        *,
        brand_username: str = "carethread",
        brand_name: str = "Carethread Support",
        access_token: str = "sandbox-mastodon-token",
        max_characters: int = 500,
        rate_limit: int = RATE_LIMIT,
    ) -> None:
        DropAfterCommit.__init__(self)
        MastodonState.__init__(self, brand_username, brand_name, max_characters)
        self.tokens: dict[str, set[str]] = {access_token: {READ, WRITE}}
        self.access_token = access_token
        self.rate_limit = rate_limit
        self._windows: dict[str, tuple[datetime, int]] = {}

    def add_token(self, token: str, scopes: set[str]) -> None:
        """Another token of the brand's account, e.g. one with only the read scope."""
        with self.lock:
            self.tokens[token] = set(scopes)

    # -- faults ----------------------------------------------------------------------------
    def rate_limited(self, path_prefix: str = "/api/", reset_in: int = 60, times: int = 1) -> None:
        """The next `times` requests under `path_prefix` get Mastodon's 429."""
        reset = self.clock() + timedelta(seconds=reset_in)
        response = error(429, TOO_MANY)
        response.headers.update(self._limit_headers(reset, 0))
        self.inject(_under(path_prefix), response, times=times)

    def server_error(self, path_prefix: str = "/api/", status: int = 503, times: int = 1) -> None:
        self.inject(_under(path_prefix), error(status, "Service Unavailable"), times=times)

    def slow(self, path_prefix: str, seconds: float, times: int = 1) -> None:
        self.inject(_under(path_prefix), None, delay=seconds, times=times)

    def drop_after_posting(self, times: int = 1) -> None:
        """The next status post is stored, then the connection closes without an answer."""
        self.drop_after_commit(
            lambda r: r.method == "POST" and r.path.rstrip("/") == "/api/v1/statuses", times
        )

    # -- dispatch --------------------------------------------------------------------------
    def answer(self, request: Request) -> Response:
        route, args = self._route(request)
        if route is None:
            return error(404, NOT_FOUND)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        scopes = self.tokens.get(token) if scheme.lower() == "bearer" else None
        if scopes is None:
            response = error(401, INVALID_TOKEN)
            response.headers["WWW-Authenticate"] = (
                'Bearer realm="Doorkeeper", error="invalid_token", '
                'error_description="The access token is invalid"'
            )
            return response
        with self.lock:
            reset, remaining = self._count()
            if remaining < 0:
                response = error(429, TOO_MANY)
            elif route.scope not in scopes:
                response = error(403, OUTSIDE_SCOPES)
            else:
                try:
                    response = getattr(self, route.handler)(request, **args)
                except StatusRefused as refused:
                    response = error(refused.status, refused.message)
        response.headers.update(self._limit_headers(reset, max(remaining, 0)))
        return response

    def _route(self, request: Request) -> tuple[Route | None, dict[str, str]]:
        for route in ROUTES:
            match = route.regex.match(request.path)
            if match and route.method == request.method:
                return route, match.groupdict()
        return None, {}

    def _count(self) -> tuple[datetime, int]:
        """One request against the account's window: (reset time, requests left)."""
        now = self.clock()
        period = int(RATE_WINDOW.total_seconds())
        start = datetime.fromtimestamp(int(now.timestamp()) // period * period, now.tzinfo)
        reset = start + RATE_WINDOW
        window = self._windows.get(self.brand_id)
        used = (window[1] if window and window[0] == reset else 0) + 1
        self._windows[self.brand_id] = (reset, used)
        return reset, self.rate_limit - used

    def _limit_headers(self, reset: datetime, remaining: int) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.rate_limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": reset.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        }

    # -- the brand and the server ----------------------------------------------------------
    def _verify_credentials(self, request: Request) -> Response:
        body = self.account_json(self.accounts[self.brand_id])
        body["source"] = {
            "privacy": "public",
            "sensitive": False,
            "language": "en",
            "note": "",
            "fields": [],
            "follow_requests_count": 0,
            "indexable": True,
        }
        # Mastodon's built-in role of every user ("everyone", id -99).
        body["role"] = {
            "id": "-99",
            "name": "",
            "color": "",
            "permissions": "65536",
            "highlighted": False,
        }
        return Response(200, body)

    def _instance(self, request: Request) -> Response:
        return Response(200, self.instance_json())

    def _policy(self, request: Request) -> Response:
        filtered = [n for n in self.notifications if n["filtered"]]
        return Response(
            200,
            {
                **self.policy,
                "summary": {
                    "pending_requests_count": len({n["account_id"] for n in filtered}),
                    "pending_notifications_count": len(filtered),
                },
            },
        )

    # -- notifications ---------------------------------------------------------------------
    def _notifications(self, request: Request) -> Response:
        limit = _limit(request, MAX_NOTIFICATIONS_LIMIT)
        types = request.query.get("types[]") or request.query.get("types") or []
        excluded = request.query.get("exclude_types[]") or request.query.get("exclude_types") or []
        include_filtered = _truthy(request.arg("include_filtered"))
        items = [
            n
            for n in self.notifications
            if (not types or n["type"] in types)
            and n["type"] not in excluded
            and (include_filtered or not n["filtered"])
            and (request.arg("account_id") in (None, n["account_id"]))
        ]
        page = _paginate(items, request, limit)
        body = [self.notification_json(n) for n in page]
        response = Response(200, body)
        kept = {"limit": request.arg("limit"), "types[]": types, "exclude_types[]": excluded}
        if include_filtered:
            kept["include_filtered"] = request.arg("include_filtered")
        _link(response, request, page, kept)
        return response

    # -- statuses --------------------------------------------------------------------------
    def _post_status(self, request: Request) -> Response:
        fields = _fields(request)
        text = str(fields.get("status") or "")
        visibility = str(fields.get("visibility") or "public")
        if visibility not in VISIBILITIES:
            return error(422, f"Validation failed: Visibility '{visibility}' is not valid")
        in_reply_to = fields.get("in_reply_to_id")
        status = self.create_status(
            self.brand_id,
            text,
            in_reply_to=str(in_reply_to) if in_reply_to else None,
            visibility=visibility,
            language=str(fields["language"]) if fields.get("language") else None,
            idempotency_key=request.headers.get("idempotency-key"),
        )
        return Response(200, self.status_json(status))

    def _status(self, request: Request, id: str) -> Response:
        status = self.statuses.get(id)
        if status is None or not self.can_see(self.brand_id, status):
            return error(404, NOT_FOUND)
        return Response(200, self.status_json(status))

    def _context(self, request: Request, id: str) -> Response:
        status = self.statuses.get(id)
        if status is None or not self.can_see(self.brand_id, status):
            return error(404, NOT_FOUND)
        ancestors, descendants = self.thread(id, self.brand_id)
        return Response(
            200,
            {
                "ancestors": [self.status_json(s) for s in ancestors],
                "descendants": [self.status_json(s) for s in descendants],
            },
        )

    def _account_statuses(self, request: Request, id: str) -> Response:
        if id not in self.accounts:
            return error(404, NOT_FOUND)
        limit = _limit(request, MAX_STATUSES_LIMIT)
        # The owner sees every visibility of their own statuses; others what they may see.
        mine = sorted(
            (
                s
                for s in self.statuses.values()
                if s["account_id"] == id and self.can_see(self.brand_id, s)
            ),
            key=lambda s: int(s["id"]),
        )
        if _truthy(request.arg("exclude_replies")):
            mine = [s for s in mine if not s["in_reply_to_id"]]
        page = _paginate(mine, request, limit)
        response = Response(200, [self.status_json(s) for s in page])
        _link(response, request, page, {"limit": request.arg("limit")})
        return response

    def _conversations(self, request: Request) -> Response:
        """Direct threads of the brand: one per set of participants, newest status last."""
        limit = _limit(request, MAX_STATUSES_LIMIT)
        latest: dict[tuple[str, ...], Status] = {}
        for status in sorted(self.statuses.values(), key=lambda s: int(s["id"])):
            if status["visibility"] != "direct" or not self.can_see(self.brand_id, status):
                continue
            people = {status["account_id"], *status["mention_ids"]} - {self.brand_id}
            latest[tuple(sorted(people))] = status
        items = sorted(latest.items(), key=lambda item: int(item[1]["id"]))
        conversations = [
            {
                "id": status["id"],
                "unread": False,
                "accounts": [self.account_json(self.accounts[i]) for i in people],
                "last_status": self.status_json(status),
            }
            for people, status in items
        ]
        page = _paginate(conversations, request, limit)
        response = Response(200, page)
        _link(response, request, page, {"limit": request.arg("limit")})
        return response

    # -- JSON as Mastodon renders it --------------------------------------------------------
    def account_json(self, account: Account) -> dict[str, Any]:
        host = account["acct"].split("@")[1] if "@" in account["acct"] else DOMAIN
        avatar = f"https://{host}/avatars/original/missing.png"
        last = account["last_status_at"]
        return {
            "id": account["id"],
            "username": account["username"],
            "acct": account["acct"],
            "display_name": account["display_name"],
            "locked": False,
            "bot": False,
            "discoverable": True,
            "indexable": True,
            "group": False,
            "created_at": iso(
                account["created_at"].replace(hour=0, minute=0, second=0, microsecond=0)
            ),
            "note": "",
            "url": account["url"],
            "uri": account["uri"],
            "avatar": avatar,
            "avatar_static": avatar,
            "header": f"https://{host}/headers/original/missing.png",
            "header_static": f"https://{host}/headers/original/missing.png",
            "followers_count": account["followers_count"],
            "following_count": account["following_count"],
            "statuses_count": account["statuses_count"],
            "last_status_at": last.date().isoformat() if last else None,
            "hide_collections": None,
            "emojis": [],
            "fields": [],
        }

    def status_json(self, status: Status) -> dict[str, Any]:
        author = self.accounts[status["account_id"]]
        host = author["acct"].split("@")[1] if "@" in author["acct"] else DOMAIN
        replies = sum(1 for s in self.statuses.values() if s["in_reply_to_id"] == status["id"])
        return {
            "id": status["id"],
            "created_at": iso(status["created_at"]),
            "in_reply_to_id": status["in_reply_to_id"],
            "in_reply_to_account_id": status["in_reply_to_account_id"],
            "sensitive": False,
            "spoiler_text": "",
            "visibility": status["visibility"],
            "language": status["language"],
            "uri": f"https://{host}/users/{author['username']}/statuses/{status['id']}",
            "url": f"https://{host}/@{author['username']}/{status['id']}",
            "replies_count": replies,
            "reblogs_count": 0,
            "favourites_count": 0,
            "quotes_count": 0,
            "edited_at": None,
            "favourited": False,
            "reblogged": False,
            "muted": False,
            "bookmarked": False,
            "pinned": False,
            "content": self.render_content(status["text"]),
            "filtered": [],
            "reblog": None,
            "application": {"name": "Web", "website": None},
            "account": self.account_json(author),
            "media_attachments": [],
            "mentions": [
                {
                    "id": i,
                    "username": self.accounts[i]["username"],
                    "url": self.accounts[i]["url"],
                    "acct": self.accounts[i]["acct"],
                }
                for i in status["mention_ids"]
            ],
            "tags": [],
            "emojis": [],
            "card": None,
            "poll": None,
        }

    def notification_json(self, notification: Notification) -> dict[str, Any]:
        status = self.statuses.get(notification["status_id"])
        return {
            "id": notification["id"],
            "type": notification["type"],
            "created_at": iso(notification["created_at"]),
            "group_key": f"ungrouped-{notification['id']}",
            "account": self.account_json(self.accounts[notification["account_id"]]),
            "status": self.status_json(status) if status else None,
        }

    def instance_json(self) -> dict[str, Any]:
        users = sum(1 for a in self.accounts.values() if "@" not in a["acct"])
        return {
            "domain": DOMAIN,
            "title": "Mastodon stand-in",
            "version": "4.5.0",
            "source_url": "https://github.com/mastodon/mastodon",
            "description": "A local Mastodon server for Carethread's tests and demo.",
            "usage": {"users": {"active_month": users}},
            "thumbnail": {"url": f"https://{DOMAIN}/packs/media/images/preview.png"},
            "icon": [],
            "languages": ["en", "es"],
            "configuration": {
                "urls": {"streaming": f"wss://{DOMAIN}", "status": None},
                "vapid": {"public_key": ""},
                "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
                "statuses": {
                    "max_characters": self.max_characters,
                    "max_media_attachments": 4,
                    "characters_reserved_per_url": 23,
                },
                "media_attachments": {
                    "supported_mime_types": ["image/jpeg", "image/png"],
                    "image_size_limit": 16777216,
                    "image_matrix_limit": 33177600,
                    "video_size_limit": 103809024,
                    "video_frame_rate_limit": 120,
                    "video_matrix_limit": 8294400,
                },
                "polls": {
                    "max_options": 4,
                    "max_characters_per_option": 50,
                    "min_expiration": 300,
                    "max_expiration": 2629746,
                },
                "translation": {"enabled": False},
            },
            "registrations": {"enabled": False, "approval_required": False, "message": None},
            "api_versions": {"mastodon": 7},
            "contact": {"email": f"admin@{DOMAIN}", "account": None},
            "rules": [],
        }


# -- request helpers ---------------------------------------------------------------------------


def _under(path_prefix: str) -> Callable[[Request], bool]:
    return lambda request: request.path.startswith(path_prefix)


def _truthy(value: str | None) -> bool:
    # Rails' boolean casting: anything but these (and empty) is true.
    return value is not None and value.strip().lower() not in ("", "0", "f", "false", "off", "no")


def _limit(request: Request, maximum: int) -> int:
    raw = request.arg("limit")
    if raw is None or not raw.strip().lstrip("-").isdigit():
        return DEFAULT_LIMIT if maximum >= DEFAULT_LIMIT else maximum
    return max(1, min(int(raw), maximum))


def _fields(request: Request) -> dict[str, Any]:
    if "json" in request.headers.get("content-type", ""):
        body = request.json()
        return body if isinstance(body, dict) else {}
    return dict(request.form())


def _paginate(items: list[Any], request: Request, limit: int) -> list[Any]:
    """Mastodon's id pagination over an oldest-first list; the page is newest first.

    max_id and since_id bound the page; min_id gives the `limit` items right after it
    (to page forward), the others the newest `limit` (to page back).
    """

    def number(name: str) -> int | None:
        raw = request.arg(name)
        return int(raw) if raw and raw.isdigit() else None

    max_id, since_id, min_id = number("max_id"), number("since_id"), number("min_id")
    kept = [
        item
        for item in items
        if (max_id is None or int(item["id"]) < max_id)
        and (since_id is None or int(item["id"]) > since_id)
        and (min_id is None or int(item["id"]) > min_id)
    ]
    chosen = kept[:limit] if min_id is not None else kept[-limit:]
    return list(reversed(chosen))


def _link(response: Response, request: Request, page: list[Any], kept: dict[str, Any]) -> None:
    """Link: <…?max_id=oldest>; rel="next", <…?min_id=newest>; rel="prev" (none when empty)."""
    if not page:
        return
    base = f"http://{request.headers.get('host', '127.0.0.1')}{request.path.rstrip('/')}"
    params = [(k, v) for k, v in kept.items() if v not in (None, [], "")]

    def url(extra: tuple[str, str]) -> str:
        pairs: list[tuple[str, str]] = []
        for key, value in params:
            pairs += [(key, v) for v in value] if isinstance(value, list) else [(key, value)]
        return f"{base}?{urlencode([*pairs, extra])}"

    response.headers["Link"] = (
        f'<{url(("max_id", page[-1]["id"]))}>; rel="next", '
        f'<{url(("min_id", page[0]["id"]))}>; rel="prev"'
    )
