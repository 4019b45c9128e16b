"""The X stand-in plus the two read endpoints Carethread uses to settle interrupted sends.

GET /2/users/:id/tweets (a user's timeline) and
GET /2/dm_conversations/with/:participant_id/dm_events (a one-to-one DM conversation),
as in X's OpenAPI description. Kept apart from sandbox/x_api.py (another owner) until
they are folded in there.
"""

from __future__ import annotations

from typing import Any

from sandbox.httpserver import Request, Response
from sandbox.x_api import TIMELINE_PARAMS, Endpoint, XStandIn, _int_param, _user_not_found
from sandbox.x_state import iso

LOOKUP_ENDPOINTS = (
    Endpoint(
        "GET", "/2/users/:id/tweets", "_get_user_tweets", 900, 1500, (*TIMELINE_PARAMS, "exclude")
    ),
    Endpoint(
        "GET",
        "/2/dm_conversations/with/:participant_id/dm_events",
        "_get_dm_events",
        300,
        None,
        (
            "dm_event.fields",
            "event_types",
            "max_results",
            "pagination_token",
            "expansions",
            "user.fields",
            "tweet.fields",
            "media.fields",
        ),
    ),
)


class XStandInWithLookups(XStandIn):
    def _route(self, request: Request) -> tuple[Endpoint, dict[str, str]] | None:
        for endpoint in LOOKUP_ENDPOINTS:
            match = endpoint.regex.match(request.path)
            if match and endpoint.method == request.method:
                return endpoint, match.groupdict()
        return super()._route(request)

    def _get_user_tweets(self, request: Request, id: str) -> Response:
        if id not in self.users:
            return Response(200, {"errors": [_user_not_found(id)]})
        max_results = _int_param(request, "max_results", 5, 100, default=10)
        tweets = sorted(
            (t for t in self.tweets.values() if t["author_id"] == id),
            key=lambda t: int(t["id"]),
            reverse=True,
        )
        return self._timeline(request, tweets, max_results, request.arg("pagination_token"))

    def _get_dm_events(self, request: Request, participant_id: str) -> Response:
        _int_param(request, "max_results", 1, 100, default=100)
        events: list[dict[str, Any]] = [
            {
                "id": dm["dm_event_id"],
                "event_type": "MessageCreate",
                "text": dm["text"],
                "sender_id": dm["sender_id"],
                "dm_conversation_id": dm["dm_conversation_id"],
                "created_at": iso(dm["created_at"]),
            }
            for dm in reversed(self.dms)
            if dm["participant_id"] == participant_id
        ]
        return Response(200, {"data": events, "meta": {"result_count": len(events)}})
