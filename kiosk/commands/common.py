"""What every sub-command shares: its common options, opening the store, printing."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from kiosk import bootstrap
from kiosk.cliparts import Handler, subcommand
from kiosk.cliparts import emit as emit  # the commands print through this module
from kiosk.cliparts import emit_error as emit_error
from kiosk.config import Settings

if TYPE_CHECKING:
    from kiosk.storage import Store

ENV_PIN = bootstrap.ENV_PIN


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

        from kiosk.i18n import _

        return getpass.getpass(_("Staff PIN: "))
    return bootstrap.no_pin()


def command(
    sub: Any, name: str, help: str, handler: Handler, json: bool = True
) -> argparse.ArgumentParser:
    """A sub-command with the common options (and ``--json``) that runs ``handler``."""
    return subcommand(sub, name, help, handler, add_common, json=json)


def open_store(
    args: argparse.Namespace, migrate: bool = True, new_pin: str | None = None
) -> tuple[Settings, Store]:
    from kiosk.services.pin import pin_matches

    return bootstrap.open_store(
        args.data_dir,
        migrate=migrate,
        pin=lambda: staff_pin(args),
        new_pin=new_pin,
        pin_check=pin_matches,
    )


def unlock_data(settings: Settings, args: argparse.Namespace) -> bytes:
    """The data folder's key (backups are encrypted with it), for commands that read
    backups without opening the store."""
    from kiosk.services.pin import pin_matches

    return bootstrap.unlock_data(settings, lambda: staff_pin(args), pin_check=pin_matches)
