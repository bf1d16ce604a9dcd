"""Nothing of one attendee reaches the next (issue 18: state that leaks from one
attendee to the next), driven by taps on the real window and read back from the store."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from kiosk.domain.flow import Draft, Step
from kiosk.storage.models import Proposal
from kiosk.ui.qt import QAbstractButton, QApplication, QLineEdit, QPlainTextEdit, Qt
from kiosk.ui.style import stylesheet
from kiosk.ui.window import text_widgets
from tests.ui.test_attendee_kiosk import tap, tap_text

# Attendee one's answers: a value on every optional question.
ANSWERS = {
    "age_band": "50_64",
    "gender": "female",
    "province": "Tiznit",
    "profile": "cooperative",
}


def proposal_titled(store, title: str) -> Proposal:
    with store.uow(readonly=True) as uow:
        row = uow.session.scalar(select(Proposal).where(Proposal.title == title))
        assert row is not None, title
        uow.session.expunge(row)
        return row


def type_proposal(qtbot, window, title: str, body: str) -> None:
    """On the writing screen: tap ``title`` and ``body`` on the on-screen keyboard."""
    window.write.focus_field(window.write.title_field)
    tap_text(qtbot, window, title)
    window.write.focus_field(window.write.body_field)
    tap_text(qtbot, window, body)


def write(qtbot, window, title: str, body: str) -> None:
    """From the badge screen to the questions screen, typing ``title`` and ``body``."""
    tap(qtbot, window.badge.skip)
    tap(qtbot, window.theme.cards["skills"])
    assert window.flow.state.step == Step.WRITE
    type_proposal(qtbot, window, title, body)
    tap(qtbot, window.write.next)
    assert window.flow.state.step == Step.QUESTIONS


def answer_all(qtbot, window) -> None:
    for question, value in ANSWERS.items():
        tap(qtbot, window.questions.questions[question][1][value])
    assert all(getattr(window.flow.state.draft, q) == v for q, v in ANSWERS.items())


def send(qtbot, window) -> None:
    """From the questions screen to the receipt."""
    tap(qtbot, window.questions.next)
    tap(qtbot, window.consent.next)
    assert window.flow.state.step == Step.REVIEW
    tap(qtbot, window.review.submit)
    assert window.flow.state.step == Step.RECEIPT


def checked_answers(window) -> dict[str, list[str]]:
    return {
        question: [code for code, b in buttons.items() if b.isChecked()]
        for question, (_heading, buttons, _options) in window.questions.questions.items()
    }


# -- defect 1: the previous attendee's answers stay highlighted ---------------------------


def test_answers_are_not_highlighted_for_the_next_attendee(qtbot, kiosk_window, demo_store) -> None:
    window = kiosk_window
    tap(qtbot, window.welcome.buttons["fr"])
    write(qtbot, window, "ateliers", "pour tous")
    answer_all(qtbot, window)
    send(qtbot, window)
    tap(qtbot, window.receipt.done)
    assert window.flow.state.step == Step.WELCOME

    tap(qtbot, window.welcome.buttons["en"])
    write(qtbot, window, "library", "open late")
    assert checked_answers(window) == {q: [] for q in ANSWERS}
    send(qtbot, window)
    row = proposal_titled(demo_store, "library")
    assert (row.age_band, row.gender, row.province, row.profile) == ("", "", "", "")


# -- defect 2: the draft survives Back to the welcome screen ------------------------------


def test_back_to_welcome_drops_the_draft(qtbot, kiosk_window, demo_store) -> None:
    window = kiosk_window
    tap(qtbot, window.welcome.buttons["fr"])
    tap(qtbot, window.badge.skip)
    tap(qtbot, window.theme.cards["skills"])
    type_proposal(qtbot, window, "secret", "mon adresse")
    for _ in range(3):  # write -> theme -> badge -> welcome
        tap(qtbot, window.back_button)
    assert window.flow.state.step == Step.WELCOME

    tap(qtbot, window.welcome.buttons["en"])
    tap(qtbot, window.badge.skip)
    tap(qtbot, window.theme.cards["other"])
    assert window.write.title_field.text() == ""
    assert window.write.body_field.toPlainText() == ""
    type_proposal(qtbot, window, "bus", "more lines")
    tap(qtbot, window.write.next)
    send(qtbot, window)
    row = proposal_titled(demo_store, "bus")
    assert (row.title, row.body) == ("bus", "more lines")


# -- defect 3: A+ and high contrast carry over --------------------------------------------


def test_large_text_and_contrast_are_off_for_the_next_attendee(qtbot, kiosk_window) -> None:
    window = kiosk_window
    tap(qtbot, window.welcome.buttons["fr"])
    tap(qtbot, window.large_button)
    tap(qtbot, window.contrast_button)
    assert window.large_text and window.high_contrast
    assert QApplication.instance().styleSheet() == stylesheet(True, True)
    write(qtbot, window, "ateliers", "pour tous")
    send(qtbot, window)
    tap(qtbot, window.receipt.done)
    assert window.flow.state.step == Step.WELCOME

    assert not window.large_button.isChecked() and not window.contrast_button.isChecked()
    assert not window.large_text and not window.high_contrast
    assert QApplication.instance().styleSheet() == stylesheet(False, False)


# -- acceptance: two attendees in a row, every way from one to the next -------------------

FIRST_TITLE, FIRST_BODY = "Zorglub", "quokka wombat"
FIRST_BADGE = "31415926535"  # typed by a scanner, not a badge of this event
SECOND_TITLE, SECOND_BODY = "bus stop", "shade and seats"
PATHS = ["submit", "receipt_timeout", "back", "idle", "language"]


def first_attendee(qtbot, window, path: str) -> str:
    """Attendee one scans a badge that is refused, types, answers everything, turns on
    A+ and contrast, copies their text, then leaves by ``path``; returns their receipt
    code ("" if they did not send)."""
    tap(qtbot, window.welcome.buttons["fr"])
    tap(qtbot, window.large_button)
    tap(qtbot, window.contrast_button)
    qtbot.keyClicks(window.badge.field, FIRST_BADGE)
    qtbot.keyClick(window.badge.field, Qt.Key.Key_Return)
    assert window.badge.error.text() and window.badge.field.text() == ""
    window.pin_pad.open_pad()  # a curious attendee tries the staff corner
    for digit in "9731":
        tap(qtbot, window.pin_pad.digit_buttons[digit])
    tap(qtbot, window.pin_pad.ok)
    assert window.pin_pad.message.text() and window.pin_pad.display.text() == ""
    tap(qtbot, window.pin_pad.cancel)
    write(qtbot, window, FIRST_TITLE, FIRST_BODY)
    QApplication.clipboard().setText(FIRST_BODY)
    answer_all(qtbot, window)
    tap(qtbot, window.questions.next)
    tap(qtbot, window.consent.box)
    assert window.flow.state.draft.consent
    assert window.large_text and window.high_contrast
    if path == "back":
        for _ in range(5):  # consent -> questions -> write -> theme -> badge -> welcome
            tap(qtbot, window.back_button)
        assert window.flow.state.step == Step.WELCOME
        return ""
    if path == "idle":
        flow = window.flow
        window._apply(flow.tick(flow.timeouts.idle_s))
        assert window.countdown.isVisible()
        window._apply(flow.tick(flow.timeouts.countdown_s + 1))
        assert flow.state.step == Step.WELCOME
        return ""
    tap(qtbot, window.consent.next)
    tap(qtbot, window.review.submit)
    assert window.flow.state.step == Step.RECEIPT
    code = window.receipt.code.text()
    assert code
    if path == "submit":
        tap(qtbot, window.receipt.done)
    elif path == "receipt_timeout":
        window._apply(window.flow.tick(window.flow.timeouts.receipt_s + 1))
    elif path == "language":
        tap(qtbot, window.language_buttons["en"])  # the next person, in their language
    return code


def assert_nothing_of_the_first(window, receipt_code: str) -> None:
    secrets = [FIRST_TITLE, FIRST_BODY, "quokka", FIRST_BADGE] + (
        [receipt_code] if receipt_code else []
    )
    leaked = [t for t in text_widgets(window) if any(s in t for s in secrets)]
    assert leaked == []
    for field in window.findChildren(QLineEdit):
        assert not field.isUndoAvailable() and not field.isRedoAvailable(), field.objectName()
    for field in window.findChildren(QPlainTextEdit):
        document = field.document()
        assert not document.isUndoAvailable() and not document.isRedoAvailable()
    checked = [
        (b.objectName(), b.property("answer"), b.property("theme"), b.text())
        for b in window.findChildren(QAbstractButton)
        if b.isCheckable() and b.isChecked()
    ]
    assert checked == []
    assert checked_answers(window) == {q: [] for q in ANSWERS}
    assert window.receipt.qr.pixmap().isNull()
    assert not window.large_text and not window.high_contrast
    assert QApplication.instance().styleSheet() == stylesheet(False, False)
    assert QApplication.clipboard().text() == ""
    assert not window.countdown.isVisible()
    state = window.flow.state
    # (On the writing screen the theme in the draft is attendee two's own choice.)
    assert state.draft == replace(Draft(), theme=state.draft.theme)
    assert state.draft.theme in ("", "other")
    assert state.receipt_code == "" and state.proposal_id == ""


@pytest.mark.parametrize("path", PATHS)
def test_two_attendees_in_a_row_share_nothing(qtbot, kiosk_window, demo_store, path: str) -> None:
    window = kiosk_window
    code = first_attendee(qtbot, window, path)

    # Attendee two walks up.
    assert_nothing_of_the_first(window, code)
    if path == "language":
        assert (window.flow.state.step, window.flow.state.language) == (Step.BADGE, "en")
    else:
        assert window.flow.state.step == Step.WELCOME
        tap(qtbot, window.welcome.buttons["en"])
    assert_nothing_of_the_first(window, code)
    tap(qtbot, window.badge.skip)
    tap(qtbot, window.theme.cards["other"])
    assert window.flow.state.step == Step.WRITE
    for field in (window.write.title_field, window.write.body_field):
        window.write.focus_field(field)
        qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo
    assert window.write.title_field.text() == "" and window.write.body_field.toPlainText() == ""
    assert_nothing_of_the_first(window, code)
    type_proposal(qtbot, window, SECOND_TITLE, SECOND_BODY)
    tap(qtbot, window.write.next)
    assert window.flow.state.step == Step.QUESTIONS
    assert checked_answers(window) == {q: [] for q in ANSWERS}
    tap(qtbot, window.questions.questions["gender"][1]["male"])
    assert checked_answers(window) == {q: ["male"] if q == "gender" else [] for q in ANSWERS}
    tap(qtbot, window.questions.next)
    assert not window.consent.box.isChecked()
    tap(qtbot, window.consent.next)
    assert window.flow.state.step == Step.REVIEW
    summary = window.review.summary.text()
    assert SECOND_BODY in summary and FIRST_BODY not in summary and FIRST_TITLE not in summary
    assert not window.large_button.isChecked() and not window.contrast_button.isChecked()
    tap(qtbot, window.review.submit)
    assert window.flow.state.step == Step.RECEIPT
    assert window.receipt.code.text() not in ("", code)

    second = proposal_titled(demo_store, SECOND_TITLE)
    assert (second.title, second.body, second.language, second.theme_code) == (
        SECOND_TITLE,
        SECOND_BODY,
        "en",
        "other",
    )
    assert (second.age_band, second.gender, second.province, second.profile) == (
        "",
        "male",
        "",
        "",
    )
    assert second.consent_publish is False and second.attendee_id is None
    with demo_store.uow(readonly=True) as uow:
        firsts = list(uow.session.scalars(select(Proposal).where(Proposal.title == FIRST_TITLE)))
        assert [(p.body, p.age_band, p.gender, p.province, p.profile) for p in firsts] == (
            [(FIRST_BODY, *ANSWERS.values())] if code else []
        )
