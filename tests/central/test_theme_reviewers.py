"""Issue 16, the reviewer of each theme: an organiser names who reviews a theme; the
theme's unassigned proposals get that assignee at once and new ones as they are merged;
the proposals page filters on "assigned to me". Commands, pages, roles, CSRF, audit."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from kiosk.central import accounts
from kiosk.central.cli import main
from kiosk.central.review import catch_up, update_review
from kiosk.central.store import open_central
from kiosk.ids import new_id
from kiosk.storage.models import Event, Proposal
from tests.central.test_console_http import PASSWORD, logged_in, site

__all__ = ["site"]
START = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def add_proposals(store: Any, theme: str, n: int) -> list[str]:
    """``n`` merged proposals of ``theme`` in SM-2026 (as the merge writes them)."""
    ids = []
    with store.uow() as uow:
        event_id = uow.session.query(Event.id).filter(Event.code == "SM-2026").scalar()
        for i in range(n):
            proposal_id = new_id()
            uow.session.add(Proposal(
                id=proposal_id, event_id=event_id, attendee_id=None,
                device_id="01a20707-3187-7c24-977d-8fa5b3b1e0a1", theme_code=theme,
                language="fr", title=f"{theme} {i}", body="Texte", age_band="", province="",
                profile="", consent_publish=False, receipt_code=f"R{proposal_id[-7:]}",
                created_at=START + dt.timedelta(minutes=i), training=False,
            ))  # fmt: skip
            ids.append(proposal_id)
        uow.commit()
    return ids


def assignees(store: Any, ids: list[str]) -> list[str]:
    from kiosk.central.models import ProposalReview

    catch_up(store)
    with store.uow(readonly=True) as uow:
        return [uow.session.get(ProposalReview, i).assignee for i in ids]


@pytest.fixture
def store(organiser) -> Any:
    store = open_central(f"sqlite:///{Path(organiser.folder) / 'central.db'}")
    accounts.add_user(store, "mod", PASSWORD, role="moderator", event_code="SM-2026")
    accounts.add_user(store, "vera", PASSWORD, role="viewer")
    yield store
    store.close()


def test_a_theme_reviewer_gets_its_unassigned_and_new_proposals(organiser, store) -> None:
    skills, other = add_proposals(store, "skills", 3), add_proposals(store, "other", 2)
    update_review(store, skills[0], by=None, assignee="someone")  # assigned by hand
    done = json.loads(organiser("reviewer", "set", "SM-2026", "skills", "mod", "--json"))
    assert done["assigned"] == 2
    assert assignees(store, skills) == ["someone", "mod", "mod"]
    assert assignees(store, other) == ["", ""]
    # A new proposal of the theme, merged later, is the reviewer's; another theme's not.
    later = add_proposals(store, "skills", 1) + add_proposals(store, "other", 1)
    assert assignees(store, later) == ["mod", ""]
    listed = json.loads(organiser("proposals", "list", "SM-2026", "--assignee", "mod", "--json"))
    assert listed["total"] == 3
    assert json.loads(organiser("reviewer", "list", "SM-2026", "--json")) == {"skills": "mod"}
    # Nobody again: new ones stay unassigned, the given ones keep their assignee.
    organiser("reviewer", "set", "SM-2026", "skills")
    assert assignees(store, add_proposals(store, "skills", 1)) == [""]
    assert assignees(store, skills) == ["someone", "mod", "mod"]
    entries = accounts.audit_log(store, action="theme_reviewer")
    assert [e.detail for e in entries] == [{"username": "", "assigned": 0},
                                           {"username": "mod", "assigned": 2}]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("skills", "vera"), "not_a_reviewer"),  # a viewer reviews nothing
        (("astronomy", "mod"), "unknown_theme"),
        (("skills", "nobody"), "unknown_user"),
    ],
)
def test_a_reviewer_that_cannot_be_set_says_why(organiser, store, capsys, args, code) -> None:
    base = ["--data-dir", str(organiser.folder), "reviewer", "set", "SM-2026", *args]
    assert main([*base, "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"] == code
    assert main(["--ui-language", "ar", *base]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert json.loads(organiser("reviewer", "list", "SM-2026", "--json")) == {}


def test_the_reviewers_page_and_assigned_to_me(site) -> None:
    store, app = site
    accounts.add_user(store, "mod2", PASSWORD, role="moderator", event_code="SM-2026")
    skills = add_proposals(store, "skills", 2)
    add_proposals(store, "other", 3)
    path = "/console/events/SM-2026/reviewers"
    form = {"theme": "skills", "username": "mod2"}
    for name in ("viewer", "mod"):
        client, token = logged_in(app, name)
        assert client.get(path).status_code == 403, name
        assert client.post(path, data={**form, "csrf_token": token}).status_code == 403
    client, token = logged_in(app, "admin")
    assert client.post(path, data=form).status_code == 403  # no CSRF token
    page = client.get(path).text
    assert 'id="theme-skills"' in page and '<option value="mod2"' in page
    assert '<option value="viewer"' not in page  # only who may review
    r = client.post(path, data={**form, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert 'value="mod2" dir="ltr" selected' in client.get(path).text
    bad = client.post(path, data={"theme": "skills", "username": "viewer", "csrf_token": token})
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    # mod2 filters on "assigned to me": the two skills proposals only.
    mine, _token = logged_in(app, "mod2")
    listing = mine.get("/console/events/SM-2026/proposals?assignee=mod2").text
    assert 'name="assignee" value="mod2" checked' in listing
    assert listing.count("/console/events/SM-2026/proposals/") == 2
    assert all(i in listing for i in skills)
    assert mine.get("/console/events/SM-2026/proposals").text.count("/SM-2026/proposals/") == 5
    # The filter goes to the export as the page's other filters do: those two rows only.
    form = {"fmt": "csv", "what": "filtered", "csrf_token": token}
    exported = client.post("/console/events/SM-2026/exports?assignee=mod2", data=form)
    rows = exported.content.decode("utf-8-sig").strip().splitlines()[1:]
    assert exported.status_code == 200 and sorted(r.split(",")[0] for r in rows) == sorted(skills)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'central.db'}"
    return str(request.getfixturevalue("pg_url"))


def test_a_c0001_database_gets_c0002_and_keeps_its_rows(any_url: str, tmp_path: Path) -> None:
    """Migration c0002 on a console database of before it (the reviewer table, the import
    log's entry at fault): rows kept, and on SQLite a copy taken first."""
    from alembic import command
    from sqlalchemy import inspect

    from kiosk.central.store import central_config, central_revision

    store = open_central(any_url)
    accounts.add_user(store, "kept", PASSWORD, role="viewer")
    command.downgrade(central_config(store.engine), "c0001")  # the row stays
    assert "theme_reviewer" not in inspect(store.engine).get_table_names()
    store.close()
    store = open_central(any_url, backups_dir=tmp_path / "backups")
    try:
        assert central_revision(store.engine) == "c0002"
        assert "theme_reviewer" in inspect(store.engine).get_table_names()
        columns = {c["name"] for c in inspect(store.engine).get_columns("bundle_import")}
        assert "fault_seq" in columns
        kept = accounts.get_user(store, "kept")
        assert kept.roles == {"*": "viewer"} and not kept.must_change_password
        if any_url.startswith("sqlite"):
            assert list((tmp_path / "backups").iterdir())  # the copy taken before
    finally:
        store.close()
