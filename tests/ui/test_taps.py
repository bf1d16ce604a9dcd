"""Issue 18, acceptance 5: a new attendee who rarely uses computers types and sends a
12-word Arabic proposal at 1280x800, with real taps only, and the taps are counted.

The person taps what is on the screen, as it is: their language, "continue without
a badge", a theme, the on-screen keys of their proposal (shift where a letter is on
the shift layer), "Next" on each screen, "Send". They write the proposal first; a
title only if the screen asks for one. Every tapped widget must be visible and wholly
on the 1280x800 screen. On 73d559b this took 101 taps (a title was required: the
person learnt it from the error, tapped the title field and typed one); the count is
printed (pytest -s) and bounded below.
"""

from __future__ import annotations

from sqlalchemy import select

from kiosk.domain.flow import Step
from kiosk.storage.models import Proposal
from kiosk.ui.qt import QPoint, QRect, Qt

# "We want the rural schools linked to the internet and the teachers trained in the
# digital tools every year": twelve words.
PROPOSAL = (
    "\u0646\u0631\u064a\u062f \u0631\u0628\u0637 \u0627\u0644\u0645\u062f\u0627\u0631\u0633 "
    "\u0627\u0644\u0642\u0631\u0648\u064a\u0629 \u0628\u0627\u0644\u0625\u0646\u062a\u0631"
    "\u0646\u062a \u0648\u062a\u0643\u0648\u064a\u0646 \u0627\u0644\u0623\u0633\u0627\u062a"
    "\u0630\u0629 \u0639\u0644\u0649 \u0627\u0644\u0623\u062f\u0648\u0627\u062a "
    "\u0627\u0644\u0631\u0642\u0645\u064a\u0629 \u0643\u0644 \u0633\u0646\u0629"
)
TITLE = "\u0631\u0628\u0637 \u0627\u0644\u0645\u062f\u0627\u0631\u0633"  # "linking schools"
TAPS_AFTER = 87  # with the title optional and the proposal field focused (101 on 73d559b)


class Person:
    def __init__(self, qtbot, window) -> None:
        self.qtbot = qtbot
        self.window = window
        self.taps = 0

    def tap(self, widget) -> None:
        window = self.window
        # A key the keyboard has just built (after shift) is shown by the event loop:
        # a person sees it a moment later.
        self.qtbot.waitUntil(widget.isVisible, timeout=1000)
        rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        assert window.rect().contains(rect), (widget, rect)
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.taps += 1

    def type(self, text: str) -> None:
        kb = self.window.keyboard
        for char in text:
            if char == " ":
                self.tap(kb.space_key)
                continue
            try:
                key = kb.key_button(char)
            except KeyError:
                self.tap(kb.shift_key)
                key = kb.key_button(char)
            self.tap(key)

    def write_in(self, field, text: str) -> None:
        if self.window.keyboard.target is not field:
            self.tap(field)  # the person taps where they want to write
        self.type(text)


def test_a_twelve_word_arabic_proposal_by_taps(qtbot, kiosk_window, demo_store) -> None:
    window = kiosk_window
    assert (window.width(), window.height()) == (1280, 800)
    assert len(PROPOSAL.split()) == 12
    person = Person(qtbot, window)
    person.tap(window.welcome.buttons["ar"])
    person.tap(window.badge.skip)
    person.tap(window.theme.cards["skills"])
    assert window.flow.state.step == Step.WRITE
    assert window.keyboard.letters == "ar"  # the keyboard opens in the session's language
    person.write_in(window.write.body_field, PROPOSAL)
    person.tap(window.write.next)
    if window.flow.state.step == Step.WRITE:  # the screen asked for a title
        person.write_in(window.write.title_field, TITLE)
        person.tap(window.write.next)
    assert window.flow.state.step == Step.QUESTIONS
    person.tap(window.questions.next)
    assert window.flow.state.step == Step.CONSENT
    person.tap(window.consent.next)
    assert window.flow.state.step == Step.REVIEW
    person.tap(window.review.submit)
    assert window.flow.state.step == Step.RECEIPT
    with demo_store.uow(readonly=True) as uow:
        stored = uow.session.scalars(select(Proposal)).one()
        assert stored.body == PROPOSAL and stored.language == "ar" and stored.title
    print(f"\ntaps for a 12-word Arabic proposal at 1280x800: {person.taps}")
    assert person.taps <= TAPS_AFTER
