"""A lost badge re-issued: the person gets a new signed badge and the lost one is refused.

A badge token names its attendee id and revocation is by attendee id, so a new badge is
a new id: the person's roster row is copied under a new id (external id moved to it),
signed as the kiosks' own walk-in badges are made (``badges.make_token``: the
organiser's key for invitees, the event's walk-in key for walk-ins), and the old id is
revoked. Kiosks learn both from the next event pack (its roster and its list of revoked
attendees): until a kiosk takes that pack, it still accepts the lost badge and does not
know an invitee's new one (a walk-in's new badge it accepts at once, as any walk-in
badge of the event). Check-ins and proposals made with the old badge stay under the old
id; the audit entry links the two ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nacl.signing import SigningKey

from kiosk import badges
from kiosk.central.accounts import User, record
from kiosk.central.keys import load_signing_key
from kiosk.central.models import EventSecret
from kiosk.central.organiser import _attendee_named, find_event
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_
from kiosk.ids import new_id
from kiosk.storage.models import Attendee, RevokedAttendee
from kiosk.storage.store import Store

# The roster fields a new badge's row keeps (the rest: new id, token, time).
_KEPT = ("event_id", "kind", "name", "name_latin", "organisation", "category", "province",
         "phone", "email", "preferred_language", "consent", "search_key", "created_by")  # fmt: skip


@dataclass(frozen=True)
class Reissued:
    old_id: str
    new_id: str
    external_id: str
    name: str
    token: str


def reissue_badge(
    store: Store, event_code: str, ref: str, data_dir: Path, *, by: User | None, address: str = ""
) -> Reissued:
    """Give the person named by ``ref`` (badge token, attendee id or external id) a new
    badge and revoke the old one, in one unit of work with its audit entry."""
    with store.uow() as uow:
        event = find_event(uow, event_code)
        old = uow.session.get(Attendee, _attendee_named(uow, event.id, ref))
        assert old is not None
        if uow.session.get(RevokedAttendee, (event.id, old.id)) is not None:
            raise KioskError(
                N_("This badge is revoked already: re-issue the person's current badge."),
                code="badge_revoked",
            )
        if old.kind == "walk_in":
            secret = uow.session.get(EventSecret, event.id)
            if secret is None:
                raise KioskError(
                    N_("The event {event} has no keys."), code="no_event_keys", event=event.code
                )
            key, kind = SigningKey(bytes.fromhex(secret.walkin_signing_key)), badges.KIND_WALK_IN
        else:
            key, kind = load_signing_key(data_dir), badges.KIND_INVITEE
        external_id = old.external_id
        old.external_id = None  # unique per event: it moves to the new badge's row
        uow.session.flush()
        attendee_id = new_id()
        token = badges.make_token(key, kind, event.id, attendee_id)
        uow.session.add(
            Attendee(
                id=attendee_id,
                external_id=external_id,
                created_at=store.clock.now(),
                badge_token=token,
                **{name: getattr(old, name) for name in _KEPT},
            )
        )
        uow.session.add(
            RevokedAttendee(event_id=event.id, attendee_id=old.id, revoked_at=store.clock.now())
        )
        record(uow, store, by, "badge_reissue", event_code=event.code,
               target=external_id or attendee_id, detail={"old": old.id, "new": attendee_id},
               address=address)  # fmt: skip
        uow.commit()
        return Reissued(old.id, attendee_id, external_id or "", old.name, token)
