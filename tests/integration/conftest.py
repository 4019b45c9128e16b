"""Fixtures for end-to-end tests, and which of them also run with the bot in Socket Mode.

Every test using `sandbox` runs on SQLite and PostgreSQL with Slack reaching the bot over
HTTP. The tests named in SOCKET_MODE_TOO run once more with the bot in Socket Mode, on
SQLite (the database code is the same in both modes), through the very same test code.
"""

from collections.abc import Iterator

import pytest

from tests.integration.harness import Sandbox, close_sandbox, open_sandbox

# A representative set: listening, claim race, draft + approval (thread and DM), private
# reply, inline validation, reject, escalate, close.
SOCKET_MODE_TOO = frozenset(
    {
        "test_listen.py::test_five_mentions_become_five_root_messages",
        "test_answer_races.py::test_two_agents_claim_at_once_one_owner",
        "test_answer_races.py::test_two_approvers_approve_at_once_one_post",
        "test_answer_public.py::test_public_story_posts_one_reply_under_the_customers_post",
        "test_answer_public.py::test_claim_shows_the_owner_and_a_second_claim_offers_take_over",
        "test_answer_private.py::test_private_reply_is_sent_as_a_dm",
        "test_answer_validation.py::test_a_281_weighted_character_public_reply_is_refused_inline",
        "test_answer_approval.py::test_reject_asks_why_shows_it_and_tells_the_author",
        "test_answer_escalation.py::test_escalation_pings_the_group_and_dms_its_members",
        "test_answer_escalation.py::test_closed_case_reopens_in_the_same_thread",
        # Each person's language reaches Bolt's listener threads over WebSocket too.
        "test_languages.py::test_spanish_workspace_card_and_each_agent_in_their_own_language",
    }
)


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    name = f"{metafunc.definition.path.name}::{metafunc.definition.originalname}"
    if name not in SOCKET_MODE_TOO:
        return
    # As a mark (added before pytest reads marks), so that it replaces the database_url
    # fixture's own sqlite/postgresql params instead of multiplying them.
    if "sandbox" in metafunc.fixturenames:
        mark = pytest.mark.parametrize(
            ("database_url", "slack_mode"),
            [("sqlite", "http"), ("postgresql", "http"), ("sqlite", "socket")],
            indirect=["database_url"],
            ids=["sqlite-http", "postgresql-http", "sqlite-socket"],
        )
    else:
        mark = pytest.mark.parametrize("slack_mode", ["http", "socket"])
    metafunc.definition.add_marker(mark)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A renamed test must not silently drop out of the Socket Mode set."""
    collected = {item.path.name for item in items}
    names = {f"{item.path.name}::{getattr(item, 'originalname', item.name)}" for item in items}
    missing = [n for n in SOCKET_MODE_TOO if n.split("::")[0] in collected and n not in names]
    if missing:
        raise pytest.UsageError(f"SOCKET_MODE_TOO names tests that do not exist: {missing}")


@pytest.fixture
def slack_mode() -> str:
    """How Slack reaches the bot: "http" unless a test is in SOCKET_MODE_TOO."""
    return "http"


@pytest.fixture
def sandbox(database_url: str, slack_mode: str) -> Iterator[Sandbox]:
    """Stand-ins plus a migrated database, on SQLite and on PostgreSQL."""
    box = open_sandbox(database_url, mode=slack_mode)
    yield box
    close_sandbox(box)


@pytest.fixture
def sqlite_sandbox(sqlite_url: str, slack_mode: str) -> Iterator[Sandbox]:
    """The same on SQLite only, for tests whose subject is not the database."""
    box = open_sandbox(sqlite_url, mode=slack_mode)
    yield box
    close_sandbox(box)
