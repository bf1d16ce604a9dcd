"""The reviewer of each event theme: an organiser names the console user who reviews a
theme's proposals; that user becomes the assignee of the theme's unassigned proposals at
once and of each new one as it is merged (:func:`kiosk.central.review.catch_up`). The
proposals page (and ``kiosk-central proposals list --assignee``) then filters on it."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from kiosk.central import review
from kiosk.central.accounts import MODERATE, User, get_user, record
from kiosk.central.models import ProposalReview, ThemeReviewer
from kiosk.central.organiser import find_event
from kiosk.central.review import catch_up
from kiosk.domain.errors import ValidationError
from kiosk.i18n import N_
from kiosk.storage.models import Theme
from kiosk.storage.store import Store


def theme_reviewers(store: Store, event_code: str) -> dict[str, str]:
    """Theme code -> the user name reviewing it (themes without one are absent)."""
    with store.uow(readonly=True) as uow:
        event_id = find_event(uow, event_code).id
        by_theme = review.theme_reviewers(uow, event_id)
    return {theme: username for (_event, theme), username in by_theme.items()}


def set_theme_reviewer(
    store: Store, event_code: str, theme_code: str, username: str, *, by: User | None,
    address: str = "",
) -> int:  # fmt: skip
    """Name ``username`` (empty: nobody) the reviewer of ``theme_code``; returns how many
    unassigned proposals of that theme they were given. The user must be able to
    review proposals in the event (moderator, organiser or admin)."""
    username = username.strip()[:64]
    if username:
        reviewer = get_user(store, username)  # unknown_user when there is none
    catch_up(store)  # every merged proposal has its review row to assign
    with store.uow() as uow:
        event = find_event(uow, event_code)
        theme_id = uow.session.scalar(
            select(Theme.id).where(Theme.event_id == event.id, Theme.code == theme_code[:64])
        )
        if theme_id is None:
            raise ValidationError(
                N_("The event has no theme {theme}."), code="unknown_theme", theme=theme_code[:64]
            )
        if username and not reviewer.can(MODERATE, event.id):
            raise ValidationError(
                N_("{username} cannot review this event's proposals (a moderator, "
                   "organiser or admin can)."),
                code="not_a_reviewer", username=username,
            )  # fmt: skip
        row = uow.session.get(ThemeReviewer, (event.id, theme_code))
        if not username:
            if row is not None:
                uow.session.delete(row)
        elif row is None:
            uow.session.add(ThemeReviewer(event_id=event.id, theme_code=theme_code,
                                          username=username, set_at=store.clock.now()))  # fmt: skip
        else:
            row.username, row.set_at = username, store.clock.now()
        given = 0
        if username:
            given = cast(CursorResult[Any], uow.session.execute(
                update(ProposalReview)
                .where(ProposalReview.event_id == event.id,
                       ProposalReview.theme_code == theme_code, ProposalReview.assignee == "")
                .values(assignee=username)
            )).rowcount  # fmt: skip
        record(uow, store, by, "theme_reviewer", event_code=event.code, target=theme_code,
               detail={"username": username, "assigned": given}, address=address)  # fmt: skip
        uow.commit()
        return int(given)


def possible_reviewers(store: Store, event_code: str) -> list[str]:
    """The user names that may review this event's proposals (enabled accounts only)."""
    from kiosk.central.accounts import list_users, user_by_id

    with store.uow(readonly=True) as uow:
        event_id = find_event(uow, event_code).id
    return [
        u.username
        for u in list_users(store)
        if u.can(MODERATE, event_id) and user_by_id(store, u.id) is not None
    ]
