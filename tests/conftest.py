"""Fixtures shared by every test folder: a fresh data folder and store per test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt must never need a display in tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO_ROOT.parent / "shared" / "data" / "sample"


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def sample_dir() -> Path:
    if not SAMPLE_DIR.exists():
        pytest.fail(f"sample data missing at {SAMPLE_DIR}")
    return SAMPLE_DIR


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def settings(data_dir: Path):
    from kiosk.config import load_settings

    return load_settings(data_dir)


@pytest.fixture
def store(settings) -> Iterator[object]:
    from kiosk.storage import Store

    s = Store(settings.db_url, backups_dir=settings.backups_dir)
    yield s
    s.close()


@pytest.fixture
def demo_store(store):
    from kiosk.services.setup import init_demo

    init_demo(store)
    return store


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("KIOSK_DATA_DIR", None)
    return env


def run_cli(
    *args: str, module: str = "kiosk", check: bool = False, input_text: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m kiosk ARGS`` (this checkout's code) and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=REPO_ROOT,
        check=check,
        input=input_text,
        timeout=300,
    )


@pytest.fixture
def kiosk_cli(data_dir: Path):
    """Run the kiosk command line against this test's data folder."""

    def _run(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        return run_cli("--data-dir", str(data_dir), *args, check=check)

    return _run


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A clean PostgreSQL database (``KIOSK_TEST_PG_URL``; ``make test`` starts one).

    In CI a missing server is a failure, never a silent skip.
    """
    url = os.environ.get("KIOSK_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("KIOSK_TEST_PG_URL is not set in CI (scripts/start_postgres.sh)")
        pytest.skip("no PostgreSQL server (set KIOSK_TEST_PG_URL or run make test)")
    from sqlalchemy import create_engine, text

    def reset() -> None:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()

    reset()
    yield url
    reset()


# -- the organiser's side -----------------------------------------------------


def central(capsys, *args: str) -> str:
    """Run ``kiosk-central ARGS`` in-process; returns its standard output."""
    from kiosk.central.cli import main as central_main

    code = central_main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err + out.out
    return out.out


@pytest.fixture
def organiser(tmp_path: Path, capsys, sample_dir: Path):
    """Central folder with keys, event SM-2026 and the sample roster; returns a helper."""
    folder = tmp_path / "central"

    def run(*args: str) -> str:
        return central(capsys, "--data-dir", str(folder), *args)

    run("init")
    run(
        "event",
        "create",
        "--code",
        "SM-2026",
        "--name",
        "Session Souss-Massa",
        "--region",
        "Souss-Massa",
        "--venue",
        "Agadir",
        "--starts",
        "2026-11-23T08:00",
        "--ends",
        "2026-11-23T18:00",
    )
    run("roster", "import", "SM-2026", str(sample_dir / "roster.csv"))
    run.folder = folder
    run.tokens = lambda: json.loads(run("roster", "tokens", "SM-2026", "--json"))
    run.passphrase = pack_passphrase(folder)
    run.enrol = lambda store, keys_dir, event="SM-2026": enrol(folder, store, keys_dir, event)
    return run


def pack_passphrase(folder: Path, event: str = "SM-2026", db_url: str | None = None) -> str:
    """The event's pack passphrase, as the organiser reads it from ``kiosk-central pack``."""
    from kiosk.central.organiser import pack_passphrase as read_passphrase
    from kiosk.storage import Store

    store = Store(db_url or f"sqlite:///{folder / 'central.db'}")
    try:
        return read_passphrase(store, event)
    finally:
        store.close()


def enrol(
    folder: Path, kiosk_store, keys_dir: Path, event: str = "SM-2026", db_url: str | None = None
) -> str:
    """The organiser approves the kiosk's enrolment request; the kiosk installs the
    certificate (what ``kiosk-central device approve`` and ``kiosk enrol`` do)."""
    from kiosk.central.devices import approve
    from kiosk.services.enrol import enrolment_request, install_certificate
    from kiosk.storage import Store

    central_store = Store(db_url or f"sqlite:///{folder / 'central.db'}")
    try:
        approval = approve(
            central_store, folder, event, request_data=enrolment_request(kiosk_store, keys_dir)
        )
    finally:
        central_store.close()
    install_certificate(kiosk_store, approval.certificate)
    return approval.device_id


# -- the fast loop ------------------------------------------------------------

# `make test-fast` (the inner loop, under 30 s) leaves out the tests marked `slow`;
# `make test` runs everything. Besides the tests marked by hand, a test is slow when
# it opens Qt windows (tests/ui/, qtbot), starts a program (it calls run_cli or
# subprocess), mounts a file system, seals a pack (Argon2id, 64 MiB) or needs
# PostgreSQL.
SLOW_FIXTURES = frozenset({"qtbot", "kiosk_cli", "full_disk", "kiosk_dir", "organiser", "pg_url"})
SLOW_CALLS = frozenset({"run_cli", "subprocess"})


def _is_slow(item: pytest.Item) -> bool:
    if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    if "ui" in item.path.relative_to(REPO_ROOT / "tests").parts[:1]:
        return True
    function = getattr(item, "function", None)
    code = getattr(function, "__code__", None)
    return code is not None and bool(SLOW_CALLS & set(code.co_names))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _is_slow(item):
            item.add_marker(pytest.mark.slow)
