"""Issue 16, import-log reasons in the reader's language: a refused bundle's reason is
kept as its code (and entry), shown translated on the bundles page and by
``kiosk-central import``; an older log line, stored in English, still reads as it was."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.central.cli import main
from kiosk.central.import_reasons import REASONS, reason_text
from kiosk.central.models import BundleImport
from kiosk.i18n import gettext_for
from kiosk.ids import new_id
from tests.central.test_console_http import logged_in, site

__all__ = ["site"]
ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("kiosk/sync/bundle.py", "kiosk/sync/records.py", "kiosk/central/merge.py",
           "kiosk/central/devices.py", "kiosk/central/web/bundles.py")  # fmt: skip
RAISED = re.compile(r'(?:_bad|_deny|_refuse|RecordError)\(\s*"([a-z_]+)"|code="([a-z_]+)"')
NOT_BUNDLE_CODES = {"bad_bundle", "too_many", "unknown_request", "unknown_device", "bad_role"}


def test_every_refusal_code_has_words_in_each_language() -> None:
    raised = set()
    for name in SOURCES:
        for found in RAISED.finditer((ROOT / name).read_text("utf-8")):
            raised.add(found.group(1) or found.group(2))
    missing = raised - set(REASONS) - NOT_BUNDLE_CODES
    assert not missing, missing
    for code, msgid in REASONS.items():
        for lang in ("ar", "fr", "zgh"):
            assert gettext_for(lang, msgid) != msgid, (code, lang)
    arabic = reason_text("chain_broken", "the hash chain is broken", "ar", 1234)
    assert arabic.startswith("\u0627\u0644\u0642\u064a\u062f 1234: ")
    assert reason_text("some_old_code", "an English line", "ar") == "an English line"


def test_the_bundles_page_says_why_in_the_page_language(site, tmp_path: Path) -> None:
    store, app = site
    client, token = logged_in(app, "admin")
    junk = tmp_path / "junk.kbundle"
    junk.write_bytes(b"not a bundle")
    client.get("/console/lang/fr?next=/console/")
    with junk.open("rb") as fh:
        r = client.post("/console/events/SM-2026/bundles", data={"csrf_token": token},
                        files={"files": ("junk.kbundle", fh)})  # fmt: skip
    french = gettext_for("fr", REASONS["bad_format"])
    assert r.status_code == 200 and french in r.text
    with store.uow() as uow:  # a log line of before the codes had words: English kept
        event_id = uow.session.query(BundleImport.event_id).scalar()
        row = uow.session.get(BundleImport, uow.session.query(BundleImport.id).scalar())
        assert row.code == "bad_format" and row.reason  # the code, and the English detail
        uow.session.add(BundleImport(
            id=new_id(), at=store.clock.now(), username="old", event_id=event_id,
            file_name="old.kbundle", outcome="rejected", code="legacy", reason="an old reason",
            quarantined=False,
        ))  # fmt: skip
        uow.commit()
    page = client.get("/console/events/SM-2026/bundles").text
    assert french in page and "an old reason" in page
    arabic = client.get("/console/lang/ar?next=/console/events/SM-2026/bundles").text
    assert gettext_for("ar", REASONS["bad_format"]) in arabic


def test_kiosk_central_import_says_why_in_its_language(organiser, capsys, tmp_path) -> None:
    junk = tmp_path / "junk.kbundle"
    junk.write_bytes(b"not a bundle")
    base = ["--data-dir", str(organiser.folder), "--ui-language", "fr", "import", str(junk)]
    assert main(base) == 1
    out = capsys.readouterr().out
    assert gettext_for("fr", REASONS["bad_format"]) in out and "[bad_format]" in out
    assert out.startswith(gettext_for("fr", "rejected"))
