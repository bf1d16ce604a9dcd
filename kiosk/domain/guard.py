"""The staff area's lock, Qt-free: what needs the staff PIN, and when idleness locks.

Locked, an action waits until the PIN is given (then runs once); unlocked, it runs
at once. An unlocked staff area that nobody touches for ``idle_s`` seconds locks
again. The staff window only asks (kiosk/ui/staff.py); the rules are tested here.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Action = Callable[[], None]


class StaffGuard:
    def __init__(
        self, locked: bool, idle_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.locked = locked
        self.idle_s = idle_s
        self.clock = clock
        self.last_input = clock()
        self.pending: Action | None = None

    def touched(self) -> None:
        """A tap or a key: the idle time starts again."""
        self.last_input = self.clock()

    def request(self, action: Action) -> bool:
        """True when ``action`` may run now; otherwise it waits for the PIN (the caller
        opens the PIN pad), replacing any action that was waiting."""
        if not self.locked:
            return True
        self.pending = action
        return False

    def unlock(self) -> Action | None:
        """The PIN was right: unlocked, and the action that waited for it (once)."""
        self.locked = False
        action, self.pending = self.pending, None
        return action

    def lock(self) -> None:
        self.locked = True
        self.pending = None

    def idle_expired(self) -> bool:
        """True when an unlocked staff area has been left alone too long."""
        return not self.locked and self.clock() - self.last_input > self.idle_s
