"""CLI: `python -m bot [run|polling|webhook|scheduler|migrate]`."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import Mode, SettingsError, load_database_settings, load_settings
from bot.services.desk import DeskConfigError, load_desk_config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="ClientDesk bot")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "polling", "webhook", "scheduler", "migrate"],
        help=(
            "run (in MODE, the default), polling, webhook, scheduler (timed jobs alone, "
            "beside bot workers with SCHEDULER_IN_BOT=false), or migrate the database and exit"
        ),
    )
    args = parser.parse_args(argv)
    overrides = {"mode": Mode(args.command)} if args.command in ("polling", "webhook") else {}
    try:
        if args.command == "migrate":
            database_settings = load_database_settings()
        else:
            settings = load_settings(**overrides)
            desk = load_desk_config(settings.desk_config, timezone=settings.default_timezone)
    except (SettingsError, DeskConfigError) as error:
        print(error, file=sys.stderr)
        return 2

    from bot import runtime
    from bot.app import create_app
    from bot.logs import setup_logging

    if args.command == "migrate":
        setup_logging(database_settings.log_level, database_settings.log_format)
        asyncio.run(runtime.run_migrations(database_settings.database_url))
        return 0
    setup_logging(settings.log_level, settings.log_format)
    if args.command == "scheduler":
        run = runtime.run_scheduler
    elif settings.mode is Mode.WEBHOOK:
        run = runtime.run_webhook
    else:
        run = runtime.run_polling
    try:
        asyncio.run(run(create_app(settings, desk=desk)))
    except runtime.StartupError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
