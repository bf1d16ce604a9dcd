"""``kiosk --self-test``: prove that an installed (or frozen) kiosk has what it needs.

Runs in a temporary data folder and never touches the real one. Prints one line
per check and returns non-zero if any fails. Checks that need Qt run only
where Qt is importable; their absence is itself a failure in a kiosk build.
"""

from __future__ import annotations

import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

Check = Callable[[Path], str]


def check_migrations(tmp: Path) -> str:
    from kiosk.services.setup import init_demo
    from kiosk.services.status import verify_journal
    from kiosk.storage import Store
    from kiosk.storage.migrate import current_revision, head_revision

    store = Store(f"sqlite:///{tmp / 'selftest.db'}", backups_dir=tmp / "backups")
    try:
        init_demo(store)
        revision = current_revision(store.engine)
        if revision != head_revision(store.engine):
            raise RuntimeError(f"schema at {revision}, expected head")
        result = verify_journal(store)
        if not result.ok:
            raise RuntimeError(result.describe())
        return f"schema at revision {revision}, journal OK"
    finally:
        store.close()


def check_encryption(tmp: Path) -> str:
    """SQLCipher is there (a frozen build must carry it) and encrypts: a kiosk's
    database written with a key reads back, and its bytes hold no row in clear."""
    from kiosk.domain.proposal import ProposalDraft
    from kiosk.services.proposals import submit_proposal
    from kiosk.services.setup import init_demo
    from kiosk.storage import Store, atrest

    folder = tmp / "encrypted"
    folder.mkdir()
    atrest.register(folder, atrest.new_database_key())
    try:
        store = Store(f"sqlite:///{folder / 'kiosk.db'}")
        try:
            init_demo(store)
            submit_proposal(store, ProposalDraft("skills", "fr", "selftest-clear", "x"))
        finally:
            store.close()
        con = atrest.connect(folder / "kiosk.db")
        try:
            version = con.execute("PRAGMA cipher_version").fetchone()[0]
        finally:
            con.close()
        data = b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())
        if atrest.is_plain(folder / "kiosk.db") or b"selftest-clear" in data:
            raise RuntimeError("the database is not encrypted")
    finally:
        atrest.forget(folder)
    return f"SQLCipher {version}"


def check_catalogs(tmp: Path) -> str:
    from kiosk.i18n import LANGUAGES, gettext_for

    probe = "Prefer not to say"
    for lang in LANGUAGES:
        if lang != "en" and gettext_for(lang, probe) == probe:
            raise RuntimeError(f"catalog {lang} not loaded")
    return f"catalogs loaded: {', '.join(LANGUAGES)}"


def check_proposal(tmp: Path) -> str:
    from kiosk.domain.proposal import ProposalDraft
    from kiosk.services.proposals import submit_proposal
    from kiosk.storage import Store

    store = Store(f"sqlite:///{tmp / 'selftest.db'}")
    try:
        receipt = submit_proposal(
            store,
            ProposalDraft(
                "skills", "ar", "\u0627\u062e\u062a\u0628\u0627\u0631", "\u2d30\u2d63\u2d53\u2d4d"
            ),
        )
        return f"proposal stored, receipt {receipt.receipt_code}"
    finally:
        store.close()


def check_badge_and_bundle(tmp: Path) -> str:
    """An organiser, a pack, a kiosk set up from it, a badge verified, a bundle read back."""
    import datetime as dt

    from kiosk.central.devices import approve
    from kiosk.central.keys import create_keys, load_sealing_key
    from kiosk.central.merge import import_bundle
    from kiosk.central.organiser import build_pack, create_event, import_roster, roster_tokens
    from kiosk.central.store import open_central
    from kiosk.services.checkin import check_in
    from kiosk.services.enrol import enrolment_request, install_certificate
    from kiosk.services.pack_setup import setup_from_pack
    from kiosk.services.sync import export_bundle
    from kiosk.storage import Store

    central = open_central(f"sqlite:///{tmp / 'central.db'}")
    create_keys(tmp / "central")
    start = dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC)
    create_event(
        central,
        code="SELFTEST",
        name="Self-test",
        region="",
        venue="",
        starts=start,
        ends=start + dt.timedelta(hours=8),
        languages=["ar", "fr", "zgh", "en"],
    )
    roster = "external_id,full_name,category\nS-1,\u0633\u0644\u0645\u0649,citizen\n"
    import_roster(central, "SELFTEST", roster.encode("utf-8"), tmp / "central")
    token = roster_tokens(central, "SELFTEST")[0].token
    kiosk = Store(f"sqlite:///{tmp / 'kiosk-badge.db'}")
    pack = build_pack(central, "SELFTEST", tmp / "central")
    setup_from_pack(
        kiosk,
        pack.data,
        name="self-test",
        role="both",
        keys_dir=tmp / "keys",
        passphrase=pack.passphrase,
    )
    approval = approve(
        central,
        tmp / "central",
        "SELFTEST",
        request_data=enrolment_request(kiosk, tmp / "keys"),
    )
    install_certificate(kiosk, approval.certificate)
    result = check_in(kiosk, token)
    if result.outcome != "accepted":
        raise RuntimeError(f"badge refused: {result.outcome}")
    bundle = export_bundle(kiosk, tmp / "keys", tmp / "usb")
    if bundle is None:
        raise RuntimeError("no bundle written")
    outcome = import_bundle(
        central, bundle.path, load_sealing_key(tmp / "central"), tmp / "quarantine"
    )
    if outcome.outcome != "accepted":
        raise RuntimeError(f"bundle {outcome.outcome}: {outcome.reason}")
    kiosk.close()
    central.close()
    return f"badge verified offline; bundle of {bundle.count} entries written and read back"


def check_screens(tmp: Path) -> str:
    """Fonts load, the welcome screen and a check-in render offscreen."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.app import build_window
    from kiosk.config import load_settings
    from kiosk.services.setup import init_demo
    from kiosk.storage import Store
    from kiosk.ui.background import run_now
    from kiosk.ui.qt import QApplication
    from kiosk.ui.style import apply_style, load_fonts

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    families = load_fonts()
    needed = {"Noto Sans", "Noto Sans Arabic", "Noto Sans Tifinagh"}
    if not needed <= set(families):
        raise RuntimeError(f"fonts missing: {sorted(needed - set(families))}")
    apply_style(app)
    settings = load_settings(tmp / "ui")
    store = Store(settings.db_url)
    init_demo(store)
    window = build_window(store, settings, run_now)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    image = window.grab()
    if image.isNull() or image.width() < 100:
        raise RuntimeError("welcome screen did not render")
    image.save(str(tmp / "welcome.png"))
    window._apply(window.flow.choose_language("ar"))
    window._apply(window.flow.skip_badge())
    app.processEvents()
    if window.grab().isNull():
        raise RuntimeError("theme screen did not render")
    from kiosk.services.dashboard import dashboard_figures
    from kiosk.ui.dashboard import DashboardView

    view = DashboardView(lambda: dashboard_figures(store), run_now)
    view.start()
    view.stop()
    app.processEvents()
    if view.grab().isNull():
        raise RuntimeError("check-in figures did not render")
    window.unlocked = True
    window.close()
    store.close()
    return f"fonts {', '.join(sorted(needed))}; welcome, theme and check-in figures rendered"


def check_staff_station(tmp: Path) -> str:
    """The demo door: a badge scanned as a USB scanner types it, a walk-in and its
    badge PDF, the camera and printer back-ends reachable (or said missing)."""
    from kiosk import badges
    from kiosk.app import build_staff_window, setup_demo_door
    from kiosk.config import load_settings
    from kiosk.services.badge_sheet import badge_cards
    from kiosk.storage import Store
    from kiosk.ui.background import run_now
    from kiosk.ui.camera import CameraScanner
    from kiosk.ui.printing import printers_available
    from kiosk.ui.qt import QApplication, QEvent, QKeyEvent, Qt

    app = QApplication.instance() or QApplication([])
    settings = load_settings(tmp / "door")
    store = Store(settings.db_url, backups_dir=settings.backups_dir)
    setup_demo_door(store, settings)
    window = build_staff_window(store, settings, run_now, language="ar", locked=True)
    window.resize(1280, 800)
    window.show()
    screen = window.checkin
    # An invitee's badge, from the demo organiser (kiosks hold no invitee tokens).
    organiser = Store(f"sqlite:///{settings.data_dir / 'demo-organiser' / 'central.db'}")
    try:
        token = badge_cards(organiser, event_id=store.event_id)[0].token
    finally:
        organiser.close()
    typed = badges.LAYOUT_DIGITS["fr_azerty"]
    for i, digit in enumerate(token + "\r"):
        text = typed[int(digit)] if digit != "\r" else "\r"
        key = int(Qt.Key.Key_Return) if digit == "\r" else 0
        event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, 0, 0, 0, text)
        event.setTimestamp(1000 + 4 * i)
        QApplication.sendEvent(screen.search_field, event)
    if screen.panel.state != "accepted":
        raise RuntimeError(f"scanner burst not accepted: {screen.panel.state}")
    screen.open_walk_in()
    screen.form.name.setText("Self Test")
    screen.form.submit.click()
    card = screen.badge_page.card
    if card is None:
        raise RuntimeError(f"walk-in not registered: {screen.form.error.text()}")
    screen.badge_page.pdf_button.click()
    pdf = settings.data_dir / "badges" / f"badge-{card.attendee_id}.pdf"
    if not pdf.read_bytes().startswith(b"%PDF"):
        raise RuntimeError("walk-in badge PDF not written")
    camera, camera_detail = CameraScanner.available()
    if not camera and camera_detail == "no_backend":  # a camera could never work here
        raise RuntimeError("QtMultimedia cannot be loaded (camera scanning impossible)")
    printers = printers_available()
    app.processEvents()
    if window.grab().isNull():
        raise RuntimeError("staff screen did not render")
    window.may_close = True
    window.close()
    window.detach()
    store.close()
    return (
        f"scan (AZERTY burst) accepted, walk-in badge PDF written; camera: "
        f"{camera_detail if camera else 'none (' + camera_detail + ')'}; "
        f"printers: {'yes' if printers else 'none'}"
    )


CHECKS: list[tuple[str, Check]] = [
    ("migrations", check_migrations),
    ("catalogs", check_catalogs),
    ("encryption at rest", check_encryption),
    ("proposal", check_proposal),
    ("badge and bundle", check_badge_and_bundle),
    ("screens", check_screens),
    ("staff station", check_staff_station),
]


def run_self_test(extra: list[tuple[str, Check]] | None = None) -> int:
    failures = 0
    with tempfile.TemporaryDirectory(prefix="kiosk-selftest-") as folder:
        tmp = Path(folder)
        for name, check in CHECKS + (extra or []):
            try:
                detail = check(tmp)
            except Exception as exc:  # every failure is reported, none stops the rest
                failures += 1
                print(f"FAIL {name}: {exc}", flush=True)
                traceback.print_exc()
            else:
                print(f"ok   {name}: {detail}", flush=True)
    print("self-test passed" if not failures else f"self-test FAILED ({failures})", flush=True)
    return 1 if failures else 0
