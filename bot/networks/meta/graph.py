"""One plain-HTTP client for Meta's Graph API, shared by the Facebook and Instagram networks.

No official Python client fits: `facebook-business` is generated for the Marketing API, and
the Graph API is HTTPS + JSON under a version prefix. So this is `requests` with:
- the version prefix (`/v25.0/`) and a configurable base URL (the stand-in in tests);
- the Page access token in the Authorization header and `appsecret_proof` (HMAC-SHA256 of
  the token, keyed with the app secret) on every call, as "Require App Secret" demands;
- timeouts on every call (a stalled connection must not hang a poll job);
- Meta's error bodies (`{"error": {message, type, code, error_subcode, fbtrace_id}}`)
  turned into `NetworkError`s in plain words;
- the usage headers read on every response, so callers can back off before Meta says no.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from bot.networks.base import NetworkError, NetworkUnavailable, RateLimited
from bot.networks.meta.usage import UsageGate, rate_limit_until

DEFAULT_BASE_URL = "https://graph.facebook.com"
# The current Graph API version (networks notes §1.5: paths are `/v25.0/…`).
DEFAULT_VERSION = "v25.0"
# (connect, read) seconds. Longer than any Graph call should take, shorter than the
# send lease in the core, so an interrupted send is settled by lookup, not by a hang.
DEFAULT_TIMEOUT = (5.0, 20.0)
# A lookup or a poll never follows more pages than this in one go.
MAX_PAGES = 10

Json = dict[str, Any]

# Meta's rate-limit codes: application (4), user (17), Page (32), custom/Messenger (613)
# and the Business Use Case family 80001–80014 (pages, Instagram, Messenger, …).
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
# "An unknown error occurred" / "Service temporarily unavailable": Meta asks to retry later.
TRANSIENT_CODES = frozenset({1, 2})
TOKEN_CODE = 190
PERMISSION_CODES = frozenset({10, *range(200, 300)})


def utc_now() -> datetime:
    return datetime.now(UTC)


def appsecret_proof(app_secret: str, access_token: str) -> str:
    """Meta's proof that a call comes from the app's server: HMAC-SHA256(secret, token)."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


class GraphRefusal(NetworkError):
    """Meta answered with an error body. `reason` is plain words; the raw parts stay for
    callers that decide by code (a closed messaging window, an answered comment)."""

    def __init__(
        self,
        reason: str,
        *,
        code: int,
        subcode: int | None,
        message: str,
        fbtrace_id: str | None = None,
        retryable: bool = False,
    ):
        super().__init__(reason, retryable=retryable)
        self.code = code
        self.subcode = subcode
        self.message = message
        self.fbtrace_id = fbtrace_id


class TokenRejected(NetworkError):
    """Error 190: the Page access token is expired or revoked. Not retryable: a person
    must create a new token, so admins are told which setting to change."""

    def __init__(self, message: str):
        super().__init__(
            "Meta rejected the Page access token (error 190: "
            f"{message.rstrip('.')}). Create a new long-lived Page access token and set it "
            "in FACEBOOK_PAGE_ACCESS_TOKEN, then restart Carethread.",
            retryable=False,
        )
        self.message = message


def explain(code: int, subcode: int | None, message: str) -> str:
    """Meta's refusal in plain words for the person who can act on it."""
    if code == 10 and subcode in {2018278, 2018065}:
        return (
            "the messaging window is closed: Meta accepts a reply only within 24 hours of "
            "the customer's last message (7 days with the HUMAN_AGENT tag)"
        )
    if code == 10900:
        return "a private reply was already sent to this comment: Meta allows only one"
    if code == 10903:
        return (
            "this comment can no longer be answered privately: Meta allows a private reply "
            "only within 7 days of the comment"
        )
    if code == 551:
        return "this person isn't available on Messenger right now (they may have blocked the Page)"
    if code == 100 and subcode == 2018001:
        return "the customer cannot be reached: they have no conversation with the Page"
    if code == 100 and "appsecret_proof" in message:
        return (
            "Meta refused the appsecret_proof: META_APP_SECRET does not belong to the app "
            "that issued FACEBOOK_PAGE_ACCESS_TOKEN"
        )
    if code in PERMISSION_CODES:
        return (
            f"Meta refused for lack of a permission ({message}). Check the app's permissions "
            "and access level in Meta's developer console (see docs/networks/meta.md)"
        )
    return f"Meta refused the request (code {code}): {message}"


class GraphClient:
    """Calls the Graph API as one Page (its Page access token)."""

    def __init__(
        self,
        *,
        access_token: str,
        app_secret: str,
        base_url: str = DEFAULT_BASE_URL,
        version: str = DEFAULT_VERSION,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        clock: Callable[[], datetime] = utc_now,
    ):
        self.root = f"{base_url.rstrip('/')}/{version.strip('/')}"
        self.timeout = timeout
        self.clock = clock
        self.usage = UsageGate()
        self._proof = appsecret_proof(app_secret, access_token)
        self._session = session or requests.Session()
        # Never retry inside requests: a retried POST could send a message twice.
        self._session.mount(self.root, HTTPAdapter(max_retries=0))
        self._session.headers["Authorization"] = f"Bearer {access_token}"

    # -- calls ---------------------------------------------------------------
    def get(self, node: str, params: Mapping[str, str | int] | None = None) -> Json:
        query: dict[str, str | int] = dict(params or {})
        query["appsecret_proof"] = self._proof
        return self._call("GET", node, params=query)

    def post(self, node: str, body: Mapping[str, object]) -> Json:
        """POST with a JSON body (the Send API takes `recipient`/`message` objects)."""
        return self._call("POST", node, params={"appsecret_proof": self._proof}, body=dict(body))

    def pages(
        self, node: str, params: Mapping[str, str | int], max_pages: int = MAX_PAGES
    ) -> Iterator[list[Json]]:
        """The `data` of each page of an edge, following `paging.cursors.after`."""
        query = dict(params)
        for _ in range(max_pages):
            response = self.get(node, query)
            yield list(response.get("data") or [])
            paging = response.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                return
            query["after"] = after

    # -- plumbing ------------------------------------------------------------
    def _call(
        self,
        method: str,
        node: str,
        *,
        params: Mapping[str, str | int],
        body: Json | None = None,
    ) -> Json:
        url = f"{self.root}/{node.strip('/')}"
        try:
            response = self._session.request(
                method, url, params=params, json=body, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise NetworkUnavailable(
                f"could not reach Meta's Graph API ({type(exc).__name__}); will try again"
            ) from exc
        now = self.clock()
        self.usage.observe(response.headers, now)
        payload = _json(response)
        error = payload.get("error") if isinstance(payload, dict) else None
        if response.ok and isinstance(payload, dict) and not isinstance(error, dict):
            return payload
        if isinstance(error, dict):
            raise self._refusal(error, response, now)
        if response.status_code >= 500:
            raise NetworkUnavailable(
                f"Meta's Graph API is having trouble (HTTP {response.status_code}); will try again"
            )
        raise NetworkError(
            f"Meta answered HTTP {response.status_code} without an error body", retryable=False
        )

    def _refusal(self, error: Json, response: requests.Response, now: datetime) -> NetworkError:
        code = _int(error.get("code"))
        subcode = _int(error.get("error_subcode")) or None
        message = str(error.get("message") or "no message")
        if code == TOKEN_CODE:
            return TokenRejected(message)
        if code in RATE_LIMIT_CODES:
            until = rate_limit_until(response.headers, now)
            self.usage.pause_all(until)
            return RateLimited(
                until,
                f"Meta rate limit reached (code {code}: {message.rstrip('.')}); "
                f"paused until {until:%H:%M} UTC",
            )
        if code in TRANSIENT_CODES or response.status_code >= 500:
            return NetworkUnavailable(f"Meta had a temporary problem ({message}); will try again")
        return GraphRefusal(
            explain(code, subcode, message),
            code=code,
            subcode=subcode,
            message=message,
            fbtrace_id=error.get("fbtrace_id"),
        )


def _json(response: requests.Response) -> object:
    try:
        return json.loads(response.content or b"null")
    except ValueError:
        return None


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0
