"""What both command lines (``kiosk`` and ``kiosk-central``) share: a sub-command made
with its common options and ``--json``, and printing one result."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

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
