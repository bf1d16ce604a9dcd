"""Issue 15: a kiosk whose data is encrypted under the staff PIN starts on the PIN pad;
a wrong PIN keeps it locked, the right one unlocks it, Quit leaves it locked."""

from __future__ import annotations

from pathlib import Path

import nacl.pwhash.argon2id as argon2id

from kiosk.storage import atrest
from kiosk.ui.background import run_now
from kiosk.ui.problem import UnlockWindow


def tap(window: UnlockWindow, digits: str) -> None:
    for digit in digits:
        window.pad.digit_buttons[digit].click()
    window.pad.ok.click()


def key_file(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / atrest.KEY_FILE
    key = atrest.new_database_key()
    cheap = {"opslimit": argon2id.OPSLIMIT_MIN, "memlimit": argon2id.MEMLIMIT_MIN}
    atrest.write_key_file(path, key, "482613", atrest.WRAPPED_BY_STAFF, **cheap)
    return path, key


def test_the_pin_pad_unlocks_the_data(qapp, tmp_path: Path) -> None:
    path, key = key_file(tmp_path)
    unlocked: list[bytes] = []
    done: list[bool] = []

    def unlock(pin: str) -> bool:
        try:
            unlocked.append(atrest.unlock(path, pin))
        except atrest.WrongPin:
            return False
        return True

    window = UnlockWindow(unlock, run_now, on_done=lambda: done.append(True))
    window.resize(1280, 800)
    window.show()
    qapp.processEvents()
    assert window.pad.isVisible() and window.pad.geometry().width() == 1280

    tap(window, "111111")
    assert window.pin is None and not done and window.pad.message.text()
    assert window.pad.display.text() == ""  # nothing of the wrong PIN stays on screen

    tap(window, "482613")
    assert window.pin == "482613" and done == [True] and unlocked == [key]
    window.close()


def test_quit_leaves_it_locked(qapp, tmp_path: Path) -> None:
    done: list[bool] = []
    window = UnlockWindow(lambda pin: False, run_now, on_done=lambda: done.append(True))
    window.show()
    window.pad.cancel.click()
    assert done == [True] and window.pin is None
    window.close()
