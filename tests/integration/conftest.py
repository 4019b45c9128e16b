from collections.abc import Iterator

import pytest

from tests.integration.harness import Sandbox, close_sandbox, open_sandbox


@pytest.fixture
def sandbox(database_url) -> Iterator[Sandbox]:
    """Stand-ins plus a migrated database, on SQLite and on PostgreSQL."""
    box = open_sandbox(database_url)
    yield box
    close_sandbox(box)


@pytest.fixture
def sqlite_sandbox(sqlite_url) -> Iterator[Sandbox]:
    """The same on SQLite only, for tests whose subject is not the database."""
    box = open_sandbox(sqlite_url)
    yield box
    close_sandbox(box)
