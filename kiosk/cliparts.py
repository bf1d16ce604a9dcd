"""What both command lines (``kiosk`` and ``kiosk-central``) share: a sub-command made
with its common options and ``--json``, printing one result or one error, and how a
command ends when it fails."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from kiosk.domain.errors import KioskError, os_error

Handler = Callable[[argparse.Namespace], int]
AddCommon = Callable[[argparse.ArgumentParser], None]


def subcommand(
    sub: Any, name: str, help: str, handler: Handler, common: AddCommon, *, json: bool = True
) -> argparse.ArgumentParser:
    """``name`` under ``sub``, with ``common``'s options (and ``--json``), run by
    ``handler``."""
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help)
    common(parser)
    if json:
        parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=handler)
    return parser


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """Print one result: JSON with ``--json``, text otherwise; flushed at once."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False), flush=True)
    else:
        print(text, flush=True)


def emit_error(args: argparse.Namespace, error: KioskError, **extra: Any) -> None:
    """One error: JSON on standard output with ``--json``, else one translated line on
    standard error (``extra``: where, e.g. the line of an input file)."""
    if getattr(args, "json", False):
        message = {"error": error.code, "message": error.message(), **extra}
        print(json.dumps(message, ensure_ascii=False), flush=True)
    else:
        prefix = "".join(f"{k} {v}: " for k, v in extra.items())
        print(f"{prefix}{error.message()}", file=sys.stderr, flush=True)


def run_command(handler: Handler, args: argparse.Namespace) -> int:
    """Run a sub-command: what fails is said in one line (exit 2), never a traceback."""
    try:
        return handler(args)
    except KioskError as exc:
        emit_error(args, exc)
        return 2
    except BrokenPipeError:
        # The reader went away (``| head``): the rest of the output has no one to read
        # it. Python's own advice: point standard output at nothing, so that the flush
        # at exit does not fail again, and leave with 1.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as exc:
        # A missing file, a file where a folder should be, a read-only or full stick.
        emit_error(args, os_error(exc))
        return 2
    except KeyboardInterrupt:
        return 130
