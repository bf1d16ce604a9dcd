"""The ``kiosk`` command line: every operation staff can do, headless too.

Sub-commands live in ``kiosk/commands/``; each module registers its own.
Run with no sub-command, ``kiosk`` starts the attendee kiosk UI.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from kiosk import __version__
from kiosk.cliparts import run_command
from kiosk.commands.common import add_common
from kiosk.config import private_files
from kiosk.i18n import set_language

# Each sub-command and the module that registers it (tests/test_cli_parser.py keeps
# this table true). A command line naming one builds only that module's parsers:
# `kiosk run` starts the kiosk without building the other fifteen.
COMMANDS = {
    "init": "kiosk.commands.basic",
    "status": "kiosk.commands.basic",
    "journal": "kiosk.commands.basic",
    "run": "kiosk.commands.run",
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

Handler = Callable[[argparse.Namespace], int]


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
        from kiosk.commands.run import run_ui

        handler = run_ui
    return run_command(handler, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
