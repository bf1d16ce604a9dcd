"""What the check-in screen needs besides the check-in itself (Qt-free).

Counters that are cheap enough to read after every scan, the badge of a
walk-in just registered, and the last check-in this station may undo.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from kiosk.services.badge_sheet import BadgeCard, badge_cards
from kiosk.storage.models import Attendee, CheckIn
from kiosk.storage.queries import count_rows
from kiosk.storage.settings import EVENT_ID, TRAINING
from kiosk.storage.store import Store

ACCEPTED = "accepted"
NOT_REJECTED = (ACCEPTED, "already_checked_in")


@dataclass(frozen=True)
class DoorCounters:
    checked_in: int
    expected: int
    walk_ins: int
    rejected: int
    training: bool


def door_counters(store: Store) -> DoorCounters:
    """Checked in / expected, walk-ins, rejected scans, in one read.

    Records made in training mode count only while training mode is on, so a
    training session at the door never shows in the real figures.
    """
    with store.uow(readonly=True) as uow:
        local = uow.settings(EVENT_ID, TRAINING)
        event_id, training = local[EVENT_ID], local[TRAINING]
        s = uow.session
        real = () if training else (CheckIn.training.is_(False),)
        checked_in = int(
            s.scalar(
                select(func.count(func.distinct(CheckIn.attendee_id))).where(
                    CheckIn.event_id == event_id,
                    CheckIn.outcome == ACCEPTED,
                    CheckIn.undone_at.is_(None),
                    *real,
                )
            )
            or 0
        )
        return DoorCounters(
            checked_in=checked_in,
            expected=count_rows(
                s, Attendee, Attendee.event_id == event_id, Attendee.kind == "invited"
            ),
            walk_ins=count_rows(
                s, Attendee, Attendee.event_id == event_id, Attendee.kind == "walk_in"
            ),
            rejected=count_rows(
                s,
                CheckIn,
                CheckIn.event_id == event_id,
                CheckIn.outcome.not_in(NOT_REJECTED),
                *real,
            ),
            training=training,
        )


def walk_in_badge(store: Store, attendee_id: str) -> BadgeCard:
    """The printable badge of one attendee (a walk-in just registered)."""
    cards = badge_cards(store, [attendee_id])
    if not cards:
        raise LookupError(attendee_id)
    return cards[0]
