"""Facebook and Instagram as the browser sandbox shows them (`sandbox.web.networks.NetworkPanel`):
the public side as customers see it, the private messages, and a composer that posts as a
customer through the Graph stand-in (which sends the bot its signed webhook).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sandbox.httpserver import StandInServer
from sandbox.meta_graph import MetaGraphStandIn
from sandbox.meta_state import mentions_account
from sandbox.web.networks import Account, ComposeError, Persona, PrivateMessage, TimelinePost

Record = dict[str, Any]

# Facebook people have names, not handles: the composer's "handle" is the person's name.
FACEBOOK_NAME = r"^[^@\s][^@]{0,49}$"
INSTAGRAM_USERNAME = r"^[A-Za-z0-9._]{1,30}$"
_FACEBOOK_URL = re.compile(r"^https://www\.facebook\.com/(?:[\d_]+\?comment_id=)?([\d_]+)$")


class FacebookPanel:
    """The Page's posts and comments, and its Messenger conversations."""

    name = "facebook"
    label = "Facebook"
    handle_pattern = FACEBOOK_NAME
    prefill = ""  # people write on a Page without mentioning it

    def __init__(self, meta: MetaGraphStandIn) -> None:
        self.meta = meta

    @property
    def changes(self) -> StandInServer:
        return self.meta

    def brand(self) -> Account:
        page = self.meta.page
        return Account(
            handle=page["username"], name=page["name"], followers=page["followers_count"]
        )

    def _person(self, ref: Record) -> Account:
        if ref["id"] == self.meta.page["id"]:
            return self.brand()
        return Account(handle=ref["name"], name=ref["name"])

    def timeline(self) -> list[TimelinePost]:
        with self.meta.lock:
            posts = [self._post(p) for p in self.meta.posts.values()]
            comments = [self._comment(c) for c in self.meta.comments.values()]
        return sorted(posts + comments, key=lambda p: p.created_at, reverse=True)

    def _post(self, post: Record) -> TimelinePost:
        return TimelinePost(
            id=post["id"],
            author=self._person(post["from"]),
            text=post["message"],
            created_at=post["created_time"],
            url=post["permalink_url"],
            is_brand=post["from"]["id"] == self.meta.page["id"],
        )

    def _comment(self, comment: Record) -> TimelinePost:
        answered = comment["parent_id"] or comment["post_id"]
        parent = self.meta.comments.get(answered) or self.meta.posts[answered]
        return TimelinePost(
            id=comment["id"],
            author=self._person(comment["from"]),
            text=comment["message"],
            created_at=comment["created_time"],
            url=comment["permalink_url"],
            is_brand=comment["from"]["id"] == self.meta.page["id"],
            in_reply_to=answered,
            in_reply_to_handle=self._person(parent["from"]).handle,
        )

    def private_messages(self) -> list[PrivateMessage]:
        return _messages(self.meta, "messenger", self._person)

    def compose(self, persona: Persona, text: str, reply_to: str | None) -> TimelinePost:
        """A visitor post on the Page, or with `reply_to` a comment on a post or comment."""
        name = (persona.name.strip() or persona.handle.strip()).lstrip("@")
        if not re.match(FACEBOOK_NAME, name):
            raise ComposeError("Give the customer a name (up to 50 characters, no @).")
        if name == self.meta.page["name"]:
            raise ComposeError("That is the Page itself: pick a customer's name.")
        if not text.strip():
            raise ComposeError("Write something to post.")
        if not reply_to:
            return self._post(self.meta.visitor_post(name, text))
        if reply_to not in self.meta.posts and reply_to not in self.meta.comments:
            raise ComposeError("The post you are replying to no longer exists.")
        comment = self.meta.comment(name, reply_to, text)
        with self.meta.lock:
            return self._comment(comment)

    def compose_private(self, persona: Persona, text: str) -> PrivateMessage:
        """A Messenger message to the Page (opens the 24-hour window to answer in)."""
        name = (persona.name.strip() or persona.handle.strip()).lstrip("@")
        if not re.match(FACEBOOK_NAME, name):
            raise ComposeError("Give the customer a name (up to 50 characters, no @).")
        if name == self.meta.page["name"]:
            raise ComposeError("That is the Page itself: pick a customer's name.")
        if not text.strip():
            raise ComposeError("Write something to send.")
        sent = self.meta.messenger(name, text)
        return next(m for m in self.private_messages() if m.id == sent["id"])

    def anchor_for(self, url: str) -> str | None:
        match = _FACEBOOK_URL.match(url)
        if not match:
            return None
        with self.meta.lock:
            known = match.group(1) in self.meta.posts or match.group(1) in self.meta.comments
        return f"#{self.name}-post-{match.group(1)}" if known else None


class InstagramPanel:
    """The account's media and their comments, posts that mention it, and Direct."""

    name = "instagram"
    label = "Instagram"
    handle_pattern = INSTAGRAM_USERNAME

    def __init__(self, meta: MetaGraphStandIn) -> None:
        self.meta = meta

    @property
    def changes(self) -> StandInServer:
        return self.meta

    def brand(self) -> Account:
        account = self.meta.ig_account
        return Account(
            handle=account["username"], name=account["name"], followers=account["followers_count"]
        )

    def _person(self, ref: Record) -> Account:
        if ref["id"] == self.meta.ig_account["id"]:
            return self.brand()
        return Account(handle=ref["username"], name=ref["username"])

    def timeline(self) -> list[TimelinePost]:
        with self.meta.lock:
            media = [self._media(m) for m in self.meta.media.values()]
            comments = [self._comment(c) for c in self.meta.ig_comments.values()]
        return sorted(media + comments, key=lambda p: p.created_at, reverse=True)

    def _media(self, media: Record) -> TimelinePost:
        owner = self.meta.ig_account["username"]
        return TimelinePost(
            id=media["id"],
            author=Account(handle=media["username"], name=media["username"]),
            text=media["caption"],
            created_at=media["timestamp"],
            url=media["permalink"],
            is_brand=media["username"] == owner,
        )

    def _comment(self, comment: Record) -> TimelinePost:
        media = self.meta.media[comment["media_id"]]
        parent = self.meta.ig_comments.get(comment["parent_id"] or "")
        return TimelinePost(
            id=comment["id"],
            author=self._person(comment["from"]),
            text=comment["text"],
            created_at=comment["timestamp"],
            url=media["permalink"],
            is_brand=comment["from"]["id"] == self.meta.ig_account["id"],
            in_reply_to=parent["id"] if parent else media["id"],
            in_reply_to_handle=parent["username"] if parent else media["username"],
        )

    def private_messages(self) -> list[PrivateMessage]:
        return _messages(self.meta, "instagram", self._person)

    def compose(self, persona: Persona, text: str, reply_to: str | None) -> TimelinePost:
        """A comment (on media, or a reply to a comment); without `reply_to`, a post of the
        customer's own that mentions the account (text with @account), else a comment on
        the account's newest post."""
        handle = persona.handle.strip().lstrip("@")
        if not re.match(INSTAGRAM_USERNAME, handle):
            raise ComposeError("An Instagram username is 1 to 30 letters, digits, . or _.")
        if handle.lower() == self.meta.ig_account["username"].lower():
            raise ComposeError("That is the brand's own account: pick a customer's username.")
        if not text.strip():
            raise ComposeError("Write something to post.")
        if not reply_to:
            if mentions_account(text, self.meta.ig_account["username"]):
                media = self.meta.ig_mention_in_caption(handle, text)
                with self.meta.lock:
                    return self._media(media)
            reply_to = self._newest_own_media()
        try:
            comment = self.meta.ig_comment(handle, reply_to, text)
        except KeyError as error:
            raise ComposeError("The post you are replying to no longer exists.") from error
        with self.meta.lock:
            return self._comment(comment)

    def compose_private(self, persona: Persona, text: str) -> PrivateMessage:
        """A Direct message to the account (opens the 24-hour window to answer in)."""
        handle = persona.handle.strip().lstrip("@")
        if not re.match(INSTAGRAM_USERNAME, handle):
            raise ComposeError("An Instagram username is 1 to 30 letters, digits, . or _.")
        if handle.lower() == self.meta.ig_account["username"].lower():
            raise ComposeError("That is the brand's own account: pick a customer's username.")
        if not text.strip():
            raise ComposeError("Write something to send.")
        sent = self.meta.ig_dm(handle, text)
        return next(m for m in self.private_messages() if m.id == sent["id"])

    def _newest_own_media(self) -> str:
        with self.meta.lock:
            own = [
                m for m in self.meta.media.values() if m["owner_id"] == self.meta.ig_account["id"]
            ]
        if not own:
            raise ComposeError(
                f"@{self.meta.ig_account['username']} has no post to comment on: mention "
                "the account (@…) to post one of your own."
            )
        return max(own, key=lambda m: m["timestamp"])["id"]

    def anchor_for(self, url: str) -> str | None:
        with self.meta.lock:
            media = next((m for m in self.meta.media.values() if m["permalink"] == url), None)
        return f"#{self.name}-post-{media['id']}" if media else None


def _messages(meta: MetaGraphStandIn, platform: str, person: Any) -> list[PrivateMessage]:
    """Both sides of each conversation on `platform` (private replies open one), newest
    first."""
    with meta.lock:
        found: list[tuple[datetime, PrivateMessage]] = []
        for thread in meta.threads.values():
            if thread["platform"] != platform:
                continue
            for message in thread["messages"]:
                shown = PrivateMessage(
                    id=message["id"],
                    sender=person(message["from"]),
                    recipient=person(message["to"]["data"][0]),
                    text=message["message"],
                    created_at=message["created_time"],
                )
                found.append((message["created_time"], shown))
    return [m for _, m in sorted(found, key=lambda pair: pair[0], reverse=True)]
