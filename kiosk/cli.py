"""The ``kiosk`` command line: every operation staff can do, headless too.

Sub-commands live in ``kiosk/commands/``; each module registers its own.
Run with no sub-command, ``kiosk`` starts the attendee kiosk UI.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kiosk import __version__
from kiosk.config import Settings, load_settings, private_files, setup_logging
from kiosk.domain.errors import KioskError, os_error
from kiosk.i18n import N_, _, set_language

if TYPE_CHECKING:  # the storage layer is imported when a command opens the store
    from kiosk.storage import Store

# Each sub-command and the module that registers it (tests/test_cli_parser.py keeps
# this table true). A command line naming one builds only that module's parsers:
# `kiosk run` starts the kiosk without building the other fifteen.
COMMANDS = {
    "init": "kiosk.commands.basic",
    "status": "kiosk.commands.basic",
    "journal": "kiosk.commands.basic",
    "run": "kiosk.commands.basic",
    "propose": "kiosk.commands.propose",
    "db": "kiosk.commands.database",
    "report": "kiosk.commands.report",
    "setup": "kiosk.commands.checkin",
    "enrol": "kiosk.commands.checkin",
    "checkin": "kiosk.commands.checkin",
    "walk-in": "kiosk.commands.checkin",
    "search": "kiosk.commands.checkin",
    "badges": "kiosk.commands.checkin",
    "export": "kiosk.commands.sync",
    "sync": "kiosk.commands.sync",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))
TOP_OPTIONS_WITH_VALUE = ("--data-dir", "--ui-language", "--pin")
ENV_PIN = "KIOSK_PIN"

Handler = Callable[[argparse.Namespace], int]


def add_common(parser: argparse.ArgumentParser, top: bool = False) -> None:
    """Options accepted before or after the sub-command."""
    # A sub-command's default would overwrite the value given before it.
    data_default = None if top else argparse.SUPPRESS
    lang_default = os.environ.get("KIOSK_LANGUAGE", "en") if top else argparse.SUPPRESS
    parser.add_argument(
        "--data-dir",
        default=data_default,
        help="data folder (default: $KIOSK_DATA_DIR or the platform's user data folder)",
    )
    parser.add_argument(
        "--ui-language",
        default=lang_default,
        metavar="LANG",
        help="language of messages: ar, fr, zgh or en ($KIOSK_LANGUAGE)",
    )
    parser.add_argument(
        "--pin",
        default=None if top else argparse.SUPPRESS,
        help="staff PIN, 6 to 12 digits: unlocks the kiosk's encrypted data ($KIOSK_PIN, "
        "or asked for on a terminal); for setup, the new kiosk's PIN",
    )


def staff_pin(args: argparse.Namespace) -> str:
    """The staff PIN that unlocks this kiosk's data: ``--pin``, ``$KIOSK_PIN``, or asked
    for on the terminal (never echoed)."""
    pin = getattr(args, "pin", None) or os.environ.get(ENV_PIN)
    if pin:
        return str(pin)
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(_("Staff PIN: "))
    raise KioskError(
        N_(
            "This kiosk's data is encrypted: give the staff PIN with --pin or "
            "$KIOSK_PIN (or type it when asked, on a terminal)."
        ),
        code="locked",
    )


def unlock_data(settings: Settings, args: argparse.Namespace, new_pin: str | None = None) -> bytes:
    """The database key of this data folder, unlocked and registered for its files.

    A folder with no key yet gets one, wrapped under the demo PIN until the kiosk is
    set up (a demo's data is public; ``kiosk setup`` then rewraps it under the staff
    PIN). ``new_pin`` (``kiosk setup`` again) unlocks a kiosk set up before."""
    from kiosk.storage import atrest

    path = atrest.key_path(settings.keys_dir)
    kind = atrest.wrapped_by(path)
    unlocked = atrest.key_for(settings.data_dir)
    if kind is not None and unlocked is not None and new_pin is None:
        return unlocked  # unlocked already in this process (the kiosk's PIN screen)
    if kind is None and settings.db_path.exists() and atrest.is_plain(settings.db_path):
        key = _encrypt_plain_kiosk(settings, args)
        _finish_encryption(settings, key)
        return key
    if kind is None:
        if settings.db_path.exists():
            raise KioskError(
                N_(
                    "The database {path} has no key file beside it ({key}): restore "
                    "the key file from a copy of this kiosk's data folder."
                ),
                code="key_file_missing",
                path=str(settings.db_path),
                key=str(path),
            )
        key = atrest.new_database_key()
        atrest.write_key_file(path, key, atrest.DEMO_PIN, atrest.WRAPPED_BY_DEMO)
    elif kind == atrest.WRAPPED_BY_DEMO:
        key = atrest.unlock(path, atrest.DEMO_PIN)
    else:
        key = atrest.unlock(path, new_pin or staff_pin(args))
    _finish_encryption(settings, key)
    atrest.register(settings.data_dir, key)
    return key


def _finish_encryption(settings: Settings, key: bytes) -> None:
    """Files still in clear (a kiosk from before encryption, or its encryption cut
    short after the key file was written) are encrypted before anything opens them."""
    import logging

    from kiosk.storage import atrest

    count = atrest.encrypt_folder(settings.db_path, settings.backups_dir, key)
    if count:
        logging.getLogger(__name__).info("encrypted %d database files of this kiosk", count)


def _encrypt_plain_kiosk(settings: Settings, args: argparse.Namespace) -> bytes:
    """A kiosk from before encryption at rest: its database and backups are encrypted
    now, the key wrapped under its staff PIN (checked against the PIN hash it holds)
    or, for a demo with no PIN, the demo PIN."""
    import sqlite3

    from kiosk.services.checkin import PIN_KEY, pin_matches
    from kiosk.storage import atrest

    try:
        con = sqlite3.connect(f"file:{settings.db_path}?mode=ro", uri=True, timeout=5)
        try:
            row = con.execute(
                "SELECT value FROM local_setting WHERE key = ?", (PIN_KEY,)
            ).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        row = None
    key = atrest.new_database_key()
    path = atrest.key_path(settings.keys_dir)
    # The key file first: a cut-short encryption is finished at the next start.
    if row and row[0]:
        pin = staff_pin(args)
        if not pin_matches(str(row[0]), pin):
            raise atrest.WrongPin(N_("Wrong PIN: this kiosk's data stays locked."))
        atrest.write_key_file(path, key, pin, atrest.WRAPPED_BY_STAFF)
    else:
        atrest.write_key_file(path, key, atrest.DEMO_PIN, atrest.WRAPPED_BY_DEMO)
    atrest.register(settings.data_dir, key)
    return key


def open_store(
    args: argparse.Namespace, migrate: bool = True, new_pin: str | None = None
) -> tuple[Settings, Store]:
    from kiosk.storage import Store
    from kiosk.storage.health import guard_database, marker_path

    settings = load_settings(args.data_dir)
    setup_logging(settings)
    unlock_data(settings, args, new_pin)
    guard_database(settings.db_path, settings.backups_dir, settings.damaged_dir)
    store = Store(
        settings.db_url,
        backups_dir=settings.backups_dir,
        busy_timeout_ms=settings.busy_timeout_ms,
        migrate=migrate,
    )
    if settings.db_path.exists():  # from now on, a missing file is a loss, not a fresh start
        marker_path(settings.db_path).touch()
    return settings, store


def emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    """Print one result line: JSON with ``--json``, text otherwise; flushed at once."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False), flush=True)
    else:
        print(text, flush=True)


def emit_error(args: argparse.Namespace, error: KioskError, **extra: Any) -> None:
    if getattr(args, "json", False):
        print(
            json.dumps(
                {"error": error.code, "message": error.message(), **extra}, ensure_ascii=False
            ),
            flush=True,
        )
    else:
        prefix = "".join(f"{k} {v}: " for k, v in extra.items())
        print(f"{prefix}{error.message()}", file=sys.stderr, flush=True)


def command_named(argv: Sequence[str]) -> str | None:
    """The sub-command an argument list names (None when it names none we know)."""
    tokens = iter(argv)
    for token in tokens:
        if token in TOP_OPTIONS_WITH_VALUE:
            next(tokens, None)
        elif not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or only the parsers of ``command``'s module."""
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Listening Kiosk: check-in and proposals, offline."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation in a temporary folder and exit",
    )
    add_common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = (COMMANDS[command],) if command in COMMANDS else COMMAND_MODULES
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    private_files()
    parser = build_parser(command_named(argv))
    args = parser.parse_args(argv)
    set_language(args.ui_language)
    if args.self_test:
        from kiosk.selftest import run_self_test

        return run_self_test()
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        from kiosk.commands.basic import run_ui

        handler = run_ui
    try:
        return handler(args)
    except KioskError as exc:
        emit_error(args, exc)
        return 2
    except OSError as exc:
        # A missing file, a file where a folder should be, a read-only or full stick.
        emit_error(args, os_error(exc))
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
