"""The webhooks Meta sends, for the Graph stand-in: payloads shaped as Meta's documented
examples (Page `feed` changes and `messaging` events, Instagram `comments`, `mentions` and
`messaging`), signed with `X-Hub-Signature-256`, POSTed to the bot; and Meta's
subscription handshake (`hub.mode`, `hub.verify_token`, `hub.challenge`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import requests

Record = dict[str, Any]


class WebhookSender:
    """Mixed into `MetaWorld`, which holds the Page, the account and the clock."""

    app_secret: str
    page: Record
    ig_account: Record
    media: dict[str, Record]
    webhook_url: str | None
    deliveries: list[tuple[Record, int | None]]
    now: Callable[[], datetime]
    _next: Callable[[], int]

    def _feed_payload(self, record: Record, *, item: str, id_key: str) -> Record:
        value: Record = {
            "from": record["from"],
            "item": item,
            "verb": "add",
            id_key: record["id"],
            "post_id": record.get("post_id", record["id"]),
            "created_time": int(record["created_time"].timestamp()),
            "message": record["message"],
            "permalink_url": record["permalink_url"],
        }
        if item == "comment":
            value["parent_id"] = record["parent_id"] or record["post_id"]
        entry = {
            "id": self.page["id"],
            "time": int(self.now().timestamp()),
            "changes": [{"field": "feed", "value": value}],
        }
        return {"object": "page", "entry": [entry]}

    def _ig_comment_payload(self, comment: Record) -> Record:
        media = self.media[comment["media_id"]]
        value: Record = {
            "from": comment["from"],
            "id": comment["id"],
            "text": comment["text"],
            "media": {"id": media["id"], "media_product_type": media["media_product_type"]},
        }
        if comment["parent_id"]:
            value["parent_id"] = comment["parent_id"]
        return self._ig_entry({"field": "comments", "value": value}, comment["timestamp"])

    def _mention_payload(self, media_id: str, comment_id: str | None) -> Record:
        value = {"media_id": media_id, **({"comment_id": comment_id} if comment_id else {})}
        return self._ig_entry({"field": "mentions", "value": value}, self.now())

    def _ig_entry(self, change: Record, at: datetime) -> Record:
        entry = {"id": self.ig_account["id"], "time": int(at.timestamp()), "changes": [change]}
        return {"object": "instagram", "entry": [entry]}

    def _messaging_payload(
        self, kind: str, account_id: str, person: Record, message: Record
    ) -> Record:
        millis = int(message["created_time"].timestamp() * 1000)
        event = {
            "sender": {"id": person["id"]},
            "recipient": {"id": account_id},
            "timestamp": millis,
            "message": {"mid": message["id"], "text": message["message"]},
        }
        return {"object": kind, "entry": [{"id": account_id, "time": millis, "messaging": [event]}]}

    def sign(self, body: bytes) -> str:
        return "sha256=" + hmac.new(self.app_secret.encode(), body, hashlib.sha256).hexdigest()

    def deliver(self, payload: Record, signature: str | None = None) -> int | None:
        """POST a payload to `webhook_url` as Meta does (signed unless `signature` is given);
        returns the HTTP status, None when the bot could not be reached."""
        if not self.webhook_url:
            return None
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": signature or self.sign(body),
        }
        try:
            status: int | None = requests.post(
                self.webhook_url, data=body, headers=headers, timeout=10
            ).status_code
        except requests.RequestException:
            status = None
        self.deliveries.append((payload, status))
        return status

    def _notify(self, payload: Record) -> None:
        if self.webhook_url:
            self.deliver(payload)

    def verify_subscription(self, callback_url: str, verify_token: str) -> bool:
        """Meta's subscription check: GET with hub.* parameters, expecting the challenge back."""
        challenge = str(self._next() * 7919)
        params = {
            "hub.mode": "subscribe",
            "hub.verify_token": verify_token,
            "hub.challenge": challenge,
        }
        try:
            response = requests.get(callback_url, params=params, timeout=10)
        except requests.RequestException:
            return False
        return response.status_code == 200 and response.text == challenge
