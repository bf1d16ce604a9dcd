"""The attendee's path through the kiosk, as a plain state machine (no Qt).

Screens render :class:`FlowState` and send events (method calls). Nothing
typed is lost by going back or switching language; idle time leads to a
countdown and then to a reset that discards the draft. The draft never goes to
disk: only :meth:`AttendeeFlow.submission` hands it to the submit service.

Every way back to the welcome screen (Finish on the receipt, the receipt's
timeout, Back from the badge screen, the idle reset, a language tapped on the
receipt) goes through :meth:`AttendeeFlow.reset`: the next person gets a new
``session`` number and nothing of the previous one (draft, answers, text size,
contrast). The window drops its widgets' contents when that number changes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from kiosk.domain.proposal import ProposalDraft
from kiosk.i18n import N_


class Step(enum.Enum):
    WELCOME = "welcome"
    BADGE = "badge"
    THEME = "theme"
    WRITE = "write"
    QUESTIONS = "questions"
    CONSENT = "consent"
    REVIEW = "review"
    SUBMITTING = "submitting"
    RECEIPT = "receipt"


ORDER = [
    Step.WELCOME,
    Step.BADGE,
    Step.THEME,
    Step.WRITE,
    Step.QUESTIONS,
    Step.CONSENT,
    Step.REVIEW,
]
QUESTIONS = ("age_band", "gender", "province", "profile")
TITLE_FROM_BODY = 60  # characters of the proposal's first words taken as its title


def title_from(body: str, limit: int = TITLE_FROM_BODY) -> str:
    """The first words of ``body`` (whole words, up to ``limit`` characters; an
    ellipsis when the proposal goes on)."""
    words = body.split()
    title = ""
    for word in words:
        longer = f"{title} {word}" if title else word
        if len(longer) > limit:
            break
        title = longer
    if not title:  # one word longer than the limit
        title = words[0][:limit] if words else ""
    return title + ("\u2026" if len(title) < len(" ".join(words)) else "")


@dataclass(frozen=True)
class Draft:
    """Everything the attendee has entered so far (memory only)."""

    attendee_id: str | None = None
    attendee_name: str = ""
    theme: str = ""
    title: str = ""
    body: str = ""
    age_band: str = ""
    gender: str = ""
    province: str = ""
    profile: str = ""
    consent: bool = False


@dataclass(frozen=True)
class FlowState:
    step: Step
    language: str
    draft: Draft
    error: str = ""  # a message id to show (already translated by the caller's choice)
    error_params: tuple[tuple[str, str], ...] = ()
    receipt_code: str = ""
    proposal_id: str = ""
    overlay_countdown: int | None = None  # seconds left in "Are you still there?"
    # A+ and high contrast are this attendee's choice: the next one starts without.
    large_text: bool = False
    high_contrast: bool = False
    session: int = 0  # which attendee this is: a new number at every reset


@dataclass
class Timeouts:
    idle_s: float = 90.0
    countdown_s: float = 15.0
    receipt_s: float = 20.0


@dataclass
class AttendeeFlow:
    """Events in, state out. ``state`` is always a consistent, immutable snapshot."""

    default_language: str = "ar"
    timeouts: Timeouts = field(default_factory=Timeouts)
    state: FlowState = field(init=False)
    _idle: float = field(default=0.0, init=False)
    _countdown: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.state = FlowState(Step.WELCOME, self.default_language, Draft())

    # -- navigation --------------------------------------------------------------------
    def _go(self, step: Step, **changes: object) -> FlowState:
        if step == Step.WELCOME:  # the welcome screen is for the next person
            return self.reset()
        self.state = replace(self.state, step=step, error="", error_params=(), **changes)  # type: ignore[arg-type]
        return self.state

    def choose_language(self, language: str) -> FlowState:
        self.touch()
        return self._go(Step.BADGE, language=language)

    def switch_language(self, language: str) -> FlowState:
        """Live language switch on any screen: the draft stays. On the receipt the
        attendee is done, so a language tapped there is the next person starting."""
        self.touch()
        if self.state.step == Step.RECEIPT:
            self.reset()
            return self.choose_language(language)
        self.state = replace(self.state, language=language)
        return self.state

    def set_large_text(self, on: bool) -> FlowState:
        self.touch()
        self.state = replace(self.state, large_text=on)
        return self.state

    def set_high_contrast(self, on: bool) -> FlowState:
        self.touch()
        self.state = replace(self.state, high_contrast=on)
        return self.state

    def skip_badge(self) -> FlowState:
        self.touch()
        draft = replace(self.state.draft, attendee_id=None, attendee_name="")
        return self._go(Step.THEME, draft=draft)

    def badge_scanned(self, attendee_id: str, name: str) -> FlowState:
        self.touch()
        draft = replace(self.state.draft, attendee_id=attendee_id, attendee_name=name)
        return self._go(Step.THEME, draft=draft)

    def badge_refused(self, message: str) -> FlowState:
        self.touch()
        self.state = replace(self.state, error=message)
        return self.state

    def choose_theme(self, code: str) -> FlowState:
        self.touch()
        return self._go(Step.WRITE, draft=replace(self.state.draft, theme=code))

    def edit_text(self, title: str, body: str) -> FlowState:
        """Keep what is typed (called on every change, so Back never loses it)."""
        self._idle = 0.0
        self.state = replace(self.state, draft=replace(self.state.draft, title=title, body=body))
        return self.state

    def finish_writing(self) -> FlowState:
        """The proposal is needed; a title is not (typing one cost a person who rarely
        uses a keyboard a dozen taps): without one, its first words are the title."""
        self.touch()
        draft = self.state.draft
        if not draft.body.strip():
            self.state = replace(self.state, error=N_("Please write your proposal."))
            return self.state
        if not draft.title.strip():
            self.state = replace(self.state, draft=replace(draft, title=title_from(draft.body)))
        return self._go(Step.QUESTIONS)

    def answer(self, question: str, value: str) -> FlowState:
        self.touch()
        if question not in QUESTIONS:
            raise ValueError(question)
        updated = replace(self.state.draft, **{question: value})  # type: ignore[arg-type]
        self.state = replace(self.state, draft=updated)
        return self.state

    def finish_questions(self) -> FlowState:
        self.touch()
        return self._go(Step.CONSENT)

    def set_consent(self, consent: bool) -> FlowState:
        self.touch()
        self.state = replace(self.state, draft=replace(self.state.draft, consent=consent))
        return self.state

    def finish_consent(self) -> FlowState:
        self.touch()
        return self._go(Step.REVIEW)

    def back(self) -> FlowState:
        self.touch()
        step = self.state.step
        if step in (Step.WELCOME, Step.SUBMITTING, Step.RECEIPT):
            return self.state
        return self._go(ORDER[ORDER.index(step) - 1])  # from the badge screen: a reset

    def go_to(self, step: Step) -> FlowState:
        """Jump back to an earlier step from the review screen (to edit)."""
        self.touch()
        if (
            step in ORDER
            and ORDER.index(step) <= ORDER.index(Step.REVIEW)
            and self.state.step == Step.REVIEW
        ):
            return self._go(step)
        return self.state

    # -- submitting --------------------------------------------------------------------
    def submission(self) -> ProposalDraft:
        """Move to SUBMITTING and hand over the draft to store (once)."""
        if self.state.step != Step.REVIEW:
            raise RuntimeError("submit only from the review screen")
        self.touch()
        d = self.state.draft
        self._go(Step.SUBMITTING)
        return ProposalDraft(
            theme=d.theme,
            language=self.state.language,
            title=d.title,
            body=d.body,
            attendee_id=d.attendee_id,
            age_band=d.age_band,
            gender=d.gender,
            province=d.province,
            profile=d.profile,
            consent_publish=d.consent,
        )

    def submitted(self, proposal_id: str, receipt_code: str) -> FlowState:
        """The proposal is on disk: only now the receipt shows."""
        self._idle = 0.0
        return self._go(Step.RECEIPT, receipt_code=receipt_code, proposal_id=proposal_id)

    def submit_failed(self, message: str, **params: str) -> FlowState:
        """Back to the review screen with the draft intact and the reason shown."""
        self._go(Step.REVIEW)
        self.state = replace(self.state, error=message, error_params=tuple(params.items()))
        return self.state

    # -- time --------------------------------------------------------------------------
    def touch(self) -> None:
        """Any tap or key: the attendee is still there."""
        self._idle = 0.0
        if self._countdown is not None:
            self._countdown = None
            self.state = replace(self.state, overlay_countdown=None)

    def tick(self, seconds: float) -> FlowState:
        """Time passes with nobody touching the screen."""
        step = self.state.step
        if step == Step.WELCOME or step == Step.SUBMITTING:
            return self.state
        self._idle += seconds
        if step == Step.RECEIPT:
            if self._idle >= self.timeouts.receipt_s:
                return self.reset()
            return self.state
        if self._countdown is None:
            if self._idle >= self.timeouts.idle_s:
                self._countdown = self.timeouts.countdown_s
                self.state = replace(self.state, overlay_countdown=int(self._countdown))
            return self.state
        self._countdown -= seconds
        if self._countdown <= 0:
            return self.reset()
        self.state = replace(self.state, overlay_countdown=max(1, int(self._countdown + 0.999)))
        return self.state

    def reset(self) -> FlowState:
        """Discard the session: back to welcome with nothing of the previous attendee
        (the one place that ends a session; every way to the welcome screen comes here)."""
        self._idle = 0.0
        self._countdown = None
        session = self.state.session + 1
        self.state = FlowState(Step.WELCOME, self.default_language, Draft(), session=session)
        return self.state
