"""Discourse through the Discourse stand-in: the public topics of the forum (the category
the bot watches), its private messages with the brand, and a composer that opens a topic
or replies in one as a forum member."""

from __future__ import annotations

import re

from sandbox.discourse_api import DiscourseStandIn
from sandbox.discourse_state import PRIVATE_MESSAGE, Post, User
from sandbox.httpserver import StandInServer
from sandbox.web.networks import Account, ComposeError, Persona, PrivateMessage, TimelinePost
from sandbox.web.panels.common import announce_writes, check_post, title_and_body

# Discourse's default username rules: 3 to 20 letters, digits, _ . -
DISCOURSE_USERNAME = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{1,18}[A-Za-z0-9_]$"


class DiscoursePanel:
    """A forum has no followers or verified badges: those composer fields do not apply;
    "accepts private messages" is the member's own preference."""

    name = "discourse"
    label = "Discourse"
    handle_pattern = DISCOURSE_USERNAME
    prefill = ""  # a new topic starts with its title, not a mention

    def __init__(self, server: DiscourseStandIn, category: str) -> None:
        self.server = server
        self.category = category
        announce_writes(server)

    @property
    def changes(self) -> StandInServer:
        return self.server

    @staticmethod
    def _account(user: User) -> Account:
        return Account(
            handle=user.username,
            name=user.name,
            accepts_private_messages=user.allow_private_messages,
        )

    def brand(self) -> Account:
        return self._account(self.server.brand)

    def _posts(self, *, private: bool) -> list[Post]:
        server = self.server
        with server.lock:
            chosen = [
                p
                for p in server.posts.values()
                if (server.topics[p.topic_id].archetype == PRIVATE_MESSAGE) == private
            ]
        return sorted(chosen, key=lambda p: p.id, reverse=True)

    def _text(self, post: Post) -> str:
        topic = self.server.topics[post.topic_id]
        return f"{topic.title}\n\n{post.raw}" if post.post_number == 1 else post.raw

    def timeline(self) -> list[TimelinePost]:
        return [self._post(p) for p in self._posts(private=False)]

    def _post(self, post: Post) -> TimelinePost:
        server = self.server
        with server.lock:
            author = server.users[post.user_id]
            answered = None
            if post.post_number > 1:
                number = post.reply_to_post_number or 1
                answered = next(
                    (
                        p
                        for p in server.posts.values()
                        if p.topic_id == post.topic_id and p.post_number == number
                    ),
                    None,
                )
            return TimelinePost(
                id=str(post.id),
                author=self._account(author),
                text=self._text(post),
                created_at=post.created_at,
                url=f"{server.base_url}{server.post_url(post)}",
                is_brand=author.id == server.brand.id,
                in_reply_to=str(answered.id) if answered else None,
                in_reply_to_handle=server.users[answered.user_id].username if answered else None,
            )

    def private_messages(self) -> list[PrivateMessage]:
        server = self.server
        messages = []
        for post in self._posts(private=True):
            with server.lock:
                topic = server.topics[post.topic_id]
                sender = server.users[post.user_id]
                others = [u for u in topic.allowed_user_ids if u != sender.id] or [sender.id]
                messages.append(
                    PrivateMessage(
                        id=str(post.id),
                        sender=self._account(sender),
                        recipient=self._account(server.users[others[0]]),
                        text=self._text(post),
                        created_at=post.created_at,
                    )
                )
        return messages

    def compose(self, persona: Persona, text: str, reply_to: str | None) -> TimelinePost:
        """A new topic in the watched category (the first line is its title), or with
        `reply_to` a reply to that post in its topic. The forum's own minimum lengths apply."""
        username = persona.handle.strip().lstrip("@")
        if not re.match(DISCOURSE_USERNAME, username):
            raise ComposeError("A forum username is 3 to 20 letters, digits, _ . or - (no spaces).")
        if username.lower() == self.server.brand.username.lower():
            raise ComposeError("That is the brand's own account: pick a customer's username.")
        check_post(persona, text)
        settings = self.server.settings
        if reply_to:
            with self.server.lock:
                answered = self.server.posts.get(int(reply_to)) if reply_to.isdigit() else None
            if answered is None:
                raise ComposeError("The post you are replying to no longer exists.")
            if len(text.strip()) < settings.min_post_length:
                raise ComposeError(
                    f"Body is too short (minimum is {settings.min_post_length} characters)."
                )
            self._upsert(persona, username)
            post = self.server.reply(
                username, answered.topic_id, text.strip(), reply_to_post_number=answered.post_number
            )
            return self._post(post)
        title, body = title_and_body(text)
        if len(title) < settings.min_topic_title_length:
            raise ComposeError(
                f"The first line is the topic's title: at least "
                f"{settings.min_topic_title_length} characters."
            )
        if len(body) < settings.min_first_post_length:
            raise ComposeError(
                f"Body is too short (minimum is {settings.min_first_post_length} characters)."
            )
        self._upsert(persona, username)
        return self._post(self.server.start_topic(username, title, body, category=self.category))

    def _upsert(self, persona: Persona, username: str) -> None:
        name = persona.name.strip() or username
        with self.server.lock:
            user = self.server.user_named(username)
            if user is None:
                self.server.add_user(
                    username, name, allow_private_messages=persona.accepts_private_messages
                )
            else:
                user.name = name
                user.allow_private_messages = persona.accepts_private_messages

    def anchor_for(self, url: str) -> str | None:
        base = self.server.base_url
        if not url.startswith(base):
            return None
        with self.server.lock:
            post = next(
                (p for p in self.server.posts.values() if base + self.server.post_url(p) == url),
                None,
            )
        return f"#{self.name}-post-{post.id}" if post else None
