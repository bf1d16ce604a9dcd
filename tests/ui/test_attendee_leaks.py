"""Nothing of one attendee reaches the next (issue 18: state that leaks from one
attendee to the next), driven by taps on the real window and read back from the store."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.domain.flow import Step
from kiosk.storage.models import Proposal
from kiosk.ui.qt import QApplication
from kiosk.ui.style import stylesheet
from tests.ui.test_attendee_kiosk import tap, tap_text

# Attendee one's answers: a value on every optional question.
ANSWERS = {
    "age_band": "50_64",
    "gender": "female",
    "province": "Tiznit",
    "profile": "cooperative",
}


def proposal_titled(store, title: str) -> Proposal:  # type: ignore[no-untyped-def]
    with store.uow(readonly=True) as uow:
        row = uow.session.scalar(select(Proposal).where(Proposal.title == title))
        assert row is not None, title
        uow.session.expunge(row)
        return row


def write(qtbot, window, title: str, body: str) -> None:  # type: ignore[no-untyped-def]
    """From the badge screen to the questions screen, typing ``title`` and ``body``."""
    tap(qtbot, window.badge.skip)
    tap(qtbot, window.theme.cards["skills"])
    assert window.flow.state.step == Step.WRITE
    window.write.focus_field(window.write.title_field)
    tap_text(qtbot, window, title)
    window.write.focus_field(window.write.body_field)
    tap_text(qtbot, window, body)
    tap(qtbot, window.write.next)
    assert window.flow.state.step == Step.QUESTIONS


def answer_all(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    for question, value in ANSWERS.items():
        tap(qtbot, window.questions.questions[question][1][value])
    assert all(getattr(window.flow.state.draft, q) == v for q, v in ANSWERS.items())


def send(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """From the questions screen to the receipt."""
    tap(qtbot, window.questions.next)
    tap(qtbot, window.consent.next)
    assert window.flow.state.step == Step.REVIEW
    tap(qtbot, window.review.submit)
    assert window.flow.state.step == Step.RECEIPT


def checked_answers(window) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {
        question: [code for code, b in buttons.items() if b.isChecked()]
        for question, (_heading, buttons, _options) in window.questions.questions.items()
    }


# -- defect 1: the previous attendee's answers stay highlighted ---------------------------


def test_answers_are_not_highlighted_for_the_next_attendee(qtbot, kiosk_window, demo_store) -> None:  # type: ignore[no-untyped-def]
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


def test_back_to_welcome_drops_the_draft(qtbot, kiosk_window, demo_store) -> None:  # type: ignore[no-untyped-def]
    window = kiosk_window
    tap(qtbot, window.welcome.buttons["fr"])
    tap(qtbot, window.badge.skip)
    tap(qtbot, window.theme.cards["skills"])
    window.write.focus_field(window.write.title_field)
    tap_text(qtbot, window, "secret")
    window.write.focus_field(window.write.body_field)
    tap_text(qtbot, window, "mon adresse")
    for _ in range(3):  # write -> theme -> badge -> welcome
        tap(qtbot, window.back_button)
    assert window.flow.state.step == Step.WELCOME

    tap(qtbot, window.welcome.buttons["en"])
    tap(qtbot, window.badge.skip)
    tap(qtbot, window.theme.cards["other"])
    assert window.write.title_field.text() == ""
    assert window.write.body_field.toPlainText() == ""
    window.write.focus_field(window.write.title_field)
    tap_text(qtbot, window, "bus")
    window.write.focus_field(window.write.body_field)
    tap_text(qtbot, window, "more lines")
    tap(qtbot, window.write.next)
    send(qtbot, window)
    row = proposal_titled(demo_store, "bus")
    assert (row.title, row.body) == ("bus", "more lines")


# -- defect 3: A+ and high contrast carry over --------------------------------------------


def test_large_text_and_contrast_are_off_for_the_next_attendee(qtbot, kiosk_window) -> None:  # type: ignore[no-untyped-def]
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
