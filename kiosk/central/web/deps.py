"""What every page shares: the console's store, the signed session, the current user,
the CSRF check, the page's language and direction, and rendering."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Unpack

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from kiosk.central.accounts import EXPORT, MANAGE, VIEW, User, Where, audit, user_by_id
from kiosk.domain.errors import KioskError
from kiosk.i18n import (
    LANGUAGES,
    N_,
    NATIVE_NAMES,
    direction,
    format_datetime,
    format_number,
    gettext_for,
    ngettext_for,
    normalize_language,
)
from kiosk.storage.models import Event
from kiosk.storage.store import Store

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass
class Console:
    store: Store
    data_dir: Path


class LoginNeeded(Exception):
    """No signed-in user: the page sends the browser to the log-in page."""


class PasswordChangeNeeded(Exception):
    """Signed in with a one-time password: every page waits until the user chose theirs."""


# What a user with a one-time password may still reach.
PASSWORD_PAGES = ("/console/password", "/console/logout")


class Forbidden(Exception):
    """The user lacks the role for this page (HTTP 403)."""

    def __init__(self, message_id: str = N_("You do not have the role for this page.")):
        super().__init__(message_id)
        self.message_id = message_id


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


ConsoleDep = Annotated[Console, Depends(console_of)]


def page_language(request: Request) -> str:
    chosen = request.session.get("lang")
    if isinstance(chosen, str) and chosen in LANGUAGES:
        return chosen
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip()
        if code and normalize_language(code) in LANGUAGES and code[:2] != "en":
            return normalize_language(code)
    return "en"


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def check_csrf(request: Request) -> None:
    """Every state-changing request carries the session's token (form field or header);
    without it, or with another, it is refused before anything runs."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.session.get(CSRF_FIELD)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not (
        isinstance(expected, str)
        and isinstance(sent, str)
        and secrets.compare_digest(expected.encode(), sent.encode())
    ):
        raise HTTPException(status_code=403, detail="CSRF token missing or wrong")


def console_router() -> APIRouter:
    """A router of console pages: every request it serves passes the CSRF check first,
    and none of them is part of the (kiosk) API schema."""
    return APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)


def current_user(request: Request, console: ConsoleDep) -> User:
    user_id = request.session.get("user_id")
    user = user_by_id(console.store, user_id) if isinstance(user_id, str) else None
    if user is None:
        request.session.pop("user_id", None)
        raise LoginNeeded()
    if user.must_change_password and request.url.path not in PASSWORD_PAGES:
        raise PasswordChangeNeeded()
    return user


UserDep = Annotated[User, Depends(current_user)]


def event_for(console: Console, user: User, code: str, capability: str) -> Event:
    """The event ``code`` if ``user`` holds ``capability`` in it (else 403 or 404)."""
    from kiosk.central.organiser import find_event

    with console.store.uow(readonly=True) as uow:
        try:
            event = find_event(uow, code[:64])
        except KioskError as exc:
            raise HTTPException(status_code=404, detail="no such event") from exc
        uow.session.expunge(event)
    if not user.can(capability, event.id):
        raise Forbidden()
    return event


def visible_events(console: Console, user: User) -> list[Event]:
    from sqlalchemy import select

    allowed = user.event_ids()
    with console.store.uow(readonly=True) as uow:
        query = select(Event).order_by(Event.starts_at.desc(), Event.code)
        if allowed is not None:
            query = query.where(Event.id.in_(sorted(allowed)))
        events = list(uow.session.scalars(query))
        for e in events:
            uow.session.expunge(e)
        return events


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    user: User | None = None,
    lang: str | None = None,
    public: bool = False,
) -> HTMLResponse:
    """A page in the visitor's language (or ``lang``); ``public`` pages set no cookie."""
    lang = lang if lang in LANGUAGES else page_language(request)

    def tr(message: str) -> str:
        return gettext_for(lang, message)

    def ntr(singular: str, plural: str, n: int) -> str:
        return ngettext_for(lang, singular, plural, n)

    def when(value: dt.datetime | None, fmt: str = "medium") -> str:
        return format_datetime(value, lang, fmt) if value else "-"

    def when_text(value: str, fmt: str = "medium") -> str:
        """An ISO time given as text (a service's frozen row) in the page's language."""
        try:
            return when(dt.datetime.fromisoformat(value), fmt) if value else "-"
        except ValueError:
            return value

    def number(value: int | float) -> str:
        return format_number(value, lang)

    def label(code: str) -> str:
        """A code's words: review states, outcomes, kiosk roles, categories, profiles,
        age bands (the code itself when it has none)."""
        from kiosk.central.models import ACTIONS, LABELS
        from kiosk.domain.vocab import AGE_BANDS, CATEGORIES, PROFILES

        for table in (LABELS, CATEGORIES, PROFILES, AGE_BANDS, ACTIONS):
            if code in table:
                return gettext_for(lang, table[code])
        return code

    ctx = {
        "request": request,
        "lang": lang,
        "dir": direction(lang),
        "_": tr,
        "ngettext": ntr,
        "when": when,
        "number": number,
        "label": label,
        "when_text": when_text,
        "native_name": lambda code: NATIVE_NAMES.get(code, code),
        "event_name": lambda event: event.name_in(lang),  # in the page's language
        "csrf_token": "" if public else csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "languages": [(code, NATIVE_NAMES[code]) for code in LANGUAGES],
        "user": user,
        "dir_of": direction,
        **(context or {}),
    }
    return TEMPLATES.TemplateResponse(request, template, ctx, status_code=status_code)


def error_text(request: Request, exc: KioskError) -> str:
    return exc.message(page_language(request))


@dataclass(frozen=True)
class EventPage:
    """A page of one event (``/events/{code}/...``) for a user who holds the route's
    capability in it: what every such route works with. Made by the dependencies
    below, so a route never runs for a user without the role (403) or for an event
    that does not exist (404)."""

    request: Request
    console: Console
    user: User
    event: Event

    @property
    def store(self) -> Store:
        return self.console.store

    def can(self, capability: str) -> bool:
        return self.user.can(capability, self.event.id)

    def render(
        self, template: str, context: dict[str, Any] | None = None, *, error: str = ""
    ) -> HTMLResponse:
        """``template`` with this event; ``error``: a refused change, said on the page
        (HTTP 422)."""
        return render(
            self.request,
            template,
            {"event": self.event, "error": error, **(context or {})},
            status_code=422 if error else 200,
            user=self.user,
        )

    def error_text(self, exc: KioskError) -> str:
        return error_text(self.request, exc)

    def audit(self, action: str, **where: Unpack[Where]) -> None:
        """An audit entry for this event, from this user and address."""
        entry = Where(event_code=self.event.code, address=client_address(self.request))
        entry.update(where)
        audit(self.store, self.user, action, **entry)

    def url(self, page: str = "") -> str:
        return f"/console/events/{self.event.code}{page}"


def _event_page(capability: str) -> Any:
    def dependency(request: Request, code: str, console: ConsoleDep, user: UserDep) -> EventPage:
        return EventPage(request, console, user, event_for(console, user, code, capability))

    return Depends(dependency)


# The event's page, for a user who may view it, manage it, or export from it.
Viewing = Annotated[EventPage, _event_page(VIEW)]
Managing = Annotated[EventPage, _event_page(MANAGE)]
Exporting = Annotated[EventPage, _event_page(EXPORT)]
