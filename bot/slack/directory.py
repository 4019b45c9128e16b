"""Who is who in the workspace: approvers and the members of Slack user groups, read from
Slack (usergroups.users.list) and cached briefly, so removing someone from a group takes
effect within a minute while clicks stay fast."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

from slack_sdk import WebClient

from bot.errors import UserFacingError
from bot.i18n import _, language_of_locale, workspace_language
from bot.slack.failures import SLACK_FAILURES, slack_error

log = logging.getLogger(__name__)

GROUP_CACHE_SECONDS = 60.0
# People rarely change their Slack language; an hour keeps clicks free of users.info calls.
LANGUAGE_CACHE_SECONDS = 3600.0


class Directory:
    """Approvers (listed ids plus an optional user group) and user-group members."""

    def __init__(
        self,
        client: WebClient,
        *,
        approver_user_ids: Iterable[str] = (),
        approver_usergroup_id: str | None = None,
        ttl: float = GROUP_CACHE_SECONDS,
    ):
        self.client = client
        self.listed_approvers = frozenset(approver_user_ids)
        self.approver_group = approver_usergroup_id
        self.ttl = ttl
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._languages: dict[str, tuple[float, str | None]] = {}

    @property
    def has_approvers(self) -> bool:
        return bool(self.listed_approvers or self.approver_group)

    def members(self, group_id: str) -> frozenset[str]:
        """Members of a user group; raises Slack's errors when Slack cannot tell us."""
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(group_id)
        if cached and cached[0] > now:
            return cached[1]
        response = self.client.usergroups_users_list(usergroup=group_id)
        users = frozenset(response.get("users") or [])
        with self._lock:
            self._cache[group_id] = (now + self.ttl, users)
        return users

    def language(self, user: str) -> str:
        """The interface language of `user`: their Slack locale (users.info with
        include_locale), cached; the workspace's language when Slack cannot tell or when we
        do not speak theirs."""
        now = time.monotonic()
        with self._lock:
            cached = self._languages.get(user)
        if cached and cached[0] > now:
            return cached[1] or workspace_language()
        try:
            profile = self.client.users_info(user=user, include_locale=True).get("user") or {}
        except SLACK_FAILURES as exc:
            # Not cached: the next click asks again.
            log.warning("Could not read the locale of %s: %s", user, slack_error(exc))
            return workspace_language()
        language = language_of_locale(str(profile.get("locale") or ""))
        with self._lock:
            self._languages[user] = (now + LANGUAGE_CACHE_SECONDS, language)
        return language or workspace_language()

    def approvers(self, asking_about: str | None = None) -> frozenset[str]:
        """Everyone allowed to approve. When only asking about one user who is listed by
        id, Slack is not asked at all; when Slack cannot be asked about that user, the
        click is refused with a retry hint rather than guessed."""
        group = self.approver_group
        if group is None or (asking_about is not None and asking_about in self.listed_approvers):
            return self.listed_approvers
        try:
            return self.listed_approvers | self.members(group)
        except SLACK_FAILURES as exc:
            log.warning("Could not read approver group %s: %s", group, slack_error(exc))
            if asking_about is not None:
                raise UserFacingError(
                    _(
                        "Could not check the approvers group in Slack just now. Try again in a "
                        "moment."
                    )
                ) from exc
            return self.listed_approvers

    def people(self, slack_ids: Iterable[str]) -> set[str]:
        """User ids behind a list of user (U…/W…) and user group (S…) ids; a group Slack
        cannot list is skipped (its ping in the thread still reaches it)."""
        people: set[str] = set()
        for slack_id in slack_ids:
            if not slack_id.startswith("S"):
                people.add(slack_id)
                continue
            try:
                people |= self.members(slack_id)
            except SLACK_FAILURES as exc:
                log.warning("Could not list members of %s: %s", slack_id, slack_error(exc))
        return people
