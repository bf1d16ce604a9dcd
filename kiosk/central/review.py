"""The proposals as the organiser reads them: filters, search (Arabic folded as the
kiosk's name search is), moderation, review states, answers, and the public
follow-up by receipt code. The console's pages and ``kiosk-central proposals``
call these functions; every change goes to the audit log with its unit of work.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from kiosk.central.accounts import User, record
from kiosk.central.models import REVIEW_STATES, ProposalReview, ThemeReviewer
from kiosk.central.organiser import find_event
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.domain.search import search_key
from kiosk.i18n import N_
from kiosk.ids import RECEIPT_ALPHABET
from kiosk.storage.models import Attendee, Event, Proposal, Theme
from kiosk.storage.store import Store

_CHECKED = "review.checked_at"
PAGE_SIZE = 50
MAX_QUERY = 200
MAX_REASON = 500
MAX_NOTE = 5000
MAX_ANSWER = 10000
# Letters the receipt alphabet leaves out, read as the symbols they look like.
_LOOKALIKES = str.maketrans("OILU", "011V")
_RECEIPT = re.compile(f"^[{RECEIPT_ALPHABET}]{{4}}-[{RECEIPT_ALPHABET}]{{4}}$")


PAGE_FRESHNESS_S = 2.0  # a page may show proposals merged up to this long ago
# One catch-up at a time per store in this process (another finds it running and
# leaves the work to it: a page never waits behind one).
_CATCHING_UP: weakref.WeakKeyDictionary[Store, threading.Lock] = weakref.WeakKeyDictionary()
_NEW_LOCK = threading.Lock()
# The proposal's columns a review row copies (catch_up reads them by these names).
_REVIEWED = (
    Proposal.id,
    Proposal.event_id,
    Proposal.receipt_code,
    Proposal.theme_code,
    Proposal.language,
    Proposal.province,
    Proposal.profile,
    Proposal.age_band,
    Proposal.device_id,
    Proposal.created_at,
    Proposal.training,
    Proposal.title,
    Proposal.body,
)


def theme_reviewers(uow: Any, event_id: str | None = None) -> dict[tuple[str, str], str]:
    """Each theme's reviewer (kiosk.central.theme_reviewers), a new proposal's assignee:
    by (event id, theme code), of one event or all."""
    query = select(ThemeReviewer)
    if event_id is not None:
        query = query.where(ThemeReviewer.event_id == event_id)
    return {(r.event_id, r.theme_code): r.username for r in uow.session.scalars(query)}


def review_row(
    p: Mapping[str, Any],
    category: str | None,
    reviewers: Mapping[tuple[str, str], str],
    key: str | None = None,
) -> dict[str, Any]:
    """The review row of a merged proposal ``p`` (its columns by name): state received,
    its theme's reviewer as assignee, its search key (``key`` if already folded).
    ``category`` is the roster's (None when the author was anonymous: then the profile
    they chose, as the exports filter it)."""
    return {
        "proposal_id": p["id"],
        "event_id": p["event_id"],
        "receipt_code": p["receipt_code"],
        "theme_code": p["theme_code"],
        "language": p["language"],
        "province": p["province"],
        "category": category if category is not None else p["profile"],
        "age_band": p["age_band"],
        "device_id": p["device_id"],
        "created_at": p["created_at"],
        "training": p["training"],
        "search_key": key if key is not None else proposal_key(p["title"], p["body"]),
        "state": "received",
        "hidden": False,
        "hidden_reason": "",
        "personal_data": False,
        "note": "",
        "assignee": reviewers.get((p["event_id"], p["theme_code"]), ""),
        "answer": "",
        "answer_published_at": None,
        "updated_at": None,
    }


def proposal_key(title: str, body: str) -> str:
    """What the search matches a proposal on (folded as the kiosk's name search is)."""
    return search_key(f"{title} {body}")


def catch_up(store: Store, *, max_age: float = 0.0, wait: bool = True) -> int:
    """Give every merged proposal its review row (state received, search key); returns
    how many were added. The merge makes the rows of what it merges itself: this is for
    proposals written otherwise (older data, a bulk load). Cheap when nothing is new (one
    statement); with ``max_age``, not even that if this store checked less than
    ``max_age`` seconds ago; without ``wait``, nothing if another catch-up is running."""
    now = time.monotonic()
    if max_age and now - store.cache.get(_CHECKED, -1e9) < max_age:
        return 0
    with _NEW_LOCK:
        lock = _CATCHING_UP.setdefault(store, threading.Lock())
    if not lock.acquire(blocking=wait):
        return 0
    try:
        store.cache[_CHECKED] = now
        return _catch_up(store)
    finally:
        lock.release()


def _catch_up(store: Store) -> int:
    with store.uow(readonly=True) as uow:
        s = uow.session
        # Both counts in one statement: one snapshot on PostgreSQL too.
        have, total = s.execute(
            select(
                select(func.count()).select_from(ProposalReview).scalar_subquery(),
                select(func.count()).select_from(Proposal).scalar_subquery(),
            )
        ).one()
        if (have or 0) >= (total or 0):
            return 0
        reviewers = theme_reviewers(uow)
        rows = [
            review_row(dict(row._mapping), row.category, reviewers)
            for row in s.execute(
                select(*_REVIEWED, Attendee.category)
                .outerjoin(ProposalReview, ProposalReview.proposal_id == Proposal.id)
                .outerjoin(Attendee, Attendee.id == Proposal.attendee_id)
                .where(ProposalReview.proposal_id.is_(None))
            )
        ]
    if not rows:
        return 0
    with store.uow() as uow:
        # Another process's catch-up (or a merge) may have added some of these rows
        # meanwhile: theirs stand, ours are skipped.
        dialect = uow.session.get_bind().dialect.name
        add = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ProposalReview)
        uow.session.execute(add.on_conflict_do_nothing(index_elements=["proposal_id"]), rows)
        uow.commit()
    return len(rows)


@dataclass(frozen=True)
class ProposalFilter:
    """What the proposals page, its export and ``kiosk-central`` filter on (all optional)."""

    event: str = ""  # event code
    theme: str = ""
    language: str = ""
    province: str = ""
    category: str = ""  # the profile the author gave
    age_band: str = ""
    date_from: str = ""  # YYYY-MM-DD (UTC)
    date_to: str = ""
    device: str = ""
    state: str = ""
    query: str = ""
    hidden: str = "visible"  # visible | hidden | all
    personal_data: bool = False
    assignee: str = ""  # a console user name ("assigned to me")

    @classmethod
    def from_params(cls, params: Any, event: str | None = None) -> ProposalFilter:
        """From query parameters (hostile text: cut to size, unknown values dropped);
        ``event``: this event's code, whatever the parameters say."""

        def get(name: str, limit: int = 100) -> str:
            value = params.get(name, "")
            return value.strip()[:limit] if isinstance(value, str) else ""

        hidden = get("hidden")
        return cls(
            event=get("event", 64) if event is None else event,
            theme=get("theme", 64),
            language=get("language", 8),
            province=get("province"),
            category=get("category", 32),
            age_band=get("age_band", 16),
            date_from=_date_text(get("date_from", 10)),
            date_to=_date_text(get("date_to", 10)),
            device=get("device", 36),
            state=get("state", 16) if get("state", 16) in REVIEW_STATES else "",
            query=get("q", MAX_QUERY),
            hidden=hidden if hidden in ("visible", "hidden", "all") else "visible",
            personal_data=get("personal_data") in ("1", "on", "true"),
            assignee=get("assignee", 64),
        )

    def params(self) -> dict[str, str]:
        """Back to query parameters (for the next page's link and the export)."""
        out = {
            "event": self.event,
            "theme": self.theme,
            "language": self.language,
            "province": self.province,
            "category": self.category,
            "age_band": self.age_band,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "device": self.device,
            "state": self.state,
            "q": self.query,
            "hidden": self.hidden if self.hidden != "visible" else "",
            "personal_data": "1" if self.personal_data else "",
            "assignee": self.assignee,
        }
        return {k: v for k, v in out.items() if v}


def _date_text(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat() if value else ""
    except ValueError:
        return ""


def _midnight(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class ProposalRow:
    id: str
    event_code: str
    theme: str
    theme_name: str
    language: str
    title: str
    body: str
    province: str
    category: str
    age_band: str
    gender: str
    device_id: str
    created_at: dt.datetime
    receipt_code: str
    consent_publish: bool
    state: str
    hidden: bool
    hidden_reason: str
    personal_data: bool
    note: str
    assignee: str
    answer: str
    answer_published: bool


@dataclass(frozen=True)
class ProposalPage:
    rows: list[ProposalRow]
    total: int
    page: int
    pages: int
    filter: ProposalFilter
    facets: dict[str, list[str]] = field(default_factory=dict)


def _conditions(uow: Any, f: ProposalFilter, event_ids: set[str] | None) -> list[Any]:
    """Conditions on :class:`ProposalReview` alone (it holds the filtered fields)."""
    r = ProposalReview
    where: list[Any] = [r.training.is_(False)]
    if f.event:
        event = find_event(uow, f.event)
        if event_ids is not None and event.id not in event_ids:
            raise KioskError(N_("You have no role in this event."), code="forbidden")
        where.append(r.event_id == event.id)
    elif event_ids is not None:
        where.append(r.event_id.in_(sorted(event_ids)))
    for column, value in (
        (r.theme_code, f.theme),
        (r.language, f.language),
        (r.province, f.province),
        (r.category, f.category),
        (r.age_band, f.age_band),
        (r.device_id, f.device),
        (r.state, f.state),
        (r.assignee, f.assignee),
    ):
        if value:
            where.append(column == value)
    # Times are stored as ISO text in UTC, so a date compares as text.
    if f.date_from:
        where.append(r.created_at >= _midnight(f.date_from))
    if f.date_to:  # the whole day: every time of that date sorts below its next day
        next_day = (dt.date.fromisoformat(f.date_to) + dt.timedelta(days=1)).isoformat()
        where.append(r.created_at < _midnight(next_day))
    if f.hidden == "visible":
        where.append(ProposalReview.hidden.is_(False))
    elif f.hidden == "hidden":
        where.append(ProposalReview.hidden.is_(True))
    if f.personal_data:
        where.append(ProposalReview.personal_data.is_(True))
    for word in search_key(f.query).split()[:10]:
        where.append(ProposalReview.search_key.like(f"%{_like_escape(word)}%", escape="\\"))
    return where


def _row(p: Proposal, r: ProposalReview, code: str, names: dict[str, Any]) -> ProposalRow:
    return ProposalRow(
        id=p.id,
        event_code=code,
        theme=p.theme_code,
        theme_name=str(names.get(p.language) or names.get("en") or p.theme_code),
        language=p.language,
        title=p.title,
        body=p.body,
        province=p.province,
        category=p.profile,
        age_band=p.age_band,
        gender=p.gender,
        device_id=p.device_id,
        created_at=p.created_at,
        receipt_code=p.receipt_code,
        consent_publish=p.consent_publish,
        state=r.state,
        hidden=r.hidden,
        hidden_reason=r.hidden_reason,
        personal_data=r.personal_data,
        note=r.note,
        assignee=r.assignee,
        answer=r.answer,
        answer_published=r.answer_published_at is not None,
    )


def _theme_names(uow: Any, event_ids: set[str]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (t.event_id, t.code): t.names
        for t in uow.session.scalars(select(Theme).where(Theme.event_id.in_(sorted(event_ids))))
    }


def list_proposals(
    store: Store,
    f: ProposalFilter,
    *,
    event_ids: set[str] | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> ProposalPage:
    """One page of proposals matching ``f``, newest first, within ``event_ids`` (the
    events the reader has a role in; None: all)."""
    catch_up(store, max_age=PAGE_FRESHNESS_S, wait=False)
    with store.uow(readonly=True) as uow:
        s = uow.session
        where = _conditions(uow, f, event_ids)
        total = int(s.scalar(select(func.count()).select_from(ProposalReview).where(*where)) or 0)
        pages = max(1, -(-total // page_size))
        page = min(max(1, page), pages)
        # The page's ids from the review table alone, then their proposals.
        ids = list(
            s.scalars(
                select(ProposalReview.proposal_id)
                .where(*where)
                .order_by(ProposalReview.created_at.desc(), ProposalReview.proposal_id.desc())
                .limit(page_size)
                .offset((page - 1) * page_size)
            )
        )
        found = {
            p.id: (p, r, code)
            for p, r, code in s.execute(
                select(Proposal, ProposalReview, Event.code)
                .join(ProposalReview, ProposalReview.proposal_id == Proposal.id)
                .join(Event, Event.id == Proposal.event_id)
                .where(Proposal.id.in_(ids))
            )
        }
        rows = [found[i] for i in ids if i in found]
        names = _theme_names(uow, {p.event_id for p, _r, _c in rows})
        return ProposalPage(
            [_row(p, r, code, names.get((p.event_id, p.theme_code), {})) for p, r, code in rows],
            total,
            page,
            pages,
            f,
        )


def filtered_ids(
    store: Store, f: ProposalFilter, *, event_ids: set[str] | None = None
) -> list[str]:
    """Every proposal id matching ``f`` (for an export of exactly those rows)."""
    catch_up(store)
    with store.uow(readonly=True) as uow:
        where = _conditions(uow, f, event_ids)
        return list(
            uow.session.scalars(
                select(ProposalReview.proposal_id)
                .where(*where)
                .order_by(ProposalReview.created_at, ProposalReview.proposal_id)
            )
        )


def get_proposal(store: Store, proposal_id: str) -> ProposalRow:
    catch_up(store, max_age=PAGE_FRESHNESS_S, wait=False)
    with store.uow(readonly=True) as uow:
        found = uow.session.execute(
            select(Proposal, ProposalReview, Event.code)
            .join(ProposalReview, ProposalReview.proposal_id == Proposal.id)
            .join(Event, Event.id == Proposal.event_id)
            .where(Proposal.id == proposal_id[:36])
        ).first()
        if found is None:
            raise KioskError(N_("No proposal {id}."), code="unknown_proposal", id=proposal_id[:40])
        p, r, code = found
        names = _theme_names(uow, {p.event_id})
        return _row(p, r, code, names.get((p.event_id, p.theme_code), {}))


def event_of_proposal(store: Store, proposal_id: str) -> str | None:
    with store.uow(readonly=True) as uow:
        return uow.session.scalar(select(Proposal.event_id).where(Proposal.id == proposal_id[:36]))


def _clean(text: str, limit: int, what: str) -> str:
    from kiosk.domain.text import checked_field

    return checked_field(text.strip(), what, limit, allowed=frozenset("\n\r\t"))


def update_review(
    store: Store,
    proposal_id: str,
    *,
    by: User | None,
    address: str = "",
    state: str | None = None,
    hide: str | None = None,
    restore: bool = False,
    personal_data: bool | None = None,
    note: str | None = None,
    assignee: str | None = None,
    answer: str | None = None,
    publish: bool | None = None,
) -> ProposalRow:
    """Change a proposal's review; each change is one audit entry, in the same unit of
    work. ``hide`` is the reason (required); ``restore`` shows it again."""
    if state is not None and state not in REVIEW_STATES:
        raise ValidationError(
            N_("Unknown review state {state}."), code="bad_state", state=state[:20]
        )
    catch_up(store)
    with store.uow() as uow:
        review = uow.session.get(ProposalReview, proposal_id[:36])
        if review is None:
            raise KioskError(N_("No proposal {id}."), code="unknown_proposal", id=proposal_id[:40])
        event = uow.session.get(Event, review.event_id)
        code = event.code if event else ""

        def log(action: str, **detail: Any) -> None:
            record(
                uow,
                store,
                by,
                action,
                event_code=code,
                target=proposal_id,
                detail=detail,
                address=address,
            )

        def set_text(field: str, value: str | None, limit: int) -> None:
            """The private note or the answer, journaled as the field's name."""
            if value is None:
                return
            text = _clean(value, limit, field)
            if text != getattr(review, field):
                setattr(review, field, text)
                log(field)

        if state is not None and state != review.state:
            log("review_state", old=review.state, new=state)
            review.state = state
        if hide is not None:
            reason = _clean(hide, MAX_REASON, "reason")
            if not reason:
                raise ValidationError(N_("Say why the proposal is hidden."), code="no_reason")
            review.hidden, review.hidden_reason = True, reason
            log("hide", reason=reason)
        if restore and review.hidden:
            review.hidden, review.hidden_reason = False, ""
            log("restore")
        if personal_data is not None and personal_data != review.personal_data:
            review.personal_data = personal_data
            log("flag_personal_data", on=personal_data)
        set_text("note", note, MAX_NOTE)
        if assignee is not None:
            who = assignee.strip()[:64]
            if who != review.assignee:
                review.assignee = who
                log("assign", assignee=who)
        set_text("answer", answer, MAX_ANSWER)
        if publish is not None:
            if publish and not review.answer:
                raise ValidationError(
                    N_("Write the answer before publishing it."), code="no_answer"
                )
            was = review.answer_published_at is not None
            if publish != was:
                review.answer_published_at = store.clock.now() if publish else None
                log("answer_publish" if publish else "answer_unpublish")
        review.updated_at = store.clock.now()
        uow.commit()
    return get_proposal(store, proposal_id)


@dataclass(frozen=True)
class PublicFollowUp:
    """What anyone holding the receipt may see: no name, no text of others, no ids."""

    receipt_code: str
    language: str
    theme_name: str
    submitted_on: dt.date
    state: str
    answer: str  # "" until the organiser publishes one


def normalise_receipt(code: str) -> str:
    raw = "".join(c for c in code.upper()[:20] if c.isalnum())
    raw = raw.translate(_LOOKALIKES)
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else ""


def public_followup(store: Store, code: str) -> PublicFollowUp | None:
    """The follow-up of the proposal with this receipt code, or None (unknown, malformed,
    or shared by two kiosks' proposals: never a guess). A hidden proposal's author still
    sees its state; the page never shows the proposal's own text."""
    receipt = normalise_receipt(code)
    if not _RECEIPT.match(receipt):
        return None
    catch_up(store, max_age=PAGE_FRESHNESS_S, wait=False)
    with store.uow(readonly=True) as uow:
        found = list(
            uow.session.execute(
                select(Proposal, ProposalReview)
                .join(ProposalReview, ProposalReview.proposal_id == Proposal.id)
                .where(
                    ProposalReview.receipt_code == receipt,
                    Proposal.training.is_(False),
                )
                .limit(2)
            )
        )
        if len(found) != 1:
            return None
        p, r = found[0]
        names = _theme_names(uow, {p.event_id}).get((p.event_id, p.theme_code), {})
        published = r.answer_published_at is not None
        return PublicFollowUp(
            receipt,
            p.language,
            str(names.get(p.language) or names.get("en") or p.theme_code),
            p.created_at.date(),
            r.state,
            r.answer if published else "",
        )
