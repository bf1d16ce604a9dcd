"""A wall clock that jumps backwards or sits before the event is flagged (fake clock)."""

from __future__ import annotations

import datetime as dt

from kiosk.clock import FakeClock
from kiosk.domain.clock_check import find_clock_anomalies
from kiosk.domain.proposal import ProposalDraft
from kiosk.services.proposals import submit_proposal
from kiosk.services.setup import init_demo
from kiosk.services.status import kiosk_status, verify_journal
from kiosk.storage import Store

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def draft(title: str) -> ProposalDraft:
    return ProposalDraft("skills", "fr", title, "corps")


def test_entries_record_wall_time_and_monotonic_counter(settings) -> None:
    clock = FakeClock(START)
    store = Store(settings.db_url, clock=clock)
    init_demo(store)
    clock.advance(60)
    submit_proposal(store, draft("a"))
    with store.uow(readonly=True) as uow:
        last = uow.journal_entries(uow.device_id)[-1]
        wall_time, mono_ns = last.wall_time, last.mono_ns
    assert wall_time == (START + dt.timedelta(seconds=60)).isoformat(timespec="microseconds")
    assert mono_ns == clock.monotonic_ns()
    assert kiosk_status(store).clock_warnings == ()
    store.close()


def test_backwards_jump_and_clock_before_event_are_flagged(settings) -> None:
    clock = FakeClock(START)
    store = Store(settings.db_url, clock=clock)
    init_demo(store)
    submit_proposal(store, draft("a"))  # seq 3
    clock.advance(3600)
    submit_proposal(store, draft("b"))  # seq 4
    clock.set(START + dt.timedelta(minutes=10))  # somebody sets the clock back 50 minutes
    submit_proposal(store, draft("c"))  # seq 5
    clock.set(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))  # flat battery: year 2000
    submit_proposal(store, draft("d"))  # seq 6
    warnings = kiosk_status(store).clock_warnings
    assert [(w["seq"], w["kind"]) for w in warnings] == [
        (5, "backwards"),
        (6, "backwards"),
        (6, "before_event"),
    ]
    # The journal itself stays valid: the chain does not depend on the clock.
    assert verify_journal(store).ok
    store.close()


def test_small_corrections_and_setup_the_day_before_are_not_flagged() -> None:
    start = START
    entries = [
        (1, "device.created", (start - dt.timedelta(hours=20)).isoformat()),
        (2, "proposal.submitted", (start - dt.timedelta(hours=2)).isoformat()),
        (3, "proposal.submitted", (start - dt.timedelta(hours=2, seconds=3)).isoformat()),
    ]
    assert find_clock_anomalies(entries, start) == []
