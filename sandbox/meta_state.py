"""The in-memory Meta behind the Graph stand-in: one Page, its Instagram account, the people
who write to them, and Meta's rules for answering (windows, one private reply per comment,
top-level-only Instagram replies).

Records are plain dicts so tests and the demo can read them. Customer actions
(`visitor_post`, `comment`, `messenger`, `ig_comment`, `ig_mention_in_caption`, `ig_dm`…)
also send the webhook Meta would send, signed, when `webhook_url` is set. The clock is
`self.clock` (tests move it with `advance`).
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox.meta_webhooks import WebhookSender

Record = dict[str, Any]

MESSAGING_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
PRIVATE_REPLY_WINDOW = timedelta(days=7)
MESSAGE_TAGS = ("HUMAN_AGENT", "ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE")
MESSENGER_TEXT_LIMIT = 2000  # characters
INSTAGRAM_DM_LIMIT = 1000  # bytes of UTF-8
FACEBOOK_COMMENT_LIMIT = 8000
INSTAGRAM_COMMENT_LIMIT = 2200


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def graph_time(moment: datetime) -> str:
    """Graph API times: ISO 8601 with a +0000 offset and no fraction."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


class GraphFault(Exception):
    """A Graph API error response: `{"error": {message, type, code, error_subcode, fbtrace_id}}`."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        subcode: int | None = None,
        type_: str = "OAuthException",
        status: int = 400,
    ):
        super().__init__(message)
        self.code, self.subcode, self.message = code, subcode, message
        self.type, self.status = type_, status

    def body(self, trace: str) -> Record:
        error: Record = {"message": self.message, "type": self.type, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        error["fbtrace_id"] = trace
        return {"error": error}


class MetaWorld(WebhookSender):
    """Page, posts, comments, conversations, Instagram media, comments and DMs."""

    lock: threading.RLock

    def __init__(
        self,
        *,
        page_id: str = "1000000000000001",
        page_name: str = "Carethread Demo",
        page_username: str = "carethreaddemo",
        ig_account_id: str = "17841400000000001",
        ig_username: str = "carethread_demo",
        app_secret: str = "sandbox-app-secret",
    ) -> None:
        self.clock: Callable[[], datetime] = utc_now
        self._offset = timedelta(0)
        self._sequence = 0
        self.app_secret = app_secret
        self.page: Record = {
            "id": page_id,
            "name": page_name,
            "username": page_username,
            "link": f"https://www.facebook.com/{page_username}",
            "followers_count": 1200,
        }
        self.ig_account: Record = {
            "id": ig_account_id,
            "username": ig_username,
            "name": page_name,
            "followers_count": 5400,
        }
        self.people: dict[str, Record] = {}  # Facebook people by page-scoped id
        self.ig_people: dict[str, Record] = {}  # Instagram people by Instagram-scoped id
        self.posts: dict[str, Record] = {}
        self.comments: dict[str, Record] = {}
        self.threads: dict[str, Record] = {}  # conversations (Messenger and Instagram)
        self.media: dict[str, Record] = {}
        self.ig_comments: dict[str, Record] = {}
        self.webhook_url: str | None = None
        self.deliveries: list[tuple[Record, int | None]] = []
        self.human_agent_granted = True  # Meta's Human Agent feature, granted by App Review

    # -- time and ids ----------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock() + self._offset

    def advance(self, **delta: float) -> datetime:
        """Move the stand-in's clock forward (hours=30, days=8 …)."""
        with self.lock:
            self._offset += timedelta(**delta)
            return self.now()

    def _next(self) -> int:
        self._sequence += 1
        return self._sequence

    def _numeric_id(self, base: int) -> str:
        return str(base + self._next())

    # -- people ----------------------------------------------------------------------
    def fb_person(self, name: str) -> Record:
        """A Facebook user (by name); the id is page-scoped, as comments and Messenger see it."""
        with self.lock:
            for person in self.people.values():
                if person["name"] == name:
                    return person
            person = {"id": self._numeric_id(7_100_000_000_000_000), "name": name}
            first, _, last = name.partition(" ")
            person.update(first_name=first, last_name=last)
            self.people[person["id"]] = person
            return person

    def ig_person(self, username: str) -> Record:
        with self.lock:
            for person in self.ig_people.values():
                if person["username"] == username:
                    return person
            person = {"id": self._numeric_id(6_100_000_000_000_000), "username": username}
            self.ig_people[person["id"]] = person
            return person

    # -- Facebook: what customers do ---------------------------------------------------
    def page_post(self, message: str) -> Record:
        """A post by the Page itself (customers comment on it)."""
        with self.lock:
            return self._add_post(dict(self._page_ref()), message)

    def visitor_post(self, name: str, message: str) -> Record:
        with self.lock:
            post = self._add_post(self._ref(self.fb_person(name)), message)
        self._notify(self._feed_payload(post, item="status", id_key="post_id"))
        return post

    def comment(self, name: str, on: str, message: str) -> Record:
        """`name` comments on a post, or replies to a comment (a reply to a reply is
        threaded under the top-level comment, as Facebook shows it)."""
        with self.lock:
            comment = self._add_comment(self._ref(self.fb_person(name)), on, message)
        self._notify(self._feed_payload(comment, item="comment", id_key="comment_id"))
        return comment

    def messenger(self, name: str, text: str) -> Record:
        with self.lock:
            person = self.fb_person(name)
            thread = self._conversation(person, "messenger")
            message = self._add_message(thread, self._ref(person), self._page_ref(), text)
        self._notify(self._messaging_payload("page", self.page["id"], person, message))
        return message

    def _page_ref(self) -> Record:
        return {"id": self.page["id"], "name": self.page["name"]}

    @staticmethod
    def _ref(person: Record) -> Record:
        return {"id": person["id"], "name": person["name"]}

    def _add_post(self, author: Record, message: str) -> Record:
        now = self.now()
        post_id = f"{self.page['id']}_{self._next()}"
        post = {
            "id": post_id,
            "from": author,
            "message": message,
            "created_time": now,
            "updated_time": now,
            "permalink_url": f"https://www.facebook.com/{post_id}",
            "is_hidden": False,
        }
        self.posts[post_id] = post
        return post

    def _add_comment(self, author: Record, on: str, message: str) -> Record:
        parent = self.comments.get(on)
        post = self.posts[parent["post_id"] if parent else on]
        if parent and parent["parent_id"]:
            parent = self.comments[parent["parent_id"]]
        now = self.now()
        local = post["id"].split("_", 1)[1]
        comment_id = f"{local}_{self._next()}"
        comment = {
            "id": comment_id,
            "post_id": post["id"],
            "parent_id": parent["id"] if parent else None,
            "from": author,
            "message": message,
            "created_time": now,
            "permalink_url": f"https://www.facebook.com/{post['id']}?comment_id={comment_id}",
            "is_hidden": False,
            "private_reply": None,  # the conversation a private reply opened
        }
        self.comments[comment_id] = comment
        post["updated_time"] = now
        return comment

    # -- Instagram: what customers do -----------------------------------------------------
    def ig_media(self, caption: str, owner: str | None = None) -> Record:
        """A post by the account (or, with `owner`, by someone else)."""
        with self.lock:
            now = self.now()
            media_id = self._numeric_id(17_900_000_000_000_000)
            username = owner or self.ig_account["username"]
            media = {
                "id": media_id,
                "caption": caption,
                "timestamp": now,
                "username": username,
                "owner_id": self.ig_account["id"] if owner is None else self.ig_person(owner)["id"],
                "permalink": f"https://www.instagram.com/p/C{media_id[-8:]}/",
                "media_type": "IMAGE",
                "media_product_type": "FEED",
                "tags_account": False,
            }
            self.media[media_id] = media
            return media

    def ig_comment(self, username: str, on: str, text: str) -> Record:
        """A comment on media, or a reply to a comment (a reply to a reply goes on the
        top-level comment: Instagram threads one level deep)."""
        with self.lock:
            comment = self._add_ig_comment(self.ig_person(username), on, text)
            media = self.media[comment["media_id"]]
        if media["owner_id"] == self.ig_account["id"]:
            self._notify(self._ig_comment_payload(comment))
        return comment

    def ig_mention_in_caption(self, username: str, caption: str, tagged: bool = True) -> Record:
        """Someone's post mentioning the account (and tagging it, so `/tags` lists it)."""
        media = self.ig_media(caption, owner=username)
        with self.lock:
            media["tags_account"] = tagged
        self._notify(self._mention_payload(media["id"], None))
        return media

    def ig_mention_in_comment(self, username: str, text: str, on: str | None = None) -> Record:
        """A comment mentioning the account on someone else's post (`on`, or a new one)."""
        media_id = on or self.ig_media("A post by someone else", owner=f"{username}_friend")["id"]
        with self.lock:
            comment = self._add_ig_comment(self.ig_person(username), media_id, text)
        self._notify(self._mention_payload(media_id, comment["id"]))
        return comment

    def ig_dm(self, username: str, text: str) -> Record:
        with self.lock:
            person = self.ig_person(username)
            thread = self._conversation(person, "instagram")
            sender = {"id": person["id"], "username": username}
            message = self._add_message(thread, sender, self._ig_ref(), text)
        self._notify(self._messaging_payload("instagram", self.ig_account["id"], person, message))
        return message

    def _ig_ref(self) -> Record:
        return {"id": self.ig_account["id"], "username": self.ig_account["username"]}

    def _add_ig_comment(self, person: Record, on: str, text: str) -> Record:
        parent = self.ig_comments.get(on)
        media_id = parent["media_id"] if parent else on
        if media_id not in self.media:
            raise KeyError(f"no Instagram media or comment {on}")
        if parent and parent["parent_id"]:
            parent = self.ig_comments[parent["parent_id"]]
        comment = {
            "id": self._numeric_id(18_000_000_000_000_000),
            "media_id": media_id,
            "parent_id": parent["id"] if parent else None,
            "from": {"id": person["id"], "username": person["username"]},
            "username": person["username"],
            "text": text,
            "timestamp": self.now(),
            "hidden": False,
            "private_reply": None,
        }
        self.ig_comments[comment["id"]] = comment
        return comment

    # -- conversations ---------------------------------------------------------------------
    def _conversation(self, person: Record, platform: str) -> Record:
        for thread in self.threads.values():
            if thread["user_id"] == person["id"] and thread["platform"] == platform:
                return thread
        thread = {
            "id": f"t_{self._next()}",
            "platform": platform,
            "user_id": person["id"],
            "messages": [],
            "updated_time": self.now(),
        }
        self.threads[thread["id"]] = thread
        return thread

    def _add_message(
        self, thread: Record, sender: Record, to: Record, text: str, **extra: Any
    ) -> Record:
        now = self.now()
        message = {
            "id": self._message_id(thread),
            "thread_id": thread["id"],
            "from": sender,
            "to": {"data": [to]},
            "message": text,
            "created_time": now,
            **extra,
        }
        thread["messages"].append(message)
        thread["updated_time"] = now
        return message

    def _message_id(self, thread: Record) -> str:
        """Ids as long as Meta's: Messenger "m_" + ~90 characters, Instagram ~150 characters
        of base64 (so storage that only fits X's short ids fails here too)."""
        seed = f"{thread['id']}:{self._next()}:{self.now().timestamp()}"
        digest = hashlib.sha512(seed.encode()).digest()
        if thread["platform"] == "instagram":
            raw = f"ig_message_item:1:IGMessageThread:{self.ig_account['id']}:".encode() + digest
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")
        return "m_" + base64.urlsafe_b64encode(digest + digest[:4]).decode().rstrip("=")

    def last_customer_message(self, thread: Record) -> datetime | None:
        times = [
            m["created_time"] for m in thread["messages"] if m["from"]["id"] == thread["user_id"]
        ]
        return max(times, default=None)

    # -- what the brand does (called by the Graph handlers, under the lock) ----------------
    def brand_comment(self, on: str, message: str) -> Record:
        _check_length(message, FACEBOOK_COMMENT_LIMIT, "message")
        return self._add_comment(self._page_ref(), on, message)

    def brand_ig_reply(self, comment_id: str, message: str) -> Record:
        comment = self.ig_comments[comment_id]
        if comment["hidden"]:
            raise GraphFault(100, "(#100) Cannot reply to a hidden comment")
        _check_length(message, INSTAGRAM_COMMENT_LIMIT, "message")
        # Replies to a reply land on the top-level comment (Meta's documented behaviour).
        return self._add_ig_comment(self._ig_brand_person(), comment_id, message)

    def brand_mention_reply(self, media_id: str, comment_id: str | None, message: str) -> Record:
        media = self.media.get(media_id)
        username = self.ig_account["username"]
        if media is None:
            raise GraphFault(100, f"(#100) Media {media_id} does not exist", subcode=33)
        if comment_id:
            comment = self.ig_comments.get(comment_id)
            if (
                comment is None
                or comment["media_id"] != media_id
                or not mentions_account(comment["text"], username)
            ):
                raise GraphFault(100, "(#100) The comment does not mention this account")
            on = comment_id
        else:
            if not mentions_account(media["caption"], username) and not media["tags_account"]:
                raise GraphFault(100, "(#100) The media does not mention this account")
            on = media_id
        _check_length(message, INSTAGRAM_COMMENT_LIMIT, "message")
        return self._add_ig_comment(self._ig_brand_person(), on, message)

    def _ig_brand_person(self) -> Record:
        account = self.ig_account
        self.ig_people.setdefault(
            account["id"], {"id": account["id"], "username": account["username"]}
        )
        return self.ig_people[account["id"]]

    def send_message(
        self, recipient: Record, text: str, messaging_type: str | None, tag: str | None
    ) -> Record:
        """The Send API with Meta's rules; returns `{recipient_id, message_id}`."""
        now = self.now()
        if "comment_id" in recipient or "post_id" in recipient:
            return self._private_reply(recipient, text, now)
        person_id = str(recipient.get("id") or "")
        platform = "instagram" if person_id in self.ig_people else "messenger"
        person = self.ig_people.get(person_id) or self.people.get(person_id)
        thread = None
        if person is not None:
            thread = next(
                (
                    t
                    for t in self.threads.values()
                    if t["user_id"] == person_id and t["platform"] == platform
                ),
                None,
            )
        if person is None or thread is None:
            raise GraphFault(100, "(#100) No matching user found", subcode=2018001)
        last = self.last_customer_message(thread)
        elapsed = now - last if last else None
        mtype = messaging_type or "RESPONSE"
        if mtype == "MESSAGE_TAG":
            if tag not in MESSAGE_TAGS:
                raise GraphFault(
                    100, f"(#100) Param tag must be one of {{{', '.join(MESSAGE_TAGS)}}}"
                )
            if tag == "HUMAN_AGENT" and not self.human_agent_granted:
                raise GraphFault(
                    200, "(#200) The HUMAN_AGENT tag needs the Human Agent feature for this app"
                )
            allowed = elapsed is not None and elapsed <= HUMAN_AGENT_WINDOW
        elif mtype in {"RESPONSE", "UPDATE"}:
            allowed = elapsed is not None and elapsed <= MESSAGING_WINDOW
        else:
            raise GraphFault(
                100, "(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}"
            )
        if not allowed:
            raise GraphFault(
                10,
                "(#10) This message is sent outside of allowed window. Learn more about the new "
                "policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
                subcode=2018278,
            )
        self._check_dm_length(text, platform)
        sender = self._ig_ref() if platform == "instagram" else self._page_ref()
        to = {
            "id": person["id"],
            **(
                {"username": person["username"]}
                if platform == "instagram"
                else {"name": person["name"]}
            ),
        }
        message = self._add_message(thread, sender, to, text, messaging_type=mtype, tag=tag)
        return {"recipient_id": person_id, "message_id": message["id"]}

    def _private_reply(self, recipient: Record, text: str, now: datetime) -> Record:
        """One private reply per comment (or visitor post), within 7 days of it."""
        object_id = str(recipient.get("comment_id") or recipient.get("post_id"))
        target = self.comments.get(object_id) or self.posts.get(object_id)
        platform = "messenger"
        if target is None and object_id in self.ig_comments:
            target, platform = self.ig_comments[object_id], "instagram"
        if target is None or target["from"]["id"] in {self.page["id"], self.ig_account["id"]}:
            raise GraphFault(100, "(#100) This activity cannot be replied to privately", subcode=33)
        if target.get("private_reply"):
            # Meta's code for a second private reply; its wording is not in the stored docs.
            raise GraphFault(10900, "Activity already replied to")
        created = target.get("created_time") or target["timestamp"]
        if now - created > PRIVATE_REPLY_WINDOW:
            raise GraphFault(10903, "This activity cannot be replied to")
        self._check_dm_length(text, platform)
        if platform == "instagram":
            person = self.ig_people[target["from"]["id"]]
            sender, to = self._ig_ref(), {"id": person["id"], "username": person["username"]}
        else:
            person = self.people[target["from"]["id"]]
            sender, to = self._page_ref(), self._ref(person)
        thread = self._conversation(person, platform)
        message = self._add_message(
            thread, sender, to, text, messaging_type="RESPONSE", private_reply_to=object_id
        )
        target["private_reply"] = thread["id"]
        return {"recipient_id": person["id"], "message_id": message["id"]}

    @staticmethod
    def _check_dm_length(text: str, platform: str) -> None:
        if not text:
            raise GraphFault(
                100, "(#100) Message cannot be empty, must provide valid attachment or text"
            )
        if platform == "instagram" and len(text.encode()) > INSTAGRAM_DM_LIMIT:
            raise GraphFault(100, f"(#100) Message text must be {INSTAGRAM_DM_LIMIT} bytes or less")
        if platform == "messenger":
            _check_length(text, MESSENGER_TEXT_LIMIT, "message[text]")


def _check_length(text: str, limit: int, name: str) -> None:
    if not text:
        raise GraphFault(100, f"(#100) Missing {name}")
    if len(text) > limit:
        raise GraphFault(
            100, f"(#100) Length of param {name} must be less than or equal to {limit}"
        )


def mentions_account(text: str, username: str) -> bool:
    return re.search(rf"@{re.escape(username)}\b", text, re.IGNORECASE) is not None
