"""Issue 18, staff side: training mode seen on attendee screens, settings that apply
at once and refuse bad values aloud, Quit confirmed, a name search that forgives
spelling and asks before checking in, and a second export that can write all again.
Each test failed on main at 73d559b."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.domain.flow import Step
from kiosk.i18n import gettext_for
from kiosk.storage.models import Attendee, CheckIn
from kiosk.ui.qt import QLabel, QPoint, QRect, Qt

USER = Qt.ItemDataRole.UserRole
TRAINING = "TRAINING MODE: not counted"  # the attendee screens' banner


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def checkins(store) -> list[CheckIn]:
    with store.uow(readonly=True) as uow:
        rows = list(uow.session.scalars(select(CheckIn).order_by(CheckIn.at)))
        uow.session.expunge_all()
        return rows


def shown_banner(window, lang: str) -> QLabel | None:
    """The visible label saying training mode, wholly inside the window."""
    wanted = gettext_for(lang, TRAINING)
    for widget in window.findChildren(QLabel):
        if widget.isVisible() and wanted in widget.text():
            rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
            if window.rect().contains(rect):
                return widget
    return None


def set_training(store, on: bool) -> None:
    from kiosk.storage.settings import TRAINING

    with store.uow() as uow:
        uow.save(TRAINING, on)
        uow.commit()


def test_training_mode_is_shown_on_every_attendee_screen(qtbot, qapp, demo_store, settings) -> None:
    from kiosk.app import build_window
    from kiosk.ui.background import run_now
    from kiosk.ui.style import apply_style, load_fonts

    load_fonts()
    apply_style(qapp)
    set_training(demo_store, True)
    window = build_window(demo_store, settings, run_now)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qapp.processEvents()
    try:
        seen = []
        assert shown_banner(window, "ar") is not None  # the welcome screen
        tap(qtbot, window.welcome.buttons["fr"])
        for step, go in (
            (Step.BADGE, lambda: tap(qtbot, window.badge.skip)),
            (Step.THEME, lambda: tap(qtbot, window.theme.cards["skills"])),
            (Step.WRITE, lambda: window._apply(window.flow.finish_writing())),
            (Step.QUESTIONS, lambda: tap(qtbot, window.questions.next)),
            (Step.CONSENT, lambda: tap(qtbot, window.consent.next)),
            (Step.REVIEW, lambda: None),
        ):
            if step == Step.WRITE:
                window.write.title_field.setText("Wifi")
                window.write.body_field.setPlainText("Du wifi dans les salles.")
            assert window.flow.state.step == step
            qapp.processEvents()
            seen.append((step, shown_banner(window, "fr") is not None))
            go()
        assert all(ok for _step, ok in seen), seen
        # Off again: no banner on the next attendee's screens.
        set_training(demo_store, False)
        window.resume()
        qapp.processEvents()
        assert shown_banner(window, "ar") is None
    finally:
        window.unlocked = True
        window.close()


def station_on(qapp, store, settings):
    from kiosk.app import build_staff_window, build_window
    from kiosk.ui.background import run_now
    from kiosk.ui.station import Station

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


def test_settings_apply_to_the_attendee_kiosk_at_once(qtbot, qapp, demo_store, settings) -> None:
    from kiosk.ui.style import apply_style, load_fonts

    load_fonts()
    apply_style(qapp)
    station = station_on(qapp, demo_store, settings)
    kiosk = station.start("both")
    try:
        assert kiosk.flow.timeouts.idle_s == 90
        staff = station.show_staff(locked=False)
        staff.request_page("settings")
        page = staff.settings_page
        page.idle.setValue(120)
        page.training.setChecked(True)
        tap(qtbot, page.save)
        assert page.message.text().startswith("R\u00e9glages enregistr\u00e9s")
        tap(qtbot, staff.kiosk_button)
        assert station.kiosk.isVisible()
        assert kiosk.flow.timeouts.idle_s == 120  # no restart
        assert shown_banner(kiosk, "ar") is not None
    finally:  # closed as Station.quit() does, without leaving the test's event loop
        for window in (station.kiosk, station.staff):
            window.may_close = window.unlocked = True
            window.close()


def test_idle_time_out_under_the_minimum_is_refused_aloud(qtbot, staff_window) -> None:
    window = staff_window
    window.locked = False
    window.request_page("settings")
    page = window.settings_page
    spin = page.idle.spin
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "10")
    tap(qtbot, page.save)
    expected = gettext_for(
        "fr", "The idle time-out must be between {low} and {high} seconds."
    ).format(low=30, high=900)
    assert page.message.text() == expected
    assert window.services.load_settings().idle_timeout_s == 90  # nothing stored
    # The minus button stops at the minimum instead of going under it.
    page.idle.setValue(30)
    tap(qtbot, page.idle.less)
    assert page.idle.value() == 30


def test_quit_asks_for_confirmation(qtbot, qapp, door, settings) -> None:
    from kiosk.app import build_staff_window
    from kiosk.ui.background import run_now

    store, _tokens = door
    quits: list[int] = []
    window = build_staff_window(
        store, settings, run_now, language="fr", locked=False, on_quit=lambda: quits.append(1)
    )
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    try:
        tap(qtbot, window.quit_button)
        assert quits == []  # one tap does not quit
        assert window.quit_confirm.isVisible()
        assert window.quit_no.text() == gettext_for("fr", "No")
        tap(qtbot, window.quit_no)
        assert not window.quit_confirm.isVisible() and quits == []
        tap(qtbot, window.quit_button)
        tap(qtbot, window.quit_yes)
        assert quits == [1]
    finally:
        window.may_close = True
        window.close()


def test_search_forgives_spelling_and_says_when_no_one_is_found(qtbot, staff_window, door) -> None:
    store, _tokens = door
    screen = staff_window.checkin
    with store.uow(readonly=True) as uow:
        wanted = {
            a.id
            for a in uow.session.scalars(select(Attendee))
            if a.name_latin.endswith("El Hassani")
        }
    assert len(wanted) >= 3
    screen.search_field.setFocus()
    qtbot.keyClicks(screen.search_field, "El Hasani")
    qtbot.waitUntil(lambda: bool(screen.result_items()))
    found = {it.data(USER) for it in screen.result_items()}
    assert wanted & found == wanted or len(found) == 20, found
    screen.search_field.clear()
    qtbot.keyClicks(screen.search_field, "Elhasani")
    qtbot.waitUntil(lambda: bool(screen.result_items()))
    assert {it.data(USER) for it in screen.result_items()} & wanted
    screen.search_field.clear()
    qtbot.keyClicks(screen.search_field, "Qzxwvbt")
    nobody = gettext_for("fr", "No one found. Check the spelling, or register a walk-in.")
    qtbot.waitUntil(lambda: screen.search_empty.isVisible())
    assert (
        screen.search_empty.text()
        == nobody
        != "No one found. Check the spelling, or register a walk-in."
    )
    assert screen.result_items() == []


def test_a_tap_on_a_result_asks_first_and_undo_clears_the_check_mark(
    qtbot, staff_window, door
) -> None:
    store, tokens = door
    screen = staff_window.checkin
    wanted = tokens[10]
    with store.uow(readonly=True) as uow:
        person = uow.session.scalar(
            select(Attendee).where(Attendee.external_id == wanted["external_id"])
        )
        assert person is not None
        latin, pid = person.name_latin, person.id
    screen.search_field.setFocus()
    qtbot.keyClicks(screen.search_field, latin)
    qtbot.waitUntil(lambda: any(it.data(USER) == pid for it in screen.result_items()))

    def tap_row() -> None:
        item = next(it for it in screen.result_items() if it.data(USER) == pid)
        view = screen.search_list
        view.scrollToItem(item)
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(item).center()
        )

    tap_row()
    assert checkins(store) == []  # asked, not done
    assert screen.panel.state == "confirm" and screen.panel.confirm_yes.isVisible()
    assert screen.panel.name.text() == wanted["name"]
    tap(qtbot, screen.panel.confirm_no)
    assert checkins(store) == []
    tap_row()
    tap(qtbot, screen.panel.confirm_yes)
    assert [(r.outcome, r.method) for r in checkins(store)] == [("accepted", "search")]
    assert screen.panel.state == "accepted"
    qtbot.waitUntil(
        lambda: any("\u2713" in it.text() for it in screen.result_items() if it.data(USER) == pid)
    )
    tap(qtbot, screen.undo_button)
    tap(qtbot, screen.panel.confirm_yes)
    assert checkins(store)[0].undone_at is not None
    qtbot.waitUntil(
        lambda: (
            not any("\u2713" in it.text() for it in screen.result_items() if it.data(USER) == pid)
        )
    )


def test_nothing_new_offers_to_write_everything_again(
    qtbot, staff_window, door, tmp_path, monkeypatch
) -> None:
    from kiosk.services.checkin import check_in

    store, tokens = door
    first, second = tmp_path / "stick-1", tmp_path / "stick-2"
    first.mkdir()
    second.mkdir()
    check_in(store, tokens[0]["token"])
    monkeypatch.setenv("KIOSK_USB_DIRS", str(first))
    window = staff_window
    window.locked = False
    window.request_page("data")
    page = window.data
    assert not page.export_all_button.isVisible()
    tap(qtbot, page.export_button)
    assert len(list(first.glob("*.kbundle"))) == 1
    monkeypatch.setenv("KIOSK_USB_DIRS", str(second))
    page.refresh()
    assert page.destination.currentData() == str(second)
    tap(qtbot, page.export_button)
    assert page.result.text().startswith(gettext_for("fr", "Nothing new to export."))
    assert page.export_all_button.isVisible()
    tap(qtbot, page.export_all_button)
    bundles = list(second.glob("*.kbundle"))
    assert len(bundles) == 1, page.result.text()
    assert bundles[0].name in page.result.text()
    assert not page.export_all_button.isVisible()
