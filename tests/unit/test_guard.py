"""The staff area's lock without Qt: what waits for the PIN, and idleness."""

from __future__ import annotations

from kiosk.domain.guard import StaffGuard


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_locked_an_action_waits_for_the_pin_and_runs_once() -> None:
    guard = StaffGuard(locked=True, idle_s=300, clock=Clock())
    ran: list[str] = []
    assert not guard.request(lambda: ran.append("first"))
    assert not guard.request(lambda: ran.append("settings"))  # the last one asked waits
    action = guard.unlock()
    assert action is not None
    action()
    assert ran == ["settings"] and not guard.locked
    assert guard.unlock() is None  # not twice


def test_unlocked_an_action_runs_at_once() -> None:
    guard = StaffGuard(locked=False, idle_s=300, clock=Clock())
    assert guard.request(lambda: None)


def test_an_unattended_staff_area_locks_and_forgets_what_waited() -> None:
    clock = Clock()
    guard = StaffGuard(locked=False, idle_s=300, clock=clock)
    clock.now += 299
    assert not guard.idle_expired()
    guard.touched()
    clock.now += 299
    assert not guard.idle_expired()
    clock.now += 2
    assert guard.idle_expired()
    guard.lock()
    assert guard.locked and not guard.idle_expired()  # locked: nothing more to lock
    guard.request(lambda: None)
    guard.lock()
    assert guard.pending is None
