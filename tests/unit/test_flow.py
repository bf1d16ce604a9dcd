"""The attendee flow state machine, without Qt."""

from __future__ import annotations

import pytest

from kiosk.domain.flow import AttendeeFlow, Draft, FlowState, Step, Timeouts, title_from


def to_review(flow: AttendeeFlow) -> None:
    flow.choose_language("fr")
    flow.skip_badge()
    flow.choose_theme("skills")
    flow.edit_text("Titre", "Corps")
    flow.finish_writing()
    flow.answer("age_band", "25_34")
    flow.finish_questions()
    flow.set_consent(True)
    flow.finish_consent()


def test_full_path_and_submission() -> None:
    flow = AttendeeFlow()
    to_review(flow)
    assert flow.state.step == Step.REVIEW
    draft = flow.submission()
    assert (
        draft.theme,
        draft.language,
        draft.title,
        draft.body,
        draft.age_band,
        draft.consent_publish,
    ) == ("skills", "fr", "Titre", "Corps", "25_34", True)
    assert flow.state.step == Step.SUBMITTING
    flow.submitted("id", "ABCD-EFGH")
    assert flow.state.step == Step.RECEIPT and flow.state.receipt_code == "ABCD-EFGH"


def test_back_never_loses_input_and_language_switch_keeps_draft() -> None:
    flow = AttendeeFlow()
    to_review(flow)
    for expected in (
        Step.CONSENT,
        Step.QUESTIONS,
        Step.WRITE,
        Step.THEME,
        Step.BADGE,
    ):
        assert flow.back().step == expected
        assert flow.state.draft.title == "Titre" and flow.state.draft.body == "Corps"
    flow.switch_language("ar")
    assert flow.state.language == "ar" and flow.state.draft.consent is True


def test_empty_text_stays_on_write_with_an_error() -> None:
    flow = AttendeeFlow()
    flow.choose_language("en")
    flow.skip_badge()
    flow.choose_theme("other")
    flow.edit_text("  ", "")
    assert flow.finish_writing().step == Step.WRITE and flow.state.error


def test_idle_countdown_then_reset_and_touch_cancels() -> None:
    flow = AttendeeFlow(timeouts=Timeouts(idle_s=90, countdown_s=15, receipt_s=20))
    to_review(flow)
    flow.tick(89)
    assert flow.state.overlay_countdown is None
    flow.tick(2)
    assert flow.state.overlay_countdown == 15
    flow.touch()
    assert flow.state.overlay_countdown is None and flow.state.step == Step.REVIEW
    flow.tick(91)
    flow.tick(14)
    assert flow.state.overlay_countdown == 1
    flow.tick(1.5)
    assert flow.state.step == Step.WELCOME and flow.state.draft.title == ""


def test_failed_submit_returns_to_review_with_draft_and_receipt_times_out() -> None:
    flow = AttendeeFlow()
    to_review(flow)
    flow.submission()
    state = flow.submit_failed("The kiosk's storage is full")
    assert state.step == Step.REVIEW and state.draft.body == "Corps" and state.error
    flow.submission()
    flow.submitted("id", "CODE")
    flow.tick(19)
    assert flow.state.step == Step.RECEIPT
    flow.tick(2)
    assert flow.state.step == Step.WELCOME


def test_back_to_welcome_starts_a_new_attendee() -> None:
    """Back on the badge screen: whoever taps a language next is a new attendee."""
    flow = AttendeeFlow()
    to_review(flow)
    first = flow.state
    for _ in range(6):  # review -> ... -> badge -> welcome
        flow.back()
    assert flow.state.step == Step.WELCOME
    assert flow.state.draft == Draft()
    assert flow.state.session != first.session
    flow.choose_language("en")
    assert flow.state.step == Step.BADGE and flow.state.draft == Draft()


def test_text_size_and_contrast_stay_with_the_attendee_until_the_end() -> None:
    flow = AttendeeFlow()
    flow.set_large_text(True)  # on the welcome screen, before choosing a language
    flow.set_high_contrast(True)
    to_review(flow)
    flow.switch_language("ar")
    flow.back()
    assert flow.state.large_text and flow.state.high_contrast
    flow.set_large_text(False)
    assert not flow.state.large_text and flow.state.high_contrast


def _submit_then_finish(flow: AttendeeFlow) -> None:
    flow.submission()
    flow.submitted("id", "CODE")
    flow.reset()  # the receipt's Finish button


def _submit_then_receipt_times_out(flow: AttendeeFlow) -> None:
    flow.submission()
    flow.submitted("id", "CODE")
    flow.tick(flow.timeouts.receipt_s + 1)


def _idle(flow: AttendeeFlow) -> None:
    flow.tick(flow.timeouts.idle_s + 1)
    flow.tick(flow.timeouts.countdown_s + 1)


def _back_to_welcome(flow: AttendeeFlow) -> None:
    while flow.state.step != Step.WELCOME:
        flow.back()


def _language_on_the_receipt(flow: AttendeeFlow) -> None:
    flow.submission()
    flow.submitted("id", "CODE")
    flow.switch_language("zgh")  # the next person, in their language


@pytest.mark.parametrize(
    "end",
    [
        _submit_then_finish,
        _submit_then_receipt_times_out,
        _idle,
        _back_to_welcome,
        _language_on_the_receipt,
    ],
    ids=["finish", "receipt_timeout", "idle", "back", "language"],
)
def test_every_way_out_leaves_nothing_for_the_next_attendee(end) -> None:
    flow = AttendeeFlow(default_language="fr")
    flow.set_large_text(True)
    flow.set_high_contrast(True)
    to_review(flow)
    for question, value in (("gender", "female"), ("province", "Tata"), ("profile", "student")):
        flow.answer(question, value)
    first = flow.state.session
    end(flow)
    state = flow.state
    assert state.session != first
    assert state.draft == Draft()
    assert not state.large_text and not state.high_contrast
    assert (state.receipt_code, state.proposal_id, state.error) == ("", "", "")
    assert state.overlay_countdown is None
    if end is _language_on_the_receipt:
        assert (state.step, state.language) == (Step.BADGE, "zgh")
    else:
        assert state == FlowState(Step.WELCOME, "fr", Draft(), session=state.session)


def test_a_proposal_without_a_title_takes_its_first_words() -> None:
    """Issue 18 (acceptance 5): the title is optional; without one the proposal's first
    words are its title (a required title cost a person 13 more taps)."""
    flow = AttendeeFlow()
    flow.choose_language("fr")
    flow.skip_badge()
    flow.choose_theme("other")
    body = "Du wifi gratuit dans toutes les maisons des jeunes de la province, tous les jours"
    flow.edit_text("", body)
    assert flow.finish_writing().step == Step.QUESTIONS
    title = flow.state.draft.title
    assert body.startswith(title.rstrip("\u2026")) and title.endswith("\u2026")
    assert len(title) <= 61 and not title.rstrip("\u2026").endswith(" ")
    assert title_from("Wifi") == "Wifi" and title_from("x" * 90) == "x" * 60 + "\u2026"
