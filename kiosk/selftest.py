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


CHECKS: list[tuple[str, Check]] = [
    ("migrations", check_migrations),
    ("catalogs", check_catalogs),
    ("proposal", check_proposal),
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
