"""Slack's workspace as the stand-in keeps it: users, channels, messages, threads, ephemerals
and DMs, with the Web API methods that read and write them (auth, users, conversations, chat).

Plain in-memory state: the caller (SlackStandIn) holds its lock around every call.
"""

from __future__ import annotations

import base64
import copy
import secrets
import string
import time
from collections.abc import Callable
from datetime import datetime
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.slack_blocks_rules import check_blocks, error_body
from sandbox.slack_payloads import API_APP_ID

MAX_TEXT = 40_000
WORKSPACE_URL = "https://carethread-sandbox.slack.com/"
_ID_ALPHABET = string.ascii_letters + string.digits


class SlackError(Exception):
    """An `ok: false` answer; `body` is the whole JSON Slack would send."""

    def __init__(self, code: str, body: dict | None = None) -> None:
        super().__init__(code)
        self.body = body or {"ok": False, "error": code}


def flag(value: Any) -> bool:
    """A boolean argument as JSON (true) or form-encoded ("1", "true") callers send it."""
    return value in (True, 1, "1", "true", "True")


def ts_key(ts: str) -> tuple[int, int]:
    """Sort key for "seconds.micros" timestamps."""
    seconds, _, micros = ts.partition(".")
    return int(seconds), int(micros or 0)


def _cursor_ts(cursor: str) -> tuple[int, int]:
    try:
        return ts_key(base64.b64decode(cursor).decode().removeprefix("next_ts:"))
    except ValueError as error:  # binascii.Error and bad digits are both ValueErrors
        raise SlackError("invalid_cursor") from error


def _random_id(length: int = 5) -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def _interactive_elements(block: dict) -> list[dict]:
    """Elements that carry an action_id: in actions blocks, section accessories, inputs."""
    if block.get("type") == "actions":
        candidates = list(block.get("elements") or [])
    else:
        candidates = [block.get("accessory"), block.get("element")]
    return [e for e in candidates if isinstance(e, dict) and e.get("type") != "image"]


def with_ids(blocks: list[dict]) -> list[dict]:
    """Slack fills in a random block_id (and action_id) wherever the app left them out."""
    blocks = copy.deepcopy(blocks)
    for block in blocks:
        block.setdefault("block_id", _random_id())
        for element in _interactive_elements(block):
            element.setdefault("action_id", _random_id())
    return blocks


class Workspace:
    """Users, channels and messages, and the Web API methods over them."""

    def __init__(self, *, team_id: str, bot_user_id: str, emit: Callable[[dict], None]) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = "B" + bot_user_id[1:]
        self.emit = emit
        self.channels: dict[str, dict] = {}
        self.users: dict[str, dict] = {}
        self.usergroups: dict[str, dict] = {}
        self.messages: dict[str, dict[str, dict]] = {}  # channel → ts → message, roots and replies
        self.ephemerals: list[dict] = []
        self._dm_by_users: dict[frozenset[str], str] = {}
        self._last_us = 0
        self._ids = count(1)
        self.add_user(bot_user_id, "carethread", "Carethread", is_bot=True)

    def handlers(self) -> dict[str, Callable[[dict], dict]]:
        """Web API method name → handler(args) returning the `ok: true` body's fields."""
        return {
            "auth.test": self.auth_test,
            "users.info": self.users_info,
            "usergroups.users.list": self.usergroups_users_list,
            "conversations.open": self.conversations_open,
            "conversations.info": self.conversations_info,
            "conversations.history": self.conversations_history,
            "conversations.replies": self.conversations_replies,
            "chat.postMessage": self.chat_post_message,
            "chat.update": self.chat_update,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.delete": self.chat_delete,
            "chat.getPermalink": self.chat_get_permalink,
        }

    def add_channel(self, channel_id: str, name: str, *, is_member: bool = True) -> None:
        """A public channel; `is_member=False` makes posting to it fail with not_in_channel."""
        self.channels[channel_id] = {
            "id": channel_id,
            "name": name,
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_private": False,
            "is_archived": False,
            "is_member": is_member,
            "created": int(time.time()),
        }
        self.messages.setdefault(channel_id, {})

    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str = "",
        is_bot: bool = False,
        tz: str = "Europe/Madrid",
        locale: str = "en-US",
    ) -> None:
        """A workspace member as users.info returns it."""
        zone = ZoneInfo(tz)
        now = datetime.now(zone)
        self.users[user_id] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": real_name or name,
            "deleted": False,
            "is_bot": is_bot,
            "is_admin": False,
            "tz": tz,
            "tz_label": now.tzname(),
            "tz_offset": int(now.utcoffset().total_seconds()),
            "profile": {"real_name": real_name or name, "display_name": name},
            # Slack's language setting ("es-ES", "en-US"); users.info shows it only when
            # asked with include_locale.
            "locale": locale,
        }

    def add_usergroup(self, group_id: str, handle: str, user_ids: list[str]) -> None:
        """A user group (e.g. the approvers) for usergroups.users.list."""
        self.usergroups[group_id] = {"id": group_id, "handle": handle, "users": list(user_ids)}

    # -- ids, lookups ---------------------------------------------------------
    def next_ts(self) -> str:
        """Slack-style "seconds.micros", strictly increasing even within one microsecond."""
        self._last_us = max(int(time.time() * 1_000_000), self._last_us + 1)
        return f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"

    def channel(self, ref: Any, *, writing: bool = False) -> dict:
        """A channel by id or name; a user id means the bot's DM with that user, as in Slack."""
        if not isinstance(ref, str) or not ref:
            raise SlackError("channel_not_found")
        if ref in self.users and writing:
            return self.channels[self.open_dm(frozenset({ref}))]
        name = ref.removeprefix("#")
        channel = self.channels.get(ref) or next(
            (c for c in self.channels.values() if c.get("name") == name), None
        )
        if channel is None:
            raise SlackError("channel_not_found")
        if not channel["is_member"]:
            raise SlackError("not_in_channel")
        return channel

    def message(self, channel_id: str, ts: Any) -> dict:
        """A stored message (root or reply), or message_not_found."""
        message = self.messages.get(channel_id, {}).get(ts)
        if message is None:
            raise SlackError("message_not_found")
        return message

    def dm_channel(self, users: frozenset[str]) -> str | None:
        """The DM channel id for this set of users, if one was opened."""
        return self._dm_by_users.get(users)

    def open_dm(self, users: frozenset[str]) -> str:
        """The DM channel id for this set of users (besides the bot), created once."""
        if users not in self._dm_by_users:
            channel_id = f"D{next(self._ids):08d}"
            self._dm_by_users[users] = channel_id
            self.channels[channel_id] = {
                "id": channel_id,
                "is_im": len(users) == 1,
                "is_mpim": len(users) > 1,
                "is_channel": False,
                "user": next(iter(users)) if len(users) == 1 else None,
                "is_member": True,
                "created": int(time.time()),
            }
            self.messages[channel_id] = {}
        return self._dm_by_users[users]

    # -- auth, users, conversations --------------------------------------------
    def auth_test(self, args: dict) -> dict:
        return {
            "url": WORKSPACE_URL,
            "team": "Carethread Sandbox",
            "user": self.users[self.bot_user_id]["name"],
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def users_info(self, args: dict) -> dict:
        user = self.users.get(args.get("user", ""))
        if user is None:
            raise SlackError("user_not_found")
        shown = copy.deepcopy(user)
        if str(args.get("include_locale", "")).lower() not in ("1", "true"):
            shown.pop("locale", None)
        return {"user": shown}

    def usergroups_users_list(self, args: dict) -> dict:
        group = self.usergroups.get(args.get("usergroup", ""))
        if group is None:
            raise SlackError("no_such_subteam")
        return {"users": list(group["users"])}

    def conversations_open(self, args: dict) -> dict:
        if args.get("channel"):
            channel = self.channel(args["channel"])
            return {"channel": {"id": channel["id"]}, "no_op": True, "already_open": True}
        users = args.get("users")
        user_ids = users if isinstance(users, list) else str(users or "").split(",")
        user_ids = [u.strip() for u in user_ids if u.strip()]
        if not user_ids:
            raise SlackError("users_list_not_supplied")
        if any(u not in self.users for u in user_ids):
            raise SlackError("user_not_found")
        already = frozenset(user_ids) in self._dm_by_users
        channel_id = self.open_dm(frozenset(user_ids))
        channel = self.channels[channel_id] if flag(args.get("return_im")) else {"id": channel_id}
        return {"channel": copy.deepcopy(channel), "no_op": already, "already_open": already}

    def conversations_info(self, args: dict) -> dict:
        return {"channel": copy.deepcopy(self.channel(args.get("channel")))}

    def conversations_history(self, args: dict) -> dict:
        channel = self.channel(args.get("channel"))
        roots = sorted(self.roots(channel["id"]), key=lambda m: ts_key(m["ts"]), reverse=True)
        inclusive = flag(args.get("inclusive"))
        if args.get("oldest"):
            oldest = ts_key(str(args["oldest"]))
            roots = [
                m
                for m in roots
                if ts_key(m["ts"]) > oldest or (inclusive and ts_key(m["ts"]) == oldest)
            ]
        if args.get("latest"):
            latest = ts_key(str(args["latest"]))
            roots = [
                m
                for m in roots
                if ts_key(m["ts"]) < latest or (inclusive and ts_key(m["ts"]) == latest)
            ]
        if args.get("cursor"):  # our cursors encode "next_ts:<ts>", the newest ts of the next page
            start = _cursor_ts(args["cursor"])
            roots = [m for m in roots if ts_key(m["ts"]) <= start]
        limit = int(args.get("limit") or 100)
        page, rest = roots[:limit], roots[limit:]
        cursor = base64.b64encode(f"next_ts:{rest[0]['ts']}".encode()).decode() if rest else ""
        return {
            "messages": [self._as_read(m, args) for m in page],
            "has_more": bool(rest),
            "pin_count": 0,
            "response_metadata": {"next_cursor": cursor},
        }

    def conversations_replies(self, args: dict) -> dict:
        channel = self.channel(args.get("channel"))
        message = self.messages[channel["id"]].get(args.get("ts"))
        if message is None:
            raise SlackError("thread_not_found")
        parent_ts = message.get("thread_ts", message["ts"])
        thread = [
            m for m in self.messages[channel["id"]].values() if m.get("thread_ts") == parent_ts
        ]
        if parent_ts not in {m["ts"] for m in thread}:
            thread.append(message)  # a message without replies is its own one-message thread
        thread.sort(key=lambda m: ts_key(m["ts"]))
        return {"messages": [self._as_read(m, args) for m in thread], "has_more": False}

    def roots(self, channel_id: str) -> list[dict]:
        """Top-level messages: not replies, except replies also sent to the channel."""
        return [
            m
            for m in self.messages.get(channel_id, {}).values()
            if m.get("thread_ts") in (None, m["ts"]) or m.get("subtype") == "thread_broadcast"
        ]

    @staticmethod
    def _as_read(message: dict, args: dict) -> dict:
        """A message as history/replies return it: metadata only when asked for."""
        message = copy.deepcopy(message)
        if not flag(args.get("include_all_metadata")):
            message.pop("metadata", None)
        return message

    # -- chat -----------------------------------------------------------------
    def content(self, args: dict, *, required: bool = True) -> dict:
        """Validated text/blocks/attachments of a message, or Slack's refusal."""
        content: dict[str, Any] = {}
        if "blocks" in args:
            blocks = args["blocks"]
            if not isinstance(blocks, list):
                raise SlackError("invalid_blocks_format")
            problems = check_blocks(blocks)
            if problems:
                raise SlackError("invalid_blocks", error_body("invalid_blocks", problems))
            content["blocks"] = with_ids(blocks)
        if args.get("attachments"):
            content["attachments"] = copy.deepcopy(args["attachments"])
        text = args.get("text")
        if isinstance(text, str) and len(text) > MAX_TEXT:
            raise SlackError("msg_too_long")
        if text is not None:
            content["text"] = text
        if required and not (text or content.get("blocks") or content.get("attachments")):
            raise SlackError("no_text")
        return content

    @staticmethod
    def _metadata(args: dict) -> dict | None:
        metadata = args.get("metadata")
        if metadata is None:
            return None
        if not (
            isinstance(metadata, dict)
            and isinstance(metadata.get("event_type"), str)
            and isinstance(metadata.get("event_payload"), dict)
        ):
            raise SlackError("invalid_metadata_format")
        return {"event_type": metadata["event_type"], "event_payload": metadata["event_payload"]}

    def store_message(
        self,
        channel_id: str,
        content: dict,
        *,
        thread_ts: str | None = None,
        broadcast: bool = False,
        metadata: dict | None = None,
    ) -> dict:
        message = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": API_APP_ID,
            "team": self.team_id,
            "ts": self.next_ts(),
            "text": "",
            **content,
            "bot_profile": {
                "id": self.bot_id,
                "app_id": API_APP_ID,
                "name": "Carethread",
                "team_id": self.team_id,
            },
        }
        if metadata:
            message["metadata"] = metadata
        if thread_ts:
            message["thread_ts"] = thread_ts
            message["parent_user_id"] = self.bot_user_id
            if broadcast:
                message["subtype"] = "thread_broadcast"
        self.messages[channel_id][message["ts"]] = message
        if thread_ts:
            self._note_reply(channel_id, thread_ts, message)
        kind = "dm" if channel_id.startswith("D") else "message"
        self.emit(
            {"kind": kind, "channel": channel_id, "ts": message["ts"], "thread_ts": thread_ts}
        )
        return message

    def _note_reply(self, channel_id: str, thread_ts: str, reply: dict) -> None:
        """Keep the parent's reply_count/latest_reply current, as Slack shows them."""
        parent = self.messages[channel_id].get(thread_ts)
        if parent is None:
            return  # Slack accepts a thread_ts it does not know; the reply just has no parent
        users = parent.setdefault("reply_users", [])
        if reply["user"] not in users:
            users.append(reply["user"])
        parent.update(
            thread_ts=thread_ts,
            reply_count=parent.get("reply_count", 0) + 1,
            reply_users_count=len(users),
            latest_reply=reply["ts"],
        )

    def chat_post_message(self, args: dict) -> dict:
        channel = self.channel(args.get("channel"), writing=True)
        content = self.content(args)
        message = self.store_message(
            channel["id"],
            content,
            thread_ts=args.get("thread_ts") or None,
            broadcast=flag(args.get("reply_broadcast")),
            metadata=self._metadata(args),
        )
        return {"channel": channel["id"], "ts": message["ts"], "message": copy.deepcopy(message)}

    def chat_update(self, args: dict) -> dict:
        channel = self.channel(args.get("channel"))
        message = self.message(channel["id"], args.get("ts"))
        # Slack keeps what an update leaves out: no blocks argument keeps the old blocks.
        content = self.content(args, required=False)
        message.update(content)
        metadata = self._metadata(args)
        if metadata:
            message["metadata"] = metadata
        message["edited"] = {"user": self.bot_user_id, "ts": self.next_ts()}
        self.emit({"kind": "message_changed", "channel": channel["id"], "ts": message["ts"]})
        return {
            "channel": channel["id"],
            "ts": message["ts"],
            "text": message.get("text", ""),
            "message": copy.deepcopy(message),
        }

    def chat_post_ephemeral(self, args: dict) -> dict:
        channel = self.channel(args.get("channel"))
        if not args.get("user"):
            raise SlackError("user_not_in_channel")
        ephemeral = self.store_ephemeral(
            channel["id"], args["user"], self.content(args), args.get("thread_ts") or None
        )
        return {"message_ts": ephemeral["ts"]}

    def store_ephemeral(
        self, channel_id: str, user_id: str, content: dict, thread_ts: str | None
    ) -> dict:
        ephemeral = {
            "type": "message",
            "channel": channel_id,
            "user": user_id,
            "ts": self.next_ts(),
            "text": "",
            **content,
        }
        if thread_ts:
            ephemeral["thread_ts"] = thread_ts
        self.ephemerals.append(ephemeral)
        self.emit(
            {"kind": "ephemeral", "channel": channel_id, "user": user_id, "ts": ephemeral["ts"]}
        )
        return ephemeral

    def chat_delete(self, args: dict) -> dict:
        channel = self.channel(args.get("channel"))
        message = self.message(channel["id"], args.get("ts"))
        del self.messages[channel["id"]][message["ts"]]
        self.emit({"kind": "message_deleted", "channel": channel["id"], "ts": message["ts"]})
        return {"channel": channel["id"], "ts": message["ts"]}

    def chat_get_permalink(self, args: dict) -> dict:
        channel = self.channel(args.get("channel"))
        message = self.message(channel["id"], args.get("message_ts"))
        digits = message["ts"].replace(".", "")
        link = f"{WORKSPACE_URL}archives/{channel['id']}/p{digits}"
        if message.get("thread_ts") not in (None, message["ts"]):
            link += f"?thread_ts={message['thread_ts']}&cid={channel['id']}"
        return {"channel": channel["id"], "permalink": link}
