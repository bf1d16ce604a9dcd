"""Acceptance walk of the organiser console in a real browser (issue 16, acceptance 1
and 2): log in, create an event with themes, upload a roster with bad rows, approve two
kiosks by their codes, upload their bundles, watch attendance change, filter and search
proposals in Arabic and French, hide one, change a review state, export a filtered CSV
holding exactly the filtered rows, see each action in the audit log, publish an answer
and read it anonymously from the receipt code; a viewer gets 403 on moderation and
exports, a POST without the CSRF token is refused. Screenshots of every page in Arabic
and French at 1366x768 go to out/console/."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import ADMIN_PASSWORD, SCREENSHOTS, VIEWER_PASSWORD, ConsoleServer

pytestmark = pytest.mark.slow

EVENT = "WEB-2026"
# "school" in Arabic written with a hamza-alef and a kasra (as a kiosk user might), and
# searched for in its bare form: the folding finds it.
AR_TITLE = (
    "\u0625\u0635\u0644\u0627\u062d \u0627\u0644\u0645\u062f\u0631\u0633\u0629 "
    "\u0627\u0644\u0631\u0642\u0645\u064a\u0629"
)
AR_BODY = (
    "\u0646\u0631\u064a\u062f \u0625\u0646\u062a\u0631\u0646\u062a \u0641\u064a "
    "\u0643\u0644 \u0645\u062f\u0631\u0633\u0629\u0650"
)
AR_QUERY = "\u0627\u0635\u0644\u0627\u062d"  # bare alef
FR_TITLE = "Former les jeunes au num\u00e9rique"
BAD_ROWS = (
    "BAD-1,,Nobody,Org,citizen,Tiznit,,,fr\n"  # blank name
    "BAD-2,Someone,Someone,Org,astronaut,Tiznit,,,fr\n"  # unknown category
    "INV-7-000000,Twice,Twice,Org,citizen,Tiznit,,,fr\n"  # duplicate external id
)


def csrf_of(page: Any) -> str:
    return str(page.locator("input[name=csrf_token]").first.get_attribute("value"))


def log_in(page: Any, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/console/")


def make_kiosk(tmp_path: Path, name: str, server: ConsoleServer) -> tuple[Any, Any, str]:
    """A kiosk set up from the event's pack, its enrolment request received by the
    platform (as over HTTP); returns the store, its settings and the code it shows."""
    from kiosk.central.devices import receive_request
    from kiosk.central.organiser import build_pack
    from kiosk.config import load_settings
    from kiosk.enrolment import read_request
    from kiosk.services.enrol import enrolment_request
    from kiosk.services.pack_setup import setup_from_pack
    from kiosk.storage import Store

    built = build_pack(server.store, EVENT, server.folder)
    cfg = load_settings(tmp_path / name)
    store = Store(cfg.db_url)
    setup_from_pack(
        store, built.data, name=name, role="both", keys_dir=cfg.keys_dir,
        passphrase=built.passphrase,
    )  # fmt: skip
    request = enrolment_request(store, cfg.keys_dir)
    receive_request(server.store, request)
    return store, cfg, read_request(request).code


def test_the_organiser_walk(console_server: ConsoleServer, browser: Any, tmp_path: Path) -> None:
    from kiosk.central.organiser import roster_tokens
    from kiosk.central.review import ProposalFilter, filtered_ids
    from kiosk.domain.proposal import ProposalDraft
    from kiosk.services.checkin import check_in
    from kiosk.services.proposals import submit_proposal
    from kiosk.services.sync import export_bundle

    server = console_server
    url = server.url
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    page = context.new_page()

    # A POST without the CSRF token is refused, even the log-in.
    page.goto(f"{url}/console/login")
    refused = page.request.post(
        f"{url}/console/login", form={"username": "admin", "password": ADMIN_PASSWORD}
    )
    assert refused.status == 403
    log_in(page, url, "admin", ADMIN_PASSWORD)

    # The viewer used below is made on the Accounts page (a password the admin sets),
    # a second account with a one-time password shown once.
    page.click("a[href='/console/accounts']")
    for username, password in (("viewer", VIEWER_PASSWORD), ("helper", "")):
        page.fill("#add-account input[name=username]", username)
        page.fill("#add-account input[name=password]", password)
        page.select_option("#add-account select[name=role]", "viewer")
        page.click("#add-account button[type=submit]")
    once = page.locator("#one-time-password").inner_text()
    assert len(once) == 23
    assert page.locator("#account-viewer .tag").first.inner_text().startswith("lecteur")
    page.goto(f"{url}/console/")

    # Create an event, then give it a seventh theme in four languages.
    page.click("a[href='/console/events/new']")
    page.fill("input[name=code]", EVENT)
    page.fill("input[name=name_fr]", "Session Souss-Massa")
    page.fill(
        "input[name=name_ar]",
        "\u062c\u0644\u0633\u0629 \u0633\u0648\u0633 \u0645\u0627\u0633\u0629",
    )
    page.fill("input[name=region]", "Souss-Massa")
    page.fill("input[name=venue]", "Agadir")
    page.fill("input[name=starts]", "2026-11-23T08:00")
    page.fill("input[name=ends]", "2026-11-23T18:00")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/console/events/{EVENT}/edit")
    new_row = page.locator("input[name$='_code'][type=text]")
    new_row.fill("water")
    index = new_row.get_attribute("name").split("_")[1]
    for lang, title in (
        ("ar", "\u0627\u0644\u0645\u0627\u0621"),
        ("fr", "L'eau"),
        ("zgh", "\u2d30\u2d4e\u2d30\u2d4f"),
        ("en", "Water"),
    ):
        page.fill(f"input[name=theme_{index}_{lang}]", title)
    page.click("button[type=submit]")
    assert page.locator(".ok").count() == 1
    page.goto(f"{url}/console/events/{EVENT}")
    assert page.locator("td", has_text="L'eau").count() == 1

    # The roster with three bad rows: each rejected with its line and reason.
    sample = Path("/work/shared/data/sample/roster.csv")
    roster = tmp_path / "roster.csv"
    roster.write_bytes(sample.read_bytes().rstrip(b"\n") + b"\n" + BAD_ROWS.encode())
    page.goto(f"{url}/console/events/{EVENT}/roster")
    page.set_input_files("input[name=file]", str(roster))
    page.click("form[enctype] button[type=submit]")
    results = page.locator("#roster-results")
    assert results.locator("tr.rejected").count() == 3
    assert results.locator("tr.accepted").count() == 300
    page.fill("input[name=q]", "Salma Idrissi")
    page.click(".filters button")
    assert "Salma Idrissi" in page.locator("table").last.inner_text()
    # She lost her badge: a new one, printed alone; the lost one is revoked.
    page.click("form[action$='/roster/reissue'] button")
    page.wait_for_selector("#reissued")
    assert page.locator(".badge").count() == 1
    assert "Salma Idrissi" in page.locator(".badge").inner_text()
    reissued_url = page.url.removeprefix(url)

    # Two kiosks ask to enrol; the organiser approves each by the code it shows.
    kiosk_a, cfg_a, code_a = make_kiosk(tmp_path, "door-A", server)
    kiosk_b, cfg_b, code_b = make_kiosk(tmp_path, "hall-B", server)
    for code, name in ((code_a, "Porte A"), (code_b, "Salle B")):
        page.goto(f"{url}/console/events/{EVENT}/devices")
        page.fill("input[name=request_code]", code)
        page.fill("input[name=name]", name)
        page.click("form[action$='/approve'] button")
        assert page.locator(".ok").count() == 1
    assert page.locator("input[name=device]").count() == 2

    # They work the day: check-ins on both, proposals in Arabic and in French.
    # (The lost badge's row has no external id any more: it is left out.)
    tokens = [t for t in roster_tokens(server.store, EVENT) if t.external_id]
    for row in tokens[:40]:
        check_in(kiosk_a, row.token)
    for row in tokens[30:50]:
        check_in(kiosk_b, row.token)
    for i in range(3):
        submit_proposal(
            kiosk_a, ProposalDraft("skills", "ar", f"{AR_TITLE} {i}", AR_BODY, consent_publish=True)
        )
    for i in range(4):
        submit_proposal(
            kiosk_b,
            ProposalDraft(
                "digital_inclusion", "fr", f"{FR_TITLE} {i}", "Des ateliers.", consent_publish=True
            ),
        )
    usb = tmp_path / "usb"
    bundles = [
        export_bundle(kiosk_a, cfg_a.keys_dir, usb),
        export_bundle(kiosk_b, cfg_b.keys_dir, usb),
    ]
    junk = usb / "junk.kbundle"
    junk.write_bytes(b"not a bundle")

    page.goto(f"{url}/console/events/{EVENT}/attendance")
    assert page.locator("#checked-in b").inner_text() == "0"
    page.goto(f"{url}/console/events/{EVENT}/bundles")
    page.set_input_files(
        "input[name=files]", [str(b.path) for b in bundles if b is not None] + [str(junk)]
    )
    page.click("#upload button[type=submit]")
    page.wait_for_selector("#outcomes")
    outcomes = page.locator("#outcomes").inner_text()
    assert outcomes.count("junk.kbundle") == 1
    page.goto(f"{url}/console/events/{EVENT}/bundles")
    assert page.locator("form[action$='/reimport']").count() == 1  # the junk, quarantined
    page.goto(f"{url}/console/events/{EVENT}/attendance")
    assert page.locator("#checked-in b").inner_text() == "50"

    # The admin reviews the skills theme: its three Arabic proposals are assigned to them.
    page.goto(f"{url}/console/events/{EVENT}/proposals")
    page.click("a[href$='/reviewers']")
    page.select_option("#theme-skills select[name=username]", "admin")
    page.click("#theme-skills button")
    page.goto(f"{url}/console/events/{EVENT}/proposals")
    page.check("#filters input[name=assignee]")
    page.click("#filters button[type=submit]")
    assert page.locator("#proposals tr").count() == 4  # header + 3

    # Proposals: Arabic search folds the alef; the French filter keeps the four.
    page.goto(f"{url}/console/events/{EVENT}/proposals")
    assert page.locator("#proposals tr").count() == 8  # header + 7
    page.fill("input[name=q]", AR_QUERY)
    page.click("#filters button[type=submit]")
    assert page.locator("#proposals tr").count() == 4
    assert page.locator("#proposals td[dir=rtl] a").count() == 3
    page.goto(f"{url}/console/events/{EVENT}/proposals?language=fr")
    assert page.locator("#proposals tr").count() == 5
    page.fill("input[name=q]", "jeunes 2")
    page.click("#filters button[type=submit]")
    assert page.locator("#proposals tr").count() == 2

    # Hide one French proposal, put an Arabic one under review.
    page.goto(f"{url}/console/events/{EVENT}/proposals?language=fr&q=jeunes+3")
    page.click("#proposals a")
    page.fill("#hide input[name=reason]", "doublon")
    page.click("#hide button")
    assert page.locator(".tag.hidden").count() == 1
    page.goto(f"{url}/console/events/{EVENT}/proposals?q={AR_QUERY}+0")
    page.click("#proposals a")
    ar_url = page.url
    assert page.locator("#proposal-text").get_attribute("dir") == "rtl"
    page.select_option("#review select[name=state]", "under_review")
    page.fill("#review textarea[name=note]", "voir avec la DGSN")
    page.click("#review button")
    assert page.locator("#state").inner_text() != ""

    # Filtered export: exactly the proposals the filter shows (the hidden one is out).
    page.goto(f"{url}/console/events/{EVENT}/proposals?language=fr")
    assert page.locator("#proposals tr").count() == 4
    page.click("a[href*='/exports?']")
    with page.expect_download() as info:
        page.click("#export button[type=submit]")
    exported = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    ids = [row["id"] for row in csv.DictReader(io.StringIO(exported))]
    wanted = filtered_ids(server.store, ProposalFilter(event=EVENT, language="fr"))
    assert sorted(ids) == sorted(wanted) and len(ids) == 3

    # Publish an answer to the Arabic proposal; read it anonymously by the receipt.
    page.goto(ar_url)
    page.fill("#answer textarea", "\u0634\u0643\u0631\u0627 \u0644\u0643\u0645")
    page.click("#answer button[value=publish]")
    receipt = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", page.locator("#meta").inner_text())
    assert receipt is not None
    anonymous = browser.new_context(viewport={"width": 1366, "height": 768})
    visitor = anonymous.new_page()
    visitor.goto(f"{url}/r/{receipt.group(0)}")
    assert "\u0634\u0643\u0631\u0627" in visitor.locator("#answer").inner_text()
    assert visitor.locator("html").get_attribute("dir") == "rtl"
    assert visitor.context.cookies() == []  # no session for a visitor
    assert visitor.goto(f"{url}/r/ZZZZ-ZZZZ").status == 404
    shoot(visitor, "followup", ("ar",), url, f"/r/{receipt.group(0)}")
    anonymous.close()

    # The audit log shows each action.
    page.goto(f"{url}/console/audit")
    tags = page.locator("#audit .tag")
    actions = {tags.nth(i).get_attribute("title") for i in range(tags.count())}
    assert {
        "login", "event_create", "event_edit", "roster_import", "device_approve",
        "bundle_import", "hide", "review_state", "note", "export", "answer_publish",
        "user_add", "role_change", "badge_reissue", "theme_reviewer",
    } <= actions  # fmt: skip
    assert "proposition masqu\u00e9e" in page.locator("#audit").inner_text()  # in French

    # A POST without the CSRF token is refused and changes nothing.
    proposal_id = ar_url.rsplit("/", 1)[1]
    no_token = page.request.post(ar_url, form={"action": "hide", "reason": "x"})
    assert no_token.status == 403
    page.goto(ar_url)
    assert page.locator(".tag.hidden").count() == 0

    # Screenshots of every page in Arabic and French.
    for name, path in (
        ("events", "/console/"),
        ("national", "/console/national"),
        ("event", f"/console/events/{EVENT}"),
        ("event-edit", f"/console/events/{EVENT}/edit"),
        ("roster", f"/console/events/{EVENT}/roster"),
        ("devices", f"/console/events/{EVENT}/devices"),
        ("bundles", f"/console/events/{EVENT}/bundles"),
        ("attendance", f"/console/events/{EVENT}/attendance"),
        ("proposals", f"/console/events/{EVENT}/proposals"),
        ("proposal", f"/console/events/{EVENT}/proposals/{proposal_id}"),
        ("exports", f"/console/events/{EVENT}/exports"),
        ("audit", "/console/audit"),
        ("accounts", "/console/accounts"),
        ("badge-reissued", reissued_url),
        ("reviewers", f"/console/events/{EVENT}/reviewers"),
        ("proposals-mine", f"/console/events/{EVENT}/proposals?assignee=admin"),
    ):
        shoot(page, name, ("ar", "fr"), url, path)
    context.close()

    # A viewer reads, but cannot moderate or export (HTTP 403).
    viewer_context = browser.new_context(viewport={"width": 1366, "height": 768})
    viewer = viewer_context.new_page()
    log_in(viewer, url, "viewer", VIEWER_PASSWORD)
    viewer.goto(f"{url}/console/events/{EVENT}/proposals")
    assert viewer.locator("#proposals tr").count() == 7
    token = csrf_of(viewer)
    moderation = viewer.request.post(
        ar_url, form={"action": "hide", "reason": "x", "csrf_token": token}
    )
    assert moderation.status == 403
    assert viewer.goto(f"{url}/console/events/{EVENT}/exports").status == 403
    contacts = viewer.request.post(
        f"{url}/console/events/{EVENT}/exports",
        form={"what": "attendance", "fmt": "csv", "contacts": "1", "csrf_token": token},
    )
    assert contacts.status == 403
    viewer_context.close()

    # The helper's one-time password opens only the page where they choose their own.
    helper_context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ar")
    helper = helper_context.new_page()
    helper.goto(f"{url}/console/login")
    helper.fill("input[name=username]", "helper")
    helper.fill("input[name=password]", once)
    helper.click("button[type=submit]")
    helper.wait_for_url(f"{url}/console/password")
    shoot(helper, "password", ("ar", "fr"), url, "/console/password")
    helper.fill("#choose-password input[name=password]", "the helper's own password")
    helper.fill("#choose-password input[name=again]", "the helper's own password")
    helper.click("#choose-password button")
    helper.wait_for_url(f"{url}/console/")
    helper_context.close()
    shoot_login(browser, url)
    kiosk_a.close()
    kiosk_b.close()


def shoot(page: Any, name: str, langs: tuple[str, ...], url: str, path: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        page.goto(f"{url}/console/lang/{lang}?next=/console/")
        page.goto(f"{url}{path}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        page.screenshot(path=str(SCREENSHOTS / f"{lang}-{name}.png"))


def shoot_login(browser: Any, url: str) -> None:
    for lang in ("ar", "fr"):
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.goto(f"{url}/console/lang/{lang}?next=/console/login")
        page.screenshot(path=str(SCREENSHOTS / f"{lang}-login.png"))
        context.close()
