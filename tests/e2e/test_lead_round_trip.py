"""End-to-end: a specialist captures a lead on the real process and finds him again: typed
in a few steps, then searched by his phone as people type it, and his card opened."""

from __future__ import annotations

import sqlite3

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import Launch
from tests.e2e.test_claim_round_trip import joins_as, step


async def test_a_captured_lead_is_found_by_phone_and_his_card_opens(launch: Launch) -> None:
    desk = await launch({"ADMIN_IDS": ADMIN_ID})
    admin = desk.person(ADMIN_ID, first_name="Olga", language_code="en")
    mark = admin.send("/start")
    await admin.receives("Choose an action", after=mark)
    sergey = desk.person(700, first_name="Sergey", language_code="en")
    await joins_as(desk, admin, "client relations specialist", sergey)

    mark = sergey.send("➕ New lead")
    await sergey.receives("What is the person's name?", after=mark)
    mark = sergey.send("Ivan Petrov")
    await sergey.receives("Which company is he or she from?", after=mark)
    mark = sergey.send("Acme")
    await sergey.receives("Phone number?", after=mark)
    mark = sergey.send("8 912 345-67-89")
    await sergey.receives("E-mail?", after=mark)
    await step(sergey, "Skip", "Where did the lead come from?")
    await step(sergey, "Exhibition", "What does the lead need?")
    mark = sergey.send("Forklifts")
    await sergey.receives("✅ Lead saved: <b>Ivan Petrov · Acme</b>.", after=mark)

    mark = sergey.send("/clients +7 (912) 345 67 89")
    found = await sergey.receives("Found for", after=mark)
    assert "Ivan Petrov" in found.params["text"]
    mark = sergey.press("1. Ivan Petrov · Acme")
    card = await sergey.receives("👤 <b>Ivan Petrov</b>", after=mark, method="editMessageText")
    assert "+7 912 345-67-89" in card.params["text"]

    await desk.stop()
    with sqlite3.connect(desk.sqlite_path) as db:
        stored = db.execute(
            "SELECT c.name, c.company, c.source, c.status, k.value FROM clients c "
            "JOIN client_contacts k ON k.client_id = c.id"
        ).fetchall()
    assert stored == [("Ivan Petrov", "Acme", "exhibition", "lead", "+79123456789")]
