"""The door's result panel as a Qt-free state machine.

After a scan, a name check-in, a walk-in, an undo or a failure, the check-in screen
shows one result; the next scan, or a few seconds, clear it. :class:`DoorResult` is
that state and :func:`panel` what it says, in the current language: the screen only
draws it (kiosk/ui/checkin_screen.py), and the rules are tested without Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from kiosk.domain.errors import KioskError
from kiosk.domain.vocab import CATEGORIES
from kiosk.i18n import N_, _, current_language, format_time, gettext_for


@dataclass(frozen=True)
class AttendeeInfo:
    """A person as the door knows them."""

    id: str
    name: str
    name_latin: str
    organisation: str
    category: str
    kind: str


# Why the door refused a badge, by check-in outcome (the door's panel, `kiosk checkin`).
REFUSED_TEXT = {
    "revoked": N_("This badge has been revoked."),
    "wrong_event": N_("This badge is for another event."),
    "invalid_signature": N_("This badge is not genuine (invalid signature)."),
    "malformed": N_("This is not a readable badge."),
    "unknown_attendee": N_("This badge is genuine but the person is not on this kiosk's roster."),
}


class Scanned(Protocol):
    """What a check-in decided (kiosk.services.checkin.CheckInResult)."""

    @property
    def outcome(self) -> str: ...
    @property
    def attendee(self) -> AttendeeInfo | None: ...
    @property
    def first_at(self) -> dt.datetime | None: ...
    @property
    def first_station(self) -> str: ...


@dataclass(frozen=True)
class DoorResult:
    """The result on show: idle, a check-in's, a failure, a walk-in or an undo."""

    kind: str = "idle"  # idle | scan | error | walk_in | undone
    scan: Scanned | None = None
    error: KioskError | None = None  # None with kind "error": not one we can name
    name: str = ""


IDLE = DoorResult()


def scanned(result: Scanned) -> DoorResult:
    return DoorResult("scan", scan=result)


def failed(error: BaseException) -> DoorResult:
    return DoorResult("error", error=error if isinstance(error, KioskError) else None)


def walked_in(name: str) -> DoorResult:
    return DoorResult("walk_in", name=name)


def undone(name: str) -> DoorResult:
    return DoorResult("undone", name=name)


@dataclass(frozen=True)
class Panel:
    """What the panel shows: its colour (idle, accepted, already, refused) and three lines."""

    style: str
    title: str
    name: str
    detail: str


def category_name(code: str) -> str:
    return gettext_for(current_language(), CATEGORIES[code]) if code in CATEGORIES else code


def panel(state: DoorResult) -> Panel:
    """The panel for ``state``, in the current language."""
    if state.kind == "error":
        message = (
            state.error.message()
            if state.error is not None
            else _("The check-in could not be saved. Try again.")
        )
        return Panel("refused", _("Not checked in"), "", message)
    if state.kind == "walk_in":
        return Panel("accepted", _("Welcome: checked in"), state.name, _("New badge"))
    if state.kind == "undone":
        return Panel("idle", _("Check-in undone"), state.name, "")
    if state.kind == "scan" and state.scan is not None:
        return _scan_panel(state.scan)
    return Panel("idle", _("Ready to scan"), "", _("Scan a badge, or search by name."))


def _scan_panel(r: Scanned) -> Panel:
    person = r.attendee
    name = (person.name or person.name_latin) if person else ""
    if r.outcome == "accepted":
        if person is not None and not name:
            name = _("Walk-in registered at another kiosk")
        details = []
        if person is not None and person.category:
            details.append(category_name(person.category))
        if person is not None and person.organisation:
            details.append(person.organisation)
        return Panel("accepted", _("Welcome: checked in"), name, " \u00b7 ".join(details))
    if r.outcome == "already_checked_in":
        when = format_time(r.first_at.astimezone()) if r.first_at else "-"
        detail = _("at {time}, station {station}").format(time=when, station=r.first_station or "-")
        return Panel("already", _("Already checked in"), name, detail)
    text = gettext_for(current_language(), REFUSED_TEXT.get(r.outcome, r.outcome))
    return Panel("refused", _("Not checked in"), name, text)
