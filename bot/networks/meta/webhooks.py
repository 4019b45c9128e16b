"""Meta webhooks, framework-free: the verification handshake, the signature, the payloads.

Meta calls `GET <callback>?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` once when
the subscription is set up, and `POST <callback>` with a JSON body signed in
`X-Hub-Signature-256: sha256=<HMAC-SHA256(app secret, raw body)>` for every event. It wants
a 200 quickly (it retries otherwise), so `handle_meta_webhook` only checks and parses; the
caller stores the posts after answering. Duplicates (Meta's retries, a post seen by polling
too) are the same `(network, external_id)` and are dropped by the store's unique key.

Payloads (Meta's documented examples): Page `feed` changes (`item` comment/status/post/…,
`verb` add), Page `messaging` events (Messenger), Instagram `comments` and `mentions`
changes and Instagram `messaging` events.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import parse_qs

from bot.networks.base import Author, FetchedPost
from bot.networks.meta.objects import (
    MentionRef,
    facebook_author,
    facebook_comment,
    instagram_author,
    instagram_comment,
    instagram_dm,
    messenger_message,
    visitor_post,
)

SIGNATURE_HEADER = "X-Hub-Signature-256"
# Meta's payloads are small (batches of a few events); anything bigger is not Meta.
MAX_BODY = 1_000_000
RECEIVED = b"EVENT_RECEIVED"
# Feed items that are posts (a visitor's status, photo, video, link …).
POST_ITEMS = frozenset({"status", "post", "photo", "video", "link", "share"})

WSGIEnviron = Mapping[str, Any]


class WebhookResult(NamedTuple):
    """What to answer Meta (`status`, `body`) and what the request brought."""

    status: str
    body: bytes
    posts: list[FetchedPost]
    mentions: list[MentionRef]


def verify_handshake(params: Mapping[str, str], verify_token: str | None) -> str | None:
    """The challenge to echo when Meta's subscription request carries our verify token."""
    offered = params.get("hub.verify_token") or ""
    if (
        verify_token
        and params.get("hub.mode") == "subscribe"
        and hmac.compare_digest(offered.encode(), verify_token.encode())
    ):
        return params.get("hub.challenge")
    return None


def verify_signature(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """True when `header` is `sha256=<HMAC-SHA256(app_secret, raw_body)>` (constant time)."""
    if not header or not app_secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.removeprefix("sha256=").strip().lower(), expected)


def parse_webhook(payload: object) -> list[FetchedPost]:
    """The customer posts in a webhook payload, as polling would return them."""
    posts: list[FetchedPost] = []
    if not isinstance(payload, dict):
        return posts
    instagram = payload.get("object") == "instagram"
    for entry in _dicts(payload.get("entry")):
        account_id = str(entry.get("id") or "")
        at = _moment(entry.get("time"))
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            field = change.get("field")
            if field == "feed" and not instagram:
                post = _feed_change(value, account_id)
            elif field == "comments" and instagram:
                post = _instagram_comment(value, account_id, at)
            else:
                post = None
            if post is not None:
                posts.append(post)
        for event in _dicts(entry.get("messaging")):
            post = _message(event, account_id, instagram)
            if post is not None:
                posts.append(post)
    return posts


def mention_refs(payload: object) -> list[MentionRef]:
    """The Instagram `mentions` changes in a payload (ids only: their text is read later)."""
    if not isinstance(payload, dict) or payload.get("object") != "instagram":
        return []
    refs = []
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if (
                change.get("field") == "mentions"
                and isinstance(value, dict)
                and value.get("media_id")
            ):
                comment = value.get("comment_id")
                refs.append(MentionRef(str(value["media_id"]), str(comment) if comment else None))
    return refs


def handle_meta_webhook(
    environ: WSGIEnviron, *, app_secret: str, verify_token: str | None
) -> WebhookResult:
    """Answer one request to `/webhooks/meta`: handshake (GET) or event delivery (POST)."""
    method = environ.get("REQUEST_METHOD", "GET")
    if method == "GET":
        query = parse_qs(str(environ.get("QUERY_STRING", "")))
        params = {name: values[0] for name, values in query.items()}
        challenge = verify_handshake(params, verify_token)
        if challenge is None:
            return WebhookResult("403 Forbidden", b"verify token mismatch", [], [])
        return WebhookResult("200 OK", challenge.encode(), [], [])
    if method != "POST":
        return WebhookResult("405 Method Not Allowed", b"GET or POST only", [], [])
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if length < 0 or length > MAX_BODY:
        return WebhookResult("413 Content Too Large", b"body too large", [], [])
    stream = environ.get("wsgi.input")
    raw = stream.read(length) if stream is not None and length else b""
    header = environ.get("HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_"))
    if not verify_signature(raw, header, app_secret):
        return WebhookResult("401 Unauthorized", b"bad or missing signature", [], [])
    try:
        payload = json.loads(raw)
    except ValueError:
        return WebhookResult("400 Bad Request", b"body is not JSON", [], [])
    return WebhookResult("200 OK", RECEIVED, parse_webhook(payload), mention_refs(payload))


StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def make_meta_webhook_app(
    *, app_secret: str, verify_token: str | None, deliver: Callable[[WebhookResult], None]
) -> WSGIApp:
    """A WSGI app for `GET/POST /webhooks/meta`. `deliver` gets each accepted delivery with
    posts or mentions; it must return at once (queue the work): Meta waits for the answer."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        result = handle_meta_webhook(environ, app_secret=app_secret, verify_token=verify_token)
        if result.status.startswith("200") and (result.posts or result.mentions):
            deliver(result)
        start_response(
            result.status,
            [("Content-Type", "text/plain"), ("Content-Length", str(len(result.body)))],
        )
        return [result.body]

    return app


# -- payload pieces ------------------------------------------------------------------


def _feed_change(value: Mapping[str, Any], page_id: str) -> FetchedPost | None:
    if value.get("verb") != "add":
        return None  # edits, removals, hides: not new customer posts
    sender = value.get("from")
    if not isinstance(sender, dict) or str(sender.get("id")) == page_id:
        return None  # the Page's own posts and answers
    item = value.get("item")
    created = _moment(value.get("created_time"))
    if item == "comment" and value.get("comment_id") and value.get("post_id"):
        post_id = str(value["post_id"])
        parent = value.get("parent_id")
        return facebook_comment(
            comment_id=str(value["comment_id"]),
            post_id=post_id,
            parent_id=str(parent) if parent else None,
            page_id=page_id,
            author=facebook_author(sender),
            text=str(value.get("message") or ""),
            created_at=created,
            url=value.get("permalink_url"),
        )
    if item in POST_ITEMS and value.get("post_id"):
        return visitor_post(
            post_id=str(value["post_id"]),
            page_id=page_id,
            author=facebook_author(sender),
            text=str(value.get("message") or ""),
            created_at=created,
            url=value.get("permalink_url"),
        )
    return None


def _instagram_comment(
    value: Mapping[str, Any], account_id: str, at: datetime
) -> FetchedPost | None:
    sender = value.get("from")
    media = value.get("media")
    if not value.get("id") or not isinstance(media, dict) or not media.get("id"):
        return None
    if isinstance(sender, dict) and str(sender.get("id")) == account_id:
        return None  # the account's own replies
    parent = value.get("parent_id")
    return instagram_comment(
        comment_id=str(value["id"]),
        media_id=str(media["id"]),
        parent_id=str(parent) if parent else None,
        account_id=account_id,
        author=instagram_author(sender),
        text=str(value.get("text") or ""),
        created_at=at,
        url=None,
    )


def _message(event: Mapping[str, Any], account_id: str, instagram: bool) -> FetchedPost | None:
    message = event.get("message")
    sender = str((event.get("sender") or {}).get("id") or "")
    if not isinstance(message, dict) or not message.get("mid") or not sender:
        return None  # deliveries, reads, reactions, postbacks
    if message.get("is_echo") or sender == account_id:
        return None  # what the brand sent
    # The webhook names the sender by id only; `MetaNetwork.with_names` adds the name.
    author = Author(external_id=sender, handle=sender, name="")
    text = str(message.get("text") or "")
    created = _moment(event.get("timestamp"))
    if instagram:
        return instagram_dm(
            message_id=str(message["mid"]),
            account_id=account_id,
            author=author,
            text=text,
            created_at=created,
        )
    return messenger_message(
        message_id=str(message["mid"]),
        page_id=account_id,
        author=author,
        text=text,
        created_at=created,
    )


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _moment(value: object) -> datetime:
    """Webhook times are epoch seconds or milliseconds (Messenger), or Graph time strings."""
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        number = float(value)
        return datetime.fromtimestamp(number / 1000 if number > 10**11 else number, UTC)
    if isinstance(value, str):
        try:
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)
        except ValueError:
            pass
    return datetime.now(UTC)
