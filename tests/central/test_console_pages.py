"""Issue 16, the console's pages added after the first cut: accounts, badge re-issue,
assignee per theme, translated import reasons, the exports page's wording. HTTP tests
(no browser) with the roles and the CSRF token each page requires."""

from __future__ import annotations

import json
import re
from typing import Any

from kiosk.central import accounts, exports
from tests.central.test_console_http import PASSWORD, logged_in, site

__all__ = ["site"]


def in_language(client: Any, lang: str, path: str) -> str:
    r = client.get(f"/console/lang/{lang}?next={path}")
    assert r.status_code == 200, r.text
    return r.text


def test_exports_page_says_what_a_pseudonymised_export_leaves_out(site) -> None:
    _store, app = site
    client, _token = logged_in(app, "admin")
    page = in_language(client, "en", "/console/events/SM-2026/exports")
    for words in ("names", "organisations", "roster ids", "phone numbers",
                  "e-mail addresses", "receipt codes", "HMAC", "never kept"):  # fmt: skip
        assert words in page, words
    assert "no phone or e-mail." not in page  # the old line left names and codes unsaid
    # What it says is what the export does: those columns only with contacts.
    for column in ("name", "organisation", "external_id", "phone", "email", "receipt_code"):
        plain = (*exports.PROPOSAL_COLUMNS, *exports.ATTENDANCE_COLUMNS)
        full = (*exports.CONTACT_PROPOSAL_COLUMNS, *exports.CONTACT_ATTENDANCE_COLUMNS)
        assert column not in plain and column in full, column
    french = in_language(client, "fr", "/console/events/SM-2026/exports")
    assert "HMAC" in french and "Pseudonymised" not in french


def log_in(app: Any, username: str, password: str, totp: str = "") -> int:
    from fastapi.testclient import TestClient

    from tests.central.test_console_http import token_of

    client = TestClient(app)
    token = token_of(client.get("/console/login").text)
    form = {"username": username, "password": password, "totp": totp, "csrf_token": token}
    return client.post("/console/login", data=form, follow_redirects=False).status_code


ACCOUNT_POSTS = (
    ("/console/accounts/add", {"username": "mallory", "role": "admin"}),
    ("/console/accounts/role", {"username": "viewer", "role": "admin"}),
    ("/console/accounts/password", {"username": "admin", "password": "x" * 12}),
    ("/console/accounts/switch", {"username": "admin", "action": "disable"}),
    ("/console/accounts/switch", {"username": "admin", "action": "totp_on"}),
)


def test_only_an_admin_of_every_event_manages_accounts(site) -> None:
    from kiosk.central.accounts import add_user, authenticate, get_user

    store, app = site
    add_user(store, "local", PASSWORD, role="admin", event_code="SM-2026")
    for name in ("viewer", "mod", "local"):
        client, token = logged_in(app, name)
        assert client.get("/console/accounts").status_code == 403, name
        assert "/console/accounts" not in client.get("/console/").text
        for path, data in ACCOUNT_POSTS:
            assert client.post(path, data={**data, "csrf_token": token}).status_code == 403, path
    # An admin's request without the session's token changes nothing either.
    client, token = logged_in(app, "admin")
    assert "/console/accounts" in client.get("/console/").text
    for path, data in ACCOUNT_POSTS:
        assert client.post(path, data=data).status_code == 403, path
        assert client.post(path, data={**data, "csrf_token": "x" * 43}).status_code == 403
    assert get_user(store, "viewer").roles == {"*": "viewer"}
    assert authenticate(store, "admin", PASSWORD).username == "admin"
    assert [a.username for a in accounts.list_users(store)] == ["admin", "local", "mod", "viewer"]


def test_an_admin_adds_a_user_with_a_one_time_password_and_manages_it(site) -> None:
    import pyotp

    from kiosk.central.accounts import audit_log, get_user

    store, app = site
    client, token = logged_in(app, "admin")
    page = in_language(client, "en", "/console/accounts")
    assert 'id="account-viewer"' in page
    r = client.post("/console/accounts/add", data={
        "username": "nadia", "display_name": "Nadia", "role": "moderator",
        "event": "SM-2026", "csrf_token": token})  # fmt: skip
    assert r.status_code == 200 and "shown this once" in r.text
    password = re.search(r'id="one-time-password">([^<]+)<', r.text).group(1)
    assert len(password) == 23 and log_in(app, "nadia", password) == 303
    assert password not in client.get("/console/accounts").text  # shown once only
    event_id = next(iter(get_user(store, "nadia").roles))
    assert get_user(store, "nadia").roles == {event_id: "moderator"}
    # A role for every event, then the event's role taken away.
    post = lambda path, **data: client.post(path, data={**data, "csrf_token": token})  # noqa: E731
    assert post("/console/accounts/role", username="nadia", role="analyst").status_code == 200
    post("/console/accounts/role", username="nadia", role="none", event="SM-2026")
    assert get_user(store, "nadia").roles == {"*": "analyst"}
    # A password the admin sets.
    post("/console/accounts/password", username="nadia", password="the admin's choice")
    assert log_in(app, "nadia", password) == 401
    assert log_in(app, "nadia", "the admin's choice") == 303
    # A TOTP secret shown once; then the log-in needs its code; then off again.
    r = post("/console/accounts/switch", username="nadia", action="totp_on")
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', r.text).group(1)
    assert "otpauth://totp/" in r.text
    assert log_in(app, "nadia", "the admin's choice") == 401
    assert log_in(app, "nadia", "the admin's choice", pyotp.TOTP(secret).now()) == 303
    post("/console/accounts/switch", username="nadia", action="totp_off")
    assert log_in(app, "nadia", "the admin's choice") == 303
    # Disabled: no log-in, and a session already open ends; enabled again.
    session, _t = logged_in(app, "viewer")
    assert post("/console/accounts/switch", username="viewer", action="disable").status_code == 200
    assert "disabled" in client.get("/console/accounts").text
    assert session.get("/console/", follow_redirects=False).status_code == 303
    assert log_in(app, "viewer", PASSWORD) == 401
    post("/console/accounts/switch", username="viewer", action="enable")
    assert log_in(app, "viewer", PASSWORD) == 303
    actions = [(r.action, r.target) for r in audit_log(store) if r.username == "admin"]
    for expected in (("user_add", "nadia"), ("role_change", "nadia"), ("user_password", "nadia"),
                     ("user_totp", "nadia"), ("user_disable", "viewer"),
                     ("user_enable", "viewer")):  # fmt: skip
        assert expected in actions, expected


def test_account_changes_that_are_refused_say_why_in_the_page_language(site) -> None:
    from kiosk.central.accounts import get_user

    store, app = site
    client, token = logged_in(app, "admin")
    in_language(client, "fr", "/console/accounts")
    post = lambda path, **data: client.post(path, data={**data, "csrf_token": token})  # noqa: E731
    cases = (
        ("/console/accounts/switch", {"username": "admin", "action": "disable"}),  # oneself
        ("/console/accounts/role", {"username": "admin", "role": "viewer"}),  # own admin
        ("/console/accounts/add", {"username": "viewer"}),  # exists
        ("/console/accounts/add", {"username": "bad name!"}),
        ("/console/accounts/add", {"username": "short", "password": "short"}),
        ("/console/accounts/add", {"username": "x2", "role": "king"}),
        ("/console/accounts/add", {"username": "x3", "role": "viewer", "event": "NOPE"}),
        ("/console/accounts/role", {"username": "nobody", "role": "viewer"}),
    )
    for path, data in cases:
        r = post(path, **data)
        assert r.status_code == 422, (path, data)
        error = re.search(r'<p class="error" role="alert">([^<]+)</p>', r.text).group(1)
        assert error and "Traceback" not in r.text, (path, data)
        if data.get("action") == "disable":
            assert error == "Vous ne pouvez pas d\u00e9sactiver votre propre compte."
    assert [a.username for a in accounts.list_users(store)] == ["admin", "mod", "viewer"]
    assert get_user(store, "admin").roles == {"*": "admin"}


def test_user_commands_disable_and_one_time_password(organiser) -> None:
    printed = json.loads(organiser("user", "add", "omar", "--role", "viewer",
                                   "--generate-password", "--json"))  # fmt: skip
    password = printed["password"]
    assert len(password) == 23
    from kiosk.central.accounts import get_user
    from kiosk.central.store import open_central

    store = open_central(f"sqlite:///{organiser.folder / 'central.db'}")
    assert get_user(store, "omar").must_change_password
    store.close()
    text = organiser("user", "passwd", "omar", "--generate-password")
    assert "shown once" in text and password not in text
    organiser("user", "disable", "omar")
    listed = json.loads(organiser("user", "list", "--json"))
    assert listed == [{"username": "omar", "roles": {"*": "viewer"}, "totp": False,
                       "disabled": True}]  # fmt: skip
    assert "disabled" in organiser("user", "list")
    organiser("user", "enable", "omar")
    assert json.loads(organiser("user", "list", "--json"))[0]["disabled"] is False


def test_the_roster_page_reissues_a_badge_and_prints_that_one(site) -> None:
    from kiosk.central.accounts import audit_log
    from kiosk.central.organiser import roster_tokens, search_roster
    from kiosk.storage.models import Attendee

    store, app = site
    person = search_roster(store, "SM-2026", "INV-7-000002")[0][0]
    form = {"attendee": person.id}
    for name in ("viewer", "mod"):
        client, token = logged_in(app, name)
        path = "/console/events/SM-2026/roster/reissue"
        assert client.post(path, data={**form, "csrf_token": token}).status_code == 403
    client, token = logged_in(app, "admin")
    path = "/console/events/SM-2026/roster/reissue"
    assert client.post(path, data=form).status_code == 403  # no CSRF token
    roster = in_language(client, "en", "/console/events/SM-2026/roster?q=INV-7-000002")
    assert 'action="/console/events/SM-2026/roster/reissue"' in roster
    r = client.post(path, data={**form, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    new_id = r.headers["location"].split("attendee=")[1].split("&")[0]
    sheet = client.get(r.headers["location"])
    assert sheet.text.count('class="badge"') == 1 and 'id="reissued"' in sheet.text
    assert person.name in sheet.text
    tokens = {t.external_id: t.token for t in roster_tokens(store, "SM-2026")}
    with store.uow(readonly=True) as uow:
        new = uow.session.get(Attendee, new_id)
        assert new.external_id == person.external_id and new.name == person.name
        assert tokens[person.external_id] == new.badge_token
    assert client.get("/console/events/SM-2026/badges").text.count('class="badge"') == 300
    entry = audit_log(store, action="badge_reissue")[0]
    assert entry.detail == {"old": person.id, "new": new_id} and entry.username == "admin"
    # The old row is revoked: no second re-issue of it, said in the page's language.
    in_language(client, "fr", "/console/events/SM-2026/roster")
    again = client.post(path, data={**form, "csrf_token": token})
    assert again.status_code == 422 and 'role="alert"' in again.text
    assert "re-issue" not in again.text.split('role="alert"')[1]


def test_a_one_time_password_must_be_replaced_at_the_first_log_in(site) -> None:
    from fastapi.testclient import TestClient

    from kiosk.central.accounts import get_user
    from tests.central.test_console_http import token_of

    store, app = site
    admin, token = logged_in(app, "admin")
    r = admin.post("/console/accounts/add", data={"username": "samir", "csrf_token": token})
    once = re.search(r'id="one-time-password">([^<]+)<', r.text).group(1)
    assert get_user(store, "samir").must_change_password
    samir = TestClient(app)
    login = token_of(samir.get("/console/login").text)
    form = {"username": "samir", "password": once, "csrf_token": login}
    assert samir.post("/console/login", data=form, follow_redirects=False).status_code == 303
    for path in ("/console/", "/console/events/SM-2026/proposals", "/console/audit"):
        r = samir.get(path, follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (303, "/console/password"), path
    page = samir.get("/console/password")
    assert page.status_code == 200 and 'id="choose-password"' in page.text
    csrf = token_of(page.text)
    mismatch = {"password": "my own password", "again": "my own passw0rd", "csrf_token": csrf}
    assert samir.post("/console/password", data=mismatch).status_code == 422
    assert samir.post("/console/password", data={**mismatch, "again": "my own password"},
                      follow_redirects=False).status_code == 303  # fmt: skip
    assert samir.get("/console/", follow_redirects=False).status_code == 200
    assert not get_user(store, "samir").must_change_password
    assert log_in(app, "samir", once) == 401 and log_in(app, "samir", "my own password") == 303
    # A password the admin types is not a one-time one.
    chosen = {"username": "samir", "password": "set by the admin", "csrf_token": token}
    admin.post("/console/accounts/password", data=chosen)
    assert not get_user(store, "samir").must_change_password
