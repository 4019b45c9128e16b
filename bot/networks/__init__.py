"""One module per social network behind one small interface (`bot.networks.base`)."""

from bot.networks.base import (
    TEXT_FIELD,
    VISIBILITY_FIELD,
    Author,
    Fetch,
    FetchedPost,
    Network,
    NetworkError,
    NetworkUnavailable,
    Outgoing,
    Page,
    ProgressCallback,
    RateLimited,
    ReplyContext,
    ReplyTarget,
    SentReply,
    Stream,
)

__all__ = [
    "TEXT_FIELD",
    "VISIBILITY_FIELD",
    "Author",
    "Fetch",
    "FetchedPost",
    "Network",
    "NetworkError",
    "NetworkUnavailable",
    "Outgoing",
    "Page",
    "ProgressCallback",
    "RateLimited",
    "ReplyContext",
    "ReplyTarget",
    "SentReply",
    "Stream",
]
