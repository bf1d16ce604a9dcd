"""Start-up: an attendee kiosk paints its welcome screen before the store is open,
and nothing is lost in between; `kiosk run` itself, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys

from kiosk.app import build_window, peek_role
from kiosk.domain.flow import Step
from kiosk.ui.background import run_now
from kiosk.ui.qt import Qt
from tests.conftest import REPO_ROOT, cli_env


def test_welcome_first_then_attach(qtbot, demo_store, settings) -> None:
    from kiosk.ui.window import KioskWindow

    early = KioskWindow(None, None, run_now, default_language="ar")
    qtbot.addWidget(early)
    early.show()
    assert not early.built and early.stack.currentWidget() is early.welcome
    # A tap on the welcome screen before the store is open is kept...
    qtbot.mouseClick(early.welcome.buttons["fr"], Qt.MouseButton.LeftButton)
    assert early.flow.state.step == Step.BADGE
    assert early.stack.currentWidget() is early.welcome
    # ...and honoured once the store is open.
    window = build_window(demo_store, settings, run_now, window=early)
    assert window is early and early.built
    assert early.stack.currentWidget() is early.badge
    qtbot.mouseClick(early.badge.skip, Qt.MouseButton.LeftButton)
    assert set(early.theme.cards) == {t.code for t in early.event_info.themes}
    early.unlocked = True


def test_peek_role_reads_without_the_storage_layer(demo_store, settings, tmp_path) -> None:
    assert peek_role(settings.db_path) == "both"
    assert peek_role(tmp_path / "none.db") is None
    damaged = tmp_path / "bad.db"
    damaged.write_bytes(b"NOT A DATABASE!!" * 100)
    assert peek_role(damaged) is None


def test_kiosk_run_starts_and_is_ready(kiosk_cli, data_dir) -> None:
    assert kiosk_cli("init", "--demo").returncode == 0
    env = {**cli_env(), "KIOSK_PRINT_READY": "1", "KIOSK_QUIT_AFTER_MS": "200"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    for role in ("both", "checkin"):
        out = subprocess.run(
            [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "run", "--windowed",
             "--role", role],
            capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=120,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        assert any(line.startswith("READY") for line in out.stdout.splitlines())
    assert os.path.exists(data_dir / "kiosk.db")


# Run as `kiosk run`, but at the first paint list what has been loaded so far.
FIRST_PAINT_PROBE = """
import sys
import kiosk.ui.devtools
import kiosk.ui.qt as qt

report = kiosk.ui.devtools.FirstPaintProbe.report

def check(self):
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("kiosk", "sqlalchemy", "babel"))
    print("LOADED", " ".join(loaded))
    print("QT", " ".join(sorted(n for n in vars(qt) if n in qt._MODULE)))
    report(self)

kiosk.ui.devtools.FirstPaintProbe.report = check
from kiosk.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_welcome_is_painted_before_the_rest_is_loaded(kiosk_cli, data_dir) -> None:
    """The start-up path to the first paint: no storage layer, no other screen, and no
    Qt enum (PySide6 builds the whole ``Qt`` namespace, ~20 ms, on first touch), in
    Arabic too (the application starts mirrored)."""
    assert kiosk_cli("init", "--demo").returncode == 0
    env = {**cli_env(), "KIOSK_EXIT_ON_FIRST_PAINT": "1", "QT_QPA_PLATFORM": "offscreen"}
    for language in ("ar", "fr"):
        out = subprocess.run(
            [sys.executable, "-c", FIRST_PAINT_PROBE, "--data-dir", str(data_dir),
             "--ui-language", language, "run"],  # full screen, as at a venue
            capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=120,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        lines = {line.split(" ", 1)[0]: line.split()[1:] for line in out.stdout.splitlines()}
        assert "PAINTED" in lines
        loaded = set(lines["LOADED"])
        assert "kiosk.ui.welcome" in loaded and "kiosk.ui.window" in loaded
        heavy = {"sqlalchemy", "babel", "kiosk.storage", "kiosk.ui.attendee", "kiosk.ui.keyboard"}
        assert not heavy & loaded, heavy & loaded
        resolved = set(lines["QT"])
        assert {"QMainWindow", "QLabel"} <= resolved
        assert not resolved & {"Qt", "QEvent", "QPlainTextEdit", "QLineEdit"}, resolved
