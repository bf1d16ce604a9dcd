"""setup, checkin, walk-in, search, badges: the door, from the command line."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from kiosk.commands.common import command, emit, open_store
from kiosk.domain.door import REFUSED_TEXT
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_, _, current_language, format_time, gettext_for, ngettext
from kiosk.services.badge_sheet import badge_cards
from kiosk.services.checkin import check_in, undo_check_in
from kiosk.services.enrol import (
    REQUEST_FILE,
    enrolment_request,
    enrolment_state,
    install_certificate,
)
from kiosk.services.pack_setup import setup_from_pack
from kiosk.services.pin import validate_pin
from kiosk.services.roster_search import search_attendees
from kiosk.services.sync import write_atomically
from kiosk.services.upload import enrol_over_http
from kiosk.services.walk_in import register_walk_in

OUTCOME_TEXT = {
    "accepted": N_("Welcome, {name}: checked in."),
    "already_checked_in": N_("{name} is already checked in (at {time}, station {station})."),
    **REFUSED_TEXT,
}


def register(sub: Any) -> None:

    p = command(sub, "setup", help="set this kiosk up from a signed event pack", handler=cmd_setup)
    p.add_argument("--pack", required=True, metavar="FILE.kpack")
    p.add_argument("--name", required=True, help="station name, e.g. door-1")
    p.add_argument("--role", choices=("checkin", "proposals", "both"), default="both")
    p.add_argument(
        "--passphrase",
        default=os.environ.get("KIOSK_PACK_PASSPHRASE"),
        help="the pack passphrase from the organiser (default: $KIOSK_PACK_PASSPHRASE)",
    )

    p = command(
        sub, "enrol", help="this kiosk's enrolment: request, certificate", handler=cmd_enrol
    )
    p.add_argument("--request-out", metavar="FILE.kreq", help="write the enrolment request")
    p.add_argument(
        "--certificate", metavar="FILE.kcert", help="install the organiser's certificate"
    )
    p.add_argument("--url", help="send the request to the central platform, fetch the certificate")

    p = command(
        sub, "checkin", help="check a badge in (exit code 0 only if accepted)", handler=cmd_checkin
    )
    p.add_argument("token", nargs="?", metavar="TOKEN")
    p.add_argument("--undo", metavar="CHECKIN_ID", help="undo a mistaken check-in")

    p = command(
        sub,
        "walk-in",
        help="register and check in a person without invitation",
        handler=cmd_walk_in,
    )
    p.add_argument("--name", required=True)
    p.add_argument("--organisation", default="")
    p.add_argument("--category", default="citizen")
    p.add_argument("--province", default="")
    p.add_argument("--phone", default="")
    p.add_argument("--consent", action="store_true")

    p = command(sub, "search", help="find a person by name (lost badge)", handler=cmd_search)
    p.add_argument("query")

    p = command(sub, "badges", help="an A4 PDF of badges", handler=cmd_badges)
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.add_argument("--attendee", action="append", default=[], metavar="ID")


def lock_with_staff_pin(settings: Any, store: Any, pin: str) -> None:
    """Wrap the data's key under the staff PIN and seal a copy to the organiser's key
    of the pack (:mod:`kiosk.storage.atrest`)."""
    from kiosk.storage import atrest
    from kiosk.storage.settings import ORGANISER_SEAL_PK

    key = atrest.key_for(settings.data_dir)
    if key is None:  # pragma: no cover - open_store unlocked it
        return
    seal_pk = store.setting(ORGANISER_SEAL_PK) or None
    atrest.write_key_file(
        atrest.key_path(settings.keys_dir),
        key,
        pin,
        atrest.WRAPPED_BY_STAFF,
        bytes.fromhex(seal_pk) if seal_pk else None,
    )


def cmd_setup(args: argparse.Namespace) -> int:

    validate_pin(args.pin or "")  # outside the demo, a kiosk's PIN is set at set-up
    settings, store = open_store(args, new_pin=args.pin)
    result = setup_from_pack(
        store,
        Path(args.pack).read_bytes(),
        name=args.name,
        role=args.role,
        keys_dir=settings.keys_dir,
        pin=args.pin,
        passphrase=args.passphrase,
    )
    # From now on the staff PIN unlocks the data, and the organiser can recover it.
    lock_with_staff_pin(settings, store, args.pin)
    request_path = settings.data_dir / REQUEST_FILE
    write_atomically(request_path, enrolment_request(store, settings.keys_dir))
    text = _(
        "Set up for event {code}: {n} attendees, {r} revoked attendees.\n"
        "Organiser key fingerprint: {fp} (compare it with the organiser's).\n"
        "Enrolment code: {enrol} (the organiser approves it; request file: {path})."
    ).format(
        code=result.event_code,
        n=result.attendees,
        r=result.revoked,
        fp=result.fingerprint,
        enrol=result.enrolment_code,
        path=request_path,
    )
    emit(
        args,
        {
            "event_id": result.event_id,
            "event_code": result.event_code,
            "device_id": result.device_id,
            "fingerprint": result.fingerprint,
            "attendees": result.attendees,
            "revoked": result.revoked,
            "updated": result.updated,
            "enrolment_code": result.enrolment_code,
            "enrolment_request": str(request_path),
        },
        text,
    )
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:

    settings, store = open_store(args)
    if args.request_out:
        write_atomically(Path(args.request_out), enrolment_request(store, settings.keys_dir))
    if args.certificate:
        install_certificate(store, Path(args.certificate).read_bytes())
    if args.url:
        enrol_over_http(store, settings.keys_dir, args.url)
    state = enrolment_state(store)
    text = (
        _("Enrolled: device {device}, certificate valid until {until}.").format(
            device=state.device_id, until=state.not_after
        )
        if state.enrolled
        else _(
            "Not enrolled yet: the organiser approves code {code} "
            "(this kiosk works meanwhile; its bundles are accepted once approved)."
        ).format(code=state.code)
    )
    emit(args, state.as_dict(), text)
    return 0 if state.enrolled else 1


def outcome_message(
    outcome: str, name: str = "", time: str = "", station: str = "", lang: str | None = None
) -> str:

    return gettext_for(lang or current_language(), OUTCOME_TEXT[outcome]).format(
        name=name, time=time, station=station
    )


def cmd_checkin(args: argparse.Namespace) -> int:

    _settings, store = open_store(args)
    if args.undo:
        undone = undo_check_in(store, args.undo)
        emit(args, {"undone": undone}, _("Check-in {id} undone.").format(id=undone))
        return 0
    if not args.token:
        raise KioskError(N_("Give a TOKEN or --undo CHECKIN_ID."), code="usage")
    result = check_in(store, args.token)
    person = result.attendee
    data = {
        "outcome": result.outcome,
        "checkin_id": result.checkin_id,
        "attendee_id": person.id if person else None,
        "name": person.name if person else None,
        "category": person.category if person else None,
        "first_at": result.first_at.isoformat() if result.first_at else None,
        "first_station": result.first_station or None,
    }
    text = outcome_message(
        result.outcome,
        name=person.name if person else "",
        time=format_time(result.first_at) if result.first_at else "",
        station=result.first_station,
    )
    emit(args, data, text)
    return 0 if result.accepted else 1


def cmd_walk_in(args: argparse.Namespace) -> int:

    _settings, store = open_store(args)
    walk_in = register_walk_in(
        store,
        name=args.name,
        organisation=args.organisation,
        category=args.category,
        province=args.province,
        phone=args.phone,
        consent=args.consent,
    )
    emit(
        args,
        {
            "attendee_id": walk_in.attendee_id,
            "token": walk_in.token,
            "checkin_id": walk_in.checkin_id,
        },
        walk_in.token,
    )
    return 0


def cmd_search(args: argparse.Namespace) -> int:

    _settings, store = open_store(args)
    hits = search_attendees(store, args.query)
    fields = ("id", "name", "name_latin", "organisation", "category")
    data = [
        {("attendee_id" if f == "id" else f): getattr(h.attendee, f) for f in fields}
        | {"checked_in": h.checked_in}
        for h in hits
    ]
    lines = (
        f"{'*' if h.checked_in else ' '} {h.attendee.id}  {h.attendee.name}  "
        f"{h.attendee.name_latin}  {h.attendee.organisation}"
        for h in hits
    )
    emit(args, data, "\n".join(lines))
    return 0


def cmd_badges(args: argparse.Namespace) -> int:
    from kiosk.ui.badge_sheet import write_badges_pdf

    _settings, store = open_store(args)
    cards = badge_cards(store, args.attendee or None)
    out = write_badges_pdf(cards, Path(args.out))
    emit(
        args,
        {"pdf": str(out), "badges": len(cards)},
        ngettext("{n} badge written to {path}", "{n} badges written to {path}", len(cards)).format(
            n=len(cards), path=out
        ),
    )
    return 0
