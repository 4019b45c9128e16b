"""Who may approve: checked on the server for every click, never taken from a button."""

from __future__ import annotations

from bot.errors import NotAllowed
from bot.i18n import N_, _
from bot.services import Services

NO_APPROVERS = N_("No approvers are configured: set APPROVER_USER_IDS or APPROVER_USERGROUP_ID.")


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
        return _("Only approvers can approve or reject drafts. Ask someone in the approvers list.")
    if not allow_self_approval and user in {author, editor}:
        return _(
            "You wrote or edited this draft, so someone else must approve it "
            "(ALLOW_SELF_APPROVAL is off)."
        )
    return None


def require_approver(services: Services, user: str, *, author: str, editor: str | None) -> None:
    """Raise NotAllowed unless `user` may approve a draft by `author` (edited by `editor`)."""
    if not services.directory.has_approvers:
        raise NotAllowed(NO_APPROVERS)
    refusal = approval_refusal(
        user,
        services.directory.approvers(asking_about=user),
        author=author,
        editor=editor,
        allow_self_approval=services.settings.allow_self_approval,
    )
    if refusal:
        raise NotAllowed(refusal)


def require_approver_role(services: Services, user: str, to: str) -> None:
    """Raise NotAllowed unless `user` is an approver; `to` says what they tried, e.g.
    "see the original text"."""
    if not services.directory.has_approvers:
        raise NotAllowed(NO_APPROVERS)
    if user not in services.directory.approvers(asking_about=user):
        raise NotAllowed(
            _("Only approvers can {action}. Ask someone in the approvers list.").format(
                action=_(to)
            )
        )
