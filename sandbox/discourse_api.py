"""A local Discourse forum API for tests and the demo, over the world of `discourse_state`.

The endpoints Carethread uses, with Discourse's rules as its source shows them:
`Api-Key` + `Api-Username` headers (a wrong pair is a 403 `invalid_access`), the latest
public posts at `/posts.json`, 50 a page, newest first, `before=<id>` for older ones;
`POST /posts.json` creating replies, topics and private messages with the forum's length
rules and its 422 `{"action": "create_post", "errors": [...]}` refusals; the API's
memoisation of an identical create for 120 seconds; topics found by `external_id`
(a 301); and the admin API key limit of 60 requests a minute, answered with a 429,
`Retry-After` and `extras.wait_seconds`.

Responses validate against Discourse's OpenAPI description. Where the description and
the live forum disagree on a type (it says `reply_to_post_number` is a string; the
forum sends a number) the stand-in follows the description and the client accepts both.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import json
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote, urlsplit

from sandbox.discourse_state import (
    PRIVATE_MESSAGE,
    REGULAR,
    Category,
    DiscourseState,
    Post,
    Topic,
    User,
    cook,
)
from sandbox.httpserver import Request, Response, StandInServer

PAGE_SIZE = 50  # LatestPostsQuery::PAGE_SIZE
MEMOIZE_SECONDS = 120  # PostsController#create memoises API creates this long
EXTERNAL_ID = re.compile(r"^[\w-]{1,50}$")  # Topic external_id: word characters, at most 50
AVATAR = "/letter_avatar_proxy/v4/letter/{initial}/8e7dd6/{{size}}.png"

INVALID_API_CREDENTIALS = (
    "You are not permitted to view the requested resource. The API username or key is invalid."
)
INVALID_ACCESS = "You are not permitted to view the requested resource."
NOT_LOGGED_IN = "You need to be logged in to do that."
NOT_FOUND = "The requested URL or resource could not be found."
# The following two follow Discourse's English locale as far as we could check it.
NOT_ACCEPTING_PMS = "Sorry, you can't send a message to {username} right now."
NO_SUCH_USER = "Sorry, we couldn't find {username}."
EXTERNAL_TAKEN = "External has already been taken"


def error(status: int, message: str, error_type: str, **extra: Any) -> Response:
    """Discourse's `render_json_error` body."""
    return Response(status, {"errors": [message], "error_type": error_type, **extra})


def create_refused(*messages: str) -> Response:
    """How `POST /posts.json` refuses a post: 422 with the post creator's full messages."""
    return Response(422, {"action": "create_post", "errors": list(messages)})


def rate_limited(wait_seconds: int) -> Response:
    time_left = f"{wait_seconds} second{'s' if wait_seconds != 1 else ''}"
    response = error(
        429,
        f"You’ve performed this action too many times. Please wait {time_left} before "
        "trying again.",
        "rate_limit",
        extras={"wait_seconds": wait_seconds, "time_left": time_left},
    )
    response.headers.update(
        {
            "Retry-After": str(wait_seconds),
            "Discourse-Rate-Limit-Error-Code": "admin_api_key_rate_limit",
        }
    )
    return response


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Drop:
    """Handle matching requests (committing what they do), then close without answering."""

    matches: Callable[[str, str], bool]
    times: int


class DiscourseStandIn(StandInServer, DiscourseState):
    """An in-memory Discourse on 127.0.0.1; `api_key`/`api_username` are the brand's."""

    def __init__(
        self,
        *,
        brand_username: str = "acme_support",
        brand_name: str = "Acme Support",
        api_key: str = "sandbox-discourse-key",
    ) -> None:
        StandInServer.__init__(self)
        DiscourseState.__init__(self, brand_username, brand_name)
        self.api_key = api_key
        self.api_username = brand_username
        # Admin API keys: a key bound to one user, or None for an "All users" key.
        self.api_keys: dict[str, str | None] = {api_key: brand_username}
        self._drops: list[Drop] = []
        self._memo: dict[str, tuple[datetime, dict[str, Any]]] = {}
        self._minute: dict[str, tuple[int, int]] = {}  # key → (minute, requests in it)

    # -- faults on top of `inject` -------------------------------------------------------
    def rate_limit(self, path_prefix: str = "/", wait_seconds: int = 30, times: int = 1) -> None:
        """The next `times` requests under `path_prefix` get Discourse's 429."""
        self.inject(
            lambda r: r.path.startswith(path_prefix), rate_limited(wait_seconds), times=times
        )

    def server_error(self, path_prefix: str = "/", status: int = 502, times: int = 1) -> None:
        body = "<html><body><h1>502 Bad Gateway</h1></body></html>"
        response = Response(status, body, {"Content-Type": "text/html"})
        self.inject(lambda r: r.path.startswith(path_prefix), response, times=times)

    def drop_after_commit(
        self, method: str = "POST", path: str = "/posts.json", times: int = 1
    ) -> None:
        """The next `times` matching requests are carried out, then the connection drops:
        the forum has the post, the client never hears so."""
        with self.lock:
            self._drops.append(Drop(lambda m, p: m == method and p == path, times))

    def _take_drop(self, method: str, path: str) -> bool:
        with self.lock:
            for drop in self._drops:
                if drop.times > 0 and drop.matches(method, path):
                    drop.times -= 1
                    if drop.times == 0:
                        self._drops.remove(drop)
                    return True
        return False

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        if not self._take_drop(handler.command, urlsplit(handler.path).path):
            super()._serve(handler)
            return
        answer = handler.wfile
        handler.wfile = io.BytesIO()  # the answer is computed, committed, and never sent
        try:
            super()._serve(handler)
        finally:
            handler.wfile = answer
            handler.close_connection = True
            with contextlib.suppress(OSError):
                handler.connection.shutdown(socket.SHUT_RDWR)

    # -- dispatch: authenticate, count, route ----------------------------------------------
    def dispatch(self, request: Request) -> Response:
        caller, refusal = self._caller(request)
        if refusal is not None:
            return refusal
        key = request.headers.get("api-key")
        if key:
            limited = self._count(key)
            if limited is not None:
                return limited
        with self.lock:
            return self._route(request, caller)

    def _caller(self, request: Request) -> tuple[User | None, Response | None]:
        key = request.headers.get("api-key")
        if key is None:
            return None, None
        if key not in self.api_keys:
            return None, error(403, INVALID_API_CREDENTIALS, "invalid_access")
        bound = self.api_keys[key]
        asked = request.headers.get("api-username")
        if bound is not None and asked is not None and asked.lower() != bound.lower():
            return None, error(403, INVALID_API_CREDENTIALS, "invalid_access")
        user = self.user_named(asked or bound or "system")
        if user is None:
            return None, error(403, INVALID_API_CREDENTIALS, "invalid_access")
        return user, None

    def _count(self, key: str) -> Response | None:
        """Discourse's admin API key limit: so many requests a minute, then a 429."""
        now = self.clock()
        minute = int(now.timestamp()) // 60
        with self.lock:
            seen_minute, count = self._minute.get(key, (minute, 0))
            count = count + 1 if seen_minute == minute else 1
            self._minute[key] = (minute, count)
        if count > self.settings.max_admin_api_reqs_per_minute:
            return rate_limited(60 - int(now.timestamp()) % 60)
        return None

    def _route(self, request: Request, caller: User | None) -> Response:
        path, method = request.path, request.method
        if path == "/posts.json" and method == "GET":
            return self._latest_posts(request, caller)
        if path == "/posts.json" and method == "POST":
            if caller is None:
                return error(403, NOT_LOGGED_IN, "not_logged_in")
            return self._create(request, caller)
        if path == "/categories.json" and method == "GET":
            return self._categories(request)
        found = re.fullmatch(r"/u/([^/]+)\.json", path)
        if found and method == "GET":
            return self._get_user(unquote(found.group(1)), caller)
        found = re.fullmatch(r"/t/external_id/([^/]+)\.json", path)
        if found and method == "GET":
            return self._topic_by_external_id(unquote(found.group(1)), caller)
        found = re.fullmatch(r"/t/(\d+)/posts\.json", path)
        if found and method == "GET":
            return self._topic_posts(int(found.group(1)), caller)
        return error(404, NOT_FOUND, "not_found")

    # -- GET /posts.json ---------------------------------------------------------------------
    def _latest_posts(self, request: Request, caller: User | None) -> Response:
        # PostsController#latest: `params[:before].to_i`, and 0 or less means "no bound".
        before = _to_i(request.arg("before"))
        posts = sorted(
            (
                p
                for p in self.posts.values()
                if self.topics[p.topic_id].archetype == REGULAR and (before <= 0 or p.id < before)
            ),
            key=lambda p: p.id,
            reverse=True,
        )[:PAGE_SIZE]
        return Response(200, {"latest_posts": [self.latest_post_json(p, caller) for p in posts]})

    # -- POST /posts.json --------------------------------------------------------------------
    def _create(self, request: Request, caller: User) -> Response:
        params = _params(request)
        signature = hashlib.sha1(
            json.dumps([caller.id, sorted(params.items())], default=str).encode()
        ).hexdigest()
        now = self.clock()
        remembered = self._memo.get(signature)
        if remembered and now - remembered[0] < timedelta(seconds=MEMOIZE_SECONDS):
            return Response(200, remembered[1])
        raw = str(params.get("raw") or "")
        if params.get("archetype") == PRIVATE_MESSAGE:
            outcome = self._create_private_message(caller, raw, params)
        elif params.get("topic_id") not in (None, ""):
            outcome = self._create_reply(caller, raw, params)
        else:
            outcome = self._create_topic(caller, raw, params)
        if isinstance(outcome, Response):
            return outcome
        body = self.created_post_json(outcome, caller)
        self._memo[signature] = (now, body)
        return Response(200, body)

    def _create_reply(self, caller: User, raw: str, params: dict[str, Any]) -> Post | Response:
        topic = self.topics.get(_to_i(params.get("topic_id")))
        if topic is None:
            return error(404, NOT_FOUND, "not_found")
        if topic.archetype == PRIVATE_MESSAGE and caller.id not in topic.allowed_user_ids:
            return error(403, INVALID_ACCESS, "invalid_access")
        minimum = (
            self.settings.min_personal_message_post_length
            if topic.archetype == PRIVATE_MESSAGE
            else self.settings.min_post_length
        )
        problems = self._body_problems(raw, minimum)
        if problems:
            return create_refused(*problems)
        number = _to_i(params.get("reply_to_post_number"))
        exists = any(
            p.topic_id == topic.id and p.post_number == number for p in self.posts.values()
        )
        return self._new_post(caller, topic, raw, number if exists else None)

    def _create_topic(self, caller: User, raw: str, params: dict[str, Any]) -> Post | Response:
        title = str(params.get("title") or "").strip()
        problems = self._title_problems(title, self.settings.min_topic_title_length)
        problems += self._body_problems(raw, self.settings.min_first_post_length)
        problems += self._external_id_problems(params.get("external_id"))
        if problems:
            return create_refused(*problems)
        category_id = _to_i(params.get("category")) or self.uncategorized.id
        if category_id not in self.categories:
            return error(400, "category is invalid", "invalid_parameters")
        topic = self._new_topic(caller, title, category_id, REGULAR)
        topic.external_id = params.get("external_id") or None
        return self._new_post(caller, topic, raw, None)

    def _create_private_message(
        self, caller: User, raw: str, params: dict[str, Any]
    ) -> Post | Response:
        title = str(params.get("title") or "").strip()
        names = str(params.get("target_recipients") or params.get("target_usernames") or "")
        recipients: list[User] = []
        problems = self._title_problems(title, self.settings.min_personal_message_title_length)
        problems += self._body_problems(raw, self.settings.min_personal_message_post_length)
        for name in [n.strip() for n in names.split(",") if n.strip()]:
            user = self.user_named(name)
            if user is None:
                problems.append(NO_SUCH_USER.format(username=name))
            elif not user.allow_private_messages and not caller.staff:
                problems.append(NOT_ACCEPTING_PMS.format(username=user.username))
            else:
                recipients.append(user)
        if not names.strip():
            problems.append("Target recipients can't be blank")
        problems += self._external_id_problems(params.get("external_id"))
        if problems:
            return create_refused(*problems)
        topic = self._new_topic(caller, title, None, PRIVATE_MESSAGE)
        topic.allowed_user_ids = [caller.id] + [u.id for u in recipients]
        topic.external_id = params.get("external_id") or None
        return self._new_post(caller, topic, raw, None)

    def _body_problems(self, raw: str, minimum: int) -> list[str]:
        length = len(raw.strip())  # Discourse's StrippedLengthValidator
        if length < minimum:
            return [f"Body is too short (minimum is {minimum} characters)"]
        if length > self.settings.max_post_length:
            return [f"Body is too long (maximum is {self.settings.max_post_length} characters)"]
        return []

    def _title_problems(self, title: str, minimum: int) -> list[str]:
        if not title:
            return ["Title can't be blank"]
        if len(title) < minimum:
            return [f"Title is too short (minimum is {minimum} characters)"]
        if len(title) > self.settings.max_topic_title_length:
            maximum = self.settings.max_topic_title_length
            return [f"Title is too long (maximum is {maximum} characters)"]
        return []

    def _external_id_problems(self, external_id: object) -> list[str]:
        if external_id in (None, ""):
            return []
        if not EXTERNAL_ID.match(str(external_id)):
            return ["External is invalid"]
        lowered = str(external_id).lower()
        if any((t.external_id or "").lower() == lowered for t in self.topics.values()):
            return [EXTERNAL_TAKEN]
        return []

    # -- other reads -------------------------------------------------------------------------
    def _get_user(self, username: str, caller: User | None) -> Response:
        user = self.user_named(username)
        if user is None:
            return error(404, NOT_FOUND, "not_found")
        return Response(200, {"user_badges": [], "user": self.user_json(user, caller)})

    def _categories(self, request: Request) -> Response:
        nested = request.arg("include_subcategories") == "true"
        tops = [c for c in self.categories.values() if c.parent_id is None]
        listed = [self.category_json(c, nested) for c in sorted(tops, key=lambda c: c.id)]
        body = {
            "category_list": {
                "can_create_category": False,
                "can_create_topic": True,
                "categories": listed,
            }
        }
        return Response(200, body)

    def _topic_by_external_id(self, external_id: str, caller: User | None) -> Response:
        lowered = external_id.lower()
        topic = next(
            (t for t in self.topics.values() if (t.external_id or "").lower() == lowered), None
        )
        if topic is None or not self._can_see(topic, caller):
            return error(404, NOT_FOUND, "not_found")
        location = f"/t/{topic.slug}/{topic.id}.json"
        page = f'<html><body>You are being <a href="{location}">redirected</a>.</body></html>'
        return Response(301, page, {"Location": location, "Content-Type": "text/html"})

    def _topic_posts(self, topic_id: int, caller: User | None) -> Response:
        topic = self.topics.get(topic_id)
        if topic is None or not self._can_see(topic, caller):
            return error(404, NOT_FOUND, "not_found")
        posts = sorted(
            (p for p in self.posts.values() if p.topic_id == topic_id), key=lambda p: p.post_number
        )
        body = {
            "post_stream": {"posts": [self.topic_post_json(p, caller) for p in posts[:20]]},
            "id": topic_id,
        }
        return Response(200, body)

    @staticmethod
    def _can_see(topic: Topic, caller: User | None) -> bool:
        if topic.archetype != PRIVATE_MESSAGE:
            return True
        return caller is not None and (caller.admin or caller.id in topic.allowed_user_ids)

    # -- serialisers -------------------------------------------------------------------------
    def _post_fields(self, post: Post, caller: User | None) -> dict[str, Any]:
        """What PostSerializer sends for every post, whichever endpoint."""
        user = self.users[post.user_id]
        topic = self.topics[post.topic_id]
        stamp = iso(post.created_at)
        own = caller is not None and caller.id == user.id
        return {
            "id": post.id,
            "name": user.name,
            "username": user.username,
            "avatar_template": AVATAR.format(initial=user.username[0].lower()),
            "created_at": stamp,
            "cooked": cook(post.raw),
            "post_number": post.post_number,
            "post_type": 1,
            "posts_count": topic.highest_post_number,
            "updated_at": stamp,
            "reply_count": sum(
                1
                for p in self.posts.values()
                if p.topic_id == topic.id and p.reply_to_post_number == post.post_number
            ),
            # The description types this as a string; the live forum sends a number.
            "reply_to_post_number": (
                str(post.reply_to_post_number) if post.reply_to_post_number else None
            ),
            "quote_count": 0,
            "incoming_link_count": 0,
            "reads": 1,
            "readers_count": 0,
            "score": 0,
            "yours": own,
            "topic_id": topic.id,
            "topic_slug": topic.slug,
            "display_username": user.name,
            "primary_group_name": None,
            "flair_name": None,
            "flair_url": None,
            "flair_bg_color": None,
            "flair_color": None,
            "version": 1,
            "can_edit": own,
            "can_delete": own,
            "can_recover": False,
            "can_wiki": False,
            "user_title": None,
            "bookmarked": False,
            "actions_summary": [],
            "moderator": user.moderator,
            "admin": user.admin,
            "staff": user.staff,
            "user_id": user.id,
            "hidden": False,
            "trust_level": user.trust_level,
            "deleted_at": None,
            "user_deleted": False,
            "edit_reason": None,
            "can_view_edit_history": True,
            "wiki": False,
            "reviewable_id": None,
            "reviewable_score_count": 0,
            "reviewable_score_pending_count": 0,
            "post_url": self.post_url(post),
        }

    def latest_post_json(self, post: Post, caller: User | None) -> dict[str, Any]:
        topic = self.topics[post.topic_id]
        text = re.sub(r"<[^>]+>", "", cook(post.raw))
        return {
            **self._post_fields(post, caller),
            "topic_title": topic.title,
            "topic_html_title": html.escape(topic.title),
            "category_id": topic.category_id or self.uncategorized.id,
            "flair_group_id": None,
            "badges_granted": [],
            "can_see_hidden_post": False,
            "raw": post.raw,
            "excerpt": text[:300],
            "truncated": len(text) > 300,
        }

    def created_post_json(self, post: Post, caller: User) -> dict[str, Any]:
        return {
            **self._post_fields(post, caller),
            "raw": post.raw,
            "draft_sequence": 0,
            "flair_group_id": None,
            "mentioned_users": [],
        }

    def topic_post_json(self, post: Post, caller: User | None) -> dict[str, Any]:
        fields = {**self._post_fields(post, caller), "read": True, "link_counts": []}
        # Discourse shows review-queue fields to reviewers only; this description types the
        # id as a number, so a post nobody flagged leaves them out.
        for name in ("reviewable_id", "reviewable_score_count", "reviewable_score_pending_count"):
            fields.pop(name)
        return fields

    def category_json(self, category: Category, nested: bool) -> dict[str, Any]:
        children = [c for c in self.categories.values() if c.parent_id == category.id]
        topics = [t for t in self.topics.values() if t.category_id == category.id]
        body: dict[str, Any] = {
            "id": category.id,
            "name": category.name,
            "color": category.color,
            "text_color": "FFFFFF",
            "style_type": "square",
            "emoji": None,
            "icon": None,
            "slug": category.slug,
            "topic_count": len(topics),
            "post_count": sum(t.highest_post_number for t in topics),
            "position": category.id,
            "description": None,
            "description_text": None,
            "description_excerpt": None,
            "topic_url": None,
            "read_restricted": False,
            "permission": 1,
            "notification_level": 1,
            "can_edit": False,
            "topic_template": None,
            "topic_title_placeholder": None,
            "has_children": bool(children),
            "subcategory_count": len(children) or None,
            "sort_order": None,
            "sort_ascending": None,
            "show_subcategory_list": False,
            "num_featured_topics": 3,
            "default_view": None,
            "subcategory_list_style": "rows_with_featured_topics",
            "default_top_period": "all",
            "default_list_filter": "all",
            "minimum_required_tags": 0,
            "navigate_to_first_post_after_read": False,
            "topics_day": 0,
            "topics_week": 0,
            "topics_month": 0,
            "topics_year": 0,
            "topics_all_time": len(topics),
            "subcategory_ids": [c.id for c in children],
            "uploaded_logo": None,
            "uploaded_logo_dark": None,
            "uploaded_background": None,
            "uploaded_background_dark": None,
        }
        if nested:
            body["subcategory_list"] = [self.category_json(c, nested) for c in children]
        return body

    def user_json(self, user: User, caller: User | None) -> dict[str, Any]:
        """UserSerializer for `/u/{username}.json`, every field the description requires."""
        own = caller is not None and caller.id == user.id
        posts = [p for p in self.posts.values() if p.user_id == user.id]
        created = iso(user.created_at)
        return {
            "id": user.id,
            "username": user.username,
            "name": user.name,
            "avatar_template": AVATAR.format(initial=user.username[0].lower()),
            "last_posted_at": iso(max(p.created_at for p in posts)) if posts else None,
            "last_seen_at": created,
            "created_at": created,
            "ignored": False,
            "muted": False,
            "can_ignore_user": not own,
            "can_mute_user": not own,
            "can_send_private_messages": caller is not None,
            "can_send_private_message_to_user": user.allow_private_messages and not own,
            "trust_level": user.trust_level,
            "moderator": user.moderator,
            "admin": user.admin,
            "title": None,
            "badge_count": 0,
            "custom_fields": {},
            "time_read": 0,
            "recent_time_read": 0,
            "primary_group_id": None,
            "primary_group_name": None,
            "flair_group_id": None,
            "flair_name": None,
            "flair_url": None,
            "flair_bg_color": None,
            "flair_color": None,
            "featured_topic": {
                "id": 0,
                "title": "",
                "fancy_title": "",
                "slug": "",
                "posts_count": 0,
            },
            "staged": False,
            "can_edit": own,
            "can_edit_username": own,
            "can_edit_email": own,
            "can_edit_name": own,
            "uploaded_avatar_id": None,
            "has_title_badges": False,
            "pending_count": 0,
            "profile_view_count": 0,
            "second_factor_enabled": False,
            "can_upload_profile_header": own,
            "can_upload_user_card_background": own,
            "post_count": len(posts),
            "topic_count": sum(1 for t in self.topics.values() if t.user_id == user.id),
            "can_be_deleted": False,
            "can_delete_all_posts": False,
            "locale": None,
            "muted_category_ids": [],
            "regular_category_ids": [],
            "watched_tags": [],
            "watching_first_post_tags": [],
            "tracked_tags": [],
            "muted_tags": [],
            "tracked_category_ids": [],
            "watched_category_ids": [],
            "watched_first_post_category_ids": [],
            "system_avatar_upload_id": None,
            "system_avatar_template": AVATAR.format(initial=user.username[0].lower()),
            "muted_usernames": [],
            "ignored_usernames": [],
            "allowed_pm_usernames": [],
            "mailing_list_posts_per_day": 0,
            "can_change_bio": own,
            "can_change_location": own,
            "can_change_website": own,
            "can_change_tracking_preferences": own,
            "user_api_keys": None,
            "user_auth_tokens": [],
            "user_notification_schedule": {
                "enabled": False,
                **{
                    f"day_{d}_{edge}_time": (480 if edge == "start" else 1020)
                    for d in range(7)
                    for edge in ("start", "end")
                },
            },
            "use_logo_small_as_avatar": False,
            "featured_user_badge_ids": [],
            "invited_by": None,
            "groups": [],
            "group_users": [],
            "user_option": _user_option(user),
        }


def _user_option(user: User) -> dict[str, Any]:
    return {
        "user_id": user.id,
        "mailing_list_mode": False,
        "mailing_list_mode_frequency": 1,
        "email_digests": True,
        "email_level": 1,
        "email_messages_level": 0,
        "external_links_in_new_tab": False,
        "color_scheme_id": None,
        "dark_scheme_id": None,
        "dynamic_favicon": False,
        "enable_quoting": True,
        "enable_smart_lists": True,
        "enable_markdown_monospace_font": False,
        "digest_after_minutes": 10080,
        "automatically_unpin_topics": True,
        "auto_track_topics_after_msecs": 240000,
        "notification_level_when_replying": 2,
        "new_topic_duration_minutes": 2880,
        "email_previous_replies": 2,
        "email_in_reply_to": False,
        "like_notification_frequency": 1,
        "notify_on_linked_posts": True,
        "push_notification_level": "all",
        "enable_upcoming_change_available_notifications": False,
        "include_tl0_in_digests": False,
        "theme_ids": [],
        "theme_key_seq": 0,
        "allow_private_messages": user.allow_private_messages,
        "enable_allowed_pm_users": False,
        "homepage_id": None,
        "hide_profile_and_presence": False,
        "hide_profile": False,
        "hide_presence": False,
        "text_size": "normal",
        "text_size_seq": 0,
        "title_count_mode": "notifications",
        "timezone": "UTC",
        "skip_new_user_tips": False,
        "topics_unread_when_closed": True,
        "interface_color_mode": 1,
        "show_original_content": False,
        "send_shortcut": "ctrl",
        "automatically_translate": False,
        "understood_languages": [],
    }


def _to_i(value: object) -> int:
    """Ruby's `to_i`: the leading integer of a string, 0 when there is none."""
    found = re.match(r"\s*[-+]?\d+", str(value)) if value is not None else None
    return int(found.group()) if found else 0


def _params(request: Request) -> dict[str, Any]:
    """The request's parameters: Discourse takes JSON, form-encoded and query alike."""
    params: dict[str, Any] = {name: values[0] for name, values in request.query.items()}
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            body = request.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            params.update(body)
    elif request.body:
        params.update(request.form())
    return params
