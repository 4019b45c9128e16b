"""Pure rules of answering: who may approve, and what X accepts as a draft."""

from __future__ import annotations

import pytest

from bot.cases.drafts import validate_draft
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


def test_public_reply_counts_as_x_does() -> None:
    assert validate_draft("a" * 280, "public", True) == {}
    assert "281/280" in validate_draft("a" * 281, "public", True)["text"]
    # A URL counts 23 whatever its length; emoji and CJK count 2.
    url = "https://example.com/" + "x" * 200
    assert validate_draft(url + " " + "a" * 256, "public", True) == {}
    assert "282/280" in validate_draft("😀" * 141, "public", True)["text"]
    assert "282/280" in validate_draft("漢" * 141, "public", True)["text"]


def test_private_message_allows_10000_characters() -> None:
    assert validate_draft("a" * 10_000, "private", False) == {}
    assert "10,001/10,000" in validate_draft("a" * 10_001, "private", False)["text"]


def test_empty_and_unreplyable() -> None:
    assert "empty" in validate_draft(" \n ", "private", True)["text"]
    errors = validate_draft("hello", "public", False)
    assert "did not mention" in errors["visibility"] and "text" not in errors
    assert validate_draft("hello", "sideways", True)["visibility"]
