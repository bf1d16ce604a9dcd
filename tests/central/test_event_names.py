"""The event's name in each language and its public follow-up page: set by the
organiser (command line, console), carried by the signed pack (an older pack with one
name still reads), stored by the kiosk, shown in the page's or screen's language; the
receipt's link opens the console's public page. Hostile packs and addresses refused."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from kiosk.central.cli import main as central_main
from kiosk.central.keys import load_signing_key
from kiosk.domain.event import followup_link
from kiosk.domain.proposal import ProposalDraft
from kiosk.event_pack import PackError, write_pack
from kiosk.i18n import language
from kiosk.services.context import event_info
from kiosk.services.messages import status_lines
from kiosk.services.pack_setup import setup_from_pack
from kiosk.services.proposals import submit_proposal
from kiosk.services.status import kiosk_status
from kiosk.storage import Store
from kiosk.storage.models import Event
from kiosk.storage.settings import EVENT_ID

AR_NAME = "\u062c\u0644\u0633\u0629 \u0633\u0648\u0633 \u0645\u0627\u0633\u0629"
FR_NAME = "S\u00e9ance Souss-Massa"
ZGH_NAME = "\u2d30\u2d4e\u2d59\u2d4d\u2d30\u2d62 \u2d59\u2d53\u2d59"
BASE = "https://consultation.gov.ma"


def set_names(organiser: Any, *extra: str) -> None:
    organiser(
        "event", "update", "SM-2026", "--region", "Souss-Massa", "--venue", "Agadir",
        "--starts", "2026-11-23T08:00", "--ends", "2026-11-23T18:00",
        "--name-ar", AR_NAME, "--name-fr", FR_NAME, "--name-zgh", ZGH_NAME, *extra,
    )  # fmt: skip


def pack_bytes(organiser: Any, tmp_path: Path) -> bytes:
    out = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(out))
    return out.read_bytes()


def kiosk_from(organiser: Any, data: bytes, settings: Any, store: Store | None = None) -> Store:
    store = store or Store(settings.db_url)
    setup_from_pack(store, data, name="hall", role="proposals", keys_dir=settings.keys_dir,
                    passphrase=organiser.passphrase)  # fmt: skip
    return store


def resigned(organiser: Any, data: bytes, change: Any) -> bytes:
    """The pack's document changed by ``change`` and signed again by the organiser (what
    an older release wrote, or what a hostile organiser key could sign)."""
    envelope = json.loads(data)
    document = json.loads(base64.b64decode(envelope["payload"]))
    change(document["event"])
    return write_pack(document, load_signing_key(organiser.folder))


def test_the_names_and_follow_up_page_reach_the_kiosk(organiser, tmp_path, settings) -> None:
    set_names(organiser, "--followup-url", BASE + "/")
    store = kiosk_from(organiser, pack_bytes(organiser, tmp_path), settings)
    try:
        with store.uow(readonly=True) as uow:
            info = event_info(uow)
        # With no --name, the one name follows the first language's (shown in English,
        # which has none of its own).
        assert info.name == AR_NAME
        assert [info.name_in(lang) for lang in ("ar", "fr", "zgh", "en")] == [
            AR_NAME, FR_NAME, ZGH_NAME, AR_NAME
        ]  # fmt: skip
        assert info.followup_url == BASE
        status = kiosk_status(store)
        with language("ar"):
            assert AR_NAME in status_lines(status)[0]
        with language("zgh"):
            assert ZGH_NAME in status_lines(status)[0]
    finally:
        store.close()


def test_an_older_pack_names_the_event_alike_in_every_language(
    organiser, tmp_path, settings
) -> None:
    set_names(organiser, "--followup-url", BASE)

    def older(event: dict[str, Any]) -> None:
        del event["names"], event["followup_url"]

    data = resigned(organiser, pack_bytes(organiser, tmp_path), older)
    store = kiosk_from(organiser, data, settings)
    try:
        with store.uow(readonly=True) as uow:
            info = event_info(uow)
        assert {info.name_in(lang) for lang in ("ar", "fr", "zgh", "en")} == {AR_NAME}
        assert info.followup_url == ""
        receipt = submit_proposal(store, ProposalDraft("skills", "fr", "Titre", "Texte"))
        assert followup_link(info.followup_url, receipt.receipt_code) == receipt.receipt_code
    finally:
        store.close()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("names", ["not", "a", "mapping"]),
        ("names", {"de": "Sitzung"}),
        ("names", {"ar": 7}),
        ("names", {"fr": "x" * 301}),
        ("names", {"fr": "S\u0085ance"}),  # a C1 control (next line)
        ("followup_url", "javascript:alert(1)"),
        ("followup_url", "https://user:pw@consultation.gov.ma"),
        ("followup_url", "https://consultation.gov.ma/?track=1"),
        ("followup_url", "https://consultation.gov.ma/#x"),
        ("followup_url", "https://consultation.gov.ma/\u0627"),
        ("followup_url", "https://consultation.gov.ma/ r"),
        ("followup_url", "https://" + "a" * 200 + ".ma"),
        ("followup_url", 42),
    ],
)
def test_a_pack_with_hostile_names_or_address_is_refused_whole(
    organiser, tmp_path, settings, key: str, value: Any
) -> None:
    def hostile(event: dict[str, Any]) -> None:
        event[key] = value

    data = resigned(organiser, pack_bytes(organiser, tmp_path), hostile)
    store = Store(settings.db_url)
    try:
        with pytest.raises(PackError) as caught:
            kiosk_from(organiser, data, settings, store)
        assert caught.value.code == "bad_pack"
        with store.uow(readonly=True) as uow:
            assert uow.setting(EVENT_ID) == ""  # nothing of it was stored
    finally:
        store.close()


@pytest.mark.parametrize(
    "args",
    [
        ("--followup-url", "ftp://consultation.gov.ma"),
        ("--name-fr", "S\u00e9ance\u0007"),
    ],
)
def test_a_bad_name_or_address_on_the_command_line_is_one_line(
    organiser, capsys, args: tuple[str, ...]
) -> None:
    code = central_main(["--data-dir", str(organiser.folder), "event", "update", "SM-2026",
                         "--region", "", "--venue", "", "--starts", "2026-11-23T08:00",
                         "--ends", "2026-11-23T18:00", *args])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_console_pages_name_the_event_in_their_language(organiser) -> None:
    from kiosk.central import accounts
    from kiosk.central.server import create_app
    from kiosk.central.store import open_central
    from kiosk.central.web import mount_console
    from tests.central.test_console_http import PASSWORD, logged_in

    set_names(organiser)
    accounts.LOGIN_FAILURES_PER_USER._hits.clear()
    accounts.LOGIN_FAILURES_PER_ADDRESS._hits.clear()
    store = open_central(f"sqlite:///{organiser.folder / 'central.db'}")
    try:
        accounts.add_user(store, "admin", PASSWORD, role="admin")
        app = create_app(store, organiser.folder)
        mount_console(app, store, organiser.folder)
        client, token = logged_in(app, "admin")
        for lang, name in (("ar", AR_NAME), ("fr", FR_NAME), ("zgh", ZGH_NAME)):
            client.get(f"/console/lang/{lang}")
            for path in ("/console/", "/console/events/SM-2026", "/console/national",
                         "/console/events/SM-2026/badges"):  # fmt: skip
                page = client.get(path).text
                assert name in page, (lang, path)
        # The edit form shows each language's name in its own field.
        form = client.get("/console/events/SM-2026/edit").text
        assert f'value="{AR_NAME}"' in form and f'value="{FR_NAME}"' in form
        # Saved from the form: the names and the follow-up address; a hostile address
        # is one line on the page and changes nothing.
        fields = {"region": "Souss-Massa", "venue": "Agadir", "starts": "2026-11-23T08:00",
                  "ends": "2026-11-23T18:00", "lang_ar": "1", "lang_fr": "1",
                  "name_ar": AR_NAME, "name_fr": "S\u00e9ance d'Agadir",
                  "csrf_token": token}  # fmt: skip
        saved = client.post("/console/events/SM-2026/edit", data={**fields, "followup_url": BASE})
        assert saved.status_code == 200
        bad = client.post(
            "/console/events/SM-2026/edit", data={**fields, "followup_url": "javascript:alert(1)"}
        )
        assert bad.status_code == 422 and 'role="alert"' in bad.text
        with store.uow(readonly=True) as uow:
            event = uow.session.query(Event).one()
            assert event.followup_url == BASE
            # A field the form leaves blank (here: not sent) removes that language's name.
            assert event.names == {"ar": AR_NAME, "fr": "S\u00e9ance d'Agadir"}
    finally:
        store.close()


def test_the_receipt_link_opens_the_public_page(organiser, tmp_path, settings) -> None:
    """Issue 16: the QR code's address, followed from home, is the console's public
    follow-up page of that very proposal (and holds nothing but the receipt code)."""
    from kiosk.central.review import update_review
    from kiosk.central.server import create_app
    from kiosk.central.store import open_central
    from kiosk.central.web import mount_console, public
    from kiosk.services.sync import export_bundle

    set_names(organiser, "--followup-url", BASE)
    store = kiosk_from(organiser, pack_bytes(organiser, tmp_path), settings)
    try:
        organiser.enrol(store, settings.keys_dir)
        receipt = submit_proposal(
            store, ProposalDraft("skills", "fr", "Des ateliers", "Dans chaque commune.")
        )
        with store.uow(readonly=True) as uow:
            link = followup_link(event_info(uow).followup_url, receipt.receipt_code)
        bundle = export_bundle(store, settings.keys_dir, tmp_path / "out")
        assert bundle is not None
    finally:
        store.close()
    assert link == f"{BASE}/r/{receipt.receipt_code}"
    parts = urlsplit(link)
    assert (parts.query, parts.fragment, parts.username) == ("", "", None)
    organiser("import", str(bundle.path))
    central = open_central(f"sqlite:///{organiser.folder / 'central.db'}")
    try:
        from kiosk.central.review import ProposalFilter, catch_up, list_proposals

        catch_up(central)
        [row] = list_proposals(central, ProposalFilter.from_params({"event": "SM-2026"})).rows
        update_review(central, row.id, by=None, state="accepted",
                      answer="Retenue pour 2027.", publish=True)  # fmt: skip
        app = create_app(central, organiser.folder)
        mount_console(app, central, organiser.folder)
        public.LOOKUPS._hits.clear()
        page = TestClient(app).get(parts.path)
        assert page.status_code == 200
        assert "Retenue pour 2027." in page.text
        assert "set-cookie" not in page.headers
    finally:
        public.LOOKUPS._hits.clear()
        central.close()
