"""The door's result panel, without Qt: each result says what it should."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.domain import door
from kiosk.domain.door import AttendeeInfo
from kiosk.domain.errors import StorageFull
from kiosk.i18n import gettext_for, language

SALMA = AttendeeInfo(
    "a1", "\u0633\u0644\u0645\u0649", "Salma", "Coop Argan", "cooperative", "invited"
)
ELSEWHERE = AttendeeInfo("a2", "", "", "", "citizen", "walk_in")


@dataclass(frozen=True)
class Result:
    outcome: str
    attendee: AttendeeInfo | None
    first_at: dt.datetime | None = None
    first_station: str = ""


def test_idle_until_something_happens() -> None:
    with language("en"):
        shown = door.panel(door.IDLE)
    assert (shown.style, shown.title) == ("idle", "Ready to scan")


def test_an_accepted_badge_names_the_person_their_category_and_organisation() -> None:
    with language("fr"):
        shown = door.panel(door.scanned(Result("accepted", SALMA)))
    assert shown.style == "accepted" and shown.name == SALMA.name
    assert shown.detail == gettext_for("fr", "Cooperative") + " \u00b7 Coop Argan"


def test_a_walk_in_from_another_kiosk_is_said_so() -> None:
    with language("en"):
        shown = door.panel(door.scanned(Result("accepted", ELSEWHERE)))
    assert shown.name == "Walk-in registered at another kiosk"


def test_already_checked_in_says_when_and_where() -> None:
    first = dt.datetime(2026, 11, 23, 9, 5, tzinfo=dt.UTC)
    with language("en"):
        shown = door.panel(door.scanned(Result("already_checked_in", SALMA, first, "door-2")))
    assert shown.style == "already" and "door-2" in shown.detail and ":" in shown.detail


def test_a_refusal_gives_its_reason_in_the_screen_language() -> None:
    for outcome, msgid in door.REFUSED_TEXT.items():
        with language("ar"):
            shown = door.panel(door.scanned(Result(outcome, None)))
        assert shown.style == "refused" and shown.detail == gettext_for("ar", msgid)


def test_a_failure_says_the_error_or_a_plain_line() -> None:
    full = StorageFull(
        "The kiosk's storage is full: nothing was saved. Please call a staff member."
    )
    with language("en"):
        named = door.panel(door.failed(full))
        unnamed = door.panel(door.failed(RuntimeError("SELECT name FROM attendee")))
    assert named.style == "refused" and "storage is full" in named.detail
    assert "SELECT" not in unnamed.detail and unnamed.detail.startswith("The check-in")


def test_walk_in_and_undo() -> None:
    with language("en"):
        walked = door.panel(door.walked_in("Nadia"))
        undone = door.panel(door.undone("Nadia"))
    assert (walked.style, walked.name, walked.detail) == ("accepted", "Nadia", "New badge")
    assert (undone.style, undone.title) == ("idle", "Check-in undone")


def test_the_same_result_is_said_again_in_another_language() -> None:
    state = door.scanned(Result("revoked", None))
    with language("fr"):
        french = door.panel(state).detail
    with language("ar"):
        arabic = door.panel(state).detail
    assert french != arabic and french == gettext_for("fr", door.REFUSED_TEXT["revoked"])
