"""Issue 15, acceptance 2: SIGKILL and a full disk at random points of backup, restore,
export, badges and report, over and over. Afterwards the database opens with every
acknowledged record, the journal verifies, and the next export merges at central."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.central.keys import load_sealing_key, load_signing_key
from kiosk.central.merge import import_files
from kiosk.central.stats import event_stats
from kiosk.storage import Store
from tests.conftest import REPO_ROOT, cli_env, run_cli

ROUNDS = 14


def start(data: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data), *args],
        env=cli_env(),
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_kills_and_full_disks_lose_nothing_acknowledged(
    organiser, kiosk_dir: Path, full_disk: Path, tmp_path: Path
) -> None:
    rng = random.Random(1501)
    acknowledged: set[str] = set()
    usb = tmp_path / "usb"
    usb.mkdir()
    for round_ in range(ROUNDS):
        lines = "\n".join(
            json.dumps(
                {"theme": "skills", "language": "fr", "title": f"r{round_}-{i}", "body": "x"}
            )
            for i in range(rng.randint(3, 30))
        )
        src = tmp_path / "in.jsonl"
        src.write_text(lines + "\n")
        out = run_cli("--data-dir", str(kiosk_dir), "propose", "--from", str(src), "--json")
        assert out.returncode == 0, out.stderr
        acknowledged |= {json.loads(line)["id"] for line in out.stdout.splitlines()}
        # A restore is taken right after a backup, so that restoring loses nothing.
        assert run_cli("--data-dir", str(kiosk_dir), "db", "backup").returncode == 0
        where = full_disk if rng.random() < 0.3 else usb
        operation = rng.choice(
            [
                ["db", "backup"],
                ["db", "restore", "--latest"],
                ["export", "--out", str(where), "--all"],
                ["badges", "--out", str(where / "badges.pdf")],
                ["report", "--out", str(where / "report.pdf")],
            ]
        )
        proc = start(kiosk_dir, *operation)
        time.sleep(rng.uniform(0.2, 1.2))  # the interpreter starts in ~0.3 s
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert b"Traceback" not in (proc.stderr.read() if proc.stderr else b"")
        if proc.stderr:
            proc.stderr.close()
    # Anything under a final name on either stick is whole; nothing temporary is left
    # but what a kill interrupted (hidden, and never taken for a bundle or a PDF).
    for folder in (usb, full_disk):
        for path in folder.iterdir():
            if path.name.endswith(".pdf"):
                assert path.read_bytes().startswith(b"%PDF") and path.stat().st_size > 500
    status = run_cli("--data-dir", str(kiosk_dir), "status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["proposals"] == len(acknowledged)
    verify = run_cli("--data-dir", str(kiosk_dir), "journal", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    # The next export merges at central, with every acknowledged proposal.
    final = tmp_path / "final"
    done = run_cli("--data-dir", str(kiosk_dir), "export", "--out", str(final), "--all")
    assert done.returncode == 0, done.stderr
    central = Store(f"sqlite:///{organiser.folder / 'central.db'}")
    [bundle] = sorted(final.glob("*.kbundle"))
    organiser_pk = bytes(load_signing_key(organiser.folder).verify_key)
    request = kiosk_dir / "enrolment-request.kreq"
    organiser("device", "approve", "SM-2026", "--request", str(request), "--out",
              str(tmp_path / "k.kcert"))  # fmt: skip
    [outcome] = import_files(
        central, [bundle], load_sealing_key(organiser.folder), tmp_path / "q", organiser_pk
    )
    assert outcome.outcome == "accepted", outcome
    assert event_stats(central, "SM-2026")["proposals"] == len(acknowledged)
    central.close()
