"""Issue 18: no English of ours on Arabic and French screens.

Walks the staff screens (check-in with its results, search, undo, camera, walk-in
form and badge; dashboard; data with export, journal check; settings with a
refused value; the quit question; the PIN pad) and the attendee screens, in
Arabic and in French, and reads every visible text: a label, a button, a check
box, a placeholder, a drop-down's items, a list's rows. A text fails when it
holds an English message of ours (two words or more of a msgid whose translation
differs), is a one-word English msgid or Qt button text, or in Arabic holds a
province written in Latin letters. The staff window is also shown again after an
attendee used the kiosk in English (the language is global). Failed on 73d559b.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from babel.messages.pofile import read_po

from kiosk.config import translations_dir
from kiosk.domain.vocab import PROVINCES
from kiosk.i18n import gettext_for, set_language
from kiosk.ui.qt import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    Qt,
    QWidget,
)

QT_WORDS = {"OK", "Cancel", "Yes", "No", "Save", "Close", "Open", "Apply", "Back", "Quit"}


def english_fragments(lang: str) -> tuple[set[str], set[str]]:
    """(fragments of two words or more, whole one-word messages) whose ``lang``
    translation differs from the English."""
    with (translations_dir() / "kiosk.pot").open("rb") as fh:
        pot = read_po(fh)
    fragments: set[str] = set()
    words: set[str] = set(QT_WORDS)
    for message in pot:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for msgid in ids:
            if not msgid or gettext_for(lang, msgid) == msgid:
                continue
            for part in re.split(r"\{[^{}]*\}", msgid):
                part = part.strip(" .,:;()!?\u00b7-")
                if len(re.findall(r"[A-Za-z]{2,}", part)) >= 2 and len(part) >= 8:
                    fragments.add(part)
                elif re.fullmatch(r"[A-Z][a-z]{2,}", part):
                    words.add(part)
    return fragments, words


def visible_texts(window: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every text a person sees in ``window``."""
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window:
            continue
        name = f"{type(widget).__name__}#{widget.objectName()}"
        if isinstance(widget, QLabel | QAbstractButton):
            yield name, widget.text()
        elif isinstance(widget, QLineEdit | QPlainTextEdit):
            if not (widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()):
                yield name, widget.placeholderText()
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                yield name, widget.itemText(i)
        elif isinstance(widget, QListWidget):
            for i in range(widget.count()):
                yield name, widget.item(i).text()


class Walk:
    """What a walk found: the English texts, with where they were seen."""

    def __init__(self, lang: str, data: set[str]) -> None:
        self.lang = lang
        self.fragments, self.words = english_fragments(lang)
        self.data = data  # names, codes, paths: the organiser's data, shown as written
        self.found: list[str] = []

    def read(self, window: QWidget, where: str) -> None:
        for name, text in visible_texts(window):
            clean = text
            for value in sorted(self.data, key=len, reverse=True):
                if value:
                    clean = clean.replace(value, "")
            hits = [f for f in self.fragments if f in clean]
            if clean.strip(" .:\u2066\u2067\u2068\u2069") in self.words:
                hits.append(clean.strip())
            if self.lang == "ar":
                hits += [p for p in PROVINCES if p in text]
            for hit in hits:
                self.found.append(f"{where}: {name}: {hit!r} in {text!r}")


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def roster_data(store: Any) -> set[str]:
    from kiosk.storage.models import Attendee, Device, Event

    with store.uow(readonly=True) as uow:
        values = set()
        for a in uow.session.query(Attendee):
            values |= {a.name, a.name_latin, a.organisation}
        for e in uow.session.query(Event):
            values |= {e.code, e.name}
        for d in uow.session.query(Device):
            values |= {d.name, d.id[:8]}
    return {v for v in values if v}


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_staff_screens_show_no_english(
    qtbot, qapp, door, settings, tmp_path, monkeypatch, lang: str
) -> None:
    from kiosk.app import build_staff_window, build_window
    from kiosk.ui.background import run_now
    from kiosk.ui.station import Station
    from kiosk.ui.style import apply_style, load_fonts
    from tests.ui.test_staff_station import scanner_burst

    store, tokens = door
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setenv("KIOSK_USB_DIRS", str(usb))
    load_fonts()
    apply_style(qapp)
    walk = Walk(lang, roster_data(store) | {str(usb), str(tmp_path), "door-1", "SM-2026"})
    station = Station(
        qapp,
        lambda on_staff: build_window(
            store, settings, run_now, on_staff=on_staff, default_language=lang
        ),
        lambda locked, to_kiosk, on_quit: build_staff_window(
            store,
            settings,
            run_now,
            language=lang,
            locked=locked,
            on_attendee_kiosk=to_kiosk,
            on_quit=on_quit,
        ),
        windowed=True,
    )
    staff = station.start("checkin")
    try:
        staff.resize(1280, 800)
        screen = staff.checkin
        walk.read(staff, "check-in")
        t = scanner_burst(screen, tokens[1]["token"], "us", 1_000)
        walk.read(staff, "accepted")
        scanner_burst(screen, tokens[1]["token"], "us", t)
        walk.read(staff, "already")
        scanner_burst(screen, "123456789012", "us", t + 5_000)
        walk.read(staff, "refused")
        tap(qtbot, screen.undo_button)
        walk.read(staff, "undo question")
        tap(qtbot, screen.panel.confirm_yes)
        walk.read(staff, "undone")
        tap(qtbot, screen.camera_button)
        walk.read(staff, "camera")
        tap(qtbot, screen.keyboard_button)
        screen.search_field.setText(tokens[2]["name"].split()[-1])
        qtbot.waitUntil(lambda: bool(screen.result_items()))
        walk.read(staff, "search")
        screen.search_list.itemClicked.emit(screen.search_list.item(0))
        walk.read(staff, "search question")
        screen.search_field.setText("Qzxwvbt")
        qtbot.wait(300)
        walk.read(staff, "search, no one")
        tap(qtbot, screen.walk_in_button)
        walk.read(staff, "walk-in form")
        screen.form.name.setText("Walk In Person")
        screen.form.consent.setChecked(True)
        tap(qtbot, screen.form.submit)
        walk.read(staff, "walk-in badge")
        tap(qtbot, screen.badge_page.done)
        staff.request_page("data")  # locked: the PIN pad
        walk.read(staff, "PIN pad")
        for digit in "482613":
            tap(qtbot, staff.pin_pad.digit_buttons[digit])
        tap(qtbot, staff.pin_pad.ok)
        assert staff.current == "data"
        walk.read(staff, "data")
        tap(qtbot, staff.data.export_button)
        walk.read(staff, "exported")
        tap(qtbot, staff.data.export_button)
        walk.read(staff, "nothing new")
        tap(qtbot, staff.data.verify_button)
        walk.read(staff, "journal checked")
        staff.request_page("dashboard")
        walk.read(staff, "dashboard")
        staff.request_page("settings")
        walk.read(staff, "settings")
        staff.settings_page.station.setText("")
        tap(qtbot, staff.settings_page.save)
        walk.read(staff, "settings refused")
        tap(qtbot, staff.quit_button)
        walk.read(staff, "quit question")
        tap(qtbot, staff.quit_no)
        # An attendee uses the kiosk in English, then staff come back.
        station.show_kiosk()
        kiosk = station.kiosk
        walk.read(kiosk, "attendee welcome")
        tap(qtbot, kiosk.welcome.buttons["en"])
        set_language("en")
        station.show_staff(locked=False)
        qtbot.wait(1500)  # the hidden attendee window's clock ticks meanwhile
        scanner_burst(screen, tokens[3]["token"], "us", t + 20_000)
        walk.read(staff, "check-in after an English attendee")
        tap(qtbot, kiosk.welcome.buttons[lang])
    finally:
        for window in (station.kiosk, station.staff):
            if window is not None:
                window.may_close = window.unlocked = True
                window.close()
        set_language("en")
    assert walk.found == []


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_attendee_screens_show_no_english(qtbot, kiosk_window, demo_store, lang: str) -> None:
    window = kiosk_window
    walk = Walk(lang, roster_data(demo_store))
    walk.read(window, "welcome")
    tap(qtbot, window.welcome.buttons[lang])
    walk.read(window, "badge")
    tap(qtbot, window.badge.skip)
    walk.read(window, "theme")
    tap(qtbot, window.theme.cards["skills"])
    walk.read(window, "write")
    window.write.body_field.setPlainText("x")
    tap(qtbot, window.write.next)
    walk.read(window, "write error")
    window.write.title_field.setText("t")
    window.write.body_field.setPlainText("b" * 40)
    tap(qtbot, window.write.next)
    walk.read(window, "questions")
    tap(qtbot, window.questions.next)
    walk.read(window, "consent")
    tap(qtbot, window.consent.next)
    walk.read(window, "review")
    tap(qtbot, window.review.submit)
    walk.read(window, "receipt")
    assert walk.found == []


@pytest.mark.parametrize("lang", ["ar", "fr", "zgh"])
def test_qt_dialog_buttons_are_translated(qtbot, qapp, lang: str) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from kiosk.ui.style import translate_qt_dialogs

    set_language(lang)
    try:
        translate_qt_dialogs()
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Open
        )
        qtbot.addWidget(box)
        texts = [b.text().replace("&", "") for b in box.buttons()]
        assert sorted(texts) == sorted(
            gettext_for(lang, word) for word in ("OK", "Cancel", "Open")
        ), texts
        assert not set(texts) & QT_WORDS, texts
    finally:
        set_language("en")
        translate_qt_dialogs("en")
