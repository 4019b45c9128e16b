"""A local Bluesky (PDS + AppView + chat) for tests and the demo: the XRPC methods Carethread
uses, with app-password sessions (createSession limited to 30 per 5 minutes, refresh),
records stored by record key, notifications with cursors, chat through the
`atproto-proxy` header with Bluesky's refusals, rate limits and XRPC error bodies.

Point a real `atproto.Client(base_url=stand_in.base_url)` at it. Parameters, inputs and
records are checked against the lexicons (`../shared/specs/bluesky/lexicons`), as a PDS
checks records; tests check every response against them too.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sandbox.bluesky_state import (
    POST,
    BlueskyState,
    RecordRefused,
    cid_for,
    iso,
)
from sandbox.connection_faults import DropAfterCommit
from sandbox.httpserver import Request, Response
from sandbox.lexicon import LexiconError, Lexicons

CHAT_PROXY = "did:web:api.bsky.chat#bsky_chat"
SERVICE_DID = "did:web:pds.bsky.example"
SESSION_LIMIT = 30  # createSession per account per 5 minutes
SESSION_WINDOW = timedelta(minutes=5)
REQUEST_LIMIT = 3000  # requests per 5 minutes (per IP on the real service)
REQUEST_WINDOW = timedelta(minutes=5)
ACCESS_LIFETIME = timedelta(hours=2)
REFRESH_LIFETIME = timedelta(days=90)
DEFAULT_LEXICONS = Path(__file__).resolve().parents[1].parent / "shared/specs/bluesky/lexicons"


@dataclass(frozen=True)
class Method:
    nsid: str
    kind: str  # "query" (GET) or "procedure" (POST)
    handler: str
    auth: str  # "none", "access", "refresh"
    chat: bool = False


METHODS = {
    m.nsid: m
    for m in (
        Method("com.atproto.server.createSession", "procedure", "_create_session", "none"),
        Method("com.atproto.server.refreshSession", "procedure", "_refresh_session", "refresh"),
        Method("com.atproto.server.getSession", "query", "_get_session", "access"),
        Method("app.bsky.actor.getProfile", "query", "_get_profile", "access"),
        Method("app.bsky.actor.getProfiles", "query", "_get_profiles", "access"),
        Method("app.bsky.notification.listNotifications", "query", "_list_notifications", "access"),
        Method("app.bsky.notification.updateSeen", "procedure", "_update_seen", "access"),
        Method("com.atproto.repo.createRecord", "procedure", "_create_record", "access"),
        Method("com.atproto.repo.getRecord", "query", "_get_record", "access"),
        Method("chat.bsky.convo.getConvoForMembers", "query", "_convo_for_members", "access", True),
        Method("chat.bsky.convo.sendMessage", "procedure", "_send_message", "access", True),
        Method("chat.bsky.convo.getMessages", "query", "_get_messages", "access", True),
    )
}


class XrpcError(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.response = xrpc_error(status, error, message)


def xrpc_error(status: int, error: str, message: str) -> Response:
    return Response(status, {"error": error, "message": message})


class BlueskyStandIn(DropAfterCommit, BlueskyState):
    """An in-memory Bluesky on 127.0.0.1 with the brand's account and app password."""

    def __init__(
        self,
        *,
        brand_handle: str = "carethread.bsky.social",
        brand_name: str = "Carethread Support",
        app_password: str = "sand-box0-app0-pass",
        messages_allowed: bool = True,
        lexicon_folder: Path | None = DEFAULT_LEXICONS,
        access_lifetime: timedelta = ACCESS_LIFETIME,
    ) -> None:
        DropAfterCommit.__init__(self)
        folder = lexicon_folder if lexicon_folder and lexicon_folder.exists() else None
        BlueskyState.__init__(self, brand_handle, brand_name, Lexicons(folder) if folder else None)
        self.brand_handle = brand_handle
        self.app_password = app_password
        # App passwords reach chat only with "Allow access to your direct messages".
        self.messages_allowed = messages_allowed
        self.access_lifetime = access_lifetime
        self.sessions_created: list[datetime] = []
        self.sessions_refreshed = 0
        self._access: dict[str, datetime] = {}  # token -> expiry
        self._refresh: dict[str, datetime] = {}
        self._seen_at: datetime | None = None
        self._window: tuple[datetime, int] | None = None

    # -- faults ----------------------------------------------------------------------------
    def rate_limited(self, nsid: str, reset_in: int = 60, times: int = 1) -> None:
        reset = int((self.clock() + timedelta(seconds=reset_in)).timestamp())
        response = xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded")
        response.headers.update(_limit_headers(REQUEST_LIMIT, 0, reset, REQUEST_WINDOW))
        self.inject(_method(nsid), response, times=times)

    def server_error(self, nsid: str, status: int = 502, times: int = 1) -> None:
        self.inject(
            _method(nsid), xrpc_error(status, "UpstreamFailure", "Upstream Failure"), times=times
        )

    def slow(self, nsid: str, seconds: float, times: int = 1) -> None:
        self.inject(_method(nsid), None, delay=seconds, times=times)

    def drop_after_writing(
        self, nsid: str = "com.atproto.repo.createRecord", times: int = 1
    ) -> None:
        """The next `nsid` call is performed, then the connection closes without an answer."""
        self.drop_after_commit(_method(nsid), times)

    def expire_sessions(self) -> None:
        """Every access and refresh token stops working (e.g. the app password was reset)."""
        with self.lock:
            self._access.clear()
            self._refresh.clear()

    # -- dispatch --------------------------------------------------------------------------
    def answer(self, request: Request) -> Response:
        nsid = request.path.removeprefix("/xrpc/")
        method = METHODS.get(nsid)
        if not request.path.startswith("/xrpc/") or method is None:
            return xrpc_error(501, "MethodNotImplemented", "Method Not Implemented")
        with self.lock:
            reset, remaining = self._count()
            if remaining < 0:
                response = xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded")
            else:
                try:
                    response = self._handle(method, request)
                except XrpcError as error:
                    response = error.response
                except RecordRefused as refused:
                    response = xrpc_error(refused.status, refused.error, refused.message)
            if "ratelimit-limit" not in response.headers:
                response.headers.update(
                    _limit_headers(REQUEST_LIMIT, max(remaining, 0), reset, REQUEST_WINDOW)
                )
        return response

    def _handle(self, method: Method, request: Request) -> Response:
        expected = "GET" if method.kind == "query" else "POST"
        if request.method != expected:
            raise XrpcError(400, "InvalidRequest", f"Incorrect HTTP method ({request.method})")
        caller = self._authenticate(method, request)
        if method.chat:
            if request.headers.get("atproto-proxy") != CHAT_PROXY:
                # The PDS itself does not implement chat: only the chat service does.
                raise XrpcError(501, "MethodNotImplemented", "Method Not Implemented")
            if not self.messages_allowed:
                raise XrpcError(400, "InvalidToken", "Bad token scope")
        body: Any = None
        try:
            if self.lexicons is not None:
                self.lexicons.validate_params(method.nsid, request.query)
            if method.kind == "procedure" and request.body:
                body = json.loads(request.body)
            if self.lexicons is not None and method.kind == "procedure":
                self.lexicons.validate_input(method.nsid, body)
        except (LexiconError, ValueError) as exc:
            raise XrpcError(400, "InvalidRequest", str(exc)) from exc
        handler: Callable[..., Response] = getattr(self, method.handler)
        return handler(request, body, caller)

    def _authenticate(self, method: Method, request: Request) -> str | None:
        if method.auth == "none":
            return None
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise XrpcError(401, "AuthenticationRequired", "Authentication Required")
        tokens = self._refresh if method.auth == "refresh" else self._access
        expiry = tokens.get(token)
        if expiry is None:
            raise XrpcError(400, "InvalidToken", "Token could not be verified")
        if expiry <= self.clock():
            raise XrpcError(400, "ExpiredToken", "Token has expired")
        return self.brand_did

    def _count(self) -> tuple[int, int]:
        now = self.clock()
        if self._window is None or now >= self._window[0]:
            self._window = (now + REQUEST_WINDOW, 0)
        self._window = (self._window[0], self._window[1] + 1)
        return int(self._window[0].timestamp()), REQUEST_LIMIT - self._window[1]

    # -- sessions --------------------------------------------------------------------------
    def _create_session(self, request: Request, body: Any, caller: str | None) -> Response:
        identifier = str(body.get("identifier", "")).lower().lstrip("@")
        now = self.clock()
        recent = [t for t in self.sessions_created if now - t < SESSION_WINDOW]
        if len(recent) >= SESSION_LIMIT:
            reset = int((min(recent) + SESSION_WINDOW).timestamp())
            response = xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded")
            response.headers.update(_limit_headers(SESSION_LIMIT, 0, reset, SESSION_WINDOW))
            return response
        if identifier not in (self.brand_handle, self.brand_did) or (
            body.get("password") != self.app_password
        ):
            raise XrpcError(401, "AuthenticationRequired", "Invalid identifier or password")
        self.sessions_created.append(now)
        return Response(200, {**self._issue_tokens(), "active": True})

    def _refresh_session(self, request: Request, body: Any, caller: str | None) -> Response:
        used = request.headers["authorization"].partition(" ")[2]
        self._refresh.pop(used, None)  # a refresh token is used once
        self.sessions_refreshed += 1
        return Response(200, {**self._issue_tokens(), "active": True})

    def _get_session(self, request: Request, body: Any, caller: str | None) -> Response:
        return Response(200, {"handle": self.brand_handle, "did": self.brand_did, "active": True})

    def _issue_tokens(self) -> dict[str, Any]:
        now = self.clock()
        access_expiry, refresh_expiry = now + self.access_lifetime, now + REFRESH_LIFETIME
        access = _jwt(
            {"scope": "com.atproto.appPass", "sub": self.brand_did, "aud": SERVICE_DID},
            now,
            access_expiry,
        )
        refresh = _jwt(
            {
                "scope": "com.atproto.refresh",
                "sub": self.brand_did,
                "aud": SERVICE_DID,
                "jti": secrets.token_urlsafe(16),
            },
            now,
            refresh_expiry,
        )
        self._access[access] = access_expiry
        self._refresh[refresh] = refresh_expiry
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": self.brand_handle,
            "did": self.brand_did,
        }

    # -- profiles --------------------------------------------------------------------------
    def _get_profile(self, request: Request, body: Any, caller: str | None) -> Response:
        actor = self.actor(request.arg("actor") or "")
        if actor is None:
            raise XrpcError(400, "InvalidRequest", "Profile not found")
        return Response(200, self.profile_json(actor, detailed=True))

    def _get_profiles(self, request: Request, body: Any, caller: str | None) -> Response:
        found = [self.actor(a) for a in request.query.get("actors", [])]
        return Response(
            200, {"profiles": [self.profile_json(a, detailed=True) for a in found if a]}
        )

    # -- notifications ---------------------------------------------------------------------
    def _list_notifications(self, request: Request, body: Any, caller: str | None) -> Response:
        reasons = request.query.get("reasons") or []
        limit = int(request.arg("limit") or 50)
        items = [n for n in reversed(self.notifications) if not reasons or n["reason"] in reasons]
        cursor = request.arg("cursor")
        if cursor:
            position = next((i for i, n in enumerate(items) if _cursor(n) == cursor), None)
            if position is None:
                raise XrpcError(400, "InvalidRequest", "Malformed cursor")
            items = items[position + 1 :]
        page, rest = items[:limit], items[limit:]
        seen = self._seen_at
        body_out: dict[str, Any] = {
            "notifications": [self.notification_json(n, seen) for n in page],
            "priority": False,
        }
        if rest and page:
            body_out["cursor"] = _cursor(page[-1])
        if seen:
            body_out["seenAt"] = iso(seen)
        return Response(200, body_out)

    def _update_seen(self, request: Request, body: Any, caller: str | None) -> Response:
        self._seen_at = datetime.fromisoformat(body["seenAt"].replace("Z", "+00:00"))
        return Response(200, None)

    # -- records ---------------------------------------------------------------------------
    def _create_record(self, request: Request, body: Any, caller: str | None) -> Response:
        repo = self.actor(str(body["repo"]))
        if repo is None or repo["did"] != caller:
            raise XrpcError(400, "InvalidRequest", "Invalid repo: not the authenticated account")
        collection = str(body["collection"])
        rkey = str(body.get("rkey") or self.next_tid())
        record = body["record"]
        if not isinstance(record, dict) or record.get("$type", collection) != collection:
            raise XrpcError(400, "InvalidRequest", "Invalid $type: must match the collection")
        record = {**record, "$type": collection}
        entry = self.write_record(caller, collection, rkey, record)
        return Response(
            200,
            {
                "uri": entry["uri"],
                "cid": entry["cid"],
                "commit": {"cid": cid_for(entry["uri"]), "rev": self.next_tid()},
                "validationStatus": "valid" if self.lexicons else "unknown",
            },
        )

    def _get_record(self, request: Request, body: Any, caller: str | None) -> Response:
        actor = self.actor(request.arg("repo") or "")
        key = (request.arg("collection") or "", request.arg("rkey") or "")
        entry = self.repos.get(actor["did"], {}).get(key) if actor else None
        if entry is None:
            raise XrpcError(400, "RecordNotFound", f"Could not locate record: at://{'/'.join(key)}")
        return Response(200, {"uri": entry["uri"], "cid": entry["cid"], "value": entry["value"]})

    # -- chat (the chat service behind the proxy) -------------------------------------------
    def _convo_for_members(self, request: Request, body: Any, caller: str | None) -> Response:
        assert caller is not None
        others = [d for d in request.query.get("members", []) if d != caller]
        for did in others:
            actor = self.actors.get(did)
            if actor is None:
                raise XrpcError(400, "RecipientNotFound", "recipient not found")
            setting = self.allow_incoming(did)
            if setting == "none":
                raise XrpcError(400, "MessagesDisabled", "recipient has disabled incoming messages")
            if setting == "following" and not actor["follows_brand"]:
                raise XrpcError(
                    400,
                    "NotFollowedBySender",
                    "recipient requires incoming messages to come from someone they follow",
                )
        convo = self.convo_between([caller, *others])
        return Response(200, {"convo": self.convo_json(convo)})

    def _send_message(self, request: Request, body: Any, caller: str | None) -> Response:
        assert caller is not None
        convo = next((c for c in self.convos.values() if c["id"] == body["convoId"]), None)
        if convo is None or caller not in convo["members"]:
            raise XrpcError(400, "InvalidConvo", "Convo not found")
        message = body["message"]
        sent = self.add_message(convo, caller, message["text"], message.get("facets"))
        return Response(200, self.message_json(sent))

    def _get_messages(self, request: Request, body: Any, caller: str | None) -> Response:
        convo = next((c for c in self.convos.values() if c["id"] == request.arg("convoId")), None)
        if convo is None or caller not in convo["members"]:
            raise XrpcError(400, "InvalidConvo", "Convo not found")
        limit = int(request.arg("limit") or 50)
        newest_first = list(reversed(convo["messages"]))[:limit]
        return Response(
            200,
            {
                "messages": [
                    {"$type": "chat.bsky.convo.defs#messageView", **self.message_json(m)}
                    for m in newest_first
                ]
            },
        )

    # -- JSON as the services render it -----------------------------------------------------
    def profile_json(self, actor: dict[str, Any], *, detailed: bool = False) -> dict[str, Any]:
        profile: dict[str, Any] = {
            "did": actor["did"],
            "handle": actor["handle"],
            "displayName": actor["displayName"],
            "createdAt": iso(actor["createdAt"]),
            "indexedAt": iso(actor["createdAt"]),
            "labels": [],
        }
        if detailed:
            posts = sum(1 for (c, _) in self.repos[actor["did"]] if c == POST)
            profile.update(
                followersCount=actor["followersCount"],
                followsCount=actor["followsCount"],
                postsCount=posts,
            )
        return profile

    def notification_json(self, notification: dict[str, Any], seen: datetime | None) -> Any:
        entry = notification["entry"]
        body = {
            "uri": entry["uri"],
            "cid": entry["cid"],
            "author": self.profile_json(self.actors[entry["did"]]),
            "reason": notification["reason"],
            "record": entry["value"],
            "isRead": bool(seen and entry["indexedAt"] <= seen),
            "indexedAt": iso(entry["indexedAt"]),
            "labels": [],
        }
        if notification["reasonSubject"]:
            body["reasonSubject"] = notification["reasonSubject"]
        return body

    def convo_json(self, convo: dict[str, Any]) -> dict[str, Any]:
        members = [
            {"did": a["did"], "handle": a["handle"], "displayName": a["displayName"]}
            for a in (self.actors[d] for d in convo["members"])
        ]
        view: dict[str, Any] = {
            "id": convo["id"],
            "rev": self.next_tid(),
            "members": members,
            "muted": False,
            "unreadCount": 0,
        }
        if convo["messages"]:
            view["lastMessage"] = {
                "$type": "chat.bsky.convo.defs#messageView",
                **self.message_json(convo["messages"][-1]),
            }
        return view

    def message_json(self, message: dict[str, Any]) -> dict[str, Any]:
        view = {
            "id": message["id"],
            "rev": message["rev"],
            "text": message["text"],
            "sender": {"did": message["sender"]},
            "sentAt": iso(message["sentAt"]),
        }
        if message.get("facets"):
            view["facets"] = message["facets"]
        return view


def _method(nsid: str) -> Callable[[Request], bool]:
    return lambda request: request.path == f"/xrpc/{nsid}"


def _cursor(notification: dict[str, Any]) -> str:
    # The AppView's keyset cursor: the sort time and the record's cid.
    entry = notification["entry"]
    return f"{int(entry['indexedAt'].timestamp() * 1000)}::{entry['cid']}"


def _limit_headers(limit: int, remaining: int, reset: int, window: timedelta) -> dict[str, str]:
    return {
        "ratelimit-limit": str(limit),
        "ratelimit-remaining": str(remaining),
        "ratelimit-reset": str(reset),
        "ratelimit-policy": f"{limit};w={int(window.total_seconds())}",
    }


def _jwt(claims: dict[str, Any], issued: datetime, expires: datetime) -> str:
    """A token shaped like the PDS's (the client reads `exp` to know when to refresh)."""

    def part(value: dict[str, Any]) -> str:
        raw = json.dumps(value, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    payload = {**claims, "iat": int(issued.timestamp()), "exp": int(expires.timestamp())}
    signature = base64.urlsafe_b64encode(secrets.token_bytes(64)).decode().rstrip("=")
    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(payload)}.{signature}"
