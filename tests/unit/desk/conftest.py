"""Fixtures of the client-desk service tests: a working Wednesday, a desk with two departments,
and the usual specialist and client (the clock here overrides the root one for this package)."""

from __future__ import annotations

import pytest

from bot.services.actors import Actor
from bot.services.desk import DeskConfig
from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork
from tests.support.clock import FakeClock
from tests.unit.desk.helpers import (
    CLIENT_CHAT,
    SPECIALIST_CHAT,
    desk_config,
    person,
    working_clock,
)


@pytest.fixture
def clock() -> FakeClock:
    return working_clock()


@pytest.fixture
def desk() -> DeskConfig:
    return desk_config()


@pytest.fixture
async def specialist(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await person(uow, clock, SPECIALIST_CHAT, Role.SPECIALIST)


@pytest.fixture
async def client(uow: UnitOfWork, clock: FakeClock) -> Actor:
    return await person(uow, clock, CLIENT_CHAT)
