"""The console's pages as an attacker sends requests (no browser): CSRF, roles, the
log-in limit, open redirects, a forged session cookie, markup in a proposal, the
public page's limit, a bundle of another event. Each must be refused or harmless."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kiosk.central import accounts
from kiosk.central.server import create_app
from kiosk.central.store import open_central
from kiosk.central.web import mount_console

PASSWORD = "a long enough password"


@pytest.fixture
def site(organiser) -> Any:
    accounts.LOGIN_FAILURES_PER_USER._hits.clear()
    accounts.LOGIN_FAILURES_PER_ADDRESS._hits.clear()
    folder = Path(organiser.folder)
    store = open_central(f"sqlite:///{folder / 'central.db'}")
    for name, role in (("admin", "admin"), ("viewer", "viewer"), ("mod", "moderator")):
        accounts.add_user(store, name, PASSWORD, role=role)
    app = create_app(store, folder)
    mount_console(app, store, folder)
    yield store, app
    store.close()


def token_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def logged_in(app: Any, username: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    token = token_of(client.get("/console/login").text)
    r = client.post(
        "/console/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return client, token_of(client.get("/console/").text)


def test_post_without_or_with_a_wrong_csrf_token_is_refused(site) -> None:
    _store, app = site
    client, token = logged_in(app, "admin")
    form = {"name": "x", "region": "", "venue": "", "starts": "2026-11-23T08:00",
            "ends": "2026-11-23T18:00", "lang_ar": "1"}  # fmt: skip
    assert client.post("/console/events/SM-2026/edit", data=form).status_code == 403
    bad = {**form, "csrf_token": token[:-2] + "xx"}
    assert client.post("/console/events/SM-2026/edit", data=bad).status_code == 403
    # Another session's token does not do either.
    _other, other_token = logged_in(app, "admin")
    assert (
        client.post(
            "/console/events/SM-2026/edit", data={**form, "csrf_token": other_token}
        ).status_code
        == 403
    )
    ok = client.post("/console/events/SM-2026/edit", data={**form, "csrf_token": token})
    assert ok.status_code == 200


def test_a_viewer_cannot_moderate_export_or_manage(site) -> None:
    from kiosk.central.devices import list_devices

    store, app = site
    client, token = logged_in(app, "viewer")
    assert client.get("/console/events/SM-2026/proposals").status_code == 200
    for path, data in (
        ("/console/events/SM-2026/exports", {"what": "attendance", "contacts": "1"}),
        ("/console/events/SM-2026/devices/approve", {"request_code": "X"}),
        ("/console/events/SM-2026/roster/revoke", {"attendee": "INV-7-000001"}),
        ("/console/events/SM-2026/edit", {"name": "mine"}),
    ):
        r = client.post(path, data={**data, "csrf_token": token})
        assert r.status_code == 403, path
    assert client.get("/console/events/SM-2026/exports").status_code == 403
    assert client.get("/console/events/SM-2026/pack").status_code == 403
    assert client.get("/console/events/new").status_code == 403
    assert client.get("/console/audit").status_code == 403
    assert list_devices(store, "SM-2026") == []


def test_a_moderator_exports_nothing_with_contacts(site) -> None:
    _store, app = site
    client, token = logged_in(app, "mod")
    r = client.post(
        "/console/events/SM-2026/exports",
        data={"what": "attendance", "fmt": "csv", "contacts": "1", "csrf_token": token},
    )
    assert r.status_code == 403


def test_log_in_is_rate_limited_and_audited(site) -> None:
    store, app = site
    client = TestClient(app)
    token = token_of(client.get("/console/login").text)
    codes = [
        client.post(
            "/console/login", data={"username": "admin", "password": "wrong", "csrf_token": token}
        ).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    right = client.post(
        "/console/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}
    )
    assert right.status_code == 429  # still locked out, right password or not
    actions = [r.action for r in accounts.audit_log(store)]
    assert actions.count("login_failed") == 5 and "login_blocked" in actions


def test_no_open_redirect_and_a_forged_cookie_is_nobody(site) -> None:
    _store, app = site
    client = TestClient(app)
    for target in ("https://evil.example/", "//evil.example/", "/console/\\\\evil"):
        r = client.get(f"/console/lang/ar?next={target}", follow_redirects=False)
        assert r.headers["location"] == "/console/", target
    forged = TestClient(app, cookies={"kiosk_console": "eyJ1c2VyX2lkIjogIngifQ==.x.y"})
    r = forged.get("/console/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/console/login"


def test_markup_in_a_proposal_is_shown_as_text(site, tmp_path: Path) -> None:
    import datetime as dt

    from kiosk.central.review import catch_up
    from kiosk.ids import new_id
    from kiosk.storage.models import Event, Proposal

    store, app = site
    with store.uow() as uow:
        event = uow.session.query(Event).one()
        uow.session.add(
            Proposal(
                id=new_id(), event_id=event.id, attendee_id=None, device_id=new_id(),
                theme_code="skills", language="fr", title="<script>alert(1)</script>",
                body="<img src=x onerror=alert(2)>", receipt_code="AAAA-BBBB",
                created_at=dt.datetime.now(dt.UTC),
            )
        )  # fmt: skip
        uow.commit()
    catch_up(store)
    client, _token = logged_in(app, "admin")
    page = client.get("/console/events/SM-2026/proposals").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_the_public_page_is_rate_limited_and_sets_no_cookie(site) -> None:
    from kiosk.central.web import public

    _store, app = site
    public.LOOKUPS._hits.clear()
    client = TestClient(app)
    codes = [client.get("/r/AAAA-BBBB").status_code for _ in range(31)]
    assert set(codes[:30]) == {404} and codes[30] == 429
    assert "set-cookie" not in client.get("/r").headers
    public.LOOKUPS._hits.clear()
