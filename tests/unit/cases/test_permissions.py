"""Who may approve: pure rules, checked on the server for every click."""

from __future__ import annotations

import pytest

from bot.cases.permissions import approval_refusal

APPROVERS = frozenset({"U0LEAD", "U0AGENT1"})


def test_an_approver_may_approve_someone_elses_draft() -> None:
    assert (
        approval_refusal(
            "U0LEAD", APPROVERS, author="U0AGENT1", editor=None, allow_self_approval=False
        )
        is None
    )


def test_a_non_approver_may_not() -> None:
    refusal = approval_refusal(
        "U0AGENT2", APPROVERS, author="U0AGENT1", editor=None, allow_self_approval=True
    )
    assert refusal and "Only approvers" in refusal


@pytest.mark.parametrize("role", ["author", "editor"])
def test_own_or_edited_draft_needs_self_approval(role: str) -> None:
    people = {"author": "U0AGENT2", "editor": None, role: "U0LEAD"}
    refused = approval_refusal("U0LEAD", APPROVERS, allow_self_approval=False, **people)
    allowed = approval_refusal("U0LEAD", APPROVERS, allow_self_approval=True, **people)
    assert refused and "someone else" in refused
    assert allowed is None
