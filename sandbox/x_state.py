"""The in-memory X behind the X stand-in: users, posts and the brand's DMs.

Records are plain dicts so tests and the demo can read them directly; helpers hand
out copies so nobody mutates the world behind the lock's back.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from twitter_text import parse_tweet

# X's snowflake epoch (2010-11-04); ids encode their creation time, so they sort by time
# and since_id/until_id work as on X.
SNOWFLAKE_EPOCH_MS = 1288834974657
MAX_POST_WEIGHT = 280
ELLIPSIS = "…"

# The fields and expansions live X accepts (its OpenAPI description renames several).
TWEET_FIELDS = (
    "attachments",
    "author_id",
    "card_uri",
    "community_id",
    "context_annotations",
    "conversation_id",
    "created_at",
    "display_text_range",
    "edit_controls",
    "edit_history_tweet_ids",
    "entities",
    "geo",
    "id",
    "in_reply_to_user_id",
    "lang",
    "media_metadata",
    "non_public_metrics",
    "note_tweet",
    "organic_metrics",
    "possibly_sensitive",
    "promoted_metrics",
    "public_metrics",
    "referenced_tweets",
    "reply_settings",
    "scopes",
    "source",
    "text",
    "withheld",
)
USER_FIELDS = (
    "affiliation",
    "connection_status",
    "created_at",
    "description",
    "entities",
    "id",
    "is_identity_verified",
    "location",
    "most_recent_tweet_id",
    "name",
    "parody",
    "pinned_tweet_id",
    "profile_banner_url",
    "profile_image_url",
    "protected",
    "public_metrics",
    "receives_your_dm",
    "subscription",
    "subscription_type",
    "url",
    "username",
    "verified",
    "verified_followers_count",
    "verified_type",
    "withheld",
)
TWEET_EXPANSIONS = (
    "attachments.media_keys",
    "attachments.media_source_tweet",
    "attachments.poll_ids",
    "author_id",
    "edit_history_tweet_ids",
    "entities.mentions.username",
    "geo.place_id",
    "in_reply_to_user_id",
    "entities.note.mentions.username",
    "referenced_tweets.id",
    "referenced_tweets.id.author_id",
)
USER_EXPANSIONS = ("affiliation.user_id", "most_recent_tweet_id", "pinned_tweet_id")

Tweet = dict[str, Any]
User = dict[str, Any]


def utc_now() -> datetime:
    return datetime.now(UTC)


class XState:
    """Users, posts and DMs. Mixed into `XStandIn`, which supplies `self.lock`."""

    lock: threading.RLock
    # Supplied by StandInServer: bumps the version and tells observers (the live web view).
    changed: Callable[[dict[str, Any]], None]

    def __init__(self, brand_id: str, brand_username: str, brand_name: str) -> None:
        self.users: dict[str, User] = {}
        self.tweets: dict[str, Tweet] = {}
        self.dms: list[dict[str, Any]] = []
        self._sequence = 0
        self.clock: Callable[[], datetime] = utc_now  # tests may move time
        self.brand_id = brand_id
        self.add_user(
            brand_username, brand_name, verified=True, verified_type="business", user_id=brand_id
        )

    # -- public helpers ----------------------------------------------------------
    @property
    def brand(self) -> User:
        with self.lock:
            return dict(self.users[self.brand_id])

    def add_user(
        self,
        username: str,
        name: str = "",
        followers: int = 0,
        verified: bool = False,
        verified_type: str = "none",
        accepts_dms: bool = True,
        user_id: str | None = None,
        *,
        following: int = 0,
        description: str = "",
        protected: bool = False,
        created_at: datetime | None = None,
    ) -> User:
        """Create an X account; `accepts_dms` says whether it takes DMs from the brand."""
        with self.lock:
            if self._find_user(username):
                raise ValueError(f"username @{username} is taken")
            created = created_at or self.clock() - timedelta(days=365)
            user = {
                "id": user_id or self._next_id(created),
                "username": username,
                "name": name or username,
                "followers": followers,
                "following": following,
                "tweet_count": 0,
                "verified": verified,
                "verified_type": verified_type,
                "created_at": created,
                "description": description,
                "protected": protected,
                "accepts_dms_from_brand": accepts_dms,
            }
            self.users[user["id"]] = user
        self.changed({"kind": "user_added", "user": user["id"]})
        return dict(user)

    def post(
        self,
        author_id_or_username: str,
        text: str,
        *,
        in_reply_to: str | None = None,
        quote_of: str | None = None,
        created_at: datetime | None = None,
        lang: str | None = None,
        mentions_brand: bool | None = None,
    ) -> Tweet:
        """A post by a customer (any length: long posts become X's long-form "note tweets").

        `mentions_brand` defaults to whether the text names @brand or the post replies to
        the brand, which is what puts a post in the brand's mentions timeline on X."""
        with self.lock:
            author = self._user(author_id_or_username)
            parent = self._tweet(in_reply_to) if in_reply_to else None
            quoted = self._tweet(quote_of) if quote_of else None
            if mentions_brand is None:
                mentions_brand = self._names_brand(text) or bool(
                    parent and parent["author_id"] == self.brand_id
                )
            return dict(
                self._add_tweet(
                    author["id"],
                    text,
                    parent=parent,
                    quoted=quoted,
                    created_at=created_at,
                    lang=lang,
                    mentions_brand=mentions_brand,
                )
            )

    def user(self, id_or_username: str) -> User:
        """The user with an id, "username" or "@username" (KeyError if unknown)."""
        with self.lock:
            return dict(self._user(id_or_username))

    def set_accepts_dms(self, user: str, accepts: bool) -> None:
        with self.lock:
            self._user(user)["accepts_dms_from_brand"] = accepts
        self.changed({"kind": "user_changed"})

    def update_user(
        self,
        user: str,
        *,
        name: str | None = None,
        followers: int | None = None,
        verified: bool | None = None,
        verified_type: str | None = None,
        accepts_dms: bool | None = None,
    ) -> User:
        """Change an account's profile (what a customer can change about themselves)."""
        changes = {
            "name": name,
            "followers": followers,
            "verified": verified,
            "verified_type": verified_type,
            "accepts_dms_from_brand": accepts_dms,
        }
        with self.lock:
            found = self._user(user)
            found.update({k: v for k, v in changes.items() if v is not None})
            updated = dict(found)
        self.changed({"kind": "user_changed", "user": updated["id"]})
        return updated

    def replies_to(self, tweet_id: str) -> list[Tweet]:
        """Direct replies to a post, oldest first."""
        with self.lock:
            return self._sorted(t for t in self.tweets.values() if t["in_reply_to"] == tweet_id)

    def tweets_by(self, user: str) -> list[Tweet]:
        """A user's posts, oldest first."""
        with self.lock:
            author_id = self._user(user)["id"]
            return self._sorted(t for t in self.tweets.values() if t["author_id"] == author_id)

    def dms_to(self, user: str) -> list[dict[str, Any]]:
        """DMs the brand sent to a user, oldest first."""
        with self.lock:
            user_id = self._user(user)["id"]
            return [dict(dm) for dm in self.dms if dm["participant_id"] == user_id]

    # -- queries the API serves ------------------------------------------------------
    def mentions_of(self, user_id: str) -> list[Tweet]:
        """Posts mentioning a user, newest first (only the brand's mentions are tracked)."""
        with self.lock:
            if user_id != self.brand_id:
                return []
            found = [
                t for t in self.tweets.values() if t["mentions_brand"] and t["author_id"] != user_id
            ]
            return sorted(found, key=lambda t: int(t["id"]), reverse=True)

    def search(self, matches: Callable[[Tweet, XState], bool]) -> list[Tweet]:
        """Posts for which `matches(tweet, state)` holds, newest first."""
        with self.lock:
            found = [t for t in self.tweets.values() if matches(t, self)]
            return sorted(found, key=lambda t: int(t["id"]), reverse=True)

    def reply_count(self, tweet_id: str) -> int:
        return sum(1 for t in self.tweets.values() if t["in_reply_to"] == tweet_id)

    def quote_count(self, tweet_id: str) -> int:
        return sum(1 for t in self.tweets.values() if t["quote_of"] == tweet_id)

    # -- the wire format ----------------------------------------------------------------
    def tweet_json(self, tweet: Tweet, fields: set[str]) -> dict[str, Any]:
        """A post as X shows it with `tweet.fields` = fields (the defaults always)."""
        out: dict[str, Any] = {
            "id": tweet["id"],
            "text": display_text(tweet["text"]),
            "edit_history_tweet_ids": [tweet["id"]],
        }
        simple = ("author_id", "conversation_id", "lang", "in_reply_to_user_id")
        out.update({name: tweet[name] for name in simple if name in fields and tweet[name]})
        if "created_at" in fields:
            out["created_at"] = iso(tweet["created_at"])
        if "referenced_tweets" in fields and tweet["referenced_tweets"]:
            out["referenced_tweets"] = [dict(r) for r in tweet["referenced_tweets"]]
        if "note_tweet" in fields and is_long_form(tweet["text"]):
            out["note_tweet"] = {"text": tweet["text"]}
        if "reply_settings" in fields:
            out["reply_settings"] = "everyone"
        if "public_metrics" in fields:
            out["public_metrics"] = {
                "retweet_count": tweet["retweet_count"],
                "repost_count": tweet["retweet_count"],  # the description's name, required there
                "reply_count": self.reply_count(tweet["id"]),
                "like_count": tweet["like_count"],
                "quote_count": self.quote_count(tweet["id"]),
                "bookmark_count": 0,
                "impression_count": tweet["impression_count"],
            }
        return out

    @staticmethod
    def user_json(user: User, fields: set[str]) -> dict[str, Any]:
        """A user as X shows it with `user.fields` = fields (the defaults always)."""
        out = {"id": user["id"], "name": user["name"], "username": user["username"]}
        for name in ("description", "protected", "verified", "verified_type"):
            if name in fields:
                out[name] = user[name]
        if "created_at" in fields:
            out["created_at"] = iso(user["created_at"])
        if "receives_your_dm" in fields:
            out["receives_your_dm"] = user["accepts_dms_from_brand"]
        if "public_metrics" in fields:
            out["public_metrics"] = {
                "followers_count": user["followers"],
                "following_count": user["following"],
                "tweet_count": user["tweet_count"],
                "post_count": user["tweet_count"],  # the description's name, required there
                "listed_count": 0,
                "like_count": 0,
                "media_count": 0,
            }
        return out

    # -- internals -----------------------------------------------------------------
    def _add_tweet(
        self,
        author_id: str,
        text: str,
        *,
        parent: Tweet | None = None,
        quoted: Tweet | None = None,
        created_at: datetime | None = None,
        lang: str | None = None,
        mentions_brand: bool = False,
    ) -> Tweet:
        created = created_at or self.clock()
        tweet_id = self._next_id(created)
        references = []
        if parent:
            references.append({"type": "replied_to", "id": parent["id"]})
        if quoted:
            references.append({"type": "quoted", "id": quoted["id"]})
        tweet = {
            "id": tweet_id,
            "author_id": author_id,
            "text": text,
            "created_at": created,
            "conversation_id": parent["conversation_id"] if parent else tweet_id,
            "in_reply_to": parent["id"] if parent else None,
            "in_reply_to_user_id": parent["author_id"] if parent else None,
            "quote_of": quoted["id"] if quoted else None,
            "referenced_tweets": references,
            "lang": lang or "und",  # X's tag for "language not detected"
            "mentions_brand": mentions_brand,
            "quotes_brand": bool(quoted and quoted["author_id"] == self.brand_id),
            "like_count": 0,
            "retweet_count": 0,
            "impression_count": 0,
        }
        self.tweets[tweet_id] = tweet
        self.users[author_id]["tweet_count"] += 1
        self.changed({"kind": "post", "id": tweet_id})
        return tweet

    def _next_id(self, at: datetime) -> str:
        """A snowflake: milliseconds since X's epoch, then a 22-bit sequence."""
        self._sequence = (self._sequence + 1) % (1 << 22)
        candidate = ((int(at.timestamp() * 1000) - SNOWFLAKE_EPOCH_MS) << 22) | self._sequence
        while str(candidate) in self.tweets or str(candidate) in self.users:
            candidate += 1
        return str(candidate)

    def _user(self, id_or_username: str) -> User:
        found = self.users.get(id_or_username) or self._find_user(id_or_username)
        if not found:
            raise KeyError(f"no X user {id_or_username!r}")
        return found

    def _tweet(self, tweet_id: str) -> Tweet:
        if tweet_id not in self.tweets:
            raise KeyError(f"no post {tweet_id!r}")
        return self.tweets[tweet_id]

    def _find_user(self, username: str) -> User | None:
        wanted = username.lstrip("@").lower()
        return next((u for u in self.users.values() if u["username"].lower() == wanted), None)

    def _names_brand(self, text: str) -> bool:
        handle = re.escape(self.users[self.brand_id]["username"])
        return re.search(rf"(?<!\w)@{handle}(?!\w)", text, re.IGNORECASE) is not None

    @staticmethod
    def _sorted(tweets: Any) -> list[Tweet]:
        return [dict(t) for t in sorted(tweets, key=lambda t: int(t["id"]))]


def iso(moment: datetime) -> str:
    """X's timestamp format: UTC, milliseconds, Z."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# -- long-form posts -------------------------------------------------------------------
def is_long_form(text: str) -> bool:
    return parse_tweet(text).weightedLength > MAX_POST_WEIGHT


def display_text(text: str) -> str:
    """What X puts in `text` for a long-form post: the part that fits, then an ellipsis."""
    if not is_long_form(text):
        return text
    end = parse_tweet(text).validRangeEnd  # last index that still fits in 280
    while end > 0 and parse_tweet(text[:end] + ELLIPSIS).weightedLength > MAX_POST_WEIGHT:
        end -= 1
    return text[:end].rstrip() + ELLIPSIS


# -- search queries --------------------------------------------------------------------
class QueryError(ValueError):
    """A search query the stand-in cannot read (X answers these with 400)."""


Predicate = Callable[[Tweet, XState], bool]


def compile_query(query: str) -> Predicate:
    """X's search language, the part Carethread needs: terms ANDed case-insensitively,
    "quoted phrases", OR (binding looser than AND, as on X), -negation, from:, to:,
    lang:, is:reply / is:quote / is:retweet. Grouping with parentheses is refused."""
    if "(" in query or ")" in query:
        raise QueryError("the stand-in does not support grouping with parentheses")
    tokens = re.findall(r'-?"[^"]*"|\S+', query)
    groups: list[list[Predicate]] = [[]]
    for token in tokens:
        if token == "OR":
            groups.append([])
        else:
            groups[-1].append(_term(token))
    if any(not group for group in groups):
        raise QueryError(f"malformed query: {query!r}")
    return lambda tweet, state: any(all(p(tweet, state) for p in group) for group in groups)


def _term(token: str) -> Predicate:
    if token.startswith("-") and len(token) > 1:
        positive = _term(token[1:])
        return lambda tweet, state: not positive(tweet, state)
    operator, _, value = token.partition(":")
    if value and operator in _OPERATORS:
        return _OPERATORS[operator](value.lower())
    words = token.strip('"').lower()
    pattern = re.compile(rf"(?<!\w){re.escape(words)}(?!\w)", re.IGNORECASE)
    return lambda tweet, state: pattern.search(tweet["text"]) is not None


def _username_of(state: XState, user_id: str | None) -> str:
    return state.users[user_id]["username"].lower() if user_id in state.users else ""


def _is(kind: str) -> Predicate:
    reference = {"reply": "replied_to", "quote": "quoted", "retweet": "retweeted"}.get(kind)
    if reference is None:
        raise QueryError(f"unknown operator is:{kind}")
    return lambda tweet, state: any(r["type"] == reference for r in tweet["referenced_tweets"])


_OPERATORS: dict[str, Callable[[str], Predicate]] = {
    "from": lambda name: lambda t, s: _username_of(s, t["author_id"]) == name.lstrip("@"),
    "to": lambda name: lambda t, s: _username_of(s, t["in_reply_to_user_id"]) == name.lstrip("@"),
    "lang": lambda code: lambda t, s: t["lang"].lower() == code,
    "is": _is,
}
