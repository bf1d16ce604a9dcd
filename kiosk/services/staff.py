"""The staff PIN: slow hash, lock-out after repeated failures (Qt-free)."""

from __future__ import annotations

import datetime as dt

from kiosk.domain.errors import KioskError
from kiosk.i18n import N_
from kiosk.services.checkin import PIN_KEY, hash_pin, pin_matches
from kiosk.storage.store import Store

DEFAULT_DEMO_PIN = "1234"
MAX_FAILURES = 5
LOCK_MINUTES = 5
FAILURES_KEY = "staff_pin_failures"
LOCKED_UNTIL_KEY = "staff_pin_locked_until"


class PinLocked(KioskError):
    code = "locked"


def set_pin(store: Store, pin: str) -> None:
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        raise KioskError(N_("The PIN must be 4 to 12 digits."), code="bad_pin")
    with store.uow() as uow:
        uow.set_setting(PIN_KEY, hash_pin(pin))
        uow.set_setting(FAILURES_KEY, "0")
        uow.commit()


def check_pin(store: Store, pin: str) -> bool:
    """True if ``pin`` is the staff PIN; 5 wrong PINs lock it for 5 minutes."""
    now = store.clock.now()
    with store.uow() as uow:
        values = uow.get_settings(PIN_KEY, FAILURES_KEY, LOCKED_UNTIL_KEY)
        until = values.get(LOCKED_UNTIL_KEY)
        if until and dt.datetime.fromisoformat(until) > now:
            raise PinLocked(
                N_("Too many wrong PINs: try again in {minutes} minutes."),
                minutes=max(
                    1, int((dt.datetime.fromisoformat(until) - now).total_seconds() // 60) + 1
                ),
            )
        stored = values.get(PIN_KEY)
        # A kiosk set up with no PIN (the demo) uses the documented demo PIN.
        ok = pin_matches(stored, pin) if stored else pin == DEFAULT_DEMO_PIN
        if ok:
            uow.set_setting(FAILURES_KEY, "0")
        else:
            failures = int(values.get(FAILURES_KEY, "0") or 0) + 1
            uow.set_setting(FAILURES_KEY, str(failures % MAX_FAILURES))
            if failures >= MAX_FAILURES:
                uow.set_setting(
                    LOCKED_UNTIL_KEY, (now + dt.timedelta(minutes=LOCK_MINUTES)).isoformat()
                )
        uow.commit()
        return ok
