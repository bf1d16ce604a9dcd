"""What every ``kiosk-central`` sub-command shares: its common options, the data
folder, opening the central store, printing, and reading a time given by a person."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from kiosk import APP_AUTHOR
from kiosk.cliparts import Handler, subcommand
from kiosk.cliparts import emit as emit  # the commands print through this module
from kiosk.config import make_private
from kiosk.domain.errors import ValidationError
from kiosk.i18n import LANGUAGES, N_

if TYPE_CHECKING:
    from kiosk.central.organiser import EventFields
    from kiosk.storage.store import Store

ENV_DATA_DIR = "KIOSK_CENTRAL_DATA_DIR"


def data_dir(args: argparse.Namespace) -> Path:
    value = args.data_dir or os.environ.get(ENV_DATA_DIR)
    path = (
        Path(value)
        if value
        else Path(platformdirs.user_data_dir("ListeningKioskCentral", APP_AUTHOR))
    )
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    make_private(path)  # keys, roster with contacts, every proposal
    return path


def open_store(args: argparse.Namespace) -> tuple[Path, Store]:
    from kiosk.central.store import open_central

    folder = data_dir(args)
    url = args.db or f"sqlite:///{folder / 'central.db'}"
    return folder, open_central(url, backups_dir=folder / "backups")


def add_common(p: argparse.ArgumentParser, top: bool = False) -> None:
    """Options accepted before or after the sub-command."""
    # A sub-command's default would overwrite the value given before it.
    p.add_argument(
        "--data-dir",
        default=None if top else argparse.SUPPRESS,
        help=f"organiser data folder (default: ${ENV_DATA_DIR} or the platform's)",
    )
    p.add_argument(
        "--db",
        default=None if top else argparse.SUPPRESS,
        metavar="URL",
        help="database URL (default: SQLite file in the data folder; "
        "postgresql+psycopg://... in production)",
    )
    p.add_argument(
        "--ui-language",
        default=os.environ.get("KIOSK_LANGUAGE", "en") if top else argparse.SUPPRESS,
        metavar="LANG",
    )


def parse_time(value: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(
            N_("Not a date and time: {value} (use ISO 8601)."), code="bad_time", value=value
        ) from exc
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def command(
    sub: Any, name: str, help: str, handler: Handler, *, event: bool = False, json: bool = True
) -> argparse.ArgumentParser:
    """A sub-command with the common options (and ``--json``) that runs ``handler``;
    ``event``: its first argument is an event's code."""
    parser = subcommand(sub, name, help, handler, add_common, json=json)
    if event:
        parser.add_argument("event", metavar="EVENT")
    return parser


def add_event_fields(parser: argparse.ArgumentParser) -> None:
    """The options saying what an event is (``event create`` and ``event update``): its
    name in each language (``--name``: the one shown where a language has none; it
    follows the first language's when not given) and its public follow-up page."""
    for name in ("--region", "--venue", "--starts", "--ends"):
        parser.add_argument(name, required=True)
    parser.add_argument("--languages", default="ar,fr,zgh,en")
    parser.add_argument("--name", default="", help="the name shown where a language has none")
    for lang in LANGUAGES:
        parser.add_argument(
            f"--name-{lang}", dest=f"name_{lang}", metavar="NAME", help=f"the name in {lang}"
        )
    parser.add_argument(
        "--followup-url",
        metavar="URL",
        help="the public follow-up page, e.g. https://consultation.gov.ma: the receipts' "
        "QR codes then open URL/r/CODE",
    )


def event_fields(args: argparse.Namespace) -> EventFields:
    """What :func:`add_event_fields` read, for the organiser's services."""
    from kiosk.central.organiser import EventFields

    given = {lang: getattr(args, f"name_{lang}") for lang in LANGUAGES}
    return EventFields(
        name=args.name,
        # A language left out is not changed (on update); "" removes its name.
        names={lang: name for lang, name in given.items() if name is not None},
        followup_url=args.followup_url,
        region=args.region,
        venue=args.venue,
        starts=parse_time(args.starts),
        ends=parse_time(args.ends),
        languages=[x.strip() for x in args.languages.split(",") if x.strip()],
    )
