"""One kiosk, two faces: the staff PIN leads from the attendee kiosk to the staff
area and back; a check-in kiosk opens on the check-in screen, locked."""

from __future__ import annotations

from kiosk.app import build_staff_window, build_window, set_role
from kiosk.ui.background import run_now
from kiosk.ui.qt import Qt
from kiosk.ui.station import Station


def station(qapp, store, settings) -> Station:
    return Station(
        qapp,
        lambda on_staff: build_window(store, settings, run_now, on_staff=on_staff),
        lambda locked, to_kiosk, on_quit: build_staff_window(
            store,
            settings,
            run_now,
            language="fr",
            locked=locked,
            on_attendee_kiosk=to_kiosk,
            on_quit=on_quit,
        ),
        windowed=True,
    )


def enter_pin(qtbot, pad, pin: str) -> None:
    for digit in pin:
        qtbot.mouseClick(pad.digit_buttons[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pad.ok, Qt.MouseButton.LeftButton)


def test_pin_leads_to_staff_area_and_back(qtbot, qapp, door, settings) -> None:
    store, _tokens = door
    set_role(store, "both")
    s = station(qapp, store, settings)
    kiosk = s.start("both")
    assert kiosk is s.kiosk and kiosk.isVisible()
    kiosk.pin_pad.open_pad()
    enter_pin(qtbot, kiosk.pin_pad, "482613")
    staff = s.staff
    assert staff is not None and staff.isVisible() and not kiosk.isVisible()
    assert not staff.locked and staff.current == "checkin"
    assert staff.kiosk_button.isVisible()
    qtbot.mouseClick(staff.kiosk_button, Qt.MouseButton.LeftButton)
    assert kiosk.isVisible() and not staff.isVisible()
    assert not staff.checkin.scanner.active  # scans are not taken behind the attendee screen
    s.quit()


def test_checkin_role_opens_locked_on_the_checkin_screen(qtbot, qapp, door, settings) -> None:
    store, _tokens = door
    s = station(qapp, store, settings)
    staff = s.start("checkin")
    assert staff is s.staff and s.kiosk is None
    assert staff.locked and staff.current == "checkin" and staff.checkin.scanner.active
    assert not staff.kiosk_button.isVisible()
    qtbot.mouseClick(staff.quit_button, Qt.MouseButton.LeftButton)
    assert staff.isVisible() and staff.pin_pad.isVisible()  # leaving needs the PIN
    staff.close()
    assert staff.isVisible()  # Alt+F4 and the like are refused
    enter_pin(qtbot, staff.pin_pad, "482613")
    assert staff.isVisible() and staff.quit_confirm.isVisible()  # then: quit, really?
    qtbot.mouseClick(staff.quit_yes, Qt.MouseButton.LeftButton)
    assert not staff.isVisible()


def test_demo_door_has_signed_badges_walk_ins_and_the_demo_pin(store, settings) -> None:
    from kiosk.app import setup_demo_door
    from kiosk.services.badge_sheet import badge_cards
    from kiosk.services.checkin import check_in
    from kiosk.services.enrol import enrolment_state
    from kiosk.services.staff import check_pin
    from kiosk.services.walk_in import register_walk_in
    from kiosk.storage import Store

    sheet = setup_demo_door(store, settings)
    assert sheet == settings.data_dir / "demo-badges.pdf"
    assert enrolment_state(store).enrolled  # the demo enrols itself
    assert badge_cards(store) == []  # invitees' tokens stay with the (demo) organiser
    organiser = Store(f"sqlite:///{settings.data_dir / 'demo-organiser' / 'central.db'}")
    cards = badge_cards(organiser, event_id=store.event_id)
    organiser.close()
    assert len(cards) == 48
    assert check_in(store, cards[0].token).outcome == "accepted"
    walk_in = register_walk_in(store, name="Amina Ait Ouhmad", category="student")
    assert check_in(store, walk_in.token).outcome == "already_checked_in"
    assert check_pin(store, "1234")


def test_full_screen_windows_and_the_frameless_hint(qtbot, qapp, door, settings) -> None:
    """At a venue: the welcome window painted first is full screen (no decorations) and
    is not re-created by the frameless hint while visible (that would flicker); the
    staff window, and the attendee window when shown again, carry the hint."""
    from kiosk.app import present
    from kiosk.ui.window import KioskWindow

    store, _tokens = door
    set_role(store, "both")
    early = KioskWindow(None, None, run_now, default_language="ar")
    present(early, windowed=False)
    native = int(early.winId())
    s = station(qapp, store, settings)
    s.windowed = False
    s.make_kiosk = lambda on_staff: build_window(
        store, settings, run_now, on_staff=on_staff, window=early
    )
    kiosk = s.start("both")
    frameless = Qt.WindowType.FramelessWindowHint
    assert kiosk is early and kiosk.isFullScreen() and int(kiosk.winId()) == native
    kiosk.pin_pad.open_pad()
    enter_pin(qtbot, kiosk.pin_pad, "482613")
    assert s.staff.isFullScreen() and s.staff.windowFlags() & frameless
    qtbot.mouseClick(s.staff.kiosk_button, Qt.MouseButton.LeftButton)
    assert kiosk.isVisible() and kiosk.isFullScreen() and kiosk.windowFlags() & frameless
    s.quit()
