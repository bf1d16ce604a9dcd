"""init, status, journal verify, and starting the UI."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.commands.common import command, emit, open_store
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.services.messages import journal_text, status_lines
from kiosk.services.setup import init_demo
from kiosk.services.status import kiosk_status, verify_journal


def register(sub: Any) -> None:
    p = command(
        sub, "init", help="set up this kiosk (with --demo: on the demo event)", handler=cmd_init
    )
    p.add_argument("--demo", action="store_true", help="create the demo event and its themes")
    p.add_argument("--name", default="kiosk-1", help="this kiosk's station name")
    p.add_argument("--role", choices=("checkin", "proposals", "both"), default="both")

    p = command(
        sub, "status", help="event, device, counts and journal of this kiosk", handler=cmd_status
    )

    p = sub.add_parser("journal", help="journal tools")
    jsub = p.add_subparsers(dest="journal_command", required=True)
    command(
        jsub,
        "verify",
        help="walk the hash chain and report the first broken link",
        handler=cmd_journal_verify,
    )


def cmd_init(args: argparse.Namespace) -> int:
    if not args.demo:
        raise KioskError(
            N_(
                "Use 'kiosk setup --pack FILE' to set up from an event pack, "
                "or 'kiosk init --demo' for the demo event."
            ),
            code="usage",
        )
    _settings, store = open_store(args)
    result = init_demo(store, device_name=args.name, role=args.role)
    text = (
        _("Demo event {code} ready on device {device}.")
        if result.created
        else _("Already set up: event {code} on device {device}.")
    ).format(code=result.event_code, device=result.device_id)
    emit(
        args,
        {
            "device_id": result.device_id,
            "event_id": result.event_id,
            "event_code": result.event_code,
            "created": result.created,
        },
        text,
    )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    _settings, store = open_store(args)
    status = kiosk_status(store)
    lines = status_lines(status)
    if status.enrolled:
        lines.append(_("Enrolled: the organiser approved this kiosk."))
    elif status.enrolment_code:
        lines.append(
            _("Not enrolled yet: enrolment code {code} (see 'kiosk enrol').").format(
                code=status.enrolment_code
            )
        )
    for warning in status.clock_warnings:
        lines.append(
            _("Clock warning at journal entry {seq}: {kind} ({time})").format(
                seq=warning["seq"], kind=warning["kind"], time=warning["wall_time"]
            )
        )
    emit(args, status.as_dict(), "\n".join(lines))
    return 0


def cmd_journal_verify(args: argparse.Namespace) -> int:
    _settings, store = open_store(args)
    result = verify_journal(store)
    text = journal_text(result)
    emit(
        args,
        {
            "ok": result.ok,
            "count": result.count,
            "broken_seq": result.broken_seq,
            "reason": result.reason,
        },
        text,
    )
    return 0 if result.ok else 1
