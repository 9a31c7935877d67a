"""Repositories on SQLite and PostgreSQL: users, invites, audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.enums import Role
from bot.storage.uow import UnitOfWork

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


async def test_a_user_is_stored_and_found_by_telegram_id(uow: UnitOfWork) -> None:
    added = await uow.users.add(
        telegram_id=9_000_000_001,  # Telegram ids exceed 32 bits
        role=Role.CLIENT,
        locale="ru",
        timezone="Europe/Moscow",
        now=NOW,
        full_name="Иван Петров",
        source="expo2026",
        consent_given_at=NOW,
    )
    found = await uow.users.by_telegram_id(9_000_000_001)
    assert found == added
    assert found.consent_given_at == NOW and found.consent_given_at.tzinfo is not None
    assert found.has_consent


async def test_updates_and_roles(uow: UnitOfWork) -> None:
    user = await uow.users.add(
        telegram_id=1, role=Role.CLIENT, locale="ru", timezone="Europe/Moscow", now=NOW
    )
    updated = await uow.users.update(user.id, now=NOW, role=Role.SPECIALIST, locale="en")
    assert (updated.role, updated.locale) == (Role.SPECIALIST, "en")
    assert [u.telegram_id for u in await uow.users.staff()] == [1]
    assert await uow.users.count_by_role() == {Role.SPECIALIST: 1}
    await uow.users.delete(user.id)
    assert await uow.users.by_telegram_id(1) is None


async def test_an_invite_can_be_claimed_only_once(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        admin = await uow.users.add(
            telegram_id=1, role=Role.ADMIN, locale="ru", timezone="UTC", now=NOW
        )
        first = await uow.users.add(
            telegram_id=2, role=Role.CLIENT, locale="ru", timezone="UTC", now=NOW
        )
        second = await uow.users.add(
            telegram_id=3, role=Role.CLIENT, locale="ru", timezone="UTC", now=NOW
        )
        invite = await uow.invites.add(
            token_hash="h" * 64,
            role=Role.SPECIALIST,
            created_by=admin.id,
            now=NOW,
            expires_at=NOW + timedelta(days=7),
        )
    async with sessionmaker() as session, session.begin():
        uow = UnitOfWork(session)
        assert await uow.invites.mark_used(invite.id, user_id=first.id, now=NOW)
        assert not await uow.invites.mark_used(invite.id, user_id=second.id, now=NOW)
        stored = await uow.invites.by_token_hash("h" * 64)
    assert stored is not None and stored.used_by == first.id and stored.used_at == NOW


async def test_audit_records_keep_details(uow: UnitOfWork) -> None:
    await uow.audit.add(
        actor_id=None,
        action="consent.given",
        entity="user",
        entity_id=7,
        now=NOW,
        details={"source": "выставка"},
    )
    [record] = await uow.audit.for_entity("user", 7)
    assert record.action == "consent.given"
    assert record.details == '{"source": "выставка"}'
