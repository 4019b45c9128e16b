"""Files as the stand-in keeps them: Slack's three-step upload and image blocks that show
an uploaded file.

1. `files.getUploadURLExternal` (filename, length) answers an `upload_url` and a `file_id`;
2. the app POSTs the bytes to that URL (slack_sdk does it with urllib, outside the Web
   API client), which must carry exactly `length` bytes;
3. `files.completeUploadExternal` (files=[{id, title}], channel_id, thread_ts,
   initial_comment) finishes it; with a channel the file is shared there as a message,
   without one it stays private to the app.

The single-call `files.upload` was retired in November 2025: like Slack, the stand-in
answers it `method_deprecated`. Plain in-memory state: the caller (SlackStandIn) holds its
lock around every call.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from sandbox.httpserver import Request, Response
from sandbox.slack_blocks_rules import error_body
from sandbox.slack_workspace import SlackError, Workspace

IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif"}
MAX_FILE_BYTES = 1_000_000_000  # Slack's limit is 1 GB


@dataclass
class StoredFile:
    id: str
    name: str
    length: int
    alt_txt: str = ""
    title: str = ""
    content: bytes | None = None
    completed: bool = False
    shares: list[str] = field(default_factory=list)
    created: int = field(default_factory=lambda: int(time.time()))

    @property
    def filetype(self) -> str:
        return self.name.rpartition(".")[2].lower() if "." in self.name else "binary"

    @property
    def is_image(self) -> bool:
        return self.filetype in IMAGE_TYPES

    def as_object(self) -> dict[str, Any]:
        """A file object as files.completeUploadExternal and messages show it."""
        return {
            "id": self.id,
            "created": self.created,
            "name": self.name,
            "title": self.title or self.name,
            "mimetype": IMAGE_TYPES.get(self.filetype, "application/octet-stream"),
            "filetype": self.filetype,
            "size": self.length,
            "alt_txt": self.alt_txt,
            "is_public": False,
            "url_private": f"https://files.slack.com/files-pri/T0SANDBOX-{self.id}/{self.name}",
            "channels": [c for c in self.shares if c.startswith("C")],
            "ims": [c for c in self.shares if c.startswith("D")],
        }


class FileStore:
    """Uploads in progress and finished, and the file-related Web API methods."""

    def __init__(self, workspace: Workspace, root_url: Callable[[], str]) -> None:
        self.workspace = workspace
        self.root_url = root_url
        self.files: dict[str, StoredFile] = {}
        self._ids = count(1)

    def handlers(self) -> dict[str, Callable[[dict], dict]]:
        return {
            "files.getUploadURLExternal": self.get_upload_url,
            "files.completeUploadExternal": self.complete_upload,
            "files.info": self.info,
            "files.upload": self.retired_upload,
        }

    @staticmethod
    def retired_upload(args: dict) -> dict:
        raise SlackError("method_deprecated")

    def get_upload_url(self, args: dict) -> dict:
        name = args.get("filename")
        length = str(args.get("length", ""))
        if not name:
            raise SlackError("invalid_arguments", error_body("invalid_arguments", ["filename"]))
        if not length.isdigit() or not 0 < int(length) <= MAX_FILE_BYTES:
            raise SlackError("invalid_arguments", error_body("invalid_arguments", ["length"]))
        file_id = f"F{next(self._ids):010d}"
        self.files[file_id] = StoredFile(
            id=file_id, name=str(name), length=int(length), alt_txt=str(args.get("alt_txt") or "")
        )
        return {"upload_url": f"{self.root_url()}/upload/v1/{file_id}", "file_id": file_id}

    def receive(self, request: Request) -> Response:
        """Step 2: the bytes, POSTed to the upload URL."""
        stored = self.files.get(request.path.rpartition("/")[2])
        if request.method != "POST" or stored is None or stored.completed:
            return Response(404, "Not Found")
        if len(request.body) != stored.length:
            return Response(400, f"Bad Request: expected {stored.length} bytes")
        stored.content = request.body
        return Response(200, f"OK - {len(request.body)}")

    def complete_upload(self, args: dict) -> dict:
        raw = args.get("files")
        try:
            entries = json.loads(raw) if isinstance(raw, str) else raw
        except json.JSONDecodeError:
            entries = None
        if not isinstance(entries, list) or not entries:
            raise SlackError("invalid_arguments", error_body("invalid_arguments", ["files"]))
        chosen: list[StoredFile] = []
        for entry in entries:
            stored = self.files.get(entry.get("id", "")) if isinstance(entry, dict) else None
            if stored is None or stored.content is None:
                raise SlackError("file_not_found")
            stored.title = str(entry.get("title") or stored.name)
            chosen.append(stored)
        channel_id = args.get("channel_id") or args.get("channels")
        if channel_id:
            channel = self.workspace.channel(channel_id, writing=True)
            content: dict[str, Any] = {"text": args.get("initial_comment") or ""}
            for stored in chosen:
                stored.shares.append(channel["id"])
            content["files"] = [s.as_object() for s in chosen]
            content["upload"] = True
            self.workspace.store_message(
                channel["id"], content, thread_ts=args.get("thread_ts") or None
            )
        for stored in chosen:
            stored.completed = True
        return {"files": [copy.deepcopy(s.as_object()) for s in chosen]}

    def info(self, args: dict) -> dict:
        stored = self.files.get(args.get("file", ""))
        if stored is None or not stored.completed:
            raise SlackError("file_not_found")
        return {"file": stored.as_object()}

    def image_problems(self, blocks: Any, root: str = "/blocks") -> list[str]:
        """Image blocks that name an uploaded file (`slack_file`) must name a finished image."""
        problems: list[str] = []
        for index, block in enumerate(blocks if isinstance(blocks, list) else []):
            if not isinstance(block, dict) or block.get("type") != "image":
                continue
            reference = block.get("slack_file")
            if not isinstance(reference, dict):
                continue
            stored = self.files.get(str(reference.get("id", "")))
            if stored is None or not stored.completed or not stored.is_image:
                problems.append(
                    f"invalid slack_file: not an uploaded image "
                    f"[json-pointer:{root}/{index}/slack_file]"
                )
        return problems
