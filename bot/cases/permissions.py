"""Who may approve: checked on the server for every click, never taken from a button."""

from __future__ import annotations

import logging
import threading
import time
import weakref

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.errors import NotAllowed, UserFacingError

log = logging.getLogger(__name__)

# Short: removing someone from the approver group should take effect within a minute.
GROUP_CACHE_SECONDS = 60.0


def approval_refusal(
    user: str,
    approvers: frozenset[str],
    *,
    author: str,
    editor: str | None,
    allow_self_approval: bool,
) -> str | None:
    """Why `user` may not approve this draft, or None when they may. Pure."""
    if user not in approvers:
        return "Only approvers can approve or reject drafts. Ask someone in the approvers list."
    if not allow_self_approval and user in {author, editor}:
        return (
            "You wrote or edited this draft, so someone else must approve it "
            "(ALLOW_SELF_APPROVAL is off)."
        )
    return None


class GroupMembers:
    """Members of Slack user groups (usergroups.users.list), cached briefly per client."""

    def __init__(self, ttl: float = GROUP_CACHE_SECONDS):
        self.ttl = ttl
        self._lock = threading.Lock()
        self._cache: weakref.WeakKeyDictionary[WebClient, dict[str, tuple[float, frozenset[str]]]]
        self._cache = weakref.WeakKeyDictionary()

    def members(self, client: WebClient, group_id: str) -> frozenset[str]:
        """Raises SlackApiError/SlackClientError when Slack cannot tell us."""
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(client, {}).get(group_id)
        if cached and cached[0] > now:
            return cached[1]
        response = client.usergroups_users_list(usergroup=group_id)
        users = frozenset(response.get("users") or [])
        with self._lock:
            self._cache.setdefault(client, {})[group_id] = (now + self.ttl, users)
        return users


GROUPS = GroupMembers()


def approver_ids(settings: Settings, client: WebClient, user: str | None = None) -> frozenset[str]:
    """Everyone allowed to approve: APPROVER_USER_IDS plus the APPROVER_USERGROUP_ID members.

    When only asking about `user` and they are listed by id, Slack is not asked at all.
    """
    listed = frozenset(settings.approver_user_ids)
    group = settings.approver_usergroup_id
    if group is None or (user is not None and user in listed):
        return listed
    try:
        return listed | GROUPS.members(client, group)
    except (SlackApiError, SlackClientError, OSError) as exc:
        log.warning("Could not read approver group %s: %s", group, exc)
        if user is not None:
            raise UserFacingError(
                "Could not check the approvers group in Slack just now. Try again in a moment."
            ) from exc
        return listed


def require_approver(
    settings: Settings, client: WebClient, user: str, *, author: str, editor: str | None
) -> None:
    """Raise NotAllowed unless `user` may approve a draft by `author` (edited by `editor`)."""
    if not settings.approver_user_ids and not settings.approver_usergroup_id:
        raise NotAllowed(
            "No approvers are configured: set APPROVER_USER_IDS or APPROVER_USERGROUP_ID."
        )
    refusal = approval_refusal(
        user,
        approver_ids(settings, client, user),
        author=author,
        editor=editor,
        allow_self_approval=settings.allow_self_approval,
    )
    if refusal:
        raise NotAllowed(refusal)


def require_approver_role(settings: Settings, client: WebClient, user: str, to: str) -> None:
    """Raise NotAllowed unless `user` is an approver (listed, or in the approver group);
    `to` says what they tried, e.g. "see the original text"."""
    if not settings.approver_user_ids and not settings.approver_usergroup_id:
        raise NotAllowed(
            "No approvers are configured: set APPROVER_USER_IDS or APPROVER_USERGROUP_ID."
        )
    if user not in approver_ids(settings, client, user):
        raise NotAllowed(f"Only approvers can {to}. Ask someone in the approvers list.")
