"""``kiosk run --demo`` on a fresh machine: one command sets up the demo organiser,
opens its sealed pack, enrols the kiosk and starts the screen."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT, cli_env, run_cli


def test_run_demo_sets_up_and_enrols_in_one_command(tmp_path: Path) -> None:
    data = tmp_path / "fresh"
    env = {**cli_env(), "QT_QPA_PLATFORM": "offscreen", "KIOSK_QUIT_AFTER_MS": "1500"}
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data), "run", "--demo", "--windowed"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert (data / "demo-badges.pdf").stat().st_size > 10_000  # the 48 invitees' badges
    status = run_cli("--data-dir", str(data), "status", "--json")
    assert status.returncode == 0, status.stderr
    state = json.loads(status.stdout)
    assert state["enrolled"] is True and state["attendees"] == 48
