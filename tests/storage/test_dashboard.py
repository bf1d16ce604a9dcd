"""Dashboard figures from check-ins and proposals (rows written as the check-in core does)."""

from __future__ import annotations

import datetime as dt

from kiosk.domain.proposal import ProposalDraft
from kiosk.ids import new_id
from kiosk.services.dashboard import dashboard_figures
from kiosk.services.proposals import submit_proposal
from kiosk.storage.models import Attendee, CheckIn
from kiosk.storage.settings import EVENT_ID

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def add_people(store, outcomes: list[tuple[str, str, int, str]]) -> None:
    """(kind, category, minutes after T0, outcome) per scan."""
    with store.uow() as uow:
        event_id = uow.setting(EVENT_ID)
        for kind, category, minutes, outcome in outcomes:
            person = Attendee(
                id=new_id(),
                event_id=event_id,
                kind=kind,
                name="N",
                category=category,
                province="Tiznit",
                created_at=T0,
                search_key="n",
            )
            uow.session.add(person)
            uow.session.add(
                CheckIn(
                    id=new_id(),
                    event_id=event_id,
                    attendee_id=person.id,
                    device_id=uow.device_id,
                    station="door",
                    method="scan",
                    at=T0 + dt.timedelta(minutes=minutes),
                    outcome=outcome,
                    detail="",
                    training=False,
                )
            )
        uow.commit()


def test_figures(demo_store) -> None:
    add_people(
        demo_store,
        [
            ("invited", "student", 1, "accepted"),
            ("invited", "student", 14, "accepted"),
            ("invited", "citizen", 16, "accepted"),
            ("walk_in", "media", 40, "accepted"),
            ("invited", "citizen", 50, "revoked"),
        ],
    )
    for lang in ("ar", "ar", "fr"):
        submit_proposal(demo_store, ProposalDraft("skills", lang, "t", "b"))
    submit_proposal(demo_store, ProposalDraft("other", "zgh", "t", "b"))
    f = dashboard_figures(demo_store)
    assert (f.expected, f.checked_in, f.walk_ins, f.rejected_scans, f.proposals) == (4, 4, 1, 1, 4)
    assert [(t.minute, n) for t, n in f.checkins_per_quarter] == [(0, 2), (15, 1), (30, 1)]
    assert f.proposals_per_theme == (("skills", 3), ("other", 1))
    assert f.languages == (("ar", 2), ("fr", 1), ("zgh", 1))
    assert f.categories == (("student", 2), ("citizen", 1), ("media", 1))
    assert len(f.devices) == 1 and f.devices[0].last_seq > 0
