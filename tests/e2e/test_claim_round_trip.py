"""End-to-end: a claim's whole round trip through the real process. The client files it,
the specialist is notified and answers, the client receives the answer, the specialist
resolves it, the client rates it 2 and the head of sales is alerted."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from pathlib import Path

from tests.conftest import ADMIN_ID, TOKEN
from tests.e2e.bot_process import run_once
from tests.e2e.conftest import Desk, Launch, Person

INVITE_LINK = re.compile(r"https://t\.me/clientdesk_test_bot\?start=(inv_[A-Za-z0-9_-]+)")


async def joins_as(desk: Desk, admin: Person, role_label: str, newcomer: Person) -> None:
    """The admin creates an invite for the role; the newcomer opens it."""
    mark = admin.send("/invite")
    await admin.receives("Whom are you inviting?", after=mark)
    mark = admin.press(role_label)
    invite = await admin.receives("Invite for", after=mark, method="editMessageText")
    link = INVITE_LINK.search(invite.params["text"])
    assert link, invite.params["text"]
    mark = newcomer.send(f"/start {link.group(1)}")
    await newcomer.receives("Welcome to the team!", after=mark)


async def step(person: Person, label: str, expect: str, method: str = "editMessageText") -> None:
    mark = person.press(label)
    await person.receives(expect, after=mark, method=method)


async def test_claim_round_trip_ends_with_the_head_of_sales_alerted(launch: Launch) -> None:
    desk = await launch({"ADMIN_IDS": ADMIN_ID})
    admin = desk.person(ADMIN_ID, first_name="Olga", language_code="en")
    mark = admin.send("/start")
    await admin.receives("Choose an action", after=mark)
    sergey = desk.person(700, first_name="Sergey", language_code="en")
    helen = desk.person(701, first_name="Helen", language_code="en")
    await joins_as(desk, admin, "client relations specialist", sergey)
    await joins_as(desk, admin, "head of sales", helen)

    maria = desk.person(900, first_name="Maria", language_code="en")
    mark = maria.send("/start")
    await maria.receives("Choose your language", after=mark)
    await step(maria, "English", "Consent to personal data processing")
    mark = maria.press("✅ I agree")
    await maria.receives("How can I help?", after=mark)

    # The client files a claim.
    mark = maria.send("📝 File a claim")
    await maria.receives("What is your claim about?", after=mark)
    await step(maria, "Product", "What happened?")
    mark = maria.send("The kettle <leaks> after a week.")
    await maria.receives("What would you like us to do?", after=mark)
    await step(maria, "Refund", "The order or contract number")
    await step(maria, "Skip", "Attach photos or documents")
    await step(maria, "Next ➡️", "Please check your claim:")
    mark = maria.press("✅ Confirm")
    told = await maria.receives("Your claim is registered as #1.", after=mark)
    assert "You will get an answer by" in told.params["text"]

    # The specialist is notified with the card.
    card = await sergey.receives("Claim #1 · Product", after=mark)
    assert "The kettle &lt;leaks&gt; after a week." in card.params["text"]
    assert "Wants: Refund" in card.params["text"]

    # He answers with the Reply button; the client receives the answer.
    mark = sergey.press("💬 Reply")
    await sergey.receives("Write your answer to the client", after=mark)
    mark = sergey.send("Sorry about that: we will refund you today.")
    await sergey.receives("Sent to the client.", after=mark)
    await maria.receives(
        "💬 Answer on request #1:\nSorry about that: we will refund you today.", after=mark
    )

    # He resolves it; the client is asked to rate.
    mark = sergey.press("🔄 Status")
    await sergey.receives("Choose the new status:", after=mark)
    await step(sergey, "✅ Resolved", "A comment for the client")
    mark = sergey.press("Skip")
    resolved = await maria.receives("Request #1: resolved.", after=mark)
    assert "How would you rate the answer?" in resolved.params["text"]

    # A rating of 2 reaches the head of sales at once.
    mark = maria.press("2 ⭐")
    alert = await helen.receives("⚠️ Low rating 2 of 5 on request #1 from Maria", after=mark)
    assert alert.params["chat_id"] == 701
    await maria.receives("We are sorry it did not go well.", after=mark)

    assert await desk.stop() == 0, desk.explain("exit code on SIGTERM")
    with contextlib.closing(sqlite3.connect(desk.sqlite_path)) as db:
        request = db.execute(
            "SELECT kind, status, wanted, first_response_at FROM requests"
        ).fetchone()
        feedback = db.execute("SELECT kind, score, escalated_at FROM feedback").fetchall()
    assert request[:3] == ("claim", "resolved", "refund") and request[3] is not None
    assert [(kind, score, escalated is not None) for kind, score, escalated in feedback] == [
        ("csat", 2, True)
    ]


async def test_a_broken_desk_file_stops_the_start_with_one_sentence(tmp_path: Path) -> None:
    desk_file = tmp_path / "desk.toml"
    desk_file.write_text(
        '[working_hours]\ndays = ["mon"]\nstart = "9 am"\nend = "18:00"\n', encoding="utf-8"
    )

    code, output = await run_once(
        [], {"BOT_TOKEN": TOKEN, "DESK_CONFIG": str(desk_file)}, timeout=20, cwd=tmp_path
    )

    assert code == 2, output
    assert "working_hours.start" in output and "desk.toml" in output
    assert "Traceback" not in output
