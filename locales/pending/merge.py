"""Development-only: extract messages, fill en (= msgid) and ru from locales/pending/*.json
plus the existing ru catalog, write both .po files and compile. Run it under
`flock /tmp/i18n.lock .venv/bin/python locales/pending/merge.py`.

JSON format: {"English msgid": "Русский перевод", "plural msgid": ["форма1", "форма2", "форма5"]}
(plural entries are keyed by the singular msgid)."""

import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
PENDING = ROOT / "locales" / "pending"


def main() -> None:
    subprocess.run(["make", "-s", "i18n"], cwd=ROOT, check=True, capture_output=True)
    ru_new: dict = {}
    for path in sorted(PENDING.glob("*.json")):
        ru_new.update(json.loads(path.read_text(encoding="utf-8")))
    missing = []
    for locale in ("en", "ru"):
        po_path = ROOT / "locales" / locale / "LC_MESSAGES" / "bot.po"
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=locale)
        for message in catalog:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            if locale == "en":
                message.string = message.id if isinstance(message.id, str) else tuple(message.id)
                message.flags.discard("fuzzy")
                continue
            done = all(message.string) if isinstance(message.string, tuple) else message.string
            if key in ru_new:
                value = ru_new[key]
                message.string = tuple(value) if isinstance(message.id, tuple) else value
                message.flags.discard("fuzzy")
            elif not done:
                missing.append(key)
        with po_path.open("wb") as f:
            write_po(f, catalog, width=100, omit_header=False, sort_output=True, no_location=True)
    subprocess.run(
        [str(BIN / "pybabel"), "-q", "compile", "-d", "locales", "-D", "bot"], cwd=ROOT, check=True
    )
    if missing:
        print("ru lacks translations for:", *missing, sep="\n  ", file=sys.stderr)


main()
