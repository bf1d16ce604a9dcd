"""Problems staff must see on the screen, not only on a command line: a damaged
database at start (with the way back behind the PIN), a database moved aside,
and a clock that went back in time."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.clock import FakeClock
from kiosk.config import load_settings
from kiosk.services.checkin import check_in
from kiosk.services.proposals import submit_proposal
from kiosk.services.setup import init_demo
from kiosk.services.staff import pin_matches_backup, set_pin
from kiosk.storage import Store
from kiosk.storage.health import (
    DatabaseDamaged,
    backups,
    guard_database,
    restore,
    take_backup,
)
from kiosk.ui.problem import ProblemWindow
from kiosk.ui.qt import Qt


def test_damaged_database_screen_restores_the_backup_behind_the_pin(qtbot, data_dir) -> None:
    from kiosk.domain.proposal import ProposalDraft
    from kiosk.services.status import kiosk_status

    settings = load_settings(data_dir)
    store = Store(settings.db_url, backups_dir=settings.backups_dir)
    init_demo(store)
    set_pin(store, "573146")
    submit_proposal(store, ProposalDraft("skills", "fr", "Titre", "Corps"))
    store.close()
    take_backup(settings.db_path, settings.backups_dir, "start")
    raw = bytearray(settings.db_path.read_bytes())
    raw[0:16] = b"NOT A DATABASE!!"
    settings.db_path.write_bytes(bytes(raw))
    with pytest.raises(DatabaseDamaged) as caught:
        guard_database(settings.db_path, settings.backups_dir, settings.damaged_dir)
    latest = backups(settings.backups_dir)[0]
    done: list[bool] = []
    window = ProblemWindow(
        caught.value,
        latest,
        lambda pin: pin_matches_backup(latest, pin),
        lambda: restore(settings.db_path, latest, settings.damaged_dir) and None,
        on_done=lambda: done.append(True),
    )
    qtbot.addWidget(window)
    window.show()
    assert "kiosk db restore --latest" in window.detail.text()
    window.close()
    assert window.isVisible()  # nobody closes it by accident
    window.pin.setText("1234")  # the demo PIN is not this kiosk's PIN
    qtbot.mouseClick(window.restore_button, Qt.MouseButton.LeftButton)
    assert window.message.text() and not settings.db_path.exists() and not done
    window.pin.setText("573146")
    qtbot.mouseClick(window.restore_button, Qt.MouseButton.LeftButton)
    assert window.restored and done == [True] and not window.isVisible()
    guard_database(settings.db_path, settings.backups_dir, settings.damaged_dir)
    again = Store(settings.db_url, backups_dir=settings.backups_dir)
    assert kiosk_status(again).proposals == 1
    again.close()


def test_no_backup_says_so_and_offers_only_quit(qtbot) -> None:
    from kiosk.i18n import N_

    window = ProblemWindow(
        DatabaseDamaged(N_("The backup {path} is damaged too."), path="x"),
        None,
        lambda _pin: True,
        lambda: None,
    )
    qtbot.addWidget(window)
    window.show()
    assert not window.restore_button.isVisible() and window.quit_button.isVisible()
    assert window.message.text()


def test_staff_screens_show_a_moved_aside_database_and_clock_problems(
    qtbot, qapp, door, settings
) -> None:
    from kiosk.app import build_staff_window
    from kiosk.ui.background import run_now

    store, tokens = door
    settings.damaged_dir.mkdir(parents=True, exist_ok=True)
    (settings.damaged_dir / "kiosk-20261123T101500Z.db").write_bytes(b"damaged")
    check_in(store, tokens[0]["token"])
    # Somebody set the clock back an hour.
    store.clock = FakeClock(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    check_in(store, tokens[1]["token"])
    window = build_staff_window(store, settings, run_now, language="fr")
    qtbot.addWidget(window)
    window.show()
    banner = window.notice_banner
    assert banner.isVisible() and "kiosk-20261123T101500Z.db" in banner.text()
    assert banner.text().endswith("(+1)")
    qtbot.mouseClick(banner, Qt.MouseButton.LeftButton)
    assert window.current == "data"
    texts = [w.text() for w in window.data.notice_labels]
    assert any("base de donn\u00e9es endommag\u00e9e" in t for t in texts)
    assert any(t.startswith("L'horloge a recul\u00e9") for t in texts)
    window.set_language("ar")
    assert all(t != w.text() for t, w in zip(texts, window.data.notice_labels, strict=True))
    window.may_close = True
