"""The staff station driven as staff use it: scanner bursts, search, walk-ins, undo,
settings, data; on a kiosk set up from the organiser's signed pack."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk import badges
from kiosk.services.checkin import check_in
from kiosk.services.pack_setup import setup_from_pack
from kiosk.storage.models import Attendee, CheckIn, JournalEntry
from kiosk.ui.qt import QApplication, QEvent, QKeyEvent, Qt

# Native scan codes of the digit row (X11/evdev + 8): "1".."9" are 10..18, "0" is 19.
SCAN_CODE = {d: 10 + (int(d) - 1) % 10 for d in "0123456789"}
LAYOUTS = ("us", "fr_azerty", "ar_xkb")
USER = Qt.ItemDataRole.UserRole


def send_key(target, text: str, when_ms: int, scan_code: int = 0, key: int = 0) -> None:
    event = QKeyEvent(
        QEvent.Type.KeyPress,
        key,
        Qt.KeyboardModifier.NoModifier,
        scan_code,
        0,
        0,
        text,
    )
    event.setTimestamp(when_ms)
    QApplication.sendEvent(target, event)


def scanner_burst(target, token: str, layout: str, start_ms: int, gap_ms: int = 4) -> int:
    """Key events as a keyboard-wedge scanner types ``token`` under ``layout``."""
    typed = badges.LAYOUT_DIGITS[layout]
    t = start_ms
    for digit in token:
        send_key(target, typed[int(digit)], t, SCAN_CODE[digit])
        t += gap_ms
    send_key(target, "\r", t, 36, int(Qt.Key.Key_Return))
    return t + 1000


def checkins(store) -> list[CheckIn]:
    with store.uow(readonly=True) as uow:
        rows = list(uow.session.scalars(select(CheckIn).order_by(CheckIn.at)))
        uow.session.expunge_all()
        return rows


def journal_kinds(store) -> list[str]:
    with store.uow(readonly=True) as uow:
        return list(uow.session.scalars(select(JournalEntry.kind).order_by(JournalEntry.seq)))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_scanner_bursts_under_each_layout(qtbot, staff_window, door, layout: str) -> None:
    store, tokens = door
    screen = staff_window.checkin
    # Focus is in the search field: the scan is taken anyway and types nothing there.
    screen.search_field.setFocus()
    target = screen.search_field
    t = scanner_burst(target, tokens[3]["token"], layout, 1_000)
    assert screen.panel.state == "accepted"
    assert screen.panel.name.text() == tokens[3]["name"]
    assert screen.search_field.text() == ""
    scanner_burst(target, tokens[3]["token"], layout, t)
    assert screen.panel.state == "already"
    assert "door-1" in screen.panel.detail.text()
    rows = checkins(store)
    assert [(r.outcome, r.method) for r in rows] == [
        ("accepted", "scan"),
        ("already_checked_in", "scan"),
    ]
    qtbot.waitUntil(lambda: screen.counters.values[0].text().startswith("1 "))


def test_slow_typing_is_not_a_scan(qtbot, staff_window, door) -> None:
    store, tokens = door
    screen = staff_window.checkin
    screen.search_field.setFocus()
    typed = tokens[0]["token"][:12]
    t = 5_000
    for ch in typed:
        send_key(screen.search_field, ch, t, SCAN_CODE[ch])
        t += 120  # a person typing fast is still ~10 times slower than a scanner
    qtbot.wait(150)  # the last key is handed over once no scanner key can follow
    send_key(screen.search_field, "\r", t + 200, 36, int(Qt.Key.Key_Return))
    assert screen.search_field.text() == typed
    assert screen.panel.state == "idle"
    assert checkins(store) == []


def test_revoked_badge_shows_red(qtbot, staff_window, door, organiser, tmp_path, settings) -> None:
    store, tokens = door
    revoked = tokens[7]["token"]
    organiser("revoke", "SM-2026", revoked)
    pack = tmp_path / "event-2.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    setup_from_pack(
        store,
        pack.read_bytes(),
        name="door-1",
        role="checkin",
        keys_dir=settings.keys_dir,
        passphrase=organiser.passphrase,
    )
    staff_window.set_language("fr")  # the organiser's command line set its own
    screen = staff_window.checkin
    scanner_burst(screen, revoked, "us", 1_000)
    assert screen.panel.state == "refused"
    assert screen.panel.detail.text() == "Ce badge a \u00e9t\u00e9 r\u00e9voqu\u00e9."
    scanner_burst(screen, "1234567890" * 3, "us", 9_000)  # not a badge at all
    assert screen.panel.state == "refused"
    assert [r.outcome for r in checkins(store)] == ["revoked", "malformed"]
    qtbot.waitUntil(lambda: screen.counters.values[2].text() == "2")


def test_undo_last_checkin_after_confirming(qtbot, staff_window, door) -> None:
    store, tokens = door
    screen = staff_window.checkin
    scanner_burst(screen, tokens[1]["token"], "us", 1_000)
    assert screen.panel.state == "accepted"
    qtbot.mouseClick(screen.undo_button, Qt.MouseButton.LeftButton)
    assert screen.panel.state == "confirm"  # one tap, then confirm: nothing undone yet
    assert checkins(store)[0].undone_at is None
    qtbot.mouseClick(screen.panel.confirm_yes, Qt.MouseButton.LeftButton)
    assert checkins(store)[0].undone_at is not None
    assert journal_kinds(store)[-1] == "checkin.undone"
    # Undone, the same badge is accepted again.
    scanner_burst(screen, tokens[1]["token"], "us", 9_000)
    assert screen.panel.state == "accepted"


def test_undo_can_be_cancelled_and_a_scan_replaces_the_question(qtbot, staff_window, door) -> None:
    store, tokens = door
    screen = staff_window.checkin
    scanner_burst(screen, tokens[1]["token"], "us", 1_000)
    qtbot.mouseClick(screen.undo_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.panel.confirm_no, Qt.MouseButton.LeftButton)
    assert screen.panel.state == "accepted"
    qtbot.mouseClick(screen.undo_button, Qt.MouseButton.LeftButton)
    scanner_burst(screen, tokens[2]["token"], "us", 9_000)  # the next person does not wait
    assert screen.panel.state == "accepted" and not screen.panel.confirm_yes.isVisible()
    assert all(r.undone_at is None for r in checkins(store))


def test_name_search_and_confirmed_checkin(qtbot, staff_window, door) -> None:
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
    qtbot.keyClicks(screen.search_field, latin.split()[-1])  # a person typing the surname
    qtbot.waitUntil(lambda: any(it.data(USER) == pid for it in screen.result_items()))
    item = next(it for it in screen.result_items() if it.data(USER) == pid)
    view = screen.search_list
    view.scrollToItem(item)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(item).center()
    )
    assert screen.panel.state == "confirm"  # asked first (issue 18)
    qtbot.mouseClick(screen.panel.confirm_yes, Qt.MouseButton.LeftButton)
    assert screen.panel.state == "accepted"
    assert screen.panel.name.text() == wanted["name"]
    assert [(r.outcome, r.method) for r in checkins(store)] == [("accepted", "search")]
    qtbot.waitUntil(
        lambda: any("\u2713" in it.text() for it in screen.result_items() if it.data(USER) == pid)
    )


def test_walk_in_form_registers_checks_in_and_badge_verifies(
    qtbot, staff_window, door, settings
) -> None:
    store, _tokens = door
    screen = staff_window.checkin
    qtbot.mouseClick(screen.walk_in_button, Qt.MouseButton.LeftButton)
    form = screen.form
    assert screen.pages.currentWidget() is form
    qtbot.mouseClick(form.submit, Qt.MouseButton.LeftButton)  # no name: said, nothing saved
    assert form.error.text() == "Le nom est vide."
    name = "\u064a\u0648\u0633\u0641 \u0623\u064a\u062a \u0639\u0644\u064a"
    form.name.setText(name)
    form.organisation.setText("Coop\u00e9rative Tiwizi")
    form.category.setCurrentIndex(form.category.findData("cooperative"))
    form.province.setCurrentText("Tiznit")
    form.phone.setText("+212600000000")
    form.consent.setChecked(True)
    qtbot.mouseClick(form.submit, Qt.MouseButton.LeftButton)
    page = screen.badge_page
    assert screen.pages.currentWidget() is page
    assert page.card is not None and page.name.text() == name
    assert not page.qr.pixmap().isNull()
    with store.uow(readonly=True) as uow:
        person = uow.session.scalar(select(Attendee).where(Attendee.kind == "walk_in"))
        assert person is not None
        pid = person.id
        assert (person.name, person.category, person.province, person.consent) == (
            name,
            "cooperative",
            "Tiznit",
            True,
        )
    rows = checkins(store)
    assert [(r.outcome, r.method, r.attendee_id) for r in rows] == [("accepted", "walk_in", pid)]
    # The new badge is genuine for this event: scanning it now says already checked in.
    assert check_in(store, page.card.token).outcome == "already_checked_in"
    # No printer here (no CUPS queue): printing says so, the badge goes to PDF.
    from kiosk.ui.printing import printers_available

    if not printers_available():
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
        assert page.status.text() == (
            "Aucune imprimante trouv\u00e9e : enregistrez le badge en PDF."
        )
    qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)
    pdf = settings.data_dir / "badges" / f"badge-{pid}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert str(pdf) in page.status.text()
    qtbot.mouseClick(page.done, Qt.MouseButton.LeftButton)
    assert screen.pages.currentWidget() is screen.scan_page


def test_scan_during_walk_in_form_is_taken_and_form_kept_clean(qtbot, staff_window, door) -> None:
    _store, tokens = door
    screen = staff_window.checkin
    qtbot.mouseClick(screen.walk_in_button, Qt.MouseButton.LeftButton)
    screen.form.name.setFocus()
    scanner_burst(screen.form.name, tokens[4]["token"], "fr_azerty", 1_000)
    assert screen.pages.currentWidget() is screen.scan_page
    assert screen.panel.state == "accepted"
    assert screen.form.name.text() == ""


def test_locked_checkin_station_needs_the_pin_for_other_pages(qtbot, staff_window) -> None:
    window = staff_window
    assert window.locked and window.current == "checkin"
    qtbot.mouseClick(window.nav["settings"], Qt.MouseButton.LeftButton)
    assert window.current == "checkin" and window.pin_pad.isVisible()
    for digit in "0000":
        qtbot.mouseClick(window.pin_pad.digit_buttons[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.pin_pad.ok, Qt.MouseButton.LeftButton)
    assert window.current == "checkin" and window.pin_pad.message.text() == "Code erron\u00e9."
    for digit in "482613":
        qtbot.mouseClick(window.pin_pad.digit_buttons[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.pin_pad.ok, Qt.MouseButton.LeftButton)
    assert window.current == "settings" and not window.locked
    # The quit button asked nothing more once unlocked, and a lock() brings the PIN back.
    window.lock()
    assert window.locked and window.current == "checkin"


def test_settings_training_mode_banner_and_flagged_records(qtbot, staff_window, door) -> None:
    store, tokens = door
    window = staff_window
    window.locked = False
    window.request_page("settings")
    page = window.settings_page
    assert page.station.text() == "door-1"
    page.station.setText("porte-2")
    page.training.setChecked(True)
    page.idle.setValue(120)
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    assert page.message.text() == "R\u00e9glages enregistr\u00e9s."
    assert window.training_banner.isVisible()
    window.request_page("checkin")
    scanner_burst(window.checkin, tokens[6]["token"], "us", 1_000)
    row = checkins(store)[-1]
    assert (row.station, row.training) == ("porte-2", True)
    # Bad input is said and changes nothing.
    window.request_page("settings")
    page.station.setText("")
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    assert page.message.text() == "Le nom du poste est vide."
    page.load()
    assert page.station.text() == "porte-2"


def test_change_pin(qtbot, staff_window, door) -> None:
    from kiosk.services.staff import check_pin

    store, _tokens = door
    window = staff_window
    window.locked = False
    window.request_page("settings")
    page = window.settings_page
    for field, text in zip(page.pin_fields, ("482613", "246813", "246814"), strict=True):
        field.setText(text)
    qtbot.mouseClick(page.pin_button, Qt.MouseButton.LeftButton)
    assert page.pin_message.text() == "Les deux nouveaux codes diff\u00e8rent."
    for field, text in zip(page.pin_fields, ("482613", "246813", "246813"), strict=True):
        field.setText(text)
    qtbot.mouseClick(page.pin_button, Qt.MouseButton.LeftButton)
    assert page.pin_message.text() == "Le code du personnel a \u00e9t\u00e9 chang\u00e9."
    assert check_pin(store, "246813") and not check_pin(store, "482613")


def test_data_page_exports_to_usb_and_writes_report(
    qtbot, staff_window, door, tmp_path, monkeypatch
) -> None:
    store, tokens = door
    usb = tmp_path / "usb-stick"
    usb.mkdir()
    monkeypatch.setenv("KIOSK_USB_DIRS", str(usb))
    check_in(store, tokens[0]["token"])
    window = staff_window
    window.locked = False
    window.request_page("data")
    page = window.data
    assert "SM-2026" in page.summary.text()
    assert page.destination.currentData() == str(usb)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    bundles = list(usb.glob("*.kbundle"))
    assert len(bundles) == 1, page.result.text()
    assert bundles[0].name in page.result.text()
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert page.result.text() == "Rien de nouveau \u00e0 exporter."
    page.report_language.setCurrentIndex(page.report_language.findData("ar"))
    qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    reports = list(usb.glob("report-SM-2026-ar-*.pdf"))
    assert len(reports) == 1 and reports[0].read_bytes().startswith(b"%PDF")
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert "R\u00e9glages" in page.result.text()  # no address yet: said where to set it
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert page.result.text().startswith("Journal correct")


def test_sync_now_button_uploads_to_a_running_central_server(
    qtbot, staff_window, door, organiser
) -> None:
    from kiosk.central.stats import event_stats
    from kiosk.storage import Store
    from tests.sync.test_http_sync import free_port, start_server

    store, tokens = door
    for row in tokens[:5]:
        check_in(store, row["token"])
    port = free_port()
    server = start_server(organiser.folder, port)
    try:
        window = staff_window
        window.locked = False
        window.request_page("settings")
        window.settings_page.url.setText(f"http://127.0.0.1:{port}")
        qtbot.mouseClick(window.settings_page.save, Qt.MouseButton.LeftButton)
        window.request_page("data")
        window.set_language("fr")  # the organiser's command line set its own
        seen: list[tuple[int, int]] = []
        window.data.relay.moved.connect(lambda done, total: seen.append((done, total)))
        qtbot.mouseClick(window.data.sync_button, Qt.MouseButton.LeftButton)
        assert seen and seen[-1][0] == seen[-1][1]  # progress reached the end
        assert not window.data.progress.isVisible()
        assert window.data.result.text().startswith("Synchronis\u00e9 :"), window.data.result.text()
    finally:
        server.terminate()
        server.wait(10)
    central = Store(f"sqlite:///{organiser.folder / 'central.db'}")
    try:
        stats = event_stats(central, "SM-2026")
        assert stats["unique_checkins"] == 5, stats
    finally:
        central.close()


def test_search_by_tapping_the_on_screen_keyboard(qtbot, staff_window, door) -> None:
    _store, _tokens = door
    screen = staff_window.checkin
    qtbot.mouseClick(screen.keyboard_button, Qt.MouseButton.LeftButton)
    assert screen.keyboard.isVisible() and screen.keyboard.target is screen.search_field
    for char in "benm":
        qtbot.mouseClick(screen.keyboard.key_button(char), Qt.MouseButton.LeftButton)
    assert screen.search_field.text() == "benm"
    qtbot.waitUntil(lambda: len(screen.result_items()) > 0)
    assert all("benm" in item.text().lower() for item in screen.result_items())


def test_export_to_a_folder_chosen_by_staff(
    qtbot, staff_window, door, tmp_path, monkeypatch
) -> None:
    from kiosk.ui.qt import QFileDialog

    store, tokens = door
    check_in(store, tokens[0]["token"])
    chosen = tmp_path / "share"
    chosen.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(chosen))
    window = staff_window
    window.locked = False
    window.request_page("data")
    qtbot.mouseClick(window.data.choose_button, Qt.MouseButton.LeftButton)
    assert window.data.destination.currentData() == str(chosen)
    qtbot.mouseClick(window.data.export_button, Qt.MouseButton.LeftButton)
    written = list(chosen.glob("*.kbundle"))
    assert len(written) == 1 and str(written[0]) in window.data.result.text()


def test_event_report_reads_the_database_off_the_ui_thread(
    qtbot, qapp, door, settings, tmp_path, monkeypatch
) -> None:
    """The report's figures are read by the background runner's operation, not by the
    tap's handler; the PDF is drawn when that operation is done."""
    import kiosk.services.report as report_module
    from kiosk.app import build_staff_window

    store, _tokens = door
    out = tmp_path / "reports"
    out.mkdir()
    monkeypatch.setenv("KIOSK_USB_DIRS", str(out))
    reads: list[str] = []
    real = report_module.report_data

    def spy(*args: object, **kwargs: object) -> object:
        reads.append("read")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(report_module, "report_data", spy)
    pending: list[tuple[object, object]] = []

    def deferred(op: object, on_done: object, on_error: object = None) -> None:
        pending.append((op, on_done))

    window = build_staff_window(store, settings, deferred, language="fr", locked=False)
    qtbot.addWidget(window)
    window.request_page("data")
    page = window.data
    page.destination.setCurrentIndex(page.destination.findData(str(out)))
    qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    assert reads == [] and not list(out.glob("*.pdf"))  # nothing read on the UI thread
    report_ops = [(op, done) for op, done in pending]
    assert report_ops
    op, done = report_ops[-1]
    done(op())  # type: ignore[operator]
    assert reads == ["read"]
    assert len(list(out.glob("report-*.pdf"))) == 1, page.result.text()
    window.may_close = True
