"""The Graph API's `fields` parameter for the Meta stand-in: parsing and rendering.

`fields=id,message,parent{id},replies{id,text},mentioned_comment.comment_id(17…){text}` —
a comma list of names, each with optional `.modifier(value)`s and a `{…}` sub-list. A name
is a field of the node type, or one of its edges (expanded as `{"data": […]}`), exactly as
the node types in Meta's specs (`../shared/specs/meta/*.json`) list them; anything else is
Meta's error 100 "Tried accessing nonexisting field".

`NODE_FIELDS` and `NODE_EDGES` say what the stand-in serves; a test checks them against
the specs (names and value types).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.meta_state import PRIVATE_REPLY_WINDOW, GraphFault, MetaWorld, Record, graph_time


@dataclass(frozen=True)
class FieldRequest:
    name: str
    modifiers: dict[str, str] = field(default_factory=dict)
    children: tuple[FieldRequest, ...] | None = None


def parse_fields(raw: str) -> list[FieldRequest]:
    parser = _Parser(raw)
    requests = parser.fields()
    if parser.position != len(raw):
        raise _syntax(raw)
    return requests


class _Parser:
    def __init__(self, raw: str):
        self.raw, self.position = raw, 0

    def fields(self) -> list[FieldRequest]:
        found = [self.field()]
        while self._peek(","):
            self.position += 1
            found.append(self.field())
        return found

    def field(self) -> FieldRequest:
        name = self._word()
        modifiers: dict[str, str] = {}
        while self._peek("."):
            self.position += 1
            key = self._word()
            if not self._peek("("):
                raise _syntax(self.raw)
            end = self.raw.find(")", self.position)
            if end < 0:
                raise _syntax(self.raw)
            modifiers[key] = self.raw[self.position + 1 : end]
            self.position = end + 1
        children = None
        if self._peek("{"):
            self.position += 1
            children = tuple(self.fields())
            if not self._peek("}"):
                raise _syntax(self.raw)
            self.position += 1
        return FieldRequest(name, modifiers, children)

    def _word(self) -> str:
        start = self.position
        while self.position < len(self.raw) and (
            self.raw[self.position].isalnum() or self.raw[self.position] == "_"
        ):
            self.position += 1
        if start == self.position:
            raise _syntax(self.raw)
        return self.raw[start : self.position]

    def _peek(self, char: str) -> bool:
        return self.position < len(self.raw) and self.raw[self.position] == char


def _syntax(raw: str) -> GraphFault:
    return GraphFault(100, f"(#100) Syntax error in the fields parameter: {raw!r}")


# -- what each node type serves -------------------------------------------------------

Getter = Callable[[MetaWorld, Record], Any]
# A field whose value is another node: (its node type, how to find that node's record).
NodeGetter = tuple[str, Callable[[MetaWorld, Record, dict[str, str]], Record | None]]
EdgeGetter = tuple[str, Callable[[MetaWorld, Record], list[Record]]]


def _time(key: str) -> Getter:
    return lambda world, record: graph_time(record[key]) if record.get(key) else None


def _key(key: str) -> Getter:
    return lambda world, record: record.get(key)


def _can_reply_privately(world: MetaWorld, record: Record) -> bool:
    created: datetime = record.get("created_time") or record["timestamp"]
    mine = record["from"]["id"] in {world.page["id"], world.ig_account["id"]}
    late = world.now() - created > PRIVATE_REPLY_WINDOW
    return not (mine or late or record.get("private_reply"))


def _participants(world: MetaWorld, thread: Record) -> Record:
    if thread["platform"] == "instagram":
        person = world.ig_people[thread["user_id"]]
        people = [
            {"id": person["id"], "username": person["username"]},
            {"id": world.ig_account["id"], "username": world.ig_account["username"]},
        ]
    else:
        person = world.people[thread["user_id"]]
        people = [
            {"id": person["id"], "name": person["name"], "email": f"{person['id']}@facebook.com"},
            {"id": world.page["id"], "name": world.page["name"]},
        ]
    return {"data": people}


def _comment_count(world: MetaWorld, record: Record) -> int:
    return sum(1 for c in world.comments.values() if c["parent_id"] == record["id"])


def _ig_comment_count(world: MetaWorld, media: Record) -> int:
    return sum(1 for c in world.ig_comments.values() if c["media_id"] == media["id"])


def _media_count(world: MetaWorld, account: Record) -> int:
    return sum(1 for m in world.media.values() if m["owner_id"] == account["id"])


NODE_FIELDS: dict[str, dict[str, Getter]] = {
    "Page": {
        "id": _key("id"),
        "name": _key("name"),
        "username": _key("username"),
        "link": _key("link"),
        "followers_count": _key("followers_count"),
    },
    "PagePost": {
        "id": _key("id"),
        "message": _key("message"),
        "created_time": _time("created_time"),
        "updated_time": _time("updated_time"),
        "from": _key("from"),
        "permalink_url": _key("permalink_url"),
        "is_hidden": _key("is_hidden"),
        "can_reply_privately": _can_reply_privately,
    },
    "Comment": {
        "id": _key("id"),
        "message": _key("message"),
        "created_time": _time("created_time"),
        "from": _key("from"),
        "permalink_url": _key("permalink_url"),
        "is_hidden": _key("is_hidden"),
        "can_reply_privately": _can_reply_privately,
        "comment_count": _comment_count,
        "private_reply_conversation": lambda world, record: (
            {"id": record["private_reply"]} if record.get("private_reply") else None
        ),
    },
    "UnifiedThread": {
        "id": _key("id"),
        "updated_time": _time("updated_time"),
        "participants": _participants,
        "message_count": lambda world, thread: len(thread["messages"]),
        "unread_count": lambda world, thread: 0,
        "can_reply": lambda world, thread: True,
        "snippet": lambda world, thread: (
            thread["messages"][-1]["message"][:100] if thread["messages"] else None
        ),
    },
    # Messages of a conversation; Meta's specs have no UnifiedMessage file to check against.
    "UnifiedMessage": {
        "id": _key("id"),
        "created_time": _time("created_time"),
        "from": _key("from"),
        "to": _key("to"),
        "message": _key("message"),
    },
    "User": {
        "id": _key("id"),
        "name": _key("name"),
        "first_name": _key("first_name"),
        "last_name": _key("last_name"),
    },
    "IGUser": {
        "id": _key("id"),
        "username": _key("username"),
        "name": _key("name"),
        "followers_count": _key("followers_count"),
        "media_count": _media_count,
    },
    "IGMedia": {
        "id": _key("id"),
        "caption": _key("caption"),
        "timestamp": _time("timestamp"),
        "permalink": _key("permalink"),
        "username": _key("username"),
        "media_type": _key("media_type"),
        "media_product_type": _key("media_product_type"),
        "comments_count": _ig_comment_count,
        "is_comment_enabled": lambda world, media: True,
    },
    "IGComment": {
        "id": _key("id"),
        "text": _key("text"),
        "timestamp": _time("timestamp"),
        "username": _key("username"),
        "from": _key("from"),
        "parent_id": _key("parent_id"),
        "hidden": _key("hidden"),
        "like_count": lambda world, comment: 0,
    },
}


def _parent(world: MetaWorld, record: Record, modifiers: dict[str, str]) -> Record | None:
    return world.comments.get(record.get("parent_id") or "")


def _media_of(world: MetaWorld, record: Record, modifiers: dict[str, str]) -> Record | None:
    return world.media.get(record["media_id"])


def _mentioned_comment(world: MetaWorld, account: Record, modifiers: dict[str, str]) -> Record:
    comment = world.ig_comments.get(modifiers.get("comment_id", ""))
    username = world.ig_account["username"]
    if comment is None or f"@{username}".lower() not in comment["text"].lower():
        raise GraphFault(100, "(#100) The comment does not mention this account", subcode=33)
    return comment


def _mentioned_media(world: MetaWorld, account: Record, modifiers: dict[str, str]) -> Record:
    media = world.media.get(modifiers.get("media_id", ""))
    username = world.ig_account["username"]
    if media is None or (
        f"@{username}".lower() not in media["caption"].lower() and not media["tags_account"]
    ):
        raise GraphFault(100, "(#100) The media does not mention this account", subcode=33)
    return media


NODE_LINKS: dict[str, dict[str, NodeGetter]] = {
    "Comment": {"parent": ("Comment", _parent)},
    "IGComment": {"media": ("IGMedia", _media_of)},
    "IGUser": {
        "mentioned_comment": ("IGComment", _mentioned_comment),
        "mentioned_media": ("IGMedia", _mentioned_media),
    },
}


def top_level_ig_comments(world: MetaWorld, media: Record) -> list[Record]:
    found = [
        c for c in world.ig_comments.values() if c["media_id"] == media["id"] and not c["parent_id"]
    ]
    return sorted(found, key=lambda c: c["timestamp"], reverse=True)


def ig_replies(world: MetaWorld, comment: Record) -> list[Record]:
    found = [c for c in world.ig_comments.values() if c["parent_id"] == comment["id"]]
    return sorted(found, key=lambda c: c["timestamp"])


def thread_messages(world: MetaWorld, thread: Record) -> list[Record]:
    return list(reversed(thread["messages"]))  # newest first, as Meta lists them


# Edges that may be expanded inside `fields` (a GET edge of the node type in Meta's specs).
NODE_EDGES: dict[str, dict[str, EdgeGetter]] = {
    "IGMedia": {"comments": ("IGComment", top_level_ig_comments)},
    "IGComment": {"replies": ("IGComment", ig_replies)},
    "UnifiedThread": {"messages": ("UnifiedMessage", thread_messages)},
}

DEFAULT_FIELDS = {
    "Page": "name,id",
    "PagePost": "created_time,message,id",
    "Comment": "created_time,from,message,id",
    "UnifiedThread": "id,updated_time",
    "UnifiedMessage": "id,created_time",
    "User": "name,id",
    "IGUser": "id",
    "IGMedia": "id",
    "IGComment": "timestamp,text,id",
}


def render(
    world: MetaWorld, node_type: str, record: Record, fields: list[FieldRequest] | None
) -> Record:
    """The node as Graph returns it: the requested fields that have a value."""
    wanted = fields if fields is not None else parse_fields(DEFAULT_FIELDS[node_type])
    out: Record = {}
    for request in wanted:
        value = _value(world, node_type, record, request)
        if value is not None:
            out[request.name] = value
    return out


def _value(world: MetaWorld, node_type: str, record: Record, request: FieldRequest) -> Any:
    scalar = NODE_FIELDS[node_type].get(request.name)
    if scalar is not None:
        return scalar(world, record)
    link = NODE_LINKS.get(node_type, {}).get(request.name)
    if link is not None:
        target_type, find = link
        target = find(world, record, request.modifiers)
        linked = list(request.children) if request.children else [FieldRequest("id")]
        return render(world, target_type, target, linked) if target else None
    edge = NODE_EDGES.get(node_type, {}).get(request.name)
    if edge is not None:
        target_type, listing = edge
        items = listing(world, record)[: int(request.modifiers.get("limit", "25"))]
        listed = list(request.children) if request.children else None
        return {"data": [render(world, target_type, item, listed) for item in items]}
    raise GraphFault(
        100,
        f"(#100) Tried accessing nonexisting field ({request.name}) on node type ({node_type})",
    )


def graph_since(raw: str, name: str) -> datetime:
    """A `datetime` parameter: epoch seconds or an ISO 8601 time (Graph takes both)."""
    try:
        if raw.lstrip("-").isdigit():
            return datetime.fromtimestamp(int(raw), tz=UTC)
        moment = datetime.fromisoformat(raw.replace("+0000", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError) as exc:
        raise GraphFault(100, f"(#100) Param {name} must be a valid time") from exc
