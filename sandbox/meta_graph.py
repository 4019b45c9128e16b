"""A local Graph API for tests and the demo: the Page, Messenger and Instagram edges
Carethread uses, with Meta's auth (`appsecret_proof`), permissions, error bodies, usage
headers and rate-limit errors, over the in-memory world of `meta_state`.

Each edge accepts exactly the parameters Meta's spec for it lists
(`../shared/specs/meta/<Node>.json`) plus the Graph-wide ones (`access_token`,
`appsecret_proof`, `fields`, `limit`, `after`, `before`), and refuses others; `EDGES`
is checked against the specs by a test. Point `GraphClient` at `base_url`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import io
import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlencode

from sandbox.httpserver import Request, Response, StandInServer
from sandbox.meta_edges import (
    ENUMS,
    GRAPH_WIDE_GET,
    GRAPH_WIDE_POST,
    PATH,
    PERMISSIONS,
    ROUTES,
)
from sandbox.meta_fields import (
    FieldRequest,
    graph_since,
    ig_replies,
    parse_fields,
    render,
    thread_messages,
    top_level_ig_comments,
)
from sandbox.meta_state import GraphFault, MetaWorld, Record


@dataclass
class Call:
    """One parsed Graph request: the node, the edge and the merged parameters."""

    node_type: str
    record: Record
    edge: str
    path: str
    params: dict[str, Any]
    account: str  # the Page or Instagram account the node belongs to
    fields: list[FieldRequest] | None


class MetaGraphStandIn(StandInServer, MetaWorld):
    """An in-memory Graph API on 127.0.0.1. Credentials: `access_token`, `app_secret`."""

    def __init__(self, *, access_token: str = "sandbox-page-token", **world: Any) -> None:
        StandInServer.__init__(self)
        MetaWorld.__init__(self, **world)
        self.access_token = access_token
        self.token_revoked = False
        self.require_proof = True
        self.granted: set[str] = set(PERMISSIONS)
        self.app_usage = 1
        self.usage: dict[str, tuple[int, int]] = {}  # account → (percent, minutes to regain)
        self.subscribed_fields: list[str] = []
        self._drops: list[Callable[[Request], bool]] = []
        self._handler = threading.local()
        self._traces = 0

    @property
    def base_url(self) -> str:
        return self.root_url

    # -- knobs for tests and the demo -------------------------------------------------
    def set_usage(self, percent: int, account: str | None = None, regain_minutes: int = 0) -> None:
        """What the usage headers report: for one account (Page or Instagram), or the app."""
        with self.lock:
            if account is None:
                self.app_usage = percent
            else:
                self.usage[account] = (percent, regain_minutes)

    def throttle(
        self, account: str, code: int = 80001, regain_minutes: int = 5, times: int = 1
    ) -> None:
        """The next `times` requests about `account` get Meta's rate-limit error `code`."""
        messages = {
            4: "(#4) Application request limit reached",
            17: "(#17) User request limit reached",
            32: "(#32) Page request limit reached",
            613: "(#613) Calls to this api have exceeded the rate limit.",
        }
        message = messages.get(
            code, f"(#{code}) There have been too many calls to this account. Wait a bit."
        )
        body = GraphFault(code, message).body(self._trace())
        headers = self._usage_headers(account, (100, regain_minutes))
        self.inject(
            lambda request: self.account_of_path(request.path) == account,
            Response(400, body, headers),
            times=times,
        )

    def server_error(self, path_part: str, times: int = 1) -> None:
        body = GraphFault(
            2, "An unexpected error has occurred. Please retry your request later."
        ).body(self._trace())
        body["error"]["is_transient"] = True
        self.inject(lambda request: path_part in request.path, Response(500, body), times=times)

    def drop_after_commit(self, method: str, path_part: str, times: int = 1) -> None:
        """The next matching request is carried out, then the connection is cut before any
        answer: the client cannot know whether it worked."""
        remaining = [times]

        def matches(request: Request) -> bool:
            if request.method == method and path_part in request.path and remaining[0] > 0:
                remaining[0] -= 1
                return True
            return False

        with self.lock:
            self._drops.append(matches)

    def revoke_token(self) -> None:
        self.token_revoked = True

    def deny(self, permission: str) -> None:
        self.granted.discard(permission)

    # -- dispatch -------------------------------------------------------------------------
    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        self._handler.current = handler
        super()._serve(handler)

    def dispatch(self, request: Request) -> Response:
        account = self.account_of_path(request.path) or self.page["id"]
        try:
            with self.lock:
                response = self._answer(request)
        except GraphFault as fault:
            response = Response(fault.status, fault.body(self._trace()))
        response.headers.update(self._usage_headers(account, self.usage.get(account)))
        if request.method == "POST" and response.status == 200:
            self.changed({"kind": "brand_answer", "path": request.path})
        if any(drop(request) for drop in list(self._drops)):
            self._cut_connection()
        return response

    def _notify(self, payload: Record) -> None:
        """A customer did something: live views redraw, and the webhook goes out."""
        self.changed({"kind": "customer", "object": payload.get("object")})
        super()._notify(payload)

    def _answer(self, request: Request) -> Response:
        match = PATH.match(request.path)
        if match is None:
            raise GraphFault(2500, f"Unknown path components: {request.path}")
        node_id, edge_name = match.group(2), match.group(3) or "#get"
        params = self._params(request)
        self._authenticate(request, params)
        node_type, record = self._node(node_id)
        edge = ROUTES.get((request.method, node_type, edge_name))
        if edge is None:
            raise GraphFault(2500, f"Unknown path components: /{edge_name}")
        allowed = set(edge.params) | set(
            GRAPH_WIDE_GET if request.method == "GET" else GRAPH_WIDE_POST
        )
        for name in params:
            if name not in allowed:
                raise GraphFault(100, f"(#100) Param {name} is not accepted by this edge")
        for name in edge.required:
            if params.get(name) in (None, ""):
                raise GraphFault(100, f"(#100) The parameter {name} is required")
        for name, choices in ENUMS.items():
            if name in params and params[name] not in choices:
                raise GraphFault(
                    100, f"(#100) Param {name} must be one of {{{', '.join(choices)}}}"
                )
        missing = [p for p in edge.permissions if p not in self.granted]
        if missing:
            raise GraphFault(200, f"(#200) Requires {missing[0]} permission to manage the object")
        raw_fields = params.get("fields")
        call = Call(
            node_type,
            record,
            edge_name,
            request.path,
            params,
            self.account_of(node_type, record),
            parse_fields(raw_fields) if raw_fields else None,
        )
        body: Record = getattr(self, edge.handler)(call)
        return Response(200, body)

    def _params(self, request: Request) -> dict[str, Any]:
        params: dict[str, Any] = {k: _maybe_json(v[0]) for k, v in request.query.items()}
        if request.method != "POST" or not request.body:
            return params
        if request.headers.get("content-type", "").startswith("application/json"):
            try:
                body = request.json()
            except ValueError as exc:
                raise GraphFault(100, "(#100) The request body is not valid JSON") from exc
            if not isinstance(body, dict):
                raise GraphFault(100, "(#100) The request body must be a JSON object")
            params.update(body)
        else:
            for name, value in request.form().items():
                params[name] = _maybe_json(value)
        return params

    def _authenticate(self, request: Request, params: dict[str, Any]) -> None:
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        token = credentials if scheme in {"Bearer", "OAuth"} else params.get("access_token")
        if not token:
            raise GraphFault(104, "An access token is required to request this resource.")
        if token != self.access_token:
            raise GraphFault(190, "Invalid OAuth access token - Cannot parse access token")
        if self.token_revoked:
            raise GraphFault(
                190,
                "Error validating access token: The session has been invalidated because the "
                "user changed their password or Facebook has changed the session for security "
                "reasons.",
                subcode=460,
            )
        if self.require_proof:
            proof = params.get("appsecret_proof")
            if not proof:
                raise GraphFault(
                    100,
                    "API calls from the server require an appsecret_proof argument",
                    type_="GraphMethodException",
                )
            if proof != _proof(self.app_secret, token):
                raise GraphFault(
                    100,
                    "Invalid appsecret_proof provided in the API argument",
                    type_="GraphMethodException",
                )

    def _node(self, node_id: str) -> tuple[str, Record]:
        tables = (
            ("Page", {self.page["id"]: self.page}),
            ("PagePost", self.posts),
            ("Comment", self.comments),
            ("UnifiedThread", self.threads),
            ("User", self.people),
            ("IGUser", {self.ig_account["id"]: self.ig_account}),
            ("IGMedia", self.media),
            ("IGComment", self.ig_comments),
        )
        for node_type, table in tables:
            if node_id in table:
                return node_type, table[node_id]
        raise GraphFault(
            100,
            f"Unsupported get request. Object with ID '{node_id}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation.",
            subcode=33,
            type_="GraphMethodException",
        )

    def account_of(self, node_type: str, record: Record) -> str:
        instagram = node_type.startswith("IG") or record.get("platform") == "instagram"
        return self.ig_account["id"] if instagram else self.page["id"]

    def account_of_path(self, path: str) -> str | None:
        match = PATH.match(path)
        if match is None:
            return None
        with self.lock:
            try:
                node_type, record = self._node(match.group(2))
            except GraphFault:
                return None
            return self.account_of(node_type, record)

    def _usage_headers(self, account: str, usage: tuple[int, int] | None) -> dict[str, str]:
        percent, regain = usage or (1, 0)
        kind = "instagram" if account == self.ig_account["id"] else "pages"
        business = {
            account: [
                {
                    "type": kind,
                    "call_count": percent,
                    "total_cputime": max(1, percent // 2),
                    "total_time": max(1, percent // 2),
                    "estimated_time_to_regain_access": regain,
                }
            ]
        }
        app = {
            "call_count": self.app_usage,
            "total_cputime": self.app_usage,
            "total_time": self.app_usage,
        }
        return {
            "X-App-Usage": json.dumps(app),
            "X-Business-Use-Case-Usage": json.dumps(business),
        }

    def _cut_connection(self) -> None:
        """Close the socket without answering (after the request took effect)."""
        handler: BaseHTTPRequestHandler | None = getattr(self._handler, "current", None)
        if handler is None:
            return
        handler.close_connection = True
        handler.wfile = io.BytesIO()  # the answer goes nowhere
        with contextlib.suppress(OSError):
            handler.connection.shutdown(socket.SHUT_RDWR)

    def _trace(self) -> str:
        self._traces += 1
        return base64.b64encode(f"trace-{self._traces}".encode()).decode()

    # -- reading ----------------------------------------------------------------------------
    def _get_node(self, call: Call) -> Record:
        return render(self, call.node_type, call.record, call.fields)

    def _get_feed(self, call: Call) -> Record:
        visitors_only = call.edge == "visitor_posts"
        posts = [
            p
            for p in self.posts.values()
            if (not visitors_only or p["from"]["id"] != self.page["id"])
            and (call.params.get("include_hidden") in (True, "true") or not p["is_hidden"])
        ]
        posts.sort(key=lambda p: p["created_time"], reverse=True)
        return self._listing(call, "PagePost", posts)

    def _get_comments(self, call: Call) -> Record:
        node = call.record
        stream = call.params.get("filter") == "stream"
        if call.node_type == "PagePost":
            found = [
                c
                for c in self.comments.values()
                if c["post_id"] == node["id"] and (stream or c["parent_id"] is None)
            ]
        else:  # a comment: its replies (one level deep, so `stream` adds nothing)
            found = [c for c in self.comments.values() if c["parent_id"] == node["id"]]
        since = call.params.get("since")
        if since:
            moment = graph_since(str(since), "since")
            found = [c for c in found if c["created_time"] >= moment]
        found.sort(
            key=lambda c: c["created_time"],
            reverse=call.params.get("order") == "reverse_chronological",
        )
        return self._listing(call, "Comment", found)

    def _get_conversations(self, call: Call) -> Record:
        platform = call.params.get("platform") or "messenger"
        if platform == "instagram" and "instagram_manage_messages" not in self.granted:
            raise GraphFault(200, "(#200) Requires instagram_manage_messages permission")
        user_id = call.params.get("user_id")
        threads = [
            t
            for t in self.threads.values()
            if t["platform"] == platform and (not user_id or t["user_id"] == user_id)
        ]
        threads.sort(key=lambda t: t["updated_time"], reverse=True)
        return self._listing(call, "UnifiedThread", threads)

    def _get_messages(self, call: Call) -> Record:
        return self._listing(call, "UnifiedMessage", thread_messages(self, call.record))

    def _get_media(self, call: Call) -> Record:
        media = [m for m in self.media.values() if m["owner_id"] == self.ig_account["id"]]
        for name, keep in (("since", lambda t, m: t >= m), ("until", lambda t, m: t <= m)):
            if call.params.get(name):
                moment = graph_since(str(call.params[name]), name)
                media = [m for m in media if keep(m["timestamp"], moment)]
        media.sort(key=lambda m: m["timestamp"], reverse=True)
        return self._listing(call, "IGMedia", media)

    def _get_tags(self, call: Call) -> Record:
        media = [m for m in self.media.values() if m["tags_account"]]
        media.sort(key=lambda m: m["timestamp"], reverse=True)
        return self._listing(call, "IGMedia", media)

    def _get_ig_comments(self, call: Call) -> Record:
        return self._listing(call, "IGComment", top_level_ig_comments(self, call.record))

    def _get_ig_replies(self, call: Call) -> Record:
        return self._listing(call, "IGComment", ig_replies(self, call.record))

    def _listing(self, call: Call, node_type: str, records: list[Record]) -> Record:
        """One page of an edge, with Meta's cursor paging."""
        limit = _limit(call.params.get("limit"))
        start = _decode_cursor(call.params.get("after")) if call.params.get("after") else 0
        page = records[start : start + limit]
        body: Record = {"data": [render(self, node_type, r, call.fields) for r in page]}
        if page:
            paging: Record = {
                "cursors": {"before": _cursor(start), "after": _cursor(start + len(page))}
            }
            if start + limit < len(records):
                query = {k: v for k, v in call.params.items() if k != "after"}
                query["after"] = _cursor(start + len(page))
                paging["next"] = f"{self.base_url}{call.path}?{urlencode(query)}"
            body["paging"] = paging
        return body

    # -- writing ----------------------------------------------------------------------------
    def _post_comment(self, call: Call) -> Record:
        message = call.params.get("message") or call.params.get("comment") or ""
        if not message and not call.params.get("attachment_url"):
            raise GraphFault(100, "(#100) Missing message or attachment")
        return {"id": self.brand_comment(call.record["id"], str(message))["id"]}

    def _post_message(self, call: Call) -> Record:
        recipient = call.params.get("recipient")
        if not isinstance(recipient, dict) or not (
            {"id", "comment_id", "post_id"} & set(recipient)
        ):
            raise GraphFault(100, "(#100) param recipient must be an object with id or comment_id")
        message = call.params.get("message")
        text = message.get("text") if isinstance(message, dict) else None
        if not isinstance(text, str):
            raise GraphFault(100, "(#100) param message must be an object with text")
        person = str(recipient.get("id") or "")
        if person in self.ig_people and "instagram_manage_messages" not in self.granted:
            raise GraphFault(200, "(#200) Requires instagram_manage_messages permission")
        tag = call.params.get("tag")
        return self.send_message(
            recipient, text, call.params.get("messaging_type"), str(tag) if tag else None
        )

    def _post_subscribed_apps(self, call: Call) -> Record:
        fields = call.params["subscribed_fields"]
        self.subscribed_fields = fields if isinstance(fields, list) else str(fields).split(",")
        return {"success": True}

    def _post_mention(self, call: Call) -> Record:
        comment_id = call.params.get("comment_id")
        reply = self.brand_mention_reply(
            str(call.params["media_id"]),
            str(comment_id) if comment_id else None,
            str(call.params["message"]),
        )
        return {"id": reply["id"]}

    def _post_ig_reply(self, call: Call) -> Record:
        message = call.params.get("message")
        if not message:
            raise GraphFault(100, "(#100) The parameter message is required")
        return {"id": self.brand_ig_reply(call.record["id"], str(message))["id"]}


def _maybe_json(value: str) -> Any:
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _limit(raw: object) -> int:
    if raw is None:
        return 25
    try:
        value = int(str(raw))
    except ValueError as exc:
        raise GraphFault(100, "(#100) Param limit must be an integer") from exc
    if not 1 <= value <= 100:
        raise GraphFault(100, "(#100) Param limit must be between 1 and 100")
    return value


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"i:{index}".encode()).decode().rstrip("=")


def _decode_cursor(raw: object) -> int:
    try:
        text = base64.urlsafe_b64decode(str(raw) + "=" * (-len(str(raw)) % 4)).decode()
        return int(text.removeprefix("i:"))
    except ValueError as exc:
        raise GraphFault(100, "(#100) Invalid cursor in after") from exc


def _proof(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()
