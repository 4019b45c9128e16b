"""The in-memory Mastodon server behind the Mastodon stand-in: accounts, statuses,
notifications with the brand's notification policy, and Idempotency-Keys.

Records are plain dicts; helpers hand out copies. Ids are strings as on Mastodon:
statuses get time-ordered snowflake-style ids, notifications a sequence.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.networks.text_units import LINK_PATTERN as LINK
from bot.networks.text_units import MENTION_PATTERN as MENTION
from bot.networks.text_units import mastodon_length

DOMAIN = "mastodon.example"
IDEMPOTENCY_TTL = timedelta(hours=1)  # Mastodon keeps a key for an hour
# A notification policy decides, per kind of sender, whether a notification is shown
# ("accept"), kept aside for `include_filtered` ("filter") or never created ("drop").
POLICY_DEFAULTS = {
    "for_not_following": "accept",
    "for_not_followers": "accept",
    "for_new_accounts": "accept",
    "for_private_mentions": "filter",
    "for_limited_accounts": "filter",
}
NEW_ACCOUNT_AGE = timedelta(days=30)

Account = dict[str, Any]
Status = dict[str, Any]
Notification = dict[str, Any]


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class StatusRefused(Exception):
    """A status Mastodon would not accept (422 Validation failed, or 404 for the parent)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class MastodonState:
    """Accounts, statuses and notifications. Mixed into the stand-in, which has `self.lock`."""

    lock: threading.RLock

    def __init__(self, brand_username: str, brand_name: str, max_characters: int) -> None:
        self.accounts: dict[str, Account] = {}
        self.statuses: dict[str, Status] = {}
        self.notifications: list[Notification] = []
        self.policy = dict(POLICY_DEFAULTS)
        self.max_characters = max_characters
        self.clock: Callable[[], datetime] = utc_now  # tests may move time
        self._idempotency: dict[str, tuple[str, datetime]] = {}
        self._account_sequence = 100
        self._notification_sequence = 1000
        self._status_sequence = 0
        self.brand_id = self.add_account(
            brand_username, brand_name, followers=1200, created_at=utc_now() - timedelta(days=900)
        )["id"]

    @property
    def brand_acct(self) -> str:
        """The brand's username: customers write `@` + this to reach it."""
        return str(self.accounts[self.brand_id]["acct"])

    # -- people ----------------------------------------------------------------------------
    def add_account(
        self,
        username: str,
        name: str = "",
        *,
        followers: int = 0,
        domain: str | None = None,
        language: str | None = None,
        follows_brand: bool = False,
        followed_by_brand: bool = False,
        created_at: datetime | None = None,
        limited: bool = False,
    ) -> Account:
        """An account on this server (or, with `domain`, a remote one known to it)."""
        with self.lock:
            self._account_sequence += 1
            acct = f"{username}@{domain}" if domain else username
            host = domain or DOMAIN
            account = {
                "id": str(self._account_sequence),
                "username": username,
                "acct": acct,
                "display_name": name,
                "followers_count": followers,
                "following_count": 0,
                "statuses_count": 0,
                "created_at": created_at or self.clock() - timedelta(days=400),
                "url": f"https://{host}/@{username}",
                "uri": f"https://{host}/users/{username}",
                "language": language,
                "follows_brand": follows_brand,
                "followed_by_brand": followed_by_brand,
                "limited": limited,
                "last_status_at": None,
            }
            self.accounts[account["id"]] = account
            return dict(account)

    def add_customer(
        self,
        username: str,
        name: str = "",
        *,
        followers: int = 0,
        language: str | None = None,
        follows_brand: bool = True,
        domain: str | None = None,
        created_at: datetime | None = None,
    ) -> Account:
        """A customer; by default one who follows the brand (so the policy lets them in)."""
        return self.add_account(
            username,
            name,
            followers=followers,
            domain=domain,
            language=language,
            follows_brand=follows_brand,
            created_at=created_at,
        )

    def set_policy(self, **choices: str) -> None:
        """Change the brand's notification policy, e.g. `for_not_followers="filter"`."""
        with self.lock:
            for key, value in choices.items():
                if key not in POLICY_DEFAULTS or value not in ("accept", "filter", "drop"):
                    raise ValueError(f"unknown policy choice {key}={value}")
                self.policy[key] = value

    def account_by_acct(self, acct: str) -> Account | None:
        wanted = acct.lower().lstrip("@")
        if wanted.endswith("@" + DOMAIN):
            wanted = wanted[: -len(DOMAIN) - 1]
        return next((a for a in self.accounts.values() if a["acct"].lower() == wanted), None)

    # -- posting ---------------------------------------------------------------------------
    def post(
        self,
        username: str,
        text: str,
        *,
        in_reply_to: str | None = None,
        visibility: str = "public",
        language: str | None = None,
    ) -> Status:
        """A customer posts (as their client would); mentions of the brand notify it."""
        with self.lock:
            author = self.account_by_acct(username)
            if author is None:
                raise KeyError(f"no account {username!r}: add_customer first")
            return dict(
                self.create_status(
                    author["id"],
                    text,
                    in_reply_to=in_reply_to,
                    visibility=visibility,
                    language=language or author["language"],
                )
            )

    def reply_in_thread(self, username: str, parent_id: str, text: str, **kwargs: Any) -> Status:
        """A reply as Mastodon's web client writes it: the parent's author is mentioned first."""
        with self.lock:
            parent = self.statuses[parent_id]
            parent_author = self.accounts[parent["account_id"]]
            mention = "@" + parent_author["acct"]
            if mention.lower() not in text.lower():
                text = f"{mention} {text}"
            return self.post(username, text, in_reply_to=parent_id, **kwargs)

    def create_status(
        self,
        account_id: str,
        text: str,
        *,
        in_reply_to: str | None,
        visibility: str,
        language: str | None,
        idempotency_key: str | None = None,
    ) -> Status:
        """Validate and store a status as Mastodon's PostStatusService does."""
        with self.lock:
            now = self.clock()
            if idempotency_key:
                remembered = self._idempotency.get(f"{account_id}:{idempotency_key}")
                if remembered and now - remembered[1] < IDEMPOTENCY_TTL:
                    return self.statuses[remembered[0]]
            if not text.strip():
                raise StatusRefused(422, "Validation failed: Text can't be blank")
            length = mastodon_length(text)
            if account_id == self.brand_id and length > self.max_characters:
                raise StatusRefused(
                    422,
                    f"Validation failed: Text character limit of {self.max_characters} exceeded",
                )
            parent = self.statuses.get(in_reply_to) if in_reply_to else None
            if in_reply_to and (parent is None or not self.can_see(account_id, parent)):
                raise StatusRefused(404, "Record not found")
            mentioned = self._mentioned_accounts(text)
            status: Status = {
                "id": self._next_status_id(now),
                "account_id": account_id,
                "text": text,
                "created_at": now,
                "in_reply_to_id": in_reply_to,
                "in_reply_to_account_id": parent["account_id"] if parent else None,
                "visibility": visibility,
                "language": language,
                "mention_ids": [a["id"] for a in mentioned],
            }
            self.statuses[status["id"]] = status
            author = self.accounts[account_id]
            author["statuses_count"] += 1
            author["last_status_at"] = now
            if idempotency_key:
                self._idempotency[f"{account_id}:{idempotency_key}"] = (status["id"], now)
            if self.brand_id in status["mention_ids"] and account_id != self.brand_id:
                self._notify_brand(status)
            return status

    def _mentioned_accounts(self, text: str) -> list[Account]:
        found: list[Account] = []
        for match in MENTION.finditer(text):
            account = self.account_by_acct(match.group(0)[1:])
            if account and account not in found:
                found.append(account)
        return found

    def _notify_brand(self, status: Status) -> None:
        sender = self.accounts[status["account_id"]]
        verdicts = []
        if not sender["followed_by_brand"]:
            verdicts.append(self.policy["for_not_following"])
        if not sender["follows_brand"]:
            verdicts.append(self.policy["for_not_followers"])
        if self.clock() - sender["created_at"] < NEW_ACCOUNT_AGE:
            verdicts.append(self.policy["for_new_accounts"])
        if status["visibility"] == "direct" and not sender["followed_by_brand"]:
            verdicts.append(self.policy["for_private_mentions"])
        if sender["limited"]:
            verdicts.append(self.policy["for_limited_accounts"])
        if "drop" in verdicts:
            return
        self._notification_sequence += 1
        self.notifications.append(
            {
                "id": str(self._notification_sequence),
                "type": "mention",
                "account_id": sender["id"],
                "status_id": status["id"],
                "created_at": status["created_at"],
                "filtered": "filter" in verdicts,
            }
        )

    def _next_status_id(self, now: datetime) -> str:
        # Mastodon's ids: milliseconds since the epoch, shifted, plus a sequence.
        self._status_sequence = (self._status_sequence + 1) % 65536
        return str((int(now.timestamp() * 1000) << 16) | self._status_sequence)

    # -- who sees what ---------------------------------------------------------------------
    def can_see(self, viewer_id: str, status: Status) -> bool:
        if status["visibility"] in ("public", "unlisted"):
            return True
        if viewer_id == status["account_id"] or viewer_id in status["mention_ids"]:
            return True
        author = self.accounts[status["account_id"]]
        # Followers-only: the stand-in's only viewer is the brand.
        return (
            status["visibility"] == "private"
            and viewer_id == self.brand_id
            and bool(author["follows_brand"])
        )

    def thread(self, status_id: str, viewer_id: str) -> tuple[list[Status], list[Status]]:
        """Ancestors (root first) and descendants (depth first) the viewer may see."""
        with self.lock:
            ancestors: list[Status] = []
            current = self.statuses[status_id]
            while current["in_reply_to_id"] and current["in_reply_to_id"] in self.statuses:
                current = self.statuses[current["in_reply_to_id"]]
                ancestors.insert(0, current)
            descendants: list[Status] = []

            def walk(parent_id: str) -> None:
                for child in sorted(self.statuses.values(), key=lambda s: int(s["id"])):
                    if child["in_reply_to_id"] == parent_id:
                        descendants.append(child)
                        walk(child["id"])

            walk(status_id)
            visible = [s for s in ancestors if self.can_see(viewer_id, s)]
            return visible, [s for s in descendants if self.can_see(viewer_id, s)]

    # -- reading back what the brand did (tests and the demo) --------------------------------
    def brand_statuses(self) -> list[Status]:
        """Everything the brand posted, oldest first, with whom each direct one reached."""
        with self.lock:
            mine = [dict(s) for s in self.statuses.values() if s["account_id"] == self.brand_id]
            for status in mine:
                status["delivered_to"] = [
                    self.accounts[i]["acct"] for i in status["mention_ids"] if i != self.brand_id
                ]
            return sorted(mine, key=lambda s: int(s["id"]))

    # -- rendering -------------------------------------------------------------------------
    def render_content(self, text: str) -> str:
        """A status's text as Mastodon's HTML: paragraphs, line breaks, mentions, links."""
        paragraphs = [p for p in text.strip().split("\n\n") if p.strip()]
        return "".join(
            "<p>" + "<br />".join(self._render_line(line) for line in p.split("\n")) + "</p>"
            for p in paragraphs
        )

    def _render_line(self, line: str) -> str:
        pieces: list[str] = []
        position = 0
        entities = sorted(
            [(m.start(), m.end(), "link") for m in LINK.finditer(line)]
            + [(m.start(), m.end(), "mention") for m in MENTION.finditer(line)]
        )
        for start, end, kind in entities:
            if start < position:
                continue  # overlapping (a mention inside a link)
            pieces.append(html.escape(line[position:start], quote=False))
            pieces.append(self._render_entity(line[start:end], kind))
            position = end
        pieces.append(html.escape(line[position:], quote=False))
        return "".join(pieces)

    def _render_entity(self, written: str, kind: str) -> str:
        if kind == "link":
            scheme, _, rest = written.partition("://")
            return (
                f'<a href="{html.escape(written)}" target="_blank" rel="nofollow noopener" '
                f'translate="no"><span class="invisible">{scheme}://</span>'
                f"<span>{html.escape(rest, quote=False)}</span></a>"
            )
        account = self.account_by_acct(written[1:])
        if account is None:
            return html.escape(written, quote=False)
        # Mastodon shows only the username, also for remote accounts.
        return (
            f'<span class="h-card" translate="no"><a href="{account["url"]}" '
            f'class="u-url mention">@<span>{account["username"]}</span></a></span>'
        )
