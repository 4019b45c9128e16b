"""The in-memory forum behind the Discourse stand-in: users, categories, topics, posts.

Post ids come from one sequence shared by public topics and private messages, as in
Discourse, so the public `/posts.json` list has gaps where private posts were made.
Helpers return the records themselves; tests read them, the stand-in serialises them.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

REGULAR = "regular"
PRIVATE_MESSAGE = "private_message"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class User:
    id: int
    username: str
    name: str
    created_at: datetime
    admin: bool = False
    moderator: bool = False
    trust_level: int = 1
    # The user's "Allow other users to send me personal messages" preference.
    allow_private_messages: bool = True

    @property
    def staff(self) -> bool:
        return self.admin or self.moderator


@dataclass
class Category:
    id: int
    name: str
    slug: str
    parent_id: int | None = None
    color: str = "0088CC"


@dataclass
class Topic:
    id: int
    title: str
    slug: str
    user_id: int
    created_at: datetime
    category_id: int | None
    archetype: str = REGULAR
    external_id: str | None = None
    allowed_user_ids: list[int] = field(default_factory=list)
    highest_post_number: int = 0


@dataclass
class Post:
    id: int
    topic_id: int
    post_number: int
    user_id: int
    raw: str
    created_at: datetime
    reply_to_post_number: int | None = None


@dataclass
class SiteSettings:
    """The forum settings the stand-in enforces, with Discourse's defaults."""

    min_post_length: int = 20
    min_first_post_length: int = 20
    min_personal_message_post_length: int = 10
    max_post_length: int = 32000
    min_topic_title_length: int = 15
    min_personal_message_title_length: int = 2
    max_topic_title_length: int = 255
    max_admin_api_reqs_per_minute: int = 60


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:80] or "topic"


def cook(raw: str) -> str:
    """A small stand-in for Discourse's Markdown renderer: paragraphs and @mentions."""
    paragraphs = [p for p in re.split(r"\n\s*\n", raw.strip()) if p]
    cooked = []
    for paragraph in paragraphs:
        text = html.escape(paragraph).replace("\n", "<br>\n")
        text = re.sub(r"(?<![\w@])@([\w.-]*\w)", r'<a class="mention" href="/u/\1">@\1</a>', text)
        cooked.append(f"<p>{text}</p>")
    return "\n".join(cooked)


class DiscourseState:
    """Users, categories, topics and posts. Mixed into the stand-in, which supplies `lock`."""

    lock: threading.RLock

    def __init__(self, brand_username: str, brand_name: str) -> None:
        self.clock: Callable[[], datetime] = utc_now  # tests may move time
        self.settings = SiteSettings()
        self.users: dict[int, User] = {}
        self.categories: dict[int, Category] = {}
        self.topics: dict[int, Topic] = {}
        self.posts: dict[int, Post] = {}
        self._user_ids = 0
        self._category_ids = 0
        self._topic_ids = 0
        self._post_ids = 0
        self.add_user("system", "system", admin=True)
        self.brand = self.add_user(brand_username, brand_name, trust_level=2)
        self.uncategorized = self.add_category("Uncategorized", "uncategorized")

    # -- building the world ------------------------------------------------------------
    def add_user(
        self,
        username: str,
        name: str = "",
        *,
        admin: bool = False,
        moderator: bool = False,
        trust_level: int = 1,
        allow_private_messages: bool = True,
    ) -> User:
        with self.lock:
            if self.user_named(username):
                raise ValueError(f"username {username} is taken")
            self._user_ids += 1
            user = User(
                self._user_ids,
                username,
                name or username,
                self.clock() - timedelta(days=400),
                admin,
                moderator,
                trust_level,
                allow_private_messages,
            )
            self.users[user.id] = user
            return user

    def add_category(
        self, name: str, slug: str | None = None, parent: str | None = None
    ) -> Category:
        with self.lock:
            self._category_ids += 1
            parent_id = self.category_by_slug(parent).id if parent else None
            category = Category(self._category_ids, name, slug or slugify(name), parent_id)
            self.categories[category.id] = category
            return category

    def start_topic(
        self, username: str, title: str, raw: str, *, category: str = "uncategorized"
    ) -> Post:
        """A new public topic by `username`; returns its first post."""
        with self.lock:
            user = self._user(username)
            topic = self._new_topic(user, title, self.category_by_slug(category).id, REGULAR)
            return self._new_post(user, topic, raw, None)

    def reply(
        self, username: str, topic_id: int, raw: str, *, reply_to_post_number: int | None = None
    ) -> Post:
        """A reply by `username` in a topic (public or a private message they take part in)."""
        with self.lock:
            return self._new_post(
                self._user(username), self.topics[topic_id], raw, reply_to_post_number
            )

    def send_private_message(self, username: str, to: list[str], title: str, raw: str) -> Post:
        with self.lock:
            user = self._user(username)
            topic = self._new_topic(user, title, None, PRIVATE_MESSAGE)
            topic.allowed_user_ids = [user.id] + [self._user(name).id for name in to]
            return self._new_post(user, topic, raw, None)

    # -- looking up ----------------------------------------------------------------------
    def user_named(self, username: str) -> User | None:
        lowered = username.lower()
        with self.lock:
            return next((u for u in self.users.values() if u.username.lower() == lowered), None)

    def category_by_slug(self, slug: str) -> Category:
        with self.lock:
            found = next((c for c in self.categories.values() if c.slug == slug), None)
        if found is None:
            raise KeyError(f"no category {slug}")
        return found

    def posts_by(self, username: str) -> list[Post]:
        user = self._user(username)
        with self.lock:
            return sorted(
                (p for p in self.posts.values() if p.user_id == user.id), key=lambda p: p.id
            )

    def private_messages_to(self, username: str) -> list[Topic]:
        user = self._user(username)
        with self.lock:
            return [
                t
                for t in self.topics.values()
                if t.archetype == PRIVATE_MESSAGE and user.id in t.allowed_user_ids
            ]

    def post_url(self, post: Post) -> str:
        topic = self.topics[post.topic_id]
        return f"/t/{topic.slug}/{topic.id}/{post.post_number}"

    # -- internals -------------------------------------------------------------------
    def _user(self, username: str) -> User:
        user = self.user_named(username)
        if user is None:
            raise KeyError(f"no user {username}")
        return user

    def _new_topic(self, user: User, title: str, category_id: int | None, archetype: str) -> Topic:
        self._topic_ids += 1
        topic = Topic(
            self._topic_ids, title, slugify(title), user.id, self.clock(), category_id, archetype
        )
        self.topics[topic.id] = topic
        return topic

    def _new_post(
        self, user: User, topic: Topic, raw: str, reply_to_post_number: int | None
    ) -> Post:
        self._post_ids += 1
        topic.highest_post_number += 1
        post = Post(
            self._post_ids,
            topic.id,
            topic.highest_post_number,
            user.id,
            raw,
            self.clock(),
            reply_to_post_number,
        )
        self.posts[post.id] = post
        return post
