"""Logs: one JSON object per line when LOG_FORMAT=json, with the update id of a failure."""

from __future__ import annotations

import json
import logging

from bot.logs import JsonFormatter


def test_json_lines_carry_the_update_id_and_the_traceback() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.getLogger("bot.handlers.errors").makeRecord(
            "bot.handlers.errors",
            logging.ERROR,
            __file__,
            1,
            "Update %s failed: %r",
            (42, "boom"),
            exc_info=__import__("sys").exc_info(),
            extra={"update_id": 42},
        )
    line = JsonFormatter().format(record)
    payload = json.loads(line)
    assert payload["level"] == "ERROR"
    assert payload["message"] == "Update 42 failed: 'boom'"
    assert payload["update_id"] == 42
    assert "RuntimeError: boom" in payload["exception"]
    assert "\n" not in line
