"""The attendee kiosk driven by taps, as a person would use it, in four languages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.domain.errors import StorageFull
from kiosk.domain.flow import Step
from kiosk.i18n import N_
from kiosk.storage.models import Proposal
from kiosk.storage.settings import EVENT_ID, ORGANISER_SIGN_PK
from kiosk.ui.qt import QApplication, QLineEdit, QPlainTextEdit, Qt
from kiosk.ui.window import text_widgets
from tests.conftest import kiosk_db

# What each attendee taps, key by key, on the on-screen keyboard of their language.
TYPED = {
    "ar": (
        "\u0641\u0643\u0631\u0629",
        "\u0627\u0646\u062a\u0631\u0646\u062a \u0644\u0644\u062c\u0645\u064a\u0639",
    ),
    "fr": ("Wifi", "\u00e9coles et caf\u00e9s"),
    "zgh": (
        "\u2d30\u2d63\u2d53\u2d4d",
        "\u2d49\u2d4f\u2d5c\u2d54\u2d4f\u2d49\u2d5c \u2d49 \u2d49\u2d37\u2d53\u2d54\u2d30\u2d54",
    ),
    "en": ("Coding club", "free lessons for girls"),
}


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def tap_text(qtbot, window, text: str) -> None:
    """Tap each character's key (shift for capitals, the digits page for digits)."""
    kb = window.keyboard
    for char in text:
        if char == " ":
            tap(qtbot, kb.space_key)
            continue
        try:
            tap(qtbot, kb.key_button(char))
        except KeyError:
            tap(qtbot, kb.shift_key)
            tap(qtbot, kb.key_button(char))


def full_session(qtbot, window, lang: str) -> tuple[str, str]:
    tap(qtbot, window.welcome.buttons[lang])
    tap(qtbot, window.badge.skip)
    tap(qtbot, window.theme.cards["skills"])
    assert window.flow.state.step == Step.WRITE
    title, body = TYPED[lang]
    window.write.focus_field(window.write.title_field)
    tap_text(qtbot, window, title)
    window.write.focus_field(window.write.body_field)
    tap_text(qtbot, window, body)
    tap(qtbot, window.write.next)
    tap(qtbot, window.questions.questions["age_band"][1]["25_34"])
    tap(qtbot, window.questions.next)
    tap(qtbot, window.consent.box)
    tap(qtbot, window.consent.next)
    assert window.flow.state.step == Step.REVIEW
    tap(qtbot, window.review.submit)
    return title, body


@pytest.mark.parametrize("lang", ["ar", "fr", "zgh", "en"])
def test_full_session_by_tapping_keys(qtbot, kiosk_window, demo_store, lang: str) -> None:
    title, body = full_session(qtbot, kiosk_window, lang)
    state = kiosk_window.flow.state
    assert state.step == Step.RECEIPT
    with demo_store.uow(readonly=True) as uow:
        row = uow.session.scalar(select(Proposal))
        assert row is not None
        assert (row.title, row.body, row.language, row.theme_code) == (title, body, lang, "skills")
        assert row.consent_publish is True and row.age_band == "25_34"
        assert kiosk_window.receipt.code.text() == row.receipt_code
    assert QApplication.layoutDirection() == (
        Qt.LayoutDirection.RightToLeft if lang == "ar" else Qt.LayoutDirection.LeftToRight
    )


def test_idle_reset_leaves_nothing_behind(qtbot, kiosk_window) -> None:
    window = kiosk_window
    tap(qtbot, window.welcome.buttons["fr"])
    tap(qtbot, window.badge.skip)
    tap(qtbot, window.theme.cards["other"])
    window.write.focus_field(window.write.body_field)
    tap_text(qtbot, window, "secret")
    QApplication.clipboard().setText("secret")
    window._apply(window.flow.tick(window.flow.timeouts.idle_s))
    assert window.countdown.isVisible()
    window._apply(window.flow.tick(window.flow.timeouts.countdown_s + 1))
    assert window.flow.state.step == Step.WELCOME
    assert not window.countdown.isVisible()
    assert not any("secret" in text for text in text_widgets(window))
    assert QApplication.clipboard().text() == ""
    for field in window.findChildren(QLineEdit) + window.findChildren(QPlainTextEdit):
        assert (
            not field.isUndoAvailable()
            if isinstance(field, QLineEdit)
            else not field.document().isUndoAvailable()
        )


def test_language_switch_keeps_draft_and_back_never_loses_input(qtbot, kiosk_window) -> None:
    window = kiosk_window
    tap(qtbot, window.welcome.buttons["fr"])
    tap(qtbot, window.badge.skip)
    tap(qtbot, window.theme.cards["skills"])
    window.write.focus_field(window.write.title_field)
    tap_text(qtbot, window, "ateliers")
    tap(qtbot, window.language_buttons["ar"])
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.write.title_field.text() == "ateliers"
    tap(qtbot, window.back_button)
    tap(qtbot, window.back_button)
    assert window.flow.state.step == Step.BADGE
    tap(qtbot, window.badge.skip)
    tap(qtbot, window.theme.cards["skills"])
    assert window.write.title_field.text() == "ateliers"


def test_receipt_never_shows_when_the_commit_fails(qtbot, kiosk_window) -> None:
    window = kiosk_window

    def failing(draft):
        raise StorageFull(
            N_("The kiosk's storage is full: nothing was saved. Please call a staff member.")
        )

    window.services.submit = failing
    full_session(qtbot, window, "fr")
    state = window.flow.state
    assert state.step == Step.REVIEW
    assert state.draft.title == "Wifi"
    assert window.review.error.text()
    assert window.receipt.code.text() == ""


def test_pin_lockout_and_no_exit_without_pin(qtbot, kiosk_window) -> None:
    window = kiosk_window
    window.close()
    assert window.isVisible()  # closing needs the PIN
    window.pin_pad.open_pad()
    for _ in range(5):
        for digit in "0000":
            tap(qtbot, window.pin_pad.digit_buttons[digit])
        tap(qtbot, window.pin_pad.ok)
    assert window.pin_pad.message.text()
    for digit in "1234":  # the right (demo) PIN, but locked out now
        tap(qtbot, window.pin_pad.digit_buttons[digit])
    tap(qtbot, window.pin_pad.ok)
    assert window.isVisible() and not window.unlocked
    assert "5" in window.pin_pad.message.text() or "minute" in window.pin_pad.message.text()


def test_right_pin_lets_staff_out(qtbot, kiosk_window) -> None:
    window = kiosk_window
    window.pin_pad.open_pad()
    for digit in "1234":
        tap(qtbot, window.pin_pad.digit_buttons[digit])
    tap(qtbot, window.pin_pad.ok)
    assert window.unlocked and not window.isVisible()


def test_badge_links_the_proposal_without_a_check_in(
    qtbot, kiosk_window, demo_store, tmp_path
) -> None:
    from nacl.signing import SigningKey
    from sqlalchemy import func

    from kiosk import badges
    from kiosk.ids import new_id
    from kiosk.storage.models import Attendee, CheckIn

    organiser = SigningKey.generate()
    with demo_store.uow() as uow:
        event_id = uow.setting(EVENT_ID)
        uow.save(ORGANISER_SIGN_PK, bytes(organiser.verify_key).hex())
        person = Attendee(
            id=new_id(),
            event_id=event_id,
            name="Amina",
            search_key="amina",
            created_at=demo_store.clock.now(),
        )
        uow.session.add(person)
        uow.commit()
        person_id = person.id
    demo_store.forget_cached()
    token = badges.make_token(organiser, badges.KIND_INVITEE, event_id, person_id)
    window = kiosk_window
    tap(qtbot, window.welcome.buttons["fr"])
    window.badge.field.setText("not a badge")
    window.badge.field.returnPressed.emit()
    assert window.flow.state.step == Step.BADGE and window.badge.error.text()
    window.badge.field.setText(token)
    window.badge.field.returnPressed.emit()
    assert window.flow.state.step == Step.THEME
    assert window.flow.state.draft.attendee_id == person_id
    with demo_store.uow(readonly=True) as uow:
        assert uow.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_full_disk_keeps_the_draft_and_recovers(
    qtbot, kiosk_window, demo_store, settings, monkeypatch
) -> None:

    from kiosk.storage.engine import MAX_PAGES_ENV

    with kiosk_db(settings.db_path) as con:
        pages = con.execute("PRAGMA page_count").fetchone()[0]
    monkeypatch.setenv(MAX_PAGES_ENV, str(pages + 2))
    demo_store.engine.dispose()
    from kiosk.domain.proposal import ProposalDraft
    from kiosk.services.proposals import submit_proposal

    with pytest.raises(StorageFull):  # fill what is left: the disk is now full
        for i in range(1000):
            submit_proposal(demo_store, ProposalDraft("other", "en", f"filler {i}", "x" * 3000))
    window = kiosk_window
    full_session(qtbot, window, "fr")
    state = window.flow.state
    assert state.step == Step.REVIEW and state.draft.title == "Wifi"
    assert "full" in window.review.error.text() or "pleine" in window.review.error.text()
    assert window.receipt.code.text() == ""
    with demo_store.uow(readonly=True) as uow:
        assert uow.session.scalar(select(Proposal).where(Proposal.title == "Wifi")) is None
    monkeypatch.delenv(MAX_PAGES_ENV)  # space is back
    demo_store.engine.dispose()
    tap(qtbot, window.review.submit)
    assert window.flow.state.step == Step.RECEIPT
    with demo_store.uow(readonly=True) as uow:
        assert uow.session.scalar(select(Proposal).where(Proposal.title == "Wifi")) is not None
