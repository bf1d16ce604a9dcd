"""Browser tests of the organiser console: Playwright driving Debian's chromium (never a
downloaded browser) against ``kiosk-central``'s app served by uvicorn on 127.0.0.1 in a
thread, with a temporary data folder and database."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN_PASSWORD = "admin password 2026"
VIEWER_PASSWORD = "viewer password 2026"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "console"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ConsoleServer:
    def __init__(self, folder: Path) -> None:
        import uvicorn

        from kiosk.central.cli import main as central_main
        from kiosk.central.server import create_app
        from kiosk.central.store import open_central
        from kiosk.central.web import mount_console

        assert central_main(["--data-dir", str(folder), "init"]) == 0
        self.folder = folder
        self.store = open_central(f"sqlite:///{folder / 'central.db'}")
        app = create_app(self.store, folder)
        self.console = mount_console(app, self.store, folder)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("console did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.store.close()


@pytest.fixture
def console_server(tmp_path: Path) -> Iterator[ConsoleServer]:
    from kiosk.central import accounts

    # Log-in limits are per process: a fresh count for each test.
    accounts.LOGIN_FAILURES_PER_USER._hits.clear()
    accounts.LOGIN_FAILURES_PER_ADDRESS._hits.clear()
    server = ConsoleServer(tmp_path / "central")
    accounts.add_user(server.store, "admin", ADMIN_PASSWORD, role="admin")
    # The viewer is added by the walk, on the Accounts page.
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM) or shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is missing: scripts/bootstrap.sh installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
