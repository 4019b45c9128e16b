"""Fixtures for the Meta tests: a started Graph stand-in and both networks pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.networks.meta import FacebookNetwork, InstagramNetwork
from sandbox.meta_graph import MetaGraphStandIn
from sandbox.meta_state import utc_now
from tests.integration.meta.helpers import facebook_for, instagram_for


@pytest.fixture
def meta() -> Iterator[MetaGraphStandIn]:
    stand_in = MetaGraphStandIn()
    # A clock that moves only when a test moves it (`advance`): deadlines are exact.
    frozen = utc_now()
    stand_in.clock = lambda: frozen
    stand_in.start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def facebook(meta: MetaGraphStandIn) -> FacebookNetwork:
    return facebook_for(meta)


@pytest.fixture
def instagram(meta: MetaGraphStandIn) -> InstagramNetwork:
    return instagram_for(meta)
