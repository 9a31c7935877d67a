"""Inline mode: a staff member types "@bot ivanov" in any chat and picks a client whose
card is then sent there. Anyone else gets an empty list: nothing is revealed, not even
that there is something to find."""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.types import InlineQuery, InlineQueryResultArticle, InputTextMessageContent

from bot.config import Settings
from bot.render import client_lists
from bot.render.cards import Reader
from bot.render.clients import card_text
from bot.services.actors import Actor
from bot.services.clock import Clock
from bot.services.crm import access, clients, search
from bot.services.crm.score import reliability
from bot.services.errors import ClientRejected, NotAllowed
from bot.storage.dto import ClientDTO
from bot.storage.uow import UnitOfWork

RESULTS = 10
# Staff results change as cards are edited; Telegram may keep them this long (seconds).
CACHE_SECONDS = 5
MESSAGE_LIMIT = 4096


def router() -> Router:
    r = Router(name=__name__)
    r.inline_query.register(on_inline_query)
    return r


async def on_inline_query(
    query: InlineQuery, actor: Actor, uow: UnitOfWork, clock: Clock, settings: Settings
) -> None:
    if not (actor.is_registered and actor.role.is_staff):
        await query.answer([], is_personal=True, cache_time=0)
        return
    found = await _clients(uow, actor, query.query, settings.default_region)
    reader = Reader.of(actor)
    now = clock.now()
    contacts = await uow.clients.contacts_of([client.id for client in found])
    results = []
    for client in found:
        card = await clients.card(uow, actor, client.id)
        score = await reliability(uow, client, now)
        text = card_text(card, score, reader, now)
        if len(text) > MESSAGE_LIMIT:
            # The card shortens long fields itself; many contacts and tags can still make
            # it too long, and a cut through HTML would be refused: the name and contacts.
            text = client_lists.short_card(client, contacts[client.id])
        results.append(
            InlineQueryResultArticle(
                id=str(client.id),
                title=client_lists.inline_title(client),
                description=client_lists.inline_description(client, contacts[client.id]),
                input_message_content=InputTextMessageContent(
                    message_text=text, parse_mode=ParseMode.HTML
                ),
            )
        )
    await query.answer(results, is_personal=True, cache_time=CACHE_SECONDS)


async def _clients(uow: UnitOfWork, actor: Actor, text: str, region: str) -> list[ClientDTO]:
    """What the query finds; before anything is typed, the clients he touched last."""
    if not text.strip():
        owner_id = access.require_staff(actor)
        return await uow.clients.recently_updated(owner_id, limit=RESULTS)
    try:
        return await search.find(uow, actor, text, region=region, limit=RESULTS)
    except (ClientRejected, NotAllowed):
        return []
